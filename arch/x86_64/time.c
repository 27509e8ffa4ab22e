/*
 * Time: TSC clock and the periodic tick.
 *
 * The PIT (fixed at 1.193182 MHz) is the only timer whose rate we know, so
 * both the TSC and the local APIC timer are calibrated against it once, over
 * a 10 ms window on PIT channel 2 (which can be polled with interrupts off).
 * ktime_get_ns() then converts TSC cycles to nanoseconds with a fixed-point
 * multiplier, and the APIC timer fires HZ times a second.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <asm/apic.h>
#include <asm/processor.h>
#include <asm/traps.h>

#define PIT_HZ          1193182
#define PIT_CH2         0x42
#define PIT_CMD         0x43
#define PIT_GATE        0x61
#define CALIBRATE_MS    10

volatile u64 jiffies;

static u64 tsc_boot;
static u64 tsc_khz;
static u64 ns_mult;             /* nanoseconds per cycle, 32.32 fixed point */

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

/*
 * Run PIT channel 2 for CALIBRATE_MS and count TSC cycles and APIC timer
 * ticks meanwhile. Channel 2's output (port 0x61 bit 5) goes high when the
 * count reaches zero; its gate (bit 0) starts it.
 */
static void calibrate(u64 *tsc_cycles, u32 *apic_ticks)
{
	u32 latch = PIT_HZ / (1000 / CALIBRATE_MS);
	u64 t0, t1;
	u32 a0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01);    /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                                /* ch2, lo/hi byte, mode 0 */
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	lapic_timer_oneshot(0xffffffff);
	a0 = lapic_timer_current();
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & 0x20))
		cpu_relax();
	t1 = rdtsc();
	*apic_ticks = a0 - lapic_timer_current();
	*tsc_cycles = t1 - t0;
}

static void timer_interrupt(struct pt_regs *regs, void *data)
{
	account_process_tick(current, user_mode(regs));
	timer_tick();
}

void timer_tick(void)
{
	jiffies++;
	scheduler_tick();
}

void time_init(void)
{
	u64 cycles;
	u32 apic_ticks;

	calibrate(&cycles, &apic_ticks);
	tsc_khz = cycles / CALIBRATE_MS;
	if (!tsc_khz || !apic_ticks)
		panic("time: calibration failed (tsc %lu cycles, apic %u ticks)", cycles, apic_ticks);
	ns_mult = (1000000ULL << 32) / tsc_khz;
	tsc_boot = rdtsc();
	irq_set_handler(LOCAL_TIMER_VECTOR, timer_interrupt, NULL, "timer");
	lapic_timer_periodic(LOCAL_TIMER_VECTOR, apic_ticks * (1000 / HZ) / CALIBRATE_MS);
	pr_info("time: TSC %lu.%03lu MHz, APIC timer %u ticks/ms, tick %u Hz\n",
		tsc_khz / 1000, tsc_khz % 1000, apic_ticks / CALIBRATE_MS, HZ);
}
