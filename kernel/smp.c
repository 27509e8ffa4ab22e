/*
 * Cross-CPU function calls (include/kernel/smp.h).
 *
 * Until the application processors are started this kernel runs on the
 * boot CPU alone: the online mask holds CPU 0 only, so a call for "every
 * other CPU" has nobody to run on, and a call for this CPU runs here.
 */
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <asm/processor.h>

struct cpumask cpu_online_mask = { .bits = 1UL };

void smp_call_function_many(const struct cpumask *mask, smp_call_func_t fn, void *info,
			    bool wait)
{
	unsigned int cpu, self = smp_processor_id();

	(void)fn; (void)info; (void)wait;
	ASSERT(preempt_count() > 0);
	for_each_cpu(cpu, mask)
		if (cpu != self && cpumask_test_cpu(cpu, &cpu_online_mask))
			panic("smp_call_function_many: CPU %u is online but no IPIs exist", cpu);
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info, bool wait)
{
	(void)wait;
	if (cpu >= NR_CPUS || !cpumask_test_cpu(cpu, &cpu_online_mask))
		return -ENXIO;
	if (cpu == smp_processor_id()) {
		unsigned long flags = local_irq_save();

		fn(info);
		local_irq_restore(flags);
		return 0;
	}
	panic("smp_call_function_single: CPU %u is online but no IPIs exist", cpu);
}

void smp_send_reschedule(unsigned int cpu)
{
	(void)cpu;
}
