/*
 * swap_gdb - one anonymous page out to swap and back, at a known address
 * (docs/reclaim.md "A page out and back, in GDB"; docs/labs/reclaim.md).
 *
 * Not a user test (not in /tests): run it under the debugger with
 * `make gdb PROG=build/user/gdb/swap_gdb SWAP=64M`, or alone (make exec
 * with SWAP=, Linux 5.4 or later with swap on).
 *
 * Two private anonymous pages at SWAP_ADDR (MAP_FIXED, so that a GDB
 * script can name the addresses before the program runs). In order:
 *   1. both pages are written: each gets a page of its own (do_anonymous_page),
 *      on the inactive anonymous list, under the VMA's anon_vma;
 *   2. MADV_PAGEOUT of page 0: add_to_swap gives it a slot, try_to_unmap_one
 *      replaces its PTE by the slot's swap entry, swap_writepage writes it;
 *      the page is freed once written;
 *   3. page 0 is read: do_swap_page reads the slot into a new page and
 *      maps it read-only (its slot still holds a good copy: the page stays
 *      in the swap cache);
 *   4. page 0 is written: do_wp_page finds this PTE the page's only user,
 *      takes it out of the swap cache (the slot is freed) and writes in place.
 *
 * Without swap, step 2 does nothing (the page has nowhere to go) and the
 * program still checks its data. Exit status 0 if every byte read is right.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#define SWAP_ADDR 0x5e5e0000UL  /* docs/reclaim.md and docs/labs/reclaim.md use it */
#define PAGE 4096

int main(void)
{
	volatile char *mem;
	int bad = 0;

	mem = mmap((void *)SWAP_ADDR, 2 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mem == MAP_FAILED) {
		perror("swap_gdb: mmap");
		return 1;
	}
	for (int i = 0; i < PAGE; i++) {                /* 1 */
		mem[i] = 'S';
		mem[PAGE + i] = 'T';
	}
	if (madvise((void *)mem, PAGE, MADV_PAGEOUT))   /* 2 */
		perror("swap_gdb: madvise(MADV_PAGEOUT)");
	for (int i = 0; i < PAGE; i++)                  /* 3 */
		bad += mem[i] != 'S';
	mem[0] = 'W';                                   /* 4 */
	bad += mem[0] != 'W' || mem[1] != 'S' || mem[PAGE] != 'T';
	printf("swap_gdb: %s\n", bad ? "wrong data" : "page 0 went out and came back");
	return bad != 0;
}
