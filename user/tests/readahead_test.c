/*
 * readahead_test - fadvise64 and madvise's readahead hints, their errors
 * and their effects on the page cache, seen through mincore()
 * (docs/readahead.md).
 *
 * Errors: posix_fadvise returns the error number (it does not set errno):
 * EBADF for a bad or closed fd, ESPIPE for a pipe, EINVAL for unknown
 * advice and a negative length; madvise EINVAL for unknown advice and an
 * unaligned start, ENOMEM for a range with a hole (the mapped part still
 * advised); mincore EINVAL / ENOMEM / EFAULT.
 *
 * Effects, each on a file whose pages were first dropped from the cache
 * (fdatasync, POSIX_FADV_DONTNEED, checked with mincore): DONTNEED drops
 * clean pages; WILLNEED reads a range in; one read() of the first page
 * reads ahead, but not with POSIX_FADV_RANDOM; a mapped read of one page
 * reads around it, but not with MADV_RANDOM; MADV_SEQUENTIAL reads ahead
 * of the fault; MADV_WILLNEED reads a mapped range in; MADV_RANDOM on part
 * of a mapping splits it (/proc/self/maps) and MADV_NORMAL merges it
 * back. Every byte read is checked.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"

#define PG 4096
#define NPAGES 256                      /* 1 MiB: several windows of 128 KiB */

static unsigned char byte_at(long i)
{
	return (unsigned char)(i * 13 + (i >> 12));
}

static int make_data_file(const char *name, long pages)
{
	static unsigned char buf[PG];
	int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);

	if (fd < 0)
		return -1;
	for (long p = 0; p < pages; p++) {
		for (long i = 0; i < PG; i++)
			buf[i] = byte_at(p * PG + i);
		if (write(fd, buf, PG) != PG)
			return -1;
	}
	return fsync(fd) == 0 ? fd : -1;
}

/* Pages of [0, pages) of @fd in the cache now (a fresh mapping's mincore). */
static long resident(int fd, long pages, unsigned char *vec)
{
	void *map = mmap(NULL, (size_t)pages * PG, PROT_READ, MAP_SHARED, fd, 0);
	long n = 0;

	if (map == MAP_FAILED)
		return -1;
	if (mincore(map, (size_t)pages * PG, vec) != 0)
		n = -1;
	for (long i = 0; n >= 0 && i < pages; i++)
		n += vec[i] & 1;
	munmap(map, (size_t)pages * PG);
	return n;
}

/* Wait (up to 5 s) for at least @want pages resident: WILLNEED's reads
 * are asynchronous. Returns the count last seen. */
static long wait_resident(int fd, long pages, long want, unsigned char *vec)
{
	long n = 0;

	for (int i = 0; i < 500; i++) {
		n = resident(fd, pages, vec);
		if (n >= want || n < 0)
			break;
		usleep(10000);
	}
	return n;
}

/* Drop the file's pages; true if none is left. A page whose read (ahead)
 * is still in flight is not dropped, and mincore does not count it yet:
 * so none must be seen twice, 20 ms apart. */
static bool drop(int fd, unsigned char *vec)
{
	for (int i = 0; i < 50; i++) {
		fdatasync(fd);
		if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
			return false;
		if (resident(fd, NPAGES, vec) != 0)
			continue;
		usleep(20000);
		if (resident(fd, NPAGES, vec) == 0)
			return true;
	}
	return false;
}

static bool page_ok(const unsigned char *p, long page)
{
	for (long i = 0; i < PG; i++)
		if (p[i] != byte_at(page * PG + i))
			return false;
	return true;
}

static void test_fadvise_errors(int fd)
{
	int pfd[2];

	CHECK_EQ(posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL), EBADF, "fadvise: fd -1: EBADF");
	CHECK_EQ(posix_fadvise(1000, 0, 0, POSIX_FADV_NORMAL), EBADF, "fadvise: a closed fd: EBADF");
	if (CHECK_OK(pipe(pfd), "a pipe")) {
		CHECK_EQ(posix_fadvise(pfd[0], 0, 0, POSIX_FADV_NORMAL), ESPIPE,
			 "fadvise: a pipe: ESPIPE");
		CHECK_EQ(posix_fadvise(pfd[1], 0, 0, 99), ESPIPE,
			 "fadvise: a pipe with bad advice: ESPIPE (checked first)");
		close(pfd[0]);
		close(pfd[1]);
	}
	CHECK_EQ(posix_fadvise(fd, 0, 0, 6), EINVAL, "fadvise: advice 6: EINVAL");
	CHECK_EQ(posix_fadvise(fd, 0, 0, -1), EINVAL, "fadvise: advice -1: EINVAL");
	CHECK_EQ(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL), EINVAL,
		 "fadvise: a negative length: EINVAL");
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), 0, "fadvise: NORMAL: 0");
	CHECK_EQ(posix_fadvise(fd, 0, PG, POSIX_FADV_SEQUENTIAL), 0, "fadvise: SEQUENTIAL: 0");
	CHECK_EQ(posix_fadvise(fd, PG, PG, POSIX_FADV_RANDOM), 0, "fadvise: RANDOM: 0");
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_NOREUSE), 0, "fadvise: NOREUSE: 0");
	CHECK_EQ(posix_fadvise(fd, (off_t)1 << 40, PG, POSIX_FADV_WILLNEED), 0,
		 "fadvise: WILLNEED far past EOF: 0");
	CHECK_EQ(posix_fadvise(fd, PG, 0, POSIX_FADV_WILLNEED), 0,
		 "fadvise: WILLNEED from page 1 to the end (length 0): 0");
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), 0, "fadvise: NORMAL again: 0");
	{
		int nfd = open("/dev/null", O_RDONLY);

		CHECK_EQ(posix_fadvise(nfd, 0, 0, POSIX_FADV_WILLNEED), 0,
			 "fadvise: /dev/null (no page cache): WILLNEED accepted");
		CHECK_EQ(posix_fadvise(nfd, 0, 0, 17), EINVAL, "fadvise: /dev/null, advice 17: EINVAL");
		close(nfd);
	}
}

static void test_fadvise_effects(int fd, unsigned char *vec)
{
	static unsigned char buf[PG];
	long n;

	CHECK(resident(fd, NPAGES, vec) > 0, "the file's pages are cached after writing it");
	if (!CHECK(drop(fd, vec), "DONTNEED after fdatasync drops every page"))
		return;
	CHECK_EQ(posix_fadvise(fd, 64 * PG, 32 * PG, POSIX_FADV_WILLNEED), 0, "WILLNEED pages 64-95");
	n = wait_resident(fd, NPAGES, 32, vec);
	CHECK_EQ(n, 32, "WILLNEED read exactly pages 64-95 in (%ld resident)", n);
	CHECK(vec[64] && vec[95] && !vec[63] && !vec[96], "... and no others");
	CHECK_EQ(posix_fadvise(fd, 64 * PG + 1, 2 * PG, POSIX_FADV_DONTNEED), 0,
		 "DONTNEED of 2 pages from an unaligned offset");
	n = resident(fd, NPAGES, vec);
	CHECK(n == 31 && !vec[65] && vec[64] && vec[66],
	      "... drops only the one page wholly inside the range (%ld left)", n);

	if (!CHECK(drop(fd, vec), "drop the file again"))
		return;
	CHECK_EQ(pread(fd, buf, PG, 0), PG, "read() the first page");
	CHECK(page_ok(buf, 0), "... its bytes are right");
	n = wait_resident(fd, NPAGES, 2, vec);   /* the pages ahead are read asynchronously */
	CHECK(n > 1, "a read of the first page reads ahead (%ld pages resident)", n);

	if (!CHECK(drop(fd, vec), "drop the file again"))
		return;
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM), 0, "POSIX_FADV_RANDOM");
	for (long p = 0; p < 4; p++)
		CHECK(pread(fd, buf, PG, p * PG) == PG && page_ok(buf, p), "RANDOM: read page %ld", p);
	n = resident(fd, NPAGES, vec);
	CHECK_EQ(n, 4, "RANDOM: four reads, four pages, no readahead");
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), 0, "back to NORMAL");

	if (!CHECK(drop(fd, vec), "drop the file again"))
		return;
	{
		long wrong = 0;

		CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0, "POSIX_FADV_SEQUENTIAL");
		for (long p = 0; p < NPAGES; p++)
			wrong += pread(fd, buf, PG, p * PG) != PG || !page_ok(buf, p);
		CHECK_EQ(wrong, 0, "SEQUENTIAL: every page of a sequential read is right");
		CHECK_EQ(resident(fd, NPAGES, vec), NPAGES, "... and all of them are cached");
		CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL), 0, "back to NORMAL");
	}
}

static long majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_majflt : -1;
}

/* A counter of /proc/vmstat, or -1. */
static long vmstat(const char *name)
{
	static char text[8192];
	int fd = open("/proc/vmstat", O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	size_t nl = strlen(name);

	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return -1;
	text[len] = '\0';
	for (char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, nl) && p[nl] == ' ')
			return atol(p + nl + 1);
	return -1;
}

/* Lines of /proc/self/maps naming @name. */
static int maps_lines(const char *name)
{
	static char text[16384];
	int fd = open("/proc/self/maps", O_RDONLY), n = 0;
	ssize_t len = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return -1;
	text[len] = '\0';
	for (char *p = text; (p = strstr(p, name)) != NULL; p += strlen(name))
		n++;
	return n;
}

static void test_madvise(int fd, unsigned char *vec)
{
	size_t len = (size_t)NPAGES * PG;
	unsigned char *map = mmap(NULL, len + PG, PROT_READ, MAP_SHARED, fd, 0);
	volatile unsigned char sink;
	long n, maj, vmmaj;

	if (!CHECK(map != MAP_FAILED, "map the file"))
		return;
	/* A hole right after the mapping (another mapping could sit there). */
	CHECK_OK(munmap(map + len, PG), "unmap the page after the file's");
	CHECK_ERR(madvise(map, PG, 60), EINVAL, "madvise: advice 60: EINVAL");
	CHECK_ERR(madvise(map + 1, PG, MADV_RANDOM), EINVAL, "madvise: unaligned start: EINVAL");
	CHECK_ERR(madvise(map + len - PG, 2 * PG, MADV_SEQUENTIAL), ENOMEM,
		  "madvise SEQUENTIAL over the end of the mapping: ENOMEM");
	CHECK_ERR(madvise(map + len - PG, 2 * PG, MADV_WILLNEED), ENOMEM,
		  "madvise WILLNEED over the end of the mapping: ENOMEM");
	CHECK_OK(madvise(map, len, MADV_NORMAL), "madvise NORMAL");
	CHECK_ERR(mincore(map + 1, PG, vec), EINVAL, "mincore: unaligned start: EINVAL");
	CHECK_ERR(mincore(map + len, PG, vec), ENOMEM, "mincore: past the mapping: ENOMEM");
	CHECK_ERR(mincore(map, PG, (unsigned char *)8), EFAULT, "mincore: a bad vector: EFAULT");

	CHECK_EQ(maps_lines("ra_data"), 1, "/proc/self/maps: the file is one mapping");
	CHECK_OK(madvise(map + 16 * PG, 16 * PG, MADV_RANDOM), "MADV_RANDOM on pages 16-31");
	CHECK_EQ(maps_lines("ra_data"), 3, "... splits the mapping in three");
	CHECK_OK(madvise(map + 16 * PG, 16 * PG, MADV_NORMAL), "MADV_NORMAL on pages 16-31");
	CHECK_EQ(maps_lines("ra_data"), 1, "... merges it back");
	munmap(map, len);

	/* Read-around: one mapped read of page 100 brings its neighbours. */
	if (!CHECK(drop(fd, vec), "drop the file"))
		return;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(page_ok(map + 100 * PG, 100), "a mapped read of page 100 is right");
	n = wait_resident(fd, NPAGES, 2, vec);
	CHECK(n > 1, "... and reads around it (%ld pages resident)", n);
	munmap(map, len);

	/* MADV_RANDOM: a fault reads its page only. */
	if (!CHECK(drop(fd, vec), "drop the file"))
		return;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK_OK(madvise(map, len, MADV_RANDOM), "MADV_RANDOM on the whole mapping");
	maj = majflt();
	vmmaj = vmstat("pgmajfault");
	CHECK(page_ok(map + 100 * PG, 100) && page_ok(map + 7 * PG, 7), "MADV_RANDOM: two mapped reads are right");
	maj = majflt() - maj;
	vmmaj = vmstat("pgmajfault") - vmmaj;
	n = resident(fd, NPAGES, vec);
	CHECK_EQ(n, 2, "MADV_RANDOM: two faults read two pages");
	CHECK_EQ(maj, 2, "... and both are major faults (ru_majflt)");
	CHECK(vmmaj >= 2, "... counted in /proc/vmstat pgmajfault (%ld)", vmmaj);
	munmap(map, len);

	/* MADV_SEQUENTIAL: reads ahead of the fault, not behind it. */
	if (!CHECK(drop(fd, vec), "drop the file"))
		return;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK_OK(madvise(map, len, MADV_SEQUENTIAL), "MADV_SEQUENTIAL");
	sink = map[100 * PG];
	(void)sink;
	n = wait_resident(fd, NPAGES, 2, vec);
	{
		long behind = 0;

		for (long p = 0; p < 100; p++)
			behind += vec[p] & 1;
		CHECK(n > 1 && vec[100] && !behind, "MADV_SEQUENTIAL: a fault at page 100 reads "
		      "ahead, not behind (%ld resident, %ld behind)", n, behind);
	}
	munmap(map, len);

	/* MADV_WILLNEED reads the mapped range in. */
	if (!CHECK(drop(fd, vec), "drop the file"))
		return;
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	CHECK_OK(madvise(map + 128 * PG, 64 * PG, MADV_WILLNEED), "MADV_WILLNEED on pages 128-191");
	n = wait_resident(fd, NPAGES, 64, vec);
	CHECK(n == 64 && vec[128] && vec[191] && !vec[127] && !vec[192],
	      "... reads exactly those pages in (%ld resident)", n);
	{
		long wrong = 0;

		for (long p = 0; p < NPAGES; p++)
			wrong += !page_ok(map + p * PG, p);
		CHECK_EQ(wrong, 0, "every page of the mapping reads right");
	}
	munmap(map, len);
}

/*
 * Readahead racing with truncate: a child truncates the file to 0 and
 * writes it again, each generation with its own bytes, syncing it and
 * dropping it from the cache (DONTNEED) so that readahead reads from the
 * disk, for RACE_MS; the parent meanwhile reads it sequentially with
 * read(), dropping it too, over and over. (Mapped reads under truncate
 * are the truncrace suite's, readahead in play.) Every 1 KiB block
 * of every whole page read must be one generation's bytes for that
 * offset, and all blocks of a page the same generation: readahead must
 * never read blocks that truncate freed (or another generation reused)
 * into a page that stays the file's.
 */
#define RACE_PAGES 64
#define RACE_MS 1500

static void race_fill(unsigned char *p, long page, uint32_t gen)
{
	for (int b = 0; b < PG / 1024; b++) {
		unsigned char *blk = p + b * 1024;
		uint32_t hdr[2] = { gen, (uint32_t)(page * 4 + b) };

		memcpy(blk, hdr, sizeof(hdr));
		for (int i = 8; i < 1024; i++)
			blk[i] = (unsigned char)(gen * 31 + page * 7 + b * 3 + i);
	}
}

/* 1 if @p is one generation's page @page (its generation in *@gen). */
static int race_page_ok(const unsigned char *p, long page, uint32_t *gen)
{
	static unsigned char want[PG];
	uint32_t g;

	memcpy(&g, p, sizeof(g));
	race_fill(want, page, g);
	*gen = g;
	return memcmp(p, want, PG) == 0;
}

/* Say how the page read at @page differs from any generation's. */
static void race_explain(const unsigned char *p, long page)
{
	static unsigned char want[PG];

	for (int b = 0; b < PG / 1024; b++) {
		uint32_t hdr[2];
		int bad = -1;

		memcpy(hdr, p + b * 1024, sizeof(hdr));
		race_fill(want, page, hdr[0]);
		for (int i = 0; i < 1024 && bad < 0; i++)
			if (p[b * 1024 + i] != want[b * 1024 + i])
				bad = i;
		tap_diag("race: page %ld block %d: generation %u, block %u (want %ld), "
			 "first wrong byte %d", page, b, hdr[0], hdr[1], page * 4 + b, bad);
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void race_writer(const char *name)
{
	static unsigned char buf[PG];
	int fd = open(name, O_RDWR);
	long end = now_ms() + RACE_MS;

	for (uint32_t gen = 2; now_ms() < end; gen++) {
		if (ftruncate(fd, 0) != 0)
			_exit(2);
		for (long p = 0; p < RACE_PAGES; p++) {
			race_fill(buf, p, gen);
			if (pwrite(fd, buf, PG, p * PG) != PG)
				_exit(3);
		}
		if (gen % 2 == 0) {
			fdatasync(fd);
			posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		}
	}
	_exit(0);
}

static void test_truncate_race(void)
{
	static unsigned char buf[PG];
	const char *name = "ra_race";
	long checked = 0, wrong = 0, end;
	int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644), status;
	pid_t child;

	for (long p = 0; fd >= 0 && p < RACE_PAGES; p++) {
		race_fill(buf, p, 1);
		if (pwrite(fd, buf, PG, p * PG) != PG)
			fd = -1;
	}
	if (!CHECK(fd >= 0, "race: a %d-page file", RACE_PAGES))
		return;
	child = fork();
	if (child == 0)
		race_writer(name);
	end = now_ms() + RACE_MS;
	while (now_ms() < end) {
		uint32_t gen;

		/* read(): whole pages up to EOF (a short page is the new EOF). */
		for (long p = 0; p < RACE_PAGES; p++) {
			if (pread(fd, buf, PG, p * PG) != PG)
				break;
			if (!race_page_ok(buf, p, &gen) && wrong++ < 3)
				race_explain(buf, p);
			checked++;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "race: the truncating writer ran to its end");
	CHECK(checked > 0 && wrong == 0,
	      "race: %ld pages read under readahead while truncated and rewritten, %ld wrong",
	      checked, wrong);
	close(fd);
	unlink(name);
}

int main(void)
{
	static unsigned char vec[NPAGES + 16];
	char dir[64];
	int fd;

	REQUIRE(enter_scratch_dir("readahead_test", dir, sizeof(dir)) == 0, "scratch directory");
	fd = make_data_file("ra_data", NPAGES);
	REQUIRE(fd >= 0, "a 1 MiB file, written and fsynced");
	test_fadvise_errors(fd);
	test_fadvise_effects(fd, vec);
	test_madvise(fd, vec);
	test_truncate_race();
	close(fd);
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
