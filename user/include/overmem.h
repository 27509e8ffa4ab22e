/*
 * overmem.h - what the over-memory tests and reclaimbench share (issue 13,
 * docs/reclaim.md): the page patterns, /proc readers, a page-sized fault
 * catcher.
 *
 * The page pattern. Word j (8 bytes, little-endian) of page p of a data
 * set with seed s is
 *
 *     om_word(s, p, j) = om_mix(j) ^ ((p + 1) * 0xff51afd7ed558ccd + s)
 *
 * so that every page differs from every other (p), every word of a page
 * from its neighbours (j), and two data sets from each other (s). A page
 * that comes back from the wrong place (another page's slot, another
 * file, a stale copy, zeros) fails the check. tests/run.py computes the
 * same words on the host (overmem_page()) to check what reached a disk.
 */
#ifndef FAULTLINE_OVERMEM_H
#define FAULTLINE_OVERMEM_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define OM_PAGE         4096
#define OM_WORDS        (OM_PAGE / 8)

static inline uint64_t om_mix(uint64_t j)
{
	uint64_t x = (j + 1) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

static inline uint64_t om_page_key(uint64_t seed, uint64_t page)
{
	return (page + 1) * 0xff51afd7ed558ccdULL + seed;
}

/* om_mix(0..OM_WORDS-1), computed once: filling and checking a page is
 * then a load, an XOR and a store or compare per word, which matters under
 * TCG, where the tests go through gigabytes of these. */
static uint64_t om_table[OM_WORDS];
static int om_table_ready;

static inline const uint64_t *om_mix_table(void)
{
	if (!om_table_ready) {
		for (unsigned j = 0; j < OM_WORDS; j++)
			om_table[j] = om_mix(j);
		om_table_ready = 1;
	}
	return om_table;
}

/* Fill one page (8-byte aligned) with page @page of data set @seed. */
static inline void om_fill_page(void *dst, uint64_t seed, uint64_t page)
{
	const uint64_t *t = om_mix_table();
	uint64_t *w = dst, key = om_page_key(seed, page);

	for (unsigned j = 0; j < OM_WORDS; j++)
		w[j] = t[j] ^ key;
}

/* -1 if the page holds page @page of data set @seed, else the index of
 * its first wrong word. */
static inline int om_check_page(const void *src, uint64_t seed, uint64_t page)
{
	const uint64_t *t = om_mix_table();
	const volatile uint64_t *w = src;
	uint64_t key = om_page_key(seed, page);

	for (unsigned j = 0; j < OM_WORDS; j++)
		if (w[j] != (t[j] ^ key))
			return (int)j;
	return -1;
}

/* What a wrong page holds, for a diagnostic: "page 7's data" if its
 * first word is that of another page of the data set, "zeros", or the
 * first word. */
static inline const char *om_describe(const void *src, uint64_t seed,
				      uint64_t npages, char *buf, size_t size)
{
	const uint64_t *w = src;
	uint64_t key = w[0] ^ om_mix(0);

	snprintf(buf, size, "first word %#llx", (unsigned long long)w[0]);
	if (w[0] == 0 && w[1] == 0)
		snprintf(buf, size, "zeros");
	for (uint64_t p = 0; p < npages; p++)
		if (om_page_key(seed, p) == key) {
			snprintf(buf, size, "page %llu's data", (unsigned long long)p);
			break;
		}
	return buf;
}

/* The number after "NAME<sep>" on a line of the /proc file @path, or -1:
 * "MemTotal:  123 kB" (sep ':'), "pswpin 12" (sep ' '). */
static inline long long om_proc_value(const char *path, const char *name, char sep)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t n = strlen(name);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == sep) {
			v = atoll(line + n + 1);
			break;
		}
	fclose(f);
	return v;
}

/* A line of /proc/meminfo, in KiB, or -1. */
static inline long long om_meminfo_kib(const char *name)
{
	return om_proc_value("/proc/meminfo", name, ':');
}

/* A counter of /proc/vmstat, or -1. */
static inline long long om_vmstat(const char *name)
{
	return om_proc_value("/proc/vmstat", name, ' ');
}

/* A line of /proc/self/status ("VmSwap:   12 kB"), in KiB, or -1. */
static inline long long om_status_kib(const char *name)
{
	return om_proc_value("/proc/self/status", name, ':');
}

static inline long om_majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_majflt : -1;
}

/*
 * Touching memory that may raise SIGBUS (past the end of a truncated
 * file): om_try_store()/om_try_load() return 0, or the signal that
 * stopped them.
 */
static sigjmp_buf om_jmp;
static volatile sig_atomic_t om_sig;

static inline void om_catcher(int sig)
{
	om_sig = sig;
	siglongjmp(om_jmp, 1);
}

static inline void om_catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = om_catcher;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

static inline int om_try_store(volatile uint64_t *p, uint64_t v)
{
	om_sig = 0;
	if (sigsetjmp(om_jmp, 1))
		return om_sig;
	*p = v;
	return 0;
}

static inline int om_try_load(const volatile uint64_t *p, uint64_t *v)
{
	om_sig = 0;
	if (sigsetjmp(om_jmp, 1))
		return om_sig;
	*v = *p;
	return 0;
}

#endif
