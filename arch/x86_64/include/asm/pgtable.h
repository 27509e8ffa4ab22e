/*
 * The arch side of the page-table contract (x86-64, 4 levels).
 *
 * Generic mm/ code walks and edits page tables only through the types and
 * helpers here: the pXd_offset() walk, pXd_none/present/leaf tests, pte_*
 * accessors and modifiers, the named protections, and the TLB flushes of
 * asm/tlbflush.h. Level names follow Linux: pgd (PML4) -> pud (PDPT) ->
 * pmd (page directory) -> pte (page table).
 */
#ifndef _ASM_PGTABLE_H
#define _ASM_PGTABLE_H

#include <kernel/compiler.h>
#include <asm/page.h>
#include <asm/pgtable_types.h>

typedef struct { u64 pte; } pte_t;
typedef struct { u64 pmd; } pmd_t;
typedef struct { u64 pud; } pud_t;
typedef struct { u64 pgd; } pgd_t;
typedef struct { u64 pgprot; } pgprot_t;

#define __pte(x)        ((pte_t){ (x) })
#define __pgprot(x)     ((pgprot_t){ (x) })
#define pte_val(x)      ((x).pte)
#define pmd_val(x)      ((x).pmd)
#define pud_val(x)      ((x).pud)
#define pgd_val(x)      ((x).pgd)
#define pgprot_val(x)   ((x).pgprot)

/* Named protections: the vocabulary generic code uses. */
#define PAGE_NONE           __pgprot(0)
#define PAGE_KERNEL         __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
				     _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RO      __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | \
				     _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_ROX     __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_KERNEL_NOCACHE __pgprot(pgprot_val(PAGE_KERNEL) | _PAGE_PCD | _PAGE_PWT)
/* User pages: readable always (x86 has no write-only or exec-only pages). */
#define PAGE_USER_RO        __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_USER_RW        __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_RW | _PAGE_NX)
#define PAGE_USER_RX        __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_USER_RWX       __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_RW)

/* ---- indices and walking ------------------------------------------------ */

static inline unsigned int pgd_index(unsigned long a) { return (a >> PGDIR_SHIFT) & 511; }
static inline unsigned int pud_index(unsigned long a) { return (a >> PUD_SHIFT) & 511; }
static inline unsigned int pmd_index(unsigned long a) { return (a >> PMD_SHIFT) & 511; }
static inline unsigned int pte_index(unsigned long a) { return (a >> PAGE_SHIFT) & 511; }

static inline pgd_t *pgd_offset_pgd(pgd_t *pgd, unsigned long a) { return pgd + pgd_index(a); }

static inline pud_t *pud_offset(pgd_t *pgd, unsigned long a)
{
	return (pud_t *)__va(pgd_val(*pgd) & PTE_PFN_MASK) + pud_index(a);
}

static inline pmd_t *pmd_offset(pud_t *pud, unsigned long a)
{
	return (pmd_t *)__va(pud_val(*pud) & PTE_PFN_MASK) + pmd_index(a);
}

static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long a)
{
	return (pte_t *)__va(pmd_val(*pmd) & PTE_PFN_MASK) + pte_index(a);
}

static inline bool pgd_none(pgd_t e) { return pgd_val(e) == 0; }
static inline bool pud_none(pud_t e) { return pud_val(e) == 0; }
static inline bool pmd_none(pmd_t e) { return pmd_val(e) == 0; }
static inline bool pte_none(pte_t e) { return pte_val(e) == 0; }

/* A leaf above the PTE level maps a large page (1 GiB / 2 MiB). */
static inline bool pud_leaf(pud_t e) { return (pud_val(e) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline bool pmd_leaf(pmd_t e) { return (pmd_val(e) & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }

static inline void set_pgd(pgd_t *p, pgd_t e) { WRITE_ONCE(p->pgd, pgd_val(e)); }
static inline void set_pud(pud_t *p, pud_t e) { WRITE_ONCE(p->pud, pud_val(e)); }
static inline void set_pmd(pmd_t *p, pmd_t e) { WRITE_ONCE(p->pmd, pmd_val(e)); }
static inline void set_pte(pte_t *p, pte_t e) { WRITE_ONCE(p->pte, pte_val(e)); }

static inline pte_t ptep_get(pte_t *p) { return __pte(READ_ONCE(p->pte)); }

/* Atomically clear a PTE and return what it held (dirty bits included). */
static inline pte_t ptep_get_and_clear(pte_t *p)
{
	return __pte(__atomic_exchange_n(&p->pte, 0, __ATOMIC_SEQ_CST));
}

/* Atomically clear the write bit: a dirty bit another CPU sets in the
 * entry meanwhile (through its cached writable translation) stays, where
 * a read, pte_wrprotect and set_pte would overwrite it. */
static inline void ptep_set_wrprotect(pte_t *p)
{
	__atomic_fetch_and(&p->pte, ~(typeof(p->pte))_PAGE_RW, __ATOMIC_SEQ_CST);
}

/* Atomically clear the accessed bit; returns whether it was set. No TLB
 * flush (as Linux on x86): a CPU that still caches the entry keeps using
 * it without setting the bit again, which only makes the page look
 * unused a little early (page_referenced, mm/rmap.c). */
static inline bool ptep_test_and_clear_young(pte_t *p)
{
	return __atomic_fetch_and(&p->pte, ~(typeof(p->pte))_PAGE_ACCESSED,
				  __ATOMIC_SEQ_CST) & _PAGE_ACCESSED;
}

/* Entries pointing to a next-level table at physical address @pa. */
static inline pgd_t mk_pgd_table(phys_addr_t pa, bool user)
{
	return (pgd_t){ pa | (user ? _PAGE_TABLE : _KERNPG_TABLE) };
}
static inline pud_t mk_pud_table(phys_addr_t pa, bool user)
{
	return (pud_t){ pa | (user ? _PAGE_TABLE : _KERNPG_TABLE) };
}
static inline pmd_t mk_pmd_table(phys_addr_t pa, bool user)
{
	return (pmd_t){ pa | (user ? _PAGE_TABLE : _KERNPG_TABLE) };
}

/* A 2 MiB leaf mapping physical @pa (2 MiB aligned) with @prot. */
static inline pmd_t pfn_pmd_huge(unsigned long pfn, pgprot_t prot)
{
	return (pmd_t){ PFN_PHYS(pfn) | pgprot_val(prot) | _PAGE_PSE };
}

static inline unsigned long pmd_pfn(pmd_t e) { return (pmd_val(e) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline unsigned long pud_pfn(pud_t e) { return (pud_val(e) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline phys_addr_t pgd_table_pa(pgd_t e) { return pgd_val(e) & PTE_PFN_MASK; }
static inline phys_addr_t pud_table_pa(pud_t e) { return pud_val(e) & PTE_PFN_MASK; }
static inline phys_addr_t pmd_table_pa(pmd_t e) { return pmd_val(e) & PTE_PFN_MASK; }

/* ---- PTE accessors and modifiers ---------------------------------------- */

static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot)
{
	return __pte(PFN_PHYS(pfn) | pgprot_val(prot));
}

static inline unsigned long pte_pfn(pte_t e) { return (pte_val(e) & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pgprot_t pte_pgprot(pte_t e) { return __pgprot(pte_val(e) & PTE_FLAGS_MASK); }

static inline bool pte_present(pte_t e) { return pte_val(e) & _PAGE_PRESENT; }
static inline bool pte_write(pte_t e)   { return pte_val(e) & _PAGE_RW; }
static inline bool pte_dirty(pte_t e)   { return pte_val(e) & _PAGE_DIRTY; }
static inline bool pte_young(pte_t e)   { return pte_val(e) & _PAGE_ACCESSED; }
static inline bool pte_user(pte_t e)    { return pte_val(e) & _PAGE_USER; }
static inline bool pte_exec(pte_t e)    { return !(pte_val(e) & _PAGE_NX); }
static inline bool pte_global(pte_t e)  { return pte_val(e) & _PAGE_GLOBAL; }

static inline pte_t pte_mkwrite(pte_t e)   { return __pte(pte_val(e) | _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t e) { return __pte(pte_val(e) & ~_PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t e)   { return __pte(pte_val(e) | _PAGE_DIRTY); }
static inline pte_t pte_mkclean(pte_t e)   { return __pte(pte_val(e) & ~_PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t e)   { return __pte(pte_val(e) | _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t e)     { return __pte(pte_val(e) & ~_PAGE_ACCESSED); }

/* Same frame, new protection (mprotect): keeps the dirty and accessed bits. */
static inline pte_t pte_modify(pte_t e, pgprot_t prot)
{
	/* LAB(pgtable): BEGIN pte_modify: e's frame, dirty and accessed bits; prot's rest */
	/* LAB(pgtable): STUB return e; */
	u64 keep = pte_val(e) & (PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED);

	return __pte(keep | (pgprot_val(prot) & ~(PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED)));
	/* LAB(pgtable): END */
}

/*
 * Non-present PTEs. A PTE that is not none is one of three things:
 *   - present: the hardware maps the frame;
 *   - PROT_NONE (pte_protnone): not present, but it keeps its frame and the
 *     user bit (arch/x86_64/mmap.c), so mprotect can give the page back;
 *   - a swap entry (is_swap_pte): not present, user bit clear, the
 *     _PAGE_SWP_MARK bit set, and where the page's contents are on swap
 *     in the bits the hardware ignores when the present bit is clear:
 *
 *        63      52 51                      12 11    7 6   2 1 0
 *       [ 0 ...  0 |        swap offset       |  type  | 0.. 0|1|0]
 *
 * Generic code asks pte_has_frame() before it looks at pte_pfn(), and
 * converts swap entries only through these helpers (mm/swap.h's
 * swp_entry_t); nothing outside arch/ knows the layout.
 */
#define _PAGE_SWP_MARK          _PAGE_RW        /* ignored by the MMU while not present */
#define SWP_TYPE_SHIFT          7
#define SWP_TYPE_BITS           5
#define SWP_OFFSET_SHIFT        12
#define SWP_OFFSET_BITS         40

static inline bool pte_protnone(pte_t e)
{
	return (pte_val(e) & (_PAGE_PRESENT | _PAGE_USER)) == _PAGE_USER;
}
static inline bool is_swap_pte(pte_t e)
{
	return (pte_val(e) & (_PAGE_PRESENT | _PAGE_USER | _PAGE_SWP_MARK)) == _PAGE_SWP_MARK;
}
/* The PTE holds a frame number (present or PROT_NONE): pte_pfn() is valid. */
static inline bool pte_has_frame(pte_t e)
{
	return pte_present(e) || pte_protnone(e);
}
static inline pte_t __swp_entry_to_pte(unsigned int type, unsigned long offset)
{
	return __pte(((u64)offset << SWP_OFFSET_SHIFT) | ((u64)type << SWP_TYPE_SHIFT) |
		     _PAGE_SWP_MARK);
}
static inline unsigned int __pte_swp_type(pte_t e)
{
	return (pte_val(e) >> SWP_TYPE_SHIFT) & ((1U << SWP_TYPE_BITS) - 1);
}
static inline unsigned long __pte_swp_offset(pte_t e)
{
	return (pte_val(e) >> SWP_OFFSET_SHIFT) & ((1UL << SWP_OFFSET_BITS) - 1);
}

/* Protection predicates on a pgprot (for tests and /proc output). */
static inline bool pgprot_write(pgprot_t p) { return pgprot_val(p) & _PAGE_RW; }
static inline bool pgprot_exec(pgprot_t p)  { return !(pgprot_val(p) & _PAGE_NX); }

/* Decode an entry's flags into a short string such as "P W - A D G NX". */
void pte_flags_str(u64 entry, char *buf, size_t len);

#endif
