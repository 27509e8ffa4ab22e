/*
 * efault_test - every pointer-taking call fails with EFAULT (and the
 * process lives on) when a pointer is bad: an unmapped page, a kernel
 * address (0xffff800000000000), and, for buffers the kernel writes, a
 * PROT_READ page. Raw syscall() is used throughout, so that musl neither
 * checks nor touches the pointers itself (and clock_gettime does not go
 * through the vDSO). A partial copy returns a short count (LINUX-
 * SEMANTICS.md 38).
 */
#include <sys/syscall.h>
#include <sys/uio.h>

#include "testutil.h"

static void *bad_in[2];		/* bad pointers for data the kernel reads */
static void *bad_out[3];	/* ... and for data it writes */
static const char *const bad_name[3] = { "unmapped", "kernel", "read-only" };

/* Run the check once per bad pointer: CALL uses the variable `bad`. */
#define EACH_IN(what, call)						\
	for (int i_ = 0; i_ < 2; i_++) {				\
		void *bad = bad_in[i_];					\
		CHECK_ERR(call, EFAULT, "%s, %s pointer: EFAULT", what,	\
			  bad_name[i_]);				\
	}
#define EACH_OUT(what, call)						\
	for (int i_ = 0; i_ < 3; i_++) {				\
		void *bad = bad_out[i_];				\
		CHECK_ERR(call, EFAULT, "%s, %s pointer: EFAULT", what,	\
			  bad_name[i_]);				\
	}

static void test_io(int fd)
{
	struct iovec iov_bad_base[1] = { { NULL, 10 } };

	EACH_OUT("read buffer", (lseek(fd, 0, SEEK_SET),
				 syscall(SYS_read, fd, bad, 10)));
	EACH_IN("write buffer", syscall(SYS_write, fd, bad, 10));
	EACH_OUT("pread64 buffer", syscall(SYS_pread64, fd, bad, 10, 0));
	EACH_IN("pwrite64 buffer", syscall(SYS_pwrite64, fd, bad, 10, 0));
	EACH_IN("readv iovec array", syscall(SYS_readv, fd, bad, 1));
	EACH_IN("writev iovec array", syscall(SYS_writev, fd, bad, 1));
	for (int i = 0; i < 3; i++) {
		iov_bad_base[0].iov_base = bad_out[i];
		lseek(fd, 0, SEEK_SET);
		CHECK_ERR(syscall(SYS_readv, fd, iov_bad_base, 1), EFAULT,
			  "readv into a %s iov_base: EFAULT", bad_name[i]);
	}
	iov_bad_base[0].iov_base = bad_in[0];
	CHECK_ERR(syscall(SYS_writev, fd, iov_bad_base, 1), EFAULT,
		  "writev from an unmapped iov_base: EFAULT");
	EACH_OUT("fstat buffer", syscall(SYS_fstat, fd, bad));
}

static void test_partial(int fd)
{
	char *two = map_pages(2);
	long n;

	REQUIRE(two != NULL, "map 2 pages");
	munmap(two + PAGE_SIZE, PAGE_SIZE);
	lseek(fd, 0, SEEK_SET);
	n = syscall(SYS_read, fd, two, 2 * PAGE_SIZE);
	CHECK_EQ(n, PAGE_SIZE, "read into [mapped][unmapped]: a short count "
		 "(the mapped page)");
	CHECK_EQ(two[0], 'e', "with the file's data");
	memset(two, 'w', PAGE_SIZE);
	n = syscall(SYS_pwrite64, fd, two, 2 * PAGE_SIZE, 3 * PAGE_SIZE);
	CHECK_EQ(n, PAGE_SIZE, "write from [mapped][unmapped]: a short count");
	munmap(two, PAGE_SIZE);
}

static void test_paths(void)
{
	EACH_IN("open path", syscall(SYS_open, bad, O_RDONLY));
	EACH_IN("openat path", syscall(SYS_openat, AT_FDCWD, bad, O_RDONLY));
	EACH_IN("stat path", syscall(SYS_stat, bad, &(struct stat){ 0 }));
	EACH_OUT("stat buffer", syscall(SYS_stat, ".", bad));
	EACH_OUT("lstat buffer", syscall(SYS_lstat, ".", bad));
	EACH_OUT("newfstatat buffer",
		 syscall(SYS_newfstatat, AT_FDCWD, ".", bad, 0));
	EACH_IN("mkdir path", syscall(SYS_mkdir, bad, 0755));
	EACH_IN("rmdir path", syscall(SYS_rmdir, bad));
	EACH_IN("unlink path", syscall(SYS_unlink, bad));
	EACH_IN("chdir path", syscall(SYS_chdir, bad));
	EACH_IN("access path", syscall(SYS_access, bad, F_OK));
	EACH_IN("rename old path", syscall(SYS_rename, bad, "x"));
	EACH_IN("rename new path", syscall(SYS_rename, "efault.data", bad));
	EACH_IN("link new path", syscall(SYS_link, "efault.data", bad));
	EACH_IN("truncate path", syscall(SYS_truncate, bad, 0));
	EACH_IN("execve path", syscall(SYS_execve, bad, NULL, NULL));
	EACH_OUT("getcwd buffer", syscall(SYS_getcwd, bad, 4096));
}

static void test_misc(void)
{
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	struct timespec ts = { 0, 1000 };
	pid_t pid;

	EACH_OUT("pipe fds", syscall(SYS_pipe, bad));
	EACH_OUT("pipe2 fds", syscall(SYS_pipe2, bad, 0));
	EACH_OUT("clock_gettime", syscall(SYS_clock_gettime, CLOCK_MONOTONIC,
					  bad));
	EACH_OUT("uname", syscall(SYS_uname, bad));
	EACH_OUT("getrusage", syscall(SYS_getrusage, RUSAGE_SELF, bad));
	EACH_IN("nanosleep request", syscall(SYS_nanosleep, bad, NULL));
	EACH_IN("rt_sigaction new action",
		syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));
	EACH_OUT("rt_sigaction old action",
		 syscall(SYS_rt_sigaction, SIGUSR1, NULL, bad, 8));
	EACH_IN("rt_sigprocmask set",
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
	EACH_OUT("rt_sigprocmask old set",
		 syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, bad, 8));
	EACH_OUT("rt_sigpending", syscall(SYS_rt_sigpending, bad, 8));
	EACH_IN("sigaltstack", syscall(SYS_sigaltstack, bad, NULL));
	EACH_OUT("prlimit64 old limit",
		 syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, bad));
	EACH_OUT("getdents64 buffer", (lseek(dir, 0, SEEK_SET),
				       syscall(SYS_getdents64, dir, bad, 4096)));
	close(dir);
	CHECK_OK(syscall(SYS_nanosleep, &ts, bad_out[0]),
		 "nanosleep ignores a bad rem pointer when not interrupted");

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(3);
	sleep_ms(100);
	CHECK_ERR(syscall(SYS_wait4, pid, bad_out[2], 0, NULL), EFAULT,
		  "wait4 status, read-only pointer: EFAULT");
	while (wait4(-1, NULL, WNOHANG, NULL) > 0)
		;	/* Linux reaps the child even when the copy fails */
	if ((pid = fork()) == 0)
		_exit(3);
	sleep_ms(100);
	CHECK_ERR(syscall(SYS_wait4, pid, KERNEL_ADDR, 0, NULL), EFAULT,
		  "wait4 status, kernel pointer: EFAULT");
	while (wait4(-1, NULL, WNOHANG, NULL) > 0)
		;	/* Linux reaps the child even when the copy fails */
}

int main(void)
{
	char dir[64], data[3 * PAGE_SIZE];
	int fd;

	bad_in[0] = bad_out[0] = unmapped_page();
	bad_in[1] = bad_out[1] = KERNEL_ADDR;
	bad_out[2] = readonly_page();
	REQUIRE(bad_in[0] && bad_out[2], "make the bad pointers");
	REQUIRE(enter_scratch_dir("efault_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	memset(data, 'e', sizeof(data));
	REQUIRE(write_file("efault.data", "") == 0, "create a file");
	fd = open("efault.data", O_RDWR);
	REQUIRE(fd >= 0 && write_all(fd, data, sizeof(data)) == 0,
		"fill it with 3 pages");
	test_io(fd);
	test_partial(fd);
	close(fd);
	test_paths();
	test_misc();
	CHECK_OK(leave_scratch_dir(dir), "the process is still fine: clean up");
	return tap_done();
}
