/*
 * mempressure_test - file I/O, a memory hog and a fork bomb in a machine
 * smaller than the work (issue 11, docs/reclaim.md).
 *
 *   mempressure_test                          a small run (8 MiB file, 32 forks)
 *   mempressure_test [--file MIB] [--reads N] [--hog MIB] [--oom]
 *                    [--forkbomb | --forkbomb-touch KIB]
 *
 * --file MIB: write a file of MIB MiB (a pattern that names every byte's
 * offset) with write(), fsync it, then read it back with N pread()s of
 * random length at random offsets (seed printed) and check every byte.
 * With MIB larger than memory, the page cache must recycle its clean pages
 * and write back its dirty ones (and throttle the writer) to make room: no
 * write or read may fail, and no byte may be wrong. The bug this pins:
 * with MEM=64M, write() failed with ENOMEM after ~88 MiB and pread()s of a
 * clean, fsynced 80 MiB file failed with ENOMEM dozens of times.
 *
 * --hog MIB: a child maps MIB MiB of anonymous memory and touches every
 * page. With no swap and less memory than that, it must end by SIGKILL
 * (the OOM killer) or an ENOMEM from mmap, not hang the machine, and a
 * bystander process (small, asleep in read() on a pipe) must survive it.
 *
 * --oom: the OOM killer's choice. Three children: a "keeper" that sets
 * its oom_score_adj to -1000 and then holds half of the memory (so that
 * it is the largest process whatever the hog reaches), a "light" one
 * with a 1 GiB PROT_NONE reservation (a huge address space, little
 * resident), and a hog that maps and touches 4 MiB at a time until it is
 * killed. Exactly one OOM kill must happen (vmstat oom_kill), the hog
 * must be it (SIGKILL), and the keeper (its data intact) and the light
 * one must live on. The hog's pid is printed ("# oom: hog pid N") so
 * that tests/run.py can match it with the console's "Out of memory:
 * Killed process N" line and check that report's format.
 *
 * --forkbomb: a process group in which every process forks until fork()
 * fails (EAGAIN or ENOMEM), with a cap of FORKBOMB_CAP processes; then the
 * test kills the group, waits until it is gone, and checks that the
 * machine still forks, execs and reads the file. --forkbomb-touch KIB:
 * each new process of the bomb also stores to KIB KiB of its own memory
 * (copy-on-write), so that the bomb runs memory out too and the OOM
 * killer must pick among hundreds of equal processes: the test stops
 * the bomb at its first OOM kill (or failed forks), then kills it.
 *
 * tests/run.py's mempressure suite boots it with MEM=64M (docs/testing.md).
 * In the ordinary user-test boot and on Linux it runs the small version.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "testutil.h"

#define CHUNK           (256 << 10)     /* write() size */
#define MAX_READ        (32 << 10)      /* largest random pread() */
#define FORKBOMB_CAP    4000            /* processes at most, whatever memory there is */
#define FORKBOMB_SECS   120             /* a guard: what stops a bomb is failed forks or a kill */

static const char *file_name = "pressure.bin";
static uint64_t seed;
static long bomb_touch_kib;             /* --forkbomb-touch: memory each bomb process dirties */

/* Byte @off of the file: each 8-byte word is a hash of its index. */
static inline uint64_t pattern_word(uint64_t w)
{
	uint64_t x = (w + 1) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29) ^ 0x5eed;
}

static inline unsigned char pattern_byte(uint64_t off)
{
	return (unsigned char)(pattern_word(off >> 3) >> ((off & 7) * 8));
}

static void fill(unsigned char *buf, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern_byte(off + i);
}

static uint64_t xorshift(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* ---- the file ---------------------------------------------------------- */

static int write_file_pattern(uint64_t size)
{
	unsigned char *buf = malloc(CHUNK);
	int fd = open(file_name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	uint64_t off = 0;
	int ok = 1;

	if (!buf || fd < 0) {
		CHECK(0, "file: open and a buffer (errno %d)", errno);
		return 0;
	}
	while (off < size) {
		size_t len = size - off < CHUNK ? (size_t)(size - off) : CHUNK;
		ssize_t n;

		fill(buf, off, len);
		n = write(fd, buf, len);
		if (n != (ssize_t)len) {
			tap_diag("write of %zu bytes at %llu returned %zd (errno %d %s)", len,
				 (unsigned long long)off, n, errno, tap_errno_name(errno));
			ok = 0;
			break;
		}
		off += len;
	}
	CHECK(ok, "file: write() of %llu MiB succeeds to the end",
	      (unsigned long long)(size >> 20));
	CHECK_OK(fsync(fd), "file: fsync");
	CHECK_OK(close(fd), "file: close");
	free(buf);
	return ok;
}

/* @reads random pread()s; returns 1 if every one read the right bytes. */
static int read_back_random(uint64_t size, long reads)
{
	static unsigned char buf[MAX_READ];
	int fd = open(file_name, O_RDONLY);
	long errors = 0, wrong = 0, shorts = 0;
	uint64_t bytes = 0;

	if (!CHECK_OK(fd, "file: open for reading"))
		return 0;
	for (long i = 0; i < reads; i++) {
		uint64_t off = xorshift() % size;
		size_t len = 1 + (size_t)(xorshift() % MAX_READ);
		size_t want = off + len > size ? (size_t)(size - off) : len;
		ssize_t n = pread(fd, buf, len, (off_t)off);

		if (n < 0) {
			if (errors++ < 5)
				tap_diag("pread(%zu at %llu): errno %d %s", len,
					 (unsigned long long)off, errno, tap_errno_name(errno));
			continue;
		}
		if ((size_t)n != want) {
			if (shorts++ < 5)
				tap_diag("pread(%zu at %llu) returned %zd, want %zu", len,
					 (unsigned long long)off, n, want);
			continue;
		}
		for (size_t j = 0; j < want; j++) {
			if (buf[j] != pattern_byte(off + j)) {
				if (wrong++ < 5)
					tap_diag("byte %llu is %#x, want %#x",
						 (unsigned long long)(off + j), buf[j],
						 pattern_byte(off + j));
				break;
			}
		}
		bytes += want;
	}
	close(fd);
	tap_diag("%ld random preads, %llu MiB read", reads, (unsigned long long)(bytes >> 20));
	CHECK_EQ(errors, 0, "file: no random pread() fails");
	CHECK_EQ(shorts, 0, "file: no random pread() comes up short");
	CHECK_EQ(wrong, 0, "file: every byte read back is the byte written");
	return !errors && !shorts && !wrong;
}

/* A counter of /proc/vmstat, or -1 if there is none. */
static long vmstat(const char *name)
{
	char text[8192];
	ssize_t n = read_file("/proc/vmstat", text, sizeof(text) - 1);
	size_t len = strlen(name);

	if (n <= 0)
		return -1;
	text[n] = 0;
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, name, len) && l[len] == ' ')
			return strtol(l + len + 1, NULL, 10);
	return -1;
}

/* Print the reclaim counters, so a run shows how hard the kernel worked. */
static void show_vmstat(const char *when)
{
	static const char *const names[] = {
		"pgscan_direct", "pgsteal_direct", "pgscan_kswapd", "pgsteal_kswapd", "pageoutrun",
		"allocstall", "fl_reclaim_throttle", "oom_kill", "pgmajfault", "pgrefill",
		"pgactivate", "fl_rmap_walk_vmas", "fl_alloc_fail", "fl_reclaim_wake_flusher", NULL
	};
	char line[512] = "";

	for (int i = 0; names[i]; i++) {
		long v = vmstat(names[i]);

		if (v >= 0)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s %ld",
				 names[i], v);
	}
	tap_diag("vmstat %s:%s", when, line);
}

/* MemTotal of /proc/meminfo in bytes, or 0. */
static uint64_t mem_total(void)
{
	char text[4096], *p;
	ssize_t n = read_file("/proc/meminfo", text, sizeof(text) - 1);

	if (n <= 0)
		return 0;
	text[n] = 0;
	p = strstr(text, "MemTotal:");
	return p ? strtoull(p + 9, NULL, 10) << 10 : 0;
}

/* Page-cache pages freed by reclaim, kswapd's and direct. */
static long pgsteal(void)
{
	long k = vmstat("pgsteal_kswapd");

	return vmstat("pgsteal_direct") + (k > 0 ? k : 0);
}

static void test_file(uint64_t mib, long reads)
{
	uint64_t size = mib << 20;
	struct stat st;

	long stolen = pgsteal();

	tap_diag("file: %llu MiB, %ld random reads, seed %llu", (unsigned long long)mib, reads,
		 (unsigned long long)seed);
	if (!write_file_pattern(size))
		return;
	/* A file larger than memory must have made reclaim (kswapd's or
	 * the allocator's) free page-cache pages. */
	if (!running_on_linux() && size > mem_total() && mem_total())
		CHECK(pgsteal() > stolen,
		      "file: reclaim freed page-cache pages (pgsteal %ld -> %ld)", stolen,
		      pgsteal());
	if (CHECK_OK(stat(file_name, &st), "file: stat"))
		CHECK_EQ((long long)st.st_size, (long long)size, "file: the size is what was written");
	show_vmstat("after the write");
	read_back_random(size, reads);
	show_vmstat("after the reads");
}

/* ---- the memory hog ----------------------------------------------------- */

/* A process that only waits: it must survive the hog. It answers one byte
 * on @out for each byte it reads on @in, and exits 0 at EOF. */
static void bystander(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			_exit(3);
	_exit(0);
}

static void hog(uint64_t mib)
{
	size_t len = (size_t)(mib << 20);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(errno == ENOMEM ? 2 : 4);
	for (size_t off = 0; off < len; off += PAGE_SIZE)
		p[off] = (char)(off >> 12);
	_exit(0);
}

static void test_hog(uint64_t mib)
{
	int to_by[2], from_by[2], status;
	pid_t by, h;
	char c = 'x';

	REQUIRE(pipe(to_by) == 0 && pipe(from_by) == 0, "hog: pipes");
	fflush(stdout);
	by = fork();
	if (by == 0) {
		close(to_by[1]);
		close(from_by[0]);
		bystander(to_by[0], from_by[1]);
	}
	REQUIRE(by > 0, "hog: fork the bystander");
	close(to_by[0]);
	close(from_by[1]);
	/* The bystander answers once before the hog, so it is running. */
	CHECK(write(to_by[1], &c, 1) == 1 && read(from_by[0], &c, 1) == 1,
	      "hog: the bystander answers before");

	h = fork();
	if (h == 0)
		hog(mib);
	REQUIRE(h > 0, "hog: fork the hog");
	status = wait_child_timeout(h, 120 * 1000);
	if (running_on_linux() && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		CHECK(1, "hog: %llu MiB fit in the host's memory", (unsigned long long)mib);
	else
		CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		      (WIFEXITED(status) && WEXITSTATUS(status) == 2),
		      "hog: a %llu MiB hog is killed (SIGKILL) or refused (ENOMEM), status %#x",
		      (unsigned long long)mib, status);

	CHECK(write(to_by[1], &c, 1) == 1 && read(from_by[0], &c, 1) == 1,
	      "hog: the bystander is alive and answers after");
	close(to_by[1]);
	status = wait_child_timeout(by, 10 * 1000);
	CHECK_EXIT(status, 0, "hog: the bystander exits normally");
	close(from_by[0]);
	show_vmstat("after the hog");
}

/* ---- the OOM killer's choice ---------------------------------------------- */

/* Map and touch @mib MiB, 4 MiB at a time (a single mapping larger than
 * memory would be refused by the overcommit heuristic); every page gets
 * a byte naming it. Returns the last mapping touched, or NULL. */
static char *touch_chunks(uint64_t mib, char **chunks, size_t max_chunks)
{
	const size_t chunk = 4u << 20;
	char *p = NULL;

	for (size_t c = 0; c < mib / 4 && c < max_chunks; c++) {
		p = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		for (size_t off = 0; off < chunk; off += PAGE_SIZE)
			p[off] = (char)((c * chunk + off) >> 12);
		if (chunks)
			chunks[c] = p;
	}
	return p;
}

/* A child that readies its memory, says so on @ready, then waits for EOF
 * on @wait and exits 0 if its memory still holds what it wrote. */
static void oom_child(int keeper, uint64_t mib, int ready, int wait)
{
	static char *chunks[256];
	char c = 'r';
	int fd;

	if (keeper) {
		fd = open("/proc/self/oom_score_adj", O_WRONLY);
		if (fd < 0 || write(fd, "-1000", 5) != 5)
			_exit(5);
		close(fd);
	} else if (mmap(NULL, 1ul << 30, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			-1, 0) == MAP_FAILED) {
		_exit(6);
	}
	if (!touch_chunks(mib, chunks, 256))
		_exit(7);
	if (write(ready, &c, 1) != 1)
		_exit(8);
	while (read(wait, &c, 1) > 0)
		;
	for (size_t i = 0; i < mib / 4; i++)
		for (size_t off = 0; off < (4u << 20); off += PAGE_SIZE)
			if (chunks[i][off] != (char)((i * (4u << 20) + off) >> 12))
				_exit(9);
	_exit(0);
}

static pid_t start_oom_child(int keeper, uint64_t mib, int *hold)
{
	int ready[2], wait[2];
	pid_t pid;
	char c;

	REQUIRE(pipe(ready) == 0 && pipe(wait) == 0, "oom: pipes");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(wait[1]);
		oom_child(keeper, mib, ready[1], wait[0]);
	}
	REQUIRE(pid > 0, "oom: fork");
	close(ready[1]);
	close(wait[0]);
	CHECK(read(ready[0], &c, 1) == 1, "oom: the %s (%llu MiB) is ready",
	      keeper ? "keeper, oom_score_adj -1000," : "light process",
	      (unsigned long long)mib);
	close(ready[0]);
	*hold = wait[1];
	return pid;
}

static void test_oom_choice(void)
{
	uint64_t keeper_mib = (mem_total() >> 20) / 2 / 4 * 4;
	long kills;
	int keeper_hold, light_hold, status;
	pid_t keeper, light, h;

	REQUIRE(keeper_mib >= 8, "oom: MemTotal known");
	keeper = start_oom_child(1, keeper_mib, &keeper_hold);
	light = start_oom_child(0, 4, &light_hold);
	kills = vmstat("oom_kill");
	fflush(stdout);
	h = fork();
	if (h == 0) {
		touch_chunks(4096, NULL, 1024);         /* 4 GiB: never fits */
		_exit(0);
	}
	REQUIRE(h > 0, "oom: fork the hog");
	tap_diag("oom: hog pid %d, keeper %d, light %d", (int)h, (int)keeper, (int)light);
	status = wait_child_timeout(h, 120 * 1000);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "oom: the hog is killed by SIGKILL, status %#x", status);
	CHECK(vmstat("oom_kill") == kills + 1, "oom: exactly one OOM kill (%ld -> %ld)", kills,
	      vmstat("oom_kill"));
	close(light_hold);
	CHECK_EXIT(wait_child_timeout(light, 10 * 1000), 0,
		   "oom: the light process (1 GiB reserved) lives, its memory intact");
	close(keeper_hold);
	CHECK_EXIT(wait_child_timeout(keeper, 30 * 1000), 0,
		   "oom: the keeper (largest, oom_score_adj -1000) lives, its memory intact");
	show_vmstat("after the OOM");
}

/* ---- the fork bomb -------------------------------------------------------- */

struct bomb {
	int forked;             /* processes made */
	int failed;             /* fork()s that failed */
	int eagain, enomem, other;
};

/* Every process of the bomb runs this: fork until fork fails or the cap
 * is reached, then sleep until killed. */
static void bomb_loop(volatile struct bomb *b)
{
	for (;;) {
		pid_t pid;

		if (__atomic_load_n(&b->forked, __ATOMIC_RELAXED) >= FORKBOMB_CAP)
			break;
		pid = fork();
		if (pid == 0) {
			/* The child forks too, after taking some memory of
			 * its own (private pages, which fork shares
			 * copy-on-write and the next store copies). */
			static char *mine;

			if (bomb_touch_kib && !mine)
				mine = mmap(NULL, (size_t)bomb_touch_kib << 10, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (mine && mine != MAP_FAILED)
				for (long off = 0; off < bomb_touch_kib << 10; off += PAGE_SIZE)
					mine[off] = (char)getpid();
			continue;
		}
		if (pid > 0) {
			__atomic_add_fetch(&b->forked, 1, __ATOMIC_RELAXED);
			continue;
		}
		__atomic_add_fetch(&b->failed, 1, __ATOMIC_RELAXED);
		if (errno == EAGAIN)
			__atomic_add_fetch(&b->eagain, 1, __ATOMIC_RELAXED);
		else if (errno == ENOMEM)
			__atomic_add_fetch(&b->enomem, 1, __ATOMIC_RELAXED);
		else
			__atomic_add_fetch(&b->other, 1, __ATOMIC_RELAXED);
		break;
	}
	for (;;)
		pause();
}

/* Did a process of group @pgid survive? */
static int group_alive(pid_t pgid)
{
	return kill(-pgid, 0) == 0 || errno != ESRCH;
}

static void test_forkbomb(int small)
{
	volatile struct bomb *b = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int cap = small ? 32 : FORKBOMB_CAP, status, quiet = 0, last = -1;
	long long start = now_ns(CLOCK_MONOTONIC);
	char path[256];
	pid_t leader;

	REQUIRE(b != MAP_FAILED, "forkbomb: a shared page for the counts");
	if (small)
		b->forked = FORKBOMB_CAP - cap;         /* only @cap more */
	/* The watcher stays resident, as a user-space OOM watchdog does
	 * (earlyoom, systemd-oomd): without swap, a bomb whose processes
	 * dirty memory leaves only program text to reclaim, and a watcher
	 * asleep between its looks would have its own text evicted and
	 * wait behind hundreds of faulting processes to see anything.
	 * Locks are not inherited by fork, so the bomb is not locked. */
	int locked = !small && mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
	fflush(stdout);
	leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		bomb_loop(b);
	}
	REQUIRE(leader > 0, "forkbomb: fork the leader");
	setpgid(leader, leader);
	/* Wait until the bomb is stopped: forks fail (or the cap is reached)
	 * and the count has stood still for a second; or the OOM killer
	 * has ended one of its processes, which is how a bomb whose
	 * processes dirty memory ends without swap, on Linux as here (its
	 * processes' stores are page faults, which cannot return ENOMEM).
	 * Once kills free memory the bomb forks again, so waiting longer
	 * only repeats the same kill hundreds of times. Or the time is up. */
	long kills0 = vmstat("oom_kill"), kills;
	long long failed_at = 0;
	const char *end = "time";

	for (int i = 0; kills0 < 0 && i < 10; i++) {   /* /proc may fail under pressure */
		sleep_ms(10);
		kills0 = vmstat("oom_kill");
	}
	kills = kills0;

	for (;;) {
		int now = __atomic_load_n(&b->forked, __ATOMIC_RELAXED) +
			  __atomic_load_n(&b->failed, __ATOMIC_RELAXED);
		long k = vmstat("oom_kill");    /* -1: unreadable this time */

		if (k >= 0)
			kills = k;
		if (kills0 >= 0 && kills > kills0) {
			end = "the OOM killer";
			break;
		}
		quiet = now == last ? quiet + 1 : 0;
		last = now;
		/* Failed forks: a second to let the count settle (other
		 * processes of the bomb may still be forking into memory
		 * that frees as they fail), then stop. */
		if (b->failed && !failed_at)
			failed_at = now_ns(CLOCK_MONOTONIC);
		if ((b->failed && (quiet >= 10 ||
				   now_ns(CLOCK_MONOTONIC) - failed_at > 1000000000LL)) ||
		    (b->forked >= FORKBOMB_CAP && quiet >= 10)) {
			end = b->failed ? "failed forks" : "the cap";
			break;
		}
		/* The clock is only a guard against a bomb nothing stops: on
		 * a loaded host the watcher may see the failures late, and
		 * what stopped the bomb is what is reported. */
		if (now_ns(CLOCK_MONOTONIC) - start > FORKBOMB_SECS * 1000000000LL) {
			end = b->failed ? "failed forks" : b->forked >= FORKBOMB_CAP ? "the cap" : "time";
			break;
		}
		sleep_ms(100);
	}
	tap_diag("forkbomb: %d processes forked, %d forks failed (EAGAIN %d, ENOMEM %d, other %d),"
		 " %ld OOM kills in %lld ms; stopped by %s",
		 b->forked - (small ? FORKBOMB_CAP - cap : 0), b->failed, b->eagain, b->enomem,
		 b->other, kills0 >= 0 ? kills - kills0 : 0,
		 (now_ns(CLOCK_MONOTONIC) - start) / 1000000, end);
	if (!small && !running_on_linux())
		CHECK(strcmp(end, "time") != 0,
		      "forkbomb: stopped by failed forks, the cap or an OOM kill, not the clock");
	CHECK_EQ(b->other, 0, "forkbomb: a failed fork() says EAGAIN or ENOMEM");

	kill(-leader, SIGKILL);
	status = wait_child_timeout(leader, 30 * 1000);
	CHECK_SIGNALED(status, SIGKILL, "forkbomb: the leader is killed");
	/* The rest are init's now; it reaps them. */
	start = now_ns(CLOCK_MONOTONIC);
	while (group_alive(leader) && now_ns(CLOCK_MONOTONIC) - start < 30 * 1000000000LL)
		sleep_ms(50);
	CHECK(!group_alive(leader), "forkbomb: every process of the bomb is gone");

	/* The machine works: fork and exec still do. */
	fflush(stdout);
	pid_t p = fork();

	if (p == 0) {
		execl(bin_path(path, sizeof(path), "true"), "true", (char *)NULL);
		_exit(127);
	}
	CHECK(p > 0, "forkbomb: fork works afterwards");
	if (p > 0) {
		status = wait_child_timeout(p, 30 * 1000);
		CHECK_EXIT(status, 0, "forkbomb: fork and exec of true work afterwards");
	}
	if (locked)
		munlockall();
	munmap((void *)b, PAGE_SIZE);
	show_vmstat("after the fork bomb");
}

int main(int argc, char **argv)
{
	uint64_t file_mib = 0, hog_mib = 0;
	long reads = 0;
	int forkbomb = 0, oom = 0, small = argc == 1;
	char dir[64];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc)
			file_mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--reads") && i + 1 < argc)
			reads = strtol(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--hog") && i + 1 < argc)
			hog_mib = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--forkbomb"))
			forkbomb = 1;
		else if (!strcmp(argv[i], "--oom"))
			oom = 1;
		else if (!strcmp(argv[i], "--forkbomb-touch") && i + 1 < argc)
			forkbomb = 1, bomb_touch_kib = strtol(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "usage: %s [--file MIB] [--reads N] [--hog MIB] [--oom] "
				"[--forkbomb | --forkbomb-touch KIB]\n",
				argv[0]);
			return 2;
		}
	}
	if (small) {
		file_mib = 8;
		reads = 200;
		forkbomb = 1;
	}
	if (!reads)
		reads = 2000;
	seed = (uint64_t)now_ns(CLOCK_REALTIME) ^ ((uint64_t)getpid() << 32);
	if (!seed)
		seed = 1;
	REQUIRE(enter_scratch_dir("mempressure", dir, sizeof(dir)) == 0, "scratch directory");
	if (file_mib)
		test_file(file_mib, reads);
	if (hog_mib)
		test_hog(hog_mib);
	if (oom)
		test_oom_choice();
	if (forkbomb)
		test_forkbomb(small);
	/* Alive and correct at the end: the file still reads back right. */
	if (file_mib)
		read_back_random(file_mib << 20, 50);
	leave_scratch_dir(dir);
	return tap_done();
}
