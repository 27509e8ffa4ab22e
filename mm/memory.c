/*
 * The fault path and the page-table side of user address spaces.
 *
 * Owns: building user page tables on demand, every page fault on a user
 * address (handle_mm_fault and the chain of one-case functions below it),
 * and the range operations the VMA code needs: zap_page_range (munmap,
 * exit, MADV_DONTNEED), copy_page_range (fork), change_protection
 * (mprotect).
 *
 * The chain (DESIGN.md, STYLE.md "one case, one function"):
 *
 *   handle_mm_fault
 *     PTE none, anonymous VMA ........ do_anonymous_page
 *     PTE none, file VMA, read ........ do_read_fault (do_fault_around first)
 *                         private write do_cow_fault
 *                         shared write  do_shared_fault
 *     PTE holds a swap entry ........ do_swap_page
 *     PTE present, write to a read-only PTE
 *                      ............... do_wp_page -> wp_page_shared
 *                                                  | wp_page_reuse
 *                                                  | wp_page_copy
 *
 * References: every PTE that maps a normal page holds one reference to it
 * (get_page) and one count in its _mapcount, and counts once in its mm's
 * rss_stat (file, anonymous or shmem: mm_counter); page_add_rmap and
 * page_remove_rmap do both. A page a fault makes anonymous (a fresh
 * page, a COW copy) first gets its reverse map (anon_vma_prepare, then
 * page_add_new_anon_rmap: mm/rmap.c) before any PTE maps it, and joins
 * the anonymous LRU (lru_cache_add_anon) only once it counts as mapped
 * (do_anonymous_page, wp_page_copy; do_cow_fault's copy still joins
 * before finish_fault maps it). A page read from swap is on the LRU from
 * the moment it enters the swap cache (read_swap_cache_async, readahead)
 * and gets its reverse map when a fault maps it (swapin_map_page). The
 * zero page is special: it
 * is mapped read-only into any anonymous VMA on a read fault and is never
 * counted. A page-cache page is additionally referenced by its cache, so
 * "page_ref_count(page) == 1" means "mapped only by the PTE at hand".
 *
 * Fault-around: a read fault on a file first maps the pages around it
 * that are ready in the page cache (->map_pages, fault_around_bytes),
 * read-only, with the same truncate_count recheck as finish_fault; if
 * the faulting page was among them, ->fault is not called at all
 * (docs/fault-path.md, "Fault-around").
 *
 * Locks: mm->mmap_lock is held (read for faults, write for the range
 * operations) by every caller. mm->page_table_lock (a spinlock) protects
 * every page-table entry of the mm; it is the innermost lock, and nothing
 * here sleeps with it held. A fault samples the PTE (vmf->orig_pte), may
 * sleep to allocate or read a page, and then installs its result only if
 * the PTE is still what it sampled (pte_same under the lock): otherwise a
 * racing fault won and this one backs out.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <mm/tlb.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>
#include "internal.h"
#include <asm/tlbflush.h>

/* ---- pages and PTEs ---------------------------------------------------- */

static struct page *zero_page;          /* (c) mapped read-only for reads of fresh anonymous memory */

/*
 * Debug switches for the truncate race (docs/truncate-race.md), from the
 * kernel command line: truncate_guard=0 turns off the truncate_count
 * recheck in finish_fault; fault_delay=MS makes every file fault sleep
 * that long between ->fault and the recheck, to hold the race window open.
 */
static bool truncate_guard = true;     /* (c) */
static unsigned int fault_delay_ms;    /* (c) */

/*
 * Fault-around's window, in pages (Linux's fault_around_bytes / PAGE_SIZE):
 * a power of two from 1 (off) to PTRS_PER_TABLE, 16 (64 KiB) by default.
 * Set by the boot option fault_around_bytes= and /proc/sys/vm/
 * fault_around_bytes; read without a lock (a fault uses the value it
 * sees).
 */
static unsigned long fault_around_pages = 16;  /* (a) */

static int set_fault_around_bytes(unsigned long bytes);

void memory_init(void)
{
	zero_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!zero_page)
		panic("memory_init: no page for the zero page");
	tlb_init();
	swap_cache_init();
	truncate_guard = cmdline_get_ulong(&kernel_cmdline, "truncate_guard", 1) != 0;
	fault_delay_ms = (unsigned int)cmdline_get_ulong(&kernel_cmdline, "fault_delay", 0);
	if (set_fault_around_bytes(cmdline_get_ulong(&kernel_cmdline, "fault_around_bytes",
						     fault_around_pages << PAGE_SHIFT)))
		pr_warn("mm: fault_around_bytes= above %lu ignored\n", PTRS_PER_TABLE * PAGE_SIZE);
	if (!truncate_guard)
		pr_warn("mm: truncate_guard=0: faults do not recheck truncate_count (debug)\n");
	if (fault_delay_ms)
		pr_warn("mm: fault_delay=%u: file faults sleep %u ms before installing the PTE (debug)\n",
			fault_delay_ms, fault_delay_ms);
}

bool is_zero_page(const struct page *page)
{
	return page == zero_page;
}

static inline pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

static inline bool pte_same(pte_t a, pte_t b)
{
	return pte_val(a) == pte_val(b);
}

/*
 * The page behind a PTE that is not none, or NULL when the frame is not
 * reference-counted: the zero page, or a raw frame of a VM_PFNMAP VMA
 * (device memory that may have no struct page at all).
 */
static struct page *vm_normal_page(struct vm_area_struct *vma, pte_t pte)
{
	struct page *page;

	if (vma->vm_flags & VM_PFNMAP)
		return NULL;
	page = pfn_to_page(pte_pfn(pte));
	return page == zero_page ? NULL : page;
}

/* A PTE that maps a frame, present or PROT_NONE (see vm_get_page_prot);
 * not a swap entry (asm/pgtable.h). */
static inline bool pte_mapped(pte_t pte)
{
	return pte_has_frame(pte);
}

/* Make a PTE writable only if the VMA allows writes (Linux's maybe_mkwrite). */
static inline pte_t maybe_mkwrite(pte_t pte, struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_WRITE ? pte_mkwrite(pte) : pte;
}

/*
 * Which of @mm's rss_stat counters a PTE of @vma mapping @page counts in.
 * Decided from the VMA (stable while the PTE exists), and for a private
 * file mapping from the page: a COW copy has no mapping, a page-cache page
 * keeps its mapping while mapped (truncate unmaps before it removes).
 */
static int mm_counter(const struct vm_area_struct *vma, const struct page *page)
{
	if (vma_is_anon_shmem(vma))
		return MM_SHMEMPAGES;
	if (vma->vm_file) {
		struct address_space *m = READ_ONCE(page->mapping);

		/* A tmpfs file's page is shmem, as Linux counts it. */
		if (!m)
			return MM_ANONPAGES;
		return shmem_mapping(m) ? MM_SHMEMPAGES : MM_FILEPAGES;
	}
	/* No file: anonymous memory, or a special mapping's inserted page
	 * (counted as a file page, as Linux's vm_insert_page does). */
	return vma->vm_ops ? MM_FILEPAGES : MM_ANONPAGES;
}

/* A PTE of @mm (in @vma, or a copy of it) now maps @page. Context: ptl held. */
static void page_add_rmap(struct mm_struct *mm, struct vm_area_struct *vma, struct page *page)
{
	__atomic_fetch_add(&page->_mapcount, 1, __ATOMIC_SEQ_CST);
	add_mm_counter(mm, mm_counter(vma, page), 1);
}

/* The PTE that mapped @page is gone: drop its map count. A dirty PTE's
 * data goes to the page first (for a file page, so that the store is
 * written back: LINUX-SEMANTICS.md item 22). The PTE's reference is the
 * caller's to drop, after the TLB flush. Context: ptl held. (Also
 * try_to_unmap's: include/mm/rmap.h.) */
void page_remove_rmap(struct vm_area_struct *vma, struct page *page, pte_t old)
{
	add_mm_counter(vma->vm_mm, mm_counter(vma, page), -1);
	if (pte_dirty(old) && page->mapping && mapping_cap_account_dirty(page->mapping))
		set_page_dirty(page);
	__atomic_fetch_sub(&page->_mapcount, 1, __ATOMIC_SEQ_CST);
}

/* The same, and drop the PTE's reference: for a PTE already flushed
 * (wp_page_copy; __unused because the cow lab's handout stubs it out). */
static __unused void page_remove_pte(struct vm_area_struct *vma, struct page *page, pte_t old)
{
	page_remove_rmap(vma, page, old);
	put_page(page);
}

static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_ops;
}

/* ---- walking and building the tables -------------------------------------- */

/* The PTE slot for @addr, or NULL if a table above it is missing.
 * Context: page_table_lock held, or mmap_lock held for writing. */
static pte_t *pte_lookup(struct mm_struct *mm, unsigned long addr)
{
	return pgtable_walk_pte(mm->pgd, addr, NULL);
}

/*
 * Add the first missing table on the way to @addr's PTE, using @table.
 * Returns true if @table was used. Context: page_table_lock held.
 */
static bool install_one_table(struct mm_struct *mm, unsigned long addr, phys_addr_t table)
{
	pgd_t *pgde = pgd_offset_pgd(mm->pgd, addr);
	pud_t *pude;
	pmd_t *pmde;

	if (pgd_none(*pgde)) {
		set_pgd(pgde, mk_pgd_table(table, true));
		return true;
	}
	pude = pud_offset(pgde, addr);
	if (pud_none(*pude)) {
		set_pud(pude, mk_pud_table(table, true));
		return true;
	}
	pmde = pmd_offset(pude, addr);
	if (pmd_none(*pmde)) {
		set_pmd(pmde, mk_pmd_table(table, true));
		return true;
	}
	return false;
}

/*
 * The PTE slot for @addr, building missing tables. A table page is
 * allocated with no lock held (the allocation may reclaim and sleep) and
 * installed under page_table_lock only if no one else installed one
 * meanwhile. Tables are freed only with the whole mm (exit_mmap), so the
 * returned pointer stays valid while the caller holds mmap_lock.
 * Returns NULL when memory runs out.
 */
pte_t *pte_alloc(struct mm_struct *mm, unsigned long addr)
{
	/* Every fault comes here, and the table is nearly always there
	 * already: find it without the lock. Under mmap_lock tables are
	 * only added, never removed, so each level read here is either
	 * empty (then the loop below looks again under the lock) or a
	 * complete table: its zeroing (pgtable_alloc_page) precedes
	 * install_one_table's store of the entry, and x86 makes stores
	 * visible in order (that store is a WRITE_ONCE after a call: the
	 * compiler keeps the order too). */
	pte_t *pte = pgtable_walk_pte(mm->pgd, addr, NULL);

	if (pte)
		return pte;
	for (;;) {
		phys_addr_t table;
		pte_t *pte;
		bool used;

		spin_lock(&mm->page_table_lock);
		pte = pte_lookup(mm, addr);
		spin_unlock(&mm->page_table_lock);
		if (pte)
			return pte;
		table = pgtable_alloc_page();
		if (!table)
			return NULL;
		spin_lock(&mm->page_table_lock);
		used = install_one_table(mm, addr, table);
		spin_unlock(&mm->page_table_lock);
		if (used)
			__atomic_add_fetch(&mm->nr_pgtables, 1, __ATOMIC_RELAXED);
		if (!used)
			put_page(pfn_to_page(PFN_DOWN(table)));
	}
}

/*
 * Call @fn on every PTE slot that exists in [start, end), skipping whole
 * missing tables. Context: page_table_lock held by the caller.
 */
static void walk_ptes(struct mm_struct *mm, unsigned long start, unsigned long end,
		      void (*fn)(pte_t *pte, unsigned long addr, void *arg), void *arg)
{
	unsigned long addr = start;

	while (addr < end) {
		pmd_t *pmd = pgtable_walk_pmd(mm->pgd, addr, NULL);
		unsigned long next = (addr + PMD_SIZE) & ~(PMD_SIZE - 1);

		if (next > end || next == 0)
			next = end;
		if (pmd && !pmd_none(*pmd) && !pmd_leaf(*pmd)) {
			pte_t *pte = pte_offset_kernel(pmd, addr);

			for (; addr < next; addr += PAGE_SIZE, pte++)
				fn(pte, addr, arg);
		}
		addr = next;
	}
}

/* ---- faults on a missing PTE --------------------------------------------- */

/*
 * Install @entry for vmf->address if the PTE is still vmf->orig_pte.
 * Returns false if another fault got there first. Context: takes and
 * drops page_table_lock.
 */
static bool set_pte_if_unchanged(struct vm_fault *vmf, pte_t entry)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	bool ok;

	spin_lock(&mm->page_table_lock);
	ok = pte_same(ptep_get(vmf->pte), vmf->orig_pte);
	if (ok)
		set_pte(vmf->pte, entry);
	spin_unlock(&mm->page_table_lock);
	return ok;
}

/*
 * Demand-zero anonymous memory. A read maps the shared zero page
 * read-only (as Linux does: a later write then faults into do_wp_page,
 * which copies it); a write gets a fresh zeroed page, writable and dirty.
 * Context: mmap_lock held for reading; may sleep (allocation).
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	/* LAB(cow): BEGIN do_anonymous_page: zero page on a read, new page on a write */
	/* LAB(cow): STUB (void)set_pte_if_unchanged; */
	/* LAB(cow): STUB return VM_FAULT_SIGBUS; */
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	pte_t entry;

	count_vm_event(FL_ANON_FAULT);
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		entry = pte_wrprotect(mk_pte(zero_page, vma->vm_page_prot));
		set_pte_if_unchanged(vmf, entry);
		return 0;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return VM_FAULT_OOM;
	/* Its reverse map, then its map count, and only then the LRU list,
	 * all before the PTE (a page freed right away, below, leaves the
	 * list and the anon_vma in __free_pages). Counted as mapped, it
	 * cannot look unmapped to reclaim meanwhile: try_to_unmap finds no
	 * PTE yet but a map count, and leaves it (TTU_AGAIN), where with a
	 * count of 0 reclaim could write it, take it out of the swap cache
	 * and drop it from the LRU while the fault was about to map it. */
	page_add_new_anon_rmap(page, vma, vmf->address);
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page, vma->vm_page_prot)), vma);
	page_add_rmap(vma->vm_mm, vma, page);
	lru_cache_add_anon(page);
	if (!set_pte_if_unchanged(vmf, entry)) {
		__atomic_fetch_sub(&page->_mapcount, 1, __ATOMIC_SEQ_CST);
		add_mm_counter(vma->vm_mm, MM_ANONPAGES, -1);
		put_page(page);
	}
	return 0;
	/* LAB(cow): END */
}

/*
 * Ask the VMA's ->fault for the page at vmf->pgoff. On success vmf->page
 * holds a referenced, uptodate page, unlocked: a handler that returns
 * VM_FAULT_LOCKED has its page unlocked here, so every later step sees
 * one contract. Returns the handler's vm_fault_t.
 */
static vm_fault_t __do_fault(struct vm_fault *vmf)
{
	vm_fault_t ret = vmf->vma->vm_ops->fault(vmf);

	if (ret & VM_FAULT_MAJOR)
		vmf->flags |= FAULT_FLAG_MAJOR;
	if (ret & VM_FAULT_NOPAGE)
		count_vm_event(FL_FAULT_NOPAGE);
	/* Only a private write fault has a cow_page to fill. */
	ASSERT(!(ret & VM_FAULT_DONE_COW) || vmf->cow_page);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY | VM_FAULT_DONE_COW))
		return ret;
	if (ret & VM_FAULT_LOCKED)
		unlock_page(vmf->page);
	return ret & ~VM_FAULT_LOCKED;
}

/*
 * Did a truncate run since do_fault sampled truncate_count? Then the page
 * in hand may have left the page cache (or, for a private write, been
 * copied from one that did), and it must not be mapped: the fault starts
 * again and ->fault, seeing the new i_size, finds the right page or gives
 * SIGBUS. Context: page_table_lock held, which orders this read after
 * the truncate's PTE walk if that walk already passed our PTE.
 */
static bool truncated_since_sample(const struct vm_fault *vmf)
{
	/* LAB(truncate): BEGIN truncated_since_sample: did truncate_count move? */
	/* LAB(truncate): STUB return false; */
	struct address_space *m = vma_mapping(vmf->vma);

	/* The recheck needs no smp_rmb of its own: it is made under the
	 * page-table lock, and a zapper that already passed this PTE bumped
	 * the count before it took that lock, so its unlock publishes the
	 * count to our acquire. (Whether ->fault's earlier reads of i_size
	 * and the cache happen before or after this one does not matter: a
	 * truncate they missed either shows here, or has not reached this
	 * PTE yet and will zap what we install.) docs/truncate-race.md. */
	return truncate_guard && m && READ_ONCE(m->truncate_count) != vmf->truncate_count;
	/* LAB(truncate): END */
}

/*
 * Map @page (whose reference passes to the PTE) at vmf->address, if the PTE
 * is still none and no truncate ran since do_fault began. For a write the
 * PTE is writable and dirty. Returns 0, VM_FAULT_NOPAGE when a racing
 * fault mapped something first, or VM_FAULT_RETRY when a truncate ran
 * (the page reference is dropped in both cases).
 * Context: mmap_lock held for reading; may sleep (fault_delay=), then
 * takes page_table_lock.
 */
vm_fault_t finish_fault(struct vm_fault *vmf, struct page *page)
{
	/* LAB(filemap): BEGIN finish_fault: map page if the PTE is unchanged */
	/* LAB(filemap): STUB (void)truncated_since_sample; */
	/* LAB(filemap): STUB put_page(page); */
	/* LAB(filemap): STUB return VM_FAULT_SIGBUS; */
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t entry = mk_pte(page, vma->vm_page_prot);
	vm_fault_t ret = 0;

	if (vmf->flags & FAULT_FLAG_WRITE)
		entry = maybe_mkwrite(pte_mkdirty(entry), vma);
	if (fault_delay_ms && vma->vm_file)
		msleep(fault_delay_ms);         /* debug: widen the truncate window */
	spin_lock(&mm->page_table_lock);
	/* LAB(truncate): BEGIN finish_fault: retry if a truncate ran meanwhile */
	/* LAB(truncate): STUB (void)truncated_since_sample; */
	/* LAB(truncate): STUB if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) { */
	if (truncated_since_sample(vmf)) {
		ret = VM_FAULT_RETRY;
	} else if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
	/* LAB(truncate): END */
		ret = VM_FAULT_NOPAGE;
	} else {
		if (page == vmf->page && vma->vm_ops->fault == filemap_fault &&
		    !READ_ONCE(page->mapping))
			pr_warn_once("fault: mapping page %lu of a file after it left the page cache "
				     "(the truncate race: truncate_guard=0?)\n", vmf->pgoff);
		page_add_rmap(mm, vma, page);
		set_pte(vmf->pte, entry);
	}
	spin_unlock(&mm->page_table_lock);
	if (ret == VM_FAULT_RETRY)
		count_vm_event(FL_TRUNCATE_RETRY);
	if (ret)
		put_page(page);
	return ret;
	/* LAB(filemap): END */
}

/* ---- PTEs installed by a ->fault handler ------------------------------------ */

static int insert_pte(struct vm_area_struct *vma, unsigned long addr, pte_t entry,
		      struct page *page)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *pte;
	int err = 0;

	if (addr < vma->vm_start || addr >= vma->vm_end)
		return -EFAULT;
	pte = pte_alloc(mm, addr & PAGE_MASK);
	if (!pte)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	if (!pte_none(ptep_get(pte))) {
		err = -EBUSY;
	} else {
		if (page) {
			get_page(page);
			page_add_rmap(mm, vma, page);
		}
		set_pte(pte, entry);
	}
	spin_unlock(&mm->page_table_lock);
	return err;
}

int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	ASSERT(!(vma->vm_flags & VM_PFNMAP));
	return insert_pte(vma, addr, mk_pte(page, vma->vm_page_prot), page);
}

int vm_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn)
{
	ASSERT(vma->vm_flags & VM_PFNMAP);
	return insert_pte(vma, addr, pfn_pte(pfn, vma->vm_page_prot), NULL);
}

/* ---- fault-around ---------------------------------------------------------- */

static int set_fault_around_bytes(unsigned long bytes)
{
	unsigned long pages = bytes >> PAGE_SHIFT;

	if (pages > PTRS_PER_TABLE)
		return -EINVAL;
	/* Down to a power of two, at least one page (which turns it off),
	 * as Linux's debugfs file does: the window must stay aligned. */
	pages = pages ? 1UL << (63 - __builtin_clzl(pages)) : 1;
	WRITE_ONCE(fault_around_pages, pages);
	return 0;
}

int fault_around_bytes_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%lu\n", READ_ONCE(fault_around_pages) << PAGE_SHIFT);
	return 0;
}

/* A decimal number of bytes, blanks around it allowed; -EINVAL for junk
 * or more than PTRS_PER_TABLE pages. */
int fault_around_bytes_store(const char *buf, size_t len)
{
	char num[24];
	unsigned long long v;
	size_t i = 0, n = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	while (i < len && buf[i] >= '0' && buf[i] <= '9' && n < sizeof(num) - 1)
		num[n++] = buf[i++];
	num[n] = 0;
	for (; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\0')
			return -EINVAL;
	if (!n || kstrtoull(num, 10, &v))
		return -EINVAL;
	return set_fault_around_bytes(v > ~0UL ? ~0UL : (unsigned long)v);
}

unsigned int finish_fault_around(struct vm_fault *vmf, struct page **pages, unsigned int nr,
				 unsigned long first, unsigned long last)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct address_space *m = vma_mapping(vma);
	/* The window lies in vmf->pte's page table (do_fault_around). */
	pte_t *table = vmf->pte - ((vmf->address >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1));
	unsigned int mapped = 0;

	first = max(first, vma->vm_pgoff);
	last = min(last, vma_last_pgoff(vma));
	if (fault_delay_ms)
		msleep(fault_delay_ms);         /* debug: finish_fault's window, here too */
	spin_lock(&mm->page_table_lock);
	if (truncated_since_sample(vmf)) {
		/* The i_size the window was cut at may be stale, and the
		 * pages may be leaving the cache: map none of them. */
		spin_unlock(&mm->page_table_lock);
		count_vm_event(FL_FAULT_AROUND_TRUNCATED);
		return 0;
	}
	for (unsigned int i = 0; i < nr; i++) {
		struct page *page = pages[i];
		unsigned long index = READ_ONCE(page->index), addr;
		pte_t *pte;

		if (index < first || index > last)
			continue;
		addr = vma->vm_start + ((index - vma->vm_pgoff) << PAGE_SHIFT);
		if ((addr & PMD_MASK) != (vmf->address & PMD_MASK))
			continue;
		pte = table + ((addr >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1));
		/* Mapped already (the pages behind a sequential reader), a
		 * COW copy, a swap entry: no need for the page lock. Under
		 * page_table_lock no one else fills a none PTE. */
		if (!pte_none(ptep_get(pte)))
			continue;
		/* Only tried: the page lock nests outside page_table_lock,
		 * and a page someone holds (a read, a truncate, write-back
		 * starting) is left to ->fault, which may wait for it. */
		if (!trylock_page(page))
			continue;
		/* Under its lock a page stays in its file at its index
		 * (truncate and reclaim take it out only locked): the index
		 * read above is the page's unless it left the file. */
		if (page->mapping != m || !PageUptodate(page) || page->index != index)
			goto next;
		page_add_rmap(mm, vma, page);
		/* Read-only even where vm_page_prot allows writes: the next
		 * write must fault (COW, ->page_mkwrite, dirty accounting). */
		set_pte(pte, pte_wrprotect(mk_pte(page, vma->vm_page_prot)));
		pages[i] = NULL;                /* its reference is the PTE's now */
		mapped++;
next:
		unlock_page(page);
	}
	spin_unlock(&mm->page_table_lock);
	count_vm_events(FL_FAULT_AROUND_PAGES, mapped);
	return mapped;
}

/*
 * Before ->fault, let ->map_pages map what is ready around the faulting
 * page: the fault_around_pages-aligned window that holds vmf->address, cut
 * to the VMA and to vmf->pte's page table. Returns VM_FAULT_NOPAGE if the
 * faulting PTE is no longer none (mapped by ->map_pages, or by a racing
 * fault): nothing is left to do. Not for VM_LOCKED VMAs: mlock populated
 * them, and each page a fault maps there must be mlocked, which
 * handle_mm_fault does for the faulting address only.
 * Context: mmap_lock held for reading; truncate_count sampled (do_fault).
 * (__unused: the filemap lab's handout stubs its caller out.)
 */
static __unused vm_fault_t do_fault_around(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long nr = READ_ONCE(fault_around_pages);
	unsigned long from = vmf->address & ~((nr << PAGE_SHIFT) - 1);
	unsigned long to = from + (nr << PAGE_SHIFT);

	if (nr <= 1 || !vma->vm_ops->map_pages || (vma->vm_flags & VM_LOCKED))
		return 0;
	from = max(from, max(vma->vm_start, vmf->address & PMD_MASK));
	to = min(to, min(vma->vm_end, (vmf->address & PMD_MASK) + PMD_SIZE));
	vma->vm_ops->map_pages(vmf, vmf->pgoff - ((vmf->address - from) >> PAGE_SHIFT),
			       vmf->pgoff + ((to - vmf->address) >> PAGE_SHIFT) - 1);
	return pte_none(ptep_get(vmf->pte)) ? 0 : VM_FAULT_NOPAGE;
}

/* A read of a file page: map the page-cache page itself (read-only for a
 * private mapping, whose vm_page_prot has no write bit), and the cached
 * pages around it (do_fault_around). */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	/* LAB(filemap): BEGIN do_read_fault: map the page ->fault finds */
	/* LAB(filemap): STUB return VM_FAULT_SIGBUS; */
	vm_fault_t ret = do_fault_around(vmf);

	if (ret)
		return ret;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	return finish_fault(vmf, vmf->page);
	/* LAB(filemap): END */
}

/*
 * The first access to a private file page is a write: copy the file's page
 * into a new anonymous page at once (LINUX-SEMANTICS.md item 25). The
 * handler gets the new page in vmf->cow_page and may fill it itself
 * (VM_FAULT_DONE_COW).
 */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	/* LAB(filemap): BEGIN do_cow_fault: map a private copy of the page */
	/* LAB(filemap): STUB return VM_FAULT_SIGBUS; */
	vm_fault_t ret;

	if (anon_vma_prepare(vmf->vma))
		return VM_FAULT_OOM;
	vmf->cow_page = alloc_page(GFP_KERNEL);
	if (!vmf->cow_page)
		return VM_FAULT_OOM;
	ret = __do_fault(vmf);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY)) {
		put_page(vmf->cow_page);
		return ret;
	}
	if (!(ret & VM_FAULT_DONE_COW)) {
		copy_page(page_address(vmf->cow_page), page_address(vmf->page));
		put_page(vmf->page);
	}
	/* The copy is an anonymous page of this VMA (not of the file). */
	page_add_new_anon_rmap(vmf->cow_page, vmf->vma, vmf->address);
	lru_cache_add_anon(vmf->cow_page);
	return finish_fault(vmf, vmf->cow_page);
	/* LAB(filemap): END */
}

/*
 * Ask the filesystem before a page of a shared mapping becomes writable
 * (it may reserve blocks, and fail). Returns 0 or VM_FAULT_SIGBUS /
 * VM_FAULT_OOM / VM_FAULT_NOPAGE (retry). Context: may sleep; no ptl.
 */
static vm_fault_t do_page_mkwrite(struct vm_fault *vmf, struct page *page)
{
	const struct vm_operations_struct *ops = vmf->vma->vm_ops;
	vm_fault_t ret;

	if (!ops || !ops->page_mkwrite)
		return 0;
	vmf->page = page;
	vmf->flags |= FAULT_FLAG_MKWRITE;
	count_vm_event(FL_PAGE_MKWRITE);
	ret = ops->page_mkwrite(vmf);
	vmf->flags &= ~FAULT_FLAG_MKWRITE;
	if (ret & VM_FAULT_ERROR)
		count_vm_event(FL_PAGE_MKWRITE_FAIL);
	return ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY);
}

/*
 * A write fault made a PTE of a shared mapping writable: dirty the page,
 * and make the writer help write back if too much memory is dirty (as
 * write() does).
 *
 * The page lock is what makes this safe against writeback, which holds it
 * from page_mkclean to the end of the write: if our writable PTE went in
 * after writeback's page_mkclean but before it cleared the dirty flag, we
 * wait here until it is done and then dirty the page again, so the store
 * is written next time. Without the lock the page could end up clean with
 * a writable PTE, and msync would miss the store (a hole 2.6.20 had).
 * Context: no page-table lock; sleeps (mmap_lock may be held).
 */
static void fault_dirty_shared_page(struct vm_area_struct *vma, struct page *page)
{
	struct address_space *m = page->mapping;

	if (!m || !mapping_cap_account_dirty(m))
		return;
	lock_page(page);
	if (page->mapping == m)         /* not truncated meanwhile */
		set_page_dirty(page);
	unlock_page(page);
	/* Without ->page_mkwrite to do it, the core updates the times (item 52). */
	if (!vma->vm_ops->page_mkwrite && vma->vm_file)
		file_update_time(vma->vm_file);
	balance_dirty_pages(m);
}

/* A write to a not-yet-mapped page of a shared mapping: the page-cache page
 * is mapped writable and becomes dirty (it reaches the file at writeback). */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct page *page;
	vm_fault_t ret = __do_fault(vmf);

	if (ret & (VM_FAULT_ERROR | VM_FAULT_NOPAGE | VM_FAULT_RETRY))
		return ret;
	page = vmf->page;
	ret = do_page_mkwrite(vmf, page);
	if (ret) {
		put_page(page);
		return ret;
	}
	get_page(page);                 /* keep it across finish_fault for the dirtying */
	ret = finish_fault(vmf, page);
	if (!ret)
		fault_dirty_shared_page(vmf->vma, page);
	put_page(page);
	return ret;
}

/*
 * A fault on a missing PTE of a VMA with vm_ops. For a file, first sample
 * the file's truncate_count (the reader side of the protocol in
 * docs/truncate-race.md): the smp_rmb() keeps ->fault's read of i_size
 * after it, pairing with the smp_wmb() in unmap_mapping_range, and
 * finish_fault rechecks the count under the page-table lock.
 */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct address_space *m = vma_mapping(vma);
	vm_fault_t ret;

	if (!vma->vm_ops->fault)
		return VM_FAULT_SIGBUS;
	/* LAB(truncate): BEGIN do_fault: sample truncate_count before ->fault */
	/* LAB(truncate): STUB (void)m; */
	if (m) {
		vmf->truncate_count = READ_ONCE(m->truncate_count);
		/* The sample before ->fault reads i_size and the page cache:
		 * pairs with the smp_wmb before the increment in
		 * unmap_mapping_range (a new count implies the new i_size). */
		smp_rmb();
	}
	/* LAB(truncate): END */
	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		count_vm_event(FL_READ_FAULT);
		ret = do_read_fault(vmf);
	} else if (!(vma->vm_flags & VM_SHARED)) {
		count_vm_event(FL_COW_FAULT);
		ret = do_cow_fault(vmf);
	} else {
		count_vm_event(FL_SHARED_FAULT);
		ret = do_shared_fault(vmf);
	}
	/* Mapping the page returns its own code: a fault whose ->fault
	 * waited for the disk is still major (ru_majflt, pgmajfault). */
	if (vmf->flags & FAULT_FLAG_MAJOR)
		ret |= VM_FAULT_MAJOR;
	return ret;
}

/* ---- swap entries (docs/reclaim.md "do_swap_page") ----------------------- */

static void wp_page_reuse(struct vm_fault *vmf);

/*
 * Map the swap-cache page @page (locked, uptodate, referenced by the
 * caller: that reference becomes the PTE's) where vmf->pte still holds
 * the swap entry it sampled, and drop that entry's hold on the slot. A
 * write takes the page out of the swap cache when this PTE is its only
 * user (reuse_swap_page), and maps it writable and dirty; otherwise the
 * page is mapped read-only and a later write copies it (do_wp_page), so
 * that the slot's copy stays valid for the others that name it.
 * A page just read in (or read ahead) is not anonymous yet: it gets the
 * VMA's anon_vma (the VMAs that may map it: the same family for every
 * process that names the slot, since only fork copies swap entries), so
 * reclaim can unmap it again (it is on the anonymous LRU already: the
 * swap cache put it there when it read it); only once the PTE is known
 * to be this one's (under the lock, after pte_same): a fault that lost
 * the race may have read a slot that was freed and reused by another
 * process meanwhile, and must not stamp that process's page with its own
 * anon_vma and index, which would hide the winner's PTE from the reverse
 * map (as Linux, which attaches after the recheck).
 * Returns false (nothing changed) if the PTE moved meanwhile.
 * Context: page locked; vma->anon_vma prepared; takes and drops
 * page_table_lock.
 */
static bool swapin_map_page(struct vm_fault *vmf, struct page *page, swp_entry_t entry)
{
	/* LAB(reclaim): BEGIN swapin_map_page: recheck the PTE, map the page, drop the entry's hold on the slot, reuse it for a write if this PTE is its only user */
	/* LAB(reclaim): STUB return false; */
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte = mk_pte(page, vma->vm_page_prot);

	spin_lock(&mm->page_table_lock);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		spin_unlock(&mm->page_table_lock);
		return false;
	}
	if (!page->anon_vma)
		page_add_new_anon_rmap(page, vma, vmf->address);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	page_add_rmap(mm, vma, page);
	swap_free(entry);
	if ((vmf->flags & FAULT_FLAG_WRITE) && reuse_swap_page(page))
		pte = maybe_mkwrite(pte_mkdirty(pte), vma);
	else
		pte = pte_wrprotect(pte);
	set_pte(vmf->pte, pte);
	spin_unlock(&mm->page_table_lock);
	return true;
	/* LAB(reclaim): END */
}

/*
 * The PTE holds a swap entry: find the page in the swap cache, or read it
 * from its slot (a major fault: pgmajfault, ru_majflt, pswpin), and map
 * it. The swap cache makes a page shared after fork come back once: the
 * second process's fault finds it there. The page lock is held from the
 * lookup to the PTE, and the PTE is rechecked under its lock after the
 * read, since another thread may have faulted it in (or munmap cleared
 * it) while this one slept.
 * Context: mmap_lock held for reading; may sleep (allocation, disk read).
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	/* LAB(reclaim): BEGIN do_swap_page: find the page in the swap cache or read it from its slot, check it, map it */
	/* LAB(reclaim): STUB return VM_FAULT_SIGBUS; */
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);
	vm_fault_t ret = 0;
	struct page *page;
	bool new_read;
	int err;

	if (anon_vma_prepare(vmf->vma))
		return VM_FAULT_OOM;
	page = read_swap_cache_async(entry, GFP_KERNEL, &new_read, &err);
	if (!page)
		/* -ENOENT: the slot is free, so the PTE no longer names it
		 * (a racing fault or zap): let the access retry. */
		return err == -ENOENT ? 0 : VM_FAULT_OOM;
	if (new_read) {
		ret = VM_FAULT_MAJOR;
		swap_readpage(page);            /* the page stays locked */
	} else {
		lock_page(page);
	}
	if (!PageSwapCache(page) || page->private != entry.val) {
		/* It left the cache while we slept on its lock (the entry was
		 * freed and the page reused): the PTE has changed too. */
		ret = 0;
	} else if (!PageUptodate(page)) {
		/* The read failed: no one may map this page. */
		if (!PageWriteback(page) && new_read)
			delete_from_swap_cache(page);
		ret = VM_FAULT_SIGBUS;
	} else if (swapin_map_page(vmf, page, entry)) {
		unlock_page(page);
		return ret;                     /* our reference is the PTE's now */
	}
	unlock_page(page);
	put_page(page);
	return ret;
	/* LAB(reclaim): END */
}

/*
 * do_wp_page on a swap-cache page (swapped in, mapped read-only): if this
 * PTE is its only user, neither another PTE nor a swap entry, take it out
 * of the swap cache and write it in place (Linux's reuse_swap_page).
 * The page lock is only tried: it is taken inside a page-table lock here.
 * Returns true if it reused the page (and dropped the lock).
 * Context: enters with ptl held; on false, still held.
 */
static bool wp_swapcache_reuse(struct vm_fault *vmf, struct page *page)
{
	bool reuse;

	if (!trylock_page(page))
		return false;
	reuse = reuse_swap_page(page);
	unlock_page(page);
	if (!reuse)
		return false;
	wp_page_reuse(vmf);
	spin_unlock(&vmf->vma->vm_mm->page_table_lock);
	return true;
}

/*
 * zap took the last PTE of a swap-cache page: if no swap entry names its
 * slot either, the page and the slot are garbage (no reclaim would find
 * an unmapped anonymous page): free the slot now, and the page goes with
 * the PTE's reference after the flush. A locked or written page is left
 * to its owner (swapoff, pageout) to finish.
 * Context: page_table_lock held.
 */
static void zap_swapcache_page(struct page *page)
{
	if (page_mapcount(page) || !trylock_page(page))
		return;
	try_to_free_swap(page);
	unlock_page(page);
}

/* fork of a swap PTE: one more entry names the slot. Returns 0 or
 * -ENOMEM (the slot's count is at its maximum). Context: both ptls held. */
static int copy_swap_pte(struct mm_struct *dst_mm, pte_t *dpte, pte_t pte)
{
	if (swap_duplicate(pte_to_swp_entry(pte)))
		return -ENOMEM;
	add_mm_counter(dst_mm, MM_SWAPENTS, 1);
	set_pte(dpte, pte);
	return 0;
}

/*
 * swapoff: read every entry of area @type in @mm back and map it, as a
 * fault would (do_swap_page's steps, without counting a fault). The swap
 * PTEs of one table are collected under the lock, then each is read in
 * with no spinlock held. Returns 0, or -ENOMEM when memory is short.
 * Context: no lock held; takes mmap_lock for reading.
 */
int unuse_mm(struct mm_struct *mm, unsigned int type)
{
	struct vm_area_struct *vma;
	int err = 0;

	down_read(&mm->mmap_lock);
	for (vma = find_vma(mm, 0); vma && !err; vma = vma_next(vma)) {
		for (unsigned long addr = vma->vm_start; addr < vma->vm_end && !err;
		     addr += PAGE_SIZE) {
			struct vm_fault vmf = { .vma = vma, .address = addr, .flags = 0 };
			swp_entry_t entry;
			struct page *page;
			bool new_read;

			spin_lock(&mm->page_table_lock);
			vmf.pte = pte_lookup(mm, addr);
			vmf.orig_pte = vmf.pte ? ptep_get(vmf.pte) : __pte(0);
			spin_unlock(&mm->page_table_lock);
			if (!vmf.pte) {
				addr = ((addr + PMD_SIZE) & ~(PMD_SIZE - 1)) - PAGE_SIZE;
				continue;
			}
			if (!is_swap_pte(vmf.orig_pte))
				continue;
			entry = pte_to_swp_entry(vmf.orig_pte);
			if (swp_type(entry) != type)
				continue;
			err = anon_vma_prepare(vma);
			if (err)
				break;
			page = read_swap_cache_async(entry, GFP_KERNEL, &new_read, &err);
			if (!page) {
				if (err == -ENOENT)
					err = 0;        /* gone meanwhile */
				continue;
			}
			if (new_read)
				swap_readpage(page);
			else
				lock_page(page);
			if (PageSwapCache(page) && page->private == entry.val &&
			    PageUptodate(page) && swapin_map_page(&vmf, page, entry)) {
				unlock_page(page);
				continue;
			}
			/* A failed read: the page must not stay in the cache
			 * (a later fault would find it, not uptodate, and give
			 * SIGBUS without trying the slot again): out, as in
			 * do_swap_page. The entry stays, the walk goes on. */
			if (new_read && PageSwapCache(page) && page->private == entry.val &&
			    !PageUptodate(page) && !PageWriteback(page))
				delete_from_swap_cache(page);
			unlock_page(page);
			put_page(page);
		}
	}
	up_read(&mm->mmap_lock);
	return err;     /* a bad slot stays: swapoff then finds it in use */
}

/* ---- writes to a write-protected PTE ------------------------------------- */

/* Make the present PTE writable in place: the faulting process may write
 * the page it already maps. Context: enters and leaves with ptl held. */
static void wp_page_reuse(struct vm_fault *vmf)
{
	pte_t entry = pte_mkyoung(pte_mkdirty(pte_mkwrite(vmf->orig_pte)));

	set_pte(vmf->pte, entry);
	/* More access, not less: another CPU with the read-only entry takes
	 * a spurious fault, finds this PTE, and flushes its own entry. */
	flush_tlb_mm_page_local(vmf->vma->vm_mm, vmf->address);
	count_vm_event(FL_WP_REUSE);
}

/*
 * Give the faulting process its own copy of the page it maps read-only
 * (a COW page shared after fork, a private file page, or the zero page).
 * Context: enters with ptl held, returns with it released; may sleep.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	/* LAB(cow): BEGIN wp_page_copy: copy old into a new page and map that */
	/* LAB(cow): STUB spin_unlock(&vmf->vma->vm_mm->page_table_lock); */
	/* LAB(cow): STUB return VM_FAULT_SIGBUS; */
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *new;
	pte_t entry;

	if (old)
		get_page(old);          /* keep it while we copy without the lock */
	spin_unlock(&mm->page_table_lock);
	new = anon_vma_prepare(vma) ? NULL : alloc_page(old ? GFP_KERNEL : GFP_KERNEL | __GFP_ZERO);
	if (!new) {
		if (old)
			put_page(old);
		return VM_FAULT_OOM;
	}
	if (old)
		copy_page(page_address(new), page_address(old));
	page_add_new_anon_rmap(new, vma, vmf->address);
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(new, vma->vm_page_prot)), vma);

	spin_lock(&mm->page_table_lock);
	if (pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		pte_t gone = ptep_get_and_clear(vmf->pte);

		/* Every CPU must stop using the old page before the new one is
		 * mapped and before the old one can be freed (put_page below):
		 * a store through a stale entry would land in a page this
		 * process no longer maps, or in someone else's. */
		flush_tlb_mm_page(mm, vmf->address);
		page_add_rmap(mm, vma, new);
		set_pte(vmf->pte, entry);
		/* On the LRU only once mapped (lru_lock nests inside
		 * page_table_lock): reclaim never sees it unmapped. */
		lru_cache_add_anon(new);
		if (old)
			page_remove_pte(vma, old, gone);
		new = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	if (new)
		put_page(new);          /* a racing fault resolved it first */
	if (old)
		put_page(old);
	return 0;
	/* LAB(cow): END */
}

/*
 * A write to a page of a shared writable mapping whose PTE is read-only
 * (dirty tracking: the page was clean). Run ->page_mkwrite, then make the
 * PTE writable and the page dirty. Context: enters with ptl held, returns
 * with it released; may sleep.
 */
static vm_fault_t wp_page_shared(struct vm_fault *vmf, struct page *page)
{
	/* LAB(dirty): BEGIN wp_page_shared: page_mkwrite, writable PTE, dirty page */
	/* LAB(dirty): STUB spin_unlock(&vmf->vma->vm_mm->page_table_lock); */
	/* LAB(dirty): STUB return VM_FAULT_SIGBUS; */
	struct mm_struct *mm = vmf->vma->vm_mm;
	vm_fault_t ret;
	bool reused;

	get_page(page);
	spin_unlock(&mm->page_table_lock);
	ret = do_page_mkwrite(vmf, page);
	if (ret) {
		put_page(page);
		return ret;
	}
	spin_lock(&mm->page_table_lock);
	reused = pte_same(ptep_get(vmf->pte), vmf->orig_pte);
	if (reused)
		wp_page_reuse(vmf);
	spin_unlock(&mm->page_table_lock);
	if (reused)
		fault_dirty_shared_page(vmf->vma, page);
	put_page(page);
	return 0;
	/* LAB(dirty): END */
}

/*
 * A write hit a present, read-only PTE in a writable VMA. Decide between
 * the three cases by what the page is and who else maps it.
 * Context: mmap_lock held for reading; may sleep.
 */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;

	spin_lock(&mm->page_table_lock);
	if (!pte_same(ptep_get(vmf->pte), vmf->orig_pte)) {
		spin_unlock(&mm->page_table_lock);
		return 0;               /* changed under us: let the access retry */
	}
	count_vm_event(FL_WP_FAULT);
	page = vm_normal_page(vma, vmf->orig_pte);
	if (vma->vm_flags & VM_SHARED) {
		if (page)
			return wp_page_shared(vmf, page);
		/* A raw frame of a shared device mapping: write it in place. */
		wp_page_reuse(vmf);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/*
	 * An anonymous page whose only reference is this PTE belongs to this
	 * process alone (the other side of a fork already copied, or exited):
	 * write it in place. A page-cache page is also referenced by its cache,
	 * so a private mapping of a file always copies.
	 */
	/* LAB(cow): BEGIN do_wp_page: reuse a page this PTE alone uses */
	if (page && !page->mapping && page_ref_count(page) == 1) {
		wp_page_reuse(vmf);
		spin_unlock(&mm->page_table_lock);
		return 0;
	}
	/* LAB(cow): END */
	if (page && !page->mapping && PageSwapCache(page) && wp_swapcache_reuse(vmf, page))
		return 0;
	count_vm_event(FL_COW_FAULT);
	return wp_page_copy(vmf, page);
}

/* ---- the entry ----------------------------------------------------------- */

/*
 * Resolve one fault at @address in @vma (the caller has checked that the
 * VMA allows the access). Returns 0 or VM_FAULT_* bits.
 * Context: mmap_lock held for reading; may sleep.
 */
static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
				    unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.real_address = address,
		.pgoff = ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff,
		.flags = flags,
	};

	vmf.pte = pte_alloc(vma->vm_mm, vmf.address);
	if (!vmf.pte)
		return VM_FAULT_OOM;
	vmf.orig_pte = ptep_get(vmf.pte);
	if (pte_none(vmf.orig_pte))
		return vma_is_anonymous(vma) ? do_anonymous_page(&vmf) : do_fault(&vmf);
	if (is_swap_pte(vmf.orig_pte))
		return do_swap_page(&vmf);
	if ((flags & FAULT_FLAG_WRITE) && !pte_write(vmf.orig_pte))
		return do_wp_page(&vmf);
	/* Already resolved (a racing fault, or a stale TLB entry here). */
	flush_tlb_mm_page_local(vma->vm_mm, vmf.address);
	return 0;
}

/*
 * Count the fault as Linux does (mm_account_fault): every call in
 * /proc/vmstat's pgfault; one that was resolved (not an error, not to be
 * retried) in the task's ru_majflt or ru_minflt. Faults made for the
 * kernel (MAP_POPULATE, user copies) count as the task's too.
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	vm_fault_t ret;

	count_vm_event(PGFAULT);
	ret = __handle_mm_fault(vma, address, flags);
	if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
		return ret;
	if (vma->vm_flags & VM_LOCKED)
		mlock_vma_page_at(vma, address);        /* mm/mlock.c */
	if (ret & VM_FAULT_MAJOR) {
		current->maj_flt++;
		count_vm_event(PGMAJFAULT);
	} else {
		current->min_flt++;
	}
	return ret;
}

/* Does @vma allow the access that faulted? (x86 cannot express write-only
 * or exec-only pages, so any access right allows a read.) */
static bool access_error(unsigned int flags, const struct vm_area_struct *vma)
{
	if (flags & FAULT_FLAG_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (flags & FAULT_FLAG_INSTRUCTION)
		return !(vma->vm_flags & VM_EXEC);
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

enum user_fault_result do_user_addr_fault(struct mm_struct *mm, unsigned long address,
					  unsigned int flags)
{
	struct vm_area_struct *vma;
	enum user_fault_result result = USER_FAULT_OK;
	vm_fault_t ret;

	might_sleep();
	for (;;) {
		down_read(&mm->mmap_lock);
		vma = find_vma(mm, address);
		if (!vma || vma->vm_start > address) {
			up_read(&mm->mmap_lock);
			return USER_FAULT_MAPERR;
		}
		if (access_error(flags, vma)) {
			up_read(&mm->mmap_lock);
			return USER_FAULT_ACCERR;
		}
		ret = handle_mm_fault(vma, address, flags);
		up_read(&mm->mmap_lock);
		if (!(ret & VM_FAULT_RETRY))
			break;
		/* The handler dropped its locks to wait; start again. */
	}
	if (ret & VM_FAULT_OOM)
		result = USER_FAULT_OOM;
	else if (ret & VM_FAULT_SIGBUS)
		result = USER_FAULT_SIGBUS;
	else if (ret & VM_FAULT_SIGSEGV)
		result = USER_FAULT_ACCERR;
	return result;
}

void mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	for (unsigned long addr = start; addr < start + len; addr += PAGE_SIZE) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned int flags = 0;
		vm_fault_t ret;

		if (!vma || vma->vm_start > addr || !(vma->vm_flags & VM_ACCESS_FLAGS))
			return;
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			flags = FAULT_FLAG_WRITE;
		do
			ret = handle_mm_fault(vma, addr, flags);
		while (ret & VM_FAULT_RETRY);
		if (ret & VM_FAULT_ERROR)
			return;
	}
}

/* ---- range operations (mmap_lock held for writing) ------------------------ */

/* What to zap: every page of the range, or (invalidation) only the pages
 * of check_mapping, keeping private COW copies. */
struct zap_details {
	struct vm_area_struct *vma;
	struct address_space *check_mapping;    /* NULL: everything */
	unsigned long zapped;
	struct mmu_gather *tlb;                 /* flush before the pages go */
};

static void zap_one(pte_t *pte, unsigned long addr, void *arg)
{
	struct zap_details *d = arg;
	pte_t old = ptep_get(pte);
	struct page *page;

	if (is_swap_pte(old)) {
		/* A swapped-out private page: its slot goes with it. Only a
		 * truncate's even_cows zap (no check_mapping) takes these. */
		if (d->check_mapping)
			return;
		ptep_get_and_clear(pte);
		add_mm_counter(d->vma->vm_mm, MM_SWAPENTS, -1);
		free_swap_and_cache(pte_to_swp_entry(old));
		d->zapped++;
		return;
	}
	if (!pte_mapped(old))
		return;
	if (d->check_mapping) {
		page = vm_normal_page(d->vma, old);
		if (!page || page->mapping != d->check_mapping)
			return;
	}
	d->zapped++;
	old = ptep_get_and_clear(pte);
	page = vm_normal_page(d->vma, old);
	if (page) {
		page_remove_rmap(d->vma, page, old);
		if (PageSwapCache(page))
			zap_swapcache_page(page);
		tlb_remove_page(d->tlb, page, addr);    /* put after the flush */
	} else {
		tlb_add_range(d->tlb, addr);
	}
}

/*
 * Clear the PTEs of [start, end), flush the range on every CPU that may
 * cache it (once, or once per full batch), and only then drop the pages'
 * references (mm/tlb.c). The flush happens before the page-table lock is
 * dropped. An mm with no users left (exit_mmap) runs on no CPU: no flush.
 */
static unsigned long zap_range(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			       struct address_space *check_mapping)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb;
	struct zap_details d = { .vma = vma, .check_mapping = check_mapping, .tlb = &tlb };

	tlb_gather_mmu(&tlb, mm, READ_ONCE(mm->mm_users) == 0);
	spin_lock(&mm->page_table_lock);
	/* A PTE reclaim cleared is a swap entry or none here, so this walk
	 * would not flush it: its stale entry must not outlive munmap. */
	if (!tlb.fullmm)
		flush_tlb_batched_pending(mm);
	walk_ptes(mm, start, end, zap_one, &d);
	tlb_flush_mmu(&tlb);
	spin_unlock(&mm->page_table_lock);
	tlb_finish_mmu(&tlb);
	return d.zapped;
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	zap_range(vma, start, end, NULL);
}

/*
 * Remove every PTE, in every process, that maps a file page of @m in
 * [holebegin, holebegin + holelen) (holelen 0: to the end of the file),
 * including the private copies made from those pages when @even_cows
 * (truncate: past EOF nothing may stay mapped, LINUX-SEMANTICS.md item 35);
 * without it only page-cache pages go (invalidation keeps private data).
 *
 * This is the writer side of the truncate_count protocol (2.6.20's
 * unmap_mapping_range; docs/truncate-race.md): the caller has already
 * published the new i_size; the count is bumped after it (smp_wmb pairs
 * with the smp_rmb in do_fault: a fault that sees the new count sees the
 * new size) and before any PTE is read (smp_mb: a fault that installs a
 * PTE after we looked at it must see the new count when it rechecks under
 * the page-table lock, and back out).
 *
 * Context: the inode lock held by the caller (truncate); takes i_mmap_lock
 * and each mm's page_table_lock; does not sleep.
 */
void unmap_mapping_range(struct address_space *m, loff_t holebegin, loff_t holelen,
			 bool even_cows)
{
	unsigned long first = (unsigned long)(holebegin >> PAGE_SHIFT);
	unsigned long last = ~0UL;
	struct vm_area_struct *vma;
	unsigned long zapped = 0;

	if (holelen)
		last = first + (unsigned long)((holelen + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1;
	spin_lock(&m->i_mmap_lock);
	/* LAB(truncate): BEGIN unmap_mapping_range: bump truncate_count, with barriers */
	/* The caller's new i_size before the new count: pairs with the
	 * smp_rmb after the sample in do_fault. */
	smp_wmb();
	WRITE_ONCE(m->truncate_count, m->truncate_count + 1);
	/* The new count before any PTE is read: a fault that installs its
	 * PTE after the walk below passed it must see the new count when it
	 * rechecks (truncated_since_sample). The page-table lock, taken by
	 * the walk and by the recheck, also orders the two; the full barrier
	 * keeps that true where a lock acquire lets earlier stores pass. */
	smp_mb();
	/* LAB(truncate): END */
	for_each_vma_in_range(vma, m, first, last) {
		unsigned long from = max(first, vma->vm_pgoff);
		unsigned long to = min(last, vma_last_pgoff(vma));

		zapped += zap_range(vma, vma->vm_start + ((from - vma->vm_pgoff) << PAGE_SHIFT),
				    vma->vm_start + ((to - vma->vm_pgoff + 1) << PAGE_SHIFT),
				    even_cows ? NULL : m);
	}
	spin_unlock(&m->i_mmap_lock);
	while (zapped--)
		count_vm_event(FL_TRUNCATE_UNMAP);
}

struct protect_details {
	struct vm_area_struct *vma;
	bool dirty_accountable;         /* dirty PTEs of a write-notify VMA stay writable */
	struct mmu_gather tlb;          /* the range of changed PTEs (no pages) */
};

static void protect_one(pte_t *pte, unsigned long addr, void *arg)
{
	struct protect_details *d = arg;
	pte_t old = ptep_get(pte), new;

	if (!pte_mapped(old))
		return;
	new = pte_modify(old, d->vma->vm_page_prot);
	/* A dirty page was already announced by ->page_mkwrite: no need to
	 * fault again on its next write (2.6.20's dirty_accountable). */
	if (d->dirty_accountable && pte_present(new) && pte_dirty(old))
		new = pte_mkwrite(new);
	if (pte_val(new) == pte_val(old))
		return;
	set_pte(pte, new);
	tlb_add_range(&d->tlb, addr);
}

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct protect_details d = {
		.vma = vma,
		.dirty_accountable = vma_wants_writenotify(vma),
	};

	tlb_gather_mmu(&d.tlb, mm, false);
	spin_lock(&mm->page_table_lock);
	/* A stale writable entry of a PTE reclaim cleared must not outlive
	 * mprotect either (the walk sees only the swap entry). */
	flush_tlb_batched_pending(mm);
	walk_ptes(mm, start, end, protect_one, &d);
	tlb_flush_mmu(&d.tlb);                  /* once for the range */
	spin_unlock(&mm->page_table_lock);
}

/*
 * Whether fork must copy @src's PTEs, as Linux's vma_needs_copy decides:
 * a VMA with no anon_vma has no anonymous page and no swap entry, only
 * page-cache pages (a file, shared anonymous memory) and the zero page,
 * which the child's faults find again, so copying them would only make
 * the child's exit unmap them. A VMA whose pages a driver put in
 * (VM_PFNMAP, VM_MIXEDMAP) is copied as it is.
 */
static bool vma_needs_copy(const struct vm_area_struct *src)
{
	return src->anon_vma || (src->vm_flags & (VM_PFNMAP | VM_MIXEDMAP));
}

/* Copy the entry at @spte (for @addr) into @dpte. Context: both mms'
 * page_table_lock held. Returns 0 or -ENOMEM (no swap count left). */
static int copy_one_pte(struct mm_struct *dst_mm, struct vm_area_struct *src, pte_t *dpte,
			pte_t *spte, unsigned long addr, struct mmu_gather *tlb)
{
	bool cow = !(src->vm_flags & VM_SHARED);
	pte_t pte = ptep_get(spte);
	struct page *page;

	if (is_swap_pte(pte))
		return copy_swap_pte(dst_mm, dpte, pte);
	if (!pte_mapped(pte))
		return 0;
	/* LAB(cow): BEGIN copy_page_range: write-protect a private page on both sides */
	/* LAB(cow): STUB (void)cow; */
	if (cow && pte_write(pte)) {
		/* Atomic: another thread's CPU may set the dirty bit in
		 * between (its entry is writable until the flush in
		 * copy_page_range). */
		ptep_set_wrprotect(spte);
		pte = ptep_get(spte);
		tlb_add_range(tlb, addr);
	}
	/* LAB(cow): END */
	page = vm_normal_page(src, pte);
	if (page) {
		get_page(page);
		page_add_rmap(dst_mm, src, page);
	}
	set_pte(dpte, pte);
	return 0;
}

/*
 * fork: copy the PTEs of @src into @dst_mm. Pages of a private mapping
 * become copy-on-write: write-protected in both parent and child and
 * shared, so whichever writes first copies (do_wp_page). Shared mappings
 * keep their PTEs as they are. VMAs without anonymous pages are not
 * copied at all (vma_needs_copy).
 *
 * One page table at a time: the parent's table is looked up, and if it
 * holds any entry the child's is allocated (with no lock held: it may
 * sleep) and the whole table's range copied under both page-table locks
 * (the child's, then the parent's). Each PTE is read and copied with both
 * held: otherwise a truncate could clear the parent's PTE and look at the
 * child's still-empty slot between the two steps, and the child would
 * keep a page that left the file. The child's VMA is already on i_mmap,
 * after the parent's (mm/rmap.c). Entries that are none stay none: with
 * mmap_lock held for writing (dup_mm) no fault can fill one meanwhile,
 * and tables are freed only with the mm, so @spte stays valid while the
 * locks are dropped.
 * Returns 0 or -ENOMEM.
 */
int copy_page_range(struct mm_struct *dst_mm, struct vm_area_struct *src)
{
	struct mm_struct *src_mm = src->vm_mm;
	struct mmu_gather tlb;                  /* the parent's write-protected range */
	unsigned long addr, next;
	int err = 0;

	if (!vma_needs_copy(src))
		return 0;
	tlb_gather_mmu(&tlb, src_mm, false);
	for (addr = src->vm_start; addr < src->vm_end && !err; addr = next) {
		unsigned int i, n;
		pte_t *spte, *dpte;

		next = min((addr + PMD_SIZE) & ~(PMD_SIZE - 1), src->vm_end);
		n = (unsigned int)((next - addr) >> PAGE_SHIFT);
		spin_lock(&src_mm->page_table_lock);
		spte = pte_lookup(src_mm, addr);
		for (i = 0; spte && i < n && pte_none(ptep_get(spte + i)); i++)
			;
		spin_unlock(&src_mm->page_table_lock);
		if (!spte || i == n)
			continue;               /* no table, or an empty range */
		dpte = pte_alloc(dst_mm, addr);
		if (!dpte) {
			err = -ENOMEM;
			break;
		}
		spin_lock(&dst_mm->page_table_lock);
		spin_lock(&src_mm->page_table_lock);
		for (; i < n && !err; i++)
			err = copy_one_pte(dst_mm, src, dpte + i, spte + i,
					   addr + ((unsigned long)i << PAGE_SHIFT), &tlb);
		spin_unlock(&src_mm->page_table_lock);
		spin_unlock(&dst_mm->page_table_lock);
	}
	/*
	 * One flush of the parent's range, before fork returns and so before
	 * the child can run: until then another thread of the parent, on
	 * another CPU, may still store through a writable entry into a page
	 * the child now shares. (The parent itself is in fork, storing
	 * nothing there.) The same holds for a PTE reclaim cleared during
	 * the copy with its flush still pending in its batch: the child has
	 * the swap entry, and the page must not see the parent's later
	 * stores through the stale entry.
	 */
	spin_lock(&src_mm->page_table_lock);
	flush_tlb_batched_pending(src_mm);
	spin_unlock(&src_mm->page_table_lock);
	tlb_flush_mmu(&tlb);
	return err;
}
