/*
 * mincore_test - mincore through the raw system call: untouched
 * anonymous pages are not resident and touched ones are; pages of a file
 * mapping count as resident when the file's pages are in the page cache
 * (read with read() before, never faulted in); a hole in the range gives
 * ENOMEM, an unaligned start EINVAL, a bad vector EFAULT, length 0 is 0.
 * The same binary runs on Linux, the oracle.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>

#include "testutil.h"

static long sys_mincore(void *addr, size_t len, unsigned char *vec)
{
	return syscall(SYS_mincore, addr, len, vec);
}

int main(void)
{
	size_t pg = 4096;
	unsigned char vec[16];
	char dir[64], buf[4096];
	char *a, *f;
	int fd;

	REQUIRE(enter_scratch_dir("mincore", dir, sizeof(dir)) == 0, "scratch directory");
	a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(a != MAP_FAILED, "mmap 8 anonymous pages");
	a[0] = 1;
	a[3 * pg] = 1;
	memset(vec, 0xff, sizeof(vec));
	CHECK_EQ(sys_mincore(a, 8 * pg, vec), 0, "mincore of 8 pages");
	CHECK(vec[0] == 1 && vec[3] == 1, "the touched pages are resident (%d %d)", vec[0], vec[3]);
	CHECK(vec[1] == 0 && vec[2] == 0 && vec[7] == 0, "untouched ones are not (%d %d %d)",
	      vec[1], vec[2], vec[7]);
	CHECK_EQ(sys_mincore(a, 3 * pg + 1, vec), 0, "a length that is not a page multiple");
	CHECK_EQ(vec[3], 1, "covers the partial last page");
	CHECK_EQ(sys_mincore(a, 0, vec), 0, "length 0: 0");
	CHECK_ERR(sys_mincore(a + 1, pg, vec), EINVAL, "an unaligned start: EINVAL");
	CHECK_ERR(sys_mincore(a, pg, (unsigned char *)1), EFAULT, "a bad vector: EFAULT");
	munmap(a + 4 * pg, pg);
	CHECK_ERR(sys_mincore(a, 8 * pg, vec), ENOMEM, "a hole in the range: ENOMEM");
	CHECK_ERR(sys_mincore((void *)0x7fff00000000UL, pg, vec), ENOMEM, "an unmapped range: ENOMEM");

	fd = open("f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	REQUIRE(fd >= 0, "create a file");
	memset(buf, 'x', sizeof(buf));
	for (int i = 0; i < 4; i++)
		REQUIRE(write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "write a page");
	REQUIRE(pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf), "read page 0 (cached)");
	f = mmap(NULL, 4 * pg, PROT_READ, MAP_SHARED, fd, 0);
	REQUIRE(f != MAP_FAILED, "map the file");
	CHECK_EQ(sys_mincore(f, 4 * pg, vec), 0, "mincore of the file mapping");
	CHECK_EQ(vec[0], 1, "a page in the page cache counts though never faulted in");
	CHECK_EQ(vec[0] & ~1, 0, "only bit 0 is used");
	munmap(f, 4 * pg);
	munmap(a, 8 * pg);
	close(fd);
	unlink("f");
	leave_scratch_dir(dir);
	return tap_done();
}
