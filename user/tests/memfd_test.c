/*
 * memfd_test - memfd_create and tmpfs (/dev/shm): read, write, fstat,
 * ftruncate (grow, shrink: SIGBUS past EOF in a mapping, zeros when it
 * grows again), MAP_SHARED stores that reach the file and MAP_PRIVATE
 * copies that do not, sharing across fork, the seals (F_ADD_SEALS,
 * F_GET_SEALS), Linux's errors; and on /dev/shm files and directories
 * (create, rename, readdir, unlink, rmdir, statfs); mount(2) of a tmpfs
 * with size= and mode=, umount2, and their errors. The same binary runs
 * on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/vfs.h>

#include "testutil.h"

#define PG 4096L

#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#define MFD_CLOEXEC_ 0x0001U
#define MFD_ALLOW_SEALING_ 0x0002U
#define TMPFS_MAGIC_ 0x01021994

static long sys_memfd_create(const void *name, unsigned int flags)
{
	return syscall(SYS_memfd_create, name, flags);
}

static sigjmp_buf jb;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* Does reading @p raise SIGBUS? */
static int bus_on_read(volatile char *p)
{
	struct sigaction sa = { .sa_handler = on_bus }, old;
	volatile int r = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(jb, 1) == 0)
		(void)*p;
	else
		r = 1;
	sigaction(SIGBUS, &old, NULL);
	return r;
}

static void test_basics(void)
{
	static char buf[3 * PG], back[3 * PG];
	struct stat st;
	long fd = sys_memfd_create("basic", MFD_CLOEXEC_);
	ssize_t n;

	REQUIRE(fd >= 0, "memfd_create(\"basic\", MFD_CLOEXEC)");
	CHECK_EQ(fcntl((int)fd, F_GETFD), FD_CLOEXEC, "MFD_CLOEXEC sets FD_CLOEXEC");
	CHECK_OK(fstat((int)fd, &st), "fstat");
	CHECK(S_ISREG(st.st_mode) && st.st_size == 0 && st.st_nlink == 0,
	      "a regular file, empty, with no name (mode %o size %ld nlink %ld)",
	      st.st_mode, (long)st.st_size, (long)st.st_nlink);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	n = write((int)fd, buf, 10000);
	CHECK_EQ(n, 10000, "write 10000 bytes");
	CHECK_OK(fstat((int)fd, &st), "fstat after the write");
	CHECK(st.st_size == 10000 && st.st_blocks == 24, "size 10000, 3 pages of blocks (%ld, %ld)",
	      (long)st.st_size, (long)st.st_blocks);
	n = pread((int)fd, back, sizeof(back), 0);
	CHECK(n == 10000 && memcmp(back, buf, 10000) == 0, "pread gives the bytes back (%ld)", (long)n);
	CHECK_EQ(pread((int)fd, back, 10, 10000), 0, "pread at EOF: 0");
	/* A hole reads as zeros. */
	CHECK_EQ(pwrite((int)fd, "x", 1, 5 * PG), 1, "pwrite past EOF");
	n = pread((int)fd, back, PG, 3 * PG);
	CHECK(n == PG && back[0] == 0 && back[PG - 1] == 0, "the hole reads as zeros");
	CHECK_OK(ftruncate((int)fd, 100), "ftruncate shrink to 100");
	CHECK_OK(ftruncate((int)fd, 2 * PG), "ftruncate grow to 2 pages");
	n = pread((int)fd, back, 2 * PG, 0);
	CHECK(n == 2 * PG && memcmp(back, buf, 100) == 0 && back[100] == 0 && back[PG] == 0,
	      "shrink then grow: old bytes kept, the rest zeros");
	CHECK_EQ(lseek((int)fd, 0, SEEK_END), 2 * PG, "lseek SEEK_END");
	close((int)fd);
}

static void test_mmap(void)
{
	long fd = sys_memfd_create("map", 0);
	char *s, *p, c = 0;
	pid_t pid;

	REQUIRE(fd >= 0, "memfd_create(\"map\", 0)");
	REQUIRE(ftruncate((int)fd, 3 * PG) == 0, "ftruncate 3 pages");
	s = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	p = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, (int)fd, 0);
	REQUIRE(s != MAP_FAILED && p != MAP_FAILED, "MAP_SHARED and MAP_PRIVATE maps");
	s[0] = 'a';
	s[2 * PG + 5] = 'b';
	CHECK(pread((int)fd, &c, 1, 2 * PG + 5) == 1 && c == 'b', "a shared store reaches read()");
	CHECK(p[0] == 'a', "the private map sees the file before its own store");
	p[0] = 'z';
	CHECK(pread((int)fd, &c, 1, 0) == 1 && c == 'a' && s[0] == 'a',
	      "a private store does not reach the file");
	CHECK_EQ(pwrite((int)fd, "w", 1, PG), 1, "pwrite");
	CHECK(s[PG] == 'w', "a write() shows in the shared map");
	pid = fork();
	if (pid == 0) {
		s[PG + 1] = 'c';
		_exit(pwrite((int)fd, "d", 1, PG + 2) == 1 ? 0 : 1);
	}
	CHECK_EXIT(wait_child(pid), 0, "child stores and writes");
	CHECK(s[PG + 1] == 'c' && s[PG + 2] == 'd', "the parent sees the child's store and write");
	CHECK_OK(ftruncate((int)fd, PG), "ftruncate to one page while mapped");
	CHECK(bus_on_read(s + 2 * PG), "a shared load past EOF: SIGBUS");
	CHECK(bus_on_read(p + 2 * PG), "a private load past EOF: SIGBUS");
	CHECK_OK(ftruncate((int)fd, 3 * PG), "ftruncate back to 3 pages");
	CHECK(!bus_on_read(s + 2 * PG) && s[2 * PG + 5] == 0, "grown again: zeros, no SIGBUS");
	munmap(s, 3 * PG);
	munmap(p, 3 * PG);
	close((int)fd);
}

static void test_seals(void)
{
	long fd = sys_memfd_create("seal", 0);
	int pfd[2];
	char *s;

	REQUIRE(fd >= 0, "memfd_create without MFD_ALLOW_SEALING");
	CHECK_EQ(fcntl((int)fd, F_GET_SEALS), F_SEAL_SEAL, "sealed against sealing");
	CHECK_ERR(fcntl((int)fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM, "F_ADD_SEALS: EPERM");
	close((int)fd);

	fd = sys_memfd_create("seal2", MFD_ALLOW_SEALING_);
	REQUIRE(fd >= 0, "memfd_create with MFD_ALLOW_SEALING");
	CHECK_EQ(fcntl((int)fd, F_GET_SEALS), 0, "no seals yet");
	CHECK_ERR(fcntl((int)fd, F_ADD_SEALS, 0x100), EINVAL, "an unknown seal: EINVAL");
	REQUIRE(ftruncate((int)fd, 2 * PG) == 0, "ftruncate");
	CHECK_OK(fcntl((int)fd, F_ADD_SEALS, F_SEAL_SHRINK), "F_SEAL_SHRINK");
	CHECK_ERR(ftruncate((int)fd, PG), EPERM, "shrink under F_SEAL_SHRINK: EPERM");
	CHECK_OK(ftruncate((int)fd, 3 * PG), "grow under F_SEAL_SHRINK");
	CHECK_OK(fcntl((int)fd, F_ADD_SEALS, F_SEAL_GROW), "F_SEAL_GROW");
	CHECK_ERR(ftruncate((int)fd, 4 * PG), EPERM, "grow under F_SEAL_GROW: EPERM");
	CHECK_ERR(pwrite((int)fd, "x", 1, 3 * PG), EPERM, "write past EOF under F_SEAL_GROW: EPERM");
	CHECK_EQ(pwrite((int)fd, "x", 1, 0), 1, "write inside under F_SEAL_GROW");
	s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	REQUIRE(s != MAP_FAILED, "a shared writable map");
	CHECK_ERR(fcntl((int)fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY,
		  "F_SEAL_WRITE with a shared writable map: EBUSY");
	munmap(s, PG);
	CHECK_OK(fcntl((int)fd, F_ADD_SEALS, F_SEAL_WRITE), "F_SEAL_WRITE once unmapped");
	CHECK_ERR(pwrite((int)fd, "x", 1, 0), EPERM, "write under F_SEAL_WRITE: EPERM");
	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0) == MAP_FAILED &&
	      errno == EPERM, "a shared writable map under F_SEAL_WRITE: EPERM");
	s = mmap(NULL, PG, PROT_READ, MAP_SHARED, (int)fd, 0);
	CHECK(s != MAP_FAILED && s[0] == 'x', "a read-only shared map under F_SEAL_WRITE");
	if (s != MAP_FAILED)
		munmap(s, PG);
	CHECK_OK(fcntl((int)fd, F_ADD_SEALS, F_SEAL_SEAL), "F_SEAL_SEAL");
	CHECK_EQ(fcntl((int)fd, F_GET_SEALS), F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE,
		 "F_GET_SEALS shows all four");
	CHECK_ERR(fcntl((int)fd, F_ADD_SEALS, 0), EPERM, "after F_SEAL_SEAL: EPERM");
	close((int)fd);
	REQUIRE(pipe(pfd) == 0, "pipe");
	CHECK_ERR(fcntl(pfd[0], F_GET_SEALS), EINVAL, "F_GET_SEALS on a pipe: EINVAL");
	close(pfd[0]);
	close(pfd[1]);
}

static void test_errors(void)
{
	char name[300];
	long fd;

	memset(name, 'n', sizeof(name));
	name[249] = 0;
	fd = sys_memfd_create(name, 0);
	CHECK(fd >= 0, "a 249-byte name");
	if (fd >= 0)
		close((int)fd);
	name[249] = 'n';
	name[250] = 0;
	CHECK_ERR(sys_memfd_create(name, 0), EINVAL, "a 250-byte name: EINVAL");
	CHECK_ERR(sys_memfd_create("x", 0x100), EINVAL, "an unknown flag: EINVAL");
	CHECK_ERR(sys_memfd_create(unmapped_page(), 0), EFAULT, "a bad name pointer: EFAULT");
}

static void test_dev_shm(void)
{
	struct statfs sfs;
	char buf[8] = { 0 };
	DIR *d;
	struct dirent *e;
	int fd, seen = 0;

	/* Faultline mounts it at boot; a bare Linux (the linux-guest
	 * oracle's initramfs) may have no /dev at all. */
	if (running_on_linux() && statfs("/dev/shm", &sfs) != 0) {
		tap_skip("no /dev/shm on this Linux", "/dev/shm");
		return;
	}
	REQUIRE(statfs("/dev/shm", &sfs) == 0, "statfs /dev/shm");
	CHECK_EQ((long)sfs.f_type, (long)TMPFS_MAGIC_, "/dev/shm is a tmpfs");
	(void)mkdir("/dev/shm/memfd_test.d", 0755);     /* a previous run's leftovers go */
	(void)unlink("/dev/shm/memfd_test.d/f");
	(void)unlink("/dev/shm/memfd_test.d/g");
	(void)rmdir("/dev/shm/memfd_test.d");
	CHECK_OK(mkdir("/dev/shm/memfd_test.d", 0755), "mkdir on /dev/shm");
	fd = open("/dev/shm/memfd_test.d/f", O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0, "create a file");
	CHECK_EQ(write(fd, "hello", 5), 5, "write it");
	CHECK_EQ(fcntl(fd, F_GET_SEALS), F_SEAL_SEAL, "a file made by open: F_SEAL_SEAL");
	CHECK_ERR(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM, "and it cannot be sealed: EPERM");
	close(fd);
	CHECK_OK(rename("/dev/shm/memfd_test.d/f", "/dev/shm/memfd_test.d/g"), "rename it");
	fd = open("/dev/shm/memfd_test.d/g", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0,
	      "reopened under the new name: the same bytes");
	if (fd >= 0)
		close(fd);
	d = opendir("/dev/shm/memfd_test.d");
	while (d && (e = readdir(d)) != NULL)
		seen |= !strcmp(e->d_name, "g") ? 1 : !strcmp(e->d_name, "f") ? 2 : 0;
	if (d)
		closedir(d);
	CHECK_EQ(seen, 1, "readdir lists g and not f");
	CHECK_ERR(rmdir("/dev/shm/memfd_test.d"), ENOTEMPTY, "rmdir of a non-empty dir: ENOTEMPTY");
	CHECK_OK(unlink("/dev/shm/memfd_test.d/g"), "unlink");
	CHECK_ERR(open("/dev/shm/memfd_test.d/g", O_RDONLY), ENOENT, "gone: ENOENT");
	CHECK_OK(rmdir("/dev/shm/memfd_test.d"), "rmdir");
}

static int unpriv_mount(const char *dir)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (setuid(65534) != 0)
			_exit(2);
		if (mount("none", dir, "tmpfs", 0, NULL) == 0 || errno != EPERM)
			_exit(3);
		_exit(umount2(dir, 0) == 0 || errno != EPERM ? 4 : 0);
	}
	return wait_child(pid);
}

static void test_mount(void)
{
	static char page[PG];
	const char *dir = "memfd_test.mnt";
	struct statfs sfs;
	struct stat st;
	int fd, i;
	ssize_t n = 0;

	(void)umount2(dir, 0);
	(void)rmdir(dir);
	REQUIRE(mkdir(dir, 0755) == 0, "mkdir the mount point");
	REQUIRE(close(open("memfd_test.file", O_CREAT | O_WRONLY, 0600)) == 0, "a plain file");
	CHECK_ERR(mount("none", dir, "nosuchfs", 0, NULL), ENODEV, "an unknown type: ENODEV");
	CHECK_ERR(mount("none", "memfd_test.none/x", "tmpfs", 0, NULL), ENOENT,
		  "a missing target: ENOENT");
	CHECK_ERR(mount("none", "memfd_test.file", "tmpfs", 0, NULL), ENOTDIR,
		  "a file as the target: ENOTDIR");
	CHECK_ERR(mount("none", dir, "tmpfs", 0, "bogus=1"), EINVAL, "an unknown option: EINVAL");
	CHECK_ERR(umount2(dir, 0), EINVAL, "umount2 of a directory that is no mount: EINVAL");
	CHECK_ERR(umount2(dir, 0x100), EINVAL, "umount2 with an unknown flag: EINVAL");
	CHECK_EXIT(unpriv_mount(dir), 0, "mount and umount2 by a non-root user: EPERM");
	CHECK_OK(mount("none", dir, "tmpfs", 0, "size=64k,mode=0700"), "mount tmpfs size=64k,mode=0700");
	CHECK(stat(dir, &st) == 0 && st.st_mode == (S_IFDIR | 0700), "the root's mode is 0700 (%o)",
	      st.st_mode);
	CHECK(statfs(dir, &sfs) == 0 && sfs.f_type == TMPFS_MAGIC_ && sfs.f_blocks * sfs.f_bsize == 65536,
	      "statfs: tmpfs of 64 KiB");
	fd = open("memfd_test.mnt/f", O_CREAT | O_RDWR, 0600);
	REQUIRE(fd >= 0, "create a file on it");
	for (i = 0; i < 16; i++)
		n += write(fd, page, PG);
	CHECK_EQ(n, 16 * PG, "16 pages fit in size=64k");
	CHECK_ERR(write(fd, page, 1), ENOSPC, "one byte more: ENOSPC");
	CHECK_OK(ftruncate(fd, 8 * PG), "ftruncate to 8 pages gives space back");
	CHECK_EQ(write(fd, page, PG), PG, "a page fits again");
	CHECK_ERR(umount2(dir, 0), EBUSY, "umount2 with a file open: EBUSY");
	close(fd);
	CHECK_OK(umount2(dir, 0), "umount2 once closed");
	CHECK_ERR(stat("memfd_test.mnt/f", &st), ENOENT, "its files are gone with it");
	CHECK(stat(dir, &st) == 0 && st.st_mode == (S_IFDIR | 0755), "the covered directory is back");
	rmdir(dir);
	unlink("memfd_test.file");
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("memfd", dir, sizeof(dir)) == 0, "scratch directory");
	test_basics();
	test_mmap();
	test_seals();
	test_errors();
	test_mount();
	test_dev_shm();
	leave_scratch_dir(dir);
	return tap_done();
}
