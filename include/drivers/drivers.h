/*
 * Device drivers: the one entry point the boot code calls.
 *
 * drivers_init() enumerates PCI, prints every function it finds, and
 * probes the drivers of drivers/pci.c's table (virtio-pci, which hands
 * block devices to virtio-blk, which registers vda, vdb, ... with the block
 * layer of include/drivers/blkdev.h).
 *
 * Context: task context with interrupts enabled and sleeping allowed (the
 * probes wait for device interrupts); call it once, before anything looks
 * up a block device.
 */
#ifndef _DRIVERS_DRIVERS_H
#define _DRIVERS_DRIVERS_H

void drivers_init(void);

/* The character devices under /dev (include/fs/devfs.h): each registers
 * itself with devfs. Context: boot, task context. */
void null_dev_init(void);               /* /dev/null, drivers/null.c */

#endif
