/*
 * mknod_test - mknod and mknodat, FIFOs and device nodes on the disk:
 *   - mknod's types and errors (regular file for type 0, EPERM for a
 *     directory or, for an unprivileged caller, a device; EINVAL for an
 *     unknown type; EEXIST), the umask, st_rdev, getdents d_type;
 *   - a FIFO as a pipe between separate opens: blocking opens that wait
 *     for the other side, O_NONBLOCK (a reader does not wait, a writer
 *     gets ENXIO), O_RDWR never waiting, EOF after the last writer, EPIPE
 *     without readers, EINTR for an open interrupted by a signal, data
 *     gone with the last close, ESPIPE;
 *   - character device nodes that reach the driver with their number
 *     (1:3 null, 1:5 zero), ENXIO for numbers with no driver, block
 *     device and socket nodes ENXIO.
 * On Faultline it leaves a FIFO, a device and a socket node in
 * "mknod_test.fsck/" for the e2fsck run that closes make test.
 */
#define _GNU_SOURCE 1
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "testutil.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long sys_mknod(const char *path, long mode, long dev)
{
	return syscall(SYS_mknod, path, mode, dev);
}

static int dtype_of(const char *name)
{
	char buf[1024];
	int fd = open(".", O_RDONLY | O_DIRECTORY), type = -1;
	long n;

	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);

			if (!strcmp(de->d_name, name))
				type = de->d_type;
			off += de->d_reclen;
		}
	close(fd);
	return type;
}

static int unpriv_mknod_fn(void *arg)
{
	(void)arg;
	if (setresuid(1000, 1000, 1000))
		return 100;
	if (sys_mknod("udev", S_IFCHR | 0600, makedev(1, 3)) != -1 || errno != EPERM)
		return 1;
	if (mkfifo("ufifo", 0600))
		return 2;
	return 0;
}

static void test_mknod(void)
{
	struct stat st;

	umask(022);
	CHECK_OK(sys_mknod("fifo", S_IFIFO | 0666, 0), "mknod S_IFIFO");
	CHECK_OK(stat("fifo", &st), "stat it");
	CHECK_EQ(st.st_mode, S_IFIFO | 0644, "a FIFO, 0666 & ~umask");
	CHECK_EQ(st.st_size, 0, "size 0");
	CHECK_EQ(dtype_of("fifo"), DT_FIFO, "getdents: DT_FIFO");
	CHECK_OK(sys_mknod("reg", 0644, 0), "mknod type 0");
	CHECK_OK(stat("reg", &st), "stat it");
	CHECK(S_ISREG(st.st_mode), "is a regular file");
	CHECK_OK(sys_mknod("reg2", S_IFREG | 0600, 0), "mknod S_IFREG");
	CHECK_ERR(sys_mknod("dir", S_IFDIR | 0755, 0), EPERM, "S_IFDIR: EPERM");
	CHECK_ERR(sys_mknod("bad", 0170000 | 0644, 0), EINVAL, "an unknown type: EINVAL");
	CHECK_ERR(sys_mknod("bad", 0030000 | 0644, 0), EINVAL, "another: EINVAL");
	CHECK_ERR(sys_mknod("fifo", S_IFIFO | 0644, 0), EEXIST, "an existing name: EEXIST");
	CHECK_ERR(sys_mknod("nodir/x", S_IFIFO | 0644, 0), ENOENT, "in a missing dir: ENOENT");
	CHECK_ERR(sys_mknod((char *)UNMAPPED_ADDR, S_IFIFO, 0), EFAULT, "a bad path: EFAULT");
	CHECK_OK(mknodat(AT_FDCWD, "fifo2", S_IFIFO | 0600, 0), "mknodat");
	CHECK_OK(sys_mknod("cdev", S_IFCHR | 0600, makedev(1, 3)), "mknod a character device");
	CHECK_OK(stat("cdev", &st), "stat it");
	CHECK(S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3), "S_IFCHR, st_rdev 1:3");
	CHECK_EQ(dtype_of("cdev"), DT_CHR, "getdents: DT_CHR");
	CHECK_OK(sys_mknod("bigdev", S_IFCHR | 0600, makedev(300, 70000)), "a big device number");
	CHECK_OK(stat("bigdev", &st), "stat it");
	CHECK(major(st.st_rdev) == 300 && minor(st.st_rdev) == 70000, "kept whole (300:70000)");
	CHECK_OK(sys_mknod("bdev", S_IFBLK | 0600, makedev(240, 0)), "mknod a block device");
	CHECK_OK(stat("bdev", &st), "stat it");
	CHECK(S_ISBLK(st.st_mode) && st.st_rdev == makedev(240, 0), "S_IFBLK, st_rdev 240:0");
	CHECK_OK(sys_mknod("sock", S_IFSOCK | 0600, 0), "mknod a socket");
	CHECK_OK(stat("sock", &st), "stat it");
	CHECK(S_ISSOCK(st.st_mode), "S_IFSOCK");
	chmod(".", 0777);
	CHECK_EXIT(run_in_child(unpriv_mknod_fn, NULL), 0,
		   "unprivileged: a device EPERM, a FIFO allowed");
}

static void test_devices(void)
{
	char buf[16];
	int fd;

	fd = open("cdev", O_RDWR);
	CHECK(fd >= 0, "open the 1:3 node");
	CHECK_EQ(write(fd, "abc", 3), 3, "writes vanish (null)");
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0, "reads see EOF");
	close(fd);
	sys_mknod("zero", S_IFCHR | 0600, makedev(1, 5));
	fd = open("zero", O_RDONLY);
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(read(fd, buf, sizeof(buf)), (long)sizeof(buf), "the 1:5 node reads");
	CHECK(buf[0] == 0 && buf[15] == 0, "zeros");
	close(fd);
	sys_mknod("nodev", S_IFCHR | 0600, makedev(241, 7));
	CHECK_ERR(open("nodev", O_RDONLY), ENXIO, "a number with no driver: ENXIO");
	CHECK_ERR(open("bdev", O_RDONLY), ENXIO, "a block device with no driver: ENXIO");
	CHECK_ERR(open("sock", O_RDONLY), ENXIO, "a socket node: ENXIO");
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int writer_fn(void *arg)
{
	int fd = open("fifo", O_WRONLY);        /* waits for the reader */

	(void)arg;
	if (fd < 0)
		return 1;
	if (write(fd, "ping", 4) != 4)
		return 2;
	close(fd);
	return 0;
}

static int reader_fn(void *arg)
{
	char buf[8] = { 0 };
	int fd = open("fifo", O_RDONLY);        /* waits for the writer */

	(void)arg;
	if (fd < 0)
		return 1;
	if (read(fd, buf, sizeof(buf)) != 4 || memcmp(buf, "pong", 4))
		return 2;
	return 0;
}

static void test_fifo(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	char buf[16] = { 0 };
	int r, w, rw, status;
	pid_t pid;

	r = open("fifo", O_RDONLY | O_NONBLOCK);
	CHECK(r >= 0, "O_RDONLY | O_NONBLOCK with no writer: opens at once");
	CHECK_EQ(read(r, buf, sizeof(buf)), 0, "and reads EOF");
	close(r);
	CHECK_ERR(open("fifo", O_WRONLY | O_NONBLOCK), ENXIO,
		  "O_WRONLY | O_NONBLOCK with no reader: ENXIO");
	r = open("fifo", O_RDONLY | O_NONBLOCK);
	w = open("fifo", O_WRONLY | O_NONBLOCK);
	CHECK(w >= 0, "with a reader: the writer opens");
	CHECK_EQ(write(w, "hello", 5), 5, "write");
	CHECK_EQ(read(r, buf, sizeof(buf)), 5, "the other open reads it");
	CHECK(!memcmp(buf, "hello", 5), "the same bytes");
	CHECK_ERR(read(r, buf, sizeof(buf)), EAGAIN, "empty, a writer open: EAGAIN");
	CHECK_ERR(lseek(r, 0, SEEK_SET), ESPIPE, "lseek: ESPIPE");
	close(w);
	CHECK_EQ(read(r, buf, sizeof(buf)), 0, "the writer gone: EOF");
	w = open("fifo", O_WRONLY | O_NONBLOCK);
	close(r);
	signal(SIGPIPE, SIG_IGN);
	CHECK_ERR(write(w, "x", 1), EPIPE, "no reader left: EPIPE");
	close(w);

	rw = open("fifo", O_RDWR);
	CHECK(rw >= 0, "O_RDWR opens without waiting");
	CHECK_EQ(write(rw, "left", 4), 4, "write into it");
	close(rw);
	rw = open("fifo", O_RDWR | O_NONBLOCK);
	CHECK_ERR(read(rw, buf, sizeof(buf)), EAGAIN, "the last close dropped the data");
	close(rw);

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(writer_fn(NULL));
	r = open("fifo", O_RDONLY);
	CHECK(r >= 0, "a blocking reader meets a blocking writer");
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(read_all(r, buf, 4), 4, "reads what it wrote");
	CHECK(!memcmp(buf, "ping", 4), "ping");
	close(r);
	CHECK_EXIT(wait_child(pid), 0, "the writer's open waited for us, then wrote");

	pid = fork();
	if (pid == 0)
		_exit(reader_fn(NULL));
	w = open("fifo", O_WRONLY);
	CHECK(w >= 0, "a blocking writer meets a blocking reader");
	CHECK_EQ(write(w, "pong", 4), 4, "writes");
	close(w);
	CHECK_EXIT(wait_child(pid), 0, "the reader read it");

	sigaction(SIGUSR1, &sa, NULL);          /* no SA_RESTART */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		sleep_ms(100);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	CHECK_ERR(open("fifo", O_WRONLY), EINTR, "a waiting open ends with EINTR on a signal");
	status = wait_child(pid);
	(void)status;
	CHECK_OK(unlink("fifo"), "unlink the FIFO");
}

static void leave_for_fsck(const char *top)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/mknod_test.fsck", top);
	remove_tree(path);
	if (mkdir(path, 0755))
		return;
	snprintf(path, sizeof(path), "%s/mknod_test.fsck/fifo", top);
	mkfifo(path, 0644);
	snprintf(path, sizeof(path), "%s/mknod_test.fsck/null", top);
	sys_mknod(path, S_IFCHR | 0666, makedev(1, 3));
	snprintf(path, sizeof(path), "%s/mknod_test.fsck/big", top);
	sys_mknod(path, S_IFBLK | 0600, makedev(300, 70000));
	snprintf(path, sizeof(path), "%s/mknod_test.fsck/sock", top);
	sys_mknod(path, S_IFSOCK | 0600, 0);
}

int main(void)
{
	char top[4096], scratch[256];

	if (getuid() != 0) {
		tap_skip("needs root (device nodes)", "mknod_test");
		return tap_done();
	}
	REQUIRE(getcwd(top, sizeof(top)) != NULL, "getcwd");
	REQUIRE(enter_scratch_dir("mknod_test", scratch, sizeof(scratch)) == 0,
		"enter a scratch directory");
	test_mknod();
	test_devices();
	test_fifo();
	leave_scratch_dir(scratch);
	if (!running_on_linux())
		leave_for_fsck(top);
	return tap_done();
}
