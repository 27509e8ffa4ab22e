/*
 * ktests for the reverse map of file pages (mm/rmap.c): i_mmap as an
 * interval tree. One file is mapped many times at different offsets by a
 * kernel thread that adopted a fresh mm; page_mkclean and
 * unmap_mapping_range must reach exactly the VMAs that map the pages they
 * are given (the fl_rmap_walk_vmas counter counts the VMAs a walk
 * visits), and leave the PTEs of every other VMA alone. A merge and a
 * split must keep each VMA findable under its new range.
 *
 * mm_rmap_mkclean_1000_vmas also prints, as a diagnostic (not a check),
 * the time of one page_mkclean of a page of a file mapped by 1000 VMAs.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define RBASE   0x30000000UL
#define RPATH   "/ktest-rmap"
#define RV      96              /* VMAs in the overlap tests */
#define RPAGES  64              /* pages of the file in those */

static pte_t rpte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pgtable_walk_pte(mm->pgd, addr, NULL);

	return p ? ptep_get(p) : __pte(0);
}

static struct file *rmake_file(struct kt *t, unsigned int pages)
{
	static char buf[PAGE_SIZE];
	struct file *f = filp_open(RPATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	loff_t pos = 0;

	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "open " RPATH ": error %ld", PTR_ERR(f));
		return NULL;
	}
	memset(buf, 'r', sizeof(buf));
	for (unsigned int i = 0; i < pages; i++)
		kernel_write(f, buf, PAGE_SIZE, &pos);
	return f;
}

static int rprotect(struct mm_struct *mm, unsigned long addr, unsigned long len,
		    unsigned long prot)
{
	int r;

	down_write(&mm->mmap_lock);
	r = do_mprotect(mm, addr, len, prot);
	up_write(&mm->mmap_lock);
	return r;
}

static long rmap_file(struct mm_struct *mm, struct file *f, unsigned long addr,
		      unsigned long pages, unsigned long pgoff)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, f, addr, pages << PAGE_SHIFT, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, pgoff);
	up_write(&mm->mmap_lock);
	return r;
}

static struct page *rcached(struct file *f, unsigned long index)
{
	struct page *page = find_get_page(f->f_inode->i_mapping, index);

	if (page)
		put_page(page);         /* the cache keeps it */
	return page;
}

static int rmkclean(struct page *page)
{
	int n;

	lock_page(page);
	n = page_mkclean(page);
	unlock_page(page);
	return n;
}

static void rend(struct mm_struct *mm, struct mm_struct *saved, struct file *f)
{
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(RPATH);
}

/* VMA i: file pages [rpg(i), rpg(i) + rlen(i) - 1] at rva(i), 8 pages apart. */
static unsigned long rpg(unsigned int i) { return (i * 7) % (RPAGES - 4); }
static unsigned long rlen(unsigned int i) { return 1 + i % 4; }
static unsigned long rva(unsigned int i) { return RBASE + i * 8 * PAGE_SIZE; }
static bool rcovers(unsigned int i, unsigned long first, unsigned long last)
{
	return rpg(i) <= last && rpg(i) + rlen(i) - 1 >= first;
}
static unsigned long raddr(unsigned int i, unsigned long pgoff)
{
	return rva(i) + ((pgoff - rpg(i)) << PAGE_SHIFT);
}

/*
 * 96 shared VMAs; each has its first page written (a writable, dirty PTE),
 * and those that map page P have P written too. page_mkclean(P) visits
 * and cleans exactly the VMAs that map P; truncating the hole [Q, Q+1]
 * visits exactly those that map Q or Q+1. Every other PTE stays.
 */
KTEST(mm_rmap_walks_only_overlapping_vmas)
{
	const unsigned long P = 30, Q = 10;
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = rmake_file(t, RPAGES);
	unsigned long walks, k = 0;
	struct page *page;

	KT_ASSERT(mm && f);
	for (unsigned int i = 0; i < RV; i++)
		KT_ASSERT_EQ(rmap_file(mm, f, rva(i), rlen(i), rpg(i)), (long)rva(i));
	KT_EXPECT_EQ(mm->map_count, RV);
	switch_to_new_mm(mm);
	for (unsigned int i = 0; i < RV; i++) {
		KT_EXPECT_EQ(copy_to_user((void *)rva(i), "w", 1), 0);
		if (rcovers(i, P, P)) {
			KT_EXPECT_EQ(copy_to_user((void *)raddr(i, P), "p", 1), 0);
			k++;
		}
	}
	KT_ASSERT(k >= 3 && k < RV / 4);        /* a few, out of many */
	page = rcached(f, P);
	KT_ASSERT(page);
	KT_EXPECT_EQ(page_mapcount(page), k);

	walks = vm_event_read(FL_RMAP_WALK_VMAS);
	KT_EXPECT_EQ(rmkclean(page), k);
	KT_EXPECT_EQ(vm_event_read(FL_RMAP_WALK_VMAS) - walks, k);
	for (unsigned int i = 0; i < RV; i++) {
		if (rcovers(i, P, P))
			KT_EXPECT(!pte_write(rpte(mm, raddr(i, P))) && !pte_dirty(rpte(mm, raddr(i, P))));
		if (rpg(i) != P)        /* its first page is another page: untouched */
			KT_EXPECT(pte_write(rpte(mm, rva(i))));
	}

	k = 0;
	for (unsigned int i = 0; i < RV; i++)
		k += rcovers(i, Q, Q + 1);
	walks = vm_event_read(FL_RMAP_WALK_VMAS);
	unmap_mapping_range(f->f_inode->i_mapping, (loff_t)Q << PAGE_SHIFT, 2 * PAGE_SIZE, false);
	KT_EXPECT_EQ(vm_event_read(FL_RMAP_WALK_VMAS) - walks, k);
	for (unsigned int i = 0; i < RV; i++) {
		bool hole = rpg(i) == Q || rpg(i) == Q + 1;

		/* Only the first pages inside the hole went. */
		KT_EXPECT(pte_none(rpte(mm, rva(i))) == hole);
	}
	rend(mm, saved, f);
}

/*
 * A VMA's key in i_mmap follows its range through a merge (the survivor's
 * last page grows) and a split (each half gets its own range): a walk for
 * a page of the merged-in part, and then of either half, finds it.
 */
KTEST(mm_rmap_merge_and_split_rekey)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = rmake_file(t, 8);
	struct page *page;

	KT_ASSERT(mm && f);
	/* Pages 2-3 at RBASE, then pages 4-5 right after: one VMA. */
	KT_ASSERT_EQ(rmap_file(mm, f, RBASE, 2, 2), (long)RBASE);
	KT_ASSERT_EQ(rmap_file(mm, f, RBASE + 2 * PAGE_SIZE, 2, 4), (long)(RBASE + 2 * PAGE_SIZE));
	KT_EXPECT_EQ(mm->map_count, 1);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_to_user((void *)(RBASE + 3 * PAGE_SIZE), "m", 1), 0);
	page = rcached(f, 5);
	KT_ASSERT(page);
	KT_EXPECT_EQ(rmkclean(page), 1);
	KT_EXPECT(!pte_write(rpte(mm, RBASE + 3 * PAGE_SIZE)));
	/* Split it (mprotect the middle), write both ends, clean each. */
	KT_EXPECT_EQ(rprotect(mm, RBASE + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KT_EXPECT_EQ(mm->map_count, 3);
	KT_EXPECT_EQ(copy_to_user((void *)RBASE, "a", 1), 0);
	KT_EXPECT_EQ(copy_to_user((void *)(RBASE + 3 * PAGE_SIZE), "b", 1), 0);
	KT_EXPECT_EQ(rmkclean(rcached(f, 2)), 1);
	KT_EXPECT_EQ(rmkclean(rcached(f, 5)), 1);
	KT_EXPECT(!pte_write(rpte(mm, RBASE)) && !pte_write(rpte(mm, RBASE + 3 * PAGE_SIZE)));
	/* And back to one VMA. */
	KT_EXPECT_EQ(rprotect(mm, RBASE + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KT_EXPECT_EQ(mm->map_count, 1);
	KT_EXPECT_EQ(copy_to_user((void *)(RBASE + 3 * PAGE_SIZE), "c", 1), 0);
	KT_EXPECT_EQ(rmkclean(rcached(f, 5)), 1);
	rend(mm, saved, f);
}

/*
 * A figure, not a check of speed: one file page of a file mapped by 1000
 * one-page VMAs at offsets 0..999, page_mkclean of its last and its first
 * page. A list walk had to pass every VMA before the page; the tree
 * descends to the one VMA that maps it.
 */
#define RTIME_V         1000
#define RTIME_CALLS     200

KTEST(mm_rmap_mkclean_1000_vmas)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = rmake_file(t, RTIME_V);
	unsigned long idx[2] = { RTIME_V - 1, 0 };

	KT_ASSERT(mm && f);
	/* Two pages apart, so no two VMAs merge. */
	for (unsigned int i = 0; i < RTIME_V; i++)
		KT_ASSERT_EQ(rmap_file(mm, f, RBASE + 2 * i * PAGE_SIZE, 1, i),
			     (long)(RBASE + 2 * i * PAGE_SIZE));
	switch_to_new_mm(mm);
	for (unsigned int j = 0; j < 2; j++) {
		unsigned long addr = RBASE + 2 * idx[j] * PAGE_SIZE;
		struct page *page;
		u64 t0, ns;

		KT_EXPECT_EQ(copy_to_user((void *)addr, "t", 1), 0);
		page = rcached(f, idx[j]);
		KT_ASSERT(page);
		KT_EXPECT_EQ(rmkclean(page), 1);        /* the one writable PTE */
		t0 = ktime_get_ns();
		for (unsigned int c = 0; c < RTIME_CALLS; c++)
			rmkclean(page);
		ns = (ktime_get_ns() - t0) / RTIME_CALLS;
		console_printf("# page_mkclean of file page %lu, %u VMAs: %llu ns per call\n",
			       idx[j], RTIME_V, (unsigned long long)ns);
	}
	rend(mm, saved, f);
}
