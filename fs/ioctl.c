/*
 * ioctl: the few requests every file understands (FIOCLEX, FIONCLEX,
 * FIONBIO), FIONREAD of a regular file (the bytes from the file position
 * to the end, as Linux's do_vfs_ioctl), then the file's own
 * ->unlocked_ioctl (the console's TIOCGWINSZ and TCGETS live in
 * drivers/tty.c; a pipe's FIONREAD in fs/pipe.c), else -ENOTTY as Linux
 * answers for a file that has no such request.
 *
 * Locks: none here; files->file_lock through fcntl's helpers.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

/* Linux's numbers (include/uapi/asm-generic/ioctls.h). */
#define FIONBIO  0x5421
#define FIONCLEX 0x5450
#define FIOCLEX  0x5451
#define FIONREAD 0x541B

/* FIONREAD of a regular file: i_size - f_pos, as an int (negative past the
 * end, as Linux's); another file type asks its own ->unlocked_ioctl. */
static long ioctl_fionread(struct file *f, int __user *argp)
{
	int n = (int)(READ_ONCE(f->f_inode->i_size) - READ_ONCE(f->f_pos));

	return copy_to_user(argp, &n, sizeof(n)) ? -EFAULT : 0;
}

/* FIONBIO: *argp != 0 sets O_NONBLOCK, 0 clears it. */
static long ioctl_fionbio(unsigned int fd, int __user *argp)
{
	int on;
	long fl;

	if (copy_from_user(&on, argp, sizeof(on)))
		return -EFAULT;
	fl = do_fcntl(fd, F_GETFL, 0);
	if (fl < 0)
		return fl;
	fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	return do_fcntl(fd, F_SETFL, (unsigned long)fl);
}

/* The file's own requests, or -ENOTTY. */
static long file_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	if (f->f_op && f->f_op->unlocked_ioctl)
		return f->f_op->unlocked_ioctl(f, cmd, arg);
	return -ENOTTY;
}

SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	umode_t mode;
	long ret;

	if (!f)
		return -EBADF;
	mode = f->f_inode->i_mode;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = do_fcntl(fd, F_SETFD, cmd == FIOCLEX ? FD_CLOEXEC : 0);
		break;
	case FIONBIO:
		ret = ioctl_fionbio(fd, (int __user *)arg);
		break;
	case FIONREAD:
		ret = S_ISREG(mode) ? ioctl_fionread(f, (int __user *)arg) : file_ioctl(f, cmd, arg);
		break;
	default:
		ret = file_ioctl(f, cmd, arg);
	}
	fput(f);
	return ret;
}
