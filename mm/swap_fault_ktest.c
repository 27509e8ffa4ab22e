/*
 * ktest of the swap-in fault (mm/memory.c do_swap_page and
 * swapin_map_page; docs/reclaim.md "do_swap_page", docs/labs/reclaim.md).
 *
 * Pages of a private anonymous mapping are sent out with MADV_PAGEOUT's
 * path (madvise_pageout) to an area made on the scratch disk vdb, as
 * mm/swapfile_ktest.c does (the highest priority, so the slots come from
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
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define SF_ADDR  0x3c000000UL
#define SF_PAGES 4

/* mkswap's header for the whole scratch disk, and swapon; as in
 * mm/swapfile_ktest.c. */
static bool sf_area_on(struct kt *t)
{
	struct block_device *bdev = blkdev_get("vdb");
	struct swap_header_v1 *h = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);
	int err;

	if (!bdev || !h) {
		kt_fail(t, __FILE__, __LINE__, "no scratch disk vdb or no page");
		if (h)
			free_pages(h, 0);
		return false;
	}
	h->version = 1;
	h->last_page = (u32)(bdev->nr_sectors >> (PAGE_SHIFT - SECTOR_SHIFT)) - 1;
	memcpy((char *)h + PAGE_SIZE - 10, SWAP_HEADER_MAGIC, 10);
	err = blkdev_rw(bdev, BLK_WRITE, 0, h, PAGE_SIZE >> SECTOR_SHIFT);
	free_pages(h, 0);
	if (!err)
		err = swapon_device("/dev/vdb", SWAP_FLAG_PREFER | SWAP_FLAG_PRIO_MASK);
	if (err)
		kt_fail(t, __FILE__, __LINE__, "swapon of vdb: %d", err);
	return !err;
}

static void sf_area_off(struct kt *t)
{
	struct block_device *bdev = blkdev_get("vdb");
	void *page = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);

	KT_EXPECT_EQ(swapoff_device("vdb"), 0);
	if (page) {
		blkdev_rw(bdev, BLK_WRITE, 0, page, PAGE_SIZE >> SECTOR_SHIFT);
		free_pages(page, 0);
	}
}

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

static int sf_pageout(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	int r = -EFAULT;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, SF_ADDR);
	if (vma && vma->vm_start <= SF_ADDR)
		r = madvise_pageout(vma, SF_ADDR, SF_ADDR + SF_PAGES * PAGE_SIZE);
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
	long r;

	KT_ASSERT(mm);
	if (!sf_area_on(t)) {
		mmput(mm);
		return;
	}
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
	KT_ASSERT_EQ(sf_pageout(mm), 0);
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
	sf_area_off(t);
}
