/*
 * /proc/uptime and /proc/loadavg, in Linux's formats (its
 * fs/proc/uptime.c and loadavg.c).
 *
 *   uptime    seconds since boot and the idle seconds summed over the
 *             CPUs, each with two decimals
 *   loadavg   the 1, 5 and 15 minute load averages (kernel/loadavg.c),
 *             running/total tasks, and the last pid handed out
 *
 * Locks: none of their own; the counters are snapshots.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <fs/proc_fs.h>

int uptime_show(struct seq_buf *m, int pid)
{
	u64 up = ktime_get_ns(), idle = 0, user, system, cpu_idle;
	unsigned long switches;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		sched_cpu_stats(cpu, &user, &system, &cpu_idle, &switches);
		idle += cpu_idle;
	}
	/* idle is in ticks (1/HZ s) */
	seq_printf(m, "%llu.%02llu %llu.%02llu\n", (unsigned long long)(up / NSEC_PER_SEC),
		   (unsigned long long)(up % NSEC_PER_SEC / (NSEC_PER_SEC / 100)),
		   (unsigned long long)(idle / HZ), (unsigned long long)(idle % HZ * 100 / HZ));
	return 0;
}

static void count_one(struct task_struct *t, void *arg)
{
	(*(unsigned int *)arg)++;
}

/* Linux's LOAD_INT/LOAD_FRAC, rounded to two decimals. */
static void show_load(struct seq_buf *m, unsigned long x, char after)
{
	x += FIXED_1 / 200;
	seq_printf(m, "%lu.%02lu%c", x >> FSHIFT, ((x & (FIXED_1 - 1)) * 100) >> FSHIFT, after);
}

int loadavg_show(struct seq_buf *m, int pid)
{
	unsigned long loads[3];
	unsigned int tasks = 0;

	get_avenrun(loads);
	for_each_task(count_one, &tasks);
	show_load(m, loads[0], ' ');
	show_load(m, loads[1], ' ');
	show_load(m, loads[2], ' ');
	seq_printf(m, "%u/%u %d\n", nr_running(), tasks, last_pid());
	return 0;
}
