/*
 * The load average: Linux's exponentially damped averages over 1, 5 and
 * 15 minutes of the number of tasks running, runnable or in an
 * uninterruptible sleep (D, not the idle kind), sampled every 5 seconds.
 * The fixed-point factors are Linux's (1/exp(5s/1min) etc. in FIXED_1
 * units), so the figures mean what they mean there: /proc/loadavg,
 * sysinfo's loads[], uptime and top.
 *
 * Locks: the averages are written only by CPU 0's timer interrupt and
 * read with READ_ONCE. The count walks the tasks under tasklist_lock
 * (irqsave everywhere, so taking it in the interrupt is safe).
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>

#define LOAD_FREQ       (5 * HZ + 1)    /* Linux's: 5 s, one tick late on purpose */
#define EXP_1           1884            /* FIXED_1 / exp(5s / 1 min) */
#define EXP_5           2014
#define EXP_15          2037

static unsigned long avenrun[3];        /* (CPU 0's tick) */
static unsigned int load_ticks;         /* (CPU 0's tick) */

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

void calc_global_load_tick(void)
{
	unsigned long active = 0;

	if (++load_ticks < LOAD_FREQ)
		return;
	load_ticks = 0;
	for_each_task(count_uninterruptible, &active);
	active = (active + nr_running()) * FIXED_1;
	WRITE_ONCE(avenrun[0], calc_load(avenrun[0], EXP_1, active));
	WRITE_ONCE(avenrun[1], calc_load(avenrun[1], EXP_5, active));
	WRITE_ONCE(avenrun[2], calc_load(avenrun[2], EXP_15, active));
}

void get_avenrun(unsigned long loads[3])
{
	for (int i = 0; i < 3; i++)
		loads[i] = READ_ONCE(avenrun[i]);
}
