/*
 * The OOM killer (see include/mm/oom.h).
 *
 * Owns: oom_lock (a mutex: one victim is chosen at a time) and
 * oom_wait_since (under oom_lock), when the killer first saw a victim
 * still dying.
 *
 * The victim is chosen under tasklist_lock, which keeps every task on the
 * list allocated and each process's mm pointer stable; the size read from
 * it (total_vm) may be stale, which only makes the choice less exact. The
 * SIGKILL is sent in a second walk under the lock, to the pid chosen, so
 * a victim that exited in between is simply not found. Lock order:
 * oom_lock -> tasklist_lock -> siglock (sending the signal).
 */
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/oom.h>
#include <mm/page_alloc.h>
#include <mm/vmstat.h>

/* How long a dying victim holds back the next kill. After that the
 * killer goes on without it: the victim may be stuck. */
#define OOM_VICTIM_WAIT_MS 5000
/* A faulting task waits this long after a kill before it retries, so the
 * victim gets the CPU to exit and free its memory. */
#define OOM_RETRY_MS 20

static DEFINE_MUTEX(oom_lock);
static u64 oom_wait_since;              /* (oom_lock) jiffies; 0: not waiting */

struct oom_control {
	bool ignore_dying;
	bool dying;                     /* a process with SIGKILL pending exists */
	int pid;                        /* the chosen victim, 0: none yet */
	unsigned long points;           /* its badness: pages of address space */
	char comm[TASK_COMM_LEN];
};

/* May @t be killed to free memory? Context: tasklist_lock held. */
static bool oom_unkillable(struct task_struct *t)
{
	return !t->is_process || t->pid == 1 || t->exit_state || !t->mm;
}

/* Context: tasklist_lock held (for_each_task). */
static void oom_evaluate_task(struct task_struct *t, void *arg)
{
	struct oom_control *oc = arg;
	unsigned long points;

	if (oom_unkillable(t))
		return;
	if (fatal_signal_pending(t)) {
		/* Already dying: its memory comes back soon. */
		oc->dying = true;
		if (!oc->ignore_dying)
			return;
	}
	points = READ_ONCE(t->mm->total_vm) + 1;
	/* Ties go to the larger pid, in practice the younger process: in a
	 * fork bomb, the newest fork rather than the parent that started it. */
	if (points > oc->points || (points == oc->points && t->pid > oc->pid)) {
		oc->points = points;
		oc->pid = t->pid;
		memcpy(oc->comm, t->comm, TASK_COMM_LEN);
	}
}

/* Context: tasklist_lock held (for_each_task). */
static void oom_kill_task(struct task_struct *t, void *arg)
{
	struct oom_control *oc = arg;

	if (t->pid == oc->pid && !oom_unkillable(t))
		send_sig(SIGKILL, t);
}

/* Choose and kill. Returns true if a victim was killed now.
 * Context: oom_lock held. */
static bool out_of_memory(void)
{
	struct oom_control oc = { .ignore_dying = false };

	for_each_task(oom_evaluate_task, &oc);
	if (oc.dying) {
		if (!oom_wait_since)
			oom_wait_since = jiffies;
		if (jiffies - oom_wait_since < (u64)OOM_VICTIM_WAIT_MS * HZ / 1000)
			return false;           /* let the dying one finish first */
		pr_warn("oom: a killed process has not exited in %u ms; choosing another\n",
			OOM_VICTIM_WAIT_MS);
		memset(&oc, 0, sizeof(oc));
		oc.ignore_dying = true;
		for_each_task(oom_evaluate_task, &oc);
	}
	oom_wait_since = 0;
	if (!oc.pid) {
		pr_err("oom: out of memory and no process to kill\n");
		return false;
	}
	pr_err("Out of memory: killed process %d (%s) total-vm:%lukB, for a fault of %d (%s); "
	       "%lu pages free\n", oc.pid, oc.comm, (oc.points - 1) << (PAGE_SHIFT - 10),
	       current->pid, current->comm, nr_free_pages());
	count_vm_event(OOM_KILL);
	for_each_task(oom_kill_task, &oc);
	oom_wait_since = jiffies;               /* the new victim is dying now */
	return true;
}

void pagefault_out_of_memory(void)
{
	if (fatal_signal_pending(current))
		return;                         /* dying already: nothing to choose */
	mutex_lock(&oom_lock);
	out_of_memory();
	mutex_unlock(&oom_lock);
	msleep(OOM_RETRY_MS);
}
