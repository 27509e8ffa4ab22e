/*
 * echo - print the arguments, separated by spaces, and a newline.
 *
 *   echo [-n] [ARG...]      -n: no newline at the end
 *
 * No escape sequences (\n and the like are printed as they are).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int newline = 1, i = 1;

	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = 0;
		i = 2;
	}
	for (; i < argc; i++) {
		fputs(argv[i], stdout);
		if (i < argc - 1)
			putchar(' ');
	}
	if (newline)
		putchar('\n');
	/* A full disk or a closed pipe must show in the exit status. */
	if (fflush(stdout) != 0) {
		perror("echo: write");
		return 1;
	}
	return 0;
}
