/*
 * The ktest runner (see include/kernel/ktest.h).
 *
 * Tests run one after another on the boot CPU, with interrupts enabled:
 * files in link order (the Makefile's source lists), and within a file in
 * source order, which is how a student reads them. (The compiler emits a
 * file's descriptors in no promised order, so the runner sorts.) A test that crashes the kernel still ends the run with a
 * panic the host harness reports; a failed expectation does not stop the
 * run: every test gets its line.
 */
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <mm/slab.h>

#include <kernel/sections.h>

void kt_fail(struct kt *t, const char *file, int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_printf("# %s:%d: %s\n", file, line, msg);
	t->failures++;
}

/*
 * Is @kt chosen by @prefixes, a comma-separated list of name prefixes
 * ("" chooses every test)? "ktest=mm_cow_,pgtable_lookup" runs the tests
 * whose names start with either (make grade uses this to run one lab's).
 * A manual test (KTEST_MANUAL) is chosen only by its whole name.
 */
static bool selected(const struct ktest *kt, const char *prefixes)
{
	const char *p = prefixes;

	if (!*p)
		return !kt->manual;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len > 0 && strncmp(kt->name, p, len) == 0 &&
		    (!kt->manual || kt->name[len] == '\0'))
			return true;
		if (!comma)
			return false;
		p = comma + 1;
	}
}

static __noinline bool ktest_run_one(const struct ktest *kt, unsigned int n)
{
	struct kt t = { .name = kt->name, .failures = 0 };

	kt->fn(&t);
	console_printf("%s %u - %s\n", t.failures ? "not ok" : "ok", n, kt->name);
	return t.failures == 0;
}

/* Position of the first test from the same file as @kt, in link order. */
static unsigned long file_rank(const struct ktest *kt)
{
	for (const struct ktest *k = __start_ktests; k < __stop_ktests; k++)
		if (strcmp(k->file, kt->file) == 0)
			return (unsigned long)(k - __start_ktests);
	return 0;
}

static bool runs_before(const struct ktest *a, const struct ktest *b)
{
	unsigned long ra = file_rank(a), rb = file_rank(b);

	return ra != rb ? ra < rb : a->line < b->line;
}

unsigned int ktest_run_all(const char *prefix)
{
	unsigned int total = 0, passed = 0, failed = 0;
	const struct ktest **order;

	for (const struct ktest *kt = __start_ktests; kt < __stop_ktests; kt++)
		if (selected(kt, prefix))
			total++;
	order = kmalloc(sizeof(*order) * (total ? total : 1), GFP_KERNEL);
	if (!order)
		panic("no memory for the test list");
	total = 0;
	for (const struct ktest *kt = __start_ktests; kt < __stop_ktests; kt++) {
		unsigned int i;

		if (!selected(kt, prefix))
			continue;
		/* Insertion sort: a few hundred tests at most. */
		for (i = total++; i > 0 && runs_before(kt, order[i - 1]); i--)
			order[i] = order[i - 1];
		order[i] = kt;
	}
	pr_info("ktest: running %u tests%s%s\n", total, *prefix ? " matching " : "", prefix);
	console_printf("1..%u\n", total);
	for (unsigned int i = 0; i < total; i++) {
		if (ktest_run_one(order[i], i + 1))
			passed++;
		else
			failed++;
	}
	kfree(order);
	console_printf("%u passed, %u failed\n", passed, failed);
	return failed;
}
