/*
 * ktests for time: the tick advances (interrupts are delivered) and the
 * TSC clock is monotonic. No test asserts a speed: under emulation the
 * tick may come late, so the only bound is a generous give-up time.
 */
#include <kernel/ktest.h>
#include <kernel/time.h>
#include <asm/processor.h>

KTEST(time_tick_advances)
{
	u64 start = jiffies;
	u64 give_up = ktime_get_ns() + 10 * NSEC_PER_SEC;

	KT_ASSERT(!irqs_disabled());
	while (jiffies < start + 3 && ktime_get_ns() < give_up)
		halt();                         /* wake on the next interrupt */
	KT_EXPECT(jiffies >= start + 3);
}

KTEST(time_ktime_monotonic)
{
	u64 prev = ktime_get_ns();
	bool monotonic = true;
	u64 t0;

	for (int i = 0; i < 1000; i++) {
		u64 now = ktime_get_ns();

		if (now < prev)
			monotonic = false;
		prev = now;
	}
	KT_EXPECT(monotonic);
	KT_EXPECT(tsc_khz_get() > 0);
	t0 = ktime_get_ns();
	mdelay(2);
	KT_EXPECT(ktime_get_ns() - t0 >= 2 * NSEC_PER_MSEC);
}
