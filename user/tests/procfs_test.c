/*
 * procfs_test - the /proc files, devices and calls that ps, top, pidof,
 * df, mount, sysctl, dmesg and uptime read, in Linux's formats
 * (docs/pseudofs.md, docs/syscalls.md):
 *
 *   /proc/PID/stat     52 fields; pid, comm, ppid, pgrp, session, threads
 *                      and nice parse back right, for self and a child
 *   statm, cmdline, environ, comm (and PR_SET_NAME / PR_GET_NAME)
 *   /proc/PID/fd/      links naming the file, "pipe:[INO]", " (deleted)";
 *                      the directory lists the open descriptors
 *   cwd, root, /proc/self, /proc/thread-self, /proc/mounts, mountinfo,
 *   /proc/uptime, /proc/loadavg, /proc/sys/kernel/{hostname,ostype,osrelease}
 *   sethostname's errors; getrandom's flags; /dev/{urandom,random,full,tty}
 *   syslog (klogctl) reads and errors; getpriority/setpriority and their
 *   EPERM/EACCES rules for another user
 *
 * Runs on Linux too (make test-linux): checks compare with what the same
 * program learns from other calls, never with Faultline's own values. The
 * checks as another user run in a child that took uid 1000 and need root.
 */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <stdbool.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>

#include "testutil.h"

static char buf[65536];

static int count_fields(const char *s)
{
	int n = 0;

	for (const char *p = s; *p; p++)
		if (*p != ' ' && *p != '\n' && (p == s || p[-1] == ' '))
			n++;
	return n;
}

/* /proc/PID/stat parsed: the fields after "(comm)" start at field 3. */
struct pstat {
	int pid, ppid, pgrp, sid, threads;
	long prio, nice;
	char comm[64], state;
	int fields;
};

static int read_stat(int pid, struct pstat *ps)
{
	char path[64], *open_paren, *close_paren;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren[1] != ' ')
		return -1;
	*close_paren = '\0';
	snprintf(ps->comm, sizeof(ps->comm), "%s", open_paren + 1);
	ps->pid = atoi(buf);
	ps->fields = 2 + count_fields(close_paren + 2);
	if (sscanf(close_paren + 2, "%c %d %d %d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
		   "%ld %ld %d", &ps->state, &ps->ppid, &ps->pgrp, &ps->sid, &ps->prio, &ps->nice,
		   &ps->threads) != 7)
		return -1;
	return 0;
}

static void test_stat(void)
{
	struct pstat ps;
	int p[2], status;
	pid_t child;

	REQUIRE(read_stat(getpid(), &ps) == 0, "/proc/self/stat parses");
	CHECK_EQ(ps.fields, 52, "stat has Linux's 52 fields");
	CHECK_EQ(ps.pid, getpid(), "stat: pid");
	CHECK_EQ(ps.ppid, getppid(), "stat: ppid");
	CHECK_EQ(ps.pgrp, getpgrp(), "stat: pgrp");
	CHECK_EQ(ps.sid, getsid(0), "stat: session");
	CHECK_EQ(ps.threads, 1, "stat: num_threads");
	CHECK(ps.state == 'R', "stat: the reader is running (%c)", ps.state);
	CHECK_EQ(ps.prio, 20 + ps.nice, "stat: priority is 20 + nice");
	CHECK(strcmp(ps.comm, "procfs_test") == 0, "stat: comm (%s)", ps.comm);

	REQUIRE(pipe(p) == 0, "pipe");
	child = fork();
	if (child == 0) {
		char c;

		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);
	}
	close(p[0]);
	for (int i = 0; i < 200; i++) {
		if (read_stat(child, &ps) == 0 && ps.state == 'S')
			break;
		usleep(10000);
	}
	CHECK(read_stat(child, &ps) == 0 && ps.ppid == getpid() && ps.pid == child,
	      "a child's stat: its pid and ppid");
	CHECK(ps.state == 'S', "a child blocked in read is sleeping (%c)", ps.state);
	close(p[1]);
	waitpid(child, &status, 0);
	CHECK_EXIT(status, 0, "child");

	CHECK(read_file("/proc/self/statm", buf, sizeof(buf)) > 0 && count_fields(buf) == 7,
	      "statm has 7 fields");
	{
		unsigned int r = 1, e = 1, sv = 1, f = 1;
		uid_t rr, ee, ss;
		char *uid = read_file("/proc/self/status", buf, sizeof(buf)) > 0 ?
			    strstr(buf, "\nUid:\t") : NULL;

		getresuid(&rr, &ee, &ss);
		CHECK(uid && sscanf(uid, "\nUid:\t%u\t%u\t%u\t%u", &r, &e, &sv, &f) == 4 &&
		      r == rr && e == ee && sv == ss && f == ee,
		      "status: Uid is real, effective, saved, fs");
	}
}

static void test_cmdline_environ_comm(int argc, char **argv, char **envp)
{
	char want[8192], name[32];
	size_t len = 0;
	ssize_t n;

	for (int i = 0; i < argc; i++) {
		memcpy(want + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]) + 1;
	}
	n = read_file("/proc/self/cmdline", buf, sizeof(buf));
	CHECK(n == (ssize_t)len && memcmp(buf, want, len) == 0,
	      "cmdline is argv, each string ending in NUL");
	len = 0;
	for (char **e = envp; *e && len + strlen(*e) + 1 < sizeof(want); e++) {
		memcpy(want + len, *e, strlen(*e) + 1);
		len += strlen(*e) + 1;
	}
	n = read_file("/proc/self/environ", buf, sizeof(buf));
	CHECK(n == (ssize_t)len && memcmp(buf, want, len) == 0, "environ is the environment");

	CHECK(read_file("/proc/self/comm", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, "procfs_test\n") == 0, "comm");
	CHECK_OK(prctl(PR_SET_NAME, "procfs-renamed-to-a-long-name"), "PR_SET_NAME");
	memset(name, 'x', sizeof(name));
	CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "procfs-renamed-") == 0,
	      "PR_GET_NAME: 15 bytes and a NUL (%.16s)", name);
	CHECK(read_file("/proc/self/comm", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, "procfs-renamed-\n") == 0, "comm follows PR_SET_NAME");
	CHECK(write_file("/proc/self/comm", "procfs_test") == 0 &&
	      read_file("/proc/self/comm", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, "procfs_test\n") == 0, "a write to comm renames");
}

static ssize_t link_of(const char *path, char *out, size_t size)
{
	ssize_t n = readlink(path, out, size - 1);

	out[n < 0 ? 0 : n] = '\0';
	return n;
}

static bool fd_listed(int fd)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	bool found = false;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (atoi(de->d_name) == fd && de->d_name[0] != '.')
			found = de->d_type == DT_LNK;
	closedir(d);
	return found;
}

static void test_links(void)
{
	char cwd[512], want[600], got[600], path[64];
	struct stat st;
	int fd, p[2];

	REQUIRE(getcwd(cwd, sizeof(cwd)), "getcwd");
	fd = open("fdfile", O_CREAT | O_RDWR, 0644);
	REQUIRE(fd >= 0, "open fdfile");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(want, sizeof(want), "%s/fdfile", cwd);
	CHECK(link_of(path, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "fd/N names the file (%s)", got);
	CHECK(fd_listed(fd), "fd/ lists the descriptor as a link");
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0700) == 0700,
	      "fd/N of an O_RDWR file is lrwx");
	unlink("fdfile");
	snprintf(want, sizeof(want), "%s/fdfile (deleted)", cwd);
	CHECK(link_of(path, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "fd/N of an unlinked file ends in \" (deleted)\"");
	close(fd);
	CHECK_ERR(readlink(path, got, sizeof(got)), ENOENT, "fd/N of a closed fd: ENOENT");
	fd = fcntl(1, F_DUPFD, 60);             /* above what opendir will take */
	close(fd);
	CHECK(fd >= 60 && !fd_listed(fd), "a closed descriptor is not listed");

	REQUIRE(pipe(p) == 0 && fstat(p[0], &st) == 0, "pipe");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	snprintf(want, sizeof(want), "pipe:[%lu]", (unsigned long)st.st_ino);
	CHECK(link_of(path, got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "a pipe's link is pipe:[INO] (%s)", got);
	close(p[0]);
	close(p[1]);

	CHECK(link_of("/proc/self/cwd", got, sizeof(got)) > 0 && strcmp(got, cwd) == 0,
	      "cwd links to the cwd");
	CHECK(link_of("/proc/self/root", got, sizeof(got)) > 0 && strcmp(got, "/") == 0,
	      "root links to /");
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK(link_of("/proc/self", got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "/proc/self links to the pid");
	snprintf(want, sizeof(want), "%d/task/%ld", getpid(), syscall(SYS_gettid));
	CHECK(link_of("/proc/thread-self", got, sizeof(got)) > 0 && strcmp(got, want) == 0,
	      "/proc/thread-self links to PID/task/TID");
}

static void test_mounts_and_misc(void)
{
	char mounts[8192], dev[128], dir[128], type[64], opts[128];
	double up, idle, l1, l5, l15;
	int a, b, last, n;
	struct utsname u;
	bool root_seen = false;
	char *line, *save;

	REQUIRE(read_file("/proc/mounts", mounts, sizeof(mounts)) > 0, "/proc/mounts");
	CHECK(read_file("/proc/self/mounts", buf, sizeof(buf)) > 0 && strcmp(buf, mounts) == 0,
	      "/proc/mounts is /proc/self/mounts");
	for (line = strtok_r(mounts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%127s %127s %63s %127s %d %d", dev, dir, type, opts, &a, &b) != 6)
			break;
		root_seen |= strcmp(dir, "/") == 0;
	}
	CHECK(!line && root_seen, "mounts: 6 fields a line, the root among them");
	CHECK(read_file("/proc/self/mountinfo", buf, sizeof(buf)) > 0 && strstr(buf, " / / ") &&
	      strstr(buf, " - "), "mountinfo: the root line and the separator");

	CHECK(read_file("/proc/uptime", buf, sizeof(buf)) > 0 &&
	      sscanf(buf, "%lf %lf", &up, &idle) == 2 && up > 0, "uptime: two numbers");
	n = read_file("/proc/loadavg", buf, sizeof(buf)) > 0 ?
	    sscanf(buf, "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &a, &b, &last) : 0;
	CHECK(n == 6 && a >= 1 && b >= a && last > 0, "loadavg: 3 averages, R/T, last pid");

	REQUIRE(uname(&u) == 0, "uname");
	snprintf(dev, sizeof(dev), "%s\n", u.nodename);
	CHECK(read_file("/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, dev) == 0, "kernel/hostname is uname's nodename");
	snprintf(dev, sizeof(dev), "%s\n", u.sysname);
	CHECK(read_file("/proc/sys/kernel/ostype", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, dev) == 0, "kernel/ostype is uname's sysname");
	snprintf(dev, sizeof(dev), "%s\n", u.release);
	CHECK(read_file("/proc/sys/kernel/osrelease", buf, sizeof(buf)) > 0 &&
	      strcmp(buf, dev) == 0, "kernel/osrelease is uname's release");
	CHECK_ERR(sethostname("x", 65), geteuid() ? EPERM : EINVAL,
		  "sethostname of 65 bytes: EINVAL (EPERM for a user)");
	if (!running_on_linux() && geteuid() == 0) {
		/* (not on the host: the oracle's name is not ours to change) */
		CHECK(sethostname("proctest", 8) == 0 && uname(&u) == 0 &&
		      strcmp(u.nodename, "proctest") == 0 &&
		      read_file("/proc/sys/kernel/hostname", buf, sizeof(buf)) > 0 &&
		      strcmp(buf, "proctest\n") == 0, "sethostname: uname and the sysctl follow");
		CHECK(write_file("/proc/sys/kernel/hostname", "faultline\n") == 0 &&
		      uname(&u) == 0 && strcmp(u.nodename, "faultline") == 0,
		      "a write to kernel/hostname renames");
	}
}

static void test_random_devices(void)
{
	unsigned char a[32], b[32], zero[32] = { 0 };
	struct stat st;
	int fd;

	CHECK_ERR(syscall(SYS_getrandom, a, sizeof(a), 8), EINVAL, "getrandom: unknown flag");
	CHECK_ERR(syscall(SYS_getrandom, a, sizeof(a), 2 | 4), EINVAL,
		  "getrandom: GRND_RANDOM with GRND_INSECURE");
	CHECK_EQ(syscall(SYS_getrandom, a, 0, 0), 0, "getrandom of 0 bytes");
	CHECK(syscall(SYS_getrandom, a, sizeof(a), 1) == 32 &&
	      syscall(SYS_getrandom, b, sizeof(b), 2) == 32 && memcmp(a, b, 32) != 0 &&
	      memcmp(a, zero, 32) != 0, "getrandom: two draws differ");
	CHECK_ERR(syscall(SYS_getrandom, (void *)8, 16, 0), EFAULT, "getrandom: EFAULT");
	fd = open("/dev/urandom", O_RDONLY);
	CHECK(fd >= 0 && read(fd, a, 32) == 32 && memcmp(a, zero, 32) != 0, "/dev/urandom");
	close(fd);
	CHECK(stat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	      minor(st.st_rdev) == 9, "/dev/urandom is 1:9");
	CHECK(stat("/dev/random", &st) == 0 && minor(st.st_rdev) == 8, "/dev/random is 1:8");
	CHECK(stat("/dev/full", &st) == 0 && minor(st.st_rdev) == 7, "/dev/full is 1:7");
	CHECK(stat("/dev/tty", &st) == 0 && major(st.st_rdev) == 5 && minor(st.st_rdev) == 0,
	      "/dev/tty is 5:0");
	fd = open("/dev/full", O_RDWR);
	REQUIRE(fd >= 0, "open /dev/full");
	CHECK_ERR(write(fd, "x", 1), ENOSPC, "/dev/full: writes fail with ENOSPC");
	memset(a, 1, sizeof(a));
	CHECK(read(fd, a, 32) == 32 && memcmp(a, zero, 32) == 0, "/dev/full reads zeros");
	close(fd);
}

/* In a child: a new session has no controlling terminal. */
static void test_dev_tty(void)
{
	pid_t child = fork();
	int status;

	if (child == 0) {
		if (setsid() < 0)
			_exit(2);
		_exit(open("/dev/tty", O_RDWR) < 0 && errno == ENXIO ? 0 : 1);
	}
	waitpid(child, &status, 0);
	CHECK_EXIT(status, 0, "/dev/tty without a controlling terminal: ENXIO");
}

static void test_syslog(void)
{
	int size = klogctl(10, NULL, 0), n;

	CHECK(size > 0, "syslog SIZE_BUFFER");
	CHECK_ERR(klogctl(11, NULL, 0), EINVAL, "syslog: unknown action EINVAL");
	if (geteuid() != 0)
		return;
	CHECK_ERR(klogctl(3, NULL, 10), EINVAL, "syslog READ_ALL of NULL: EINVAL");
	CHECK_ERR(klogctl(3, buf, -1), EINVAL, "syslog READ_ALL of len -1: EINVAL");
	CHECK_ERR(klogctl(8, NULL, 0), EINVAL, "syslog CONSOLE_LEVEL 0: EINVAL");
	CHECK_EQ(klogctl(3, buf, 0), 0, "syslog READ_ALL of 0 bytes");
	n = klogctl(3, buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	CHECK(n > 0 && buf[0] == '<' && buf[2] == '>' && buf[n - 1] == '\n',
	      "syslog READ_ALL: whole lines, each with its <level>");
	CHECK(klogctl(9, NULL, 0) >= 0, "syslog SIZE_UNREAD");
}

/* A user's child: each failing call sets a bit. */
static int as_user_checks(int parent)
{
	int bad = 0;

	errno = 0;
	if (setpriority(PRIO_PROCESS, 0, 10) != 0)
		bad |= 1;
	if (setpriority(PRIO_PROCESS, 0, 5) != -1 || errno != EACCES)
		bad |= 2;                       /* lowering nice needs privilege */
	if (setpriority(PRIO_PROCESS, parent, 12) != -1 || errno != EPERM)
		bad |= 4;                       /* root's process */
	if (sethostname("x", 1) != -1 || errno != EPERM)
		bad |= 8;
	if (open("/proc/sys/kernel/hostname", O_WRONLY) != -1 || errno != EACCES)
		bad |= 16;
	if (klogctl(5, NULL, 0) != -1 || errno != EPERM)
		bad |= 32;                      /* CLEAR needs CAP_SYSLOG */
	{
		struct stat st;

		if (stat("/proc/self", &st) != 0 || st.st_uid != 1000 || st.st_gid != 1000)
			bad |= 64;              /* ps names the user from this */
	}
	return bad;
}

static void test_priority(void)
{
	struct pstat ps;
	pid_t child;
	int status, base = getpriority(PRIO_PROCESS, 0);

	CHECK_ERR(getpriority(3, 0), EINVAL, "getpriority: bad which");
	CHECK_ERR(setpriority(3, 0, 0), EINVAL, "setpriority: bad which");
	CHECK_EQ(syscall(SYS_getpriority, PRIO_PROCESS, 0), 20 - base,
		 "the raw getpriority gives 20 - nice");
	child = fork();
	if (child == 0)
		_exit(setpriority(PRIO_PROCESS, 0, base + 3) == 0 && read_stat(getpid(), &ps) == 0 &&
		      ps.nice == base + 3 && getpriority(PRIO_PROCESS, 0) == base + 3 &&
		      setpriority(PRIO_PROCESS, 0, 100) == 0 &&
		      getpriority(PRIO_PROCESS, 0) == 19 ? 0 : 1);
	waitpid(child, &status, 0);
	CHECK_EXIT(status, 0, "setpriority: stat and getpriority follow; 100 clamps to 19");
	CHECK_ERR(setpriority(PRIO_PROCESS, child, 0), ESRCH, "setpriority of a reaped pid");

	if (geteuid() != 0) {
		tap_skip("not root", "checks as another user");
		return;
	}
	child = fork();
	if (child == 0) {
		int parent = getppid();

		if (setgid(1000) || setuid(1000))
			_exit(64);
		_exit(as_user_checks(parent));
	}
	waitpid(child, &status, 0);
	CHECK_EXIT(status, 0, "as a user: EACCES to lower nice, EPERM for root's process, "
		   "sethostname, hostname's mode, syslog CLEAR; /proc/PID is the user's");
}

int main(int argc, char **argv, char **envp)
{
	char dir[64];

	test_stat();
	test_cmdline_environ_comm(argc, argv, envp);
	REQUIRE(enter_scratch_dir("procfs", dir, sizeof(dir)) == 0, "scratch directory");
	test_links();
	leave_scratch_dir(dir);
	test_mounts_and_misc();
	test_random_devices();
	test_dev_tty();
	test_syslog();
	test_priority();
	return tap_done();
}
