/*
 * ktests for VMAs and the anonymous fault path, driven from a kernel
 * thread that adopts a fresh mm and touches it with copy_to_user /
 * copy_from_user (so every access goes through the real MMU and the real
 * page-fault handler).
 */
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define BASE 0x10000000UL

static pte_t pte_of(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pgtable_walk_pte(mm->pgd, addr, NULL);

	return p ? ptep_get(p) : __pte(0);
}

static long map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		     unsigned long prot, unsigned long flags)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, NULL, addr, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | flags, 0);
	up_write(&mm->mmap_lock);
	return r;
}

static int count_vmas(struct mm_struct *mm)
{
	return mm->map_count;
}

KTEST(mm_anon_demand_zero_and_zero_page)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	unsigned long flt = current->min_flt;
	char buf[8] = "xxxxxxx";

	KT_ASSERT(mm);
	KT_EXPECT_EQ(map_anon(mm, BASE, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED), (long)BASE);
	switch_to_new_mm(mm);
	/* A read maps the shared zero page, read-only. */
	KT_EXPECT_EQ(copy_from_user(buf, (void *)BASE, 8), 0);
	KT_EXPECT(buf[0] == 0 && buf[7] == 0);
	KT_EXPECT(pte_present(pte_of(mm, BASE)) && !pte_write(pte_of(mm, BASE)));
	KT_EXPECT(is_zero_page(pfn_to_page(pte_pfn(pte_of(mm, BASE)))));
	/* The write then copies it (do_wp_page -> wp_page_copy). */
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "hello", 6), 0);
	KT_EXPECT(pte_write(pte_of(mm, BASE)) && pte_dirty(pte_of(mm, BASE)));
	KT_EXPECT(!is_zero_page(pfn_to_page(pte_pfn(pte_of(mm, BASE)))));
	/* A first write gets a fresh page at once. */
	KT_EXPECT_EQ(copy_to_user((void *)(BASE + PAGE_SIZE), "x", 1), 0);
	KT_EXPECT(pte_write(pte_of(mm, BASE + PAGE_SIZE)));
	KT_EXPECT_EQ(current->min_flt - flt, 3);
	/* Outside every VMA: -EFAULT, no page. */
	KT_EXPECT_EQ(copy_to_user((void *)(BASE + 8 * PAGE_SIZE), "x", 1), 1);
	switch_to_new_mm(saved);
	mmput(mm);
}

KTEST(mm_cow_after_dup_mm)
{
	struct mm_struct *parent = mm_alloc(), *child, *saved = current->mm;
	struct page *shared;
	char buf[8];

	KT_ASSERT(parent);
	KT_EXPECT_EQ(map_anon(parent, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED), (long)BASE);
	switch_to_new_mm(parent);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "parent", 7), 0);
	child = dup_mm(parent);
	KT_ASSERT(child);
	/* Shared and write-protected on both sides. */
	KT_EXPECT_EQ(pte_pfn(pte_of(parent, BASE)), pte_pfn(pte_of(child, BASE)));
	KT_EXPECT(!pte_write(pte_of(parent, BASE)) && !pte_write(pte_of(child, BASE)));
	shared = pfn_to_page(pte_pfn(pte_of(parent, BASE)));
	KT_EXPECT_EQ(page_ref_count(shared), 2);
	KT_EXPECT_EQ(page_mapcount(shared), 2);
	/* The child writes first: it copies (wp_page_copy). */
	switch_to_new_mm(child);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "child", 6), 0);
	KT_EXPECT(pte_pfn(pte_of(child, BASE)) != page_to_pfn(shared));
	KT_EXPECT_EQ(page_ref_count(shared), 1);
	/* The parent, now the only user, writes in place (wp_page_reuse). */
	switch_to_new_mm(parent);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)BASE, 7), 0);
	KT_EXPECT(strcmp(buf, "parent") == 0);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "again", 6), 0);
	KT_EXPECT_EQ(pte_pfn(pte_of(parent, BASE)), page_to_pfn(shared));
	switch_to_new_mm(child);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)BASE, 6), 0);
	KT_EXPECT(strcmp(buf, "child") == 0);
	switch_to_new_mm(saved);
	mmput(child);
	mmput(parent);
}

KTEST(mm_vma_split_merge_and_errors)
{
	struct mm_struct *mm = mm_alloc();

	KT_ASSERT(mm);
	KT_EXPECT_EQ(map_anon(mm, BASE, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED), (long)BASE);
	down_write(&mm->mmap_lock);
	/* mprotect in the middle: three VMAs; back again: one. */
	KT_EXPECT_EQ(do_mprotect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KT_EXPECT_EQ(count_vmas(mm), 3);
	KT_EXPECT_EQ(do_mprotect(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KT_EXPECT_EQ(count_vmas(mm), 1);
	/* munmap in the middle: two; an empty range is fine. */
	KT_EXPECT_EQ(do_munmap(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	KT_EXPECT_EQ(count_vmas(mm), 2);
	KT_EXPECT_EQ(do_munmap(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE), 0);
	KT_EXPECT_EQ(do_munmap(mm, BASE + 1, PAGE_SIZE), -EINVAL);
	/* mprotect across the hole: ENOMEM, the part before it changed. */
	KT_EXPECT_EQ(do_mprotect(mm, BASE, 5 * PAGE_SIZE, PROT_READ), -ENOMEM);
	KT_EXPECT(!(find_vma(mm, BASE)->vm_flags & VM_WRITE));
	KT_EXPECT(find_vma(mm, BASE + 4 * PAGE_SIZE)->vm_flags & VM_WRITE);
	up_write(&mm->mmap_lock);
	/* MAP_FIXED_NOREPLACE over a mapping; a hint that is taken moves. */
	KT_EXPECT_EQ(map_anon(mm, BASE, PAGE_SIZE, PROT_READ, MAP_FIXED_NOREPLACE), -EEXIST);
	KT_EXPECT(map_anon(mm, BASE, PAGE_SIZE, PROT_READ, 0) != (long)BASE);
	KT_EXPECT_EQ(map_anon(mm, BASE + 3 * PAGE_SIZE, PAGE_SIZE, PROT_READ, 0),
		     (long)(BASE + 3 * PAGE_SIZE));
	KT_EXPECT_EQ(map_anon(mm, BASE + 1, PAGE_SIZE, PROT_READ, MAP_FIXED), -EINVAL);
	KT_EXPECT_EQ(map_anon(mm, 0, 0, PROT_READ, 0), -EINVAL);
	mmput(mm);
}

static struct page *page_at(struct mm_struct *mm, unsigned long addr)
{
	return pfn_to_page(pte_pfn(pte_of(mm, addr)));
}

/*
 * fork of a fork: one page shared by three address spaces, read-only in
 * all. The middle one writes and copies; the first writes and copies too
 * (two users were left); the last, now the page's only user, writes it in
 * place. Each keeps its own value.
 */
KTEST(mm_cow_three_generations)
{
	struct mm_struct *gen0 = mm_alloc(), *gen1, *gen2, *saved = current->mm;
	struct page *shared;
	char buf[8];

	KT_ASSERT(gen0);
	KT_EXPECT_EQ(map_anon(gen0, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED), (long)BASE);
	switch_to_new_mm(gen0);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "gen0", 5), 0);
	gen1 = dup_mm(gen0);
	gen2 = gen1 ? dup_mm(gen1) : NULL;
	KT_ASSERT(gen1 && gen2);
	shared = page_at(gen0, BASE);
	KT_EXPECT(page_at(gen1, BASE) == shared && page_at(gen2, BASE) == shared);
	KT_EXPECT_EQ(page_mapcount(shared), 3);
	KT_EXPECT_EQ(page_ref_count(shared), 3);
	KT_EXPECT(!pte_write(pte_of(gen0, BASE)) && !pte_write(pte_of(gen2, BASE)));

	switch_to_new_mm(gen1);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "gen1", 5), 0);
	KT_EXPECT(page_at(gen1, BASE) != shared && pte_write(pte_of(gen1, BASE)));
	KT_EXPECT_EQ(page_mapcount(shared), 2);
	switch_to_new_mm(gen0);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "GEN0", 5), 0);
	KT_EXPECT(page_at(gen0, BASE) != shared);
	KT_EXPECT_EQ(page_ref_count(shared), 1);
	switch_to_new_mm(gen2);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)BASE, 5), 0);
	KT_EXPECT_STREQ(buf, "gen0");
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "gen2", 5), 0);
	KT_EXPECT(page_at(gen2, BASE) == shared && pte_write(pte_of(gen2, BASE)));

	switch_to_new_mm(gen0);
	KT_EXPECT(copy_from_user(buf, (void *)BASE, 5) == 0 && strcmp(buf, "GEN0") == 0);
	switch_to_new_mm(gen1);
	KT_EXPECT(copy_from_user(buf, (void *)BASE, 5) == 0 && strcmp(buf, "gen1") == 0);
	switch_to_new_mm(saved);
	mmput(gen2);
	mmput(gen1);
	mmput(gen0);
}

/* MAP_SHARED|MAP_ANONYMOUS memory is not copy-on-write: after fork both
 * sides map the same page, writable, and see each other's stores. */
KTEST(mm_cow_shared_anon_stays_shared)
{
	struct mm_struct *parent = mm_alloc(), *child, *saved = current->mm;
	unsigned long flt;
	char buf[8];
	long r;

	KT_ASSERT(parent);
	down_write(&parent->mmap_lock);
	r = do_mmap(parent, NULL, BASE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, 0);
	up_write(&parent->mmap_lock);
	KT_EXPECT_EQ(r, (long)BASE);
	switch_to_new_mm(parent);
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "one", 4), 0);
	child = dup_mm(parent);
	KT_ASSERT(child);
	/* Fork copies no PTE of a VMA without an anon_vma (Linux's
	 * vma_needs_copy) and leaves the parent's writable; the child's
	 * first store faults the same page in, writable, copying nothing. */
	KT_EXPECT(pte_none(pte_of(child, BASE)));
	KT_EXPECT(pte_write(pte_of(parent, BASE)));
	switch_to_new_mm(child);
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)BASE, "two", 4), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT(page_at(child, BASE) == page_at(parent, BASE) && pte_write(pte_of(child, BASE)));
	switch_to_new_mm(parent);
	KT_EXPECT(copy_from_user(buf, (void *)BASE, 4) == 0 && strcmp(buf, "two") == 0);
	switch_to_new_mm(saved);
	mmput(child);
	mmput(parent);
}

/* Memory that was only read maps the zero page, and fork keeps it so; the
 * first write on either side gets a fresh zeroed page (wp_page_copy with
 * no page to copy), and the other side still reads zeros. (The VMA's
 * second page is written first: a VMA that holds no anonymous page has
 * no anon_vma, and fork copies none of its PTEs; its zero page is
 * faulted in again, as the third page shows.) */
KTEST(mm_cow_fork_keeps_zero_page)
{
	struct mm_struct *parent = mm_alloc(), *child, *saved = current->mm;
	unsigned long alone = BASE + 16 * PAGE_SIZE;
	char buf[8] = "xxxxxxx";

	KT_ASSERT(parent);
	KT_EXPECT_EQ(map_anon(parent, BASE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_FIXED), (long)BASE);
	KT_EXPECT_EQ(map_anon(parent, alone, PAGE_SIZE, PROT_READ, MAP_FIXED), (long)alone);
	switch_to_new_mm(parent);
	KT_EXPECT_EQ(copy_to_user((void *)(BASE + PAGE_SIZE), "w", 1), 0);
	KT_EXPECT_EQ(copy_from_user(buf, (void *)BASE, 8), 0);
	KT_EXPECT(is_zero_page(page_at(parent, BASE)));
	KT_EXPECT_EQ(copy_from_user(buf, (void *)alone, 8), 0);
	KT_EXPECT(is_zero_page(page_at(parent, alone)));
	child = dup_mm(parent);
	KT_ASSERT(child);
	KT_EXPECT(is_zero_page(page_at(child, BASE)) && !pte_write(pte_of(child, BASE)));
	KT_EXPECT(pte_none(pte_of(child, alone)));
	switch_to_new_mm(child);
	KT_EXPECT_EQ(copy_to_user((void *)(BASE + 8), "kid", 4), 0);
	KT_EXPECT(!is_zero_page(page_at(child, BASE)) && pte_write(pte_of(child, BASE)));
	KT_EXPECT(copy_from_user(buf, (void *)BASE, 8) == 0 && buf[0] == 0);
	KT_EXPECT(copy_from_user(buf, (void *)alone, 8) == 0 && buf[0] == 0);
	KT_EXPECT(is_zero_page(page_at(child, alone)));
	switch_to_new_mm(parent);
	KT_EXPECT(copy_from_user(buf, (void *)(BASE + 8), 4) == 0 && buf[0] == 0);
	KT_EXPECT(is_zero_page(page_at(parent, BASE)));
	switch_to_new_mm(saved);
	mmput(child);
	mmput(parent);
}
