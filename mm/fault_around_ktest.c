/*
 * ktests for fault-around (do_fault_around, filemap_map_pages,
 * finish_fault_around; docs/fault-path.md "Fault-around"): a read fault
 * on a file maps the cached pages of its aligned window, read-only, cut
 * at EOF, at the VMA and at the page table; it backs off when a truncate
 * ran since the fault's truncate_count sample, and never maps a page that
 * is locked (being read, or being truncated) or that left the cache.
 * As in filemap_ktest.c, a kernel thread adopts a fresh mm, maps a file
 * of the root filesystem and touches it with copy_from_user/copy_to_user,
 * so the accesses go through the MMU and the real fault path.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define ABASE 0x30000000UL              /* 2 MiB aligned: one page table from here */
#define APATH "/ktest-faultaround"
#define PG(n) ((unsigned long)(n) * PAGE_SIZE)

static pte_t pte_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pgtable_walk_pte(mm->pgd, addr, NULL);

	return p ? ptep_get(p) : __pte(0);
}

/* A file of @pages pages, page i filled with 'A' + i % 26, open read-write,
 * all of it in the page cache and clean. */
static struct file *make_file(struct kt *t, unsigned int pages)
{
	static char buf[PAGE_SIZE];
	struct file *f = filp_open(APATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	loff_t pos = 0;

	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "open " APATH ": error %ld", PTR_ERR(f));
		return NULL;
	}
	for (unsigned int i = 0; i < pages; i++) {
		memset(buf, 'A' + i % 26, sizeof(buf));
		kernel_write(f, buf, PAGE_SIZE, &pos);
	}
	vfs_fsync(f, false);
	return f;
}

static long map_file(struct mm_struct *mm, struct file *f, unsigned long addr,
		     unsigned long len, unsigned long flags, unsigned long pgoff)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, f, addr, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, pgoff);
	up_write(&mm->mmap_lock);
	return r;
}

static struct page *cached_page(struct file *f, unsigned long index)
{
	struct page *page = find_get_page(f->f_inode->i_mapping, index);

	if (page)
		put_page(page);         /* the cache keeps it: a peek is enough */
	return page;
}

/* Does @addr map file page @index of @f, read-only? */
static bool maps_cache_page_ro(struct mm_struct *mm, unsigned long addr, struct file *f,
			       unsigned long index)
{
	pte_t pte = pte_at(mm, addr);
	struct page *page = cached_page(f, index);

	return page && pte_present(pte) && !pte_write(pte) && pte_pfn(pte) == page_to_pfn(page);
}

static void end_test(struct mm_struct *mm, struct mm_struct *saved, struct file *f)
{
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(APATH);
}

/*
 * One read fault in the middle of a cached file maps the 16 pages of its
 * 64 KiB-aligned window (fault_around_bytes' default), each the cache's
 * page, read-only, counted in the map count and the file rss; reads of
 * the others then take no fault. In a shared mapping a store to one of
 * them still faults (write notification: the page becomes dirty), and in
 * a private one it still makes a private copy, leaving the file alone.
 */
KTEST(mm_fault_around_maps_the_cached_window)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 40);
	unsigned long shared = ABASE, private = ABASE + PG(64), flt, mapped, rss;
	struct page *copy;
	bool all = true;
	char c = 0;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, shared, PG(40), MAP_SHARED, 0), (long)shared);
	KT_EXPECT_EQ(map_file(mm, f, private, PG(40), MAP_PRIVATE, 0), (long)private);
	switch_to_new_mm(mm);
	flt = current->min_flt;
	mapped = vm_event_read(FL_FAULT_AROUND_PAGES);
	rss = get_mm_counter(mm, MM_FILEPAGES);
	KT_EXPECT(copy_from_user(&c, (void *)(shared + PG(5) + 9), 1) == 0 && c == 'F');
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	for (unsigned long i = 0; i < 16; i++)
		all &= maps_cache_page_ro(mm, shared + PG(i), f, i) &&
		       page_mapcount(cached_page(f, i)) == 1;
	KT_EXPECT(all);
	KT_EXPECT(pte_none(pte_at(mm, shared + PG(16))));
	KT_EXPECT_EQ(vm_event_read(FL_FAULT_AROUND_PAGES) - mapped, 16);
	KT_EXPECT_EQ(get_mm_counter(mm, MM_FILEPAGES) - rss, 16);
	for (unsigned long i = 0; i < 16; i++)
		KT_EXPECT(copy_from_user(&c, (void *)(shared + PG(i)), 1) == 0 && c == 'A' + (char)i);
	KT_EXPECT_EQ(current->min_flt - flt, 1);

	/* Shared: the store faults once and dirties the page (item 49). */
	KT_EXPECT_EQ(copy_to_user((void *)(shared + PG(3)), "s", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 2);
	KT_EXPECT(pte_write(pte_at(mm, shared + PG(3))) && PageDirty(cached_page(f, 3)));
	KT_EXPECT(!pte_write(pte_at(mm, shared + PG(4))));

	/* Private: a read in pages 16-31, then a store copies (item 26). */
	KT_EXPECT(copy_from_user(&c, (void *)(private + PG(20)), 1) == 0 && c == 'U');
	KT_EXPECT_EQ(current->min_flt - flt, 3);
	KT_EXPECT(maps_cache_page_ro(mm, private + PG(17), f, 17));
	KT_EXPECT(maps_cache_page_ro(mm, private + PG(31), f, 31));
	KT_EXPECT(pte_none(pte_at(mm, private + PG(32))));
	KT_EXPECT_EQ(copy_to_user((void *)(private + PG(17)), "p", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 4);
	copy = pfn_to_page(pte_pfn(pte_at(mm, private + PG(17))));
	KT_EXPECT(copy != cached_page(f, 17) && copy->mapping == NULL);
	KT_EXPECT_EQ(*(char *)page_address(cached_page(f, 17)), 'R');
	KT_EXPECT_EQ(page_mapcount(cached_page(f, 17)), 0);
	end_test(mm, saved, f);
}

/*
 * The window is cut at EOF (even where pages past it are still cached:
 * a truncate between its i_size store and truncate_inode_pages), at the
 * VMA's ends, and at the end of the page table that holds the faulting
 * PTE.
 */
KTEST(mm_fault_around_stops_at_eof_vma_and_table)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 64);
	struct inode *inode;
	unsigned long vma = ABASE + PG(64) + PG(3), edge = ABASE + PMD_SIZE - PG(8);
	bool all = true;
	char c;

	KT_ASSERT(mm && f);
	inode = f->f_inode;
	KT_EXPECT_EQ(map_file(mm, f, ABASE, PG(32), MAP_SHARED, 0), (long)ABASE);
	KT_EXPECT_EQ(map_file(mm, f, vma, PG(6), MAP_SHARED, 3), (long)vma);
	KT_EXPECT_EQ(map_file(mm, f, edge, PG(16), MAP_PRIVATE, 40), (long)edge);
	switch_to_new_mm(mm);

	/* EOF in page 20; pages 21-63 still cached. */
	inode_lock(inode);
	WRITE_ONCE(inode->i_size, (loff_t)PG(20) + 100);
	KT_EXPECT(copy_from_user(&c, (void *)(ABASE + PG(17)), 1) == 0 && c == 'R');
	for (unsigned long i = 16; i <= 20; i++)
		all &= maps_cache_page_ro(mm, ABASE + PG(i), f, i);
	KT_EXPECT(all);
	for (unsigned long i = 21; i < 32; i++)
		KT_EXPECT(cached_page(f, i) && pte_none(pte_at(mm, ABASE + PG(i))));
	WRITE_ONCE(inode->i_size, (loff_t)PG(64));
	inode_unlock(inode);

	/* A VMA of 6 pages in the middle of a window: those 6 only. */
	KT_EXPECT(copy_from_user(&c, (void *)(vma + PG(1)), 1) == 0 && c == 'E');
	all = true;
	for (unsigned long i = 0; i < 6; i++)
		all &= maps_cache_page_ro(mm, vma + PG(i), f, 3 + i);
	KT_EXPECT(all);
	KT_EXPECT(pte_none(pte_at(mm, vma - PG(1))) && pte_none(pte_at(mm, vma + PG(6))));

	/* A VMA across a page-table boundary: the window of its first page
	 * ends with the table; the next table's first fault maps its own. */
	KT_EXPECT(copy_from_user(&c, (void *)edge, 1) == 0 && c == 'O');
	all = true;
	for (unsigned long i = 0; i < 8; i++)
		all &= maps_cache_page_ro(mm, edge + PG(i), f, 40 + i);
	KT_EXPECT(all);
	KT_EXPECT(pte_none(pte_at(mm, edge + PG(8))));
	KT_EXPECT(copy_from_user(&c, (void *)(edge + PG(15)), 1) == 0 && c == 'D');
	KT_EXPECT(maps_cache_page_ro(mm, edge + PG(8), f, 48));
	end_test(mm, saved, f);
}

/*
 * finish_fault_around, called as filemap_map_pages calls it, with pages
 * that must not be mapped: all of them when a truncate ran since the
 * fault's sample of truncate_count (the i_size the window was cut at may
 * be stale: FL_FAULT_AROUND_TRUNCATED), a page whose lock someone holds
 * (truncate_inode_pages holds it while it removes the page), and a page
 * that already left the cache. With truncate_guard=0 (the recheck off)
 * the first check fails: that is the truncate race, on fault-around.
 */
KTEST(mm_fault_around_backs_off_for_truncate)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 32);
	struct address_space *m;
	unsigned long backoffs = vm_event_read(FL_FAULT_AROUND_TRUNCATED);
	struct page *pages[4], *gone;
	struct vm_fault vmf;
	char c;

	KT_ASSERT(mm && f);
	m = f->f_inode->i_mapping;
	KT_EXPECT_EQ(map_file(mm, f, ABASE, PG(32), MAP_SHARED, 0), (long)ABASE);
	switch_to_new_mm(mm);
	/* Pages 16-31 mapped: the page table exists, pages 0-15 are none. */
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(ABASE + PG(20)), 1), 0);
	KT_EXPECT(pte_none(pte_at(mm, ABASE + PG(5))));

	down_read(&mm->mmap_lock);
	vmf = (struct vm_fault){
		.vma = find_vma(mm, ABASE),
		.address = ABASE + PG(5),
		.real_address = ABASE + PG(5),
		.pgoff = 5,
		.pte = pgtable_walk_pte(mm->pgd, ABASE + PG(5), NULL),
		/* A sample taken before the last truncate. */
		.truncate_count = READ_ONCE(m->truncate_count) - 1,
	};
	KT_ASSERT(vmf.pte);
	for (unsigned int i = 0; i < 4; i++)
		pages[i] = find_get_page(m, 4 + i);
	KT_EXPECT_EQ(finish_fault_around(&vmf, pages, 4, 0, 15), 0);
	KT_EXPECT_EQ(vm_event_read(FL_FAULT_AROUND_TRUNCATED) - backoffs, 1);
	for (unsigned int i = 0; i < 4; i++) {
		KT_EXPECT(pages[i] != NULL);
		KT_EXPECT(pte_none(pte_at(mm, ABASE + PG(4 + i))));
		if (!pages[i])          /* mapped: the bug; go on with a reference */
			pages[i] = find_get_page(m, 4 + i);
	}

	/* A fresh sample, page 6 locked: the other three are mapped. */
	vmf.truncate_count = READ_ONCE(m->truncate_count);
	lock_page(pages[2]);
	KT_EXPECT_EQ(finish_fault_around(&vmf, pages, 4, 0, 15), 3);
	KT_EXPECT(pages[0] == NULL && pages[1] == NULL && pages[3] == NULL);
	KT_EXPECT(pages[2] != NULL && pte_none(pte_at(mm, ABASE + PG(6))));
	KT_EXPECT(maps_cache_page_ro(mm, ABASE + PG(7), f, 7));
	unlock_page(pages[2]);
	put_page(pages[2]);
	up_read(&mm->mmap_lock);

	/* Page 14 leaves the cache (truncate to 14 pages) while a reference
	 * to it is held, as filemap_map_pages holds one. */
	gone = find_get_page(m, 14);
	KT_ASSERT(gone);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, (loff_t)PG(14)), 0);
	KT_EXPECT(gone->mapping == NULL);
	down_read(&mm->mmap_lock);
	vmf.truncate_count = READ_ONCE(m->truncate_count);
	pages[0] = gone;
	KT_EXPECT_EQ(finish_fault_around(&vmf, pages, 1, 0, 15), 0);
	KT_EXPECT(pages[0] == gone && pte_none(pte_at(mm, ABASE + PG(14))));
	up_read(&mm->mmap_lock);
	put_page(gone);
	end_test(mm, saved, f);
}

static unsigned long knob(void)
{
	static char text[32];
	struct seq_buf sb = { .buf = text, .size = sizeof(text) };
	unsigned long long v = 0;

	fault_around_bytes_show(&sb, 0);
	text[sb.len ? sb.len - 1 : 0] = 0;     /* the newline */
	return kstrtoull(text, 10, &v) ? ~0UL : (unsigned long)v;
}

#define STORE(s) fault_around_bytes_store(s, sizeof(s) - 1)

/*
 * /proc/sys/vm/fault_around_bytes (Linux's debugfs file of that name):
 * rounded down to a power of two of pages, at least one page (which
 * turns fault-around off), at most one page table; junk is EINVAL. With
 * one page, a read fault maps its own page only.
 */
KTEST(mm_fault_around_bytes_knob)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 8);
	unsigned long before = knob(), mapped;
	char c;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(before, 65536);
	KT_EXPECT(STORE("100000\n") == 0 && knob() == 65536);
	KT_EXPECT(STORE(" 8192 ") == 0 && knob() == 8192);
	KT_EXPECT(STORE("0") == 0 && knob() == PAGE_SIZE);
	KT_EXPECT(STORE("2097152") == 0 && knob() == PMD_SIZE);
	KT_EXPECT_EQ(STORE("4194304"), -EINVAL);
	KT_EXPECT_EQ(STORE("12x"), -EINVAL);
	KT_EXPECT_EQ(STORE("-4096"), -EINVAL);
	KT_EXPECT_EQ(STORE(""), -EINVAL);
	KT_EXPECT_EQ(knob(), PMD_SIZE);

	KT_EXPECT_EQ(STORE("4096"), 0);
	KT_EXPECT_EQ(map_file(mm, f, ABASE, PG(8), MAP_SHARED, 0), (long)ABASE);
	switch_to_new_mm(mm);
	mapped = vm_event_read(FL_FAULT_AROUND_PAGES);
	KT_EXPECT(copy_from_user(&c, (void *)(ABASE + PG(2)), 1) == 0 && c == 'C');
	KT_EXPECT(maps_cache_page_ro(mm, ABASE + PG(2), f, 2));
	KT_EXPECT(pte_none(pte_at(mm, ABASE + PG(1))) && pte_none(pte_at(mm, ABASE + PG(3))));
	KT_EXPECT_EQ(vm_event_read(FL_FAULT_AROUND_PAGES), mapped);
	KT_EXPECT_EQ(STORE("16384"), 0);
	KT_EXPECT(copy_from_user(&c, (void *)(ABASE + PG(5)), 1) == 0 && c == 'F');
	KT_EXPECT(maps_cache_page_ro(mm, ABASE + PG(4), f, 4) &&
		  maps_cache_page_ro(mm, ABASE + PG(7), f, 7));
	KT_EXPECT_EQ(vm_event_read(FL_FAULT_AROUND_PAGES) - mapped, 4);
	fault_around_bytes_store("65536", 5);
	end_test(mm, saved, f);
}

/*
 * The pages fault-around maps count as mapped-read hits (Linux's
 * filemap_map_pages): each takes one off the file's mmap_miss. Without
 * that, a sequential reader that faults only on misses and markers piled
 * up misses until read-around stopped for good (mm/readahead.c).
 */
KTEST(mm_fault_around_counts_hits)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 40);
	char c = 0;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, ABASE, PG(40), MAP_SHARED, 0), (long)ABASE);
	switch_to_new_mm(mm);
	f->f_ra.mmap_miss = 105;        /* past MMAP_LOTSAMISS: read-around off */
	KT_EXPECT(copy_from_user(&c, (void *)(ABASE + PG(2)), 1) == 0 && c == 'C');
	KT_EXPECT_EQ(f->f_ra.mmap_miss, 105 - 16);
	f->f_ra.mmap_miss = 3;          /* never below 0 */
	KT_EXPECT(copy_from_user(&c, (void *)(ABASE + PG(20)), 1) == 0 && c == 'U');
	KT_EXPECT_EQ(f->f_ra.mmap_miss, 0);
	end_test(mm, saved, f);
}
