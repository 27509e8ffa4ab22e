/*
 * signal_test - sending, blocking, catching and the default actions.
 *
 * kill() and tgkill() (delivery before the call returns, si_code SI_USER /
 * SI_TKILL, si_pid, the errors); rt_sigaction (SIGKILL/SIGSTOP refused, a
 * bad sigsetsize, the old action read back); sigprocmask blocking with the
 * signal pending (sigpending) and delivered once on unblock; sa_mask and
 * the automatic blocking inside a handler; SA_NODEFER; SA_RESETHAND;
 * SA_RESTART (a pipe read interrupted by a signal from a child resumes)
 * and EINTR without it; SIGCHLD with CLD_EXITED; default actions as the
 * parent's wait status shows them; sigaltstack with SA_ONSTACK.
 */
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

static volatile sig_atomic_t hits, last_sig, last_code, last_pid;
static volatile int blocked_inside, other_blocked_inside, nested_depth,
	max_depth;

static void reset(void)
{
	hits = last_sig = last_code = last_pid = 0;
	blocked_inside = other_blocked_inside = -1;
}

static void counting_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t now;

	(void)uc;
	hits++;
	last_sig = sig;
	last_code = si->si_code;
	last_pid = si->si_pid;
	sigprocmask(SIG_BLOCK, NULL, &now);
	blocked_inside = sigismember(&now, sig);
	other_blocked_inside = sigismember(&now, SIGUSR2);
}

static int install(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
		   int mask_sig)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (mask_sig)
		sigaddset(&sa.sa_mask, mask_sig);
	return sigaction(sig, &sa, NULL);
}

static void test_kill_tgkill(void)
{
	reset();
	install(SIGUSR1, counting_handler, 0, 0);
	CHECK_OK(kill(getpid(), SIGUSR1), "kill(self, SIGUSR1)");
	CHECK_EQ(hits, 1, "the handler ran before kill() returned");
	CHECK_EQ(last_sig, SIGUSR1, "with the signal number");
	CHECK_EQ(last_code, SI_USER, "si_code SI_USER");
	CHECK_EQ(last_pid, getpid(), "si_pid the sender");
	CHECK(blocked_inside == 1 && other_blocked_inside == 0,
	      "inside the handler the signal itself is blocked, others not");

	reset();
	CHECK_OK(syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1),
		 "tgkill(self, self, SIGUSR1)");
	CHECK_EQ(hits, 1, "the handler ran");
	CHECK_EQ(last_code, SI_TKILL, "si_code SI_TKILL");
	CHECK_ERR(syscall(SYS_tgkill, getpid() + 100000, getpid(), SIGUSR1),
		  ESRCH, "tgkill with a wrong tgid: ESRCH");
	CHECK_ERR(syscall(SYS_tgkill, 0, getpid(), SIGUSR1), EINVAL,
		  "tgkill with tgid 0: EINVAL");
	CHECK_ERR(kill(getpid(), 65), EINVAL, "kill with signal 65: EINVAL");
	CHECK_ERR(kill(999999, SIGUSR1), ESRCH, "kill of a missing pid: ESRCH");
	CHECK_OK(kill(getpid(), 0), "kill(self, 0) checks existence only");
	signal(SIGUSR1, SIG_DFL);
}

static void test_sigaction(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL,
		  "sigaction(SIGKILL): EINVAL");
	CHECK_ERR(sigaction(SIGSTOP, &sa, NULL), EINVAL,
		  "sigaction(SIGSTOP): EINVAL");
	CHECK_ERR(sigaction(0, &sa, NULL), EINVAL, "sigaction(0): EINVAL");
	CHECK_ERR(sigaction(65, &sa, NULL), EINVAL, "sigaction(65): EINVAL");
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL,
		  "rt_sigaction with sigsetsize 4: EINVAL");
	CHECK_OK(sigaction(SIGKILL, NULL, &old),
		 "reading SIGKILL's action is allowed");
	install(SIGUSR2, counting_handler, SA_RESTART, SIGUSR1);
	CHECK_OK(sigaction(SIGUSR2, NULL, &old), "read back an action");
	CHECK(old.sa_sigaction == counting_handler &&
	      (old.sa_flags & (SA_SIGINFO | SA_RESTART)) ==
	      (SA_SIGINFO | SA_RESTART) && sigismember(&old.sa_mask, SIGUSR1),
	      "handler, flags and mask read back as set");
	signal(SIGUSR2, SIG_DFL);
	sigemptyset(&sa.sa_mask);
	CHECK_ERR(syscall(SYS_rt_sigprocmask, 99, &sa.sa_mask, NULL, 8), EINVAL,
		  "rt_sigprocmask with a bad how: EINVAL");
}

static void test_blocking(void)
{
	sigset_t set, pending, old;

	reset();
	install(SIGUSR1, counting_handler, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_OK(sigprocmask(SIG_BLOCK, &set, &old), "block SIGUSR1");
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(hits, 0, "a blocked signal is not delivered");
	sigemptyset(&pending);
	CHECK_OK(sigpending(&pending), "sigpending");
	CHECK(sigismember(&pending, SIGUSR1), "SIGUSR1 is pending");
	CHECK(!sigismember(&pending, SIGUSR2), "SIGUSR2 is not");
	CHECK_OK(sigprocmask(SIG_SETMASK, &old, NULL), "unblock");
	CHECK_EQ(hits, 1, "delivered on unblock, once for two kills (not queued)");
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGUSR1), "no longer pending");

	/* SIG_UNBLOCK of a set clears exactly those bits. */
	reset();
	install(SIGUSR2, counting_handler, 0, 0);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sigprocmask(SIG_BLOCK, NULL, &old);
	CHECK(!sigismember(&old, SIGUSR1) && !sigismember(&old, SIGUSR2),
	      "SIG_UNBLOCK clears the bits");
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* SA_NODEFER: the handler re-raises once; it must nest. */
static void nesting_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	nested_depth++;
	if (nested_depth > max_depth)
		max_depth = nested_depth;
	if (hits++ == 0)
		kill(getpid(), sig);
	nested_depth--;
}

static void test_nodefer_resethand_mask(void)
{
	struct sigaction old;
	pid_t pid;

	reset();
	max_depth = nested_depth = 0;
	install(SIGUSR1, nesting_handler, SA_NODEFER, 0);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(hits, 2, "SA_NODEFER: the handler's own kill is delivered");
	CHECK_EQ(max_depth, 2, "inside the first run (nested)");

	reset();
	max_depth = nested_depth = 0;
	install(SIGUSR1, nesting_handler, 0, 0);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(hits, 2, "without SA_NODEFER: delivered too");
	CHECK_EQ(max_depth, 1, "but only after the first run returned");

	reset();
	install(SIGUSR1, counting_handler, 0, SIGUSR2);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(other_blocked_inside, 1, "sa_mask is blocked inside the handler");

	reset();
	install(SIGUSR1, counting_handler, SA_RESETHAND, 0);
	kill(getpid(), SIGUSR1);
	CHECK_EQ(hits, 1, "SA_RESETHAND: the handler runs once");
	sigaction(SIGUSR1, NULL, &old);
	CHECK(old.sa_handler == SIG_DFL, "and the action is SIG_DFL afterwards");
	CHECK_EQ(blocked_inside, 1, "SA_RESETHAND alone still blocks the "
		 "signal inside the handler (Linux; no implied SA_NODEFER)");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		install(SIGUSR1, counting_handler, SA_RESETHAND, 0);
		kill(getpid(), SIGUSR1);
		kill(getpid(), SIGUSR1);	/* default action now */
		_exit(0);
	}
	CHECK_SIGNALED(wait_child(pid), SIGUSR1,
		       "SA_RESETHAND: the second signal takes the default action");
	signal(SIGUSR1, SIG_DFL);
}

/*
 * A child sends SIGUSR1 to the parent blocked in read(), then (later)
 * writes a byte. Returns what read() returned; *err gets errno.
 */
static long interrupted_read(int flags, int *err)
{
	int p[2];
	pid_t parent = getpid(), pid;
	char c;
	long n;

	reset();
	install(SIGUSR1, counting_handler, flags, 0);
	if (pipe(p) != 0)
		return -2;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(parent, SIGUSR1);
		sleep_ms(200);
		write(p[1], "d", 1);
		_exit(0);
	}
	errno = 0;
	n = read(p[0], &c, 1);
	*err = errno;
	wait_child_timeout(pid, 5000);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
	return n;
}

static void test_restart(void)
{
	int err;
	long n;

	n = interrupted_read(SA_RESTART, &err);
	CHECK_EQ(n, 1, "SA_RESTART: the interrupted pipe read resumes and "
		 "returns the data");
	CHECK_EQ(hits, 1, "and the handler ran");
	n = interrupted_read(0, &err);
	CHECK(n == -1 && err == EINTR,
	      "without SA_RESTART: the pipe read fails with EINTR (got %ld, "
	      "errno %d)", n, err);
	CHECK_EQ(hits, 1, "after the handler ran");
}

static volatile sig_atomic_t chld_pid, chld_code, chld_status;

static void chld_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_pid = si->si_pid;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void test_sigchld(void)
{
	struct sigaction sa;
	pid_t pid;
	int waited = 0;

	chld_pid = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = chld_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(7);
	while (!chld_pid && waited < 5000) {
		sleep_ms(10);
		waited += 10;
	}
	CHECK_EQ(chld_pid, pid, "SIGCHLD arrives when a child exits, si_pid "
		 "the child");
	CHECK_EQ(chld_code, CLD_EXITED, "si_code CLD_EXITED");
	CHECK_EQ(chld_status, 7, "si_status the exit code");
	CHECK_EXIT(wait_child(pid), 7, "the child is still there to be reaped");
	signal(SIGCHLD, SIG_DFL);
}

static int raise_and_exit(int sig)
{
	kill(getpid(), sig);
	return 0;
}

static void test_default_actions(void)
{
	static const int deadly[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM,
				      SIGUSR2, SIGPIPE, SIGALRM, SIGABRT };
	pid_t pid;
	int bad = 0;

	for (size_t i = 0; i < sizeof(deadly) / sizeof(deadly[0]); i++) {
		int status;

		fflush(stdout);
		if ((pid = fork()) == 0)
			_exit(raise_and_exit(deadly[i]));
		status = wait_child(pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != deadly[i]) {
			tap_diag("signal %d: status %#x", deadly[i], status);
			bad++;
		}
	}
	CHECK_EQ(bad, 0, "default action terminate: WTERMSIG is the signal "
		 "(HUP INT QUIT TERM USR2 PIPE ALRM ABRT)");
	if ((pid = fork()) == 0) {
		kill(getpid(), SIGCHLD);
		kill(getpid(), SIGURG);
		kill(getpid(), SIGWINCH);
		_exit(3);
	}
	CHECK_EXIT(wait_child(pid), 3, "SIGCHLD, SIGURG, SIGWINCH are ignored "
		   "by default");
	if ((pid = fork()) == 0) {
		signal(SIGTERM, SIG_IGN);
		kill(getpid(), SIGTERM);
		_exit(4);
	}
	CHECK_EXIT(wait_child(pid), 4, "SIG_IGN: SIGTERM is ignored");
	if ((pid = fork()) == 0) {
		signal(SIGKILL, SIG_IGN);
		kill(getpid(), SIGKILL);
		_exit(5);
	}
	CHECK_SIGNALED(wait_child(pid), SIGKILL, "SIGKILL cannot be ignored");
	if ((pid = fork()) == 0) {
		for (;;)
			sleep_ms(1000);
	}
	sleep_ms(50);
	kill(pid, SIGTERM);
	CHECK_SIGNALED(wait_child_timeout(pid, 5000), SIGTERM,
		       "SIGTERM from the parent kills a sleeping child");
}

static char *altstack;
static volatile int on_alt, alt_flags;

static void alt_handler(int sig)
{
	char local;
	stack_t now;

	(void)sig;
	on_alt = &local >= altstack && &local < altstack + 4 * SIGSTKSZ;
	if (sigaltstack(NULL, &now) == 0)
		alt_flags = now.ss_flags;
}

static void test_sigaltstack(void)
{
	stack_t ss, old;
	struct sigaction sa;

	altstack = malloc(4 * SIGSTKSZ);
	REQUIRE(altstack != NULL, "allocate an alternate stack");
	CHECK_OK(sigaltstack(NULL, &old), "sigaltstack query");
	CHECK(old.ss_flags & SS_DISABLE, "no alternate stack at first");
	ss.ss_sp = altstack;
	ss.ss_size = 4 * SIGSTKSZ;
	ss.ss_flags = 0;
	CHECK_OK(sigaltstack(&ss, NULL), "sigaltstack set");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alt_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	kill(getpid(), SIGUSR1);
	CHECK(on_alt, "an SA_ONSTACK handler runs on the alternate stack");
	CHECK(alt_flags & SS_ONSTACK, "sigaltstack says SS_ONSTACK inside it");
	CHECK_OK(sigaltstack(NULL, &old), "query again");
	CHECK(old.ss_sp == altstack && old.ss_size == 4 * SIGSTKSZ &&
	      old.ss_flags == 0, "the stack reads back, not on it now");
	ss.ss_size = 100;
	CHECK_ERR(sigaltstack(&ss, NULL), ENOMEM,
		  "sigaltstack smaller than MINSIGSTKSZ: ENOMEM");
	ss.ss_size = 4 * SIGSTKSZ;
	ss.ss_flags = 0x1234;
	CHECK_ERR(sigaltstack(&ss, NULL), EINVAL,
		  "sigaltstack with bad flags: EINVAL");
	ss.ss_flags = SS_DISABLE;
	CHECK_OK(sigaltstack(&ss, NULL), "disable it");
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	test_kill_tgkill();
	test_sigaction();
	test_blocking();
	test_nodefer_resethand_mask();
	test_restart();
	test_sigchld();
	test_default_actions();
	test_sigaltstack();
	return tap_done();
}
