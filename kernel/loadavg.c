/*
 * The load average: Linux's exponentially damped averages over 1, 5 and
 * 15 minutes of the number of tasks running, runnable or in an
 * uninterruptible sleep (D, not the idle kind), sampled every 5 seconds.
 * The fixed-point factors are Linux's (1/exp(5s/1min) etc. in FIXED_1
 * units), so the figures mean what they mean there: /proc/loadavg,
 * sysinfo's loads[], uptime and top.
 *
 * The sampler is a kernel thread ("loadavg") that sleeps 5 s at a time in
 * TASK_IDLE, so that it does not count itself. It is not the timer
 * interrupt, as in Linux, because counting the D tasks here walks the
 * task list under tasklist_lock, and taking that lock in an interrupt
 * would make it interrupt-safe while siglock, which nests inside it, is
 * taken with interrupts on: an inversion the lock-order checker reports
 * (and a real deadlock: siglock held, interrupt, tasklist_lock wanted,
 * while another CPU holds tasklist_lock and wants siglock). Linux keeps
 * per-CPU counts of D tasks instead.
 *
 * Locks: the averages are written only by the sampler and read with
 * READ_ONCE; the count walks the tasks under tasklist_lock.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>

#define LOAD_FREQ       (5 * HZ + 1)    /* Linux's: 5 s and a tick */
#define EXP_1           1884            /* FIXED_1 / exp(5s / 1 min) */
#define EXP_5           2014
#define EXP_15          2037

static unsigned long avenrun[3];        /* (the sampler) */

static void count_uninterruptible(struct task_struct *t, void *arg)
{
	long state = READ_ONCE(t->state);

	if ((state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD) && t->pid)
		(*(unsigned long *)arg)++;
}

/* One step of the average @load towards @active with factor @exp. */
static unsigned long calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
	unsigned long next = load * exp + active * (FIXED_1 - exp);

	if (active >= load)
		next += FIXED_1 - 1;            /* round up while rising, as Linux */
	return next / FIXED_1;
}

static void calc_global_load(void)
{
	unsigned long active = 0;

	for_each_task(count_uninterruptible, &active);
	/* nr_running() counts the sampler itself, which is running: not load */
	active = (active + nr_running() - 1) * FIXED_1;
	WRITE_ONCE(avenrun[0], calc_load(avenrun[0], EXP_1, active));
	WRITE_ONCE(avenrun[1], calc_load(avenrun[1], EXP_5, active));
	WRITE_ONCE(avenrun[2], calc_load(avenrun[2], EXP_15, active));
}

static int loadavg_thread(void *unused)
{
	for (;;) {
		set_current_state(TASK_IDLE);
		schedule_timeout(LOAD_FREQ);
		calc_global_load();
	}
	return 0;
}

void loadavg_init(void)
{
	if (!kthread_run(loadavg_thread, NULL, "loadavg"))
		pr_err("loadavg: cannot start the sampling thread\n");
}

void get_avenrun(unsigned long loads[3])
{
	for (int i = 0; i < 3; i++)
		loads[i] = READ_ONCE(avenrun[i]);
}
