/*
 * ktests for the shrinker interface (mm/shrinker.c, docs/reclaim.md): a
 * test shrinker owning a pool of pages is asked for what it counts, in
 * batches no larger than SHRINK_BATCH, its frees reach the allocator,
 * and after unregister_shrinker it is never called again.
 */
#include <kernel/ktest.h>
#include <kernel/list.h>
#include <mm/page_alloc.h>
#include <mm/shrinker.h>
#include <mm/vmscan.h>

struct test_pool {
	struct shrinker shrinker;
	struct list_head pages;         /* (shrinker_lock in callbacks; the test otherwise) */
	unsigned long nr;               /* pages in the pool */
	unsigned long counts, scans, asked, max_batch;
};

static unsigned long pool_count(struct shrinker *s, struct shrink_control *sc)
{
	struct test_pool *p = container_of(s, struct test_pool, shrinker);

	p->counts++;
	return p->nr;
}

static unsigned long pool_scan(struct shrinker *s, struct shrink_control *sc)
{
	struct test_pool *p = container_of(s, struct test_pool, shrinker);
	unsigned long freed = 0;

	p->scans++;
	p->asked += sc->nr_to_scan;
	if (sc->nr_to_scan > p->max_batch)
		p->max_batch = sc->nr_to_scan;
	while (freed < sc->nr_to_scan && !list_empty(&p->pages)) {
		struct page *page = list_first_entry(&p->pages, struct page, lru);

		list_del(&page->lru);
		put_page(page);
		p->nr--;
		freed++;
	}
	return freed;
}

#define POOL_PAGES 300

KTEST(shrinker_counts_scans_and_frees)
{
	static struct test_pool p;
	unsigned long freed;

	p = (struct test_pool){ .shrinker = { .count_objects = pool_count,
					      .scan_objects = pool_scan, .name = "ktest pool" } };
	INIT_LIST_HEAD(&p.pages);
	while (p.nr < POOL_PAGES) {
		struct page *page = alloc_page(GFP_KERNEL);

		KT_ASSERT(page != NULL);
		list_add(&page->lru, &p.pages);
		p.nr++;
	}
	/* kswapd running the shrinkers would make shrink_slab's trylock fail. */
	kswapd_pause(true);
	KT_ASSERT_EQ(register_shrinker(&p.shrinker), 0);
	/* Ask for less than the pool holds: exactly that much goes, in
	 * batches; the other shrinkers may free some too (>=). */
	freed = shrink_slab(200);
	KT_EXPECT(p.counts >= 1);
	KT_EXPECT_EQ(p.asked, 200);
	KT_EXPECT_EQ(p.nr, POOL_PAGES - 200);
	KT_EXPECT(p.max_batch <= SHRINK_BATCH);
	KT_EXPECT(p.scans >= 2);
	KT_EXPECT(freed >= 200);
	/* Ask for more than it has: it is asked only for what it counts. */
	p.asked = 0;
	shrink_slab(1000);
	KT_EXPECT_EQ(p.asked, POOL_PAGES - 200);
	KT_EXPECT_EQ(p.nr, 0);
	/* Empty: counted, never scanned. */
	p.scans = 0;
	shrink_slab(1000);
	KT_EXPECT_EQ(p.scans, 0);
	unregister_shrinker(&p.shrinker);
	p.counts = 0;
	shrink_slab(1000);
	KT_EXPECT_EQ(p.counts, 0);
	kswapd_pause(false);
}
