/*
 * cat - copy files (or stdin) to stdout.
 *
 *   cat [FILE...]       no FILE, or "-": standard input
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* Copy fd to stdout; 0, or -1 with errno set (from read or write). */
static int copy_fd(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(1, buf, (size_t)n) != 0)
			return -1;
	}
	return 0;
}

static int cat_path(const char *path)
{
	int fd, r;

	if (strcmp(path, "-") == 0)
		return copy_fd(0) == 0 ? 0 : report_error("cat", "stdin");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return report_error("cat", path);
	r = copy_fd(fd) == 0 ? 0 : report_error("cat", path);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return cat_path("-");
	for (int i = 1; i < argc; i++)
		status |= cat_path(argv[i]);
	return status;
}
