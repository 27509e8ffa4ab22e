/*
 * /proc/meminfo and /proc/vmstat: the memory totals and counters, in
 * Linux's formats, so that tools and tests written for Linux read them.
 *
 * meminfo shows the lines Faultline can fill truthfully, in Linux's order
 * and layout ("Name:" padded to 16 columns, the value in kB right-aligned
 * in 8): MemTotal (pages the allocator was given at boot), MemFree,
 * MemAvailable (below), Cached (page-cache pages, shared anonymous memory
 * included as on Linux), SwapCached (pages in the swap cache), Active and Inactive
 * (the sums of the two kinds), Active(anon), Inactive(anon), Active(file)
 * and Inactive(file) (the four LRU lists, mm/vmscan.c), Mlocked (pages with
 * PG_mlocked, mm/mlock.c), SwapTotal and SwapFree (slots of the active
 * swap areas, mm/swapfile.c), Dirty,
 * Writeback, CommitLimit and Committed_AS (mm/overcommit.c).
 *
 * MemAvailable is Linux's estimate (si_mem_available) of what a new
 * program could get without swapping: the free pages above the reserve
 * (the allocator's min watermark, standing in for Linux's totalreserve),
 * plus the page cache on the file LRU less the smaller of half of it and
 * that watermark (some cache is in use and will not be reclaimed).
 *
 * vmstat shows "name value" lines: first the gauges Linux also has
 * (nr_free_pages, nr_inactive_anon, nr_active_anon, nr_inactive_file,
 * nr_active_file, nr_file_pages,
 * nr_dirty, nr_writeback, in pages), then
 * every event counter of include/mm/vmstat.h under its vm_event_names[]
 * name: Linux's (pgfault, pgmajfault, the reclaim counters allocstall,
 * pgscan_direct, pgsteal_direct, ..., oom_kill) and Faultline's own fl_*
 * counters.
 *
 * Locks: none; each source is read with its own atomics or locks
 * (page_alloc_stats, page_cache_stats, vm_event_read), so two numbers
 * read one after the other need not agree to the page.
 */
#include <kernel/kernel.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>
#include <mm/swap.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>

static void show_val_kb(struct seq_buf *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%-16s%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

static unsigned long mem_available(const struct page_alloc_stats *pa,
				   const struct lru_stats *lru)
{
	unsigned long reserve = pa->min_wmark;
	unsigned long avail = pa->free_pages > reserve ? pa->free_pages - reserve : 0;
	unsigned long cache = lru->nr_active_file + lru->nr_inactive_file;

	return avail + cache - min(cache / 2, reserve);
}

int meminfo_show(struct seq_buf *m, int pid)
{
	struct page_alloc_stats pa;
	struct page_cache_stats pc;
	struct lru_stats lru;

	page_alloc_stats(&pa);
	page_cache_stats(&pc);
	lru_stats(&lru);
	show_val_kb(m, "MemTotal:", pa.total_pages);
	show_val_kb(m, "MemFree:", pa.free_pages);
	show_val_kb(m, "MemAvailable:", mem_available(&pa, &lru));
	show_val_kb(m, "Cached:", pc.cached);
	show_val_kb(m, "SwapCached:", nr_swapcache_pages());
	show_val_kb(m, "Active:", lru.nr_active_anon + lru.nr_active_file);
	show_val_kb(m, "Inactive:", lru.nr_inactive_anon + lru.nr_inactive_file);
	show_val_kb(m, "Active(anon):", lru.nr_active_anon);
	show_val_kb(m, "Inactive(anon):", lru.nr_inactive_anon);
	show_val_kb(m, "Active(file):", lru.nr_active_file);
	show_val_kb(m, "Inactive(file):", lru.nr_inactive_file);
	show_val_kb(m, "Mlocked:", nr_mlocked_pages());
	show_val_kb(m, "SwapTotal:", total_swap_pages());
	show_val_kb(m, "SwapFree:", nr_free_swap_pages());
	show_val_kb(m, "Dirty:", pc.dirty);
	show_val_kb(m, "Writeback:", pc.writeback);
	show_val_kb(m, "CommitLimit:", vm_commit_limit());
	show_val_kb(m, "Committed_AS:", vm_committed_pages());
	return 0;
}

int vmstat_show(struct seq_buf *m, int pid)
{
	struct page_alloc_stats pa;
	struct page_cache_stats pc;

	struct lru_stats lru;

	page_alloc_stats(&pa);
	page_cache_stats(&pc);
	lru_stats(&lru);
	seq_printf(m, "nr_free_pages %lu\n", pa.free_pages);
	seq_printf(m, "nr_inactive_anon %lu\n", lru.nr_inactive_anon);
	seq_printf(m, "nr_active_anon %lu\n", lru.nr_active_anon);
	seq_printf(m, "nr_inactive_file %lu\n", lru.nr_inactive_file);
	seq_printf(m, "nr_active_file %lu\n", lru.nr_active_file);
	seq_printf(m, "nr_file_pages %lu\n", pc.cached);
	seq_printf(m, "nr_dirty %lu\n", pc.dirty);
	seq_printf(m, "nr_writeback %lu\n", pc.writeback);
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++)
		seq_printf(m, "%s %lu\n", vm_event_names[i], vm_event_read((enum vm_event_item)i));
	return 0;
}
