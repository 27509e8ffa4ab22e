/*
 * ktests for the VFS and the page cache, on the root filesystem: path
 * lookup errors, open flags, coherence of two open files of one inode,
 * size changes, write-back that really reaches the disk, and persistence
 * across boots (with "persist=write" / "persist=check" from tests/run.py).
 *
 * Every test works under /ktest-vfs and removes what it creates, so the
 * disk image is as before (e2fsck checks it after the run).
 */
#include <kernel/cmdline.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/slab.h>
#include <mm/vmscan.h>
#include <mm/writeback.h>

#define DIR "/ktest-vfs"

static bool have_root(struct kt *t)
{
	if (root_sb())
		return true;
	kt_fail(t, __FILE__, __LINE__, "no root filesystem mounted");
	return false;
}

static struct file *open_or_fail(struct kt *t, const char *path, unsigned int flags)
{
	struct file *f = filp_open(path, flags, 0644);

	if (IS_ERR(f)) {
		kt_fail(t, __FILE__, __LINE__, "open %s: error %ld", path, PTR_ERR(f));
		return NULL;
	}
	return f;
}

static long open_err(const char *path, unsigned int flags)
{
	struct file *f = filp_open(path, flags, 0644);

	if (IS_ERR(f))
		return PTR_ERR(f);
	fput(f);
	return 0;
}

static void setup_dir(void)
{
	vfs_mkdir(DIR, 0755);
}

KTEST(vfs_lookup_errors)
{
	static char longname[300];

	if (!have_root(t))
		return;
	setup_dir();
	KT_EXPECT_EQ(open_err(DIR "/missing", O_RDONLY), -ENOENT);
	KT_EXPECT_EQ(open_err("", O_RDONLY), -ENOENT);
	KT_EXPECT_EQ(open_err(DIR, O_RDWR), -EISDIR);
	KT_EXPECT_EQ(open_err(DIR "/f", O_CREAT | O_WRONLY), 0);
	KT_EXPECT_EQ(open_err(DIR "/f", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
	KT_EXPECT_EQ(open_err(DIR "/f/x", O_RDONLY), -ENOTDIR);
	KT_EXPECT_EQ(open_err(DIR "/f/", O_RDONLY), -ENOTDIR);
	KT_EXPECT_EQ(open_err(DIR "/f", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	memset(longname, 'n', sizeof(longname) - 1);
	KT_EXPECT_EQ(open_err(longname, O_RDONLY), -ENAMETOOLONG);
	KT_EXPECT_EQ(vfs_mkdir(DIR "/f", 0755), -EEXIST);
	KT_EXPECT_EQ(vfs_rmdir(DIR "/f"), -ENOTDIR);
	KT_EXPECT_EQ(vfs_unlink(DIR), -EISDIR);
	KT_EXPECT_EQ(vfs_rmdir("/"), -EBUSY);
	KT_EXPECT_EQ(vfs_rmdir(DIR "/."), -EINVAL);
	KT_EXPECT_EQ(vfs_link(DIR, DIR "/dirlink"), -EPERM);
	KT_EXPECT_EQ(vfs_unlink(DIR "/f"), 0);
	KT_EXPECT_EQ(vfs_unlink(DIR "/f"), -ENOENT);
	KT_EXPECT_EQ(vfs_rmdir(DIR), 0);
}

/* A corrupted free map can offer a filesystem a number whose inode is
 * live in the cache: new_inode() must refuse it (-EBUSY), not panic. */
KTEST(vfs_new_inode_refuses_a_cached_number)
{
	struct inode *root, *again;

	if (!have_root(t))
		return;
	root = root_sb()->s_root;
	again = new_inode(root_sb(), root->i_ino);
	KT_EXPECT(IS_ERR(again) && PTR_ERR(again) == -EBUSY);
	if (!IS_ERR(again))
		iput(again);
}

KTEST(vfs_rename_into_own_subtree_einval)
{
	if (!have_root(t))
		return;
	setup_dir();
	KT_ASSERT(vfs_mkdir(DIR "/a", 0755) == 0);
	KT_ASSERT(vfs_mkdir(DIR "/a/b", 0755) == 0);
	KT_EXPECT_EQ(vfs_rename(DIR "/a", DIR "/a/b/c"), -EINVAL);
	KT_EXPECT_EQ(vfs_rename(DIR "/a/b", DIR "/a"), -ENOTEMPTY);     /* over its own parent */
	KT_EXPECT_EQ(vfs_rename(DIR "/a", DIR "/a"), 0);       /* same name: no-op */
	KT_EXPECT_EQ(vfs_rmdir(DIR "/a/b"), 0);
	KT_EXPECT_EQ(vfs_rmdir(DIR "/a"), 0);
	KT_EXPECT_EQ(vfs_rmdir(DIR), 0);
}

/* Two opens of one file share its page cache: a write through one is read
 * through the other at once, without any sync. */
KTEST(vfs_two_files_one_inode_coherent)
{
	struct file *a, *b;
	char buf[16] = { 0 };
	loff_t pa = 0, pb = 0;

	if (!have_root(t))
		return;
	setup_dir();
	a = open_or_fail(t, DIR "/shared", O_CREAT | O_RDWR);
	b = open_or_fail(t, DIR "/shared", O_RDWR);
	if (a && b) {
		KT_EXPECT_EQ(kernel_write(a, "hello, world", 12, &pa), 12);
		KT_EXPECT_EQ(kernel_read(b, buf, sizeof(buf), &pb), 12);
		KT_EXPECT(memcmp(buf, "hello, world", 12) == 0);
		pb = 7;
		KT_EXPECT_EQ(kernel_write(b, "there", 5, &pb), 5);
		pa = 0;
		KT_EXPECT_EQ(kernel_read(a, buf, sizeof(buf), &pa), 12);
		KT_EXPECT(memcmp(buf, "hello, there", 12) == 0);
		KT_EXPECT(a->f_inode == b->f_inode);
	}
	fput(a);
	fput(b);
	vfs_unlink(DIR "/shared");
	vfs_rmdir(DIR);
}

KTEST(vfs_append_trunc_and_seek)
{
	struct file *f;
	char buf[32];
	loff_t pos = 0;
	struct kstat st;

	if (!have_root(t))
		return;
	setup_dir();
	f = open_or_fail(t, DIR "/log", O_CREAT | O_WRONLY | O_APPEND);
	if (f) {
		KT_EXPECT_EQ(kernel_write(f, "one ", 4, &pos), 4);
		pos = 0;                        /* O_APPEND ignores the position */
		KT_EXPECT_EQ(kernel_write(f, "two", 3, &pos), 3);
		KT_EXPECT_EQ(pos, 7);
		KT_EXPECT_EQ(vfs_llseek(f, 0, SEEK_END), 7);
		KT_EXPECT_EQ(vfs_llseek(f, -8, SEEK_END), -EINVAL);
		KT_EXPECT_EQ(vfs_llseek(f, 0, 42), -EINVAL);
		pos = 0;
		KT_EXPECT_EQ(kernel_read(f, buf, 4, &pos), -EBADF);      /* write-only */
		fput(f);
	}
	f = open_or_fail(t, DIR "/log", O_RDWR | O_TRUNC);
	if (f) {
		KT_EXPECT(vfs_stat(DIR "/log", &st) == 0 && st.size == 0);
		pos = 0;
		KT_EXPECT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 0);         /* EOF */
		fput(f);
	}
	vfs_unlink(DIR "/log");
	vfs_rmdir(DIR);
}

/* A write past EOF leaves a hole that reads as zeros; shrinking then
 * growing again shows zeros, not the old bytes. */
KTEST(vfs_holes_and_size_changes)
{
	struct file *f;
	static char buf[3 * 4096];
	loff_t pos;
	bool zeros = true;

	if (!have_root(t))
		return;
	setup_dir();
	f = open_or_fail(t, DIR "/holey", O_CREAT | O_RDWR);
	if (!f)
		return;
	pos = 10000;
	KT_EXPECT_EQ(kernel_write(f, "X", 1, &pos), 1);
	pos = 0;
	KT_EXPECT_EQ(kernel_read(f, buf, sizeof(buf), &pos), 10001);
	for (int i = 0; i < 10000; i++)
		if (buf[i])
			zeros = false;
	KT_EXPECT(zeros && buf[10000] == 'X');
	pos = 0;
	KT_EXPECT_EQ(kernel_write(f, "abcdefgh", 8, &pos), 8);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, 3), 0);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, 8), 0);
	pos = 0;
	memset(buf, 0x55, 16);
	KT_EXPECT_EQ(kernel_read(f, buf, 16, &pos), 8);
	KT_EXPECT(memcmp(buf, "abc\0\0\0\0\0", 8) == 0);
	KT_EXPECT_EQ(vfs_truncate(f->f_inode, -1), -EINVAL);
	fput(f);
	vfs_unlink(DIR "/holey");
	vfs_rmdir(DIR);
}

/* Deterministic bytes for a file the host can check too (tests/run.py
 * computes the same sequence): xorshift64 from a fixed seed. */
static void fill_pattern(u8 *buf, size_t len, u64 *state)
{
	for (size_t i = 0; i < len; i++) {
		u64 x = *state;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		*state = x;
		buf[i] = (u8)(x >> 24);
	}
}

#define PERSIST_PATH "/persist.bin"
#define PERSIST_SIZE (4UL << 20)
#define PERSIST_SEED 0x5eed5eed5eedULL

static int write_pattern_file(const char *path, unsigned long size)
{
	struct file *f = filp_open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	u8 *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u64 state = PERSIST_SEED;
	loff_t pos = 0;
	int err = 0;

	if (IS_ERR(f) || !buf) {
		kfree(buf);
		return IS_ERR(f) ? (int)PTR_ERR(f) : -ENOMEM;
	}
	while (!err && (unsigned long)pos < size) {
		fill_pattern(buf, PAGE_SIZE, &state);
		if (kernel_write(f, buf, PAGE_SIZE, &pos) != (ssize_t)PAGE_SIZE)
			err = -EIO;
	}
	if (!err)
		err = vfs_fsync(f, false);
	fput(f);
	kfree(buf);
	return err;
}

/* 0 if @path holds exactly the pattern, else a negative errno or 1. */
static int check_pattern_file(const char *path, unsigned long size)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	u8 *want = kmalloc(PAGE_SIZE, GFP_KERNEL), *got = kmalloc(PAGE_SIZE, GFP_KERNEL);
	u64 state = PERSIST_SEED;
	loff_t pos = 0;
	int ret = 0;

	if (IS_ERR(f) || !want || !got) {
		ret = IS_ERR(f) ? (int)PTR_ERR(f) : -ENOMEM;
		goto out;
	}
	while (!ret && (unsigned long)pos < size) {
		fill_pattern(want, PAGE_SIZE, &state);
		if (kernel_read(f, got, PAGE_SIZE, &pos) != (ssize_t)PAGE_SIZE ||
		    memcmp(want, got, PAGE_SIZE))
			ret = 1;
	}
	if (!ret && f->f_inode->i_size != (loff_t)size)
		ret = 1;
out:
	if (!IS_ERR(f))
		fput(f);
	kfree(want);
	kfree(got);
	return ret;
}

/* Write, sync, then drop every cached page and inode so the read comes
 * from the disk, not from memory. */
KTEST(vfs_writeback_reaches_disk)
{
	struct page_cache_stats st;

	if (!have_root(t))
		return;
	KT_ASSERT(write_pattern_file("/ktest-wb.bin", 1UL << 20) == 0);
	KT_EXPECT_EQ(ksys_sync(), 0);
	page_cache_stats(&st);
	KT_EXPECT_EQ(st.dirty, 0);
	evict_inodes(root_sb());                /* drops the file's clean pages too */
	KT_EXPECT_EQ(check_pattern_file("/ktest-wb.bin", 1UL << 20), 0);
	KT_EXPECT_EQ(vfs_unlink("/ktest-wb.bin"), 0);
}

/*
 * Persistence across boots: with persist=write the test leaves
 * /persist.bin (4 MiB) on the disk; the host checks it with debugfs, and a
 * second boot with persist=check reads it back. Without the option it
 * writes, drops the cache, checks and removes the file in one boot.
 */
KTEST(vfs_persist_across_boots)
{
	const char *mode = kernel_param("persist");

	if (!have_root(t))
		return;
	if (mode && strcmp(mode, "check") == 0) {
		KT_EXPECT_EQ(check_pattern_file(PERSIST_PATH, PERSIST_SIZE), 0);
		return;
	}
	KT_ASSERT(write_pattern_file(PERSIST_PATH, PERSIST_SIZE) == 0);
	KT_EXPECT_EQ(ksys_sync(), 0);
	if (mode && strcmp(mode, "write") == 0)
		return;                         /* leave it for the host and the next boot */
	evict_inodes(root_sb());
	KT_EXPECT_EQ(check_pattern_file(PERSIST_PATH, PERSIST_SIZE), 0);
	KT_EXPECT_EQ(vfs_unlink(PERSIST_PATH), 0);
}

/* Memory pressure: reclaim drops clean cached pages so the allocator can
 * go on, and a reclaimed page is read back from disk intact. */
KTEST(vfs_reclaim_clean_pages)
{
	struct page_cache_stats before, after;
	unsigned long freed;

	if (!have_root(t))
		return;
	KT_ASSERT(write_pattern_file("/ktest-reclaim.bin", 1UL << 20) == 0);
	KT_EXPECT_EQ(ksys_sync(), 0);
	KT_EXPECT_EQ(check_pattern_file("/ktest-reclaim.bin", 1UL << 20), 0);
	page_cache_stats(&before);
	KT_EXPECT(before.cached >= 256);
	freed = shrink_all_memory();
	page_cache_stats(&after);
	/* freed counts buffer pages too: the cache shrank by at most that. */
	KT_EXPECT(before.cached - after.cached >= 256);
	KT_EXPECT(freed >= before.cached - after.cached);
	KT_EXPECT_EQ(check_pattern_file("/ktest-reclaim.bin", 1UL << 20), 0);
	KT_EXPECT_EQ(vfs_unlink("/ktest-reclaim.bin"), 0);
}
