/*
 * The small "sys" calls: time and sleeping, identity (uids, process groups,
 * sessions), resource limits, sysinfo, reboot. (uname is in
 * kernel/utsname.c; getrandom in drivers/random.c, beside its generator.)
 * Linux x86-64 numbers and struct layouts (include/kernel/syscall_list_signal.h).
 *
 * Clocks: CLOCK_MONOTONIC/BOOTTIME/MONOTONIC_RAW are ktime_get_ns() (the
 * TSC since boot); CLOCK_REALTIME adds the RTC's time at boot
 * (rtc_boot_epoch()); the CPU-time clocks count timer ticks (1/HZ).
 * Sleeps are interruptible: a signal ends them with -EINTR.
 *
 * Identity: the uid and gid calls are in kernel/cred.c. Process groups
 * and sessions are task->pgid/sid, protected by tasklist_lock
 * (include/kernel/process.h).
 *
 * Resource limits live in struct task_signal (per process, inherited at
 * fork, as Linux's signal_struct holds them), under its siglock.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/power.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <mm/page_alloc.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/uaccess.h>

struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

#define CLOCK_REALTIME          0
#define CLOCK_MONOTONIC         1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW     4
#define CLOCK_REALTIME_COARSE   5
#define CLOCK_MONOTONIC_COARSE  6
#define CLOCK_BOOTTIME          7
#define CLOCK_TAI               11
#define TIMER_ABSTIME           1


/* ---- clocks --------------------------------------------------------------- */

static u64 cputime_ns(struct task_struct *t)
{
	return (t->utime_ticks + t->stime_ticks) * NSEC_PER_TICK;
}

/* Read @clk in nanoseconds. Returns 0 or -EINVAL for an unknown clock. */
static int clock_read_ns(int clk, u64 *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:                         /* TAI offset 0, as Linux's default */
		*ns = rtc_boot_epoch() * NSEC_PER_SEC + ktime_get_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:                    /* never suspended: same as monotonic */
		*ns = ktime_get_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID: {        /* every thread of the process */
		struct task_usage u;

		thread_group_usage(current, &u);
		*ns = (u.utime_ticks + u.stime_ticks) * NSEC_PER_TICK;
		return 0;
	}
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = cputime_ns(current);
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE2(clock_gettime, int, clk, struct timespec __user *, uts)
{
	struct timespec ts;
	u64 ns;
	int err = clock_read_ns(clk, &ns);

	if (err)
		return err;
	ts = ns_to_timespec(ns);
	return copy_to_user(uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(clock_getres, int, clk, struct timespec __user *, uts)
{
	struct timespec ts = { 0, 1 };          /* the TSC clocks: 1 ns, as Linux's hrtimers */
	u64 ns;
	int err = clock_read_ns(clk, &ns);

	if (err)
		return err;
	if (clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE)
		ts.tv_nsec = (long)NSEC_PER_TICK;
	if (uts && copy_to_user(uts, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(gettimeofday, struct timeval __user *, utv, struct timezone __user *, utz)
{
	u64 ns;

	clock_read_ns(CLOCK_REALTIME, &ns);
	if (utv) {
		struct timeval tv = { (long)(ns / NSEC_PER_SEC),
				      (long)(ns % NSEC_PER_SEC / 1000) };

		if (copy_to_user(utv, &tv, sizeof(tv)))
			return -EFAULT;
	}
	if (utz) {
		struct timezone tz = { 0, 0 };

		if (copy_to_user(utz, &tz, sizeof(tz)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, long __user *, tloc)
{
	u64 ns;
	long t;

	clock_read_ns(CLOCK_REALTIME, &ns);
	t = (long)(ns / NSEC_PER_SEC);
	if (tloc && copy_to_user(tloc, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* ---- sleeping ------------------------------------------------------------- */

/*
 * Sleep until CLOCK_MONOTONIC reaches @deadline. Returns 0, or -EINTR when
 * a signal that is not blocked arrived first (@left: the time remaining).
 * Context: may sleep.
 */
static int sleep_until_ns(u64 deadline, u64 *left)
{
	might_sleep();
	for (;;) {
		u64 now = ktime_get_ns();

		if (now >= deadline)
			return 0;
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending(current)) {
			set_current_state(TASK_RUNNING);
			*left = deadline - now;
			return -EINTR;
		}
		schedule_timeout((long)DIV_ROUND_UP(min(deadline - now, NSEC_PER_SEC * 3600), NSEC_PER_TICK));
	}
}

/* Relative sleep; writes the remaining time to @urem when interrupted. */
static long do_nanosleep_rel(const struct timespec *req, struct timespec __user *urem)
{
	u64 dur = timespec_to_ns(req), now = ktime_get_ns(), left = 0;
	u64 deadline = dur > ~0ULL - now ? ~0ULL : now + dur;
	int err = sleep_until_ns(deadline, &left);

	if (err == -EINTR && urem) {
		struct timespec rem = ns_to_timespec(left);

		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return err;
}

SYSCALL_DEFINE2(nanosleep, const struct timespec __user *, ureq, struct timespec __user *, urem)
{
	struct timespec req;

	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_valid(&req))
		return -EINVAL;
	return do_nanosleep_rel(&req, urem);
}

/*
 * An absolute sleep is restarted as it is after a signal with no handler
 * (-ERESTARTNOHAND); a relative one returns -EINTR with the time left
 * (Linux restarts that too, through restart_syscall, when no handler runs:
 * Faultline has no restart block; docs/signals.md).
 */
SYSCALL_DEFINE4(clock_nanosleep, int, clk, int, flags, const struct timespec __user *, ureq,
		struct timespec __user *, urem)
{
	struct timespec req;
	u64 now, left;

	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_TAI:
		break;
	case CLOCK_THREAD_CPUTIME_ID:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;             /* clocks Linux cannot sleep on either */
	default:
		return -EINVAL;                 /* unknown, or the process CPU clock (not done) */
	}
	if (copy_from_user(&req, ureq, sizeof(req)))
		return -EFAULT;
	if (!timespec_valid(&req))
		return -EINVAL;
	if (!(flags & TIMER_ABSTIME))
		return do_nanosleep_rel(&req, urem);
	clock_read_ns(clk, &now);
	if (timespec_to_ns(&req) <= now)
		return 0;
	/* Both clocks advance together: convert to a monotonic deadline. */
	if (sleep_until_ns(ktime_get_ns() + (timespec_to_ns(&req) - now), &left))
		return -ERESTARTNOHAND;
	return 0;
}

SYSCALL_DEFINE0(sched_yield)
{
	yield();
	return 0;
}

/* ---- identity ----------------------------------------------------------------- */

/* The uid and gid calls are in kernel/cred.c. */

/* ---- process groups and sessions (tasklist_lock) ----------------------------- */

SYSCALL_DEFINE0(getppid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *p = current->group_leader->parent;  /* the process's */
	int ppid = p ? p->tgid : 0;

	tasklist_unlock_irqrestore(flags);
	return ppid;
}

SYSCALL_DEFINE0(getpgrp)
{
	unsigned long flags = tasklist_lock_irqsave();
	int pgid = current->pgid;

	tasklist_unlock_irqrestore(flags);
	return pgid;
}

/* getpgid/getsid: @pid 0 is the caller. */
static long get_pgid_or_sid(int pid, bool sid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = pid ? find_task_by_pid_locked(pid) : current;
	long ret = -ESRCH;

	if (pid >= 0 && t)
		ret = sid ? t->sid : t->pgid;
	tasklist_unlock_irqrestore(flags);
	return ret;
}

SYSCALL_DEFINE1(getpgid, int, pid) { return get_pgid_or_sid(pid, false); }
SYSCALL_DEFINE1(getsid, int, pid) { return get_pgid_or_sid(pid, true); }

struct pgrp_probe {
	int pgid, sid;                  /* sid < 0: any session */
	bool found;
};

static void pgrp_probe_one(struct task_struct *t, void *arg)
{
	struct pgrp_probe *p = arg;

	if (t->pgid == p->pgid && (p->sid < 0 || t->sid == p->sid))
		p->found = true;
}

/* Is there a process group @pgid (in session @sid)? Context: tasklist_lock. */
static bool pgrp_exists_locked(int pgid, int sid)
{
	struct pgrp_probe p = { pgid, sid, false };

	for_each_process_locked(pgrp_probe_one, &p);
	return p.found;
}

/* Linux's setpgid rules, less the "child has not exec'd yet" (EACCES) one. */
static long setpgid_locked(struct task_struct *me, int pid, int pgid)
{
	struct task_struct *t = find_task_by_pid_locked(pid);

	if (!t || (t != me && t->parent != me))
		return -ESRCH;
	if (t != me && t->sid != me->sid)
		return -EPERM;
	if (t->sid == t->pid)                   /* a session leader stays put */
		return -EPERM;
	if (pgid != t->pid && !pgrp_exists_locked(pgid, me->sid))
		return -EPERM;
	t->pgid = pgid;
	return 0;
}

SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct task_struct *me = current;
	unsigned long flags;
	long err;

	if (!pid)
		pid = me->tgid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0 || pid < 0)
		return pgid < 0 ? -EINVAL : -ESRCH;
	flags = tasklist_lock_irqsave();
	err = setpgid_locked(me, pid, pgid);
	tasklist_unlock_irqrestore(flags);
	return err;
}

SYSCALL_DEFINE0(setsid)
{
	struct task_struct *me = current;
	unsigned long flags = tasklist_lock_irqsave();
	long ret = -EPERM;

	/* Not if a process group with our id exists (we lead one). */
	if (!pgrp_exists_locked(me->tgid, -1)) {
		me->sid = me->pgid = me->tgid;
		me->signal->group->tty = NULL;  /* a new session has no terminal */
		ret = me->sid;
	}
	tasklist_unlock_irqrestore(flags);
	return ret;
}

/* ---- resource limits ------------------------------------------------------------ */

struct rlimit64 {
	u64 rlim_cur, rlim_max;
};

unsigned long task_rlimit(struct task_struct *t, unsigned int resource)
{
	struct task_signal *s = t->signal;

	if (resource >= RLIM_NLIMITS)
		return 0;
	if (!s)
		return resource == RLIMIT_NOFILE ? 1024 : RLIM_INFINITY;
	return READ_ONCE(s->group->rlim[resource].rlim_cur);
}

/* Read and/or set one limit of @s. Context: any; takes siglock. */
static int do_prlimit(struct task_signal *s, unsigned int resource,
		      const struct rlimit64 *new, struct rlimit64 *old)
{
	unsigned long flags = local_irq_save();
	struct sighand_struct *sh = lock_sighand(s);
	struct signal_struct *g = s->group;
	int err = 0;

	if (old) {
		old->rlim_cur = g->rlim[resource].rlim_cur;
		old->rlim_max = g->rlim[resource].rlim_max;
	}
	if (new && new->rlim_max > g->rlim[resource].rlim_max) {
		err = -EPERM;                   /* no raising of hard limits */
	} else if (new) {
		g->rlim[resource].rlim_cur = new->rlim_cur;
		g->rlim[resource].rlim_max = new->rlim_max;
	}
	spin_unlock(&sh->siglock);
	local_irq_restore(flags);
	return err;
}

/* prlimit on @pid (0: the caller), with kernel copies. Linux's order: the
 * process (-ESRCH), then the resource and the values (-EINVAL). */
static long prlimit_pid(int pid, unsigned int resource, const struct rlimit64 *new,
			struct rlimit64 *old)
{
	struct task_struct *t;
	unsigned long flags;
	long err = -ESRCH;

	if (!current_signal())
		return -ENOMEM;
	flags = tasklist_lock_irqsave();
	t = (pid == 0) ? current : find_task_by_pid_locked(pid);
	if (pid < 0 || !t || !t->signal)
		err = -ESRCH;
	else if (resource >= RLIM_NLIMITS || (new && new->rlim_cur > new->rlim_max))
		err = -EINVAL;
	else
		err = do_prlimit(t->signal, resource, new, old);
	tasklist_unlock_irqrestore(flags);
	return err;
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned int, resource, const struct rlimit64 __user *, unew,
		struct rlimit64 __user *, uold)
{
	struct rlimit64 new, old;
	long err;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	err = prlimit_pid(pid, resource, unew ? &new : NULL, uold ? &old : NULL);
	if (!err && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(getrlimit, unsigned int, resource, struct rlimit64 __user *, urlim)
{
	struct rlimit64 old;
	long err = prlimit_pid(0, resource, NULL, &old);

	if (!err && copy_to_user(urlim, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

SYSCALL_DEFINE2(setrlimit, unsigned int, resource, const struct rlimit64 __user *, urlim)
{
	struct rlimit64 new;

	if (copy_from_user(&new, urlim, sizeof(new)))
		return -EFAULT;
	return prlimit_pid(0, resource, &new, NULL);
}

/* ---- sysinfo (uname: kernel/utsname.c) ------------------------------------------------------------ */

struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	unsigned long totalhigh, freehigh;
	u32 mem_unit;
	char _f[20 - 2 * sizeof(long) - sizeof(int)];
};
_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo is Linux's 112 bytes");

static void count_task(struct task_struct *t, void *arg)
{
	(void)t;
	(*(unsigned int *)arg)++;
}

SYSCALL_DEFINE1(sysinfo, struct sysinfo __user *, uinfo)
{
	struct page_alloc_stats st;
	struct sysinfo si;
	unsigned int procs = 0;
	u64 up = ktime_get_ns();

	memset(&si, 0, sizeof(si));
	page_alloc_stats(&st);
	for_each_task(count_task, &procs);
	si.uptime = (long)(up / NSEC_PER_SEC + (up % NSEC_PER_SEC ? 1 : 0));
	si.totalram = st.total_pages * PAGE_SIZE;
	si.freeram = st.free_pages * PAGE_SIZE;
	si.procs = (u16)min(procs, 0xffffu);
	get_avenrun(si.loads);
	for (int i = 0; i < 3; i++)
		si.loads[i] <<= 16 - FSHIFT;    /* SI_LOAD_SHIFT, as Linux */
	si.mem_unit = 1;
	return copy_to_user(uinfo, &si, sizeof(si)) ? -EFAULT : 0;
}

/* ---- reboot ----------------------------------------------------------------------- */

#define LINUX_REBOOT_MAGIC1     0xfee1deadU
#define LINUX_REBOOT_MAGIC2     672274793U
#define LINUX_REBOOT_MAGIC2A    85072278U
#define LINUX_REBOOT_MAGIC2B    369367448U
#define LINUX_REBOOT_MAGIC2C    537993216U
#define LINUX_REBOOT_CMD_RESTART        0x01234567U
#define LINUX_REBOOT_CMD_HALT           0xCDEF0123U
#define LINUX_REBOOT_CMD_CAD_ON         0x89ABCDEFU
#define LINUX_REBOOT_CMD_CAD_OFF        0x00000000U
#define LINUX_REBOOT_CMD_POWER_OFF      0x4321FEDCU
#define LINUX_REBOOT_CMD_RESTART2       0xA1B2C3D4U

/* Restart and halt power off too: under QEMU that ends the run, which is
 * what a test harness wants. kernel_power_off syncs and unmounts first. */
SYSCALL_DEFINE4(reboot, u32, magic1, u32, magic2, u32, cmd, unsigned long, arg)
{
	(void)arg;
	if (magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_RESTART:
	case LINUX_REBOOT_CMD_RESTART2:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_POWER_OFF:
		pr_info("reboot: %s[%d] powers off\n", current->comm, current->pid);
		kernel_power_off(EXIT_POWEROFF);
	default:
		return -EINVAL;
	}
}

/* ---- names: prctl(PR_SET_NAME), /proc/PID/comm ------------------------------------ */

/* comm is written under tasklist_lock (here; execve writes its own before
 * the new program is visible to anyone who could tell), so a reader that
 * takes it never sees half a name. */
int get_pid_comm(int pid, char *comm)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);

	if (t) {
		memcpy(comm, t->comm, TASK_COMM_LEN);
		comm[TASK_COMM_LEN - 1] = '\0';
	}
	tasklist_unlock_irqrestore(flags);
	return t ? 0 : -ESRCH;
}

int set_pid_comm(int pid, int tgid, const char *comm)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	int err = -ESRCH;

	if (t) {
		err = t->tgid == tgid ? 0 : -EINVAL;
		if (!err)
			strlcpy(t->comm, comm, TASK_COMM_LEN);
	}
	tasklist_unlock_irqrestore(flags);
	return err;
}

#define PR_SET_NAME     15
#define PR_GET_NAME     16

/* Only the names so far; any other option is -EINVAL, as Linux answers
 * an option it does not know. */
SYSCALL_DEFINE5(prctl, int, option, unsigned long, arg2, unsigned long, arg3,
		unsigned long, arg4, unsigned long, arg5)
{
	char comm[TASK_COMM_LEN];

	switch (option) {
	case PR_SET_NAME:
		memset(comm, 0, sizeof(comm));
		/* up to 15 bytes and a NUL; a fault at any of them is EFAULT */
		for (size_t i = 0; i < TASK_COMM_LEN - 1; i++) {
			if (copy_from_user(&comm[i], (const char __user *)arg2 + i, 1))
				return -EFAULT;
			if (!comm[i])
				break;
		}
		return set_pid_comm(current->pid, current->tgid, comm);
	case PR_GET_NAME:
		if (get_pid_comm(current->pid, comm))
			return -ESRCH;
		return copy_to_user((char __user *)arg2, comm, TASK_COMM_LEN) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

/* ---- getpriority, setpriority ----------------------------------------------------- */

#define PRIO_PROCESS    0
#define PRIO_PGRP       1
#define PRIO_USER       2
#define MIN_NICE        (-20)
#define MAX_NICE        19

struct prio_walk {
	int which, who;
	int niceval;                    /* setpriority's; getpriority: unused */
	bool set;
	int result;                     /* get: lowest nice seen (MAX_NICE + 1: none); set: error */
	u32 euid;                       /* the caller's */
	bool root;                      /* the caller may raise priority (CAP_SYS_NICE) */
	unsigned long nice_rlim;        /* the caller's RLIMIT_NICE */
};

static bool prio_matches(struct task_struct *t, const struct prio_walk *w)
{
	if (!t->is_process || t->exit_state)
		return false;
	switch (w->which) {
	case PRIO_PROCESS:
		return t->pid == w->who;
	case PRIO_PGRP:
		return t->pgid == w->who;
	default:
		return READ_ONCE(t->cred.uid) == (u32)w->who;
	}
}

/*
 * Linux's set_one_prio: another user's task needs root (EPERM); lowering
 * the nice value below what RLIMIT_NICE allows (20 - limit) needs root
 * too (EACCES). The error of the last task tried is returned; -ESRCH
 * turns to 0 at the first success. Context: tasklist_lock held
 * (for_each_task), which writers of nice hold too.
 */
static void prio_one(struct task_struct *t, void *arg)
{
	struct prio_walk *w = arg;
	int nice;

	if (!prio_matches(t, w))
		return;
	nice = READ_ONCE(t->nice);
	if (!w->set) {
		w->result = min(w->result, nice);
		return;
	}
	if (!w->root && READ_ONCE(t->cred.uid) != w->euid && READ_ONCE(t->cred.euid) != w->euid) {
		w->result = -EPERM;
		return;
	}
	if (w->niceval < nice && !w->root && (unsigned long)(20 - w->niceval) > w->nice_rlim) {
		w->result = -EACCES;
		return;
	}
	WRITE_ONCE(t->nice, w->niceval);
	if (w->result == -ESRCH)
		w->result = 0;
}

/* Check @which and resolve @who 0 to the caller's own; -EINVAL for a bad @which. */
static int prio_setup(struct prio_walk *w, int which, int who)
{
	struct task_struct *me = current;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	w->which = which;
	w->who = who;
	if (!who)
		w->who = which == PRIO_PROCESS ? me->pid :
			 which == PRIO_PGRP ? me->pgid : (int)me->cred.uid;
	w->euid = me->cred.euid;
	w->root = capable_root();
	w->nice_rlim = task_rlimit(me, RLIMIT_NICE);
	return 0;
}

/* The raw call returns 20 - nice (1..40), so that no success is negative;
 * libc turns it back into the nice value. -ESRCH if nothing matched. */
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct prio_walk w = { .result = MAX_NICE + 1 };
	int err = prio_setup(&w, which, who);

	if (err)
		return err;
	for_each_task(prio_one, &w);            /* every thread: nice is per thread */
	return w.result > MAX_NICE ? -ESRCH : 20 - w.result;
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
	struct prio_walk w = { .set = true, .result = -ESRCH };
	int err = prio_setup(&w, which, who);

	if (err)
		return err;
	w.niceval = min(max(niceval, MIN_NICE), MAX_NICE);
	for_each_task(prio_one, &w);
	return w.result;
}
