/*
 * Open files and the calls on them: read, write, seek, fsync, truncate,
 * readdir, and copying to and from a caller's buffer (iov_iter); the
 * system calls read, write, pread64, pwrite64, readv, writev and lseek.
 *
 * Locks: file->f_pos_lock serialises calls that use and move the file
 * position of a regular file or directory (Linux's FMODE_ATOMIC_POS).
 * Other files (pipes, the console) are not locked: a reader blocked in a
 * pipe or a tty must not hold up a writer of the same open file (a
 * shell's stdin and stdout are often one file). The inode lock is taken
 * by the operations that need it (generic_file_write_iter, vfs_truncate,
 * vfs_readdir).
 *
 * User buffers: an ITER_USER copy uses copy_to_user/copy_from_user and
 * stops at the first byte that faults, returning a short count; read()
 * then returns what it copied, or -EFAULT if nothing. A write into the
 * page cache must not fault while it holds the page lock: see
 * fault_in_iov_iter_readable() and write_one() in mm/filemap.c.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/tmpfs.h>
#include <fs/locks.h>
#include <mm/filemap.h>
#include <mm/readahead.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

/* ---- iov_iter ------------------------------------------------------------------- */

/* Step over used-up (and empty) segments. */
static void iov_iter_skip_empty(struct iov_iter *i)
{
	while (i->nr_segs && i->iov_offset == i->iov->iov_len) {
		i->iov++;
		i->nr_segs--;
		i->iov_offset = 0;
	}
}

void iov_iter_user(struct iov_iter *i, const struct iovec *iov, unsigned long nr_segs,
		   size_t count)
{
	*i = (struct iov_iter){ .type = ITER_USER, .count = count, .iov = iov,
				.nr_segs = nr_segs };
	iov_iter_skip_empty(i);
}

static void iov_iter_advance_user(struct iov_iter *i, size_t n)
{
	i->iov_offset += n;
	i->count -= n;
	iov_iter_skip_empty(i);
}

/* The bytes left in the current user segment, limited by count. */
static size_t iov_iter_seg_len(const struct iov_iter *i)
{
	if (!i->nr_segs)
		return 0;
	return min(i->iov->iov_len - i->iov_offset, i->count);
}

static char __user *iov_iter_seg_ptr(const struct iov_iter *i)
{
	return (char __user *)i->iov->iov_base + i->iov_offset;
}

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *i)
{
	size_t done = 0;

	n = min(n, i->count);
	if (i->type == ITER_KERNEL) {
		memcpy(i->base, src, n);
		i->base += n;
		i->count -= n;
		return n;
	}
	while (done < n && iov_iter_seg_len(i)) {
		size_t seg = min(iov_iter_seg_len(i), n - done);
		size_t left = copy_to_user(iov_iter_seg_ptr(i), (const char *)src + done, seg);

		iov_iter_advance_user(i, seg - left);
		done += seg - left;
		if (left)
			break;                  /* a fault: stop short */
	}
	return done;
}

static size_t __copy_from_iter(void *dst, size_t n, struct iov_iter *i, bool nofill)
{
	size_t done = 0;

	n = min(n, i->count);
	if (i->type == ITER_KERNEL) {
		memcpy(dst, i->base, n);
		i->base += n;
		i->count -= n;
		return n;
	}
	while (done < n && iov_iter_seg_len(i)) {
		size_t seg = min(iov_iter_seg_len(i), n - done);
		size_t left = nofill ?
			copy_from_user_nofill((char *)dst + done, iov_iter_seg_ptr(i), seg) :
			copy_from_user((char *)dst + done, iov_iter_seg_ptr(i), seg);

		iov_iter_advance_user(i, seg - left);
		done += seg - left;
		if (left)
			break;
	}
	return done;
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *i)
{
	return __copy_from_iter(dst, n, i, false);
}

size_t copy_from_iter_atomic(void *dst, size_t n, struct iov_iter *i)
{
	size_t done;

	pagefault_disable();
	done = __copy_from_iter(dst, n, i, true);
	pagefault_enable();
	return done;
}

/* Touch one byte in each page of [@p, @p + @len); returns the bytes from
 * the first page that could not be read to the end (0: all readable). */
static size_t fault_in_readable(const char __user *p, size_t len)
{
	unsigned long start = (unsigned long)p, end = start + len, a = start;
	char c;

	if (!len)
		return 0;
	if (end < start)
		return len;
	while (a < end) {
		if (copy_from_user(&c, (const char __user *)a, 1))
			return (size_t)(end - a);
		a = (a & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
	}
	return 0;
}

size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t n)
{
	const struct iovec *iov = i->iov;
	size_t offset = i->iov_offset, done = 0;

	n = min(n, i->count);
	if (i->type != ITER_USER)
		return 0;
	for (unsigned long seg = 0; seg < i->nr_segs && done < n; seg++, iov++) {
		size_t len = min(iov->iov_len - offset, n - done);
		size_t left = fault_in_readable((const char __user *)iov->iov_base + offset, len);

		if (left)
			return n - (done + len - left);
		done += len;
		offset = 0;
	}
	return n - done;
}

int import_iovec(const struct iovec __user *uvec, unsigned long nr_segs, struct iovec **iovp,
		 struct iov_iter *i)
{
	struct iovec *iov;
	size_t total = 0;

	*iovp = NULL;
	if (nr_segs > UIO_MAXIOV)
		return -EINVAL;
	iov = kmalloc(max(nr_segs, 1UL) * sizeof(*iov), GFP_KERNEL);
	if (!iov)
		return -ENOMEM;
	if (copy_from_user(iov, uvec, nr_segs * sizeof(*iov))) {
		kfree(iov);
		return -EFAULT;
	}
	for (unsigned long seg = 0; seg < nr_segs; seg++) {
		if ((ssize_t)iov[seg].iov_len < 0) {
			kfree(iov);
			return -EINVAL;
		}
	}
	for (unsigned long seg = 0; seg < nr_segs; seg++) {
		if (!access_ok(iov[seg].iov_base, iov[seg].iov_len)) {
			kfree(iov);
			return -EFAULT;
		}
		/* Like Linux, cap the total at MAX_RW_COUNT by shortening. */
		iov[seg].iov_len = min(iov[seg].iov_len, MAX_RW_COUNT - total);
		total += iov[seg].iov_len;
	}
	iov_iter_user(i, iov, nr_segs, total);
	*iovp = iov;
	return 0;
}

struct file *open_inode(struct inode *inode, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);
	unsigned int acc = flags & O_ACCMODE;
	int err;

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_inode = igrab(inode);
	f->f_op = inode->i_fop;
	f->f_flags = flags;
	f->f_mode = (acc == O_RDONLY || acc == O_RDWR ? FMODE_READ : 0) |
		    (acc == O_WRONLY || acc == O_RDWR ? FMODE_WRITE : 0);
	f->f_count = 1;
	mutex_init(&f->f_pos_lock, "f_pos_lock");
	file_ra_state_init(&f->f_ra);
	if (f->f_op && f->f_op->open) {
		err = f->f_op->open(inode, f);
		if (err) {
			iput(inode);
			kfree(f);
			return ERR_PTR(err);
		}
	}
	return f;
}

/* An O_PATH file's operations: none (no I/O reaches it: fget() refuses it). */
static const struct file_operations path_file_ops;

struct file *open_inode_path(struct inode *inode, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return ERR_PTR(-ENOMEM);
	f->f_inode = igrab(inode);
	f->f_op = &path_file_ops;       /* not the inode's: its ->open is not called */
	f->f_flags = flags;
	f->f_mode = FMODE_PATH;
	f->f_count = 1;
	mutex_init(&f->f_pos_lock, "f_pos_lock");
	file_ra_state_init(&f->f_ra);
	return f;
}

struct file *get_file(struct file *f)
{
	__atomic_add_fetch(&f->f_count, 1, __ATOMIC_SEQ_CST);
	return f;
}

void fput(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->f_count, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	locks_remove_file(f);
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	iput(f->f_inode);
	iput(f->f_name_dir);
	kfree(f->f_name);
	kfree(f);
}

ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->f_inode->i_mode))
		return -EISDIR;
	if (!f->f_op || !f->f_op->read_iter)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	return f->f_op->read_iter(f, to, pos);
}

ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op || !f->f_op->write_iter)
		return -EINVAL;
	if (*pos < 0)
		return -EINVAL;
	return f->f_op->write_iter(f, from, pos);
}

ssize_t kernel_read(struct file *f, void *buf, size_t len, loff_t *pos)
{
	struct iov_iter it;

	iov_iter_kernel(&it, buf, len);
	return vfs_read(f, &it, pos);
}

ssize_t kernel_write(struct file *f, const void *buf, size_t len, loff_t *pos)
{
	struct iov_iter it;

	iov_iter_kernel(&it, (void *)buf, len);
	return vfs_write(f, &it, pos);
}

loff_t vfs_llseek(struct file *f, loff_t offset, int whence)
{
	loff_t ret;

	if (!f->f_op || !f->f_op->llseek)
		return -ESPIPE;
	mutex_lock(&f->f_pos_lock);
	ret = f->f_op->llseek(f, offset, whence);
	mutex_unlock(&f->f_pos_lock);
	return ret;
}

int vfs_fsync(struct file *f, bool datasync)
{
	if (!f->f_op || !f->f_op->fsync)
		return -EINVAL;
	return f->f_op->fsync(f, datasync);
}

/*
 * Set the size of a regular file. Shrinking publishes the new size, then
 * unmaps every mapping of the pages past it and drops them, zeroing the
 * tail of the last one (truncate_pagecache), before the filesystem frees
 * the blocks; growing zeroes what a mapping may have stored past the old
 * end. The order is the truncate_count protocol's (docs/truncate-race.md).
 */
int vfs_truncate(struct inode *inode, loff_t size)
{
	int err = 0;

	if (S_ISDIR(inode->i_mode))
		return -EISDIR;
	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	if (size < 0)
		return -EINVAL;
	if (size > inode->i_sb->s_maxbytes)
		return -EFBIG;
	if (inode->i_sb->s_readonly)
		return -EROFS;
	inode_lock(inode);
	if (size > inode->i_size && (u64)size > task_rlimit(current, RLIMIT_FSIZE)) {
		/* Growing past the file-size limit (inode_newsize_ok). */
		inode_unlock(inode);
		send_sig(SIGXFSZ, current);
		return -EFBIG;
	}
	err = tmpfs_check_truncate(inode, size);        /* a memfd's seals */
	if (err) {
		inode_unlock(inode);
		return err;
	}
	if (size != inode->i_size) {
		loff_t old = inode->i_size;

		inode_set_size(inode, size);
		if (size < old)
			truncate_pagecache(inode, size);
		else
			pagecache_isize_extended(inode, old);
		if (size < old && inode->i_op->truncate_blocks)
			err = inode->i_op->truncate_blocks(inode);
	}
	inode->i_mtime = inode->i_ctime = current_time();
	mark_inode_dirty(inode);
	inode_unlock(inode);
	return err;
}

int vfs_readdir(struct file *f, struct dir_context *ctx)
{
	int err;

	if (!S_ISDIR(f->f_inode->i_mode))
		return -ENOTDIR;
	if (!f->f_op || !f->f_op->iterate)
		return -ENOTDIR;
	inode_lock_shared(f->f_inode);
	/* A removed directory lists nothing, not even "." (Linux's iterate_dir
	 * says ENOENT for IS_DEADDIR), whatever the buffer. */
	err = f->f_inode->i_nlink ? f->f_op->iterate(f, ctx) : -ENOENT;
	inode_unlock_shared(f->f_inode);
	return err;
}

/* ---- system calls ------------------------------------------------------------------- */

/* Does @f have a position that read/write use and lock (Linux's
 * FMODE_ATOMIC_POS: regular files and directories)? */
static bool file_pos_locked(struct file *f)
{
	umode_t mode = f->f_inode->i_mode;

	return S_ISREG(mode) || S_ISDIR(mode);
}

/* A stream (pipe, console) has no position: pread/pwrite/lseek -ESPIPE. */
static bool file_is_stream(struct file *f)
{
	return !f->f_op || !f->f_op->llseek;
}

/* read/write/readv/writev at the file position, moving it. */
static ssize_t rw_at_fpos(struct file *f, struct iov_iter *it, bool write)
{
	bool lock = file_pos_locked(f);
	loff_t pos;
	ssize_t ret;

	if (lock)
		mutex_lock(&f->f_pos_lock);
	pos = f->f_pos;
	ret = write ? vfs_write(f, it, &pos) : vfs_read(f, it, &pos);
	if (ret >= 0 && !file_is_stream(f))
		f->f_pos = pos;
	if (lock)
		mutex_unlock(&f->f_pos_lock);
	return ret;
}

/* The checks Linux's vfs_read/vfs_write make before touching the buffer,
 * in Linux's order: mode (-EBADF), then the buffer range (-EFAULT). */
static ssize_t rw_check(struct file *f, const void __user *buf, size_t count, bool write)
{
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	return 0;
}

/* One user buffer, @pos NULL for the file position (read/write), else
 * an explicit offset (pread64/pwrite64). Linux's order of checks: a
 * negative offset, the fd, a stream (-ESPIPE), the mode, the buffer. */
static ssize_t ksys_rw(unsigned int fd, void __user *buf, size_t count, loff_t *pos,
		       bool write)
{
	struct iovec iov = { buf, min(count, MAX_RW_COUNT) };
	struct iov_iter it;
	struct file *f;
	ssize_t ret;

	if (pos && *pos < 0)
		return -EINVAL;
	f = fget(fd);
	if (!f)
		return -EBADF;
	ret = pos && file_is_stream(f) ? -ESPIPE : rw_check(f, buf, count, write);
	if (ret)
		goto out_fput;
	iov_iter_user(&it, &iov, 1, iov.iov_len);
	if (pos)
		ret = write ? vfs_write(f, &it, pos) : vfs_read(f, &it, pos);
	else
		ret = rw_at_fpos(f, &it, write);
out_fput:
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
{
	return ksys_rw(fd, buf, count, NULL, false);
}

SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)
{
	return ksys_rw(fd, (void __user *)buf, count, NULL, true);
}

SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf, size_t, count, loff_t, pos)
{
	return ksys_rw(fd, buf, count, &pos, false);
}

SYSCALL_DEFINE4(pwrite64, unsigned int, fd, const char __user *, buf, size_t, count,
		loff_t, pos)
{
	return ksys_rw(fd, (void __user *)buf, count, &pos, true);
}

/* readv/writev: the file's mode is checked before the iovec array (its
 * count, pointer and segments), as Linux 6.x's vfs_readv/vfs_writev do. */
static ssize_t ksys_rwv(unsigned long fd, const struct iovec __user *uvec, unsigned long vlen,
			bool write)
{
	struct file *f = fget((unsigned int)fd);
	struct iovec *iov;
	struct iov_iter it;
	ssize_t ret;

	if (!f)
		return -EBADF;
	ret = -EBADF;
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		goto out_fput;
	ret = import_iovec(uvec, vlen, &iov, &it);
	if (ret)
		goto out_fput;
	/* Nothing to move: 0, even for a directory (read() of one says
	 * EISDIR whatever the count; readv returns first, as Linux). */
	ret = it.count ? rw_at_fpos(f, &it, write) : 0;
	kfree(iov);
out_fput:
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(readv, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen)
{
	return ksys_rwv(fd, vec, vlen, false);
}

SYSCALL_DEFINE3(writev, unsigned long, fd, const struct iovec __user *, vec, unsigned long, vlen)
{
	return ksys_rwv(fd, vec, vlen, true);
}

/* preadv2/pwritev2 flags (Linux's RWF_*). */
#define RWF_HIPRI       0x01
#define RWF_DSYNC       0x02
#define RWF_SYNC        0x04
#define RWF_NOWAIT      0x08
#define RWF_APPEND      0x10

/*
 * The flags Faultline honours: RWF_HIPRI (a polling hint for direct I/O,
 * which has no meaning here) and RWF_DSYNC/RWF_SYNC (the written range
 * is made durable before the call returns, as O_DSYNC would). RWF_NOWAIT
 * and RWF_APPEND, which Linux 6.1 knows, and every other bit give
 * -EOPNOTSUPP, the answer with which callers fall back to plain
 * pread/pwrite (docs/syscalls.md).
 */
#define RWF_HONOURED (RWF_HIPRI | RWF_DSYNC | RWF_SYNC)

/*
 * preadv/pwritev (@flags 0) and preadv2/pwritev2: the iovec at @pos, or
 * at the file position when @pos is -1 and @v2 (as readv/writev). Linux's
 * order of checks: the flags, the fd, a negative offset, a stream, the
 * mode, the iovec.
 */
static ssize_t ksys_prwv(unsigned long fd, const struct iovec __user *uvec, unsigned long vlen,
			 loff_t pos, int flags, bool v2, bool write)
{
	struct file *f;
	struct iovec *iov;
	struct iov_iter it;
	ssize_t ret;

	if (flags & ~RWF_HONOURED)
		return -EOPNOTSUPP;
	f = fget((unsigned int)fd);
	if (!f)
		return -EBADF;
	ret = -EINVAL;
	if (pos < 0 && !(v2 && pos == -1))
		goto out_fput;
	ret = -ESPIPE;
	if (pos != -1 && file_is_stream(f))
		goto out_fput;
	ret = -EBADF;
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		goto out_fput;
	ret = import_iovec(uvec, vlen, &iov, &it);
	if (ret)
		goto out_fput;
	if (!it.count)
		ret = 0;
	else if (pos == -1)
		ret = rw_at_fpos(f, &it, write);
	else
		ret = write ? vfs_write(f, &it, &pos) : vfs_read(f, &it, &pos);
	kfree(iov);
	if (ret > 0 && write && (flags & (RWF_DSYNC | RWF_SYNC))) {
		int err = vfs_fsync(f, !(flags & RWF_SYNC));

		if (err)
			ret = err;
	}
out_fput:
	fput(f);
	return ret;
}

/* On x86-64 the whole offset is in pos_l (pos_h is for 32-bit callers). */
SYSCALL_DEFINE5(preadv, unsigned long, fd, const struct iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h)
{
	return ksys_prwv(fd, vec, vlen, (loff_t)pos_l, 0, false, false);
}

SYSCALL_DEFINE5(pwritev, unsigned long, fd, const struct iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h)
{
	return ksys_prwv(fd, vec, vlen, (loff_t)pos_l, 0, false, true);
}

SYSCALL_DEFINE6(preadv2, unsigned long, fd, const struct iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h, int, flags)
{
	return ksys_prwv(fd, vec, vlen, (loff_t)pos_l, flags, true, false);
}

SYSCALL_DEFINE6(pwritev2, unsigned long, fd, const struct iovec __user *, vec,
		unsigned long, vlen, unsigned long, pos_l, unsigned long, pos_h, int, flags)
{
	return ksys_prwv(fd, vec, vlen, (loff_t)pos_l, flags, true, true);
}

SYSCALL_DEFINE3(lseek, unsigned int, fd, loff_t, offset, unsigned int, whence)
{
	struct file *f = fget(fd);
	loff_t ret;

	if (!f)
		return -EBADF;
	/* An unknown @whence is -EINVAL even on a pipe; a known one on a pipe
	 * is -ESPIPE (Linux's ksys_lseek). */
	ret = whence > SEEK_HOLE ? -EINVAL : vfs_llseek(f, offset, (int)whence);
	fput(f);
	return ret;
}
