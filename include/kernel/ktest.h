/*
 * ktest: in-kernel unit tests.
 *
 * A test is a function declared with KTEST(name) anywhere in the kernel; the
 * macro puts a descriptor into the .ktests linker section, so the runner
 * finds every test without a hand-kept list. With "ktest" on the command
 * line the kernel runs them all at boot (or "ktest=PREFIX[,PREFIX...]": only
 * the tests whose names start with one of the PREFIXes), prints TAP:
 *
 *     1..N
 *     ok 1 - pmm_alloc_free
 *     # mm/page_alloc_ktest.c:40: expected nr_free == before (12 vs 13)
 *     not ok 2 - pmm_coalesce
 *     N passed, M failed
 *
 * and powers off with a status the host harness reads (tests/run.py).
 *
 * Inside a test, KT_EXPECT*() records a failure and goes on; KT_ASSERT*()
 * records it and returns from the test (use it when continuing would crash).
 */
#ifndef _KERNEL_KTEST_H
#define _KERNEL_KTEST_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct kt {
	const char *name;
	unsigned int failures;
};

struct ktest {
	const char *name;
	void (*fn)(struct kt *t);
	const char *file;               /* tests run by file (link order), then line */
	int line;
	bool manual;                    /* runs only when ktest= names it in full */
};

#define __KTEST(tname, is_manual)                                       \
	static void ktest_##tname(struct kt *t);                        \
	static const struct ktest __ktest_desc_##tname                  \
		__used __section(".ktests") __aligned(8) = {            \
		.name = #tname, .fn = ktest_##tname,                    \
		.file = __FILE__, .line = __LINE__,                     \
		.manual = is_manual,                                    \
	};                                                              \
	static __noinline void ktest_##tname(struct kt *t)

#define KTEST(tname) __KTEST(tname, false)
/* A test that only runs on request (ktest=NAME, the whole name): for
 * tests that hang or crash on purpose, such as the hang-diagnostics demo. */
#define KTEST_MANUAL(tname) __KTEST(tname, true)

__printf(4, 5) void kt_fail(struct kt *t, const char *file, int line, const char *fmt, ...);

#define KT_EXPECT(cond) do {                                            \
	if (!(cond))                                                    \
		kt_fail(t, __FILE__, __LINE__, "expected %s", #cond);   \
} while (0)

#define KT_ASSERT(cond) do {                                            \
	if (!(cond)) {                                                  \
		kt_fail(t, __FILE__, __LINE__, "assertion %s", #cond);  \
		return;                                                 \
	}                                                               \
} while (0)

#define KT_EXPECT_EQ(a, b) do {                                         \
	unsigned long long __a = (unsigned long long)(a);               \
	unsigned long long __b = (unsigned long long)(b);               \
	if (__a != __b)                                                 \
		kt_fail(t, __FILE__, __LINE__, "expected %s == %s (0x%llx vs 0x%llx)", \
			#a, #b, __a, __b);                              \
} while (0)

#define KT_ASSERT_EQ(a, b) do {                                         \
	unsigned long long __a = (unsigned long long)(a);               \
	unsigned long long __b = (unsigned long long)(b);               \
	if (__a != __b) {                                               \
		kt_fail(t, __FILE__, __LINE__, "assertion %s == %s (0x%llx vs 0x%llx)", \
			#a, #b, __a, __b);                              \
		return;                                                 \
	}                                                               \
} while (0)

#define KT_EXPECT_STREQ(a, b) do {                                      \
	const char *__a = (a), *__b = (b);                              \
	if (!__a || !__b || strcmp(__a, __b) != 0)                      \
		kt_fail(t, __FILE__, __LINE__, "expected %s == \"%s\" (got \"%s\")", \
			#a, __b ? __b : "(null)", __a ? __a : "(null)"); \
} while (0)

/* Run the tests selected by @prefix, a comma-separated list of name
 * prefixes ("" for all). Returns the failure count. */
unsigned int ktest_run_all(const char *prefix);

#endif
