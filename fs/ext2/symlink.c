/*
 * ext2: symbolic links and special inodes (FIFOs, sockets, devices).
 *
 * A symbolic link's target is stored as ext2 and e2fsck expect it:
 *   - a "fast" link, target shorter than i_block[] (60 bytes, so at most
 *     59 characters and a NUL), keeps it in i_block[] itself, with no
 *     data block (i_blocks 0, xattr block aside);
 *   - a "slow" link keeps it in one data block (file block 0), NUL
 *     padded; a target must leave room for the NUL, so at most
 *     blocksize - 1 characters (ENAMETOOLONG beyond, as Linux's ext2).
 * i_size is the target's length either way. Like directories, a slow
 * link's block is read through the buffer cache (no a_ops): nothing can
 * alias it in the page cache. A link's target never changes after it is
 * made, so reading it needs no lock.
 *
 * Device inodes keep their number in i_block[] in the encoding of
 * inode.c (ext2_decode_rdev / ext2_encode_rdev); FIFOs and sockets keep
 * nothing there.
 *
 * Locks: the VFS holds the directory's i_rwsem for writing around
 * ext2_symlink and ext2_mknod; the new inode is not reachable by anyone
 * else until ext2_add_link names it. i_data is written under
 * truncate_mutex, as write_inode reads it under that mutex.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

/* Is @inode a symbolic link whose target is in i_block[]? An xattr
 * block counts in i_blocks, and does not make a link slow. */
bool ext2_inode_is_fast_symlink(struct inode *inode)
{
	u64 xattr_sectors = EXT2_I(inode)->i_file_acl ? inode->i_sb->s_blocksize >> 9 : 0;

	return S_ISLNK(inode->i_mode) && inode->i_blocks <= xattr_sectors;
}

/* inode_operations->get_link. Returns the target's length or -EIO. */
static int ext2_get_link(struct inode *inode, char *buf, size_t size)
{
	struct super_block *sb = inode->i_sb;
	loff_t len = READ_ONCE(inode->i_size);
	struct buffer_head *bh;
	u64 pblk;
	int err;

	if (ext2_inode_is_fast_symlink(inode)) {
		if (len >= (loff_t)sizeof(EXT2_I(inode)->i_data) || (size_t)len > size)
			goto corrupt;
		memcpy(buf, EXT2_I(inode)->i_data, (size_t)len);
		return (int)len;
	}
	if (len >= (loff_t)sb->s_blocksize || (size_t)len > size)
		goto corrupt;
	err = ext2_get_block(inode, 0, &pblk, false);
	if (err || !pblk)
		goto corrupt;
	bh = bread(sb->s_bdev, pblk, sb->s_blocksize);
	if (IS_ERR(bh))
		return -EIO;
	memcpy(buf, bh->b_data, (size_t)len);
	brelse(bh);
	return (int)len;
corrupt:
	ext2_error(sb, "symbolic link inode %lu: size %lld does not fit how it is stored",
		   inode->i_ino, (long long)len);
	return -EIO;
}

/* Put @len bytes of @target in a new block 0 of the new link @inode. */
static int ext2_write_slow_link(struct inode *inode, const char *target, size_t len)
{
	struct super_block *sb = inode->i_sb;
	struct buffer_head *bh;
	u64 pblk;
	int err = ext2_get_block(inode, 0, &pblk, true);

	if (err)
		return err;
	bh = getblk(sb->s_bdev, pblk, sb->s_blocksize);
	if (IS_ERR(bh))
		return (int)PTR_ERR(bh);        /* the block goes with the inode */
	memset(bh->b_data, 0, sb->s_blocksize);
	memcpy(bh->b_data, target, len);
	set_buffer_uptodate(bh);
	mark_buffer_dirty(bh);
	brelse(bh);
	return 0;
}

/* A new inode could not be linked in: drop it, which frees it on disk. */
static void ext2_discard_new_inode(struct inode *inode)
{
	inode->i_nlink = 0;
	mark_inode_dirty(inode);
	iput(inode);
}

/* inode_operations->symlink. Context: @dir's i_rwsem held for writing. */
struct inode *ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct ext2_inode_info *ei;
	size_t tlen = strlen(target);
	struct inode *inode;
	int err;

	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	if (tlen + 1 > dir->i_sb->s_blocksize)
		return ERR_PTR(-ENAMETOOLONG);
	inode = ext2_new_inode(dir, S_IFLNK | 0777);
	if (IS_ERR(inode))
		return inode;
	ei = EXT2_I(inode);
	if (tlen < sizeof(ei->i_data)) {
		mutex_lock(&ei->truncate_mutex);
		memcpy(ei->i_data, target, tlen);       /* i_data was zeroed: NUL padded */
		mutex_unlock(&ei->truncate_mutex);
		err = 0;
	} else {
		err = ext2_write_slow_link(inode, target, tlen);
	}
	if (!err) {
		inode_set_size(inode, (loff_t)tlen);
		err = ext2_add_link(dir, name, len, inode);
	}
	if (err) {
		ext2_discard_new_inode(inode);  /* frees a slow link's block too */
		return ERR_PTR(err);
	}
	return inode;
}

/* inode_operations->mknod: a FIFO, socket or device node. */
struct inode *ext2_mknod(struct inode *dir, const char *name, size_t len, umode_t mode, u64 rdev)
{
	struct inode *inode;
	int err;

	if (len > EXT2_NAME_LEN)
		return ERR_PTR(-ENAMETOOLONG);
	inode = ext2_new_inode(dir, mode);
	if (IS_ERR(inode))
		return inode;
	if (S_ISCHR(mode) || S_ISBLK(mode))
		inode->i_rdev = rdev;
	err = ext2_add_link(dir, name, len, inode);
	if (err) {
		ext2_discard_new_inode(inode);
		return ERR_PTR(err);
	}
	return inode;
}

const struct inode_operations ext2_symlink_inode_operations = {
	.get_link = ext2_get_link,
};
