/*
 * Spinlocks.
 *
 * Written for SMP from the start: an atomic exchange takes the lock, and
 * the acquire/release orderings make the critical section's accesses stay
 * inside it. A spinlock also disables preemption (preempt_count), so code
 * that may sleep can assert that no spinlock is held.
 *
 * Use spin_lock_irqsave() for any lock an interrupt handler also takes;
 * otherwise the handler could spin forever on a lock its own CPU holds.
 *
 * Debug checks (always on): taking a lock this CPU already holds panics
 * with the lock's name; releasing one it does not hold panics;
 * ASSERT_HELD(lock) documents and checks a "caller holds the lock" contract.
 * The lock-order checker (include/kernel/lockdep.h) watches every lock
 * except its own.
 */
#ifndef _KERNEL_SPINLOCK_H
#define _KERNEL_SPINLOCK_H

#include <kernel/types.h>

typedef struct spinlock {
	u32 locked;
	int owner_cpu;                  /* -1 when free */
	const char *name;
	unsigned long owner_pc;         /* where it was taken, for reports */
	u32 dep_class;                  /* lock-order checker's class, 0 until first taken */
} spinlock_t;

#define SPINLOCK_INIT(n) { .locked = 0, .owner_cpu = -1, .name = (n), .owner_pc = 0 }
/*
 * A lock the lock-order checker does not watch: only the wait-queue lock
 * inside a mutex or rw-semaphore, whose one nesting (it takes rq_lock to
 * wake a waiter) is fixed by construction; the sleeping lock itself is
 * watched. It is the hottest spinlock of all, so this keeps the checker
 * cheap (docs/locking.md, "The lock-order checker").
 */
#define LOCK_CLASS_NOCHECK 0xffffffffu
#define SPINLOCK_INIT_NOCHECK(n) { .locked = 0, .owner_cpu = -1, .name = (n), .owner_pc = 0, \
				   .dep_class = LOCK_CLASS_NOCHECK }
#define DEFINE_SPINLOCK(x) spinlock_t x = SPINLOCK_INIT(#x)

void spin_lock_init(spinlock_t *lock, const char *name);
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
bool spin_trylock(spinlock_t *lock);
unsigned long spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
bool spin_is_held(const spinlock_t *lock);

void preempt_disable(void);
void preempt_enable(void);
int preempt_count(void);

#define ASSERT_HELD(lock) do {                                          \
	if (unlikely(!spin_is_held(lock)))                              \
		panic("%s: lock %s not held (%s:%d)", __func__,         \
		      (lock)->name, __FILE__, __LINE__);                \
} while (0)

#endif
