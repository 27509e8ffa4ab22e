/*
 * vma_test - munmap() and mprotect(): argument errors, VMA splitting, a
 * hole in an mprotect range, one munmap across several VMAs and holes
 * (LINUX-SEMANTICS.md section I). Every outcome is checked through the
 * MMU with memprobe.h: what faults, with which si_code, at which address.
 *
 * mprotect() with an unaligned start goes through syscall(): musl rounds
 * it (section K) and the kernel would never see it.
 */
#include <sys/syscall.h>

#include "memprobe.h"
#include "testutil.h"

#define RW (PROT_READ | PROT_WRITE)

/* 0 if p is writable, else the si_code of the SIGSEGV (or -signo). */
static int write_fault(char *p)
{
	struct probe pr;
	int sig = probe_write(p, 'w', &pr);

	if (sig == 0)
		return 0;
	return sig == SIGSEGV && pr.addr == p ? pr.code : -sig;
}

static int read_fault(char *p)
{
	struct probe pr;
	int sig = probe_read(p, NULL, &pr);

	if (sig == 0)
		return 0;
	return sig == SIGSEGV && pr.addr == p ? pr.code : -sig;
}

static void test_munmap_errors(void)
{
	char *p = map_pages(2);

	REQUIRE(p != NULL, "map 2 pages");
	CHECK_ERR(munmap(p + 1, PAGE_SIZE), EINVAL, "munmap unaligned: EINVAL");
	CHECK_ERR(munmap(p, 0), EINVAL, "munmap len 0: EINVAL");
	CHECK_ERR(munmap(KERNEL_ADDR, PAGE_SIZE), EINVAL,
		  "munmap of a kernel address: EINVAL");
	CHECK_ERR(munmap((void *)PAGE_SIZE, -2UL * PAGE_SIZE), EINVAL,
		  "munmap past the end of user space: EINVAL");
	CHECK_OK(munmap(p, 2 * PAGE_SIZE), "munmap the pages");
	CHECK_OK(munmap(p, 2 * PAGE_SIZE),
		 "munmap of an already unmapped range returns 0");
	CHECK_EQ(read_fault(p), SEGV_MAPERR,
		 "reading unmapped memory: SEGV_MAPERR at the address");
}

static void test_munmap_split(void)
{
	char *p = map_pages(3);

	REQUIRE(p != NULL, "map 3 pages");
	memset(p, 'm', 3 * PAGE_SIZE);
	CHECK_OK(munmap(p + PAGE_SIZE, 100),
		 "munmap of the middle page (len 100 rounds up)");
	CHECK_EQ(read_fault(p + PAGE_SIZE + 10), SEGV_MAPERR,
		 "the hole faults with SEGV_MAPERR");
	CHECK(p[0] == 'm' && p[PAGE_SIZE - 1] == 'm',
	      "the part before the hole keeps its data");
	CHECK(p[2 * PAGE_SIZE] == 'm' && p[3 * PAGE_SIZE - 1] == 'm',
	      "the part after the hole keeps its data");
	CHECK_EQ(write_fault(p + 2 * PAGE_SIZE), 0,
		 "and is still writable");
	munmap(p, 3 * PAGE_SIZE);
}

static void test_mprotect_basics(void)
{
	char *p = map_pages(4);

	REQUIRE(p != NULL, "map 4 pages");
	CHECK_ERR(syscall(SYS_mprotect, p + 1, PAGE_SIZE, PROT_READ), EINVAL,
		  "mprotect unaligned start: EINVAL (raw syscall)");
	CHECK_OK(syscall(SYS_mprotect, p, 0, PROT_READ),
		 "mprotect len 0 returns 0");
	CHECK_ERR(syscall(SYS_mprotect, p, PAGE_SIZE, 0x100), EINVAL,
		  "mprotect with an unknown prot bit: EINVAL");
	CHECK_EQ(write_fault(p), 0, "and nothing changed");

	memset(p, 's', 4 * PAGE_SIZE);
	CHECK_OK(mprotect(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ),
		 "mprotect the middle two pages read-only");
	CHECK_EQ(write_fault(p + 10), 0, "page 0 is still writable");
	CHECK_EQ(write_fault(p + PAGE_SIZE + 10), SEGV_ACCERR,
		 "page 1: a write faults with SEGV_ACCERR at the address");
	CHECK_EQ(write_fault(p + 3 * PAGE_SIZE - 1), SEGV_ACCERR,
		 "page 2 (last byte): SEGV_ACCERR");
	CHECK_EQ(write_fault(p + 3 * PAGE_SIZE), 0, "page 3 is still writable");
	CHECK_EQ(read_fault(p + PAGE_SIZE), 0, "the read-only pages are readable");
	CHECK_EQ(p[PAGE_SIZE + 5], 's', "and kept their data");
	CHECK_OK(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE),
		 "mprotect page 1 to PROT_NONE (a split of a split)");
	CHECK_EQ(read_fault(p + PAGE_SIZE), SEGV_ACCERR,
		 "reading PROT_NONE: SEGV_ACCERR");
	CHECK_OK(mprotect(p, 4 * PAGE_SIZE, RW),
		 "mprotect all four pieces back to read-write");
	CHECK_EQ(write_fault(p + PAGE_SIZE), 0, "page 1 writable again");
	CHECK_EQ(write_fault(p + 2 * PAGE_SIZE), 0, "page 2 writable again");
	CHECK_EQ(p[PAGE_SIZE + 5], 's', "data survives PROT_NONE and back");
	CHECK_ERR(mprotect(unmapped_page(), PAGE_SIZE, PROT_READ), ENOMEM,
		  "mprotect of an unmapped page: ENOMEM");
	munmap(p, 4 * PAGE_SIZE);
}

/*
 * [A A] hole [B B]: mprotect across all of it fails with ENOMEM, but A
 * has already changed and B has not.
 */
static void test_mprotect_hole(void)
{
	char *p = map_pages(5);

	REQUIRE(p != NULL, "map 5 pages");
	CHECK_OK(munmap(p + 2 * PAGE_SIZE, PAGE_SIZE), "punch a hole at page 2");
	CHECK_ERR(mprotect(p, 5 * PAGE_SIZE, PROT_READ), ENOMEM,
		  "mprotect over a hole: ENOMEM");
	CHECK_EQ(write_fault(p), SEGV_ACCERR,
		 "the VMA before the hole was already changed (read-only)");
	CHECK_EQ(write_fault(p + 2 * PAGE_SIZE - 1), SEGV_ACCERR,
		 "to its last byte");
	CHECK_EQ(write_fault(p + 3 * PAGE_SIZE), 0,
		 "the VMA after the hole was not changed (still writable)");
	CHECK_ERR(mprotect(p + 2 * PAGE_SIZE, 3 * PAGE_SIZE, PROT_READ), ENOMEM,
		  "mprotect starting in the hole: ENOMEM");
	CHECK_EQ(write_fault(p + 3 * PAGE_SIZE), 0,
		 "and nothing after the hole changed");
	munmap(p, 5 * PAGE_SIZE);
}

/* One munmap over [RW][RO][RW] hole [RW][RW]. */
static void test_munmap_span(void)
{
	char *p = map_pages(6);
	int bad = 0;

	REQUIRE(p != NULL, "map 6 pages");
	memset(p, 1, 6 * PAGE_SIZE);
	mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ);
	munmap(p + 3 * PAGE_SIZE, PAGE_SIZE);
	CHECK_OK(munmap(p, 6 * PAGE_SIZE),
		 "one munmap across three VMAs and a hole returns 0");
	for (int i = 0; i < 6; i++)
		bad += read_fault(p + i * PAGE_SIZE + 1) != SEGV_MAPERR;
	CHECK_EQ(bad, 0, "all six pages are gone (SEGV_MAPERR)");

	p = map_pages(4);
	REQUIRE(p != NULL, "map 4 pages");
	memset(p, 2, 4 * PAGE_SIZE);
	CHECK_OK(munmap(p + PAGE_SIZE, 2 * PAGE_SIZE), "munmap the middle two");
	CHECK(p[0] == 2 && p[3 * PAGE_SIZE] == 2, "the ends keep their data");
	CHECK_OK(munmap(p, 4 * PAGE_SIZE), "munmap the rest");
}

/* Map, fill and unmap many small regions: the VMA tree survives churn. */
static void test_churn(void)
{
	enum { N = 32 };
	char *maps[N];
	int bad = 0;

	for (int i = 0; i < N; i++) {
		maps[i] = map_pages(1 + i % 3);
		if (!maps[i]) {
			bad++;
			continue;
		}
		maps[i][0] = (char)i;
	}
	for (int i = 0; i < N; i += 2)
		if (maps[i])
			munmap(maps[i], (1 + i % 3) * PAGE_SIZE);
	for (int i = 1; i < N; i += 2)
		if (maps[i] && maps[i][0] != (char)i)
			bad++;
	for (int i = 1; i < N; i += 2)
		if (maps[i])
			munmap(maps[i], (1 + i % 3) * PAGE_SIZE);
	CHECK_EQ(bad, 0, "%d mappings made, half unmapped, the rest intact", N);
}

int main(void)
{
	test_munmap_errors();
	test_munmap_split();
	test_mprotect_basics();
	test_mprotect_hole();
	test_munmap_span();
	test_churn();
	return tap_done();
}
