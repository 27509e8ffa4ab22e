/*
 * The reverse map of file pages (see include/mm/rmap.h).
 *
 * Owns: each address_space's i_mmap tree, and page_mkclean().
 *
 * i_mmap is an interval tree (kernel/interval_tree.c) of the VMAs mapping
 * the file, each keyed by the file pages it maps, [vm_pgoff,
 * vma_last_pgoff()]. A walk for the file pages [first, last] visits only
 * the VMAs that map one of them, in O(log n) per VMA found: reclaim walks
 * it for every mapped page it evicts, and a libc may be mapped by every
 * process. The key is copied into vma->vm_shared at insertion, so a VMA's
 * vm_start, vm_end or vm_pgoff changes only while it is off the tree
 * (split and merge in mm/mmap.c unlink, change, relink, all under
 * i_mmap_lock); __vma_unlink_file() checks that the key still matches.
 *
 * A VMA added at an existing vm_pgoff goes after the others there, and
 * the order of equal offsets matters for fork. dup_mm() links the child's
 * copy of a VMA into i_mmap *before* it copies the parent's PTEs, and the
 * copy lands after the parent's VMA. A truncate walking i_mmap meanwhile
 * therefore either zaps the parent's PTE before it is copied (nothing is
 * copied), or reaches the child's VMA after the copy (and zaps the copy).
 *
 * Locks: mapping->i_mmap_lock (spinlock) protects the tree, and with
 * mmap_lock (write) the vm_start/vm_end/vm_pgoff of every VMA on it. It
 * nests inside the page lock (page_mkclean runs with the page locked) and
 * outside each mm's page_table_lock. A VMA on i_mmap keeps its mm and the
 * mm's page tables alive: both are freed only after exit_mmap has taken
 * every VMA off its list.
 */
#include <kernel/kernel.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/vmstat.h>
#include <asm/tlbflush.h>

void __vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	ASSERT_HELD(&m->i_mmap_lock);
	ASSERT(RB_EMPTY_NODE(&vma->vm_shared.rb));
	vma->vm_shared.start = vma->vm_pgoff;
	vma->vm_shared.last = vma_last_pgoff(vma);
	interval_tree_insert(&vma->vm_shared, &m->i_mmap);
}

void __vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	ASSERT_HELD(&m->i_mmap_lock);
	/* A range changed in place would have left the tree out of order. */
	if (vma->vm_shared.start != vma->vm_pgoff || vma->vm_shared.last != vma_last_pgoff(vma))
		panic("i_mmap: VMA %lx-%lx pgoff %lx changed in the tree (was %lx-%lx)",
		      vma->vm_start, vma->vm_end, vma->vm_pgoff,
		      vma->vm_shared.start, vma->vm_shared.last);
	interval_tree_remove(&vma->vm_shared, &m->i_mmap);
}

void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	spin_lock(&m->i_mmap_lock);
	__vma_link_file(vma);
	spin_unlock(&m->i_mmap_lock);
}

void vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	spin_lock(&m->i_mmap_lock);
	__vma_unlink_file(vma);
	spin_unlock(&m->i_mmap_lock);
}

/*
 * Clean one PTE that may map @page at @addr of @vma. Returns 1 if it did.
 * A PTE that is neither writable nor dirty has nothing to clean: the next
 * write faults anyway. A PROT_NONE PTE keeps its frame (see
 * arch/x86_64/mmap.c) and may carry a dirty bit from before mprotect.
 */
static int page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	/* LAB(dirty): BEGIN page_mkclean_one: write-protect and clean one PTE */
	/* LAB(dirty): STUB return 0; */
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep, pte;
	int ret = 0;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	if (!ptep)
		goto out;
	pte = ptep_get(ptep);
	if (!pte_has_frame(pte) || pte_pfn(pte) != page_to_pfn(page))
		goto out;
	if (!pte_write(pte) && !pte_dirty(pte))
		goto out;
	/*
	 * Clear it, flush, then write the cleaned entry: the hardware may set
	 * the dirty bit until the TLB no longer holds the writable entry, and
	 * the exchange in ptep_get_and_clear() makes sure that bit is seen.
	 */
	pte = ptep_get_and_clear(ptep);
	flush_tlb_mm_page(mm, addr);
	set_pte(ptep, pte_mkclean(pte_wrprotect(pte)));
	ret = 1;
	count_vm_event(FL_MKCLEAN_PTES);
out:
	spin_unlock(&mm->page_table_lock);
	return ret;
	/* LAB(dirty): END */
}

int page_mkclean(struct page *page)
{
	struct address_space *m = page->mapping;
	unsigned long pgoff = page->index;
	struct vm_area_struct *vma;
	int cleaned = 0;

	ASSERT(PageLocked(page));
	if (!m || page_mapcount(page) == 0)
		return 0;
	spin_lock(&m->i_mmap_lock);
	for_each_vma_in_range(vma, m, pgoff, pgoff) {
		/* A private mapping maps the cache page read-only, never dirty. */
		if (!(vma->vm_flags & VM_SHARED))
			continue;
		cleaned += page_mkclean_one(page, vma,
					    vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT));
	}
	spin_unlock(&m->i_mmap_lock);
	return cleaned;
}
