/*
 * /proc/PID/oom_score and /proc/PID/oom_score_adj (mm/oom_kill.c,
 * docs/reclaim.md), in Linux's formats (fs/proc/base.c there):
 *
 *   oom_score      the badness scaled as Linux exports it: 0 for a process
 *                  never chosen, else (1000 + badness * 1000 / totalpages)
 *                  * 2 / 3, so 0..1333, ~666 for a small process with
 *                  oom_score_adj 0; one decimal line
 *   oom_score_adj  the process's -1000..1000, one decimal line; a write of
 *                  a number in that range sets it for every thread of the
 *                  process, anything else is -EINVAL and changes nothing.
 *                  Children inherit it at fork; execve keeps it.
 *
 * Locks: tasklist_lock (find_task_by_pid_locked), which keeps the task and
 * its signal state allocated; the value itself is a READ_ONCE/WRITE_ONCE
 * short (signal_struct.oom_score_adj).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <fs/proc_fs.h>
#include <mm/oom.h>

int proc_oom_score_show(struct seq_buf *m, int pid)
{
	unsigned long totalpages = oom_totalpages();
	long badness = oom_badness(pid, totalpages);
	long points = 0;

	if (!totalpages)
		totalpages = 1;
	if (badness != OOM_BADNESS_NEVER)
		points = (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
	if (points < 0)
		points = 0;
	seq_printf(m, "%ld\n", points);
	return 0;
}

int proc_oom_score_adj_show(struct seq_buf *m, int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	int adj = 0;
	bool found = t && t->signal;

	if (found)
		adj = READ_ONCE(t->signal->group->oom_score_adj);
	tasklist_unlock_irqrestore(flags);
	if (!found)
		return -ESRCH;
	seq_printf(m, "%d\n", adj);
	return 0;
}

/* Linux's kstrtoint after strstrip: blanks around an optionally signed
 * decimal. Returns 0 with *val set, or -EINVAL. */
static int parse_adj(const char *buf, size_t len, long *val)
{
	size_t i = 0;
	long v = 0;
	bool neg = false, digits = false;

	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\t' || buf[len - 1] == '\n' ||
		       buf[len - 1] == '\0'))
		len--;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
		i++;
	if (i < len && (buf[i] == '-' || buf[i] == '+'))
		neg = buf[i++] == '-';
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		if (v > 100000)
			return -EINVAL;         /* out of range anyway; no overflow */
		v = v * 10 + (buf[i] - '0');
		digits = true;
	}
	if (i != len || !digits)
		return -EINVAL;
	*val = neg ? -v : v;
	return 0;
}

int proc_oom_score_adj_store(int pid, const char *buf, size_t len)
{
	unsigned long flags;
	struct task_struct *t;
	long v;
	int err = parse_adj(buf, len, &v);

	if (err)
		return err;
	if (v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	flags = tasklist_lock_irqsave();
	t = find_task_by_pid_locked(pid);
	if (t && t->signal)
		WRITE_ONCE(t->signal->group->oom_score_adj, (short)v);
	tasklist_unlock_irqrestore(flags);
	return t ? 0 : -ESRCH;
}
