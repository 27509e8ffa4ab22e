/*
 * Helpers for in-memory filesystems (include/fs/pseudofs.h): making the
 * super_block and root of a filesystem with no device, and reporting
 * directory entries whose cookies are small integers.
 *
 * Locks: none of its own. new_inode() takes the inode cache's locks.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/pseudofs.h>
#include <fs/stat.h>
#include <mm/slab.h>

/* Nothing seeks past this; llseek only needs a bound that never overflows. */
#define PSEUDO_MAXBYTES ((loff_t)0x7fffffffffffffffLL)

void pseudo_inode_init(struct inode *inode, umode_t mode, unsigned int nlink)
{
	inode->i_mode = mode;
	inode->i_nlink = nlink;
	inode->i_uid = inode->i_gid = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = current_time();
}

struct super_block *pseudo_mount(const struct file_system_type *type,
				 const struct super_operations *sops, unsigned long root_ino,
				 umode_t root_mode, const struct inode_operations *dir_iops,
				 const struct file_operations *dir_fops)
{
	struct super_block *sb = alloc_super(NULL, type);
	struct inode *root;

	if (!sb)
		return ERR_PTR(-ENOMEM);
	sb->s_op = sops;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = PSEUDO_MAXBYTES;
	root = new_inode(sb, root_ino);
	if (IS_ERR(root)) {
		kfree(sb);
		return ERR_PTR(PTR_ERR(root));
	}
	pseudo_inode_init(root, S_IFDIR | root_mode, 2);
	root->i_op = dir_iops;
	root->i_fop = dir_fops;
	sb->s_root = root;                      /* the super_block keeps this reference */
	return sb;
}

bool dir_emit(struct dir_context *ctx, const char *name, size_t len, u64 ino,
	      unsigned int d_type, loff_t pos)
{
	if (!ctx->actor(ctx, name, len, pos + 1, ino, d_type))
		return false;
	ctx->pos = pos + 1;
	return true;
}

bool dir_emit_dots(struct dir_context *ctx, u64 ino, u64 parent_ino)
{
	if (ctx->pos == DIR_POS_DOT && !dir_emit(ctx, ".", 1, ino, DT_DIR, DIR_POS_DOT))
		return false;
	if (ctx->pos == DIR_POS_DOTDOT &&
	    !dir_emit(ctx, "..", 2, parent_ino, DT_DIR, DIR_POS_DOTDOT))
		return false;
	return true;
}

void pseudo_statfs(struct kstatfs *st, u64 magic)
{
	st->f_type = magic;
	st->f_bsize = PAGE_SIZE;
	st->f_namelen = NAME_MAX;
}
