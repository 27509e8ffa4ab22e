/*
 * ktests for file mappings: write notification, page_mkclean through the
 * reverse map, and truncate unmapping every mapping of a page (shared,
 * private COW copies included). A kernel thread adopts a fresh mm, maps a
 * file of the root filesystem and touches it with copy_to_user and
 * copy_from_user, so every access goes through the real MMU and the real
 * fault path; the tests then look at the PTEs the hardware uses.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
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
