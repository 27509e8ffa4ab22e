/*
 * rwv2_test - preadv, pwritev, preadv2, pwritev2 through raw system
 * calls: data at the offset given, the file position untouched (or used
 * and moved with offset -1 in the v2 calls), RWF_DSYNC/RWF_SYNC/RWF_HIPRI
 * accepted, unknown flags EOPNOTSUPP, and Linux's errors for a negative
 * offset, a pipe, a bad fd, the wrong mode and a bad iovec. The same
 * binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/uio.h>

#include "testutil.h"

static long preadv2_(int fd, struct iovec *v, int n, long pos, int flags)
{
	return syscall(SYS_preadv2, fd, v, n, pos, 0, flags);
}

static long pwritev2_(int fd, struct iovec *v, int n, long pos, int flags)
{
	return syscall(SYS_pwritev2, fd, v, n, pos, 0, flags);
}

int main(void)
{
	char dir[64], a[4] = "abcd", b[3] = "XYZ", r1[3], r2[5];
	struct iovec w[2] = { { a, 4 }, { b, 3 } }, rv[2] = { { r1, 3 }, { r2, 5 } };
	int fd, p[2];

	REQUIRE(enter_scratch_dir("rwv2", dir, sizeof(dir)) == 0, "scratch directory");
	fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "create a file");

	CHECK_EQ(syscall(SYS_pwritev, fd, w, 2, 10, 0), 7, "pwritev of 4+3 bytes at 10");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 0, "the file position is untouched");
	memset(r2, 0, sizeof(r2));
	CHECK_EQ(syscall(SYS_preadv, fd, rv, 2, 9, 0), 8, "preadv of 3+5 at 9 reads 8");
	CHECK(!memcmp(r1, "\0ab", 3) && !memcmp(r2, "cdXYZ", 5), "the bytes, in iovec order");
	CHECK_EQ(syscall(SYS_preadv, fd, rv, 2, 100, 0), 0, "preadv past the end: 0");

	CHECK_EQ(pwritev2_(fd, w, 1, -1, 0), 4, "pwritev2 at offset -1 writes at the position");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 4, "and moves it");
	CHECK_EQ(preadv2_(fd, rv, 1, 0, 0), 3, "preadv2 at 0");
	CHECK(!memcmp(r1, "abc", 3), "reads what was written there");
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "rewind");
	CHECK_EQ(preadv2_(fd, rv, 1, -1, 0), 3, "preadv2 at -1 reads at the position");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 3, "and moves it");

	CHECK_EQ(pwritev2_(fd, w, 2, 20, 2 /* RWF_DSYNC */), 7, "pwritev2 RWF_DSYNC");
	CHECK_EQ(pwritev2_(fd, w, 2, 20, 4 /* RWF_SYNC */), 7, "pwritev2 RWF_SYNC");
	CHECK_EQ(preadv2_(fd, rv, 2, 20, 1 /* RWF_HIPRI */), 7, "preadv2 RWF_HIPRI (a hint)");
	CHECK_ERR(pwritev2_(fd, w, 2, 20, 0x4000000), EOPNOTSUPP, "an unknown flag: EOPNOTSUPP");
	CHECK_ERR(preadv2_(fd, rv, 2, 20, 0x4000000), EOPNOTSUPP, "an unknown flag on read: EOPNOTSUPP");

	CHECK_ERR(syscall(SYS_preadv, fd, rv, 2, -5L, 0L), EINVAL, "preadv at a negative offset: EINVAL");
	CHECK_ERR(preadv2_(fd, rv, 2, -2, 0), EINVAL, "preadv2 at -2: EINVAL");
	CHECK_ERR(syscall(SYS_preadv, 999, rv, 2, 0, 0), EBADF, "a bad fd: EBADF");
	CHECK_ERR(syscall(SYS_preadv, fd, (struct iovec *)1, 2, 0, 0), EFAULT, "a bad iovec: EFAULT");
	CHECK_ERR(syscall(SYS_preadv, fd, rv, 1025, 0, 0), EINVAL, "more than IOV_MAX: EINVAL");
	CHECK_EQ(syscall(SYS_preadv, fd, rv, 0, 0, 0), 0, "no segments: 0");

	int ro = open("f", O_RDONLY);
	REQUIRE(ro >= 0, "open read-only");
	CHECK_ERR(syscall(SYS_pwritev, ro, w, 2, 0, 0), EBADF, "pwritev on a read-only fd: EBADF");
	close(ro);

	REQUIRE(pipe(p) == 0, "pipe");
	CHECK_ERR(syscall(SYS_pwritev, p[1], w, 2, 0, 0), ESPIPE, "pwritev on a pipe: ESPIPE");
	CHECK_EQ(pwritev2_(p[1], w, 2, -1, 0), 7, "pwritev2 at -1 on a pipe writes");
	CHECK_EQ(preadv2_(p[0], rv, 2, -1, 0), 7, "preadv2 at -1 on a pipe reads");
	CHECK(!memcmp(r1, "abc", 3) && !memcmp(r2, "dXYZ", 4), "in order");
	close(p[0]);
	close(p[1]);
	close(fd);
	unlink("f");
	leave_scratch_dir(dir);
	return tap_done();
}
