/*
 * Per-CPU data, reached through the GS base: %gs:0 holds a pointer to the
 * CPU's own struct cpu_local. One CPU runs today; the structure exists so
 * that nothing has to change in its users when more do.
 */
#ifndef _ASM_PERCPU_H
#define _ASM_PERCPU_H

#include <kernel/types.h>

#define NR_CPUS 8

struct task_struct;

struct cpu_local {
	struct cpu_local *self;         /* must stay first: this_cpu() reads %gs:0 */
	/* Read by the syscall entry (entry.asm) at fixed offsets: boot_defs.inc. */
	unsigned long kernel_stack;     /* top of the current task's kernel stack */
	unsigned long user_rsp;         /* the user RSP while the entry switches stacks */
	unsigned int cpu;               /* 0-based CPU number */
	int preempt_count;              /* spinlocks held (and later, explicit disables) */
	unsigned int irq_depth;         /* nested interrupt handlers (not exceptions) */
	unsigned long irq_count;        /* interrupts taken, for statistics */
	struct task_struct *current_task; /* the task running here */
	struct task_struct *idle_task;  /* runs when nothing else can */
	u64 softlockup_touch;           /* jiffies when this CPU last scheduled,
					 * idled or ran user code (kernel/watchdog.c) */
};

extern struct cpu_local cpu_locals[NR_CPUS];

/* Offsets used by entry.asm (boot_defs.inc: CPU_KERNEL_STACK, CPU_USER_RSP). */
_Static_assert(__builtin_offsetof(struct cpu_local, kernel_stack) == 8, "CPU_KERNEL_STACK");
_Static_assert(__builtin_offsetof(struct cpu_local, user_rsp) == 16, "CPU_USER_RSP");

static inline struct cpu_local *this_cpu(void)
{
	struct cpu_local *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

/* Point GS at cpu_locals[cpu]; the first thing kmain does. */
void percpu_init(unsigned int cpu);

#endif
