/*
 * Helpers for the in-memory filesystems that have no disk behind them and
 * build their inodes from kernel state: devfs (/dev) and proc (/proc).
 * (fs/pseudofs.c; Linux keeps the like in fs/libfs.c.)
 */
#ifndef _FS_PSEUDOFS_H
#define _FS_PSEUDOFS_H

#include <fs/fs.h>

/*
 * A super_block with no device (an anonymous st_dev) whose inodes come from
 * @sops, and its root directory: inode @root_ino, mode S_IFDIR | @root_mode,
 * with @dir_iops and @dir_fops. Returns the super_block with s_root set,
 * or ERR_PTR(-ENOMEM).
 */
struct super_block *pseudo_mount(const struct file_system_type *type,
				 const struct super_operations *sops, unsigned long root_ino,
				 umode_t root_mode, const struct inode_operations *dir_iops,
				 const struct file_operations *dir_fops);

/* Fill the fields every pseudo inode has: @mode, @nlink, owner root, the
 * times now. The caller sets i_op, i_fop, i_rdev and its own data. */
void pseudo_inode_init(struct inode *inode, umode_t mode, unsigned int nlink);

/* statfs of a filesystem without blocks (Linux's simple_statfs): @magic
 * as f_type, the page size as f_bsize, 255 as f_namelen, zero counts. */
void pseudo_statfs(struct kstatfs *st, u64 magic);
#define PROC_SUPER_MAGIC        0x9fa0
#define DEVFS_SUPER_MAGIC       0x1373  /* Linux 2.4's devfs, whose name this one has */
#define PIPEFS_MAGIC            0x50495045

/* The cookies of "." and "..", the first two entries of every directory. */
#define DIR_POS_DOT     0
#define DIR_POS_DOTDOT  1
#define DIR_POS_FIRST   2       /* the directory's own entries start here */

/*
 * Report "." (inode @ino) and ".." (inode @parent_ino) from ctx->pos on.
 * Returns false if the actor wanted no more (then stop).
 */
bool dir_emit_dots(struct dir_context *ctx, u64 ino, u64 parent_ino);
/* Report one entry whose cookie is @pos (the next entry's is @pos + 1),
 * and move ctx->pos past it. Returns false if the actor wanted no more. */
bool dir_emit(struct dir_context *ctx, const char *name, size_t len, u64 ino,
	      unsigned int d_type, loff_t pos);

#endif
