/*
 * ktests for the page-table walker and the kernel's mappings, checked
 * through the hardware: data written through a fresh mapping must appear
 * at the frame's direct-map address, and a write through a read-only
 * mapping must fault (caught by an exception-table fixup, not an oops).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sections.h>
#include <kernel/string.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/uaccess.h>

static const unsigned long ktest_rodata_word = 0x1234;

/* A fresh page mapped at a fresh vmalloc-area address. */
struct test_mapping {
	unsigned long va;
	struct page *page;
};

static bool test_map(struct test_mapping *m, pgprot_t prot)
{
	m->va = vmap_reserve(PAGE_SIZE);
	m->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!m->va || !m->page)
		return false;
	return map_kernel_page(m->va, page_to_pfn(m->page), prot) == 0;
}

static void test_unmap(struct test_mapping *m)
{
	if (m->va)
		vmap_release(m->va);            /* unmaps; the frame is ours */
	if (m->page)
		put_page(m->page);
}

KTEST(pgtable_map_write_read_direct)
{
	struct test_mapping m;
	struct pt_lookup l;

	KT_ASSERT(test_map(&m, PAGE_KERNEL));
	*(volatile unsigned long *)(m.va + 8) = 0xfeedfacecafebeefUL;
	KT_EXPECT_EQ(((unsigned long *)page_address(m.page))[1], 0xfeedfacecafebeefUL);
	KT_ASSERT(lookup_kernel_address(m.va + 8, &l));
	KT_EXPECT_EQ(l.level, 1);
	KT_EXPECT_EQ(l.phys, page_to_phys(m.page) + 8);
	KT_EXPECT_EQ(l.page_size, PAGE_SIZE);
	test_unmap(&m);
}

KTEST(pgtable_unmap_then_access_faults)
{
	struct test_mapping m;
	unsigned long v = 1;
	pte_t old;

	KT_ASSERT(test_map(&m, PAGE_KERNEL));
	*(volatile unsigned long *)m.va = 42;
	old = unmap_kernel_page(m.va);
	KT_EXPECT(pte_present(old));
	KT_EXPECT_EQ(pte_pfn(old), page_to_pfn(m.page));
	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)m.va), -EFAULT);
	KT_EXPECT_EQ(v, 0);                     /* the fixup zeroes the result */
	KT_EXPECT(!lookup_kernel_address(m.va, &(struct pt_lookup){ 0 }));
	test_unmap(&m);
}

KTEST(pgtable_write_protect_faults)
{
	struct test_mapping m;
	unsigned long *direct;

	KT_ASSERT(test_map(&m, PAGE_KERNEL));
	direct = page_address(m.page);
	KT_EXPECT_EQ(put_kernel_nofault((unsigned long *)m.va, 7UL), 0);
	KT_EXPECT_EQ(protect_kernel_page(m.va, PAGE_KERNEL_RO), 0);
	/* CR0.WP makes the MMU enforce read-only pages in kernel mode too. */
	KT_EXPECT_EQ(put_kernel_nofault((unsigned long *)m.va, 8UL), -EFAULT);
	KT_EXPECT_EQ(direct[0], 7);
	KT_EXPECT_EQ(*(volatile unsigned long *)m.va, 7);       /* still readable */
	KT_EXPECT_EQ(protect_kernel_page(m.va, PAGE_KERNEL), 0);
	KT_EXPECT_EQ(put_kernel_nofault((unsigned long *)m.va, 9UL), 0);
	KT_EXPECT_EQ(direct[0], 9);
	test_unmap(&m);
}

KTEST(pgtable_map_twice_is_eexist)
{
	struct test_mapping m;

	KT_ASSERT(test_map(&m, PAGE_KERNEL));
	KT_EXPECT_EQ(map_kernel_page(m.va, page_to_pfn(m.page), PAGE_KERNEL), -EEXIST);
	KT_EXPECT_EQ(protect_kernel_page(m.va + 2 * PAGE_SIZE, PAGE_KERNEL), -ENOENT);
	test_unmap(&m);
}

KTEST(pgtable_alias_two_addresses)
{
	struct test_mapping a;
	unsigned long b = vmap_reserve(PAGE_SIZE);

	KT_ASSERT(b != 0);
	KT_ASSERT(test_map(&a, PAGE_KERNEL));
	KT_ASSERT(map_kernel_page(b, page_to_pfn(a.page), PAGE_KERNEL) == 0);
	*(volatile unsigned int *)(a.va + 100) = 0xabcd;
	KT_EXPECT_EQ(*(volatile unsigned int *)(b + 100), 0xabcd);
	vmap_release(b);
	test_unmap(&a);
}

/* The kernel image is mapped W^X and the boot stack has a guard page. */
KTEST(pgtable_kernel_image_permissions)
{
	struct pt_lookup l;

	KT_ASSERT(lookup_kernel_address((unsigned long)_text, &l));
	KT_EXPECT(pte_exec(__pte(l.entry)) && !pte_write(__pte(l.entry)));
	KT_ASSERT(lookup_kernel_address((unsigned long)&ktest_rodata_word, &l));
	KT_EXPECT(!pte_exec(__pte(l.entry)) && !pte_write(__pte(l.entry)));
	KT_ASSERT(lookup_kernel_address((unsigned long)_data, &l));
	KT_EXPECT(!pte_exec(__pte(l.entry)) && pte_write(__pte(l.entry)));
	KT_EXPECT(!lookup_kernel_address((unsigned long)boot_stack_guard, &l));
}

KTEST(pgtable_rodata_write_faults)
{
	unsigned long *p = (unsigned long *)&ktest_rodata_word;

	KT_EXPECT_EQ(put_kernel_nofault(p, 0xbadUL), -EFAULT);
	KT_EXPECT_EQ(READ_ONCE(ktest_rodata_word), 0x1234);
}

KTEST(pgtable_direct_map_huge_nx)
{
	struct page *p = alloc_page(GFP_KERNEL);
	struct pt_lookup l;

	KT_ASSERT(p != NULL);
	KT_ASSERT(lookup_kernel_address((unsigned long)page_address(p), &l));
	KT_EXPECT_EQ(l.phys, page_to_phys(p));
	KT_EXPECT(!pte_exec(__pte(l.entry)));
	KT_EXPECT(pte_write(__pte(l.entry)));
	put_page(p);
	/* Most of RAM is 2 MiB aligned: the first 2 MiB after 4 MiB is a huge page. */
	KT_ASSERT(lookup_kernel_address((unsigned long)__va(4UL << 20), &l));
	KT_EXPECT_EQ(l.level, 2);
	KT_EXPECT_EQ(l.page_size, PMD_SIZE);
}

KTEST(pgtable_user_half_unmapped)
{
	unsigned long v __unused;              /* the fixup zeroes it */
	struct pt_lookup l;

	KT_EXPECT(!lookup_kernel_address(0, &l));
	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)0), -EFAULT);
	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)0x400000), -EFAULT);
}

KTEST(pgtable_pte_helpers)
{
	pte_t pte = pfn_pte(0x1234, PAGE_KERNEL);

	KT_EXPECT_EQ(pte_pfn(pte), 0x1234);
	KT_EXPECT(pte_present(pte) && pte_write(pte) && !pte_exec(pte));
	pte = pte_wrprotect(pte);
	KT_EXPECT(!pte_write(pte));
	pte = pte_mkwrite(pte);
	KT_EXPECT(pte_write(pte));
	pte = pte_mkclean(pte);
	KT_EXPECT(!pte_dirty(pte));
	pte = pte_mkdirty(pte);
	KT_EXPECT(pte_dirty(pte));
	pte = pte_mkold(pte);
	KT_EXPECT(!pte_young(pte));
	/* pte_modify changes the protection but keeps the frame and dirty bit. */
	pte = pte_modify(pte, PAGE_KERNEL_RO);
	KT_EXPECT(!pte_write(pte) && pte_dirty(pte) && pte_pfn(pte) == 0x1234);
}

KTEST(vmalloc_roundtrip_and_guard)
{
	unsigned long before = nr_free_pages();
	unsigned long size = 3 * PAGE_SIZE + 1;
	unsigned char *p = vmalloc(size);
	unsigned long v __unused;
	bool ok = true;

	KT_ASSERT(p != NULL);
	KT_EXPECT((unsigned long)p >= VMALLOC_START && (unsigned long)p < VMALLOC_END);
	for (unsigned long i = 0; i < size; i++)
		p[i] = (unsigned char)i;
	for (unsigned long i = 0; i < size; i++)
		if (p[i] != (unsigned char)i)
			ok = false;
	KT_EXPECT(ok);
	KT_EXPECT(vmalloc_to_phys(p) != 0);
	/* Four pages were mapped; the page after them is the guard. */
	KT_EXPECT_EQ(get_kernel_nofault(v, (unsigned long *)(p + 4 * PAGE_SIZE)), -EFAULT);
	vfree(p);
	/* The area's bookkeeping node may keep a slab page; the frames are back. */
	KT_EXPECT(nr_free_pages() + 1 >= before);
}

KTEST(ioremap_aliases_frame)
{
	struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	volatile unsigned long *io;

	KT_ASSERT(p != NULL);
	((unsigned long *)page_address(p))[3] = 0x600d;
	io = ioremap(page_to_phys(p) + 24, 8);
	KT_ASSERT(io != NULL);
	KT_EXPECT_EQ(*io, 0x600d);              /* the offset within the page is kept */
	iounmap((void *)io);
	put_page(p);
}

/*
 * A new address space's top level (pgd_alloc): the user half empty, the
 * kernel half the same entries as init_mm's. So a kernel mapping made
 * afterwards, below those shared entries, shows through the new one too.
 */
KTEST(pgtable_user_pgd_shares_kernel_half)
{
	pgd_t *pgd = pgd_alloc();
	struct test_mapping m;
	struct pt_lookup l;
	unsigned int user = 0, differ = 0;

	KT_ASSERT(pgd != NULL);
	for (unsigned int i = 0; i < pgd_index(USER_TOP); i++)
		user += !pgd_none(pgd[i]);
	for (unsigned int i = pgd_index(USER_TOP); i < PTRS_PER_TABLE; i++)
		differ += pgd_val(pgd[i]) != pgd_val(init_mm.pgd[i]);
	KT_EXPECT_EQ(user, 0);
	KT_EXPECT_EQ(differ, 0);
	KT_ASSERT(test_map(&m, PAGE_KERNEL));
	KT_EXPECT(pgtable_lookup(pgd, m.va, &l) && l.phys == page_to_phys(m.page));
	test_unmap(&m);
	pgd_free(pgd);
}

/*
 * Map user addresses that need tables at every level (two under one PTE
 * table, one under another PMD table, one under another top-level entry:
 * 9 table pages with the top level), then pgd_free: every table page comes
 * back, and none of the kernel half's, which every address space shares.
 */
KTEST(pgtable_user_tables_freed)
{
	static const unsigned long addrs[] = {
		0x400000, 0x401000, 0x40000000, 0x7f0000000000,
	};
	struct page *frame = alloc_page(GFP_KERNEL | __GFP_ZERO);
	unsigned long before;
	struct pt_lookup l;
	pgd_t *pgd;

	KT_ASSERT(frame != NULL);
	before = nr_free_pages();
	pgd = pgd_alloc();
	KT_ASSERT(pgd != NULL);
	for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++) {
		KT_EXPECT_EQ(pgtable_map_range(pgd, addrs[i], page_to_phys(frame), PAGE_SIZE,
					       PAGE_USER_RW, false, pgtable_alloc_page), 0);
		KT_EXPECT(pgtable_lookup(pgd, addrs[i] + 8, &l) && l.level == 1 &&
			  l.phys == page_to_phys(frame) + 8);
	}
	KT_EXPECT_EQ(before - nr_free_pages(), 9);
	pgd_free(pgd);
	KT_EXPECT_EQ(nr_free_pages(), before);
	for (unsigned int i = pgd_index(USER_TOP); i < PTRS_PER_TABLE; i++)
		if (!pgd_none(init_mm.pgd[i]))
			KT_EXPECT(page_ref_count(pfn_to_page(PFN_DOWN(pgd_table_pa(init_mm.pgd[i])))) > 0);
	put_page(frame);
}
