/*
 * Page I/O for block-based filesystems (see include/fs/block_io.h).
 *
 * A page covers PAGE_SIZE / blocksize blocks of a file. Each block is
 * mapped to the disk on its own with the filesystem's get_block; a hole
 * reads as zeros. A read maps every block of the page first and sends
 * one request per run of blocks contiguous on the disk, waiting for each
 * (block_read_full_page, the synchronous ->readpage). Bytes of the page
 * past i_size are always zeros on disk and after a read: they may hold
 * stores through a mapping, which are not file data
 * (LINUX-SEMANTICS.md, items 32 and 33).
 *
 * Write-back does not wait for the disk (block_write_full_page): with
 * every block mapped, the page is marked PG_writeback and unlocked, and
 * its blocks go out as one request per run of blocks contiguous on the
 * disk (blkdev_submit). The last request to finish, in the disk's
 * interrupt handler, records an error in the mapping and ends the page's
 * write-back (page_write_end_io). docs/storage.md, "Asynchronous
 * write-back".
 *
 * A page written through a shared mapping gets its blocks when it is
 * first written (block_page_mkwrite, from ->page_mkwrite), so that a full
 * disk is reported to the writer as SIGBUS; write-back then finds every
 * block below EOF allocated. A page written by write() gets the blocks it
 * covers in block_prepare_write. Write-back itself allocates only for a
 * hole that holds something other than zeros, which neither path left
 * (see block_write_full_page), and otherwise keeps holes sparse.
 *
 * A page whose blocks are all on the disk, one after the other there (the
 * usual case: ext2 allocates a file's blocks in order), remembers where
 * they are (PG_mappedtodisk, the first one in page->private), as Linux's
 * mapped buffer heads do: ->page_mkwrite then has nothing to reserve and
 * write-back nothing to look up, so the first store after each write-back
 * and the write-back itself call no get_block. See page_blocks_remember
 * for why the record stays true.
 *
 * Locks: every function here is called with the page locked (or, for
 * block_page_mkwrite, takes the lock), and the filesystem's get_block
 * relies on that (no two tasks map or allocate the same block of a file
 * at once). They may sleep (disk I/O, the filesystem's block mapping).
 * page_write_end_io runs in interrupt context under the driver's queue
 * lock: it uses only atomics, wait queues (irqsave) and kfree.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/block_io.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/slab.h>

/* At most one request per block of a page: 4 KiB of 512-byte blocks. */
#define MAX_PAGE_EXTENTS (PAGE_SIZE / SECTOR_SIZE)

struct page_blocks {
	struct inode *inode;
	unsigned int bsize;
	unsigned int per_page;                  /* blocks in one page */
	u64 first;                              /* file block of the page's first block */
	unsigned int sectors;                   /* sectors per block */
};

static void page_blocks_init(struct page_blocks *pb, struct page *page)
{
	struct inode *inode = page->mapping->host;

	pb->inode = inode;
	pb->bsize = (unsigned int)inode->i_sb->s_blocksize;
	pb->per_page = PAGE_SIZE / pb->bsize;
	pb->first = (u64)page->index * pb->per_page;
	pb->sectors = pb->bsize / SECTOR_SIZE;
}

/*
 * Remember @pblk (every block of the page, looked up just now under the
 * page lock) on the page if the blocks are all there and in order on the
 * disk; a page with a hole or past EOF, or scattered, is looked up each
 * time. Callers remember only blocks that each hold a byte below EOF
 * (the lookups of read and write-back stop at EOF; block_prepare_write
 * checks). The record then stays true while the page is in its file's
 * cache: such a block keeps its disk block until a truncate frees it,
 * and a truncate first takes the pages wholly past the new EOF out of the
 * cache (a freed page's flags are cleared) and clears the flag of the
 * page the new EOF cuts, under its lock (zero_page_tail, mm/filemap.c),
 * before ->truncate_blocks frees anything. A block wholly past EOF (one
 * write() allocated before i_size moved) may be freed without a truncate
 * (ext2_prepare_write's clean-up after -ENOSPC), hence the rule. Filling
 * a hole never invalidates a record (a page with a hole has none).
 * Context: page locked.
 */
static void page_blocks_remember(struct page *page, const struct page_blocks *pb, const u64 *pblk)
{
	for (unsigned int i = 0; i < pb->per_page; i++)
		if (!pblk[i] || pblk[i] != pblk[0] + i)
			return;
	set_page_mapped_to_disk(page, pblk[0]);
}

void set_page_mapped_to_disk(struct page *page, u64 pblk)
{
	ASSERT(PageLocked(page) && pblk);
	page->private = (unsigned long)pblk;
	set_page_flag(page, PG_mappedtodisk);
}

/* The blocks the page remembers, into @pblk[] up to @valid bytes (0 past
 * it, as a lookup would leave them); false if it remembers none.
 * Context: page locked. */
static bool page_blocks_cached(struct page *page, const struct page_blocks *pb,
			       unsigned int valid, u64 *pblk)
{
	ASSERT(PageLocked(page));
	if (!PageMappedToDisk(page))
		return false;
	for (unsigned int i = 0; i < pb->per_page; i++)
		pblk[i] = i * pb->bsize < valid ? (u64)page->private + i : 0;
	return true;
}

/* Bytes of page @index of @inode that lie inside the file (0..PAGE_SIZE). */
static unsigned int bytes_in_inode(struct inode *inode, unsigned long index)
{
	loff_t size = READ_ONCE(inode->i_size);
	loff_t start = (loff_t)index << PAGE_SHIFT;

	if (size <= start)
		return 0;
	return size - start >= (loff_t)PAGE_SIZE ? PAGE_SIZE : (unsigned int)(size - start);
}

/* The same for a page in the cache (page->mapping stable: page locked). */
static unsigned int bytes_in_file(struct page *page)
{
	return bytes_in_inode(page->mapping->host, page->index);
}

/*
 * Read @page's blocks: every block below EOF is mapped first, then each
 * run of blocks contiguous on the disk is one request (a page written in
 * one go is one request, not one per block), each waited for in turn.
 * Holes and the tail past EOF read as zeros.
 */
int block_read_full_page(struct page *page, get_block_t *get_block)
{
	struct page_blocks pb;
	char *data = page_address(page);
	unsigned int valid = bytes_in_file(page);
	u64 pblk[MAX_PAGE_EXTENTS];
	int err = 0;

	page_blocks_init(&pb, page);
	for (unsigned int i = 0; i < pb.per_page && !err; i++) {
		pblk[i] = 0;
		if (i * pb.bsize < valid)
			err = get_block(pb.inode, pb.first + i, &pblk[i], false);
		if (!err && !pblk[i])
			memset(data + i * pb.bsize, 0, pb.bsize);       /* a hole, or past EOF */
	}
	if (!err)
		page_blocks_remember(page, &pb, pblk);
	for (unsigned int i = 0; i < pb.per_page && !err; ) {
		unsigned int n = 1;

		if (!pblk[i]) {
			i++;
			continue;
		}
		while (i + n < pb.per_page && pblk[i + n] && pblk[i + n] == pblk[i] + n)
			n++;
		err = blkdev_rw(pb.inode->i_sb->s_bdev, BLK_READ, pblk[i] * pb.sectors,
				data + i * pb.bsize, n * pb.sectors);
		i += n;
	}
	if (!err) {
		if (valid < PAGE_SIZE)                  /* the last block's tail */
			memset(data + valid, 0, PAGE_SIZE - valid);
		set_page_flag(page, PG_uptodate);
	}
	unlock_page(page);
	return err;
}

/*
 * One page's write in flight: its requests, and how many of them have
 * not finished. @pending starts at 1, the submitter's own count, dropped
 * once every request is out, so the page's write-back cannot end while
 * requests are still being submitted.
 */
struct page_write {
	struct page *page;                      /* under write-back until the last end_io */
	struct address_space *mapping;          /* the page's; stable while PG_writeback */
	int pending;                            /* atomic */
	int error;                              /* atomic: an error of any request */
	unsigned int nr;                        /* requests in req[] */
	struct blk_request req[];               /* one per run of contiguous blocks */
};

/* The last reference to @pw is gone: report, end the page's write-back,
 * free. Context: any (the disk's interrupt handler, or the submitter). */
static void page_write_done(struct page_write *pw)
{
	int err = __atomic_load_n(&pw->error, __ATOMIC_ACQUIRE);

	/* Before end_page_writeback: after it a truncate may free the
	 * mapping; and fsync, which takes the error after seeing the bit
	 * clear, must find it (mapping_take_error's pairing). */
	if (err)
		mapping_set_error(pw->mapping, err);
	end_page_writeback(pw->page);
	kfree(pw);
}

static void page_write_put(struct page_write *pw, int err)
{
	if (err)
		__atomic_store_n(&pw->error, err, __ATOMIC_RELEASE);
	if (__atomic_sub_fetch(&pw->pending, 1, __ATOMIC_ACQ_REL) == 0)
		page_write_done(pw);
}

/* blk_request->end_io of a page's request. Context: interrupt (the
 * driver's completion, its queue lock held). */
static void page_write_end_io(struct blk_request *req)
{
	page_write_put(req->private, req->error);
}

/* Map the blocks of @page below EOF (@valid bytes) into @pblk[] (0: a
 * hole left as it is), allocating a hole only if it holds data. */
static int map_page_for_write(struct page_blocks *pb, char *data, unsigned int valid,
			      get_block_t *get_block, u64 *pblk)
{
	for (unsigned int i = 0; i < pb->per_page; i++) {
		char *block = data + i * pb->bsize;
		int err;

		pblk[i] = 0;
		if (i * pb->bsize >= valid)
			continue;                       /* past EOF: never written */
		err = get_block(pb->inode, pb->first + i, &pblk[i], false);
		if (!err && !pblk[i]) {
			/* A hole. write() gave the blocks it wrote a disk block
			 * in prepare_write, and a store through a mapping gave
			 * the whole page its blocks in block_page_mkwrite, so
			 * this one holds what the hole reads as: zeros, and the
			 * file stays sparse. Nonzero bytes here were stored
			 * through a writable PTE that ->page_mkwrite never saw
			 * (one a read fault mapped writable in a VMA without
			 * write notification, or one that stayed writable while
			 * i_size grew over this block): only then is the block
			 * allocated now, and that can fail. */
			if (!memchr_inv(block, 0, pb->bsize))
				continue;
			err = get_block(pb->inode, pb->first + i, &pblk[i], true);
		}
		if (err)
			return err;
	}
	return 0;
}

/* A run of blocks of a page that are contiguous on the disk: one request. */
struct block_run {
	unsigned int first, count;              /* blocks of the page */
};

/* Split the mapped blocks of a page into runs; returns how many. */
static unsigned int page_runs(const struct page_blocks *pb, const u64 *pblk,
			      struct block_run runs[MAX_PAGE_EXTENTS])
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < pb->per_page; i++) {
		if (!pblk[i])
			continue;
		if (n && runs[n - 1].first + runs[n - 1].count == i &&
		    pblk[i] == pblk[i - 1] + 1)
			runs[n - 1].count++;
		else
			runs[n++] = (struct block_run){ i, 1 };
	}
	return n;
}

/*
 * The page's write when its descriptor could not be allocated: the same
 * requests, one at a time, each waited for, with the page already under
 * write-back and unlocked as on the normal path. Slow, but it needs no
 * memory, so write-back under memory pressure (reclaim) still progresses.
 */
static void page_write_sync(struct page *page, struct address_space *m,
			    const struct page_blocks *pb, const u64 *pblk,
			    const struct block_run *runs, unsigned int nr)
{
	char *data = page_address(page);
	int err = 0;

	for (unsigned int i = 0; i < nr; i++) {
		int e = blkdev_rw(pb->inode->i_sb->s_bdev, BLK_WRITE,
				  pblk[runs[i].first] * pb->sectors, data + runs[i].first * pb->bsize,
				  runs[i].count * pb->sectors);

		if (e && !err)
			err = e;
	}
	mapping_set_error(m, err);
	end_page_writeback(page);
}

int block_write_full_page(struct page *page, get_block_t *get_block)
{
	struct address_space *m = page->mapping;
	struct page_blocks pb;
	char *data = page_address(page);
	unsigned int valid = bytes_in_file(page);
	u64 pblk[MAX_PAGE_EXTENTS];
	struct block_run runs[MAX_PAGE_EXTENTS];
	struct page_write *pw;
	unsigned int nr;
	int err;

	/* Callers wait for or skip a page already under write-back; one that
	 * did not waits here rather than put a second write in flight. */
	wait_on_page_writeback(page);
	/* Wholly past EOF (a truncate is about to drop it): nothing to write,
	 * and its bytes stay as they are, as Linux leaves them, for a reader
	 * that found the page before the truncate may still be copying it. */
	if (!valid) {
		unlock_page(page);
		return 0;
	}
	page_blocks_init(&pb, page);
	/* Stores past EOF through a mapping are not file data: never write them. */
	if (valid < PAGE_SIZE)
		memset(data + valid, 0, PAGE_SIZE - valid);
	/* Every block is mapped (and a hole with data allocated) before any
	 * I/O starts: a failure here leaves nothing half written and the
	 * page not under write-back, for the caller to redirty. */
	if (!page_blocks_cached(page, &pb, valid, pblk)) {
		err = map_page_for_write(&pb, data, valid, get_block, pblk);
		if (err) {
			unlock_page(page);
			return err;
		}
		page_blocks_remember(page, &pb, pblk);
	}
	nr = page_runs(&pb, pblk, runs);
	/* GFP_NOWAIT: never reclaim from here (reclaim itself writes pages
	 * through this path); without memory the write goes synchronously. */
	pw = nr ? kmalloc(sizeof(*pw) + nr * sizeof(pw->req[0]), GFP_NOWAIT) : NULL;
	/* Under write-back before the page lock goes: whoever locks the page
	 * next sees the write in flight (and waits for it or skips it). */
	set_page_writeback(page);
	unlock_page(page);
	if (!nr) {
		end_page_writeback(page);       /* all holes or past EOF: nothing to write */
		return 0;
	}
	if (!pw) {
		page_write_sync(page, m, &pb, pblk, runs, nr);
		return 0;
	}
	*pw = (struct page_write){ .page = page, .mapping = m, .pending = 1, .nr = nr };
	for (unsigned int i = 0; i < nr; i++)
		pw->req[i] = (struct blk_request){
			.op = BLK_WRITE,
			.sector = pblk[runs[i].first] * pb.sectors,
			.nr_sectors = runs[i].count * pb.sectors,
			.buf = data + runs[i].first * pb.bsize,
			.end_io = page_write_end_io,
			.private = pw,
		};
	for (unsigned int i = 0; i < nr; i++) {
		__atomic_add_fetch(&pw->pending, 1, __ATOMIC_RELAXED);
		err = blkdev_submit(pb.inode->i_sb->s_bdev, &pw->req[i]);
		if (err)                        /* refused: its end_io will not run */
			page_write_put(pw, err);
	}
	page_write_put(pw, 0);                  /* may end the write-back at once */
	return 0;
}

int block_prepare_write(struct page *page, unsigned int from, unsigned int to,
			get_block_t *get_block)
{
	struct page_blocks pb;

	u64 pblk[MAX_PAGE_EXTENTS];
	unsigned int first, i;

	ASSERT(PageLocked(page) && from <= to && to <= PAGE_SIZE);
	if (PageMappedToDisk(page))
		return 0;                       /* nothing to allocate */
	page_blocks_init(&pb, page);
	first = from / pb.bsize;
	for (i = first; i * pb.bsize < to; i++) {
		int err = get_block(pb.inode, pb.first + i, &pblk[i], true);

		if (err)
			return err;
	}
	/* The whole page was looked up: remember it, but only if each of its
	 * blocks holds a byte below EOF (see page_blocks_remember). */
	if (first == 0 && i == pb.per_page && (pb.per_page - 1) * pb.bsize < bytes_in_file(page))
		page_blocks_remember(page, &pb, pblk);
	return 0;
}

/*
 * Reserve, before a page of a shared mapping becomes writable, the disk
 * blocks its stores will need: every block of vmf->page below EOF that is
 * a hole gets one now. A full disk is then reported to the writer, as
 * SIGBUS on the store, instead of failing later at write-back, where the
 * stored bytes could only be dropped.
 *
 * Checked under the page lock, since the fault found the page without it:
 * that it is still in the file's cache and not wholly past EOF (a
 * truncate ran meanwhile; its blocks may already be freed). If not, the
 * fault is retried and ->fault decides again (SIGBUS past EOF).
 *
 * The page is dirtied here, under its lock, whatever happened: a block
 * just allocated holds what the disk held before (someone else's freed
 * data), and only writing the page's bytes over it makes the file read
 * as the page does. That must happen even if this fault goes no further
 * (-ENOSPC on a later block of the page, a retried fault). Holes left in
 * the page are zeros and stay holes at write-back. The fault path
 * dirties the page again once it is mapped, which changes nothing then.
 *
 * A page that remembers its blocks (PG_mappedtodisk) skips all of this:
 * it has no hole to fill.
 *
 * Returns 0, VM_FAULT_NOPAGE (retry), VM_FAULT_SIGBUS (-ENOSPC, -EIO,
 * -EFBIG) or VM_FAULT_OOM. Context: mmap_lock held for reading; the page
 * is referenced and unlocked on entry and exit; takes the page lock, and
 * get_block's locks inside it; may sleep.
 */
vm_fault_t block_page_mkwrite(struct vm_fault *vmf, get_block_t *get_block)
{
	struct page *page = vmf->page;
	struct address_space *m = vmf->vma->vm_file->f_inode->i_mapping;
	unsigned int valid;
	int err;

	/*
	 * The page remembers its blocks (every one of them on the disk): there
	 * is nothing to reserve, and neither its lock nor dirtying it here is
	 * needed, since the fault path dirties it under its lock once the PTE
	 * is writable (fault_dirty_shared_page). The flag, the mapping and
	 * i_size are read without the lock: if a truncate races with us, the
	 * fault path's own rechecks under the page-table lock (the PTE, or
	 * truncate_count for a new one) send the fault round again, as they
	 * do for a truncate that comes after the locked path's unlock; and a
	 * truncate that cut the page cleared the flag only for the blocks it
	 * freed past the new EOF, where our stores are not file data.
	 */
	if (PageMappedToDisk(page) && READ_ONCE(page->mapping) == m &&
	    bytes_in_inode(m->host, page->index))
		return 0;
	lock_page(page);
	valid = page->mapping == m ? bytes_in_file(page) : 0;
	if (!valid) {
		unlock_page(page);
		return VM_FAULT_NOPAGE;
	}
	ASSERT(PageUptodate(page));
	err = block_prepare_write(page, 0, valid, get_block);
	set_page_dirty(page);
	unlock_page(page);
	if (!err)
		return 0;
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}
