/*
 * The OOM killer (see include/mm/oom.h).
 *
 * Owns: oom_lock (a mutex: one victim is chosen at a time) and
 * oom_wait_since (under oom_lock), when the killer first saw a victim
 * still dying.
 *
 * The badness of a process is Linux's (oom_badness): the pages its death
 * frees, resident (mm->rss_stat: file, anonymous, shmem) plus swap entries
 * plus page-table pages, moved by oom_score_adj thousandths of all memory
 * (RAM plus swap); -1000 never dies. The victim is chosen under
 * tasklist_lock, which keeps every task on the list allocated and each
 * process's mm and signal pointers stable; the counters read are atomics
 * that may be stale, which only makes the choice less exact. The report
 * (task dump, then the "Out of memory: Killed process" line, in Linux's
 * formats) is printed from the same walks. The SIGKILL is sent in a last
 * walk under the lock, to the pid chosen, so a victim that exited in
 * between is simply not found. Lock order: oom_lock -> tasklist_lock ->
 * siglock (sending the signal).
 */
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/oom.h>
#include <mm/page_alloc.h>
#include <mm/swap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>

/* How long a dying victim holds back the next kill. After that the
 * killer goes on without it: the victim may be stuck. */
#define OOM_VICTIM_WAIT_MS 5000
/* A faulting task waits this long after a kill before it retries, so the
 * victim gets the CPU to exit and free its memory. */
#define OOM_RETRY_MS 20

static DEFINE_MUTEX(oom_lock);
static u64 oom_wait_since;              /* (oom_lock) jiffies; 0: not waiting */

/*
 * Linux rate-limits the report's header and task dump (oom_kill_process:
 * DEFAULT_RATELIMIT_INTERVAL, 5 s, and DEFAULT_RATELIMIT_BURST, 10), not
 * the "Killed process" line: a fork bomb that runs memory out may cost
 * hundreds of kills in a few seconds, and a dump of hundreds of tasks at
 * each would keep the console (and, under TCG, the machine) busy longer
 * than the kills themselves.
 */
#define OOM_REPORT_INTERVAL_MS 5000
#define OOM_REPORT_BURST 10
static u64 oom_report_begin;            /* (oom_lock) jiffies the interval began */
static unsigned int oom_reports, oom_reports_missed; /* (oom_lock) in this interval */

/* May the full report be printed now? Context: oom_lock held. */
static bool oom_report_ratelimit(void)
{
	if (!oom_report_begin ||
	    jiffies - oom_report_begin >= (u64)OOM_REPORT_INTERVAL_MS * HZ / 1000) {
		if (oom_reports_missed)
			pr_warn("oom-kill: %u reports suppressed\n", oom_reports_missed);
		oom_report_begin = jiffies;
		oom_reports = oom_reports_missed = 0;
	}
	if (oom_reports < OOM_REPORT_BURST) {
		oom_reports++;
		return true;
	}
	oom_reports_missed++;
	return false;
}

struct oom_control {
	unsigned long totalpages;       /* RAM plus swap: what oom_score_adj scales */
	bool ignore_dying;
	bool dying;                     /* a process with SIGKILL pending exists */
	int pid;                        /* the chosen victim, 0: none yet */
	long points;                    /* its badness */
	char comm[TASK_COMM_LEN];
	/* the victim's sizes in pages, for the report */
	unsigned long total_vm, rss[NR_MM_COUNTERS], pgtables;
	short adj;
};

/* May @t be killed to free memory? Context: tasklist_lock held. */
static bool oom_unkillable(struct task_struct *t)
{
	return !t->is_process || t->tgid == 1 || t->exit_state || !t->mm || !t->signal;
}

unsigned long oom_totalpages(void)
{
	struct page_alloc_stats pa;

	page_alloc_stats(&pa);
	return pa.total_pages + total_swap_pages();     /* RAM plus swap, as Linux */
}

/* Context: tasklist_lock held (t->signal stable while t is listed). */
static short task_oom_score_adj(struct task_struct *t)
{
	return READ_ONCE(t->signal->group->oom_score_adj);
}

/* Context: tasklist_lock held. */
static long oom_badness_locked(struct task_struct *t, unsigned long totalpages)
{
	struct mm_struct *mm = t->mm;
	short adj;
	long points;

	if (oom_unkillable(t))
		return OOM_BADNESS_NEVER;
	adj = task_oom_score_adj(t);
	if (adj == OOM_SCORE_ADJ_MIN)
		return OOM_BADNESS_NEVER;
	points = (long)(get_mm_rss(mm) + get_mm_swapents(mm) + mm_pgtables_pages(mm));
	return points + (long)adj * (long)(totalpages / 1000);
}

long oom_badness(int pid, unsigned long totalpages)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	long points = t ? oom_badness_locked(t->group_leader, totalpages) : OOM_BADNESS_NEVER;

	tasklist_unlock_irqrestore(flags);
	return points;
}

/* Linux's dump_tasks: one line per process that could be chosen, sizes in
 * pages. Context: tasklist_lock held (for_each_task). */
static void oom_dump_task(struct task_struct *t, void *arg)
{
	struct mm_struct *mm = t->mm;

	(void)arg;
	if (t->pid != t->tgid || oom_unkillable(t))
		return;
	pr_info("[%7d] %5d %5d %8lu %8lu %8lu %8lu         %5d %s\n", t->pid, 0, t->tgid,
		READ_ONCE(mm->total_vm), get_mm_rss(mm), mm_pgtables_pages(mm) << PAGE_SHIFT,
		get_mm_swapents(mm), task_oom_score_adj(t), t->comm);
}

/* Context: tasklist_lock held (for_each_task). */
static void oom_evaluate_task(struct task_struct *t, void *arg)
{
	struct oom_control *oc = arg;
	long points;

	if (oom_unkillable(t) || t->pid != t->tgid)
		return;                         /* one look per process, at its leader */
	if (fatal_signal_pending(t)) {
		/* Already dying: its memory comes back soon. */
		oc->dying = true;
		if (!oc->ignore_dying)
			return;
	}
	points = oom_badness_locked(t, oc->totalpages);
	if (points == OOM_BADNESS_NEVER)
		return;
	/* Ties go to the larger pid, in practice the younger process: in a
	 * fork bomb, the newest fork rather than the parent that started it. */
	if (!oc->pid || points > oc->points || (points == oc->points && t->pid > oc->pid)) {
		oc->points = points;
		oc->pid = t->pid;
		memcpy(oc->comm, t->comm, TASK_COMM_LEN);
		oc->total_vm = READ_ONCE(t->mm->total_vm);
		for (int i = 0; i < NR_MM_COUNTERS; i++)
			oc->rss[i] = get_mm_counter(t->mm, i);
		oc->pgtables = mm_pgtables_pages(t->mm);
		oc->adj = task_oom_score_adj(t);
	}
}

/* Context: tasklist_lock held (for_each_task). */
static void oom_kill_task(struct task_struct *t, void *arg)
{
	struct oom_control *oc = arg;

	if (t->pid == oc->pid && !oom_unkillable(t))
		send_sig(SIGKILL, t);           /* a process signal: every thread dies */
}

/* Choose and kill. Returns true if a victim was killed now.
 * Context: oom_lock held. */
static bool out_of_memory(void)
{
	struct oom_control oc = { .totalpages = oom_totalpages() };
	unsigned long totalpages = oc.totalpages;
	struct lru_stats lru;
	short my_adj;

	for_each_task(oom_evaluate_task, &oc);
	if (oc.dying) {
		if (!oom_wait_since)
			oom_wait_since = jiffies;
		if (jiffies - oom_wait_since < (u64)OOM_VICTIM_WAIT_MS * HZ / 1000)
			return false;           /* let the dying one finish first */
		pr_warn("oom: a killed process has not exited in %u ms; choosing another\n",
			OOM_VICTIM_WAIT_MS);
		memset(&oc, 0, sizeof(oc));
		oc.totalpages = totalpages;
		oc.ignore_dying = true;
		for_each_task(oom_evaluate_task, &oc);
	}
	oom_wait_since = 0;
	if (!oc.pid) {
		pr_err("oom: out of memory and no process to kill\n");
		return false;
	}
	/* Linux's report: who asked, the candidates, then the victim (kB). */
	if (oom_report_ratelimit()) {
		my_adj = current->signal ? READ_ONCE(current->signal->group->oom_score_adj) : 0;
		pr_warn("%s invoked oom-killer: gfp_mask=0x0(), order=0, oom_score_adj=%d\n",
			current->comm, my_adj);
		pr_info("Mem-Info: %lu pages free of %lu\n", nr_free_pages(), totalpages);
		lru_stats(&lru);
		pr_info(" active_anon:%lu inactive_anon:%lu active_file:%lu inactive_file:%lu\n",
			lru.nr_active_anon, lru.nr_inactive_anon, lru.nr_active_file,
			lru.nr_inactive_file);
		pr_info("Tasks state (memory values in pages):\n");
		pr_info("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n");
		for_each_task(oom_dump_task, NULL);
		pr_info("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),task=%s,pid=%d,uid=0\n",
			oc.comm, oc.pid);
	}
	pr_err("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
	       "file-rss:%lukB, shmem-rss:%lukB, UID:0 pgtables:%lukB oom_score_adj:%d\n",
	       oc.pid, oc.comm, oc.total_vm << (PAGE_SHIFT - 10),
	       oc.rss[MM_ANONPAGES] << (PAGE_SHIFT - 10), oc.rss[MM_FILEPAGES] << (PAGE_SHIFT - 10),
	       oc.rss[MM_SHMEMPAGES] << (PAGE_SHIFT - 10), oc.pgtables << (PAGE_SHIFT - 10), oc.adj);
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
