/*
 * The generic 4-level page-table walker.
 *
 * Everything here is policy-free mechanism, written against the arch
 * contract of asm/pgtable.h: walk to an entry (allocating missing tables on
 * request), map a range (with 2 MiB leaves where alignment allows), and the
 * map/unmap/protect/lookup operations on the kernel's own page tables
 * (init_mm), which take init_mm.page_table_lock.
 *
 * Tables are allocated through a pgtable_alloc_fn, so the same walker
 * builds the boot page tables (from memblock) and later ones (from the
 * page allocator).
 */
#ifndef _MM_PGTABLE_H
#define _MM_PGTABLE_H

#include <kernel/types.h>
#include <asm/pgtable.h>
#include <mm/mm_types.h>

/* Returns the physical address of a zeroed page for a table, or 0. */
typedef phys_addr_t (*pgtable_alloc_fn)(void);
phys_addr_t pgtable_alloc_page(void);           /* from the page allocator */

/*
 * Walk @pgd to the PMD entry / PTE for @va. With @alloc, missing tables
 * are allocated; without, NULL is returned where a table is missing.
 * pgtable_walk_pte() also returns NULL when a large leaf maps @va.
 * Context: the caller holds the lock of the page tables it walks.
 */
pmd_t *pgtable_walk_pmd(pgd_t *pgd, unsigned long va, pgtable_alloc_fn alloc);
pte_t *pgtable_walk_pte(pgd_t *pgd, unsigned long va, pgtable_alloc_fn alloc);

/*
 * Map [va, va+size) to [pa, pa+size) with @prot, using 2 MiB leaves where
 * @allow_huge and alignment permit. Overwrites nothing: returns -EEXIST if
 * an entry is already present (leaving the earlier part mapped), -ENOMEM
 * if a table cannot be allocated, 0 on success. Does not flush the TLB
 * (new mappings need no flush).
 */
int pgtable_map_range(pgd_t *pgd, unsigned long va, phys_addr_t pa, unsigned long size,
		      pgprot_t prot, bool allow_huge, pgtable_alloc_fn alloc);

/* What translates @va, as the MMU would see it. */
struct pt_lookup {
	int level;                      /* 1 = PTE (4 KiB), 2 = PMD (2 MiB), 3 = PUD (1 GiB) */
	u64 entry;                      /* the raw leaf entry */
	phys_addr_t phys;               /* the physical address of @va */
	unsigned long page_size;
};
/* False if @va is not mapped. Context: caller holds the tables' lock, or
 * accepts a racy answer (diagnostics). */
bool pgtable_lookup(pgd_t *pgd, unsigned long va, struct pt_lookup *out);

/* ---- user address spaces -------------------------------------------------- */

/* A new top-level table: empty user half, the kernel half shared with
 * init_mm (every kernel top-level entry exists from boot, so sharing the
 * entries shares the whole kernel mapping). NULL if out of memory. */
pgd_t *pgd_alloc(void);
/* Free the user half's page tables and the top level. The pages they
 * mapped must have been unmapped (and released) by the caller. */
void pgd_free(pgd_t *pgd);

/* ---- the kernel's page tables (init_mm) --------------------------------- */

/* Map one page; -EEXIST if @va is mapped, -ENOMEM if no table page. */
int map_kernel_page(unsigned long va, unsigned long pfn, pgprot_t prot);
/* Unmap one page and flush it from the TLB; returns the old PTE (none if
 * it was not mapped). */
pte_t unmap_kernel_page(unsigned long va);
/* Change one page's protection (keeps the frame); -ENOENT if not mapped. */
int protect_kernel_page(unsigned long va, pgprot_t prot);
bool lookup_kernel_address(unsigned long va, struct pt_lookup *out);

#endif
