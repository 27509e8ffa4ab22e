/*
 * ktests for tasks and sleeping: kernel threads start and are reaped, wait
 * queues hand control back and forth, a busy thread is preempted, timed
 * sleeps last long enough, and mutexes and rw-semaphores exclude as they
 * should while their holders sleep or yield.
 */
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/watchdog.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <asm/processor.h>
#include <mm/page_alloc.h>

static void count_task(struct task_struct *t, void *arg)
{
	(*(int *)arg)++;
}

static int nr_tasks(void)
{
	int n = 0;

	for_each_task(count_task, &n);
	return n;
}

struct simple_arg {
	int value;
	struct completion done;
};

static int set_value_thread(void *p)
{
	struct simple_arg *a = p;

	a->value = 42;
	complete(&a->done);
	return 0;
}

KTEST(sched_kthread_runs_and_is_reaped)
{
	struct simple_arg a = { 0 };
	int before = nr_tasks();

	init_completion(&a.done);
	KT_ASSERT(kthread_run(set_value_thread, &a, "kt-value") != NULL);
	wait_for_completion(&a.done);
	KT_EXPECT_EQ(a.value, 42);
	msleep(30);                             /* let it exit and be reaped */
	KT_EXPECT_EQ(nr_tasks(), before);
}

/* Two threads take turns through one wait queue; the turn variable says
 * whose move it is. Any lost wake-up hangs one side until the deadline. */
struct pingpong {
	struct wait_queue_head wq;
	int turn;                               /* 0: ping's move, 1: pong's */
	int moves;
	bool in_order;
	struct completion done;
};

static int pong_thread(void *p)
{
	struct pingpong *pp = p;

	for (int i = 0; i < 100; i++) {
		wait_event(pp->wq, READ_ONCE(pp->turn) == 1);
		if (pp->moves % 2 != 1)
			pp->in_order = false;
		pp->moves++;
		WRITE_ONCE(pp->turn, 0);
		wake_up(&pp->wq);
	}
	complete(&pp->done);
	return 0;
}

KTEST(sched_waitqueue_pingpong)
{
	struct pingpong pp = { .turn = 0, .moves = 0, .in_order = true };

	init_waitqueue_head(&pp.wq, "pingpong");
	init_completion(&pp.done);
	KT_ASSERT(kthread_run(pong_thread, &pp, "kt-pong") != NULL);
	for (int i = 0; i < 100; i++) {
		wait_event(pp.wq, READ_ONCE(pp.turn) == 0);
		if (pp.moves % 2 != 0)
			pp.in_order = false;
		pp.moves++;
		WRITE_ONCE(pp.turn, 1);
		wake_up(&pp.wq);
	}
	wait_for_completion(&pp.done);
	KT_EXPECT_EQ(pp.moves, 200);
	KT_EXPECT(pp.in_order);
}

/*
 * A thread spins without sleeping or yielding until the test sets a flag.
 * The test thread sleeps first, so only preemption at the end of the
 * spinner's slice lets it run again and set the flag. Without preemption
 * the spinner gives up at its deadline and reports failure.
 */
struct spinner {
	volatile bool stop;
	bool stopped_by_flag;
	struct completion done;
};

static int spinner_thread(void *p)
{
	struct spinner *s = p;
	u64 deadline = ktime_get_ns() + 10 * NSEC_PER_SEC;

	while (!s->stop && ktime_get_ns() < deadline)
		;
	s->stopped_by_flag = s->stop;
	complete(&s->done);
	return 0;
}

KTEST(sched_busy_thread_is_preempted)
{
	struct spinner s = { .stop = false };

	init_completion(&s.done);
	KT_ASSERT(kthread_run(spinner_thread, &s, "kt-spinner") != NULL);
	msleep(20);
	s.stop = true;
	wait_for_completion(&s.done);
	KT_EXPECT(s.stopped_by_flag);
	KT_EXPECT(current->nivcsw + current->nvcsw > 0);
}

KTEST(sched_msleep_lasts)
{
	u64 t0 = jiffies, ns0 = ktime_get_ns();

	msleep(50);
	KT_EXPECT(jiffies - t0 >= 5);           /* at least 50 ms of ticks */
	KT_EXPECT(ktime_get_ns() - ns0 >= 40 * NSEC_PER_MSEC);
}

KTEST(completion_before_wait)
{
	struct completion c;

	init_completion(&c);
	complete(&c);
	wait_for_completion(&c);                /* must not sleep */
	KT_EXPECT(c.done);
}

/* Several threads increment a counter inside a mutex, yielding halfway, so
 * without exclusion they would interleave and lose updates. */
struct mutex_test {
	struct mutex lock;
	int counter;
	int inside, max_inside;
	int finished;
};

static int mutex_worker(void *p)
{
	struct mutex_test *mt = p;

	for (int i = 0; i < 200; i++) {
		mutex_lock(&mt->lock);
		int v;

		if (++mt->inside > mt->max_inside)
			mt->max_inside = mt->inside;
		v = mt->counter;
		yield();                        /* invite another thread in */
		mt->counter = v + 1;
		mt->inside--;
		mutex_unlock(&mt->lock);
	}
	__atomic_add_fetch(&mt->finished, 1, __ATOMIC_SEQ_CST);
	return 0;
}

KTEST(mutex_excludes_across_yield)
{
	static struct mutex_test mt;

	mutex_init(&mt.lock, "ktest-mutex");
	mt.counter = mt.inside = mt.max_inside = mt.finished = 0;
	for (int i = 0; i < 4; i++)
		KT_ASSERT(kthread_run(mutex_worker, &mt, "kt-mutex") != NULL);
	while (READ_ONCE(mt.finished) < 4)
		msleep(10);
	KT_EXPECT_EQ(mt.counter, 800);
	KT_EXPECT_EQ(mt.max_inside, 1);
	KT_EXPECT(!mutex_is_locked_by_me(&mt.lock));
	KT_EXPECT(mutex_trylock(&mt.lock));
	mutex_unlock(&mt.lock);
}

/* Readers share an rw_semaphore; a writer excludes them all. */
struct rwsem_test {
	struct rw_semaphore sem;
	int readers_inside, max_readers;
	bool writer_saw_reader;
	int finished;
};

static int rwsem_reader(void *p)
{
	struct rwsem_test *rt = p;

	down_read(&rt->sem);
	__atomic_add_fetch(&rt->readers_inside, 1, __ATOMIC_SEQ_CST);
	msleep(30);                             /* hold it while the others arrive */
	if (rt->readers_inside > rt->max_readers)
		rt->max_readers = rt->readers_inside;
	__atomic_sub_fetch(&rt->readers_inside, 1, __ATOMIC_SEQ_CST);
	up_read(&rt->sem);
	__atomic_add_fetch(&rt->finished, 1, __ATOMIC_SEQ_CST);
	return 0;
}

KTEST(rwsem_readers_share_writer_excludes)
{
	static struct rwsem_test rt;

	init_rwsem(&rt.sem, "ktest-rwsem");
	rt.readers_inside = rt.max_readers = rt.finished = 0;
	rt.writer_saw_reader = false;
	for (int i = 0; i < 3; i++)
		KT_ASSERT(kthread_run(rwsem_reader, &rt, "kt-reader") != NULL);
	msleep(10);                             /* the readers are inside now */
	down_write(&rt.sem);                    /* waits for all three to leave */
	if (READ_ONCE(rt.readers_inside))
		rt.writer_saw_reader = true;
	up_write(&rt.sem);
	while (READ_ONCE(rt.finished) < 3)
		msleep(10);
	KT_EXPECT(rt.max_readers >= 2);
	KT_EXPECT(!rt.writer_saw_reader);
	KT_EXPECT(down_write_trylock(&rt.sem));
	KT_EXPECT(!down_read_trylock(&rt.sem));
	up_write(&rt.sem);
}

static int sleepy_thread(void *p)
{
	msleep(10);
	__atomic_add_fetch((int *)p, 1, __ATOMIC_SEQ_CST);
	return 0;
}

KTEST(sched_many_threads_no_leak)
{
	static int finished;
	unsigned long free_before = nr_free_pages();

	finished = 0;
	for (int i = 0; i < 50; i++)
		KT_ASSERT(kthread_run(sleepy_thread, &finished, "kt-sleepy") != NULL);
	while (READ_ONCE(finished) < 50)
		msleep(10);
	msleep(30);                             /* the last ones exit and are reaped */
	KT_EXPECT_EQ(finished, 50);
	/* Stacks and task structs are back (a slab page may stay cached). */
	KT_EXPECT(nr_free_pages() + 2 >= free_before);
}

/*
 * Regression test: a preempted sleeper was lost (issue 11). A task that has
 * set TASK_UNINTERRUPTIBLE but has not yet called schedule() (inside
 * prepare_to_wait, or the retry loop of a sleeping lock) can be preempted
 * by the timer interrupt. schedule() used to requeue only TASK_RUNNING
 * tasks, so such a task was never run again and whatever it held (often
 * mmap_lock) stayed held for good. Here the thread stays in that window for
 * four slices while a spinner keeps the run queue busy, so the preemption
 * is certain rather than a matter of where a tick lands. Before the fix
 * the thread never comes back and the test fails at its deadline.
 */
struct sleeper_window {
	volatile bool stop_spinning;
	volatile bool back;
	struct completion spinner_done;
};

static int window_spinner(void *p)
{
	struct sleeper_window *w = p;
	u64 deadline = ktime_get_ns() + 5 * NSEC_PER_SEC;

	while (!w->stop_spinning && ktime_get_ns() < deadline)
		cpu_relax();
	complete(&w->spinner_done);
	return 0;
}

static int window_sleeper(void *p)
{
	struct sleeper_window *w = p;
	u64 until = ktime_get_ns() + 4 * SCHED_SLICE_TICKS * (NSEC_PER_SEC / HZ);

	set_current_state(TASK_UNINTERRUPTIBLE);
	while (ktime_get_ns() < until)          /* interrupts on: preemptible */
		cpu_relax();
	set_current_state(TASK_RUNNING);
	w->back = true;
	return 0;
}

KTEST(sched_preempted_sleeper_is_not_lost)
{
	/* Leaked if the sleeper is lost: it might still touch it one day. */
	struct sleeper_window *w = kzalloc(sizeof(*w), GFP_KERNEL);
	u64 deadline;
	bool back;

	KT_ASSERT(w != NULL);
	init_completion(&w->spinner_done);
	KT_ASSERT(kthread_run(window_spinner, w, "kt-win-spin") != NULL);
	KT_ASSERT(kthread_run(window_sleeper, w, "kt-win-sleep") != NULL);
	deadline = ktime_get_ns() + 3 * NSEC_PER_SEC;
	while (!w->back && ktime_get_ns() < deadline)
		msleep(10);
	back = w->back;
	w->stop_spinning = true;
	wait_for_completion(&w->spinner_done);
	KT_EXPECT(back);
	if (back) {
		msleep(20);                     /* let both threads exit */
		kfree(w);
	}
}

/*
 * The hang-diagnostics demo: it hangs on purpose and never finishes, so it
 * runs only when asked for by name (ktest=manual_hang_forever). The test
 * takes a mutex, starts a thread that blocks on it, and then sleeps forever
 * itself with the mutex still held: two tasks in D state that nothing will
 * wake. The hung-task detector reports both with their backtraces (mutex_lock
 * in kt-hang-waiter, wait_for_completion in kernel_init), and the test
 * harness, when the boot times out, prints every task's stack through
 * QEMU's GDB stub (docs/hang-diagnostics.md; tests/run.py suite hangdiag).
 */
static DEFINE_MUTEX(hang_demo_lock);

static int hang_waiter_thread(void *unused)
{
	mutex_lock(&hang_demo_lock);            /* never returns */
	mutex_unlock(&hang_demo_lock);
	return 0;
}

KTEST_MANUAL(manual_hang_forever)
{
	struct completion never;

	init_completion(&never);
	mutex_lock(&hang_demo_lock);
	KT_ASSERT(kthread_run(hang_waiter_thread, NULL, "kt-hang-waiter") != NULL);
	pr_info("manual_hang_forever: holding hang_demo_lock and sleeping forever\n");
	wait_for_completion(&never);
	mutex_unlock(&hang_demo_lock);
}

/*
 * The soft-lockup demo (run on request: ktest=manual_softlockup, with
 * watchdog_thresh=1): spin with a spinlock held, so that the CPU neither
 * schedules nor could be preempted, until the watchdog has printed "BUG:
 * soft lockup" with this function in the trace (tests/run.py suite
 * hangdiag), or 30 s have passed; then the lock is released and the test
 * ends normally. It waits for the report rather than for a fixed time:
 * the watchdog counts timer ticks, and on a loaded host an emulated CPU
 * gets fewer ticks per second of wall time than it should.
 */
static DEFINE_SPINLOCK(softlockup_demo_lock);

KTEST_MANUAL(manual_softlockup)
{
	u64 until = READ_ONCE(jiffies) + 30 * HZ;
	unsigned long before = __atomic_load_n(&softlockup_reports, __ATOMIC_ACQUIRE);

	/* No call in the loop (the clock is jiffies, a load): the watchdog's
	 * interrupt then always lands in this function, and the report's
	 * backtrace names it. Spinning in ktime_get_ns, a leaf without a
	 * frame of its own, the frame-pointer walk skipped this caller. */
	spin_lock(&softlockup_demo_lock);
	while (READ_ONCE(jiffies) < until &&
	       __atomic_load_n(&softlockup_reports, __ATOMIC_ACQUIRE) == before)
		cpu_relax();
	spin_unlock(&softlockup_demo_lock);
}
