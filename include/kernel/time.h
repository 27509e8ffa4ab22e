/*
 * Time: the periodic tick (jiffies, HZ per second, driven by the local
 * APIC timer) and a nanosecond clock read from the TSC (ktime_get_ns).
 * Both are calibrated at boot against the PIT.
 */
#ifndef _KERNEL_TIME_H
#define _KERNEL_TIME_H

#include <kernel/types.h>

#define HZ 100
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

extern volatile u64 jiffies;

/* Nanoseconds since boot, monotonic. Any context. */
u64 ktime_get_ns(void);
/* Busy-wait (for drivers and early boot; sleeping waits come with the scheduler). */
void ndelay_busy(u64 ns);
void mdelay(unsigned int ms);
u64 tsc_khz_get(void);

void time_init(void);           /* calibrate TSC, start the tick */
void timer_tick(void);          /* called from the timer interrupt */

#endif
