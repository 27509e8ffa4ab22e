/*
 * Copying between the kernel and user memory.
 *
 * Each copy moves 64-byte blocks with an unrolled loop (raw_copy), then
 * the rest with a `rep movsq` (or, for clear_user, `rep stosq`) for the
 * 8-byte words and a `rep movsb` (`rep stosb`) for the odd bytes, all
 * registered in the exception table. Under QEMU's TCG a string
 * instruction costs about the same per iteration whatever its width, so
 * eight bytes at a time is nearly eight times faster than one, and
 * straight-line moves are faster still (arch/x86_64/copy_page.c has the
 * figures). A fault in the word loop resumes in the byte loop with the
 * bytes left (RCX * 8 + the odd ones): it copies up to the very byte that
 * faults, faults again, and the fixup resumes after it with RCX holding
 * the bytes left, which is what these functions return, exact to the
 * byte as Linux's. SMAP is lifted (stac) around the instructions only.
 *
 * (With the user-space fault path, a fault here first tries to fault the
 * page in, and only a real failure reaches the fixup.)
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/uaccess.h>

/* SMAP is on exactly when the CPU has it (cpu.c), so the boot-time
 * feature word says whether to lift it, without a CR4 read per copy. */
static inline void stac(void)
{
	if (boot_cpu_has(X86_FEATURE_SMAP))
		__asm__ volatile("stac" ::: "memory");
}

static inline void clac(void)
{
	if (boot_cpu_has(X86_FEATURE_SMAP))
		__asm__ volatile("clac" ::: "memory");
}

/*
 * 64-byte blocks of eight loads and stores, then the rest by words and
 * bytes. Under TCG the unrolled block is the fastest way to move a page
 * (copy_page.c: 1.3 us a page, `rep movsq` 1.7-2.5 us); read() and
 * write() copy whole pages. A fault inside a block restarts that block
 * in the byte loop (the pointers advance only at the block's end, and
 * copying a byte twice is harmless), which then stops at the very byte
 * that faults, as before.
 */
static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	unsigned long blocks = n >> 6, rest = n & 63, tail = n & 7;
	unsigned long a, b, c, d;

	stac();
	__asm__ volatile("   testq %[blocks], %[blocks]\n"
			 "   jz 5f\n"
			 "10: movq 0(%%rsi), %[a]\n"
			 "11: movq 8(%%rsi), %[b]\n"
			 "12: movq 16(%%rsi), %[c]\n"
			 "13: movq 24(%%rsi), %[d]\n"
			 "14: movq %[a], 0(%%rdi)\n"
			 "15: movq %[b], 8(%%rdi)\n"
			 "16: movq %[c], 16(%%rdi)\n"
			 "17: movq %[d], 24(%%rdi)\n"
			 "18: movq 32(%%rsi), %[a]\n"
			 "19: movq 40(%%rsi), %[b]\n"
			 "20: movq 48(%%rsi), %[c]\n"
			 "21: movq 56(%%rsi), %[d]\n"
			 "22: movq %[a], 32(%%rdi)\n"
			 "23: movq %[b], 40(%%rdi)\n"
			 "24: movq %[c], 48(%%rdi)\n"
			 "25: movq %[d], 56(%%rdi)\n"
			 "   addq $64, %%rsi\n"
			 "   addq $64, %%rdi\n"
			 "   decq %[blocks]\n"
			 "   jnz 10b\n"
			 "5: movq %[rest], %%rcx\n"
			 "   shrq $3, %%rcx\n"
			 "1: rep movsq\n"
			 "   movq %[tail], %%rcx\n"
			 "2: rep movsb\n"
			 "3:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "4: leaq (%[tail], %%rcx, 8), %%rcx\n"
			 "   jmp 2b\n"
			 "6: shlq $6, %[blocks]\n"
			 "   leaq (%[blocks], %[rest]), %%rcx\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 _ASM_EXTABLE(1b, 4b)
			 _ASM_EXTABLE(2b, 3b)
			 _ASM_EXTABLE(10b, 6b)
			 _ASM_EXTABLE(11b, 6b)
			 _ASM_EXTABLE(12b, 6b)
			 _ASM_EXTABLE(13b, 6b)
			 _ASM_EXTABLE(14b, 6b)
			 _ASM_EXTABLE(15b, 6b)
			 _ASM_EXTABLE(16b, 6b)
			 _ASM_EXTABLE(17b, 6b)
			 _ASM_EXTABLE(18b, 6b)
			 _ASM_EXTABLE(19b, 6b)
			 _ASM_EXTABLE(20b, 6b)
			 _ASM_EXTABLE(21b, 6b)
			 _ASM_EXTABLE(22b, 6b)
			 _ASM_EXTABLE(23b, 6b)
			 _ASM_EXTABLE(24b, 6b)
			 _ASM_EXTABLE(25b, 6b)
			 : "+D"(to), "+S"(from), "=&c"(n), [blocks] "+r"(blocks),
			   [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d)
			 : [rest] "r"(rest), [tail] "r"(tail)
			 : "memory", "cc");
	clac();
	return n;
}

unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
{
	unsigned long left;

	if (!access_ok(from, n))
		return n;
	left = raw_copy(to, from, n);
	if (left)       /* never hand back stale kernel bytes after a fault */
		__builtin_memset((char *)to + (n - left), 0, left);
	return left;
}

unsigned long copy_from_user_nofill(void *to, const void __user *from, unsigned long n)
{
	if (!access_ok(from, n))
		return n;
	return raw_copy(to, from, n);
}

unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return raw_copy(to, from, n);
}

unsigned long clear_user(void __user *to, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	unsigned long tail = n & 7;

	n >>= 3;
	stac();
	/* As raw_copy: a fault in the word loop finishes in the byte loop. */
	__asm__ volatile("1: rep stosq\n"
			 "   movq %[tail], %%rcx\n"
			 "2: rep stosb\n"
			 "3:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "4: leaq (%[tail], %%rcx, 8), %%rcx\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 _ASM_EXTABLE(1b, 4b)
			 _ASM_EXTABLE(2b, 3b)
			 : "+D"(to), "+c"(n) : "a"(0UL), [tail] "r"(tail) : "memory");
	clac();
	return n;
}

long strncpy_from_user(char *dst, const char __user *src, long max)
{
	for (long i = 0; i < max; i++) {
		if (copy_from_user(&dst[i], src + i, 1))
			return -EFAULT;
		if (!dst[i])
			return i;
	}
	return -ENAMETOOLONG;
}

int futex_atomic_cmpxchg_user(u32 *found, u32 __user *uaddr, u32 old, u32 new)
{
	int err = -EFAULT;
	u32 cur = old;

	if (!access_ok(uaddr, sizeof(u32)))
		return -EFAULT;
	stac();
	/* A fault skips the store of 0 to err: the fixup resumes at 2. */
	__asm__ volatile("1: lock cmpxchgl %[new], %[mem]\n"
			 "   movl $0, %[err]\n"
			 "2:\n"
			 _ASM_EXTABLE(1b, 2b)
			 : [err] "+r"(err), "+a"(cur), [mem] "+m"(*(u32 *)uaddr)
			 : [new] "r"(new) : "memory");
	clac();
	*found = cur;
	return err;
}
