/*
 * rabench - sequential read throughput from the disk (readahead's
 * figures; docs/readahead.md, docs/performance.md). Not a test.
 *
 *   rabench [-f MIB]
 *
 * Writes a file of -f MiB (default twice MemTotal) and fsyncs it, then
 * reads it from the start three times, each pass after the last one
 * ended at the file's end, so that (the file being twice the memory) its
 * first pages were evicted long before: every pass reads from the disk,
 * with no cache-dropping call (the same binary runs on kernels without
 * fadvise). Each page's first word is checked.
 *
 *   read_seq_4k        MB/s of read() 4 KiB at a time
 *   mapped_seq_read    MB/s of one load per page of a PROT_READ mapping
 *   read_seq_64k       MB/s of read() 64 KiB at a time
 *   *_majflt           major faults the mapped pass took
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "overmem.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t word_of(uint64_t page)
{
	return page * 0x9e3779b97f4a7c15ULL + 1;
}

static double read_pass(int fd, uint64_t size, size_t chunk, uint64_t *wrong)
{
	char *buf = malloc(chunk);
	double t = now_s();

	for (uint64_t off = 0; off < size; off += chunk) {
		if (pread(fd, buf, chunk, (off_t)off) != (ssize_t)chunk) {
			(*wrong)++;
			break;
		}
		for (size_t i = 0; i < chunk; i += OM_PAGE)
			*wrong += *(uint64_t *)(buf + i) != word_of((off + i) / OM_PAGE);
	}
	t = now_s() - t;
	free(buf);
	return (double)size / 1e6 / t;
}

int main(int argc, char **argv)
{
	long long mem_mib = om_meminfo_kib("MemTotal") >> 10;
	uint64_t mib = mem_mib > 0 ? 2 * (uint64_t)mem_mib : 256, size, n, wrong = 0;
	char *buf = malloc(1 << 20);
	const char *path = "rabench.bin";
	double t, r4, r64, rm;
	long maj;
	char *m;
	int fd, opt;

	while ((opt = getopt(argc, argv, "f:")) != -1) {
		if (opt == 'f') {
			mib = strtoull(optarg, NULL, 0);
		} else {
			fprintf(stderr, "usage: rabench [-f MIB]\n");
			return 2;
		}
	}
	size = mib << 20;
	n = size / OM_PAGE;
	fd = open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	if (fd < 0 || !buf) {
		perror("rabench: create");
		return 1;
	}
	for (uint64_t off = 0; off < size; off += 1 << 20) {
		for (size_t i = 0; i < (1 << 20); i += OM_PAGE)
			*(uint64_t *)(buf + i) = word_of((off + i) / OM_PAGE);
		if (write(fd, buf, 1 << 20) != 1 << 20) {
			perror("rabench: write");
			return 1;
		}
	}
	fsync(fd);
	printf("# file %llu MiB, MemTotal %lld MiB\n", (unsigned long long)mib, mem_mib);
	r4 = read_pass(fd, size, 4096, &wrong);
	printf("read_seq_4k %.1f MB/s\n", r4);
	fflush(stdout);
	m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		perror("rabench: mmap");
		return 1;
	}
	maj = om_majflt();
	t = now_s();
	for (uint64_t p = 0; p < n; p++)
		wrong += *(volatile uint64_t *)(m + p * OM_PAGE) != word_of(p);
	t = now_s() - t;
	maj = om_majflt() - maj;
	munmap(m, size);
	rm = (double)size / 1e6 / t;
	printf("mapped_seq_read %.1f MB/s\n", rm);
	printf("mapped_seq_read_majflt %ld faults\n", maj);
	fflush(stdout);
	r64 = read_pass(fd, size, 65536, &wrong);
	printf("read_seq_64k %.1f MB/s\n", r64);
	close(fd);
	unlink(path);
	if (wrong) {
		fprintf(stderr, "rabench: %llu pages read wrong\n", (unsigned long long)wrong);
		return 1;
	}
	return 0;
}
