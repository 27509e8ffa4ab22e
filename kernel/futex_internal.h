/*
 * futex internals shared with kernel/futex_ktest.c: keys, buckets and the
 * queue entry of a waiting task. See kernel/futex.c for the protocol.
 */
#ifndef _KERNEL_FUTEX_INTERNAL_H
#define _KERNEL_FUTEX_INTERNAL_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct task_struct;

#define FUTEX_HASH_BITS 8
#define FUTEX_HASH_SIZE (1U << FUTEX_HASH_BITS)

enum futex_key_type {
	FUTEX_KEY_PRIVATE = 1,          /* (mm, address) */
	FUTEX_KEY_MM_SHARED,            /* a shared op on private memory: (mm, address) */
	FUTEX_KEY_INODE,                /* (inode, page index, offset); inode referenced */
	FUTEX_KEY_SHMEM,                /* (shmem mapping, page index, offset); referenced */
};

struct futex_key {
	enum futex_key_type type;
	void *ptr;                      /* mm, inode or address_space */
	unsigned long word;             /* address, or page index */
	unsigned int offset;            /* within the page (shared keys) */
};

struct futex_bucket {
	spinlock_t lock;
	int waiters;                    /* (atomic) queued or about to queue; see (A)/(B) */
	struct list_head chain;         /* (lock) struct futex_q */
};

/* One waiting task, on its own kernel stack. */
struct futex_q {
	struct list_head list;          /* (bucket lock) */
	struct task_struct *task;       /* (c) */
	/* The lock of the bucket it is queued on; NULL once a waker took it
	 * off (store-release by the waker, load-acquire by the waiter). */
	spinlock_t *lock_ptr;
	struct futex_key key;           /* (bucket lock) a requeue changes it */
	u32 bitset;                     /* (c) */
};

/* Same futex? (Keys of different types never match.) */
bool key_match(const struct futex_key *a, const struct futex_key *b);
/* The bucket of @k. */
struct futex_bucket *hash_futex(const struct futex_key *k);
/* The waiters count and its barriers (A) and (B) (kernel/futex.c). */
void bucket_waiters_inc(struct futex_bucket *b);
void bucket_waiters_dec(struct futex_bucket *b);
bool bucket_has_waiters(struct futex_bucket *b);
/* Dequeue @q and wake its task. Context: @b->lock held. */
void wake_futex_locked(struct futex_bucket *b, struct futex_q *q);
/* A waiter's own dequeue: true if it was still queued (not woken). */
bool unqueue_me(struct futex_q *q);

#endif
