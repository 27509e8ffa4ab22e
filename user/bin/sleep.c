/*
 * sleep - wait for a number of seconds.
 *
 *   sleep SECONDS       a decimal number: 2, 0.5, 1.25
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Parse "SECONDS[.FRACTION]" into ts; 0, or -1 if it is not a number. */
static int parse_seconds(const char *s, struct timespec *ts)
{
	char *end;
	long frac = 0, scale = 100000000;	/* ns per first decimal digit */

	if (*s < '0' || *s > '9')
		return -1;
	ts->tv_sec = strtol(s, &end, 10);
	if (*end == '.') {
		for (end++; *end >= '0' && *end <= '9'; end++) {
			frac += (*end - '0') * scale;
			scale /= 10;
		}
	}
	ts->tv_nsec = frac;
	return *end == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct timespec ts;

	if (argc != 2 || parse_seconds(argv[1], &ts) != 0) {
		fprintf(stderr, "usage: sleep SECONDS\n");
		return 1;
	}
	/* nanosleep leaves the time still to go in ts when interrupted. */
	while (nanosleep(&ts, &ts) != 0) {
		if (errno != EINTR) {
			perror("sleep: nanosleep");
			return 1;
		}
	}
	return 0;
}
