/*
 * Time: TSC clock and the periodic tick.
 *
 * The PIT (fixed at 1.193182 MHz) is the only timer whose rate we know, so
 * both the TSC and the local APIC timer are calibrated against it: PIT
 * channel 2 counts down from 0xffff, and two readings of its count ~10 ms
 * apart, each taken together with the TSC and the APIC timer's count, give
 * both rates. ktime_get_ns() then converts TSC cycles to nanoseconds with
 * a fixed-point multiplier, and the APIC timer fires HZ times a second.
 *
 * Under emulation the virtual CPU can be descheduled by the host at any
 * moment, for a host time slice or more, so a reading is bracketed by two
 * TSC reads and only a tight bracket is kept (a pause inside one widens
 * it); the error bound of the whole measurement is the two brackets over
 * the interval, and a measurement worse than 1/CAL_MAX_ERROR is taken
 * again. The first version timed how long the PIT took to expire by
 * polling its output: one host pause before the poll noticed made the TSC
 * seem several times faster than it is, every sleep and tick as many times
 * too long, and a loaded host's test boots ran out of time (the GRUB
 * suite's "hang").
 */
#include <kernel/kernel.h>
#include <kernel/profile.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/watchdog.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/traps.h>

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_GATE        0x61
#define CALIBRATE_MS    10
#define CAL_READS       8               /* tries at a tight reading */
#define CAL_TRIES       10              /* tries at a good measurement */
#define CAL_MAX_ERROR   1000            /* accept an error bound of 0.1% */

volatile u64 jiffies;

static u64 tsc_boot;
static u64 tsc_khz;
static u64 ns_mult;             /* nanoseconds per cycle, 32.32 fixed point */
static u32 apic_tick_count;     /* APIC timer count per tick, the same on every CPU */

u64 ktime_get_ns(void)
{
	if (!ns_mult)
		return 0;
	return (u64)(((unsigned __int128)(rdtsc() - tsc_boot) * ns_mult) >> 32);
}

u64 tsc_khz_get(void)
{
	return tsc_khz;
}

void ktime_get_params(u64 *boot, u64 *mult)
{
	*boot = tsc_boot;
	*mult = ns_mult;
}

void ndelay_busy(u64 ns)
{
	u64 end = ktime_get_ns() + ns;

	while (ktime_get_ns() < end)
		cpu_relax();
}

void mdelay(unsigned int ms)
{
	ndelay_busy((u64)ms * NSEC_PER_MSEC);
}

/* One reading: PIT channel 2's count and the APIC timer's, and the TSC at
 * the middle of the bracket of two TSC reads around them. */
struct cal_reading {
	u64 tsc;
	u64 spread;                     /* the bracket: the reading's uncertainty */
	u16 pit;
	u32 apic;
};

static u16 pit_ch2_count(void)
{
	u16 lo;

	outb(PIT_CMD, 0x80);                            /* latch channel 2's count */
	lo = inb(PIT_CH2);
	return (u16)(lo | inb(PIT_CH2) << 8);
}

/* The tightest of CAL_READS readings. */
static struct cal_reading cal_read(void)
{
	struct cal_reading best = { .spread = ~0ULL };

	for (int i = 0; i < CAL_READS; i++) {
		u64 t1 = rdtsc(), t2;
		u16 pit = pit_ch2_count();
		u32 apic = lapic_timer_current();

		t2 = rdtsc();
		if (t2 - t1 < best.spread)
			best = (struct cal_reading){ t1 + (t2 - t1) / 2, t2 - t1, pit, apic };
	}
	return best;
}

/*
 * One measurement: start channel 2 at 0xffff (mode 0: it counts down and
 * its output, port 0x61 bit 5, goes high at 0), read, let CALIBRATE_MS of
 * PIT ticks pass, read again. Returns the error bound as a fraction
 * 1/return (0: unusable, the count wrapped through 0 during a long pause).
 */
static u64 calibrate_once(u64 *tsc_cycles, u32 *apic_ticks, u32 *pit_ticks)
{
	u32 window = PIT_HZ / (1000 / CALIBRATE_MS);
	struct cal_reading a, b;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);    /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                                /* ch2, lo/hi byte, mode 0 */
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	lapic_timer_oneshot(0xffffffff);
	a = cal_read();
	while ((u16)(a.pit - pit_ch2_count()) < window && !(inb(PIT_GATE) & 0x20))
		cpu_relax();
	b = cal_read();
	if ((inb(PIT_GATE) & 0x20) || b.tsc <= a.tsc)
		return 0;                                   /* reached 0: ticks lost */
	*pit_ticks = (u16)(a.pit - b.pit);
	*tsc_cycles = b.tsc - a.tsc;
	*apic_ticks = a.apic - b.apic;
	return *tsc_cycles / (a.spread + b.spread + 1);
}

/* Rates per millisecond, from the best of up to CAL_TRIES measurements. */
static void calibrate(u64 *tsc_per_ms, u32 *apic_per_ms)
{
	u64 best = 0;

	*tsc_per_ms = 0;
	*apic_per_ms = 0;
	for (int i = 0; i < CAL_TRIES && best < CAL_MAX_ERROR; i++) {
		u64 cycles, quality;
		u32 ticks, pit;

		quality = calibrate_once(&cycles, &ticks, &pit);
		if (quality <= best || !pit)
			continue;
		best = quality;
		*tsc_per_ms = cycles * PIT_HZ / pit / 1000;
		*apic_per_ms = (u32)((u64)ticks * PIT_HZ / pit / 1000);
	}
}

/* Every CPU's tick: its profile sample (profile=1), accounting, slices and
 * watchdog; only CPU 0 advances jiffies (and wakes timed sleepers), so
 * time runs once. */
static void timer_interrupt(struct pt_regs *regs, void *data)
{
	profile_tick(regs);
	account_process_tick(current, user_mode(regs));
	if (smp_processor_id() == 0)
		timer_tick();
	else
		scheduler_tick();
	softlockup_tick(regs);
}

void timer_tick(void)
{
	jiffies++;
	scheduler_tick();
}

void time_init(void)
{
	u32 apic_per_ms;

	calibrate(&tsc_khz, &apic_per_ms);
	if (!tsc_khz || !apic_per_ms)
		panic("time: calibration failed (tsc %lu kHz, apic %u ticks/ms)", tsc_khz, apic_per_ms);
	ns_mult = (1000000ULL << 32) / tsc_khz;
	tsc_boot = rdtsc();
	irq_set_handler(LOCAL_TIMER_VECTOR, timer_interrupt, NULL, "timer");
	apic_tick_count = apic_per_ms * (1000 / HZ);
	lapic_timer_periodic(LOCAL_TIMER_VECTOR, apic_tick_count);
	pr_info("time: TSC %lu.%03lu MHz, APIC timer %u ticks/ms, tick %u Hz\n",
		tsc_khz / 1000, tsc_khz % 1000, apic_per_ms, HZ);
}

/* Another CPU's tick: its APIC timer runs at the boot CPU's calibrated
 * rate (one bus clock for all of them). */
void time_init_secondary(void)
{
	lapic_timer_periodic(LOCAL_TIMER_VECTOR, apic_tick_count);
}
