/*
 * Sockets: the one family Faultline has, AF_UNIX (fs/af_unix.c), behind
 * the socket system calls and the socket file (fs/socket.c).
 * docs/syscalls.md, "Sockets".
 *
 * fs/socket.c owns the descriptors and the user copies of addresses and
 * options; fs/af_unix.c owns the sockets themselves (struct unix_sock is
 * private to it) and is called with kernel copies only, except for the
 * data, which moves through an iov_iter.
 */
#ifndef _FS_SOCKET_H
#define _FS_SOCKET_H

#include <kernel/types.h>

struct file;
struct iov_iter;
struct poll_table;
struct unix_sock;

/* Linux's values (include/linux/socket.h, net.h). */
#define AF_UNSPEC       0
#define AF_UNIX         1
#define AF_MAX          46

#define SOCK_STREAM     1
#define SOCK_DGRAM      2
#define SOCK_RAW        3
#define SOCK_RDM        4
#define SOCK_SEQPACKET  5
#define SOCK_MAX        11
#define SOCK_TYPE_MASK  0xf
#define SOCK_CLOEXEC    02000000        /* = O_CLOEXEC */
#define SOCK_NONBLOCK   00004000        /* = O_NONBLOCK */

#define MSG_OOB         0x1
#define MSG_PEEK        0x2
#define MSG_TRUNC       0x20
#define MSG_DONTWAIT    0x40
#define MSG_EOR         0x80
#define MSG_WAITALL     0x100
#define MSG_NOSIGNAL    0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD         0
#define SHUT_WR         1
#define SHUT_RDWR       2
/* sk_shutdown bits: SHUT_x + 1 */
#define RCV_SHUTDOWN    1
#define SEND_SHUTDOWN   2
#define SHUTDOWN_MASK   3

#define SOL_SOCKET      1
#define SO_DEBUG        1
#define SO_REUSEADDR    2
#define SO_TYPE         3
#define SO_ERROR        4
#define SO_DONTROUTE    5
#define SO_BROADCAST    6
#define SO_SNDBUF       7
#define SO_RCVBUF       8
#define SO_KEEPALIVE    9
#define SO_OOBINLINE    10
#define SO_LINGER       13
#define SO_PASSCRED     16
#define SO_PEERCRED     17
#define SO_RCVLOWAT     18
#define SO_SNDLOWAT     19
#define SO_RCVTIMEO     20
#define SO_SNDTIMEO     21
#define SO_ACCEPTCONN   30
#define SO_PROTOCOL     38
#define SO_DOMAIN       39

#define SOMAXCONN       4096            /* Linux's net.core.somaxconn */

/* struct sockaddr_un: the family, then up to 108 bytes of name. */
#define UNIX_PATH_MAX   108
struct sockaddr_un {
	u16 sun_family;
	char sun_path[UNIX_PATH_MAX];
};

/* SO_PEERCRED */
struct ucred {
	int pid;
	u32 uid, gid;
};

/* ---- fs/socket.c -------------------------------------------------------------- */

/* Is @file a socket? Its unix_sock, or NULL. */
struct unix_sock *sock_from_file(struct file *file);
/* A new socket file (O_RDWR plus @flags' O_NONBLOCK) for @u, taking over
 * the caller's reference to @u. ERR_PTR(-ENOMEM, -ENFILE). */
struct file *sock_alloc_file(struct unix_sock *u, unsigned int flags);

/* ---- fs/af_unix.c: the AF_UNIX family ------------------------------------------- */

/*
 * A new unconnected socket of @type (SOCK_STREAM), one reference, or an
 * ERR_PTR: -ESOCKTNOSUPPORT for a type not implemented, -ENOMEM.
 */
struct unix_sock *unix_create(int type);
/* Two connected sockets (socketpair): 0 or -ESOCKTNOSUPPORT/-ENOMEM. */
int unix_create_pair(int type, struct unix_sock **a, struct unix_sock **b);
/* The socket file is being released: shut down, wake everyone, unbind,
 * drop the file's reference. Context: may sleep. */
void unix_release(struct unix_sock *u);
/*
 * Move data: @flags MSG_*, @nonblock from the file or MSG_DONTWAIT.
 * Return the bytes moved, 0 (EOF), or -EAGAIN, -EPIPE (SIGPIPE sent
 * unless MSG_NOSIGNAL), -ENOTCONN, -EINVAL, -ECONNRESET, -EFAULT,
 * -ERESTARTSYS. Context: may sleep.
 */
ssize_t unix_sendmsg(struct unix_sock *u, struct iov_iter *from, unsigned int flags,
		     bool nonblock);
ssize_t unix_recvmsg(struct unix_sock *u, struct iov_iter *to, unsigned int flags, bool nonblock);
unsigned int unix_poll(struct unix_sock *u, struct file *file, struct poll_table *pt);
int unix_shutdown(struct unix_sock *u, int how);
/*
 * The name of @u (@peer: of its peer) as a sockaddr_un in @addr: returns
 * its length (2 for an unnamed socket), or -ENOTCONN (no peer).
 */
int unix_getname(struct unix_sock *u, struct sockaddr_un *addr, bool peer);
/* SOL_SOCKET options: an int value (or SO_PEERCRED's struct ucred). */
int unix_getsockopt(struct unix_sock *u, int name, void *val, int *len);
int unix_setsockopt(struct unix_sock *u, int name, int val);
/* FIONREAD/SIOCINQ and SIOCOUTQ: 0 with *@n set, -EINVAL, -ENOTTY. */
int unix_ioctl(struct unix_sock *u, unsigned int cmd, int *n);
int unix_type(struct unix_sock *u);

/* bind/listen/connect/accept, with a kernel copy of the address (@len its
 * length as the caller gave it). */
int unix_bind(struct unix_sock *u, const struct sockaddr_un *addr, int len);
int unix_listen(struct unix_sock *u, int backlog);
int unix_connect(struct unix_sock *u, const struct sockaddr_un *addr, int len, bool nonblock);
/* A connection from @u's queue (referenced) in *@res, or an errno. */
int unix_accept(struct unix_sock *u, bool nonblock, struct unix_sock **res);

#endif
