/*
 * madvise_fork_test - the madvise hints that change fork and the ones
 * Linux refuses, through raw system calls: MADV_DONTFORK leaves a range
 * out of the child (MADV_DOFORK puts it back), MADV_WIPEONFORK gives the
 * child zeros where the parent keeps its data (MADV_KEEPONFORK undoes it;
 * EINVAL on file or shared memory), MADV_REMOVE is EINVAL on private
 * anonymous memory and EACCES on a private file mapping, MAP_HUGETLB is
 * ENOMEM with no huge pages and EINVAL on an ordinary file. The same
 * binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

#define PG 4096UL

static long sys_madvise(void *a, unsigned long len, int advice)
{
	return syscall(SYS_madvise, a, len, advice);
}

static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* In a child: 0 if @p reads as @want, 1 if it reads otherwise, 2 if it faults. */
static int child_reads(volatile char *p, char want)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_segv };

		sigaction(SIGSEGV, &sa, NULL);
		if (sigsetjmp(jb, 1))
			_exit(2);
		_exit(*p == want ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

int main(void)
{
	char dir[64];
	char *a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	REQUIRE(a != MAP_FAILED, "mmap 4 pages");
	memset(a, 'p', 4 * PG);
	CHECK_EQ(child_reads(a + PG, 'p'), 0, "a child sees the parent's data");

	CHECK_EQ(sys_madvise(a + PG, PG, MADV_DONTFORK), 0, "MADV_DONTFORK on page 1");
	CHECK_EQ(child_reads(a + PG, 'p'), 2, "the child has no page 1: SIGSEGV");
	CHECK_EQ(child_reads(a, 'p'), 0, "but pages 0 and 2 as before");
	CHECK_EQ(child_reads(a + 2 * PG, 'p'), 0, "(page 2)");
	CHECK_EQ(sys_madvise(a + PG, PG, MADV_DOFORK), 0, "MADV_DOFORK");
	CHECK_EQ(child_reads(a + PG, 'p'), 0, "the child has page 1 again");

	CHECK_EQ(sys_madvise(a + 2 * PG, PG, MADV_WIPEONFORK), 0, "MADV_WIPEONFORK on page 2");
	CHECK_EQ(child_reads(a + 2 * PG, 0), 0, "the child reads zeros there");
	CHECK_EQ(a[2 * PG], 'p', "the parent keeps its data");
	CHECK_EQ(child_reads(a + 3 * PG, 'p'), 0, "and the child the next page's");
	CHECK_EQ(sys_madvise(a + 2 * PG, PG, MADV_KEEPONFORK), 0, "MADV_KEEPONFORK");
	CHECK_EQ(child_reads(a + 2 * PG, 'p'), 0, "the child sees the data again");

	char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(s != MAP_FAILED, "a shared anonymous page");
	CHECK_ERR(sys_madvise(s, PG, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK on shared memory: EINVAL");
	CHECK_ERR(sys_madvise(a, PG, MADV_REMOVE), EINVAL, "MADV_REMOVE on private anonymous memory: EINVAL");

	REQUIRE(enter_scratch_dir("madvise_fork", dir, sizeof(dir)) == 0, "scratch directory");
	fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	REQUIRE(fd >= 0 && ftruncate(fd, PG) == 0, "a one-page file");
	char *f = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	REQUIRE(f != MAP_FAILED, "map it private");
	CHECK_ERR(sys_madvise(f, PG, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK on a file: EINVAL");
	CHECK_ERR(sys_madvise(f, PG, MADV_REMOVE), EACCES, "MADV_REMOVE on a private file mapping: EACCES");

	CHECK(mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
		   -1, 0) == MAP_FAILED && errno == ENOMEM, "MAP_HUGETLB with no huge pages: ENOMEM");
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_HUGETLB, fd, 0) == MAP_FAILED &&
	      errno == EINVAL, "MAP_HUGETLB on an ordinary file: EINVAL");
	munmap(f, PG);
	close(fd);
	unlink("f");
	leave_scratch_dir(dir);
	munmap(s, PG);
	munmap(a, 4 * PG);
	return tap_done();
}
