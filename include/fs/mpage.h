/*
 * Asynchronous page reads for block-based filesystems (fs/mpage.c): a
 * filesystem's ->readahead is mpage_readahead with its map_blocks.
 */
#ifndef _FS_MPAGE_H
#define _FS_MPAGE_H

#include <fs/block_io.h>
#include <fs/fs.h>

/*
 * Start reading every page of @rac (locked by readahead, new, in the
 * cache) without waiting: holes and bytes past EOF are zeroed here, the
 * mapped blocks read with one request per run contiguous on the disk,
 * under a plug. Each page is released (unlock_page_io) by its last
 * request's completion, uptodate, or zeroed and not uptodate after an
 * error; a page whose read cannot be started is released at once, not
 * uptodate. Context: process, may sleep; see ->readahead (include/fs/fs.h).
 */
void mpage_readahead(struct readahead_control *rac, map_blocks_t *map_blocks);

#endif
