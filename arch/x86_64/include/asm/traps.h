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
#define FIRST_SYSTEM_VECTOR     0xf0    /* devices get vectors below this */
#define STOP_VECTOR             0xfb    /* IPIs (kernel/smp.c) */
#define RESCHEDULE_VECTOR       0xfc
#define CALL_FUNCTION_VECTOR    0xfd
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

/* The system-call entry (MSR_LSTAR) and its C half (arch/x86_64/syscall.c). */
void entry_syscall_64(void);
/* Returns true if the way back may be sysretq (the frame is as the
 * syscall instruction left it), false for iretq. Interrupts off on return. */
bool do_syscall_64(struct pt_regs *regs);
/* Jump to user mode through the frame at @regs (on the kernel stack). */
__attribute__((noreturn)) void enter_user_mode_asm(struct pt_regs *regs);
/* Start running user code at @rip with stack @rsp. Never returns. */
__attribute__((noreturn)) void start_user_mode(unsigned long rip, unsigned long rsp);
/* The work done on every way back to user mode: reschedule if asked (and,
 * from the signals step on, deliver signals). Returns with IRQs off. */
void exit_to_user_mode(struct pt_regs *regs, bool in_syscall);

/* Called by entry.asm for every exception and interrupt. */
void trap_dispatch(struct pt_regs *regs);

/* Print a Linux-style oops for an exception the kernel cannot handle and
 * panic. @what names it ("general protection fault"). */
__attribute__((noreturn)) void die(const char *what, struct pt_regs *regs, unsigned long error_code);
void show_regs(const struct pt_regs *regs);
const char *trap_name(unsigned int vector);

/* Kill the current task for an exception it caused in user mode. */
void user_exception_signal(struct pt_regs *regs, int sig, int code, unsigned long addr,
			   const char *why);

/* The page-fault handler (fault.c), and the deliberate-fault test hook. */
void exc_page_fault(struct pt_regs *regs, unsigned long error_code);
/* Print the page-table walk for @address (what the MMU saw). */
void dump_pagetable(unsigned long address);

void idt_init(void);
void cpu_init(void);            /* GDT, TSS, IDT for the boot CPU */

#endif
