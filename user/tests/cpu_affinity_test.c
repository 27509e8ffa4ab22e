/*
 * cpu_affinity_test - the CPU count and CPU affinity as Linux gives them:
 * sysconf(_SC_NPROCESSORS_ONLN) (musl asks sched_getaffinity), the same
 * count as /proc/stat's "cpuN" lines and /proc/cpuinfo's "processor"
 * blocks; sched_getaffinity's size rules (a buffer shorter than the mask
 * or not a whole number of longs: EINVAL; it returns the bytes it copied)
 * and EFAULT/ESRCH; sched_setaffinity's EINVAL for an empty or offline-only
 * mask, EFAULT, short and long buffers; pinning to each CPU in turn moves
 * the caller there before the call returns (getcpu); a child inherits the
 * mask across fork; sched_yield. Raw syscalls, so that musl's wrappers do
 * not hide what the kernel returns.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static long getaff(pid_t pid, size_t len, void *mask)
{
	return syscall(SYS_sched_getaffinity, pid, len, mask);
}

static long setaff(pid_t pid, size_t len, const void *mask)
{
	return syscall(SYS_sched_setaffinity, pid, len, mask);
}

static int bits(const unsigned long *m, size_t words)
{
	int n = 0;

	for (size_t i = 0; i < words; i++)
		n += __builtin_popcountl(m[i]);
	return n;
}

/* Lines of @path that start with @prefix followed by a digit (or, with
 * digit == 0, just start with @prefix). */
static int count_lines(const char *path, const char *prefix, int digit)
{
	static char text[65536];
	ssize_t n = read_file(path, text, sizeof(text) - 1);
	size_t plen = strlen(prefix);
	int count = 0;

	if (n < 0)
		return -1;
	text[n] = '\0';
	for (char *line = text; line && *line; ) {
		char *next = strchr(line, '\n');

		if (strncmp(line, prefix, plen) == 0 &&
		    (!digit || (line[plen] >= '0' && line[plen] <= '9')))
			count++;
		line = next ? next + 1 : NULL;
	}
	return count;
}

static unsigned long all_mask[16];      /* 1024 CPUs' worth, as glibc's cpu_set_t */
static int nr_cpus;

static void test_count(void)
{
	long ret = getaff(0, sizeof(all_mask), all_mask);
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	CHECK(ret >= (long)sizeof(long) && ret % sizeof(long) == 0 && ret <= (long)sizeof(all_mask),
	      "sched_getaffinity returns the size it copied, whole longs (%ld)", ret);
	nr_cpus = bits(all_mask, 16);
	CHECK(nr_cpus >= 1, "the caller may run on %d CPUs", nr_cpus);
	CHECK(online >= nr_cpus, "sysconf(_SC_NPROCESSORS_ONLN) = %ld, at least the affinity's %d",
	      online, nr_cpus);
	CHECK(count_lines("/proc/stat", "cpu", 1) == online,
	      "/proc/stat has one cpuN line per online CPU (%d)",
	      count_lines("/proc/stat", "cpu", 1));
	CHECK(count_lines("/proc/stat", "cpu ", 0) == 1, "/proc/stat has one total \"cpu\" line");
	CHECK(count_lines("/proc/cpuinfo", "processor", 0) == online,
	      "/proc/cpuinfo has one processor block per online CPU (%d)",
	      count_lines("/proc/cpuinfo", "processor", 0));
}

static void test_get_errors(void)
{
	unsigned long m[16];

	CHECK_ERR(getaff(0, 0, m), EINVAL, "getaffinity with len 0: EINVAL");
	CHECK_ERR(getaff(0, 4, m), EINVAL, "getaffinity with len 4 (not a whole long): EINVAL");
	CHECK_ERR(getaff(0, sizeof(m), unmapped_page()), EFAULT,
		  "getaffinity into an unmapped page: EFAULT");
	CHECK_ERR(getaff(0x3ffffff0, sizeof(m), m), ESRCH, "getaffinity of a missing pid: ESRCH");
	CHECK_ERR(getaff(-1, sizeof(m), m), ESRCH, "getaffinity of pid -1: ESRCH");
	CHECK(getaff(getpid(), sizeof(m), m) > 0 && memcmp(m, all_mask, sizeof(long)) == 0,
	      "getaffinity of our own pid = of pid 0");
}

static void test_set_errors(void)
{
	unsigned long none[16] = { 0 }, offline[16] = { 0 };

	CHECK_ERR(setaff(0, sizeof(none), none), EINVAL, "setaffinity to no CPU: EINVAL");
	offline[15] = 1UL << 63;                /* CPU 1023 */
	CHECK_ERR(setaff(0, sizeof(offline), offline), EINVAL,
		  "setaffinity to an offline CPU only: EINVAL");
	CHECK_ERR(setaff(0, sizeof(none), unmapped_page()), EFAULT,
		  "setaffinity from an unmapped page: EFAULT");
	CHECK_ERR(setaff(0x3ffffff0, sizeof(all_mask), all_mask), ESRCH,
		  "setaffinity of a missing pid: ESRCH");
}

static void test_pinning(void)
{
	unsigned long one[16], got[16];
	int moved = 1, exact = 1, tried = 0;

	for (int cpu = 0; cpu < 1024; cpu++) {
		unsigned int where = ~0u;

		if (!(all_mask[cpu / 64] & (1UL << (cpu % 64))))
			continue;
		memset(one, 0, sizeof(one));
		one[cpu / 64] = 1UL << (cpu % 64);
		if (setaff(0, sizeof(one), one) != 0) {
			moved = 0;
			continue;
		}
		tried++;
		/* Linux moves the caller before setaffinity returns. */
		for (int i = 0; i < 50; i++) {
			syscall(SYS_getcpu, &where, NULL, NULL);
			if ((int)where != cpu)
				moved = 0;
			sched_yield();
		}
		memset(got, 0, sizeof(got));
		getaff(0, sizeof(got), got);
		if (memcmp(got, one, sizeof(got)) != 0)
			exact = 0;
	}
	CHECK(tried == nr_cpus && moved, "pinned to each of %d CPUs in turn, getcpu says we run there",
	      tried);
	CHECK(exact, "getaffinity returns exactly the CPU pinned to");
	CHECK_OK(setaff(0, sizeof(all_mask), all_mask), "setaffinity back to every CPU");
}

static void test_short_buffer_and_fork(void)
{
	unsigned long first = all_mask[0] & -all_mask[0];      /* lowest allowed CPU */
	unsigned long got[16] = { 0 };
	unsigned int lo = (unsigned int)first;
	pid_t pid;
	int status;

	/* A buffer shorter than the kernel's mask: the rest counts as zero. */
	CHECK(first == (unsigned int)first ? setaff(0, 4, &lo) == 0 : 1,
	      "setaffinity with a 4-byte buffer");
	getaff(0, sizeof(got), got);
	CHECK(got[0] == first, "... pins to the CPU it names (%#lx)", got[0]);
	pid = fork();
	if (pid == 0) {
		unsigned long c[16] = { 0 };

		getaff(0, sizeof(c), c);
		_exit(c[0] == first ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "a forked child inherits the affinity");
	CHECK_OK(setaff(0, sizeof(all_mask), all_mask), "setaffinity back to every CPU");
	CHECK_OK(sched_yield(), "sched_yield");
}

int main(void)
{
	test_count();
	test_get_errors();
	test_set_errors();
	test_pinning();
	test_short_buffer_and_fork();
	return tap_done();
}
