/*
 * TLB maintenance and the TLB shootdown (arch/x86_64/tlb.c, docs/smp-tlb.md).
 *
 * A CPU caches translations of the address space whose top-level table is
 * in its CR3, and (PCIDs are not used) drops every non-global entry when
 * CR3 is loaded. So after a PTE of an mm is cleared or restricted, the
 * entries to flush are those of the CPUs that may have had that mm in CR3
 * since: mm->cpu_mask. flush_tlb_mm_range() flushes this CPU (if it has
 * the mm loaded) and sends one cross-CPU call to the others in the mask,
 * waiting until each has flushed. Callers flush after changing the PTE and
 * before relying on the change (before the page-table lock is dropped,
 * and always before the page can be freed: mm/tlb.c's batch).
 *
 * The pairing: a CPU that loads an mm sets its bit in cpu_mask (an atomic
 * read-modify-write, a full barrier) before the CR3 load lets it walk the
 * tables; the flusher changes the PTE, then a full barrier (smp_mb), then
 * reads the mask. Either the flusher sees the bit and interrupts that CPU,
 * or that CPU's walk sees the new PTE.
 */
#ifndef _ASM_TLBFLUSH_H
#define _ASM_TLBFLUSH_H

#include <asm/page.h>
#include <asm/processor.h>

struct cpumask;

struct mm_struct;

/* Above this many pages, one full local flush is cheaper than invlpg's. */
#define TLB_FLUSH_ALL_THRESHOLD 33

/* This CPU only: one address (also a global entry). */
static inline void flush_tlb_page(unsigned long addr)
{
	__asm__ volatile("invlpg (%0)" :: "r"(addr) : "memory");
}

/* This CPU only: every non-global entry (reloading CR3). */
static inline void flush_tlb_local(void)
{
	write_cr3(read_cr3());
}

/* This CPU only: global entries too (toggling CR4.PGE), for kernel mappings. */
static inline void flush_tlb_all(void)
{
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4);
}

/*
 * Flush [start, end) of @mm on every CPU that may cache it (this one, if
 * it has @mm loaded, and one cross-CPU call for the rest, which waits for
 * them). Context: interrupts enabled (the call waits for other CPUs);
 * may be called with spinlocks held, page_table_lock included.
 */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);

static inline void flush_tlb_mm_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
}

/*
 * Flush @addr of @mm on this CPU only, if it has @mm loaded: for a PTE
 * that was made *more* permissive (another CPU with the old entry takes a
 * spurious fault and finds the new one) or already looked at by a fault.
 */
void flush_tlb_mm_page_local(struct mm_struct *mm, unsigned long addr);

/* Flush kernel addresses [start, end) on every online CPU.
 * Context: interrupts enabled. */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/*
 * Flush every user translation (non-global entries) on the CPUs of
 * @mask, this one included if it is in it, with one cross-CPU call for
 * the others: the end of reclaim's deferred-flush batch (mm/tlb.c,
 * try_to_unmap_flush), whose PTEs belong to many mms and addresses, so
 * a whole flush is cheaper than tracking ranges. Context: interrupts
 * enabled; no spinlock needed or forbidden (as flush_tlb_mm_range).
 */
void arch_tlbbatch_flush(const struct cpumask *mask);

/*
 * Make @next (NULL: the kernel's init_mm) this CPU's loaded address space:
 * set this CPU in next->cpu_mask and take a reference (mm_count) before
 * loading CR3, then clear it in the previous one's mask. The reference to
 * the previous one is left for switch_mm_finish(), which the caller calls
 * once it holds no scheduler lock (the last reference frees the page
 * tables). Does nothing if @next is already loaded. A kernel thread
 * does not call it (lazy TLB: it runs on whatever user mm is loaded).
 * Context: interrupts off.
 */
void switch_mm_irqs_off(struct mm_struct *next);
/* Drop the reference the last switch_mm_irqs_off() on this CPU left.
 * Context: the same CPU (interrupts still off since the switch, or no
 * switch pending); no spinlock that the allocator's locks may not nest in. */
void switch_mm_finish(void);

/* The user mm this CPU has in CR3 (NULL: init_mm), lazily or not. */
struct mm_struct *cpu_loaded_mm(void);

/*
 * Counters for tests and /proc: flushes of user ranges, cross-CPU calls
 * made for them, CR3 loads by switch_mm_irqs_off, and the last range
 * flushed. tlb_shootdown (command line tlb_shootdown=0: false) is the
 * debug switch that skips the cross-CPU call.
 */
struct tlb_counters {
	unsigned long range_flushes;
	unsigned long shootdown_calls;
	unsigned long batch_flushes;    /* arch_tlbbatch_flush calls (reclaim's batches) */
	unsigned long cr3_loads;
	unsigned long last_start, last_end;
};
extern struct tlb_counters tlb_counters;
extern bool tlb_shootdown;

void tlb_init(void);

#endif
