/*
 * dev_mmap_test - mmap() of the fault-API example devices
 * (docs/fault-api.md, include/drivers/fault_devices.h):
 *
 *   /dev/zero      read, write, lseek; MAP_PRIVATE is private anonymous
 *                  memory (copy-on-write across fork), MAP_SHARED is shared
 *                  anonymous memory (one set of pages across fork, a new
 *                  one for each mmap) - LINUX-SEMANTICS.md item 15
 *   /dev/shbuf     one kernel buffer seen by every mapping: across fork,
 *                  across independent opens, and by pread(); SIGBUS
 *                  (BUS_ADRERR, si_addr) past its end
 *   /dev/quota     ->page_mkwrite grants N pages, and the (N+1)th written
 *                  page gets SIGBUS with BUS_ADRERR and the exact si_addr
 *   /dev/faultlog  the fault counts it reports as text
 *
 * /dev/zero is Linux's; its checks run on Linux too (make test-linux).
 * The other three devices exist only on Faultline: on Linux their checks
 * are skipped.
 */
#include <sys/ioctl.h>

#include "memprobe.h"
#include "testutil.h"

#define RW (PROT_READ | PROT_WRITE)

/* include/drivers/fault_devices.h */
#define QUOTA_IOC_SET_LIMIT 0x5101
#define QUOTA_IOC_GET_USED  0x5102

#define SHBUF_PAGES     4
#define FAULTLOG_PAGES  16

static char *map_dev(int fd, int pages, int flags)
{
	char *p = mmap(NULL, pages * PAGE_SIZE, RW, flags, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* ---- /dev/zero --------------------------------------------------------------- */

static void test_zero_read_write(void)
{
	int fd = open("/dev/zero", O_RDWR);
	char buf[5000];
	int nonzero = 0;

	if (!CHECK_OK(fd, "zero: open /dev/zero"))
		return;
	memset(buf, 0x77, sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), sizeof(buf), "zero: read fills the whole buffer");
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero |= buf[i];
	CHECK_EQ(nonzero, 0, "zero: ... with zeros");
	CHECK_EQ(write(fd, buf, 1234), 1234, "zero: write accepts every byte");
	CHECK_EQ(lseek(fd, 999, SEEK_SET), 0, "zero: lseek always lands at 0");
	close(fd);
}

static char *zero_map;

static int child_writes_zero_map(void *arg)
{
	(void)arg;
	if (zero_map[0] != 'p')
		return 2;               /* the parent's store from before the fork */
	zero_map[0] = 'c';
	zero_map[PAGE_SIZE] = 'c';
	return 0;
}

static void test_zero_private(void)
{
	int fd = open("/dev/zero", O_RDWR);
	int st;

	REQUIRE(fd >= 0, "zero: open for MAP_PRIVATE");
	zero_map = map_dev(fd, 2, MAP_PRIVATE);
	close(fd);
	if (!CHECK(zero_map != NULL, "zero: MAP_PRIVATE mapping"))
		return;
	CHECK(zero_map[0] == 0 && zero_map[2 * PAGE_SIZE - 1] == 0,
	      "zero: private: reads zeros");
	zero_map[0] = 'p';
	st = run_in_child(child_writes_zero_map, NULL);
	CHECK_EXIT(st, 0, "zero: private: the child sees the pre-fork store and writes");
	CHECK(zero_map[0] == 'p' && zero_map[PAGE_SIZE] == 0,
	      "zero: private: the child's stores stay in the child");
	munmap(zero_map, 2 * PAGE_SIZE);
}

static void test_zero_shared(void)
{
	int fd = open("/dev/zero", O_RDWR);
	char *other;
	int st;

	REQUIRE(fd >= 0, "zero: open for MAP_SHARED");
	zero_map = map_dev(fd, 2, MAP_SHARED);
	other = map_dev(fd, 2, MAP_SHARED);
	close(fd);
	if (!CHECK(zero_map && other, "zero: two MAP_SHARED mappings"))
		return;
	CHECK(zero_map[0] == 0 && zero_map[PAGE_SIZE] == 0, "zero: shared: reads zeros");
	zero_map[0] = 'p';
	st = run_in_child(child_writes_zero_map, NULL);
	CHECK_EXIT(st, 0, "zero: shared: the child sees the pre-fork store and writes");
	CHECK(zero_map[0] == 'c' && zero_map[PAGE_SIZE] == 'c',
	      "zero: shared: the parent sees the child's stores");
	CHECK(other[0] == 0 && other[PAGE_SIZE] == 0,
	      "zero: shared: another mmap() of /dev/zero is other memory");
	munmap(zero_map, 2 * PAGE_SIZE);
	munmap(other, 2 * PAGE_SIZE);
}

/* ---- /dev/shbuf ------------------------------------------------------------- */

static char *shbuf_map;

/* The child opens the device on its own, maps it and answers the parent. */
static int child_opens_shbuf(void *arg)
{
	int fd = open("/dev/shbuf", O_RDWR);
	char *p;

	(void)arg;
	if (fd < 0 || !(p = map_dev(fd, SHBUF_PAGES, MAP_SHARED)))
		return 2;
	if (strcmp(p + PAGE_SIZE, "from the parent") != 0)
		return 3;
	strcpy(p + 2 * PAGE_SIZE, "from the child");
	return 0;
}

/* The child uses the mapping it inherited. */
static int child_uses_inherited_shbuf(void *arg)
{
	(void)arg;
	if (shbuf_map[3 * PAGE_SIZE] != 'P')
		return 2;
	shbuf_map[3 * PAGE_SIZE + 1] = 'C';
	return 0;
}

static void test_shbuf(void)
{
	int fd = open("/dev/shbuf", O_RDWR), fd2 = open("/dev/shbuf", O_RDWR);
	char *second, buf[32] = "";
	struct probe p;
	int st;

	REQUIRE(fd >= 0 && fd2 >= 0, "shbuf: open /dev/shbuf twice");
	shbuf_map = map_dev(fd, SHBUF_PAGES + 1, MAP_SHARED);
	second = map_dev(fd2, SHBUF_PAGES, MAP_SHARED);
	REQUIRE(shbuf_map && second, "shbuf: map it through each open");

	/* Two independent opens, two mappings: one buffer. */
	strcpy(shbuf_map + PAGE_SIZE, "from the parent");
	CHECK(strcmp(second + PAGE_SIZE, "from the parent") == 0,
	      "shbuf: a store shows through an independent open's mapping");
	CHECK(pread(fd2, buf, 16, PAGE_SIZE) == 16 && strcmp(buf, "from the parent") == 0,
	      "shbuf: ... and to pread()");
	CHECK(pwrite(fd2, "W", 1, 5) == 1 && shbuf_map[5] == 'W',
	      "shbuf: pwrite() shows in the mapping");

	/* Another process with its own open. */
	st = run_in_child(child_opens_shbuf, NULL);
	CHECK_EXIT(st, 0, "shbuf: a child that opens and maps it itself sees the parent's store");
	CHECK(strcmp(shbuf_map + 2 * PAGE_SIZE, "from the child") == 0,
	      "shbuf: ... and the parent sees the child's");

	/* An inherited mapping stays shared after fork. */
	shbuf_map[3 * PAGE_SIZE] = 'P';
	st = run_in_child(child_uses_inherited_shbuf, NULL);
	CHECK_EXIT(st, 0, "shbuf: the inherited mapping shows the parent's store");
	CHECK_EQ(shbuf_map[3 * PAGE_SIZE + 1], 'C', "shbuf: the child's store through it shows in the parent");

	/* The mapping is one page longer than the buffer. */
	CHECK(probe_read(shbuf_map + SHBUF_PAGES * PAGE_SIZE + 40, NULL, &p) == SIGBUS &&
	      p.code == BUS_ADRERR && p.addr == shbuf_map + SHBUF_PAGES * PAGE_SIZE + 40,
	      "shbuf: past the buffer's end: SIGBUS, BUS_ADRERR, si_addr (got %d, %d, %p)",
	      p.signo, p.code, p.addr);
	CHECK_ERR(pwrite(fd, "x", 1, SHBUF_PAGES * PAGE_SIZE), ENOSPC,
		  "shbuf: pwrite() at the end: ENOSPC");

	/* Leave the buffer as it was, for the next run. */
	memset(shbuf_map, 0, SHBUF_PAGES * PAGE_SIZE);
	munmap(shbuf_map, (SHBUF_PAGES + 1) * PAGE_SIZE);
	munmap(second, SHBUF_PAGES * PAGE_SIZE);
	close(fd);
	close(fd2);
}

/* ---- /dev/quota ------------------------------------------------------------- */

#define QUOTA_N 3

static char *quota_map;

/* The child shares the open file, and so its quota: an already granted
 * page is free, a new one is refused. */
static int child_writes_quota(void *arg)
{
	struct probe p;

	(void)arg;
	if (probe_write(quota_map + PAGE_SIZE + 1, 'c', &p) != 0)
		return 2;
	if (probe_write(quota_map + 5 * PAGE_SIZE, 'c', &p) != SIGBUS)
		return 3;
	return 0;
}

static void test_quota(void)
{
	int fd = open("/dev/quota", O_RDWR);
	char *addr;
	struct probe p;
	int i, ok = 1;

	REQUIRE(fd >= 0, "quota: open /dev/quota");
	CHECK_ERR(ioctl(fd, QUOTA_IOC_SET_LIMIT, 65), EINVAL, "quota: a limit over 64 pages: EINVAL");
	CHECK_OK(ioctl(fd, QUOTA_IOC_SET_LIMIT, QUOTA_N), "quota: limit %d pages", QUOTA_N);
	CHECK(mmap(NULL, PAGE_SIZE, RW, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EINVAL,
	      "quota: MAP_PRIVATE is refused: EINVAL");
	quota_map = map_dev(fd, 8, MAP_SHARED);
	REQUIRE(quota_map != NULL, "quota: MAP_SHARED mapping of 8 pages");

	CHECK(quota_map[7 * PAGE_SIZE] == 0, "quota: reading is free (page 7)");
	for (i = 0; i < QUOTA_N; i++)
		ok &= probe_write(quota_map + i * PAGE_SIZE + 7, 'a' + i, NULL) == 0;
	CHECK(ok, "quota: the first %d written pages are granted", QUOTA_N);
	CHECK(probe_write(quota_map + 100, 'A', NULL) == 0,
	      "quota: writing a granted page again is free");

	addr = quota_map + QUOTA_N * PAGE_SIZE + 123;
	CHECK(probe_write(addr, 'x', &p) == SIGBUS,
	      "quota: the page past the quota: SIGBUS (got signal %d)", p.signo);
	CHECK_EQ(p.code, BUS_ADRERR, "quota: si_code BUS_ADRERR");
	CHECK(p.addr == addr, "quota: si_addr is the written address (%p, want %p)", p.addr, addr);
	/* Read first, then write: the PTE is present but read-only (write
	 * notification), and the write asks ->page_mkwrite all the same. */
	addr = quota_map + (QUOTA_N + 1) * PAGE_SIZE + 9;
	CHECK(probe_read(addr, NULL, NULL) == 0 && probe_write(addr, 'y', &p) == SIGBUS &&
	      p.code == BUS_ADRERR && p.addr == addr,
	      "quota: read, then write a new page: SIGBUS, BUS_ADRERR, si_addr (got %d, %d, %p)",
	      p.signo, p.code, p.addr);
	addr = quota_map + QUOTA_N * PAGE_SIZE + 123;
	CHECK_EQ(ioctl(fd, QUOTA_IOC_GET_USED), QUOTA_N, "quota: %d pages used", QUOTA_N);
	CHECK_EXIT(run_in_child(child_writes_quota, NULL), 0,
		   "quota: a forked child shares the open file's quota");
	CHECK(quota_map[7] == 'a' && quota_map[100] == 'A' && quota_map[PAGE_SIZE + 1] == 'c',
	      "quota: the granted writes are all there");

	CHECK_OK(ioctl(fd, QUOTA_IOC_SET_LIMIT, QUOTA_N + 1), "quota: raise the limit by one");
	CHECK(probe_write(addr, 'x', NULL) == 0 && *addr == 'x',
	      "quota: now the refused page may be written");
	munmap(quota_map, 8 * PAGE_SIZE);
	close(fd);

	/* A second open has a quota (and pages) of its own. */
	fd = open("/dev/quota", O_RDWR);
	quota_map = fd >= 0 ? map_dev(fd, 1, MAP_SHARED) : NULL;
	CHECK(quota_map && quota_map[7] == 0 && probe_write(quota_map, 'n', NULL) == 0,
	      "quota: another open() gets fresh pages and its own quota");
	if (quota_map)
		munmap(quota_map, PAGE_SIZE);
	close(fd);
}

/* ---- /dev/faultlog ---------------------------------------------------------- */

/* Read /dev/faultlog's text into buf; length or -1. */
static ssize_t read_faultlog(char *buf, size_t size)
{
	return read_file("/dev/faultlog", buf, size);
}

/* The value of counter name in the text, or -1. */
static long counter(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL)
		if (!strncmp(line, name, len) && line[len] == ' ')
			return strtol(line + len + 1, NULL, 10);
	return -1;
}

/* The last line of the text (the most recent fault), with its newline. */
static const char *last_fault(const char *text)
{
	const char *end = text + strlen(text), *line;

	if (end == text)
		return text;
	for (line = end - 1; line > text && line[-1] != '\n'; line--)
		;
	return line;
}

static char *faultlog_map;

static int child_reads_faultlog(void *arg)
{
	(void)arg;
	return faultlog_map[2 * PAGE_SIZE] == 'c' ? 0 : 2;
}

static void test_faultlog(void)
{
	int fd = open("/dev/faultlog", O_RDWR);
	char text[4096], want[64];
	pid_t child;
	int st, ok;

	REQUIRE(fd >= 0, "faultlog: open /dev/faultlog");
	CHECK_EQ(write(fd, "reset", 5), 5, "faultlog: write() resets the counters");
	faultlog_map = map_dev(fd, FAULTLOG_PAGES + 1, MAP_PRIVATE);
	REQUIRE(faultlog_map != NULL, "faultlog: MAP_PRIVATE mapping");

	ok = faultlog_map[0] == 'a' && faultlog_map[PAGE_SIZE - 1] == 'a' &&
	     faultlog_map[(FAULTLOG_PAGES - 1) * PAGE_SIZE] == 'a' + FAULTLOG_PAGES - 1;
	CHECK(ok, "faultlog: page i is filled with 'a' + i");
	CHECK(faultlog_map[10] == 'a', "faultlog: a second read of a mapped page");
	faultlog_map[PAGE_SIZE + 5] = 'W';
	CHECK(faultlog_map[PAGE_SIZE + 5] == 'W' && faultlog_map[PAGE_SIZE + 6] == 'b',
	      "faultlog: a private write: the copy has the store and the page's bytes");
	CHECK(probe_read(faultlog_map + FAULTLOG_PAGES * PAGE_SIZE, NULL, NULL) == SIGBUS,
	      "faultlog: past its %d pages: SIGBUS", FAULTLOG_PAGES);

	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(child_reads_faultlog(NULL));
	st = wait_child(child);
	CHECK_EXIT(st, 0, "faultlog: a child reads page 2 of the inherited mapping");

	REQUIRE(read_faultlog(text, sizeof(text)) > 0, "faultlog: read() the counters");
	/* pages 0, 15, 2 (read) + page 1 (write, cow) + page 16 (sigbus) */
	CHECK_EQ(counter(text, "faults"), 5, "faultlog: 5 faults (one per page first touched)");
	CHECK_EQ(counter(text, "read"), 4, "faultlog: 4 read faults");
	CHECK_EQ(counter(text, "write"), 1, "faultlog: 1 write fault");
	CHECK_EQ(counter(text, "cow"), 1, "faultlog: ... with a cow_page");
	CHECK_EQ(counter(text, "sigbus"), 1, "faultlog: 1 past the end");
	snprintf(want, sizeof(want), "pid %d ", (int)child);
	CHECK(!strncmp(last_fault(text), want, strlen(want)) && strstr(last_fault(text), "pgoff 2 read"),
	      "faultlog: the last fault is the child's, page 2 (\"%.*s\")",
	      (int)strcspn(last_fault(text), "\n"), last_fault(text));
	munmap(faultlog_map, (FAULTLOG_PAGES + 1) * PAGE_SIZE);

	/* Every VMA opened (mmap, fork, split) is closed again. */
	faultlog_map = map_dev(fd, 3, MAP_SHARED);
	CHECK(faultlog_map && mprotect(faultlog_map + PAGE_SIZE, PAGE_SIZE, PROT_READ) == 0,
	      "faultlog: split a mapping in three with mprotect");
	if (faultlog_map)
		munmap(faultlog_map, 3 * PAGE_SIZE);
	read_faultlog(text, sizeof(text));
	CHECK(counter(text, "vma_open") >= 3 &&
	      counter(text, "mmap") + counter(text, "vma_open") == counter(text, "vma_close"),
	      "faultlog: each mmap and ->open is matched by a ->close (%ld + %ld vs %ld)",
	      counter(text, "mmap"), counter(text, "vma_open"), counter(text, "vma_close"));
	close(fd);
}

int main(void)
{
	test_zero_read_write();
	test_zero_private();
	test_zero_shared();
	if (running_on_linux()) {
		tap_skip("Faultline's example devices", "/dev/shbuf, /dev/quota, /dev/faultlog");
		return tap_done();
	}
	test_shbuf();
	test_quota();
	test_faultlog();
	return tap_done();
}
