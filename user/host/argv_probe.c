/*
 * argv_probe - the program of the exec-args suite (tests/run.py), which
 * runs it through tools/faultline exec to check what a user of `make exec`
 * and of tools/faultline relies on:
 *
 *   argv_probe STATUS [ARG...]
 *
 * prints "argv_probe: argc N", then each argument bracketed, one per
 * line ("argv_probe: argv[2] [a b]"), so the host sees that quoted words
 * arrive whole and unchanged; calls a system call Faultline lacks twice
 * (lookup_dcookie, 212), printing the errno, so the host sees the
 * console's ENOSYS report relayed to it exactly once; and exits with
 * STATUS, which tools/faultline must exit with too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MISSING_SYSCALL 212     /* lookup_dcookie: not in Faultline */

int main(int argc, char **argv)
{
	printf("argv_probe: argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv_probe: argv[%d] [%s]\n", i, argv[i]);
	for (int i = 0; i < 2; i++) {
		long r = syscall(MISSING_SYSCALL, 0L, 0L, 0L);
		int err = errno;

		printf("argv_probe: system call %d: %ld, %s\n", MISSING_SYSCALL, r,
		       r != -1 ? "no error" : err == ENOSYS ? "ENOSYS" : strerror(err));
	}
	fflush(stdout);
	return argc > 1 ? atoi(argv[1]) : 0;
}
