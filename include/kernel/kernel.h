/*
 * panic(), BUG_ON() and the assertions used throughout the kernel.
 *
 * panic() is for broken kernel invariants only: bad input from a user
 * program must produce an errno, never a panic. A panic message names the
 * function that found the broken invariant (the macro adds it).
 */
#ifndef _KERNEL_KERNEL_H
#define _KERNEL_KERNEL_H

#include <kernel/compiler.h>
#include <kernel/printk.h>
#include <kernel/types.h>

struct pt_regs;

/* The C entry point, called by boot.asm (kernel/main.c). */
void kmain(u32 magic, u64 info);

__noreturn __printf(2, 3) void __panic(const char *func, const char *fmt, ...);
#define panic(fmt, ...) __panic(__func__, fmt, ##__VA_ARGS__)

#define BACKTRACE_MAX_FRAMES 32
/*
 * Follow the frame-pointer chain from @rbp and store up to @max code
 * addresses in @entries: @rip first (if non-zero), then each call site.
 * Every read is fault-safe, so a corrupt or changing chain just ends the
 * trace. Returns the number stored.
 */
unsigned int stack_trace_save_fp(unsigned long rip, unsigned long rbp,
				 unsigned long *entries, unsigned int max);
/* Print a symbolized backtrace (KERN_EMERG) from @rip and frame pointer @rbp. */
void dump_stack_from(unsigned long rip, unsigned long rbp);
void dump_stack(void);
extern bool panic_in_progress;
/* Set by the trap code while it prints an oops report (then panic()
 * does not print a second backtrace). */
extern bool oops_in_progress;

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); } while (0)

/* Assertions stay on in every build: this kernel is for learning. */
#define ASSERT(cond) do { if (unlikely(!(cond))) panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__); } while (0)

#define WARN_ON(cond) ({                                                \
	bool __w = !!(cond);                                            \
	if (unlikely(__w)) {                                            \
		pr_warn("WARNING: %s at %s:%d\n", #cond, __FILE__, __LINE__); \
		dump_stack();                                           \
	}                                                               \
	__w;                                                            \
})

#endif
