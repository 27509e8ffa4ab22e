/*
 * overmem_anon_test - anonymous memory larger than memory, with swap
 * (issue 13, item 9: c, d, e, g, h, i; docs/reclaim.md).
 *
 *   overmem_anon_test                      a small run (no swap needed)
 *   overmem_anon_test [--mb MIB] [--fork-mb MIB] [--shm-mb MIB]
 *                     [--lock-mb MIB] [--only STEP] [--pressure]
 *                     [--swapoff] [--oom]
 *
 * --pressure: the steps that need other memory pushed out (cow, mlock,
 * swapoff) store and free a hog of the memory's size to do it. Off by
 * default: on the host (make test-linux) a hog of its memory is no test.
 * --need-swap: a check that swap is on (SwapTotal), for boots that gave
 * the kernel a swap disk.
 *
 * Steps (--only runs one): anon, cow, shm, mlock; with --swapoff also
 * swapoff, and with --oom only oom. Each page stored holds its own
 * pattern (overmem.h), so a page that comes back from the wrong slot, a
 * stale copy or zeros is caught.
 *
 * anon (c): map MIB MiB private anonymous, store every page, then read
 * every page back twice (forwards, then backwards): with MIB more than the
 * memory, most pages go to swap and come back (pswpout, pswpin rise).
 *
 * cow (d): map --fork-mb MiB, store every page, push it out (MADV_PAGEOUT
 * where the kernel has it, else a hog of memory's size), check that most
 * of it is in swap (VmSwap), then fork: the child rewrites the first half,
 * the parent the second, each waits for the other, then each checks that
 * its own half is its own and the other half still the original: a
 * swapped-out page still shared after fork must be copied on write, not
 * written in place.
 *
 * shm (e): map --shm-mb MiB MAP_SHARED|MAP_ANONYMOUS, fork; the child
 * stores every page and exits; the parent reads every page, which must
 * be the child's: shared anonymous (shmem) pages go to swap and come back
 * under the same pressure.
 *
 * mlock (h): lock --lock-mb MiB (mlock), store it; then a hog of
 * memory's size is stored and freed; reading the locked pages back then
 * takes no major fault (getrusage), VmLck is unchanged and the data right.
 *
 * swapoff (g): two children each store 1/8 of the memory and keep
 * checking it in a loop; MADV_PAGEOUT (or a hog) pushes them out to swap;
 * the parent swapoff()s the area
 * named in /proc/swaps (every page must come back into memory while they
 * run), checks that SwapTotal is 0, then swapon()s it again; the children
 * must find their data right throughout. Needs root and swap; off by
 * default so that `make test-linux` never turns the host's swap off.
 *
 * oom (i): three children, two of 1/4 of memory plus swap each that
 * check their data over two passes, and a hog that stores pages until it
 * dies; the load is over memory plus swap, so exactly one OOM kill must
 * happen (vmstat oom_kill), the hog must be it (the largest by RSS plus
 * swap) and the other two must finish with their data right.
 * "# oom: hog pid N" names it for tests/run.py, which checks the
 * console's "Out of memory: Killed process N" line.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "overmem.h"
#include "tap.h"
#include "testutil.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define SEED_ANON       0xc0ffeeULL
#define SEED_COW        0xd00dULL
#define SEED_CHILD      0xc411dULL
#define SEED_PARENT     0xbabeULL
#define SEED_SHM        0x5a5aULL
#define SEED_LOCK       0x10c4ULL
#define SEED_SWAPOFF    0x0ff0ULL
#define SEED_OOM        0x00aaULL
#define SHOW_WRONG      3

static long long mem_kib;               /* MemTotal */
static long long swap_kib;              /* SwapTotal at the start */

static int pressure;                    /* --pressure: hogs of memory's size */
static long long elapsed_from;

static void timer_start(void)
{
	elapsed_from = now_ns(CLOCK_MONOTONIC);
}

static double elapsed(void)
{
	return (now_ns(CLOCK_MONOTONIC) - elapsed_from) / 1e9;
}

static unsigned char *map_anon(uint64_t size, int flags)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void fill(unsigned char *m, uint64_t first, uint64_t last, uint64_t seed)
{
	for (uint64_t p = first; p < last; p++)
		om_fill_page(m + p * OM_PAGE, seed, p);
}

/* Pages [first, last) of @m checked against @seed (backwards if @down);
 * returns how many are wrong, with a diagnostic (only if @say) for the
 * first few. */
static long check(const unsigned char *m, uint64_t first, uint64_t last, uint64_t seed,
		  int down, int say, const char *what)
{
	long wrong = 0;
	char why[64];

	for (uint64_t i = first; i < last; i++) {
		uint64_t p = down ? last - 1 - (i - first) : i;
		int bad = om_check_page(m + p * OM_PAGE, seed, p);

		if (bad >= 0 && wrong++ < SHOW_WRONG && say)
			tap_diag("%s: page %llu word %d wrong: it holds %s", what,
				 (unsigned long long)p, bad,
				 om_describe(m + p * OM_PAGE, seed, last, why, sizeof(why)));
	}
	return wrong;
}

/* With --pressure, store @mib MiB of anonymous memory and free it: that
 * pushes other pages out (to swap, or out of the page cache). */
static void hog(uint64_t mib)
{
	uint64_t size = mib << 20;
	unsigned char *m = pressure ? map_anon(size, MAP_PRIVATE) : NULL;

	if (!m)
		return;
	for (uint64_t off = 0; off < size; off += OM_PAGE)
		*(volatile uint64_t *)(m + off) = off | 1;
	munmap(m, size);
}

/* ---- (c) anonymous memory larger than memory ---------------------------- */

static void step_anon(uint64_t mib)
{
	uint64_t size = mib << 20, n = size / OM_PAGE;
	long long out0 = om_vmstat("pswpout"), in0 = om_vmstat("pswpin");
	unsigned char *m = map_anon(size, MAP_PRIVATE);
	long wrong;

	if (!CHECK(m != NULL, "anon: map %llu MiB", (unsigned long long)mib))
		return;
	timer_start();
	fill(m, 0, n, SEED_ANON);
	tap_diag("anon: stored %llu pages in %.1f s; VmRSS %lld KiB, VmSwap %lld KiB",
		 (unsigned long long)n, elapsed(), om_status_kib("VmRSS"),
		 om_status_kib("VmSwap"));
	timer_start();
	wrong = check(m, 0, n, SEED_ANON, 0, 1, "anon pass 1");
	CHECK(wrong == 0, "anon: pass 1 (forwards) finds every page of %llu MiB right (%ld wrong)",
	      (unsigned long long)mib, wrong);
	tap_diag("anon: pass 1 in %.1f s", elapsed());
	timer_start();
	wrong = check(m, 0, n, SEED_ANON, 1, 1, "anon pass 2");
	CHECK(wrong == 0, "anon: pass 2 (backwards) finds every page right (%ld wrong)", wrong);
	tap_diag("anon: pass 2 in %.1f s; pswpout +%lld, pswpin +%lld", elapsed(),
		 om_vmstat("pswpout") - out0, om_vmstat("pswpin") - in0);
	if (size > (uint64_t)mem_kib << 10)
		CHECK(om_vmstat("pswpout") > out0 && om_vmstat("pswpin") > in0,
		      "anon: pages went out to swap and came back (pswpout, pswpin)");
	CHECK_OK(munmap(m, size), "anon: munmap");
}

/* ---- (d) fork with most of it swapped out: COW ---------------------------- */

static void step_cow(uint64_t mib)
{
	uint64_t size = mib << 20, n = size / OM_PAGE, half = n / 2;
	unsigned char *m = map_anon(size, MAP_PRIVATE);
	int to_child[2], to_parent[2], status;
	long long swapped;
	long wrong;
	char c = 0;
	pid_t pid;

	if (!CHECK(m != NULL && pipe(to_child) == 0 && pipe(to_parent) == 0,
		   "cow: map %llu MiB, two pipes", (unsigned long long)mib))
		return;
	timer_start();
	fill(m, 0, n, SEED_COW);
	/* Out to swap: MADV_PAGEOUT where the kernel has it (Linux 5.4+),
	 * else a hog of the memory's size. */
	if (madvise(m, size, MADV_PAGEOUT) != 0)
		hog(mem_kib >> 10);
	swapped = om_status_kib("VmSwap");
	if (swap_kib > 0 && pressure)
		CHECK(swapped > (long long)(size >> 10) / 2,
		      "cow: most of the %llu MiB is in swap before fork (VmSwap %lld KiB)",
		      (unsigned long long)mib, swapped);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* The child: rewrite the first half; when both have, check. */
		fill(m, 0, half, SEED_CHILD);
		if (write(to_parent[1], &c, 1) != 1 || read(to_child[0], &c, 1) != 1)
			_exit(3);
		if (check(m, 0, half, SEED_CHILD, 0, 0, "cow child"))
			_exit(4);                   /* its own half is not its own */
		if (check(m, half, n, SEED_COW, 0, 0, "cow child"))
			_exit(5);                   /* it sees the parent's stores */
		_exit(0);
	}
	if (!CHECK_OK(pid, "cow: fork"))
		return;
	fill(m, half, n, SEED_PARENT);
	if (read(to_parent[0], &c, 1) != 1 || write(to_child[1], &c, 1) != 1)
		tap_diag("cow: the handshake with the child failed");
	wrong = check(m, half, n, SEED_PARENT, 0, 1, "cow parent's half");
	CHECK(wrong == 0, "cow: the parent's half holds the parent's stores (%ld wrong)", wrong);
	wrong = check(m, 0, half, SEED_COW, 0, 1, "cow child's half, seen by the parent");
	CHECK(wrong == 0, "cow: the parent does not see the child's stores (%ld pages differ "
	      "from the original)", wrong);
	status = wait_child_timeout(pid, 600000);
	if (!CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		   "cow: the child finds its half its own and the parent's half the original"))
		tap_diag("cow: child status %#x (exit 4: its half wrong, 5: it saw the "
			 "parent's stores)", status);
	tap_diag("cow: %.1f s", elapsed());
	munmap(m, size);
	close(to_child[0]); close(to_child[1]); close(to_parent[0]); close(to_parent[1]);
}

/* ---- (e) shared anonymous memory under pressure ------------------------- */

static void step_shm(uint64_t mib)
{
	uint64_t size = mib << 20, n = size / OM_PAGE;
	unsigned char *m = map_anon(size, MAP_SHARED);
	int status;
	long wrong;
	pid_t pid;

	if (!CHECK(m != NULL, "shm: map %llu MiB MAP_SHARED|MAP_ANONYMOUS",
		   (unsigned long long)mib))
		return;
	timer_start();
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fill(m, 0, n, SEED_SHM);
		_exit(0);
	}
	if (!CHECK_OK(pid, "shm: fork the writer"))
		return;
	status = wait_child_timeout(pid, 600000);
	CHECK_EXIT(status, 0, "shm: the child stores every page and exits");
	wrong = check(m, 0, n, SEED_SHM, 0, 1, "shm");
	CHECK(wrong == 0, "shm: the parent reads every page the child stored (%ld wrong)", wrong);
	tap_diag("shm: %.1f s", elapsed());
	CHECK_OK(munmap(m, size), "shm: munmap");
}

/* ---- (h) mlocked memory stays resident ---------------------------------- */

static void step_mlock(uint64_t mib)
{
	uint64_t size = mib << 20, n = size / OM_PAGE;
	unsigned char *m = map_anon(size, MAP_PRIVATE);
	unsigned char *scratch = map_anon(OM_PAGE, MAP_PRIVATE);
	long long lck0, lck1;
	long maj, wrong;

	if (!CHECK(m != NULL && scratch != NULL, "mlock: map %llu MiB", (unsigned long long)mib))
		return;
	if (!CHECK_OK(syscall(SYS_mlock, m, size), "mlock: mlock %llu MiB",
		      (unsigned long long)mib))
		return;
	timer_start();
	fill(m, 0, n, SEED_LOCK);
	lck0 = om_status_kib("VmLck");
	hog(mem_kib >> 10);
	lck1 = om_status_kib("VmLck");
	/* The hog pushed out our own text, data and stack too: bring them
	 * back by a check of an unlocked page first, so that the count below
	 * is of faults on the locked pages alone. */
	fill(scratch, 0, 1, SEED_LOCK);
	check(scratch, 0, 1, SEED_LOCK, 0, 0, "mlock warm-up");
	om_status_kib("VmLck");
	maj = om_majflt();
	wrong = check(m, 0, n, SEED_LOCK, 0, 1, "mlock");
	maj = om_majflt() - maj;
	CHECK(wrong == 0, "mlock: the locked pages hold their data after the pressure");
	CHECK_EQ(maj, 0, "mlock: reading them back takes no major fault");
	CHECK(lck0 == (long long)(size >> 10) && lck1 == lck0,
	      "mlock: VmLck is %lld KiB before the pressure and %lld KiB after (want %llu)",
	      lck0, lck1, (unsigned long long)(size >> 10));
	CHECK_OK(syscall(SYS_munlock, m, size), "mlock: munlock");
	tap_diag("mlock: %.1f s", elapsed());
	munmap(m, size);
	munmap(scratch, OM_PAGE);
}

/* ---- (g) swapoff while processes run ------------------------------------- */

/* The first area of /proc/swaps, or 0 if there is none. */
static int first_swap(char *dev, size_t size)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int found = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f)) {
		char *end = strpbrk(line, " \t\n");

		if (end)
			*end = 0;
		snprintf(dev, size, "%s", line);
		found = dev[0] == '/';
	}
	fclose(f);
	return found;
}

static void swapoff_child(uint64_t mib, int ready_fd, volatile int *stop)
{
	uint64_t n = (mib << 20) / OM_PAGE;
	unsigned char *m = map_anon(mib << 20, MAP_PRIVATE);
	char c = 0;
	int passes = 0;

	if (!m)
		_exit(2);
	fill(m, 0, n, SEED_SWAPOFF);
	/* 'h': MADV_PAGEOUT failed, the parent is to push us out with a hog. */
	c = madvise(m, mib << 20, MADV_PAGEOUT) == 0 ? 'p' : 'h';
	if (write(ready_fd, &c, 1) != 1)
		_exit(3);
	while (!*stop || passes < 2) {
		if (check(m, 0, n, SEED_SWAPOFF, passes & 1, 0, "swapoff child"))
			_exit(4);
		passes++;
	}
	_exit(0);
}

static void step_swapoff(void)
{
	/* Small enough that swapoff can bring every page back: on Linux
	 * with 128 MiB (80 of it free for us) two children of 24 MiB made
	 * swapoff OOM-kill its caller. */
	const uint64_t child_mib = mem_kib / 8 >> 10 ? mem_kib / 8 >> 10 : 1;
	volatile int *stop = (volatile int *)map_anon(OM_PAGE, MAP_SHARED);
	int ready[2], status, hogged = 0;
	char dev[128], c;
	pid_t pids[2];
	long long used;

	if (!first_swap(dev, sizeof(dev))) {
		tap_skip("no swap area in /proc/swaps", "swapoff: swapoff while processes run");
		return;
	}
	if (!CHECK(stop != NULL && pipe(ready) == 0, "swapoff: a pipe and a flag page"))
		return;
	timer_start();
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			swapoff_child(child_mib, ready[1], stop);
	}
	for (int i = 0; i < 2; i++) {
		if (read(ready[0], &c, 1) != 1)
			tap_diag("swapoff: a child did not get ready");
		else if (c == 'h' && !hogged++)
			hog(mem_kib >> 10);
	}
	used = om_meminfo_kib("SwapTotal") - om_meminfo_kib("SwapFree");
	tap_diag("swapoff: %s has %lld KiB in use", dev, used);
	if (pressure)
		CHECK(used > 0, "swapoff: the children's pages are partly in swap");
	CHECK_OK(syscall(SYS_swapoff, dev), "swapoff: swapoff(%s) while they run", dev);
	CHECK_EQ(om_meminfo_kib("SwapTotal"), 0, "swapoff: SwapTotal is 0 after it");
	CHECK_OK(syscall(SYS_swapon, dev, 0), "swapoff: swapon(%s) again", dev);
	CHECK_EQ(om_meminfo_kib("SwapTotal"), swap_kib, "swapoff: SwapTotal is back");
	*stop = 1;
	for (int i = 0; i < 2; i++) {
		status = wait_child_timeout(pids[i], 600000);
		CHECK_EXIT(status, 0, "swapoff: child %d found its %llu MiB right before, during "
			   "and after", i + 1, (unsigned long long)child_mib);
	}
	tap_diag("swapoff: %.1f s", elapsed());
	close(ready[0]);
	close(ready[1]);
}

/* ---- (i) one OOM kill for a load just over memory plus swap ---------------- */

static void oom_worker(uint64_t mib, int ready_fd, int go_fd)
{
	uint64_t n = (mib << 20) / OM_PAGE;
	unsigned char *m = map_anon(mib << 20, MAP_PRIVATE);
	char c = 0;

	if (!m)
		_exit(2);
	fill(m, 0, n, SEED_OOM);
	if (write(ready_fd, &c, 1) != 1 || read(go_fd, &c, 1) != 1)
		_exit(3);
	for (int pass = 0; pass < 2; pass++)
		if (check(m, 0, n, SEED_OOM, pass, 0, "oom worker"))
			_exit(4);
	_exit(0);
}

static void oom_hog(void)
{
	const uint64_t step = 4 << 20;

	for (;;) {
		unsigned char *m = map_anon(step, MAP_PRIVATE);

		if (!m)
			_exit(5);                   /* refused: that is not the OOM killer */
		for (uint64_t off = 0; off < step; off += OM_PAGE)
			*(volatile uint64_t *)(m + off) = off | 1;
	}
}

static void step_oom(void)
{
	uint64_t total = (uint64_t)(mem_kib + swap_kib) >> 10;     /* MiB */
	uint64_t worker = total / 4;
	long long kills0 = om_vmstat("oom_kill");
	int ready[2], go[2], status[3], killed = 0;
	pid_t pids[3];
	char c = 0;

	if (!CHECK(pipe(ready) == 0 && pipe(go) == 0, "oom: two pipes"))
		return;
	timer_start();
	fflush(stdout);
	for (int i = 0; i < 2; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			oom_worker(worker, ready[1], go[0]);
	}
	for (int i = 0; i < 2; i++)
		if (read(ready[0], &c, 1) != 1)
			tap_diag("oom: a worker did not get ready");
	pids[2] = fork();
	if (pids[2] == 0)
		oom_hog();
	printf("# oom: hog pid %d, workers %d %d of %llu MiB each (memory + swap %llu MiB)\n",
	       pids[2], pids[0], pids[1], (unsigned long long)worker,
	       (unsigned long long)total);
	status[2] = wait_child_timeout(pids[2], 600000);
	for (int i = 0; i < 2; i++)
		if (write(go[1], &c, 1) != 1)
			tap_diag("oom: could not start a worker's check");
	for (int i = 0; i < 2; i++)
		status[i] = wait_child_timeout(pids[i], 600000);
	for (int i = 0; i < 3; i++)
		killed += WIFSIGNALED(status[i]) && WTERMSIG(status[i]) == SIGKILL;
	CHECK_SIGNALED(status[2], SIGKILL, "oom: the hog is killed (SIGKILL)");
	CHECK_EXIT(status[0], 0, "oom: worker 1 finishes with its data right");
	CHECK_EXIT(status[1], 0, "oom: worker 2 finishes with its data right");
	CHECK_EQ(killed, 1, "oom: exactly one process is killed");
	if (kills0 >= 0)
		CHECK_EQ(om_vmstat("oom_kill") - kills0, 1, "oom: vmstat oom_kill rose by one");
	tap_diag("oom: %.1f s", elapsed());
}

int main(int argc, char **argv)
{
	uint64_t mib = 8, fork_mib = 0, shm_mib = 0, lock_mib = 4;
	const char *only = NULL;
	int do_swapoff = 0, do_oom = 0, need_swap = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mb") && i + 1 < argc)
			mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--fork-mb") && i + 1 < argc)
			fork_mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--shm-mb") && i + 1 < argc)
			shm_mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--lock-mb") && i + 1 < argc)
			lock_mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--swapoff"))
			do_swapoff = 1;
		else if (!strcmp(argv[i], "--oom"))
			do_oom = 1;
		else if (!strcmp(argv[i], "--pressure"))
			pressure = 1;
		else if (!strcmp(argv[i], "--need-swap"))
			need_swap = 1;
		else {
			fprintf(stderr, "usage: %s [--mb MIB] [--fork-mb MIB] [--shm-mb MIB] "
				"[--lock-mb MIB] [--only anon|cow|shm|mlock|swapoff] [--swapoff] "
				"[--pressure] [--need-swap] [--oom]\n", argv[0]);
			return 2;
		}
	}
	mem_kib = om_meminfo_kib("MemTotal");
	swap_kib = om_meminfo_kib("SwapTotal");
	if (!fork_mib)
		fork_mib = mib / 2 ? mib / 2 : 1;
	if (!shm_mib)
		shm_mib = mib / 2 ? mib / 2 : 1;
	tap_diag("MemTotal %lld KiB, SwapTotal %lld KiB", mem_kib, swap_kib);
	if (need_swap)
		CHECK(swap_kib > 0, "swap is on (SwapTotal %lld KiB)", swap_kib);
	if (do_oom) {
		if (swap_kib <= 0)
			tap_skip("no swap", "oom: one OOM kill for a load over memory plus swap");
		else
			step_oom();
		return tap_done();
	}
	if (!only || !strcmp(only, "anon"))
		step_anon(mib);
	if (!only || !strcmp(only, "cow"))
		step_cow(fork_mib);
	if (!only || !strcmp(only, "shm"))
		step_shm(shm_mib);
	if (!only || !strcmp(only, "mlock"))
		step_mlock(lock_mib);
	if (do_swapoff || (only && !strcmp(only, "swapoff")))
		step_swapoff();
	return tap_done();
}
