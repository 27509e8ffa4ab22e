/*
 * ktests for the kernel profiler (kernel/profile.c): with sampling on,
 * the timer ticks that interrupt a function that only spins are counted
 * for that function, by name, at the top of /proc/profile's text; a
 * write zeroes the counts; and once stopped, the file is gone. A tick
 * held back by a spinlock taken with interrupts off fires in
 * spin_unlock_irqrestore, and is counted for the function that held the
 * lock.
 *
 * The test turns the profiler on for itself (profile_start), as
 * profile=1 does at boot, and off again unless the boot had it on.
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/profile.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <fs/proc_fs.h>
#include <mm/slab.h>
#include <asm/processor.h>

#define SPIN_TICKS 30

/* Spin, interrupts on, until @ticks ticks pass: every sample taken
 * meanwhile on this CPU lands here. Neither inlined nor cloned, so that
 * the samples carry this very name. */
static __attribute__((noinline, noclone)) void profile_ktest_spin(u64 ticks)
{
	u64 end = READ_ONCE(jiffies) + ticks;
	u64 give_up = ktime_get_ns() + 20 * NSEC_PER_SEC;

	while (READ_ONCE(jiffies) < end) {
		for (volatile int i = 0; i < 10000; i++)
			;
		if (ktime_get_ns() > give_up)
			break;
	}
}

#define IRQOFF_ROUNDS 20

static DEFINE_SPINLOCK(profile_ktest_lock);

/* Hold a spinlock with interrupts off for more than a tick, @rounds
 * times: each time a tick comes due and fires in the unlock. */
static __attribute__((noinline, noclone)) void profile_ktest_irqoff(int rounds)
{
	for (int r = 0; r < rounds; r++) {
		unsigned long flags = spin_lock_irqsave(&profile_ktest_lock);
		u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC / HZ;

		while (ktime_get_ns() < end)
			cpu_relax();
		spin_unlock_irqrestore(&profile_ktest_lock, flags);
	}
}

/* The count of @name in /proc/profile's text @text, or 0 if absent;
 * *@first_kernel gets the busiest entry that is neither <idle> nor <user>. */
static unsigned long profile_count(const char *text, const char *name, char *first_kernel,
				   size_t size)
{
	unsigned long found = 0;

	first_kernel[0] = '\0';
	for (const char *line = text; *line;) {
		const char *sp = strchr(line, ' ');
		const char *nl = strchr(line, '\n');
		unsigned long n = 0;
		size_t len;

		if (!sp || !nl || sp > nl)
			break;
		for (const char *d = line; d < sp; d++)
			n = n * 10 + (unsigned long)(*d - '0');
		len = (size_t)(nl - sp - 1);
		if (!first_kernel[0] && sp[1] != '<' && len < size) {
			memcpy(first_kernel, sp + 1, len);
			first_kernel[len] = '\0';
		}
		if (strlen(name) == len && !memcmp(sp + 1, name, len))
			found = n;
		line = nl + 1;
	}
	return found;
}

KTEST(profile_counts_the_spinning_function)
{
	bool was_on = profile_present();
	char *text = NULL, top[64];
	size_t len;
	unsigned long n;

	KT_ASSERT(!irqs_disabled());
	KT_ASSERT_EQ(profile_start(), 0);
	KT_EXPECT(profile_present());
	profile_ktest_spin(SPIN_TICKS);
	KT_ASSERT_EQ(seq_make_text(profile_show, 0, &text, &len), 0);
	n = profile_count(text, "profile_ktest_spin", top, sizeof(top));
	/* Ticks come late under a loaded host, never early: half is plenty. */
	KT_EXPECT(n >= SPIN_TICKS / 2);
	KT_EXPECT_STREQ(top, "profile_ktest_spin");

	KT_EXPECT_EQ(profile_store("0\n", 2), 0);
	KT_ASSERT_EQ(seq_make_text(profile_show, 0, &text, &len), 0);
	KT_EXPECT_EQ(profile_count(text, "profile_ktest_spin", top, sizeof(top)), 0);

	profile_ktest_irqoff(IRQOFF_ROUNDS);
	KT_ASSERT_EQ(seq_make_text(profile_show, 0, &text, &len), 0);
	n = profile_count(text, "profile_ktest_irqoff", top, sizeof(top));
	KT_EXPECT(n >= IRQOFF_ROUNDS / 2);
	KT_EXPECT(profile_count(text, "spin_unlock_irqrestore", top, sizeof(top)) < n / 4);

	if (!was_on) {
		profile_stop();
		KT_EXPECT(!profile_present());
		KT_EXPECT_EQ(seq_make_text(profile_show, 0, &text, &len), -ENOENT);
	}
	kfree(text);
}
