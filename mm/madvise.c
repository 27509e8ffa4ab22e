/*
 * The madvise hints that need more than the syscall's loop (mm/mmap.c):
 * the readahead ones, and MADV_PAGEOUT.
 *
 * MADV_NORMAL/SEQUENTIAL/RANDOM set VM_SEQ_READ / VM_RAND_READ on the
 * VMAs of the range, splitting them at its ends as mprotect does
 * (mmap_lock held for writing); filemap_fault reads ahead, around, or not
 * at all by them (mm/readahead.c). MADV_WILLNEED on a file mapping reads
 * the file pages it maps ahead (force_page_cache_readahead), with
 * mmap_lock held for reading, as a fault's readahead is; on anonymous
 * memory it is accepted and does nothing (Linux reads swap ahead).
 *
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
#include <mm/readahead.h>
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

/* ---- the readahead hints ------------------------------------------------------ */

/* Set @vma's bits @mask over [start, end) to @flags, splitting it at the
 * ends first. Returns 0 or -ENOMEM. */
static int madvise_flags_fixup(struct mm_struct *mm, struct vm_area_struct *vma,
			       unsigned long start, unsigned long end, unsigned long mask,
			       unsigned long flags)
{
	unsigned long newflags = (vma->vm_flags & ~mask) | flags;
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	err = vma_isolate_range(mm, vma, start, end);
	if (err)
		return err;
	/* Only readahead or fork behaviour changes: the PTEs stay. */
	vma->vm_flags = newflags;
	vma_merge_neighbours(mm, vma);
	return 0;
}

int madvise_set_vma_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
			  unsigned long mask, unsigned long flags, bool private_anon_only)
{
	int ret = 0;

	down_write(&mm->mmap_lock);
	for (unsigned long cur = start; cur < end;) {
		struct vm_area_struct *vma = find_vma(mm, cur);
		unsigned long part_end;
		int err;

		if (!vma || vma->vm_start >= end) {
			ret = -ENOMEM;
			break;
		}
		if (vma->vm_start > cur)
			ret = -ENOMEM;          /* a hole: the rest is still done */
		cur = max(cur, vma->vm_start);
		/* MADV_WIPEONFORK: private anonymous memory only (the VMAs
		 * before this one keep their change, as on Linux). */
		if (private_anon_only && (vma->vm_file || (vma->vm_flags & VM_SHARED))) {
			ret = -EINVAL;
			break;
		}
		part_end = min(end, vma->vm_end);
		err = madvise_flags_fixup(mm, vma, cur, part_end, mask, flags);
		if (err) {
			ret = err;
			break;
		}
		cur = part_end;
	}
	up_write(&mm->mmap_lock);
	return ret;
}

void madvise_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct file *file = vma->vm_file;
	loff_t offset;

	if (!file || (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)) || !S_ISREG(file->f_inode->i_mode))
		return;
	offset = (loff_t)(vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT)) << PAGE_SHIFT;
	force_page_cache_readahead(file, offset, offset + (loff_t)(end - start));
}
