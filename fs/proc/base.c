/*
 * The files of /proc/PID that are not about memory (those are
 * fs/proc/task_mmu.c's), in Linux's formats (its fs/proc/array.c and
 * base.c), and the links of the proc root:
 *
 *   stat       one line of 52 fields, as ps and top parse it
 *   cmdline    argv's strings, each ending in NUL, read from the process's
 *              memory (so a program that rewrites its argv is seen)
 *   environ    the environment's strings, the same way
 *   comm       the name (16 bytes at most); writable by the process itself
 *              (and its threads), as prctl(PR_SET_NAME)
 *   mounts, mountinfo   the mounted filesystems
 *   cwd, root  links to the directories
 *   /proc/self, /proc/thread-self, /proc/mounts   the root's links
 *
 * Locks: tasklist_lock (and a process's siglock inside it) for a snapshot
 * of its task fields; a reference to its mm (get_pid_mm) and that mm's
 * mmap_lock for the memory fields; nothing while text is made from the
 * snapshot.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <drivers/blkdev.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/stat.h>
#include <drivers/tty.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include "internal.h"

/* ---- /proc/PID/stat --------------------------------------------------------------- */

struct stat_snap {
	char comm[TASK_COMM_LEN];
	char state;
	int tgid, ppid, pgrp, sid, threads, nice, exit_signal, tty_nr, tpgid;
	unsigned int cpu;
	unsigned long cmin_flt, cmaj_flt, rsslim;
	u64 cutime, cstime, start_time;
	sigset_t pending, blocked, ignored, caught;
	struct task_usage usage;
};

/* Linux's state letters (fs/proc/array.c's task_state_array). */
static char stat_state(long state)
{
	if (state == TASK_RUNNING)
		return 'R';
	if (state & TASK_UNINTERRUPTIBLE)
		return state & TASK_NOLOAD ? 'I' : 'D';
	return 'S';
}

/* The signal sets of @t. Context: tasklist_lock held; takes siglock. */
static void snapshot_signals(struct task_struct *t, struct stat_snap *s)
{
	struct sighand_struct *sh;
	unsigned long flags = lock_sighand_irqsave(t->signal, &sh);

	s->pending = t->signal->pending | t->signal->group->shared_pending;
	s->blocked = t->signal->blocked;
	for (int sig = 1; sig <= _NSIG; sig++) {
		unsigned long h = sh->action[sig - 1].handler;

		if (h == SIG_IGN)
			s->ignored |= 1ULL << (sig - 1);
		else if (h != SIG_DFL)
			s->caught |= 1ULL << (sig - 1);
	}
	unlock_sighand_irqrestore(sh, flags);
}

/* Context: takes tasklist_lock. Returns false if @pid is gone. */
static bool snapshot_stat(int pid, struct stat_snap *s)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	bool found = t && t->signal;

	if (found) {
		memcpy(s->comm, t->comm, sizeof(s->comm));
		s->comm[TASK_COMM_LEN - 1] = '\0';
		s->state = stat_state(t->state);
		s->tgid = t->tgid;
		s->ppid = t->parent && t->parent->is_process ? t->parent->tgid : 0;
		s->pgrp = t->pgid;
		s->sid = t->sid;
		s->threads = t->signal->group->live;
		s->nice = READ_ONCE(t->nice);
		s->exit_signal = t->exit_signal;
		s->cpu = READ_ONCE(t->cpu);
		s->cmin_flt = t->cmin_flt;
		s->cmaj_flt = t->cmaj_flt;
		s->cutime = t->cutime_ticks;
		s->cstime = t->cstime_ticks;
		s->start_time = t->start_time;
		s->rsslim = READ_ONCE(t->signal->group->rlim[RLIMIT_RSS].rlim_cur);
		tty_task_info(t, &s->tty_nr, &s->tpgid);
		snapshot_signals(t, s);
		thread_group_usage(t, &s->usage);
	}
	tasklist_unlock_irqrestore(flags);
	return found;
}

struct stat_mm {
	unsigned long vsize, rss, start_code, end_code, start_stack, start_brk;
	unsigned long arg_start, arg_end, env_start, env_end;
};

/* The first executable file mapping is the text (start_code/end_code;
 * Faultline keeps no such fields: static programs have one). */
static void snapshot_stat_mm(int pid, struct stat_mm *sm)
{
	struct mm_struct *mm = get_pid_mm(pid);
	struct vm_area_struct *vma;

	if (!mm)
		return;                         /* exiting: Linux shows zeros too */
	down_read(&mm->mmap_lock);
	sm->vsize = mm->total_vm << PAGE_SHIFT;
	for (vma = find_vma(mm, 0); vma; vma = vma_next(vma)) {
		if ((vma->vm_flags & VM_EXEC) && vma->vm_file) {
			sm->start_code = vma->vm_start;
			sm->end_code = vma->vm_end;
			break;
		}
	}
	sm->start_stack = mm->start_stack;
	sm->start_brk = mm->start_brk;
	sm->arg_start = mm->arg_start;
	sm->arg_end = mm->arg_end;
	sm->env_start = mm->env_start;
	sm->env_end = mm->env_end;
	up_read(&mm->mmap_lock);
	sm->rss = get_mm_rss(mm);
	mmput(mm);
}

/*
 * The 52 fields of Linux's do_task_stat, in its order. Times are in
 * USER_HZ (100) ticks, which is Faultline's HZ; starttime counts them
 * from boot. Fields Faultline has nothing for print 0, as Linux does for
 * them when they do not apply (itrealvalue, wchan, nswap, cnswap,
 * rt_priority, policy (SCHED_OTHER), delay accounting, guest times,
 * kstkesp/kstkeip, start_data/end_data, exit_code); flags is 0 (no PF_*
 * flag that Linux shows applies). A thread's own /proc/TID/stat shows its
 * process's totals here, where Linux shows the thread's.
 */
int proc_pid_stat_show(struct seq_buf *m, int pid)
{
	struct stat_snap s = { 0 };
	struct stat_mm sm = { 0 };

	if (!snapshot_stat(pid, &s))
		return -ESRCH;
	snapshot_stat_mm(pid, &sm);
	seq_printf(m, "%d (%s) %c %d %d %d %d %d %u ", pid, s.comm, s.state, s.ppid, s.pgrp,
		   s.sid, s.tty_nr, s.tpgid, 0u);
	seq_printf(m, "%lu %lu %lu %lu %llu %llu %llu %llu ", s.usage.min_flt, s.cmin_flt,
		   s.usage.maj_flt, s.cmaj_flt, (unsigned long long)s.usage.utime_ticks,
		   (unsigned long long)s.usage.stime_ticks, (unsigned long long)s.cutime,
		   (unsigned long long)s.cstime);
	seq_printf(m, "%d %d %d 0 %llu %lu %lu %lu ", 20 + s.nice, s.nice, s.threads,
		   (unsigned long long)(s.start_time / (NSEC_PER_SEC / 100)), sm.vsize, sm.rss,
		   s.rsslim);
	seq_printf(m, "%lu %lu %lu 0 0 %llu %llu %llu %llu 0 0 0 %d %u 0 0 0 0 0 ",
		   sm.start_code, sm.end_code, sm.start_stack, (unsigned long long)s.pending,
		   (unsigned long long)s.blocked, (unsigned long long)s.ignored,
		   (unsigned long long)s.caught, s.exit_signal, s.cpu);
	seq_printf(m, "0 0 %lu %lu %lu %lu %lu 0\n", sm.start_brk, sm.arg_start, sm.arg_end,
		   sm.env_start, sm.env_end);
	return 0;
}

/* ---- cmdline, environ ----------------------------------------------------------------- */

#define ARGS_CHUNK      PAGE_SIZE

/* The bytes [@start, @end) of @pid's memory, as they are now. */
static int show_user_range(struct seq_buf *m, int pid, bool env)
{
	struct mm_struct *mm = get_pid_mm(pid);
	unsigned long start, end;
	char *buf;

	if (!mm)
		return 0;                       /* exiting (or a kernel thread): empty */
	down_read(&mm->mmap_lock);
	start = env ? mm->env_start : mm->arg_start;
	end = env ? mm->env_end : mm->arg_end;
	up_read(&mm->mmap_lock);
	buf = kmalloc(ARGS_CHUNK, GFP_KERNEL);
	if (!buf) {
		mmput(mm);
		return -ENOMEM;
	}
	while (start < end && !m->overflow) {
		int want = (int)min(end - start, (unsigned long)ARGS_CHUNK);
		int got = access_remote_vm(mm, start, buf, want);

		seq_write(m, buf, (size_t)got);
		if (got < want)
			break;
		start += (unsigned long)got;
	}
	kfree(buf);
	mmput(mm);
	return 0;
}

/*
 * argv as the process's memory holds it now. Linux also follows a program
 * that overwrote the final NUL into its environment (setproctitle); here
 * the text ends at the argument area's end, whatever it holds.
 */
int proc_pid_cmdline_show(struct seq_buf *m, int pid)
{
	return show_user_range(m, pid, false);
}

int proc_pid_environ_show(struct seq_buf *m, int pid)
{
	return show_user_range(m, pid, true);
}

/* ---- comm ------------------------------------------------------------------------------ */

int proc_pid_comm_show(struct seq_buf *m, int pid)
{
	char comm[TASK_COMM_LEN];

	if (get_pid_comm(pid, comm))
		return -ESRCH;
	seq_printf(m, "%s\n", comm);
	return 0;
}

/* Linux lets a thread group rename its own threads only: another process
 * gets -EINVAL. The bytes are taken as written, up to 15 (a newline too,
 * as Linux: `echo -n` is the way to rename). */
int proc_pid_comm_store(int pid, const char *buf, size_t len)
{
	char comm[TASK_COMM_LEN];
	size_t n = 0;

	while (n < len && n < TASK_COMM_LEN - 1 && buf[n])
		n++;
	memcpy(comm, buf, n);
	comm[n] = '\0';
	return set_pid_comm(pid, current->tgid, comm);
}

/* ---- mounts, mountinfo -------------------------------------------------------------------- */

#define MAX_MOUNTS      16

/* The source column: /dev/NAME for a disk, else the filesystem's name
 * (as Linux shows "proc" for proc). */
static void show_source(struct seq_buf *m, struct super_block *sb)
{
	if (sb->s_bdev)
		seq_printf(m, "/dev/%s", sb->s_bdev->name);
	else
		seq_puts(m, sb->s_type->name);
}

/* Where @mi is mounted, into @path (PATH_MAX). */
static int mount_path(struct mount_info *mi, char *path)
{
	if (!mi->mountpoint) {
		strlcpy(path, "/", PATH_MAX);
		return 0;
	}
	return vfs_getcwd(mi->mountpoint, path, PATH_MAX) < 0 ? -ENOENT : 0;
}

/*
 * mountinfo's and mounts' lines. Mount ids count from 1 in mount order
 * (the root's parent is itself, as for Linux's root in its namespace);
 * the options are "rw" or "ro" ("relatime" and the rest do not exist
 * here); no mount has optional fields or propagation.
 */
static int show_mounts(struct seq_buf *m, bool info)
{
	struct mount_info mi[MAX_MOUNTS];
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	int n = mounts_snapshot(mi, MAX_MOUNTS);

	for (int i = 0; i < n; i++) {
		struct super_block *sb = mi[i].sb;
		const char *rw = sb->s_readonly ? "ro" : "rw";

		if (!path || mount_path(&mi[i], path))
			continue;
		if (info) {
			seq_printf(m, "%d %d %u:%u / %s %s - %s ", i + 1, 1,
				   dev_major(sb->s_dev), dev_minor(sb->s_dev),
				   path, rw, sb->s_type->name);
			show_source(m, sb);
			seq_printf(m, " %s\n", rw);
		} else {
			show_source(m, sb);
			seq_printf(m, " %s %s %s 0 0\n", path, sb->s_type->name, rw);
		}
	}
	for (int i = 0; i < n; i++)
		iput(mi[i].mountpoint);
	kfree(path);
	return path ? 0 : -ENOMEM;
}

int proc_mounts_show(struct seq_buf *m, int pid)
{
	return show_mounts(m, false);
}

int proc_mountinfo_show(struct seq_buf *m, int pid)
{
	return show_mounts(m, true);
}

/* ---- links ------------------------------------------------------------------------------ */

/* The caller's pid, or 0 for a kernel thread (which has no /proc/self). */
static int self_pid(void)
{
	return current->is_process ? current->tgid : 0;
}

static int link_printf(char *buf, size_t size, int len)
{
	return len < (int)size ? len : -ENAMETOOLONG;
}

int proc_self_link(int pid, char *buf, size_t size)
{
	if (!self_pid())
		return -ENOENT;
	return link_printf(buf, size, snprintf(buf, size, "%d", self_pid()));
}

int proc_thread_self_link(int pid, char *buf, size_t size)
{
	if (!self_pid())
		return -ENOENT;
	return link_printf(buf, size,
			   snprintf(buf, size, "%d/task/%d", self_pid(), current->pid));
}

int proc_mounts_link(int pid, char *buf, size_t size)
{
	return link_printf(buf, size, snprintf(buf, size, "self/mounts"));
}

int proc_pid_cwd_link(int pid, char *buf, size_t size)
{
	struct inode *pwd = get_pid_pwd(pid);
	int len;

	if (IS_ERR(pwd))
		return (int)PTR_ERR(pwd);
	if (!pwd)
		return link_printf(buf, size, snprintf(buf, size, "/"));
	len = vfs_getcwd(pwd, buf, size);
	iput(pwd);
	return len < 0 ? len : (int)strlen(buf);
}

/* Every process's root is "/": there is no chroot. */
int proc_pid_root_link(int pid, char *buf, size_t size)
{
	if (!process_alive(pid))
		return -ENOENT;
	return link_printf(buf, size, snprintf(buf, size, "/"));
}
