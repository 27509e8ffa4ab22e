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
 * Also reclaim's deferred flush (struct tlbflush_unmap_batch): the CPUs
 * of the mms whose PTEs try_to_unmap cleared for a batch of pages, and
 * mm->tlb_flush_batched, which tells munmap, mprotect and fork that such
 * a flush is still pending (flush_tlb_batched_pending).
 *
 * Locks: none of its own. A gather belongs to one caller; the caller holds
 * mmap_lock (and for the flush, usually the page-table lock).
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
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

void tlb_ubc_add_pending(struct tlbflush_unmap_batch *b, struct mm_struct *mm)
{
	ASSERT_HELD(&mm->page_table_lock);
	/* The cleared PTE before the read of the mask: pairs with the
	 * cpumask_set_cpu before a CR3 load in switch_mm_irqs_off, as in
	 * flush_tlb_mm_range. A CPU that sets its bit after this read walks
	 * the cleared PTE and caches nothing of it. */
	smp_mb();
	b->cpumask.bits |= cpumask_read(&mm->cpu_mask).bits;
	b->flush_required = true;
	/* For flush_tlb_batched_pending, read under this same lock. */
	mm->tlb_flush_batched = true;
}

void try_to_unmap_flush(struct tlbflush_unmap_batch *b)
{
	if (!b->flush_required)
		return;
	arch_tlbbatch_flush(&b->cpumask);
	b->cpumask = CPUMASK_NONE;
	b->flush_required = false;
}

void flush_tlb_batched_pending(struct mm_struct *mm)
{
	ASSERT_HELD(&mm->page_table_lock);
	/* Set and cleared under this lock, so every PTE reclaim cleared
	 * before the flag was read is covered by this flush; one it clears
	 * later sets the flag again. Reclaim's own flush leaves the flag
	 * set: at worst one more flush here. */
	if (!mm->tlb_flush_batched)
		return;
	flush_tlb_mm_range(mm, 0, USER_TOP);
	mm->tlb_flush_batched = false;
}
