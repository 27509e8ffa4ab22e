/*
 * brk_madvise_test - the program break (raw SYS_brk: musl's sbrk() only
 * supports sbrk(0), LINUX-SEMANTICS.md K) and madvise(MADV_DONTNEED).
 *
 * brk: brk(0) reports the break; growing it gives zero-filled writable
 * memory; shrinking it unmaps (SEGV_MAPERR); growing again gives zeros, not
 * the old data; a request below the start of the heap fails by returning
 * the old break. madvise: MADV_DONTNEED on private anonymous memory makes
 * the next access see zeros; on MAP_SHARED|MAP_ANONYMOUS the data stays;
 * the argument errors.
 */
#include <sys/syscall.h>

#include "memprobe.h"
#include "testutil.h"

static unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall(SYS_brk, addr);
}

static void test_brk(void)
{
	unsigned long start = sys_brk(0), top, r;
	char *heap;
	int zero = 1;
	struct probe pr;

	CHECK(start != 0 && start != (unsigned long)-1, "brk(0) reports the break");
	CHECK_EQ(sys_brk(0), start, "brk(0) again: the same");
	top = (start + 3 * PAGE_SIZE + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1UL);
	r = sys_brk(top);
	CHECK_EQ(r, top, "brk grows the heap by 3+ pages");
	heap = (char *)((start + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1UL));
	for (char *q = (char *)start; q < (char *)top; q++)
		zero &= *q == 0;
	CHECK(zero, "the new heap is zero-filled");
	memset((char *)start, 'h', top - start);
	CHECK_EQ(((char *)top)[-1], 'h', "and writable to its last byte");

	CHECK_EQ(sys_brk((unsigned long)heap), (unsigned long)heap,
		 "brk shrinks back to a page boundary");
	CHECK_EQ(probe_read(heap + PAGE_SIZE, NULL, &pr), SIGSEGV,
		 "memory above the new break is gone");
	CHECK_EQ(pr.code, SEGV_MAPERR, "with SEGV_MAPERR");
	CHECK_EQ(sys_brk(top), top, "brk grows again");
	CHECK_EQ(heap[PAGE_SIZE], 0, "the regrown heap reads zero, not old data");
	CHECK_EQ(sys_brk(start / 2), top,
		 "brk below the heap's start fails: the break is unchanged");
	CHECK_EQ(sys_brk(start), start, "brk back to the start");
}

static void test_madvise(void)
{
	char *priv = map_pages(4);
	char *shared = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	REQUIRE(priv != NULL && shared != MAP_FAILED, "map memory");
	memset(priv, 'p', 4 * PAGE_SIZE);
	memset(shared, 's', 2 * PAGE_SIZE);
	CHECK_OK(madvise(priv + PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTNEED),
		 "madvise(MADV_DONTNEED) on two private pages");
	CHECK(priv[PAGE_SIZE] == 0 && priv[3 * PAGE_SIZE - 1] == 0,
	      "private anonymous pages read zero afterwards");
	CHECK(priv[0] == 'p' && priv[3 * PAGE_SIZE] == 'p',
	      "the pages outside the range keep their data");
	priv[PAGE_SIZE] = 'n';
	CHECK_EQ(priv[PAGE_SIZE], 'n', "the zeroed page is writable again");
	CHECK_OK(madvise(shared, 2 * PAGE_SIZE, MADV_DONTNEED),
		 "madvise(MADV_DONTNEED) on shared anonymous memory");
	CHECK_EQ(shared[5], 's', "shared anonymous memory keeps its data");

	CHECK_ERR(madvise(priv + 1, PAGE_SIZE, MADV_DONTNEED), EINVAL,
		  "madvise at an unaligned address: EINVAL");
	CHECK_ERR(madvise(priv, PAGE_SIZE, 12345), EINVAL,
		  "madvise with an unknown advice: EINVAL");
	CHECK_OK(madvise(priv, PAGE_SIZE, MADV_NORMAL), "MADV_NORMAL returns 0");
	munmap(priv + 2 * PAGE_SIZE, PAGE_SIZE);
	CHECK_ERR(madvise(priv, 4 * PAGE_SIZE, MADV_DONTNEED), ENOMEM,
		  "madvise over a hole: ENOMEM");
	munmap(priv, 4 * PAGE_SIZE);
	munmap(shared, 2 * PAGE_SIZE);
}

int main(void)
{
	test_brk();
	test_madvise();
	return tap_done();
}
