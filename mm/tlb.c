/*
 * The unmap batch: flush before free (include/mm/tlb.h).
 *
 * Owns: struct mmu_gather. Every path that clears user PTEs of pages it
 * may free (zap_page_range for munmap, exit, MADV_DONTNEED and truncate's
 * unmap_mapping_range) gathers the pages here, so that the range is
 * flushed on every CPU (flush_tlb_mm_range) before the last reference to
 * any of them can go: a CPU with a stale entry could otherwise read or
 * write a page that was freed and reused.
 *
 * Exit (fullmm) flushes nothing: mm_users is 0, so no task runs the mm
 * and no CPU makes a user access through it again. A CPU may still have
 * it in CR3 (lazy TLB, a kernel thread running); such a CPU's stale
 * entries are never used (kernel threads do not touch user addresses),
 * and its next CR3 load drops them. The page tables themselves stay until
 * the last such CPU lets go (mm_count, mm/mmap.c), since a CPU may walk
 * the tables in its CR3 at any time.
 *
 * Locks: none of its own. A gather belongs to one caller; the caller holds
 * mmap_lock (and for the flush, usually the page-table lock).
 */
#include <kernel/kernel.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/tlb.h>
#include <asm/tlbflush.h>

void (*tlb_free_page_hook)(struct page *page);

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, bool fullmm)
{
	tlb->mm = mm;
	tlb->fullmm = fullmm;
	tlb->start = ~0UL;
	tlb->end = 0;
	tlb->nr = 0;
}

void tlb_add_range(struct mmu_gather *tlb, unsigned long addr)
{
	if (addr < tlb->start)
		tlb->start = addr;
	if (addr + PAGE_SIZE > tlb->end)
		tlb->end = addr + PAGE_SIZE;
}

static void tlb_flush_range(struct mmu_gather *tlb)
{
	if (tlb->start < tlb->end && !tlb->fullmm)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	tlb->start = ~0UL;
	tlb->end = 0;
}

static void tlb_free_pages(struct mmu_gather *tlb)
{
	for (unsigned int i = 0; i < tlb->nr; i++) {
		if (tlb_free_page_hook)
			tlb_free_page_hook(tlb->pages[i]);
		put_page(tlb->pages[i]);
	}
	tlb->nr = 0;
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page, unsigned long addr)
{
	tlb_add_range(tlb, addr);
	/* LAB(tlb): BEGIN a full batch: flush the gathered range, and only then free its pages */
	/* LAB(tlb): STUB if (tlb->nr == TLB_GATHER_PAGES) */
	/* LAB(tlb): STUB 	tlb_free_pages(tlb); */
	if (tlb->nr == TLB_GATHER_PAGES) {
		/* Full: flush what is gathered, then the pages may go. */
		tlb_flush_range(tlb);
		tlb_free_pages(tlb);
		tlb_add_range(tlb, addr);
	}
	/* LAB(tlb): END */
	tlb->pages[tlb->nr++] = page;
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	tlb_flush_range(tlb);
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_range(tlb);
	tlb_free_pages(tlb);
}
