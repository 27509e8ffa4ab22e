/*
 * Orderly power-off: write back everything, unmount the root filesystem
 * (so the disk image is left clean for e2fsck), then power off. When
 * processes still hold files of the root (init calling reboot(2) is one),
 * it cannot be unmounted: it is synced and made read-only instead, which
 * leaves the disk just as clean.
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/power.h>
#include <fs/fs.h>

void kernel_power_off(enum exit_status status)
{
	struct super_block *root = root_sb();
	int err = ksys_sync();

	if (err)
		pr_err("power-off: sync failed with error %d\n", err);
	if (root) {
		/* /dev and /proc hold the directories they cover; in-memory
		 * filesystems have nothing to write. The root's own inode
		 * reference is dropped by vfs_umount. */
		vfs_detach_all();
		err = vfs_umount(root);
		if (err == -EBUSY) {
			pr_info("power-off: files still open: root remounted read-only\n");
			err = vfs_remount_ro(root);
		}
		if (err)
			pr_err("power-off: unmounting the root failed with error %d\n", err);
	}
	blkdev_print_stats();
	machine_exit(status);
}
