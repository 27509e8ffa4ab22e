/*
 * ktest of reclaim's second chance (mm/vmscan.c page_check_references,
 * mm/rmap.c page_referenced; docs/reclaim.md, docs/labs/reclaim.md): what
 * one look at an inactive mapped page decides, by how it was used since
 * the last look.
 *
 * One look, not two: a page kept by a look goes back to the head of the
 * inactive list, and a second look before any new use would rightly free
 * it. So the test's pages sit between two runs of clean, unmapped,
 * unreferenced "cold" pages (128 older, 256 newer), which reclaim frees
 * at their first look, and reclaim is run in calls of
 * try_to_free_pages(0), each of which stops once it has freed 32 pages:
 * after a call has looked at a test page, the newer cold pages stand
 * between it and the list's tail until the test is over. kswapd is held
 * off meanwhile, and the lists are drained first (shrink_all_memory), so
 * that the cold pages are what reclaim finds at the tail.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define SC_PATH  "/ktest-second-chance"
#define SC_A     0x3b000000UL   /* shared, read-only: file pages 0-3 */
#define SC_B     0x3b100000UL   /* shared, read-only: file page 1 again */
#define SC_COLD_OLD 128
#define SC_COLD_NEW 256

static pte_t *sc_ptep(struct mm_struct *mm, unsigned long addr)
{
	return pgtable_walk_pte(mm->pgd, addr, NULL);
}

static pte_t sc_pte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p, v;

	spin_lock(&mm->page_table_lock);
	p = sc_ptep(mm, addr);
	v = p ? ptep_get(p) : __pte(0);
	spin_unlock(&mm->page_table_lock);
	return v;
}

/* Set or clear the accessed bit of @mm's PTE at @addr (as the CPU would
 * set it on a use). */
static void sc_set_young(struct mm_struct *mm, unsigned long addr, bool young)
{
	pte_t *p;

	spin_lock(&mm->page_table_lock);
	p = sc_ptep(mm, addr);
	if (p && pte_has_frame(ptep_get(p)))
		set_pte(p, young ? pte_mkyoung(ptep_get(p)) : pte_mkold(ptep_get(p)));
	spin_unlock(&mm->page_table_lock);
}

static bool sc_young(struct mm_struct *mm, unsigned long addr)
{
	pte_t v = sc_pte(mm, addr);

	return pte_has_frame(v) && pte_young(v);
}

/* @n clean, unmapped, unreferenced pages of @m, newest last. */
static bool sc_fill(struct address_space *m, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		struct page *page = find_or_create_page(m, i);

		if (!page)
			return false;
		set_page_flag(page, PG_uptodate);
		clear_page_flag(page, PG_referenced);
		unlock_page(page);
		put_page(page);
	}
	return true;
}

static struct page *sc_cached(struct file *f, unsigned long index)
{
	struct page *page = find_get_page(f->f_inode->i_mapping, index);

	if (page)
		put_page(page);         /* the cache keeps it */
	return page;
}

static long sc_map(struct mm_struct *mm, struct file *f, unsigned long addr,
		   unsigned long pages, unsigned long pgoff)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, f, addr, pages << PAGE_SHIFT, PROT_READ, MAP_SHARED | MAP_FIXED, pgoff);
	up_write(&mm->mmap_lock);
	return r;
}

/*
 * Four file pages, each looked at once by reclaim:
 *   page 0: one PTE used, no PG_referenced: kept for one more round on
 *           the inactive list, with PG_referenced set, its PTE old;
 *   page 1: used through two PTEs: activated, both PTEs old;
 *   page 2: one PTE used, PG_referenced already set (used at the look
 *           before): activated;
 *   page 3: mapped, not used: unmapped and freed.
 */
KTEST(vmscan_second_chance_verdicts)
{
	static struct address_space cold_old, cold_new;
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	static char buf[PAGE_SIZE];
	struct page *pg[4];
	struct reclaim_stat rs;
	struct file *f;
	loff_t pos = 0;
	int calls = 0;
	char c;

	KT_ASSERT(mm);
	kswapd_pause(true);
	shrink_all_memory();
	address_space_init(&cold_old, NULL);
	address_space_init(&cold_new, NULL);
	KT_ASSERT(sc_fill(&cold_old, SC_COLD_OLD));
	f = filp_open(SC_PATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	KT_ASSERT(!IS_ERR(f));
	for (int i = 0; i < 4; i++) {
		memset(buf, 'p' + i, sizeof(buf));
		KT_EXPECT_EQ(kernel_write(f, buf, PAGE_SIZE, &pos), (long)PAGE_SIZE);
	}
	KT_EXPECT_EQ(filemap_write_and_wait(f->f_inode->i_mapping), 0);
	KT_ASSERT(sc_fill(&cold_new, SC_COLD_NEW));
	KT_ASSERT_EQ(sc_map(mm, f, SC_A, 4, 0), (long)SC_A);
	KT_ASSERT_EQ(sc_map(mm, f, SC_B, 1, 1), (long)SC_B);
	switch_to_new_mm(mm);
	for (int i = 0; i < 4; i++)
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(SC_A + i * PAGE_SIZE), 1), 0);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)SC_B, 1), 0);
	switch_to_new_mm(saved);
	for (int i = 0; i < 4; i++) {
		pg[i] = sc_cached(f, i);
		KT_ASSERT(pg[i]);
		KT_ASSERT(PageLRU(pg[i]) && !PageActive(pg[i]) && !PageDirty(pg[i]));
		clear_page_flag(pg[i], PG_referenced);  /* write() marked them used */
	}
	KT_EXPECT_EQ(page_mapcount(pg[1]), 2);
	sc_set_young(mm, SC_A, true);
	sc_set_young(mm, SC_A + PAGE_SIZE, true);
	sc_set_young(mm, SC_B, true);
	sc_set_young(mm, SC_A + 2 * PAGE_SIZE, true);
	set_page_flag(pg[2], PG_referenced);
	sc_set_young(mm, SC_A + 3 * PAGE_SIZE, false);

	/* Reclaim until each page has had its look: its PTEs are old, or it
	 * is gone. Each call frees 32 cold pages at least while they last. */
	while (calls < 24 && (sc_young(mm, SC_A) || sc_young(mm, SC_A + PAGE_SIZE) ||
			      sc_young(mm, SC_B) || sc_young(mm, SC_A + 2 * PAGE_SIZE) ||
			      sc_cached(f, 3))) {
		try_to_free_pages(0, &rs);
		calls++;
	}
	KT_EXPECT(calls < 24);

	/* Page 0: kept, still mapped, inactive, PG_referenced remembers the use. */
	KT_EXPECT(sc_cached(f, 0) == pg[0]);
	KT_EXPECT(pte_has_frame(sc_pte(mm, SC_A)) && !pte_young(sc_pte(mm, SC_A)));
	KT_EXPECT(PageReferenced(pg[0]));
	KT_EXPECT(!PageActive(pg[0]));
	/* Page 1: two PTEs used: active, both cleared. */
	KT_EXPECT(sc_cached(f, 1) == pg[1]);
	KT_EXPECT(PageActive(pg[1]));
	KT_EXPECT(pte_has_frame(sc_pte(mm, SC_A + PAGE_SIZE)) && pte_has_frame(sc_pte(mm, SC_B)));
	KT_EXPECT(!sc_young(mm, SC_A + PAGE_SIZE) && !sc_young(mm, SC_B));
	/* Page 2: used on two looks in a row: active. */
	KT_EXPECT(sc_cached(f, 2) == pg[2]);
	KT_EXPECT(PageActive(pg[2]));
	KT_EXPECT(pte_has_frame(sc_pte(mm, SC_A + 2 * PAGE_SIZE)));
	/* Page 3: not used: unmapped and gone. */
	KT_EXPECT(sc_cached(f, 3) == NULL);
	KT_EXPECT(pte_none(sc_pte(mm, SC_A + 3 * PAGE_SIZE)));

	/* Page 0 unused since its look: the next look frees it. */
	if (sc_cached(f, 0)) {
		shrink_all_memory();
		KT_EXPECT(sc_cached(f, 0) == NULL);
	}
	/* And everything comes back from the file. */
	switch_to_new_mm(mm);
	for (int i = 0; i < 4; i++) {
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(SC_A + i * PAGE_SIZE), 1), 0);
		KT_EXPECT_EQ(c, 'p' + i);
	}
	switch_to_new_mm(saved);
	kswapd_pause(false);
	mmput(mm);
	fput(f);
	vfs_unlink(SC_PATH);
	truncate_inode_pages(&cold_old, 0);
	truncate_inode_pages(&cold_new, 0);
}
