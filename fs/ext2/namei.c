/*
 * ext2: the directory inode operations: lookup, create, mkdir, link,
 * unlink, rmdir, rename (symlink and mknod are in symlink.c).
 *
 * Link counts (what e2fsck checks in its pass 4):
 *   - a file's i_nlink is the number of entries naming it;
 *   - a directory's is 2 (its entry in the parent and its own ".") plus
 *     one per subdirectory (each one's ".."). So mkdir, rmdir, and a
 *     rename that moves a directory to another parent change the parents'
 *     counts too. EXT2_LINK_MAX (32000) bounds both kinds (-EMLINK).
 *
 * Every operation validates first (finds the entries it needs, checks
 * types, emptiness and limits) and changes the disk only after that, so
 * a refused operation leaves nothing behind. The one exception is an
 * I/O error in the middle of a rename, reported by ext2_error.
 *
 * Locks: the VFS holds the directories' i_rwsem for writing (and, for
 * unlink and rmdir, the victim's), and rename_mutex around rename, under
 * which it has already refused a move of a directory into its own
 * subtree. Nothing here takes an inode lock itself.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/ext2.h>

static int ext2_check_name(size_t len)
{
	if (!len)
		return -ENOENT;
	return len > EXT2_NAME_LEN ? -ENAMETOOLONG : 0;
}

static void ext2_inc_count(struct inode *inode)
{
	inode->i_nlink++;
	mark_inode_dirty(inode);
}

static void ext2_dec_count(struct inode *inode)
{
	if (inode->i_nlink)
		inode->i_nlink--;
	mark_inode_dirty(inode);
}

/*
 * The inode that entry @name of @dir names (@ino). An entry naming a free
 * inode is what a power cut leaves when a directory block reached the disk
 * and the new inode's table block did not (or a corrupt entry): the name
 * gives -EIO until e2fsck removes it (docs/ext2.md). It is reported once a
 * mount, with the inode and the name: such names come in batches (all the
 * files made since the last write-back), every access to one would repeat
 * the message, and the first one, with EXT2_ERROR_FS set on the disk, is
 * what sends the user to e2fsck, which lists them all. Once a mount, not
 * once an inode: remembering every bad inode would be unbounded state
 * kept only for a message.
 */
static struct inode *ext2_iget_entry(struct inode *dir, const char *name, size_t len, u32 ino)
{
	struct ext2_sb_info *sbi = EXT2_SB(dir->i_sb);
	struct inode *inode = ext2_iget(dir->i_sb, ino);

	if (PTR_ERR(inode) != -ESTALE)
		return inode;
	if (!__atomic_exchange_n(&sbi->s_free_ref_reported, true, __ATOMIC_RELAXED)) {
		ext2_error(dir->i_sb, "inode %u is free but \"%.*s\" in directory inode %lu names it",
			   ino, (int)min(len, (size_t)64), name, dir->i_ino);
		pr_warn("EXT2-fs (%s): such names (left by a power cut?) give EIO until e2fsck "
			"repairs the filesystem; no more are reported until the next mount\n",
			dir->i_sb->s_bdev->name);
	}
	return ERR_PTR(-EIO);
}

/* inode_operations->lookup. Context: @dir's i_rwsem held for reading. */
static struct inode *ext2_lookup(struct inode *dir, const char *name, size_t len)
{
	struct ext2_dir_slot slot;
	int err = ext2_check_name(len);

	if (!err)
		err = ext2_find_entry(dir, name, len, &slot);
	if (err)
		return ERR_PTR(err);
	return ext2_iget_entry(dir, name, len, slot.ino);
}

/* A new inode could not be linked in: drop it, which frees it on disk. */
static void ext2_discard_new(struct inode *inode)
{
	inode->i_nlink = 0;
	mark_inode_dirty(inode);
	iput(inode);
}

static struct inode *ext2_create(struct inode *dir, const char *name, size_t len, umode_t mode)
{
	struct inode *inode;
	int err = ext2_check_name(len);

	if (err)
		return ERR_PTR(err);
	inode = ext2_new_inode(dir, mode);
	if (IS_ERR(inode))
		return inode;
	err = ext2_add_link(dir, name, len, inode);
	if (err) {
		ext2_discard_new(inode);
		return ERR_PTR(err);
	}
	return inode;
}

static struct inode *ext2_mkdir(struct inode *dir, const char *name, size_t len, umode_t mode)
{
	struct inode *inode;
	int err = ext2_check_name(len);

	if (err)
		return ERR_PTR(err);
	if (dir->i_nlink >= EXT2_LINK_MAX)
		return ERR_PTR(-EMLINK);        /* its ".." would be one link too many */
	inode = ext2_new_inode(dir, S_IFDIR | (mode & 07777));
	if (IS_ERR(inode))
		return inode;
	err = ext2_make_empty(inode, dir);
	if (!err)
		err = ext2_add_link(dir, name, len, inode);
	if (err) {
		ext2_discard_new(inode);        /* frees its first block too */
		return ERR_PTR(err);
	}
	ext2_inc_count(dir);                    /* the new ".." */
	return inode;
}

static int ext2_link(struct inode *inode, struct inode *dir, const char *name, size_t len)
{
	int err = ext2_check_name(len);

	if (err)
		return err;
	if (S_ISDIR(inode->i_mode))
		return -EPERM;
	if (inode->i_nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	err = ext2_add_link(dir, name, len, inode);
	if (err)
		return err;
	inode->i_ctime = current_time();
	ext2_inc_count(inode);
	return 0;
}

/* Find @name in @dir and get its inode. Returns 0 or a negative errno. */
static int ext2_find_inode(struct inode *dir, const char *name, size_t len,
			   struct ext2_dir_slot *slot, struct inode **inodep)
{
	int err = ext2_check_name(len);

	if (!err)
		err = ext2_find_entry(dir, name, len, slot);
	if (err)
		return err;
	*inodep = ext2_iget_entry(dir, name, len, slot->ino);
	return IS_ERR(*inodep) ? (int)PTR_ERR(*inodep) : 0;
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len)
{
	struct ext2_dir_slot slot;
	struct inode *inode;
	int err = ext2_find_inode(dir, name, len, &slot, &inode);

	if (err)
		return err;
	if (S_ISDIR(inode->i_mode))
		err = -EISDIR;
	else
		err = ext2_delete_entry(dir, &slot);
	if (!err) {
		inode->i_ctime = dir->i_ctime;
		ext2_dec_count(inode);
	}
	iput(inode);                            /* the VFS holds one more: no eviction here */
	return err;
}

/* The directory @inode loses its last links: its entry and its ".". */
static void ext2_dir_gone(struct inode *inode)
{
	inode->i_nlink = 0;
	inode->i_ctime = current_time();
	inode_set_size(inode, 0);               /* readdir on an open fd sees nothing */
}

static int ext2_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct ext2_dir_slot slot;
	struct inode *inode;
	int err = ext2_find_inode(dir, name, len, &slot, &inode);

	if (err)
		return err;
	if (!S_ISDIR(inode->i_mode))
		err = -ENOTDIR;
	else
		err = ext2_empty_dir(inode);
	if (err == 0)
		err = -ENOTEMPTY;
	else if (err == 1)
		err = ext2_delete_entry(dir, &slot);
	if (!err) {
		ext2_dir_gone(inode);
		ext2_dec_count(dir);            /* its ".." is gone */
	}
	iput(inode);
	return err;
}

/* ---- rename ----------------------------------------------------------------- */

struct ext2_rename {
	struct inode *old_dir, *new_dir;
	struct ext2_dir_slot old_slot, new_slot, dotdot_slot;
	struct inode *old_inode;                /* referenced */
	struct inode *new_inode;                /* referenced, or NULL: no target */
	bool moves_dir;                         /* a directory changes parent */
};

/* Find the target, if any, and check it may be replaced. */
static int ext2_rename_target(struct ext2_rename *r, const char *name, size_t len)
{
	bool is_dir = S_ISDIR(r->old_inode->i_mode);
	int err = ext2_find_inode(r->new_dir, name, len, &r->new_slot, &r->new_inode);

	if (err == -ENOENT) {
		r->new_inode = NULL;
		if (r->moves_dir && r->new_dir->i_nlink >= EXT2_LINK_MAX)
			return -EMLINK;
		return 0;
	}
	if (err) {
		r->new_inode = NULL;
		return err;
	}
	if (is_dir && !S_ISDIR(r->new_inode->i_mode))
		return -ENOTDIR;
	if (!is_dir && S_ISDIR(r->new_inode->i_mode))
		return -EISDIR;
	if (is_dir) {
		err = ext2_empty_dir(r->new_inode);
		if (err <= 0)
			return err ? err : -ENOTEMPTY;
	}
	return 0;
}

/* Everything rename needs, found and checked before anything changes. */
static int ext2_rename_prepare(struct ext2_rename *r, const char *old_name, size_t old_len,
			       const char *new_name, size_t new_len)
{
	int err = ext2_check_name(new_len);

	if (!err)
		err = ext2_find_inode(r->old_dir, old_name, old_len, &r->old_slot, &r->old_inode);
	if (err) {
		r->old_inode = NULL;
		return err;
	}
	r->moves_dir = S_ISDIR(r->old_inode->i_mode) && r->old_dir != r->new_dir;
	if (r->moves_dir) {
		err = ext2_find_entry(r->old_inode, "..", 2, &r->dotdot_slot);
		if (!err && r->dotdot_slot.ino != r->old_dir->i_ino) {
			ext2_error(r->old_dir->i_sb, "directory inode %lu: \"..\" is %u, not %lu",
				   r->old_inode->i_ino, r->dotdot_slot.ino, r->old_dir->i_ino);
			err = -EIO;
		}
		if (err)
			return err == -ENOENT ? -EIO : err;
	}
	return ext2_rename_target(r, new_name, new_len);
}

/* The target name now points at the source: the replaced inode loses
 * that link (a replaced directory loses its "." too, and its parent the
 * replaced directory's ".."). */
static int ext2_rename_replace(struct ext2_rename *r)
{
	int err = ext2_set_link(r->new_dir, &r->new_slot, r->old_inode);

	if (err)
		return err;
	if (S_ISDIR(r->new_inode->i_mode)) {
		ext2_dir_gone(r->new_inode);
		ext2_dec_count(r->new_dir);
	} else {
		r->new_inode->i_ctime = current_time();
		ext2_dec_count(r->new_inode);
	}
	return 0;
}

/* After the old name is gone: a moved directory's ".." and its parents'
 * link counts. */
static int ext2_rename_fix_dir(struct ext2_rename *r)
{
	int err;

	if (!S_ISDIR(r->old_inode->i_mode) || r->old_dir == r->new_dir)
		return 0;
	err = ext2_set_link(r->old_inode, &r->dotdot_slot, r->new_dir);
	ext2_dec_count(r->old_dir);
	ext2_inc_count(r->new_dir);
	return err;
}

static int ext2_rename(struct inode *old_dir, const char *old_name, size_t old_len,
		       struct inode *new_dir, const char *new_name, size_t new_len)
{
	struct ext2_rename r = { .old_dir = old_dir, .new_dir = new_dir };
	int err = ext2_rename_prepare(&r, old_name, old_len, new_name, new_len);

	if (err || r.new_inode == r.old_inode)
		goto out_put;
	/* Commit. The new name appears (or is switched over in one store)
	 * before the old one goes, so the file is never without a name. */
	err = r.new_inode ? ext2_rename_replace(&r)
			  : ext2_add_link(new_dir, new_name, new_len, r.old_inode);
	if (err)
		goto out_put;
	/* Entries never move (dir.c), so old_slot is still right even if the
	 * new entry went into the same block. */
	err = ext2_delete_entry(old_dir, &r.old_slot);
	if (!err)
		err = ext2_rename_fix_dir(&r);
	if (err)
		ext2_error(old_dir->i_sb, "rename of inode %lu left incomplete: error %d",
			   r.old_inode->i_ino, err);
	r.old_inode->i_ctime = current_time();
	mark_inode_dirty(r.old_inode);
out_put:
	iput(r.new_inode);
	iput(r.old_inode);
	return err;
}

const struct inode_operations ext2_dir_inode_operations = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.symlink = ext2_symlink,
	.mknod = ext2_mknod,
};
