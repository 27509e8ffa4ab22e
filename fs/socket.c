/*
 * The socket system calls and the socket file. Faultline has one family,
 * AF_UNIX with SOCK_STREAM (fs/af_unix.c); any other family is
 * -EAFNOSUPPORT, as on a Linux built without it, and other AF_UNIX types
 * -ESOCKTNOSUPPORT (docs/syscalls.md, "Sockets").
 *
 * This file turns descriptors into sockets (-EBADF for no open file,
 * -ENOTSOCK for a file that is not a socket), copies addresses, options
 * and message headers between user space and the kernel, and installs new
 * descriptors; the family does the rest with kernel copies.
 *
 * A socket file has an inode of sockfs, a super_block with no device that
 * is never mounted (as pipefs), so that fstat sees S_IFSOCK | 0777, as on
 * Linux; its file->private_data is the unix_sock. The file is O_RDWR:
 * read/write/readv/writev are recv/send with no flags (O_NONBLOCK from
 * the file), lseek/pread/pwrite -ESPIPE (no ->llseek), mmap -ENODEV.
 *
 * Locks: sockfs_lock (the super_block, made once, and inode numbers);
 * everything else is the family's.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <fs/socket.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

/* ---- sockfs and the socket file --------------------------------------------------- */

#define SOCKFS_MAGIC    0x534F434B

static int sockfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	*st = (struct kstatfs){ .f_type = SOCKFS_MAGIC, .f_bsize = PAGE_SIZE,
				.f_namelen = NAME_MAX };
	return 0;
}

static struct inode *sockfs_alloc_inode(struct super_block *sb)
{
	return kzalloc(sizeof(struct inode), GFP_KERNEL);
}

static void sockfs_destroy_inode(struct inode *inode)
{
	kfree(inode);
}

static const struct super_operations sockfs_ops = {
	.alloc_inode = sockfs_alloc_inode,
	.destroy_inode = sockfs_destroy_inode,
	.statfs = sockfs_statfs,
};

static const struct file_system_type sockfs_type = { .name = "sockfs" };
static struct super_block *sockfs_sb;          /* (sockfs_lock) made once */
static DEFINE_MUTEX(sockfs_lock);
static unsigned long sockfs_next_ino = 1;      /* (sockfs_lock) */

static const struct file_operations socket_file_ops;

struct unix_sock *sock_from_file(struct file *file)
{
	return file->f_op == &socket_file_ops ? file->private_data : NULL;
}

static ssize_t sock_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	if (!to->count)
		return 0;
	return unix_recvmsg(file->private_data, to, 0, READ_ONCE(file->f_flags) & O_NONBLOCK);
}

static ssize_t sock_write_iter(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return unix_sendmsg(file->private_data, from, 0, READ_ONCE(file->f_flags) & O_NONBLOCK);
}

/* The socket goes with the file's last reference; the inode with it. */
static void sock_release(struct inode *inode, struct file *file)
{
	unix_release(file->private_data);
	inode->i_nlink = 0;
}

static unsigned int sock_poll(struct file *file, struct poll_table *pt)
{
	return unix_poll(file->private_data, file, pt);
}

static long sock_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	int n, err = unix_ioctl(file->private_data, cmd, &n);

	if (err)
		return err;
	return copy_to_user((int __user *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

static const struct file_operations socket_file_ops = {
	.read_iter = sock_read_iter,
	.write_iter = sock_write_iter,
	.release = sock_release,
	.poll = sock_poll,
	.unlocked_ioctl = sock_ioctl,
};

struct file *sock_alloc_file(struct unix_sock *u, unsigned int flags)
{
	struct inode *inode = NULL;
	struct file *f;

	mutex_lock(&sockfs_lock);
	if (!sockfs_sb) {
		sockfs_sb = alloc_super(NULL, &sockfs_type);
		if (sockfs_sb) {
			sockfs_sb->s_op = &sockfs_ops;
			sockfs_sb->s_noexec = true;
		}
	}
	if (sockfs_sb)
		inode = new_inode(sockfs_sb, sockfs_next_ino++);
	mutex_unlock(&sockfs_lock);
	if (IS_ERR_OR_NULL(inode)) {
		unix_release(u);
		return ERR_PTR(-ENOMEM);
	}
	inode->i_mode = S_IFSOCK | 0777;
	inode->i_nlink = 1;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	inode->i_fop = &socket_file_ops;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	f = open_inode(inode, O_RDWR | (flags & O_NONBLOCK));
	if (IS_ERR(f)) {
		unix_release(u);
		inode->i_nlink = 0;
	} else {
		f->private_data = u;
	}
	iput(inode);                            /* the file holds it now */
	return f;
}

/* ---- descriptors -------------------------------------------------------------------- */

/* The socket of @fd, with the file referenced in *@fp: ERR_PTR(-EBADF,
 * -ENOTSOCK). */
static struct unix_sock *sockfd_lookup(int fd, struct file **fp)
{
	struct file *f = fd < 0 ? NULL : fget((unsigned int)fd);
	struct unix_sock *u;

	if (!f)
		return ERR_PTR(-EBADF);
	u = sock_from_file(f);
	if (!u) {
		fput(f);
		return ERR_PTR(-ENOTSOCK);
	}
	*fp = f;
	return u;
}

/* Install a new socket file for @u; returns the fd or an errno (the
 * socket is released). */
static int sock_map_fd(struct unix_sock *u, unsigned int flags)
{
	struct file *f = sock_alloc_file(u, flags);
	int fd;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	fd = fd_install_new(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

/*
 * The checks Linux's socket creation makes, in its order: the family's
 * range (-EAFNOSUPPORT), the type's (-EINVAL), then the family: unknown
 * -EAFNOSUPPORT, a protocol other than 0 / PF_UNIX -EPROTONOSUPPORT.
 * Returns the type without its flags, or an errno.
 */
static int sock_check(int family, int type, int protocol)
{
	int t = type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	if (t < 0 || t >= SOCK_MAX)
		return -EINVAL;
	if (family != AF_UNIX)
		return -EAFNOSUPPORT;           /* no other family is built in */
	if (protocol && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	return t;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	int t = sock_check(family, type, protocol);
	struct unix_sock *u;

	if (t < 0)
		return t;
	u = unix_create(t);
	if (IS_ERR(u))
		return PTR_ERR(u);
	return sock_map_fd(u, (unsigned int)type & (SOCK_CLOEXEC | SOCK_NONBLOCK));
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, int __user *, usv)
{
	int t = sock_check(family, type, protocol), fds[2];
	unsigned int flags = (unsigned int)type & (SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct unix_sock *a, *b;
	long err;

	if (t < 0)
		return t;
	err = unix_create_pair(t, &a, &b);
	if (err)
		return err;
	fds[0] = sock_map_fd(a, flags);
	if (fds[0] < 0) {
		unix_release(b);
		return fds[0];
	}
	fds[1] = sock_map_fd(b, flags);
	if (fds[1] < 0) {
		close_fd((unsigned int)fds[0]);
		return fds[1];
	}
	if (copy_to_user(usv, fds, sizeof(fds))) {
		close_fd((unsigned int)fds[0]);
		close_fd((unsigned int)fds[1]);
		return -EFAULT;
	}
	return 0;
}

/* ---- addresses ------------------------------------------------------------------------ */

/* Copy in a socket address of @len bytes: -EINVAL for a negative or too
 * long one, -EFAULT. */
static int move_addr_to_kernel(const void __user *uaddr, int len, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	if (len < 0 || len > (int)sizeof(*sa))
		return -EINVAL;
	if (len && copy_from_user(sa, uaddr, (size_t)len))
		return -EFAULT;
	return 0;
}

/* Give user space an address of @klen bytes: at most *@ulen of it, and
 * *@ulen becomes @klen (Linux's move_addr_to_user). -EINVAL for a
 * negative *@ulen, -EFAULT. @ulen NULL: nothing wanted. */
static int move_addr_to_user(const struct sockaddr_un *sa, int klen, void __user *uaddr,
			     int __user *ulen)
{
	int len;

	if (!ulen)
		return 0;
	if (copy_from_user(&len, ulen, sizeof(len)))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	if (len > klen)
		len = klen;
	if (len && copy_to_user(uaddr, sa, (size_t)len))
		return -EFAULT;
	return copy_to_user(ulen, &klen, sizeof(klen)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(bind, int, fd, void __user *, addr, int, len)
{
	struct sockaddr_un sa;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long err;

	if (IS_ERR(u))
		return PTR_ERR(u);
	err = move_addr_to_kernel(addr, len, &sa);
	if (!err)
		err = unix_bind(u, &sa, len);
	fput(f);
	return err;
}

SYSCALL_DEFINE3(connect, int, fd, void __user *, addr, int, len)
{
	struct sockaddr_un sa;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long err;

	if (IS_ERR(u))
		return PTR_ERR(u);
	err = move_addr_to_kernel(addr, len, &sa);
	if (!err)
		err = unix_connect(u, &sa, len, READ_ONCE(f->f_flags) & O_NONBLOCK);
	fput(f);
	return err;
}

SYSCALL_DEFINE2(listen, int, fd, int, backlog)
{
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long err;

	if (IS_ERR(u))
		return PTR_ERR(u);
	err = unix_listen(u, backlog);
	fput(f);
	return err;
}

static long do_accept4(int fd, void __user *addr, int __user *ulen, int flags)
{
	struct sockaddr_un sa;
	struct unix_sock *u, *c;
	struct file *f, *nf;
	long err;
	int nfd;

	if (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK))
		return -EINVAL;
	u = sockfd_lookup(fd, &f);
	if (IS_ERR(u))
		return PTR_ERR(u);
	err = fd_check_free();
	if (!err)
		err = unix_accept(u, READ_ONCE(f->f_flags) & O_NONBLOCK, &c);
	fput(f);
	if (err)
		return err;
	nf = sock_alloc_file(c, (unsigned int)flags);
	if (IS_ERR(nf))
		return PTR_ERR(nf);
	if (addr) {
		int n = unix_getname(c, &sa, true);

		err = move_addr_to_user(&sa, n < 0 ? 2 : n, addr, ulen);
		if (err) {
			fput(nf);               /* Linux loses the connection too */
			return err;
		}
	}
	nfd = fd_install_new(nf, (unsigned int)flags & O_CLOEXEC);
	if (nfd < 0)
		fput(nf);
	return nfd;
}

SYSCALL_DEFINE3(accept, int, fd, void __user *, addr, int __user *, len)
{
	return do_accept4(fd, addr, len, 0);
}

SYSCALL_DEFINE4(accept4, int, fd, void __user *, addr, int __user *, len, int, flags)
{
	return do_accept4(fd, addr, len, flags);
}

static long do_getname(int fd, void __user *addr, int __user *ulen, bool peer)
{
	struct sockaddr_un sa;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long len;

	if (IS_ERR(u))
		return PTR_ERR(u);
	len = unix_getname(u, &sa, peer);
	fput(f);
	if (len < 0)
		return len;
	return move_addr_to_user(&sa, (int)len, addr, ulen);
}

SYSCALL_DEFINE3(getsockname, int, fd, void __user *, addr, int __user *, len)
{
	return do_getname(fd, addr, len, false);
}

SYSCALL_DEFINE3(getpeername, int, fd, void __user *, addr, int __user *, len)
{
	return do_getname(fd, addr, len, true);
}

/* ---- data ------------------------------------------------------------------------------- */

/* The flags the stream calls know; MSG_OOB is the family's -EOPNOTSUPP,
 * the rest are ignored, as Linux ignores flags a family does not use. */
static bool sock_nonblock(struct file *f, unsigned int flags)
{
	return (flags & MSG_DONTWAIT) || (READ_ONCE(f->f_flags) & O_NONBLOCK);
}

/*
 * sendto/recvfrom on one buffer. A stream socket takes no address when
 * sending: -EISCONN if connected, else -EOPNOTSUPP (Linux's answers).
 * recvfrom reports the sender's name: its length is 0 for an unnamed one.
 */
static long sock_xfer(int fd, void __user *buf, size_t len, unsigned int flags,
		      void __user *addr, int alen, int __user *ualen, bool send)
{
	struct iovec iov = { buf, min(len, MAX_RW_COUNT) };
	struct sockaddr_un sa;
	struct iov_iter it;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long ret;

	if (IS_ERR(u))
		return PTR_ERR(u);
	ret = access_ok(buf, len) ? 0 : -EFAULT;
	if (!ret && send && addr && alen)
		ret = unix_getname(u, &sa, true) >= 0 ? -EISCONN : -EOPNOTSUPP;
	if (ret)
		goto out_fput;
	iov_iter_user(&it, &iov, 1, iov.iov_len);
	if (send) {
		ret = unix_sendmsg(u, &it, flags, sock_nonblock(f, flags));
	} else {
		ret = unix_recvmsg(u, &it, flags, sock_nonblock(f, flags));
		if (ret >= 0 && addr && ualen) {
			int n = unix_getname(u, &sa, true);
			long err = move_addr_to_user(&sa, n > 2 ? n : 0, addr, ualen);

			if (err)
				ret = err;
		}
	}
out_fput:
	fput(f);
	return ret;
}

SYSCALL_DEFINE6(sendto, int, fd, void __user *, buf, size_t, len, unsigned int, flags,
		void __user *, addr, int, alen)
{
	return sock_xfer(fd, buf, len, flags, addr, alen, NULL, true);
}

SYSCALL_DEFINE6(recvfrom, int, fd, void __user *, buf, size_t, len, unsigned int, flags,
		void __user *, addr, int __user *, alen)
{
	return sock_xfer(fd, buf, len, flags, addr, 0, alen, false);
}

/* struct msghdr: Linux's layout. */
struct user_msghdr {
	void __user *msg_name;
	int msg_namelen;
	struct iovec __user *msg_iov;
	size_t msg_iovlen;
	void __user *msg_control;
	size_t msg_controllen;
	unsigned int msg_flags;
};

/*
 * sendmsg/recvmsg: the iovec array as readv/writev take it. Ancillary
 * data (SCM_RIGHTS, SCM_CREDENTIALS) is not implemented: a sendmsg that
 * carries any is -EOPNOTSUPP rather than a message sent without it;
 * recvmsg reports none (msg_controllen 0).
 */
static long sock_xfer_msg(int fd, struct user_msghdr __user *umsg, unsigned int flags,
			  bool send)
{
	struct user_msghdr msg;
	struct iovec *iov = NULL;
	struct sockaddr_un sa;
	struct iov_iter it;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long ret;

	if (IS_ERR(u))
		return PTR_ERR(u);
	ret = copy_from_user(&msg, umsg, sizeof(msg)) ? -EFAULT : 0;
	if (!ret && msg.msg_iovlen > UIO_MAXIOV)
		ret = -EMSGSIZE;
	if (!ret)
		ret = import_iovec(msg.msg_iov, msg.msg_iovlen, &iov, &it);
	if (!ret && send && msg.msg_name && msg.msg_namelen)
		ret = unix_getname(u, &sa, true) >= 0 ? -EISCONN : -EOPNOTSUPP;
	if (!ret && send && msg.msg_controllen)
		ret = -EOPNOTSUPP;
	if (ret)
		goto out;
	if (send) {
		ret = unix_sendmsg(u, &it, flags, sock_nonblock(f, flags));
		goto out;
	}
	ret = unix_recvmsg(u, &it, flags, sock_nonblock(f, flags));
	if (ret >= 0) {
		int n = unix_getname(u, &sa, true);
		struct user_msghdr out = msg;

		out.msg_namelen = 0;
		if (msg.msg_name && n > 2 && msg.msg_namelen >= 0) {
			out.msg_namelen = n;
			if (copy_to_user(msg.msg_name, &sa, (size_t)min(n, msg.msg_namelen)))
				ret = -EFAULT;
		}
		out.msg_controllen = 0;
		out.msg_flags = 0;
		if (copy_to_user(umsg, &out, sizeof(out)))
			ret = -EFAULT;
	}
out:
	kfree(iov);
	fput(f);
	return ret;
}

SYSCALL_DEFINE3(sendmsg, int, fd, void __user *, msg, unsigned int, flags)
{
	return sock_xfer_msg(fd, msg, flags, true);
}

SYSCALL_DEFINE3(recvmsg, int, fd, void __user *, msg, unsigned int, flags)
{
	return sock_xfer_msg(fd, msg, flags, false);
}

SYSCALL_DEFINE2(shutdown, int, fd, int, how)
{
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long err;

	if (IS_ERR(u))
		return PTR_ERR(u);
	err = unix_shutdown(u, how);
	fput(f);
	return err;
}

/* ---- options ----------------------------------------------------------------------------- */

/* Only SOL_SOCKET: AF_UNIX has no options of its own, so any other
 * level is -EOPNOTSUPP, as Linux answers. */
SYSCALL_DEFINE5(setsockopt, int, fd, int, level, int, name, void __user *, val, int, len)
{
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	long err;
	int v;

	if (IS_ERR(u))
		return PTR_ERR(u);
	if (level != SOL_SOCKET)
		err = -EOPNOTSUPP;
	else if (len < (int)sizeof(int))
		err = -EINVAL;
	else if (copy_from_user(&v, val, sizeof(v)))
		err = -EFAULT;
	else
		err = unix_setsockopt(u, name, v);
	fput(f);
	return err;
}

SYSCALL_DEFINE5(getsockopt, int, fd, int, level, int, name, void __user *, val, int __user *, len)
{
	union { int i; struct ucred cred; } v;
	struct file *f;
	struct unix_sock *u = sockfd_lookup(fd, &f);
	int ulen, klen;
	long err;

	if (IS_ERR(u))
		return PTR_ERR(u);
	if (level != SOL_SOCKET) {
		err = -EOPNOTSUPP;
		goto out_fput;
	}
	err = copy_from_user(&ulen, len, sizeof(ulen)) ? -EFAULT : 0;
	if (!err && ulen < 0)
		err = -EINVAL;
	if (!err)
		err = unix_getsockopt(u, name, &v, &klen);
	if (err)
		goto out_fput;
	ulen = min(ulen, klen);
	if (copy_to_user(val, &v, (size_t)ulen) || copy_to_user(len, &ulen, sizeof(ulen)))
		err = -EFAULT;
out_fput:
	fput(f);
	return err;
}
