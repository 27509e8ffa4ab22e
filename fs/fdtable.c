/*
 * Per-process file state: the descriptor table (struct files_struct) and
 * the filesystem context (struct fs_struct: cwd and umask), with the
 * system calls that only touch the table: close, dup, dup2, dup3, fcntl,
 * umask.
 *
 * A descriptor is an index into files->fd[]; the slot holds a reference
 * to its struct file (f_count), and its bit in close_on_exec says whether
 * execve closes it. New descriptors take the lowest free slot, as POSIX
 * requires. The table has NR_OPEN_MAX (1024, Linux's default
 * RLIMIT_NOFILE) slots and never grows; a lower RLIMIT_NOFILE soft limit
 * (setrlimit) bounds new descriptors as in Linux: -EMFILE for open,
 * -EBADF for dup2/dup3, -EINVAL for F_DUPFD at or past it.
 *
 * fd[] changes only through fd_slot_set (and fork's copy, which copies
 * the bitmap with it), which keeps the open_fds bitmap in step with it, so that fork and exit walk the open descriptors only:
 * a process has a handful of them in a table of 1024.
 *
 * Locks: files->file_lock (a spinlock) covers fd[], open_fds and close_on_exec;
 * fs->lock covers pwd and umask. Neither is held across fput() or iput(),
 * which may sleep (a file's ->release, an inode's eviction): a file is
 * taken out of its slot under the lock and released after dropping it.
 * files->count and fs->count are changed with atomic operations.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/tmpfs.h>
#include <fs/locks.h>
#include <mm/slab.h>

/* ---- the descriptor table ------------------------------------------------------- */

static bool cloexec_test(struct files_struct *files, unsigned int fd)
{
	return files->close_on_exec[fd / 64] & (1UL << (fd % 64));
}

static void cloexec_set(struct files_struct *files, unsigned int fd, bool on)
{
	if (on)
		files->close_on_exec[fd / 64] |= 1UL << (fd % 64);
	else
		files->close_on_exec[fd / 64] &= ~(1UL << (fd % 64));
}

/* Put @file (NULL: empty) in slot @fd. Context: file_lock held. */
static void fd_slot_set(struct files_struct *files, unsigned int fd, struct file *file,
			bool cloexec)
{
	ASSERT_HELD(&files->file_lock);
	files->fd[fd] = file;
	if (file)
		files->open_fds[fd / 64] |= 1UL << (fd % 64);
	else
		files->open_fds[fd / 64] &= ~(1UL << (fd % 64));
	cloexec_set(files, fd, file && cloexec);
}

/* The first set bit >= @from in @map (NR_OPEN_MAX bits), or NR_OPEN_MAX. */
static unsigned int fd_next_bit(const unsigned long *map, unsigned int from)
{
	for (unsigned int w = from / 64; w < NR_OPEN_MAX / 64; w++) {
		unsigned long bits = map[w];

		if (w == from / 64)
			bits &= ~0UL << (from % 64);
		if (bits)
			return w * 64 + (unsigned int)__builtin_ctzl(bits);
	}
	return NR_OPEN_MAX;
}

struct files_struct *files_alloc(void)
{
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);

	if (!files)
		return NULL;
	files->count = 1;
	spin_lock_init(&files->file_lock, "file_lock");
	return files;
}

struct files_struct *dup_files(struct files_struct *old)
{
	struct files_struct *files = files_alloc();

	if (!files)
		return NULL;
	spin_lock(&old->file_lock);
	for (unsigned int fd = fd_next_bit(old->open_fds, 0); fd < NR_OPEN_MAX;
	     fd = fd_next_bit(old->open_fds, fd + 1))
		files->fd[fd] = get_file(old->fd[fd]);
	memcpy(files->open_fds, old->open_fds, sizeof(files->open_fds));
	memcpy(files->close_on_exec, old->close_on_exec, sizeof(files->close_on_exec));
	spin_unlock(&old->file_lock);
	return files;
}

/* Take the file out of slot @fd (NULL if empty). Context: file_lock held. */
static struct file *pick_file_locked(struct files_struct *files, unsigned int fd)
{
	struct file *f;

	ASSERT_HELD(&files->file_lock);
	if (fd >= NR_OPEN_MAX)
		return NULL;
	f = files->fd[fd];
	fd_slot_set(files, fd, NULL, false);
	return f;
}

/* Close every descriptor, or only the close-on-exec ones (a close-on-exec
 * bit is set only on an open slot). */
static void close_files(struct files_struct *files, bool only_cloexec)
{
	const unsigned long *map = only_cloexec ? files->close_on_exec : files->open_fds;
	unsigned int fd = 0;

	for (;;) {
		struct file *f = NULL;

		spin_lock(&files->file_lock);
		fd = fd_next_bit(map, fd);
		if (fd < NR_OPEN_MAX)
			f = pick_file_locked(files, fd);
		spin_unlock(&files->file_lock);
		if (!f)
			break;
		locks_remove_posix(f, files);
		fput(f);                        /* may sleep: outside the lock */
		fd++;
	}
}

void put_files(struct files_struct *files)
{
	if (!files || __atomic_sub_fetch(&files->count, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	might_sleep();
	close_files(files, false);
	kfree(files);
}

void do_close_on_exec(struct files_struct *files)
{
	might_sleep();
	close_files(files, true);
}

/* The highest fd + 1 the caller may use: RLIMIT_NOFILE, within the table. */
static unsigned int nofile_limit(void)
{
	unsigned long lim = task_rlimit(current, RLIMIT_NOFILE);

	return lim < NR_OPEN_MAX ? (unsigned int)lim : NR_OPEN_MAX;
}

/* Install @file in the lowest free slot >= @minfd. Returns the fd or
 * -EMFILE. Context: takes file_lock. */
static int alloc_fd_install(struct files_struct *files, struct file *file, unsigned int minfd,
			    bool cloexec)
{
	int ret = -EMFILE;

	spin_lock(&files->file_lock);
	unsigned int limit = current->signal ? nofile_limit() : NR_OPEN_MAX;

	for (unsigned int fd = minfd; fd < limit; fd++) {
		if (!files->fd[fd]) {
			fd_slot_set(files, fd, file, cloexec);
			ret = (int)fd;
			break;
		}
	}
	spin_unlock(&files->file_lock);
	return ret;
}

int fd_check_free(void)
{
	struct files_struct *files = current->files;
	unsigned int limit = current->signal ? nofile_limit() : NR_OPEN_MAX;
	int ret = -EMFILE;

	if (!files)
		return -EMFILE;
	spin_lock(&files->file_lock);
	for (unsigned int fd = 0; fd < limit; fd++) {
		if (!files->fd[fd]) {
			ret = 0;
			break;
		}
	}
	spin_unlock(&files->file_lock);
	return ret;
}

int fd_install_new(struct file *file, unsigned int o_flags)
{
	if (!current->files)
		return -EMFILE;                 /* a kernel thread has no table */
	return alloc_fd_install(current->files, file, 0, o_flags & O_CLOEXEC);
}

/* @fd's file, referenced, unless it has one of the @mask f_mode bits. */
static struct file *__fget(unsigned int fd, unsigned int mask)
{
	struct files_struct *files = current->files;
	struct file *f = NULL;

	if (!files || fd >= NR_OPEN_MAX)
		return NULL;
	spin_lock(&files->file_lock);
	if (files->fd[fd] && !(files->fd[fd]->f_mode & mask))
		f = get_file(files->fd[fd]);
	spin_unlock(&files->file_lock);
	return f;
}

struct file *fget(unsigned int fd)
{
	return __fget(fd, FMODE_PATH);
}

struct file *fget_raw(unsigned int fd)
{
	return __fget(fd, 0);
}

/* ---- others' tables (/proc/PID/fd, /proc/PID/cwd) ---------------------------------- */

struct files_struct *exchange_task_files(struct task_struct *t, struct files_struct *files)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct files_struct *old = t->files;

	t->files = files;
	tasklist_unlock_irqrestore(flags);
	return old;
}

struct fs_struct *exchange_task_fs(struct task_struct *t, struct fs_struct *fs)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct fs_struct *old = t->fs;

	t->fs = fs;
	tasklist_unlock_irqrestore(flags);
	return old;
}

struct files_struct *get_pid_files(int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	struct files_struct *files = t ? t->files : NULL;

	/* Its owner's reference holds until exchange_task_files, which
	 * waits for this lock: the count is above 0 here. */
	if (files)
		__atomic_add_fetch(&files->count, 1, __ATOMIC_RELAXED);
	tasklist_unlock_irqrestore(flags);
	return files;
}

struct file *files_fget(struct files_struct *files, unsigned int fd)
{
	struct file *f = NULL;

	if (fd >= NR_OPEN_MAX)
		return NULL;
	spin_lock(&files->file_lock);
	if (files->fd[fd])
		f = get_file(files->fd[fd]);
	spin_unlock(&files->file_lock);
	return f;
}

int files_next_fd(struct files_struct *files, unsigned int from)
{
	unsigned int fd;

	if (from >= NR_OPEN_MAX)
		return -1;
	spin_lock(&files->file_lock);
	fd = fd_next_bit(files->open_fds, from);
	spin_unlock(&files->file_lock);
	return fd < NR_OPEN_MAX ? (int)fd : -1;
}

struct inode *get_pid_pwd(int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	struct fs_struct *fs = t ? t->fs : NULL;
	struct inode *pwd;

	if (fs)                 /* as in get_pid_files: the owner's reference holds */
		__atomic_add_fetch(&fs->count, 1, __ATOMIC_RELAXED);
	tasklist_unlock_irqrestore(flags);
	if (!fs)
		return ERR_PTR(-ENOENT);
	spin_lock(&fs->lock);
	pwd = fs->pwd ? igrab(fs->pwd) : NULL;
	spin_unlock(&fs->lock);
	put_fs_struct(fs);
	return pwd;
}

int close_fd(unsigned int fd)
{
	struct files_struct *files = current->files;
	struct file *f;

	if (!files)
		return -EBADF;
	spin_lock(&files->file_lock);
	f = pick_file_locked(files, fd);
	spin_unlock(&files->file_lock);
	if (!f)
		return -EBADF;
	locks_remove_posix(f, files);
	fput(f);
	return 0;
}

/* ---- the filesystem context ------------------------------------------------------- */

struct fs_struct *fs_alloc(void)
{
	struct fs_struct *fs = kzalloc(sizeof(*fs), GFP_KERNEL);

	if (!fs)
		return NULL;
	fs->count = 1;
	spin_lock_init(&fs->lock, "fs_struct.lock");
	fs->umask = 022;
	return fs;
}

struct fs_struct *copy_fs_struct(struct fs_struct *old)
{
	struct fs_struct *fs = fs_alloc();

	if (!fs)
		return NULL;
	spin_lock(&old->lock);
	fs->pwd = old->pwd ? igrab(old->pwd) : NULL;
	fs->umask = old->umask;
	spin_unlock(&old->lock);
	return fs;
}

void put_fs_struct(struct fs_struct *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->count, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	iput(fs->pwd);
	kfree(fs);
}

void set_fs_pwd(struct fs_struct *fs, struct inode *dir)
{
	struct inode *old;

	spin_lock(&fs->lock);
	old = fs->pwd;
	fs->pwd = dir;
	spin_unlock(&fs->lock);
	iput(old);                              /* may sleep: outside the lock */
}

unsigned int current_umask(void)
{
	struct fs_struct *fs = current->fs;

	return fs ? READ_ONCE(fs->umask) : 022;
}

/* ---- system calls ------------------------------------------------------------------ */

SYSCALL_DEFINE1(close, unsigned int, fd)
{
	return close_fd(fd);
}

SYSCALL_DEFINE1(umask, int, mask)
{
	struct fs_struct *fs = current->fs;
	unsigned int old;

	if (!fs)
		return 022;
	spin_lock(&fs->lock);
	old = fs->umask;
	/* One store: /proc/PID/status reads it without the lock. */
	WRITE_ONCE(fs->umask, (unsigned int)mask & 0777);
	spin_unlock(&fs->lock);
	return old;
}

/* F_DUPFD, F_DUPFD_CLOEXEC and dup: a new descriptor >= @minfd for @fd. */
static long dupfd(unsigned int fd, unsigned long minfd, bool cloexec)
{
	struct file *f;
	int newfd;

	f = fget_raw(fd);
	if (!f)
		return -EBADF;
	if ((unsigned int)minfd >= nofile_limit()) {
		fput(f);
		return -EINVAL;                 /* Linux: from >= RLIMIT_NOFILE */
	}
	newfd = alloc_fd_install(current->files, f, (unsigned int)minfd, cloexec);
	if (newfd < 0)
		fput(f);
	return newfd;
}

SYSCALL_DEFINE1(dup, unsigned int, fd)
{
	return dupfd(fd, 0, false);
}

/*
 * dup2/dup3: make @newfd refer to @oldfd's file, closing what @newfd held
 * (after the switch, outside the lock, as Linux's do_dup2).
 */
static long do_dup3(unsigned int oldfd, unsigned int newfd, bool cloexec)
{
	struct files_struct *files = current->files;
	struct file *f, *tofree;

	if (newfd >= nofile_limit())
		return -EBADF;
	f = fget_raw(oldfd);
	if (!f)
		return -EBADF;
	spin_lock(&files->file_lock);
	tofree = files->fd[newfd];
	fd_slot_set(files, newfd, f, cloexec);
	spin_unlock(&files->file_lock);
	locks_remove_posix(tofree, files);
	fput(tofree);
	return newfd;
}

SYSCALL_DEFINE3(dup3, unsigned int, oldfd, unsigned int, newfd, int, flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags & O_CLOEXEC);
}

SYSCALL_DEFINE2(dup2, unsigned int, oldfd, unsigned int, newfd)
{
	if (oldfd == newfd) {                   /* only checks that oldfd is open */
		struct file *f = fget_raw(oldfd);

		if (!f)
			return -EBADF;
		fput(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, false);
}

/* F_GETFD / F_SETFD: the descriptor's close-on-exec bit. */
static long fd_cloexec(unsigned int fd, bool set, unsigned long arg)
{
	struct files_struct *files = current->files;
	long ret = -EBADF;

	if (!files || fd >= NR_OPEN_MAX)
		return -EBADF;
	spin_lock(&files->file_lock);
	if (files->fd[fd]) {
		if (set)
			cloexec_set(files, fd, arg & FD_CLOEXEC);
		ret = cloexec_test(files, fd) ? FD_CLOEXEC : 0;
		if (set)
			ret = 0;
	}
	spin_unlock(&files->file_lock);
	return ret;
}

/* The status flags F_SETFL may change (Linux also has O_DIRECT,
 * O_NOATIME and O_ASYNC there; Faultline ignores them, as Linux ignores
 * the bits that are not in its mask). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK)

/* F_SETFL: readers of f_flags (write's O_APPEND test, a pipe's O_NONBLOCK
 * test) load the word once, so an atomic update is all they need. */
static long file_setfl(struct file *f, unsigned long arg)
{
	unsigned int old = READ_ONCE(f->f_flags), new;

	do {
		new = (old & ~SETFL_MASK) | ((unsigned int)arg & SETFL_MASK);
	} while (!__atomic_compare_exchange_n(&f->f_flags, &old, new, false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return 0;
}

long do_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f;
	long ret;

	switch (cmd) {
	case F_DUPFD:
		return dupfd(fd, (unsigned int)arg, false);
	case F_DUPFD_CLOEXEC:
		return dupfd(fd, (unsigned int)arg, true);
	case F_GETFD:
		return fd_cloexec(fd, false, 0);
	case F_SETFD:
		return fd_cloexec(fd, true, arg);
	}
	f = fget_raw(fd);
	if (!f)
		return -EBADF;
	if ((f->f_mode & FMODE_PATH) && cmd != F_GETFL)
		ret = -EBADF;                   /* Linux's check_fcntl_cmd */
	else if (cmd == F_GETFL)
		ret = READ_ONCE(f->f_flags);
	else if (cmd == F_SETFL)
		ret = file_setfl(f, arg);
	else if (cmd == F_GETLK || cmd == F_SETLK || cmd == F_SETLKW || cmd == F_OFD_GETLK ||
		 cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW)
		ret = fcntl_lock(f, cmd, arg);
	else if (cmd == F_ADD_SEALS)
		ret = tmpfs_add_seals(f, (unsigned int)arg);
	else if (cmd == F_GET_SEALS)
		ret = tmpfs_get_seals(f);
	else
		ret = -EINVAL;
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(fcntl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	return do_fcntl(fd, cmd, arg);
}
