/*
 * Swap entries and the swap interface (mm/swapfile.c, mm/swap_state.c,
 * mm/page_io.c; docs/reclaim.md).
 *
 * A swap entry names one page-sized slot of one swap area: its type (the
 * area's index in swap_info[], in swapon order) and its offset (the slot
 * number inside the area; slot 0 holds mkswap's header and is never
 * handed out). An anonymous page that reclaim sends to swap is replaced,
 * in every PTE that mapped it, by the entry of its slot (the PTE layout is
 * arch/'s: asm/pgtable.h); the fault on such a PTE reads the slot back
 * (do_swap_page).
 *
 * The swap cache holds the pages whose slot is allocated and that are in
 * memory too: a page on its way out (written, not yet freed) or on its
 * way back (read in, maybe not yet mapped everywhere). A page in the swap
 * cache has PG_swapcache set and its entry in page->private; it is found
 * by entry, so a page shared after fork is read from swap once.
 */
#ifndef _MM_SWAP_H
#define _MM_SWAP_H

#include <kernel/types.h>
#include <mm/mm_types.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <mm/page_alloc.h>
#include <asm/percpu.h>
#include <asm/pgtable.h>

#define MAX_SWAPFILES (1U << SWP_TYPE_BITS)

typedef struct {
	unsigned long val;
} swp_entry_t;

static inline swp_entry_t swp_entry(unsigned int type, unsigned long offset)
{
	return (swp_entry_t){ ((unsigned long)type << SWP_OFFSET_BITS) | offset };
}
static inline unsigned int swp_type(swp_entry_t e)
{
	return e.val >> SWP_OFFSET_BITS;
}
static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & ((1UL << SWP_OFFSET_BITS) - 1);
}
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __swp_entry_to_pte(swp_type(e), swp_offset(e));
}
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(__pte_swp_type(pte), __pte_swp_offset(pte));
}

/* ---- swap areas (mm/swapfile.c) ------------------------------------------ */

/*
 * swap_map[offset]: who holds the slot. The low bits count the swap
 * entries that name it (PTEs, a shmem object's index); SWAP_HAS_CACHE says
 * the swap cache holds a page for it too. 0 is a free slot. Slot 0 (the
 * header) and mkswap's bad pages hold SWAP_MAP_BAD and are never handed out.
 */
#define SWAP_HAS_CACHE          0x8000
#define SWAP_MAP_BAD            0x7fff
#define SWAP_MAP_MAX            0x7ffe          /* most entries one slot may have */
#define SWAP_COUNT(v)           ((v) & ~SWAP_HAS_CACHE)

/* Slots per cluster: each CPU fills one cluster before it takes another
 * (mm/swapfile.c, "clusters"). 256 slots = 1 MiB of swap. */
#define SWAPFILE_CLUSTER        256

#define SWAP_FLAG_PREFER        0x8000          /* swapon(2): the low bits are a priority */
#define SWAP_FLAG_PRIO_MASK     0x7fff
#define SWAP_FLAG_DISCARD       0x10000         /* accepted and ignored: virtio-blk has no discard here */
#define SWAP_FLAGS_VALID        (SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | \
				 0x20000 | 0x40000)

/* si->flags */
#define SWP_USED                0x1             /* the slot of swap_info[] is taken */
#define SWP_WRITEOK             0x2             /* slots may be allocated (not during swapoff) */

struct block_device;

/*
 * One swap area. Legend: (g) swap_lock, (s) si->lock, (c) constant while
 * the area is in use (set by swapon before SWP_USED|SWP_WRITEOK is
 * published under swap_lock; freed by swapoff after every entry is gone).
 */
struct swap_info_struct {
	spinlock_t lock;                        /* protects the (s) fields */
	unsigned int flags;                     /* (g and s to change; either to read) SWP_* */
	int prio;                               /* (g) higher is used first */
	unsigned int type;                      /* (c) its index in swap_info[] */
	struct block_device *bdev;              /* (c) */
	char name[32];                          /* (c) as given to swapon: "/dev/vdb" */
	unsigned long max;                      /* (c) slots, header included: last_page + 1 */
	unsigned long pages;                    /* (c) usable slots: max - 1 - bad pages */
	unsigned long inuse_pages;              /* (s) slots not free (bad ones excluded) */
	unsigned short *swap_map;               /* (s) per slot, see SWAP_HAS_CACHE */
	unsigned int *cluster_free;             /* (s) free slots of each cluster */
	unsigned long nr_clusters;              /* (c) */
	unsigned long next_cluster;             /* (s) where the search for a free cluster starts */
	/* (s) each CPU's current cluster: next slot to try, slots left */
	struct { unsigned long next; unsigned int left; } percpu[NR_CPUS];
	struct list_head avail_list;            /* (g) on the list of usable areas, by prio */
};

/* The first page of a swap area, as mkswap writes it (Linux's union
 * swap_header, version 1): the magic is in the last 10 bytes of the page. */
#define SWAP_HEADER_MAGIC       "SWAPSPACE2"
struct swap_header_v1 {
	char bootbits[1024];
	u32 version;
	u32 last_page;
	u32 nr_badpages;
	u8 sws_uuid[16];
	u8 sws_volume[16];
	u32 padding[117];
	u32 badpages[];
};

/*
 * Check mkswap's header in @page (one page read from the device's start)
 * for a device of @dev_pages pages. On success *@maxp is the number of
 * slots (last_page + 1, the header's slot included). Returns 0 or -EINVAL
 * (no magic, version not 1, last_page 0 or past the device's end, a bad
 * page out of range, or no usable page).
 */
int parse_swap_header(const void *page, unsigned long dev_pages, unsigned long *maxp);

/* Enable the block device @name ("vdb", or a path "/dev/vdb") as a swap
 * area with @swap_flags (swapon(2)'s). Returns 0 or a negative errno
 * (-ENOENT, -EINVAL, -EBUSY, -ENOMEM, -EIO). Context: may sleep. */
int swapon_device(const char *name, int swap_flags);
/* Bring every page of the area back and disable it. Returns 0, -EINVAL
 * (not an active area), -ENOMEM or -EINTR. Context: may sleep. */
int swapoff_device(const char *name);
/* Boot: enable the areas of the swap= option (comma-separated). */
void swap_boot_init(void);

/* Allocate a slot, marked as held by the swap cache (SWAP_HAS_CACHE).
 * Returns its entry, or entry 0 when no area has a free slot.
 * Context: any, no sleeping lock needed; takes swap_lock and si->lock. */
swp_entry_t get_swap_page(void);
/* One more swap entry names @entry's slot (fork copying a swap PTE).
 * Returns 0, or -EINVAL for a slot that is free or bad.
 * Context: any; takes si->lock. */
int swap_duplicate(swp_entry_t entry);
/* A swap entry that named the slot is gone; the slot is freed when
 * nothing names it and the cache does not hold it. Context: any. */
void swap_free(swp_entry_t entry);
/* The swap cache let go of the slot (delete_from_swap_cache). */
void swapcache_free(swp_entry_t entry);
/* Claim the cache's hold on a slot before reading it in: 0, -EEXIST (the
 * cache holds it already: someone is reading it), -ENOENT (the slot is
 * free: the entry that named it is gone). Context: any. */
int swapcache_prepare(swp_entry_t entry);
/* The swap entries that name @entry's slot (the cache not counted). */
int swap_count(swp_entry_t entry);
/* Is @entry's area being switched off? (then no new entries for it) */
bool swap_entry_dying(swp_entry_t entry);
/* Zap of a swap PTE: swap_free, and if that was the last entry, drop the
 * cache's page too if it can be had without waiting. Context: any
 * (page-table lock held at zap); takes si->lock, the cache's tree lock,
 * and only trylocks the page. */
void free_swap_and_cache(swp_entry_t entry);
/* Sector of @entry's slot on its device, and the device. */
struct block_device *swap_entry_bdev(swp_entry_t entry, u64 *sector);

/* Slots in all active areas, and how many are free (SwapTotal, SwapFree). */
unsigned long total_swap_pages(void);
unsigned long nr_free_swap_pages(void);
/* /proc/swaps */
struct seq_buf;
int swaps_show(struct seq_buf *m, int pid);

/* swapoff's walkers: read every entry of area @type back into @mm's page
 * tables (mm/memory.c), or into the shmem objects (mm/shmem.c). Return 0
 * or -ENOMEM. Context: may sleep; no lock held. */
struct mm_struct;
int unuse_mm(struct mm_struct *mm, unsigned int type);
int shmem_unuse(unsigned int type);

/* Shared anonymous memory's swap (mm/shmem.c). Is @m a shmem object's? */
struct address_space;
bool shmem_mapping(const struct address_space *m);
/* Reclaim of the shmem page @page (locked, unmapped, referenced by the
 * caller and its object): move it to a swap slot and start the write.
 * Returns 0 (the page is in the swap cache, under write-back) or a
 * negative errno (it stays in its object); the page is unlocked. */
int shmem_writeout(struct page *page);

/* MADV_PAGEOUT on [start, end) of @vma (mm/madvise.c). Returns 0 or
 * -EINVAL (a VM_LOCKED or raw-frame VMA). Context: mmap_lock held for
 * reading; may sleep. */
struct vm_area_struct;
int madvise_pageout(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* ---- the swap cache (mm/swap_state.c) ------------------------------------ */

/* Boot: the per-area indexes. */
void swap_cache_init(void);
/* The page cached for @entry, referenced; NULL if none. Context: any. */
struct page *lookup_swap_cache(swp_entry_t entry);
/* Enter @page (locked, not in any cache) for @entry, whose slot's
 * SWAP_HAS_CACHE the caller holds. The cache takes a reference. Returns
 * 0 or -ENOMEM. Context: may sleep if @gfp allows. */
int add_to_swap_cache(struct page *page, swp_entry_t entry, gfp_t gfp);
/* Give the anonymous page @page (locked) a slot and put it in the swap
 * cache, dirty (its contents are not on the slot yet). Returns true if it
 * did; false when swap is full or memory short. Context: does not sleep
 * for memory (it is called from reclaim). */
bool add_to_swap(struct page *page);
/* Take @page (locked, not under write-back) out of the swap cache, and
 * free its slot's cache hold; drops the cache's reference. */
void delete_from_swap_cache(struct page *page);
/* If nothing names @page's slot any more, drop it from the swap cache
 * (the page keeps its data, now dirty). @page locked. Returns true if it
 * left the cache. */
bool try_to_free_swap(struct page *page);
/* Is the calling PTE the only user of @page (locked, anonymous)? Then
 * take it out of the swap cache so it can be written in place (Linux's
 * reuse_swap_page). */
bool reuse_swap_page(struct page *page);
/* The page for @entry: from the cache, or a new page, in the cache and
 * locked, with its read started (*@new_read set). NULL with *@err set
 * (-ENOMEM, or -ENOENT when the slot is gone). Context: may sleep. */
struct page *read_swap_cache_async(swp_entry_t entry, gfp_t gfp, bool *new_read, int *err);
/* Pages in the swap cache (SwapCached). */
unsigned long nr_swapcache_pages(void);

/* ---- swap readahead (mm/swap_state.c) ------------------------------------- */

/* The aligned group of 2^page_cluster slots around @entry: [*@start,
 * *@end), the most a swap-in reads (Linux's swap_cluster_readahead). */
void swap_ra_group(swp_entry_t entry, unsigned long *start, unsigned long *end);
/* The slots the swap-in of @entry reads now: an aligned part of its group,
 * sized by how many pages read ahead were used since the last swap-in
 * (Linux's swapin_nr_pages); one call per swap-in (it updates that
 * history). Context: any. */
void swap_ra_window(swp_entry_t entry, unsigned long *start, unsigned long *end);
/* A fault (or swapoff, or shmem) found @page in the swap cache: if it was
 * read ahead, count the hit (swap_ra_hit in /proc/vmstat, and for
 * swap_ra_window), once: the first finder clears PG_readahead. */
void swap_ra_hit(struct page *page);
/* Read ahead the slots [@start, @end) of @entry's area that are in use and
 * not cached, into the swap cache, without waiting (PG_readahead, on the
 * anonymous LRU). Failures are silent: readahead is a hint.
 * Context: may sleep; the caller holds a plug. */
void swap_readahead_range(swp_entry_t entry, unsigned long start, unsigned long end);
/* /proc/sys/vm/page-cluster: show, or parse and set (0..31, else -EINVAL). */
int page_cluster_show(struct seq_buf *m, int pid);
int page_cluster_store(const char *buf, size_t len);

/* ---- swap I/O (mm/page_io.c) ---------------------------------------------- */

/* Start writing @page (locked, in the swap cache) to its slot and unlock
 * it; PG_writeback is set until the write completes (in interrupt
 * context). Counts pswpout. Returns 0 or a negative errno (the page is
 * then dirty again). Context: may sleep for a queue slot; allocates
 * nothing that could enter reclaim. */
int swap_writepage(struct page *page);
/* Read @page's slot into it (page locked, in the swap cache, not
 * uptodate), wait, and set PG_uptodate on success. Counts pswpin. The page
 * stays locked. Also starts reading ahead the other slots of its group
 * (swap_ra_window) without waiting for them. Returns 0 or -EIO (an error
 * of @page's own read only). Context: may sleep. */
int swap_readpage(struct page *page);
/* Start reading the readahead page @page (locked with a lock the I/O
 * holds, not a task; in the swap cache, not uptodate) and return:
 * the read's end marks it uptodate (on success) and unlocks it
 * (unlock_page_io), in interrupt context. Counts pswpin and swap_ra.
 * Returns 0, or a negative errno with nothing started (the page still
 * locked). Context: may sleep (one reclaim pass at most). */
int swap_readahead_page(struct page *page);
/* Wait until @page is no longer under write-back. Context: may sleep. */
void swap_wait_on_writeback(struct page *page);

#endif
