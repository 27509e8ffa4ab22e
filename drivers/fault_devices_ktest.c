/*
 * ktests for the fault-API example devices (include/drivers/fault_devices.h).
 *
 * Each test opens the device through /dev, as a user would, maps it into a
 * fresh mm and touches the mapping with copy_to_user/copy_from_user, so
 * every access goes through the MMU and the real fault path; then it looks
 * at what user tests cannot see: which frame each PTE maps, page reference
 * counts before and after, and the VMA the driver left behind.
 */
#include <drivers/fault_devices.h>
#include <fs/fs.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <mm/vmstat.h>
#include <asm/switch_to.h>
#include <asm/uaccess.h>

#define BASE 0x20000000UL

static struct file *open_dev(const char *name, unsigned int flags)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/%s", name);
	return filp_open(path, flags, 0);
}

static long map_file(struct mm_struct *mm, struct file *f, unsigned long addr, int pages,
		     unsigned long flags)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, f, addr, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, flags | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	return r;
}

static int unmap(struct mm_struct *mm, unsigned long addr, int pages)
{
	int r;

	down_write(&mm->mmap_lock);
	r = do_munmap(mm, addr, pages * PAGE_SIZE);
	up_write(&mm->mmap_lock);
	return r;
}

/* The frame mapped at @addr in @mm (0 if none). */
static unsigned long pfn_at(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p = pgtable_walk_pte(mm->pgd, addr, NULL);

	return p && pte_present(ptep_get(p)) ? pte_pfn(ptep_get(p)) : 0;
}

static char byte_at(unsigned long addr)
{
	char c = 0;

	return copy_from_user(&c, (void *)addr, 1) ? -1 : c;
}

static bool put_byte(unsigned long addr, char c)
{
	return copy_to_user((void *)addr, &c, 1) == 0;
}

/* Back to the thread's own mm; drop the test's mms (@child may be NULL)
 * and its file. */
static void finish(struct mm_struct *saved, struct mm_struct *mm, struct mm_struct *child,
		   struct file *f)
{
	switch_to_new_mm(saved);
	if (child)
		mmput(child);
	mmput(mm);
	fput(f);
}

/* ---- /dev/zero -------------------------------------------------------------- */

KTEST(dev_zero_read_write_lseek)
{
	struct file *f = open_dev("zero", O_RDWR);
	char buf[300];
	loff_t pos = 12345;

	KT_ASSERT(!IS_ERR(f));
	memset(buf, 0x5a, sizeof(buf));
	KT_EXPECT_EQ(kernel_read(f, buf, sizeof(buf), &pos), sizeof(buf));
	KT_EXPECT(!memchr_inv(buf, 0, sizeof(buf)));
	KT_EXPECT_EQ(kernel_write(f, buf, 77, &pos), 77);
	KT_EXPECT_EQ(vfs_llseek(f, 100, SEEK_SET), 0);
	fput(f);
}

KTEST(dev_zero_private_is_anonymous)
{
	struct mm_struct *mm = mm_alloc(), *child, *saved = current->mm;
	struct file *f = open_dev("zero", O_RDWR);
	struct vm_area_struct *vma;

	KT_ASSERT(mm && !IS_ERR(f));
	KT_ASSERT_EQ(map_file(mm, f, BASE, 2, MAP_PRIVATE), BASE);
	vma = find_vma(mm, BASE);
	KT_EXPECT(vma->vm_ops == NULL && vma->vm_file == f);
	switch_to_new_mm(mm);
	/* A read maps the zero page, as for MAP_ANONYMOUS; a write a new page. */
	KT_EXPECT_EQ(byte_at(BASE), 0);
	KT_EXPECT(is_zero_page(pfn_to_page(pfn_at(mm, BASE))));
	KT_EXPECT(put_byte(BASE + PAGE_SIZE, 'p'));
	child = dup_mm(mm);
	KT_ASSERT(child);
	/* After fork the child's write copies; the parent keeps its byte. */
	switch_to_new_mm(child);
	KT_EXPECT(put_byte(BASE + PAGE_SIZE, 'c'));
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(byte_at(BASE + PAGE_SIZE), 'p');
	finish(saved, mm, child, f);
}

KTEST(dev_zero_shared_is_shmem)
{
	struct mm_struct *mm = mm_alloc(), *child, *saved = current->mm;
	struct file *f = open_dev("zero", O_RDWR);

	KT_ASSERT(mm && !IS_ERR(f));
	KT_ASSERT_EQ(map_file(mm, f, BASE, 2, MAP_SHARED), BASE);
	KT_EXPECT(find_vma(mm, BASE)->vm_ops != NULL);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(byte_at(BASE), 0);
	child = dup_mm(mm);
	KT_ASSERT(child);
	/* One set of pages: the child's store shows in the parent. */
	switch_to_new_mm(child);
	KT_EXPECT(put_byte(BASE + PAGE_SIZE, 'c'));
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(byte_at(BASE + PAGE_SIZE), 'c');
	KT_EXPECT_EQ(pfn_at(mm, BASE + PAGE_SIZE), pfn_at(child, BASE + PAGE_SIZE));
	finish(saved, mm, child, f);
}

/* ---- /dev/shbuf ------------------------------------------------------------- */

KTEST(dev_shbuf_two_opens_one_buffer)
{
	struct mm_struct *a = mm_alloc(), *b = mm_alloc(), *saved = current->mm;
	struct file *fa = open_dev("shbuf", O_RDWR), *fb = open_dev("shbuf", O_RDWR);
	unsigned long nopage = vm_event_read(FL_FAULT_NOPAGE);
	struct page *page;
	int refs;
	char buf[6] = "";
	loff_t pos = PAGE_SIZE + 8;

	KT_ASSERT(a && b && !IS_ERR(fa) && !IS_ERR(fb));
	KT_ASSERT_EQ(map_file(a, fa, BASE, 8, MAP_SHARED), BASE);
	KT_ASSERT_EQ(map_file(b, fb, BASE + 4 * PAGE_SIZE, 2, MAP_SHARED), BASE + 4 * PAGE_SIZE);
	switch_to_new_mm(a);
	KT_EXPECT_EQ(copy_to_user((void *)(BASE + PAGE_SIZE + 8), "hello", 6), 0);
	page = pfn_to_page(pfn_at(a, BASE + PAGE_SIZE));
	refs = page_ref_count(page);
	/* The other mapping maps the very same frame, and read() sees the bytes. */
	switch_to_new_mm(b);
	KT_EXPECT_EQ(byte_at(BASE + 5 * PAGE_SIZE + 8), 'h');
	KT_EXPECT_EQ(pfn_at(b, BASE + 5 * PAGE_SIZE), page_to_pfn(page));
	KT_EXPECT_EQ(page_ref_count(page), refs + 1);
	KT_EXPECT_EQ(kernel_read(fb, buf, 6, &pos), 6);
	KT_EXPECT_STREQ(buf, "hello");
	/* The buffer has 4 pages: the 5th page of a mapping is past its end. */
	switch_to_new_mm(a);
	KT_EXPECT_EQ(byte_at(BASE + 3 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(byte_at(BASE + 4 * PAGE_SIZE), -1);
	KT_EXPECT_EQ(pfn_at(a, BASE + 4 * PAGE_SIZE), 0);
	/* Each fault but the last was resolved by vm_insert_page. */
	KT_EXPECT_EQ(vm_event_read(FL_FAULT_NOPAGE) - nopage, 3);
	/* Unmapping gives back exactly the PTEs' references. */
	KT_EXPECT_EQ(unmap(a, BASE, 8), 0);
	KT_EXPECT_EQ(unmap(b, BASE + 4 * PAGE_SIZE, 2), 0);
	KT_EXPECT_EQ(page_ref_count(page), refs - 1);
	finish(saved, a, b, fa);
	fput(fb);
}

KTEST(dev_shbuf_private_copy_on_write)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = open_dev("shbuf", O_RDWR);
	unsigned long shared;
	char c = 0;
	loff_t pos = 2 * PAGE_SIZE;

	KT_ASSERT(mm && !IS_ERR(f));
	KT_ASSERT_EQ(map_file(mm, f, BASE, 4, MAP_PRIVATE), BASE);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(kernel_write(f, "s", 1, &pos), 1);
	/* A read maps the device's page itself... */
	KT_EXPECT_EQ(byte_at(BASE + 2 * PAGE_SIZE), 's');
	shared = pfn_at(mm, BASE + 2 * PAGE_SIZE);
	/* ...and a write copies it (do_wp_page), leaving the device alone. */
	KT_EXPECT(put_byte(BASE + 2 * PAGE_SIZE, 'x'));
	KT_EXPECT(pfn_at(mm, BASE + 2 * PAGE_SIZE) != shared);
	pos = 2 * PAGE_SIZE;
	KT_EXPECT_EQ(kernel_read(f, &c, 1, &pos), 1);
	KT_EXPECT_EQ(c, 's');
	finish(saved, mm, NULL, f);
}

/* ---- /dev/quota ------------------------------------------------------------- */

KTEST(dev_quota_refuses_the_page_past_the_limit)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = open_dev("quota", O_RDWR);
	unsigned long calls = vm_event_read(FL_PAGE_MKWRITE);
	unsigned long refused = vm_event_read(FL_PAGE_MKWRITE_FAIL);

	KT_ASSERT(mm && !IS_ERR(f));
	KT_EXPECT_EQ(f->f_op->unlocked_ioctl(f, QUOTA_IOC_SET_LIMIT, 65), -EINVAL);
	KT_EXPECT_EQ(f->f_op->unlocked_ioctl(f, QUOTA_IOC_SET_LIMIT, 2), 0);
	KT_EXPECT_EQ(map_file(mm, f, BASE, 4, MAP_PRIVATE), -EINVAL);
	KT_ASSERT_EQ(map_file(mm, f, BASE, 4, MAP_SHARED), BASE);
	switch_to_new_mm(mm);
	/* First accesses that are writes: do_shared_fault -> ->page_mkwrite. */
	KT_EXPECT(put_byte(BASE, 'a'));
	KT_EXPECT(put_byte(BASE + PAGE_SIZE, 'b'));
	KT_EXPECT(put_byte(BASE, 'A'));                 /* granted already */
	KT_EXPECT(!put_byte(BASE + 2 * PAGE_SIZE, 'c')); /* the third page: SIGBUS */
	KT_EXPECT_EQ(pfn_at(mm, BASE + 2 * PAGE_SIZE), 0);
	KT_EXPECT_EQ(byte_at(BASE + 2 * PAGE_SIZE), 0);  /* reading is free */
	KT_EXPECT_EQ(f->f_op->unlocked_ioctl(f, QUOTA_IOC_GET_USED, 0), 2);
	/*
	 * Write notification: the page just read is mapped read-only although
	 * the VMA is shared and writable, so that the write to it faults into
	 * do_wp_page -> wp_page_shared -> ->page_mkwrite, which refuses it.
	 */
	KT_EXPECT(pfn_at(mm, BASE + 2 * PAGE_SIZE) != 0);
	KT_EXPECT(!pte_write(ptep_get(pgtable_walk_pte(mm->pgd, BASE + 2 * PAGE_SIZE, NULL))));
	KT_EXPECT(!put_byte(BASE + 2 * PAGE_SIZE, 'c'));
	/* Raising the limit lets the write through, and the PTE is writable. */
	KT_EXPECT_EQ(f->f_op->unlocked_ioctl(f, QUOTA_IOC_SET_LIMIT, 3), 0);
	KT_EXPECT(put_byte(BASE + 2 * PAGE_SIZE, 'c'));
	KT_EXPECT(pte_write(ptep_get(pgtable_walk_pte(mm->pgd, BASE + 2 * PAGE_SIZE, NULL))));
	KT_EXPECT(!put_byte(BASE + 3 * PAGE_SIZE, 'd'));
	KT_EXPECT_EQ(f->f_op->unlocked_ioctl(f, QUOTA_IOC_GET_USED, 0), 3);
	KT_EXPECT_EQ(byte_at(BASE), 'A');
	/* One ->page_mkwrite per write fault (not for the write to a page
	 * already writable), three of them refused. */
	KT_EXPECT_EQ(vm_event_read(FL_PAGE_MKWRITE) - calls, 6);
	KT_EXPECT_EQ(vm_event_read(FL_PAGE_MKWRITE_FAIL) - refused, 3);
	finish(saved, mm, NULL, f);
}

/* ---- /dev/faultlog ---------------------------------------------------------- */

/* The value of counter @name in /dev/faultlog's text, or -1. */
static long faultlog_counter(struct file *f, const char *name)
{
	char *text = kzalloc(PAGE_SIZE, GFP_KERNEL);
	size_t len = strlen(name);
	loff_t pos = 0;
	long val = -1;

	if (!text)
		return -1;
	if (kernel_read(f, text, PAGE_SIZE - 1, &pos) > 0) {
		for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			if (strncmp(line, name, len) || line[len] != ' ')
				continue;
			val = 0;
			for (char *d = line + len + 1; *d >= '0' && *d <= '9'; d++)
				val = val * 10 + (*d - '0');
			break;
		}
	}
	kfree(text);
	return val;
}

KTEST(dev_faultlog_counts_and_fills_cow_page)
{
	struct mm_struct *mm = mm_alloc(), *child, *saved = current->mm;
	struct file *log = open_dev("faultlog", O_RDWR), *f = open_dev("faultlog", O_RDWR);
	struct page *page1;
	int refs;
	loff_t pos = 0;

	KT_ASSERT(mm && !IS_ERR(log) && !IS_ERR(f));
	KT_EXPECT_EQ(kernel_write(log, "reset", 5, &pos), 5);
	KT_ASSERT_EQ(map_file(mm, f, BASE, 17, MAP_PRIVATE), BASE);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(byte_at(BASE + PAGE_SIZE), 'b');  /* read: the device's page */
	page1 = pfn_to_page(pfn_at(mm, BASE + PAGE_SIZE));
	refs = page_ref_count(page1);
	KT_EXPECT(put_byte(BASE + 2 * PAGE_SIZE, 'X'));  /* private write: cow_page */
	KT_EXPECT_EQ(byte_at(BASE + 2 * PAGE_SIZE + 1), 'c');
	KT_EXPECT_EQ(byte_at(BASE + 16 * PAGE_SIZE), -1); /* past its 16 pages */
	KT_EXPECT_EQ(faultlog_counter(log, "faults"), 3);
	KT_EXPECT_EQ(faultlog_counter(log, "read"), 2);
	KT_EXPECT_EQ(faultlog_counter(log, "write"), 1);
	KT_EXPECT_EQ(faultlog_counter(log, "cow"), 1);
	KT_EXPECT_EQ(faultlog_counter(log, "sigbus"), 1);
	/* fork copies the VMA (->open) and its PTEs (no fault). */
	child = dup_mm(mm);
	KT_ASSERT(child);
	KT_EXPECT_EQ(faultlog_counter(log, "vma_open"), 1);
	KT_EXPECT_EQ(page_ref_count(page1), refs + 1);
	switch_to_new_mm(saved);
	mmput(child);
	mmput(mm);
	KT_EXPECT_EQ(page_ref_count(page1), refs - 1);
	KT_EXPECT_EQ(faultlog_counter(log, "vma_close"), 2);
	KT_EXPECT_EQ(faultlog_counter(log, "faults"), 3);
	fput(f);
	fput(log);
}
