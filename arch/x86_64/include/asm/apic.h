/*
 * The local APIC: the per-CPU interrupt controller. Faultline uses its
 * timer for the periodic tick and will use it for IPIs once SMP arrives.
 * The legacy 8259 PICs are remapped out of the way and masked.
 */
#ifndef _ASM_APIC_H
#define _ASM_APIC_H

#include <kernel/types.h>

void lapic_init(void);
void lapic_eoi(void);
u32 lapic_id(void);
/* Start the timer as a one-shot countdown from @count (divide by 16). */
void lapic_timer_oneshot(u32 count);
u32 lapic_timer_current(void);
/* Periodic interrupts on @vector every @count ticks (divide by 16). */
void lapic_timer_periodic(unsigned int vector, u32 count);

#endif
