/*
 * exec_persist - the program of the exec-disk suite (tests/run.py), which
 * hands it to `make exec DISK=FILE` several times on one image.
 *
 *   exec_persist STATUS [scribble]   append a line to ./exec_persist.log,
 *                                    print how many lines it holds, exit
 *                                    with STATUS
 *   exec_persist kill [scribble]     the same, then die of SIGTERM (143)
 *
 * What the host checks from its output: the run count grows by one per
 * boot (its cwd is a writable directory of the DISK image, and what it
 * writes there persists), and, with "scribble", that the directory it was
 * run from cannot be written (the program disk is read-only, so no guest
 * program can damage it either). Each check prints one "exec_persist: ..."
 * line; the exit status is the one asked for, so the host sees it relayed.
 *
 * "scribble" is asked for in the last run only: when the old harness
 * wrote the program into the DISK image itself, a file created (and
 * removed) beside it happened to take, and so hide, the inode that the
 * harness had leaked, and the damage the suite exists to catch went
 * unseen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG "exec_persist.log"

/* Lines in LOG after appending one; -1 (and a message) on failure. */
static int append_and_count(void)
{
	char buf[4096];
	ssize_t n;
	int fd, lines = 0;

	fd = open(LOG, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0 || write(fd, "run\n", 4) != 4 || fsync(fd) != 0) {
		printf("exec_persist: %s: %s\n", LOG, strerror(errno));
		return -1;
	}
	close(fd);
	fd = open(LOG, O_RDONLY);
	if (fd < 0) {
		printf("exec_persist: reopen %s: %s\n", LOG, strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++)
			lines += buf[i] == '\n';
	close(fd);
	return lines;
}

/* Try to create a file beside the program: the program disk must refuse. */
static void try_write_beside(const char *argv0)
{
	char path[PATH_MAX];
	const char *slash = strrchr(argv0, '/');
	int fd;

	if (!slash) {
		printf("exec_persist: run by a relative name (%s)\n", argv0);
		return;
	}
	snprintf(path, sizeof(path), "%.*s/scribble", (int)(slash - argv0), argv0);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0) {
		printf("exec_persist: created %s: the program's disk is writable\n", path);
		close(fd);
		unlink(path);
		return;
	}
	printf("exec_persist: create beside the program: %s\n", strerror(errno));
}

int main(int argc, char **argv)
{
	char cwd[PATH_MAX];
	int runs;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "scribble") != 0)) {
		fprintf(stderr, "usage: exec_persist STATUS|kill [scribble]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("exec_persist: argv[0] %s, cwd %s\n", argv[0],
	       getcwd(cwd, sizeof(cwd)) ? cwd : strerror(errno));
	runs = append_and_count();
	if (runs > 0)
		printf("exec_persist: runs %d\n", runs);
	if (argc == 3)
		try_write_beside(argv[0]);
	if (strcmp(argv[1], "kill") == 0) {
		fflush(stdout);
		raise(SIGTERM);
		return 1;               /* not reached: SIGTERM's default kills */
	}
	return runs > 0 ? atoi(argv[1]) : 1;
}
