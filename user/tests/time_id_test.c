/*
 * time_id_test - clocks, sleeping, identity and limits: clock_gettime
 * (monotonic never goes back and advances across a sleep; realtime is
 * plausible; a bad clock id is EINVAL), clock_getres, nanosleep sleeps at
 * least as long as asked (and rejects bad timespecs), gettimeofday/time,
 * uname, the ids (all 0: Faultline runs everything as root, and so does
 * the host when this test is run there as root), getpid/gettid/getppid,
 * prlimit64 / getrlimit / setrlimit, sched_yield, getrusage.
 * Raw syscalls for the clocks: on Linux musl would use the vDSO instead.
 */
#include <sched.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "testutil.h"

static long long raw_ns(clockid_t clk)
{
	struct timespec ts;

	if (syscall(SYS_clock_gettime, clk, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_clocks(void)
{
	long long a, b, t0, t1;
	struct timespec ts, req;
	struct timeval tv;
	int monotonic = 1;

	a = raw_ns(CLOCK_MONOTONIC);
	CHECK(a >= 0, "clock_gettime(CLOCK_MONOTONIC)");
	for (int i = 0; i < 1000; i++) {
		b = raw_ns(CLOCK_MONOTONIC);
		monotonic &= b >= a;
		a = b;
	}
	CHECK(monotonic, "1000 reads of CLOCK_MONOTONIC never go back");
	CHECK_OK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts), "raw call");
	CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L,
	      "tv_nsec is in [0, 1e9)");
	a = raw_ns(CLOCK_REALTIME);
	CHECK(a / 1000000000LL > 1577836800LL,
	      "CLOCK_REALTIME is after 2020 (the RTC was read)");
	CHECK_ERR(syscall(SYS_clock_gettime, 12345, &ts), EINVAL,
		  "clock_gettime of an unknown clock: EINVAL");
	CHECK_OK(syscall(SYS_clock_getres, CLOCK_MONOTONIC, &ts), "clock_getres");
	CHECK(ts.tv_sec == 0 && ts.tv_nsec > 0 && ts.tv_nsec <= 10000000,
	      "the resolution is at most 10 ms (%ld ns)", ts.tv_nsec);
	CHECK_OK(gettimeofday(&tv, NULL), "gettimeofday");
	CHECK(tv.tv_sec > 1577836800L && tv.tv_usec < 1000000,
	      "gettimeofday is plausible");
	CHECK(time(NULL) > 1577836800L, "time() is plausible");

	req.tv_sec = 0;
	req.tv_nsec = 50 * 1000000L;
	t0 = raw_ns(CLOCK_MONOTONIC);
	CHECK_OK(nanosleep(&req, NULL), "nanosleep 50 ms");
	t1 = raw_ns(CLOCK_MONOTONIC);
	CHECK(t1 - t0 >= 50 * 1000000LL,
	      "it slept at least 50 ms (%lld us)", (t1 - t0) / 1000);
	CHECK(t1 > t0, "CLOCK_MONOTONIC advanced across the sleep");
	req.tv_nsec = 1000000000L;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL,
		  "nanosleep with tv_nsec = 1e9: EINVAL");
	req.tv_sec = -1;
	req.tv_nsec = 0;
	CHECK_ERR(nanosleep(&req, NULL), EINVAL, "nanosleep negative: EINVAL");
	req.tv_sec = 0;
	CHECK_OK(nanosleep(&req, NULL), "nanosleep 0 returns at once");
}

static void test_identity(void)
{
	struct utsname u;

	CHECK_OK(uname(&u), "uname");
	CHECK(u.sysname[0] != '\0' && u.release[0] != '\0',
	      "sysname and release are set (%s %s)", u.sysname, u.release);
	CHECK(strcmp(u.machine, "x86_64") == 0, "machine is x86_64");
	if (running_on_linux() && getuid() != 0) {
		tap_skip("not root on the host", "the ids are 0");
	} else {
		CHECK_EQ(getuid(), 0, "getuid 0");
		CHECK_EQ(geteuid(), 0, "geteuid 0");
		CHECK_EQ(getgid(), 0, "getgid 0");
		CHECK_EQ(getegid(), 0, "getegid 0");
	}
	CHECK(getpid() > 1, "getpid > 1 (pid 1 is init)");
	CHECK_EQ(syscall(SYS_gettid), getpid(), "gettid == getpid (one thread)");
	CHECK(getppid() >= 1, "getppid >= 1");
	CHECK_OK(sched_yield(), "sched_yield");
}

static void test_limits(void)
{
	struct rlimit rl, rl2;
	struct rusage ru;

	CHECK_OK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl),
		 "prlimit64 get RLIMIT_NOFILE");
	CHECK(rl.rlim_cur > 2 && rl.rlim_cur <= rl.rlim_max,
	      "0 < soft <= hard (%llu, %llu)", (unsigned long long)rl.rlim_cur,
	      (unsigned long long)rl.rlim_max);
	CHECK_OK(getrlimit(RLIMIT_STACK, &rl2), "getrlimit RLIMIT_STACK");
	CHECK(rl2.rlim_cur >= 65536, "the stack limit is >= 64 KiB");
	rl2 = rl;
	rl2.rlim_cur = 64;
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl2), "lower the soft RLIMIT_NOFILE");
	getrlimit(RLIMIT_NOFILE, &rl2);
	CHECK_EQ(rl2.rlim_cur, 64, "it reads back as 64");
	CHECK_ERR(dup2(0, 64), EBADF, "dup2 to fd 64 is now over the limit: EBADF");
	CHECK_OK(setrlimit(RLIMIT_NOFILE, &rl), "restore it");
	CHECK_ERR(syscall(SYS_prlimit64, 0, 999, NULL, &rl), EINVAL,
		  "prlimit64 of an unknown resource: EINVAL");
	CHECK_ERR(syscall(SYS_prlimit64, 999999, RLIMIT_NOFILE, NULL, &rl), ESRCH,
		  "prlimit64 of a missing pid: ESRCH");
	CHECK_OK(getrusage(RUSAGE_SELF, &ru), "getrusage(RUSAGE_SELF)");
	CHECK(ru.ru_minflt > 0, "this process has had page faults");
	CHECK_ERR(getrusage(42, &ru), EINVAL, "getrusage(42): EINVAL");
}

/*
 * Regression: prlimit64 judged the resource before looking for the
 * process, and clock_nanosleep said EINVAL for clocks Linux knows but
 * cannot sleep on (EOPNOTSUPP there). Found by a random-syscall run
 * diffed against Linux.
 */
static void test_check_order(void)
{
	struct timespec ts = { 0, 1000 };
	struct rlimit rl;

	CHECK_ERR(syscall(SYS_prlimit64, 0x3ffffff0, 999, NULL, &rl), ESRCH,
		  "prlimit64 of a missing pid and an unknown resource: ESRCH first");
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL),
		  EOPNOTSUPP, "clock_nanosleep on the thread CPU clock: EOPNOTSUPP");
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &ts, NULL),
		  EOPNOTSUPP, "clock_nanosleep on CLOCK_MONOTONIC_RAW: EOPNOTSUPP");
	CHECK_ERR(syscall(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, NULL, NULL),
		  EOPNOTSUPP, "... before its timespec is read");
	CHECK_ERR(syscall(SYS_clock_nanosleep, 100, 0, &ts, NULL), EINVAL,
		  "clock_nanosleep on clock 100: EINVAL");
}

int main(void)
{
	test_clocks();
	test_check_order();
	test_identity();
	test_limits();
	return tap_done();
}
