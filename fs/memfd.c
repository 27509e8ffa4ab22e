/*
 * memfd_create(2): an anonymous file in memory, an unlinked file of the
 * kernel's own tmpfs (fs/tmpfs.c), named "memfd:NAME" in /proc/PID/fd and
 * /proc/PID/maps as on Linux; and its seals (fcntl F_ADD_SEALS,
 * F_GET_SEALS: fs/tmpfs.c keeps them, fs/fdtable.c dispatches).
 *
 * Locks: none of its own.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/tmpfs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define MFD_CLOEXEC             0x0001U
#define MFD_ALLOW_SEALING       0x0002U
#define MFD_HUGETLB             0x0004U
#define MFD_NOEXEC_SEAL         0x0008U
#define MFD_EXEC                0x0010U
#define MFD_NAME_PREFIX         "memfd:"
#define MFD_NAME_MAX_LEN        (NAME_MAX - (sizeof(MFD_NAME_PREFIX) - 1))    /* 249 */

SYSCALL_DEFINE2(memfd_create, const char __user *, uname, unsigned int, flags)
{
	char *name;
	struct file *f;
	long len, fd;

	/* Linux 6.1 knows these; MFD_HUGETLB needs huge pages (none here). */
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	if (flags & MFD_HUGETLB)
		return -EINVAL;
	name = kmalloc(sizeof(MFD_NAME_PREFIX) + MFD_NAME_MAX_LEN + 1, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	memcpy(name, MFD_NAME_PREFIX, sizeof(MFD_NAME_PREFIX));
	len = strncpy_from_user(name + sizeof(MFD_NAME_PREFIX) - 1, uname,
				MFD_NAME_MAX_LEN + 1);
	if (len < 0) {
		kfree(name);
		return len == -ENAMETOOLONG ? -EINVAL : len;    /* over 249 bytes; -EFAULT */
	}
	name[sizeof(MFD_NAME_PREFIX) - 1 + len] = '\0';
	if (fd_check_free()) {
		kfree(name);
		return -EMFILE;
	}
	f = tmpfs_file_setup(name, 0, O_RDWR | O_LARGEFILE);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* A tmpfs file starts with F_SEAL_SEAL; this one may take seals. */
	if (flags & MFD_ALLOW_SEALING)
		tmpfs_allow_sealing(f);
	fd = fd_install_new(f, (flags & MFD_CLOEXEC) ? O_CLOEXEC : 0);
	if (fd < 0)
		fput(f);
	return fd;
}
