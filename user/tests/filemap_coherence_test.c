/*
 * filemap_coherence_test - one page-cache page per file offset
 * (LINUX-SEMANTICS.md sections B, C and D):
 *
 *   B  a MAP_SHARED store is what read() returns at once, write() shows
 *      through every shared mapping at once, all shared mappings alias one
 *      page (in one process and in several), and stores outlive munmap and
 *      close without msync;
 *   C  a MAP_PRIVATE page follows the file until its first store, then is
 *      a snapshot; COW is per page; private stores reach nothing else, not
 *      even with msync; MAP_POPULATE of a writable private mapping makes
 *      every page private at once (item 28);
 *   D  after fork, private pages are shared until one side writes, and
 *      shared mappings stay shared.
 *
 * Processes take turns through pipes (wait_turn/give_turn), so every check
 * runs after the store it must (not) see.
 */
#include "filemap.h"

#define RW (PROT_READ | PROT_WRITE)
#define NPROC 4			/* children sharing one mapping */
#define ADDS 1000		/* atomic increments per child */

/* The byte the file held at off when it was made with seed. */
#define ORIG(off, seed) pattern_byte((off), (seed))

/* Items 19-22 in one process. */
static void test_shared(void)
{
	int fd = make_file("shared", 2 * PAGE_SIZE, 10);
	char *p, *q, *r, buf[2];

	REQUIRE(fd >= 0, "a two-page file");
	p = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	q = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	r = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, PAGE_SIZE);
	REQUIRE(p && q && r && p != q, "map it shared twice, and its second "
		"page a third time");

	p[100] = 's';
	CHECK_EQ(file_byte(fd, 100), 's', "a shared store is what pread() "
		 "returns at once");
	CHECK(lseek(fd, 100, SEEK_SET) == 100 && read(fd, buf, 1) == 1 &&
	      buf[0] == 's', "and what read() returns");
	CHECK(pwrite(fd, "w", 1, 200) == 1 && p[200] == 'w' && q[200] == 'w',
	      "pwrite() shows through both mappings at once");
	CHECK(lseek(fd, PAGE_SIZE + 9, SEEK_SET) == PAGE_SIZE + 9 &&
	      write(fd, "W", 1) == 1 && r[9] == 'W' && p[PAGE_SIZE + 9] == 'W',
	      "write() shows through a mapping at another file offset");
	p[PAGE_SIZE + 5] = 'a';
	CHECK(q[PAGE_SIZE + 5] == 'a' && r[5] == 'a',
	      "a store through one mapping shows in the others (aliases)");
	r[6] = 'b';
	CHECK(p[PAGE_SIZE + 6] == 'b' && q[PAGE_SIZE + 6] == 'b',
	      "in both directions");
	__atomic_store_n((long *)(q + 512), 0, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 100; i++)
		__atomic_fetch_add((long *)(i & 1 ? p + 512 : q + 512), 1,
				   __ATOMIC_SEQ_CST);
	CHECK_EQ(*(volatile long *)(p + 512), 100,
		 "atomic adds through two addresses hit one counter");

	p[300] = 'm';
	r[300] = 'n';
	CHECK_OK(munmap(p, 2 * PAGE_SIZE), "munmap without msync");
	munmap(q, 2 * PAGE_SIZE);
	munmap(r, PAGE_SIZE);
	CHECK_OK(close(fd), "close without msync");
	fd = open("shared", O_RDONLY);
	REQUIRE(fd >= 0, "reopen the file");
	CHECK(file_byte(fd, 300) == 'm' && file_byte(fd, PAGE_SIZE + 300) ==
	      'n', "the stores survived munmap and close");
	close(fd);
	unlink("shared");
}

/* Item 23: a child's shared stores reach the parent and the file. */
static void test_child_store(void)
{
	int fd = make_file("child", PAGE_SIZE, 11), status;
	char *p = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);
	pid_t pid;

	REQUIRE(fd >= 0 && p, "a one-page file, mapped shared");
	(void)p[0];		/* the parent has the page mapped before fork */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *own = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);

		p[1] = 'c';
		if (!own)
			_exit(1);
		own[2] = 'o';
		_exit(0);
	}
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "child: stores through the inherited mapping "
		   "and a new one of its own");
	CHECK(p[1] == 'c' && p[2] == 'o', "the parent's mapping sees both "
	      "stores");
	CHECK(file_byte(fd, 1) == 'c' && file_byte(fd, 2) == 'o',
	      "and so does pread()");
	munmap(p, PAGE_SIZE);
	close(fd);
	unlink("child");
}

/*
 * One of NPROC children, each with its own mapping of the file: write
 * slot i, wait until every slot is written, check them all, then add to
 * the shared counter. Exit code: 0, or which step failed.
 */
static int sharer(int i, int go)
{
	int fd = open("many", O_RDWR);
	char *m = fd < 0 ? NULL : map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);
	long *counter;

	if (!m)
		return 1;
	counter = (long *)(m + 2048);
	memset(m + i * 64, 'A' + i, 64);
	if (wait_turn(go) != 0)
		return 2;
	for (int j = 0; j < NPROC; j++)
		for (int k = 0; k < 64; k++)
			if (m[j * 64 + k] != 'A' + j)
				return 3;
	for (int k = 0; k < ADDS; k++)
		__atomic_fetch_add(counter, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* Items 21 and 23 with NPROC + 1 processes on one page. */
static void test_many(void)
{
	int fd = make_file("many", PAGE_SIZE, 12), go[2], ok = 1;
	char *p = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);
	pid_t pids[NPROC];
	long counter = 0;

	REQUIRE(fd >= 0 && p && pipe(go) == 0, "a one-page file, mapped "
		"shared, and a pipe");
	*(long *)(p + 2048) = 0;
	fflush(stdout);
	for (int i = 0; i < NPROC; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			_exit(sharer(i, go[0]));
		}
	}
	close(go[0]);
	/* Every child has written its slot once all NPROC slots show here. */
	for (int tries = 0; tries < 2000; tries++) {
		int done = 1;

		for (int i = 0; i < NPROC; i++)
			done &= ((volatile char *)p)[i * 64 + 63] == 'A' + i;
		if (done)
			break;
		sleep_ms(5);
	}
	for (int i = 0; i < NPROC; i++)
		give_turn(go[1]);
	close(go[1]);
	for (int i = 0; i < NPROC; i++) {
		int status = wait_child(pids[i]);

		if (!CHECK_EXIT(status, 0, "sharer %d: its own mapping shows "
				"every other process's slot", i))
			ok = 0;
	}
	if (pread(fd, &counter, sizeof(counter), 2048) != sizeof(counter))
		counter = -1;
	CHECK_EQ(counter, NPROC * ADDS, "%d processes x %d atomic adds, each "
		 "through its own mapping, land on one page: pread() count",
		 NPROC, ADDS);
	CHECK_EQ(*(volatile long *)(p + 2048), NPROC * ADDS,
		 "and the parent's mapping count");
	if (ok) {
		int bad = 0;

		for (int i = 0; i < NPROC * 64; i++)
			bad += file_byte(fd, i) != 'A' + i / 64;
		CHECK_EQ(bad, 0, "every slot reached the file");
	}
	munmap(p, PAGE_SIZE);
	close(fd);
	unlink("many");
}

/* Items 24-27: a private mapping against the file and a shared one. */
static void test_private(void)
{
	int fd = make_file("private", 2 * PAGE_SIZE, 13);
	char *pv = map_file(fd, 2 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	char *pv2 = map_file(fd, 2 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	char *sh = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);

	REQUIRE(fd >= 0 && pv && pv2 && sh, "a two-page file, mapped "
		"private twice and shared once");
	CHECK_EQ(pv[10], ORIG(10, 13), "a private page first shows the file");
	CHECK(pwrite(fd, "x", 1, 10) == 1 && pv[10] == 'x',
	      "before its first store it follows pwrite()");
	sh[11] = 'y';
	CHECK_EQ(pv[11], 'y', "and shared stores");

	pv[20] = 'P';
	CHECK(pv[20] == 'P' && pv[10] == 'x' && pv[11] == 'y',
	      "the first store makes a copy holding the data as of then");
	CHECK(pwrite(fd, "z", 1, 30) == 1 && pv[30] == ORIG(30, 13),
	      "after it, pwrite() no longer shows on that page");
	sh[31] = 'q';
	CHECK_EQ(pv[31], ORIG(31, 13), "nor do shared stores");
	CHECK(pwrite(fd, "v", 1, PAGE_SIZE + 5) == 1 &&
	      pv[PAGE_SIZE + 5] == 'v',
	      "COW is per page: the unwritten second page still follows");

	CHECK(file_byte(fd, 20) == (unsigned char)ORIG(20, 13) &&
	      sh[20] == ORIG(20, 13) && pv2[20] == ORIG(20, 13),
	      "the private store reached neither the file, the shared "
	      "mapping nor another private mapping");
	pv[PAGE_SIZE + 6] = 'R';
	CHECK_OK(msync(pv, 2 * PAGE_SIZE, MS_SYNC), "msync(MS_SYNC) of the "
		 "private mapping: 0");
	CHECK_OK(msync(pv, 2 * PAGE_SIZE, MS_ASYNC), "msync(MS_ASYNC): 0");
	CHECK(file_byte(fd, 20) == (unsigned char)ORIG(20, 13) &&
	      file_byte(fd, PAGE_SIZE + 6) ==
	      (unsigned char)ORIG(PAGE_SIZE + 6, 13),
	      "and it wrote nothing to the file");
	CHECK(sh[PAGE_SIZE + 6] == ORIG(PAGE_SIZE + 6, 13) &&
	      pv2[PAGE_SIZE + 6] == ORIG(PAGE_SIZE + 6, 13),
	      "nor to the other mappings");
	munmap(pv, 2 * PAGE_SIZE);
	CHECK(file_byte(fd, 20) == (unsigned char)ORIG(20, 13),
	      "nor did its munmap");

	/* A page whose first access is a store: do_cow_fault. */
	CHECK(pwrite(fd, "n", 1, PAGE_SIZE + 50) == 1, "pwrite a byte of "
	      "the second page");
	pv2[PAGE_SIZE + 51] = 'f';
	CHECK_EQ(pv2[PAGE_SIZE + 50], 'n', "a store as first access copies "
		 "the page as of then");
	CHECK(pwrite(fd, "o", 1, PAGE_SIZE + 52) == 1 &&
	      pv2[PAGE_SIZE + 52] == ORIG(PAGE_SIZE + 52, 13),
	      "and later writes do not show");
	munmap(pv2, 2 * PAGE_SIZE);
	munmap(sh, 2 * PAGE_SIZE);
	close(fd);
	unlink("private");
}

/* Item 28: MAP_POPULATE on a writable private mapping breaks COW. */
static void test_populate(void)
{
	int fd = make_file("populate", 2 * PAGE_SIZE, 14);
	char *w = map_file(fd, 2 * PAGE_SIZE, RW, MAP_PRIVATE | MAP_POPULATE, 0);
	char *r = map_file(fd, 2 * PAGE_SIZE, PROT_READ,
			   MAP_PRIVATE | MAP_POPULATE, 0);

	REQUIRE(fd >= 0 && w && r, "a two-page file, mapped private with "
		"MAP_POPULATE, writable and read-only");
	CHECK(pwrite(fd, "a", 1, 60) == 1 && pwrite(fd, "b", 1, PAGE_SIZE + 60)
	      == 1, "pwrite a byte of each page");
	CHECK(w[60] == ORIG(60, 14) && w[PAGE_SIZE + 60] ==
	      ORIG(PAGE_SIZE + 60, 14), "writable + MAP_POPULATE: every page "
	      "was copied at mmap time, later writes do not show");
	CHECK(r[60] == 'a' && r[PAGE_SIZE + 60] == 'b', "read-only + "
	      "MAP_POPULATE: the pages still follow the file");
	munmap(w, 2 * PAGE_SIZE);
	munmap(r, 2 * PAGE_SIZE);
	close(fd);
	unlink("populate");
}

/*
 * The child of test_fork(). pv: private mapping, page 0 COWed by the
 * parent before fork, page 1 not; sh: shared mapping of the same file. Exit code 0, or the
 * number of the step that went wrong.
 */
static int fork_child(char *pv, char *sh, int to_parent, int from_parent)
{
	if (pv[0] != 'p')
		return 1;			/* inherits the parent's copy */
	if (pv[PAGE_SIZE] != 'f')
		return 2;			/* page 1 follows the file */
	pv[1] = 'c';				/* child's own copy of page 0 */
	sh[1] = 'c';
	give_turn(to_parent);
	if (wait_turn(from_parent) != 0)	/* the parent stored */
		return 3;
	if (pv[2] != ORIG(2, 15))
		return 4;			/* parent's later store unseen */
	if (pv[1] != 'c')
		return 5;
	if (sh[2] != 'S')
		return 6;			/* parent's shared store seen */
	if (pv[PAGE_SIZE + 1] != 'g')
		return 7;			/* page 1 still follows the file */
	pv[PAGE_SIZE + 2] = 'k';		/* now the child copies page 1 */
	give_turn(to_parent);
	return 0;
}

/* Items 29 and 30. */
static void test_fork(void)
{
	int fd = make_file("fork", 2 * PAGE_SIZE, 15), up[2], down[2], status;
	char *pv = map_file(fd, 2 * PAGE_SIZE, RW, MAP_PRIVATE, 0);
	char *sh = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	pid_t pid;

	REQUIRE(fd >= 0 && pv && sh && pipe(up) == 0 && pipe(down) == 0,
		"a two-page file mapped private and shared, and pipes");
	pv[0] = 'p';				/* page 0 is COWed */
	CHECK(pwrite(fd, "f", 1, PAGE_SIZE) == 1 && pv[PAGE_SIZE] == 'f',
	      "page 1 of the private mapping still follows the file");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		_exit(fork_child(pv, sh, up[1], down[0]));
	}
	close(up[1]);
	close(down[0]);
	REQUIRE(wait_turn(up[0]) == 0, "the child ran its first steps");
	CHECK(pv[0] == 'p' && pv[1] == ORIG(1, 15),
	      "parent: the child's store to the shared COW page is not seen");
	CHECK_EQ(sh[1], 'c', "parent: the child's shared store is");
	pv[2] = 'P';
	sh[2] = 'S';
	CHECK(pwrite(fd, "g", 1, PAGE_SIZE + 1) == 1, "pwrite into page 1");
	give_turn(down[1]);
	CHECK_EQ(wait_turn(up[0]), 0, "the child ran its last steps");
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "child: sees the parent's COW copy, keeps its "
		   "own after the parent writes, sees shared stores and file "
		   "writes on an uncopied page (exit = failed step)");
	CHECK(pv[PAGE_SIZE + 2] == ORIG(PAGE_SIZE + 2, 15) &&
	      file_byte(fd, PAGE_SIZE + 2) ==
	      (unsigned char)ORIG(PAGE_SIZE + 2, 15),
	      "parent: the child's store to an uncopied private page reached "
	      "neither the parent nor the file");
	CHECK(pv[2] == 'P' && pv[PAGE_SIZE + 1] == 'g', "parent: its own "
	      "copy and the following page are as expected");
	munmap(pv, 2 * PAGE_SIZE);
	munmap(sh, 2 * PAGE_SIZE);
	close(up[0]);
	close(down[1]);
	close(fd);
	unlink("fork");
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("filemap_coherence_test", dir, sizeof(dir))
		== 0, "make a scratch directory");
	test_shared();
	test_child_store();
	test_many();
	test_private();
	test_populate();
	test_fork();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
