/*
 * pthread_test - POSIX threads as musl creates them (clone with
 * CLONE_THREAD and friends, futexes underneath).
 *
 * Thread identity (getpid is the process's, gettid each thread's own),
 * TLS (__thread), join with a value, pthread_exit, detach, mutexes under
 * contention, a condition variable, barriers, semaphores, pthread_kill
 * (the handler runs in the target thread), a process-directed kill while
 * the main thread blocks the signal (another thread takes it), munmap and
 * mprotect by one thread seen at once by another (SIGSEGV caught there),
 * fork from a threaded process (the child has one thread and works),
 * exit_group from a thread, execve from a thread (the process keeps its
 * pid, the other threads are gone), a fatal signal killing every thread,
 * and robust mutexes whose owner died (EOWNERDEAD), within a process and
 * across two processes over shared memory.
 */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* ---- identity, TLS, join, pthread_exit, detach ---------------------------- */

static __thread int tls_value = 7;
static __thread char tls_buf[64];

struct ident {
	pid_t pid, tid;
	int tls_before, tls_after;
	void *tls_addr;
};

static void *ident_thread(void *arg)
{
	struct ident *id = arg;

	id->pid = getpid();
	id->tid = gettid_();
	id->tls_before = tls_value;             /* the initial image, not main's 99 */
	tls_value = 1234;
	snprintf(tls_buf, sizeof(tls_buf), "thread %d", (int)id->tid);
	id->tls_after = tls_value;
	id->tls_addr = &tls_value;
	return (void *)(intptr_t)(id->tid + 1);
}

static void *exit_thread(void *arg)
{
	(void)arg;
	pthread_exit((void *)(intptr_t)4242);
	return NULL;
}

static sem_t detached_done;

static void *detached_thread(void *arg)
{
	*(volatile int *)arg = 5;
	sem_post(&detached_done);
	return NULL;
}

/* <sched.h> has them only under _GNU_SOURCE: Linux's values. */
#define CLONE_VM        0x00000100
#define CLONE_FS        0x00000200
#define CLONE_SIGHAND   0x00000800
#define CLONE_THREAD    0x00010000
#define CLONE_NEWNS     0x00020000

/* Linux's consistency rules for clone flags: nothing is created. */
static void test_clone_flags(void)
{
	CHECK_ERR(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, 0, NULL, NULL, 0), EINVAL,
		  "clone: CLONE_THREAD without CLONE_SIGHAND");
	CHECK_ERR(syscall(SYS_clone, CLONE_SIGHAND, 0, NULL, NULL, 0), EINVAL,
		  "clone: CLONE_SIGHAND without CLONE_VM");
	CHECK_ERR(syscall(SYS_clone, CLONE_FS | CLONE_NEWNS, 0, NULL, NULL, 0), EINVAL,
		  "clone: CLONE_FS with CLONE_NEWNS");
}

static void test_identity_tls_join(void)
{
	struct ident id = { 0 };
	pthread_t t;
	void *ret = NULL;
	volatile int flag = 0;

	tls_value = 99;
	REQUIRE(pthread_create(&t, NULL, ident_thread, &id) == 0, "pthread_create");
	CHECK_EQ(pthread_join(t, &ret), 0, "pthread_join");
	CHECK_EQ(id.pid, getpid(), "getpid in a thread is the process id");
	CHECK(id.tid != getpid() && id.tid > 0, "gettid in a thread is its own");
	CHECK_EQ(gettid_(), getpid(), "the main thread's tid is the pid");
	CHECK_EQ((intptr_t)ret, id.tid + 1, "join returns the thread's value");
	CHECK_EQ(id.tls_before, 7, "__thread starts from the TLS image in a new thread");
	CHECK_EQ(id.tls_after, 1234, "__thread written in the thread");
	CHECK_EQ(tls_value, 99, "main's __thread untouched by the thread");
	CHECK(id.tls_addr != (void *)&tls_value, "each thread has its own TLS block");

	REQUIRE(pthread_create(&t, NULL, exit_thread, NULL) == 0, "pthread_create");
	CHECK_EQ(pthread_join(t, &ret), 0, "join a thread that called pthread_exit");
	CHECK_EQ((intptr_t)ret, 4242, "pthread_exit's value reaches join");

	sem_init(&detached_done, 0, 0);
	REQUIRE(pthread_create(&t, NULL, detached_thread, (void *)&flag) == 0, "pthread_create");
	CHECK_EQ(pthread_detach(t), 0, "pthread_detach");
	CHECK_EQ(sem_wait(&detached_done), 0, "a detached thread runs");
	CHECK_EQ(flag, 5, "the detached thread's store is seen");
}

/* ---- each thread its own FPU/SSE registers --------------------------------- */

static double harmonic(int n, int yield_every)
{
	volatile double sum = 0;

	for (int i = 1; i <= n; i++) {
		sum += 1.0 / i;
		if (i % yield_every == 0)
			sched_yield();          /* switch with live SSE state */
	}
	return sum;
}

static void *fpu_thread(void *arg)
{
	*(double *)arg = harmonic(20000, 7 + (int)(*(double *)arg));
	return NULL;
}

static void test_fpu(void)
{
	double want = harmonic(20000, 1 << 30), got[3] = { 0, 1, 2 };
	pthread_t t[3];

	for (int i = 0; i < 3; i++)
		REQUIRE(pthread_create(&t[i], NULL, fpu_thread, &got[i]) == 0, "create");
	(void)harmonic(20000, 11);              /* main computes alongside */
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(got[0] == want && got[1] == want && got[2] == want,
	      "floating point in 3 threads switching among each other: exact results");
}

/* ---- getrusage: the thread's own, or the whole process's ------------------- */

struct faulter {
	long thread_delta;
};

static long minflt_of(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_minflt;
}

static void *fault_pages(void *arg)
{
	struct faulter *f = arg;
	long before = minflt_of(RUSAGE_THREAD);
	char *p = map_pages(64);

	for (int i = 0; p && i < 64; i++)
		p[i * PAGE_SIZE] = 1;
	f->thread_delta = minflt_of(RUSAGE_THREAD) - before;
	munmap(p, 64 * PAGE_SIZE);
	return NULL;
}

static void test_rusage(void)
{
	long self0 = minflt_of(RUSAGE_SELF), thr0 = minflt_of(RUSAGE_THREAD);
	struct faulter f = { 0 };
	pthread_t t;

	REQUIRE(pthread_create(&t, NULL, fault_pages, &f) == 0, "create");
	pthread_join(t, NULL);
	CHECK(f.thread_delta >= 64, "RUSAGE_THREAD in the thread counts its 64 faults");
	CHECK(minflt_of(RUSAGE_THREAD) - thr0 < 64, "RUSAGE_THREAD in main does not");
	CHECK(minflt_of(RUSAGE_SELF) - self0 >= 64,
	      "RUSAGE_SELF counts the (exited) thread's faults");
}

/* ---- mutex, condvar, barrier, semaphores ----------------------------------- */

#define NTHREADS 4
#define NLOOPS 20000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < NLOOPS; i++) {
		pthread_mutex_lock(&counter_lock);
		long c = counter;

		if (i % 1000 == 0)
			sched_yield();          /* hold the lock across a switch */
		counter = c + 1;
		pthread_mutex_unlock(&counter_lock);
	}
	return NULL;
}

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_nonempty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t q_nonfull = PTHREAD_COND_INITIALIZER;
static int queue[8], q_head, q_len;
static long consumed_sum;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 2000; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 8)
			pthread_cond_wait(&q_nonfull, &q_lock);
		queue[(q_head + q_len++) % 8] = i;
		pthread_cond_signal(&q_nonempty);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;

	(void)arg;
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_len == 0)
			pthread_cond_wait(&q_nonempty, &q_lock);
		sum += queue[q_head];
		q_head = (q_head + 1) % 8;
		q_len--;
		pthread_cond_broadcast(&q_nonfull);
		pthread_mutex_unlock(&q_lock);
	}
	pthread_mutex_lock(&q_lock);
	consumed_sum += sum;
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

static pthread_barrier_t barrier;
static volatile int phase_seen[NTHREADS];
static volatile int phase;
static volatile int barrier_bad;

static void *barrier_thread(void *arg)
{
	int me = (int)(intptr_t)arg;

	for (int round = 0; round < 20; round++) {
		phase_seen[me] = round;
		pthread_barrier_wait(&barrier);
		/* Everyone has reached this round before anyone goes on. */
		for (int i = 0; i < NTHREADS; i++)
			if (phase_seen[i] < round)
				barrier_bad = 1;
		pthread_barrier_wait(&barrier);
	}
	return NULL;
}

static sem_t sem_items;
static volatile int sem_got;

static void *sem_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 50; i++) {
		sem_wait(&sem_items);
		__atomic_add_fetch(&sem_got, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void test_sync(void)
{
	pthread_t t[NTHREADS];
	struct timespec ts;

	counter = 0;
	for (int i = 0; i < NTHREADS; i++)
		REQUIRE(pthread_create(&t[i], NULL, count_thread, NULL) == 0, "create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(counter, (long)NTHREADS * NLOOPS, "mutex: no increment lost among %d threads",
		 NTHREADS);

	REQUIRE(pthread_create(&t[0], NULL, producer, NULL) == 0, "create");
	REQUIRE(pthread_create(&t[1], NULL, consumer, NULL) == 0, "create");
	REQUIRE(pthread_create(&t[2], NULL, consumer, NULL) == 0, "create");
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(consumed_sum, 2000L * 2001 / 2, "condvar: a bounded queue passes every item once");

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		REQUIRE(pthread_create(&t[i], NULL, barrier_thread, (void *)(intptr_t)i) == 0,
			"create");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(!barrier_bad, "barrier: nobody passes before everyone arrives (20 rounds)");
	pthread_barrier_destroy(&barrier);

	sem_init(&sem_items, 0, 0);
	REQUIRE(pthread_create(&t[0], NULL, sem_thread, NULL) == 0, "create");
	REQUIRE(pthread_create(&t[1], NULL, sem_thread, NULL) == 0, "create");
	for (int i = 0; i < 100; i++)
		sem_post(&sem_items);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	CHECK_EQ(sem_got, 100, "semaphore: 100 posts, 100 waits served");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 30 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK_ERR(sem_timedwait(&sem_items, &ts), ETIMEDOUT, "sem_timedwait times out");
}

/* ---- signals and threads ---------------------------------------------------- */

static volatile pid_t handler_tid;
static volatile int handler_hits;

static void record_tid(int sig)
{
	(void)sig;
	handler_tid = gettid_();
	handler_hits++;
}

/* Until the handler ran (at most 10 s: then the check says so). */
static void wait_hits(void)
{
	long long end = now_ns(CLOCK_MONOTONIC) + 10000000000LL;

	while (!handler_hits && now_ns(CLOCK_MONOTONIC) < end)
		sched_yield();
}

static volatile int stop_spinner;
static volatile pid_t spinner_tid;

/* Sleeps in pause(): a signal must wake it, not just be noticed on its
 * next return from the kernel. */
static void *spinner(void *arg)
{
	(void)arg;
	spinner_tid = gettid_();
	while (!stop_spinner)
		pause();
	return NULL;
}

static void test_signals(void)
{
	struct sigaction sa;
	sigset_t set, old;
	pthread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = record_tid;
	sigaction(SIGUSR1, &sa, NULL);

	stop_spinner = 0;
	REQUIRE(pthread_create(&t, NULL, spinner, NULL) == 0, "create");
	while (!spinner_tid)
		sched_yield();
	handler_hits = 0;
	CHECK_EQ(pthread_kill(t, SIGUSR1), 0, "pthread_kill");
	wait_hits();
	CHECK_EQ(handler_tid, spinner_tid, "pthread_kill: the handler runs in the target thread");

	/* A process-directed signal, blocked by the main thread: the other
	 * thread must take it. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	handler_hits = 0;
	handler_tid = 0;
	sleep_ms(20);                   /* the other thread back asleep in pause() */
	CHECK_OK(kill(getpid(), SIGUSR1), "kill(getpid(), SIGUSR1) with main blocking it");
	wait_hits();
	CHECK_EQ(handler_tid, spinner_tid, "kill: a thread not blocking the signal takes it");
	sigpending(&set);
	CHECK(!sigismember(&set, SIGUSR1), "and it is no longer pending for the process");
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	{
		char path[64];
		struct stat st;
		int n = 0, seen_main = 0, seen_spinner = 0;
		DIR *d = opendir("/proc/self/task");
		struct dirent *e;

		CHECK(d != NULL, "opendir /proc/self/task");
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			n++;
			seen_main |= atoi(e->d_name) == getpid();
			seen_spinner |= atoi(e->d_name) == spinner_tid;
		}
		if (d)
			closedir(d);
		CHECK(n == 2 && seen_main && seen_spinner,
		      "/proc/self/task lists the two threads by tid");
		snprintf(path, sizeof(path), "/proc/self/task/%d", (int)spinner_tid);
		CHECK_OK(stat(path, &st), "/proc/self/task/TID exists");
		snprintf(path, sizeof(path), "/proc/self/task/%d/maps", (int)spinner_tid);
		CHECK_OK(access(path, R_OK), "and has the thread's maps");
	}
	stop_spinner = 1;
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	spinner_tid = 0;

	CHECK_ERR(syscall(SYS_tgkill, getpid(), 999999, 0), ESRCH, "tgkill: no such thread");
	CHECK_ERR(syscall(SYS_tgkill, getpid() + 1000000, gettid_(), 0), ESRCH,
		  "tgkill: the thread is not in that group");
	CHECK_ERR(syscall(SYS_tgkill, 0, gettid_(), 0), EINVAL, "tgkill: tgid 0");
	CHECK_ERR(syscall(SYS_tkill, -1, 0), EINVAL, "tkill: tid -1");
	CHECK_ERR(syscall(SYS_tgkill, getpid(), gettid_(), 99), EINVAL, "tgkill: bad signal");
	sa.sa_handler = SIG_DFL;
	sigaction(SIGUSR1, &sa, NULL);
}

/* ---- one thread changes the address space, another sees it ----------------- */

static __thread sigjmp_buf fault_jmp;
static __thread volatile int fault_armed;
static volatile int fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

struct toucher {
	volatile char *p;
	int write;
	volatile int ready, go;
	volatile int faulted;
	volatile long touches;
};

/* Touch the page until it faults (the other thread changed the mapping). */
static void *toucher_thread(void *arg)
{
	struct toucher *tc = arg;

	fault_armed = 1;
	if (sigsetjmp(fault_jmp, 1)) {
		tc->faulted = 1;
		return NULL;
	}
	tc->ready = 1;
	/* Bounded: after the change, a few hundred thousand more touches
	 * that do not fault mean the change was not seen. */
	for (long after = 0; after < 300000; ) {
		if (tc->write)
			tc->p[0]++;
		else
			(void)tc->p[100];
		tc->touches++;
		if (tc->go)
			after++;
	}
	return NULL;
}

static void run_toucher(int write, int use_mprotect)
{
	struct toucher tc = { .write = write };
	pthread_t t;
	char *p = map_pages(1);

	REQUIRE(p != NULL, "mmap");
	p[0] = 1;
	tc.p = p;
	fault_sig = 0;
	REQUIRE(pthread_create(&t, NULL, toucher_thread, &tc) == 0, "create");
	while (!tc.ready)
		sched_yield();
	if (use_mprotect)
		CHECK_OK(mprotect(p, PAGE_SIZE, PROT_READ), "mprotect(PROT_READ) in the main thread");
	else
		CHECK_OK(munmap(p, PAGE_SIZE), "munmap in the main thread");
	tc.go = 1;
	pthread_join(t, NULL);
	CHECK(tc.faulted && fault_sig == SIGSEGV,
	      "%s by one thread: the other thread's next %s gets SIGSEGV",
	      use_mprotect ? "mprotect" : "munmap", write ? "store" : "load");
	if (use_mprotect)
		munmap(p, PAGE_SIZE);
}

static void test_address_space(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	run_toucher(0, 0);
	run_toucher(1, 1);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- whole-process operations from a thread (each in a child process) ------- */

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void *fork_from_thread(void *arg)
{
	pid_t pid = fork();

	(void)arg;
	if (pid == 0) {
		pthread_t t;
		struct ident id = { 0 };

		/* The child: one thread (the forking one), which works. */
		if (getpid() != gettid_())
			_exit(10);
		if (pthread_create(&t, NULL, ident_thread, &id) || pthread_join(t, NULL))
			_exit(11);
		if (id.pid != getpid())
			_exit(12);
		_exit(0);
	}
	return (void *)(intptr_t)pid;
}

static int child_fork_in_threads(void *arg)
{
	pthread_t t, s;
	void *ret;
	int status;

	(void)arg;
	if (pthread_create(&s, NULL, sleeper, NULL))
		return 20;
	if (pthread_create(&t, NULL, fork_from_thread, NULL) || pthread_join(t, &ret))
		return 21;
	if ((pid_t)(intptr_t)ret <= 0 || waitpid((pid_t)(intptr_t)ret, &status, 0) < 0)
		return 22;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 30 + WTERMSIG(status);
}

static void *exit_group_thread(void *arg)
{
	(void)arg;
	sleep_ms(20);
	exit(7);                        /* exit_group: the main thread goes too */
}

static int child_exit_group(void *arg)
{
	pthread_t t, s;

	(void)arg;
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, exit_group_thread, NULL);
	for (;;)
		pause();
	return 50;
}

static void *main_exits_worker(void *arg)
{
	(void)arg;
	sleep_ms(30);
	_exit(9);                       /* the last thread ends the process */
}

static int child_main_thread_exits(void *arg)
{
	pthread_t t;

	(void)arg;
	pthread_create(&t, NULL, main_exits_worker, NULL);
	pthread_exit(NULL);             /* the leader goes first; the process lives on */
	return 50;
}

static void *pgrp_worker(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* The main thread leaves; the process, still alive in its worker, must
 * still be found by a process-group kill (its leader is a zombie). */
static int child_leader_gone(void *arg)
{
	pthread_t t;

	(void)arg;
	setpgid(0, 0);
	pthread_create(&t, NULL, pgrp_worker, NULL);
	pthread_exit(NULL);
	return 50;
}

static char self[256];

static void *exec_thread(void *arg)
{
	char pidbuf[32];
	char *argv[] = { self, "--exec-child", pidbuf, NULL };

	(void)arg;
	snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
	execv(self, argv);
	_exit(60);
}

static int child_exec_from_thread(void *arg)
{
	pthread_t t, s;

	(void)arg;
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, exec_thread, NULL);
	for (;;)
		pause();
	return 50;
}

/* After execve from a thread: the same pid, one thread, tid == pid. */
static int exec_child_main(const char *want_pid)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (getpid() != atoi(want_pid))
		return 61;
	if (gettid_() != getpid())
		return 62;
	d = opendir("/proc/self/task");
	if (d) {
		while ((e = readdir(d)))
			if (e->d_name[0] != '.')
				n++;
		closedir(d);
		if (n != 1)
			return 63;
	}
	return 42;
}

static void *raise_thread(void *arg)
{
	(void)arg;
	sleep_ms(20);
	raise(SIGTERM);                 /* default action: the whole process dies */
	sleep_ms(5000);
	return NULL;
}

static int child_fatal_signal(void *arg)
{
	pthread_t t, s;

	(void)arg;
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_create(&t, NULL, raise_thread, NULL);
	for (;;)
		pause();
	return 50;
}

static void test_process_ops(void)
{
	int st;

	st = run_in_child(child_fork_in_threads, NULL);
	CHECK_EXIT(st, 0, "fork from a thread: the child has one thread, which works");
	st = run_in_child(child_exit_group, NULL);
	CHECK_EXIT(st, 7, "exit() in a thread ends every thread (exit_group)");
	st = run_in_child(child_main_thread_exits, NULL);
	CHECK_EXIT(st, 9, "main thread's pthread_exit: the process ends with the last thread");
	{
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_leader_gone(NULL));
		sleep_ms(100);          /* the main thread has gone by now */
		if (!CHECK_OK(kill(-pid, SIGTERM),
			      "kill(-pgrp) of a process whose main thread exited"))
			kill(pid, SIGKILL);     /* do not leave it behind */
		st = wait_child(pid);
		CHECK_SIGNALED(st, SIGTERM, "it reaches the remaining thread and ends the process");
	}
	st = run_in_child(child_exec_from_thread, NULL);
	CHECK_EXIT(st, 42, "execve from a thread: same pid, the others gone");
	st = run_in_child(child_fatal_signal, NULL);
	CHECK_SIGNALED(st, SIGTERM, "a fatal signal to one thread kills every thread");
}

/* ---- robust mutexes -------------------------------------------------------- */

static void *lock_and_die(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;                    /* exits holding it */
}

/* Lock with a deadline: a robust mutex whose owner's death was not
 * handled would block for ever; this fails with ETIMEDOUT instead. */
static int lock_10s(pthread_mutex_t *m)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	return pthread_mutex_timedlock(m, &ts);
}

static void test_robust(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t *m;
	pthread_t t;
	pid_t pid;
	int st;

	/* In shared memory, so that the second half can use it from a child. */
	m = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(m != MAP_FAILED, "mmap shared");
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &a);

	REQUIRE(pthread_create(&t, NULL, lock_and_die, m) == 0, "create");
	pthread_join(t, NULL);
	CHECK_EQ(lock_10s(m), EOWNERDEAD, "robust mutex: the owner thread died");
	CHECK_EQ(pthread_mutex_consistent(m), 0, "pthread_mutex_consistent");
	CHECK_EQ(pthread_mutex_unlock(m), 0, "unlock the recovered mutex");
	CHECK_EQ(lock_10s(m), 0, "then it locks normally");
	pthread_mutex_unlock(m);

	pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		_exit(0);                       /* a process dies holding it */
	}
	st = wait_child(pid);
	CHECK_EXIT(st, 0, "child locked the shared robust mutex");
	CHECK_EQ(lock_10s(m), EOWNERDEAD, "robust mutex: the owner process died");
	pthread_mutex_consistent(m);
	pthread_mutex_unlock(m);
	munmap(m, PAGE_SIZE);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--exec-child") == 0)
		return exec_child_main(argv[2]);
	setvbuf(stdout, NULL, _IONBF, 0);
	REQUIRE(self_path(argv[0], self, sizeof(self)) != NULL, "own path");
	test_clone_flags();
	test_identity_tls_join();
	test_rusage();
	test_fpu();
	test_sync();
	test_signals();
	test_address_space();
	test_process_ops();
	test_robust();
	return tap_done();
}
