/*
 * sendfile and copy_file_range: copying from one file to another inside
 * the kernel, without the data passing through user memory.
 *
 * Both read a chunk into a kernel buffer with the source's ->read_iter
 * and write it with the destination's ->write_iter (Linux splices pages
 * through a pipe; the result, the positions moved and the errors are the
 * same). The copy stops at the source's end, at a short write, or when a
 * signal is pending once something has been copied.
 *
 * Locks: a file position that moves is taken under its f_pos_lock (the
 * rule of read and write: fs/read_write.c); copy_file_range may hold two,
 * taken in address order; the reads and writes take their own locks.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define COPY_CHUNK      (64 << 10)

/* Does @f have a position that read/write lock (regular files, dirs)? */
static bool pos_locked(struct file *f)
{
	return S_ISREG(f->f_inode->i_mode) || S_ISDIR(f->f_inode->i_mode);
}

static bool is_stream(struct file *f)
{
	return !f->f_op || !f->f_op->llseek;
}

/*
 * Copy up to @count bytes from @in at *@in_pos to @out at *@out_pos
 * (NULL: @out's own position, taken and moved under its lock). Returns
 * the bytes copied, or an error if none were.
 */
static ssize_t copy_chunks(struct file *in, loff_t *in_pos, struct file *out, loff_t *out_pos,
			   size_t count)
{
	size_t chunk = count < COPY_CHUNK ? count : COPY_CHUNK;
	char *buf = kmalloc(chunk ? chunk : 1, GFP_KERNEL);
	ssize_t done = 0, err = 0;

	if (!buf)
		return -ENOMEM;
	while ((size_t)done < count) {
		size_t want = count - (size_t)done < chunk ? count - (size_t)done : chunk;
		ssize_t n, w;
		loff_t pos;

		if (done && signal_pending(current))
			break;
		n = kernel_read(in, buf, want, in_pos);
		if (n <= 0) {
			err = n;
			break;
		}
		if (out_pos) {
			w = kernel_write(out, buf, (size_t)n, out_pos);
		} else {
			bool lock = pos_locked(out);

			if (lock)
				mutex_lock(&out->f_pos_lock);
			pos = out->f_pos;
			w = kernel_write(out, buf, (size_t)n, &pos);
			if (w > 0 && !is_stream(out))
				out->f_pos = pos;
			if (lock)
				mutex_unlock(&out->f_pos_lock);
		}
		if (w <= 0) {
			err = w;
			*in_pos -= n;           /* what was read and not written is not consumed */
			break;
		}
		done += w;
		if (w < n) {
			*in_pos -= n - w;
			break;
		}
	}
	kfree(buf);
	return done ? done : err;
}

/* The source's position: *@uoff if given, else its f_pos (the caller
 * holds its f_pos_lock). */
static int get_user_pos(const loff_t __user *uoff, loff_t *pos)
{
	return copy_from_user(pos, uoff, sizeof(*pos)) ? -EFAULT : 0;
}

/*
 * sendfile: from a regular file (at *@uoffset, which moves, or at its
 * own position, which does) to any file open for writing. Linux's
 * errors: -EBADF for a wrong mode, -ESPIPE for an offset on an input
 * without one, -EINVAL for an input that is not a file (Faultline copies
 * only from regular files) and for an output opened O_APPEND.
 */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, loff_t __user *, uoffset, size_t, count)
{
	struct file *in = fget((unsigned int)in_fd), *out = NULL;
	bool lock_in = false;
	loff_t pos = 0;
	ssize_t ret;

	if (!in)
		return -EBADF;
	ret = -EBADF;
	if (!(in->f_mode & FMODE_READ))
		goto put;
	ret = -ESPIPE;
	if (uoffset && is_stream(in))
		goto put;
	if (uoffset && (ret = get_user_pos(uoffset, &pos)))
		goto put;
	ret = -EBADF;
	out = fget((unsigned int)out_fd);
	if (!out || !(out->f_mode & FMODE_WRITE))
		goto put;
	ret = -EINVAL;
	if (!S_ISREG(in->f_inode->i_mode) || (out->f_flags & O_APPEND))
		goto put;
	if (!uoffset) {
		lock_in = pos_locked(in);
		if (lock_in)
			mutex_lock(&in->f_pos_lock);
		pos = in->f_pos;
	}
	ret = -EINVAL;
	if (pos < 0)
		goto unlock;
	ret = count ? copy_chunks(in, &pos, out, NULL, count < MAX_RW_COUNT ? count : MAX_RW_COUNT)
		    : 0;
	if (!uoffset && ret > 0)
		in->f_pos = pos;
unlock:
	if (lock_in)
		mutex_unlock(&in->f_pos_lock);
	if (uoffset && ret >= 0 && copy_to_user(uoffset, &pos, sizeof(pos)))
		ret = -EFAULT;
put:
	if (out)
		fput(out);
	fput(in);
	return ret;
}

/*
 * copy_file_range: between two regular files, at the offsets given
 * (which move) or at the files' positions (which do). Linux's checks
 * (generic_copy_file_checks): flags must be 0; a directory -EISDIR, any
 * other non-regular file -EINVAL; the modes -EBADF, an output opened
 * O_APPEND -EBADF; negative offsets -EINVAL; overlapping ranges of one
 * file -EINVAL; nothing past the source's end.
 */
SYSCALL_DEFINE6(copy_file_range, int, fd_in, loff_t __user *, uoff_in, int, fd_out,
		loff_t __user *, uoff_out, size_t, len, unsigned int, flags)
{
	struct file *in, *out = NULL;
	loff_t pos_in = 0, pos_out = 0, size;
	bool lock_in = false, lock_out = false;
	ssize_t ret;

	if (flags)
		return -EINVAL;
	in = fget((unsigned int)fd_in);
	if (!in)
		return -EBADF;
	ret = -EBADF;
	out = fget((unsigned int)fd_out);
	if (!out)
		goto put;
	if ((uoff_in && (ret = get_user_pos(uoff_in, &pos_in))) ||
	    (uoff_out && (ret = get_user_pos(uoff_out, &pos_out))))
		goto put;
	ret = -EISDIR;
	if (S_ISDIR(in->f_inode->i_mode) || S_ISDIR(out->f_inode->i_mode))
		goto put;
	ret = -EINVAL;
	if (!S_ISREG(in->f_inode->i_mode) || !S_ISREG(out->f_inode->i_mode))
		goto put;
	ret = -EBADF;
	if (!(in->f_mode & FMODE_READ) || !(out->f_mode & FMODE_WRITE) ||
	    (out->f_flags & O_APPEND))
		goto put;
	/* Positions: each file's own under its lock; two locks in address
	 * order (another copy may go the other way), one if it is one file. */
	lock_in = !uoff_in;
	lock_out = !uoff_out && !(lock_in && out == in);
	if (lock_in && lock_out && out < in) {
		mutex_lock(&out->f_pos_lock);
		mutex_lock(&in->f_pos_lock);
	} else {
		if (lock_in)
			mutex_lock(&in->f_pos_lock);
		if (lock_out)
			mutex_lock(&out->f_pos_lock);
	}
	if (!uoff_in)
		pos_in = in->f_pos;
	if (!uoff_out)
		pos_out = out->f_pos;
	ret = -EINVAL;
	if (pos_in < 0 || pos_out < 0 || (loff_t)len < 0 ||
	    pos_in + (loff_t)len < pos_in || pos_out + (loff_t)len < pos_out)
		goto unlock;
	if (in->f_inode == out->f_inode && pos_out < pos_in + (loff_t)len &&
	    pos_in < pos_out + (loff_t)len)
		goto unlock;
	size = READ_ONCE(in->f_inode->i_size);
	if (pos_in >= size || !len) {
		ret = 0;
		goto unlock;
	}
	if ((loff_t)len > size - pos_in)
		len = (size_t)(size - pos_in);
	ret = copy_chunks(in, &pos_in, out, &pos_out, len < MAX_RW_COUNT ? len : MAX_RW_COUNT);
	if (ret > 0) {
		if (!uoff_in)
			in->f_pos = pos_in;
		if (!uoff_out)
			out->f_pos = pos_out;
	}
unlock:
	if (lock_out)
		mutex_unlock(&out->f_pos_lock);
	if (lock_in)
		mutex_unlock(&in->f_pos_lock);
	if (ret > 0 && ((uoff_in && copy_to_user(uoff_in, &pos_in, sizeof(pos_in))) ||
			(uoff_out && copy_to_user(uoff_out, &pos_out, sizeof(pos_out)))))
		ret = -EFAULT;
put:
	if (out)
		fput(out);
	fput(in);
	return ret;
}
