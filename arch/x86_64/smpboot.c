/*
 * Starting the application processors (docs/smp.md, "Bring-up").
 *
 * The boot CPU (CPU 0) does, for each other enabled processor of the ACPI
 * MADT, one at a time:
 *
 *   1. make the CPU's idle task (its stack is where the CPU will start);
 *   2. fill the trampoline's parameter block: the CR3 of the trampoline's
 *      page tables, that stack, the entry point start_secondary() and the
 *      CPU number;
 *   3. send INIT, wait 10 ms, send a start-up IPI (SIPI) for
 *      TRAMPOLINE_BASE, and a second one 200 us later if the CPU has not
 *      yet shown signs of life (the SDM's sequence; a running CPU ignores a
 *      SIPI);
 *   4. wait (up to a few seconds) for the CPU to mark itself online.
 *
 * The new CPU runs trampoline.asm to long mode, then start_secondary()
 * here: switch to the kernel's page tables, set up its own GDT/TSS/IST
 * stacks, IDT, FPU, syscall MSRs, SMEP/SMAP, local APIC and tick, become
 * its idle task, mark itself in cpu_online_mask, enable interrupts and
 * idle. CPU numbers are dense (0..n-1) in the order the CPUs came up; each
 * CPU's APIC id is in cpu_locals[cpu].apic_id.
 *
 * Locks: none. The trampoline and ap_booted are used by the boot CPU and
 * the one CPU being started; the CPU being started publishes "online" with
 * a release store that the boot CPU's acquire load pairs with.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>
#include <mm/mm.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pgtable_types.h>
#include <asm/processor.h>
#include <asm/smp.h>

/* trampoline.asm's parameter block, field for field. */
struct trampoline_params {
	u64 cr3;
	u64 stack;
	u64 entry;
	u64 cpu;
};

#define AP_BOOT_TIMEOUT_MS      5000    /* TCG on a loaded host can be slow */

/* The CPU being started sets it (release) once it is online. */
static u32 ap_booted;

void start_secondary(unsigned int cpu)
{
	/* The trampoline's tables map the kernel as init_mm does; move to
	 * init_mm's own so that the low identity map is used no more. */
	write_cr3(__pa(init_mm.pgd));
	percpu_init(cpu);
	cpu_init_secondary(cpu);
	lapic_init_cpu();
	this_cpu()->apic_id = lapic_id();
	sched_init_secondary(cpu, cpu_locals[cpu].idle_task);
	touch_softlockup_watchdog();
	time_init_secondary();
	cpumask_set_cpu(cpu, &cpu_online_mask);
	/* Pairs with the acquire in wait_for_ap(): everything above is done
	 * before the boot CPU moves on (and reuses the trampoline). */
	__atomic_store_n(&ap_booted, 1, __ATOMIC_RELEASE);
	local_irq_enable();
	cpu_idle();
}

/* Copy the trampoline to low memory and build its page tables: the low
 * 2 MiB identity-mapped (executable: the trampoline runs there), and the
 * kernel's half of the address space shared with init_mm. */
static struct trampoline_params *trampoline_setup(void)
{
	size_t size = (size_t)(trampoline_end - trampoline_start);
	u64 *pml4 = __va(TRAMPOLINE_PML4), *pdpt = __va(TRAMPOLINE_PDPT), *pd = __va(TRAMPOLINE_PD);
	const u64 *kernel_pgd = (const u64 *)init_mm.pgd;
	struct trampoline_params *p;

	if (size > TRAMPOLINE_PML4 - TRAMPOLINE_BASE)
		panic("smp: the trampoline (%zu bytes) overlaps its page tables", size);
	memcpy(__va(TRAMPOLINE_BASE), trampoline_start, size);
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	for (int i = 256; i < 512; i++)
		pml4[i] = kernel_pgd[i];
	pml4[0] = TRAMPOLINE_PDPT | _PAGE_PRESENT | _PAGE_RW;
	pdpt[0] = TRAMPOLINE_PD | _PAGE_PRESENT | _PAGE_RW;
	pd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	p = (struct trampoline_params *)__va(TRAMPOLINE_BASE +
					     (unsigned long)(trampoline_params - trampoline_start));
	p->cr3 = TRAMPOLINE_PML4;
	p->entry = (u64)start_secondary;
	return p;
}

static bool wait_for_ap(unsigned int ms)
{
	u64 end = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;

	while (ktime_get_ns() < end) {
		if (__atomic_load_n(&ap_booted, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
	return __atomic_load_n(&ap_booted, __ATOMIC_ACQUIRE);
}

/* Start the processor with APIC id @apic_id as CPU @cpu. */
static bool boot_ap(struct trampoline_params *p, unsigned int cpu, u32 apic_id)
{
	struct task_struct *idle = idle_task_create(cpu);

	if (!idle) {
		pr_err("smp: no memory for CPU %u's idle task\n", cpu);
		return false;
	}
	cpu_locals[cpu].idle_task = idle;
	p->stack = (u64)idle->stack + KERNEL_STACK_SIZE;
	p->cpu = cpu;
	__atomic_store_n(&ap_booted, 0, __ATOMIC_RELAXED);
	/* The parameter stores are plain stores to write-back memory; the
	 * APIC's ICR write that sends INIT is an uncached store after them,
	 * and x86 does not reorder stores, so the new CPU sees them. */
	lapic_send_init(apic_id);
	mdelay(10);
	lapic_send_sipi(apic_id, TRAMPOLINE_BASE);
	if (!wait_for_ap(1))
		lapic_send_sipi(apic_id, TRAMPOLINE_BASE);
	if (wait_for_ap(AP_BOOT_TIMEOUT_MS))
		return true;
	/* Put it back to waiting for a SIPI, so a late start does not run
	 * the trampoline with another CPU's parameters. */
	lapic_send_init(apic_id);
	pr_err("smp: CPU %u (APIC id %u) did not come up\n", cpu, apic_id);
	return false;           /* its idle task stays: the CPU might yet run on it */
}

void smp_boot_cpus(unsigned int max)
{
	u32 ids[NR_CPUS];
	unsigned int n = acpi_cpu_apic_ids(ids), cpu = 1;
	u32 self = lapic_id();
	struct trampoline_params *p = NULL;

	this_cpu()->apic_id = self;
	for (unsigned int i = 0; i < n && cpu < max; i++) {
		if (ids[i] == self)
			continue;
		if (!p)
			p = trampoline_setup();
		/* After a failure, no more: the slow CPU may still be on its
		 * way through the trampoline, whose parameters (stack, CPU
		 * number) a next start would overwrite. */
		if (!boot_ap(p, cpu, ids[i])) {
			pr_err("smp: not starting the remaining CPUs\n");
			break;
		}
		cpu++;
	}
	pr_info("smp: %u CPU%s online (%u in the MADT)\n", num_online_cpus(),
		num_online_cpus() == 1 ? "" : "s", n);
}
