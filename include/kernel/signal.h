/*
 * Signals: Linux x86-64 numbers, sigaction flags, siginfo_t, and the
 * per-task signal state (kernel/signal.c; the frame is arch/x86_64/signal.c;
 * docs/signals.md tells the whole story).
 *
 * Threads share their handlers (struct sighand_struct, whose siglock is
 * the signal lock) and a process-wide pending set (struct signal_struct);
 * each thread has its own mask, alternate stack and pending set (struct
 * task_signal). A process-directed signal (kill) waits in the shared set
 * and wakes a thread that does not block it; a thread-directed one
 * (tgkill, a fault) waits in the thread's own set. A signal
 * is delivered on the way back to user mode (exit_to_user_mode calls
 * do_signal): the default action runs there (terminate via do_exit, or
 * nothing), or the handler runs on the user stack with a Linux-layout
 * rt_sigframe (siginfo_t + ucontext), returning through the SA_RESTORER
 * trampoline into rt_sigreturn.
 *
 * Pending signals are one bit each, real-time signals (32..64) included:
 * a second instance of a signal that is already pending is merged into the
 * first (Linux queues real-time signals; Faultline does not).
 *
 * Lock order: tasklist_lock -> sighand.siglock -> rq->lock.
 * siglock is taken with interrupts off (a console interrupt may send).
 */
#ifndef _KERNEL_SIGNAL_H
#define _KERNEL_SIGNAL_H

#include <kernel/compiler.h>
#include <kernel/itimer.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>

struct task_struct;
struct pt_regs;

#define _NSIG           64
#define SIGRTMIN        32

#define SIGHUP          1
#define SIGINT          2
#define SIGQUIT         3
#define SIGILL          4
#define SIGTRAP         5
#define SIGABRT         6
#define SIGBUS          7
#define SIGFPE          8
#define SIGKILL         9
#define SIGUSR1         10
#define SIGSEGV         11
#define SIGUSR2         12
#define SIGPIPE         13
#define SIGALRM         14
#define SIGTERM         15
#define SIGSTKFLT       16
#define SIGCHLD         17
#define SIGCONT         18
#define SIGSTOP         19
#define SIGTSTP         20
#define SIGTTIN         21
#define SIGTTOU         22
#define SIGURG          23
#define SIGXCPU         24
#define SIGXFSZ         25
#define SIGVTALRM       26
#define SIGPROF         27
#define SIGWINCH        28
#define SIGIO           29
#define SIGPWR          30
#define SIGSYS          31

/* si_code values */
#define SI_USER         0               /* kill() */
#define SI_KERNEL       0x80
#define SI_TKILL        (-6)            /* tkill(), tgkill() */
#define SEGV_MAPERR     1
#define SEGV_ACCERR     2
#define BUS_ADRALN      1
#define BUS_ADRERR      2
#define ILL_ILLOPC      2
#define FPE_INTDIV      1
#define TRAP_BRKPT      1
#define CLD_EXITED      1
#define CLD_KILLED      2
#define CLD_DUMPED      3

/* sigaction: sa_handler values and sa_flags (Linux x86-64) */
#define SIG_DFL         0UL
#define SIG_IGN         1UL
#define SA_NOCLDSTOP    0x00000001UL
#define SA_NOCLDWAIT    0x00000002UL
#define SA_SIGINFO      0x00000004UL
#define SA_EXPOSE_TAGBITS 0x00000800UL
#define SA_RESTORER     0x04000000UL
#define SA_ONSTACK      0x08000000UL
#define SA_RESTART      0x10000000UL
#define SA_NODEFER      0x40000000UL
#define SA_RESETHAND    0x80000000UL
/* The flags rt_sigaction keeps; others are dropped (Linux 5.11+). */
#define SA_KNOWN_FLAGS  (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | \
			 SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND)

/* rt_sigprocmask's how */
#define SIG_BLOCK       0
#define SIG_UNBLOCK     1
#define SIG_SETMASK     2

/* sigaltstack */
#define SS_ONSTACK      1
#define SS_DISABLE      2
#define SS_AUTODISARM   (1U << 31)
#define MINSIGSTKSZ     2048

/* ---- signal sets: bit (sig - 1) of a u64, as Linux's sigset_t on x86-64 ---- */

typedef u64 sigset_t;

static inline sigset_t sigmask(int sig)
{
	return 1ULL << (sig - 1);
}

static inline bool valid_signal(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

static inline bool sigismember(const sigset_t *set, int sig)
{
	return (*set & sigmask(sig)) != 0;
}

static inline void sigaddset(sigset_t *set, int sig)
{
	*set |= sigmask(sig);
}

static inline void sigdelset(sigset_t *set, int sig)
{
	*set &= ~sigmask(sig);
}

/* How many signals @set holds (no libgcc: __builtin_popcountll calls it). */
static inline unsigned int sigset_weight(sigset_t set)
{
	unsigned int n = 0;

	for (; set; set &= set - 1)
		n++;
	return n;
}

/* SIGKILL and SIGSTOP can be neither caught, blocked nor ignored. */
#define SIG_UNBLOCKABLE (sigmask(SIGKILL) | sigmask(SIGSTOP))
/* Synchronous (fault) signals: dequeued before the others, as Linux does,
 * so a fault's signal is handled before an older asynchronous one. */
#define SIG_SYNCHRONOUS (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | \
			 sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS))

/* ---- the kernel's view of handlers and pending information ---- */

/* One signal's disposition: the layout of the rt_sigaction argument
 * (Linux's kernel struct sigaction on x86-64: 32 bytes). */
struct k_sigaction {
	unsigned long handler;          /* SIG_DFL, SIG_IGN or a user address */
	unsigned long flags;            /* SA_* */
	unsigned long restorer;         /* user trampoline calling rt_sigreturn */
	sigset_t mask;                  /* blocked while the handler runs */
};

/* One pending signal's information, as the kernel keeps it. */
struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int si_pid;                     /* kill, SIGCHLD */
	u32 si_uid;
	int si_status;                  /* SIGCHLD */
	long si_utime, si_stime;        /* SIGCHLD, in clock ticks (USER_HZ 100) */
	unsigned long si_addr;          /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
};

/* siginfo_t as user space sees it: 128 bytes, the union at offset 16. */
struct user_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	union {
		struct {                /* kill, tkill, SI_KERNEL */
			int si_pid;
			u32 si_uid;
		} kill;
		struct {                /* SIGCHLD */
			int si_pid;
			u32 si_uid;
			int si_status;
			int __pad1;
			long si_utime;
			long si_stime;
		} sigchld;
		struct {                /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			unsigned long si_addr;
		} sigfault;
		u8 __pad[128 - 16];
	};
};

/* stack_t (sigaltstack, uc_stack): 24 bytes */
struct user_stack {
	unsigned long ss_sp;
	int ss_flags;
	int __pad;
	unsigned long ss_size;
};

/* Resource limits (getrlimit/setrlimit/prlimit64): a process-wide value
 * kept here as Linux keeps them in its signal_struct. */
#define RLIMIT_CPU      0
#define RLIMIT_FSIZE    1               /* largest file a process may make */
#define RLIMIT_STACK    3
#define RLIMIT_RSS      5               /* kept, not enforced (Linux ignores it too) */
#define RLIMIT_NOFILE   7
#define RLIMIT_MEMLOCK  8               /* bytes an unprivileged process may mlock */
#define RLIMIT_NICE     13              /* lowest nice a user may set: 20 - value */
#define RLIM_NLIMITS    16
#define RLIM_INFINITY   (~0UL)

/*
 * Handlers, shared by the tasks that clone with CLONE_SIGHAND (every
 * thread of a group, at least): Linux's sighand_struct. Its siglock is
 * THE signal lock: it protects the handlers, and also every per-thread
 * and per-group field below of every task that uses it.
 */
struct sighand_struct {
	int count;                              /* (a) task_signals using it */
	spinlock_t siglock;
	struct k_sigaction action[_NSIG];       /* (s) index sig - 1 */
};

/*
 * What a thread group shares (Linux's signal_struct): the process-wide
 * pending set, the list of live threads, the group-exit state and the
 * resource limits. Legend: (s) siglock; (ts) written under tasklist_lock
 * and siglock both, read under either.
 */
/* Resource usage summed over threads (getrusage's RUSAGE_SELF). */
struct task_usage {
	u64 utime_ticks, stime_ticks;
	unsigned long min_flt, maj_flt, nvcsw, nivcsw;
};

struct tty_struct;

struct signal_struct {
	int count;                              /* (a) task_signals pointing here */
	struct task_usage dead;                 /* (s) what exited threads used */
	int live;                               /* (ts) threads not yet exited */
	struct list_head thread_head;           /* (ts) live threads' task_signal.thread_node */
	sigset_t shared_pending;                /* (s) process-directed signals */
	struct kernel_siginfo shared_info[_NSIG]; /* (s) valid while the bit is pending */
	bool group_exit;                        /* (s) exit_group or a fatal signal: all die */
	int group_exit_code;                    /* (s) the wait status they die with */
	struct task_struct *group_exec_task;    /* (s) a thread in execve's de_thread */
	struct {
		unsigned long rlim_cur, rlim_max;
	} rlim[RLIM_NLIMITS];                   /* (s) */
	/* (a: READ_ONCE/WRITE_ONCE) /proc/PID/oom_score_adj, -1000..1000:
	 * added to the OOM badness (mm/oom_kill.c); -1000 never killed.
	 * A new process starts with its parent's. */
	short oom_score_adj;
	struct group_itimers itimers;           /* (itimer_lock) kernel/itimer.c */
	/* (tasklist_lock) the controlling terminal (drivers/tty.c), NULL:
	 * none; copied at fork, cleared by setsid */
	struct tty_struct *tty;
};

/*
 * The signal state of one task (one thread).
 * Legend: (s) sighand->siglock; (o) only the task itself, no lock;
 * (so) written by the task itself under siglock, read by others under it.
 * ->sighand changes only in the task itself (execve's unsharing), under
 * the old and the new siglock: lock_task_sighand() rechecks it.
 */
struct task_signal {
	struct sighand_struct *sighand;         /* (so) handlers and the lock */
	struct signal_struct *group;            /* (c) the thread group's shared state */
	struct task_struct *task;               /* (c) the owner */
	struct list_head thread_node;           /* (ts) in group->thread_head while live */
	sigset_t blocked;                       /* (so) */
	sigset_t pending;                       /* (s) thread-directed signals */
	struct kernel_siginfo info[_NSIG];      /* (s) valid while the bit is pending */
	sigset_t forced;                        /* (s) sent by force_sig_fault: kills init too */
	sigset_t saved_mask;                    /* (o) mask to restore after sigsuspend */
	bool restore_saved_mask;                /* (o) */
	unsigned long sas_ss_sp;                /* (o) sigaltstack; size 0: none */
	unsigned long sas_ss_size;              /* (o) */
	unsigned int sas_ss_flags;              /* (o) SS_AUTODISARM or 0 */
};

/*
 * Queue @sig for @t with @info (NULL: SI_KERNEL), and wake @t if it sleeps
 * interruptibly. Returns 0 (also when the signal is ignored), -EINVAL for a
 * bad number. Context: any, also interrupts; takes siglock and rq->lock.
 * @t must stay allocated (its caller found it under tasklist_lock, or it
 * is current).
 */
int send_signal_info(int sig, const struct kernel_siginfo *info, struct task_struct *t);
/* A signal from the kernel, si_code SI_KERNEL. */
int send_sig(int sig, struct task_struct *t);
/* A synchronous fault signal to current (SIGSEGV/SIGBUS/SIGILL/SIGFPE/
 * SIGTRAP) with si_code and si_addr; if it is blocked or ignored, it is
 * unblocked and set to the default action first, as Linux's force_sig. */
void force_sig_fault(int sig, int si_code, unsigned long addr);
/* The signal frame for @sig could not be built: force SIGSEGV; if @sig was
 * SIGSEGV itself, its handler is reset first so that it kills. */
void force_sigsegv(int sig);
/* Send @sig to every process in process group @pgrp (kill(-pgrp), the
 * console's Ctrl-C), si_code SI_KERNEL. Returns 0 or -ESRCH if the group
 * is empty. Context: any; takes tasklist_lock. */
int kill_pgrp(int pgrp, int sig);

/* Is a signal pending that is not blocked? Interruptible sleeps test it
 * and return -EINTR (or -ERESTARTSYS). Lock-free; kernel threads: false. */
bool signal_pending(struct task_struct *t);
/* Is SIGKILL pending for @t, so that it dies on its way out of the kernel?
 * Long waits that cannot be interrupted give up early then (reclaim).
 * Lock-free; kernel threads: false. */
bool fatal_signal_pending(struct task_struct *t);

/*
 * Deliver pending signals before returning to user mode: run default
 * actions (terminate via do_exit), or build a frame for one handler
 * (the caller loops while signal_pending() to stack further frames).
 * @in_syscall: regs->rax holds a system call's result, which -ERESTARTSYS
 * etc. may turn into a restart. Context: interrupts on, may sleep.
 */
void do_signal(struct pt_regs *regs, bool in_syscall);

/* fork and clone: the child gets a copy of the parent's handlers, mask,
 * alternate stack and limits, and no pending signals (a parent without
 * signal state, such as the kernel thread starting init, gives defaults).
 * CLONE_SIGHAND shares the handlers instead; CLONE_THREAD shares the
 * group state (the child joins the group in signal_attach_thread).
 * Returns 0 or -ENOMEM. */
int copy_signal_state(struct task_struct *child, struct task_struct *parent,
		      unsigned long clone_flags);
/* CLONE_THREAD: make @p a live member of current's group, unless the group
 * is dying (exit_group, a fatal signal: -EINTR) or a thread is in execve
 * (-EAGAIN), as Linux's copy_process refuses. Context: tasklist_lock held. */
int signal_attach_thread(struct task_struct *p);
/* An exiting thread leaves its group's live list (its pending signals die
 * with it; process-wide ones go to another thread). Returns how many
 * threads are still live; *@group_status is the status the group dies
 * with if an exit_group or fatal signal ended it, else -1.
 * Context: tasklist_lock held. */
int signal_exit_thread(struct task_struct *me, int *group_status);
/* Every thread of @t's group has exited (wait4 may reap the leader).
 * Context: tasklist_lock held. */
bool thread_group_dead(struct task_struct *t);
/* execve's de_thread, first half: mark current as the group's exec task
 * and SIGKILL every other thread. Returns 0, or -EAGAIN if the group is
 * already dying (the caller gives up; the signal kills it). */
int zap_other_threads_for_exec(void);
/* End the exec: no longer the group's exec task. */
void exec_zap_done(void);
/* execve: if the handlers are shared with another process (CLONE_SIGHAND
 * without CLONE_THREAD), take a private copy first. Returns 0 or -ENOMEM. */
int unshare_sighand(void);
/* What @t's whole thread group has used: its exited threads and the live
 * ones. Context: any (takes siglock). */
void thread_group_usage(struct task_struct *t, struct task_usage *u);

/* Wake current's group's exec task if there is one (a thread of it left). */
void signal_wake_exec_task(struct task_struct *t);

/* A process-directed signal (kill, the console's Ctrl-C): queued for
 * @t's whole group, delivered to one thread that does not block it; a
 * fatal one kills every thread. Context as send_signal_info. */
int send_group_signal_info(int sig, const struct kernel_siginfo *info, struct task_struct *t);

/* execve: handlers reset to SIG_DFL (ignored ones stay ignored), the
 * alternate stack is forgotten; mask and pending signals are kept. */
void flush_signal_handlers(struct task_struct *t);
/* The task is freed (reaped): release its signal state. The caller has
 * made it unfindable (no longer under tasklist_lock's pid lookup). */
void free_signal_state(struct task_struct *t);
/*
 * exit: tell the parent that thread group leader @child's process ended
 * with wait status @status: SIGCHLD with CLD_EXITED/CLD_KILLED, to the
 * parent process. Returns, and records in child->autoreap, whether the
 * parent ignores SIGCHLD (SIG_IGN: then no signal is sent; or
 * SA_NOCLDWAIT): such a child is reaped at once and wait4 no longer
 * counts it. Context: tasklist_lock held (the caller decides in the same
 * section who releases the zombie).
 */
bool do_notify_parent_locked(struct task_struct *child, int status);
/* The SIGCHLD report of leader @child ending with wait status @status
 * (waitid's siginfo too). Context: tasklist_lock held, or @child reaped
 * by the caller. */
void sigchld_info(struct kernel_siginfo *info, struct task_struct *child, int status);

/* ---- internals shared with arch/x86_64/signal.c and the ktests ---- */

/* What get_signal decided: a handler to run, with its action as it was. */
struct ksignal {
	int sig;
	struct k_sigaction ka;
	struct kernel_siginfo info;
};

/* Dequeue the next deliverable signal of current, running default actions
 * (may not return: do_exit). Returns true with @ksig filled when a handler
 * must run. Context: may sleep. */
bool get_signal(struct ksignal *ksig);
/* After a handler frame was built: block sa_mask (and the signal itself
 * unless SA_NODEFER), forget a sigsuspend mask. */
void signal_delivered(struct ksignal *ksig);
/* No handler ran: put back the mask sigsuspend replaced, if any. */
void restore_saved_sigmask(void);
/* The mask a frame must save (sigsuspend's original, if it replaced it). */
sigset_t sigmask_to_save(void);
/* Set current's blocked mask (SIGKILL/SIGSTOP are dropped from it). */
void set_current_blocked(sigset_t mask);

/* Default action of a signal with SIG_DFL. */
enum sig_default { SIG_DEFAULT_TERM, SIG_DEFAULT_CORE, SIG_DEFAULT_IGNORE, SIG_DEFAULT_STOP };
enum sig_default sig_default_action(int sig);
/* Would @t discard @sig right now (ignored and not blocked, or init with
 * SIG_DFL)? Context: @t's siglock held. */
bool sig_ignored_locked(struct task_struct *t, int sig, bool forced);
/* The next signal to deliver from @pending & ~@blocked: synchronous ones
 * first, then the lowest number; 0 if none. */
int next_signal(sigset_t pending, sigset_t blocked);
/* Remove the next deliverable signal of @s into @info. Returns its number
 * or 0. Context: @s->siglock held. */
int dequeue_signal_locked(struct task_signal *s, struct kernel_siginfo *info);
/* Lay out @from as user space's siginfo_t. */
void siginfo_to_user_layout(struct user_siginfo *to, const struct kernel_siginfo *from);

/* The alternate signal stack of current (sigaltstack semantics). */
bool on_sig_stack(unsigned long sp);
/* The same, ignoring SS_AUTODISARM (for the frame's overflow check). */
bool __on_sig_stack(unsigned long sp);
/* SS_DISABLE, SS_ONSTACK or 0 for user stack pointer @sp. */
int sas_ss_flags(unsigned long sp);
/* Fill a stack_t for a frame's uc_stack; disarm an SS_AUTODISARM stack. */
void save_altstack(struct user_stack *uss, unsigned long sp);
/* rt_sigreturn: re-install the uc_stack of the frame (errors ignored, as
 * Linux). */
void restore_altstack(const struct user_stack *uss, unsigned long sp);

/* ---- internals shared by kernel/signal.c and kernel/signal_group.c ---- */

static inline struct k_sigaction *sig_action(struct task_signal *s, int sig)
{
	return &s->sighand->action[sig - 1];
}
/* Lock @s's siglock, whichever sighand it uses when the lock is won
 * (execve may switch it). Context: interrupts off. */
struct sighand_struct *lock_sighand(struct task_signal *s);
/* The same, saving and disabling interrupts first; and its undoing. */
unsigned long lock_sighand_irqsave(struct task_signal *s, struct sighand_struct **shp);
void unlock_sighand_irqrestore(struct sighand_struct *sh, unsigned long flags);
/* Wake another live thread of @s's group that does not block one of
 * @sigs (pending in the shared set). Context: siglock held. */
void retarget_shared_locked(struct task_signal *s, sigset_t sigs);
/* Kill every live thread of @g but @except (SIGKILL in its own set, and
 * a wake-up); the group dies with @status. Context: siglock held. */
void zap_group_locked(struct signal_struct *g, int status, struct task_struct *except);
/* A kernel-made siginfo: @sig, @code, the rest 0. */
void siginfo_kernel(struct kernel_siginfo *info, int sig, int code);

/* A task's signal state, allocated on first use for a task that has none
 * (NULL if memory ran out). Context: current only. */
struct task_signal *current_signal(void);

/* The resource limits (getrlimit etc.; kernel/sys.c). */
unsigned long task_rlimit(struct task_struct *t, unsigned int resource);

#endif
