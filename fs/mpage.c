/*
 * Asynchronous page reads for block-based filesystems: ->readahead
 * (Linux's fs/mpage.c, reduced to what Faultline's block layer needs).
 *
 * Each page of a readahead batch is mapped with the filesystem's
 * map_blocks, which answers for a run of blocks contiguous on the disk
 * (one walk of the block map for many pages, where get_block walked once
 * per block), with the same results for the bytes as block_read_full_page
 * (fs/block_io.c): a hole reads as zeros, and so do
 * the bytes past i_size (LINUX-SEMANTICS.md items 32 and 33). Then,
 * instead of waiting for each block, one request per run of the page's
 * blocks that are contiguous on the disk is started (blkdev_submit) and
 * the next page is mapped. The whole batch goes out under a plug, so the
 * block layer may merge the requests of adjacent pages into one device
 * request. The last request of a page to finish, in the disk's interrupt
 * handler, sets PG_uptodate (or, after an error, leaves the page not
 * uptodate and zeroed) and releases the page lock (unlock_page_io).
 *
 * A page whose read cannot be started (no memory for its descriptor, a
 * block-mapping error, a request the disk refused) is unlocked not
 * uptodate and zeroed: readahead is only a hint, and the reader that
 * needs the page reads it with ->readpage, which reports the error.
 *
 * Truncate. The page is in the cache and locked before i_size is read
 * here (with a full barrier between, pairing with the tree_lock truncate
 * takes after setting the new size): either truncate_inode_pages finds
 * the page, waits for its lock and drops it before any block is freed,
 * or this sees the new i_size and maps no block past it.
 *
 * A run's answer is used only for blocks of the batch's pages, all locked
 * before the first is mapped, so no truncate can free those blocks before
 * their reads are over, however early they were mapped; and each page's
 * i_size is still read after it was locked, so a block past a new EOF is
 * never read (it is zeroed instead).
 *
 * Locks: called with the pages locked by readahead (their locks belong to
 * the I/O); map_blocks relies on that (fs/block_io.h). May sleep (block
 * mapping, a slot in the disk's queue). mpage_end_io runs in interrupt
 * context under the driver's queue lock: atomics, memset, wait queues
 * (irqsave), kfree.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/block_io.h>
#include <fs/mpage.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/slab.h>

/* At most one request per block of a page: 4 KiB of 512-byte blocks. */
#define MPAGE_MAX_RUNS (PAGE_SIZE / SECTOR_SIZE)

/*
 * One page's read in flight. @pending starts at 1, the submitter's own
 * count, dropped once every request is out, so that the page cannot be
 * finished while its requests are still being submitted.
 */
struct mpage_read {
	struct page *page;                      /* locked (by the I/O) until the last end_io */
	int pending;                            /* atomic */
	int error;                              /* atomic: an error of any request */
	unsigned int nr;
	struct blk_request req[];
};

/* The page's read is over: uptodate, or zeroed and not. Context: any. */
static void mpage_finish_page(struct page *page, int err)
{
	if (err)
		memset(page_address(page), 0, PAGE_SIZE);       /* never expose a torn read */
	else
		set_page_flag(page, PG_uptodate);       /* ordered before the unlock's clear */
	unlock_page_io(page);
}

static void mpage_read_put(struct mpage_read *mr, int err)
{
	if (err)
		__atomic_store_n(&mr->error, err, __ATOMIC_RELEASE);
	if (__atomic_sub_fetch(&mr->pending, 1, __ATOMIC_ACQ_REL) == 0) {
		mpage_finish_page(mr->page, __atomic_load_n(&mr->error, __ATOMIC_ACQUIRE));
		kfree(mr);
	}
}

/* blk_request->end_io. Context: interrupt (the driver's completion). */
static void mpage_end_io(struct blk_request *req)
{
	mpage_read_put(req->private, req->error);
}

/* Bytes of @page inside the file now (0..PAGE_SIZE). */
static unsigned int mpage_bytes_in_file(struct inode *inode, struct page *page)
{
	loff_t size, start = (loff_t)page->index << PAGE_SHIFT;

	/* The page went into the cache before this read of i_size: pairs with
	 * truncate's tree_lock after its new i_size (the header comment). */
	smp_mb();
	size = READ_ONCE(inode->i_size);
	if (size <= start)
		return 0;
	return size - start >= (loff_t)PAGE_SIZE ? PAGE_SIZE : (unsigned int)(size - start);
}

/* The last run map_blocks gave: file blocks [first, first + count) at
 * disk blocks from pblk on (pblk 0: a hole). */
struct mpage_map {
	map_blocks_t *map_blocks;
	u64 first, pblk;
	unsigned int count;
	u64 end;                                /* the batch's last file block + 1 */
};

/* Disk block of file block @iblock (0: a hole), mapping a new run if the
 * last one does not hold it. Returns 0 or a negative errno. */
static int mpage_map_block(struct inode *inode, struct mpage_map *c, u64 iblock, u64 *pblk)
{
	if (iblock < c->first || iblock - c->first >= c->count) {
		unsigned int max = (unsigned int)min(c->end - iblock, (u64)1 << 20);
		int n = c->map_blocks(inode, iblock, max ? max : 1, &c->pblk);

		if (n < 0)
			return n;
		c->first = iblock;
		c->count = (unsigned int)n;
	}
	*pblk = c->pblk ? c->pblk + (iblock - c->first) : 0;
	return 0;
}

/* Map @page's blocks, zero its holes and its bytes past EOF, and start one
 * request per run of blocks contiguous on the disk. */
static void mpage_read_page(struct inode *inode, struct page *page, struct mpage_map *map)
{
	unsigned int bsize = (unsigned int)inode->i_sb->s_blocksize;
	unsigned int per_page = PAGE_SIZE / bsize, sectors = bsize / SECTOR_SIZE;
	unsigned int valid = mpage_bytes_in_file(inode, page);
	u64 first = (u64)page->index * per_page;
	char *data = page_address(page);
	struct { unsigned int first, count; u64 pblk; } runs[MPAGE_MAX_RUNS];
	struct mpage_read *mr;
	unsigned int nr = 0;

	for (unsigned int i = 0; i < per_page; i++) {
		unsigned int off = i * bsize;
		u64 pblk = 0;

		if (off < valid && mpage_map_block(inode, map, first + i, &pblk)) {
			mpage_finish_page(page, -EIO);
			return;
		}
		if (!pblk) {
			memset(data + off, 0, bsize);   /* a hole, or wholly past EOF */
			continue;
		}
		if (nr && runs[nr - 1].first + runs[nr - 1].count == i &&
		    runs[nr - 1].pblk + runs[nr - 1].count == pblk)
			runs[nr - 1].count++;
		else
			runs[nr++] = (typeof(runs[0])){ i, 1, pblk };
	}
	if (valid < PAGE_SIZE)                  /* the last block's tail */
		memset(data + valid, 0, PAGE_SIZE - valid);
	if (nr == 1 && runs[0].count == per_page)       /* the whole page, in order */
		set_page_mapped_to_disk(page, runs[0].pblk);
	if (!nr) {
		mpage_finish_page(page, 0);
		return;
	}
	/* GFP_NOWAIT: readahead never reclaims for its bookkeeping; without
	 * memory the page is left for ->readpage. */
	mr = kmalloc(sizeof(*mr) + nr * sizeof(mr->req[0]), GFP_NOWAIT);
	if (!mr) {
		mpage_finish_page(page, -ENOMEM);
		return;
	}
	*mr = (struct mpage_read){ .page = page, .pending = 1, .nr = nr };
	for (unsigned int i = 0; i < nr; i++)
		mr->req[i] = (struct blk_request){
			.op = BLK_READ,
			.sector = runs[i].pblk * sectors,
			.nr_sectors = runs[i].count * sectors,
			.buf = data + runs[i].first * bsize,
			.end_io = mpage_end_io,
			.private = mr,
		};
	for (unsigned int i = 0; i < nr; i++) {
		int err;

		__atomic_add_fetch(&mr->pending, 1, __ATOMIC_RELAXED);
		err = blkdev_submit(inode->i_sb->s_bdev, &mr->req[i]);
		if (err)                        /* refused: its end_io will not run */
			mpage_read_put(mr, err);
	}
	mpage_read_put(mr, 0);
}

void mpage_readahead(struct readahead_control *rac, map_blocks_t *map_blocks)
{
	struct inode *inode = rac->mapping->host;
	unsigned int per_page = PAGE_SIZE >> inode->i_sb->s_blocksize_bits;
	struct mpage_map map = { .map_blocks = map_blocks };
	struct blk_plug plug;

	if (!rac->nr)
		return;
	/* A run never reaches past the batch: its pages are the locked ones. */
	map.end = ((u64)rac->pages[rac->nr - 1]->index + 1) * per_page;
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < rac->nr; i++) {
		struct page *page = rac->pages[i];

		ASSERT(PageLocked(page) && !PageUptodate(page) && page->mapping == rac->mapping);
		mpage_read_page(inode, page, &map);
	}
	blk_finish_plug(&plug);
}
