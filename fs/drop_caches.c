/*
 * /proc/sys/vm/drop_caches: empty the caches on demand, so that a cold
 * read can be measured (docs/pseudofs.md; Linux's fs/drop_caches.c).
 *
 *   1  drop the clean page-cache pages of every mounted disk filesystem
 *   2  ask every shrinker (mm/shrinker.c) for all it can free: cached
 *      inodes nobody uses, the buffer cache's clean blocks
 *   3  both, pages first (so the inodes they emptied can go too)
 *   4  (a bit that may be added) no more log lines for later writes
 *
 * Each write logs "COMM (PID): drop_caches: N", as Linux does, so that a
 * sudden slowdown in a log can be traced to a dropped cache.
 * As on Linux it only drops what could be dropped at no cost: a page that
 * is dirty, under write-back, mapped by a process, locked, or referenced
 * by anyone but the cache stays, and so does whatever a shrinker keeps
 * (dirty buffers, inodes in use). To drop everything, sync first. The file
 * is mode 0200 (written by root only); values outside 1..4 are -EINVAL.
 *
 * Locks: sb_lock (mutex, through iterate_supers) around the walk of each
 * filesystem's inodes, which holds a reference to the inode at hand;
 * then a mapping's tree_lock (find_get_pages) and each page's lock, only
 * tried (a locked page is busy: being read, written or truncated), then
 * tree_lock again inside it (remove_mapping), the usual page lock ->
 * tree_lock order. Shrinkers run under shrinker_lock, which shrink_slab
 * only tries. May sleep (sb_lock, the walk).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/shrinker.h>

#define DROP_BATCH 16
/* shrink_slab rounds at most: each frees what the shrinkers count now;
 * a round that frees nothing ends it earlier. */
#define DROP_SLAB_ROUNDS 16

/* Drop @page of @m if it is clean, unmapped and used by nobody else;
 * the caller holds a reference. Returns true if it left the cache. */
static bool drop_page(struct address_space *m, struct page *page)
{
	bool dropped = false;

	if (PageDirty(page) || PageWriteback(page) || page_mapcount(page) > 0 || !trylock_page(page))
		return false;
	/* remove_mapping rechecks all of that under tree_lock, and that the
	 * page is still @m's and nobody else holds it. */
	if (page->mapping == m)
		dropped = remove_mapping(m, page);
	unlock_page(page);
	return dropped;
}

/* iterate_supers -> for_each_sb_inode: one inode's clean pages. */
static int drop_inode_pages(struct inode *inode, void *arg)
{
	struct address_space *m = inode->i_mapping;
	unsigned long *dropped = arg, index = 0;
	struct page *batch[DROP_BATCH];
	unsigned int n;

	/* Shared anonymous memory and devices keep no copy on a disk: a
	 * "clean" page of theirs is the only copy. */
	if (!m || !mapping_cap_account_dirty(m))
		return 0;
	while ((n = find_get_pages(m, index, batch, DROP_BATCH)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			index = batch[i]->index + 1;
			*dropped += drop_page(m, batch[i]);
			put_page(batch[i]);
		}
		if (!index)
			break;
	}
	return 0;
}

static void drop_pagecache_sb(struct super_block *sb, void *arg)
{
	for_each_sb_inode(sb, drop_inode_pages, arg);
}

static unsigned long drop_pagecache(void)
{
	unsigned long dropped = 0;

	iterate_supers(drop_pagecache_sb, &dropped);
	return dropped;
}

static unsigned long drop_slab(void)
{
	unsigned long freed = 0, round;

	for (int i = 0; i < DROP_SLAB_ROUNDS; i++) {
		round = shrink_slab(~0UL);
		freed += round;
		if (!round)
			break;
	}
	return freed;
}

static bool drop_caches_quiet;           /* (a) once 4 was written */

int drop_caches_store(const char *buf, size_t len)
{
	long v;
	int err = proc_parse_number(buf, len, true, 0x7fffffffUL, &v);

	if (err)
		return err;
	if (v < 1 || v > 4)
		return -EINVAL;
	if (!__atomic_load_n(&drop_caches_quiet, __ATOMIC_RELAXED))
		pr_info("%s (%d): drop_caches: %ld\n", current->comm, current->pid, v);
	if (v & 4)
		__atomic_store_n(&drop_caches_quiet, true, __ATOMIC_RELAXED);
	if (v & 1) {
		unsigned long pages = drop_pagecache();

		pr_debug("drop_caches: %lu page-cache pages dropped\n", pages);
	}
	if (v & 2) {
		unsigned long objects = drop_slab();

		pr_debug("drop_caches: %lu objects freed by the shrinkers\n", objects);
	}
	return 0;
}
