/*
 * Accesses that may fault and must not oops: each one is a single
 * instruction registered in the exception table (asm/extable.h). On a
 * fault the fixup sets the result to -EFAULT and skips the access.
 *
 * get_kernel_nofault(val, ptr) / put_kernel_nofault(ptr, val): one
 * naturally aligned 1/2/4/8-byte access; they return 0 or -EFAULT. The
 * user-space variants (copy_from_user, ...) are built on the same pattern.
 */
#ifndef _ASM_UACCESS_H
#define _ASM_UACCESS_H

#include <kernel/errno.h>
#include <asm/extable.h>
#include <asm/page.h>

#define __get_nofault_asm(val, ptr, err, sfx)                           \
	__asm__ volatile("1:  mov" sfx " %2, %1\n"                      \
			 "2:\n"                                         \
			 ".pushsection .fixup, \"ax\"\n"                \
			 "3:  mov %3, %0\n"                             \
			 "    xor %1, %1\n"                             \
			 "    jmp 2b\n"                                 \
			 ".popsection\n"                                \
			 _ASM_EXTABLE(1b, 3b)                           \
			 : "+r"(err), "=r"(val)                         \
			 : "m"(*(ptr)), "i"(-EFAULT))

#define __put_nofault_asm(val, ptr, err, sfx)                           \
	__asm__ volatile("1:  mov" sfx " %1, %2\n"                      \
			 "2:\n"                                         \
			 ".pushsection .fixup, \"ax\"\n"                \
			 "3:  mov %3, %0\n"                             \
			 "    jmp 2b\n"                                 \
			 ".popsection\n"                                \
			 _ASM_EXTABLE(1b, 3b)                           \
			 : "+r"(err)                                    \
			 : "r"(val), "m"(*(ptr)), "i"(-EFAULT)          \
			 : "memory")

/* Read *ptr into val; 0 on success, -EFAULT if the access faulted. */
#define get_kernel_nofault(val, ptr) ({                                 \
	int __err = 0;                                                  \
	__typeof__(*(ptr)) __v;                                         \
	switch (sizeof(*(ptr))) {                                       \
	case 1: __get_nofault_asm(__v, (ptr), __err, "b"); break;       \
	case 2: __get_nofault_asm(__v, (ptr), __err, "w"); break;       \
	case 4: __get_nofault_asm(__v, (ptr), __err, "l"); break;       \
	case 8: __get_nofault_asm(__v, (ptr), __err, "q"); break;       \
	}                                                               \
	(val) = __v;                                                    \
	__err;                                                          \
})

/* Write val to *ptr; 0 on success, -EFAULT if the access faulted. */
#define put_kernel_nofault(ptr, val) ({                                 \
	int __err = 0;                                                  \
	__typeof__(*(ptr)) __v = (val);                                 \
	switch (sizeof(*(ptr))) {                                       \
	case 1: __put_nofault_asm(__v, (ptr), __err, "b"); break;       \
	case 2: __put_nofault_asm(__v, (ptr), __err, "w"); break;       \
	case 4: __put_nofault_asm(__v, (ptr), __err, "l"); break;       \
	case 8: __put_nofault_asm(__v, (ptr), __err, "q"); break;       \
	}                                                               \
	__err;                                                          \
})

/* ---- user memory ------------------------------------------------------- */

#define __user          /* marks a pointer into user space (documentation) */

/* Is [@p, @p + @n) entirely in the user half? (Whether it is mapped is
 * found out by the access itself.) */
static inline bool access_ok(const void __user *p, unsigned long n)
{
	unsigned long a = (unsigned long)p;

	return n <= USER_TOP && a <= USER_TOP - n;
}

/*
 * Copy to or from user memory. Return the number of bytes NOT copied (0 on
 * success), as Linux's do: a fault part-way stops the copy there. The
 * access runs with SMAP lifted (stac ... clac) and nowhere else, so a stray
 * kernel dereference of a user pointer faults.
 */
unsigned long copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long copy_to_user(void __user *to, const void *from, unsigned long n);
/* copy_from_user without zero-filling what a fault left uncopied: for a
 * destination that holds data of its own (a page-cache page). */
unsigned long copy_from_user_nofill(void *to, const void __user *from, unsigned long n);
unsigned long clear_user(void __user *to, unsigned long n);
/* One atomic compare-and-exchange of a user word (robust futexes): if
 * *@uaddr == @old, store @new. *@found gets the value seen (== @old on
 * success). Returns 0 or -EFAULT (a fault the fault path could not
 * resolve, or one under pagefault_disable()). */
int futex_atomic_cmpxchg_user(u32 *found, u32 __user *uaddr, u32 old, u32 new);
/* Copy a NUL-terminated string of at most @max bytes (with the NUL).
 * Returns its length, -EFAULT, or -ENAMETOOLONG if no NUL within @max. */
long strncpy_from_user(char *dst, const char __user *src, long max);

#endif
