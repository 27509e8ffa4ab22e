/*
 * Page-cache write-back (see include/mm/writeback.h; docs/reclaim.md).
 *
 * Owns: the global page-cache counters, the list of mappings that have
 * pages (for the GDB helpers), starting the write-back of a mapping's
 * dirty pages (write_one_page, write_mapping_pages*) and waiting for it
 * (filemap_write_and_wait), a mapping's write-back error (wb_err), the
 * dirty limits and throttle, and the flusher thread with its request
 * counter.
 *
 * Write-back is asynchronous (docs/storage.md): the flusher and a
 * throttled writer only start writes (->writepage returns with the page
 * under write-back) and never wait for one page's I/O; a page whose
 * earlier write is still in flight is skipped, left dirty for next time.
 * Pages under write-back count against the dirty limit with the dirty
 * ones, so a writer cannot outrun the disk by turning dirty pages into
 * pages in flight; the throttle's wait ends early when writes complete
 * (end_page_writeback wakes reclaim_wait).
 *
 * Locks: mapping_list_lock (spinlock) protects mapping_list; it nests
 * inside a mapping's tree_lock (mapping_list_add/del are called with it
 * held). wb_err is an atomic: the disk's interrupt handler sets it
 * (mapping_set_error) and fsync takes it with an exchange. The
 * write-back loops take page locks (lock_page, or trylock_page for the
 * flusher) and tree_lock (find_get_pages) and may sleep in ->writepage
 * and in wait_on_page_writeback. The counters and flusher_request are
 * atomics (nr_writeback is
 * changed from interrupt context, by end_page_writeback). The flusher
 * sleeps on flusher_wait; wakeup_flusher_threads() may be called with
 * sleeping locks held (the allocator's slow path) but no spinlock.
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>

static long nr_cached, nr_dirty, nr_writeback;     /* pages, atomic */
static LIST_HEAD(mapping_list);
static DEFINE_SPINLOCK(mapping_list_lock);

void writeback_account_cached(long d) { __atomic_add_fetch(&nr_cached, d, __ATOMIC_RELAXED); }
void writeback_account_dirty(long d) { __atomic_add_fetch(&nr_dirty, d, __ATOMIC_RELAXED); }
void writeback_account_writeback(long d) { __atomic_add_fetch(&nr_writeback, d, __ATOMIC_RELAXED); }

void writeback_stats(unsigned long *cached, unsigned long *dirty, unsigned long *writeback)
{
	*cached = (unsigned long)__atomic_load_n(&nr_cached, __ATOMIC_RELAXED);
	*dirty = (unsigned long)__atomic_load_n(&nr_dirty, __ATOMIC_RELAXED);
	*writeback = (unsigned long)__atomic_load_n(&nr_writeback, __ATOMIC_RELAXED);
}

void mapping_list_add(struct address_space *m)
{
	ASSERT_HELD(&m->tree_lock);
	spin_lock(&mapping_list_lock);
	list_add_tail(&m->cache_list, &mapping_list);
	spin_unlock(&mapping_list_lock);
}

void mapping_list_del(struct address_space *m)
{
	ASSERT_HELD(&m->tree_lock);
	spin_lock(&mapping_list_lock);
	list_del_init(&m->cache_list);
	spin_unlock(&mapping_list_lock);
}

/* Both limits are computed for every page dirtied (balance_dirty_pages):
 * from the memory's size, which takes no lock. */
static unsigned long dirty_limit(void)
{
	return nr_managed_pages() * dirty_knob(&vm_dirty_ratio) / 100;
}

/* As Linux's domain_dirty_limits: a background ratio at or above the
 * hard one would never start the flusher before writers stall, so it
 * counts as half the hard one then. */
static unsigned long dirty_background_limit(void)
{
	unsigned long ratio = dirty_knob(&vm_dirty_ratio);
	unsigned long bg = dirty_knob(&dirty_background_ratio);

	if (bg >= ratio)
		bg = ratio / 2;
	return nr_managed_pages() * bg / 100;
}

bool writeback_pending(void)
{
	return __atomic_load_n(&nr_dirty, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&nr_writeback, __ATOMIC_RELAXED);
}

/* ---- starting write-back, and waiting for it ---------------------------------- */

void mapping_set_error(struct address_space *m, int err)
{
	/* An atomic, not tree_lock: the disk's interrupt handler sets it,
	 * and tree_lock is not interrupt-safe. */
	if (err)
		__atomic_store_n(&m->wb_err, err, __ATOMIC_RELEASE);
}

/*
 * Take the error write-back left for fsync: it is reported once. Called
 * after waiting for the file's writes: a completion stores the error
 * before end_page_writeback clears PG_writeback (a fully ordered atomic),
 * and the waiter's acquire load of the flag (wait_on_page_writeback) is
 * ordered before this exchange, so the error of a write waited for is
 * seen here.
 */
static int mapping_take_error(struct address_space *m)
{
	return __atomic_exchange_n(&m->wb_err, 0, __ATOMIC_ACQ_REL);
}

/*
 * Start the write of one locked page if it is dirty; returns with it
 * unlocked, its write (if any) in flight. A page whose earlier write is
 * still in flight is waited for first with @sync (data integrity: fsync
 * must write what is in the page now), and skipped, left dirty, without
 * it (the flusher's way: it never waits for the disk). *@started says
 * whether a write was started. Returns 0 or the error ->writepage
 * returned before starting any I/O (the page is dirty again then); an
 * error of the I/O itself reaches the mapping (mapping_set_error).
 */
static int writeout_page(struct page *page, bool sync, bool *started)
{
	int err;

	ASSERT(PageLocked(page));
	*started = false;
	if (PageWriteback(page)) {
		if (!sync) {
			unlock_page(page);
			return 0;
		}
		wait_on_page_writeback(page);
	}
	if (!clear_page_dirty_for_io(page)) {
		unlock_page(page);
		return 0;
	}
	*started = true;
	err = page->mapping->a_ops->writepage(page);        /* unlocks */
	if (err)
		set_page_dirty(page);
	return err;
}

int write_one_page(struct page *page)
{
	bool started;

	return writeout_page(page, true, &started);
}

int generic_writepages(struct address_space *m, struct writeback_control *wbc)
{
	struct page *batch[16];
	unsigned long index = 0, done = 0;
	struct blk_plug plug;
	int first_err = 0;
	unsigned int n;

	/* Each page's requests are held and merged with the next page's
	 * (blkdev.h); whenever this task sleeps (a page lock, a write still
	 * in flight) what is held goes out first. */
	blk_start_plug(&plug);
	while (done < wbc->nr_to_write && (n = find_get_pages(m, index, batch, 16)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = batch[i];
			int err = 0;

			index = page->index + 1;
			if (PageDirty(page) && done < wbc->nr_to_write) {
				bool started;

				if (!wbc->sync) {
					if (PageWriteback(page) || !trylock_page(page))
						goto next;
				} else {
					lock_page(page);
				}
				if (page->mapping == m) {
					err = writeout_page(page, wbc->sync, &started);
					done += started;
				} else {
					unlock_page(page);
				}
			}
next:
			if (err && !first_err)
				first_err = err;
			put_page(page);
		}
		if (!index)
			break;
	}
	blk_finish_plug(&plug);
	wbc->nr_written += done;
	return first_err;
}

int do_writepages(struct address_space *m, struct writeback_control *wbc)
{
	if (m->a_ops && m->a_ops->writepages)
		return m->a_ops->writepages(m, wbc);
	return generic_writepages(m, wbc);
}

int write_mapping_pages(struct address_space *m, unsigned long max_pages)
{
	struct writeback_control wbc = { .nr_to_write = max_pages, .sync = true };

	return do_writepages(m, &wbc);
}

int write_mapping_pages_nonblock(struct address_space *m, unsigned long max_pages,
				 unsigned long *written)
{
	struct writeback_control wbc = { .nr_to_write = max_pages, .sync = false };
	int err = do_writepages(m, &wbc);

	*written += wbc.nr_written;
	return err;
}

/*
 * Wait for every write of @m in flight: ours, just started, and any
 * another task (the flusher, reclaim) started before.
 */
static void wait_on_mapping_writeback(struct address_space *m)
{
	struct page *batch[16];
	unsigned long index = 0;
	unsigned int n;

	while ((n = find_get_pages(m, index, batch, 16)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			index = batch[i]->index + 1;
			wait_on_page_writeback(batch[i]);
			put_page(batch[i]);
		}
		if (!index)
			break;
	}
}

int filemap_write_and_wait(struct address_space *m)
{
	int err = write_mapping_pages(m, ~0UL);
	int reported;

	/* Our writes, and those someone else started on pages that were
	 * clean to us: fsync returns only once all are on the disk. */
	wait_on_mapping_writeback(m);
	/* The I/O errors of those writes, and of background write-back
	 * since the last fsync, are reported once. */
	reported = mapping_take_error(m);
	return err ? err : reported;
}

/* ---- the flusher ----------------------------------------------------------- */

static struct task_struct *flusher_task;        /* (c) once started */
static unsigned long flusher_request;           /* (a) pages asked for; 0: none */
static DECLARE_WAIT_QUEUE_HEAD(flusher_wait);

bool current_is_flusher(void)
{
	return flusher_task && current == flusher_task;
}

void wakeup_flusher_threads(unsigned long nr_pages)
{
	if (!flusher_task)
		return;                         /* before the root is mounted */
	count_vm_event(FL_RECLAIM_WAKE_FLUSHER);
	/* The request (the largest one since the flusher last looked: every
	 * writer above the background limit asks for about the same pages),
	 * then the wake-up: the flusher tests the request after setting its
	 * state (prepare_to_wait), so it cannot miss it. */
	unsigned long old = __atomic_load_n(&flusher_request, __ATOMIC_RELAXED);

	if (!nr_pages)
		nr_pages = 1;
	/* Even an unchanged value is stored (the exchange fails if the
	 * flusher took the request meanwhile, and the loop stores ours). */
	while (!__atomic_compare_exchange_n(&flusher_request, &old, max(old, nr_pages), false,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	wake_up(&flusher_wait);
}

/* Dirty pages and pages whose write is in flight: what the hard limit bounds. */
static unsigned long nr_dirty_or_writeback(void)
{
	return (unsigned long)__atomic_load_n(&nr_dirty, __ATOMIC_RELAXED) +
	       (unsigned long)__atomic_load_n(&nr_writeback, __ATOMIC_RELAXED);
}

void balance_dirty_pages(struct address_space *m)
{
	unsigned long dirty = (unsigned long)__atomic_load_n(&nr_dirty, __ATOMIC_RELAXED);
	unsigned long limit = dirty_limit(), background = dirty_background_limit();
	unsigned long written = 0;

	/* Above the background limit: the flusher starts writing, and the
	 * writer goes on. */
	if (dirty > background)
		wakeup_flusher_threads(dirty - background);
	if (nr_dirty_or_writeback() <= limit)
		return;
	/* Above the hard limit: this writer pays by starting the write of a
	 * batch of its own file (skipping pages locked or in flight: it
	 * waits for no page); if that does not bring it under the limit (the
	 * writes are still in flight, or others dirtied the memory), it
	 * waits a moment for completions or the flusher. Either way it
	 * cannot run ahead of the disk. */
	write_mapping_pages_nonblock(m, 64, &written);
	if (nr_dirty_or_writeback() > limit)
		reclaim_throttle(DIRTY_THROTTLE_MS);
}

void writeback_interval_changed(void)
{
	wake_up(&flusher_wait);
}

/*
 * Sleep until asked for write-back or @ticks pass. TASK_IDLE: an idle
 * flusher is not a hung task (docs/hang-diagnostics.md), and it has no
 * signals to take. Returns the request taken.
 */
static unsigned long flusher_sleep(long ticks)
{
	struct wait_queue_entry w = { .task = current };
	unsigned long req;

	prepare_to_wait(&flusher_wait, &w, TASK_IDLE);
	if (!__atomic_load_n(&flusher_request, __ATOMIC_SEQ_CST))
		schedule_timeout(ticks);
	finish_wait(&flusher_wait, &w);
	req = __atomic_exchange_n(&flusher_request, 0, __ATOMIC_SEQ_CST);
	return req;
}

/*
 * The flusher: every few seconds, write back what has been dirty for longer
 * than the expiry time, so a crash loses at most about that much; and
 * whenever a writer crosses the background limit or the allocator finds
 * only dirty pages to reclaim, write back that many pages at once, oldest
 * inode first, skipping pages someone holds locked (writeback_for_reclaim).
 * Its own allocations may use the whole reserve (alloc_reserve()).
 */
static int flusher_thread(void *unused)
{
	u64 last_periodic = jiffies;

	for (;;) {
		/* The knobs afresh each time round (writeback_interval_changed
		 * wakes us when the interval changes). */
		u64 expire = dirty_knob(&dirty_expire_interval) * HZ / 100;
		u64 interval = dirty_knob(&dirty_writeback_interval) * HZ / 100;
		long left = interval ? (long)(last_periodic + interval - jiffies) : FLUSHER_IDLE_TICKS;
		unsigned long req = flusher_sleep(left > 0 ? left : 1);

		if (req || (unsigned long)__atomic_load_n(&nr_dirty, __ATOMIC_RELAXED) >
			   dirty_background_limit()) {
			writeback_for_reclaim(req > FLUSHER_BATCH ? req : FLUSHER_BATCH);
			wake_up_reclaim_throttled();
		}
		if (interval && jiffies >= last_periodic + interval) {
			if (jiffies > expire)
				writeback_older_than(jiffies - expire);
			last_periodic = jiffies;
		}
	}
	return 0;
}

void writeback_init(void)
{
	struct task_struct *t = kthread_run(flusher_thread, NULL, "flush");

	if (!t)
		panic("cannot start the flusher thread");
	flusher_task = t;
	pr_info("writeback: flusher every %lu cs, dirty expiry %lu cs, background write-back above "
		"%lu%% of memory, throttle above %lu%%\n",
		dirty_knob(&dirty_writeback_interval), dirty_knob(&dirty_expire_interval),
		dirty_knob(&dirty_background_ratio), dirty_knob(&vm_dirty_ratio));
}
