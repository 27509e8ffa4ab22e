/*
 * anon_gdb - every case of the anonymous fault path and of copy-on-write,
 * one after the other at known addresses (docs/labs/cow.md).
 *
 * Not a user test (not in /tests): run it under the debugger with
 * `make gdb PROG=build/user/gdb/anon_gdb`, or alone (make exec, Linux).
 *
 * Four private anonymous pages at ANON_ADDR (MAP_FIXED, so a GDB script
 * can name the addresses before the program runs). In order:
 *   1. page 0 is read:    do_anonymous_page maps the shared zero page,
 *                         read-only;
 *   2. page 1 is written: do_anonymous_page gives it a fresh zeroed page,
 *                         writable and dirty;
 *   3. fork():            copy_page_range write-protects page 1 in both
 *                         processes and shares it (map count 2); page 0
 *                         stays the zero page in both;
 *   4. the child writes page 1: do_wp_page -> wp_page_copy (two users),
 *                         and exits;
 *   5. the parent writes page 1: do_wp_page -> wp_page_reuse (the child's
 *                         copy is gone, the page is the parent's alone);
 *   6. the parent writes page 0: do_wp_page -> wp_page_copy from the zero
 *                         page (a fresh zeroed page, no copy to make).
 *
 * Exit status 0 if both sides saw what they should.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ANON_ADDR 0x5b5b0000UL  /* docs/labs/cow.md uses it */
#define PAGE 4096

int main(void)
{
	volatile char *mem;
	int status;
	pid_t pid;
	char c;

	mem = mmap((void *)ANON_ADDR, 4 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mem == MAP_FAILED) {
		perror("anon_gdb: mmap");
		return 1;
	}
	c = mem[0];                             /* 1: the zero page */
	mem[PAGE] = 'P';                        /* 2: a page of our own */
	pid = fork();                           /* 3: shared, read-only */
	if (pid < 0) {
		perror("anon_gdb: fork");
		return 1;
	}
	if (pid == 0) {
		mem[PAGE] = 'C';                /* 4: the child copies */
		_exit(mem[PAGE] == 'C' && mem[0] == 0 ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || status != 0) {
		printf("anon_gdb: the child saw the wrong bytes (status %#x)\n", status);
		return 1;
	}
	if (mem[PAGE] != 'P') {
		printf("anon_gdb: the child's write reached the parent\n");
		return 1;
	}
	mem[PAGE] = 'Q';                        /* 5: reuse in place */
	mem[0] = (char)(c + 'Z');               /* 6: copy of the zero page */
	printf("anon_gdb: parent %d and child %d kept their own page at %#lx\n",
	       (int)getpid(), (int)pid, ANON_ADDR + PAGE);
	return 0;
}
