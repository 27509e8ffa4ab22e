/*
 * The vmalloc area: kernel virtual ranges [VMALLOC_START, VMALLOC_END)
 * handed out on demand and backed by page-table mappings rather than by
 * the direct map. Used for memory that must be virtually but not
 * physically contiguous (vmalloc) and for device registers (ioremap, mapped
 * uncached). Every range is followed by an unmapped guard page, so running
 * off its end faults.
 *
 * Context: may not be called from interrupt handlers (allocates memory and
 * takes vmap_lock, then init_mm.page_table_lock).
 */
#ifndef _MM_VMALLOC_H
#define _MM_VMALLOC_H

#include <kernel/types.h>
#include <asm/pgtable.h>

struct page;

/* Reserve @size bytes (rounded up to pages) of address space, unmapped. */
unsigned long vmap_reserve(unsigned long size);
void vmap_release(unsigned long addr);

void *vmalloc(unsigned long size);
void vfree(void *addr);
/* Map device memory at physical @pa, uncached. */
void *ioremap(phys_addr_t pa, unsigned long size);
void iounmap(void *addr);
/* Physical address behind a vmalloc/ioremap address, or 0 if unmapped. */
phys_addr_t vmalloc_to_phys(const void *addr);
/* The page behind a vmalloc address (for a driver that maps its vmalloc
 * buffer into user space with vm_insert_page), or NULL if unmapped. */
struct page *vmalloc_to_page(const void *addr);

void vmalloc_init(void);

#endif
