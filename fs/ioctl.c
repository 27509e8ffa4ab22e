/*
 * ioctl: the few requests every file understands (FIOCLEX, FIONCLEX,
 * FIONBIO), then the file's own ->unlocked_ioctl (the console's
 * TIOCGWINSZ and TCGETS live in drivers/tty.c), else -ENOTTY as Linux
 * answers for a file that has no such request (a regular file, a pipe).
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

SYSCALL_DEFINE3(ioctl, unsigned int, fd, unsigned int, cmd, unsigned long, arg)
{
	struct file *f = fget(fd);
	long ret;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		ret = do_fcntl(fd, F_SETFD, cmd == FIOCLEX ? FD_CLOEXEC : 0);
		break;
	case FIONBIO:
		ret = ioctl_fionbio(fd, (int __user *)arg);
		break;
	default:
		ret = f->f_op && f->f_op->unlocked_ioctl ? f->f_op->unlocked_ioctl(f, cmd, arg)
							 : -ENOTTY;
	}
	fput(f);
	return ret;
}
