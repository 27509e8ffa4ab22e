/*
 * ext2: block allocation, the block bitmaps, and the group descriptors.
 *
 * Owns: the block bitmap of every group (one block each, read through the
 * buffer cache), and the free-block counts kept in three places that must
 * agree: the bitmap, bg_free_blocks_count of the group, and
 * s_free_blocks_count of the superblock. Every change to one changes the
 * others in the same s_lock section, so they agree whenever s_lock is free.
 *
 * Policy: a new block goes at the caller's goal if free, else at the next
 * free block after it in the goal's group, then in the following groups
 * (wrapping). The block map passes "the previous block of the file + 1"
 * as the goal, so a file written in order is laid out in order. The
 * superuser's reserve (s_r_blocks_count) is not enforced: every Faultline
 * task is root for now; statfs reports it in f_bavail.
 *
 * Corruption: a bitmap that marks a metadata block (superblock copy, GDT,
 * bitmaps, inode table) free, a block to free outside the data area, or
 * a bit already clear are reported with ext2_error and refused; nothing
 * here panics on what it reads from disk.
 *
 * Locks: sbi->s_lock (a mutex) around every bitmap and counter change;
 * bread() may sleep inside it. Callers may hold the inode's
 * truncate_mutex (block map -> allocator, never the other way).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bhp)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 block = group / sbi->s_desc_per_block;
	u32 index = group % sbi->s_desc_per_block;
	struct buffer_head *bh;

	ASSERT(group < sbi->s_groups_count);
	bh = sbi->s_group_desc[block];
	if (bhp)
		*bhp = bh;
	return (struct ext2_group_desc *)bh->b_data + index;
}

static bool ext2_is_power_of(u32 n, u32 base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* Does group @group hold a copy of the superblock and GDT? With
 * sparse_super only groups 0, 1 and powers of 3, 5 and 7 do. */
bool ext2_group_has_super(struct ext2_sb_info *sbi, u32 group)
{
	if (group <= 1 || !sbi->s_sparse_super)
		return true;
	return ext2_is_power_of(group, 3) || ext2_is_power_of(group, 5) ||
	       ext2_is_power_of(group, 7);
}

/* Blocks at the start of @group taken by the superblock, GDT and reserved
 * GDT copies (0 in a group without a copy). */
static u32 ext2_group_super_blocks(struct ext2_sb_info *sbi, u32 group)
{
	if (!ext2_group_has_super(sbi, group))
		return 0;
	return 1 + sbi->s_gdb_count + sbi->s_reserved_gdt_blocks;
}

u32 ext2_overhead_blocks(struct ext2_sb_info *sbi)
{
	u32 overhead = sbi->s_first_data_block;

	for (u32 g = 0; g < sbi->s_groups_count; g++)
		overhead += ext2_group_super_blocks(sbi, g) + 2 + sbi->s_itb_per_group;
	return overhead;
}

/* Is @block one of @group's metadata blocks, which no file may own? */
static bool ext2_in_system_zone(struct super_block *sb, u32 group, u32 block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	u32 first = ext2_group_first_block(sbi, group);

	if (block < first + ext2_group_super_blocks(sbi, group))
		return true;
	if (block == gd->bg_block_bitmap || block == gd->bg_inode_bitmap)
		return true;
	return block >= gd->bg_inode_table && block < gd->bg_inode_table + sbi->s_itb_per_group;
}

u32 ext2_find_next_zero_bit(const u8 *map, u32 size, u32 start)
{
	u32 bit = start;

	while (bit < size) {
		if ((bit & 7) == 0 && map[bit >> 3] == 0xff) {
			bit += 8;               /* a full byte: skip it whole */
			continue;
		}
		if (!ext2_test_bit(map, bit))
			return bit;
		bit++;
	}
	return size;
}

/* Read @group's block bitmap. Context: s_lock held; may sleep. */
static struct buffer_head *ext2_read_block_bitmap(struct super_block *sb, u32 group)
{
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	struct buffer_head *bh = bread(sb->s_bdev, gd->bg_block_bitmap, sb->s_blocksize);

	if (IS_ERR(bh)) {
		ext2_error_locked(sb, "cannot read block bitmap %u of group %u",
				  gd->bg_block_bitmap, group);
		return ERR_PTR(-EIO);
	}
	return bh;
}

/* One block was taken (@delta -1) or @delta were freed in @group: keep the
 * descriptor and the superblock in step with the bitmap. */
static void ext2_adjust_free_blocks_locked(struct super_block *sb, u32 group, int delta)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct buffer_head *gdbh;
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, &gdbh);

	ASSERT_MUTEX_HELD(&sbi->s_lock);
	gd->bg_free_blocks_count = (u16)(gd->bg_free_blocks_count + delta);
	mark_buffer_dirty(gdbh);
	sbi->s_es->s_free_blocks_count += (u32)delta;
	ext2_sb_dirty_locked(sbi);
}

/*
 * Take a free block of @group, searching from bit @start and wrapping.
 * Returns 0 with *@block set, -ENOSPC if the group has none, -EIO if its
 * bitmap cannot be read or is corrupt. Context: s_lock held.
 */
static int ext2_alloc_in_group(struct super_block *sb, u32 group, u32 start, u32 *block)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	struct ext2_group_desc *gd = ext2_get_group_desc(sb, group, NULL);
	u32 n = ext2_group_nblocks(sbi, group);
	struct buffer_head *bh;
	u32 bit;

	if (!gd->bg_free_blocks_count)
		return -ENOSPC;
	bh = ext2_read_block_bitmap(sb, group);
	if (IS_ERR(bh))
		return -EIO;
	bit = ext2_find_next_zero_bit(bh->b_data, n, start);
	if (bit >= n && start) {
		bit = ext2_find_next_zero_bit(bh->b_data, start, 0);
		if (bit >= start)
			bit = n;                /* none before @start either */
	}
	if (bit >= n) {
		brelse(bh);
		ext2_error_locked(sb, "group %u: descriptor counts %u free blocks, bitmap has none",
				  group, gd->bg_free_blocks_count);
		return -ENOSPC;
	}
	*block = ext2_group_first_block(sbi, group) + bit;
	if (ext2_in_system_zone(sb, group, *block)) {
		brelse(bh);
		ext2_error_locked(sb, "bitmap of group %u marks metadata block %u free", group, *block);
		return -EIO;
	}
	ext2_set_bit(bh->b_data, bit);
	mark_buffer_dirty(bh);
	brelse(bh);
	ext2_adjust_free_blocks_locked(sb, group, -1);
	return 0;
}

/*
 * Allocate one block for @inode, as near @goal as possible (0: anywhere
 * near the inode). Returns 0 with *@block set, -ENOSPC, -EIO or -EROFS.
 * The block's contents are whatever was there: the caller initialises it.
 * Context: may sleep; takes s_lock.
 */
int ext2_new_block(struct inode *inode, u32 goal, u32 *block)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 group, start;
	int err = -ENOSPC;

	if (sb->s_readonly)
		return -EROFS;
	if (!ext2_block_in_fs(sbi, goal))
		goal = ext2_group_first_block(sbi, EXT2_I(inode)->i_block_group);
	group = ext2_block_group(sbi, goal);
	start = goal - ext2_group_first_block(sbi, group);
	mutex_lock(&sbi->s_lock);
	if (!sbi->s_es->s_free_blocks_count)
		goto out_unlock;
	for (u32 i = 0; i < sbi->s_groups_count; i++) {
		u32 g = (group + i) % sbi->s_groups_count;

		err = ext2_alloc_in_group(sb, g, i ? 0 : start, block);
		if (err != -ENOSPC)
			break;
	}
out_unlock:
	mutex_unlock(&sbi->s_lock);
	return err;
}

/* Free @count blocks from @block, all inside @group. Context: s_lock held. */
static void ext2_free_in_group(struct inode *inode, u32 group, u32 block, u32 count)
{
	struct super_block *sb = inode->i_sb;
	u32 bit = block - ext2_group_first_block(EXT2_SB(sb), group);
	struct buffer_head *bh;
	u32 freed = 0;

	for (u32 i = 0; i < count; i++) {
		if (ext2_in_system_zone(sb, group, block + i)) {
			ext2_error_locked(sb, "inode %lu: freeing metadata block %u",
					  inode->i_ino, block + i);
			return;
		}
	}
	bh = ext2_read_block_bitmap(sb, group);
	if (IS_ERR(bh))
		return;
	for (u32 i = 0; i < count; i++) {
		if (!ext2_test_bit(bh->b_data, bit + i)) {
			ext2_error_locked(sb, "inode %lu: block %u is already free",
					  inode->i_ino, block + i);
			continue;
		}
		ext2_clear_bit(bh->b_data, bit + i);
		freed++;
	}
	mark_buffer_dirty(bh);
	brelse(bh);
	if (freed)
		ext2_adjust_free_blocks_locked(sb, group, (int)freed);
}

/*
 * Free @count blocks starting at @block, which belonged to @inode (the
 * caller has already dropped them from its block map and i_blocks, and
 * called bforget on any that held metadata). Blocks outside the data area
 * are refused with an error. Context: may sleep; takes s_lock.
 */
void ext2_free_blocks(struct inode *inode, u32 block, u32 count)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);

	if (!count)
		return;
	if (!ext2_block_in_fs(sbi, block) || count > sbi->s_blocks_count - block) {
		ext2_error(sb, "inode %lu: freeing blocks %u..+%u outside the filesystem",
			   inode->i_ino, block, count);
		return;
	}
	mutex_lock(&sbi->s_lock);
	while (count) {
		u32 group = ext2_block_group(sbi, block);
		u32 end = ext2_group_first_block(sbi, group) + ext2_group_nblocks(sbi, group);
		u32 n = min(count, end - block);

		ext2_free_in_group(inode, group, block, n);
		block += n;
		count -= n;
	}
	mutex_unlock(&sbi->s_lock);
}

/* The sum of the groups' free blocks. Context: at mount, or s_lock held. */
u32 ext2_count_free_blocks(struct super_block *sb)
{
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	u32 total = 0;

	for (u32 g = 0; g < sbi->s_groups_count; g++)
		total += ext2_get_group_desc(sb, g, NULL)->bg_free_blocks_count;
	return total;
}
