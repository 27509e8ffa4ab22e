/*
 * fscopy_test - sendfile, copy_file_range, syncfs, sync_file_range,
 * fallocate and the xattr calls, through raw system calls: data copied
 * right, offsets and file positions moved as Linux moves them, and
 * Linux's errors. Faultline's ext2 keeps no extended attributes and has
 * no fallocate (neither has Linux's ext2: EOPNOTSUPP on both), and the
 * xattr calls answer as Linux does for a filesystem without them; on
 * Linux, whose ext2 does keep them, those checks accept Linux's answers.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>

#include "testutil.h"

#define SIZE (200 * 1024 + 123)

static char data[SIZE], back[SIZE];

static void fill(void)
{
	for (int i = 0; i < SIZE; i++)
		data[i] = (char)(i * 7 + i / 4096);
}

static int make_file(const char *name)
{
	int fd = open(name, O_CREAT | O_RDWR | O_TRUNC, 0600);

	if (fd >= 0 && write(fd, data, SIZE) != SIZE) {
		close(fd);
		return -1;
	}
	return fd;
}

static void test_sendfile(void)
{
	int in = make_file("src"), out = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0600), p[2];
	long off = 1000;

	REQUIRE(in >= 0 && out >= 0, "a source and a destination");
	CHECK_EQ(lseek(in, 0, SEEK_SET), 0, "rewind the source");
	CHECK_EQ(syscall(SYS_sendfile, out, in, NULL, SIZE), SIZE, "sendfile of the whole file");
	CHECK_EQ(lseek(in, 0, SEEK_CUR), SIZE, "the source's position moved to the end");
	CHECK_EQ(lseek(out, 0, SEEK_CUR), SIZE, "the destination's too");
	CHECK_EQ(pread(out, back, SIZE, 0), SIZE, "read the copy");
	CHECK(!memcmp(back, data, SIZE), "every byte right");

	CHECK_EQ(syscall(SYS_sendfile, out, in, &off, 5000), 5000, "sendfile at an offset");
	CHECK_EQ(off, 6000, "the offset moved by 5000");
	CHECK_EQ(lseek(in, 0, SEEK_CUR), SIZE, "the source's own position did not");
	off = SIZE - 10;
	CHECK_EQ(syscall(SYS_sendfile, out, in, &off, 5000), 10, "near the end: only what is there");
	CHECK_EQ(syscall(SYS_sendfile, out, in, &off, 5000), 0, "at the end: 0");

	REQUIRE(pipe(p) == 0, "pipe");
	off = 0;
	CHECK_EQ(syscall(SYS_sendfile, p[1], in, &off, 100), 100, "sendfile into a pipe");
	CHECK_EQ(read(p[0], back, 200), 100, "the pipe holds it");
	CHECK(!memcmp(back, data, 100), "right");
	CHECK_ERR(syscall(SYS_sendfile, out, p[0], &off, 10), ESPIPE, "an offset on a pipe input: ESPIPE");
	CHECK_ERR(syscall(SYS_sendfile, 999, in, NULL, 10), EBADF, "a bad output fd: EBADF");
	CHECK_ERR(syscall(SYS_sendfile, out, 999, NULL, 10), EBADF, "a bad input fd: EBADF");
	CHECK_ERR(syscall(SYS_sendfile, in, p[1], NULL, 10), EBADF, "input not open for reading: EBADF");
	int app = open("dst", O_WRONLY | O_APPEND);
	REQUIRE(app >= 0, "open the destination O_APPEND");
	CHECK_ERR(syscall(SYS_sendfile, app, in, &off, 10), EINVAL, "an O_APPEND output: EINVAL");
	CHECK_ERR(syscall(SYS_sendfile, out, in, (long *)1, 10), EFAULT, "a bad offset pointer: EFAULT");
	close(app);
	close(p[0]);
	close(p[1]);
	close(in);
	close(out);
}

static void test_copy_file_range(void)
{
	int in = make_file("src"), out = open("dst", O_CREAT | O_RDWR | O_TRUNC, 0600);
	long oi = 100, oo = 0;

	REQUIRE(in >= 0 && out >= 0, "a source and a destination");
	CHECK_EQ(lseek(in, 0, SEEK_SET), 0, "rewind");
	CHECK_EQ(syscall(SYS_copy_file_range, in, NULL, out, NULL, (size_t)SIZE, 0), SIZE,
		 "copy_file_range of the whole file");
	CHECK_EQ(lseek(in, 0, SEEK_CUR), SIZE, "the source's position moved");
	CHECK_EQ(pread(out, back, SIZE, 0), SIZE, "read the copy");
	CHECK(!memcmp(back, data, SIZE), "every byte right");
	CHECK_EQ(syscall(SYS_copy_file_range, in, &oi, out, &oo, (size_t)50, 0), 50, "at offsets");
	CHECK(oi == 150 && oo == 50, "both offsets moved by 50 (%ld %ld)", oi, oo);
	CHECK_EQ(pread(out, back, 50, 0), 50, "read it");
	CHECK(!memcmp(back, data + 100, 50), "the source's bytes 100..149");
	oi = SIZE;
	CHECK_EQ(syscall(SYS_copy_file_range, in, &oi, out, &oo, (size_t)50, 0), 0, "past the end: 0");
	CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, out, NULL, (size_t)50, 1), EINVAL,
		  "flags: EINVAL");
	oi = 0;
	oo = 10;
	CHECK_ERR(syscall(SYS_copy_file_range, in, &oi, in, &oo, (size_t)50, 0), EINVAL,
		  "overlapping ranges of one file: EINVAL");
	int d = open(".", O_RDONLY);
	CHECK_ERR(syscall(SYS_copy_file_range, d, NULL, out, NULL, (size_t)50, 0), EISDIR,
		  "a directory: EISDIR");
	close(d);
	int ro = open("dst", O_RDONLY);
	CHECK_ERR(syscall(SYS_copy_file_range, in, NULL, ro, NULL, (size_t)50, 0), EBADF,
		  "an output not open for writing: EBADF");
	close(ro);
	close(in);
	close(out);
}

static void test_sync_and_fallocate(void)
{
	int fd = make_file("src"), p[2];

	REQUIRE(fd >= 0, "a file");
	CHECK_EQ(syscall(SYS_syncfs, fd), 0, "syncfs");
	CHECK_ERR(syscall(SYS_syncfs, 999), EBADF, "syncfs of a bad fd: EBADF");
	CHECK_EQ(syscall(SYS_sync_file_range, fd, 0L, 4096L, 7), 0, "sync_file_range of a page");
	CHECK_EQ(syscall(SYS_sync_file_range, fd, 0L, 0L, 0), 0, "with no flags: nothing to do");
	CHECK_ERR(syscall(SYS_sync_file_range, fd, 0L, 4096L, 8), EINVAL, "an unknown flag: EINVAL");
	CHECK_ERR(syscall(SYS_sync_file_range, fd, -1L, 4096L, 2), EINVAL, "a negative offset: EINVAL");
	REQUIRE(pipe(p) == 0, "pipe");
	CHECK_ERR(syscall(SYS_sync_file_range, p[0], 0L, 4096L, 2), ESPIPE, "on a pipe: ESPIPE");

	CHECK_ERR(syscall(SYS_fallocate, fd, 0, 0L, 0L), EINVAL, "fallocate of length 0: EINVAL");
	CHECK_ERR(syscall(SYS_fallocate, fd, 0, -1L, 10L), EINVAL, "a negative offset: EINVAL");
	CHECK_ERR(syscall(SYS_fallocate, fd, 0x80, 0L, 10L), EOPNOTSUPP, "an unknown mode: EOPNOTSUPP");
	CHECK_ERR(syscall(SYS_fallocate, fd, 2, 0L, 10L), EOPNOTSUPP,
		  "PUNCH_HOLE without KEEP_SIZE: EOPNOTSUPP");
	CHECK_ERR(syscall(SYS_fallocate, p[1], 0, 0L, 10L), ESPIPE, "on a pipe: ESPIPE");
	CHECK_ERR(syscall(SYS_fallocate, 999, 0, 0L, 10L), EBADF, "a bad fd: EBADF");
	int ro = open("src", O_RDONLY);
	CHECK_ERR(syscall(SYS_fallocate, ro, 0, 0L, 10L), EBADF, "a read-only fd: EBADF");
	close(ro);
	CHECK_ERR(syscall(SYS_fallocate, fd, 0, 0L, 4096L), EOPNOTSUPP,
		  "ext2 has no fallocate: EOPNOTSUPP (as Linux's ext2)");
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_xattr(void)
{
	char buf[64], longname[300];
	int fd = make_file("src");
	long r;

	REQUIRE(fd >= 0, "a file");
	r = syscall(SYS_getxattr, "src", "user.x", buf, sizeof(buf));
	int e = errno;

	CHECK(r == -1 && (e == EOPNOTSUPP || e == ENODATA),
	      "getxattr of an attribute that is not there: EOPNOTSUPP (ENODATA on Linux's ext2)"
	      " (%ld, errno %d)", r, e);
	CHECK_ERR(syscall(SYS_getxattr, "nothere", "user.x", buf, sizeof(buf)), ENOENT,
		  "getxattr of a missing file: ENOENT");
	CHECK_EQ(syscall(SYS_listxattr, "src", buf, sizeof(buf)), 0, "listxattr: an empty list");
	CHECK_EQ(syscall(SYS_flistxattr, fd, buf, sizeof(buf)), 0, "flistxattr: an empty list");
	CHECK_ERR(syscall(SYS_fgetxattr, 999, "user.x", buf, sizeof(buf)), EBADF, "a bad fd: EBADF");
	CHECK_ERR(syscall(SYS_getxattr, "src", "", buf, sizeof(buf)), ERANGE, "an empty name: ERANGE");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	memcpy(longname, "user.", 5);
	CHECK_ERR(syscall(SYS_getxattr, "src", longname, buf, sizeof(buf)), ERANGE,
		  "a name over 255 bytes: ERANGE");
	CHECK_ERR(syscall(SYS_setxattr, "src", "user.x", "v", 1, 4), EINVAL, "setxattr flags 4: EINVAL");
	if (running_on_linux()) {
		CHECK_EQ(syscall(SYS_setxattr, "src", "user.x", "v", 1, 0), 0, "Linux's ext2 keeps it");
		syscall(SYS_removexattr, "src", "user.x");
	} else {
		CHECK_ERR(syscall(SYS_setxattr, "src", "user.x", "v", 1, 0), EOPNOTSUPP,
			  "setxattr: EOPNOTSUPP (no attributes kept)");
		CHECK_ERR(syscall(SYS_removexattr, "src", "user.x"), EOPNOTSUPP,
			  "removexattr: EOPNOTSUPP");
	}
	CHECK_ERR(syscall(SYS_getxattr, "src", "bogus.x", buf, sizeof(buf)), EOPNOTSUPP,
		  "an unknown name space: EOPNOTSUPP");
	close(fd);
}

int main(void)
{
	char dir[64];

	fill();
	REQUIRE(enter_scratch_dir("fscopy", dir, sizeof(dir)) == 0, "scratch directory");
	test_sendfile();
	test_copy_file_range();
	test_sync_and_fallocate();
	test_xattr();
	unlink("src");
	unlink("dst");
	leave_scratch_dir(dir);
	return tap_done();
}
