/*
 * mincore: which pages of a range are resident, as Linux answers it.
 *
 * A page counts as resident when its PTE maps a frame (present, or kept
 * under PROT_NONE), or when it is not mapped but the memory it would map
 * is in memory all the same: a swapped-out page still in the swap cache,
 * or, in a file mapping, the file's page in the page cache (what Linux's
 * mincore_page reports, so that a program can see what read() cached).
 * An untouched anonymous page is not resident (a shared anonymous one is
 * when its object holds the page). Only bit 0 of each byte
 * is defined; the others are 0.
 *
 * Owns nothing. Locks: mmap_lock for reading (the VMAs), then per page
 * page_table_lock to read the PTE; the page-cache and swap-cache lookups
 * take their own locks after it is dropped, and the answer is a snapshot.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <fs/fs.h>
#include <asm/uaccess.h>

#define MINCORE_BATCH 256               /* bytes of the answer gathered before each copy */

/* Is the page cached at @index of @mapping (and up to date)? */
static bool cache_resident(struct address_space *mapping, unsigned long index)
{
	struct page *page = find_get_page(mapping, index);
	bool yes;

	if (!page)
		return false;
	yes = PageUptodate(page);
	put_page(page);
	return yes;
}

static unsigned char page_resident(struct mm_struct *mm, struct vm_area_struct *vma,
				   unsigned long addr)
{
	pte_t *ptep, pte = __pte(0);
	struct address_space *m;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	if (ptep)
		pte = *ptep;
	spin_unlock(&mm->page_table_lock);
	if (pte_has_frame(pte))
		return 1;
	if (is_swap_pte(pte)) {
		struct page *page = lookup_swap_cache(pte_to_swp_entry(pte));

		if (!page)
			return 0;
		put_page(page);
		return 1;
	}
	if (!pte_none(pte) || (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return 0;
	/* A file's page cache, or shared anonymous memory's object. */
	m = vma_mapping(vma);
	return m && m->a_ops ? cache_resident(m, linear_page_index(vma, addr)) : 0;
}

SYSCALL_DEFINE3(mincore, unsigned long, start, size_t, len, unsigned char __user *, vec)
{
	struct mm_struct *mm = current->mm;
	unsigned char buf[MINCORE_BATCH];
	unsigned long end, addr;
	long ret = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (len > USER_TOP || start > USER_TOP - len)
		return -ENOMEM;
	if (!len)
		return 0;
	end = start + PAGE_ALIGN(len);
	if (!access_ok(vec, (end - start) >> PAGE_SHIFT))
		return -EFAULT;
	addr = start;
	while (addr < end && !ret) {
		unsigned int n = 0;

		down_read(&mm->mmap_lock);
		while (addr < end && n < MINCORE_BATCH) {
			struct vm_area_struct *vma = find_vma(mm, addr);

			if (!vma || vma->vm_start > addr) {
				ret = -ENOMEM;          /* a hole in the range */
				break;
			}
			for (; addr < vma->vm_end && addr < end && n < MINCORE_BATCH;
			     addr += PAGE_SIZE)
				buf[n++] = page_resident(mm, vma, addr);
		}
		up_read(&mm->mmap_lock);
		/* The copy may fault: never under mmap_lock. */
		if (!ret && n && copy_to_user(vec, buf, n))
			ret = -EFAULT;
		vec += n;
	}
	return ret;
}
