/*
 * Cross-CPU function calls and the reschedule IPI (include/kernel/smp.h).
 *
 * Each CPU has a call queue: a list of call entries (struct call_entry)
 * that other CPUs want it to run, under the queue's lock. A caller puts an
 * entry on each target's queue and sends that CPU CALL_FUNCTION_VECTOR;
 * the target's handler takes the whole queue and runs each entry. The
 * entries live in a table indexed by (sender, target): a CPU has at most
 * one call in flight to each other CPU, because it sends with preemption
 * disabled and only from task context, and it reuses an entry only once
 * the target has finished with it.
 *
 * The protocol and its barriers (docs/smp.md, "IPIs"):
 *
 *   sender                                   target (interrupt)
 *   wait: entry->busy == 0 (acquire) ---.    lock queue; take an entry; unlock
 *   entry->fn, ->info = ...             |    fn = entry->fn; info = entry->info
 *   entry->busy = 1                     |    fn(info)
 *   lock target queue; add; unlock  ----+--> (the queue lock orders the
 *   IPI                                 |     sender's stores before the
 *   [wait] entry->busy == 0 (acquire) <-'---- target's loads of fn/info)
 *                                            entry->busy = 0 (release)
 *
 * The release store of busy on the target pairs with the sender's acquire
 * load of it: whatever fn wrote, and the target's reads of fn and info,
 * happen before the sender sees 0 and reuses or returns.
 *
 * Locks: call_queue.lock (irqsave; the handler takes it), a leaf.
 */
#include <kernel/kernel.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <asm/apic.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/tlbflush.h>
#include <mm/mm_types.h>
#include <asm/traps.h>

struct cpumask cpu_online_mask = { .bits = 1UL };

struct call_entry {
	struct list_head node;          /* (the target's queue lock) */
	smp_call_func_t fn;             /* (sender, before queueing) */
	void *info;
	u32 busy;                       /* 1 from queueing until the target ran fn */
};

struct call_queue {
	spinlock_t lock;
	struct list_head list;          /* (lock) entries to run on this CPU */
	unsigned long calls;            /* (this CPU only) calls run, for tests */
} __aligned(64);

static struct call_queue call_queues[NR_CPUS];
static struct call_entry call_entries[NR_CPUS][NR_CPUS];       /* [sender][target] */

/* Run everything queued for this CPU. Context: interrupts off. */
static void flush_call_queue(void)
{
	struct call_queue *q = &call_queues[smp_processor_id()];

	for (;;) {
		struct call_entry *e;
		smp_call_func_t fn;
		void *info;

		spin_lock(&q->lock);
		if (list_empty(&q->list)) {
			spin_unlock(&q->lock);
			return;
		}
		e = list_first_entry(&q->list, struct call_entry, node);
		list_del(&e->node);
		fn = e->fn;
		info = e->info;
		spin_unlock(&q->lock);

		fn(info);
		q->calls++;
		/* Pairs with the acquire in call_wait(): fn's effects and our
		 * reads of the entry come before the sender may reuse it. */
		__atomic_store_n(&e->busy, 0, __ATOMIC_RELEASE);
	}
}

static void call_function_interrupt(struct pt_regs *regs, void *data)
{
	flush_call_queue();
}

/* Nothing to do here: the reschedule is the interrupt's exit path
 * (trap_dispatch -> preempt_schedule_irq), or the idle loop's next turn. */
static void reschedule_interrupt(struct pt_regs *regs, void *data)
{
}

/* Wait for the target to finish with @e. Interrupts are on, so calls sent
 * to us meanwhile still run: two CPUs calling each other both progress. */
static void call_wait(struct call_entry *e)
{
	while (__atomic_load_n(&e->busy, __ATOMIC_ACQUIRE))
		cpu_relax();
}

static void call_queue_one(unsigned int self, unsigned int cpu, smp_call_func_t fn, void *info)
{
	struct call_entry *e = &call_entries[self][cpu];
	struct call_queue *q = &call_queues[cpu];
	unsigned long flags;

	call_wait(e);                   /* our previous call there (wait == false) */
	e->fn = fn;
	e->info = info;
	e->busy = 1;
	/* The queue lock's release/acquire orders the stores above before the
	 * target's loads (it splices the list under the same lock). */
	flags = spin_lock_irqsave(&q->lock);
	list_add_tail(&e->node, &q->list);
	spin_unlock_irqrestore(&q->lock, flags);
	/* The APIC write that sends the IPI is an uncached store, ordered
	 * after the unlock's store by x86's store ordering. */
	lapic_send_ipi(cpu_locals[cpu].apic_id, CALL_FUNCTION_VECTOR);
}

static void check_call_context(const char *what)
{
	if (unlikely(!preempt_count() || irqs_disabled() || this_cpu_read(irq_depth)))
		panic("%s: needs preemption off, interrupts on and task context "
		      "(preempt_count=%d irqs_disabled=%d in_interrupt=%u)", what,
		      preempt_count(), irqs_disabled(), this_cpu_read(irq_depth));
}

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t fn, void *info,
			    bool wait)
{
	unsigned int cpu, self = smp_processor_id();
	struct cpumask targets = cpumask_read(mask);

	targets.bits &= cpumask_read(&cpu_online_mask).bits & ~(1UL << self);
	if (cpumask_empty(&targets))
		return;
	check_call_context("smp_call_function_many");
	for_each_cpu(cpu, &targets)
		call_queue_one(self, cpu, fn, info);
	if (wait)
		for_each_cpu(cpu, &targets)
			call_wait(&call_entries[self][cpu]);
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info, bool wait)
{
	unsigned int self;

	if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_online_mask))
		return -ENXIO;
	preempt_disable();
	self = smp_processor_id();
	if (cpu == self) {
		unsigned long flags = local_irq_save();

		fn(info);
		local_irq_restore(flags);
	} else {
		check_call_context("smp_call_function_single");
		call_queue_one(self, cpu, fn, info);
		if (wait)
			call_wait(&call_entries[self][cpu]);
	}
	preempt_enable();
	return 0;
}

void smp_send_reschedule(unsigned int cpu)
{
	if (cpu < NR_CPUS && cpumask_test_cpu(cpu, &cpu_online_mask))
		lapic_send_ipi(cpu_locals[cpu].apic_id, RESCHEDULE_VECTOR);
}

/* Another CPU panicked: stop here for good, interrupts off. */
static void stop_interrupt(struct pt_regs *regs, void *data)
{
	local_irq_disable();
	for (;;)
		halt();
}

void smp_send_stop(void)
{
	unsigned int cpu, self = smp_processor_id();

	for_each_online_cpu(cpu)
		if (cpu != self)
			lapic_send_ipi(cpu_locals[cpu].apic_id, STOP_VECTOR);
}

unsigned long smp_calls_run(unsigned int cpu)
{
	return READ_ONCE(call_queues[cpu].calls);
}

void smp_init(void)
{
	unsigned long max = kernel_param_ulong("maxcpus", NR_CPUS);

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&call_queues[cpu].lock, "call_queue.lock");
		INIT_LIST_HEAD(&call_queues[cpu].list);
	}
	irq_set_handler(CALL_FUNCTION_VECTOR, call_function_interrupt, NULL, "IPI call");
	irq_set_handler(RESCHEDULE_VECTOR, reschedule_interrupt, NULL, "IPI resched");
	irq_set_handler(STOP_VECTOR, stop_interrupt, NULL, "IPI stop");
	smp_boot_cpus(max ? (unsigned int)min(max, (unsigned long)NR_CPUS) : 1);
}
