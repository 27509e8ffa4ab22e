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

/* Test hook (ktests only): called for each gathered page just before its
 * reference is dropped. */
extern void (*tlb_free_page_hook)(struct page *page);

#endif
