/*
 * filemap_gdb - every case of the file fault path at known addresses
 * (docs/labs/filemap.md).
 *
 * Not a user test (not in /tests): run it under the debugger with
 * `make gdb PROG=build/user/gdb/filemap_gdb`, or alone (make exec, Linux).
 *
 * A three-page file (pages of 'A', 'B' and 'C'), in the current directory,
 * mapped twice: MAP_SHARED at SHARED_ADDR and MAP_PRIVATE at PRIVATE_ADDR.
 * In order:
 *   1. shared page 0 is read:   do_read_fault maps the page-cache page,
 *                               read-only (clean, write notification);
 *   2. private page 0 is read:  do_read_fault maps the same page, read-only;
 *   3. private page 1 is written first: do_cow_fault maps a private copy;
 *   4. private page 2 is read, then written: do_read_fault, then
 *                               do_wp_page -> wp_page_copy;
 *   5. shared page 2 is written first: do_shared_fault maps the cache page
 *                               writable and dirty;
 *   6. pwrite() of page 0: both mappings still map the cache page there,
 *                               so both see it;
 * then the file is unmapped and removed.
 *
 * Exit status 0 if every read saw what LINUX-SEMANTICS.md B-C say it must.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SHARED_ADDR  0x5c5c0000UL       /* docs/labs/filemap.md uses them */
#define PRIVATE_ADDR 0x5d5d0000UL
#define PAGE 4096
#define FILE_NAME "filemap_gdb.data"

static int fail(const char *what)
{
	perror(what);
	unlink(FILE_NAME);
	return 1;
}

int main(void)
{
	static char buf[PAGE];
	volatile char *shared, *private;
	int fd, bad = 0;
	char c = 0;

	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("filemap_gdb: open");
	for (int i = 0; i < 3; i++) {
		memset(buf, 'A' + i, PAGE);
		if (write(fd, buf, PAGE) != PAGE)
			return fail("filemap_gdb: write");
	}
	shared = mmap((void *)SHARED_ADDR, 3 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_FIXED, fd, 0);
	private = mmap((void *)PRIVATE_ADDR, 3 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_FIXED, fd, 0);
	if (shared == MAP_FAILED || private == MAP_FAILED)
		return fail("filemap_gdb: mmap");

	bad |= shared[0] != 'A';                        /* 1 */
	bad |= private[0] != 'A';                       /* 2 */
	private[PAGE] = 'p';                            /* 3 */
	c = private[2 * PAGE];                          /* 4 */
	private[2 * PAGE] = 'q';
	shared[2 * PAGE] = 's';                         /* 5 */
	if (pwrite(fd, "W", 1, 0) != 1)                 /* 6 */
		return fail("filemap_gdb: pwrite");
	bad |= shared[0] != 'W' || private[0] != 'W';
	bad |= c != 'C' || private[2 * PAGE] != 'q' || private[2 * PAGE + 1] != 'C';
	if (pread(fd, buf, 1, PAGE) != 1 || buf[0] != 'B')      /* private stores stay private */
		bad = 1;
	if (pread(fd, buf, 1, 2 * PAGE) != 1 || buf[0] != 's')  /* shared ones reach the file */
		bad = 1;
	munmap((void *)shared, 3 * PAGE);
	munmap((void *)private, 3 * PAGE);
	close(fd);
	unlink(FILE_NAME);
	printf("filemap_gdb: pid %d: %s\n", (int)getpid(),
	       bad ? "a mapping saw the wrong data" : "every mapping saw the right data");
	return bad;
}
