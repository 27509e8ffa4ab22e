/*
 * Extended attributes: the twelve calls of getxattr(2) and friends,
 * answered as Linux answers for a filesystem that has no xattr handlers
 * (Faultline's ext2 and pseudo filesystems store none): reading or
 * writing an attribute gives -EOPNOTSUPP, which is what coreutils' ls -l,
 * cp -a and tar expect where attributes are not supported, and listing
 * gives an empty list (0 bytes). docs/syscalls.md, "Files".
 *
 * The checks that come before the answer keep Linux's order: the path
 * walk (or the descriptor) first, then the name (-ERANGE if empty or
 * longer than 255 bytes, -EFAULT), for setxattr the flags (-EINVAL), the
 * size (-E2BIG past 64 KiB) and the value (-EFAULT) before the walk.
 * Locks: none of its own.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

#define XATTR_NAME_MAX  255
#define XATTR_SIZE_MAX  65536
#define XATTR_CREATE    0x1
#define XATTR_REPLACE   0x2

/* Check that @uname is a name Linux would look up. Returns 0 or -errno. */
static int xattr_name_check(const char __user *uname)
{
	char name[XATTR_NAME_MAX + 1];
	long len = strncpy_from_user(name, uname, sizeof(name));

	if (len == 0 || len == -ENAMETOOLONG)
		return -ERANGE;
	return len < 0 ? (int)len : 0;
}

/* Does the path name something? (The attribute itself is never there.)
 * Returns 0 or the walk's error. */
static int xattr_path_check(const char __user *upath, bool follow)
{
	struct inode *dir, *inode;
	char *path = getname(upath);

	if (IS_ERR(path))
		return (int)PTR_ERR(path);
	dir = at_dir(AT_FDCWD, path);
	inode = IS_ERR(dir) ? dir : namei_at_flags(dir, path, follow ? LOOKUP_FOLLOW : 0);
	if (!IS_ERR(dir))
		iput(dir);
	putname(path);
	if (IS_ERR(inode))
		return (int)PTR_ERR(inode);
	iput(inode);
	return 0;
}

static int xattr_fd_check(int fd)
{
	struct file *f = fget((unsigned int)fd);

	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

/* setxattr's arguments, checked before the file is looked for. */
static int setxattr_args_check(const char __user *name, const void __user *value, size_t size,
			       int flags)
{
	char probe;
	int err;

	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	err = xattr_name_check(name);
	if (err)
		return err;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	/* Linux copies the value in here: a bad pointer is -EFAULT. */
	for (size_t off = 0; off < size; off += PAGE_SIZE)
		if (copy_from_user(&probe, (const char __user *)value + off, 1))
			return -EFAULT;
	if (size && copy_from_user(&probe, (const char __user *)value + size - 1, 1))
		return -EFAULT;
	return 0;
}

/* get: the file, then the name, then "not supported". */
static long getxattr_answer(int err, const char __user *name)
{
	if (!err)
		err = xattr_name_check(name);
	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE4(getxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return getxattr_answer(xattr_path_check(path, true), name);
}

SYSCALL_DEFINE4(lgetxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return getxattr_answer(xattr_path_check(path, false), name);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char __user *, name, void __user *, value,
		size_t, size)
{
	return getxattr_answer(xattr_fd_check(fd), name);
}

/* list: no attributes, so an empty list, whatever the buffer. */
SYSCALL_DEFINE3(listxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return xattr_path_check(path, true);
}

SYSCALL_DEFINE3(llistxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return xattr_path_check(path, false);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char __user *, list, size_t, size)
{
	return xattr_fd_check(fd);
}

static long setxattr_answer(const char __user *path, bool follow, int fd,
			    const char __user *name, const void __user *value, size_t size, int flags)
{
	int err = setxattr_args_check(name, value, size, flags);

	if (!err)
		err = path ? xattr_path_check(path, follow) : xattr_fd_check(fd);
	return err ? err : -EOPNOTSUPP;
}

SYSCALL_DEFINE5(setxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return setxattr_answer(path, true, -1, name, value, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return setxattr_answer(path, false, -1, name, value, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char __user *, name, const void __user *, value,
		size_t, size, int, flags)
{
	return setxattr_answer(NULL, false, fd, name, value, size, flags);
}

SYSCALL_DEFINE2(removexattr, const char __user *, path, const char __user *, name)
{
	return getxattr_answer(xattr_path_check(path, true), name);
}

SYSCALL_DEFINE2(lremovexattr, const char __user *, path, const char __user *, name)
{
	return getxattr_answer(xattr_path_check(path, false), name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char __user *, name)
{
	return getxattr_answer(xattr_fd_check(fd), name);
}
