/*
 * Wait queues: how a task sleeps until something happens.
 *
 * The waker changes the condition, then calls wake_up(). The sleeper uses
 * wait_event(wq, condition), which sets its state to sleeping *before*
 * testing the condition, so a wake_up() that comes between the test and
 * the sleep is not lost: it finds the task on the queue and makes it
 * runnable again, and schedule() returns at once.
 *
 * Context: wake_up() may be called from interrupt handlers; wait_event()
 * may sleep (might_sleep()).
 */
#ifndef _KERNEL_WAIT_H
#define _KERNEL_WAIT_H

#include <kernel/list.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;          /* (lock) struct wait_queue_entry */
};

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;         /* (wq lock) */
};

#define WAIT_QUEUE_HEAD_INIT(name) { SPINLOCK_INIT(#name), LIST_HEAD_INIT((name).head) }
/* The wait queue inside a sleeping lock (include/kernel/mutex.h). */
#define WAIT_QUEUE_HEAD_INIT_NOCHECK(name) { SPINLOCK_INIT_NOCHECK(#name), \
					     LIST_HEAD_INIT((name).head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = WAIT_QUEUE_HEAD_INIT(name)

void init_waitqueue_head(struct wait_queue_head *wq, const char *name);
/* Queue the current task on @wq (once) and set its state to @state. */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state);
/* Set the task running again and take it off @wq. */
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);
/* Wake every task waiting on @wq. Context: any. */
void wake_up(struct wait_queue_head *wq);
/* Wake at most one waiter (for locks: hand over to one task). */
void wake_up_one(struct wait_queue_head *wq);

#define __wait_event(wq, condition, state) do {                         \
	struct wait_queue_entry __w = { .task = current };              \
	might_sleep();                                                  \
	for (;;) {                                                      \
		prepare_to_wait(&(wq), &__w, (state));                  \
		if (condition)                                          \
			break;                                          \
		schedule();                                             \
	}                                                               \
	finish_wait(&(wq), &__w);                                       \
} while (0)

#define wait_event(wq, condition) __wait_event(wq, condition, TASK_UNINTERRUPTIBLE)
/* For a kernel thread waiting for work: the same, in TASK_IDLE, so that a
 * long quiet spell is not reported as a hung task. */
#define wait_event_idle(wq, condition) __wait_event(wq, condition, TASK_IDLE)

/* A one-shot event: wait_for_completion() returns once complete() has been
 * called (before or after). Used for "this I/O finished". */
struct completion {
	volatile unsigned int done;
	struct wait_queue_head wait;
};

void init_completion(struct completion *c);
void complete(struct completion *c);            /* Context: any */
void wait_for_completion(struct completion *c); /* Context: may sleep */

#endif
