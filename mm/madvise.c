/*
 * MADV_PAGEOUT: reclaim the caller's own private anonymous pages now
 * (Linux 5.4's madvise_pageout), so that programs and tests can send
 * pages to swap without memory pressure.
 *
 * Owns nothing; it is reclaim's anonymous path run on a range: each page
 * goes into the swap cache with a slot (add_to_swap), its PTE is replaced
 * by the swap entry through the reverse map as reclaim does (try_to_unmap:
 * the TLB flushed before the page may be written or freed), dirty pages
 * are written without waiting (swap_writepage), and once a batch is
 * written its pages leave the cache and are freed.
 *
 * Only pages mapped once are taken, as Linux 5.4 does (a page shared
 * with a fork child stays: reclaim may still send it out), and never
 * those of a VM_LOCKED, shared or raw-frame VMA.
 *
 * Locks: mmap_lock held for reading by the caller; each page is locked
 * (sleeping) before try_to_unmap takes anon_vma->lock and the page-table
 * lock: mmap_lock -> page lock -> anon_vma->lock -> page_table_lock ->
 * si->lock.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <drivers/blkdev.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <asm/tlbflush.h>

#define PAGEOUT_BATCH 32

struct pageout_batch {
	struct page *pages[PAGEOUT_BATCH];      /* referenced, unmapped, in the swap cache */
	unsigned int nr;
};

/* The anonymous page that @vma maps once at @addr, referenced; or NULL. */
static struct page *pageout_candidate(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = NULL;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	pte = ptep ? ptep_get(ptep) : __pte(0);
	if (pte_present(pte)) {
		page = pfn_to_page(pte_pfn(pte));
		if (is_zero_page(page) || !PageAnon(page) || page_mapcount(page) != 1 ||
		    PageMlocked(page))
			page = NULL;
		else
			get_page(page);
	}
	spin_unlock(&mm->page_table_lock);
	return page;
}

/* Wait for the batch's writes, then free what is unmapped, clean and
 * written. Context: no lock held; may sleep. */
static void pageout_finish(struct pageout_batch *b)
{
	blk_flush_plug();                       /* the writes we wait for below */
	for (unsigned int i = 0; i < b->nr; i++) {
		struct page *page = b->pages[i];

		swap_wait_on_writeback(page);
		lock_page(page);
		if (PageSwapCache(page) && !page_mapcount(page) && !PageDirty(page) &&
		    !PageWriteback(page))
			delete_from_swap_cache(page);
		unlock_page(page);
		put_page(page);
	}
	b->nr = 0;
}

/* One page: into the swap cache, out of the page table, to the disk.
 * Returns -ENOSPC when swap is full (stop), else 0. */
static int pageout_one(struct vm_area_struct *vma, unsigned long addr, struct pageout_batch *b)
{
	struct page *page = pageout_candidate(vma, addr);

	if (!page)
		return 0;
	lock_page(page);
	if (PageWriteback(page) || (PageSwapCache(page) &&
				    swap_entry_dying((swp_entry_t){ page->private })))
		goto skip;
	if (!PageSwapCache(page)) {
		if (!add_to_swap(page)) {
			unlock_page(page);
			put_page(page);
			return -ENOSPC;
		}
	}
	if (try_to_unmap(page) != TTU_SUCCESS)
		goto skip;
	if (PageDirty(page))
		swap_writepage(page);           /* unlocks it */
	else
		unlock_page(page);
	b->pages[b->nr++] = page;
	if (b->nr == PAGEOUT_BATCH)
		pageout_finish(b);
	return 0;
skip:
	/* Left mapped: if it was just given a slot, give it back. */
	if (PageSwapCache(page) && page_mapcount(page))
		try_to_free_swap(page);
	unlock_page(page);
	put_page(page);
	return 0;
}

int madvise_pageout(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct pageout_batch b = { .nr = 0 };
	struct blk_plug plug;
	int err = 0;

	if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP))
		return -EINVAL;
	if (vma->vm_flags & VM_SHARED)
		return 0;                       /* shared pages go by reclaim, not here */
	/* Consecutive pages get consecutive slots: under a plug their
	 * writes merge. */
	blk_start_plug(&plug);
	for (unsigned long addr = start; addr < end && !err; addr += PAGE_SIZE) {
		err = pageout_one(vma, addr, &b);
		if (fatal_signal_pending(current))
			break;
	}
	pageout_finish(&b);
	blk_finish_plug(&plug);
	return err == -ENOSPC ? 0 : err;        /* a full swap is not the caller's error */
}
