/*
 * init - the first user process (PID 1).
 *
 *   /bin/init [shell]               run /bin/sh on the console, forever
 *   /bin/init test [ARGS...]        run /bin/runtests ARGS in /tmp, power off
 *   /bin/init exec PROG [ARGS...]   run PROG ARGS in /tmp, power off
 *
 * How the kernel starts it (docs/userspace.md, "Boot"): as PID 1, from the
 * path given by init= on the kernel command line (default /bin/init), with
 * argv[1] the value of init.mode= (no argv[1] when there is no init.mode=),
 * fds 0, 1 and 2 open on the console, and the root filesystem mounted.
 * Further words after "--" on the command line, if the kernel passes them
 * (Linux's convention), become ARGS.
 *
 * Whatever the mode, init is also the parent of every orphan: when a
 * process exits, its children are re-parented to PID 1, and their zombies
 * stay until PID 1 waits for them. So init never waits for one pid only;
 * it calls wait4(-1) and sets aside every orphan it reaps on the way.
 *
 * Modes "test" and "exec" end with one machine-readable line, the last
 * thing init prints before it powers off (tools/qemu.py parses it, and
 * docs/testing.md defines it):
 *
 *   faultline-exit-status: N
 *
 * where N is the program's exit code, or 128+S if signal S killed it (255
 * if it could not be started at all), as a shell reports a status.
 *
 * Run on the host as an ordinary process (not PID 1), init never powers the
 * machine off: it prints the same lines and exits with N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SHELL		"/bin/sh"
#define RUNTESTS	"/bin/runtests"
#define SCRATCH_DIR	"/tmp"		/* cwd for tests: writable */
#define SHELL_PATH	"/bin:/usr/bin"	/* the shell's: busybox's applets last */
#define BUSYBOX		"/bin/busybox"

/* Signals that a console would send to everything on it; init ignores them. */
static const int console_signals[] = { SIGINT, SIGQUIT, SIGTSTP, SIGHUP };
#define NCONSOLE_SIGNALS (sizeof(console_signals) / sizeof(console_signals[0]))

/* Set by a shutdown request in mode "shell" (listen_for_shutdown). */
static volatile sig_atomic_t shutdown_signal;

/*
 * Make sure fds 0, 1 and 2 are open. The kernel should have opened them on
 * the console; if it has not, try /dev/console, so that init's messages
 * and the shell have somewhere to go.
 */
static void ensure_console(void)
{
	int fd;

	if (fcntl(0, F_GETFD) != -1)
		return;
	fd = open("/dev/console", O_RDWR);
	if (fd < 0)
		return;		/* nothing we can do; keep going silently */
	for (int target = 0; target <= 2; target++)
		if (fd != target)
			dup2(fd, target);
	if (fd > 2)
		close(fd);
}

static void set_console_signals(void (*action)(int))
{
	for (size_t i = 0; i < NCONSOLE_SIGNALS; i++)
		signal(console_signals[i], action);
}

/* In the child: undo init's signal settings (SIG_IGN survives execve). */
static void exec_child(char *const argv[])
{
	set_console_signals(SIG_DFL);
	execve(argv[0], argv, environ);
	fprintf(stderr, "init: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Run argv[0] (an absolute path) as a child and wait until it exits,
 * reaping every orphan that exits in the meantime. Returns its raw wait
 * status, or -1 if it could not be started.
 */
static int run_and_wait(char *const argv[])
{
	pid_t pid, r;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "init: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		exec_child(argv);

	for (;;) {
		if (shutdown_signal)
			return -1;	/* shell_mode powers off */
		r = wait4(-1, &status, 0, NULL);
		if (r == pid)
			return status;
		if (r < 0 && errno == EINTR && shutdown_signal)
			return -1;	/* shell_mode powers off */
		if (r < 0 && errno != EINTR) {
			/* ECHILD cannot happen while pid lives; be safe anyway. */
			fprintf(stderr, "init: wait4: %s\n", strerror(errno));
			return -1;
		}
		/* r is an orphan's zombie, now gone; keep waiting. */
	}
}

/* "exited with status 3" / "was killed by signal 9", for messages. */
static void describe(int status, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "could not be started");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "was killed by signal %d",
			 WTERMSIG(status));
	else
		snprintf(buf, size, "exited with status %d",
			 WEXITSTATUS(status));
}

static long monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec;
}

/*
 * Flush the filesystem and switch the machine off. If we are not PID 1
 * (init run by hand on the host), just exit with the status: powering off
 * the host would be a rude surprise.
 */
static void power_off(int code)
{
	sync();
	if (getpid() != 1)
		exit(code);
	printf("init: powering off\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	/* Only reached if the kernel refused; PID 1 must not exit. */
	fprintf(stderr, "init: reboot: %s\n", strerror(errno));
	for (;;)
		run_and_wait((char *[]){ SHELL, NULL });
}

/*
 * busybox's halt, poweroff and reboot (without -f) ask init to do it,
 * with the signals busybox's own init takes: SIGUSR1, SIGUSR2 and
 * SIGTERM. In mode "shell" each of them powers the machine off (there is
 * no reboot): the handler interrupts init's wait4 (no SA_RESTART), and
 * shell_mode syncs and powers off whatever still runs. The kernel gives
 * pid 1 only the signals it handles, so without these handlers the
 * request was dropped.
 */
static void on_shutdown_signal(int sig)
{
	shutdown_signal = sig;
}

static void listen_for_shutdown(void)
{
	struct sigaction sa = { .sa_handler = on_shutdown_signal };
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGTERM };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * Printed once, before the first shell of mode "shell" (make run): where
 * to start. busybox's applets (ps, free) are on the image only when the
 * build found the host's static busybox (docs/userspace.md).
 */
static void greet(void)
{
	printf("Faultline: this shell is /bin/sh; PATH is %s "
	       "(Faultline's own programs, then busybox's).\n", SHELL_PATH);
	if (access(BUSYBOX, X_OK) == 0)
		printf("Try: ps, free, cat /proc/self/maps, dmesg; "
		       "busybox sh for a fuller shell.\n");
	else
		printf("Try: cat /proc/self/maps, cat /proc/meminfo "
		       "(no busybox on this image: no ps or free).\n");
	printf("The labs: docs/labs/README.md in the source tree "
	       "(on the host: make labs).\n");
}

/*
 * Mode "shell": a shell on the console, started again whenever it exits
 * (Ctrl-D, "exit", a crash). A shell that dies at once, say because
 * /bin/sh is missing, is restarted once a second rather than in a loop.
 */
static void shell_mode(void)
{
	char *argv[] = { SHELL, NULL };
	char how[64];

	/* Faultline's own programs first, then busybox's applets. */
	setenv("PATH", SHELL_PATH, 1);
	listen_for_shutdown();
	greet();
	for (;;) {
		long started = monotonic_s();
		int status = run_and_wait(argv);

		if (shutdown_signal)
			break;

		describe(status, how, sizeof(how));
		printf("init: %s %s; starting a new one\n", SHELL, how);
		if (monotonic_s() - started < 1)
			sleep(1);
	}
	printf("init: asked to power off (%s)\n", strsignal(shutdown_signal));
	power_off(0);
}

/* The working directory for tests: /tmp, made if the image lacks it. */
static void enter_scratch_dir(void)
{
	mkdir(SCRATCH_DIR, 01777);	/* EEXIST is fine */
	if (chdir(SCRATCH_DIR) != 0) {
		fprintf(stderr, "init: %s: %s; running in /\n", SCRATCH_DIR,
			strerror(errno));
		chdir("/");
	}
}

/* A raw wait status as a shell reports it: code, or 128 + signal. */
static int shell_status(int status)
{
	if (status == -1)
		return 255;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Modes "test" and "exec": run one program to completion, then power off. */
static void run_once_mode(char *const argv[])
{
	char how[64];
	int status;

	enter_scratch_dir();
	status = run_and_wait(argv);
	describe(status, how, sizeof(how));
	printf("init: %s %s\n", argv[0], how);
	printf("faultline-exit-status: %d\n", shell_status(status));
	power_off(shell_status(status));
}

/*
 * argv for "test": /bin/runtests followed by the user's arguments. The
 * vector is built in a buffer the caller owns.
 */
static char **runtests_argv(int argc, char **argv, char **buf, int bufsize)
{
	int n = 0;

	buf[n++] = RUNTESTS;
	for (int i = 0; i < argc && n < bufsize - 1; i++)
		buf[n++] = argv[i];
	buf[n] = NULL;
	return buf;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "shell";
	char *args[64];

	ensure_console();
	set_console_signals(SIG_IGN);
	/* Children find programs in /bin; keep whatever the kernel passed. */
	setenv("PATH", "/bin", 0);
	setenv("HOME", "/", 0);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (strcmp(mode, "test") == 0)
		run_once_mode(runtests_argv(argc - 2, argv + 2, args, 64));
	else if (strcmp(mode, "exec") == 0 && argc > 2)
		run_once_mode(argv + 2);
	else if (strcmp(mode, "shell") != 0)
		fprintf(stderr, "init: unknown mode '%s'; starting a shell\n",
			mode);
	shell_mode();
	return 0;
}
