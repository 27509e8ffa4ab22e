/*
 * Sleeping locks: mutex and rw_semaphore (see include/kernel/mutex.h).
 *
 * Each lock's state lives under the spinlock of its own wait queue, so
 * "test the state, then queue and sleep" cannot miss an unlock: the
 * unlocker changes the state and wakes waiters under the same lock.
 */
#include <kernel/kernel.h>
#include <kernel/lockdep.h>
#include <kernel/mutex.h>

/* Call @try_take (which tests and takes the lock's state) under wq->lock. */
static bool try_once(struct wait_queue_head *wq, bool (*try_take)(void *), void *lock)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	bool taken = try_take(lock);

	spin_unlock_irqrestore(&wq->lock, flags);
	return taken;
}

/*
 * Sleep on @wq until @try_take (called under wq->lock) succeeds.
 */
static void sleep_until(struct wait_queue_head *wq, bool (*try_take)(void *), void *lock)
{
	struct wait_queue_entry w = { .task = current };

	might_sleep();
	for (;;) {
		prepare_to_wait(wq, &w, TASK_UNINTERRUPTIBLE);
		if (try_once(wq, try_take, lock))
			break;
		schedule();
	}
	finish_wait(wq, &w);
}

/* ---- mutex ---------------------------------------------------------------- */

void mutex_init(struct mutex *m, const char *name)
{
	m->owner = NULL;
	m->name = name;
	m->dep_class = 0;
	init_waitqueue_head(&m->wait, name);
	m->wait.lock.dep_class = LOCK_CLASS_NOCHECK;    /* the mutex is watched */
}

static bool mutex_try_take_locked(void *arg)
{
	struct mutex *m = arg;

	if (m->owner)
		return false;
	m->owner = current;
	return true;
}

void mutex_lock(struct mutex *m)
{
	if (unlikely(READ_ONCE(m->owner) == current))
		panic("recursive locking of mutex %s", m->name);
	lock_acquire(&m->dep_class, m->name, LOCK_KIND_MUTEX, m, false, _RET_IP_);
	/* Uncontended, one look under the queue's lock, without queueing
	 * (sleep_until would queue, try, and dequeue: three). */
	if (!try_once(&m->wait, mutex_try_take_locked, m))
		sleep_until(&m->wait, mutex_try_take_locked, m);
}

bool mutex_trylock(struct mutex *m)
{
	if (!try_once(&m->wait, mutex_try_take_locked, m))
		return false;
	lock_acquire(&m->dep_class, m->name, LOCK_KIND_MUTEX, m, true, _RET_IP_);
	return true;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wait.lock);
	bool waiters;

	if (unlikely(m->owner != current))
		panic("mutex %s unlocked by %s, which does not own it", m->name, current->comm);
	lock_release(m, m->dep_class);
	m->owner = NULL;
	/* A waiter is queued (prepare_to_wait) before its own try under
	 * this lock: one that failed is on the queue now, seen here. */
	waiters = !list_empty(&m->wait.head);
	spin_unlock_irqrestore(&m->wait.lock, flags);
	if (waiters)
		wake_up_one(&m->wait);
}

bool mutex_is_locked_by_me(struct mutex *m)
{
	return READ_ONCE(m->owner) == current;
}

/* ---- rw_semaphore ----------------------------------------------------------- */

void init_rwsem(struct rw_semaphore *s, const char *name)
{
	s->readers = 0;
	s->writer = NULL;
	s->writers_waiting = 0;
	s->name = name;
	s->dep_class = 0;
	init_waitqueue_head(&s->wait, name);
	s->wait.lock.dep_class = LOCK_CLASS_NOCHECK;    /* the rwsem is watched */
}

static bool rwsem_try_read_locked(void *arg)
{
	struct rw_semaphore *s = arg;

	/* A waiting writer blocks new readers: writers cannot starve. */
	if (s->writer || s->writers_waiting)
		return false;
	s->readers++;
	return true;
}

static bool rwsem_try_write_locked(void *arg)
{
	struct rw_semaphore *s = arg;

	if (s->writer || s->readers)
		return false;
	s->writer = current;
	return true;
}

/* A writer that must wait announces itself first (writers_waiting), so
 * readers arriving after it queue behind it. */
static bool rwsem_try_write_queued_locked(void *arg)
{
	struct rw_semaphore *s = arg;

	if (!rwsem_try_write_locked(s))
		return false;
	s->writers_waiting--;
	return true;
}

void down_read(struct rw_semaphore *s)
{
	lock_acquire(&s->dep_class, s->name, LOCK_KIND_RWSEM, s, false, _RET_IP_);
	/* Every page fault comes here: uncontended, one look under the
	 * queue's lock, without queueing (as mutex_lock). */
	if (!try_once(&s->wait, rwsem_try_read_locked, s))
		sleep_until(&s->wait, rwsem_try_read_locked, s);
}

bool down_read_trylock(struct rw_semaphore *s)
{
	if (!try_once(&s->wait, rwsem_try_read_locked, s))
		return false;
	lock_acquire(&s->dep_class, s->name, LOCK_KIND_RWSEM, s, true, _RET_IP_);
	return true;
}

void up_read(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait.lock);
	bool wake;

	ASSERT(s->readers > 0);
	lock_release(s, s->dep_class);
	/* Wake only if someone waits (a writer for the last reader, and
	 * readers queued behind it): a waiter is queued before its own try
	 * under this lock (see mutex_unlock), so one that failed shows. */
	wake = --s->readers == 0 && !list_empty(&s->wait.head);
	spin_unlock_irqrestore(&s->wait.lock, flags);
	if (wake)
		wake_up(&s->wait);
}

void down_write(struct rw_semaphore *s)
{
	unsigned long flags;

	if (unlikely(READ_ONCE(s->writer) == current))
		panic("recursive down_write of %s", s->name);
	lock_acquire(&s->dep_class, s->name, LOCK_KIND_RWSEM, s, false, _RET_IP_);
	flags = spin_lock_irqsave(&s->wait.lock);
	if (rwsem_try_write_locked(s)) {
		spin_unlock_irqrestore(&s->wait.lock, flags);
		return;
	}
	s->writers_waiting++;
	spin_unlock_irqrestore(&s->wait.lock, flags);
	sleep_until(&s->wait, rwsem_try_write_queued_locked, s);
}

bool down_write_trylock(struct rw_semaphore *s)
{
	if (!try_once(&s->wait, rwsem_try_write_locked, s))
		return false;
	lock_acquire(&s->dep_class, s->name, LOCK_KIND_RWSEM, s, true, _RET_IP_);
	return true;
}

void up_write(struct rw_semaphore *s)
{
	unsigned long flags = spin_lock_irqsave(&s->wait.lock);

	if (unlikely(s->writer != current))
		panic("up_write of %s by %s, which does not hold it", s->name, current->comm);
	lock_release(s, s->dep_class);
	s->writer = NULL;
	spin_unlock_irqrestore(&s->wait.lock, flags);
	wake_up(&s->wait);
}
