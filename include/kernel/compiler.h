/* Compiler helpers used across the kernel. */
#ifndef _KERNEL_COMPILER_H
#define _KERNEL_COMPILER_H

#define __used          __attribute__((used))
#define __unused        __attribute__((unused))
#define __section(s)    __attribute__((section(s)))
#define __aligned(n)    __attribute__((aligned(n)))
#define __packed        __attribute__((packed))
#define __noreturn      __attribute__((noreturn))
#define __noinline      __attribute__((noinline))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __weak          __attribute__((weak))

#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

/* Prevent the compiler from caching, merging or tearing one access. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier()        __asm__ __volatile__("" ::: "memory")

/*
 * Memory barriers between CPUs (Documentation/memory-barriers.txt in
 * Linux). x86-64 keeps loads in order with loads and stores with stores,
 * so smp_rmb() and smp_wmb() only stop the compiler; a store followed by
 * a load can pass it, so smp_mb() is a real fence (a locked add to the
 * stack, cheaper than mfence). They cost what they cost even with one
 * CPU: the code is written for SMP.
 */
#define smp_mb()         __asm__ __volatile__("lock; addl $0,-4(%%rsp)" ::: "memory", "cc")
#define smp_rmb()        barrier()
#define smp_wmb()        barrier()

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ALIGN_UP(x, a)      (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)    ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)    (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)  (((n) + (d) - 1) / (d))

#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif
