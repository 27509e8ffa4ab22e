/*
 * shared_gdb - one write-protect fault of a shared file mapping (dirty
 * tracking), at a known address, for a debugger.
 *
 * Not a user test (not installed in /tests): the gdb suite gdb-shared of
 * `make test` (tests/run.py) and docs/gdb.md run it with `make gdb-batch
 * PROG=build/user/gdb/shared_gdb` and stop in do_wp_page. It also runs
 * alone (`make exec PROG=...`, or on Linux).
 *
 * What happens, in order:
 *   1. SHARED_FILE (in the cwd, /tmp under `make exec`) gets one page of
 *      'A' and is synced, so its page-cache page is clean;
 *   2. the page is mapped MAP_SHARED, read-write, at SHARED_ADDR (MAP_FIXED,
 *      so a GDB script can name the address before the program runs);
 *   3. a read maps the page: present, but read-only, because the kernel
 *      wants to hear of the first write to a clean page (write
 *      notification, docs/dirty-tracking.md);
 *   4. a write faults on the read-only PTE: handle_mm_fault -> do_wp_page
 *      -> wp_page_shared, which runs ->page_mkwrite, makes the PTE
 *      writable and dirty and marks the page dirty;
 *   5. msync writes the page back; the file is read back and removed.
 *
 * Exit status 0 if the file holds the byte written through the mapping.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SHARED_ADDR 0x5b5b0000UL        /* tests/run.py and docs/gdb.md use it */
#define SHARED_FILE "shared_gdb.dat"    /* likewise: /tmp/shared_gdb.dat */
#define PAGE 4096

static int fail(const char *what)
{
	perror(what);
	unlink(SHARED_FILE);
	return 1;
}

int main(void)
{
	static char buf[PAGE];
	volatile char *mem;
	char seen;
	int fd;

	memset(buf, 'A', sizeof(buf));
	fd = open(SHARED_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("shared_gdb: open");
	if (write(fd, buf, sizeof(buf)) != sizeof(buf) || fsync(fd) != 0)
		return fail("shared_gdb: write");      /* 1: a clean page */
	mem = mmap((void *)SHARED_ADDR, PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0);
	if (mem == MAP_FAILED)
		return fail("shared_gdb: mmap");        /* 2 */
	seen = mem[0];                  /* 3: mapped read-only */
	mem[0] = 'B';                   /* 4: the write-protect fault */
	if (msync((void *)mem, PAGE, MS_SYNC) != 0)
		return fail("shared_gdb: msync");      /* 5 */
	if (pread(fd, buf, 1, 0) != 1)
		return fail("shared_gdb: pread");
	munmap((void *)mem, PAGE);
	close(fd);
	unlink(SHARED_FILE);
	if (seen != 'A' || buf[0] != 'B') {
		printf("shared_gdb: read '%c' through the mapping and '%c' from "
		       "the file (expected 'A', then 'B')\n", seen, buf[0]);
		return 1;
	}
	printf("shared_gdb: wrote 'B' at %#lx through a shared mapping of %s\n",
	       SHARED_ADDR, SHARED_FILE);
	return 0;
}
