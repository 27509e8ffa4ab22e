/*
 * Wait queues and completions (see include/kernel/wait.h).
 *
 * Lock order: wq->lock -> rq->lock (wake_up calls wake_up_process with the
 * queue's lock held, so a waiter cannot leave the queue and free its entry
 * while it is being woken).
 */
#include <kernel/kernel.h>
#include <kernel/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq, const char *name)
{
	spin_lock_init(&wq->lock, name);
	INIT_LIST_HEAD(&wq->head);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w, long state)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	w->task = current;
	if (!w->entry.next)                     /* not queued yet */
		list_add_tail(&w->entry, &wq->head);
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	set_current_state(TASK_RUNNING);
	flags = spin_lock_irqsave(&wq->lock);
	if (w->entry.next)
		list_del(&w->entry);            /* leaves next == NULL: "not queued" */
	spin_unlock_irqrestore(&wq->lock, flags);
}

/* Context: wq->lock held. */
static void wake_up_locked(struct wait_queue_head *wq)
{
	struct wait_queue_entry *w;

	ASSERT_HELD(&wq->lock);
	list_for_each_entry(w, &wq->head, entry)
		wake_up_process(w->task);
}

void wake_up(struct wait_queue_head *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	wake_up_locked(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up_one(struct wait_queue_head *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct wait_queue_entry *w;

	/* The first waiter that was actually asleep; one already woken will
	 * recheck its condition anyway. */
	list_for_each_entry(w, &wq->head, entry)
		if (wake_up_process(w->task))
			break;
	spin_unlock_irqrestore(&wq->lock, flags);
}

void init_completion(struct completion *c)
{
	c->done = 0;
	init_waitqueue_head(&c->wait, "completion");
}

/*
 * Set done and wake the waiters under one hold of the lock: the waiter
 * cannot see done, return, and free an on-stack completion (another CPU)
 * while this function still uses it, because finish_wait() must take the
 * same lock first.
 */
void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wait.lock);

	c->done = 1;
	wake_up_locked(&c->wait);
	spin_unlock_irqrestore(&c->wait.lock, flags);
}

void wait_for_completion(struct completion *c)
{
	wait_event(c->wait, READ_ONCE(c->done));
}
