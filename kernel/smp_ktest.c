/*
 * ktests for SMP: cross-CPU calls (each CPU runs the call and the caller
 * waits for it; calls sent from two CPUs at each other at once do not
 * deadlock) and the per-CPU run queues (new tasks spread over the CPUs, an
 * idle CPU pulls a waiting task, affinity is honoured, a task pinned to a
 * CPU runs there). `make test` runs them on SMP=1 and SMP=2; on one CPU
 * the cross-CPU parts have nothing to check and say so.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <asm/percpu.h>
#include <asm/processor.h>

static bool need_two_cpus(const char *test)
{
	if (num_online_cpus() >= 2)
		return true;
	console_printf("# %s: one CPU online; the cross-CPU part needs SMP>=2\n", test);
	return false;
}

/* ---- IPIs ------------------------------------------------------------------ */

struct call_record {
	u32 ran_on[NR_CPUS];            /* 1 + the CPU that ran the call, per slot */
	u32 hits;
	int late_value;
};

static void record_cpu(void *p)
{
	struct call_record *r = p;
	unsigned int cpu = smp_processor_id();

	/* Slow on purpose: a caller that did not wait would look too early. */
	mdelay(5);
	r->ran_on[cpu] = cpu + 1;
	__atomic_fetch_add(&r->hits, 1, __ATOMIC_RELAXED);
	r->late_value = 42;
}

KTEST(smp_call_single_reaches_each_cpu_and_waits)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct call_record r = { 0 };

		KT_EXPECT_EQ(smp_call_function_single(cpu, record_cpu, &r, true), 0);
		/* wait=true: fn's stores are visible at return (release/acquire). */
		KT_EXPECT_EQ(r.ran_on[cpu], cpu + 1);
		KT_EXPECT_EQ(r.late_value, 42);
	}
	KT_EXPECT_EQ(smp_call_function_single(NR_CPUS, record_cpu, NULL, true), -ENXIO);
}

KTEST(smp_call_many_reaches_every_other_cpu)
{
	struct call_record r = { 0 };
	unsigned int cpu, self, online = num_online_cpus();

	preempt_disable();
	self = smp_processor_id();
	smp_call_function_many(&cpu_online_mask, record_cpu, &r, true);
	preempt_enable();
	KT_EXPECT_EQ(r.hits, online - 1);
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(r.ran_on[cpu], cpu == self ? 0 : cpu + 1);
	if (online > 1)
		KT_EXPECT_EQ(r.late_value, 42);
}

struct storm {
	unsigned int cpu;               /* where this thread is pinned */
	unsigned int rounds;
	u32 counter;                    /* incremented by the calls */
	u32 *arrived;                   /* shared: both threads' rounds begun */
	struct completion done;
};

static void bump(void *p)
{
	__atomic_fetch_add((u32 *)p, 1, __ATOMIC_RELAXED);
}

/* Call every other CPU, waiting each time, as fast as possible. */
static int storm_thread(void *p)
{
	struct storm *s = p;

	for (unsigned int i = 0; i < s->rounds; i++) {
		/* Start each round together with the other thread, so that the
		 * two calls cross as often as possible. */
		__atomic_fetch_add(s->arrived, 1, __ATOMIC_SEQ_CST);
		while (__atomic_load_n(s->arrived, __ATOMIC_SEQ_CST) < 2 * (i + 1))
			cpu_relax();
		preempt_disable();
		smp_call_function_many(&cpu_online_mask, bump, &s->counter, true);
		preempt_enable();
	}
	complete(&s->done);
	return 0;
}

static struct task_struct *pinned_thread(int (*fn)(void *), void *arg, const char *name,
					 unsigned int cpu)
{
	struct task_struct *t = task_create(fn, arg, name, 0);
	struct cpumask m = CPUMASK_NONE;

	if (!t)
		return NULL;
	cpumask_set_cpu(cpu, &m);
	t->cpus_allowed = m;            /* not yet runnable: nobody else looks */
	wake_up_process(t);
	return t;
}

/* CPUs 0 and 1 send each other waited calls at the same time (each of 300
 * rounds starts together: on a busy host each round may wait for the
 * other virtual CPU to get a host time slice, so they are few): each waits with interrupts on, so each still runs the
 * other's call. Waiting with interrupts off deadlocks here within a few
 * rounds; the hang fails the boot (the harness shows every CPU's stack). */
KTEST(smp_concurrent_calls_do_not_deadlock)
{
	struct storm s[2];
	const unsigned int rounds = 300;
	u32 arrived = 0;

	if (!need_two_cpus("smp_concurrent_calls_do_not_deadlock"))
		return;
	for (unsigned int i = 0; i < 2; i++) {
		s[i] = (struct storm){ .cpu = i, .rounds = rounds, .arrived = &arrived };
		init_completion(&s[i].done);
		KT_ASSERT(pinned_thread(storm_thread, &s[i], "kt-ipistorm", i));
	}
	for (unsigned int i = 0; i < 2; i++)
		wait_for_completion(&s[i].done);
	for (unsigned int i = 0; i < 2; i++)
		KT_EXPECT_EQ(s[i].counter, rounds * (num_online_cpus() - 1));
}

/* ---- run queues -------------------------------------------------------------- */

struct spinner {
	u64 until_ns;
	unsigned long cpus_seen;        /* bit per CPU it was seen running on */
	struct completion done;
};

static int spin_and_record(void *p)
{
	struct spinner *s = p;

	do                              /* at least once: where it first ran */
		s->cpus_seen |= 1UL << smp_processor_id();
	while (ktime_get_ns() < s->until_ns);
	complete(&s->done);
	return 0;
}

/* New tasks go to the least-loaded CPU: 2 per CPU, all busy at once, must
 * between them use every CPU. */
KTEST(sched_new_tasks_spread_over_cpus)
{
	unsigned int n = 2 * num_online_cpus();
	struct spinner s[2 * NR_CPUS];
	unsigned long seen = 0;

	for (unsigned int i = 0; i < n; i++) {
		s[i] = (struct spinner){ .until_ns = ktime_get_ns() + 200 * NSEC_PER_MSEC };
		init_completion(&s[i].done);
		KT_ASSERT(kthread_run(spin_and_record, &s[i], "kt-spread"));
	}
	for (unsigned int i = 0; i < n; i++) {
		wait_for_completion(&s[i].done);
		seen |= s[i].cpus_seen;
	}
	KT_EXPECT_EQ(seen, cpumask_read(&cpu_online_mask).bits);
}

struct pull_test {
	u32 stop;                       /* the hog stops spinning */
	int pulled_cpu;                 /* where the waiting task ran, -1 before */
	struct completion hog_done, waiter_done;
};

/* Hold CPU 0 without ever switching (preemption off), so a task queued
 * behind it can only run if another CPU takes it. */
static int hog_cpu0(void *p)
{
	struct pull_test *pt = p;
	u64 end = ktime_get_ns() + 3 * NSEC_PER_SEC;

	preempt_disable();
	while (!__atomic_load_n(&pt->stop, __ATOMIC_ACQUIRE) && ktime_get_ns() < end)
		cpu_relax();
	preempt_enable();
	complete(&pt->hog_done);
	return 0;
}

static int note_cpu(void *p)
{
	struct pull_test *pt = p;

	pt->pulled_cpu = (int)smp_processor_id();
	__atomic_store_n(&pt->stop, 1, __ATOMIC_RELEASE);
	complete(&pt->waiter_done);
	return 0;
}

/* Two tasks made on CPU 0's queue; the first hogs CPU 0; the second is
 * then allowed everywhere but stays queued on CPU 0 (set_cpus_allowed
 * leaves a task where it may run). Only an idle CPU's pull can run it. */
KTEST(sched_idle_cpu_pulls_waiting_task)
{
	struct pull_test pt = { .pulled_cpu = -1 };
	struct task_struct *waiter;
	struct cpumask all = CPUMASK_ALL;

	if (!need_two_cpus("sched_idle_cpu_pulls_waiting_task"))
		return;
	init_completion(&pt.hog_done);
	init_completion(&pt.waiter_done);
	KT_ASSERT(pinned_thread(hog_cpu0, &pt, "kt-hog", 0));
	waiter = pinned_thread(note_cpu, &pt, "kt-waiter", 0);
	KT_ASSERT(waiter);
	KT_EXPECT_EQ(set_cpus_allowed(waiter, &all), 0);
	wait_for_completion(&pt.waiter_done);
	wait_for_completion(&pt.hog_done);
	KT_EXPECT(pt.pulled_cpu > 0);   /* not CPU 0: it was taken from there */
}

struct pin_test {
	unsigned int cpu;
	unsigned int wrong;             /* times seen anywhere else */
	struct completion done;
};

/* Sleep and wake 20 times: every wake-up must put it back on its CPU. */
static int report_cpu(void *p)
{
	struct pin_test *pt = p;

	for (int i = 0; i < 20; i++) {
		if (smp_processor_id() != pt->cpu)
			pt->wrong++;
		msleep(1);
	}
	complete(&pt->done);
	return 0;
}

KTEST(sched_pinned_task_runs_on_its_cpu)
{
	unsigned int last = num_online_cpus() - 1;
	struct pin_test pt = { .cpu = last };

	init_completion(&pt.done);
	KT_ASSERT(pinned_thread(report_cpu, &pt, "kt-pinned", last));
	wait_for_completion(&pt.done);
	KT_EXPECT_EQ(pt.wrong, 0);
}

/* The caller moves itself: set_cpus_allowed on the current task returns on
 * an allowed CPU. */
KTEST(sched_setaffinity_moves_current_task)
{
	struct cpumask one = CPUMASK_NONE, all = CPUMASK_ALL, offline = CPUMASK_NONE;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		one = CPUMASK_NONE;
		cpumask_set_cpu(cpu, &one);
		KT_EXPECT_EQ(set_cpus_allowed(current, &one), 0);
		for (int i = 0; i < 5; i++) {
			KT_EXPECT_EQ(smp_processor_id(), cpu);
			msleep(1);
		}
	}
	if (num_online_cpus() < NR_CPUS) {
		cpumask_set_cpu(NR_CPUS - 1, &offline);
		KT_EXPECT_EQ(set_cpus_allowed(current, &offline), -EINVAL);
	}
	KT_EXPECT_EQ(set_cpus_allowed(current, &all), 0);
}
