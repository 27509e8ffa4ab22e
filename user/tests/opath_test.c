/*
 * opath_test - open(O_PATH): a descriptor that names a file without
 * opening it for I/O, as coreutils' cp, mv and ln open their target
 * directory ("cp a b dir/": openat(AT_FDCWD, "dir/", O_PATH|O_DIRECTORY),
 * then every copy is made with openat(dirfd, ...)).
 *
 * What Linux allows on such a descriptor: a *at() directory, fstat,
 * fstatat/statx/faccessat/fchownat with AT_EMPTY_PATH, fstatfs, fchdir,
 * dup/dup2/dup3, fcntl F_DUPFD/F_GETFD/F_SETFD/F_GETFL (which shows
 * O_PATH), close, readlinkat(fd, "") of a link opened with O_NOFOLLOW.
 * Everything else is EBADF: read, write, pread, lseek, getdents64, fchmod,
 * fchown, fsync, ftruncate, mmap, ioctl, flock, fcntl F_SETFL and the
 * record locks, fgetxattr, utimensat(fd, NULL); poll says POLLNVAL. The
 * open itself ignores every flag but O_DIRECTORY, O_NOFOLLOW and
 * O_CLOEXEC (O_CREAT creates nothing, O_WRONLY on a directory is no
 * EISDIR), checks no permission on the file itself, and opens no device.
 * Passes unchanged on Linux 6.1.
 */
#include <poll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "testutil.h"

#ifndef O_PATH
#define O_PATH 010000000
#endif

static int open_unreadable_as_user(void *arg)
{
	const char *path = arg;
	int fd;

	if (setgid(1000) != 0 || setuid(1000) != 0)
		return 10;
	if (open(path, O_RDONLY) != -1 || errno != EACCES)
		return 11;              /* the mode does keep a reader out */
	fd = open(path, O_PATH);
	if (fd < 0)
		return 12;
	close(fd);
	return 0;
}

int main(void)
{
	char dir[64], buf[64];
	struct stat st, st2;
	struct statfs sfs;
	int dfd, fd, lfd, cwd;

	if (enter_scratch_dir("opath_test", dir, sizeof(dir)) != 0)
		return 1;
	mkdir("d", 0755);
	write_file("d/file", "contents\n");
	symlink("file", "d/link");

	dfd = open("d/", O_PATH | O_DIRECTORY);
	REQUIRE(dfd >= 0, "open(\"d/\", O_PATH|O_DIRECTORY) gives a descriptor");
	CHECK_EQ(fcntl(dfd, F_GETFL), O_PATH | O_DIRECTORY, "F_GETFL shows O_PATH and O_DIRECTORY");

	/* A directory for the *at() calls. */
	fd = openat(dfd, "copy", O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0 && write(fd, "x\n", 2) == 2, "openat(dirfd, O_CREAT) makes a file in it");
	close(fd);
	CHECK_OK(fstatat(dfd, "copy", &st, 0), "fstatat(dirfd, name)");
	CHECK_EQ(st.st_size, 2, "  and it is the file written");
	CHECK_OK(renameat(dfd, "copy", dfd, "moved"), "renameat between names in dirfd");
	CHECK_OK(unlinkat(dfd, "moved", 0), "unlinkat(dirfd, name)");

	/* What works on the descriptor itself. */
	CHECK(fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode), "fstat");
	CHECK(fstatat(dfd, "", &st2, AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino,
	      "fstatat(fd, \"\", AT_EMPTY_PATH)");
	CHECK_OK(fstatfs(dfd, &sfs), "fstatfs");
	CHECK_OK(syscall(SYS_faccessat2, dfd, "", R_OK | X_OK, AT_EMPTY_PATH),
		 "faccessat2(fd, \"\", AT_EMPTY_PATH)");
	CHECK_OK(fchownat(dfd, "", getuid(), -1, AT_EMPTY_PATH), "fchownat(fd, \"\", AT_EMPTY_PATH)");
	fd = dup(dfd);
	CHECK(fd >= 0 && fcntl(fd, F_GETFL) == (O_PATH | O_DIRECTORY), "dup keeps O_PATH");
	CHECK_OK(dup2(dfd, fd), "dup2");
	CHECK_OK(dup3(dfd, fd, O_CLOEXEC), "dup3");
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "F_GETFD");
	CHECK_OK(fcntl(fd, F_SETFD, 0), "F_SETFD");
	close(fd);
	fd = fcntl(dfd, F_DUPFD_CLOEXEC, 10);
	CHECK(fd >= 10, "F_DUPFD_CLOEXEC");
	CHECK_OK(close(fd), "close");
	cwd = open(".", O_RDONLY | O_DIRECTORY);
	CHECK(fchdir(dfd) == 0 && access("file", F_OK) == 0, "fchdir into it");
	fchdir(cwd);
	close(cwd);

	/* What does not: EBADF, as for a closed descriptor. */
	fd = open("d/file", O_PATH);
	REQUIRE(fd >= 0, "open(file, O_PATH)");
	CHECK_EQ(fcntl(fd, F_GETFL), O_PATH, "F_GETFL is O_PATH alone (no O_LARGEFILE)");
	CHECK_ERR(read(fd, buf, sizeof(buf)), EBADF, "read: EBADF");
	CHECK_ERR(write(fd, "y", 1), EBADF, "write: EBADF");
	CHECK_ERR(pread(fd, buf, 1, 0), EBADF, "pread: EBADF");
	CHECK_ERR(lseek(fd, 0, SEEK_SET), EBADF, "lseek: EBADF");
	CHECK_ERR(syscall(SYS_getdents64, dfd, buf, sizeof(buf)), EBADF, "getdents64: EBADF");
	/* (raw: musl's fchmod and fchown retry an EBADF through /proc/self/fd) */
	CHECK_ERR(syscall(SYS_fchmod, fd, 0600), EBADF, "fchmod: EBADF");
	CHECK_ERR(syscall(SYS_fchown, fd, 0, 0), EBADF, "fchown: EBADF");
	CHECK_ERR(fsync(fd), EBADF, "fsync: EBADF");
	CHECK_ERR(ftruncate(fd, 0), EBADF, "ftruncate: EBADF");
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EBADF,
	      "mmap: EBADF");
	CHECK_ERR(ioctl(fd, FIONREAD, &lfd), EBADF, "ioctl: EBADF");
	CHECK_ERR(flock(fd, LOCK_SH), EBADF, "flock: EBADF");
	CHECK_ERR(fcntl(fd, F_SETFL, O_NONBLOCK), EBADF, "F_SETFL: EBADF");
	CHECK_ERR(fcntl(fd, F_SETLK, &(struct flock){ .l_type = F_RDLCK }), EBADF, "F_SETLK: EBADF");
	CHECK_ERR(fgetxattr(fd, "user.x", buf, sizeof(buf)), EBADF, "fgetxattr: EBADF");
	CHECK_ERR(syscall(SYS_utimensat, fd, NULL, NULL, 0), EBADF, "utimensat(fd, NULL): EBADF");
	{
		struct pollfd p = { .fd = fd, .events = POLLIN };

		CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLNVAL, "poll: POLLNVAL");
	}
	CHECK_ERR(openat(fd, "x", O_RDONLY), ENOTDIR, "a file's O_PATH descriptor as a directory: ENOTDIR");
	close(fd);

	/* The open's own rules. */
	CHECK_ERR(open("d/absent", O_PATH | O_CREAT, 0644), ENOENT, "O_PATH|O_CREAT creates nothing: ENOENT");
	CHECK_ERR(access("d/absent", F_OK), ENOENT, "  and no file appeared");
	fd = open("d", O_PATH | O_WRONLY | O_TRUNC);
	CHECK(fd >= 0, "O_PATH|O_WRONLY|O_TRUNC on a directory: no EISDIR");
	close(fd);
	CHECK_ERR(open("d/file", O_PATH | O_DIRECTORY), ENOTDIR, "O_PATH|O_DIRECTORY on a file: ENOTDIR");
	CHECK_ERR(open("d/nothing", O_PATH), ENOENT, "O_PATH on a missing name: ENOENT");
	fd = open("d/file", O_PATH | O_CLOEXEC);
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC, "O_PATH|O_CLOEXEC sets FD_CLOEXEC");
	close(fd);

	/* A symbolic link itself, with O_NOFOLLOW. */
	lfd = open("d/link", O_PATH | O_NOFOLLOW);
	CHECK(lfd >= 0 && fstat(lfd, &st) == 0 && S_ISLNK(st.st_mode),
	      "O_PATH|O_NOFOLLOW opens the link itself");
	memset(buf, 0, sizeof(buf));
	CHECK(readlinkat(lfd, "", buf, sizeof(buf)) == 4 && !strcmp(buf, "file"),
	      "readlinkat(fd, \"\") reads that link (%s)", buf);
	close(lfd);
	fd = open("d/link", O_PATH);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode), "without O_NOFOLLOW, the target");
	CHECK_ERR(readlinkat(fd, "", buf, sizeof(buf)), ENOENT, "  and readlinkat(fd, \"\") is ENOENT");
	close(fd);

	/* No permission on the file itself is needed, and a device is not
	 * opened (its driver is not asked). */
	chmod("d/file", 0);
	if (getuid() == 0)
		CHECK_EXIT(run_in_child(open_unreadable_as_user, "d/file"), 0,
			   "a user opens a file of mode 0 with O_PATH, not O_RDONLY");
	fd = open("/dev/null", O_PATH);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && S_ISCHR(st.st_mode), "O_PATH on /dev/null");
	CHECK_ERR(write(fd, "z", 1), EBADF, "  and it cannot be written");
	close(fd);

	close(dfd);
	leave_scratch_dir(dir);
	return tap_done();
}
