/*
 * pgtable_gdb - pages at addresses chosen to need page tables at every
 * level, for looking at with fl-pte (docs/labs/pgtable.md).
 *
 * Not a user test (not in /tests): run it under the debugger with
 * `make gdb PROG=build/user/gdb/pgtable_gdb`, or alone (make exec, Linux).
 *
 * What happens, in order:
 *   1. five private anonymous pages are mapped at fixed addresses (table
 *      below) and each is written once: each write is a fault, and the
 *      fault path builds whatever tables the address still lacks;
 *   2. the page at ADDR_B is made read-only with mprotect (change_protection
 *      rewrites its PTE with pte_modify), then writable again;
 *   3. the program exits (exit_mmap frees the pages, pgd_free the tables).
 *
 *   address          shares with the one above it ...   new tables
 *   0x10000000       (first)                            PUD, PMD, PTE
 *   0x10001000       the PTE table                      none
 *   0x10200000       the PMD table (next 2 MiB)         PTE
 *   0x50000000       the PUD table (next 1 GiB)         PMD, PTE
 *   0x8000000000     the top level only (next 512 GiB)  PUD, PMD, PTE
 */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096

static const unsigned long addrs[] = {
	0x10000000UL, 0x10001000UL, 0x10200000UL, 0x50000000UL, 0x8000000000UL,
};
#define NADDRS (sizeof(addrs) / sizeof(addrs[0]))
#define ADDR_B 0x10001000UL

int main(void)
{
	for (unsigned int i = 0; i < NADDRS; i++) {
		char *p = mmap((void *)addrs[i], PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		if (p == MAP_FAILED) {
			perror("pgtable_gdb: mmap");
			return 1;
		}
		p[0] = (char)('a' + i);                 /* 1: the fault builds tables */
	}
	if (mprotect((void *)ADDR_B, PAGE, PROT_READ) != 0 ||     /* 2 */
	    mprotect((void *)ADDR_B, PAGE, PROT_READ | PROT_WRITE) != 0) {
		perror("pgtable_gdb: mprotect");
		return 1;
	}
	((char *)ADDR_B)[1] = 'w';
	for (unsigned int i = 0; i < NADDRS; i++) {
		if (((char *)addrs[i])[0] != 'a' + (int)i) {
			printf("pgtable_gdb: %#lx lost its byte\n", addrs[i]);
			return 1;
		}
	}
	printf("pgtable_gdb: pid %d wrote %u pages, from %#lx to %#lx\n", (int)getpid(),
	       (unsigned int)NADDRS, addrs[0], addrs[NADDRS - 1]);
	return 0;                                       /* 3 */
}
