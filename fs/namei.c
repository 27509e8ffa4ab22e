/*
 * Path lookup and the operations on names: open with O_CREAT, mkdir,
 * rmdir, unlink, link, rename, stat.
 *
 * There is no dentry cache: each component is looked up with the
 * directory's ->lookup under its inode lock held shared, and the inode
 * cache keeps the result cheap to find again. ".." comes from the
 * filesystem (ext2 stores it; the root's ".." is the root).
 *
 * Locks: a directory's inode lock (i_rwsem) is held shared while it is
 * searched, and exclusively while an entry is added or removed; the inode
 * of a name being removed is locked after its directory. rename takes
 * rename_mutex first (so two renames cannot each see the other's
 * directories as safe to move), then the directories in address order.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <mm/slab.h>

static DEFINE_MUTEX(rename_mutex);

/* The next component of *@pathp: returns its length (0 at the end) and
 * sets *@name; advances *@pathp past it and any slashes. */
static size_t next_component(const char **pathp, const char **name)
{
	const char *p = *pathp;
	size_t len = 0;

	while (*p == '/')
		p++;
	*name = p;
	while (p[len] && p[len] != '/')
		len++;
	*pathp = p + len;
	return len;
}

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

/* Look @name up in @dir (referenced); returns a referenced inode. */
static struct inode *lookup_one(struct inode *dir, const char *name, size_t len)
{
	struct inode *inode;

	if (!S_ISDIR(dir->i_mode))
		return ERR_PTR(-ENOTDIR);
	if (len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (is_dot(name, len))
		return igrab(dir);
	inode_lock_shared(dir);
	inode = dir->i_op->lookup(dir, name, len);
	inode_unlock_shared(dir);
	return inode;
}

static struct inode *start_inode(struct inode *root)
{
	if (!root) {
		if (!root_sb())
			return ERR_PTR(-ENOENT);
		root = root_sb()->s_root;
	}
	return igrab(root);
}

/* Walk @path from @root; the result is referenced. A trailing slash
 * requires a directory. */
static struct inode *walk(struct inode *root, const char *path)
{
	struct inode *cur;
	const char *name;
	size_t len;

	if (!*path)
		return ERR_PTR(-ENOENT);
	if (strnlen(path, PATH_MAX) == PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	cur = start_inode(root);
	while (!IS_ERR(cur) && (len = next_component(&path, &name)) > 0) {
		struct inode *next = lookup_one(cur, name, len);

		iput(cur);
		cur = next;
	}
	if (!IS_ERR(cur) && path[-1] == '/' && !S_ISDIR(cur->i_mode)) {
		iput(cur);
		cur = ERR_PTR(-ENOTDIR);
	}
	return cur;
}

struct inode *namei_from(struct inode *root, const char *path)
{
	return walk(root, path);
}

struct inode *namei(const char *path)
{
	return walk(NULL, path);
}

/* The parent directory of @path's last component, and that component. */
struct parent {
	struct inode *dir;                      /* referenced */
	const char *name;
	size_t len;
};

static int lookup_parent(const char *path, struct parent *p)
{
	const char *end, *last;
	char *dirpath;
	size_t dirlen;

	if (!*path)
		return -ENOENT;
	if (strnlen(path, PATH_MAX) == PATH_MAX)
		return -ENAMETOOLONG;
	end = path + strlen(path);
	while (end > path + 1 && end[-1] == '/')
		end--;                          /* "a/b/" names b */
	last = end;
	while (last > path && last[-1] != '/')
		last--;
	p->name = last;
	p->len = (size_t)(end - last);
	if (p->len > NAME_MAX)
		return -ENAMETOOLONG;
	dirlen = (size_t)(last - path);
	if (!dirlen) {
		p->dir = start_inode(NULL);
		return IS_ERR(p->dir) ? (int)PTR_ERR(p->dir) : 0;
	}
	dirpath = kmalloc(dirlen + 1, GFP_KERNEL);
	if (!dirpath)
		return -ENOMEM;
	memcpy(dirpath, path, dirlen);
	dirpath[dirlen] = '\0';
	p->dir = walk(NULL, dirpath);
	kfree(dirpath);
	if (IS_ERR(p->dir))
		return (int)PTR_ERR(p->dir);
	if (!S_ISDIR(p->dir->i_mode)) {
		iput(p->dir);
		return -ENOTDIR;
	}
	return 0;
}

/* Look up the last component with the directory already locked. */
static struct inode *lookup_locked(struct parent *p)
{
	if (is_dot(p->name, p->len))
		return igrab(p->dir);
	return p->dir->i_op->lookup(p->dir, p->name, p->len);
}

/* ---- open -------------------------------------------------------------------- */

static struct inode *open_create(const char *path, unsigned int flags, umode_t mode)
{
	struct parent p;
	struct inode *inode;
	int err = lookup_parent(path, &p);

	if (err)
		return ERR_PTR(err);
	if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
		iput(p.dir);
		return ERR_PTR(-EISDIR);        /* "/", "x/." and "x/.." are directories */
	}
	inode_lock(p.dir);
	inode = lookup_locked(&p);
	if (!IS_ERR(inode) && (flags & O_EXCL)) {
		iput(inode);
		inode = ERR_PTR(-EEXIST);
	} else if (IS_ERR(inode) && PTR_ERR(inode) == -ENOENT) {
		if (p.dir->i_sb->s_readonly)
			inode = ERR_PTR(-EROFS);
		else
			inode = p.dir->i_op->create(p.dir, p.name, p.len, S_IFREG | (mode & 07777));
	}
	inode_unlock(p.dir);
	iput(p.dir);
	return inode;
}

struct file *filp_open(const char *path, unsigned int flags, umode_t mode)
{
	struct inode *inode = (flags & O_CREAT) ? open_create(path, flags, mode) : namei(path);
	unsigned int acc = flags & O_ACCMODE;
	struct file *f;
	int err = 0;

	if (IS_ERR(inode))
		return ERR_PTR(PTR_ERR(inode));
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		err = -ENOTDIR;
	else if (S_ISDIR(inode->i_mode) && (acc != O_RDONLY || (flags & O_CREAT)))
		err = -EISDIR;
	else if (acc != O_RDONLY && inode->i_sb->s_readonly)
		err = -EROFS;
	else if ((flags & O_TRUNC) && acc != O_RDONLY && S_ISREG(inode->i_mode))
		err = vfs_truncate(inode, 0);
	f = err ? ERR_PTR(err) : open_inode(inode, flags);
	iput(inode);
	return f;
}

/* ---- directory entries ------------------------------------------------------- */

int vfs_mkdir(const char *path, umode_t mode)
{
	struct parent p;
	struct inode *inode;
	int err = lookup_parent(path, &p);

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
	else if (PTR_ERR(inode) != -ENOENT)
		err = (int)PTR_ERR(inode);
	else if (p.dir->i_sb->s_readonly)
		err = -EROFS;
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

/* Remove a name: @want_dir selects rmdir (directories only) or unlink. */
static int remove_name(const char *path, bool want_dir)
{
	struct parent p;
	struct inode *victim;
	int err = lookup_parent(path, &p);

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
	if (want_dir && !S_ISDIR(victim->i_mode))
		err = -ENOTDIR;
	else if (!want_dir && S_ISDIR(victim->i_mode))
		err = -EISDIR;
	else if (p.dir->i_sb->s_readonly)
		err = -EROFS;
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

int vfs_unlink(const char *path)
{
	return remove_name(path, false);
}

int vfs_rmdir(const char *path)
{
	return remove_name(path, true);
}

int vfs_link(const char *oldpath, const char *newpath)
{
	struct inode *old = namei(oldpath);
	struct parent p;
	struct inode *existing;
	int err;

	if (IS_ERR(old))
		return (int)PTR_ERR(old);
	err = S_ISDIR(old->i_mode) ? -EPERM : lookup_parent(newpath, &p);
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
	} else if (PTR_ERR(existing) != -ENOENT) {
		err = (int)PTR_ERR(existing);
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
		if (PTR_ERR(dst) != -ENOENT) {
			iput(src);
			return (int)PTR_ERR(dst);
		}
		dst = NULL;
	}
	err = rename_check(src, dst);
	if (!err && dst && (dst == op->dir || dst == np->dir))
		err = -ENOTEMPTY;               /* the target is an ancestor of the source */
	if (!err && dst == src)
		err = 1;                        /* two names of one inode: nothing to do */
	if (!err && op->dir->i_sb->s_readonly)
		err = -EROFS;
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

int vfs_rename(const char *oldpath, const char *newpath)
{
	struct parent op, np;
	struct inode *src;
	int err = lookup_parent(oldpath, &op);

	if (err)
		return err;
	err = lookup_parent(newpath, &np);
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
	 * where it is meanwhile. */
	src = lookup_one(op.dir, op.name, op.len);
	if (IS_ERR(src)) {
		err = (int)PTR_ERR(src);
	} else if (S_ISDIR(src->i_mode) && is_subdir(np.dir, src)) {
		err = -EINVAL;                  /* into its own subtree */
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

/* ---- stat -------------------------------------------------------------------- */

int vfs_getattr(struct inode *inode, struct kstat *st)
{
	inode_lock_shared(inode);
	*st = (struct kstat){
		.dev = (u64)(unsigned long)inode->i_sb->s_bdev,
		.ino = inode->i_ino,
		.mode = inode->i_mode,
		.nlink = inode->i_nlink,
		.uid = inode->i_uid,
		.gid = inode->i_gid,
		.rdev = inode->i_rdev,
		.size = inode->i_size,
		.blksize = PAGE_SIZE,
		.blocks = inode->i_blocks,
		.atime = inode->i_atime,
		.mtime = inode->i_mtime,
		.ctime = inode->i_ctime,
	};
	inode_unlock_shared(inode);
	return 0;
}

int vfs_stat(const char *path, struct kstat *st)
{
	struct inode *inode = namei(path);
	int err;

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	err = vfs_getattr(inode, st);
	iput(inode);
	return err;
}
