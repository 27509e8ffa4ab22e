/*
 * ls - list directory contents, one name per line, sorted by name.
 *
 *   ls [-a] [-l] [PATH...]
 *
 *   -a   also names that start with '.'
 *   -l   long format: mode, links, owner, group, size, modification
 *        time (UTC), name, e.g.
 *            -rw-r--r--  1 root root      120 Dec  6 03:19 notes.txt
 *            drwxr-xr-x  2 root root     1024 Dec  6 03:19 tests
 *            lrwxrwxrwx  1 root root        7 Dec  6 03:19 sh -> /bin/sh
 *
 * A PATH that is not a directory is listed as itself. With several PATHs,
 * each directory's listing is headed by "PATH:" and followed by a blank
 * line between listings. Symbolic links are shown, not followed.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct options {
	int all;
	int longfmt;
};

/* Print one entry; path is what to lstat, name what to show. */
static int print_entry(const char *path, const char *name,
		       const struct options *opt)
{
	struct stat st;
	char mode[11], target[4096], uid[12], gid[12], when[32];
	ssize_t n;

	if (!opt->longfmt) {
		printf("%s\n", name);
		return 0;
	}
	if (lstat(path, &st) != 0)
		return report_error("ls", path);
	mode_string(st.st_mode, mode);
	printf("%s %2lu %-4s %-4s %8lld %s %s", mode, (unsigned long)st.st_nlink,
	       id_name(st.st_uid, uid), id_name(st.st_gid, gid), (long long)st.st_size,
	       utc_time(st.st_mtime, "%b %e %H:%M", when, sizeof(when)), name);
	if (S_ISLNK(st.st_mode) &&
	    (n = readlink(path, target, sizeof(target) - 1)) >= 0)
		printf(" -> %.*s", (int)n, target);
	putchar('\n');
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Read the names in dir into a sorted, malloc'd array (free each name and
 * the array); NULL on error. Dot names are left out unless opt->all.
 */
static char **read_names(const char *dir, const struct options *opt,
			 size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && !opt->all)
			continue;
		if (n == cap) {
			char **bigger;

			cap = cap ? 2 * cap : 32;
			bigger = realloc(names, cap * sizeof(*names));
			if (!bigger)
				break;
			names = bigger;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), compare_names);
	*count = n;
	return names ? names : calloc(1, sizeof(*names));
}

static int list_dir(const char *dir, const struct options *opt)
{
	size_t count;
	char **names = read_names(dir, opt, &count);
	int status = 0;

	if (!names)
		return report_error("ls", dir);
	for (size_t i = 0; i < count; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		status |= print_entry(path, names[i], opt);
		free(names[i]);
	}
	free(names);
	return status;
}

static int list_path(const char *path, const struct options *opt, int header)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return report_error("ls", path);
	if (!S_ISDIR(st.st_mode))
		return print_entry(path, path, opt);
	if (header)
		printf("%s:\n", path);
	return list_dir(path, opt);
}

int main(int argc, char **argv)
{
	struct options opt = { 0, 0 };
	int c, status = 0;

	while ((c = getopt(argc, argv, "al")) != -1) {
		if (c == 'a')
			opt.all = 1;
		else if (c == 'l')
			opt.longfmt = 1;
		else
			return 1;	/* getopt printed the complaint */
	}
	if (optind == argc)
		return list_path(".", &opt, 0);
	for (int i = optind; i < argc; i++) {
		if (i > optind && argc - optind > 1)
			putchar('\n');
		status |= list_path(argv[i], &opt, argc - optind > 1);
	}
	return status;
}
