/*
 * The buddy page allocator (see include/mm/page_alloc.h).
 *
 * Owns: mem_map (one struct page per frame below max_pfn) and the zone's
 * free lists. Invariants, under zone.lock:
 *   - a free block of order k starts at a pfn that is a multiple of 2^k;
 *     its first page has PG_buddy set and private == k, and sits on
 *     free_area[k]; the other pages of the block have neither;
 *   - two free buddies of the same order never coexist: freeing merges them.
 * The buddy of the block at pfn p of order k is at p ^ 2^k.
 *
 * Watermark: zone.min_wmark pages stay free for GFP_ATOMIC (half of them)
 * and the flusher and reclaim itself (PF_MEMALLOC: all of them); an
 * ordinary allocation that would go below it enters the slow path, which
 * reclaims (mm/vmscan.c) if the caller may sleep and is not reclaiming
 * already (docs/reclaim.md).
 *
 * Lock order: zone.lock is a leaf; nothing is called with it held. The
 * slow path runs with no lock of this file held, and only in a context
 * that may sleep.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/memblock.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/rmap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>
#include <asm/percpu.h>
#include <asm/processor.h>

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;                  /* blocks on the list */
};

struct zone {
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER + 1];
	unsigned long managed_pages;            /* (c) after boot */
	unsigned long min_wmark;                /* (c) after boot: the reserve, in pages */
	unsigned long low_wmark;                /* (c) after boot: below it, kswapd is woken */
	unsigned long high_wmark;               /* (c) after boot: kswapd reclaims up to it */
	unsigned long free_pages;
	unsigned long allocs, frees;
};

struct page *mem_map;
unsigned long max_pfn;
static struct zone zone = { .lock = SPINLOCK_INIT("zone.lock") };

static bool page_is_buddy(struct page *page, unsigned int order)
{
	return PageBuddy(page) && page->private == order;
}

static void add_to_free_list(struct page *page, unsigned int order)
{
	set_page_flag(page, PG_buddy);
	page->private = order;
	list_add(&page->lru, &zone.free_area[order].free_list);
	zone.free_area[order].nr_free++;
}

static void del_from_free_list(struct page *page, unsigned int order)
{
	list_del(&page->lru);
	clear_page_flag(page, PG_buddy);
	page->private = 0;
	zone.free_area[order].nr_free--;
}

/* Free a block, merging it with its buddy as far up as possible.
 * Context: zone.lock held. */
static void free_one_page_locked(unsigned long pfn, unsigned int order)
{
	ASSERT_HELD(&zone.lock);
	zone.free_pages += 1UL << order;
	while (order < MAX_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(buddy, order))
			break;
		del_from_free_list(buddy, order);
		pfn &= ~(1UL << order);                 /* the merged block starts at the lower one */
		order++;
	}
	add_to_free_list(pfn_to_page(pfn), order);
}

/* Take a block of @order, splitting a larger one if needed.
 * Context: zone.lock held. */
static struct page *take_block_locked(unsigned int order)
{
	ASSERT_HELD(&zone.lock);
	for (unsigned int o = order; o <= MAX_ORDER; o++) {
		struct free_area *area = &zone.free_area[o];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_from_free_list(page, o);
		/* Give the upper halves back until the block is the wanted size. */
		while (o > order) {
			o--;
			add_to_free_list(page + (1UL << o), o);
		}
		zone.free_pages -= 1UL << order;
		return page;
	}
	return NULL;
}

static void bad_page(struct page *page, const char *reason)
{
	panic("Bad page state: pfn %#lx flags %#lx count %d mapcount %d: %s",
	      page_to_pfn(page), page->flags, page_ref_count(page), page_mapcount(page), reason);
}

/* A page leaving or entering the allocator must be in a clean state. */
static void check_free_page(struct page *page)
{
	if (page->flags & ((1UL << PG_reserved) | (1UL << PG_buddy) | (1UL << PG_slab) |
			   (1UL << PG_locked) | (1UL << PG_writeback) | (1UL << PG_swapcache)))
		bad_page(page, "flags set on a page being freed");
	if (page_mapcount(page) != 0)
		bad_page(page, "still mapped");
	if (page->mapping)
		bad_page(page, "still in a mapping");
	if (page->anon_vma)
		bad_page(page, "still has an anon_vma");
}

/*
 * Take a block of @order if that leaves at least @reserve pages free.
 * Context: any; takes zone.lock.
 */
static struct page *take_block(unsigned int order, unsigned long reserve)
{
	unsigned long flags = spin_lock_irqsave(&zone.lock);
	struct page *page = NULL;

	if (zone.free_pages >= reserve + (1UL << order))
		page = take_block_locked(order);
	if (page)
		zone.allocs++;
	spin_unlock_irqrestore(&zone.lock, flags);
	return page;
}

/* Pages an allocation must leave free: the whole reserve for an ordinary
 * one; half for GFP_ATOMIC and for a task with SIGKILL pending (an OOM
 * victim must be able to finish exiting, which frees far more, as
 * Linux's TIF_MEMDIE); none for the flusher and for a reclaiming task
 * (PF_MEMALLOC: they free memory by writing pages back or unmapping them,
 * and that needs a little). */
static bool current_dying(void)
{
	struct task_struct *me = current;       /* NULL early in boot */

	return me && fatal_signal_pending(me);
}

/* Is the task reclaiming (PF_MEMALLOC)? Not in an interrupt, which only
 * borrows the task. */
static bool current_in_memalloc(void)
{
	struct task_struct *me = current;

	return me && !this_cpu_read(irq_depth) && (me->flags & PF_MEMALLOC);
}

static unsigned long alloc_reserve(gfp_t gfp)
{
	if (this_cpu_read(irq_depth))
		return (gfp & __GFP_HIGH) ? zone.min_wmark / 2 : zone.min_wmark;
	if (current_is_flusher() || current_in_memalloc())
		return 0;
	if ((gfp & __GFP_HIGH) || current_dying())
		return zone.min_wmark / 2;
	return zone.min_wmark;
}

/* May this allocation sleep here? Only if it asked to and the context
 * allows it (no spinlock, interrupts on, not in a handler). */
static bool alloc_may_sleep(gfp_t gfp)
{
	if (!gfpflags_allow_blocking(gfp))
		return false;
	if (preempt_count() || irqs_disabled() || this_cpu_read(irq_depth)) {
		static bool warned;

		if (!warned) {
			warned = true;
			pr_warn("page_alloc: a sleeping allocation (gfp %#x) where sleeping is not "
				"allowed: served as GFP_ATOMIC; the caller should say so:\n", gfp);
			dump_stack();
		}
		return false;
	}
	return true;
}

/*
 * Reclaim and retry until a block is free. A pass that frees nothing
 * counts against MAX_RECLAIM_RETRIES; when pages are dirty or under
 * write-back, the flusher is asked to write and the caller waits for
 * write-back to progress before the next pass (so a writer cannot run the
 * machine out of clean pages faster than the disk takes them). Blocks
 * larger than a page also give up after that many passes in all: freeing
 * pages one by one may never make their buddies meet. A task with SIGKILL
 * pending (an OOM victim, say) gives up at once, so that it can exit and
 * free what it has. Returns the block or NULL (the caller reports ENOMEM,
 * or the fault path calls the OOM killer). Context: may sleep; the
 * caller holds no spinlock (it may hold sleeping locks: docs/reclaim.md).
 */
#define MAX_RECLAIM_RETRIES 16
#define RECLAIM_THROTTLE_MS 100

static struct page *alloc_pages_slowpath(gfp_t gfp, unsigned int order, unsigned long reserve)
{
	unsigned int no_progress = 0, passes = 0;
	struct reclaim_stat rs;
	struct page *page;

	count_vm_event(ALLOCSTALL);
	for (;;) {
		unsigned long freed = try_to_free_pages(order, &rs);

		page = take_block(order, reserve);
		if (page)
			return page;
		if (current_dying() || (gfp & __GFP_NORETRY))
			break;
		no_progress = freed ? 0 : no_progress + 1;
		if (no_progress > MAX_RECLAIM_RETRIES ||
		    (order > 0 && ++passes > MAX_RECLAIM_RETRIES))
			break;
		if (freed)
			continue;               /* someone else took them: go again */
		if (current_is_flusher())
			break;                  /* it would wait for itself */
		if (rs.nr_dirty || rs.nr_writeback || writeback_pending())
			wakeup_flusher_threads(rs.nr_dirty + SWAP_CLUSTER_MAX);
		reclaim_throttle(RECLAIM_THROTTLE_MS);
	}
	count_vm_event(FL_ALLOC_FAIL);
	return NULL;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long reserve = alloc_reserve(gfp);
	struct page *page;

	if (order > MAX_ORDER)
		return NULL;
	page = take_block(order, reserve);
	if (!page) {
		if (current_in_memalloc()) {
			/* Reclaim's own allocation: it already had the whole
			 * reserve, and must not reclaim (recurse) or wait for
			 * itself. Its caller copes with NULL. */
			count_vm_event(FL_ALLOC_ATOMIC_FAIL);
		} else if (alloc_may_sleep(gfp)) {
			might_sleep();
			page = alloc_pages_slowpath(gfp, order, reserve);
		} else {
			/* A caller that cannot sleep gets what is left of
			 * the reserve it may use, and never waits. */
			if (gfpflags_allow_blocking(gfp))
				reserve = zone.min_wmark / 2;
			page = take_block(order, reserve);
			if (!page)
				count_vm_event(FL_ALLOC_ATOMIC_FAIL);
		}
	}
	if (!page)
		return NULL;
	/* Lock-free look: a stale value only wakes kswapd one allocation
	 * late or early; wakeup_kswapd takes no lock when it is awake. */
	if (READ_ONCE(zone.free_pages) < zone.low_wmark)
		wakeup_kswapd();
	if (page_ref_count(page) != 0)
		bad_page(page, "free page with references");
	page->flags = 0;
	set_page_count(page, 1);
	if (gfp & __GFP_ZERO)
		for (unsigned long i = 0; i < (1UL << order); i++)
			clear_page((char *)page_address(page) + i * PAGE_SIZE);
	return page;
}

static void free_pages_ok(struct page *page, unsigned int order)
{
	unsigned long flags;

	check_free_page(page);
	page->flags = 0;
	flags = spin_lock_irqsave(&zone.lock);
	free_one_page_locked(page_to_pfn(page), order);
	zone.frees++;
	spin_unlock_irqrestore(&zone.lock, flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	if (page_ref_count(page) <= 0)
		bad_page(page, "freeing a page with no references");
	if (page_ref_dec_and_test(page)) {
		if (PageLRU(page))
			lru_page_freed(page);   /* a page-cache or anonymous page's last reference */
		page_anon_rmap_freed(page);     /* its anon_vma's reference (mm/rmap.c) */
		if (PageMlocked(page))
			mlock_page_freed(page); /* mapped by a lock until it went */
		free_pages_ok(page, order);
	}
}

void put_page(struct page *page)
{
	__free_pages(page, 0);
}

void *get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? page_address(page) : NULL;
}

void free_pages(void *addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page(addr), order);
}

void zone_watermarks(struct zone_watermarks *w)
{
	w->min = zone.min_wmark;
	w->low = zone.low_wmark;
	w->high = zone.high_wmark;
}

unsigned long nr_free_pages(void)
{
	return READ_ONCE(zone.free_pages);
}

unsigned long nr_managed_pages(void)
{
	return READ_ONCE(zone.managed_pages);
}

void page_alloc_stats(struct page_alloc_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&zone.lock);

	st->total_pages = zone.managed_pages;
	st->free_pages = zone.free_pages;
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		st->free_blocks[o] = zone.free_area[o].nr_free;
	st->allocs = zone.allocs;
	st->frees = zone.frees;
	st->min_wmark = zone.min_wmark;
	spin_unlock_irqrestore(&zone.lock, flags);
}

/* Hand [start, end) to the allocator in the largest aligned blocks that fit. */
static void free_range_to_buddy(phys_addr_t start, phys_addr_t end, void *arg)
{
	unsigned long pfn = PFN_DOWN(start), end_pfn = PFN_DOWN(end);
	unsigned long flags = spin_lock_irqsave(&zone.lock);

	for (unsigned long p = pfn; p < end_pfn; p++) {
		clear_page_flag(pfn_to_page(p), PG_reserved);
		set_page_count(pfn_to_page(p), 0);
	}
	zone.managed_pages += end_pfn - pfn;
	while (pfn < end_pfn) {
		unsigned int order = 0;

		while (order < MAX_ORDER && IS_ALIGNED(pfn, 1UL << (order + 1)) &&
		       pfn + (1UL << (order + 1)) <= end_pfn)
			order++;
		free_one_page_locked(pfn, order);
		pfn += 1UL << order;
	}
	spin_unlock_irqrestore(&zone.lock, flags);
}

/* floor(sqrt(x)), one bit of the root at a time. */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0;

	for (int b = 31; b >= 0; b--) {
		unsigned long t = r | (1UL << b);

		if (t * t <= x)
			r = t;
	}
	return r;
}

void page_alloc_init(void)
{
	phys_addr_t size;

	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		INIT_LIST_HEAD(&zone.free_area[o].free_list);
	max_pfn = PFN_UP(memblock_end_of_ram());
	size = max_pfn * sizeof(struct page);
	mem_map = __va(memblock_alloc(size, PAGE_SIZE));
	/* Every frame starts reserved (holes, kernel, boot data) and in use. */
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		struct page *p = &mem_map[pfn];

		p->flags = 1UL << PG_reserved;
		p->_refcount = 1;
		p->_mapcount = -1;
	}
	memblock_free_ranges(free_range_to_buddy, NULL);
	/* The watermarks as Linux derives them: min_free_kbytes =
	 * sqrt(16 * memory in KiB), kept between 128 KiB and 64 MiB (1 MiB
	 * for 64 MiB, ~1.4 MiB for 128 MiB); low and high a quarter and a
	 * half above it. "min" is the reserve ordinary allocations leave. */
	{
		unsigned long kb = zone.managed_pages << (PAGE_SHIFT - 10);
		unsigned long min_kb = int_sqrt(kb * 16);

		min_kb = min(max(min_kb, 128UL), 65536UL);
		zone.min_wmark = min_kb >> (PAGE_SHIFT - 10);
		zone.low_wmark = zone.min_wmark + zone.min_wmark / 4;
		zone.high_wmark = zone.min_wmark + zone.min_wmark / 2;
	}
	pr_info("page_alloc: watermarks min %lu low %lu high %lu pages (min_free_kbytes %lu)\n",
		zone.min_wmark, zone.low_wmark, zone.high_wmark,
		zone.min_wmark << (PAGE_SHIFT - 10));
	pr_info("page_alloc: %lu pages (%lu MiB) free of %lu MiB RAM; mem_map %lu KiB for %lu frames; "
		"reserve %lu pages\n",
		zone.free_pages, zone.free_pages >> (20 - PAGE_SHIFT),
		memblock_total_ram() >> 20, size >> 10, max_pfn, zone.min_wmark);
}
