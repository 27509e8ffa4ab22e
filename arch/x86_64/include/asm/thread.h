/*
 * The arch part of a task: what the context switch saves besides the
 * callee-saved registers on the kernel stack.
 */
#ifndef _ASM_THREAD_H
#define _ASM_THREAD_H

#include <asm/fpu.h>

struct thread_struct {
	unsigned long rsp;              /* saved kernel stack pointer while switched out */
	unsigned long fsbase;           /* user FS base (TLS; arch_prctl(ARCH_SET_FS)) */
	struct fpu_state fpu;           /* user FPU/SSE registers while switched out */
};

#endif
