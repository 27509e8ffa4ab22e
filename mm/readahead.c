/*
 * Readahead: read file pages before they are asked for (Linux's
 * mm/readahead.c, the on-demand algorithm of 2.6.23 on). docs/readahead.md.
 *
 * Owns: the window logic over each open file's file_ra_state (include/fs/
 * fs.h), the PG_readahead marker, the knob vm.read_ahead_kb, and the
 * allocation of readahead pages; the I/O itself is the filesystem's
 * ->readahead (ext2: fs/mpage.c).
 *
 * The window. A read that misses the cache starts a window at the missed
 * page, sized from the request (ra_init_size: 4x a small request, rounded
 * up to a power of two, up to ra_pages); the pages the reader did not ask
 * for are its asynchronous part, and the first of them carries
 * PG_readahead. A reader that reaches a marked page starts the next
 * window right after the current one, without waiting for it, each
 * window 4x then 2x the last (ra_next_size) up to ra_pages, so a
 * sequential reader keeps one window of I/O in flight ahead of itself.
 * A read that misses away from the last read position (prev_pos) is
 * random: only the pages asked for are read, and the window is left as
 * it was. Mapped reads (filemap_fault) read around a miss instead
 * (ra_pages centred on it, the last quarter marked), or ahead for
 * MADV_SEQUENTIAL, or nothing for MADV_RANDOM; and stop reading around
 * when most misses are not followed by hits (mmap_miss).
 *
 * Pages. Each page read ahead is allocated with GFP_READAHEAD (no
 * reclaim, a quiet failure), and none while free memory is below the low
 * watermark (readahead.h says why); inserted locked into the cache and
 * onto the LRU like any cache page, so reclaim may take it back once its
 * read is done; a page already cached is skipped. Nothing reads past EOF.
 * Their page locks belong to the I/O (unlock_page_io), not to this task.
 *
 * Locks: none of its own. file_ra_state is a hint read and written with
 * READ_ONCE/WRITE_ONCE and no lock (as Linux; see its comment); every
 * window is clamped to ra_pages and EOF before use. Called with no page
 * lock and no spinlock held (read(), filemap_fault with mmap_lock held
 * for reading, fadvise, madvise); takes tree_lock (lookups, insertion)
 * and sleeps in the allocator and in the filesystem's block mapping.
 * The requests are issued inside a plug (blk_start_plug), which the block
 * layer flushes before this task sleeps.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_tree.h>
#include <mm/readahead.h>
#include <mm/vmstat.h>

/* vm.read_ahead_kb. (a): single word, read and written atomically. */
static unsigned int sysctl_read_ahead_kb = 128;

/* A window larger than this is refused by the knob (Linux allows more per
 * device; 16 MiB is far past where TCG gains anything). */
#define READ_AHEAD_KB_MAX (16u << 10)

/* Pages handed to ->readahead at once. */
#define RA_BATCH 32UL

/* Mapped-read misses, net of hits, after which read-around stops paying
 * (Linux's MMAP_LOTSAMISS). */
#define MMAP_LOTSAMISS 100

unsigned int readahead_default_pages(void)
{
	return __atomic_load_n(&sysctl_read_ahead_kb, __ATOMIC_RELAXED) / (PAGE_SIZE / 1024);
}

void file_ra_state_init(struct file_ra_state *ra)
{
	memset(ra, 0, sizeof(*ra));
	ra->ra_pages = readahead_default_pages();
	ra->prev_pos = -1;
}

/* ---- the window sizes -------------------------------------------------------- */

static unsigned long round_up_pow2(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

unsigned long ra_init_size(unsigned long req, unsigned long max)
{
	unsigned long n = round_up_pow2(req ? req : 1);

	if (n <= max / 32)
		n *= 4;
	else if (n <= max / 4)
		n *= 2;
	else
		n = max;
	return min(n, max);
}

unsigned long ra_next_size(unsigned long cur, unsigned long max)
{
	unsigned long n;

	if (cur < max / 16)
		n = 4 * cur;
	else if (cur <= max / 2)
		n = 2 * cur;
	else
		n = max;
	return min(n, max);
}

/* ---- reading pages ahead ------------------------------------------------------ */

/* Hand @n locked new pages to ->readahead and drop our references. */
static void read_pages(struct address_space *m, struct file *file, struct page **pages,
		       unsigned int *n)
{
	struct readahead_control rac = { .file = file, .mapping = m, .pages = pages, .nr = *n };

	if (!*n)
		return;
	m->a_ops->readahead(&rac);
	count_vm_events(FL_READAHEAD_PAGES, *n);
	for (unsigned int i = 0; i < *n; i++)
		put_page(pages[i]);
	*n = 0;
}

/*
 * page_cache_ra_unbounded, reading nothing more once free memory is
 * below the low watermark, or with @to_min only below the min watermark
 * (a GFP_NOWAIT allocation's own limit).
 *
 * @to_min is for the window a sequential reader starts at the marker:
 * its pages are the very ones it reads next, so reading them now pushes
 * out nothing that reading them at the fault would not. Cut at the low
 * watermark, where a reader of a file larger than memory spends its time
 * (kswapd only brings memory back up to the high one, a quarter of the
 * min above low), such a window was cut short every few windows, and the
 * reader met the missing pages as misses: a synchronous read to wait
 * for.
 */
static unsigned long ra_read_pages(struct address_space *m, struct file *file,
				   unsigned long index, unsigned long nr,
				   unsigned long lookahead, bool to_min)
{
	struct inode *inode = m->host;
	struct page *batch[RA_BATCH];
	unsigned int n = 0;
	unsigned long started = 0, last, mark = lookahead ? index + nr - lookahead : ~0UL;
	struct zone_watermarks wm;
	struct blk_plug plug;
	loff_t isize;

	if (!m->a_ops || !m->a_ops->readahead || !nr)
		return 0;
	isize = READ_ONCE(inode->i_size);
	if (isize <= 0)
		return 0;
	last = (unsigned long)((isize - 1) >> PAGE_SHIFT);
	if (index > last)
		return 0;
	nr = min(nr, last - index + 1);
	zone_watermarks(&wm);
	blk_start_plug(&plug);
	for (unsigned long i = 0; i < nr; i++) {
		unsigned long idx = index + i;
		struct page *page;
		int err;

		if (find_page_present(m, idx)) {
			/* Cached already: send what is gathered, so each
			 * batch is a run of adjacent pages. */
			read_pages(m, file, batch, &n);
			continue;
		}
		if (nr_free_pages() < (to_min ? wm.min : wm.low)) {
			count_vm_event(FL_READAHEAD_NOMEM);
			break;                  /* memory is short: read nothing ahead */
		}
		page = alloc_page(GFP_READAHEAD);
		if (!page) {
			count_vm_event(FL_READAHEAD_NOMEM);
			break;                  /* no memory: readahead is only a hint */
		}
		if (idx == mark)
			set_page_flag(page, PG_readahead);
		err = add_to_page_cache_ra(m, idx, page);
		if (err) {
			put_page(page);
			if (err == -EEXIST) {   /* a racing reader put one there */
				read_pages(m, file, batch, &n);
				continue;
			}
			break;
		}
		batch[n++] = page;
		started++;
		if (n == RA_BATCH)
			read_pages(m, file, batch, &n);
	}
	read_pages(m, file, batch, &n);
	blk_finish_plug(&plug);
	return started;
}

unsigned long page_cache_ra_unbounded(struct address_space *m, struct file *file,
				      unsigned long index, unsigned long nr,
				      unsigned long lookahead)
{
	return ra_read_pages(m, file, index, nr, lookahead, false);
}

/* The first index after @index, within @max pages of it, that is not
 * cached; @index + @max + 1 if every one is. */
static unsigned long next_miss(struct address_space *m, unsigned long index, unsigned long max)
{
	for (unsigned long i = 1; i <= max; i++)
		if (!find_page_present(m, index + i))
			return index + i;
	return index + max + 1;
}

/* A snapshot of a file_ra_state, made consistent enough to use. */
struct ra_window {
	unsigned long start, size, async_size, max;
	loff_t prev_pos;
};

static void ra_load(struct file_ra_state *ra, struct ra_window *w)
{
	w->max = READ_ONCE(ra->ra_pages);
	w->start = READ_ONCE(ra->start);
	w->size = READ_ONCE(ra->size);
	w->async_size = READ_ONCE(ra->async_size);
	w->prev_pos = READ_ONCE(ra->prev_pos);
	if (w->size > w->max || w->async_size > w->size)
		w->size = w->async_size = 0;    /* torn by a racing update: no window */
}

static void ra_store(struct file_ra_state *ra, const struct ra_window *w)
{
	WRITE_ONCE(ra->start, w->start);
	WRITE_ONCE(ra->size, (unsigned int)w->size);
	WRITE_ONCE(ra->async_size, (unsigned int)w->async_size);
}

/* Read the window @w describes, after recording it in @ra; @sequential:
 * a window a marker started (ra_read_pages' @to_min). */
static void ra_submit(struct address_space *m, struct file *file, struct file_ra_state *ra,
		      struct ra_window *w, bool sequential)
{
	ra_store(ra, w);
	ra_read_pages(m, file, w->start, w->size, w->async_size, sequential);
}

/*
 * The on-demand decision (Linux's ondemand_readahead): @index is the page
 * a read wants, @req the pages it wants from there; @hit_marker when it
 * found a page carrying PG_readahead rather than missing.
 */
static void ondemand_readahead(struct address_space *m, struct file_ra_state *ra,
			       struct file *file, bool hit_marker, unsigned long index,
			       unsigned long req)
{
	struct ra_window w;
	unsigned long prev;

	ra_load(ra, &w);
	if (!w.max)
		return;
	if (!index)
		goto initial;
	/* The reader is where the window said it would be (at the marker,
	 * or just past the window): the next window follows this one. */
	if (w.size && (index == w.start + w.size - w.async_size || index == w.start + w.size)) {
		w.start += w.size;
		w.size = ra_next_size(w.size, w.max);
		w.async_size = w.size;
		goto readit;
	}
	/* A marker this state does not describe (another reader of the file
	 * moved the window, or a mapping's read-around placed it): go on
	 * from the first page after it that is not cached. */
	if (hit_marker) {
		unsigned long start = next_miss(m, index, w.max);

		if (start - index > w.max)
			return;                 /* a whole window is cached already */
		w.start = start;
		w.size = ra_next_size(start - index + req, w.max);
		w.async_size = w.size;
		goto readit;
	}
	if (req > w.max)
		goto initial;                   /* a large read is sequential by itself */
	/* A miss next to where the last read ended: a sequential start. */
	prev = (unsigned long)(w.prev_pos >> PAGE_SHIFT);
	if (w.prev_pos >= 0 && index - prev <= 1)
		goto initial;
	/* Random: only what was asked for, and the window stays. */
	page_cache_ra_unbounded(m, file, index, req, 0);
	return;

initial:
	count_vm_event(FL_READAHEAD_SYNC);
	w.start = index;
	w.size = ra_init_size(req, w.max);
	w.async_size = w.size > req ? w.size - req : w.size;
readit:
	/* A window that starts at the page wanted now and is all
	 * asynchronous would put the marker on that very page; add the next
	 * window to it, so the marker lands ahead of the reader. */
	if (index == w.start && w.size == w.async_size) {
		unsigned long more = ra_next_size(w.size, w.max);

		if (w.size + more <= w.max) {
			w.async_size = more;
			w.size += more;
		} else {
			w.size = w.max;
			w.async_size = w.max / 2;
		}
	}
	ra_submit(m, file, ra, &w, hit_marker);
}

void page_cache_sync_readahead(struct address_space *m, struct file_ra_state *ra,
			       struct file *file, unsigned long index, unsigned long req_count)
{
	unsigned long max = READ_ONCE(ra->ra_pages);

	if (!max || !m->a_ops->readahead)
		return;
	if (file && (READ_ONCE(file->f_mode) & FMODE_RANDOM)) {
		/* POSIX_FADV_RANDOM: exactly the pages asked for, as one batch. */
		page_cache_ra_unbounded(m, file, index, min(req_count, max(max, RA_BATCH)), 0);
		return;
	}
	ondemand_readahead(m, ra, file, false, index, req_count);
}

void page_cache_async_readahead(struct address_space *m, struct file_ra_state *ra,
				struct file *file, struct page *page, unsigned long index,
				unsigned long req_count)
{
	if (!READ_ONCE(ra->ra_pages) || !m->a_ops->readahead)
		return;
	/* One reader starts the next window, not every one that sees it. */
	if (!test_and_clear_page_flag(page, PG_readahead))
		return;
	count_vm_event(FL_READAHEAD_ASYNC);
	ondemand_readahead(m, ra, file, true, index, req_count);
}

/* ---- mapped reads ---------------------------------------------------------- */

void filemap_fault_sync_readahead(struct vm_area_struct *vma, struct file *file,
				  unsigned long pgoff)
{
	struct address_space *m = file->f_inode->i_mapping;
	struct file_ra_state *ra = &file->f_ra;
	unsigned long max = READ_ONCE(ra->ra_pages);
	unsigned int miss;
	struct ra_window w;

	if ((vma->vm_flags & VM_RAND_READ) || !max || !m->a_ops->readahead)
		return;
	if (vma->vm_flags & VM_SEQ_READ) {
		page_cache_sync_readahead(m, ra, file, pgoff, max);
		return;
	}
	/* Most misses not followed by hits: the mapping is read at random,
	 * and reading around it only evicts what others use. */
	miss = READ_ONCE(ra->mmap_miss);
	if (miss < MMAP_LOTSAMISS * 10)
		WRITE_ONCE(ra->mmap_miss, miss + 1);
	if (miss > MMAP_LOTSAMISS)
		return;
	/* Read around the miss: half the window before it, the last quarter
	 * asynchronous (its first page marked). */
	count_vm_event(FL_READAHEAD_SYNC);
	w.start = pgoff > max / 2 ? pgoff - max / 2 : 0;
	w.size = max;
	w.async_size = max / 4;
	ra_submit(m, file, ra, &w, false);
}

void filemap_fault_async_readahead(struct vm_area_struct *vma, struct file *file,
				   struct page *page, unsigned long pgoff)
{
	struct file_ra_state *ra = &file->f_ra;
	unsigned int miss;

	if (vma->vm_flags & VM_RAND_READ)
		return;
	miss = READ_ONCE(ra->mmap_miss);
	if (miss)
		WRITE_ONCE(ra->mmap_miss, miss - 1);
	if (PageReadahead(page))
		page_cache_async_readahead(file->f_inode->i_mapping, ra, file, page, pgoff,
					   READ_ONCE(ra->ra_pages));
}

/*
 * The pages fault-around maps are hits too, as in Linux's
 * filemap_map_pages: a sequential reader faults on only one page in 16,
 * mostly a miss or the marker, and without these hits every window cut
 * short by memory (GFP_READAHEAD) would count a miss and none a hit,
 * until mmap_miss passed MMAP_LOTSAMISS and turned read-around off for
 * good: from then on every page was one synchronous read.
 */
void filemap_map_pages_hits(struct file *file, unsigned int nr)
{
	struct file_ra_state *ra = &file->f_ra;
	unsigned int miss = READ_ONCE(ra->mmap_miss);

	if (miss)
		WRITE_ONCE(ra->mmap_miss, miss > nr ? miss - nr : 0);
}

/* ---- WILLNEED ------------------------------------------------------------- */

int force_page_cache_readahead(struct file *file, loff_t start, loff_t end)
{
	struct address_space *m = file->f_inode->i_mapping;
	unsigned long chunk = max((unsigned long)readahead_default_pages(), RA_BATCH);
	loff_t isize = READ_ONCE(file->f_inode->i_size);
	unsigned long index, last;

	if (!m->a_ops || !m->a_ops->readahead)
		return -EINVAL;
	/* Nothing past EOF: a range "to the end" may be 2^63 bytes long. */
	end = min(end, isize);
	if (end <= start)
		return 0;
	index = (unsigned long)(start >> PAGE_SHIFT);
	last = (unsigned long)((end - 1) >> PAGE_SHIFT);
	/* In windows, so that a huge range does not hold many pages locked
	 * before their I/O starts; the allocator stops it when memory runs
	 * short (GFP_READAHEAD), and a fatal signal stops it too. */
	while (index <= last) {
		unsigned long nr = min(chunk, last - index + 1);

		page_cache_ra_unbounded(m, file, index, nr, 0);
		index += nr;
		if (fatal_signal_pending(current) || !index)
			break;
	}
	return 0;
}

/* ---- vm.read_ahead_kb ----------------------------------------------------------- */

int read_ahead_kb_show(struct seq_buf *m, int pid)
{
	(void)pid;
	seq_printf(m, "%u\n", __atomic_load_n(&sysctl_read_ahead_kb, __ATOMIC_RELAXED));
	return 0;
}

/* A decimal number of KiB, 0 (no readahead) to READ_AHEAD_KB_MAX, rounded
 * down to whole pages; files opened afterwards take it. */
int read_ahead_kb_store(const char *buf, size_t len)
{
	char tmp[24];
	unsigned long long v;
	size_t i = 0;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\0'))
		len--;
	while (i < len && buf[i] == ' ')
		i++;
	if (len - i == 0 || len - i >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf + i, len - i);
	tmp[len - i] = '\0';
	if (kstrtoull(tmp, 10, &v) || v > READ_AHEAD_KB_MAX)
		return -EINVAL;
	v -= v % (PAGE_SIZE / 1024);
	__atomic_store_n(&sysctl_read_ahead_kb, (unsigned int)v, __ATOMIC_RELAXED);
	return 0;
}
