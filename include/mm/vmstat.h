/*
 * Event counters of the memory system, shown in /proc/vmstat.
 *
 * Each counter is a machine-wide count of one kind of event, bumped with
 * count_vm_event() where the event happens (one atomic add; no lock).
 * Names are Linux's where Linux has the counter (pgfault, pgmajfault);
 * the others are Faultline's own, named for the function that counts them,
 * so that a student who sees a number in /proc/vmstat can find the code.
 *
 * The page-cache gauges (nr_dirty, nr_writeback, ...) are not events and
 * live in mm/page-writeback.c (writeback_stats).
 */
#ifndef _MM_VMSTAT_H
#define _MM_VMSTAT_H

#include <kernel/types.h>

enum vm_event_item {
	PGFAULT,                /* user page faults handled by handle_mm_fault (Linux: pgfault) */
	PGMAJFAULT,             /* faults that waited for the disk (Linux: pgmajfault) */
	PSWPIN,                 /* pages read from swap (Linux: pswpin; none until swap) */
	PSWPOUT,                /* pages written to swap (Linux: pswpout; none until swap) */
	SWAP_RA,                /* pages read ahead of a swap-in (Linux: swap_ra) */
	SWAP_RA_HIT,            /* ... that a later lookup found (Linux: swap_ra_hit) */
	FL_ANON_FAULT,          /* do_anonymous_page */
	FL_READ_FAULT,          /* do_read_fault */
	FL_COW_FAULT,           /* do_cow_fault and wp_page_copy: a private copy was made */
	FL_SHARED_FAULT,        /* do_shared_fault */
	FL_WP_FAULT,            /* do_wp_page: a write to a present, write-protected PTE */
	FL_WP_REUSE,            /* wp_page_reuse: the page was made writable in place */
	FL_PAGE_MKWRITE,        /* ->page_mkwrite calls */
	FL_PAGE_MKWRITE_FAIL,   /* ... that refused (SIGBUS or OOM) */
	FL_MKCLEAN_PTES,        /* PTEs write-protected and cleaned by page_mkclean */
	FL_TRUNCATE_RETRY,      /* finish_fault saw truncate_count move and retried */
	FL_TRUNCATE_UNMAP,      /* PTEs removed by unmap_mapping_range */
	FL_RMAP_WALK_VMAS,      /* VMAs a reverse-map walk of i_mmap visited */
	FL_RMAP_WALK_ANON_VMAS, /* VMAs a reverse-map walk of an anon_vma visited */
	FL_UNMAP_PTES,          /* PTEs try_to_unmap removed (reclaim) */
	FL_SIGBUS_EOF,          /* file faults on a page wholly past EOF */
	FL_FAULT_NOPAGE,        /* ->fault installed the PTE itself (VM_FAULT_NOPAGE) */
	FL_FAULT_AROUND_PAGES,  /* pages fault-around mapped (the faulting one included) */
	FL_FAULT_AROUND_TRUNCATED, /* fault-arounds that mapped nothing: truncate_count moved */
	ALLOCSTALL,             /* allocations that entered direct reclaim (Linux: allocstall) */
	PGSCAN_KSWAPD,          /* inactive pages looked at by kswapd (Linux: pgscan_kswapd) */
	PGSCAN_DIRECT,          /* ... by direct reclaim in the allocator (Linux: pgscan_direct) */
	PGSTEAL_KSWAPD,         /* pages kswapd freed (Linux: pgsteal_kswapd) */
	PGSTEAL_DIRECT,         /* ... direct reclaim freed (Linux: pgsteal_direct) */
	PAGEOUTRUN,             /* kswapd runs: woken below low, reclaimed toward high (Linux: pageoutrun) */
	PGACTIVATE,             /* pages moved to the active list (Linux: pgactivate) */
	PGDEACTIVATE,           /* pages moved to the inactive list (Linux: pgdeactivate) */
	PGREFILL,               /* active pages looked at by shrink_active_list (Linux: pgrefill) */
	NR_VMSCAN_WRITE,        /* dirty file pages reclaim wrote (kswapd's pageout; Linux: nr_vmscan_write) */
	FL_RECLAIM_THROTTLE,    /* reclaim_throttle: waits for write-back to make progress */
	FL_RECLAIM_WAKE_FLUSHER,/* wakeup_flusher_threads: a writer or the allocator asked for write-back */
	FL_BUFFERS_RECLAIMED,   /* clean buffers freed by shrink_buffer_cache */
	FL_ALLOC_FAIL,          /* sleeping allocations that failed after reclaim */
	FL_ALLOC_ATOMIC_FAIL,   /* allocations that could not sleep and found no page */
	OOM_KILL,               /* processes killed by the OOM killer (Linux: oom_kill) */
	FL_READAHEAD_PAGES,     /* pages whose reads readahead started (mm/readahead.c) */
	FL_READAHEAD_SYNC,      /* windows started by a miss (read() or a mapped read) */
	FL_READAHEAD_ASYNC,     /* windows started by reaching a PG_readahead page */
	FL_READAHEAD_NOMEM,     /* windows cut short because memory was short */
	NR_VM_EVENT_ITEMS
};

/* The /proc/vmstat name of each item, in enum order. */
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];

void count_vm_event(enum vm_event_item item);
void count_vm_events(enum vm_event_item item, unsigned long n);
unsigned long vm_event_read(enum vm_event_item item);

#endif
