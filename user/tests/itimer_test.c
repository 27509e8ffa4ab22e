/*
 * itimer_test - alarm, getitimer and setitimer through raw system calls:
 * SIGALRM after alarm(), alarm's return of the seconds left, a periodic
 * ITIMER_REAL firing repeatedly, ITIMER_VIRTUAL and ITIMER_PROF counting
 * CPU time (a busy loop gets SIGVTALRM and SIGPROF, a sleeper does not),
 * getitimer's view of an armed and a disarmed timer, a pause() ended by
 * SIGALRM, timers not inherited by fork but kept across execve, and
 * Linux's errors (EINVAL, EFAULT). The same binary runs on Linux.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "testutil.h"

static volatile sig_atomic_t alarms, vtalrms, profs;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		alarms++;
	else if (sig == SIGVTALRM)
		vtalrms++;
	else if (sig == SIGPROF)
		profs++;
}

static long sys_setitimer(int which, const struct itimerval *v, struct itimerval *old)
{
	return syscall(SYS_setitimer, which, v, old);
}

static long sys_getitimer(int which, struct itimerval *v)
{
	return syscall(SYS_getitimer, which, v);
}

static long sys_alarm(unsigned int s)
{
	return syscall(SYS_alarm, s);
}

static void test_alarm(void)
{
	long long start;

	alarms = 0;
	CHECK_EQ(sys_alarm(5), 0, "alarm(5) with none armed returns 0");
	CHECK_EQ(sys_alarm(1), 5, "alarm(1) returns the 5 s left");
	start = now_ns(CLOCK_MONOTONIC);
	pause();
	CHECK_EQ(alarms, 1, "pause() is ended by one SIGALRM");
	long long ms = (now_ns(CLOCK_MONOTONIC) - start) / 1000000;
	CHECK(ms >= 900 && ms < 3000, "about a second later (%lld ms)", ms);
	CHECK_EQ(sys_alarm(0), 0, "alarm(0) after it fired returns 0");

	CHECK_EQ(sys_alarm(10), 0, "alarm(10)");
	CHECK_EQ(sys_alarm(0), 10, "alarm(0) cancels it and returns 10");
	sleep_ms(50);
	CHECK_EQ(alarms, 1, "no SIGALRM from a cancelled alarm");
}

static void test_real_periodic(void)
{
	struct itimerval v = { { 0, 50000 }, { 0, 50000 } }, got, zero = { { 0, 0 }, { 0, 0 } };

	alarms = 0;
	CHECK_EQ(sys_setitimer(ITIMER_REAL, &v, NULL), 0, "ITIMER_REAL every 50 ms");
	CHECK_EQ(sys_getitimer(ITIMER_REAL, &got), 0, "getitimer");
	CHECK(got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 50000,
	      "the interval reads back (%ld.%06ld)", (long)got.it_interval.tv_sec,
	      (long)got.it_interval.tv_usec);
	CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0 && got.it_value.tv_usec <= 50000,
	      "the value is what is left, at most 50 ms (%ld us)", (long)got.it_value.tv_usec);
	while (alarms < 5)
		pause();
	CHECK(alarms >= 5, "five SIGALRMs come");
	CHECK_EQ(sys_setitimer(ITIMER_REAL, &zero, &got), 0, "disarm, reading the old value");
	CHECK(got.it_interval.tv_usec == 50000, "the old interval returned");
	int seen = alarms;
	sleep_ms(150);
	CHECK_EQ(alarms, seen, "no SIGALRM once disarmed");
	CHECK_EQ(sys_getitimer(ITIMER_REAL, &got), 0, "getitimer");
	CHECK(!got.it_value.tv_sec && !got.it_value.tv_usec && !got.it_interval.tv_sec &&
	      !got.it_interval.tv_usec, "a disarmed timer reads as zeros");
}

static void spin_ms(int ms)
{
	long long start = now_ns(CLOCK_MONOTONIC);

	while ((now_ns(CLOCK_MONOTONIC) - start) / 1000000 < ms)
		;
}

static void spin_until(volatile sig_atomic_t *flag, int max_ms)
{
	long long start = now_ns(CLOCK_MONOTONIC);

	while (!*flag && (now_ns(CLOCK_MONOTONIC) - start) / 1000000 < max_ms)
		;
}

static void test_cpu_timers(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 100000 } }, got;

	vtalrms = profs = 0;
	CHECK_EQ(sys_setitimer(ITIMER_VIRTUAL, &v, NULL), 0, "ITIMER_VIRTUAL of 100 ms");
	CHECK_EQ(sys_setitimer(ITIMER_PROF, &v, NULL), 0, "ITIMER_PROF of 100 ms");
	sleep_ms(300);
	CHECK(!vtalrms && !profs, "sleeping uses no CPU time: no signal yet");
	CHECK_EQ(sys_getitimer(ITIMER_VIRTUAL, &got), 0, "getitimer(ITIMER_VIRTUAL)");
	CHECK(got.it_value.tv_sec == 0 && got.it_value.tv_usec > 0, "still armed (%ld us left)",
	      (long)got.it_value.tv_usec);
	spin_until(&vtalrms, 20000);
	spin_until(&profs, 20000);
	CHECK_EQ(vtalrms, 1, "a busy loop gets one SIGVTALRM");
	CHECK_EQ(profs, 1, "and one SIGPROF");
	spin_ms(200);
	CHECK(vtalrms == 1 && profs == 1, "one-shot timers fire once");
	CHECK_EQ(sys_getitimer(ITIMER_PROF, &got), 0, "getitimer(ITIMER_PROF)");
	CHECK(!got.it_value.tv_sec && !got.it_value.tv_usec, "disarmed after firing");
}

static void test_fork_and_exec(const char *self)
{
	struct itimerval v = { { 0, 0 }, { 30, 0 } }, got, zero = { { 0, 0 }, { 0, 0 } };
	int status;
	pid_t pid;

	CHECK_EQ(sys_setitimer(ITIMER_REAL, &v, NULL), 0, "arm ITIMER_REAL for 30 s");
	pid = fork();
	if (pid == 0) {
		if (sys_getitimer(ITIMER_REAL, &got) != 0)
			_exit(2);
		_exit(got.it_value.tv_sec || got.it_value.tv_usec ? 1 : 0);
	}
	REQUIRE(pid > 0, "fork");
	waitpid(pid, &status, 0);
	CHECK_EXIT(status, 0, "the child of fork has no timer armed");

	pid = fork();
	if (pid == 0) {
		/* (The fork cleared it: arm it again in the child.) */
		if (sys_setitimer(ITIMER_REAL, &v, NULL) != 0)
			_exit(4);
		execl(self, self, "--check-armed", (char *)NULL);
		_exit(3);
	}
	REQUIRE(pid > 0, "fork for execve");
	waitpid(pid, &status, 0);
	CHECK_EXIT(status, 0, "a timer armed before execve is armed after it");
	sys_setitimer(ITIMER_REAL, &zero, NULL);
}

static void test_errors(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } }, got;

	CHECK_ERR(sys_setitimer(3, &v, NULL), EINVAL, "setitimer(3): EINVAL");
	CHECK_ERR(sys_getitimer(-1, &got), EINVAL, "getitimer(-1): EINVAL");
	CHECK_ERR(sys_setitimer(ITIMER_REAL, &v, NULL), EINVAL, "tv_usec of 1000000: EINVAL");
	v.it_value.tv_usec = -1;
	CHECK_ERR(sys_setitimer(ITIMER_REAL, &v, NULL), EINVAL, "a negative tv_usec: EINVAL");
	v = (struct itimerval){ { 0, 0 }, { -1, 0 } };
	CHECK_ERR(sys_setitimer(ITIMER_REAL, &v, NULL), EINVAL, "a negative tv_sec: EINVAL");
	CHECK_ERR(sys_getitimer(ITIMER_REAL, (struct itimerval *)1), EFAULT, "getitimer to a bad pointer: EFAULT");
	CHECK_ERR(sys_setitimer(ITIMER_REAL, (struct itimerval *)1, NULL), EFAULT,
		  "setitimer from a bad pointer: EFAULT");
	CHECK_EQ(sys_setitimer(ITIMER_REAL, NULL, NULL), 0, "a NULL new value disarms: 0");
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (argc > 1 && !strcmp(argv[1], "--check-armed")) {
		struct itimerval got;

		if (sys_getitimer(ITIMER_REAL, &got) != 0)
			return 2;
		return got.it_value.tv_sec >= 20 ? 0 : 1;
	}
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	test_alarm();
	test_real_periodic();
	test_cpu_timers();
	test_fork_and_exec(argv[0]);
	test_errors();
	return tap_done();
}
