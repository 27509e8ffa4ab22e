/*
 * The block-device core (see include/drivers/blkdev.h): the list of disks,
 * and the synchronous request path most of the kernel uses.
 *
 * What this file owns:
 *  - blkdev_list, every registered struct block_device, under
 *    blkdev_list_lock (a plain spinlock: never taken from an interrupt
 *    handler; a leaf, nothing is taken inside it). Devices are never
 *    unregistered, so a pointer from blkdev_get() stays valid for good and
 *    needs no reference count.
 *
 * The checks a request must pass (inside the device, not read-only for a
 * write, a buffer the device can reach by DMA) are made here, before the
 * driver sees it, so every driver gets only requests it can start.
 *
 * blkdev_submit_wait() is where a task sleeps for I/O: it starts the
 * request through ->submit and sleeps in wait_for_completion() until the
 * driver's interrupt handler calls complete(). See docs/storage.md.
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <asm/page.h>

static LIST_HEAD(blkdev_list);
static DEFINE_SPINLOCK(blkdev_list_lock);

static struct block_device *blkdev_find_locked(const char *name)
{
	struct block_device *bdev;

	ASSERT_HELD(&blkdev_list_lock);
	list_for_each_entry(bdev, &blkdev_list, list)
		if (strcmp(bdev->name, name) == 0)
			return bdev;
	return NULL;
}

int blkdev_register(struct block_device *bdev)
{
	int err = 0;

	if (!bdev->name[0] || !bdev->ops || !bdev->ops->submit)
		return -EINVAL;
	spin_lock(&blkdev_list_lock);
	if (blkdev_find_locked(bdev->name))
		err = -EEXIST;
	else
		list_add_tail(&bdev->list, &blkdev_list);
	spin_unlock(&blkdev_list_lock);
	return err;
}

struct block_device *blkdev_get(const char *name)
{
	struct block_device *bdev;

	spin_lock(&blkdev_list_lock);
	bdev = blkdev_find_locked(name);
	spin_unlock(&blkdev_list_lock);
	return bdev;
}

void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg)
{
	struct block_device *bdev;

	/* @fn runs under the lock, so it must not sleep; devices are only
	 * ever added (at the tail), so the walk sees a consistent list. */
	spin_lock(&blkdev_list_lock);
	list_for_each_entry(bdev, &blkdev_list, list)
		fn(bdev, arg);
	spin_unlock(&blkdev_list_lock);
}

/* A buffer the device can reach at __pa(buf): the direct map or the kernel
 * image. vmalloc and ioremap addresses have no linear physical address. */
static bool blkdev_buf_dma_ok(const void *buf)
{
	unsigned long a = (unsigned long)buf;

	return (a >= PAGE_OFFSET && a < VMALLOC_START) || a >= KERNEL_VMA;
}

/* Is @req one @bdev can start? 0, -EINVAL or -EROFS. */
static int blkdev_check_request(struct block_device *bdev, const struct blk_request *req)
{
	switch (req->op) {
	case BLK_FLUSH:
		return req->nr_sectors == 0 ? 0 : -EINVAL;
	case BLK_WRITE:
		if (bdev->read_only)
			return -EROFS;
		/* fall through */
	case BLK_READ:
		if (req->nr_sectors == 0 || !req->buf || !blkdev_buf_dma_ok(req->buf))
			return -EINVAL;
		/* Written so that a huge sector number cannot wrap around. */
		if (req->sector >= bdev->nr_sectors ||
		    req->nr_sectors > bdev->nr_sectors - req->sector)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int blkdev_submit_wait(struct block_device *bdev, struct blk_request *req)
{
	int err;

	might_sleep();
	err = blkdev_check_request(bdev, req);
	if (err)
		return err;
	/* Without a volatile write cache every completed write is already
	 * durable: there is nothing to flush. */
	if (req->op == BLK_FLUSH && !bdev->has_flush)
		return 0;
	init_completion(&req->done);
	req->end_io = NULL;
	req->error = 0;
	err = bdev->ops->submit(bdev, req);
	if (err)
		return err;
	wait_for_completion(&req->done);
	return req->error;
}

int blkdev_submit(struct block_device *bdev, struct blk_request *req)
{
	int err;

	might_sleep();
	if (!req->end_io)
		return -EINVAL;
	err = blkdev_check_request(bdev, req);
	if (err)
		return err;
	if (req->op == BLK_FLUSH && !bdev->has_flush) {
		req->error = 0;
		req->end_io(req);       /* nothing to do: finished already */
		return 0;
	}
	req->error = 0;
	return bdev->ops->submit(bdev, req);
}

/* Plugging (blkdev.h). For now a plug only marks the task: requests go
 * to the driver at once, so there is never anything to flush. */
void blk_start_plug(struct blk_plug *plug)
{
	INIT_LIST_HEAD(&plug->list);
	plug->count = 0;
	if (!current->plug)
		current->plug = plug;
}

void blk_finish_plug(struct blk_plug *plug)
{
	if (current->plug == plug)
		current->plug = NULL;
}

void blk_flush_plug(void)
{
}

int blkdev_rw(struct block_device *bdev, enum blk_op op, u64 sector, void *buf,
	      unsigned int nr_sectors)
{
	struct blk_request req = { .op = op, .sector = sector, .buf = buf,
				   .nr_sectors = nr_sectors };

	if (op != BLK_READ && op != BLK_WRITE)
		return -EINVAL;
	return blkdev_submit_wait(bdev, &req);
}

int blkdev_flush(struct block_device *bdev)
{
	struct blk_request req = { .op = BLK_FLUSH };

	return blkdev_submit_wait(bdev, &req);
}
