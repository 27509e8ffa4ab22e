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
 *   Access: (0644/-rw-r--r--)  Uid: 0  Gid: 0
 *   Modify: 1700000000.000000000
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

static void mode_string(mode_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' :
		 S_ISCHR(mode) ? 'c' : S_ISBLK(mode) ? 'b' :
		 S_ISFIFO(mode) ? 'p' : S_ISSOCK(mode) ? 's' : '-';
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

static int show(const char *path)
{
	struct stat st;
	char mode[11];

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
	printf("Access: (%04o/%s)  Uid: %u  Gid: %u\n",
	       (unsigned)(st.st_mode & 07777), mode, (unsigned)st.st_uid,
	       (unsigned)st.st_gid);
	printf("Access: %lld.%09ld\n", (long long)st.st_atim.tv_sec,
	       st.st_atim.tv_nsec);
	printf("Modify: %lld.%09ld\n", (long long)st.st_mtim.tv_sec,
	       st.st_mtim.tv_nsec);
	printf("Change: %lld.%09ld\n", (long long)st.st_ctim.tv_sec,
	       st.st_ctim.tv_nsec);
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
