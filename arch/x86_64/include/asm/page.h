/*
 * Virtual memory layout and physical/virtual conversion (x86-64).
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (issue: user space)
 *   0xffff888000000000 - ...                 direct map of all RAM (PAGE_OFFSET)
 *   0xffffc90000000000 - 0xffffe8ffffffffff  vmalloc/ioremap area
 *   0xffffffff80000000 - 0xffffffffffffffff  kernel image (KERNEL_VMA + phys)
 *
 * The values are Linux's, so addresses a student sees in Faultline's oops
 * reports look like those in a Linux one.
 */
#ifndef _ASM_PAGE_H
#define _ASM_PAGE_H

#include <kernel/types.h>

#define PAGE_SHIFT      12
#define PAGE_SIZE       (1UL << PAGE_SHIFT)
#define PAGE_MASK       (~(PAGE_SIZE - 1))
#define PMD_SHIFT       21
#define PMD_SIZE        (1UL << PMD_SHIFT)
#define PMD_MASK        (~(PMD_SIZE - 1))
#define PUD_SHIFT       30
#define PUD_SIZE        (1UL << PUD_SHIFT)
#define PGDIR_SHIFT     39
#define PTRS_PER_TABLE  512

#define PAGE_OFFSET     0xffff888000000000UL   /* boot_defs.inc: PAGE_OFFSET_PML4 */
#define VMALLOC_START   0xffffc90000000000UL
#define VMALLOC_END     0xffffe90000000000UL
#define KERNEL_VMA      0xffffffff80000000UL
#define USER_TOP        0x0000800000000000UL

#define BOOT_STACK_SIZE 16384                  /* boot_defs.inc */

#define PAGE_ALIGN(x)   ALIGN_UP((x), PAGE_SIZE)

/* Direct map: every physical address has a kernel virtual address. */
static inline void *__va(phys_addr_t pa)
{
	return (void *)(pa + PAGE_OFFSET);
}

/*
 * Kernel virtual to physical, for direct-map and kernel-image addresses
 * (vmalloc addresses need a page-table walk: vmalloc_to_phys()).
 */
static inline phys_addr_t __pa(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= KERNEL_VMA)
		return v - KERNEL_VMA;
	return v - PAGE_OFFSET;
}

/*
 * Zero one page, or copy one page to another (both page-aligned kernel
 * addresses, not overlapping): the fastest form under TCG, not rep
 * stosb/movsb (arch/x86_64/copy_page.c). Every page-sized zeroing or
 * copy of the fault, COW and page-cache paths goes through these.
 */
void clear_page(void *page);
void copy_page(void *to, const void *from);

#define PFN_DOWN(x)     ((x) >> PAGE_SHIFT)
#define PFN_UP(x)       (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(pfn)   ((phys_addr_t)(pfn) << PAGE_SHIFT)

#endif
