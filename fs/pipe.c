/*
 * Pipes: pipe(2), pipe2(2), the read end and write end files, and FIFOs
 * (named pipes: "FIFOs" below).
 *
 * The data lives in a ring of PIPE_BUFFERS buffers, each one page with
 * the unread bytes at [offset, offset + len), as Linux's pipe_buffer.
 * head and tail count the buffers ever filled and ever emptied; the ones
 * in use are [tail, head) modulo the ring. The capacity is counted in
 * buffers, not bytes, because that is what Linux does and what a
 * non-blocking writer can observe: a write whose size is not a multiple
 * of the page size first tops up the last buffer if its tail fits there
 * whole (chars = size % PAGE_SIZE), and otherwise every write starts a
 * new buffer, so 16 one-byte writes fill the pipe. The page of each slot
 * is allocated the first time the slot is used and kept until the pipe
 * goes.
 *
 * Blocking: a reader of an empty pipe sleeps on rd_wait until a writer
 * adds data or the last writer goes (then read returns 0, EOF); a writer
 * of a full pipe sleeps on wr_wait until a reader empties a buffer.
 * Sleeps are TASK_INTERRUPTIBLE: a pending signal ends them with
 * -ERESTARTSYS (or the byte count so far). O_NONBLOCK gives -EAGAIN
 * instead of sleeping. A write with no reader left gets -EPIPE and
 * SIGPIPE. A write of at most PIPE_BUF bytes is never split: it fits one
 * buffer, so it is merged whole or waits for a free one.
 *
 * A user copy that faults part-way moves nothing of that buffer (Linux's
 * rule): the call returns what earlier buffers moved, or -EFAULT, and a
 * reader leaves the bytes in the pipe.
 *
 * The inode: a pipe has no name and no disk, but fstat() must see a FIFO
 * and both ends share one inode, so each pipe gets an inode of pipefs, a
 * super_block with no device that is never mounted (made on first use).
 * The inode is allocated through new_inode() (so it is on the inode cache
 * lists like any other) and embeds the pipe itself (struct pipe_inode).
 * i_nlink is 1 while either end is open, as Linux's fstat shows; when the
 * last end is released it drops to 0, so the final iput() evicts the
 * inode and ->destroy_inode frees the ring.
 *
 * Locks: pipe->mutex (a sleeping lock, held across the user copies, which
 * may fault) covers the ring, head, tail, readers and writers. Waiters
 * test the wake-up condition without it (READ_ONCE), after queueing
 * themselves, so a wake-up is never lost. Lock order: pipe->mutex ->
 * the mmap lock of a fault in the user copy -> wait-queue locks.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/pipe.h>
#include <fs/poll.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define FIONREAD        0x541B

/* One slot of the ring. All fields (mutex). */
struct pipe_buffer {
	void *page;                             /* NULL until the slot is first used */
	unsigned int offset, len;               /* the unread bytes */
};

struct pipe_inode_info {
	struct mutex mutex;
	struct wait_queue_head rd_wait;         /* readers waiting for data or EOF */
	struct wait_queue_head wr_wait;         /* writers waiting for a free buffer */
	struct pipe_buffer bufs[PIPE_BUFFERS];  /* (mutex) the ring */
	unsigned int head;                      /* (mutex) buffers ever filled */
	unsigned int tail;                      /* (mutex) buffers ever emptied */
	unsigned int readers, writers;          /* (mutex) open ends */
	/* FIFOs (named pipes): opens of each kind ever made, which a blocked
	 * open waits to see move, and the files holding the pipe (it is
	 * freed with the last: fifo_lock). */
	unsigned int r_counter, w_counter;      /* (mutex) */
	unsigned int files;                     /* (fifo_lock) */
};

static struct pipe_buffer *pipe_buf(struct pipe_inode_info *pipe, unsigned int slot)
{
	return &pipe->bufs[slot % PIPE_BUFFERS];
}

static bool pipe_empty(unsigned int head, unsigned int tail)
{
	return head == tail;
}

static bool pipe_full(unsigned int head, unsigned int tail)
{
	return head - tail >= PIPE_BUFFERS;
}

struct pipe_inode {
	struct inode vfs_inode;
	struct pipe_inode_info pipe;
};

/* Both kinds of inode point at their pipe: a pipefs inode at the one
 * it embeds, a FIFO's at the one its opens share. */
static struct pipe_inode_info *file_pipe(struct file *f)
{
	return f->f_inode->i_pipe;
}

static void pipe_info_init(struct pipe_inode_info *pipe)
{
	mutex_init(&pipe->mutex, "pipe.mutex");
	init_waitqueue_head(&pipe->rd_wait, "pipe.rd_wait");
	init_waitqueue_head(&pipe->wr_wait, "pipe.wr_wait");
}

static void pipe_free_pages(struct pipe_inode_info *pipe)
{
	for (unsigned int i = 0; i < PIPE_BUFFERS; i++)
		if (pipe->bufs[i].page)
			free_pages(pipe->bufs[i].page, 0);
}

/* ---- pipefs: where pipe inodes come from ------------------------------------------- */

static struct inode *pipefs_alloc_inode(struct super_block *sb)
{
	struct pipe_inode *pi = kzalloc(sizeof(*pi), GFP_KERNEL);

	return pi ? &pi->vfs_inode : NULL;
}

static void pipefs_destroy_inode(struct inode *inode)
{
	struct pipe_inode *pi = container_of(inode, struct pipe_inode, vfs_inode);

	pipe_free_pages(&pi->pipe);
	kfree(pi);
}

#define PIPEFS_MAGIC    0x50495045

/* fstatfs of a pipe: Linux's simple_statfs of pipefs (the magic, a
 * page-sized block, NAME_MAX, and no counts). */
static int pipefs_statfs(struct super_block *sb, struct kstatfs *st)
{
	*st = (struct kstatfs){ .f_type = PIPEFS_MAGIC, .f_bsize = PAGE_SIZE,
				.f_namelen = NAME_MAX };
	return 0;
}

static const struct super_operations pipefs_ops = {
	.alloc_inode = pipefs_alloc_inode,
	.destroy_inode = pipefs_destroy_inode,
	.statfs = pipefs_statfs,
};

static const struct file_system_type pipefs_type = { .name = "pipefs" };
static struct super_block *pipefs_sb;          /* (pipefs_lock) made once */
static DEFINE_MUTEX(pipefs_lock);
static unsigned long pipefs_next_ino = 1;      /* (pipefs_lock) */

static const struct file_operations pipe_fops;
static const struct inode_operations pipe_iops;

/* A new pipe inode (one reference), or NULL. */
static struct inode *get_pipe_inode(void)
{
	struct inode *inode = NULL;
	struct pipe_inode_info *pipe;

	mutex_lock(&pipefs_lock);
	if (!pipefs_sb) {
		pipefs_sb = alloc_super(NULL, &pipefs_type);
		if (pipefs_sb) {
			pipefs_sb->s_op = &pipefs_ops;
			pipefs_sb->s_noexec = true;
		}
	}
	if (pipefs_sb)
		inode = new_inode(pipefs_sb, pipefs_next_ino++);
	mutex_unlock(&pipefs_lock);
	if (!inode)
		return NULL;
	inode->i_mode = S_IFIFO | 0600;
	inode->i_nlink = 1;
	inode->i_op = &pipe_iops;
	inode->i_fop = &pipe_fops;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	pipe = &container_of(inode, struct pipe_inode, vfs_inode)->pipe;
	pipe_info_init(pipe);
	pipe->readers = pipe->writers = 1;
	inode->i_pipe = pipe;
	return inode;
}

/* ---- sleeping ------------------------------------------------------------------------ */

/* Is a signal waiting for current? A kernel thread (no signal state, the
 * ktests' case) never has one. */
static bool pipe_signal_pending(void)
{
	return current->signal && signal_pending(current);
}

/*
 * Drop the mutex and sleep on @wq until @ready(pipe) holds or a wake-up
 * comes, then retake the mutex. The caller rechecks everything: a wake-up
 * only means "look again". Context: pipe->mutex held on entry and return.
 */
static void pipe_wait(struct pipe_inode_info *pipe, struct wait_queue_head *wq,
		      bool (*ready)(struct pipe_inode_info *pipe))
{
	struct wait_queue_entry w = { .task = current };

	prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
	mutex_unlock(&pipe->mutex);
	if (!ready(pipe) && !pipe_signal_pending())
		schedule();
	finish_wait(wq, &w);
	mutex_lock(&pipe->mutex);
}

/* Lockless tests for the sleepers (see pipe_wait). */
static bool pipe_readable(struct pipe_inode_info *pipe)
{
	return !pipe_empty(READ_ONCE(pipe->head), READ_ONCE(pipe->tail)) ||
	       !READ_ONCE(pipe->writers);
}

/* A free buffer, or no reader left (the writer gets EPIPE). */
static bool pipe_writable(struct pipe_inode_info *pipe)
{
	return !pipe_full(READ_ONCE(pipe->head), READ_ONCE(pipe->tail)) ||
	       !READ_ONCE(pipe->readers);
}

/* ---- read ---------------------------------------------------------------------------- */

/*
 * Copy from the oldest buffer to @to: all of it or what @to still wants.
 * Returns the bytes moved, 0 with *@faulted set if the copy faulted (then
 * nothing is consumed). An emptied buffer leaves the ring.
 * Context: mutex held, the pipe not empty.
 */
static size_t pipe_read_buf(struct pipe_inode_info *pipe, struct iov_iter *to, bool *faulted)
{
	struct pipe_buffer *buf = pipe_buf(pipe, pipe->tail);
	size_t chars = min((size_t)buf->len, to->count);

	if (copy_to_iter((char *)buf->page + buf->offset, chars, to) < chars) {
		*faulted = true;
		return 0;
	}
	buf->offset += (unsigned int)chars;
	buf->len -= (unsigned int)chars;
	if (!buf->len)
		pipe->tail++;
	return chars;
}

static ssize_t pipe_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct pipe_inode_info *pipe = file_pipe(file);
	bool faulted = false;
	ssize_t ret = 0;

	if (!to->count)
		return 0;
	mutex_lock(&pipe->mutex);
	for (;;) {
		while (!pipe_empty(pipe->head, pipe->tail) && to->count && !faulted)
			ret += (ssize_t)pipe_read_buf(pipe, to, &faulted);
		if (faulted) {
			ret = ret ? ret : -EFAULT;
			break;
		}
		if (ret || !pipe->writers)
			break;                  /* data, or EOF (0) */
		ret = -EAGAIN;
		if (READ_ONCE(file->f_flags) & O_NONBLOCK)
			break;
		ret = -ERESTARTSYS;
		if (pipe_signal_pending())
			break;
		ret = 0;
		pipe_wait(pipe, &pipe->rd_wait, pipe_readable);
	}
	mutex_unlock(&pipe->mutex);
	if (ret > 0)
		wake_up(&pipe->wr_wait);
	return ret;
}

/* ---- write --------------------------------------------------------------------------- */

/* No reader: -EPIPE, and SIGPIPE to the writer (a kernel thread has no
 * signal state and gets only the errno). */
static ssize_t pipe_broken(void)
{
	if (current->signal)
		send_sig(SIGPIPE, current);
	return -EPIPE;
}

/*
 * A write that is not a whole number of pages puts its last
 * (count % PAGE_SIZE) bytes' worth first into the newest buffer, if the
 * pipe is not empty and they fit there whole: Linux's merge, which is why
 * small writes share a page. Returns the bytes added, or -EFAULT (nothing
 * added). Context: mutex held.
 */
static ssize_t pipe_write_merge(struct pipe_inode_info *pipe, struct iov_iter *from)
{
	size_t chars = from->count & (PAGE_SIZE - 1);
	struct pipe_buffer *buf;
	unsigned int end;

	if (!chars || pipe_empty(pipe->head, pipe->tail))
		return 0;
	buf = pipe_buf(pipe, pipe->head - 1);
	end = buf->offset + buf->len;
	if (end + chars > PAGE_SIZE)
		return 0;
	if (copy_from_iter((char *)buf->page + end, chars, from) < chars)
		return -EFAULT;
	buf->len += (unsigned int)chars;
	return (ssize_t)chars;
}

/*
 * Fill a new buffer with up to a page of @from. Returns the bytes added,
 * -ENOMEM, or -EFAULT (the buffer is not added). Context: mutex held,
 * the ring not full.
 */
static ssize_t pipe_write_buf(struct pipe_inode_info *pipe, struct iov_iter *from)
{
	struct pipe_buffer *buf = pipe_buf(pipe, pipe->head);
	size_t chars = min(from->count, PAGE_SIZE);

	if (!buf->page && !(buf->page = get_free_pages(GFP_KERNEL, 0)))
		return -ENOMEM;
	if (copy_from_iter(buf->page, chars, from) < chars)
		return -EFAULT;
	buf->offset = 0;
	buf->len = (unsigned int)chars;
	pipe->head++;
	return (ssize_t)chars;
}

/* Why a writer that cannot go on stops: -EPIPE, -EAGAIN, -ERESTARTSYS,
 * or 0 if it may sleep. Context: mutex held. */
static ssize_t pipe_write_stop(struct pipe_inode_info *pipe, struct file *file)
{
	if (!pipe->readers)
		return pipe_broken();
	if (READ_ONCE(file->f_flags) & O_NONBLOCK)
		return -EAGAIN;
	if (pipe_signal_pending())
		return -ERESTARTSYS;
	return 0;
}

static ssize_t pipe_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct pipe_inode_info *pipe = file_pipe(file);
	ssize_t written, ret;

	if (!from->count)
		return 0;
	mutex_lock(&pipe->mutex);
	if (!pipe->readers) {
		written = pipe_broken();
		goto out_unlock;
	}
	written = pipe_write_merge(pipe, from);
	while (written >= 0 && from->count) {
		if (pipe->readers && !pipe_full(pipe->head, pipe->tail)) {
			ret = pipe_write_buf(pipe, from);
		} else {
			ret = pipe_write_stop(pipe, file);
			if (!ret) {
				wake_up(&pipe->rd_wait);
				pipe_wait(pipe, &pipe->wr_wait, pipe_writable);
				continue;
			}
		}
		if (ret < 0) {
			/* Keep what earlier buffers took (SIGPIPE was sent anyway). */
			written = written ? written : ret;
			break;
		}
		written += ret;
	}
out_unlock:
	mutex_unlock(&pipe->mutex);
	if (written > 0)
		wake_up(&pipe->rd_wait);
	return written;
}

/* ---- the files ------------------------------------------------------------------------ */

/* An end is closed: wake the other side, which may now see EOF or EPIPE.
 * Returns true when no end is left. */
static bool pipe_release_end(struct pipe_inode_info *pipe, struct file *file)
{
	bool last;

	mutex_lock(&pipe->mutex);
	if (file->f_mode & FMODE_READ)
		pipe->readers--;
	if (file->f_mode & FMODE_WRITE)
		pipe->writers--;
	last = !pipe->readers && !pipe->writers;
	mutex_unlock(&pipe->mutex);
	wake_up(&pipe->rd_wait);
	wake_up(&pipe->wr_wait);
	return last;
}

/* The last end of a pipe lets the inode go (see the header comment). */
static void pipe_release(struct inode *inode, struct file *file)
{
	if (pipe_release_end(file_pipe(file), file))
		inode->i_nlink = 0;
}

/* FIONREAD: the bytes waiting to be read, as an int. */
static long pipe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe = file_pipe(file);
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&pipe->mutex);
	n = 0;
	for (unsigned int slot = pipe->tail; slot != pipe->head; slot++)
		n += (int)pipe_buf(pipe, slot)->len;
	mutex_unlock(&pipe->mutex);
	return copy_to_user((int __user *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

/* No llseek: lseek, pread and pwrite give -ESPIPE. No fsync: -EINVAL. */
/*
 * ->poll of both ends (and of a FIFO): data or no writer left for a
 * reader (POLLHUP once every writer has gone: a FIFO's reader that has
 * never had a writer is not hung up, as on Linux, which compares the
 * writers ever opened with those at its open), room or no reader left
 * for a writer (POLLERR). Lockless, like the sleepers' tests; the read
 * and write paths wake rd_wait and wr_wait after every change.
 */
static unsigned int pipe_poll(struct file *file, struct poll_table *pt)
{
	struct pipe_inode_info *pipe = file_pipe(file);
	unsigned int head, tail, mask = 0;

	poll_wait(file, &pipe->rd_wait, (file->f_mode & FMODE_READ) ? pt : NULL);
	poll_wait(file, &pipe->wr_wait, (file->f_mode & FMODE_WRITE) ? pt : NULL);
	head = READ_ONCE(pipe->head);
	tail = READ_ONCE(pipe->tail);
	if (file->f_mode & FMODE_READ) {
		if (!pipe_empty(head, tail))
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(pipe->writers) &&
		    (uintptr_t)file->private_data != READ_ONCE(pipe->w_counter) + 1UL)
			mask |= POLLHUP;
	}
	if (file->f_mode & FMODE_WRITE) {
		if (!pipe_full(head, tail))
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(pipe->readers))
			mask |= POLLERR;
	}
	return mask;
}

static const struct file_operations pipe_fops = {
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.release = pipe_release,
	.unlocked_ioctl = pipe_ioctl,
	.poll = pipe_poll,
};

/* ---- FIFOs: named pipes ----------------------------------------------------------------- */

/*
 * A FIFO is an inode of a real filesystem (mknod S_IFIFO) whose opens
 * share one pipe, made by the first open and freed by the last close:
 * inode->i_pipe, under fifo_lock (taken before, never inside, a pipe's
 * mutex). Opening follows Linux's rules:
 *   - for reading: waits until a writer comes (O_NONBLOCK: does not wait;
 *     reads then see EOF while there is no writer);
 *   - for writing: waits until a reader comes (O_NONBLOCK: ENXIO if
 *     there is none);
 *   - for both: never waits.
 * A wait is interruptible (-ERESTARTSYS) and ends when the other kind's
 * open counter moves, so an opener that came and went still counts.
 */
static DEFINE_MUTEX(fifo_lock);

/* The inode's pipe, made if it has none, with one more file holding it. */
static struct pipe_inode_info *fifo_get_pipe(struct inode *inode)
{
	struct pipe_inode_info *pipe;

	mutex_lock(&fifo_lock);
	pipe = inode->i_pipe;
	if (!pipe) {
		pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);
		if (pipe) {
			pipe_info_init(pipe);
			inode->i_pipe = pipe;
		}
	}
	if (pipe)
		pipe->files++;
	mutex_unlock(&fifo_lock);
	return pipe;
}

static void fifo_put_pipe(struct inode *inode, struct pipe_inode_info *pipe)
{
	bool last;

	mutex_lock(&fifo_lock);
	last = !--pipe->files;
	if (last)
		inode->i_pipe = NULL;
	mutex_unlock(&fifo_lock);
	if (last) {
		pipe_free_pages(pipe);
		kfree(pipe);
	}
}

/*
 * Wait until *@counter moves from @seen (a partner opened) or a signal
 * comes. Returns 0 or -ERESTARTSYS. Context: pipe->mutex held on entry and
 * return, dropped while asleep.
 */
static int fifo_wait(struct pipe_inode_info *pipe, const unsigned int *counter)
{
	unsigned int seen = *counter;

	while (*counter == seen) {
		struct wait_queue_entry w = { .task = current };

		if (pipe_signal_pending())
			return -ERESTARTSYS;
		prepare_to_wait(&pipe->rd_wait, &w, TASK_INTERRUPTIBLE);
		mutex_unlock(&pipe->mutex);
		if (READ_ONCE(*counter) == seen && !pipe_signal_pending())
			schedule();
		finish_wait(&pipe->rd_wait, &w);
		mutex_lock(&pipe->mutex);
	}
	return 0;
}

/* A new end came: wake the openers waiting for a partner (they wait on
 * rd_wait, as Linux's do). Context: pipe->mutex held. */
static void fifo_wake_partner(struct pipe_inode_info *pipe)
{
	wake_up(&pipe->rd_wait);
}

static int fifo_open_ends(struct pipe_inode_info *pipe, struct file *file)
{
	bool nonblock = file->f_flags & O_NONBLOCK;
	int err = 0;

	switch (file->f_mode & (FMODE_READ | FMODE_WRITE)) {
	case FMODE_READ:
		pipe->r_counter++;
		if (pipe->readers++ == 0)
			fifo_wake_partner(pipe);
		/* A reader that did not wait for a writer is not hung up
		 * until one has come (pipe_poll): remember which one. */
		if (!pipe->writers && nonblock)
			file->private_data = (void *)(uintptr_t)(pipe->w_counter + 1UL);
		if (!pipe->writers && !nonblock && (err = fifo_wait(pipe, &pipe->w_counter)))
			pipe->readers--;
		break;
	case FMODE_WRITE:
		if (nonblock && !pipe->readers)
			return -ENXIO;
		pipe->w_counter++;
		if (pipe->writers++ == 0)
			fifo_wake_partner(pipe);
		if (!pipe->readers && (err = fifo_wait(pipe, &pipe->r_counter))) {
			pipe->writers--;
			wake_up(&pipe->rd_wait);        /* a reader may see EOF now */
		}
		break;
	default:                                /* O_RDWR: both ends, no wait */
		pipe->r_counter++;
		pipe->w_counter++;
		pipe->readers++;
		pipe->writers++;
		fifo_wake_partner(pipe);
		break;
	}
	return err;
}

/* file_operations->open of a FIFO inode. */
static int fifo_open(struct inode *inode, struct file *file)
{
	struct pipe_inode_info *pipe = fifo_get_pipe(inode);
	int err;

	if (!pipe)
		return -ENOMEM;
	mutex_lock(&pipe->mutex);
	err = fifo_open_ends(pipe, file);
	mutex_unlock(&pipe->mutex);
	if (err)
		fifo_put_pipe(inode, pipe);
	return err;
}

static void fifo_release(struct inode *inode, struct file *file)
{
	struct pipe_inode_info *pipe = file_pipe(file);

	pipe_release_end(pipe, file);
	fifo_put_pipe(inode, pipe);
}

/* What init_special_inode gives a FIFO inode. */
const struct file_operations pipefifo_fops = {
	.open = fifo_open,
	.read_iter = pipe_read,
	.write_iter = pipe_write,
	.release = fifo_release,
	.poll = pipe_poll,
	.unlocked_ioctl = pipe_ioctl,
};

int create_pipe_files(struct file **res, unsigned int flags)
{
	struct inode *inode = get_pipe_inode();

	if (!inode)
		return -ENOMEM;
	res[0] = open_inode(inode, O_RDONLY | (flags & O_NONBLOCK));
	res[1] = IS_ERR(res[0]) ? res[0] : open_inode(inode, O_WRONLY | (flags & O_NONBLOCK));
	if (IS_ERR(res[1])) {
		/* open_inode has no ->open to fail, so only -ENOMEM gets here. */
		if (!IS_ERR(res[0]))
			fput(res[0]);           /* readers 0; writers still 1 */
		inode->i_nlink = 0;
		iput(inode);
		return -ENOMEM;
	}
	iput(inode);                            /* the files hold it now */
	return 0;
}

/* ---- system calls -------------------------------------------------------------------- */

static long do_pipe2(int __user *ufds, int flags)
{
	struct file *files[2];
	int fds[2];
	long err;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;                 /* O_DIRECT (packet mode) is not supported */
	err = create_pipe_files(files, (unsigned int)flags);
	if (err)
		return err;
	fds[0] = fd_install_new(files[0], (unsigned int)flags);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install_new(files[1], (unsigned int)flags);
	if (fds[1] < 0) {
		if (fds[0] < 0)
			fput(files[0]);
		else
			close_fd((unsigned int)fds[0]);
		fput(files[1]);
		return -EMFILE;
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		close_fd((unsigned int)fds[0]);
		close_fd((unsigned int)fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(pipe, int __user *, fds)
{
	return do_pipe2(fds, 0);
}

SYSCALL_DEFINE2(pipe2, int __user *, fds, int, flags)
{
	return do_pipe2(fds, flags);
}
