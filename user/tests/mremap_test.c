/*
 * mremap_test - mremap through the raw system call: shrink; grow in
 * place when the space after is free; refuse to grow without
 * MREMAP_MAYMOVE when it is not (ENOMEM); move with MREMAP_MAYMOVE and
 * MREMAP_FIXED, the data coming along (anonymous pages, a shared file
 * mapping whose stores reach the file, a private file mapping's COW
 * copies); the old range gone; fork and COW after a move; and Linux's
 * errors (EINVAL, EFAULT). The same binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

#define PG 4096UL

static long sys_mremap(void *old, unsigned long old_len, unsigned long new_len,
		       unsigned long flags, void *new_addr)
{
	return syscall(SYS_mremap, old, old_len, new_len, flags, new_addr);
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* Does reading @p fault? */
static int faults(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	volatile int r = 0;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(jb, 1) == 0)
		(void)*p;
	else
		r = 1;
	sigaction(SIGSEGV, &old, NULL);
	return r;
}

static void fill(char *p, unsigned long pages, int seed)
{
	for (unsigned long i = 0; i < pages; i++)
		memset(p + i * PG, (char)(seed + i), PG);
}

static int check(const char *p, unsigned long pages, int seed)
{
	for (unsigned long i = 0; i < pages; i++)
		for (unsigned long j = 0; j < PG; j += 511)
			if (p[i * PG + j] != (char)(seed + i))
				return 0;
	return 1;
}

static void test_anon(void)
{
	char *a, *b, *guard;
	long r;

	/* A reserve of 16 pages; the mapping uses the first 4, the rest
	 * is unmapped so that growing in place has room. */
	a = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(a != MAP_FAILED, "mmap a reserve");
	munmap(a + 4 * PG, 12 * PG);
	fill(a, 4, 10);
	r = sys_mremap(a, 4 * PG, 8 * PG, 0, NULL);
	CHECK_EQ(r, (long)a, "grow in place into free space: the same address");
	CHECK(check(a, 4, 10), "the data stayed");
	a[7 * PG] = 'z';
	CHECK_EQ(a[7 * PG], 'z', "the new pages are usable");
	r = sys_mremap(a, 8 * PG, 2 * PG, 0, NULL);
	CHECK_EQ(r, (long)a, "shrink: the same address");
	CHECK(faults(a + 3 * PG), "the cut pages are gone");
	CHECK(check(a, 2, 10), "the kept ones intact");

	/* Block growth with a guard mapping right after. */
	guard = mmap(a + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	REQUIRE(guard == a + 2 * PG, "a guard mapping after it");
	CHECK_ERR(sys_mremap(a, 2 * PG, 4 * PG, 0, NULL), ENOMEM,
		  "growing into a mapping without MREMAP_MAYMOVE: ENOMEM");
	r = sys_mremap(a, 2 * PG, 64 * PG, MREMAP_MAYMOVE, NULL);
	CHECK(r != -1 && r != (long)a, "with MREMAP_MAYMOVE it moves");
	b = (char *)r;
	CHECK(check(b, 2, 10), "the data came along");
	CHECK(faults(a), "the old range is gone");
	fill(b, 64, 40);
	CHECK(check(b, 64, 40), "all 64 pages usable");

	/* fork after the move: COW as ever. */
	pid_t pid = fork();
	if (pid == 0) {
		fill(b, 64, 70);
		_exit(check(b, 64, 70) ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK_EXIT(status, 0, "a child writes its copy");
	CHECK(check(b, 64, 40), "the parent's pages are untouched");

	/* MREMAP_FIXED onto a given address, replacing what is there. */
	char *dst = mmap(NULL, 8 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(dst != MAP_FAILED, "a destination mapping");
	r = sys_mremap(b, 4 * PG, 8 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK_EQ(r, (long)dst, "MREMAP_FIXED moves to the address given");
	CHECK(check(dst, 4, 40), "the data came along");
	dst[5 * PG] = 1;
	CHECK_EQ(dst[5 * PG], 1, "the grown part is writable (the old destination replaced)");
	CHECK(faults(b), "the source's moved part is gone");
	CHECK(check(b + 4 * PG, 60, 44), "the rest of the source stays");
	munmap(dst, 8 * PG);
	munmap(b + 4 * PG, 60 * PG);
	munmap(guard, PG);
	munmap(a, 2 * PG);
}

static void test_files(void)
{
	int fd = open("m", O_CREAT | O_RDWR | O_TRUNC, 0600);
	char *s, *p, buf[8];
	long r;

	REQUIRE(fd >= 0 && ftruncate(fd, 16 * PG) == 0, "a 16-page file");
	s = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	REQUIRE(s != MAP_FAILED, "map 4 pages shared");
	s[0] = 'a';
	r = sys_mremap(s, 4 * PG, 12 * PG, MREMAP_MAYMOVE, NULL);
	CHECK(r != -1, "grow the shared mapping to 12 pages");
	p = (char *)r;
	CHECK_EQ(p[0], 'a', "the first store is there");
	p[10 * PG] = 'k';
	CHECK_EQ(pread(fd, buf, 1, 10 * PG), 1, "pread page 10");
	CHECK_EQ(buf[0], 'k', "a store through the moved mapping reaches the file");
	CHECK_EQ(msync(p, 12 * PG, MS_SYNC), 0, "msync the moved mapping");
	munmap(p, 12 * PG);

	s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	REQUIRE(s != MAP_FAILED, "map 2 pages private");
	s[0] = 'X';                             /* a COW copy */
	r = sys_mremap(s, 2 * PG, 3 * PG, MREMAP_MAYMOVE, NULL);
	CHECK(r != -1, "grow the private mapping");
	p = (char *)r;
	CHECK_EQ(p[0], 'X', "the private copy came along");
	CHECK_EQ(pread(fd, buf, 1, 0), 1, "pread page 0");
	CHECK_EQ(buf[0], 'a', "and never reached the file");
	munmap(p, 3 * PG);
	close(fd);
	unlink("m");
}

static void test_errors(void)
{
	char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	REQUIRE(a != MAP_FAILED, "mmap");
	CHECK_ERR(sys_mremap(a + 1, PG, 2 * PG, MREMAP_MAYMOVE, NULL), EINVAL, "unaligned: EINVAL");
	CHECK_ERR(sys_mremap(a, PG, 2 * PG, 8, NULL), EINVAL, "an unknown flag: EINVAL");
	CHECK_ERR(sys_mremap(a, PG, 2 * PG, MREMAP_FIXED, a + 8 * PG), EINVAL,
		  "MREMAP_FIXED without MREMAP_MAYMOVE: EINVAL");
	CHECK_ERR(sys_mremap(a, PG, 0, MREMAP_MAYMOVE, NULL), EINVAL, "new length 0: EINVAL");
	CHECK_ERR(sys_mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, a + PG), EINVAL,
		  "MREMAP_FIXED onto an overlapping range: EINVAL");
	CHECK_ERR(sys_mremap(a, 8 * PG, 9 * PG, MREMAP_MAYMOVE, NULL), EFAULT,
		  "a range past the mapping: EFAULT");
	munmap(a, 4 * PG);
	CHECK_ERR(sys_mremap(a, PG, 2 * PG, MREMAP_MAYMOVE, NULL), EFAULT, "an unmapped range: EFAULT");
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("mremap", dir, sizeof(dir)) == 0, "scratch directory");
	test_anon();
	test_files();
	test_errors();
	leave_scratch_dir(dir);
	return tap_done();
}
