/*
 * Symbols defined by the linker script (arch/x86_64/kernel.ld) and by
 * boot.asm: the bounds of the kernel image's parts. Declared as arrays so
 * that their address is the value (char _text[] is at _text).
 */
#ifndef _KERNEL_SECTIONS_H
#define _KERNEL_SECTIONS_H

#include <asm/extable.h>
#include <kernel/ktest.h>

extern char _kernel_phys_start[], _kernel_phys_end[];  /* physical */
extern char _text[], _etext[];
extern char _rodata[], _erodata[];
extern char _data[], _edata[];
extern char __bss_start[], __bss_end[], _end[];
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];
extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];
extern const struct ktest __start_ktests[], __stop_ktests[];

#endif
