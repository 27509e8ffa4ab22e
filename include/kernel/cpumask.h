/*
 * Sets of CPUs.
 *
 * NR_CPUS (asm/percpu.h) is at most 64, so a set is one word. The
 * functions that change a mask shared between CPUs (an mm's cpu mask, the
 * online mask) are atomic; the others are for masks the caller owns or
 * reads as a snapshot.
 */
#ifndef _KERNEL_CPUMASK_H
#define _KERNEL_CPUMASK_H

#include <kernel/compiler.h>
#include <kernel/types.h>
#include <asm/percpu.h>

_Static_assert(NR_CPUS <= 64, "a cpumask is one unsigned long");

struct cpumask {
	unsigned long bits;
};

#define CPUMASK_NONE ((struct cpumask){ .bits = 0 })
/* Every CPU this kernel could run (NR_CPUS of them). */
#define CPUMASK_ALL ((struct cpumask){ .bits = NR_CPUS >= 64 ? ~0UL : (1UL << (NR_CPUS % 64)) - 1 })

static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_or(&m->bits, 1UL << cpu, __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m)
{
	__atomic_fetch_and(&m->bits, ~(1UL << cpu), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(unsigned int cpu, const struct cpumask *m)
{
	return (__atomic_load_n(&m->bits, __ATOMIC_RELAXED) >> cpu) & 1;
}

/* A snapshot of @m, to iterate over or test without it changing. */
static inline struct cpumask cpumask_read(const struct cpumask *m)
{
	return (struct cpumask){ .bits = __atomic_load_n(&m->bits, __ATOMIC_ACQUIRE) };
}

static inline bool cpumask_empty(const struct cpumask *m)
{
	return __atomic_load_n(&m->bits, __ATOMIC_RELAXED) == 0;
}

static inline unsigned int cpumask_weight(const struct cpumask *m)
{
	unsigned long b = __atomic_load_n(&m->bits, __ATOMIC_RELAXED);
	unsigned int n = 0;

	for (; b; b &= b - 1)           /* no libgcc: __builtin_popcountl calls it */
		n++;
	return n;
}

/* Iterate @cpu over a snapshot of @mask taken when the loop starts. */
#define for_each_cpu(cpu, mask)                                                 \
	for (unsigned long __m = cpumask_read(mask).bits;                       \
	     __m && ((cpu) = (unsigned int)__builtin_ctzl(__m), 1);             \
	     __m &= __m - 1)

/* CPUs that have finished bring-up and take interrupts (kernel/smp.c). */
extern struct cpumask cpu_online_mask;

static inline unsigned int num_online_cpus(void)
{
	return cpumask_weight(&cpu_online_mask);
}

#define for_each_online_cpu(cpu) for_each_cpu(cpu, &cpu_online_mask)

#endif
