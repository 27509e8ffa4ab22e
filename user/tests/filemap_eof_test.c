/*
 * filemap_eof_test - mapped pages and the end of the file
 * (LINUX-SEMANTICS.md sections E and F):
 *
 *   31  any access to a mapped page wholly past EOF, shared or private,
 *       load or store, is SIGBUS with BUS_ADRERR and si_addr exact;
 *   32  the part of the last page past EOF reads as zeros;
 *   33  stores there are no file data, and an extension (ftruncate or a
 *       write past EOF) shows zeros, not those stores;
 *   34  ftruncate that grows makes pages accessible (zero, writable);
 *   35  ftruncate that shrinks unmaps every page past the new EOF in every
 *       process, private copies included;
 *   36  a shrink mid-page zeroes the rest of that page in place;
 *   37  ftruncate(0), then a write() makes page 0 valid again;
 *   38  the kernel touching such memory gives EFAULT or a short count;
 *   39  the ftruncate error table, RLIMIT_FSIZE included (EFBIG and
 *       SIGXFSZ; write() too, as generic_write_checks does).
 *
 * Not checked: EPERM for append-only inodes, which needs chattr.
 */
#include <sys/resource.h>

#include "filemap.h"
#include "memprobe.h"

#define RW (PROT_READ | PROT_WRITE)

/*
 * One access at p that must raise SIGBUS with BUS_ADRERR and si_addr p.
 * Prints one result line and, on failure, what happened instead.
 */
static int check_sigbus(char *p, int write, const char *what)
{
	struct probe pr;
	int sig = write ? probe_write(p, 'x', &pr) : probe_read(p, NULL, &pr);
	int ok = sig == SIGBUS && pr.code == BUS_ADRERR && pr.addr == p;

	tap_result(ok, "%s %s: SIGBUS, BUS_ADRERR, si_addr exact", what,
		   write ? "store" : "load");
	if (!ok)
		tap_diag("  got signal %d, si_code %d, si_addr %p (want %d, "
			 "%d, %p)", sig, pr.code, pr.addr, SIGBUS, BUS_ADRERR,
			 (void *)p);
	return ok;
}

/* One access at p that must not fault. */
static int check_no_signal(char *p, int write, const char *what)
{
	struct probe pr;
	int sig = write ? probe_write(p, 'x', &pr) : probe_read(p, NULL, &pr);

	tap_result(sig == 0, "%s %s: no signal", what, write ? "store" : "load");
	if (sig)
		tap_diag("  got signal %d, si_code %d, si_addr %p", sig,
			 pr.code, pr.addr);
	return sig == 0;
}

/* Number of non-zero bytes in p[from, to). */
static long nonzero(const char *p, long from, long to)
{
	long n = 0;

	for (long i = from; i < to; i++)
		n += ((volatile const char *)p)[i] != 0;
	return n;
}

/* Items 31 and 32: a 6000-byte file mapped four pages long. */
static void test_past_eof(void)
{
	int fd = make_file("eof", 6000, 20);
	char *sh = map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);
	char *pv = map_file(fd, 4 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	char *ro = map_file(fd, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, 0);

	REQUIRE(fd >= 0 && sh && pv && ro, "a 6000-byte file, mapped 4 pages "
		"long shared, private and private read-only");
	check_sigbus(sh + 2 * PAGE_SIZE + 123, 0, "shared, page 2");
	check_sigbus(sh + 2 * PAGE_SIZE + 124, 1, "shared, page 2");
	check_sigbus(sh + 3 * PAGE_SIZE, 1, "shared, page 3");
	check_sigbus(pv + 2 * PAGE_SIZE + 5, 0, "private, page 2");
	check_sigbus(pv + 3 * PAGE_SIZE + 4095, 1, "private, page 3 last byte");
	check_sigbus(ro + 2 * PAGE_SIZE, 0, "private read-only, page 2");

	check_no_signal(sh + 6000, 0, "shared, first byte past EOF (page 1)");
	CHECK_EQ(nonzero(sh, 6000, 2 * PAGE_SIZE), 0,
		 "shared: the bytes past EOF in the last page read as zero");
	CHECK_EQ(nonzero(ro, 6000, 2 * PAGE_SIZE), 0,
		 "private: the same bytes read as zero");
	CHECK_EQ(sh[5999], pattern_byte(5999, 20), "the last byte is the "
		 "file's");
	check_no_signal(pv + 8191, 1, "private, last byte of the EOF page");
	CHECK_EQ(file_size(fd), 6000, "nothing changed the size");
	munmap(sh, 4 * PAGE_SIZE);
	munmap(pv, 4 * PAGE_SIZE);
	munmap(ro, 4 * PAGE_SIZE);
	close(fd);
	unlink("eof");
}

/* Item 33, extension by ftruncate (grow == 1) or by pwrite (grow == 0). */
static void test_tail_stores(int grow)
{
	const char *how = grow ? "ftruncate" : "pwrite";
	int fd = make_file("tail", 6000, 21);
	char *sh = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	char c;

	REQUIRE(fd >= 0 && sh, "a 6000-byte file, mapped shared");
	check_no_signal(sh + 7000, 1, "a store into the tail past EOF");
	sh[6000] = 'T';
	sh[7001] = 'T';
	CHECK_EQ(sh[6000], 'T', "the mapping keeps it for now");
	CHECK_EQ(file_size(fd), 6000, "it did not change the size");
	CHECK_EQ(pread(fd, &c, 1, 7000), 0, "pread at its offset: 0 (EOF)");
	if (grow) {
		CHECK_OK(ftruncate(fd, 3 * PAGE_SIZE), "ftruncate to 3 pages");
		CHECK_EQ(file_size(fd), 3 * PAGE_SIZE, "the new size");
	} else {
		CHECK_EQ(pwrite(fd, "w", 1, 7500), 1, "pwrite one byte at 7500");
		CHECK_EQ(file_size(fd), 7501, "the new size");
	}
	CHECK(file_byte(fd, 6000) == 0 && file_byte(fd, 7000) == 0 &&
	      file_byte(fd, 7001) == 0,
	      "after %s: read() shows zeros where the tail stores were", how);
	CHECK(sh[6000] == 0 && sh[7000] == 0 && sh[7001] == 0,
	      "and so does the mapping");
	CHECK_EQ(nonzero(sh, 6000, 7500), 0, "%s: the whole old tail below "
		 "the new EOF reads zero through the mapping", how);
	munmap(sh, 2 * PAGE_SIZE);
	close(fd);
	unlink("tail");
}

/* Item 33, extension by a write past the EOF page. */
static void test_tail_write_far(void)
{
	int fd = make_file("far", 100, 22);
	char *sh = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);
	char *fresh;

	REQUIRE(fd >= 0 && sh, "a 100-byte file, mapped shared");
	sh[100] = 'T';
	sh[4095] = 'T';
	CHECK_EQ(pwrite(fd, "w", 1, 3 * PAGE_SIZE), 1,
		 "tail stores, then pwrite 3 pages further");
	CHECK(file_byte(fd, 100) == 0 && file_byte(fd, 4095) == 0,
	      "read() shows zeros where the tail stores were");
	CHECK(sh[100] == 0 && sh[4095] == 0, "and so does the mapping");
	fresh = map_file(fd, 4 * PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	REQUIRE(fresh != NULL, "map the grown file again");
	CHECK_EQ(nonzero(fresh, 100, 3 * PAGE_SIZE), 0,
		 "a new mapping shows zeros from the old EOF to the write");
	CHECK_EQ(fresh[3 * PAGE_SIZE], 'w', "and the written byte");
	munmap(fresh, 4 * PAGE_SIZE);
	munmap(sh, PAGE_SIZE);
	close(fd);
	unlink("far");
}

/* Item 34. */
static void test_grow(void)
{
	int fd = make_file("grow", PAGE_SIZE, 23);
	char *sh = map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);

	REQUIRE(fd >= 0 && sh, "a one-page file, mapped 4 pages long");
	check_sigbus(sh + PAGE_SIZE, 0, "before growing, page 1");
	CHECK_OK(ftruncate(fd, 3 * PAGE_SIZE), "ftruncate to 3 pages");
	check_no_signal(sh + PAGE_SIZE + 7, 0, "after growing, page 1");
	CHECK_EQ(nonzero(sh, PAGE_SIZE, 3 * PAGE_SIZE), 0,
		 "the new pages read as zero");
	check_no_signal(sh + 2 * PAGE_SIZE + 9, 1, "page 2");
	CHECK_EQ(file_byte(fd, 2 * PAGE_SIZE + 9), 'x',
		 "the store reached the file");
	check_sigbus(sh + 3 * PAGE_SIZE, 0, "page 3, still past EOF");
	CHECK_EQ(sh[0], pattern_byte(0, 23), "page 0 is unchanged");
	munmap(sh, 4 * PAGE_SIZE);
	close(fd);
	unlink("grow");
}

/* The other process of test_shrink: it maps the whole file, touches
 * page 3, waits, then reports how page 3 behaves. Exit code: 0 if SIGBUS. */
static int shrink_child(int up, int down)
{
	int fd = open("shrink", O_RDWR);
	char *m = fd < 0 ? NULL : map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);
	struct probe pr;

	if (!m)
		return 10;
	m[3 * PAGE_SIZE + 1] = 'c';
	give_turn(up);
	if (wait_turn(down) != 0)
		return 11;
	if (probe_read(m + 3 * PAGE_SIZE + 1, NULL, &pr) != SIGBUS)
		return 12;
	return pr.code == BUS_ADRERR ? 0 : 13;
}

/* Item 35: shrinking unmaps, everywhere, private copies too. */
static void test_shrink(void)
{
	int fd = make_file("shrink", 4 * PAGE_SIZE, 24), up[2], down[2];
	char *sh = map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);
	char *pv = map_file(fd, 4 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	pid_t pid;

	REQUIRE(fd >= 0 && sh && pv && pipe(up) == 0 && pipe(down) == 0,
		"a 4-page file, mapped shared and private, and pipes");
	for (int i = 0; i < 4; i++)
		(void)((volatile char *)sh)[i * PAGE_SIZE];
	pv[0] = 'p';				/* COW page 0 */
	pv[3 * PAGE_SIZE] = 'p';		/* COW page 3 */
	(void)((volatile char *)pv)[2 * PAGE_SIZE];	/* read-map page 2 */
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(shrink_child(up[1], down[0]));
	REQUIRE(wait_turn(up[0]) == 0, "another process maps the file and "
		"touches page 3");

	CHECK_OK(ftruncate(fd, 2 * PAGE_SIZE), "ftruncate to 2 pages");
	give_turn(down[1]);
	check_sigbus(sh + 2 * PAGE_SIZE, 0, "shared, page 2 (was mapped)");
	check_sigbus(sh + 3 * PAGE_SIZE + 1, 1, "shared, page 3 (was mapped)");
	check_sigbus(pv + 3 * PAGE_SIZE, 0, "private, page 3 (a COWed copy)");
	check_sigbus(pv + 2 * PAGE_SIZE, 0, "private, page 2 (read-mapped)");
	CHECK_EXIT(wait_child(pid), 0, "the other process: SIGBUS "
		   "(BUS_ADRERR) on its mapped page 3");
	CHECK(pv[0] == 'p' && sh[0] == pattern_byte(0, 24) &&
	      sh[PAGE_SIZE + 1] == pattern_byte(PAGE_SIZE + 1, 24),
	      "the pages below the new EOF are untouched, private copy "
	      "included");

	CHECK_OK(ftruncate(fd, 4 * PAGE_SIZE), "grow back to 4 pages");
	CHECK(sh[3 * PAGE_SIZE + 1] == 0 && pv[3 * PAGE_SIZE] == 0,
	      "page 3 is a new zero page, in the shared and the private "
	      "mapping (the private copy is gone)");
	munmap(sh, 4 * PAGE_SIZE);
	munmap(pv, 4 * PAGE_SIZE);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	close(fd);
	unlink("shrink");
}

/* Item 36: a shrink that ends mid-page. */
static void test_shrink_mid(void)
{
	int fd = make_file("mid", 2 * PAGE_SIZE, 25);
	char *sh = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	char *pv = map_file(fd, 2 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	char *ro = map_file(fd, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, 0);

	REQUIRE(fd >= 0 && sh && pv && ro, "a 2-page file, mapped shared, "
		"private and private read-only");
	(void)((volatile char *)sh)[0];
	(void)((volatile char *)ro)[0];
	pv[50] = 'p';				/* COW page 0 */
	CHECK_OK(ftruncate(fd, 100), "ftruncate to 100 bytes");
	check_no_signal(sh + 99, 0, "shared, the last byte");
	CHECK_EQ(sh[99], pattern_byte(99, 25), "it keeps its data");
	CHECK_EQ(nonzero(sh, 100, PAGE_SIZE), 0,
		 "the rest of the page was zeroed in place (shared)");
	CHECK_EQ(nonzero(ro, 100, PAGE_SIZE), 0,
		 "and in the uncopied private mapping");
	CHECK(pv[50] == 'p' && pv[200] == pattern_byte(200, 25),
	      "a private copy of that page keeps all its bytes (it is not "
	      "file data)");
	check_sigbus(sh + PAGE_SIZE, 0, "shared, page 1");
	CHECK_OK(ftruncate(fd, 2 * PAGE_SIZE), "grow back to 2 pages");
	CHECK(file_byte(fd, 200) == 0 && sh[200] == 0 && sh[PAGE_SIZE] == 0,
	      "the old data does not come back: zeros");
	munmap(sh, 2 * PAGE_SIZE);
	munmap(pv, 2 * PAGE_SIZE);
	munmap(ro, 2 * PAGE_SIZE);
	close(fd);
	unlink("mid");
}

/* Item 37. */
static void test_trunc0(void)
{
	int fd = make_file("zero", PAGE_SIZE, 26);
	char *sh = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);

	REQUIRE(fd >= 0 && sh, "a one-page file, mapped shared");
	sh[10] = 's';
	CHECK_OK(ftruncate(fd, 0), "ftruncate to 0");
	check_sigbus(sh, 0, "page 0");
	check_sigbus(sh + 10, 1, "page 0");
	CHECK_EQ(pwrite(fd, "abc", 3, 0), 3, "write 3 bytes at 0");
	check_no_signal(sh, 0, "page 0 again");
	CHECK(sh[0] == 'a' && sh[2] == 'c' && nonzero(sh, 3, PAGE_SIZE) == 0,
	      "it shows the write and a zero tail");
	munmap(sh, PAGE_SIZE);
	close(fd);
	unlink("zero");
}

/* Item 38: copies to and from such memory by the kernel. */
static void test_efault(void)
{
	int fd = make_file("efault", PAGE_SIZE, 27);
	int out = open("efault.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *sh = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	char *ro = map_file(fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);

	REQUIRE(fd >= 0 && out >= 0 && sh && ro, "a one-page file mapped "
		"2 pages long, read-only once, and an output file");
	CHECK_ERR(write(out, sh + PAGE_SIZE, 10), EFAULT,
		  "write() from a page past EOF: EFAULT");
	CHECK_EQ(write(out, sh + PAGE_SIZE - 100, 200), 100,
		 "write() from a buffer running past EOF: short count");
	CHECK_ERR(pread(fd, sh + PAGE_SIZE, 10, 0), EFAULT,
		  "pread() into a page past EOF: EFAULT");
	CHECK_EQ(pread(fd, sh + PAGE_SIZE - 100, 200, 0), 100,
		 "pread() into a buffer running past EOF: short count");
	CHECK(lseek(out, 0, SEEK_SET) == 0, "rewind the output file");
	CHECK_ERR(read(out, ro, 10), EFAULT,
		  "read() into a PROT_READ mapping: EFAULT");
	CHECK_ERR(pread(fd, ro + 100, 10, 0), EFAULT,
		  "pread() into a PROT_READ mapping of the same file: EFAULT");
	CHECK_EQ(file_size(out), 100, "the output file got the 100 bytes");
	munmap(sh, 2 * PAGE_SIZE);
	munmap(ro, PAGE_SIZE);
	close(out);
	close(fd);
	unlink("efault");
	unlink("efault.out");
}

/* Item 39. */
static void test_ftruncate_errors(void)
{
	int fd = make_file("errs", 500, 28);
	int rd = open("errs", O_RDONLY), dir = open(".", O_RDONLY), p[2];

	REQUIRE(fd >= 0 && rd >= 0 && dir >= 0 && pipe(p) == 0,
		"a file (O_RDWR and O_RDONLY), a directory and a pipe");
	CHECK_ERR(ftruncate(rd, 10), EINVAL, "ftruncate of an O_RDONLY fd: "
		  "EINVAL (not EBADF)");
	CHECK_ERR(ftruncate(fd, -1), EINVAL, "negative length: EINVAL");
	CHECK_ERR(ftruncate(9999, 10), EBADF, "bad fd: EBADF");
	CHECK_ERR(ftruncate(-1, 10), EBADF, "fd -1: EBADF");
	CHECK_ERR(ftruncate(p[1], 0), EINVAL, "a pipe: EINVAL");
	CHECK_ERR(ftruncate(dir, 0), EINVAL, "a directory: EINVAL");
	CHECK_OK(ftruncate(fd, 500), "the same size: 0");
	CHECK(file_size(fd) == 500 && file_byte(fd, 499) ==
	      (unsigned char)pattern_byte(499, 28), "and nothing changed");
	CHECK_ERR(truncate("errs", -5), EINVAL, "truncate() with a negative "
		  "length: EINVAL");
	CHECK_ERR(truncate(".", 0), EISDIR, "truncate() of a directory: "
		  "EISDIR");
	CHECK_ERR(truncate("no-such-file", 0), ENOENT, "truncate() of a "
		  "missing file: ENOENT");
	close(p[0]);
	close(p[1]);
	close(dir);
	close(rd);
	close(fd);
	unlink("errs");
}

static volatile int xfsz_count;

static void on_sigxfsz(int sig)
{
	(void)sig;
	xfsz_count++;
}

/* Item 39's RLIMIT_FSIZE row: growing past the limit. */
static void test_fsize_limit(void)
{
	int fd = make_file("fsize", 20000, 29);
	struct rlimit old, lim;
	struct sigaction sa, old_sa;

	REQUIRE(fd >= 0 && getrlimit(RLIMIT_FSIZE, &old) == 0,
		"a 20000-byte file, and the current RLIMIT_FSIZE");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigxfsz;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGXFSZ, &sa, &old_sa);
	lim = old;
	lim.rlim_cur = 8192;
	REQUIRE(setrlimit(RLIMIT_FSIZE, &lim) == 0, "set RLIMIT_FSIZE to 8192");

	xfsz_count = 0;
	CHECK_ERR(ftruncate(fd, 30000), EFBIG, "ftruncate growing past the "
		  "limit: EFBIG");
	CHECK_EQ(xfsz_count, 1, "and SIGXFSZ was sent");
	CHECK_EQ(file_size(fd), 20000, "the size did not change");
	CHECK_OK(ftruncate(fd, 12000), "ftruncate shrinking to a size still "
		 "past the limit: allowed");
	CHECK_OK(ftruncate(fd, 4000), "ftruncate to below the limit");
	CHECK_OK(ftruncate(fd, 8192), "ftruncate growing to the limit exactly");
	xfsz_count = 0;
	CHECK_EQ(pwrite(fd, "abcdefgh", 8, 8188), 4, "a write across the "
		 "limit is cut at it");
	CHECK_EQ(xfsz_count, 0, "without a signal");
	CHECK_ERR(pwrite(fd, "x", 1, 8192), EFBIG, "a write at the limit: "
		  "EFBIG");
	CHECK_EQ(xfsz_count, 1, "and SIGXFSZ");

	setrlimit(RLIMIT_FSIZE, &old);
	sigaction(SIGXFSZ, &old_sa, NULL);
	close(fd);
	unlink("fsize");
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("filemap_eof_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	test_past_eof();
	if (cwd_on_tmpfs()) {
		tap_skip("tmpfs keeps the stale tail when a file grows; item 33 "
			 "is ext2/ext4 behaviour", "tail stores read as zeros "
			 "after an extension");
	} else {
		test_tail_stores(1);
		test_tail_stores(0);
		test_tail_write_far();
	}
	test_grow();
	test_shrink();
	test_shrink_mid();
	test_trunc0();
	test_efault();
	test_ftruncate_errors();
	test_fsize_limit();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
