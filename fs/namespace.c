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
 * Mounts made at boot stay until power-off, which detaches them all
 * (vfs_detach_all) so that the root can be unmounted cleanly: the covered
 * directory's reference would otherwise keep vfs_umount() at -EBUSY, as
 * it does for any filesystem with a mount on it. mount(2) and umount2(2)
 * (below) make and remove tmpfs mounts only (docs/tmpfs.md): one mount
 * per directory (no stacking: EBUSY), no bind, move or remount (EINVAL).
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
#include <kernel/cred.h>
#include <kernel/syscalls.h>
#include <fs/fs.h>
#include <fs/tmpfs.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

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

/* ---- mount(2), umount2(2): tmpfs ------------------------------------------------- */

#define MS_RDONLY       0x1
#define MS_NOEXEC       0x8
#define MS_REMOUNT      0x20
#define MS_BIND         0x1000
#define MS_MOVE         0x2000
#define MS_PROPAGATION  (0x8000 | 0x20000 | 0x40000 | 0x80000 | 0x100000) /* REC, UNBINDABLE.. SHARED */
#define MS_MGC_MSK      0xffff0000UL
#define MS_MGC_VAL      0xc0ed0000UL
#define MNT_FORCE       0x1
#define MNT_DETACH      0x2
#define MNT_EXPIRE      0x4
#define UMOUNT_NOFOLLOW 0x8

/* A user string of at most @max bytes into a new buffer: -EFAULT, or
 * @toolong if it has no NUL within @max. */
static char *copy_mount_string(const char __user *u, long max, int toolong)
{
	char *buf = kmalloc((size_t)max, GFP_KERNEL);
	long n;

	if (!buf)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(buf, u, max);
	if (n < 0) {
		kfree(buf);
		return ERR_PTR(n == -ENAMETOOLONG ? toolong : n);
	}
	return buf;
}

/* Linux's order: the target's walk, EPERM, the flags, the type, the
 * options, then the target's type. */
static long do_mount(const char __user *dir_name, const char *fstype, unsigned long flags,
		     char *data)
{
	unsigned long max_pages = 0;
	struct super_block *sb;
	struct inode *dir, *covered;
	umode_t mode = 01777;
	long err;

	dir = user_namei(dir_name);                     /* ENOENT, ENOTDIR on the way */
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	err = !capable_root() ? -EPERM : 0;
	if (!err && (flags & (MS_REMOUNT | MS_BIND | MS_MOVE | MS_PROPAGATION)))
		err = -EINVAL;                          /* not supported here */
	if (!err && strcmp(fstype, "tmpfs"))
		err = -ENODEV;                          /* only tmpfs (docs/tmpfs.md) */
	if (!err && data && tmpfs_parse_options(data, &max_pages, &mode))
		err = -EINVAL;
	if (!err && !S_ISDIR(dir->i_mode))
		err = -ENOTDIR;
	covered = err ? NULL : mount_covered(dir);
	if (covered) {
		iput(covered);
		err = -EBUSY;                           /* already a mount's root: no stacking */
	}
	if (err) {
		iput(dir);
		return err;
	}
	sb = tmpfs_fill_super(&tmpfs_fs_type, max_pages, mode);
	if (IS_ERR(sb)) {
		iput(dir);
		return PTR_ERR(sb);
	}
	sb->s_readonly = flags & MS_RDONLY;
	sb->s_noexec = flags & MS_NOEXEC;
	err = vfs_attach_mount(sb, dir);
	iput(dir);
	if (err)
		tmpfs_kill_super(sb);
	return err;
}

SYSCALL_DEFINE5(mount, const char __user *, dev_name, const char __user *, dir_name,
		const char __user *, type, unsigned long, flags, const void __user *, udata)
{
	char *fstype, *data = NULL;
	long err;

	(void)dev_name;                                 /* tmpfs has no source */
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	fstype = copy_mount_string(type, PAGE_SIZE, -EINVAL);
	if (IS_ERR(fstype))
		return PTR_ERR(fstype);
	if (udata) {
		data = copy_mount_string(udata, PAGE_SIZE, -EINVAL);
		if (IS_ERR(data)) {
			kfree(fstype);
			return PTR_ERR(data);
		}
	}
	err = do_mount(dir_name, fstype, flags, data);
	kfree(data);
	kfree(fstype);
	return err;
}

SYSCALL_DEFINE2(umount2, const char __user *, name, int, flags)
{
	struct vfsmount *mnt, *found = NULL;
	struct inode *root;
	struct super_block *sb;

	if ((unsigned int)flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (!capable_root())
		return -EPERM;                          /* before the walk, as Linux */
	root = user_namei(name);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb = root->i_sb;
	spin_lock(&mount_lock);
	list_for_each_entry(mnt, &mounts, mnt_list) {
		if (mnt->mnt_sb == sb && sb->s_root == root) {
			found = mnt;
			break;
		}
	}
	/* Off the list first, so that no walk enters it from now on; then
	 * whatever still holds one of its inodes (an open file, a cwd, a
	 * walk in progress) keeps it: put back, EBUSY. */
	if (found && sb->s_type == &tmpfs_fs_type)
		list_del(&found->mnt_list);
	spin_unlock(&mount_lock);
	iput(root);
	if (!found)
		return -EINVAL;                         /* not a mount point */
	if (sb->s_type != &tmpfs_fs_type)
		return -EBUSY;                          /* the kernel's own mounts stay */
	if (tmpfs_busy(sb)) {
		spin_lock(&mount_lock);
		list_add_tail(&found->mnt_list, &mounts);
		spin_unlock(&mount_lock);
		return -EBUSY;
	}
	iput(found->mnt_mountpoint);
	kfree(found);
	tmpfs_kill_super(sb);
	return 0;
}
