/*
 * pipe_test - pipes: data in order, partial reads, EOF when every writer
 * is gone (dup'ed and forked copies count), EPIPE with SIGPIPE when every
 * reader is gone, O_NONBLOCK (EAGAIN both ways, F_GETFL), pipe2 flags,
 * blocking readers and writers woken by the other side, ESPIPE, EBADF on
 * the wrong end, fstat S_IFIFO.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "testutil.h"

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void test_data_and_eof(void)
{
	int p[2], d;
	char buf[64];

	REQUIRE(pipe(p) == 0, "pipe");
	CHECK(p[0] >= 0 && p[1] >= 0 && p[0] != p[1], "two distinct fds");
	CHECK_EQ(write(p[1], "hello", 5), 5, "write 5 bytes");
	CHECK_EQ(write(p[1], "world", 5), 5, "write 5 more");
	CHECK_EQ(read(p[0], buf, 3), 3, "read 3");
	CHECK(memcmp(buf, "hel", 3) == 0, "in order");
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 7, "a large read returns what "
		 "is there (7), without waiting for more");
	CHECK(memcmp(buf, "loworld", 7) == 0, "the rest, in order");
	CHECK_ERR(write(p[0], "x", 1), EBADF, "write to the read end: EBADF");
	CHECK_ERR(read(p[1], buf, 1), EBADF, "read from the write end: EBADF");
	CHECK_ERR(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe: ESPIPE");
	CHECK_ERR(pread(p[0], buf, 1, 0), ESPIPE, "pread on a pipe: ESPIPE");
	d = dup(p[1]);
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN,
		  "a dup of the write end keeps the pipe open (no EOF yet)");
	close(d);
	CHECK_EQ(read(p[0], buf, 1), 0, "read returns 0 (EOF) once every "
		 "writer is closed");
	close(p[0]);
}

static void test_fstat_and_flags(void)
{
	int p[2];
	struct stat st;

	REQUIRE(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0, "pipe2(O_CLOEXEC|O_NONBLOCK)");
	CHECK_EQ(fcntl(p[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC,
		 "pipe2 O_CLOEXEC sets FD_CLOEXEC on the read end");
	CHECK_EQ(fcntl(p[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC,
		 "and on the write end");
	CHECK_EQ(fcntl(p[0], F_GETFL) & (O_NONBLOCK | O_ACCMODE),
		 O_NONBLOCK | O_RDONLY, "F_GETFL: read end O_RDONLY|O_NONBLOCK");
	CHECK_EQ(fcntl(p[1], F_GETFL) & (O_NONBLOCK | O_ACCMODE),
		 O_NONBLOCK | O_WRONLY, "F_GETFL: write end O_WRONLY|O_NONBLOCK");
	CHECK_OK(fstat(p[0], &st), "fstat a pipe");
	CHECK(S_ISFIFO(st.st_mode), "S_ISFIFO");
	close(p[0]);
	close(p[1]);
	CHECK_ERR(syscall(SYS_pipe2, p, 0x12345), EINVAL,
		  "pipe2 with unknown flags: EINVAL");
}

static void test_nonblocking(void)
{
	int p[2];
	char buf[4096];
	long total = 0, n;

	REQUIRE(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	CHECK_ERR(read(p[0], buf, 1), EAGAIN, "read of an empty pipe: EAGAIN");
	memset(buf, 'f', sizeof(buf));
	int err;

	while ((n = write(p[1], buf, sizeof(buf))) > 0 && total < (1 << 22))
		total += n;
	err = errno;
	CHECK(n == -1 && err == EAGAIN, "writes until full, then EAGAIN");
	CHECK(total >= 4096, "the pipe held %ld bytes (>= one page)", total);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), sizeof(buf), "drain a page");
	CHECK_OK(write(p[1], buf, 1), "now a write fits again");
	close(p[0]);
	close(p[1]);
}

static void test_epipe(void)
{
	int p[2];
	pid_t pid;

	REQUIRE(pipe(p) == 0, "pipe");
	close(p[0]);
	signal(SIGPIPE, on_sigpipe);
	CHECK_ERR(write(p[1], "x", 1), EPIPE,
		  "write with no reader left: EPIPE");
	CHECK_EQ(sigpipes, 1, "and SIGPIPE was delivered");
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(p[1], "x", 1), EPIPE, "EPIPE with SIGPIPE ignored too");
	signal(SIGPIPE, SIG_DFL);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK_SIGNALED(wait_child(pid), SIGPIPE,
		       "default action: the writer dies of SIGPIPE");
	close(p[1]);
}

static void test_blocking(void)
{
	int p[2];
	pid_t pid;
	char buf[8192];
	long total = 0, n;
	int bad = 0;

	REQUIRE(pipe(p) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		sleep_ms(100);
		write(p[1], "late", 4);
		_exit(0);
	}
	close(p[1]);
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 4,
		 "a blocked reader wakes up when the child writes");
	CHECK_EQ(read(p[0], buf, sizeof(buf)), 0,
		 "EOF when the child (the last writer) exits");
	wait_child(pid);
	close(p[0]);

	REQUIRE(pipe(p) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 32; i++) {
			memset(buf, 'a' + i % 26, 4096);
			if (write_all(p[1], buf, 4096) != 0)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while ((n = read(p[0], buf, 3000)) > 0) {
		for (long i = 0; i < n; i++)
			bad += buf[i] != 'a' + ((total + i) / 4096) % 26;
		total += n;
	}
	CHECK_EQ(total, 32 * 4096, "128 KiB through the pipe: the blocked "
		 "writer wakes as the reader drains");
	CHECK_EQ(bad, 0, "every byte in order");
	CHECK_EXIT(wait_child(pid), 0, "the writer finished");
	close(p[0]);
}

/*
 * Regression: a pipe read or write whose user buffer faulted part-way
 * moved the bytes before the fault and returned a short count. Linux
 * moves nothing of a pipe buffer it cannot copy whole: the write returns
 * EFAULT and adds nothing, the read returns EFAULT and leaves the data in
 * the pipe for the next reader.
 */
static void test_partial_copy(void)
{
	char *two = map_pages(2);
	char *edge = two + PAGE_SIZE - 8;       /* 8 good bytes, then PROT_NONE */
	char buf[64];
	int p[2], n = -1;

	REQUIRE(two != NULL && pipe(p) == 0, "map 2 pages and make a pipe");
	memset(two, 'g', PAGE_SIZE);
	mprotect(two + PAGE_SIZE, PAGE_SIZE, PROT_NONE);
	CHECK_ERR(write(p[1], edge, 64), EFAULT,
		  "write from 8 good bytes then a PROT_NONE page: EFAULT");
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 0, "and nothing was added (%d bytes)", n);
	memset(buf, 'd', sizeof(buf));
	CHECK_EQ(write(p[1], buf, 64), 64, "write 64 bytes");
	CHECK_ERR(read(p[0], edge, 64), EFAULT,
		  "read into 8 good bytes then a PROT_NONE page: EFAULT");
	CHECK(ioctl(p[0], FIONREAD, &n) == 0 && n == 64,
	      "and the 64 bytes are still in the pipe (%d)", n);
	CHECK_EQ(read(p[0], buf, 64), 64, "a good read gets them");
	close(p[0]);
	close(p[1]);
	munmap(two, 2 * PAGE_SIZE);
}

/*
 * Regression: the pipe's capacity was 64 KiB of bytes; Linux's is 16 page
 * buffers, which a non-blocking writer can see. Small writes share the
 * newest buffer while their tail fits there; a whole-page write always
 * takes new buffers.
 */
static void test_capacity_in_buffers(void)
{
	static char big[65536];
	int p[2], n = 0;

	REQUIRE(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	CHECK_EQ(write(p[1], "0123456789", 10), 10, "write 10 bytes");
	CHECK_EQ(write(p[1], big, sizeof(big)), 15 * 4096,
		 "a 64 KiB write then fits 15 whole pages (the 10 bytes hold the first)");
	CHECK_ERR(write(p[1], "x", 1), EAGAIN, "the pipe is full: EAGAIN for 1 byte");
	close(p[0]);
	close(p[1]);
	REQUIRE(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	for (int i = 0; i < 40; i++)
		n += write(p[1], big, 4000) == 4000;
	CHECK_EQ(n, 16, "4000-byte writes: one buffer each (no two fit a page), 16 in all");
	close(p[0]);
	close(p[1]);
	REQUIRE(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	n = 0;
	for (int i = 0; i < 100; i++)
		n += write(p[1], big, 1000) == 1000;
	CHECK_EQ(n, 16 * 4, "1000-byte writes: four to a buffer, 64 in all");
	close(p[0]);
	close(p[1]);
}

/* Regression: fstatfs of a pipe said ENOSYS (pipefs had no ->statfs);
 * Linux answers with pipefs's magic and a page-sized block. */
static void test_fstatfs(void)
{
	struct statfs sf;
	int p[2];

	REQUIRE(pipe(p) == 0, "pipe");
	CHECK_OK(fstatfs(p[0], &sf), "fstatfs of a pipe");
	CHECK_EQ((unsigned long)sf.f_type, 0x50495045UL, "f_type PIPEFS_MAGIC");
	CHECK_EQ(sf.f_bsize, 4096, "f_bsize 4096");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_data_and_eof();
	test_fstat_and_flags();
	test_nonblocking();
	test_epipe();
	test_blocking();
	test_partial_copy();
	test_capacity_in_buffers();
	test_fstatfs();
	return tap_done();
}
