/*
 * ktests for file mappings: write notification, page_mkclean through the
 * reverse map, and truncate unmapping every mapping of a page (shared,
 * private COW copies included). A kernel thread adopts a fresh mm, maps a
 * file of the root filesystem and touches it with copy_to_user and
 * copy_from_user, so every access goes through the real MMU and the real
 * fault path; the tests then look at the PTEs the hardware uses.
 */
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define FBASE 0x20000000UL
#define FPATH "/ktest-filemap"

static pte_t pte_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pgtable_walk_pte(mm->pgd, addr, NULL);

	return p ? ptep_get(p) : __pte(0);
}

/* A file of @pages pages of 'a', open read-write. */
static struct file *make_file(struct kt *t, unsigned int pages)
{
	static char buf[PAGE_SIZE];
	struct file *f = filp_open(FPATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	loff_t pos = 0;

	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "open " FPATH ": error %ld", PTR_ERR(f));
		return NULL;
	}
	memset(buf, 'a', sizeof(buf));
	for (unsigned int i = 0; i < pages; i++)
		kernel_write(f, buf, PAGE_SIZE, &pos);
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

KTEST(mm_file_writenotify_and_mkclean)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 1);
	unsigned long cleaned = vm_event_read(FL_MKCLEAN_PTES);
	struct page *page;
	char c = 0;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	/* A second mapping of the same page elsewhere: the reverse map has two. */
	KT_EXPECT_EQ(map_file(mm, f, FBASE + 4 * PAGE_SIZE, PAGE_SIZE, MAP_SHARED, 0),
		     (long)(FBASE + 4 * PAGE_SIZE));
	switch_to_new_mm(mm);
	/* Clean page, read fault: mapped read-only although the VMA is writable. */
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FBASE, 1), 0);
	KT_EXPECT_EQ(c, 'a');
	KT_EXPECT(pte_present(pte_at(mm, FBASE)) && !pte_write(pte_at(mm, FBASE)));
	/* The first write faults (wp_page_shared): writable, dirty PTE and page. */
	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "b", 1), 0);
	KT_EXPECT(pte_write(pte_at(mm, FBASE)) && pte_dirty(pte_at(mm, FBASE)));
	page = cached_page(f, 0);
	KT_ASSERT(page);
	KT_EXPECT(PageDirty(page));
	KT_EXPECT_EQ(page_to_pfn(page), pte_pfn(pte_at(mm, FBASE)));
	/* The other mapping: a write-first fault installs it writable at once. */
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 4 * PAGE_SIZE), "c", 1), 0);
	KT_EXPECT(pte_write(pte_at(mm, FBASE + 4 * PAGE_SIZE)));
	KT_EXPECT_EQ(page_mapcount(page), 2);
	/* Writeback write-protects and cleans both PTEs before the write. */
	KT_EXPECT_EQ(vfs_fsync(f, false), 0);
	KT_EXPECT(!PageDirty(page));
	KT_EXPECT(pte_present(pte_at(mm, FBASE)) && !pte_write(pte_at(mm, FBASE)) &&
		  !pte_dirty(pte_at(mm, FBASE)));
	KT_EXPECT(!pte_write(pte_at(mm, FBASE + 4 * PAGE_SIZE)));
	KT_EXPECT_EQ(vm_event_read(FL_MKCLEAN_PTES) - cleaned, 2);
	/* And the next store faults again and re-dirties the page. */
	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "d", 1), 0);
	KT_EXPECT(PageDirty(page) && pte_write(pte_at(mm, FBASE)));
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(FPATH);
}

KTEST(mm_file_truncate_unmaps_shared_and_cow)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	struct address_space *m;
	unsigned int count;
	char c = 0;

	KT_ASSERT(mm && f);
	m = f->f_inode->i_mapping;
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	KT_EXPECT_EQ(map_file(mm, f, FBASE + 8 * PAGE_SIZE, 2 * PAGE_SIZE, MAP_PRIVATE, 0),
		     (long)(FBASE + 8 * PAGE_SIZE));
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + PAGE_SIZE), "s", 1), 0);
	/* A private write: a COW copy, no longer a page of the file. */
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 9 * PAGE_SIZE), "p", 1), 0);
	KT_EXPECT(pte_write(pte_at(mm, FBASE + 9 * PAGE_SIZE)));
	KT_EXPECT(pfn_to_page(pte_pfn(pte_at(mm, FBASE + 9 * PAGE_SIZE)))->mapping == NULL);
	/* Page 0 mapped by both, read. */
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + 8 * PAGE_SIZE), 1), 0);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FBASE, 1), 0);
	count = READ_ONCE(m->truncate_count);

	/* Shrink to one page and a bit: page 1 goes from both mappings,
	 * the COW copy included; page 0 stays mapped with its tail zeroed. */
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, PAGE_SIZE + 10), 0);
	KT_EXPECT(!pte_none(pte_at(mm, FBASE + PAGE_SIZE)));   /* page 1 holds EOF: kept */
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, 100), 0);
	KT_EXPECT(READ_ONCE(m->truncate_count) != count);
	KT_EXPECT(pte_none(pte_at(mm, FBASE + PAGE_SIZE)));
	KT_EXPECT(pte_none(pte_at(mm, FBASE + 9 * PAGE_SIZE)));
	KT_EXPECT(!pte_none(pte_at(mm, FBASE)));
	KT_EXPECT(!pte_none(pte_at(mm, FBASE + 8 * PAGE_SIZE)));
	KT_EXPECT(cached_page(f, 1) == NULL);
	/* The EOF page reads zeros past the new size, through the mapping. */
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + 100), 1), 0);
	KT_EXPECT_EQ(c, 0);
	/* Past EOF the kernel's access fails (SIGBUS for a user access). */
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + PAGE_SIZE), 1), 1);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + 9 * PAGE_SIZE), 1), 1);
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(FPATH);
}

/* ---- the fault paths of file pages, one case each --------------------------- */

/* The end of a test that adopted @mm and mapped @f: back to @saved, and
 * the address space, the file and its name gone. */
static void end_file_test(struct mm_struct *mm, struct mm_struct *saved, struct file *f)
{
	switch_to_new_mm(saved);
	mmput(mm);
	fput(f);
	vfs_unlink(FPATH);
}

/*
 * Read faults map the page-cache page itself, for a shared and for a
 * private mapping alike, read-only (LINUX-SEMANTICS.md items 21, 24): one
 * page, two PTEs, and a write() to the file shows through both at once.
 */
KTEST(mm_file_read_maps_cache_page)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	unsigned long shared = FBASE, private = FBASE + 4 * PAGE_SIZE, flt;
	struct page *page;
	loff_t pos = PAGE_SIZE + 5;
	char c = 0;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, shared, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)shared);
	KT_EXPECT_EQ(map_file(mm, f, private, 2 * PAGE_SIZE, MAP_PRIVATE, 0), (long)private);
	switch_to_new_mm(mm);
	flt = current->min_flt;
	KT_EXPECT(copy_from_user(&c, (void *)(shared + PAGE_SIZE + 5), 1) == 0 && c == 'a');
	KT_EXPECT(copy_from_user(&c, (void *)(private + PAGE_SIZE + 5), 1) == 0 && c == 'a');
	KT_EXPECT_EQ(current->min_flt - flt, 2);        /* cached: two minor faults */
	page = cached_page(f, 1);
	KT_ASSERT(page);
	KT_EXPECT_EQ(pte_pfn(pte_at(mm, shared + PAGE_SIZE)), page_to_pfn(page));
	KT_EXPECT_EQ(pte_pfn(pte_at(mm, private + PAGE_SIZE)), page_to_pfn(page));
	KT_EXPECT(!pte_write(pte_at(mm, shared + PAGE_SIZE)));
	KT_EXPECT(!pte_write(pte_at(mm, private + PAGE_SIZE)));
	KT_EXPECT_EQ(page_mapcount(page), 2);
	/* Page 0 was not touched; fault-around (if the fault path does it:
	 * the filemap lab's handout need not) may have mapped it, but then
	 * only the cache page, read-only. */
	KT_EXPECT(pte_none(pte_at(mm, shared)) ||
		  (pte_pfn(pte_at(mm, shared)) == page_to_pfn(cached_page(f, 0)) &&
		   !pte_write(pte_at(mm, shared))));
	KT_EXPECT_EQ(kernel_write(f, "z", 1, &pos), 1);
	KT_EXPECT(copy_from_user(&c, (void *)(shared + PAGE_SIZE + 5), 1) == 0 && c == 'z');
	KT_EXPECT(copy_from_user(&c, (void *)(private + PAGE_SIZE + 5), 1) == 0 && c == 'z');
	end_file_test(mm, saved, f);
}

/*
 * A write is the first access to a private file page (do_cow_fault): one
 * fault maps a private copy, writable and dirty, holding the file's data
 * and the store; the file and its page never see the store (items 25, 27).
 */
KTEST(mm_file_private_write_first_copies)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 1);
	struct page *copy;
	unsigned long flt;
	char buf[8] = { 0 };
	loff_t pos = 8;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, PAGE_SIZE, MAP_PRIVATE, 0), (long)FBASE);
	switch_to_new_mm(mm);
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 10), "pw", 2), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT(pte_write(pte_at(mm, FBASE)) && pte_dirty(pte_at(mm, FBASE)));
	copy = pfn_to_page(pte_pfn(pte_at(mm, FBASE)));
	KT_EXPECT(copy != cached_page(f, 0));
	KT_EXPECT(copy->mapping == NULL);
	KT_EXPECT_EQ(page_mapcount(copy), 1);
	KT_EXPECT(copy_from_user(buf, (void *)(FBASE + 8), 6) == 0 && strcmp(buf, "aapwaa") == 0);
	memset(buf, 0, sizeof(buf));
	KT_EXPECT(kernel_read(f, buf, 6, &pos) == 6 && strcmp(buf, "aaaaaa") == 0);
	KT_EXPECT(cached_page(f, 0) && page_mapcount(cached_page(f, 0)) == 0);
	end_file_test(mm, saved, f);
}

/*
 * A private page read first maps the cache page and so follows write()s
 * to the file; the first store copies it (do_wp_page -> wp_page_copy) as
 * it is at that moment, and from then on that page alone stops following
 * the file while the other page still does (items 24-26).
 */
KTEST(mm_file_private_read_then_write)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	unsigned long flt;
	loff_t pos;
	char c = 0;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_PRIVATE, 0), (long)FBASE);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FBASE, 1), 0);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + PAGE_SIZE), 1), 0);
	pos = 0;
	KT_EXPECT_EQ(kernel_write(f, "w", 1, &pos), 1);
	KT_EXPECT(copy_from_user(&c, (void *)FBASE, 1) == 0 && c == 'w');
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 2), "p", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT(pte_write(pte_at(mm, FBASE)));
	KT_EXPECT(pte_pfn(pte_at(mm, FBASE)) != page_to_pfn(cached_page(f, 0)));
	KT_EXPECT_EQ(page_mapcount(cached_page(f, 0)), 0);
	pos = 1;
	KT_EXPECT_EQ(kernel_write(f, "x", 1, &pos), 1);
	pos = PAGE_SIZE;
	KT_EXPECT_EQ(kernel_write(f, "y", 1, &pos), 1);
	KT_EXPECT(copy_from_user(&c, (void *)FBASE, 1) == 0 && c == 'w');
	KT_EXPECT(copy_from_user(&c, (void *)(FBASE + 1), 1) == 0 && c == 'a');
	KT_EXPECT(copy_from_user(&c, (void *)(FBASE + 2), 1) == 0 && c == 'p');
	KT_EXPECT(copy_from_user(&c, (void *)(FBASE + PAGE_SIZE), 1) == 0 && c == 'y');
	end_file_test(mm, saved, f);
}

/*
 * A write is the first access to a shared file page (do_shared_fault): one
 * fault maps the cache page writable and dirty, marks the page dirty, and
 * read() sees the store at once, as the mapping sees write() (19, 20).
 */
KTEST(mm_file_shared_write_reaches_cache)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 1);
	unsigned long flt;
	char buf[8] = { 0 };
	loff_t pos = 100;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	switch_to_new_mm(mm);
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 100), "shared", 6), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT(pte_write(pte_at(mm, FBASE)) && pte_dirty(pte_at(mm, FBASE)));
	KT_ASSERT(cached_page(f, 0));
	KT_EXPECT_EQ(pte_pfn(pte_at(mm, FBASE)), page_to_pfn(cached_page(f, 0)));
	KT_EXPECT(PageDirty(cached_page(f, 0)));
	KT_EXPECT(kernel_read(f, buf, 6, &pos) == 6 && strcmp(buf, "shared") == 0);
	pos = 100;
	KT_EXPECT_EQ(kernel_write(f, "W", 1, &pos), 1);
	KT_EXPECT(copy_from_user(buf, (void *)(FBASE + 100), 1) == 0 && buf[0] == 'W');
	end_file_test(mm, saved, f);
}

/*
 * A file of one page and 100 bytes, mapped over three pages: the bytes
 * past EOF in the last page read as zeros (item 32), and any access to the
 * page wholly past EOF fails (SIGBUS for a user access; -EFAULT for the
 * kernel's copy, item 38), read or write, shared or private, mapping
 * nothing.
 */
KTEST(mm_file_eof_tail_and_sigbus)
{
	static char tail[100];
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 1);
	unsigned long shared = FBASE, private = FBASE + 4 * PAGE_SIZE;
	loff_t pos = PAGE_SIZE;
	char c = 'x';

	KT_ASSERT(mm && f);
	memset(tail, 'b', sizeof(tail));
	KT_EXPECT_EQ(kernel_write(f, tail, sizeof(tail), &pos), (ssize_t)sizeof(tail));
	KT_EXPECT_EQ(map_file(mm, f, shared, 3 * PAGE_SIZE, MAP_SHARED, 0), (long)shared);
	KT_EXPECT_EQ(map_file(mm, f, private, 3 * PAGE_SIZE, MAP_PRIVATE, 0), (long)private);
	switch_to_new_mm(mm);
	KT_EXPECT(copy_from_user(&c, (void *)(shared + PAGE_SIZE + 99), 1) == 0 && c == 'b');
	KT_EXPECT(copy_from_user(&c, (void *)(shared + PAGE_SIZE + 100), 1) == 0 && c == 0);
	KT_EXPECT(copy_from_user(&c, (void *)(private + 2 * PAGE_SIZE - 1), 1) == 0 && c == 0);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(shared + 2 * PAGE_SIZE), 1), 1);
	KT_EXPECT_EQ(copy_to_user((void *)(shared + 2 * PAGE_SIZE), "s", 1), 1);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)(private + 2 * PAGE_SIZE), 1), 1);
	KT_EXPECT_EQ(copy_to_user((void *)(private + 2 * PAGE_SIZE + 7), "p", 1), 1);
	KT_EXPECT(pte_none(pte_at(mm, shared + 2 * PAGE_SIZE)));
	KT_EXPECT(pte_none(pte_at(mm, private + 2 * PAGE_SIZE)));
	end_file_test(mm, saved, f);
}

/* ---- dirty tracking as the faults count it (LINUX-SEMANTICS.md H) ----------- */

/* msync(2)'s flags, Linux's values. */
#define KT_MS_ASYNC      1
#define KT_MS_INVALIDATE 2
#define KT_MS_SYNC       4

static long kt_msync(unsigned long start, unsigned long len, unsigned long flags)
{
	const unsigned long args[6] = { start, len, flags };

	return __x64_sys_msync(args);
}

/*
 * A shared writable file mapping on ext2 maps clean pages read-only
 * (item 47). Write first: one fault (48). Then writeback cleans the page
 * and write-protects it, and the next store faults once more (50). Read
 * first, then write: two faults (49). msync(MS_ASYNC) protects nothing:
 * the next store does not fault (51).
 */
KTEST(mm_file_dirty_fault_counts)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	unsigned long flt;
	struct page *page;
	char c;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	KT_EXPECT(!pgprot_write(find_vma(mm, FBASE)->vm_page_prot));
	KT_EXPECT_EQ(vfs_fsync(f, false), 0);           /* both pages clean */
	switch_to_new_mm(mm);
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "1", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 1), "2", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	page = cached_page(f, 0);
	KT_ASSERT(page);
	KT_EXPECT(PageDirty(page) && pte_write(pte_at(mm, FBASE)));

	KT_EXPECT_EQ(vfs_fsync(f, false), 0);
	KT_EXPECT(!PageDirty(page));
	KT_EXPECT(!pte_write(pte_at(mm, FBASE)) && !pte_dirty(pte_at(mm, FBASE)));
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 2), "3", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 2);
	KT_EXPECT(PageDirty(page));

	KT_EXPECT_EQ(copy_from_user(&c, (void *)(FBASE + PAGE_SIZE), 1), 0);
	KT_EXPECT(!pte_write(pte_at(mm, FBASE + PAGE_SIZE)));
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + PAGE_SIZE), "4", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 4);
	KT_EXPECT(pte_write(pte_at(mm, FBASE + PAGE_SIZE)));

	KT_EXPECT_EQ(kt_msync(FBASE, 2 * PAGE_SIZE, KT_MS_ASYNC), 0);
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + 3), "5", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 4);
	end_file_test(mm, saved, f);
}

/*
 * mprotect recomputes the protection with write notification in mind
 * (item 53): back to PROT_READ|PROT_WRITE, a clean page stays read-only
 * and its next store faults; a page already dirty may stay writable.
 */
KTEST(mm_file_mprotect_keeps_writenotify)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	unsigned long flt;
	char c;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	KT_EXPECT_EQ(vfs_fsync(f, false), 0);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&c, (void *)FBASE, 1), 0);          /* clean, mapped */
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + PAGE_SIZE), "d", 1), 0); /* dirty */
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_mprotect(mm, FBASE, 2 * PAGE_SIZE, PROT_READ), 0);
	KT_EXPECT(!pte_write(pte_at(mm, FBASE + PAGE_SIZE)));
	KT_EXPECT_EQ(do_mprotect(mm, FBASE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT(!pgprot_write(find_vma(mm, FBASE)->vm_page_prot));
	KT_EXPECT(pte_present(pte_at(mm, FBASE)) && !pte_write(pte_at(mm, FBASE)));
	flt = current->min_flt;
	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "c", 1), 0);
	KT_EXPECT_EQ(current->min_flt - flt, 1);
	KT_EXPECT(pte_write(pte_at(mm, FBASE)) && PageDirty(cached_page(f, 0)));
	end_file_test(mm, saved, f);
}

/*
 * msync's arguments, checked in Linux's order (section G, items 40-44),
 * and what MS_SYNC does (46): the data reaches the disk, the page is clean
 * and read-only again, even when the range also covers a hole (ENOMEM).
 */
KTEST(mm_file_msync_errors_and_sync)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 1);
	unsigned long anon = FBASE + 8 * PAGE_SIZE;
	struct page *page;
	long r;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	down_write(&mm->mmap_lock);
	r = do_mmap(mm, NULL, anon, PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(r, (long)anon);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(kt_msync(FBASE + 1, PAGE_SIZE, 8), -EINVAL);   /* flags first */
	KT_EXPECT_EQ(kt_msync(FBASE + 1, PAGE_SIZE, KT_MS_ASYNC | KT_MS_SYNC), -EINVAL);
	KT_EXPECT_EQ(kt_msync(FBASE + 1, PAGE_SIZE, KT_MS_SYNC), -EINVAL);
	KT_EXPECT_EQ(kt_msync(FBASE, 0, KT_MS_SYNC), 0);
	KT_EXPECT_EQ(kt_msync(FBASE, PAGE_SIZE, 0), 0);
	KT_EXPECT_EQ(kt_msync(FBASE, PAGE_SIZE, KT_MS_INVALIDATE), 0);
	KT_EXPECT_EQ(kt_msync(anon, PAGE_SIZE, KT_MS_SYNC), 0);
	KT_EXPECT_EQ(kt_msync(FBASE + 2 * PAGE_SIZE, PAGE_SIZE, KT_MS_ASYNC), -ENOMEM);

	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "sync", 4), 0);
	page = cached_page(f, 0);
	KT_ASSERT(page);
	KT_EXPECT(PageDirty(page));
	KT_EXPECT_EQ(kt_msync(FBASE, anon + PAGE_SIZE - FBASE, KT_MS_SYNC), -ENOMEM);
	KT_EXPECT(!PageDirty(page));
	KT_EXPECT(!pte_write(pte_at(mm, FBASE)));
	KT_EXPECT_EQ(copy_to_user((void *)FBASE, "again", 5), 0);
	KT_EXPECT_EQ(kt_msync(FBASE, 1, KT_MS_SYNC), 0);          /* len rounds up */
	KT_EXPECT(!PageDirty(page) && !pte_write(pte_at(mm, FBASE)));
	end_file_test(mm, saved, f);
}

/* ---- truncate racing a fault (LINUX-SEMANTICS.md item 63, section 2) -------- */

/* A thread that reads FBASE in @mm, and what it saw. Static in each test
 * that uses one: the thread still uses may_exit after the test returned. */
struct faulter {
	struct mm_struct *mm;
	int phase;                      /* 1: faulting, 2: the access returned */
	unsigned long left;             /* what copy_from_user could not copy */
	struct completion done;
	struct completion may_exit;     /* the test no longer looks at the task */
};

static int faulter_fn(void *arg)
{
	struct faulter *r = arg;
	char c;

	switch_to_new_mm(r->mm);
	WRITE_ONCE(r->phase, 1);
	r->left = copy_from_user(&c, (void *)FBASE, 1);
	WRITE_ONCE(r->phase, 2);
	switch_to_new_mm(NULL);
	complete(&r->done);
	wait_for_completion(&r->may_exit);
	return 0;
}

static struct task_struct *start_faulter(struct faulter *r, struct mm_struct *mm)
{
	*r = (struct faulter){ .mm = mm };
	init_completion(&r->done);
	init_completion(&r->may_exit);
	return kthread_run(faulter_fn, r, "ktest-faulter");
}

/*
 * The race the truncate_count protocol closes: a fault has found its page
 * in the cache, and before it installs the PTE a truncate removes the page
 * and unmaps the file. Installing it anyway would leave a PTE to a page
 * that is no longer the file's: stores through it are lost, and the
 * process reads data past EOF without SIGBUS.
 *
 * A second thread faults on page 0 of a shared mapping; with fault_delay=MS
 * on the command line that fault sleeps between ->fault and the recheck,
 * and the test truncates the file to 0 exactly then (it waits until the
 * thread sleeps). The fault must notice (truncated_since_sample), retry,
 * and fail: nothing mapped, the access refused, FL_TRUNCATE_RETRY counted.
 * (With fault-around, docs/fault-path.md 6.3.1, the cached page is first
 * offered to finish_fault_around, which sleeps there and must notice the
 * same way: it maps nothing, FL_FAULT_AROUND_TRUNCATED; then ->fault sees
 * the new size.) Without fault_delay the fault completes first and the
 * truncate must unmap it. With truncate_guard=0 this test fails: that is
 * the bug.
 */
KTEST(mm_file_truncate_race_retries)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = make_file(t, 2);
	bool delay = cmdline_get_ulong(&kernel_cmdline, "fault_delay", 0) != 0;
	static struct faulter race;
	struct faulter *r = &race;
	struct task_struct *task;
	unsigned long retries;
	bool held;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	/* Page 1 first: the page tables exist, so the raced fault allocates
	 * nothing and its only sleep is fault_delay's. A store: a read would
	 * map page 0 too (fault-around), and the raced fault would not be. */
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_to_user((void *)(FBASE + PAGE_SIZE), "w", 1), 0);
	KT_EXPECT(pte_none(pte_at(mm, FBASE)));
	switch_to_new_mm(saved);
	retries = vm_event_read(FL_TRUNCATE_RETRY) + vm_event_read(FL_FAULT_AROUND_TRUNCATED);
	task = start_faulter(r, mm);
	KT_ASSERT(task);
	/* Without fault_delay, wait for the fault to finish: on SMP the
	 * faulter runs beside us, and a D state seen mid-fault would be some
	 * other short sleep, not the window this test is about. */
	while (READ_ONCE(r->phase) != 2 &&
	       !(delay && READ_ONCE(r->phase) == 1 &&
		 READ_ONCE(task->state) == TASK_UNINTERRUPTIBLE))
		yield();
	held = READ_ONCE(r->phase) == 1;
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, 0), 0);
	wait_for_completion(&r->done);
	console_printf("# fault_delay %s: the truncate ran %s\n", delay ? "set" : "not set",
		       held ? "while the fault slept after its sample" : "after the fault");
	if (delay)
		KT_EXPECT(held);
	KT_EXPECT(pte_none(pte_at(mm, FBASE)));
	KT_EXPECT(pte_none(pte_at(mm, FBASE + PAGE_SIZE)));
	if (held) {
		KT_EXPECT_EQ(r->left, 1);
		KT_EXPECT(vm_event_read(FL_TRUNCATE_RETRY) +
			  vm_event_read(FL_FAULT_AROUND_TRUNCATED) > retries);
	} else {
		KT_EXPECT_EQ(r->left, 0);
	}
	complete(&r->may_exit);
	end_file_test(mm, saved, f);
}

/*
 * A fault on a file that was truncated before it was mapped (so its
 * truncate_count is no longer 0) must resolve: the fault samples the
 * count before ->fault and finds it unchanged at the recheck. A fault that
 * did not sample would retry for ever; the thread is left behind then.
 */
KTEST(mm_file_fault_after_truncate)
{
	static struct faulter fl;
	struct mm_struct *mm = mm_alloc();
	struct file *f = make_file(t, 2);
	struct faulter *r = &fl;
	int waited;

	KT_ASSERT(mm && f);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, PAGE_SIZE + 1), 0);
	KT_EXPECT(READ_ONCE(f->f_inode->i_mapping->truncate_count) != 0);
	KT_EXPECT_EQ(map_file(mm, f, FBASE, 2 * PAGE_SIZE, MAP_SHARED, 0), (long)FBASE);
	KT_ASSERT(start_faulter(r, mm));
	for (waited = 0; waited < 100 && READ_ONCE(r->phase) != 2; waited++)
		msleep(10);
	if (READ_ONCE(r->phase) != 2) {
		kt_fail(t, __FILE__, __LINE__, "the fault still retries after 2 s: did it "
			"sample truncate_count before ->fault?");
		return;                 /* the thread still uses mm and f */
	}
	KT_EXPECT_EQ(r->left, 0);
	KT_EXPECT(pte_present(pte_at(mm, FBASE)));
	complete(&r->may_exit);
	end_file_test(mm, current->mm, f);
}
