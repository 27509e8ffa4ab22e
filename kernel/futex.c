/*
 * futex(2): wait queues keyed by a word of user memory, and the robust
 * lists that release a dead thread's futexes. docs/futex.md is the story.
 *
 * Keys. A private futex (FUTEX_PRIVATE_FLAG) is named by (mm, address):
 * only threads of one address space can meet on it, and no VMA is looked
 * up. A shared one is named by what backs the page: (inode, page index,
 * offset) in a MAP_SHARED file mapping, (shmem object, page index,
 * offset) in shared anonymous memory, so processes that map the same
 * object at different addresses meet on one key. A shared futex in
 * private memory is (mm, address) again, but a key of its own type: as on
 * Linux, it never matches the private key of the same word. A shared key
 * holds a reference on its inode or shmem object while in use.
 *
 * Buckets. Keys hash to FUTEX_HASH_SIZE buckets; each has a spinlock, the
 * list of its queued waiters (struct futex_q) and a count of waiters that
 * lets FUTEX_WAKE skip an empty bucket without taking its lock.
 *
 * The race between "the value is still what I expect, so I sleep" and the
 * waker's "I changed the value, now I wake" is closed as Linux closes it:
 *
 *   waiter (futex_wait)                  waker (user space, then FUTEX_WAKE)
 *   waiters++                            *uaddr = new
 *   smp_mb()                       (A)   smp_mb()                      (B)
 *   lock bucket; read *uaddr             if (waiters == 0) return 0
 *   equal: queue, sleep state, unlock    lock bucket; wake the queued
 *
 * A pairs with B: either the waker sees waiters != 0 (and then takes the
 * lock, which orders it after the waiter's queueing), or the waiter's read
 * sees the new value and it does not sleep. Without the count the bucket
 * lock alone would do (the waker's store precedes its lock's release
 * ordering), but every FUTEX_WAKE would take the lock.
 *
 * Waking. The waker, holding the bucket lock, takes the futex_q off the
 * list, wakes the task and then clears q->lock_ptr (release). The waiter,
 * back from schedule(), reads lock_ptr (acquire): NULL means it was woken
 * and the waker no longer touches q or the task; otherwise it takes that
 * lock (rechecking it: a requeue may move q to another bucket) and
 * unqueues itself (a timeout or a signal).
 *
 * Locks: mmap_lock (read, to find a shared key) is dropped before a
 * bucket lock is taken. Bucket lock -> rq->lock (wake_up_process),
 * bucket lock -> inode_hash_lock (igrab, requeue). Two bucket locks
 * (requeue) are taken in address order. The value is read under the
 * bucket lock with page faults disabled; a fault drops the lock, faults
 * the page in and retries (a fault would sleep on mmap_lock).
 */
#include <kernel/errno.h>
#include <kernel/futex.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <asm/rtc.h>
#include <asm/uaccess.h>

#include "futex_internal.h"

#define ROBUST_LIST_LIMIT 2048          /* Linux's bound on a (maybe circular) list */

static struct futex_bucket futex_buckets[FUTEX_HASH_SIZE];

void futex_init(void)
{
	for (unsigned int i = 0; i < FUTEX_HASH_SIZE; i++) {
		spin_lock_init(&futex_buckets[i].lock, "futex_bucket");
		INIT_LIST_HEAD(&futex_buckets[i].chain);
	}
}

bool key_match(const struct futex_key *a, const struct futex_key *b)
{
	return a->type == b->type && a->ptr == b->ptr && a->word == b->word &&
	       a->offset == b->offset;
}

struct futex_bucket *hash_futex(const struct futex_key *k)
{
	u64 h = (u64)(unsigned long)k->ptr * 0x9e3779b97f4a7c15ULL;

	h ^= (k->word + k->offset + (u64)k->type) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 29;
	return &futex_buckets[(h * 0x9e3779b97f4a7c15ULL) >> (64 - FUTEX_HASH_BITS)];
}

/* Take another reference on @k's object (requeue hands one to each
 * moved waiter). Context: any; no sleeping. */
static void get_key_ref(const struct futex_key *k)
{
	if (k->type == FUTEX_KEY_INODE)
		igrab(k->ptr);
	else if (k->type == FUTEX_KEY_SHMEM)
		shmem_mapping_get(k->ptr);
}

/* Drop get_futex_key's reference. Context: may sleep (a last iput). */
static void put_futex_key(struct futex_key *k)
{
	if (k->type == FUTEX_KEY_INODE)
		iput(k->ptr);
	else if (k->type == FUTEX_KEY_SHMEM)
		shmem_put_mapping(k->ptr);
	k->type = 0;
}

/*
 * Name the futex at @uaddr of current. Linux's errors: -EINVAL if it is
 * not 4-byte aligned, -EFAULT if it is not a user address, or (shared
 * only) not mapped. Context: may sleep (mmap_lock).
 */
static int get_futex_key(unsigned long uaddr, bool shared, struct futex_key *k)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long pgoff;
	int err = 0;

	memset(k, 0, sizeof(*k));
	if (uaddr % sizeof(u32))
		return -EINVAL;
	if (!access_ok((void __user *)uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	if (!shared) {
		k->type = FUTEX_KEY_PRIVATE;
		k->ptr = mm;
		k->word = uaddr;
		return 0;
	}
	down_read(&mm->mmap_lock);
	vma = find_vma(mm, uaddr);
	if (!vma || vma->vm_start > uaddr) {
		err = -EFAULT;
		goto out;
	}
	pgoff = vma->vm_pgoff + ((uaddr - vma->vm_start) >> PAGE_SHIFT);
	k->offset = (unsigned int)(uaddr & (PAGE_SIZE - 1));
	if (vma_is_anon_shmem(vma)) {
		k->type = FUTEX_KEY_SHMEM;
		k->ptr = shmem_get_mapping(vma);
		k->word = pgoff;
	} else if ((vma->vm_flags & VM_SHARED) && vma->vm_file) {
		k->type = FUTEX_KEY_INODE;
		k->ptr = igrab(vma->vm_file->f_inode);
		k->word = pgoff;
	} else {
		k->type = FUTEX_KEY_MM_SHARED;
		k->ptr = mm;
		k->word = uaddr;
		k->offset = 0;
	}
out:
	up_read(&mm->mmap_lock);
	return err;
}

/* Read the futex word with page faults off (a bucket lock may be held).
 * Returns 0 or -EFAULT (not resident, or really bad). */
static int get_futex_value_nofault(u32 *val, unsigned long uaddr)
{
	unsigned long left;

	pagefault_disable();
	left = copy_from_user(val, (const void __user *)uaddr, sizeof(*val));
	pagefault_enable();
	return left ? -EFAULT : 0;
}

/* Read it with faults served. Context: may sleep. */
static int get_futex_value(u32 *val, unsigned long uaddr)
{
	return copy_from_user(val, (const void __user *)uaddr, sizeof(*val)) ? -EFAULT : 0;
}

/* The waiters count, with the barriers (A) and (B) of the header. */
void bucket_waiters_inc(struct futex_bucket *b)
{
	__atomic_add_fetch(&b->waiters, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);        /* (A), pairs with (B) */
}

void bucket_waiters_dec(struct futex_bucket *b)
{
	__atomic_sub_fetch(&b->waiters, 1, __ATOMIC_SEQ_CST);
}

bool bucket_has_waiters(struct futex_bucket *b)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);        /* (B), pairs with (A) */
	return __atomic_load_n(&b->waiters, __ATOMIC_SEQ_CST) != 0;
}

/*
 * Take @q off its bucket and wake its task. The task is woken before
 * lock_ptr is cleared: a waiter that sees NULL may return at once, and its
 * q (and, after an exit, its task) is gone. Context: the bucket lock held.
 */
void wake_futex_locked(struct futex_bucket *b, struct futex_q *q)
{
	list_del_init(&q->list);
	bucket_waiters_dec(b);
	wake_up_process(q->task);
	__atomic_store_n(&q->lock_ptr, NULL, __ATOMIC_RELEASE);
}

/*
 * The waiter's own unqueue, after a timeout or a signal (or a wake-up it
 * has not seen yet). Returns true if it was still queued (not woken).
 * Context: no lock held.
 */
bool unqueue_me(struct futex_q *q)
{
	for (;;) {
		spinlock_t *lp = __atomic_load_n(&q->lock_ptr, __ATOMIC_ACQUIRE);

		if (!lp)
			return false;           /* a waker took it off */
		spin_lock(lp);
		/* A requeue may have moved q (and its lock_ptr) meanwhile. */
		if (lp != READ_ONCE(q->lock_ptr)) {
			spin_unlock(lp);
			continue;
		}
		list_del_init(&q->list);
		bucket_waiters_dec(container_of(lp, struct futex_bucket, lock));
		WRITE_ONCE(q->lock_ptr, NULL);
		spin_unlock(lp);
		return true;
	}
}

/* A deadline in ktime_get_ns() time, from the caller's timespec. */
struct futex_timeout {
	bool set;
	u64 deadline_ns;
};

static long ticks_until(u64 deadline_ns)
{
	u64 now = ktime_get_ns();

	if (now >= deadline_ns)
		return 0;
	/* Round up, and one more: the current tick is partly over. */
	return (long)DIV_ROUND_UP(deadline_ns - now, NSEC_PER_SEC / HZ) + 1;
}

/*
 * FUTEX_WAIT(_BITSET): sleep while *uaddr == val until a matching wake,
 * the timeout, or a signal. Returns 0 (woken), -EAGAIN (value differs),
 * -ETIMEDOUT, -ERESTARTSYS (untimed: restarted under SA_RESTART, EINTR
 * otherwise), -EINTR (timed; see docs/futex.md), -EFAULT, -EINVAL.
 */
static long futex_wait(unsigned long uaddr, bool shared, u32 val,
		       const struct futex_timeout *to, u32 bitset)
{
	struct futex_q q = { .task = current, .bitset = bitset };
	struct futex_key orig_key;
	struct futex_bucket *b;
	u32 uval;
	long ret;

	if (!bitset)
		return -EINVAL;
	ret = get_futex_key(uaddr, shared, &q.key);
	if (ret)
		return ret;
	orig_key = q.key;               /* a copy to compare: no reference of its own */
	INIT_LIST_HEAD(&q.list);
retry:
	b = hash_futex(&q.key);
	bucket_waiters_inc(b);                  /* (A) is in here */
	spin_lock(&b->lock);
	ret = get_futex_value_nofault(&uval, uaddr);
	if (ret) {
		spin_unlock(&b->lock);
		bucket_waiters_dec(b);
		ret = get_futex_value(&uval, uaddr);    /* fault it in, then again */
		if (ret)
			goto out;
		goto retry;
	}
	if (uval != val) {
		spin_unlock(&b->lock);
		bucket_waiters_dec(b);
		ret = -EAGAIN;
		goto out;
	}
	list_add_tail(&q.list, &b->chain);
	q.lock_ptr = &b->lock;
	/* Before the unlock: a waker (which needs the lock) finds us queued
	 * and sets us running, so the schedule() below returns at once. */
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(&b->lock);

	/* A signal sent before the state was set is seen here; one sent
	 * after it wakes us (send_signal: pending, then wake_up_state). */
	if (!signal_pending(current)) {
		if (!to->set)
			schedule();
		else if (ticks_until(to->deadline_ns))
			schedule_timeout(ticks_until(to->deadline_ns));
	}
	set_current_state(TASK_RUNNING);

	if (!unqueue_me(&q)) {
		ret = 0;                        /* woken by FUTEX_WAKE or a requeue's wake */
	} else if (to->set && ktime_get_ns() >= to->deadline_ns) {
		ret = -ETIMEDOUT;
	} else if (signal_pending(current)) {
		ret = to->set ? -EINTR : -ERESTARTSYS;
	} else if (!key_match(&q.key, &orig_key)) {
		/* Woken for no reason of ours after a requeue moved us to
		 * another futex: going round again would check @uaddr's word
		 * but sleep on the other futex, whose waker may already have
		 * come and gone (the (A)/(B) pairing needs the word and the
		 * queue to belong together). A futex wait may return 0
		 * spuriously; the caller rechecks its condition. */
		ret = 0;
	} else {
		/* Woken for no reason of ours (a stale wake_up_process):
		 * Linux goes round again too; the value may have changed. */
		goto retry;
	}
out:
	put_futex_key(&q.key);
	return ret;
}

/* FUTEX_WAKE(_BITSET): wake up to @nr waiters whose bitset meets @bitset.
 * Returns how many were woken. */
static long futex_wake(unsigned long uaddr, bool shared, int nr, u32 bitset)
{
	struct futex_key key;
	struct futex_bucket *b;
	struct futex_q *q, *n;
	long ret;

	if (!bitset)
		return -EINVAL;
	ret = get_futex_key(uaddr, shared, &key);
	if (ret)
		return ret;
	b = hash_futex(&key);
	if (!bucket_has_waiters(b))             /* (B) is in here */
		goto out;
	spin_lock(&b->lock);
	list_for_each_entry_safe(q, n, &b->chain, list) {
		if (!key_match(&q->key, &key) || !(q->bitset & bitset))
			continue;
		wake_futex_locked(b, q);
		/* Linux's count: a zero or negative @nr still wakes one. */
		if (++ret >= nr)
			break;
	}
	spin_unlock(&b->lock);
out:
	put_futex_key(&key);
	return ret;
}

long futex_wake_shared_any(unsigned long uaddr, int nr)
{
	return futex_wake(uaddr, true, nr, FUTEX_BITSET_MATCH_ANY);
}

static void double_lock(struct futex_bucket *a, struct futex_bucket *b)
{
	if (a == b) {
		spin_lock(&a->lock);
	} else if (a < b) {
		spin_lock(&a->lock);
		spin_lock(&b->lock);
	} else {
		spin_lock(&b->lock);
		spin_lock(&a->lock);
	}
}

static void double_unlock(struct futex_bucket *a, struct futex_bucket *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

/*
 * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wake up to @nr_wake waiters on
 * uaddr1 and move up to @nr_requeue more to uaddr2's queue, where they
 * wait for a wake on uaddr2 (a condition variable's broadcast without the
 * thundering herd). CMP_REQUEUE first checks *uaddr1 == *cmpval under the
 * lock (-EAGAIN if not). Returns woken + requeued.
 */
static long futex_requeue(unsigned long uaddr1, bool shared, unsigned long uaddr2,
			  int nr_wake, int nr_requeue, const u32 *cmpval)
{
	struct futex_key key1, key2;
	struct futex_bucket *b1, *b2;
	struct futex_q *q, *n;
	long ret, woken = 0, requeued = 0, moved_refs = 0;
	u32 uval;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	ret = get_futex_key(uaddr1, shared, &key1);
	if (ret)
		return ret;
	ret = get_futex_key(uaddr2, shared, &key2);
	if (ret)
		goto out_put1;
retry:
	b1 = hash_futex(&key1);
	b2 = hash_futex(&key2);
	bucket_waiters_inc(b2);                 /* as a waiter would: see (A) */
	double_lock(b1, b2);
	if (cmpval) {
		ret = get_futex_value_nofault(&uval, uaddr1);
		if (ret) {
			double_unlock(b1, b2);
			bucket_waiters_dec(b2);
			ret = get_futex_value(&uval, uaddr1);
			if (ret)
				goto out_put2;
			goto retry;
		}
		if (uval != *cmpval) {
			double_unlock(b1, b2);
			bucket_waiters_dec(b2);
			ret = -EAGAIN;
			goto out_put2;
		}
	}
	list_for_each_entry_safe(q, n, &b1->chain, list) {
		if (!key_match(&q->key, &key1))
			continue;
		if (woken < nr_wake) {
			wake_futex_locked(b1, q);
			woken++;
			continue;
		}
		if (requeued >= nr_requeue)
			break;
		if (b1 != b2) {
			list_del(&q->list);
			list_add_tail(&q->list, &b2->chain);
			bucket_waiters_dec(b1);
			bucket_waiters_inc(b2);
			WRITE_ONCE(q->lock_ptr, &b2->lock);
		}
		/* The waiter drops whichever key it holds at the end: give it
		 * a reference on key2, and drop its key1 one after unlocking. */
		get_key_ref(&key2);
		moved_refs++;
		q->key = key2;
		requeued++;
	}
	double_unlock(b1, b2);
	bucket_waiters_dec(b2);
	while (moved_refs--) {
		struct futex_key k = key1;

		put_futex_key(&k);              /* never the last: we hold key1 too */
	}
	ret = woken + requeued;
out_put2:
	put_futex_key(&key2);
out_put1:
	put_futex_key(&key1);
	return ret;
}

struct kernel_timespec {
	long tv_sec;
	long tv_nsec;
};

/*
 * The timeout argument: relative (CLOCK_MONOTONIC) for FUTEX_WAIT,
 * absolute for FUTEX_WAIT_BITSET on CLOCK_MONOTONIC, or CLOCK_REALTIME
 * with FUTEX_CLOCK_REALTIME. -EFAULT for a bad pointer, -EINVAL for an
 * invalid timespec: Linux checks both before the operation.
 */
static int futex_get_timeout(const struct kernel_timespec __user *uts, int cmd, bool realtime,
			     struct futex_timeout *to)
{
	const u64 forever = ~0ULL / 2;
	struct kernel_timespec ts;
	u64 ns, now;

	to->set = false;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (u64)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)ts.tv_sec >= forever / NSEC_PER_SEC)
		ns = forever;
	else
		ns = (u64)ts.tv_sec * NSEC_PER_SEC + (u64)ts.tv_nsec;
	now = ktime_get_ns();
	to->set = true;
	if (cmd == FUTEX_WAIT) {
		to->deadline_ns = ns >= forever - now ? forever : now + ns;
	} else if (realtime) {
		u64 boot_rt = rtc_boot_epoch() * NSEC_PER_SEC;  /* realtime at ktime 0 */

		to->deadline_ns = ns > boot_rt ? ns - boot_rt : 0;
	} else {
		to->deadline_ns = ns;
	}
	return 0;
}

static bool futex_cmd_has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET;
}

SYSCALL_DEFINE6(futex, u32 __user *, uaddr, int, op, u32, val,
		const struct kernel_timespec __user *, utime, u32 __user *, uaddr2, u32, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	unsigned long addr = (unsigned long)uaddr, addr2 = (unsigned long)uaddr2;
	u32 val2 = (u32)(unsigned long)utime;   /* REQUEUE's second count */
	struct futex_timeout to = { 0 };
	int err;

	if (realtime && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;                 /* Linux: only the bitset wait (and PI) */
	if (futex_cmd_has_timeout(cmd)) {
		err = futex_get_timeout(utime, cmd, realtime, &to);
		if (err)
			return err;
	}
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(addr, shared, val, &to, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAIT_BITSET:
		return futex_wait(addr, shared, val, &to, val3);
	case FUTEX_WAKE:
		return futex_wake(addr, shared, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(addr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(addr, shared, addr2, (int)val, (int)val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(addr, shared, addr2, (int)val, (int)val2, &val3);
	default:
		/* FUTEX_FD is gone from Linux too; WAKE_OP and the PI
		 * operations are not offered (docs/futex.md). */
		return -ENOSYS;
	}
}

/* ---- robust futexes ------------------------------------------------------ */

/* struct robust_list_head, as user space lays it out (24 bytes). */
struct robust_list_head_user {
	unsigned long list_next;        /* struct robust_list *: the first entry */
	long futex_offset;              /* from an entry to its futex word */
	unsigned long list_op_pending;  /* an entry being added or removed */
};

SYSCALL_DEFINE2(set_robust_list, void __user *, head, size_t, len)
{
	if (len != sizeof(struct robust_list_head_user))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, void __user * __user *, head_ptr,
		size_t __user *, len_ptr)
{
	size_t len = sizeof(struct robust_list_head_user);
	void *head = NULL;
	unsigned long flags;

	if (pid == 0) {
		head = current->robust_list;
	} else {
		struct task_struct *t;

		flags = tasklist_lock_irqsave();
		t = find_task_by_pid_locked(pid);
		if (t)
			head = t->robust_list;
		tasklist_unlock_irqrestore(flags);
		if (!t)
			return -ESRCH;
	}
	if (copy_to_user(len_ptr, &len, sizeof(len)))
		return -EFAULT;
	if (copy_to_user(head_ptr, &head, sizeof(head)))
		return -EFAULT;
	return 0;
}

/*
 * The owner @tid died holding the futex at @uaddr: mark it
 * FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) so that the next locker gets
 * EOWNERDEAD, and wake one waiter. A pending op with a zero word (the
 * owner died between acquiring and publishing) just wakes one, as Linux.
 * Returns -1 to stop walking the list (a bad address).
 */
static int handle_futex_death(unsigned long uaddr, int tid, bool pending_op)
{
	u32 uval, nval, found;

	if (uaddr % sizeof(u32))
		return -1;
	for (;;) {
		if (get_futex_value(&uval, uaddr))
			return -1;
		if (pending_op && !uval) {
			futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
			return 0;
		}
		if ((uval & FUTEX_TID_MASK) != (u32)tid)
			return 0;               /* not ours (any more) */
		nval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (futex_atomic_cmpxchg_user(&found, (u32 __user *)uaddr, uval, nval))
			return -1;
		if (found == uval)
			break;
		/* The word changed under us (a waiter set FUTEX_WAITERS): again. */
	}
	if (uval & FUTEX_WAITERS)
		futex_wake(uaddr, true, 1, FUTEX_BITSET_MATCH_ANY);
	return 0;
}

static int fetch_ulong(unsigned long *v, unsigned long uaddr)
{
	return copy_from_user(v, (const void __user *)uaddr, sizeof(*v)) ? -EFAULT : 0;
}

void exit_robust_list(struct task_struct *me)
{
	unsigned long head = (unsigned long)me->robust_list, entry, next, pending, off;
	unsigned int limit = ROBUST_LIST_LIMIT;

	if (!head)
		return;
	me->robust_list = NULL;
	if (fetch_ulong(&entry, head) || fetch_ulong(&off, head + 8) ||
	    fetch_ulong(&pending, head + 16))
		return;
	/* Bit 0 of an entry pointer marks a PI futex; PI is not offered,
	 * so it is only masked off. */
	entry &= ~1UL;
	pending &= ~1UL;
	while (entry != head) {
		if (fetch_ulong(&next, entry))
			return;
		if (entry != pending && handle_futex_death(entry + off, me->pid, false))
			return;
		entry = next & ~1UL;
		if (!--limit)
			break;                  /* circular, or absurdly long */
	}
	if (pending)
		handle_futex_death(pending + off, me->pid, true);
}
