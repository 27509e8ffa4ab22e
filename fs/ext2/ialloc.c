/*
 * ext2: inode allocation and the inode bitmaps.
 *
 * Owns: the inode bitmap of every group, and the counts that must agree
 * with it: bg_free_inodes_count and bg_used_dirs_count of the group,
 * s_free_inodes_count of the superblock. All change together under s_lock.
 *
 * Policy (Linux's ext2 before the Orlov allocator):
 *   - a directory goes to a group with at least the average number of
 *     free inodes, the one of those with the most free blocks, so that
 *     directory trees spread over the disk;
 *   - anything else goes to its parent's group if that has a free inode
 *     and a free block, else to a group found by quadratic hashing from
 *     it, else to the first group with a free inode: a file stays near
 *     its directory, and its blocks near it (balloc.c starts there).
 * Inodes below s_first_ino are reserved (root, journal, resize inode...)
 * and never handed out.
 *
 * Locks: s_lock around the choice and the bitmap change; new_inode() is
 * called after it is dropped (it allocates memory).
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

/* Read @group's inode bitmap. Context: s_lock held; may sleep. */
static struct buffer_head *ext2_read_inode_bitmap(struct super_block *sb, u32 group)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	struct buffer_head *bh = NULL;

	if (ext2_block_in_fs(EXT2_SB(sb), gd->bg_inode_bitmap))
		bh = bread(sb->s_bdev, gd->bg_inode_bitmap, sb->s_blocksize);
	if (IS_ERR_OR_NULL(bh)) {
		ext2_error_locked(sb, "cannot read inode bitmap %u of group %u",
				  gd->bg_inode_bitmap, group);
		return ERR_PTR(-EIO);
	}
	return bh;
}

/* Keep the descriptor and superblock counts in step with a bitmap change
 * of @delta inodes (-1 allocated, +1 freed). Context: s_lock held. */
static void ext2_adjust_free_inodes_locked(struct super_block *sb, u32 group, int delta,
					   bool is_dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct buffer_head *gdbh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gdbh);

	ASSERT_MUTEX_HELD(&sbi->s_lock);
	gd->bg_free_inodes_count = (u16)(gd->bg_free_inodes_count + delta);
	if (is_dir)
		gd->bg_used_dirs_count = (u16)(gd->bg_used_dirs_count - delta);
	mark_buffer_dirty(gdbh);
	sbi->s_es->s_free_inodes_count += (u32)delta;
	ext2_sb_dirty_locked(sbi);
}

/* A group for a new directory: at least average free inodes, then the
 * most free blocks. Returns the group or -ENOSPC. Context: s_lock held. */
static int ext2_find_group_dir(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 avg_free = sbi->s_es->s_free_inodes_count / sbi->s_groups_count;
	struct ext2_group_desc *best = NULL;
	int best_group = -ENOSPC;

	for (u32 g = 0; g < sbi->s_groups_count; g++) {
		struct ext2_group_desc *gd = ext2_get_group_desc(sb, g, NULL);

		if (!gd->bg_free_inodes_count || gd->bg_free_inodes_count < avg_free)
			continue;
		if (!best || gd->bg_free_blocks_count > best->bg_free_blocks_count) {
			best = gd;
			best_group = (int)g;
		}
	}
	return best_group;
}

static bool ext2_group_has_room(struct super_block *sb, u32 group, bool need_block)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);

	return gd->bg_free_inodes_count && (!need_block || gd->bg_free_blocks_count);
}

/* A group for a new file near its directory @parent_group. Returns the
 * group or -ENOSPC. Context: s_lock held. */
static int ext2_find_group_other(struct super_block *sb, u32 parent_group, unsigned long dir_ino)
{
	u32 ngroups = EXT2_SB(sb)->s_groups_count;
	u32 group;

	if (ext2_group_has_room(sb, parent_group, true))
		return (int)parent_group;
	/* Quadratic hashing: spreads the overflow of one busy group. */
	group = (parent_group + (u32)dir_ino) % ngroups;
	for (u32 i = 1; i < ngroups; i <<= 1) {
		group = (group + i) % ngroups;
		if (ext2_group_has_room(sb, group, true))
			return (int)group;
	}
	for (u32 i = 0; i < ngroups; i++) {
		group = (parent_group + i) % ngroups;
		if (ext2_group_has_room(sb, group, false))
			return (int)group;
	}
	return -ENOSPC;
}

/*
 * Take a free inode of @group. Returns its number, 0 if the bitmap has
 * none (the descriptor was wrong: reported), or -EIO.
 * Context: s_lock held.
 */
static long ext2_take_inode_in_group(struct super_block *sb, u32 group, bool is_dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 first = group == 0 ? sbi->s_first_ino - 1 : 0;
	struct buffer_head *bh = ext2_read_inode_bitmap(sb, group);
	u32 bit;

	if (IS_ERR(bh))
		return -EIO;
	bit = ext2_find_next_zero_bit(bh->b_data, sbi->s_inodes_per_group, first);
	if (bit >= sbi->s_inodes_per_group) {
		brelse(bh);
		ext2_error_locked(sb, "group %u: descriptor counts free inodes, bitmap has none", group);
		return 0;
	}
	ext2_set_bit(bh->b_data, bit);
	mark_buffer_dirty(bh);
	brelse(bh);
	ext2_adjust_free_inodes_locked(sb, group, -1, is_dir);
	return (long)group * sbi->s_inodes_per_group + bit + 1;
}

/* Choose a group and take an inode in it. Returns the inode number or
 * -ENOSPC / -EIO. Context: takes s_lock. */
static long ext2_alloc_ino(struct inode *dir, bool is_dir, u32 *groupp)
{
	struct super_block *sb = dir->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	long ino = -ENOSPC;
	int group;

	mutex_lock(&sbi->s_lock);
	if (!sbi->s_es->s_free_inodes_count)
		goto out_unlock;
	group = is_dir ? ext2_find_group_dir(sb)
		       : ext2_find_group_other(sb, EXT2_I(dir)->i_block_group, dir->i_ino);
	/* A descriptor may lie (reported, and skipped): try the others too. */
	for (u32 i = 0; group >= 0 && i < sbi->s_groups_count; i++) {
		u32 g = ((u32)group + i) % sbi->s_groups_count;

		if (!ext2_group_has_room(sb, g, false))
			continue;
		ino = ext2_take_inode_in_group(sb, g, is_dir);
		if (ino) {
			*groupp = g;
			break;
		}
		ino = -ENOSPC;
	}
out_unlock:
	mutex_unlock(&sbi->s_lock);
	return ino;
}

/* Give inode @ino back to the bitmap. Context: takes s_lock. */
static void ext2_release_ino(struct super_block *sb, unsigned long ino, bool is_dir)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group = (u32)((ino - 1) / sbi->s_inodes_per_group);
	u32 bit = (u32)((ino - 1) % sbi->s_inodes_per_group);
	struct buffer_head *bh;

	mutex_lock(&sbi->s_lock);
	bh = ext2_read_inode_bitmap(sb, group);
	if (IS_ERR(bh))
		goto out_unlock;
	if (!ext2_test_bit(bh->b_data, bit)) {
		ext2_error_locked(sb, "freeing inode %lu, which is already free", ino);
	} else {
		ext2_clear_bit(bh->b_data, bit);
		mark_buffer_dirty(bh);
		ext2_adjust_free_inodes_locked(sb, group, 1, is_dir);
	}
	brelse(bh);
out_unlock:
	mutex_unlock(&sbi->s_lock);
}

/* The in-memory fields of a brand-new inode (written at the next sync). */
static void ext2_init_new_inode(struct inode *inode, struct inode *dir, umode_t mode, u32 group)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	ei->i_block_group = group;
	ei->i_new = true;
	inode->i_mode = mode;
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	if (dir->i_mode & S_ISGID) {            /* BSD group semantics, as Linux */
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			inode->i_mode |= S_ISGID;
	}
	/* A set-group-ID file of a group its creator is not in loses the bit
	 * (Linux's mode_strip_sgid), unless root made it. */
	if (!S_ISDIR(mode) && (mode & S_ISGID) && (mode & S_IXGRP) &&
	    !in_group_p(inode->i_gid) && !capable_fs())
		inode->i_mode &= ~S_ISGID;
	inode->i_nlink = S_ISDIR(mode) ? 2 : 1; /* a directory's "." counts */
	inode->i_size = 0;
	inode->i_blocks = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
	ext2_set_inode_ops(inode);
	mark_inode_dirty(inode);
}

/*
 * Allocate an inode for a new file of type @mode in @dir: on disk (bitmap
 * and counts) and in memory, referenced, fields set, marked dirty. The
 * caller links it into @dir; on failure it sets i_nlink to 0 and drops it,
 * which frees it again (ext2_evict_inode).
 * Returns the inode or ERR_PTR(-ENOSPC, -EIO, -ENOMEM, -EROFS).
 * Context: may sleep; the VFS holds @dir's i_rwsem.
 */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode)
{
	struct super_block *sb = dir->i_sb;
	struct inode *inode;
	u32 group = 0;
	long ino;

	if (sb->s_readonly)
		return ERR_PTR(-EROFS);
	ino = ext2_alloc_ino(dir, S_ISDIR(mode), &group);
	if (ino < 0)
		return ERR_PTR(ino);
	inode = new_inode(sb, (unsigned long)ino);
	if (PTR_ERR(inode) == -EBUSY) {
		/* The bitmap called a cached, live inode free (a corrupted
		 * disk). Its bit is set now, which is the truth: keep it. */
		ext2_error(sb, "inode %ld is in use but its bitmap bit was clear", ino);
		return ERR_PTR(-EIO);
	}
	if (IS_ERR(inode)) {
		ext2_release_ino(sb, (unsigned long)ino, S_ISDIR(mode));
		return inode;
	}
	ext2_init_new_inode(inode, dir, mode, group);
	return inode;
}

/*
 * Free @inode's slot in the inode bitmap (its blocks are already freed and
 * the inode written with i_links_count 0 and i_dtime set).
 * Context: may sleep; from ext2_evict_inode.
 */
void ext2_free_inode(struct inode *inode)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);

	if (inode->i_ino < sbi->s_first_ino || inode->i_ino > sbi->s_inodes_count) {
		ext2_error(inode->i_sb, "freeing reserved or nonexistent inode %lu", inode->i_ino);
		return;
	}
	ext2_release_ino(inode->i_sb, inode->i_ino, S_ISDIR(inode->i_mode));
}

/* The sum of the groups' free inodes. Context: at mount, or s_lock held. */
u32 ext2_count_free_inodes(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 total = 0;

	for (u32 g = 0; g < sbi->s_groups_count; g++)
		total += ext2_get_group_desc(sb, g, NULL)->bg_free_inodes_count;
	return total;
}
