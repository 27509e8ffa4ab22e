/*
 * ext2: regular files. Their data goes through the page cache with the
 * generic read/write/fsync of mm/filemap.c; what ext2 supplies is the
 * mapping from file blocks to disk blocks (ext2_get_block, blockmap.c),
 * plugged into the generic page I/O of fs/block_io.c, and truncation.
 *
 * Owns: ext2_aops; truncate_blocks (zeroing the tail of the new last
 * block, then freeing the rest through blockmap.c); and the clean-up
 * after a write that could not get all its blocks: those allocated past
 * i_size (before -ENOSPC on a later block of the same page) are freed
 * again, as e2fsck requires that no block lie wholly past the end of a
 * file.
 *
 * Locks: ->readpage and ->writepage run with the page locked, from read
 * or writeback (without i_rwsem); ->prepare_write runs from write() with
 * i_rwsem and the page lock held. get_block takes truncate_mutex.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/block_io.h>
#include <fs/ext2.h>
#include <mm/filemap.h>

static int ext2_readpage(struct file *file, struct page *page)
{
	return block_read_full_page(page, ext2_get_block);
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

const struct address_space_operations ext2_aops = {
	.readpage = ext2_readpage,
	.writepage = ext2_writepage,
	.prepare_write = ext2_prepare_write,
};

const struct file_operations ext2_file_operations = {
	.llseek = generic_file_llseek,
	.read_iter = generic_file_read_iter,
	.write_iter = generic_file_write_iter,
	.fsync = generic_file_fsync,
	.mmap = generic_file_mmap,
};

const struct inode_operations ext2_file_inode_operations = {
	.truncate_blocks = ext2_truncate_blocks,
};

/* Symlinks, devices, FIFOs and sockets: nothing the VFS can do with them
 * yet but stat and unlink them. */
const struct inode_operations ext2_special_inode_operations = {
	.truncate_blocks = NULL,
};
