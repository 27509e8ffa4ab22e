/*
 * mv - rename files.
 *
 *   mv SRC DST          rename SRC to DST (replacing a file DST)
 *   mv SRC... DIR       move each SRC into the directory DIR
 *
 * Only rename(2): moving between filesystems (EXDEV) is reported, not
 * done by copying.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	const char *dst = argv[argc - 1];
	int status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: mv SRC DST | mv SRC... DIR\n");
		return 1;
	}
	if (argc == 3 && !is_dir(dst))
		return rename(argv[1], dst) == 0 ? 0 : report_error("mv", argv[1]);
	for (int i = 1; i < argc - 1; i++) {
		const char *base = strrchr(argv[i], '/');
		char path[4096];

		base = base ? base + 1 : argv[i];
		snprintf(path, sizeof(path), "%s/%s", dst, base);
		if (rename(argv[i], path) != 0)
			status = report_error("mv", argv[i]);
	}
	return status;
}
