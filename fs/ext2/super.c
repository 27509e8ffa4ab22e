/*
 * ext2: mounting, the superblock, statfs and sync.
 *
 * Owns: struct ext2_sb_info, the buffers holding the superblock and the
 * group descriptor table (referenced for the whole mount), the feature
 * checks that decide whether an image is mounted at all, read-only, or
 * read-write, and the "ext2" file_system_type.
 *
 * Invariants while mounted read-write:
 *   - s_es->s_free_blocks_count and s_free_inodes_count equal the sums of
 *     the group descriptors' counts (set so at mount, then kept so by
 *     balloc.c and ialloc.c under s_lock), which e2fsck checks;
 *   - s_es->s_state lacks EXT2_VALID_FS until put_super puts it back, so
 *     a crash leaves an image that fsck knows to check.
 *
 * Locks: sbi->s_lock (a mutex: the bitmaps it guards are read from disk
 * with it held) protects every field of the on-disk superblock and group
 * descriptors in their buffers. sync_fs holds it while it writes those
 * buffers, so the superblock's counters and the descriptors' reach the
 * disk as one consistent snapshot.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/ext2.h>
#include <mm/slab.h>

static struct kmem_cache ext2_inode_cachep;

/* ---- errors -------------------------------------------------------------------- */

static void ext2_verror(struct super_block *sb, const char *func, const char *fmt, va_list ap)
{
	char msg[160];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	pr_err("EXT2-fs (%s): error: %s: %s\n", sb->s_bdev->name, func, msg);
}

/* Record the error in the superblock. Context: s_lock held. */
static void ext2_mark_error_locked(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	ASSERT_MUTEX_HELD(&sbi->s_lock);
	if (sb->s_readonly || (sbi->s_es->s_state & EXT2_ERROR_FS))
		return;
	sbi->s_es->s_state |= EXT2_ERROR_FS;
	ext2_sb_dirty_locked(sbi);
}

void __ext2_error(struct super_block *sb, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ext2_verror(sb, func, fmt, ap);
	va_end(ap);
	if (!sb->s_fs_info || sb->s_readonly)
		return;
	mutex_lock(&EXT2_SB(sb)->s_lock);
	ext2_mark_error_locked(sb);
	mutex_unlock(&EXT2_SB(sb)->s_lock);
}

void __ext2_error_locked(struct super_block *sb, const char *func, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ext2_verror(sb, func, fmt, ap);
	va_end(ap);
	ext2_mark_error_locked(sb);
}

void ext2_sb_dirty_locked(struct ext2_sb_info *sbi)
{
	ASSERT_MUTEX_HELD(&sbi->s_lock);
	mark_buffer_dirty(sbi->s_sbh);
}

void ext2_set_large_file(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	mutex_lock(&sbi->s_lock);
	if (!(sbi->s_es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE)) {
		sbi->s_es->s_feature_ro_compat |= EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
		ext2_sb_dirty_locked(sbi);
	}
	mutex_unlock(&sbi->s_lock);
}

/* ---- checking a superblock before anything is built on it ------------------------- */

struct ext2_feature_name {
	u32 mask;
	const char *name;
};

static const struct ext2_feature_name ext2_incompat_names[] = {
	{ 0x0001, "compression" }, { 0x0004, "needs_recovery (journal)" },
	{ 0x0008, "journal_dev" }, { 0x0010, "meta_bg" }, { 0x0040, "extent" },
	{ 0x0080, "64bit" }, { 0x0100, "mmp" }, { 0x0200, "flex_bg" },
	{ 0x0400, "ea_inode" }, { 0x1000, "dirdata" }, { 0x2000, "metadata_csum_seed" },
	{ 0x4000, "large_dir" }, { 0x8000, "inline_data" }, { 0x10000, "encrypt" },
	{ 0x20000, "casefold" },
};

static const struct ext2_feature_name ext2_ro_compat_names[] = {
	{ 0x0004, "btree_dir" }, { 0x0008, "huge_file" }, { 0x0010, "uninit_bg" },
	{ 0x0020, "dir_nlink" }, { 0x0040, "extra_isize" }, { 0x0100, "quota" },
	{ 0x0200, "bigalloc" }, { 0x0400, "metadata_csum" }, { 0x1000, "readonly" },
	{ 0x2000, "project" },
};

/*
 * Name every feature bit of @bits in a message, "0x..." for unknown ones:
 * at KERN_ERR when the mount is @refused, else at KERN_WARNING (mounted
 * read-only). The level is chosen by calling pr_err or pr_warn: printk
 * reads it from the front of the format string, so a level passed as a
 * "%s" argument would be printed as a raw byte, and the message would
 * go out at the default level.
 */
#define ext2_feature_msg(refused, fmt, ...) do {                                \
	if (refused)                                                            \
		pr_err(fmt, ##__VA_ARGS__);                                     \
	else                                                                    \
		pr_warn(fmt, ##__VA_ARGS__);                                    \
} while (0)

static void ext2_print_features(bool refused, const char *dev, const char *what, u32 bits,
				const struct ext2_feature_name *names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (bits & names[i].mask) {
			ext2_feature_msg(refused, "ext2 (%s): %s feature %s\n", dev, what,
					 names[i].name);
			bits &= ~names[i].mask;
		}
	}
	if (bits)
		ext2_feature_msg(refused, "ext2 (%s): %s feature(s) 0x%x (unknown)\n", dev, what,
				 bits);
}

/*
 * May this image be mounted, and how? Returns 0 (with *@readonly forced
 * on for unknown ro-compat features) or -EINVAL with a message saying why.
 */
static int ext2_check_features(struct block_device *bdev, const struct ext2_super_block *es,
			       bool *readonly)
{
	u32 incompat, ro_compat;

	if (es->s_rev_level == EXT2_GOOD_OLD_REV)
		return 0;                       /* revision 0 has no feature fields */
	incompat = es->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_SUPP;
	if (incompat) {
		ext2_print_features(true, bdev->name, "unsupported incompat", incompat,
				    ext2_incompat_names, ARRAY_SIZE(ext2_incompat_names));
		pr_err("ext2 (%s): refusing to mount\n", bdev->name);
		return -EINVAL;
	}
	ro_compat = es->s_feature_ro_compat & ~EXT2_FEATURE_RO_COMPAT_SUPP;
	if (ro_compat && !*readonly) {
		ext2_print_features(false, bdev->name, "unsupported ro-compat", ro_compat,
				    ext2_ro_compat_names, ARRAY_SIZE(ext2_ro_compat_names));
		pr_warn("ext2 (%s): mounting read-only\n", bdev->name);
		*readonly = true;
	}
	return 0;
}

/* The sizes and counts that everything else trusts. Returns 0 or -EINVAL. */
static int ext2_check_geometry(struct block_device *bdev, const struct ext2_super_block *es)
{
	const char *why = NULL;
	u32 bs, inode_size, groups;

	if (es->s_log_block_size > 2) {
		pr_err("ext2 (%s): block size 2^%u KiB unsupported\n", bdev->name,
		       es->s_log_block_size);
		return -EINVAL;
	}
	bs = EXT2_MIN_BLOCK_SIZE << es->s_log_block_size;
	inode_size = es->s_rev_level == EXT2_GOOD_OLD_REV ? EXT2_GOOD_OLD_INODE_SIZE : es->s_inode_size;
	if (es->s_rev_level > EXT2_DYNAMIC_REV)
		why = "unknown revision";
	else if (inode_size < EXT2_GOOD_OLD_INODE_SIZE || inode_size > bs ||
		 (inode_size & (inode_size - 1)))
		why = "bad inode size";
	else if (es->s_first_data_block != (bs == 1024 ? 1u : 0u))
		why = "bad first data block";
	else if (!es->s_blocks_per_group || es->s_blocks_per_group > bs * 8 ||
		 !es->s_inodes_per_group || es->s_inodes_per_group > bs * 8 ||
		 es->s_inodes_per_group % (bs / inode_size))
		why = "bad blocks or inodes per group";
	else if (es->s_blocks_count <= es->s_first_data_block ||
		 (u64)es->s_blocks_count * (bs / SECTOR_SIZE) > bdev->nr_sectors)
		why = "block count past the end of the device";
	if (!why) {
		groups = DIV_ROUND_UP(es->s_blocks_count - es->s_first_data_block,
				      es->s_blocks_per_group);
		if ((u64)groups * es->s_inodes_per_group != es->s_inodes_count)
			why = "inode count does not match the groups";
		else if (es->s_rev_level == EXT2_DYNAMIC_REV &&
			 (es->s_first_ino < EXT2_GOOD_OLD_FIRST_INO ||
			  es->s_first_ino > es->s_inodes_count))
			why = "bad first inode";
	}
	if (why) {
		pr_err("ext2 (%s): corrupt superblock: %s\n", bdev->name, why);
		return -EINVAL;
	}
	return 0;
}

/* Read the superblock with the block layer directly (the block size is not
 * known yet) and decide whether it can be mounted. */
static int ext2_probe(struct block_device *bdev, struct ext2_super_block *es, bool *readonly)
{
	int err = blkdev_rw(bdev, BLK_READ, EXT2_SUPER_OFFSET / SECTOR_SIZE, es,
			    EXT2_SUPER_SIZE / SECTOR_SIZE);

	if (err) {
		pr_err("ext2 (%s): cannot read the superblock: error %d\n", bdev->name, err);
		return err;
	}
	if (es->s_magic != EXT2_SUPER_MAGIC) {
		pr_err("ext2 (%s): bad magic 0x%04x (want 0x%04x): not an ext2 filesystem\n",
		       bdev->name, es->s_magic, EXT2_SUPER_MAGIC);
		return -EINVAL;
	}
	/* Features first: an ext4 image is refused for what it is, not as an
	 * ext2 image with a strange geometry. */
	err = ext2_check_features(bdev, es, readonly);
	if (!err)
		err = ext2_check_geometry(bdev, es);
	if (!err && (es->s_state & EXT2_ERROR_FS))
		pr_warn("ext2 (%s): filesystem has errors, run e2fsck\n", bdev->name);
	return err;
}

/* ---- building the in-memory superblock --------------------------------------- */

static void ext2_setup_sbi(struct super_block *sb, struct ext2_sb_info *sbi,
			   const struct ext2_super_block *es)
{
	unsigned int bits = 10 + es->s_log_block_size;
	bool dynamic = es->s_rev_level == EXT2_DYNAMIC_REV;

	sb->s_blocksize_bits = bits;
	sb->s_blocksize = 1UL << bits;
	sbi->s_sb = sb;
	sbi->s_blocks_count = es->s_blocks_count;
	sbi->s_inodes_count = es->s_inodes_count;
	sbi->s_first_data_block = es->s_first_data_block;
	sbi->s_blocks_per_group = es->s_blocks_per_group;
	sbi->s_inodes_per_group = es->s_inodes_per_group;
	sbi->s_inode_size = dynamic ? es->s_inode_size : EXT2_GOOD_OLD_INODE_SIZE;
	sbi->s_first_ino = dynamic ? es->s_first_ino : EXT2_GOOD_OLD_FIRST_INO;
	sbi->s_inodes_per_block = sb->s_blocksize / sbi->s_inode_size;
	sbi->s_itb_per_group = sbi->s_inodes_per_group / sbi->s_inodes_per_block;
	sbi->s_desc_per_block = sb->s_blocksize / sizeof(struct ext2_group_desc);
	sbi->s_addr_per_block = sb->s_blocksize / sizeof(u32);
	sbi->s_addr_per_block_bits = bits - 2;
	sbi->s_groups_count = DIV_ROUND_UP(es->s_blocks_count - es->s_first_data_block,
					   es->s_blocks_per_group);
	sbi->s_gdb_count = DIV_ROUND_UP(sbi->s_groups_count, sbi->s_desc_per_block);
	sbi->s_filetype = dynamic && (es->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE);
	sbi->s_sparse_super = dynamic &&
			      (es->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER);
	sbi->s_reserved_gdt_blocks = (dynamic && (es->s_feature_compat &
				      EXT2_FEATURE_COMPAT_RESIZE_INODE)) ? es->s_reserved_gdt_blocks : 0;
	sbi->s_mount_state = es->s_state;
	mutex_init(&sbi->s_lock, "ext2_s_lock");
	sb->s_maxbytes = ext2_max_size(bits, dynamic);
	sbi->s_overhead = ext2_overhead_blocks(sbi);
}

/* Is every group's metadata inside its group? (No flex_bg: it must be.) */
static int ext2_check_descriptors(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	for (u32 g = 0; g < sbi->s_groups_count; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);
		u32 first = ext2_group_first_block(sbi, g);
		u32 end = first + ext2_group_nblocks(sbi, g);
		const char *what = NULL;

		if (gd->bg_block_bitmap < first || gd->bg_block_bitmap >= end)
			what = "block bitmap";
		else if (gd->bg_inode_bitmap < first || gd->bg_inode_bitmap >= end)
			what = "inode bitmap";
		else if (gd->bg_inode_table < first ||
			 gd->bg_inode_table + sbi->s_itb_per_group > end)
			what = "inode table";
		if (what) {
			pr_err("ext2 (%s): group %u: %s not in the group\n", sb->s_bdev->name, g, what);
			return -EINVAL;
		}
	}
	return 0;
}

static void ext2_put_group_desc(struct ext2_sb_info *sbi, u32 count)
{
	for (u32 i = 0; i < count; i++)
		brelse(sbi->s_group_desc[i]);
	kfree(sbi->s_group_desc);
	sbi->s_group_desc = NULL;
}

static int ext2_load_group_desc(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err;

	sbi->s_group_desc = kzalloc(sbi->s_gdb_count * sizeof(*sbi->s_group_desc), GFP_KERNEL);
	if (!sbi->s_group_desc)
		return -ENOMEM;
	for (u32 i = 0; i < sbi->s_gdb_count; i++) {
		struct buffer_head *bh = bread(sb->s_bdev, sbi->s_first_data_block + 1 + i,
					       sb->s_blocksize);

		if (IS_ERR(bh)) {
			pr_err("ext2 (%s): cannot read group descriptors\n", sb->s_bdev->name);
			ext2_put_group_desc(sbi, i);
			return -EIO;
		}
		sbi->s_group_desc[i] = bh;
	}
	err = ext2_check_descriptors(sb);
	if (err)
		ext2_put_group_desc(sbi, sbi->s_gdb_count);
	return err;
}

/* The group descriptors are the truth; make the superblock's totals agree
 * (Linux's ext2 recomputes them the same way). */
static void ext2_sync_counts(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 blocks = ext2_count_free_blocks(sb), inodes = ext2_count_free_inodes(sb);

	mutex_lock(&sbi->s_lock);
	if (sbi->s_es->s_free_blocks_count != blocks || sbi->s_es->s_free_inodes_count != inodes) {
		sbi->s_es->s_free_blocks_count = blocks;
		sbi->s_es->s_free_inodes_count = inodes;
		if (!sb->s_readonly)
			ext2_sb_dirty_locked(sbi);
	}
	mutex_unlock(&sbi->s_lock);
}

/* A read-write mount: count it, and mark the image "not clean" until
 * put_super. This reaches the disk with the first sync, together with the
 * first change: until then the image on disk is the clean one we found. */
static void ext2_setup_rw(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	mutex_lock(&sbi->s_lock);
	es->s_mnt_count++;
	es->s_mtime = es->s_wtime = (u32)current_time().tv_sec;
	es->s_state &= ~EXT2_VALID_FS;
	ext2_sb_dirty_locked(sbi);
	mutex_unlock(&sbi->s_lock);
}

/*
 * The root directory. ext2_read_inode refuses a root that is not a
 * directory, so a failure here leaves no inode of this superblock in the
 * inode cache (iget_failed drops it), which matters: the super_block is
 * freed right after.
 */
static int ext2_get_root(struct super_block *sb)
{
	struct inode *root = ext2_iget(sb, EXT2_ROOT_INO);

	if (IS_ERR(root)) {
		pr_err("ext2 (%s): cannot read the root inode%s\n", sb->s_bdev->name,
		       PTR_ERR(root) == -ESTALE ? ": it is free (links count 0)" : "");
		return PTR_ERR(root) == -ESTALE ? -EIO : (int)PTR_ERR(root);
	}
	sb->s_root = root;
	return 0;
}

static const struct super_operations ext2_sops;

/* Everything after the probe: the superblock and GDT buffers, the counts,
 * the root inode. Returns 0 or a negative errno with nothing left held. */
static int ext2_fill_super(struct super_block *sb, const struct ext2_super_block *raw)
{
	struct ext2_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	unsigned int sb_block;
	int err;

	if (!sbi)
		return -ENOMEM;
	sb->s_fs_info = sbi;
	sb->s_op = &ext2_sops;
	ext2_setup_sbi(sb, sbi, raw);
	sb_block = EXT2_SUPER_OFFSET / sb->s_blocksize;
	sbi->s_sbh = bread(sb->s_bdev, sb_block, sb->s_blocksize);
	if (IS_ERR(sbi->s_sbh)) {
		err = -EIO;
		goto out_free_sbi;
	}
	sbi->s_es = (void *)((char *)sbi->s_sbh->b_data + EXT2_SUPER_OFFSET % sb->s_blocksize);
	err = ext2_load_group_desc(sb);
	if (err)
		goto out_put_sbh;
	ext2_sync_counts(sb);
	err = ext2_get_root(sb);
	if (err)
		goto out_put_gdt;
	if (!sb->s_readonly)
		ext2_setup_rw(sb);
	return 0;

out_put_gdt:
	ext2_put_group_desc(sbi, sbi->s_gdb_count);
out_put_sbh:
	bforget(sbi->s_sbh);            /* nothing in it may reach the disk now */
out_free_sbi:
	kfree(sbi);
	sb->s_fs_info = NULL;
	return err;
}

static struct super_block *ext2_mount(const struct file_system_type *type,
				      struct block_device *bdev, bool readonly)
{
	struct ext2_super_block *raw = kmalloc(sizeof(*raw), GFP_KERNEL);
	struct super_block *sb = NULL;
	int err;

	if (!raw)
		return ERR_PTR(-ENOMEM);
	err = ext2_probe(bdev, raw, &readonly);
	if (err)
		goto out_free_raw;
	sb = alloc_super(bdev, type);
	if (!sb) {
		err = -ENOMEM;
		goto out_free_raw;
	}
	sb->s_readonly = readonly;
	err = ext2_fill_super(sb, raw);
	if (err) {
		kfree(sb);
		sb = NULL;
		invalidate_bdev(bdev);
	}
out_free_raw:
	kfree(raw);
	return err ? ERR_PTR(err) : sb;
}

/* ---- super_operations -------------------------------------------------------- */

static struct inode *ext2_alloc_inode(struct super_block *sb)
{
	struct ext2_inode_info *ei = kmem_cache_alloc(&ext2_inode_cachep, GFP_KERNEL);

	if (!ei)
		return NULL;
	memset(ei, 0, sizeof(*ei));
	mutex_init(&ei->truncate_mutex, "ext2_truncate_mutex");
	return &ei->vfs_inode;
}

static void ext2_destroy_inode(struct inode *inode)
{
	kmem_cache_free(&ext2_inode_cachep, EXT2_I(inode));
}

/* Write the superblock and descriptor buffers. Context: s_lock held. */
static int ext2_write_super_locked(struct ext2_sb_info *sbi)
{
	int err = sync_dirty_buffer(sbi->s_sbh);

	for (u32 i = 0; i < sbi->s_gdb_count; i++) {
		int e = sync_dirty_buffer(sbi->s_group_desc[i]);

		if (e && !err)
			err = e;
	}
	return err;
}

/*
 * The superblock and descriptors, and with @wait every dirty buffer
 * (bitmaps, inode tables, indirect blocks, directories). Without @wait
 * the buffers are only marked dirty, for the flusher's sync_blockdev.
 */
static int ext2_sync_fs(struct super_block *sb, bool wait)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	int err = 0, e;

	if (sb->s_readonly)
		return 0;
	mutex_lock(&sbi->s_lock);
	if (buffer_dirty(sbi->s_sbh))
		sbi->s_es->s_wtime = (u32)current_time().tv_sec;
	if (wait)
		err = ext2_write_super_locked(sbi);
	mutex_unlock(&sbi->s_lock);
	if (wait) {
		e = sync_blockdev(sb->s_bdev, 0);
		if (e && !err)
			err = e;
	}
	return err;
}

/* The last write of a mount: the superblock says "clean" again, unless
 * errors were found during this mount. */
static void ext2_write_clean_state(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	mutex_lock(&sbi->s_lock);
	sbi->s_es->s_state = (sbi->s_es->s_state & EXT2_ERROR_FS) |
			     (sbi->s_mount_state & EXT2_VALID_FS);
	sbi->s_es->s_wtime = (u32)current_time().tv_sec;
	ext2_sb_dirty_locked(sbi);
	if (ext2_write_super_locked(sbi))
		pr_err("ext2 (%s): cannot write the superblock at unmount\n", sb->s_bdev->name);
	mutex_unlock(&sbi->s_lock);
	sync_blockdev(sb->s_bdev, 0);
}

static void ext2_put_super(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!sb->s_readonly)
		ext2_write_clean_state(sb);
	ext2_put_group_desc(sbi, sbi->s_gdb_count);
	brelse(sbi->s_sbh);
	kfree(sbi);
	sb->s_fs_info = NULL;
}

static int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_super_block *es = sbi->s_es;

	mutex_lock(&sbi->s_lock);
	st->f_type = EXT2_SUPER_MAGIC;
	st->f_bsize = sb->s_blocksize;
	st->f_blocks = sbi->s_blocks_count - sbi->s_overhead;
	st->f_bfree = es->s_free_blocks_count;
	st->f_bavail = es->s_free_blocks_count > es->s_r_blocks_count ?
		       es->s_free_blocks_count - es->s_r_blocks_count : 0;
	st->f_files = sbi->s_inodes_count;
	st->f_ffree = es->s_free_inodes_count;
	st->f_namelen = EXT2_NAME_LEN;
	mutex_unlock(&sbi->s_lock);
	return 0;
}

static const struct super_operations ext2_sops = {
	.alloc_inode = ext2_alloc_inode,
	.destroy_inode = ext2_destroy_inode,
	.read_inode = ext2_read_inode,
	.write_inode = ext2_write_inode,
	.evict_inode = ext2_evict_inode,
	.sync_fs = ext2_sync_fs,
	.put_super = ext2_put_super,
	.remount_ro = ext2_write_clean_state,
	.statfs = ext2_statfs,
};

static struct file_system_type ext2_fs_type = {
	.requires_dev = true,
	.name = "ext2",
	.mount = ext2_mount,
};

void ext2_init(void)
{
	int err;

	kmem_cache_init(&ext2_inode_cachep, "ext2_inode", sizeof(struct ext2_inode_info), 8);
	err = register_filesystem(&ext2_fs_type);
	if (err)
		pr_err("ext2: cannot register the filesystem type: error %d\n", err);
}
