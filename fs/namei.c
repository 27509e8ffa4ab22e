/*
 * Path lookup and the operations on names: open with O_CREAT, mkdir,
 * rmdir, unlink, link, rename, symlink, mknod, stat.
 *
 * There is no dentry cache: each component is looked up with the
 * directory's ->lookup under its inode lock held shared, and the inode
 * cache keeps the result cheap to find again. ".." comes from the
 * filesystem (ext2 stores it; the root's ".." is the root). Mount points
 * (fs/namespace.c) are crossed in both directions: a lookup that returns
 * a directory something is mounted on continues in the mounted root, and
 * ".." from a mounted root is looked up in the directory it covers.
 *
 * A relative path starts at the *at call's directory, or at the task's
 * cwd (current->fs->pwd, read under fs->lock), or at the root for a
 * kernel thread (no fs_struct). The system calls on names (mkdir,
 * unlink, rename and their *at forms), user path strings and getcwd are
 * in fs/namei_at.c.
 *
 * Symbolic links: a walk that meets one with more path to go (or at the
 * end, for the calls that follow) replaces the rest of the path by the
 * link's target followed by that rest, and goes on from the link's
 * directory (or the root, for an absolute target); at most MAXSYMLINKS
 * in one resolution (struct nameidata counts them), then -ELOOP.
 *
 * Permissions (docs/permissions.md): search on every directory walked
 * through (may_lookup), write and search to add or remove a name
 * (may_create, may_delete, with the sticky rule), and open's own check
 * (may_open); inode_permission (fs/attr.c) decides each.
 *
 * Locks: a directory's inode lock (i_rwsem) is held shared while it is
 * searched, and exclusively while an entry is added or removed; the inode
 * of a name being removed is locked after its directory. rename takes
 * rename_mutex first (so two renames cannot each see the other's
 * directories as safe to move), then the directories in address order.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

static DEFINE_MUTEX(rename_mutex);

/* One path resolution: what every walk of it shares. */
struct nameidata {
	struct inode *root;             /* absolute paths start here (NULL: the root fs) */
	int links;                      /* symbolic links followed so far */
	bool want_last;                 /* fill last_dir and last */
	bool created;                   /* open(O_CREAT) made the file */
	struct inode *last_dir;         /* referenced: where the last component was found */
	char *last;                     /* kmalloc'd: that component */
};

static void nd_release(struct nameidata *nd)
{
	iput(nd->last_dir);
	kfree(nd->last);
	nd->last_dir = NULL;
	nd->last = NULL;
}

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

/* Look @name up in @dir (referenced); returns a referenced inode. ".."
 * from the root of a mounted filesystem leaves it through the directory
 * it is mounted on. Mount points on the way down are the caller's. */
/* A directory removed while still open or someone's cwd (Linux's
 * IS_DEADDIR): nothing is found in it and nothing may be created in it
 * (ENOENT). A directory only dies under its lock, so a holder of the
 * lock sees a stable answer. */
static bool dir_is_dead(const struct inode *dir)
{
	return !dir->i_nlink;
}

static struct inode *lookup_one(struct inode *dir, const char *name, size_t len)
{
	struct inode *inode, *covered;

	if (!S_ISDIR(dir->i_mode))
		return ERR_PTR(-ENOTDIR);
	if (is_dot(name, len))
		return igrab(dir);
	if (dir_is_dead(dir))
		return ERR_PTR(-ENOENT);        /* before the name's length, as Linux */
	if (len > NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	if (is_dotdot(name, len) && (covered = mount_covered(dir)) != NULL) {
		inode = lookup_one(covered, name, len);
		iput(covered);
		return inode;
	}
	inode_lock_shared(dir);
	inode = dir->i_op->lookup(dir, name, len);
	inode_unlock_shared(dir);
	return inode;
}

/* ---- permission to search, create and remove (docs/permissions.md) -------- */

/* May current look a name up in @dir? Search (x) permission, checked for
 * every directory a walk passes through, "." and ".." included. */
static int may_lookup(struct inode *dir)
{
	if (!S_ISDIR(dir->i_mode))
		return -ENOTDIR;
	return inode_permission(dir, MAY_EXEC);
}

/* May current add a name to @dir? Write and search permission. */
static int may_create(struct inode *dir)
{
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/*
 * May current remove @victim's name from @dir? Write and search
 * permission on @dir, and in a sticky directory (S_ISVTX, /tmp) only the
 * owner of the file or of the directory, or root: EPERM.
 */
static int may_delete(struct inode *dir, struct inode *victim)
{
	int err = inode_permission(dir, MAY_WRITE | MAY_EXEC);
	u32 fsuid = current_fsuid();

	if (err)
		return err;
	if ((dir->i_mode & S_ISVTX) && fsuid != victim->i_uid && fsuid != dir->i_uid &&
	    !capable_fs())
		return -EPERM;
	return 0;
}

/*
 * open()'s check of an existing file (Linux's may_open): read and/or
 * write permission as the access mode asks, write for O_TRUNC; for
 * execve (__FMODE_EXEC) x permission and a regular file.
 */
static int may_open(struct inode *inode, unsigned int flags)
{
	unsigned int acc = flags & O_ACCMODE;
	int mask = 0;

	if (flags & __FMODE_EXEC) {
		if (!S_ISREG(inode->i_mode) || inode->i_sb->s_noexec)
			return -EACCES;
		return inode_permission(inode, MAY_EXEC);
	}
	if (acc == O_RDONLY || acc == O_RDWR)
		mask |= MAY_READ;
	if (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC))
		mask |= MAY_WRITE;
	return inode_permission(inode, mask);
}

/* current's cwd, referenced; NULL if it has none (a kernel thread) or
 * its cwd is the root. */
static struct inode *get_pwd(void)
{
	struct fs_struct *fs = current->fs;
	struct inode *pwd = NULL;

	if (!fs)
		return NULL;
	spin_lock(&fs->lock);
	if (fs->pwd)
		pwd = igrab(fs->pwd);
	spin_unlock(&fs->lock);
	return pwd;
}

/* Where a walk of @path starts, referenced: @root (NULL: the root
 * filesystem's) for an absolute path; else @dir, else the cwd. */
static struct inode *start_inode(struct inode *root, struct inode *dir, const char *path)
{
	if (path[0] != '/') {
		struct inode *pwd = dir ? igrab(dir) : get_pwd();

		if (pwd)
			return pwd;
	}
	if (!root) {
		if (!root_sb())
			return ERR_PTR(-ENOENT);
		root = root_sb()->s_root;
	}
	return igrab(root);
}

/*
 * Replace what is left of a walk (*@restp, which starts with '/' or is
 * empty) by @link's target followed by that rest: the walk then goes on
 * through the target as if it had been written in the path. *@bufp holds
 * the previous expansion (freed here; *@restp may point into it).
 * Returns 0, -ELOOP after MAXSYMLINKS links in one resolution, -ENOENT
 * for an empty target, -EIO, -ENOMEM. Context: may sleep (->get_link
 * reads the disk); no lock held.
 */
static int nd_follow_link(struct nameidata *nd, struct inode *link, const char **restp,
			  char **bufp)
{
	size_t rest_len = strlen(*restp);
	char *buf;
	int len;

	if (++nd->links > MAXSYMLINKS)
		return -ELOOP;
	if (!link->i_op->get_link)
		return -EIO;
	buf = kmalloc(PATH_MAX + rest_len + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = link->i_op->get_link(link, buf, PATH_MAX);
	if (len <= 0) {
		kfree(buf);
		return len < 0 ? len : -ENOENT;
	}
	memcpy(buf + len, *restp, rest_len + 1);
	kfree(*bufp);
	*bufp = buf;
	*restp = buf;
	return 0;
}

/* Is nothing but slashes left of a path? */
static bool path_is_last(const char *rest)
{
	while (*rest == '/')
		rest++;
	return !*rest;
}

/* Remember the last component of a walk and the directory it was found
 * in (for file_path() when links were followed). */
static void nd_set_last(struct nameidata *nd, struct inode *dir, const char *name, size_t len)
{
	if (!nd->want_last)
		return;
	iput(nd->last_dir);
	kfree(nd->last);
	nd->last_dir = igrab(dir);
	nd->last = kmalloc(len + 1, GFP_KERNEL);
	if (nd->last) {
		memcpy(nd->last, name, len);
		nd->last[len] = '\0';
	}
}

/*
 * Walk @path from @nd->root or @dir (see start_inode); the result is
 * referenced. A symbolic link in the middle of the path is always
 * followed, one at the end only with LOOKUP_FOLLOW or a trailing slash;
 * a relative target goes on from the directory holding the link, an
 * absolute one from the root. A trailing slash requires a directory.
 */
static struct inode *walk_nd(struct nameidata *nd, struct inode *dir, const char *path,
			     unsigned int flags)
{
	struct inode *cur;
	const char *name;
	char *buf = NULL;
	bool must_dir = false;
	size_t len;

	if (!*path)
		return ERR_PTR(-ENOENT);
	if (strnlen(path, PATH_MAX) == PATH_MAX)
		return ERR_PTR(-ENAMETOOLONG);
	cur = start_inode(nd->root, dir, path);
	while (!IS_ERR(cur) && (len = next_component(&path, &name)) > 0) {
		int err = may_lookup(cur);
		struct inode *next = err ? ERR_PTR(err) : lookup_one(cur, name, len);
		bool last = path_is_last(path);

		if (IS_ERR(next)) {
			iput(cur);
			cur = next;
			break;
		}
		next = follow_mount(next);
		must_dir = *path != '\0';
		if (S_ISLNK(next->i_mode) && (!last || must_dir || (flags & LOOKUP_FOLLOW))) {
			err = nd_follow_link(nd, next, &path, &buf);
			iput(next);
			if (err) {
				iput(cur);
				cur = ERR_PTR(err);
			} else if (path[0] == '/') {
				iput(cur);
				cur = start_inode(nd->root, NULL, path);
			}
			continue;
		}
		if (last)
			nd_set_last(nd, cur, name, len);
		iput(cur);
		cur = next;
	}
	kfree(buf);
	if (!IS_ERR(cur) && must_dir && !S_ISDIR(cur->i_mode)) {
		iput(cur);
		cur = ERR_PTR(-ENOTDIR);
	}
	return cur;
}

static struct inode *walk(struct inode *root, struct inode *dir, const char *path,
			  unsigned int flags)
{
	struct nameidata nd = { .root = root };

	return walk_nd(&nd, dir, path, flags);
}

struct inode *namei_from(struct inode *root, const char *path)
{
	return walk(root, root, path, LOOKUP_FOLLOW);
}

struct inode *namei(const char *path)
{
	return walk(NULL, NULL, path, LOOKUP_FOLLOW);
}

struct inode *namei_at(struct inode *dir, const char *path)
{
	return walk(NULL, dir, path, LOOKUP_FOLLOW);
}

struct inode *namei_at_flags(struct inode *dir, const char *path, unsigned int flags)
{
	return walk(NULL, dir, path, flags);
}

struct inode *dir_parent(struct inode *dir)
{
	return lookup_one(dir, "..", 2);
}

/* The parent directory of @path's last component, and that component. */
struct parent {
	struct inode *dir;                      /* referenced */
	const char *name;
	size_t len;
	bool trailing_slash;                    /* "a/b/": b must be a directory */
	bool too_long;                          /* the name is longer than NAME_MAX */
};


/* The last component is looked up in p->dir: it needs search permission
 * there (and a directory). Drops p->dir on failure. */
static int parent_may_lookup(struct parent *p)
{
	int err = may_lookup(p->dir);

	if (err)
		iput(p->dir);
	return err;
}

/*
 * Find @path's parent directory and last component. A last component
 * longer than NAME_MAX is not an error here but p->too_long: Linux finds
 * it only when it looks the name up, after other checks (rename's EBUSY
 * for "." or "/"); lookup_parent() below is for callers with no checks
 * in between.
 */
static int lookup_parent_nd(struct nameidata *nd, struct inode *base, const char *path,
			    struct parent *p)
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
	p->trailing_slash = *end != '\0';
	last = end;
	while (last > path && last[-1] != '/')
		last--;
	p->name = last;
	p->len = (size_t)(end - last);
	p->too_long = p->len > NAME_MAX;
	dirlen = (size_t)(last - path);
	if (!dirlen) {                          /* "name": its parent is the start */
		p->dir = start_inode(NULL, base, path);
		if (IS_ERR(p->dir))
			return (int)PTR_ERR(p->dir);
		return p->len ? parent_may_lookup(p) : 0;
	}
	dirpath = kmalloc(dirlen + 1, GFP_KERNEL);
	if (!dirpath)
		return -ENOMEM;
	memcpy(dirpath, path, dirlen);
	dirpath[dirlen] = '\0';
	p->dir = walk_nd(nd, base, dirpath, LOOKUP_FOLLOW);
	kfree(dirpath);
	if (IS_ERR(p->dir))
		return (int)PTR_ERR(p->dir);
	if (!S_ISDIR(p->dir->i_mode)) {
		iput(p->dir);
		return -ENOTDIR;
	}
	return p->len ? parent_may_lookup(p) : 0;
}

static int lookup_parent_nolen(struct inode *base, const char *path, struct parent *p)
{
	struct nameidata nd = { 0 };

	return lookup_parent_nd(&nd, base, path, p);
}

/* lookup_parent_nd, with a last component too long an error at once. */
static int lookup_parent_len(struct nameidata *nd, struct inode *base, const char *path,
			     struct parent *p)
{
	int err = lookup_parent_nd(nd, base, path, p);

	if (!err && p->too_long) {
		/* A removed directory says ENOENT before the name is looked at. */
		err = dir_is_dead(p->dir) ? -ENOENT : -ENAMETOOLONG;
		iput(p->dir);
	}
	return err;
}

static int lookup_parent(struct inode *base, const char *path, struct parent *p)
{
	struct nameidata nd = { 0 };

	return lookup_parent_len(&nd, base, path, p);
}

int vfs_parent_check(struct inode *base, const char *path)
{
	struct parent p;
	int err = lookup_parent_nolen(base, path, &p);

	if (!err)
		iput(p.dir);
	return err;
}

/* Look up the last component with the directory already locked. */
static struct inode *lookup_locked(struct parent *p)
{
	if (is_dot(p->name, p->len))
		return igrab(p->dir);
	return p->dir->i_op->lookup(p->dir, p->name, p->len);
}

/* ---- open -------------------------------------------------------------------- */

/* Remember the name @f was opened by (see struct file): @path, and for a
 * relative one the directory the walk started from. */
static int file_set_name(struct file *f, struct inode *base, const char *path)
{
	size_t len = strlen(path);

	f->f_name = kmalloc(len + 1, GFP_KERNEL);
	if (!f->f_name)
		return -ENOMEM;
	memcpy(f->f_name, path, len + 1);
	if (path[0] != '/')
		f->f_name_dir = base ? igrab(base) : get_pwd();
	return 0;
}

/* The last step of open(O_CREAT) in directory @p->dir (locked): the
 * existing inode, or a new regular file. */
static struct inode *open_create_locked(struct parent *p, unsigned int flags, umode_t mode,
					bool *created)
{
	struct inode *inode = lookup_locked(p);
	int err;

	if (!IS_ERR(inode) && (flags & O_EXCL)) {
		iput(inode);
		return ERR_PTR(-EEXIST);
	}
	if (!IS_ERR(inode) || PTR_ERR(inode) != -ENOENT)
		return inode;
	if (dir_is_dead(p->dir))
		return ERR_PTR(-ENOENT);
	if (p->dir->i_sb->s_readonly)
		return ERR_PTR(-EROFS);
	err = may_create(p->dir);
	if (err)
		return ERR_PTR(err);
	if (!p->dir->i_op->create)
		return ERR_PTR(-EACCES);        /* devfs, proc: Linux's vfs_create */
	inode = p->dir->i_op->create(p->dir, p->name, p->len, S_IFREG | (mode & 07777));
	if (!IS_ERR(inode))
		*created = true;
	return inode;
}

/*
 * open(O_CREAT): find or create @path's last component. A symbolic link
 * found there is followed, unless O_EXCL (EEXIST) or O_NOFOLLOW (the
 * caller's ELOOP), so a dangling link creates the file it names, as in
 * Linux; its target is resolved from the link's directory.
 */
static struct inode *open_create(struct nameidata *nd, struct inode *base, const char *path,
				 unsigned int flags, umode_t mode)
{
	struct inode *start = base ? igrab(base) : NULL, *inode;
	char *buf = NULL;

	for (;;) {
		struct parent p;
		int err = lookup_parent_len(nd, start, path, &p);

		if (err) {
			inode = ERR_PTR(err);
			break;
		}
		if (!p.len || is_dot(p.name, p.len) || is_dotdot(p.name, p.len)) {
			/* "/", "x/." and "x/..": directories that exist (Linux's
			 * do_open says EEXIST for O_EXCL before EISDIR) */
			inode = ERR_PTR((flags & O_EXCL) ? -EEXIST : -EISDIR);
			iput(p.dir);
			break;
		}
		if (p.trailing_slash) {
			inode = ERR_PTR(-EISDIR);       /* "x/": only a directory could be meant */
			iput(p.dir);
			break;
		}
		inode_lock(p.dir);
		inode = open_create_locked(&p, flags, mode, &nd->created);
		inode_unlock(p.dir);
		if (IS_ERR(inode) || !S_ISLNK(inode->i_mode) || (flags & (O_EXCL | O_NOFOLLOW))) {
			if (!IS_ERR(inode))
				nd_set_last(nd, p.dir, p.name, p.len);
			iput(p.dir);
			break;
		}
		path = "";
		err = nd_follow_link(nd, inode, &path, &buf);
		iput(inode);
		iput(start);
		start = p.dir;                  /* a relative target starts here */
		if (err) {
			inode = ERR_PTR(err);
			break;
		}
	}
	kfree(buf);
	iput(start);
	return inode;
}

struct file *filp_open_at(struct inode *base, const char *path, unsigned int flags, umode_t mode)
{
	struct nameidata nd = { .want_last = true };
	struct inode *inode;
	unsigned int acc = flags & O_ACCMODE;
	struct file *f;
	int err = 0;

	if (flags & O_CREAT)
		inode = open_create(&nd, base, path, flags, mode);
	else
		inode = walk_nd(&nd, base, path, (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW);
	if (IS_ERR(inode)) {
		nd_release(&nd);
		return ERR_PTR(PTR_ERR(inode));
	}
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->i_mode))
		err = -ENOTDIR;                 /* before ELOOP, as Linux's do_open */
	else if (S_ISLNK(inode->i_mode) && (flags & O_NOFOLLOW))
		err = -ELOOP;
	else if (S_ISDIR(inode->i_mode) && (acc != O_RDONLY || (flags & (O_CREAT | O_TRUNC))))
		err = -EISDIR;                  /* O_TRUNC asks for write access, as in Linux */
	else if (!nd.created && (err = may_open(inode, flags)) != 0)
		;                               /* EACCES; EROFS for writing a file or dir */
	else if (acc != O_RDONLY && inode->i_sb->s_readonly && !S_ISCHR(inode->i_mode) &&
		 !S_ISBLK(inode->i_mode) && !S_ISFIFO(inode->i_mode))
		err = -EROFS;
	else if ((flags & O_TRUNC) && S_ISREG(inode->i_mode))
		err = vfs_truncate(inode, 0);   /* Linux truncates even with O_RDONLY */
	f = err ? ERR_PTR(err) : open_inode(inode, flags);
	iput(inode);
	if (!IS_ERR(f)) {
		/* After a link, the path as given no longer names the file
		 * lexically: name it by its directory and last component. */
		if (nd.links && nd.last)
			err = file_set_name(f, nd.last_dir, nd.last);
		else
			err = file_set_name(f, base, path);
		if (err) {
			fput(f);
			f = ERR_PTR(err);
		}
	}
	nd_release(&nd);
	return f;
}

struct file *filp_open(const char *path, unsigned int flags, umode_t mode)
{
	return filp_open_at(NULL, path, flags, mode);
}

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
	} else if ((err = may_create(p.dir)) != 0) {
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

/* ---- stat -------------------------------------------------------------------- */

int vfs_getattr(struct inode *inode, struct kstat *st)
{
	inode_lock_shared(inode);
	*st = (struct kstat){
		.dev = inode->i_sb->s_dev,
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
	struct inode *inode = namei_at(NULL, path);
	int err;

	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	err = vfs_getattr(inode, st);
	iput(inode);
	return err;
}
/* ---- the name of an open file ------------------------------------------------------ */

/* Append the components of @path to the absolute path @out (*@lenp bytes
 * long, 0 for the root), resolving "." and ".." as they come. */
static int append_components(char *out, size_t size, size_t *lenp, const char *path)
{
	const char *name;
	size_t len;

	while ((len = next_component(&path, &name)) > 0) {
		if (is_dot(name, len))
			continue;
		if (is_dotdot(name, len)) {
			while (*lenp > 0 && out[--*lenp] != '/')
				;                       /* drop the last component */
			continue;
		}
		if (*lenp + 1 + len >= size)
			return -ENAMETOOLONG;
		out[(*lenp)++] = '/';
		memcpy(out + *lenp, name, len);
		*lenp += len;
	}
	return 0;
}

/* "/" + its components: lexical resolution is exact here because a file
 * opened through a symbolic link is named by its directory and last
 * component instead of the path given (filp_open_at). */
int file_path(struct file *f, char *out, size_t size)
{
	static const char deleted[] = " (deleted)";
	size_t len = 0;
	int err = 0;

	if (!f->f_name)
		return -ENOENT;
	if (size < 2)
		return -ENAMETOOLONG;
	if (f->f_name[0] != '/') {
		char *dir = kmalloc(PATH_MAX, GFP_KERNEL);

		if (!dir)
			return -ENOMEM;
		err = vfs_getcwd(f->f_name_dir, dir, PATH_MAX);
		if (err > 0)
			err = append_components(out, size, &len, dir);
		kfree(dir);
	}
	if (!err)
		err = append_components(out, size, &len, f->f_name);
	if (!err && !len)
		out[len++] = '/';
	if (!err && !READ_ONCE(f->f_inode->i_nlink)) {
		if (len + sizeof(deleted) > size)
			return -ENAMETOOLONG;
		memcpy(out + len, deleted, sizeof(deleted) - 1);
		len += sizeof(deleted) - 1;
	}
	if (err)
		return err;
	if (len >= size)
		return -ENAMETOOLONG;
	out[len] = '\0';
	return (int)len;
}
