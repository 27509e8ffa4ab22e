/*
 * Swap I/O: pages to and from their slots (include/mm/swap.h).
 *
 * Owns: the write-back of swap-cache pages (PG_writeback of a page in the
 * swap cache, set here and cleared by the completion) and the wait queue
 * on which tasks wait for such a write to end.
 *
 * A write does not wait: swap_writepage starts it with blkdev_submit and
 * returns; end_swap_write runs in interrupt context when the disk is done,
 * clears PG_writeback and wakes any waiter. Reclaim calls it with
 * whatever sleeping locks the allocating task holds and must not recurse
 * into reclaim, so the request is allocated GFP_ATOMIC (no reclaim, no
 * sleep); if even that fails the write is made synchronously with a
 * request on the stack, which needs no memory at all.
 *
 * A read waits: its caller (a fault, swapoff) cannot go on without the
 * data. The page stays locked through the read, so a second fault on the
 * same entry finds it in the swap cache and sleeps on the page lock.
 * swap_readpage also reads ahead the in-use slots of the aligned group
 * around it (page-cluster, mm/swap_state.c), all under one plug and in
 * slot order so that the block layer can merge them into one request,
 * and waits only for its own page. A readahead page's read does not
 * wait: its end (end_swap_readahead, interrupt context) marks the page
 * uptodate and unlocks it; its lock is the I/O's (unlock_page_io).
 *
 * Locks: the page lock is held on entry by both; nothing else is held
 * here (the driver's queue lock is taken inside blkdev_submit). The wait
 * queue's lock is taken by the interrupt handler (wake_up).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/wait.h>
#include <drivers/blkdev.h>
#include <mm/filemap.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include <mm/vmstat.h>

static DECLARE_WAIT_QUEUE_HEAD(swap_writeback_wait);

/* Interrupt context: the write of req->private (a page) finished. */
static void end_swap_write(struct blk_request *req)
{
	struct page *page = req->private;

	if (req->error) {
		/* The slot does not hold the data: keep the page, dirty, so
		 * it is written again (or stays in memory). */
		set_page_flag(page, PG_dirty);
		pr_err("swap: write of slot %#lx failed (%d)\n", page->private, req->error);
	}
	kfree(req);
	/* PG_dirty (above) before PG_writeback is cleared: pairs with the
	 * reclaimer's reads in the other order (swap_pageout_done,
	 * mm/vmscan.c). The flag before the wake-up: pairs with the waiter's
	 * test after it queues itself (wait_event). */
	clear_page_flag(page, PG_writeback);
	wake_up(&swap_writeback_wait);
}

void swap_wait_on_writeback(struct page *page)
{
	wait_event(swap_writeback_wait, !PageWriteback(page));
}

int swap_writepage(struct page *page)
{
	swp_entry_t entry = { page->private };
	struct blk_request *req, sync_req;
	struct block_device *bdev;
	u64 sector;
	int err;

	if (!PageLocked(page) || !PageSwapCache(page) || PageWriteback(page))
		panic("swap_writepage: page %p not locked, not in the swap cache, or under write-back",
		      page);
	bdev = swap_entry_bdev(entry, &sector);
	if (!bdev)
		panic("swap_writepage: entry %#lx names no area", entry.val);
	clear_page_flag(page, PG_dirty);
	set_page_flag(page, PG_writeback);
	count_vm_event(PSWPOUT);
	req = kmalloc(sizeof(*req), GFP_ATOMIC);
	if (!req) {
		/* No memory for a request: write now, from the stack. */
		sync_req = (struct blk_request){ .op = BLK_WRITE, .sector = sector,
			.nr_sectors = PAGE_SIZE >> SECTOR_SHIFT, .buf = page_address(page) };
		init_completion(&sync_req.done);
		err = blkdev_submit_wait(bdev, &sync_req);
		if (err)
			set_page_flag(page, PG_dirty);
		clear_page_flag(page, PG_writeback);
		wake_up(&swap_writeback_wait);
		unlock_page(page);
		return err;
	}
	*req = (struct blk_request){ .op = BLK_WRITE, .sector = sector,
		.nr_sectors = PAGE_SIZE >> SECTOR_SHIFT, .buf = page_address(page),
		.end_io = end_swap_write, .private = page };
	init_completion(&req->done);
	/* Unlocked while the write runs, as a file page under ->writepage:
	 * PG_writeback now keeps it from being freed or rewritten. */
	unlock_page(page);
	err = blkdev_submit(bdev, req);
	if (err) {
		kfree(req);
		set_page_flag(page, PG_dirty);
		clear_page_flag(page, PG_writeback);
		wake_up(&swap_writeback_wait);
	}
	return err;
}

/* Interrupt context: the read of a readahead page ended. PG_uptodate
 * before the unlock: a fault waiting in lock_page tests it after. */
static void end_swap_readahead(struct blk_request *req)
{
	struct page *page = req->private;

	if (!req->error)
		set_page_flag(page, PG_uptodate);
	else
		pr_err("swap: readahead of slot %#lx failed (%d)\n", page->private, req->error);
	kfree(req);
	unlock_page_io(page);
}

int swap_readahead_page(struct page *page)
{
	swp_entry_t entry = { page->private };
	struct block_device *bdev;
	struct blk_request *req;
	u64 sector;
	int err;

	if (!PageLocked(page) || !PageSwapCache(page))
		panic("swap_readahead_page: page %p not locked or not in the swap cache", page);
	bdev = swap_entry_bdev(entry, &sector);
	if (!bdev)
		panic("swap_readahead_page: entry %#lx names no area", entry.val);
	req = kmalloc(sizeof(*req), GFP_KERNEL | __GFP_NORETRY);
	if (!req)
		return -ENOMEM;
	*req = (struct blk_request){ .op = BLK_READ, .sector = sector,
		.nr_sectors = PAGE_SIZE >> SECTOR_SHIFT, .buf = page_address(page),
		.end_io = end_swap_readahead, .private = page };
	init_completion(&req->done);
	err = blkdev_submit(bdev, req);
	if (err) {
		kfree(req);
		return err;
	}
	/* The page may be unlocked, even freed, already: do not touch it. */
	count_vm_event(PSWPIN);
	count_vm_event(SWAP_RA);
	return 0;
}

/* Interrupt context: swap_readpage's own read ended; it waits on @done. */
static void end_swap_read_wait(struct blk_request *req)
{
	complete(&req->done);
}

int swap_readpage(struct page *page)
{
	swp_entry_t entry = { page->private };
	unsigned long start, end;
	struct blk_request req;
	struct block_device *bdev;
	struct blk_plug plug;
	u64 sector;
	int err;

	if (!PageLocked(page) || !PageSwapCache(page))
		panic("swap_readpage: page %p not locked or not in the swap cache", page);
	bdev = swap_entry_bdev(entry, &sector);
	if (!bdev)
		panic("swap_readpage: entry %#lx names no area", entry.val);
	req = (struct blk_request){ .op = BLK_READ, .sector = sector,
		.nr_sectors = PAGE_SIZE >> SECTOR_SHIFT, .buf = page_address(page),
		.end_io = end_swap_read_wait, .private = page };
	init_completion(&req.done);
	swap_ra_window(entry, &start, &end);
	/* In slot order, ours in its place, so that neighbours merge. */
	blk_start_plug(&plug);
	swap_readahead_range(entry, start, swp_offset(entry));
	count_vm_event(PSWPIN);
	err = blkdev_submit(bdev, &req);
	swap_readahead_range(entry, swp_offset(entry) + 1, end);
	blk_finish_plug(&plug);
	if (!err) {
		wait_for_completion(&req.done);
		err = req.error;
	}
	if (!err)
		set_page_flag(page, PG_uptodate);
	else
		pr_err("swap: read of slot %#lx failed (%d)\n", entry.val, err);
	return err;
}
