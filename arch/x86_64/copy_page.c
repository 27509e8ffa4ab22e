/*
 * Zeroing and copying whole pages: clear_page and copy_page (asm/page.h).
 *
 * Under QEMU's TCG, which runs Faultline in every test and benchmark, a
 * string instruction costs about the same per iteration whatever its
 * width, and `rep stosb`/`rep movsb` iterate once per byte: 4096
 * iterations for a page. An unrolled loop of eight 8-byte moves runs 64
 * iterations of straight-line code that TCG translates once. Measured
 * per 4 KiB page in a user program on Faultline under TCG, on a loaded
 * host (an idle one is about 1.7 times faster: rep stosb 6.5 us there):
 * zeroing with rep stosb 11-12 us, rep stosq 1.4 us, this loop 0.85 us
 * (unrolled to 128 bytes 0.8 us, with SSE stores 1.0 us); copying with
 * rep movsb 12.7 us, rep movsq 1.7-2.5 us, this loop 1.3 us (128 bytes:
 * the same; SSE 2.6 us). On real hardware `rep stosb`/`rep movsb` with
 * ERMS would win; this kernel is tuned for the emulator it is taught
 * and tested on, on every CPU model QEMU offers (arch/x86_64/cpufeature.c:
 * why CPUID's ERMS does not change the choice, as it does Linux's).
 *
 * General-purpose GPR moves only: the kernel does not save the FPU/SSE
 * state around its own code, so it must not touch XMM registers.
 *
 * Locks: none; callers own both pages (no one else may write them).
 */
#include <kernel/kernel.h>
#include <asm/page.h>

void clear_page(void *page)
{
	unsigned long p = (unsigned long)page, end = p + PAGE_SIZE;

	__asm__ volatile("1:\n\t"
			 "movq %[z], 0(%[p])\n\t"
			 "movq %[z], 8(%[p])\n\t"
			 "movq %[z], 16(%[p])\n\t"
			 "movq %[z], 24(%[p])\n\t"
			 "movq %[z], 32(%[p])\n\t"
			 "movq %[z], 40(%[p])\n\t"
			 "movq %[z], 48(%[p])\n\t"
			 "movq %[z], 56(%[p])\n\t"
			 "addq $64, %[p]\n\t"
			 "cmpq %[end], %[p]\n\t"
			 "jb 1b"
			 : [p] "+r"(p)
			 : [end] "r"(end), [z] "r"(0UL)
			 : "memory", "cc");
}

void copy_page(void *to, const void *from)
{
	unsigned long d = (unsigned long)to, s = (unsigned long)from, end = s + PAGE_SIZE;
	unsigned long a, b, c, e;

	/* Four loads, then four stores: the loads of one half do not wait
	 * for the stores of the other. */
	__asm__ volatile("1:\n\t"
			 "movq 0(%[s]), %[a]\n\t"
			 "movq 8(%[s]), %[b]\n\t"
			 "movq 16(%[s]), %[c]\n\t"
			 "movq 24(%[s]), %[e]\n\t"
			 "movq %[a], 0(%[d])\n\t"
			 "movq %[b], 8(%[d])\n\t"
			 "movq %[c], 16(%[d])\n\t"
			 "movq %[e], 24(%[d])\n\t"
			 "movq 32(%[s]), %[a]\n\t"
			 "movq 40(%[s]), %[b]\n\t"
			 "movq 48(%[s]), %[c]\n\t"
			 "movq 56(%[s]), %[e]\n\t"
			 "movq %[a], 32(%[d])\n\t"
			 "movq %[b], 40(%[d])\n\t"
			 "movq %[c], 48(%[d])\n\t"
			 "movq %[e], 56(%[d])\n\t"
			 "addq $64, %[s]\n\t"
			 "addq $64, %[d]\n\t"
			 "cmpq %[end], %[s]\n\t"
			 "jb 1b"
			 : [d] "+r"(d), [s] "+r"(s),
			   [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [e] "=&r"(e)
			 : [end] "r"(end)
			 : "memory", "cc");
}
