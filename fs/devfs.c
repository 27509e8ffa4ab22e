/*
 * devfs: the in-memory filesystem at /dev (include/fs/devfs.h).
 *
 * Owns: the registry of character devices (struct devfs_entry, one per
 * devfs_register call, in registration order, never removed) and the
 * "devfs" filesystem type that shows it as a directory.
 *
 * The registry is the truth and the inodes are made from it on demand: a
 * lookup finds the entry by name and asks the inode cache for inode
 * entry->ino, filling a new one from the entry. So a device registered
 * after the mount simply appears, an inode the cache dropped is made again
 * the same, and the entries exist before any devfs is mounted (drivers
 * register during boot, /dev is mounted once the root is).
 *
 * Opening a device: every device inode has i_fop = devfs_chr_fops, whose
 * ->open puts the driver's file_operations and private data into the new
 * file and then runs the driver's own ->open, if any (Linux's chrdev_open
 * replaces the fops the same way). From then on the VFS calls the driver
 * directly: read, write, ioctl, mmap, release.
 *
 * Names in /dev cannot be created, removed or renamed by user programs
 * (the directory has no ->create, ->unlink, ...: -EACCES/-EPERM, where
 * Linux's devtmpfs, a tmpfs, would allow it).
 *
 * Locks: devfs_lock (mutex) protects the registry and the number
 * counters. Lookup and readdir take it under the directory's i_rwsem
 * (shared), and call iget_locked() inside it:
 *   i_rwsem -> devfs_lock -> s_inode_list_lock / inode_hash_lock.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/string.h>
#include <fs/devfs.h>
#include <fs/pseudofs.h>
#include <mm/slab.h>

#define DEVFS_ROOT_INO  1
#define DEVFS_MISC_MAJOR 10             /* devfs_register's numbers: Linux's misc major */

struct devfs_entry {
	struct list_head list;                  /* (devfs_lock) the registry, in order */
	unsigned long ino;                      /* (c) its inode number in every devfs */
	umode_t mode;                           /* (c) S_IFCHR | perm */
	u64 rdev;                               /* (c) st_rdev */
	const struct file_operations *fops;     /* (c) the driver's */
	void *private;                          /* (c) the driver's, for file->private_data */
	char name[];                            /* (c) */
};

/* A device inode knows its entry, as a Linux inode knows its cdev. */
struct devfs_inode {
	struct inode vfs_inode;
	const struct devfs_entry *entry;        /* (c) NULL for the root */
};

static LIST_HEAD(devfs_registry);
static DEFINE_MUTEX(devfs_lock);
static unsigned long devfs_next_ino = DEVFS_ROOT_INO + 1;      /* (devfs_lock) */
static unsigned int devfs_next_minor = 1;                       /* (devfs_lock) */

static const struct devfs_entry *devfs_entry_of(struct inode *inode)
{
	return container_of(inode, struct devfs_inode, vfs_inode)->entry;
}

/* ---- registering ------------------------------------------------------------------ */

static bool devfs_name_ok(const char *name, size_t len)
{
	if (!len || len > NAME_MAX || strchr(name, '/'))
		return false;
	return strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* The entry named @name, or NULL. Context: devfs_lock held. */
static struct devfs_entry *devfs_find_locked(const char *name, size_t len)
{
	struct devfs_entry *de;

	ASSERT_MUTEX_HELD(&devfs_lock);
	list_for_each_entry(de, &devfs_registry, list)
		if (strlen(de->name) == len && memcmp(de->name, name, len) == 0)
			return de;
	return NULL;
}

/* Add an entry; @rdev 0 asks for the next misc number. */
static int devfs_add(const char *name, umode_t perm, u64 rdev,
		     const struct file_operations *fops, void *private)
{
	size_t len = strlen(name);
	struct devfs_entry *de;

	if (!devfs_name_ok(name, len) || (!fops && !S_ISDIR(perm)))
		return -EINVAL;
	de = kzalloc(sizeof(*de) + len + 1, GFP_KERNEL);
	if (!de)
		return -ENOMEM;
	memcpy(de->name, name, len + 1);
	de->mode = (S_ISDIR(perm) ? S_IFDIR : S_IFCHR) | (perm & 07777);
	de->fops = fops;
	de->private = private;
	mutex_lock(&devfs_lock);
	if (devfs_find_locked(name, len)) {
		mutex_unlock(&devfs_lock);
		kfree(de);
		return -EEXIST;
	}
	de->ino = devfs_next_ino++;
	de->rdev = rdev ? rdev : makedev(DEVFS_MISC_MAJOR, devfs_next_minor++);
	list_add_tail(&de->list, &devfs_registry);
	mutex_unlock(&devfs_lock);
	return 0;
}

int devfs_register(const char *name, umode_t perm, const struct file_operations *fops,
		   void *private)
{
	return devfs_add(name, perm, 0, fops, private);
}

int devfs_register_dev(const char *name, umode_t perm, u64 rdev,
		       const struct file_operations *fops, void *private)
{
	if (!rdev)
		return -EINVAL;
	return devfs_add(name, perm, rdev, fops, private);
}

int devfs_register_dir(const char *name, umode_t perm)
{
	return devfs_add(name, S_IFDIR | (perm & 07777), 0, NULL, NULL);
}

/* ---- opening a device -------------------------------------------------------------- */

/* The device inode's ->open: hand the file to the driver. */
static int devfs_chr_open(struct inode *inode, struct file *file)
{
	const struct devfs_entry *de = devfs_entry_of(inode);

	file->f_op = de->fops;
	file->private_data = de->private;
	return de->fops->open ? de->fops->open(inode, file) : 0;
}

static const struct file_operations devfs_chr_fops = {
	.open = devfs_chr_open,
};

/*
 * A character-device inode of another filesystem (an ext2 node made by
 * mknod) reaches the driver registered with its number: the registry,
 * searched by number, is Faultline's map of majors and minors (Linux's
 * cdev_map). No such number: -ENXIO, as Linux. Entries are never removed,
 * so the one found stays valid after devfs_lock is dropped.
 */
static int chrdev_open(struct inode *inode, struct file *file)
{
	const struct devfs_entry *de = NULL, *e;

	mutex_lock(&devfs_lock);
	list_for_each_entry(e, &devfs_registry, list) {
		if (!S_ISDIR(e->mode) && e->rdev == inode->i_rdev) {
			de = e;
			break;
		}
	}
	mutex_unlock(&devfs_lock);
	if (!de)
		return -ENXIO;
	file->f_op = de->fops;
	file->private_data = de->private;
	return de->fops->open ? de->fops->open(inode, file) : 0;
}

const struct file_operations def_chr_fops = {
	.open = chrdev_open,
};

/* ---- the directory ------------------------------------------------------------------ */

static struct inode *devfs_empty_lookup(struct inode *dir, const char *name, size_t len)
{
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(dir->i_sb->s_root);
	return ERR_PTR(-ENOENT);
}

static int devfs_empty_readdir(struct file *file, struct dir_context *ctx)
{
	if (ctx->pos < 0)
		return -EINVAL;
	dir_emit_dots(ctx, file->f_inode->i_ino, DEVFS_ROOT_INO);
	return 0;
}

static const struct inode_operations devfs_empty_dir_iops = {
	.lookup = devfs_empty_lookup,
};

static const struct file_operations devfs_empty_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = devfs_empty_readdir,
};

/* The inode of @de in the devfs @sb, from the cache or made now. */
static struct inode *devfs_iget(struct super_block *sb, const struct devfs_entry *de)
{
	struct inode *inode = iget_locked(sb, de->ino);

	if (IS_ERR(inode) || !(inode->i_state & I_NEW))
		return inode;
	container_of(inode, struct devfs_inode, vfs_inode)->entry = de;
	if (S_ISDIR(de->mode)) {
		/* An empty directory: a mount point (/dev/shm). */
		pseudo_inode_init(inode, de->mode, 2);
		inode->i_op = &devfs_empty_dir_iops;
		inode->i_fop = &devfs_empty_dir_fops;
		unlock_new_inode(inode);
		return inode;
	}
	pseudo_inode_init(inode, de->mode, 1);
	inode->i_rdev = de->rdev;
	inode->i_fop = &devfs_chr_fops;
	unlock_new_inode(inode);
	return inode;
}

/* ".." of the root is only asked for when devfs is mounted nowhere (the
 * VFS leaves a mounted root through the directory it covers). */
static struct inode *devfs_lookup(struct inode *dir, const char *name, size_t len)
{
	struct devfs_entry *de;
	struct inode *inode;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(dir);
	mutex_lock(&devfs_lock);
	de = devfs_find_locked(name, len);
	inode = de ? devfs_iget(dir->i_sb, de) : ERR_PTR(-ENOENT);
	mutex_unlock(&devfs_lock);
	return inode;
}

/* Entries after the dots have the cookie of their inode number, which
 * grows in registration order, so a later call resumes where one ended. */
static int devfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct devfs_entry *de;

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, DEVFS_ROOT_INO, DEVFS_ROOT_INO))
		return 0;
	mutex_lock(&devfs_lock);
	list_for_each_entry(de, &devfs_registry, list) {
		if ((loff_t)de->ino < ctx->pos)
			continue;
		if (!dir_emit(ctx, de->name, strlen(de->name), de->ino,
			      S_ISDIR(de->mode) ? DT_DIR : DT_CHR, (loff_t)de->ino))
			break;
	}
	mutex_unlock(&devfs_lock);
	return 0;
}

static const struct inode_operations devfs_dir_iops = {
	.lookup = devfs_lookup,
};

static const struct file_operations devfs_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = devfs_readdir,
};

/* ---- the filesystem ------------------------------------------------------------------ */

static struct inode *devfs_alloc_inode(struct super_block *sb)
{
	struct devfs_inode *di = kzalloc(sizeof(*di), GFP_KERNEL);

	return di ? &di->vfs_inode : NULL;
}

static void devfs_destroy_inode(struct inode *inode)
{
	kfree(container_of(inode, struct devfs_inode, vfs_inode));
}

/* df and statfs: a filesystem with no blocks (df leaves it out). */
static int devfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	pseudo_statfs(st, DEVFS_SUPER_MAGIC);
	return 0;
}

static const struct super_operations devfs_sops = {
	.alloc_inode = devfs_alloc_inode,
	.destroy_inode = devfs_destroy_inode,
	.statfs = devfs_statfs,
};

static struct super_block *devfs_mount(const struct file_system_type *type,
				       struct block_device *bdev, bool readonly)
{
	return pseudo_mount(type, &devfs_sops, DEVFS_ROOT_INO, 0755, &devfs_dir_iops,
			    &devfs_dir_fops);
}

static struct file_system_type devfs_type = {
	.name = "devfs",
	.mount = devfs_mount,
};

void devfs_init(void)
{
	if (register_filesystem(&devfs_type))
		pr_err("devfs: cannot register the filesystem type\n");
}
