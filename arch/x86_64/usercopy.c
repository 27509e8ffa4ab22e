/*
 * Copying between the kernel and user memory.
 *
 * Each copy is a `rep movsq` (or `rep stosq`) for the 8-byte words, then
 * a `rep movsb` (`rep stosb`) for the odd bytes, both registered in the
 * exception table. Under QEMU's TCG a string instruction costs about the
 * same per iteration whatever its width, so eight bytes at a time is
 * nearly eight times faster than one (arch/x86_64/copy_page.c has the
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
#include <asm/processor.h>
#include <asm/uaccess.h>

static inline void stac(void)
{
	if (read_cr4() & X86_CR4_SMAP)
		__asm__ volatile("stac" ::: "memory");
}

static inline void clac(void)
{
	if (read_cr4() & X86_CR4_SMAP)
		__asm__ volatile("clac" ::: "memory");
}

static unsigned long raw_copy(void *to, const void *from, unsigned long n)
{
	unsigned long tail = n & 7;

	n >>= 3;
	stac();
	__asm__ volatile("1: rep movsq\n"
			 "   movq %[tail], %%rcx\n"
			 "2: rep movsb\n"
			 "3:\n"
			 ".pushsection .fixup, \"ax\"\n"
			 "4: leaq (%[tail], %%rcx, 8), %%rcx\n"
			 "   jmp 2b\n"
			 ".popsection\n"
			 _ASM_EXTABLE(1b, 4b)
			 _ASM_EXTABLE(2b, 3b)
			 : "+D"(to), "+S"(from), "+c"(n) : [tail] "r"(tail) : "memory");
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
