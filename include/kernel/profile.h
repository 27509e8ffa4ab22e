/*
 * The kernel profiler (kernel/profile.c; docs/performance.md, "Profiles").
 *
 * With profile=1 on the kernel command line, every CPU's timer tick (HZ
 * a second) records where it interrupted: in which kernel function, or
 * in user mode, or in the idle task. /proc/profile reads the counts as
 * text, the busiest first; a write to it starts the counts again.
 * Without profile=1 the tick pays one load and a branch, and there is no
 * /proc/profile (as on Linux).
 */
#ifndef _KERNEL_PROFILE_H
#define _KERNEL_PROFILE_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct pt_regs;
struct seq_buf;

extern bool prof_on;                    /* (a) profile_start/profile_stop */

/* Boot: with profile=1, profile_start(). Context: after kmalloc_init,
 * before the timer starts; may sleep. */
void profile_init(void);
/* Zero the counts and start sampling (allocating the counters the first
 * time): 0 or -ENOMEM. profile_stop() stops it; /proc/profile is there
 * only in between. For the boot and for the profiler's ktest. Context:
 * may sleep. */
int profile_start(void);
void profile_stop(void);

void __profile_tick(const struct pt_regs *regs);

/* The timer interrupt's sample of @regs, the interrupted context.
 * Context: interrupt, interrupts off. */
static inline void profile_tick(const struct pt_regs *regs)
{
	if (unlikely(__atomic_load_n(&prof_on, __ATOMIC_RELAXED)))
		__profile_tick(regs);
}

/* /proc/profile (fs/proc/root.c): is it there, its text, and a write,
 * which zeroes every count whatever it says. */
bool profile_present(void);
int profile_show(struct seq_buf *m, int pid);
int profile_store(const char *buf, size_t len);

#endif
