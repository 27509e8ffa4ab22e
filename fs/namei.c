/*
 * Path lookup: the walk (symbolic links and mount points included), the
 * parent of a name, the permission checks on the way, open (with
 * O_CREAT), stat, and the name of an open file. The operations on names
 * (mkdir, rmdir, unlink, link, rename, symlink, mknod) are in
 * fs/namei_ops.c, on the helpers fs/internal.h shares.
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
 * searched, and exclusively while an entry is added (open O_CREAT).
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
#include "internal.h"
#include <asm/uaccess.h>

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

bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

bool is_dotdot(const char *name, size_t len)
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
bool dir_is_dead(const struct inode *dir)
{
	return !dir->i_nlink;
}

struct inode *lookup_one(struct inode *dir, const char *name, size_t len)
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
int may_create(struct inode *dir)
{
	return inode_permission(dir, MAY_WRITE | MAY_EXEC);
}

/*
 * May current remove @victim's name from @dir? Write and search
 * permission on @dir, and in a sticky directory (S_ISVTX, /tmp) only the
 * owner of the file or of the directory, or root: EPERM.
 */
int may_delete(struct inode *dir, struct inode *victim)
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

int lookup_parent_nolen(struct inode *base, const char *path, struct parent *p)
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

int lookup_parent(struct inode *base, const char *path, struct parent *p)
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
struct inode *lookup_locked(struct parent *p)
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
	else if (flags & O_PATH)
		;       /* nothing is opened: no permission, a link itself (O_NOFOLLOW) */
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
	if (err)
		f = ERR_PTR(err);
	else
		f = (flags & O_PATH) ? open_inode_path(inode, flags) : open_inode(inode, flags);
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
