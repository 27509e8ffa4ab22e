/*
 * ktests of reclaim's deferred TLB flush (mm/tlb.c: struct
 * tlbflush_unmap_batch, try_to_unmap_batch in mm/rmap.c, the two halves
 * of reclaim in mm/vmscan.c; docs/smp-tlb.md "Reclaim's batch").
 *
 * rmap_batch_one_flush_for_many_pages: try_to_unmap_batch of eight
 * mapped pages of an mm another CPU "may cache" sends no cross-CPU call;
 * try_to_unmap_flush sends one; the next mprotect flushes the whole mm
 * once (flush_tlb_batched_pending), the one after that not again.
 *
 * rmap_batch_remote_writer_stale_until_flush (two CPUs): a kernel thread
 * on CPU 1 stores into a page of a shared file mapping in a loop. Once
 * the batch has cleared its PTE, it keeps storing through its stale
 * entry (the PTE stays empty: this is why the flush must come before
 * writeout); once try_to_unmap_flush has returned, its next store faults
 * and maps the page again. Without the batch's cross-CPU call, the PTE
 * never comes back. The last value it stored is in the page.
 */
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/tlb.h>
#include <asm/switch_to.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>

#define BBASE   0x3c000000UL
#define BPAGES  8
#define BPATH   "/ktest-rmap-batch"

static bool bpresent(struct mm_struct *mm, unsigned long addr)
{
	pte_t *p;
	bool v;

	spin_lock(&mm->page_table_lock);
	p = pgtable_walk_pte(mm->pgd, addr, NULL);
	v = p && pte_has_frame(ptep_get(p));
	spin_unlock(&mm->page_table_lock);
	return v;
}

/* A file of @pages pages mapped shared and writable at BBASE in a new mm,
 * every page stored into (dirty PTEs). Returns the mm; *@fp the file. */
static struct mm_struct *bsetup(struct kt *t, struct file **fp)
{
	static char buf[PAGE_SIZE];
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct file *f = filp_open(BPATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	loff_t pos = 0;
	long r;

	*fp = NULL;
	if (!mm || IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "mm_alloc or open " BPATH " failed");
		if (mm)
			mmput(mm);
		return NULL;
	}
	memset(buf, 'b', sizeof(buf));
	for (unsigned int i = 0; i < BPAGES; i++)
		kernel_write(f, buf, PAGE_SIZE, &pos);
	down_write(&mm->mmap_lock);
	r = do_mmap(mm, f, BBASE, BPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(r, (long)BBASE);
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < BPAGES; i++)
		KT_EXPECT_EQ(copy_to_user((void *)(BBASE + i * PAGE_SIZE), &i, sizeof(i)), 0);
	switch_to_new_mm(saved);
	*fp = f;
	return mm;
}

static void bteardown(struct mm_struct *mm, struct file *f)
{
	mmput(mm);
	filemap_write_and_wait(f->f_inode->i_mapping);
	fput(f);
	vfs_unlink(BPATH);
}

static struct page *bcached(struct file *f, unsigned long index)
{
	struct page *page = find_get_page(f->f_inode->i_mapping, index);

	if (page)
		put_page(page);         /* the cache keeps it */
	return page;
}

KTEST(rmap_batch_one_flush_for_many_pages)
{
	struct tlbflush_unmap_batch batch = { .cpumask = CPUMASK_NONE };
	struct page *pages[BPAGES];
	struct file *f;
	struct mm_struct *mm = bsetup(t, &f);
	unsigned long calls, batches, ranges;
	unsigned int other;

	KT_ASSERT(mm);
	preempt_disable();
	other = (smp_processor_id() + 1) % NR_CPUS;
	preempt_enable();
	cpumask_set_cpu(other, &mm->cpu_mask);  /* "may cache" it: calls are counted */

	calls = READ_ONCE(tlb_counters.shootdown_calls);
	batches = READ_ONCE(tlb_counters.batch_flushes);
	for (unsigned int i = 0; i < BPAGES; i++) {
		pages[i] = bcached(f, i);
		KT_ASSERT(pages[i]);
		get_page(pages[i]);
		lock_page(pages[i]);
		KT_EXPECT_EQ(try_to_unmap_batch(pages[i], &batch), TTU_SUCCESS);
		KT_EXPECT_EQ(page_mapcount(pages[i]), 0);
		KT_EXPECT(PageDirty(pages[i]));         /* the PTE's dirty bit moved */
	}
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 0);
	KT_EXPECT(batch.flush_required);
	KT_EXPECT(cpumask_test_cpu(other, &batch.cpumask));
	KT_EXPECT(READ_ONCE(mm->tlb_flush_batched));
	try_to_unmap_flush(&batch);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 1);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.batch_flushes) - batches, 1);
	KT_EXPECT(!batch.flush_required);
	try_to_unmap_flush(&batch);                     /* empty: nothing */
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.batch_flushes) - batches, 1);
	for (unsigned int i = 0; i < BPAGES; i++) {
		unlock_page(pages[i]);
		put_page(pages[i]);
	}

	/* The pending flag: the next mprotect flushes the whole mm once (its
	 * own range has no PTE left to flush), the one after it nothing. */
	ranges = READ_ONCE(tlb_counters.range_flushes);
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_mprotect(mm, BBASE, BPAGES * PAGE_SIZE, PROT_READ), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.range_flushes) - ranges, 1);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.last_start), 0);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.last_end), USER_TOP);
	KT_EXPECT(!READ_ONCE(mm->tlb_flush_batched));
	ranges = READ_ONCE(tlb_counters.range_flushes);
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_mprotect(mm, BBASE, BPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.range_flushes) - ranges, 0);

	cpumask_clear_cpu(other, &mm->cpu_mask);
	bteardown(mm, f);
}

/* ---- a real second CPU --------------------------------------------------- */

#define WPAGE 2

struct remote_writer {
	struct mm_struct *mm;
	struct completion ready, done;
	int go;                         /* the test: stop storing */
	unsigned int cpu;
	unsigned long stores;           /* stores done (the value last stored) */
	unsigned long failed;           /* a store that copied nothing */
};

/* On the other CPU: load the mm and store an increasing count into the
 * page until told to stop. */
static int remote_writer_fn(void *arg)
{
	struct remote_writer *w = arg;
	void __user *addr = (void __user *)(BBASE + WPAGE * PAGE_SIZE);
	unsigned long v = 0;

	switch_to_new_mm(w->mm);
	w->cpu = smp_processor_id();
	v++;
	w->failed += copy_to_user(addr, &v, sizeof(v)) != 0;
	WRITE_ONCE(w->stores, v);
	complete(&w->ready);
	while (!READ_ONCE(w->go)) {
		v++;
		w->failed += copy_to_user(addr, &v, sizeof(v)) != 0;
		WRITE_ONCE(w->stores, v);
	}
	switch_to_new_mm(NULL);
	complete(&w->done);
	return 0;
}

/* Spin (with the tick running) until @cond or @ms milliseconds pass. */
#define BWAIT(cond, ms) ({                                              \
	u64 __end = jiffies + (u64)(ms) * HZ / 1000 + 1;                \
	while (!(cond) && jiffies < __end)                              \
		cpu_relax();                                            \
	(cond);                                                         \
})

KTEST(rmap_batch_remote_writer_stale_until_flush)
{
	struct tlbflush_unmap_batch batch = { .cpumask = CPUMASK_NONE };
	struct cpumask cpu0 = CPUMASK_NONE, cpu1 = CPUMASK_NONE, all = CPUMASK_ALL;
	struct mm_struct *saved = current->mm, *mm;
	struct remote_writer w = { 0 };
	struct task_struct *writer;
	unsigned long at_unmap, v = 0;
	struct file *f;
	struct page *page;

	if (num_online_cpus() < 2)
		return;                 /* no other CPU to cache the entry */
	cpumask_set_cpu(0, &cpu0);
	cpumask_set_cpu(1, &cpu1);
	KT_ASSERT_EQ(set_cpus_allowed(current, &cpu0), 0);
	mm = bsetup(t, &f);
	KT_ASSERT(mm);
	page = bcached(f, WPAGE);
	KT_ASSERT(page);
	w.mm = mm;
	init_completion(&w.ready);
	init_completion(&w.done);
	writer = task_create(remote_writer_fn, &w, "kt-batch-writer", 0);
	KT_ASSERT(writer);
	writer->cpus_allowed = cpu1;    /* not yet runnable: nobody else looks */
	wake_up_process(writer);
	wait_for_completion(&w.ready);
	KT_EXPECT_EQ(w.cpu, 1);

	get_page(page);
	lock_page(page);
	KT_EXPECT_EQ(try_to_unmap_batch(page, &batch), TTU_SUCCESS);
	KT_EXPECT(PageDirty(page));
	/* Not flushed yet: CPU 1 goes on storing through its stale entry,
	 * and nothing faults the page back in. */
	at_unmap = READ_ONCE(w.stores);
	KT_EXPECT(BWAIT(READ_ONCE(w.stores) > at_unmap + 1000, 1000));
	KT_EXPECT(!bpresent(mm, BBASE + WPAGE * PAGE_SIZE));
	try_to_unmap_flush(&batch);
	unlock_page(page);
	put_page(page);
	/* Flushed: CPU 1's next store faults and maps the page again. */
	KT_EXPECT(BWAIT(bpresent(mm, BBASE + WPAGE * PAGE_SIZE), 2000));

	WRITE_ONCE(w.go, 1);
	wait_for_completion(&w.done);
	KT_EXPECT_EQ(w.failed, 0);
	switch_to_new_mm(mm);
	KT_EXPECT_EQ(copy_from_user(&v, (void *)(BBASE + WPAGE * PAGE_SIZE), sizeof(v)), 0);
	switch_to_new_mm(saved);
	KT_EXPECT_EQ(v, w.stores);                      /* every store reached the page */
	bteardown(mm, f);
	KT_EXPECT_EQ(set_cpus_allowed(current, &all), 0);
}
