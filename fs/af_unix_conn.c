/*
 * AF_UNIX names and connections: bind (a path's S_IFSOCK node, an
 * abstract name, an automatic one), listen, connect and accept. The
 * sockets themselves and the locking rules: fs/af_unix.c.
 *
 * Owns unix_table_lock and the table of bound sockets (unix_bound), and
 * every listener's accept queue: the server ends made at connect
 * ("embryos"), each referenced by the queue until accept hands it over or
 * the listener's close releases it.
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

DEFINE_MUTEX(unix_table_lock);
static LIST_HEAD(unix_bound);                   /* (unix_table_lock) */

/* Serialises binds, so that a socket gets one name (the node is made
 * without unix_table_lock, which a slow disk would hold up). */
static DEFINE_MUTEX(unix_bind_mutex);
static unsigned int unix_autobind_next;        /* (unix_bind_mutex) */

/*
 * Check a sockaddr_un of @len bytes and make its unix_address: a path
 * name ends at its first NUL or at @len (its length then counts the NUL,
 * as Linux's), an abstract name is all @len bytes. Returns it (kmalloc'd)
 * or ERR_PTR(-EINVAL, -ENOMEM).
 */
static struct unix_address *unix_mkname(const struct sockaddr_un *sa, int len)
{
	struct unix_address *a;

	if (len <= 2 || len > (int)sizeof(*sa) || sa->sun_family != AF_UNIX)
		return ERR_PTR(-EINVAL);
	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return ERR_PTR(-ENOMEM);
	memcpy(&a->addr, sa, (size_t)len);
	if (a->addr.sun_path[0])
		a->len = 2 + (int)strnlen(a->addr.sun_path, (size_t)len - 2) + 1;
	else
		a->len = len;
	return a;
}

/* The bound socket called @a (abstract) or whose node is @inode, with a
 * reference, or NULL. Context: unix_table_lock held. */
static struct unix_sock *unix_find_locked(const struct unix_address *a, struct inode *inode)
{
	struct unix_sock *s;

	list_for_each_entry(s, &unix_bound, bound) {
		if (inode ? s->bind_inode == inode
			  : (!s->bind_inode && s->addr->len == a->len &&
			     !memcmp(&s->addr->addr, &a->addr, (size_t)a->len)))
			return unix_get(s);
	}
	return NULL;
}

/* Make the node of path name @a: -EADDRINUSE if the name exists. */
static int unix_bind_path(struct unix_address *a, struct inode **inode)
{
	umode_t mode = S_IFSOCK | (0777 & ~current_umask());
	int err = vfs_mknod_at_inode(NULL, a->addr.sun_path, mode, inode);

	return err == -EEXIST ? -EADDRINUSE : err;
}

/* bind with only the family: a free abstract name of five hex digits. */
static struct unix_address *unix_autoname(void)
{
	struct unix_address *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct unix_sock *other;

	if (!a)
		return ERR_PTR(-ENOMEM);
	a->addr.sun_family = AF_UNIX;
	a->len = 2 + 6;
	for (unsigned int tries = 0; tries < 0x100000; tries++) {
		char hex[8];

		snprintf(hex, sizeof(hex), "%05x", unix_autobind_next++ & 0xfffff);
		memcpy(a->addr.sun_path + 1, hex, 5);
		mutex_lock(&unix_table_lock);
		other = unix_find_locked(a, NULL);
		mutex_unlock(&unix_table_lock);
		if (!other)
			return a;
		unix_put(other);
	}
	kfree(a);
	return ERR_PTR(-ENOSPC);
}

/*
 * Linux's order: a path name's node is made first (so an existing name is
 * EADDRINUSE even for a socket already bound), then a bound socket is
 * EINVAL (and the node just made goes again); bind with the family alone
 * on a bound socket does nothing.
 */
int unix_bind(struct unix_sock *u, const struct sockaddr_un *sa, int len)
{
	struct unix_address *a = NULL;
	struct inode *inode = NULL;
	struct unix_sock *other;
	int err = 0;

	if (len < 2 || sa->sun_family != AF_UNIX)
		return -EINVAL;
	mutex_lock(&unix_bind_mutex);
	if (len == 2 && READ_ONCE(u->addr))
		goto out_unlock;                /* autobind of a bound socket */
	a = len == 2 ? unix_autoname() : unix_mkname(sa, len);
	if (IS_ERR(a)) {
		err = (int)PTR_ERR(a);
		a = NULL;
		goto out_unlock;
	}
	if (a->addr.sun_path[0] && (err = unix_bind_path(a, &inode)))
		goto out_unlock;
	if (READ_ONCE(u->addr)) {
		err = -EINVAL;                  /* already bound */
		if (inode) {
			iput(inode);
			vfs_unlink_at(NULL, a->addr.sun_path);
		}
		goto out_unlock;
	}
	mutex_lock(&unix_table_lock);
	other = inode ? NULL : unix_find_locked(a, NULL);
	if (other) {
		unix_put(other);
		err = -EADDRINUSE;
	} else {
		u->addr = a;
		u->bind_inode = inode;
		list_add(&u->bound, &unix_bound);
		a = NULL;
	}
	mutex_unlock(&unix_table_lock);
out_unlock:
	mutex_unlock(&unix_bind_mutex);
	kfree(a);
	return err;
}

/* Take @u's name off the table (the node stays: unlink is the user's). */
void unix_unbind(struct unix_sock *u)
{
	struct inode *inode;

	mutex_lock(&unix_table_lock);
	list_del_init(&u->bound);
	inode = u->bind_inode;
	u->bind_inode = NULL;
	mutex_unlock(&unix_table_lock);
	iput(inode);
}

int unix_listen(struct unix_sock *u, int backlog)
{
	int err = 0;

	if (u->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;            /* a negative one too, as Linux */
	mutex_lock(&unix_table_lock);
	if (!u->addr) {
		err = -EINVAL;                  /* no listens on an unbound socket */
		goto out_unlock;
	}
	mutex_lock(&u->lock);
	if (u->state != SS_UNCONNECTED && u->state != SS_LISTENING) {
		err = -EINVAL;
	} else {
		WRITE_ONCE(u->state, SS_LISTENING);
		unix_set_cred(u);
	}
	mutex_unlock(&u->lock);
	if (!err) {
		u->backlog = (unsigned int)backlog;
		u->listening = true;
	}
out_unlock:
	mutex_unlock(&unix_table_lock);
	wake_up(&u->wr_wait);                   /* connectors: the backlog may have grown */
	return err;
}

/* A connector may go on: room in the queue, or no listener any more. */
static bool unix_backlog_room(struct unix_sock *l)
{
	return READ_ONCE(l->acceptq_len) <= READ_ONCE(l->backlog) || !READ_ONCE(l->listening);
}

static bool unix_acceptq_ready(struct unix_sock *l)
{
	return READ_ONCE(l->acceptq_len) || !READ_ONCE(l->listening);
}

/* The listener called @a, referenced, or an errno. Context: may sleep. */
static struct unix_sock *unix_find_other(const struct unix_address *a)
{
	struct inode *inode = NULL;
	struct unix_sock *other;
	int err;

	if (a->addr.sun_path[0]) {
		inode = namei_at(NULL, a->addr.sun_path);
		if (IS_ERR(inode))
			return ERR_PTR(PTR_ERR(inode));
		err = S_ISSOCK(inode->i_mode) ? inode_permission(inode, MAY_WRITE) : -ECONNREFUSED;
		if (err) {
			iput(inode);
			return ERR_PTR(err);
		}
	}
	mutex_lock(&unix_table_lock);
	other = unix_find_locked(a, inode);
	mutex_unlock(&unix_table_lock);
	iput(inode);
	return other ? other : ERR_PTR(-ECONNREFUSED);
}

/*
 * Queue @embryo (taking over its reference) on listener @l, waiting for
 * room. Returns 0, -ECONNREFUSED, -EAGAIN, -ERESTARTSYS.
 * Context: takes unix_table_lock; may sleep.
 */
static int unix_enqueue(struct unix_sock *l, struct unix_sock *embryo, bool nonblock)
{
	struct unix_address *a = kmalloc(sizeof(*a), GFP_KERNEL);
	int err = 0;

	if (!a)
		return -ENOMEM;
	mutex_lock(&unix_table_lock);
	for (;;) {
		if (!l->listening) {
			err = -ECONNREFUSED;
			break;
		}
		if (l->acceptq_len <= l->backlog)
			break;
		err = -EAGAIN;
		if (nonblock)
			break;
		err = -ERESTARTSYS;
		if (unix_signal_pending())
			break;
		err = 0;
		unix_wait(&unix_table_lock, &l->wr_wait, unix_backlog_room, l);
	}
	if (!err) {
		*a = *l->addr;
		embryo->addr = a;
		embryo->cred = l->cred;
		list_add_tail(&embryo->acceptq_entry, &l->acceptq);
		WRITE_ONCE(l->acceptq_len, l->acceptq_len + 1);
	}
	mutex_unlock(&unix_table_lock);
	if (err)
		kfree(a);
	else
		wake_up(&l->rd_wait);
	return err;
}

/* Leave SS_CONNECTING: connected to @peer (referenced), or back. */
static void unix_connect_done(struct unix_sock *u, struct unix_sock *peer)
{
	mutex_lock(&u->lock);
	if (peer) {
		u->peer = peer;
		unix_set_cred(u);
	}
	WRITE_ONCE(u->state, peer ? SS_CONNECTED : SS_UNCONNECTED);
	mutex_unlock(&u->lock);
	wake_up(&u->wr_wait);                   /* pollers see POLLOUT */
}

int unix_connect(struct unix_sock *u, const struct sockaddr_un *sa, int len, bool nonblock)
{
	struct unix_address *a = unix_mkname(sa, len);
	struct unix_sock *l, *embryo;
	int err = 0;

	if (IS_ERR(a))
		return (int)PTR_ERR(a);
	mutex_lock(&u->lock);
	switch (u->state) {
	case SS_CONNECTED: err = -EISCONN; break;
	case SS_LISTENING: err = -EINVAL; break;
	case SS_CONNECTING: err = -EALREADY; break;
	default: WRITE_ONCE(u->state, SS_CONNECTING); break;
	}
	mutex_unlock(&u->lock);
	if (err)
		goto out_free;
	l = unix_find_other(a);
	if (IS_ERR(l)) {
		err = (int)PTR_ERR(l);
		goto out_reset;
	}
	embryo = l->type == u->type ? unix_alloc(u->type) : ERR_PTR(-EPROTOTYPE);
	if (!embryo)
		embryo = ERR_PTR(-ENOMEM);
	if (IS_ERR(embryo)) {
		err = (int)PTR_ERR(embryo);
		goto out_put;
	}
	/* Nobody sees the embryo before it is queued: no lock needed. */
	embryo->peer = unix_get(u);
	embryo->state = SS_CONNECTED;
	err = unix_enqueue(l, unix_get(embryo), nonblock);
	if (err) {
		unix_put(embryo);               /* the queue's, never taken */
		unix_put(embryo);
		goto out_put;
	}
	unix_connect_done(u, embryo);           /* our reference becomes u->peer */
	unix_put(l);
	kfree(a);
	return 0;
out_put:
	unix_put(l);
out_reset:
	unix_connect_done(u, NULL);
out_free:
	kfree(a);
	return err;
}

int unix_accept(struct unix_sock *u, bool nonblock, struct unix_sock **res)
{
	struct unix_sock *e = NULL;
	int err = 0;

	if (u->type != SOCK_STREAM)
		return -EOPNOTSUPP;
	mutex_lock(&unix_table_lock);
	for (;;) {
		if (!u->listening) {
			err = -EINVAL;
			break;
		}
		if (!list_empty(&u->acceptq)) {
			e = list_first_entry(&u->acceptq, struct unix_sock, acceptq_entry);
			list_del_init(&e->acceptq_entry);
			WRITE_ONCE(u->acceptq_len, u->acceptq_len - 1);
			break;
		}
		err = -EAGAIN;
		if (nonblock)
			break;
		err = -ERESTARTSYS;
		if (unix_signal_pending())
			break;
		err = 0;
		unix_wait(&unix_table_lock, &u->rd_wait, unix_acceptq_ready, u);
	}
	mutex_unlock(&unix_table_lock);
	if (e)
		wake_up(&u->wr_wait);           /* a connector waiting for room */
	*res = e;
	return err;
}
