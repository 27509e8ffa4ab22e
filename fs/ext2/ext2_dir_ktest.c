/*
 * ext2 unit tests, part 2: the namespace (directories of many entries,
 * rename, hard links) and corrupt images (vdd and vde, built by
 * tests/ext2_images.py). Same rules as part 1, ext2_ktest.c: everything
 * happens under /ktest-ext2 and is removed again.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <fs/ext2.h>
#include <mm/slab.h>
#include "ext2_ktest.h"

/* The disks tests/ext2_images.py's images are attached as. */
#define KT_BADMAGIC_DEV "vdd"
#define KT_CORRUPT_DEV  "vde"

/* ---- a directory of 500 entries ---------------------------------------------------- */

#define KT_NDIRENT 500

struct kt_dirscan {
	struct dir_context ctx;
	u8 seen[KT_NDIRENT];                    /* times each "eNNN" was reported */
	unsigned int others;                    /* anything else but "." and ".." */
	unsigned int batch_left;                /* entries this call may still take */
	unsigned int d_type;                    /* what a regular file's entry says */
};

static bool kt_dirscan_actor(struct dir_context *ctx, const char *name, size_t len, loff_t pos,
			     u64 ino, unsigned int d_type)
{
	struct kt_dirscan *s = container_of(ctx, struct kt_dirscan, ctx);
	unsigned int n = 0;

	if (!s->batch_left)
		return false;
	s->batch_left--;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return true;
	if (len != 4 || name[0] != 'e' || d_type != s->d_type) {
		s->others++;
		return true;
	}
	for (int i = 1; i < 4; i++)
		n = n * 10 + (unsigned int)(name[i] - '0');
	if (n < KT_NDIRENT)
		s->seen[n]++;
	else
		s->others++;
	return true;
}

/* Read the whole directory, @batch entries per readdir call (so the
 * position cookie is used to resume). Returns 0 or the readdir error. */
static int kt_scan_dir(const char *path, struct kt_dirscan *s, unsigned int batch)
{
	struct file *f = filp_open(path, O_RDONLY | O_DIRECTORY, 0);
	int err = 0;

	if (IS_ERR(f))
		return (int)PTR_ERR(f);
	memset(s, 0, sizeof(*s));
	s->ctx.actor = kt_dirscan_actor;
	/* Without the filetype feature (revision 0) entries carry no type. */
	s->d_type = EXT2_SB(root_sb())->s_filetype ? DT_REG : DT_UNKNOWN;
	for (;;) {
		loff_t start = s->ctx.pos;

		s->batch_left = batch;
		err = vfs_readdir(f, &s->ctx);
		if (err || (s->batch_left == batch && s->ctx.pos == start))
			break;
	}
	fput(f);
	return err;
}

static void kt_create_named(struct kt *t, const char *fmt, unsigned int n)
{
	char path[64];
	struct file *f;

	snprintf(path, sizeof(path), fmt, n);
	f = filp_open(path, O_CREAT | O_EXCL | O_WRONLY, 0644);
	KT_EXPECT(!IS_ERR(f));
	if (!IS_ERR(f))
		fput(f);
}

static void kt_unlink_named(struct kt *t, const char *fmt, unsigned int n)
{
	char path[64];

	snprintf(path, sizeof(path), fmt, n);
	KT_EXPECT_EQ(vfs_unlink(path), 0);
}

static void kt_expect_seen(struct kt *t, struct kt_dirscan *s, bool (*want)(unsigned int))
{
	unsigned int wrong = 0;

	for (unsigned int i = 0; i < KT_NDIRENT; i++)
		if (s->seen[i] != (want(i) ? 1 : 0))
			wrong++;
	KT_EXPECT_EQ(wrong, 0);
	KT_EXPECT_EQ(s->others, 0);
}

static bool kt_all(unsigned int i) { return true; }
static bool kt_kept(unsigned int i) { return i % 4 == 0 || i % 4 == 3; }

static void kt_dir_body(struct kt *t, struct kt_dirscan *s)
{
	loff_t size;
	int err;

	KT_ASSERT(vfs_mkdir(KT_DIR "/d", 0755) == 0);
	for (unsigned int i = 0; i < KT_NDIRENT; i++)
		kt_create_named(t, KT_DIR "/d/e%03u", i);
	KT_EXPECT_EQ(kt_scan_dir(KT_DIR "/d", s, ~0u), 0);
	kt_expect_seen(t, s, kt_all);
	KT_EXPECT_EQ(kt_scan_dir(KT_DIR "/d", s, 7), 0);        /* resumed every 7 */
	kt_expect_seen(t, s, kt_all);
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/d"), -ENOTEMPTY);

	/* Remove half: two neighbours out of every four. */
	for (unsigned int i = 0; i < KT_NDIRENT; i++)
		if (!kt_kept(i))
			kt_unlink_named(t, KT_DIR "/d/e%03u", i);
	KT_EXPECT_EQ(kt_scan_dir(KT_DIR "/d", s, 5), 0);
	kt_expect_seen(t, s, kt_kept);

	/* Two freed 12-byte entries merged into the one before them make room
	 * for a 20-byte entry (a 12-byte name); unmerged, they would not, and
	 * the directory would grow. */
	size = ext2_kt_stat(KT_DIR "/d", &err).size;
	for (unsigned int i = 0; i < KT_NDIRENT / 4; i++)
		kt_create_named(t, KT_DIR "/d/new-name%03u", i);
	KT_EXPECT_EQ(ext2_kt_stat(KT_DIR "/d", &err).size, size);
	KT_EXPECT_EQ(kt_scan_dir(KT_DIR "/d", s, ~0u), 0);
	KT_EXPECT_EQ(s->others, KT_NDIRENT / 4);
	for (unsigned int i = 0; i < KT_NDIRENT / 4; i++)
		kt_unlink_named(t, KT_DIR "/d/new-name%03u", i);
	for (unsigned int i = 0; i < KT_NDIRENT; i++)
		if (kt_kept(i))
			kt_unlink_named(t, KT_DIR "/d/e%03u", i);
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/d"), 0);
}

KTEST(ext2_dir_500)
{
	struct kt_dirscan *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct kstatfs before;
	struct kstat st;
	int err;

	KT_ASSERT(s);
	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_dir_body(t, s);
	st = ext2_kt_stat(KT_DIR, &err);
	KT_EXPECT_EQ(st.nlink, 2);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	ext2_kt_teardown(t);
	kfree(s);
}

/* ---- rename ----------------------------------------------------------------------- */

static unsigned int kt_nlink(const char *path)
{
	int err;
	struct kstat st = ext2_kt_stat(path, &err);

	return err ? 0 : st.nlink;
}

static u64 kt_ino(const char *path)
{
	int err;
	struct kstat st = ext2_kt_stat(path, &err);

	return err ? 0 : st.ino;
}

static void kt_rename_files(struct kt *t)
{
	u64 ffree;

	ext2_kt_write_small(t, KT_DIR "/a", "AAA");
	ext2_kt_write_small(t, KT_DIR "/b", "BBBB");
	KT_ASSERT(vfs_mkdir(KT_DIR "/d2", 0755) == 0);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/a", KT_DIR "/a2"), 0);         /* same directory */
	KT_EXPECT_EQ(kt_ino(KT_DIR "/a"), 0);
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/a2", "AAA"));
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/a2", KT_DIR "/d2/a3"), 0);     /* across */
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/d2/a3", "AAA"));
	ffree = ext2_kt_statfs().f_ffree;
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/b", KT_DIR "/d2/a3"), 0);      /* over a file */
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/d2/a3", "BBBB"));
	KT_EXPECT_EQ(kt_ino(KT_DIR "/b"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, ffree + 1);                   /* "AAA" is freed */
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2/a3", KT_DIR "/d2/a3"), 0);
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/d2/a3", "BBBB"));
}

static void kt_rename_dirs(struct kt *t)
{
	KT_ASSERT(vfs_mkdir(KT_DIR "/d1", 0755) == 0);
	KT_ASSERT(vfs_mkdir(KT_DIR "/d1/sub", 0755) == 0);
	ext2_kt_write_small(t, KT_DIR "/d1/sub/f", "F");
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d1"), 3);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d2"), 2);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d1/sub", KT_DIR "/d2/sub"), 0); /* a directory, across */
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d1"), 2);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d2"), 3);
	KT_EXPECT_EQ(kt_ino(KT_DIR "/d2/sub/.."), kt_ino(KT_DIR "/d2"));
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/d2/sub/f", "F"));
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2", KT_DIR "/d2/sub/x"), -EINVAL);
	/* Over an empty directory: d1 loses e's ".." and gains sub's. */
	KT_ASSERT(vfs_mkdir(KT_DIR "/d1/e", 0755) == 0);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2/sub", KT_DIR "/d1/e"), 0);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d1"), 3);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/d2"), 2);
	KT_EXPECT_EQ(kt_ino(KT_DIR "/d1/e/.."), kt_ino(KT_DIR "/d1"));
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/d1/e/f", "F"));
	/* Over a non-empty directory, and mismatched types. */
	KT_ASSERT(vfs_mkdir(KT_DIR "/d2/g", 0755) == 0);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2", KT_DIR "/d1"), -ENOTEMPTY);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2/a3", KT_DIR "/d2/g"), -EISDIR);
	KT_EXPECT_EQ(vfs_rename(KT_DIR "/d2/g", KT_DIR "/d2/a3"), -ENOTDIR);
	KT_EXPECT_EQ(kt_nlink(KT_DIR), 4);                              /* ".", d1, d2 */
}

static void kt_rename_cleanup(void)
{
	static const char *const files[] = {
		KT_DIR "/a", KT_DIR "/a2", KT_DIR "/b", KT_DIR "/d2/a3", KT_DIR "/d1/e/f",
		KT_DIR "/d1/sub/f", KT_DIR "/d2/sub/f",
	};
	static const char *const dirs[] = {
		KT_DIR "/d1/e", KT_DIR "/d1/sub", KT_DIR "/d2/sub", KT_DIR "/d2/g",
		KT_DIR "/d1", KT_DIR "/d2",
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		vfs_unlink(files[i]);
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		vfs_rmdir(dirs[i]);
}

KTEST(ext2_rename)
{
	struct kstatfs before;

	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_rename_files(t);
	kt_rename_dirs(t);
	kt_rename_cleanup();
	KT_EXPECT_EQ(kt_nlink(KT_DIR), 2);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	ext2_kt_teardown(t);
}

/* ---- hard links --------------------------------------------------------------------- */

static void kt_link_body(struct kt *t)
{
	struct file *f;

	ext2_kt_write_small(t, KT_DIR "/f", "one");
	KT_EXPECT_EQ(vfs_link(KT_DIR "/f", KT_DIR "/g"), 0);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/f"), 2);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/g"), 2);
	KT_EXPECT_EQ(kt_ino(KT_DIR "/f"), kt_ino(KT_DIR "/g"));
	KT_EXPECT_EQ(vfs_link(KT_DIR "/f", KT_DIR "/g"), -EEXIST);
	f = filp_open(KT_DIR "/g", O_WRONLY, 0);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(ext2_kt_pwrite(f, "two", 3, 0), 3);                     /* through the other name */
	fput(f);
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/f", "two"));
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/f"), 0);
	KT_EXPECT_EQ(kt_nlink(KT_DIR "/g"), 1);
	KT_EXPECT(ext2_kt_has_text(KT_DIR "/g", "two"));
	KT_EXPECT_EQ(vfs_mkdir(KT_DIR "/dd", 0755), 0);
	KT_EXPECT_EQ(vfs_link(KT_DIR "/dd", KT_DIR "/dd2"), -EPERM);
}

KTEST(ext2_hardlink)
{
	struct kstatfs before;

	KT_ASSERT(ext2_kt_setup(t));
	before = ext2_kt_statfs();
	kt_link_body(t);
	vfs_unlink(KT_DIR "/f");
	KT_EXPECT_EQ(vfs_unlink(KT_DIR "/g"), 0);
	KT_EXPECT_EQ(vfs_rmdir(KT_DIR "/dd"), 0);
	KT_EXPECT_EQ(ext2_kt_statfs().f_ffree, before.f_ffree);
	KT_EXPECT_EQ(ext2_kt_statfs().f_bfree, before.f_bfree);
	ext2_kt_teardown(t);
}

/* ---- corrupt images (tests/ext2_images.py) --------------------------------------------- */

static bool kt_have_disk(struct kt *t, const char *name)
{
	if (blkdev_get(name))
		return true;
	kt_fail(t, __FILE__, __LINE__, "no disk %s: attach the image from tests/ext2_images.py",
		name);
	return false;
}

KTEST(ext2_corrupt_badmagic)
{
	struct super_block *sb;

	if (!kt_have_disk(t, KT_BADMAGIC_DEV))
		return;
	sb = vfs_mount(KT_BADMAGIC_DEV, "ext2", true);
	KT_EXPECT_EQ(PTR_ERR(sb), -EINVAL);
	if (!IS_ERR(sb))
		vfs_umount(sb);
}

/* Occurrences of @needle in what the kernel log still holds; -1 without
 * memory for a copy of it. */
static long kt_log_count(const char *needle)
{
	size_t nlen = strlen(needle), len;
	char *buf = kmalloc(LOG_BUF_SIZE, GFP_KERNEL);
	long count = 0;

	if (!buf)
		return -1;
	len = log_buf_read(buf, LOG_BUF_SIZE);
	for (size_t i = 0; i + nlen <= len; i++)
		count += memcmp(buf + i, needle, nlen) == 0;
	kfree(buf);
	return count;
}

static void kt_corrupt_body(struct kt *t, struct super_block *sb)
{
	struct inode *inode = namei_from(sb->s_root, "/badblock");
	struct kt_dirscan *s = kzalloc(sizeof(*s), GFP_KERNEL);
	struct file *f;
	char buf[64];
	long before;

	KT_ASSERT(s);
	KT_ASSERT(!IS_ERR(inode));
	f = open_inode(inode, O_RDONLY);
	iput(inode);
	KT_ASSERT(!IS_ERR(f));
	KT_EXPECT_EQ(ext2_kt_pread(f, buf, sizeof(buf), 0), -EIO);
	fput(f);

	KT_EXPECT_EQ(PTR_ERR(namei_from(sb->s_root, "/baddir/x")), -EIO);
	inode = namei_from(sb->s_root, "/baddir");
	KT_ASSERT(!IS_ERR(inode));
	f = open_inode(inode, O_RDONLY);
	iput(inode);
	KT_ASSERT(!IS_ERR(f));
	s->ctx.actor = kt_dirscan_actor;
	s->batch_left = ~0u;
	KT_EXPECT_EQ(vfs_readdir(f, &s->ctx), -EIO);
	fput(f);
	kfree(s);

	/* A name whose inode was never written: -EIO each time, and one
	 * message for the mount, naming the name (docs/ext2.md). */
	before = kt_log_count("\"neverwritten\"");
	KT_EXPECT_EQ(PTR_ERR(namei_from(sb->s_root, "/neverwritten")), -EIO);
	KT_EXPECT_EQ(PTR_ERR(namei_from(sb->s_root, "/neverwritten")), -EIO);
	KT_EXPECT_EQ(kt_log_count("\"neverwritten\"") - before, 1);
}

KTEST(ext2_corrupt_blocks)
{
	struct super_block *sb;

	if (!kt_have_disk(t, KT_CORRUPT_DEV))
		return;
	sb = vfs_mount(KT_CORRUPT_DEV, "ext2", true);
	KT_ASSERT(!IS_ERR(sb));
	kt_corrupt_body(t, sb);
	KT_EXPECT_EQ(vfs_umount(sb), 0);
}
