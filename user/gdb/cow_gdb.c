/*
 * cow_gdb - one copy-on-write fault at a known address, for a debugger.
 *
 * Not a user test (it is not installed in /tests): the gdb suite of
 * `make test` (tests/run.py, suite gdb-cow) and docs/gdb.md run it with
 * `make gdb-batch PROG=build/user/gdb/cow_gdb` and stop in the fault path.
 * It also runs alone (`make exec PROG=...`, or on Linux) and checks that
 * COW kept parent and child apart.
 *
 * What happens, in order:
 *   1. one private anonymous page is mapped at COW_ADDR (MAP_FIXED, so a
 *      GDB script can name the address before the program runs) and
 *      written: an anonymous fault gives it its own page, mapped once;
 *   2. fork(): the page is now shared, read-only in both processes, with
 *      map count 2;
 *   3. the child reads the page (no fault: the PTE is present) and waits;
 *   4. the parent writes the page: a write-protect fault in the parent,
 *      handle_mm_fault -> do_wp_page -> wp_page_copy, which gives the
 *      parent a copy, writable and dirty;
 *   5. the parent lets the child go; the child checks it still sees the
 *      old byte, the parent that it sees the new one.
 *
 * Before the fork it prints its /proc/self/maps, each line after "maps: ",
 * so that the test can hold fl-vmas up against the kernel's own view.
 *
 * Exit status 0 if both sides saw what they should.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define COW_ADDR 0x5a5a0000UL   /* tests/run.py and docs/gdb.md use it */
#define PAGE 4096

/* Print /proc/self/maps, "maps: " before each line. Read with read() into
 * a static buffer: no malloc, so no VMA appears while it is read. Silent
 * if there is no /proc. */
static void print_maps(void)
{
	static char buf[8192];
	ssize_t n, len = 0;
	int fd = open("/proc/self/maps", O_RDONLY);

	if (fd < 0)
		return;
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = '\0';
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		printf("maps: %s\n", line);
	fflush(stdout);
}

static int child(volatile char *mem, int go)
{
	char c;

	if (mem[0] != 'A')
		return 1;
	if (read(go, &c, 1) != 1)       /* the parent has written by now */
		return 2;
	return mem[0] == 'A' ? 0 : 3;
}

int main(void)
{
	volatile char *mem;
	int go[2], status;
	pid_t pid;

	mem = mmap((void *)COW_ADDR, PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mem == MAP_FAILED) {
		perror("cow_gdb: mmap");
		return 1;
	}
	mem[0] = 'A';                   /* 1: the page is ours alone */
	print_maps();
	if (pipe(go) < 0) {
		perror("cow_gdb: pipe");
		return 1;
	}
	pid = fork();                   /* 2: shared, read-only, map count 2 */
	if (pid < 0) {
		perror("cow_gdb: fork");
		return 1;
	}
	if (pid == 0) {
		close(go[1]);
		_exit(child(mem, go[0]));       /* 3 */
	}
	close(go[0]);
	mem[0] = 'B';                   /* 4: the COW fault */
	if (write(go[1], "x", 1) != 1)  /* 5 */
		perror("cow_gdb: write");
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid) {
		perror("cow_gdb: waitpid");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("cow_gdb: the child saw the wrong byte (status %#x)\n", status);
		return 1;
	}
	if (mem[0] != 'B') {
		printf("cow_gdb: the parent lost its write\n");
		return 1;
	}
	printf("cow_gdb: parent %d wrote 'B' at %#lx, child %d still saw 'A'\n",
	       (int)getpid(), COW_ADDR, (int)pid);
	return 0;
}
