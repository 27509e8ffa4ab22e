/*
 * tmpfs: a filesystem in memory whose files are shmem objects
 * (include/fs/tmpfs.h; docs/tmpfs.md).
 *
 * Owns: the "tmpfs" filesystem type, its directories (a list of names
 * per directory inode: there is no disk to hold them) and its regular
 * files, whose page cache is a shmem object (mm/shmem.c): inode->i_mapping
 * points at the object's address_space, so the pages are those that
 * MAP_SHARED|MAP_ANONYMOUS memory has: never written back, sent to swap
 * under pressure and brought back by the next access. Reads, writes and
 * faults all get their pages through shmem_getpage; truncate is the VFS's
 * (truncate_pagecache: mappings past EOF unmapped, pages dropped) plus
 * ->truncate_blocks, which frees the slots of pages that were on swap.
 *
 * Also the kernel's own tmpfs (shm_mnt): memfd_create's files and SysV
 * shared memory segments are unlinked files there.
 *
 * A name holds a reference to its inode (Linux's dentry does the same
 * for tmpfs): a linked inode is never dropped from the inode cache, and
 * the last unlink with the last close frees it (iput, i_nlink 0 ->
 * ->evict_inode -> the object's last reference).
 *
 * size=: pages in memory or on swap, all files together, are at most
 * max_pages; a write or a store that needs one more gets -ENOSPC / SIGBUS.
 * Counted as Linux's shmem_recalc_inode does: a page is reserved in the
 * superblock before it is created (ti->alloced), and each recount gives
 * back what the object no longer holds.
 *
 * Locks: a directory's entries are under its i_rwsem (the VFS holds it
 * for lookup, readdir and every change); i_rwsem of a file for write and
 * truncate as for any file; tmpfs_sb_info.lock (spinlock, a leaf) for the
 * page counts (sbi->used_pages, ti->alloced).
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/cred.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/pseudofs.h>
#include <fs/tmpfs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/rmap.h>
#include <mm/slab.h>
#include <mm/vmscan.h>

#define TMPFS_MAGIC     0x01021994
#define TMPFS_ROOT_INO  1

struct tmpfs_sb_info {
	spinlock_t lock;
	unsigned long max_pages;        /* (c) size=, in pages */
	unsigned long used_pages;       /* (lock) reserved by all files */
	unsigned long next_ino;         /* (lock) */
};

struct tmpfs_dirent {
	struct list_head list;          /* (dir's i_rwsem) */
	struct inode *inode;            /* (dir's i_rwsem) referenced */
	loff_t cookie;                  /* (c) readdir position, grows */
	size_t len;                     /* (dir's i_rwsem) */
	char name[NAME_MAX + 1];        /* (dir's i_rwsem) */
};

struct tmpfs_inode {
	struct inode vfs_inode;
	struct list_head entries;       /* (i_rwsem) a directory's names, oldest first */
	loff_t next_cookie;             /* (i_rwsem) */
	struct inode *parent;           /* (i_rwsem of both) a directory's "..", not referenced:
					 * a directory with a child is never freed */
	unsigned long alloced;          /* (sbi->lock) pages reserved for this file */
	unsigned int seals;             /* (i_rwsem) F_SEAL_* of a memfd */
};

static struct tmpfs_inode *TMPFS_I(struct inode *inode)
{
	return container_of(inode, struct tmpfs_inode, vfs_inode);
}

static struct tmpfs_sb_info *TMPFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* ---- page counts ----------------------------------------------------------------- */

/* Reserve one page for @inode: -ENOSPC past size=. */
static int tmpfs_reserve_page(struct inode *inode)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(inode->i_sb);
	int err = 0;

	spin_lock(&sbi->lock);
	if (sbi->used_pages >= sbi->max_pages) {
		err = -ENOSPC;
	} else {
		sbi->used_pages++;
		TMPFS_I(inode)->alloced++;
	}
	spin_unlock(&sbi->lock);
	return err;
}

/* Give back what @inode reserved beyond the pages its object holds. */
static void tmpfs_recalc(struct inode *inode)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(inode->i_sb);
	struct tmpfs_inode *ti = TMPFS_I(inode);
	unsigned long held = shmem_nr_pages(inode->i_mapping);

	spin_lock(&sbi->lock);
	if (ti->alloced > held) {
		sbi->used_pages -= ti->alloced - held;
		ti->alloced = held;
	}
	inode->i_blocks = (u64)ti->alloced << (PAGE_SHIFT - 9);
	spin_unlock(&sbi->lock);
}

/*
 * The page of @inode at @index, locked and referenced; with @create made
 * if it is a hole (counted against size=), else NULL for a hole.
 */
static int tmpfs_getpage(struct inode *inode, unsigned long index, bool create,
			 struct page **pagep, bool *major)
{
	int err = shmem_getpage(inode->i_mapping, index, false, pagep, major);

	if (err || *pagep || !create)
		return err;
	err = tmpfs_reserve_page(inode);
	if (err)
		return err;
	err = shmem_getpage(inode->i_mapping, index, true, pagep, major);
	tmpfs_recalc(inode);    /* a racing creator may have made it: give back */
	return err;
}

/* ---- regular files ---------------------------------------------------------------- */

static const char tmpfs_zeros[PAGE_SIZE] __aligned(PAGE_SIZE);

static ssize_t tmpfs_read_iter(struct file *file, struct iov_iter *to, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	ssize_t copied = 0;

	while (to->count) {
		unsigned long index = (unsigned long)(*pos >> PAGE_SHIFT);
		unsigned int offset = *pos & ~PAGE_MASK;
		struct page *page;
		size_t nr, n;
		loff_t isize;
		bool major;
		int err;

		if (*pos >= READ_ONCE(inode->i_size))
			break;
		err = tmpfs_getpage(inode, index, false, &page, &major);
		if (err)
			return copied ? copied : err;
		if (page)
			unlock_page(page);
		/* i_size again: a truncate may have run meanwhile. */
		isize = READ_ONCE(inode->i_size);
		nr = min((size_t)(PAGE_SIZE - offset), to->count);
		if (*pos >= isize) {
			nr = 0;
		} else {
			nr = min(nr, (size_t)(isize - *pos));
			n = copy_to_iter(page ? (char *)page_address(page) + offset : tmpfs_zeros,
					 nr, to);
		}
		if (page) {
			mark_page_accessed(page);
			put_page(page);
		}
		if (!nr)
			break;
		*pos += (loff_t)n;
		copied += (ssize_t)n;
		if (n < nr)
			return copied ? copied : -EFAULT;
	}
	return copied;
}

/*
 * One page of a write. As write_one in mm/filemap.c, the source is
 * faulted in first and copied under the page lock with faults disabled
 * (it may be a mapping of this very page). Returns bytes, 0 to retry,
 * or a negative errno. Context: i_rwsem held for writing.
 */
static ssize_t tmpfs_write_one(struct inode *inode, struct iov_iter *from, loff_t *pos)
{
	unsigned int offset = *pos & ~PAGE_MASK;
	size_t len = min((size_t)(PAGE_SIZE - offset), from->count);
	size_t unreadable = fault_in_iov_iter_readable(from, len);
	struct page *page;
	bool major;
	size_t n;
	int err;

	if (unreadable == len)
		return -EFAULT;
	len -= unreadable;
	err = tmpfs_getpage(inode, (unsigned long)(*pos >> PAGE_SHIFT), true, &page, &major);
	if (err)
		return err;
	n = copy_from_iter_atomic((char *)page_address(page) + offset, len, from);
	mark_page_accessed(page);
	unlock_page(page);
	put_page(page);
	if (!n)
		return 0;
	*pos += (loff_t)n;
	if (*pos > inode->i_size)
		inode_set_size(inode, *pos);
	return (ssize_t)n;
}

static ssize_t tmpfs_write_iter(struct file *file, struct iov_iter *from, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	unsigned int seals;
	ssize_t written = 0;

	if (!from->count)
		return 0;
	inode_lock(inode);
	seals = TMPFS_I(inode)->seals;
	if (file->f_flags & O_APPEND)
		*pos = inode->i_size;
	if (seals & F_SEAL_WRITE) {
		inode_unlock(inode);
		return -EPERM;
	}
	if (*pos >= inode->i_sb->s_maxbytes) {
		inode_unlock(inode);
		return -EFBIG;
	}
	if ((loff_t)from->count > inode->i_sb->s_maxbytes - *pos)
		from->count = (size_t)(inode->i_sb->s_maxbytes - *pos);
	if ((seals & F_SEAL_GROW) && *pos + (loff_t)from->count > inode->i_size) {
		if (*pos >= inode->i_size) {
			inode_unlock(inode);
			return -EPERM;
		}
		from->count = (size_t)(inode->i_size - *pos);
	}
	if (*pos > inode->i_size)
		pagecache_isize_extended(inode, inode->i_size);
	while (from->count) {
		ssize_t n = tmpfs_write_one(inode, from, pos);

		if (n < 0) {
			if (!written)
				written = n;
			break;
		}
		written += n;
	}
	if (written > 0)
		inode->i_mtime = inode->i_ctime = current_time();
	inode_unlock(inode);
	return written;
}

static int tmpfs_fsync(struct file *file, bool datasync)
{
	return 0;                       /* nothing to write to */
}

/* A store or load through a mapping: SIGBUS wholly past EOF, as for any
 * file (the VFS's truncate protocol does the rest). */
vm_fault_t tmpfs_fault(struct vm_fault *vmf)
{
	struct inode *inode = vmf->vma->vm_file->f_inode;
	bool major;
	int err;

	if (vmf->pgoff >= DIV_ROUND_UP((u64)READ_ONCE(inode->i_size), PAGE_SIZE))
		return VM_FAULT_SIGBUS;
	err = tmpfs_getpage(inode, vmf->pgoff, true, &vmf->page, &major);
	if (err)
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	return VM_FAULT_LOCKED | (major ? VM_FAULT_MAJOR : 0);
}

static const struct vm_operations_struct tmpfs_vm_ops = {
	.fault = tmpfs_fault,
	.name = "tmpfs",
};

static int tmpfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* F_SEAL_WRITE forbids a writable shared mapping (Linux: EPERM). */
	if ((TMPFS_I(file->f_inode)->seals & F_SEAL_WRITE) &&
	    (vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE))
		return -EPERM;
	vma->vm_ops = &tmpfs_vm_ops;
	return 0;
}

const struct file_operations tmpfs_file_fops = {
	.llseek = generic_file_llseek,
	.read_iter = tmpfs_read_iter,
	.write_iter = tmpfs_write_iter,
	.fsync = tmpfs_fsync,
	.mmap = tmpfs_mmap,
};

/* After the VFS dropped the pages past the new EOF: their slots on swap
 * too, and the tail of the last page if that page was on swap (a resident
 * one was zeroed by the VFS), so that growing again shows zeros. */
static int tmpfs_truncate_blocks(struct inode *inode)
{
	loff_t size = inode->i_size;
	struct page *page;
	bool major;

	shmem_truncate_swap(inode->i_mapping, size);
	if ((size & ~PAGE_MASK) &&
	    !shmem_getpage(inode->i_mapping, (unsigned long)(size >> PAGE_SHIFT), false, &page,
			   &major) && page) {
		memset((char *)page_address(page) + (size & ~PAGE_MASK), 0,
		       PAGE_SIZE - (size & ~PAGE_MASK));
		unlock_page(page);
		put_page(page);
	}
	tmpfs_recalc(inode);
	return 0;
}

static const struct inode_operations tmpfs_file_iops = {
	.truncate_blocks = tmpfs_truncate_blocks,
};

/* ---- inodes ------------------------------------------------------------------------ */

static const struct inode_operations tmpfs_dir_iops;
static const struct file_operations tmpfs_dir_fops;

/* A new inode of @sb: a directory or a regular file (whose object is made
 * here), owned by current. Returns it referenced, or an ERR_PTR. */
static struct inode *tmpfs_new_inode(struct super_block *sb, struct inode *dir, umode_t mode)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);
	unsigned long ino;
	struct inode *inode;

	spin_lock(&sbi->lock);
	ino = sbi->next_ino++;
	spin_unlock(&sbi->lock);
	inode = new_inode(sb, ino);
	if (IS_ERR(inode))
		return inode;
	pseudo_inode_init(inode, mode, S_ISDIR(mode) ? 2 : 1);
	inode->i_uid = current_fsuid();
	inode->i_gid = current_fsgid();
	if (dir && (dir->i_mode & S_ISGID)) {
		inode->i_gid = dir->i_gid;
		if (S_ISDIR(mode))
			inode->i_mode |= S_ISGID;
	}
	INIT_LIST_HEAD(&TMPFS_I(inode)->entries);
	TMPFS_I(inode)->next_cookie = DIR_POS_FIRST;
	if (S_ISDIR(mode)) {
		inode->i_op = &tmpfs_dir_iops;
		inode->i_fop = &tmpfs_dir_fops;
		TMPFS_I(inode)->parent = dir ? dir : inode;
	} else {
		struct address_space *m = shmem_mapping_create(inode);

		if (!m) {
			inode->i_nlink = 0;
			iput(inode);
			return ERR_PTR(-ENOMEM);
		}
		inode->i_mapping = m;
		/* Sealing is for memfds that ask for it (Linux's default). */
		TMPFS_I(inode)->seals = F_SEAL_SEAL;
		inode->i_op = &tmpfs_file_iops;
		inode->i_fop = &tmpfs_file_fops;
	}
	return inode;
}

static struct inode *tmpfs_alloc_inode(struct super_block *sb)
{
	struct tmpfs_inode *ti = kzalloc(sizeof(*ti), GFP_KERNEL);

	return ti ? &ti->vfs_inode : NULL;
}

/* The last reference to an unlinked file: its pages are gone
 * (evict truncated i_mapping), its slots on swap and object go now. */
static void tmpfs_evict_inode(struct inode *inode)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(inode->i_sb);

	if (inode->i_mapping == &inode->i_data)
		return;
	shmem_truncate_swap(inode->i_mapping, 0);
	spin_lock(&sbi->lock);
	sbi->used_pages -= TMPFS_I(inode)->alloced;
	TMPFS_I(inode)->alloced = 0;
	spin_unlock(&sbi->lock);
}

static void tmpfs_destroy_inode(struct inode *inode)
{
	if (inode->i_mapping != &inode->i_data) {
		/* swapoff's walk may hold the object a moment longer. */
		WRITE_ONCE(inode->i_mapping->host, NULL);
		shmem_put_mapping(inode->i_mapping);
	}
	kfree(TMPFS_I(inode));
}

static int tmpfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct tmpfs_sb_info *sbi = TMPFS_SB(sb);

	spin_lock(&sbi->lock);
	*st = (struct kstatfs){
		.f_type = TMPFS_MAGIC,
		.f_bsize = PAGE_SIZE,
		.f_blocks = sbi->max_pages,
		.f_bfree = sbi->max_pages - sbi->used_pages,
		.f_bavail = sbi->max_pages - sbi->used_pages,
		.f_namelen = NAME_MAX,
	};
	spin_unlock(&sbi->lock);
	return 0;
}

/* Unmount: every name goes (the entries' references), then the VFS
 * evicts the inodes. Nothing else runs in a filesystem being unmounted:
 * the VFS found no inode in use but the names' own. */
static void tmpfs_drop_dir(struct inode *dir)
{
	struct tmpfs_dirent *de, *tmp;

	list_for_each_entry_safe(de, tmp, &TMPFS_I(dir)->entries, list) {
		list_del(&de->list);
		if (S_ISDIR(de->inode->i_mode))
			tmpfs_drop_dir(de->inode);
		de->inode->i_nlink = 0;
		iput(de->inode);
		kfree(de);
	}
}

static void tmpfs_put_super(struct super_block *sb)
{
	kfree(sb->s_fs_info);
}

static const struct super_operations tmpfs_sops = {
	.alloc_inode = tmpfs_alloc_inode,
	.evict_inode = tmpfs_evict_inode,
	.destroy_inode = tmpfs_destroy_inode,
	.put_super = tmpfs_put_super,
	.statfs = tmpfs_statfs,
};

/* ---- directories -------------------------------------------------------------------- */

static struct tmpfs_dirent *tmpfs_find(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de;

	list_for_each_entry(de, &TMPFS_I(dir)->entries, list)
		if (de->len == len && !memcmp(de->name, name, len))
			return de;
	return NULL;
}

static struct inode *tmpfs_lookup(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de;

	if (len == 2 && name[0] == '.' && name[1] == '.')
		return igrab(TMPFS_I(dir)->parent);
	de = tmpfs_find(dir, name, len);
	return de ? igrab(de->inode) : ERR_PTR(-ENOENT);
}

/* Add @name -> @inode in @dir, taking a new reference for the name. */
static int tmpfs_add(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct tmpfs_dirent *de = kzalloc(sizeof(*de), GFP_KERNEL);

	if (!de)
		return -ENOMEM;
	memcpy(de->name, name, len);
	de->len = len;
	de->inode = igrab(inode);
	de->cookie = TMPFS_I(dir)->next_cookie++;
	list_add_tail(&de->list, &TMPFS_I(dir)->entries);
	dir->i_mtime = dir->i_ctime = current_time();
	return 0;
}

static struct inode *tmpfs_mknod(struct inode *dir, const char *name, size_t len, umode_t mode,
				 u64 rdev)
{
	struct inode *inode;
	int err;

	if (!S_ISREG(mode) && !S_ISDIR(mode)) {
		/* FIFOs, sockets, devices: the VFS's special inodes. */
		inode = tmpfs_new_inode(dir->i_sb, dir, S_IFREG);
		if (IS_ERR(inode))
			return inode;
		init_special_inode(inode, mode, rdev);
	} else {
		inode = tmpfs_new_inode(dir->i_sb, dir, mode);
		if (IS_ERR(inode))
			return inode;
	}
	err = tmpfs_add(dir, name, len, inode);
	if (err) {
		inode->i_nlink = 0;
		iput(inode);
		return ERR_PTR(err);
	}
	if (S_ISDIR(mode))
		dir->i_nlink++;
	return inode;
}

static struct inode *tmpfs_create(struct inode *dir, const char *name, size_t len, umode_t mode)
{
	return tmpfs_mknod(dir, name, len, S_IFREG | (mode & 07777), 0);
}

static struct inode *tmpfs_mkdir(struct inode *dir, const char *name, size_t len, umode_t mode)
{
	return tmpfs_mknod(dir, name, len, S_IFDIR | (mode & 07777), 0);
}

static int tmpfs_link(struct inode *inode, struct inode *dir, const char *name, size_t len)
{
	int err = tmpfs_add(dir, name, len, inode);

	if (!err) {
		inode->i_nlink++;
		inode->i_ctime = current_time();
	}
	return err;
}

/* Remove @de from @dir and drop the name's reference. */
static void tmpfs_remove(struct inode *dir, struct tmpfs_dirent *de)
{
	struct inode *inode = de->inode;

	list_del(&de->list);
	if (S_ISDIR(inode->i_mode)) {
		inode->i_nlink = 0;
		dir->i_nlink--;
	} else {
		inode->i_nlink--;
	}
	inode->i_ctime = dir->i_mtime = dir->i_ctime = current_time();
	kfree(de);
	iput(inode);
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (!de)
		return -ENOENT;
	tmpfs_remove(dir, de);
	return 0;
}

static int tmpfs_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct tmpfs_dirent *de = tmpfs_find(dir, name, len);

	if (!de)
		return -ENOENT;
	if (!list_empty(&TMPFS_I(de->inode)->entries))
		return -ENOTEMPTY;
	tmpfs_remove(dir, de);
	return 0;
}

static int tmpfs_rename(struct inode *old_dir, const char *old_name, size_t old_len,
			struct inode *new_dir, const char *new_name, size_t new_len)
{
	struct tmpfs_dirent *de = tmpfs_find(old_dir, old_name, old_len);
	struct tmpfs_dirent *target = tmpfs_find(new_dir, new_name, new_len);
	struct inode *inode;
	int err;

	if (!de)
		return -ENOENT;
	if (de == target)
		return 0;
	inode = de->inode;
	if (target) {
		if (S_ISDIR(target->inode->i_mode) && !list_empty(&TMPFS_I(target->inode)->entries))
			return -ENOTEMPTY;
		tmpfs_remove(new_dir, target);
	}
	/* A fresh entry in the new directory (a new readdir cookie there),
	 * then the old one goes; the inode's link count stays. */
	err = tmpfs_add(new_dir, new_name, new_len, inode);
	if (err)
		return err;
	list_del(&de->list);
	kfree(de);
	iput(inode);
	if (S_ISDIR(inode->i_mode) && old_dir != new_dir) {
		TMPFS_I(inode)->parent = new_dir;
		old_dir->i_nlink--;
		new_dir->i_nlink++;
	}
	old_dir->i_mtime = old_dir->i_ctime = current_time();
	inode->i_ctime = current_time();
	return 0;
}

static int tmpfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct inode *dir = file->f_inode;
	struct tmpfs_dirent *de;

	if (ctx->pos < 0)
		return -EINVAL;
	if (!dir_emit_dots(ctx, dir->i_ino, TMPFS_I(dir)->parent->i_ino))
		return 0;
	list_for_each_entry(de, &TMPFS_I(dir)->entries, list) {
		if (de->cookie < ctx->pos)
			continue;
		if (!dir_emit(ctx, de->name, de->len, de->inode->i_ino,
			      (de->inode->i_mode >> 12) & 15, de->cookie))
			break;
	}
	return 0;
}

static const struct inode_operations tmpfs_dir_iops = {
	.lookup = tmpfs_lookup,
	.create = tmpfs_create,
	.mkdir = tmpfs_mkdir,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_rmdir,
	.rename = tmpfs_rename,
	.mknod = tmpfs_mknod,
};

static const struct file_operations tmpfs_dir_fops = {
	.llseek = generic_file_llseek,
	.iterate = tmpfs_readdir,
};

/* ---- the filesystem -------------------------------------------------------------------- */

struct super_block *tmpfs_fill_super(const struct file_system_type *type,
				     unsigned long max_pages, umode_t root_mode)
{
	struct tmpfs_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	struct super_block *sb;
	struct inode *root;

	if (!sbi)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&sbi->lock, "tmpfs_sb_info.lock");
	if (!max_pages) {                       /* (ULONG_MAX: size=0, no limit) */
		struct page_alloc_stats st;

		page_alloc_stats(&st);
		max_pages = st.total_pages / 2;         /* Linux's default size */
	}
	sbi->max_pages = max_pages;
	sbi->next_ino = TMPFS_ROOT_INO + 1;
	sb = alloc_super(NULL, type);
	if (!sb) {
		kfree(sbi);
		return ERR_PTR(-ENOMEM);
	}
	sb->s_op = &tmpfs_sops;
	sb->s_fs_info = sbi;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_maxbytes = (loff_t)0x7fffffffffffffffLL;
	root = new_inode(sb, TMPFS_ROOT_INO);
	if (IS_ERR(root)) {
		kfree(sb);
		kfree(sbi);
		return ERR_PTR(PTR_ERR(root));
	}
	pseudo_inode_init(root, S_IFDIR | (root_mode & 07777), 2);
	INIT_LIST_HEAD(&TMPFS_I(root)->entries);
	TMPFS_I(root)->next_cookie = DIR_POS_FIRST;
	TMPFS_I(root)->parent = root;
	root->i_op = &tmpfs_dir_iops;
	root->i_fop = &tmpfs_dir_fops;
	sb->s_root = root;
	return sb;
}

static int tmpfs_inode_busy(struct inode *inode, void *arg)
{
	struct super_block *sb = arg;
	/* for_each_sb_inode holds one reference; a file's names one each,
	 * a directory's name one (the root: the super_block's). */
	unsigned int names = S_ISDIR(inode->i_mode) ? 1 : inode->i_nlink;

	(void)sb;
	return READ_ONCE(inode->i_count) > (int)names + 1 ? -EBUSY : 0;
}

bool tmpfs_busy(struct super_block *sb)
{
	return for_each_sb_inode(sb, tmpfs_inode_busy, sb) != 0;
}

void tmpfs_kill_names(struct super_block *sb)
{
	inode_lock(sb->s_root);
	tmpfs_drop_dir(sb->s_root);
	inode_unlock(sb->s_root);
}

void tmpfs_kill_super(struct super_block *sb)
{
	tmpfs_kill_names(sb);
	iput(sb->s_root);
	evict_inodes(sb);
	kfree(sb->s_fs_info);
	kfree(sb);
}

/* A number with an optional k, m, g (or % of RAM for size=) suffix. */
static int tmpfs_parse_size(const char *v, unsigned long *pages)
{
	struct page_alloc_stats st;
	unsigned long long n = 0;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	while (*p >= '0' && *p <= '9') {
		if (n > (~0ULL >> 4))
			return -EINVAL;
		n = n * 10 + (unsigned long long)(*p++ - '0');
	}
	switch (*p) {
	case 'k': case 'K': n <<= 10; p++; break;
	case 'm': case 'M': n <<= 20; p++; break;
	case 'g': case 'G': n <<= 30; p++; break;
	case '%':
		page_alloc_stats(&st);
		n = (unsigned long long)st.total_pages * n / 100 * PAGE_SIZE;
		p++;
		break;
	}
	if (*p)
		return -EINVAL;
	n = (n + PAGE_SIZE - 1) >> PAGE_SHIFT;
	*pages = n ? (unsigned long)n : ~0UL;   /* size=0: no limit, as Linux */
	return 0;
}

int tmpfs_parse_options(char *data, unsigned long *max_pages, umode_t *mode)
{
	char *opt = data, *next;

	*max_pages = 0;
	*mode = 01777;
	for (; opt && *opt; opt = next) {
		char *val;

		next = strchr(opt, ',');
		if (next)
			*next++ = '\0';
		if (!*opt)
			continue;
		val = strchr(opt, '=');
		if (val)
			*val++ = '\0';
		if (!strcmp(opt, "size") && val) {
			if (tmpfs_parse_size(val, max_pages))
				return -EINVAL;
		} else if (!strcmp(opt, "mode") && val && *val) {
			unsigned int m = 0;

			for (; *val; val++) {
				if (*val < '0' || *val > '7' || m > 07777)
					return -EINVAL;
				m = m * 8 + (unsigned int)(*val - '0');
			}
			if (m > 07777)
				return -EINVAL;
			*mode = (umode_t)m;
		} else if (!strcmp(opt, "nr_inodes") || !strcmp(opt, "uid") || !strcmp(opt, "gid") ||
			   !strcmp(opt, "nr_blocks") || !strcmp(opt, "huge") || !strcmp(opt, "mpol")) {
			/* accepted, not enforced (docs/tmpfs.md) */
		} else if (!strcmp(opt, "rw") || !strcmp(opt, "ro") || !strcmp(opt, "defaults")) {
			/* mount(8) passes these along with the flags */
		} else {
			return -EINVAL;         /* Linux: "tmpfs: Unknown parameter" */
		}
	}
	return 0;
}

static struct super_block *tmpfs_mount(const struct file_system_type *type,
				       struct block_device *bdev, bool readonly)
{
	return tmpfs_fill_super(type, 0, 01777);
}

struct file_system_type tmpfs_fs_type = {
	.name = "tmpfs",
	.mount = tmpfs_mount,
};

/* ---- the kernel's own tmpfs: unlinked files (memfd, SysV shm) ---------------------------- */

static struct super_block *shm_sb;              /* (c) after tmpfs_init */

struct file *tmpfs_file_setup(const char *name, loff_t size, unsigned int flags)
{
	struct inode *inode;
	struct file *f;
	char *fname;
	int err;

	if (!shm_sb)
		return ERR_PTR(-ENOMEM);
	inode = tmpfs_new_inode(shm_sb, NULL, S_IFREG | 0777);
	if (IS_ERR(inode))
		return ERR_PTR(PTR_ERR(inode));
	inode->i_nlink = 0;                     /* never had a name */
	if (size) {
		err = vfs_truncate(inode, size);
		if (err) {
			iput(inode);
			return ERR_PTR(err);
		}
	}
	fname = kmalloc(strlen(name) + 2, GFP_KERNEL);
	f = fname ? open_inode(inode, flags) : ERR_PTR(-ENOMEM);
	iput(inode);                            /* the file holds it now */
	if (IS_ERR(f)) {
		kfree(fname);
		return f;
	}
	fname[0] = '/';
	memcpy(fname + 1, name, strlen(name) + 1);
	f->f_name = fname;
	return f;
}

/* Does a shared writable mapping of @m exist? (F_SEAL_WRITE: EBUSY.) */
static bool tmpfs_writably_mapped(struct address_space *m)
{
	struct vm_area_struct *vma;
	bool found = false;

	spin_lock(&m->i_mmap_lock);
	for_each_vma_in_range(vma, m, 0, ~0UL) {
		if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) == (VM_SHARED | VM_WRITE)) {
			found = true;
			break;
		}
	}
	spin_unlock(&m->i_mmap_lock);
	return found;
}

int tmpfs_add_seals(struct file *f, unsigned int seals)
{
	struct inode *inode = f->f_inode;
	struct tmpfs_inode *ti;
	int err = 0;

	if (inode->i_fop != &tmpfs_file_fops)
		return -EINVAL;
	if (seals & ~(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE))
		return -EINVAL;
	if (!(f->f_mode & FMODE_WRITE))
		return -EPERM;
	ti = TMPFS_I(inode);
	inode_lock(inode);
	if (ti->seals & F_SEAL_SEAL)
		err = -EPERM;
	else if ((seals & F_SEAL_WRITE) && !(ti->seals & F_SEAL_WRITE) &&
		 tmpfs_writably_mapped(inode->i_mapping))
		err = -EBUSY;
	else
		ti->seals |= seals;
	inode_unlock(inode);
	return err;
}

void tmpfs_allow_sealing(struct file *f)
{
	inode_lock(f->f_inode);
	TMPFS_I(f->f_inode)->seals &= ~F_SEAL_SEAL;
	inode_unlock(f->f_inode);
}

int tmpfs_get_seals(struct file *f)
{
	if (f->f_inode->i_fop != &tmpfs_file_fops)
		return -EINVAL;
	return (int)READ_ONCE(TMPFS_I(f->f_inode)->seals);
}

int tmpfs_check_truncate(struct inode *inode, loff_t size)
{
	unsigned int seals;

	if (inode->i_fop != &tmpfs_file_fops)
		return 0;
	seals = READ_ONCE(TMPFS_I(inode)->seals);
	if (size < inode->i_size && (seals & F_SEAL_SHRINK))
		return -EPERM;
	if (size > inode->i_size && (seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

void tmpfs_init(void)
{
	struct super_block *sb;

	if (register_filesystem(&tmpfs_fs_type))
		pr_err("tmpfs: cannot register the filesystem type\n");
	sb = tmpfs_fill_super(&tmpfs_fs_type, 0, 01777);
	if (IS_ERR(sb))
		pr_err("tmpfs: no internal mount: memfd_create and shmget will fail\n");
	else
		shm_sb = sb;
}
