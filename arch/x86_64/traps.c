/*
 * Trap dispatch and the oops report.
 *
 * entry.asm calls trap_dispatch() for every vector. Exceptions go to their
 * handler (exc_page_fault for #PF); an exception the kernel cannot handle
 * in kernel mode is first offered to the exception table (a registered
 * access that may fault), and otherwise reported and fatal. Interrupts
 * (vectors >= 32) go to the handler installed with irq_set_handler().
 *
 * Locks: vector_lock (irqsave, a leaf) around installing and allocating
 * handlers; dispatch reads the table without it (a vector is installed
 * before its source is enabled). Handlers run with interrupts disabled.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/signal.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <kernel/string.h>
#include <kernel/spinlock.h>
#include <asm/apic.h>
#include <asm/extable.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/traps.h>

static const char *const exception_names[NR_EXCEPTION_VECTORS] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "NMI",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_SPURIOUS] = "reserved (15)",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection",
};

struct irq_desc {
	irq_handler_t fn;
	void *data;
	const char *name;
};

static struct irq_desc irq_descs[NR_VECTORS];
/* Installing and allocating handlers; the IDT is shared by every CPU, so
 * interrupts off alone would not keep two CPUs from taking one vector. */
static DEFINE_SPINLOCK(vector_lock);

const char *trap_name(unsigned int vector)
{
	if (vector < NR_EXCEPTION_VECTORS)
		return exception_names[vector] ? exception_names[vector] : "reserved";
	return irq_descs[vector].name ? irq_descs[vector].name : "interrupt";
}

void irq_set_handler(unsigned int vector, irq_handler_t fn, void *data, const char *name)
{
	unsigned long flags = spin_lock_irqsave(&vector_lock);

	ASSERT(vector >= NR_EXCEPTION_VECTORS && vector < NR_VECTORS);
	irq_descs[vector] = (struct irq_desc){ fn, data, name };
	spin_unlock_irqrestore(&vector_lock, flags);
}

int irq_alloc_vector(irq_handler_t fn, void *data, const char *name)
{
	unsigned long flags = spin_lock_irqsave(&vector_lock);
	int vector = -ENOSPC;

	for (unsigned int v = FIRST_DEVICE_VECTOR; v < FIRST_SYSTEM_VECTOR; v++) {
		if (!irq_descs[v].fn) {
			irq_descs[v] = (struct irq_desc){ fn, data, name };
			vector = (int)v;
			break;
		}
	}
	spin_unlock_irqrestore(&vector_lock, flags);
	return vector;
}

void irq_free_vector(unsigned int vector)
{
	unsigned long flags = spin_lock_irqsave(&vector_lock);

	ASSERT(vector >= FIRST_DEVICE_VECTOR && vector < FIRST_SYSTEM_VECTOR);
	irq_descs[vector] = (struct irq_desc){ NULL, NULL, NULL };
	spin_unlock_irqrestore(&vector_lock, flags);
}

void show_regs(const struct pt_regs *r)
{
	printk(KERN_EMERG "RIP: %04lx:%pS\n", r->cs, (void *)r->rip);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n", r->ss, r->rsp, r->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n", r->rax, r->rbx, r->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n", r->rdx, r->rsi, r->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n", r->rbp, r->r8, r->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n", r->r10, r->r11, r->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
	printk(KERN_EMERG "CR0: %016lx CR2: %016lx CR3: %016lx\n", read_cr0(), read_cr2(), read_cr3());
	printk(KERN_EMERG "CR4: %016lx\n", read_cr4());
}

void die(const char *what, struct pt_regs *regs, unsigned long error_code)
{
	oops_in_progress = true;
	printk(KERN_EMERG "%s: %04lx [#1] CPU: %u\n", what, error_code, smp_processor_id());
	show_regs(regs);
	dump_stack_from(regs->rip, regs->rbp);
	panic("Fatal exception (%s)", what);
}

/*
 * A user program caused an exception: send it the signal Linux would
 * (force_sig_fault: even if blocked or ignored), delivered on the way back
 * to user mode. The kernel itself is never at risk.
 */
void user_exception_signal(struct pt_regs *regs, int sig, int code, unsigned long addr,
			   const char *why)
{
	/* Like Linux's show_unhandled_signals: one line for the student. */
	pr_info("%s[%d]: %s at %#lx ip %#lx sp %#lx: signal %d code %d\n", current->comm,
		current->pid, why, addr, regs->rip, regs->rsp, sig, code);
	if (!current->is_process) {
		/* A kernel thread running test code in ring 3: no signal state. */
		local_irq_enable();
		do_exit(sig);
	}
	force_sig_fault(sig, code, addr);
}

/* The signal and si_code Linux sends for a user exception (arch/x86/kernel/traps.c). */
static int signal_for_trap(unsigned long vector, int *code)
{
	switch (vector) {
	case X86_TRAP_DE: *code = 1; return SIGFPE;             /* FPE_INTDIV */
	case X86_TRAP_MF: case X86_TRAP_XF: *code = 0; return SIGFPE;
	case X86_TRAP_UD: *code = 2; return SIGILL;             /* ILL_ILLOPN */
	case X86_TRAP_DB: case X86_TRAP_BP: *code = 1; return SIGTRAP; /* TRAP_BRKPT */
	case X86_TRAP_AC: *code = BUS_ADRALN; return SIGBUS;
	default: *code = SI_KERNEL; return SIGSEGV;             /* #GP and friends */
	}
}

/* An exception with no handler of its own. */
static void exc_unhandled(struct pt_regs *regs)
{
	if (user_mode(regs) && regs->vector != X86_TRAP_DF && regs->vector != X86_TRAP_MC) {
		int code, sig = signal_for_trap(regs->vector, &code);
		unsigned long addr = sig == SIGSEGV ? 0 : regs->rip;

		user_exception_signal(regs, sig, code, addr, trap_name((unsigned int)regs->vector));
		return;
	}
	/* A registered access that may fault (e.g. a #GP on a non-canonical
	 * address probed with get_kernel_nofault) resumes at its fixup. */
	if (!user_mode(regs) && regs->vector != X86_TRAP_DF && fixup_exception(regs))
		return;
	die(trap_name((unsigned int)regs->vector), regs, regs->error_code);
}

static void irq_dispatch(struct pt_regs *regs)
{
	unsigned int vector = (unsigned int)regs->vector;
	struct irq_desc *d = &irq_descs[vector];

	this_cpu()->irq_count++;
	if (vector == SPURIOUS_APIC_VECTOR)
		return;                         /* no EOI for the spurious vector */
	if (vector >= PIC_VECTOR_BASE && vector < PIC_VECTOR_BASE + 16)
		return;                         /* a spurious IRQ from the masked 8259 */
	if (d->fn)
		d->fn(regs, d->data);
	else
		pr_warn("unexpected interrupt on vector %u\n", vector);
	lapic_eoi();
}

/*
 * Exceptions run in the context of the task that caused them (a page fault
 * may sleep, once it can read from disk); interrupts are "interrupt context"
 * (irq_depth > 0): they may not sleep. On the way out of the outermost
 * interrupt, the interrupted task is preempted if its slice is used up and
 * it holds no spinlock (preempt_schedule_irq checks preempt_count) and it
 * had interrupts enabled.
 */
void trap_dispatch(struct pt_regs *regs)
{
	struct cpu_local *c = this_cpu();

	if (regs->vector == X86_TRAP_PF) {
		exc_page_fault(regs, regs->error_code);
	} else if (regs->vector < NR_EXCEPTION_VECTORS) {
		exc_unhandled(regs);
	} else {
		c->irq_depth++;
		irq_dispatch(regs);
		c->irq_depth--;
		if (!c->irq_depth && (regs->rflags & X86_EFLAGS_IF) && c->current_task)
			preempt_schedule_irq();
	}
	if (user_mode(regs))
		exit_to_user_mode(regs, false);
}
