/*
 * truncate_race_test - truncate racing with page faults never leaves a
 * mapping on a page that has left the page cache (LINUX-SEMANTICS.md
 * item 63, and section 2 on the truncate_count protocol).
 *
 * The parent truncates the 4-page file to 0 and back to 4 pages, over and
 * over, and counts each cycle in a sequence number in shared anonymous
 * memory: odd while a cycle runs, even between cycles. The child stores a
 * marker through a MAP_SHARED mapping of the file and reads it back with
 * pread(), catching SIGBUS (the file may be empty at that moment). When the
 * sequence number was the same even value before the store and after the
 * pread, no truncate overlapped, so pread() must return the marker. A
 * mismatch is a lost store: it went to a page that is no longer the file's
 * (a stale PTE left by a fault that installed its page after truncate had
 * removed it). The child stays on one page for PAGE_TURN clean windows
 * before it moves to the next: a stale PTE is caught by the very next
 * check, and a fault (slow under fault_delay) is needed only after a
 * truncate, not for every try.
 *
 * The parent's cycles come in two phases. First, cycles with random pauses
 * of 0-30 ms, so that truncates land inside slow faults (Faultline's
 * fault_delay=MS switch makes every file fault sleep between looking up
 * its page and installing the PTE) and the faults also get quiet windows
 * to finish in. The pauses span several ticks of a 100 Hz clock: sleeps
 * end on ticks, so with pauses shorter than one tick the truncater would
 * wake on the same tick as every delayed fault, and with the guard on no
 * fault would ever finish; and every tenth pause is 50 ms, longer than any
 * delayed fault, so that some faults finish for sure. Then back-to-back
 * cycles, for real parallelism on SMP.
 *
 * tests/run.py suite "truncrace" runs this program with fault_delay=5,
 * where it must pass, and with fault_delay=5 truncate_guard=0, where the
 * fault path's truncate_count recheck is off and it must catch lost
 * stores (exit 1). Bounded by iterations: about 2 s on the host and
 * under TCG.
 *
 * "truncate_race_test threads SECONDS" is the same race between two
 * threads of one process, each pinned to a CPU of its own (the first two
 * it may run on), with no pauses and no fault_delay: the window is the
 * real one, a few hundred instructions of the fault path between the
 * page's lookup and its PTE, and only CPUs running in parallel can hit
 * it. The truncater cycles for SECONDS, spinning a random 0-400 us
 * between cycles (some land inside a fault, some leave quiet windows for
 * the checks); "threads SECONDS STOP_AFTER" stops earlier, once
 * STOP_AFTER stale mappings were caught, so that a run meant to catch the
 * race takes no longer than it needs on a fast host and still has time on
 * a loaded one. The result lines are the same as above, and a diagnostic
 * reports how many truncate cycles per second left a stale mapping that
 * the checks caught (with the guard, /proc/vmstat's fl_truncate_retry
 * counts the faults that saw the race and started again instead). On two
 * CPUs with truncate_guard=0 the race is caught; with the guard, never.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "filemap.h"

#define NPAGES		4
#define PAUSED_CYCLES	100	/* each followed by a 0-30 ms pause */
#define TIGHT_CYCLES	1000	/* back to back */
#define MAX_PAUSE_US	30000
#define QUIET_EVERY	10	/* every 10th pause is QUIET_US long */
#define QUIET_US	50000
#define MIN_VERIFIED	100	/* clean windows needed to trust a pass */
#define NREPORT		5	/* lost stores described in detail */
#define PAGE_TURN	256	/* clean windows on a page before the next */
#define THREADS_SECONDS	3.0	/* threads mode: how long the truncater cycles */
#define SPIN_MAX_US	400	/* threads mode: longest spin between cycles */

struct lost {
	long iter;
	long page;
	uint64_t marker;
	uint64_t got;
};

/* Shared anonymous memory: the parent's sequence, the child's counts. */
struct race {
	unsigned long seq;	/* truncate cycles x 2; odd during a cycle */
	int done;		/* the parent has finished its cycles */
	long iterations;	/* child: store + pread attempts */
	long verified;		/* ... with no truncate overlapping */
	long lost;		/* ... of which pread did not see the store */
	long lost_cycles;	/* truncate cycles after which a store was lost:
				 * each left a stale mapping (the next cycle's
				 * unmap removes it) */
	unsigned long last_lost_seq;	/* seq of the last lost store */
	long sigbus;		/* stores that raised SIGBUS (file empty) */
	long sigbus_quiet;	/* ... with no truncate running: wrong */
	struct lost report[NREPORT];
};

static sigjmp_buf bus_env;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus_env, 1);
}

static unsigned long seq_read(struct race *r)
{
	return __atomic_load_n(&r->seq, __ATOMIC_SEQ_CST);
}

/* One store + pread of a marker at page; updates the counts. */
static void one_try(struct race *r, volatile char *map, int fd, long iter,
		   long page)
{
	volatile uint64_t *slot = (volatile uint64_t *)(map + page * PAGE_SIZE +
							8 * (iter % 16));
	uint64_t marker = (uint64_t)iter * 0x9e3779b97f4a7c15ULL | 1;
	uint64_t got = 0;
	unsigned long s1, s2;

	r->iterations++;
	s1 = seq_read(r);
	if (sigsetjmp(bus_env, 1)) {
		r->sigbus++;
		if (!(s1 & 1) && seq_read(r) == s1)
			r->sigbus_quiet++;
		return;
	}
	*slot = marker;
	if (pread(fd, &got, sizeof(got), (const char *)slot - map) !=
	    sizeof(got))
		got = 0;
	s2 = seq_read(r);
	if (s1 != s2 || (s1 & 1))
		return;
	r->verified++;
	if (got != marker) {
		if (r->lost == 0 || s1 != r->last_lost_seq) {
			r->lost_cycles++;
			r->last_lost_seq = s1;
		}
		if (r->lost < NREPORT)
			r->report[r->lost] = (struct lost){ iter, page, marker,
							    got };
		r->lost++;
	}
}

static int child(struct race *r, int fd)
{
	char *map = map_file(fd, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED, 0);
	struct sigaction sa;

	if (!map)
		return 2;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	for (long iter = 0; !__atomic_load_n(&r->done, __ATOMIC_SEQ_CST);
	     iter++) {
		long page = r->verified / PAGE_TURN % NPAGES;

		one_try(r, map, fd, iter, page);
	}
	return 0;
}

/* xorshift: the pauses need not be good random numbers, only varied. */
static unsigned long next_rand(unsigned long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void truncate_cycle(struct race *r, int fd, int *errors)
{
	__atomic_fetch_add(&r->seq, 1, __ATOMIC_SEQ_CST);
	*errors += ftruncate(fd, 0) != 0;
	*errors += ftruncate(fd, NPAGES * PAGE_SIZE) != 0;
	__atomic_fetch_add(&r->seq, 1, __ATOMIC_SEQ_CST);
}

/* Faultline's own counters of the protocol, if /proc/vmstat has them. */
static void show_vmstat(const char *when)
{
	char buf[4096], *line;
	ssize_t n = read_file("/proc/vmstat", buf, sizeof(buf));

	if (n <= 0)
		return;
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (strstr(line, "truncate"))
			tap_diag("%s: /proc/vmstat %s", when, line);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The n-th CPU in @set (counting from 0), or -1 if it holds fewer.
 */
static int nth_cpu(const cpu_set_t *set, int n)
{
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set) && n-- == 0)
			return cpu;
	return -1;
}

/* Pin the calling thread to @cpu; false if it cannot be (cpu < 0). */
static bool pin_to_cpu(int cpu)
{
	cpu_set_t one;

	if (cpu < 0)
		return false;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0;
}

struct storer {
	struct race *r;
	int fd;
	int cpu;
	bool pinned;
	int status;
};

static void *storer_thread(void *arg)
{
	struct storer *st = arg;

	st->pinned = pin_to_cpu(st->cpu);
	st->status = child(st->r, st->fd);
	return NULL;
}

/* The race between two threads on two CPUs (see the top of the file). */
static void threads_mode(struct race *r, int fd, double seconds, long stop_after)
{
	struct storer st = { .r = r, .fd = fd, .cpu = -1, .status = -1 };
	cpu_set_t allowed;
	int cpu = -1;
	bool pinned;
	pthread_t storer;
	long cycles = 0;
	int errors = 0;
	unsigned long x = 88172645463325252UL;
	double start, elapsed;

	/* The first two CPUs the process may use, before either thread
	 * narrows its own set (a new thread inherits its creator's). */
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
		cpu = nth_cpu(&allowed, 0);
		st.cpu = nth_cpu(&allowed, 1);
	}
	pinned = pin_to_cpu(cpu);
	REQUIRE(pthread_create(&storer, NULL, storer_thread, &st) == 0,
		"start the storing thread");
	start = now_seconds();
	do {
		double until;

		truncate_cycle(r, fd, &errors);
		cycles++;
		/* A spin of 0-SPIN_MAX_US between cycles: some truncates land
		 * inside the storer's fault, others leave it quiet windows for
		 * the checks. Spinning, not sleeping: a sleep ends on a tick. */
		until = now_seconds() + (double)(next_rand(&x) % SPIN_MAX_US) / 1e6;
		while ((elapsed = now_seconds()) < until)
			;
	} while ((elapsed = now_seconds() - start) < seconds &&
		 (!stop_after || __atomic_load_n(&r->lost_cycles, __ATOMIC_RELAXED) < stop_after));
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	REQUIRE(pthread_join(storer, NULL) == 0, "join the storing thread");
	show_vmstat("after");

	CHECK_EQ(errors, 0, "%ld truncate cycles (to 0 and back to %d pages) "
		 "in %.1f s, every ftruncate succeeded", cycles, NPAGES, elapsed);
	CHECK_EQ(st.status, 0, "the storing thread finished");
	if (pinned && st.pinned)
		tap_diag("threads: truncater on CPU %d, storer on CPU %d", cpu, st.cpu);
	else
		tap_diag("threads: not pinned to two CPUs (one CPU only?): both "
			 "where the scheduler puts them");
	tap_diag("storer: %ld store+pread tries, %ld with no truncate "
		 "overlapping, %ld SIGBUS", r->iterations, r->verified,
		 r->sigbus);
	tap_diag("races caught: %ld of %ld truncate cycles left a stale "
		 "mapping, %.1f per second (%ld stores lost through them)",
		 r->lost_cycles, cycles, (double)r->lost_cycles / elapsed, r->lost);
}

/* The race between a parent and a forked child (see the top of the file). */
static void fork_mode(struct race *r, int fd)
{
	unsigned long x = 88172645463325252UL;
	int errors = 0, status;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(child(r, fd));
	REQUIRE(pid > 0, "fork the storing child");

	for (int c = 0; c < PAUSED_CYCLES; c++) {
		truncate_cycle(r, fd, &errors);
		usleep(c % QUIET_EVERY == QUIET_EVERY - 1 ? QUIET_US :
		       next_rand(&x) % MAX_PAUSE_US);
	}
	for (int c = 0; c < TIGHT_CYCLES; c++)
		truncate_cycle(r, fd, &errors);
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	status = wait_child_timeout(pid, 60000);
	show_vmstat("after");

	CHECK_EQ(errors, 0, "%d truncate cycles (to 0 and back to %d pages), "
		 "every ftruncate succeeded", PAUSED_CYCLES + TIGHT_CYCLES,
		 NPAGES);
	CHECK_EXIT(status, 0, "the storing child finished");
	tap_diag("child: %ld store+pread tries, %ld with no truncate "
		 "overlapping, %ld SIGBUS", r->iterations, r->verified,
		 r->sigbus);
}

int main(int argc, char **argv)
{
	char dir[64];
	struct race *r;
	int fd;
	bool threads = argc > 1 && strcmp(argv[1], "threads") == 0;

	if (argc > 1 && (!threads || argc > 4)) {
		fprintf(stderr, "usage: truncate_race_test [threads [SECONDS [STOP_AFTER]]]\n");
		return 2;
	}
	REQUIRE(enter_scratch_dir("truncate_race_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	fd = make_file("race", NPAGES * PAGE_SIZE, 40);
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(fd >= 0 && r != MAP_FAILED, "a %d-page file and shared "
		"anonymous memory for the counts", NPAGES);
	show_vmstat("before");
	fflush(stdout);
	if (threads)
		threads_mode(r, fd, argc > 2 ? atof(argv[2]) : THREADS_SECONDS,
			     argc > 3 ? atol(argv[3]) : 0);
	else
		fork_mode(r, fd);

	CHECK(r->verified >= MIN_VERIFIED, "at least %d tries had no truncate "
	      "overlapping (got %ld)", MIN_VERIFIED, r->verified);
	for (long i = 0; i < r->lost && i < NREPORT; i++)
		tap_diag("lost store: try %ld, page %ld: stored %#llx, pread "
			 "returned %#llx", r->report[i].iter, r->report[i].page,
			 (unsigned long long)r->report[i].marker,
			 (unsigned long long)r->report[i].got);
	CHECK_EQ(r->lost, 0, "no store lost: with no truncate overlapping, "
		 "pread() returns what was stored through the mapping");
	CHECK_EQ(r->sigbus_quiet, 0, "no SIGBUS while the file was whole");
	close(fd);
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
