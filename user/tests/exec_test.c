/*
 * exec_test - execve(): what a new program gets, and every error case.
 *
 * The test re-executes itself ("exec_test child ...") to look at what
 * crosses execve: argv and envp, the pid, open fds (O_CLOEXEC ones
 * closed), signal dispositions (handled -> default, ignored stays
 * ignored) and the blocked-signal mask. The errors: ENOENT, ENOTDIR,
 * EACCES (no execute bit, a directory), ENOEXEC (a text file, a truncated
 * ELF written here), EFAULT (bad path, bad argv array, bad argv string,
 * bad envp).
 */
#include <sys/syscall.h>

#include "testutil.h"

static char self[1024];

#define EMPTY_ARGV_EXIT 42      /* the exit code of "started with argv {\"\"}" */

static void on_usr1(int sig)
{
	(void)sig;
}

/*
 * The child side: argv = self, "child", pid, cloexec fd, plain fd, "a b".
 * Exit 0 if everything is as expected, else the number of the first
 * mismatch (printed by the parent).
 */
static int child_main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t mask;

	if (argc != 6 || strcmp(argv[5], "a b") != 0)
		return 10;
	if (atoi(argv[2]) != getpid())
		return 11;
	if (!getenv("EXEC_TEST_VAR") || strcmp(getenv("EXEC_TEST_VAR"), "v=1"))
		return 12;
	if (fcntl(atoi(argv[3]), F_GETFD) != -1 || errno != EBADF)
		return 13;	/* the O_CLOEXEC fd must be closed */
	if (fcntl(atoi(argv[4]), F_GETFD) != 0)
		return 14;	/* the plain fd must stay open */
	if (sigaction(SIGUSR1, NULL, &sa) != 0 || sa.sa_handler != SIG_DFL)
		return 15;	/* a handled signal is reset to SIG_DFL */
	if (sigaction(SIGUSR2, NULL, &sa) != 0 || sa.sa_handler != SIG_IGN)
		return 16;	/* an ignored signal stays ignored */
	if (sigprocmask(SIG_BLOCK, NULL, &mask) != 0 ||
	    !sigismember(&mask, SIGTERM))
		return 17;	/* the blocked mask is kept */
	return 0;
}

static void test_exec_state(void)
{
	int cloexec_fd = open(".", O_RDONLY | O_CLOEXEC);
	int plain_fd = open(".", O_RDONLY);
	pid_t pid;
	int status;

	REQUIRE(cloexec_fd >= 0 && plain_fd >= 0, "open two fds");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char pidbuf[16], fd1[16], fd2[16];
		char *argv[] = { self, "child", pidbuf, fd1, fd2, "a b", NULL };
		char *envp[] = { "EXEC_TEST_VAR=v=1", "OTHER=x", NULL };
		sigset_t set;

		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		snprintf(fd1, sizeof(fd1), "%d", cloexec_fd);
		snprintf(fd2, sizeof(fd2), "%d", plain_fd);
		signal(SIGUSR1, on_usr1);
		signal(SIGUSR2, SIG_IGN);
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		execve(self, argv, envp);
		_exit(99);
	}
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "exec: argv, envp, pid, fds, signals and mask "
		   "are as Linux passes them (exit code = first mismatch)");
	close(cloexec_fd);
	close(plain_fd);
}

/* Fork; in the child execve(path, argv, envp) and report errno by exit. */
static int exec_errno(const char *path, char *const argv[], char *const envp[])
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		syscall(SYS_execve, path, argv, envp);
		_exit(errno);
	}
	status = wait_child(pid);
	if (status < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

#define CHECK_EXEC_ERR(path, argv, envp, err, ...)			\
	CHECK_EQ(exec_errno(path, argv, envp), err, __VA_ARGS__)

static int write_mode(const char *path, const void *buf, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	int r;

	if (fd < 0)
		return -1;
	r = write_all(fd, buf, n);
	close(fd);
	return r;
}

static void test_errors(void)
{
	char *argv[] = { "x", NULL };
	char *bad_argv[] = { "x", KERNEL_ADDR, NULL };
	char *bad_envp[] = { "A=1", unmapped_page(), NULL };
	char head[32];
	int fd;

	CHECK_EXEC_ERR("./no-such-program", argv, NULL, ENOENT,
		       "execve of a missing file: ENOENT");
	CHECK_EXEC_ERR("", argv, NULL, ENOENT, "execve(\"\"): ENOENT");
	CHECK_EXEC_ERR("./no-such-dir/prog", argv, NULL, ENOENT,
		       "execve through a missing directory: ENOENT");

	REQUIRE(write_mode("text.sh", "hello, world\n", 13, 0755) == 0,
		"write an executable text file");
	CHECK_EXEC_ERR("./text.sh", argv, NULL, ENOEXEC,
		       "execve of a text file without #!: ENOEXEC");
	CHECK_EXEC_ERR("./text.sh/x", argv, NULL, ENOTDIR,
		       "execve of file/x: ENOTDIR");

	REQUIRE(write_mode("noexec", "data", 4, 0644) == 0, "write a 0644 file");
	CHECK_EXEC_ERR("./noexec", argv, NULL, EACCES,
		       "execve of a file without execute permission: EACCES");
	CHECK_EXEC_ERR(".", argv, NULL, EACCES, "execve of a directory: EACCES");

	/* The first 32 bytes of a real ELF: the magic, no program headers. */
	fd = open(self, O_RDONLY);
	REQUIRE(fd >= 0 && read_all(fd, head, sizeof(head)) == sizeof(head),
		"read the first bytes of this program");
	close(fd);
	REQUIRE(write_mode("short.elf", head, sizeof(head), 0755) == 0,
		"write a truncated ELF");
	CHECK_EXEC_ERR("./short.elf", argv, NULL, ENOEXEC,
		       "execve of an ELF truncated to 32 bytes: ENOEXEC");
	REQUIRE(write_mode("magic.elf", head, 4, 0755) == 0,
		"write a 4-byte ELF magic");
	CHECK_EXEC_ERR("./magic.elf", argv, NULL, ENOEXEC,
		       "execve of just the ELF magic: ENOEXEC");
	REQUIRE(write_mode("empty", "", 0, 0755) == 0, "write an empty file");
	CHECK_EXEC_ERR("./empty", argv, NULL, ENOEXEC,
		       "execve of an empty executable file: ENOEXEC");

	CHECK_EXEC_ERR(unmapped_page(), argv, NULL, EFAULT,
		       "execve with an unmapped path pointer: EFAULT");
	CHECK_EXEC_ERR(KERNEL_ADDR, argv, NULL, EFAULT,
		       "execve with a kernel path pointer: EFAULT");
	CHECK_EXEC_ERR(self, unmapped_page(), NULL, EFAULT,
		       "execve with an unmapped argv array: EFAULT");
	CHECK_EXEC_ERR(self, bad_argv, NULL, EFAULT,
		       "execve with a kernel pointer in argv[1]: EFAULT");
	CHECK_EXEC_ERR(self, argv, bad_envp, EFAULT,
		       "execve with an unmapped pointer in envp: EFAULT");

	unlink("text.sh");
	unlink("noexec");
	unlink("short.elf");
	unlink("magic.elf");
	unlink("empty");
}

/*
 * Regression: execve checked its argument vectors before it looked the file
 * up, so execve("missing", bad argv) said EFAULT where Linux says ENOENT.
 * Linux opens the file first (ENOENT, EACCES), then copies argv and envp
 * (EFAULT), and only then looks at the contents (ENOEXEC).
 */
static void test_exec_error_order(void)
{
	char *bad_argv[] = { "x", KERNEL_ADDR, NULL };

	REQUIRE(write_mode("text.sh", "hello, world\n", 13, 0755) == 0,
		"write an executable text file");
	REQUIRE(write_mode("noexec", "data", 4, 0644) == 0, "write a 0644 file");
	CHECK_EXEC_ERR("./no-such-program", unmapped_page(), NULL, ENOENT,
		       "error order: a missing file with a bad argv array: ENOENT");
	CHECK_EXEC_ERR("./noexec", bad_argv, NULL, EACCES,
		       "error order: a 0644 file with a bad argv string: EACCES");
	CHECK_EXEC_ERR("./text.sh", bad_argv, NULL, EFAULT,
		       "error order: a text file with a bad argv string: EFAULT "
		       "(arguments are copied before the contents are checked)");
	unlink("text.sh");
	unlink("noexec");
}

/*
 * Regression: execve(path, NULL, envp) started the program with argc 0,
 * where Linux (5.18 on) passes argc 1 and argv[0] "", so that a program
 * reading argv[1] without checking argc finds NULL, not envp[0].
 */
static void test_exec_empty_argv(void)
{
	char *empty[] = { NULL };
	char *envp[] = { "A=1", NULL };
	pid_t pid;

	for (int i = 0; i < 2; i++) {
		pid = fork();
		if (pid == 0) {
			execve(self, i ? empty : NULL, envp);
			_exit(126);
		}
		CHECK_EXIT(wait_child(pid), EMPTY_ARGV_EXIT,
			   "execve with %s argv: the program gets argc 1, argv[0] \"\"",
			   i ? "an empty" : "a NULL");
	}
}

static void test_failed_exec_keeps_process(void)
{
	volatile int marker = 4321;
	char *argv[] = { "x", NULL };

	CHECK_ERR(execve("./no-such-program", argv, NULL), ENOENT,
		  "a failed execve returns -1 in the caller");
	CHECK_EQ(marker, 4321, "the caller's memory is intact after it");
}

int main(int argc, char **argv)
{
	char dir[64];

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc, argv);
	if (argc == 0)
		return EMPTY_ARGV_EXIT + 1;     /* execve(self, NULL, ...) gave argc 0 */
	if (argc == 1 && argv[0][0] == '\0' && !argv[1])
		return EMPTY_ARGV_EXIT;
	self_path(argv[0], self, sizeof(self));
	REQUIRE(enter_scratch_dir("exec_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	test_exec_state();
	test_errors();
	test_exec_error_order();
	test_exec_empty_argv();
	test_failed_exec_keeps_process();
	leave_scratch_dir(dir);
	return tap_done();
}
