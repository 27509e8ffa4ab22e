/*
 * x86-64 page-table entry bits. Only arch/x86_64 includes this file
 * directly; generic mm/ code uses the helpers of asm/pgtable.h and the
 * named protections (PAGE_KERNEL, ...), never these bits (STYLE.md: the
 * arch boundary is a contract).
 */
#ifndef _ASM_PGTABLE_TYPES_H
#define _ASM_PGTABLE_TYPES_H

#include <kernel/types.h>

#define _PAGE_PRESENT   (1UL << 0)
#define _PAGE_RW        (1UL << 1)
#define _PAGE_USER      (1UL << 2)
#define _PAGE_PWT       (1UL << 3)
#define _PAGE_PCD       (1UL << 4)
#define _PAGE_ACCESSED  (1UL << 5)
#define _PAGE_DIRTY     (1UL << 6)
#define _PAGE_PSE       (1UL << 7)     /* in a PMD/PUD: a 2 MiB/1 GiB leaf */
#define _PAGE_GLOBAL    (1UL << 8)
#define _PAGE_NX        (1UL << 63)

#define PTE_PFN_MASK    0x000ffffffffff000UL
#define PTE_FLAGS_MASK  (~PTE_PFN_MASK)

/* The entry of a table that points to the next-level table. */
#define _PAGE_TABLE     (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define _KERNPG_TABLE   (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

#endif
