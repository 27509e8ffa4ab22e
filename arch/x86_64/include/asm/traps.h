/*
 * Exceptions and interrupts: vector numbers, the entry from entry.asm, and
 * the registration of interrupt handlers.
 */
#ifndef _ASM_TRAPS_H
#define _ASM_TRAPS_H

#include <asm/ptrace.h>

enum x86_trap {
	X86_TRAP_DE = 0, X86_TRAP_DB, X86_TRAP_NMI, X86_TRAP_BP, X86_TRAP_OF,
	X86_TRAP_BR, X86_TRAP_UD, X86_TRAP_NM, X86_TRAP_DF, X86_TRAP_OLD_MF,
	X86_TRAP_TS, X86_TRAP_NP, X86_TRAP_SS, X86_TRAP_GP, X86_TRAP_PF,
	X86_TRAP_SPURIOUS, X86_TRAP_MF, X86_TRAP_AC, X86_TRAP_MC, X86_TRAP_XF,
	X86_TRAP_VE, X86_TRAP_CP,
	NR_EXCEPTION_VECTORS = 32,
};

/* Interrupt vectors (the first 32 are the CPU's exceptions). */
#define LOCAL_TIMER_VECTOR      0x20
#define PIC_VECTOR_BASE         0x30    /* the masked 8259s, 0x30..0x3f */
#define FIRST_DEVICE_VECTOR     0x40
#define SPURIOUS_APIC_VECTOR    0xff
#define NR_VECTORS              256

typedef void (*irq_handler_t)(struct pt_regs *regs, void *data);

/* Install @fn for interrupt vector @vector (>= 32). The handler runs with
 * interrupts disabled; the local APIC is acknowledged after it returns. */
void irq_set_handler(unsigned int vector, irq_handler_t fn, void *data, const char *name);

/* The entry stubs of entry.asm, one per vector. */
extern const unsigned long isr_stub_table[NR_VECTORS];

/* Allocate a free vector >= FIRST_DEVICE_VECTOR for a device interrupt
 * (MSI/MSI-X) and install @fn on it. Returns the vector, or -ENOSPC. */
int irq_alloc_vector(irq_handler_t fn, void *data, const char *name);
void irq_free_vector(unsigned int vector);

/* Called by entry.asm for every exception and interrupt. */
void trap_dispatch(struct pt_regs *regs);

/* Print a Linux-style oops for an exception the kernel cannot handle and
 * panic. @what names it ("general protection fault"). */
__attribute__((noreturn)) void die(const char *what, struct pt_regs *regs, unsigned long error_code);
void show_regs(const struct pt_regs *regs);
const char *trap_name(unsigned int vector);

/* The page-fault handler (fault.c), and the deliberate-fault test hook. */
void exc_page_fault(struct pt_regs *regs, unsigned long error_code);
/* Print the page-table walk for @address (what the MMU saw). */
void dump_pagetable(unsigned long address);

void idt_init(void);
void cpu_init(void);            /* GDT, TSS, IDT for the boot CPU */

#endif
