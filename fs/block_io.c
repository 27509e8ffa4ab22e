/*
 * Page I/O for block-based filesystems (see include/fs/block_io.h).
 *
 * A page covers PAGE_SIZE / blocksize blocks of a file. Each block is
 * mapped to the disk on its own with the filesystem's get_block, and read
 * or written with one request; a hole reads as zeros. Bytes of the page
 * past i_size are always zeros on disk and after a read: they may hold
 * stores through a mapping, which are not file data
 * (LINUX-SEMANTICS.md, items 32 and 33).
 *
 * Locks: every function here is called with the page locked, and the
 * filesystem's get_block relies on that (no two tasks map or allocate the
 * same block of a file at once). They may sleep (disk I/O).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/block_io.h>
#include <mm/filemap.h>

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

/* Bytes of the page that lie inside the file (0..PAGE_SIZE). */
static unsigned int bytes_in_file(struct page *page)
{
	loff_t size = READ_ONCE(page->mapping->host->i_size);
	loff_t start = (loff_t)page->index << PAGE_SHIFT;

	if (size <= start)
		return 0;
	return size - start >= (loff_t)PAGE_SIZE ? PAGE_SIZE : (unsigned int)(size - start);
}

static int block_io(struct page_blocks *pb, enum blk_op op, u64 pblk, void *buf)
{
	return blkdev_rw(pb->inode->i_sb->s_bdev, op, pblk * pb->sectors, buf, pb->sectors);
}

int block_read_full_page(struct page *page, get_block_t *get_block)
{
	struct page_blocks pb;
	char *data = page_address(page);
	unsigned int valid = bytes_in_file(page);
	int err = 0;

	page_blocks_init(&pb, page);
	for (unsigned int i = 0; i < pb.per_page && !err; i++) {
		unsigned int off = i * pb.bsize;
		u64 pblk = 0;

		if (off >= valid) {
			memset(data + off, 0, pb.bsize);        /* wholly past EOF */
			continue;
		}
		err = get_block(pb.inode, pb.first + i, &pblk, false);
		if (err)
			break;
		if (!pblk)
			memset(data + off, 0, pb.bsize);        /* a hole */
		else
			err = block_io(&pb, BLK_READ, pblk, data + off);
	}
	if (!err) {
		if (valid < PAGE_SIZE)                  /* the last block's tail */
			memset(data + valid, 0, PAGE_SIZE - valid);
		set_page_flag(page, PG_uptodate);
	}
	unlock_page(page);
	return err;
}

int block_write_full_page(struct page *page, get_block_t *get_block)
{
	struct page_blocks pb;
	char *data = page_address(page);
	unsigned int valid = bytes_in_file(page);
	int err = 0;

	page_blocks_init(&pb, page);
	/* Stores past EOF through a mapping are not file data: never write them. */
	if (valid < PAGE_SIZE)
		memset(data + valid, 0, PAGE_SIZE - valid);
	for (unsigned int i = 0; i < pb.per_page && !err; i++) {
		char *block = data + i * pb.bsize;
		u64 pblk = 0;

		if (i * pb.bsize >= valid)
			break;                          /* the rest of the page is past EOF */
		err = get_block(pb.inode, pb.first + i, &pblk, false);
		if (!err && !pblk) {
			/* A hole. write() gave the blocks it wrote a disk block
			 * in prepare_write, so this one holds what the hole reads
			 * as (zeros, keep the file sparse) unless it was stored
			 * to through a mapping: then allocate it now. */
			if (!memchr_inv(block, 0, pb.bsize))
				continue;
			err = get_block(pb.inode, pb.first + i, &pblk, true);
		}
		if (!err)
			err = block_io(&pb, BLK_WRITE, pblk, block);
	}
	unlock_page(page);
	return err;
}

int block_prepare_write(struct page *page, unsigned int from, unsigned int to,
			get_block_t *get_block)
{
	struct page_blocks pb;

	ASSERT(PageLocked(page) && from <= to && to <= PAGE_SIZE);
	page_blocks_init(&pb, page);
	for (unsigned int i = from / pb.bsize; i * pb.bsize < to; i++) {
		u64 pblk = 0;
		int err = get_block(pb.inode, pb.first + i, &pblk, true);

		if (err)
			return err;
	}
	return 0;
}
