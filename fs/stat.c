/*
 * stat, fstat, lstat and newfstatat: struct kstat (vfs_getattr) turned
 * into Linux x86-64's struct stat, which user programs read directly.
 *
 * stat follows a symbolic link at the end of the path, lstat and
 * AT_SYMLINK_NOFOLLOW describe the link itself (S_IFLNK, st_size the
 * length of its target). AT_NO_AUTOMOUNT is accepted and changes nothing
 * (there are no automounts). Locks: none of its own (vfs_getattr takes
 * the inode lock shared).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

/* Linux x86-64's struct stat (arch/x86/include/uapi/asm/stat.h), 144 bytes. */
struct stat {
	unsigned long st_dev;
	unsigned long st_ino;
	unsigned long st_nlink;
	unsigned int st_mode;
	unsigned int st_uid;
	unsigned int st_gid;
	unsigned int __pad0;
	unsigned long st_rdev;
	long st_size;
	long st_blksize;
	long st_blocks;                 /* 512-byte units */
	unsigned long st_atime;
	unsigned long st_atime_nsec;
	unsigned long st_mtime;
	unsigned long st_mtime_nsec;
	unsigned long st_ctime;
	unsigned long st_ctime_nsec;
	long __reserved[3];
};

BUILD_BUG_ON(sizeof(struct stat) != 144);
BUILD_BUG_ON(__builtin_offsetof(struct stat, st_mode) != 24);
BUILD_BUG_ON(__builtin_offsetof(struct stat, st_size) != 48);
BUILD_BUG_ON(__builtin_offsetof(struct stat, st_atime) != 72);

static long cp_new_stat(const struct kstat *k, struct stat __user *ubuf)
{
	struct stat st;

	memset(&st, 0, sizeof(st));             /* no kernel bytes in the padding */
	st.st_dev = k->dev;
	st.st_ino = k->ino;
	st.st_nlink = k->nlink;
	st.st_mode = k->mode;
	st.st_uid = k->uid;
	st.st_gid = k->gid;
	st.st_rdev = k->rdev;
	st.st_size = k->size;
	st.st_blksize = k->blksize;
	st.st_blocks = (long)k->blocks;
	st.st_atime = (unsigned long)k->atime.tv_sec;
	st.st_atime_nsec = (unsigned long)k->atime.tv_nsec;
	st.st_mtime = (unsigned long)k->mtime.tv_sec;
	st.st_mtime_nsec = (unsigned long)k->mtime.tv_nsec;
	st.st_ctime = (unsigned long)k->ctime.tv_sec;
	st.st_ctime_nsec = (unsigned long)k->ctime.tv_nsec;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static long stat_inode(struct inode *inode, struct stat __user *ubuf)
{
	struct kstat k;
	int err = vfs_getattr(inode, &k);

	return err ? err : cp_new_stat(&k, ubuf);
}

SYSCALL_DEFINE2(fstat, unsigned int, fd, struct stat __user *, ubuf)
{
	struct file *f = fget(fd);
	long err;

	if (!f)
		return -EBADF;
	err = stat_inode(f->f_inode, ubuf);
	fput(f);
	return err;
}

/* The inode newfstatat names: "" with AT_EMPTY_PATH is @dfd itself. */
static struct inode *fstatat_inode(int dfd, const char *path, unsigned int lookup_flags)
{
	struct inode *dir, *inode;

	if (!path[0]) {
		struct file *f;

		if (dfd == AT_FDCWD)
			return namei_at(NULL, ".");
		f = fget((unsigned int)dfd);
		if (!f)
			return ERR_PTR(-EBADF);
		inode = igrab(f->f_inode);
		fput(f);
		return inode;
	}
	dir = at_dir(dfd, path);
	if (IS_ERR(dir))
		return dir;
	inode = namei_at_flags(dir, path, lookup_flags);
	iput(dir);
	return inode;
}

static long do_fstatat(int dfd, const char __user *upath, struct stat __user *ubuf, int flags)
{
	unsigned int lookup_flags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	char *path;
	struct inode *inode;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath && (flags & AT_EMPTY_PATH)) {
		/* NULL means "" here (Linux 6.11 on), so fstat-through-fstatat
		 * needs no string at all. */
		inode = fstatat_inode(dfd, "", lookup_flags);
	} else {
		path = getname_flags(upath, flags & AT_EMPTY_PATH);
		if (IS_ERR(path))
			return PTR_ERR(path);
		inode = fstatat_inode(dfd, path, lookup_flags);
		putname(path);
	}
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = stat_inode(inode, ubuf);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(stat, const char __user *, path, struct stat __user *, ubuf)
{
	return do_fstatat(AT_FDCWD, path, ubuf, 0);
}

SYSCALL_DEFINE2(lstat, const char __user *, path, struct stat __user *, ubuf)
{
	return do_fstatat(AT_FDCWD, path, ubuf, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dfd, const char __user *, path, struct stat __user *, ubuf,
		int, flags)
{
	return do_fstatat(dfd, path, ubuf, flags);
}
