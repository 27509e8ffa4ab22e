/*
 * Batched unmapping: flush before free (mm/tlb.c, docs/smp-tlb.md).
 *
 * A page whose PTE was just cleared may still be reachable through a stale
 * TLB entry on another CPU until the range is flushed. So the unmapper
 * gathers the pages (the PTE's reference to each), flushes the range once,
 * and only then drops the references, which may free the pages. The batch
 * is bounded: when it is full, the range so far is flushed and the pages
 * put, and gathering goes on.
 *
 *     tlb_gather_mmu(&tlb, mm, fullmm);
 *     ... clear PTEs, tlb_remove_page(&tlb, page, addr) for each ...
 *     tlb_flush_mmu(&tlb);        under the page-table lock: flush, no frees
 *     spin_unlock(ptl);
 *     tlb_finish_mmu(&tlb);       flush (if still needed) and put the pages
 *
 * fullmm: the whole address space goes away and no CPU runs it any more
 * (mm_users is 0): nothing is flushed (see mm/tlb.c).
 */
#ifndef _MM_TLB_H
#define _MM_TLB_H

#include <kernel/cpumask.h>
#include <kernel/types.h>

struct mm_struct;
struct page;

#define TLB_GATHER_PAGES 64

struct mmu_gather {
	struct mm_struct *mm;
	bool fullmm;
	unsigned long start, end;       /* cleared PTEs not flushed yet; start >= end: none */
	unsigned int nr;
	struct page *pages[TLB_GATHER_PAGES];
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm, bool fullmm);
/* The PTE at @addr was cleared or restricted: it needs flushing. */
void tlb_add_range(struct mmu_gather *tlb, unsigned long addr);
/* The PTE at @addr that mapped @page (holding a reference) was cleared:
 * the reference is dropped after the flush. Context: may be called under
 * the page-table lock (a full batch is flushed and put there). */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page, unsigned long addr);
/* Flush what was gathered, put the gathered pages. Context: any lock. */
void tlb_flush_mmu(struct mmu_gather *tlb);
/* The same, at the end. */
void tlb_finish_mmu(struct mmu_gather *tlb);

/*
 * Reclaim's deferred flush (Linux's struct tlbflush_unmap_batch;
 * docs/smp-tlb.md "Reclaim's batch"). try_to_unmap_batch() clears the
 * PTEs of a whole batch of pages without flushing each one: it adds the
 * CPUs of each PTE's mm to the batch, and try_to_unmap_flush() then
 * flushes them all with one cross-CPU call. The rule: no page whose PTE
 * went into the batch is written out, freed, or unlocked before that
 * flush, because another CPU may store into it through its stale entry
 * until then (a store after writeout would be lost, one after the free
 * would land in someone else's page). The batch belongs to the reclaimer
 * (on its stack), so it needs no lock.
 */
struct tlbflush_unmap_batch {
	struct cpumask cpumask;         /* CPUs that may cache a cleared PTE */
	bool flush_required;
};

/* The PTE of @mm was just cleared: its flush joins @b. Context: @mm's
 * page_table_lock held. */
void tlb_ubc_add_pending(struct tlbflush_unmap_batch *b, struct mm_struct *mm);
/* Flush every CPU gathered in @b, once, and empty it. Context: interrupts
 * enabled, may hold page locks; no spinlock. */
void try_to_unmap_flush(struct tlbflush_unmap_batch *b);
/*
 * Reclaim may have cleared PTEs of @mm whose flush is still pending in
 * its batch: flush the whole mm now. Called under the page-table lock by
 * the paths that promise the user that no CPU uses an old translation of
 * a range once they return (munmap/zap, mprotect, fork's write-protect):
 * reclaim's clear left a stale entry they cannot see in the PTE. Linux's
 * flush_tlb_batched_pending. Context: @mm's page_table_lock held.
 */
void flush_tlb_batched_pending(struct mm_struct *mm);

/* Test hook (ktests only): called for each gathered page just before its
 * reference is dropped. */
extern void (*tlb_free_page_hook)(struct page *page);

#endif
