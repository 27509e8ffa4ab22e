/*
 * fork_wait_test - fork(), _exit(), wait4() and the wait status encoding.
 *
 * Checks: fork's two return values and getppid; the raw status words
 * (exit code << 8, the signal number in the low 7 bits) and the W* macros
 * over them; WNOHANG; ECHILD with no children or for a pid that is not a
 * child; EINVAL for unknown options; a zombie stays visible to kill(pid, 0)
 * until it is reaped; many children reaped once each; fds and memory are
 * inherited; exec of /bin/true and /bin/false.
 */
#include <sys/syscall.h>

#include "testutil.h"

/* Fork a child that runs fn(arg) and _exits with its value. */
static pid_t spawn(int (*fn)(long), long arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

static int exit_with(long code)
{
	return (int)code;
}

static int kill_self(long sig)
{
	kill(getpid(), (int)sig);
	return 100;	/* not reached for a deadly signal */
}

static int crash(long unused)
{
	volatile int *volatile p = NULL;

	(void)unused;
	return p[4];
}

static int sleep_then_exit(long ms)
{
	sleep_ms(ms);
	return 5;
}

static void test_fork_basics(void)
{
	pid_t parent = getpid();
	int p[2];
	pid_t pid, reported = 0, seen_parent = 0;

	REQUIRE(pipe(p) == 0, "pipe for the child's report");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		pid_t ids[2] = { getpid(), getppid() };

		write(p[1], ids, sizeof(ids));
		_exit(0);
	}
	CHECK(pid > 0, "fork returns the child's pid in the parent");
	close(p[1]);
	if (pid > 0) {
		pid_t ids[2] = { 0, 0 };

		read_all(p[0], ids, sizeof(ids));
		reported = ids[0];
		seen_parent = ids[1];
		CHECK_EXIT(wait_child(pid), 0, "child exits 0");
	}
	close(p[0]);
	CHECK_EQ(reported, pid, "the child's getpid() is fork's return value");
	CHECK_EQ(seen_parent, parent, "the child's getppid() is the parent");
	CHECK_EQ(getpid(), parent, "the parent's pid is unchanged");
}

static void test_exit_codes(void)
{
	static const int codes[] = { 0, 1, 42, 255 };
	int status;

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		status = wait_child(spawn(exit_with, codes[i]));
		CHECK_EXIT(status, codes[i], "_exit(%d): WIFEXITED, WEXITSTATUS",
			   codes[i]);
		CHECK_EQ(status, codes[i] << 8, "_exit(%d): raw status %#x",
			 codes[i], codes[i] << 8);
	}
	status = wait_child(spawn(exit_with, 256 + 3));
	CHECK_EXIT(status, 3, "_exit(259) keeps only the low 8 bits");
}

static void test_signaled(void)
{
	int status;

	status = wait_child(spawn(kill_self, SIGTERM));
	CHECK_SIGNALED(status, SIGTERM, "killed by SIGTERM: WTERMSIG 15");
	CHECK_EQ(status, SIGTERM, "killed by SIGTERM: raw status 15");
	CHECK(!WIFEXITED(status), "killed: WIFEXITED is false");

	status = wait_child(spawn(kill_self, SIGKILL));
	CHECK_SIGNALED(status, SIGKILL, "killed by SIGKILL: WTERMSIG 9");

	status = wait_child(spawn(kill_self, SIGUSR1));
	CHECK_SIGNALED(status, SIGUSR1, "SIGUSR1's default action kills");

	status = wait_child(spawn(crash, 0));
	CHECK_SIGNALED(status, SIGSEGV, "a NULL dereference: killed by SIGSEGV");
	CHECK_EQ(status & 0x7f, SIGSEGV, "SIGSEGV in the low 7 bits");
}

static void test_wnohang(void)
{
	pid_t pid = spawn(sleep_then_exit, 200);
	int status = -1;
	pid_t r;

	r = wait4(pid, &status, WNOHANG, NULL);
	CHECK_EQ(r, 0, "WNOHANG on a running child returns 0");
	status = wait_child_timeout(pid, 5000);
	CHECK_EXIT(status, 5, "the child is reaped later with its status");
}

static void test_echild(void)
{
	int status;
	pid_t pid;

	CHECK_ERR(wait4(-1, &status, 0, NULL), ECHILD,
		  "wait4(-1) with no children: ECHILD");
	CHECK_ERR(wait4(-1, &status, WNOHANG, NULL), ECHILD,
		  "wait4(-1, WNOHANG) with no children: ECHILD");
	CHECK_ERR(wait4(1, &status, 0, NULL), ECHILD,
		  "wait4 for a pid that is not a child: ECHILD");
	pid = spawn(exit_with, 0);
	CHECK_ERR(wait4(pid, &status, 0x10, NULL), EINVAL,
		  "wait4 with an unknown option bit: EINVAL");
	CHECK_EXIT(wait_child(pid), 0, "the child is still waitable after EINVAL");
	CHECK_ERR(wait4(pid, &status, 0, NULL), ECHILD,
		  "a reaped child cannot be waited for again: ECHILD");
}

static void test_zombie(void)
{
	pid_t pid = spawn(exit_with, 7);
	int status;

	sleep_ms(100);		/* let it exit: it is now a zombie */
	CHECK_OK(kill(pid, 0), "kill(zombie, 0) succeeds: the pid still exists");
	status = wait_child(pid);
	CHECK_EXIT(status, 7, "the zombie's status is kept until it is reaped");
	CHECK_ERR(kill(pid, 0), ESRCH, "after reaping, kill(pid, 0): ESRCH");
}

static void test_many_children(void)
{
	enum { N = 12 };
	pid_t pids[N];
	int seen[N] = { 0 }, bad = 0, status;
	pid_t r;

	for (int i = 0; i < N; i++)
		pids[i] = spawn(exit_with, 10 + i);
	while ((r = wait4(-1, &status, 0, NULL)) > 0) {
		int found = 0;

		for (int i = 0; i < N; i++) {
			if (pids[i] != r)
				continue;
			found = 1;
			seen[i]++;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 10 + i)
				bad++;
		}
		if (!found)
			bad++;
	}
	CHECK_EQ(errno, ECHILD, "wait4(-1) ends with ECHILD when all are reaped");
	for (int i = 0; i < N; i++)
		if (seen[i] != 1)
			bad++;
	CHECK_EQ(bad, 0, "%d children: each reaped exactly once with its status",
		 N);
}

static void test_rusage_and_inheritance(void)
{
	struct rusage ru;
	int status, value = 1234, p[2];
	pid_t pid;

	memset(&ru, 0xff, sizeof(ru));
	pid = spawn(exit_with, 0);
	CHECK_EQ(wait4(pid, &status, 0, &ru), pid,
		 "wait4 with a rusage pointer returns the pid");
	CHECK(ru.ru_maxrss >= 0 && ru.ru_minflt >= 0,
	      "wait4 fills in the rusage");

	REQUIRE(pipe(p) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		/* A copy of the parent's memory, and its fds. */
		int ok = value == 1234;

		_exit(write(p[1], &ok, sizeof(ok)) == sizeof(ok) ? 0 : 1);
	}
	close(p[1]);
	status = 0;
	CHECK_EQ(read_all(p[0], &status, sizeof(status)), sizeof(status),
		 "the child writes into the parent's pipe");
	CHECK_EQ(status, 1, "the child sees the parent's memory");
	close(p[0]);
	wait_child(pid);
}

static int exec_prog(long which)
{
	char path[256];
	char *argv[] = { NULL, NULL };

	argv[0] = (char *)bin_path(path, sizeof(path), which ? "false" : "true");
	execve(argv[0], argv, NULL);
	return 99;
}

static void test_exec(void)
{
	CHECK_EXIT(wait_child(spawn(exec_prog, 0)), 0, "fork + exec true: exit 0");
	CHECK_EXIT(wait_child(spawn(exec_prog, 1)), 1, "fork + exec false: exit 1");
}

static volatile sig_atomic_t sigchlds;

static void count_sigchld(int sig)
{
	(void)sig;
	sigchlds++;
}

/*
 * Regression: with SIGCHLD ignored, children still became zombies and
 * wait4 reaped them. POSIX and Linux reap them at exit instead (no
 * zombie), so a wait4 blocks until they are gone and then fails with
 * ECHILD; SA_NOCLDWAIT does the same while the handler still runs.
 */
static void test_sigchld_ignored(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN }, old;
	pid_t pid;
	int st;

	sigemptyset(&sa.sa_mask);
	REQUIRE(sigaction(SIGCHLD, &sa, &old) == 0, "SIGCHLD to SIG_IGN");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sleep_ms(50);           /* the parent is waiting by then */
		_exit(3);
	}
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD,
		  "SIGCHLD ignored: waitpid waits for the child, then ECHILD (no zombie)");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(4);
	sleep_ms(50);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD,
		  "SIGCHLD ignored: an exited child leaves nothing to reap");
	sa.sa_handler = count_sigchld;
	sa.sa_flags = SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	sigchlds = 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(5);
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD, "SA_NOCLDWAIT: ECHILD too");
	CHECK_EQ(sigchlds, 1, "SA_NOCLDWAIT: the SIGCHLD handler still ran");
	sigaction(SIGCHLD, &old, NULL);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(6);
	CHECK_EXIT(wait_child(pid), 6, "SIGCHLD back to default: a zombie to reap again");
}

int main(void)
{
	test_fork_basics();
	test_exit_codes();
	test_signaled();
	test_wnohang();
	test_echild();
	test_zombie();
	test_many_children();
	test_rusage_and_inheritance();
	test_sigchld_ignored();
	test_exec();
	return tap_done();
}
