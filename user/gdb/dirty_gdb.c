/*
 * dirty_gdb - the life of one dirty-tracked page, with the faults each step
 * takes (docs/labs/dirty.md, LINUX-SEMANTICS.md section H).
 *
 * Not a user test (not in /tests): run it under the debugger with
 * `make gdb PROG=build/user/gdb/dirty_gdb`, or alone (make exec, Linux).
 *
 * A one-page file in the current directory, mapped MAP_SHARED at DIRTY_ADDR.
 * In order, with the faults getrusage() counts for each step on Faultline:
 *   1. a load:                 1 (do_read_fault: read-only, the page is clean)
 *   2. a store:                1 (do_wp_page -> wp_page_shared: writable, dirty)
 *   3. another store:          0
 *   4. msync(MS_SYNC):         0 (writeback: page_mkclean write-protects the PTE)
 *   5. a store:                1 (wp_page_shared again)
 *   6. msync(MS_ASYNC), store: 0 (MS_ASYNC protects nothing)
 * The counts are printed, not checked: a filesystem without writeback
 * (tmpfs, where /tmp often lives on Linux) maps the page writable at once.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define DIRTY_ADDR 0x5e5e0000UL         /* docs/labs/dirty.md uses it */
#define PAGE 4096
#define FILE_NAME "dirty_gdb.data"

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void step(const char *what, long *before)
{
	long now = minflt();

	printf("dirty_gdb: %-28s %ld fault(s)\n", what, now - *before);
	*before = now;
}

int main(void)
{
	static char page[PAGE];
	volatile char *mem;
	long before;
	char c;
	int fd;

	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, page, PAGE) != PAGE || fsync(fd) != 0) {
		perror("dirty_gdb: the file");
		return 1;
	}
	mem = mmap((void *)DIRTY_ADDR, PAGE, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED, fd, 0);
	if (mem == MAP_FAILED) {
		perror("dirty_gdb: mmap");
		return 1;
	}
	printf("dirty_gdb: pid %d, the page at %#lx\n", (int)getpid(), DIRTY_ADDR);
	before = minflt();
	c = mem[0];
	step("1 load:", &before);
	mem[0] = (char)(c + 1);
	step("2 store:", &before);
	mem[1] = 2;
	step("3 store again:", &before);
	if (msync((void *)mem, PAGE, MS_SYNC) != 0)
		perror("dirty_gdb: msync");
	step("4 msync(MS_SYNC):", &before);
	mem[2] = 3;
	step("5 store:", &before);
	if (msync((void *)mem, PAGE, MS_ASYNC) != 0)
		perror("dirty_gdb: msync");
	mem[3] = 4;
	step("6 msync(MS_ASYNC), store:", &before);
	munmap((void *)mem, PAGE);
	close(fd);
	unlink(FILE_NAME);
	return 0;
}
