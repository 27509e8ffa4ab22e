/*
 * The C half of system calls and of the return to user mode.
 *
 * entry_syscall_64 (entry.asm) saves the user registers as a struct
 * pt_regs on the task's kernel stack and calls do_syscall_64 with
 * interrupts off. Interrupts go on at once (a system call may sleep), and
 * off again before the return path restores the user registers.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/traps.h>

void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		local_irq_disable();
		if (!current->need_resched)
			break;
		local_irq_enable();
		schedule();
	}
}

void do_syscall_64(struct pt_regs *regs)
{
	const unsigned long args[6] = { regs->rdi, regs->rsi, regs->rdx,
					regs->r10, regs->r8, regs->r9 };

	local_irq_enable();
	regs->rax = (unsigned long)syscall_dispatch(regs->orig_rax, args);
	exit_to_user_mode(regs);
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
