/*
 * overmem_file_test - file mappings larger than memory (issue 13, item 9:
 * a, b and f; docs/reclaim.md).
 *
 *   overmem_file_test                       a small run (8 MiB files)
 *   overmem_file_test --mb MIB [--only read|write|truncate] [--keep PATH]
 *                     [--trunc-mb MIB]
 *   overmem_file_test --verify PATH --mb MIB
 *
 * read: write a file of MIB MiB with write() (every page its own pattern,
 * overmem.h), fsync it, map it PROT_READ/MAP_PRIVATE and read every page
 * through the mapping, checking every word. With MIB three times the
 * memory, reclaim must unmap and free mapped clean page-cache pages
 * (try_to_unmap through i_mmap) for the reads to go on: before issue 13
 * the program was OOM-killed after about 64 MiB on MEM=128M.
 *
 * write: create a file of MIB MiB with ftruncate, map it MAP_SHARED and
 * store every page's pattern through the mapping, msync(MS_SYNC), and
 * check the size and a sample of the pages with pread() (the whole file
 * is checked by --verify in a second boot and by the host with debugfs:
 * tests/run.py, suite overmem). Reclaim must write the dirty mapped pages
 * back (pageout through ->writepage) to free them. --keep PATH names the
 * file and keeps it ("# kept PATH: N MiB"); otherwise it is removed.
 *
 * truncate: a child stores every page of a MAP_SHARED file of --trunc-mb
 * MiB (default 5/12 of MIB, about 1.25 times the memory of a run with
 * MIB three times it), so reclaim is writing its dirty pages back, while
 * the parent, once the child is 90% through, truncates the file to 3/5
 * of that. The child must die of SIGBUS at a page past the new end (or,
 * if it had finished, at its next store there); the size must be the
 * new one; every page before it right; a load past it SIGBUS; and once
 * the file is extended again, the truncated part reads as zeros. No
 * crash, no error.
 *
 * --verify PATH: read PATH with read() and check that it is the write
 * step's file of MIB MiB, every page (the second boot of suite overmem).
 *
 * Files are created in the current directory (make exec: /tmp).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "overmem.h"
#include "tap.h"
#include "testutil.h"

#define SEED_READ       0xa11ce5ULL     /* the read step's file */
#define SEED_WRITE      0xb0b0b0ULL     /* the write step's file: tests/run.py knows it */
#define SEED_TRUNC      0x7a7a7aULL
#define CHUNK           (1 << 20)       /* write()/read() size */
#define SHOW_WRONG      3               /* diagnostics for the first N wrong pages */
#define SIGBUS_EXIT     42              /* the truncate child: died of SIGBUS where allowed */

static uint64_t mib = 8;

/* Check @len bytes (whole pages) at @buf, pages @first...; counts the
 * wrong ones into *wrong, printing the first few. */
static void check_pages(const unsigned char *buf, size_t len, uint64_t seed,
			uint64_t first, uint64_t npages, long *wrong, const char *what)
{
	char why[64];

	for (size_t off = 0; off < len; off += OM_PAGE) {
		uint64_t page = first + off / OM_PAGE;
		int bad = om_check_page(buf + off, seed, page);

		if (bad < 0)
			continue;
		if ((*wrong)++ < SHOW_WRONG)
			tap_diag("%s: page %llu word %d wrong: it holds %s", what,
				 (unsigned long long)page, bad,
				 om_describe(buf + off, seed, npages, why, sizeof(why)));
	}
}

/* Write @size bytes of data set @seed to a new file @path with write(). */
static int write_with_write(const char *path, uint64_t seed, uint64_t size)
{
	unsigned char *buf = aligned_alloc(OM_PAGE, CHUNK);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	int ok = buf && fd >= 0;

	for (uint64_t off = 0; ok && off < size; off += CHUNK) {
		size_t len = size - off < CHUNK ? size - off : CHUNK;

		for (size_t p = 0; p < len; p += OM_PAGE)
			om_fill_page(buf + p, seed, (off + p) / OM_PAGE);
		if (write_all(fd, buf, len) != 0) {
			tap_diag("write at %llu failed (errno %d %s)",
				 (unsigned long long)off, errno, tap_errno_name(errno));
			ok = 0;
		}
	}
	if (ok && fsync(fd) != 0)
		ok = 0;
	if (fd >= 0 && close(fd) != 0)
		ok = 0;
	free(buf);
	return ok;
}

/* Read @path with read() and check it is data set @seed of @size bytes. */
static int read_and_check(const char *path, uint64_t seed, uint64_t size, const char *what)
{
	unsigned char *buf = aligned_alloc(OM_PAGE, CHUNK);
	int fd = open(path, O_RDONLY);
	uint64_t off = 0, npages = size / OM_PAGE;
	long wrong = 0;
	struct stat st;

	if (!buf || fd < 0 || fstat(fd, &st) != 0) {
		tap_diag("%s: open/fstat %s: errno %d %s", what, path, errno,
			 tap_errno_name(errno));
		free(buf);
		return 0;
	}
	if ((uint64_t)st.st_size != size)
		tap_diag("%s: %s has %lld bytes, want %llu", what, path,
			 (long long)st.st_size, (unsigned long long)size);
	while (off < size) {
		size_t want = size - off < CHUNK ? size - off : CHUNK;
		ssize_t n = read_all(fd, buf, want);

		if (n != (ssize_t)want) {
			tap_diag("%s: read at %llu returned %zd (errno %d %s)", what,
				 (unsigned long long)off, n, errno, tap_errno_name(errno));
			break;
		}
		check_pages(buf, want, seed, off / OM_PAGE, npages, &wrong, what);
		off += want;
	}
	close(fd);
	free(buf);
	if (wrong)
		tap_diag("%s: %ld of %llu pages wrong", what, wrong, (unsigned long long)npages);
	return off == size && !wrong && (uint64_t)st.st_size == size;
}

/* ---- (a) map a file larger than memory and read it ---------------------- */

static void step_read(void)
{
	const char *path = "om_read.bin";
	uint64_t size = mib << 20, npages = size / OM_PAGE;
	long wrong = 0, maj;
	long long rss;
	unsigned char *map;
	int fd;

	long long t = now_ns(CLOCK_MONOTONIC);

	if (!CHECK(write_with_write(path, SEED_READ, size),
		   "read: write() of a %llu MiB file, fsync", (unsigned long long)mib))
		return;
	tap_diag("read: the file written in %.1f s", (now_ns(CLOCK_MONOTONIC) - t) / 1e9);
	fd = open(path, O_RDONLY);
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (!CHECK(fd >= 0 && map != MAP_FAILED, "read: map the %llu MiB file",
		   (unsigned long long)mib))
		return;
	maj = om_majflt();
	for (uint64_t p = 0; p < npages; p++)
		check_pages(map + p * OM_PAGE, OM_PAGE, SEED_READ, p, npages, &wrong, "read");
	maj = om_majflt() - maj;
	rss = om_status_kib("VmRSS");
	CHECK(wrong == 0, "read: every page of the %llu MiB mapping reads right (%ld wrong)",
	      (unsigned long long)mib, wrong);
	tap_diag("read: %ld major faults, VmRSS %lld KiB at the end", maj, rss);
	CHECK_OK(munmap(map, size), "read: munmap");
	close(fd);
	CHECK_OK(unlink(path), "read: unlink");
}

/* ---- (b) write a file larger than memory through MAP_SHARED -------------- */

static void step_write(const char *keep)
{
	const char *path = keep ? keep : "om_write.bin";
	uint64_t size = mib << 20, npages = size / OM_PAGE;
	unsigned char *map, page[OM_PAGE] __attribute__((aligned(8)));
	long wrong = 0, sampled = 0;
	struct stat st;
	int fd;

	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (!CHECK_OK(fd, "write: create %s", path))
		return;
	if (!CHECK_OK(ftruncate(fd, size), "write: ftruncate to %llu MiB",
		      (unsigned long long)mib))
		return;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK_OK(map, "write: map it MAP_SHARED"))
		return;
	for (uint64_t p = 0; p < npages; p++)
		om_fill_page(map + p * OM_PAGE, SEED_WRITE, p);
	tap_diag("write: stored %llu pages through the mapping", (unsigned long long)npages);
	CHECK_OK(msync(map, size, MS_SYNC), "write: msync(MS_SYNC) of the %llu MiB mapping",
		 (unsigned long long)mib);
	CHECK_OK(munmap(map, size), "write: munmap");
	CHECK(fstat(fd, &st) == 0 && (uint64_t)st.st_size == size,
	      "write: the size is still %llu MiB", (unsigned long long)mib);
	/* A sample here (a page in 61, and the last); --verify and the host
	 * read every page. */
	for (uint64_t i = 0; i <= npages / 61; i++) {
		uint64_t p = i < npages / 61 ? i * 61 : npages - 1;

		sampled++;
		if (pread(fd, page, OM_PAGE, p * OM_PAGE) != OM_PAGE) {
			wrong++;
			tap_diag("write: pread of page %llu: errno %d", (unsigned long long)p, errno);
		} else {
			check_pages(page, OM_PAGE, SEED_WRITE, p, npages, &wrong, "write");
		}
	}
	CHECK(wrong == 0, "write: pread() of %ld sampled pages finds what the mapping stored",
	      sampled);
	CHECK_OK(close(fd), "write: close");
	if (keep)
		tap_diag("kept %s: %llu MiB", keep, (unsigned long long)mib);
	else
		CHECK_OK(unlink(path), "write: unlink");
}

/* ---- (f) truncate a file while reclaim writes it ------------------------- */

struct trunc_ctl {
	volatile uint64_t progress;     /* pages the child has stored */
	volatile int truncated;         /* the parent has truncated */
	volatile uint64_t sigbus_page;  /* where the child's SIGBUS came */
};

static struct trunc_ctl *ctl;
static volatile uint64_t child_page;

static void child_sigbus(int sig)
{
	ctl->sigbus_page = child_page;
	_exit(sig == SIGBUS ? SIGBUS_EXIT : 1);
}

static void trunc_child(unsigned char *map, uint64_t npages)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = child_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	for (uint64_t p = 0; p < npages; p++) {
		child_page = p;
		om_fill_page(map + p * OM_PAGE, SEED_TRUNC, p);
		ctl->progress = p + 1;
	}
	/* Done before the truncate: the next store past the end must fail. */
	while (!ctl->truncated)
		usleep(1000);
	child_page = npages - 1;
	*(volatile uint64_t *)(map + (npages - 1) * OM_PAGE) = 1;
	_exit(0);
}

static void step_truncate(uint64_t tmib)
{
	const char *path = "om_trunc.bin";
	uint64_t size = tmib << 20, npages = size / OM_PAGE;
	uint64_t cut = size / 5 * 3 / OM_PAGE * OM_PAGE, trigger = npages / 10 * 9;
	unsigned char *map, zero[OM_PAGE], page[OM_PAGE] __attribute__((aligned(8)));
	uint64_t v;
	struct stat st;
	int fd, status, zeros = 1;
	pid_t pid;

	ctl = mmap(NULL, OM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (!CHECK(ctl != MAP_FAILED && fd >= 0 && ftruncate(fd, size) == 0,
		   "truncate: a %llu MiB file and a control page", (unsigned long long)tmib))
		return;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK_OK(map, "truncate: map it MAP_SHARED"))
		return;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		trunc_child(map, npages);
	if (!CHECK_OK(pid, "truncate: fork the writer"))
		return;
	for (int ms = 0; ctl->progress < trigger && ms < 600000; ms += 2)
		usleep(2000);
	tap_diag("truncate: the writer is at page %llu of %llu; truncating to %llu MiB",
		 (unsigned long long)ctl->progress, (unsigned long long)npages,
		 (unsigned long long)(cut >> 10) / 1024);
	CHECK_OK(ftruncate(fd, cut), "truncate: ftruncate while the writer stores and "
		 "reclaim writes back");
	ctl->truncated = 1;
	status = wait_child_timeout(pid, 600000);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == SIGBUS_EXIT &&
	      ctl->sigbus_page >= cut / OM_PAGE,
	      "truncate: the writer dies of SIGBUS at a page past the new end "
	      "(page %llu, end at page %llu)", (unsigned long long)ctl->sigbus_page,
	      (unsigned long long)(cut / OM_PAGE));
	CHECK(fstat(fd, &st) == 0 && (uint64_t)st.st_size == cut,
	      "truncate: the size is the new one");
	om_catch_faults();
	CHECK(om_try_load((uint64_t *)(map + cut - 8), &v) == 0 &&
	      v == (om_mix(OM_WORDS - 1) ^ om_page_key(SEED_TRUNC, cut / OM_PAGE - 1)),
	      "truncate: the last word before the end reads right through the mapping");
	CHECK_EQ(om_try_load((uint64_t *)(map + cut), &v), SIGBUS,
		 "truncate: a load past the end through the mapping raises SIGBUS");
	signal(SIGBUS, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	CHECK(read_and_check(path, SEED_TRUNC, cut, "truncate"),
	      "truncate: every page before the new end holds what the writer stored");
	CHECK_OK(ftruncate(fd, size), "truncate: extend it again");
	memset(zero, 0, sizeof(zero));
	for (uint64_t off = cut; off < size; off += (size - cut) / 7 / OM_PAGE * OM_PAGE + OM_PAGE)
		if (pread(fd, page, OM_PAGE, off) != OM_PAGE || memcmp(page, zero, OM_PAGE))
			zeros = 0;
	CHECK(zeros, "truncate: the truncated part reads as zeros once extended");
	munmap(map, size);
	close(fd);
	CHECK_OK(unlink(path), "truncate: unlink");
}

int main(int argc, char **argv)
{
	const char *only = NULL, *keep = NULL, *verify = NULL;
	uint64_t tmib = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mb") && i + 1 < argc)
			mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--trunc-mb") && i + 1 < argc)
			tmib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--keep") && i + 1 < argc)
			keep = argv[++i];
		else if (!strcmp(argv[i], "--verify") && i + 1 < argc)
			verify = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--mb MIB] [--only read|write|truncate] "
				"[--keep PATH] [--trunc-mb MIB] | --verify PATH --mb MIB\n", argv[0]);
			return 2;
		}
	}
	if (!mib) {
		fprintf(stderr, "%s: --mb must be at least 1\n", argv[0]);
		return 2;
	}
	if (!tmib)
		tmib = mib * 5 / 12 ? mib * 5 / 12 : 1;
	tap_diag("MemTotal %lld KiB, SwapTotal %lld KiB; files of %llu MiB",
		 om_meminfo_kib("MemTotal"), om_meminfo_kib("SwapTotal"),
		 (unsigned long long)mib);
	if (verify) {
		CHECK(read_and_check(verify, SEED_WRITE, mib << 20, "verify"),
		      "verify: %s holds the %llu MiB the mapping stored, every page", verify,
		      (unsigned long long)mib);
		return tap_done();
	}
	if (!only || !strcmp(only, "read")) {
		long long t = now_ns(CLOCK_MONOTONIC);

		step_read();
		tap_diag("read: %.1f s", (now_ns(CLOCK_MONOTONIC) - t) / 1e9);
	}
	if (!only || !strcmp(only, "write")) {
		long long t = now_ns(CLOCK_MONOTONIC);

		step_write(keep);
		tap_diag("write: %.1f s", (now_ns(CLOCK_MONOTONIC) - t) / 1e9);
	}
	if (!only || !strcmp(only, "truncate")) {
		long long t = now_ns(CLOCK_MONOTONIC);

		step_truncate(tmib);
		tap_diag("truncate: %.1f s", (now_ns(CLOCK_MONOTONIC) - t) / 1e9);
	}
	return tap_done();
}
