/*
 * proc: the filesystem at /proc (include/fs/proc_fs.h, docs/pseudofs.md).
 *
 * Owns: the "proc" filesystem type, its directories (the root and one per
 * process) and the file operations of its text files. What the files say
 * is in the show functions (fs/proc/meminfo.c, fs/proc/task_mmu.c).
 *
 * Nothing is stored: every inode is made on demand from its number, which
 * encodes what it is, and the inode cache keeps it while it is used.
 *
 *   1                          the root directory
 *   2 + i                      proc_root_entries[i]: meminfo, ..., profile (only
 *                              with profile=1), and the links
 *                              self, thread-self, mounts
 *   PROC_SYS_INO               /proc/sys
 *   PROC_SYS_VM_INO            /proc/sys/vm
 *   PROC_SYS_VM_INO + 1 + i    proc_sys_vm_entries[i]: dirty_*, drop_caches,
 *                              overcommit_*
 *   PROC_SYS_KERNEL_INO (+1+i) /proc/sys/kernel (proc_sys_kernel_entries[i])
 *   (PID << 8)                 /proc/PID
 *   (PID << 8) | (1 + i)       proc_pid_entries[i] of PID: maps, status, ..., cwd
 *   (PID << 8) | PROC_FD_IDX   /proc/PID/fd (fs/proc/fd.c)
 *   (PID << 8) | PROC_TASK_IDX /proc/PID/task: one directory per thread,
 *                              /proc/PID/task/TID, which is /proc/TID
 *   PROC_FD_INO_BASE | ...     /proc/PID/fd/N (fs/proc/fd.c)
 *
 * Links: an entry with ->link is a symbolic link whose target is made when
 * it is read (readlink, or the path walk following it): /proc/self is
 * "PID", /proc/thread-self "PID/task/TID", /proc/mounts "self/mounts",
 * /proc/PID/cwd and root the directories' paths (fs/proc/base.c). A new
 * link is a function and one table line. Unlike Linux's "magic" links, a
 * walk through /proc/PID/cwd or fd/N goes by the target's text, so a target
 * that is no path (a pipe's "pipe:[N]", a deleted file) cannot be opened
 * through the link: -ENOENT.
 *
 * /proc/sys/vm and /proc/sys/kernel hold the sysctls: a write hands the
 * text to the entry's ->store, which parses it and sets the value, or fails
 * (-EINVAL) with nothing changed. As Linux's default (sysctl_writes_strict),
 * only a write at offset 0 counts: one at another offset changes nothing
 * and returns 0. An entry without a show function (drop_caches, mode
 * 0200) cannot be opened for reading, by root either: Linux's sysctl
 * permission check applies the owner's bits to root too. Their files are
 * root's, mode 0644 (0200): another user's open
 * for writing is -EACCES, as on Linux.

 * A thread's /proc/TID is found by lookup, but the root lists only thread
 * group leaders, as on Linux; /proc/PID/task lists every thread.
 *
 * A /proc/PID directory is found only while the process is alive (not a
 * zombie); reading an open file of a process that has exited fails with
 * -ESRCH, as on Linux once the process is reaped (Linux still shows a
 * zombie, with an empty maps). Pids are never reused, so a cached inode
 * never names another process.
 *
 * Locks: tasklist_lock (briefly, through find_task_by_pid_locked and
 * for_each_process_locked) to see which processes exist. An open text
 * file's proc_file.lock (mutex) is held while its text is made and copied
 * out, so above whatever the show function takes (a process's mmap_lock,
 * inode locks) and a fault's mmap_lock in the copy.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <fs/proc_fs.h>
#include <fs/pseudofs.h>
#include "internal.h"
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/readahead.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include <mm/writeback.h>
#include <kernel/profile.h>

#define PROC_SYS_INO    200             /* below every /proc/PID (pid << 8) */
#define PROC_SYS_VM_INO (PROC_SYS_INO + 1)
/* /proc/sys/kernel and its files: a range of their own, above vm's. */
#define PROC_SYS_KERNEL_INO 230

/* The tables give each entry's leading fields only: the rest (a link, a
 * text sysctl) are zero unless written out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct proc_entry proc_root_entries[] = {
	{ "meminfo", meminfo_show, NULL, NULL },
	{ "vmstat", vmstat_show, NULL, NULL },
	{ "stat", stat_show, NULL, NULL },
	{ "cpuinfo", cpuinfo_show, NULL, NULL },
	{ "swaps", swaps_show, NULL, NULL },
	{ "uptime", uptime_show, NULL, NULL },
	{ "loadavg", loadavg_show, NULL, NULL },
	{ "version", version_show, NULL, NULL },
	{ "filesystems", filesystems_show, NULL, NULL },
	{ "profile", profile_show, profile_store, NULL, NULL, false, profile_present },
	{ "self", NULL, NULL, NULL, proc_self_link },
	{ "thread-self", NULL, NULL, NULL, proc_thread_self_link },
	{ "mounts", NULL, NULL, NULL, proc_mounts_link },
};

static const struct proc_entry proc_pid_entries[] = {
	{ "maps", proc_pid_maps_show, NULL, NULL },
	{ "status", proc_pid_status_show, NULL, NULL },
	{ "statm", proc_pid_statm_show, NULL, NULL },
	{ "oom_score", proc_oom_score_show, NULL, NULL },
	{ "oom_score_adj", proc_oom_score_adj_show, NULL, proc_oom_score_adj_store },
	{ "stat", proc_pid_stat_show, NULL, NULL },
	{ "cmdline", proc_pid_cmdline_show, NULL, NULL },
	{ "environ", proc_pid_environ_show, NULL, NULL },
	{ "comm", proc_pid_comm_show, NULL, proc_pid_comm_store, NULL, true },
	{ "mounts", proc_mounts_show, NULL, NULL },
	{ "mountinfo", proc_mountinfo_show, NULL, NULL },
	{ "cwd", NULL, NULL, NULL, proc_pid_cwd_link },
	{ "root", NULL, NULL, NULL, proc_pid_root_link },
	{ "exe", NULL, NULL, NULL, proc_pid_exe_link },
};

static const struct proc_entry proc_sys_vm_entries[] = {
	{ "dirty_background_ratio", dirty_background_ratio_show, dirty_background_ratio_store },
	{ "dirty_expire_centisecs", dirty_expire_centisecs_show, dirty_expire_centisecs_store },
	{ "dirty_ratio", dirty_ratio_show, dirty_ratio_store },
	{ "dirty_writeback_centisecs", dirty_writeback_centisecs_show,
	  dirty_writeback_centisecs_store },
	{ "drop_caches", NULL, drop_caches_store },
	{ "fault_around_bytes", fault_around_bytes_show, fault_around_bytes_store, NULL },
	{ "overcommit_kbytes", overcommit_kbytes_show, overcommit_kbytes_store, NULL },
	{ "overcommit_memory", overcommit_memory_show, overcommit_memory_store, NULL },
	{ "overcommit_ratio", overcommit_ratio_show, overcommit_ratio_store, NULL },
	{ "page-cluster", page_cluster_show, page_cluster_store, NULL },
	{ "read_ahead_kb", read_ahead_kb_show, read_ahead_kb_store, NULL },
};

/* Kept with the knobs they show: kernel/utsname.c, kernel/printk.c, ... */
static const struct proc_entry proc_sys_kernel_entries[] = {
	{ "dmesg_restrict", dmesg_restrict_show, dmesg_restrict_store, NULL },
	{ "domainname", domainname_show, domainname_store, NULL, NULL, true },
	{ "hostname", hostname_show, hostname_store, NULL, NULL, true },
	{ "osrelease", osrelease_show, NULL, NULL },
	{ "ostype", ostype_show, NULL, NULL },
	{ "pid_max", pid_max_show, NULL, NULL },
	{ "printk", printk_levels_show, printk_levels_store, NULL },
	{ "randomize_va_space", randomize_va_space_show, randomize_va_space_store, NULL },
	{ "threads-max", threads_max_show, NULL, NULL },
	{ "version", kernel_version_show, NULL, NULL },
};

#pragma GCC diagnostic pop

_Static_assert(PROC_ROOT_INO + 1 + ARRAY_SIZE(proc_root_entries) < PROC_SYS_INO &&
	       PROC_SYS_VM_INO + 1 + ARRAY_SIZE(proc_sys_vm_entries) < PROC_SYS_KERNEL_INO &&
	       PROC_SYS_KERNEL_INO + 1 + ARRAY_SIZE(proc_sys_kernel_entries) <
	       (1 << PROC_PID_SHIFT) &&
	       ARRAY_SIZE(proc_pid_entries) < PROC_FD_IDX,
	       "the /proc/sys numbers sit between the root's files and /proc/1");

/* ---- which processes exist ------------------------------------------------------- */

bool process_alive(int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	bool alive = find_task_by_pid_locked(pid) != NULL;

	tasklist_unlock_irqrestore(flags);
	return alive;
}

struct next_pid {
	int from;                               /* the smallest pid wanted */
	int found;                              /* the smallest seen >= from, 0: none */
};

static void next_pid_fn(struct task_struct *t, void *arg)
{
	struct next_pid *np = arg;

	if (t->pid >= np->from && (!np->found || t->pid < np->found))
		np->found = t->pid;
}

/* The smallest live process pid >= @from, or 0. (A walk per pid: /proc is
 * read rarely and processes are few.) */
static int next_pid_from(int from)
{
	struct next_pid np = { .from = from };
	unsigned long flags = tasklist_lock_irqsave();

	for_each_process_locked(next_pid_fn, &np);
	tasklist_unlock_irqrestore(flags);
	return np.found;
}

int name_to_pid(const char *name, size_t len)
{
	int pid = 0;

	if (!len || len > 9 || (name[0] == '0' && len > 1))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return -1;
		pid = pid * 10 + (name[i] - '0');
	}
	return pid;
}

/* ---- inodes ------------------------------------------------------------------------ */

static const struct inode_operations proc_pid_dir_iops;
static const struct file_operations proc_pid_dir_fops;
static const struct inode_operations proc_task_dir_iops;
static const struct file_operations proc_task_dir_fops;
static const struct file_operations proc_file_fops;
static const struct file_operations proc_sysctl_fops;
static const struct inode_operations proc_sys_dir_iops;
static const struct file_operations proc_sys_dir_fops;
static const struct inode_operations proc_sys_vm_dir_iops;
static const struct file_operations proc_sys_vm_dir_fops;
static struct inode *proc_sys_dir_iget(struct super_block *sb, unsigned long ino);

/* A link's target, from its entry: for readlink and the path walk. */
static int proc_entry_get_link(struct inode *inode, char *buf, size_t size)
{
	struct proc_inode *pi = PROC_I(inode);
	char *tmp = kmalloc(PATH_MAX, GFP_KERNEL);
	int len;

	if (!tmp)
		return -ENOMEM;
	len = pi->entry->link(pi->pid, tmp, PATH_MAX);
	if (len >= 0) {
		len = min(len, (int)size);
		memcpy(buf, tmp, (size_t)len);
	}
	kfree(tmp);
	return len;
}

static const struct inode_operations proc_link_iops = {
	.get_link = proc_entry_get_link,
};

void proc_pid_set_owner(struct inode *inode, int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);

	if (t) {
		WRITE_ONCE(inode->i_uid, READ_ONCE(t->cred.euid));
		WRITE_ONCE(inode->i_gid, READ_ONCE(t->cred.egid));
	}
	tasklist_unlock_irqrestore(flags);
}

/* Inode @ino of @sb: a text file if @entry, else /proc/@pid. */
static struct inode *proc_iget(struct super_block *sb, unsigned long ino,
			       const struct proc_entry *entry, int pid)
{
	struct inode *inode = iget_locked(sb, ino);

	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	PROC_I(inode)->entry = entry;
	PROC_I(inode)->pid = pid;
	PROC_I(inode)->fd = -1;
	if (entry && entry->link) {
		pseudo_inode_init(inode, S_IFLNK | 0777, 1);
		inode->i_op = &proc_link_iops;
	} else if (entry) {
		bool writable = entry->store || entry->store_pid;
		/* Without a show function (drop_caches): 0200, unreadable by
		 * root too, as Linux's sysctl permission check has it. */
		umode_t mode = !entry->show ? 0200 : writable ? 0644 : 0444;

		pseudo_inode_init(inode, S_IFREG | mode, 1);
		inode->i_fop = writable ? &proc_sysctl_fops : &proc_file_fops;
	} else {
		pseudo_inode_init(inode, S_IFDIR | 0555, 2);
		inode->i_op = &proc_pid_dir_iops;
		inode->i_fop = &proc_pid_dir_fops;
	}
	if (pid)
		proc_pid_set_owner(inode, pid);
	unlock_new_inode(inode);
	return inode;
}

/* A process's directory follows its owner's ids on every lookup, as
 * Linux's revalidation does, so a setuid is seen. */
struct inode *proc_pid_dir_iget(struct super_block *sb, int pid)
{
	struct inode *inode;

	if (pid <= 0 || !process_alive(pid))
		return ERR_PTR(-ENOENT);
	inode = proc_iget(sb, proc_pid_ino(pid, 0), NULL, pid);
	if (!IS_ERR(inode))
		proc_pid_set_owner(inode, pid);
	return inode;
}

/* ---- a directory's table of text files ------------------------------------------------- */

static bool entry_present(const struct proc_entry *e)
{
	return !e->present || e->present();
}

/* The index of @name in @table (@n entries), or -1 (also for a file that
 * is not there). */
static int find_entry(const struct proc_entry *table, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(table[i].name) == len && memcmp(table[i].name, name, len) == 0)
			return entry_present(&table[i]) ? (int)i : -1;
	return -1;
}

/* Report the entries of @table after the dots (cookie DIR_POS_FIRST + i),
 * the i-th as inode @ino0 + i. Returns false if the actor wanted no more. */
static bool emit_entries(struct dir_context *ctx, const struct proc_entry *table, size_t n,
			 unsigned long ino0)
{
	for (size_t i = 0; i < n; i++) {
		loff_t pos = DIR_POS_FIRST + (loff_t)i;

		if (pos >= ctx->pos && entry_present(&table[i]) &&
		    !dir_emit(ctx, table[i].name, strlen(table[i].name), ino0 + i,
			      table[i].link ? DT_LNK : DT_REG, pos))
			return false;
	}
	return true;
}

/* ---- the root directory --------------------------------------------------------------- */

/* ".." of the root is only asked for when proc is mounted nowhere (the
 * VFS leaves a mounted root through the directory it covers). */
static struct inode *proc_root_lookup(struct inode *dir, const char *name, size_t len)
{
	int i = find_entry(proc_root_entries, ARRAY_SIZE(proc_root_entries), name, len);

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(dir);
	if (i >= 0)
		return proc_iget(dir->i_sb, PROC_ROOT_INO + 1 + (unsigned long)i,
				 &proc_root_entries[i], 0);
	if (len == 3 && memcmp(name, "sys", 3) == 0)
		return proc_sys_dir_iget(dir->i_sb, PROC_SYS_INO);
	return proc_pid_dir_iget(dir->i_sb, name_to_pid(name, len));
}

/* The entries: the files and links, "sys", then one per process. */
static int proc_root_readdir(struct file *file, struct dir_context *ctx)
{
	const loff_t sys_pos = DIR_POS_FIRST + ARRAY_SIZE(proc_root_entries);
	char name[16];
	int pid;

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, PROC_ROOT_INO, PROC_ROOT_INO) ||
	    !emit_entries(ctx, proc_root_entries, ARRAY_SIZE(proc_root_entries), PROC_ROOT_INO + 1))
		return 0;
	if (ctx->pos <= sys_pos && !dir_emit(ctx, "sys", 3, PROC_SYS_INO, DT_DIR, sys_pos))
		return 0;
	pid = next_pid_from(ctx->pos > PROC_POS_PIDS ? (int)(ctx->pos - PROC_POS_PIDS) : 1);
	for (; pid; pid = next_pid_from(pid + 1)) {
		size_t len = (size_t)snprintf(name, sizeof(name), "%d", pid);

		if (!dir_emit(ctx, name, len, proc_pid_ino(pid, 0), DT_DIR, PROC_POS_PIDS + pid))
			return 0;
	}
	return 0;
}

static const struct inode_operations proc_root_iops = {
	.lookup = proc_root_lookup,
};

static const struct file_operations proc_root_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_root_readdir,
};

/* ---- /proc/sys, /proc/sys/vm, /proc/sys/kernel ------------------------------------------- */

/* A directory of sysctls: its number, and its files numbered from ino + 1. */
struct proc_sys_dir {
	const char *name;
	unsigned long ino;
	const struct proc_entry *entries;
	size_t n;
};

static const struct proc_sys_dir proc_sys_dirs[] = {
	{ "kernel", PROC_SYS_KERNEL_INO, proc_sys_kernel_entries,
	  ARRAY_SIZE(proc_sys_kernel_entries) },
	{ "vm", PROC_SYS_VM_INO, proc_sys_vm_entries, ARRAY_SIZE(proc_sys_vm_entries) },
};

static const struct proc_sys_dir *sys_dir_of(unsigned long ino)
{
	for (size_t i = 0; i < ARRAY_SIZE(proc_sys_dirs); i++)
		if (proc_sys_dirs[i].ino == ino)
			return &proc_sys_dirs[i];
	return NULL;
}

/* The directory /proc/sys (@ino PROC_SYS_INO) or one of proc_sys_dirs. */
static struct inode *proc_sys_dir_iget(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = iget_locked(sb, ino);

	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	PROC_I(inode)->entry = NULL;
	PROC_I(inode)->pid = 0;
	PROC_I(inode)->fd = -1;
	if (ino == PROC_SYS_INO) {
		pseudo_inode_init(inode, S_IFDIR | 0555, 2 + ARRAY_SIZE(proc_sys_dirs));
		inode->i_op = &proc_sys_dir_iops;
		inode->i_fop = &proc_sys_dir_fops;
	} else {
		pseudo_inode_init(inode, S_IFDIR | 0555, 2);
		inode->i_op = &proc_sys_vm_dir_iops;
		inode->i_fop = &proc_sys_vm_dir_fops;
	}
	unlock_new_inode(inode);
	return inode;
}

static struct inode *proc_sys_lookup(struct inode *dir, const char *name, size_t len)
{
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(dir->i_sb->s_root);
	for (size_t i = 0; i < ARRAY_SIZE(proc_sys_dirs); i++)
		if (strlen(proc_sys_dirs[i].name) == len &&
		    memcmp(proc_sys_dirs[i].name, name, len) == 0)
			return proc_sys_dir_iget(dir->i_sb, proc_sys_dirs[i].ino);
	return ERR_PTR(-ENOENT);
}

static int proc_sys_readdir(struct file *file, struct dir_context *ctx)
{
	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, PROC_SYS_INO, PROC_ROOT_INO))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(proc_sys_dirs); i++) {
		const struct proc_sys_dir *d = &proc_sys_dirs[i];
		loff_t pos = DIR_POS_FIRST + (loff_t)i;

		if (pos >= ctx->pos && !dir_emit(ctx, d->name, strlen(d->name), d->ino, DT_DIR, pos))
			return 0;
	}
	return 0;
}

/* A lookup in /proc/sys/vm or /proc/sys/kernel. */
static struct inode *proc_sys_vm_lookup(struct inode *dir, const char *name, size_t len)
{
	const struct proc_sys_dir *d = sys_dir_of(dir->i_ino);
	int i = find_entry(d->entries, d->n, name, len);

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return proc_sys_dir_iget(dir->i_sb, PROC_SYS_INO);
	if (i < 0)
		return ERR_PTR(-ENOENT);
	return proc_iget(dir->i_sb, d->ino + 1 + (unsigned long)i, &d->entries[i], 0);
}

static int proc_sys_vm_readdir(struct file *file, struct dir_context *ctx)
{
	const struct proc_sys_dir *d = sys_dir_of(file->f_inode->i_ino);

	if (ctx->pos < 0)
		return -EINVAL;
	if (dir_emit_dots(ctx, d->ino, PROC_SYS_INO))
		emit_entries(ctx, d->entries, d->n, d->ino + 1);
	return 0;
}

static const struct inode_operations proc_sys_dir_iops = {
	.lookup = proc_sys_lookup,
};

static const struct file_operations proc_sys_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_sys_readdir,
};

static const struct inode_operations proc_sys_vm_dir_iops = {
	.lookup = proc_sys_vm_lookup,
};

static const struct file_operations proc_sys_vm_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_sys_vm_readdir,
};

/* ---- /proc/PID -------------------------------------------------------------------------- */

/* /proc/PID/task. */
static struct inode *proc_task_dir_iget(struct super_block *sb, int pid)
{
	struct inode *inode = iget_locked(sb, proc_pid_ino(pid, PROC_TASK_IDX));

	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	PROC_I(inode)->entry = NULL;
	PROC_I(inode)->pid = pid;
	PROC_I(inode)->fd = -1;
	pseudo_inode_init(inode, S_IFDIR | 0555, 2);
	proc_pid_set_owner(inode, pid);
	inode->i_op = &proc_task_dir_iops;
	inode->i_fop = &proc_task_dir_fops;
	unlock_new_inode(inode);
	return inode;
}

static struct inode *proc_pid_lookup(struct inode *dir, const char *name, size_t len)
{
	int pid = PROC_I(dir)->pid;
	int i = find_entry(proc_pid_entries, ARRAY_SIZE(proc_pid_entries), name, len);

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(dir->i_sb->s_root);
	if (len == 4 && memcmp(name, "task", 4) == 0 && process_alive(pid))
		return proc_task_dir_iget(dir->i_sb, pid);
	if (len == 2 && memcmp(name, "fd", 2) == 0 && process_alive(pid))
		return proc_fd_dir_iget(dir->i_sb, pid);
	if (i < 0 || !process_alive(pid))
		return ERR_PTR(-ENOENT);
	return proc_iget(dir->i_sb, proc_pid_ino(pid, 1 + (unsigned int)i), &proc_pid_entries[i],
			 pid);
}

static int proc_pid_readdir(struct file *file, struct dir_context *ctx)
{
	int pid = PROC_I(file->f_inode)->pid;
	const loff_t task_pos = DIR_POS_FIRST + ARRAY_SIZE(proc_pid_entries);
	const loff_t fd_pos = task_pos + 1;

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, proc_pid_ino(pid, 0), PROC_ROOT_INO) ||
	    !emit_entries(ctx, proc_pid_entries, ARRAY_SIZE(proc_pid_entries),
			  proc_pid_ino(pid, 1)))
		return 0;
	if (ctx->pos <= task_pos &&
	    !dir_emit(ctx, "task", 4, proc_pid_ino(pid, PROC_TASK_IDX), DT_DIR, task_pos))
		return 0;
	if (ctx->pos <= fd_pos)
		dir_emit(ctx, "fd", 2, proc_pid_ino(pid, PROC_FD_IDX), DT_DIR, fd_pos);
	return 0;
}

/* ---- /proc/PID/task ---------------------------------------------------------------------- */

struct next_tid {
	int tgid;
	int from;                               /* the smallest tid wanted */
	int found;                              /* the smallest seen >= from, 0: none */
};

static void next_tid_fn(struct task_struct *t, void *arg)
{
	struct next_tid *nt = arg;

	if (t->is_process && t->tgid == nt->tgid && !t->exit_state && t->state != TASK_DEAD &&
	    t->pid >= nt->from && (!nt->found || t->pid < nt->found))
		nt->found = t->pid;
}

/* The smallest live thread id of group @tgid that is >= @from, or 0. */
static int next_tid_from(int tgid, int from)
{
	struct next_tid nt = { .tgid = tgid, .from = from };

	for_each_task(next_tid_fn, &nt);
	return nt.found;
}

static struct inode *proc_task_lookup(struct inode *dir, const char *name, size_t len)
{
	int tgid = PROC_I(dir)->pid, tid = name_to_pid(name, len);

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return proc_pid_dir_iget(dir->i_sb, tgid);
	if (tid <= 0 || next_tid_from(tgid, tid) != tid)
		return ERR_PTR(-ENOENT);
	return proc_pid_dir_iget(dir->i_sb, tid);
}

static int proc_task_readdir(struct file *file, struct dir_context *ctx)
{
	int tgid = PROC_I(file->f_inode)->pid, tid;
	char name[16];

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, proc_pid_ino(tgid, PROC_TASK_IDX), proc_pid_ino(tgid, 0)))
		return 0;
	tid = next_tid_from(tgid, ctx->pos > PROC_POS_PIDS ? (int)(ctx->pos - PROC_POS_PIDS) : 1);
	for (; tid; tid = next_tid_from(tgid, tid + 1)) {
		size_t len = (size_t)snprintf(name, sizeof(name), "%d", tid);

		if (!dir_emit(ctx, name, len, proc_pid_ino(tid, 0), DT_DIR, PROC_POS_PIDS + tid))
			return 0;
	}
	return 0;
}

static const struct inode_operations proc_task_dir_iops = {
	.lookup = proc_task_lookup,
};

static const struct file_operations proc_task_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_task_readdir,
};

static const struct inode_operations proc_pid_dir_iops = {
	.lookup = proc_pid_lookup,
};

static const struct file_operations proc_pid_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = proc_pid_readdir,
};

/* ---- the text files ------------------------------------------------------------------------ */

/* file->private_data of an open /proc text file. */
struct proc_file {
	struct mutex lock;
	char *text;                             /* (lock) made by the last read from 0 */
	size_t len;                             /* (lock) */
};

static int proc_file_open(struct inode *inode, struct file *file)
{
	struct proc_file *pf;

	if ((file->f_mode & FMODE_READ) && PROC_I(inode)->entry && !PROC_I(inode)->entry->show)
		return -EACCES;                 /* a write-only sysctl, root or not */
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return -ENOMEM;
	mutex_init(&pf->lock, "proc_file.lock");
	file->private_data = pf;
	return 0;
}

static void proc_file_release(struct inode *inode, struct file *file)
{
	struct proc_file *pf = file->private_data;

	kfree(pf->text);
	kfree(pf);
}

/* A read from offset 0 makes the text afresh; the others read on in it. */
static ssize_t proc_file_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct proc_inode *pi = PROC_I(file->f_inode);
	struct proc_file *pf = file->private_data;
	ssize_t ret = 0;

	mutex_lock(&pf->lock);
	if (*pos == 0 || !pf->text)
		ret = seq_make_text(pi->entry->show, pi->pid, &pf->text, &pf->len);
	if (!ret && (u64)*pos < pf->len) {
		size_t want = min(pf->len - (size_t)*pos, to->count);
		size_t done = copy_to_iter(pf->text + *pos, want, to);

		ret = done ? (ssize_t)done : want ? -EFAULT : 0;
		*pos += (loff_t)done;
	}
	mutex_unlock(&pf->lock);
	return ret;
}

static const struct file_operations proc_file_fops = {
	.llseek = generic_file_llseek,
	.read_iter = proc_file_read,
	.open = proc_file_open,
	.release = proc_file_release,
};

/*
 * A write to a sysctl: the whole text at once, at offset 0. Linux reads
 * at most 21 characters of a number; anything of 32 bytes or more is
 * -EINVAL here. A text sysctl (hostname) takes what fits and drops the rest,
 * as Linux's proc_dostring; its store gets the text NUL-terminated.
 * Returns the bytes taken, 0 at another offset, or the store's error.
 */
static ssize_t proc_sysctl_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct proc_inode *pi = PROC_I(file->f_inode);
	struct proc_file *pf = file->private_data;
	size_t len = from->count, take;
	char buf[PROC_SYSCTL_TEXT_MAX];
	int err;

	if (*pos != 0 || !len)
		return 0;
	if (len >= PROC_SYSCTL_NUM_MAX && !pi->entry->text)
		return -EINVAL;
	take = min(len, sizeof(buf) - 1);       /* a longer text is cut, as Linux's */
	if (copy_from_iter(buf, take, from) != take)
		return -EFAULT;
	buf[take] = '\0';
	mutex_lock(&pf->lock);
	err = pi->entry->store_pid ? pi->entry->store_pid(pi->pid, buf, take)
				   : pi->entry->store(buf, take);
	mutex_unlock(&pf->lock);
	if (err < 0)
		return err;
	if (err > 0)
		len = (size_t)err;              /* the store stopped early */
	*pos += (loff_t)len;
	return (ssize_t)len;
}

static const struct file_operations proc_sysctl_fops = {
	.llseek = generic_file_llseek,
	.read_iter = proc_file_read,
	.write_iter = proc_sysctl_write,
	.open = proc_file_open,
	.release = proc_file_release,
};

/* ---- the filesystem ------------------------------------------------------------------------- */

static struct inode *proc_alloc_inode(struct super_block *sb)
{
	struct proc_inode *pi = kzalloc(sizeof(*pi), GFP_KERNEL);

	return pi ? &pi->vfs_inode : NULL;
}

static void proc_destroy_inode(struct inode *inode)
{
	kfree(PROC_I(inode));
}

static int proc_statfs(struct super_block *sb, struct kstatfs *st)
{
	pseudo_statfs(st, PROC_SUPER_MAGIC);
	return 0;
}

static const struct super_operations proc_sops = {
	.alloc_inode = proc_alloc_inode,
	.destroy_inode = proc_destroy_inode,
	.statfs = proc_statfs,
};

static struct super_block *proc_mount(const struct file_system_type *type,
				      struct block_device *bdev, bool readonly)
{
	return pseudo_mount(type, &proc_sops, PROC_ROOT_INO, 0555, &proc_root_iops,
			    &proc_root_fops);
}

static struct file_system_type proc_type = {
	.name = "proc",
	.mount = proc_mount,
};

void proc_init(void)
{
	if (register_filesystem(&proc_type))
		pr_err("proc: cannot register the filesystem type\n");
}
