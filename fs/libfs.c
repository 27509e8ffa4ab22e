/*
 * Small helpers for the file operations of simple files: devices and
 * pseudo files whose contents sit in one kernel buffer (Linux's fs/libfs.c
 * and fixed_size_llseek).
 *
 * Locks: none; the caller owns the buffer and whatever protects it. The
 * copies may fault on a user buffer (and so sleep): never call these with
 * a spinlock held.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/fs.h>

ssize_t simple_read_from_buffer(struct iov_iter *to, loff_t *pos, const void *from,
				size_t available)
{
	size_t n, copied;

	if (*pos < 0)
		return -EINVAL;
	if ((u64)*pos >= available || !to->count)
		return 0;
	n = min(available - (size_t)*pos, to->count);
	copied = copy_to_iter((const char *)from + *pos, n, to);
	if (!copied)
		return -EFAULT;
	*pos += copied;
	return copied;
}

ssize_t simple_write_to_buffer(void *to, size_t available, loff_t *pos, struct iov_iter *from)
{
	size_t n, copied;

	if (*pos < 0)
		return -EINVAL;
	if ((u64)*pos >= available || !from->count)
		return 0;
	n = min(available - (size_t)*pos, from->count);
	copied = copy_from_iter((char *)to + *pos, n, from);
	if (!copied)
		return -EFAULT;
	*pos += copied;
	return copied;
}

loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence, loff_t size)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = file->f_pos; break;
	case SEEK_END: base = size; break;
	default: return -EINVAL;
	}
	if ((offset > 0 && base > size - offset) || base + offset < 0)
		return -EINVAL;
	file->f_pos = base + offset;
	return file->f_pos;
}
