/*
 * util.h - what the small utilities in user/bin/ share.
 *
 * Every utility reports an error as "prog: path: strerror(errno)" on
 * stderr, goes on with its other arguments, and exits with status 1 if
 * anything failed (0 otherwise).
 */
#ifndef FAULTLINE_UTIL_H
#define FAULTLINE_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "prog: what: strerror(errno)"; returns 1, the exit status to use. */
static inline int report_error(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	return 1;
}

/* write() all of buf to fd, retrying short writes; 0 or -1. */
static inline int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

#endif /* FAULTLINE_UTIL_H */
