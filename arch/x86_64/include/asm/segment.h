/*
 * GDT layout: Linux's, so selectors in an oops (RIP: 0010:...) read the
 * same as on Linux. boot_defs.inc has the kernel selectors too.
 * syscall loads CS/SS from STAR[47:32] (+0, +8); sysret from STAR[63:48]
 * (+16 for CS, +8 for SS): hence user data right below user code.
 */
#ifndef _ASM_SEGMENT_H
#define _ASM_SEGMENT_H

#define GDT_KERNEL32_CS 0x08    /* unused; keeps Linux's numbering */
#define GDT_KERNEL_CS   0x10
#define GDT_KERNEL_DS   0x18
#define GDT_USER32_CS   0x20    /* unused: no 32-bit user code */
#define GDT_USER_DS     0x28
#define GDT_USER_CS     0x30
#define GDT_TSS         0x40    /* 16 bytes: two slots */
#define GDT_ENTRIES     10

/* Interrupt stack table slots in the TSS (1-based, as the IDT encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_MCE          3
#define IST_STACK_SIZE   8192

#endif
