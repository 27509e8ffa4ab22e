/*
 * futex_test - the futex system call, raw: each operation's result and
 * Linux's errors.
 *
 * FUTEX_WAIT's EAGAIN on a value mismatch; relative (WAIT) and absolute
 * (WAIT_BITSET, monotonic and CLOCK_REALTIME) timeouts ending in
 * ETIMEDOUT; EINVAL for a misaligned word, a zero bitset, a bad timespec,
 * negative requeue counts; ENOSYS for an unknown op and for
 * CLOCK_REALTIME with plain WAIT; EFAULT for unmapped and kernel
 * addresses and a bad timeout pointer (a private WAKE does not look at
 * the memory, as on Linux); WAKE's count; WAKE_BITSET's selection;
 * CMP_REQUEUE (EAGAIN, then moved waiters woken through the second word);
 * EINTR for a wait interrupted by a handler, and the restart under
 * SA_RESTART; shared futexes between two processes over a MAP_SHARED
 * file mapped at different offsets, and over shared anonymous memory;
 * a private wait that a shared wake must not find; set_robust_list and
 * get_robust_list.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

#ifndef INT_MAX
#define INT_MAX 0x7fffffff
#endif

/* <linux/futex.h>'s values (musl's headers do not carry it). */
#define FUTEX_WAIT              0
#define FUTEX_WAKE              1
#define FUTEX_REQUEUE           3
#define FUTEX_CMP_REQUEUE       4
#define FUTEX_WAIT_BITSET       9
#define FUTEX_WAKE_BITSET       10
#define FUTEX_PRIVATE_FLAG      128
#define FUTEX_CLOCK_REALTIME    256
#define FUTEX_WAIT_PRIVATE      (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE      (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE   (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_BITSET_PRIVATE (FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG)
#define FUTEX_BITSET_MATCH_ANY  0xffffffffU

static long futex(void *uaddr, int op, unsigned int val, const void *timeout_or_val2,
		  void *uaddr2, unsigned int val3)
{
	return syscall(SYS_futex, uaddr, op, val, timeout_or_val2, uaddr2, val3);
}

static struct timespec ms_ts(long ms)
{
	return (struct timespec){ ms / 1000, (ms % 1000) * 1000000 };
}

static struct timespec abs_ts(clockid_t clk, long ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

static void test_errors(void)
{
	static unsigned int word __attribute__((aligned(8)));
	struct timespec ts = ms_ts(30), bad = { 0, 1000000000 }, neg = { -1, 0 };
	long long t0;
	char *ro = readonly_page();

	word = 1;
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), EAGAIN,
		  "WAIT: the value differs: EAGAIN");
	CHECK_ERR(futex(&word, FUTEX_WAIT, 2, NULL, NULL, 0), EAGAIN,
		  "WAIT (shared): the value differs: EAGAIN");
	t0 = now_ns(CLOCK_MONOTONIC);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &ts, NULL, 0), ETIMEDOUT,
		  "WAIT with a 30 ms relative timeout: ETIMEDOUT");
	CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 30000000LL, "and at least 30 ms passed");
	ts = abs_ts(CLOCK_MONOTONIC, 30);
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &ts, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT, "WAIT_BITSET with an absolute monotonic deadline: ETIMEDOUT");
	ts = abs_ts(CLOCK_REALTIME, 30);
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &ts, NULL,
			FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT, "WAIT_BITSET|CLOCK_REALTIME with an absolute deadline: ETIMEDOUT");
	ts = (struct timespec){ 1, 0 };         /* long past on the monotonic clock */
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &ts, NULL, FUTEX_BITSET_MATCH_ANY),
		  ETIMEDOUT, "WAIT_BITSET with a deadline in the past: ETIMEDOUT at once");
	ts = ms_ts(30);
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &ts, NULL, 0),
		  ENOSYS, "WAIT|CLOCK_REALTIME: ENOSYS");

	CHECK_ERR(futex((char *)&word + 1, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EINVAL,
		  "WAIT on a misaligned word: EINVAL");
	CHECK_ERR(futex((char *)&word + 2, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EINVAL,
		  "WAKE on a misaligned word: EINVAL");
	CHECK_ERR(futex(&word, 99, 1, NULL, NULL, 0), ENOSYS, "an unknown op: ENOSYS");
	CHECK_ERR(futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL,
		  "WAIT_BITSET with bitset 0: EINVAL");
	CHECK_ERR(futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), EINVAL,
		  "WAKE_BITSET with bitset 0: EINVAL");
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad, NULL, 0), EINVAL,
		  "WAIT with tv_nsec = 1e9: EINVAL");
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, &neg, NULL, 0), EINVAL,
		  "WAIT with a negative tv_sec: EINVAL");
	CHECK_ERR(futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, (unsigned)-1, (void *)1, &word, 1),
		  EINVAL, "CMP_REQUEUE with a negative wake count: EINVAL");

	CHECK_ERR(futex(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT, "WAIT on NULL: EFAULT");
	CHECK_ERR(futex(unmapped_page(), FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT,
		  "WAIT on an unmapped page: EFAULT");
	CHECK_ERR(futex(KERNEL_ADDR, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT,
		  "WAIT on a kernel address: EFAULT");
	CHECK_ERR(futex(&word, FUTEX_WAIT_PRIVATE, 1, unmapped_page(), NULL, 0), EFAULT,
		  "WAIT with an unmapped timeout pointer: EFAULT");
	CHECK_ERR(futex(unmapped_page(), FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT,
		  "shared WAKE on an unmapped page: EFAULT");
	CHECK_EQ(futex(unmapped_page(), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0,
		 "private WAKE on an unmapped page: 0 (no memory is read)");
	CHECK_ERR(futex(KERNEL_ADDR, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), EFAULT,
		  "private WAKE on a kernel address: EFAULT");
	if (ro)
		CHECK_ERR(futex(ro, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), EAGAIN,
			  "WAIT on a read-only page only reads it: EAGAIN (its value is 0)");
	CHECK_EQ(futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0,
		 "WAKE with nobody waiting: 0");
}

/* ---- waiters in threads ---------------------------------------------------- */

static unsigned int fword, fword2;
static volatile int arrived;

struct waiter {
	pthread_t t;
	int op;
	unsigned int bitset;
	long ret;
	int err;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;

	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	w->ret = futex(&fword, w->op, 0, NULL, NULL, w->bitset);
	w->err = errno;
	return NULL;
}

/* How many wait on @word right now: a CMP_REQUEUE of them all onto the
 * word itself, which moves nobody and returns the count. */
static long count_waiters(unsigned int *word)
{
	return futex(word, FUTEX_CMP_REQUEUE_PRIVATE, 0, (void *)(long)INT_MAX, word, *word);
}

/* Wait (at most 10 s) until @n tasks sleep on @word; returns the count. */
static long wait_for_waiters(unsigned int *word, long n)
{
	long long end = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
	long c;

	while ((c = count_waiters(word)) != n && now_ns(CLOCK_MONOTONIC) < end)
		sleep_ms(1);
	return c;
}

static void start_waiters(struct waiter *w, int n, int op, unsigned int bitset)
{
	arrived = 0;
	for (int i = 0; i < n; i++) {
		w[i].op = op;
		w[i].bitset = bitset;
		w[i].ret = -2;
		pthread_create(&w[i].t, NULL, waiter_thread, &w[i]);
	}
	while (arrived < n)
		sched_yield();
	wait_for_waiters(&fword, n);    /* from "arrived" into the kernel's queue */
}

static void test_wake_requeue(void)
{
	struct waiter w[3];
	long r;

	fword = 0;
	start_waiters(w, 3, FUTEX_WAIT_PRIVATE, 0);
	CHECK_EQ(count_waiters(&fword), 3, "CMP_REQUEUE of a word onto itself counts its 3 waiters");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1, "WAKE 1 of 3 waiters: 1");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 2,
		 "WAKE the rest: 2");
	for (int i = 0; i < 3; i++)
		pthread_join(w[i].t, NULL);
	CHECK(w[0].ret == 0 && w[1].ret == 0 && w[2].ret == 0, "each woken waiter returns 0");

	start_waiters(w, 1, FUTEX_WAIT_BITSET_PRIVATE, 0x1);
	CHECK_EQ(futex(&fword, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x2), 0,
		 "WAKE_BITSET 0x2 does not wake a waiter on 0x1");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0x3), 1,
		 "WAKE_BITSET 0x3 does");
	pthread_join(w[0].t, NULL);

	start_waiters(w, 3, FUTEX_WAIT_PRIVATE, 0);
	CHECK_ERR(futex(&fword, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)10, &fword2, 5), EAGAIN,
		  "CMP_REQUEUE with a stale value: EAGAIN");
	r = futex(&fword, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)10, &fword2, 0);
	CHECK_EQ(r, 3, "CMP_REQUEUE: 1 woken + 2 requeued");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 0,
		 "nobody is left on the first word");
	CHECK_EQ(futex(&fword2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 2,
		 "the requeued two are woken through the second word");
	for (int i = 0; i < 3; i++)
		pthread_join(w[i].t, NULL);

	start_waiters(w, 2, FUTEX_WAIT_PRIVATE, 0);
	CHECK_EQ(futex(&fword, FUTEX_REQUEUE_PRIVATE, 0, (void *)1, &fword2, 0), 1,
		 "REQUEUE 0 woken, 1 moved");
	CHECK_EQ(futex(&fword2, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1,
		 "the moved one wakes on the second word");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1,
		 "the other still waits on the first");
	for (int i = 0; i < 2; i++)
		pthread_join(w[i].t, NULL);
}

/* ---- signals ---------------------------------------------------------------- */

static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void *timed_waiter(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = ms_ts(5000);

	__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
	w->ret = futex(&fword, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	w->err = errno;
	return NULL;
}

static void test_signals(void)
{
	struct sigaction sa;
	struct waiter w;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	fword = 0;
	start_waiters(&w, 1, FUTEX_WAIT_PRIVATE, 0);
	pthread_kill(w.t, SIGUSR1);
	pthread_join(w.t, NULL);
	CHECK(w.ret == -1 && w.err == EINTR && handled == 1,
	      "a handler without SA_RESTART interrupts WAIT: EINTR (ret %ld errno %d)", w.ret,
	      w.err);

	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	start_waiters(&w, 1, FUTEX_WAIT_PRIVATE, 0);
	handled = 0;
	pthread_kill(w.t, SIGUSR1);
	while (!handled)
		sched_yield();
	wait_for_waiters(&fword, 1);    /* back in the queue after the handler */
	CHECK_EQ(w.ret, -2, "under SA_RESTART an untimed WAIT goes on waiting");
	CHECK_EQ(futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1, "and a WAKE finds it");
	pthread_join(w.t, NULL);
	CHECK_EQ(w.ret, 0, "which then returns 0");

	arrived = 0;
	w.ret = -2;
	pthread_create(&w.t, NULL, timed_waiter, &w);
	while (!arrived)
		sched_yield();
	wait_for_waiters(&fword, 1);
	pthread_kill(w.t, SIGUSR1);
	pthread_join(w.t, NULL);
	CHECK(w.ret == -1 && w.err == EINTR,
	      "a timed WAIT interrupted by a handler: EINTR even under SA_RESTART");
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
}

/* ---- shared futexes between processes ---------------------------------------- */

/* The child waits on its own mapping of the object; the parent wakes
 * through another. Returns the child's wait status. */
static int shared_wait_child(unsigned int *child_word, unsigned int *parent_word, int wait_op,
			     long *woken)
{
	/* A waiter the wake should find gets a long time to be found; one
	 * it must not find times out soon. */
	bool expect = !(wait_op & FUTEX_PRIVATE_FLAG);
	struct timespec ts = ms_ts(expect ? 10000 : 500);
	long long end;
	pid_t pid;

	*parent_word = 0;
	pid = fork();
	if (pid == 0) {
		long r = futex(child_word, wait_op, 0, &ts, NULL, 0);

		if (r == 0 && *child_word == 1)
			_exit(0);
		_exit(r == -1 && errno == ETIMEDOUT ? 2 : 3);
	}
	*woken = 0;
	end = now_ns(CLOCK_MONOTONIC) + (expect ? 8000000000LL : 300000000LL);
	while (*woken == 0 && now_ns(CLOCK_MONOTONIC) < end) {
		sleep_ms(5);
		/* Only a waiter that should be found sees the word change: one
		 * that should not must find it 0 whenever it starts waiting
		 * (late, on a loaded host), or it fails with EAGAIN instead of
		 * timing out. */
		if (expect)
			*parent_word = 1;
		*woken = futex(parent_word, FUTEX_WAKE, 1, NULL, NULL, 0);
		if (*woken == 0 && expect)
			*parent_word = 0;
	}
	return wait_child(pid);
}

static void test_shared(void)
{
	char path[] = "futex_test.shared";
	unsigned int *pmap, *cmap;
	long woken;
	int fd, st;

	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "create %s", path);
	REQUIRE(ftruncate(fd, 2 * PAGE_SIZE) == 0, "ftruncate");
	/* The parent maps the whole file; the child maps only its second
	 * page, at another address: the word is at file offset 4096 + 64. */
	pmap = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	cmap = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE_SIZE);
	REQUIRE(pmap != MAP_FAILED && cmap != MAP_FAILED, "mmap the file twice");
	st = shared_wait_child(cmap + 16, pmap + PAGE_SIZE / 4 + 16, FUTEX_WAIT, &woken);
	CHECK(woken == 1, "a FUTEX_WAKE through one MAP_SHARED mapping of a file finds a "
	      "waiter in another process's mapping of it (woken %ld)", woken);
	CHECK_EXIT(st, 0, "the waiting process returns 0 and sees the new value");

	st = shared_wait_child(cmap + 32, pmap + PAGE_SIZE / 4 + 32, FUTEX_WAIT_PRIVATE, &woken);
	CHECK_EQ(woken, 0, "a private waiter in another process is not found by a shared wake");
	CHECK_EXIT(st, 2, "it times out instead");

	munmap(pmap, 2 * PAGE_SIZE);
	munmap(cmap, PAGE_SIZE);
	close(fd);
	unlink(path);

	pmap = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(pmap != MAP_FAILED, "mmap shared anonymous");
	st = shared_wait_child(pmap + 8, pmap + 8, FUTEX_WAIT, &woken);
	CHECK(woken == 1, "shared anonymous memory: parent's WAKE finds the child's WAIT");
	CHECK_EXIT(st, 0, "and the child returns 0");
	munmap(pmap, PAGE_SIZE);
}

/* ---- robust list syscalls --------------------------------------------------------- */

static void test_robust_syscalls(void)
{
	void *head = NULL;
	size_t len = 0;
	struct { void *next; long off; void *pending; } mine = { &mine, 0, NULL };

	void *old = NULL;

	CHECK_ERR(syscall(SYS_set_robust_list, &mine, 12), EINVAL, "set_robust_list: bad length");
	CHECK_OK(syscall(SYS_get_robust_list, 0, &old, &len), "get_robust_list(0)");
	CHECK_OK(syscall(SYS_set_robust_list, &mine, sizeof(mine)), "set_robust_list");
	CHECK_OK(syscall(SYS_get_robust_list, 0, &head, &len), "get_robust_list(0) again");
	CHECK(head == (void *)&mine && len == 24, "it returns the head just set, length 24");
	syscall(SYS_set_robust_list, old, sizeof(mine));
	CHECK_ERR(syscall(SYS_get_robust_list, 999999, &head, &len), ESRCH,
		  "get_robust_list: no such thread");
	CHECK_ERR(syscall(SYS_get_robust_list, 0, unmapped_page(), &len), EFAULT,
		  "get_robust_list: bad head pointer");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	test_errors();
	test_wake_requeue();
	test_signals();
	test_shared();
	test_robust_syscalls();
	return tap_done();
}
