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
#include <sys/stat.h>
#include <time.h>
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

/* "drwxr-xr-x": the type letter, then rwx for user, group and others. */
static inline void mode_string(mode_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(mode) ? 'd' : S_ISLNK(mode) ? 'l' :
		 S_ISCHR(mode) ? 'c' : S_ISBLK(mode) ? 'b' :
		 S_ISFIFO(mode) ? 'p' : S_ISSOCK(mode) ? 's' : '-';
	for (int i = 0; i < 9; i++)
		out[1 + i] = mode & (0400 >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

/* A user or group id as a name: there is no /etc/passwd, and everyone
 * is root, so 0 is "root" and anything else its number. */
static inline const char *id_name(unsigned int id, char buf[12])
{
	if (id == 0)
		return "root";
	snprintf(buf, 12, "%u", id);
	return buf;
}

/* A time in UTC (there are no time zones here) with strftime's @fmt. */
static inline const char *utc_time(time_t t, const char *fmt, char *buf, size_t size)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, size, fmt, &tm))
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
}

#endif /* FAULTLINE_UTIL_H */
