/*
 * ktests for the reverse map of anonymous pages and for reclaim's walks
 * (mm/rmap.c: anon_vma, page_referenced, try_to_unmap; mm/vmscan.c).
 *
 * The walks are probed through page_referenced: the test sets the
 * accessed bit of chosen PTEs itself, so the count it returns is exactly
 * the number of PTEs the walk found mapping the page, and every PTE it
 * found is left old. An anon_vma must keep finding a page's PTEs across
 * fork, COW, split, merge and munmap, and live exactly as long as a VMA
 * or a page refers to it. try_to_unmap of a file page must clear exactly
 * the PTEs that map it (shared and private VMAs, not a private COW copy),
 * stop at a VM_LOCKED VMA, and leave an anonymous page without a swap
 * slot alone.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/printk.h>
#include <kernel/time.h>
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

#define ABASE   0x38000000UL
#define APAGES  8
#define FPATH   "/ktest-rmap-reclaim"

static pte_t apte(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p;
	pte_t v;

	spin_lock(&mm->page_table_lock);
	p = pgtable_walk_pte(mm->pgd, addr, NULL);
	v = p ? ptep_get(p) : __pte(0);
	spin_unlock(&mm->page_table_lock);
	return v;
}

/* The page @mm maps at @addr, or NULL. */
static struct page *apage(struct mm_struct *mm, unsigned long addr)
{
	pte_t v = apte(mm, addr);

	return pte_has_frame(v) ? pfn_to_page(pte_pfn(v)) : NULL;
}

/* Make @mm's PTE at @addr young (as if the CPU had used it). */
static void ayoung(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p;

	spin_lock(&mm->page_table_lock);
	p = pgtable_walk_pte(mm->pgd, addr, NULL);
	if (p && pte_has_frame(ptep_get(p)))
		set_pte(p, pte_mkyoung(ptep_get(p)));
	spin_unlock(&mm->page_table_lock);
}

/* How many PTEs the reverse map finds mapping @page (after the caller
 * made each of them young). */
static int afound(struct page *page)
{
	unsigned long f;

	return page_referenced(page, false, &f);
}

static long amap(struct mm_struct *mm, struct file *file, unsigned long addr,
		 unsigned long pages, unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, file, addr, pages << PAGE_SHIFT, prot, flags | MAP_FIXED, pgoff);
	up_write(&mm->mmap_lock);
	return r;
}

static int aprotect(struct mm_struct *mm, unsigned long addr, unsigned long pages,
		    unsigned long prot)
{
	int r;

	down_write(&mm->mmap_lock);
	r = do_mprotect(mm, addr, pages << PAGE_SHIFT, prot);
	up_write(&mm->mmap_lock);
	return r;
}

static int aunmap(struct mm_struct *mm, unsigned long addr, unsigned long pages)
{
	int r;

	down_write(&mm->mmap_lock);
	r = do_munmap(mm, addr, pages << PAGE_SHIFT);
	up_write(&mm->mmap_lock);
	return r;
}

static struct anon_vma *vma_av(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma->anon_vma : NULL;
}

/*
 * One anonymous page through fork, COW, split, merge, munmap and exit:
 * the walk finds exactly the PTEs that map it at every step.
 */
KTEST(rmap_anon_vma_fork_split_merge_munmap)
{
	struct mm_struct *mm = mm_alloc(), *child, *saved = current->mm;
	const unsigned long A3 = ABASE + 3 * PAGE_SIZE;
	struct anon_vma *av;
	struct page *page, *copy;

	KT_ASSERT(mm);
	KT_ASSERT_EQ(amap(mm, NULL, ABASE, APAGES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0), (long)ABASE);
	KT_EXPECT(vma_av(mm, ABASE) == NULL);   /* none before the first page */
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < APAGES; i++)
		KT_EXPECT_EQ(copy_to_user((void *)(ABASE + i * PAGE_SIZE), "a", 1), 0);
	av = vma_av(mm, ABASE);
	KT_ASSERT(av);
	page = apage(mm, A3);
	KT_ASSERT(page);
	KT_EXPECT(page->anon_vma == av && PageAnon(page) && PageSwapBacked(page));
	KT_EXPECT_EQ(page->index, A3 >> PAGE_SHIFT);
	KT_EXPECT(PageLRU(page) && !page->mapping);
	/* 1 list reference (the VMA) + 8 pages. */
	KT_EXPECT_EQ(__atomic_load_n(&av->refcount, __ATOMIC_RELAXED), 1 + APAGES);
	ayoung(mm, A3);
	KT_EXPECT_EQ(afound(page), 1);
	KT_EXPECT_EQ(afound(page), 0);          /* the walk cleared the bit */

	/* fork: the child's copy shares the anon_vma and the page. */
	switch_to_new_mm(saved);
	child = dup_mm(mm);
	KT_ASSERT(child);
	KT_EXPECT(vma_av(child, ABASE) == av);
	KT_EXPECT(apage(child, A3) == page);
	KT_EXPECT_EQ(page_mapcount(page), 2);
	ayoung(mm, A3);
	ayoung(child, A3);
	KT_EXPECT_EQ(afound(page), 2);

	/* The child writes: its own copy, in the same anon_vma at the same
	 * linear offset; the original is the parent's alone. */
	switch_to_new_mm(child);
	KT_EXPECT_EQ(copy_to_user((void *)A3, "c", 1), 0);
	switch_to_new_mm(saved);
	copy = apage(child, A3);
	KT_ASSERT(copy && copy != page);
	KT_EXPECT(copy->anon_vma == av && copy->index == page->index);
	ayoung(mm, A3);
	ayoung(child, A3);
	KT_EXPECT_EQ(afound(page), 1);
	ayoung(child, A3);
	KT_EXPECT_EQ(afound(copy), 1);

	/* Split the parent's VMA around the page (mprotect), each part still
	 * on the anon_vma; the walk still finds the PTE. */
	KT_EXPECT_EQ(aprotect(mm, A3, 1, PROT_READ), 0);
	KT_EXPECT_EQ(mm->map_count, 3);
	KT_EXPECT(vma_av(mm, ABASE) == av && vma_av(mm, A3) == av &&
		  vma_av(mm, A3 + PAGE_SIZE) == av);
	ayoung(mm, A3);
	KT_EXPECT_EQ(afound(page), 1);
	/* Page 5 is still shared with the child (fork copied its PTE,
	 * accessed bit and all): both found, then only the one made young. */
	ayoung(child, ABASE + 5 * PAGE_SIZE);
	KT_EXPECT_EQ(afound(apage(mm, ABASE + 5 * PAGE_SIZE)), 2);
	ayoung(mm, ABASE + 5 * PAGE_SIZE);
	KT_EXPECT_EQ(afound(apage(mm, ABASE + 5 * PAGE_SIZE)), 1);
	/* And merged back: one VMA, still found. */
	KT_EXPECT_EQ(aprotect(mm, A3, 1, PROT_READ | PROT_WRITE), 0);
	KT_EXPECT_EQ(mm->map_count, 1);
	ayoung(mm, A3);
	KT_EXPECT_EQ(afound(page), 1);

	/* An anonymous page with no swap slot cannot be unmapped. */
	lock_page(page);
	KT_EXPECT_EQ(try_to_unmap(page), TTU_FAIL);
	unlock_page(page);
	KT_EXPECT(apage(mm, A3) == page);

	/* munmap in the parent: the page goes; the child's copy stays found. */
	get_page(copy);
	KT_EXPECT_EQ(aunmap(mm, A3, 1), 0);
	KT_EXPECT(apage(mm, A3) == NULL);
	ayoung(child, A3);
	KT_EXPECT_EQ(afound(copy), 1);

	/* exit: the anon_vma lives while our page reference holds it. */
	mmput(mm);
	mmput(child);
	KT_EXPECT_EQ(page_mapcount(copy), 0);
	KT_EXPECT(copy->anon_vma == av);
	KT_EXPECT_EQ(__atomic_load_n(&av->refcount, __ATOMIC_RELAXED), 1);
	put_page(copy);                         /* frees the page, then the anon_vma */
}

/*
 * Merges follow the anon_vma: a new neighbour without one merges (brk
 * growing a heap), and takes it; two VMAs with different anon_vmas never
 * merge, so no page ends up in an anon_vma whose VMAs cannot find it.
 */
KTEST(rmap_anon_vma_merge_rules)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct anon_vma *av;
	struct page *page;

	KT_ASSERT(mm);
	KT_ASSERT_EQ(amap(mm, NULL, ABASE, 2, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0), (long)ABASE);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_to_user((void *)ABASE, "x", 1), 0);
	av = vma_av(mm, ABASE);
	KT_ASSERT(av);
	/* A fresh neighbour above (no anon_vma): merged into one VMA. */
	KT_ASSERT_EQ(amap(mm, NULL, ABASE + 2 * PAGE_SIZE, 2, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0), (long)(ABASE + 2 * PAGE_SIZE));
	KT_EXPECT_EQ(mm->map_count, 1);
	KT_EXPECT_EQ(copy_to_user((void *)(ABASE + 3 * PAGE_SIZE), "y", 1), 0);
	page = apage(mm, ABASE + 3 * PAGE_SIZE);
	KT_ASSERT(page);
	KT_EXPECT(page->anon_vma == av);
	/* A neighbour below, touched while its flags differed (so it got an
	 * anon_vma of its own), then given the same flags: no merge. */
	KT_ASSERT_EQ(amap(mm, NULL, ABASE - PAGE_SIZE, 1, PROT_READ | PROT_WRITE | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS, 0), (long)(ABASE - PAGE_SIZE));
	KT_EXPECT_EQ(mm->map_count, 2);
	KT_EXPECT_EQ(copy_to_user((void *)(ABASE - PAGE_SIZE), "z", 1), 0);
	KT_EXPECT(vma_av(mm, ABASE - PAGE_SIZE) && vma_av(mm, ABASE - PAGE_SIZE) != av);
	KT_EXPECT_EQ(aprotect(mm, ABASE - PAGE_SIZE, 1, PROT_READ | PROT_WRITE), 0);
	KT_EXPECT_EQ(mm->map_count, 2);
	ayoung(mm, ABASE - PAGE_SIZE);
	KT_EXPECT_EQ(afound(apage(mm, ABASE - PAGE_SIZE)), 1);
	ayoung(mm, ABASE + 3 * PAGE_SIZE);
	KT_EXPECT_EQ(afound(page), 1);
	switch_to_new_mm(saved);
	mmput(mm);
}

static struct file *fmake(struct kt *t, unsigned int pages)
{
	static char buf[PAGE_SIZE];
	struct file *f = filp_open(FPATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	loff_t pos = 0;

	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "open " FPATH ": error %ld", PTR_ERR(f));
		return NULL;
	}
	for (unsigned int i = 0; i < pages; i++) {
		memset(buf, 'a' + (int)i, sizeof(buf));
		kernel_write(f, buf, PAGE_SIZE, &pos);
	}
	return f;
}

static struct page *fcached(struct file *f, unsigned long index)
{
	struct page *page = find_get_page(f->f_inode->i_mapping, index);

	if (page)
		put_page(page);         /* the cache keeps it */
	return page;
}

#define FA      0x3a000000UL    /* shared, 4 pages */
#define FB      0x3a100000UL    /* private, 4 pages */
#define FC      0x3a200000UL    /* shared, 4 pages */
#define FL      0x3a300000UL    /* shared and MAP_LOCKED: page 2 only */

/*
 * try_to_unmap of file pages: page 0 mapped by two shared VMAs and a
 * private one goes from all three (rss and map count follow); page 1,
 * of which the private VMA has a COW copy, goes from the shared VMA
 * only; page 2, also mapped by a VM_LOCKED VMA, stays everywhere after
 * the walk reached the locked VMA, and is PG_mlocked.
 */
KTEST(rmap_try_to_unmap_file_pages)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = fmake(t, 4);
	unsigned long file_rss, unmapped;
	struct page *p0, *p1, *p2, *cow;
	char c;

	KT_ASSERT(mm && f);
	KT_ASSERT_EQ(amap(mm, f, FA, 4, PROT_READ | PROT_WRITE, MAP_SHARED, 0), (long)FA);
	KT_ASSERT_EQ(amap(mm, f, FB, 4, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0), (long)FB);
	KT_ASSERT_EQ(amap(mm, f, FC, 4, PROT_READ, MAP_SHARED, 0), (long)FC);
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < 3; i++) {
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(FA + i * PAGE_SIZE), 1), 0);
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(FB + i * PAGE_SIZE), 1), 0);
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(FC + i * PAGE_SIZE), 1), 0);
	}
	KT_EXPECT_EQ(copy_to_user((void *)FA, "W", 1), 0);            /* dirty PTE */
	KT_EXPECT_EQ(copy_to_user((void *)(FB + PAGE_SIZE), "P", 1), 0);  /* COW copy */
	switch_to_new_mm(saved);
	/* MAP_LOCKED populates page 2 at once. */
	KT_ASSERT_EQ(amap(mm, f, FL, 1, PROT_READ, MAP_SHARED | MAP_LOCKED, 2), (long)FL);
	p0 = fcached(f, 0);
	p1 = fcached(f, 1);
	p2 = fcached(f, 2);
	KT_ASSERT(p0 && p1 && p2);
	cow = apage(mm, FB + PAGE_SIZE);
	KT_ASSERT(cow && cow != p1 && PageAnon(cow));
	KT_EXPECT_EQ(page_mapcount(p0), 3);
	KT_EXPECT_EQ(page_mapcount(p1), 2);
	KT_EXPECT_EQ(page_mapcount(p2), 4);

	/* page_referenced on a file page: every PTE made young is found. */
	ayoung(mm, FA);
	ayoung(mm, FB);
	ayoung(mm, FC);
	KT_EXPECT_EQ(afound(p0), 3);

	file_rss = get_mm_counter(mm, MM_FILEPAGES);
	unmapped = vm_event_read(FL_UNMAP_PTES);
	get_page(p0);
	lock_page(p0);
	KT_EXPECT_EQ(try_to_unmap(p0), TTU_SUCCESS);
	unlock_page(p0);
	KT_EXPECT_EQ(page_mapcount(p0), 0);
	KT_EXPECT_EQ(page_ref_count(p0), 2);    /* the cache's and ours: the PTEs' went */
	KT_EXPECT(pte_none(apte(mm, FA)) && pte_none(apte(mm, FB)) && pte_none(apte(mm, FC)));
	KT_EXPECT(PageDirty(p0));
	KT_EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES), file_rss - 3);
	KT_EXPECT_EQ(vm_event_read(FL_UNMAP_PTES) - unmapped, 3);
	put_page(p0);

	lock_page(p1);
	KT_EXPECT_EQ(try_to_unmap(p1), TTU_SUCCESS);
	unlock_page(p1);
	KT_EXPECT(pte_none(apte(mm, FA + PAGE_SIZE)) && pte_none(apte(mm, FC + PAGE_SIZE)));
	KT_EXPECT(apage(mm, FB + PAGE_SIZE) == cow);    /* the private copy stays */

	KT_EXPECT(PageMlocked(p2));
	lock_page(p2);
	KT_EXPECT_EQ(try_to_unmap(p2), TTU_MLOCK);
	unlock_page(p2);
	KT_EXPECT(apage(mm, FL) == p2);
	KT_EXPECT(PageMlocked(p2));

	/* The data comes back through the unmapped addresses. */
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FA, 1), 0);
	KT_EXPECT_EQ(c, 'W');
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FC + PAGE_SIZE), 1), 0);
	KT_EXPECT_EQ(c, 'b');
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FB + PAGE_SIZE), 1), 0);
	KT_EXPECT_EQ(c, 'P');
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(FPATH);
}

/*
 * Reclaim end to end: clean mapped file pages are unmapped and freed by
 * shrink_all_memory and fault back with their data; a page a VM_LOCKED
 * VMA maps stays. A shared page written, written back and evicted is
 * mapped read-only again when it returns: the next write faults and asks
 * ->page_mkwrite again (its block reservation, if any, is made anew).
 */
KTEST(rmap_reclaim_mapped_file_pages)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = fmake(t, 4);
	unsigned long mkwrite;
	char c;

	KT_ASSERT(mm && f);
	KT_ASSERT_EQ(amap(mm, f, FA, 3, PROT_READ | PROT_WRITE, MAP_SHARED, 0), (long)FA);
	KT_ASSERT_EQ(amap(mm, f, FL, 1, PROT_READ, MAP_SHARED | MAP_LOCKED, 3), (long)FL);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FA, 1), 0);
	KT_EXPECT_EQ(copy_to_user((void *)(FA + PAGE_SIZE), "M", 1), 0);
	switch_to_new_mm(saved);
	KT_EXPECT_EQ(filemap_write_and_wait(f->f_inode->i_mapping), 0);
	KT_EXPECT(fcached(f, 0) && fcached(f, 1) && fcached(f, 3));

	shrink_all_memory();
	KT_EXPECT(fcached(f, 0) == NULL);       /* mapped, clean: gone */
	KT_EXPECT(fcached(f, 1) == NULL);       /* written back, then gone */
	KT_EXPECT(pte_none(apte(mm, FA)) && pte_none(apte(mm, FA + PAGE_SIZE)));
	KT_EXPECT(fcached(f, 3) != NULL);       /* locked: stays */
	KT_EXPECT(pte_has_frame(apte(mm, FL)));

	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FA, 1), 0);
	KT_EXPECT_EQ(c, 'a');
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FA + PAGE_SIZE), 1), 0);
	KT_EXPECT_EQ(c, 'M');
	KT_EXPECT(!pte_write(apte(mm, FA + PAGE_SIZE)));        /* clean: read-only */
	mkwrite = vm_event_read(FL_PAGE_MKWRITE);
	KT_EXPECT_EQ(copy_to_user((void *)(FA + PAGE_SIZE), "N", 1), 0);
	KT_EXPECT_EQ(vm_event_read(FL_PAGE_MKWRITE) - mkwrite, 1);
	switch_to_new_mm(saved);
	mmput(mm);
	KT_EXPECT_EQ(filemap_write_and_wait(f->f_inode->i_mapping), 0);
	fput(f);
	vfs_unlink(FPATH);
}

/*
 * kswapd writes dirty mapped file pages itself (pageout): a file's pages
 * dirtied through a shared mapping, too few for the flusher to start
 * background write-back and too young to expire, are all that reclaim
 * could free; allocations that take free memory below "low" wake kswapd,
 * which must unmap them, write them (nr_vmscan_write) and free them to
 * reach "high". Then the data comes back from the disk through the
 * mapping. Direct reclaim (shrink_all_memory first) must leave them: it
 * never calls into a filesystem.
 */
#define KW_TICKS (20 * HZ)

KTEST(rmap_kswapd_pageout_dirty_mapped_pages)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct zone_watermarks w;
	unsigned long n, writes, bad = 0;
	struct file *f;
	struct page *p, *nx;
	bool below = false;
	u64 deadline;
	LIST_HEAD(taken);
	char c;

	zone_watermarks(&w);
	n = 2 * (w.high - w.min) + SWAP_CLUSTER_MAX;
	f = fmake(t, (unsigned int)n);
	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(filemap_write_and_wait(f->f_inode->i_mapping), 0);
	KT_ASSERT_EQ(amap(mm, f, FA, n, PROT_READ | PROT_WRITE, MAP_SHARED, 0), (long)FA);
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < n; i++)
		KT_EXPECT_EQ(copy_to_user((void *)(FA + i * PAGE_SIZE), "K", 1), 0);
	switch_to_new_mm(saved);
	KT_EXPECT_EQ(f->f_inode->i_mapping->nrdirty, n);

	writes = vm_event_read(NR_VMSCAN_WRITE);
	shrink_all_memory();                    /* direct: the clean cache goes, not these */
	KT_EXPECT_EQ(vm_event_read(NR_VMSCAN_WRITE), writes);
	KT_EXPECT_EQ(f->f_inode->i_mapping->nrdirty, n);

	while (!below && (p = alloc_page(GFP_NOWAIT)) != NULL) {
		list_add(&p->lru, &taken);
		below = nr_free_pages() < w.low;
	}
	KT_EXPECT(below);
	deadline = jiffies + KW_TICKS;
	while (nr_free_pages() < w.high && jiffies < deadline)
		msleep(10);
	KT_EXPECT(nr_free_pages() >= w.high);
	KT_EXPECT(vm_event_read(NR_VMSCAN_WRITE) > writes);
	KT_EXPECT(f->f_inode->i_mapping->nrpages < n);
	list_for_each_entry_safe(p, nx, &taken, lru) {
		list_del(&p->lru);
		put_page(p);
	}
	console_printf("# kswapd wrote %lu dirty mapped pages of %lu\n",
		       vm_event_read(NR_VMSCAN_WRITE) - writes, n);
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < n; i++) {
		KT_EXPECT_EQ(copy_from_user(&c, (void *)(FA + i * PAGE_SIZE), 1), 0);
		bad += c != 'K';
	}
	switch_to_new_mm(saved);
	KT_EXPECT_EQ(bad, 0);
	mmput(mm);
	KT_EXPECT_EQ(filemap_write_and_wait(f->f_inode->i_mapping), 0);
	fput(f);
	vfs_unlink(FPATH);
}

/*
 * Truncate racing reclaim on the same pages: a kernel thread runs
 * shrink_all_memory in a loop while this one dirties a file's pages
 * through a shared mapping and truncates the file to 0 under it, again
 * and again. A page reclaim isolated can leave the file while reclaim
 * waits for its lock; shrink_page must see page->mapping gone once it
 * holds the lock and drop the page (without that check it hands a NULL
 * mapping to remove_mapping and the kernel dies). After each truncate
 * the cache is empty and the file, extended again, reads as zeros.
 */
#define RT_PAGES        64
#define RT_ROUNDS       40

struct rt_reclaimer {
	struct completion done;
	int stop;                       /* (a) */
	unsigned long passes;
};

static int rt_reclaim_fn(void *arg)
{
	struct rt_reclaimer *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		shrink_all_memory();
		r->passes++;
		yield();
	}
	complete(&r->done);
	return 0;
}

KTEST(rmap_truncate_races_reclaim)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = fmake(t, RT_PAGES);
	struct rt_reclaimer r = { .stop = 0 };
	unsigned long nonzero = 0, left = 0;
	char c;

	KT_ASSERT(mm && f);
	init_completion(&r.done);
	KT_ASSERT(kthread_run(rt_reclaim_fn, &r, "kt-rt-reclaim"));
	for (unsigned int round = 0; round < RT_ROUNDS; round++) {
		KT_ASSERT_EQ(amap(mm, f, FA, RT_PAGES, PROT_READ | PROT_WRITE, MAP_SHARED, 0),
			     (long)FA);
		switch_to_new_mm(mm);
		for (unsigned long i = 0; i < RT_PAGES; i++)
			copy_to_user((void *)(FA + i * PAGE_SIZE), "T", 1);
		switch_to_new_mm(saved);
		KT_EXPECT_EQ(vfs_truncate(f->f_inode, 0), 0);
		left += f->f_inode->i_mapping->nrpages;
		KT_EXPECT_EQ(vfs_truncate(f->f_inode, (loff_t)RT_PAGES << PAGE_SHIFT), 0);
		switch_to_new_mm(mm);
		for (unsigned long i = 0; i < RT_PAGES; i++) {
			c = 0;
			copy_from_user(&c, (void *)(FA + i * PAGE_SIZE), 1);
			nonzero += c != 0;
		}
		switch_to_new_mm(saved);
		KT_EXPECT_EQ(aunmap(mm, FA, RT_PAGES), 0);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	wait_for_completion(&r.done);
	console_printf("# %u truncates raced %lu reclaim passes\n", RT_ROUNDS, r.passes);
	KT_EXPECT_EQ(left, 0);
	KT_EXPECT_EQ(nonzero, 0);
	mmput(mm);
	fput(f);
	vfs_unlink(FPATH);
}
