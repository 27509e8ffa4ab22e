/*
 * filemap_args_test - mmap() of regular files: the argument checks of
 * LINUX-SEMANTICS.md section A that involve a file (mmap_test covers the
 * anonymous ones and the plain fd errors), the access-mode rules (items
 * 6-10: O_RDONLY and MAP_SHARED, mprotect(PROT_WRITE) on such a mapping,
 * O_APPEND), a mapping longer than its file (17) and a mapping outliving
 * its fd and its name (18).
 *
 * Every mmap whose arguments musl might check itself goes through
 * raw_mmap() (section K).
 */
#include "filemap.h"
#include "memprobe.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#define RW (PROT_READ | PROT_WRITE)

static void test_arg_errors(int fd)
{
	CHECK_ERR(raw_mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0), EINVAL,
		  "file, len 0: EINVAL");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 512),
		  EINVAL, "file, offset 512: EINVAL (raw syscall)");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			   PAGE_SIZE + 1), EINVAL,
		  "file, offset one past a page: EINVAL");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, 0, fd, 0), EINVAL,
		  "file, map type 0: EINVAL");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, 0x04, fd, 0), EINVAL,
		  "file, map type 4: EINVAL");
	CHECK_ERR(raw_mmap((void *)(0x200000000UL + 8), PAGE_SIZE, PROT_READ,
			   MAP_SHARED | MAP_FIXED, fd, 0), EINVAL,
		  "file, MAP_FIXED at an unaligned address: EINVAL");
	CHECK_ERR(raw_mmap(NULL, 1UL << 48, PROT_READ, MAP_SHARED, fd, 0),
		  ENOMEM, "file, a length larger than user space: ENOMEM");
	CHECK_ERR(raw_mmap(NULL, -4096UL + 1, PROT_READ, MAP_SHARED, fd, 0),
		  ENOMEM, "file, a length that wraps when page-aligned: ENOMEM");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			   0x7ffffffffffff000UL), EOVERFLOW,
		  "file, offset 2^63 - 4096 (last page past the largest "
		  "file offset): EOVERFLOW");
	CHECK_ERR(raw_mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd,
			   0x7fffffffffffe000UL), EOVERFLOW,
		  "file, two pages ending past the largest file offset: "
		  "EOVERFLOW");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd,
			   0xfffffffffffff000UL), EOVERFLOW,
		  "file, offset -4096 as a loff_t: EOVERFLOW");
}

static void test_fd_errors(void)
{
	int wr = open("wronly", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int wa = open("wronly", O_WRONLY | O_APPEND);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	int fd = open("wronly", O_RDONLY);

	REQUIRE(wr >= 0 && wa >= 0 && dir >= 0 && fd >= 0 &&
		write(wr, "x", 1) == 1, "open a file O_WRONLY, O_WRONLY|O_APPEND"
		" and O_RDONLY, and a directory");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_SHARED, wr, 0),
		  EACCES, "O_WRONLY file, MAP_SHARED|PROT_NONE: EACCES (the "
		  "read check ignores prot)");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_WRITE, MAP_PRIVATE, wr, 0),
		  EACCES, "O_WRONLY file, MAP_PRIVATE|PROT_WRITE: EACCES");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED, wa, 0), EACCES,
		  "O_WRONLY|O_APPEND file, MAP_SHARED: EACCES");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, dir, 0),
		  ENODEV, "directory, MAP_SHARED: ENODEV");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_WRITE, MAP_SHARED, fd, 0),
		  EACCES, "O_RDONLY file, MAP_SHARED|PROT_WRITE only: EACCES");
	close(fd);
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0),
		  EBADF, "an fd closed a moment ago: EBADF");
	CHECK_ERR(raw_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED, -5, 0),
		  EBADF, "fd -5 without MAP_ANONYMOUS: EBADF");
	close(wr);
	close(wa);
	close(dir);
	unlink("wronly");
}

/* Unknown bits, MAP_SHARED_VALIDATE with known ones, PROT_WRITE alone. */
static void test_flags(int fd)
{
	char *p;
	struct probe pr;

	p = (char *)raw_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED | 0x400, fd, 0);
	CHECK(p != MAP_FAILED, "file, MAP_SHARED with unknown bit 0x400: "
	      "the bit is ignored");
	if (p != MAP_FAILED)
		munmap(p, PAGE_SIZE);

	p = (char *)raw_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED_VALIDATE, fd, 0);
	if (CHECK(p != MAP_FAILED, "file, MAP_SHARED_VALIDATE with no other "
		  "flag: mapped")) {
		p[10] = 'V';
		CHECK_EQ(file_byte(fd, 10), 'V',
			 "MAP_SHARED_VALIDATE maps shared: read() sees a store");
		munmap(p, PAGE_SIZE);
	}

	p = map_file(fd, PAGE_SIZE, PROT_WRITE, MAP_SHARED, 0);
	REQUIRE(p != NULL, "file, MAP_SHARED|PROT_WRITE");
	CHECK_EQ(probe_read(p + 10, NULL, &pr), 0,
		 "x86: a PROT_WRITE-only shared file page is readable too");
	CHECK_EQ(((volatile char *)p)[10], 'V', "and shows the file's byte");
	munmap(p, PAGE_SIZE);
}

/* Items 7-9: what an O_RDONLY fd allows. */
static void test_rdonly(void)
{
	int rw = make_file("rdonly", PAGE_SIZE, 1);
	int fd = open("rdonly", O_RDONLY);
	char *s, *p;
	struct probe pr;

	REQUIRE(rw >= 0 && fd >= 0, "a one-page file, opened O_RDWR and "
		"O_RDONLY");
	s = map_file(fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 0);
	REQUIRE(s != NULL, "O_RDONLY, MAP_SHARED|PROT_READ: allowed");
	CHECK_EQ(s[5], pattern_byte(5, 1), "it shows the file");
	CHECK_EQ(probe_write(s + 5, 'w', &pr), SIGSEGV,
		 "a store to it: SIGSEGV");
	CHECK_EQ(pr.code, SEGV_ACCERR, "with SEGV_ACCERR");
	CHECK_ERR(mprotect(s, PAGE_SIZE, RW), EACCES,
		  "mprotect(PROT_READ|PROT_WRITE) of it: EACCES");
	CHECK_OK(mprotect(s, PAGE_SIZE, PROT_READ), "mprotect(PROT_READ): 0");
	CHECK(pwrite(rw, "N", 1, 6) == 1 && s[6] == 'N',
	      "it still follows write() through another fd");

	p = map_file(fd, PAGE_SIZE, PROT_READ, MAP_PRIVATE, 0);
	REQUIRE(p != NULL, "O_RDONLY, MAP_PRIVATE|PROT_READ");
	CHECK_OK(mprotect(p, PAGE_SIZE, RW), "mprotect(PROT_READ|PROT_WRITE) "
		 "of the MAP_PRIVATE one: allowed");
	CHECK_EQ(probe_write(p + 7, 'P', NULL), 0, "and a store to it works");
	CHECK_EQ(file_byte(rw, 7), (unsigned char)pattern_byte(7, 1),
		 "the store did not reach the file");
	munmap(p, PAGE_SIZE);

	p = map_file(fd, PAGE_SIZE, RW, MAP_PRIVATE, 0);
	REQUIRE(p != NULL, "O_RDONLY, MAP_PRIVATE|PROT_READ|PROT_WRITE: "
		"allowed");
	p[8] = 'Q';
	CHECK(p[8] == 'Q' &&
	      file_byte(rw, 8) == (unsigned char)pattern_byte(8, 1) &&
	      s[8] == pattern_byte(8, 1),
	      "its store is private: not in the file, not in the shared "
	      "mapping");
	munmap(p, PAGE_SIZE);
	munmap(s, PAGE_SIZE);
	close(fd);
	close(rw);
	unlink("rdonly");
}

/* Item 10: O_APPEND does not stop a writable shared mapping. */
static void test_append(void)
{
	int fd = make_file("append", PAGE_SIZE, 2);
	int fa = open("append", O_RDWR | O_APPEND);
	char *p;

	REQUIRE(fd >= 0 && fa >= 0, "a file, and an O_RDWR|O_APPEND fd");
	p = map_file(fa, PAGE_SIZE, RW, MAP_SHARED, 0);
	REQUIRE(p != NULL, "O_APPEND, MAP_SHARED|PROT_READ|PROT_WRITE: "
		"allowed");
	p[100] = 'A';
	CHECK_EQ(file_byte(fd, 100), 'A', "a store in the middle of the file "
		 "reaches it");
	CHECK_EQ(file_size(fd), PAGE_SIZE, "and the size is unchanged");
	munmap(p, PAGE_SIZE);
	close(fa);
	close(fd);
	unlink("append");
}

/* Item 18: the mapping holds the file, not the fd or the name. */
static void test_survives(void)
{
	int fd = make_file("survive", 2 * PAGE_SIZE, 3), keep, status;
	char *p;
	pid_t pid;

	REQUIRE(fd >= 0, "a two-page file");
	p = map_file(fd, 2 * PAGE_SIZE, RW, MAP_SHARED, 0);
	REQUIRE(p != NULL, "map it shared");
	CHECK_OK(close(fd), "close the only fd");
	p[PAGE_SIZE + 1] = 'c';
	CHECK_EQ(p[0], pattern_byte(0, 3), "after close: the mapping reads "
		 "the file");
	keep = open("survive", O_RDONLY);
	REQUIRE(keep >= 0, "open the file again");
	CHECK_EQ(file_byte(keep, PAGE_SIZE + 1), 'c',
		 "a store made after close reached the file");
	CHECK_OK(unlink("survive"), "unlink the file");
	p[2] = 'u';
	CHECK_EQ(file_byte(keep, 2), 'u', "after unlink: a store still "
		 "reaches the (nameless) file");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		p[3] = 'k';
		_exit(p[PAGE_SIZE + 1] == 'c' ? 0 : 1);
	}
	status = wait_child(pid);
	CHECK_EXIT(status, 0, "a child forked after close and unlink reads "
		   "the mapping");
	CHECK_EQ(file_byte(keep, 3), 'k', "and its store reaches the file");
	CHECK_OK(munmap(p, 2 * PAGE_SIZE), "munmap the last user of the file");
	close(keep);
}

/* Item 17: nothing fails at mmap() time for a mapping past EOF. */
static void test_longer(void)
{
	int fd = make_file("short", 100, 4);
	char *p;
	struct probe pr;

	REQUIRE(fd >= 0, "a 100-byte file");
	p = map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED, 0);
	REQUIRE(p != NULL, "a 4-page shared mapping of it: allowed");
	CHECK_EQ(p[99], pattern_byte(99, 4), "its first page shows the file");
	munmap(p, 4 * PAGE_SIZE);

	p = map_file(fd, 4 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		     0);
	CHECK(p != NULL, "MAP_POPULATE of 4 pages of a 100-byte file: no "
	      "error and no signal");
	if (p) {
		CHECK_EQ(probe_read(p + 50, NULL, &pr), 0,
			 "the populated first page reads");
		munmap(p, 4 * PAGE_SIZE);
	}
	p = map_file(fd, 4 * PAGE_SIZE, RW, MAP_SHARED | MAP_POPULATE, 0);
	CHECK(p != NULL, "MAP_SHARED|MAP_POPULATE, writable, past EOF: no "
	      "error and no signal");
	if (p)
		munmap(p, 4 * PAGE_SIZE);
	p = map_file(fd, PAGE_SIZE, PROT_READ, MAP_SHARED, 16 * PAGE_SIZE);
	CHECK(p != NULL, "a mapping that starts 16 pages past EOF: allowed");
	if (p)
		munmap(p, PAGE_SIZE);
	close(fd);
	unlink("short");
}

int main(void)
{
	char dir[64];
	int fd;

	REQUIRE(enter_scratch_dir("filemap_args_test", dir, sizeof(dir)) == 0,
		"make a scratch directory");
	fd = make_file("data", PAGE_SIZE, 0);
	REQUIRE(fd >= 0, "make a one-page file");
	test_arg_errors(fd);
	test_fd_errors();
	test_flags(fd);
	close(fd);
	test_rdonly();
	test_append();
	test_survives();
	test_longer();
	CHECK_OK(leave_scratch_dir(dir), "remove the scratch directory");
	return tap_done();
}
