/*
 * vfork_test - vfork(2) as Linux's: the child borrows the parent's address
 * space, and the parent is suspended until the child calls execve or
 * exits.
 *
 * Programs rely on both: busybox's `tar z` learns that its compressor
 * could not be started from a variable the vfork child sets before
 * _exit (without a shared address space the error was lost and tar died
 * of EPIPE, saying only "write error"). Checks: a store by the child is
 * seen by the parent; the parent resumes only once the child has gone
 * through _exit (its last store, made after a pause, is seen) or has
 * exec'd (its pid then runs the new program); the
 * child's failed execve, whose errno reaches the parent the same way.
 * The child only stores to memory, calls execve and _exit, as POSIX
 * allows.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "testutil.h"

static void test_shared_store_and_wait(void)
{
	volatile int seen = 0, done = 0;
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		struct timespec pause = { 0, 50 * 1000 * 1000 };

		seen = 42;
		/* Linux wakes the parent in the child's exit before the child
		 * is a zombie, so "already a zombie" would race on two CPUs:
		 * the child's last store, after a pause, is what must be seen. */
		syscall(SYS_nanosleep, &pause, NULL);
		done = 1;
		_exit(7);
	}
	REQUIRE(pid > 0, "vfork returned a pid");
	CHECK_EQ(seen, 42, "the child's store is seen by the parent (one address space)");
	CHECK_EQ(done, 1, "the parent resumed only after the child's last store (it slept 50 ms first)");
	CHECK_EXIT(wait_child(pid), 7, "the child's exit status");
}

static void test_failed_exec(void)
{
	volatile int exec_errno = 0;
	char *argv[] = { "/nonexistent/prog", NULL };
	pid_t pid;

	pid = vfork();
	if (pid == 0) {
		execve(argv[0], argv, environ);
		exec_errno = errno;
		_exit(127);
	}
	REQUIRE(pid > 0, "vfork returned a pid");
	CHECK_EQ(exec_errno, ENOENT, "a failed execve's errno reaches the parent");
	CHECK_EXIT(wait_child(pid), 127, "the child exited 127");
}

static void test_exec(void)
{
	char path[256], *argv[] = { "sh", "-c", "exit 3", NULL };
	volatile int after_exec = 0;
	pid_t pid;

	bin_path(path, sizeof(path), "sh");
	pid = vfork();
	if (pid == 0) {
		execve(path, argv, environ);
		after_exec = 1;		/* only if execve failed */
		_exit(127);
	}
	REQUIRE(pid > 0, "vfork returned a pid");
	CHECK_EQ(after_exec, 0, "the parent resumed at the child's execve");
	CHECK_EXIT(wait_child(pid), 3, "the exec'd program ran in the child");
}

/*
 * The parent's wait is killable, as Linux's: a vfork child that sleeps
 * (here 5 s) must not make its parent unkillable. This process forks P,
 * P vforks C, C sends its pid up a pipe and sleeps; P is killed and
 * reaped while C still sleeps: C's /proc state is then still "S". With
 * an uninterruptible wait, P could die only after C's exit, and C would
 * be past its sleep.
 */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return '?';
	close_paren = strrchr(buf, ')');
	return close_paren && close_paren[1] == ' ' ? close_paren[2] : '?';
}

static void test_killed_parent(void)
{
	int fds[2], status;
	pid_t parent, child = 0;
	char state;

	REQUIRE(pipe(fds) == 0, "pipe");
	parent = fork();
	if (parent == 0) {
		close(fds[0]);
		if (vfork() == 0) {
			struct timespec nap = { 5, 0 };
			pid_t me = getpid();

			(void)!write(fds[1], &me, sizeof(me));
			syscall(SYS_nanosleep, &nap, NULL);
			_exit(0);
		}
		_exit(1);               /* reached only after the child is done */
	}
	REQUIRE(parent > 0, "fork");
	close(fds[1]);
	CHECK(read(fds[0], &child, sizeof(child)) == (ssize_t)sizeof(child) && child > 0,
	      "the vfork child reports its pid");
	close(fds[0]);
	sleep_ms(100);                  /* the parent is in vfork's wait by now */
	CHECK_OK(kill(parent, SIGKILL), "SIGKILL to the waiting vfork parent");
	CHECK_EQ(waitpid(parent, &status, 0), parent, "the killed parent is reaped");
	CHECK_SIGNALED(status, SIGKILL, "the parent died of SIGKILL");
	state = proc_state(child);
	CHECK_EQ(state, 'S', "while its vfork child still sleeps (state %c)", state);
	if (child > 0)
		kill(child, SIGKILL);   /* reparented: init reaps it */
}

int main(void)
{
	test_shared_store_and_wait();
	test_failed_exec();
	test_exec();
	test_killed_parent();
	return tap_done();
}
