/*
 * The local APIC: the per-CPU interrupt controller. Faultline uses its
 * timer for each CPU's periodic tick, and its interrupt command register
 * to start the other CPUs (INIT, SIPI) and to interrupt them (IPIs).
 * The legacy 8259 PICs are remapped out of the way and masked.
 */
#ifndef _ASM_APIC_H
#define _ASM_APIC_H

#include <kernel/types.h>

/* The boot CPU: mask the 8259s, map the APIC, enable it. */
void lapic_init(void);
/* Another CPU, once lapic_init() has run on the boot CPU: enable its APIC. */
void lapic_init_cpu(void);
/* Send @vector to the CPU whose APIC id is @apic_id. Context: any. */
void lapic_send_ipi(u32 apic_id, unsigned int vector);
/* The start-up sequence (arch/x86_64/smpboot.c): INIT, then a start-up
 * IPI that starts the CPU in real mode at @start (page-aligned, < 1 MiB). */
void lapic_send_init(u32 apic_id);
void lapic_send_sipi(u32 apic_id, phys_addr_t start);
void lapic_eoi(void);
u32 lapic_id(void);
/* Start the timer as a one-shot countdown from @count (divide by 16). */
void lapic_timer_oneshot(u32 count);
u32 lapic_timer_current(void);
/* Periodic interrupts on @vector every @count ticks (divide by 16). */
void lapic_timer_periodic(unsigned int vector, u32 count);

#endif
