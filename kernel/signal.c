/*
 * Signals, the generic half: sending, the pending and blocked sets, default
 * actions, and the signal system calls (rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, pause, sigaltstack, kill, tkill, tgkill).
 * The frame on the user stack and rt_sigreturn are arch/x86_64/signal.c;
 * docs/signals.md is the overview.
 *
 * Each thread has a struct task_signal; its process's threads share a
 * sighand_struct (handlers, and siglock, the lock of all this) and a
 * signal_struct (include/kernel/signal.h; their life is
 * kernel/signal_group.c). A sender sets the signal's bit in the thread's
 * pending set (tkill, faults) or the process's shared one (kill) under
 * siglock and wakes a thread that can take it; that thread dequeues on
 * its way back to user mode (get_signal, called by do_signal). A signal
 * that would be ignored is dropped at send time, as Linux does, unless it
 * is blocked (its handler may change before it is unblocked). A fatal one
 * kills every thread of the process.
 *
 * Locks: tasklist_lock -> siglock (irqsave) -> rq->lock (signal_wake_up).
 * A target task found by pid is only used under tasklist_lock, which keeps
 * it (and its task_signal) from being freed.
 *
 * Limits, documented in docs/signals.md: one pending instance per signal
 * (real-time signals are not queued); stop signals are ignored (no job
 * control); no core dumps, so a "core" default reports just the signal.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <mm/slab.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/uaccess.h>

#ifndef INT_MIN
#define INT_MIN (-2147483647 - 1)
#endif

/*
 * Lock @s's signal state: its sighand's siglock. Only the owner changes
 * ->sighand (execve's unshare_sighand, holding the old lock), so a lock
 * taken on a stale sighand is dropped and the new one taken. Interrupts
 * must already be off (the callers hold an irqsave lock or saved them).
 */
struct sighand_struct *lock_sighand(struct task_signal *s)
{
	for (;;) {
		struct sighand_struct *sh = READ_ONCE(s->sighand);

		spin_lock(&sh->siglock);
		if (likely(sh == READ_ONCE(s->sighand)))
			return sh;
		spin_unlock(&sh->siglock);
	}
}

unsigned long lock_sighand_irqsave(struct task_signal *s, struct sighand_struct **shp)
{
	unsigned long flags = local_irq_save();

	*shp = lock_sighand(s);
	return flags;
}

void unlock_sighand_irqrestore(struct sighand_struct *sh, unsigned long flags)
{
	spin_unlock(&sh->siglock);
	local_irq_restore(flags);
}

/* Wake another live thread of @s's group that does not block one of
 * @sigs, so that a process-wide signal is not left to a thread that
 * cannot take it. Context: siglock held. */
void retarget_shared_locked(struct task_signal *s, sigset_t sigs)
{
	struct task_signal *ts;

	list_for_each_entry(ts, &s->group->thread_head, thread_node) {
		if (ts == s || !(sigs & ~ts->blocked))
			continue;
		signal_wake_up(ts->task);
		sigs &= ts->blocked;
		if (!sigs)
			break;
	}
}

/* ---- the rules: defaults, ignoring, choosing ---------------------------- */

enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
		return SIG_DEFAULT_IGNORE;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return SIG_DEFAULT_STOP;
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS:
	case SIGFPE: case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return SIG_DEFAULT_CORE;
	default:
		return SIG_DEFAULT_TERM;        /* the rest, real-time signals too */
	}
}

/* Stop is treated as ignore: there is no job control (docs/signals.md). */
static bool sig_default_ignored(int sig)
{
	enum sig_default d = sig_default_action(sig);

	return d == SIG_DEFAULT_IGNORE || d == SIG_DEFAULT_STOP;
}

static bool sig_handler_ignored(const struct k_sigaction *ka, int sig)
{
	return ka->handler == SIG_IGN || (ka->handler == SIG_DFL && sig_default_ignored(sig));
}

/* Init (pid 1) receives only the signals it handles, unless the kernel
 * forces a fault signal on it (then it dies, as on Linux). */
static bool task_is_unkillable(const struct task_struct *t, int sig, bool forced)
{
	return t->pid == 1 && !forced && sig != SIGKILL;
}

bool sig_ignored_locked(struct task_struct *t, int sig, bool forced)
{
	struct task_signal *s = t->signal;
	const struct k_sigaction *ka = sig_action(s, sig);

	ASSERT_HELD(&s->sighand->siglock);
	if (sigismember(&s->blocked, sig))
		return false;
	if (ka->handler == SIG_DFL && t->pid == 1 && !forced)
		return true;                    /* SIGKILL from user space too */
	return sig_handler_ignored(ka, sig);
}

int next_signal(sigset_t pending, sigset_t blocked)
{
	sigset_t ready = pending & ~blocked;

	if (!ready)
		return 0;
	if (ready & SIG_SYNCHRONOUS)
		ready &= SIG_SYNCHRONOUS;
	return __builtin_ctzll(ready) + 1;
}

int dequeue_signal_locked(struct task_signal *s, struct kernel_siginfo *info)
{
	struct signal_struct *g = s->group;
	int sig = next_signal(s->pending, s->blocked);

	ASSERT_HELD(&s->sighand->siglock);
	/* The thread's own signals first, then the process's (Linux's order). */
	if (sig) {
		sigdelset(&s->pending, sig);
		*info = s->info[sig - 1];
		return sig;
	}
	sig = next_signal(g->shared_pending, s->blocked);
	if (sig) {
		sigdelset(&g->shared_pending, sig);
		*info = g->shared_info[sig - 1];
	}
	return sig;
}

/* ---- sending ------------------------------------------------------------ */

/* Context: t's siglock held. */
static void send_signal_locked(int sig, const struct kernel_siginfo *info,
			       struct task_struct *t, bool forced)
{
	struct task_signal *s = t->signal;

	if (sig_ignored_locked(t, sig, forced))
		return;
	/* A signal already pending keeps its first information; a forced
	 * fault replaces it (its si_addr is what the handler must see). */
	if (!sigismember(&s->pending, sig) || forced)
		s->info[sig - 1] = *info;
	sigaddset(&s->pending, sig);
	if (forced)
		sigaddset(&s->forced, sig);
	if (!sigismember(&s->blocked, sig))
		signal_wake_up(t);
}

void siginfo_kernel(struct kernel_siginfo *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
}

/* Would @sig, delivered to @t with its handler as it is, end the process? */
static bool sig_fatal_locked(struct task_struct *t, int sig)
{
	const struct k_sigaction *ka = sig_action(t->signal, sig);

	if (task_is_unkillable(t, sig, false))
		return false;
	return sig == SIGKILL || (ka->handler == SIG_DFL && !sig_default_ignored(sig));
}

/*
 * Kill every live thread of @g but @except: SIGKILL in each one's own
 * pending set (so fatal_signal_pending sees it), and a wake-up for those
 * asleep interruptibly. The group dies with wait status @status.
 * Context: siglock held.
 */
void zap_group_locked(struct signal_struct *g, int status, struct task_struct *except)
{
	struct task_signal *ts;
	struct kernel_siginfo info;

	siginfo_kernel(&info, SIGKILL, SI_KERNEL);
	g->group_exit = true;
	g->group_exit_code = status;
	list_for_each_entry(ts, &g->thread_head, thread_node) {
		if (ts->task == except)
			continue;
		if (!sigismember(&ts->pending, SIGKILL))
			ts->info[SIGKILL - 1] = info;
		sigaddset(&ts->pending, SIGKILL);
		signal_wake_up(ts->task);
	}
}

/*
 * A process-directed signal is pending in @t's group: pick the thread to
 * take it, as Linux's complete_signal. @t itself if it does not block it
 * (and still lives), else the first live thread that does not; none: it
 * waits until a thread unblocks it. If it is fatal, the whole group dies
 * now, so that no thread runs on in user mode after the process was killed.
 * Context: siglock held.
 */
static void complete_signal_locked(int sig, struct task_struct *t)
{
	struct signal_struct *g = t->signal->group;
	struct task_signal *target = NULL, *ts;

	if (!sigismember(&t->signal->blocked, sig) && !list_empty(&t->signal->thread_node)) {
		target = t->signal;
	} else {
		list_for_each_entry(ts, &g->thread_head, thread_node)
			if (!sigismember(&ts->blocked, sig)) {
				target = ts;
				break;
			}
	}
	if (!target)
		return;
	if (!g->group_exit && sig_fatal_locked(target->task, sig)) {
		sigdelset(&g->shared_pending, sig);
		zap_group_locked(g, sig, NULL);
		return;
	}
	signal_wake_up(target->task);
}

/* Context: t's siglock held. */
static void send_group_signal_locked(int sig, const struct kernel_siginfo *info,
				     struct task_struct *t)
{
	struct signal_struct *g = t->signal->group;

	if (sig_ignored_locked(t, sig, false))
		return;
	if (!sigismember(&g->shared_pending, sig))
		g->shared_info[sig - 1] = *info;
	sigaddset(&g->shared_pending, sig);
	complete_signal_locked(sig, t);
}

static int send_signal_common(int sig, const struct kernel_siginfo *info,
			      struct task_struct *t, bool group)
{
	struct task_signal *s = READ_ONCE(t->signal);
	struct kernel_siginfo kinfo;
	struct sighand_struct *sh;
	unsigned long flags;

	if (!valid_signal(sig))
		return -EINVAL;
	if (!s)
		return 0;                       /* a kernel thread: ignores everything */
	if (!info) {
		siginfo_kernel(&kinfo, sig, SI_KERNEL);
		info = &kinfo;
	}
	flags = lock_sighand_irqsave(s, &sh);
	if (group)
		send_group_signal_locked(sig, info, t);
	else
		send_signal_locked(sig, info, t, false);
	unlock_sighand_irqrestore(sh, flags);
	return 0;
}

int send_signal_info(int sig, const struct kernel_siginfo *info, struct task_struct *t)
{
	return send_signal_common(sig, info, t, false);
}

int send_group_signal_info(int sig, const struct kernel_siginfo *info, struct task_struct *t)
{
	return send_signal_common(sig, info, t, true);
}

int send_sig(int sig, struct task_struct *t)
{
	return send_signal_info(sig, NULL, t);
}

/*
 * Linux's force_sig_info: a fault the program cannot ignore. A blocked or
 * ignored fault signal would make the faulting instruction fault again
 * for ever, so the handler is reset to SIG_DFL (which kills) and the
 * signal unblocked. Context: current, any (also a trap with IRQs off).
 */
static void force_sig_info(int sig, const struct kernel_siginfo *info)
{
	struct task_struct *me = current;
	struct task_signal *s = current_signal();
	struct k_sigaction *ka;
	unsigned long flags;

	if (!s) {                               /* out of memory: just die */
		local_irq_enable();
		do_exit(sig);
	}
	flags = spin_lock_irqsave(&s->sighand->siglock);
	ka = sig_action(s, sig);
	if (ka->handler == SIG_IGN || sigismember(&s->blocked, sig)) {
		ka->handler = SIG_DFL;
		sigdelset(&s->blocked, sig);
	}
	send_signal_locked(sig, info, me, true);
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
}

void force_sig_fault(int sig, int si_code, unsigned long addr)
{
	struct kernel_siginfo info;

	siginfo_kernel(&info, sig, si_code);
	info.si_addr = addr;
	force_sig_info(sig, &info);
}

void force_sigsegv(int sig)
{
	struct task_signal *s = current->signal;

	if (sig == SIGSEGV && s) {
		unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);

		sig_action(s, SIGSEGV)->handler = SIG_DFL;
		spin_unlock_irqrestore(&s->sighand->siglock, flags);
	}
	force_sig_fault(SIGSEGV, SI_KERNEL, 0);
}

/* One kill() target set: a process group, or everyone (pgrp == 0). */
struct group_kill {
	int pgrp;                       /* 0: all but init and the sender */
	int sig;                        /* 0: existence check only */
	const struct kernel_siginfo *info;
	int found;
	int err;
};

static void group_kill_one(struct task_struct *t, void *arg)
{
	struct group_kill *gk = arg;

	if (gk->pgrp ? t->pgid != gk->pgrp : (t->pid == 1 || t == current))
		return;
	gk->found++;
	if (!valid_signal(gk->sig) && gk->sig)
		gk->err = -EINVAL;
	else if (gk->sig)
		send_group_signal_info(gk->sig, gk->info, t);
}

/* Context: takes tasklist_lock. */
static int kill_group_info(int pgrp, int sig, const struct kernel_siginfo *info)
{
	struct group_kill gk = { .pgrp = pgrp, .sig = sig, .info = info };
	unsigned long flags = tasklist_lock_irqsave();

	for_each_process_locked(group_kill_one, &gk);
	tasklist_unlock_irqrestore(flags);
	return gk.found ? gk.err : -ESRCH;
}

int kill_pgrp(int pgrp, int sig)
{
	struct kernel_siginfo info;

	if (pgrp <= 0)
		return -ESRCH;
	siginfo_kernel(&info, sig, SI_KERNEL);
	return kill_group_info(pgrp, sig, &info);
}

/* One kill()/tkill() target by pid. */
struct pid_kill {
	int pid, tgid;                  /* tgid > 0: tgkill's check */
	bool group;                     /* kill(): the whole process; tkill: one thread */
	int sig;
	const struct kernel_siginfo *info;
	int err;
};

static void pid_kill_one(struct task_struct *t, void *arg)
{
	struct pid_kill *pk = arg;

	if (t->pid != pk->pid || pk->err != -ESRCH || (pk->tgid > 0 && t->tgid != pk->tgid))
		return;
	pk->err = 0;
	if (!valid_signal(pk->sig) && pk->sig)
		pk->err = -EINVAL;
	else if (pk->sig)
		send_signal_common(pk->sig, pk->info, t, pk->group);
}

/*
 * kill(pid > 0) and tkill/tgkill. Every task counts, as on Linux: a zombie
 * (signal 0 succeeds, others have no effect until it is reaped) and a
 * kernel thread (ignores everything). Hence for_each_task, not
 * find_task_by_pid_locked, which skips both. Context: takes tasklist_lock.
 */
static int kill_one_info(int pid, int tgid, int sig, const struct kernel_siginfo *info,
			 bool group)
{
	struct pid_kill pk = { .pid = pid, .tgid = tgid, .sig = sig, .info = info,
			       .group = group, .err = -ESRCH };

	for_each_task(pid_kill_one, &pk);
	return pk.err;
}

bool signal_pending(struct task_struct *t)
{
	struct task_signal *s = READ_ONCE(t->signal);

	return s && ((READ_ONCE(s->pending) | READ_ONCE(s->group->shared_pending)) &
		     ~READ_ONCE(s->blocked)) != 0;
}

bool fatal_signal_pending(struct task_struct *t)
{
	struct task_signal *s = READ_ONCE(t->signal);

	return s && (READ_ONCE(s->pending) & sigmask(SIGKILL)) != 0;
}

/* ---- delivery (do_signal in arch/x86_64/signal.c drives it) ------------- */

bool get_signal(struct ksignal *ksig)
{
	struct task_struct *me = current;
	struct task_signal *s = me->signal;

	if (!s)
		return false;
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);
		int sig = dequeue_signal_locked(s, &ksig->info);
		struct k_sigaction *ka;
		bool forced;

		if (!sig) {
			spin_unlock_irqrestore(&s->sighand->siglock, flags);
			return false;
		}
		forced = sigismember(&s->forced, sig);
		sigdelset(&s->forced, sig);
		ka = sig_action(s, sig);
		if (ka->handler != SIG_DFL && ka->handler != SIG_IGN) {
			ksig->sig = sig;
			ksig->ka = *ka;
			if (ka->flags & SA_RESETHAND)
				ka->handler = SIG_DFL;
			spin_unlock_irqrestore(&s->sighand->siglock, flags);
			return true;
		}
		spin_unlock_irqrestore(&s->sighand->siglock, flags);
		if (ka->handler == SIG_IGN || sig_default_ignored(sig) ||
		    task_is_unkillable(me, sig, forced))
			continue;
		/* Terminate the whole process. "Core" signals too: no core
		 * file is written, so the wait status is the bare signal
		 * number, as on Linux. */
		do_group_exit(sig);
	}
}

void set_current_blocked(sigset_t mask)
{
	struct task_signal *s = current->signal;
	unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);
	sigset_t newly;

	mask &= ~SIG_UNBLOCKABLE;
	newly = mask & ~s->blocked & s->group->shared_pending;
	s->blocked = mask;
	/* A process-wide signal this thread may have been woken for and now
	 * blocks: another thread must take it (Linux's retarget). */
	if (newly)
		retarget_shared_locked(s, newly);
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
}

sigset_t sigmask_to_save(void)
{
	struct task_signal *s = current->signal;

	return s->restore_saved_mask ? s->saved_mask : s->blocked;
}

void signal_delivered(struct ksignal *ksig)
{
	struct task_signal *s = current->signal;
	sigset_t mask = s->blocked | ksig->ka.mask;

	if (!(ksig->ka.flags & SA_NODEFER))
		sigaddset(&mask, ksig->sig);
	set_current_blocked(mask);
	s->restore_saved_mask = false;
}

void restore_saved_sigmask(void)
{
	struct task_signal *s = current->signal;

	if (s && s->restore_saved_mask) {
		s->restore_saved_mask = false;
		set_current_blocked(s->saved_mask);
	}
}

void siginfo_to_user_layout(struct user_siginfo *to, const struct kernel_siginfo *from)
{
	int sig = from->si_signo;

	memset(to, 0, sizeof(*to));
	to->si_signo = sig;
	to->si_errno = from->si_errno;
	to->si_code = from->si_code;
	if (from->si_code > 0 && from->si_code != SI_KERNEL && sig == SIGCHLD) {
		to->sigchld.si_pid = from->si_pid;
		to->sigchld.si_uid = from->si_uid;
		to->sigchld.si_status = from->si_status;
		to->sigchld.si_utime = from->si_utime;
		to->sigchld.si_stime = from->si_stime;
	} else if (from->si_code > 0 && from->si_code != SI_KERNEL &&
		   (sigmask(sig) & SIG_SYNCHRONOUS)) {
		to->sigfault.si_addr = from->si_addr;
	} else {
		to->kill.si_pid = from->si_pid;
		to->kill.si_uid = from->si_uid;
	}
}

/* ---- SIGCHLD ------------------------------------------------------------ */

static long ticks_to_clock_t(u64 ticks)
{
	return (long)(ticks * 100 / HZ);        /* USER_HZ is 100 */
}

void sigchld_info(struct kernel_siginfo *info, struct task_struct *child, int status)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = SIGCHLD;
	info->si_pid = child->tgid;
	if ((status & 0x7f) == 0) {
		info->si_code = CLD_EXITED;
		info->si_status = (status >> 8) & 0xff;
	} else {
		info->si_code = (status & 0x80) ? CLD_DUMPED : CLD_KILLED;
		info->si_status = status & 0x7f;
	}
	info->si_utime = ticks_to_clock_t(child->utime_ticks + child->cutime_ticks);
	info->si_stime = ticks_to_clock_t(child->stime_ticks + child->cstime_ticks);
}

bool do_notify_parent_locked(struct task_struct *child, int status)
{
	int sig = child->exit_signal ? child->exit_signal : SIGCHLD;
	struct kernel_siginfo info;
	struct task_struct *parent;
	bool autoreap = false;

	ASSERT_HELD_TASKLIST();
	sigchld_info(&info, child, status);
	info.si_signo = sig;
	parent = child->parent;
	if (parent && parent->signal && valid_signal(sig)) {
		struct task_signal *ps = parent->signal;
		struct sighand_struct *sh = lock_sighand(ps);  /* irqs are off */
		const struct k_sigaction *ka = sig_action(ps, SIGCHLD);

		/* Linux: SIG_IGN or SA_NOCLDWAIT means "reap my children for
		 * me"; SIG_IGN also means no signal at all. */
		if (sig == SIGCHLD && (ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT)))
			autoreap = true;
		/* Decided under tasklist_lock, as the signal is sent: a parent
		 * woken by it never sees the child as one to wait for. */
		child->autoreap = autoreap;
		/* To the parent process, not one thread of it. */
		if (!(sig == SIGCHLD && ka->handler == SIG_IGN))
			send_group_signal_locked(sig, &info, parent);
		spin_unlock(&sh->siglock);
	}
	return autoreap;
}

/* ---- the alternate signal stack ----------------------------------------- */

/* Is @sp inside the alternate stack (ignoring SS_AUTODISARM)? */
static bool sp_in_altstack(const struct task_signal *s, unsigned long sp)
{
	return sp > s->sas_ss_sp && sp - s->sas_ss_sp <= s->sas_ss_size;
}

bool on_sig_stack(unsigned long sp)
{
	struct task_signal *s = current->signal;

	/* An SS_AUTODISARM stack is disarmed while in use, so a handler on
	 * it is never "on" it (Linux's rule). */
	if (!s || (s->sas_ss_flags & SS_AUTODISARM))
		return false;
	return sp_in_altstack(s, sp);
}

int sas_ss_flags(unsigned long sp)
{
	struct task_signal *s = current->signal;

	if (!s || !s->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(sp) ? SS_ONSTACK : 0;
}

bool __on_sig_stack(unsigned long sp)
{
	struct task_signal *s = current->signal;

	return s && sp_in_altstack(s, sp);
}

void save_altstack(struct user_stack *uss, unsigned long sp)
{
	struct task_signal *s = current->signal;

	(void)sp;
	memset(uss, 0, sizeof(*uss));
	uss->ss_sp = s->sas_ss_sp;
	uss->ss_flags = (int)s->sas_ss_flags;
	uss->ss_size = s->sas_ss_size;
	if (s->sas_ss_flags & SS_AUTODISARM) {
		s->sas_ss_sp = 0;
		s->sas_ss_size = 0;
		s->sas_ss_flags = SS_DISABLE;
	}
}

/* Linux's do_sigaltstack on kernel copies. @sp: the user stack pointer. */
static int do_sigaltstack(const struct user_stack *ss, struct user_stack *oss, unsigned long sp)
{
	struct task_signal *s = current->signal;

	if (oss) {
		memset(oss, 0, sizeof(*oss));
		oss->ss_sp = s->sas_ss_sp;
		oss->ss_size = s->sas_ss_size;
		oss->ss_flags = sas_ss_flags(sp) | (int)(s->sas_ss_flags & SS_AUTODISARM);
	}
	if (ss) {
		unsigned int mode = (unsigned int)ss->ss_flags & ~SS_AUTODISARM;
		unsigned long ss_sp = ss->ss_sp, ss_size = ss->ss_size;

		if (on_sig_stack(sp))
			return -EPERM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			ss_sp = 0;
			ss_size = 0;
		} else if (ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		s->sas_ss_sp = ss_sp;
		s->sas_ss_size = ss_size;
		s->sas_ss_flags = (unsigned int)ss->ss_flags;
	}
	return 0;
}

void restore_altstack(const struct user_stack *uss, unsigned long sp)
{
	(void)do_sigaltstack(uss, NULL, sp);
}

/* ---- system calls ------------------------------------------------------- */

/* The signal state of a calling process; -ENOMEM is its only failure. */
#define CURRENT_SIGNAL_OR_ENOMEM(s) do {                                \
	(s) = current_signal();                                         \
	if (!(s))                                                       \
		return -ENOMEM;                                         \
} while (0)

/* Install @ka for @sig in current. Context: may not sleep. */
static int do_sigaction(int sig, const struct k_sigaction *ka, struct k_sigaction *old)
{
	struct task_signal *s = current->signal;
	unsigned long flags;

	if (!valid_signal(sig) || (ka && (sigmask(sig) & SIG_UNBLOCKABLE)))
		return -EINVAL;
	flags = spin_lock_irqsave(&s->sighand->siglock);
	if (old)
		*old = *sig_action(s, sig);
	if (ka) {
		struct k_sigaction *cur = sig_action(s, sig);

		*cur = *ka;
		cur->flags &= SA_KNOWN_FLAGS;
		cur->mask &= ~SIG_UNBLOCKABLE;
		/* POSIX: setting a pending signal to be ignored discards it,
		 * blocked or not. */
		if (sig_handler_ignored(cur, sig)) {
			struct task_signal *ts;

			sigdelset(&s->group->shared_pending, sig);
			list_for_each_entry(ts, &s->group->thread_head, thread_node)
				sigdelset(&ts->pending, sig);
			sigdelset(&s->pending, sig);
		}
	}
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
	return 0;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction __user *, act,
		struct k_sigaction __user *, oact, size_t, sigsetsize)
{
	struct k_sigaction new_ka, old_ka;
	struct task_signal *s;
	int err;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	CURRENT_SIGNAL_OR_ENOMEM(s);
	if (act && copy_from_user(&new_ka, act, sizeof(new_ka)))
		return -EFAULT;
	err = do_sigaction(sig, act ? &new_ka : NULL, oact ? &old_ka : NULL);
	if (!err && oact && copy_to_user(oact, &old_ka, sizeof(old_ka)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const sigset_t __user *, nset,
		sigset_t __user *, oset, size_t, sigsetsize)
{
	struct task_signal *s;
	sigset_t old, new;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	CURRENT_SIGNAL_OR_ENOMEM(s);
	old = s->blocked;
	if (nset) {
		if (copy_from_user(&new, nset, sizeof(new)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: new = old | new; break;
		case SIG_UNBLOCK: new = old & ~new; break;
		case SIG_SETMASK: break;
		default: return -EINVAL;
		}
		set_current_blocked(new);
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, sigset_t __user *, uset, size_t, sigsetsize)
{
	struct task_signal *s;
	sigset_t set;
	unsigned long flags;

	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	CURRENT_SIGNAL_OR_ENOMEM(s);
	flags = spin_lock_irqsave(&s->sighand->siglock);
	set = (s->pending | s->group->shared_pending) & s->blocked;
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
	if (copy_to_user(uset, &set, sigsetsize))
		return -EFAULT;
	return 0;
}

/* Sleep until a signal that is not blocked is pending. Context: may sleep. */
static void sleep_until_signal(void)
{
	might_sleep();
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
}

SYSCALL_DEFINE0(pause)
{
	if (!current_signal())
		return -ENOMEM;
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

/*
 * Replace the mask and sleep until a signal comes. The old mask is put back
 * after the handler runs (the frame saves it, see sigmask_to_save), or by
 * do_signal at once when no handler runs.
 */
SYSCALL_DEFINE2(rt_sigsuspend, const sigset_t __user *, umask, size_t, sigsetsize)
{
	struct task_signal *s;
	sigset_t mask;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	CURRENT_SIGNAL_OR_ENOMEM(s);
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	s->saved_mask = s->blocked;
	s->restore_saved_mask = true;
	set_current_blocked(mask);
	sleep_until_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE2(sigaltstack, const struct user_stack __user *, uss,
		struct user_stack __user *, uoss)
{
	unsigned long sp = task_pt_regs(current)->rsp;
	struct user_stack ss, oss;
	struct task_signal *s;
	int err;

	CURRENT_SIGNAL_OR_ENOMEM(s);
	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	err = do_sigaltstack(uss ? &ss : NULL, uoss ? &oss : NULL, sp);
	if (!err && uoss && copy_to_user(uoss, &oss, sizeof(oss)))
		return -EFAULT;
	return err;
}

static void siginfo_user(struct kernel_siginfo *info, int sig, int code)
{
	siginfo_kernel(info, sig, code);
	info->si_pid = current->tgid;
	info->si_uid = 0;
}

/* kill(0): the caller's process group, read under tasklist_lock. */
static int current_pgrp(void)
{
	unsigned long flags = tasklist_lock_irqsave();
	int pgrp = current->pgid;

	tasklist_unlock_irqrestore(flags);
	return pgrp;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	struct kernel_siginfo info;

	siginfo_user(&info, sig, SI_USER);
	if (pid > 0)
		return kill_one_info(pid, 0, sig, &info, true);
	if (pid == -1)
		return kill_group_info(0, sig, &info);
	if (pid == 0)
		pid = -current_pgrp();
	if (pid >= 0 || pid == INT_MIN)         /* no group, or -pid overflows */
		return -ESRCH;
	return kill_group_info(-pid, sig, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	struct kernel_siginfo info;

	if (tid <= 0)
		return -EINVAL;
	siginfo_user(&info, sig, SI_TKILL);
	return kill_one_info(tid, 0, sig, &info, false);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	struct kernel_siginfo info;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	siginfo_user(&info, sig, SI_TKILL);
	return kill_one_info(tid, tgid, sig, &info, false);
}
