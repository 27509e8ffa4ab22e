/*
 * The page cache (mm/filemap.c): the pages of files, indexed by
 * (address_space, page index), shared by read(), write() and (from the
 * file-mappings issue on) every mapping of the file.
 *
 * A page in the cache holds a reference from the cache itself; lookups
 * return it with one more, dropped with put_page(). page->mapping and
 * page->index say where it belongs; a page removed from the cache (by
 * truncate) has mapping == NULL, which is how a task that slept on its
 * lock notices.
 *
 * The page lock (PG_locked) is a sleeping lock: held while a page is read
 * from disk, written back, or removed by truncate. lock_page() may sleep;
 * it must not be called with a spinlock held.
 */
#ifndef _MM_FILEMAP_H
#define _MM_FILEMAP_H

#include <fs/fs.h>
#include <mm/page_alloc.h>

void lock_page(struct page *page);
bool trylock_page(struct page *page);
void unlock_page(struct page *page);
/* Release a page lock held by I/O (readahead, file or swap: the page was
 * locked before anyone could see it, for its read, and the read's end
 * unlocks it; see add_to_page_cache_ra and mm/swap_state.c).
 * Context: any, usually the disk's interrupt handler; takes only
 * wait-queue locks. */
void unlock_page_io(struct page *page);
/* Wait until the page is unlocked (without taking the lock). */
void wait_on_page_locked(struct page *page);

/*
 * Write-back of a page (PG_writeback), Linux's contract: ->writepage sets
 * it with the page locked (set_page_writeback), unlocks the page and
 * starts the I/O; the completion, in interrupt context, records an error
 * with mapping_set_error() and then calls end_page_writeback(), which
 * clears it and wakes waiters. A page under write-back stays in its
 * mapping (truncate waits, reclaim skips it) and is never written twice
 * at once (set_page_writeback panics: the caller waits or skips first).
 */
/* Context: page locked. */
void set_page_writeback(struct page *page);
/* Context: any (interrupt handlers); takes only wait-queue locks. */
void end_page_writeback(struct page *page);
/* Sleep until the page's write in flight, if any, is done. Context: may
 * sleep; the caller may hold the page lock. */
void wait_on_page_writeback(struct page *page);
/* Record a write-back error (-EIO) of @mapping for the next fsync, which
 * reports it once (mm/page-writeback.c). Context: any (interrupt
 * handlers); an atomic store. */
void mapping_set_error(struct address_space *mapping, int err);

/* Collect up to @max pages of @mapping with index >= @start, in index
 * order, each referenced. Returns how many. Context: takes tree_lock. */
unsigned int find_get_pages(struct address_space *mapping, unsigned long start,
			    struct page **pages, unsigned int max);
/* The cached page at @index, referenced, or NULL. Context: any task. */
struct page *find_get_page(struct address_space *mapping, unsigned long index);
/* Insert @page (locked, in no cache) at @index: NULL on success (the
 * cache took a reference), the page already there (referenced, not
 * locked), or an ERR_PTR. The page's LRU list is the caller's business
 * (shmem's swap-in puts back a page that may be on one already).
 * Context: may sleep (allocates index nodes). */
struct page *add_to_page_cache_locked(struct address_space *m, unsigned long index,
				      struct page *page);
/*
 * Readahead's insertion: @page (new, referenced by the caller) goes into
 * @m at @index and onto the LRU, locked for the read that will fill it,
 * with a lock the caller's I/O releases (unlock_page_io), not the caller.
 * Returns 0, -EEXIST if a page is there already (nothing changed), or
 * -ENOMEM. Context: may sleep (allocates index nodes); no page lock held.
 */
int add_to_page_cache_ra(struct address_space *m, unsigned long index, struct page *page);
/* Is a page cached at @index? (A moment's answer.) Context: takes tree_lock. */
bool find_page_present(struct address_space *m, unsigned long index);
/* The same, locked; allocated (zeroed, not uptodate) and inserted if absent.
 * Returns NULL if memory ran out. Context: may sleep. */
struct page *find_or_create_page(struct address_space *mapping, unsigned long index);
/*
 * The page at @index, uptodate and referenced (not locked): read through
 * ->readpage if needed. Returns ERR_PTR(-EIO) or ERR_PTR(-ENOMEM).
 */
struct page *read_mapping_page(struct address_space *mapping, unsigned long index,
			       struct file *file);

/*
 * Does @m keep dirty pages for writeback (a filesystem's file), so that
 * shared writable mappings of it map clean pages read-only to hear of the
 * first write (Linux's mapping_cap_account_dirty)? Shared anonymous
 * memory and devices do not.
 */
static inline bool mapping_cap_account_dirty(const struct address_space *m)
{
	return m->a_ops && m->a_ops->writepage && !m->unevictable;
}

/* Mark a page-cache page dirty (and account it in its mapping). Returns
 * true if it was clean. Context: any task; the page is referenced. */
bool set_page_dirty(struct page *page);
/* Clear the dirty flag before writing the page (page locked), after
 * write-protecting every PTE that maps it (page_mkclean): the next write
 * through a mapping faults and dirties it again. Returns true if it was
 * dirty. */
bool clear_page_dirty_for_io(struct page *page);

/* Write every dirty page of @mapping and wait for those writes and for
 * any other write of its pages in flight (mm/page-writeback.c). Returns
 * 0 or the first error; an I/O error is reported once (fsync semantics).
 * Context: may sleep. */
int filemap_write_and_wait(struct address_space *mapping);
/* Drop every page at index >= @start (truncate); zero the tail of the page
 * holding @lstart if it is not page aligned. Waits for the writes in
 * flight of those pages (their blocks may be freed next). Context: inode
 * lock held (or the inode is being freed); may sleep. */
void truncate_inode_pages(struct address_space *mapping, loff_t lstart);
/*
 * Shrink @inode's page cache to its new size @newsize (i_size already
 * set): unmap every mapping of the pages past it, private copies included,
 * then drop them and zero the tail of the last page (2.6.20's vmtruncate
 * order; docs/truncate-race.md). Context: inode lock held.
 */
void truncate_pagecache(struct inode *inode, loff_t newsize);
/* The size grew from @old (i_size already set): zero what mappings stored
 * past @old in its page and write-protect that page's mappings.
 * Context: inode lock held. */
void pagecache_isize_extended(struct inode *inode, loff_t old);

/*
 * POSIX_FADV_DONTNEED: drop the clean, unmapped, unlocked pages of @m at
 * indexes [@start, @end] that nobody else holds; start the write of the
 * dirty ones (they stay, as Linux's: a later DONTNEED drops them once
 * clean). Returns the pages dropped. Context: may sleep; no page lock.
 */
unsigned long invalidate_mapping_pages(struct address_space *m, unsigned long start,
				       unsigned long end);

void address_space_init(struct address_space *mapping, struct inode *host);

/* Reclaim: take @page (locked, referenced by the caller and by the cache
 * only, clean, unmapped) out of @m and drop the cache's reference.
 * Returns false, changing nothing, if it is none of those any more.
 * Context: page locked; takes tree_lock. */
bool remove_mapping(struct address_space *m, struct page *page);

struct page_cache_stats {
	unsigned long cached, dirty, writeback;
};
void page_cache_stats(struct page_cache_stats *st);

#endif
