/*
 * Extended attributes (getxattr, setxattr, listxattr, removexattr and
 * their l- and f- forms). Faultline's filesystems keep none, so the calls
 * answer as Linux does for a filesystem without xattr support: after the
 * path lookup and the checks of the name and flags, getting, setting or
 * removing is -EOPNOTSUPP and a list is empty (0). The permission rules
 * that Linux applies before asking the filesystem are kept (a user.*
 * attribute exists only on regular files and directories: -ENODATA to
 * read, -EPERM to write elsewhere; trusted.* is root's), so a program
 * sees the same answer it would on a Linux filesystem without xattrs.
 * What callers do with -EOPNOTSUPP: ls, cp -a and tar take it as "no
 * ACLs, no attributes" (docs/syscalls.md).
 *
 * Locks: none beyond the path walk's.
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fs.h>
#include <asm/uaccess.h>
#include "internal.h"

#define XATTR_NAME_MAX  255
#define XATTR_SIZE_MAX  65536
#define XATTR_CREATE    0x1
#define XATTR_REPLACE   0x2

/* The name from user space: -ERANGE when empty or longer than
 * XATTR_NAME_MAX, -EFAULT. */
static int get_xattr_name(const char __user *uname, char *name)
{
	long n = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);

	if (n == -ENAMETOOLONG || n == 0)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

static bool has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/* Linux's xattr_permission and name-space check, before the filesystem
 * is asked; then the filesystem's answer: it has no xattrs. */
static long xattr_answer(struct inode *inode, const char *name, bool write)
{
	if (!has_prefix(name, "user.") && !has_prefix(name, "trusted.") &&
	    !has_prefix(name, "security.") && !has_prefix(name, "system."))
		return -EOPNOTSUPP;
	if (has_prefix(name, "user.") && !S_ISREG(inode->i_mode) && !S_ISDIR(inode->i_mode))
		return write ? -EPERM : -ENODATA;
	if (has_prefix(name, "trusted.") && !capable_root())
		return write ? -EPERM : -ENODATA;
	return -EOPNOTSUPP;
}

/* The inode for the path (following or not) or the fd. */
static struct inode *xattr_inode(const char __user *upath, int fd, bool follow)
{
	return upath ? attr_inode(AT_FDCWD, upath, follow, false) : fd_inode((unsigned int)fd);
}

static long do_getxattr(struct inode *inode, const char __user *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = get_xattr_name(uname, name);
	if (!err)
		err = xattr_answer(inode, name, false);
	iput(inode);
	return err;
}

static long do_setxattr(struct inode *inode, const char __user *uname, const void __user *value,
			size_t size, int flags)
{
	char name[XATTR_NAME_MAX + 1];
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = -EINVAL;
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		goto out;
	err = get_xattr_name(uname, name);
	if (err)
		goto out;
	err = -E2BIG;
	if (size > XATTR_SIZE_MAX)
		goto out;
	err = -EFAULT;
	if (size && !access_ok(value, size))
		goto out;
	err = inode->i_sb->s_readonly ? -EROFS : xattr_answer(inode, name, true);
out:
	iput(inode);
	return err;
}

static long do_listxattr(struct inode *inode)
{
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	iput(inode);
	return 0;                               /* no attributes: an empty list */
}

static long do_removexattr(struct inode *inode, const char __user *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long err;

	if (IS_ERR(inode))
		return PTR_ERR(inode);
	err = get_xattr_name(uname, name);
	if (!err)
		err = inode->i_sb->s_readonly ? -EROFS : xattr_answer(inode, name, true);
	iput(inode);
	return err;
}

SYSCALL_DEFINE4(getxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return do_getxattr(xattr_inode(path, -1, true), name);
}

SYSCALL_DEFINE4(lgetxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return do_getxattr(xattr_inode(path, -1, false), name);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char __user *, name, void __user *, value,
		size_t, size)
{
	return do_getxattr(xattr_inode(NULL, fd, false), name);
}

SYSCALL_DEFINE5(setxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return do_setxattr(xattr_inode(path, -1, true), name, value, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return do_setxattr(xattr_inode(path, -1, false), name, value, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char __user *, name, const void __user *, value,
		size_t, size, int, flags)
{
	return do_setxattr(xattr_inode(NULL, fd, false), name, value, size, flags);
}

SYSCALL_DEFINE3(listxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return do_listxattr(xattr_inode(path, -1, true));
}

SYSCALL_DEFINE3(llistxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return do_listxattr(xattr_inode(path, -1, false));
}

SYSCALL_DEFINE3(flistxattr, int, fd, char __user *, list, size_t, size)
{
	return do_listxattr(xattr_inode(NULL, fd, false));
}

SYSCALL_DEFINE2(removexattr, const char __user *, path, const char __user *, name)
{
	return do_removexattr(xattr_inode(path, -1, true), name);
}

SYSCALL_DEFINE2(lremovexattr, const char __user *, path, const char __user *, name)
{
	return do_removexattr(xattr_inode(path, -1, false), name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char __user *, name)
{
	return do_removexattr(xattr_inode(NULL, fd, false), name);
}
