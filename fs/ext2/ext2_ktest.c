/*
 * ext2 unit tests, part 1: file data (ktest=ext2_). Through the VFS
 * calls, on the root filesystem (vda, 1 KiB blocks), in the directory
 * /ktest-ext2, which each test creates and removes again: e2fsck checks
 * the image after the boot and must find it as it was. Part 2, the
 * namespace tests and the corrupt images, is ext2_dir_ktest.c.
 *
 * Each test is a body (which may stop early with KT_ASSERT) between a
 * setup and a cleanup that always runs, so one failure does not leave
 * files behind for the next test to trip over.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/ext2.h>
#include <mm/slab.h>
#include <mm/vmscan.h>
#include <mm/writeback.h>
#include "ext2_ktest.h"

#define KT_CHUNK (64 * 1024)

/* ---- helpers ------------------------------------------------------------------- */

bool ext2_kt_setup(struct kt *t)
{
	int err = vfs_mkdir(KT_DIR, 0755);

	if (err && err != -EEXIST)
		kt_fail(t, __FILE__, __LINE__, "mkdir " KT_DIR ": %d", err);
	return !err || err == -EEXIST;
}

void ext2_kt_teardown(struct kt *t)
{
	int err = vfs_rmdir(KT_DIR);

	if (err)
		kt_fail(t, __FILE__, __LINE__, "rmdir " KT_DIR ": %d (left something behind)", err);
}

/*
 * The filesystem's counts once nothing is in flight. The periodic flusher
 * holds a reference to each inode it walks (for_each_sb_inode), so a file
 * unlinked meanwhile is freed, and its inode counted free, only when the
 * walk lets it go: on a slow or loaded machine a test saw f_ffree off by
 * one. ksys_sync() waits for such a walk (both take sb_lock), and its own
 * walk drops its references before it returns.
 */
struct kstatfs ext2_kt_statfs(void)
{
	struct kstatfs st;

	ksys_sync();
	vfs_statfs(root_sb(), &st);
	return st;
}

/* Bytes that differ with the position inside a block and with the block,
 * so data in the wrong block or at the wrong offset shows. */
static u8 kt_pattern(u64 pos, u32 seed)
{
	u64 x = ((pos >> 2) + seed) * 0x9E3779B97F4A7C15ULL;

	return (u8)(x >> 56) ^ (u8)pos;
}

static void kt_fill(u8 *buf, u64 pos, size_t len, u32 seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = kt_pattern(pos + i, seed);
}

/* The first byte of @buf that is not the pattern, or @len. */
static size_t kt_check(const u8 *buf, u64 pos, size_t len, u32 seed)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != kt_pattern(pos + i, seed))
			return i;
	return len;
}

static bool kt_all_zero(const u8 *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i])
			return false;
	return true;
}

ssize_t ext2_kt_pwrite(struct file *f, const void *buf, size_t len, loff_t pos)
{
	return kernel_write(f, buf, len, &pos);
}

ssize_t ext2_kt_pread(struct file *f, void *buf, size_t len, loff_t pos)
{
	return kernel_read(f, buf, len, &pos);
}

struct kstat ext2_kt_stat(const char *path, int *err)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	*err = vfs_stat(path, &st);
	return st;
}

/* Write everything back, then drop the clean pages and buffers, so what is
 * read next comes from the disk through the block map. */
static void kt_sync_and_drop_caches(void)
{
	ksys_sync();
	shrink_all_memory();
	invalidate_bdev(root_sb()->s_bdev);
}

/* Indirect blocks needed to map file blocks 0..@n-1 with @p pointers per
 * block: the test's own count, to check i_blocks against. */
static u64 kt_indirect_blocks(u64 n, u64 p)
{
	u64 meta = 0;

	if (n > 12)
		meta += 1;
	if (n > 12 + p)
		meta += 1 + DIV_ROUND_UP(min(n - 12 - p, p * p), p);
	if (n > 12 + p + p * p) {
		u64 rest = n - 12 - p - p * p;

		meta += 1 + DIV_ROUND_UP(rest, p * p) + DIV_ROUND_UP(rest, p);
	}
	return meta;
}

void ext2_kt_write_small(struct kt *t, const char *path, const char *text)
{
	struct file *f = filp_open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);

	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(ext2_kt_pwrite(f, text, strlen(text), 0), (ssize_t)strlen(text));
	fput(f);
}

/* Does @path hold exactly @text? */
bool ext2_kt_has_text(const char *path, const char *text)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	char buf[32];
	ssize_t n;

	if (IS_ERR(f))
		return false;
	n = ext2_kt_pread(f, buf, sizeof(buf), 0);
	fput(f);
	return n == (ssize_t)strlen(text) && memcmp(buf, text, (size_t)n) == 0;
}

/* ---- create, write, read, unlink -------------------------------------------------- */

static void kt_basic_body(struct kt *t, u8 *buf, struct kstatfs *before)
{
	unsigned long bs = root_sb()->s_blocksize;
	struct file *f = filp_open(KT_DIR "/hello", O_CREAT | O_EXCL | O_RDWR, 0644);
	struct kstat st;
	int err;

	KT_ASSERT(!IS_ERR(f));
	kt_fill(buf, 0, 5000, 1);
	KT_EXPECT_EQ(ext2_kt_pwrite(f, buf, 5000, 0), 5000);
	memset(buf, 0, 8192);
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, 8192, 0), 5000);
	KT_EXPECT_EQ(kt_check(buf, 0, 5000, 1), 5000);
	fput(f);
	KT_EXPECT_EQ(PTR_ERR(filp_open(KT_DIR "/hello", O_CREAT | O_EXCL | O_RDWR, 0644)), -EEXIST);

	kt_sync_and_drop_caches();              /* read it again from the disk */
	f = filp_open(KT_DIR "/hello", O_RDONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	memset(buf, 0, 8192);
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, 8192, 0), 5000);
	KT_EXPECT_EQ(kt_check(buf, 0, 5000, 1), 5000);
	fput(f);

	st = ext2_kt_stat(KT_DIR "/hello", &err);
	KT_EXPECT_EQ(err, 0);
	KT_EXPECT_EQ(st.mode, S_IFREG | 0644);
	KT_EXPECT_EQ(st.size, 5000);
	KT_EXPECT_EQ(st.nlink, 1);
	KT_EXPECT_EQ(st.blocks, DIV_ROUND_UP(5000, bs) * (bs / 512));
	KT_EXPECT(st.mtime.tv_sec > 0 && st.ctime.tv_sec > 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before->f_ffree - 1);

	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/hello"), 0);
	ext2_kt_stat(KT_DIR "/hello", &err);
	KT_EXPECT_EQ(err, -ENOENT);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before->f_bfree);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before->f_ffree);
}

KTEST(ext2_file_basic)
{
	u8 *buf = kmalloc(8192, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(buf && root_sb());
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_basic_body(t, buf, &before);
	vfs_unlink(KT_DIR "/hello");
	ext2_kt_teardown(t);
	kfree(buf);
}

/* ---- a sparse file with data at every level of the block map --------------------- */

struct kt_extent {
	u64 pos;
	u32 len;
	u32 seed;
};

/* Compare a chunk read at @pos with the extents written (zeros elsewhere). */
static bool kt_check_sparse(const u8 *buf, u64 pos, size_t len, const struct kt_extent *ext,
			    unsigned int n)
{
	for (size_t i = 0; i < len; ) {
		u64 p = pos + i;
		size_t run = len - i;
		const struct kt_extent *in = NULL;

		for (unsigned int e = 0; e < n; e++) {
			if (p >= ext[e].pos && p < ext[e].pos + ext[e].len)
				in = &ext[e];
			else if (ext[e].pos > p && ext[e].pos - p < run)
				run = (size_t)(ext[e].pos - p);
		}
		if (in)
			run = min(run, (size_t)(in->pos + in->len - p));
		if (in ? kt_check(buf + i, p, run, in->seed) != run : !kt_all_zero(buf + i, run))
			return false;
		i += run;
	}
	return true;
}

static void kt_write_extents(struct kt *t, struct file *f, u8 *buf, const struct kt_extent *ext,
			     unsigned int n)
{
	for (unsigned int e = 0; e < n; e++) {
		kt_fill(buf, ext[e].pos, ext[e].len, ext[e].seed);
		KT_EXPECT_EQ(ext2_kt_pwrite(f, buf, ext[e].len, (loff_t)ext[e].pos), ext[e].len);
	}
}

static void kt_sparse_body(struct kt *t, u8 *buf)
{
	u64 bs = root_sb()->s_blocksize, p = bs / 4;
	/* Page-aligned 4 KiB writes: one in each range (direct, single,
	 * double, triple), so i_blocks is exactly predictable... */
	u64 lb[4] = { 4, 12 + p / 2, 12 + p + p * p / 2 + 4, 12 + p + p * p + 1024 };
	struct kt_extent ext[8];
	u64 size, blocks;
	struct kstat st;
	struct file *f;
	int err;

	for (int i = 0; i < 4; i++) {
		lb[i] = ALIGN_DOWN(lb[i], PAGE_SIZE / bs);
		ext[i] = (struct kt_extent){ lb[i] * bs, PAGE_SIZE, 10 + i };
	}
	/* ... then unaligned ones, crossing blocks, elsewhere in each range. */
	for (int i = 0; i < 4; i++)
		ext[4 + i] = (struct kt_extent){ (lb[i] + 8) * bs + 100, 3000, 20 + i };
	f = filp_open(KT_DIR "/sparse", O_CREAT | O_RDWR, 0644);
	KT_ASSERT(!IS_ERR(f));
	kt_write_extents(t, f, buf, ext, 4);
	st = ext2_kt_stat(KT_DIR "/sparse", &err);
	blocks = 4 * (PAGE_SIZE / bs) + 1 + 2 + 3;      /* data, then 1, 2, 3 indirect */
	KT_EXPECT_EQ(st.blocks, blocks * (bs / 512));
	kt_write_extents(t, f, buf, ext + 4, 4);
	size = ext[7].pos + ext[7].len;
	kt_sync_and_drop_caches();
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/sparse", &err).size, size);
	for (u64 pos = 0; pos < size; pos += KT_CHUNK) {
		size_t len = (size_t)min((u64)KT_CHUNK, size - pos);

		KT_ASSERT(ext2_kt_pread(f, buf, len, (loff_t)pos) == (ssize_t)len);
		if (!kt_check_sparse(buf, pos, len, ext, 8)) {
			kt_fail(t, __FILE__, __LINE__, "wrong data in [%llu, +%zu)",
				(unsigned long long)pos, len);
			break;
		}
	}
	fput(f);
}

KTEST(ext2_sparse_levels)
{
	u8 *buf = kmalloc(KT_CHUNK, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(buf);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_sparse_body(t, buf);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/sparse"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	ext2_kt_teardown(t);
	kfree(buf);
}

/* ---- a dense 70 MiB file: written, read back, truncated to nothing --------------- */

#define KT_DENSE_SIZE (70ULL << 20)

static void kt_dense_body(struct kt *t, u8 *buf, struct kstatfs *before)
{
	u64 bs = root_sb()->s_blocksize, nblocks = KT_DENSE_SIZE / bs;
	struct file *f = filp_open(KT_DIR "/dense", O_CREAT | O_RDWR, 0644);
	struct inode *inode;
	u64 sum_w = 0, sum_r = 0;
	int err;

	KT_ASSERT(!IS_ERR(f));
	for (u64 pos = 0; pos < KT_DENSE_SIZE; pos += KT_CHUNK) {
		kt_fill(buf, pos, KT_CHUNK, 7);
		for (size_t i = 0; i < KT_CHUNK; i++)
			sum_w = sum_w * 31 + buf[i];
		if (ext2_kt_pwrite(f, buf, KT_CHUNK, (loff_t)pos) != KT_CHUNK) {
			kt_fail(t, __FILE__, __LINE__, "short write at %llu", (unsigned long long)pos);
			break;
		}
	}
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/dense", &err).blocks,
		     (nblocks + kt_indirect_blocks(nblocks, bs / 4)) * (bs / 512));
	kt_sync_and_drop_caches();
	for (u64 pos = 0; pos < KT_DENSE_SIZE; pos += KT_CHUNK) {
		KT_ASSERT(ext2_kt_pread(f, buf, KT_CHUNK, (loff_t)pos) == KT_CHUNK);
		for (size_t i = 0; i < KT_CHUNK; i++)
			sum_r = sum_r * 31 + buf[i];
	}
	KT_EXPECT_EQ(sum_r, sum_w);
	inode = f->f_inode;
	KT_EXPECT_EQ(vfs_truncate(inode, 0), 0);
	KT_EXPECT_EQ(inode->i_blocks, 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before->f_bfree);
	fput(f);
}

KTEST(ext2_dense_70m)
{
	u8 *buf = kmalloc(KT_CHUNK, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(buf);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_dense_body(t, buf, &before);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/dense"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	ext2_kt_teardown(t);
	kfree(buf);
}

/* ---- truncate into the middle of a block, then up again --------------------------- */

static void kt_truncate_body(struct kt *t, u8 *buf)
{
	unsigned long bs = root_sb()->s_blocksize;
	struct file *f = filp_open(KT_DIR "/trunc", O_CREAT | O_RDWR, 0644);
	loff_t cut = 5500;                      /* inside a block with 1, 2 or 4 KiB blocks */
	struct inode *inode;
	int err;

	KT_ASSERT(!IS_ERR(f));
	inode = f->f_inode;
	kt_fill(buf, 0, 10000, 3);
	KT_ASSERT(ext2_kt_pwrite(f, buf, 10000, 0) == 10000);
	/* The page is not cached when the size drops: the stale bytes past
	 * the cut are on the disk only, and must be zeroed there. */
	kt_sync_and_drop_caches();
	KT_EXPECT_EQ(vfs_truncate(inode, cut), 0);
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/trunc", &err).blocks, DIV_ROUND_UP(cut, bs) * (bs / 512));
	kt_sync_and_drop_caches();
	KT_EXPECT_EQ(vfs_truncate(inode, 9000), 0);
	memset(buf, 0xaa, 10000);
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, 10000, 0), 9000);
	KT_EXPECT_EQ(kt_check(buf, 0, cut, 3), cut);
	KT_EXPECT(kt_all_zero(buf + cut, 9000 - cut));
	/* And once more, through the page cache only. */
	KT_EXPECT_EQ(vfs_truncate(inode, 100), 0);
	KT_EXPECT_EQ(vfs_truncate(inode, 3000), 0);
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, 10000, 0), 3000);
	KT_EXPECT_EQ(kt_check(buf, 0, 100, 3), 100);
	KT_EXPECT(kt_all_zero(buf + 100, 2900));
	fput(f);
}

KTEST(ext2_truncate_mid_block)
{
	u8 *buf = kmalloc(10000, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(buf);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_truncate_body(t, buf);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/trunc"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	ext2_kt_teardown(t);
	kfree(buf);
}

/* ---- the errors of names and sizes -------------------------------------------------- */

static void kt_name_errors(struct kt *t, char *path)
{
	size_t base = strlen(KT_DIR "/");
	struct file *f;

	memcpy(path, KT_DIR "/", base);
	memset(path + base, 'n', 256);
	path[base + 256] = '\0';
	KT_EXPECT_EQ(PTR_ERR(filp_open(path, O_CREAT | O_WRONLY, 0644)), -ENAMETOOLONG);
	path[base + 255] = '\0';                /* 255 bytes: the longest name */
	f = filp_open(path, O_CREAT | O_WRONLY, 0644);
	KT_EXPECT(!IS_ERR(f));
	if (!IS_ERR(f))
		fput(f);
	KT_EXPECT_EQ(vfs_unlink(path), 0);

	ext2_kt_write_small(t, KT_DIR "/file", "x");
	KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/dir", 0755), 0);
	ext2_kt_write_small(t, KT_DIR "/dir/inner", "y");
	KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/dir", 0755), -EEXIST);
	KT_EXPECT_EQ(PTR_ERR(filp_open(KT_DIR "/file", O_CREAT | O_EXCL | O_WRONLY, 0)), -EEXIST);
	KT_EXPECT_EQ(PTR_ERR(filp_open(KT_DIR "/file/x", O_CREAT | O_WRONLY, 0)), -ENOTDIR);
	KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/file/d", 0755), -ENOTDIR);
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/file"), -ENOTDIR);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/dir"), -EISDIR);
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/dir"), -ENOTEMPTY);
	KT_EXPECT_EQ(PTR_ERR(filp_open(KT_DIR "/nonexistent", O_RDONLY, 0)), -ENOENT);
}

/* EMLINK without 32000 real links: pretend the count is near the limit. */
static void kt_emlink(struct kt *t, const char *path, bool dir)
{
	struct inode *inode = namei(path);
	unsigned int saved;

	KT_ASSERT(!IS_ERR(inode));
	inode_lock(inode);
	saved = inode->i_nlink;
	inode->i_nlink = EXT2_LINK_MAX - 1;
	inode_unlock(inode);
	if (dir) {
		KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/dir/sub", 0755), 0);
		KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/dir/sub2", 0755), -EMLINK);
		KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/dir/sub"), 0);
	} else {
		KT_EXPECT_EQ(vfs_link(path, KT_DIR "/l1"), 0);
		KT_EXPECT_EQ(vfs_link(path, KT_DIR "/l2"), -EMLINK);
		KT_EXPECT_EQ(vfs_unlink(KT_DIR "/l1"), 0);
	}
	inode_lock(inode);
	KT_EXPECT_EQ(inode->i_nlink, EXT2_LINK_MAX - 1);
	inode->i_nlink = saved;
	mark_inode_dirty(inode);
	inode_unlock(inode);
	iput(inode);
}

/* The last byte the format can hold, mapped through a triple-indirect
 * chain; one byte further is -EFBIG. */
static void kt_efbig(struct kt *t)
{
	loff_t max = root_sb()->s_maxbytes;
	unsigned long bs = root_sb()->s_blocksize;
	struct file *f = filp_open(KT_DIR "/big", O_CREAT | O_RDWR, 0644);
	char c = 0;
	int err;

	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(ext2_kt_pwrite(f, "zz", 2, max), -EFBIG);
	KT_EXPECT_EQ(ext2_kt_pwrite(f, "zz", 2, max - 1), 1);
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/big", &err).size, max);
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/big", &err).blocks, 4 * (bs / 512));
	KT_EXPECT_EQ(ext2_kt_pread(f, &c, 1, max - 1), 1);
	KT_EXPECT_EQ(c, 'z');
	KT_EXPECT_EQ(ext2_kt_pread(f, &c, 1, max - 2), 1);
	KT_EXPECT_EQ(c, 0);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, max + 1), -EFBIG);
	fput(f);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/big"), 0);
}

KTEST(ext2_errors)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(path);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_name_errors(t, path);
	kt_emlink(t, KT_DIR "/file", false);
	kt_emlink(t, KT_DIR "/dir", true);
	kt_efbig(t);
	vfs_unlink(KT_DIR "/dir/inner");
	vfs_unlink(KT_DIR "/file");
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/dir"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	ext2_kt_teardown(t);
	kfree(path);
}

/* ---- a full disk -------------------------------------------------------------------- */

/*
 * With the disk full, free two blocks and write a whole page to a new
 * file: with blocks smaller than a page, the first blocks are allocated
 * and a later one fails. The write gets -ENOSPC and must leave no block
 * behind past the (unchanged) end of the file.
 */
static void kt_enospc_partial_page(struct kt *t, struct file *fill, loff_t size, u8 *buf)
{
	unsigned long bs = root_sb()->s_blocksize;
	struct file *f;
	u64 bfree;

	KT_EXPECT_EQ(vfs_truncate(fill->f_inode, size - 2 * bs), 0);
	bfree = ext2_kt_statfs().f_bfree;
	KT_EXPECT(bfree >= 2);
	f = filp_open(KT_DIR "/page", O_CREAT | O_RDWR, 0644);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(ext2_kt_pwrite(f, buf, PAGE_SIZE, 0),
		     bfree >= PAGE_SIZE / bs ? (ssize_t)PAGE_SIZE : -ENOSPC);
	if (bfree < PAGE_SIZE / bs) {
		KT_EXPECT_EQ(f->f_inode->i_blocks, 0);
		KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, bfree);
	}
	fput(f);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/page"), 0);
}

static void kt_enospc_body(struct kt *t, u8 *buf)
{
	unsigned long bs = root_sb()->s_blocksize;
	struct file *f = filp_open(KT_DIR "/fill", O_CREAT | O_RDWR, 0644);
	loff_t pos = 0;
	ssize_t n = 0;
	int err;

	KT_ASSERT(!IS_ERR(f));
	memset(buf, 0x5a, KT_CHUNK);
	while ((n = ext2_kt_pwrite(f, buf, KT_CHUNK, pos)) > 0)
		pos += n;
	KT_EXPECT_EQ(n, -ENOSPC);
	KT_EXPECT(pos > 0);
	KT_EXPECT(ext2_kt_statfs().f_bfree < 16);       /* at most what an indirect block needed */
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/fill", &err).size, pos);
	/* No block past the end: exactly the data and the indirect blocks. */
	KT_EXPECT_EQ(f->f_inode->i_blocks,
		     (DIV_ROUND_UP(pos, bs) + kt_indirect_blocks(DIV_ROUND_UP(pos, bs), bs / 4)) *
		     (bs / 512));
	KT_EXPECT_EQ(vfs_fsync(f, false), 0);   /* everything written was given blocks */
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, KT_CHUNK, pos - KT_CHUNK), KT_CHUNK);
	KT_EXPECT(buf[0] == 0x5a && buf[KT_CHUNK - 1] == 0x5a);
	kt_enospc_partial_page(t, f, pos, buf);
	fput(f);
}

KTEST(ext2_enospc)
{
	u8 *buf = kmalloc(KT_CHUNK, GFP_KERNEL);
	struct kstatfs before;

	KT_ASSERT(buf);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_enospc_body(t, buf);
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/fill"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	ext2_kt_teardown(t);
	kfree(buf);
}

/* ---- the counters on disk -------------------------------------------------------------- */

/* After a sync, the superblock and group descriptors on the device (read
 * with the block layer, past every cache) agree with statfs. */
static void kt_check_disk_counters(struct kt *t, struct block_device *bdev, void *buf)
{
	struct ext2_super_block *es = buf;
	struct kstatfs st;
	u32 bs, groups, gdb, free_blocks = 0, free_inodes = 0;

	KT_EXPECT_EQ(ksys_sync(), 0);
	st = ext2_kt_statfs();
	KT_ASSERT(blkdev_rw(bdev, BLK_READ, 2, buf, 2) == 0);
	KT_ASSERT(es->s_magic == EXT2_SUPER_MAGIC);
	KT_EXPECT_EQ(es->s_free_blocks_count, st.f_bfree);
	KT_EXPECT_EQ(es->s_free_inodes_count, st.f_ffree);
	bs = 1024u << es->s_log_block_size;
	groups = DIV_ROUND_UP(es->s_blocks_count - es->s_first_data_block, es->s_blocks_per_group);
	gdb = es->s_first_data_block + 1;
	KT_ASSERT(groups * sizeof(struct ext2_group_desc) <= 4096 - bs % 4096);
	KT_ASSERT(blkdev_rw(bdev, BLK_READ, (u64)gdb * (bs / 512), buf, 4096 / 512) == 0);
	for (u32 g = 0; g < groups; g++) {
		struct ext2_group_desc *gd = (struct ext2_group_desc *)buf + g;

		free_blocks += gd->bg_free_blocks_count;
		free_inodes += gd->bg_free_inodes_count;
	}
	KT_EXPECT_EQ(free_blocks, st.f_bfree);
	KT_EXPECT_EQ(free_inodes, st.f_ffree);
}

KTEST(ext2_counters_on_disk)
{
	struct block_device *bdev = blkdev_get("vda");
	void *buf = kmalloc(4096, GFP_KERNEL);
	u8 data[3000];

	KT_ASSERT(buf && bdev && root_sb() && root_sb()->s_bdev == bdev);
	KT_ASSERT(ext2_kt_setup(t));
	kt_check_disk_counters(t, bdev, buf);
	memset(data, 1, sizeof(data));
	ext2_kt_write_small(t, KT_DIR "/c", "counted");
	{
		struct file *f = filp_open(KT_DIR "/c", O_WRONLY, 0);

		KT_ASSERT(!IS_ERR(f));
		KT_EXPECT_EQ(ext2_kt_pwrite(f, data, sizeof(data), 20000), (ssize_t)sizeof(data));
		fput(f);
	}
	kt_check_disk_counters(t, bdev, buf);   /* a file and blocks more */
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/c"), 0);
	ext2_kt_teardown(t);
	kt_check_disk_counters(t, bdev, buf);   /* and gone again */
	kfree(buf);
}

