/*
 * kill - send a signal to processes.
 *
 *   kill [-N] PID...      (N = 15, SIGTERM; e.g. kill -9 42)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

int main(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;

	if (argc > 1 && argv[1][0] == '-') {
		sig = atoi(argv[1] + 1);
		i = 2;
	}
	if (i == argc) {
		fprintf(stderr, "usage: kill [-N] PID...\n");
		return 1;
	}
	for (; i < argc; i++)
		if (kill(atoi(argv[i]), sig) != 0)
			status = report_error("kill", argv[i]);
	return status;
}
