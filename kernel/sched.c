/*
 * The scheduler: tasks, the run queue, kernel threads and timed sleeps.
 *
 * Policy: round robin. Runnable tasks wait on run_queue in FIFO order; the
 * running task is not on it. A task runs until it sleeps, yields, exits, or
 * uses up its slice (SCHED_SLICE_TICKS ticks), when the timer interrupt
 * asks for a reschedule and the interrupt's exit path preempts it, if it
 * holds no spinlock. A preempted task goes back on run_queue whatever its
 * state: a preemption is not a sleep (__schedule; docs/locking.md,
 * "Sleeping and waking"). The idle task runs when run_queue is empty.
 *
 * Locks (see docs/locking.md):
 *   rq_lock (irqsave)       run_queue, every task's state/on_rq/on_cpu/slice
 *   sleep_lock (irqsave)    sleep_list (timed sleeps), taken before rq_lock
 *   tasklist_lock (irqsave) all_tasks, next_pid
 * rq_lock is held across the context switch itself; the task switched to
 * releases it (finish_task_switch), so no other CPU can see a task half
 * switched.
 */
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/sched.h>
#include <kernel/sections.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/switch_to.h>

static DEFINE_SPINLOCK(rq_lock);
static LIST_HEAD(run_queue);

static DEFINE_SPINLOCK(sleep_lock);
static LIST_HEAD(sleep_list);

static DEFINE_SPINLOCK(tasklist_lock);
static LIST_HEAD(all_tasks);
static int next_pid = 1;

static struct task_struct idle_task = {
	.state = TASK_RUNNING,
	.pid = 0,
	.comm = "swapper/0",
};

struct task_struct *get_current(void)
{
	return this_cpu()->current_task;
}

const char *task_state_name(long state)
{
	switch (state) {
	case TASK_RUNNING: return "R";
	case TASK_INTERRUPTIBLE: return "S";
	case TASK_UNINTERRUPTIBLE: return "D";
	case TASK_IDLE: return "I";
	case TASK_DEAD: return "X";
	default: return "?";
	}
}

void might_sleep(void)
{
	if (unlikely(preempt_count() || irqs_disabled() || this_cpu()->irq_depth))
		panic("BUG: sleeping function called from invalid context: "
		      "preempt_count=%d irqs_disabled=%d in_interrupt=%u",
		      preempt_count(), irqs_disabled(), this_cpu()->irq_depth);
}

/* Context: rq_lock held. */
static void enqueue_task_locked(struct task_struct *t)
{
	ASSERT_HELD(&rq_lock);
	if (!t->on_rq && t != this_cpu()->idle_task) {
		list_add_tail(&t->run_list, &run_queue);
		t->on_rq = true;
	}
}

/* Context: rq_lock held. */
static struct task_struct *pick_next_task_locked(void)
{
	struct task_struct *next;

	ASSERT_HELD(&rq_lock);
	if (list_empty(&run_queue))
		return this_cpu()->idle_task;
	next = list_first_entry(&run_queue, struct task_struct, run_list);
	list_del(&next->run_list);
	next->on_rq = false;
	return next;
}

/*
 * A task has switched away for the last time. A kernel thread is freed
 * whole. A user process keeps its task_struct as a zombie (exit status,
 * counters) until its parent reaps it (release_task); only its kernel
 * stack goes now, and only now is the zombie published to wait4, so a
 * parent never frees a task that is still switching away.
 */
static void free_task(struct task_struct *t)
{
	unsigned long flags;

	free_pages(t->stack, KERNEL_STACK_ORDER);
	t->stack = NULL;
	if (t->is_process) {
		process_became_zombie(t);
		return;
	}
	flags = spin_lock_irqsave(&tasklist_lock);
	list_del(&t->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	kfree(t);
}

unsigned long tasklist_lock_irqsave(void)
{
	return spin_lock_irqsave(&tasklist_lock);
}

void tasklist_unlock_irqrestore(unsigned long flags)
{
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void assert_tasklist_held(const char *fn)
{
	if (unlikely(!spin_is_held(&tasklist_lock)))
		panic("%s: tasklist_lock not held", fn);
}

/* Reap a zombie: its task_struct goes. Context: any, no lock held. */
void release_task(struct task_struct *t)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);

	list_del(&t->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (t->signal)
		free_signal_state(t);   /* after list_del: kill() finds tasks on the list */
	kfree(t);
}

/* A group leader that has exited while other threads of its process run
 * on (pthread_exit in main): the process still exists, and its pid names
 * it. Context: tasklist_lock held. */
static bool leader_of_live_group(struct task_struct *t)
{
	return t == t->group_leader && !thread_group_dead(t);
}

struct task_struct *find_task_by_pid_locked(int pid)
{
	struct task_struct *t;

	ASSERT_HELD(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, tasks)
		if (t->pid == pid && t->is_process &&
		    (!t->exit_state || leader_of_live_group(t)))
			return t;
	return NULL;
}

void for_each_process_locked(void (*fn)(struct task_struct *t, void *arg), void *arg)
{
	struct task_struct *t;

	ASSERT_HELD(&tasklist_lock);
	list_for_each_entry(t, &all_tasks, tasks)
		if (t->is_process && t == t->group_leader &&       /* one per process */
		    ((!t->exit_state && t->state != TASK_DEAD) || leader_of_live_group(t)))
			fn(t, arg);
}

/*
 * Second half of a switch, run by the task switched to: it owns rq_lock
 * (taken by the task switched from) and drops it; then reaps @prev if it
 * exited. Returns with rq_lock released and interrupts as the caller's
 * flags say.
 */
static void finish_task_switch(struct task_struct *prev)
{
	prev->on_cpu = false;
	spin_unlock(&rq_lock);
	if (prev->state == TASK_DEAD)
		free_task(prev);
}

/*
 * Switch to the next runnable task. @preempt says why we are here:
 *
 *   false  the task calls schedule() itself. If it set a sleeping state
 *          first (set_current_state), it leaves the CPU and is not queued:
 *          only a wake-up (wake_up_state) puts it back.
 *   true   an interrupt preempts the task (preempt_schedule_irq). A
 *          preemption is not a sleep: the task goes back on the run queue
 *          whatever its state. It may have set TASK_UNINTERRUPTIBLE and not
 *          yet reached its own schedule() (prepare_to_wait, the retry loop
 *          of a sleeping lock); if it were left off the queue, the wake-up
 *          it is about to wait for may already have come and gone, and
 *          nothing would ever run it again. Queued, it runs on, finds its
 *          condition (or not) and sleeps through its own schedule().
 *
 * Context: no spinlock held (preempt_count 0); interrupts in any state
 * (restored on return).
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next, *last;
	unsigned long flags;

	if (unlikely(preempt_count()))
		panic("schedule() with preempt_count %d (a spinlock is held?)", preempt_count());
	touch_softlockup_watchdog();
	flags = spin_lock_irqsave(&rq_lock);
	/* kthread_exit() sets TASK_DEAD with interrupts off, so no
	 * preemption can find a dead task here and queue it again. */
	if (unlikely(preempt && prev->state == TASK_DEAD))
		panic("__schedule: a dead task (%s) was preempted", prev->comm);
	if (prev->state == TASK_RUNNING || preempt)
		enqueue_task_locked(prev);      /* runnable: back of the queue */
	next = pick_next_task_locked();
	prev->need_resched = false;
	if (next == prev) {
		spin_unlock_irqrestore(&rq_lock, flags);
		return;
	}
	next->slice = SCHED_SLICE_TICKS;
	next->on_cpu = true;
	if (preempt || prev->state == TASK_RUNNING)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	this_cpu()->current_task = next;
	arch_switch_to(prev, next);
	last = __switch_to_asm(&prev->thread.rsp, next->thread.rsp, prev);
	/* Back in prev, switched to by "last". */
	finish_task_switch(last);
	local_irq_restore(flags);
}

void schedule(void)
{
	__schedule(false);
}

void yield(void)
{
	schedule();
}

bool wake_up_process(struct task_struct *t)
{
	return wake_up_state(t, TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE);
}

bool wake_up_state(struct task_struct *t, long state)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock);
	bool woken = false;

	if (t->state & state) {
		t->state = TASK_RUNNING;
		/* A task still on its way out of schedule() on some CPU is
		 * requeued by schedule() itself when it sees TASK_RUNNING. */
		if (!t->on_cpu)
			enqueue_task_locked(t);
		if (current == this_cpu()->idle_task)
			current->need_resched = true;
		woken = true;
	}
	spin_unlock_irqrestore(&rq_lock, flags);
	return woken;
}

/* Wake every timed sleeper whose time has come. Context: timer interrupt. */
static void wake_sleepers(void)
{
	struct task_struct *t, *n;

	spin_lock(&sleep_lock);
	list_for_each_entry_safe(t, n, &sleep_list, timer_list) {
		if (t->wake_jiffies <= jiffies) {
			list_del_init(&t->timer_list);
			wake_up_process(t);
		}
	}
	spin_unlock(&sleep_lock);
}

void scheduler_tick(void)
{
	struct task_struct *cur = current;

	wake_sleepers();
	spin_lock(&rq_lock);
	if (cur == this_cpu()->idle_task) {
		if (!list_empty(&run_queue))
			cur->need_resched = true;
	} else if (cur->slice && --cur->slice == 0) {
		if (!list_empty(&run_queue))
			cur->need_resched = true;
		else
			cur->slice = SCHED_SLICE_TICKS;
	}
	spin_unlock(&rq_lock);
}

void account_process_tick(struct task_struct *t, bool user)
{
	if (t == this_cpu()->idle_task)
		return;
	if (user)
		t->utime_ticks++;
	else
		t->stime_ticks++;
}

void preempt_schedule_irq(void)
{
	if (current->need_resched && !preempt_count())
		__schedule(true);
}

long schedule_timeout(long ticks)
{
	struct task_struct *me = current;
	unsigned long flags;
	u64 deadline = jiffies + (u64)ticks;
	long left;

	might_sleep();
	flags = spin_lock_irqsave(&sleep_lock);
	me->wake_jiffies = deadline;
	list_add_tail(&me->timer_list, &sleep_list);
	spin_unlock_irqrestore(&sleep_lock, flags);

	schedule();

	flags = spin_lock_irqsave(&sleep_lock);
	if (!list_empty(&me->timer_list))
		list_del_init(&me->timer_list);         /* woken before the deadline */
	spin_unlock_irqrestore(&sleep_lock, flags);
	left = (long)(deadline - jiffies);
	return left > 0 ? left : 0;
}

unsigned long msleep(unsigned int ms)
{
	/* +1: the current tick is already partly over. */
	long ticks = (long)DIV_ROUND_UP((u64)ms * HZ, 1000) + 1;
	long left;

	set_current_state(TASK_UNINTERRUPTIBLE);
	left = schedule_timeout(ticks);
	return (unsigned long)left * 1000 / HZ;
}

bool task_is_blocked(struct task_struct *t)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock);
	bool blocked = (t->state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)) &&
		       !t->on_rq && !t->on_cpu;

	spin_unlock_irqrestore(&rq_lock, flags);
	return blocked;
}

void sched_show_task(struct task_struct *t)
{
	unsigned long entries[BACKTRACE_MAX_FRAMES], pc, fp;
	unsigned int n = 0;
	unsigned long flags;
	bool running;

	ASSERT_HELD(&tasklist_lock);            /* @t stays; ->parent is stable */
	/* Under rq_lock no CPU can switch @t in, so its saved frame and the
	 * stack below it stay still while they are read. */
	flags = spin_lock_irqsave(&rq_lock);
	running = t->on_cpu;
	if (!running && t->stack && thread_saved_frame(t->thread.rsp, &pc, &fp))
		n = stack_trace_save_fp(pc, fp, entries, BACKTRACE_MAX_FRAMES);
	spin_unlock_irqrestore(&rq_lock, flags);

	pr_err("task:%-15s state:%s pid:%d ppid:%d switches:%lu\n", t->comm,
	       task_state_name(t->state), t->pid, t->parent ? t->parent->pid : 0,
	       t->nvcsw + t->nivcsw);
	if (running) {
		pr_err(" (running on a CPU: no stable stack to show)\n");
		return;
	}
	pr_err("Call Trace:\n");
	for (unsigned int i = 0; i < n; i++)
		pr_err(" %pS\n", (void *)entries[i]);
}

/* ---- kernel threads ----------------------------------------------------- */

/* The first C code a new thread runs (from ret_from_kthread). */
__noreturn void kthread_entry(struct task_struct *prev);

void kthread_entry(struct task_struct *prev)
{
	struct task_struct *me = current;

	finish_task_switch(prev);
	local_irq_enable();
	kthread_exit(me->fn(me->arg));
}

struct task_struct *task_create(int (*fn)(void *arg), void *arg, const char *name,
			        unsigned long reserve)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long flags;

	if (!t)
		return NULL;
	t->stack = get_free_pages(GFP_KERNEL, KERNEL_STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	strlcpy(t->comm, name, sizeof(t->comm));
	t->fn = fn;
	t->arg = arg;
	t->thread.rsp = thread_stack_init(t->stack, KERNEL_STACK_SIZE - reserve);
	t->state = TASK_UNINTERRUPTIBLE;        /* not runnable until woken */
	INIT_LIST_HEAD(&t->timer_list);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	flags = spin_lock_irqsave(&tasklist_lock);
	t->pid = next_pid++;
	t->tgid = t->pid;
	t->group_leader = t;            /* threads: copy_process changes it */
	list_add_tail(&t->tasks, &all_tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return t;
}

void task_destroy_unborn(struct task_struct *t)
{
	free_pages(t->stack, KERNEL_STACK_ORDER);
	release_task(t);
}

struct task_struct *kthread_run(int (*fn)(void *arg), void *arg, const char *name)
{
	struct task_struct *t = task_create(fn, arg, name, 0);

	if (t)
		wake_up_process(t);
	return t;
}

void kthread_exit(int code)
{
	struct task_struct *me = current;

	if (me == this_cpu()->idle_task)
		panic("the idle task tried to exit");
	me->exit_code = code;
	/* Interrupts off from here: a preemption between the state store and
	 * schedule() would queue the dead task again (see __schedule). */
	local_irq_disable();
	set_current_state(TASK_DEAD);           /* schedule() will not requeue it */
	schedule();
	panic("a dead task was scheduled again");
}

void for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&tasklist_lock);
	struct task_struct *t;

	list_for_each_entry(t, &all_tasks, tasks)
		fn(t, arg);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void sched_init(void)
{
	struct cpu_local *c = this_cpu();

	idle_task.stack = boot_stack;
	idle_task.on_cpu = true;
	INIT_LIST_HEAD(&idle_task.timer_list);
	list_add_tail(&idle_task.tasks, &all_tasks);
	c->idle_task = &idle_task;
	c->current_task = &idle_task;
	c->kernel_stack = (unsigned long)boot_stack + KERNEL_STACK_SIZE;
	pr_info("sched: round robin, %u ms slices, %u KiB kernel stacks\n",
		SCHED_SLICE_TICKS * 1000 / HZ, (unsigned int)(KERNEL_STACK_SIZE >> 10));
}

void cpu_idle(void)
{
	for (;;) {
		local_irq_disable();
		touch_softlockup_watchdog();    /* an idle CPU is not locked up */
		if (!list_empty(&run_queue)) {
			local_irq_enable();
			schedule();
		} else {
			safe_halt();            /* sti; hlt: no wake-up lost in between */
		}
	}
}
