/*
 * shell_test - Faultline's /bin/sh and utilities, driven as a user would:
 * sh -c with a pipeline, redirections < > >>, $?, cd, quotes, comments,
 * exit N, "not found" (127), a script read from stdin, Ctrl-C (SIGINT to
 * the process group kills the command, the shell survives), and the
 * utilities (echo cat wc head mkdir -p ls rm -r cp mv hexdump -C stat).
 *
 * The shell is $FAULTLINE_SH if set (make test-linux sets it to the
 * freshly built build/user/bin/sh, not the host's /bin/sh), else /bin/sh;
 * commands are found through PATH = the directory of Faultline's programs
 * (FAULTLINE_BIN, else /bin).
 */
#include "testutil.h"

static const char *shell;

/*
 * Run `sh -c script` (or, when script is NULL, `sh` reading input from a
 * pipe); capture stdout (+ stderr if both) into out. Returns the raw wait
 * status. If pgrp_sigint_ms > 0, the shell runs in its own process group
 * and that group gets SIGINT after so many milliseconds.
 */
static int run_sh(const char *script, const char *input, char *out,
		  size_t size, int pgrp_sigint_ms)
{
	int o[2], in[2], status;
	char path_env[512];
	char *envp[] = { path_env, "HOME=/", NULL };
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	snprintf(path_env, sizeof(path_env), "PATH=%s", bin_dir());
	if (pipe(o) != 0 || pipe(in) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)shell, "-c", (char *)script, NULL };

		if (pgrp_sigint_ms)
			setpgid(0, 0);
		dup2(in[0], 0);
		dup2(o[1], 1);
		close(o[0]);
		close(o[1]);
		close(in[0]);
		close(in[1]);
		if (!script)
			argv[1] = NULL;
		execve(shell, argv, envp);
		_exit(126);
	}
	close(o[1]);
	close(in[0]);
	if (input)
		write_all(in[1], input, strlen(input));
	close(in[1]);
	if (pgrp_sigint_ms) {
		sleep_ms(pgrp_sigint_ms);
		kill(-pid, SIGINT);
	}
	while (got + 1 < size && (n = read(o[0], out + got, size - 1 - got)) > 0)
		got += (size_t)n;
	out[got] = '\0';
	close(o[0]);
	status = wait_child_timeout(pid, 8000);
	return status;
}

/* Run script; check its exit code and (if want is not NULL) its output. */
static void check_sh(const char *script, int code, const char *want)
{
	char out[4096];
	int status = run_sh(script, NULL, out, sizeof(out), 0);

	CHECK_EXIT(status, code, "sh -c '%s': exit %d", script, code);
	if (want && !CHECK(strcmp(out, want) == 0, "  its output"))
		tap_diag("got \"%s\", want \"%s\"", out, want);
}

static void test_basics(void)
{
	check_sh("echo hello world", 0, "hello world\n");
	check_sh("echo abc | cat | cat", 0, "abc\n");
	check_sh("echo one > f; echo two >> f; cat < f", 0, "one\ntwo\n");
	check_sh("echo again > f; cat f", 0, "again\n");
	check_sh("false; echo $?", 0, "1\n");
	check_sh("true; echo $?", 0, "0\n");
	check_sh("echo 'a  b' \"c $?\" d\\ e", 0, "a  b c 0 d e\n");
	check_sh("echo shown # echo hidden", 0, "shown\n");
	check_sh("exit 7", 7, "");
	check_sh("false", 1, "");
	check_sh("no-such-command-here", 127, "");
	check_sh("mkdir -p sub/deeper; cd sub; pwd > ../where; cd ..; cat where", 0,
		 NULL);
	check_sh("cd /; pwd", 0, "/\n");
	check_sh("cd no-such-dir", 1, "");
	check_sh("false | true", 0, "");
	check_sh("true | false", 1, "");
}

static void test_utilities(void)
{
	check_sh("echo a b c | wc -w", 0, "3\n");
	check_sh("echo hi | wc -c", 0, "3\n");
	check_sh("echo 1 > n; echo 2 >> n; echo 3 >> n; head -n 2 n", 0, "1\n2\n");
	check_sh("echo hi | hexdump -C", 0,
		 "00000000  68 69 0a                                          "
		 "|hi.|\n00000003\n");
	check_sh("mkdir -p t/a/b; echo z > t/a/b/f; ls t/a/b", 0, "f\n");
	check_sh("cp t/a/b/f t/g; cat t/g", 0, "z\n");
	check_sh("mv t/g t/h; ls t", 0, "a\nh\n");
	check_sh("ls -a t/a", 0, ".\n..\nb\n");
	check_sh("rm -r t; ls t", 1, "");
	check_sh("touch e; stat e | head -n 1", 0, "  File: e\n");
	/* Regression: "&" was passed to the program as an argument. */
	check_sh("echo a &", 2, "");
	check_sh("rm e f n where; rm -r sub", 0, "");
	check_sh("sleep 0; echo slept", 0, "slept\n");
}

static void test_script_and_ctrl_c(void)
{
	char out[4096];
	int status;

	status = run_sh(NULL, "echo a\n# a comment\necho b | cat\nexit 3\necho no\n",
			out, sizeof(out), 0);
	CHECK_EXIT(status, 3, "a script on stdin (not a tty) runs to its exit 3");
	if (!CHECK(strcmp(out, "a\nb\n") == 0, "  its output"))
		tap_diag("got \"%s\"", out);

	/* Ctrl-C: the console signals the whole group, shell included. */
	status = run_sh(NULL, "sleep 3\necho after $?\n", out, sizeof(out), 400);
	CHECK_EXIT(status, 0, "SIGINT to the group during a command: the "
		   "shell survives");
	if (!CHECK(strcmp(out, "after 130\n") == 0, "  the command died of "
		   "SIGINT ($? 130) and the shell went on"))
		tap_diag("got \"%s\"", out);
}

int main(void)
{
	char dir[64];

	shell = getenv("FAULTLINE_SH");
	if (!shell || !*shell)
		shell = "/bin/sh";
	tap_diag("shell %s, programs from %s", shell, bin_dir());
	REQUIRE(access(shell, X_OK) == 0, "the shell %s exists", shell);
	REQUIRE(enter_scratch_dir("shell_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	test_basics();
	test_utilities();
	test_script_and_ctrl_c();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
