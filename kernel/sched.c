/*
 * The scheduler: tasks, per-CPU run queues, kernel threads and timed sleeps.
 *
 * Policy: round robin on each CPU. Every CPU has a run queue (struct rq)
 * of runnable tasks waiting for it, in FIFO order; the task running on a
 * CPU is not on its queue. A task runs until it sleeps, yields, exits, or
 * uses up its slice (SCHED_SLICE_TICKS of its CPU's ticks), when the timer
 * interrupt asks for a reschedule and the interrupt's exit path preempts
 * it, if it holds no spinlock. A preempted task goes back on its queue
 * whatever its state: a preemption is not a sleep (__schedule;
 * docs/locking.md, "Sleeping and waking"). A CPU's idle task runs when its
 * queue is empty.
 *
 * Placement (docs/smp.md): a woken or new task goes to the least-loaded
 * CPU it is allowed on (its last CPU on a tie), and that CPU is sent a
 * reschedule IPI if it is idle. An idle CPU pulls one task from the
 * busiest queue before it halts, and again at each of its ticks. A task
 * whose affinity excludes the CPU it runs on is pushed to another at its
 * next switch.
 *
 * Locks (see docs/locking.md):
 *   rq->lock (irqsave)      one per CPU: its queue, curr, push_task, and the
 *                           state/on_rq/on_cpu/slice/cpu/cpus_allowed of
 *                           every task whose task->cpu is that CPU
 *   sleep_lock (irqsave)    sleep_list (timed sleeps), taken before rq locks
 *   tasklist_lock (irqsave) all_tasks, next_pid
 * Two run-queue locks are taken lower CPU number first (double_rq_lock),
 * never otherwise. A CPU's rq->lock is held across its context switch; the
 * task switched to releases it (finish_task_switch), so no other CPU can
 * see a task half switched: a task is never found !on_cpu while its old
 * CPU still runs on its stack, and only a !on_cpu task is ever moved to
 * another CPU's queue (the on_cpu handshake: docs/smp.md).
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/sched.h>
#include <kernel/sections.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/switch_to.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>

struct rq {
	spinlock_t lock;
	struct list_head queue;         /* (lock) runnable tasks waiting here, FIFO */
	unsigned int nr_queued;         /* (lock) length of queue; read without the
					 * lock as a placement hint only */
	struct task_struct *curr;       /* (lock) running here; read unlocked as a hint */
	struct task_struct *idle;       /* (c) */
	struct task_struct *push_task;  /* (lock) the task switched away from, to be
					 * moved to a CPU it may use (finish_task_switch) */
	unsigned int cpu;               /* (c) */
	/* (this CPU only) statistics for /proc/stat */
	u64 user_ticks, system_ticks, idle_ticks;
	unsigned long nr_switches;
};

static struct rq runqueues[NR_CPUS];

static inline struct rq *cpu_rq(unsigned int cpu)
{
	return &runqueues[cpu];
}

/* Context: preemption or interrupts disabled (the CPU cannot change). */
static inline struct rq *this_rq(void)
{
	return cpu_rq(smp_processor_id());
}

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
	/* One %gs-relative load: a preemption cannot split it (asm/percpu.h). */
	return this_cpu_read(current_task);
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
	if (unlikely(preempt_count() || irqs_disabled() || this_cpu_read(irq_depth)))
		panic("BUG: sleeping function called from invalid context: "
		      "preempt_count=%d irqs_disabled=%d in_interrupt=%u",
		      preempt_count(), irqs_disabled(), this_cpu_read(irq_depth));
}

/* ---- run queues ---------------------------------------------------------- */

/* Context: rq->lock held. */
static void enqueue_task(struct rq *rq, struct task_struct *t)
{
	ASSERT_HELD(&rq->lock);
	if (!t->on_rq && t != rq->idle) {
		list_add_tail(&t->run_list, &rq->queue);
		t->on_rq = true;
		rq->nr_queued++;
	}
}

/* Context: rq->lock held; @t is on rq's queue. */
static void dequeue_task(struct rq *rq, struct task_struct *t)
{
	ASSERT_HELD(&rq->lock);
	list_del(&t->run_list);
	t->on_rq = false;
	rq->nr_queued--;
}

/* Context: rq->lock held. */
static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task_struct, run_list);
	dequeue_task(rq, next);
	return next;
}

/*
 * Lock the run queue @t belongs to. t->cpu changes only with that queue's
 * lock held, so once locked, a t->cpu that still names it stays so.
 * Returns with interrupts off (old state in *flags).
 */
static struct rq *task_rq_lock(struct task_struct *t, unsigned long *flags)
{
	for (;;) {
		struct rq *rq = cpu_rq(task_cpu(t));

		*flags = spin_lock_irqsave(&rq->lock);
		if (rq == cpu_rq(task_cpu(t)))
			return rq;
		spin_unlock_irqrestore(&rq->lock, *flags);
	}
}

/* The lock order for two run queues: lower CPU number first. Context:
 * interrupts off, neither lock held. */
static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a == b) {
		spin_lock(&a->lock);
		return;
	}
	if (a->cpu > b->cpu) {
		struct rq *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	spin_lock(&b->lock);
}

static void double_rq_unlock(struct rq *a, struct rq *b)
{
	if (a != b)
		spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

/* Running plus queued tasks: what placement compares. A hint, read
 * without the queue's lock. */
static unsigned int rq_load(struct rq *rq)
{
	return READ_ONCE(rq->nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
}

/* The least-loaded online CPU @t may use; @prefer (its last CPU) wins a
 * tie, so a task stays where its cache is when nothing is gained. */
static unsigned int select_task_rq(struct task_struct *t, unsigned int prefer)
{
	unsigned int cpu, best = prefer, best_load = ~0u;
	struct cpumask allowed = cpumask_read(&t->cpus_allowed);

	for_each_online_cpu(cpu) {
		unsigned int load;

		if (!cpumask_test_cpu(cpu, &allowed))
			continue;
		load = rq_load(cpu_rq(cpu));
		if (load < best_load || (load == best_load && cpu == prefer)) {
			best = cpu;
			best_load = load;
		}
	}
	if (best_load == ~0u)                   /* no allowed CPU online: cannot be */
		best = smp_processor_id();      /* (set_cpus_allowed refuses such masks) */
	return best;
}

/* Ask @rq's CPU to reschedule: a flag for its current task, and an IPI if
 * that CPU is another one (it sees the flag on the way out of the IPI).
 * Context: rq->lock held. */
static void resched_curr(struct rq *rq)
{
	ASSERT_HELD(&rq->lock);
	rq->curr->need_resched = true;
	if (rq->cpu != smp_processor_id())
		smp_send_reschedule(rq->cpu);
}

/* Put @t, runnable and on no CPU or queue, on @rq, waking rq's CPU if it
 * idles. Round robin has no priorities, so a busy CPU is not preempted:
 * the task waits its turn there. Context: rq->lock held. */
static void activate_task(struct rq *rq, struct task_struct *t)
{
	WRITE_ONCE(t->cpu, rq->cpu);
	enqueue_task(rq, t);
	if (rq->curr == rq->idle)
		resched_curr(rq);
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
 * @t was switched away from on this CPU but may not run here any more
 * (set_cpus_allowed): queue it on a CPU it may use. It is still marked
 * on_cpu, so no waker or puller touches it until it is queued.
 * Context: interrupts off, no lock held.
 */
static void push_task_away(struct task_struct *t)
{
	struct rq *rq = this_rq();

	for (;;) {
		struct rq *dst = cpu_rq(select_task_rq(t, rq->cpu));

		double_rq_lock(rq, dst);
		/* The mask may have changed while unlocked: check under both. */
		if (cpumask_test_cpu(dst->cpu, &t->cpus_allowed)) {
			t->on_cpu = false;
			activate_task(dst, t);
			double_rq_unlock(rq, dst);
			return;
		}
		double_rq_unlock(rq, dst);
	}
}

/*
 * Second half of a switch, run by the task switched to: it owns this CPU's
 * rq->lock (taken by the task switched from) and drops it, after marking
 * @prev off the CPU: from here another CPU may run @prev (our stack is no
 * longer its). Then it moves @prev away if its affinity says so, and reaps
 * it if it exited. Returns with the lock released and interrupts off.
 */
static void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct task_struct *push = rq->push_task;
	/* Read while rq->lock and on_cpu still keep @prev ours: once both
	 * are released another CPU may pull @prev, run it to its exit and
	 * free it, so nothing below may look at @prev again (unless it is
	 * dead: a dead task is never queued or pushed, so it stays ours). */
	long prev_state = READ_ONCE(prev->state);

	rq->push_task = NULL;
	if (push != prev)
		prev->on_cpu = false;           /* released with the lock below */
	spin_unlock(&rq->lock);
	/* The reference to the address space this CPU stopped using, dropped
	 * here rather than in the switch: the last drop frees page tables,
	 * which is no work to do under rq->lock. */
	switch_mm_finish();
	if (push)
		push_task_away(push);
	if (prev_state == TASK_DEAD)
		free_task(prev);
}

/*
 * Switch to the next runnable task of this CPU. @preempt says why we are
 * here:
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
 * A task that stays runnable but may no longer use this CPU is not queued
 * here but pushed to another after the switch (push_task).
 *
 * Context: no spinlock held (preempt_count 0); interrupts in any state
 * (restored on return).
 */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next, *last;
	unsigned long flags;
	struct rq *rq;

	if (unlikely(preempt_count()))
		panic("schedule() with preempt_count %d (a spinlock is held?)", preempt_count());
	touch_softlockup_watchdog();
	flags = local_irq_save();
	rq = this_rq();
	spin_lock(&rq->lock);
	/* kthread_exit() sets TASK_DEAD with interrupts off, so no
	 * preemption can find a dead task here and queue it again. */
	if (unlikely(preempt && prev->state == TASK_DEAD))
		panic("__schedule: a dead task (%s) was preempted", prev->comm);
	if (prev->state == TASK_RUNNING || preempt) {
		if (prev != rq->idle && !cpumask_test_cpu(rq->cpu, &prev->cpus_allowed))
			rq->push_task = prev;   /* runnable, but not here */
		else
			enqueue_task(rq, prev); /* back of the queue */
	}
	next = pick_next_task(rq);
	prev->need_resched = false;
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	next->slice = SCHED_SLICE_TICKS;
	next->on_cpu = true;
	if (preempt || prev->state == TASK_RUNNING)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	rq->nr_switches++;
	rq->curr = next;
	this_cpu()->current_task = next;
	arch_switch_to(prev, next);
	last = __switch_to_asm(&prev->thread.rsp, next->thread.rsp, prev);
	/* Back in prev, perhaps on another CPU, switched to by "last". */
	finish_task_switch(last);
	local_irq_restore(flags);
}

/*
 * A task that holds a plug (include/drivers/blkdev.h) starts the requests
 * it holds before it leaves the CPU: it may be about to wait for one of
 * them (a page's write-back, a read it submitted), and nobody else can
 * start them. Every voluntary schedule() flushes, whatever the task's
 * state, so a task that yields in a loop waiting for its I/O cannot spin
 * either; a preemption (preempt_schedule_irq) does not, since the task is
 * still running and the interrupt handler must not submit I/O. The flush
 * never sleeps (->submit does not), so it is safe with the task's sleeping
 * state already set.
 */
void schedule(void)
{
	blk_schedule_flush_plug(current->plug);
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

/*
 * Wake @t if its state is in @state. A task that is still on a CPU (before
 * or inside its own schedule()) or still queued (preempted on its way to
 * sleep) is only marked runnable: __schedule requeues a running task that
 * it finds TASK_RUNNING. A task off every CPU and queue is put on the
 * least-loaded CPU it may use; moving it there needs its old queue's lock
 * (which guards t->cpu) and the new one's, taken in order, and everything
 * is checked again once both are held.
 */
bool wake_up_state(struct task_struct *t, long state)
{
	unsigned long flags;
	struct rq *rq, *dst;
	bool woken = false;

again:
	rq = task_rq_lock(t, &flags);
	if (!(t->state & state))
		goto out;
	if (t->on_rq || t->on_cpu) {
		t->state = TASK_RUNNING;
		woken = true;
		goto out;
	}
	dst = cpu_rq(select_task_rq(t, rq->cpu));
	if (dst != rq) {
		spin_unlock(&rq->lock);         /* interrupts stay off */
		double_rq_lock(rq, dst);
		if (task_cpu(t) != rq->cpu || !(t->state & state) || t->on_rq || t->on_cpu ||
		    !cpumask_test_cpu(dst->cpu, &t->cpus_allowed)) {
			double_rq_unlock(rq, dst);
			local_irq_restore(flags);
			goto again;
		}
	}
	t->state = TASK_RUNNING;
	activate_task(dst, t);
	woken = true;
	if (dst != rq)
		spin_unlock(&dst->lock);
out:
	spin_unlock_irqrestore(&rq->lock, flags);
	return woken;
}

void signal_wake_up(struct task_struct *t)
{
	unsigned int cpu;

	if (wake_up_state(t, TASK_INTERRUPTIBLE))
		return;
	/* Unlocked reads: at worst an IPI for nothing, or none for a task
	 * that is just leaving its CPU, which then passes through
	 * schedule() and its return to user mode checks the signal anyway.
	 * The caller's pending-set store (under siglock) comes before these
	 * reads; the target reads its pending set after the interrupt. */
	preempt_disable();
	cpu = task_cpu(t);
	if (READ_ONCE(t->on_cpu) && cpu != smp_processor_id())
		smp_send_reschedule(cpu);
	preempt_enable();
}

/* Wake every timed sleeper whose time has come. Context: CPU 0's timer
 * interrupt (the one CPU that advances jiffies). */
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

/* Every CPU's tick: its own slice accounting. Context: timer interrupt. */
void scheduler_tick(void)
{
	struct rq *rq = this_rq();
	struct task_struct *cur;

	if (rq->cpu == 0)
		wake_sleepers();
	spin_lock(&rq->lock);
	cur = rq->curr;
	if (cur == rq->idle) {
		if (rq->nr_queued)
			cur->need_resched = true;
	} else if (cur->slice && --cur->slice == 0) {
		if (rq->nr_queued)
			cur->need_resched = true;
		else
			cur->slice = SCHED_SLICE_TICKS;
	}
	spin_unlock(&rq->lock);
}

/* Context: timer interrupt of this CPU. */
void account_process_tick(struct task_struct *t, bool user)
{
	struct rq *rq = this_rq();

	if (t == rq->idle) {
		rq->idle_ticks++;
		return;
	}
	if (user) {
		t->utime_ticks++;
		rq->user_ticks++;
	} else {
		t->stime_ticks++;
		rq->system_ticks++;
	}
}

void sched_cpu_stats(unsigned int cpu, u64 *user, u64 *system, u64 *idle,
		     unsigned long *switches)
{
	struct rq *rq = cpu_rq(cpu);

	*user = READ_ONCE(rq->user_ticks);
	*system = READ_ONCE(rq->system_ticks);
	*idle = READ_ONCE(rq->idle_ticks);
	*switches = READ_ONCE(rq->nr_switches);
}

unsigned int nr_running(void)
{
	unsigned int cpu, n = 0;

	for_each_online_cpu(cpu)
		n += rq_load(cpu_rq(cpu));
	return n;
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
	unsigned long flags;
	struct rq *rq = task_rq_lock(t, &flags);
	bool blocked = (t->state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)) &&
		       !t->on_rq && !t->on_cpu;

	spin_unlock_irqrestore(&rq->lock, flags);
	return blocked;
}

void sched_show_task(struct task_struct *t)
{
	unsigned long entries[BACKTRACE_MAX_FRAMES], pc, fp;
	unsigned int n = 0;
	unsigned long flags;
	unsigned int cpu;
	struct rq *rq;
	bool running;

	ASSERT_HELD(&tasklist_lock);            /* @t stays; ->parent is stable */
	/* Under its rq lock no CPU can switch @t in (nor move it to a queue
	 * whose CPU could), so its saved frame and the stack below it stay
	 * still while they are read. */
	rq = task_rq_lock(t, &flags);
	running = t->on_cpu;
	cpu = rq->cpu;
	if (!running && t->stack && thread_saved_frame(t->thread.rsp, &pc, &fp))
		n = stack_trace_save_fp(pc, fp, entries, BACKTRACE_MAX_FRAMES);
	spin_unlock_irqrestore(&rq->lock, flags);

	pr_err("task:%-15s state:%s pid:%d ppid:%d cpu:%u switches:%lu\n", t->comm,
	       task_state_name(t->state), t->pid, t->parent ? t->parent->pid : 0, cpu,
	       t->nvcsw + t->nivcsw);
	if (running) {
		pr_err(" (running on CPU %u: no stable stack to show)\n", cpu);
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

/* A zeroed task with a kernel stack and empty lists; not yet on the task
 * list. NULL without memory. Context: may sleep. */
static struct task_struct *alloc_task(void)
{
	struct task_struct *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	t->stack = get_free_pages(GFP_KERNEL, KERNEL_STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	INIT_LIST_HEAD(&t->timer_list);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	return t;
}

struct task_struct *task_create(int (*fn)(void *arg), void *arg, const char *name,
			        unsigned long reserve)
{
	struct task_struct *t = alloc_task();
	unsigned long flags;

	if (!t)
		return NULL;
	strlcpy(t->comm, name, sizeof(t->comm));
	t->cpu = smp_processor_id();            /* a hint: where to look first */
	t->cpus_allowed = CPUMASK_ALL;          /* fork copies the parent's */
	t->fn = fn;
	t->arg = arg;
	t->thread.rsp = thread_stack_init(t->stack, KERNEL_STACK_SIZE - reserve);
	t->state = TASK_UNINTERRUPTIBLE;        /* not runnable until woken */
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

	if (me == this_cpu_read(idle_task))
		panic("the idle task tried to exit");
	me->exit_code = code;
	/* Interrupts off from here: a preemption between the state store and
	 * schedule() would queue the dead task again (see __schedule). The
	 * store is made under our run queue's lock, which every waker holds
	 * from reading a task's state to setting it running: so no wake-up
	 * that read an earlier sleeping state can overwrite TASK_DEAD. */
	local_irq_disable();
	{
		unsigned long flags;
		struct rq *rq = task_rq_lock(me, &flags);

		WRITE_ONCE(me->state, TASK_DEAD);  /* schedule() will not requeue it */
		spin_unlock(&rq->lock);            /* interrupts stay off */
	}
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

static void rq_init(unsigned int cpu, struct task_struct *idle)
{
	struct rq *rq = cpu_rq(cpu);

	spin_lock_init(&rq->lock, "rq->lock");
	INIT_LIST_HEAD(&rq->queue);
	rq->cpu = cpu;
	rq->idle = idle;
	rq->curr = idle;
}

void sched_init(void)
{
	struct cpu_local *c = this_cpu();

	idle_task.stack = boot_stack;
	idle_task.on_cpu = true;
	idle_task.cpu = 0;
	cpumask_set_cpu(0, &idle_task.cpus_allowed);
	INIT_LIST_HEAD(&idle_task.timer_list);
	list_add_tail(&idle_task.tasks, &all_tasks);
	rq_init(0, &idle_task);
	c->idle_task = &idle_task;
	c->current_task = &idle_task;
	c->kernel_stack = (unsigned long)boot_stack + KERNEL_STACK_SIZE;
	pr_info("sched: round robin per CPU, %u ms slices, %u KiB kernel stacks\n",
		SCHED_SLICE_TICKS * 1000 / HZ, (unsigned int)(KERNEL_STACK_SIZE >> 10));
}

struct task_struct *idle_task_create(unsigned int cpu)
{
	struct task_struct *t = alloc_task();
	unsigned long flags;

	if (!t)
		return NULL;
	snprintf(t->comm, sizeof(t->comm), "swapper/%u", cpu);
	t->state = TASK_RUNNING;
	t->on_cpu = true;
	t->cpu = cpu;
	cpumask_set_cpu(cpu, &t->cpus_allowed);
	rq_init(cpu, t);
	flags = spin_lock_irqsave(&tasklist_lock);
	list_add_tail(&t->tasks, &all_tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return t;
}

void sched_init_secondary(unsigned int cpu, struct task_struct *idle)
{
	struct cpu_local *c = this_cpu();

	c->idle_task = idle;
	c->current_task = idle;
	c->kernel_stack = (unsigned long)idle->stack + KERNEL_STACK_SIZE;
}

/*
 * An idle CPU takes the longest-waiting task it may run from the busiest
 * other queue. Only queued tasks move, and a queued task is never on a CPU
 * once its queue's lock is ours (__schedule queues the task it leaves with
 * the lock held until the switch is over). Context: interrupts off, this
 * CPU's idle task.
 */
static void idle_pull(struct rq *rq)
{
	unsigned int cpu, most = 0;
	struct rq *busiest = NULL;
	struct task_struct *t;

	for_each_online_cpu(cpu) {
		unsigned int n = READ_ONCE(cpu_rq(cpu)->nr_queued);

		if (cpu != rq->cpu && n > most) {
			most = n;
			busiest = cpu_rq(cpu);
		}
	}
	if (!busiest)
		return;
	double_rq_lock(rq, busiest);
	list_for_each_entry(t, &busiest->queue, run_list) {
		if (!t->on_cpu && cpumask_test_cpu(rq->cpu, &t->cpus_allowed)) {
			dequeue_task(busiest, t);
			WRITE_ONCE(t->cpu, rq->cpu);
			enqueue_task(rq, t);
			break;
		}
	}
	double_rq_unlock(rq, busiest);
}

/*
 * The idle loop of every CPU. With interrupts off it looks for work (its
 * queue, else a pull); finding none it halts with "sti; hlt", which takes
 * an interrupt that arrived in between (a reschedule IPI from a waker on
 * another CPU, or the tick) and wakes from it: no wake-up is lost.
 */
void cpu_idle(void)
{
	for (;;) {
		struct rq *rq;

		local_irq_disable();
		touch_softlockup_watchdog();    /* an idle CPU is not locked up */
		rq = this_rq();
		if (!READ_ONCE(rq->nr_queued))
			idle_pull(rq);
		if (READ_ONCE(rq->nr_queued)) {
			local_irq_enable();
			schedule();
		} else {
			safe_halt();            /* sti; hlt: no wake-up lost in between */
		}
	}
}

/* ---- affinity ------------------------------------------------------------- */

int set_cpus_allowed(struct task_struct *t, const struct cpumask *mask)
{
	struct cpumask m = cpumask_read(mask);
	struct cpumask online = cpumask_read(&cpu_online_mask);
	unsigned long flags;
	struct rq *rq, *dst;

	if (!(m.bits & online.bits))
		return -EINVAL;
again:
	rq = task_rq_lock(t, &flags);
	t->cpus_allowed = m;
	if (cpumask_test_cpu(rq->cpu, &m) || (!t->on_rq && !t->on_cpu)) {
		/* Fine where it is; or asleep, and its wake-up will choose. */
		spin_unlock_irqrestore(&rq->lock, flags);
		return 0;
	}
	if (t->on_cpu) {
		/* Running there: it is pushed away at its next switch. */
		t->need_resched = true;
		if (rq->cpu != smp_processor_id())
			smp_send_reschedule(rq->cpu);
		spin_unlock_irqrestore(&rq->lock, flags);
		if (t == current)
			schedule();             /* TASK_RUNNING: it is pushed, not lost */
		return 0;
	}
	/* Queued on a CPU it may no longer use: move it now. */
	dst = cpu_rq(select_task_rq(t, rq->cpu));
	spin_unlock(&rq->lock);
	double_rq_lock(rq, dst);
	if (task_cpu(t) != rq->cpu || !t->on_rq || !cpumask_test_cpu(dst->cpu, &t->cpus_allowed)) {
		double_rq_unlock(rq, dst);
		local_irq_restore(flags);
		goto again;
	}
	dequeue_task(rq, t);
	activate_task(dst, t);
	double_rq_unlock(rq, dst);
	local_irq_restore(flags);
	return 0;
}
