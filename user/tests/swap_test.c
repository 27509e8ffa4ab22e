/*
 * swap_test - swap areas and anonymous pages going out and coming back.
 *
 * Always (with or without an active swap area): swapon(2) and swapoff(2)
 * with Linux's errors, through syscall() so the kernel's answer is what
 * is checked: ENOENT for a path that does not exist, EINVAL for one that
 * is not a swap area (a directory; a disk with no swap header: the zeroed
 * scratch disk /dev/vdb in Faultline), EINVAL for unknown flags and for
 * swapoff of something that is not an active area.
 *
 * With an active area (the first line of /proc/swaps; the harness boots
 * with SWAP=64M, suite "swap"): EBUSY for swapon of it again; then pages
 * sent out with MADV_PAGEOUT (Linux 5.4) and read back (patterns right,
 * pswpout/pswpin/pgmajfault/ru_majflt counted, VmSwap and SwapFree seen);
 * fork with the pages out, child and parent each rewriting one half
 * (copy-on-write keeps each one's writes its own); munmap and exit giving
 * the slots back (SwapFree returns); mprotect leaving swap entries alone;
 * mlock bringing them in; and swapoff while a child reads its swapped
 * pages, then swapon again with a priority (SWAP_FLAG_PREFER).
 *
 * Privilege: swapon needs CAP_SYS_ADMIN (EPERM without). Run as root, the
 * test checks EPERM in a child that has become an ordinary user; run as a
 * user on Linux (make test-linux), it checks EPERM and stops there. On a Linux host as root it never switches
 * the host's swap off.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define SWAP_FLAG_PREFER 0x8000
#define RW (PROT_READ | PROT_WRITE)
#define PG 4096UL

static long sys_swapon(const char *p, int fl) { return syscall(SYS_swapon, p, fl); }
static long sys_swapoff(const char *p) { return syscall(SYS_swapoff, p); }

/* "Name: value" of a /proc file whose lines are "Name<sep>value", or -1. */
static long proc_value(const char *path, const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);
	ssize_t n = read_file(path, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (strncmp(line, name, len) == 0 && (line[len] == ':' || line[len] == ' '))
			return strtol(line + len + 1, NULL, 10);
	return -1;
}

static long meminfo(const char *name) { return proc_value("/proc/meminfo", name); }
static long vmstat(const char *name) { return proc_value("/proc/vmstat", name); }
static long status(const char *name) { return proc_value("/proc/self/status", name); }

/* /proc/sys/vm/page-cluster: a swap-in reads up to 2^this pages (swap
 * readahead, on Linux and Faultline), or -1. */
static long page_cluster(void)
{
	char buf[32];
	ssize_t n = read_file("/proc/sys/vm/page-cluster", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Write @text to /proc/sys/vm/page-cluster: 0, or -1 with errno. */
static int set_page_cluster(const char *text)
{
	int fd = open("/proc/sys/vm/page-cluster", O_WRONLY), err;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* page-cluster: Linux's 0..31, anything else EINVAL, the value kept. */
static void page_cluster_knob(void)
{
	long old = page_cluster();
	char text[16];

	CHECK(old >= 0, "page-cluster reads a number (%ld)", old);
	CHECK(set_page_cluster("32\n") < 0 && errno == EINVAL, "page-cluster 32 is EINVAL");
	CHECK(set_page_cluster("-1\n") < 0 && errno == EINVAL, "page-cluster -1 is EINVAL");
	CHECK(set_page_cluster("two\n") < 0 && errno == EINVAL, "page-cluster two is EINVAL");
	CHECK_OK(set_page_cluster("0\n"), "page-cluster 0 (readahead off)");
	CHECK_EQ(page_cluster(), 0, "page-cluster reads back 0");
	snprintf(text, sizeof(text), "%ld\n", old < 0 ? 3 : old);
	CHECK_OK(set_page_cluster(text), "page-cluster back to %ld", old);
	CHECK_EQ(page_cluster(), old, "page-cluster reads back %ld", old);
}

/* The first active area's name from /proc/swaps, or NULL. */
static const char *active_area(void)
{
	static char buf[4096], name[64];
	ssize_t n = read_file("/proc/swaps", buf, sizeof(buf) - 1);
	char *line;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	line = strchr(buf, '\n');
	if (!line || !line[1])
		return NULL;
	if (sscanf(line + 1, "%63s", name) != 1)
		return NULL;
	return name;
}

static long swaps_priority(void)
{
	char buf[4096], name[64], type[32];
	long size, used, prio;
	ssize_t n = read_file("/proc/swaps", buf, sizeof(buf) - 1);
	char *line;

	if (n <= 0)
		return -1000;
	buf[n] = '\0';
	line = strchr(buf, '\n');
	if (!line || sscanf(line + 1, "%63s %31s %ld %ld %ld", name, type, &size, &used, &prio) != 5)
		return -1000;
	return prio;
}

static unsigned long pattern(unsigned long i, unsigned long salt)
{
	return (i * 2654435761UL) ^ salt;
}

/* Pages [first, first + pages) of the region at @p, each word checked
 * holding a pattern of its index and @salt. */
static void fill_at(char *p, unsigned long first, unsigned long pages, unsigned long salt)
{
	for (unsigned long i = first; i < first + pages; i++)
		for (unsigned long w = 0; w < PG / 8; w += 64)
			((unsigned long *)(p + i * PG))[w] = pattern(i * 512 + w, salt);
}

/* The first page index whose pattern is wrong, or -1. */
static long check_at(const char *p, unsigned long first, unsigned long pages, unsigned long salt)
{
	for (unsigned long i = first; i < first + pages; i++)
		for (unsigned long w = 0; w < PG / 8; w += 64)
			if (((const unsigned long *)(p + i * PG))[w] != pattern(i * 512 + w, salt))
				return (long)i;
	return -1;
}

static void fill(char *p, unsigned long pages, unsigned long salt)
{
	fill_at(p, 0, pages, salt);
}

static long check(const char *p, unsigned long pages, unsigned long salt)
{
	return check_at(p, 0, pages, salt);
}

static long majflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_majflt;
}

static void errors(const char *area)
{
	const char *plain = "/tmp/swap_test.noheader";
	static char zeros[65536];
	int fd;

	if (geteuid() != 0) {
		/* Linux as a user: CAP_SYS_ADMIN is checked first. */
		CHECK_ERR(sys_swapon("/no/such/file", 0), EPERM, "swapon without privilege is EPERM");
		CHECK_ERR(sys_swapoff("/no/such/file"), EPERM, "swapoff without privilege is EPERM");
		return;
	}
	/* Root drops to an ordinary user in a child: EPERM comes first. */
	pid_t pid = fork();
	int st = -1;

	if (pid == 0) {
		if (setuid(65534) != 0)
			_exit(2);
		_exit(sys_swapon("/no/such/file", 0) == -1 && errno == EPERM &&
		      sys_swapoff("/no/such/file") == -1 && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	CHECK(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "swapon and swapoff by an unprivileged user are EPERM (status %#x)", st);
	fd = open(plain, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	REQUIRE(fd >= 0 && write(fd, zeros, sizeof(zeros)) == (ssize_t)sizeof(zeros),
		"a 64 KiB file of zeros");
	close(fd);
	CHECK_ERR(sys_swapon("/no/such/file", 0), ENOENT, "swapon: a missing path is ENOENT");
	CHECK_ERR(sys_swapon("/tmp", 0), EISDIR, "swapon: a directory is EISDIR (opened for writing)");
	CHECK_ERR(sys_swapon(plain, 0), EINVAL, "swapon: a file with no swap header is EINVAL");
	CHECK_ERR(sys_swapon(plain, 0x40000000), EINVAL, "swapon: unknown flags are EINVAL");
	if (!running_on_linux())
		CHECK_ERR(sys_swapon("/dev/vdb", 0), EINVAL,
			  "swapon: a disk with no swap header (the zeroed scratch disk) is EINVAL");
	CHECK_ERR(sys_swapoff("/no/such/file"), ENOENT, "swapoff: a missing path is ENOENT");
	CHECK_ERR(sys_swapoff(plain), EINVAL, "swapoff: a file that is not swapping is EINVAL");
	if (!running_on_linux())
		CHECK_ERR(sys_swapoff("/dev/vdb"), EINVAL,
			  "swapoff: a disk that is not swapping is EINVAL");
	unlink(plain);
	if (area)
		CHECK_ERR(sys_swapon(area, 0), EBUSY, "swapon: an active area again is EBUSY");
}

/* 4 MiB out and back: counters, VmSwap, SwapFree, data. */
static void pageout_and_back(void)
{
	unsigned long pages = 1024;
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long free0, out0, in0, maj0, pmaj0, bad, cluster, ramaj;

	REQUIRE(p != MAP_FAILED, "mmap 4 MiB");
	fill(p, pages, 1);
	free0 = meminfo("SwapFree");
	out0 = vmstat("pswpout");
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "MADV_PAGEOUT of 4 MiB");
	CHECK(vmstat("pswpout") - out0 >= (long)pages, "pswpout counts every page (%ld)",
	      vmstat("pswpout") - out0);
	CHECK(free0 - meminfo("SwapFree") >= (long)(pages * 4),
	      "SwapFree drops by 4 MiB (%ld -> %ld kB)", free0, meminfo("SwapFree"));
	CHECK(status("VmSwap") >= (long)(pages * 4), "VmSwap shows the pages (%ld kB)",
	      status("VmSwap"));
	CHECK(status("VmRSS") < (long)(pages * 4), "VmRSS no longer holds them (%ld kB)",
	      status("VmRSS"));
	in0 = vmstat("pswpin");
	pmaj0 = vmstat("pgmajfault");
	maj0 = majflt();
	bad = check(p, pages, 1);
	CHECK(bad < 0, "every page reads back its pattern (first bad page %ld)", bad);
	CHECK(vmstat("pswpin") - in0 >= (long)pages, "pswpin counts every page (%ld)",
	      vmstat("pswpin") - in0);
	/* A major fault is one that waited for its read; the pages read
	 * ahead with it (up to 2^page-cluster in all) fault minor later. */
	cluster = page_cluster();
	CHECK(cluster >= 0 && cluster < 31, "/proc/sys/vm/page-cluster reads %ld", cluster);
	ramaj = cluster >= 0 && cluster < 31 ? (long)pages >> cluster : (long)pages;
	CHECK(majflt() - maj0 >= ramaj && majflt() - maj0 <= (long)pages,
	      "ru_majflt counts the swap-ins that waited (%ld, at least %ld)", majflt() - maj0, ramaj);
	CHECK(vmstat("pgmajfault") - pmaj0 >= ramaj, "pgmajfault counts them (%ld)",
	      vmstat("pgmajfault") - pmaj0);
	CHECK(status("VmSwap") == 0, "VmSwap is 0 once every page is back (%ld kB)",
	      status("VmSwap"));
	/* Read in, still in the swap cache (read-only): a write must not be
	 * lost when the page goes out again. */
	fill(p, pages, 2);
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "MADV_PAGEOUT after rewriting");
	bad = check(p, pages, 2);
	CHECK(bad < 0, "the rewritten pages come back rewritten (first bad page %ld)", bad);
	CHECK_OK(munmap(p, pages * PG), "munmap");
	CHECK_EQ(meminfo("SwapFree"), free0, "SwapFree is back after munmap");
}

/* fork with the pages out: each side rewrites one half. */
static void fork_cow(void)
{
	unsigned long pages = 512, half = pages / 2;
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long free0 = meminfo("SwapFree");
	pid_t pid;

	REQUIRE(p != MAP_FAILED, "mmap 2 MiB");
	fill(p, pages, 3);
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "fork: MADV_PAGEOUT before fork");
	pid = fork();
	if (pid < 0)
		REQUIRE(0, "fork");
	if (pid == 0) {
		fill(p, half, 4);                       /* the child's half */
		madvise(p, pages * PG, MADV_PAGEOUT);   /* out again, from the child */
		if (check(p, half, 4) >= 0)
			_exit(2);
		if (check_at(p, half, half, 3) >= 0)
			_exit(3);                       /* must still see the original */
		_exit(0);
	}
	fill_at(p, half, half, 5);                      /* the parent's half, meanwhile */
	CHECK_EQ(wait_child(pid), 0, "fork: the child sees its own half and the original other half");
	CHECK(check(p, half, 3) < 0, "fork: the parent still sees the original first half");
	CHECK(check_at(p, half, half, 5) < 0, "fork: the parent sees its own second half");
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "fork: MADV_PAGEOUT after the child is gone");
	CHECK(check(p, half, 3) < 0 && check_at(p, half, half, 5) < 0,
	      "fork: both halves come back right after another pageout");
	munmap(p, pages * PG);
	CHECK_EQ(meminfo("SwapFree"), free0, "fork: every slot is free again (exit and munmap)");
}

/* Two threads fault the same swapped-out pages at once: the page is read
 * once and mapped once (do_swap_page's swap cache and its PTE recheck:
 * without the recheck the second thread maps the page again over the
 * first one's PTE and frees the slot a second time). */
struct race_arg {
	const char *p;
	unsigned long pages;
	long bad;
};

static void *race_reader(void *arg)
{
	struct race_arg *a = arg;

	a->bad = check(a->p, a->pages, 11);
	return NULL;
}

static void threads_race(void)
{
	unsigned long pages = 1024;
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct race_arg a = { .pages = pages }, b = { .pages = pages };
	long free0 = meminfo("SwapFree"), in0;
	pthread_t t;

	REQUIRE(p != MAP_FAILED, "race: mmap 4 MiB");
	a.p = b.p = p;
	for (int round = 0; round < 3; round++) {
		fill(p, pages, 11);
		CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "race: pageout (round %d)", round);
		in0 = vmstat("pswpin");
		REQUIRE(pthread_create(&t, NULL, race_reader, &a) == 0, "race: a second thread");
		race_reader(&b);
		pthread_join(t, NULL);
		CHECK(a.bad < 0 && b.bad < 0, "race: both threads read every page right (round %d)",
		      round);
		CHECK(vmstat("pswpin") - in0 == (long)pages,
		      "race: each page was read from swap once (%ld reads for %lu pages)",
		      vmstat("pswpin") - in0, pages);
		CHECK_EQ(status("VmSwap"), 0, "race: no swap entry is left");
	}
	CHECK_OK(munmap(p, pages * PG), "race: munmap");
	CHECK_EQ(meminfo("SwapFree"), free0, "race: every slot is free again");
}

/* Exit of a process with pages out gives its slots back. */
static void exit_frees(void)
{
	long free0 = meminfo("SwapFree");
	pid_t pid = fork();

	if (pid < 0)
		REQUIRE(0, "fork");
	if (pid == 0) {
		char *p = mmap(NULL, 256 * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		fill(p, 256, 6);
		madvise(p, 256 * PG, MADV_PAGEOUT);
		_exit(meminfo("SwapFree") < free0 ? 0 : 1);
	}
	CHECK_EQ(wait_child(pid), 0, "exit: the child had pages out");
	CHECK_EQ(meminfo("SwapFree"), free0, "exit: its slots are free again");
}

/* mprotect leaves swap entries alone; mlock brings them in; MADV_PAGEOUT
 * on locked memory is EINVAL. */
static void protect_and_lock(void)
{
	unsigned long pages = 64;
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long swap0;

	REQUIRE(p != MAP_FAILED, "mmap");
	fill(p, pages, 7);
	swap0 = status("VmSwap");
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "mprotect: pageout");
	CHECK_OK(mprotect(p, pages * PG, PROT_READ), "mprotect PROT_READ over swap entries");
	CHECK(status("VmSwap") - swap0 >= (long)(pages * 4), "mprotect: the entries stay (%ld kB)",
	      status("VmSwap"));
	CHECK(check(p, pages, 7) < 0, "mprotect: read-only pages read back right");
	CHECK_OK(mprotect(p, pages * PG, RW), "mprotect back to read-write");
	fill(p, pages, 8);
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "mlock: pageout");
	CHECK_OK(mlock(p, pages * PG), "mlock of swapped-out pages");
	CHECK(status("VmSwap") == swap0, "mlock: every page came back (VmSwap %ld kB)",
	      status("VmSwap"));
	CHECK(check(p, pages, 8) < 0, "mlock: the pages are right");
	CHECK_ERR(madvise(p, pages * PG, MADV_PAGEOUT), EINVAL, "MADV_PAGEOUT of locked memory is EINVAL");
	munmap(p, pages * PG);
}

/* swapoff while a child reads its swapped pages; then swapon again. */
static void swapoff_live(const char *area)
{
	unsigned long pages = 1024;
	char *p = mmap(NULL, pages * PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char name[64];
	pid_t pid;
	int go[2];

	REQUIRE(p != MAP_FAILED && pipe(go) == 0, "mmap and pipe");
	snprintf(name, sizeof(name), "%s", area);
	fill(p, pages, 9);
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "swapoff: pageout in the parent");
	pid = fork();
	if (pid < 0)
		REQUIRE(0, "fork");
	if (pid == 0) {
		char c = 0;

		fill(p, pages, 10);
		madvise(p, pages * PG, MADV_PAGEOUT);
		if (write(go[1], &c, 1) != 1)
			_exit(4);
		for (int round = 0; round < 20; round++) {
			if (check(p, pages, 10) >= 0)
				_exit(2);
			madvise(p, pages * PG, MADV_PAGEOUT);   /* while it lasts */
		}
		_exit(0);
	}
	{
		char c;

		REQUIRE(read(go[0], &c, 1) == 1, "the child paged out");
	}
	CHECK_OK(sys_swapoff(name), "swapoff %s while a child reads its swapped pages", name);
	CHECK_EQ(wait_child(pid), 0, "swapoff: the child's pages stayed right");
	CHECK(active_area() == NULL, "swapoff: /proc/swaps is empty");
	CHECK_EQ(meminfo("SwapTotal"), 0, "swapoff: SwapTotal is 0");
	CHECK_EQ(status("VmSwap"), 0, "swapoff: no swap entry is left in the parent");
	CHECK(check(p, pages, 9) < 0, "swapoff: the parent's pages are right");
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "MADV_PAGEOUT with no swap does nothing");
	CHECK_EQ(status("VmSwap"), 0, "no swap: nothing went out");
	CHECK_OK(sys_swapon(name, SWAP_FLAG_PREFER | 5), "swapon %s again with priority 5", name);
	CHECK_EQ(swaps_priority(), 5, "/proc/swaps shows priority 5");
	CHECK(meminfo("SwapTotal") > 0 && meminfo("SwapFree") == meminfo("SwapTotal"),
	      "the area is back, all free");
	CHECK_OK(madvise(p, pages * PG, MADV_PAGEOUT), "pageout to the area again");
	CHECK(check(p, pages, 9) < 0, "and back");
	munmap(p, pages * PG);
}

int main(void)
{
	const char *area = active_area();
	char name[64] = "";

	if (area)
		snprintf(name, sizeof(name), "%s", area);
	errors(area ? name : NULL);
	if (!area) {
		printf("# no active swap area: the swap-out checks need one (suite swap, SWAP=64M)\n");
		return tap_done();
	}
	page_cluster_knob();
	pageout_and_back();
	fork_cow();
	threads_race();
	exit_frees();
	protect_and_lock();
	if (!running_on_linux())        /* never switch a real host's swap off */
		swapoff_live(name);
	return tap_done();
}
