/*
 * The exception table (see asm/extable.h): sorted once at boot, then
 * searched by binary search on every kernel fault.
 */
#include <kernel/kernel.h>
#include <kernel/sections.h>
#include <asm/extable.h>
#include <asm/ptrace.h>

static struct exception_table_entry *ex_start(void)
{
	return (struct exception_table_entry *)__start___ex_table;
}

unsigned long extable_count(void)
{
	return (unsigned long)(__stop___ex_table - __start___ex_table);
}

/*
 * Insertion sort: the table is written by the linker in link order, is
 * short, and nearly sorted already. It lives in .rodata, which is still
 * writable when this runs (before paging_init maps it read-only).
 */
void extable_init(void)
{
	struct exception_table_entry *t = ex_start();
	unsigned long n = extable_count();

	for (unsigned long i = 1; i < n; i++) {
		struct exception_table_entry e = t[i];
		unsigned long j = i;

		while (j > 0 && t[j - 1].insn > e.insn) {
			t[j] = t[j - 1];
			j--;
		}
		t[j] = e;
	}
}

const struct exception_table_entry *search_exception_tables(unsigned long addr)
{
	const struct exception_table_entry *t = __start___ex_table;
	unsigned long lo = 0, hi = extable_count();

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (t[mid].insn == addr)
			return &t[mid];
		if (t[mid].insn < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = search_exception_tables(regs->rip);

	if (!e)
		return false;
	regs->rip = e->fixup;
	return true;
}
