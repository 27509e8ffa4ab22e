/*
 * The inode cache.
 *
 * Owns: the hash table of in-memory inodes keyed by (super_block, i_ino),
 * their reference counts and states, and the LRU of unreferenced ones.
 * An inode stays cached while referenced; unreferenced, it stays on the LRU
 * (so a file opened again is not re-read from disk) until there are more
 * than INODE_CACHE_MAX of them, when the oldest clean ones are dropped.
 * The last reference to an inode with no links left frees it on disk.
 *
 * Locks:
 *   inode_hash_lock (spinlock): the hash chains, the LRU, i_count, i_state.
 *   sb->s_inode_list_lock (spinlock): the superblock's list of inodes.
 * Order: s_inode_list_lock -> inode_hash_lock. Neither is held across
 * anything that sleeps; a task that must wait for an I_NEW inode sleeps on
 * inode_wait.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/fs.h>
#include <fs/locks.h>
#include <mm/filemap.h>
#include <mm/shrinker.h>
#include <mm/slab.h>
#include <asm/rtc.h>

#define INODE_HASH_BUCKETS 256
#define INODE_CACHE_MAX 512             /* unreferenced inodes kept */

static struct list_head inode_hash[INODE_HASH_BUCKETS];
static LIST_HEAD(inode_lru);
static unsigned long nr_unused;
static DEFINE_SPINLOCK(inode_hash_lock);
static DECLARE_WAIT_QUEUE_HEAD(inode_wait);
static unsigned long inode_state_seq;          /* (inode_hash_lock) bumped on I_NEW/I_FREEING ends */
static bool inode_hash_ready;

static struct list_head *hash_bucket(struct super_block *sb, unsigned long ino)
{
	unsigned long h = ((unsigned long)sb >> 6) + ino * 0x9e3779b97f4a7c15UL;

	if (unlikely(!inode_hash_ready)) {      /* first use: the root mount, at boot */
		for (int i = 0; i < INODE_HASH_BUCKETS; i++)
			INIT_LIST_HEAD(&inode_hash[i]);
		inode_hash_ready = true;
	}
	return &inode_hash[(h >> 40) % INODE_HASH_BUCKETS];
}

struct timespec64 current_time(void)
{
	u64 ns = ktime_get_ns();

	return (struct timespec64){ (s64)(rtc_boot_epoch() + ns / NSEC_PER_SEC),
				    (long)(ns % NSEC_PER_SEC) };
}

void inode_set_size(struct inode *inode, loff_t size)
{
	WRITE_ONCE(inode->i_size, size);
	mark_inode_dirty(inode);
}

void file_update_time(struct file *file)
{
	struct inode *inode = file->f_inode;
	struct timespec64 now = current_time();

	inode->i_mtime = now;
	inode->i_ctime = now;
	/* Every first store after a write-back comes here (->page_mkwrite):
	 * an inode already dirty needs no trip through inode_hash_lock. The
	 * times are stored before I_DIRTY is read, and write_inode_datasync
	 * clears I_DIRTY before it reads the times, each with a full barrier
	 * between (this one pairs with the one there): either we see the
	 * flag clear and set it again, or that write copies our times. */
	smp_mb();
	if (READ_ONCE(inode->i_state) & I_DIRTY)
		return;
	mark_inode_dirty_sync(inode);
}

static struct inode *alloc_inode(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = sb->s_op->alloc_inode(sb);

	if (!inode)
		return NULL;
	inode->i_sb = sb;
	inode->i_ino = ino;
	inode->i_count = 1;
	inode->i_mapping = &inode->i_data;
	address_space_init(&inode->i_data, inode);
	init_rwsem(&inode->i_rwsem, "i_rwsem");
	INIT_LIST_HEAD(&inode->i_lru);
	INIT_LIST_HEAD(&inode->i_hash);
	return inode;
}

static void sb_list_add(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	unsigned long flags = spin_lock_irqsave(&sb->s_inode_list_lock);

	list_add_tail(&inode->i_sb_list, &sb->s_inodes);
	spin_unlock_irqrestore(&sb->s_inode_list_lock, flags);
}

static void sb_list_del(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	unsigned long flags = spin_lock_irqsave(&sb->s_inode_list_lock);

	list_del(&inode->i_sb_list);
	spin_unlock_irqrestore(&sb->s_inode_list_lock, flags);
}

/* Context: inode_hash_lock held. */
static struct inode *find_inode_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode;

	ASSERT_HELD(&inode_hash_lock);
	list_for_each_entry(inode, hash_bucket(sb, ino), i_hash)
		if (inode->i_sb == sb && inode->i_ino == ino)
			return inode;
	return NULL;
}

/* Take a reference to a cached inode. Context: inode_hash_lock held. */
static void iget_locked_ref(struct inode *inode)
{
	if (inode->i_count++ == 0) {
		list_del_init(&inode->i_lru);
		nr_unused--;
	}
}

struct inode *iget_locked(struct super_block *sb, unsigned long ino)
{
	struct inode *inode, *fresh = NULL;
	unsigned long flags;

	for (;;) {
		flags = spin_lock_irqsave(&inode_hash_lock);
		inode = find_inode_locked(sb, ino);
		if (inode && (inode->i_state & (I_NEW | I_FREEING))) {
			/* Being read in or torn down: wait for any such state to
			 * end (the inode itself may be gone by then), look again. */
			unsigned long seen = inode_state_seq;

			spin_unlock_irqrestore(&inode_hash_lock, flags);
			wait_event(inode_wait, READ_ONCE(inode_state_seq) != seen);
			continue;
		}
		if (inode) {
			iget_locked_ref(inode);
			spin_unlock_irqrestore(&inode_hash_lock, flags);
			if (fresh)
				sb->s_op->destroy_inode(fresh);
			return inode;
		}
		if (fresh)
			break;
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		fresh = alloc_inode(sb, ino);
		if (!fresh)
			return ERR_PTR(-ENOMEM);
	}
	fresh->i_state = I_NEW;
	list_add(&fresh->i_hash, hash_bucket(sb, ino));
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	sb_list_add(fresh);
	return fresh;
}

static void inode_state_changed(void);

void unlock_new_inode(struct inode *inode)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

	ASSERT(inode->i_state & I_NEW);
	inode->i_state &= ~I_NEW;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	inode_state_changed();
}

/* Wake tasks waiting in iget_locked for an I_NEW or I_FREEING inode. */
static void inode_state_changed(void)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

	inode_state_seq++;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	wake_up(&inode_wait);
}

static void destroy_inode(struct inode *inode)
{
	locks_free_inode(inode);
	sb_list_del(inode);
	inode->i_sb->s_op->destroy_inode(inode);
}

void iget_failed(struct inode *inode)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

	list_del_init(&inode->i_hash);
	inode->i_state = I_FREEING;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	destroy_inode(inode);
	inode_state_changed();
}

struct inode *new_inode(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = alloc_inode(sb, ino);
	unsigned long flags;

	if (!inode)
		return ERR_PTR(-ENOMEM);
	flags = spin_lock_irqsave(&inode_hash_lock);
	/* The filesystem believed @ino free. If its bitmap lied (a corrupted
	 * disk), the number is still in use here: refuse it (iput unhashes a
	 * dying inode before the filesystem frees its number, so a correct
	 * bitmap never hands out a cached one). */
	if (find_inode_locked(sb, ino)) {
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		sb->s_op->destroy_inode(inode);
		return ERR_PTR(-EBUSY);
	}
	list_add(&inode->i_hash, hash_bucket(sb, ino));
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	sb_list_add(inode);
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

	ASSERT(inode->i_count > 0);
	inode->i_count++;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	return inode;
}

static void inode_set_dirty(struct inode *inode, unsigned int bits)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

	inode->i_state |= bits;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
}

void mark_inode_dirty(struct inode *inode)
{
	inode_set_dirty(inode, I_DIRTY | I_DIRTY_DATASYNC);
}

void mark_inode_dirty_sync(struct inode *inode)
{
	inode_set_dirty(inode, I_DIRTY);
}

/* Free an unlinked inode: its pages, its blocks and the inode on disk. */
static void evict(struct inode *inode)
{
	truncate_inode_pages(inode->i_mapping, 0);
	if (inode->i_sb->s_op->evict_inode)
		inode->i_sb->s_op->evict_inode(inode);
	destroy_inode(inode);
}

/* Take @inode (unused, unreferenced) off the LRU and the hash, to be freed
 * by the caller once the lock is dropped. Context: inode_hash_lock held. */
static void detach_unused_inode_locked(struct inode *inode)
{
	list_del_init(&inode->i_lru);
	list_del_init(&inode->i_hash);
	inode->i_state |= I_FREEING;
	nr_unused--;
}

/* Drop cached clean unreferenced inodes beyond the limit. */
static void prune_icache(void)
{
	for (;;) {
		struct inode *victim = NULL, *inode;
		unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

		if (nr_unused > INODE_CACHE_MAX) {
			list_for_each_entry(inode, &inode_lru, i_lru) {
				if (!(inode->i_state & I_DIRTY) && !inode->i_mapping->nrdirty) {
					victim = inode;
					break;
				}
			}
		}
		if (victim)
			detach_unused_inode_locked(victim);
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		if (!victim)
			return;
		truncate_inode_pages(victim->i_mapping, 0);
		destroy_inode(victim);
		inode_state_changed();
	}
}

/*
 * The inode cache's shrinker: frees up to @nr unreferenced inodes, oldest
 * first, that are clean and have no page-cache pages (an inode with pages
 * is freed when page reclaim empties it or by prune_icache; freeing it
 * here would need truncate_inode_pages, which waits for page locks).
 * Context: reclaim; never sleeps (destroy_inode only frees memory).
 */
static unsigned long icache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0, looked = 0;

	while (looked < sc->nr_to_scan) {
		struct inode *victim = NULL, *inode;
		unsigned long flags = spin_lock_irqsave(&inode_hash_lock);

		list_for_each_entry(inode, &inode_lru, i_lru) {
			looked++;
			if (!(inode->i_state & (I_DIRTY | I_FREEING)) &&
			    !inode->i_mapping->nrpages && !inode->i_mapping->nrdirty) {
				victim = inode;
				break;
			}
			if (looked >= sc->nr_to_scan)
				break;
		}
		if (victim)
			detach_unused_inode_locked(victim);
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		if (!victim)
			break;
		destroy_inode(victim);
		inode_state_changed();
		freed++;
	}
	sc->nr_scanned = looked;
	return freed;
}

static unsigned long icache_count(struct shrinker *s, struct shrink_control *sc)
{
	return READ_ONCE(nr_unused);
}

static struct shrinker icache_shrinker = {
	.count_objects = icache_count,
	.scan_objects = icache_scan,
	.name = "inode cache",
};

void inode_shrinker_init(void)
{
	register_shrinker(&icache_shrinker);
}

void iput(struct inode *inode)
{
	unsigned long flags;

	if (!inode)
		return;
	might_sleep();
	flags = spin_lock_irqsave(&inode_hash_lock);
	ASSERT(inode->i_count > 0);
	if (--inode->i_count > 0) {
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		return;
	}
	if (inode->i_nlink == 0) {
		/* No name and no user left: it goes. Unhash first, so nobody
		 * finds it while its blocks are being freed. */
		inode->i_state |= I_FREEING;
		list_del_init(&inode->i_hash);
		spin_unlock_irqrestore(&inode_hash_lock, flags);
		evict(inode);
		inode_state_changed();
		return;
	}
	list_add_tail(&inode->i_lru, &inode_lru);
	nr_unused++;
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	prune_icache();
}

/*
 * Call @fn for every inode of @sb that is in use or cached, holding a
 * reference across the call (which may sleep).
 */
int for_each_sb_inode(struct super_block *sb, int (*fn)(struct inode *inode, void *arg), void *arg)
{
	struct inode *inode, *prev = NULL;
	unsigned long flags = spin_lock_irqsave(&sb->s_inode_list_lock);
	int err = 0;

	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		int e;

		spin_lock(&inode_hash_lock);
		if (inode->i_state & (I_NEW | I_FREEING)) {
			spin_unlock(&inode_hash_lock);
			continue;
		}
		iget_locked_ref(inode);
		spin_unlock(&inode_hash_lock);
		/* Our reference keeps @inode on the list, so the walk can go
		 * on from it once the lock is retaken. */
		spin_unlock_irqrestore(&sb->s_inode_list_lock, flags);
		iput(prev);
		prev = inode;
		e = fn(inode, arg);
		if (e && !err)
			err = e;
		flags = spin_lock_irqsave(&sb->s_inode_list_lock);
	}
	spin_unlock_irqrestore(&sb->s_inode_list_lock, flags);
	iput(prev);
	return err;
}

/* Write the inode's fields if dirty. Returns 0 or the filesystem's error. */
int write_inode_now(struct inode *inode, bool sync)
{
	return write_inode_datasync(inode, sync, false);
}

int write_inode_datasync(struct inode *inode, bool sync, bool datasync)
{
	unsigned long flags = spin_lock_irqsave(&inode_hash_lock);
	bool dirty = inode->i_state & (datasync ? I_DIRTY_DATASYNC : I_DIRTY);
	int err = 0;

	/* Written whole, so clean of both kinds; with @datasync and only the
	 * times changed, left dirty for the flusher or a later fsync. */
	if (dirty)
		inode->i_state &= ~(I_DIRTY | I_DIRTY_DATASYNC);
	spin_unlock_irqrestore(&inode_hash_lock, flags);
	/* The clear before ->write_inode reads the times: pairs with the
	 * barrier in file_update_time, which skips the flag when it sees it
	 * set. */
	smp_mb();
	if (dirty && inode->i_sb->s_op->write_inode) {
		err = inode->i_sb->s_op->write_inode(inode, sync);
		if (err)
			mark_inode_dirty(inode);
	}
	return err;
}

/*
 * Unmount: drop every unreferenced cached inode of @sb (they were written
 * back by the sync before). Returns how many inodes are still referenced.
 */
unsigned long evict_inodes(struct super_block *sb)
{
	unsigned long busy = 0;

	for (;;) {
		struct inode *victim = NULL, *inode;
		unsigned long flags = spin_lock_irqsave(&sb->s_inode_list_lock);

		busy = 0;
		spin_lock(&inode_hash_lock);
		list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
			if (inode->i_count || (inode->i_state & (I_NEW | I_FREEING))) {
				busy++;
				continue;
			}
			victim = inode;
			list_del_init(&victim->i_lru);
			list_del_init(&victim->i_hash);
			victim->i_state |= I_FREEING;
			nr_unused--;
			break;
		}
		spin_unlock(&inode_hash_lock);
		spin_unlock_irqrestore(&sb->s_inode_list_lock, flags);
		if (!victim)
			return busy;
		truncate_inode_pages(victim->i_mapping, 0);
		destroy_inode(victim);
		inode_state_changed();
	}
}

/* ---- special inodes ------------------------------------------------------------------ */

/* Block devices have no driver reachable from a device node, and a socket
 * inode is not opened through open(): both -ENXIO, as Linux for a number
 * with no device and for a socket. */
static int no_device_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

static const struct file_operations no_device_fops = {
	.open = no_device_open,
};

void init_special_inode(struct inode *inode, umode_t mode, u64 rdev)
{
	inode->i_mode = mode;
	if (S_ISCHR(mode)) {
		inode->i_fop = &def_chr_fops;
		inode->i_rdev = rdev;
	} else if (S_ISBLK(mode)) {
		inode->i_fop = &no_device_fops;
		inode->i_rdev = rdev;
	} else if (S_ISFIFO(mode)) {
		inode->i_fop = &pipefifo_fops;
	} else {
		inode->i_fop = &no_device_fops;
	}
}
