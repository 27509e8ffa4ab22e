/*
 * statfs and fstatfs: a filesystem's sizes and free counts (the
 * filesystem's ->statfs, through vfs_statfs) turned into Linux x86-64's
 * struct statfs. `df` reads them, and a test that must fill a disk asks
 * first how big it is.
 *
 * Locks: none of its own (ext2's ->statfs takes s_lock, so the counts
 * are one snapshot).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

#define ST_RDONLY       0x0001          /* f_flags: mounted read-only */
#define ST_VALID        0x0020          /* f_flags is filled in */

/* Linux x86-64's struct statfs (include/uapi/asm-generic/statfs.h with
 * 64-bit longs), 120 bytes. */
struct statfs {
	long f_type;
	long f_bsize;
	long f_blocks;
	long f_bfree;
	long f_bavail;
	long f_files;
	long f_ffree;
	int f_fsid[2];
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};

BUILD_BUG_ON(sizeof(struct statfs) != 120);
BUILD_BUG_ON(__builtin_offsetof(struct statfs, f_namelen) != 64);

/* Fill @ubuf for the filesystem holding @inode. f_fsid is 0 (Linux's
 * ext2 derives it from the UUID; nothing here needs it). */
static long statfs_inode(struct inode *inode, struct statfs __user *ubuf)
{
	struct kstatfs k;
	struct statfs st;
	int err = vfs_statfs(inode->i_sb, &k);

	if (err)
		return err;
	memset(&st, 0, sizeof(st));
	st.f_type = (long)k.f_type;
	st.f_bsize = (long)k.f_bsize;
	st.f_blocks = (long)k.f_blocks;
	st.f_bfree = (long)k.f_bfree;
	st.f_bavail = (long)k.f_bavail;
	st.f_files = (long)k.f_files;
	st.f_ffree = (long)k.f_ffree;
	st.f_namelen = (long)k.f_namelen;
	st.f_frsize = (long)k.f_bsize;
	st.f_flags = ST_VALID | (inode->i_sb->s_readonly ? ST_RDONLY : 0);
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char __user *, upath, struct statfs __user *, ubuf)
{
	struct inode *inode = user_namei(upath);
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = statfs_inode(inode, ubuf);
	iput(inode);
	return err;
}

SYSCALL_DEFINE2(fstatfs, unsigned int, fd, struct statfs __user *, ubuf)
{
	struct file *f = fget_raw(fd);
	long err;

	if (!f)
		return -EBADF;
	err = statfs_inode(f->f_inode, ubuf);
	fput(f);
	return err;
}
