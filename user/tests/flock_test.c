/*
 * flock_test - file locks through raw system calls: POSIX record locks
 * (F_SETLK conflicts between processes by range and type, F_GETLK names
 * the holder, split and merge of an owner's own ranges, every lock of a
 * process dropped by any close() of the file, none inherited by fork,
 * F_SETLKW waits for the unlock, EDEADLK for a cycle), OFD locks (owned
 * by the open file, shared by dup, conflicting with another open of the
 * same file in the same process), flock (shared and exclusive,
 * LOCK_NB's EWOULDBLOCK, released at the last close, independent of
 * record locks), and Linux's errors. Linux is the oracle.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

#ifndef F_OFD_GETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#define F_OFD_SETLKW 38
#endif

static int lk(int fd, int cmd, short type, long start, long len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };

	return (int)syscall(SYS_fcntl, fd, cmd, &fl);
}

/* F_GETLK: the type that blocks [start, start+len) for us, and its pid. */
static int getlk(int fd, int cmd, short type, long start, long len, struct flock *out)
{
	*out = (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
	return (int)syscall(SYS_fcntl, fd, cmd, out);
}

/* Run @fn in a child and return its exit code. */
static int in_child(int (*fn)(int), int fd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(fd));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

/* The child's view: what F_SETLK gives for each probe, as bits. */
static int probe_ranges(int fd)
{
	int r = 0;

	if (lk(fd, F_SETLK, F_RDLCK, 0, 10) == 0)
		r |= 1;                         /* read lock on [0,10) */
	if (lk(fd, F_SETLK, F_WRLCK, 20, 10) == 0)
		r |= 2;                         /* write lock on [20,30) */
	else if (errno == EAGAIN || errno == EACCES)
		r |= 4;
	if (lk(fd, F_SETLK, F_WRLCK, 100, 10) == 0)
		r |= 8;                         /* past the locks */
	return r;
}

static int child_getlk(int fd)
{
	struct flock fl;

	if (getlk(fd, F_GETLK, F_WRLCK, 15, 0, &fl) != 0)   /* past the read lock */
		return 90;
	if (fl.l_type != F_WRLCK || fl.l_start != 20 || fl.l_len != 10 || fl.l_pid != getppid())
		return 91;
	return 0;
}

static int child_wait_lock(int fd)
{
	long long start = now_ns(CLOCK_MONOTONIC);

	if (lk(fd, F_SETLKW, F_WRLCK, 0, 1) != 0)
		return 1;
	return (now_ns(CLOCK_MONOTONIC) - start) / 1000000 >= 150 ? 0 : 2;
}

static void test_posix(void)
{
	int fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600), fd2, status;
	struct flock fl;

	REQUIRE(fd >= 0, "create a file");
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 0, 10), 0, "read-lock [0,10)");
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 20, 10), 0, "write-lock [20,30)");
	CHECK_EQ(in_child(probe_ranges, fd), 1 | 4 | 8,
		 "another process: shares the read lock, conflicts with the write lock (EAGAIN), "
		 "locks past them");
	CHECK_EQ(in_child(child_getlk, fd), 0, "F_GETLK in another process names our write lock and pid");
	CHECK_EQ(getlk(fd, F_GETLK, F_WRLCK, 0, 0, &fl), 0, "F_GETLK by the owner");
	CHECK_EQ(fl.l_type, F_UNLCK, "its own locks never conflict: F_UNLCK");

	/* Split: unlock the middle of the write lock. */
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 24, 2), 0, "unlock [24,26) of [20,30)");
	CHECK_EQ(in_child(child_getlk, fd), 91, "the lock is now two pieces (not [20,30))");

	fd2 = open("f", O_RDWR);
	REQUIRE(fd2 >= 0, "open the file again");
	close(fd2);
	CHECK_EQ(in_child(probe_ranges, fd), 1 | 2 | 8,
		 "closing any descriptor of the file dropped every lock of the process");

	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0, "write-lock byte 0");
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_wait_lock(fd));
	sleep_ms(200);
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 1), 0, "unlock it");
	waitpid(pid, &status, 0);
	CHECK_EXIT(status, 0, "a child's F_SETLKW waited for the unlock");

	CHECK_ERR(lk(fd, F_SETLK, 7, 0, 1), EINVAL, "l_type 7: EINVAL");
	struct flock bad = { .l_type = F_RDLCK, .l_whence = 9 };
	CHECK_ERR(syscall(SYS_fcntl, fd, F_SETLK, &bad), EINVAL, "l_whence 9: EINVAL");
	CHECK_ERR(lk(fd, F_SETLK, F_RDLCK, -5, 1), EINVAL, "a negative start: EINVAL");
	CHECK_ERR(lk(fd, F_GETLK, F_UNLCK, 0, 1), EINVAL, "F_GETLK of F_UNLCK: EINVAL");
	CHECK_ERR(syscall(SYS_fcntl, fd, F_SETLK, (struct flock *)1), EFAULT, "a bad pointer: EFAULT");
	int ro = open("f", O_RDONLY);
	CHECK_ERR(lk(ro, F_SETLK, F_WRLCK, 0, 1), EBADF, "a write lock on a read-only fd: EBADF");
	close(ro);
	close(fd);
}

/* Deadlock: we hold byte 0 and wait for byte 1; the child holds byte 1
 * and waits for byte 0. One of the two must get EDEADLK. */
static void test_deadlock(void)
{
	int fd = open("f", O_RDWR), p[2], status;
	char c;

	REQUIRE(fd >= 0 && pipe(p) == 0, "open and a pipe");
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0, "lock byte 0");
	pid_t pid = fork();
	if (pid == 0) {
		if (lk(fd, F_SETLK, F_WRLCK, 1, 1) != 0)
			_exit(1);
		(void)!write(p[1], "x", 1);
		/* Blocks on byte 0 until the parent gives up its wait. */
		if (lk(fd, F_SETLKW, F_WRLCK, 0, 1) != 0)
			_exit(errno == EDEADLK ? 3 : 2);
		_exit(0);
	}
	REQUIRE(read(p[0], &c, 1) == 1, "the child holds byte 1");
	sleep_ms(100);                          /* let it block on byte 0 */
	CHECK_ERR(lk(fd, F_SETLKW, F_WRLCK, 1, 1), EDEADLK, "waiting for byte 1 would deadlock: EDEADLK");
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 1), 0, "let byte 0 go");
	waitpid(pid, &status, 0);
	CHECK_EXIT(status, 0, "the child got byte 0 then");
	close(fd);
	close(p[0]);
	close(p[1]);
}

static void test_ofd(void)
{
	int a = open("f", O_RDWR), b = open("f", O_RDWR), d;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };

	REQUIRE(a >= 0 && b >= 0, "open the file twice");
	CHECK_EQ(syscall(SYS_fcntl, a, F_OFD_SETLK, &fl), 0, "an OFD write lock through one open");
	CHECK_ERR(syscall(SYS_fcntl, b, F_OFD_SETLK, &fl), EAGAIN,
		  "another open in the same process conflicts: EAGAIN");
	CHECK_ERR(lk(b, F_SETLK, F_WRLCK, 0, 10), EAGAIN, "so does a POSIX lock of the process");
	struct flock g = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	CHECK_EQ(syscall(SYS_fcntl, b, F_OFD_GETLK, &g), 0, "F_OFD_GETLK");
	CHECK(g.l_type == F_WRLCK && g.l_pid == -1, "names the OFD lock, l_pid -1 (type %d pid %d)",
	      g.l_type, g.l_pid);
	d = dup(a);
	close(a);
	CHECK_ERR(syscall(SYS_fcntl, b, F_OFD_SETLK, &fl), EAGAIN, "a dup keeps the OFD lock");
	close(d);
	CHECK_EQ(syscall(SYS_fcntl, b, F_OFD_SETLK, &fl), 0, "the last close released it");
	fl.l_pid = 5;
	CHECK_ERR(syscall(SYS_fcntl, b, F_OFD_SETLK, &fl), EINVAL, "OFD with l_pid set: EINVAL");
	close(b);
}

static int child_flock_nb(int fd)
{
	int f = open("f", O_RDWR);

	if (flock(f, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return 2;
	if (flock(f, LOCK_SH | LOCK_NB) == 0)
		return 3;
	return errno == EWOULDBLOCK ? 1 : 4;
	(void)fd;
}

static void test_flock(void)
{
	int a = open("f", O_RDWR), b = open("f", O_RDWR);

	REQUIRE(a >= 0 && b >= 0, "open twice");
	CHECK_EQ(syscall(SYS_flock, a, LOCK_SH), 0, "LOCK_SH");
	CHECK_EQ(syscall(SYS_flock, b, LOCK_SH | LOCK_NB), 0, "a second shared lock");
	CHECK_ERR(syscall(SYS_flock, b, LOCK_EX | LOCK_NB), EWOULDBLOCK,
		  "exclusive while another holds shared: EWOULDBLOCK");
	CHECK_EQ(syscall(SYS_flock, a, LOCK_UN), 0, "LOCK_UN");
	CHECK_EQ(syscall(SYS_flock, b, LOCK_EX | LOCK_NB), 0, "now exclusive (a conversion)");
	CHECK_EQ(in_child(child_flock_nb, b), 1, "another open: not even shared (EWOULDBLOCK)");
	CHECK_EQ(lk(a, F_SETLK, F_WRLCK, 0, 0), 0, "a record lock is independent of flock");
	close(b);
	CHECK_EQ(in_child(child_flock_nb, a), 0, "the close released the flock");
	CHECK_ERR(syscall(SYS_flock, a, 0), EINVAL, "op 0: EINVAL");
	CHECK_ERR(syscall(SYS_flock, 999, LOCK_SH), EBADF, "a bad fd: EBADF");
	close(a);
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("flock", dir, sizeof(dir)) == 0, "scratch directory");
	test_posix();
	test_deadlock();
	test_ofd();
	test_flock();
	unlink("f");
	leave_scratch_dir(dir);
	return tap_done();
}
