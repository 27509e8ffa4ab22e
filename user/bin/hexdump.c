/*
 * hexdump - show bytes in hex and ASCII, in the format of `hexdump -C`.
 *
 *   hexdump [-C] [FILE...]     (stdin when no FILE; -C is the only format)
 *
 *   00000000  68 65 6c 6c 6f 0a 00 00  00 00 00 00 00 00 00 00  |hello...........|
 *   *
 *   00000400  ...
 *   00000405
 *
 * A run of lines equal to the one before is shown as a single "*", and the
 * last line is the total length, as hexdump does.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

struct dumper {
	unsigned char line[16];
	unsigned char prev[16];
	size_t fill;		/* bytes in line[] */
	unsigned long long offset;	/* of line[0] */
	int have_prev;
	int starred;
};

static void print_line(const struct dumper *d)
{
	printf("%08llx ", d->offset);
	for (size_t i = 0; i < 16; i++) {
		if (i == 8)
			putchar(' ');
		if (i < d->fill)
			printf(" %02x", d->line[i]);
		else
			printf("   ");
	}
	printf("  |");
	for (size_t i = 0; i < d->fill; i++) {
		unsigned char c = d->line[i];

		putchar(c >= 0x20 && c < 0x7f ? c : '.');
	}
	printf("|\n");
}

/* A full (or the final, partial) line is ready. */
static void flush_line(struct dumper *d)
{
	if (d->fill == 16 && d->have_prev && !memcmp(d->line, d->prev, 16)) {
		if (!d->starred)
			printf("*\n");
		d->starred = 1;
	} else {
		print_line(d);
		d->starred = 0;
	}
	memcpy(d->prev, d->line, 16);
	d->have_prev = d->fill == 16;
	d->offset += d->fill;
	d->fill = 0;
}

static int dump_fd(struct dumper *d, int fd, const char *name)
{
	unsigned char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return report_error("hexdump", name);
		}
		for (ssize_t i = 0; i < n; i++) {
			d->line[d->fill++] = buf[i];
			if (d->fill == 16)
				flush_line(d);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dumper d;
	int status = 0, first = 1, files = 0;

	memset(&d, 0, sizeof(d));
	for (int i = 1; i < argc; i++) {
		int fd;

		if (first && strcmp(argv[i], "-C") == 0)
			continue;
		first = 0;
		files++;
		fd = open(argv[i], O_RDONLY);
		if (fd < 0) {
			status = report_error("hexdump", argv[i]);
			continue;
		}
		status |= dump_fd(&d, fd, argv[i]);
		close(fd);
	}
	if (files == 0)
		status |= dump_fd(&d, 0, "stdin");
	if (d.fill > 0)
		flush_line(&d);
	if (d.offset > 0)
		printf("%08llx\n", d.offset);
	return status;
}
