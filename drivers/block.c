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
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <asm/page.h>
#include <asm/processor.h>

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

/* ---- plugging and merging -------------------------------------------------- */

bool blk_plug_sleep_flush = true;       /* (c) after blk_init */
static bool blk_merge_on = true;        /* READ_ONCE: blk_set_merging flips it */

void blk_init(void)
{
	blk_plug_sleep_flush = kernel_param_ulong("blk_plug_sleep_flush", 1) != 0;
	blk_merge_on = kernel_param_ulong("blk_merge", 1) != 0;
	if (!blk_plug_sleep_flush)
		pr_warn("block: blk_plug_sleep_flush=0: a task may sleep on I/O its own plug holds "
			"(a deliberate bug, for the ktest that guards against it)\n");
	if (!blk_merge_on)
		pr_info("block: blk_merge=0: requests are neither held nor merged\n");
}

bool blk_set_merging(bool on)
{
	return __atomic_exchange_n(&blk_merge_on, on, __ATOMIC_RELAXED);
}

/* Does holding @req back buy anything? Only if its device takes chains. */
static bool blk_may_merge(const struct block_device *bdev, const struct blk_request *req)
{
	return req->op != BLK_FLUSH && bdev->max_segments > 1 &&
	       __atomic_load_n(&blk_merge_on, __ATOMIC_RELAXED);
}

/* The order requests are merged in: by device, op, then sector. */
static bool blk_req_before(const struct blk_request *a, const struct blk_request *b)
{
	if (a->bdev != b->bdev)
		return (unsigned long)a->bdev < (unsigned long)b->bdev;
	if (a->op != b->op)
		return a->op < b->op;
	return a->sector < b->sector;
}

/*
 * Sort @list (stable): insertion from the tail, so a run submitted in
 * ascending order (write-back walks a file's pages in index order, and
 * a file's blocks mostly ascend) costs one comparison per request.
 */
static void blk_sort_requests(struct list_head *list)
{
	LIST_HEAD(sorted);
	struct blk_request *req, *next, *pos;

	list_for_each_entry_safe(req, next, list, queuelist) {
		list_del(&req->queuelist);
		list_for_each_entry_reverse(pos, &sorted, queuelist)
			if (!blk_req_before(req, pos))
				break;
		/* After @pos (or first, when the walk reached the head). */
		__list_add(&req->queuelist, &pos->queuelist, pos->queuelist.next);
	}
	if (list_empty(&sorted))
		return;
	/* Move the sorted entries back onto @list (empty now). */
	list->next = sorted.next;
	list->prev = sorted.prev;
	sorted.next->prev = list;
	sorted.prev->next = list;
}

/* @bdev is handed a device request of @segs blk_requests. */
static void blk_account(struct block_device *bdev, unsigned int segs)
{
	__atomic_add_fetch(&bdev->nr_commands, 1, __ATOMIC_RELAXED);
	if (segs > 1)
		__atomic_add_fetch(&bdev->nr_merged, segs - 1, __ATOMIC_RELAXED);
}

/* Every request of @head's chain finishes with @err, as a completion
 * would: interrupts off, so end_io runs as its contract says. */
static void blk_fail_chain(struct blk_request *head, int err)
{
	unsigned long flags = local_irq_save();

	while (head) {
		struct blk_request *next = head->merge_next;   /* end_io may free head */

		head->error = err;
		head->end_io(head);
		head = next;
	}
	local_irq_restore(flags);
}

/* Hand one device request (@head and its chain) to its driver. The
 * submitter was told 0 long ago, so a refusal is reported through end_io. */
static void blk_start_chain(struct blk_request *head, unsigned int segs)
{
	struct block_device *bdev = head->bdev;
	int err;

	blk_account(bdev, segs);
	err = bdev->ops->submit(bdev, head);

	if (err)
		blk_fail_chain(head, err);
}

/*
 * Start every request @list holds: sorted, then cut into device requests,
 * each a run of the same device and op on adjacent sectors within the
 * device's limits. Never sleeps (->submit does not).
 */
static void blk_dispatch_list(struct list_head *list)
{
	struct blk_request *req, *next, *head = NULL, *tail = NULL;
	unsigned int segs = 0, sectors = 0;

	blk_sort_requests(list);
	list_for_each_entry_safe(req, next, list, queuelist) {
		list_del(&req->queuelist);
		req->merge_next = NULL;
		if (head) {
			struct block_device *bdev = head->bdev;
			unsigned int max_sectors = bdev->max_sectors &&
				bdev->max_sectors < BLK_MAX_MERGE_SECTORS ?
				bdev->max_sectors : BLK_MAX_MERGE_SECTORS;

			if (req->bdev == bdev && req->op == head->op &&
			    tail->sector + tail->nr_sectors == req->sector &&
			    segs < bdev->max_segments &&
			    req->nr_sectors <= max_sectors - sectors) {
				tail->merge_next = req;
				tail = req;
				segs++;
				sectors += req->nr_sectors;
				continue;
			}
			blk_start_chain(head, segs);
		}
		head = tail = req;
		segs = 1;
		sectors = req->nr_sectors;
	}
	if (head)
		blk_start_chain(head, segs);
}

void blk_start_plug(struct blk_plug *plug)
{
	INIT_LIST_HEAD(&plug->list);
	plug->count = 0;
	if (!current->plug)
		current->plug = plug;
}

void blk_flush_plug(void)
{
	struct blk_plug *plug = current->plug;
	LIST_HEAD(held);

	if (!plug || !plug->count)
		return;
	/* Off the plug before any is started: nothing below sleeps, but a
	 * completion's end_io never touches the plug either way. */
	held.next = plug->list.next;
	held.prev = plug->list.prev;
	held.next->prev = &held;
	held.prev->next = &held;
	INIT_LIST_HEAD(&plug->list);
	plug->count = 0;
	blk_dispatch_list(&held);
}

void blk_finish_plug(struct blk_plug *plug)
{
	if (current->plug != plug)
		return;                 /* an inner plug: the outer one holds everything */
	blk_flush_plug();
	current->plug = NULL;
}

/* ---- submitting ---------------------------------------------------------- */

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
	/* What the plug holds was submitted first: start it first. */
	blk_flush_plug();
	init_completion(&req->done);
	req->end_io = NULL;
	req->error = 0;
	req->bdev = bdev;
	req->merge_next = NULL;
	blk_account(bdev, 1);
	err = bdev->ops->submit(bdev, req);
	if (err)
		return err;
	wait_for_completion(&req->done);
	return req->error;
}

int blkdev_submit(struct block_device *bdev, struct blk_request *req)
{
	struct blk_plug *plug;
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
	req->bdev = bdev;
	req->merge_next = NULL;
	plug = current->plug;
	if (plug && blk_may_merge(bdev, req)) {
		list_add_tail(&req->queuelist, &plug->list);
		if (++plug->count >= BLK_PLUG_MAX_REQUESTS)
			blk_flush_plug();
		return 0;
	}
	blk_account(bdev, 1);
	return bdev->ops->submit(bdev, req);
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
