/*
 * Mount points: filesystems attached on directories of the root, so that
 * /dev (devfs) and /proc (proc) are filesystems of their own.
 *
 * Linux keys a mount by (parent mount, dentry). Faultline has no dentry
 * cache, so a mount is keyed by the directory inode it covers: the mount
 * holds a reference to that inode, which keeps it in the inode cache, so
 * every lookup of the directory returns the same struct inode and a
 * pointer comparison finds the mount. The path walk (fs/namei.c) asks two
 * questions of this file, one per direction:
 *
 *   down: follow_mount() - is something mounted on the inode a lookup just
 *         returned? Then the walk goes on in the mounted root instead.
 *   up:   mount_covered() - is the directory ".." starts from the root of
 *         a mounted filesystem? Then ".." is looked up in the covered
 *         directory instead, which is how /proc/.. is / and not /proc.
 *
 * What is shown at the mount point is the mounted root in every respect:
 * stat() gives its st_dev and inode number; getdents64 of the parent still
 * lists the covered directory's own entry (Linux shows that d_ino too).
 *
 * Mounts are made at boot and never removed (there is no umount(2)), so a
 * struct vfsmount, once on the list, stays valid for ever; readers still
 * take mount_lock, as they would have to if mounts could go. The covered
 * filesystem cannot be unmounted either: the mount's reference keeps its
 * vfs_umount() at -EBUSY.
 *
 * Locks: mount_lock (spinlock) protects the list; it is a leaf. References
 * are taken after dropping it (the inodes involved are permanent).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <mm/slab.h>

struct vfsmount {
	struct super_block *mnt_sb;             /* (c) the mounted filesystem */
	struct inode *mnt_mountpoint;           /* (c) the directory it covers, referenced */
	struct list_head mnt_list;              /* (mount_lock) */
};

static LIST_HEAD(mounts);
static DEFINE_SPINLOCK(mount_lock);

/* The mount on directory @dir, or NULL. */
static struct vfsmount *lookup_mnt(struct inode *dir)
{
	struct vfsmount *mnt, *found = NULL;

	spin_lock(&mount_lock);
	list_for_each_entry(mnt, &mounts, mnt_list) {
		if (mnt->mnt_mountpoint == dir) {
			found = mnt;
			break;
		}
	}
	spin_unlock(&mount_lock);
	return found;
}

bool is_mountpoint(struct inode *dir)
{
	return lookup_mnt(dir) != NULL;
}

struct inode *follow_mount(struct inode *inode)
{
	struct vfsmount *mnt;

	while (S_ISDIR(inode->i_mode) && (mnt = lookup_mnt(inode)) != NULL) {
		struct inode *root = igrab(mnt->mnt_sb->s_root);

		iput(inode);
		inode = root;
	}
	return inode;
}

struct inode *mount_covered(struct inode *dir)
{
	struct vfsmount *mnt;
	struct inode *covered = NULL;

	if (dir != dir->i_sb->s_root)
		return NULL;
	spin_lock(&mount_lock);
	list_for_each_entry(mnt, &mounts, mnt_list) {
		if (mnt->mnt_sb == dir->i_sb) {
			covered = mnt->mnt_mountpoint;
			break;
		}
	}
	spin_unlock(&mount_lock);
	return covered;
}

int vfs_attach_mount(struct super_block *sb, struct inode *dir)
{
	struct vfsmount *mnt, *m;
	int err = 0;

	if (!S_ISDIR(dir->i_mode))
		return -ENOTDIR;
	mnt = kzalloc(sizeof(*mnt), GFP_KERNEL);
	if (!mnt)
		return -ENOMEM;
	mnt->mnt_sb = sb;
	mnt->mnt_mountpoint = igrab(dir);
	spin_lock(&mount_lock);
	list_for_each_entry(m, &mounts, mnt_list) {
		if (m->mnt_mountpoint == dir || m->mnt_sb == sb) {
			err = -EBUSY;           /* one mount per directory, one place per sb */
			break;
		}
	}
	if (!err)
		list_add_tail(&mnt->mnt_list, &mounts);
	spin_unlock(&mount_lock);
	if (err) {
		iput(mnt->mnt_mountpoint);
		kfree(mnt);
	}
	return err;
}

int mount_nodev_at(const char *fstype, const char *path)
{
	struct super_block *sb;
	struct inode *dir;
	int err = vfs_mkdir(path, 0755);

	if (err && err != -EEXIST)
		return err;
	dir = namei(path);
	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	/* Check before making the super_block, which (like every mount)
	 * would never be freed: only a race at boot could fail the attach. */
	err = !S_ISDIR(dir->i_mode) ? -ENOTDIR : lookup_mnt(dir) ? -EBUSY : 0;
	sb = err ? ERR_PTR(err) : vfs_kern_mount(fstype);
	if (IS_ERR(sb)) {
		iput(dir);
		return (int)PTR_ERR(sb);
	}
	err = vfs_attach_mount(sb, dir);
	iput(dir);
	if (err)
		pr_err("VFS: cannot mount %s on %s: error %d\n", fstype, path, err);
	else
		pr_info("VFS: mounted %s on %s\n", fstype, path);
	return err;
}
