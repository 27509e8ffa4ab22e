/*
 * SMP bring-up, the arch side (arch/x86_64/smpboot.c, trampoline.asm).
 *
 * The boot CPU finds the other processors in the ACPI MADT and starts each
 * with INIT, SIPI, SIPI (Intel SDM vol. 3, "MP initialization") through a
 * real-mode trampoline copied to TRAMPOLINE_BASE; docs/smp.md follows the
 * path step by step.
 */
#ifndef _ASM_SMP_H
#define _ASM_SMP_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define TRAMPOLINE_BASE         0x8000UL        /* trampoline.asm: the same */
/* The trampoline's page tables, in the low-memory pages after it. */
#define TRAMPOLINE_PML4         0x9000UL
#define TRAMPOLINE_PDPT         0xa000UL
#define TRAMPOLINE_PD           0xb000UL

/* trampoline.asm: the code to copy, and its parameter block. */
extern const char trampoline_start[], trampoline_end[], trampoline_params[];

/* Start the processors the MADT lists, up to @max CPUs in all (the boot
 * CPU included). Context: boot CPU, after sched_init() and time_init(). */
void smp_boot_cpus(unsigned int max);
/* Where a started CPU enters C, on its idle task's stack. */
__noreturn void start_secondary(unsigned int cpu);

/* Per-CPU parts of cpu.c and time.c, for a CPU that is not the boot CPU. */
void cpu_init_secondary(unsigned int cpu);
void time_init_secondary(void);

#endif
