/*
 * The context switch (arch/x86_64/switch.asm).
 *
 * __switch_to_asm saves the callee-saved registers of the running task on
 * its stack, stores its stack pointer in *prev_rsp, loads next_rsp and pops
 * the next task's registers. It "returns" in the next task, handing it
 * @prev (the task switched away from), so that task can finish the switch
 * (release the run-queue lock, free a dead task's stack).
 *
 * A new kernel thread's stack is prepared by thread_stack_init() so that
 * its first switch-in returns into ret_from_kthread, which calls
 * kthread_entry(prev) in kernel/sched.c.
 */
#ifndef _ASM_SWITCH_TO_H
#define _ASM_SWITCH_TO_H

struct task_struct;

struct task_struct *__switch_to_asm(unsigned long *prev_rsp, unsigned long next_rsp,
				    struct task_struct *prev);
void ret_from_kthread(void);

/*
 * Everything else a switch changes, before the stacks are swapped: the FPU
 * state, the kernel stack the CPU uses on entry from user mode (TSS rsp0
 * and the syscall entry's per-CPU copy), the FS base, and the page tables
 * (CR3) when the address space changes. Context: rq->lock held, IRQs off.
 */
void arch_switch_to(struct task_struct *prev, struct task_struct *next);

/* Make @mm (NULL: none) the current task's address space from now on:
 * load its page tables and, for a user one, a clean FPU state. */
struct mm_struct;
void switch_to_new_mm(struct mm_struct *mm);

/* Build the initial stack of a new thread; returns its saved RSP. */
unsigned long thread_stack_init(void *stack_base, unsigned long stack_size);

/*
 * Where a switched-out task stopped, from the frame __switch_to_asm pushed
 * at @saved_rsp: *pc its return address (in __schedule), *fp the task's
 * frame pointer, for a backtrace of a sleeping task. The reads are
 * fault-safe; returns false if the frame cannot be read.
 */
bool thread_saved_frame(unsigned long saved_rsp, unsigned long *pc, unsigned long *fp);

#endif
