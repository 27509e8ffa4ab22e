/*
 * Running a function on other CPUs (inter-processor interrupts).
 *
 * This is the interface the rest of the kernel uses: the TLB shootdown
 * (mm), the scheduler's wake-ups of an idle CPU, and tests. The transport
 * (the LAPIC's interrupt command register, the per-CPU call queues) is in
 * kernel/smp.c and arch/x86_64/.
 */
#ifndef _KERNEL_SMP_H
#define _KERNEL_SMP_H

#include <kernel/cpumask.h>
#include <kernel/types.h>

typedef void (*smp_call_func_t)(void *info);

/*
 * Run fn(info) on every online CPU in @mask except the calling one, in
 * interrupt context there (interrupts off, must not sleep). With @wait,
 * return only when every one of them has finished running it; the
 * completion is a release on their side paired with an acquire here, so
 * what fn wrote is visible to the caller.
 *
 * Context: preemption disabled (so "the calling CPU" stays meaningful);
 * interrupts enabled, unless @mask holds no other CPU: two CPUs that each
 * waited with interrupts off for the other to run its call would wait
 * forever.
 */
void smp_call_function_many(const struct cpumask *mask, smp_call_func_t fn, void *info,
			    bool wait);

/* The same for one CPU, which may be the calling one (then fn runs here at
 * once, with interrupts off). Returns 0, or -ENXIO if @cpu is not online. */
int smp_call_function_single(unsigned int cpu, smp_call_func_t fn, void *info, bool wait);

/* Interrupt @cpu so that it looks at its run queue (need_resched). */
void smp_send_reschedule(unsigned int cpu);

/* panic(): halt every other online CPU (best effort: a CPU spinning with
 * interrupts off does not stop). Context: any, interrupts off. */
void smp_send_stop(void);

/* How many cross-CPU calls @cpu has run (the IPI ktests). */
unsigned long smp_calls_run(unsigned int cpu);

/* Boot: install the IPI handlers and start the other CPUs (maxcpus=N on
 * the command line limits them; maxcpus=1 or 0: the boot CPU alone). */
void smp_init(void);

#endif
