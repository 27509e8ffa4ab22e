/*
 * stat - show what stat(2) says about files.
 *
 *   stat PATH...
 *
 * For each PATH (not following a final symbolic link, like lstat):
 *
 *     File: notes.txt
 *     Size: 120        Blocks: 2        IO Block: 1024   regular file
 *   Device: 0,0        Inode: 14        Links: 1
 *   Access: (0644/-rw-r--r--)  Uid: (0/root)  Gid: (0/root)
 *   Access: 2026-12-06 03:19:04.000000000 +0000
 *   Modify: 2026-12-06 03:19:04.000000000 +0000
 *   Change: 2026-12-06 03:19:04.000000000 +0000
 *
 * Times are UTC: Faultline has no time zones.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util.h"

static const char *type_name(mode_t mode)
{
	if (S_ISREG(mode))
		return "regular file";
	if (S_ISDIR(mode))
		return "directory";
	if (S_ISLNK(mode))
		return "symbolic link";
	if (S_ISCHR(mode))
		return "character special file";
	if (S_ISBLK(mode))
		return "block special file";
	if (S_ISFIFO(mode))
		return "fifo";
	return S_ISSOCK(mode) ? "socket" : "unknown";
}

/* "Modify: 2026-12-06 03:19:04.000000000 +0000", as GNU stat prints it. */
static void show_time(const char *what, const struct timespec *ts)
{
	char buf[32];

	printf("%s: %s.%09ld +0000\n", what,
	       utc_time(ts->tv_sec, "%Y-%m-%d %H:%M:%S", buf, sizeof(buf)), ts->tv_nsec);
}

static int show(const char *path)
{
	struct stat st;
	char mode[11], uid[12], gid[12];

	if (lstat(path, &st) != 0)
		return report_error("stat", path);
	mode_string(st.st_mode, mode);
	printf("  File: %s\n", path);
	printf("  Size: %-10lld Blocks: %-8lld IO Block: %-6ld %s\n",
	       (long long)st.st_size, (long long)st.st_blocks,
	       (long)st.st_blksize, type_name(st.st_mode));
	printf("Device: %u,%-8u Inode: %-10llu Links: %lu\n",
	       major(st.st_dev), minor(st.st_dev),
	       (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
	printf("Access: (%04o/%s)  Uid: (%u/%s)  Gid: (%u/%s)\n",
	       (unsigned)(st.st_mode & 07777), mode, (unsigned)st.st_uid,
	       id_name(st.st_uid, uid), (unsigned)st.st_gid, id_name(st.st_gid, gid));
	show_time("Access", &st.st_atim);
	show_time("Modify", &st.st_mtim);
	show_time("Change", &st.st_ctim);
	return 0;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: stat PATH...\n");
		return 1;
	}
	for (int i = 1; i < argc; i++)
		status |= show(argv[i]);
	return status;
}
