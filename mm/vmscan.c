/*
 * Page reclaim (see include/mm/vmscan.h and docs/reclaim.md).
 *
 * Owns: the four LRU lists (Linux's: inactive and active, each for
 * anonymous and for file pages), their lengths, PG_lru and PG_active of
 * every page, and the wait queue of reclaimers throttled on write-back.
 * A page's list is fixed by PG_swapbacked (anonymous: set when the fault
 * makes the page, mm/rmap.c; shmem: set by lru_cache_add) and PG_active.
 *
 * Invariants, under lru_lock:
 *   - a page is on a list iff PG_lru is set, on an active one iff
 *     PG_active is set too; page->lru links it;
 *   - a page on a list has a non-zero reference count or is being freed
 *     (then __free_pages takes it off through lru_page_freed before it
 *     reaches the buddy lists, which reuse page->lru).
 * Reclaim isolates pages: under lru_lock it takes a reference
 * (get_page_unless_zero: a page whose count already fell to zero is
 * being freed and is left alone) and clears PG_lru, and the page is then
 * on no list but the reclaimer's own array until it is put back or freed.
 *
 * Mapped pages: reclaim asks the reverse map (mm/rmap.c) whether a PTE
 * used the page since it last looked (page_referenced, which clears the
 * accessed bits), and unmaps it before it frees it (try_to_unmap). A page
 * a VM_LOCKED VMA maps is kept (PG_mlocked). The anonymous lists are
 * scanned only while there is swap (Linux's get_scan_count): an anonymous
 * page has nowhere else to go; the swap code adds the anonymous step of
 * shrink_page_unmap (marked there).
 *
 * Lock order: page lock -> i_mmap_lock or anon_vma->lock ->
 * page_table_lock -> mapping->tree_lock -> lru_lock. Reclaim runs
 * with PF_MEMALLOC (its own allocations take the reserve and never
 * recurse into reclaim), with no spinlock held (the allocator calls it
 * only where it may sleep) but possibly with sleeping locks held by its
 * caller: any page lock, an inode's i_rwsem, mmap_lock, a filesystem's
 * mutexes, a buffer's b_io_lock. So it never waits for a page lock
 * (trylock_page, skip the busy page), and direct reclaim never calls into
 * a filesystem: a dirty file page is written only by kswapd (pageout,
 * ->writepage), which holds nothing of its own, or by the flusher
 * (mm/page-writeback.c); the allocator waits for those with a timeout,
 * never on a lock. Linux has made the same split since 3.x. The rest are
 * spinlocks, each dropped before the next list or page: lru_lock to
 * isolate and put back, the reverse-map walks' locks, a mapping's
 * tree_lock (inside the page lock, as everywhere) to remove a page; and
 * the shrinkers (mm/shrinker.c) only if their mutex is free at once
 * (mutex_trylock), which take bcache_lock or inode_hash_lock.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <drivers/blkdev.h>
#include <fs/buffer.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/rmap.h>
#include <mm/shrinker.h>
#include <mm/swap.h>
#include <mm/tlb.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>

static DEFINE_SPINLOCK(lru_lock);
/* (lru_lock) newest first; reclaim takes the tail. Indexed by enum lru_list. */
static struct list_head lru_lists[NR_LRU_LISTS] = {
	LIST_HEAD_INIT(lru_lists[0]), LIST_HEAD_INIT(lru_lists[1]),
	LIST_HEAD_INIT(lru_lists[2]), LIST_HEAD_INIT(lru_lists[3]),
};
static unsigned long lru_size[NR_LRU_LISTS];    /* (lru_lock) */
static DECLARE_WAIT_QUEUE_HEAD(reclaim_wait);

static struct task_struct *kswapd_task;         /* (c) after boot */
static DECLARE_WAIT_QUEUE_HEAD(kswapd_wait);
/* Set by wakeup_kswapd, cleared by kswapd when it starts a run; atomics,
 * no lock: the allocator sets it from any context. */
static int kswapd_pending;
/* Runs in a row that reached neither high nor any progress; at
 * KSWAPD_MAX_FAILURES the allocator stops waking kswapd (there is nothing
 * it can reclaim: anonymous memory without swap, locked memory) until a
 * reclaim, direct or not, frees a page again (Linux's
 * pgdat->kswapd_failures). Atomic. */
static int kswapd_failures;
#define KSWAPD_MAX_FAILURES 16
/* ktests that need free memory to stay where they put it hold kswapd off
 * (kswapd_pause); kswapd_running says a run is under way. Atomics. */
static int kswapd_paused, kswapd_running;

/* The inactive list of @page's kind; the active one is the next. */
static enum lru_list page_lru_base(const struct page *page)
{
	return PageSwapBacked(page) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
}

/* Context: lru_lock held. */
static void add_page_to_lru_locked(struct page *page, bool active)
{
	enum lru_list l = page_lru_base(page) + (active ? LRU_ACTIVE : 0);

	ASSERT_HELD(&lru_lock);
	if (active)
		set_page_flag(page, PG_active);
	else
		clear_page_flag(page, PG_active);
	list_add(&page->lru, &lru_lists[l]);
	lru_size[l]++;
	set_page_flag(page, PG_lru);
}

/* Context: lru_lock held; the page is on a list. */
static void del_page_from_lru_locked(struct page *page)
{
	enum lru_list l = page_lru_base(page);

	ASSERT_HELD(&lru_lock);
	list_del(&page->lru);
	if (test_and_clear_page_flag(page, PG_active))
		l += LRU_ACTIVE;
	lru_size[l]--;
	clear_page_flag(page, PG_lru);
}

void lru_cache_add(struct address_space *m, struct page *page)
{
	unsigned long flags;

	if (m->unevictable)
		return;
	/* A shmem page is swap-backed, as in Linux: it goes on the
	 * anonymous lists, which reclaim scans only while there is swap
	 * (without swap it has nowhere to go, and one shared by hundreds
	 * of processes would cost a walk of all their PTEs at every look). */
	if (shmem_mapping(m))
		set_page_flag(page, PG_swapbacked);
	flags = spin_lock_irqsave(&lru_lock);
	add_page_to_lru_locked(page, false);
	spin_unlock_irqrestore(&lru_lock, flags);
}

void lru_cache_add_anon(struct page *page)
{
	unsigned long flags;

	ASSERT(PageSwapBacked(page));
	flags = spin_lock_irqsave(&lru_lock);
	add_page_to_lru_locked(page, false);
	spin_unlock_irqrestore(&lru_lock, flags);
}

void lru_page_freed(struct page *page)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);

	if (PageLRU(page))
		del_page_from_lru_locked(page);
	spin_unlock_irqrestore(&lru_lock, flags);
}

void mark_page_accessed(struct page *page)
{
	unsigned long flags;

	if (!test_and_set_page_flag(page, PG_referenced))
		return;                         /* first use since reclaim looked */
	if (PageActive(page) || !PageLRU(page))
		return;
	/* Used twice while inactive: worth keeping. */
	flags = spin_lock_irqsave(&lru_lock);
	if (PageLRU(page) && !PageActive(page)) {
		del_page_from_lru_locked(page);
		add_page_to_lru_locked(page, true);
		clear_page_flag(page, PG_referenced);
		count_vm_event(PGACTIVATE);
	}
	spin_unlock_irqrestore(&lru_lock, flags);
}

/*
 * Take up to @max pages off the tail of list @l into @pages, each with a
 * reference. Returns how many. Context: takes lru_lock.
 */
static unsigned int isolate_lru_pages(enum lru_list l, struct page **pages, unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);
	struct page *page, *prev;
	unsigned int n = 0;

	list_for_each_entry_safe_reverse(page, prev, &lru_lists[l], lru) {
		if (n == max)
			break;
		if (!get_page_unless_zero(page))
			continue;               /* being freed: lru_page_freed takes it */
		del_page_from_lru_locked(page);
		pages[n++] = page;
	}
	spin_unlock_irqrestore(&lru_lock, flags);
	return n;
}

/*
 * Put isolated pages back (@active[i] says on which list) and drop the
 * isolation references. Context: takes lru_lock; then put_page, which may
 * free a page that was truncated or unmapped meanwhile.
 */
static void putback_lru_pages(struct page **pages, const bool *active, unsigned int n)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);

	for (unsigned int i = 0; i < n; i++)
		if (pages[i])
			add_page_to_lru_locked(pages[i], active[i]);
	spin_unlock_irqrestore(&lru_lock, flags);
	for (unsigned int i = 0; i < n; i++)
		if (pages[i])
			put_page(pages[i]);
}

/* PAGE_UNMAPPED: shrink_page_unmap's "locked, PTEs gone or going, go on
 * after the batch's flush" (shrink_page_finish gives the verdict). */
enum page_verdict { PAGE_FREED, PAGE_KEEP, PAGE_ACTIVATE, PAGE_DROP, PAGE_UNMAPPED };

/*
 * Was the page used since reclaim last looked (Linux's
 * page_check_references)? Through a PTE: a page used by several PTEs,
 * through one on two looks in a row (PG_referenced remembers the first),
 * or a file page of an executable mapping, goes back to the active list;
 * used once, it gets one more round on the inactive list. An unmapped
 * page-cache page: PG_referenced, set by read() and write()
 * (mark_page_accessed), buys one more round.
 * Context: page locked.
 */
static enum page_verdict page_check_references(struct page *page)
{
	/* LAB(reclaim): BEGIN page_check_references: the second-chance verdict on an inactive page */
	/* LAB(reclaim): STUB return PAGE_FREED; */
	unsigned long vm_flags;
	int ptes = page_referenced(page, true, &vm_flags);

	if (vm_flags & VM_LOCKED)
		return PAGE_ACTIVATE;           /* PG_mlocked now set */
	if (ptes) {
		if (test_and_set_page_flag(page, PG_referenced) || ptes > 1)
			return PAGE_ACTIVATE;
		/* Program text used once goes back too (Linux does the same):
		 * evicting it makes every process that runs it fault. */
		if ((vm_flags & VM_EXEC) && !PageSwapBacked(page))
			return PAGE_ACTIVATE;
		return PAGE_KEEP;
	}
	if (test_and_clear_page_flag(page, PG_referenced) && page_mapcount(page) == 0)
		return PAGE_KEEP;
	return PAGE_FREED;                      /* (may go: not a verdict yet) */
	/* LAB(reclaim): END */
}

/*
 * kswapd writes a dirty file page (Linux's pageout): with the page
 * locked, clear its dirty flag (write-protecting every mapping first:
 * clear_page_dirty_for_io) and call ->writepage, which unlocks it. The
 * write may still be in flight when this returns (PG_writeback): the page
 * stays on the inactive list and a later pass frees it. If it is already
 * done and nothing dirtied or took the page meanwhile, relock it and free
 * it now. Returns the verdict; the page is unlocked.
 */
static enum page_verdict pageout(struct page *page, struct address_space *m)
{
	count_vm_event(NR_VMSCAN_WRITE);
	write_one_page(page);                   /* unlocks; a failure leaves it dirty */
	if (PageWriteback(page) || PageDirty(page) || !trylock_page(page))
		return PAGE_KEEP;
	if (page->mapping != m) {
		unlock_page(page);
		return PAGE_DROP;               /* truncated while unlocked */
	}
	/* PG_writeback before PG_dirty (see swap_pageout_done). */
	if (!PageWriteback(page) && !PageDirty(page) && remove_mapping(m, page)) {
		unlock_page(page);
		return PAGE_FREED;
	}
	unlock_page(page);
	return PAGE_KEEP;
}

/*
 * The anonymous pageout: write a dirty swap-cache page (locked, unmapped)
 * to its slot without waiting (swap_writepage unlocks it; any CPU, direct
 * reclaim too: no filesystem is involved, and nothing it allocates enters
 * reclaim). If the write is already done and nothing mapped or dirtied
 * the page meanwhile, free it now; otherwise a later pass does. Returns
 * the verdict; the page is unlocked.
 */
static enum page_verdict swap_pageout_done(struct page *page);

static enum page_verdict swap_pageout(struct page *page)
{
	if (swap_writepage(page))
		return PAGE_ACTIVATE;           /* the write was refused: keep it */
	return swap_pageout_done(page);
}

/* After a swap write was started (the page unlocked): free the page now if
 * the write is done and nothing took or dirtied it. */
static enum page_verdict swap_pageout_done(struct page *page)
{
	if (PageWriteback(page) || PageDirty(page) || !trylock_page(page))
		return PAGE_KEEP;
	/* PG_writeback first, then PG_dirty: a failed write's completion
	 * (end_swap_write, interrupt context, no page lock) sets PG_dirty
	 * and then clears PG_writeback; reading in the same order (the
	 * flag reads are acquire loads, so the second cannot pass the
	 * first) a completed write is seen with its dirty bit. The other
	 * order could read "clean" while the write was in flight, then "no
	 * write-back" after it failed, and drop the only copy. */
	if (PageSwapCache(page) && !page_mapcount(page) && !PageWriteback(page) &&
	    !PageDirty(page)) {
		delete_from_swap_cache(page);
		unlock_page(page);
		return PAGE_FREED;
	}
	unlock_page(page);
	return PAGE_KEEP;
}

/* Anonymous, or a shmem page that left its object for the swap cache (it
 * is freed the same way). Context: page locked. */
static bool page_is_anon(struct page *page)
{
	return PageAnon(page) || (PageSwapCache(page) && !page->mapping);
}

/*
 * Reclaim in two halves around one TLB flush (the deferred flush: mm/tlb.c,
 * docs/smp-tlb.md "Reclaim's batch"). shrink_page_unmap decides whether
 * an isolated page may go and clears its PTEs into @batch; the caller
 * flushes the batch once for all its pages (try_to_unmap_flush); only
 * then does shrink_page_finish write the page out or free it, and unlock
 * it. A page with a cleared PTE stays locked until the flush, so that
 * nothing else (the flusher's write-back, a truncate) handles it while
 * another CPU may still store into it through a stale entry.
 *
 * shrink_page_unmap: returns PAGE_UNMAPPED with the page still locked and
 * *@ttu the unmap's result (TTU_SUCCESS if nothing mapped it), or a final
 * verdict with the page unlocked. Context: the page is referenced by the
 * caller and off the lists; only tries its lock.
 */
static enum page_verdict shrink_page_unmap(struct page *page, struct reclaim_stat *rs,
					   struct tlbflush_unmap_batch *batch,
					   enum ttu_result *ttu)
{
	bool anon;
	struct address_space *m;
	enum page_verdict v = PAGE_KEEP;

	if (!trylock_page(page)) {
		rs->nr_writeback++;             /* read in, written back or truncated right now */
		return PAGE_KEEP;
	}
	anon = page_is_anon(page);
	/*
	 * Kept without a walk: a page a VM_LOCKED VMA maps (mm/mlock.c).
	 * Linux moves it to an "unevictable" list; here it goes back to the
	 * active one, and shrink_active_list, whose walk finds the locked
	 * VMA again, keeps it there.
	 */
	if (PageMlocked(page)) {
		v = PAGE_ACTIVATE;
		goto out;
	}
	m = page->mapping;
	if (!anon && (!m || m->unevictable)) {
		v = PAGE_DROP;                  /* truncated meanwhile: off the lists for good */
		goto out;
	}
	if (PageWriteback(page)) {
		rs->nr_writeback++;             /* freed on a later pass, once written */
		goto out;
	}
	/* A shmem page has no other copy: without a free swap slot it stays. */
	if (!anon && shmem_mapping(m) && !nr_free_swap_pages()) {
		v = PAGE_ACTIVATE;
		goto out;
	}
	v = page_check_references(page);
	if (v != PAGE_FREED)
		goto out;
	v = PAGE_KEEP;
	if (anon) {
		/* ---- the anonymous step: give the page a swap slot and put
		 * it in the swap cache (add_to_swap, dirty: the slot holds
		 * nothing yet) so that try_to_unmap can replace its PTEs by
		 * the slot's swap entry. Without a slot it stays; a page of an
		 * area being switched off is swapoff's to bring back. */
		if (PageSwapCache(page) && swap_entry_dying((swp_entry_t){ page->private })) {
			v = PAGE_ACTIVATE;
			goto out;
		}
		if (!PageSwapCache(page) && !add_to_swap(page)) {
			v = PAGE_ACTIVATE;
			goto out;
		}
	}
	*ttu = TTU_SUCCESS;
	if (page_mapcount(page) > 0)
		*ttu = try_to_unmap_batch(page, batch);
	return PAGE_UNMAPPED;
out:
	unlock_page(page);
	return v;
}

/*
 * The second half: after the batch's flush, act on the unmap's result
 * @ttu: write the page out (anonymous to its slot, shmem through
 * shmem_writeout, a dirty file page by kswapd's pageout) or free it.
 * Returns the verdict; the page is unlocked. Context: page locked by
 * shrink_page_unmap, which returned PAGE_UNMAPPED.
 */
static enum page_verdict shrink_page_finish(struct page *page, struct reclaim_stat *rs,
					    enum ttu_result ttu)
{
	bool anon = page_is_anon(page);
	struct address_space *m = page->mapping;
	enum page_verdict v = PAGE_KEEP;

	switch (ttu) {
	case TTU_SUCCESS:
		break;
	case TTU_AGAIN:                         /* a fault mapped it again: later */
		goto out;
	case TTU_FAIL:
	case TTU_MLOCK:
		v = PAGE_ACTIVATE;
		goto out;
	}
	if (!anon && shmem_mapping(m)) {
		/* Out of its object into the swap cache, and written. */
		if (shmem_writeout(page))       /* unlocks */
			return PAGE_KEEP;
		return swap_pageout_done(page);
	}
	if (PageDirty(page)) {
		if (anon)
			return swap_pageout(page);      /* unlocks */
		if (!current_is_kswapd()) {
			rs->nr_dirty++;         /* the flusher's or kswapd's: see the top */
			goto out;
		}
		return pageout(page, m);        /* unlocks */
	}
	if (anon) {
		/* Clean, unmapped, its copy on the slot: out of the swap
		 * cache, and the caller's put frees it. */
		if (!page_mapcount(page)) {
			delete_from_swap_cache(page);
			v = PAGE_FREED;
		}
		goto out;
	}
	if (remove_mapping(m, page))
		v = PAGE_FREED;
out:
	unlock_page(page);
	return v;
}

/* Reclaim from the tail of inactive list @l, up to @nr_to_scan pages
 * (at most SWAP_CLUSTER_MAX) looked at. Returns the pages freed. */
static unsigned long shrink_inactive_list(enum lru_list l, unsigned int nr_to_scan,
					  struct reclaim_stat *rs)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	bool active[SWAP_CLUSTER_MAX];
	enum page_verdict verdict[SWAP_CLUSTER_MAX];
	enum ttu_result ttu[SWAP_CLUSTER_MAX];
	struct tlbflush_unmap_batch batch = { .cpumask = CPUMASK_NONE };
	unsigned int n = isolate_lru_pages(l, pages, nr_to_scan);
	unsigned long freed = 0;
	struct blk_plug plug;

	rs->nr_scanned += n;
	count_vm_events(current_is_kswapd() ? PGSCAN_KSWAPD : PGSCAN_DIRECT, n);
	for (unsigned int i = 0; i < n; i++)
		verdict[i] = shrink_page_unmap(pages[i], rs, &batch, &ttu[i]);
	/* One flush for every PTE the batch cleared, before any of its
	 * pages is written out, freed or unlocked. */
	try_to_unmap_flush(&batch);
	/* The batch's writes under one plug: its anonymous pages got
	 * consecutive slots (add_to_swap above, from this CPU's cluster),
	 * so the block layer can merge their writes into a few requests. */
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < n; i++) {
		enum page_verdict v = verdict[i];

		if (v == PAGE_UNMAPPED)
			v = shrink_page_finish(pages[i], rs, ttu[i]);

		active[i] = v == PAGE_ACTIVATE;
		if (v == PAGE_ACTIVATE)
			count_vm_event(PGACTIVATE);
		if (v == PAGE_FREED || v == PAGE_DROP) {
			freed += v == PAGE_FREED;
			put_page(pages[i]);     /* the last reference for a freed page */
			pages[i] = NULL;
		}
	}
	blk_finish_plug(&plug);
	putback_lru_pages(pages, active, n);
	count_vm_events(current_is_kswapd() ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, freed);
	return freed;
}

/*
 * Move up to @nr_to_scan pages (at most SWAP_CLUSTER_MAX) from the tail
 * of active list @l to the inactive one (they must be used again there to stay). A mapped
 * page's accessed bits are cleared on the way (page_referenced), so that
 * the inactive list judges only uses after this; a page a VM_LOCKED VMA
 * maps stays, and so does a file page of an executable mapping that was
 * used (Linux keeps program text in memory that way). Returns the pages
 * looked at.
 */
static unsigned int shrink_active_list(enum lru_list l, unsigned int nr_to_scan)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	bool active[SWAP_CLUSTER_MAX];
	unsigned int n = isolate_lru_pages(l, pages, nr_to_scan);
	unsigned long moved = 0;

	count_vm_events(PGREFILL, n);
	for (unsigned int i = 0; i < n; i++) {
		struct page *page = pages[i];
		unsigned long vm_flags = 0;
		int ptes = page_mapcount(page) ? page_referenced(page, false, &vm_flags) : 0;

		active[i] = (vm_flags & VM_LOCKED) || PageMlocked(page) ||
			    (ptes && (vm_flags & VM_EXEC) && !PageSwapBacked(page));
		if (!active[i]) {
			clear_page_flag(page, PG_referenced);
			moved++;
		}
	}
	putback_lru_pages(pages, active, n);
	count_vm_events(PGDEACTIVATE, moved);
	return n;
}

/* Is the inactive list of kind @base shorter than its active one? */
static bool inactive_is_low(enum lru_list base)
{
	return READ_ONCE(lru_size[base]) < READ_ONCE(lru_size[base + LRU_ACTIVE]);
}

/*
 * One round at @priority over the lists reclaim scans (Linux's
 * get_scan_count and shrink_lruvec): each gets its size >> @priority
 * pages looked at, SWAP_CLUSTER_MAX at a time, until @want pages are
 * free; an active list only while its inactive list is shorter (its
 * pages must be used again there to stay). So a pass from DEF_PRIORITY
 * down to 0 looks at each page about twice at most, however many
 * reclaimers run: a small list of pages that cannot go (mapped by
 * hundreds of processes, each look a walk of all their PTEs) is looked
 * at a few times per pass, not once per page that was wanted.
 */
static void shrink_lists(int priority, bool anon, unsigned long want, struct reclaim_stat *rs)
{
	unsigned long nr[NR_LRU_LISTS] = { 0 };
	bool more = true;

	for (enum lru_list base = LRU_INACTIVE_ANON; base <= LRU_INACTIVE_FILE;
	     base += LRU_ACTIVE + 1) {
		if (base == LRU_INACTIVE_ANON && !anon)
			continue;               /* nowhere to put them */
		nr[base] = READ_ONCE(lru_size[base]) >> priority;
		if (inactive_is_low(base))
			nr[base + LRU_ACTIVE] = READ_ONCE(lru_size[base + LRU_ACTIVE]) >> priority;
	}
	while (more && rs->nr_reclaimed < want) {
		more = false;
		for (enum lru_list l = 0; l < NR_LRU_LISTS; l++) {
			unsigned int n = (unsigned int)min(nr[l], (unsigned long)SWAP_CLUSTER_MAX);

			if (!n)
				continue;
			nr[l] -= n;
			more |= nr[l] > 0;
			if (l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE)
				shrink_active_list(l, n);
			else
				rs->nr_reclaimed += shrink_inactive_list(l, n, rs);
		}
	}
}

unsigned long try_to_free_pages(unsigned int order, struct reclaim_stat *rs)
{
	unsigned long want = (unsigned long)SWAP_CLUSTER_MAX << order;
	/* Anonymous pages only while there is swap to put them in: a free
	 * slot, or pages already in the swap cache that may just be dropped
	 * (Linux's get_scan_count scans no anonymous list without swap). */
	bool anon = nr_free_swap_pages() > 0 || nr_swapcache_pages() > 0;
	unsigned int noreclaim = memalloc_noreclaim_save();

	memset(rs, 0, sizeof(*rs));
	/* Look at a growing share of the lists until enough is free: a
	 * referenced page's second round is the next pass. */
	for (int prio = DEF_PRIORITY; prio >= 0 && rs->nr_reclaimed < want; prio--)
		shrink_lists(prio, anon, want, rs);
	/* The other caches (buffers, inodes: their shrinkers) are trimmed
	 * when the LRU alone did not give enough. Count the pages that came
	 * back. */
	if (rs->nr_reclaimed < want) {
		unsigned long free_before = nr_free_pages();

		shrink_slab(want * 4);
		if (nr_free_pages() > free_before)
			rs->nr_reclaimed += nr_free_pages() - free_before;
	}
	if (rs->nr_reclaimed)
		__atomic_store_n(&kswapd_failures, 0, __ATOMIC_RELAXED);
	memalloc_noreclaim_restore(noreclaim);
	return rs->nr_reclaimed;
}

bool current_is_kswapd(void)
{
	return current && current == READ_ONCE(kswapd_task);
}

void wakeup_kswapd(void)
{
	if (!READ_ONCE(kswapd_task) || __atomic_load_n(&kswapd_paused, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&kswapd_failures, __ATOMIC_RELAXED) >= KSWAPD_MAX_FAILURES)
		return;
	/* Only the first waker since kswapd last looked takes the wait
	 * queue lock; pairs with the exchange in kswapd(). */
	if (__atomic_exchange_n(&kswapd_pending, 1, __ATOMIC_SEQ_CST))
		return;
	wake_up(&kswapd_wait);
}

/*
 * One kswapd run: reclaim through the same passes as direct reclaim
 * (try_to_free_pages) until "high" pages are free. A pass that frees
 * nothing asks the flusher for dirty pages and waits for write-back a
 * little, as the allocator does; KSWAPD_MAX_NO_PROGRESS such passes end
 * the run (counted as a failure). Returns whether high was reached.
 */
#define KSWAPD_MAX_NO_PROGRESS 4
#define KSWAPD_THROTTLE_MS 20

static bool balance_pgdat(unsigned long high)
{
	unsigned int no_progress = 0;
	struct reclaim_stat rs;

	count_vm_event(PAGEOUTRUN);
	while (nr_free_pages() < high && !__atomic_load_n(&kswapd_paused, __ATOMIC_SEQ_CST)) {
		if (try_to_free_pages(0, &rs)) {
			no_progress = 0;
			continue;
		}
		if (++no_progress > KSWAPD_MAX_NO_PROGRESS)
			return false;
		if (rs.nr_dirty || rs.nr_writeback || writeback_pending())
			wakeup_flusher_threads(rs.nr_dirty + SWAP_CLUSTER_MAX);
		reclaim_throttle(KSWAPD_THROTTLE_MS);
	}
	return true;
}

/*
 * kswapd: sleeps in TASK_IDLE (an idle kswapd is not a hung task) until
 * the allocator sees fewer than "low" free pages, then reclaims up to
 * "high", so that allocations find free pages without reclaiming
 * themselves. It holds no lock of its own while reclaiming: it and any
 * number of direct reclaimers on other CPUs share the LRU through
 * lru_lock and page isolation (docs/locking.md).
 */
static int kswapd(void *unused)
{
	struct zone_watermarks w;

	/* It reclaims for a living: its own allocations (->writepage's)
	 * take the reserve and never reclaim again. */
	current->flags |= PF_MEMALLOC;
	zone_watermarks(&w);
	for (;;) {
		wait_event_idle(kswapd_wait,
				__atomic_load_n(&kswapd_pending, __ATOMIC_SEQ_CST));
		__atomic_store_n(&kswapd_pending, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&kswapd_running, 1, __ATOMIC_SEQ_CST);
		if (nr_free_pages() < w.low && !__atomic_load_n(&kswapd_paused, __ATOMIC_SEQ_CST)) {
			if (balance_pgdat(w.high))
				__atomic_store_n(&kswapd_failures, 0, __ATOMIC_RELAXED);
			else
				__atomic_add_fetch(&kswapd_failures, 1, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&kswapd_running, 0, __ATOMIC_SEQ_CST);
	}
	return 0;
}

void kswapd_pause(bool pause)
{
	__atomic_store_n(&kswapd_paused, pause, __ATOMIC_SEQ_CST);
	/* Pairs with kswapd's store of kswapd_running then load of
	 * kswapd_paused: either it sees the pause or we see it running. */
	while (pause && __atomic_load_n(&kswapd_running, __ATOMIC_SEQ_CST))
		msleep(1);
}

void kswapd_init(void)
{
	struct zone_watermarks w;
	struct task_struct *t = kthread_run(kswapd, NULL, "kswapd0");

	if (!t)
		panic("cannot start kswapd");
	WRITE_ONCE(kswapd_task, t);
	zone_watermarks(&w);
	pr_info("kswapd: woken below %lu free pages, reclaims up to %lu (min %lu)\n",
		w.low, w.high, w.min);
}

unsigned long shrink_all_memory(void)
{
	unsigned long total = 0;
	struct reclaim_stat rs;

	/* Active pages need a pass to deactivate and referenced ones a pass
	 * to age: stop after two passes in a row that free nothing. */
	for (int idle = 0; idle < 2;) {
		unsigned long n = try_to_free_pages(MAX_ORDER, &rs);

		total += n;
		idle = n ? 0 : idle + 1;
	}
	return total;
}

void reclaim_throttle(unsigned int ms)
{
	struct wait_queue_entry w = { .task = current };
	long ticks = (long)((ms * HZ + 999) / 1000);

	count_vm_event(FL_RECLAIM_THROTTLE);
	prepare_to_wait(&reclaim_wait, &w, TASK_UNINTERRUPTIBLE);
	schedule_timeout(ticks ? ticks : 1);
	finish_wait(&reclaim_wait, &w);
}

void wake_up_reclaim_throttled(void)
{
	/* Called for every page whose write ends: skip the queue's lock when
	 * nobody naps there. A throttled task queued just after this look
	 * misses nothing but an early wake-up (its nap is bounded). */
	if (!list_empty(&reclaim_wait.head))
		wake_up(&reclaim_wait);
}

void lru_stats(struct lru_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);

	st->nr_inactive_anon = lru_size[LRU_INACTIVE_ANON];
	st->nr_active_anon = lru_size[LRU_ACTIVE_ANON];
	st->nr_inactive_file = lru_size[LRU_INACTIVE_FILE];
	st->nr_active_file = lru_size[LRU_ACTIVE_FILE];
	spin_unlock_irqrestore(&lru_lock, flags);
}
