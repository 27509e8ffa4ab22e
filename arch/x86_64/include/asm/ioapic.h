/*
 * The I/O APIC: where the legacy ISA interrupt lines (the UART's IRQ 4,
 * ...) and the other "global system interrupts" (GSIs) of the board are
 * turned into interrupt messages for a local APIC.
 *
 * ioapic_init() finds the I/O APICs and the ISA interrupt source overrides
 * in the ACPI MADT (signature "APIC"), masks every pin, and remembers them;
 * ioapic_route_isa_irq() then steers one ISA line to a vector on the boot
 * CPU. Devices on PCI use MSI/MSI-X (drivers/pci.c) and never come here.
 *
 * Locks: ioapic_lock (irqsave) serialises the index/data register pair.
 */
#ifndef _ASM_IOAPIC_H
#define _ASM_IOAPIC_H

#include <kernel/types.h>

#define NR_ISA_IRQS     16

/* Find and reset the I/O APIC(s). Call once at boot, after lapic_init()
 * (interrupts may be on or off). Returns 0, or -ENODEV if the machine has
 * none (then every ioapic_route_isa_irq() fails with -ENODEV). */
int ioapic_init(void);

/* Send ISA IRQ @irq (0..15) to @vector on the boot CPU and unmask it, with
 * the line's polarity and trigger mode from the MADT (ISA default: edge,
 * active high). Returns 0, -ENODEV or -EINVAL. Context: any. */
int ioapic_route_isa_irq(unsigned int irq, unsigned int vector);
/* Mask ISA IRQ @irq again. */
void ioapic_mask_isa_irq(unsigned int irq);

/* The GSI that ISA IRQ @irq is wired to (an override may move it, as IRQ
 * 0 usually moves to GSI 2). For the boot log and the ktests. */
unsigned int ioapic_isa_irq_to_gsi(unsigned int irq);

/* The local APIC ids of the enabled processors the MADT lists (at most
 * NR_CPUS; more are reported and left out), copied to @ids; returns how
 * many. 0 when there was no MADT. Valid after ioapic_init(). */
unsigned int acpi_cpu_apic_ids(u32 ids[]);

#endif
