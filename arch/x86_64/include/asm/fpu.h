/*
 * The FPU/SSE register state of user programs.
 *
 * The kernel itself never touches these registers (-mgeneral-regs-only),
 * so only user state matters: each task has a 512-byte FXSAVE area, saved
 * when the task is switched out and restored when it is switched in
 * ("eager" switching, simple and always right). AVX is not enabled
 * (CR4.OSXSAVE stays clear), so programs see no AVX in CPUID's OSXSAVE bit
 * and use SSE, which FXSAVE covers.
 */
#ifndef _ASM_FPU_H
#define _ASM_FPU_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct fpu_state {
	u8 fxsave[512];
} __aligned(16);

/* Enable SSE (CR0/CR4) and record the clean initial state. */
void fpu_init(void);
/* A new user task starts with FNINIT state and MXCSR = 0x1f80. */
void fpu_state_init(struct fpu_state *st);

static inline void fpu_save(struct fpu_state *st)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*st));
}

static inline void fpu_restore(const struct fpu_state *st)
{
	__asm__ volatile("fxrstor64 %0" :: "m"(*st));
}

#endif
