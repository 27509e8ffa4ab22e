/*
 * The buffer cache: filesystem metadata blocks (superblock, group
 * descriptors, bitmaps, inode tables, indirect blocks, directories) cached
 * in memory by (device, block number). File data does not come here: it
 * lives in the page cache (mm/filemap.c).
 *
 * A buffer is reference counted: bread()/getblk() return it with a
 * reference the caller drops with brelse(). While referenced it stays in
 * the cache and its b_data stays valid. A filesystem that changes b_data
 * calls mark_buffer_dirty(); the change reaches the disk at the latest when
 * sync_blockdev() (fsync, sync, the flusher, unmount) writes dirty buffers.
 *
 * Who serialises changes to b_data is the filesystem's business (ext2 uses
 * its own locks); the cache serialises only I/O on a buffer (b_io_lock), so
 * a block is read from disk once however many tasks want it at once.
 *
 * Unreferenced clean buffers are kept on an LRU list; the oldest are
 * freed when the cache is over BUFFER_CACHE_MAX buffers, or earlier when
 * memory runs short (shrink_buffer_cache, called by reclaim).
 *
 * A filesystem that frees a block which held metadata must call bforget()
 * on its buffer (if cached): otherwise a stale dirty copy could later be
 * written over the block's next user, such as file data.
 */
#ifndef _FS_BUFFER_H
#define _FS_BUFFER_H

#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/types.h>
#include <drivers/blkdev.h>

#define BUFFER_CACHE_MAX 2048           /* buffers kept when unreferenced */

enum bh_state_bits {
	BH_Uptodate,                    /* b_data holds the block's contents */
	BH_Dirty,                       /* b_data is newer than the disk */
};

struct buffer_head {
	struct block_device *b_bdev;    /* (c) */
	u64 b_blocknr;                  /* (c) in units of b_size */
	unsigned int b_size;            /* (c) 1024 .. 4096 */
	void *b_data;                   /* (c) kmalloc'ed, b_size bytes */
	unsigned long b_state;          /* (a) BH_* bits */
	int b_count;                    /* (bcache_lock) references */
	u64 b_dirtied;                  /* (a) jiffies when it became dirty */
	struct mutex b_io_lock;         /* held while reading or writing it */
	struct list_head b_hash;        /* (bcache_lock) hash chain */
	struct list_head b_lru;         /* (bcache_lock) on the LRU while unreferenced */
};

static inline bool buffer_uptodate(const struct buffer_head *bh)
{
	return (__atomic_load_n(&bh->b_state, __ATOMIC_ACQUIRE) >> BH_Uptodate) & 1;
}
static inline bool buffer_dirty(const struct buffer_head *bh)
{
	return (__atomic_load_n(&bh->b_state, __ATOMIC_ACQUIRE) >> BH_Dirty) & 1;
}
static inline void set_buffer_uptodate(struct buffer_head *bh)
{
	__atomic_fetch_or(&bh->b_state, 1UL << BH_Uptodate, __ATOMIC_SEQ_CST);
}

/*
 * Get block @block of @bdev, read from disk if not cached. Returns a
 * referenced, up-to-date buffer, or ERR_PTR(-EIO) / ERR_PTR(-ENOMEM) /
 * ERR_PTR(-EINVAL) for a block past the end of the device.
 * Context: may sleep.
 */
struct buffer_head *bread(struct block_device *bdev, u64 block, unsigned int size);
/* The same without reading: for a block the caller will fill completely
 * (a newly allocated one); the caller zeroes or fills it, then calls
 * set_buffer_uptodate() and mark_buffer_dirty(). */
struct buffer_head *getblk(struct block_device *bdev, u64 block, unsigned int size);
/* Drop a reference. Context: any task context. NULL is ignored. */
void brelse(struct buffer_head *bh);
void mark_buffer_dirty(struct buffer_head *bh);
/* Drop the buffer's dirty state and the caller's reference: the block was
 * freed and its contents no longer matter. */
void bforget(struct buffer_head *bh);
/* Write @bh now if dirty; returns 0 or -EIO (the buffer stays dirty). */
int sync_dirty_buffer(struct buffer_head *bh);
/*
 * Write every dirty buffer of @bdev (all of them, or with @older_than_jiffies
 * non-zero only those dirty since before it), then flush the device's
 * write cache. Returns 0 or the first error (-EIO); continues past errors.
 * Context: may sleep.
 */
int sync_blockdev(struct block_device *bdev, u64 older_than_jiffies);
/* Reclaim: free up to @nr unreferenced clean buffers, oldest first.
 * Returns how many. Context: no spinlock held; never sleeps. */
unsigned long shrink_buffer_cache(unsigned long nr);
/* Register the buffer cache's shrinker (docs/reclaim.md). Context: boot. */
void buffer_shrinker_init(void);
/* Drop every unreferenced clean buffer of @bdev (for tests and unmount). */
void invalidate_bdev(struct block_device *bdev);

struct buffer_cache_stats {
	unsigned long buffers, referenced, dirty;
	unsigned long hits, misses, reads, writes;
};
void buffer_cache_stats(struct buffer_cache_stats *st);

#endif
