/*
 * Names from user space: the path strings and directory fds the system
 * calls take, the calls on names built on fs/namei.c (mkdir, mkdirat,
 * rmdir, unlink, unlinkat, link, linkat, rename, renameat, renameat2,
 * symlink, symlinkat, readlink, readlinkat, mknod, mknodat), and getcwd.
 *
 * getname() copies a path in (-EFAULT, -ENAMETOOLONG with no NUL within
 * PATH_MAX, -ENOENT for ""); at_dir() turns an *at call's dfd into the
 * directory a relative path starts from (NULL: the cwd). The errors come
 * in Linux's order: link and rename resolve their old name (link: all of
 * it; rename: its parent) before they even copy the new one.
 *
 * getcwd has no dentry cache to read the path from: it walks from the
 * cwd up through ".." to the root, finding each directory's name in its
 * parent by inode number (one directory scan per level); the root of a
 * mounted filesystem is named by the directory it covers.
 *
 * Locks: none of its own. The operations take fs/namei.c's (directory
 * inode locks, rename_mutex); getcwd reads the cwd under fs->lock and
 * scans each parent under its inode lock (vfs_readdir).
 */
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

/* ---- path names from user space -------------------------------------------------- */

char *getname_flags(const char __user *upath, bool empty_ok)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!name)
		return ERR_PTR(-ENOMEM);
	len = strncpy_from_user(name, upath, PATH_MAX);
	if (len == 0 && !empty_ok)
		len = -ENOENT;
	if (len < 0) {
		kfree(name);
		return ERR_PTR(len);
	}
	return name;
}

void putname(char *name)
{
	if (!IS_ERR_OR_NULL(name))
		kfree(name);
}

struct inode *user_namei(const char __user *upath)
{
	char *path = getname(upath);
	struct inode *inode;

	if (IS_ERR(path))
		return (struct inode *)path;
	inode = namei_at(NULL, path);
	putname(path);
	return inode;
}

struct inode *at_dir(int dfd, const char *path)
{
	struct file *f;
	struct inode *dir;

	if (path[0] == '/' || dfd == AT_FDCWD)
		return NULL;
	f = fget_raw((unsigned int)dfd);
	if (!f)
		return ERR_PTR(-EBADF);
	dir = igrab(f->f_inode);
	fput(f);
	if (!S_ISDIR(dir->i_mode)) {
		iput(dir);
		return ERR_PTR(-ENOTDIR);
	}
	return dir;
}

/* ---- system calls on names --------------------------------------------------------- */

/*
 * Run @fn on a user path relative to @dfd: the common frame of mkdirat,
 * unlinkat, rmdir. Returns fn's result or the lookup's error.
 */
static long at_call1(int dfd, const char __user *upath,
		     int (*fn)(struct inode *dir, const char *path, umode_t mode), umode_t mode)
{
	char *path = getname(upath);
	struct inode *dir;
	long err;

	if (IS_ERR(path))
		return PTR_ERR(path);
	dir = at_dir(dfd, path);
	err = IS_ERR(dir) ? PTR_ERR(dir) : fn(dir, path, mode);
	if (!IS_ERR(dir))
		iput(dir);
	putname(path);
	return err;
}

static int mkdir_fn(struct inode *dir, const char *path, umode_t mode)
{
	return vfs_mkdir_at(dir, path, mode & 01777 & ~current_umask());
}

static int unlink_fn(struct inode *dir, const char *path, umode_t mode)
{
	return vfs_unlink_at(dir, path);
}

static int rmdir_fn(struct inode *dir, const char *path, umode_t mode)
{
	return vfs_rmdir_at(dir, path);
}

SYSCALL_DEFINE3(mkdirat, int, dfd, const char __user *, path, umode_t, mode)
{
	return at_call1(dfd, path, mkdir_fn, mode);
}

SYSCALL_DEFINE2(mkdir, const char __user *, path, umode_t, mode)
{
	return at_call1(AT_FDCWD, path, mkdir_fn, mode);
}

SYSCALL_DEFINE1(rmdir, const char __user *, path)
{
	return at_call1(AT_FDCWD, path, rmdir_fn, 0);
}

SYSCALL_DEFINE1(unlink, const char __user *, path)
{
	return at_call1(AT_FDCWD, path, unlink_fn, 0);
}

SYSCALL_DEFINE3(unlinkat, int, dfd, const char __user *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return at_call1(dfd, path, (flags & AT_REMOVEDIR) ? rmdir_fn : unlink_fn, 0);
}

/*
 * Two user paths, each relative to its own directory fd: link and rename.
 * Linux resolves the old name (link: all of it; rename: its parent)
 * before it even copies the new one, so an error there comes before a bad
 * new pointer or directory fd: @old_check repeats that resolution when
 * the new name fails.
 */
static long at_call2(int odfd, const char __user *uold, int ndfd, const char __user *unew,
		     int (*fn)(struct inode *, const char *, struct inode *, const char *),
		     int (*old_check)(struct inode *, const char *))
{
	char *oldp = getname(uold), *newp = NULL;
	struct inode *odir, *ndir = NULL;
	long err;

	if (IS_ERR(oldp))
		return PTR_ERR(oldp);
	odir = at_dir(odfd, oldp);
	if (IS_ERR(odir)) {
		err = PTR_ERR(odir);
		goto out_put_old;
	}
	newp = getname(unew);
	ndir = IS_ERR(newp) ? NULL : at_dir(ndfd, newp);
	if (IS_ERR(newp) || IS_ERR(ndir)) {
		err = old_check(odir, oldp);
		if (!err)
			err = IS_ERR(newp) ? PTR_ERR(newp) : PTR_ERR(ndir);
	} else {
		err = fn(odir, oldp, ndir, newp);
	}
	if (!IS_ERR_OR_NULL(ndir))
		iput(ndir);
	if (odir)
		iput(odir);
	putname(newp);
out_put_old:
	putname(oldp);
	return err;
}

/* What link resolves first: the whole old name, its last component
 * followed only with AT_SYMLINK_FOLLOW. (Rename resolves only its old
 * name's parent first: vfs_parent_check.) */
static int link_old_check_flags(struct inode *odir, const char *oldp, unsigned int lookup_flags)
{
	struct inode *old = namei_at_flags(odir, oldp, lookup_flags);

	if (IS_ERR(old))
		return (int)PTR_ERR(old);
	iput(old);
	return 0;
}

static int link_old_check(struct inode *odir, const char *oldp)
{
	return link_old_check_flags(odir, oldp, 0);
}

static int link_old_check_follow(struct inode *odir, const char *oldp)
{
	return link_old_check_flags(odir, oldp, LOOKUP_FOLLOW);
}

static int link_follow(struct inode *odir, const char *oldp, struct inode *ndir, const char *newp)
{
	return vfs_link_at_flags(odir, oldp, ndir, newp, LOOKUP_FOLLOW);
}


SYSCALL_DEFINE2(link, const char __user *, oldpath, const char __user *, newpath)
{
	return at_call2(AT_FDCWD, oldpath, AT_FDCWD, newpath, vfs_link_at, link_old_check);
}

/* AT_SYMLINK_FOLLOW links to what a symbolic link names rather than to
 * the link; AT_EMPTY_PATH is accepted, and "" then gives -ENOENT as for a
 * caller without CAP_DAC_READ_SEARCH on Linux. */
SYSCALL_DEFINE5(linkat, int, odfd, const char __user *, oldpath, int, ndfd,
		const char __user *, newpath, int, flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (flags & AT_SYMLINK_FOLLOW)
		return at_call2(odfd, oldpath, ndfd, newpath, link_follow, link_old_check_follow);
	return at_call2(odfd, oldpath, ndfd, newpath, vfs_link_at, link_old_check);
}

SYSCALL_DEFINE2(rename, const char __user *, oldpath, const char __user *, newpath)
{
	return at_call2(AT_FDCWD, oldpath, AT_FDCWD, newpath, vfs_rename_at, vfs_parent_check);
}

SYSCALL_DEFINE4(renameat, int, odfd, const char __user *, oldpath, int, ndfd,
		const char __user *, newpath)
{
	return at_call2(odfd, oldpath, ndfd, newpath, vfs_rename_at, vfs_parent_check);
}

/* RENAME_NOREPLACE, RENAME_EXCHANGE and RENAME_WHITEOUT are not supported. */
SYSCALL_DEFINE5(renameat2, int, odfd, const char __user *, oldpath, int, ndfd,
		const char __user *, newpath, unsigned int, flags)
{
	if (flags)
		return -EINVAL;
	return at_call2(odfd, oldpath, ndfd, newpath, vfs_rename_at, vfs_parent_check);
}

/* ---- symbolic links ------------------------------------------------------------- */

/* symlink(2): the target is copied first (Linux's order: "" is ENOENT,
 * a bad pointer EFAULT), then the new name is made. */
static long do_symlinkat(const char __user *utarget, int dfd, const char __user *upath)
{
	char *target = getname(utarget), *path;
	struct inode *dir;
	long err;

	if (IS_ERR(target))
		return PTR_ERR(target);
	path = getname(upath);
	if (IS_ERR(path)) {
		putname(target);
		return PTR_ERR(path);
	}
	dir = at_dir(dfd, path);
	err = IS_ERR(dir) ? PTR_ERR(dir) : vfs_symlink_at(dir, path, target);
	if (!IS_ERR_OR_NULL(dir))
		iput(dir);
	putname(path);
	putname(target);
	return err;
}

SYSCALL_DEFINE2(symlink, const char __user *, target, const char __user *, path)
{
	return do_symlinkat(target, AT_FDCWD, path);
}

SYSCALL_DEFINE3(symlinkat, const char __user *, target, int, dfd, const char __user *, path)
{
	return do_symlinkat(target, dfd, path);
}

/*
 * readlink(2): the target of the link @upath names (not followed), cut to
 * @bufsiz bytes, with no NUL. EINVAL for bufsiz <= 0 (before the path is
 * looked at) and for a file that is not a link. An empty path is allowed,
 * as in Linux, and names the dfd itself: a link opened with
 * O_PATH|O_NOFOLLOW is read, anything else is ENOENT.
 */
static long do_readlinkat(int dfd, const char __user *upath, char __user *ubuf, int bufsiz)
{
	char *path, *buf;
	struct inode *dir, *inode;
	long len;

	if (bufsiz <= 0)
		return -EINVAL;
	path = getname_flags(upath, true);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!path[0]) {
		struct file *f = dfd == AT_FDCWD ? NULL : fget_raw((unsigned int)dfd);

		putname(path);
		if (dfd != AT_FDCWD && !f)
			return -EBADF;
		/* The cwd is never a link; an O_PATH|O_NOFOLLOW file may be. */
		inode = f ? igrab(f->f_inode) : NULL;
		fput(f);
		if (!inode)
			return -ENOENT;
		if (!S_ISLNK(inode->i_mode) || !inode->i_op->get_link) {
			iput(inode);
			return -ENOENT;
		}
	} else {
		dir = at_dir(dfd, path);
		inode = IS_ERR(dir) ? dir : namei_at_flags(dir, path, 0);
		if (!IS_ERR_OR_NULL(dir))
			iput(dir);
		putname(path);
		if (IS_ERR(inode))
			return PTR_ERR(inode);
		if (!S_ISLNK(inode->i_mode) || !inode->i_op->get_link) {
			iput(inode);
			return -EINVAL;
		}
	}
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	len = buf ? inode->i_op->get_link(inode, buf, PATH_MAX) : -ENOMEM;
	iput(inode);
	if (len > bufsiz)
		len = bufsiz;
	if (len > 0 && copy_to_user(ubuf, buf, (unsigned long)len))
		len = -EFAULT;
	kfree(buf);
	return len;
}

SYSCALL_DEFINE3(readlink, const char __user *, path, char __user *, buf, int, bufsiz)
{
	return do_readlinkat(AT_FDCWD, path, buf, bufsiz);
}

SYSCALL_DEFINE4(readlinkat, int, dfd, const char __user *, path, char __user *, buf, int, bufsiz)
{
	return do_readlinkat(dfd, path, buf, bufsiz);
}

/* ---- mknod ------------------------------------------------------------------------- */

/*
 * mknod(2): a FIFO, a socket, a character or block device node (root
 * only: EPERM), or a regular file (type 0 or S_IFREG). A directory type
 * is EPERM, any other EINVAL, before the path is looked at. @dev is the
 * 32-bit encoding of user space's makedev(), which is the kernel's for
 * such numbers. The permission bits are cut by the umask.
 */
static long do_mknodat(int dfd, const char __user *upath, umode_t mode, unsigned int dev)
{
	char *path;
	struct inode *dir;
	umode_t type = mode & S_IFMT;
	long err;

	path = getname(upath);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (type == S_IFDIR)
		err = -EPERM;
	else if (type && type != S_IFREG && type != S_IFCHR && type != S_IFBLK &&
		 type != S_IFIFO && type != S_IFSOCK)
		err = -EINVAL;
	else
		err = 0;
	if (err) {
		putname(path);
		return err;
	}
	mode = (type ? type : S_IFREG) | (mode & 07777 & ~current_umask());
	dir = at_dir(dfd, path);
	err = IS_ERR(dir) ? PTR_ERR(dir) :
	      vfs_mknod_at(dir, path, mode, (S_ISCHR(mode) || S_ISBLK(mode)) ? dev : 0);
	if (!IS_ERR_OR_NULL(dir))
		iput(dir);
	putname(path);
	return err;
}

SYSCALL_DEFINE3(mknod, const char __user *, path, umode_t, mode, unsigned int, dev)
{
	return do_mknodat(AT_FDCWD, path, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dfd, const char __user *, path, umode_t, mode, unsigned int, dev)
{
	return do_mknodat(dfd, path, mode, dev);
}

/* ---- getcwd: from a directory up to the root ------------------------------------ */

struct find_ino {
	struct dir_context ctx;
	u64 ino;                                /* looking for this */
	char *name;                             /* NAME_MAX + 1 bytes: found here */
	bool found;
};

static bool find_ino_actor(struct dir_context *ctx, const char *name, size_t len, loff_t pos,
			   u64 ino, unsigned int d_type)
{
	struct find_ino *fi = container_of(ctx, struct find_ino, ctx);

	/* "." and ".." share the inode number of other directories. */
	if (ino != fi->ino || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) ||
	    len > NAME_MAX)
		return true;
	memcpy(fi->name, name, len);
	fi->name[len] = '\0';
	fi->found = true;
	return false;
}

/* The name of inode @ino in directory @dir, into @name (NAME_MAX + 1). */
static int name_in_parent(struct inode *dir, u64 ino, char *name)
{
	struct find_ino fi = { .ctx.actor = find_ino_actor, .ino = ino, .name = name };
	struct file *f = open_inode(dir, O_RDONLY | O_DIRECTORY);
	int err;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	err = vfs_readdir(f, &fi.ctx);
	fput(f);
	if (!err && !fi.found)
		err = -ENOENT;                  /* moved away meanwhile */
	return err;
}

/* Put "/" + @name in front of the path ending at *@posp in @buf. */
static int prepend_name(char *buf, char **posp, const char *name)
{
	size_t len = strlen(name);

	if ((size_t)(*posp - buf) < len + 1)
		return -ENAMETOOLONG;
	*posp -= len;
	memcpy(*posp, name, len);
	*--*posp = '/';
	return 0;
}

/* Build @dir's path at the end of @buf (PATH_MAX); *@posp is its start.
 * The root of a mounted filesystem is named by the directory it covers. */
static int build_path(struct inode *dir, char *buf, char **posp, char *name)
{
	struct inode *root = root_sb()->s_root, *cur = igrab(dir);
	int err = 0;

	*posp = buf + PATH_MAX - 1;
	**posp = '\0';
	while (!err && cur != root) {
		struct inode *covered = mount_covered(cur), *up;

		if (covered) {
			iput(cur);
			cur = covered;
			continue;
		}
		if (cur == cur->i_sb->s_root)
			break;                  /* a filesystem mounted nowhere (namei_from) */
		up = dir_parent(cur);
		if (IS_ERR(up)) {
			err = (int)PTR_ERR(up);
			break;
		}
		err = name_in_parent(up, cur->i_ino, name);
		if (!err)
			err = prepend_name(buf, posp, name);
		iput(cur);
		cur = up;
	}
	iput(cur);
	if (!err && !**posp)
		*--*posp = '/';                 /* the root itself */
	return err;
}

int vfs_getcwd(struct inode *dir, char *out, size_t size)
{
	char *buf, *pos, *name;
	size_t len;
	int err;

	if (!root_sb())
		return -ENOENT;
	if (!dir)
		dir = root_sb()->s_root;
	if (!dir->i_nlink)
		return -ENOENT;                 /* the cwd was removed */
	buf = kmalloc(PATH_MAX + NAME_MAX + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	name = buf + PATH_MAX;
	err = build_path(dir, buf, &pos, name);
	len = (size_t)(buf + PATH_MAX - pos);   /* with the NUL */
	if (!err && len > size)
		err = -ERANGE;
	if (!err)
		memcpy(out, pos, len);
	kfree(buf);
	return err ? err : (int)len;
}

SYSCALL_DEFINE2(getcwd, char __user *, ubuf, unsigned long, size)
{
	struct fs_struct *fs = current->fs;
	struct inode *pwd = NULL;
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	if (!buf)
		return -ENOMEM;
	if (fs) {
		spin_lock(&fs->lock);
		pwd = fs->pwd ? igrab(fs->pwd) : NULL;
		spin_unlock(&fs->lock);
	}
	len = vfs_getcwd(pwd, buf, min(size, (unsigned long)PATH_MAX));
	iput(pwd);
	if (len > 0 && copy_to_user(ubuf, buf, (unsigned long)len))
		len = -EFAULT;
	kfree(buf);
	return len;
}
