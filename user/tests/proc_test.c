/*
 * proc_test - /proc and /dev as Linux shows them.
 *
 *   /proc/self/maps  the exact line layout (show_map_vma's), and the lines
 *                    after mmap, mprotect (a VMA split in three and merged
 *                    back), munmap (a hole), a file mapping (path, offset,
 *                    dev, inode; " (deleted)" after unlink), shared
 *                    anonymous memory, [heap], [stack], this program's text
 *   /proc/PID/maps   another process's, while it lives; ESRCH from a file
 *                    opened before it was reaped, and no /proc/PID after
 *   /proc/self, ..   /proc/self is this process's /proc/PID; getcwd and
 *                    ".." cross the mount points as on Linux
 *   /proc/meminfo    the lines and layout; Cached grows with a new file
 *   /proc/vmstat     "name value" lines; pgfault grows as pages are touched
 *   /proc/self/status  Linux's line layout; VmRSS and RssAnon grow by the
 *                    pages touched and shrink after munmap; statm agrees
 *   /proc/self/oom_score_adj  read, write, EINVAL outside -1000..1000,
 *                    inherited at fork; oom_score moves with it
 *   /dev/null        EOF, swallowed writes, seek to 0, 1:3, no mmap
 *
 * Only what Linux and Faultline show alike is compared: Linux lists more
 * in every file and directory, so checks look for lines and entries, never
 * for the whole text. Mappings are made inside a PROT_NONE reservation so
 * that no neighbour can merge with them.
 */
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "testutil.h"

#define RW (PROT_READ | PROT_WRITE)
#define MAPS_SIZE (256 * 1024)

static char maps[MAPS_SIZE];

struct map_line {
	unsigned long start, end;
	char perms[8];
	unsigned long long offset;
	unsigned int major, minor;
	unsigned long ino;
	const char *name;               /* into a copy of the line; "" if none */
	char text[1024];                /* the line, without its newline */
};

/* Read @path whole into @buf (NUL-terminated); its length or -1. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	return read_file(path, buf, size);
}

static ssize_t read_maps(void)
{
	return slurp("/proc/self/maps", maps, sizeof(maps));
}

/*
 * Parse one maps line and check its layout against Linux's: the fields
 * printed with "%08lx-%08lx %s %08llx %02x:%02x %lu ", then (if there is a
 * name) spaces up to column 72 and one more space, then the name.
 * Returns 1 if the line has exactly that layout.
 */
static int parse_map_line(const char *line, size_t len, struct map_line *ml)
{
	char prefix[256];
	int n = -1, plen, col;

	ml->name = "";

	if (len >= sizeof(ml->text))
		return 0;
	memcpy(ml->text, line, len);
	ml->text[len] = '\0';
	if (sscanf(ml->text, "%lx-%lx %7s %llx %x:%x %lu%n", &ml->start, &ml->end, ml->perms,
		   &ml->offset, &ml->major, &ml->minor, &ml->ino, &n) != 7 || n < 0)
		return 0;
	plen = snprintf(prefix, sizeof(prefix), "%08lx-%08lx %s %08llx %02x:%02x %lu ",
			ml->start, ml->end, ml->perms, ml->offset, ml->major, ml->minor, ml->ino);
	if (len < (size_t)plen || strncmp(ml->text, prefix, (size_t)plen) != 0)
		return 0;               /* a field not as Linux prints it */
	ml->name = "";
	if (len == (size_t)plen)
		return 1;               /* "... 0 " and the newline: no name */
	col = (plen > 72 ? plen : 72) + 1;
	for (int i = plen; i < col; i++)
		if (i >= (int)len || ml->text[i] != ' ')
			return 0;
	ml->name = ml->text + col;
	return ml->name[0] != ' ' && ml->name[0] != '\0';
}

/* The line of the VMA containing @addr in the text last read; 1 if found. */
static int find_map(const void *addr, struct map_line *ml)
{
	unsigned long a = (unsigned long)addr;

	for (const char *p = maps; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (parse_map_line(p, len, ml) && ml->start <= a && a < ml->end)
			return 1;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

/* Read the maps and check the VMA at @start: [start, start+len), @perms,
 * @offset and @name (NULL: any). Prints the line it found if wrong. */
static int map_is(const void *start, size_t len, const char *perms, unsigned long long offset,
		  const char *name)
{
	struct map_line ml;
	int ok;

	if (read_maps() <= 0 || !find_map(start, &ml)) {
		tap_diag("no maps line for %p", start);
		return 0;
	}
	ok = ml.start == (unsigned long)start && ml.end == (unsigned long)start + len &&
	     strcmp(ml.perms, perms) == 0 && ml.offset == offset &&
	     (!name || strcmp(ml.name, name) == 0);
	if (!ok)
		tap_diag("got: %s", ml.text);
	return ok;
}

/* A PROT_NONE reservation of @pages pages, for MAP_FIXED maps inside it. */
static char *reserve(size_t pages)
{
	void *p = mmap(NULL, pages * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static char *map_fixed(char *at, size_t pages, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(at, pages * PAGE_SIZE, prot, flags | MAP_FIXED, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* ---- /proc/self/maps ------------------------------------------------------ */

static void test_maps_layout(void)
{
	ssize_t n = read_maps();
	int lines = 0, good = 0;

	REQUIRE(n > 0, "read /proc/self/maps");
	CHECK(maps[n - 1] == '\n', "maps: the text ends with a newline");
	for (const char *p = maps; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct map_line ml;

		lines++;
		if (parse_map_line(p, len, &ml))
			good++;
		else
			tap_diag("layout: %.*s", (int)len, p);
		p += len + (nl ? 1 : 0);
	}
	CHECK(lines >= 3, "maps: several lines (got %d)", lines);
	CHECK_EQ(good, lines, "maps: every line has Linux's layout and padding");
}

static void test_maps_chunked_read(void)
{
	static char chunked[MAPS_SIZE];
	size_t got = 0;
	ssize_t n, whole;
	int fd = open("/proc/self/maps", O_RDONLY);
	char *extra;

	REQUIRE(fd >= 0, "open /proc/self/maps");
	whole = read_maps();
	while (got < sizeof(chunked) - 1 && (n = read(fd, chunked + got, 7)) > 0)
		got += (size_t)n;
	chunked[got] = '\0';
	CHECK(whole > 0 && strcmp(chunked, maps) == 0,
	      "maps: reading 7 bytes at a time gives the same text");
	extra = map_pages(1);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0, "maps: lseek back to 0");
	n = read(fd, chunked, sizeof(chunked) - 1);
	chunked[n > 0 ? n : 0] = '\0';
	snprintf(maps, sizeof(maps), "%s", chunked);
	{
		struct map_line ml;

		CHECK(extra && find_map(extra, &ml),
		      "maps: a read from 0 again shows a mapping made meanwhile");
	}
	munmap(extra, PAGE_SIZE);
	close(fd);
}

static void test_maps_anon_split(void)
{
	char *r = reserve(8), *p;

	REQUIRE(r != NULL, "reserve 8 pages PROT_NONE");
	p = map_fixed(r + 2 * PAGE_SIZE, 4, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != NULL, "map 4 anonymous pages inside it");
	CHECK(map_is(p, 4 * PAGE_SIZE, "rw-p", 0, ""),
	      "anonymous: one rw-p line, offset 0, 00:00 0, no name");
	CHECK(map_is(r, 2 * PAGE_SIZE, "---p", 0, "") &&
	      map_is(r + 6 * PAGE_SIZE, 2 * PAGE_SIZE, "---p", 0, ""),
	      "the PROT_NONE parts around it are ---p lines of their own");
	CHECK_OK(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ), "mprotect the second page");
	CHECK(map_is(p, PAGE_SIZE, "rw-p", 0, "") &&
	      map_is(p + PAGE_SIZE, PAGE_SIZE, "r--p", 0, "") &&
	      map_is(p + 2 * PAGE_SIZE, 2 * PAGE_SIZE, "rw-p", 0, ""),
	      "mprotect: split into rw-p, r--p, rw-p lines");
	CHECK_OK(mprotect(p + PAGE_SIZE, PAGE_SIZE, RW), "mprotect it back");
	CHECK(map_is(p, 4 * PAGE_SIZE, "rw-p", 0, ""), "mprotect back: merged into one line again");
	CHECK_OK(munmap(p + PAGE_SIZE, PAGE_SIZE), "munmap the second page");
	{
		struct map_line ml;

		CHECK(map_is(p, PAGE_SIZE, "rw-p", 0, "") &&
		      map_is(p + 2 * PAGE_SIZE, 2 * PAGE_SIZE, "rw-p", 0, "") &&
		      !find_map(p + PAGE_SIZE, &ml),
		      "munmap: two lines with a hole between them");
	}
	munmap(r, 8 * PAGE_SIZE);
}

static void test_maps_file(void)
{
	char cwd[1024], path[1200], deleted[1300];
	char page[PAGE_SIZE];
	struct stat st;
	struct map_line ml;
	char *r = reserve(8), *f, *s;
	int fd, ok;

	REQUIRE(r != NULL && getcwd(cwd, sizeof(cwd)), "reserve 8 pages; getcwd");
	snprintf(path, sizeof(path), "%s/mapped.dat", cwd);
	fd = open("mapped.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0, "create mapped.dat");
	for (int i = 0; i < 4; i++) {
		memset(page, 'a' + i, sizeof(page));
		write_all(fd, page, sizeof(page));
	}
	REQUIRE(fstat(fd, &st) == 0, "fstat it");

	f = map_fixed(r, 2, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE_SIZE);
	REQUIRE(f != NULL, "map pages 2-3 of the file MAP_PRIVATE, PROT_READ");
	CHECK(f[0] == 'c', "the mapping reads page 2 of the file");
	ok = map_is(f, 2 * PAGE_SIZE, "r--p", 2 * PAGE_SIZE, path);
	CHECK(ok, "file map: r--p, offset 00002000, named by the file's absolute path");
	if (read_maps() > 0 && find_map(f, &ml))
		CHECK(ml.major == major(st.st_dev) && ml.minor == minor(st.st_dev) &&
		      ml.ino == st.st_ino,
		      "file map: dev %02x:%02x and inode %lu are the file's st_dev and st_ino",
		      major(st.st_dev), minor(st.st_dev), (unsigned long)st.st_ino);

	CHECK_OK(mprotect(f + PAGE_SIZE, PAGE_SIZE, RW), "mprotect its second page writable");
	CHECK(map_is(f, PAGE_SIZE, "r--p", 2 * PAGE_SIZE, path) &&
	      map_is(f + PAGE_SIZE, PAGE_SIZE, "rw-p", 3 * PAGE_SIZE, path),
	      "split file map: the second line's offset is 00003000");

	s = map_fixed(r + 4 * PAGE_SIZE, 1, PROT_READ, MAP_SHARED, fd, PAGE_SIZE);
	REQUIRE(s != NULL, "map page 1 of the file MAP_SHARED");
	CHECK(map_is(s, PAGE_SIZE, "r--s", PAGE_SIZE, path), "shared file map: r--s, offset 00001000");

	close(fd);
	CHECK(map_is(f, PAGE_SIZE, "r--p", 2 * PAGE_SIZE, path),
	      "the mapping keeps its name after close");
	CHECK_OK(unlink("mapped.dat"), "unlink the file");
	snprintf(deleted, sizeof(deleted), "%s (deleted)", path);
	CHECK(map_is(f, PAGE_SIZE, "r--p", 2 * PAGE_SIZE, deleted) &&
	      map_is(s, PAGE_SIZE, "r--s", PAGE_SIZE, deleted),
	      "after unlink the name ends with \" (deleted)\"");
	munmap(r, 8 * PAGE_SIZE);
}

static void test_maps_shared_anon(void)
{
	char *r = reserve(4), *p;

	REQUIRE(r != NULL, "reserve 4 pages");
	p = map_fixed(r + PAGE_SIZE, 2, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != NULL, "map 2 pages MAP_SHARED|MAP_ANONYMOUS");
	CHECK(map_is(p, 2 * PAGE_SIZE, "rw-s", 0, "/dev/zero (deleted)"),
	      "shared anonymous: rw-s, named \"/dev/zero (deleted)\" as on Linux");
	munmap(r, 4 * PAGE_SIZE);
}

static int probe_main(void)
{
	return 0;
}

static void test_maps_heap_stack_text(void)
{
	unsigned long cur = (unsigned long)syscall(SYS_brk, 0), grown;
	struct map_line ml;
	int local = 0;
	const char *base;

	grown = (unsigned long)syscall(SYS_brk, cur + 2 * PAGE_SIZE);
	REQUIRE(grown == cur + 2 * PAGE_SIZE, "brk grows the heap by 2 pages");
	((volatile char *)grown)[-1] = 1;
	CHECK(read_maps() > 0 && find_map((void *)(grown - 1), &ml) &&
	      strcmp(ml.name, "[heap]") == 0 && strcmp(ml.perms, "rw-p") == 0,
	      "the heap's line is rw-p and named [heap]");
	syscall(SYS_brk, cur);          /* give it back: musl's malloc may use brk */

	CHECK(read_maps() > 0 && find_map(&local, &ml) && strcmp(ml.name, "[stack]") == 0 &&
	      strcmp(ml.perms, "rw-p") == 0,
	      "the stack's line is rw-p and named [stack]");
	CHECK(find_map((void *)probe_main, &ml) && strcmp(ml.perms, "r-xp") == 0,
	      "this program's text is an r-xp line");
	base = strrchr(ml.name, '/');
	CHECK(base && strcmp(base, "/proc_test") == 0,
	      "named by the program's path (got \"%s\")", ml.name);
}

/* ---- another process's maps -------------------------------------------------- */

static void test_maps_other_process(void)
{
	int tochild[2], toparent[2], fd;
	char path[64], buf[64];
	char *addr = NULL;
	pid_t pid;
	int status;
	struct map_line ml;

	REQUIRE(pipe(tochild) == 0 && pipe(toparent) == 0, "two pipes");
	pid = fork();
	if (pid == 0) {
		char *r = reserve(5), *p = r ? map_fixed(r + PAGE_SIZE, 3, PROT_READ | PROT_EXEC,
							 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
		char c;

		close(tochild[1]);
		close(toparent[0]);
		write_all(toparent[1], &p, sizeof(p));
		read(tochild[0], &c, 1);        /* until the parent has looked */
		_exit(p ? 0 : 1);
	}
	REQUIRE(pid > 0, "fork");
	close(tochild[0]);
	close(toparent[1]);
	CHECK(read_all(toparent[0], &addr, sizeof(addr)) == sizeof(addr) && addr,
	      "the child made a 3-page r-x mapping");
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	CHECK(addr && slurp(path, maps, sizeof(maps)) > 0 && find_map(addr, &ml) &&
	      ml.start == (unsigned long)addr && ml.end == (unsigned long)addr + 3 * PAGE_SIZE &&
	      strcmp(ml.perms, "r-xp") == 0,
	      "/proc/PID/maps of the child shows that mapping");
	CHECK(slurp("/proc/self/maps", maps, sizeof(maps)) > 0 && (!addr || !find_map(addr, &ml)),
	      "and this process's own maps does not");
	fd = open(path, O_RDONLY);
	CHECK(fd >= 0, "open the child's maps before it exits");
	close(tochild[1]);
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "the child exits");
	CHECK_ERR(fd >= 0 ? read(fd, buf, sizeof(buf)) : (errno = ESRCH, -1), ESRCH,
		  "reading it after the child is reaped: ESRCH");
	if (fd >= 0)
		close(fd);
	CHECK_ERR(open(path, O_RDONLY), ENOENT, "/proc/PID of a reaped process: ENOENT");
	close(toparent[0]);
}

/* ---- /proc/self and the mount points ----------------------------------------- */

/* Is @name an entry of directory @dir? Its d_type in *@type. */
static int dir_has(const char *dir, const char *name, unsigned char *type)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, name) == 0) {
			found = 1;
			if (type)
				*type = de->d_type;
		}
	}
	closedir(d);
	return found;
}

static void test_proc_self_and_mounts(const char *scratch)
{
	struct stat self, bypid, root, proc, dev, up;
	char pidname[32], piddir[64], cwd[256];
	unsigned char type = 0;

	snprintf(pidname, sizeof(pidname), "%d", (int)getpid());
	snprintf(piddir, sizeof(piddir), "/proc/%d", (int)getpid());
	CHECK(stat("/proc/self", &self) == 0 && S_ISDIR(self.st_mode) &&
	      stat(piddir, &bypid) == 0 && self.st_ino == bypid.st_ino &&
	      self.st_dev == bypid.st_dev,
	      "stat /proc/self is this process's /proc/PID directory");
	CHECK(dir_has("/proc", pidname, &type) && type == DT_DIR,
	      "getdents /proc lists this process's pid as a directory");
	CHECK(dir_has("/proc", "self", NULL) && dir_has("/proc", "meminfo", NULL) &&
	      dir_has("/proc", "vmstat", NULL),
	      "getdents /proc lists self, meminfo and vmstat");
	CHECK(dir_has("/proc/self", "maps", NULL), "getdents /proc/self lists maps");
	CHECK(stat("/", &root) == 0 && stat("/proc", &proc) == 0 && stat("/dev", &dev) == 0 &&
	      proc.st_dev != root.st_dev && dev.st_dev != root.st_dev &&
	      proc.st_dev != dev.st_dev,
	      "/, /proc and /dev are three filesystems (three st_dev)");
	CHECK(stat("/proc/..", &up) == 0 && up.st_ino == root.st_ino && up.st_dev == root.st_dev,
	      "/proc/.. is /");
	CHECK(stat("/dev/../proc/self/..", &up) == 0 && up.st_ino == proc.st_ino &&
	      up.st_dev == proc.st_dev,
	      "/dev/../proc/self/.. is /proc");

	REQUIRE(chdir("/proc/self") == 0, "chdir /proc/self");
	CHECK(getcwd(cwd, sizeof(cwd)) && strcmp(cwd, piddir) == 0,
	      "getcwd there gives /proc/PID (got %s)", cwd);
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/proc") == 0,
	      "chdir .. gives /proc");
	CHECK(chdir("..") == 0 && getcwd(cwd, sizeof(cwd)) && strcmp(cwd, "/") == 0,
	      "chdir .. again gives /");
	REQUIRE(chdir(scratch) == 0, "back to the scratch directory");
	CHECK_ERR(open("/proc/0", O_RDONLY), ENOENT, "/proc/0 does not exist");
	CHECK_ERR(open("/proc/self/nonesuch", O_RDONLY), ENOENT, "/proc/self/nonesuch: ENOENT");
}

/* ---- /proc/meminfo -------------------------------------------------------------- */

/* The value of @name in /proc/meminfo, checking the line's layout; -1 if
 * missing or not as Linux prints it. */
static long meminfo_kb(const char *name)
{
	static char text[16384];
	char want[64], label[32];
	size_t nlen = strlen(name);

	if (slurp("/proc/meminfo", text, sizeof(text)) <= 0)
		return -1;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		unsigned long v;

		if (nl)
			*nl = '\0';
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':' &&
		    sscanf(p + nlen + 1, "%lu kB", &v) == 1) {
			snprintf(label, sizeof(label), "%s:", name);
			snprintf(want, sizeof(want), "%-16s%8lu kB", label, v);
			return strcmp(p, want) == 0 ? (long)v : -1;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return -1;
}

static void test_meminfo(void)
{
	long total = meminfo_kb("MemTotal"), free_kb = meminfo_kb("MemFree");
	long cached = meminfo_kb("Cached"), after;
	static char buf[1 << 20];
	int fd;

	CHECK(total > 0 && free_kb >= 0 && free_kb <= total,
	      "meminfo: MemTotal and MemFree lines (%ld, %ld kB)", total, free_kb);
	CHECK(cached >= 0 && cached <= total && meminfo_kb("Dirty") >= 0 &&
	      meminfo_kb("Writeback") >= 0,
	      "meminfo: Cached, Dirty and Writeback lines in Linux's layout");
	fd = open("cached.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	REQUIRE(fd >= 0, "create cached.dat");
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 4; i++)
		write_all(fd, buf, sizeof(buf));
	after = meminfo_kb("Cached");
	CHECK(after >= cached + 2048,
	      "meminfo: Cached grows by the 4 MiB file just written (%ld -> %ld kB)", cached, after);
	close(fd);
	unlink("cached.dat");
}

/* ---- /proc/vmstat ------------------------------------------------------------------ */

/* The value of @name in /proc/vmstat; -1 if missing. *@bad counts lines
 * that are not "name value". */
static long vmstat_value(const char *name, int *bad)
{
	static char text[65536];
	long found = -1;

	*bad = 0;
	if (slurp("/proc/vmstat", text, sizeof(text)) <= 0)
		return -1;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n'), key[128], want[200];
		unsigned long v;

		if (nl)
			*nl = '\0';
		if (sscanf(p, "%127[a-z0-9_] %lu", key, &v) == 2) {
			snprintf(want, sizeof(want), "%s %lu", key, v);
			if (strcmp(p, want) != 0)
				(*bad)++;
			else if (strcmp(key, name) == 0)
				found = (long)v;
		} else {
			(*bad)++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return found;
}

static void test_vmstat(void)
{
	static const char *const names[] = {
		"nr_free_pages", "nr_file_pages", "nr_dirty", "nr_writeback", "pgfault", "pgmajfault",
	};
	long before, after;
	int bad = 0, present = 0;
	char *p;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vmstat_value(names[i], &bad) >= 0)
			present++;
		else
			tap_diag("vmstat: no %s", names[i]);
	}
	CHECK_EQ(bad, 0, "vmstat: every line is \"name value\"");
	CHECK_EQ(present, 6, "vmstat: nr_free_pages, nr_file_pages, nr_dirty, nr_writeback, "
		 "pgfault and pgmajfault");
	p = map_pages(64);
	REQUIRE(p != NULL, "map 64 pages");
	before = vmstat_value("pgfault", &bad);
	for (int i = 0; i < 64; i++)
		p[i * PAGE_SIZE] = 1;
	after = vmstat_value("pgfault", &bad);
	CHECK(before >= 0 && after >= before + 64,
	      "vmstat: pgfault grows by at least the 64 pages touched (%ld -> %ld)", before, after);
	munmap(p, 64 * PAGE_SIZE);
}

/* ---- /proc/PID/status, statm, oom_score(_adj) ------------------------------------------ */

/* The kB value of memory line @name in /proc/self/status, checking its
 * layout ("Name:\t%8lu kB"); -1 if missing or not as Linux prints it. */
static long status_kb(const char *name)
{
	static char text[8192];
	char want[64];
	size_t nlen = strlen(name);

	if (slurp("/proc/self/status", text, sizeof(text)) <= 0)
		return -1;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		unsigned long v;

		if (nl)
			*nl = '\0';
		if (strncmp(p, name, nlen) == 0 && p[nlen] == ':' &&
		    sscanf(p + nlen + 1, "%lu kB", &v) == 1) {
			snprintf(want, sizeof(want), "%s:\t%8lu kB", name, v);
			return strcmp(p, want) == 0 ? (long)v : -1;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return -1;
}

/* Position of line @prefix in /proc/self/status, or -1. */
static long status_line_at(const char *text, const char *prefix)
{
	const char *p = strstr(text, prefix);

	return p && (p == text || p[-1] == '\n') ? p - text : -1;
}

static void test_status_lines(void)
{
	static char text[8192];
	char want[64];
	long at[5];
	static const char *const order[] = { "Name:\t", "State:\t", "Tgid:\t", "Pid:\t", "PPid:\t" };

	REQUIRE(slurp("/proc/self/status", text, sizeof(text)) > 0, "read /proc/self/status");
	for (int i = 0; i < 5; i++)
		at[i] = status_line_at(text, order[i]);
	CHECK(at[0] == 0 && at[1] > at[0] && at[2] > at[1] && at[3] > at[2] && at[4] > at[3],
	      "status: Name, State, Tgid, Pid, PPid lines in Linux's order");
	CHECK(strstr(text, "\nState:\tR (running)\n") != NULL, "status: State of the reader is R (running)");
	snprintf(want, sizeof(want), "\nTgid:\t%d\nNgid", (int)getpid());
	if (!strstr(text, want))        /* Linux has Ngid after Tgid; Faultline goes to Pid */
		snprintf(want, sizeof(want), "\nTgid:\t%d\n", (int)getpid());
	CHECK(strstr(text, want) != NULL, "status: Tgid is getpid()");
	snprintf(want, sizeof(want), "\nPPid:\t%d\n", (int)getppid());
	CHECK(strstr(text, want) != NULL, "status: PPid is getppid() (%d)", (int)getppid());
	CHECK(strstr(text, "\nThreads:\t1\n") != NULL, "status: Threads:\t1");
	CHECK(status_kb("VmSwap") == 0, "status: VmSwap line, 0 kB without swap");
	CHECK(status_kb("VmPTE") > 0, "status: VmPTE line, some page tables");
}

static void test_status_rss(void)
{
	const long n = 256, kb = n * (PAGE_SIZE / 1024);
	long rss0, anon0, rss1, anon1, rss2, anon2;
	char *p = mmap(NULL, (size_t)n * PAGE_SIZE, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	REQUIRE(p != MAP_FAILED, "mmap %ld pages", n);
	rss0 = status_kb("VmRSS");
	anon0 = status_kb("RssAnon");
	CHECK(rss0 > 0 && anon0 >= 0 && status_kb("RssFile") >= 0 && status_kb("RssShmem") >= 0 &&
	      rss0 == anon0 + status_kb("RssFile") + status_kb("RssShmem"),
	      "status: VmRSS = RssAnon + RssFile + RssShmem (%ld kB)", rss0);
	for (long i = 0; i < n; i++)
		p[i * PAGE_SIZE] = (char)i;
	rss1 = status_kb("VmRSS");
	anon1 = status_kb("RssAnon");
	/* The reads of status may fault in a page or two of their own. */
	CHECK(rss1 >= rss0 + kb && rss1 <= rss0 + kb + 64,
	      "status: VmRSS grows by the %ld kB touched (%ld -> %ld kB)", kb, rss0, rss1);
	CHECK(anon1 >= anon0 + kb && anon1 <= anon0 + kb + 64,
	      "status: RssAnon grows by the %ld kB touched (%ld -> %ld kB)", kb, anon0, anon1);
	munmap(p, (size_t)n * PAGE_SIZE);
	rss2 = status_kb("VmRSS");
	anon2 = status_kb("RssAnon");
	CHECK(rss2 <= rss1 - kb + 16 && anon2 <= anon1 - kb + 16,
	      "status: VmRSS and RssAnon shrink by them after munmap (%ld -> %ld, %ld -> %ld kB)",
	      rss1, rss2, anon1, anon2);
}

static void test_statm(void)
{
	static char text[256];
	unsigned long v[7];
	long size = status_kb("VmSize"), rss = status_kb("VmRSS");
	long shared = status_kb("RssFile") + status_kb("RssShmem");
	long kbp = PAGE_SIZE / 1024;

	REQUIRE(slurp("/proc/self/statm", text, sizeof(text)) > 0, "read /proc/self/statm");
	CHECK(sscanf(text, "%lu %lu %lu %lu %lu %lu %lu", &v[0], &v[1], &v[2], &v[3], &v[4],
		     &v[5], &v[6]) == 7 && strchr(text, '\n') == text + strlen(text) - 1,
	      "statm: seven numbers on one line");
	CHECK((long)v[0] * kbp == size, "statm: size is VmSize (%lu pages, %ld kB)", v[0], size);
	/* Read apart, so a page may have been touched in between. */
	CHECK(labs((long)v[1] * kbp - rss) <= 4 * kbp, "statm: resident is VmRSS (%lu pages, %ld kB)",
	      v[1], rss);
	CHECK(labs((long)v[2] * kbp - shared) <= 4 * kbp,
	      "statm: shared is RssFile + RssShmem (%lu pages, %ld kB)", v[2], shared);
	CHECK(v[3] > 0 && v[3] <= v[0] && v[4] == 0 && v[6] == 0,
	      "statm: text within size, lib and dt 0");
}

static long read_long(const char *path)
{
	char buf[32];
	ssize_t n = slurp(path, buf, sizeof(buf));

	return n > 0 && buf[n - 1] == '\n' ? strtol(buf, NULL, 10) : -99999;
}

/* Write @text to @path in one write(); its result, or -errno. */
static long write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	long r;

	if (fd < 0)
		return -errno;
	r = write(fd, text, strlen(text));
	if (r < 0)
		r = -errno;
	close(fd);
	return r;
}

static void test_oom_score_adj(void)
{
	const char *adj = "/proc/self/oom_score_adj";
	long score0, score_hi, score_never;
	int status;
	pid_t pid;

	CHECK_EQ(read_long(adj), 0, "oom_score_adj: 0 by default");
	score0 = read_long("/proc/self/oom_score");
	CHECK(score0 >= 0 && score0 <= 1000, "oom_score: %ld, within 0..1000", score0);
	CHECK_EQ(write_text(adj, "500\n"), 4, "oom_score_adj: write 500");
	CHECK_EQ(read_long(adj), 500, "oom_score_adj: reads back 500");
	score_hi = read_long("/proc/self/oom_score");
	CHECK(score_hi > score0, "oom_score: grows with oom_score_adj (%ld -> %ld)", score0, score_hi);
	CHECK_EQ(write_text(adj, "1001"), -EINVAL, "oom_score_adj: 1001 is EINVAL");
	CHECK_EQ(write_text(adj, "-1001"), -EINVAL, "oom_score_adj: -1001 is EINVAL");
	CHECK_EQ(write_text(adj, "12x"), -EINVAL, "oom_score_adj: junk is EINVAL");
	CHECK_EQ(read_long(adj), 500, "oom_score_adj: unchanged by the failed writes");
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0)
		_exit(read_long(adj) == 500 ? 0 : 1);
	REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK_EXIT(status, 0, "oom_score_adj: a child inherits 500");
	CHECK_EQ(write_text(adj, "0"), 1, "oom_score_adj: back to 0");
	/* Below 0 needs CAP_SYS_RESOURCE on Linux (EACCES without it, also
	 * for root in a container); Faultline runs everything as root with
	 * every capability. */
	if (running_on_linux() && write_text(adj, "-1000") == -EACCES) {
		tap_skip("no CAP_SYS_RESOURCE", "oom_score_adj: -1000");
		return;
	}
	CHECK_EQ(write_text(adj, "-1000"), 5, "oom_score_adj: write -1000");
	score_never = read_long("/proc/self/oom_score");
	CHECK_EQ(score_never, 0, "oom_score: 0 with oom_score_adj -1000");
	CHECK_EQ(write_text(adj, "0"), 1, "oom_score_adj: back to 0 again");
}

/* ---- /dev/null ------------------------------------------------------------------------ */

static void test_dev_null(void)
{
	struct stat st;
	unsigned char type = 0;
	char buf[16];
	int fd = open("/dev/null", O_RDWR);

	REQUIRE(fd >= 0, "open /dev/null O_RDWR");
	CHECK(fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	      minor(st.st_rdev) == 3,
	      "/dev/null is a character device, 1:3");
	CHECK_EQ(write(fd, "hello", 5), 5, "write takes every byte");
	CHECK_EQ(write(fd, UNMAPPED_ADDR, 10), 10, "even from a buffer it never reads");
	CHECK_EQ(read(fd, buf, sizeof(buf)), 0, "read gives end of file");
	CHECK_EQ(lseek(fd, 100, SEEK_SET), 0, "lseek lands at 0");
	CHECK(mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == ENODEV,
	      "mmap: ENODEV");
	close(fd);
	CHECK(dir_has("/dev", "null", &type) && type == DT_CHR, "getdents /dev lists null as DT_CHR");
}

int main(void)
{
	char scratch[256], abs_scratch[1024];

	REQUIRE(enter_scratch_dir("proc_test", scratch, sizeof(scratch)) == 0,
		"make a scratch directory");
	REQUIRE(getcwd(abs_scratch, sizeof(abs_scratch)) != NULL, "getcwd");
	test_maps_layout();
	test_maps_chunked_read();
	test_maps_anon_split();
	test_maps_file();
	test_maps_shared_anon();
	test_maps_heap_stack_text();
	test_maps_other_process();
	test_proc_self_and_mounts(abs_scratch);
	test_meminfo();
	test_vmstat();
	test_status_lines();
	test_status_rss();
	test_statm();
	test_oom_score_adj();
	test_dev_null();
	leave_scratch_dir(scratch);
	return tap_done();
}
