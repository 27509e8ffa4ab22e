/*
 * profrun - run a program under the kernel profiler and print where the
 * CPUs spent that time (make profile; docs/performance.md, "Profiles").
 *
 *   profrun [-n TOP] PROG [ARGS...]
 *
 * Needs a kernel booted with profile=1, which gives /proc/profile:
 * "SAMPLES NAME" per line, the busiest first, one sample per CPU per
 * timer tick. profrun writes to it (which zeroes the counts), runs PROG
 * with ARGS and waits for it, then reads the counts and prints the TOP
 * (default 30) busiest entries between two marker lines:
 *
 *   == profile: S samples, K in the kernel (I idle, U user), top TOP
 *     SAMPLES  %ALL  %KERNEL  FUNCTION
 *   ...
 *   == end of profile
 *
 * %KERNEL is the share of the kernel's own samples (neither <user> nor
 * <idle>). It exits with PROG's status (128 + the signal if killed), so
 * make profile fails when the program does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROFILE "/proc/profile"
#define MAX_LINES 8192

struct entry {
	unsigned long samples;
	char name[96];
};

static struct entry entries[MAX_LINES];

static int reset_profile(void)
{
	int fd = open(PROFILE, O_WRONLY);
	int ok;

	if (fd < 0) {
		fprintf(stderr, "profrun: %s: %s (boot with profile=1)\n", PROFILE,
			strerror(errno));
		return -1;
	}
	ok = write(fd, "0\n", 2) == 2;
	if (!ok)
		fprintf(stderr, "profrun: resetting %s: %s\n", PROFILE, strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}

/* Read /proc/profile into entries[]; returns how many, or -1. */
static int read_profile(void)
{
	FILE *f = fopen(PROFILE, "r");
	int n = 0;

	if (!f) {
		fprintf(stderr, "profrun: %s: %s\n", PROFILE, strerror(errno));
		return -1;
	}
	while (n < MAX_LINES && fscanf(f, "%lu %95s", &entries[n].samples, entries[n].name) == 2)
		n++;
	fclose(f);
	return n;
}

static int run(char **argv)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("profrun: fork");
		return -1;
	}
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "profrun: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid) {
		perror("profrun: waitpid");
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	unsigned long total = 0, idle = 0, user = 0, kernel;
	int top = 30, opt, status, n;

	while ((opt = getopt(argc, argv, "+n:")) != -1) {
		if (opt != 'n' || (top = atoi(optarg)) < 1)
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	if (reset_profile())
		return 2;
	status = run(argv + optind);
	if (status < 0 || (n = read_profile()) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		total += entries[i].samples;
		if (!strcmp(entries[i].name, "<idle>"))
			idle += entries[i].samples;
		else if (!strcmp(entries[i].name, "<user>"))
			user += entries[i].samples;
	}
	kernel = total - idle - user;
	printf("== profile: %lu samples, %lu in the kernel (%lu idle, %lu user), top %d\n",
	       total, kernel, idle, user, top);
	printf("%9s %6s %8s  %s\n", "SAMPLES", "%ALL", "%KERNEL", "FUNCTION");
	for (int i = 0; i < n && i < top; i++) {
		int in_kernel = strcmp(entries[i].name, "<idle>") && strcmp(entries[i].name, "<user>");
		char kshare[16] = "";

		if (in_kernel && kernel)
			snprintf(kshare, sizeof(kshare), "%.1f", 100.0 * entries[i].samples / kernel);
		printf("%9lu %6.1f %8s  %s\n", entries[i].samples,
		       total ? 100.0 * entries[i].samples / total : 0.0, kshare, entries[i].name);
	}
	printf("== end of profile\n");
	return status;
usage:
	fprintf(stderr, "usage: profrun [-n TOP] PROG [ARGS...]\n");
	return 2;
}
