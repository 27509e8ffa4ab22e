/*
 * The CMOS real-time clock (MC146818 on ports 0x70/0x71), read once at
 * boot for the wall-clock time. QEMU keeps it in UTC. Values may be BCD
 * (status register B bit 2 clear) and the hour 12-hour (bit 1 clear).
 */
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <asm/processor.h>
#include <asm/rtc.h>

#define CMOS_ADDR 0x70
#define CMOS_DATA 0x71

static u64 boot_epoch;

static u8 cmos_read(u8 reg)
{
	outb(CMOS_ADDR, reg);
	return inb(CMOS_DATA);
}

static unsigned int bcd(u8 v, bool binary)
{
	return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to @y-@m-@d (proleptic Gregorian). */
static u64 days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
	/* Shift the year to start in March, so February's leap day is last. */
	if (m <= 2) {
		y--;
		m += 12;
	}
	return 365ULL * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d - 719469;
}

void rtc_init(void)
{
	u8 sec, min, hour, day, mon, year, regb;
	bool binary, h24;
	unsigned int h;

	/* Wait out an update in progress, then read. */
	while (cmos_read(0x0a) & 0x80)
		cpu_relax();
	sec = cmos_read(0x00);
	min = cmos_read(0x02);
	hour = cmos_read(0x04);
	day = cmos_read(0x07);
	mon = cmos_read(0x08);
	year = cmos_read(0x09);
	regb = cmos_read(0x0b);
	binary = regb & 0x04;
	h24 = regb & 0x02;
	h = bcd(hour & 0x7f, binary);
	if (!h24)
		h = (h % 12) + ((hour & 0x80) ? 12 : 0);        /* 12 AM is 0, PM adds 12 */
	boot_epoch = days_since_epoch(2000 + bcd(year, binary), bcd(mon, binary),
				      bcd(day, binary)) * 86400 +
		     h * 3600 + bcd(min, binary) * 60 + bcd(sec, binary);
	boot_epoch -= ktime_get_ns() / NSEC_PER_SEC;
	pr_info("rtc: wall clock %lu s since the epoch\n", boot_epoch);
}

u64 rtc_boot_epoch(void)
{
	return boot_epoch;
}
