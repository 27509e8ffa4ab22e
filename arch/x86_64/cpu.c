/*
 * Per-CPU setup: per-CPU data (GS base), the GDT with a TSS, and the IDT
 * (one table, shared by every CPU). cpu_init() runs on the boot CPU,
 * cpu_init_secondary() on each CPU that smpboot.c starts; each CPU has its
 * own GDT, TSS and IST stacks (indexed by CPU number).
 *
 * The TSS matters in long mode for two things only: rsp0 (the kernel stack
 * used when an interrupt arrives from user mode: set per task once tasks
 * exist) and the interrupt stack table. Double fault, NMI and machine check
 * run on IST stacks of their own, so a kernel stack overflow (which faults
 * with no usable stack) still produces a report instead of a triple fault.
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <asm/cpufeature.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/vdso.h>
#include <asm/segment.h>
#include <asm/smp.h>
#include <asm/switch_to.h>
#include <asm/fpu.h>
#include <kernel/sched.h>
#include <mm/mm_types.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

struct cpu_local cpu_locals[NR_CPUS];

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_entry {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static u64 gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss tss[NR_CPUS] __aligned(16);
static struct idt_entry idt[NR_VECTORS] __aligned(16);
static u8 ist_stacks[NR_CPUS][3][IST_STACK_SIZE] __aligned(16);

void percpu_init(unsigned int cpu)
{
	struct cpu_local *c = &cpu_locals[cpu];

	c->self = c;
	c->cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

#define GDT_CODE64(dpl) (0x00af9a000000ffffULL | ((u64)(dpl) << 45))
#define GDT_DATA(dpl)   (0x00cf92000000ffffULL | ((u64)(dpl) << 45))

static void gdt_init(unsigned int cpu)
{
	u64 *g = gdt[cpu];
	u64 base = (u64)&tss[cpu];
	u64 limit = sizeof(struct tss) - 1;
	struct desc_ptr ptr = { sizeof(gdt[cpu]) - 1, (u64)g };

	for (int i = 0; i < 3; i++)
		tss[cpu].ist[i] = (u64)&ist_stacks[cpu][i][IST_STACK_SIZE];
	tss[cpu].iomap_base = sizeof(struct tss);   /* no I/O permission bitmap */

	memset(g, 0, sizeof(gdt[cpu]));
	g[GDT_KERNEL_CS / 8] = GDT_CODE64(0);
	g[GDT_KERNEL_DS / 8] = GDT_DATA(0);
	g[GDT_USER_DS / 8] = GDT_DATA(3);
	g[GDT_USER_CS / 8] = GDT_CODE64(3);
	/* A 16-byte available 64-bit TSS descriptor (type 9). */
	g[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
			 (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	g[GDT_TSS / 8 + 1] = base >> 32;

	__asm__ volatile("lgdt %0" :: "m"(ptr));
	/* Reload CS with a far return, then the data segments and TR. */
	__asm__ volatile("pushq %0\n"
			 "leaq 1f(%%rip), %%rax\n"
			 "pushq %%rax\n"
			 "lretq\n"
			 "1:\n"
			 :: "i"(GDT_KERNEL_CS) : "rax", "memory");
	__asm__ volatile("mov %0, %%ss; mov %0, %%ds; mov %0, %%es" :: "r"((u16)GDT_KERNEL_DS));
	__asm__ volatile("ltr %0" :: "r"((u16)GDT_TSS));
	/* Loading FS/GS with a selector clears their bases: restore GS. */
	wrmsr(MSR_GS_BASE, (u64)&cpu_locals[cpu]);
}

static void set_gate(unsigned int vector, unsigned long handler, unsigned int ist)
{
	struct idt_entry *e = &idt[vector];

	e->offset_low = handler & 0xffff;
	e->selector = GDT_KERNEL_CS;
	e->ist = ist;
	e->type_attr = 0x8e;                    /* present, DPL 0, interrupt gate */
	e->offset_mid = (handler >> 16) & 0xffff;
	e->offset_high = handler >> 32;
	e->reserved = 0;
}

static void idt_load(void)
{
	struct desc_ptr ptr = { sizeof(idt) - 1, (u64)idt };

	__asm__ volatile("lidt %0" :: "m"(ptr));
}

void idt_init(void)
{
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, isr_stub_table[v], 0);
	set_gate(X86_TRAP_DF, isr_stub_table[X86_TRAP_DF], IST_DOUBLE_FAULT);
	set_gate(X86_TRAP_NMI, isr_stub_table[X86_TRAP_NMI], IST_NMI);
	set_gate(X86_TRAP_MC, isr_stub_table[X86_TRAP_MC], IST_MCE);
	idt_load();
}

/*
 * Initial stack of a new kernel thread, from the top down:
 *   0                  padding, keeps RSP 16-byte aligned at the first call
 *   0                  a zero return address: unwinders stop here
 *   ret_from_kthread   where __switch_to_asm's ret goes
 *   6 x 0              rbp, rbx, r12-r15 as __switch_to_asm pops them
 */
unsigned long thread_stack_init(void *stack_base, unsigned long stack_size)
{
	unsigned long *sp = (unsigned long *)((char *)stack_base + stack_size);

	*--sp = 0;
	*--sp = 0;
	*--sp = (unsigned long)ret_from_kthread;
	for (int i = 0; i < 6; i++)
		*--sp = 0;
	return (unsigned long)sp;
}

bool thread_saved_frame(unsigned long saved_rsp, unsigned long *pc, unsigned long *fp)
{
	/* switch.asm pushes rbp, rbx, r12, r13, r14, r15 below its return
	 * address: rbp is the 6th word up from the saved RSP, the return
	 * address the 7th. */
	unsigned long *frame = (unsigned long *)saved_rsp;

	return !get_kernel_nofault(*fp, frame + 5) && !get_kernel_nofault(*pc, frame + 6);
}

static struct fpu_state init_fpu_state;

/* This CPU's FPU and SSE: on, in their reset state. */
static void fpu_cpu_init(void)
{
	u32 mxcsr = 0x1f80;                     /* all exceptions masked, round to nearest */

	write_cr0((read_cr0() | X86_CR0_MP) & ~(X86_CR0_EM | X86_CR0_TS));
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
	__asm__ volatile("ldmxcsr %0" :: "m"(mxcsr));
}

void fpu_init(void)
{
	fpu_cpu_init();
	fpu_save(&init_fpu_state);
}

void fpu_state_init(struct fpu_state *st)
{
	*st = init_fpu_state;
}

/* The syscall instruction: where it enters the kernel and with what flags. */
static void syscall_init(void)
{
	/* syscall loads CS from STAR[47:32] (SS = +8); sysret loads
	 * CS = STAR[63:48] + 16 and SS = + 8, both with RPL 3. */
	wrmsr(MSR_STAR, ((u64)(GDT_USER32_CS | 3) << 48) | ((u64)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_syscall_64);
	/* Cleared on entry: interrupts stay off until the entry has switched
	 * stacks, and no trap flag, direction flag or AC (SMAP) leaks in. */
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IOPL |
				X86_EFLAGS_NT | X86_EFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* SMEP: the kernel never executes user pages; SMAP: it never reads or
 * writes them except inside copy_*_user (stac/clac). */
static void protection_init(bool report)
{
	unsigned long cr4 = read_cr4();

	if (boot_cpu_has(X86_FEATURE_SMEP))
		cr4 |= X86_CR4_SMEP;
	if (boot_cpu_has(X86_FEATURE_SMAP))
		cr4 |= X86_CR4_SMAP;
	write_cr4(cr4);
	if (report)
		pr_info("cpu: SMEP %s, SMAP %s\n", cr4 & X86_CR4_SMEP ? "on" : "not available",
		cr4 & X86_CR4_SMAP ? "on" : "not available");
}

void arch_switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct cpu_local *c = this_cpu();
	unsigned long stack_top = (unsigned long)next->stack + KERNEL_STACK_SIZE;

	if (prev->mm)
		fpu_save(&prev->thread.fpu);
	if (next->mm) {
		fpu_restore(&next->thread.fpu);
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
	}
	/* A kernel thread (no mm) keeps whatever is loaded: lazy TLB. */
	if (next->mm)
		switch_mm_irqs_off(next->mm);
	tss[c->cpu].rsp[0] = stack_top;
	c->kernel_stack = stack_top;
}

void switch_to_new_mm(struct mm_struct *mm)
{
	unsigned long flags = local_irq_save();

	current->mm = mm;
	/* Not lazy, even for NULL: the caller is about to drop the old mm,
	 * which exit and exec want gone now, page tables and all. */
	switch_mm_irqs_off(mm);
	switch_mm_finish();             /* no scheduler lock held here */
	if (mm) {
		fpu_state_init(&current->thread.fpu);
		fpu_restore(&current->thread.fpu);
		current->thread.fsbase = 0;
		wrmsr(MSR_FS_BASE, 0);
	}
	local_irq_restore(flags);
}

void cpu_init(void)
{
	cpu_features_init();
	gdt_init(0);
	idt_init();
	fpu_init();
	syscall_init();
	protection_init(true);
	vdso_cpu_init(0);
}

void cpu_init_secondary(unsigned int cpu)
{
	gdt_init(cpu);
	idt_load();
	fpu_cpu_init();
	syscall_init();
	protection_init(false);
	vdso_cpu_init(cpu);
}
