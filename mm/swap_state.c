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
 * Locks: page lock -> swapper_spaces[type].tree_lock (a leaf here, taken
 * under a page-table lock by zap's free_swap_and_cache); si->lock is never
 * taken inside tree_lock.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/page_tree.h>
#include <mm/swap.h>
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

struct page *read_swap_cache_async(swp_entry_t entry, gfp_t gfp, bool *new_read, int *err)
{
	struct page *page, *new = NULL;

	*new_read = false;
	*err = 0;
	for (;;) {
		page = lookup_swap_cache(entry);
		if (page)
			break;
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
