/*
 * Power-off (see include/kernel/power.h).
 */
#include <kernel/power.h>
#include <asm/processor.h>

#define ISA_DEBUG_EXIT_PORT 0xf4
/* ACPI PM1a control blocks of QEMU's chipsets: q35 (ICH9) and pc (PIIX4). */
#define Q35_PM1A_CNT    0x604
#define PIIX4_PM1A_CNT  0xb004
#define ACPI_SLP_EN     (1 << 13)

void machine_exit(enum exit_status status)
{
	local_irq_disable();
	outl(ISA_DEBUG_EXIT_PORT, status);
	/*
	 * Still running: no debug-exit device. Sleep state S5 with SLP_TYP 0
	 * is QEMU's soft-off on both chipsets. Real ACPI (reading the FADT)
	 * comes with the storage issue's power-off path.
	 */
	outw(Q35_PM1A_CNT, ACPI_SLP_EN);
	outw(PIIX4_PM1A_CNT, ACPI_SLP_EN);
	for (;;)
		halt();
}
