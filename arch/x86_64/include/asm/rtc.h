/* The CMOS real-time clock: the wall-clock time at boot. */
#ifndef _ASM_RTC_H
#define _ASM_RTC_H

#include <kernel/types.h>

/* Read the RTC once (at boot). */
void rtc_init(void);
/* Seconds since 1970-01-01 UTC when rtc_init ran, minus the uptime then:
 * the wall clock is rtc_boot_epoch() + ktime_get_ns() / 1e9. */
u64 rtc_boot_epoch(void);

#endif
