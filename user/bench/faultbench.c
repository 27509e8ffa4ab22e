/*
 * faultbench - what a page fault costs, in nanoseconds.
 *
 *   faultbench [-r ROUNDS] [-n PAGES] [-m MIB] [-o NAME[,NAME...]]
 *                          (defaults: 7 rounds, 256 pages, 32 MiB, all)
 *
 * Prints one figure per line, "NAME VALUE UNIT", each the median of ROUNDS
 * rounds:
 *
 *   anon_first_touch     a write to a never-touched private anonymous page
 *                        (do_anonymous_page)
 *   file_read_fault      a read of a mapped file page that is in the page
 *                        cache (do_read_fault)
 *   file_read_page       the same reads, per page read (with fault-around
 *                        one fault maps up to 16 pages)
 *   shared_write_clean   a write to a MAP_SHARED file page made clean by
 *                        msync(MS_SYNC) (do_wp_page -> wp_page_shared ->
 *                        page_mkwrite); "n/a" if msync is ENOSYS
 *   cow_after_fork       a child's write to a private page it shares with
 *                        its parent (do_wp_page -> wp_page_copy)
 *   msync_per_page       msync(MS_SYNC) of dirty shared pages, per page
 *   fork_exit            fork, the child's _exit(0), and the parent's wait
 *   mmap_touch_munmap    mmap one anonymous page, write it, munmap it
 *   write_fsync          write() of MIB MiB in 64 KiB calls to a new
 *                        file, then fsync: MB/s (at most 3 rounds)
 *   cold_read            read() in 64 KiB calls of a MIB MiB file none of
 *                        which is cached (written and fsync'd, then
 *                        "3" written to /proc/sys/vm/drop_caches before
 *                        each round): MB/s (at most 3 rounds); "n/a"
 *                        unless the caches can be dropped (root, Linux
 *                        or Faultline with drop_caches)
 *   cold_mmap_read       the same file, cold again, mapped and read one
 *                        byte per page: MB/s (at most 3 rounds)
 *   shared_store_msync   a store to every page of a MIB MiB MAP_SHARED
 *                        file, then msync(MS_SYNC): MB/s (at most 3 rounds)
 *
 * -o runs only the figures named (for make profile: one figure's time
 * alone). The throughput figures are in MB/s, 10^6 bytes a second.
 *
 * The fault figures are time divided by the minor faults getrusage counted
 * meanwhile, not by pages: Linux maps up to 16 page-cache pages per read
 * fault ("fault-around"), so there a fault costs more and happens less.
 * The same program builds and runs on Linux (make bench-linux) and on
 * Faultline (make bench). It is not a test: it asserts nothing, and
 * timings under emulation say little about real hardware; compare runs
 * on the same machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
#define MAX_ROUNDS 64
#define FORKS_PER_ROUND 20
#define MAPS_PER_ROUND 200

#define THROUGHPUT_ROUNDS 3
#define WRITE_CHUNK (64 * 1024)

static int rounds = 7;
static int npages = 256;
static int mib = 32;
static const char *only;                /* -o: the figures to run; NULL: all */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n samples; a negative sample means "could not measure". */
static void report(const char *name, double *v, int n, const char *unit)
{
	int ok = 0;

	for (int i = 0; i < n; i++)
		if (v[i] >= 0)
			v[ok++] = v[i];
	if (!ok) {
		printf("%-20s n/a\n", name);
		return;
	}
	qsort(v, (size_t)ok, sizeof(double), cmp_double);
	/* Throughputs are small numbers: two decimals; times in ns need none. */
	printf(strcmp(unit, "MB/s") ? "%-20s %10.0f %s\n" : "%-20s %10.2f %s\n", name,
	       ok % 2 ? v[ok / 2] : (v[ok / 2 - 1] + v[ok / 2]) / 2, unit);
	fflush(stdout);
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static char *map_anon(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* Write one byte to each page; time per fault taken. */
static double touch_per_fault(char *p, int n, char v)
{
	long f0 = minflt();
	double t0 = now_ns(), t1;
	long faults;

	for (int i = 0; i < n; i++)
		((volatile char *)p)[(size_t)i * PG] = v;
	t1 = now_ns();
	faults = minflt() - f0;
	return faults > 0 ? (t1 - t0) / (double)faults : -1;
}

/* Is figure @name among those asked for (-o)? */
static int want(const char *name)
{
	size_t len = strlen(name);

	for (const char *p = only; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, name, len) && (p[len] == ',' || p[len] == '\0'))
			return 1;
	return !only;
}

/* ---- the measurements ------------------------------------------------------------ */

static void bench_anon(void)
{
	double v[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++) {
		char *p = map_anon((size_t)npages * PG);

		v[r] = touch_per_fault(p, npages, 1);
		munmap(p, (size_t)npages * PG);
	}
	report("anon_first_touch", v, rounds, "ns/fault");
}

/* A file of npages pages in the cwd, written (so its pages are cached). */
static int make_file(const char *name)
{
	char page[PG];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(name);
	memset(page, 'f', sizeof(page));
	for (int i = 0; i < npages; i++)
		if (write(fd, page, PG) != PG)
			die("write");
	return fd;
}

static void bench_file_read(void)
{
	double v[MAX_ROUNDS], pv[MAX_ROUNDS];
	int fd = make_file("faultbench.read");
	char page[PG];

	/* Read it all once more: every page is in the page cache. */
	lseek(fd, 0, SEEK_SET);
	while (read(fd, page, PG) > 0)
		;
	for (int r = 0; r < rounds; r++) {
		char *p = mmap(NULL, (size_t)npages * PG, PROT_READ, MAP_PRIVATE, fd, 0);
		long f0, sum = 0;
		double t0, t1;

		if (p == MAP_FAILED)
			die("mmap file");
		f0 = minflt();
		t0 = now_ns();
		for (int i = 0; i < npages; i++)
			sum += ((volatile char *)p)[(size_t)i * PG];
		t1 = now_ns();
		v[r] = minflt() > f0 ? (t1 - t0) / (double)(minflt() - f0) : -1;
		pv[r] = (t1 - t0) / npages;
		(void)sum;
		munmap(p, (size_t)npages * PG);
	}
	close(fd);
	unlink("faultbench.read");
	report("file_read_fault", v, rounds, "ns/fault");
	report("file_read_page", pv, rounds, "ns/page");
}

/* msync(MS_SYNC) of dirty pages, then writes to the pages it cleaned. */
static void bench_shared_write_and_msync(void)
{
	double wv[MAX_ROUNDS], sv[MAX_ROUNDS];
	int fd = make_file("faultbench.shared");
	char *p = mmap(NULL, (size_t)npages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	int have_msync = 1;

	if (p == MAP_FAILED)
		die("mmap shared");
	for (int i = 0; i < npages; i++)       /* map and dirty every page */
		p[(size_t)i * PG] = 'd';
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns(), t1;

		if (msync(p, (size_t)npages * PG, MS_SYNC) != 0) {
			if (errno != ENOSYS)
				die("msync");
			have_msync = 0;
			break;
		}
		t1 = now_ns();
		sv[r] = (t1 - t0) / npages;
		/* Now clean and write-protected: each write faults once. */
		wv[r] = touch_per_fault(p, npages, (char)('a' + r));
	}
	munmap(p, (size_t)npages * PG);
	close(fd);
	unlink("faultbench.shared");
	if (!have_msync) {
		printf("%-20s n/a\n", "shared_write_clean");
		printf("%-20s n/a\n", "msync_per_page");
		return;
	}
	report("shared_write_clean", wv, rounds, "ns/fault");
	report("msync_per_page", sv, rounds, "ns/page");
}

static void bench_cow(void)
{
	double v[MAX_ROUNDS];
	char *p = map_anon((size_t)npages * PG);

	for (int i = 0; i < npages; i++)
		p[(size_t)i * PG] = 'p';
	for (int r = 0; r < rounds; r++) {
		int fds[2];
		double ns = -1;
		pid_t pid;

		if (pipe(fds))
			die("pipe");
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			ns = touch_per_fault(p, npages, 'c');
			if (write(fds[1], &ns, sizeof(ns)) != sizeof(ns))
				_exit(1);
			_exit(0);
		}
		if (read(fds[0], &ns, sizeof(ns)) != sizeof(ns))
			ns = -1;
		waitpid(pid, NULL, 0);
		close(fds[0]);
		close(fds[1]);
		v[r] = ns;
	}
	munmap(p, (size_t)npages * PG);
	report("cow_after_fork", v, rounds, "ns/fault");
}

static void bench_fork_exit(void)
{
	double v[MAX_ROUNDS];

	fflush(stdout);
	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();

		for (int i = 0; i < FORKS_PER_ROUND; i++) {
			pid_t pid = fork();

			if (pid == 0)
				_exit(0);
			if (pid < 0)
				die("fork");
			waitpid(pid, NULL, 0);
		}
		v[r] = (now_ns() - t0) / FORKS_PER_ROUND;
	}
	report("fork_exit", v, rounds, "ns/op");
}

static void bench_mmap_touch_munmap(void)
{
	double v[MAX_ROUNDS];

	for (int r = 0; r < rounds; r++) {
		double t0 = now_ns();

		for (int i = 0; i < MAPS_PER_ROUND; i++) {
			char *p = map_anon(PG);

			*(volatile char *)p = 1;
			munmap(p, PG);
		}
		v[r] = (now_ns() - t0) / MAPS_PER_ROUND;
	}
	report("mmap_touch_munmap", v, rounds, "ns/op");
}

static int throughput_rounds(void)
{
	return rounds < THROUGHPUT_ROUNDS ? rounds : THROUGHPUT_ROUNDS;
}

/* MB/s (10^6 bytes per second) of @bytes moved in @ns. */
static double mb_per_s(double bytes, double ns)
{
	return ns > 0 ? bytes * 1e3 / ns : -1;
}

/* write() MIB MiB to a new file, then fsync it: the write-back path. */
static void bench_write_fsync(void)
{
	double v[MAX_ROUNDS];
	size_t len = (size_t)mib << 20;
	char *buf = malloc(WRITE_CHUNK);

	if (!buf)
		die("malloc");
	memset(buf, 'w', WRITE_CHUNK);
	for (int r = 0; r < throughput_rounds(); r++) {
		int fd = open("faultbench.wfsync", O_RDWR | O_CREAT | O_TRUNC, 0644);
		double t0;

		if (fd < 0)
			die("open");
		t0 = now_ns();
		for (size_t off = 0; off < len; off += WRITE_CHUNK)
			if (write(fd, buf, WRITE_CHUNK) != WRITE_CHUNK)
				die("write");
		if (fsync(fd) != 0)
			die("fsync");
		v[r] = mb_per_s((double)len, now_ns() - t0);
		close(fd);
		unlink("faultbench.wfsync");
	}
	free(buf);
	report("write_fsync", v, throughput_rounds(), "MB/s");
}

/*
 * Empty the page cache and the kernel's other caches: 0, or -1 if this
 * system or user cannot (not root, no /proc/sys/vm/drop_caches). The
 * caller's file is clean (fsync'd) and unmapped, so none of it stays.
 */
static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, "3\n", 2) == 2;
	close(fd);
	return ok ? 0 : -1;
}

/* A new file of MIB MiB, written and fsync'd (so every page is clean). */
static int make_big_file(const char *name, size_t len)
{
	char *buf = malloc(WRITE_CHUNK);
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (!buf || fd < 0)
		die(name);
	for (size_t off = 0; off < len; off += WRITE_CHUNK) {
		memset(buf, (int)('a' + off / WRITE_CHUNK % 26), WRITE_CHUNK);
		if (write(fd, buf, WRITE_CHUNK) != WRITE_CHUNK)
			die("write");
	}
	if (fsync(fd) != 0)
		die("fsync");
	free(buf);
	return fd;
}

/* read() and a mapped read of a MIB MiB file, from the disk each round. */
static void bench_cold_reads(void)
{
	double rv[MAX_ROUNDS], mv[MAX_ROUNDS];
	size_t len = (size_t)mib << 20;
	int fd = make_big_file("faultbench.cold", len);
	char *buf = malloc(WRITE_CHUNK);

	if (!buf)
		die("malloc");
	for (int r = 0; r < throughput_rounds(); r++) {
		double t0;
		size_t got = 0;
		ssize_t n;

		rv[r] = mv[r] = -1;
		if (want("cold_read") && drop_caches() == 0) {
			if (lseek(fd, 0, SEEK_SET) != 0)
				die("lseek");
			t0 = now_ns();
			while ((n = read(fd, buf, WRITE_CHUNK)) > 0)
				got += (size_t)n;
			if (n < 0)
				die("read");
			rv[r] = got == len ? mb_per_s((double)len, now_ns() - t0) : -1;
		}
		if (want("cold_mmap_read") && drop_caches() == 0) {
			char *p;
			long sum = 0;

			t0 = now_ns();
			p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				die("mmap cold");
			for (size_t off = 0; off < len; off += PG)
				sum += ((volatile char *)p)[off];
			/* Unmapped before the next drop: mapped pages are kept. */
			munmap(p, len);
			mv[r] = mb_per_s((double)len, now_ns() - t0);
			(void)sum;
		}
	}
	free(buf);
	close(fd);
	unlink("faultbench.cold");
	if (want("cold_read"))
		report("cold_read", rv, throughput_rounds(), "MB/s");
	if (want("cold_mmap_read"))
		report("cold_mmap_read", mv, throughput_rounds(), "MB/s");
}

/* Stores to every page of a MIB MiB shared mapping, then msync(MS_SYNC). */
static void bench_shared_store_msync(void)
{
	double v[MAX_ROUNDS];
	size_t len = (size_t)mib << 20;
	int fd = open("faultbench.smsync", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char *p;

	if (fd < 0)
		die("open");
	if (ftruncate(fd, (off_t)len) != 0)
		die("ftruncate");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap shared");
	for (int r = 0; r < throughput_rounds(); r++)
		v[r] = -1;                      /* "could not measure" unless set */
	for (int r = 0; r < throughput_rounds(); r++) {
		double t0 = now_ns();

		for (size_t off = 0; off < len; off += PG)
			p[off] = (char)('A' + r);
		if (msync(p, len, MS_SYNC) != 0) {
			v[r] = -1;
			break;
		}
		v[r] = mb_per_s((double)len, now_ns() - t0);
	}
	munmap(p, len);
	close(fd);
	unlink("faultbench.smsync");
	report("shared_store_msync", v, throughput_rounds(), "MB/s");
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:n:m:o:")) != -1) {
		if (opt == 'r')
			rounds = atoi(optarg);
		else if (opt == 'n')
			npages = atoi(optarg);
		else if (opt == 'm')
			mib = atoi(optarg);
		else if (opt == 'o')
			only = optarg;
		else
			goto usage;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS || npages < 1 || mib < 1 || mib > 1024)
		goto usage;
	printf("# faultbench: median of %d rounds, %d pages each\n", rounds, npages);
	if (want("anon_first_touch"))
		bench_anon();
	if (want("file_read_fault"))
		bench_file_read();
	if (want("shared_write_clean") || want("msync_per_page"))
		bench_shared_write_and_msync();
	if (want("cow_after_fork"))
		bench_cow();
	if (want("fork_exit"))
		bench_fork_exit();
	if (want("mmap_touch_munmap"))
		bench_mmap_touch_munmap();
	if (want("write_fsync"))
		bench_write_fsync();
	if (want("cold_read") || want("cold_mmap_read"))
		bench_cold_reads();
	if (want("shared_store_msync"))
		bench_shared_store_msync();
	return 0;
usage:
	fprintf(stderr, "usage: faultbench [-r ROUNDS (1-%d)] [-n PAGES] [-m MIB (1-1024)] "
		"[-o NAME[,NAME...]]\n", MAX_ROUNDS);
	return 2;
}
