/*
 * TLB maintenance. One CPU for now: a flush is local. When SMP arrives,
 * these become the place where shootdown IPIs are sent, and every caller
 * already flushes at the right moment (after changing the PTE, before
 * relying on the change).
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H

#include <asm/processor.h>

static inline void flush_tlb_page(unsigned long addr)
{
	__asm__ volatile("invlpg (%0)" :: "r"(addr) : "memory");
}

/*
 * Flush @addr for the address space whose top-level table is at physical
 * address @pgd_pa. Only the address space loaded in CR3 can have entries
 * in this CPU's TLB: loading CR3 drops every non-global entry, and PCIDs
 * are not used. So a change to another process's page tables (truncate,
 * page_mkclean) needs no flush here; with SMP this is where an IPI goes
 * to the CPUs running that address space.
 */
static inline void flush_tlb_page_pgd(unsigned long pgd_pa, unsigned long addr)
{
	if ((read_cr3() & ~0xfffUL) == pgd_pa)
		flush_tlb_page(addr);
}

/* Flush every non-global entry (reloading CR3). */
static inline void flush_tlb_local(void)
{
	write_cr3(read_cr3());
}

/* Flush global entries too (toggling CR4.PGE): for kernel mappings. */
static inline void flush_tlb_all(void)
{
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4);
}

#endif
