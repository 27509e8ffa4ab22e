/*
 * Reading another process's memory from the kernel: access_remote_vm(),
 * what /proc/PID/cmdline and environ use (include/mm/mm.h). Linux does
 * this with get_user_pages; Faultline's version is the same idea reduced
 * to reads: find the page behind each address through the page tables,
 * fault it in as a read would (a swapped-out stack page comes back) if it
 * is not there, and copy through the direct map.
 *
 * Locks: the caller holds a reference to @mm (get_pid_mm). mmap_lock is
 * taken for reading around the whole walk (the VMAs and the fault path
 * need it), the page-table lock only to read one PTE and take a reference
 * to its page; the copy runs under mmap_lock alone, into a kernel buffer,
 * so no user fault nests here.
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <asm/pgtable.h>

/* The page mapped at @addr, referenced, or NULL if no PTE maps one.
 * Context: mmap_lock held; takes the page-table lock. */
static struct page *remote_page(struct mm_struct *mm, unsigned long addr)
{
	struct page *page = NULL;
	pte_t *ptep;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	if (ptep) {
		pte_t pte = ptep_get(ptep);

		if (pte_present(pte) && pfn_valid(pte_pfn(pte))) {
			page = pfn_to_page(pte_pfn(pte));
			get_page(page);
		}
	}
	spin_unlock(&mm->page_table_lock);
	return page;
}

/* The page at @addr of @vma, faulted in for reading if need be. */
static struct page *remote_page_fault_in(struct vm_area_struct *vma, unsigned long addr)
{
	struct page *page = remote_page(vma->vm_mm, addr);
	vm_fault_t ret;

	if (page)
		return page;
	do
		ret = handle_mm_fault(vma, addr, 0);
	while (ret & VM_FAULT_RETRY);
	if (ret & VM_FAULT_ERROR)
		return NULL;
	return remote_page(vma->vm_mm, addr);
}

int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len)
{
	char *out = buf;
	int done = 0;

	down_read(&mm->mmap_lock);
	while (done < len) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		size_t off = addr & ~PAGE_MASK, n = min((size_t)(len - done), PAGE_SIZE - off);
		struct page *page;

		if (!vma || vma->vm_start > addr || !(vma->vm_flags & VM_READ) ||
		    (vma->vm_flags & VM_PFNMAP))
			break;
		page = remote_page_fault_in(vma, addr & PAGE_MASK);
		if (!page)
			break;
		memcpy(out + done, (char *)page_address(page) + off, n);
		put_page(page);
		done += (int)n;
		addr += n;
	}
	up_read(&mm->mmap_lock);
	return done;
}
