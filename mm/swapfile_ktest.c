/*
 * ktests for swap: mkswap's header (parse_swap_header), the slot allocator
 * and its clusters, the slot counts, the swap cache and swap I/O, on an
 * area made on the scratch disk vdb (include/mm/swap_ktest.h).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <mm/filemap.h>
#include <mm/page_alloc.h>
#include <mm/swap.h>
#include <mm/swap_ktest.h>
#include <mm/vmstat.h>

KTEST(swap_header_parse)
{
	void *page = get_free_pages(GFP_KERNEL, 0);
	static const u32 bad[] = { 5, 9 };
	unsigned long max = 0;

	KT_ASSERT(page);
	swap_ktest_make_header(page, 99, bad, 2);
	KT_EXPECT_EQ(parse_swap_header(page, 100, &max), 0);
	KT_EXPECT_EQ(max, 100);
	/* last_page past the disk's end */
	KT_EXPECT_EQ(parse_swap_header(page, 99, &max), -EINVAL);
	/* bad magic */
	((char *)page)[PAGE_SIZE - 1] = '1';
	KT_EXPECT_EQ(parse_swap_header(page, 100, &max), -EINVAL);
	/* Linux's old version-0 magic is refused too */
	swap_ktest_make_header(page, 99, NULL, 0);
	memcpy((char *)page + PAGE_SIZE - 10, "SWAP-SPACE", 10);
	KT_EXPECT_EQ(parse_swap_header(page, 100, &max), -EINVAL);
	/* bad version */
	swap_ktest_make_header(page, 99, NULL, 0);
	((struct swap_header_v1 *)page)->version = 2;
	KT_EXPECT_EQ(parse_swap_header(page, 100, &max), -EINVAL);
	/* a bad page out of the area, or the header's own */
	swap_ktest_make_header(page, 99, (const u32[]){ 100 }, 1);
	KT_EXPECT_EQ(parse_swap_header(page, 200, &max), -EINVAL);
	swap_ktest_make_header(page, 99, (const u32[]){ 0 }, 1);
	KT_EXPECT_EQ(parse_swap_header(page, 200, &max), -EINVAL);
	/* no usable page */
	swap_ktest_make_header(page, 0, NULL, 0);
	KT_EXPECT_EQ(parse_swap_header(page, 200, &max), -EINVAL);
	free_pages(page, 0);
}

KTEST(swap_area_busy_and_counts)
{
	unsigned long total = total_swap_pages(), free = nr_free_swap_pages();

	if (!swap_ktest_area_on(t, (const u32[]){ 300, 301 }, 2))
		return;
	/* 2048 slots: the header's and two bad ones are not usable. */
	KT_EXPECT_EQ(total_swap_pages() - total, 2045);
	KT_EXPECT_EQ(nr_free_swap_pages() - free, 2045);
	KT_EXPECT_EQ(swapon_device("vdb", 0), -EBUSY);
	KT_EXPECT_EQ(swapon_device("/dev/nosuchdisk", 0), -ENOENT);
	KT_EXPECT_EQ(swapoff_device("vdc"), -EINVAL);
	swap_ktest_area_off(t);
	KT_EXPECT_EQ(total_swap_pages(), total);
	KT_EXPECT_EQ(nr_free_swap_pages(), free);
	/* The zeroed header is refused. */
	KT_EXPECT_EQ(swapon_device("vdb", 0), -EINVAL);
}

KTEST(swap_slots_cluster_and_count)
{
	enum { N = 300 };
	static swp_entry_t e[N];
	unsigned long free;

	if (!swap_ktest_area_on(t, (const u32[]){ 300 }, 1))
		return;
	free = nr_free_swap_pages();
	preempt_disable();                      /* one CPU's clusters */
	for (int i = 0; i < N; i++)
		e[i] = get_swap_page();
	preempt_enable();
	for (int i = 0; i < N; i++)
		KT_ASSERT(e[i].val);
	/* One CPU's slots come from one wholly free cluster after another,
	 * in order: cluster 0 holds the header and cluster 1 the bad slot
	 * 300, so the first is cluster 2, and the 257th slot opens cluster 3. */
	KT_EXPECT_EQ(swp_offset(e[0]), 2 * SWAPFILE_CLUSTER);
	for (int i = 1; i < N; i++) {
		KT_EXPECT_EQ(swp_offset(e[i]), swp_offset(e[i - 1]) + 1);
		KT_EXPECT_EQ(swp_type(e[i]), swp_type(e[0]));
	}
	KT_EXPECT_EQ(free - nr_free_swap_pages(), N);
	/* Counts: the cache's hold, plus entries. */
	KT_EXPECT_EQ(swap_count(e[0]), 0);
	KT_EXPECT_EQ(swap_duplicate(e[0]), 0);
	KT_EXPECT_EQ(swap_duplicate(e[0]), 0);
	KT_EXPECT_EQ(swap_count(e[0]), 2);
	KT_EXPECT_EQ(swapcache_prepare(e[0]), -EEXIST);         /* the cache holds it */
	swapcache_free(e[0]);
	swap_free(e[0]);
	KT_EXPECT_EQ(swap_count(e[0]), 1);
	KT_EXPECT_EQ(swapcache_prepare(e[0]), 0);               /* the cache may take it again */
	swapcache_free(e[0]);
	swap_free(e[0]);                                        /* the last holder: free */
	KT_EXPECT_EQ(swapcache_prepare(e[0]), -ENOENT);
	KT_EXPECT_EQ(swap_duplicate(e[0]), -EINVAL);
	for (int i = 1; i < N; i++)
		swapcache_free(e[i]);
	KT_EXPECT_EQ(nr_free_swap_pages(), free);
	swap_ktest_area_off(t);
}

KTEST(swap_slots_run_out)
{
	unsigned long n = 0, free;
	swp_entry_t e, first = { 0 };

	if (!swap_ktest_area_on(t, NULL, 0))
		return;
	free = nr_free_swap_pages();
	/* Only this area's slots count: another (SWAP=) may have more. */
	while (n < 2047 && (e = get_swap_page()).val) {
		if (!first.val)
			first = e;
		KT_EXPECT_EQ(swp_type(e), swp_type(first));
		n++;
	}
	KT_EXPECT_EQ(n, 2047);
	e = get_swap_page();                    /* none left here: another area's, or none */
	KT_EXPECT(!e.val || swp_type(e) != swp_type(first));
	if (e.val)
		swapcache_free(e);
	/* Full: a freed slot in a fragmented area is found again. */
	swapcache_free(swp_entry(swp_type(first), 1000));
	e = get_swap_page();
	KT_EXPECT_EQ(e.val, swp_entry(swp_type(first), 1000).val);
	for (unsigned long off = 1; off < 2048; off++)
		swapcache_free(swp_entry(swp_type(first), off));
	KT_EXPECT_EQ(nr_free_swap_pages(), free);
	swap_ktest_area_off(t);
}

KTEST(swap_cache_add_find_delete_io)
{
	struct page *page = alloc_page(GFP_KERNEL), *back;
	unsigned long in0 = vm_event_read(PSWPIN), out0 = vm_event_read(PSWPOUT);
	swp_entry_t entry;
	bool new_read;
	int err;

	KT_ASSERT(page);
	if (!swap_ktest_area_on(t, NULL, 0)) {
		put_page(page);
		return;
	}
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		((u64 *)page_address(page))[i] = 0x5a5a0000ULL + i;
	lock_page(page);
	KT_ASSERT(add_to_swap(page));
	entry.val = page->private;
	KT_EXPECT(PageSwapCache(page) && PageDirty(page));
	back = lookup_swap_cache(entry);
	KT_EXPECT(back == page);
	if (back)
		put_page(back);
	/* Out: write, wait, leave the cache with the slot still named by an
	 * entry (as a PTE would), free the page. */
	KT_EXPECT_EQ(swap_duplicate(entry), 0);
	KT_EXPECT_EQ(swap_writepage(page), 0);                  /* unlocks */
	swap_wait_on_writeback(page);
	KT_EXPECT(vm_event_read(PSWPOUT) - out0 == 1);
	lock_page(page);
	KT_EXPECT(!PageDirty(page));
	delete_from_swap_cache(page);
	unlock_page(page);
	KT_EXPECT(!PageSwapCache(page));
	KT_EXPECT(lookup_swap_cache(entry) == NULL);
	put_page(page);
	/* Back: a new page, read from the slot. */
	back = read_swap_cache_async(entry, GFP_KERNEL, &new_read, &err);
	KT_ASSERT(back);
	KT_EXPECT(new_read && PageLocked(back));
	KT_EXPECT_EQ(swap_readpage(back), 0);
	KT_EXPECT(vm_event_read(PSWPIN) - in0 == 1);
	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		if (((u64 *)page_address(back))[i] != 0x5a5a0000ULL + i) {
			KT_EXPECT(!"the page read back is the page written");
			break;
		}
	/* The entry's last holder goes: the page is still cached, then its
	 * owner drops it. */
	swap_free(entry);
	KT_EXPECT(try_to_free_swap(back));
	unlock_page(back);
	put_page(back);
	swap_ktest_area_off(t);
}
