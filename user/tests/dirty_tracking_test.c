/*
 * dirty_tracking_test - write-protect dirty tracking of shared file pages,
 * seen from user space through ru_minflt and st_mtime (LINUX-SEMANTICS.md
 * section H):
 *
 *   48  the first access a store: exactly 1 fault, later stores 0;
 *   49  a load, then a store: 2 faults (the second a write-protect fault);
 *   50  after msync(MS_SYNC), fsync() or fdatasync() the next store faults
 *       exactly once more, in every mapping of the page (page_mkclean
 *       walks the reverse map), also in another process;
 *   51  msync(MS_ASYNC) write-protects nothing;
 *   52  st_mtime changes at the first store after the page became clean,
 *       not at later stores;
 *   53  mprotect(PROT_READ|PROT_WRITE) leaves a clean page write-protected;
 *   54  a private file page: load 1 fault, first store (COW) 1, then 0.
 *
 * Every file is ONE page (item 55): Linux maps a whole large folio, or the
 * pages around a read fault, in one fault, so only one-page files give
 * per-page counts that a per-page kernel must match exactly.
 *
 * st_mtime is checked against a time set far in the past with utimensat(),
 * so the timestamp granularity does not matter; where utimensat() is not
 * implemented those checks are skipped with a note.
 */
#include <sys/syscall.h>

#include "filemap.h"

#define RW (PROT_READ | PROT_WRITE)
#define PAST 1000000000L	/* 2001-09-09: any time well before now */

#define LOAD(p)		count_faults((p), 0, 0)
#define STORE(p, v)	count_faults((p), 1, (v))

static int seq;

/*
 * A fresh one-page file, written back so that its page is clean; mapped
 * with prot and flags. Returns the mapping (REQUIREd); *fdp gets the fd.
 */
static char *clean_page(int prot, int flags, int *fdp)
{
	char name[32];
	char *p;

	snprintf(name, sizeof(name), "page%d", seq++);
	*fdp = make_file(name, PAGE_SIZE, seq);
	REQUIRE(*fdp >= 0 && fsync(*fdp) == 0, "a one-page file, fsynced (%s)",
		name);
	p = map_file(*fdp, PAGE_SIZE, prot, flags, 0);
	REQUIRE(p != NULL, "map it");
	unlink(name);
	return p;
}

static void done(char *p, int fd)
{
	munmap(p, PAGE_SIZE);
	close(fd);
}

/* Items 48 and 49. */
static void test_first_faults(void)
{
	int fd;
	char *p = clean_page(RW, MAP_SHARED, &fd);

	CHECK_EQ(STORE(p + 1, 's'), 1, "shared: a store as first access: "
		 "1 fault");
	CHECK_EQ(STORE(p + 2, 's'), 0, "the next store: 0");
	CHECK_EQ(LOAD(p + 3), 0, "a load: 0");
	done(p, fd);

	p = clean_page(RW, MAP_SHARED, &fd);
	CHECK_EQ(LOAD(p + 1), 1, "shared: a load as first access: 1 fault");
	CHECK_EQ(STORE(p + 2, 's'), 1, "then a store: 1 more (write-protect "
		 "fault)");
	CHECK_EQ(STORE(p + 3, 's'), 0, "then stores: 0");
	CHECK_EQ(file_byte(fd, 2), 's', "the store is in the file");
	done(p, fd);
}

/* The ways of writing a page back. */
static const char *const how[] = {
	"msync(MS_SYNC)", "fsync", "fdatasync", "sync",
};

static int write_back(int way, char *p, int fd)
{
	switch (way) {
	case 0:
		return msync(p, PAGE_SIZE, MS_SYNC);
	case 1:
		return fsync(fd);
	case 2:
		return fdatasync(fd);
	default:
		sync();
		return 0;
	}
}

/* Item 50 with each way of writing the page back; item 51. */
static void test_writeback(void)
{
	int fd;
	char *p;

	for (int i = 0; i < 4; i++) {
		p = clean_page(RW, MAP_SHARED, &fd);
		p[0] = 'd';
		CHECK_EQ(STORE(p + 1, 'd'), 0, "dirty page: a store costs 0 "
			 "faults");
		CHECK_OK(write_back(i, p, fd), "%s", how[i]);
		CHECK_EQ(LOAD(p + 2), 0, "after %s: a load costs 0", how[i]);
		CHECK_EQ(STORE(p + 3, 'e'), 1, "after %s: the next store "
			 "faults exactly once", how[i]);
		CHECK_EQ(STORE(p + 4, 'e'), 0, "and the one after it not");
		done(p, fd);
	}

	p = clean_page(RW, MAP_SHARED, &fd);
	p[0] = 'd';
	CHECK_OK(msync(p, PAGE_SIZE, MS_ASYNC), "msync(MS_ASYNC)");
	CHECK_EQ(STORE(p + 1, 'a'), 0, "after MS_ASYNC: a store costs 0 "
		 "(nothing was write-protected)");
	CHECK_OK(msync(p, PAGE_SIZE, MS_SYNC), "msync(MS_SYNC)");
	CHECK_OK(msync(p, PAGE_SIZE, MS_SYNC), "msync(MS_SYNC) of the clean "
		 "page");
	CHECK_EQ(STORE(p + 2, 'b'), 1, "a store after both: 1 fault");
	done(p, fd);
}

/* Item 50: page_mkclean finds every mapping of the page. */
static void test_every_mapping(void)
{
	int fd, up[2], down[2], status;
	char *a = clean_page(RW, MAP_SHARED, &fd);
	char *b = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);
	pid_t pid;

	REQUIRE(b && pipe(up) == 0 && pipe(down) == 0, "a second mapping of "
		"the page, and pipes");
	CHECK_EQ(STORE(a + 1, 'a'), 1, "mapping A: first store, 1 fault");
	CHECK_EQ(STORE(b + 2, 'b'), 1, "mapping B: first store, 1 fault");
	CHECK_OK(msync(a, PAGE_SIZE, MS_SYNC), "msync(MS_SYNC) through A");
	CHECK_EQ(STORE(b + 3, 'b'), 1, "B was write-protected too: 1 fault");
	CHECK_EQ(STORE(a + 4, 'a'), 1, "and A: 1 fault");

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		long f1, f2;

		b[5] = 'c';		/* the child's PTE, dirty and writable */
		f1 = STORE(b + 6, 'c');
		give_turn(up[1]);
		if (wait_turn(down[0]) != 0)
			_exit(10);
		f2 = STORE(b + 7, 'c');
		_exit(f1 == 0 && f2 == 1 ? 0 : (int)(1 + f1 * 3 + f2));
	}
	REQUIRE(wait_turn(up[0]) == 0, "a child stored through its copy of B");
	CHECK_OK(fsync(fd), "the parent fsyncs");
	give_turn(down[1]);
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "the child's next store faults exactly once "
		   "(its PTE was cleaned too)");
	CHECK_EQ(file_byte(fd, 7), 'c', "the child's store is in the file");
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	munmap(b, PAGE_SIZE);
	done(a, fd);
}

/* Item 53. */
static void test_mprotect(void)
{
	int fd;
	char *p = clean_page(PROT_READ, MAP_SHARED, &fd);

	CHECK_EQ(LOAD(p + 1), 1, "PROT_READ shared: a load, 1 fault");
	CHECK_OK(mprotect(p, PAGE_SIZE, RW), "mprotect to PROT_READ|PROT_WRITE");
	CHECK_EQ(STORE(p + 2, 'm'), 1, "the clean page stayed write-"
		 "protected: the store faults once");
	CHECK_EQ(STORE(p + 3, 'm'), 0, "then 0");
	CHECK_EQ(file_byte(fd, 2), 'm', "the store is in the file");
	done(p, fd);
}

/* Item 54. */
static void test_private(void)
{
	int fd;
	char *p = clean_page(RW, MAP_PRIVATE, &fd);

	CHECK_EQ(LOAD(p + 1), 1, "private: a load, 1 fault");
	CHECK_EQ(STORE(p + 2, 'v'), 1, "the first store (COW): 1 fault");
	CHECK_EQ(STORE(p + 3, 'v'), 0, "later stores: 0");
	CHECK_OK(msync(p, PAGE_SIZE, MS_SYNC), "msync(MS_SYNC) of it");
	CHECK_EQ(STORE(p + 4, 'v'), 0, "an anonymous copy is never "
		 "write-protected by msync: 0");
	done(p, fd);

	p = clean_page(RW, MAP_PRIVATE, &fd);
	CHECK_EQ(STORE(p + 1, 'v'), 1, "private: a store as first access: "
		 "1 fault");
	CHECK_EQ(STORE(p + 2, 'v'), 0, "then 0");
	done(p, fd);
}

/* utimensat(fd, NULL, {sec, sec}): 0, or -1 with errno. */
static int set_mtime(int fd, long sec)
{
	struct timespec ts[2] = { { sec, 0 }, { sec, 0 } };

	return (int)syscall(SYS_utimensat, fd, NULL, ts, 0);
}

static long mtime_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_mtime : -1;
}

/* Item 52. */
static void test_mtime(void)
{
	int fd;
	char *p = clean_page(RW, MAP_SHARED, &fd);

	if (set_mtime(fd, PAST) != 0) {
		int err = errno;

		tap_diag("utimensat: %s; the st_mtime checks need it to set a "
			 "time in the past", strerror(err));
		tap_skip(err == ENOSYS ? "utimensat is not implemented" :
			 "utimensat failed", "st_mtime follows the write-"
			 "protect faults");
		done(p, fd);
		return;
	}
	CHECK_EQ(mtime_of(fd), PAST, "utimensat set st_mtime in the past");
	p[1] = 't';
	CHECK(mtime_of(fd) > PAST, "the first store to the clean page "
	      "updated st_mtime");
	CHECK_OK(set_mtime(fd, PAST), "set it in the past again");
	p[2] = 't';
	CHECK_EQ(mtime_of(fd), PAST, "a second store (no fault) did not");
	CHECK_OK(msync(p, PAGE_SIZE, MS_SYNC), "msync(MS_SYNC)");
	CHECK_EQ(mtime_of(fd), PAST, "msync itself did not");
	p[3] = 't';
	CHECK(mtime_of(fd) > PAST, "the first store after msync did");
	done(p, fd);
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("dirty_tracking_test", dir, sizeof(dir))
		== 0, "make a scratch directory");
	if (cwd_on_tmpfs()) {
		tap_skip("the scratch directory is on tmpfs, which tracks no "
			 "dirty pages (item 47)", "dirty tracking");
		leave_scratch_dir(dir);
		return tap_done();
	}
	test_first_faults();
	test_writeback();
	test_every_mapping();
	test_mprotect();
	test_private();
	test_mtime();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
