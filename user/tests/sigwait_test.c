/*
 * sigwait_test - rt_sigtimedwait through the raw system call: a pending
 * blocked signal is taken at once with its siginfo (sender's pid, code)
 * and no handler runs; a signal sent later by another process ends the
 * wait; the timeout gives EAGAIN (0: a poll); another unblocked signal
 * interrupts with EINTR and its handler runs; the mask is the same after;
 * errors EINVAL (set size, timespec) and EFAULT. Linux is the oracle.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

static volatile sig_atomic_t handled_usr1, handled_usr2;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		handled_usr1++;
	else
		handled_usr2++;
}

static long sigtimedwait_(const unsigned long *set, siginfo_t *si, const struct timespec *ts)
{
	return syscall(SYS_rt_sigtimedwait, set, si, ts, 8);
}

static unsigned long bit(int sig)
{
	return 1UL << (sig - 1);
}

static unsigned long blocked_now(void)
{
	unsigned long m = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &m, 8);
	return m;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned long set = bit(SIGUSR1), mask = bit(SIGUSR1), before;
	struct timespec ts = { 0, 0 };
	siginfo_t si;
	pid_t pid;
	int status;

	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &mask, NULL, 8);
	before = blocked_now();

	kill(getpid(), SIGUSR1);
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigtimedwait_(&set, &si, NULL), SIGUSR1, "a pending blocked signal is taken at once");
	CHECK(si.si_signo == SIGUSR1 && si.si_code == SI_USER && si.si_pid == getpid(),
	      "its siginfo: SI_USER from us (code %d pid %d)", si.si_code, si.si_pid);
	CHECK_EQ(handled_usr1, 0, "no handler ran");
	CHECK_ERR(sigtimedwait_(&set, &si, &ts), EAGAIN, "nothing pending, timeout 0: EAGAIN");

	ts.tv_nsec = 200 * 1000000L;
	long long start = now_ns(CLOCK_MONOTONIC);
	CHECK_ERR(sigtimedwait_(&set, NULL, &ts), EAGAIN, "a 200 ms timeout: EAGAIN");
	CHECK((now_ns(CLOCK_MONOTONIC) - start) / 1000000 >= 190, "after the timeout");

	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	REQUIRE(pid > 0, "fork a sender");
	memset(&si, 0, sizeof(si));
	CHECK_EQ(sigtimedwait_(&set, &si, NULL), SIGUSR1, "a signal sent later ends the wait");
	CHECK_EQ(si.si_pid, pid, "sent by the child");
	CHECK_EQ(handled_usr1, 0, "and no handler ran");
	waitpid(pid, &status, 0);
	CHECK_EQ(blocked_now(), before, "the mask is as before");

	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	REQUIRE(pid > 0, "fork a sender of another signal");
	ts = (struct timespec){ 10, 0 };
	CHECK_ERR(sigtimedwait_(&set, &si, &ts), EINTR, "another, unblocked signal: EINTR");
	CHECK_EQ(handled_usr2, 1, "its handler ran");
	waitpid(pid, &status, 0);

	/* SIGKILL and SIGSTOP in the set are ignored; an empty set waits
	 * for the clock or another signal. */
	unsigned long kill_only = bit(SIGKILL) | bit(SIGSTOP);
	ts = (struct timespec){ 0, 50 * 1000000L };
	CHECK_ERR(sigtimedwait_(&kill_only, &si, &ts), EAGAIN, "a set of SIGKILL|SIGSTOP: EAGAIN");

	CHECK_ERR(syscall(SYS_rt_sigtimedwait, &set, &si, &ts, 4), EINVAL, "a set size of 4: EINVAL");
	ts = (struct timespec){ 0, 1000000000L };
	CHECK_ERR(sigtimedwait_(&set, &si, &ts), EINVAL, "tv_nsec of a second: EINVAL");
	CHECK_ERR(sigtimedwait_((unsigned long *)1, &si, NULL), EFAULT, "a bad set pointer: EFAULT");
	kill(getpid(), SIGUSR1);
	CHECK_ERR(sigtimedwait_(&set, (siginfo_t *)1, NULL), EFAULT, "a bad siginfo pointer: EFAULT");
	CHECK_EQ(handled_usr1, 0, "(the signal was taken all the same, not handled)");
	return tap_done();
}
