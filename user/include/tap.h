/*
 * tap.h - the TAP helpers every Faultline user test uses.
 *
 * A test program prints one line per check, diagnostics on lines that start
 * with "# ", and one closing line:
 *
 *     ok 1 - pipe: read returns the bytes written
 *     not ok 2 - pipe: read returns 0 once every writer is closed
 *     #   at pipe_test.c:57: n == 0 (got -1, errno 11 EAGAIN)
 *     1 passed, 1 failed
 *
 * and exits non-zero if any check failed: main() ends with
 * "return tap_done();". This is the protocol of every Faultline test tier
 * (docs/testing.md), so the kernel's harness and `make test-linux` read the
 * same lines.
 *
 * The checks:
 *
 *   CHECK(cond, fmt, ...)          cond is true
 *   CHECK_EQ(got, want, fmt, ...)  two integers are equal (prints both)
 *   CHECK_OK(expr, fmt, ...)       a call did not return -1 (or MAP_FAILED)
 *   CHECK_ERR(expr, err, fmt, ...) a call returned -1 with errno == err
 *   REQUIRE(cond, fmt, ...)        like CHECK, but a failure ends the test
 *                                  (for setup steps the rest depends on)
 *
 * Each evaluates to 1 if the check passed and 0 if not, so a test can skip
 * the checks that depend on a failed one: if (!CHECK_OK(fd = open(...))) ...
 * errno is cleared before the expression runs, so the errno printed for a
 * failure is the one that expression set, never a stale one.
 *
 * Rules for tests that fork: only the original process prints TAP lines.
 * A child reports back through its exit status (or a pipe) and leaves with
 * _exit(), never exit(), so that it cannot flush a copy of the parent's
 * stdio buffer.
 *
 * The counters are the one piece of global state: a test program is one
 * TAP stream, and passing a context to every check would only add noise.
 * They live in this header as statics, one copy per test program.
 */
#ifndef FAULTLINE_TAP_H
#define FAULTLINE_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int n;		/* number of the last check printed */
	int passed;
	int failed;
} tap_state;

/*
 * Line-buffer stdout before main() runs: test output usually goes to a pipe
 * (the runner's), where stdio would otherwise buffer whole blocks and a
 * crash would lose the lines that say how far the test got.
 */
__attribute__((constructor)) static void tap_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* "EAGAIN"-style name of an errno value, for diagnostics. */
static inline const char *tap_errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { E2BIG, "E2BIG" },
		{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { ECHILD, "ECHILD" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ EXDEV, "EXDEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" }, { EMFILE, "EMFILE" },
		{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
		{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
		{ EPIPE, "EPIPE" }, { ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" },
		{ ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
		{ EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "?";
}

/* Print "ok N - name" or "not ok N - name"; returns ok. */
__attribute__((format(printf, 2, 0)))
static inline int tap_vresult(int ok, const char *fmt, va_list ap)
{
	tap_state.n++;
	if (ok)
		tap_state.passed++;
	else
		tap_state.failed++;
	printf("%sok %d - ", ok ? "" : "not ", tap_state.n);
	vprintf(fmt, ap);
	putchar('\n');
	return ok;
}

/* A diagnostic line: "# text". */
__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/*
 * A check that cannot run here counts as passed, and says why:
 * "ok N - name # SKIP reason" (the TAP convention).
 */
__attribute__((format(printf, 2, 3)))
static inline void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_state.n++;
	tap_state.passed++;
	printf("ok %d - ", tap_state.n);
	vprintf(fmt, ap);
	printf(" # SKIP %s\n", reason);
	va_end(ap);
}

/* The "#   at file:line: what (why)" line under a failed check. */
static inline void tap_where(const char *file, int line, const char *expr)
{
	printf("#   at %s:%d: %s", file, line, expr);
}

__attribute__((format(printf, 2, 3)))
static inline int tap_result(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vresult(ok, fmt, ap);
	va_end(ap);
	return ok;
}

/* The failure explanations, printed after the "not ok" line. */
static inline void tap_explain(const char *file, int line, const char *expr,
			       int err)
{
	tap_where(file, line, expr);
	if (err)
		printf(" (errno %d %s: %s)", err, tap_errno_name(err),
		       strerror(err));
	putchar('\n');
}

static inline void tap_explain_eq(const char *file, int line,
				  const char *expr, long long got,
				  long long want)
{
	tap_where(file, line, expr);
	printf(" (got %lld [%#llx], want %lld [%#llx])\n",
	       got, (unsigned long long)got, want, (unsigned long long)want);
}

static inline void tap_explain_err(const char *file, int line,
				   const char *expr, long long ret, int err,
				   int want)
{
	tap_where(file, line, expr);
	printf(" (returned %lld, errno %d %s; want -1 with errno %d %s)\n",
	       ret, err, tap_errno_name(err), want, tap_errno_name(want));
}

/*
 * The check macros. Each is a GNU statement expression so that it can both
 * capture errno right after the expression and yield a value.
 */
#define CHECK(cond, ...) ({						\
	int ok_, err_;							\
	errno = 0;							\
	ok_ = !!(cond);							\
	err_ = errno;							\
	tap_result(ok_, __VA_ARGS__);					\
	if (!ok_)							\
		tap_explain(__FILE__, __LINE__, #cond, err_);		\
	ok_;								\
})

#define CHECK_EQ(got, want, ...) ({					\
	long long got_ = (long long)(got);				\
	long long want_ = (long long)(want);				\
	int ok_ = got_ == want_;					\
	tap_result(ok_, __VA_ARGS__);					\
	if (!ok_)							\
		tap_explain_eq(__FILE__, __LINE__, #got " == " #want,	\
			       got_, want_);				\
	ok_;								\
})

/* Works for calls returning an int, a long (syscall()) or a pointer (mmap). */
#define CHECK_OK(expr, ...) ({						\
	long long ret_;							\
	int ok_, err_;							\
	errno = 0;							\
	ret_ = (long long)(intptr_t)(expr);				\
	err_ = errno;							\
	ok_ = ret_ != -1;						\
	tap_result(ok_, __VA_ARGS__);					\
	if (!ok_)							\
		tap_explain(__FILE__, __LINE__, #expr, err_);		\
	ok_;								\
})

#define CHECK_ERR(expr, want_err, ...) ({				\
	long long ret_;							\
	int ok_, err_;							\
	errno = 0;							\
	ret_ = (long long)(intptr_t)(expr);				\
	err_ = errno;							\
	ok_ = ret_ == -1 && err_ == (want_err);				\
	tap_result(ok_, __VA_ARGS__);					\
	if (!ok_)							\
		tap_explain_err(__FILE__, __LINE__, #expr, ret_, err_,	\
				(want_err));				\
	ok_;								\
})

/* The closing line; returns the exit status for main(). */
static inline int tap_done(void)
{
	printf("%d passed, %d failed\n", tap_state.passed, tap_state.failed);
	fflush(stdout);
	/* A test that checked nothing has proved nothing: count it a failure. */
	return tap_state.failed == 0 && tap_state.passed > 0 ? 0 : 1;
}

#define REQUIRE(cond, ...) do {						\
	if (!CHECK(cond, __VA_ARGS__)) {				\
		tap_diag("a required check failed; stopping here");	\
		tap_done();						\
		exit(1);						\
	}								\
} while (0)

#endif /* FAULTLINE_TAP_H */
