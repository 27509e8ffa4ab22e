/*
 * The life of signal state, per thread and per thread group: allocation
 * at fork and clone (what CLONE_SIGHAND and CLONE_THREAD share), a thread
 * joining and leaving its group, exit_group, execve's killing of the other
 * threads and unsharing of the handlers, the group's resource usage, and
 * the release. Sending and delivery are kernel/signal.c; docs/signals.md
 * and docs/process.md ("Threads") tell the story.
 *
 * Three structures (include/kernel/signal.h): struct task_signal per
 * thread, struct sighand_struct (handlers and siglock) shared by
 * CLONE_SIGHAND, struct signal_struct shared by a thread group. The two
 * shared ones are reference counted with atomic operations; the last
 * task_signal to go frees them.
 *
 * Locks: tasklist_lock -> siglock (a thread joins or leaves its group's
 * live list under both) -> rq->lock.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <asm/processor.h>

static void task_signal_init(struct task_signal *s, struct task_struct *t)
{
	memset(s, 0, sizeof(*s));
	s->task = t;
	INIT_LIST_HEAD(&s->thread_node);
	s->sas_ss_flags = SS_DISABLE;
}

static struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *sh = kzalloc(sizeof(*sh), GFP_KERNEL);

	if (sh) {
		sh->count = 1;
		spin_lock_init(&sh->siglock, "siglock");
	}
	return sh;
}

static void put_sighand(struct sighand_struct *sh)
{
	if (sh && __atomic_sub_fetch(&sh->count, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(sh);
}

static struct signal_struct *group_alloc(void)
{
	struct signal_struct *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return NULL;
	g->count = 1;
	INIT_LIST_HEAD(&g->thread_head);
	itimers_init(&g->itimers);
	for (int r = 0; r < RLIM_NLIMITS; r++)
		g->rlim[r].rlim_cur = g->rlim[r].rlim_max = RLIM_INFINITY;
	g->rlim[RLIMIT_NOFILE].rlim_cur = g->rlim[RLIMIT_NOFILE].rlim_max = 1024;
	g->rlim[RLIMIT_STACK].rlim_cur = 8UL << 20;
	g->rlim[RLIMIT_MEMLOCK].rlim_cur = g->rlim[RLIMIT_MEMLOCK].rlim_max = 8UL << 20; /* Linux 5.16+ */
	g->rlim[RLIMIT_NICE].rlim_cur = g->rlim[RLIMIT_NICE].rlim_max = 0;     /* no lowering nice */
	return g;
}

static void put_group(struct signal_struct *g)
{
	if (g && __atomic_sub_fetch(&g->count, 1, __ATOMIC_ACQ_REL) == 0) {
		itimers_exit(&g->itimers);
		kfree(g);
	}
}

/* Free a task_signal that owns references to its sighand and group. */
static void task_signal_free(struct task_signal *s)
{
	put_sighand(s->sighand);
	put_group(s->group);
	kfree(s);
}

struct task_signal *current_signal(void)
{
	struct task_struct *me = current;

	if (!me->signal) {
		struct task_signal *s = kmalloc(sizeof(*s), GFP_KERNEL);

		if (!s)
			return NULL;
		task_signal_init(s, me);
		s->sighand = sighand_alloc();
		s->group = group_alloc();
		if (!s->sighand || !s->group) {
			task_signal_free(s);
			return NULL;
		}
		/* Nobody can see the new group yet: no lock needed. */
		list_add_tail(&s->thread_node, &s->group->thread_head);
		s->group->live = 1;
		WRITE_ONCE(me->signal, s);
	}
	return me->signal;
}

int copy_signal_state(struct task_struct *child, struct task_struct *parent,
		      unsigned long clone_flags)
{
	struct task_signal *s = kmalloc(sizeof(*s), GFP_KERNEL);
	struct task_signal *ps = parent ? parent->signal : NULL;
	struct sighand_struct *psh = NULL;
	unsigned long flags = 0;

	if (!s)
		return -ENOMEM;
	task_signal_init(s, child);
	if (ps && (clone_flags & CLONE_SIGHAND)) {
		s->sighand = ps->sighand;       /* only the parent changes it: stable */
		__atomic_add_fetch(&s->sighand->count, 1, __ATOMIC_RELAXED);
	} else {
		s->sighand = sighand_alloc();
	}
	if (ps && (clone_flags & CLONE_THREAD)) {
		s->group = ps->group;           /* joins in signal_attach_thread */
		__atomic_add_fetch(&s->group->count, 1, __ATOMIC_RELAXED);
	} else {
		s->group = group_alloc();
	}
	if (!s->sighand || !s->group) {
		task_signal_free(s);
		return -ENOMEM;
	}
	if (!(clone_flags & CLONE_THREAD)) {
		/* A new process: its group is its own, not yet visible. */
		list_add_tail(&s->thread_node, &s->group->thread_head);
		s->group->live = 1;
		if (ps) {
			s->group->oom_score_adj = READ_ONCE(ps->group->oom_score_adj);
			/* (a plain load: the parent's setsid runs in the parent) */
			s->group->tty = ps->group->tty;
		}
	}
	if (ps) {
		flags = lock_sighand_irqsave(ps, &psh);
		if (!(clone_flags & CLONE_SIGHAND))
			memcpy(s->sighand->action, psh->action, sizeof(psh->action));
		if (!(clone_flags & CLONE_THREAD))
			memcpy(s->group->rlim, ps->group->rlim, sizeof(ps->group->rlim));
		s->blocked = ps->blocked;
		/* A task sharing the address space but not stopped like a
		 * vfork child (a thread) must not run on the parent's
		 * alternate stack: it starts with none, as on Linux. */
		if ((clone_flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
			s->sas_ss_sp = ps->sas_ss_sp;
			s->sas_ss_size = ps->sas_ss_size;
			s->sas_ss_flags = ps->sas_ss_flags;
		}
		unlock_sighand_irqrestore(psh, flags);
	}
	child->signal = s;
	return 0;
}

int signal_attach_thread(struct task_struct *p)
{
	struct task_signal *ms = current->signal, *s = p->signal;
	struct signal_struct *g = s->group;
	struct sighand_struct *sh;
	int err = 0;

	ASSERT_HELD_TASKLIST();
	sh = lock_sighand(ms);
	if (g->group_exit || fatal_signal_pending(current))
		err = -EINTR;
	else if (g->group_exec_task)
		err = -EAGAIN;
	if (!err) {
		list_add_tail(&s->thread_node, &g->thread_head);
		g->live++;
	}
	spin_unlock(&sh->siglock);
	return err;
}

static void add_task_usage(struct task_usage *u, const struct task_struct *t)
{
	u->utime_ticks += t->utime_ticks;
	u->stime_ticks += t->stime_ticks;
	u->min_flt += t->min_flt;
	u->maj_flt += t->maj_flt;
	u->nvcsw += t->nvcsw;
	u->nivcsw += t->nivcsw;
}

void thread_group_usage(struct task_struct *t, struct task_usage *u)
{
	struct task_signal *s = t->signal, *ts;
	struct sighand_struct *sh;
	unsigned long flags;

	memset(u, 0, sizeof(*u));
	if (!s) {
		add_task_usage(u, t);
		return;
	}
	flags = lock_sighand_irqsave(s, &sh);
	*u = s->group->dead;
	list_for_each_entry(ts, &s->group->thread_head, thread_node)
		add_task_usage(u, ts->task);
	unlock_sighand_irqrestore(sh, flags);
}

int signal_exit_thread(struct task_struct *me, int *group_status)
{
	struct task_signal *s = me->signal;
	struct signal_struct *g = s->group;
	struct sighand_struct *sh;
	int live;

	ASSERT_HELD_TASKLIST();
	sh = lock_sighand(s);
	if (!list_empty(&s->thread_node)) {
		list_del_init(&s->thread_node);
		g->live--;
		add_task_usage(&g->dead, me);   /* (a few more ticks may follow) */
	}
	if (g->shared_pending)
		retarget_shared_locked(s, g->shared_pending);
	if (g->group_exec_task && g->group_exec_task != me)
		wake_up_process(g->group_exec_task);
	*group_status = g->group_exit ? g->group_exit_code : -1;
	live = g->live;
	spin_unlock(&sh->siglock);
	return live;
}

bool thread_group_dead(struct task_struct *t)
{
	ASSERT_HELD_TASKLIST();
	return !t->signal || READ_ONCE(t->signal->group->live) == 0;
}

void signal_wake_exec_task(struct task_struct *t)
{
	struct task_signal *s = t->signal;
	struct sighand_struct *sh;
	unsigned long flags;

	if (!s)
		return;
	flags = lock_sighand_irqsave(s, &sh);
	if (s->group->group_exec_task)
		wake_up_process(s->group->group_exec_task);
	unlock_sighand_irqrestore(sh, flags);
}

void flush_signal_handlers(struct task_struct *t)
{
	struct task_signal *s = t->signal;
	struct sighand_struct *sh;
	unsigned long flags;

	if (!s)
		return;
	flags = lock_sighand_irqsave(s, &sh);
	for (int sig = 1; sig <= _NSIG; sig++) {
		struct k_sigaction *ka = sig_action(s, sig);

		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	unlock_sighand_irqrestore(sh, flags);
	s->sas_ss_sp = 0;
	s->sas_ss_size = 0;
	s->sas_ss_flags = SS_DISABLE;
}

int unshare_sighand(void)
{
	struct task_signal *s = current->signal;
	struct sighand_struct *old, *new;
	unsigned long flags;

	if (!s || __atomic_load_n(&s->sighand->count, __ATOMIC_ACQUIRE) == 1)
		return 0;
	new = sighand_alloc();
	if (!new)
		return -ENOMEM;
	/* Senders lock the old one and recheck the pointer (lock_sighand):
	 * switching it under the old lock serialises with every one of them. */
	flags = lock_sighand_irqsave(s, &old);
	memcpy(new->action, old->action, sizeof(old->action));
	WRITE_ONCE(s->sighand, new);
	unlock_sighand_irqrestore(old, flags);
	put_sighand(old);
	return 0;
}

void free_signal_state(struct task_struct *t)
{
	struct task_signal *s = t->signal;

	if (!s)
		return;
	if (!list_empty(&s->thread_node)) {
		/* Never exited as a thread (a ktest's task, an unborn child). */
		struct sighand_struct *sh;
		unsigned long flags = lock_sighand_irqsave(s, &sh);

		list_del_init(&s->thread_node);
		s->group->live--;
		unlock_sighand_irqrestore(sh, flags);
	}
	t->signal = NULL;
	task_signal_free(s);
}

/* ---- exit_group and execve ------------------------------------------------ */

void do_group_exit(int status)
{
	struct task_struct *me = current;
	struct task_signal *s = me->signal;

	if (s && me->is_process) {
		unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);
		struct signal_struct *g = s->group;

		if (g->group_exit)
			status = g->group_exit_code;    /* the first one wins */
		else if (!g->group_exec_task)
			zap_group_locked(g, status, me);
		/* else: execve's de_thread is killing us; the group lives on */
		spin_unlock_irqrestore(&s->sighand->siglock, flags);
	}
	do_exit(status);
}

int zap_other_threads_for_exec(void)
{
	struct task_struct *me = current;
	struct task_signal *s = me->signal, *ts;
	struct signal_struct *g = s->group;
	unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);
	struct kernel_siginfo info;
	int err = 0;

	if (g->group_exit || g->group_exec_task) {
		err = -EAGAIN;                  /* dying already, or another exec */
	} else {
		g->group_exec_task = me;
		siginfo_kernel(&info, SIGKILL, SI_KERNEL);
		list_for_each_entry(ts, &g->thread_head, thread_node) {
			if (ts->task == me)
				continue;
			ts->info[SIGKILL - 1] = info;
			sigaddset(&ts->pending, SIGKILL);
			signal_wake_up(ts->task);
		}
	}
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
	return err;
}

void exec_zap_done(void)
{
	struct task_signal *s = current->signal;
	unsigned long flags = spin_lock_irqsave(&s->sighand->siglock);

	if (s->group->group_exec_task == current)
		s->group->group_exec_task = NULL;
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
}

