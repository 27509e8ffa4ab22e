/*
 * exit and wait: the end of a thread and of a process, execve's ending of
 * the other threads (de_thread), and the parent collecting a process.
 * docs/process.md, "Threads", tells the thread-group rules.
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
#include <kernel/futex.h>
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

/*
 * What a thread gives back of its address space before leaving it (Linux's
 * mm_release): the robust futexes it holds, the CLONE_CHILD_CLEARTID word
 * (0, and a futex wake for pthread_join; only if another task still uses
 * the memory, as Linux), and a vfork parent's wait. Also run by execve.
 */
void exit_mm_release(struct task_struct *me)
{
	if (me->mm) {
		exit_robust_list(me);
		if (me->clear_child_tid &&
		    __atomic_load_n(&me->mm->mm_users, __ATOMIC_ACQUIRE) > 1) {
			int zero = 0;

			if (!copy_to_user(me->clear_child_tid, &zero, sizeof(zero)))
				futex_wake_shared_any((unsigned long)me->clear_child_tid, 1);
		}
		me->clear_child_tid = NULL;
	}
	/* The completion lives on the parent's stack, which is gone if the
	 * parent was killed while it waited: it clears the pointer under
	 * tasklist_lock (wait_for_vfork_done), so read and complete it under
	 * the same lock. The unlocked look only skips the lock when there
	 * was never a vfork. */
	if (READ_ONCE(me->vfork_done)) {
		unsigned long flags = tasklist_lock_irqsave();
		struct completion *done = me->vfork_done;

		me->vfork_done = NULL;
		if (done)
			complete(done);
		tasklist_unlock_irqrestore(flags);
	}
}

void do_exit(int status)
{
	struct task_struct *me = current, *leader, *release = NULL;
	int left, group_status;
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
	exit_mm_release(me);
	if (me->mm)
		mmput(exchange_current_mm(NULL));       /* off its page tables before they go */
	put_files(exchange_task_files(me, NULL));
	put_fs_struct(exchange_task_fs(me, NULL));
	exit_creds(me);

	flags = tasklist_lock_irqsave();
	left = signal_exit_thread(me, &group_status);
	leader = me->group_leader;
	if (me != leader)
		me->autoreap = true;            /* a thread: nobody waits for it */
	if (left == 0) {
		/*
		 * The last thread out ends the process: the leader's children
		 * go to init, and its parent learns the status (the first
		 * exit_group's or fatal signal's, else the leader's own). If
		 * the leader is a zombie already and its parent does not
		 * want it, it is released here; if it has not switched away
		 * yet, process_became_zombie releases it. Both decide under
		 * tasklist_lock, so exactly one does.
		 */
		int st = group_status >= 0 ? group_status : leader->exit_status;

		leader->exit_status = st;       /* what wait4 reports */
		forget_children_locked(leader);
		if (do_notify_parent_locked(leader, st) && leader != me &&
		    leader->exit_state == EXIT_ZOMBIE) {
			list_del_init(&leader->sibling);
			release = leader;
		}
	}
	tasklist_unlock_irqrestore(flags);
	if (release)
		release_task(release);
	if (left == 0)
		wake_up(&child_exit_wq);
	kthread_exit(status);           /* the scheduler frees the stack, then process_became_zombie */
}

/*
 * Context: the scheduler, after @t switched away for the last time. A
 * thread is released; a leader becomes a zombie, which wait4 reaps once
 * the whole group has gone (thread_group_dead), or is released at once if
 * its parent said so (autoreap, decided when the group ended).
 */
void process_became_zombie(struct task_struct *t)
{
	unsigned long flags = tasklist_lock_irqsave();
	bool autoreap = t->autoreap;

	if (autoreap) {
		list_del_init(&t->sibling);     /* nobody will wait for it */
	} else {
		t->exit_state = EXIT_ZOMBIE;
		/* A leader that an execve's de_thread waits for: under
		 * tasklist_lock, which de_thread needs to release it. */
		signal_wake_exec_task(t);
	}
	tasklist_unlock_irqrestore(flags);
	if (autoreap)
		release_task(t);
	wake_up(&child_exit_wq);                /* a zombie to reap, or one child fewer */
}

/* Has execve's caller become the group's only thread, and (if it is not
 * the leader) has the leader switched away for good? */
static bool de_thread_done(struct task_struct *me)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *leader = me->group_leader;
	bool done = READ_ONCE(me->signal->group->live) == 1 &&
		    (leader == me || leader->exit_state == EXIT_ZOMBIE);

	tasklist_unlock_irqrestore(flags);
	return done;
}

/*
 * A non-leader that execs becomes the leader: it takes the leader's pid
 * (the process's id does not change across execve), its place among its
 * parent's children, and its children; the old leader, a zombie nobody
 * was told about, is released. Context: tasklist_lock held.
 */
static void take_over_leader_locked(struct task_struct *me, struct task_struct *leader)
{
	struct task_struct *c, *n;
	int tid = me->pid;

	me->pid = leader->pid;
	leader->pid = tid;
	me->group_leader = me;
	leader->group_leader = me;
	me->parent = leader->parent;
	me->exit_signal = leader->exit_signal;
	me->pgid = leader->pgid;
	me->sid = leader->sid;
	me->autoreap = false;
	list_add_tail(&me->sibling, &leader->sibling);  /* its place in the parent's list */
	list_del_init(&leader->sibling);
	list_for_each_entry_safe(c, n, &leader->children, sibling) {
		list_del(&c->sibling);
		list_add_tail(&c->sibling, &me->children);
		c->parent = me;
	}
}

int de_thread(void)
{
	struct task_struct *me = current, *leader = NULL;
	unsigned long flags;
	int err;

	if (!me->signal || de_thread_done(me))
		return unshare_sighand();       /* single-threaded: the usual case */
	err = zap_other_threads_for_exec();
	if (err)
		return err;
	/* Each thread leaving wakes us (signal_exit_thread), and so does the
	 * leader's last switch (process_became_zombie); the state is set
	 * before the test, so no wake-up falls between. */
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (de_thread_done(me) || fatal_signal_pending(me))
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
	if (!de_thread_done(me)) {
		exec_zap_done();
		return -EINTR;                  /* killed meanwhile: dying anyway */
	}
	flags = tasklist_lock_irqsave();
	if (me->group_leader != me) {
		leader = me->group_leader;
		take_over_leader_locked(me, leader);
	}
	tasklist_unlock_irqrestore(flags);
	if (leader)
		release_task(leader);
	exec_zap_done();
	return unshare_sighand();
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_group_exit((code & 0xff) << 8);
}

/* ---- wait4 ------------------------------------------------------------------- */

#define WNOHANG         0x00000001
#define WUNTRACED       0x00000002
#define WCONTINUED      0x00000008
#define __WNOTHREAD     0x20000000
#define __WALL          0x40000000
#define __WCLONE        0x80000000

enum wait_type { WAIT_ANY, WAIT_PID, WAIT_PGID };

struct wait_opts {
	enum wait_type type;
	int id;                         /* the pid or the process group */
	bool nowait;                    /* waitid's WNOWAIT: leave the zombie */
	bool no_exits;                  /* waitid without WEXITED: exits are not reported */
	int found;                      /* matching children seen */
	struct task_struct *zombie;     /* a matching zombie, unlinked (not with nowait) */
	struct kernel_siginfo info;     /* nowait: the zombie's, taken under the lock */
	int status;                     /* nowait: its wait status */
};

static bool child_matches(const struct wait_opts *wo, const struct task_struct *c)
{
	switch (wo->type) {
	case WAIT_PID:
		return c->pid == wo->id;
	case WAIT_PGID:
		return c->pgid == wo->id;
	default:
		return true;
	}
}

/* Look for a matching child; unlink the first zombie (or, with nowait,
 * copy what is reported of it). Context: tasklist_lock. */
static void scan_children_locked(struct wait_opts *wo, struct task_struct *me)
{
	struct task_struct *c;

	wo->found = 0;
	list_for_each_entry(c, &me->children, sibling) {
		if (c->autoreap || !child_matches(wo, c))
			continue;               /* an autoreaped child is gone already */
		wo->found++;
		if (!wo->no_exits && c->exit_state == EXIT_ZOMBIE && thread_group_dead(c)) {
			if (wo->nowait) {
				sigchld_info(&wo->info, c, c->exit_status);
				wo->status = c->exit_status;
			} else {
				list_del(&c->sibling);
			}
			wo->zombie = c;
			return;
		}
	}
}

/* The reaped child's counters (every thread's) go to the parent's
 * "children" totals. */
static void account_reaped(struct task_struct *me, struct task_struct *c)
{
	struct task_usage u;

	thread_group_usage(c, &u);
	me->cmin_flt += u.min_flt + c->cmin_flt;
	me->cmaj_flt += u.maj_flt + c->cmaj_flt;
	me->cutime_ticks += u.utime_ticks + c->cutime_ticks;
	me->cstime_ticks += u.stime_ticks + c->cstime_ticks;
}

/*
 * Wait for a child that @wo matches. Returns its pid, with the zombie
 * unlinked in *@reaped and its status in *@status (with wo->nowait: left
 * in place, its report in wo->info and wo->status, *@reaped NULL), 0 for
 * WNOHANG with nothing to reap, -ECHILD, or -ERESTARTSYS when a signal
 * arrives. Context: may sleep (interruptibly).
 */
static long do_wait(struct wait_opts *wo, int options, int *status, struct task_struct **reaped)
{
	struct task_struct *me = current;
	struct wait_queue_entry w = { .task = current };
	unsigned long flags;
	long ret;

	for (;;) {
		prepare_to_wait(&child_exit_wq, &w, TASK_INTERRUPTIBLE);
		flags = tasklist_lock_irqsave();
		scan_children_locked(wo, me->group_leader);     /* any thread may wait */
		ret = wo->zombie ? wo->zombie->pid : 0;          /* (a nowait zombie may go after) */
		tasklist_unlock_irqrestore(flags);
		if (wo->zombie || !wo->found || (options & WNOHANG))
			break;
		if (signal_pending(me)) {
			finish_wait(&child_exit_wq, &w);
			return -ERESTARTSYS;
		}
		schedule();
	}
	finish_wait(&child_exit_wq, &w);
	if (!wo->zombie)
		return wo->found ? 0 : -ECHILD;
	if (wo->nowait) {
		*status = wo->status;
		*reaped = NULL;
		return ret;
	}
	*status = wo->zombie->exit_status;
	*reaped = wo->zombie;
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
static void child_rusage(struct task_struct *c, struct rusage_user *ru)
{
	struct task_usage u;

	thread_group_usage(c, &u);
	memset(ru, 0, sizeof(*ru));
	ticks_to_tv(u.utime_ticks + c->cutime_ticks, &ru->ru_utime_sec, &ru->ru_utime_usec);
	ticks_to_tv(u.stime_ticks + c->cstime_ticks, &ru->ru_stime_sec, &ru->ru_stime_usec);
	ru->ru_minflt = (long)(u.min_flt + c->cmin_flt);
	ru->ru_majflt = (long)(u.maj_flt + c->cmaj_flt);
	ru->ru_nvcsw = (long)u.nvcsw;
	ru->ru_nivcsw = (long)u.nivcsw;
}

SYSCALL_DEFINE4(wait4, int, pid, int *, ustatus, int, options, struct rusage_user *, uru)
{
	struct task_struct *child = NULL;
	struct rusage_user ru;
	unsigned long flags;
	int status = 0;
	long ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == (int)0x80000000)
		return -ESRCH;
	struct wait_opts wo = { .type = pid > 0 ? WAIT_PID : pid == -1 ? WAIT_ANY : WAIT_PGID,
				.id = pid > 0 ? pid : pid == 0 ? current->pgid : -pid };

	ret = do_wait(&wo, options, &status, &child);
	if (ret <= 0)
		return ret;
	flags = tasklist_lock_irqsave();        /* two threads may reap at once */
	account_reaped(current->group_leader, child);
	tasklist_unlock_irqrestore(flags);
	child_rusage(child, &ru);
	release_task(child);
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	if (uru && copy_to_user(uru, &ru, sizeof(ru)))
		return -EFAULT;
	return ret;
}

/* waitid's idtype and its own options. */
#define P_ALL           0
#define P_PID           1
#define P_PGID          2
#define P_PIDFD         3
#define WSTOPPED        WUNTRACED
#define WEXITED         0x00000004
#define WNOWAIT         0x01000000

/*
 * waitid: as wait4, with the child named by (idtype, id), the report in
 * a siginfo, and WNOWAIT to leave the zombie for a later wait. Children
 * are only ever reported when they have exited (Faultline stops no
 * process: WSTOPPED and WCONTINUED alone wait for ever, or find nothing
 * with WNOHANG). There are no pidfds, so P_PIDFD's fd is never one:
 * -EBADF, as Linux says for an fd that is not a pidfd.
 */
SYSCALL_DEFINE5(waitid, int, which, int, id, struct user_siginfo __user *, uinfo, int, options,
		struct rusage_user __user *, uru)
{
	struct wait_opts wo = { 0 };
	struct task_struct *child = NULL;
	struct user_siginfo uinf;
	struct kernel_siginfo info;
	struct rusage_user ru;
	unsigned long flags;
	int status = 0;
	long ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD |
			__WALL | __WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (which) {
	case P_ALL:
		wo.type = WAIT_ANY;
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		wo.type = WAIT_PID;
		wo.id = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		wo.type = WAIT_PGID;
		wo.id = id ? id : current->pgid;
		break;
	case P_PIDFD:
		return -EBADF;
	default:
		return -EINVAL;
	}
	wo.nowait = options & WNOWAIT;
	wo.no_exits = !(options & WEXITED);     /* then only a signal ends the wait */
	ret = do_wait(&wo, options, &status, &child);
	if (ret < 0)
		return ret;
	memset(&info, 0, sizeof(info));
	if (ret > 0) {
		if (wo.nowait) {
			info = wo.info;
		} else {
			flags = tasklist_lock_irqsave();
			account_reaped(current->group_leader, child);
			tasklist_unlock_irqrestore(flags);
			sigchld_info(&info, child, status);
			if (uru)
				child_rusage(child, &ru);
			release_task(child);
		}
		info.si_signo = SIGCHLD;
	}
	/* Nothing to report (WNOHANG): the siginfo is zeroed, as Linux does. */
	siginfo_to_user_layout(&uinf, &info);
	if (uinfo && copy_to_user(uinfo, &uinf, sizeof(uinf)))
		return -EFAULT;
	if (uru) {
		if (ret == 0 || wo.nowait)
			memset(&ru, 0, sizeof(ru));
		if (copy_to_user(uru, &ru, sizeof(ru)))
			return -EFAULT;
	}
	return 0;
}

/* getrusage: the whole process (RUSAGE_SELF: every thread, live and
 * exited), the calling thread alone (RUSAGE_THREAD), or the reaped
 * children (RUSAGE_CHILDREN, kept in the leader). */
SYSCALL_DEFINE2(getrusage, int, who, struct rusage_user *, uru)
{
	struct task_struct *me = current, *leader = me->group_leader;
	struct rusage_user ru;
	struct task_usage u;

	memset(&ru, 0, sizeof(ru));
	if (who == 0 || who == 1) {             /* RUSAGE_SELF, RUSAGE_THREAD */
		if (who == 0) {
			thread_group_usage(me, &u);
		} else {
			memset(&u, 0, sizeof(u));
			u.utime_ticks = me->utime_ticks;
			u.stime_ticks = me->stime_ticks;
			u.min_flt = me->min_flt;
			u.maj_flt = me->maj_flt;
			u.nvcsw = me->nvcsw;
			u.nivcsw = me->nivcsw;
		}
		ticks_to_tv(u.utime_ticks, &ru.ru_utime_sec, &ru.ru_utime_usec);
		ticks_to_tv(u.stime_ticks, &ru.ru_stime_sec, &ru.ru_stime_usec);
		ru.ru_minflt = (long)u.min_flt;
		ru.ru_majflt = (long)u.maj_flt;
		ru.ru_nvcsw = (long)u.nvcsw;
		ru.ru_nivcsw = (long)u.nivcsw;
	} else if (who == -1) {                 /* RUSAGE_CHILDREN */
		ticks_to_tv(leader->cutime_ticks, &ru.ru_utime_sec, &ru.ru_utime_usec);
		ticks_to_tv(leader->cstime_ticks, &ru.ru_stime_sec, &ru.ru_stime_usec);
		ru.ru_minflt = (long)leader->cmin_flt;
		ru.ru_majflt = (long)leader->cmaj_flt;
	} else {
		return -EINVAL;
	}
	if (copy_to_user(uru, &ru, sizeof(ru)))
		return -EFAULT;
	return 0;
}

/* struct tms, in clock ticks (USER_HZ, 100 a second, as HZ here). */
struct tms_user {
	long tms_utime, tms_stime, tms_cutime, tms_cstime;
};

/*
 * times: the process's CPU time (every thread, live and exited) and its
 * reaped children's, as getrusage counts them; returns the clock ticks
 * since boot (Linux counts from an arbitrary point too: only differences
 * mean anything). A NULL buffer just returns the clock.
 */
SYSCALL_DEFINE1(times, struct tms_user __user *, ubuf)
{
	struct task_struct *leader = current->group_leader;
	struct task_usage u;
	struct tms_user t;

	if (ubuf) {
		thread_group_usage(current, &u);
		t.tms_utime = (long)(u.utime_ticks * 100 / HZ);
		t.tms_stime = (long)(u.stime_ticks * 100 / HZ);
		t.tms_cutime = (long)(leader->cutime_ticks * 100 / HZ);
		t.tms_cstime = (long)(leader->cstime_ticks * 100 / HZ);
		if (copy_to_user(ubuf, &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)(jiffies * 100 / HZ);
}

SYSCALL_DEFINE0(getpid)
{
	return current->tgid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;
}
