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
