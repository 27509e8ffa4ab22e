/*
 * ext2: the block map, from a file's block numbers to the disk's, and
 * truncation, which takes blocks off its end.
 *
 * i_block[0..11] map file blocks 0..11 directly. i_block[12] names a
 * single-indirect block of P block numbers (P = blocksize / 4), i_block[13]
 * a double-indirect block of P single-indirect ones, i_block[14] a
 * triple-indirect block (docs/ext2.md has the picture). A 0 anywhere is a
 * hole: the file block reads as zeros and has no disk block (nor, if the
 * whole subtree is empty, any indirect block).
 *
 * Owns: ext2_inode_info.i_data (the roots), the indirect blocks (in the
 * buffer cache), i_blocks (data plus indirect blocks, in 512-byte units),
 * and the allocation hint i_next_alloc_*.
 *
 * Locks: the inode's truncate_mutex around every walk and every change
 * of the map. get_block(create) is called with a page lock held but not
 * always i_rwsem (writeback of a page dirtied through a mapping), so the
 * map needs a lock of its own; truncate runs with i_rwsem held and takes
 * it too. Under it: s_lock (balloc.c), and buffer I/O. Two tasks never
 * allocate the same file block, because both would hold its page lock.
 *
 * Corruption: a block number past the end of the filesystem, in i_block
 * or an indirect block, gives -EIO and a message naming the inode.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

#define EXT2_MAX_DEPTH 4                        /* i_block + three indirect levels */

/*
 * The path to file block @iblock: the index in i_block[] and then in each
 * indirect block down to the data block's pointer. Returns the path's
 * length (1..4), or -EFBIG past what the format can map.
 */
static int ext2_block_to_path(struct inode *inode, u64 iblock, unsigned int offsets[EXT2_MAX_DEPTH])
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	unsigned int bits = sbi->s_addr_per_block_bits;
	u64 ptrs = sbi->s_addr_per_block, mask = ptrs - 1;

	if (iblock < EXT2_NDIR_BLOCKS) {
		offsets[0] = (unsigned int)iblock;
		return 1;
	}
	iblock -= EXT2_NDIR_BLOCKS;
	if (iblock < ptrs) {
		offsets[0] = EXT2_IND_BLOCK;
		offsets[1] = (unsigned int)iblock;
		return 2;
	}
	iblock -= ptrs;
	if (iblock < ptrs << bits) {
		offsets[0] = EXT2_DIND_BLOCK;
		offsets[1] = (unsigned int)(iblock >> bits);
		offsets[2] = (unsigned int)(iblock & mask);
		return 3;
	}
	iblock -= ptrs << bits;
	if (iblock < ptrs << (2 * bits)) {
		offsets[0] = EXT2_TIND_BLOCK;
		offsets[1] = (unsigned int)(iblock >> (2 * bits));
		offsets[2] = (unsigned int)((iblock >> bits) & mask);
		offsets[3] = (unsigned int)(iblock & mask);
		return 4;
	}
	return -EFBIG;
}

/* Where a new block for the pointer at @slot should go: after the file's
 * previous allocation if this one continues it, else after the nearest
 * mapped block before @slot in the same array, else after the indirect
 * block holding @slot, else anywhere near the inode (0). */
static u32 ext2_find_goal(struct inode *inode, u64 iblock, const u32 *array,
			  unsigned int index, struct buffer_head *bh)
{
	struct ext2_inode_info *ei = EXT2_I(inode);

	if (ei->i_next_alloc_goal && iblock == ei->i_next_alloc_block + 1)
		return ei->i_next_alloc_goal + 1;
	for (unsigned int i = index; i > 0; i--)
		if (array[i - 1])
			return array[i - 1] + 1;
	return bh ? (u32)bh->b_blocknr + 1 : 0;
}

/* The pointer array at one level of the walk: i_data, or an indirect block. */
struct ext2_level {
	u32 *array;
	struct buffer_head *bh;                 /* NULL for i_data */
};

/* @level's array changed: mark whichever holds it dirty. */
static void ext2_level_dirty(struct inode *inode, struct ext2_level *level)
{
	if (level->bh)
		mark_buffer_dirty(level->bh);
	else
		mark_inode_dirty(inode);
}

/*
 * Allocate the missing block at @level->array[@index]: a data block if
 * @leaf, else an indirect block, which is zeroed (so its pointers read as
 * holes) and returned in *@new_bh. Context: truncate_mutex held.
 */
static int ext2_alloc_at(struct inode *inode, u64 iblock, struct ext2_level *level,
			 unsigned int index, bool leaf, struct buffer_head **new_bh)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct super_block *sb = inode->i_sb;
	u32 goal = ext2_find_goal(inode, iblock, level->array, index, level->bh);
	u32 block;
	int err = ext2_new_block(inode, goal, &block);

	if (err)
		return err;
	if (!leaf) {
		struct buffer_head *bh = getblk(sb->s_bdev, block, sb->s_blocksize);

		if (IS_ERR(bh)) {
			ext2_free_blocks(inode, block, 1);
			return (int)PTR_ERR(bh);
		}
		memset(bh->b_data, 0, sb->s_blocksize);
		set_buffer_uptodate(bh);
		mark_buffer_dirty(bh);
		*new_bh = bh;
	} else {
		ei->i_next_alloc_block = iblock;
	}
	/* Remembered for indirect blocks too, so the data block follows it. */
	ei->i_next_alloc_goal = block;
	level->array[index] = block;
	ext2_level_dirty(inode, level);
	inode->i_blocks += sb->s_blocksize >> 9;
	mark_inode_dirty(inode);
	return 0;
}

/* Descend from @level into indirect block @block: read it (or take the
 * buffer just allocated, @fresh), and make it the current level. */
static int ext2_descend(struct inode *inode, struct ext2_level *level, u32 block,
			struct buffer_head *fresh)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh = fresh ? fresh : bread(sb->s_bdev, block, sb->s_blocksize);

	/* No memory for the buffer is not a broken filesystem: the fault
	 * path turns -ENOMEM into VM_FAULT_OOM (the OOM killer, then a
	 * retry), where -EIO would be a SIGBUS. Since reclaim evicts mapped
	 * program text, a fault under OOM pressure can land here. */
	if (IS_ERR(bh) && PTR_ERR(bh) == -ENOMEM)
		return -ENOMEM;
	if (IS_ERR(bh)) {
		ext2_error(sb, "inode %lu: cannot read indirect block %u", inode->i_ino, block);
		return -EIO;
	}
	brelse(level->bh);
	level->bh = bh;
	level->array = bh->b_data;
	return 0;
}

/* The walk itself. Context: truncate_mutex held. */
static int ext2_map_locked(struct inode *inode, u64 iblock, const unsigned int *offsets,
			   int depth, u64 *pblk, bool create)
{
	struct ext2_level level = { EXT2_I(inode)->i_data, NULL };
	int err = 0;

	for (int d = 0; d < depth; d++) {
		struct buffer_head *fresh = NULL;
		u32 block = level.array[offsets[d]];

		if (block && !ext2_block_in_fs(EXT2_SB(inode->i_sb), block)) {
			ext2_error(inode->i_sb, "inode %lu: file block %llu: level %d pointer %u is "
				   "past the end of the filesystem", inode->i_ino,
				   (unsigned long long)iblock, d, block);
			err = -EIO;
			break;
		}
		if (!block && !create) {
			*pblk = 0;                      /* a hole */
			break;
		}
		if (!block) {
			err = ext2_alloc_at(inode, iblock, &level, offsets[d], d == depth - 1, &fresh);
			if (err)
				break;
			block = level.array[offsets[d]];
		}
		if (d == depth - 1) {
			*pblk = block;
			break;
		}
		err = ext2_descend(inode, &level, block, fresh);
		if (err)
			break;
	}
	brelse(level.bh);
	return err;
}

/*
 * Map file block @iblock of @inode (see block_io.h for the contract). A
 * new data block is not zeroed: the page cache writes it whole before it
 * can be read (block_io.c), and directories fill theirs (dir.c).
 * Returns 0, -ENOSPC, -EIO, -EFBIG or -EROFS. Context: may sleep; takes
 * truncate_mutex, and s_lock when allocating.
 */
int ext2_get_block(struct inode *inode, u64 iblock, u64 *pblk, bool create)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	unsigned int offsets[EXT2_MAX_DEPTH];
	int depth = ext2_block_to_path(inode, iblock, offsets);
	int err;

	*pblk = 0;
	if (depth < 0)
		return create ? depth : 0;      /* nothing is mapped out there */
	if (create && (iblock << inode->i_sb->s_blocksize_bits) >= (u64)inode->i_sb->s_maxbytes)
		return -EFBIG;
	mutex_lock(&ei->truncate_mutex);
	err = ext2_map_locked(inode, iblock, offsets, depth, pblk, create);
	mutex_unlock(&ei->truncate_mutex);
	return err;
}

/*
 * ->readahead's mapping (map_blocks_t, include/fs/block_io.h): the walk of
 * ext2_map_locked without allocation, which at the last level counts how
 * many of the following pointers of the same array continue the block on
 * the disk. A 1 KiB-block file has its blocks below a double-indirect
 * block: mapping a 4 KiB page took four walks of two buffer lookups each,
 * and readahead's share of the CPU was mostly the buffer cache's locks.
 * Context: may sleep; takes truncate_mutex.
 */
int ext2_map_blocks(struct inode *inode, u64 iblock, unsigned int max, u64 *pblk)
{
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_level level = { ei->i_data, NULL };
	unsigned int offsets[EXT2_MAX_DEPTH], run = 1;
	int depth = ext2_block_to_path(inode, iblock, offsets);
	int err = 0;

	*pblk = 0;
	if (depth < 0)
		return 1;                       /* nothing is mapped out there */
	mutex_lock(&ei->truncate_mutex);
	for (int d = 0; d < depth; d++) {
		unsigned int at = offsets[d], end;
		u32 block = level.array[at];

		if (block && !ext2_block_in_fs(sbi, block)) {
			ext2_error(inode->i_sb, "inode %lu: file block %llu: level %d pointer %u is "
				   "past the end of the filesystem", inode->i_ino,
				   (unsigned long long)iblock, d, block);
			err = -EIO;
			break;
		}
		if (!block)
			break;                  /* a hole */
		if (d < depth - 1) {
			err = ext2_descend(inode, &level, block, NULL);
			if (err)
				break;
			continue;
		}
		*pblk = block;
		end = depth == 1 ? EXT2_NDIR_BLOCKS : sbi->s_addr_per_block;
		while (run < max && at + run < end && level.array[at + run] == block + run &&
		       ext2_block_in_fs(sbi, block + run))
			run++;
	}
	brelse(level.bh);
	mutex_unlock(&ei->truncate_mutex);
	return err ? err : (int)run;
}

/* ---- truncation ------------------------------------------------------------- */

/* @count blocks left the inode: i_blocks, which counts 512-byte units,
 * drops (never below 0, even if the disk's count was wrong). */
static void ext2_sub_blocks(struct inode *inode, u64 count)
{
	u64 units = count << (inode->i_sb->s_blocksize_bits - 9);

	inode->i_blocks = inode->i_blocks > units ? inode->i_blocks - units : 0;
}

/* Free the data blocks @p[0..@n), coalescing runs of adjacent blocks into
 * one ext2_free_blocks call; zero the pointers. Returns how many pointers
 * were set. Context: truncate_mutex held. */
static unsigned int ext2_free_data(struct inode *inode, u32 *p, unsigned int n)
{
	struct super_block *sb = inode->i_sb;
	u32 run_start = 0, run_len = 0;
	unsigned int freed = 0;

	for (unsigned int i = 0; i < n; i++) {
		u32 block = p[i];

		if (!block)
			continue;
		p[i] = 0;
		freed++;
		/* A directory's blocks are metadata in the buffer cache. */
		if (S_ISDIR(inode->i_mode)) {
			struct buffer_head *bh = ext2_block_in_fs(EXT2_SB(sb), block) ?
						 getblk(sb->s_bdev, block, sb->s_blocksize) : NULL;

			if (!IS_ERR_OR_NULL(bh))
				bforget(bh);
		}
		if (run_len && block == run_start + run_len) {
			run_len++;
			continue;
		}
		ext2_free_blocks(inode, run_start, run_len);
		run_start = block;
		run_len = 1;
	}
	ext2_free_blocks(inode, run_start, run_len);
	ext2_sub_blocks(inode, freed);
	return freed;
}

static bool ext2_all_zero(const u32 *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Done with the indirect block *@slot (in @bh): if no pointer is left in
 * it, free it and clear *@slot, else keep it. Context: truncate_mutex held. */
static void ext2_put_indirect(struct inode *inode, u32 *slot, struct buffer_head *bh)
{
	struct super_block *sb = inode->i_sb;
	u32 block = *slot;

	if (!ext2_all_zero(bh->b_data, EXT2_SB(sb)->s_addr_per_block)) {
		mark_buffer_dirty(bh);
		brelse(bh);
		return;
	}
	bforget(bh);                            /* its stale contents must never be written */
	*slot = 0;
	ext2_free_blocks(inode, block, 1);
	ext2_sub_blocks(inode, 1);
}

/*
 * Free everything at relative file block >= @from in the subtree of
 * @depth levels (1: an indirect block of data pointers) rooted at *@slot,
 * and the root itself if nothing is left under it (clearing *@slot).
 * Returns 0 or -EIO (a bad pointer: left in place, reported).
 * Context: truncate_mutex held.
 */
static int ext2_truncate_tree(struct inode *inode, u32 *slot, unsigned int depth, u64 from)
{
	struct super_block *sb = inode->i_sb;
	struct ext2_sb_info *sbi = EXT2_SB(sb);
	unsigned int ptrs = sbi->s_addr_per_block;
	u64 span = 1ULL << ((depth - 1) * sbi->s_addr_per_block_bits);
	unsigned int first = (unsigned int)(from / span);
	struct buffer_head *bh;
	u32 *p;
	int err = 0;

	if (!*slot)
		return 0;
	if (!ext2_block_in_fs(sbi, *slot)) {
		ext2_error(sb, "inode %lu: indirect block %u is past the end of the filesystem",
			   inode->i_ino, *slot);
		return -EIO;
	}
	bh = bread(sb->s_bdev, *slot, sb->s_blocksize);
	if (IS_ERR(bh)) {
		ext2_error(sb, "inode %lu: cannot read indirect block %u", inode->i_ino, *slot);
		return -EIO;
	}
	p = bh->b_data;
	if (depth == 1) {
		ext2_free_data(inode, p + first, ptrs - first);
	} else {
		for (unsigned int i = first; i < ptrs; i++) {
			int e = ext2_truncate_tree(inode, &p[i], depth - 1, i == first ? from % span : 0);

			if (e)
				err = e;
		}
	}
	ext2_put_indirect(inode, slot, bh);
	return err;
}

/* Free every block at file block >= @first. Context: truncate_mutex held. */
static int ext2_truncate_locked(struct inode *inode, u64 first)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	struct ext2_sb_info *sbi = EXT2_SB(inode->i_sb);
	u64 start = EXT2_NDIR_BLOCKS, span = sbi->s_addr_per_block;
	int err = 0;

	if (first < EXT2_NDIR_BLOCKS)
		ext2_free_data(inode, ei->i_data + first, EXT2_NDIR_BLOCKS - (unsigned int)first);
	for (unsigned int depth = 1; depth <= 3; depth++) {
		u32 *root = &ei->i_data[EXT2_IND_BLOCK + depth - 1];

		if (first < start + span) {
			int e = ext2_truncate_tree(inode, root, depth,
						   first > start ? first - start : 0);

			if (e)
				err = e;
		}
		start += span;
		span <<= sbi->s_addr_per_block_bits;
	}
	/* The next allocation must not continue a run that is gone. */
	ei->i_next_alloc_block = 0;
	ei->i_next_alloc_goal = 0;
	mark_inode_dirty(inode);
	return err;
}

/*
 * Free the blocks of @inode that hold no byte below @size, with the
 * indirect blocks left empty. Returns 0 or -EIO (corruption, reported;
 * everything else is still freed). Context: may sleep; takes
 * truncate_mutex; the caller holds i_rwsem or the last reference.
 */
int ext2_free_blocks_from(struct inode *inode, loff_t size)
{
	struct ext2_inode_info *ei = EXT2_I(inode);
	u64 first = ((u64)size + inode->i_sb->s_blocksize - 1) >> inode->i_sb->s_blocksize_bits;
	int err;

	mutex_lock(&ei->truncate_mutex);
	err = ext2_truncate_locked(inode, first);
	mutex_unlock(&ei->truncate_mutex);
	return err;
}

/* ---- the largest file ---------------------------------------------------------- */

/* Indirect blocks needed to map file blocks 0..@n-1. */
static u64 ext2_meta_blocks(u64 n, unsigned int addr_bits)
{
	u64 ptrs = 1ULL << addr_bits, meta = 0;

	if (n <= EXT2_NDIR_BLOCKS)
		return 0;
	n -= EXT2_NDIR_BLOCKS;
	meta++;                                 /* the single-indirect block */
	if (n <= ptrs)
		return meta;
	n -= ptrs;
	meta += 1 + DIV_ROUND_UP(min(n, ptrs * ptrs), ptrs);
	if (n <= ptrs * ptrs)
		return meta;
	n -= ptrs * ptrs;
	return meta + 1 + DIV_ROUND_UP(n, ptrs * ptrs) + DIV_ROUND_UP(n, ptrs);
}

/*
 * The largest file size: what the block map can address, and what
 * i_blocks (32 bits of 512-byte units, data and indirect blocks) can
 * count; without the large_file feature (revision 0), 2 GiB - 1.
 */
loff_t ext2_max_size(unsigned int blocksize_bits, bool large_file)
{
	unsigned int addr_bits = blocksize_bits - 2;
	u64 ptrs = 1ULL << addr_bits;
	u64 mappable = EXT2_NDIR_BLOCKS + ptrs + ptrs * ptrs + ptrs * ptrs * ptrs;
	u64 countable = 0xffffffffULL >> (blocksize_bits - 9);
	u64 lo = 0, hi = mappable;

	if (!large_file)
		return 0x7fffffffLL;
	/* The most data blocks n with n + ext2_meta_blocks(n) <= countable. */
	while (lo < hi) {
		u64 mid = lo + (hi - lo + 1) / 2;

		if (mid + ext2_meta_blocks(mid, addr_bits) <= countable)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (loff_t)(lo << blocksize_bits);
}
