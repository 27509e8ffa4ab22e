/*
 * mincore: which pages of a range are resident (Linux's mm/mincore.c), so
 * that a program, and the readahead tests, can see what readahead, fadvise
 * and madvise did to the page cache.
 *
 * Owns nothing. A page is resident if its PTE is present, or, for a PTE
 * that is none in a VMA with a page cache behind it (a file, shared
 * anonymous memory), if that cache holds the page uptodate (Linux's
 * answer: the file's pages count whether this process mapped them or
 * not). A swapped-out page counts as not resident (Linux looks in the
 * swap cache; here it answers 0).
 *
 * Errors as Linux: EINVAL for an unaligned start, ENOMEM for a range
 * that is not user memory or not wholly mapped, EFAULT for a bad vector.
 * Locks: mmap_lock for reading; page_table_lock around each PTE read;
 * the cache lookup (tree_lock) outside it.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <asm/uaccess.h>

/* Is the page @vma maps at @addr resident? Context: mmap_lock held. */
static unsigned char mincore_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *m;
	struct page *page;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	pte = ptep ? ptep_get(ptep) : __pte(0);
	spin_unlock(&mm->page_table_lock);
	if (pte_present(pte))
		return 1;
	if (!pte_none(pte))
		return 0;                       /* a swap entry */
	m = vma_mapping(vma);
	if (!m || !m->a_ops || (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return 0;
	page = find_get_page(m, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT));
	if (!page)
		return 0;
	addr = PageUptodate(page);
	put_page(page);
	return (unsigned char)addr;
}

SYSCALL_DEFINE3(mincore, unsigned long, start, size_t, len, unsigned char __user *, vec)
{
	struct mm_struct *mm = current->mm;
	unsigned char buf[256];
	unsigned long pages, done = 0;
	long ret = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!access_ok((const void __user *)start, len))
		return -ENOMEM;
	pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!access_ok(vec, pages))
		return -EFAULT;
	while (done < pages) {
		unsigned long n = 0, addr = start + done * PAGE_SIZE;
		struct vm_area_struct *vma;

		down_read(&mm->mmap_lock);
		vma = find_vma(mm, addr);
		if (!vma || addr < vma->vm_start) {
			up_read(&mm->mmap_lock);
			ret = -ENOMEM;
			break;
		}
		while (n < sizeof(buf) && done + n < pages && addr < vma->vm_end) {
			buf[n++] = mincore_page(vma, addr);
			addr += PAGE_SIZE;
		}
		up_read(&mm->mmap_lock);
		/* The copy with mmap_lock dropped: it may fault. */
		if (copy_to_user(vec + done, buf, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
	}
	return ret;
}
