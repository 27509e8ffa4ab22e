/*
 * Which CPU has which address space loaded, and the TLB shootdown
 * (asm/tlbflush.h; docs/smp-tlb.md).
 *
 * Owns: loaded_mm[] (each CPU's CR3, as an mm), each mm's cpu_mask bit
 * for this CPU and the mm_count reference that goes with it, and the
 * flushes of user and kernel ranges on every CPU that may cache them.
 *
 * Lazy TLB: switching to a kernel thread loads nothing; the CPU keeps the
 * previous user mm in CR3 (and in loaded_mm, holding its mm_count and its
 * cpu_mask bit), so user -> kernel thread -> the same user costs no CR3
 * load, and the page tables cannot be freed while CR3 still points to
 * them: mmput() of the last user frees the pages, but the tables go only
 * with the last mm_count reference (mm/mmap.c). A lazy CPU still gets the
 * shootdowns of its mm (it is in the mask) and flushes.
 *
 * Locks: none. loaded_mm[cpu] is written only by its own CPU with
 * interrupts off, and read by that CPU (flushes, under preempt_disable)
 * or its flush handler (an interrupt on that CPU). cpu_mask bits change
 * with atomic operations; the barriers are described in asm/tlbflush.h.
 */
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/smp.h>
#include <kernel/spinlock.h>
#include <mm/mm.h>
#include <asm/percpu.h>
#include <asm/tlbflush.h>

struct tlb_counters tlb_counters;
bool tlb_shootdown = true;              /* (c) debug: tlb_shootdown=0 */

static struct mm_struct *loaded_mm[NR_CPUS];    /* NULL: init_mm */
/* The mm whose reference a switch left for switch_mm_finish() to drop. */
static struct mm_struct *drop_mm[NR_CPUS];

struct flush_info {
	struct mm_struct *mm;           /* NULL: a kernel range */
	unsigned long start, end;
};

void tlb_init(void)
{
	tlb_shootdown = kernel_param_ulong("tlb_shootdown", 1) != 0;
	if (!tlb_shootdown)
		pr_warn("mm: tlb_shootdown=0: other CPUs keep stale TLB entries after "
			"munmap, mprotect, COW and write-protection (debug)\n");
}

struct mm_struct *cpu_loaded_mm(void)
{
	return loaded_mm[smp_processor_id()];
}

static void count(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

void switch_mm_irqs_off(struct mm_struct *next)
{
	unsigned int cpu = smp_processor_id();
	struct mm_struct *prev = loaded_mm[cpu];

	ASSERT(irqs_disabled());
	if (prev == next)
		return;
	/* LAB(tlb): BEGIN the mask: into next's cpu_mask before the CR3 load, out of prev's after */
	/* LAB(tlb): STUB if (next) */
	/* LAB(tlb): STUB 	mmgrab(next); */
	/* LAB(tlb): STUB write_cr3(__pa(next ? next->pgd : init_mm.pgd)); */
	/* LAB(tlb): STUB count(&tlb_counters.cr3_loads); */
	/* LAB(tlb): STUB loaded_mm[cpu] = next; */
	/* LAB(tlb): STUB if (prev) */
	/* LAB(tlb): STUB 	drop_mm[cpu] = prev; */
	if (next) {
		mmgrab(next);
		/* Before CR3 lets this CPU walk next's tables: the atomic is a
		 * full barrier, paired with the smp_mb in flush_tlb_mm_range
		 * between a PTE change and the read of the mask. */
		cpumask_set_cpu(cpu, &next->cpu_mask);
	}
	write_cr3(__pa(next ? next->pgd : init_mm.pgd));
	count(&tlb_counters.cr3_loads);
	loaded_mm[cpu] = next;
	if (prev) {
		/* Only after the CR3 load dropped prev's entries: until then a
		 * flush of prev must still reach this CPU. */
		cpumask_clear_cpu(cpu, &prev->cpu_mask);
		/* Dropped by switch_mm_finish(), outside the scheduler's lock:
		 * the last reference frees the page tables. */
		ASSERT(!drop_mm[cpu]);
		drop_mm[cpu] = prev;
	}
	/* LAB(tlb): END */
}

void switch_mm_finish(void)
{
	unsigned long flags = local_irq_save();
	unsigned int cpu = smp_processor_id();
	struct mm_struct *mm = drop_mm[cpu];

	drop_mm[cpu] = NULL;
	local_irq_restore(flags);
	if (mm)
		mmdrop(mm);
}

/* Flush [start, end) here: invlpg each page, or everything above the
 * threshold (@kernel: global entries too). */
static void flush_local_range(unsigned long start, unsigned long end, bool kernel)
{
	if ((end - start) >> PAGE_SHIFT > TLB_FLUSH_ALL_THRESHOLD) {
		if (kernel)
			flush_tlb_all();
		else
			flush_tlb_local();
		return;
	}
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE)
		flush_tlb_page(addr);
}

/* The cross-CPU call's function. Context: interrupt on the target CPU. */
static void flush_tlb_func(void *arg)
{
	const struct flush_info *f = arg;

	/* LAB(tlb): BEGIN the handler: flush here, unless this CPU has since loaded another mm */
	/* LAB(tlb): STUB (void)f; */
	/* A CPU that switched to another mm since the flusher read the mask
	 * dropped the old entries with that CR3 load. */
	if (f->mm && loaded_mm[smp_processor_id()] != f->mm)
		return;
	flush_local_range(f->start, f->end, f->mm == NULL);
	/* LAB(tlb): END */
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct flush_info f = { .mm = mm, .start = start, .end = end };
	struct cpumask others;
	unsigned int cpu;

	if (start >= end)
		return;
	preempt_disable();
	cpu = smp_processor_id();
	count(&tlb_counters.range_flushes);
	WRITE_ONCE(tlb_counters.last_start, start);
	WRITE_ONCE(tlb_counters.last_end, end);
	/* LAB(tlb): BEGIN the shootdown: barrier, local flush, one call to the mask's other CPUs */
	/* LAB(tlb): STUB (void)f; */
	/* LAB(tlb): STUB (void)others; */
	/* LAB(tlb): STUB if (loaded_mm[cpu] == mm) */
	/* LAB(tlb): STUB 	flush_local_range(start, end, false); */
	/* The caller's PTE stores before the read of the mask: pairs with
	 * the cpumask_set_cpu before a CR3 load in switch_mm_irqs_off. */
	smp_mb();
	if (loaded_mm[cpu] == mm)
		flush_local_range(start, end, false);
	others = cpumask_read(&mm->cpu_mask);
	others.bits &= ~(1UL << cpu);
	if (!cpumask_empty(&others) && tlb_shootdown) {
		count(&tlb_counters.shootdown_calls);
		smp_call_function_many(&others, flush_tlb_func, &f, true);
	}
	/* LAB(tlb): END */
	preempt_enable();
}

/* The batch's cross-CPU call. Context: interrupt on the target CPU. */
static void flush_tlb_batch_func(void *arg)
{
	(void)arg;
	flush_tlb_local();
}

void arch_tlbbatch_flush(const struct cpumask *mask)
{
	struct cpumask others = *mask;
	unsigned int cpu;

	preempt_disable();
	cpu = smp_processor_id();
	count(&tlb_counters.batch_flushes);
	if (cpumask_test_cpu(cpu, mask))
		flush_tlb_local();
	others.bits &= ~(1UL << cpu);
	if (!cpumask_empty(&others) && tlb_shootdown) {
		count(&tlb_counters.shootdown_calls);
		smp_call_function_many(&others, flush_tlb_batch_func, NULL, true);
	}
	preempt_enable();
}

void flush_tlb_mm_page_local(struct mm_struct *mm, unsigned long addr)
{
	preempt_disable();
	if (loaded_mm[smp_processor_id()] == mm)
		flush_tlb_page(addr);
	preempt_enable();
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	struct flush_info f = { .mm = NULL, .start = start, .end = end };

	if (start >= end)
		return;
	preempt_disable();
	/* The PTE change before the cross-CPU call's own ordering takes over
	 * (its queueing is a release; the handler runs after an acquire). */
	smp_mb();
	flush_local_range(start, end, true);
	smp_call_function_many(&cpu_online_mask, flush_tlb_func, &f, true);
	preempt_enable();
}
