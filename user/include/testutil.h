/*
 * testutil.h - small helpers shared by the user tests (with tap.h).
 *
 *   bin_path()            where a program of /bin lives ($FAULTLINE_BIN)
 *   wait_child()          wait4() for one child, retrying EINTR
 *   wait_child_timeout()  the same, bounded, killing the child on timeout
 *   run_in_child()        run a function in a forked child, get its status
 *   CHECK_EXIT/CHECK_SIGNALED   check a wait status, print it if wrong
 *   enter_scratch_dir()   a private directory for a test's files
 *   remove_tree()         rm -r
 *   now_ns(), sleep_ms()  clocks
 *   running_on_linux()    for the rare expectation that differs by design
 *   unmapped_page(), readonly_page(), KERNEL_ADDR   bad pointers for EFAULT
 *   map_pages(), minflt() anonymous memory and the minor-fault count
 *
 * Every function is static inline so that a test includes what it uses and
 * nothing else; all state is in the caller's variables.
 */
#ifndef FAULTLINE_TESTUTIL_H
#define FAULTLINE_TESTUTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define PAGE_SIZE 4096

/*
 * The directory holding the programs that Faultline installs in /bin.
 * On Faultline that is /bin itself; `make test-linux` sets FAULTLINE_BIN to
 * build/user/bin so that the same test binary finds the freshly built
 * programs (and not the host's /bin/sh) when it runs on Linux.
 */
static inline const char *bin_dir(void)
{
	const char *dir = getenv("FAULTLINE_BIN");

	return dir && *dir ? dir : "/bin";
}

static inline const char *bin_path(char *buf, size_t size, const char *prog)
{
	snprintf(buf, size, "%s/%s", bin_dir(), prog);
	return buf;
}

/* Nanoseconds on the given clock (CLOCK_MONOTONIC, CLOCK_REALTIME...). */
static inline long long now_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep at least ms milliseconds, even if signal handlers interrupt it. */
static inline void sleep_ms(long ms)
{
	struct timespec req = { ms / 1000, (ms % 1000) * 1000000L }, rem;

	while (nanosleep(&req, &rem) != 0 && errno == EINTR)
		req = rem;
}

/* Raw wait status of child pid, or -1 (errno set) if wait4 fails. */
static inline int wait_child(pid_t pid)
{
	int status;
	pid_t r;

	do
		r = wait4(pid, &status, 0, NULL);
	while (r < 0 && errno == EINTR);
	return r == pid ? status : -1;
}

/*
 * Like wait_child(), but give up after ms milliseconds: the child is then
 * killed (so nothing is left running) and -2 is returned. Tests use this
 * where a kernel bug would make a child wait forever, so that one broken
 * check fails on its own instead of the whole test timing out.
 */
static inline int wait_child_timeout(pid_t pid, long ms)
{
	int status;

	for (long waited = 0;; waited += 5) {
		pid_t r = wait4(pid, &status, WNOHANG, NULL);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (waited >= ms)
			break;
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	wait_child(pid);
	return -2;
}

/*
 * Run fn(arg) in a forked child, which exits with fn's return value; return
 * the child's raw wait status (-1 if fork or wait4 failed). A child that
 * crashes shows up as killed by its signal.
 */
static inline int run_in_child(int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	return wait_child(pid);
}

/* "exit 3", "killed by signal 9", for diagnostics. */
static inline const char *describe_status(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "wait4 failed");
	else if (status == -2)
		snprintf(buf, size, "timed out, killed");
	else if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d%s", WTERMSIG(status),
			 WCOREDUMP(status) ? " (core)" : "");
	else
		snprintf(buf, size, "raw status %#x", status);
	return buf;
}

static inline void tap_explain_status(const char *file, int line, int status,
				      const char *want)
{
	char buf[64];

	tap_where(file, line, "wait status");
	printf(" (got %s, want %s)\n",
	       describe_status(status, buf, sizeof(buf)), want);
}

/* Check that a wait status says "exited with code". */
#define CHECK_EXIT(status, code, ...) ({				\
	int st_ = (status), code_ = (code);				\
	int ok_ = st_ >= 0 && WIFEXITED(st_) &&				\
		  WEXITSTATUS(st_) == code_;				\
	char want_[32];							\
	tap_result(ok_, __VA_ARGS__);					\
	snprintf(want_, sizeof(want_), "exit %d", code_);		\
	if (!ok_)							\
		tap_explain_status(__FILE__, __LINE__, st_, want_);	\
	ok_;								\
})

/* Check that a wait status says "killed by signal sig". */
#define CHECK_SIGNALED(status, sig, ...) ({				\
	int st_ = (status), sig_ = (sig);				\
	int ok_ = st_ >= 0 && WIFSIGNALED(st_) &&			\
		  WTERMSIG(st_) == sig_;				\
	char want_[32];							\
	tap_result(ok_, __VA_ARGS__);					\
	snprintf(want_, sizeof(want_), "killed by signal %d", sig_);	\
	if (!ok_)							\
		tap_explain_status(__FILE__, __LINE__, st_, want_);	\
	ok_;								\
})

/* write() all of buf, retrying short writes; 0 or -1. */
static inline int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* read() until len bytes or EOF; returns the count, or -1. */
static inline ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Create (or truncate) path holding the string text; 0 or -1. */
static inline int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int r;

	if (fd < 0)
		return -1;
	r = write_all(fd, text, strlen(text));
	if (close(fd) != 0)
		r = -1;
	return r;
}

/* Read up to size-1 bytes of path into buf as a string; length or -1. */
static inline ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_all(fd, buf, size - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return n;
}

/* rm -r path (a file or a directory tree); 0 or -1. */
static inline int remove_tree(const char *path)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	int r = 0;

	if (lstat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		char child[4096];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, de->d_name);
		if (remove_tree(child) != 0)
			r = -1;
	}
	closedir(dir);
	return rmdir(path) == 0 ? r : -1;
}

/*
 * Make a private directory "NAME.PID" in the current directory and chdir
 * into it, so that a test's files never collide with another test's or with
 * a previous run's. The runner starts tests in a writable directory (/tmp
 * on Faultline, build/user/scratch under `make test-linux`).
 * Returns 0, or -1 if the directory cannot be made or entered.
 */
static inline int enter_scratch_dir(const char *name, char *path, size_t size)
{
	snprintf(path, size, "%s.%d", name, (int)getpid());
	remove_tree(path);		/* a stale one from a crashed run */
	if (mkdir(path, 0755) != 0)
		return -1;
	return chdir(path);
}

/* Leave the directory made by enter_scratch_dir() and delete it. */
static inline int leave_scratch_dir(const char *path)
{
	if (chdir("..") != 0)
		return -1;
	return remove_tree(path);
}

/*
 * True on the Linux host (make test-linux). Tests use it only where the
 * host is expected to differ from Faultline by design, and say why.
 */
static inline int running_on_linux(void)
{
	struct utsname u;

	return uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0;
}

/*
 * An absolute path to this program, for tests that re-execute themselves
 * in a helper mode: argv[0] as the runner gave it, made absolute with the
 * starting directory so that it still works after the test chdir()s.
 */
static inline const char *self_path(const char *argv0, char *buf, size_t size)
{
	char cwd[1024];

	if (argv0[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		snprintf(buf, size, "%s", argv0);
	else
		snprintf(buf, size, "%s/%s", cwd, argv0);
	return buf;
}

/* ---- bad user pointers (EFAULT tests) ---------------------------------- */

/* A canonical address in the kernel half: never accessible from user mode. */
#define KERNEL_ADDR ((void *)0xffff800000000000UL)

/*
 * An address no test maps: 16 TiB, far above the program and its heap and
 * far below where mmap() places things (the top of user space) on Linux
 * and on Faultline. (A page that was mapped and then unmapped would not do:
 * the next mmap() may well return it again.)
 */
#define UNMAPPED_ADDR ((void *)0x100000000000UL)

static inline void *unmapped_page(void)
{
	return UNMAPPED_ADDR;
}

/* A page the process may read but not write (zero-filled). */
static inline void *readonly_page(void)
{
	void *p = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* An anonymous private read-write mapping of n pages, or NULL. */
static inline char *map_pages(size_t n)
{
	void *p = mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* This process's minor-fault count so far (getrusage ru_minflt). */
static inline long minflt(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	return ru.ru_minflt;
}

#endif /* FAULTLINE_TESTUTIL_H */
