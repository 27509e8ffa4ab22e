/*
 * ext2: directory entries.
 *
 * A directory is a file of whole blocks, each a chain of entries
 * (struct ext2_dir_entry_2) whose rec_len fields add up to exactly the
 * block; an entry never crosses a block. An entry with inode 0 is unused.
 *
 * Unlike Linux, whose ext2 keeps directories in the page cache, Faultline
 * reads directory blocks through the buffer cache (get_block, then
 * bread), like every other metadata block. That keeps one cache and one
 * dirty-tracking path for metadata, needs no page-sized directory chunks
 * and no kmap, and lets a directory block be validated as the block it is.
 * Directories have no a_ops, so no page can alias their blocks.
 *
 * Invariants:
 *   - every block is checked (ext2_check_dir_block) each time it is read,
 *     before any entry in it is trusted; a bad rec_len or name_len, or an
 *     inode number out of range, gives -EIO and a message;
 *   - an entry never moves once written: inserting splits an entry whose
 *     rec_len has room after its name (the new entry goes in the room),
 *     and deleting merges the entry's space into the previous entry's
 *     rec_len (or, first in its block, clears its inode). So a
 *     (block, offset) found under i_rwsem stays valid while it is held;
 *   - a directory that htree indexing (dir_index) marked with
 *     EXT2_INDEX_FL loses the flag at its first change: the index is not
 *     maintained, and an htree directory is a valid linear directory.
 *
 * Locks: the VFS holds the directory's i_rwsem shared around lookups and
 * readdir, exclusive around every change, so entries need no lock of
 * their own. Growing the directory takes its truncate_mutex (get_block).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

static struct ext2_dir_entry_2 *ext2_dirent(struct buffer_head *bh, unsigned int offset)
{
	return (struct ext2_dir_entry_2 *)((char *)bh->b_data + offset);
}

static u32 ext2_dir_blocks(struct inode *dir)
{
	return (u32)(READ_ONCE(dir->i_size) >> dir->i_sb->s_blocksize_bits);
}

static u8 ext2_file_type(struct super_block *sb, umode_t mode)
{
	if (!EXT2_SB(sb)->s_filetype)
		return EXT2_FT_UNKNOWN;
	switch (mode & S_IFMT) {
	case S_IFREG: return EXT2_FT_REG_FILE;
	case S_IFDIR: return EXT2_FT_DIR;
	case S_IFCHR: return EXT2_FT_CHRDEV;
	case S_IFBLK: return EXT2_FT_BLKDEV;
	case S_IFIFO: return EXT2_FT_FIFO;
	case S_IFSOCK: return EXT2_FT_SOCK;
	case S_IFLNK: return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static unsigned int ext2_dtype(struct super_block *sb, u8 file_type)
{
	static const unsigned char dtypes[EXT2_FT_MAX] = {
		DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK,
	};

	if (!EXT2_SB(sb)->s_filetype || file_type >= EXT2_FT_MAX)
		return DT_UNKNOWN;
	return dtypes[file_type];
}

/* What is wrong with the entry at @offset of a @bs-byte block, or NULL. */
static const char *ext2_bad_dirent(struct ext2_sb_info *sbi, struct ext2_dir_entry_2 *de,
				   unsigned int offset, unsigned int bs)
{
	if (bs - offset < sizeof(*de))
		return "entry header crosses the end of the block";
	if (de->rec_len < EXT2_DIR_REC_LEN(1))
		return "rec_len smaller than the smallest entry";
	if (de->rec_len % EXT2_DIR_PAD)
		return "rec_len not a multiple of 4";
	if (de->rec_len < EXT2_DIR_REC_LEN(de->name_len))
		return "rec_len too small for name_len";
	if (de->rec_len > bs - offset)
		return "entry crosses the end of the block";
	if (de->inode > sbi->s_inodes_count)
		return "inode number out of range";
	if (de->inode && !de->name_len)
		return "empty name";
	return NULL;
}

/* Check every entry of directory block @lblk. Returns 0 or -EIO. */
static int ext2_check_dir_block(struct inode *dir, struct buffer_head *bh, u32 lblk)
{
	unsigned int bs = dir->i_sb->s_blocksize, offset = 0;

	while (offset < bs) {
		struct ext2_dir_entry_2 *de = ext2_dirent(bh, offset);
		const char *why = ext2_bad_dirent(EXT2_SB(dir->i_sb), de, offset, bs);

		if (why) {
			ext2_error(dir->i_sb, "directory inode %lu, block %u, offset %u: %s "
				   "(rec_len %u, name_len %u, inode %u)", dir->i_ino, lblk, offset,
				   why, bs - offset >= sizeof(*de) ? de->rec_len : 0,
				   bs - offset >= sizeof(*de) ? de->name_len : 0,
				   bs - offset >= sizeof(*de) ? de->inode : 0);
			return -EIO;
		}
		offset += de->rec_len;
	}
	return 0;
}

/* Read and check directory block @lblk. Returns a referenced buffer or
 * ERR_PTR(-EIO). Context: may sleep. */
static struct buffer_head *ext2_dir_bread(struct inode *dir, u32 lblk)
{
	struct super_block *sb = dir->i_sb;
	struct buffer_head *bh;
	u64 pblk;
	int err = ext2_get_block(dir, lblk, &pblk, false);

	if (err)
		return ERR_PTR(err);
	if (!pblk) {
		ext2_error(sb, "directory inode %lu has a hole at block %u", dir->i_ino, lblk);
		return ERR_PTR(-EIO);
	}
	bh = bread(sb->s_bdev, pblk, sb->s_blocksize);
	if (IS_ERR(bh)) {
		ext2_error(sb, "directory inode %lu: cannot read block %u", dir->i_ino, lblk);
		return ERR_PTR(-EIO);
	}
	err = ext2_check_dir_block(dir, bh, lblk);
	if (err) {
		brelse(bh);
		return ERR_PTR(err);
	}
	return bh;
}

static bool ext2_match(struct ext2_dir_entry_2 *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && memcmp(de->name, name, len) == 0;
}

/* The directory changed: times, and the htree index no longer matches. */
static void ext2_dir_touch(struct inode *dir)
{
	dir->i_mtime = dir->i_ctime = current_time();
	EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
	mark_inode_dirty(dir);
}

/*
 * Find the entry named @name in @dir. Returns 0 with *@slot filled,
 * -ENOENT, or -EIO. Context: i_rwsem held (shared at least).
 */
int ext2_find_entry(struct inode *dir, const char *name, size_t len, struct ext2_dir_slot *slot)
{
	unsigned int bs = dir->i_sb->s_blocksize;
	u32 nblocks = ext2_dir_blocks(dir);

	for (u32 lblk = 0; lblk < nblocks; lblk++) {
		struct buffer_head *bh = ext2_dir_bread(dir, lblk);

		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		for (unsigned int off = 0; off < bs; off += ext2_dirent(bh, off)->rec_len) {
			struct ext2_dir_entry_2 *de = ext2_dirent(bh, off);

			if (ext2_match(de, name, len)) {
				*slot = (struct ext2_dir_slot){ lblk, off, de->inode };
				brelse(bh);
				return 0;
			}
		}
		brelse(bh);
	}
	return -ENOENT;
}

/* Write entry @name -> @inode over the unused entry @de (its rec_len kept). */
static void ext2_fill_dirent(struct super_block *sb, struct ext2_dir_entry_2 *de,
			     const char *name, size_t len, struct inode *inode)
{
	de->inode = (u32)inode->i_ino;
	de->name_len = (u8)len;
	de->file_type = ext2_file_type(sb, inode->i_mode);
	memcpy(de->name, name, len);
}

/*
 * The offset in @bh of an entry with room for @need bytes (unused and big
 * enough, or with that much slack after its name), or the block size if
 * none; -EEXIST if @name is met on the way.
 */
static int ext2_find_room(struct buffer_head *bh, unsigned int bs, const char *name,
			  size_t len, unsigned int need)
{
	for (unsigned int off = 0; off < bs; off += ext2_dirent(bh, off)->rec_len) {
		struct ext2_dir_entry_2 *de = ext2_dirent(bh, off);
		unsigned int used = de->inode ? EXT2_DIR_REC_LEN(de->name_len) : 0;

		if (ext2_match(de, name, len))
			return -EEXIST;
		if (de->rec_len >= used + need)
			return (int)off;
	}
	return (int)bs;
}

/* Insert @name -> @inode at the entry at @off of @bh (found by
 * ext2_find_room): split it, or reuse it if unused. */
static void ext2_insert_at(struct inode *dir, struct buffer_head *bh, unsigned int off,
			   const char *name, size_t len, struct inode *inode)
{
	struct ext2_dir_entry_2 *de = ext2_dirent(bh, off);

	if (de->inode) {
		unsigned int used = EXT2_DIR_REC_LEN(de->name_len);
		struct ext2_dir_entry_2 *room = ext2_dirent(bh, off + used);

		room->rec_len = (u16)(de->rec_len - used);
		de->rec_len = (u16)used;
		de = room;
	}
	ext2_fill_dirent(dir->i_sb, de, name, len, inode);
	mark_buffer_dirty(bh);
	ext2_dir_touch(dir);
}

/* Grow @dir by block @lblk, holding one unused entry spanning it.
 * Returns the new block's buffer or an ERR_PTR. */
static struct buffer_head *ext2_dir_append_block(struct inode *dir, u32 lblk)
{
	struct super_block *sb = dir->i_sb;
	struct buffer_head *bh;
	u64 pblk;
	int err = ext2_get_block(dir, lblk, &pblk, true);

	if (err)
		return ERR_PTR(err);
	bh = getblk(sb->s_bdev, pblk, sb->s_blocksize);
	if (IS_ERR(bh)) {
		/* Unmap it again: no directory block may lie past i_size. */
		ext2_free_blocks_from(dir, READ_ONCE(dir->i_size));
		return bh;
	}
	memset(bh->b_data, 0, sb->s_blocksize);
	ext2_dirent(bh, 0)->rec_len = (u16)sb->s_blocksize;
	set_buffer_uptodate(bh);
	mark_buffer_dirty(bh);
	inode_set_size(dir, (loff_t)(lblk + 1) << sb->s_blocksize_bits);
	return bh;
}

/*
 * Add the entry @name -> @inode to @dir, in the first block with room, or
 * in a new block at the end. Does not touch @inode's link count.
 * Returns 0, -EEXIST, -ENAMETOOLONG, -ENOSPC, -EFBIG or -EIO.
 * Context: @dir's i_rwsem held for writing.
 */
int ext2_add_link(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	unsigned int bs = dir->i_sb->s_blocksize;
	unsigned int need = EXT2_DIR_REC_LEN(len);
	u32 nblocks = ext2_dir_blocks(dir);
	struct buffer_head *bh;
	int off;

	if (!len)
		return -ENOENT;
	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	for (u32 lblk = 0; lblk < nblocks; lblk++) {
		bh = ext2_dir_bread(dir, lblk);
		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		off = ext2_find_room(bh, bs, name, len, need);
		if (off >= 0 && (unsigned int)off < bs)
			ext2_insert_at(dir, bh, (unsigned int)off, name, len, inode);
		brelse(bh);
		if (off < 0 || (unsigned int)off < bs)
			return off < 0 ? off : 0;
	}
	bh = ext2_dir_append_block(dir, nblocks);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	ext2_insert_at(dir, bh, 0, name, len, inode);
	brelse(bh);
	return 0;
}

/* The entry at @slot in @bh (walking from the block's start, which also
 * proves @slot->offset is an entry boundary), and the one before it. */
static struct ext2_dir_entry_2 *ext2_slot_entry(struct inode *dir, struct buffer_head *bh,
						const struct ext2_dir_slot *slot,
						struct ext2_dir_entry_2 **prev)
{
	unsigned int off = 0;

	*prev = NULL;
	while (off < slot->offset) {
		*prev = ext2_dirent(bh, off);
		off += (*prev)->rec_len;
	}
	if (off != slot->offset || ext2_dirent(bh, off)->inode != slot->ino) {
		ext2_error(dir->i_sb, "directory inode %lu: entry at block %u offset %u changed "
			   "under the inode lock", dir->i_ino, slot->lblk, slot->offset);
		return NULL;
	}
	return ext2_dirent(bh, off);
}

/*
 * Remove the entry at @slot (found by ext2_find_entry under the same
 * i_rwsem hold). Returns 0 or -EIO. Context: i_rwsem held for writing.
 */
int ext2_delete_entry(struct inode *dir, const struct ext2_dir_slot *slot)
{
	struct buffer_head *bh = ext2_dir_bread(dir, slot->lblk);
	struct ext2_dir_entry_2 *de, *prev;

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	de = ext2_slot_entry(dir, bh, slot, &prev);
	if (!de) {
		brelse(bh);
		return -EIO;
	}
	if (prev)
		prev->rec_len = (u16)(prev->rec_len + de->rec_len);
	de->inode = 0;
	mark_buffer_dirty(bh);
	brelse(bh);
	ext2_dir_touch(dir);
	return 0;
}

/*
 * Point the entry at @slot to @inode instead (rename over an existing
 * name, and ".." of a moved directory): one 4-byte store, so the name
 * never disappears. Returns 0 or -EIO. Context: i_rwsem held for writing.
 */
int ext2_set_link(struct inode *dir, const struct ext2_dir_slot *slot, struct inode *inode)
{
	struct buffer_head *bh = ext2_dir_bread(dir, slot->lblk);
	struct ext2_dir_entry_2 *de, *prev;

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	de = ext2_slot_entry(dir, bh, slot, &prev);
	if (!de) {
		brelse(bh);
		return -EIO;
	}
	de->inode = (u32)inode->i_ino;
	de->file_type = ext2_file_type(dir->i_sb, inode->i_mode);
	mark_buffer_dirty(bh);
	brelse(bh);
	ext2_dir_touch(dir);
	return 0;
}

/*
 * Give the new directory @inode its first block, holding "." and "..".
 * Returns 0 or -ENOSPC / -EIO. Context: @inode is not yet visible.
 */
int ext2_make_empty(struct inode *inode, struct inode *parent)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh = ext2_dir_append_block(inode, 0);
	struct ext2_dir_entry_2 *dot, *dotdot;

	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);
	dot = ext2_dirent(bh, 0);
	dot->rec_len = EXT2_DIR_REC_LEN(1);
	ext2_fill_dirent(sb, dot, ".", 1, inode);
	dotdot = ext2_dirent(bh, dot->rec_len);
	dotdot->rec_len = (u16)(sb->s_blocksize - dot->rec_len);
	ext2_fill_dirent(sb, dotdot, "..", 2, parent);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

static bool ext2_is_dot_or_dotdot(struct ext2_dir_entry_2 *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

/* Has directory @inode no entries but "." and ".."? Returns 1, 0, or -EIO.
 * Context: its i_rwsem held. */
int ext2_empty_dir(struct inode *inode)
{
	unsigned int bs = inode->i_sb->s_blocksize;
	u32 nblocks = ext2_dir_blocks(inode);

	for (u32 lblk = 0; lblk < nblocks; lblk++) {
		struct buffer_head *bh = ext2_dir_bread(inode, lblk);
		bool empty = true;

		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		for (unsigned int off = 0; off < bs && empty; off += ext2_dirent(bh, off)->rec_len) {
			struct ext2_dir_entry_2 *de = ext2_dirent(bh, off);

			if (de->inode && !ext2_is_dot_or_dotdot(de))
				empty = false;
		}
		brelse(bh);
		if (!empty)
			return 0;
	}
	return 1;
}

/*
 * Report the entries of one block from byte @start of it on. Returns
 * false when the actor wants no more (ctx->pos then names the entry it
 * refused). The cookie is the entry's byte offset in the directory; a
 * position that is not an entry boundary (after a seek, or a change to
 * the directory between two calls) resumes at the next entry after it.
 */
static bool ext2_emit_block(struct inode *dir, struct buffer_head *bh, u32 lblk,
			    struct dir_context *ctx)
{
	unsigned int bs = dir->i_sb->s_blocksize;
	loff_t base = (loff_t)lblk << dir->i_sb->s_blocksize_bits;

	for (unsigned int off = 0; off < bs; off += ext2_dirent(bh, off)->rec_len) {
		struct ext2_dir_entry_2 *de = ext2_dirent(bh, off);
		loff_t next = base + off + de->rec_len;

		if (base + off < ctx->pos || !de->inode)
			continue;
		if (!ctx->actor(ctx, de->name, de->name_len, next, de->inode,
				ext2_dtype(dir->i_sb, de->file_type)))
			return false;
		ctx->pos = next;
	}
	return true;
}

/* file_operations->iterate for directories. Returns 0 or -EIO.
 * Context: i_rwsem held for reading (vfs_readdir). */
static int ext2_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->f_inode;
	u32 nblocks = ext2_dir_blocks(dir);

	if (ctx->pos < 0)
		return -EINVAL;
	for (u32 lblk = (u32)(ctx->pos >> dir->i_sb->s_blocksize_bits); lblk < nblocks; lblk++) {
		struct buffer_head *bh = ext2_dir_bread(dir, lblk);
		bool more;

		if (IS_ERR(bh))
			return (int)PTR_ERR(bh);
		more = ext2_emit_block(dir, bh, lblk, ctx);
		brelse(bh);
		if (!more)
			return 0;
		ctx->pos = (loff_t)(lblk + 1) << dir->i_sb->s_blocksize_bits;
	}
	return 0;
}

const struct file_operations ext2_dir_operations = {
	.llseek = generic_file_llseek,
	.iterate = ext2_readdir,
	.fsync = generic_file_fsync,
};
