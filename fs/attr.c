/*
 * Who may do what to an inode, and the calls that change its attributes:
 * permission checks by uid, gid and mode (inode_permission), chmod,
 * fchmod, fchmodat, fchmodat2, chown, fchown, lchown, fchownat,
 * utimensat, futimesat, utimes and utime.
 *
 * The rules are Linux's (docs/permissions.md), with the capabilities of
 * include/kernel/cred.h: a task whose fsuid is 0 overrides the mode bits
 * (but executes a non-directory only if some x bit is set), owns every
 * file for chmod and the times, and may give files away (chown).
 *
 *   - chmod: the owner or root; EPERM otherwise. The set-group-ID bit is
 *     dropped when the caller is neither in the file's group nor root.
 *   - chown: changing the owner needs root; the owner may change the group
 *     to one of its groups; EPERM otherwise; -1 leaves an id unchanged.
 *     A non-directory loses its set-user-ID bit, and its set-group-ID bit
 *     when group-executable (or when the caller is neither in its group
 *     nor root), whatever the ids.
 *   - times: "now" (NULL, or UTIME_NOW twice) needs the owner, root or
 *     write permission (EACCES); any other value needs the owner or root
 *     (EPERM). UTIME_OMIT twice changes nothing and checks nothing (not
 *     even the path or the flags, in utimensat).
 * Every change sets ctime. A read-only filesystem gives EROFS first.
 *
 * Locks: the inode lock (i_rwsem) for writing around each change; the
 * checks read the mode and ids under it too, so that two chowns cannot
 * both pass a check the other invalidates.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include "internal.h"
#include <mm/slab.h>
#include <asm/uaccess.h>

/* ---- permission ---------------------------------------------------------------- */

int inode_permission(struct inode *inode, int mask)
{
	umode_t mode = READ_ONCE(inode->i_mode);
	unsigned int perm;

	if ((mask & MAY_WRITE) && inode->i_sb->s_readonly &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return -EROFS;
	if (current_fsuid() == READ_ONCE(inode->i_uid))
		perm = mode >> 6;
	else if (in_group_p(READ_ONCE(inode->i_gid)))
		perm = mode >> 3;
	else
		perm = mode;
	if (!(mask & ~perm & (MAY_READ | MAY_WRITE | MAY_EXEC)))
		return 0;
	/* CAP_DAC_OVERRIDE: everything on a directory; on anything else all
	 * but executing a file nobody may execute. */
	if (capable_fs() && (S_ISDIR(mode) || !(mask & MAY_EXEC) || (mode & 0111)))
		return 0;
	return -EACCES;
}

bool inode_owner_or_capable(struct inode *inode)
{
	return current_fsuid() == READ_ONCE(inode->i_uid) || capable_fs();
}

/* ---- the changes --------------------------------------------------------------- */

/* Finish a change made under the inode lock: ctime, and write-back. */
static void attr_changed_locked(struct inode *inode)
{
	inode->i_ctime = current_time();
	mark_inode_dirty(inode);
}

int vfs_chmod(struct inode *inode, umode_t mode)
{
	int err = 0;

	if (inode->i_sb->s_readonly)
		return -EROFS;
	inode_lock(inode);
	if (!inode_owner_or_capable(inode)) {
		err = -EPERM;
	} else {
		mode &= 07777;
		if (!in_group_p(inode->i_gid) && !capable_fs())
			mode &= ~S_ISGID;
		inode->i_mode = (inode->i_mode & S_IFMT) | mode;
		attr_changed_locked(inode);
	}
	inode_unlock(inode);
	return err;
}

/* Linux's chown_ok and chgrp_ok. Context: inode lock held. */
static int chown_check_locked(struct inode *inode, u32 uid, u32 gid)
{
	bool owner = current_fsuid() == inode->i_uid;

	if (uid != (u32)-1 && !(owner && uid == inode->i_uid) && !capable_fs())
		return -EPERM;
	if (gid != (u32)-1 && !(owner && (gid == inode->i_gid || in_group_p(gid))) &&
	    !capable_fs())
		return -EPERM;
	return 0;
}

int vfs_chown(struct inode *inode, u32 uid, u32 gid)
{
	int err;

	if (inode->i_sb->s_readonly)
		return -EROFS;
	inode_lock(inode);
	err = chown_check_locked(inode, uid, gid);
	if (!err) {
		umode_t mode = inode->i_mode;

		if (!S_ISDIR(mode)) {
			mode &= ~S_ISUID;
			if ((mode & S_ISGID) &&
			    ((mode & S_IXGRP) || (!in_group_p(inode->i_gid) && !capable_fs())))
				mode &= ~S_ISGID;
		}
		inode->i_mode = mode;
		if (uid != (u32)-1)
			inode->i_uid = uid;
		if (gid != (u32)-1)
			inode->i_gid = gid;
		attr_changed_locked(inode);
	}
	inode_unlock(inode);
	return err;
}

#define UTIME_NOW  ((1L << 30) - 1)
#define UTIME_OMIT ((1L << 30) - 2)

static bool nsec_valid(long nsec)
{
	return nsec == UTIME_OMIT || nsec == UTIME_NOW || (nsec >= 0 && nsec <= 999999999);
}

/* @times NULL: both now. Linux's vfs_utimes, in its order of checks. */
int vfs_utimes(struct inode *inode, const struct timespec64 *times)
{
	struct timespec64 now = current_time();
	int err = 0;

	if (times) {
		if (!nsec_valid(times[0].tv_nsec) || !nsec_valid(times[1].tv_nsec))
			return -EINVAL;
		if (times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW)
			times = NULL;
		else if (times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	if (inode->i_sb->s_readonly)
		return -EROFS;
	inode_lock(inode);
	if (!times && !inode_owner_or_capable(inode))
		err = inode_permission(inode, MAY_WRITE);
	else if (times && !inode_owner_or_capable(inode))
		err = -EPERM;
	if (!err) {
		if (!times || times[0].tv_nsec != UTIME_OMIT)
			inode->i_atime = (!times || times[0].tv_nsec == UTIME_NOW) ? now : times[0];
		if (!times || times[1].tv_nsec != UTIME_OMIT)
			inode->i_mtime = (!times || times[1].tv_nsec == UTIME_NOW) ? now : times[1];
		attr_changed_locked(inode);
	}
	inode_unlock(inode);
	return err;
}

/* ---- finding the inode a call names ------------------------------------------ */

/*
 * The inode @upath names relative to @dfd (a symbolic link at the end
 * followed when @follow), or with @empty_ok and "" the file @dfd itself
 * (AT_EMPTY_PATH). Referenced, or an ERR_PTR.
 */
struct inode *attr_inode(int dfd, const char __user *upath, bool follow, bool empty_ok)
{
	char *path = getname_flags(upath, empty_ok);
	struct inode *dir, *inode;

	if (IS_ERR(path))
		return (struct inode *)path;
	if (!path[0]) {
		struct file *f = dfd == AT_FDCWD ? NULL : fget_raw((unsigned int)dfd);

		inode = dfd == AT_FDCWD ? namei_at(NULL, ".") :
			f ? igrab(f->f_inode) : ERR_PTR(-EBADF);
		fput(f);
	} else {
		dir = at_dir(dfd, path);
		inode = IS_ERR(dir) ? dir : namei_at_flags(dir, path, follow ? LOOKUP_FOLLOW : 0);
		if (!IS_ERR_OR_NULL(dir))
			iput(dir);
	}
	putname(path);
	return inode;
}

struct inode *fd_inode(unsigned int fd)
{
	struct file *f = fget(fd);
	struct inode *inode;

	if (!f)
		return ERR_PTR(-EBADF);
	inode = igrab(f->f_inode);
	fput(f);
	return inode;
}

/* ---- chmod ------------------------------------------------------------------------ */

static long chmod_inode(struct inode *inode, umode_t mode)
{
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = vfs_chmod(inode, mode);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(chmod, const char __user *, path, umode_t, mode)
{
	return chmod_inode(attr_inode(AT_FDCWD, path, true, false), mode);
}

SYSCALL_DEFINE2(fchmod, unsigned int, fd, umode_t, mode)
{
	return chmod_inode(fd_inode(fd), mode);
}

SYSCALL_DEFINE3(fchmodat, int, dfd, const char __user *, path, umode_t, mode)
{
	return chmod_inode(attr_inode(dfd, path, true, false), mode);
}

/* A symbolic link's own mode cannot be changed (EOPNOTSUPP), as Linux. */
SYSCALL_DEFINE4(fchmodat2, int, dfd, const char __user *, path, umode_t, mode, int, flags)
{
	struct inode *inode;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	inode = attr_inode(dfd, path, !(flags & AT_SYMLINK_NOFOLLOW), flags & AT_EMPTY_PATH);
	if (!IS_ERR(inode) && S_ISLNK(inode->i_mode)) {
		iput(inode);
		return -EOPNOTSUPP;
	}
	return chmod_inode(inode, mode);
}

/* ---- chown ------------------------------------------------------------------------ */

static long chown_inode(struct inode *inode, u32 uid, u32 gid)
{
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = vfs_chown(inode, uid, gid);
	iput(inode);
	return err;
}

SYSCALL_DEFINE3(chown, const char __user *, path, u32, uid, u32, gid)
{
	return chown_inode(attr_inode(AT_FDCWD, path, true, false), uid, gid);
}

SYSCALL_DEFINE3(lchown, const char __user *, path, u32, uid, u32, gid)
{
	return chown_inode(attr_inode(AT_FDCWD, path, false, false), uid, gid);
}

SYSCALL_DEFINE3(fchown, unsigned int, fd, u32, uid, u32, gid)
{
	return chown_inode(fd_inode(fd), uid, gid);
}

SYSCALL_DEFINE5(fchownat, int, dfd, const char __user *, path, u32, uid, u32, gid, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return chown_inode(attr_inode(dfd, path, !(flags & AT_SYMLINK_NOFOLLOW),
				      flags & AT_EMPTY_PATH), uid, gid);
}

/* ---- times ------------------------------------------------------------------------ */

struct timespec_user {                  /* struct timespec: Linux x86-64 */
	long tv_sec;
	long tv_nsec;
};

struct timeval_user {                   /* struct timeval */
	long tv_sec;
	long tv_usec;
};

/*
 * Linux's do_utimes: a NULL path with a real dfd is that file (futimens;
 * no flags allowed then); otherwise the path, relative to dfd, with
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH the only flags.
 */
static long do_utimes(int dfd, const char __user *upath, const struct timespec64 *times,
		      int flags)
{
	struct inode *inode;
	long err;

	if (!upath && dfd != AT_FDCWD) {
		if (flags)
			return -EINVAL;
		inode = fd_inode((unsigned int)dfd);
	} else {
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
			return -EINVAL;
		inode = attr_inode(dfd, upath, !(flags & AT_SYMLINK_NOFOLLOW),
				   flags & AT_EMPTY_PATH);
	}
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = vfs_utimes(inode, times);
	iput(inode);
	return err;
}

SYSCALL_DEFINE4(utimensat, int, dfd, const char __user *, path,
		const struct timespec_user __user *, utimes, int, flags)
{
	struct timespec_user t[2];
	struct timespec64 times[2];

	if (utimes) {
		if (copy_from_user(t, utimes, sizeof(t)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			times[i] = (struct timespec64){ t[i].tv_sec, t[i].tv_nsec };
		/* Nothing to change: Linux does not even look the path up. */
		if (t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
			return 0;
	}
	return do_utimes(dfd, path, utimes ? times : NULL, flags);
}

/* utimes and futimesat: microseconds, each in [0, 1000000) (EINVAL). */
static long do_futimesat(int dfd, const char __user *path, const struct timeval_user __user *utv)
{
	struct timeval_user tv[2];
	struct timespec64 times[2];

	if (!utv)
		return do_utimes(dfd, path, NULL, 0);
	if (copy_from_user(tv, utv, sizeof(tv)))
		return -EFAULT;
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -EINVAL;
		times[i] = (struct timespec64){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
	}
	return do_utimes(dfd, path, times, 0);
}

SYSCALL_DEFINE3(futimesat, int, dfd, const char __user *, path,
		const struct timeval_user __user *, utv)
{
	return do_futimesat(dfd, path, utv);
}

SYSCALL_DEFINE2(utimes, const char __user *, path, const struct timeval_user __user *, utv)
{
	return do_futimesat(AT_FDCWD, path, utv);
}

struct utimbuf_user {
	long actime;
	long modtime;
};

SYSCALL_DEFINE2(utime, const char __user *, path, const struct utimbuf_user __user *, ubuf)
{
	struct utimbuf_user b;
	struct timespec64 times[2];

	if (!ubuf)
		return do_utimes(AT_FDCWD, path, NULL, 0);
	if (copy_from_user(&b, ubuf, sizeof(b)))
		return -EFAULT;
	times[0] = (struct timespec64){ b.actime, 0 };
	times[1] = (struct timespec64){ b.modtime, 0 };
	return do_utimes(AT_FDCWD, path, times, 0);
}
