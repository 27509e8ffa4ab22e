/*
 * AF_UNIX internals shared by fs/af_unix.c (sockets, data, shutdown,
 * options) and fs/af_unix_conn.c (names, listen, connect, accept). The
 * locking rules are in fs/af_unix.c's opening comment.
 *
 * Legend: (lock) u->lock; (t) unix_table_lock; (c) constant after
 * creation; (atomic).
 */
#ifndef _FS_AF_UNIX_H
#define _FS_AF_UNIX_H

#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/wait.h>
#include <fs/socket.h>
#include <asm/page.h>

#define UNIX_RING_PAGES 16
#define UNIX_RING_SIZE  (UNIX_RING_PAGES * PAGE_SIZE)
/* Linux's net.core.wmem_default/rmem_default and the floor of SO_SNDBUF,
 * which getsockopt reports (the ring's size does not follow them). */
#define UNIX_BUF_DEFAULT 212992
#define UNIX_BUF_MAX     212992
#define UNIX_SNDBUF_MIN  4608
#define UNIX_RCVBUF_MIN  2304

enum unix_state { SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED, SS_LISTENING };

/* A name: sun_family then the path (NUL-terminated in @addr, not counted
 * in @len beyond what bind was given) or the abstract name (leading NUL). */
struct unix_address {
	int len;                                /* bytes of @addr that are the name */
	struct sockaddr_un addr;
};

struct unix_sock {
	int refcount;                           /* (atomic) */
	int type;                               /* (c) SOCK_STREAM */
	struct mutex lock;
	struct wait_queue_head rd_wait;         /* readers of this ring, acceptors */
	struct wait_queue_head wr_wait;         /* writers into this ring, connectors */
	void *pages[UNIX_RING_PAGES];           /* (lock) */
	u32 head, tail;                         /* (lock) written; READ_ONCE outside */
	unsigned int shutdown;                  /* (lock) RCV_SHUTDOWN | SEND_SHUTDOWN */
	int err;                                /* (lock) a pending error (ECONNRESET) */
	enum unix_state state;                  /* (lock) */
	struct unix_sock *peer;                 /* (lock) set once, referenced */
	int sndbuf, rcvbuf;                     /* (lock) what SO_SNDBUF/SO_RCVBUF say */
	struct ucred cred;                      /* (lock) who made it: SO_PEERCRED of the peer */
	/* Names and listening, (t) unix_table_lock: */
	struct unix_address *addr;              /* (t) set once; read by getname after */
	struct inode *bind_inode;               /* (t) a path name's socket inode, referenced */
	struct list_head bound;                 /* (t) on unix_bound while named */
	bool listening;                         /* (t) */
	unsigned int backlog;                   /* (t) */
	unsigned int acceptq_len;               /* (t) written; READ_ONCE by poll */
	struct list_head acceptq;               /* (t) embryos, referenced */
	struct list_head acceptq_entry;         /* (t) on the listener's acceptq */
};

/* The bound names and every listener's queue (fs/af_unix_conn.c). */
extern struct mutex unix_table_lock;

/* fs/af_unix.c */
struct unix_sock *unix_alloc(int type);         /* one reference; NULL: no memory */
struct unix_sock *unix_get(struct unix_sock *u);
void unix_put(struct unix_sock *u);             /* the last frees it (and puts its peer) */
void unix_set_cred(struct unix_sock *u);        /* SO_PEERCRED: current. Context: u->lock */
bool unix_signal_pending(void);
/* Drop @lock, sleep on @wq unless @ready(@u), retake @lock; the caller
 * rechecks. Context: @lock held on entry and return; may sleep. */
void unix_wait(struct mutex *lock, struct wait_queue_head *wq,
	       bool (*ready)(struct unix_sock *u), struct unix_sock *u);

/* fs/af_unix_conn.c: take @u's name off the table, drop its node's
 * reference (the node stays). Context: may sleep; no lock held. */
void unix_unbind(struct unix_sock *u);

#endif
