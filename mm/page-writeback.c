/*
 * Page-cache write-back and reclaim (see include/mm/writeback.h).
 *
 * Owns: the global page-cache counters, the list of mappings that have
 * pages (for reclaim), the dirty throttle, and the flusher thread.
 *
 * Locks: mapping_list_lock (spinlock) protects mapping_list; it nests
 * inside a mapping's tree_lock (mapping_list_add/del are called with it
 * held). Reclaim runs the other way round (list lock, then a mapping's
 * tree_lock) and therefore only ever *tries* the inner lock.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/time.h>
#include <fs/fs.h>
#include <mm/filemap.h>
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

/* Reclaim emptied @m: take it off the list. Context: mapping_list_lock and
 * m->tree_lock held (shrink_page_cache -> shrink_mapping). */
void mapping_list_del_reclaim(struct address_space *m)
{
	ASSERT_HELD(&mapping_list_lock);
	ASSERT_HELD(&m->tree_lock);
	list_del_init(&m->cache_list);
}

unsigned long shrink_page_cache(unsigned long nr)
{
	struct address_space *m, *next;
	unsigned long freed = 0;

	/* Called from inside the allocator: the caller may hold this lock. */
	if (!spin_trylock(&mapping_list_lock))
		return 0;
	/* _safe: shrinking a mapping to nothing takes it off the list. */
	list_for_each_entry_safe(m, next, &mapping_list, cache_list) {
		freed += shrink_mapping(m, nr - freed);
		if (freed >= nr)
			break;
	}
	spin_unlock(&mapping_list_lock);
	return freed;
}

static unsigned long dirty_limit(void)
{
	struct page_alloc_stats st;

	page_alloc_stats(&st);
	return st.total_pages * DIRTY_RATIO_PERCENT / 100;
}

void balance_dirty_pages(struct address_space *m)
{
	/* Over the limit: this writer pays by writing a batch of its own. */
	if ((unsigned long)__atomic_load_n(&nr_dirty, __ATOMIC_RELAXED) > dirty_limit())
		write_mapping_pages(m, 64);
}

/*
 * The flusher: every few seconds, write back what has been dirty for longer
 * than the expiry time, so a crash loses at most about that much.
 */
static int flusher_thread(void *unused)
{
	u64 expire = (u64)DIRTY_EXPIRE_MS * HZ / 1000;

	for (;;) {
		/* An idle wait: the flusher is not hung between rounds. */
		set_current_state(TASK_IDLE);
		schedule_timeout((long)DIRTY_WRITEBACK_INTERVAL_MS * HZ / 1000);
		if (jiffies > expire)
			writeback_older_than(jiffies - expire);
	}
	return 0;
}

void writeback_init(void)
{
	if (!kthread_run(flusher_thread, NULL, "flush"))
		panic("cannot start the flusher thread");
	pr_info("writeback: flusher every %u s, dirty expiry %u s, throttle above %u%% of memory\n",
		DIRTY_WRITEBACK_INTERVAL_MS / 1000, DIRTY_EXPIRE_MS / 1000, DIRTY_RATIO_PERCENT);
}
