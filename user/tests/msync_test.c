/*
 * msync_test - msync() arguments and results (LINUX-SEMANTICS.md
 * section G): the EINVAL checks and their order (40), flags == 0 (41),
 * length rounding and len == 0 (42), anonymous memory (43), ENOMEM for a
 * range with unmapped parts, with the mapped parts still synced (44), and
 * MS_INVALIDATE (45).
 *
 * "Still synced" is seen through dirty tracking (section H): a page that
 * MS_SYNC wrote back is write-protected again, so the next store to it
 * costs a fault.
 *
 * The layout: five pages reserved, the file's four mapped over the first
 * four with MAP_FIXED, the fifth unmapped, so that base + 4 pages is a
 * hole no other mapping can take.
 */
#include <sys/mman.h>

#include "filemap.h"

#define RW (PROT_READ | PROT_WRITE)

static char *base;		/* the file's 4 pages, shared */
static int fd;

static void setup(void)
{
	char *res = map_pages(5);

	fd = make_file("msync", 4 * PAGE_SIZE, 30);
	REQUIRE(res && fd >= 0, "a 4-page file and 5 reserved pages");
	base = mmap(res, 4 * PAGE_SIZE, RW, MAP_SHARED | MAP_FIXED, fd, 0);
	REQUIRE(base == res, "map the file over the first 4 pages");
	REQUIRE(munmap(res + 4 * PAGE_SIZE, PAGE_SIZE) == 0,
		"unmap the fifth: a hole right after the mapping");
}

/* Items 40-42. */
static void test_validation(void)
{
	char *hole = base + 4 * PAGE_SIZE;

	CHECK_ERR(msync(base, PAGE_SIZE, 0x8), EINVAL,
		  "an unknown flag bit (0x8): EINVAL");
	CHECK_ERR(msync(base, PAGE_SIZE, MS_SYNC | 0x100), EINVAL,
		  "MS_SYNC plus an unknown bit: EINVAL");
	CHECK_ERR(msync(base, PAGE_SIZE, MS_SYNC | MS_ASYNC), EINVAL,
		  "MS_SYNC|MS_ASYNC: EINVAL");
	CHECK_ERR(msync(base, PAGE_SIZE, MS_SYNC | MS_ASYNC | MS_INVALIDATE),
		  EINVAL, "MS_SYNC|MS_ASYNC|MS_INVALIDATE: EINVAL");
	CHECK_ERR(msync(base + 1, PAGE_SIZE, MS_SYNC), EINVAL,
		  "start not page-aligned: EINVAL");
	CHECK_ERR(msync(base + 100, 0, MS_SYNC), EINVAL,
		  "start not page-aligned, len 0: EINVAL (alignment first)");

	CHECK_ERR(msync(hole, PAGE_SIZE, 0x8), EINVAL,
		  "order: an unknown bit on unmapped memory is EINVAL, not "
		  "ENOMEM");
	CHECK_ERR(msync(hole, PAGE_SIZE, MS_SYNC | MS_ASYNC), EINVAL,
		  "order: MS_SYNC|MS_ASYNC on unmapped memory is EINVAL");
	CHECK_ERR(msync(hole + 8, PAGE_SIZE, MS_SYNC), EINVAL,
		  "order: an unaligned start in unmapped memory is EINVAL");

	CHECK_OK(msync(base, 4 * PAGE_SIZE, 0), "flags 0: 0");
	CHECK_OK(msync(base, 0, MS_SYNC), "len 0: 0");
	CHECK_OK(msync(hole, 0, MS_SYNC), "len 0 on unmapped memory: 0");
	CHECK_OK(msync(base + 3 * PAGE_SIZE, 1, MS_SYNC),
		 "len 1 on the last page: 0 (rounded up to that page)");
	CHECK_OK(msync(base + 3 * PAGE_SIZE, PAGE_SIZE, MS_ASYNC),
		 "the whole last page: 0");
	CHECK_ERR(msync(base + 3 * PAGE_SIZE, PAGE_SIZE + 1, MS_SYNC), ENOMEM,
		  "one byte more: rounded up into the hole, ENOMEM");
	CHECK_OK(msync(base, 4 * PAGE_SIZE, MS_INVALIDATE),
		 "MS_INVALIDATE: 0");
	CHECK_OK(msync(base, 4 * PAGE_SIZE, MS_SYNC | MS_INVALIDATE),
		 "MS_SYNC|MS_INVALIDATE: 0");
	CHECK_OK(msync(base, 4 * PAGE_SIZE, MS_ASYNC | MS_INVALIDATE),
		 "MS_ASYNC|MS_INVALIDATE: 0");
}

/* Item 43. */
static void test_anonymous(void)
{
	char *a = map_pages(2);
	char *s = mmap(NULL, PAGE_SIZE, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	REQUIRE(a && s != MAP_FAILED, "private and shared anonymous memory");
	a[0] = s[0] = 1;
	CHECK_OK(msync(a, 2 * PAGE_SIZE, MS_SYNC), "private anonymous, "
		 "MS_SYNC: 0");
	CHECK_OK(msync(a, 2 * PAGE_SIZE, MS_ASYNC | MS_INVALIDATE),
		 "private anonymous, MS_ASYNC|MS_INVALIDATE: 0");
	CHECK_OK(msync(s, PAGE_SIZE, MS_SYNC), "shared anonymous, MS_SYNC: 0");
	munmap(a, 2 * PAGE_SIZE);
	munmap(s, PAGE_SIZE);
}

/* Item 44. Page 1 of the mapping becomes a hole. */
static void test_holes(void)
{
	long faults;

	REQUIRE(munmap(base + PAGE_SIZE, PAGE_SIZE) == 0,
		"unmap page 1 of the file mapping");
	CHECK_ERR(msync(base, 4 * PAGE_SIZE, MS_ASYNC), ENOMEM,
		  "MS_ASYNC over the hole: ENOMEM");
	CHECK_ERR(msync(base, 4 * PAGE_SIZE, MS_INVALIDATE), ENOMEM,
		  "MS_INVALIDATE over the hole: ENOMEM");
	CHECK_ERR(msync(base + PAGE_SIZE, PAGE_SIZE, MS_SYNC), ENOMEM,
		  "MS_SYNC of the hole alone: ENOMEM");
	CHECK_ERR(msync(base + PAGE_SIZE, 2 * PAGE_SIZE, MS_SYNC), ENOMEM,
		  "MS_SYNC starting in the hole: ENOMEM");
	CHECK_ERR(msync(base + 4 * PAGE_SIZE, PAGE_SIZE, MS_SYNC), ENOMEM,
		  "MS_SYNC past the end of every mapping: ENOMEM");

	base[3 * PAGE_SIZE + 10] = 'd';		/* dirty page 3 */
	faults = count_faults(base + 3 * PAGE_SIZE + 11, 1, 'd');
	CHECK_EQ(faults, 0, "page 3 is dirty and writable: a store costs no "
		 "fault");
	CHECK_ERR(msync(base, 4 * PAGE_SIZE, MS_SYNC), ENOMEM,
		  "MS_SYNC over the hole: ENOMEM");
	faults = count_faults(base + 3 * PAGE_SIZE + 12, 1, 'e');
	if (cwd_on_tmpfs())
		tap_skip("tmpfs tracks no dirty pages (item 47)", "MS_SYNC "
			 "over a hole still writes back the pages after it");
	else
		CHECK(faults >= 1, "but page 3, after the hole, was written "
		      "back: its next store faults (got %ld faults)", faults);
	CHECK_EQ(file_byte(fd, 3 * PAGE_SIZE + 12), 'e', "and the store "
		 "reached the file");
	munmap(base, 4 * PAGE_SIZE);
}

/* Item 45: EBUSY only on mlocked memory; mlock() needs the kernel's. */
static void test_invalidate_mlocked(void)
{
	char *m = map_file(fd, PAGE_SIZE, RW, MAP_SHARED, 0);

	REQUIRE(m != NULL, "map the file's first page again");
	if (mlock(m, PAGE_SIZE) != 0) {
		tap_diag("mlock: %s", strerror(errno));
		tap_skip("mlock() failed (not implemented?)", "MS_INVALIDATE "
			 "on mlocked memory: EBUSY");
	} else {
		CHECK_ERR(msync(m, PAGE_SIZE, MS_INVALIDATE), EBUSY,
			  "MS_INVALIDATE on mlocked memory: EBUSY");
		CHECK_OK(msync(m, PAGE_SIZE, MS_SYNC), "MS_SYNC on it: 0");
		munlock(m, PAGE_SIZE);
	}
	munmap(m, PAGE_SIZE);
}

int main(void)
{
	char dir[64];

	REQUIRE(enter_scratch_dir("msync_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	setup();
	test_validation();
	test_anonymous();
	test_holes();
	test_invalidate_mlocked();
	close(fd);
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
