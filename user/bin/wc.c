/*
 * wc - count lines, words and bytes.
 *
 *   wc [-l] [-w] [-c] [FILE...]    (stdin when no FILE)
 *
 * With no option all three counts are shown, in the order lines, words,
 * bytes; with several FILEs a "total" line follows.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct counts {
	unsigned long long lines, words, bytes;
};

static int count_fd(int fd, const char *name, struct counts *c)
{
	char buf[4096];
	int in_word = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return report_error("wc", name);
		}
		c->bytes += (unsigned long long)n;
		for (ssize_t i = 0; i < n; i++) {
			int space = buf[i] == ' ' || buf[i] == '\n' ||
				    buf[i] == '\t' || buf[i] == '\r' ||
				    buf[i] == '\v' || buf[i] == '\f';

			c->lines += buf[i] == '\n';
			if (!space && !in_word)
				c->words++;
			in_word = !space;
		}
	}
	return 0;
}

static void show(const struct counts *c, const char *flags, const char *name)
{
	const char *sep = "";

	if (strchr(flags, 'l')) {
		printf("%s%llu", sep, c->lines);
		sep = " ";
	}
	if (strchr(flags, 'w')) {
		printf("%s%llu", sep, c->words);
		sep = " ";
	}
	if (strchr(flags, 'c'))
		printf("%s%llu", sep, c->bytes);
	if (name)
		printf(" %s", name);
	putchar('\n');
}

int main(int argc, char **argv)
{
	struct counts total = { 0, 0, 0 };
	char flags[4] = "";
	int i, status = 0, files;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++)
		for (const char *p = argv[i] + 1; *p; p++) {
			if (!strchr("lwc", *p)) {
				fprintf(stderr, "usage: wc [-lwc] [FILE...]\n");
				return 1;
			}
			if (!strchr(flags, *p))
				strncat(flags, p, 1);
		}
	if (!flags[0])
		strcpy(flags, "lwc");
	files = argc - i;
	if (files == 0) {
		status = count_fd(0, "stdin", &total);
		show(&total, flags, NULL);
		return status;
	}
	for (; i < argc; i++) {
		struct counts c = { 0, 0, 0 };
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			status = report_error("wc", argv[i]);
			continue;
		}
		status |= count_fd(fd, argv[i], &c);
		close(fd);
		show(&c, flags, argv[i]);
		total.lines += c.lines;
		total.words += c.words;
		total.bytes += c.bytes;
	}
	if (files > 1)
		show(&total, flags, "total");
	return status;
}
