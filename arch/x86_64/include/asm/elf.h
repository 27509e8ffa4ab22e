/*
 * What the ELF loader (kernel/binfmt_elf.c) asks the architecture for the
 * aux vector: the CPU's feature words and the smallest alternate signal
 * stack a handler can run on.
 */
#ifndef _ASM_ELF_H
#define _ASM_ELF_H

/* AT_HWCAP: x86-64 Linux gives CPUID leaf 1's EDX, the classic feature
 * flags (fpu, tsc, cx8, cmov, mmx, fxsr, sse, sse2...). */
unsigned long elf_hwcap(void);
/* AT_HWCAP2: Linux's HWCAP2_* bits for what the kernel enabled for user
 * space: RING3MWAIT (bit 0) and FSGSBASE (bit 1). */
unsigned long elf_hwcap2(void);
/* AT_MINSIGSTKSZ: the most stack one signal frame can take
 * (arch/x86_64/signal.c's layout), so a handler on an alternate stack of
 * this size is always delivered. */
unsigned long elf_minsigstksz(void);

#endif
