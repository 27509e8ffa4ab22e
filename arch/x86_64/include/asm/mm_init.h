/* Arch memory setup at boot (arch/x86_64/mm_init.c). */
#ifndef _ASM_MM_INIT_H
#define _ASM_MM_INIT_H

/* Feed memblock: RAM from the boot memory map, minus what must be kept. */
void arch_memblock_init(void);
/* Build the final kernel page tables and switch to them. */
void paging_init(void);

#endif
