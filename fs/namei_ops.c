/*
 * The operations on names: mkdir, symlink, mknod, rmdir, unlink, link and
 * rename, on the walk of fs/namei.c (through fs/internal.h). Each
 * validates first, in Linux's order of errors, then asks the
 * directory's inode_operations.
 *
 * Locks: the directory's inode lock (i_rwsem) exclusively while an entry
 * is added or removed; the inode of a name being removed is locked after
 * its directory. rename takes rename_mutex first (so two renames cannot
 * each see the other's directories as safe to move), then the
 * directories in address order, then the target.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <fs/fs.h>
#include "internal.h"

static DEFINE_MUTEX(rename_mutex);

/* ---- directory entries ------------------------------------------------------- */

int vfs_mkdir_at(struct inode *base, const char *path, umode_t mode)
{
	struct parent p;
	struct inode *inode;
	int err = lookup_parent(base, path, &p);

	if (err)
		return err;
	if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
		iput(p.dir);
		return -EEXIST;
	}
	inode_lock(p.dir);
	inode = lookup_locked(&p);
	if (!IS_ERR(inode))
		err = -EEXIST;
	else if (PTR_ERR(inode) != -ENOENT || dir_is_dead(p.dir))
		err = (int)PTR_ERR(inode);
	else if (p.dir->i_sb->s_readonly)
		err = -EROFS;
	else if ((err = may_create(p.dir)) != 0)
		inode = ERR_PTR(err);
	else if (!p.dir->i_op->mkdir)
		err = -EPERM;                   /* Linux's vfs_mkdir */
	else
		inode = p.dir->i_op->mkdir(p.dir, p.name, p.len, S_IFDIR | (mode & 07777));
	if (!err && IS_ERR(inode))
		err = (int)PTR_ERR(inode);
	inode_unlock(p.dir);
	if (!IS_ERR(inode))
		iput(inode);
	iput(p.dir);
	return err;
}

int vfs_mkdir(const char *path, umode_t mode)
{
	return vfs_mkdir_at(NULL, path, mode);
}

/* What make_node creates: a symbolic link to @target, or (@target NULL)
 * a FIFO, socket or device node of @mode and @rdev. */
struct new_node {
	umode_t mode;
	u64 rdev;
	const char *target;
	struct inode **res;                     /* if set: the new inode, referenced */
};

/* symlink and mknod: a new name that must not exist in any form (a
 * dangling symbolic link there is EEXIST too: the last component is not
 * followed). */
static int make_node(struct inode *base, const char *path, const struct new_node *n)
{
	struct parent p;
	struct inode *inode;
	int err = lookup_parent(base, path, &p);

	if (err)
		return err;
	if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
		iput(p.dir);
		return -EEXIST;
	}
	inode_lock(p.dir);
	inode = lookup_locked(&p);
	if (!IS_ERR(inode)) {
		iput(inode);
		err = -EEXIST;
	} else if (PTR_ERR(inode) != -ENOENT || dir_is_dead(p.dir)) {
		err = (int)PTR_ERR(inode);
	} else if (p.trailing_slash) {
		err = -ENOENT;                  /* "x/" can only name a directory */
	} else if (p.dir->i_sb->s_readonly) {
		err = -EROFS;
	} else if ((err = may_create(p.dir)) != 0) {
		;
	} else if ((S_ISCHR(n->mode) || S_ISBLK(n->mode)) && !capable_root()) {
		err = -EPERM;                   /* CAP_MKNOD */
	} else if (S_ISREG(n->mode)) {
		/* mknod of a regular file: Linux's vfs_create (EACCES without it) */
		inode = p.dir->i_op->create ? p.dir->i_op->create(p.dir, p.name, p.len, n->mode)
					    : ERR_PTR(-EACCES);
		err = IS_ERR(inode) ? (int)PTR_ERR(inode) : 0;
		if (!err)
			iput(inode);
	} else if (n->target ? !p.dir->i_op->symlink : !p.dir->i_op->mknod) {
		err = -EPERM;                   /* devfs, proc: Linux's vfs_symlink/vfs_mknod */
	} else {
		inode = n->target ? p.dir->i_op->symlink(p.dir, p.name, p.len, n->target)
				  : p.dir->i_op->mknod(p.dir, p.name, p.len, n->mode, n->rdev);
		if (IS_ERR(inode))
			err = (int)PTR_ERR(inode);
		else if (n->res)
			*n->res = inode;
		else
			iput(inode);
	}
	inode_unlock(p.dir);
	iput(p.dir);
	return err;
}

int vfs_symlink_at(struct inode *base, const char *path, const char *target)
{
	struct new_node n = { .mode = S_IFLNK | 0777, .target = target };

	return make_node(base, path, &n);
}

int vfs_mknod_at(struct inode *base, const char *path, umode_t mode, u64 rdev)
{
	struct new_node n = { .mode = mode, .rdev = rdev };

	return make_node(base, path, &n);
}

int vfs_mknod_at_inode(struct inode *base, const char *path, umode_t mode, struct inode **res)
{
	struct new_node n = { .mode = mode, .res = res };

	return make_node(base, path, &n);
}

/* Remove a name: @want_dir selects rmdir (directories only) or unlink. */
static int remove_name(struct inode *base, const char *path, bool want_dir)
{
	struct parent p;
	struct inode *victim;
	int err = lookup_parent(base, path, &p);

	if (err)
		return err;
	if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
		iput(p.dir);
		/* Linux: rmdir(".") EINVAL, rmdir("..") ENOTEMPTY, rmdir("/") EBUSY. */
		if (!want_dir)
			return -EISDIR;
		return !p.len ? -EBUSY : is_dot(p.name, p.len) ? -EINVAL : -ENOTEMPTY;
	}
	inode_lock(p.dir);
	victim = lookup_locked(&p);
	if (IS_ERR(victim)) {
		err = (int)PTR_ERR(victim);
		goto out_unlock_dir;
	}
	err = may_delete(p.dir, victim);        /* before the type checks, as Linux */
	if (err)
		;
	else if (want_dir && !S_ISDIR(victim->i_mode))
		err = -ENOTDIR;
	else if (!want_dir && S_ISDIR(victim->i_mode))
		err = -EISDIR;
	else if (p.trailing_slash && !S_ISDIR(victim->i_mode))
		err = -ENOTDIR;                 /* unlink("file/") */
	else if (is_mountpoint(victim))
		err = -EBUSY;                   /* rmdir("/proc") */
	else if (p.dir->i_sb->s_readonly)
		err = -EROFS;
	else if (!(want_dir ? p.dir->i_op->rmdir : p.dir->i_op->unlink))
		err = -EPERM;                   /* devfs, proc */
	if (!err) {
		inode_lock(victim);
		err = want_dir ? p.dir->i_op->rmdir(p.dir, p.name, p.len)
			       : p.dir->i_op->unlink(p.dir, p.name, p.len);
		inode_unlock(victim);
	}
	iput(victim);                           /* the last one frees an unlinked inode */
out_unlock_dir:
	inode_unlock(p.dir);
	iput(p.dir);
	return err;
}

int vfs_unlink_at(struct inode *base, const char *path)
{
	return remove_name(base, path, false);
}

int vfs_rmdir_at(struct inode *base, const char *path)
{
	return remove_name(base, path, true);
}

int vfs_unlink(const char *path)
{
	return vfs_unlink_at(NULL, path);
}

int vfs_rmdir(const char *path)
{
	return vfs_rmdir_at(NULL, path);
}

/*
 * Linux's fs.protected_hardlinks = 1, which Debian and most distributions
 * set (there is no switch here): a caller who neither owns @inode nor is
 * root may hard-link it only if it is a regular file, not set-user-ID nor
 * set-group-ID and group-executable, that they may read and write.
 * -EPERM otherwise (before the directory's own -EACCES, as Linux).
 */
static int may_linkat(struct inode *inode)
{
	umode_t mode = inode->i_mode;

	if (inode_owner_or_capable(inode))
		return 0;
	if (S_ISREG(mode) && !(mode & S_ISUID) &&
	    (mode & (S_ISGID | S_IXGRP)) != (S_ISGID | S_IXGRP) &&
	    !inode_permission(inode, MAY_READ | MAY_WRITE))
		return 0;
	return -EPERM;
}

int vfs_link_at_flags(struct inode *olddir, const char *oldpath, struct inode *newdir,
		      const char *newpath, unsigned int lookup_flags)
{
	struct inode *old = namei_at_flags(olddir, oldpath, lookup_flags);
	struct parent p;
	struct inode *existing;
	int err;

	if (IS_ERR(old))
		return (int)PTR_ERR(old);
	err = lookup_parent(newdir, newpath, &p);
	if (err)
		goto out_put_old;
	if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
		err = -EEXIST;
		goto out_put_dir;
	}
	if (p.dir->i_sb != old->i_sb) {
		err = -EXDEV;
		goto out_put_dir;
	}
	inode_lock(p.dir);
	existing = lookup_locked(&p);
	if (!IS_ERR(existing)) {
		iput(existing);
		err = -EEXIST;
	} else if (PTR_ERR(existing) != -ENOENT || p.trailing_slash || dir_is_dead(p.dir)) {
		err = p.trailing_slash ? -ENOENT : (int)PTR_ERR(existing);
	} else if ((err = may_linkat(old)) != 0 || (err = may_create(p.dir)) != 0) {
		;
	} else if (!p.dir->i_op->link || S_ISDIR(old->i_mode)) {
		err = -EPERM;           /* last, after the new name's checks, as Linux */
	} else {
		inode_lock(old);
		err = p.dir->i_op->link(old, p.dir, p.name, p.len);
		inode_unlock(old);
	}
	inode_unlock(p.dir);
out_put_dir:
	iput(p.dir);
out_put_old:
	iput(old);
	return err;
}

/* link(2) does not follow a symbolic link it is given: the new name is
 * another link to the symbolic link itself. */
int vfs_link_at(struct inode *olddir, const char *oldpath, struct inode *newdir,
		const char *newpath)
{
	return vfs_link_at_flags(olddir, oldpath, newdir, newpath, 0);
}

int vfs_link(const char *oldpath, const char *newpath)
{
	return vfs_link_at(NULL, oldpath, NULL, newpath);
}

/* ---- rename ------------------------------------------------------------------ */

/* Is @dir inside @ancestor's subtree (or @ancestor itself)? Context:
 * rename_mutex held, so no directory moves meanwhile. */
static bool is_subdir(struct inode *dir, struct inode *ancestor)
{
	struct inode *cur = igrab(dir);
	bool found = false;

	for (int depth = 0; depth < 4096; depth++) {
		struct inode *up;

		if (cur == ancestor) {
			found = true;
			break;
		}
		if (cur == cur->i_sb->s_root)
			break;
		up = lookup_one(cur, "..", 2);
		iput(cur);
		if (IS_ERR(up))
			return false;
		cur = up;
	}
	iput(cur);
	return found;
}

static void lock_two_dirs(struct inode *a, struct inode *b)
{
	if (a == b) {
		inode_lock(a);
	} else if (a < b) {
		inode_lock(a);
		inode_lock(b);
	} else {
		inode_lock(b);
		inode_lock(a);
	}
}

static void unlock_two_dirs(struct inode *a, struct inode *b)
{
	inode_unlock(a);
	if (a != b)
		inode_unlock(b);
}

/* Type checks between the source and an existing target (Linux's order). */
static int rename_check(struct inode *src, struct inode *dst)
{
	if (!dst)
		return 0;
	if (S_ISDIR(src->i_mode) && !S_ISDIR(dst->i_mode))
		return -ENOTDIR;
	if (!S_ISDIR(src->i_mode) && S_ISDIR(dst->i_mode))
		return -EISDIR;
	return 0;
}

/* Linux's vfs_rename checks: removing the old name, adding (or replacing)
 * the new one, and for a directory changing parent, writing its "..". */
static int rename_may(struct parent *op, struct parent *np, struct inode *src, struct inode *dst)
{
	int err = may_delete(op->dir, src);

	if (!err)
		err = dst ? may_delete(np->dir, dst) : may_create(np->dir);
	if (!err && S_ISDIR(src->i_mode) && op->dir != np->dir)
		err = inode_permission(src, MAY_WRITE);
	return err;
}

/* Context: rename_mutex and both directories' inode locks held. @checked is
 * the source as found (and checked for moving into its own subtree)
 * before the directories were locked. */
static int do_rename(struct parent *op, struct parent *np, struct inode *checked)
{
	struct inode *src, *dst;
	int err;

	src = lookup_locked(op);
	if (IS_ERR(src))
		return (int)PTR_ERR(src);
	if (src != checked) {                   /* replaced meanwhile by unlink + create */
		iput(src);
		return -EBUSY;
	}
	dst = lookup_locked(np);
	if (IS_ERR(dst)) {
		if (PTR_ERR(dst) != -ENOENT || dir_is_dead(np->dir)) {
			iput(src);
			return (int)PTR_ERR(dst);
		}
		dst = NULL;
	}
	err = dst == src ? 1 : rename_may(op, np, src, dst);   /* 1: two names of one inode */
	if (!err)
		err = rename_check(src, dst);
	if (!err && dst && (dst == op->dir || dst == np->dir))
		err = -ENOTEMPTY;               /* the target is an ancestor of the source */
	if (!err && (is_mountpoint(src) || (dst && is_mountpoint(dst))))
		err = -EBUSY;
	if (!err && op->dir->i_sb->s_readonly)
		err = -EROFS;
	if (!err && !op->dir->i_op->rename)
		err = -EPERM;
	if (!err) {
		/* The target's link count drops: lock it, as unlink does. */
		if (dst)
			inode_lock(dst);
		err = op->dir->i_op->rename(op->dir, op->name, op->len, np->dir, np->name, np->len);
		if (dst)
			inode_unlock(dst);
	}
	iput(dst);
	iput(src);
	return err > 0 ? 0 : err;
}

/*
 * Is the target an existing directory with the source inside it, however
 * deep (rename("d/e/f", "d"))? Linux says ENOTEMPTY for it before it looks
 * at the types (its lock_rename "trap"). Such a directory cannot go away
 * meanwhile: it is not empty. Context: rename_mutex held, no inode lock.
 */
static bool target_is_ancestor(struct parent *op, struct parent *np)
{
	struct inode *dst = lookup_one(np->dir, np->name, np->len);
	bool ret;

	if (IS_ERR(dst))
		return false;
	ret = S_ISDIR(dst->i_mode) && is_subdir(op->dir, dst);
	iput(dst);
	return ret;
}

int vfs_rename_at(struct inode *olddir, const char *oldpath, struct inode *newdir,
		  const char *newpath)
{
	struct parent op, np;
	struct inode *src;
	int err = lookup_parent_nolen(olddir, oldpath, &op);

	if (err)
		return err;
	err = lookup_parent_nolen(newdir, newpath, &np);
	if (err)
		goto out_put_old;
	if (!op.len || !np.len || is_dot(op.name, op.len) || is_dotdot(op.name, op.len) ||
	    is_dot(np.name, np.len) || is_dotdot(np.name, np.len)) {
		err = -EBUSY;
		goto out_put_new;
	}
	if (op.dir->i_sb != np.dir->i_sb) {
		err = -EXDEV;
		goto out_put_new;
	}
	mutex_lock(&rename_mutex);
	/* The subtree check walks ".." with shared locks, so it runs before
	 * the directories are locked; rename_mutex keeps every directory
	 * where it is meanwhile. Names too long fail here, where Linux
	 * looks them up: the source's, then the target's. */
	src = op.too_long ? ERR_PTR(dir_is_dead(op.dir) ? -ENOENT : -ENAMETOOLONG)
			  : lookup_one(op.dir, op.name, op.len);
	if (IS_ERR(src)) {
		err = (int)PTR_ERR(src);
	} else if (np.too_long) {
		err = dir_is_dead(np.dir) ? -ENOENT : -ENAMETOOLONG;
	} else if (!S_ISDIR(src->i_mode) && (op.trailing_slash || np.trailing_slash)) {
		err = -ENOTDIR;                 /* rename("file/", ...) */
	} else if (S_ISDIR(src->i_mode) && is_subdir(np.dir, src)) {
		err = -EINVAL;                  /* into its own subtree */
	} else if (target_is_ancestor(&op, &np)) {
		err = -ENOTEMPTY;               /* over a directory holding the source */
	} else {
		lock_two_dirs(op.dir, np.dir);
		err = do_rename(&op, &np, src);
		unlock_two_dirs(op.dir, np.dir);
	}
	if (!IS_ERR(src))
		iput(src);
	mutex_unlock(&rename_mutex);
out_put_new:
	iput(np.dir);
out_put_old:
	iput(op.dir);
	return err;
}

int vfs_rename(const char *oldpath, const char *newpath)
{
	return vfs_rename_at(NULL, oldpath, NULL, newpath);
}
