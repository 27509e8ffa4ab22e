/*
 * Sockets: Faultline has no socket families yet. socket() and
 * socketpair() answer -EAFNOSUPPORT, Linux's answer for a family the
 * kernel was built without, which C libraries expect: glibc's and musl's
 * syslog() and name-service lookups then quietly do without. Every other
 * socket call is given a descriptor that, necessarily, is not a socket:
 * -EBADF for no open file, -ENOTSOCK for any other, as Linux says for a
 * file that is not a socket (docs/syscalls.md).
 *
 * Owns nothing; takes no lock but fget's.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	return -EAFNOSUPPORT;                   /* built without any family */
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, int __user *, usv)
{
	return -EAFNOSUPPORT;
}

/* The answer of a socket call on descriptor @fd: none is a socket. */
static long not_a_socket(int fd)
{
	struct file *f = fd < 0 ? NULL : fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	fput(f);
	return -ENOTSOCK;
}

SYSCALL_DEFINE3(connect, int, fd, void __user *, addr, int, len) { return not_a_socket(fd); }
SYSCALL_DEFINE3(bind, int, fd, void __user *, addr, int, len) { return not_a_socket(fd); }
SYSCALL_DEFINE2(listen, int, fd, int, backlog) { return not_a_socket(fd); }
SYSCALL_DEFINE3(accept, int, fd, void __user *, addr, int __user *, len) { return not_a_socket(fd); }
SYSCALL_DEFINE4(accept4, int, fd, void __user *, addr, int __user *, len, int, flags)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE6(sendto, int, fd, void __user *, buf, size_t, len, unsigned int, flags,
		void __user *, addr, int, alen)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE6(recvfrom, int, fd, void __user *, buf, size_t, len, unsigned int, flags,
		void __user *, addr, int __user *, alen)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE3(sendmsg, int, fd, void __user *, msg, unsigned int, flags) { return not_a_socket(fd); }
SYSCALL_DEFINE3(recvmsg, int, fd, void __user *, msg, unsigned int, flags) { return not_a_socket(fd); }
SYSCALL_DEFINE2(shutdown, int, fd, int, how) { return not_a_socket(fd); }
SYSCALL_DEFINE3(getsockname, int, fd, void __user *, addr, int __user *, len)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE3(getpeername, int, fd, void __user *, addr, int __user *, len)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, void __user *, val, int, len)
{
	return not_a_socket(fd);
}
SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void __user *, val, int __user *, len)
{
	return not_a_socket(fd);
}
