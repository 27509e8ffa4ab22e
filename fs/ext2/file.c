/*
 * ext2: regular files. Their data goes through the page cache with the
 * generic read/write/fsync of mm/filemap.c; what ext2 supplies is the
 * mapping from file blocks to disk blocks (ext2_get_block, blockmap.c),
 * plugged into the generic page I/O of fs/block_io.c, and truncation.
 *
 * Owns: ext2_aops; ext2_file_vm_ops, whose ->page_mkwrite gives a page
 * its disk blocks on the first store through a shared mapping (so that a
 * full disk is a SIGBUS at the store, not lost data at write-back);
 * truncate_blocks (zeroing the tail of the new last block, then freeing
 * the rest through blockmap.c); and the clean-up after a write that could
 * not get all its blocks: those allocated past i_size (before -ENOSPC on
 * a later block of the same page) are freed again, as e2fsck requires
 * that no block lie wholly past the end of a file.
 *
 * Locks: ->readpage and ->writepage run with the page locked, from read
 * or write-back (without i_rwsem); ->writepage returns with the page
 * unlocked and under write-back, its I/O in flight (fs/block_io.c), and
 * the blocks it writes stay allocated until the write ends, because
 * truncation waits for it (truncate_inode_pages) before
 * ext2_truncate_blocks frees them; ->prepare_write runs from write() with
 * i_rwsem and the page lock held. ->page_mkwrite runs with mmap_lock held
 * for reading and takes the page lock, but never i_rwsem: write() holds
 * i_rwsem while its user copy may fault (i_rwsem -> mmap_lock), so taking
 * it here would deadlock against a queued mmap_lock writer. None of this
 * needs it: get_block takes truncate_mutex, the block map's own lock.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/block_io.h>
#include <fs/ext2.h>
#include <fs/mpage.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/writeback.h>

static int ext2_readpage(struct file *file, struct page *page)
{
	return block_read_full_page(page, ext2_get_block);
}

/* ->readahead: asynchronous reads of a batch of new pages (fs/mpage.c). */
static void ext2_readahead(struct readahead_control *rac)
{
	mpage_readahead(rac, ext2_map_blocks);
}

static int ext2_writepage(struct page *page)
{
	return block_write_full_page(page, ext2_get_block);
}

/*
 * Allocate the blocks under bytes [@from, @to) of @page before write()
 * copies into them. If that fails part-way past the end of the file,
 * free what was allocated there (i_size has not moved).
 * Context: i_rwsem and the page lock held.
 */
static int ext2_prepare_write(struct file *file, struct page *page, unsigned int from,
			      unsigned int to)
{
	struct inode *inode = page->mapping->host;
	loff_t end = ((loff_t)page->index << PAGE_SHIFT) + to;
	int err = block_prepare_write(page, from, to, ext2_get_block);

	if (err && end > inode->i_size)
		ext2_free_blocks_from(inode, inode->i_size);
	return err;
}

/*
 * The new end of file falls inside a block that stays: zero the rest of
 * it on disk, through its page, or a later truncate up or write past the
 * end would bring the old bytes back (what Linux's block_truncate_page
 * does). The VFS zeroes the tail of that page only if it is cached.
 * A hole needs nothing, and is not filled: dirtying it would allocate it.
 * Context: i_rwsem held; takes the page lock.
 */
static int ext2_zero_eof_block(struct inode *inode)
{
	loff_t size = READ_ONCE(inode->i_size);
	unsigned int offset = size & (PAGE_SIZE - 1);
	struct page *page;
	u64 pblk;
	int err;

	if (!(size & (inode->i_sb->s_blocksize - 1)))
		return 0;
	err = ext2_get_block(inode, (u64)size >> inode->i_sb->s_blocksize_bits, &pblk, false);
	if (err || !pblk)
		return err;
	page = read_mapping_page(inode->i_mapping, (unsigned long)(size >> PAGE_SHIFT), NULL);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	lock_page(page);
	if (page->mapping == inode->i_mapping) {
		memset((char *)page_address(page) + offset, 0, PAGE_SIZE - offset);
		set_page_dirty(page);
	}
	unlock_page(page);
	put_page(page);
	return 0;
}

/* inode_operations->truncate_blocks: the VFS has set the smaller i_size
 * and dropped the pages past it. Returns 0 or -EIO.
 * Context: i_rwsem held for writing. */
int ext2_truncate_blocks(struct inode *inode)
{
	int err, e;

	if (!S_ISREG(inode->i_mode))
		return -EINVAL;
	err = ext2_zero_eof_block(inode);
	e = ext2_free_blocks_from(inode, READ_ONCE(inode->i_size));
	return err ? err : e;
}

/*
 * vm_operations_struct->page_mkwrite: a page of a shared mapping is about
 * to become writable. Its holes below EOF get disk blocks now, where -ENOSPC
 * can still reach the writer (SIGBUS), and the file's times change as for
 * a write (LINUX-SEMANTICS.md item 52). Called again on the first store
 * after each write-back (page_mkclean write-protects the page), when the
 * blocks exist: that costs a walk of the block map per block, and only
 * the times change. See block_page_mkwrite for the returns.
 * Context: mmap_lock held for reading; no i_rwsem; may sleep.
 */
static vm_fault_t ext2_page_mkwrite(struct vm_fault *vmf)
{
	vm_fault_t ret = block_page_mkwrite(vmf, ext2_get_block);

	if (!ret)
		file_update_time(vmf->vma->vm_file);
	return ret;
}

static const struct vm_operations_struct ext2_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.page_mkwrite = ext2_page_mkwrite,
	.name = "ext2",
};

/* file_operations->mmap: the page cache's mapping, with ext2's ops. */
static int ext2_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	int err = generic_file_mmap(file, vma);

	if (!err)
		vma->vm_ops = &ext2_file_vm_ops;
	return err;
}

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.readahead = ext2_readahead,
	.writepage = ext2_writepage,
	/* In index order under a plug: the requests of pages whose blocks
	 * follow each other on the disk merge into one (ext2 allocates a
	 * file's blocks in order, near its last one). */
	.writepages = generic_writepages,
	.prepare_write = ext2_prepare_write,
};

const struct file_operations ext2_file_operations = {
	.llseek = generic_file_llseek,
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.fsync = generic_file_fsync,
	.mmap = ext2_file_mmap,
};

const struct inode_operations ext2_file_inode_operations = {
	.truncate_blocks = ext2_truncate_blocks,
};

/* Devices, FIFOs and sockets: their opens are the VFS's (by type and
 * device number); ext2 has nothing to add. */
const struct inode_operations ext2_special_inode_operations = {
	.truncate_blocks = NULL,
};
