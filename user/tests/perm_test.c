/*
 * perm_test - credentials, permissions and attributes:
 *   - the id calls: setuid/setgid, setreuid, setresuid/setresgid,
 *     setfsuid, setgroups/getgroups, with Linux's rules for root and for
 *     an unprivileged process (the saved uid, EPERM, EINVAL);
 *   - permission checks by owner, group, supplementary group and others,
 *     root's override (and its one limit: executing a file with no x
 *     bit), directory search and write, the sticky bit, access() with the
 *     real ids, execve needing x (not r);
 *   - chmod, fchmod, fchmodat, chown, fchown, lchown, fchownat: -1,
 *     EPERM for non-owners, the set-user-ID and set-group-ID bits cleared
 *     as Linux clears them, ctime;
 *   - utimensat (UTIME_NOW, UTIME_OMIT, NULL, AT_SYMLINK_NOFOLLOW, EINVAL,
 *     EACCES versus EPERM), futimens, utimes.
 * Checks as another user run in a child that took uid/gid 1000 (groups
 * 1000 and 2000) and exits with 0 or the errno of the one call it made.
 * Needs root; on a Linux host without it, it skips.
 */
#define _GNU_SOURCE 1
#include <grp.h>
#include <unistd.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "testutil.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define USER 1000
#define GROUP 1000
#define SUPP 2000

enum op_kind { OP_OPEN, OP_STAT, OP_CREATE, OP_UNLINK, OP_CHMOD, OP_CHOWN,
	       OP_UTIMENS, OP_ACCESS, OP_EACCESS, OP_EXEC, OP_TRUNCATE, OP_CHDIR,
	       OP_MKDIR, OP_SYMLINK, OP_RENAME, OP_LINK };

struct op {
	enum op_kind kind;
	const char *path;
	long a, b;
	const struct timespec *ts;
	const char *path2;              /* rename's and link's new name */
};

static int do_op(const struct op *o)
{
	struct stat st;
	long r = 0;

	switch (o->kind) {
	case OP_OPEN:
		r = open(o->path, (int)o->a);
		break;
	case OP_STAT:
		r = stat(o->path, &st);
		break;
	case OP_CREATE:
		r = open(o->path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		break;
	case OP_UNLINK:
		r = unlink(o->path);
		break;
	case OP_CHMOD:
		r = syscall(SYS_chmod, o->path, o->a);
		break;
	case OP_CHOWN:
		r = syscall(SYS_chown, o->path, o->a, o->b);
		break;
	case OP_UTIMENS:
		r = syscall(SYS_utimensat, AT_FDCWD, o->path, o->ts, 0);
		break;
	case OP_ACCESS:
		r = syscall(SYS_access, o->path, o->a);
		break;
	case OP_EACCESS:
		r = syscall(SYS_faccessat2, AT_FDCWD, o->path, o->a, AT_EACCESS);
		break;
	case OP_EXEC: {
		char *argv[] = { (char *)o->path, "--exit", NULL };

		r = execve(o->path, argv, (char *[]){ NULL });
		break;
	}
	case OP_TRUNCATE:
		r = syscall(SYS_truncate, o->path, 0);
		break;
	case OP_CHDIR:
		r = chdir(o->path);
		break;
	case OP_MKDIR:
		r = mkdir(o->path, 0755);
		break;
	case OP_SYMLINK:
		r = symlink("target", o->path);
		break;
	case OP_RENAME:
		r = rename(o->path, o->path2);
		break;
	case OP_LINK:
		r = link(o->path, o->path2);
		break;
	}
	return r < 0 ? errno : 0;
}

/* Become uid USER, gid GROUP, groups {GROUP, SUPP} (or uid @ruid real
 * with the effective USER), then do @arg's call. */
static int user_fn(void *arg)
{
	const struct op *o = arg;
	gid_t groups[] = { SUPP, GROUP };

	if (setgroups(2, groups) || setresgid(GROUP, GROUP, GROUP) ||
	    setresuid(USER, USER, USER))
		return 100;
	return do_op(o);
}

static int as_user(struct op o)
{
	int status = run_in_child(user_fn, &o);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

/* The call as root, in a child (an execve must not replace the test). */
static int root_fn(void *arg)
{
	return do_op(arg);
}

static int as_root(struct op o)
{
	int status = run_in_child(root_fn, &o);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

/* Real uid USER, effective root: what access() and AT_EACCESS see. */
static int real_user_fn(void *arg)
{
	if (setresuid(USER, 0, 0))
		return 100;
	return do_op(arg);
}

static int as_real_user(struct op o)
{
	int status = run_in_child(real_user_fn, &o);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

/* ---- the id calls ---------------------------------------------------------------- */

static int ids_fn(void *arg)
{
	gid_t g[4] = { 0 }, two[] = { 300, 100 };
	uid_t r, e, s;
	int bad = 0;

	(void)arg;
	/* Each check has its own bit in the exit code (reported by the parent). */
	if (setgroups(2, two) || getgroups(0, NULL) != 2)
		bad |= 1;
	if (getgroups(1, g) != -1 || errno != EINVAL)
		bad |= 2;
	if (getgroups(4, g) != 2 || g[0] != 100 || g[1] != 300)
		bad |= 4;                       /* sorted, as Linux keeps them */
	if (setresuid(USER, USER, 0) || geteuid() != USER)
		bad |= 8;
	if (seteuid(0) || geteuid() != 0 || getuid() != USER)
		bad |= 16;                      /* back through the saved uid */
	if (setuid(USER) || getresuid(&r, &e, &s) || r != USER || e != USER || s != USER)
		bad |= 32;                      /* root's setuid sets all three */
	if (setuid(0) != -1 || errno != EPERM)
		bad |= 64;                      /* and cannot come back */
	if (syscall(SYS_setgroups, 0, NULL) != -1 || errno != EPERM)
		bad |= 128;
	return bad;
}

static int unpriv_ids_fn(void *arg)
{
	uid_t r, e, s;
	int bad = 0;

	(void)arg;
	if (setresuid(USER, 2000, 3000))
		return 255;
	if (syscall(SYS_setreuid, -1, 4000) != -1 || errno != EPERM)
		bad |= 1;                       /* not one of the three */
	if (syscall(SYS_setreuid, -1, 3000) || getresuid(&r, &e, &s) || e != 3000 || s != 3000)
		bad |= 2;                       /* e != old real: saved = new e */
	if (syscall(SYS_setuid, USER) || getresuid(&r, &e, &s) || r != USER || e != USER ||
	    s != 3000)
		bad |= 4;                       /* unprivileged: only e changes */
	if (syscall(SYS_setresuid, -1, 3000, -1) || geteuid() != 3000)
		bad |= 8;                       /* to the saved uid */
	if (syscall(SYS_setfsuid, 5000) != 3000 || syscall(SYS_setfsuid, -1) != 3000)
		bad |= 16;                      /* refused: returns the old one anyway */
	if (syscall(SYS_setfsuid, USER) != 3000 || syscall(SYS_setfsuid, -1) != USER)
		bad |= 32;
	if (syscall(SYS_setuid, -1) != -1 || errno != EINVAL)
		bad |= 64;
	if (syscall(SYS_setresgid, -1, 77, -1) != -1 || errno != EPERM)
		bad |= 128;
	return bad;
}

static void test_ids(void)
{
	int status;

	CHECK_EQ(getuid() + geteuid() + getgid() + getegid(), 0, "root: all ids 0");
	status = run_in_child(ids_fn, NULL);
	CHECK_EXIT(status, 0, "root: setgroups/getgroups, setresuid, seteuid via saved, setuid");
	status = run_in_child(unpriv_ids_fn, NULL);
	CHECK_EXIT(status, 0, "unprivileged: setreuid, setuid, setresuid, setfsuid, EPERM, EINVAL");
	CHECK_ERR(syscall(SYS_getgroups, -1, NULL), EINVAL, "getgroups(-1): EINVAL");
	CHECK_ERR(syscall(SYS_setgroups, -1, NULL), EINVAL, "setgroups(-1): EINVAL");
	CHECK_ERR(syscall(SYS_setgroups, 1, UNMAPPED_ADDR), EFAULT, "setgroups bad list: EFAULT");
}

/* ---- permission checks ----------------------------------------------------------- */

static void make(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	write_file(path, "data");
	chown(path, uid, gid);
	chmod(path, mode);
}

static void test_permissions(void)
{
	make("root600", 0600, 0, 0);
	make("root644", 0644, 0, 0);
	make("user402", 0402, USER, 0);         /* owner may only read: others' w is not theirs */
	make("group040", 0040, 0, GROUP);
	make("supp040", 0040, 0, SUPP);
	make("other004", 0004, 0, 77);

	CHECK_EQ(as_user((struct op){ OP_OPEN, "root600", O_RDONLY }), EACCES, "0600 root's: EACCES");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "root644", O_RDONLY }), 0, "0644: others read");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "root644", O_WRONLY }), EACCES, "0644: others' write EACCES");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "root644", O_RDONLY | O_TRUNC }), EACCES,
		 "O_TRUNC needs write: EACCES");
	CHECK_EQ(as_user((struct op){ OP_TRUNCATE, "root644" }), EACCES, "truncate(): EACCES");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "user402", O_WRONLY }), EACCES,
		 "the owner's bits, not others': EACCES");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "user402", O_RDONLY }), 0, "owner read");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "group040", O_RDONLY }), 0, "the group's bits");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "supp040", O_RDONLY }), 0, "a supplementary group's");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "other004", O_RDONLY }), 0, "others' bits");
	CHECK_EQ(as_user((struct op){ OP_OPEN, "group040", O_WRONLY }), EACCES, "group write: EACCES");

	chmod("root600", 0);
	CHECK_OK(close(open("root600", O_RDWR)), "root opens a 0000 file read-write");
	CHECK_ERR(access("root644", X_OK), EACCES, "root: X_OK on a file with no x bit EACCES");
	CHECK_OK(access(".", X_OK), "root: X_OK on a directory");

	mkdir("noexec", 0666);                  /* no search permission for anyone */
	write_file("noexec/f", "x");
	CHECK_EQ(as_user((struct op){ OP_STAT, "noexec/f" }), EACCES, "search needs x: EACCES");
	CHECK_EQ(as_user((struct op){ OP_STAT, "noexec/nope" }), EACCES, "before ENOENT");
	CHECK_EQ(as_user((struct op){ OP_CHDIR, "noexec" }), EACCES, "chdir needs x: EACCES");
	CHECK_OK(stat("noexec/f", (struct stat[1]){ 0 }), "root searches anyway");
	mkdir("nowrite", 0755);
	write_file("nowrite/f", "x");
	CHECK_EQ(as_user((struct op){ OP_CREATE, "nowrite/g" }), EACCES, "create needs w: EACCES");
	CHECK_EQ(as_user((struct op){ OP_UNLINK, "nowrite/f" }), EACCES, "unlink needs w: EACCES");
	CHECK_EQ(as_user((struct op){ OP_UNLINK, "nowrite/nope" }), ENOENT, "ENOENT before EACCES");
	CHECK_EQ(as_user((struct op){ OP_MKDIR, "nowrite/d" }), EACCES, "mkdir needs w: EACCES");
	CHECK_EQ(as_user((struct op){ OP_MKDIR, "nowrite/f" }), EEXIST, "EEXIST before EACCES");
	CHECK_EQ(as_user((struct op){ OP_SYMLINK, "nowrite/l" }), EACCES, "symlink needs w: EACCES");
	CHECK_EQ(as_user((struct op){ OP_RENAME, "nowrite/f", .path2 = "nowrite/g" }), EACCES,
		 "rename needs w: EACCES");
	CHECK_EQ(as_user((struct op){ OP_LINK, "user402", .path2 = "nowrite/h" }), EACCES,
		 "link needs w on the new directory: EACCES");
	mkdir("open", 0777);
	chmod("open", 0777);
	mkdir("open/rootdir", 0755);
	mkdir("open/other", 0777);
	chmod("open/other", 0777);
	CHECK_EQ(as_user((struct op){ OP_RENAME, "open/rootdir", .path2 = "open/other/x" }), EACCES,
		 "moving another's directory elsewhere needs w on it (its \"..\"): EACCES");
	CHECK_EQ(as_user((struct op){ OP_RENAME, "open/rootdir", .path2 = "open/renamed" }), 0,
		 "renaming it in place does not");
	mkdir("sticky", 0755);
	chmod("sticky", 01777);
	write_file("sticky/roots", "x");
	CHECK_EQ(as_user((struct op){ OP_CREATE, "sticky/mine" }), 0, "create in a sticky dir");
	CHECK_EQ(as_user((struct op){ OP_UNLINK, "sticky/roots" }), EPERM,
		 "sticky: another's file EPERM");
	CHECK_EQ(as_user((struct op){ OP_UNLINK, "sticky/mine" }), 0, "sticky: one's own file");
	/* protected_hardlinks (1 on Debian, and here): another's file only
	 * if one may read and write it. */
	CHECK_EQ(as_user((struct op){ OP_LINK, "root644", .path2 = "sticky/h" }), EPERM,
		 "link to another's file one cannot write: EPERM");
	make("w666", 0666, 0, 0);
	CHECK_EQ(as_user((struct op){ OP_LINK, "w666", .path2 = "sticky/h2" }), 0,
		 "to one one may read and write: allowed");
	CHECK_EQ(as_user((struct op){ OP_LINK, "user402", .path2 = "sticky/h3" }), 0,
		 "to one's own file: allowed");

	CHECK_EQ(as_real_user((struct op){ OP_ACCESS, "root644", W_OK }), EACCES,
		 "access() checks the real uid");
	CHECK_EQ(as_real_user((struct op){ OP_EACCESS, "root644", W_OK }), 0,
		 "AT_EACCESS the effective one");
	CHECK_EQ(as_user((struct op){ OP_ACCESS, "root644", R_OK }), 0, "access R_OK");
}

static void test_exec(const char *self)
{
	char buf[65536];
	ssize_t n;
	int in = open(self, O_RDONLY), out = open("prog", O_WRONLY | O_CREAT | O_TRUNC, 0700);

	while (in >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		write_all(out, buf, (size_t)n);
	close(in);
	close(out);
	chmod("prog", 0644);
	CHECK_EQ(as_user((struct op){ OP_EXEC, "./prog" }), EACCES, "exec of 0644: EACCES");
	CHECK_EQ(as_root((struct op){ OP_EXEC, "./prog" }), EACCES, "even for root");
	chown("prog", USER, GROUP);
	chmod("prog", 0100);
	CHECK_EQ(as_user((struct op){ OP_EXEC, "./prog" }), 7, "x without r runs (exit 7)");
	chmod("prog", 0010);
	CHECK_EQ(as_user((struct op){ OP_EXEC, "./prog" }), EACCES, "the owner's bits rule");
	chmod("prog", 0001);
	CHECK_EQ(as_user((struct op){ OP_EXEC, "./prog" }), EACCES, "still the owner's");
	CHECK_EQ(as_root((struct op){ OP_EXEC, "./prog" }), 7, "root runs a file with any x bit");
	CHECK_EQ(as_user((struct op){ OP_EXEC, "." }), EACCES, "exec a directory: EACCES");
}

/* ---- chmod and chown -------------------------------------------------------------- */

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

static void test_chmod_chown(void)
{
	struct stat st, st2;
	int fd;

	write_file("f", "x");
	CHECK_OK(chmod("f", 04751), "chmod");
	CHECK_EQ(mode_of("f"), 04751, "mode set");
	stat("f", &st);
	usleep(20000);
	fd = open("f", O_RDONLY);
	CHECK_OK(fchmod(fd, 0640), "fchmod on an O_RDONLY fd");
	fstat(fd, &st2);
	close(fd);
	CHECK_EQ(st2.st_mode & 07777, 0640, "mode set");
	CHECK(st2.st_ctim.tv_sec * 1000000000L + st2.st_ctim.tv_nsec >
	      st.st_ctim.tv_sec * 1000000000L + st.st_ctim.tv_nsec, "ctime moved");
	CHECK_OK(fchmodat(AT_FDCWD, "f", 0600, 0), "fchmodat");
	CHECK_EQ(mode_of("f"), 0600, "mode set");
	CHECK_ERR(chmod("nope", 0600), ENOENT, "chmod ENOENT");
	CHECK_ERR(fchmod(9999, 0600), EBADF, "fchmod EBADF");
	CHECK_EQ(as_user((struct op){ OP_CHMOD, "f", 0777 }), EPERM, "chmod by a non-owner: EPERM");
	chown("f", USER, 77);
	CHECK_EQ(as_user((struct op){ OP_CHMOD, "f", 02755 }), 0, "chmod by the owner");
	CHECK_EQ(mode_of("f"), 0755, "set-group-ID dropped: not in the file's group");
	CHECK_OK(chmod("f", 02755), "root sets it");
	CHECK_EQ(mode_of("f"), 02755, "and keeps it");

	chown("f", 0, 0);
	CHECK_OK(chown("f", USER, -1), "chown uid, gid -1");
	stat("f", &st);
	CHECK(st.st_uid == USER && st.st_gid == 0, "uid changed, gid kept");
	CHECK_OK(chown("f", -1, GROUP), "chown -1, gid");
	stat("f", &st);
	CHECK(st.st_uid == USER && st.st_gid == GROUP, "gid changed, uid kept");
	chmod("f", 06755);
	CHECK_OK(chown("f", -1, -1), "chown -1, -1");
	CHECK_EQ(mode_of("f"), 0755, "clears set-user-ID and (group-executable) set-group-ID");
	chmod("f", 02745);
	chown("f", -1, -1);
	CHECK_EQ(mode_of("f"), 02745, "set-group-ID without group x stays (root)");
	mkdir("dir", 0755);
	chmod("dir", 06755);
	chown("dir", 0, 0);
	CHECK_EQ(mode_of("dir"), 06755, "a directory keeps both");

	chown("f", USER, GROUP);
	CHECK_EQ(as_user((struct op){ OP_CHOWN, "f", 0, -1 }), EPERM, "give a file away: EPERM");
	CHECK_EQ(as_user((struct op){ OP_CHOWN, "f", USER, -1 }), 0, "to oneself: allowed");
	CHECK_EQ(as_user((struct op){ OP_CHOWN, "f", -1, SUPP }), 0, "chgrp to one's group");
	CHECK_EQ(as_user((struct op){ OP_CHOWN, "f", -1, 77 }), EPERM, "to another group: EPERM");
	CHECK_EQ(as_user((struct op){ OP_CHOWN, "root644", -1, SUPP }), EPERM,
		 "chgrp of another's file: EPERM");

	symlink("f", "lnk");
	CHECK_OK(lchown("lnk", 55, 66), "lchown a link");
	lstat("lnk", &st);
	stat("f", &st2);
	CHECK(st.st_uid == 55 && st.st_gid == 66 && st2.st_uid == USER, "the link changed, not f");
	CHECK_OK(chown("lnk", 44, -1), "chown through the link");
	stat("f", &st2);
	CHECK_EQ(st2.st_uid, 44, "changes f");
	CHECK_OK(fchownat(AT_FDCWD, "lnk", 33, -1, AT_SYMLINK_NOFOLLOW), "fchownat NOFOLLOW");
	lstat("lnk", &st);
	CHECK_EQ(st.st_uid, 33, "changes the link");
	CHECK_ERR(fchownat(AT_FDCWD, "lnk", 0, 0, 0x4), EINVAL, "fchownat bad flags: EINVAL");
	/* fchmodat2 (452) is Linux 6.6+: an older oracle says ENOSYS. */
	if (syscall(452, AT_FDCWD, "f", 0600, 0) == -1 && errno == ENOSYS) {
		tap_skip("fchmodat2 is not in this kernel", "fchmodat2");
	} else {
		CHECK_EQ(mode_of("f"), 0600, "fchmodat2");
		CHECK_ERR(syscall(452, AT_FDCWD, "lnk", 0644, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP,
			  "fchmodat2 AT_SYMLINK_NOFOLLOW on a link: EOPNOTSUPP");
		CHECK_ERR(syscall(452, AT_FDCWD, "f", 0644, 0x4), EINVAL,
			  "fchmodat2 bad flags: EINVAL");
	}
	fd = open("f", O_RDONLY);
	CHECK_OK(fchown(fd, 0, 0), "fchown");
	close(fd);
	stat("f", &st);
	CHECK(st.st_uid == 0 && st.st_gid == 0, "owner root again");
	CHECK_ERR(syscall(SYS_fchown, 9999, 0, 0), EBADF, "fchown EBADF");
}

/* ---- times ------------------------------------------------------------------------- */

static long long ns(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void test_times(void)
{
	struct timespec t[2] = { { 1000000000, 123456789 }, { 1100000000, 987654321 } };
	struct timespec before;
	struct timeval tv[2] = { { 1200000000, 5 }, { 1300000000, 999999 } };
	struct stat st, lst;
	int fd;

	write_file("t", "x");
	CHECK_OK(utimensat(AT_FDCWD, "t", t, 0), "utimensat explicit times");
	stat("t", &st);
	CHECK(ns(st.st_atim) == ns(t[0]) && ns(st.st_mtim) == ns(t[1]), "to the nanosecond");
	t[0].tv_nsec = UTIME_OMIT;
	t[1] = (struct timespec){ 1150000000, 1 };
	CHECK_OK(utimensat(AT_FDCWD, "t", t, 0), "UTIME_OMIT for atime");
	stat("t", &st);
	CHECK(st.st_atim.tv_sec == 1000000000 && ns(st.st_mtim) == ns(t[1]), "atime kept");
	clock_gettime(CLOCK_REALTIME, &before);
	before.tv_sec -= 2;
	t[0].tv_nsec = UTIME_NOW;
	t[1].tv_nsec = UTIME_OMIT;
	CHECK_OK(utimensat(AT_FDCWD, "t", t, 0), "UTIME_NOW atime, UTIME_OMIT mtime");
	stat("t", &st);
	CHECK(ns(st.st_atim) >= ns(before) && st.st_mtim.tv_sec == 1150000000, "atime now");
	CHECK_OK(utimensat(AT_FDCWD, "t", NULL, 0), "NULL: both now");
	stat("t", &st);
	CHECK(ns(st.st_mtim) >= ns(before), "mtime now");
	CHECK(ns(st.st_ctim) >= ns(before), "ctime now");

	t[0].tv_nsec = 1000000000;
	CHECK_ERR(utimensat(AT_FDCWD, "t", t, 0), EINVAL, "tv_nsec 1e9: EINVAL");
	t[0].tv_nsec = -1;
	CHECK_ERR(utimensat(AT_FDCWD, "t", t, 0), EINVAL, "tv_nsec -1: EINVAL");
	CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "t", NULL, 0x4), EINVAL, "bad flags: EINVAL");
	t[0].tv_nsec = t[1].tv_nsec = UTIME_OMIT;
	CHECK_OK(utimensat(AT_FDCWD, "nope", t, 0), "OMIT twice: 0, the path not even looked up");
	CHECK_OK(utimensat(AT_FDCWD, "root644", t, 0), "OMIT twice: nothing to check");
	CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, UNMAPPED_ADDR, NULL, 0), EFAULT, "bad path: EFAULT");
	CHECK_ERR(syscall(SYS_utimensat, AT_FDCWD, "t", UNMAPPED_ADDR, 0), EFAULT, "bad times: EFAULT");

	fd = open("t", O_RDONLY);
	t[0] = (struct timespec){ 1400000000, 0 };
	t[1] = (struct timespec){ 1400000001, 0 };
	CHECK_OK(futimens(fd, t), "futimens");
	fstat(fd, &st);
	CHECK(st.st_atim.tv_sec == 1400000000 && st.st_mtim.tv_sec == 1400000001, "set");
	CHECK_ERR(syscall(SYS_utimensat, fd, NULL, t, AT_SYMLINK_NOFOLLOW), EINVAL,
		  "futimens with a flag: EINVAL");
	close(fd);
	CHECK_ERR(syscall(SYS_utimensat, 9999, NULL, NULL, 0), EBADF, "futimens EBADF");

	symlink("t", "tl");
	t[1] = (struct timespec){ 1500000000, 0 };
	CHECK_OK(utimensat(AT_FDCWD, "tl", t, AT_SYMLINK_NOFOLLOW), "AT_SYMLINK_NOFOLLOW");
	lstat("tl", &lst);
	stat("t", &st);
	CHECK(lst.st_mtim.tv_sec == 1500000000 && st.st_mtim.tv_sec == 1400000001,
	      "the link's times, not the file's");

	CHECK_OK(utimes("t", tv), "utimes");
	stat("t", &st);
	CHECK(ns(st.st_atim) == 1200000000000005000LL && ns(st.st_mtim) == 1300000000999999000LL,
	      "microseconds");
	tv[0].tv_usec = 1000000;
	CHECK_ERR(utimes("t", tv), EINVAL, "tv_usec 1e6: EINVAL");

	make("w666", 0666, 0, 0);
	t[0] = (struct timespec){ 0, UTIME_NOW };
	t[1] = (struct timespec){ 0, UTIME_NOW };
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "w666" }), 0, "now, by a writer: allowed");
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "w666", .ts = t }), 0, "UTIME_NOW twice too");
	t[1].tv_nsec = UTIME_OMIT;
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "w666", .ts = t }), EPERM,
		 "NOW and OMIT by a non-owner: EPERM");
	t[1] = (struct timespec){ 5, 0 };
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "w666", .ts = t }), EPERM,
		 "explicit times by a non-owner: EPERM");
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "root644" }), EACCES,
		 "now, by a non-writer: EACCES");
	chown("root644", USER, 0);
	CHECK_EQ(as_user((struct op){ OP_UTIMENS, "root644", .ts = t }), 0,
		 "explicit times by the owner");
}

int main(int argc, char **argv)
{
	char scratch[256], self[4096];

	if (argc > 1 && !strcmp(argv[1], "--exit"))
		return 7;
	self_path(argv[0], self, sizeof(self));
	if (getuid() != 0) {
		tap_skip("needs root", "perm_test");
		return tap_done();
	}
	REQUIRE(enter_scratch_dir("perm_test", scratch, sizeof(scratch)) == 0,
		"enter a scratch directory");
	chmod(".", 0755);               /* others must reach their files here */
	umask(022);
	test_ids();
	test_permissions();
	test_exec(self);
	test_chmod_chown();
	test_times();
	chmod("noexec", 0755);
	leave_scratch_dir(scratch);
	return tap_done();
}
