/*
 * Time: the periodic tick (jiffies, HZ per second, driven by the local
 * APIC timer) and a nanosecond clock read from the TSC (ktime_get_ns).
 * Both are calibrated at boot against the PIT.
 */
#ifndef _KERNEL_TIME_H
#define _KERNEL_TIME_H

#include <kernel/types.h>

#define HZ 100
/* Clock ticks as user space counts them (times(), AT_CLKTCK): Linux's
 * USER_HZ, 100 whatever the kernel's HZ. */
#define USER_HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_TICK (NSEC_PER_SEC / HZ)

extern volatile u64 jiffies;

/* The user ABI's time structures (Linux x86-64 layout). */
struct timespec {
	long tv_sec;
	long tv_nsec;
};

struct timeval {
	long tv_sec;
	long tv_usec;
};

static inline struct timespec ns_to_timespec(u64 ns)
{
	return (struct timespec){ (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
}

static inline bool timespec_valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && (u64)ts->tv_nsec < NSEC_PER_SEC;
}

/* A valid timespec in nanoseconds, saturating instead of overflowing. */
static inline u64 timespec_to_ns(const struct timespec *ts)
{
	if ((u64)ts->tv_sec >= ~0ULL / NSEC_PER_SEC - 1)
		return ~0ULL;
	return (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

/* Nanoseconds since boot, monotonic. Any context. */
u64 ktime_get_ns(void);
/* Busy-wait (for drivers and early boot; sleeping waits come with the scheduler). */
void ndelay_busy(u64 ns);
void mdelay(unsigned int ms);
u64 tsc_khz_get(void);
/* ktime_get_ns()'s parameters, for the vDSO (asm/vdso.h), which computes
 * the same clock in user mode: ns = (TSC - *tsc_boot) * *ns_mult >> 32.
 * *ns_mult is 0 until the TSC is calibrated. */
void ktime_get_params(u64 *tsc_boot, u64 *ns_mult);

void time_init(void);           /* calibrate TSC, start the tick */
void timer_tick(void);          /* called from the timer interrupt */

#endif
