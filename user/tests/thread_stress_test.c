/*
 * thread_stress_test - threads racing each other through the kernel,
 * bounded, with invariants checked at the end.
 *
 * Each round starts NWORKERS threads. Each does OPS random operations:
 * store and load back its own slot in a shared anonymous page and in a
 * MAP_SHARED file page (another thread may have just dropped that page
 * with MADV_DONTNEED, or replaced the anonymous victim region with a
 * fresh one, MAP_FIXED); bump shared atomic counters in both; send
 * SIGUSR1 to a sibling; start a short-lived thread that faults and
 * exits; map, touch and unmap scratch memory; and munmap the victim
 * region under the others (who catch the SIGSEGV and retry after it is
 * back). Afterwards: every counter equals the number of operations
 * counted privately, the file's counter read with read() equals the
 * mapping's, no slot ever read back wrong while its mapping was stable,
 * signals were received (at most as many as sent: they merge), and
 * every thread was joined. (runtests' per-test timeout ends a hang.)
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

#define NWORKERS        4
#define ROUNDS          3
#define OPS             1200
#define NPAGES          8
#define SLOT(p, i, w)   ((volatile long *)((char *)(p) + (i) * PAGE_SIZE) + 8 + (w))

static char *anon, *file_map, *victim;
static volatile long victim_gen;        /* odd while the victim is away */
static long sent, received, ops_done, bad_slot, unexpected_segv, caught_segv;
static long children_started, children_done;
static pthread_t workers[NWORKERS];

static __thread sigjmp_buf jmp;
static __thread volatile int armed;

static void on_segv(int sig)
{
	(void)sig;
	if (armed) {
		armed = 0;
		siglongjmp(jmp, 1);
	}
	_exit(97);
}

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_add_fetch(&received, 1, __ATOMIC_SEQ_CST);
}

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245 + 12345;
	return *s >> 16;
}

/* Store and load back our slot; a mismatch counts only if no remap of
 * the region could explain it. */
static void slot_check(char *base, int page, int w, long v, bool is_victim)
{
	long gen = victim_gen;
	volatile long *s = SLOT(base, page, w);

	*s = v;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (*s != v && (!is_victim || (gen == victim_gen && !(gen & 1))))
		__atomic_add_fetch(&bad_slot, 1, __ATOMIC_SEQ_CST);
}

static void *short_thread(void *arg)
{
	int w = (int)(intptr_t)arg;

	slot_check(anon, NPAGES - 1, w, 77, false);
	__atomic_add_fetch((long *)anon, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&children_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void victim_touch(int w, long v)
{
	static __thread volatile long gen;

	gen = victim_gen;
	armed = 1;
	if (sigsetjmp(jmp, 1)) {
		/* Legitimate only if the victim went away meanwhile. */
		if (gen == victim_gen && !(gen & 1))
			__atomic_add_fetch(&unexpected_segv, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&caught_segv, 1, __ATOMIC_SEQ_CST);
		return;
	}
	slot_check(victim, 0, w, v, true);
	armed = 0;
}

static void victim_cycle(void)
{
	__atomic_add_fetch(&victim_gen, 1, __ATOMIC_SEQ_CST);  /* odd: away */
	munmap(victim, PAGE_SIZE);
	sched_yield();                          /* let the others fault on it */
	if (mmap(victim, PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		_exit(96);
	__atomic_add_fetch(&victim_gen, 1, __ATOMIC_SEQ_CST);  /* even: back */
}

static pthread_mutex_t victim_lock = PTHREAD_MUTEX_INITIALIZER;
/* Workers start and end together: a pthread_kill never names a thread
 * that has been joined (or not yet created). */
static pthread_barrier_t start_line, finish_line;

static void *worker(void *arg)
{
	int w = (int)(intptr_t)arg;
	unsigned int seed = 1234567u * (unsigned int)(w + 1);
	long my_ops = 0, my_sent = 0;

	pthread_barrier_wait(&start_line);
	for (int i = 0; i < OPS; i++) {
		long v = ((long)w << 32) | i;
		int page = rnd(&seed) % NPAGES;

		switch (rnd(&seed) % 10) {
		case 0: case 1:
			slot_check(anon, page, w, v, false);
			break;
		case 2: case 3:
			slot_check(file_map, page, w, v, false);
			break;
		case 4:
			__atomic_add_fetch((long *)anon, 1, __ATOMIC_SEQ_CST);
			__atomic_add_fetch((long *)file_map, 1, __ATOMIC_SEQ_CST);
			my_ops++;
			break;
		case 5:
			/* Drop a file page under the others: it comes back
			 * from the page cache with everything in it. */
			madvise(file_map + (1 + page % (NPAGES - 1)) * PAGE_SIZE, PAGE_SIZE,
				MADV_DONTNEED);
			break;
		case 6: {
			int to = (int)(rnd(&seed) % NWORKERS);

			if (to != w && pthread_kill(workers[to], SIGUSR1) == 0)
				my_sent++;
			break;
		}
		case 7: {
			pthread_t t;

			if (i % 8)
				break;
			if (pthread_create(&t, NULL, short_thread, (void *)(intptr_t)w) == 0) {
				__atomic_add_fetch(&children_started, 1, __ATOMIC_SEQ_CST);
				if (i % 16)
					pthread_detach(t);
				else
					pthread_join(t, NULL);
			}
			break;
		}
		case 8: {
			char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			if (p != MAP_FAILED) {
				p[0] = 1;
				p[PAGE_SIZE] = 2;
				munmap(p, 2 * PAGE_SIZE);
			}
			break;
		}
		case 9:
			if (i % 4 == 0 && pthread_mutex_trylock(&victim_lock) == 0) {
				victim_cycle();
				pthread_mutex_unlock(&victim_lock);
			} else {
				victim_touch(w, v);
			}
			break;
		}
	}
	__atomic_add_fetch(&ops_done, my_ops, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&sent, my_sent, __ATOMIC_SEQ_CST);
	pthread_barrier_wait(&finish_line);
	return NULL;
}

/* argv[1]: rounds (default ROUNDS), for a longer soak by hand. */
int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : ROUNDS;
	char path[] = "thread_stress.file";
	struct sigaction sa;
	long file_counter = 0;
	int fd, joined = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);

	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "create the file");
	REQUIRE(ftruncate(fd, NPAGES * PAGE_SIZE) == 0, "ftruncate");
	anon = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		    -1, 0);
	file_map = mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	victim = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(anon != MAP_FAILED && file_map != MAP_FAILED && victim != MAP_FAILED, "mmap");

	pthread_barrier_init(&start_line, NULL, NWORKERS);
	pthread_barrier_init(&finish_line, NULL, NWORKERS);
	for (int r = 0; r < rounds; r++) {
		for (int w = 0; w < NWORKERS; w++)
			if (pthread_create(&workers[w], NULL, worker, (void *)(intptr_t)w) != 0) {
				printf("Bail out! pthread_create failed\n");
				return 1;
			}
		for (int w = 0; w < NWORKERS; w++)
			joined += pthread_join(workers[w], NULL) == 0;
	}
	/* Detached short threads may still be finishing. */
	{
		long long end = now_ns(CLOCK_MONOTONIC) + 10000000000LL;

		while (children_done < children_started && now_ns(CLOCK_MONOTONIC) < end)
			sched_yield();
	}

	CHECK_EQ(joined, NWORKERS * rounds, "every worker thread was joined");
	CHECK_EQ(children_done, children_started, "every short-lived thread ran");
	CHECK_EQ(bad_slot, 0, "no slot read back wrong while its mapping stood");
	CHECK_EQ(unexpected_segv, 0, "no SIGSEGV from a region that was there all along");
	CHECK_EQ(*(long *)anon, ops_done + children_done,
		 "shared anonymous counter: no atomic increment lost");
	CHECK_EQ(*(long *)file_map, ops_done, "MAP_SHARED file counter: none lost");
	CHECK_EQ(pread(fd, &file_counter, sizeof(file_counter), 0), (ssize_t)sizeof(file_counter),
		 "pread the file's counter");
	CHECK_EQ(file_counter, ops_done, "read() sees the mapping's counter");
	CHECK(received > 0 && received <= sent,
	      "signals between threads arrive (never more than were sent: they merge)");
	tap_diag("%ld short-lived threads, %ld signals sent, %ld received, %ld SIGSEGVs "
		 "caught on the victim region while it was away", children_started, sent,
		 received, caught_segv);
	close(fd);
	unlink(path);
	return tap_done();
}
