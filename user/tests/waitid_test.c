/*
 * waitid_test - waitid through the raw system call: P_PID, P_ALL and
 * P_PGID; the siginfo of an exit (CLD_EXITED, status) and of a kill
 * (CLD_KILLED, the signal); WNOWAIT leaves the zombie for a later wait;
 * WNOHANG with nothing to report returns 0 with the siginfo zeroed; the
 * rusage argument; ECHILD, EINVAL for bad options and ids, EBADF for
 * P_PIDFD with an fd that is no pidfd. The same binary runs on Linux.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long sys_waitid(int which, int id, siginfo_t *si, int options, struct rusage *ru)
{
	return syscall(SYS_waitid, which, id, si, options, ru);
}

static pid_t child_exiting(int code, int delay_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (delay_ms)
			sleep_ms(delay_ms);
		_exit(code);
	}
	return pid;
}

int main(void)
{
	siginfo_t si;
	struct rusage ru;
	pid_t pid, other;
	int status;

	pid = child_exiting(7, 0);
	REQUIRE(pid > 0, "fork");
	memset(&si, 0xff, sizeof(si));
	CHECK_EQ(sys_waitid(P_PID, pid, &si, WEXITED, &ru), 0, "waitid(P_PID) returns 0");
	CHECK_EQ(si.si_signo, SIGCHLD, "si_signo SIGCHLD");
	CHECK_EQ(si.si_code, CLD_EXITED, "si_code CLD_EXITED");
	CHECK_EQ(si.si_pid, pid, "si_pid the child");
	CHECK_EQ(si.si_status, 7, "si_status its exit code");
	CHECK_EQ(si.si_uid, getuid(), "si_uid");
	CHECK(ru.ru_minflt >= 0 && ru.ru_utime.tv_sec >= 0, "the rusage is filled in");
	CHECK_ERR(sys_waitid(P_PID, pid, &si, WEXITED, NULL), ECHILD, "reaped: ECHILD");

	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	REQUIRE(pid > 0, "fork a sleeper");
	kill(pid, SIGTERM);
	CHECK_EQ(sys_waitid(P_ALL, 0, &si, WEXITED | WNOWAIT, NULL), 0, "waitid(P_ALL, WNOWAIT)");
	CHECK(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM,
	      "reports the kill: CLD_KILLED, SIGTERM (pid %d code %d status %d)", si.si_pid,
	      si.si_code, si.si_status);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sys_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, NULL), 0, "again with WNOWAIT");
	CHECK_EQ(si.si_pid, pid, "the zombie is still there");
	CHECK_EQ(waitpid(pid, &status, 0), pid, "waitpid reaps it afterwards");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "with the same status");

	pid = child_exiting(3, 300);
	REQUIRE(pid > 0, "fork a slow child");
	memset(&si, 0xff, sizeof(si));
	CHECK_EQ(sys_waitid(P_PID, pid, &si, WEXITED | WNOHANG, NULL), 0,
		 "WNOHANG with the child running: 0");
	CHECK(si.si_signo == 0 && si.si_pid == 0, "and the siginfo zeroed");
	CHECK_EQ(sys_waitid(P_PGID, 0, &si, WEXITED, NULL), 0, "P_PGID 0: our group; waits");
	CHECK(si.si_pid == pid && si.si_status == 3, "for the child, status 3");

	pid = child_exiting(0, 0);
	other = child_exiting(0, 0);
	REQUIRE(pid > 0 && other > 0, "fork two");
	CHECK_EQ(sys_waitid(P_PGID, getpgrp(), &si, WEXITED, NULL), 0, "P_PGID of our group");
	CHECK_EQ(sys_waitid(P_ALL, 0, &si, WEXITED, NULL), 0, "P_ALL the other");
	CHECK_ERR(sys_waitid(P_ALL, 0, &si, WEXITED, NULL), ECHILD, "no child left: ECHILD");

	CHECK_ERR(sys_waitid(P_ALL, 0, &si, 0, NULL), EINVAL, "no WEXITED/WSTOPPED/WCONTINUED: EINVAL");
	CHECK_ERR(sys_waitid(P_ALL, 0, &si, WEXITED | 0x100, NULL), EINVAL, "an unknown option: EINVAL");
	CHECK_ERR(sys_waitid(7, 0, &si, WEXITED, NULL), EINVAL, "an unknown idtype: EINVAL");
	CHECK_ERR(sys_waitid(P_PID, 0, &si, WEXITED, NULL), EINVAL, "P_PID 0: EINVAL");
	CHECK_ERR(sys_waitid(P_PGID, -1, &si, WEXITED, NULL), EINVAL, "P_PGID -1: EINVAL");
	CHECK_ERR(sys_waitid(P_PIDFD, 0, &si, WEXITED, NULL), EBADF, "P_PIDFD of stdin: EBADF");

	pid = child_exiting(1, 0);
	REQUIRE(pid > 0, "fork");
	CHECK_ERR(sys_waitid(P_PID, pid, (siginfo_t *)1, WEXITED, NULL), EFAULT,
		  "a bad siginfo pointer: EFAULT");
	waitpid(pid, &status, WNOHANG);
	return tap_done();
}
