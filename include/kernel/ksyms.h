/*
 * The kernel's own symbol table, embedded at build time (tools/gen_ksyms.py,
 * from the first link pass), so that oops reports and backtraces print
 * "function+0xoff/0xsize" without a debugger.
 */
#ifndef _KERNEL_KSYMS_H
#define _KERNEL_KSYMS_H

#include <kernel/types.h>

struct ksym_table {
	unsigned long count;
	const unsigned long *addrs;     /* sorted ascending */
	const unsigned int *sizes;
	const unsigned int *name_offs;  /* into names */
	const char *names;
};

extern const struct ksym_table ksym_table;

/*
 * Find the function containing @addr. Returns its name and sets *offset
 * and *size, or returns NULL if @addr is in no known function.
 */
const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);
/* The index in ksym_table of the function containing @addr, or -1.
 * Context: any (interrupt handlers: the profiler's tick). */
long ksym_index(unsigned long addr);
/* Address of the function called @name, or 0. */
unsigned long ksym_address(const char *name);
/* Format "name+0xoff/0xsize" (or the bare hex address) into @buf. */
void ksym_format(unsigned long addr, char *buf, size_t len);

#endif
