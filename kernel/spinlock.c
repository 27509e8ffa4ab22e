/*
 * Spinlocks and the preemption count (see include/kernel/spinlock.h).
 *
 * The lock word is taken with an atomic exchange (acquire) and released
 * with a store (release); waiting spins on a plain read, so the cache line
 * is not hammered with writes while another CPU holds it.
 */
#include <kernel/kernel.h>
#include <kernel/lockdep.h>
#include <kernel/spinlock.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* One %gs-relative instruction each (asm/percpu.h): a task preempted and
 * migrated between reading "its CPU" and the increment would otherwise
 * count on the CPU it left. */
void preempt_disable(void)
{
	this_cpu_add32(preempt_count, 1);
	barrier();
}

void preempt_enable(void)
{
	barrier();
	ASSERT(this_cpu_read(preempt_count) > 0);
	this_cpu_add32(preempt_count, -1);
}

int preempt_count(void)
{
	return this_cpu_read(preempt_count);
}

void spin_lock_init(spinlock_t *lock, const char *name)
{
	*lock = (spinlock_t)SPINLOCK_INIT(name);
}

bool spin_is_held(const spinlock_t *lock)
{
	return READ_ONCE(lock->locked) && READ_ONCE(lock->owner_cpu) == (int)smp_processor_id();
}

static void lock_acquired(spinlock_t *lock, unsigned long pc)
{
	lock->owner_cpu = (int)smp_processor_id();
	lock->owner_pc = pc;
}

static __noinline void spin_lock_at(spinlock_t *lock, unsigned long pc)
{
	preempt_disable();
	if (unlikely(spin_is_held(lock)))
		panic("recursive locking of %s (first taken at %pS)", lock->name,
		      (void *)lock->owner_pc);
	if (lock->dep_class != LOCK_CLASS_NOCHECK)
		lock_acquire(&lock->dep_class, lock->name, LOCK_KIND_SPIN, lock, false, pc);
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		while (READ_ONCE(lock->locked))
			cpu_relax();
	}
	lock_acquired(lock, pc);
}

void spin_lock(spinlock_t *lock)
{
	spin_lock_at(lock, (unsigned long)__builtin_return_address(0));
}

bool spin_trylock(spinlock_t *lock)
{
	preempt_disable();
	if (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		preempt_enable();
		return false;
	}
	lock_acquired(lock, (unsigned long)__builtin_return_address(0));
	if (lock->dep_class != LOCK_CLASS_NOCHECK)
		lock_acquire(&lock->dep_class, lock->name, LOCK_KIND_SPIN, lock, true,
			     (unsigned long)__builtin_return_address(0));
	return true;
}

void spin_unlock(spinlock_t *lock)
{
	if (unlikely(!spin_is_held(lock)))
		panic("unlocking %s, which this CPU does not hold", lock->name);
	if (lock->dep_class != LOCK_CLASS_NOCHECK)
		lock_release(lock, lock->dep_class);
	lock->owner_cpu = -1;
	lock->owner_pc = 0;
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
	preempt_enable();
}

unsigned long spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = local_irq_save();

	spin_lock_at(lock, (unsigned long)__builtin_return_address(0));
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	local_irq_restore(flags);
}
