/*
 * The buffer cache (see include/fs/buffer.h).
 *
 * Owns: every struct buffer_head, the hash table that finds them by
 * (device, block), and the LRU of unreferenced ones.
 *
 * Locks:
 *   bcache_lock (spinlock): the hash chains, the LRU, b_count, nr_buffers.
 *   bh->b_io_lock (mutex): one read or write of that buffer at a time.
 * Order: b_io_lock -> bcache_lock (I/O is never started with bcache_lock
 * held; it is a spinlock and I/O sleeps).
 *
 * Memory: unreferenced clean buffers are reclaimable. Past
 * BUFFER_CACHE_MAX the oldest go at once (getblk); below it, direct
 * reclaim frees them oldest first when the page cache alone did not give
 * the allocator enough (shrink_buffer_cache, from mm/vmscan.c, with no
 * lock of this file held). A buffer is allocated with no lock held, so
 * reclaim can always take bcache_lock.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <fs/buffer.h>
#include <mm/shrinker.h>
#include <mm/slab.h>
#include <mm/vmstat.h>

#define BH_HASH_BUCKETS 256

static struct list_head bh_hash[BH_HASH_BUCKETS];
static LIST_HEAD(bh_lru);                       /* least recently used first */
static DEFINE_SPINLOCK(bcache_lock);
static unsigned long nr_buffers;
static struct buffer_cache_stats stats;
static bool bcache_ready;                       /* (a) set once, under bcache_lock */

static struct list_head *hash_bucket(struct block_device *bdev, u64 block)
{
	unsigned long h = ((unsigned long)bdev >> 6) ^ (block * 0x9e3779b97f4a7c15UL);

	return &bh_hash[(h >> 32) % BH_HASH_BUCKETS];
}

static void bcache_init_once(void)
{
	unsigned long flags;

	/* Every getblk comes here: once set, the flag is all it costs.
	 * Pairs with the release store below: whoever sees it set sees
	 * the initialised buckets. */
	if (__atomic_load_n(&bcache_ready, __ATOMIC_ACQUIRE))
		return;
	flags = spin_lock_irqsave(&bcache_lock);
	if (!bcache_ready) {
		for (int i = 0; i < BH_HASH_BUCKETS; i++)
			INIT_LIST_HEAD(&bh_hash[i]);
		__atomic_store_n(&bcache_ready, true, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
}

/* Find a cached buffer and take a reference. Context: bcache_lock held. */
static struct buffer_head *lookup_locked(struct block_device *bdev, u64 block, unsigned int size)
{
	struct buffer_head *bh;

	ASSERT_HELD(&bcache_lock);
	list_for_each_entry(bh, hash_bucket(bdev, block), b_hash) {
		if (bh->b_bdev == bdev && bh->b_blocknr == block && bh->b_size == size) {
			if (bh->b_count++ == 0)
				list_del_init(&bh->b_lru);
			return bh;
		}
	}
	return NULL;
}

static void free_buffer(struct buffer_head *bh)
{
	kfree(bh->b_data);
	kfree(bh);
}

/*
 * Over the limit: unhash the oldest unreferenced clean buffers onto @victims.
 * Dirty ones stay until written back. Context: bcache_lock held.
 */
static void shrink_locked(struct list_head *victims)
{
	struct buffer_head *bh, *n;

	ASSERT_HELD(&bcache_lock);
	list_for_each_entry_safe(bh, n, &bh_lru, b_lru) {
		if (nr_buffers <= BUFFER_CACHE_MAX)
			break;
		if (buffer_dirty(bh))
			continue;
		list_del(&bh->b_hash);
		list_del(&bh->b_lru);
		list_add(&bh->b_lru, victims);
		nr_buffers--;
	}
}

static struct buffer_head *alloc_buffer(struct block_device *bdev, u64 block, unsigned int size)
{
	struct buffer_head *bh = kzalloc(sizeof(*bh), GFP_KERNEL);

	if (!bh)
		return NULL;
	bh->b_data = kmalloc(size, GFP_KERNEL);
	if (!bh->b_data) {
		kfree(bh);
		return NULL;
	}
	bh->b_bdev = bdev;
	bh->b_blocknr = block;
	bh->b_size = size;
	bh->b_count = 1;
	mutex_init(&bh->b_io_lock, "b_io_lock");
	INIT_LIST_HEAD(&bh->b_lru);
	return bh;
}

struct buffer_head *getblk(struct block_device *bdev, u64 block, unsigned int size)
{
	struct buffer_head *bh, *fresh, *n;
	unsigned long flags;
	LIST_HEAD(victims);

	if (size < SECTOR_SIZE || size > PAGE_SIZE || (size & (size - 1)))
		return ERR_PTR(-EINVAL);
	if ((block + 1) * (size / SECTOR_SIZE) > bdev->nr_sectors)
		return ERR_PTR(-EINVAL);
	bcache_init_once();
	flags = spin_lock_irqsave(&bcache_lock);
	bh = lookup_locked(bdev, block, size);
	if (bh)
		stats.hits++;
	spin_unlock_irqrestore(&bcache_lock, flags);
	if (bh)
		return bh;

	/* Allocate with the lock dropped, then look again: another task may
	 * have added the same block meanwhile, and then its buffer wins. */
	fresh = alloc_buffer(bdev, block, size);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	flags = spin_lock_irqsave(&bcache_lock);
	bh = lookup_locked(bdev, block, size);
	if (!bh) {
		bh = fresh;
		fresh = NULL;
		list_add(&bh->b_hash, hash_bucket(bdev, block));
		nr_buffers++;
		stats.misses++;
		shrink_locked(&victims);
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
	if (fresh)
		free_buffer(fresh);
	list_for_each_entry_safe(fresh, n, &victims, b_lru)
		free_buffer(fresh);
	return bh;
}

/* Read @bh from disk unless another task already has. Context: may sleep. */
static int read_buffer(struct buffer_head *bh)
{
	int err = 0;

	mutex_lock(&bh->b_io_lock);
	if (!buffer_uptodate(bh)) {
		unsigned int per = bh->b_size / SECTOR_SIZE;

		err = blkdev_rw(bh->b_bdev, BLK_READ, bh->b_blocknr * per, bh->b_data, per);
		if (!err)
			set_buffer_uptodate(bh);
		__atomic_add_fetch(&stats.reads, 1, __ATOMIC_RELAXED);
	}
	mutex_unlock(&bh->b_io_lock);
	return err;
}

struct buffer_head *bread(struct block_device *bdev, u64 block, unsigned int size)
{
	struct buffer_head *bh = getblk(bdev, block, size);
	int err;

	if (IS_ERR(bh) || buffer_uptodate(bh))
		return bh;
	err = read_buffer(bh);
	if (err) {
		brelse(bh);
		return ERR_PTR(err);
	}
	return bh;
}

void brelse(struct buffer_head *bh)
{
	unsigned long flags;

	if (!bh)
		return;
	flags = spin_lock_irqsave(&bcache_lock);
	ASSERT(bh->b_count > 0);
	if (--bh->b_count == 0)
		list_add_tail(&bh->b_lru, &bh_lru);
	spin_unlock_irqrestore(&bcache_lock, flags);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
	ASSERT(buffer_uptodate(bh));
	if (!((__atomic_fetch_or(&bh->b_state, 1UL << BH_Dirty, __ATOMIC_SEQ_CST) >> BH_Dirty) & 1))
		__atomic_store_n(&bh->b_dirtied, jiffies, __ATOMIC_RELAXED);
}

void bforget(struct buffer_head *bh)
{
	if (!bh)
		return;
	__atomic_fetch_and(&bh->b_state, ~(1UL << BH_Dirty), __ATOMIC_SEQ_CST);
	brelse(bh);
}

int sync_dirty_buffer(struct buffer_head *bh)
{
	unsigned int per = bh->b_size / SECTOR_SIZE;
	int err = 0;

	mutex_lock(&bh->b_io_lock);
	/* Clear first: a change made while the write is in flight dirties the
	 * buffer again, so it is written again next time, not lost. */
	if ((__atomic_fetch_and(&bh->b_state, ~(1UL << BH_Dirty), __ATOMIC_SEQ_CST) >> BH_Dirty) & 1) {
		err = blkdev_rw(bh->b_bdev, BLK_WRITE, bh->b_blocknr * per, bh->b_data, per);
		if (err)
			mark_buffer_dirty(bh);  /* keep it for the next attempt */
		__atomic_add_fetch(&stats.writes, 1, __ATOMIC_RELAXED);
	}
	mutex_unlock(&bh->b_io_lock);
	return err;
}

static bool wants_sync(struct buffer_head *bh, struct block_device *bdev, u64 older_than)
{
	return bh->b_bdev == bdev && buffer_dirty(bh) &&
	       (!older_than || __atomic_load_n(&bh->b_dirtied, __ATOMIC_RELAXED) < older_than);
}

/*
 * Collect referenced dirty buffers of @bdev into @out (at most @max).
 * Returns how many there were in all, which may exceed @max.
 */
static unsigned long collect_dirty(struct block_device *bdev, u64 older_than,
				   struct buffer_head **out, unsigned long max)
{
	unsigned long flags = spin_lock_irqsave(&bcache_lock);
	unsigned long n = 0;
	struct buffer_head *bh;

	for (int i = 0; i < BH_HASH_BUCKETS; i++) {
		list_for_each_entry(bh, &bh_hash[i], b_hash) {
			if (!wants_sync(bh, bdev, older_than))
				continue;
			if (n < max) {
				if (bh->b_count++ == 0)
					list_del_init(&bh->b_lru);
				out[n] = bh;
			}
			n++;
		}
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
	return n;
}

int sync_blockdev(struct block_device *bdev, u64 older_than)
{
	struct buffer_head **list;
	unsigned long n, max;
	int err = 0;

	bcache_init_once();
	max = collect_dirty(bdev, older_than, NULL, 0);
	if (max) {
		list = kmalloc(max * sizeof(*list), GFP_KERNEL);
		if (!list)
			return -ENOMEM;
		n = min(collect_dirty(bdev, older_than, list, max), max);
		for (unsigned long i = 0; i < n; i++) {
			int e = sync_dirty_buffer(list[i]);

			if (e && !err)
				err = e;
			brelse(list[i]);
		}
		kfree(list);
	}
	if (bdev->has_flush) {
		int e = blkdev_flush(bdev);

		if (e && !err)
			err = e;
	}
	return err;
}

unsigned long shrink_buffer_cache(unsigned long nr)
{
	struct buffer_head *bh, *n;
	unsigned long flags, freed = 0;
	LIST_HEAD(victims);

	bcache_init_once();
	flags = spin_lock_irqsave(&bcache_lock);
	/* Oldest first; a dirty buffer waits for the flusher (sync_blockdev). */
	list_for_each_entry_safe(bh, n, &bh_lru, b_lru) {
		if (freed == nr)
			break;
		if (buffer_dirty(bh))
			continue;
		list_del(&bh->b_hash);
		list_del(&bh->b_lru);
		list_add(&bh->b_lru, &victims);
		nr_buffers--;
		freed++;
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
	list_for_each_entry_safe(bh, n, &victims, b_lru)
		free_buffer(bh);
	count_vm_events(FL_BUFFERS_RECLAIMED, freed);
	return freed;
}

/* The buffer cache's shrinker: its buffers are memory of their own, not
 * page-cache pages, so page reclaim never frees them; reclaim asks here
 * when the LRU gave too little. Counts every cached buffer (an estimate:
 * referenced and dirty ones are skipped by the scan). */
static unsigned long bcache_count(struct shrinker *s, struct shrink_control *sc)
{
	return READ_ONCE(nr_buffers);
}

static unsigned long bcache_scan(struct shrinker *s, struct shrink_control *sc)
{
	return shrink_buffer_cache(sc->nr_to_scan);
}

static struct shrinker bcache_shrinker = {
	.count_objects = bcache_count,
	.scan_objects = bcache_scan,
	.name = "buffer cache",
};

void buffer_shrinker_init(void)
{
	register_shrinker(&bcache_shrinker);
}

void invalidate_bdev(struct block_device *bdev)
{
	struct buffer_head *bh, *n;
	unsigned long flags;
	LIST_HEAD(victims);

	bcache_init_once();
	flags = spin_lock_irqsave(&bcache_lock);
	list_for_each_entry_safe(bh, n, &bh_lru, b_lru) {
		if (bh->b_bdev != bdev || buffer_dirty(bh))
			continue;
		list_del(&bh->b_hash);
		list_del(&bh->b_lru);
		list_add(&bh->b_lru, &victims);
		nr_buffers--;
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
	list_for_each_entry_safe(bh, n, &victims, b_lru)
		free_buffer(bh);
}

void buffer_cache_stats(struct buffer_cache_stats *st)
{
	unsigned long flags;
	struct buffer_head *bh;

	bcache_init_once();
	flags = spin_lock_irqsave(&bcache_lock);
	*st = stats;
	st->buffers = nr_buffers;
	st->referenced = st->dirty = 0;
	for (int i = 0; i < BH_HASH_BUCKETS; i++) {
		list_for_each_entry(bh, &bh_hash[i], b_hash) {
			if (bh->b_count)
				st->referenced++;
			if (buffer_dirty(bh))
				st->dirty++;
		}
	}
	spin_unlock_irqrestore(&bcache_lock, flags);
}
