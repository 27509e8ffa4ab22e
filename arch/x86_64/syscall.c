/*
 * The C half of system calls and of the return to user mode.
 *
 * entry_syscall_64 (entry.asm) saves the user registers as a struct
 * pt_regs on the task's kernel stack and calls do_syscall_64 with
 * interrupts off. Interrupts go on at once (a system call may sleep), and
 * off again before the return path restores the user registers.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <asm/page.h>

/*
 * The last stop before user mode: reschedule if the slice is used up, and
 * deliver pending signals (which may change @regs to run a handler, or end
 * the task). Returns with interrupts off, nothing left to do.
 */
void exit_to_user_mode(struct pt_regs *regs, bool in_syscall)
{
	for (;;) {
		local_irq_disable();
		if (!current->need_resched && !signal_pending(current))
			break;
		local_irq_enable();
		if (current->need_resched) {
			schedule();
			continue;
		}
		do_signal(regs, in_syscall);
		in_syscall = false;     /* a restart decision is taken once */
	}
}

/*
 * May the way back to user mode be sysretq rather than iretq? sysretq
 * takes RIP from RCX and RFLAGS from R11 and sets the user CS and SS that
 * MSR_STAR names, so the frame must be what the syscall instruction left:
 * RCX and R11 still equal to RIP and RFLAGS (a signal handler's frame,
 * execve and rt_sigreturn change them: those go by iretq), the standard
 * user segments, neither TF nor RF set. And RIP below the last page of
 * the user half: on Intel CPUs a sysretq to a non-canonical RIP faults in
 * ring 0 with the user's RSP already loaded (Linux checks the same).
 */
static bool sysret_ok(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->cs == (GDT_USER_CS | 3) && regs->ss == (GDT_USER_DS | 3) &&
	       regs->rip < USER_TOP - PAGE_SIZE &&
	       !(regs->rflags & (X86_EFLAGS_TF | X86_EFLAGS_RF));
}

bool do_syscall_64(struct pt_regs *regs)
{
	const unsigned long args[6] = { regs->rdi, regs->rsi, regs->rdx,
					regs->r10, regs->r8, regs->r9 };

	local_irq_enable();
	regs->rax = (unsigned long)syscall_dispatch(regs->orig_rax, args);
	exit_to_user_mode(regs, true);
	return sysret_ok(regs);
}

/*
 * The frame can live anywhere on the kernel stack: the next entry from
 * user mode starts again at the top (TSS rsp0, the per-CPU kernel_stack),
 * and nothing below this function is ever returned to.
 */
void start_user_mode(unsigned long rip, unsigned long rsp)
{
	struct pt_regs regs;

	local_irq_disable();
	memset(&regs, 0, sizeof(regs));
	regs.rip = rip;
	regs.rsp = rsp;
	regs.cs = GDT_USER_CS | 3;
	regs.ss = GDT_USER_DS | 3;
	regs.rflags = X86_EFLAGS_IF | 0x2;      /* bit 1 is always set */
	enter_user_mode_asm(&regs);
}

/* ---- per-thread CPU state from user space ------------------------------------ */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

/*
 * arch_prctl: the FS base is the thread pointer of x86-64 TLS (musl sets it
 * first thing at start-up). It is saved per task and loaded on every switch
 * (arch_switch_to). A non-canonical or kernel address is refused (EPERM),
 * as Linux does, so user space can never point FS at kernel memory.
 */
SYSCALL_DEFINE2(arch_prctl, int, code, unsigned long, addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_TOP)
			return -EPERM;
		current->thread.fsbase = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)addr, &current->thread.fsbase, sizeof(unsigned long)) ?
		       -EFAULT : 0;
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		return -EINVAL;         /* GS belongs to the kernel here (swapgs); not offered */
	default:
		return -EINVAL;
	}
}

/* set_tid_address: where to clear the tid (and futex-wake) at thread exit
 * (kernel/exit.c, exit_mm_release); returns the caller's tid. */
SYSCALL_DEFINE1(set_tid_address, int *, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}
