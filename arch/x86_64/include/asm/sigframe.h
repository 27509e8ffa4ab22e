/*
 * The x86-64 signal frame, exactly as Linux lays it out on the user stack
 * (arch/x86_64/signal.c builds and reads it; docs/signals.md draws it).
 *
 *   higher addresses   ... the interrupted stack, then a 128-byte red zone
 *                      fxsave area (512 bytes, 64-byte aligned) <- uc_mcontext.fpstate
 *                      struct rt_sigframe:
 *                          siginfo_t (128)                      <- handler's RSI
 *                          struct ucontext (304)                <- handler's RDX
 *   RSP at entry ->        return address = sa_restorer (8)
 *
 * At the handler's first instruction RSP + 8 is 16-byte aligned, as after
 * a call. The handler's "ret" pops the restorer, which calls rt_sigreturn
 * with RSP = frame + 8.
 */
#ifndef _ASM_SIGFRAME_H
#define _ASM_SIGFRAME_H

#include <kernel/signal.h>
#include <kernel/types.h>

struct pt_regs;

/* struct sigcontext (Linux's uapi, 64-bit): 256 bytes. */
struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp;
	u64 rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;                    /* user address of the fxsave area, or 0 */
	u64 reserved1[8];
};

#define UC_FP_XSTATE            0x1
#define UC_SIGCONTEXT_SS        0x2
#define UC_STRICT_RESTORE_SS    0x4

struct ucontext {
	unsigned long uc_flags;
	unsigned long uc_link;
	struct user_stack uc_stack;
	struct sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe {
	unsigned long pretcode;         /* sa_restorer */
	struct ucontext uc;
	struct user_siginfo info;
};

#define SIGFRAME_REDZONE        128
#define SIGFRAME_FPSTATE_SIZE   512

/*
 * Where the frame and the fxsave area go for a handler, given the user
 * stack pointer @sp it interrupts (already switched to the alternate stack
 * by the caller when it must). Pure arithmetic, for the ktests.
 */
unsigned long sigframe_fpstate_addr(unsigned long sp);
unsigned long sigframe_addr(unsigned long fpstate);

/* The restart rules for a system call interrupted by a signal, applied to
 * @regs before the frame is built (@ka: the handler's action) or when no
 * handler runs (@ka NULL). Only call for a real system call (orig_rax >= 0). */
void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka);

#endif
