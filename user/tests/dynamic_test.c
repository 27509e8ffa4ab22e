/*
 * dynamic_test - Debian's dynamically linked programs (glibc, started
 * through /lib64/ld-linux-x86-64.so.2) run with Linux's output: ls -ln,
 * cat, sort, md5sum, and dash running a pipeline of them. The disk image
 * has them where the host had them (tools/stage-glibc.sh); on a system
 * without them (a host that is not Debian or Ubuntu, the Linux guest of
 * static programs) the test skips with the reason.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "testutil.h"

#define LDSO "/lib64/ld-linux-x86-64.so.2"

/* Run @argv with a clean environment, stdout (and stderr) into @out
 * (NUL-terminated); returns the wait status or -1. */
static int run(char *const argv[], char *out, size_t size)
{
	static char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", NULL };
	int pfd[2];
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], out + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(pfd[0]);
	out[got] = '\0';
	return wait_child(pid);
}

static void check_run(char *const argv[], const char *want, const char *what)
{
	char out[4096];
	int status = run(argv, out, sizeof(out));

	if (!CHECK(status == 0 && !strcmp(out, want), "%s", what))
		tap_diag("status %d, output: %s", status, out);
}

int main(void)
{
	char dir[64], want[512], *ls_argv[] = { "/usr/bin/ls", "-ln", "d", NULL };
	struct timespec t[2] = { { 1577934240, 0 }, { 1577934240, 0 } };   /* 2020-01-02 03:04 UTC */
	const char *progs[] = { LDSO, "/usr/bin/ls", "/usr/bin/cat", "/usr/bin/sort",
				"/usr/bin/md5sum", "/usr/bin/dash" };

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		if (access(progs[i], X_OK) != 0) {
			tap_skip("no glibc programs here", "%s is missing: the image was built "
				 "without the host's glibc programs (GLIBC_PROGS)", progs[i]);
			return tap_done();
		}
	}
	if (enter_scratch_dir("dynamic_test", dir, sizeof(dir)) != 0)
		return 1;
	mkdir("d", 0755);
	write_file("d/one", "b\na\nc\n");
	write_file("d/two", "hello\n");
	chmod("d/one", 0644);
	chmod("d/two", 0600);
	utimensat(AT_FDCWD, "d/one", t, 0);
	utimensat(AT_FDCWD, "d/two", t, 0);

	{
		char out[4096], *body;
		int status = run(ls_argv, out, sizeof(out));

		snprintf(want, sizeof(want),
			 "-rw-r--r-- 1 %d %d 6 Jan  2  2020 one\n"
			 "-rw------- 1 %d %d 6 Jan  2  2020 two\n",
			 (int)getuid(), (int)getgid(), (int)getuid(), (int)getgid());
		body = strchr(out, '\n');       /* after "total N", which counts fs blocks */
		if (!CHECK(status == 0 && !strncmp(out, "total ", 6) && body && !strcmp(body + 1, want),
			   "ls -ln"))
			tap_diag("status %d, output: %s", status, out);
	}
	check_run((char *[]){ "/usr/bin/cat", "d/one", "d/two", NULL }, "b\na\nc\nhello\n", "cat");
	check_run((char *[]){ "/usr/bin/sort", "d/one", NULL }, "a\nb\nc\n", "sort");
	check_run((char *[]){ "/usr/bin/md5sum", "d/two", NULL },
		  "b1946ac92492d2347c6235b4d2611184  d/two\n", "md5sum");
	check_run((char *[]){ "/usr/bin/dash", "-c",
			      "cat d/one d/one | sort -r; echo status $?", NULL },
		  "c\nc\nb\nb\na\na\nstatus 0\n", "dash -c with a pipeline of cat and sort");
	{
		char out[256];
		int status = run((char *[]){ "/usr/bin/dash", "-c",
					     "x=$(cat d/two); echo \"[$x]\"; exit 3", NULL },
				 out, sizeof(out));

		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3 && !strcmp(out, "[hello]\n"),
		      "dash: command substitution and exit status (%d, %s)", status, out);
	}
	leave_scratch_dir(dir);
	return tap_done();
}
