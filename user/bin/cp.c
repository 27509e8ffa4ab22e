/*
 * cp - copy files.
 *
 *   cp SRC DST          copy file SRC to DST (a file, or a directory)
 *   cp SRC... DIR       copy each SRC into directory DIR
 *
 * A new file gets SRC's permission bits (minus the umask); an existing
 * DST is truncated and overwritten. Directories are not copied.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* Copy in to out; 0, or -1 with errno set. */
static int copy_data(int in, int out)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(out, buf, (size_t)n) != 0)
			return -1;
	}
	return 0;
}

static int copy_file(const char *src, const char *dst)
{
	struct stat st;
	int in, out, status = 0;

	in = open(src, O_RDONLY);
	if (in < 0)
		return report_error("cp", src);
	if (fstat(in, &st) != 0 || S_ISDIR(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		close(in);
		return report_error("cp", src);
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
	if (out < 0) {
		close(in);
		return report_error("cp", dst);
	}
	if (copy_data(in, out) != 0)
		status = report_error("cp", dst);
	if (close(out) != 0)
		status = report_error("cp", dst);
	close(in);
	return status;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir/basename(src), in buf. */
static const char *path_in_dir(const char *dir, const char *src, char *buf,
			       size_t size)
{
	const char *base = strrchr(src, '/');

	snprintf(buf, size, "%s/%s", dir, base ? base + 1 : src);
	return buf;
}

int main(int argc, char **argv)
{
	const char *dst = argv[argc - 1];
	int status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: cp SRC DST | cp SRC... DIR\n");
		return 1;
	}
	if (argc > 3 && !is_dir(dst)) {
		errno = ENOTDIR;
		return report_error("cp", dst);
	}
	for (int i = 1; i < argc - 1; i++) {
		char buf[4096];
		const char *to = is_dir(dst) ?
			path_in_dir(dst, argv[i], buf, sizeof(buf)) : dst;

		status |= copy_file(argv[i], to);
	}
	return status;
}
