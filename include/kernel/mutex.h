/*
 * Sleeping locks: mutex and rw_semaphore.
 *
 * Unlike a spinlock, a task that cannot take a sleeping lock sleeps until
 * the holder releases it, so it may be held across disk I/O. Both may only
 * be taken where sleeping is allowed (might_sleep()), and never while a
 * spinlock is held. A mutex has one owner, who alone may release it.
 *
 * rw_semaphore: many readers or one writer. A waiting writer blocks new
 * readers, so a stream of readers cannot starve it.
 */
#ifndef _KERNEL_MUTEX_H
#define _KERNEL_MUTEX_H

#include <kernel/sched.h>
#include <kernel/wait.h>

struct mutex {
	struct task_struct *owner;      /* (wait.lock) NULL when free */
	const char *name;
	struct wait_queue_head wait;
	u32 dep_class;                  /* lock-order checker's class */
};

#define MUTEX_INIT(m, n) { NULL, n, WAIT_QUEUE_HEAD_INIT_NOCHECK((m).wait), 0 }
#define DEFINE_MUTEX(m) struct mutex m = MUTEX_INIT(m, #m)

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_is_locked_by_me(struct mutex *m);

#define ASSERT_MUTEX_HELD(m) do {                                       \
	if (unlikely(!mutex_is_locked_by_me(m)))                        \
		panic("%s: mutex %s not held (%s:%d)", __func__,        \
		      (m)->name, __FILE__, __LINE__);                   \
} while (0)

struct rw_semaphore {
	int readers;                    /* (wait.lock) active readers */
	struct task_struct *writer;     /* (wait.lock) the active writer, or NULL */
	int writers_waiting;            /* (wait.lock) */
	const char *name;
	struct wait_queue_head wait;
	u32 dep_class;                  /* lock-order checker's class */
};

#define RWSEM_INIT(s, n) { 0, NULL, 0, n, WAIT_QUEUE_HEAD_INIT_NOCHECK((s).wait), 0 }

void init_rwsem(struct rw_semaphore *s, const char *name);
void down_read(struct rw_semaphore *s);
void up_read(struct rw_semaphore *s);
void down_write(struct rw_semaphore *s);
void up_write(struct rw_semaphore *s);
bool down_read_trylock(struct rw_semaphore *s);
bool down_write_trylock(struct rw_semaphore *s);

#endif
