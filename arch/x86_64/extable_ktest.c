/*
 * ktests for exception-table fixups: a registered access that faults
 * resumes at its fixup with -EFAULT instead of oopsing. The first test
 * here is also the page fault the GDB test stops in (tests/run.py).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sections.h>
#include <asm/extable.h>
#include <asm/uaccess.h>

#define UNMAPPED_KERNEL_ADDR 0xffffdead00001000UL
#define NONCANONICAL_ADDR    0x8000000000000000UL

KTEST(extable_read_unmapped)
{
	unsigned long v = 0x55;

	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)UNMAPPED_KERNEL_ADDR), -EFAULT);
	KT_EXPECT_EQ(v, 0);
}

KTEST(extable_write_unmapped)
{
	KT_EXPECT_EQ(put_kernel_nofault((unsigned int *)UNMAPPED_KERNEL_ADDR, 1u), -EFAULT);
	KT_EXPECT_EQ(put_kernel_nofault((unsigned char *)UNMAPPED_KERNEL_ADDR, (unsigned char)1), -EFAULT);
}

/* A non-canonical address raises #GP, not #PF; the fixup covers both. */
KTEST(extable_noncanonical_gp)
{
	unsigned long v = 1;

	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)NONCANONICAL_ADDR), -EFAULT);
	KT_EXPECT_EQ(v, 0);
}

KTEST(extable_success_path)
{
	unsigned long word = 0x1122334455667788UL, v = 0;
	unsigned short half = 0;

	KT_EXPECT_EQ(get_kernel_nofault(v, &word), 0);
	KT_EXPECT_EQ(v, 0x1122334455667788UL);
	KT_EXPECT_EQ(put_kernel_nofault(&half, (unsigned short)0xbeef), 0);
	KT_EXPECT_EQ(half, 0xbeef);
}

KTEST(extable_sorted_and_searchable)
{
	const struct exception_table_entry *e;
	unsigned long n = extable_count();

	KT_ASSERT(n >= 4);
	for (unsigned long i = 1; i < n; i++)
		KT_EXPECT(__start___ex_table[i - 1].insn <= __start___ex_table[i].insn);
	e = search_exception_tables(__start___ex_table[n / 2].insn);
	KT_EXPECT(e == &__start___ex_table[n / 2]);
	KT_EXPECT(search_exception_tables(0x1234) == NULL);
}
