/*
 * Tasks and the scheduler.
 *
 * A task is a thread of kernel execution with its own kernel stack; user
 * processes (the user-space issue) will be tasks with an address space.
 * The scheduler is preemptive round robin: every runnable task gets a time
 * slice of SCHED_SLICE_TICKS timer ticks; when it runs out, or a task
 * sleeps, exits or yields, the next runnable task runs. The boot context
 * becomes the idle task (pid 0), which runs only when nothing else can.
 *
 * Kernel preemption: a task is preempted on return from an interrupt only
 * when it holds no spinlock (preempt_count() == 0) and had interrupts
 * enabled. So code inside a spinlock section is never switched away from,
 * and a spinlock may be held only for a short, non-sleeping section.
 *
 * Field legend: (r) rq_lock, (c) constant after creation, (o) only the task
 * itself, (w) the wait queue's lock.
 */
#ifndef _KERNEL_SCHED_H
#define _KERNEL_SCHED_H

#include <kernel/compiler.h>
#include <kernel/list.h>
#include <kernel/types.h>
#include <asm/page.h>
#include <asm/thread.h>

struct mm_struct;
struct completion;

#define TASK_COMM_LEN           16
#define KERNEL_STACK_ORDER      2               /* 16 KiB kernel stacks */
#define KERNEL_STACK_SIZE       (PAGE_SIZE << KERNEL_STACK_ORDER)
#define SCHED_SLICE_TICKS       5               /* 50 ms at HZ=100 */

enum task_state {
	TASK_RUNNING = 0,               /* running or on the run queue */
	TASK_INTERRUPTIBLE = 1,         /* sleeping; a signal may wake it (later) */
	TASK_UNINTERRUPTIBLE = 2,       /* sleeping until woken explicitly */
	TASK_DEAD = 16,                 /* exited; its stack is freed by another task */
};

struct task_struct {
	/* enum task_state: set to a sleeping state by the task itself
	 * (set_current_state), to TASK_RUNNING by wakers under rq_lock. */
	volatile long state;
	int pid;                        /* (c) */
	char comm[TASK_COMM_LEN];       /* (c) name, for ps, oopses and GDB */
	void *stack;                    /* (c) base of the kernel stack (lowest address) */
	struct thread_struct thread;    /* (o) arch: saved RSP, FPU state, FS base */
	struct mm_struct *mm;           /* (o) user address space; NULL for kernel threads */
	struct list_head run_list;      /* (r) on the run queue while runnable and not current */
	struct list_head tasks;         /* (tasklist_lock) every task, for ps and GDB */
	bool on_rq;                     /* (r) */
	bool on_cpu;                    /* (r) running, or still switching away */
	unsigned int slice;             /* (r) ticks left in this slice */
	bool need_resched;              /* (r) preempt at the next chance */
	u64 wake_jiffies;               /* (timer lock) when a timed sleep ends */
	struct list_head timer_list;    /* (timer lock) on the sleep list while timed */
	int (*fn)(void *arg);           /* (c) a kernel thread's function */
	void *arg;                      /* (c) */
	int exit_code;                  /* (o) a kernel thread's return value */
	int exit_status;                /* (o) Linux wait status of a user task */
	struct completion *exit_done;   /* (c) signalled by do_exit, if set */
	unsigned long nvcsw, nivcsw;    /* voluntary / involuntary context switches */
};

/* The task running on this CPU. */
struct task_struct *get_current(void);
#define current get_current()

/*
 * Announce that the current task is about to sleep. The full barrier orders
 * the state store before the caller's test of its wake-up condition, so a
 * waker on another CPU that changes the condition and then calls
 * wake_up_process() either is seen by the test or sees the new state.
 */
#define set_current_state(s) do {                                       \
	WRITE_ONCE(current->state, (s));                                \
	__atomic_thread_fence(__ATOMIC_SEQ_CST);                        \
} while (0)

/* Create a kernel thread running fn(arg) and make it runnable. Returns the
 * task, or NULL if memory ran out. The thread exits when fn returns. */
struct task_struct *kthread_run(int (*fn)(void *arg), void *arg, const char *name);
/* End the calling kernel thread. */
__noreturn void kthread_exit(int code);

/* Give up the CPU. Context: may sleep; no spinlock held. */
void schedule(void);
void yield(void);
/* Make a sleeping task runnable. Returns false if it was not sleeping.
 * Context: any, including interrupt handlers. */
bool wake_up_process(struct task_struct *t);
/* Called by the timer interrupt: account the slice, wake timed sleepers. */
void scheduler_tick(void);
/* Called on the way out of an interrupt: preempt if due and allowed. */
void preempt_schedule_irq(void);

/*
 * Sleep for at least @ms milliseconds (rounded up to ticks). Context: may
 * sleep. Returns early only for a task woken explicitly (then it returns
 * the remaining milliseconds, else 0).
 */
unsigned long msleep(unsigned int ms);
/* Sleep in the current state (set it first) until woken or @ticks pass. */
long schedule_timeout(long ticks);

/*
 * Assert that the caller may sleep: no spinlock held, interrupts on, not in
 * an interrupt handler. Every function that can sleep calls it first, so a
 * sleep under a spinlock is caught at once, not as a rare deadlock.
 */
void might_sleep(void);

/* Boot: turn the boot context into the idle task and start scheduling. */
void sched_init(void);
__noreturn void cpu_idle(void);

/* Walk every task (for the monitor's ps and GDB); @fn runs under tasklist_lock. */
void for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg);
const char *task_state_name(long state);

#endif
