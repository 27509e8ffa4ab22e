/*
 * File locks: POSIX record locks (fcntl F_GETLK, F_SETLK, F_SETLKW),
 * open-file-description locks (F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW)
 * and flock(2), with Linux's semantics.
 *
 * What this file owns: each inode's lock context (inode->i_flctx, made at
 * the first lock and freed with the inode): its list of byte-range locks
 * and its list of flock locks, and a wait queue for the tasks waiting on
 * either. And blocked_list, the POSIX owners waiting in F_SETLKW, for the
 * deadlock check.
 *
 * Owners. A POSIX lock belongs to the process (its files_struct, as in
 * Linux): any close() by that process of any descriptor of the file drops
 * all its locks on the file, and a fork child has none. An OFD lock and a
 * flock lock belong to the open file description (struct file): they are
 * shared by dup() and fork and go when its last reference does. Record
 * locks of either kind conflict with each other by range and type; flock
 * locks only with flock locks, as on Linux.
 *
 * A lock is [start, end] in bytes, end OFFSET_MAX meaning "to the end of
 * the file, however long it grows". An owner's locks never overlap each
 * other: setting one replaces what the owner had under its range, splits
 * what straddles it, and merges adjacent locks of the same type.
 *
 * Waiting. A blocked F_SETLKW or flock sleeps interruptibly on the
 * context's wait queue and retries after every unlock (wake_up). Before
 * sleeping a POSIX waiter records what it waits for in blocked_list; if
 * the owner it waits for is itself waiting, transitively, for the waiter,
 * the call fails with EDEADLK instead (Linux's posix_locks_deadlock).
 *
 * Locks: ctx->lock (a spinlock) covers a context's lists; blocked_lock
 * (spinlock) covers blocked_list and is taken inside ctx->lock. Neither
 * is held across a sleep or a user copy. Lock order: ctx->lock ->
 * blocked_lock -> wait-queue locks.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/locks.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define OFFSET_MAX      ((loff_t)0x7fffffffffffffffLL)

#define F_RDLCK         0
#define F_WRLCK         1
#define F_UNLCK         2

#define LOCK_SH         1
#define LOCK_EX         2
#define LOCK_NB         4
#define LOCK_UN         8

struct file_lock_context {
	spinlock_t lock;
	struct list_head posix;         /* (lock) struct file_lock: POSIX and OFD */
	struct list_head flock;         /* (lock) struct file_lock: flock */
	struct wait_queue_head wait;    /* tasks waiting for a lock of this inode */
};

struct file_lock {
	struct list_head list;          /* (ctx->lock) */
	void *owner;                    /* files_struct (POSIX) or struct file (OFD, flock) */
	int type;                       /* F_RDLCK or F_WRLCK */
	loff_t start, end;              /* inclusive; end OFFSET_MAX: to EOF */
	int pid;                        /* F_GETLK's l_pid: the process; -1 for OFD */
	bool ofd;
};

/* A POSIX owner waiting in F_SETLKW, and the owner it waits for. */
struct lock_waiter {
	struct list_head list;          /* (blocked_lock) */
	void *owner, *waits_for;
};

static DEFINE_SPINLOCK(blocked_lock);
static LIST_HEAD(blocked_list);

/* struct flock, Linux x86-64 layout. */
struct user_flock {
	short l_type;
	short l_whence;
	loff_t l_start;
	loff_t l_len;
	int l_pid;
};

/* ---- contexts ----------------------------------------------------------------------- */

static struct file_lock_context *get_context(struct inode *inode, bool create)
{
	struct file_lock_context *ctx = __atomic_load_n(&inode->i_flctx, __ATOMIC_ACQUIRE), *none = NULL;

	if (ctx || !create)
		return ctx;
	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	spin_lock_init(&ctx->lock, "file_lock_context.lock");
	INIT_LIST_HEAD(&ctx->posix);
	INIT_LIST_HEAD(&ctx->flock);
	init_waitqueue_head(&ctx->wait, "file_lock_context.wait");
	/* Published whole (release) to the lockless acquire load above;
	 * a racing creator's copy loses and is freed. */
	if (!__atomic_compare_exchange_n(&inode->i_flctx, &none, ctx, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		kfree(ctx);
		ctx = none;
	}
	return ctx;
}

void locks_free_inode(struct inode *inode)
{
	struct file_lock_context *ctx = inode->i_flctx;
	struct file_lock *fl, *n;

	if (!ctx)
		return;
	/* Every file of the inode is gone, so every lock should be too. */
	list_for_each_entry_safe(fl, n, &ctx->posix, list)
		kfree(fl);
	list_for_each_entry_safe(fl, n, &ctx->flock, list)
		kfree(fl);
	kfree(ctx);
	inode->i_flctx = NULL;
}

/* ---- ranges ---------------------------------------------------------------------------- */

static bool overlap(const struct file_lock *a, loff_t start, loff_t end)
{
	return a->start <= end && start <= a->end;
}

static bool conflicts(const struct file_lock *held, const struct file_lock *want)
{
	return held->owner != want->owner && overlap(held, want->start, want->end) &&
	       (held->type == F_WRLCK || want->type == F_WRLCK);
}

/* The first lock of another owner that @want conflicts with. Context:
 * ctx->lock held. */
static struct file_lock *find_conflict(struct list_head *head, const struct file_lock *want)
{
	struct file_lock *fl;

	list_for_each_entry(fl, head, list)
		if (conflicts(fl, want))
			return fl;
	return NULL;
}

/*
 * Give @want's owner exactly @want's type over [start, end] (F_UNLCK:
 * nothing), keeping its other locks: pieces outside the range stay,
 * straddling locks are split, same-type neighbours merge. Needs up to two
 * spare records (@spare[0..1], taken as used and set to NULL). Context:
 * ctx->lock held.
 */
static void apply_range(struct list_head *head, struct file_lock *want, struct file_lock **spare)
{
	loff_t start = want->start, end = want->end;
	struct file_lock *fl, *n;
	bool placed = false;

	/* Merge same-type locks touching or overlapping the range into it. */
	if (want->type != F_UNLCK) {
		list_for_each_entry_safe(fl, n, head, list) {
			if (fl->owner != want->owner || fl->type != want->type)
				continue;
			if (fl->end < start - 1 && start > 0)
				continue;
			if (end != OFFSET_MAX && fl->start > end + 1)
				continue;
			if (fl->start < start)
				start = fl->start;
			if (fl->end > end)
				end = fl->end;
			list_del(&fl->list);
			kfree(fl);
		}
	}
	/* Cut what the owner has under [start, end]. */
	list_for_each_entry_safe(fl, n, head, list) {
		if (fl->owner != want->owner || !overlap(fl, start, end))
			continue;
		if (fl->start < start && fl->end > end) {
			/* Straddles the range: keep both ends. */
			struct file_lock *tail = spare[0] ? spare[0] : spare[1];

			if (spare[0])
				spare[0] = NULL;
			else
				spare[1] = NULL;
			*tail = *fl;
			tail->start = end + 1;
			fl->end = start - 1;
			list_add(&tail->list, &fl->list);
		} else if (fl->start < start) {
			fl->end = start - 1;
		} else if (fl->end > end) {
			fl->start = end + 1;
		} else {
			list_del(&fl->list);
			kfree(fl);
		}
	}
	if (want->type == F_UNLCK)
		return;
	for (int i = 0; i < 2 && !placed; i++) {
		if (spare[i]) {
			*spare[i] = *want;
			spare[i]->start = start;
			spare[i]->end = end;
			list_add_tail(&spare[i]->list, head);
			spare[i] = NULL;
			placed = true;
		}
	}
}

/* ---- deadlock check (POSIX owners only) --------------------------------------------------- */

/* Would @owner waiting for @blocker close a cycle? Context: blocked_lock. */
static bool would_deadlock(void *owner, void *blocker)
{
	for (int depth = 0; depth < 16 && blocker; depth++) {
		struct lock_waiter *w;
		void *next = NULL;

		if (blocker == owner)
			return true;
		list_for_each_entry(w, &blocked_list, list)
			if (w->owner == blocker) {
				next = w->waits_for;
				break;
			}
		blocker = next;
	}
	return false;
}

/* ---- setting and testing ------------------------------------------------------------------ */

/*
 * Set or clear @want on @inode's @which list (posix or flock), waiting if
 * @wait. Returns 0, -EAGAIN (conflict, no wait; flock's EWOULDBLOCK is
 * the same number), -EDEADLK, -EINTR, -ENOMEM. Context: may sleep
 * (interruptibly).
 */
static int set_lock(struct inode *inode, struct file_lock *want, bool flock, bool wait)
{
	struct file_lock_context *ctx = get_context(inode, want->type != F_UNLCK);
	struct file_lock *spare[2] = { NULL, NULL };
	struct lock_waiter waiter = { .owner = want->owner };
	struct wait_queue_entry w = { .task = current };
	bool queued = false;
	int err = 0;

	if (!ctx)
		return want->type == F_UNLCK ? 0 : -ENOMEM;
	spare[0] = kmalloc(sizeof(struct file_lock), GFP_KERNEL);
	spare[1] = kmalloc(sizeof(struct file_lock), GFP_KERNEL);
	if (!spare[0] || !spare[1]) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		struct list_head *head = flock ? &ctx->flock : &ctx->posix;
		struct file_lock *blocker;

		if (wait)
			prepare_to_wait(&ctx->wait, &w, TASK_INTERRUPTIBLE);
		spin_lock(&ctx->lock);
		blocker = want->type == F_UNLCK ? NULL : find_conflict(head, want);
		if (!blocker) {
			apply_range(head, want, spare);
			spin_unlock(&ctx->lock);
			break;
		}
		err = -EAGAIN;
		if (!wait) {
			spin_unlock(&ctx->lock);
			break;
		}
		if (!flock && !blocker->ofd && !want->ofd) {
			spin_lock(&blocked_lock);
			if (would_deadlock(want->owner, blocker->owner)) {
				spin_unlock(&blocked_lock);
				spin_unlock(&ctx->lock);
				err = -EDEADLK;
				break;
			}
			waiter.waits_for = blocker->owner;
			if (!queued)
				list_add(&waiter.list, &blocked_list);
			queued = true;
			spin_unlock(&blocked_lock);
		}
		spin_unlock(&ctx->lock);
		err = -EINTR;
		if (signal_pending(current))
			break;
		schedule();
		err = 0;
	}
	if (wait)
		finish_wait(&ctx->wait, &w);
	if (queued) {
		spin_lock(&blocked_lock);
		list_del(&waiter.list);
		spin_unlock(&blocked_lock);
	}
	if (!err)
		wake_up(&ctx->wait);            /* what was released may free a waiter */
out:
	kfree(spare[0]);
	kfree(spare[1]);
	return err;
}

/* F_GETLK: the first conflicting lock in @want, or F_UNLCK. */
static void test_lock(struct inode *inode, struct file_lock *want)
{
	struct file_lock_context *ctx = get_context(inode, false);
	struct file_lock *fl;

	if (!ctx) {
		want->type = F_UNLCK;
		return;
	}
	spin_lock(&ctx->lock);
	fl = find_conflict(&ctx->posix, want);
	if (fl)
		*want = *fl;
	else
		want->type = F_UNLCK;
	spin_unlock(&ctx->lock);
}

/* Drop every lock of @owner in @head (whole range). */
static void remove_owner(struct inode *inode, void *owner, bool flock)
{
	struct file_lock_context *ctx = get_context(inode, false);
	struct file_lock *fl, *n;
	bool any = false;

	if (!ctx)
		return;
	spin_lock(&ctx->lock);
	list_for_each_entry_safe(fl, n, flock ? &ctx->flock : &ctx->posix, list) {
		if (fl->owner == owner) {
			list_del(&fl->list);
			kfree(fl);
			any = true;
		}
	}
	spin_unlock(&ctx->lock);
	if (any)
		wake_up(&ctx->wait);
}

void locks_remove_posix(struct file *file, struct files_struct *files)
{
	if (file && files && READ_ONCE(file->f_inode->i_flctx))
		remove_owner(file->f_inode, files, false);
}

void locks_remove_file(struct file *file)
{
	if (!READ_ONCE(file->f_inode->i_flctx))
		return;
	remove_owner(file->f_inode, file, false);       /* its OFD locks */
	remove_owner(file->f_inode, file, true);        /* its flock */
}

/* ---- fcntl ------------------------------------------------------------------------------------- */

/* struct flock -> [start, end] and type, with Linux's checks. */
static int flock_to_lock(struct file *f, const struct user_flock *u, struct file_lock *fl)
{
	loff_t start;

	switch (u->l_whence) {
	case SEEK_SET:
		start = 0;
		break;
	case SEEK_CUR:
		start = f->f_pos;
		break;
	case SEEK_END:
		start = READ_ONCE(f->f_inode->i_size);
		break;
	default:
		return -EINVAL;
	}
	if (u->l_start > OFFSET_MAX - start)
		return -EOVERFLOW;
	start += u->l_start;
	if (start < 0)
		return -EINVAL;
	if (u->l_len > 0) {
		if (u->l_len - 1 > OFFSET_MAX - start)
			return -EOVERFLOW;
		fl->start = start;
		fl->end = start + u->l_len - 1;
	} else if (u->l_len < 0) {
		/* POSIX: the bytes [start + len, start - 1]. */
		if (start + u->l_len < 0)
			return -EINVAL;
		fl->start = start + u->l_len;
		fl->end = start - 1;
	} else {
		fl->start = start;
		fl->end = OFFSET_MAX;
	}
	fl->type = u->l_type;
	return 0;
}

static long fcntl_getlk(struct file *f, struct user_flock __user *ulock, bool ofd)
{
	struct user_flock u;
	struct file_lock fl = { 0 };
	int err;

	if (copy_from_user(&u, ulock, sizeof(u)))
		return -EFAULT;
	if (u.l_type != F_RDLCK && u.l_type != F_WRLCK)
		return -EINVAL;
	if (ofd && u.l_pid)
		return -EINVAL;
	err = flock_to_lock(f, &u, &fl);
	if (err)
		return err;
	fl.owner = ofd ? (void *)f : (void *)current->files;
	test_lock(f->f_inode, &fl);
	u.l_type = (short)fl.type;
	if (fl.type != F_UNLCK) {
		u.l_whence = SEEK_SET;
		u.l_start = fl.start;
		u.l_len = fl.end == OFFSET_MAX ? 0 : fl.end - fl.start + 1;
		u.l_pid = fl.pid;
	}
	return copy_to_user(ulock, &u, sizeof(u)) ? -EFAULT : 0;
}

static long fcntl_setlk(struct file *f, struct user_flock __user *ulock, bool ofd, bool wait)
{
	struct user_flock u;
	struct file_lock fl = { 0 };
	int err;

	if (copy_from_user(&u, ulock, sizeof(u)))
		return -EFAULT;
	if (u.l_type != F_RDLCK && u.l_type != F_WRLCK && u.l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && u.l_pid)
		return -EINVAL;
	if (u.l_type == F_RDLCK && !(f->f_mode & FMODE_READ))
		return -EBADF;
	if (u.l_type == F_WRLCK && !(f->f_mode & FMODE_WRITE))
		return -EBADF;
	err = flock_to_lock(f, &u, &fl);
	if (err)
		return err;
	fl.ofd = ofd;
	fl.owner = ofd ? (void *)f : (void *)current->files;
	fl.pid = ofd ? -1 : current->tgid;
	err = set_lock(f->f_inode, &fl, false, wait);
	return err == -EINTR ? -ERESTARTSYS : err;      /* restarted under SA_RESTART */
}

long fcntl_lock(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct user_flock __user *u = (struct user_flock __user *)arg;

	switch (cmd) {
	case F_GETLK:
		return fcntl_getlk(f, u, false);
	case F_OFD_GETLK:
		return fcntl_getlk(f, u, true);
	case F_SETLK:
	case F_SETLKW:
		return fcntl_setlk(f, u, false, cmd == F_SETLKW);
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_setlk(f, u, true, cmd == F_OFD_SETLKW);
	}
	return -EINVAL;
}

/* ---- flock ---------------------------------------------------------------------------------------- */

/* A change of type is not atomic (the old lock goes first), as Linux. */
SYSCALL_DEFINE2(flock, unsigned int, fd, unsigned int, cmd)
{
	struct file *f = fget(fd);
	struct file_lock fl = { .start = 0, .end = OFFSET_MAX };
	unsigned int op = cmd & ~LOCK_NB;
	int err;

	if (!f)
		return -EBADF;
	err = -EINVAL;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		goto out;
	fl.owner = f;
	fl.pid = -1;
	fl.type = op == LOCK_SH ? F_RDLCK : op == LOCK_EX ? F_WRLCK : F_UNLCK;
	if (fl.type != F_UNLCK) {
		struct file_lock un = fl;

		un.type = F_UNLCK;
		set_lock(f->f_inode, &un, true, false);
	}
	err = set_lock(f->f_inode, &fl, true, !(cmd & LOCK_NB) && fl.type != F_UNLCK);
	if (err == -EINTR)
		err = -ERESTARTSYS;
out:
	fput(f);
	return err;
}
