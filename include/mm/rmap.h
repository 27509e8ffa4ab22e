/*
 * The reverse map of file pages (mm/rmap.c): from a page of a file to
 * every PTE that maps it, through the file's mapping->i_mmap.
 *
 * Faultline keeps no per-page list of PTEs. A page-cache page at index i
 * of mapping m can only be mapped by a VMA of m that covers file page i,
 * at address vm_start + (i - vm_pgoff) * PAGE_SIZE: so the VMAs of m are
 * the reverse map, as in Linux (which keeps them in an interval tree,
 * 2.6.x in a "prio tree"; see mm/rmap.c for the cost of our sorted list).
 */
#ifndef _MM_RMAP_H
#define _MM_RMAP_H

#include <fs/fs.h>
#include <mm/mm_types.h>

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

/*
 * Every VMA of @m that maps some file page in [first, last], in i_mmap
 * order. Context: m->i_mmap_lock held.
 */
#define for_each_vma_in_range(vma, m, first, last)                              \
	list_for_each_entry(vma, &(m)->i_mmap, vm_shared)                       \
		if ((vma)->vm_pgoff > (last))                                   \
			break;                                                  \
		else if (vma_last_pgoff(vma) >= (first))

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
