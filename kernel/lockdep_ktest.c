/*
 * ktests of the lock-order checker (kernel/lockdep.c).
 *
 * manual_lockdep_inversion takes two locks in both orders on purpose: the
 * checker must print "possible circular locking dependency" and the boot
 * must end as failed (tests/run.py's hangdiag suite checks both, and that
 * nothing is reported with lockdep=0). It is manual because a report turns
 * the checker off for the rest of the boot.
 */
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <asm/percpu.h>
#include <asm/processor.h>

static DEFINE_MUTEX(lockdep_demo_m);

/* Taking and releasing locks (in any order) leaves the held stack as it was. */
KTEST(lockdep_tracks_held_locks)
{
	static DEFINE_SPINLOCK(lockdep_track_a);
	static DEFINE_SPINLOCK(lockdep_track_b);
	unsigned int depth = current->lockdep.depth;

	if (!lockdep_enabled())
		return;                         /* lockdep=0: nothing is tracked */
	spin_lock(&lockdep_track_a);
	spin_lock(&lockdep_track_b);
	KT_EXPECT_EQ(current->lockdep.depth, depth + 2);
	KT_EXPECT(current->lockdep.held[depth].instance == &lockdep_track_a);
	spin_unlock(&lockdep_track_a);          /* out of order: allowed */
	KT_EXPECT_EQ(current->lockdep.depth, depth + 1);
	KT_EXPECT(current->lockdep.held[depth].instance == &lockdep_track_b);
	spin_unlock(&lockdep_track_b);
	KT_EXPECT_EQ(current->lockdep.depth, depth);
	KT_EXPECT_EQ(lockdep_reports(), 0u);
}

/* A lock released by another context than the one that took it (the
 * run-queue lock across a context switch) releases the innermost held
 * lock of its class here, so no stack keeps a stale entry. */
KTEST(lockdep_hand_over_releases_by_class)
{
	static u32 cls;
	static int first, second;
	unsigned int depth = current->lockdep.depth;
	unsigned long flags;

	if (!lockdep_enabled())
		return;
	flags = local_irq_save();               /* a spinlock-like section */
	lock_acquire(&cls, "lockdep-handover", LOCK_KIND_SPIN, &first, true, _RET_IP_);
	KT_EXPECT_EQ(current->lockdep.depth, depth + 1);
	lock_release(&second, cls);             /* the other instance, same class */
	KT_EXPECT_EQ(current->lockdep.depth, depth);
	lock_release(&first, cls);              /* nothing left of that class: ignored */
	KT_EXPECT_EQ(current->lockdep.depth, depth);
	local_irq_restore(flags);
}

/* Three mutexes: m -> b and b -> c first, then m under c, which closes
 * the cycle m -> b -> c -> m (the report shows the chain m -> b -> c). */
static DEFINE_MUTEX(lockdep_demo_b);
static DEFINE_MUTEX(lockdep_demo_c);

KTEST_MANUAL(manual_lockdep_inversion)
{
	unsigned int before = lockdep_reports();
	bool on = kernel_param_ulong("lockdep", 1) != 0;

	mutex_lock(&lockdep_demo_m);
	mutex_lock(&lockdep_demo_b);
	mutex_unlock(&lockdep_demo_b);
	mutex_unlock(&lockdep_demo_m);

	mutex_lock(&lockdep_demo_b);
	mutex_lock(&lockdep_demo_c);
	mutex_unlock(&lockdep_demo_c);
	mutex_unlock(&lockdep_demo_b);

	mutex_lock(&lockdep_demo_c);
	mutex_lock(&lockdep_demo_m);            /* c -> m: the inversion */
	mutex_unlock(&lockdep_demo_m);
	mutex_unlock(&lockdep_demo_c);

	KT_EXPECT_EQ(lockdep_reports(), before + (on ? 1 : 0));
	pr_info("manual_lockdep_inversion: %u report(s)\n", lockdep_reports() - before);
}

/*
 * A spinlock taken in an interrupt handler and, elsewhere, with interrupts
 * enabled: the handler could interrupt that holder on its own CPU and spin
 * forever. The "handler" here is this test with interrupts off and the
 * CPU's interrupt depth raised, which is all the checker looks at.
 */
static DEFINE_SPINLOCK(lockdep_demo_irq);

KTEST_MANUAL(manual_lockdep_irq_unsafe)
{
	unsigned int before = lockdep_reports();
	bool on = kernel_param_ulong("lockdep", 1) != 0;
	unsigned long flags = local_irq_save();

	this_cpu()->irq_depth++;
	spin_lock(&lockdep_demo_irq);           /* in "interrupt context" */
	spin_unlock(&lockdep_demo_irq);
	this_cpu()->irq_depth--;
	local_irq_restore(flags);

	spin_lock(&lockdep_demo_irq);           /* interrupts on: the bug */
	spin_unlock(&lockdep_demo_irq);

	KT_EXPECT_EQ(lockdep_reports(), before + (on ? 1 : 0));
	pr_info("manual_lockdep_irq_unsafe: %u report(s)\n", lockdep_reports() - before);
}

/*
 * An interrupt-safe lock held while taking one that is taken elsewhere with
 * interrupts on: CPU 0 holds the second (interrupts on) and takes an
 * interrupt that wants the first, held by CPU 1, which waits for the
 * second. Reported as "interrupt-safe -> interrupt-unsafe lock order".
 */
static DEFINE_SPINLOCK(lockdep_demo_safe);
static DEFINE_SPINLOCK(lockdep_demo_unsafe);

KTEST_MANUAL(manual_lockdep_irq_inversion)
{
	unsigned int before = lockdep_reports();
	bool on = kernel_param_ulong("lockdep", 1) != 0;
	unsigned long flags = local_irq_save();

	this_cpu()->irq_depth++;
	spin_lock(&lockdep_demo_safe);          /* in "interrupt context" */
	spin_unlock(&lockdep_demo_safe);
	this_cpu()->irq_depth--;
	spin_lock(&lockdep_demo_safe);          /* safe -> unsafe, interrupts off */
	spin_lock(&lockdep_demo_unsafe);
	spin_unlock(&lockdep_demo_unsafe);
	spin_unlock(&lockdep_demo_safe);
	local_irq_restore(flags);

	spin_lock(&lockdep_demo_unsafe);        /* interrupts on: now unsafe */
	spin_unlock(&lockdep_demo_unsafe);

	KT_EXPECT_EQ(lockdep_reports(), before + (on ? 1 : 0));
}
