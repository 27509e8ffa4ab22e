/*
 * ktest of the swap-in fault (mm/memory.c do_swap_page and
 * swapin_map_page; docs/reclaim.md "do_swap_page", docs/labs/reclaim.md).
 *
 * Pages of a private anonymous mapping are sent out with MADV_PAGEOUT's
 * path (madvise_pageout) to an area made on the scratch disk vdb
 * (include/mm/swap_ktest.h: the highest priority, so the slots come from
 * it even in a boot with its own swap disk); then each is faulted back by
 * one call of handle_mm_fault, so that a fault that maps nothing shows as
 * a PTE still holding its swap entry, not as an access retried for ever.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <drivers/blkdev.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <mm/swap_ktest.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define SF_ADDR  0x3c000000UL
#define SF_PAGES 4

static pte_t sf_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p, v;

	spin_lock(&mm->page_table_lock);
	p = pgtable_walk_pte(mm->pgd, addr, NULL);
	v = p ? ptep_get(p) : __pte(0);
	spin_unlock(&mm->page_table_lock);
	return v;
}

static struct page *sf_page(struct mm_struct *mm, unsigned long addr)
{
	pte_t v = sf_pte(mm, addr);

	return pte_has_frame(v) ? pfn_to_page(pte_pfn(v)) : NULL;
}

/* One fault, as the page-fault handler would make it. */
static vm_fault_t sf_fault(struct mm_struct *mm, unsigned long addr, unsigned int flags)
{
	struct vm_area_struct *vma;
	vm_fault_t ret = VM_FAULT_SIGSEGV;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr)
		ret = handle_mm_fault(vma, addr, flags);
	up_read(&mm->mmap_lock);
	return ret;
}

/* MADV_PAGEOUT of the first @n pages at SF_ADDR. */
static int sf_pageout(struct mm_struct *mm, unsigned int n)
{
	struct vm_area_struct *vma;
	int r = -EFAULT;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, SF_ADDR);
	if (vma && vma->vm_start <= SF_ADDR)
		r = madvise_pageout(vma, SF_ADDR, SF_ADDR + n * PAGE_SIZE);
	up_read(&mm->mmap_lock);
	return r;
}

static bool sf_data_is(struct page *page, char c)
{
	const char *p = page_address(page);

	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (p[i] != c)
			return false;
	return true;
}

/*
 * Out and back: a read fault reads the slot (a major fault, pswpin) and
 * maps the page read-only, still in the swap cache, the slot still
 * allocated (its copy is good); a write fault on a page only this PTE
 * names maps it writable and frees the slot; after fork the second
 * process's fault finds the first one's page in the swap cache (no
 * second read) and both map it read-only; munmap and exit free the rest.
 */
KTEST(swap_fault_read_write_fork)
{
	struct mm_struct *mm = mm_alloc(), *child = NULL, *saved = current->mm;
	unsigned long free0, in0;
	static char buf[PAGE_SIZE];
	struct page *page;
	swp_entry_t e0, e1;
	vm_fault_t ret;
	int cluster;
	long r;

	KT_ASSERT(mm);
	if (!swap_ktest_area_on(t, NULL, 0)) {
		mmput(mm);
		return;
	}
	/* One read per fault here: swap readahead off (its own tests below). */
	cluster = swap_ktest_page_cluster(0);
	free0 = nr_free_swap_pages();
	down_write(&mm->mmap_lock);
	r = do_mmap(mm, NULL, SF_ADDR, SF_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	KT_ASSERT_EQ(r, (long)SF_ADDR);
	switch_to_new_mm(mm);
	for (int i = 0; i < SF_PAGES; i++) {
		memset(buf, 'A' + i, sizeof(buf));
		KT_EXPECT_EQ(copy_to_user((void *)(SF_ADDR + i * PAGE_SIZE), buf, PAGE_SIZE), 0);
	}
	switch_to_new_mm(saved);
	KT_ASSERT_EQ(sf_pageout(mm, SF_PAGES), 0);
	for (int i = 0; i < SF_PAGES; i++)
		KT_ASSERT(is_swap_pte(sf_pte(mm, SF_ADDR + i * PAGE_SIZE)));
	KT_EXPECT_EQ(get_mm_counter(mm, MM_SWAPENTS), SF_PAGES);
	KT_EXPECT_EQ(free0 - nr_free_swap_pages(), SF_PAGES);
	e0 = pte_to_swp_entry(sf_pte(mm, SF_ADDR));
	e1 = pte_to_swp_entry(sf_pte(mm, SF_ADDR + PAGE_SIZE));

	/* Page 0, read: from the disk, read-only, still in the swap cache. */
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(mm, SF_ADDR, 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 1);
	page = sf_page(mm, SF_ADDR);
	KT_ASSERT(page);
	KT_EXPECT(!pte_write(sf_pte(mm, SF_ADDR)));
	KT_EXPECT(PageSwapCache(page) && page->private == e0.val);
	KT_EXPECT(PageAnon(page) && PageLRU(page) && page_mapcount(page) == 1);
	KT_EXPECT(sf_data_is(page, 'A'));
	KT_EXPECT_EQ(swap_count(e0), 0);                /* no entry names it now... */
	KT_EXPECT_EQ(free0 - nr_free_swap_pages(), SF_PAGES);  /* ...the cache holds it */
	KT_EXPECT_EQ(get_mm_counter(mm, MM_SWAPENTS), SF_PAGES - 1);

	/* Page 1, write: its only user; writable, out of the cache, slot free. */
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(mm, SF_ADDR + PAGE_SIZE, FAULT_FLAG_WRITE);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 1);
	page = sf_page(mm, SF_ADDR + PAGE_SIZE);
	KT_ASSERT(page);
	KT_EXPECT(pte_write(sf_pte(mm, SF_ADDR + PAGE_SIZE)));
	KT_EXPECT(pte_dirty(sf_pte(mm, SF_ADDR + PAGE_SIZE)));
	KT_EXPECT(!PageSwapCache(page));
	KT_EXPECT(sf_data_is(page, 'B'));
	KT_EXPECT_EQ(swap_count(e1), 0);
	KT_EXPECT_EQ(free0 - nr_free_swap_pages(), SF_PAGES - 1);

	/* Page 2 after fork: read once, mapped read-only by both. */
	child = dup_mm(mm);
	KT_ASSERT(child);
	KT_EXPECT(is_swap_pte(sf_pte(child, SF_ADDR + 2 * PAGE_SIZE)));
	KT_EXPECT_EQ(swap_count(pte_to_swp_entry(sf_pte(mm, SF_ADDR + 2 * PAGE_SIZE))), 2);
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(child, SF_ADDR + 2 * PAGE_SIZE, FAULT_FLAG_WRITE);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	page = sf_page(child, SF_ADDR + 2 * PAGE_SIZE);
	KT_ASSERT(page);
	/* The parent's entry still names the slot: no reuse, read-only. */
	KT_EXPECT(!pte_write(sf_pte(child, SF_ADDR + 2 * PAGE_SIZE)));
	KT_EXPECT(PageSwapCache(page));
	ret = sf_fault(mm, SF_ADDR + 2 * PAGE_SIZE, 0);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT(!(ret & VM_FAULT_MAJOR));             /* found in the swap cache */
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 1);
	KT_EXPECT(sf_page(mm, SF_ADDR + 2 * PAGE_SIZE) == page);
	KT_EXPECT_EQ(page_mapcount(page), 2);
	KT_EXPECT(sf_data_is(page, 'C'));

	/* Page 3 stays out; exit and munmap free every slot. */
	mmput(child);
	switch_to_new_mm(saved);
	mmput(mm);
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off(t);
}

/* ---- swap readahead (mm/swap_state.c, mm/page_io.c) ------------------------ */

#define RA_PAGES 16

static unsigned long ra_addr(int i)
{
	return SF_ADDR + (unsigned long)i * PAGE_SIZE;
}

/*
 * A new mm with RA_PAGES private anonymous pages at SF_ADDR, page i full
 * of 'a' + i, all sent out with madvise_pageout; their entries in @e.
 * Returns the mm, or NULL with a failure recorded.
 */
static struct mm_struct *ra_setup(struct kt *t, swp_entry_t *e)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	static char buf[PAGE_SIZE];
	long r;

	if (!mm) {
		kt_fail(t, __FILE__, __LINE__, "no mm");
		return NULL;
	}
	down_write(&mm->mmap_lock);
	r = do_mmap(mm, NULL, SF_ADDR, RA_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	switch_to_new_mm(mm);
	for (int i = 0; i < RA_PAGES && r == (long)SF_ADDR; i++) {
		memset(buf, 'a' + i, sizeof(buf));
		if (copy_to_user((void *)ra_addr(i), buf, PAGE_SIZE))
			r = -EFAULT;
	}
	switch_to_new_mm(saved);
	if (r == (long)SF_ADDR)
		r = sf_pageout(mm, RA_PAGES);
	for (int i = 0; i < RA_PAGES && !r; i++) {
		if (!is_swap_pte(sf_pte(mm, ra_addr(i))))
			r = -EAGAIN;
		e[i] = pte_to_swp_entry(sf_pte(mm, ra_addr(i)));
	}
	if (r) {
		kt_fail(t, __FILE__, __LINE__, "ra_setup: %ld", r);
		mmput(mm);
		return NULL;
	}
	return mm;
}

/* Is @x's slot in the readahead window of @center's? */
static bool ra_in_window(swp_entry_t center, swp_entry_t x)
{
	unsigned long start, end;

	swap_ra_group(center, &start, &end);
	return swp_type(x) == swp_type(center) && swp_offset(x) >= start && swp_offset(x) < end;
}

/* The cached page of @e once its read is over (lock_page waits for it),
 * referenced; NULL if none. Counts a readahead hit, as any lookup. */
static struct page *ra_cached(swp_entry_t e)
{
	struct page *page = lookup_swap_cache(e);

	if (page) {
		lock_page(page);
		unlock_page(page);
	}
	return page;
}

static void ra_munmap(struct mm_struct *mm, int i)
{
	down_write(&mm->mmap_lock);
	do_munmap(mm, ra_addr(i), PAGE_SIZE);
	up_write(&mm->mmap_lock);
}

/*
 * A read fault on a swapped-out page reads the in-use slots of its
 * aligned group of 2^page_cluster (8) into the swap cache: pswpin counts
 * each (swap_ra all but the faulting one), only the fault is major, and
 * the others are cached, uptodate, unmapped, not yet anonymous, on the
 * LRU, PG_readahead; slots outside the group are not read. A later
 * fault on one of them finds it (a readahead hit, not a major fault).
 * Exit frees it all.
 */
KTEST(swap_readahead_reads_the_cluster)
{
	struct block_device *vdb = blkdev_get("vdb");
	swp_entry_t e[RA_PAGES];
	unsigned long free0, in0, ra0, hit0, cmd0;
	unsigned int inwin = 0, looked = 0;
	struct mm_struct *mm;
	struct page *page;
	int cluster, f = 10, g = -1;
	vm_fault_t ret;

	if (!vdb || !swap_ktest_area_on(t, NULL, 0))
		return;
	cluster = swap_ktest_page_cluster(3);
	free0 = nr_free_swap_pages();
	mm = ra_setup(t, e);
	if (!mm)
		goto out;
	for (int i = 0; i < RA_PAGES; i++)
		if (ra_in_window(e[f], e[i])) {
			inwin++;
			if (i != f)
				g = i;
		}
	/* Pages sent out in order get consecutive slots: a whole group. */
	KT_EXPECT_EQ(inwin, 8);
	in0 = vm_event_read(PSWPIN);
	ra0 = vm_event_read(SWAP_RA);
	cmd0 = __atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED);
	ret = sf_fault(mm, ra_addr(f), 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, inwin);
	KT_EXPECT_EQ(vm_event_read(SWAP_RA) - ra0, inwin - 1);
	/* Read under one plug, the group's adjacent slots reach the disk as
	 * one command (the block layer's merging; blk_merge=0 turns it off). */
	if (blk_set_merging(true))
		KT_EXPECT_EQ(__atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED) - cmd0, 1);
	else
		blk_set_merging(false);
	for (int i = 0; i < RA_PAGES; i++) {
		if (i == f)
			continue;
		page = ra_cached(e[i]);
		if (!ra_in_window(e[f], e[i])) {
			KT_EXPECT(!page);               /* outside the group: not read */
			if (page)
				put_page(page);
			continue;
		}
		looked++;
		KT_EXPECT(page);
		if (!page)
			continue;
		KT_EXPECT(PageUptodate(page) && PageSwapCache(page) && page->private == e[i].val);
		KT_EXPECT(!PageAnon(page) && page_mapcount(page) == 0);
		KT_EXPECT(PageLRU(page) && PageSwapBacked(page));
		KT_EXPECT(test_page_flag(page, PG_readahead));
		KT_EXPECT(sf_data_is(page, (char)('a' + i)));
		KT_EXPECT(is_swap_pte(sf_pte(mm, ra_addr(i))));        /* not mapped by readahead */
		put_page(page);
	}
	KT_EXPECT_EQ(looked, inwin - 1);
	/* A fault on a page read ahead: found in the cache (a hit), no read. */
	if (g >= 0) {
		in0 = vm_event_read(PSWPIN);
		hit0 = vm_event_read(SWAP_RA_HIT);
		ret = sf_fault(mm, ra_addr(g), 0);
		KT_EXPECT(!(ret & (VM_FAULT_ERROR | VM_FAULT_MAJOR)));
		KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 0);
		KT_EXPECT_EQ(vm_event_read(SWAP_RA_HIT) - hit0, 1);
		page = sf_page(mm, ra_addr(g));
		KT_EXPECT(page && PageAnon(page) && page_mapcount(page) == 1);
		KT_EXPECT(page && !test_page_flag(page, PG_readahead));
		KT_EXPECT(page && sf_data_is(page, (char)('a' + g)));
	}
	mmput(mm);
	/* The pages read ahead and never mapped went with their slots. */
	for (int i = 0; i < RA_PAGES; i++)
		KT_EXPECT(!lookup_swap_cache(e[i]));
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
out:
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off(t);
}

/*
 * The window follows the hits (Linux's swapin_nr_pages): after
 * page-cluster is written the first swap-in reads the whole group; a
 * fault far from the last one, with no page read ahead used since,
 * reads half as many (the window shrinks by half at most), and so on
 * down to the one page wanted; a fault on the slot next to the last one
 * reads two, and the hits then grow the window back to the group.
 */
KTEST(swap_readahead_window_follows_hits)
{
	swp_entry_t e[RA_PAGES];
	unsigned long start, end;
	int cluster;
	struct mm_struct *mm = NULL;

	if (!swap_ktest_area_on(t, NULL, 0))
		return;
	cluster = swap_ktest_page_cluster(3);
	mm = ra_setup(t, e);                    /* for entries of a live area */
	if (!mm)
		goto out;
	swap_ra_window(e[0], &start, &end);     /* afresh: the whole group */
	KT_EXPECT_EQ(end - start, 8);
	swap_ra_window(e[9], &start, &end);     /* far, no hit: half */
	KT_EXPECT_EQ(end - start, 4);
	KT_EXPECT_EQ(start, swp_offset(e[9]) & ~3UL);
	swap_ra_window(e[2], &start, &end);
	KT_EXPECT_EQ(end - start, 2);
	swap_ra_window(e[13], &start, &end);
	KT_EXPECT_EQ(end - start, 1);           /* random access: the page alone */
	KT_EXPECT_EQ(start, swp_offset(e[13]));
	swap_ra_window(e[5], &start, &end);
	KT_EXPECT_EQ(end - start, 1);
	swap_ra_window(e[6], &start, &end);     /* next to the last: a run starts */
	KT_EXPECT_EQ(end - start, 2);
	swap_ra_window(e[7], &start, &end);     /* adjacent, still no hit */
	KT_EXPECT_EQ(end - start, 2);
	/* Three pages read ahead found by faults: 3 + 2 rounds up to 8. */
	for (int i = 0; i < 3; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page)
			continue;
		set_page_flag(page, PG_readahead);
		swap_ra_hit(page);
		KT_EXPECT(!test_page_flag(page, PG_readahead));
		put_page(page);
	}
	swap_ra_window(e[11], &start, &end);
	KT_EXPECT_EQ(end - start, 8);
	mmput(mm);
out:
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off(t);
}

/*
 * Readahead reads only slots in use and not cached: a slot freed by
 * munmap is not read (nor cached), and a page already in the cache is
 * neither read again nor replaced.
 */
KTEST(swap_readahead_skips_free_and_cached_slots)
{
	swp_entry_t e[RA_PAGES];
	unsigned long free0, in0;
	struct mm_struct *mm;
	struct page *cached, *page;
	int cluster, f = 10, c = -1, z = -1;
	unsigned int inwin = 0;
	vm_fault_t ret;

	if (!swap_ktest_area_on(t, NULL, 0))
		return;
	cluster = swap_ktest_page_cluster(3);
	free0 = nr_free_swap_pages();
	mm = ra_setup(t, e);
	if (!mm)
		goto out;
	for (int i = 0; i < RA_PAGES; i++) {
		if (i == f || !ra_in_window(e[f], e[i]))
			continue;
		inwin++;
		if (c < 0)
			c = i;
		else if (z < 0)
			z = i;
	}
	if (c < 0 || z < 0) {
		kt_fail(t, __FILE__, __LINE__, "fewer than 3 slots in the group");
		goto out_mm;
	}
	/* c: read alone (page-cluster 0) and mapped; z: its slot freed. */
	swap_ktest_page_cluster(0);
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(mm, ra_addr(c), 0);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 1);
	cached = sf_page(mm, ra_addr(c));
	if (!cached) {
		kt_fail(t, __FILE__, __LINE__, "page %d not mapped", c);
		goto out_mm;
	}
	ra_munmap(mm, z);
	KT_EXPECT_EQ(swap_count(e[z]), 0);
	swap_ktest_page_cluster(3);
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(mm, ra_addr(f), 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	/* The group's slots less the cached one and the free one, plus f. */
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, inwin - 2 + 1);
	page = lookup_swap_cache(e[z]);
	KT_EXPECT(!page);
	if (page)
		put_page(page);
	page = lookup_swap_cache(e[c]);
	KT_EXPECT(page == cached);
	if (page)
		put_page(page);
	KT_EXPECT(sf_page(mm, ra_addr(c)) == cached && sf_data_is(cached, (char)('a' + c)));
out_mm:
	mmput(mm);
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
out:
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off(t);
}

/*
 * After fork both processes name each slot: the child's fault reads the
 * group ahead, and every later fault of either process on a page of the
 * group finds it in the swap cache; each slot is read once in all, and
 * a page both map is one page.
 */
KTEST(swap_readahead_after_fork_reads_once)
{
	swp_entry_t e[RA_PAGES];
	unsigned long free0, in0;
	struct mm_struct *mm, *child;
	struct page *page;
	int cluster, f = 10, g = -1;
	unsigned int inwin = 0;
	vm_fault_t ret;

	if (!swap_ktest_area_on(t, NULL, 0))
		return;
	cluster = swap_ktest_page_cluster(3);
	free0 = nr_free_swap_pages();
	mm = ra_setup(t, e);
	if (!mm)
		goto out;
	child = dup_mm(mm);
	if (!child) {
		kt_fail(t, __FILE__, __LINE__, "dup_mm");
		mmput(mm);
		goto out;
	}
	for (int i = 0; i < RA_PAGES; i++)
		if (ra_in_window(e[f], e[i])) {
			inwin++;
			if (i != f)
				g = i;
		}
	if (g < 0)
		g = f;                          /* fails below: one slot is no group */
	KT_EXPECT_EQ(inwin, 8);
	KT_EXPECT_EQ(swap_count(e[g]), 2);
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(child, ra_addr(f), 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	ret = sf_fault(mm, ra_addr(f), 0);
	KT_EXPECT(!(ret & (VM_FAULT_ERROR | VM_FAULT_MAJOR)));
	ret = sf_fault(mm, ra_addr(g), 0);
	KT_EXPECT(!(ret & (VM_FAULT_ERROR | VM_FAULT_MAJOR)));
	ret = sf_fault(child, ra_addr(g), 0);
	KT_EXPECT(!(ret & (VM_FAULT_ERROR | VM_FAULT_MAJOR)));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, inwin);
	page = sf_page(mm, ra_addr(f));
	KT_EXPECT(page && sf_page(child, ra_addr(f)) == page && page_mapcount(page) == 2);
	KT_EXPECT(page && sf_data_is(page, (char)('a' + f)));
	/* Read ahead for the child, mapped first by the parent: one page. */
	page = sf_page(mm, ra_addr(g));
	KT_EXPECT(page && sf_page(child, ra_addr(g)) == page && page_mapcount(page) == 2);
	KT_EXPECT(page && PageAnon(page) && sf_data_is(page, (char)('a' + g)));
	mmput(child);
	mmput(mm);
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
out:
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off(t);
}

/*
 * Swap-out under a plug: MADV_PAGEOUT of 16 pages gives them consecutive
 * slots (this CPU's cluster) and writes them under one plug, so that the
 * block layer merges the writes: far fewer device commands than pages
 * (one, unless the task slept with the plug half full). Without the plug
 * each page is a command of its own.
 */
KTEST(swap_pageout_writes_merge)
{
	struct block_device *vdb = blkdev_get("vdb");
	swp_entry_t e[RA_PAGES];
	unsigned long free0, cmd0, cmds;
	struct mm_struct *mm;
	bool merging;

	if (!vdb || !swap_ktest_area_on(t, NULL, 0))
		return;
	merging = blk_set_merging(true);
	blk_set_merging(merging);
	free0 = nr_free_swap_pages();
	cmd0 = __atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED);
	mm = ra_setup(t, e);                    /* the pageout is in here */
	cmds = __atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED) - cmd0;
	if (mm) {
		for (int i = 1; i < RA_PAGES; i++)
			KT_EXPECT_EQ(swp_offset(e[i]), swp_offset(e[i - 1]) + 1);
		if (merging)
			KT_EXPECT(cmds <= RA_PAGES / 4);
		else
			KT_EXPECT_EQ(cmds, RA_PAGES);
		mmput(mm);
	}
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
	swap_ktest_area_off(t);
}

/*
 * A read error on one page read ahead is that page's alone: the fault
 * that started the readahead, and a fault on another page read with it,
 * succeed; the failed page is not left in the swap cache for a later
 * fault to find (readahead is a hint): that fault reads the slot itself,
 * gets SIGBUS only if its own read fails, and the page once the error is
 * gone. The errors come from "ktswapfail", a block device that passes
 * requests to vdb and fails reads of one chosen sector; the slots used
 * are not adjacent, so no merged request mixes a good page with the bad.
 */
static struct block_device *ra_lower;
static u64 ra_fail_sector = ~0ULL;              /* (a) */

static int ra_faulty_submit(struct block_device *bdev, struct blk_request *req)
{
	u64 bad = __atomic_load_n(&ra_fail_sector, __ATOMIC_RELAXED);

	if (req->op == BLK_READ && bad >= req->sector && bad - req->sector < req->nr_sectors) {
		req->error = -EIO;
		if (req->end_io)
			req->end_io(req);
		else
			complete(&req->done);
		return 0;
	}
	return ra_lower->ops->submit(ra_lower, req);
}

static const struct block_device_ops ra_faulty_ops = { .submit = ra_faulty_submit };
static struct block_device ra_faulty = { .name = "ktswapfail", .ops = &ra_faulty_ops };

KTEST(swap_readahead_error_spares_other_faults)
{
	swp_entry_t e[RA_PAGES];
	int keep[3], nkeep = 0, cluster, f = 8;
	unsigned long free0, in0;
	struct mm_struct *mm = NULL;
	struct page *page;
	vm_fault_t ret;

	ra_lower = blkdev_get("vdb");
	KT_ASSERT(ra_lower);
	if (!ra_faulty.nr_sectors) {
		ra_faulty.nr_sectors = ra_lower->nr_sectors;
		KT_ASSERT_EQ(blkdev_register(&ra_faulty), 0);
	}
	/* The header goes on vdb; the area is enabled through the wrapper. */
	if (!swap_ktest_area_on_as(t, "ktswapfail"))
		return;
	cluster = swap_ktest_page_cluster(3);
	free0 = nr_free_swap_pages();
	mm = ra_setup(t, e);
	if (!mm)
		goto out;
	/* Keep three pages of f's group whose slots are two or more apart;
	 * free the others of the group. */
	for (unsigned long off = 0; off < 8; off++)
		for (int i = 0; i < RA_PAGES; i++) {
			if (!ra_in_window(e[f], e[i]) || swp_offset(e[i]) % 8 != off)
				continue;
			if (nkeep < 3 && (!nkeep || swp_offset(e[i]) >= swp_offset(e[keep[nkeep - 1]]) + 2))
				keep[nkeep++] = i;
			else
				ra_munmap(mm, i);
		}
	if (nkeep != 3) {
		kt_fail(t, __FILE__, __LINE__, "no three slots apart in the group (%d)", nkeep);
		goto out_mm;
	}
	__atomic_store_n(&ra_fail_sector, (u64)swp_offset(e[keep[1]]) << (PAGE_SHIFT - SECTOR_SHIFT),
			 __ATOMIC_RELAXED);
	/* The first: its read is good, the middle one's readahead fails. */
	in0 = vm_event_read(PSWPIN);
	ret = sf_fault(mm, ra_addr(keep[0]), 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT(sf_page(mm, ra_addr(keep[0])) &&
		  sf_data_is(sf_page(mm, ra_addr(keep[0])), (char)('a' + keep[0])));
	KT_EXPECT_EQ(vm_event_read(PSWPIN) - in0, 3);
	page = ra_cached(e[keep[1]]);
	KT_EXPECT(page && !PageUptodate(page));         /* its read failed */
	if (page)
		put_page(page);
	/* The third, read with it: fine, from the cache. */
	ret = sf_fault(mm, ra_addr(keep[2]), 0);
	KT_EXPECT(!(ret & (VM_FAULT_ERROR | VM_FAULT_MAJOR)));
	KT_EXPECT(sf_page(mm, ra_addr(keep[2])) &&
		  sf_data_is(sf_page(mm, ra_addr(keep[2])), (char)('a' + keep[2])));
	/* The failed one, the disk still failing: the fault's own read
	 * fails, SIGBUS, the entry stays. */
	ret = sf_fault(mm, ra_addr(keep[1]), 0);
	KT_EXPECT(ret & VM_FAULT_SIGBUS);
	KT_EXPECT(is_swap_pte(sf_pte(mm, ra_addr(keep[1]))));
	KT_EXPECT_EQ(swap_count(e[keep[1]]), 1);
	/* The error gone: read again, and right. */
	__atomic_store_n(&ra_fail_sector, ~0ULL, __ATOMIC_RELAXED);
	ret = sf_fault(mm, ra_addr(keep[1]), 0);
	KT_EXPECT(ret & VM_FAULT_MAJOR);
	KT_EXPECT(!(ret & VM_FAULT_ERROR));
	KT_EXPECT(sf_page(mm, ra_addr(keep[1])) &&
		  sf_data_is(sf_page(mm, ra_addr(keep[1])), (char)('a' + keep[1])));
out_mm:
	mmput(mm);
	KT_EXPECT_EQ(nr_free_swap_pages(), free0);
out:
	__atomic_store_n(&ra_fail_sector, ~0ULL, __ATOMIC_RELAXED);
	swap_ktest_page_cluster(cluster);
	swap_ktest_area_off_as(t, "ktswapfail");
}
