/*
 * The architecture's part of a new program's aux vector (asm/elf.h):
 * feature words from CPUID and CR4, and the signal stack minimum from the
 * frame layout of arch/x86_64/signal.c. Locks: none; pure reads.
 */
#include <kernel/kernel.h>
#include <asm/elf.h>
#include <asm/processor.h>
#include <asm/sigframe.h>

#define X86_CR4_FSGSBASE        (1UL << 16)
#define HWCAP2_FSGSBASE         (1UL << 1)

unsigned long elf_hwcap(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return d;
}

/*
 * HWCAP2_RING3MWAIT needs a Xeon Phi's MSR, which Faultline never sets;
 * HWCAP2_FSGSBASE says that user space may use RDFSBASE and friends,
 * which is true only if CR4.FSGSBASE is on (Faultline leaves it off, so
 * programs use arch_prctl, as on a Linux older than 5.9).
 */
unsigned long elf_hwcap2(void)
{
	return (read_cr4() & X86_CR4_FSGSBASE) ? HWCAP2_FSGSBASE : 0;
}

/*
 * The frame's size depends on where the alternate stack ends, through the
 * fxsave area's 64-byte and the frame's 16-byte alignment: take the worst
 * of the 64 possible ends (sigframe_fpstate_addr and sigframe_addr are
 * the delivery code's own arithmetic), rounded up to 16 as Linux rounds
 * its value.
 */
unsigned long elf_minsigstksz(void)
{
	unsigned long worst = 0, top = 0x10000;

	for (unsigned long r = 0; r < 64; r++) {
		unsigned long sp = top + r;
		unsigned long frame = sigframe_addr(sigframe_fpstate_addr(sp));

		if (sp - frame > worst)
			worst = sp - frame;
	}
	return ALIGN_UP(worst, 16UL);
}
