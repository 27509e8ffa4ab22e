/*
 * rt_sigtimedwait: take a signal out of the pending sets without running
 * its handler (sigwait, sigwaitinfo, sigtimedwait).
 *
 * The caller normally blocks the signals it waits for. While it sleeps
 * they are unblocked (so that their arrival wakes it, through the usual
 * signal_pending() test), and the old mask is back before it returns; the
 * signal is dequeued under siglock, so no handler ever sees it. Any other
 * signal that is not blocked ends the wait with -EINTR and is delivered
 * on the way out, as on Linux.
 *
 * Locks: siglock (irqsave) around the mask change and the dequeue (the
 * lock order of kernel/signal.c); the sleep holds nothing.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <asm/uaccess.h>

/* Dequeue one of @these (the thread's own first). Context: siglock held. */
static int dequeue_one_of_locked(struct task_signal *s, sigset_t these,
				 struct kernel_siginfo *info)
{
	sigset_t saved = s->blocked;
	int sig;

	s->blocked = ~these;            /* what dequeue_signal_locked skips */
	sig = dequeue_signal_locked(s, info);
	s->blocked = saved;
	if (sig)
		sigdelset(&s->forced, sig);
	return sig;
}

/* Sleep until a signal that is not blocked is pending or @deadline (ns,
 * ~0: none). Returns true at the deadline. Context: may sleep. */
static bool sleep_for_signal(u64 deadline)
{
	bool timed_out = false;

	might_sleep();
	for (;;) {
		u64 now;

		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current))
			break;
		now = ktime_get_ns();
		if (now >= deadline) {
			timed_out = true;
			break;
		}
		if (deadline == ~0ULL)
			schedule();
		else
			schedule_timeout((long)DIV_ROUND_UP(min(deadline - now, NSEC_PER_SEC * 3600),
							    NSEC_PER_TICK));
	}
	set_current_state(TASK_RUNNING);
	return timed_out;
}

SYSCALL_DEFINE4(rt_sigtimedwait, const sigset_t __user *, uthese,
		struct user_siginfo __user *, uinfo, const struct timespec __user *, uts,
		size_t, sigsetsize)
{
	struct kernel_siginfo info;
	struct task_signal *s;
	u64 deadline = ~0ULL;
	sigset_t these, saved;
	unsigned long flags;
	bool timed_out = false;
	int sig;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&these, uthese, sizeof(these)))
		return -EFAULT;
	these &= ~SIG_UNBLOCKABLE;
	if (uts) {
		struct timespec ts;

		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (!timespec_valid(&ts))
			return -EINVAL;
		deadline = ktime_get_ns() + min(timespec_to_ns(&ts), NSEC_PER_SEC * 3600 * 24 * 365);
	}
	s = current_signal();
	if (!s)
		return -ENOMEM;

	flags = spin_lock_irqsave(&s->sighand->siglock);
	sig = dequeue_one_of_locked(s, these, &info);
	if (!sig && these) {
		saved = s->blocked;
		s->blocked &= ~these;
		spin_unlock_irqrestore(&s->sighand->siglock, flags);

		timed_out = sleep_for_signal(deadline);

		flags = spin_lock_irqsave(&s->sighand->siglock);
		s->blocked = saved;
		sig = dequeue_one_of_locked(s, these, &info);
		/* Process-wide ones of @these that came meanwhile and are
		 * blocked again: another thread may take them. */
		if (s->group->shared_pending & these & saved)
			retarget_shared_locked(s, s->group->shared_pending & these & saved);
	} else if (!sig) {
		timed_out = true;               /* an empty set: only the clock ends it */
		spin_unlock_irqrestore(&s->sighand->siglock, flags);
		if (!sleep_for_signal(deadline))
			return -EINTR;
		return -EAGAIN;
	}
	spin_unlock_irqrestore(&s->sighand->siglock, flags);
	if (!sig)
		return timed_out ? -EAGAIN : -EINTR;
	if (uinfo) {
		struct user_siginfo u;

		siginfo_to_user_layout(&u, &info);
		if (copy_to_user(uinfo, &u, sizeof(u)))
			return -EFAULT;
	}
	return sig;
}
