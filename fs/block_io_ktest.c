/*
 * ktests for asynchronous write-back (fs/block_io.c's block_write_full_page,
 * PG_writeback and the waits for it in mm/filemap.c; docs/storage.md), and
 * for the page's record of its disk blocks (PG_mappedtodisk).
 *
 * The pages belong to a small filesystem made here: one inode whose block
 * map is a table (kt_map), on one of two disks:
 *   - "held", a fake disk whose ->submit keeps every request and finishes
 *     none until the test says so (held_release), calling end_io with
 *     interrupts off and the CPU marked as in an interrupt handler, as a
 *     driver's completion does; so what happens while a write is in flight
 *     can be observed deterministically, and the lock-order checker sees
 *     every lock end_io takes as taken in interrupt context;
 *   - vdc, the real virtio disk behind QEMU's blkdebug, which fails every
 *     I/O (tools/qemu.py): a real completion interrupt with a real error.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <drivers/blkdev.h>
#include <fs/block_io.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/writeback.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* ---- the held disk ---------------------------------------------------------- */

#define HELD_MAX 16

static struct held_state {
	spinlock_t lock;
	struct blk_request *req[HELD_MAX];      /* (lock) submitted, not finished */
	unsigned int nr;                        /* (lock) in req[] */
	unsigned int submitted;                 /* (lock) since held_reset */
	u64 sector[HELD_MAX];                   /* (lock) of each submission, in order */
	unsigned int nr_sectors[HELD_MAX];      /* (lock) all of its chain's */
	unsigned int segs[HELD_MAX];            /* (lock) requests in its chain */
	void *buf[HELD_MAX];                    /* (lock) */
} held;

static int held_submit(struct block_device *bdev, struct blk_request *req)
{
	unsigned long flags = spin_lock_irqsave(&held.lock);
	int err = 0;

	if (held.nr == HELD_MAX || held.submitted == HELD_MAX) {
		err = -EIO;                     /* the test went wrong: refuse */
	} else {
		held.sector[held.submitted] = req->sector;
		held.nr_sectors[held.submitted] = held.segs[held.submitted] = 0;
		for (struct blk_request *r = req; r; r = r->merge_next) {
			held.nr_sectors[held.submitted] += r->nr_sectors;
			held.segs[held.submitted]++;
		}
		held.buf[held.submitted] = req->buf;
		held.submitted++;
		held.req[held.nr++] = req;
	}
	spin_unlock_irqrestore(&held.lock, flags);
	return err;
}

static const struct block_device_ops held_ops = { .submit = held_submit };
static struct block_device held_bdev = {
	.name = "kt-held", .nr_sectors = 1 << 16, .ops = &held_ops,
};
/* The same disk, taking merged requests (chains of up to 16). */
static struct block_device held_merge_bdev = {
	.name = "kt-held-merge", .nr_sectors = 1 << 16, .ops = &held_ops,
	.max_segments = 16, .max_sectors = 256,
};

static void held_reset(void)
{
	spin_lock_init(&held.lock, "kt held.lock");
	held.nr = held.submitted = 0;
}

static unsigned int held_in_flight(void)
{
	unsigned long flags = spin_lock_irqsave(&held.lock);
	unsigned int n = held.nr;

	spin_unlock_irqrestore(&held.lock, flags);
	return n;
}

/* Finish every held request with @error, as the driver's interrupt
 * handler would: interrupts off, irq_depth raised (lockdep's view). */
static void held_release(int error)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&held.lock);
		struct blk_request *req = held.nr ? held.req[--held.nr] : NULL;

		if (!req) {
			spin_unlock_irqrestore(&held.lock, flags);
			return;
		}
		this_cpu()->irq_depth++;
		while (req) {                   /* every request of a merged chain */
			struct blk_request *next = req->merge_next;

			req->error = error;
			req->end_io(req);
			req = next;
		}
		this_cpu()->irq_depth--;
		spin_unlock_irqrestore(&held.lock, flags);
	}
}

/* Sleep until @n requests are held (a thread is writing); false after 2 s. */
static bool held_wait_for(unsigned int n)
{
	for (int i = 0; i < 200; i++) {
		if (held_in_flight() >= n)
			return true;
		msleep(10);
	}
	return false;
}

/* ---- the filesystem: one file, its block map a table ----------------------------- */

#define KT_BLOCKS 16
static u64 kt_map[KT_BLOCKS];                   /* file block -> disk block, 0: a hole */
static struct super_block kt_sb;
static struct inode kt_inode;

static int kt_get_block(struct inode *inode, u64 iblock, u64 *pblk, bool create)
{
	if (iblock >= KT_BLOCKS)
		return -EFBIG;
	*pblk = kt_map[iblock];
	return !*pblk && create ? -ENOSPC : 0;
}

static int kt_writepage(struct page *page)
{
	return block_write_full_page(page, kt_get_block);
}

static const struct address_space_operations kt_aops = { .writepage = kt_writepage };

/* A fresh file of @pages pages, 1 KiB blocks, on @bdev; its block map is
 * set by the caller in kt_map. */
static struct address_space *kt_file(struct block_device *bdev, unsigned int pages)
{
	/* A test that stopped half-way left pages: drop them first (the
	 * mapping is on the list of mappings with pages). */
	if (kt_inode.i_mapping && kt_inode.i_data.nrpages) {
		held_release(0);
		truncate_inode_pages(kt_inode.i_mapping, 0);
	}
	memset(kt_map, 0, sizeof(kt_map));
	kt_sb = (struct super_block){ .s_bdev = bdev, .s_blocksize = 1024,
				      .s_blocksize_bits = 10, .s_maxbytes = KT_BLOCKS * 1024 };
	memset(&kt_inode, 0, sizeof(kt_inode));
	kt_inode.i_sb = &kt_sb;
	kt_inode.i_size = (loff_t)pages * PAGE_SIZE;
	address_space_init(&kt_inode.i_data, &kt_inode);
	kt_inode.i_data.a_ops = &kt_aops;
	kt_inode.i_mapping = &kt_inode.i_data;
	return kt_inode.i_mapping;
}

/* Page @index of @m, cached, uptodate and dirty, each byte @fill except
 * 1 KiB block @zero_block (if < 4), left zero. */
static bool kt_dirty_page(struct address_space *m, unsigned long index, int fill,
			  unsigned int zero_block)
{
	struct page *page = find_or_create_page(m, index);

	if (!page)
		return false;
	memset(page_address(page), fill, PAGE_SIZE);
	if (zero_block < 4)
		memset((char *)page_address(page) + zero_block * 1024, 0, 1024);
	set_page_flag(page, PG_uptodate);
	set_page_dirty(page);
	unlock_page(page);
	put_page(page);
	return true;
}

static struct page *kt_page(struct address_space *m, unsigned long index)
{
	struct page *page = find_get_page(m, index);

	if (page)
		put_page(page);                 /* the cache's reference keeps it */
	return page;
}

/* ---- a task that blocks ---------------------------------------------------------- */

enum kt_op { KT_FSYNC, KT_TRUNCATE, KT_WRITE_SYNC };

static struct kt_waiter {
	enum kt_op op;
	struct address_space *m;
	int result;
	int finished;                           /* atomic */
	struct completion done;
} waiter;

static int waiter_fn(void *arg)
{
	struct kt_waiter *w = arg;

	switch (w->op) {
	case KT_FSYNC:
		w->result = filemap_write_and_wait(w->m);
		break;
	case KT_TRUNCATE:
		truncate_inode_pages(w->m, 0);
		break;
	case KT_WRITE_SYNC:
		w->result = write_mapping_pages(w->m, ~0UL);
		break;
	}
	__atomic_store_n(&w->finished, 1, __ATOMIC_SEQ_CST);
	complete(&w->done);
	return 0;
}

static bool start_waiter(enum kt_op op, struct address_space *m)
{
	waiter = (struct kt_waiter){ .op = op, .m = m };
	init_completion(&waiter.done);
	return kthread_run(waiter_fn, &waiter, "kt-wb-waiter") != NULL;
}

static bool waiter_finished(void)
{
	return __atomic_load_n(&waiter.finished, __ATOMIC_SEQ_CST);
}

/* ---- the tests --------------------------------------------------------------------- */

/*
 * ->writepage returns with the write in flight: the page under
 * write-back, clean and unlocked, nothing finished; one request per run of
 * blocks contiguous on the disk (a zero hole stays a hole). The last
 * completion ends the write-back.
 */
KTEST(blockio_writepage_returns_before_io_merges_runs)
{
	struct address_space *m = kt_file(&held_bdev, 2);
	unsigned long cached, dirty, wb0, wb;
	struct page *p0, *p1;

	held_reset();
	kt_map[0] = 100; kt_map[1] = 101; kt_map[2] = 102; kt_map[3] = 103;
	kt_map[4] = 200; kt_map[5] = 201; kt_map[6] = 0; kt_map[7] = 300;
	KT_ASSERT(kt_dirty_page(m, 0, 0x5a, 4) && kt_dirty_page(m, 1, 0xa5, 2));
	p0 = kt_page(m, 0);
	p1 = kt_page(m, 1);
	writeback_stats(&cached, &dirty, &wb0);
	KT_EXPECT_EQ(write_mapping_pages(m, ~0UL), 0);
	KT_EXPECT(PageWriteback(p0) && PageWriteback(p1));
	KT_EXPECT(!PageDirty(p0) && !PageDirty(p1) && !PageLocked(p0) && !PageLocked(p1));
	KT_EXPECT_EQ(m->nrdirty, 0);
	writeback_stats(&cached, &dirty, &wb);
	KT_EXPECT(wb >= wb0 + 2);
	KT_ASSERT_EQ(held_in_flight(), 3);
	KT_EXPECT_EQ(held.sector[0], 200);     /* blocks 100-103: one request */
	KT_EXPECT_EQ(held.nr_sectors[0], 8);
	KT_EXPECT(held.buf[0] == page_address(p0));
	KT_EXPECT_EQ(held.sector[1], 400);     /* 200-201 */
	KT_EXPECT_EQ(held.nr_sectors[1], 4);
	KT_EXPECT_EQ(held.sector[2], 600);     /* the zero hole skipped, then 300 */
	KT_EXPECT_EQ(held.nr_sectors[2], 2);
	KT_EXPECT(held.buf[2] == (char *)page_address(p1) + 3 * 1024);
	KT_EXPECT_EQ(kt_map[6], 0);             /* not allocated */
	held_release(0);
	KT_EXPECT(!PageWriteback(p0) && !PageWriteback(p1));
	writeback_stats(&cached, &dirty, &wb);
	KT_EXPECT(wb <= wb0);
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);
	KT_EXPECT_EQ(held.submitted, 3);        /* clean: nothing written again */
	truncate_inode_pages(m, 0);
}

/*
 * fsync waits for the writes it started, and reports their I/O error once;
 * the flusher's way (nonblock) skips a page whose write is in flight,
 * while a data-integrity write of it waits for that write, then writes
 * again.
 */
KTEST(blockio_fsync_waits_and_reports_eio_once)
{
	struct address_space *m = kt_file(&held_bdev, 1);
	unsigned long written = 0;
	struct page *page;

	held_reset();
	for (int i = 0; i < 4; i++)
		kt_map[i] = 40 + i;
	KT_ASSERT(kt_dirty_page(m, 0, 1, 4));
	page = kt_page(m, 0);
	KT_ASSERT(start_waiter(KT_FSYNC, m));
	KT_ASSERT(held_wait_for(1));
	msleep(50);
	KT_EXPECT(!waiter_finished());          /* fsync is waiting for the disk */
	KT_EXPECT(PageWriteback(page));
	held_release(-EIO);
	wait_for_completion(&waiter.done);
	KT_EXPECT_EQ(waiter.result, -EIO);
	KT_EXPECT(!PageWriteback(page) && !PageDirty(page));
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);     /* reported once */

	/* Dirty again and in flight: the flusher skips it ... */
	set_page_dirty(page);
	KT_EXPECT_EQ(write_mapping_pages_nonblock(m, ~0UL, &written), 0);
	KT_EXPECT_EQ(written, 1);
	KT_ASSERT_EQ(held_in_flight(), 1);
	set_page_dirty(page);
	written = 0;
	KT_EXPECT_EQ(write_mapping_pages_nonblock(m, ~0UL, &written), 0);
	KT_EXPECT_EQ(written, 0);
	KT_EXPECT(PageDirty(page));
	KT_EXPECT_EQ(held.submitted, 2);
	/* ... a data-integrity write waits for the write in flight first. */
	KT_ASSERT(start_waiter(KT_WRITE_SYNC, m));
	msleep(50);
	KT_EXPECT(!waiter_finished());
	KT_EXPECT_EQ(held.submitted, 2);        /* never two writes of one page at once */
	held_release(0);
	wait_for_completion(&waiter.done);
	KT_EXPECT_EQ(waiter.result, 0);
	KT_EXPECT_EQ(held.submitted, 3);
	KT_EXPECT(PageWriteback(page) && !PageDirty(page));
	held_release(0);
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);
	truncate_inode_pages(m, 0);
}

/* Truncate waits for a write in flight before it drops the page (its
 * blocks are freed next, and the completion still uses the mapping). */
KTEST(blockio_truncate_waits_for_writeback)
{
	struct address_space *m = kt_file(&held_bdev, 1);
	struct page *page;

	held_reset();
	for (int i = 0; i < 4; i++)
		kt_map[i] = 60 + i;
	KT_ASSERT(kt_dirty_page(m, 0, 7, 4));
	page = kt_page(m, 0);
	KT_EXPECT_EQ(write_mapping_pages(m, ~0UL), 0);
	KT_ASSERT(PageWriteback(page));
	KT_ASSERT(start_waiter(KT_TRUNCATE, m));
	msleep(50);
	KT_EXPECT(!waiter_finished());
	KT_EXPECT(kt_page(m, 0) == page);      /* still in the cache */
	KT_EXPECT_EQ(m->nrpages, 1);
	held_release(0);
	wait_for_completion(&waiter.done);
	KT_EXPECT_EQ(m->nrpages, 0);
	KT_EXPECT(kt_page(m, 0) == NULL);
}

/*
 * The real disk path, through virtio-blk's interrupt: vdc fails every
 * write. fsync gets EIO, once; an error of a background write (started
 * without waiting, as the flusher does) reaches the next fsync, once.
 */
KTEST(blockio_errdisk_fsync_eio_once)
{
	struct block_device *vdc = blkdev_get("vdc");
	struct address_space *m;
	unsigned long written = 0;
	struct page *page;

	KT_ASSERT(vdc != NULL);
	m = kt_file(vdc, 1);
	for (int i = 0; i < 4; i++)
		kt_map[i] = 10 + i;
	KT_ASSERT(kt_dirty_page(m, 0, 3, 4));
	page = kt_page(m, 0);
	KT_EXPECT_EQ(filemap_write_and_wait(m), -EIO);
	KT_EXPECT(!PageWriteback(page));
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);

	set_page_dirty(page);
	KT_EXPECT_EQ(write_mapping_pages_nonblock(m, ~0UL, &written), 0);
	KT_EXPECT_EQ(written, 1);
	wait_on_page_writeback(page);
	KT_EXPECT_EQ(filemap_write_and_wait(m), -EIO);
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);
	truncate_inode_pages(m, 0);
}

/*
 * ->writepages (here generic_writepages, as ext2's) walks the dirty pages
 * in index order under a plug: pages whose blocks follow each other on
 * the disk reach it as one request, a page elsewhere as another. The
 * merged request's error ends every page's write-back and reaches fsync,
 * once.
 */
KTEST(blockio_writepages_merges_adjacent_pages)
{
	struct address_space *m = kt_file(&held_merge_bdev, 4);
	struct page *p[4];

	held_reset();
	for (int i = 0; i < 12; i++)
		kt_map[i] = 100 + i;            /* pages 0-2: blocks 100-111 */
	for (int i = 12; i < 16; i++)
		kt_map[i] = 300 + i;            /* page 3: elsewhere */
	for (int i = 0; i < 4; i++) {
		KT_ASSERT(kt_dirty_page(m, i, 0x10 + i, 4));
		p[i] = kt_page(m, i);
	}
	KT_EXPECT_EQ(write_mapping_pages(m, ~0UL), 0);
	KT_ASSERT_EQ(held.submitted, 2);
	KT_EXPECT_EQ(held.sector[0], 200);
	KT_EXPECT_EQ(held.nr_sectors[0], 24);  /* three pages, one request */
	KT_EXPECT_EQ(held.segs[0], 3);
	KT_EXPECT_EQ(held.sector[1], 2 * 312);
	KT_EXPECT_EQ(held.nr_sectors[1], 8);
	KT_EXPECT_EQ(held.segs[1], 1);
	for (int i = 0; i < 4; i++)
		KT_EXPECT(PageWriteback(p[i]) && !PageDirty(p[i]));
	held_release(-EIO);
	for (int i = 0; i < 4; i++)
		KT_EXPECT(!PageWriteback(p[i]));
	KT_EXPECT_EQ(filemap_write_and_wait(m), -EIO);
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);
	truncate_inode_pages(m, 0);
}

/* The same through the real disk that fails every I/O (vdc): four pages
 * on adjacent blocks go out as one command, whose error reaches fsync. */
KTEST(blockio_errdisk_merged_fsync_eio)
{
	struct block_device *vdc = blkdev_get("vdc");
	struct address_space *m;
	unsigned long cmds;
	struct page *p[4];

	KT_ASSERT(vdc != NULL);
	m = kt_file(vdc, 4);
	for (int i = 0; i < 16; i++)
		kt_map[i] = 20 + i;
	for (int i = 0; i < 4; i++) {
		KT_ASSERT(kt_dirty_page(m, i, 5, 4));
		p[i] = kt_page(m, i);
	}
	cmds = __atomic_load_n(&vdc->nr_commands, __ATOMIC_RELAXED);
	KT_EXPECT_EQ(filemap_write_and_wait(m), -EIO);
	KT_EXPECT_EQ(__atomic_load_n(&vdc->nr_commands, __ATOMIC_RELAXED) - cmds, 1);
	for (int i = 0; i < 4; i++)
		KT_EXPECT(!PageWriteback(p[i]));
	KT_EXPECT_EQ(filemap_write_and_wait(m), 0);
	truncate_inode_pages(m, 0);
}

/* ---- the page's record of its disk blocks (PG_mappedtodisk) ------------------------ */

/* Write page 0 of @m back and let the write finish; the held request's
 * sector and length in *@sector, *@nr_sectors (0 if none was made). */
static void kt_write_page0(struct kt *t, struct address_space *m, u64 *sector,
			   unsigned int *nr_sectors)
{
	held_reset();
	KT_EXPECT_EQ(write_mapping_pages(m, ~0UL), 0);
	*sector = held.submitted ? held.sector[0] : 0;
	*nr_sectors = held.submitted ? held.nr_sectors[0] : 0;
	KT_EXPECT(held.submitted <= 1);
	held_release(0);
}

/*
 * A page whose four blocks are on the disk in order remembers the first
 * one at its first write-back, and later write-backs look nothing up (a
 * block map changed behind its back is not seen). A truncate that cuts
 * the page forgets the record before the filesystem frees the blocks past
 * the new end: once the file grows again, those blocks are holes, and
 * write-back must not write the page's zeros into them (they may be
 * another file's by then). Fails without the clear in zero_page_tail.
 */
KTEST(blockio_mapped_to_disk_remembered_until_truncate)
{
	struct address_space *m = kt_file(&held_bdev, 1);
	unsigned int nr_sectors;
	struct page *p;
	u64 sector;

	kt_map[0] = 100; kt_map[1] = 101; kt_map[2] = 102; kt_map[3] = 103;
	KT_ASSERT(kt_dirty_page(m, 0, 0x11, 4));
	p = kt_page(m, 0);
	KT_EXPECT(!PageMappedToDisk(p));
	kt_write_page0(t, m, &sector, &nr_sectors);
	KT_EXPECT_EQ(sector, 200);
	KT_EXPECT_EQ(nr_sectors, 8);
	KT_EXPECT(PageMappedToDisk(p) && p->private == 100);

	/* Remembered: a lookup would now say 500, write-back still says 100. */
	for (int i = 0; i < 4; i++)
		kt_map[i] = 500 + i;
	KT_ASSERT(kt_dirty_page(m, 0, 0x22, 4));
	kt_write_page0(t, m, &sector, &nr_sectors);
	KT_EXPECT_EQ(sector, 200);
	KT_EXPECT_EQ(nr_sectors, 8);

	/* Truncate to one block: the filesystem frees blocks 1-3 after the
	 * page cache is done (->truncate_blocks), then the file grows back
	 * to a page, blocks 1-3 holes, and the page is written again. */
	for (int i = 0; i < 4; i++)
		kt_map[i] = 100 + i;
	WRITE_ONCE(kt_inode.i_size, 1024);
	truncate_inode_pages(m, 1024);
	KT_EXPECT(!PageMappedToDisk(p));
	kt_map[1] = kt_map[2] = kt_map[3] = 0;
	WRITE_ONCE(kt_inode.i_size, PAGE_SIZE);
	lock_page(p);
	set_page_dirty(p);
	unlock_page(p);
	kt_write_page0(t, m, &sector, &nr_sectors);
	KT_EXPECT_EQ(sector, 200);
	KT_EXPECT_EQ(nr_sectors, 2);            /* block 0 alone: the holes stay holes */
	KT_EXPECT(!PageMappedToDisk(p));
	truncate_inode_pages(m, 0);
}

/* Only a whole page of blocks in order is remembered: not one with a hole,
 * nor one whose blocks are apart on the disk, nor a prepare_write of part
 * of the page, nor of a page whose last block lies wholly past EOF (a
 * write() that extends the file: the filesystem may free such blocks
 * again without a truncate); a prepare_write of the whole page is. */
KTEST(blockio_mapped_to_disk_whole_pages_in_order_only)
{
	struct address_space *m = kt_file(&held_bdev, 3);
	struct page *p;

	kt_map[0] = 100; kt_map[1] = 101; kt_map[2] = 0; kt_map[3] = 103;       /* a hole */
	kt_map[4] = 200; kt_map[5] = 201; kt_map[6] = 203; kt_map[7] = 204;     /* apart */
	KT_ASSERT(kt_dirty_page(m, 0, 0x33, 2) && kt_dirty_page(m, 1, 0x44, 4));
	held_reset();
	KT_EXPECT_EQ(write_mapping_pages(m, ~0UL), 0);
	held_release(0);
	KT_EXPECT(!PageMappedToDisk(kt_page(m, 0)) && !PageMappedToDisk(kt_page(m, 1)));

	for (int i = 8; i < 12; i++)
		kt_map[i] = 300 + i;
	p = find_or_create_page(m, 2);
	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(block_prepare_write(p, 0, 3000, kt_get_block), 0);
	KT_EXPECT(!PageMappedToDisk(p));
	WRITE_ONCE(kt_inode.i_size, 2 * PAGE_SIZE + 3072);     /* block 11 past EOF */
	KT_EXPECT_EQ(block_prepare_write(p, 0, PAGE_SIZE, kt_get_block), 0);
	KT_EXPECT(!PageMappedToDisk(p));
	WRITE_ONCE(kt_inode.i_size, 2 * PAGE_SIZE + 3073);     /* one byte in it */
	KT_EXPECT_EQ(block_prepare_write(p, 0, PAGE_SIZE, kt_get_block), 0);
	KT_EXPECT(PageMappedToDisk(p) && p->private == 308);
	unlock_page(p);
	put_page(p);
	truncate_inode_pages(m, 0);
}
