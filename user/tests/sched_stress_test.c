/*
 * sched_stress_test - faulting, sleeping and waking under CPU load, for a
 * bounded time.
 *
 *   sched_stress_test [SECONDS]      (default 2; the acceptance run uses 20)
 *
 * Two children spin on the CPU for the whole run (the second one mapping
 * and touching pages as the parent does), so the scheduler's slice runs
 * out and timer interrupts preempt whatever the kernel is doing. The
 * parent loops until SECONDS have passed mapping anonymous pages, touching
 * each (a page fault, which takes mmap_lock for reading: a sleeping lock,
 * whose taker may set TASK_UNINTERRUPTIBLE before it tests the lock),
 * checking and unmapping them (mmap_lock for writing). Beside it, a
 * "sleeper" child sleeps and wakes all the time: it bounces a byte off a
 * ping-pong child through two pipes (a blocking read and a wake-up each
 * way), sleeps a millisecond with nanosleep, and forks short-lived children
 * that touch memory and exit, reaping each with wait4. (The sleeping is in
 * a child of its own because every sleep costs its sleeper a wait behind
 * the spinners, 50 ms slices each under Faultline: in the parent it would
 * leave little time for faulting, and the faults are where the window is.)
 *
 * The bug this guards against (issue 11): a task preempted after it set
 * TASK_UNINTERRUPTIBLE and before its own schedule() was never queued
 * again, and the kernel hung within seconds under such a load. A hang here
 * shows up as the harness's boot timeout (tests/run.py suite sched-stress);
 * this program then never prints its closing line.
 *
 * At the end the parent reaps the sleeper, kills the spinners and checks
 * that every child finished as it should and that the spinners, the
 * sleeper and the loop all really ran (counters in shared memory): a run
 * in which one of them never got the CPU would prove nothing.
 */
#include "testutil.h"

#define SPINNERS	2
#define MAP_PAGES	16		/* pages mapped, touched, unmapped per round */
#define NAP_EVERY	4		/* sleeper: ping-pongs between nanosleeps */
#define SHORT_CHILD_EVERY 16		/* sleeper: ping-pongs between fork + wait4 */

/* What the children report, in a shared anonymous page. */
struct stats {
	unsigned long spins[SPINNERS];	/* each spinner's loop count */
	unsigned long pongs;		/* the sleeper's round trips */
	unsigned long naps;
	unsigned long children;
	unsigned long errors;		/* the sleeper's failed steps */
};

static pid_t spinner[SPINNERS];

/* At exit (a failed REQUIRE too): never leave a spinner running. */
static void kill_spinners(void)
{
	for (int i = 0; i < SPINNERS; i++)
		if (spinner[i] > 0)
			kill(spinner[i], SIGKILL);
}

/*
 * The ping-pong child: read one byte from @in, send it back plus one on
 * @out, until EOF; exit 0 then, 1 on any error.
 */
static __attribute__((noreturn)) void pong(int in, int out)
{
	unsigned char b;

	for (;;) {
		ssize_t n = read(in, &b, 1);

		if (n == 0)
			_exit(0);
		if (n != 1)
			_exit(1);
		b++;
		if (write(out, &b, 1) != 1)
			_exit(1);
	}
}

/* Fork a child that touches a few pages and exits 7; reap it. 0 if so. */
static int short_child(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		volatile char *m = map_pages(4);

		for (int i = 0; m && i < 4; i++)
			m[i * PAGE_SIZE] = 1;
		_exit(m ? 7 : 1);
	}
	status = wait_child(pid);
	return status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : -1;
}

/*
 * The sleeper child: until @deadline, ping-pong with a child of its own,
 * nap and fork-and-reap, counting in @st. Exits 0 if every step worked and
 * the ping-pong child exited 0 at EOF.
 */
static __attribute__((noreturn)) void sleeper(volatile struct stats *st,
					      long long deadline)
{
	int to_pong[2], from_pong[2], status;
	unsigned char b = 0, got;
	pid_t ponger;

	if (pipe(to_pong) || pipe(from_pong))
		_exit(2);
	ponger = fork();
	if (ponger == 0) {
		close(to_pong[1]);
		close(from_pong[0]);
		pong(to_pong[0], from_pong[1]);
	}
	if (ponger < 0)
		_exit(2);
	close(to_pong[0]);
	close(from_pong[1]);
	while (now_ns(CLOCK_MONOTONIC) < deadline) {
		st->pongs++;
		if (write(to_pong[1], &b, 1) != 1 || read(from_pong[0], &got, 1) != 1 ||
		    got != (unsigned char)(b + 1))
			st->errors++;
		b = got;
		if (st->pongs % NAP_EVERY == 1) {	/* the first round too */
			struct timespec ms = { 0, 1000000 };

			if (nanosleep(&ms, NULL) != 0)
				st->errors++;
			st->naps++;
		}
		if (st->pongs % SHORT_CHILD_EVERY == 1) {
			st->children++;
			if (short_child())
				st->errors++;
		}
	}
	close(to_pong[1]);
	status = wait_child(ponger);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		st->errors++;
	_exit(st->errors ? 1 : 0);
}

/* Map, touch, check and unmap MAP_PAGES pages; 0 if every check held. */
static int map_touch_unmap(unsigned long round)
{
	size_t len = MAP_PAGES * PAGE_SIZE, at = round % PAGE_SIZE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0;

	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < MAP_PAGES; i++)
		p[i * PAGE_SIZE + at] = (unsigned char)(round + i);
	for (size_t i = 0; i < MAP_PAGES; i++)
		if (p[i * PAGE_SIZE + at] != (unsigned char)(round + i) ||
		    p[i * PAGE_SIZE + (at + 1) % PAGE_SIZE] != 0)
			bad = 1;
	if (munmap(p, len) != 0)
		return -1;
	return bad ? -1 : 0;
}

/*
 * A CPU-bound child: count in its slot of shared memory until killed.
 * Spinner 0 only counts; spinner 1 faults as the parent does (never
 * sleeping either), so that more of the time the preemptions cut into is
 * spent in the fault path, where the window of issue 11 was.
 */
static __attribute__((noreturn)) void spin(int i, volatile unsigned long *counter)
{
	for (unsigned long round = 1;; round++) {
		if (i == 1 && map_touch_unmap(round))
			_exit(1);
		(*counter)++;
	}
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2.0;
	volatile struct stats *st;
	unsigned long rounds = 0, map_errors = 0;
	long long start, deadline;
	pid_t sleeper_pid;
	int status;

	REQUIRE(seconds > 0, "duration %s seconds is positive", argc > 1 ? argv[1] : "2");
	tap_diag("running %.1f s: %d spinners, a map/touch/unmap loop, and a "
		 "sleeper doing pipe ping-pong, nanosleep, fork and wait4",
		 seconds, SPINNERS);
	st = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(st != MAP_FAILED, "a shared anonymous page for the children's counters");

	atexit(kill_spinners);
	fflush(stdout);
	for (int i = 0; i < SPINNERS; i++) {
		spinner[i] = fork();
		if (spinner[i] == 0)
			spin(i, &st->spins[i]);
		REQUIRE(spinner[i] > 0, "fork spinner %d", i);
	}
	start = now_ns(CLOCK_MONOTONIC);
	deadline = start + (long long)(seconds * 1e9);
	sleeper_pid = fork();
	if (sleeper_pid == 0)
		sleeper(st, deadline);
	REQUIRE(sleeper_pid > 0, "fork the sleeper");

	while (now_ns(CLOCK_MONOTONIC) < deadline) {
		rounds++;
		if (map_touch_unmap(rounds))
			map_errors++;
	}
	status = wait_child(sleeper_pid);
	tap_diag("%lu rounds (%lu pages touched) in %.1f s; the sleeper made "
		 "%lu ping-pongs, %lu naps, %lu short children; the spinners "
		 "counted to %lu and %lu", rounds, rounds * MAP_PAGES,
		 (now_ns(CLOCK_MONOTONIC) - start) / 1e9, st->pongs, st->naps,
		 st->children, st->spins[0], st->spins[1]);

	CHECK(rounds > 0, "the map/touch/unmap loop ran");
	CHECK_EQ(map_errors, 0, "every mapped page held what was stored, the "
		 "rest of it zero, and mmap/munmap succeeded");
	CHECK_EXIT(status, 0, "the sleeper finished: every ping-pong came back, "
		   "every nap and short-lived child ended, its ping-pong child "
		   "exited at EOF");
	CHECK(st->pongs > 0 && st->naps > 0 && st->children > 0,
	      "the sleeper ping-ponged, napped and forked");
	CHECK(st->spins[0] > 0 && st->spins[1] > 0, "both spinners got the CPU");
	for (int i = 0; i < SPINNERS; i++) {
		kill(spinner[i], SIGKILL);
		status = wait_child(spinner[i]);
		spinner[i] = 0;
		CHECK_SIGNALED(status, SIGKILL, "spinner %d is killed by SIGKILL "
			       "and reaped", i);
	}
	CHECK_ERR(wait4(-1, &status, WNOHANG, NULL), ECHILD, "no child left");
	return tap_done();
}
