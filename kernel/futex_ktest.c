/*
 * ktests for futex internals that user space cannot see: which keys
 * match, that a key always hashes to one bucket, and the queue protocol
 * between a sleeping waiter and a waker (the waker dequeues and wakes
 * under the bucket lock and clears lock_ptr last; a waiter that times out
 * dequeues itself; either way the bucket's waiters count returns to what
 * it was). The user-visible behaviour is user/tests/futex_test.c's.
 */
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>

#include "futex_internal.h"

static struct futex_key key(enum futex_key_type type, void *ptr, unsigned long word,
			    unsigned int offset)
{
	struct futex_key k;

	memset(&k, 0, sizeof(k));
	k.type = type;
	k.ptr = ptr;
	k.word = word;
	k.offset = offset;
	return k;
}

KTEST(futex_key_matching)
{
	static int mm_a, mm_b, inode;
	struct futex_key p1 = key(FUTEX_KEY_PRIVATE, &mm_a, 0x1000, 0);
	struct futex_key p2 = key(FUTEX_KEY_PRIVATE, &mm_a, 0x1000, 0);
	struct futex_key other_mm = key(FUTEX_KEY_PRIVATE, &mm_b, 0x1000, 0);
	struct futex_key mm_shared = key(FUTEX_KEY_MM_SHARED, &mm_a, 0x1000, 0);
	struct futex_key i1 = key(FUTEX_KEY_INODE, &inode, 3, 64);
	struct futex_key i2 = key(FUTEX_KEY_INODE, &inode, 3, 68);

	KT_EXPECT(key_match(&p1, &p2));
	KT_EXPECT(!key_match(&p1, &other_mm));          /* another address space */
	KT_EXPECT(!key_match(&p1, &mm_shared));         /* private vs shared op: as Linux */
	KT_EXPECT(!key_match(&i1, &i2));                /* another word of the page */
	KT_EXPECT(hash_futex(&p1) == hash_futex(&p2));
	KT_EXPECT(hash_futex(&i1) == hash_futex(&i1));
}

struct kt_waiter {
	struct futex_key key;
	long timeout;                   /* ticks; 0: until woken */
	bool was_queued;                /* unqueue_me's answer */
	struct completion done;
};

/* A waiter as futex_wait queues itself, without a user word to read. */
static int kt_waiter_thread(void *arg)
{
	struct kt_waiter *w = arg;
	struct futex_q q = { .task = current, .bitset = ~0U, .key = w->key };
	struct futex_bucket *b = hash_futex(&q.key);

	bucket_waiters_inc(b);
	spin_lock(&b->lock);
	list_add_tail(&q.list, &b->chain);
	q.lock_ptr = &b->lock;
	set_current_state(TASK_INTERRUPTIBLE);
	spin_unlock(&b->lock);
	if (w->timeout)
		schedule_timeout(w->timeout);
	else
		schedule();
	set_current_state(TASK_RUNNING);
	w->was_queued = unqueue_me(&q);
	complete(&w->done);
	return 0;
}

/* Wake every queued waiter of @k as FUTEX_WAKE does; returns how many. */
static int kt_wake(const struct futex_key *k)
{
	struct futex_bucket *b = hash_futex(k);
	struct futex_q *q, *n;
	int woken = 0;

	spin_lock(&b->lock);
	list_for_each_entry_safe(q, n, &b->chain, list)
		if (key_match(&q->key, k)) {
			wake_futex_locked(b, q);
			woken++;
		}
	spin_unlock(&b->lock);
	return woken;
}

static int kt_waiters(const struct futex_key *k)
{
	return __atomic_load_n(&hash_futex(k)->waiters, __ATOMIC_SEQ_CST);
}

KTEST(futex_waker_dequeues_and_wakes)
{
	static int mm;
	struct kt_waiter w = { .key = key(FUTEX_KEY_PRIVATE, &mm, 0x2000, 0) };
	struct task_struct *waiter;
	int before = kt_waiters(&w.key);

	init_completion(&w.done);
	waiter = kthread_run(kt_waiter_thread, &w, "kt-futex-wait");
	KT_ASSERT(waiter != NULL);
	for (int i = 0; i < 200 && kt_waiters(&w.key) == before; i++)
		msleep(5);
	KT_EXPECT_EQ(kt_waiters(&w.key), before + 1);
	/* Queued and counted: wait for it to be asleep, then wake it. */
	for (int i = 0; i < 200 && !task_is_blocked(waiter); i++)
		msleep(5);
	KT_EXPECT_EQ(kt_wake(&w.key), 1);
	wait_for_completion(&w.done);
	KT_EXPECT(!w.was_queued);                       /* the waker took it off */
	KT_EXPECT_EQ(kt_waiters(&w.key), before);
	KT_EXPECT_EQ(kt_wake(&w.key), 0);               /* nobody left */
	msleep(20);                                     /* let it exit */
}

KTEST(futex_timed_waiter_dequeues_itself)
{
	static int mm;
	struct kt_waiter w = { .key = key(FUTEX_KEY_PRIVATE, &mm, 0x3000, 0), .timeout = 3 };
	int before = kt_waiters(&w.key);

	init_completion(&w.done);
	KT_ASSERT(kthread_run(kt_waiter_thread, &w, "kt-futex-timed") != NULL);
	wait_for_completion(&w.done);
	KT_EXPECT(w.was_queued);                        /* nobody woke it: it left itself */
	KT_EXPECT_EQ(kt_waiters(&w.key), before);
	KT_EXPECT_EQ(kt_wake(&w.key), 0);
	msleep(20);
}
