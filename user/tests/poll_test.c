/*
 * poll_test - poll, ppoll, select and pselect6 through raw system calls:
 * readiness of pipes (data, room, hang-up, POLLERR with no reader), of
 * regular files and /dev/null (always ready), POLLNVAL for a closed fd
 * and negative fds ignored; blocking until another process writes, the
 * timeout honoured (and, for select, the time left written back); a
 * signal interrupts a wait (EINTR with a handler); ppoll's and pselect6's
 * temporary signal mask; Linux's errors (EINVAL, EBADF, EFAULT). The
 * same binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "testutil.h"

struct sigset_argpack {
	const unsigned long *p;
	size_t size;
};

static long sys_poll(struct pollfd *fds, unsigned long n, int ms)
{
	return syscall(SYS_poll, fds, n, ms);
}

static long sys_select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	return syscall(SYS_select, n, r, w, e, tv);
}

static long long ms_since(long long start)
{
	return (now_ns(CLOCK_MONOTONIC) - start) / 1000000;
}

static void test_pipe_readiness(void)
{
	int p[2];
	struct pollfd fds[2];
	char c;

	REQUIRE(pipe(p) == 0, "pipe");
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(sys_poll(fds, 2, 0), 1, "an empty pipe: only the write end is ready");
	CHECK_EQ(fds[0].revents, 0, "the read end: no events");
	CHECK_EQ(fds[1].revents, POLLOUT, "the write end: POLLOUT");
	CHECK_EQ(write(p[1], "x", 1), 1, "write a byte");
	CHECK_EQ(sys_poll(fds, 2, 0), 2, "both ends ready");
	CHECK_EQ(fds[0].revents, POLLIN, "the read end: POLLIN");
	fds[0].events = POLLIN | POLLRDNORM;
	CHECK_EQ(sys_poll(fds, 1, 0), 1, "POLLRDNORM asked for too");
	CHECK_EQ(fds[0].revents, POLLIN | POLLRDNORM, "both reported");
	fds[0].events = 0;
	CHECK_EQ(sys_poll(fds, 1, 0), 0, "no events asked: not ready with data");
	CHECK_EQ(read(p[0], &c, 1), 1, "read it");
	close(p[1]);
	fds[0].events = POLLIN;
	CHECK_EQ(sys_poll(fds, 1, 0), 1, "every writer gone: ready");
	CHECK_EQ(fds[0].revents, POLLHUP, "POLLHUP, though not asked for");
	fds[0].events = 0;
	CHECK_EQ(sys_poll(fds, 1, 0), 1, "POLLHUP even with no events asked");
	close(p[0]);

	REQUIRE(pipe(p) == 0, "pipe");
	close(p[0]);
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(sys_poll(&fds[1], 1, 0), 1, "no reader: the write end is ready");
	CHECK_EQ(fds[1].revents, POLLOUT | POLLERR, "POLLOUT | POLLERR");
	close(p[1]);
}

static void test_full_pipe(void)
{
	int p[2];
	char buf[4096] = { 0 };
	struct pollfd fd;

	REQUIRE(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	while (write(p[1], buf, sizeof(buf)) > 0)
		;
	fd = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	CHECK_EQ(sys_poll(&fd, 1, 0), 0, "a full pipe's write end is not ready");
	CHECK_EQ(read(p[0], buf, sizeof(buf)), (long)sizeof(buf), "read a page");
	CHECK_EQ(sys_poll(&fd, 1, 0), 1, "then it is");
	close(p[0]);
	close(p[1]);
}

static void test_files_and_bad_fds(void)
{
	int f = open("/dev/null", O_RDWR), p[2];
	struct pollfd fds[3];
	char name[] = "poll_test.tmp";
	int r = open(name, O_CREAT | O_RDWR | O_TRUNC, 0600);

	REQUIRE(f >= 0 && r >= 0, "open /dev/null and a regular file");
	fds[0] = (struct pollfd){ .fd = f, .events = POLLIN | POLLOUT };
	fds[1] = (struct pollfd){ .fd = r, .events = POLLIN | POLLOUT };
	CHECK_EQ(sys_poll(fds, 2, 1000), 2, "/dev/null and a file are ready at once");
	CHECK_EQ(fds[0].revents, POLLIN | POLLOUT, "/dev/null: POLLIN | POLLOUT");
	CHECK_EQ(fds[1].revents, POLLIN | POLLOUT, "a regular file: POLLIN | POLLOUT");
	close(r);
	unlink(name);

	REQUIRE(pipe(p) == 0, "pipe");
	close(p[1]);
	fds[0] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 0x7 };
	fds[1] = (struct pollfd){ .fd = p[1], .events = POLLIN };      /* closed */
	fds[2] = (struct pollfd){ .fd = f, .events = POLLOUT };
	CHECK_EQ(sys_poll(fds, 3, -1), 2, "a closed fd counts as ready, a negative one not");
	CHECK_EQ(fds[0].revents, 0, "a negative fd: revents cleared");
	CHECK_EQ(fds[1].revents, POLLNVAL, "a closed fd: POLLNVAL");
	CHECK_EQ(fds[2].revents, POLLOUT, "the open one: POLLOUT");
	close(p[0]);
	close(f);

	CHECK_ERR(sys_poll((struct pollfd *)1, 1, 0), EFAULT, "poll of a bad pointer: EFAULT");
	CHECK_ERR(sys_poll(fds, 1UL << 20, 0), EINVAL, "more fds than RLIMIT_NOFILE: EINVAL");
	CHECK_EQ(sys_poll(NULL, 0, 0), 0, "poll of nothing returns 0");
}

/* A child writes to the pipe after @ms; the parent's wait ends then. */
static pid_t write_later(int fd, int ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		if (write(fd, "w", 1) != 1)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void test_blocking(void)
{
	int p[2], status;
	struct pollfd fd;
	long long start;
	fd_set r;
	struct timeval tv;
	pid_t pid;

	REQUIRE(pipe(p) == 0, "pipe");
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	start = now_ns(CLOCK_MONOTONIC);
	CHECK_EQ(sys_poll(&fd, 1, 200), 0, "poll with nothing to read times out: 0");
	CHECK(ms_since(start) >= 190, "after the timeout (%lld ms)", ms_since(start));

	pid = write_later(p[1], 100);
	REQUIRE(pid > 0, "fork a writer");
	CHECK_EQ(sys_poll(&fd, 1, -1), 1, "poll with no timeout wakes when a child writes");
	CHECK_EQ(fd.revents, POLLIN, "POLLIN");
	waitpid(pid, &status, 0);
	char c;
	CHECK_EQ(read(p[0], &c, 1), 1, "read the byte");

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ .tv_sec = 0, .tv_usec = 150000 };
	start = now_ns(CLOCK_MONOTONIC);
	CHECK_EQ(sys_select(p[0] + 1, &r, NULL, NULL, &tv), 0, "select times out: 0");
	CHECK(ms_since(start) >= 140, "after the timeout (%lld ms)", ms_since(start));
	CHECK(!FD_ISSET(p[0], &r), "and clears the set");
	CHECK(tv.tv_sec == 0 && tv.tv_usec == 0, "the time left written back: 0 (%ld.%06ld)",
	      (long)tv.tv_sec, (long)tv.tv_usec);

	pid = write_later(p[1], 100);
	REQUIRE(pid > 0, "fork a writer");
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){ .tv_sec = 10, .tv_usec = 0 };
	CHECK_EQ(sys_select(p[0] + 1, &r, NULL, NULL, &tv), 1, "select wakes when a child writes");
	CHECK(FD_ISSET(p[0], &r), "the read end's bit stays set");
	CHECK(tv.tv_sec < 10 && tv.tv_sec >= 8, "the time left is less than given (%ld s)",
	      (long)tv.tv_sec);
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
}

static void test_select_sets(void)
{
	int p[2], q[2];
	fd_set r, w, e;
	struct timeval tv = { 0, 0 };

	REQUIRE(pipe(p) == 0 && pipe(q) == 0, "two pipes");
	CHECK_EQ(write(q[1], "x", 1), 1, "data in the second");
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	FD_SET(p[0], &r);
	FD_SET(q[0], &r);
	FD_SET(p[1], &w);
	FD_SET(p[0], &e);
	int n = (q[1] > p[1] ? q[1] : p[1]) + 1;
	CHECK_EQ(sys_select(n, &r, &w, &e, &tv), 2, "select counts the ready bits: 2");
	CHECK(!FD_ISSET(p[0], &r) && FD_ISSET(q[0], &r), "read set: only the pipe with data");
	CHECK(FD_ISSET(p[1], &w), "write set: the empty pipe's write end");
	CHECK(!FD_ISSET(p[0], &e), "exception set: nothing");

	FD_ZERO(&r);
	FD_SET(q[0], &r);
	FD_SET(p[0], &r);
	CHECK_EQ(sys_select(q[0], &r, NULL, NULL, &tv), q[0] > p[0] ? 0 : 1,
		 "bits at or past n are not looked at");

	close(p[1]);
	FD_ZERO(&r);
	FD_SET(p[1], &r);
	CHECK_ERR(sys_select(p[1] + 1, &r, NULL, NULL, &tv), EBADF, "a closed fd in a set: EBADF");
	CHECK_ERR(sys_select(-1, NULL, NULL, NULL, &tv), EINVAL, "n < 0: EINVAL");
	tv = (struct timeval){ .tv_sec = -1, .tv_usec = 0 };
	CHECK_ERR(sys_select(0, NULL, NULL, NULL, &tv), EINVAL, "a negative timeout: EINVAL");
	tv = (struct timeval){ .tv_sec = 0, .tv_usec = 1500000 };
	long long start = now_ns(CLOCK_MONOTONIC);
	CHECK_EQ(sys_select(0, NULL, NULL, NULL, &tv), 0,
		 "tv_usec of 1.5 s is folded into seconds (not EINVAL)");
	CHECK(ms_since(start) >= 1400, "and slept (%lld ms)", ms_since(start));
	CHECK_ERR(sys_select(1, (fd_set *)1, NULL, NULL, NULL), EFAULT, "a bad set pointer: EFAULT");
	close(p[0]);
	close(q[0]);
	close(q[1]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* A child sends SIGUSR1 to the parent after @ms. */
static pid_t signal_later(int ms)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	return pid;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int p[2], status;
	struct pollfd fd;
	unsigned long mask, blocked_usr1 = 1UL << (SIGUSR1 - 1), old;
	struct timespec ts;
	pid_t pid;

	REQUIRE(sigaction(SIGUSR1, &sa, NULL) == 0, "a SIGUSR1 handler");
	REQUIRE(pipe(p) == 0, "pipe");
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };

	got_usr1 = 0;
	pid = signal_later(100);
	CHECK_ERR(sys_poll(&fd, 1, -1), EINTR, "a signal with a handler interrupts poll: EINTR");
	CHECK(got_usr1, "the handler ran");
	waitpid(pid, &status, 0);

	/* ppoll with SIGUSR1 blocked outside and unblocked inside. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	got_usr1 = 0;
	pid = signal_later(100);
	mask = 0;
	ts = (struct timespec){ .tv_sec = 10 };
	CHECK_ERR(syscall(SYS_ppoll, &fd, 1, &ts, &mask, 8), EINTR,
		  "ppoll's mask lets a blocked signal in: EINTR");
	CHECK(got_usr1, "its handler ran");
	CHECK(ts.tv_sec < 10, "the time left written back (%ld s)", (long)ts.tv_sec);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &old, 8);
	CHECK(old & blocked_usr1, "the old mask is back after the handler");
	waitpid(pid, &status, 0);

	/* pselect6 with everything blocked: the signal stays pending. */
	got_usr1 = 0;
	pid = signal_later(50);
	mask = ~0UL;
	struct sigset_argpack pack = { &mask, 8 };
	fd_set r;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	ts = (struct timespec){ .tv_sec = 0, .tv_nsec = 300 * 1000000L };
	CHECK_EQ(syscall(SYS_pselect6, p[0] + 1, &r, NULL, NULL, &ts, &pack), 0,
		 "pselect6 with every signal masked sleeps through one: 0 at the timeout");
	CHECK(!got_usr1, "no handler ran meanwhile");
	waitpid(pid, &status, 0);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	CHECK(got_usr1, "the signal is delivered once unblocked");

	pack.size = 4;
	CHECK_ERR(syscall(SYS_pselect6, 0, NULL, NULL, NULL, &ts, &pack), EINVAL,
		  "pselect6 with a wrong sigset size: EINVAL");
	CHECK_ERR(syscall(SYS_ppoll, &fd, 1, &ts, &mask, 4), EINVAL,
		  "ppoll with a wrong sigset size: EINVAL");
	ts = (struct timespec){ .tv_sec = 0, .tv_nsec = 1000000000L };
	CHECK_ERR(syscall(SYS_ppoll, &fd, 1, &ts, NULL, 8), EINVAL,
		  "ppoll with tv_nsec of a second: EINVAL");
	close(p[0]);
	close(p[1]);
}

/* A FIFO opened O_NONBLOCK for reading with no writer yet is not hung
 * up until a writer has come and gone. */
static void test_fifo_hangup(void)
{
	char name[] = "poll_test.fifo";
	struct pollfd fd;
	int r, w;

	unlink(name);
	REQUIRE(mkfifo(name, 0600) == 0, "mkfifo");
	r = open(name, O_RDONLY | O_NONBLOCK);
	REQUIRE(r >= 0, "open the FIFO for reading, O_NONBLOCK");
	fd = (struct pollfd){ .fd = r, .events = POLLIN };
	CHECK_EQ(sys_poll(&fd, 1, 0), 0, "no writer has come yet: not hung up");
	w = open(name, O_WRONLY);
	REQUIRE(w >= 0, "open it for writing");
	CHECK_EQ(sys_poll(&fd, 1, 0), 0, "a writer, no data: not ready");
	close(w);
	CHECK_EQ(sys_poll(&fd, 1, 0), 1, "the writer gone: ready");
	CHECK_EQ(fd.revents, POLLHUP, "POLLHUP");
	close(r);
	unlink(name);
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("poll", dir, sizeof(dir)) == 0, "scratch directory");
	test_pipe_readiness();
	test_full_pipe();
	test_files_and_bad_fds();
	test_blocking();
	test_select_sets();
	test_signals();
	test_fifo_hangup();
	leave_scratch_dir(dir);
	return tap_done();
}
