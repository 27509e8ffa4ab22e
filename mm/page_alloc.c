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
 * Lock order: zone.lock is a leaf; nothing is called with it held.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <mm/writeback.h>
#include <asm/percpu.h>

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;                  /* blocks on the list */
};

struct zone {
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER + 1];
	unsigned long managed_pages;            /* (c) after boot */
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
			   (1UL << PG_locked) | (1UL << PG_writeback)))
		bad_page(page, "flags set on a page being freed");
	if (page_mapcount(page) != 0)
		bad_page(page, "still mapped");
	if (page->mapping)
		bad_page(page, "still in a mapping");
}

static struct page *take_block(unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&zone.lock);
	struct page *page = take_block_locked(order);

	if (page)
		zone.allocs++;
	spin_unlock_irqrestore(&zone.lock, flags);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (order > MAX_ORDER)
		return NULL;
	page = take_block(order);
	if (!page && !(gfp & __GFP_NORETRY) && !this_cpu()->irq_depth) {
		/* Free more than asked: buddies must meet to rebuild a block. */
		if (shrink_page_cache(4UL << order))
			page = take_block(order);
	}
	if (!page)
		return NULL;
	if (page_ref_count(page) != 0)
		bad_page(page, "free page with references");
	page->flags = 0;
	set_page_count(page, 1);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
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
	if (page_ref_dec_and_test(page))
		free_pages_ok(page, order);
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

unsigned long nr_free_pages(void)
{
	return READ_ONCE(zone.free_pages);
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
	pr_info("page_alloc: %lu pages (%lu MiB) free of %lu MiB RAM; mem_map %lu KiB for %lu frames\n",
		zone.free_pages, zone.free_pages >> (20 - PAGE_SHIFT),
		memblock_total_ram() >> 20, size >> 10, max_pfn);
}
