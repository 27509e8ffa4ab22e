/*
 * smpbench - do independent processes run in parallel?
 *
 *   smpbench [-j JOBS] [-r ROUNDS] [-s SCALE]   (defaults: 2 jobs, 5 rounds)
 *
 * Two kinds of work, each timed for one process alone and then for JOBS
 * processes at once (forked, released together through a pipe, waited
 * for by the parent); every figure is the median of ROUNDS rounds:
 *
 *   cpu_1job, cpu_jobs       integer arithmetic in registers: no system
 *                            call, no fault, nothing shared
 *   fault_1job, fault_jobs   mmap 4 MiB of private anonymous memory, write
 *                            every page (1024 first-touch faults), munmap;
 *                            eight times over. Separate address spaces:
 *                            only the page allocator and whatever global
 *                            locks the fault path takes are shared
 *   cpu_speedup, fault_speedup   JOBS * t(1 job) / t(JOBS jobs): JOBS when
 *                            the processes run fully in parallel, 1 when
 *                            they take turns on one CPU, in between when
 *                            they serialise on something they share
 *
 * So on one CPU both speedups are about 1; on two CPUs cpu_speedup should
 * be about 2, and fault_speedup shows how much of the fault path runs in
 * parallel (make bench-smp runs it on SMP=1 and SMP=2). -s SCALE
 * multiplies the work (default 1: about 0.3 s per job under TCG). It is a
 * benchmark, not a test: it asserts nothing, and the same binary runs on
 * Linux for comparison.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
#define MAX_ROUNDS 64
#define MAX_JOBS 64
#define CPU_ITERS (64L * 1000 * 1000)
#define FAULT_BYTES (4L << 20)
#define FAULT_REPEATS 8

static int rounds = 5;
static int jobs = 2;
static long scale = 1;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static unsigned long cpu_work(void)
{
	unsigned long x = 88172645463325252UL, sum = 0;

	for (long i = 0; i < CPU_ITERS * scale; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		sum += x;
	}
	return sum;
}

static unsigned long fault_work(void)
{
	unsigned long sum = 0;

	for (long r = 0; r < FAULT_REPEATS * scale; r++) {
		char *p = mmap(NULL, FAULT_BYTES, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		for (long off = 0; off < FAULT_BYTES; off += PG)
			((volatile char *)p)[off] = (char)off;
		sum += (unsigned char)p[PG];
		if (munmap(p, FAULT_BYTES))
			die("munmap");
	}
	return sum;
}

/*
 * Seconds for n processes to run work() once each, started together: they
 * are forked first and each waits to read one byte from a pipe; the clock
 * starts when the parent writes n bytes and stops when the last has exited.
 */
static double run_jobs(int n, unsigned long (*work)(void))
{
	int go[2];
	char bytes[MAX_JOBS];
	double t0;

	if (pipe(go))
		die("pipe");
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) != 1)
				_exit(2);
			_exit(work() == 42);    /* use the result; never 42 */
		}
	}
	close(go[0]);
	memset(bytes, 'g', sizeof(bytes));
	t0 = now_s();
	if (write(go[1], bytes, (size_t)n) != n)
		die("write");
	close(go[1]);
	for (int i = 0; i < n; i++) {
		int status;

		if (wait(&status) < 0)
			die("wait");
		if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			fprintf(stderr, "smpbench: a job failed (status %#x)\n", status);
			exit(1);
		}
	}
	return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void measure(const char *name, unsigned long (*work)(void))
{
	double one[MAX_ROUNDS], many[MAX_ROUNDS], t1, tn;

	/* Alternate the two so that a change in host load hits both alike. */
	for (int r = 0; r < rounds; r++) {
		one[r] = run_jobs(1, work);
		many[r] = run_jobs(jobs, work);
	}
	t1 = median(one, rounds);
	tn = median(many, rounds);
	printf("%s_1job%*s %10.1f ms\n", name, (int)(14 - strlen(name)), "", t1 * 1e3);
	printf("%s_jobs%*s %10.1f ms   (%d jobs at once)\n", name, (int)(14 - strlen(name)), "",
	       tn * 1e3, jobs);
	printf("%s_speedup%*s %10.2f x    (%d * t(1 job) / t(%d jobs))\n", name,
	       (int)(11 - strlen(name)), "", jobs * t1 / tn, jobs, jobs);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "j:r:s:")) != -1) {
		switch (opt) {
		case 'j':
			jobs = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 's':
			scale = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: smpbench [-j JOBS] [-r ROUNDS] [-s SCALE]\n");
			return 2;
		}
	}
	if (jobs < 1 || jobs > MAX_JOBS || rounds < 1 || rounds > MAX_ROUNDS || scale < 1) {
		fprintf(stderr, "smpbench: -j 1..%d, -r 1..%d, -s 1 or more\n", MAX_JOBS,
			MAX_ROUNDS);
		return 2;
	}
	printf("smpbench: %d jobs, %d rounds, scale %ld, %ld CPUs online\n", jobs, rounds,
	       scale, sysconf(_SC_NPROCESSORS_ONLN));
	measure("cpu", cpu_work);
	measure("fault", fault_work);
	return 0;
}
