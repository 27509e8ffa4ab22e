/*
 * The reverse map of file pages (mm/rmap.c): from a page of a file to
 * every PTE that maps it, through the file's mapping->i_mmap.
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
#include <mm/vmstat.h>

/* The mapping @vma maps (its file's), or NULL for anonymous memory. */
static inline struct address_space *vma_mapping(const struct vm_area_struct *vma)
{
	return vma->vm_file ? vma->vm_file->f_inode->i_mapping : NULL;
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

#endif
