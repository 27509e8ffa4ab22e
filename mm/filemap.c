/*
 * The page cache (see include/mm/filemap.h).
 *
 * Owns: the pages of each address_space (kept in its index, the radix
 * tree of mm/page_tree.c), the page lock, PG_writeback and the waits for
 * it, dirty pages (set_page_dirty, clear_page_dirty_for_io; starting
 * their write-back is mm/page-writeback.c's), truncation, the generic
 * read()/write() of regular files through the cache, filemap_fault, and
 * filemap_map_pages (fault-around: the cached pages around a read fault).
 * Which pages to read ahead of a read() or a fault, and when, is
 * mm/readahead.c's; a page read ahead is locked by its I/O, whose
 * completion releases it (unlock_page_io). DONTNEED's dropping of clean
 * pages (invalidate_mapping_pages) is here, with truncation.
 *
 * Invariants, under mapping->tree_lock:
 *   - a page is in at most one mapping, at page->index, with
 *     page->mapping == that mapping; the cache holds one reference to it;
 *   - mapping->nrdirty counts its pages with PG_dirty set.
 * A page leaves the cache only with its page lock held (truncate, reclaim),
 * so a task holding the page lock sees page->mapping stay put; and never
 * while PG_writeback is set (truncate waits for it, reclaim skips the
 * page), so the write's completion, in interrupt context and with no lock,
 * may still use page->mapping (docs/storage.md, "Asynchronous write-back").
 *
 * Write-back does not wait for the disk: ->writepage sets PG_writeback,
 * unlocks the page and starts the I/O; the completion calls
 * end_page_writeback() from the disk's interrupt. Only fsync/msync/sync
 * (filemap_write_and_wait), truncate, and a data-integrity write of a
 * page whose earlier write is still in flight wait for it.
 *
 * Lock order: inode lock (i_rwsem) -> page lock -> tree_lock -> lru_lock
 *             (mm/vmscan.c) -> kmalloc/page allocator locks.
 * tree_lock is a plain spinlock: the cache is never touched from interrupt
 * handlers. Nothing allocates with tree_lock held (radix_preload), so
 * reclaim, which runs inside the allocator with no spinlock held, can
 * take any mapping's tree_lock; it only *tries* page locks (mm/vmscan.c).
 * Every page in the cache of an evictable mapping is on the LRU lists
 * from add_to_page_cache until it is freed; reads, writes and faults mark
 * it accessed.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/lockdep.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_tree.h>
#include <mm/readahead.h>
#include <mm/rmap.h>
#include <mm/swap.h>
#include <mm/slab.h>
#include <mm/vmscan.h>
#include <mm/vmstat.h>
#include <mm/writeback.h>
#include <fs/buffer.h>

unsigned int find_get_pages(struct address_space *m, unsigned long start,
				   struct page **pages, unsigned int max)
{
	unsigned int n = 0;
	unsigned long index = start;
	struct page *page;

	spin_lock(&m->tree_lock);
	while (n < max && (page = radix_next(m, &index)) != NULL) {
		get_page(page);
		pages[n++] = page;
		if (!++index)
			break;
	}
	spin_unlock(&m->tree_lock);
	return n;
}

void address_space_init(struct address_space *m, struct inode *host)
{
	memset(m, 0, sizeof(*m));
	m->host = host;
	spin_lock_init(&m->tree_lock, "mapping->tree_lock");
	INIT_LIST_HEAD(&m->cache_list);
	spin_lock_init(&m->i_mmap_lock, "mapping->i_mmap_lock");
	m->i_mmap = RB_ROOT;
}

/* ---- the page lock ------------------------------------------------------- */

#define PAGE_WAIT_TABLE_SIZE 64
static struct wait_queue_head page_wait_table[PAGE_WAIT_TABLE_SIZE];
static bool page_wait_ready;

static struct wait_queue_head *page_waitqueue(struct page *page)
{
	if (unlikely(!page_wait_ready)) {
		for (int i = 0; i < PAGE_WAIT_TABLE_SIZE; i++)
			init_waitqueue_head(&page_wait_table[i], "page_wait");
		page_wait_ready = true;         /* first use is at boot, single-threaded */
	}
	return &page_wait_table[(page_to_pfn(page) * 0x9e3779b97f4a7c15UL) >> 58];
}

/* Every page lock is one class for the lock-order checker. */
static u32 page_lock_class;

static void page_lock_acquired(struct page *page, bool trylock, unsigned long ip)
{
	lock_acquire(&page_lock_class, "PG_locked", LOCK_KIND_PAGE, page, trylock, ip);
}

bool trylock_page(struct page *page)
{
	if (test_and_set_page_flag(page, PG_locked))
		return false;
	page_lock_acquired(page, true, _RET_IP_);
	return true;
}

void lock_page(struct page *page)
{
	might_sleep();
	page_lock_acquired(page, false, _RET_IP_);
	while (test_and_set_page_flag(page, PG_locked))
		wait_event(*page_waitqueue(page), !PageLocked(page));
}

void unlock_page(struct page *page)
{
	struct wait_queue_head *wq = page_waitqueue(page);

	ASSERT(PageLocked(page));
	lock_release(page, page_lock_class);
	clear_page_flag(page, PG_locked);
	/* Most unlocks have no waiter (fault-around unlocks 16 pages per
	 * fault): look at the queue before taking its lock. The clear before
	 * the look: pairs with the full barrier in prepare_to_wait's
	 * set_current_state, between queueing and testing PG_locked. Either
	 * the waiter sees the bit clear, or we see it queued. */
	smp_mb();
	if (!list_empty(&wq->head))
		wake_up(wq);
}

/*
 * A page lock held by I/O rather than by a task (readahead): set on a new
 * page before it enters the cache, and released by the read's completion,
 * in interrupt context. The lock-order checker does not track it, since
 * no task holds it; a task that waits for it (lock_page) is tracked as
 * usual. unlock_page_io pairs with the waiters as unlock_page does.
 */
void unlock_page_io(struct page *page)
{
	ASSERT(PageLocked(page));
	clear_page_flag(page, PG_locked);
	wake_up(page_waitqueue(page));
}

void wait_on_page_locked(struct page *page)
{
	if (PageLocked(page))
		wait_event(*page_waitqueue(page), !PageLocked(page));
}

/* ---- write-back of a page: PG_writeback ------------------------------------ */

void set_page_writeback(struct page *page)
{
	ASSERT(PageLocked(page));
	/* Two writes of one page in flight at once could reach the disk in
	 * either order: every caller waits or skips first (write_one_page). */
	if (test_and_set_page_flag(page, PG_writeback))
		panic("set_page_writeback: page %lu already under write-back", page_to_pfn(page));
	writeback_account_writeback(1);
}

/*
 * Context: any, usually the disk's interrupt handler; takes only
 * wait-queue locks (irqsave). The page may leave the cache (truncate)
 * as soon as the bit is clear, so nothing after the clear may use
 * page->mapping; the wait queue is found from the page frame alone.
 */
void end_page_writeback(struct page *page)
{
	struct wait_queue_head *wq = page_waitqueue(page);

	/* A fully ordered read-modify-write: the clear is visible before the
	 * look at the wait queue below, and a waiter tests the bit only after
	 * queueing itself and a full barrier (wait_on_page_writeback's
	 * prepare_to_wait), so either it sees the bit clear or this look
	 * finds it queued. */
	if (!test_and_clear_page_flag(page, PG_writeback))
		panic("end_page_writeback: page %lu was not under write-back", page_to_pfn(page));
	writeback_account_writeback(-1);
	/* Most writes end with nobody waiting (msync waits for the last):
	 * look at the queue before taking its lock, as unlock_page does. */
	if (!list_empty(&wq->head))
		wake_up(wq);
	wake_up_reclaim_throttled();            /* a page is clean now: reclaim can go on */
}

void wait_on_page_writeback(struct page *page)
{
	/* Pairs with end_page_writeback's clear-then-wake. */
	if (PageWriteback(page))
		wait_event(*page_waitqueue(page), !PageWriteback(page));
}

/* ---- lookup and insertion -------------------------------------------------- */

struct page *find_get_page(struct address_space *m, unsigned long index)
{
	struct page *page;

	spin_lock(&m->tree_lock);
	page = radix_lookup(m, index);
	if (page)
		get_page(page);
	spin_unlock(&m->tree_lock);
	return page;
}

/*
 * Insert a new locked page; returns the page already there instead, if any
 * (referenced, not locked), or an ERR_PTR. The index nodes are allocated
 * before tree_lock is taken, so this may sleep in the allocator.
 */
struct page *add_to_page_cache_locked(struct address_space *m, unsigned long index,
				      struct page *page)
{
	struct radix_preload pre = { .nr = 0 };
	struct page *old;
	int err;

	for (;;) {
		unsigned int need;

		spin_lock(&m->tree_lock);
		old = radix_lookup(m, index);
		if (old) {
			get_page(old);
			spin_unlock(&m->tree_lock);
			radix_preload_end(&pre);
			return old;
		}
		need = radix_nodes_needed(m, index);
		if (need <= pre.nr)
			break;
		/* Allocate with the lock dropped, then look again. */
		spin_unlock(&m->tree_lock);
		err = radix_preload(&pre, need, GFP_KERNEL);
		if (err) {
			radix_preload_end(&pre);
			return ERR_PTR(err);
		}
	}
	err = radix_insert(m, index, page, &pre);
	if (!err) {
		get_page(page);                 /* the cache's own reference */
		page->mapping = m;
		page->index = index;
		if (!m->nrpages++)
			mapping_list_add(m);
		writeback_account_cached(1);
	}
	spin_unlock(&m->tree_lock);
	radix_preload_end(&pre);
	return err ? ERR_PTR(err) : NULL;
}

/* The same, and onto the LRU (Linux's add_to_page_cache_lru). */
static struct page *add_to_page_cache(struct address_space *m, unsigned long index,
				      struct page *page)
{
	struct page *old = add_to_page_cache_locked(m, index, page);

	if (!old)
		lru_cache_add(m, page);         /* locked: no truncate can take it first */
	return old;
}

bool find_page_present(struct address_space *m, unsigned long index)
{
	bool present;

	spin_lock(&m->tree_lock);
	present = radix_lookup(m, index) != NULL;
	spin_unlock(&m->tree_lock);
	return present;
}

int add_to_page_cache_ra(struct address_space *m, unsigned long index, struct page *page)
{
	struct page *old;

	/* Nobody else can see it yet; the lock is the I/O's (unlock_page_io). */
	set_page_flag(page, PG_locked);
	old = add_to_page_cache(m, index, page);
	if (!old)
		return 0;
	clear_page_flag(page, PG_locked);
	clear_page_flag(page, PG_readahead);
	if (IS_ERR(old))
		return PTR_ERR(old);
	put_page(old);
	return -EEXIST;
}

struct page *find_or_create_page(struct address_space *m, unsigned long index)
{
	for (;;) {
		struct page *page = find_get_page(m, index), *old;

		if (page) {
			lock_page(page);
			if (page->mapping == m)
				return page;
			/* Truncated while we slept on the lock: look again. */
			unlock_page(page);
			put_page(page);
			continue;
		}
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!page)
			return NULL;
		/* Nobody else can see it yet: a trylock that cannot fail. */
		set_page_flag(page, PG_locked);
		page_lock_acquired(page, true, _RET_IP_);
		old = add_to_page_cache(m, index, page);
		if (!old)
			return page;
		lock_release(page, page_lock_class);
		clear_page_flag(page, PG_locked);
		put_page(page);
		if (IS_ERR(old))
			return NULL;
		put_page(old);                  /* lost a race: retry and find it */
	}
}

/* Read a locked, not-uptodate page; returns it uptodate and unlocked, or
 * an error (the page reference is dropped then). */
static struct page *read_locked_page(struct address_space *m, struct page *page,
				     struct file *file)
{
	int err = m->a_ops->readpage(file, page);

	if (!err) {
		wait_on_page_locked(page);
		if (PageUptodate(page))
			return page;
		err = -EIO;
	}
	put_page(page);
	return ERR_PTR(err);
}

struct page *read_mapping_page(struct address_space *m, unsigned long index, struct file *file)
{
	for (;;) {
		struct page *page = find_get_page(m, index);

		if (page && PageUptodate(page))
			return page;
		if (!page) {
			page = find_or_create_page(m, index);
			if (!page)
				return ERR_PTR(-ENOMEM);
		} else {
			lock_page(page);
			if (page->mapping != m) {       /* truncated meanwhile */
				unlock_page(page);
				put_page(page);
				continue;
			}
		}
		if (PageUptodate(page)) {
			unlock_page(page);
			return page;
		}
		return read_locked_page(m, page, file);
	}
}

/* ---- dirty pages ------------------------------------------------------------- */

bool set_page_dirty(struct page *page)
{
	struct address_space *m = page->mapping;

	/* A shmem page (tmpfs) is never written back: nothing to count or
	 * to flush; reclaim sends it to swap whatever its flag says. */
	if (m && shmem_mapping(m))
		return false;
	if (test_and_set_page_flag(page, PG_dirty))
		return false;
	if (m) {
		spin_lock(&m->tree_lock);
		if (page->mapping == m) {
			if (!m->nrdirty++)
				m->dirtied_when = jiffies;
			writeback_account_dirty(1);
		}
		spin_unlock(&m->tree_lock);
	}
	return true;
}

bool clear_page_dirty_for_io(struct page *page)
{
	struct address_space *m = page->mapping;

	ASSERT(PageLocked(page));
	/*
	 * Write-protect the mappings first, and only then clear the flag: a
	 * store between the two finds the PTE read-only and faults, and the
	 * fault waits for nothing but sets the flag again after we cleared
	 * it, so the page is written again later. The other order would let a
	 * store slip in through a still-writable PTE after the clear and be
	 * lost to writeback. Dirty bits the hardware set in the PTEs move to
	 * the page here.
	 */
	/* LAB(dirty): BEGIN clear_page_dirty_for_io: page_mkclean first */
	if (m && mapping_cap_account_dirty(m) && page_mkclean(page))
		set_page_dirty(page);
	/* LAB(dirty): END */
	if (!test_and_clear_page_flag(page, PG_dirty))
		return false;
	if (m) {
		spin_lock(&m->tree_lock);
		m->nrdirty--;
		writeback_account_dirty(-1);
		spin_unlock(&m->tree_lock);
	}
	return true;
}

/* ---- removal: truncate and reclaim ------------------------------------------ */

/* Take @page (locked) out of its mapping and drop the cache's reference.
 * Context: page locked; takes tree_lock. */
static void delete_from_page_cache(struct page *page)
{
	struct address_space *m = page->mapping;

	ASSERT(!PageWriteback(page));           /* its completion still uses page->mapping */
	if (page_mapcount(page) > 0)
		pr_warn_once("page cache: page %lu of inode %lu removed while still mapped "
			     "(a fault raced with truncate: truncate_guard=0?)\n",
			     page->index, m->host ? m->host->i_ino : 0UL);
	spin_lock(&m->tree_lock);
	radix_delete(m, page->index);
	page->mapping = NULL;
	if (!--m->nrpages)
		mapping_list_del(m);
	writeback_account_cached(-1);
	if (PageDirty(page)) {
		clear_page_flag(page, PG_dirty);
		m->nrdirty--;
		writeback_account_dirty(-1);
	}
	spin_unlock(&m->tree_lock);
	put_page(page);
}

static void zero_page_tail(struct address_space *m, loff_t lstart)
{
	unsigned int offset = lstart & ~PAGE_MASK;
	struct page *page;

	if (!offset)
		return;
	page = find_get_page(m, lstart >> PAGE_SHIFT);
	if (!page)
		return;
	lock_page(page);
	if (page->mapping == m) {
		/* A write in flight may cover blocks past the new end, which
		 * the filesystem frees next (->truncate_blocks). */
		wait_on_page_writeback(page);
		/* Its blocks past the new end are freed next: the record of
		 * its disk blocks (fs/block_io.c) no longer holds. */
		clear_page_flag(page, PG_mappedtodisk);
		memset((char *)page_address(page) + offset, 0, PAGE_SIZE - offset);
		if (PageUptodate(page))
			set_page_dirty(page);   /* the zeros must reach the disk too */
	}
	unlock_page(page);
	put_page(page);
}

void truncate_inode_pages(struct address_space *m, loff_t lstart)
{
	unsigned long start = (unsigned long)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
	struct page *batch[16];
	unsigned int n;

	while ((n = find_get_pages(m, start, batch, 16)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = batch[i];

			lock_page(page);
			if (page->mapping == m) {
				/* Its blocks are freed after this: no write
				 * of them may still be in flight. */
				wait_on_page_writeback(page);
				delete_from_page_cache(page);
			}
			unlock_page(page);
			put_page(page);
		}
	}
	zero_page_tail(m, lstart);
}

void truncate_pagecache(struct inode *inode, loff_t newsize)
{
	struct address_space *m = inode->i_mapping;

	/* First file page wholly past EOF, to the end, private copies too. */
	unmap_mapping_range(m, (newsize + PAGE_SIZE - 1) & PAGE_MASK, 0, true);
	truncate_inode_pages(m, newsize);
}

bool remove_mapping(struct address_space *m, struct page *page)
{
	ASSERT(PageLocked(page));
	spin_lock(&m->tree_lock);
	/*
	 * Two references: the cache's and the reclaimer's. Every finder takes
	 * its reference under tree_lock (find_get_page), so none can appear
	 * while we hold it; a mapped page holds a reference for its PTEs, and
	 * a dirty one must be written first.
	 */
	if (page->mapping != m || PageDirty(page) || PageWriteback(page) ||
	    page_ref_count(page) != 2 || page_mapcount(page) > 0) {
		spin_unlock(&m->tree_lock);
		return false;
	}
	radix_delete(m, page->index);
	page->mapping = NULL;
	if (!--m->nrpages)
		mapping_list_del(m);
	writeback_account_cached(-1);
	spin_unlock(&m->tree_lock);
	put_page(page);                         /* the cache's reference */
	return true;
}

unsigned long invalidate_mapping_pages(struct address_space *m, unsigned long start,
				       unsigned long end)
{
	struct page *batch[16];
	unsigned long index = start, dropped = 0;
	unsigned int n;

	while (index <= end && (n = find_get_pages(m, index, batch, 16)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			struct page *page = batch[i];

			index = page->index + 1;
			if (page->index > end || !trylock_page(page)) {
				put_page(page);
				continue;
			}
			if (page->mapping == m && PageDirty(page) && !PageWriteback(page)) {
				/* Start its write; it stays cached until clean. */
				write_one_page(page);           /* unlocks */
				put_page(page);
				continue;
			}
			/* remove_mapping keeps it if it is dirty, under
			 * write-back, mapped or referenced by anyone else. */
			if (page->mapping == m && remove_mapping(m, page))
				dropped++;
			unlock_page(page);
			put_page(page);
		}
		if (!index)
			break;
	}
	return dropped;
}

void page_cache_stats(struct page_cache_stats *st)
{
	writeback_stats(&st->cached, &st->dirty, &st->writeback);
}

/* ---- read() and write() through the cache ------------------------------------- */

/*
 * The page at @index for read(), uptodate and referenced: a miss starts
 * readahead (mm/readahead.c) for the pages up to @last_index the read
 * wants and beyond; a page carrying PG_readahead starts the next window.
 * A page readahead did not bring in, or whose read failed, is read with
 * ->readpage (read_mapping_page, which also waits for a read in flight).
 */
static struct page *filemap_get_read_page(struct file *file, struct address_space *m,
					  unsigned long index, unsigned long last_index)
{
	unsigned long req = last_index - index + 1;
	struct page *page = find_get_page(m, index);

	if (!page) {
		page_cache_sync_readahead(m, &file->f_ra, file, index, req);
		page = find_get_page(m, index);
	}
	if (page && PageReadahead(page))
		page_cache_async_readahead(m, &file->f_ra, file, page, index, req);
	if (page && PageUptodate(page))
		return page;
	if (page)
		put_page(page);
	return read_mapping_page(m, index, file);
}

ssize_t generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	struct address_space *m = inode->i_mapping;
	unsigned long last_index;
	ssize_t copied = 0, err = 0;

	if (!to->count)
		return 0;
	last_index = (unsigned long)((*pos + (loff_t)to->count - 1) >> PAGE_SHIFT);
	while (to->count) {
		unsigned long index = (unsigned long)(*pos >> PAGE_SHIFT);
		unsigned int offset = *pos & ~PAGE_MASK;
		loff_t isize;
		struct page *page;
		size_t nr, n;

		if (*pos >= READ_ONCE(inode->i_size))
			break;
		page = filemap_get_read_page(file, m, index, last_index);
		if (IS_ERR(page)) {
			err = PTR_ERR(page);
			break;
		}
		/* i_size again, after the read: a truncate may have run meanwhile. */
		isize = READ_ONCE(inode->i_size);
		if (*pos >= isize) {
			put_page(page);
			break;
		}
		nr = min((size_t)(PAGE_SIZE - offset), to->count);
		nr = min(nr, (size_t)(isize - *pos));
		n = copy_to_iter((char *)page_address(page) + offset, nr, to);
		mark_page_accessed(page);
		put_page(page);
		*pos += (loff_t)n;
		copied += (ssize_t)n;
		if (n < nr) {
			err = -EFAULT;
			break;
		}
	}
	/* Where this read ended: the next one starting here is sequential. */
	WRITE_ONCE(file->f_ra.prev_pos, *pos);
	return copied ? copied : err;
}

/*
 * The size grows from @old: the cached page holding @old may hold stores
 * past the old EOF made through a mapping; they must not become file data
 * (LINUX-SEMANTICS.md item 33), so zero them now. The page is also
 * write-protected in every mapping: its part between the old and the new
 * EOF is file data now, and the next store there must fault so that
 * ->page_mkwrite can give it disk blocks. Context: inode lock held.
 */
void pagecache_isize_extended(struct inode *inode, loff_t old)
{
	unsigned int offset = old & ~PAGE_MASK;
	struct page *page;

	if (!offset)
		return;
	page = find_get_page(inode->i_mapping, (unsigned long)(old >> PAGE_SHIFT));
	if (!page)
		return;
	lock_page(page);
	if (page->mapping == inode->i_mapping && PageUptodate(page)) {
		memset((char *)page_address(page) + offset, 0, PAGE_SIZE - offset);
		page_mkclean(page);
		set_page_dirty(page);
	}
	unlock_page(page);
	put_page(page);
}

/* A locked page of @m at @index, uptodate unless the caller overwrites
 * [@from, @to) of a page wholly past EOF (then zeros are right). */
static struct page *grab_write_page(struct file *file, struct address_space *m,
				    unsigned long index, unsigned int from, unsigned int to)
{
	struct inode *inode = m->host;

	for (;;) {
		struct page *page = find_or_create_page(m, index);
		loff_t page_start = (loff_t)index << PAGE_SHIFT;
		int err;

		if (!page)
			return ERR_PTR(-ENOMEM);
		if (PageUptodate(page))
			return page;
		if (page_start >= READ_ONCE(inode->i_size) || (from == 0 && to == PAGE_SIZE)) {
			/* New page (zeroed) past EOF, or one we overwrite whole. */
			if (from != 0 || to != PAGE_SIZE)
				clear_page(page_address(page));
			set_page_flag(page, PG_uptodate);
			return page;
		}
		err = m->a_ops->readpage(file, page);   /* unlocks */
		if (err) {
			put_page(page);
			return ERR_PTR(err);
		}
		lock_page(page);
		if (page->mapping == m && PageUptodate(page))
			return page;
		err = PageUptodate(page) ? 0 : -EIO;
		unlock_page(page);
		put_page(page);
		if (err)
			return ERR_PTR(err);
		/* truncated meanwhile: start over */
	}
}

/*
 * Copy into one page at *@pos. Returns bytes copied, 0 if the copy must
 * be retried, or a negative errno.
 *
 * The deadlock this avoids: the source may be a user mapping of this
 * very page (write(fd, p, n) with p = mmap of fd). If the copy faulted
 * on it while we hold the page lock, the fault would wait for that lock
 * forever; and any fault taken under the page lock takes mmap_lock,
 * against the fault path's order (mmap_lock -> page lock), which can
 * deadlock with a queued mmap_lock writer. So the source bytes are faulted
 * in first, with the page unlocked (fault_in_iov_iter_readable), and the
 * copy under the page lock runs with page faults disabled
 * (copy_from_iter_atomic): if the source went away in between (another
 * process's truncate of the file the source maps), the copy stops short,
 * leaving the page's other bytes as they were, and what is left is
 * retried from the fault-in.
 * Known limit: a page wholly overwritten is not read from the disk first
 * (grab_write_page), so if that copy comes up short, the rest of the page
 * holds zeros rather than the file's old bytes (Linux instead discards the
 * short copy and reverts the iterator).
 */
static ssize_t write_one(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	struct address_space *m = inode->i_mapping;
	unsigned int offset = *pos & ~PAGE_MASK;
	size_t len = min((size_t)(PAGE_SIZE - offset), from->count);
	size_t unreadable = fault_in_iov_iter_readable(from, len);
	struct page *page;
	size_t n;
	int err;

	if (unreadable == len)
		return -EFAULT;
	len -= unreadable;                      /* stop at the first bad byte */
	page = grab_write_page(file, m, (unsigned long)(*pos >> PAGE_SHIFT), offset,
			       offset + (unsigned int)len);
	if (IS_ERR(page))
		return PTR_ERR(page);
	err = m->a_ops->prepare_write ? m->a_ops->prepare_write(file, page, offset,
							       offset + (unsigned int)len) : 0;
	if (err) {
		unlock_page(page);
		put_page(page);
		return err;
	}
	n = copy_from_iter_atomic((char *)page_address(page) + offset, len, from);
	if (n)
		set_page_dirty(page);
	mark_page_accessed(page);
	unlock_page(page);
	put_page(page);
	if (!n)
		return 0;                       /* faulted after all: fault in again */
	*pos += (loff_t)n;
	if (*pos > inode->i_size)
		inode_set_size(inode, *pos);
	return (ssize_t)n;
}

/*
 * RLIMIT_FSIZE, as Linux's generic_write_checks: a write starting at or
 * past the limit writes nothing and the writer gets SIGXFSZ (returns
 * false); a write across it is cut short at the limit.
 */
static bool fsize_limit_ok(struct iov_iter *from, loff_t pos)
{
	u64 limit = task_rlimit(current, RLIMIT_FSIZE);

	if (limit == RLIM_INFINITY)
		return true;
	if ((u64)pos >= limit) {
		send_sig(SIGXFSZ, current);
		return false;
	}
	if (from->count > limit - (u64)pos)
		from->count = (size_t)(limit - (u64)pos);
	return true;
}

/*
 * Context: takes the inode lock for writing (writers to one file are
 * serialised, as POSIX requires for O_APPEND and size updates).
 */
ssize_t generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	ssize_t written = 0;

	if (!from->count)
		return 0;
	inode_lock(inode);
	if (file->f_flags & O_APPEND)
		*pos = inode->i_size;
	if (!fsize_limit_ok(from, *pos)) {
		inode_unlock(inode);
		return -EFBIG;
	}
	if (*pos >= inode->i_sb->s_maxbytes || (loff_t)from->count > inode->i_sb->s_maxbytes - *pos) {
		if (*pos >= inode->i_sb->s_maxbytes) {
			inode_unlock(inode);
			return -EFBIG;
		}
		from->count = (size_t)(inode->i_sb->s_maxbytes - *pos);
	}
	if (*pos > inode->i_size)
		pagecache_isize_extended(inode, inode->i_size);
	while (from->count) {
		ssize_t n = write_one(file, from, pos);

		if (n < 0) {
			if (!written)
				written = n;
			break;
		}
		written += n;
		balance_dirty_pages(inode->i_mapping);
	}
	if (written > 0) {
		inode->i_mtime = inode->i_ctime = current_time();
		mark_inode_dirty(inode);
	}
	inode_unlock(inode);
	return written;
}

/* SEEK_DATA/SEEK_HOLE as Linux's generic version answers them: the
 * whole file is data (holes are not looked for), with the hole at EOF. */
static loff_t seek_data_hole(struct file *file, loff_t offset, int whence)
{
	loff_t size = READ_ONCE(file->f_inode->i_size);

	if (offset < 0 || offset >= size)
		return -ENXIO;
	file->f_pos = whence == SEEK_DATA ? offset : size;
	return file->f_pos;
}

loff_t generic_file_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = file->f_pos; break;
	case SEEK_END: base = READ_ONCE(file->f_inode->i_size); break;
	case SEEK_DATA:
	case SEEK_HOLE: return seek_data_hole(file, offset, whence);
	default: return -EINVAL;
	}
	if ((offset > 0 && base > file->f_inode->i_sb->s_maxbytes - offset) || base + offset < 0)
		return -EINVAL;
	file->f_pos = base + offset;
	return file->f_pos;
}

int generic_file_fsync(struct file *file, bool datasync)
{
	struct inode *inode = file->f_inode;
	int err = filemap_write_and_wait(inode->i_mapping);
	/* fdatasync and msync skip an inode whose times alone changed. */
	int e = write_inode_datasync(inode, true, datasync);

	if (!err)
		err = e;
	/* The file's block map and the allocation bitmaps live in buffers. */
	e = sync_blockdev(inode->i_sb->s_bdev, 0);
	return err ? err : e;
}

/* ---- the page cache behind mappings ------------------------------------------ */

/*
 * ->fault for files in the page cache: the page at vmf->pgoff, read from
 * disk if it is not cached (a major fault). A page wholly past EOF gives
 * SIGBUS (LINUX-SEMANTICS.md item 31). Returns the page referenced and
 * unlocked in vmf->page. Context: mmap_lock held for reading; may sleep.
 */
vm_fault_t filemap_fault(struct vm_fault *vmf)
{
	/* LAB(filemap): BEGIN filemap_fault: the page at pgoff, or SIGBUS */
	/* LAB(filemap): STUB return VM_FAULT_SIGBUS; */
	struct file *file = vmf->vma->vm_file;
	struct address_space *m = file->f_inode->i_mapping;
	struct inode *inode = m->host;
	vm_fault_t ret = 0;
	struct page *page;

	if (vmf->pgoff >= DIV_ROUND_UP((u64)READ_ONCE(inode->i_size), PAGE_SIZE)) {
		count_vm_event(FL_SIGBUS_EOF);
		return VM_FAULT_SIGBUS;
	}
	page = find_get_page(m, vmf->pgoff);
	if (page) {
		filemap_fault_async_readahead(vmf->vma, file, page, vmf->pgoff);
	} else {
		/* A miss: read around it (mm/readahead.c), then wait for it. */
		filemap_fault_sync_readahead(vmf->vma, file, vmf->pgoff);
		ret = VM_FAULT_MAJOR;
		page = find_get_page(m, vmf->pgoff);
	}
	if (!page || !PageUptodate(page)) {
		/* Missing, or its read is still in flight (or failed): this
		 * fault waits for the disk, which makes it major. */
		if (page)
			put_page(page);
		ret = VM_FAULT_MAJOR;
		page = read_mapping_page(m, vmf->pgoff, file);
		if (IS_ERR(page))
			return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	}
	vmf->page = page;
	return ret;
	/* LAB(filemap): END */
}

/* Pages fault-around offers finish_fault_around at a time (on the stack). */
#define MAP_PAGES_BATCH 16

/*
 * ->map_pages for files in the page cache (fault-around; the contract is
 * at struct vm_operations_struct): collect the cached pages of
 * [start_pgoff, end_pgoff], cut at EOF, that look ready (uptodate, not
 * locked: a page being read or truncated is left to ->fault), and hand
 * them to finish_fault_around, MAP_PAGES_BATCH at a time, which maps
 * those still ready under their page lock. i_size is read once, after
 * do_fault's truncate_count sample (its smp_rmb orders the two), exactly
 * as filemap_fault reads it, so the truncate_count recheck in
 * finish_fault_around covers it: a truncate that shrank the file since
 * moved the count, and then nothing is mapped. No page that is not
 * already in the cache is read, and nothing here waits.
 * Context: mmap_lock held for reading; takes tree_lock, then (in
 * finish_fault_around) page_table_lock; never sleeps (but fault_delay=).
 */
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff)
{
	struct address_space *m = vmf->vma->vm_file->f_inode->i_mapping;
	loff_t size = READ_ONCE(m->host->i_size);
	unsigned long index = start_pgoff, last;
	struct page *pages[MAP_PAGES_BATCH];
	bool more = true;

	if (size <= 0)
		return 0;
	last = min(end_pgoff, (unsigned long)((size - 1) >> PAGE_SHIFT));
	while (more && index <= last) {
		unsigned int n = 0;

		spin_lock(&m->tree_lock);
		for (;;) {
			struct page *page = radix_next(m, &index);

			if (!page || index > last) {
				more = false;
				break;
			}
			index++;
			/* A readahead marker is left to a real fault, which
			 * starts the next window (mm/readahead.c), as Linux's
			 * filemap_map_pages leaves PageReadahead pages. */
			if (PageUptodate(page) && !PageLocked(page) && !PageReadahead(page)) {
				get_page(page);
				pages[n++] = page;
				if (n == MAP_PAGES_BATCH)
					break;
			}
		}
		spin_unlock(&m->tree_lock);
		if (!n)
			break;
		filemap_map_pages_hits(vmf->vma->vm_file, n);
		finish_fault_around(vmf, pages, n, start_pgoff, last);
		for (unsigned int i = 0; i < n; i++)
			if (pages[i])
				put_page(pages[i]);     /* not mapped */
	}
	return 0;
}

const struct vm_operations_struct generic_file_vm_ops = {
	.fault = filemap_fault,
	.map_pages = filemap_map_pages,
	.name = "filemap",
};

int generic_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!file->f_inode->i_mapping->a_ops->readpage)
		return -ENOEXEC;
	vma->vm_ops = &generic_file_vm_ops;
	return 0;
}
