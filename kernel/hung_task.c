/*
 * The hung-task detector (see include/kernel/watchdog.h).
 *
 * khungtaskd wakes every half timeout and walks the task list. For each
 * task it compares the context-switch count (nvcsw + nivcsw) with the count
 * it saw last time: a change means the task ran, and restarts its clock.
 * A task that is asleep in TASK_UNINTERRUPTIBLE, off the run queue, and
 * whose count has not moved for hung_task_timeout_secs is reported once:
 * its name, state and the backtrace of where it sleeps (the frame saved by
 * its last context switch). It is reported again only after it has run.
 *
 * A report is a diagnosis, not an action: the task stays asleep. The
 * classic causes are a lost wake-up (the waker changed the condition but
 * never called wake_up, or woke the wrong queue), a sleeping lock that is
 * never released (the backtrace shows mutex_lock or down_read/down_write),
 * and I/O whose completion interrupt never came (wait_for_completion).
 *
 * Not reported: TASK_INTERRUPTIBLE sleeps (waiting for input or a child is
 * normal), TASK_IDLE (kernel threads waiting for work), and a task preempted
 * while it was on its way to sleep (it is still on the run queue).
 *
 * Locks: tasklist_lock while walking the list, rq->lock inside it (through
 * task_is_blocked and sched_show_task). The per-task fields last_switch_*
 * and hung_reported are written by khungtaskd only.
 */
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>

static unsigned long hung_task_timeout_secs = DEFAULT_HUNG_TASK_TIMEOUT_SECS;
static unsigned int hung_task_reports;          /* (khungtaskd) total so far */

/* Linux's hung_task_warnings: after this many reports, stay quiet. */
#define HUNG_TASK_MAX_REPORTS 10

static void check_hung_task(struct task_struct *t, void *arg)
{
	u64 now = *(u64 *)arg;
	unsigned long switches = READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);

	if (switches != t->last_switch_count || !t->last_switch_jiffies) {
		t->last_switch_count = switches;
		t->last_switch_jiffies = now;
		t->hung_reported = false;
		return;
	}
	if (READ_ONCE(t->state) != TASK_UNINTERRUPTIBLE || t->hung_reported)
		return;
	if (now - t->last_switch_jiffies < (u64)hung_task_timeout_secs * HZ)
		return;
	if (!task_is_blocked(t))
		return;                 /* preempted on its way to sleep: queued */
	t->hung_reported = true;
	if (hung_task_reports >= HUNG_TASK_MAX_REPORTS)
		return;
	hung_task_reports++;
	pr_err("INFO: task %s:%d blocked for more than %lu seconds.\n",
	       t->comm, t->pid, (unsigned long)((now - t->last_switch_jiffies) / HZ));
	sched_show_task(t);
	if (hung_task_reports == HUNG_TASK_MAX_REPORTS)
		pr_err("INFO: hung-task reports stop here (%u printed)\n", hung_task_reports);
}

static int khungtaskd(void *unused)
{
	long interval = (long)(hung_task_timeout_secs * HZ / 2);

	if (interval < HZ)
		interval = HZ;
	for (;;) {
		u64 now;

		set_current_state(TASK_IDLE);
		schedule_timeout(interval);
		now = jiffies;
		for_each_task(check_hung_task, &now);
	}
	return 0;
}

void hung_task_init(void)
{
	hung_task_timeout_secs = kernel_param_ulong("hung_task_timeout_secs",
						    DEFAULT_HUNG_TASK_TIMEOUT_SECS);
	if (!hung_task_timeout_secs) {
		pr_info("hung_task: detector off (hung_task_timeout_secs=0)\n");
		return;
	}
	if (!kthread_run(khungtaskd, NULL, "khungtaskd"))
		panic("cannot start khungtaskd");
	pr_info("hung_task: reporting tasks blocked in D state for %lu s\n",
		hung_task_timeout_secs);
}
