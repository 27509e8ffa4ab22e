/*
 * dir_test - directories and names: mkdir/rmdir/mkdirat (and their
 * errors), getdents64 (every entry once, "." and "..", d_type), rename
 * (files, over a file, directories, into itself), link/unlink/unlinkat
 * (AT_REMOVEDIR), getcwd/chdir/fchdir, umask, openat with a dirfd, path
 * resolution with "." and "..", ENAMETOOLONG.
 */
#include <dirent.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* A 299-byte name: longer than NAME_MAX (255). */
#define LONG_NAME_SIZE 300
static char *long_name(char buf[LONG_NAME_SIZE])
{
	memset(buf, 'n', LONG_NAME_SIZE - 1);
	buf[LONG_NAME_SIZE - 1] = '\0';
	return buf;
}

static void test_mkdir_rmdir(void)
{
	struct stat st;

	umask(022);
	CHECK_OK(mkdir("d1", 0777), "mkdir");
	CHECK_OK(stat("d1", &st), "stat it");
	CHECK_EQ(st.st_mode, S_IFDIR | 0755, "a directory, 0777 & ~umask");
	CHECK_EQ(st.st_nlink, 2, "with 2 links (its name and its \".\")");
	CHECK_ERR(mkdir("d1", 0755), EEXIST, "mkdir an existing name: EEXIST");
	CHECK_ERR(mkdir("nope/d", 0755), ENOENT, "mkdir in a missing dir: ENOENT");
	CHECK_OK(mkdir("d1/sub", 0755), "mkdir d1/sub");
	stat("d1", &st);
	CHECK_EQ(st.st_nlink, 3, "the parent gains a link (sub's \"..\")");
	CHECK_ERR(rmdir("d1"), ENOTEMPTY, "rmdir a non-empty dir: ENOTEMPTY");
	write_file("d1/file", "x");
	CHECK_ERR(rmdir("d1/file"), ENOTDIR, "rmdir a file: ENOTDIR");
	CHECK_ERR(unlink("d1/sub"), EISDIR, "unlink a directory: EISDIR");
	CHECK_ERR(rmdir("d1/sub/."), EINVAL, "rmdir \".\": EINVAL");
	CHECK_OK(rmdir("d1/sub"), "rmdir an empty dir");
	CHECK_ERR(rmdir("d1/sub"), ENOENT, "rmdir it again: ENOENT");
	CHECK_OK(unlink("d1/file"), "unlink the file");
	CHECK_ERR(unlink("d1/file"), ENOENT, "unlink it again: ENOENT");
	CHECK_ERR(stat("d1/file/", &st), ENOENT, "stat of the removed file");
	CHECK_OK(rmdir("d1"), "rmdir d1");
}

static void test_getdents(void)
{
	static const char *const names[] = { "alpha", "beta", "gamma", "sub" };
	int seen[4] = { 0 }, dot = 0, dotdot = 0, other = 0, types_ok = 1;
	char buf[512];
	long n;
	int fd;

	mkdir("d2", 0755);
	write_file("d2/alpha", "a");
	write_file("d2/beta", "b");
	write_file("d2/gamma", "c");
	mkdir("d2/sub", 0755);
	fd = open("d2", O_RDONLY | O_DIRECTORY);
	REQUIRE(fd >= 0, "open the directory");
	/* A small buffer: several calls must continue where the last ended. */
	while ((n = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);
			int is_dir = de->d_type == DT_DIR;

			off += de->d_reclen;
			if (!strcmp(de->d_name, "."))
				dot++;
			else if (!strcmp(de->d_name, ".."))
				dotdot++;
			else {
				int found = 0;

				for (int i = 0; i < 4; i++)
					if (!strcmp(de->d_name, names[i])) {
						seen[i]++;
						found = 1;
						types_ok &= is_dir == (i == 3) &&
							    (is_dir || de->d_type == DT_REG);
					}
				other += !found;
			}
			if (de->d_ino == 0 || de->d_reclen == 0)
				other++;
		}
	}
	CHECK_EQ(n, 0, "getdents64 ends with 0");
	CHECK(dot == 1 && dotdot == 1, "\".\" and \"..\" once each");
	CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1,
	      "every entry exactly once, across calls with a small buffer");
	CHECK_EQ(other, 0, "nothing else, no zero inode or record length");
	CHECK(types_ok, "d_type DT_REG for files, DT_DIR for the directory");
	lseek(fd, 0, SEEK_SET);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, 10), EINVAL,
		  "getdents64 with a buffer too small for an entry: EINVAL");
	CHECK(syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0,
	      "lseek to 0 rewinds the directory");
	close(fd);
	fd = open("d2/alpha", O_RDONLY);
	CHECK_ERR(syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR,
		  "getdents64 on a file: ENOTDIR");
	close(fd);
	remove_tree("d2");
}

static void test_rename_link(void)
{
	struct stat st;
	char buf[32];
	int dfd;

	write_file("r1", "one");
	write_file("r2", "two");
	CHECK_OK(rename("r1", "r3"), "rename a file");
	CHECK_ERR(access("r1", F_OK), ENOENT, "the old name is gone");
	read_file("r3", buf, sizeof(buf));
	CHECK(strcmp(buf, "one") == 0, "the new name has the data");
	CHECK_OK(rename("r3", "r2"), "rename over an existing file");
	read_file("r2", buf, sizeof(buf));
	CHECK(strcmp(buf, "one") == 0, "it replaced the target");
	CHECK_ERR(rename("r1", "r4"), ENOENT, "rename a missing file: ENOENT");
	mkdir("rd", 0755);
	mkdir("rd/in", 0755);
	CHECK_OK(rename("rd", "rd2"), "rename a directory");
	CHECK_ERR(rename("rd2", "rd2/in/x"), EINVAL,
		  "rename a directory into itself: EINVAL");
	CHECK_ERR(rename("r2", "rd2"), EISDIR,
		  "rename a file over a directory: EISDIR");
	CHECK_ERR(rename("rd2", "r2"), ENOTDIR,
		  "rename a directory over a file: ENOTDIR");

	CHECK_OK(link("r2", "r2.link"), "link");
	stat("r2", &st);
	CHECK_EQ(st.st_nlink, 2, "st_nlink 2");
	CHECK_ERR(link("r2", "r2.link"), EEXIST, "link to an existing name: EEXIST");
	CHECK_ERR(link("rd2", "rd2.link"), EPERM, "link a directory: EPERM");
	/* Regression: a directory linked to a name that exists said EPERM;
	 * Linux checks the new name first (EEXIST), the directory last. */
	CHECK_ERR(link("rd2", "r2.link"), EEXIST,
		  "link a directory to an existing name: EEXIST (before EPERM)");
	/* Regression: link and rename copied both names before resolving
	 * either; Linux resolves the old name (link) or its parent (rename)
	 * first, and finds a too-long last component only when it looks it
	 * up (after rename's EBUSY for "/"). */
	CHECK_ERR(syscall(SYS_link, "no-such-file", NULL), ENOENT,
		  "link(missing, NULL): ENOENT before EFAULT");
	CHECK_ERR(syscall(SYS_link, "r2.link", NULL), EFAULT, "link(file, NULL): EFAULT");
	CHECK_ERR(syscall(SYS_rename, "no-dir/x", NULL), ENOENT,
		  "rename(missing-dir/x, NULL): ENOENT before EFAULT");
	CHECK_ERR(syscall(SYS_rename, "no-such-file", NULL), EFAULT,
		  "rename(missing, NULL): EFAULT (only the parent is looked at first)");
	{
		char longname[LONG_NAME_SIZE];

		CHECK_ERR(rename(long_name(longname), "/"), EBUSY,
			  "rename(name too long, \"/\"): EBUSY before ENAMETOOLONG");
		CHECK_ERR(rename(longname, "r9"), ENAMETOOLONG,
			  "rename(name too long, r9): ENAMETOOLONG");
	}
	/* Regression: a file renamed over a directory that holds it said
	 * EISDIR; Linux says ENOTEMPTY first (the target is an ancestor). */
	mkdir("anc", 0755);
	mkdir("anc/sub", 0755);
	write_file("anc/sub/f", "x");
	write_file("anc/g", "x");
	CHECK_ERR(rename("anc/g", "anc"), ENOTEMPTY,
		  "rename(dir/file, dir): ENOTEMPTY (before EISDIR)");
	CHECK_ERR(rename("anc/sub/f", "anc"), ENOTEMPTY,
		  "rename(dir/sub/file, dir): ENOTEMPTY");
	CHECK_ERR(rename("anc/g", "anc/sub"), EISDIR,
		  "rename(file, a directory not holding it): EISDIR");
	remove_tree("anc");
	CHECK_OK(unlink("r2"), "unlink one name");
	read_file("r2.link", buf, sizeof(buf));
	CHECK(strcmp(buf, "one") == 0, "the other name still has the data");

	dfd = open("rd2", O_RDONLY | O_DIRECTORY);
	CHECK_OK(mkdirat(dfd, "made", 0755), "mkdirat with a dirfd");
	CHECK_OK(close(openat(dfd, "made/f", O_WRONLY | O_CREAT, 0644)),
		 "openat with a dirfd creates a file");
	CHECK_OK(access("rd2/made/f", F_OK), "in the right place");
	CHECK_ERR(unlinkat(dfd, "made", 0), EISDIR,
		  "unlinkat of a directory without AT_REMOVEDIR: EISDIR");
	CHECK_OK(unlinkat(dfd, "made/f", 0), "unlinkat a file");
	CHECK_OK(unlinkat(dfd, "made", AT_REMOVEDIR), "unlinkat AT_REMOVEDIR");
	CHECK_ERR(unlinkat(dfd, "in", 0x1), EINVAL, "unlinkat bad flags: EINVAL");
	close(dfd);
	unlink("r2.link");
	remove_tree("rd2");
}

static void test_cwd(void)
{
	char start[1024], buf[1024], name[LONG_NAME_SIZE];
	int dfd;

	REQUIRE(getcwd(start, sizeof(start)) != NULL, "getcwd");
	CHECK_EQ(start[0], '/', "getcwd is absolute");
	mkdir("cw", 0755);
	mkdir("cw/deeper", 0755);
	CHECK_OK(chdir("cw/deeper"), "chdir into a subdirectory");
	getcwd(buf, sizeof(buf));
	CHECK(strlen(buf) == strlen(start) + 10 &&
	      strcmp(buf + strlen(start), "/cw/deeper") == 0,
	      "getcwd follows (%s)", buf);
	CHECK_OK(chdir(".."), "chdir ..");
	CHECK_OK(access("deeper/../deeper/./", F_OK),
		 "a path through \"..\" and \".\" resolves");
	CHECK_ERR(chdir("missing"), ENOENT, "chdir to a missing dir: ENOENT");
	write_file("plain", "x");
	CHECK_ERR(chdir("plain"), ENOTDIR, "chdir to a file: ENOTDIR");
	CHECK_ERR(access("plain/", F_OK), ENOTDIR, "file/ : ENOTDIR");
	CHECK_ERR(syscall(SYS_getcwd, buf, 2), ERANGE,
		  "getcwd with a too-small buffer: ERANGE");
	dfd = open(start, O_RDONLY | O_DIRECTORY);
	CHECK_OK(fchdir(dfd), "fchdir back");
	close(dfd);
	getcwd(buf, sizeof(buf));
	CHECK(strcmp(buf, start) == 0, "back where it started");
	CHECK_ERR(open(long_name(name), O_RDONLY | O_CREAT, 0644), ENAMETOOLONG,
		  "a 299-byte name: ENAMETOOLONG");
	CHECK_EQ(umask(027), 022, "umask returns the old mask");
	close(open("um", O_WRONLY | O_CREAT, 0777));
	CHECK_OK(access("um", F_OK), "create under umask 027");
	{
		struct stat st;

		stat("um", &st);
		CHECK_EQ(st.st_mode & 0777, 0750, "mode 0777 & ~027 = 0750");
	}
	umask(022);
	unlink("um");
	unlink("plain");
	remove_tree("cw");
}

/*
 * Regression: a directory removed while open (or someone's cwd) still took
 * new entries, which then lived in a freed directory. Linux refuses to
 * create anything in a dead directory (ENOENT), by name or through an fd.
 */
static void test_dead_directory(void)
{
	char start[1024];
	int dfd;

	REQUIRE(getcwd(start, sizeof(start)) != NULL, "getcwd");
	REQUIRE(mkdir("dead", 0755) == 0, "mkdir dead");
	dfd = open("dead", O_RDONLY | O_DIRECTORY);
	REQUIRE(dfd >= 0 && chdir("dead") == 0, "open it and make it the cwd");
	REQUIRE(rmdir("../dead") == 0, "rmdir it");
	CHECK_ERR(open("f", O_WRONLY | O_CREAT, 0644), ENOENT,
		  "open(O_CREAT) in the removed cwd: ENOENT");
	CHECK_ERR(mkdir("d", 0755), ENOENT, "mkdir in the removed cwd: ENOENT");
	{
		char longname[LONG_NAME_SIZE];

		CHECK_ERR(mkdir(long_name(longname), 0755), ENOENT,
			  "mkdir of a too-long name there: ENOENT before ENAMETOOLONG");
	}
	CHECK_ERR(openat(dfd, "f", O_WRONLY | O_CREAT, 0644), ENOENT,
		  "openat(removed dir fd, O_CREAT): ENOENT");
	CHECK_ERR(mkdirat(dfd, "d", 0755), ENOENT, "mkdirat(removed dir fd): ENOENT");
	{
		char buf[4096], longname[LONG_NAME_SIZE];
		struct stat st;

		CHECK_ERR(syscall(SYS_getdents64, dfd, buf, sizeof(buf)), ENOENT,
			  "getdents64 of the removed directory: ENOENT");
		CHECK_ERR(stat(long_name(longname), &st), ENOENT,
			  "stat of a too-long name in it: ENOENT before ENAMETOOLONG");
		CHECK_OK(stat(".", &st), "but \".\" is still there");
	}
	CHECK_OK(chdir(start), "chdir back");
	write_file("dead-src", "x");
	CHECK_ERR(linkat(AT_FDCWD, "dead-src", dfd, "l", 0), ENOENT,
		  "link into the removed directory: ENOENT");
	CHECK_ERR(renameat(AT_FDCWD, "dead-src", dfd, "r"), ENOENT,
		  "rename into the removed directory: ENOENT");
	unlink("dead-src");
	close(dfd);
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("dir_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	test_mkdir_rmdir();
	test_getdents();
	test_rename_link();
	test_cwd();
	test_dead_directory();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
