/*
 * ktests for the kernel library: command-line parsing, symbol lookup,
 * snprintf, string functions (and page zeroing and copying) and spinlocks.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ksyms.h>
#include <kernel/ktest.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <asm/page.h>
#include <asm/processor.h>

static struct cmdline cl;

KTEST(cmdline_flags_and_values)
{
	cmdline_parse(&cl, "  ktest quiet init=/bin/sh   fault_delay=50 ");
	KT_EXPECT_EQ(cl.nr, 4);
	KT_EXPECT(cmdline_has(&cl, "ktest"));
	KT_EXPECT(cmdline_has(&cl, "quiet"));
	KT_EXPECT(cmdline_get(&cl, "ktest") == NULL);
	KT_EXPECT_STREQ(cmdline_get(&cl, "init"), "/bin/sh");
	KT_EXPECT_EQ(cmdline_get_ulong(&cl, "fault_delay", 0), 50);
	KT_EXPECT(!cmdline_has(&cl, "ktes"));   /* whole words only */
	KT_EXPECT(!cmdline_has(&cl, "nope"));
}

KTEST(cmdline_quotes_and_equals)
{
	cmdline_parse(&cl, "init=\"/bin/sh -x\" a=b=c empty= \"quoted flag\"");
	KT_EXPECT_STREQ(cmdline_get(&cl, "init"), "/bin/sh -x");
	KT_EXPECT_STREQ(cmdline_get(&cl, "a"), "b=c");
	KT_EXPECT_STREQ(cmdline_get(&cl, "empty"), "");
	KT_EXPECT(cmdline_has(&cl, "quoted flag"));
}

KTEST(cmdline_last_wins_and_numbers)
{
	cmdline_parse(&cl, "x=1 x=2 hex=0x10 bad=12abc");
	KT_EXPECT_STREQ(cmdline_get(&cl, "x"), "2");
	KT_EXPECT_EQ(cmdline_get_ulong(&cl, "hex", 0), 16);
	KT_EXPECT_EQ(cmdline_get_ulong(&cl, "bad", 77), 77);
	KT_EXPECT_EQ(cmdline_get_ulong(&cl, "missing", 5), 5);
	cmdline_parse(&cl, "");
	KT_EXPECT_EQ(cl.nr, 0);
}

KTEST(cmdline_overflow_is_truncated)
{
	static char big[2048];

	for (unsigned int i = 0; i < sizeof(big) - 1; i++)
		big[i] = (i % 3 == 2) ? ' ' : 'a';
	cmdline_parse(&cl, big);
	KT_EXPECT(cl.truncated);
	KT_EXPECT(cl.nr <= CMDLINE_MAX_ARGS);
}

static __noinline int ksyms_test_static_function(int x)
{
	return x * 3 + 1;
}

KTEST(ksyms_lookup)
{
	unsigned long off, size;
	const char *name = ksym_lookup((unsigned long)kmain + 3, &off, &size);
	char buf[96];

	KT_EXPECT_STREQ(name, "kmain");
	KT_EXPECT_EQ(off, 3);
	KT_EXPECT(size > 3);
	KT_EXPECT_EQ(ksym_address("kmain"), (unsigned long)kmain);
	name = ksym_lookup((unsigned long)ksyms_test_static_function, &off, NULL);
	KT_EXPECT_STREQ(name, "ksyms_test_static_function");
	KT_EXPECT_EQ(off, 0);
	KT_EXPECT(ksym_lookup(0x1000, NULL, NULL) == NULL);
	ksym_format((unsigned long)kmain + 0x10, buf, sizeof(buf));
	KT_EXPECT(str_starts_with(buf, "kmain+0x10/0x"));
	snprintf(buf, sizeof(buf), "%pS", (void *)((unsigned long)kmain + 1));
	KT_EXPECT(str_starts_with(buf, "kmain+0x1/"));
	KT_EXPECT_EQ(ksyms_test_static_function(1), 4);
}

KTEST(snprintf_formats)
{
	char b[64];

	snprintf(b, sizeof(b), "%d %i %u", -42, 7, 4000000000u);
	KT_EXPECT_STREQ(b, "-42 7 4000000000");
	snprintf(b, sizeof(b), "%x %X %#x %o %#o", 0xbeef, 0xbeef, 255, 8, 8);
	KT_EXPECT_STREQ(b, "beef BEEF 0xff 10 010");
	snprintf(b, sizeof(b), "[%5d|%-5d|%05d|%+d|% d]", 42, 42, 42, 42, 42);
	KT_EXPECT_STREQ(b, "[   42|42   |00042|+42| 42]");
	snprintf(b, sizeof(b), "%ld %lu %llx %zu", -1L, ~0UL, 0x123456789abcULL, (size_t)99);
	KT_EXPECT_STREQ(b, "-1 18446744073709551615 123456789abc 99");
	snprintf(b, sizeof(b), "%s|%.3s|%6s|%-6s|%c%%", "abc", "abcdef", "ab", "ab", 'z');
	KT_EXPECT_STREQ(b, "abc|abc|    ab|ab    |z%");
	snprintf(b, sizeof(b), "%p", (void *)0x1234);
	KT_EXPECT_STREQ(b, "0x0000000000001234");
	const char *volatile null_str = NULL;   /* hidden from the format checker */

	snprintf(b, sizeof(b), "%hhd %hd %s", 300, 70000, null_str);
	KT_EXPECT_STREQ(b, "44 4464 (null)");
	snprintf(b, sizeof(b), "%*d|%.*d", 4, 1, 3, 5);
	KT_EXPECT_STREQ(b, "   1|005");
}

KTEST(snprintf_truncates)
{
	char b[8];
	int n = snprintf(b, sizeof(b), "0123456789");

	KT_EXPECT_EQ(n, 10);                    /* the length it would have had */
	KT_EXPECT_STREQ(b, "0123456");
	KT_EXPECT_EQ(snprintf(NULL, 0, "%d", 12345), 5);
}

KTEST(string_functions)
{
	char buf[16] = "abcdefgh";
	unsigned long long v;

	memmove(buf + 2, buf, 6);               /* overlapping, forwards */
	KT_EXPECT(memcmp(buf, "ababcdef", 8) == 0);
	memmove(buf, buf + 2, 6);               /* overlapping, backwards */
	KT_EXPECT(memcmp(buf, "abcdefef", 8) == 0);
	KT_EXPECT_EQ(strlcpy(buf, "hello, world", 6), 12);
	KT_EXPECT_STREQ(buf, "hello");
	KT_EXPECT(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("x", "x") == 0);
	KT_EXPECT(strncmp("abcdef", "abcxyz", 3) == 0);
	KT_EXPECT_STREQ(strrchr("a/b/c", '/'), "/c");
	KT_EXPECT(kstrtoull("18446744073709551615", 10, &v) == 0 && v == ~0ULL);
	KT_EXPECT_EQ(kstrtoull("18446744073709551616", 10, &v), -EINVAL);
	KT_EXPECT_EQ(kstrtoull("", 0, &v), -EINVAL);
	KT_EXPECT(kstrtoull("0755", 0, &v) == 0 && v == 0755);
}

/*
 * memset and memcpy move eight bytes at a time and then the odd ones:
 * every length from 0 to 70 at every alignment of 0 to 7 must touch
 * exactly its bytes. clear_page and copy_page (asm/page.h) move whole
 * pages with unrolled loops: exactly one page, every byte.
 */
KTEST(string_widths_and_page_copies)
{
	static u8 a[96], b[96];
	struct page *p = alloc_pages(GFP_KERNEL, 1), *q = alloc_pages(GFP_KERNEL, 1);
	u8 *pp, *qq;
	bool ok = true;

	for (unsigned int off = 0; off < 8; off++) {
		for (unsigned int n = 0; n <= 70; n++) {
			memset(a, 0xee, sizeof(a));
			for (unsigned int i = 0; i < sizeof(b); i++)
				b[i] = (u8)(i * 7 + 1);
			memset(a + off, 0x5a, n);
			for (unsigned int i = 0; i < sizeof(a); i++)
				ok &= a[i] == (i >= off && i < off + n ? 0x5a : 0xee);
			memcpy(a + off, b + (7 - off), n);
			for (unsigned int i = 0; i < sizeof(a); i++)
				ok &= a[i] == (i >= off && i < off + n ? b[i - off + 7 - off] : 0xee);
		}
	}
	KT_EXPECT(ok);
	KT_ASSERT(p && q);
	pp = page_address(p);
	qq = page_address(q);
	memset(pp, 0xaa, 2 * PAGE_SIZE);
	for (unsigned int i = 0; i < 2 * PAGE_SIZE; i++)
		qq[i] = (u8)(i * 13 + i / 256);
	clear_page(pp);
	KT_EXPECT(memchr_inv(pp, 0, PAGE_SIZE) == NULL);
	KT_EXPECT(pp[PAGE_SIZE] == 0xaa && memchr_inv(pp + PAGE_SIZE, 0xaa, PAGE_SIZE) == NULL);
	copy_page(pp, qq + PAGE_SIZE);
	KT_EXPECT(memcmp(pp, qq + PAGE_SIZE, PAGE_SIZE) == 0);
	KT_EXPECT(memchr_inv(pp + PAGE_SIZE, 0xaa, PAGE_SIZE) == NULL);
	__free_pages(p, 1);
	__free_pages(q, 1);
}

KTEST(spinlock_irqsave_and_ownership)
{
	DEFINE_SPINLOCK(lock);
	unsigned long flags;
	int depth = preempt_count();

	KT_EXPECT(!irqs_disabled());
	flags = spin_lock_irqsave(&lock);
	KT_EXPECT(irqs_disabled());
	KT_EXPECT(spin_is_held(&lock));
	KT_EXPECT_EQ(preempt_count(), depth + 1);
	KT_EXPECT(!spin_trylock(&lock));        /* held: trylock must fail */
	spin_unlock_irqrestore(&lock, flags);
	KT_EXPECT(!irqs_disabled());
	KT_EXPECT(!spin_is_held(&lock));
	KT_EXPECT_EQ(preempt_count(), depth);
	KT_EXPECT(spin_trylock(&lock));
	spin_unlock(&lock);
}
