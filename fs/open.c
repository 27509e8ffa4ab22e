/*
 * The system calls that open files and act on a file or a directory as a
 * whole: open, openat, creat, access, faccessat(2), chdir, fchdir,
 * truncate, ftruncate, fsync, fdatasync, sync. (getcwd is with the other
 * calls on names in fs/namei_at.c.)
 *
 * Every path comes in through getname() (a kernel copy, -EFAULT /
 * -ENAMETOOLONG / -ENOENT for ""), every *at directory through at_dir().
 * Permissions are inode_permission()'s (fs/attr.c); access() checks with
 * the real ids (with_real_ids), everything else with the fs ids.
 *
 * Locks: none of its own; fs->lock (fs/fdtable.c) for the cwd.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

/* O_TMPFILE's private bit: not supported. */
#define __O_TMPFILE 020000000
/* The flags an O_PATH open keeps; it ignores the rest (Linux's O_PATH_FLAGS). */
#define O_PATH_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Open @upath relative to @dfd and install it at the lowest free fd. */
static long do_sys_open(int dfd, const char __user *upath, unsigned int flags, umode_t mode)
{
	char *path;
	struct inode *dir;
	struct file *f;
	long fd;

	if (flags & __O_TMPFILE)
		return -EOPNOTSUPP;
	if (flags & O_PATH)
		flags &= O_PATH_FLAGS;          /* O_CREAT creates nothing, and so on */
	if ((flags & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
		return -EINVAL;                 /* Linux 6.4 and later */
	path = getname(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (fd_check_free()) {
		/* Before the lookup: a full table creates nothing (Linux). */
		putname(path);
		return -EMFILE;
	}
	dir = at_dir(dfd, path);
	if (IS_ERR(dir)) {
		putname(path);
		return PTR_ERR(dir);
	}
	/* On x86-64 Linux always sets O_LARGEFILE (F_GETFL shows it), but
	 * before an O_PATH open drops it with the rest. */
	flags &= ~(O_NOCTTY | __FMODE_EXEC);
	if (!(flags & O_PATH))
		flags |= O_LARGEFILE;
	f = filp_open_at(dir, path, flags, (mode & 07777) & ~current_umask());
	iput(dir);
	putname(path);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* Linux keeps only the status flags in f_flags: F_GETFL shows
	 * neither the creation flags nor O_CLOEXEC (a descriptor flag). */
	f->f_flags &= ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC);
	fd = fd_install_new(f, flags);
	if (fd < 0)
		fput(f);
	return fd;
}

SYSCALL_DEFINE3(open, const char __user *, path, int, flags, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, path, (unsigned int)flags, mode);
}

SYSCALL_DEFINE4(openat, int, dfd, const char __user *, path, int, flags, umode_t, mode)
{
	return do_sys_open(dfd, path, (unsigned int)flags, mode);
}

SYSCALL_DEFINE2(creat, const char __user *, path, umode_t, mode)
{
	return do_sys_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

/* ---- access ------------------------------------------------------------------ */

#define R_OK 4
#define W_OK 2
#define X_OK 1

struct access_args {
	int dfd;
	const char *path;               /* a kernel copy; "" with AT_EMPTY_PATH */
	int mode;                       /* R_OK | W_OK | X_OK: MAY_READ, MAY_WRITE, MAY_EXEC */
	int flags;
};

/* The lookup and the check, as whichever ids are current. */
static int access_fn(void *arg)
{
	struct access_args *a = arg;
	struct inode *dir, *inode;
	int err;

	if (!a->path[0]) {                      /* AT_EMPTY_PATH: the fd itself */
		struct file *f = a->dfd == AT_FDCWD ? NULL : fget_raw((unsigned int)a->dfd);

		inode = a->dfd == AT_FDCWD ? namei_at(NULL, ".") :
			f ? igrab(f->f_inode) : ERR_PTR(-EBADF);
		fput(f);
	} else {
		dir = at_dir(a->dfd, a->path);
		inode = IS_ERR(dir) ? dir :
			namei_at_flags(dir, a->path,
				       (a->flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
		if (!IS_ERR_OR_NULL(dir))
			iput(dir);
	}
	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	err = inode_permission(inode, a->mode);
	iput(inode);
	return err;
}

/* access() checks as the real uid and gid (the whole walk too), unless
 * AT_EACCESS asks for the effective ones. */
static long do_faccessat(int dfd, const char __user *upath, int mode, int flags)
{
	struct access_args a = { .dfd = dfd, .mode = mode, .flags = flags };
	char *path;
	long err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	path = getname_flags(upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(path))
		return PTR_ERR(path);
	a.path = path;
	err = (flags & AT_EACCESS) ? access_fn(&a) : with_real_ids(access_fn, &a);
	putname(path);
	return err;
}

SYSCALL_DEFINE2(access, const char __user *, path, int, mode)
{
	return do_faccessat(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dfd, const char __user *, path, int, mode)
{
	return do_faccessat(dfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dfd, const char __user *, path, int, mode, int, flags)
{
	return do_faccessat(dfd, path, mode, flags);
}

/* ---- the working directory ----------------------------------------------------- */

/* Make @dir (referenced, taken over) current's cwd if it is a directory
 * that current may search. */
static long set_cwd(struct inode *dir)
{
	int err = S_ISDIR(dir->i_mode) ? inode_permission(dir, MAY_EXEC) : -ENOTDIR;

	if (err) {
		iput(dir);
		return err;
	}
	if (!current->fs) {
		iput(dir);
		return -EINVAL;                 /* a kernel thread has no cwd */
	}
	set_fs_pwd(current->fs, dir);
	return 0;
}

SYSCALL_DEFINE1(chdir, const char __user *, upath)
{
	struct inode *dir = user_namei(upath);

	if (IS_ERR(dir))
		return PTR_ERR(dir);
	return set_cwd(dir);
}

SYSCALL_DEFINE1(fchdir, unsigned int, fd)
{
	struct file *f = fget_raw(fd);
	struct inode *dir;

	if (!f)
		return -EBADF;
	dir = igrab(f->f_inode);
	fput(f);
	return set_cwd(dir);
}

/* ---- size and sync ---------------------------------------------------------------- */

SYSCALL_DEFINE2(truncate, const char __user *, upath, long, length)
{
	struct inode *inode;
	long err;

	if (length < 0)
		return -EINVAL;
	inode = user_namei(upath);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	if (S_ISDIR(inode->i_mode))
		err = -EISDIR;
	else
		err = inode_permission(inode, MAY_WRITE);      /* EACCES, EROFS */
	if (!err)
		err = vfs_truncate(inode, length);      /* -EINVAL, -EFBIG */
	iput(inode);
	return err;
}

/* LINUX-SEMANTICS.md section F: O_RDONLY fd, pipe, directory -> EINVAL;
 * growing past RLIMIT_FSIZE -> SIGXFSZ and EFBIG (in vfs_truncate). */
SYSCALL_DEFINE2(ftruncate, unsigned int, fd, long, length)
{
	struct file *f;
	long err;

	if (length < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	if (!S_ISREG(f->f_inode->i_mode) || !(f->f_mode & FMODE_WRITE))
		err = -EINVAL;
	else
		err = vfs_truncate(f->f_inode, length);
	fput(f);
	return err;
}

static long do_fsync(unsigned int fd, bool datasync)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = vfs_fsync(f, datasync);           /* -EINVAL for a pipe */
	fput(f);
	return err;
}

SYSCALL_DEFINE1(fsync, unsigned int, fd)
{
	return do_fsync(fd, false);
}

SYSCALL_DEFINE1(fdatasync, unsigned int, fd)
{
	return do_fsync(fd, true);
}

SYSCALL_DEFINE0(sync)
{
	ksys_sync();
	return 0;
}

/* syncfs: write back the filesystem @fd is on; its errors are returned
 * (Linux reports a write-back error of the filesystem since 5.8). */
SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fget((unsigned int)fd);
	int err;

	if (!f)
		return -EBADF;
	err = f->f_inode->i_sb ? sync_filesystem(f->f_inode->i_sb) : 0;
	fput(f);
	return err;
}

#define SYNC_FILE_RANGE_WAIT_BEFORE     1
#define SYNC_FILE_RANGE_WRITE           2
#define SYNC_FILE_RANGE_WAIT_AFTER      4

/*
 * sync_file_range: Linux's checks (flags, a negative or wrapping range,
 * a file that is not regular, a directory, a link: -ESPIPE for anything
 * but a regular file or block device). With SYNC_FILE_RANGE_WRITE the
 * file's dirty data is written back and waited for: a superset of the
 * range, and of WAIT_BEFORE/WAIT_AFTER, that the data-only fdatasync
 * gives; without WRITE there is nothing to start, and waiting alone is
 * also that.
 */
SYSCALL_DEFINE4(sync_file_range, int, fd, loff_t, offset, loff_t, nbytes, unsigned int, flags)
{
	struct file *f;
	int err;

	if (flags & ~(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		      SYNC_FILE_RANGE_WAIT_AFTER))
		return -EINVAL;
	if (offset < 0 || nbytes < 0 || (nbytes && offset + nbytes < offset))
		return -EINVAL;
	f = fget((unsigned int)fd);
	if (!f)
		return -EBADF;
	err = -ESPIPE;
	if (S_ISREG(f->f_inode->i_mode))
		err = flags ? vfs_fsync(f, true) : 0;
	else if (S_ISDIR(f->f_inode->i_mode) || S_ISLNK(f->f_inode->i_mode))
		err = 0;                        /* no data pages of its own to write */
	fput(f);
	return err;
}

#define FALLOC_FL_KEEP_SIZE             0x01
#define FALLOC_FL_PUNCH_HOLE            0x02
#define FALLOC_FL_SUPPORTED_MASK        0x7f    /* every mode bit Linux 6.1 knows */

/*
 * fallocate: Linux's checks in its order, then the filesystem's answer.
 * ext2 has no fallocate on Linux (neither the ext2 driver nor ext4's for
 * an inode without extents), and Faultline's ext2 answers the same:
 * -EOPNOTSUPP. glibc's posix_fallocate then writes zeros itself.
 */
SYSCALL_DEFINE4(fallocate, int, fd, int, mode, loff_t, offset, loff_t, len)
{
	struct file *f = fget((unsigned int)fd);
	umode_t imode;
	long err;

	if (!f)
		return -EBADF;
	imode = f->f_inode->i_mode;
	err = -EINVAL;
	if (offset < 0 || len <= 0)
		goto out;
	err = -EOPNOTSUPP;
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		goto out;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		goto out;
	err = -EBADF;
	if (!(f->f_mode & FMODE_WRITE))
		goto out;
	err = -ESPIPE;
	if (S_ISFIFO(imode))
		goto out;
	err = -EISDIR;
	if (S_ISDIR(imode))
		goto out;
	err = -ENODEV;
	if (!S_ISREG(imode) && !S_ISBLK(imode))
		goto out;
	err = -EFBIG;
	if (offset + len < 0)
		goto out;
	err = -EOPNOTSUPP;
out:
	fput(f);
	return err;
}
