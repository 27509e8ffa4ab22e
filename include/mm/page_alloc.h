/*
 * The page allocator: a binary buddy allocator over struct page.
 *
 * Free memory is kept in blocks of 2^order pages (order 0..MAX_ORDER),
 * each naturally aligned. Allocation splits a larger block when no block of
 * the wanted order is free; freeing merges a block with its buddy (the
 * block it was split from) as long as the buddy is free too, so memory
 * does not fragment into single pages over time.
 *
 * Watermarks (docs/reclaim.md): an ordinary allocation leaves at least
 * the zone's min watermark of pages free; GFP_ATOMIC may take half of that
 * reserve, and the flusher, which frees memory by writing it back, all of
 * it. Below the watermark, an allocation that may sleep
 * (__GFP_DIRECT_RECLAIM, part of GFP_KERNEL) enters direct reclaim
 * (mm/vmscan.c): it frees clean page-cache pages and buffers, has dirty
 * pages written back and waits for that, and retries; it fails only when a
 * bounded number of passes in a row freed nothing. One that may not sleep
 * never reclaims.
 *
 * Context: any, including interrupt handlers (zone->lock is taken with
 * interrupts disabled). Sleeps only with __GFP_DIRECT_RECLAIM, and only in
 * a context that may sleep (no spinlock, interrupts on, not in a handler);
 * a sleeping allocation asked for elsewhere is served as GFP_NOWAIT, with a
 * warning once. Locks an allocating caller may hold: see docs/reclaim.md.
 */
#ifndef _MM_PAGE_ALLOC_H
#define _MM_PAGE_ALLOC_H

#include <kernel/types.h>
#include <mm/mm_types.h>

#define MAX_ORDER 10                    /* largest block: 2^10 pages = 4 MiB */

typedef unsigned int gfp_t;
#define __GFP_ZERO      0x1u            /* zero the pages */
#define __GFP_NORETRY   0x2u            /* one reclaim pass at most, then fail */
#define __GFP_DIRECT_RECLAIM 0x4u       /* may sleep: reclaim, wait for write-back */
#define __GFP_HIGH      0x8u            /* may use half of the reserve below the watermark */
#define GFP_KERNEL      __GFP_DIRECT_RECLAIM    /* process context, no spinlock held */
#define GFP_NOWAIT      0x0u            /* never sleeps, no reserve: fails fast */
#define GFP_ATOMIC      __GFP_HIGH      /* never sleeps; interrupts, under spinlocks */

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

extern struct page *mem_map;
extern unsigned long max_pfn;

static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
static inline unsigned long page_to_pfn(const struct page *p) { return (unsigned long)(p - mem_map); }
static inline phys_addr_t page_to_phys(const struct page *p) { return PFN_PHYS(page_to_pfn(p)); }
static inline void *page_address(const struct page *p) { return __va(page_to_phys(p)); }
static inline struct page *virt_to_page(const void *va) { return pfn_to_page(PFN_DOWN(__pa(va))); }
static inline bool pfn_valid(unsigned long pfn) { return pfn < max_pfn; }

/*
 * Returns a block of 2^order pages with refcount 1, or NULL. When memory
 * is short, a GFP_KERNEL caller reclaims and waits for write-back first
 * (see above); NULL then means nothing more could be freed.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
/* Drop a reference to a block from alloc_pages(); frees it at zero. */
void __free_pages(struct page *page, unsigned int order);

/* Direct-map address of new pages, or NULL; and the matching free. */
void *get_free_pages(gfp_t gfp, unsigned int order);
void free_pages(void *addr, unsigned int order);

static inline void get_page(struct page *p) { page_ref_inc(p); }
/* Drop a reference to an order-0 page; frees it at zero. */
void put_page(struct page *p);

struct page_alloc_stats {
	unsigned long total_pages;      /* pages handed to the allocator at boot */
	unsigned long free_pages;
	unsigned long free_blocks[MAX_ORDER + 1];
	unsigned long allocs, frees;
	unsigned long min_wmark;        /* pages an ordinary allocation leaves free */
};
void page_alloc_stats(struct page_alloc_stats *st);
unsigned long nr_free_pages(void);
/* Pages handed to the allocator at boot (total_pages above), without the
 * zone lock: fixed once the system runs. */
unsigned long nr_managed_pages(void);

/* The free-page watermarks, fixed at boot (docs/reclaim.md): ordinary
 * allocations leave "min" free; below "low" the allocator wakes kswapd,
 * which reclaims until "high" pages are free. */
struct zone_watermarks {
	unsigned long min, low, high;
};
void zone_watermarks(struct zone_watermarks *w);

/* Boot: build mem_map and give every unreserved page to the allocator. */
void page_alloc_init(void);

#endif
