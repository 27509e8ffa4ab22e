/*
 * rm - remove files.
 *
 *   rm [-f] [-r] PATH...
 *
 *   -r   remove directories and everything in them
 *   -f   say nothing about a PATH that does not exist
 *
 * Without -r a directory is not removed ("rm: d: Is a directory").
 * Symbolic links are removed, never followed.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct options {
	int force;
	int recursive;
};

static int remove_path(const char *path, const struct options *opt);

/* Remove everything inside dir, then dir itself. */
static int remove_dir(const char *dir, const struct options *opt)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int status = 0;

	if (!d)
		return report_error("rm", dir);
	while ((de = readdir(d)) != NULL) {
		char path[4096];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		status |= remove_path(path, opt);
	}
	closedir(d);
	if (rmdir(dir) != 0)
		status = report_error("rm", dir);
	return status;
}

static int remove_path(const char *path, const struct options *opt)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT && opt->force)
			return 0;
		return report_error("rm", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (opt->recursive)
			return remove_dir(path, opt);
		errno = EISDIR;
		return report_error("rm", path);
	}
	if (unlink(path) != 0)
		return report_error("rm", path);
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { 0, 0 };
	int c, status = 0;

	while ((c = getopt(argc, argv, "fr")) != -1) {
		if (c == 'f')
			opt.force = 1;
		else if (c == 'r')
			opt.recursive = 1;
		else
			return 1;
	}
	if (optind == argc && !opt.force) {
		fprintf(stderr, "usage: rm [-f] [-r] PATH...\n");
		return 1;
	}
	for (int i = optind; i < argc; i++)
		status |= remove_path(argv[i], &opt);
	return status;
}
