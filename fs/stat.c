/*
 * stat, fstat, lstat, newfstatat and statx: struct kstat (vfs_getattr)
 * turned into Linux x86-64's struct stat or Linux's struct statx, which
 * user programs read directly.
 *
 * stat follows a symbolic link at the end of the path, lstat and
 * AT_SYMLINK_NOFOLLOW describe the link itself (S_IFLNK, st_size the
 * length of its target). AT_NO_AUTOMOUNT is accepted and changes nothing
 * (there are no automounts), and so are the AT_STATX_* sync types, which
 * only a network filesystem would heed; newfstatat takes every flag that
 * Linux's takes (its vfs_statx's set), statx the same but refuses the
 * two sync types together. Locks: none of its own (vfs_getattr takes the
 * inode lock shared).
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
	struct file *f = fget_raw(fd);
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
		f = fget_raw((unsigned int)dfd);
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

/* The flags newfstatat and statx accept (Linux's vfs_statx). */
#define STAT_AT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

/* The referenced inode that (@dfd, @upath, @flags) names, flags checked. */
static struct inode *stat_path_inode(int dfd, const char __user *upath, int flags)
{
	unsigned int lookup_flags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	struct inode *inode;
	char *path;

	/* NULL means "" here (Linux 6.11 on), so fstat-through-fstatat
	 * needs no string at all. */
	if (!upath && (flags & AT_EMPTY_PATH))
		return fstatat_inode(dfd, "", lookup_flags);
	path = getname_flags(upath, flags & AT_EMPTY_PATH);
	if (IS_ERR(path))
		return (struct inode *)path;    /* the ERR_PTR */
	inode = fstatat_inode(dfd, path, lookup_flags);
	putname(path);
	return inode;
}

static long do_fstatat(int dfd, const char __user *upath, struct stat __user *ubuf, int flags)
{
	struct inode *inode;
	long err;

	if (flags & ~STAT_AT_FLAGS)
		return -EINVAL;
	inode = stat_path_inode(dfd, upath, flags);
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

/* ---- statx ------------------------------------------------------------------ */

/* Linux's struct statx (include/uapi/linux/stat.h), 256 bytes. */
struct statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};

struct statx {
	u32 stx_mask;                   /* what the kernel filled (STATX_*) */
	u32 stx_blksize;
	u64 stx_attributes;             /* STATX_ATTR_* */
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 __spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;        /* which STATX_ATTR_* bits mean anything */
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	u32 stx_rdev_major, stx_rdev_minor;
	u32 stx_dev_major, stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align, stx_dio_offset_align;
	u64 __spare3[12];
};

BUILD_BUG_ON(sizeof(struct statx) != 256);
BUILD_BUG_ON(__builtin_offsetof(struct statx, stx_atime) != 64);
BUILD_BUG_ON(__builtin_offsetof(struct statx, stx_rdev_major) != 128);
BUILD_BUG_ON(__builtin_offsetof(struct statx, stx_mnt_id) != 144);

#define STATX_BASIC_STATS       0x000007ffU     /* type, mode, nlink, uid, gid, times but
						 * btime, ino, size, blocks */
#define STATX__RESERVED         0x80000000U

static struct statx_timestamp statx_ts(struct timespec64 t)
{
	return (struct statx_timestamp){ .tv_sec = t.tv_sec, .tv_nsec = (u32)t.tv_nsec };
}

/*
 * What statx reports is what the filesystem has, whatever was asked (the
 * request mask is a hint, as on Linux): the basic stats. Not STATX_BTIME
 * (ext2 keeps no birth time; stx_btime stays zero), not STATX_MNT_ID
 * (Faultline's mounts have no ids; Linux 5.8 on always sets it), no
 * STATX_ATTR_* (stx_attributes_mask 0: no flag is known either way).
 */
static long cp_statx(const struct kstat *k, struct statx __user *ubuf)
{
	struct statx sx;

	memset(&sx, 0, sizeof(sx));             /* no kernel bytes in what is not filled */
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = k->blksize;
	sx.stx_nlink = k->nlink;
	sx.stx_uid = k->uid;
	sx.stx_gid = k->gid;
	sx.stx_mode = (u16)k->mode;
	sx.stx_ino = k->ino;
	sx.stx_size = (u64)k->size;
	sx.stx_blocks = k->blocks;
	sx.stx_atime = statx_ts(k->atime);
	sx.stx_ctime = statx_ts(k->ctime);
	sx.stx_mtime = statx_ts(k->mtime);
	sx.stx_rdev_major = dev_major(k->rdev);
	sx.stx_rdev_minor = dev_minor(k->rdev);
	sx.stx_dev_major = dev_major(k->dev);
	sx.stx_dev_minor = dev_minor(k->dev);
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/*
 * statx(dfd, path, flags, mask, buf). Linux's order of checks: a reserved
 * mask bit, then both sync types at once, then an unknown flag (all
 * -EINVAL, before the path is looked at), then the walk's errors, then
 * -EFAULT for the buffer.
 */
SYSCALL_DEFINE5(statx, int, dfd, const char __user *, upath, unsigned int, flags,
		unsigned int, mask, struct statx __user *, ubuf)
{
	struct inode *inode;
	struct kstat k;
	long err;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags & ~STAT_AT_FLAGS)
		return -EINVAL;
	inode = stat_path_inode(dfd, upath, (int)flags);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = vfs_getattr(inode, &k);
	iput(inode);
	return err ? err : cp_statx(&k, ubuf);
}
