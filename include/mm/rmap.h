/*
 * The reverse map (mm/rmap.c): from a page to every PTE that maps it.
 * File pages are found through their file's mapping->i_mmap, anonymous
 * pages through their anon_vma (below); page_referenced and try_to_unmap
 * walk both for reclaim (mm/vmscan.c).
 *
 * Faultline keeps no per-page list of PTEs. A page-cache page at index i
 * of mapping m can only be mapped by a VMA of m that covers file page i,
 * at address vm_start + (i - vm_pgoff) * PAGE_SIZE: so the VMAs of m are
 * the reverse map, as in Linux. i_mmap is an interval tree of them keyed
 * by the file pages each maps (Linux's vma_interval_tree; 2.6.x had the
 * "prio tree"), so finding the VMAs that map one page costs O(log n + the
 * VMAs that map it), however many other VMAs map the file.
 */
#ifndef _MM_RMAP_H
#define _MM_RMAP_H

#include <fs/fs.h>
#include <kernel/interval_tree.h>
#include <mm/mm_types.h>
#include <kernel/errno.h>
#include <mm/vmstat.h>

/* A shared anonymous VMA's object (mm/shmem.c), or NULL for any other. */
struct address_space *shmem_vma_mapping(const struct vm_area_struct *vma);

/* The mapping @vma maps (its file's, or its shmem object's: reclaim
 * unmaps shmem pages through i_mmap too), or NULL for private anonymous
 * memory. */
static inline struct address_space *vma_mapping(const struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->f_inode->i_mapping;
	return vma->vm_ops ? shmem_vma_mapping(vma) : NULL;
}

/* The file pages [first, last] @vma covers. */
static inline unsigned long vma_last_pgoff(const struct vm_area_struct *vma)
{
	return vma->vm_pgoff + ((vma->vm_end - vma->vm_start) >> PAGE_SHIFT) - 1;
}

/*
 * Add @vma to / remove it from its file's i_mmap. The __ versions need
 * mapping->i_mmap_lock held (for callers that change the VMA's range in
 * the same critical section: split and merge); the others take it.
 * A VMA without a file is ignored.
 */
void __vma_link_file(struct vm_area_struct *vma);
void __vma_unlink_file(struct vm_area_struct *vma);
void vma_link_file(struct vm_area_struct *vma);
void vma_unlink_file(struct vm_area_struct *vma);

/* One step of for_each_vma_in_range(); counts each VMA it yields. */
static inline struct vm_area_struct *__rmap_vma(struct interval_tree_node *n)
{
	if (!n)
		return NULL;
	count_vm_event(FL_RMAP_WALK_VMAS);
	return container_of(n, struct vm_area_struct, vm_shared);
}

/*
 * Exactly the VMAs of @m that map some file page in [first, last], by
 * vm_pgoff, and in the order they were linked among equal vm_pgoff (which
 * fork relies on: mm/rmap.c). Context: m->i_mmap_lock held; the body must
 * not link or unlink VMAs of @m.
 */
#define for_each_vma_in_range(vma, m, first, last)                              \
	for (vma = __rmap_vma(interval_tree_iter_first(&(m)->i_mmap, (first), (last))); \
	     vma;                                                               \
	     vma = __rmap_vma(interval_tree_iter_next(&vma->vm_shared, (first), (last))))

/*
 * Write-protect and clean every PTE that maps @page from a shared VMA, with
 * the TLB flushed, so that the next write faults (dirty tracking). Returns
 * the number of PTEs changed; the caller (clear_page_dirty_for_io) then
 * re-dirties the page if any of them had the hardware dirty bit, before it
 * clears the page's dirty flag for writeback.
 * Context: @page locked (it stays in its mapping); takes i_mmap_lock and
 * each mm's page_table_lock; does not sleep.
 */
int page_mkclean(struct page *page);

/*
 * ---- anonymous pages --------------------------------------------------
 *
 * An anon_vma is the reverse map of anonymous pages, in the scheme of
 * Linux 2.6.9-2.6.33 (Faultline does not have Linux's anon_vma_chain):
 * one anon_vma is shared by a VMA and every VMA split from it or forked
 * from it (in any descendant), and lists them all. An anonymous page
 * points to the anon_vma of the VMA it was created in (page->anon_vma)
 * and keeps its "linear" page offset there (page->index = vm_pgoff +
 * page number in the VMA; an anonymous VMA's vm_pgoff is its start
 * address in pages, so splits, merges and fork copies agree on it). The
 * page can only be mapped by a VMA on that list, at vma_address(): a walk
 * visits the list, and checks each VMA's PTE for the page's frame.
 *
 * Why not anon_vma_chain: it exists so that a walk after many forks
 * visits only the VMAs that may really map the page (a long-running
 * server forking workers made 2.6.33's lists long). This scheme is one
 * list and one pointer, the walk is right (it only visits some VMAs in
 * vain), and a teaching kernel's forks are few. docs/reclaim.md.
 *
 * Lifetime: refcount counts the VMAs on the list and the pages that point
 * to it; the last put frees it. A walker holds a reference to the page,
 * which keeps page->anon_vma set (it is cleared only when the page is
 * freed) and so the anon_vma alive.
 *
 * Locks: anon_vma->lock (spinlock) protects the list, and, for a VMA on
 * it, vm_start/vm_end/vm_pgoff changes (split, merge: also under
 * mmap_lock for writing). Order: page lock -> i_mmap_lock ->
 * anon_vma->lock -> page_table_lock (docs/locking.md).
 */
struct anon_vma {
	spinlock_t lock;
	struct list_head head;          /* (lock) VMAs, by vma->anon_vma_node */
	int refcount;                   /* (a) VMAs on head + pages pointing here */
};

/* Is @page anonymous (a private page with an anon_vma)? For a page the
 * caller references (on an LRU list, or mapped). */
static inline bool PageAnon(const struct page *page)
{
	return READ_ONCE(page->anon_vma) != NULL;
}

/* The linear page offset of @addr in @vma: page->index of an anonymous
 * page made there, and a file page's index. */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma,
					      unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/* Where @vma would map the page whose linear offset is @pgoff, or -EFAULT
 * (as an unsigned long) when @vma does not cover it. Context: the lock
 * that keeps @vma's range stable (i_mmap_lock or anon_vma->lock). */
static inline unsigned long vma_address(const struct vm_area_struct *vma, unsigned long pgoff)
{
	unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

	if (pgoff < vma->vm_pgoff || pgoff - vma->vm_pgoff >= pages)
		return (unsigned long)-EFAULT;
	return vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
}

/*
 * Give @vma an anon_vma before its first anonymous page. Returns 0 or
 * -ENOMEM. Context: mmap_lock held (read: concurrent faults of one VMA
 * agree under page_table_lock); may sleep (allocates).
 */
int anon_vma_prepare(struct vm_area_struct *vma);
/* @vma, a copy of a VMA (fork, split: vma->anon_vma copied), joins its
 * anon_vma's list. Context: mmap_lock held for writing; takes its lock. */
void anon_vma_link(struct vm_area_struct *vma);
/* @vma leaves its anon_vma (munmap, exit, merged away; its PTEs are
 * gone or moving to the survivor): drops the list's reference. */
void anon_vma_unlink(struct vm_area_struct *vma);
/* The __ versions, for callers that hold vma->anon_vma->lock (merge). */
void __anon_vma_link(struct vm_area_struct *vma);
void __anon_vma_unlink(struct vm_area_struct *vma);
/* Drop a reference; frees it with the last. Context: any (irqs too);
 * not with its lock held. */
void put_anon_vma(struct anon_vma *av);

/*
 * @page, newly allocated by a fault, becomes an anonymous page of @vma at
 * @addr: page->anon_vma (with a reference) and page->index set, and
 * PG_swapbacked. The caller maps it and puts it on the LRU
 * (lru_cache_add_anon). Context: vma->anon_vma prepared; the page is not
 * visible to anyone else yet.
 */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr);
/* The allocator frees @page: drop its anon_vma (Context: any). */
void page_anon_rmap_freed(struct page *page);

/* The PTE @old that mapped @page in @vma was cleared (and, if it was
 * present, flushed or about to be): drop the map count and rss, move a
 * dirty bit to the page. The PTE's page reference is the caller's to drop
 * after the flush. Context: that mm's page_table_lock held (mm/memory.c). */
void page_remove_rmap(struct vm_area_struct *vma, struct page *page, pte_t old);

/*
 * How many PTEs mapping @page had their accessed bit set (which this
 * clears), walking the reverse map; *@vm_flags gets the flags of the VMAs
 * whose PTE was young. If a VM_LOCKED VMA maps the page, the walk stops
 * there: PG_mlocked is set and *@vm_flags gets VM_LOCKED.
 * A file page not @locked by the caller is only tried (trylock_page); a
 * busy one counts as referenced. Context: the caller references @page;
 * takes i_mmap_lock or anon_vma->lock, then each mm's page_table_lock.
 */
int page_referenced(struct page *page, bool locked, unsigned long *vm_flags);

enum ttu_result {
	TTU_SUCCESS,            /* no PTE maps the page any more */
	TTU_AGAIN,              /* some PTE went, some remain: try later */
	TTU_FAIL,               /* cannot unmap (anonymous, not in the swap cache) */
	TTU_MLOCK,              /* a VM_LOCKED VMA maps it: PG_mlocked set, page kept */
};

/*
 * Remove every PTE that maps @page (reclaim): each cleared with its TLB
 * flush, its dirty bit moved to the page, rss and map count dropped, its
 * page reference put after the flush. An anonymous page must be in the
 * swap cache (its PTEs become swap entries). Stops at a VM_LOCKED VMA.
 * Context: @page locked and referenced by the caller; takes i_mmap_lock
 * or anon_vma->lock, then each mm's page_table_lock; sends TLB shootdown
 * IPIs; does not sleep.
 */
enum ttu_result try_to_unmap(struct page *page);

struct tlbflush_unmap_batch;
/*
 * The same, for reclaim: the flushes are deferred to @batch (mm/tlb.c).
 * The PTEs' page references are still put here, which the caller's own
 * reference makes safe; the caller keeps @page locked, and neither writes
 * it out nor frees it, until try_to_unmap_flush(@batch). Context: as
 * try_to_unmap, but sends no IPI.
 */
enum ttu_result try_to_unmap_batch(struct page *page, struct tlbflush_unmap_batch *batch);

#endif
