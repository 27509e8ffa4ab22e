/*
 * Write-back and reclaim of the page cache (mm/page-writeback.c), and the
 * page-cache internals they share with mm/filemap.c.
 *
 * Policy, after Linux's defaults:
 *   - the flusher thread wakes every DIRTY_WRITEBACK_INTERVAL_MS and writes
 *     back files whose first dirty page is older than DIRTY_EXPIRE_MS, plus
 *     metadata buffers dirty for that long;
 *   - once more than DIRTY_BACKGROUND_RATIO_PERCENT of memory is dirty, a
 *     task that dirties pages wakes the flusher, which writes back in
 *     batches (background write-back);
 *   - a task that dirties pages while more than DIRTY_RATIO_PERCENT of
 *     memory is dirty writes some of its own file's pages itself before
 *     going on, or waits for the flusher (balance_dirty_pages), so dirty
 *     memory stays bounded;
 *   - when the page allocator runs short, reclaim (mm/vmscan.c) frees
 *     clean pages; if it finds only dirty ones it wakes the flusher
 *     (wakeup_flusher_threads) and waits for write-back.
 */
#ifndef _MM_WRITEBACK_H
#define _MM_WRITEBACK_H

#include <fs/fs.h>

#define DIRTY_WRITEBACK_INTERVAL_MS 5000
#define DIRTY_EXPIRE_MS 30000
#define DIRTY_RATIO_PERCENT 20
#define DIRTY_BACKGROUND_RATIO_PERCENT 10
#define DIRTY_THROTTLE_MS 20            /* a throttled writer's wait for the flusher */
#define FLUSHER_BATCH 1024              /* pages the flusher writes per wake-up, at least */

/* Global counters, in pages (atomic). */
void writeback_account_cached(long delta);
void writeback_account_dirty(long delta);
void writeback_account_writeback(long delta);
void writeback_stats(unsigned long *cached, unsigned long *dirty, unsigned long *writeback);

/* The list of mappings that have pages (the GDB helpers walk it; reclaim
 * uses the LRU lists of mm/vmscan.c). Context: the mapping's tree_lock held. */
void mapping_list_add(struct address_space *m);
void mapping_list_del(struct address_space *m);

/*
 * What a ->writepages call is to do (Linux's struct writeback_control,
 * reduced to what Faultline's callers ask).
 */
struct writeback_control {
	unsigned long nr_to_write;      /* start at most this many pages */
	/* Data integrity (fsync, msync MS_SYNC, sync): wait for each dirty
	 * page's lock and for an earlier write of it still in flight, so
	 * what the page holds now reaches the disk. Without it (the flusher,
	 * a throttled writer) such pages are skipped, left dirty. */
	bool sync;
	unsigned long nr_written;       /* out: pages whose write was started */
};

/* Start the writes @wbc asks for through @m's ->writepages, or
 * generic_writepages without one. Returns the first error. Context: may
 * sleep; no lock held. */
int do_writepages(struct address_space *m, struct writeback_control *wbc);
/* ->writepages for any mapping with ->writepage: the dirty pages in index
 * order, each through ->writepage, under one plug so that the requests
 * of adjacent pages merge. */
int generic_writepages(struct address_space *m, struct writeback_control *wbc);

/* Start the write of one locked page if dirty (waiting first for an
 * earlier write of it still in flight); returns with it unlocked, the
 * write in flight (mm/filemap.c). Returns 0 or the error of a write that
 * could not be started (the page is dirty again then). */
int write_one_page(struct page *page);
/* Start the writes of up to @max_pages dirty pages of @m (waiting for page
 * locks, and for earlier writes of a page still in flight, but not for the
 * writes it starts); returns the first error. */
int write_mapping_pages(struct address_space *m, unsigned long max_pages);
/* The same, skipping pages that are locked or under write-back (the
 * flusher's way: it must not wait for a page whose holder may be waiting
 * for it, nor for the disk). Adds the pages started to *@written. */
int write_mapping_pages_nonblock(struct address_space *m, unsigned long max_pages,
				 unsigned long *written);

/* Are any pages dirty or under write-back? (Reclaim: is waiting useful?)
 * Pages under write-back are counted by set_page_writeback and
 * end_page_writeback (mm/filemap.c), from any context. */
bool writeback_pending(void);
/* Ask the flusher to write back about @nr_pages dirty pages now.
 * Context: any task, no spinlock held. */
void wakeup_flusher_threads(unsigned long nr_pages);
/* Is the caller the flusher? (It may use the allocator's whole reserve,
 * and must not wait for itself.) */
bool current_is_flusher(void);

/* A task just dirtied pages of @m: throttle it if too much is dirty. */
void balance_dirty_pages(struct address_space *m);

/* Start the flusher thread (after the root filesystem is mounted). */
void writeback_init(void);

#endif
