/*
 * Open files and the calls on them: read, write, seek, fsync, truncate,
 * readdir, and copying to and from a caller's buffer (iov_iter).
 *
 * Locks: file->f_pos_lock serialises calls that use and move the file
 * position; the inode lock is taken by the operations that need it
 * (generic_file_write_iter, vfs_truncate, vfs_readdir).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/slab.h>

size_t copy_to_iter(const void *src, size_t n, struct iov_iter *i)
{
	n = min(n, i->count);
	memcpy(i->base, src, n);
	i->base += n;
	i->count -= n;
	return n;
}

size_t copy_from_iter(void *dst, size_t n, struct iov_iter *i)
{
	n = min(n, i->count);
	memcpy(dst, i->base, n);
	i->base += n;
	i->count -= n;
	return n;
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

struct file *get_file(struct file *f)
{
	__atomic_add_fetch(&f->f_count, 1, __ATOMIC_SEQ_CST);
	return f;
}

void fput(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->f_count, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f->f_inode, f);
	iput(f->f_inode);
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
 * Set the size of a regular file. Shrinking drops the cached pages past the
 * new end (zeroing the tail of the last one) before the filesystem frees
 * the blocks; growing zeroes what a mapping may have stored past the old
 * end. (The file-mappings issue adds unmapping and truncate_count here.)
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
	if (size != inode->i_size) {
		loff_t old = inode->i_size;

		inode_set_size(inode, size);
		truncate_inode_pages(inode->i_mapping, min(old, size));
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
	err = f->f_op->iterate(f, ctx);
	inode_unlock_shared(f->f_inode);
	return err;
}
