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
 * SMP: each CPU has its own run queue and lock (kernel/sched.c, docs/smp.md).
 * A task belongs to the run queue of task->cpu; "its rq lock" below means
 * the lock of that run queue, which is also the lock that must be held to
 * change task->cpu (together with the new queue's lock).
 *
 * Field legend: (r) its rq lock, (c) constant after creation, (o) only the
 * task itself, (w) the wait queue's lock.
 */
#ifndef _KERNEL_SCHED_H
#define _KERNEL_SCHED_H

#include <kernel/compiler.h>
#include <kernel/cpumask.h>
#include <kernel/cred.h>
#include <kernel/list.h>
#include <kernel/lockdep.h>
#include <kernel/types.h>
#include <asm/page.h>
#include <asm/ptrace.h>
#include <asm/thread.h>

struct mm_struct;
struct completion;
struct files_struct;
struct fs_struct;
struct task_signal;

#define TASK_COMM_LEN           16
#define PID_MAX_LIMIT           (4 * 1024 * 1024)       /* Linux's; pids are never reused */
#define KERNEL_STACK_ORDER      2               /* 16 KiB kernel stacks */
#define KERNEL_STACK_SIZE       (PAGE_SIZE << KERNEL_STACK_ORDER)
#define SCHED_SLICE_TICKS       5               /* 50 ms at HZ=100 */

enum task_state {
	TASK_RUNNING = 0,               /* running or on the run queue */
	TASK_INTERRUPTIBLE = 1,         /* sleeping; a signal may wake it (later) */
	TASK_UNINTERRUPTIBLE = 2,       /* sleeping until woken explicitly */
	TASK_DEAD = 16,                 /* exited; its stack is freed by another task */
	TASK_NOLOAD = 32,               /* modifier: an idle wait, not a hang */
	/* A kernel thread waiting for work (ps shows I): uninterruptible, but
	 * the hung-task detector ignores it, however long it waits. */
	TASK_IDLE = TASK_UNINTERRUPTIBLE | TASK_NOLOAD,
};

struct blk_plug;

struct task_struct {
	/* enum task_state: set to a sleeping state by the task itself
	 * (set_current_state), to TASK_RUNNING by wakers under rq->lock. */
	volatile long state;
	int pid;                        /* (c; execve's de_thread swaps it, tasklist_lock) */
	char comm[TASK_COMM_LEN];       /* (c) name, for ps, oopses and GDB */
	void *stack;                    /* (c) base of the kernel stack (lowest address) */
	struct thread_struct thread;    /* (o) arch: saved RSP, FPU state, FS base */
	struct mm_struct *mm;           /* (o) user address space; NULL for kernel threads.
					 * A process changes its own, under tasklist_lock
					 * (exchange_current_mm); others read it under it. */
	struct list_head run_list;      /* (r) on the run queue while runnable and not current */
	struct list_head tasks;         /* (tasklist_lock) every task, for ps and GDB */
	bool on_rq;                     /* (r) */
	bool on_cpu;                    /* (r) running, or still switching away */
	unsigned int slice;             /* (r) ticks left in this slice */
	bool need_resched;              /* (r) preempt at the next chance */
	unsigned int cpu;               /* (r) the CPU whose run queue it is on, runs on,
					 * or last ran on; written with that queue's lock
					 * and the new queue's lock both held */
	struct cpumask cpus_allowed;    /* (r) where it may run (sched_setaffinity) */
	u64 wake_jiffies;               /* (timer lock) when a timed sleep ends */
	struct list_head timer_list;    /* (timer lock) on the sleep list while timed */
	int (*fn)(void *arg);           /* (c) a kernel thread's function */
	void *arg;                      /* (c) */
	int exit_code;                  /* (o) a kernel thread's return value */
	int exit_status;                /* (o) Linux wait status of a user task */
	struct completion *exit_done;   /* (c) signalled by do_exit, if set */
	unsigned long nvcsw, nivcsw;    /* voluntary / involuntary context switches */
	/* The hung-task detector's view (kernel/hung_task.c; only khungtaskd
	 * writes these): the switch count it last saw and when it changed. */
	unsigned long last_switch_count;
	u64 last_switch_jiffies;
	bool hung_reported;             /* reported; quiet until it runs again */
	struct lockdep_held lockdep;    /* (o) locks held, for the lock-order checker */
	unsigned int flags;             /* (o) PF_* below; only the task changes its own */

	/* ---- user processes (kernel/fork.c, kernel/exit.c; docs/process.md) ----
	 * (t) tasklist_lock. A thread group leader has pid == tgid. */
	int tgid;                       /* (c) the process id, shared by its threads */
	bool is_process;                /* (c) a user process (fork/exec/wait apply) */
	int exit_state;                 /* (t) EXIT_ZOMBIE once switched away for good */
	bool autoreap;                  /* (t) no zombie: the parent ignored SIGCHLD */
	int pgid, sid;                  /* (t) process group and session */
	struct task_struct *parent;     /* (t) reaps us; init (pid 1) for orphans */
	struct list_head children;      /* (t) our children, living and zombie */
	struct list_head sibling;       /* (t) in parent->children */
	int exit_signal;                /* (c) sent to the parent at exit: SIGCHLD */
	struct files_struct *files;     /* (o) open files (fs/fdtable.c) */
	struct fs_struct *fs;           /* (o) cwd, root, umask */
	struct cred cred;               /* (o) ids and groups (include/kernel/cred.h) */
	unsigned long min_flt, maj_flt; /* (o) page faults, as getrusage counts them */
	unsigned int pagefault_disabled; /* (o) >0: a kernel user-copy fault fails at once */
	u64 utime_ticks, stime_ticks;   /* (o) timer ticks in user / kernel mode */
	/* Totals of reaped children (and theirs), for RUSAGE_CHILDREN. */
	unsigned long cmin_flt, cmaj_flt;
	u64 cutime_ticks, cstime_ticks;
	int *clear_child_tid;           /* (o) set_tid_address (user pointer) */
	struct task_signal *signal;     /* (o) handlers, mask, pending (kernel/signal.c) */

	/* ---- threads (kernel/fork.c, kernel/exit.c, kernel/futex.c; docs/process.md) ---- */
	struct task_struct *group_leader; /* (t) the thread whose pid is the tgid (itself) */
	int *set_child_tid;             /* (o) CLONE_CHILD_SETTID: our tid goes there first */
	void *robust_list;              /* (o) set_robust_list's head (a user pointer) */
	/* (tasklist_lock) CLONE_VFORK: the completion on the parent's stack
	 * that it waits on; completed and cleared by this task at execve or
	 * exit, cleared by a parent killed while it waits (kernel/fork.c) */
	struct completion *vfork_done;
	struct blk_plug *plug;          /* (o) requests held back for merging (drivers/block.c) */
	/* (tasklist_lock for writes; read with READ_ONCE) the nice value,
	 * -20..19: setpriority, inherited at fork, shown in /proc/PID/stat.
	 * Faultline's round-robin scheduler does not weigh it yet. */
	int nice;
	u64 start_time;                 /* (c) ktime_get_ns() at creation: /proc/PID/stat */
};

/* The user registers, saved at the top of a user task's kernel stack by
 * every entry from user mode (system call, interrupt, exception). */
static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + KERNEL_STACK_SIZE) - 1;
}

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

#define EXIT_ZOMBIE 1

/* Allocate a task (pid, kernel stack, on the task list) that will run
 * fn(arg) when first woken; @reserve bytes at the top of its stack are left
 * free (fork puts the child's user registers there). Not yet runnable. */
struct task_struct *task_create(int (*fn)(void *arg), void *arg, const char *name,
				unsigned long reserve);
/* Free a task from task_create that was never woken. */
void task_destroy_unborn(struct task_struct *t);
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
/* Print @t's kernel backtrace (KERN_ERR) if it is switched out; a running
 * task's stack is moving, so only its name is printed. Context: tasklist_lock
 * held (for_each_task), so @t and its parent stay; takes rq->lock. */
void sched_show_task(struct task_struct *t);
/* Is @t asleep and off every CPU and run queue (state S or D, waiting for a
 * wake-up)? A snapshot: it may be woken the moment after. Context: any. */
bool task_is_blocked(struct task_struct *t);

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

/*
 * Between these, a page fault taken by a kernel user-copy is not resolved:
 * the copy just stops short (the exception-table fixup). For copies made
 * under a lock the fault path itself takes, such as a page lock while the
 * source may be a mapping of that very page. Nests.
 */
static inline void pagefault_disable(void)
{
	current->pagefault_disabled++;
	barrier();
}

static inline void pagefault_enable(void)
{
	barrier();
	current->pagefault_disabled--;
}

/*
 * PF_MEMALLOC (Linux's): the task is reclaiming memory (direct reclaim in
 * the allocator, or kswapd). Its allocations may use the whole reserve
 * below the min watermark and never enter reclaim again: reclaim itself
 * allocates (->writepage's buffers and requests, swap I/O), and must not
 * recurse or wait for itself (mm/page_alloc.c, docs/reclaim.md).
 */
#define PF_MEMALLOC     0x00000800

/* Enter / leave a PF_MEMALLOC section; nests (restore what save returned). */
static inline unsigned int memalloc_noreclaim_save(void)
{
	unsigned int old = current->flags & PF_MEMALLOC;

	current->flags |= PF_MEMALLOC;
	return old;
}

static inline void memalloc_noreclaim_restore(unsigned int old)
{
	current->flags = (current->flags & ~PF_MEMALLOC) | old;
}

/* Boot: turn the boot context into the idle task and start scheduling. */
void sched_init(void);
/* SMP bring-up (arch/x86_64/smpboot.c): the idle task of another CPU, made
 * by the boot CPU (its stack is the one the CPU starts on); then, on that
 * CPU, make it the running task there. */
struct task_struct *idle_task_create(unsigned int cpu);
void sched_init_secondary(unsigned int cpu, struct task_struct *idle);

/*
 * Restrict @t to the CPUs of @mask (which must hold an online CPU). A
 * queued task moves at once; a running one is moved off a CPU it may no
 * longer use at its next preemption (the current task: before returning).
 * Context: task; no spinlock held. Returns 0, or -EINVAL for a mask with
 * no online CPU.
 */
int set_cpus_allowed(struct task_struct *t, const struct cpumask *mask);
/* What /proc/stat shows of @cpu: timer ticks spent in user mode, in the
 * kernel and idle, and its context switches. */
void sched_cpu_stats(unsigned int cpu, u64 *user, u64 *system, u64 *idle,
		     unsigned long *switches);
/* Runnable tasks over all CPUs (running and queued, idle tasks excluded). */
unsigned int nr_running(void);
/* The CPU @t is on or last ran on (a snapshot). */
static inline unsigned int task_cpu(const struct task_struct *t)
{
	return READ_ONCE(t->cpu);
}
__noreturn void cpu_idle(void);

/* Timer interrupt: charge one tick to @t, in user or kernel mode. */
void account_process_tick(struct task_struct *t, bool user);

/* Wake @t only if it sleeps in @state (TASK_INTERRUPTIBLE for signals). */
bool wake_up_state(struct task_struct *t, long state);

/*
 * Wake @t for a signal: if it sleeps interruptibly, wake it; if it runs on
 * another CPU, interrupt that CPU (a reschedule IPI), whose return to user
 * mode then delivers the signal at once rather than at its next tick.
 * Context: any; the caller made the signal pending first.
 */
void signal_wake_up(struct task_struct *t);

/* The last pid handed out (/proc/loadavg). Takes tasklist_lock. */
int last_pid(void);
/* The load average (kernel/loadavg.c): a kernel thread samples it every
 * 5 s; get_avenrun gives the three averages in FIXED_1 units. */
#define FSHIFT          11
#define FIXED_1         (1UL << FSHIFT)
void loadavg_init(void);                /* boot: start the sampling thread */
void get_avenrun(unsigned long loads[3]);
/* A process's name, safe against a concurrent rename (PR_SET_NAME,
 * /proc/PID/comm): copy @pid's into @comm (TASK_COMM_LEN). 0 or -ESRCH. */
int get_pid_comm(int pid, char *comm);
/* Rename thread @pid, which must belong to thread group @tgid (-EINVAL
 * otherwise, -ESRCH if gone), to @comm. Context: takes tasklist_lock. */
int set_pid_comm(int pid, int tgid, const char *comm);

/* Walk every task (for the monitor's ps and GDB); @fn runs under tasklist_lock. */
void for_each_task(void (*fn)(struct task_struct *t, void *arg), void *arg);
const char *task_state_name(long state);

#endif
