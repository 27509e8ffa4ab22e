/*
 * The x86-64 side of VMA protections: which PTE bits a VMA's pages get.
 *
 * The generic code (mm/mmap.c) speaks VM_READ/VM_WRITE/VM_EXEC/VM_SHARED;
 * only this file turns them into PTE bits (Linux's protection_map):
 *   - x86 cannot express write-only or execute-only pages, so any access
 *     right makes the page readable (LINUX-SEMANTICS.md item 16);
 *   - a private writable VMA starts read-only: the first write faults and
 *     do_wp_page gives the process its own copy (copy-on-write);
 *   - without VM_EXEC the page is NX;
 *   - PROT_NONE pages are not present to the hardware, but keep their frame
 *     number and the user bit, so the PTE is not "none" and mprotect can
 *     make it accessible again without losing the page.
 */
#include <mm/mm.h>
#include <asm/pgtable.h>

pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	u64 prot = _PAGE_USER | _PAGE_ACCESSED;

	if (!(vm_flags & VM_ACCESS_FLAGS))
		return __pgprot(_PAGE_USER | _PAGE_NX);         /* PROT_NONE */
	prot |= _PAGE_PRESENT;
	if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return __pgprot(prot);
}
