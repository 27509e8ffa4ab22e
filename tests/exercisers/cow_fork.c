/*
 * cow_fork - an outside examiner's copy-on-write and fork() exerciser.
 *
 * Written against the Linux x86-64 ABI only (static musl, no helpers from
 * the kernel under test). It prints one line per observation; the same
 * binary run on Linux and on the kernel under test must print the same
 * lines, so the output is made of facts that do not depend on pids,
 * addresses or timing: the values each process sees, and how many minor
 * faults (getrusage ru_minflt) an operation cost.
 *
 * Memory used:
 *   priv   NPRIV pages, MAP_PRIVATE|MAP_ANONYMOUS
 *   shr    NSHR pages, MAP_SHARED|MAP_ANONYMOUS (stays shared across fork)
 *   bss    a page-aligned static array (private, anonymous after exec)
 *   data   a page-aligned initialised array (private file mapping of the
 *          executable: the first write copies the page-cache page)
 *   board  one shared anonymous page where children leave their numbers
 *
 * Processes take turns through pipes, so every read happens after the
 * write it must (or must not) see. Children never print: they write their
 * numbers on the board and exit with 0 or the number of the check that
 * failed; only the parent prints. Fault counts are deltas of ru_minflt
 * around loops that touch one byte per page; the rusage buffers are on a
 * stack page that is written before the first sample, so sampling itself
 * does not fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG      4096
#define NPRIV   64
#define NSHR    16
#define NBSS    16
#define NDATA   4
#define NCROWD  12              /* concurrent children in the crowd test */

static char bss[NBSS * PG] __attribute__((aligned(PG)));
static char data[NDATA * PG] __attribute__((aligned(PG))) = { 'D' };

/* Numbers children leave for the parent: one slot per named fact. */
struct board {
	long v[64];
	char crowd_seen[NCROWD];        /* what each crowd child read before writing */
};
static struct board *board;

enum {
	C_READ_PRIV, C_SAW_SHR, C_WRITE_PRIV, C_WRITE_PRIV2, C_WRITE_SHR2,
	C_WRITE_BSS, C_WRITE_DATA, C_SAW_PRIV, C_SAW_BSS, C_SAW_DATA,
	G_READ_PRIV, G_WRITE_PRIV, G_SAW_PRIV,
	C_AFTER_G_PRIV, C_AFTER_G_FAULTS,
	D_SAW_PRIV, D_WRITE_PRIV, D_SAW_OWN,
	E_READ_PRIV,
	NSLOTS
};

static long minflt(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1000000;
	return ru.ru_minflt;
}

static void touch_write(char *p, int npages, char v)
{
	for (int i = 0; i < npages; i++)
		((volatile char *)p)[i * PG + 100] = v;
}

static int touch_read(const char *p, int npages)
{
	int sum = 0;

	for (int i = 0; i < npages; i++)
		sum += ((volatile const char *)p)[i * PG + 100];
	return sum;
}

/* How many pages of p do not hold v at the probe byte. */
static int count_not(const char *p, int npages, char v)
{
	int n = 0;

	for (int i = 0; i < npages; i++)
		n += ((volatile const char *)p)[i * PG + 100] != v;
	return n;
}

/* The single value all probed pages hold, '?' if they differ. */
static char seen(const char *p, int npages)
{
	char v = ((volatile const char *)p)[100];

	return count_not(p, npages, v) ? '?' : v;
}

/* Faults taken by one operation. */
#define FAULTS(stmt) ({ long f0_ = minflt(); stmt; minflt() - f0_; })

static void turn_wait(int fd)
{
	char c;

	while (read(fd, &c, 1) != 1) {
		if (errno != EINTR) {
			perror("read turn");
			_exit(99);
		}
	}
}

static void turn_give(int fd)
{
	if (write(fd, "t", 1) != 1)
		_exit(98);
}

static void prime_stack(void)
{
	volatile char buf[2048];

	memset((char *)buf, 1, sizeof(buf));
	(void)minflt();
}

/* Report a child's exit. */
static void report_exit(const char *who, int status)
{
	if (WIFEXITED(status))
		printf("%s exit: %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s killed: signal %d\n", who, WTERMSIG(status));
	else
		printf("%s status: 0x%x\n", who, status);
}

static char *priv, *shr;

/* ---- the grandchild ---------------------------------------------------- */

static int grandchild(void)
{
	prime_stack();
	board->v[G_READ_PRIV] = FAULTS(touch_read(priv, NPRIV));
	board->v[G_SAW_PRIV] = seen(priv, NPRIV);
	board->v[G_WRITE_PRIV] = FAULTS(touch_write(priv, NPRIV, 'G'));
	/* not compared: faults on shared memory right after fork (Linux
	 * copies no PTEs of a shared VMA, so the child refaults them; the
	 * kernel under test copies them: docs/syscalls.md) */
	touch_write(shr, NSHR, 'G');
	return count_not(priv, NPRIV, 'G') ? 1 : 0;
}

/* ---- the child ---------------------------------------------------------- */

static int child(int from_parent, int to_parent)
{
	pid_t g;
	int status;

	prime_stack();
	turn_wait(from_parent);         /* the parent wrote 'Q' after forking */
	board->v[C_READ_PRIV] = FAULTS(touch_read(priv, NPRIV));
	board->v[C_SAW_PRIV] = seen(priv, NPRIV);
	board->v[C_SAW_BSS] = seen(bss, NBSS);
	board->v[C_SAW_DATA] = seen(data, NDATA);
	board->v[C_SAW_SHR] = seen(shr, NSHR);
	board->v[C_WRITE_PRIV] = FAULTS(touch_write(priv, NPRIV, 'C'));
	board->v[C_WRITE_PRIV2] = FAULTS(touch_write(priv, NPRIV, 'C'));
	touch_write(shr, NSHR, 'C');            /* (fault counts: see grandchild()) */
	board->v[C_WRITE_SHR2] = FAULTS(touch_write(shr, NSHR, 'C'));
	board->v[C_WRITE_BSS] = FAULTS(touch_write(bss, NBSS, 'c'));
	board->v[C_WRITE_DATA] = FAULTS(touch_write(data, NDATA, 'd'));
	turn_give(to_parent);           /* the parent checks what it sees */
	turn_wait(from_parent);

	fflush(stdout);
	g = fork();
	if (g < 0)
		return 2;
	if (g == 0)
		_exit(grandchild());
	if (waitpid(g, &status, 0) != g)
		return 3;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 4;
	board->v[C_AFTER_G_PRIV] = seen(priv, NPRIV);
	/* The grandchild copied every page it wrote; ours are now ours alone
	 * but still write-protected from the fork: each write faults once and
	 * reuses the page. */
	board->v[C_AFTER_G_FAULTS] = FAULTS(touch_write(priv, NPRIV, 'c'));
	return 0;
}

/* ---- tests run by the parent --------------------------------------------- */

static void test_fresh_memory(void)
{
	printf("fresh priv read faults: %ld\n", FAULTS(touch_read(priv, NPRIV)));
	printf("fresh priv read sum: %d\n", touch_read(priv, NPRIV));
	printf("priv write after read faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'P')));
	printf("priv second write faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'P')));
	printf("fresh shr write faults: %ld\n", FAULTS(touch_write(shr, NSHR, 'S')));
	printf("fresh bss write faults: %ld\n", FAULTS(touch_write(bss, NBSS, 'B')));
	printf("data first byte: %c\n", data[0]);
	printf("data write faults: %ld\n", FAULTS(touch_write(data, NDATA, 'D')));
	printf("data second write faults: %ld\n", FAULTS(touch_write(data, NDATA, 'D')));
}

static void test_child_and_grandchild(void)
{
	int to_child[2], to_parent[2], status;
	pid_t c;

	if (pipe(to_child) || pipe(to_parent)) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	c = fork();
	if (c < 0) {
		perror("fork");
		exit(1);
	}
	if (c == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		_exit(child(to_child[0], to_parent[1]));
	}
	close(to_child[0]);
	close(to_parent[1]);

	printf("parent after fork read priv faults: %ld\n", FAULTS(touch_read(priv, NPRIV)));
	/* The first write after fork copies (the child still maps the pages). */
	printf("parent first write after fork faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'Q')));
	printf("parent second write after fork faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'Q')));
	turn_give(to_child[1]);
	turn_wait(to_parent[0]);

	printf("child read priv faults: %ld\n", board->v[C_READ_PRIV]);
	printf("child saw priv: %c\n", (char)board->v[C_SAW_PRIV]);
	printf("child saw bss: %c\n", (char)board->v[C_SAW_BSS]);
	printf("child saw data: %c\n", (char)board->v[C_SAW_DATA]);
	printf("child saw shr: %c\n", (char)board->v[C_SAW_SHR]);
	printf("child write priv faults: %ld\n", board->v[C_WRITE_PRIV]);
	printf("child second write priv faults: %ld\n", board->v[C_WRITE_PRIV2]);
	printf("child second write shr faults: %ld\n", board->v[C_WRITE_SHR2]);
	printf("child write bss faults: %ld\n", board->v[C_WRITE_BSS]);
	printf("child write data faults: %ld\n", board->v[C_WRITE_DATA]);
	printf("parent sees priv after child wrote: %c\n", seen(priv, NPRIV));
	printf("parent sees bss after child wrote: %c\n", seen(bss, NBSS));
	printf("parent sees data after child wrote: %c\n", seen(data, NDATA));
	printf("parent sees shr after child wrote: %c\n", seen(shr, NSHR));
	printf("parent bss write faults: %ld\n", FAULTS(touch_write(bss, NBSS, 'b')));
	printf("parent data write faults: %ld\n", FAULTS(touch_write(data, NDATA, 'e')));

	turn_give(to_child[1]);
	if (waitpid(c, &status, 0) != c) {
		perror("waitpid");
		exit(1);
	}
	report_exit("child", status);
	printf("grandchild read priv faults: %ld\n", board->v[G_READ_PRIV]);
	printf("grandchild saw priv: %c\n", (char)board->v[G_SAW_PRIV]);
	printf("grandchild write priv faults: %ld\n", board->v[G_WRITE_PRIV]);
	printf("child saw priv after grandchild: %c\n", (char)board->v[C_AFTER_G_PRIV]);
	printf("child rewrite priv faults after grandchild: %ld\n", board->v[C_AFTER_G_FAULTS]);
	printf("parent sees priv at the end: %c\n", seen(priv, NPRIV));
	printf("parent sees shr at the end: %c\n", seen(shr, NSHR));
	close(to_child[1]);
	close(to_parent[0]);
}

/* A child that only reads, then exits: afterwards the parent is the
 * pages' only user, so its writes reuse them (one fault each, no copy). */
static void test_reuse_after_exit(void)
{
	int status;
	pid_t c;

	touch_write(priv, NPRIV, 'R');
	fflush(stdout);
	c = fork();
	if (c == 0) {
		prime_stack();
		board->v[E_READ_PRIV] = FAULTS(touch_read(priv, NPRIV));
		_exit(count_not(priv, NPRIV, 'R') ? 1 : 0);
	}
	waitpid(c, &status, 0);
	report_exit("reader child", status);
	printf("reader child read faults: %ld\n", board->v[E_READ_PRIV]);
	printf("parent write after reader exit faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'r')));
	printf("parent second write faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'r')));
}

/* The child writes first this time; the parent then writes. */
static void test_child_writes_first(void)
{
	int p2c[2], c2p[2], status;
	pid_t c;

	touch_write(priv, NPRIV, 'X');
	if (pipe(p2c) || pipe(c2p)) {
		perror("pipe");
		exit(1);
	}
	fflush(stdout);
	c = fork();
	if (c == 0) {
		prime_stack();
		close(p2c[1]);
		close(c2p[0]);
		board->v[D_WRITE_PRIV] = FAULTS(touch_write(priv, NPRIV, 'Y'));
		turn_give(c2p[1]);
		turn_wait(p2c[0]);      /* parent has written 'Z' */
		board->v[D_SAW_OWN] = seen(priv, NPRIV);
		_exit(0);
	}
	close(p2c[0]);
	close(c2p[1]);
	turn_wait(c2p[0]);              /* the child has written 'Y' */
	printf("child-first: child write faults: %ld\n", board->v[D_WRITE_PRIV]);
	printf("child-first: parent still sees: %c\n", seen(priv, NPRIV));
	printf("child-first: parent write faults: %ld\n", FAULTS(touch_write(priv, NPRIV, 'Z')));
	turn_give(p2c[1]);
	waitpid(c, &status, 0);
	report_exit("child-first child", status);
	printf("child-first: child kept: %c\n", (char)board->v[D_SAW_OWN]);
	close(p2c[1]);
	close(c2p[0]);
}

/* NCROWD children at once, each reading the parent's value and writing
 * its own to priv and to its own slot of shr. */
static void test_crowd(void)
{
	pid_t pids[NCROWD];
	int bad = 0;

	touch_write(priv, NPRIV, 'M');
	fflush(stdout);
	for (int i = 0; i < NCROWD; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			board->crowd_seen[i] = seen(priv, NPRIV);
			touch_write(priv, NPRIV, (char)('a' + i));
			shr[i] = (char)('a' + i);
			sched_yield();
			_exit(count_not(priv, NPRIV, (char)('a' + i)));
		}
	}
	for (int i = 0; i < NCROWD; i++) {
		int status;

		if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			bad++;
		if (board->crowd_seen[i] != 'M' || shr[i] != 'a' + i)
			bad++;
	}
	printf("crowd of %d: bad %d, parent kept %c\n", NCROWD, bad, seen(priv, NPRIV));
}

/* munmap in the child leaves the parent's mapping alone; the child's
 * MADV_DONTNEED on a private page gives it zeroes and the parent keeps its
 * data; on the shared mapping it does not lose data for anyone. */
static void test_unmap_in_child(void)
{
	int status;
	pid_t c;

	touch_write(priv, NPRIV, 'U');
	touch_write(shr, NSHR, 'V');
	fflush(stdout);
	c = fork();
	if (c == 0) {
		int r = 0;

		if (munmap(priv, PG * (NPRIV / 2)))
			r |= 1;
		if (madvise(priv + PG * (NPRIV / 2), PG, MADV_DONTNEED))
			r |= 2;
		if (priv[PG * (NPRIV / 2) + 100] != 0)
			r |= 4;
		if (madvise(shr, PG, MADV_DONTNEED))
			r |= 8;
		if (shr[100] != 'V')
			r |= 16;
		_exit(r);
	}
	waitpid(c, &status, 0);
	report_exit("unmapping child", status);
	printf("parent priv after child unmapped: %c\n", seen(priv, NPRIV));
	printf("parent shr after child dontneed: %c\n", seen(shr, NSHR));
}

/* wait4's rusage of a child, and RUSAGE_CHILDREN, count at least the
 * faults the child measured itself. */
static void test_child_rusage(void)
{
	struct rusage ru, before, after;
	int status;
	pid_t c;

	getrusage(RUSAGE_CHILDREN, &before);
	fflush(stdout);
	c = fork();
	if (c == 0) {
		char *m = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			_exit(1);
		touch_write(m, 32, 'w');
		_exit(0);
	}
	if (wait4(c, &status, 0, &ru) != c) {
		perror("wait4");
		exit(1);
	}
	getrusage(RUSAGE_CHILDREN, &after);
	report_exit("rusage child", status);
	printf("wait4 rusage minflt >= 32: %s\n", ru.ru_minflt >= 32 ? "yes" : "no");
	printf("RUSAGE_CHILDREN grew by >= 32: %s\n",
	       after.ru_minflt - before.ru_minflt >= 32 ? "yes" : "no");
	printf("RUSAGE_CHILDREN grew by wait4's count: %s\n",
	       after.ru_minflt - before.ru_minflt == ru.ru_minflt ? "yes" : "no");
	printf("child majflt: %ld\n", ru.ru_majflt);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	prime_stack();
	priv = mmap(NULL, NPRIV * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	shr = mmap(NULL, NSHR * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (priv == MAP_FAILED || shr == MAP_FAILED || board == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(board, 0, sizeof(*board));

	test_fresh_memory();
	test_child_and_grandchild();
	test_reuse_after_exit();
	test_child_writes_first();
	test_crowd();
	test_unmap_in_child();
	test_child_rusage();
	printf("cow_fork done\n");
	return 0;
}
