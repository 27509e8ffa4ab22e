/*
 * symlink_test - symbolic links: symlink/symlinkat and their errors,
 * readlink/readlinkat (truncation, EINVAL, ""), fast (< 60 bytes) and
 * slow (a data block) targets, path walks through links in the middle
 * and at the end of a path with relative and absolute targets, ELOOP for
 * a loop and after 40 links, O_NOFOLLOW, lstat and AT_SYMLINK_NOFOLLOW,
 * trailing slashes, O_CREAT through a dangling link, link() and
 * AT_SYMLINK_FOLLOW, unlink and rename of links, getdents64 DT_LNK,
 * chdir through a link.
 *
 * Raw syscall() where musl could hide the kernel's answer (readlink's
 * count, the *at flags). On Faultline it leaves one fast and one slow link
 * in "symlink_test.fsck/" so that the e2fsck run closing make test checks
 * them on disk.
 */
#include <dirent.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "testutil.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static long sys_readlink(const char *path, char *buf, long size)
{
	return syscall(SYS_readlink, path, buf, size);
}

/* A target of @len (>= 6) bytes that names "file": "./" repeated (one
 * "/" doubled for an odd length), then "file". */
static char *long_target(char *buf, size_t len)
{
	size_t i = 0;

	if ((len - 4) % 2) {
		memcpy(buf, ".//", 3);
		i = 3;
	}
	while (i + 4 < len) {
		buf[i++] = '.';
		buf[i++] = '/';
	}
	memcpy(buf + i, "file", 5);
	return buf;
}

static void test_create_read(void)
{
	char buf[300], target[200];
	struct stat st;

	write_file("file", "hello");
	CHECK_OK(symlink("file", "fast"), "symlink a short (fast) link");
	CHECK_EQ(sys_readlink("fast", buf, sizeof(buf)), 4, "readlink returns the length");
	CHECK(!memcmp(buf, "file", 4), "and the target, with no NUL");
	CHECK_OK(lstat("fast", &st), "lstat the link");
	CHECK_EQ(st.st_mode, S_IFLNK | 0777, "S_IFLNK | 0777");
	CHECK_EQ(st.st_size, 4, "st_size is the target's length");
	CHECK_EQ(st.st_blocks, 0, "a fast link has no block");
	CHECK_OK(stat("fast", &st), "stat follows it");
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5, "to the 5-byte file");
	CHECK_EQ(read_file("fast", buf, sizeof(buf)), 5, "open and read through it");

	long_target(target, 150);
	CHECK_EQ(strlen(target), 150, "a 150-byte target");
	CHECK_EQ(strlen(long_target(buf, 59)), 59, "(the test's 59-byte target)");
	CHECK_OK(symlink(target, "slow"), "symlink a long (slow) link");
	CHECK_EQ(sys_readlink("slow", buf, sizeof(buf)), 150, "readlink gives 150 bytes");
	CHECK(!memcmp(buf, target, 150), "the whole target");
	CHECK_OK(lstat("slow", &st), "lstat it");
	CHECK(st.st_size == 150 && st.st_blocks > 0, "st_size 150, in a data block");
	CHECK_EQ(read_file("slow", buf, sizeof(buf)), 5, "and it leads to the file");

	long_target(target, 59);
	CHECK_OK(symlink(target, "fast59"), "a 59-byte target (the longest fast one)");
	CHECK_OK(lstat("fast59", &st), "lstat");
	CHECK(st.st_size == 59 && st.st_blocks == 0, "59 bytes, no block");
	long_target(target, 60);
	CHECK_OK(symlink(target, "slow60"), "a 60-byte target");
	CHECK_OK(lstat("slow60", &st), "lstat");
	CHECK(st.st_size == 60 && st.st_blocks > 0, "60 bytes, in a block");
	CHECK_EQ(read_file("fast59", buf, sizeof(buf)) + read_file("slow60", buf, sizeof(buf)),
		 10, "both lead to the file");

	CHECK_EQ(sys_readlink("slow", buf, 10), 10, "readlink into 10 bytes returns 10");
	CHECK_ERR(sys_readlink("fast", buf, 0), EINVAL, "readlink bufsiz 0: EINVAL");
	CHECK_ERR(sys_readlink("fast", buf, -1), EINVAL, "readlink bufsiz -1: EINVAL");
	CHECK_ERR(sys_readlink("file", buf, sizeof(buf)), EINVAL, "readlink of a file: EINVAL");
	CHECK_ERR(sys_readlink(".", buf, sizeof(buf)), EINVAL, "readlink of a dir: EINVAL");
	CHECK_ERR(sys_readlink("nope", buf, sizeof(buf)), ENOENT, "readlink ENOENT");
	CHECK_ERR(sys_readlink("fast/", buf, sizeof(buf)), ENOTDIR,
		  "readlink \"link/\" follows it to a file: ENOTDIR");
	CHECK_ERR(syscall(SYS_readlinkat, AT_FDCWD, "", buf, sizeof(buf)), ENOENT,
		  "readlinkat \"\": ENOENT");
	CHECK_ERR(syscall(SYS_readlinkat, 9999, "", buf, sizeof(buf)), EBADF,
		  "readlinkat \"\" on a bad fd: EBADF");
	CHECK_ERR(sys_readlink((char *)UNMAPPED_ADDR, buf, sizeof(buf)), EFAULT,
		  "readlink of a bad path: EFAULT");
	CHECK_ERR(sys_readlink("fast", (char *)UNMAPPED_ADDR, sizeof(buf)), EFAULT,
		  "readlink into a bad buffer: EFAULT");

	CHECK_ERR(symlink("x", "file"), EEXIST, "symlink over a file: EEXIST");
	CHECK_ERR(symlink("x", "fast"), EEXIST, "over a link: EEXIST");
	CHECK_ERR(symlink("", "empty"), ENOENT, "an empty target: ENOENT");
	CHECK_ERR(symlink("x", "nodir/l"), ENOENT, "in a missing directory: ENOENT");
	CHECK_ERR(symlink("x", "file/l"), ENOTDIR, "under a file: ENOTDIR");
	CHECK_ERR(symlink("x", "newl/"), ENOENT, "a new name with a trailing slash: ENOENT");
	CHECK_ERR(symlink((char *)UNMAPPED_ADDR, "l"), EFAULT, "a bad target pointer: EFAULT");
	CHECK_ERR(mkdir("fast", 0755), EEXIST, "mkdir over a link: EEXIST");
}

static void test_walks(const char *scratch)
{
	char buf[PATH_MAX + 64], cwd[PATH_MAX];
	struct stat st;
	int fd, dfd;

	mkdir("d", 0755);
	mkdir("d/sub", 0755);
	write_file("d/inner", "in");
	CHECK_OK(symlink("d", "ld"), "a link to a directory");
	CHECK_EQ(read_file("ld/inner", buf, sizeof(buf)), 2, "a link in the middle of a path");
	CHECK_OK(symlink("../inner", "d/sub/up"), "a relative target with \"..\"");
	CHECK_EQ(read_file("ld/sub/up", buf, sizeof(buf)), 2,
		 "resolved from the link's directory, not the cwd");
	snprintf(buf, sizeof(buf), "%s/d", scratch);
	CHECK_OK(symlink(buf, "abs"), "an absolute target");
	CHECK_EQ(read_file("abs/sub/up", buf, sizeof(buf)), 2, "two links in one path");
	CHECK_OK(symlink("ld/sub", "chain"), "a link to a path through a link");
	CHECK_OK(stat("chain/up", &st), "followed, nested");

	CHECK_OK(stat("ld/", &st), "stat \"link/\" follows it");
	CHECK(S_ISDIR(st.st_mode), "to the directory");
	CHECK_OK(lstat("ld/", &st), "lstat \"link/\" follows it too");
	CHECK(S_ISDIR(st.st_mode), "to the directory");
	CHECK_OK(lstat("ld", &st), "lstat \"link\" does not");
	CHECK(S_ISLNK(st.st_mode), "S_IFLNK");
	CHECK_ERR(stat("fast/", &st), ENOTDIR, "\"link-to-file/\": ENOTDIR");
	CHECK_OK(syscall(SYS_newfstatat, AT_FDCWD, "ld", &st, AT_SYMLINK_NOFOLLOW),
		 "fstatat AT_SYMLINK_NOFOLLOW");
	CHECK(S_ISLNK(st.st_mode), "the link itself");
	CHECK_OK(syscall(SYS_newfstatat, AT_FDCWD, "ld", &st, 0x800), "fstatat AT_NO_AUTOMOUNT");
	CHECK(S_ISDIR(st.st_mode), "follows");

	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_OK(symlinkat("inner", dfd, "at"), "symlinkat with a dirfd");
	CHECK_EQ(syscall(SYS_readlinkat, dfd, "at", buf, 100), 5, "readlinkat with a dirfd");
	CHECK_EQ(read_file("d/at", buf, sizeof(buf)), 2, "it names d/inner");
	close(dfd);

	CHECK_ERR(open("fast", O_RDONLY | O_NOFOLLOW), ELOOP, "O_NOFOLLOW on a link: ELOOP");
	CHECK_ERR(open("fast", O_WRONLY | O_CREAT | O_NOFOLLOW, 0644), ELOOP,
		  "O_CREAT | O_NOFOLLOW on a link: ELOOP");
	fd = open("ld/inner", O_RDONLY | O_NOFOLLOW);
	CHECK(fd >= 0, "O_NOFOLLOW follows links in the middle of the path");
	close(fd);
	CHECK_ERR(open("ld", O_RDONLY | O_DIRECTORY | O_NOFOLLOW), ENOTDIR,
		  "O_DIRECTORY | O_NOFOLLOW on a link to a dir: ENOTDIR (before ELOOP)");
	fd = open("ld", O_RDONLY | O_DIRECTORY);
	CHECK(fd >= 0, "O_DIRECTORY through a link to a dir");
	close(fd);

	CHECK_OK(getcwd(cwd, sizeof(cwd)) ? 0 : -1, "getcwd");
	CHECK_OK(chdir("abs/sub"), "chdir through a link");
	CHECK_OK(getcwd(buf, sizeof(buf)) ? 0 : -1, "getcwd there");
	snprintf(cwd + strlen(cwd), sizeof(cwd) - strlen(cwd), "/d/sub");
	CHECK(!strcmp(buf, cwd), "is the real path (%s)", buf);
	CHECK_OK(chdir("../.."), "\"..\" goes up the real path");
	CHECK_OK(stat("fast", &st), "back where we were");
}

static void test_loops(void)
{
	char name[16], prev[16];
	struct stat st;

	CHECK_OK(symlink("loop2", "loop1"), "loop1 -> loop2");
	CHECK_OK(symlink("loop1", "loop2"), "loop2 -> loop1");
	CHECK_ERR(stat("loop1", &st), ELOOP, "stat a loop: ELOOP");
	CHECK_ERR(open("loop1/x", O_RDONLY), ELOOP, "a loop in the middle: ELOOP");
	CHECK_ERR(open("loop1", O_WRONLY | O_CREAT, 0644), ELOOP, "O_CREAT on a loop: ELOOP");
	CHECK_OK(lstat("loop1", &st), "lstat a loop is fine");
	CHECK_OK(symlink("self", "self"), "a link to itself");
	CHECK_ERR(stat("self", &st), ELOOP, "ELOOP");

	/* c0 -> file, c1 -> c0, ... c40 -> c39: c39 takes 40 links, c40 41. */
	symlink("file", "c0");
	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(prev, sizeof(prev), "c%d", i - 1);
		symlink(prev, name);
	}
	CHECK_OK(stat("c39", &st), "40 links in one path resolve");
	CHECK_ERR(stat("c40", &st), ELOOP, "41 links: ELOOP");
	CHECK_OK(lstat("c40", &st), "lstat needs 0 of them");
	CHECK_ERR(sys_readlink("c40/", name, sizeof(name)), ELOOP, "readlink \"c40/\": ELOOP");
	for (int i = 0; i <= 40; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		unlink(name);
	}
}

static void test_names(void)
{
	char buf[64];
	struct stat st, st2;
	int fd;

	CHECK_OK(symlink("created", "dangling"), "a dangling link");
	CHECK_ERR(stat("dangling", &st), ENOENT, "stat of it: ENOENT");
	CHECK_ERR(open("dangling", O_WRONLY | O_CREAT | O_EXCL, 0600), EEXIST,
		  "O_CREAT | O_EXCL on it: EEXIST");
	fd = open("dangling", O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0, "O_CREAT through it");
	CHECK_EQ(write(fd, "abc", 3), 3, "write");
	close(fd);
	CHECK_OK(stat("created", &st), "creates the target");
	CHECK(S_ISREG(st.st_mode) && st.st_size == 3, "a 3-byte regular file");
	CHECK_OK(lstat("dangling", &st), "the link stays a link");
	CHECK(S_ISLNK(st.st_mode), "S_IFLNK");

	CHECK_OK(link("fast", "hard"), "link() to a link");
	CHECK_OK(lstat("hard", &st), "lstat the new name");
	CHECK(S_ISLNK(st.st_mode) && st.st_nlink == 2, "is the link itself, 2 links");
	CHECK_OK(linkat(AT_FDCWD, "fast", AT_FDCWD, "hard2", AT_SYMLINK_FOLLOW),
		 "linkat AT_SYMLINK_FOLLOW");
	CHECK_OK(lstat("hard2", &st), "lstat it");
	stat("file", &st2);
	CHECK(S_ISREG(st.st_mode) && st.st_ino == st2.st_ino, "is the file");
	unlink("hard");
	unlink("hard2");

	CHECK_OK(rename("fast", "fast2"), "rename a link");
	CHECK_EQ(sys_readlink("fast2", buf, sizeof(buf)), 4, "its target moves with it");
	CHECK_OK(stat("file", &st), "the file is untouched");
	CHECK_OK(unlink("fast2"), "unlink a link");
	CHECK_OK(stat("file", &st), "leaves its target");
	CHECK_OK(symlink("d", "ld2"), "a link to a directory");
	CHECK_ERR(rmdir("ld2"), ENOTDIR, "rmdir it: ENOTDIR");
	CHECK_OK(unlink("ld2"), "unlink it");
	CHECK_OK(stat("d", &st), "the directory stays");
}

static void test_getdents(void)
{
	char buf[1024];
	int fd, found = 0, type = -1;
	long n;

	mkdir("g", 0755);
	symlink("nowhere", "g/lnk");
	fd = open("g", O_RDONLY | O_DIRECTORY);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *de = (void *)(buf + off);

			if (!strcmp(de->d_name, "lnk")) {
				found++;
				type = de->d_type;
			}
			off += de->d_reclen;
		}
	}
	close(fd);
	CHECK_EQ(found, 1, "getdents64 lists the link");
	CHECK_EQ(type, DT_LNK, "with d_type DT_LNK");
}

/* Links for the e2fsck run that ends make test (Faultline only). */
static void leave_for_fsck(const char *top)
{
	char path[PATH_MAX], target[200];

	snprintf(path, sizeof(path), "%s/symlink_test.fsck", top);
	remove_tree(path);
	if (mkdir(path, 0755))
		return;
	snprintf(path, sizeof(path), "%s/symlink_test.fsck/fast", top);
	symlink("a/fast/target", path);
	snprintf(path, sizeof(path), "%s/symlink_test.fsck/slow", top);
	symlink(long_target(target, 180), path);
}

int main(void)
{
	char top[PATH_MAX], scratch[PATH_MAX], abs[2 * PATH_MAX];

	REQUIRE(getcwd(top, sizeof(top)) != NULL, "getcwd");
	REQUIRE(enter_scratch_dir("symlink_test", scratch, sizeof(scratch)) == 0,
		"enter a scratch directory");
	snprintf(abs, sizeof(abs), "%s/%s", top, scratch);
	test_create_read();
	test_walks(abs);
	test_loops();
	test_names();
	test_getdents();
	leave_scratch_dir(scratch);
	if (!running_on_linux())
		leave_for_fsck(top);
	return tap_done();
}
