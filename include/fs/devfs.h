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
 */
#ifndef _FS_DEVFS_H
#define _FS_DEVFS_H

#include <fs/fs.h>

/* Returns 0, -EEXIST (the name is taken) or -ENOMEM. */
int devfs_register(const char *name, umode_t perm, const struct file_operations *fops,
		   void *private);

#endif
