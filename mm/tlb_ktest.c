/*
 * ktests of the TLB bookkeeping and shootdown (arch/x86_64/tlb.c,
 * mm/tlb.c): which CPUs an mm's cpu_mask names, lazy TLB for kernel
 * threads, page tables kept while a CPU still has them in CR3, pages
 * freed only after their flush, and one cross-CPU call per range.
 *
 * With one CPU there is nobody to call, so the per-range tests put a
 * second CPU's bit into the mask by hand: the call is counted (and, while
 * that CPU is offline or does not have the mm loaded, does nothing). The
 * last test needs a second CPU that really holds a translation; it runs
 * on SMP=2 (suite ktest-smp, and make grade LAB=tlb) and returns at once
 * on one CPU.
 */
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/tlb.h>
#include <asm/switch_to.h>
#include <asm/tlbflush.h>
#include <asm/uaccess.h>

#define BASE    0x20000000UL
#define NPAGES  16

static long map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	long r;

	down_write(&mm->mmap_lock);
	r = do_mmap(mm, NULL, addr, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0);
	up_write(&mm->mmap_lock);
	return r;
}

/* A fresh mm with @npages written anonymous pages at BASE, loaded here
 * (current->mm becomes it: read the caller's old one first). */
static struct mm_struct *touched_mm_pages(struct kt *t, unsigned long npages)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	KT_EXPECT_EQ(map_anon(mm, BASE, npages * PAGE_SIZE), (long)BASE);
	switch_to_new_mm(mm);
	for (unsigned long i = 0; i < npages; i++)
		KT_EXPECT_EQ(copy_to_user((void *)(BASE + i * PAGE_SIZE), &i, sizeof(i)), 0);
	return mm;
}

static struct mm_struct *touched_mm(struct kt *t)
{
	return touched_mm_pages(t, NPAGES);
}

static bool this_cpu_in(struct mm_struct *mm)
{
	bool in;

	preempt_disable();
	in = cpumask_test_cpu(smp_processor_id(), &mm->cpu_mask) && cpu_loaded_mm() == mm;
	preempt_enable();
	return in;
}

KTEST(tlb_cpu_mask_follows_cr3)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;

	KT_ASSERT(mm);
	KT_EXPECT(cpumask_empty(&mm->cpu_mask));
	KT_EXPECT_EQ(mm->mm_count, 1);
	switch_to_new_mm(mm);
	KT_EXPECT(this_cpu_in(mm));
	KT_EXPECT((read_cr3() & PAGE_MASK) == __pa(mm->pgd));
	KT_EXPECT_EQ(mm->mm_count, 2);          /* the users', and this CPU's */
	switch_to_new_mm(saved);
	preempt_disable();
	KT_EXPECT(!cpumask_test_cpu(smp_processor_id(), &mm->cpu_mask));
	preempt_enable();
	KT_EXPECT_EQ(mm->mm_count, 1);
	mmput(mm);
}

struct lazy_probe {
	struct completion done;
	unsigned int cpu;
	struct mm_struct *loaded;
	unsigned long cr3;
	bool in_mask;
};

static int lazy_probe_fn(void *arg)
{
	struct lazy_probe *p = arg;
	unsigned long flags = local_irq_save();

	p->cpu = smp_processor_id();
	p->loaded = cpu_loaded_mm();
	p->cr3 = read_cr3() & PAGE_MASK;
	p->in_mask = p->loaded && cpumask_test_cpu(p->cpu, &p->loaded->cpu_mask);
	local_irq_restore(flags);
	complete(&p->done);
	return 0;
}

/* user mm -> kernel thread -> the same mm: no CR3 load, the CPU stays in
 * the mask, and the kernel thread runs on the user mm's tables. */
KTEST(tlb_lazy_kthread_keeps_mm)
{
	struct mm_struct *mm = mm_alloc(), *saved = current->mm;
	struct lazy_probe p = { 0 };
	unsigned long loads;
	unsigned int cpu;

	KT_ASSERT(mm);
	init_completion(&p.done);
	switch_to_new_mm(mm);
	cpu = smp_processor_id();
	loads = READ_ONCE(tlb_counters.cr3_loads);
	KT_ASSERT(kthread_run(lazy_probe_fn, &p, "kt-lazy-tlb"));
	wait_for_completion(&p.done);
	if (p.cpu == cpu && smp_processor_id() == cpu) {
		KT_EXPECT(p.loaded == mm);
		KT_EXPECT(p.in_mask);
		KT_EXPECT_EQ(p.cr3, __pa(mm->pgd));
		KT_EXPECT_EQ(READ_ONCE(tlb_counters.cr3_loads), loads);
	}
	KT_EXPECT(this_cpu_in(mm));
	switch_to_new_mm(saved);
	mmput(mm);
}

/* The last user goes while a CPU has the mm lazily in CR3: the pages go,
 * the page tables stay until that CPU loads something else. */
KTEST(tlb_lazy_cpu_keeps_page_tables)
{
	struct mm_struct *mm = touched_mm(t);
	unsigned long flags, before;
	unsigned int cpu;

	KT_ASSERT(mm);
	cpu = smp_processor_id();
	/* Become a kernel thread again without loading anything: what this
	 * CPU looks like when it runs a kernel thread after the mm's last
	 * task ran here and then exited on another CPU. */
	flags = local_irq_save();
	current->mm = NULL;
	local_irq_restore(flags);
	before = nr_free_pages();
	mmput(mm);                              /* mm_users 1 -> 0 */
	KT_EXPECT(nr_free_pages() >= before + NPAGES / 2);      /* the pages went */
	flags = local_irq_save();
	if (smp_processor_id() != cpu) {
		/* Moved to another CPU meanwhile: the first one holds the mm
		 * now, and lets go when it next loads a user mm. */
		local_irq_restore(flags);
		return;
	}
	KT_EXPECT(cpu_loaded_mm() == mm);
	KT_EXPECT_EQ(mm->mm_count, 1);          /* this CPU's reference */
	KT_EXPECT((read_cr3() & PAGE_MASK) == __pa(mm->pgd));
	before = nr_free_pages();
	switch_mm_irqs_off(NULL);
	switch_mm_finish();                     /* now the tables go too */
	KT_EXPECT(nr_free_pages() > before);
	local_irq_restore(flags);
}

/* The page-free hook's record: each page freed by a gather, and whether
 * the last flush before it covered the page's address. ZAP_PAGES fills
 * the batch twice, so that its full-batch flushes are seen as well as the
 * last one. */
#define ZAP_PAGES (2 * TLB_GATHER_PAGES + 8)

static struct {
	unsigned long pfn[ZAP_PAGES];
	unsigned int freed, flushed_first;
	unsigned long flushes_at_start;
} zap_rec;

static void record_free(struct page *page)
{
	for (unsigned int i = 0; i < ZAP_PAGES; i++) {
		unsigned long addr = BASE + i * PAGE_SIZE;

		if (zap_rec.pfn[i] != page_to_pfn(page))
			continue;
		zap_rec.freed++;
		if (READ_ONCE(tlb_counters.range_flushes) > zap_rec.flushes_at_start &&
		    tlb_counters.last_start <= addr && addr < tlb_counters.last_end)
			zap_rec.flushed_first++;
	}
}

KTEST(tlb_zap_frees_pages_after_the_flush)
{
	struct mm_struct *saved = current->mm, *mm = touched_mm_pages(t, ZAP_PAGES);

	KT_ASSERT(mm);
	memset(&zap_rec, 0, sizeof(zap_rec));
	for (unsigned int i = 0; i < ZAP_PAGES; i++) {
		pte_t *p = pgtable_walk_pte(mm->pgd, BASE + i * PAGE_SIZE, NULL);

		KT_ASSERT(p && pte_present(*p));
		zap_rec.pfn[i] = pte_pfn(*p);
	}
	zap_rec.flushes_at_start = READ_ONCE(tlb_counters.range_flushes);
	tlb_free_page_hook = record_free;
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_munmap(mm, BASE, ZAP_PAGES * PAGE_SIZE), 0);
	up_write(&mm->mmap_lock);
	tlb_free_page_hook = NULL;
	KT_EXPECT_EQ(zap_rec.freed, ZAP_PAGES);
	KT_EXPECT_EQ(zap_rec.flushed_first, ZAP_PAGES);
	switch_to_new_mm(saved);
	mmput(mm);
}

/* Another CPU "may cache" the mm: munmap, mprotect and fork each make one
 * cross-CPU call for their range, not one per page; tlb_shootdown=0 none. */
KTEST(tlb_one_call_per_range)
{
	struct mm_struct *saved = current->mm, *mm = touched_mm(t), *child;
	unsigned int other;
	unsigned long calls;
	bool was = tlb_shootdown;

	KT_ASSERT(mm);
	preempt_disable();
	other = (smp_processor_id() + 1) % NR_CPUS;
	preempt_enable();
	cpumask_set_cpu(other, &mm->cpu_mask);

	calls = READ_ONCE(tlb_counters.shootdown_calls);
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_mprotect(mm, BASE, NPAGES * PAGE_SIZE, PROT_READ), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 1);

	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_mprotect(mm, BASE, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	up_write(&mm->mmap_lock);
	for (unsigned long i = 0; i < NPAGES; i++)      /* writable again */
		KT_EXPECT_EQ(copy_to_user((void *)(BASE + i * PAGE_SIZE), &i, sizeof(i)), 0);
	calls = READ_ONCE(tlb_counters.shootdown_calls);
	child = dup_mm(mm);                     /* write-protects the parent's range */
	KT_EXPECT(child != NULL);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 1);

	calls = READ_ONCE(tlb_counters.shootdown_calls);
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_munmap(mm, BASE, NPAGES / 2 * PAGE_SIZE), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 1);

	tlb_shootdown = false;
	calls = READ_ONCE(tlb_counters.shootdown_calls);
	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_munmap(mm, BASE, NPAGES * PAGE_SIZE), 0);
	up_write(&mm->mmap_lock);
	KT_EXPECT_EQ(READ_ONCE(tlb_counters.shootdown_calls) - calls, 0);
	tlb_shootdown = was;

	cpumask_clear_cpu(other, &mm->cpu_mask);
	switch_to_new_mm(saved);
	if (child)
		mmput(child);
	mmput(mm);
}

/* ---- a real second CPU --------------------------------------------------- */

#define REMOTE_PAGE 3           /* touched_mm stored 3 there */

struct remote_reader {
	struct mm_struct *mm;
	struct completion ready, done;
	int go;                         /* the test: munmap has returned */
	unsigned int cpu;
	unsigned long value;
	unsigned long before, after;    /* copy_from_user: bytes not copied */
};

/* On the other CPU: load the mm, read the page until told to go (so that
 * this CPU's TLB holds its translation, and no CR3 load drops it), then
 * read it once more. */
static int remote_reader_fn(void *arg)
{
	struct remote_reader *r = arg;
	const void __user *addr = (const void __user *)(BASE + REMOTE_PAGE * PAGE_SIZE);
	unsigned long v;

	switch_to_new_mm(r->mm);
	r->before = copy_from_user(&r->value, addr, sizeof(r->value));
	r->cpu = smp_processor_id();
	complete(&r->ready);
	while (!READ_ONCE(r->go))
		(void)copy_from_user(&v, addr, sizeof(v));
	r->after = copy_from_user(&v, addr, sizeof(v));
	switch_to_new_mm(NULL);
	complete(&r->done);
	return 0;
}

/* CPU 1 reads a page of the mm in a loop; CPU 0 munmaps it. Once munmap
 * has returned, CPU 1's next read must fault: the shootdown reached it
 * (its bit in cpu_mask, the cross-CPU call, the handler's flush). With a
 * stale entry the read succeeds, from a page already freed. */
KTEST(tlb_remote_cpu_flushed_by_munmap)
{
	struct mm_struct *saved = current->mm, *mm;
	struct cpumask cpu0 = CPUMASK_NONE, cpu1 = CPUMASK_NONE, all = CPUMASK_ALL;
	struct remote_reader r = { 0 };
	struct task_struct *reader;

	if (num_online_cpus() < 2)
		return;                 /* no other CPU to shoot down */
	cpumask_set_cpu(0, &cpu0);
	cpumask_set_cpu(1, &cpu1);
	KT_ASSERT_EQ(set_cpus_allowed(current, &cpu0), 0);
	mm = touched_mm(t);
	KT_ASSERT(mm);
	r.mm = mm;
	init_completion(&r.ready);
	init_completion(&r.done);
	reader = task_create(remote_reader_fn, &r, "kt-tlb-reader", 0);
	KT_ASSERT(reader);
	reader->cpus_allowed = cpu1;    /* not yet runnable: nobody else looks */
	wake_up_process(reader);
	wait_for_completion(&r.ready);
	KT_EXPECT_EQ(r.cpu, 1);
	KT_EXPECT_EQ(r.before, 0);
	KT_EXPECT_EQ(r.value, REMOTE_PAGE);
	KT_EXPECT(cpumask_test_cpu(1, &mm->cpu_mask));  /* switch_mm_irqs_off */

	down_write(&mm->mmap_lock);
	KT_EXPECT_EQ(do_munmap(mm, BASE, NPAGES * PAGE_SIZE), 0);
	up_write(&mm->mmap_lock);
	WRITE_ONCE(r.go, 1);
	wait_for_completion(&r.done);
	KT_EXPECT_EQ(r.after, sizeof(unsigned long));  /* it faulted: nothing copied */

	switch_to_new_mm(saved);
	mmput(mm);
	KT_EXPECT_EQ(set_cpus_allowed(current, &all), 0);
}
