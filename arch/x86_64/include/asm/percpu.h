/*
 * Per-CPU data, reached through the GS base: %gs:0 holds a pointer to the
 * CPU's own struct cpu_local (cpu_locals[cpu]), set up by percpu_init() on
 * each CPU as it comes up (docs/smp.md).
 *
 * Preemptible code must read and write its CPU's fields with one
 * instruction (this_cpu_read/this_cpu_write/this_cpu_inc below, each a
 * single %gs-relative access): "p = this_cpu(); p->field++" can be
 * preempted between the two steps and migrated, and would then update the
 * CPU it left. this_cpu() itself is for code that cannot migrate:
 * interrupt handlers, interrupts off, or preemption disabled.
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
	/* SMP bring-up (arch/x86_64/smpboot.c); constant once online. */
	u32 apic_id;                    /* the local APIC's id: where IPIs go */
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

/* One %gs-relative access of a field of this CPU's cpu_local: safe in
 * preemptible code (see the top of this file). */
#define __percpu_off(field) __builtin_offsetof(struct cpu_local, field)
#define this_cpu_read(field) ({                                                 \
	__typeof__(((struct cpu_local *)0)->field) __v;                         \
	__asm__ volatile("mov %%gs:%c1, %0" : "=q"(__v) : "i"(__percpu_off(field)));  \
	__v;                                                                    \
})
#define this_cpu_write(field, val) do {                                         \
	__typeof__(((struct cpu_local *)0)->field) __v = (val);                 \
	__asm__ volatile("mov %0, %%gs:%c1" :: "q"(__v), "i"(__percpu_off(field)) : "memory"); \
} while (0)
/* Add @n to a 32-bit field (preempt_count, irq_depth). */
#define this_cpu_add32(field, n) do {                                           \
	_Static_assert(sizeof(((struct cpu_local *)0)->field) == 4, #field);    \
	__asm__ volatile("addl %0, %%gs:%c1" :: "ri"((int)(n)), "i"(__percpu_off(field)) : "memory"); \
} while (0)

static inline unsigned int smp_processor_id(void)
{
	return this_cpu_read(cpu);
}

/* Point GS at cpu_locals[cpu]; the first thing kmain does. */
void percpu_init(unsigned int cpu);

#endif
