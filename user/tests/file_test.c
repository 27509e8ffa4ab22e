/*
 * file_test - regular-file I/O: open flags (O_CREAT, O_EXCL, O_TRUNC,
 * O_APPEND, O_DIRECTORY, O_CLOEXEC), read/write/pread/pwrite/readv/writev,
 * lseek (holes read as zeros), fstat/stat/lstat/newfstatat, ftruncate and
 * truncate (with their errors), fsync/fdatasync/sync, dup/dup2/dup3 (a
 * shared offset), fcntl (F_GETFD/SETFD/GETFL/SETFL/DUPFD/DUPFD_CLOEXEC),
 * access/faccessat, an unlinked file still open.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "testutil.h"

static void test_open_flags(void)
{
	int fd, fd2;
	struct stat st;
	char buf[32];

	umask(022);
	fd = open("f1", O_RDWR | O_CREAT | O_EXCL, 0666);
	CHECK(fd >= 0, "O_CREAT|O_EXCL creates a new file");
	CHECK_OK(fstat(fd, &st), "fstat");
	CHECK_EQ(st.st_mode, S_IFREG | 0644, "mode 0666 & ~umask 022 = 0644");
	CHECK_EQ(st.st_size, 0, "size 0");
	CHECK_EQ(st.st_nlink, 1, "one link");
	CHECK_EQ(write(fd, "0123456789", 10), 10, "write 10 bytes");
	CHECK_ERR(open("f1", O_RDWR | O_CREAT | O_EXCL, 0666), EEXIST,
		  "O_CREAT|O_EXCL on an existing file: EEXIST");
	CHECK_ERR(open("missing", O_RDONLY), ENOENT, "open a missing file: ENOENT");
	CHECK_ERR(open("f1", O_RDONLY | O_DIRECTORY), ENOTDIR,
		  "O_DIRECTORY on a file: ENOTDIR");
	CHECK_ERR(open(".", O_WRONLY), EISDIR, "open a directory O_WRONLY: EISDIR");
	CHECK_ERR(open("f1/x", O_RDONLY), ENOTDIR, "open file/x: ENOTDIR");
	fd2 = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fd2 >= 0, "O_DIRECTORY on a directory");
	close(fd2);

	fd2 = open("f1", O_RDONLY | O_CLOEXEC);
	CHECK_EQ(fcntl(fd2, F_GETFD), FD_CLOEXEC, "O_CLOEXEC sets FD_CLOEXEC");
	CHECK_ERR(write(fd2, "x", 1), EBADF, "write to an O_RDONLY fd: EBADF");
	close(fd2);
	fd2 = open("f1", O_WRONLY);
	CHECK_ERR(read(fd2, buf, 1), EBADF, "read from an O_WRONLY fd: EBADF");
	close(fd2);

	fd2 = open("f1", O_WRONLY | O_APPEND);
	lseek(fd2, 0, SEEK_SET);
	CHECK_EQ(write(fd2, "AB", 2), 2, "O_APPEND write");
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 12, "O_APPEND writes at the end "
		 "whatever the offset");
	close(fd2);
	CHECK_EQ(pread(fd, buf, 32, 0), 12, "the file has 12 bytes");
	CHECK(memcmp(buf, "0123456789AB", 12) == 0, "in order");

	fd2 = open("f1", O_RDWR | O_TRUNC);
	CHECK(fd2 >= 0, "O_TRUNC");
	fstat(fd2, &st);
	CHECK_EQ(st.st_size, 0, "O_TRUNC empties the file");
	close(fd2);
	close(fd);
	unlink("f1");
}

static void test_rw(void)
{
	int fd = open("f2", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[64] = { 0 }, a[4] = "abc", b[5] = "defg";
	struct iovec iov[2] = { { a, 3 }, { b, 4 } };
	static char big[20000];
	int bad = 0;

	REQUIRE(fd >= 0, "create f2");
	CHECK_EQ(writev(fd, iov, 2), 7, "writev gathers 3+4 bytes");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7, "and moves the offset");
	CHECK_EQ(pwrite(fd, "XY", 2, 1), 2, "pwrite at offset 1");
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7, "pwrite leaves the offset alone");
	CHECK_EQ(pread(fd, buf, 64, 0), 7, "pread the whole file");
	CHECK(memcmp(buf, "aXYdefg", 7) == 0, "pwrite replaced two bytes");
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	lseek(fd, 0, SEEK_SET);
	CHECK_EQ(readv(fd, iov, 2), 7, "readv scatters 7 bytes");
	CHECK(memcmp(a, "aXY", 3) == 0 && memcmp(b, "defg", 4) == 0,
	      "into both buffers");
	CHECK_EQ(read(fd, buf, 10), 0, "read at EOF returns 0");
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 100, "lseek past the end");
	CHECK_EQ(write(fd, "Z", 1), 1, "write there");
	CHECK_EQ(pread(fd, buf, 64, 50), 51, "read across the hole");
	CHECK(buf[0] == 0 && buf[49] == 0 && buf[50] == 'Z',
	      "the hole reads as zeros");
	CHECK_EQ(lseek(fd, -1, SEEK_END), 100, "SEEK_END");
	CHECK_EQ(lseek(fd, 5, SEEK_CUR), 105, "SEEK_CUR");
	CHECK_ERR(lseek(fd, -200, SEEK_CUR), EINVAL, "negative offset: EINVAL");
	CHECK_ERR(lseek(fd, 0, 42), EINVAL, "bad whence: EINVAL");
	CHECK_ERR(pread(fd, buf, 1, -1), EINVAL, "pread at -1: EINVAL");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 1000);
	CHECK_EQ(pwrite(fd, big, sizeof(big), 1000), sizeof(big),
		 "write 20000 bytes across many blocks");
	memset(big, 0, sizeof(big));
	CHECK_EQ(pread(fd, big, sizeof(big), 1000), sizeof(big), "read them back");
	for (size_t i = 0; i < sizeof(big); i++)
		bad += big[i] != (char)(i * 7 + i / 1000);
	CHECK_EQ(bad, 0, "byte for byte");
	close(fd);
	unlink("f2");
}

static void test_stat_truncate_sync(void)
{
	int fd = open("f3", O_RDWR | O_CREAT | O_TRUNC, 0600), rd, p[2];
	struct stat st, st2;

	REQUIRE(fd >= 0, "create f3");
	write(fd, "12345", 5);
	CHECK_OK(stat("f3", &st), "stat");
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5 && st.st_nlink == 1,
	      "stat: a regular file of 5 bytes, 1 link");
	CHECK_OK(lstat("f3", &st2), "lstat");
	CHECK_EQ(st2.st_ino, st.st_ino, "lstat: the same inode");
	CHECK_OK(fstatat(AT_FDCWD, "f3", &st2, 0), "newfstatat(AT_FDCWD)");
	CHECK_EQ(st2.st_ino, st.st_ino, "the same inode");
	CHECK_OK(fstat(fd, &st2), "fstat");
	CHECK(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev,
	      "fstat: the same inode and device");
	CHECK_ERR(stat("nope", &st), ENOENT, "stat a missing file: ENOENT");

	CHECK_OK(ftruncate(fd, 3000), "ftruncate grows to 3000");
	fstat(fd, &st);
	CHECK_EQ(st.st_size, 3000, "st_size 3000");
	CHECK_OK(truncate("f3", 2), "truncate(path) shrinks to 2");
	fstat(fd, &st);
	CHECK_EQ(st.st_size, 2, "st_size 2");
	CHECK_OK(ftruncate(fd, 2), "ftruncate to the same size");
	CHECK_ERR(ftruncate(fd, -1), EINVAL, "ftruncate negative: EINVAL");
	rd = open("f3", O_RDONLY);
	CHECK_ERR(ftruncate(rd, 0), EINVAL, "ftruncate an O_RDONLY fd: EINVAL");
	close(rd);
	rd = open(".", O_RDONLY);
	CHECK_ERR(ftruncate(rd, 0), EINVAL, "ftruncate a directory: EINVAL");
	close(rd);
	CHECK_ERR(ftruncate(1000, 0), EBADF, "ftruncate a bad fd: EBADF");
	pipe(p);
	CHECK_ERR(ftruncate(p[1], 0), EINVAL, "ftruncate a pipe: EINVAL");
	CHECK_ERR(fsync(p[1]), EINVAL, "fsync a pipe: EINVAL");
	close(p[0]);
	close(p[1]);
	CHECK_OK(fsync(fd), "fsync");
	CHECK_OK(fdatasync(fd), "fdatasync");
	sync();
	CHECK_ERR(fsync(1000), EBADF, "fsync a bad fd: EBADF");
	close(fd);
	unlink("f3");
}

static void test_dup_fcntl(void)
{
	int fd = open("f4", O_RDWR | O_CREAT | O_TRUNC, 0644), d, d2;

	REQUIRE(fd >= 0, "create f4");
	write(fd, "abcdef", 6);
	d = dup(fd);
	CHECK(d > fd, "dup returns a new fd");
	lseek(fd, 2, SEEK_SET);
	CHECK_EQ(lseek(d, 0, SEEK_CUR), 2, "a dup shares the file offset");
	CHECK_EQ(fcntl(d, F_GETFD), 0, "dup clears FD_CLOEXEC");
	d2 = dup2(fd, 50);
	CHECK_EQ(d2, 50, "dup2 to fd 50");
	CHECK_EQ(dup2(fd, fd), fd, "dup2(fd, fd) returns fd");
	CHECK_ERR(dup3(fd, fd, 0), EINVAL, "dup3(fd, fd): EINVAL");
	CHECK_EQ(dup3(fd, 50, O_CLOEXEC), 50, "dup3 over an open fd");
	CHECK_EQ(fcntl(50, F_GETFD), FD_CLOEXEC, "dup3 O_CLOEXEC");
	CHECK_ERR(dup2(fd, -1), EBADF, "dup2 to -1: EBADF");
	CHECK_ERR(dup(1000), EBADF, "dup of a closed fd: EBADF");
	CHECK_ERR(close(1000), EBADF, "close of a closed fd: EBADF");
	CHECK_OK(close(50), "close");
	CHECK_ERR(close(50), EBADF, "close twice: EBADF");

	CHECK_OK(fcntl(d, F_SETFD, FD_CLOEXEC), "F_SETFD");
	CHECK_EQ(fcntl(d, F_GETFD), FD_CLOEXEC, "F_GETFD reads it back");
	CHECK_EQ(fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_RDWR,
		 "F_GETFL: O_RDWR");
	CHECK_OK(fcntl(fd, F_SETFL, O_APPEND), "F_SETFL O_APPEND");
	CHECK_EQ(fcntl(d, F_GETFL) & O_APPEND, O_APPEND,
		 "the status flags are shared with the dup");
	lseek(fd, 0, SEEK_SET);
	write(fd, "G", 1);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 7, "F_SETFL O_APPEND takes effect");
	CHECK_EQ(fcntl(fd, F_DUPFD, 40), 40, "F_DUPFD: the lowest fd >= 40");
	CHECK_EQ(fcntl(fd, F_DUPFD, 40), 41, "again: 41");
	CHECK_EQ(fcntl(fd, F_DUPFD_CLOEXEC, 40), 42, "F_DUPFD_CLOEXEC: 42");
	CHECK_EQ(fcntl(42, F_GETFD), FD_CLOEXEC, "with FD_CLOEXEC");
	CHECK_ERR(fcntl(1000, F_GETFD), EBADF, "fcntl on a bad fd: EBADF");
	close(40);
	close(41);
	close(42);
	close(d);
	close(fd);
	unlink("f4");
}

/*
 * Regression: with a full descriptor table, open(O_CREAT) created the file
 * and then said EMFILE, and open of a missing path said ENOENT. Linux
 * reserves the descriptor before it looks at the path: EMFILE, nothing
 * created.
 */
static void test_emfile_first(void)
{
	struct rlimit old, rl;
	int fds[16], n = 0;

	REQUIRE(getrlimit(RLIMIT_NOFILE, &old) == 0, "getrlimit(RLIMIT_NOFILE)");
	rl = old;
	rl.rlim_cur = 16;
	REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0, "RLIMIT_NOFILE 16");
	while (n < 16 && (fds[n] = dup(0)) >= 0)
		n++;
	CHECK_ERR(open("emfile-new", O_WRONLY | O_CREAT, 0644), EMFILE,
		  "a full table: open(O_CREAT) says EMFILE");
	CHECK_ERR(access("emfile-new", F_OK), ENOENT, "and created nothing");
	CHECK_ERR(open("no-dir/x", O_RDONLY), EMFILE, "EMFILE before ENOENT");
	while (n > 0)
		close(fds[--n]);
	setrlimit(RLIMIT_NOFILE, &old);
	unlink("emfile-new");
}

static void test_access_unlinked(void)
{
	int fd;
	char buf[8];

	write_file("f5", "still here");
	CHECK_OK(access("f5", F_OK), "access F_OK");
	CHECK_OK(access("f5", R_OK | W_OK), "access R_OK|W_OK");
	CHECK_ERR(access("nope", F_OK), ENOENT, "access a missing file: ENOENT");
	CHECK_ERR(access("f5", 0x40), EINVAL, "access with a bad mode: EINVAL");
	CHECK_OK(faccessat(AT_FDCWD, "f5", R_OK, 0), "faccessat");
	CHECK_ERR(access("f5", X_OK), EACCES,
		  "access X_OK on a 0644 file: EACCES (even for root)");
	fd = open("f5", O_RDONLY);
	CHECK_OK(unlink("f5"), "unlink an open file");
	CHECK_ERR(access("f5", F_OK), ENOENT, "its name is gone");
	CHECK_EQ(read(fd, buf, 5), 5, "but the open fd still reads it");
	CHECK(memcmp(buf, "still", 5) == 0, "the data");
	close(fd);
}

/*
 * Regression: readv/writev looked at the iovec array before the file's
 * mode, lseek on a pipe said ESPIPE for an unknown whence, and
 * open(".", O_CREAT|O_EXCL) said EISDIR. Linux 6.x checks the mode first
 * (EBADF even for a bad array or too many segments), an unknown whence is
 * EINVAL before the pipe's ESPIPE, and O_EXCL on an existing "." is
 * EEXIST before EISDIR; a readv of 0 bytes returns 0 before the
 * directory's EISDIR. And FIONREAD of a regular file was ENOTTY; Linux
 * answers it for regular files.
 */
static void test_check_order(void)
{
	int wr = open("f6", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rd = open("f6", O_RDONLY), p[2];
	struct iovec kiov[1] = { { (void *)0xffff800000000000UL, 1 } };
	char b[4];

	REQUIRE(wr >= 0 && rd >= 0 && pipe(p) == 0, "open f6 both ways and a pipe");
	CHECK_ERR(syscall(SYS_readv, wr, (void *)0xffff800000000000UL, 1), EBADF,
		  "readv of an O_WRONLY fd with a bad iovec array: EBADF");
	CHECK_ERR(syscall(SYS_readv, wr, kiov, 1), EBADF,
		  "readv of an O_WRONLY fd with a bad iov_base: EBADF");
	CHECK_ERR(syscall(SYS_readv, wr, b, 2000), EBADF,
		  "readv of an O_WRONLY fd with 2000 segments: EBADF");
	CHECK_ERR(syscall(SYS_writev, rd, kiov, 1), EBADF,
		  "writev of an O_RDONLY fd with a bad iov_base: EBADF");
	CHECK_ERR(syscall(SYS_readv, rd, kiov, 1), EFAULT,
		  "readv of an O_RDONLY fd with a bad iov_base: EFAULT");
	CHECK_ERR(open(".", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST,
		  "open(\".\", O_CREAT|O_EXCL): EEXIST (before EISDIR)");
	CHECK_ERR(open(".", O_RDWR | O_CREAT, 0644), EISDIR, "open(\".\", O_CREAT): EISDIR");
	CHECK_ERR(open(".", O_RDONLY | O_TRUNC), EISDIR,
		  "open(\".\", O_RDONLY|O_TRUNC): EISDIR (O_TRUNC asks for writing)");
	CHECK_ERR(open("f6new/", O_RDWR | O_CREAT | O_EXCL, 0644), EISDIR,
		  "open(\"new/\", O_CREAT|O_EXCL): EISDIR");
	CHECK_ERR(lseek(p[0], 0, 9), EINVAL, "lseek on a pipe, whence 9: EINVAL");
	{
		int d = open(".", O_RDONLY | O_DIRECTORY);
		struct iovec zero[2] = { { b, 0 }, { b, 0 } }, one[1] = { { b, 1 } };

		CHECK_EQ(syscall(SYS_readv, d, zero, 2), 0,
			 "readv of a directory, 0 bytes in all: 0 (nothing to do)");
		CHECK_ERR(syscall(SYS_readv, d, one, 1), EISDIR, "readv of a directory: EISDIR");
		CHECK_ERR(read(d, b, 0), EISDIR, "read of a directory, 0 bytes: EISDIR");
		close(d);
	}
	{
		int n = -1;

		CHECK_EQ(write(wr, "0123456789", 10), 10, "write 10 bytes");
		lseek(rd, 3, SEEK_SET);
		CHECK(ioctl(rd, FIONREAD, &n) == 0 && n == 7,
		      "FIONREAD of a regular file: the bytes past the position (%d)", n);
		lseek(rd, 12, SEEK_SET);
		CHECK(ioctl(rd, FIONREAD, &n) == 0 && n == -2,
		      "FIONREAD past the end: negative (%d)", n);
	}
	CHECK_ERR(lseek(p[0], 0, SEEK_END), ESPIPE, "lseek on a pipe, SEEK_END: ESPIPE");
	close(wr);
	close(rd);
	close(p[0]);
	close(p[1]);
	unlink("f6");
}

/* Is the host Linux older than major.minor? (0 on Faultline.) */
static int linux_older_than(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (!running_on_linux() || uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma < major || (ma == major && mi < minor);
}

/*
 * Regression: newfstatat(fd, NULL, buf, AT_EMPTY_PATH) failed with EFAULT.
 * Linux (6.11 on) reads a NULL path with AT_EMPTY_PATH as "", the fd
 * itself, so fstat can go through fstatat without a string; older hosts
 * still say EFAULT, and the check is skipped there.
 */
static void test_fstatat_null_path(void)
{
	int fd = open("f5", O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct stat st, st2;

	REQUIRE(fd >= 0 && fstat(fd, &st) == 0, "create f5");
	if (linux_older_than(6, 11)) {
		tap_skip("host Linux older than 6.11",
			 "newfstatat(fd, NULL, AT_EMPTY_PATH) is fstat(fd)");
	} else {
		CHECK_OK(syscall(SYS_newfstatat, fd, NULL, &st2, AT_EMPTY_PATH),
			 "newfstatat(fd, NULL, AT_EMPTY_PATH) succeeds");
		CHECK_EQ(st2.st_ino, st.st_ino, "and stats the fd's inode");
		CHECK_OK(syscall(SYS_newfstatat, AT_FDCWD, NULL, &st2, AT_EMPTY_PATH),
			 "newfstatat(AT_FDCWD, NULL, AT_EMPTY_PATH) succeeds (the cwd)");
		CHECK(S_ISDIR(st2.st_mode), "and it is a directory");
	}
	CHECK_ERR(syscall(SYS_newfstatat, fd, NULL, &st2, 0), EFAULT,
		  "newfstatat(fd, NULL, 0): EFAULT");
	close(fd);
	unlink("f5");
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("file_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	test_open_flags();
	test_rw();
	test_stat_truncate_sync();
	test_fstatat_null_path();
	test_check_order();
	test_dup_fcntl();
	test_emfile_first();
	test_access_unlinked();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
