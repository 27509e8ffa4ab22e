/*
 * statx_test - statx with Linux's mask and flag rules, newfstatat taking
 * every flag Linux's takes, uname's release, and the extended-attribute
 * calls' answers where attributes are unsupported or absent:
 *   - statx agrees with fstat on every basic field, fills at least
 *     STATX_BASIC_STATS whatever the mask asked (the mask is a hint),
 *     leaves stx_btime zero unless STATX_BTIME is in stx_mask, describes
 *     a link itself with AT_SYMLINK_NOFOLLOW, a descriptor with
 *     AT_EMPTY_PATH and "", takes AT_NO_AUTOMOUNT and each sync type;
 *   - its errors: EINVAL for STATX__RESERVED, for both sync types at
 *     once and for an unknown flag (before the path: a bad path pointer
 *     still gives EINVAL), ENOENT for "" without AT_EMPTY_PATH, EBADF,
 *     ENOTDIR, EFAULT for the buffer;
 *   - newfstatat with AT_NO_AUTOMOUNT, AT_STATX_FORCE_SYNC,
 *     AT_STATX_DONT_SYNC and both at once (all accepted), EINVAL for an
 *     unknown flag;
 *   - uname: release parses as MAJOR.MINOR.PATCH at least 3.2.0 (glibc's
 *     oldest supported kernel);
 *   - getxattr of a missing attribute fails with ENODATA or EOPNOTSUPP
 *     (Linux's two answers: attributes absent, or unsupported by the
 *     filesystem), listxattr returns no more than the names there are,
 *     ERANGE for an empty name, ENOENT and EBADF first.
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/xattr.h>

#include "testutil.h"

#ifndef STATX_BASIC_STATS
#define STATX_TYPE              0x1U
#define STATX_BASIC_STATS       0x7ffU
#define STATX_BTIME             0x800U
#endif
#ifndef AT_STATX_FORCE_SYNC
#define AT_STATX_FORCE_SYNC     0x2000
#define AT_STATX_DONT_SYNC      0x4000
#endif
#define STATX__RESERVED         0x80000000U
#define AT_RECURSIVE            0x8000

/* Linux's struct statx, spelled out (musl's headers may lack it). */
struct sx_ts { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved; };
struct sx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct sx_ts atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};

static long sys_statx(int dfd, const char *path, int flags, unsigned int mask, struct sx *buf)
{
	return syscall(SYS_statx, dfd, path, flags, mask, buf);
}

static int same_as_stat(const struct sx *x, const struct stat *st)
{
	return x->ino == st->st_ino && x->mode == st->st_mode && x->nlink == st->st_nlink &&
	       x->uid == st->st_uid && x->gid == st->st_gid && x->size == (uint64_t)st->st_size &&
	       x->blocks == (uint64_t)st->st_blocks && x->blksize == (uint32_t)st->st_blksize &&
	       x->mtime.tv_sec == st->st_mtim.tv_sec &&
	       x->mtime.tv_nsec == (uint32_t)st->st_mtim.tv_nsec &&
	       x->ctime.tv_sec == st->st_ctim.tv_sec && x->atime.tv_sec == st->st_atim.tv_sec &&
	       ((uint64_t)x->dev_major << 8 | x->dev_minor) == (st->st_dev & 0xfffff) &&
	       ((uint64_t)x->rdev_major << 8 | x->rdev_minor) == (st->st_rdev & 0xfffff);
}

static void test_statx(void)
{
	struct sx x;
	struct stat st;
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0640);

	write_all(fd, "hello, statx\n", 13);
	fstat(fd, &st);
	memset(&x, 0xa5, sizeof(x));
	CHECK_OK(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS | STATX_BTIME, &x), "statx a file");
	CHECK((x.mask & STATX_BASIC_STATS) == STATX_BASIC_STATS, "stx_mask has the basic stats (%#x)",
	      x.mask);
	CHECK(same_as_stat(&x, &st), "every basic field is fstat's");
	CHECK((x.mask & STATX_BTIME) || (x.btime.tv_sec == 0 && x.btime.tv_nsec == 0),
	      "stx_btime is zero unless STATX_BTIME is reported");
	CHECK(x.spare3[11] == 0 && x.spare0 == 0, "unused bytes are zero");
	memset(&x, 0, sizeof(x));
	CHECK(sys_statx(AT_FDCWD, "f", 0, STATX_TYPE, &x) == 0 && S_ISREG(x.mode) &&
	      x.size == 13, "a mask of STATX_TYPE alone still gets what the filesystem has");
	CHECK(sys_statx(AT_FDCWD, "f", 0, 0, &x) == 0, "a mask of 0");
	CHECK(sys_statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &x) == 0 && same_as_stat(&x, &st),
	      "AT_EMPTY_PATH describes the descriptor");
	symlink("f", "lnk");
	CHECK(sys_statx(AT_FDCWD, "lnk", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &x) == 0 &&
	      S_ISLNK(x.mode) && x.size == 1, "AT_SYMLINK_NOFOLLOW describes the link");
	CHECK(sys_statx(AT_FDCWD, "lnk", 0, STATX_BASIC_STATS, &x) == 0 && x.ino == st.st_ino,
	      "a link is followed by default");
	CHECK_OK(sys_statx(AT_FDCWD, "f", AT_NO_AUTOMOUNT, STATX_BASIC_STATS, &x), "AT_NO_AUTOMOUNT");
	CHECK_OK(sys_statx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, &x),
		 "AT_STATX_FORCE_SYNC");
	CHECK_OK(sys_statx(AT_FDCWD, "f", AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &x),
		 "AT_STATX_DONT_SYNC");

	CHECK_ERR(sys_statx(AT_FDCWD, "f", 0, STATX__RESERVED, &x), EINVAL, "STATX__RESERVED");
	CHECK_ERR(sys_statx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, 0, &x), EINVAL,
		  "both sync types");
	CHECK_ERR(sys_statx(AT_FDCWD, "f", AT_RECURSIVE, 0, &x), EINVAL, "an unknown flag");
	CHECK_ERR(sys_statx(AT_FDCWD, "f", AT_REMOVEDIR, 0, &x), EINVAL, "AT_REMOVEDIR");
	CHECK_ERR(sys_statx(AT_FDCWD, (void *)UNMAPPED_ADDR, AT_RECURSIVE, 0, &x), EINVAL,
		  "EINVAL for the flags before EFAULT for the path");
	CHECK_ERR(sys_statx(AT_FDCWD, "", 0, STATX_BASIC_STATS, &x), ENOENT, "\"\" without AT_EMPTY_PATH");
	CHECK_ERR(sys_statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &x), ENOENT, "a missing file");
	CHECK_ERR(sys_statx(AT_FDCWD, "f/x", 0, STATX_BASIC_STATS, &x), ENOTDIR, "ENOTDIR");
	CHECK_ERR(sys_statx(-1, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &x), EBADF, "EBADF");
	CHECK_ERR(sys_statx(AT_FDCWD, (void *)UNMAPPED_ADDR, 0, STATX_BASIC_STATS, &x), EFAULT, "a bad path");
	CHECK_ERR(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, (void *)UNMAPPED_ADDR), EFAULT, "a bad buffer");
	close(fd);
	unlink("lnk");
	unlink("f");
}

static void test_fstatat(void)
{
	struct stat st;

	write_file("g", "x");
	CHECK_OK(fstatat(AT_FDCWD, "g", &st, AT_NO_AUTOMOUNT), "fstatat AT_NO_AUTOMOUNT");
	CHECK_OK(fstatat(AT_FDCWD, "g", &st, AT_STATX_FORCE_SYNC), "fstatat AT_STATX_FORCE_SYNC");
	CHECK_OK(fstatat(AT_FDCWD, "g", &st, AT_STATX_DONT_SYNC), "fstatat AT_STATX_DONT_SYNC");
	CHECK_OK(fstatat(AT_FDCWD, "g", &st, AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC),
		 "fstatat takes both sync types (only statx refuses them)");
	CHECK_OK(fstatat(AT_FDCWD, "g", &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH),
		 "fstatat with every path flag");
	CHECK_ERR(fstatat(AT_FDCWD, "g", &st, AT_RECURSIVE), EINVAL, "fstatat: an unknown flag");
	CHECK_ERR(fstatat(AT_FDCWD, "g", &st, AT_SYMLINK_FOLLOW), EINVAL, "fstatat: AT_SYMLINK_FOLLOW");
	unlink("g");
}

static void test_uname(void)
{
	struct utsname u;
	int ma = 0, mi = 0, pa = 0;

	CHECK_OK(uname(&u), "uname");
	CHECK(sscanf(u.release, "%d.%d.%d", &ma, &mi, &pa) == 3 && (ma > 3 || (ma == 3 && mi >= 2)),
	      "release is a Linux version glibc accepts (%s)", u.release);
	tap_diag("uname: %s %s %s", u.sysname, u.release, u.machine);
}

static void test_xattr(void)
{
	char buf[256];
	long n;
	int fd;

	write_file("h", "x");
	fd = open("h", O_RDONLY);
	errno = 0;
	CHECK(getxattr("h", "user.missing", buf, sizeof(buf)) == -1 &&
	      (errno == ENODATA || errno == EOPNOTSUPP), "getxattr of a missing attribute");
	CHECK(lgetxattr("h", "user.missing", buf, sizeof(buf)) == -1 &&
	      (errno == ENODATA || errno == EOPNOTSUPP), "lgetxattr");
	CHECK(fgetxattr(fd, "user.missing", buf, sizeof(buf)) == -1 &&
	      (errno == ENODATA || errno == EOPNOTSUPP), "fgetxattr");
	CHECK(getxattr("h", "system.posix_acl_access", NULL, 0) == -1 &&
	      (errno == ENODATA || errno == EOPNOTSUPP), "no ACL (what ls -l asks)");
	n = listxattr("h", buf, sizeof(buf));
	CHECK(n >= 0 && (n == 0 || buf[n - 1] == '\0'), "listxattr gives a list (%ld bytes)", n);
	CHECK(llistxattr("h", NULL, 0) >= 0 && flistxattr(fd, NULL, 0) >= 0,
	      "llistxattr, flistxattr");
	CHECK_ERR(getxattr("missing", "user.x", buf, sizeof(buf)), ENOENT, "getxattr: ENOENT first");
	CHECK_ERR(fgetxattr(-1, "user.x", buf, sizeof(buf)), EBADF, "fgetxattr: EBADF");
	CHECK_ERR(getxattr("h", "", buf, sizeof(buf)), ERANGE, "getxattr: an empty name");
	CHECK_ERR(setxattr("h", "user.x", "v", 1, 4), EINVAL, "setxattr: unknown flags");
	CHECK_ERR(setxattr("missing", "user.x", "v", 1, 0), ENOENT, "setxattr: ENOENT");
	close(fd);
	unlink("h");
}

int main(void)
{
	char dir[64];

	if (enter_scratch_dir("statx_test", dir, sizeof(dir)) != 0)
		return 1;
	test_statx();
	test_fstatat();
	test_uname();
	test_xattr();
	leave_scratch_dir(dir);
	return tap_done();
}
