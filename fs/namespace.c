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
 * Besides those two, a disk may be mounted at boot on a directory of the
 * root: the program disk (progdisk= on the command line, kernel/main.c),
 * read-only, through which the host hands programs to the guest without
 * writing into the root's image (docs/storage.md, "The program disk").
 *
 * Mounts are made at boot and stay until power-off, which detaches them
 * all (vfs_detach_all) so that the root can be unmounted cleanly: the
 * covered directory's reference would otherwise keep vfs_umount() at
 * -EBUSY, as it does for any filesystem with a mount on it. There is no
 * umount(2).
 *
 * Locks: mount_lock (spinlock) protects the list. The inodes the walk gets
 * from it (a mounted root, a covered directory) are referenced before the
 * lock is dropped, so a mount detached meanwhile cannot pull them away:
 * mount_lock -> inode_hash_lock (igrab).
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

/* The mount on directory @dir, or NULL. Context: mount_lock held. */
static struct vfsmount *lookup_mnt_locked(struct inode *dir)
{
	struct vfsmount *mnt;

	ASSERT_HELD(&mount_lock);
	list_for_each_entry(mnt, &mounts, mnt_list)
		if (mnt->mnt_mountpoint == dir)
			return mnt;
	return NULL;
}

bool is_mountpoint(struct inode *dir)
{
	bool found;

	spin_lock(&mount_lock);
	found = lookup_mnt_locked(dir) != NULL;
	spin_unlock(&mount_lock);
	return found;
}

/* The root mounted on @dir, referenced, or NULL. */
static struct inode *mounted_root(struct inode *dir)
{
	struct vfsmount *mnt;
	struct inode *root = NULL;

	spin_lock(&mount_lock);
	mnt = lookup_mnt_locked(dir);
	if (mnt)
		root = igrab(mnt->mnt_sb->s_root);
	spin_unlock(&mount_lock);
	return root;
}

struct inode *follow_mount(struct inode *inode)
{
	struct inode *root;

	while (S_ISDIR(inode->i_mode) && (root = mounted_root(inode)) != NULL) {
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
			covered = igrab(mnt->mnt_mountpoint);
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

/*
 * The mount point @path, made if missing, referenced; or an ERR_PTR.
 * Checked before the caller makes a super_block: only a race can then
 * fail vfs_attach_mount().
 */
static struct inode *mountpoint_get(const char *path)
{
	struct inode *dir;
	int err = vfs_mkdir(path, 0755);

	if (err && err != -EEXIST)
		return ERR_PTR(err);
	dir = namei(path);
	if (IS_ERR(dir))
		return dir;
	err = !S_ISDIR(dir->i_mode) ? -ENOTDIR : is_mountpoint(dir) ? -EBUSY : 0;
	if (err) {
		iput(dir);
		return ERR_PTR(err);
	}
	return dir;
}

int mount_nodev_at(const char *fstype, const char *path)
{
	struct super_block *sb;
	struct inode *dir = mountpoint_get(path);
	int err;

	if (IS_ERR(dir))
		return (int)PTR_ERR(dir);
	/* The super_block is never freed: the filesystem stays mounted. */
	sb = vfs_kern_mount(fstype);
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

int mount_dev_at(const char *devname, const char *fstype, const char *path, bool readonly)
{
	struct super_block *sb = NULL;
	struct inode *dir = mountpoint_get(path);
	int err;

	if (IS_ERR(dir)) {
		err = (int)PTR_ERR(dir);
		goto out;
	}
	sb = vfs_mount(devname, fstype, readonly);
	if (IS_ERR(sb)) {
		iput(dir);
		err = (int)PTR_ERR(sb);
		goto out;
	}
	err = vfs_attach_mount(sb, dir);
	iput(dir);
	if (err)
		vfs_umount(sb);
out:
	if (err)
		pr_err("VFS: cannot mount %s (%s) on %s: error %d\n", devname, fstype, path, err);
	else
		pr_info("VFS: mounted %s (%s%s) on %s\n", devname, fstype,
			sb->s_readonly ? ", read-only" : "", path);
	return err;
}

void vfs_detach_all(void)
{
	for (;;) {
		struct vfsmount *mnt = NULL;

		spin_lock(&mount_lock);
		if (!list_empty(&mounts)) {
			mnt = list_entry(mounts.prev, struct vfsmount, mnt_list);
			list_del(&mnt->mnt_list);
		}
		spin_unlock(&mount_lock);
		if (!mnt)
			return;
		iput(mnt->mnt_mountpoint);
		kfree(mnt);
	}
}

/*
 * A snapshot of the mounts for /proc/PID/mounts and mountinfo: the root
 * (mountpoint NULL) and then each mount in mount order, each covered
 * directory referenced. Returns the number (at most @max) written into
 * @out; the caller iputs the mountpoints. Context: takes mount_lock.
 */
int mounts_snapshot(struct mount_info *out, int max)
{
	struct vfsmount *mnt;
	int n = 0;

	if (max > 0 && root_sb())
		out[n++] = (struct mount_info){ .sb = root_sb(), .mountpoint = NULL };
	spin_lock(&mount_lock);
	list_for_each_entry(mnt, &mounts, mnt_list) {
		if (n == max)
			break;
		out[n].sb = mnt->mnt_sb;
		out[n].mountpoint = igrab(mnt->mnt_mountpoint);
		n++;
	}
	spin_unlock(&mount_lock);
	return n;
}
