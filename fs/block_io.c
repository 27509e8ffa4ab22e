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
 * A page written through a shared mapping gets its blocks when it is
 * first written (block_page_mkwrite, from ->page_mkwrite), so that a full
 * disk is reported to the writer as SIGBUS; write-back then finds every
 * block below EOF allocated. A page written by write() gets the blocks it
 * covers in block_prepare_write. Write-back itself allocates only for a
 * hole that holds something other than zeros, which neither path left
 * (see block_write_full_page), and otherwise keeps holes sparse.
 *
 * Locks: every function here is called with the page locked (or, for
 * block_page_mkwrite, takes the lock), and the filesystem's get_block
 * relies on that (no two tasks map or allocate the same block of a file
 * at once). They may sleep (disk I/O).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/block_io.h>
#include <mm/filemap.h>
#include <mm/mm.h>

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
			 * in prepare_write, and a store through a mapping gave
			 * the whole page its blocks in block_page_mkwrite, so
			 * this one holds what the hole reads as: zeros, and the
			 * file stays sparse. Nonzero bytes here were stored
			 * through a writable PTE that ->page_mkwrite never saw
			 * (one a read fault mapped writable in a VMA without
			 * write notification, or one that stayed writable while
			 * i_size grew over this block): only then is the block
			 * allocated now, and that can fail. */
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
