/*
 * fault_around_test - a read fault on a cached file maps the pages
 * around it ("fault-around", Linux's fault_around_bytes, 64 KiB by
 * default), seen from user space through ru_minflt:
 *
 *   - one read fault maps the whole aligned window: reads of the other
 *     pages in it cost no fault, the first read past it one;
 *   - the pages it maps are read-only where a write must be noticed: in
 *     a shared mapping the first store to one still faults (dirty
 *     tracking, and again after msync), in a private one it still makes
 *     a private copy that the file never sees;
 *   - nothing past EOF: the tail of the last page reads zeros, the page
 *     after it SIGBUS; a truncate removes what fault-around mapped, and
 *     after the file grows back the old data is gone;
 *   - on Faultline, /proc/sys/vm/fault_around_bytes sets the window
 *     (4096 turns it off: one fault per page).
 *
 * The mappings are placed at addresses aligned to the window, so the
 * counts do not depend on where mmap puts them. The same binary runs on
 * Linux (make test-linux), whose window is read from debugfs when that
 * is readable and is otherwise its default, 64 KiB; the dirty-tracking
 * checks are skipped on tmpfs, which tracks no dirty pages (item 47).
 */
#include <sys/syscall.h>

#include "filemap.h"
#include "memprobe.h"

#define RW (PROT_READ | PROT_WRITE)
#define PG(n) ((long)(n) * PAGE_SIZE)
#define NPAGES 64

#define LOAD(p)		count_faults((p), 0, 0)
#define STORE(p, v)	count_faults((p), 1, (v))

#define SYSCTL "/proc/sys/vm/fault_around_bytes"

static long window;     /* pages */

static long read_number(const char *path)
{
	char buf[32];
	ssize_t n = read_file(path, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * mmap @len bytes of @fd at @off at an address aligned to 2 MiB (a page
 * table of its own, and every window aligned), or NULL.
 */
static char *map_aligned(int fd, long len, int prot, int flags, long off)
{
	long span = len + (2L << 20);
	char *r = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (r == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)r + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	if (mmap(p, len, prot, flags | MAP_FIXED, fd, off) == MAP_FAILED)
		return NULL;
	if (p > r)
		munmap(r, p - r);
	munmap(p + len, r + span - (p + len));
	return p;
}

/* Loads of pages [from, to) of @p: the faults they cost, and whether each
 * read what the file holds (pattern @seed). */
static long load_range(char *p, long from, long to, int seed, int *right)
{
	long before = minflt();

	*right = 1;
	for (long i = from; i < to; i++)
		*right &= ((volatile char *)p)[PG(i) + 7] == pattern_byte(PG(i) + 7, seed);
	return minflt() - before;
}

static void test_window(int fd, int seed)
{
	char *p = map_aligned(fd, PG(NPAGES), RW, MAP_SHARED, 0);
	int right;

	REQUIRE(p != NULL, "map the file shared at an aligned address");
	CHECK_EQ(LOAD(p + PG(5)), 1, "a read in the first window: 1 fault");
	CHECK_EQ(load_range(p, 0, window, seed, &right), 0,
		 "reads of the other %ld pages of the window: no fault", window - 1);
	CHECK(right, "and they read the file's bytes");
	CHECK_EQ(load_range(p, window, window + 1, seed, &right), 1,
		 "the first read past the window: 1 fault");
	CHECK_EQ(load_range(p, window + 1, 2 * window, seed, &right), 0,
		 "and the rest of the second window: none");

	if (cwd_on_tmpfs()) {
		tap_skip("tmpfs tracks no dirty pages (item 47)",
			 "stores to pages fault-around mapped fault");
	} else {
		CHECK_EQ(STORE(p + PG(3), 's'), 1, "a store to a page fault-around "
			 "mapped: 1 fault (it was mapped read-only)");
		CHECK_EQ(STORE(p + PG(3) + 1, 's'), 0, "the next store: none");
		CHECK_OK(msync(p, PG(NPAGES), MS_SYNC), "msync(MS_SYNC)");
		CHECK_EQ(STORE(p + PG(3) + 2, 't'), 1, "after msync the next store "
			 "faults again");
		CHECK_EQ(STORE(p + PG(4), 'u'), 1, "so does the first store to "
			 "another page of the window");
		CHECK_EQ(file_byte(fd, PG(3) + 2), 't', "the stores reached the file");
		CHECK_EQ(file_byte(fd, PG(4)), 'u', "both");
	}
	munmap(p, PG(NPAGES));
}

static void test_private(int fd, int seed)
{
	char *p = map_aligned(fd, PG(NPAGES), RW, MAP_PRIVATE, 0);
	int right;

	REQUIRE(p != NULL, "map the file private at an aligned address");
	CHECK_EQ(LOAD(p + PG(window + 3)), 1, "private: a read fault");
	CHECK_EQ(load_range(p, window, 2 * window, seed, &right), 0,
		 "the window around it reads without faults");
	CHECK(right, "the file's bytes");
	CHECK_EQ(STORE(p + PG(window + 1), 'p'), 1, "a store to one of those "
		 "pages: 1 fault (copy-on-write)");
	CHECK_EQ(p[PG(window + 1)], 'p', "the mapping sees the store");
	CHECK_EQ(file_byte(fd, PG(window + 1)), (unsigned char)pattern_byte(PG(window + 1), seed),
		 "the file does not");
	CHECK_EQ(load_range(p, window + 2, window + 3, seed, &right), 0,
		 "its neighbour still maps the file, without a fault");
	CHECK(right, "and reads the file's bytes");
	munmap(p, PG(NPAGES));
}

/* A file of 20 pages and 100 bytes, mapped over 2 windows' worth. */
static void test_eof(int seed)
{
	long size = PG(20) + 100;
	int fd = make_file("eof", size, seed);
	char *p;
	char c = 1;
	struct probe pr;
	int right;

	REQUIRE(fd >= 0, "a file of 20 pages and 100 bytes");
	p = map_aligned(fd, PG(32), PROT_READ, MAP_SHARED, 0);
	REQUIRE(p != NULL, "map 32 pages of it");
	CHECK_EQ(LOAD(p + PG(17)), 1, "a read fault on page 17");
	CHECK_EQ(load_range(p, 16, 20, seed, &right), 0, "pages 16-19 are mapped");
	CHECK(right, "and read the file");
	CHECK_EQ(LOAD(p + PG(20)), 0, "the EOF page too");
	CHECK_EQ(probe_read(p + size, &c, NULL), 0, "the EOF page's tail reads");
	CHECK_EQ(c, 0, "zeros");
	CHECK_EQ(probe_read(p + PG(21), &c, &pr), SIGBUS, "the page after EOF: SIGBUS");
	CHECK_EQ(pr.code, BUS_ADRERR, "BUS_ADRERR");
	munmap(p, PG(32));
	close(fd);
	unlink("eof");
}

static void test_truncate(int fd, int seed)
{
	char *p = map_aligned(fd, PG(NPAGES), PROT_READ, MAP_SHARED, 0);
	char c = 1;
	int right;

	REQUIRE(p != NULL, "map the file again");
	CHECK_EQ(LOAD(p), 1, "a read fault maps the first window");
	CHECK_OK(ftruncate(fd, PG(5)), "truncate the file to 5 pages");
	CHECK_EQ(probe_read(p + PG(10), &c, NULL), SIGBUS, "page 10, which fault-around "
		 "had mapped, is gone: SIGBUS");
	CHECK_EQ(load_range(p, 0, 5, seed, &right), 0, "pages 0-4 stay mapped");
	CHECK(right, "with the file's bytes");
	CHECK_OK(ftruncate(fd, PG(NPAGES)), "grow it back to 64 pages");
	CHECK_EQ(probe_read(p + PG(10) + 7, &c, NULL), 0, "page 10 reads again");
	CHECK_EQ(c, 0, "zeros: the old data went with the truncate");
	munmap(p, PG(NPAGES));
}

/* Faultline's knob (Linux has it in debugfs only). */
static void test_sysctl(int fd, int seed)
{
	long old = read_number(SYSCTL);
	char *p;
	int right;

	if (old < 0) {
		tap_skip("no " SYSCTL " (Linux keeps fault_around_bytes in debugfs)",
			 "the fault_around_bytes knob");
		return;
	}
	CHECK_EQ(old, PG(window), SYSCTL " reads the window in bytes");
	REQUIRE(write_file(SYSCTL, "4096\n") == 0, "write 4096 to " SYSCTL);
	p = map_aligned(fd, PG(NPAGES), PROT_READ, MAP_SHARED, 0);
	REQUIRE(p != NULL, "map the file");
	CHECK_EQ(load_range(p, 0, 4, seed, &right), 4, "with 4096, each read of a "
		 "new page faults: 4 faults for 4 pages");
	CHECK(write_file(SYSCTL, "30000") == 0 && read_number(SYSCTL) == 16384,
	      "30000 rounds down to 16384 (4 pages)");
	CHECK_EQ(load_range(p, 8, 16, seed, &right), 2, "8 pages in 4-page windows: 2 faults");
	CHECK(right, "the file's bytes");
	CHECK_ERR(write_file(SYSCTL, "4194304"), EINVAL, "more than a page table: EINVAL");
	CHECK_ERR(write_file(SYSCTL, "lots"), EINVAL, "not a number: EINVAL");
	munmap(p, PG(NPAGES));
	{
		char buf[32];

		snprintf(buf, sizeof(buf), "%ld\n", old);
		CHECK_OK(write_file(SYSCTL, buf), "restore %ld", old);
	}
}

int main(void)
{
	char dir[64];
	int seed = 7, fd;

	REQUIRE(enter_scratch_dir("fault_around_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	window = read_number(SYSCTL);
	if (window < 0)
		window = read_number("/sys/kernel/debug/fault_around_bytes");
	window = window > 0 ? window / PAGE_SIZE : 16;
	if (window < 2 || window > 16) {
		tap_skip("fault-around is off or wider than 16 pages here",
			 "fault-around (window %ld pages)", window);
		leave_scratch_dir(dir);
		return tap_done();
	}
	fd = make_file("file", PG(NPAGES), seed);
	REQUIRE(fd >= 0 && fsync(fd) == 0, "a file of 64 pages, written back");
	test_window(fd, seed);
	/* test_window stored into pages 3 and 4: new contents there. */
	fd = (close(fd), make_file("file", PG(NPAGES), ++seed));
	REQUIRE(fd >= 0 && fsync(fd) == 0, "rewritten");
	test_private(fd, seed);
	test_eof(seed);
	test_sysctl(fd, seed);
	test_truncate(fd, seed);
	close(fd);
	unlink("file");
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
