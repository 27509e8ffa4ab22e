/*
 * sysmisc_test - small calls that real programs make: times (the clock
 * moves, CPU time of the process and of its reaped children adds up) and
 * the socket calls' answers outside AF_UNIX (a family Faultline does not
 * have is EAFNOSUPPORT, as on a Linux built without it; a socket call on
 * a file that is not a socket is ENOTSOCK, on a closed fd EBADF).
 * AF_UNIX itself is socket_test's. The same binary runs on Linux.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>

#include "testutil.h"

static void spin_ms(int ms)
{
	long long start = now_ns(CLOCK_MONOTONIC);

	while ((now_ns(CLOCK_MONOTONIC) - start) / 1000000 < ms)
		;
}

static void test_times(void)
{
	struct tms a, b;
	long t0, t1;
	int status;

	t0 = syscall(SYS_times, &a);
	CHECK(t0 != -1, "times returns the clock");
	CHECK(a.tms_utime >= 0 && a.tms_stime >= 0 && a.tms_cutime >= 0 && a.tms_cstime >= 0,
	      "every field is a count of ticks");
	/* Spin until the tick has seen us run (a loaded host may take a
	 * while to give this CPU ticks), for at most 20 s. */
	long long start = now_ns(CLOCK_MONOTONIC);
	do {
		spin_ms(50);
		t1 = syscall(SYS_times, &b);
	} while (b.tms_utime + b.tms_stime <= a.tms_utime + a.tms_stime &&
		 now_ns(CLOCK_MONOTONIC) - start < 20000000000LL);
	CHECK(t1 > t0, "the clock moved (%ld ticks)", t1 - t0);
	CHECK(b.tms_utime + b.tms_stime > a.tms_utime + a.tms_stime,
	      "a busy loop uses CPU time (%ld -> %ld)", (long)(a.tms_utime + a.tms_stime),
	      (long)(b.tms_utime + b.tms_stime));
	pid_t pid = fork();
	if (pid == 0) {
		struct tms c, d;

		syscall(SYS_times, &c);
		start = now_ns(CLOCK_MONOTONIC);
		do
			spin_ms(50);
		while (syscall(SYS_times, &d) != -1 && d.tms_utime + d.tms_stime <= c.tms_utime + c.tms_stime &&
		       now_ns(CLOCK_MONOTONIC) - start < 20000000000LL);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	syscall(SYS_times, &b);
	CHECK(b.tms_cutime + b.tms_cstime > 0, "a reaped child's CPU time is counted (%ld)",
	      (long)(b.tms_cutime + b.tms_cstime));
	CHECK(syscall(SYS_times, NULL) >= t1, "times(NULL) returns the clock alone");
	CHECK_ERR(syscall(SYS_times, (struct tms *)1), EFAULT, "a bad buffer: EFAULT");
}

static void test_sockets(void)
{
	int sv[2], fd = open("/dev/null", O_RDWR);
	long r;

	r = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	CHECK(r >= 0, "socket(AF_UNIX, SOCK_STREAM): a socket (socket_test tests it)");
	if (r >= 0)
		close((int)r);
	r = syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	CHECK(r == 0, "socketpair(AF_UNIX, SOCK_STREAM)");
	if (r == 0) {
		close(sv[0]);
		close(sv[1]);
	}
	CHECK_ERR(syscall(SYS_socket, 9999, SOCK_STREAM, 0), EAFNOSUPPORT,
		  "an unknown family: EAFNOSUPPORT");
	REQUIRE(fd >= 0, "open /dev/null");
	CHECK_ERR(syscall(SYS_connect, fd, NULL, 0), ENOTSOCK, "connect on a file: ENOTSOCK");
	CHECK_ERR(syscall(SYS_sendto, fd, "x", 1, 0, NULL, 0), ENOTSOCK, "sendto on a file: ENOTSOCK");
	CHECK_ERR(syscall(SYS_getsockopt, fd, 1, 1, NULL, NULL), ENOTSOCK,
		  "getsockopt on a file: ENOTSOCK");
	CHECK_ERR(syscall(SYS_shutdown, fd, 0), ENOTSOCK, "shutdown on a file: ENOTSOCK");
	CHECK_ERR(syscall(SYS_connect, 999, NULL, 0), EBADF, "connect on a closed fd: EBADF");
	close(fd);
}

int main(void)
{
	test_times();
	test_sockets();
	return tap_done();
}
