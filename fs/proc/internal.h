/*
 * proc's internals, shared by fs/proc/root.c (the directories and the
 * text-file operations), fs/proc/fd.c (/proc/PID/fd) and fs/proc/base.c
 * (the per-process files that are links). Not for the rest of the kernel:
 * include/fs/proc_fs.h is proc's interface.
 */
#ifndef _FS_PROC_INTERNAL_H
#define _FS_PROC_INTERNAL_H

#include <fs/fs.h>
#include <fs/proc_fs.h>

#define PROC_ROOT_INO   1
#define PROC_PID_SHIFT  8
/* The readdir cookie of /proc/PID is PROC_POS_PIDS + PID, so a later call
 * resumes at the next larger pid whatever exited meanwhile. */
#define PROC_POS_PIDS   256
#define PROC_TASK_IDX   0xff            /* /proc/PID/task's index */
#define PROC_FD_IDX     0xfe            /* /proc/PID/fd's index */
/*
 * /proc/PID/fd/N: inode numbers above every (PID << 8 | index), so the
 * two ranges never meet (pids are below 2^31, fds below NR_OPEN_MAX).
 */
#define PROC_FD_INO_BASE (1UL << 48)
#define PROC_FD_SHIFT   16

/*
 * One file of a proc directory, kept in that directory's table. Exactly
 * one of show (a text file) and link (a symbolic link) is set.
 */
struct proc_entry {
	const char *name;
	int (*show)(struct seq_buf *m, int pid);
	int (*store)(const char *buf, size_t len);      /* NULL: read-only */
	/* a /proc/PID file's write, given the PID; NULL: read-only */
	int (*store_pid)(int pid, const char *buf, size_t len);
	/*
	 * A symbolic link (/proc/PID/cwd, root, exe...): write @pid's target
	 * into @buf (@size bytes, NUL-terminated) and return its length, or
	 * -ENOENT (no such process, or nothing to name), -ENAMETOOLONG.
	 * Context: may sleep; called with no lock held.
	 */
	int (*link)(int pid, char *buf, size_t size);
	/* a text sysctl: a write of up to PROC_SYSCTL_TEXT_MAX - 1 bytes is
	 * handed over, a longer one cut (numbers: -EINVAL from 32 bytes) */
	bool text;
	/* NULL: always there; else whether the file exists (/proc/profile
	 * only with profile=1, as on Linux) */
	bool (*present)(void);
};

#define PROC_SYSCTL_NUM_MAX     32
#define PROC_SYSCTL_TEXT_MAX    128

struct proc_inode {
	struct inode vfs_inode;
	const struct proc_entry *entry;         /* (c) a file's; NULL for a directory */
	int pid;                                /* (c) /proc/PID and its files; else 0 */
	int fd;                                 /* (c) /proc/PID/fd/N: N; else -1 */
};

static inline struct proc_inode *PROC_I(struct inode *inode)
{
	return container_of(inode, struct proc_inode, vfs_inode);
}

static inline unsigned long proc_pid_ino(int pid, unsigned int index)
{
	return ((unsigned long)pid << PROC_PID_SHIFT) | index;
}

/* fs/proc/root.c */
/* Is @pid a live process or thread (not a zombie)? Takes tasklist_lock. */
bool process_alive(int pid);
/* "123" -> 123; -1 for anything else ("0123", "+1", "self", too long). */
int name_to_pid(const char *name, size_t len);
/* Give @inode (of process @pid) the process's effective ids as owner, as
 * Linux shows them (ps names a process's user from its directory's). */
void proc_pid_set_owner(struct inode *inode, int pid);
/* The directory /proc/@pid, referenced, or ERR_PTR(-ENOENT). */
struct inode *proc_pid_dir_iget(struct super_block *sb, int pid);

/* fs/proc/fd.c: the directory /proc/@pid/fd. */
struct inode *proc_fd_dir_iget(struct super_block *sb, int pid);
/* What a /proc/PID/fd link says about @f ("/path", "pipe:[INO]", ...),
 * NUL-terminated in @buf; its length or -ENAMETOOLONG. Context: may sleep. */
int proc_fd_link_text(struct file *f, char *buf, size_t size);

#endif
