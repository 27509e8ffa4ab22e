/*
 * AF_UNIX stream sockets: socketpair(), and named sockets that bind to a
 * filesystem path (an S_IFSOCK inode) or an abstract name, listen,
 * accept and connect. The system calls are in fs/socket.c; names and
 * connections in fs/af_unix_conn.c; struct unix_sock in fs/af_unix.h.
 *
 * Data: each socket has a receive ring of UNIX_RING_PAGES pages (64 KiB,
 * the pages allocated on first use); a byte sent on one end is copied
 * into the ring of the other end (its peer) and read from there, so a
 * connection is two rings, like a pipe each way. head and tail count
 * the bytes ever queued and ever read (u32, wrapping; the ring size
 * divides 2^32). A writer takes what fits and sleeps for room; a reader
 * takes what is there (MSG_WAITALL: sleeps for the rest) and sleeps only
 * while the ring is empty.
 *
 * Shutdown: shutdown(SHUT_WR) on A, or SHUT_RD on its peer B, set
 * A's SEND_SHUTDOWN and B's RCV_SHUTDOWN together; a close sets both bits
 * on both ends (Linux's rule for streams). A reader whose RCV_SHUTDOWN is
 * set reads what is queued, then EOF (0); a writer into a ring whose
 * owner has RCV_SHUTDOWN gets EPIPE (and SIGPIPE unless MSG_NOSIGNAL).
 * A socket closed with unread data, or a connection never accepted,
 * leaves ECONNRESET pending on the peer (SO_ERROR; a read with nothing
 * queued returns it once).
 *
 * Connections: connect() finds the listener by the inode of the path
 * (the bound socket keeps a reference to it) or by the abstract name, in
 * one table; it makes the server's end at once (an "embryo", as Linux
 * calls it), connected to the client, and queues it on the listener, up
 * to backlog + 1 of them, where accept() takes it.
 *
 * Locks:
 *   u->lock (mutex, "unix.lock"): the ring, head, tail, shutdown, err,
 *     state, peer of one socket. Held across the user copies into and out
 *     of its ring (which may fault: unix.lock -> mmap lock -> wait-queue
 *     locks, as pipe.mutex). Never two unix.locks at once: a writer takes
 *     only the receiver's lock, and shutdown/close take their own, drop
 *     it, then take the peer's.
 *   unix_table_lock (mutex): the bound names, every listener's accept
 *     queue, backlog and listening flag. Taken alone or before a
 *     unix.lock, never inside one.
 *   Readiness (poll, the sleepers' conditions) is read without locks
 *   (READ_ONCE); every change is made before the wake_up() of the queue
 *   the waiters sleep on (wake_up takes the queue's lock, which orders
 *   the store before the sleeper's recheck after prepare_to_wait).
 * Lifetime: refcount counts the file, a peer's ->peer and a listener's
 * queue; the last put frees the socket. A peer pointer is set once and
 * cleared (its reference dropped) only by the socket's own release, so a
 * writer may use its peer after the peer's file is closed: the peer's
 * RCV_SHUTDOWN then turns it away.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/poll.h>
#include <fs/socket.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include "af_unix.h"

/* ---- sockets ---------------------------------------------------------------------- */

void unix_set_cred(struct unix_sock *u)
{
	u->cred.pid = current->tgid;
	u->cred.uid = current_fsuid();
	u->cred.gid = current_fsgid();
}

struct unix_sock *unix_alloc(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u), GFP_KERNEL);

	if (!u)
		return NULL;
	u->refcount = 1;
	u->type = type;
	mutex_init(&u->lock, "unix.lock");
	init_waitqueue_head(&u->rd_wait, "unix.rd_wait");
	init_waitqueue_head(&u->wr_wait, "unix.wr_wait");
	u->sndbuf = u->rcvbuf = UNIX_BUF_DEFAULT;
	INIT_LIST_HEAD(&u->bound);
	INIT_LIST_HEAD(&u->acceptq);
	INIT_LIST_HEAD(&u->acceptq_entry);
	unix_set_cred(u);
	return u;
}

struct unix_sock *unix_get(struct unix_sock *u)
{
	__atomic_add_fetch(&u->refcount, 1, __ATOMIC_SEQ_CST);
	return u;
}

static void unix_free_pages(struct unix_sock *u)
{
	for (unsigned int i = 0; i < UNIX_RING_PAGES; i++) {
		if (u->pages[i])
			free_pages(u->pages[i], 0);
		u->pages[i] = NULL;
	}
}

void unix_put(struct unix_sock *u)
{
	if (__atomic_sub_fetch(&u->refcount, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	if (u->peer)
		unix_put(u->peer);
	unix_free_pages(u);
	kfree(u->addr);
	kfree(u);
}

int unix_type(struct unix_sock *u)
{
	return u->type;
}

struct unix_sock *unix_create(int type)
{
	struct unix_sock *u;

	if (type != SOCK_STREAM)
		return ERR_PTR(-ESOCKTNOSUPPORT);      /* SOCK_DGRAM, SOCK_SEQPACKET: not yet */
	u = unix_alloc(type);
	return u ? u : ERR_PTR(-ENOMEM);
}

int unix_create_pair(int type, struct unix_sock **a, struct unix_sock **b)
{
	struct unix_sock *x = unix_create(type), *y;

	if (IS_ERR(x))
		return (int)PTR_ERR(x);
	y = unix_create(type);
	if (IS_ERR(y)) {
		unix_put(x);
		return (int)PTR_ERR(y);
	}
	/* Neither is visible to anyone yet: no locks needed. */
	x->peer = unix_get(y);
	y->peer = unix_get(x);
	x->state = y->state = SS_CONNECTED;
	*a = x;
	*b = y;
	return 0;
}

/* ---- sleeping --------------------------------------------------------------------- */

bool unix_signal_pending(void)
{
	return current->signal && signal_pending(current);
}

/*
 * Drop @lock and sleep on @wq until @ready(@u) holds or a wake-up comes,
 * then retake @lock; the caller rechecks. Context: @lock held on entry and
 * return.
 */
void unix_wait(struct mutex *lock, struct wait_queue_head *wq,
	       bool (*ready)(struct unix_sock *u), struct unix_sock *u)
{
	struct wait_queue_entry w = { .task = current };

	prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
	mutex_unlock(lock);
	if (!ready(u) && !unix_signal_pending())
		schedule();
	finish_wait(wq, &w);
	mutex_lock(lock);
}

static u32 ring_used(struct unix_sock *u)
{
	return READ_ONCE(u->head) - READ_ONCE(u->tail);
}

/* A reader of @u may go on: data, EOF or an error. */
static bool unix_readable(struct unix_sock *u)
{
	return ring_used(u) || (READ_ONCE(u->shutdown) & RCV_SHUTDOWN) || READ_ONCE(u->err);
}

/* A writer into @u's ring may go on: room, or nobody reads it any more. */
static bool unix_room(struct unix_sock *u)
{
	return ring_used(u) < UNIX_RING_SIZE || (READ_ONCE(u->shutdown) & RCV_SHUTDOWN);
}

/* ---- the ring --------------------------------------------------------------------- */

/*
 * Copy up to @n bytes of @from into @u's ring (the caller checked there is
 * room for @n). Returns the bytes queued (short: the user copy faulted,
 * what was copied stays queued), or -ENOMEM. Context: u->lock held.
 */
static ssize_t ring_fill(struct unix_sock *u, struct iov_iter *from, size_t n)
{
	size_t done = 0;

	while (done < n) {
		u32 pos = u->head;
		unsigned int slot = (pos / PAGE_SIZE) % UNIX_RING_PAGES;
		size_t off = pos % PAGE_SIZE, chunk = min(n - done, PAGE_SIZE - off), got;

		if (!u->pages[slot] && !(u->pages[slot] = get_free_pages(GFP_KERNEL, 0)))
			return done ? (ssize_t)done : -ENOMEM;
		got = copy_from_iter((char *)u->pages[slot] + off, chunk, from);
		WRITE_ONCE(u->head, pos + (u32)got);
		done += got;
		if (got < chunk)
			break;
	}
	return (ssize_t)done;
}

/*
 * Copy up to @n queued bytes of @u to @to; consume them unless @peek.
 * Returns the bytes copied (short: the user copy faulted; only what was
 * copied is consumed). Context: u->lock held, @n <= ring_used(u).
 */
static size_t ring_drain(struct unix_sock *u, struct iov_iter *to, size_t n, bool peek)
{
	u32 pos = u->tail;
	size_t done = 0;

	while (done < n) {
		unsigned int slot = (pos / PAGE_SIZE) % UNIX_RING_PAGES;
		size_t off = pos % PAGE_SIZE, chunk = min(n - done, PAGE_SIZE - off), got;

		got = copy_to_iter((char *)u->pages[slot] + off, chunk, to);
		pos += (u32)got;
		done += got;
		if (got < chunk)
			break;
	}
	if (!peek)
		WRITE_ONCE(u->tail, pos);
	return done;
}

/* ---- send and receive ------------------------------------------------------------- */

/* A write that nobody will read: -EPIPE, and SIGPIPE unless @flags say
 * MSG_NOSIGNAL (a kernel thread has no signal state). */
static ssize_t unix_broken(unsigned int flags)
{
	if (!(flags & MSG_NOSIGNAL) && current->signal)
		send_sig(SIGPIPE, current);
	return -EPIPE;
}

/* The connected peer of @u, or NULL. Context: takes u->lock. */
static struct unix_sock *unix_connected_peer(struct unix_sock *u, unsigned int *shutdown)
{
	struct unix_sock *peer;

	mutex_lock(&u->lock);
	peer = u->state == SS_CONNECTED ? u->peer : NULL;
	*shutdown = u->shutdown;
	mutex_unlock(&u->lock);
	return peer;
}

ssize_t unix_sendmsg(struct unix_sock *u, struct iov_iter *from, unsigned int flags,
		     bool nonblock)
{
	unsigned int shutdown;
	struct unix_sock *peer = unix_connected_peer(u, &shutdown);
	ssize_t sent = 0, ret = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (!peer)
		return -ENOTCONN;
	if (shutdown & SEND_SHUTDOWN)
		return unix_broken(flags);
	mutex_lock(&peer->lock);
	while (from->count) {
		u32 room;

		if (peer->shutdown & RCV_SHUTDOWN) {
			/* Linux sends SIGPIPE only if nothing went. */
			ret = sent ? 0 : unix_broken(flags);
			break;
		}
		room = UNIX_RING_SIZE - (peer->head - peer->tail);
		if (room) {
			size_t want = min((size_t)room, from->count);

			ret = ring_fill(peer, from, want);
			if (ret < 0)
				break;                  /* -ENOMEM */
			sent += ret;
			wake_up(&peer->rd_wait);
			if ((size_t)ret < want) {
				ret = -EFAULT;          /* a user copy faulted */
				break;
			}
			continue;
		}
		ret = -EAGAIN;
		if (nonblock)
			break;
		ret = -ERESTARTSYS;
		if (unix_signal_pending())
			break;
		ret = 0;
		unix_wait(&peer->lock, &peer->wr_wait, unix_room, peer);
	}
	mutex_unlock(&peer->lock);
	return sent ? sent : ret;
}

/* Why a reader with nothing (more) to take stops now, or 1 to sleep:
 * 0 for EOF, a pending error (taken), -EAGAIN, -ERESTARTSYS.
 * Context: u->lock held, the ring empty. */
static ssize_t unix_recv_stop(struct unix_sock *u, bool nonblock)
{
	int err = u->err;

	if (err) {
		WRITE_ONCE(u->err, 0);
		return -err;
	}
	if (u->shutdown & RCV_SHUTDOWN)
		return 0;
	if (nonblock)
		return -EAGAIN;
	if (unix_signal_pending())
		return -ERESTARTSYS;
	return 1;
}

ssize_t unix_recvmsg(struct unix_sock *u, struct iov_iter *to, unsigned int flags, bool nonblock)
{
	bool peek = flags & MSG_PEEK;
	ssize_t copied = 0, ret = 0;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	mutex_lock(&u->lock);
	if (u->state != SS_CONNECTED) {
		mutex_unlock(&u->lock);
		return -EINVAL;                 /* Linux: a stream socket not connected */
	}
	/* A zero-byte recv still waits for data, as Linux's (read() does not:
	 * sock_read_iter returns 0 first). */
	for (;;) {
		u32 used = u->head - u->tail;

		if (used) {
			size_t want = min((size_t)used, to->count);
			size_t got = want ? ring_drain(u, to, want, peek) : 0;

			copied += (ssize_t)got;
			if (got < want) {
				ret = -EFAULT;
				break;
			}
			if (got && !peek)
				wake_up(&u->wr_wait);
			if (peek || !(flags & MSG_WAITALL) || !to->count)
				break;
			continue;
		}
		if (copied && !(flags & MSG_WAITALL))
			break;
		ret = unix_recv_stop(u, nonblock);
		if (ret <= 0)
			break;
		ret = 0;
		unix_wait(&u->lock, &u->rd_wait, unix_readable, u);
	}
	mutex_unlock(&u->lock);
	return copied ? copied : ret;
}

/* ---- poll, shutdown, release -------------------------------------------------------- */

/*
 * Lockless, like the sleepers' tests. A writer is told POLLOUT while the
 * peer's ring is at most three-quarters full (Linux: while a quarter of
 * the send buffer is in use; both avoid waking a writer for a few bytes),
 * or when a write would fail at once (EPIPE).
 */
unsigned int unix_poll(struct unix_sock *u, struct file *file, struct poll_table *pt)
{
	enum unix_state state = READ_ONCE(u->state);
	struct unix_sock *peer = state == SS_CONNECTED ? READ_ONCE(u->peer) : NULL;
	unsigned int shutdown, mask = 0;

	poll_wait(file, &u->rd_wait, pt);
	if (peer)
		poll_wait(file, &peer->wr_wait, pt);
	shutdown = READ_ONCE(u->shutdown);
	if (READ_ONCE(u->err))
		mask |= POLLERR;
	if (shutdown == SHUTDOWN_MASK)
		mask |= POLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (ring_used(u) || (state == SS_LISTENING && READ_ONCE(u->acceptq_len)))
		mask |= POLLIN | POLLRDNORM;
	if (state == SS_UNCONNECTED)
		mask |= POLLHUP;                /* a stream socket with no connection */
	if (state != SS_LISTENING &&
	    (!peer || ring_used(peer) <= UNIX_RING_SIZE * 3 / 4 ||
	     (READ_ONCE(peer->shutdown) & RCV_SHUTDOWN)))
		mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return mask;
}

/* Set @bits (and @err if not 0) on @u and wake its sleepers.
 * Context: takes u->lock; none held. */
static void unix_shut(struct unix_sock *u, unsigned int bits, int err)
{
	mutex_lock(&u->lock);
	WRITE_ONCE(u->shutdown, u->shutdown | bits);
	if (err)
		WRITE_ONCE(u->err, err);
	mutex_unlock(&u->lock);
	wake_up(&u->rd_wait);
	wake_up(&u->wr_wait);
}

/* An unconnected socket may be shut down too: only its own bits change. */
int unix_shutdown(struct unix_sock *u, int how)
{
	unsigned int mine, theirs = 0;
	struct unix_sock *peer;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mine = (unsigned int)how + 1;
	mutex_lock(&u->lock);
	peer = u->state == SS_CONNECTED ? u->peer : NULL;
	mutex_unlock(&u->lock);
	unix_shut(u, mine, 0);
	if (!peer)
		return 0;
	if (mine & RCV_SHUTDOWN)
		theirs |= SEND_SHUTDOWN;
	if (mine & SEND_SHUTDOWN)
		theirs |= RCV_SHUTDOWN;
	unix_shut(peer, theirs, 0);
	return 0;
}

/*
 * Close one socket: @embryo if it was never accepted. The peer sees EOF
 * and EPIPE, and ECONNRESET if data was left unread here or the
 * connection was never accepted. Context: may sleep; no lock held.
 */
static void unix_release_sock(struct unix_sock *u, bool embryo)
{
	struct unix_sock *peer;
	bool unread;
	LIST_HEAD(queue);

	mutex_lock(&unix_table_lock);
	if (u->listening) {
		while (!list_empty(&u->acceptq)) {
			struct list_head *e = u->acceptq.next;

			list_del(e);
			list_add_tail(e, &queue);
		}
		u->acceptq_len = 0;
		u->listening = false;
	}
	mutex_unlock(&unix_table_lock);
	unix_unbind(u);

	mutex_lock(&u->lock);
	/* Our reference to the peer goes now, not when we are freed: a pair
	 * holds each other, and the cycle would keep both for ever. The
	 * peer's reference to us stays (its writers still look at our
	 * shutdown bits) until its own release. */
	peer = u->peer;
	u->peer = NULL;
	unread = u->head != u->tail;
	WRITE_ONCE(u->shutdown, SHUTDOWN_MASK);
	WRITE_ONCE(u->state, SS_UNCONNECTED);
	WRITE_ONCE(u->tail, u->head);
	unix_free_pages(u);
	mutex_unlock(&u->lock);
	/* The peer's writers sleep on our wr_wait: they now see RCV_SHUTDOWN. */
	wake_up(&u->rd_wait);
	wake_up(&u->wr_wait);
	if (peer) {
		unix_shut(peer, SHUTDOWN_MASK, unread || embryo ? ECONNRESET : 0);
		unix_put(peer);
	}

	while (!list_empty(&queue)) {
		struct unix_sock *e = list_first_entry(&queue, struct unix_sock, acceptq_entry);

		list_del_init(&e->acceptq_entry);
		unix_release_sock(e, true);
		unix_put(e);                    /* the queue's reference */
	}
}

void unix_release(struct unix_sock *u)
{
	unix_release_sock(u, false);
	unix_put(u);
}

/* ---- names --------------------------------------------------------------------------- */

int unix_getname(struct unix_sock *u, struct sockaddr_un *addr, bool peer)
{
	struct unix_sock *s = u;
	int len = 2;

	if (peer) {
		mutex_lock(&u->lock);
		s = u->state == SS_CONNECTED ? u->peer : NULL;
		mutex_unlock(&u->lock);
		if (!s)
			return -ENOTCONN;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	mutex_lock(&unix_table_lock);
	if (s->addr) {
		len = s->addr->len;
		memcpy(addr, &s->addr->addr, sizeof(*addr));
	}
	mutex_unlock(&unix_table_lock);
	return len;
}

/* ---- options --------------------------------------------------------------------------- */

int unix_getsockopt(struct unix_sock *u, int name, void *val, int *len)
{
	int *v = val;
	struct unix_sock *peer;

	*len = sizeof(int);
	switch (name) {
	case SO_TYPE:
		*v = u->type;
		return 0;
	case SO_DOMAIN:
		*v = AF_UNIX;
		return 0;
	case SO_PROTOCOL:
		*v = 0;
		return 0;
	case SO_ACCEPTCONN:
		*v = READ_ONCE(u->state) == SS_LISTENING;
		return 0;
	case SO_ERROR:
		mutex_lock(&u->lock);
		*v = u->err;
		WRITE_ONCE(u->err, 0);
		mutex_unlock(&u->lock);
		return 0;
	case SO_SNDBUF:
		*v = READ_ONCE(u->sndbuf);
		return 0;
	case SO_RCVBUF:
		*v = READ_ONCE(u->rcvbuf);
		return 0;
	case SO_RCVLOWAT:
	case SO_SNDLOWAT:
		*v = 1;
		return 0;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_PASSCRED:
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_OOBINLINE:
		*v = 0;
		return 0;
	case SO_PEERCRED: {
		struct ucred *c = val;

		*len = sizeof(*c);
		mutex_lock(&u->lock);
		peer = u->state == SS_CONNECTED ? u->peer : NULL;
		mutex_unlock(&u->lock);
		if (!peer) {
			/* Linux: no peer, no credentials (pid 0, ids -1). */
			*c = (struct ucred){ 0, ~0u, ~0u };
			return 0;
		}
		mutex_lock(&peer->lock);
		*c = peer->cred;
		mutex_unlock(&peer->lock);
		return 0;
	}
	default:
		return -ENOPROTOOPT;
	}
}

/* SO_SNDBUF/SO_RCVBUF store twice the value, clamped, as Linux (it
 * counts its bookkeeping); the other options are accepted and ignored. */
int unix_setsockopt(struct unix_sock *u, int name, int val)
{
	unsigned int v = (unsigned int)val;

	switch (name) {
	case SO_SNDBUF:
		v = min(v, (unsigned int)UNIX_BUF_MAX) * 2;
		WRITE_ONCE(u->sndbuf, (int)max(v, (unsigned int)UNIX_SNDBUF_MIN));
		return 0;
	case SO_RCVBUF:
		v = min(v, (unsigned int)UNIX_BUF_MAX) * 2;
		WRITE_ONCE(u->rcvbuf, (int)max(v, (unsigned int)UNIX_RCVBUF_MIN));
		return 0;
	case SO_REUSEADDR:
	case SO_KEEPALIVE:
	case SO_PASSCRED:
	case SO_DEBUG:
	case SO_DONTROUTE:
	case SO_BROADCAST:
	case SO_OOBINLINE:
	case SO_RCVLOWAT:
	case SO_LINGER:
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

#define FIONREAD        0x541B          /* SIOCINQ */
#define TIOCOUTQ        0x5411          /* SIOCOUTQ */

int unix_ioctl(struct unix_sock *u, unsigned int cmd, int *n)
{
	struct unix_sock *peer;
	unsigned int shutdown;

	switch (cmd) {
	case FIONREAD:
		if (READ_ONCE(u->state) == SS_LISTENING)
			return -EINVAL;
		mutex_lock(&u->lock);
		*n = (int)(u->head - u->tail);
		mutex_unlock(&u->lock);
		return 0;
	case TIOCOUTQ:
		if (READ_ONCE(u->state) == SS_LISTENING)
			return -EINVAL;
		peer = unix_connected_peer(u, &shutdown);
		*n = 0;
		if (peer) {
			mutex_lock(&peer->lock);
			*n = (int)(peer->head - peer->tail);
			mutex_unlock(&peer->lock);
		}
		return 0;
	default:
		return -ENOTTY;
	}
}
