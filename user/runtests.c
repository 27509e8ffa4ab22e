/*
 * runtests - run every test program in a directory, TAP in, TAP out.
 *
 *   runtests [-t SECONDS] [DIR...]
 *
 * With no DIR it runs /tests and then /extra-tests when that exists (where
 * `make test EXTRA_TESTS=DIR` installs the student's own tests). Each
 * executable regular file in a directory is a test; they run in name order,
 * each in its own process (fork + execve), with the runner's current
 * directory and environment, stdin at EOF, and a time limit (-t, default
 * 60 s). The runner goes on after a failure and prints one line per test:
 *
 *   ok 3 - pipe_test
 *   not ok 4 - cow_test (exit 1)
 *   not ok 5 - signal_test (killed by signal 11)
 *   not ok 6 - efault_test (timeout)
 *
 * Everything a test prints (its own TAP lines included) is passed through
 * with "# " in front, so that the outer stream stays valid TAP: only the
 * runner's lines start with "ok"/"not ok". The last line is
 * "N passed, M failed"; the exit status is 0 only if M == 0 and N > 0.
 *
 * The time limit is enforced by polling, not with alarm(): the runner
 * sleeps in small steps, drains the test's output, asks wait4(WNOHANG)
 * whether the test has finished, and sends SIGKILL when the time is up.
 * That uses only calls a young kernel has early (nanosleep, wait4, kill,
 * non-blocking pipe reads), and no signal delivery to the runner itself.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT	60	/* seconds per test */
#define POLL_MS		10	/* how often the runner looks at a test */
#define LINE_MAX_LEN	1024	/* longer output lines are split */

/* The verdict on one test. */
struct result {
	int start_error;	/* errno if the test could not be started */
	int status;		/* raw wait status, if it ran and !timed_out */
	int timed_out;
};

/* A test's output on its way to our stdout, one "# " line at a time. */
struct prefixer {
	char line[LINE_MAX_LEN];
	size_t len;
};

/* Totals over the whole run. */
struct tally {
	int n;			/* tests run so far */
	int passed;
	int failed;
};

static void emit_line(struct prefixer *px)
{
	printf("# %.*s\n", (int)px->len, px->line);
	px->len = 0;
}

/* Pass bytes of test output through, prefixing each line with "# ". */
static void prefix_bytes(struct prefixer *px, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			emit_line(px);
			continue;
		}
		if (px->len == sizeof(px->line))
			emit_line(px);
		px->line[px->len++] = buf[i];
	}
}

/*
 * Read whatever the test has written so far (the pipe is non-blocking).
 * Returns 1 at EOF (every writer has closed its end), 0 otherwise.
 */
static int drain_output(int fd, struct prefixer *px)
{
	char buf[512];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n > 0) {
			prefix_bytes(px, buf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n == 0;	/* EOF, or EAGAIN: nothing more for now */
	}
}

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * In the child: stdout and stderr to the output pipe, stdin to the read
 * end of an empty pipe whose write end is closed (so a test that reads
 * stdin sees EOF instead of stealing the console), then exec.
 */
static void exec_test(const char *path, int out_fd, int in_fd)
{
	char *argv[] = { (char *)path, NULL };

	dup2(in_fd, 0);
	dup2(out_fd, 1);
	dup2(out_fd, 2);
	/* The pipe fds themselves are O_CLOEXEC and vanish at execve. */
	execve(path, argv, environ);
	fprintf(stderr, "runtests: %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Make the two pipes a test runs with; 0 or -1. */
static int make_pipes(int out[2], int in[2])
{
	if (pipe2(out, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(in, O_CLOEXEC) != 0) {
		close(out[0]);
		close(out[1]);
		return -1;
	}
	close(in[1]);		/* stdin: EOF from the start */
	/* Only our end is non-blocking; the test's end must block as usual. */
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	return 0;
}

/*
 * Watch a running test: pass its output through, reap it when it exits,
 * kill it when its time is up. Fills in *res.
 */
static void supervise(pid_t pid, int out_fd, int timeout_s, struct result *res)
{
	struct prefixer px = { .len = 0 };
	long long deadline = monotonic_ms() + timeout_s * 1000LL;

	res->timed_out = 0;
	for (;;) {
		drain_output(out_fd, &px);
		if (wait4(pid, &res->status, WNOHANG, NULL) == pid)
			break;
		if (monotonic_ms() >= deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &res->status, 0);
			res->timed_out = 1;
			break;
		}
		sleep_ms(POLL_MS);
	}
	/*
	 * The rest of the output. Stop at EAGAIN as well as at EOF: a
	 * background child of the test may still hold the pipe open.
	 */
	drain_output(out_fd, &px);
	if (px.len > 0)
		emit_line(&px);
}

/* Run one test program and fill in *res. */
static void run_one(const char *path, int timeout_s, struct result *res)
{
	int out[2], in[2];
	pid_t pid;

	res->start_error = 0;
	if (make_pipes(out, in) != 0) {
		res->start_error = errno;
		return;
	}
	fflush(stdout);		/* or the child would inherit our buffer */
	pid = fork();
	if (pid == 0)
		exec_test(path, out[1], in[0]);
	if (pid < 0)
		res->start_error = errno;
	close(out[1]);
	close(in[0]);
	if (pid > 0)
		supervise(pid, out[0], timeout_s, res);
	close(out[0]);
}

/* Print the TAP line for one test and count it. */
static void report(struct tally *t, const char *name, const struct result *res)
{
	int ok = !res->start_error && !res->timed_out && WIFEXITED(res->status) &&
		 WEXITSTATUS(res->status) == 0;

	t->n++;
	if (ok) {
		t->passed++;
		printf("ok %d - %s\n", t->n, name);
		return;
	}
	t->failed++;
	printf("not ok %d - %s ", t->n, name);
	if (res->start_error)
		printf("(could not start: %s)\n", strerror(res->start_error));
	else if (res->timed_out)
		printf("(timeout)\n");
	else if (WIFSIGNALED(res->status))
		printf("(killed by signal %d)\n", WTERMSIG(res->status));
	else
		printf("(exit %d)\n", WEXITSTATUS(res->status));
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is dir/name an executable regular file? */
static int is_test(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	if (name[0] == '.')
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

/*
 * The sorted names of the tests in dir, in a malloc'd array (free each
 * name and the array); *count is set. NULL if dir cannot be read.
 */
static char **list_tests(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (!is_test(dir, de->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				closedir(d);
				return NULL;
			}
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), compare_names);
	*count = n;
	return names ? names : calloc(1, sizeof(*names));
}

/* Run every test in dir; returns -1 if dir could not be read. */
static int run_dir(struct tally *t, const char *dir, int timeout_s)
{
	size_t count;
	char **names = list_tests(dir, &count);

	if (!names) {
		printf("# runtests: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		char path[4096];
		struct result res = { 0, 0, 0 };

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		printf("# ---- %s\n", path);
		run_one(path, timeout_s, &res);
		report(t, names[i], &res);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: runtests [-t SECONDS] [DIR...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct tally t = { 0, 0, 0 };
	int timeout_s = DEFAULT_TIMEOUT;
	int opt, bad_dir = 0;

	/* Lines, not blocks: the console should show progress as it happens. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't' || (timeout_s = atoi(optarg)) <= 0)
			usage();
	}

	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			bad_dir |= run_dir(&t, argv[i], timeout_s) != 0;
	} else {
		bad_dir |= run_dir(&t, "/tests", timeout_s) != 0;
		if (access("/extra-tests", F_OK) == 0)
			bad_dir |= run_dir(&t, "/extra-tests", timeout_s) != 0;
	}

	printf("%d passed, %d failed\n", t.passed, t.failed);
	return t.failed == 0 && t.passed > 0 && !bad_dir ? 0 : 1;
}
