/*
 * struct pt_regs: the registers saved on the kernel stack at a trap,
 * interrupt (and, later, system call). entry.asm pushes them in exactly
 * this order; boot_defs.inc has the offsets it needs (PT_RIP, PT_CS).
 */
#ifndef _ASM_PTRACE_H
#define _ASM_PTRACE_H

#include <kernel/types.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	unsigned long r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	union {
		unsigned long vector;   /* interrupts and exceptions: pushed by the stub */
		unsigned long orig_rax; /* system calls: the syscall number */
	};
	unsigned long error_code;       /* by the CPU, or 0 by the stub */
	/* pushed by the CPU */
	unsigned long rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

#endif
