/*
 * Interval timers: alarm, getitimer, setitimer (include/kernel/itimer.h).
 *
 * What this file owns: every thread group's struct group_itimers, and
 * itimer_list, the groups whose ITIMER_REAL is armed.
 *
 * ITIMER_REAL is checked by CPU 0's tick against the monotonic clock:
 * the expired ones are rearmed (or taken off the list) under itimer_lock,
 * then, with the lock dropped, SIGALRM goes to the process found by its
 * tgid under tasklist_lock, if that is still the same group (the group
 * pointer is only compared, never followed: it may have been freed).
 * Several periods missed at once give one signal, as on Linux.
 *
 * ITIMER_VIRTUAL and ITIMER_PROF count down by one tick from the tick of
 * whichever CPU runs a thread of the process, in user mode (VIRTUAL) or
 * in either (PROF), as Linux's tick-based accounting does; the signal
 * goes to the process, through the thread that was running.
 *
 * Locks: itimer_lock (a spinlock, irqsave: the ticks take it) is a leaf:
 * nothing is taken inside it. The tick takes tasklist_lock (irqsave
 * everywhere, so an interrupt may) and siglock only after dropping it.
 * Lock order: tasklist_lock -> siglock -> itimer_lock (setitimer and
 * the group's release take it alone).
 */
#include <kernel/errno.h>
#include <kernel/itimer.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <asm/uaccess.h>

static DEFINE_SPINLOCK(itimer_lock);
static LIST_HEAD(itimer_list);          /* (itimer_lock) groups with ITIMER_REAL armed */

struct itimerval {
	struct timeval it_interval;
	struct timeval it_value;
};

void itimers_init(struct group_itimers *it)
{
	memset(it, 0, sizeof(*it));
	INIT_LIST_HEAD(&it->real_node);
}

void itimers_exit(struct group_itimers *it)
{
	unsigned long flags = spin_lock_irqsave(&itimer_lock);

	list_del_init(&it->real_node);
	it->real_expires = 0;
	spin_unlock_irqrestore(&itimer_lock, flags);
}

/* Send @sig to process @tgid if it is still the one whose timers are
 * @it. Context: any; takes tasklist_lock. */
static void itimer_signal(int tgid, const struct group_itimers *it, int sig)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(tgid);

	if (t && t->signal && &t->signal->group->itimers == it)
		send_group_signal_info(sig, NULL, t);
	tasklist_unlock_irqrestore(flags);
}

void itimer_real_tick(void)
{
	struct { int tgid; const struct group_itimers *it; } due[8];
	struct group_itimers *it, *next;
	unsigned int n = 0;
	u64 now;

	if (list_empty(&itimer_list))           /* unlocked peek: the next tick sees a new one */
		return;
	now = ktime_get_ns();
	spin_lock(&itimer_lock);
	list_for_each_entry_safe(it, next, &itimer_list, real_node) {
		if (it->real_expires > now)
			continue;
		if (n == ARRAY_SIZE(due))
			break;                  /* the rest at the next tick */
		due[n].tgid = it->real_tgid;
		due[n++].it = it;
		if (it->real_interval) {
			it->real_expires += it->real_interval;
			if (it->real_expires <= now)    /* periods missed: one signal */
				it->real_expires = now + it->real_interval;
		} else {
			it->real_expires = 0;
			list_del_init(&it->real_node);
		}
	}
	spin_unlock(&itimer_lock);
	for (unsigned int i = 0; i < n; i++)
		itimer_signal(due[i].tgid, due[i].it, SIGALRM);
}

void itimer_account_tick(struct task_struct *t, bool user)
{
	static const int sigs[2] = { SIGVTALRM, SIGPROF };
	struct task_signal *s = READ_ONCE(t->signal);
	struct group_itimers *it;
	bool fire[2] = { false, false };

	if (!s || !READ_ONCE(s->group->itimers.cpu_armed))
		return;
	it = &s->group->itimers;
	spin_lock(&itimer_lock);
	for (int i = 0; i < 2; i++) {
		if (!it->cpu_left[i] || (i == 0 && !user))
			continue;
		if (it->cpu_left[i] > NSEC_PER_TICK) {
			it->cpu_left[i] -= NSEC_PER_TICK;
			continue;
		}
		fire[i] = true;
		it->cpu_left[i] = it->cpu_interval[i];
	}
	it->cpu_armed = it->cpu_left[0] || it->cpu_left[1];
	spin_unlock(&itimer_lock);
	for (int i = 0; i < 2; i++)
		if (fire[i])
			send_group_signal_info(sigs[i], NULL, t);  /* t is current: allocated */
}

/* ---- the system calls ------------------------------------------------------------------ */

static bool timeval_valid(const struct timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < 1000000;
}

static u64 timeval_to_ns(const struct timeval *tv)
{
	if ((u64)tv->tv_sec >= ~0ULL / NSEC_PER_SEC - 1)
		return ~0ULL / 2;
	return (u64)tv->tv_sec * NSEC_PER_SEC + (u64)tv->tv_usec * NSEC_PER_USEC;
}

static struct timeval ns_to_timeval(u64 ns)
{
	return (struct timeval){ (long)(ns / NSEC_PER_SEC),
				 (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
}

/* A CPU timer runs in whole ticks: round a nonzero time up to one. */
static u64 round_to_tick(u64 ns)
{
	return ns ? DIV_ROUND_UP(ns, NSEC_PER_TICK) * NSEC_PER_TICK : 0;
}

/* Read timer @which of @it into @val. Context: itimer_lock held. */
static void itimer_read_locked(struct group_itimers *it, int which, struct itimerval *val)
{
	u64 value, interval;

	if (which == ITIMER_REAL) {
		u64 now = ktime_get_ns();

		value = it->real_expires;
		if (value)                      /* expired, not yet sent: 1 µs, as Linux */
			value = value > now ? value - now : NSEC_PER_USEC;
		interval = it->real_interval;
	} else {
		value = it->cpu_left[which - 1];
		interval = it->cpu_interval[which - 1];
	}
	val->it_value = ns_to_timeval(value);
	if (value && !val->it_value.tv_sec && !val->it_value.tv_usec)
		val->it_value.tv_usec = 1;      /* armed: never reads as disarmed */
	val->it_interval = ns_to_timeval(interval);
}

/*
 * Set timer @which of the current process to @val (NULL: disarm) and
 * return the old setting in @old. Returns 0, -EINVAL or -ENOMEM.
 */
static int do_setitimer(int which, const struct itimerval *val, struct itimerval *old)
{
	struct task_signal *s = current_signal();
	struct group_itimers *it;
	u64 value = 0, interval = 0;
	unsigned long flags;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	if (val) {
		if (!timeval_valid(&val->it_value) || !timeval_valid(&val->it_interval))
			return -EINVAL;
		value = timeval_to_ns(&val->it_value);
		interval = timeval_to_ns(&val->it_interval);
	}
	if (!s)
		return -ENOMEM;
	it = &s->group->itimers;
	flags = spin_lock_irqsave(&itimer_lock);
	if (old)
		itimer_read_locked(it, which, old);
	if (which == ITIMER_REAL) {
		list_del_init(&it->real_node);
		it->real_expires = 0;
		it->real_interval = interval;
		if (value) {
			it->real_expires = ktime_get_ns() + value;
			it->real_tgid = current->tgid;
			list_add_tail(&it->real_node, &itimer_list);
		}
	} else {
		it->cpu_left[which - 1] = round_to_tick(value);
		it->cpu_interval[which - 1] = round_to_tick(interval);
		WRITE_ONCE(it->cpu_armed, it->cpu_left[0] || it->cpu_left[1]);
	}
	spin_unlock_irqrestore(&itimer_lock, flags);
	return 0;
}

SYSCALL_DEFINE2(getitimer, int, which, struct itimerval __user *, uval)
{
	struct task_signal *s;
	struct itimerval val;
	unsigned long flags;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	s = current_signal();
	if (!s)
		return -ENOMEM;
	flags = spin_lock_irqsave(&itimer_lock);
	itimer_read_locked(&s->group->itimers, which, &val);
	spin_unlock_irqrestore(&itimer_lock, flags);
	return copy_to_user(uval, &val, sizeof(val)) ? -EFAULT : 0;
}

/* A NULL new value disarms, as Linux has done since 2.6.x (with a
 * warning there, which Faultline does not print). */
SYSCALL_DEFINE3(setitimer, int, which, const struct itimerval __user *, unew,
		struct itimerval __user *, uold)
{
	struct itimerval val, old;
	int err;

	if (unew && copy_from_user(&val, unew, sizeof(val)))
		return -EFAULT;
	err = do_setitimer(which, unew ? &val : NULL, uold ? &old : NULL);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/* The seconds an old ITIMER_REAL had left, as alarm() reports them:
 * rounded to the nearest second, and never 0 for an armed one. */
SYSCALL_DEFINE1(alarm, unsigned int, seconds)
{
	struct itimerval val = { { 0, 0 }, { (long)seconds, 0 } }, old;
	long left;

	if (do_setitimer(ITIMER_REAL, &val, &old))
		return 0;
	left = old.it_value.tv_sec;
	if ((!left && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		left++;
	return left;
}
