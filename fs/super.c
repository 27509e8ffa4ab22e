/*
 * Filesystem types, mounting, and sync.
 *
 * Owns: the list of registered filesystem types, the list of mounted
 * disk superblocks (the ones sync and the flusher write back) and which
 * one is the root. In-memory filesystems (vfs_kern_mount: devfs, proc)
 * are not on that list; fs/namespace.c attaches them to directories.
 *
 * Locks: sb_lock (mutex) protects both lists; it is taken alone, around
 * mount, unmount and the walks of sync and the flusher (which sleep), so
 * no filesystem is unmounted while it is being written back.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/buffer.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/slab.h>
#include <mm/writeback.h>

static LIST_HEAD(fs_types);
static struct super_block *mounted[8];
static struct super_block *the_root;
static DEFINE_MUTEX(sb_lock);

int register_filesystem(struct file_system_type *type)
{
	struct file_system_type *t;

	mutex_lock(&sb_lock);
	list_for_each_entry(t, &fs_types, list) {
		if (strcmp(t->name, type->name) == 0) {
			mutex_unlock(&sb_lock);
			return -EBUSY;
		}
	}
	list_add_tail(&type->list, &fs_types);
	mutex_unlock(&sb_lock);
	return 0;
}

static const struct file_system_type *find_fs_type(const char *name)
{
	struct file_system_type *t;

	list_for_each_entry(t, &fs_types, list)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * st_dev of a filesystem, as Linux numbers it: virtio-blk disks are major
 * 254 with 16 minors each (vda 254:0, vdb 254:16, ...); a filesystem with
 * no disk (pipes, devfs, proc) gets an anonymous device, major 0 and the
 * next minor from 1 on, so that each has a number of its own.
 */
static u64 new_sb_dev(struct block_device *bdev)
{
	static unsigned int next_anon_minor = 1;        /* (a) */
	const char *name = bdev ? bdev->name : NULL;

	if (!name)
		return makedev(0, __atomic_fetch_add(&next_anon_minor, 1, __ATOMIC_RELAXED));
	if (name[0] == 'v' && name[1] == 'd' && name[2] >= 'a' && name[2] <= 'p')
		return makedev(254, (unsigned int)(name[2] - 'a') * 16);
	return makedev(254, 0);
}

struct super_block *alloc_super(struct block_device *bdev, const struct file_system_type *type)
{
	struct super_block *sb = kzalloc(sizeof(*sb), GFP_KERNEL);

	if (!sb)
		return NULL;
	sb->s_bdev = bdev;
	sb->s_dev = new_sb_dev(bdev);
	sb->s_type = type;
	spin_lock_init(&sb->s_inode_list_lock, "s_inode_list_lock");
	INIT_LIST_HEAD(&sb->s_inodes);
	return sb;
}

struct super_block *vfs_mount(const char *devname, const char *fstype, bool readonly)
{
	const struct file_system_type *type;
	struct block_device *bdev = blkdev_get(devname);
	struct super_block *sb = ERR_PTR(-EBUSY);
	unsigned int slot;

	if (!bdev)
		return ERR_PTR(-ENODEV);
	mutex_lock(&sb_lock);
	type = find_fs_type(fstype);
	for (slot = 0; slot < ARRAY_SIZE(mounted); slot++) {
		if (mounted[slot] && mounted[slot]->s_bdev == bdev)
			goto out_unlock;                /* already mounted */
		if (!mounted[slot])
			break;
	}
	if (!type)
		sb = ERR_PTR(-ENODEV);
	else if (slot == ARRAY_SIZE(mounted))
		sb = ERR_PTR(-EMFILE);
	else
		sb = type->mount(type, bdev, readonly || bdev->read_only);
	if (!IS_ERR(sb))
		mounted[slot] = sb;
out_unlock:
	mutex_unlock(&sb_lock);
	return sb;
}

struct super_block *vfs_kern_mount(const char *fstype)
{
	const struct file_system_type *type;

	mutex_lock(&sb_lock);
	type = find_fs_type(fstype);
	mutex_unlock(&sb_lock);
	if (!type)
		return ERR_PTR(-ENODEV);
	return type->mount(type, NULL, false);
}

static int write_inode_pages(struct inode *inode, void *arg)
{
	int err = filemap_write_and_wait(inode->i_mapping);
	int e = write_inode_now(inode, false);

	return err ? err : e;
}

/* Start the writes of @inode's dirty pages; sync_sb's second pass waits
 * for them and reports errors (a page whose write could not start is
 * dirty again, and that pass tries it once more). */
static int start_inode_pages(struct inode *inode, void *arg)
{
	write_mapping_pages(inode->i_mapping, ~0UL);
	return 0;
}

/*
 * Write back all of @sb: pages, inodes, then metadata. The pages of every
 * file are started first, under one plug (small files written together
 * are often adjacent on the disk, and their requests merge), and only then
 * waited for file by file. Context: sb_lock held.
 */
static int sync_sb(struct super_block *sb)
{
	struct blk_plug plug;
	int err = 0, e;

	if (sb->s_readonly)
		return 0;
	blk_start_plug(&plug);
	for_each_sb_inode(sb, start_inode_pages, NULL);
	blk_finish_plug(&plug);
	err = for_each_sb_inode(sb, write_inode_pages, NULL);
	e = sb->s_op->sync_fs ? sb->s_op->sync_fs(sb, true) : 0;
	if (!err)
		err = e;
	e = sync_blockdev(sb->s_bdev, 0);
	return err ? err : e;
}

int vfs_umount(struct super_block *sb)
{
	unsigned long busy;
	int err;

	mutex_lock(&sb_lock);
	err = sync_sb(sb);
	/* Everything but the root inode must be unused: cached inodes go,
	 * an inode still in use keeps the filesystem mounted. */
	busy = evict_inodes(sb);
	if (busy > 1) {
		mutex_unlock(&sb_lock);
		pr_info("umount: %s has %lu inodes in use\n", sb->s_bdev->name, busy - 1);
		return -EBUSY;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(mounted); i++)
		if (mounted[i] == sb)
			mounted[i] = NULL;
	if (sb == the_root)
		the_root = NULL;
	mutex_unlock(&sb_lock);
	iput(sb->s_root);
	evict_inodes(sb);
	if (sb->s_op->put_super)
		sb->s_op->put_super(sb);
	invalidate_bdev(sb->s_bdev);
	kfree(sb);
	return err;
}

int vfs_remount_ro(struct super_block *sb)
{
	int err;

	mutex_lock(&sb_lock);
	err = sync_sb(sb);
	if (!sb->s_readonly) {
		if (sb->s_op->remount_ro)
			sb->s_op->remount_ro(sb);
		sb->s_readonly = true;
	}
	mutex_unlock(&sb_lock);
	return err;
}

int mount_root(const char *devname, const char *fstype)
{
	struct super_block *sb = vfs_mount(devname, fstype, false);

	if (IS_ERR(sb)) {
		pr_err("VFS: cannot mount root %s (%s): error %ld\n", devname, fstype, PTR_ERR(sb));
		return (int)PTR_ERR(sb);
	}
	the_root = sb;
	pr_info("VFS: mounted root (%s filesystem) on device %s%s\n", fstype, devname,
		sb->s_readonly ? " read-only" : "");
	return 0;
}

struct super_block *root_sb(void)
{
	return the_root;
}

int ksys_sync(void)
{
	int err = 0;

	mutex_lock(&sb_lock);
	for (unsigned int i = 0; i < ARRAY_SIZE(mounted); i++) {
		int e = mounted[i] ? sync_sb(mounted[i]) : 0;

		if (e && !err)
			err = e;
	}
	mutex_unlock(&sb_lock);
	return err;
}

struct expire_arg {
	u64 before;
};

static int write_expired(struct inode *inode, void *arg)
{
	struct expire_arg *ea = arg;
	struct address_space *m = inode->i_mapping;
	unsigned long written = 0;
	int err = 0;

	if (READ_ONCE(m->nrdirty) && READ_ONCE(m->dirtied_when) < ea->before) {
		/* Start the writes, waiting for no page: one locked or still
		 * in flight is left for the next round. */
		err = write_mapping_pages_nonblock(m, ~0UL, &written);
		/* Nobody is waiting: keep the error for the next fsync (an
		 * I/O error reaches it from the write's completion). */
		if (err && err != -ENOMEM)
			mapping_set_error(m, err);
	}
	write_inode_now(inode, false);
	return 0;
}

void writeback_older_than(u64 before)
{
	struct expire_arg ea = { before };
	struct blk_plug plug;

	mutex_lock(&sb_lock);
	/* One plug over every file: the pages of small files written
	 * together merge too. */
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < ARRAY_SIZE(mounted); i++) {
		struct super_block *sb = mounted[i];

		if (!sb || sb->s_readonly)
			continue;
		for_each_sb_inode(sb, write_expired, &ea);
		if (sb->s_op->sync_fs)
			sb->s_op->sync_fs(sb, false);
		sync_blockdev(sb->s_bdev, before);
	}
	blk_finish_plug(&plug);
	mutex_unlock(&sb_lock);
}

struct reclaim_arg {
	unsigned long left, written;
};

static int write_for_reclaim(struct inode *inode, void *arg)
{
	struct reclaim_arg *ra = arg;
	struct address_space *m = inode->i_mapping;
	unsigned long written = 0;
	int err;

	if (!ra->left || !READ_ONCE(m->nrdirty))
		return 0;
	err = write_mapping_pages_nonblock(m, ra->left, &written);
	/* ENOMEM (the reserve ran out) leaves the page dirty for the next
	 * try; it is not the file's error. */
	if (err && err != -ENOMEM)
		mapping_set_error(m, err);      /* nobody is waiting: for the next fsync */
	ra->left -= min(written, ra->left);
	ra->written += written;
	return 0;
}

unsigned long writeback_for_reclaim(unsigned long nr_pages)
{
	struct reclaim_arg ra = { nr_pages, 0 };
	struct blk_plug plug;

	mutex_lock(&sb_lock);
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < ARRAY_SIZE(mounted) && ra.left; i++) {
		struct super_block *sb = mounted[i];

		if (!sb || sb->s_readonly)
			continue;
		for_each_sb_inode(sb, write_for_reclaim, &ra);
		/* The block maps and bitmaps those pages needed. */
		sync_blockdev(sb->s_bdev, 0);
	}
	blk_finish_plug(&plug);
	mutex_unlock(&sb_lock);
	return ra.written;
}

int vfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	return sb->s_op->statfs ? sb->s_op->statfs(sb, st) : -ENOSYS;
}
