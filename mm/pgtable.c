/*
 * The generic page-table walker (see include/mm/pgtable.h).
 *
 * Mechanism only: which protections to use is the caller's business.
 * Every function walks with the arch's pXd_offset() helpers and tests
 * entries with pXd_none()/pXd_leaf(); no PTE bit is named here.
 *
 * Locking: functions on an explicit pgd expect the caller to hold that
 * address space's page_table_lock (boot code, single-threaded, is exempt).
 * The *_kernel_* functions take init_mm.page_table_lock themselves.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <asm/tlbflush.h>

struct mm_struct init_mm = {
	.pgd = NULL,                    /* set by paging_init() */
	.page_table_lock = SPINLOCK_INIT("init_mm.page_table_lock"),
};

phys_addr_t pgtable_alloc_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	return page ? page_to_phys(page) : 0;
}

/* For a walk under init_mm.page_table_lock (a spinlock): never sleeps. */
static phys_addr_t pgtable_alloc_page_atomic(void)
{
	struct page *page = alloc_page(GFP_ATOMIC | __GFP_ZERO);

	return page ? page_to_phys(page) : 0;
}

/*
 * Walk to the PMD entry for @va. Returns NULL if a table on the way is
 * missing and cannot (or may not) be allocated, or if a 1 GiB leaf maps @va.
 */
pmd_t *pgtable_walk_pmd(pgd_t *pgd, unsigned long va, pgtable_alloc_fn alloc)
{
	pgd_t *pgde = pgd_offset_pgd(pgd, va);
	pud_t *pude;

	if (pgd_none(*pgde)) {
		phys_addr_t t = alloc ? alloc() : 0;

		if (!t)
			return NULL;
		set_pgd(pgde, mk_pgd_table(t, va < USER_TOP));
	}
	pude = pud_offset(pgde, va);
	if (pud_leaf(*pude))
		return NULL;
	if (pud_none(*pude)) {
		phys_addr_t t = alloc ? alloc() : 0;

		if (!t)
			return NULL;
		set_pud(pude, mk_pud_table(t, va < USER_TOP));
	}
	return pmd_offset(pude, va);
}

pte_t *pgtable_walk_pte(pgd_t *pgd, unsigned long va, pgtable_alloc_fn alloc)
{
	pmd_t *pmde = pgtable_walk_pmd(pgd, va, alloc);

	if (!pmde || pmd_leaf(*pmde))
		return NULL;
	if (pmd_none(*pmde)) {
		phys_addr_t t = alloc ? alloc() : 0;

		if (!t)
			return NULL;
		set_pmd(pmde, mk_pmd_table(t, va < USER_TOP));
	}
	return pte_offset_kernel(pmde, va);
}

int pgtable_map_range(pgd_t *pgd, unsigned long va, phys_addr_t pa, unsigned long size,
		      pgprot_t prot, bool allow_huge, pgtable_alloc_fn alloc)
{
	unsigned long end = va + size;

	while (va < end) {
		if (allow_huge && IS_ALIGNED(va, PMD_SIZE) && IS_ALIGNED(pa, PMD_SIZE) &&
		    end - va >= PMD_SIZE) {
			pmd_t *pmde = pgtable_walk_pmd(pgd, va, alloc);

			if (!pmde)
				return -ENOMEM;
			if (!pmd_none(*pmde))
				return -EEXIST;
			set_pmd(pmde, pfn_pmd_huge(PFN_DOWN(pa), prot));
			va += PMD_SIZE;
			pa += PMD_SIZE;
		} else {
			pte_t *ptep = pgtable_walk_pte(pgd, va, alloc);

			if (!ptep)
				return -ENOMEM;
			if (!pte_none(*ptep))
				return -EEXIST;
			set_pte(ptep, pfn_pte(PFN_DOWN(pa), prot));
			va += PAGE_SIZE;
			pa += PAGE_SIZE;
		}
	}
	return 0;
}

bool pgtable_lookup(pgd_t *pgd, unsigned long va, struct pt_lookup *out)
{
	/* LAB(pgtable): BEGIN pgtable_lookup: walk to the leaf that maps va, at any level */
	/* LAB(pgtable): STUB return false; */
	pgd_t *pgde = pgd_offset_pgd(pgd, va);
	pud_t *pude;
	pmd_t *pmde;
	pte_t pte;

	if (pgd_none(*pgde))
		return false;
	pude = pud_offset(pgde, va);
	if (pud_none(*pude))
		return false;
	if (pud_leaf(*pude)) {
		*out = (struct pt_lookup){ 3, pud_val(*pude),
			PFN_PHYS(pud_pfn(*pude)) + (va & (PUD_SIZE - 1)), PUD_SIZE };
		return true;
	}
	pmde = pmd_offset(pude, va);
	if (pmd_none(*pmde))
		return false;
	if (pmd_leaf(*pmde)) {
		*out = (struct pt_lookup){ 2, pmd_val(*pmde),
			PFN_PHYS(pmd_pfn(*pmde)) + (va & (PMD_SIZE - 1)), PMD_SIZE };
		return true;
	}
	pte = ptep_get(pte_offset_kernel(pmde, va));
	if (!pte_present(pte))
		return false;
	*out = (struct pt_lookup){ 1, pte_val(pte),
		PFN_PHYS(pte_pfn(pte)) + (va & ~PAGE_MASK), PAGE_SIZE };
	return true;
	/* LAB(pgtable): END */
}

/* ---- user address spaces ---------------------------------------------------- */

pgd_t *pgd_alloc(void)
{
	/* LAB(pgtable): BEGIN pgd_alloc: empty user half, kernel half shared */
	/* LAB(pgtable): STUB return NULL; */
	phys_addr_t pa = pgtable_alloc_page();
	pgd_t *pgd;

	if (!pa)
		return NULL;
	pgd = __va(pa);
	for (unsigned int i = pgd_index(USER_TOP); i < PTRS_PER_TABLE; i++)
		pgd[i] = init_mm.pgd[i];
	return pgd;
	/* LAB(pgtable): END */
}

static void free_table_page(phys_addr_t pa)
{
	put_page(pfn_to_page(PFN_DOWN(pa)));
}

/* Free the PMD table at @pmd_pa and every PTE table below it. */
static void free_pmd_table(phys_addr_t pmd_pa)
{
	pmd_t *pmd = __va(pmd_pa);

	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++)
		if (!pmd_none(pmd[i]) && !pmd_leaf(pmd[i]))
			free_table_page(pmd_table_pa(pmd[i]));
	free_table_page(pmd_pa);
}

void pgd_free(pgd_t *pgd)
{
	/* LAB(pgtable): BEGIN pgd_free: free the user half's tables, then the top level */
	/* LAB(pgtable): STUB (void)free_pmd_table; */
	for (unsigned int i = 0; i < pgd_index(USER_TOP); i++) {
		pud_t *pud;

		if (pgd_none(pgd[i]))
			continue;
		pud = __va(pgd_table_pa(pgd[i]));
		for (unsigned int j = 0; j < PTRS_PER_TABLE; j++)
			if (!pud_none(pud[j]) && !pud_leaf(pud[j]))
				free_pmd_table(pud_table_pa(pud[j]));
		free_table_page(pgd_table_pa(pgd[i]));
	}
	free_table_page(__pa(pgd));
	/* LAB(pgtable): END */
}

/* ---- the kernel's page tables ------------------------------------------- */

int map_kernel_page(unsigned long va, unsigned long pfn, pgprot_t prot)
{
	pte_t *ptep;
	int err = 0;

	spin_lock(&init_mm.page_table_lock);
	ptep = pgtable_walk_pte(init_mm.pgd, va, pgtable_alloc_page_atomic);
	if (!ptep)
		err = -ENOMEM;
	else if (!pte_none(*ptep))
		err = -EEXIST;
	else
		set_pte(ptep, pfn_pte(pfn, prot));
	spin_unlock(&init_mm.page_table_lock);
	return err;
}

pte_t unmap_kernel_page(unsigned long va)
{
	pte_t *ptep, old = __pte(0);

	spin_lock(&init_mm.page_table_lock);
	ptep = pgtable_walk_pte(init_mm.pgd, va, NULL);
	if (ptep)
		old = ptep_get_and_clear(ptep);
	/* Flush every CPU before the lock is dropped: once another CPU can
	 * reuse the frame, no stale translation to it may survive. */
	flush_tlb_kernel_range(va, va + PAGE_SIZE);
	spin_unlock(&init_mm.page_table_lock);
	return old;
}

int protect_kernel_page(unsigned long va, pgprot_t prot)
{
	/* LAB(pgtable): BEGIN protect_kernel_page: new protection for va's PTE, then flush */
	/* LAB(pgtable): STUB return -ENOSYS; */
	pte_t *ptep;
	int err = 0;

	spin_lock(&init_mm.page_table_lock);
	ptep = pgtable_walk_pte(init_mm.pgd, va, NULL);
	if (!ptep || !pte_present(*ptep)) {
		err = -ENOENT;
	} else {
		set_pte(ptep, pte_modify(*ptep, prot));
		flush_tlb_kernel_range(va, va + PAGE_SIZE);     /* every CPU */
	}
	spin_unlock(&init_mm.page_table_lock);
	return err;
	/* LAB(pgtable): END */
}

bool lookup_kernel_address(unsigned long va, struct pt_lookup *out)
{
	bool found;

	spin_lock(&init_mm.page_table_lock);
	found = pgtable_lookup(init_mm.pgd, va, out);
	spin_unlock(&init_mm.page_table_lock);
	return found;
}
