/*
 * Readahead (mm/readahead.c): reading file pages before they are asked
 * for, so that a sequential reader finds them cached and the disk sees a
 * few large requests instead of one small synchronous one per page.
 * docs/readahead.md.
 */
#ifndef _MM_READAHEAD_H
#define _MM_READAHEAD_H

#include <fs/fs.h>
#include <mm/mm_types.h>

/*
 * Pages for readahead: never reclaim, never sleep in the allocator, fail
 * quietly (no OOM, no warning): readahead is only a hint, and the reader
 * that needs a page allocates it itself (GFP_KERNEL) when it is missing.
 * Besides, readahead stops while free memory is below the low watermark
 * (kswapd is working): under memory pressure, pages read ahead of need
 * would only push out pages in use, and thrash (a fork bomb refaulting
 * its program's text read 32 pages around every fault). The window a
 * sequential reader starts at a marker may go down to the min watermark
 * (mm/readahead.c, ra_read_pages).
 */
#define GFP_READAHEAD GFP_NOWAIT

/* vm.read_ahead_kb: the default largest window, in KiB (Linux's per-device
 * read_ahead_kb, 128 by default). A file takes it at open. */
unsigned int readahead_default_pages(void);

/* Set up @ra for a file just opened. */
void file_ra_state_init(struct file_ra_state *ra);

/*
 * read() missed the cache at @index and wants @req_count pages from
 * there: read a window ahead (synchronously needed, asynchronously
 * completed), or only the requested pages for a random reader. Returns
 * with the I/O started, not waited for. Context: process, may sleep; no
 * page lock held.
 */
void page_cache_sync_readahead(struct address_space *m, struct file_ra_state *ra,
			       struct file *file, unsigned long index, unsigned long req_count);
/* read() found @page (at @index) carrying PG_readahead: start the next
 * window. Same context. */
void page_cache_async_readahead(struct address_space *m, struct file_ra_state *ra,
				struct file *file, struct page *page, unsigned long index,
				unsigned long req_count);

/*
 * For filemap_fault: a mapped read missed the cache at @pgoff (read
 * around it, or ahead for VM_SEQ_READ, or nothing for VM_RAND_READ); or
 * found @page, which may carry PG_readahead. Context: mmap_lock held for
 * reading; may sleep; no page lock held.
 */
void filemap_fault_sync_readahead(struct vm_area_struct *vma, struct file *file,
				  unsigned long pgoff);
void filemap_fault_async_readahead(struct vm_area_struct *vma, struct file *file,
				   struct page *page, unsigned long pgoff);
/* Fault-around (filemap_map_pages) found @nr pages of @file cached: hits,
 * which offset earlier misses as filemap_fault's hits do. Context: any;
 * no lock needed (a hint). */
void filemap_map_pages_hits(struct file *file, unsigned int nr);

/*
 * Start reading pages [@index, @index + @nr) of @m that are not cached,
 * stopping at EOF; the page at @index + @nr - @lookahead gets
 * PG_readahead (none if @lookahead is 0). No window state is used or
 * changed (fadvise WILLNEED, madvise WILLNEED, random reads). Returns the
 * pages whose reads were started. Context: process, may sleep.
 */
unsigned long page_cache_ra_unbounded(struct address_space *m, struct file *file,
				      unsigned long index, unsigned long nr,
				      unsigned long lookahead);
/* WILLNEED on bytes [@start, @end) of @file (fadvise, madvise): read them
 * in, in windows of the file's largest size. Returns 0, or -EINVAL for a
 * file without readahead. Context: may sleep. */
int force_page_cache_readahead(struct file *file, loff_t start, loff_t end);

/* The window sizes, Linux's get_init_ra_size and get_next_ra_size
 * (exposed for the ktests): the first window for a request of @req pages,
 * and the one after a window of @cur pages, at most @max. */
unsigned long ra_init_size(unsigned long req, unsigned long max);
unsigned long ra_next_size(unsigned long cur, unsigned long max);

/* /proc/sys/vm/read_ahead_kb */
struct seq_buf;
int read_ahead_kb_show(struct seq_buf *m, int pid);
int read_ahead_kb_store(const char *buf, size_t len);

#endif
