/*
 * fsfault - the guest side of the power-cut and corrupted-image suites
 * (tests/stress.py; docs/testing.md, "The stress suites").
 *
 *   fsfault write DIR NFILES ROUNDS     write and fsync, for a power cut
 *                                       (DIR: a new name in the cwd)
 *   fsfault check DIR NAME=LEN...       after the cut: the fsynced bytes
 *   fsfault walk PATH                   read everything under PATH
 *
 * write: creates DIR and NFILES files f0, f1... in it, fsyncs them and DIR
 * and prints "# created DIR". Then, each round, it appends a chunk of an
 * odd size (so writes straddle blocks and pages) to every file, makes and
 * removes a small scratch file (metadata churn that a power cut can leave
 * half done), fsyncs one file in turn and prints, once fsync has returned,
 *
 *     # fsynced DIR/fN LEN
 *
 * LEN being the size of fN then: its bytes 0..LEN-1 must survive a power
 * cut from here on. The harness kills QEMU at a random moment after some
 * of these lines. Byte i of fN is fsfault_byte(N, i), which tests/stress.py
 * computes as well.
 *
 * check: for each NAME=LEN, reads DIR/NAME through the kernel and checks
 * its first LEN bytes (one TAP line each); then lists DIR and stats every
 * name in it. After a power cut a name may point to an inode that never
 * reached the disk; the kernel answers EIO for it until e2fsck repairs the
 * image (docs/ext2.md). Such names are counted and reported, not failed.
 *
 * walk: lists every directory under PATH and reads every regular file, at
 * most WALK_MAX_DEPTH levels deep, WALK_MAX_ENTRIES entries in all (a
 * corrupted image may hold a directory loop) and WALK_MAX_FILE bytes of a
 * file (or a size made huge, with holes, would take hours to read). Errors are counted by errno
 * and printed; the walk itself always exits 0 when it ran to the end: on a
 * corrupted image, a clean error is the right answer. Then it writes,
 * fsyncs, reads back and removes a 64 KiB file in the cwd and says how
 * that went.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define MAX_FILES	16
#define CHUNK_MAX	6000		/* bytes appended to a file per round */
#define WALK_MAX_DEPTH	16
#define WALK_MAX_ENTRIES 20000
#define WALK_MAX_FILE	(4 << 20)	/* bytes read of one file at most */
#define PROBE_SIZE	(64 * 1024)

/* Byte @off of file fN: position-dependent, so a misplaced block shows. */
static unsigned char fsfault_byte(unsigned int n, uint64_t off)
{
	uint32_t x = (uint32_t)off * 0x9E3779B1u + n * 0x85EBCA6Bu + 1;

	x ^= x >> 15;
	x *= 0x2C1B3C6Du;
	x ^= x >> 12;
	return (unsigned char)x;
}

static void fill(unsigned char *buf, unsigned int n, uint64_t off, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = fsfault_byte(n, off + i);
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY), err;

	if (fd < 0)
		return -1;
	err = fsync(fd);
	close(fd);
	return err;
}

static void die(const char *what, const char *path)
{
	printf("fsfault: %s %s: %s\n", what, path, strerror(errno));
	exit(2);
}

static int do_write(const char *dir, unsigned int nfiles, unsigned long rounds)
{
	static unsigned char buf[CHUNK_MAX];
	uint64_t size[MAX_FILES] = { 0 };
	int fd[MAX_FILES];
	char path[512];

	if (nfiles < 1 || nfiles > MAX_FILES) {
		printf("fsfault: NFILES must be 1..%d\n", MAX_FILES);
		return 2;
	}
	if (mkdir(dir, 0755) != 0)
		die("mkdir", dir);
	for (unsigned int n = 0; n < nfiles; n++) {
		snprintf(path, sizeof(path), "%s/f%u", dir, n);
		fd[n] = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd[n] < 0 || fsync(fd[n]) != 0)
			die("create", path);
	}
	/* The names live in DIR and DIR in its parent: fsync both. */
	if (fsync_path(dir) != 0)
		die("fsync", dir);
	if (fsync_path(".") != 0)
		die("fsync", ".");
	printf("# created %s\n", dir);
	for (unsigned long r = 1; r <= rounds; r++) {
		unsigned int n = r % nfiles;
		size_t len;
		int tmp;

		for (unsigned int i = 0; i < nfiles; i++) {
			len = 1 + (r * 7919 + i * 104729) % CHUNK_MAX;
			fill(buf, i, size[i], len);
			snprintf(path, sizeof(path), "%s/f%u", dir, i);
			if (write_all(fd[i], buf, len) != 0)
				die("write", path);
			size[i] += len;
		}
		/* Churn: a file made and removed each round, never synced. */
		snprintf(path, sizeof(path), "%s/tmp%lu", dir, r);
		tmp = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (tmp < 0 || write_all(tmp, buf, 3000) != 0 || close(tmp) != 0)
			die("scratch file", path);
		if (r > 1) {
			snprintf(path, sizeof(path), "%s/tmp%lu", dir, r - 1);
			if (unlink(path) != 0)
				die("unlink", path);
		}
		snprintf(path, sizeof(path), "%s/f%u", dir, n);
		if (fsync(fd[n]) != 0)
			die("fsync", path);
		printf("# fsynced %s %llu\n", path, (unsigned long long)size[n]);
	}
	printf("# wrote %lu rounds\n", rounds);
	return 0;
}

/*
 * Read @path and compare its first @len bytes with file @n's pattern: one
 * TAP line, with the reason under it if it fails.
 */
static void check_file(const char *path, unsigned int n, uint64_t len)
{
	static unsigned char buf[65536], want[65536];
	uint64_t off = 0, bad_at = UINT64_MAX;
	int fd = open(path, O_RDONLY), err = 0;
	struct stat st = { 0 };

	if (fd < 0 || fstat(fd, &st) != 0)
		err = errno;
	while (!err && off < len) {
		size_t want_len = len - off < sizeof(buf) ? len - off : sizeof(buf);
		ssize_t got = read(fd, buf, want_len);

		if (got < 0)
			err = errno;
		if (got <= 0)
			break;
		fill(want, n, off, got);
		for (ssize_t i = 0; i < got && bad_at == UINT64_MAX; i++)
			if (buf[i] != want[i])
				bad_at = off + i;
		off += got;
	}
	if (!tap_result(!err && off == len && bad_at == UINT64_MAX, "%s: its %llu "
			"fsynced bytes read back as written", path,
			(unsigned long long)len))
		tap_diag("size %lld, read %llu bytes, first wrong byte at %lld, "
			 "error %s", (long long)st.st_size, (unsigned long long)off,
			 bad_at == UINT64_MAX ? -1LL : (long long)bad_at,
			 err ? strerror(err) : "none");
	if (fd >= 0)
		close(fd);
}

static int do_check(const char *dir, int argc, char **argv)
{
	unsigned long names = 0, eio = 0, other = 0;
	char path[512];
	struct dirent *de;
	DIR *d;

	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		unsigned int n;

		if (!eq || sscanf(argv[i], "f%u=", &n) != 1) {
			printf("fsfault: bad argument %s (want fN=LEN)\n", argv[i]);
			return 2;
		}
		snprintf(path, sizeof(path), "%s/%.*s", dir, (int)(eq - argv[i]), argv[i]);
		check_file(path, n, strtoull(eq + 1, NULL, 10));
	}
	d = opendir(dir);
	if (CHECK(d != NULL, "opendir %s", dir)) {
		while ((de = readdir(d)) != NULL) {
			struct stat st;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			names++;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (lstat(path, &st) == 0)
				continue;
			if (errno == EIO)
				eio++;
			else
				other++;
			tap_diag("stat %s: %s", path, strerror(errno));
		}
		closedir(d);
		tap_diag("%s holds %lu names; %lu give EIO (an inode the cut kept "
			 "from the disk: e2fsck repairs it)", dir, names, eio);
		CHECK_EQ(other, 0, "every name in %s stats, or gives EIO", dir);
	}
	return tap_done();
}

/* ---- walk ------------------------------------------------------------------- */

static struct {
	unsigned long dirs, files, bytes, entries, cut_short;
	unsigned long err[135];		/* by errno */
	int truncated;
} walk_stats;

static void walk_error(const char *what, const char *path, int err)
{
	if (err > 0 && err < (int)(sizeof(walk_stats.err) / sizeof(walk_stats.err[0])))
		walk_stats.err[err]++;
	printf("# %s %s: %s\n", what, path, strerror(err));
}

static void read_whole(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		walk_error("open", path, errno);
		return;
	}
	for (long total = 0; (n = read(fd, buf, sizeof(buf))) > 0; ) {
		walk_stats.bytes += n;
		total += n;
		if (total >= WALK_MAX_FILE) {
			walk_stats.cut_short++;
			break;
		}
	}
	if (n < 0)
		walk_error("read", path, errno);
	close(fd);
}

static void walk(const char *path, int depth)
{
	struct dirent *de;
	DIR *d;

	walk_stats.dirs++;
	if (depth > WALK_MAX_DEPTH) {
		walk_stats.truncated = 1;
		return;
	}
	d = opendir(path);
	if (!d) {
		walk_error("opendir", path, errno);
		return;
	}
	for (;;) {
		char child[1024];
		struct stat st;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno)
				walk_error("readdir", path, errno);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (++walk_stats.entries > WALK_MAX_ENTRIES) {
			walk_stats.truncated = 1;
			break;
		}
		snprintf(child, sizeof(child), "%s%s%s", path,
			 path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		/* Not the pseudo filesystems: they are not on the image. */
		if (!strcmp(child, "/proc") || !strcmp(child, "/dev"))
			continue;
		if (lstat(child, &st) != 0) {
			walk_error("stat", child, errno);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			walk(child, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			walk_stats.files++;
			read_whole(child);
		}
	}
	closedir(d);
}

/* Write, fsync, read back and remove PROBE_SIZE bytes in the cwd. */
static const char *probe_write(void)
{
	static unsigned char buf[PROBE_SIZE], back[PROBE_SIZE];
	static char why[128];
	const char *name = "fsfault-probe";
	int fd;

	fill(buf, 7, 0, sizeof(buf));
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		snprintf(why, sizeof(why), "create: %s", strerror(errno));
	else if (write_all(fd, buf, sizeof(buf)) != 0)
		snprintf(why, sizeof(why), "write: %s", strerror(errno));
	else if (fsync(fd) != 0)
		snprintf(why, sizeof(why), "fsync: %s", strerror(errno));
	else if (pread(fd, back, sizeof(back), 0) != (ssize_t)sizeof(back))
		snprintf(why, sizeof(why), "read back: %s", strerror(errno));
	else if (memcmp(buf, back, sizeof(buf)) != 0)
		snprintf(why, sizeof(why), "read back different bytes");
	else
		snprintf(why, sizeof(why), "ok");
	if (fd >= 0)
		close(fd);
	unlink(name);
	return why;
}

static int do_walk(const char *path)
{
	walk(path, 0);
	printf("# walk %s: %lu directories, %lu files, %lu bytes read%s\n", path,
	       walk_stats.dirs, walk_stats.files, walk_stats.bytes,
	       walk_stats.truncated ? " (stopped at the depth or entry limit)" : "");
	if (walk_stats.cut_short)
		printf("# walk stopped reading %lu files at %d MiB (a size a "
		       "corruption made huge?)\n", walk_stats.cut_short,
		       WALK_MAX_FILE >> 20);
	for (int e = 1; e < (int)(sizeof(walk_stats.err) / sizeof(walk_stats.err[0])); e++)
		if (walk_stats.err[e])
			printf("# walk: %lu x %s\n", walk_stats.err[e], strerror(e));
	printf("# probe file: %s\n", probe_write());
	printf("# walk done\n");
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "write"))
		return do_write(argv[2], atoi(argv[3]), strtoul(argv[4], NULL, 10));
	if (argc >= 3 && !strcmp(argv[1], "check"))
		return do_check(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "walk"))
		return do_walk(argv[2]);
	printf("usage: fsfault write DIR NFILES ROUNDS | check DIR fN=LEN... | walk PATH\n");
	return 2;
}
