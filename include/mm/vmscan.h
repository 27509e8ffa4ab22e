/*
 * Page reclaim (mm/vmscan.c): the LRU lists, kswapd, and the direct
 * reclaim that the page allocator runs when memory is short
 * (docs/reclaim.md).
 *
 * Every page of a file's page cache (not shmem's: it has no other copy)
 * and every anonymous page is on one of four lists (Linux's) from the
 * moment it enters the cache or its fault makes it until it is freed:
 * inactive or active, for file pages or for anonymous ones. Inactive:
 * new, or not used since it was last looked at; active: used again.
 * PG_lru says the page is on a list, PG_swapbacked of which kind,
 * PG_active which one, PG_referenced that it was used since reclaim last
 * looked (mark_page_accessed, or a PTE's accessed bit seen by
 * page_referenced). Reclaim takes pages from the inactive tails, unmaps
 * them (try_to_unmap) and frees those that are clean, not under
 * write-back and referenced by nothing but the cache; kswapd writes dirty
 * file pages first. It keeps each inactive list at least as long as its
 * active one by moving pages over. Anonymous lists are scanned only while
 * swap exists.
 */
#ifndef _MM_VMSCAN_H
#define _MM_VMSCAN_H

#include <mm/page_alloc.h>

/* Pages reclaim takes off a list at a time (Linux's SWAP_CLUSTER_MAX). */
#define SWAP_CLUSTER_MAX 32
/* A reclaim pass looks at lists >> priority pages, from this down to 0
 * (Linux's DEF_PRIORITY): 1/4096 of each list first, all of it last. */
#define DEF_PRIORITY 12

/* What one reclaim pass saw, for the allocator's decision to wait. */
struct reclaim_stat {
	unsigned long nr_scanned;       /* inactive pages looked at */
	unsigned long nr_reclaimed;     /* pages freed (page cache and buffers) */
	unsigned long nr_dirty;         /* skipped: dirty (the flusher or kswapd must write them) */
	unsigned long nr_writeback;     /* skipped: locked or under write-back */
};

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	NR_LRU_LISTS
};
#define LRU_ACTIVE 1    /* an inactive list + LRU_ACTIVE: its active one */

/* A new page-cache page of @m joins the inactive file list (not for an
 * unevictable mapping). Context: any task; takes lru_lock. */
void lru_cache_add(struct address_space *m, struct page *page);
/* A new anonymous page (PG_swapbacked) joins the inactive anon list.
 * Context: any task; takes lru_lock. */
void lru_cache_add_anon(struct page *page);
/* @page (referenced by the caller) was read or written: the first use
 * sets PG_referenced, a second one moves it to the active list. */
void mark_page_accessed(struct page *page);
/* The allocator frees a page with PG_lru set: take it off its list.
 * Context: the last reference is gone; takes lru_lock (irqsave). */
void lru_page_freed(struct page *page);

/*
 * One pass of reclaim for an allocation of 2^@order pages: moves pages
 * from an active to its inactive list if that one is short, frees up to
 * SWAP_CLUSTER_MAX << order reclaimable pages from the inactive tails
 * (unmapping mapped ones), and, if that was not enough, asks the
 * shrinkers (buffer and inode caches) for 4 x that many objects. Runs
 * with PF_MEMALLOC. Fills @rs. Returns the pages freed.
 * Context: the caller must hold no spinlock (it takes the reverse-map
 * locks, tree_lock, lru_lock and bcache_lock, and sends TLB shootdowns);
 * page locks are only tried (trylock_page), a busy page skipped. Direct
 * reclaim never sleeps in it; kswapd's sleeps in ->writepage (pageout).
 */
unsigned long try_to_free_pages(unsigned int order, struct reclaim_stat *rs);
/* Free every reclaimable page (passes until one frees nothing): for tests
 * and for dropping caches. Returns pages freed. Context: no spinlock held. */
unsigned long shrink_all_memory(void);

/*
 * Wait until some page's write-back ends or @ms milliseconds pass
 * (Linux's reclaim_throttle). Context: may sleep.
 */
void reclaim_throttle(unsigned int ms);
/* A write-back ended or the flusher finished a batch: wake throttled
 * reclaimers. Context: any task. */
void wake_up_reclaim_throttled(void);

/*
 * kswapd (docs/reclaim.md): wake it if it is asleep. The allocator calls
 * this when an allocation leaves fewer than the low watermark free.
 * Context: any (interrupts, spinlocks held); takes kswapd_wait.lock only
 * on the first call since kswapd last woke.
 */
void wakeup_kswapd(void);
/* Is the current task kswapd? (its reclaim counts as pgscan_kswapd) */
bool current_is_kswapd(void);
/* For ktests that drain memory on purpose: hold kswapd off (waits until
 * a run under way ends) or let it work again. Context: may sleep. */
void kswapd_pause(bool pause);
/* Start kswapd. Context: boot, after the scheduler can run threads. */
void kswapd_init(void);

struct lru_stats {
	unsigned long nr_inactive_anon, nr_active_anon;
	unsigned long nr_inactive_file, nr_active_file;
};
void lru_stats(struct lru_stats *st);

#endif
