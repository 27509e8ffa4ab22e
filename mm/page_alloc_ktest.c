/*
 * ktests for the buddy allocator: allocation and freeing, alignment,
 * splitting and coalescing, exhaustion and recovery, reference counts.
 * Several tests compare the whole free-block distribution before and after:
 * if freeing did not merge buddies back, the distribution differs.
 */
#include <kernel/ktest.h>
#include <kernel/sections.h>
#include <kernel/string.h>
#include <mm/page_alloc.h>
#include <mm/vmscan.h>

static bool stats_equal(const struct page_alloc_stats *a, const struct page_alloc_stats *b)
{
	if (a->free_pages != b->free_pages)
		return false;
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		if (a->free_blocks[o] != b->free_blocks[o])
			return false;
	return true;
}

KTEST(pmm_alloc_free)
{
	unsigned long before = nr_free_pages();
	struct page *p = alloc_page(GFP_KERNEL);

	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ(nr_free_pages(), before - 1);
	KT_EXPECT_EQ(page_ref_count(p), 1);
	KT_EXPECT(!PageBuddy(p));
	put_page(p);
	KT_EXPECT_EQ(nr_free_pages(), before);
}

KTEST(pmm_alloc_zeroed)
{
	struct page *p = alloc_page(GFP_KERNEL);
	unsigned char *va;
	bool zero = true;

	KT_ASSERT(p != NULL);
	memset(page_address(p), 0xa5, PAGE_SIZE);
	put_page(p);
	/* The freed page is the first candidate for reuse; it must come back zeroed. */
	p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KT_ASSERT(p != NULL);
	va = page_address(p);
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (va[i])
			zero = false;
	KT_EXPECT(zero);
	put_page(p);
}

KTEST(pmm_order_alignment)
{
	for (unsigned int order = 0; order <= MAX_ORDER; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ(page_to_pfn(p) & ((1UL << order) - 1), 0);
		__free_pages(p, order);
	}
}

KTEST(pmm_split_and_coalesce)
{
	struct page_alloc_stats before, after, st;
	LIST_HEAD(held);
	struct page *p, *n;

	/* Take every free order-3 block, so the next order-3 request must
	 * split a larger block; freeing it must merge the halves back. */
	for (page_alloc_stats(&st); st.free_blocks[3]; page_alloc_stats(&st)) {
		p = alloc_pages(GFP_KERNEL, 3);
		KT_ASSERT(p != NULL);
		list_add(&p->lru, &held);
	}
	page_alloc_stats(&before);
	p = alloc_pages(GFP_KERNEL, 3);
	KT_ASSERT(p != NULL);
	page_alloc_stats(&st);
	KT_EXPECT_EQ(st.free_blocks[3], 1);     /* the split left one order-3 half free */
	__free_pages(p, 3);
	page_alloc_stats(&after);
	KT_EXPECT(stats_equal(&before, &after));
	list_for_each_entry_safe(p, n, &held, lru) {
		list_del(&p->lru);
		__free_pages(p, 3);
	}
}

/* Free the two halves of an order-1 block one page at a time: the second
 * free must find its buddy free and merge them back into one block. */
KTEST(pmm_buddies_merge)
{
	struct page_alloc_stats before, after;
	struct page *p;

	page_alloc_stats(&before);
	p = alloc_pages(GFP_KERNEL, 1);
	KT_ASSERT(p != NULL);
	set_page_count(p + 1, 1);               /* make the tail an order-0 page of its own */
	put_page(p);
	put_page(p + 1);
	page_alloc_stats(&after);
	KT_EXPECT(stats_equal(&before, &after));
}

/*
 * Allocate every free page, tier by tier, check the allocator says no,
 * free them all, and check that the free lists are exactly as before
 * (full coalescing). The tiers (docs/reclaim.md): GFP_NOWAIT stops at the
 * min watermark, GFP_ATOMIC at half of it; nothing below that is handed
 * out to anyone but the flusher.
 *
 * The exact counts need a quiet machine, and with two CPUs the other one
 * may free pages meanwhile: a CPU still holding a finished test's user mm
 * lazily frees its page tables when it next switches (arch/x86_64/tlb.c).
 * A page freed concurrently only makes the counts larger, so an attempt
 * that sees that is run again (three at most); the checks are those of
 * the last attempt.
 */
static bool pmm_exhaust_once(struct kt *t, bool last)
{
	struct page_alloc_stats before, after;
	LIST_HEAD(taken);
	unsigned long count = 0, atomic = 0, left;
	struct page *p, *n;
	bool quiet;

	page_alloc_stats(&before);
	if (before.free_pages <= before.min_wmark) {
		kt_fail(t, __FILE__, __LINE__, "no free pages above the min watermark");
		return true;
	}
	/* GFP_NOWAIT: free pages only, not reclaimable cache, not the reserve. */
	while ((p = alloc_page(GFP_NOWAIT)) != NULL) {
		list_add(&p->lru, &taken);
		count++;
	}
	left = nr_free_pages();
	while ((p = alloc_page(GFP_ATOMIC)) != NULL) {
		list_add(&p->lru, &taken);
		atomic++;
	}
	KT_EXPECT_EQ(atomic, before.min_wmark - before.min_wmark / 2);
	KT_EXPECT_EQ(nr_free_pages(), before.min_wmark / 2);
	KT_EXPECT(alloc_pages(GFP_ATOMIC, 0) == NULL);
	KT_EXPECT(alloc_pages(__GFP_NORETRY, MAX_ORDER) == NULL);
	list_for_each_entry_safe(p, n, &taken, lru) {
		list_del(&p->lru);
		put_page(p);
	}
	page_alloc_stats(&after);
	quiet = count == before.free_pages - before.min_wmark && stats_equal(&before, &after);
	if (quiet || last) {
		KT_EXPECT_EQ(count, before.free_pages - before.min_wmark);
		KT_EXPECT_EQ(left, before.min_wmark);
		KT_EXPECT(stats_equal(&before, &after));
	}
	return quiet;
}

KTEST(pmm_exhaustion_and_recovery)
{
	/* kswapd, woken below "low", would free cache pages under us. */
	kswapd_pause(true);
	for (int attempt = 0; attempt < 3; attempt++)
		if (pmm_exhaust_once(t, attempt == 2))
			break;
	kswapd_pause(false);
}

KTEST(pmm_high_order_exhaustion)
{
	unsigned long before, blocks = 0;
	struct page *p, *n;
	LIST_HEAD(taken);

	kswapd_pause(true);                     /* as above */
	before = nr_free_pages();

	while ((p = alloc_pages(__GFP_NORETRY, MAX_ORDER)) != NULL) {
		list_add(&p->lru, &taken);
		blocks++;
	}
	KT_EXPECT(blocks > 0);
	/* Smaller blocks may remain; the allocator must still hand them out. */
	if (nr_free_pages()) {
		p = alloc_page(GFP_KERNEL);
		KT_EXPECT(p != NULL);
		if (p)
			put_page(p);
	}
	list_for_each_entry_safe(p, n, &taken, lru) {
		list_del(&p->lru);
		__free_pages(p, MAX_ORDER);
	}
	KT_EXPECT_EQ(nr_free_pages(), before);
	kswapd_pause(false);
}

KTEST(pmm_refcount)
{
	unsigned long before = nr_free_pages();
	struct page *p = alloc_page(GFP_KERNEL);

	KT_ASSERT(p != NULL);
	get_page(p);
	KT_EXPECT_EQ(page_ref_count(p), 2);
	put_page(p);
	KT_EXPECT_EQ(nr_free_pages(), before - 1);      /* still held */
	put_page(p);
	KT_EXPECT_EQ(nr_free_pages(), before);
}

KTEST(pmm_mem_map_consistent)
{
	struct page_alloc_stats st;
	unsigned long counted = 0;

	page_alloc_stats(&st);
	for (unsigned int o = 0; o <= MAX_ORDER; o++)
		counted += st.free_blocks[o] << o;
	KT_EXPECT_EQ(counted, st.free_pages);
	KT_EXPECT(st.total_pages > 0 && st.free_pages <= st.total_pages);
	/* The kernel image is reserved, never on a free list. */
	KT_EXPECT(PageReserved(virt_to_page(_text)));
}
