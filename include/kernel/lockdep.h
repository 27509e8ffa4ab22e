/*
 * The lock-order checker (in the spirit of Linux's lockdep).
 *
 * Every lock belongs to a class: all locks with the same kind and the same
 * name are one class (every inode's i_rwsem, every mm's page_table_lock);
 * a static lock has a name of its own, so it is a class by itself. Each
 * task, and each CPU's interrupt context, keeps a stack of the locks it
 * holds. Taking a lock of class B while holding one of class A records the
 * edge A -> B with where both were taken; if B already leads back to A,
 * two tasks could each hold one and wait for the other: the checker
 * prints "possible circular locking dependency" with both chains and the
 * boot counts as failed. It also reports a spinlock taken in an interrupt
 * handler that is taken elsewhere with interrupts enabled (the handler
 * could interrupt the holder and spin forever), and an interrupt-safe lock
 * held while taking one that is taken with interrupts enabled.
 *
 * The checker allocates nothing (fixed tables, kernel/lockdep.c); when a
 * table is full it says so and turns itself off. After its first report it
 * turns itself off too. "lockdep=0" on the command line turns it off.
 * See docs/locking.md, "The lock-order checker".
 */
#ifndef _KERNEL_LOCKDEP_H
#define _KERNEL_LOCKDEP_H

#include <kernel/types.h>

#define _RET_IP_ ((unsigned long)__builtin_return_address(0))

enum lock_kind {
	LOCK_KIND_SPIN,
	LOCK_KIND_MUTEX,
	LOCK_KIND_RWSEM,
	LOCK_KIND_PAGE,
};

#define LOCKDEP_MAX_HELD 24

struct held_lock {
	const void *instance;           /* the lock itself (or the page) */
	unsigned long ip;               /* where it was taken */
	u16 class_idx;
	bool trylock;
};

/* The locks one context holds, innermost last. */
struct lockdep_held {
	unsigned int depth;
	bool checking;                  /* inside the checker: do not recurse */
	struct held_lock held[LOCKDEP_MAX_HELD];
};

/*
 * About to take (or, with @trylock, just took) @instance, whose class is
 * cached in *@class_cache (0: not looked up yet; looked up by @kind and
 * @name). Called before a blocking acquisition spins or sleeps, so an
 * inversion is reported before it can deadlock. Context: any.
 */
void lock_acquire(u32 *class_cache, const char *name, enum lock_kind kind,
		  const void *instance, bool trylock, unsigned long ip);
/*
 * @instance, of class @class_idx (its cached class, 0 if never looked up),
 * was released. Releasing out of order is fine. A lock this context did
 * not record is handed over: a run-queue lock is taken by the task that
 * switches away and released by the one switched to, which recorded its
 * own run-queue lock when it last switched away, perhaps another CPU's.
 * So an unknown instance releases the innermost held lock of the same
 * class, keeping every stack balanced; with none, it is ignored.
 */
void lock_release(const void *instance, u32 class_idx);

void lockdep_init(void);                /* reads lockdep= from the command line */
/* Reports printed so far (inversions and interrupt-state conflicts). */
unsigned int lockdep_reports(void);
bool lockdep_enabled(void);
/* One line: classes and dependencies seen so far (end of a ktest boot). */
void lockdep_print_stats(void);

#endif
