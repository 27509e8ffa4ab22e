/*
 * Readahead unit tests (ktest=readahead_): the window sizes, and the
 * window a file's reads move through on the root filesystem (vda, 1 KiB
 * blocks), in the directory /ktest-ra, which each test creates and
 * removes. Each file is written, synced and dropped from the cache
 * (invalidate_mapping_pages) before the reads under test, so that every
 * page read comes from readahead or ->readpage.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <fs/ext2.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/readahead.h>
#include <mm/slab.h>
#include <mm/vmstat.h>

#define RA_DIR "/ktest-ra"

KTEST(readahead_window_sizes)
{
	/* The first window: 4x a small request, 2x a middling one, else max. */
	KT_EXPECT_EQ(ra_init_size(1, 32), 4UL);
	KT_EXPECT_EQ(ra_init_size(3, 32), 8UL);         /* 3 rounds up to 4, 4 <= 32/4: 2x */
	KT_EXPECT_EQ(ra_init_size(8, 32), 16UL);
	KT_EXPECT_EQ(ra_init_size(9, 32), 32UL);
	KT_EXPECT_EQ(ra_init_size(100, 32), 32UL);
	KT_EXPECT_EQ(ra_init_size(2, 256), 8UL);
	KT_EXPECT_EQ(ra_init_size(1, 2), 2UL);          /* never past the maximum */
	/* The next one: 4x while small, then 2x, then the maximum. */
	KT_EXPECT_EQ(ra_next_size(1, 32), 4UL);
	KT_EXPECT_EQ(ra_next_size(4, 32), 8UL);
	KT_EXPECT_EQ(ra_next_size(8, 32), 16UL);
	KT_EXPECT_EQ(ra_next_size(16, 32), 32UL);
	KT_EXPECT_EQ(ra_next_size(32, 32), 32UL);
	KT_EXPECT_EQ(ra_next_size(4, 256), 16UL);
}

/* Byte @i of the test files. */
static u8 ra_byte(loff_t i)
{
	return (u8)((i * 7) ^ (i >> 12));
}

/* Create @path with @pages pages of ra_byte (or zeros where @hole_from <=
 * page < @hole_to, never written: a hole), plus @tail bytes; sync it and
 * drop it from the cache. Returns the file open for reading, or NULL. */
static struct file *ra_make_file(struct kt *t, const char *path, unsigned long pages,
				 unsigned long hole_from, unsigned long hole_to, size_t tail)
{
	struct file *f = filp_open(path, O_CREAT | O_TRUNC | O_RDWR, 0644);
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	loff_t size = (loff_t)pages * PAGE_SIZE + (loff_t)tail;
	bool ok = !IS_ERR(f) && buf;

	for (unsigned long p = 0; ok && p * PAGE_SIZE < (unsigned long)size; p++) {
		loff_t pos = (loff_t)p * PAGE_SIZE;
		size_t n = (size_t)min((loff_t)PAGE_SIZE, size - pos);

		if (p >= hole_from && p < hole_to)
			continue;
		for (size_t i = 0; i < n; i++)
			buf[i] = ra_byte(pos + (loff_t)i);
		ok = kernel_write(f, buf, n, &pos) == (ssize_t)n;
	}
	if (ok && f->f_inode->i_size != size) {  /* a trailing hole */
		ok = vfs_truncate(f->f_inode, size) == 0;
	}
	kfree(buf);
	if (!IS_ERR(f))
		fput(f);
	if (!ok) {
		kt_fail(t, __FILE__, __LINE__, "could not write %s", path);
		return NULL;
	}
	ksys_sync();
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "could not open %s", path);
		return NULL;
	}
	invalidate_mapping_pages(f->f_inode->i_mapping, 0, ~0UL);
	if (f->f_inode->i_mapping->nrpages) {
		kt_fail(t, __FILE__, __LINE__, "%lu pages stayed cached", f->f_inode->i_mapping->nrpages);
		fput(f);
		return NULL;
	}
	return f;
}

/* Read page @p through read() at the file position; check its bytes
 * (zeros for pages in [hole_from, hole_to) and past @size). */
static bool ra_read_page(struct file *f, unsigned long p, loff_t size, unsigned long hole_from,
			 unsigned long hole_to)
{
	static u8 buf[PAGE_SIZE];
	loff_t pos = (loff_t)p * PAGE_SIZE;
	ssize_t want = (ssize_t)min((loff_t)PAGE_SIZE, size - pos);
	ssize_t n = kernel_read(f, buf, PAGE_SIZE, &pos);

	if (n != want)
		return false;
	for (ssize_t i = 0; i < n; i++) {
		u8 e = p >= hole_from && p < hole_to ? 0 : ra_byte((loff_t)p * PAGE_SIZE + i);

		if (buf[i] != e)
			return false;
	}
	return true;
}

static bool page_marked(struct address_space *m, unsigned long index)
{
	struct page *page = find_get_page(m, index);
	bool marked = page && PageReadahead(page);

	if (page)
		put_page(page);
	return marked;
}

/* Wait for the reads in flight (readahead's asynchronous part), then drop
 * every page of @m: a page still being read is locked, and stays. */
static void ra_drop(struct address_space *m)
{
	struct page *batch[16];
	unsigned long index = 0;
	unsigned int n;

	while ((n = find_get_pages(m, index, batch, 16)) > 0) {
		for (unsigned int i = 0; i < n; i++) {
			index = batch[i]->index + 1;
			wait_on_page_locked(batch[i]);
			put_page(batch[i]);
		}
	}
	invalidate_mapping_pages(m, 0, ~0UL);
}

static bool ra_setup(struct kt *t)
{
	int err = vfs_mkdir(RA_DIR, 0755);

	if (err && err != -EEXIST)
		kt_fail(t, __FILE__, __LINE__, "mkdir " RA_DIR ": %d", err);
	return !err || err == -EEXIST;
}

static void ra_cleanup(struct kt *t, struct file *f, const char *path)
{
	if (f)
		fput(f);
	vfs_unlink(path);
	if (vfs_rmdir(RA_DIR))
		kt_fail(t, __FILE__, __LINE__, "rmdir " RA_DIR " failed");
}

/*
 * A sequential reader, one page per read(): the first read starts a
 * window of 4 (1 wanted, 3 ahead, the first of those marked), and each
 * marker reached starts the next window right after the last, 8, 16, 32
 * pages, then 32 (the default maximum, 128 KiB) until EOF.
 */
static void kt_sequential_body(struct kt *t, struct file *f)
{
	struct address_space *m = f->f_inode->i_mapping;
	struct file_ra_state *ra = &f->f_ra;
	loff_t size = f->f_inode->i_size;

	KT_ASSERT_EQ(ra->ra_pages, 32u);
	KT_ASSERT(ra_read_page(f, 0, size, 0, 0));
	KT_EXPECT_EQ(ra->start, 0UL);
	KT_EXPECT_EQ(ra->size, 4u);
	KT_EXPECT_EQ(ra->async_size, 3u);
	KT_EXPECT_EQ(m->nrpages, 4UL);
	KT_EXPECT(page_marked(m, 1) && !page_marked(m, 2));
	KT_ASSERT(ra_read_page(f, 1, size, 0, 0));      /* the marker: the next window */
	KT_EXPECT_EQ(ra->start, 4UL);
	KT_EXPECT_EQ(ra->size, 8u);
	KT_EXPECT_EQ(ra->async_size, 8u);
	KT_EXPECT_EQ(m->nrpages, 12UL);
	KT_EXPECT(!page_marked(m, 1) && page_marked(m, 4));
	for (unsigned long p = 2; p <= 4; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(ra->start, 12UL);
	KT_EXPECT_EQ(ra->size, 16u);
	KT_EXPECT_EQ(m->nrpages, 28UL);
	for (unsigned long p = 5; p <= 12; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(ra->start, 28UL);
	KT_EXPECT_EQ(ra->size, 32u);
	KT_EXPECT_EQ(m->nrpages, 60UL);
	for (unsigned long p = 13; p <= 28; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(ra->start, 60UL);
	KT_EXPECT_EQ(ra->size, 32u);                   /* at the maximum */
	KT_EXPECT_EQ(m->nrpages, 80UL);                 /* never past EOF (80 pages) */
	for (unsigned long p = 29; p < 80; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(m->nrpages, 80UL);
}

KTEST(readahead_sequential_window)
{
	const char *path = RA_DIR "/seq";
	struct file *f;

	if (!ra_setup(t))
		return;
	f = ra_make_file(t, path, 80, 0, 0, 0);
	if (f)
		kt_sequential_body(t, f);
	ra_cleanup(t, f, path);
}

/*
 * Random reads read only what they ask for and leave the window alone;
 * a read next to the last one starts a window again. With FMODE_RANDOM
 * (POSIX_FADV_RANDOM) even sequential reads read only what they ask for;
 * with ra_pages 0 (read_ahead_kb 0) nothing is read ahead at all.
 */
static void kt_random_body(struct kt *t, struct file *f)
{
	struct address_space *m = f->f_inode->i_mapping;
	struct file_ra_state *ra = &f->f_ra;
	loff_t size = f->f_inode->i_size;
	const unsigned long order[] = { 40, 10, 55, 30, 20 };

	for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
		KT_ASSERT(ra_read_page(f, order[i], size, 0, 0));
		KT_EXPECT_EQ(m->nrpages, (unsigned long)i + 1);
		KT_EXPECT_EQ(ra->size, 0u);
	}
	KT_ASSERT(ra_read_page(f, 21, size, 0, 0));     /* right after the last read */
	KT_EXPECT_EQ(ra->start, 21UL);
	KT_EXPECT_EQ(ra->size, 4u);
	KT_EXPECT_EQ(m->nrpages, 9UL);

	ra_drop(m);
	KT_ASSERT_EQ(m->nrpages, 0UL);
	__atomic_fetch_or(&f->f_mode, FMODE_RANDOM, __ATOMIC_RELAXED);
	for (unsigned long p = 0; p < 6; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(m->nrpages, 6UL);
	__atomic_fetch_and(&f->f_mode, ~FMODE_RANDOM, __ATOMIC_RELAXED);

	ra_drop(m);
	KT_ASSERT_EQ(m->nrpages, 0UL);
	WRITE_ONCE(ra->ra_pages, 0u);
	for (unsigned long p = 0; p < 6; p++)
		KT_ASSERT(ra_read_page(f, p, size, 0, 0));
	KT_EXPECT_EQ(m->nrpages, 6UL);
}

KTEST(readahead_random_reads)
{
	const char *path = RA_DIR "/rand";
	struct file *f;

	if (!ra_setup(t))
		return;
	f = ra_make_file(t, path, 64, 0, 0, 0);
	if (f)
		kt_random_body(t, f);
	ra_cleanup(t, f, path);
}

/*
 * fs/mpage.c's bytes: a hole in the middle reads as zeros, and so do the
 * bytes of the last page past EOF; a window over them all, read in one
 * large read() (the window grows to the request), gives every byte right.
 */
static void kt_holes_body(struct kt *t, struct file *f)
{
	struct address_space *m = f->f_inode->i_mapping;
	loff_t size = f->f_inode->i_size;
	struct page *page;
	char *data;

	KT_ASSERT(ra_read_page(f, 0, size, 5, 9));
	KT_EXPECT_EQ(m->nrpages, 4UL);
	for (unsigned long p = 1; p <= 12; p++)
		KT_ASSERT(ra_read_page(f, p, size, 5, 9));
	KT_EXPECT_EQ(m->nrpages, 13UL);                 /* 12 pages and a part */
	page = find_get_page(m, 12);
	KT_ASSERT(page);
	wait_on_page_locked(page);
	data = page_address(page);
	KT_EXPECT(PageUptodate(page));
	KT_EXPECT(!memchr_inv(data + 100, 0, PAGE_SIZE - 100));
	put_page(page);
}

KTEST(readahead_holes_and_eof)
{
	const char *path = RA_DIR "/holes";
	struct file *f;

	if (!ra_setup(t))
		return;
	f = ra_make_file(t, path, 12, 5, 9, 100);
	if (f)
		kt_holes_body(t, f);
	ra_cleanup(t, f, path);
}

/*
 * fs/mpage.c maps a run of blocks per walk (ext2_map_blocks): the run
 * must end where the file's blocks stop following each other on the disk,
 * and where a block-map array ends (direct -> single-indirect at file
 * block 12, single -> double at 268 with 1 KiB blocks). Two files written
 * a page at a time in turn get their blocks in alternating runs of four;
 * read back through readahead in 64 KiB read()s, each must read its own
 * bytes. (A run carried past its end would read the other file's.)
 */
KTEST(readahead_fragmented_file)
{
	const char *pa = RA_DIR "/frag-a", *pb = RA_DIR "/frag-b";
	const unsigned long pages = 80;         /* 320 blocks: past 268 */
	struct file *a, *b;
	u8 *buf = kmalloc(16 * PAGE_SIZE, GFP_KERNEL);
	u64 b3 = 0, b4 = 0;
	unsigned long read_ahead;
	bool ok = true;

	if (!ra_setup(t))
		return;
	a = filp_open(pa, O_CREAT | O_TRUNC | O_RDWR, 0644);
	b = filp_open(pb, O_CREAT | O_TRUNC | O_RDWR, 0644);
	KT_ASSERT(!IS_ERR(a) && !IS_ERR(b) && buf);
	for (unsigned long p = 0; p < pages && ok; p++) {
		loff_t pos = (loff_t)p * PAGE_SIZE, pos2 = pos;

		for (size_t i = 0; i < PAGE_SIZE; i++)
			buf[i] = ra_byte(pos + (loff_t)i);
		ok = kernel_write(a, buf, PAGE_SIZE, &pos) == PAGE_SIZE;
		for (size_t i = 0; i < PAGE_SIZE; i++)
			buf[i] = (u8)~buf[i];
		ok = ok && kernel_write(b, buf, PAGE_SIZE, &pos2) == PAGE_SIZE;
	}
	KT_ASSERT(ok);
	ksys_sync();
	/* The layout the test needs: a's page 0 and page 1 not adjacent. */
	KT_EXPECT(ext2_get_block(a->f_inode, 3, &b3, false) == 0 &&
		  ext2_get_block(a->f_inode, 4, &b4, false) == 0 && b3 && b4 && b4 != b3 + 1);
	ra_drop(a->f_inode->i_mapping);
	ra_drop(b->f_inode->i_mapping);
	KT_ASSERT_EQ(a->f_inode->i_mapping->nrpages, 0UL);
	read_ahead = vm_event_read(FL_READAHEAD_PAGES);
	for (unsigned long p = 0; p < pages; p += 16) {
		loff_t pos = (loff_t)p * PAGE_SIZE;

		KT_ASSERT_EQ(kernel_read(a, buf, 16 * PAGE_SIZE, &pos), (ssize_t)(16 * PAGE_SIZE));
		for (size_t i = 0; i < 16 * PAGE_SIZE && ok; i++)
			ok = buf[i] == ra_byte((loff_t)p * PAGE_SIZE + (loff_t)i);
	}
	KT_EXPECT(ok);
	KT_EXPECT(vm_event_read(FL_READAHEAD_PAGES) - read_ahead >= pages);
	fput(b);
	vfs_unlink(pb);
	fput(a);
	vfs_unlink(pa);

	/* Written alone, a file has its single-indirect block right after
	 * data block 11, and block 12 after that: a run from block 11 that
	 * went on into i_block[12] would read the indirect block as data. */
	b = ra_make_file(t, pb, 20, 0, 0, 0);
	KT_ASSERT(b);
	KT_EXPECT(ext2_get_block(b->f_inode, 11, &b3, false) == 0 &&
		  ext2_get_block(b->f_inode, 12, &b4, false) == 0 && b4 == b3 + 2);
	for (unsigned long p = 0; p < 20; p++)
		KT_EXPECT(ra_read_page(b, p, b->f_inode->i_size, 0, 0));
	kfree(buf);
	ra_cleanup(t, b, pb);
}
