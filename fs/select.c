/*
 * poll, ppoll, select and pselect6: wait until one of several files can
 * be read or written without blocking (include/fs/poll.h).
 *
 * What this file owns: the poll_table of one waiting task, the wait-queue
 * entries it queued, and the references to the files it polls.
 *
 * How a wait works (poll_files):
 *  1. The first pass asks every file's ->poll with the task's poll_table,
 *     through which the file queues one entry for this task on each wait
 *     queue it announces changes on (poll_wait). The pass runs
 *     TASK_RUNNING, so it may allocate the entries.
 *  2. While nothing is ready, each further pass first sets the task
 *     TASK_INTERRUPTIBLE, then asks every file again, without a table.
 *     A waker changes the file's state before its wake_up(); so either
 *     the pass sees the change, or the wake_up() comes after the state
 *     was set and makes the task runnable again, and the schedule() that
 *     follows returns at once: no wake-up is lost. (set_current_state's
 *     full barrier orders the state store before the pass's loads; it
 *     pairs with the waker's store of the condition before it takes the
 *     wait queue's lock in wake_up().)
 *  3. At the end every entry comes off its queue and the files are put.
 * The files are held from the first pass to the end, so a close() in
 * another thread cannot free a wait queue an entry is still on.
 *
 * Locks: a wait queue's lock (irqsave: wakers may be interrupt handlers),
 * alone, to add or remove an entry. ->poll takes no sleeping lock, so a
 * pass never sleeps, which keeps the task's sleeping state until
 * schedule().
 *
 * Interrupted by a signal, select, pselect6 and ppoll write the time left
 * back and return -ERESTARTNOHAND (restarted when no handler runs, with
 * that time, as on Linux); poll with no timeout is restarted the same
 * way, and poll with one returns -EINTR (Linux restarts it through a
 * restart block with the time left, which Faultline does not have:
 * docs/signals.md).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <mm/slab.h>
#include <asm/page.h>
#include <asm/uaccess.h>

/* What select's three sets mean in POLL* bits (Linux's). */
#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  (POLLPRI)

/* One queued entry: this task on @wq. */
struct poll_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *wq;
};

/* Entries come a page at a time. */
struct poll_page {
	struct poll_page *next;
	unsigned int nr;
	struct poll_entry entries[];
};

#define POLL_PAGE_ENTRIES ((PAGE_SIZE - sizeof(struct poll_page)) / sizeof(struct poll_entry))

struct poll_table {
	struct poll_page *pages;
	int error;                      /* -ENOMEM: an entry could not be had */
};

/* One file being waited on. */
struct poll_file {
	struct file *file;              /* referenced; NULL: skipped (or @nval) */
	unsigned int events;            /* the answers that make it ready */
	unsigned int revents;           /* the last pass's answer, filtered */
	unsigned int fd;                /* select: which bit it answers for */
	bool nval;                      /* poll: an fd that is not open */
};

void poll_wait(struct file *file, struct wait_queue_head *wq, struct poll_table *pt)
{
	struct poll_page *pg;
	struct poll_entry *e;
	unsigned long flags;

	if (!pt || !wq)
		return;
	pg = pt->pages;
	if (!pg || pg->nr == POLL_PAGE_ENTRIES) {
		pg = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!pg) {
			pt->error = -ENOMEM;
			return;
		}
		pg->nr = 0;
		pg->next = pt->pages;
		pt->pages = pg;
	}
	e = &pg->entries[pg->nr++];
	e->wq = wq;
	e->wait.task = current;
	flags = spin_lock_irqsave(&wq->lock);
	list_add_tail(&e->wait.entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Take every entry off its queue and free the table's pages. */
static void poll_freewait(struct poll_table *pt)
{
	struct poll_page *pg = pt->pages, *next;

	for (; pg; pg = next) {
		next = pg->next;
		for (unsigned int i = 0; i < pg->nr; i++) {
			struct poll_entry *e = &pg->entries[i];
			unsigned long flags = spin_lock_irqsave(&e->wq->lock);

			list_del(&e->wait.entry);
			spin_unlock_irqrestore(&e->wq->lock, flags);
		}
		kfree(pg);
	}
	pt->pages = NULL;
}

unsigned int vfs_poll(struct file *file, struct poll_table *pt)
{
	if (!file->f_op || !file->f_op->poll)
		return DEFAULT_POLLMASK;
	return file->f_op->poll(file, pt);
}

/* Ask every file once; returns how many are ready. */
static int poll_pass(struct poll_file *pf, unsigned int n, struct poll_table *pt)
{
	int count = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (pf[i].nval) {
			pf[i].revents = POLLNVAL;
			count++;
			continue;
		}
		if (!pf[i].file)
			continue;
		pf[i].revents = vfs_poll(pf[i].file, pt) & pf[i].events;
		if (pf[i].revents)
			count++;
	}
	return count;
}

/*
 * Wait until a file of @pf is ready, the monotonic clock reaches
 * @deadline (ns; 0: do not wait; ~0: no limit) or a signal comes
 * (*@interrupted). Returns the number ready (each one's revents set), 0,
 * or -ENOMEM when nothing was ready and the queues could not all be
 * joined. Context: may sleep.
 */
static int poll_files(struct poll_file *pf, unsigned int n, u64 deadline, bool *interrupted)
{
	struct poll_table table = { NULL, 0 };
	int count;

	might_sleep();
	*interrupted = false;
	count = poll_pass(pf, n, deadline ? &table : NULL);
	while (!count && !table.error && deadline) {
		u64 now;

		set_current_state(TASK_INTERRUPTIBLE);
		count = poll_pass(pf, n, NULL);
		if (count)
			break;
		if (signal_pending(current)) {
			*interrupted = true;
			break;
		}
		now = ktime_get_ns();
		if (now >= deadline)
			break;
		if (deadline == ~0ULL)
			schedule();
		else
			schedule_timeout((long)DIV_ROUND_UP(min(deadline - now, NSEC_PER_SEC * 3600),
							    NSEC_PER_TICK));
	}
	set_current_state(TASK_RUNNING);
	poll_freewait(&table);
	if (!count && table.error && !*interrupted)
		return table.error;
	return count;
}

static void put_poll_files(struct poll_file *pf, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (pf[i].file)
			fput(pf[i].file);
	kfree(pf);
}

/* A relative timeout in ns as a deadline (0 stays 0: do not wait). */
static u64 deadline_after(u64 ns)
{
	u64 now = ktime_get_ns();

	if (!ns)
		return 0;
	return ns > ~0ULL - 1 - now ? ~0ULL - 1 : now + ns;
}

static u64 time_left(u64 deadline)
{
	u64 now = ktime_get_ns();

	return deadline > now ? deadline - now : 0;
}

/* ppoll/pselect6's temporary signal mask: in force while waiting, and
 * after a signal until its handler has run (as sigsuspend's). */
static int set_user_sigmask(const sigset_t __user *umask, size_t size)
{
	struct task_signal *s;
	sigset_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	s = current_signal();
	if (!s)
		return -ENOMEM;
	s->saved_mask = s->blocked;
	s->restore_saved_mask = true;
	set_current_blocked(mask);
	return 0;
}

/* Put the old mask back now, unless a signal's delivery will. */
static void restore_user_sigmask(bool interrupted)
{
	if (!interrupted)
		restore_saved_sigmask();
}

/* ---- poll, ppoll ------------------------------------------------------------------- */

struct pollfd {
	int fd;
	short events;
	short revents;
};

static int do_sys_poll(struct pollfd __user *ufds, unsigned int nfds, u64 deadline,
		       bool *interrupted)
{
	struct pollfd *kfds = NULL;
	struct poll_file *pf = NULL;
	int ret;

	*interrupted = false;
	if (nfds > task_rlimit(current, RLIMIT_NOFILE))
		return -EINVAL;
	if (nfds) {
		kfds = kmalloc(nfds * sizeof(*kfds), GFP_KERNEL);
		pf = kzalloc(nfds * sizeof(*pf), GFP_KERNEL);
		ret = -ENOMEM;
		if (!kfds || !pf)
			goto out;
		ret = -EFAULT;
		if (copy_from_user(kfds, ufds, nfds * sizeof(*kfds)))
			goto out;
	}
	for (unsigned int i = 0; i < nfds; i++) {
		if (kfds[i].fd < 0)
			continue;                       /* ignored, revents 0 */
		pf[i].file = fget((unsigned int)kfds[i].fd);
		pf[i].nval = !pf[i].file;
		pf[i].events = (unsigned short)kfds[i].events | POLLERR | POLLHUP;
	}
	ret = poll_files(pf, nfds, deadline, interrupted);
	if (ret >= 0) {
		for (unsigned int i = 0; i < nfds; i++) {
			short rev = (short)pf[i].revents;

			if (copy_to_user(&ufds[i].revents, &rev, sizeof(rev))) {
				ret = -EFAULT;
				break;
			}
		}
	}
out:
	if (pf)
		put_poll_files(pf, nfds);
	kfree(kfds);
	return ret;
}

SYSCALL_DEFINE3(poll, struct pollfd __user *, ufds, unsigned int, nfds, int, timeout_msecs)
{
	u64 deadline = timeout_msecs < 0 ? ~0ULL
					 : deadline_after((u64)timeout_msecs * NSEC_PER_MSEC);
	bool interrupted;
	int ret = do_sys_poll(ufds, nfds, deadline, &interrupted);

	if (interrupted)
		return timeout_msecs < 0 ? -ERESTARTNOHAND : -EINTR;
	return ret;
}

/* Write the time left before @deadline to @uts (ppoll, pselect6); false
 * if that faulted. */
static bool put_time_left_ts(struct timespec __user *uts, u64 deadline)
{
	struct timespec ts = ns_to_timespec(time_left(deadline));

	return !copy_to_user(uts, &ts, sizeof(ts));
}

/* A user timespec as a deadline: ~0 for none, -EINVAL/-EFAULT. */
static int get_deadline_ts(const struct timespec __user *uts, u64 *deadline)
{
	struct timespec ts;

	*deadline = ~0ULL;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (!timespec_valid(&ts))
		return -EINVAL;
	*deadline = deadline_after(timespec_to_ns(&ts));
	return 0;
}

SYSCALL_DEFINE5(ppoll, struct pollfd __user *, ufds, unsigned int, nfds,
		struct timespec __user *, tsp, const sigset_t __user *, sigmask,
		size_t, sigsetsize)
{
	bool interrupted;
	u64 deadline;
	int ret;

	ret = get_deadline_ts(tsp, &deadline);
	if (ret)
		return ret;
	ret = set_user_sigmask(sigmask, sigsetsize);
	if (ret)
		return ret;
	ret = do_sys_poll(ufds, nfds, deadline, &interrupted);
	restore_user_sigmask(interrupted);
	if (tsp && deadline != ~0ULL && !put_time_left_ts(tsp, deadline) && interrupted)
		return -EINTR;                  /* cannot be restarted with the time left */
	return interrupted ? -ERESTARTNOHAND : ret;
}

/* ---- select, pselect6 ---------------------------------------------------------------- */

#define FDSET_LONGS(n) DIV_ROUND_UP(n, 64)

/* Copy a set of @n fds in (NULL: empty). */
static int get_fd_set(unsigned long __user *uset, unsigned int n, unsigned long *set)
{
	size_t bytes = FDSET_LONGS(n) * sizeof(long);

	if (!uset) {
		memset(set, 0, bytes);
		return 0;
	}
	if (copy_from_user(set, uset, bytes))
		return -EFAULT;
	if (n % 64)                             /* bits past @n are not looked at */
		set[n / 64] &= (1UL << (n % 64)) - 1;
	return 0;
}

static bool fd_in(const unsigned long *set, unsigned int fd)
{
	return set[fd / 64] & (1UL << (fd % 64));
}

/*
 * select's core over @n fds (clamped to the fd table): the three sets
 * in and out. Returns the number of bits set in the results, 0 at the
 * deadline, -EBADF for a set fd that is not open, or another error.
 */
static int core_sys_select(int n, unsigned long __user *inp, unsigned long __user *outp,
			   unsigned long __user *exp, u64 deadline, bool *interrupted)
{
	unsigned long *sets;
	unsigned long *in, *out, *ex;
	struct poll_file *pf;
	unsigned int longs, nr = 0, k = 0;
	int ret;

	*interrupted = false;
	if (n < 0)
		return -EINVAL;
	if (n > NR_OPEN_MAX)
		n = NR_OPEN_MAX;
	longs = FDSET_LONGS((unsigned int)n);
	sets = kzalloc(3 * longs * sizeof(long) + 1, GFP_KERNEL);
	if (!sets)
		return -ENOMEM;
	in = sets;
	out = in + longs;
	ex = out + longs;
	if ((ret = get_fd_set(inp, n, in)) || (ret = get_fd_set(outp, n, out)) ||
	    (ret = get_fd_set(exp, n, ex)))
		goto free_sets;
	for (unsigned int i = 0; i < longs; i++)
		for (unsigned long w = in[i] | out[i] | ex[i]; w; w &= w - 1)
			nr++;                   /* one per set bit */
	pf = kzalloc(nr * sizeof(*pf) + 1, GFP_KERNEL);
	ret = -ENOMEM;
	if (!pf)
		goto free_sets;
	for (unsigned int fd = 0; fd < (unsigned int)n && k < nr; fd++) {
		unsigned int ev = (fd_in(in, fd) ? POLLIN_SET : 0) |
				  (fd_in(out, fd) ? POLLOUT_SET : 0) |
				  (fd_in(ex, fd) ? POLLEX_SET : 0);

		if (!ev)
			continue;
		pf[k].file = fget(fd);
		pf[k].events = ev;
		pf[k].fd = fd;
		if (!pf[k].file) {
			ret = -EBADF;
			goto put;
		}
		k++;
	}
	ret = poll_files(pf, nr, deadline, interrupted);
	if (ret < 0 || *interrupted)
		goto put;
	/* The results replace the sets: a bit stays where its kind is ready. */
	ret = 0;
	for (unsigned int i = 0; i < nr; i++) {
		unsigned int fd = pf[i].fd, rev = pf[i].revents;
		unsigned long bit = 1UL << (fd % 64);

		in[fd / 64] &= ~bit;
		out[fd / 64] &= ~bit;
		ex[fd / 64] &= ~bit;
		if (rev & POLLIN_SET & pf[i].events) {
			in[fd / 64] |= bit;
			ret++;
		}
		if (rev & POLLOUT_SET & pf[i].events) {
			out[fd / 64] |= bit;
			ret++;
		}
		if (rev & POLLEX_SET & pf[i].events) {
			ex[fd / 64] |= bit;
			ret++;
		}
	}
	if ((inp && copy_to_user(inp, in, longs * sizeof(long))) ||
	    (outp && copy_to_user(outp, out, longs * sizeof(long))) ||
	    (exp && copy_to_user(exp, ex, longs * sizeof(long))))
		ret = -EFAULT;
put:
	put_poll_files(pf, nr);
free_sets:
	kfree(sets);
	return ret;
}

SYSCALL_DEFINE5(select, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct timeval __user *, tvp)
{
	u64 deadline = ~0ULL;
	bool interrupted;
	int ret;

	if (tvp) {
		struct timeval tv;
		struct timespec ts;

		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		/* Linux folds whole seconds of tv_usec into tv_sec first. */
		ts.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
		ts.tv_nsec = (tv.tv_usec % 1000000) * 1000;
		if (!timespec_valid(&ts))
			return -EINVAL;
		deadline = deadline_after(timespec_to_ns(&ts));
	}
	ret = core_sys_select(n, inp, outp, exp, deadline, &interrupted);
	if (tvp && deadline != ~0ULL && (ret >= 0 || interrupted)) {
		u64 left = time_left(deadline);
		struct timeval tv = { (long)(left / NSEC_PER_SEC),
				      (long)(left % NSEC_PER_SEC / NSEC_PER_USEC) };

		/* A read-only timeval is no error after the fact, but then
		 * the call cannot be restarted with the time left. */
		if (copy_to_user(tvp, &tv, sizeof(tv)) && interrupted)
			return -EINTR;
	}
	return interrupted ? -ERESTARTNOHAND : ret;
}

/* pselect6's sixth argument points at this. */
struct sigset_argpack {
	const sigset_t __user *p;
	size_t size;
};

SYSCALL_DEFINE6(pselect6, int, n, unsigned long __user *, inp, unsigned long __user *, outp,
		unsigned long __user *, exp, struct timespec __user *, tsp,
		const struct sigset_argpack __user *, usig)
{
	struct sigset_argpack pack = { NULL, 0 };
	bool interrupted;
	u64 deadline;
	int ret;

	ret = get_deadline_ts(tsp, &deadline);
	if (ret)
		return ret;
	if (usig && copy_from_user(&pack, usig, sizeof(pack)))
		return -EFAULT;
	ret = set_user_sigmask(pack.p, pack.size);
	if (ret)
		return ret;
	ret = core_sys_select(n, inp, outp, exp, deadline, &interrupted);
	restore_user_sigmask(interrupted);
	if (tsp && deadline != ~0ULL && (ret >= 0 || interrupted) &&
	    !put_time_left_ts(tsp, deadline) && interrupted)
		return -EINTR;
	return interrupted ? -ERESTARTNOHAND : ret;
}
