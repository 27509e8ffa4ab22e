/*
 * getdents64: the entries of an open directory, as Linux's struct
 * linux_dirent64 records, through the filesystem's ->iterate.
 *
 * The file position is the filesystem's cookie for the next entry (ext2:
 * its byte offset in the directory); each record's d_off is the cookie
 * of the entry after it, so lseek(fd, d_off, SEEK_SET) resumes there.
 * Locks: f_pos_lock across the call (so two callers sharing the file do
 * not both read the same entries), and the directory's inode lock shared
 * inside vfs_readdir.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

/* Linux's struct linux_dirent64: a 19-byte header, the name and a NUL,
 * padded to 8 bytes. */
struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
} __packed;

struct getdents_callback {
	struct dir_context ctx;
	char __user *next;                      /* where the next record goes */
	unsigned int left;                      /* bytes left in the buffer */
	int error;
};

static bool filldir64(struct dir_context *ctx, const char *name, size_t len, loff_t pos,
		      u64 ino, unsigned int d_type)
{
	struct getdents_callback *buf = container_of(ctx, struct getdents_callback, ctx);
	size_t reclen = ALIGN_UP(sizeof(struct linux_dirent64) + len + 1, 8);
	struct linux_dirent64 hdr = { .d_ino = ino, .d_off = pos, .d_reclen = (unsigned short)reclen,
				      .d_type = (unsigned char)d_type };
	static const char zeros[8];

	if (reclen > buf->left) {
		buf->error = -EINVAL;           /* reported only if nothing fitted */
		return false;
	}
	if (copy_to_user(buf->next, &hdr, sizeof(hdr)) ||
	    copy_to_user(buf->next + sizeof(hdr), name, len) ||
	    copy_to_user(buf->next + sizeof(hdr) + len, zeros, reclen - sizeof(hdr) - len)) {
		buf->error = -EFAULT;
		return false;
	}
	buf->next += reclen;
	buf->left -= (unsigned int)reclen;
	return true;
}

SYSCALL_DEFINE3(getdents64, unsigned int, fd, void __user *, dirent, unsigned int, count)
{
	struct getdents_callback buf = { .ctx.actor = filldir64, .next = dirent, .left = count };
	struct file *f;
	long err;

	/* No range check up front: like Linux 6.x, a bad buffer is found by
	 * the first copy (EFAULT), after EBADF, ENOTDIR and "too small". */
	f = fget(fd);
	if (!f)
		return -EBADF;
	mutex_lock(&f->f_pos_lock);
	buf.ctx.pos = f->f_pos;
	err = vfs_readdir(f, &buf.ctx);         /* -ENOTDIR for a non-directory */
	f->f_pos = buf.ctx.pos;
	mutex_unlock(&f->f_pos_lock);
	fput(f);
	if (buf.left != count)
		return count - buf.left;        /* what fitted, even after an error */
	return err ? err : buf.error;
}
