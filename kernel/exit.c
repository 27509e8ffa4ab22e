/*
 * exit and wait: the end of a process, and its parent collecting it.
 *
 * do_exit releases what a process owns (address space, files, cwd),
 * hands its children to init, tells its parent (SIGCHLD), and switches
 * away for good. The scheduler then frees its kernel stack and calls
 * process_became_zombie: from then on wait4 may reap it, which frees the
 * task_struct. A zombie keeps only its exit status and its counters.
 * If the parent ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT) when the child
 * exits, there is no zombie: the child is released at once, uncounted in
 * the parent's RUSAGE_CHILDREN, and a parent waiting in wait4 gets ECHILD
 * once it has no children left (POSIX; Linux's autoreap).
 *
 * Wait status (Linux's encoding): exit code in bits 8-15 for a normal
 * exit, the signal number in bits 0-6 for a process killed by a signal.
 *
 * Locks: tasklist_lock (irqsave) for parent/children/exit_state. Waiters
 * sleep on one queue, child_exit_wq, and recheck their condition: simple,
 * and enough for a small machine (Linux has one queue per parent).
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/kernel.h>
#include <kernel/power.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <mm/mm.h>
#include <asm/uaccess.h>

static DECLARE_WAIT_QUEUE_HEAD(child_exit_wq);

/* Give @me's children to init; wake init if one of them is a zombie. */
static void forget_children_locked(struct task_struct *me)
{
	struct task_struct *init = find_task_by_pid_locked(1), *c, *n;

	list_for_each_entry_safe(c, n, &me->children, sibling) {
		list_del(&c->sibling);
		c->parent = init;
		if (init)
			list_add_tail(&c->sibling, &init->children);
	}
}

void do_exit(int status)
{
	struct task_struct *me = current;
	unsigned long flags;

	if (!me->is_process) {
		/* A kernel thread that ran user code (the ring-3 ktests). */
		me->exit_status = status;
		if (me->exit_done)
			complete(me->exit_done);
		kthread_exit(status);
	}
	if (me->pid == 1)
		panic("init exited with status %#x (attempted to kill init)", status);
	me->exit_status = status;
	if (me->mm)
		mmput(exchange_current_mm(NULL));       /* off its page tables before they go */
	put_files(me->files);
	me->files = NULL;
	put_fs_struct(me->fs);
	me->fs = NULL;

	flags = tasklist_lock_irqsave();
	forget_children_locked(me);
	tasklist_unlock_irqrestore(flags);
	do_notify_parent(me, status);   /* sets me->autoreap */
	kthread_exit(status);           /* the scheduler frees the stack, then process_became_zombie */
}

/* Context: the scheduler, after @t switched away for the last time. */
void process_became_zombie(struct task_struct *t)
{
	unsigned long flags = tasklist_lock_irqsave();
	bool autoreap = t->autoreap;

	if (autoreap)
		list_del(&t->sibling);          /* nobody will wait for it */
	else
		t->exit_state = EXIT_ZOMBIE;
	tasklist_unlock_irqrestore(flags);
	if (autoreap)
		release_task(t);
	wake_up(&child_exit_wq);                /* a zombie to reap, or one child fewer */
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit((code & 0xff) << 8);
}

/* ---- wait4 ------------------------------------------------------------------- */

#define WNOHANG         0x00000001
#define WUNTRACED       0x00000002
#define WCONTINUED      0x00000008
#define __WNOTHREAD     0x20000000
#define __WALL          0x40000000
#define __WCLONE        0x80000000

struct wait_opts {
	int pid;                        /* wait4's pid argument */
	int found;                      /* matching children seen */
	struct task_struct *zombie;     /* a matching zombie, unlinked */
};

static bool child_matches(const struct wait_opts *wo, const struct task_struct *c,
			  const struct task_struct *me)
{
	if (wo->pid > 0)
		return c->pid == wo->pid;
	if (wo->pid == 0)
		return c->pgid == me->pgid;
	if (wo->pid < -1)
		return c->pgid == -wo->pid;
	return true;
}

/* Look for a matching child; unlink the first zombie. Context: tasklist_lock. */
static void scan_children_locked(struct wait_opts *wo, struct task_struct *me)
{
	struct task_struct *c;

	wo->found = 0;
	list_for_each_entry(c, &me->children, sibling) {
		if (c->autoreap || !child_matches(wo, c, me))
			continue;               /* an autoreaped child is gone already */
		wo->found++;
		if (c->exit_state == EXIT_ZOMBIE) {
			list_del(&c->sibling);
			wo->zombie = c;
			return;
		}
	}
}

/* The reaped child's counters go to the parent's "children" totals. */
static void account_reaped(struct task_struct *me, struct task_struct *c)
{
	me->cmin_flt += c->min_flt + c->cmin_flt;
	me->cmaj_flt += c->maj_flt + c->cmaj_flt;
	me->cutime_ticks += c->utime_ticks + c->cutime_ticks;
	me->cstime_ticks += c->stime_ticks + c->cstime_ticks;
}

/*
 * Wait for a child per @pid (Linux's rules: > 0 that child, -1 any, 0 our
 * process group, < -1 that group). Returns the reaped pid with its status in
 * *@status, 0 for WNOHANG with nothing to reap, -ECHILD, or -ERESTARTSYS
 * when a signal arrives. Context: may sleep (interruptibly).
 */
static long do_wait(int pid, int options, int *status, struct task_struct **reaped)
{
	struct task_struct *me = current;
	struct wait_opts wo = { .pid = pid };
	struct wait_queue_entry w = { .task = current };
	unsigned long flags;
	long ret;

	for (;;) {
		prepare_to_wait(&child_exit_wq, &w, TASK_INTERRUPTIBLE);
		flags = tasklist_lock_irqsave();
		scan_children_locked(&wo, me);
		tasklist_unlock_irqrestore(flags);
		if (wo.zombie || !wo.found || (options & WNOHANG))
			break;
		if (signal_pending(me)) {
			finish_wait(&child_exit_wq, &w);
			return -ERESTARTSYS;
		}
		schedule();
	}
	finish_wait(&child_exit_wq, &w);
	if (!wo.zombie)
		return wo.found ? 0 : -ECHILD;
	*status = wo.zombie->exit_status;
	ret = wo.zombie->pid;
	*reaped = wo.zombie;
	return ret;
}

/* struct rusage, Linux x86-64 layout (getrusage, wait4). */
struct rusage_user {
	long ru_utime_sec, ru_utime_usec;
	long ru_stime_sec, ru_stime_usec;
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;
	long ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	long ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

static void ticks_to_tv(u64 ticks, long *sec, long *usec)
{
	u64 us = ticks * (1000000 / HZ);

	*sec = (long)(us / 1000000);
	*usec = (long)(us % 1000000);
}

/* The resources a reaped child used, itself and its own reaped children. */
static void child_rusage(const struct task_struct *c, struct rusage_user *ru)
{
	memset(ru, 0, sizeof(*ru));
	ticks_to_tv(c->utime_ticks + c->cutime_ticks, &ru->ru_utime_sec, &ru->ru_utime_usec);
	ticks_to_tv(c->stime_ticks + c->cstime_ticks, &ru->ru_stime_sec, &ru->ru_stime_usec);
	ru->ru_minflt = (long)(c->min_flt + c->cmin_flt);
	ru->ru_majflt = (long)(c->maj_flt + c->cmaj_flt);
	ru->ru_nvcsw = (long)c->nvcsw;
	ru->ru_nivcsw = (long)c->nivcsw;
}

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, int, options, struct rusage_user *, uru)
{
	struct task_struct *child = NULL;
	struct rusage_user ru;
	int status = 0;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == (int)0x80000000)
		return -ESRCH;
	ret = do_wait(pid, options, &status, &child);
	if (ret <= 0)
		return ret;
	account_reaped(current, child);
	child_rusage(child, &ru);
	release_task(child);
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (uru && copy_to_user(uru, &ru, sizeof(ru)))
		return -EFAULT;
	return ret;
}

/* The calling process's own usage, and its reaped children's (Linux's
 * getrusage; RUSAGE_THREAD is the same as SELF with one thread). */
SYSCALL_DEFINE2(getrusage, int, who, struct rusage_user *, uru)
{
	struct task_struct *me = current;
	struct rusage_user ru;

	memset(&ru, 0, sizeof(ru));
	if (who == 0 || who == 1) {             /* RUSAGE_SELF, RUSAGE_THREAD */
		ticks_to_tv(me->utime_ticks, &ru.ru_utime_sec, &ru.ru_utime_usec);
		ticks_to_tv(me->stime_ticks, &ru.ru_stime_sec, &ru.ru_stime_usec);
		ru.ru_minflt = (long)me->min_flt;
		ru.ru_majflt = (long)me->maj_flt;
		ru.ru_nvcsw = (long)me->nvcsw;
		ru.ru_nivcsw = (long)me->nivcsw;
	} else if (who == -1) {                 /* RUSAGE_CHILDREN */
		ticks_to_tv(me->cutime_ticks, &ru.ru_utime_sec, &ru.ru_utime_usec);
		ticks_to_tv(me->cstime_ticks, &ru.ru_stime_sec, &ru.ru_stime_usec);
		ru.ru_minflt = (long)me->cmin_flt;
		ru.ru_majflt = (long)me->cmaj_flt;
	} else {
		return -EINVAL;
	}
	if (copy_to_user(uru, &ru, sizeof(ru)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE0(getpid)
{
	return current->tgid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;
}
