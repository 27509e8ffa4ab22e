/*
 * badptr - an outside examiner's bad-pointer exerciser.
 *
 * Every system call that takes a user pointer is called with that pointer
 * set to each of:
 *
 *   null    NULL
 *   kernel  0xffff800000000000 (the first kernel-half address)
 *   unmap   a page that was mapped and then unmapped
 *   none    a PROT_NONE page
 *   ro      a PROT_READ page (only for pointers the kernel writes through)
 *
 * and the result is printed as the errno name (or "ok", with the value
 * when it is deterministic). Nothing here depends on pids, addresses or
 * time, so the output of Linux and of the kernel under test can be diffed.
 * Raw syscall() is used everywhere, so that the C library neither checks
 * the arguments itself nor calls something else (the vDSO, openat...).
 *
 * It runs in a scratch directory it makes in the cwd and removes at the
 * end. "badptr exec-child" is how it re-executes itself for execve checks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PG 4096
#define KERNEL_ADDR ((void *)0xffff800000000000UL)

#ifndef ARCH_GET_FS
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#endif

enum kind { K_NULL, K_KERNEL, K_UNMAP, K_NONE, K_RO, NKINDS };
static const char *kind_name[NKINDS] = { "null", "kernel", "unmap", "none", "ro" };
static void *bad[NKINDS];

static const char *self;        /* argv[0], for execve */
static char okbuf[8192];        /* a valid buffer for the other arguments */

static const char *errname(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case ENOEXEC: return "ENOEXEC";
	case EBADF: return "EBADF";
	case ECHILD: return "ECHILD";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case EMFILE: return "EMFILE";
	case ENOTTY: return "ENOTTY";
	case EFBIG: return "EFBIG";
	case ENOSPC: return "ENOSPC";
	case ESPIPE: return "ESPIPE";
	case EROFS: return "EROFS";
	case EPIPE: return "EPIPE";
	case ERANGE: return "ERANGE";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case ENOSYS: return "ENOSYS";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ELOOP: return "ELOOP";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: {
		static char buf[32];

		snprintf(buf, sizeof(buf), "errno%d", e);
		return buf;
	}
	}
}

/* Print one result. show_value: the value is deterministic, print it. */
static void result(const char *call, int k, long r, int show_value)
{
	if (r == -1)
		printf("%-40s %-6s %s\n", call, kind_name[k], errname(errno));
	else if (show_value)
		printf("%-40s %-6s ok=%ld\n", call, kind_name[k], r);
	else
		printf("%-40s %-6s ok\n", call, kind_name[k]);
}

/* Run one check for each kind; out: the kernel writes through the
 * pointer (then the read-only page is a bad pointer too). */
#define FOR_KINDS(out) \
	for (int k = 0; k < NKINDS; k++) \
		if (k != K_RO || (out))

#define CHECK_IN(call, expr, showv)  FOR_KINDS(0) { void *P = bad[k]; errno = 0; result(call, k, (expr), showv); }
#define CHECK_OUT(call, expr, showv) FOR_KINDS(1) { void *P = bad[k]; errno = 0; result(call, k, (expr), showv); }

static void setup_pointers(void)
{
	char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* [m, m+PG): unmapped; [m+PG]: PROT_NONE; [m+2PG]: read-only. */
	munmap(m, PG);
	mprotect(m + PG, PG, PROT_NONE);
	mprotect(m + 2 * PG, PG, PROT_READ);
	bad[K_NULL] = NULL;
	bad[K_KERNEL] = KERNEL_ADDR;
	bad[K_UNMAP] = m;
	bad[K_NONE] = m + PG;
	bad[K_RO] = m + 2 * PG;
}

static int make_file(const char *name, const char *text)
{
	int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror(name);
		exit(1);
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* ---- files ----------------------------------------------------------------- */

static void files(void)
{
	int fd = make_file("f", "some file contents\n");
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	struct iovec iov;

	CHECK_OUT("read(file, P, 16)", (lseek(fd, 0, SEEK_SET), syscall(SYS_read, fd, P, 16)), 1);
	CHECK_IN("write(file, P, 16)", syscall(SYS_write, fd, P, 16), 1);
	CHECK_OUT("pread64(file, P, 16, 0)", syscall(SYS_pread64, fd, P, 16, 0), 1);
	CHECK_IN("pwrite64(file, P, 16, 0)", syscall(SYS_pwrite64, fd, P, 16, 0), 1);
	CHECK_IN("readv(file, P, 1)", (lseek(fd, 0, SEEK_SET), syscall(SYS_readv, fd, P, 1)), 1);
	CHECK_OUT("readv(file, {P,16}, 1)",
		  (lseek(fd, 0, SEEK_SET), iov.iov_base = P, iov.iov_len = 16,
		   syscall(SYS_readv, fd, &iov, 1)), 1);
	CHECK_IN("writev(file, P, 1)", syscall(SYS_writev, fd, P, 1), 1);
	CHECK_IN("writev(file, {P,16}, 1)",
		 (iov.iov_base = P, iov.iov_len = 16, syscall(SYS_writev, fd, &iov, 1)), 1);
	printf("file size after the write checks: %ld\n", (long)lseek(fd, 0, SEEK_END));

	CHECK_IN("open(P, O_RDONLY)", syscall(SYS_open, P, O_RDONLY), 0);
	CHECK_IN("open(P, O_CREAT|O_WRONLY)", syscall(SYS_open, P, O_CREAT | O_WRONLY, 0644), 0);
	CHECK_IN("openat(AT_FDCWD, P, O_RDONLY)", syscall(SYS_openat, AT_FDCWD, P, O_RDONLY), 0);
	CHECK_IN("openat(dir, P, O_RDONLY)", syscall(SYS_openat, dfd, P, O_RDONLY), 0);
	CHECK_IN("creat(P, 0644)", syscall(SYS_creat, P, 0644), 0);

	CHECK_IN("stat(P, buf)", syscall(SYS_stat, P, okbuf), 0);
	CHECK_OUT("stat(\"f\", P)", syscall(SYS_stat, "f", P), 0);
	CHECK_IN("lstat(P, buf)", syscall(SYS_lstat, P, okbuf), 0);
	CHECK_OUT("lstat(\"f\", P)", syscall(SYS_lstat, "f", P), 0);
	CHECK_OUT("fstat(file, P)", syscall(SYS_fstat, fd, P), 0);
	CHECK_IN("newfstatat(AT_FDCWD, P, buf, 0)", syscall(SYS_newfstatat, AT_FDCWD, P, okbuf, 0), 0);
	CHECK_OUT("newfstatat(AT_FDCWD, \"f\", P, 0)", syscall(SYS_newfstatat, AT_FDCWD, "f", P, 0), 0);
	CHECK_IN("newfstatat(file, P, buf, AT_EMPTY_PATH)",
		 syscall(SYS_newfstatat, fd, P, okbuf, AT_EMPTY_PATH), 0);
	CHECK_OUT("newfstatat(file, \"\", P, AT_EMPTY_PATH)",
		  syscall(SYS_newfstatat, fd, "", P, AT_EMPTY_PATH), 0);

	CHECK_IN("statfs(P, buf)", syscall(SYS_statfs, P, okbuf), 1);
	CHECK_OUT("statfs(\".\", P)", syscall(SYS_statfs, ".", P), 1);
	CHECK_OUT("fstatfs(file, P)", syscall(SYS_fstatfs, fd, P), 1);
	CHECK_IN("access(P, F_OK)", syscall(SYS_access, P, F_OK), 1);
	CHECK_IN("faccessat(AT_FDCWD, P, F_OK)", syscall(SYS_faccessat, AT_FDCWD, P, F_OK), 1);
	CHECK_IN("faccessat2(AT_FDCWD, P, F_OK, 0)", syscall(SYS_faccessat2, AT_FDCWD, P, F_OK, 0), 1);
	CHECK_IN("truncate(P, 0)", syscall(SYS_truncate, P, 0), 1);

	CHECK_OUT("getdents64(dir, P, 4096)",
		  (lseek(dfd, 0, SEEK_SET), syscall(SYS_getdents64, dfd, P, 4096)), 1);
	CHECK_OUT("getcwd(P, 4096)", syscall(SYS_getcwd, P, 4096), 0);
	CHECK_IN("chdir(P)", syscall(SYS_chdir, P), 1);

	CHECK_IN("mkdir(P, 0755)", syscall(SYS_mkdir, P, 0755), 1);
	CHECK_IN("mkdirat(AT_FDCWD, P, 0755)", syscall(SYS_mkdirat, AT_FDCWD, P, 0755), 1);
	CHECK_IN("rmdir(P)", syscall(SYS_rmdir, P), 1);
	CHECK_IN("unlink(P)", syscall(SYS_unlink, P), 1);
	CHECK_IN("unlinkat(AT_FDCWD, P, 0)", syscall(SYS_unlinkat, AT_FDCWD, P, 0), 1);
	CHECK_IN("unlinkat(AT_FDCWD, P, AT_REMOVEDIR)",
		 syscall(SYS_unlinkat, AT_FDCWD, P, AT_REMOVEDIR), 1);
	CHECK_IN("rename(P, \"g\")", syscall(SYS_rename, P, "g"), 1);
	CHECK_IN("rename(\"f\", P)", syscall(SYS_rename, "f", P), 1);
	CHECK_IN("renameat(AT_FDCWD, P, AT_FDCWD, \"g\")",
		 syscall(SYS_renameat, AT_FDCWD, P, AT_FDCWD, "g"), 1);
	CHECK_IN("renameat(AT_FDCWD, \"f\", AT_FDCWD, P)",
		 syscall(SYS_renameat, AT_FDCWD, "f", AT_FDCWD, P), 1);
	CHECK_IN("renameat2(AT_FDCWD, P, AT_FDCWD, \"g\", 0)",
		 syscall(SYS_renameat2, AT_FDCWD, P, AT_FDCWD, "g", 0), 1);
	CHECK_IN("renameat2(AT_FDCWD, \"f\", AT_FDCWD, P, 0)",
		 syscall(SYS_renameat2, AT_FDCWD, "f", AT_FDCWD, P, 0), 1);
	CHECK_IN("link(P, \"g\")", syscall(SYS_link, P, "g"), 1);
	CHECK_IN("link(\"f\", P)", syscall(SYS_link, "f", P), 1);
	CHECK_IN("linkat(AT_FDCWD, P, AT_FDCWD, \"g\", 0)",
		 syscall(SYS_linkat, AT_FDCWD, P, AT_FDCWD, "g", 0), 1);
	CHECK_IN("linkat(AT_FDCWD, \"f\", AT_FDCWD, P, 0)",
		 syscall(SYS_linkat, AT_FDCWD, "f", AT_FDCWD, P, 0), 1);
	printf("\"f\" still there: %s, \"g\" there: %s\n",
	       access("f", F_OK) == 0 ? "yes" : "no", access("g", F_OK) == 0 ? "yes" : "no");

	close(dfd);
	close(fd);
}

/* ---- pipes and ioctl -------------------------------------------------------- */

static void pipes(void)
{
	int p[2];
	int one = 1;

	CHECK_OUT("pipe(P)", syscall(SYS_pipe, P), 1);
	CHECK_OUT("pipe2(P, 0)", syscall(SYS_pipe2, P, 0), 1);
	CHECK_OUT("pipe2(P, O_CLOEXEC)", syscall(SYS_pipe2, P, O_CLOEXEC), 1);
	/* A failed pipe() must not leave descriptors behind. */
	if (pipe(p) == 0) {
		printf("fds of the next pipe: %d %d\n", p[0], p[1]);
		if (write(p[1], "abc", 3) != 3)
			printf("write to pipe failed\n");
		CHECK_OUT("ioctl(pipe, FIONREAD, P)", syscall(SYS_ioctl, p[0], FIONREAD, P), 1);
		CHECK_IN("ioctl(pipe, FIONBIO, P)", syscall(SYS_ioctl, p[0], FIONBIO, P), 1);
		CHECK_OUT("read(pipe, P, 3)", syscall(SYS_read, p[0], P, 3), 1);
		CHECK_IN("write(pipe, P, 3)", syscall(SYS_write, p[1], P, 3), 1);
		syscall(SYS_ioctl, p[0], FIONREAD, &one);
		printf("bytes still in the pipe: %d\n", one);
		close(p[0]);
		close(p[1]);
	}
}

/* ---- processes ---------------------------------------------------------------- */

/* Run execve(path, argv, envp) in a child and report how the child ended:
 * "exec failed: ERRNO" if execve returned, else its exit status. */
static void exec_check(const char *call, int k, const char *path, char *const *argv,
		       char *const *envp)
{
	int status, pfd[2];
	int err = 0;
	pid_t c;

	fflush(stdout);
	if (pipe(pfd))
		return;
	c = fork();
	if (c == 0) {
		close(pfd[0]);
		fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
		syscall(SYS_execve, path, argv, envp);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) != sizeof(err))
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	if (read(pfd[0], &err, sizeof(err)) == sizeof(err)) {
		errno = err;
		result(call, k, -1, 0);
	} else {
		printf("%-40s %-6s exec ran\n", call, kind_name[k]);
	}
	close(pfd[0]);
	waitpid(c, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) != 127)
		printf("%-40s %-6s child exit %d\n", call, kind_name[k], WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%-40s %-6s child signal %d\n", call, kind_name[k], WTERMSIG(status));
}

/* wait4 a fresh child with these status and rusage pointers, then check
 * with a second wait4 that the first reaped it. */
static void wait4_check(const char *call, int k, void *status, void *rusage)
{
	int st;
	pid_t c;

	fflush(stdout);
	c = fork();
	if (c == 0)
		_exit(7);
	errno = 0;
	result(call, k, syscall(SYS_wait4, c, status, 0, rusage) == c ? 0 : -1, 1);
	errno = 0;
	result("  then wait4(c, &st, WNOHANG, NULL)", k,
	       syscall(SYS_wait4, c, &st, WNOHANG, NULL) == c ? 0 : -1, 1);
}

static void processes(void)
{
	char *argv_ok[] = { (char *)self, "exec-child", NULL };
	char *env_ok[] = { "A=1", NULL };
	char *vec[3];
	int st;

	FOR_KINDS(0) exec_check("execve(P, argv, envp)", k, bad[k], argv_ok, env_ok);
	FOR_KINDS(0) exec_check("execve(self, P, envp)", k, self, bad[k], env_ok);
	FOR_KINDS(0) exec_check("execve(self, argv, P)", k, self, argv_ok, bad[k]);
	FOR_KINDS(0) {
		vec[0] = (char *)self;
		vec[1] = bad[k];
		vec[2] = NULL;
		if (k != K_NULL)
			exec_check("execve(self, {self, P}, envp)", k, self, vec, env_ok);
	}
	FOR_KINDS(0) {
		vec[0] = "A=1";
		vec[1] = bad[k];
		vec[2] = NULL;
		if (k != K_NULL)
			exec_check("execve(self, argv, {A=1, P})", k, self, argv_ok, vec);
	}
	/* execve of a missing file with a bad argv: which check comes first. */
	FOR_KINDS(0) exec_check("execve(\"missing\", P, envp)", k, "missing", bad[k], env_ok);

	/* wait4 reaps the child even when it cannot store the status. */
	FOR_KINDS(1) {
		wait4_check("wait4(c, P, 0, NULL)", k, bad[k], NULL);
		wait4_check("wait4(c, &st, 0, P)", k, &st, bad[k]);
	}
	CHECK_OUT("getrusage(RUSAGE_SELF, P)", syscall(SYS_getrusage, RUSAGE_SELF, P), 1);
	CHECK_OUT("getrusage(RUSAGE_CHILDREN, P)", syscall(SYS_getrusage, RUSAGE_CHILDREN, P), 1);
	CHECK_OUT("uname(P)", syscall(SYS_uname, P), 1);
	CHECK_OUT("sysinfo(P)", syscall(SYS_sysinfo, P), 1);
	CHECK_OUT("getrlimit(RLIMIT_NOFILE, P)", syscall(SYS_getrlimit, RLIMIT_NOFILE, P), 1);
	CHECK_IN("setrlimit(RLIMIT_NOFILE, P)", syscall(SYS_setrlimit, RLIMIT_NOFILE, P), 1);
	CHECK_IN("prlimit64(0, RLIMIT_NOFILE, P, NULL)",
		 syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, P, NULL), 1);
	CHECK_OUT("prlimit64(0, RLIMIT_NOFILE, NULL, P)",
		  syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, P), 1);
	CHECK_OUT("getresuid(P, buf, buf)", syscall(SYS_getresuid, P, okbuf, okbuf + 8), 1);
	CHECK_OUT("getresuid(buf, buf, P)", syscall(SYS_getresuid, okbuf, okbuf + 8, P), 1);
	CHECK_OUT("getresgid(P, buf, buf)", syscall(SYS_getresgid, P, okbuf, okbuf + 8), 1);
	CHECK_OUT("getrandom(P, 16, 0)", syscall(SYS_getrandom, P, 16, 0), 1);
	CHECK_OUT("arch_prctl(ARCH_GET_FS, P)", syscall(SYS_arch_prctl, ARCH_GET_FS, P), 1);
	errno = 0;
	result("arch_prctl(ARCH_SET_FS, kernel)", K_KERNEL,
	       syscall(SYS_arch_prctl, ARCH_SET_FS, KERNEL_ADDR), 1);
	CHECK_IN("set_tid_address(P)", syscall(SYS_set_tid_address, P) > 0 ? 0 : -1, 1);
}

/* ---- time ------------------------------------------------------------------------ */

static void times(void)
{
	CHECK_OUT("clock_gettime(CLOCK_MONOTONIC, P)", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, P), 1);
	CHECK_OUT("clock_gettime(CLOCK_REALTIME, P)", syscall(SYS_clock_gettime, CLOCK_REALTIME, P), 1);
	CHECK_OUT("clock_getres(CLOCK_MONOTONIC, P)", syscall(SYS_clock_getres, CLOCK_MONOTONIC, P), 1);
	CHECK_OUT("gettimeofday(P, NULL)", syscall(SYS_gettimeofday, P, NULL), 1);
	CHECK_OUT("gettimeofday(buf, P)", syscall(SYS_gettimeofday, okbuf, P), 1);
	CHECK_OUT("time(P)", syscall(SYS_time, P) > 0 ? 0 : -1, 1);
	CHECK_IN("nanosleep(P, NULL)", syscall(SYS_nanosleep, P, NULL), 1);
	CHECK_IN("clock_nanosleep(MONOTONIC, 0, P, NULL)",
		 syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, P, NULL), 1);
}

/* ---- signals ---------------------------------------------------------------------- */

static void signals(void)
{
	CHECK_IN("rt_sigaction(SIGUSR1, P, NULL, 8)", syscall(SYS_rt_sigaction, SIGUSR1, P, NULL, 8), 1);
	CHECK_OUT("rt_sigaction(SIGUSR1, NULL, P, 8)", syscall(SYS_rt_sigaction, SIGUSR1, NULL, P, 8), 1);
	CHECK_IN("rt_sigprocmask(SIG_BLOCK, P, NULL, 8)",
		 syscall(SYS_rt_sigprocmask, SIG_BLOCK, P, NULL, 8), 1);
	CHECK_OUT("rt_sigprocmask(SIG_BLOCK, NULL, P, 8)",
		  syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, P, 8), 1);
	CHECK_OUT("rt_sigpending(P, 8)", syscall(SYS_rt_sigpending, P, 8), 1);
	/* Only bad pointers: with a good one it would wait for a signal. */
	FOR_KINDS(0) if (k != K_RO) {
		errno = 0;
		result("rt_sigsuspend(P, 8)", k, syscall(SYS_rt_sigsuspend, bad[k], 8), 1);
	}
	CHECK_IN("sigaltstack(P, NULL)", syscall(SYS_sigaltstack, P, NULL), 1);
	CHECK_OUT("sigaltstack(NULL, P)", syscall(SYS_sigaltstack, NULL, P), 1);
}

/* ---- short copies: a buffer whose second page is bad ------------------------------------ */

static void partial(void)
{
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *pre = m + PG - 8;         /* 8 good bytes, then a PROT_NONE page */
	char big[64];
	int fd, p[2], n = -1;

	if (m == MAP_FAILED)
		return;
	memset(m, 'x', PG);
	mprotect(m + PG, PG, PROT_NONE);
	fd = make_file("h", "");
	memset(big, 'y', sizeof(big));
	for (int i = 0; i < 64; i++)
		if (write(fd, big, sizeof(big)) != sizeof(big))
			break;
	errno = 0;
	result("partial: read(file, 8 good + none, 64)", K_NONE,
	       (lseek(fd, 0, SEEK_SET), syscall(SYS_read, fd, pre, 64)), 1);
	result("partial: file offset after", K_NONE, lseek(fd, 0, SEEK_CUR), 1);
	result("partial: write(file, 8 good + none, 64)", K_NONE,
	       (lseek(fd, 0, SEEK_SET), syscall(SYS_write, fd, pre, 64)), 1);
	result("partial: file offset after", K_NONE, lseek(fd, 0, SEEK_CUR), 1);
	result("partial: pread64(file, 8 good + none, 64, 0)", K_NONE,
	       syscall(SYS_pread64, fd, pre, 64, 0), 1);
	result("partial: getrandom(8 good + none, 64)", K_NONE,
	       syscall(SYS_getrandom, pre, 64, 0), 1);
	result("partial: stat(\"h\", 8 good + none)", K_NONE, syscall(SYS_stat, "h", pre), 1);
	result("partial: getcwd(8 good + none, 4096)", K_NONE, syscall(SYS_getcwd, pre, 4096), 0);
	if (pipe(p) == 0) {
		result("partial: write(pipe, 8 good + none, 64)", K_NONE,
		       syscall(SYS_write, p[1], pre, 64), 1);
		if (write(p[1], big, 64) != 64)
			printf("pipe write failed\n");
		result("partial: read(pipe, 8 good + none, 64)", K_NONE,
		       syscall(SYS_read, p[0], pre, 64), 1);
		result("partial: bytes left in the pipe", K_NONE,
		       syscall(SYS_ioctl, p[0], FIONREAD, &n) ? -1 : n, 1);
		close(p[0]);
		close(p[1]);
	}
	/* A path that runs into the PROT_NONE page with no NUL. */
	memset(m, 'a', PG);
	result("partial: open(path without NUL before none)", K_NONE,
	       syscall(SYS_open, pre, O_RDONLY), 0);
	close(fd);
	munmap(m, 2 * PG);
}

/* ---- memory calls on the bad addresses (addresses, not copies) ----------------------- */

static void memory(void)
{
	FOR_KINDS(0) if (k != K_NONE) {
		errno = 0;
		result("mprotect(P, 4096, PROT_READ)", k, syscall(SYS_mprotect, bad[k], PG, PROT_READ), 1);
		errno = 0;
		result("madvise(P, 4096, MADV_DONTNEED)", k,
		       syscall(SYS_madvise, bad[k], PG, MADV_DONTNEED), 1);
		errno = 0;
		result("munmap(P, 4096)", k, syscall(SYS_munmap, bad[k], PG), 1);
	}
	errno = 0;
	result("mmap(kernel, 4096, RW, FIXED|PRIVATE|ANON)", K_KERNEL,
	       syscall(SYS_mmap, KERNEL_ADDR, PG, PROT_READ | PROT_WRITE,
		       MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1 ? -1 : 0, 1);
	errno = 0;
	result("mmap(kernel hint, 4096, RW, PRIVATE|ANON)", K_KERNEL,
	       syscall(SYS_mmap, KERNEL_ADDR, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -1 ? -1 : 0, 1);
}

int main(int argc, char **argv)
{
	char dir[64];

	/* Re-executed by the execve checks. */
	if (argc == 0)
		return 50;              /* execve with an empty argv */
	if (argc == 1 && argv[0][0] == '\0')
		return 51;              /* ... where the kernel supplied argv[0] = "" */
	if (argc == 2 && !strcmp(argv[1], "exec-child")) {
		const char *a = getenv("A");

		return a && !strcmp(a, "1") ? 42 : 43;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	self = argv[0];
	if (self[0] != '/') {
		fprintf(stderr, "badptr: run me with an absolute path\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof(dir), "badptr.%d", (int)getpid());
	if (mkdir(dir, 0755) || chdir(dir)) {
		perror(dir);
		return 1;
	}
	setup_pointers();
	files();
	pipes();
	processes();
	times();
	signals();
	partial();
	memory();
	unlink("f");
	unlink("g");
	unlink("h");
	if (chdir("..") || rmdir(dir))
		perror("cleanup");
	printf("badptr done\n");
	return 0;
}
