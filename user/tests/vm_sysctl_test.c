/*
 * vm_sysctl_test - /proc/sys/vm/drop_caches and the write-back thresholds
 * dirty_background_ratio, dirty_ratio, dirty_expire_centisecs and
 * dirty_writeback_centisecs (docs/pseudofs.md), as Linux has them.
 *
 * The dirty_* files: read as numbers; a ratio above 100, a negative
 * value or junk is EINVAL and changes nothing; a value written reads
 * back. And they steer the flusher: with the periodic run off
 * (dirty_writeback_centisecs 0) and dirty_background_ratio 0, a writer
 * that dirties pages starts background write-back at once, so its
 * dirty pages reach the disk within seconds; with the defaults (10%,
 * 30 s expiry) they would stay dirty far longer than the wait.
 *
 * drop_caches: mode 0200, so not even root may open it for reading
 * (Linux's sysctl check gives root only the owner's bits), and a user
 * other than root may not write it; 1, 2, 3 and 4 (which only quiets
 * the kernel's log line about each drop) are accepted, anything else is
 * EINVAL. Writing 1 drops the clean cached pages of a file
 * (Cached falls by about its size) but keeps what it must: a dirty
 * page (its data is still read back after the drop: dropping it would
 * lose the write) and a page some process maps (write() then still
 * reaches the mapping: dropping it would leave the mapping with a stale
 * copy that the cache no longer knows of).
 *
 * Every value changed is restored at the end (in the parent, also when a
 * check fails). On a host whose /proc/sys cannot be written (a
 * container) the writing checks are skipped.
 */
#include <sys/mman.h>

#include "testutil.h"

#define MiB (1UL << 20)
#define DROP_FILE_MIB 2
#define DIRTY_FILE_MIB 1

static const char *const knobs[] = {
	"dirty_background_ratio", "dirty_ratio", "dirty_expire_centisecs",
	"dirty_writeback_centisecs",
};
#define NR_KNOBS (sizeof(knobs) / sizeof(knobs[0]))
static long saved[NR_KNOBS];

static const char *sysctl_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/sys/vm/%s", name);
	return buf;
}

/* The value of /proc/sys/vm/@name, or -1. */
static long read_sysctl(const char *name)
{
	char path[64], text[64];

	if (read_file(sysctl_path(name, path, sizeof(path)), text, sizeof(text)) <= 0)
		return -1;
	return strtol(text, NULL, 10);
}

/* Write @text to /proc/sys/vm/@name in one write: 0, or -1 with errno. */
static int write_sysctl(const char *name, const char *text)
{
	char path[64];
	int fd = open(sysctl_path(name, path, sizeof(path)), O_WRONLY), err;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int write_sysctl_long(const char *name, long v)
{
	char text[32];

	snprintf(text, sizeof(text), "%ld\n", v);
	return write_sysctl(name, text);
}

/* A /proc/meminfo field in KiB, or -1. */
static long long meminfo_kib(const char *name)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t n = strlen(name);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':') {
			v = atoll(line + n + 1);
			break;
		}
	fclose(f);
	return v;
}

static void restore_knobs(void)
{
	for (size_t i = 0; i < NR_KNOBS; i++)
		if (saved[i] >= 0)
			write_sysctl_long(knobs[i], saved[i]);
}

/* ---- the dirty_* files -------------------------------------------------------- */

static void test_knob_values(void)
{
	for (size_t i = 0; i < NR_KNOBS; i++)
		CHECK((saved[i] = read_sysctl(knobs[i])) >= 0, "%s reads a number (%ld)", knobs[i],
		      saved[i]);
	if (!running_on_linux()) {
		CHECK_EQ(saved[0], 10, "dirty_background_ratio is 10 by default");
		CHECK_EQ(saved[1], 20, "dirty_ratio is 20 by default");
		CHECK_EQ(saved[2], 3000, "dirty_expire_centisecs is 3000 by default");
		CHECK_EQ(saved[3], 500, "dirty_writeback_centisecs is 500 by default");
	}
	CHECK_ERR(write_sysctl("dirty_ratio", "101\n"), EINVAL, "dirty_ratio 101 is EINVAL");
	CHECK_ERR(write_sysctl("dirty_background_ratio", "-1\n"), EINVAL,
		  "dirty_background_ratio -1 is EINVAL");
	CHECK_ERR(write_sysctl("dirty_expire_centisecs", "-5\n"), EINVAL,
		  "dirty_expire_centisecs -5 is EINVAL");
	CHECK_ERR(write_sysctl("dirty_ratio", "lots\n"), EINVAL, "dirty_ratio \"lots\" is EINVAL");
	CHECK_EQ(read_sysctl("dirty_ratio"), saved[1], "and dirty_ratio is unchanged");
	CHECK_EQ(read_sysctl("dirty_background_ratio"), saved[0],
		 "and dirty_background_ratio is unchanged");
	for (size_t i = 0; i < NR_KNOBS; i++) {
		long v = saved[i] > 1 ? saved[i] - 1 : saved[i] + 1;

		if (CHECK_OK(write_sysctl_long(knobs[i], v), "%s takes %ld", knobs[i], v))
			CHECK_EQ(read_sysctl(knobs[i]), v, "%s reads back %ld", knobs[i], v);
	}
	restore_knobs();
	for (size_t i = 0; i < NR_KNOBS; i++)
		CHECK_EQ(read_sysctl(knobs[i]), saved[i], "%s restored", knobs[i]);
}

/* Write @mib MiB of @c to a new file @name; the fd, or -1. */
static int fill_file(const char *name, unsigned long mib, char c, int do_fsync)
{
	static char buf[64 * 1024];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	memset(buf, c, sizeof(buf));
	for (unsigned long off = 0; off < mib * MiB; off += sizeof(buf))
		if (write_all(fd, buf, sizeof(buf)) != 0) {
			close(fd);
			return -1;
		}
	if (do_fsync && fsync(fd) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * dirty_background_ratio 0 with the periodic run off: dirtying pages starts
 * background write-back, so Dirty falls back within seconds.
 */
static void test_background_writeback(void)
{
	long long dirty = -1;
	int fd;

	if (!CHECK_OK(write_sysctl("dirty_writeback_centisecs", "0\n"),
		      "periodic write-back off (dirty_writeback_centisecs 0)") ||
	    !CHECK_OK(write_sysctl("dirty_expire_centisecs", "360000\n"),
		      "dirty_expire_centisecs 360000 (an hour)") ||
	    !CHECK_OK(write_sysctl("dirty_background_ratio", "0\n"),
		      "dirty_background_ratio 0")) {
		restore_knobs();
		return;
	}
	fd = fill_file("vm_sysctl.dirty", DIRTY_FILE_MIB, 'd', 0);
	if (CHECK(fd >= 0, "write %d MiB without fsync", DIRTY_FILE_MIB)) {
		/* Linux starts background write-back when a writer passes
		 * the threshold; a few more dirtied pages make sure one does
		 * after the knob took effect. */
		for (int i = 0; i < 200; i++) {
			dirty = meminfo_kib("Dirty");
			if (dirty >= 0 && dirty < 512)
				break;
			if (pwrite(fd, "x", 1, (off_t)(i % (DIRTY_FILE_MIB * 256)) * 4096) != 1)
				break;
			sleep_ms(50);
		}
		CHECK(dirty >= 0 && dirty < 512,
		      "the flusher wrote them back within 10 s (Dirty: %lld KiB)", dirty);
		close(fd);
	}
	unlink("vm_sysctl.dirty");
	restore_knobs();
}

/* ---- drop_caches ------------------------------------------------------------------ */

static int try_write_as_nobody(void *arg)
{
	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 2;
	return open("/proc/sys/vm/drop_caches", O_WRONLY) < 0 && errno == EACCES ? 0 : 1;
}

static void test_drop_caches_access(void)
{
	CHECK_ERR(open("/proc/sys/vm/drop_caches", O_RDONLY), EACCES,
		  "drop_caches cannot be opened for reading, even by root");
	CHECK_EXIT(run_in_child(try_write_as_nobody, NULL), 0,
		 "a user other than root cannot open it for writing (EACCES)");
	CHECK_ERR(write_sysctl("drop_caches", "0\n"), EINVAL, "drop_caches 0 is EINVAL");
	CHECK_ERR(write_sysctl("drop_caches", "5\n"), EINVAL, "drop_caches 5 is EINVAL");
	CHECK_ERR(write_sysctl("drop_caches", "all\n"), EINVAL, "drop_caches \"all\" is EINVAL");
	CHECK_OK(write_sysctl("drop_caches", "2\n"), "drop_caches 2 (slab objects)");
	CHECK_OK(write_sysctl("drop_caches", "3\n"), "drop_caches 3 (both)");
}

/* Does every byte of the first @mib MiB of @fd equal @c? */
static int file_holds(int fd, unsigned long mib, char c)
{
	static char buf[64 * 1024];

	for (unsigned long off = 0; off < mib * MiB; off += sizeof(buf)) {
		if (pread(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			return 0;
		for (size_t i = 0; i < sizeof(buf); i++)
			if (buf[i] != c)
				return 0;
	}
	return 1;
}

/* Does every byte of the first @n pages of @fd equal @c? */
static int pages_hold(int fd, int n, char c)
{
	char page[4096];

	for (int i = 0; i < n; i++) {
		if (pread(fd, page, sizeof(page), (off_t)i * 4096) != (ssize_t)sizeof(page))
			return 0;
		for (size_t j = 0; j < sizeof(page); j++)
			if (page[j] != c)
				return 0;
	}
	return 1;
}

static void test_drop_clean(void)
{
	long long before, after;
	int fd = fill_file("vm_sysctl.clean", DROP_FILE_MIB, 'c', 1);

	if (!CHECK(fd >= 0, "write and fsync a %d MiB file", DROP_FILE_MIB))
		return;
	CHECK(file_holds(fd, DROP_FILE_MIB, 'c'), "read it all (every page cached)");
	before = meminfo_kib("Cached");
	CHECK_OK(write_sysctl("drop_caches", "1\n"), "drop_caches 1");
	after = meminfo_kib("Cached");
	CHECK(before - after >= DROP_FILE_MIB * 1024 * 7 / 8,
	      "Cached fell by about the file's clean pages (%lld -> %lld KiB)", before, after);
	CHECK(file_holds(fd, DROP_FILE_MIB, 'c'), "and it reads back from the disk intact");
	close(fd);
	unlink("vm_sysctl.clean");
}

static void test_drop_keeps_dirty(void)
{
	int fd = open("vm_sysctl.keep", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char page[4096];

	if (!CHECK(fd >= 0, "create a file"))
		return;
	/* Make it clean on the disk holding 'o', then dirty in memory with 'n'. */
	memset(page, 'o', sizeof(page));
	for (int i = 0; i < 64; i++)
		write_all(fd, page, sizeof(page));
	fsync(fd);
	memset(page, 'n', sizeof(page));
	for (int i = 0; i < 64; i++)
		pwrite(fd, page, sizeof(page), (off_t)i * 4096);
	CHECK_OK(write_sysctl("drop_caches", "1\n"), "drop_caches 1 with 64 dirty pages");
	CHECK(pages_hold(fd, 64, 'n'), "the dirty pages were kept: the new data reads back");
	close(fd);
	unlink("vm_sysctl.keep");
}

static void test_drop_keeps_mapped(void)
{
	int fd = fill_file("vm_sysctl.mapped", 1, 'm', 1);
	volatile char *p;
	long sum = 0;

	if (!CHECK(fd >= 0, "write and fsync a 1 MiB file"))
		return;
	p = mmap(NULL, MiB, PROT_READ, MAP_SHARED, fd, 0);
	if (!CHECK(p != MAP_FAILED, "map it shared, read-only")) {
		close(fd);
		return;
	}
	for (unsigned long off = 0; off < MiB; off += 4096)
		sum += p[off];
	CHECK_EQ(sum, (long)'m' * 256, "read every page through the mapping");
	CHECK_OK(write_sysctl("drop_caches", "1\n"), "drop_caches 1 while it is mapped");
	CHECK_EQ(pwrite(fd, "W", 1, 4096 * 100), 1, "write() a byte into a mapped page");
	CHECK_EQ(p[4096 * 100], 'W', "the mapping sees it: its page stayed the cached one");
	munmap((void *)p, MiB);
	close(fd);
	unlink("vm_sysctl.mapped");
}

int main(void)
{
	char dir[256];

	if (enter_scratch_dir("vm_sysctl_test", dir, sizeof(dir)))
		return 1;
	for (size_t i = 0; i < NR_KNOBS; i++)
		saved[i] = -1;
	if (write_sysctl("drop_caches", "9\n") && errno != EINVAL) {
		tap_skip("cannot write /proc/sys/vm here", "drop_caches and the dirty_* knobs");
		leave_scratch_dir(dir);
		return tap_done();
	}
	test_knob_values();
	test_background_writeback();
	test_drop_caches_access();
	test_drop_clean();
	test_drop_keeps_dirty();
	test_drop_keeps_mapped();
	restore_knobs();
	leave_scratch_dir(dir);
	return tap_done();
}
