/*
 * Per-process file state: the file-descriptor table (struct files_struct)
 * and the filesystem context (struct fs_struct: cwd and umask).
 * fs/fdtable.c; docs/syscalls.md.
 *
 * Threads share both (CLONE_FILES, CLONE_FS), and others may look (GDB
 * helpers, /proc), so each has a spinlock: (f) file_lock, (l) fs->lock. A struct file's own reference count is f_count.
 */
#ifndef _FS_FDTABLE_H
#define _FS_FDTABLE_H

#include <kernel/spinlock.h>
#include <kernel/types.h>

struct file;
struct inode;
struct task_struct;

#define NR_OPEN_MAX     1024            /* RLIMIT_NOFILE, as Linux's default */

struct files_struct {
	int count;                              /* (a) tasks sharing it (threads) */
	spinlock_t file_lock;
	struct file *fd[NR_OPEN_MAX];           /* (f) referenced */
	unsigned long close_on_exec[NR_OPEN_MAX / 64];  /* (f) */
	/* (f) bit N set iff fd[N] is not NULL: fork's copy and exit's close
	 * visit only the open slots instead of all NR_OPEN_MAX. */
	unsigned long open_fds[NR_OPEN_MAX / 64];
};

struct fs_struct {
	int count;                              /* (a) */
	spinlock_t lock;
	struct inode *pwd;                      /* (l) referenced; NULL: the root */
	unsigned int umask;                     /* (l) written; /proc reads it with READ_ONCE */
};

/* A new empty table / the copy fork makes (every file gets a reference). */
struct files_struct *files_alloc(void);
struct files_struct *dup_files(struct files_struct *old);
/* Drop a reference; the last one closes every file. Context: may sleep. */
void put_files(struct files_struct *files);
/* execve: close the O_CLOEXEC descriptors. */
void do_close_on_exec(struct files_struct *files);
/* Install @file at the lowest free descriptor of current (>= 0), taking
 * over the caller's reference. Returns the fd or -EMFILE. */
int fd_install_new(struct file *file, unsigned int o_flags);
/* 0 if current has a free descriptor below its limit, else -EMFILE: what
 * Linux's open learns by reserving the descriptor before it looks up the
 * path. Another thread sharing the table may take the last one before
 * fd_install_new runs, which then gives -EMFILE itself. */
int fd_check_free(void);
/* A referenced file for @fd of current, or NULL (the caller says -EBADF).
 * An O_PATH file (FMODE_PATH) counts as no file here, as in Linux: only the
 * calls that use its location take it, through fget_raw(): the *at()
 * directory, fstat and the AT_EMPTY_PATH calls, fstatfs, fchdir, dup and
 * the fcntl commands that act on the descriptor, and F_GETFL. */
struct file *fget(unsigned int fd);
struct file *fget_raw(unsigned int fd);

/*
 * Others' tables (/proc/PID/fd, cwd). A task's ->files and ->fs pointers
 * change only through these two, under tasklist_lock, so a reader that
 * takes its reference under that lock never finds a table being freed.
 * Each returns the old pointer, whose reference the caller drops.
 */
struct files_struct *exchange_task_files(struct task_struct *t, struct files_struct *files);
struct fs_struct *exchange_task_fs(struct task_struct *t, struct fs_struct *fs);
/* Process or thread @pid's table with a reference (put_files), or NULL.
 * Context: takes tasklist_lock. */
struct files_struct *get_pid_files(int pid);
/* The file at @fd of @files, referenced (fput), or NULL. Takes file_lock. */
struct file *files_fget(struct files_struct *files, unsigned int fd);
/* The smallest open descriptor >= @from in @files, or -1. Takes file_lock. */
int files_next_fd(struct files_struct *files, unsigned int from);
/* @pid's cwd, referenced (iput), or NULL for the root; ERR_PTR(-ENOENT)
 * if there is no such process or it has no fs_struct (it is exiting). */
struct inode *get_pid_pwd(int pid);

/* close(2) on current's table: 0 or -EBADF. Context: may sleep. */
int close_fd(unsigned int fd);

struct fs_struct *fs_alloc(void);                       /* cwd = root, umask 022 */
struct fs_struct *copy_fs_struct(struct fs_struct *old);
void put_fs_struct(struct fs_struct *fs);
/* chdir: make @dir (referenced; the reference is taken over) current's
 * cwd, dropping the old one. */
void set_fs_pwd(struct fs_struct *fs, struct inode *dir);
/* current's umask (022 for a kernel thread, which has no fs_struct). */
unsigned int current_umask(void);

/* fcntl(2) on current's table; ioctl's FIOCLEX/FIONBIO use it too. */
long do_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg);

/* fcntl(2) commands and descriptor flags: Linux's values. */
#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1

#endif
