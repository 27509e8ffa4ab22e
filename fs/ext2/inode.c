/*
 * ext2: inodes on disk and in memory: reading one into the inode cache,
 * writing it back, and freeing it when its last link and user are gone.
 *
 * Owns: the copy between struct ext2_inode (in an inode-table block, in
 * the buffer cache) and struct ext2_inode_info / struct inode. The block
 * map itself is blockmap.c's.
 *
 * Invariants:
 *   - an inode in the cache has i_links_count > 0 on disk, or is a new or
 *     unlinked inode that this mount owns: read_inode refuses a free
 *     (links 0) inode, so a corrupt directory entry cannot bring a free
 *     inode number into the cache (where a later allocation would meet it);
 *   - a freed inode is written with i_links_count 0, i_dtime set, i_size
 *     and i_blocks 0 and i_block[] zeroed, before its bitmap bit is
 *     cleared: what e2fsck expects of a deleted inode;
 *   - the first write of a new inode zeroes its whole slot (a large inode's
 *     tail may hold a previous owner's extended attributes).
 *
 * Locks: write_inode copies i_data under truncate_mutex (get_block may be
 * changing it from writeback); the VFS fields are read without i_rwsem (a
 * sync runs without it), each is a single aligned word, and the next write
 * catches up with any change made meanwhile. Several inodes share one
 * inode-table buffer; each writer changes only its own slot's bytes.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

/* Is @ino an inode number a directory entry may name? */
static bool ext2_ino_valid(struct ext2_sb_info *sbi, unsigned long ino)
{
	return ino == EXT2_ROOT_INO || (ino >= sbi->s_first_ino && ino <= sbi->s_inodes_count);
}

/*
 * The buffer of the inode-table block holding inode @ino, and the inode's
 * slot in it. Returns the referenced buffer or ERR_PTR(-EIO).
 * Context: may sleep.
 */
static struct buffer_head *ext2_get_inode_loc(struct super_block *sb, unsigned long ino,
					      struct ext2_inode **raw)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group, index, block;
	struct buffer_head *bh;

	if (ino < 1 || ino > sbi->s_inodes_count) {
		ext2_error(sb, "inode number %lu out of range", ino);
		return ERR_PTR(-EIO);
	}
	group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	index = (u32)((ino - 1) % sbi->s_inodes_per_group);
	block = ext2_get_group_desc(sb, group, NULL)->bg_inode_table + index / sbi->s_inodes_per_block;
	bh = bread(sb->s_bdev, block, sb->s_blocksize);
	if (IS_ERR(bh)) {
		ext2_error(sb, "cannot read inode-table block %u (inode %lu)", block, ino);
		return ERR_PTR(-EIO);
	}
	*raw = (struct ext2_inode *)((char *)bh->b_data +
				     (index % sbi->s_inodes_per_block) * sbi->s_inode_size);
	return bh;
}

/* The large-inode tail of @raw if it has one covering the timestamps. */
static struct ext2_inode_large_tail *ext2_inode_tail(struct super_block *sb,
						     struct ext2_inode *raw)
{
	struct ext2_inode_large_tail *tail = (void *)(raw + 1);

	if (EXT2_SB(sb)->s_inode_size < EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE)
		return NULL;
	if (tail->i_extra_isize < offsetof(struct ext2_inode_large_tail, i_crtime))
		return NULL;
	return tail;
}

/*
 * Timestamps: 32 signed bits of seconds in the base inode (1901..2038). A
 * large inode's extra field holds nsec << 2 and, in its low two bits, the
 * seconds' bits 32 and 33 ("epoch"), which take the range to 2446: the
 * encoding of ext4, which e2fsck and Linux read.
 */
static struct timespec64 ext2_decode_time(u32 sec, const u32 *extra)
{
	struct timespec64 ts = { (s64)(s32)sec, 0 };

	if (extra) {
		ts.tv_sec += (s64)(*extra & 3) << 32;
		ts.tv_nsec = (long)(*extra >> 2) % 1000000000L;
	}
	return ts;
}

static u32 ext2_encode_extra(struct timespec64 ts)
{
	u32 epoch = (u32)((ts.tv_sec - (s64)(s32)ts.tv_sec) >> 32) & 3;

	return (u32)ts.tv_nsec << 2 | epoch;
}

void ext2_set_inode_ops(struct inode *inode)
{
	if (S_ISREG(inode->i_mode)) {
		inode->i_op = &ext2_file_inode_operations;
		inode->i_fop = &ext2_file_operations;
		inode->i_mapping->a_ops = &ext2_aops;
	} else if (S_ISDIR(inode->i_mode)) {
		/* Directories live in the buffer cache (dir.c): no a_ops, so
		 * nothing can alias their blocks in the page cache. */
		inode->i_op = &ext2_dir_inode_operations;
		inode->i_fop = &ext2_dir_operations;
	} else if (S_ISLNK(inode->i_mode)) {
		/* A slow link's block is read through the buffer cache
		 * (symlink.c): no a_ops, as for directories. */
		inode->i_op = &ext2_symlink_inode_operations;
		inode->i_fop = NULL;
	} else {
		inode->i_op = &ext2_special_inode_operations;
		init_special_inode(inode, inode->i_mode, inode->i_rdev);
	}
}

/* Device numbers: the old 8:8 encoding in i_block[0], else the new one in
 * i_block[1] (which is the kernel's dev_t layout for small numbers). */
static u64 ext2_decode_rdev(const u32 *i_block)
{
	if (i_block[0])
		return ((i_block[0] >> 8) & 0xff) << 8 | (i_block[0] & 0xff);
	return i_block[1];
}

/* The reverse, as Linux's ext2 writes it: the old encoding when both
 * numbers fit in 8 bits, else the new one in i_block[1]. */
static void ext2_encode_rdev(u32 *i_block, u64 rdev)
{
	unsigned int major = dev_major(rdev), minor = dev_minor(rdev);

	if (major < 256 && minor < 256) {
		i_block[0] = major << 8 | minor;
		i_block[1] = 0;
	} else {
		i_block[0] = 0;
		i_block[1] = (u32)makedev(major, minor);
		i_block[2] = 0;
	}
}

/* Is the inode's type one ext2 stores, and its size sane for it? */
static const char *ext2_check_raw_inode(struct inode *inode)
{
	umode_t mode = inode->i_mode;

	if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode) && !S_ISCHR(mode) &&
	    !S_ISBLK(mode) && !S_ISFIFO(mode) && (mode & S_IFMT) != S_IFSOCK)
		return "unknown file type";
	if (inode->i_ino == EXT2_ROOT_INO && !S_ISDIR(mode))
		return "the root inode is not a directory";
	if (S_ISDIR(mode) && (!inode->i_size || (inode->i_size & (inode->i_sb->s_blocksize - 1))))
		return "directory size not a whole number of blocks";
	if (inode->i_size < 0 || inode->i_size > inode->i_sb->s_maxbytes)
		return "size too large";
	return NULL;
}

static void ext2_fill_vfs_inode(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_large_tail *tail = ext2_inode_tail(inode->i_sb, raw);

	inode->i_mode = raw->i_mode;
	inode->i_uid = raw->i_uid | (u32)raw->l_i_uid_high << 16;
	inode->i_gid = raw->i_gid | (u32)raw->l_i_gid_high << 16;
	inode->i_nlink = raw->i_links_count;
	inode->i_size = raw->i_size;
	if (S_ISREG(inode->i_mode))
		inode->i_size |= (loff_t)raw->i_size_high << 32;
	inode->i_blocks = raw->i_blocks;
	inode->i_atime = ext2_decode_time(raw->i_atime, tail ? &tail->i_atime_extra : NULL);
	inode->i_mtime = ext2_decode_time(raw->i_mtime, tail ? &tail->i_mtime_extra : NULL);
	inode->i_ctime = ext2_decode_time(raw->i_ctime, tail ? &tail->i_ctime_extra : NULL);
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		inode->i_rdev = ext2_decode_rdev(raw->i_block);
}

/*
 * super_operations->read_inode: fill the I_NEW @inode from disk.
 * Returns 0, -ESTALE for an inode that is free on disk (not reported: see
 * ext2_iget), or -EIO for an unreadable or corrupt inode (reported).
 */
int ext2_read_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_inode *raw;
	struct buffer_head *bh;
	const char *why;

	if (!ext2_ino_valid(EXT2_SB(sb), inode->i_ino)) {
		ext2_error(sb, "bad inode number %lu", inode->i_ino);
		return -EIO;
	}
	bh = ext2_get_inode_loc(sb, inode->i_ino, &raw);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	if (!raw->i_links_count) {
		/* A corrupt entry, or one that reached the disk before its new
		 * inode did (a power cut). Whoever knows the name reports it. */
		brelse(bh);
		return -ESTALE;
	}
	ext2_fill_vfs_inode(inode, raw);
	memcpy(ei->i_data, raw->i_block, sizeof(ei->i_data));
	ei->i_flags = raw->i_flags;
	ei->i_file_acl = raw->i_file_acl;
	ei->i_dtime = raw->i_dtime;
	ei->i_block_group = (u32)((inode->i_ino - 1) / EXT2_SB(sb)->s_inodes_per_group);
	brelse(bh);
	why = ext2_check_raw_inode(inode);
	if (why) {
		ext2_error(sb, "inode %lu: %s", inode->i_ino, why);
		return -EIO;
	}
	ext2_set_inode_ops(inode);
	return 0;
}

/* See include/fs/ext2.h. */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino)
{
	struct inode *inode = iget_locked(sb, ino);
	int err;

	if (IS_ERR(inode))
		return inode;
	/* Only this task can clear I_NEW on an inode it got back with it set,
	 * and nobody sets it again: reading it without the hash lock is safe. */
	if (!(READ_ONCE(inode->i_state) & I_NEW))
		return inode;
	err = ext2_read_inode(inode);
	if (err) {
		iget_failed(inode);
		return ERR_PTR(err);
	}
	unlock_new_inode(inode);
	return inode;
}

/* Copy the VFS fields into @raw. */
static void ext2_fill_raw_times_ids(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_large_tail *tail = ext2_inode_tail(inode->i_sb, raw);

	raw->i_mode = (u16)inode->i_mode;
	raw->i_uid = (u16)inode->i_uid;
	raw->l_i_uid_high = (u16)(inode->i_uid >> 16);
	raw->i_gid = (u16)inode->i_gid;
	raw->l_i_gid_high = (u16)(inode->i_gid >> 16);
	raw->i_links_count = (u16)inode->i_nlink;
	raw->i_atime = (u32)inode->i_atime.tv_sec;
	raw->i_mtime = (u32)inode->i_mtime.tv_sec;
	raw->i_ctime = (u32)inode->i_ctime.tv_sec;
	if (tail) {
		tail->i_atime_extra = ext2_encode_extra(inode->i_atime);
		tail->i_mtime_extra = ext2_encode_extra(inode->i_mtime);
		tail->i_ctime_extra = ext2_encode_extra(inode->i_ctime);
	}
}

/* A new inode's first write: a clean slot, with a large inode's tail
 * sized as mke2fs sizes it (so e2fsck finds what it expects). */
static void ext2_init_raw_inode(struct super_block *sb, struct ext2_inode *raw)
{
	u32 size = EXT2_SB(sb)->s_inode_size;

	memset(raw, 0, size);
	if (size >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE) {
		struct ext2_inode_large_tail *tail = (void *)(raw + 1);

		tail->i_extra_isize = EXT2_EXTRA_ISIZE;
	}
}

/* Fill @raw from @inode. Context: truncate_mutex held (i_data, i_blocks). */
static void ext2_fill_raw_inode(struct inode *inode, struct ext2_inode *raw)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	loff_t size = READ_ONCE(inode->i_size);

	ASSERT_MUTEX_HELD(&ei->truncate_mutex);
	if (ei->i_new) {
		ext2_init_raw_inode(inode->i_sb, raw);
		ei->i_new = false;
	}
	ext2_fill_raw_times_ids(inode, raw);
	raw->i_dtime = ei->i_dtime;
	raw->i_size = (u32)size;
	if (S_ISREG(inode->i_mode))
		raw->i_size_high = (u32)((u64)size >> 32);
	raw->i_blocks = (u32)inode->i_blocks;
	raw->i_flags = ei->i_flags;
	raw->i_file_acl = ei->i_file_acl;
	/* A device inode's i_block[] holds its number (read into i_rdev, or
	 * set by mknod); for everything else i_data is the block map or a
	 * fast symlink's target. */
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode))
		ext2_encode_rdev(raw->i_block, inode->i_rdev);
	else
		memcpy(raw->i_block, ei->i_data, sizeof(raw->i_block));
}

/*
 * super_operations->write_inode: copy @inode into its inode-table buffer
 * and mark it dirty; with @sync, write the buffer now.
 * Returns 0 or -EIO. Context: may sleep; takes truncate_mutex.
 */
int ext2_write_inode(struct inode *inode, bool sync)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_inode *raw;
	struct buffer_head *bh;
	int err = 0;

	if (inode->i_sb->s_readonly)
		return 0;
	bh = ext2_get_inode_loc(inode->i_sb, inode->i_ino, &raw);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	if (S_ISREG(inode->i_mode) && READ_ONCE(inode->i_size) > 0x7fffffffLL)
		ext2_set_large_file(inode->i_sb);
	mutex_lock(&ei->truncate_mutex);
	ext2_fill_raw_inode(inode, raw);
	mark_buffer_dirty(bh);
	mutex_unlock(&ei->truncate_mutex);
	if (sync)
		err = sync_dirty_buffer(bh);
	brelse(bh);
	return err;
}

/* Do the inode's i_block[] words point at blocks? Not for devices, FIFOs,
 * sockets, and "fast" symlinks, whose target is stored there. */
static bool ext2_has_block_map(struct inode *inode)
{
	if (S_ISREG(inode->i_mode) || S_ISDIR(inode->i_mode))
		return true;
	return S_ISLNK(inode->i_mode) && !ext2_inode_is_fast_symlink(inode);
}

/* Read extended-attribute block @block and check its magic. Returns the
 * buffer, or NULL (reported). */
static struct buffer_head *ext2_read_xattr_block(struct inode *inode, u32 block)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh = NULL;

	if (ext2_block_in_fs(EXT2_SB(sb), block))
		bh = bread(sb->s_bdev, block, sb->s_blocksize);
	if (IS_ERR_OR_NULL(bh)) {
		ext2_error(sb, "inode %lu: bad extended-attribute block %u", inode->i_ino, block);
		return NULL;
	}
	if (*(u32 *)bh->b_data != EXT2_XATTR_MAGIC) {
		brelse(bh);
		ext2_error(sb, "inode %lu: block %u is not an xattr block", inode->i_ino, block);
		return NULL;
	}
	return bh;
}

/*
 * Drop the inode's reference to its extended-attribute block (shared
 * between inodes with equal attributes; h_refcount is the header's second
 * word), freeing the block with the last reference. Faultline does not
 * read attributes, but e2fsck checks the count.
 * Context: from evict; takes s_lock, the one lock all inodes share.
 */
static void ext2_put_xattr_block(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	u32 block = ei->i_file_acl;
	struct buffer_head *bh;
	u32 *refcount;
	bool last;

	if (!block)
		return;
	ei->i_file_acl = 0;
	bh = ext2_read_xattr_block(inode, block);
	if (!bh)
		return;
	refcount = (u32 *)bh->b_data + 1;
	mutex_lock(&sbi->s_lock);
	last = *refcount <= 1;
	if (!last) {
		(*refcount)--;
		mark_buffer_dirty(bh);
	}
	mutex_unlock(&sbi->s_lock);
	if (!last) {
		brelse(bh);
		return;
	}
	bforget(bh);
	ext2_free_blocks(inode, block, 1);
}

/*
 * super_operations->evict_inode: the last reference to an unlinked inode
 * is gone (the VFS has dropped its pages): free its blocks, then the inode.
 * Context: may sleep; no lock held but what the VFS holds around the
 * iput() that got here (the parent directory's i_rwsem, for unlink).
 */
void ext2_evict_inode(struct inode *inode)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (inode->i_nlink || inode->i_sb->s_readonly)
		return;
	inode->i_size = 0;
	if (ext2_has_block_map(inode))
		ext2_free_blocks_from(inode, 0);
	ext2_put_xattr_block(inode);
	/* What e2fsck expects of a deleted inode (see the top of the file). */
	mutex_lock(&ei->truncate_mutex);
	memset(ei->i_data, 0, sizeof(ei->i_data));
	inode->i_blocks = 0;
	ei->i_dtime = (u32)current_time().tv_sec;
	mutex_unlock(&ei->truncate_mutex);
	inode->i_ctime = current_time();
	if (ext2_write_inode(inode, false))
		ext2_error(inode->i_sb, "inode %lu: cannot write it back while freeing it",
			   inode->i_ino);
	ext2_free_inode(inode);
}
