/*
 * Symbol lookup over the table that tools/gen_ksyms.py embeds in the image
 * (build/ksyms.c). Binary search: the addresses are sorted.
 */
#include <kernel/ksyms.h>
#include <kernel/string.h>

long ksym_index(unsigned long addr)
{
	const struct ksym_table *t = &ksym_table;
	unsigned long lo = 0, hi = t->count;

	if (!t->count || addr < t->addrs[0])
		return -1;
	/* Find the last symbol whose address is <= addr. */
	while (hi - lo > 1) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	if (t->sizes[lo] && addr >= t->addrs[lo] + t->sizes[lo])
		return -1;                      /* in a gap between functions */
	return (long)lo;
}

const char *ksym_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	const struct ksym_table *t = &ksym_table;
	long i = ksym_index(addr);

	if (i < 0)
		return NULL;
	if (offset)
		*offset = addr - t->addrs[i];
	if (size)
		*size = t->sizes[i];
	return t->names + t->name_offs[i];
}

unsigned long ksym_address(const char *name)
{
	const struct ksym_table *t = &ksym_table;

	for (unsigned long i = 0; i < t->count; i++)
		if (strcmp(t->names + t->name_offs[i], name) == 0)
			return t->addrs[i];
	return 0;
}

void ksym_format(unsigned long addr, char *buf, size_t len)
{
	unsigned long off, size;
	const char *name = ksym_lookup(addr, &off, &size);

	if (name)
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
	else
		snprintf(buf, len, "0x%016lx", addr);
}
