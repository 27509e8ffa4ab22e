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
