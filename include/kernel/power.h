/*
 * Powering off, with a status for the host.
 *
 * Under QEMU with "-device isa-debug-exit,iobase=0xf4,iosize=4" a write of
 * V to port 0xf4 ends QEMU with exit status (V << 1) | 1. The host tools
 * read that status (tests/run.py, tools/qemu.py):
 *
 *   machine_exit(EXIT_POWEROFF)      -> QEMU exits 1  (normal power-off)
 *   machine_exit(EXIT_TESTS_PASSED)  -> QEMU exits 33
 *   machine_exit(EXIT_TESTS_FAILED)  -> QEMU exits 35
 *   machine_exit(EXIT_PANIC)         -> QEMU exits 37
 *
 * Without the device, machine_exit() falls back to the chipset's ACPI
 * soft-off, then halts.
 */
#ifndef _KERNEL_POWER_H
#define _KERNEL_POWER_H

#include <kernel/compiler.h>

enum exit_status {
	EXIT_POWEROFF = 0x00,
	EXIT_TESTS_PASSED = 0x10,
	EXIT_TESTS_FAILED = 0x11,
	EXIT_PANIC = 0x12,
};

__noreturn void machine_exit(enum exit_status status);
/* Sync and unmount the filesystems, then machine_exit(). Context: may sleep. */
__noreturn void kernel_power_off(enum exit_status status);

#endif
