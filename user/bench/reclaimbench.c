/*
 * reclaimbench - how fast memory larger than the machine's goes (issue 13).
 *
 *   reclaimbench [-f MIB] [-a MIB] [-n ACCESSES] [-l SAMPLES]
 *
 * Prints one figure per line, "NAME VALUE UNIT":
 *
 *   mapped_seq_read        MB/s reading, in order, one word of every page
 *                          of a file mapped PROT_READ/MAP_PRIVATE, of -f
 *                          MiB (default three times MemTotal), written
 *                          with write() and fsynced beforehand (not
 *                          timed). Most of it is on the disk only, so this
 *                          is the page-in path: faults, readahead where the
 *                          kernel has it, and reclaim of mapped pages.
 *   anon_random_faults     major faults per second while reading one word
 *                          of random pages of an anonymous working set of
 *                          -a MiB (default twice MemTotal), stored once
 *                          beforehand: with swap, most accesses fault a
 *                          page in from swap while reclaim pushes others
 *                          out. -n ACCESSES (default 4000).
 *   anon_random_access     the same run's accesses per second (faulting or
 *                          not)
 *   swapin_latency_median  microseconds of one access that took a major
 *   swapin_latency_p90     fault, measured around the load alone, over -l
 *                          SAMPLES accesses (default 1500); the median and
 *                          the 90th percentile
 *
 * Every page read is checked (each holds its own pattern), so a figure
 * from a run that read wrong data is not printed: the program says so and
 * exits 1. The same binary runs on Linux; make bench runs it on
 * Faultline with MEM=128M SWAP=512M (docs/reclaim.md has both sets of
 * figures). Not a test: it asserts nothing about speed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "overmem.h"

#define SEED_FILE 0xf11eULL
#define SEED_ANON 0xa40aULL
#define CHUNK (1 << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Word 0 of page p of data set seed: what a one-word read checks. */
static uint64_t first_word(uint64_t seed, uint64_t p)
{
	return om_mix(0) ^ om_page_key(seed, p);
}

static int bench_file(uint64_t mib)
{
	const char *path = "reclaimbench.bin";
	uint64_t size = mib << 20, n = size / OM_PAGE, wrong = 0;
	unsigned char *buf = aligned_alloc(OM_PAGE, CHUNK), *m;
	int fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	double t;

	if (!buf || fd < 0) {
		perror("reclaimbench: create the file");
		return 1;
	}
	for (uint64_t off = 0; off < size; off += CHUNK) {
		for (size_t p = 0; p < CHUNK; p += OM_PAGE)
			om_fill_page(buf + p, SEED_FILE, (off + p) / OM_PAGE);
		if (write(fd, buf, CHUNK) != CHUNK) {
			perror("reclaimbench: write");
			return 1;
		}
	}
	fsync(fd);
	free(buf);
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		perror("reclaimbench: mmap");
		return 1;
	}
	t = now_s();
	for (uint64_t p = 0; p < n; p++)
		wrong += *(volatile uint64_t *)(m + p * OM_PAGE) != first_word(SEED_FILE, p);
	t = now_s() - t;
	munmap(m, size);
	close(fd);
	unlink(path);
	if (wrong) {
		fprintf(stderr, "reclaimbench: %llu pages of the file read wrong\n",
			(unsigned long long)wrong);
		return 1;
	}
	printf("mapped_seq_read %.1f MB/s\n", (double)size / 1e6 / t);
	fflush(stdout);
	return 0;
}

static int bench_anon(uint64_t mib, long accesses, long samples)
{
	uint64_t size = mib << 20, n = size / OM_PAGE, wrong = 0;
	unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double *lat = calloc(samples, sizeof(*lat)), t;
	long maj, faulted = 0;

	if (m == MAP_FAILED || !lat) {
		perror("reclaimbench: map the working set");
		return 1;
	}
	for (uint64_t p = 0; p < n; p++)
		*(uint64_t *)(m + p * OM_PAGE) = first_word(SEED_ANON, p);

	maj = om_majflt();
	t = now_s();
	for (long i = 0; i < accesses; i++) {
		uint64_t p = xorshift() % n;

		wrong += *(volatile uint64_t *)(m + p * OM_PAGE) != first_word(SEED_ANON, p);
	}
	t = now_s() - t;
	maj = om_majflt() - maj;

	for (long i = 0; i < samples; i++) {
		uint64_t p = xorshift() % n;
		long before = om_majflt();
		double t0 = now_s(), t1;

		wrong += *(volatile uint64_t *)(m + p * OM_PAGE) != first_word(SEED_ANON, p);
		t1 = now_s();
		if (om_majflt() > before)
			lat[faulted++] = (t1 - t0) * 1e6;
	}
	munmap(m, size);
	if (wrong) {
		fprintf(stderr, "reclaimbench: %llu anonymous reads wrong\n",
			(unsigned long long)wrong);
		return 1;
	}
	printf("anon_random_faults %.0f faults/s (%ld major faults in %ld accesses)\n",
	       maj / t, maj, accesses);
	printf("anon_random_access %.0f accesses/s\n", accesses / t);
	if (faulted) {
		qsort(lat, faulted, sizeof(*lat), cmp_double);
		printf("swapin_latency_median %.0f us (%ld of %ld samples faulted)\n",
		       lat[faulted / 2], faulted, samples);
		printf("swapin_latency_p90 %.0f us\n", lat[faulted * 9 / 10]);
	} else {
		printf("swapin_latency_median n/a us (no sampled access faulted)\n");
	}
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	long long mem_mib = om_meminfo_kib("MemTotal") >> 10;
	uint64_t file_mib = mem_mib > 0 ? 3 * mem_mib : 384;
	uint64_t anon_mib = mem_mib > 0 ? 2 * mem_mib : 256;
	long accesses = 4000, samples = 1500;
	int opt, status = 0;

	while ((opt = getopt(argc, argv, "f:a:n:l:")) != -1) {
		switch (opt) {
		case 'f': file_mib = strtoull(optarg, NULL, 0); break;
		case 'a': anon_mib = strtoull(optarg, NULL, 0); break;
		case 'n': accesses = atol(optarg); break;
		case 'l': samples = atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-f MIB] [-a MIB] [-n ACCESSES] [-l SAMPLES]\n",
				argv[0]);
			return 2;
		}
	}
	printf("# MemTotal %lld MiB, SwapTotal %lld MiB; file %llu MiB, anonymous %llu MiB\n",
	       mem_mib, om_meminfo_kib("SwapTotal") >> 10, (unsigned long long)file_mib,
	       (unsigned long long)anon_mib);
	fflush(stdout);
	if (file_mib)
		status |= bench_file(file_mib);
	if (anon_mib)
		status |= bench_anon(anon_mib, accesses, samples > 0 ? samples : 1);
	return status;
}
