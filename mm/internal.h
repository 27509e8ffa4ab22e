/*
 * What mm/mmap.c and mm/memory.c share with the rest of mm/ (mremap):
 * the VMA list and reverse-map plumbing and the page-table builder.
 * Private to mm/. Each function's locking is at its definition.
 */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <mm/mm.h>

unsigned long vma_pages(const struct vm_area_struct *vma);
/* Add @vma to @mm and its file's reverse map, or take it out of both
 * (its PTEs gone or moved). Context: mmap_lock held for writing. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma);
/* i_mmap_lock of @vma's file, taken (NULL for anonymous memory). */
struct address_space *vma_lock_file(struct vm_area_struct *vma);
void vma_unlock_file(struct address_space *m);
/* A copy of @vma with its own file reference; the caller links it into
 * the anon_vma. vma_free undoes a copy or frees an unlinked VMA. */
struct vm_area_struct *vma_dup(struct vm_area_struct *vma, struct mm_struct *mm);
void vma_free(struct vm_area_struct *vma);
bool range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end);
/* The highest free range of @len bytes below mmap_base, or -ENOMEM. */
long get_unmapped_area(struct mm_struct *mm, unsigned long len);
/* The PTE slot for @addr, building missing tables (may sleep); NULL when
 * memory runs out. Context: mmap_lock held. */
pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr);

#endif
