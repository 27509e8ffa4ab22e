/*
 * Generic file I/O for block-based filesystems (fs/block_io.c), as Linux's
 * fs/buffer.c helpers: the filesystem supplies one function, get_block,
 * that maps a block of a file to a block of the disk, and these helpers
 * implement ->readpage, ->writepage and ->prepare_write with it, and
 * ->page_mkwrite's block reservation.
 *
 * A page (4 KiB) holds PAGE_SIZE / blocksize file blocks; each is read or
 * written on its own, so a page may be partly holes.
 */
#ifndef _FS_BLOCK_IO_H
#define _FS_BLOCK_IO_H

#include <fs/fs.h>
#include <mm/mm.h>

/*
 * Map file block @iblock of @inode to a disk block in *@pblk. With
 * @create false a hole gives 0 in *@pblk (and returns 0). With @create
 * true a hole is allocated (zeroed on disk, or known to be written whole
 * before it is read). Returns 0, -ENOSPC, -EIO, or -EFBIG (past the largest
 * file the format allows).
 * Context: may sleep; the caller holds the page lock of the page the block
 * belongs to (so two tasks never allocate the same block of a file).
 */
typedef int (get_block_t)(struct inode *inode, u64 iblock, u64 *pblk, bool create);

/*
 * Every block of @page is on the disk, in order from disk block @pblk:
 * remembered on the page, so that page_mkwrite and write-back look
 * nothing up (fs/block_io.c, page_blocks_remember, says why it stays
 * true). For a filesystem's own read path. Context: page locked.
 */
void set_page_mapped_to_disk(struct page *page, u64 pblk);

int block_read_full_page(struct page *page, get_block_t *get_block);
int block_write_full_page(struct page *page, get_block_t *get_block);
int block_prepare_write(struct page *page, unsigned int from, unsigned int to,
			get_block_t *get_block);
/*
 * For a filesystem's ->page_mkwrite: allocate the holes of vmf->page below
 * EOF (the page's blocks are then all on disk before a store can reach
 * it), and dirty the page. Returns 0, VM_FAULT_NOPAGE if the page was
 * truncated meanwhile (the fault is retried), VM_FAULT_SIGBUS (no space,
 * I/O error) or VM_FAULT_OOM. Context: mmap_lock held for reading; page
 * referenced and unlocked on entry and exit; may sleep.
 */
vm_fault_t block_page_mkwrite(struct vm_fault *vmf, get_block_t *get_block);

/*
 * Readahead's mapping (fs/mpage.c), get_block without @create for a run:
 * map file block @iblock and as many after it (@max in all) as continue
 * it on the disk, in one walk of the map instead of one per block. Sets
 * *@pblk to the first one's disk block, or 0 for a hole, and returns the
 * run's length (at least 1; a hole's run is 1), or -EIO / -ENOMEM. The
 * answer holds only while the pages of those blocks stay locked (truncate
 * frees a block only after it has dropped the page: it waits for the
 * lock). Context: may sleep.
 */
typedef int (map_blocks_t)(struct inode *inode, u64 iblock, unsigned int max, u64 *pblk);

#endif
