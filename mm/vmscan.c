/*
 * Page reclaim (see include/mm/vmscan.h and docs/reclaim.md).
 *
 * Owns: the two LRU lists of page-cache pages (active, inactive), their
 * lengths, PG_lru and PG_active of every page, and the wait queue of
 * reclaimers throttled on write-back.
 *
 * Invariants, under lru_lock:
 *   - a page is on a list iff PG_lru is set, on the active one iff
 *     PG_active is set too; page->lru links it;
 *   - a page on a list has a non-zero reference count or is being freed
 *     (then __free_pages takes it off through lru_page_freed before it
 *     reaches the buddy lists, which reuse page->lru).
 * Reclaim isolates pages: under lru_lock it takes a reference
 * (get_page_unless_zero: a page whose count already fell to zero is
 * being freed and is left alone) and clears PG_lru, and the page is then
 * on no list but the reclaimer's own array until it is put back or freed.
 *
 * Lock order: page lock -> mapping->tree_lock -> lru_lock. Reclaim runs
 * with no spinlock held (the allocator calls it only where it may sleep)
 * but possibly with sleeping locks held by its caller: any page lock, an
 * inode's i_rwsem, mmap_lock, a filesystem's mutexes, a buffer's
 * b_io_lock. So it never waits for a page lock (trylock_page, skip the
 * busy page) and never calls into a filesystem: dirty pages are the
 * flusher's to write (mm/page-writeback.c), and the allocator waits for
 * that with a timeout, never on a lock. It takes only spinlocks, each
 * after dropping the previous: lru_lock to isolate and put back, a
 * mapping's tree_lock (inside the page lock, as everywhere) to remove a
 * page; and the shrinkers (mm/shrinker.c) only if their mutex is free at
 * once (mutex_trylock), which take bcache_lock or inode_hash_lock.
 * kswapd runs the same passes with nothing of its own held.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/buffer.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/shrinker.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>

static DEFINE_SPINLOCK(lru_lock);
static LIST_HEAD(active_list);          /* (lru_lock) most recently activated first */
static LIST_HEAD(inactive_list);        /* (lru_lock) newest first; reclaim takes the tail */
static unsigned long nr_active, nr_inactive;    /* (lru_lock) */
static DECLARE_WAIT_QUEUE_HEAD(reclaim_wait);

static struct task_struct *kswapd_task;         /* (c) after boot */
static DECLARE_WAIT_QUEUE_HEAD(kswapd_wait);
/* Set by wakeup_kswapd, cleared by kswapd when it starts a run; atomics,
 * no lock: the allocator sets it from any context. */
static int kswapd_pending;
/* Runs in a row that reached neither high nor any progress; at
 * KSWAPD_MAX_FAILURES the allocator stops waking kswapd (there is nothing
 * it can reclaim: anonymous or mapped memory) until a reclaim, direct or
 * not, frees a page again (Linux's pgdat->kswapd_failures). Atomic. */
static int kswapd_failures;
#define KSWAPD_MAX_FAILURES 16
/* ktests that need free memory to stay where they put it hold kswapd off
 * (kswapd_pause); kswapd_running says a run is under way. Atomics. */
static int kswapd_paused, kswapd_running;

/* Context: lru_lock held. */
static void add_page_to_lru_locked(struct page *page, bool active)
{
	ASSERT_HELD(&lru_lock);
	if (active) {
		set_page_flag(page, PG_active);
		list_add(&page->lru, &active_list);
		nr_active++;
	} else {
		clear_page_flag(page, PG_active);
		list_add(&page->lru, &inactive_list);
		nr_inactive++;
	}
	set_page_flag(page, PG_lru);
}

/* Context: lru_lock held; the page is on a list. */
static void del_page_from_lru_locked(struct page *page)
{
	ASSERT_HELD(&lru_lock);
	list_del(&page->lru);
	if (test_and_clear_page_flag(page, PG_active))
		nr_active--;
	else
		nr_inactive--;
	clear_page_flag(page, PG_lru);
}

void lru_cache_add(struct address_space *m, struct page *page)
{
	unsigned long flags;

	if (m->unevictable)
		return;
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
 * Take up to @max pages off the tail of @list into @pages, each with a
 * reference. Returns how many. Context: takes lru_lock.
 */
static unsigned int isolate_lru_pages(struct list_head *list, struct page **pages,
				      unsigned int max)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);
	struct page *page, *prev;
	unsigned int n = 0;

	list_for_each_entry_safe_reverse(page, prev, list, lru) {
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
 * free a page that was truncated meanwhile.
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

enum page_verdict { PAGE_FREED, PAGE_KEEP, PAGE_ACTIVATE, PAGE_DROP };

/*
 * Decide about one isolated page and free it if it may go. Context: the
 * page is referenced by the caller and off the lists; only tries its lock.
 */
static enum page_verdict shrink_page(struct page *page, struct reclaim_stat *rs)
{
	struct address_space *m;
	enum page_verdict v = PAGE_KEEP;

	if (!trylock_page(page)) {
		rs->nr_writeback++;             /* read in, written back or truncated right now */
		return PAGE_KEEP;
	}
	m = page->mapping;
	if (!m || m->unevictable) {
		v = PAGE_DROP;                  /* truncated meanwhile: off the lists for good */
	} else if (page_mapcount(page) > 0) {
		/* Reclaim of mapped pages is not done (no rmap walk here):
		 * keep them where reclaim looks last. This is also what keeps
		 * mlocked memory resident: a page of a VM_LOCKED VMA
		 * (mm/mlock.c) is mapped from the moment mlock populates it
		 * (or, with ONFAULT, from its first fault) until munlock,
		 * munmap or exit. Mapped-page reclaim must keep that rule:
		 * a page with PG_mlocked is kept without a walk, and its
		 * reverse-map walk stops at the first VM_LOCKED VMA that
		 * maps a page and keeps the page (Linux moves it to the
		 * unevictable list there), whatever else maps it. */
		v = PAGE_ACTIVATE;
	} else if (PageWriteback(page)) {
		rs->nr_writeback++;
	} else if (PageDirty(page)) {
		rs->nr_dirty++;                 /* the flusher's: see the allocator's slow path */
	} else if (test_and_clear_page_flag(page, PG_referenced)) {
		v = PAGE_KEEP;                  /* used since last time: one more round */
	} else if (remove_mapping(m, page)) {
		v = PAGE_FREED;
	}
	unlock_page(page);
	return v;
}

/* Reclaim from the inactive tail, up to SWAP_CLUSTER_MAX pages looked at. */
static unsigned long shrink_inactive_list(struct reclaim_stat *rs)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	bool active[SWAP_CLUSTER_MAX];
	unsigned int n = isolate_lru_pages(&inactive_list, pages, SWAP_CLUSTER_MAX);
	unsigned long freed = 0;

	rs->nr_scanned += n;
	count_vm_events(current_is_kswapd() ? PGSCAN_KSWAPD : PGSCAN_DIRECT, n);
	for (unsigned int i = 0; i < n; i++) {
		enum page_verdict v = shrink_page(pages[i], rs);

		active[i] = v == PAGE_ACTIVATE;
		if (v == PAGE_ACTIVATE)
			count_vm_event(PGACTIVATE);
		if (v == PAGE_FREED || v == PAGE_DROP) {
			freed += v == PAGE_FREED;
			put_page(pages[i]);     /* the last reference for a freed page */
			pages[i] = NULL;
		}
	}
	putback_lru_pages(pages, active, n);
	count_vm_events(current_is_kswapd() ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT, freed);
	return freed;
}

/* Move up to SWAP_CLUSTER_MAX pages from the active tail to the inactive
 * list (they must be used again there to stay); mapped pages stay active.
 * Returns the pages looked at. */
static unsigned int shrink_active_list(void)
{
	struct page *pages[SWAP_CLUSTER_MAX];
	bool active[SWAP_CLUSTER_MAX];
	unsigned int n = isolate_lru_pages(&active_list, pages, SWAP_CLUSTER_MAX);
	unsigned long moved = 0;

	for (unsigned int i = 0; i < n; i++) {
		active[i] = page_mapcount(pages[i]) > 0;
		if (!active[i]) {
			clear_page_flag(pages[i], PG_referenced);
			moved++;
		}
	}
	putback_lru_pages(pages, active, n);
	count_vm_events(PGDEACTIVATE, moved);
	return n;
}

static bool inactive_is_low(void)
{
	return READ_ONCE(nr_inactive) < READ_ONCE(nr_active);
}

unsigned long try_to_free_pages(unsigned int order, struct reclaim_stat *rs)
{
	unsigned long want = (unsigned long)SWAP_CLUSTER_MAX << order;
	/* Look at each page about once before giving the allocator the
	 * verdict (a referenced page's second round is the next pass): a
	 * pass over a list of unreclaimable pages must stay short. */
	unsigned long budget = READ_ONCE(nr_inactive) + READ_ONCE(nr_active) + SWAP_CLUSTER_MAX;
	unsigned long scanned = 0;

	memset(rs, 0, sizeof(*rs));
	/* Every round looks at some pages or ends the pass, and the budget
	 * bounds the rounds: mapped pages, which stay put, cannot keep
	 * reclaim going round in circles. */
	while (rs->nr_reclaimed < want && scanned < budget) {
		unsigned long before = rs->nr_scanned, looked = 0;

		if (inactive_is_low())
			looked += shrink_active_list();
		rs->nr_reclaimed += shrink_inactive_list(rs);
		looked += rs->nr_scanned - before;
		if (!looked)
			break;                  /* both lists empty */
		scanned += looked;
	}
	/* The other caches (buffers, inodes: their shrinkers) are trimmed
	 * when the page cache alone did not give enough. Count the pages
	 * that came back. */
	if (rs->nr_reclaimed < want) {
		unsigned long free_before = nr_free_pages();

		shrink_slab(want * 4);
		if (nr_free_pages() > free_before)
			rs->nr_reclaimed += nr_free_pages() - free_before;
	}
	if (rs->nr_reclaimed)
		__atomic_store_n(&kswapd_failures, 0, __ATOMIC_RELAXED);
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
	wake_up(&reclaim_wait);
}

void lru_stats(struct lru_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&lru_lock);

	st->nr_active = nr_active;
	st->nr_inactive = nr_inactive;
	spin_unlock_irqrestore(&lru_lock, flags);
}
