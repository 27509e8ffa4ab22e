/*
 * script_test - execve of "#!" scripts, Linux's rules: the interpreter is
 * the first word after "#!", the rest of the line (trimmed) one optional
 * argument, the script's path (as given to execve) the next argument and
 * argv[1..] after it; leading and trailing spaces and tabs; ENOEXEC for a
 * text file without "#!" and for a "#!" with no interpreter; the
 * interpreter's errors (ENOENT, EACCES); EACCES for a script without x;
 * a line longer than the 256-byte buffer; scripts whose interpreter is a
 * script, up to the nesting limit (then ELOOP).
 *
 * The interpreter is this program itself: run with SCRIPT_TEST_PRINT in
 * its environment it prints its argv, one per line, and exits 0.
 */
#include <sys/syscall.h>

#include "testutil.h"

static char self[4096];

/* @out with its newlines shown as '|', for a diagnostic on one line. */
static const char *oneline(char *out)
{
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = '|';
	return out;
}

/* Compare a child's output with what Linux prints; say what came if not. */
static void check_output(char *out, const char *want, const char *what)
{
	if (!CHECK(!strcmp(out, want), "%s", what))
		tap_diag("got: %s", oneline(out));
}

/* Write a script (mode 0755) holding @text. */
static void script(const char *name, const char *text)
{
	write_file(name, text);
	chmod(name, 0755);
}

/*
 * Run @path with argv {@path, @arg1 (if any)} in a child with
 * SCRIPT_TEST_PRINT set, its stdout into @out. Returns the child's execve
 * errno (0 if it ran and exited 0; -1 for any other end).
 */
static int run(const char *path, const char *arg1, char *out, size_t size)
{
	char *argv[] = { (char *)path, (char *)arg1, NULL };
	char *envp[] = { "SCRIPT_TEST_PRINT=1", NULL };
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execve(path, argv, envp);
		_exit(100 + errno);             /* errno < 100 here */
	}
	close(pipefd[1]);
	n = read_all(pipefd[0], out, size - 1);
	out[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	status = wait_child(pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 100)
		return WEXITSTATUS(status) - 100;
	return -1;
}

static void test_args(void)
{
	char out[4096], want[4096], text[600];

	snprintf(text, sizeof(text), "#!%s\necho not a shell\n", self);
	script("s1", text);
	CHECK_EQ(run("./s1", "a b", out, sizeof(out)), 0, "a script runs its interpreter");
	snprintf(want, sizeof(want), "%s\n./s1\na b\n", self);
	check_output(out, want, "argv: interpreter, script path, argv[1]");

	snprintf(text, sizeof(text), "#! \t%s  one  two\t \n", self);
	script("s2", text);
	CHECK_EQ(run("./s2", "x", out, sizeof(out)), 0, "spaces and an argument");
	snprintf(want, sizeof(want), "%s\none  two\n./s2\nx\n", self);
	check_output(out, want, "the rest of the line is ONE argument, trimmed");

	snprintf(text, sizeof(text), "#!%s", self);     /* no newline at all */
	script("s3", text);
	CHECK_EQ(run("./s3", NULL, out, sizeof(out)), 0, "a \"#!\" line without a newline");
	snprintf(want, sizeof(want), "%s\n./s3\n", self);
	check_output(out, want, "runs too");

	/* A line longer than the buffer: the argument is cut at 255 bytes. */
	snprintf(text, sizeof(text), "#!%s ", self);
	memset(text + strlen(text), 'a', 300);
	text[strlen(self) + 3 + 300] = '\0';
	script("s4", text);
	CHECK_EQ(run("./s4", NULL, out, sizeof(out)), 0, "a line longer than 256 bytes");
	CHECK_EQ(strlen(out), strlen(self) + 1 + (255 - strlen(self) - 3) + 1 + 5,
		 "its argument is cut where the buffer ends");
}

static void test_errors(void)
{
	char out[256], text[600];

	script("plain", "echo hi\n");
	CHECK_EQ(run("./plain", NULL, out, sizeof(out)), ENOEXEC, "no \"#!\": ENOEXEC");
	script("empty", "#!\n");
	CHECK_EQ(run("./empty", NULL, out, sizeof(out)), ENOEXEC, "\"#!\" alone: ENOEXEC");
	script("blank", "#!   \t \nxx\n");
	CHECK_EQ(run("./blank", NULL, out, sizeof(out)), ENOEXEC, "\"#!\" and blanks: ENOEXEC");
	script("missing", "#!/nonexistent/interp\n");
	CHECK_EQ(run("./missing", NULL, out, sizeof(out)), ENOENT,
		 "a missing interpreter: ENOENT");
	snprintf(text, sizeof(text), "#!%s\n", self);
	write_file("noexec", text);
	chmod("noexec", 0644);
	CHECK_EQ(run("./noexec", NULL, out, sizeof(out)), EACCES, "a script without x: EACCES");
	script("interp644", "#!./plain644\n");
	write_file("plain644", "data");
	chmod("plain644", 0644);
	CHECK_EQ(run("./interp644", NULL, out, sizeof(out)), EACCES,
		 "an interpreter without x: EACCES");
	memset(text, 'x', 400);
	memcpy(text, "#!", 2);
	text[400] = '\0';
	script("long", text);
	CHECK_EQ(run("./long", NULL, out, sizeof(out)), ENOEXEC,
		 "an interpreter name longer than the buffer: ENOEXEC");
}

static void test_nesting(void)
{
	char out[4096], want[4096], text[600], cwd[1024], name[16];

	getcwd(cwd, sizeof(cwd));
	snprintf(text, sizeof(text), "#!%s\n", self);
	script("n0", text);
	for (int i = 1; i <= 5; i++) {
		snprintf(text, sizeof(text), "#!%s/n%d\n", cwd, i - 1);
		snprintf(name, sizeof(name), "n%d", i);
		script(name, text);
	}
	CHECK_EQ(run("./n1", "z", out, sizeof(out)), 0, "a script as interpreter");
	snprintf(want, sizeof(want), "%s\n%s/n0\n./n1\nz\n", self, cwd);
	check_output(out, want, "each level puts its name in front");
	CHECK_EQ(run("./n4", NULL, out, sizeof(out)), 0, "five scripts deep runs");
	CHECK_EQ(run("./n5", NULL, out, sizeof(out)), ELOOP, "six: ELOOP");
}

int main(int argc, char **argv)
{
	char scratch[256];

	if (getenv("SCRIPT_TEST_PRINT")) {
		for (int i = 0; i < argc; i++)
			printf("%s\n", argv[i]);
		return 0;
	}
	self_path(argv[0], self, sizeof(self));
	REQUIRE(strlen(self) < 100, "this program's path is short enough for a \"#!\" line");
	REQUIRE(enter_scratch_dir("script_test", scratch, sizeof(scratch)) == 0,
		"enter a scratch directory");
	test_args();
	test_errors();
	test_nesting();
	leave_scratch_dir(scratch);
	return tap_done();
}
