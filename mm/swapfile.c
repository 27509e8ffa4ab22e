/*
 * Swap areas: swapon, swapoff, and the slots of each area
 * (include/mm/swap.h, docs/reclaim.md "Swap").
 *
 * Owns: swap_info[] (one struct swap_info_struct per area, by type), the
 * list of areas that may hand out slots (swap_avail_head, by priority),
 * each area's swap_map (who holds each slot) and its clusters, and the
 * counts behind SwapTotal and SwapFree.
 *
 * An area is a whole virtio-blk disk in Linux's format: mkswap writes a
 * header into the first page ("SWAPSPACE2" in its last ten bytes, version
 * 1, last_page, the bad pages), and every later page is one slot. Slot 0
 * is the header's and, like each bad page, holds SWAP_MAP_BAD for good.
 *
 * Clusters (Linux's idea, simplified): the slots are cut into clusters of
 * SWAPFILE_CLUSTER. Each CPU takes a wholly free cluster and hands out its
 * slots in order before it takes another, so the pages that one process
 * (running on one CPU) sends out together land together on the disk, and
 * two CPUs swapping at once do not interleave their slots. When no cluster
 * is wholly free, any free slot will do (the area is fragmented, not full).
 * Linux keeps the per-CPU cluster lock-free; here it is under si->lock,
 * which every allocation takes anyway.
 *
 * Locks (docs/locking.md):
 *   swap_lock (spinlock)   swap_info[], each area's flags and prio, the
 *                          avail list, nr_swapfiles, total/free counts;
 *     si->lock (spinlock)  the area's swap_map, clusters, inuse_pages.
 * si->lock is taken alone by every path that holds an entry (swap_free
 * from zap under a page-table lock, swap_duplicate from fork), so it is a
 * leaf below the page-table lock and the swap cache's tree lock. swapon
 * and swapoff serialise on swapon_mutex (sleeping), outside everything.
 * The struct of an area is never freed: a type stays valid for any entry
 * that names it, and swapoff empties the area before it is reused.
 */
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/cred.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <drivers/blkdev.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include <mm/vmalloc.h>

static DEFINE_SPINLOCK(swap_lock);
static DEFINE_MUTEX(swapon_mutex);
static struct swap_info_struct *swap_info[MAX_SWAPFILES];       /* (g) */
static unsigned int nr_swapfiles;                               /* (g) types ever used */
static LIST_HEAD(swap_avail_head);                              /* (g) by prio, highest first */
static long nr_swap_pages;              /* (a) free slots in areas that may allocate */
static long total_swap;                 /* (g to change) usable slots of every area (SwapTotal) */
static int least_priority;              /* (g) the last default priority given (-1, -2, ...) */

/* ---- the header -------------------------------------------------------- */

int parse_swap_header(const void *page, unsigned long dev_pages, unsigned long *maxp)
{
	const struct swap_header_v1 *h = page;
	const char *magic = (const char *)page + PAGE_SIZE - 10;
	unsigned long max, maxbad;

	if (memcmp(magic, SWAP_HEADER_MAGIC, 10) != 0)
		return -EINVAL;
	if (h->version != 1)
		return -EINVAL;
	max = (unsigned long)h->last_page + 1;
	if (h->last_page == 0 || max > dev_pages || max > (1UL << SWP_OFFSET_BITS))
		return -EINVAL;
	maxbad = (PAGE_SIZE - offsetof(struct swap_header_v1, badpages)) / sizeof(u32);
	if (h->nr_badpages > maxbad)
		return -EINVAL;
	for (u32 i = 0; i < h->nr_badpages; i++)
		if (h->badpages[i] == 0 || h->badpages[i] >= max)
			return -EINVAL;
	if (max - 1 <= h->nr_badpages)
		return -EINVAL;                 /* no usable slot */
	*maxp = max;
	return 0;
}

/* ---- slots ------------------------------------------------------------- */

static struct swap_info_struct *swap_info_get(swp_entry_t entry)
{
	unsigned int type = swp_type(entry);
	struct swap_info_struct *si;

	if (!entry.val || type >= MAX_SWAPFILES)
		return NULL;
	si = READ_ONCE(swap_info[type]);
	if (!si || !(READ_ONCE(si->flags) & SWP_USED) || swp_offset(entry) >= si->max)
		return NULL;
	return si;
}

/*
 * swap_info_get's look is lockless, and swapoff may end the area and free
 * its map right after it: every user of the map checks again here, under
 * si->lock, which swapoff holds to clear SWP_USED and the map pointer
 * (before it frees the map) and swapon to set SWP_USED (after it set up
 * a new map, possibly of another size: hence the bound, too). Returns
 * the map, or NULL if @off is no slot of a live area any more.
 * Context: si->lock held.
 */
static unsigned short *swap_map_locked(struct swap_info_struct *si, unsigned long off)
{
	ASSERT_HELD(&si->lock);
	if (!(si->flags & SWP_USED) || !si->swap_map || off >= si->max)
		return NULL;
	return si->swap_map;
}

static unsigned long cluster_size(struct swap_info_struct *si, unsigned long c)
{
	unsigned long end = min((c + 1) * SWAPFILE_CLUSTER, si->max);

	return end - c * SWAPFILE_CLUSTER;
}

/* Context: si->lock held. */
static void slot_taken_locked(struct swap_info_struct *si, unsigned long off, unsigned short v)
{
	si->swap_map[off] = v;
	si->cluster_free[off / SWAPFILE_CLUSTER]--;
	si->inuse_pages++;
	__atomic_sub_fetch(&nr_swap_pages, 1, __ATOMIC_RELAXED);
}

/* The slot's last holder let go. Context: si->lock held. */
static void slot_freed_locked(struct swap_info_struct *si, unsigned long off)
{
	si->swap_map[off] = 0;
	si->cluster_free[off / SWAPFILE_CLUSTER]++;
	si->inuse_pages--;
	if (si->flags & SWP_WRITEOK)
		__atomic_add_fetch(&nr_swap_pages, 1, __ATOMIC_RELAXED);
}

/* A wholly free cluster for this CPU, or false. Context: si->lock held. */
static bool take_free_cluster_locked(struct swap_info_struct *si, unsigned int cpu)
{
	for (unsigned long n = 0; n < si->nr_clusters; n++) {
		unsigned long c = (si->next_cluster + n) % si->nr_clusters;

		if (si->cluster_free[c] == cluster_size(si, c)) {
			si->percpu[cpu].next = c * SWAPFILE_CLUSTER;
			si->percpu[cpu].left = (unsigned int)cluster_size(si, c);
			si->next_cluster = (c + 1) % si->nr_clusters;
			return true;
		}
	}
	return false;
}

/* A free slot of @si, taken for the swap cache; 0 if none.
 * Context: si->lock held. */
static unsigned long scan_swap_map_locked(struct swap_info_struct *si)
{
	unsigned int cpu = smp_processor_id();

	if (si->inuse_pages == si->pages)
		return 0;
	for (;;) {
		while (si->percpu[cpu].left) {
			unsigned long off = si->percpu[cpu].next++;

			si->percpu[cpu].left--;
			if (!si->swap_map[off]) {
				slot_taken_locked(si, off, SWAP_HAS_CACHE);
				return off;
			}
		}
		if (!take_free_cluster_locked(si, cpu))
			break;
	}
	/* Fragmented: the first free slot anywhere. */
	for (unsigned long c = 0; c < si->nr_clusters; c++) {
		if (!si->cluster_free[c])
			continue;
		for (unsigned long off = c * SWAPFILE_CLUSTER;
		     off < c * SWAPFILE_CLUSTER + cluster_size(si, c); off++)
			if (!si->swap_map[off]) {
				slot_taken_locked(si, off, SWAP_HAS_CACHE);
				return off;
			}
	}
	return 0;
}

swp_entry_t get_swap_page(void)
{
	struct swap_info_struct *si;
	swp_entry_t entry = { 0 };

	if (__atomic_load_n(&nr_swap_pages, __ATOMIC_RELAXED) <= 0)
		return entry;
	spin_lock(&swap_lock);
	list_for_each_entry(si, &swap_avail_head, avail_list) {
		unsigned long off;

		spin_lock(&si->lock);
		off = (si->flags & SWP_WRITEOK) ? scan_swap_map_locked(si) : 0;
		spin_unlock(&si->lock);
		if (off) {
			entry = swp_entry(si->type, off);
			break;
		}
	}
	spin_unlock(&swap_lock);
	return entry;
}

int swap_duplicate(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(entry);
	unsigned long off = swp_offset(entry);
	int err = 0;

	if (!si)
		return -EINVAL;
	spin_lock(&si->lock);
	if (!swap_map_locked(si, off) || !si->swap_map[off] ||
	    SWAP_COUNT(si->swap_map[off]) == SWAP_MAP_BAD)
		err = -EINVAL;
	else if (SWAP_COUNT(si->swap_map[off]) >= SWAP_MAP_MAX)
		err = -ENOMEM;
	else
		si->swap_map[off]++;
	spin_unlock(&si->lock);
	return err;
}

/* Drop @usage (1: an entry; SWAP_HAS_CACHE: the cache's hold) from a slot.
 * Returns what is left. */
static unsigned short swap_entry_put(swp_entry_t entry, unsigned short usage)
{
	struct swap_info_struct *si = swap_info_get(entry);
	unsigned long off = swp_offset(entry);
	unsigned short v;

	if (!si) {
		pr_err("swap: put of a bad entry %#lx\n", entry.val);
		return 0;
	}
	spin_lock(&si->lock);
	if (!swap_map_locked(si, off)) {
		spin_unlock(&si->lock);
		pr_err("swap: put of %#lx after its area went\n", entry.val);
		return 0;
	}
	v = si->swap_map[off];
	if (usage == SWAP_HAS_CACHE) {
		if (!(v & SWAP_HAS_CACHE))
			panic("swap: cache hold of %#lx not held", entry.val);
		v &= ~SWAP_HAS_CACHE;
	} else {
		if (!SWAP_COUNT(v) || SWAP_COUNT(v) == SWAP_MAP_BAD)
			panic("swap: free of %#lx, which no entry names (map %#x)", entry.val, v);
		v--;
	}
	if (v)
		si->swap_map[off] = v;
	else
		slot_freed_locked(si, off);
	spin_unlock(&si->lock);
	return v;
}

void swap_free(swp_entry_t entry)
{
	swap_entry_put(entry, 1);
}

void swapcache_free(swp_entry_t entry)
{
	swap_entry_put(entry, SWAP_HAS_CACHE);
}

int swapcache_prepare(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(entry);
	unsigned long off = swp_offset(entry);
	int err = 0;

	if (!si)
		return -ENOENT;
	spin_lock(&si->lock);
	if (!swap_map_locked(si, off) || !SWAP_COUNT(si->swap_map[off]) ||
	    SWAP_COUNT(si->swap_map[off]) == SWAP_MAP_BAD)
		err = -ENOENT;
	else if (si->swap_map[off] & SWAP_HAS_CACHE)
		err = -EEXIST;
	else
		si->swap_map[off] |= SWAP_HAS_CACHE;
	spin_unlock(&si->lock);
	return err;
}

int swap_count(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(entry);
	int count = 0;

	if (!si)
		return 0;
	spin_lock(&si->lock);
	if (swap_map_locked(si, swp_offset(entry)))
		count = SWAP_COUNT(si->swap_map[swp_offset(entry)]);
	spin_unlock(&si->lock);
	return count;
}

bool swap_entry_dying(swp_entry_t entry)
{
	struct swap_info_struct *si = swap_info_get(entry);

	return !si || !(READ_ONCE(si->flags) & SWP_WRITEOK);
}

void free_swap_and_cache(swp_entry_t entry)
{
	struct page *page;

	if (swap_entry_put(entry, 1) != SWAP_HAS_CACHE)
		return;
	/* Only the cache holds the slot now: drop its page if that can be
	 * done without sleeping (the page lock is free, no write-back).
	 * Otherwise the page stays until reclaim or swapoff finds it. */
	page = lookup_swap_cache(entry);
	if (!page)
		return;
	if (trylock_page(page)) {
		try_to_free_swap(page);
		unlock_page(page);
	}
	put_page(page);
}

struct block_device *swap_entry_bdev(swp_entry_t entry, u64 *sector)
{
	struct swap_info_struct *si = swap_info_get(entry);

	if (!si)
		return NULL;
	*sector = (u64)swp_offset(entry) << (PAGE_SHIFT - SECTOR_SHIFT);
	return si->bdev;
}

unsigned long total_swap_pages(void)
{
	return (unsigned long)READ_ONCE(total_swap);
}

unsigned long nr_free_swap_pages(void)
{
	long n = __atomic_load_n(&nr_swap_pages, __ATOMIC_RELAXED);

	return n < 0 ? 0 : (unsigned long)n;
}

/* ---- swapon ------------------------------------------------------------ */

/* "vdb" or "/dev/vdb": the registered disk's name, or NULL. */
static const char *device_name(const char *name)
{
	if (!strncmp(name, "/dev/", 5))
		return name + 5;
	return strchr(name, '/') ? NULL : name;
}

/* Insert @si on the avail list by priority (highest first; among equals,
 * the older area first, as Linux fills equal areas round-robin only when
 * asked). Context: swap_lock held. */
static void add_avail_locked(struct swap_info_struct *si)
{
	struct swap_info_struct *pos;

	list_for_each_entry(pos, &swap_avail_head, avail_list)
		if (pos->prio < si->prio) {
			list_add_tail(&si->avail_list, &pos->avail_list);
			return;
		}
	list_add_tail(&si->avail_list, &swap_avail_head);
}

/* A free struct and type for a new area, or the busy check: -EBUSY if
 * @bdev is already an area. Context: swapon_mutex held. */
static struct swap_info_struct *alloc_swap_info(struct block_device *bdev, int *err)
{
	struct swap_info_struct *si = NULL;
	unsigned int type;

	spin_lock(&swap_lock);
	for (type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *p = swap_info[type];

		if ((p->flags & SWP_USED) && p->bdev == bdev) {
			spin_unlock(&swap_lock);
			*err = -EBUSY;
			return NULL;
		}
	}
	for (type = 0; type < nr_swapfiles; type++)
		if (!(swap_info[type]->flags & SWP_USED))
			break;
	if (type < nr_swapfiles)
		si = swap_info[type];
	spin_unlock(&swap_lock);
	if (si)
		return si;
	if (type >= MAX_SWAPFILES) {
		*err = -EPERM;                  /* Linux: too many areas */
		return NULL;
	}
	si = kzalloc(sizeof(*si), GFP_KERNEL);
	if (!si) {
		*err = -ENOMEM;
		return NULL;
	}
	spin_lock_init(&si->lock, "swap_info.lock");
	INIT_LIST_HEAD(&si->avail_list);
	si->type = type;
	spin_lock(&swap_lock);
	swap_info[type] = si;
	nr_swapfiles = type + 1;
	spin_unlock(&swap_lock);
	return si;
}

/* Read and check the header, and build the maps. Context: swapon_mutex. */
static int setup_swap_map(struct swap_info_struct *si, struct block_device *bdev)
{
	const struct swap_header_v1 *h;
	unsigned long max, dev_pages = bdev->nr_sectors >> (PAGE_SHIFT - SECTOR_SHIFT);
	void *page = get_free_pages(GFP_KERNEL, 0);
	int err;

	if (!page)
		return -ENOMEM;
	err = blkdev_rw(bdev, BLK_READ, 0, page, PAGE_SIZE >> SECTOR_SHIFT);
	if (!err)
		err = parse_swap_header(page, dev_pages, &max);
	if (err)
		goto out;
	h = page;
	si->max = max;
	si->nr_clusters = (max + SWAPFILE_CLUSTER - 1) / SWAPFILE_CLUSTER;
	si->swap_map = vmalloc(max * sizeof(*si->swap_map));
	si->cluster_free = vmalloc(si->nr_clusters * sizeof(*si->cluster_free));
	if (!si->swap_map || !si->cluster_free) {
		err = -ENOMEM;
		goto out;
	}
	memset(si->swap_map, 0, max * sizeof(*si->swap_map));
	for (unsigned long c = 0; c < si->nr_clusters; c++)
		si->cluster_free[c] = (unsigned int)cluster_size(si, c);
	si->swap_map[0] = SWAP_MAP_BAD;
	si->cluster_free[0]--;
	for (u32 i = 0; i < h->nr_badpages; i++) {
		if (si->swap_map[h->badpages[i]])
			continue;               /* listed twice */
		si->swap_map[h->badpages[i]] = SWAP_MAP_BAD;
		si->cluster_free[h->badpages[i] / SWAPFILE_CLUSTER]--;
	}
	si->pages = 0;
	for (unsigned long c = 0; c < si->nr_clusters; c++)
		si->pages += si->cluster_free[c];
	si->inuse_pages = 0;
	si->next_cluster = 0;
	memset(si->percpu, 0, sizeof(si->percpu));
out:
	free_pages(page, 0);
	return err;
}

/* Context: SWP_USED clear (swapon before it sets it, swapoff after it
 * cleared it): the pointers are cleared under si->lock, so a reader that
 * takes the lock afterwards sees NULL (swap_map_locked), and one that
 * holds it now finishes before the maps are freed. */
static void free_swap_map(struct swap_info_struct *si)
{
	unsigned short *map;
	unsigned int *cluster_free;

	spin_lock(&si->lock);
	map = si->swap_map;
	cluster_free = si->cluster_free;
	si->swap_map = NULL;
	si->cluster_free = NULL;
	spin_unlock(&si->lock);
	vfree(map);
	vfree(cluster_free);
}

int swapon_device(const char *name, int swap_flags)
{
	const char *dev = device_name(name);
	struct block_device *bdev = dev ? blkdev_get(dev) : NULL;
	struct swap_info_struct *si;
	int err = 0;

	if (!bdev)
		return -ENOENT;
	if (bdev->read_only)
		return -EINVAL;
	mutex_lock(&swapon_mutex);
	si = alloc_swap_info(bdev, &err);
	if (!si)
		goto out;
	err = setup_swap_map(si, bdev);
	if (err) {
		free_swap_map(si);
		goto out;
	}
	si->bdev = bdev;
	snprintf(si->name, sizeof(si->name), "/dev/%s", dev);
	spin_lock(&swap_lock);
	si->prio = (swap_flags & SWAP_FLAG_PREFER) ? (swap_flags & SWAP_FLAG_PRIO_MASK)
						    : --least_priority;
	spin_lock(&si->lock);
	si->flags = SWP_USED | SWP_WRITEOK;
	spin_unlock(&si->lock);
	add_avail_locked(si);
	total_swap += (long)si->pages;
	__atomic_add_fetch(&nr_swap_pages, (long)si->pages, __ATOMIC_RELAXED);
	spin_unlock(&swap_lock);
	pr_info("Adding %luk swap on %s.  Priority:%d extents:1 across:%luk\n",
		si->pages << (PAGE_SHIFT - 10), si->name, si->prio,
		(si->max - 1) << (PAGE_SHIFT - 10));
out:
	mutex_unlock(&swapon_mutex);
	return err;
}

/* ---- swapoff ----------------------------------------------------------- */

/* The smallest pid above @after with an mm, for try_to_unuse's walk. */
struct next_pid {
	int after, found;
};

static void next_pid_fn(struct task_struct *t, void *arg)
{
	struct next_pid *np = arg;

	if (t->pid > np->after && (!np->found || t->pid < np->found) && t->mm)
		np->found = t->pid;
}

static int next_mm_pid(int after)
{
	struct next_pid np = { .after = after };
	unsigned long flags = tasklist_lock_irqsave();

	for_each_process_locked(next_pid_fn, &np);
	tasklist_unlock_irqrestore(flags);
	return np.found;
}

/*
 * Bring every page of area @si back: walk every process's page tables,
 * reading in each swap entry of this type (unuse_mm, mm/memory.c), then
 * drop the swap cache's pages that nothing names any more. Processes go on
 * running; a fork copies entries into a child that may already have been
 * walked, so the walk repeats until the area is empty. Returns 0,
 * -ENOMEM (memory short, as Linux) or -EINTR (a fatal signal).
 * Context: swapon_mutex held; SWP_WRITEOK already clear.
 */
static int try_to_unuse(struct swap_info_struct *si)
{
	for (int pass = 0; ; pass++) {
		int pid = 0, err = 0;
		unsigned long inuse;

		while (!err && (pid = next_mm_pid(pid)) != 0) {
			struct mm_struct *mm = get_pid_mm(pid);

			if (!mm)
				continue;
			err = unuse_mm(mm, si->type);
			mmput(mm);
			if (!err && fatal_signal_pending(current))
				err = -EINTR;
		}
		if (!err)
			err = shmem_unuse(si->type);
		if (err)
			return err;
		/* What is left is held by the cache alone: drop those pages. */
		for (unsigned long off = 1; off < si->max; off++) {
			swp_entry_t entry = swp_entry(si->type, off);
			struct page *page;

			if (READ_ONCE(si->swap_map[off]) != SWAP_HAS_CACHE)
				continue;
			page = lookup_swap_cache(entry);
			if (!page)
				continue;
			lock_page(page);
			swap_wait_on_writeback(page);
			if (PageSwapCache(page) && page->private == entry.val)
				try_to_free_swap(page);
			unlock_page(page);
			put_page(page);
		}
		spin_lock(&si->lock);
		inuse = si->inuse_pages;
		spin_unlock(&si->lock);
		if (!inuse)
			return 0;
		if (pass > 100) {
			/* An entry no walk reaches is a leak, a broken invariant. */
			pr_err("swapoff: %lu slots of %s still in use\n", inuse, si->name);
			return -EBUSY;
		}
		msleep(10);
	}
}

int swapoff_device(const char *name)
{
	const char *dev = device_name(name);
	struct block_device *bdev = dev ? blkdev_get(dev) : NULL;
	struct swap_info_struct *si = NULL;
	long free_slots;
	int err;

	mutex_lock(&swapon_mutex);
	spin_lock(&swap_lock);
	for (unsigned int type = 0; bdev && type < nr_swapfiles; type++)
		if ((swap_info[type]->flags & SWP_WRITEOK) && swap_info[type]->bdev == bdev)
			si = swap_info[type];
	spin_unlock(&swap_lock);
	if (!si) {
		mutex_unlock(&swapon_mutex);
		return -EINVAL;
	}
	/* The pages coming back need memory the area's slots promised:
	 * Linux charges them as a new commitment, judged while the area
	 * still counts as swap, and refuses if it cannot. */
	if (vm_enough_memory(current->mm, (long)si->pages)) {
		mutex_unlock(&swapon_mutex);
		return -ENOMEM;
	}
	vm_unacct_memory((long)si->pages);
	spin_lock(&swap_lock);
	spin_lock(&si->lock);
	si->flags &= ~SWP_WRITEOK;
	free_slots = (long)(si->pages - si->inuse_pages);
	spin_unlock(&si->lock);
	list_del_init(&si->avail_list);
	total_swap -= (long)si->pages;
	__atomic_sub_fetch(&nr_swap_pages, free_slots, __ATOMIC_RELAXED);
	spin_unlock(&swap_lock);

	err = try_to_unuse(si);
	if (err) {
		/* Put the area back as it was: what came in stays in. */
		spin_lock(&swap_lock);
		spin_lock(&si->lock);
		si->flags |= SWP_WRITEOK;
		free_slots = (long)(si->pages - si->inuse_pages);
		spin_unlock(&si->lock);
		add_avail_locked(si);
		total_swap += (long)si->pages;
		__atomic_add_fetch(&nr_swap_pages, free_slots, __ATOMIC_RELAXED);
		spin_unlock(&swap_lock);
		mutex_unlock(&swapon_mutex);
		return err;
	}
	spin_lock(&swap_lock);
	spin_lock(&si->lock);
	si->flags = 0;
	spin_unlock(&si->lock);
	if (si->prio < 0 && si->prio == least_priority)
		least_priority++;
	spin_unlock(&swap_lock);
	free_swap_map(si);
	si->bdev = NULL;
	mutex_unlock(&swapon_mutex);
	return 0;
}

/* ---- the system calls and the boot option -------------------------------- */

/* Linux asks for CAP_SYS_ADMIN; Faultline's capabilities follow the
 * effective uid (kernel/cred.c). */
static bool swap_capable(void)
{
	return capable_root();
}

static long swap_path_error(const char *path)
{
	struct inode *inode = namei(path);

	bool dir;

	if (IS_ERR_OR_NULL(inode))
		return inode ? PTR_ERR(inode) : -ENOENT;
	dir = S_ISDIR(inode->i_mode);
	iput(inode);
	/* Linux opens the path for writing first: a directory is EISDIR. */
	return dir ? -EISDIR : -EINVAL; /* else it exists, but is no disk to swap to */
}

SYSCALL_DEFINE2(swapon, const char *, specialfile, int, swap_flags)
{
	char *path;
	long err;

	if (!swap_capable())
		return -EPERM;
	if (swap_flags & ~SWAP_FLAGS_VALID)
		return -EINVAL;
	path = getname(specialfile);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = swapon_device(path, swap_flags);
	if (err == -ENOENT)
		err = swap_path_error(path);
	putname(path);
	return err;
}

SYSCALL_DEFINE1(swapoff, const char *, specialfile)
{
	char *path;
	long err;

	if (!swap_capable())
		return -EPERM;
	path = getname(specialfile);
	if (IS_ERR(path))
		return PTR_ERR(path);
	err = swapoff_device(path);
	if (err == -EINVAL && !device_name(path))
		err = swap_path_error(path);
	else if (err == -EINVAL && !blkdev_get(device_name(path)))
		err = swap_path_error(path);
	putname(path);
	return err;
}

void swap_boot_init(void)
{
	const char *opt = kernel_param("swap");
	char name[32];

	while (opt && *opt) {
		size_t len = 0;
		int err;

		while (opt[len] && opt[len] != ',')
			len++;
		if (len && len < sizeof(name)) {
			memcpy(name, opt, len);
			name[len] = '\0';
			err = swapon_device(name, 0);
			if (err)
				pr_err("swap: swapon %s: error %d\n", name, err);
		}
		opt += len;
		if (*opt == ',')
			opt++;
	}
}

/* /proc/swaps, Linux's columns (tab-separated, the name padded to 40).
 * Context: takes swap_lock and each si->lock; seq_printf does not sleep. */
int swaps_show(struct seq_buf *m, int pid)
{
	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	spin_lock(&swap_lock);
	for (unsigned int type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *si = swap_info[type];
		unsigned long size, used;
		int len;

		/* As Linux: an area being switched off stays listed (its
		 * Used falling) until swapoff has ended it. */
		if (!(si->flags & SWP_USED))
			continue;
		spin_lock(&si->lock);
		used = si->inuse_pages << (PAGE_SHIFT - 10);
		spin_unlock(&si->lock);
		size = si->pages << (PAGE_SHIFT - 10);
		len = (int)strlen(si->name);
		seq_printf(m, "%s%*s%s\t%lu\t%s%lu\t%s%d\n", si->name, len < 40 ? 40 - len : 1, " ",
			   "partition", size, size < 10000000 ? "\t" : "", used,
			   used < 10000000 ? "\t" : "", si->prio);
	}
	spin_unlock(&swap_lock);
	return 0;
}
