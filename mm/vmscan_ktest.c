/*
 * ktests for reclaim (mm/vmscan.c, the allocator's slow path;
 * docs/reclaim.md): the LRU lists, what reclaim frees and what it must
 * keep, and that a GFP_KERNEL allocation reclaims where a GFP_NOWAIT one
 * fails. The pages belong to a private address_space with no host (no
 * filesystem), filled through find_or_create_page like any file's.
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/string.h>
#include <mm/filemap.h>
#include <mm/page_alloc.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>

/* @n clean, uptodate, unlocked pages at indexes 0 .. n-1 of @m; false if
 * memory ran out. */
static bool fill_mapping(struct address_space *m, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct page *page = find_or_create_page(m, i);

		if (!page)
			return false;
		set_page_flag(page, PG_uptodate);
		unlock_page(page);
		put_page(page);
	}
	return true;
}

static bool cached(struct address_space *m, unsigned long index)
{
	struct page *page = find_get_page(m, index);

	if (page)
		put_page(page);
	return page != NULL;
}

KTEST(vmscan_lru_add_activate_free)
{
	static struct address_space m;
	struct lru_stats before, now;
	struct page *page;

	address_space_init(&m, NULL);
	lru_stats(&before);
	KT_ASSERT(fill_mapping(&m, 1));
	page = find_get_page(&m, 0);
	KT_ASSERT(page != NULL);
	KT_EXPECT(PageLRU(page) && !PageActive(page));
	lru_stats(&now);
	KT_EXPECT_EQ(now.nr_inactive_file, before.nr_inactive_file + 1);
	mark_page_accessed(page);               /* first use: referenced only */
	KT_EXPECT(PageReferenced(page) && !PageActive(page));
	mark_page_accessed(page);               /* second: active */
	KT_EXPECT(PageActive(page) && PageLRU(page));
	lru_stats(&now);
	KT_EXPECT_EQ(now.nr_active_file, before.nr_active_file + 1);
	KT_EXPECT_EQ(now.nr_inactive_file, before.nr_inactive_file);
	put_page(page);
	/* Truncation frees it, and the free takes it off the list. */
	truncate_inode_pages(&m, 0);
	lru_stats(&now);
	KT_EXPECT_EQ(now.nr_active_file, before.nr_active_file);
	KT_EXPECT_EQ(now.nr_inactive_file, before.nr_inactive_file);
}

/* Reclaim frees a clean page nobody holds; it keeps a dirty page, a page
 * someone holds a reference to, and a locked page. */
KTEST(vmscan_frees_only_clean_unused_pages)
{
	static struct address_space m;
	struct page *held, *dirty, *locked;
	unsigned long stolen = vm_event_read(PGSTEAL_DIRECT);

	address_space_init(&m, NULL);
	KT_ASSERT(fill_mapping(&m, 4));
	held = find_get_page(&m, 1);
	dirty = find_get_page(&m, 2);
	locked = find_get_page(&m, 3);
	KT_ASSERT(held && dirty && locked);
	set_page_dirty(dirty);
	put_page(dirty);
	lock_page(locked);
	shrink_all_memory();
	KT_EXPECT(!cached(&m, 0));
	KT_EXPECT(cached(&m, 1));
	KT_EXPECT(cached(&m, 2));
	KT_EXPECT(cached(&m, 3));
	KT_EXPECT(vm_event_read(PGSTEAL_DIRECT) > stolen);
	unlock_page(locked);
	put_page(locked);
	put_page(held);
	/* Now clean the dirty one by hand (no a_ops to write it): all go. */
	lock_page(dirty);
	clear_page_dirty_for_io(dirty);
	unlock_page(dirty);
	shrink_all_memory();
	KT_EXPECT(!cached(&m, 1) && !cached(&m, 2) && !cached(&m, 3));
	KT_EXPECT_EQ(m.nrpages, 0);
	truncate_inode_pages(&m, 0);
}

/*
 * With free memory down to the reserve and clean cache pages on the LRU,
 * GFP_NOWAIT fails (it never reclaims) and GFP_KERNEL succeeds by
 * reclaiming (allocstall). The bug this pins: before direct reclaim, a
 * read needing a page in this state could fail with ENOMEM.
 */
KTEST(vmscan_gfp_kernel_reclaims_gfp_nowait_does_not)
{
	static struct address_space m;
	unsigned long stalls = vm_event_read(ALLOCSTALL);
	struct page *p, *n, *got;
	LIST_HEAD(taken);

	address_space_init(&m, NULL);
	kswapd_pause(true);                     /* it would free the cache below "low" */
	KT_ASSERT(fill_mapping(&m, 64));
	while ((p = alloc_page(GFP_NOWAIT)) != NULL)
		list_add(&p->lru, &taken);
	KT_EXPECT(alloc_page(GFP_NOWAIT) == NULL);
	KT_EXPECT(cached(&m, 0));               /* ... and took nothing from the cache */
	got = alloc_page(GFP_KERNEL);
	KT_EXPECT(got != NULL);
	KT_EXPECT(vm_event_read(ALLOCSTALL) > stalls);
	KT_EXPECT(m.nrpages < 64);
	if (got)
		put_page(got);
	list_for_each_entry_safe(p, n, &taken, lru) {
		list_del(&p->lru);
		put_page(p);
	}
	kswapd_pause(false);
	truncate_inode_pages(&m, 0);
}

/*
 * kswapd: with clean cache pages on the LRU, allocations (GFP_NOWAIT: no
 * direct reclaim) that take free memory below the low watermark wake it,
 * and it alone brings free memory back to the high watermark, within a
 * generous bound. Fails if nothing wakes kswapd or it stops short.
 */
#define KSWAPD_TEST_TICKS (10 * HZ)

KTEST(vmscan_kswapd_reclaims_to_high_watermark)
{
	static struct address_space m;
	unsigned long runs = vm_event_read(PAGEOUTRUN);
	unsigned long stolen = vm_event_read(PGSTEAL_KSWAPD);
	struct zone_watermarks w;
	struct page *p, *n;
	bool below = false;
	u64 deadline;
	LIST_HEAD(taken);

	zone_watermarks(&w);
	KT_ASSERT(w.min < w.low && w.low < w.high);
	address_space_init(&m, NULL);
	/* Twice what kswapd needs to lift free memory from low to high. */
	KT_ASSERT(fill_mapping(&m, 2 * (w.high - w.min) + SWAP_CLUSTER_MAX));
	while (!below && (p = alloc_page(GFP_NOWAIT)) != NULL) {
		list_add(&p->lru, &taken);
		below = nr_free_pages() < w.low;
	}
	KT_EXPECT(below);
	deadline = jiffies + KSWAPD_TEST_TICKS;
	while (nr_free_pages() < w.high && jiffies < deadline)
		msleep(10);
	KT_EXPECT(nr_free_pages() >= w.high);
	KT_EXPECT(vm_event_read(PAGEOUTRUN) > runs);
	KT_EXPECT(vm_event_read(PGSTEAL_KSWAPD) > stolen);
	KT_EXPECT(m.nrpages < 2 * (w.high - w.min) + SWAP_CLUSTER_MAX);
	list_for_each_entry_safe(p, n, &taken, lru) {
		list_del(&p->lru);
		put_page(p);
	}
	truncate_inode_pages(&m, 0);
}
