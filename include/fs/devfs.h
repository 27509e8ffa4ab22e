/*
 * devfs: the in-memory filesystem mounted at /dev.
 *
 * A driver makes itself visible to user programs with one call at boot,
 * naming a character device and giving its file_operations. open("/dev/NAME")
 * then gives a struct file whose f_op is @fops and whose private_data is
 * @private (the ->open of @fops, if any, runs after that and may replace it).
 * The device inode has mode S_IFCHR | @perm and no page cache of its own:
 * a driver that supports mmap sets vma->vm_ops in its ->mmap.
 *
 * Context: process context at boot (after the root filesystem is
 * mounted or before: the registry is kept until devfs is mounted).
 * Devices are never unregistered.
 */
#ifndef _FS_DEVFS_H
#define _FS_DEVFS_H

#include <fs/fs.h>

/*
 * The device gets a number of its own for stat's st_rdev: major 10 (Linux's
 * "misc" devices, which also get their minors in registration order) and
 * the next free minor. Returns 0, -EEXIST (the name is taken), -ENOMEM, or
 * -EINVAL for a name that cannot be a directory entry ("", ".", "..", a
 * '/' in it, longer than NAME_MAX).
 */
int devfs_register(const char *name, umode_t perm, const struct file_operations *fops,
		   void *private);

/*
 * The same with a given device number (makedev(major, minor)), for the
 * devices whose numbers every Linux program knows: /dev/null is 1:3,
 * /dev/console 5:1. The number only shows in stat: devfs finds a device
 * by its entry, not by number.
 */
/* An empty directory @name in /dev (mode S_IFDIR | @perm), to mount on:
 * /dev/shm. */
int devfs_register_dir(const char *name, umode_t perm);
int devfs_register_dev(const char *name, umode_t perm, u64 rdev,
		       const struct file_operations *fops, void *private);

/* Boot: register the "devfs" filesystem type (kernel_init mounts it on
 * /dev with mount_nodev_at). */
void devfs_init(void);

#endif
