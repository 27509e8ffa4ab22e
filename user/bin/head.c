/*
 * head - the first lines of files.
 *
 *   head [-n N] [FILE...]    (N = 10; stdin when no FILE)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Copy the first n lines of fd to stdout. */
static int head_fd(int fd, const char *name, long n)
{
	char buf[4096];
	ssize_t got;

	while (n > 0 && (got = read(fd, buf, sizeof(buf))) != 0) {
		ssize_t len = 0;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return report_error("head", name);
		}
		while (len < got && n > 0)
			if (buf[len++] == '\n')
				n--;
		if (write_all(1, buf, (size_t)len) != 0)
			return report_error("head", "stdout");
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = 10;
	int i = 1, status = 0;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		n = atol(argv[2]);
		i = 3;
	}
	if (i == argc)
		return head_fd(0, "stdin", n);
	for (; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			status = report_error("head", argv[i]);
			continue;
		}
		status |= head_fd(fd, argv[i], n);
		close(fd);
	}
	return status;
}
