/*
 * Write-back and reclaim of the page cache (mm/page-writeback.c), and the
 * page-cache internals they share with mm/filemap.c.
 *
 * Policy, after Linux's defaults:
 *   - the flusher thread wakes every DIRTY_WRITEBACK_INTERVAL_MS and writes
 *     back files whose first dirty page is older than DIRTY_EXPIRE_MS, plus
 *     metadata buffers dirty for that long;
 *   - a task that dirties pages while more than DIRTY_RATIO_PERCENT of
 *     memory is dirty writes some of its own file's pages itself before
 *     going on (balance_dirty_pages), so dirty memory stays bounded;
 *   - when the page allocator runs dry it reclaims clean, unmapped,
 *     unreferenced page-cache pages (shrink_page_cache), oldest file first
 *     in list order; dirty pages wait for write-back.
 */
#ifndef _MM_WRITEBACK_H
#define _MM_WRITEBACK_H

#include <fs/fs.h>

#define DIRTY_WRITEBACK_INTERVAL_MS 5000
#define DIRTY_EXPIRE_MS 30000
#define DIRTY_RATIO_PERCENT 20

/* Global counters, in pages (atomic). */
void writeback_account_cached(long delta);
void writeback_account_dirty(long delta);
void writeback_account_writeback(long delta);
void writeback_stats(unsigned long *cached, unsigned long *dirty, unsigned long *writeback);

/* The list of mappings that have pages (for reclaim). Context: the
 * mapping's tree_lock held. */
void mapping_list_add(struct address_space *m);
void mapping_list_del(struct address_space *m);
/* The same from reclaim, which already holds the list's lock. */
void mapping_list_del_reclaim(struct address_space *m);

/* Write one locked page if dirty; returns with it unlocked. */
int write_one_page(struct page *page);
/* Write up to @max_pages dirty pages of @m; returns the first error. */
int write_mapping_pages(struct address_space *m, unsigned long max_pages);
/* Reclaim up to @nr clean pages of @m (tries locks only). */
unsigned long shrink_mapping(struct address_space *m, unsigned long nr);
/* Reclaim up to @nr clean pages from every mapping; returns pages freed.
 * Called by the page allocator; never sleeps, only tries locks. */
unsigned long shrink_page_cache(unsigned long nr);

/* A task just dirtied pages of @m: throttle it if too much is dirty. */
void balance_dirty_pages(struct address_space *m);

/* Start the flusher thread (after the root filesystem is mounted). */
void writeback_init(void);

#endif
