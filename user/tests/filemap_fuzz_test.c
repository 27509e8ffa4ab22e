/*
 * filemap_fuzz_test - a random exerciser of file I/O and file mappings,
 * checked against an in-memory model of the file.
 *
 *   filemap_fuzz_test [SEED [OPS]]     (default: a seed from the clock,
 *                                       10000 operations)
 *
 * Operations: write/pwrite (extending or not, past EOF or not),
 * read/pread compared with the model, mmap of random page ranges shared or
 * private (reaching past EOF), stores and loads through the mappings,
 * munmap, ftruncate up and down, msync with each flag, fsync, and closing
 * and reopening the file (the mappings stay). Every load and read is
 * compared with what LINUX-SEMANTICS.md sections B, C and E say it must
 * return; accesses to pages wholly past EOF must raise SIGBUS with
 * BUS_ADRERR (item 31).
 *
 * The model:
 *   - pc[]: the page cache, byte by byte, for the whole span a mapping can
 *     cover. Below the file size, the file's data. Past it, zero, except
 *     bytes stored through a shared mapping into the tail of the EOF page
 *     (item 33): those are marked in alt[] as "the stored value, or zero",
 *     because writeback (msync, fsync, the flusher) may zero them at any
 *     time, and an extension zeroes only what becomes file data.
 *   - a private mapping's page follows pc[] until it is first stored to;
 *     then it is a snapshot (snap[]), whatever the file does, until a
 *     truncate removes the page (item 35: COWed copies are unmapped too)
 *     and it follows the file again.
 *
 * On a mismatch the test stops and prints the seed, the operation number,
 * the last operations and the bytes that differ: rerun with that seed to
 * reproduce it.
 */
#include <setjmp.h>
#include <stdarg.h>

#include "filemap.h"

#define MAXPAGES	8			/* the file's largest size */
#define MAXBYTES	(MAXPAGES * PAGE_SIZE)
#define SPAN		(MAXPAGES + 2)		/* pages a mapping may cover */
#define NMAPS		4
#define DEFAULT_OPS	10000
#define VERIFY_EVERY	1000			/* full check of everything */
#define LOGN		24			/* operations kept for the log */
#define LOGLEN		112

static const char name[] = "fuzz.dat";

/* ---- the model ------------------------------------------------------------ */

static unsigned char pc[SPAN * PAGE_SIZE];	/* page cache as the model sees it */
static unsigned char alt[SPAN * PAGE_SIZE];	/* 1: may also read as zero */
static long fsize;

struct map {
	char *addr;		/* NULL: slot free */
	long pgoff;		/* file page of its first page */
	long npages;
	int shared;
	unsigned char cowed[SPAN];	/* private: page i is a snapshot */
};

static struct map maps[NMAPS];
static unsigned char snap[NMAPS][SPAN][PAGE_SIZE];
static unsigned char snapalt[NMAPS][SPAN][PAGE_SIZE];

static int fd = -1;

/* ---- randomness, the log, failure ---------------------------------------- */

static unsigned long rng;

static unsigned long rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

/* A random number in [0, n). */
static long below(long n)
{
	return (long)(rnd() % (unsigned long)n);
}

static char oplog[LOGN][LOGLEN];
static long opno;
static unsigned long seed;
static int failed;
static struct { long sigbus, cow, stores, loads, truncates, extends; } stats;

__attribute__((format(printf, 1, 2)))
static void logop(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(oplog[opno % LOGN], LOGLEN, fmt, ap);
	va_end(ap);
}

/* Report the first mismatch, with everything needed to reproduce it. */
__attribute__((format(printf, 1, 2)))
static void fail(const char *fmt, ...)
{
	char what[256];
	va_list ap;

	if (failed)
		return;
	failed = 1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_diag("MISMATCH at operation %ld (seed %lu): %s", opno, seed, what);
	tap_diag("the model: file size %ld", fsize);
	for (int i = 0; i < NMAPS; i++)
		if (maps[i].addr)
			tap_diag("  map %d: %s, file pages %ld-%ld", i,
				 maps[i].shared ? "shared" : "private",
				 maps[i].pgoff, maps[i].pgoff + maps[i].npages - 1);
	tap_diag("the last operations:");
	for (long n = opno - LOGN + 1 < 0 ? 0 : opno - LOGN + 1; n <= opno; n++)
		tap_diag("  %6ld %s", n, oplog[n % LOGN]);
	tap_diag("rerun: filemap_fuzz_test %lu %ld", seed, opno + 1);
}

/* ---- guarded access to mappings ------------------------------------------ */

static sigjmp_buf fault_env;
static volatile int fault_sig, fault_code;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_code = si->si_code;
	fault_addr = si->si_addr;
	siglongjmp(fault_env, 1);
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* memcpy that reports a fault instead of dying: 0 or the signal. */
static int guarded_copy(void *dst, const void *src, size_t n)
{
	fault_sig = 0;
	if (sigsetjmp(fault_env, 1) == 0)
		memcpy(dst, src, n);
	return fault_sig;
}

/* ---- what the model expects ---------------------------------------------- */

/* Pages that hold file data (the partial EOF page included). */
static long valid_pages(void)
{
	return (fsize + PAGE_SIZE - 1) / PAGE_SIZE;
}

static int byte_ok(unsigned char got, unsigned char want, unsigned char may0)
{
	return got == want || (may0 && got == 0);
}

/* Page i of mapping m as the model sees it: values and "may be 0" flags. */
static void expected_page(int m, long i, const unsigned char **val,
			  const unsigned char **may0)
{
	struct map *mp = &maps[m];
	long off = (mp->pgoff + i) * PAGE_SIZE;

	if (!mp->shared && mp->cowed[i]) {
		*val = snap[m][i];
		*may0 = snapalt[m][i];
	} else {
		*val = pc + off;
		*may0 = alt + off;
	}
}

/* ---- the model's file operations ------------------------------------------ */

/* The size grows to newsize: what becomes file data is zero (item 33). */
static void model_extend(long newsize)
{
	memset(pc + fsize, 0, newsize - fsize);
	memset(alt + fsize, 0, newsize - fsize);
	fsize = newsize;
}

/* The size shrinks to newsize (items 35, 36). */
static void model_shrink(long newsize)
{
	long keep = (newsize + PAGE_SIZE - 1) / PAGE_SIZE;	/* pages kept */
	long end = SPAN * PAGE_SIZE;

	/* The rest of the new EOF page is zeroed, and every page past it is
	 * gone: zero when it comes back. */
	memset(pc + newsize, 0, end - newsize);
	memset(alt + newsize, 0, end - newsize);
	for (int m = 0; m < NMAPS; m++) {
		if (!maps[m].addr || maps[m].shared)
			continue;
		for (long i = 0; i < maps[m].npages; i++)
			if (maps[m].pgoff + i >= keep)
				maps[m].cowed[i] = 0;
	}
	fsize = newsize;
}

static void model_write(long off, const unsigned char *data, long len)
{
	if (off > fsize)
		model_extend(off);
	memcpy(pc + off, data, len);
	memset(alt + off, 0, len);
	if (off + len > fsize)
		fsize = off + len;
}

/* ---- the operations -------------------------------------------------------- */

static void random_bytes(unsigned char *buf, long n)
{
	for (long i = 0; i < n; i++)
		buf[i] = (unsigned char)rnd();
}

/* A file offset and length, biased towards page edges and EOF. */
static void pick_range(long *off, long *len, long maxlen)
{
	switch (below(4)) {
	case 0:		/* around EOF */
		*off = fsize - below(PAGE_SIZE) + below(PAGE_SIZE);
		break;
	case 1:		/* around a page boundary */
		*off = below(MAXPAGES + 1) * PAGE_SIZE - below(64);
		break;
	default:
		*off = below(MAXBYTES);
	}
	if (*off < 0)
		*off = 0;
	if (*off >= MAXBYTES)
		*off = MAXBYTES - 1;
	*len = 1 + below(maxlen);
	if (*off + *len > MAXBYTES)
		*len = MAXBYTES - *off;
}

static void op_write(void)
{
	static unsigned char buf[2 * PAGE_SIZE];
	long off, len, n;
	int use_pwrite = below(2);

	pick_range(&off, &len, sizeof(buf));
	random_bytes(buf, len);
	logop("%s off %ld len %ld (size %ld)", use_pwrite ? "pwrite" : "write",
	      off, len, fsize);
	if (use_pwrite)
		n = pwrite(fd, buf, len, off);
	else
		n = lseek(fd, off, SEEK_SET) == off ? write(fd, buf, len) : -2;
	if (n != len) {
		fail("%s returned %ld (errno %d), want %ld",
		     use_pwrite ? "pwrite" : "write", n, errno, len);
		return;
	}
	if (off + len > fsize)
		stats.extends++;
	model_write(off, buf, len);
}

/* Compare got[0, n) with the file's bytes at off (exact: file data). */
static void check_file_bytes(const unsigned char *got, long off, long n,
			     const char *what)
{
	for (long i = 0; i < n; i++)
		if (got[i] != pc[off + i]) {
			fail("%s: byte at offset %ld is %#x, model %#x",
			     what, off + i, got[i], pc[off + i]);
			return;
		}
}

static void op_read(void)
{
	static unsigned char buf[2 * PAGE_SIZE];
	long off, len, n, want;
	int use_pread = below(2);

	pick_range(&off, &len, sizeof(buf));
	want = off >= fsize ? 0 : (off + len > fsize ? fsize - off : len);
	logop("%s off %ld len %ld (size %ld)", use_pread ? "pread" : "read",
	      off, len, fsize);
	if (use_pread)
		n = pread(fd, buf, len, off);
	else
		n = lseek(fd, off, SEEK_SET) == off ? read(fd, buf, len) : -2;
	if (n != want) {
		fail("%s returned %ld (errno %d), want %ld",
		     use_pread ? "pread" : "read", n, errno, want);
		return;
	}
	check_file_bytes(buf, off, n, use_pread ? "pread" : "read");
}

static void op_mmap(void)
{
	int m = (int)below(NMAPS);
	struct map *mp = &maps[m];
	long pgoff = below(SPAN), npages = 1 + below(SPAN - pgoff);
	int shared = below(2);
	void *p;

	if (mp->addr) {			/* slot in use: unmap it instead */
		logop("munmap map %d", m);
		if (munmap(mp->addr, mp->npages * PAGE_SIZE) != 0)
			fail("munmap of map %d: errno %d", m, errno);
		mp->addr = NULL;
		return;
	}
	logop("mmap map %d %s file pages %ld-%ld (size %ld)", m,
	      shared ? "shared" : "private", pgoff, pgoff + npages - 1, fsize);
	p = mmap(NULL, npages * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 shared ? MAP_SHARED : MAP_PRIVATE, fd, pgoff * PAGE_SIZE);
	if (p == MAP_FAILED) {
		fail("mmap: errno %d", errno);
		return;
	}
	mp->addr = p;
	mp->pgoff = pgoff;
	mp->npages = npages;
	mp->shared = shared;
	memset(mp->cowed, 0, sizeof(mp->cowed));
}

/* A random mapping in use, or -1. */
static int pick_map(void)
{
	int start = (int)below(NMAPS);

	for (int k = 0; k < NMAPS; k++) {
		int m = (start + k) % NMAPS;

		if (maps[m].addr)
			return m;
	}
	return -1;
}

/* The access at addr must raise SIGBUS, BUS_ADRERR, si_addr == addr. */
static void expect_sigbus(int sig, void *addr, const char *what)
{
	stats.sigbus++;
	if (sig != SIGBUS || fault_code != BUS_ADRERR || fault_addr != addr)
		fail("%s past EOF: signal %d code %d addr %p, want SIGBUS "
		     "BUS_ADRERR %p", what, sig, fault_code, fault_addr, addr);
}

static void op_store(void)
{
	static unsigned char buf[PAGE_SIZE];
	int m = pick_map();
	struct map *mp;
	long i, in, len, fp;
	int sig;

	if (m < 0)
		return;
	mp = &maps[m];
	i = below(mp->npages);
	in = below(PAGE_SIZE);
	len = 1 + below(PAGE_SIZE - in < 512 ? PAGE_SIZE - in : 512);
	fp = mp->pgoff + i;
	random_bytes(buf, len);
	logop("store map %d page %ld (file page %ld) +%ld len %ld (size %ld)",
	      m, i, fp, in, len, fsize);
	sig = guarded_copy(mp->addr + i * PAGE_SIZE + in, buf, len);
	if (fp >= valid_pages()) {
		expect_sigbus(sig, mp->addr + i * PAGE_SIZE + in, "store");
		return;
	}
	if (sig) {
		fail("store within EOF raised signal %d (code %d, addr %p)",
		     sig, fault_code, fault_addr);
		return;
	}
	stats.stores++;
	if (mp->shared) {
		long off = fp * PAGE_SIZE + in;

		memcpy(pc + off, buf, len);
		for (long k = 0; k < len; k++)	/* past EOF: may be zeroed */
			alt[off + k] = off + k >= fsize;
		return;
	}
	if (!mp->cowed[i]) {			/* first store: the copy */
		memcpy(snap[m][i], pc + fp * PAGE_SIZE, PAGE_SIZE);
		memcpy(snapalt[m][i], alt + fp * PAGE_SIZE, PAGE_SIZE);
		mp->cowed[i] = 1;
		stats.cow++;
	}
	memcpy(snap[m][i] + in, buf, len);
	memset(snapalt[m][i] + in, 0, len);
}

/* Check page i of mapping m against the model: the whole page, or SIGBUS. */
static void check_map_page(int m, long i)
{
	static unsigned char got[PAGE_SIZE];
	struct map *mp = &maps[m];
	const unsigned char *val, *may0;
	char *addr = mp->addr + i * PAGE_SIZE;
	long fp = mp->pgoff + i;
	int sig;

	if (fp >= valid_pages()) {
		char *probe = addr + below(PAGE_SIZE);

		sig = guarded_copy(got, probe, 1);
		expect_sigbus(sig, probe, "load");
		return;
	}
	sig = guarded_copy(got, addr, PAGE_SIZE);
	if (sig) {
		fail("load of map %d page %ld (file page %ld) within EOF raised "
		     "signal %d (code %d, addr %p)", m, i, fp, sig, fault_code,
		     fault_addr);
		return;
	}
	stats.loads++;
	expected_page(m, i, &val, &may0);
	for (long k = 0; k < PAGE_SIZE; k++)
		if (!byte_ok(got[k], val[k], may0[k])) {
			fail("map %d (%s%s) page %ld = file offset %ld: read "
			     "%#x, model %#x%s", m,
			     mp->shared ? "shared" : "private",
			     !mp->shared && mp->cowed[i] ? ", COWed" : "", i,
			     fp * PAGE_SIZE + k, got[k], val[k],
			     may0[k] ? " or 0" : "");
			return;
		}
}

static void op_load(void)
{
	int m = pick_map();
	long first, n;

	if (m < 0)
		return;
	first = below(maps[m].npages);
	n = 1 + below(3);
	if (first + n > maps[m].npages)
		n = maps[m].npages - first;
	logop("load map %d pages %ld-%ld (size %ld)", m, first, first + n - 1,
	      fsize);
	for (long i = first; i < first + n && !failed; i++)
		check_map_page(m, i);
}

static void op_truncate(void)
{
	long newsize = below(MAXBYTES + 1), other = below(MAXBYTES + 1);

	if (below(2) && other > newsize)	/* bias towards larger files */
		newsize = other;
	if (below(4) == 0)
		newsize &= ~(long)(PAGE_SIZE - 1);
	logop("ftruncate %ld (size %ld)", newsize, fsize);
	if (ftruncate(fd, newsize) != 0) {
		fail("ftruncate(%ld): errno %d", newsize, errno);
		return;
	}
	stats.truncates++;
	if (newsize > fsize)
		model_extend(newsize);
	else if (newsize < fsize)
		model_shrink(newsize);
}

static void op_sync(void)
{
	static const int flags[] = { MS_SYNC, MS_ASYNC, MS_INVALIDATE, 0 };
	int m = pick_map(), f = flags[below(4)];

	if (m < 0 || below(4) == 0) {
		logop("fsync");
		if (fsync(fd) != 0)
			fail("fsync: errno %d", errno);
		return;
	}
	logop("msync map %d flags %#x", m, f);
	if (msync(maps[m].addr, maps[m].npages * PAGE_SIZE, f) != 0)
		fail("msync(map %d, flags %#x): errno %d", m, f, errno);
}

static void op_reopen(void)
{
	logop("close and reopen");
	if (close(fd) != 0)
		fail("close: errno %d", errno);
	fd = open(name, O_RDWR);
	if (fd < 0)
		fail("reopen: errno %d", errno);
}

/* Everything: the size, the whole file by read(), every mapped page. */
static void verify_all(void)
{
	static unsigned char buf[MAXBYTES + PAGE_SIZE];
	long n;

	logop("verify everything (size %ld)", fsize);
	if (file_size(fd) != fsize) {
		fail("st_size is %ld, model %ld", file_size(fd), fsize);
		return;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	if (n != fsize) {
		fail("pread of the whole file returned %ld, want %ld", n, fsize);
		return;
	}
	check_file_bytes(buf, 0, n, "whole-file pread");
	for (int m = 0; m < NMAPS && !failed; m++)
		for (long i = 0; maps[m].addr && i < maps[m].npages && !failed;
		     i++)
			check_map_page(m, i);
}

static void one_op(void)
{
	long r = below(100);

	if (r < 12)
		op_write();
	else if (r < 22)
		op_read();
	else if (r < 32)
		op_mmap();
	else if (r < 57)
		op_store();
	else if (r < 80)
		op_load();
	else if (r < 90)
		op_truncate();
	else if (r < 97)
		op_sync();
	else
		op_reopen();
}

int main(int argc, char **argv)
{
	char dir[64];
	long ops = DEFAULT_OPS;

	seed = argc > 1 ? strtoul(argv[1], NULL, 0) :
	       (unsigned long)now_ns(CLOCK_REALTIME) ^ (unsigned long)getpid();
	if (argc > 2)
		ops = strtol(argv[2], NULL, 0);
	rng = seed ? seed : 1;
	tap_diag("seed %lu, %ld operations (rerun: filemap_fuzz_test %lu %ld)",
		 seed, ops, seed, ops);
	REQUIRE(enter_scratch_dir("filemap_fuzz_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0, "create the file");
	install_handlers();

	for (opno = 0; opno < ops && !failed; opno++) {
		one_op();
		if (!failed && (opno + 1) % VERIFY_EVERY == 0)
			verify_all();
	}
	if (!failed)
		verify_all();
	tap_diag("%ld stores (%ld made a private copy), %ld page loads, "
		 "%ld SIGBUS past EOF, %ld truncates, %ld extending writes",
		 stats.stores, stats.cow, stats.loads, stats.sigbus,
		 stats.truncates, stats.extends);
	CHECK(!failed, "%ld operations agree with the model (seed %lu)",
	      opno, seed);
	CHECK(stats.sigbus > 0 && stats.cow > 0 && stats.truncates > 0,
	      "the run covered SIGBUS past EOF, private copies and truncates");
	for (int m = 0; m < NMAPS; m++)
		if (maps[m].addr)
			munmap(maps[m].addr, maps[m].npages * PAGE_SIZE);
	close(fd);
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
