/*
 * The swap cache (include/mm/swap.h, docs/reclaim.md "The swap cache").
 *
 * Owns: one page index per swap area (swapper_spaces[type], an
 * address_space used only for its radix tree and tree_lock, keyed by the
 * slot's offset), PG_swapcache and page->private of every page in it, and
 * the cache's reference to each such page.
 *
 * A page is in the swap cache while its slot is allocated and the page is
 * in memory too: on its way out (add_to_swap, then written, then freed
 * once unmapped), or on its way back (read_swap_cache_async), so that
 * every process whose PTE names the slot finds the same page and the slot
 * is read once. The slot's SWAP_HAS_CACHE bit (mm/swapfile.c) is held by
 * whoever is putting the page in, before it is in: two faults on one entry
 * cannot both read it (swapcache_prepare: the second one waits and looks
 * again).
 *
 * Invariants: PG_swapcache set <=> the page is in swapper_spaces[type] at
 * swp_offset(page->private) <=> the cache holds one reference and the
 * slot's SWAP_HAS_CACHE. page->mapping stays NULL (anonymous page).
 * Adding and deleting happen with the page locked.
 *
 * Readahead (swap_readahead_range, page-cluster): a swap-in also reads the
 * in-use slots around the one it wants (Linux's swap_cluster_readahead),
 * into the swap cache, without mapping them: slots written together (one
 * reclaim batch fills a cluster in order) tend to be wanted together. A
 * readahead page is locked by its read and unlocked by the read's end in
 * interrupt context (mm/page_io.c, unlock_page_io: no task holds that
 * lock), so a fault that wants it sleeps on the page lock until it is
 * in; it is on the inactive anonymous list from the moment it is in the
 * cache, so reclaim drops it if nobody maps it.
 *
 * Locks: page lock -> swapper_spaces[type].tree_lock (a leaf here, taken
 * under a page-table lock by zap's free_swap_and_cache); si->lock is never
 * taken inside tree_lock. Readahead takes the same locks as a read: a new
 * page's lock is only set (nobody can see the page yet; the read owns
 * it), then si->lock (swapcache_prepare), tree_lock, lru_lock, each alone.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/page_tree.h>
#include <mm/swap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>

static struct address_space swapper_spaces[MAX_SWAPFILES];
static bool swapper_ready;              /* (c) after the first use (swap_cache_init) */
static long swapcache_pages;            /* (a) SwapCached */

void swap_cache_init(void)
{
	for (unsigned int i = 0; i < MAX_SWAPFILES; i++)
		address_space_init(&swapper_spaces[i], NULL);
	swapper_ready = true;
}

static struct address_space *swap_address_space(swp_entry_t entry)
{
	if (!swapper_ready)
		panic("swap cache used before swap_cache_init");
	return &swapper_spaces[swp_type(entry)];
}

unsigned long nr_swapcache_pages(void)
{
	long n = __atomic_load_n(&swapcache_pages, __ATOMIC_RELAXED);

	return n < 0 ? 0 : (unsigned long)n;
}

struct page *lookup_swap_cache(swp_entry_t entry)
{
	struct address_space *m = swap_address_space(entry);
	struct page *page;

	spin_lock(&m->tree_lock);
	page = radix_lookup(m, swp_offset(entry));
	if (page)
		get_page(page);
	spin_unlock(&m->tree_lock);
	return page;
}

int add_to_swap_cache(struct page *page, swp_entry_t entry, gfp_t gfp)
{
	struct address_space *m = swap_address_space(entry);
	struct radix_preload pre = { .nr = 0 };
	unsigned long off = swp_offset(entry);
	int err;

	if (!PageLocked(page) || PageSwapCache(page) || page->mapping)
		panic("add_to_swap_cache: page %p not locked, or already cached", page);
	for (;;) {
		unsigned int need;

		spin_lock(&m->tree_lock);
		if (radix_lookup(m, off))       /* SWAP_HAS_CACHE makes this impossible */
			panic("add_to_swap_cache: slot %#lx cached twice", entry.val);
		need = radix_nodes_needed(m, off);
		if (need <= pre.nr)
			break;
		spin_unlock(&m->tree_lock);
		err = radix_preload(&pre, need, gfp);
		if (err) {
			radix_preload_end(&pre);
			return err;
		}
	}
	err = radix_insert(m, off, page, &pre);
	if (!err) {
		get_page(page);                 /* the cache's reference */
		page->private = entry.val;
		set_page_flag(page, PG_swapcache);
		m->nrpages++;
		__atomic_add_fetch(&swapcache_pages, 1, __ATOMIC_RELAXED);
	}
	spin_unlock(&m->tree_lock);
	radix_preload_end(&pre);
	return err;
}

/* Out of the index only; the caller drops the slot hold and reference. */
static void __delete_from_swap_cache(struct page *page, swp_entry_t entry)
{
	struct address_space *m = swap_address_space(entry);

	spin_lock(&m->tree_lock);
	radix_delete(m, swp_offset(entry));
	clear_page_flag(page, PG_swapcache);
	clear_page_flag(page, PG_readahead);
	page->private = 0;
	m->nrpages--;
	__atomic_sub_fetch(&swapcache_pages, 1, __ATOMIC_RELAXED);
	spin_unlock(&m->tree_lock);
}

void delete_from_swap_cache(struct page *page)
{
	swp_entry_t entry = { page->private };

	if (!PageLocked(page) || !PageSwapCache(page) || PageWriteback(page))
		panic("delete_from_swap_cache: page %p not locked, not cached or under write-back",
		      page);
	__delete_from_swap_cache(page, entry);
	swapcache_free(entry);
	put_page(page);
}

bool add_to_swap(struct page *page)
{
	swp_entry_t entry = get_swap_page();

	if (!entry.val)
		return false;
	/* Reclaim may be short of memory: the index nodes come from the
	 * reserve, never from reclaim (GFP_ATOMIC does not sleep). */
	if (add_to_swap_cache(page, entry, GFP_ATOMIC)) {
		swapcache_free(entry);
		return false;
	}
	/* The slot holds nothing yet: the page must be written before it
	 * can be dropped (Linux: set_page_dirty in add_to_swap). The page
	 * itself holds the data: a fault that finds it in the cache maps it
	 * (do_swap_page tells a failed read by !PG_uptodate). */
	set_page_flag(page, PG_uptodate);
	set_page_flag(page, PG_dirty);
	return true;
}

bool try_to_free_swap(struct page *page)
{
	swp_entry_t entry = { page->private };

	if (!PageSwapCache(page) || PageWriteback(page) || swap_count(entry))
		return false;
	delete_from_swap_cache(page);
	/* Its only copy is this page now. */
	set_page_flag(page, PG_dirty);
	return true;
}

bool reuse_swap_page(struct page *page)
{
	if (page_mapcount(page) > 1)
		return false;
	if (!PageSwapCache(page))
		return page_ref_count(page) == 1;
	if (swap_count((swp_entry_t){ page->private }))
		return false;                   /* a swapped-out PTE elsewhere still names it */
	if (PageWriteback(page))
		return false;
	delete_from_swap_cache(page);
	set_page_flag(page, PG_dirty);
	return true;
}

/*
 * @page (referenced) was found in the cache for @entry, not uptodate: a
 * read is under way (its reader holds the page lock), or a readahead's
 * read failed. Wait for the lock; if the page is still not uptodate and
 * still @entry's, it is a failed readahead page (a failed read for a
 * fault is dropped by that fault): take it out of the cache, so that the
 * caller reads the slot itself, and only its own read's error counts
 * (readahead is a hint). Returns true if the caller must look again (its
 * reference is dropped), false to use the page (now uptodate).
 * Context: may sleep; no page lock held.
 */
static bool swap_drop_failed_readahead(struct page *page, swp_entry_t entry)
{
	bool again = true;

	lock_page(page);
	if (PageUptodate(page))
		again = false;
	else if (PageSwapCache(page) && page->private == entry.val && !PageWriteback(page))
		delete_from_swap_cache(page);
	unlock_page(page);
	if (again)
		put_page(page);
	return again;
}

struct page *read_swap_cache_async(swp_entry_t entry, gfp_t gfp, bool *new_read, int *err)
{
	struct page *page, *new = NULL;

	*new_read = false;
	*err = 0;
	for (;;) {
		page = lookup_swap_cache(entry);
		if (page && !PageUptodate(page) && swap_drop_failed_readahead(page, entry))
			continue;               /* read it again below */
		if (page) {
			swap_ra_hit(page);
			break;
		}
		if (!new) {
			new = alloc_page(gfp);
			if (!new) {
				*err = -ENOMEM;
				return NULL;
			}
			continue;               /* look again: the allocation slept */
		}
		*err = swapcache_prepare(entry);
		if (*err == -EEXIST) {
			/* Another task holds the slot's cache bit and is adding
			 * its page: sleep a tick, then find that page. A bare
			 * schedule() would spin here when nothing else is
			 * runnable on this CPU while the other task runs on
			 * another or waits to allocate (Linux sleeps a tick
			 * too: schedule_timeout_uninterruptible(1)). */
			set_current_state(TASK_UNINTERRUPTIBLE);
			schedule_timeout(1);
			continue;
		}
		if (*err)
			break;                  /* -ENOENT: the entry is gone */
		if (!trylock_page(new))         /* nobody can see it yet: cannot fail */
			panic("read_swap_cache_async: a new page is locked");
		set_page_flag(new, PG_swapbacked);
		*err = add_to_swap_cache(new, entry, gfp);
		if (*err) {
			unlock_page(new);
			swapcache_free(entry);
			break;
		}
		/* On the LRU from now on, as every page the cache reads in
		 * (Linux: __read_swap_cache_async); whoever maps it only
		 * gives it its reverse map (swapin_map_page). */
		lru_cache_add_anon(new);
		page = new;
		new = NULL;
		*new_read = true;
		break;
	}
	if (new)
		put_page(new);
	if (page)
		*err = 0;
	return page;
}

/* ---- swap readahead ------------------------------------------------------- */

/* /proc/sys/vm/page-cluster (Linux's): a swap-in reads the aligned group
 * of 2^page_cluster slots around the one it wants; 0 reads that one only.
 * (a) */
static int page_cluster = 3;
#define PAGE_CLUSTER_MAX        31      /* Linux's bound for the sysctl */
/* The group read is cut at one swap cluster (256 slots): a larger one
 * would only read what other CPUs' clusters hold. */
#define SWAP_RA_MAX_ORDER       8

/*
 * How many slots a swap-in reads: Linux's swapin_nr_pages. Each page read
 * ahead that a fault then found (a hit) says the group was worth its
 * reads; with hits since the last swap-in the window is hits + 2 rounded
 * up to a power of two (at least 4); with none, 2 if this slot is next to
 * the last one faulted (a run may be starting), else 1: random access
 * reads only the page it wants. The window shrinks by half at most per
 * swap-in, and never passes the group (2^page_cluster). All (a), updated
 * without a lock: two CPUs racing only make one window a little off.
 * Writing page-cluster starts afresh as if the last group had been used
 * in full, so the next swap-in reads the whole group (and so does the
 * first after boot).
 */
static unsigned int swap_ra_hits = (1U << 3) - 1;
static unsigned long swap_ra_prev_offset;
static unsigned int swap_ra_prev_win;

static int swap_ra_order(void)
{
	return min(__atomic_load_n(&page_cluster, __ATOMIC_RELAXED), SWAP_RA_MAX_ORDER);
}

int page_cluster_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%d\n", __atomic_load_n(&page_cluster, __ATOMIC_RELAXED));
	return 0;
}

/* proc_dointvec_minmax with 0..31, as Linux: anything else is -EINVAL. */
int page_cluster_store(const char *buf, size_t len)
{
	char num[24];
	unsigned long long v;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\0'))
		len--;
	while (len && (*buf == ' ' || *buf == '\t')) {
		buf++;
		len--;
	}
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, buf, len);
	num[len] = '\0';
	if (kstrtoull(num, 10, &v) || v > PAGE_CLUSTER_MAX)
		return -EINVAL;
	__atomic_store_n(&page_cluster, (int)v, __ATOMIC_RELAXED);
	__atomic_store_n(&swap_ra_hits, (1U << swap_ra_order()) - 1, __ATOMIC_RELAXED);
	return 0;
}

void swap_ra_hit(struct page *page)
{
	if (test_and_clear_page_flag(page, PG_readahead)) {
		count_vm_event(SWAP_RA_HIT);
		__atomic_add_fetch(&swap_ra_hits, 1, __ATOMIC_RELAXED);
	}
}

void swap_ra_group(swp_entry_t entry, unsigned long *start, unsigned long *end)
{
	unsigned long mask = (1UL << swap_ra_order()) - 1;

	*start = swp_offset(entry) & ~mask;
	*end = (swp_offset(entry) | mask) + 1;
}

void swap_ra_window(swp_entry_t entry, unsigned long *start, unsigned long *end)
{
	unsigned int group = 1U << swap_ra_order(), hits, win, floor;
	unsigned long off = swp_offset(entry);
	unsigned long prev = __atomic_exchange_n(&swap_ra_prev_offset, off, __ATOMIC_RELAXED);

	hits = __atomic_exchange_n(&swap_ra_hits, 0, __ATOMIC_RELAXED);
	if (hits) {
		for (win = 4; win < hits + 2; win <<= 1)
			;
	} else {
		win = off == prev + 1 || off + 1 == prev ? 2 : 1;
	}
	floor = __atomic_load_n(&swap_ra_prev_win, __ATOMIC_RELAXED) / 2;
	win = min(max(win, floor), group);
	__atomic_store_n(&swap_ra_prev_win, win, __ATOMIC_RELAXED);
	*start = off & ~((unsigned long)win - 1);
	*end = *start + win;
}

/* Is a page cached for @entry? A peek: no reference, no readahead hit. */
static bool swap_cache_has(swp_entry_t entry)
{
	struct address_space *m = swap_address_space(entry);
	bool found;

	spin_lock(&m->tree_lock);
	found = radix_lookup(m, swp_offset(entry)) != NULL;
	spin_unlock(&m->tree_lock);
	return found;
}

/*
 * Read @entry's slot ahead into the swap cache, if it is in use and not
 * cached: a new page, locked, in the cache, on the inactive anonymous
 * list, PG_readahead, its read started (swap_readahead_page; the read's
 * end unlocks it). Any failure just leaves the slot
 * unread: the allocations neither retry reclaim nor warn.
 * Context: may sleep (one reclaim pass at most).
 */
static void swap_readahead_one(swp_entry_t entry)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NORETRY;
	struct page *page;
	int count = swap_count(entry);

	if (!count || count == SWAP_MAP_BAD || swap_cache_has(entry))
		return;                         /* free, bad, or cached already */
	page = alloc_page(gfp);
	if (!page)
		return;
	/* The authoritative check, under si->lock: the slot may have been
	 * freed or read in while we allocated. */
	if (swapcache_prepare(entry))
		goto out_put;
	/* Nobody can see the page yet: its lock is set, not taken, and is
	 * the read's from the start (unlock_page_io at the read's end). */
	set_page_flag(page, PG_locked);
	set_page_flag(page, PG_swapbacked);
	if (add_to_swap_cache(page, entry, gfp)) {
		unlock_page_io(page);
		swapcache_free(entry);
		goto out_put;
	}
	lru_cache_add_anon(page);
	set_page_flag(page, PG_readahead);
	if (swap_readahead_page(page)) {
		/* Not started: nothing will unlock it. Out again. */
		delete_from_swap_cache(page);
		unlock_page_io(page);
	}
out_put:
	put_page(page);                         /* the cache keeps its own */
}

void swap_readahead_range(swp_entry_t entry, unsigned long start, unsigned long end)
{
	for (unsigned long off = start; off < end; off++)
		swap_readahead_one(swp_entry(swp_type(entry), off));
}
