/*
 * mkdir - make directories.
 *
 *   mkdir [-p] DIR...     -p: make missing parents too, and do not
 *                             complain about a directory that exists
 *
 * New directories get mode 0777 minus the umask, as with mkdir(2).
 */
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* mkdir that succeeds if path is already a directory. */
static int mkdir_exists_ok(const char *path)
{
	struct stat st;

	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	return -1;
}

/* mkdir -p: each prefix of path that ends before a '/', then path. */
static int mkdir_parents(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir_exists_ok(buf) != 0)
			return -1;
		*p = '/';
	}
	return mkdir_exists_ok(buf);
}

int main(int argc, char **argv)
{
	int parents = 0, status = 0, i = 1;

	if (argc > 1 && strcmp(argv[1], "-p") == 0) {
		parents = 1;
		i = 2;
	}
	if (i == argc) {
		fprintf(stderr, "usage: mkdir [-p] DIR...\n");
		return 1;
	}
	for (; i < argc; i++) {
		int r = parents ? mkdir_parents(argv[i]) : mkdir(argv[i], 0777);

		if (r != 0)
			status = report_error("mkdir", argv[i]);
	}
	return status;
}
