/*
 * The memory system's event counters (see include/mm/vmstat.h).
 *
 * Owns: vm_events[], one unsigned long per event, changed only with
 * atomic adds, so any context (a fault, an interrupt, another CPU) may
 * count without a lock. Readers get a value that was true at some moment;
 * two counters read one after the other need not agree with each other.
 */
#include <mm/vmstat.h>

static unsigned long vm_events[NR_VM_EVENT_ITEMS];     /* (a) */

const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGFAULT] = "pgfault",
	[PGMAJFAULT] = "pgmajfault",
	[PSWPIN] = "pswpin",
	[PSWPOUT] = "pswpout",
	[SWAP_RA] = "swap_ra",
	[SWAP_RA_HIT] = "swap_ra_hit",
	[FL_ANON_FAULT] = "fl_anon_fault",
	[FL_READ_FAULT] = "fl_read_fault",
	[FL_COW_FAULT] = "fl_cow_fault",
	[FL_SHARED_FAULT] = "fl_shared_fault",
	[FL_WP_FAULT] = "fl_wp_fault",
	[FL_WP_REUSE] = "fl_wp_reuse",
	[FL_PAGE_MKWRITE] = "fl_page_mkwrite",
	[FL_PAGE_MKWRITE_FAIL] = "fl_page_mkwrite_fail",
	[FL_MKCLEAN_PTES] = "fl_mkclean_ptes",
	[FL_TRUNCATE_RETRY] = "fl_truncate_retry",
	[FL_TRUNCATE_UNMAP] = "fl_truncate_unmap",
	[FL_RMAP_WALK_VMAS] = "fl_rmap_walk_vmas",
	[FL_RMAP_WALK_ANON_VMAS] = "fl_rmap_walk_anon_vmas",
	[FL_UNMAP_PTES] = "fl_unmap_ptes",
	[FL_SIGBUS_EOF] = "fl_sigbus_eof",
	[FL_FAULT_NOPAGE] = "fl_fault_nopage",
	[FL_FAULT_AROUND_PAGES] = "fl_fault_around_pages",
	[FL_FAULT_AROUND_TRUNCATED] = "fl_fault_around_truncated",
	[ALLOCSTALL] = "allocstall",
	[PGSCAN_KSWAPD] = "pgscan_kswapd",
	[PGSCAN_DIRECT] = "pgscan_direct",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PAGEOUTRUN] = "pageoutrun",
	[PGACTIVATE] = "pgactivate",
	[PGDEACTIVATE] = "pgdeactivate",
	[PGREFILL] = "pgrefill",
	[NR_VMSCAN_WRITE] = "nr_vmscan_write",
	[FL_RECLAIM_THROTTLE] = "fl_reclaim_throttle",
	[FL_RECLAIM_WAKE_FLUSHER] = "fl_reclaim_wake_flusher",
	[FL_BUFFERS_RECLAIMED] = "fl_buffers_reclaimed",
	[FL_ALLOC_FAIL] = "fl_alloc_fail",
	[FL_ALLOC_ATOMIC_FAIL] = "fl_alloc_atomic_fail",
	[OOM_KILL] = "oom_kill",
	[FL_READAHEAD_PAGES] = "fl_readahead_pages",
	[FL_READAHEAD_SYNC] = "fl_readahead_sync",
	[FL_READAHEAD_ASYNC] = "fl_readahead_async",
	[FL_READAHEAD_NOMEM] = "fl_readahead_nomem",
};

void count_vm_event(enum vm_event_item item)
{
	__atomic_fetch_add(&vm_events[item], 1, __ATOMIC_RELAXED);
}

void count_vm_events(enum vm_event_item item, unsigned long n)
{
	if (n)
		__atomic_fetch_add(&vm_events[item], n, __ATOMIC_RELAXED);
}

unsigned long vm_event_read(enum vm_event_item item)
{
	return __atomic_load_n(&vm_events[item], __ATOMIC_RELAXED);
}
