/*
 * The VFS: inodes, open files, superblocks, and the operations a
 * filesystem provides. Names and shapes follow Linux, simplified: there is
 * no dentry cache (path lookup asks the filesystem's ->lookup for each
 * component, with an inode cache keyed by inode number), and no mount
 * namespace: one root filesystem, with other filesystems (devfs on /dev,
 * proc on /proc) mounted on its directories (fs/namespace.c).
 *
 * Lock legend (STYLE.md; the order is in docs/locking.md):
 *   (r) inode->i_rwsem, "the inode lock": held for writing by anything that
 *       changes the inode's size, its blocks, or (for a directory) its
 *       entries; held for reading by lookup and readdir
 *   (h) inode_hash_lock: i_count, i_state, the inode cache
 *   (t) mapping->tree_lock: the page-cache index and its counters
 *   (c) constant after the inode is set up
 *   (f) file->f_pos_lock
 */
#ifndef _FS_FS_H
#define _FS_FS_H

#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/rbtree.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <fs/stat.h>

struct block_device;
struct file;
struct inode;
struct pipe_inode_info;
struct page;
struct super_block;
struct vm_area_struct;

/* open() flags: Linux's values. */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR      00000002
#define O_CREAT     00000100
#define O_EXCL      00000200
#define O_NOCTTY    00000400
#define O_TRUNC     00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_CLOEXEC   02000000
/* A descriptor that names a file without opening it for I/O (fget_raw). */
#define O_PATH      010000000
/* Kernel-internal: open for execve (needs x permission, not read; a
 * regular file). Never taken from user space. */
#define __FMODE_EXEC 00000040

/* The *at() calls: Linux's values. */
#define AT_FDCWD            (-100)      /* relative paths start at the cwd */
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS          0x200       /* faccessat */
#define AT_REMOVEDIR        0x200       /* unlinkat */
#define AT_SYMLINK_FOLLOW   0x400       /* linkat */
#define AT_NO_AUTOMOUNT     0x800       /* fstatat: accepted, no automounts here */
#define AT_EMPTY_PATH       0x1000
/* fstatat and statx: how fresh the attributes must be (a network
 * filesystem's question; a local one, as here, is always fresh). */
#define AT_STATX_SYNC_AS_STAT 0x0000
#define AT_STATX_FORCE_SYNC   0x2000
#define AT_STATX_DONT_SYNC    0x4000
#define AT_STATX_SYNC_TYPE    0x6000

/* file->f_mode */
#define FMODE_READ  0x1
#define FMODE_WRITE 0x2
/* No readahead beyond what each read asks for (POSIX_FADV_RANDOM). Set and
 * cleared by fadvise64 with atomic bit operations; the other bits never
 * change after open. */
#define FMODE_RANDOM 0x1000
/* Opened with O_PATH: neither read nor write, no ->open was called, and
 * fget() does not hand it out (only fget_raw() does), so every call but
 * the few that name a location gets -EBADF (Linux's FMODE_PATH). */
#define FMODE_PATH 0x4000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define SEEK_DATA 3
#define SEEK_HOLE 4

#define NAME_MAX 255
#define PATH_MAX 4096

/* Path walks: follow a symbolic link that is the last component too
 * (middle ones are always followed); at most MAXSYMLINKS links are
 * followed in one resolution, then -ELOOP (Linux's limit). */
#define LOOKUP_FOLLOW 0x1
#define MAXSYMLINKS   40

/* ---- copying to and from caller buffers -------------------------------- */

/*
 * Where read() puts data and write() takes it from: a kernel buffer
 * (ITER_KERNEL), or a list of user buffers (ITER_USER: read, write,
 * readv, writev), copied with copy_to_user / copy_from_user, so the
 * page-cache code does not care which. A copy stops short at the first
 * user byte that faults, and says so by its return value.
 *
 * A user iterator points into a kernel copy of the caller's iovec array
 * (import_iovec), which the caller frees. count may be lowered by the
 * consumer (a write clamped at s_maxbytes): the segments are then only
 * used up to count.
 */
enum iter_type { ITER_KERNEL, ITER_USER };

/* struct iovec of readv/writev: Linux's layout (16 bytes). */
struct iovec {
	void *iov_base;                 /* a user pointer */
	size_t iov_len;
};

#define UIO_MAXIOV 1024                 /* readv/writev segment limit (IOV_MAX) */

struct iov_iter {
	enum iter_type type;
	char *base;                     /* ITER_KERNEL: next byte */
	size_t count;                   /* bytes left in all */
	const struct iovec *iov;        /* ITER_USER: current segment */
	unsigned long nr_segs;          /* ITER_USER: segments from iov on */
	size_t iov_offset;              /* ITER_USER: bytes of *iov used */
};

static inline void iov_iter_kernel(struct iov_iter *i, void *buf, size_t len)
{
	i->type = ITER_KERNEL;
	i->base = buf;
	i->count = len;
	i->iov = NULL;
	i->nr_segs = 0;
	i->iov_offset = 0;
}

/* An iterator over @nr_segs user segments of @iov (a kernel array);
 * count is their total, which the caller has checked. */
void iov_iter_user(struct iov_iter *i, const struct iovec *iov, unsigned long nr_segs,
		   size_t count);
/*
 * readv/writev: copy the user's iovec array in and check it as Linux does
 * (nr_segs > UIO_MAXIOV or a negative total -> -EINVAL; the total is
 * capped at MAX_RW_COUNT). *@iovp is set to a kmalloc'd array the caller
 * kfree()s. Returns 0, -EINVAL, -EFAULT or -ENOMEM.
 */
int import_iovec(const struct iovec *uvec, unsigned long nr_segs, struct iovec **iovp,
		 struct iov_iter *i);
/* Linux's cap on one read/write: INT_MAX rounded down to a page. */
#define MAX_RW_COUNT 0x7ffff000UL

/* Copy up to @n bytes; returns the bytes copied (short on a fault). */
size_t copy_to_iter(const void *src, size_t n, struct iov_iter *i);
size_t copy_from_iter(void *dst, size_t n, struct iov_iter *i);
/* The same with page faults disabled, and nothing zero-filled: a source
 * that is not mapped in just ends the copy. For copies into a locked
 * page-cache page (a fault there could need that very page lock). */
size_t copy_from_iter_atomic(void *dst, size_t n, struct iov_iter *i);
/*
 * Fault in the next @n bytes of a user iterator for reading, touching one
 * byte per page (a get_user-style read), so that a copy made later under
 * a page lock does not need to fault. Returns how many of the @n bytes
 * could NOT be faulted in (0: all readable). Does not advance @i.
 * Context: may sleep (it may take page faults); no page lock held.
 */
size_t fault_in_iov_iter_readable(const struct iov_iter *i, size_t n);

/*
 * For files whose contents are one kernel buffer of @available bytes
 * (fs/libfs.c): copy between it and the iterator from *@pos on, moving
 * *@pos. Return the bytes copied, 0 at or past the end, -EFAULT if the
 * user buffer faulted before any byte, -EINVAL for a negative *@pos.
 * Context: may sleep (user copies); no spinlock held.
 */
ssize_t simple_read_from_buffer(struct iov_iter *to, loff_t *pos, const void *from,
				size_t available);
ssize_t simple_write_to_buffer(void *to, size_t available, loff_t *pos, struct iov_iter *from);
/* ->llseek for a file of @size bytes: SEEK_SET/CUR/END within [0, size],
 * else -EINVAL. The caller holds f_pos_lock (vfs_llseek). */
loff_t fixed_size_llseek(struct file *file, loff_t offset, int whence, loff_t size);

/* ---- the page cache of one file ---------------------------------------- */

struct writeback_control;
struct address_space;
/*
 * The readahead state of one open file (mm/readahead.c; Linux's
 * file_ra_state). The current window is the pages [start, start + size);
 * its last async_size pages were read ahead of need, and the first of
 * those carries PG_readahead: a reader that reaches it starts the next
 * window without waiting. prev_pos is where the last read() ended, to tell
 * a sequential reader from a random one.
 *
 * No lock, as in Linux: the state is a hint. Two tasks reading one open
 * file (threads, a fork child) may interleave their updates, which can
 * only misplace a window; every field is loaded once and range-checked
 * before use (ra_pages is the bound), so a torn state costs I/O, never
 * data. (r): READ_ONCE/WRITE_ONCE, no lock.
 */
struct file_ra_state {
	unsigned long start;            /* (r) first page of the current window */
	unsigned int size;              /* (r) its pages; 0: no window yet */
	unsigned int async_size;        /* (r) of those, read ahead of need */
	unsigned int ra_pages;          /* (r) the largest window; 0: no readahead at all
					 * (set at open from vm.read_ahead_kb; fadvise) */
	unsigned int mmap_miss;         /* (r) mapped-read cache misses not yet offset by
					 * hits: many means read-around does not pay */
	loff_t prev_pos;                /* (r) where the last read() ended; -1 at open */
};

/*
 * One batch of readahead handed to ->readahead: @nr new pages of @mapping,
 * in ascending index order (not necessarily adjacent), each locked, not
 * uptodate, in the cache and on the LRU. Their page locks belong to the
 * I/O, not to the calling task: the read's completion releases them
 * (unlock_page_io), possibly in interrupt context.
 */
struct readahead_control {
	struct file *file;              /* may be NULL (a kernel read) */
	struct address_space *mapping;
	struct page **pages;
	unsigned int nr;
};

struct address_space_operations {
	/*
	 * Read @page (locked, not uptodate) from disk. On success set it
	 * uptodate; either way unlock it. Returns 0 or -EIO.
	 * Context: may sleep; the page lock is held on entry, released on exit.
	 */
	int (*readpage)(struct file *file, struct page *page);
	/*
	 * Start writing @page (locked, not under write-back: the caller
	 * waited or skipped; its dirty flag already cleared by the caller)
	 * and unlock it, without waiting for the disk: set_page_writeback,
	 * unlock, submit; the I/O's completion calls end_page_writeback
	 * (include/mm/filemap.h) and records an I/O error in the mapping
	 * (mapping_set_error), for the next fsync. Bytes past i_size in the
	 * last page are zeroed first (they may hold stores through a mapping,
	 * which are not file data). Returns 0 once the write is started (or
	 * there was nothing to write), or -EIO/-ENOSPC/-ENOMEM if it could
	 * not be started (the page is unlocked, not under write-back, and the
	 * caller redirties it). Context: may sleep (block mapping); called
	 * by write-back (under its plug: the requests may be held and merged
	 * with the next page's) and by reclaim.
	 */
	int (*writepage)(struct page *page);
	/*
	 * Start the writes of @m's dirty pages as @wbc says (how many; whether
	 * to wait for page locks and for writes already in flight, or skip
	 * those pages), walking them in index order under a plug (include/
	 * drivers/blkdev.h), so that pages whose blocks are contiguous on
	 * the disk reach it as one large request. Never waits for the writes
	 * it starts. Adds the pages started to wbc->nr_written and returns
	 * the first error of a write that could not be started. Optional: the
	 * callers (do_writepages) use generic_writepages, which loops
	 * ->writepage, without it. Context: may sleep; no lock held.
	 */
	int (*writepages)(struct address_space *m, struct writeback_control *wbc);
	/*
	 * Before write() copies into bytes [@from, @to) of @page (locked): give
	 * those bytes disk blocks (allocating holes), so that a full disk is
	 * reported by write() as -ENOSPC rather than lost at writeback.
	 * Returns 0, -ENOSPC, -EIO or -EFBIG.
	 */
	int (*prepare_write)(struct file *file, struct page *page, unsigned int from,
			     unsigned int to);
	/*
	 * Start reading every page of @rac without waiting (optional: with no
	 * ->readahead a mapping gets no readahead). Each page ends unlocked
	 * (unlock_page_io), uptodate if its read succeeded; one that failed,
	 * or could not be started, is left not uptodate, and whoever needs
	 * it reads it again with ->readpage, which reports the error. Never
	 * fails visibly: readahead is a hint. Context: process, may sleep
	 * (block mapping, a free slot in the disk's queue); called inside a
	 * plug; the caller holds no page lock of its own.
	 */
	void (*readahead)(struct readahead_control *rac);
};

struct radix_node;

struct address_space {
	struct inode *host;                     /* (c) owner */
	spinlock_t tree_lock;                   /* protects the fields below */
	struct radix_node *page_tree;           /* (t) index -> struct page */
	unsigned int tree_height;               /* (t) levels in page_tree */
	unsigned long nrpages;                  /* (t) pages cached */
	unsigned long nrdirty;                  /* (t) of those, dirty */
	u64 dirtied_when;                       /* (t) jiffies the first page became dirty */
	int wb_err;                             /* (atomic) a write-back error not yet reported by
						 * fsync: set from interrupt context
						 * (mapping_set_error), taken by fsync */
	const struct address_space_operations *a_ops;   /* (c) */
	struct list_head cache_list;            /* (mapping_list_lock) while nrpages > 0 */
	bool unevictable;                       /* (c) reclaim must not drop clean pages
						 * (shared anonymous memory has no disk copy) */

	/*
	 * The reverse map (mm/rmap.c): every VMA that maps this file, shared or
	 * private: an interval tree keyed by the file pages each maps. Under
	 * i_mmap_lock, a spinlock taken
	 * inside the page lock and outside every mm's page_table_lock.
	 */
	spinlock_t i_mmap_lock;
	struct rb_root i_mmap;                  /* (i) vma->vm_shared */
	/*
	 * Bumped, under i_mmap_lock, by every unmap_mapping_range (truncate):
	 * a fault samples it before ->fault and rechecks it under the
	 * page-table lock before installing the PTE, and starts again if it
	 * moved (docs/truncate-race.md). Read without the lock.
	 */
	unsigned int truncate_count;            /* (i) written; read with READ_ONCE */
};

/* ---- inodes -------------------------------------------------------------- */

struct inode_operations {
	/* Find @name in directory @dir (i_rwsem held for reading). Returns a
	 * referenced inode, or ERR_PTR(-ENOENT) / other negative errno. */
	struct inode *(*lookup)(struct inode *dir, const char *name, size_t len);
	/* Create a regular file / directory @name in @dir (i_rwsem held for
	 * writing); the name is known not to exist. Returns a referenced inode
	 * or ERR_PTR(-ENOSPC, -EIO, -EMLINK, ...). */
	struct inode *(*create)(struct inode *dir, const char *name, size_t len, umode_t mode);
	struct inode *(*mkdir)(struct inode *dir, const char *name, size_t len, umode_t mode);
	/* Add a new name for @inode in @dir (dir's i_rwsem held for writing). */
	int (*link)(struct inode *inode, struct inode *dir, const char *name, size_t len);
	/* Remove @name (a non-directory) from @dir; drops the link count of
	 * its inode. Both i_rwsems held for writing. */
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	/* Remove the empty directory @name: -ENOTEMPTY if it is not empty. */
	int (*rmdir)(struct inode *dir, const char *name, size_t len);
	/* Move @old_name in @old_dir to @new_name in @new_dir, replacing an
	 * existing target of a compatible type. The VFS has checked the types
	 * (and that a directory is not moved into itself) and holds both
	 * directories' and the target's i_rwsem for writing; the filesystem
	 * checks that a directory it replaces is empty (-ENOTEMPTY). */
	int (*rename)(struct inode *old_dir, const char *old_name, size_t old_len,
		      struct inode *new_dir, const char *new_name, size_t new_len);
	/* Free the blocks past the new i_size (already set; page cache
	 * already truncated by the VFS). i_rwsem held for writing. */
	int (*truncate_blocks)(struct inode *inode);
	/* Create symbolic link @name in @dir (i_rwsem held for writing; the
	 * name is known not to exist) holding @target (NUL-terminated,
	 * 1..PATH_MAX-1 bytes). Returns a referenced inode or
	 * ERR_PTR(-ENAMETOOLONG (target longer than the filesystem keeps),
	 * -ENOSPC, -EIO, ...). */
	struct inode *(*symlink)(struct inode *dir, const char *name, size_t len,
				 const char *target);
	/* A symbolic link's target: copy it into @buf (@size bytes; no NUL
	 * added) and return its length, or -EIO. A link's target never
	 * changes, so no lock is needed. Context: may sleep. */
	int (*get_link)(struct inode *inode, char *buf, size_t size);
	/* Create a FIFO, socket or device inode @name in @dir (i_rwsem held
	 * for writing; the name is known not to exist) with device number
	 * @rdev (makedev encoding; 0 but for devices). */
	struct inode *(*mknod)(struct inode *dir, const char *name, size_t len, umode_t mode,
			       u64 rdev);
};

/* One directory entry, as ->iterate reports it. Return false to stop. */
struct dir_context {
	bool (*actor)(struct dir_context *ctx, const char *name, size_t len, loff_t pos,
		      u64 ino, unsigned int d_type);
	loff_t pos;                             /* where to resume: an fs cookie */
};

struct poll_table;
struct file_lock_context;

struct file_operations {
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	ssize_t (*read_iter)(struct file *file, struct iov_iter *to, loff_t *pos);
	ssize_t (*write_iter)(struct file *file, struct iov_iter *from, loff_t *pos);
	/* Report entries from ctx->pos on (i_rwsem held for reading). */
	int (*iterate)(struct file *file, struct dir_context *ctx);
	int (*fsync)(struct file *file, bool datasync);
	int (*open)(struct inode *inode, struct file *file);
	void (*release)(struct inode *inode, struct file *file);
	/* mmap(2) of this file: set vma->vm_ops (and check what the file
	 * allows). NULL: the file cannot be mapped (-ENODEV). */
	int (*mmap)(struct file *file, struct vm_area_struct *vma);
	/* ioctl(2): -ENOTTY for a request the file does not know. */
	long (*unlocked_ioctl)(struct file *file, unsigned int cmd, unsigned long arg);
	/* poll/select: POLL* now, queues registered with poll_wait; never
	 * sleeps (include/fs/poll.h). NULL: always readable and writable. */
	unsigned int (*poll)(struct file *file, struct poll_table *pt);
};

/* i_state bits */
#define I_NEW           (1u << 0)       /* being read in; wait on it */
#define I_DIRTY         (1u << 1)       /* inode fields newer than the disk */
#define I_FREEING       (1u << 2)       /* being evicted */
/* ... and among them one fdatasync must write: anything but the times (the
 * size, the block map, i_blocks; Linux's I_DIRTY_DATASYNC). Only
 * mark_inode_dirty_sync leaves it clear. */
#define I_DIRTY_DATASYNC (1u << 3)

struct inode {
	unsigned long i_ino;                    /* (c) */
	umode_t i_mode;                         /* (r) */
	unsigned int i_nlink;                   /* (r) */
	u32 i_uid, i_gid;                       /* (r) */
	loff_t i_size;                          /* (r) read without it with READ_ONCE */
	u64 i_blocks;                           /* (r) 512-byte units, as stat reports */
	u64 i_rdev;                             /* (c) device number, for device files */
	struct file_lock_context *i_flctx;      /* fs/locks.c: made at the first lock (atomic) */
	struct pipe_inode_info *i_pipe;         /* a pipe's, or an open FIFO's (fs/pipe.c:
						 * fifo_lock) */
	struct timespec64 i_atime, i_mtime, i_ctime;    /* (r); also file_update_time() */
	struct super_block *i_sb;               /* (c) */
	const struct inode_operations *i_op;    /* (c) */
	const struct file_operations *i_fop;    /* (c) */
	struct address_space *i_mapping;        /* (c) usually &i_data */
	struct address_space i_data;
	struct rw_semaphore i_rwsem;            /* the inode lock */
	int i_count;                            /* (h) references */
	unsigned int i_state;                   /* (h) I_* */
	struct list_head i_hash;                /* (h) inode cache chain */
	struct list_head i_lru;                 /* (h) unreferenced inodes, oldest first */
	struct list_head i_sb_list;             /* (s_inode_list_lock) every inode of the fs */
};

/* Take another reference to an inode the caller already holds. */
struct inode *igrab(struct inode *inode);
/* Drop a reference. The last reference to an unlinked inode frees it on
 * disk (->evict_inode). Context: may sleep. NULL is ignored. */
void iput(struct inode *inode);
/* Register the inode cache's shrinker (docs/reclaim.md). Context: boot. */
void inode_shrinker_init(void);
/*
 * Get inode @ino of @sb: from the cache, or allocated with I_NEW set and
 * returned for the filesystem to fill; it then calls unlock_new_inode().
 * Returns ERR_PTR(-ENOMEM) on failure. Context: may sleep.
 */
struct inode *iget_locked(struct super_block *sb, unsigned long ino);
void unlock_new_inode(struct inode *inode);
/* A failed read of an I_NEW inode: drop it from the cache. */
void iget_failed(struct inode *inode);
/* Allocate an inode for a newly created file (not yet on disk), I_NEW
 * cleared, hashed under @ino. Returns ERR_PTR(-ENOMEM), or
 * ERR_PTR(-EBUSY) if an inode @ino of @sb is still cached (the
 * filesystem's free map was wrong). */
struct inode *new_inode(struct super_block *sb, unsigned long ino);
/* The inode's fields changed: write them back at the next sync. */
void mark_inode_dirty(struct inode *inode);
/* Only the times changed: dirty, but nothing fdatasync (msync) must write. */
void mark_inode_dirty_sync(struct inode *inode);
/* Set the inode lock's (i_rwsem) expectations in one place. */
static inline void inode_lock(struct inode *i) { down_write(&i->i_rwsem); }
static inline void inode_unlock(struct inode *i) { up_write(&i->i_rwsem); }
static inline void inode_lock_shared(struct inode *i) { down_read(&i->i_rwsem); }
static inline void inode_unlock_shared(struct inode *i) { up_read(&i->i_rwsem); }

/* Call @fn for each cached inode of @sb, with a reference held across the
 * call (which may sleep). Returns the first error @fn returned. */
int for_each_sb_inode(struct super_block *sb, int (*fn)(struct inode *inode, void *arg), void *arg);
/* Drop @sb's unreferenced cached inodes (unmount); returns how many
 * are still in use. */
unsigned long evict_inodes(struct super_block *sb);
/* Write the inode's fields through ->write_inode if it is dirty. */
int write_inode_now(struct inode *inode, bool sync);
/* For fdatasync (@datasync): write the inode only if more than its times
 * changed (I_DIRTY_DATASYNC), as Linux's fdatasync and msync do. */
int write_inode_datasync(struct inode *inode, bool sync, bool datasync);
/* Write back what has been dirty since before @before (jiffies), on every
 * filesystem: pages, inodes and metadata buffers (the flusher's job). */
void writeback_older_than(u64 before);
/* The flusher, for memory pressure or above the background dirty limit:
 * write back about @nr_pages dirty pages, inode by inode, skipping locked
 * pages, then the dirty metadata buffers. Returns pages written.
 * Context: the flusher thread; takes sb_lock. */
unsigned long writeback_for_reclaim(unsigned long nr_pages);

struct timespec64 current_time(void);
void inode_set_size(struct inode *inode, loff_t size);  /* WRITE_ONCE + dirty */
/*
 * The file's data changed other than through write() (a store through a
 * shared mapping, from ->page_mkwrite): mtime and ctime become now.
 * Context: any task context; needs no i_rwsem (->page_mkwrite cannot take
 * it), so it may race with another time update: both store "now".
 */
void file_update_time(struct file *file);

/* ---- superblocks and filesystem types ------------------------------------ */

struct kstatfs {
	u64 f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_namelen;
};

struct super_operations {
	/* Allocate the filesystem's inode (which embeds struct inode). */
	struct inode *(*alloc_inode)(struct super_block *sb);
	void (*destroy_inode)(struct inode *inode);
	/* Read inode ->i_ino from disk into an I_NEW inode: fill the fields,
	 * i_op, i_fop and i_mapping->a_ops. Returns 0, -EIO, or -EINVAL for a
	 * corrupt inode. */
	int (*read_inode)(struct inode *inode);
	/* Write the inode's fields to disk (to its buffer; @sync: and wait). */
	int (*write_inode)(struct inode *inode, bool sync);
	/* The last reference to an inode with i_nlink == 0 is gone: free its
	 * blocks and the inode on disk. */
	void (*evict_inode)(struct inode *inode);
	/* Write the filesystem's own metadata (superblock, group descriptors,
	 * bitmaps) and, with @wait, wait for it. */
	int (*sync_fs)(struct super_block *sb, bool wait);
	/* Unmount, after a full sync and after every inode is gone: write the
	 * final superblock state (e.g. "cleanly unmounted") and wait for it,
	 * then free s_fs_info. The VFS frees the super_block itself. */
	void (*put_super)(struct super_block *sb);
	/* The filesystem becomes read-only for good while inodes are still in
	 * use (power-off with processes alive), after a full sync: write the
	 * "cleanly unmounted" state as put_super would, keep s_fs_info.
	 * Optional. */
	void (*remount_ro)(struct super_block *sb);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
};

struct super_block {
	struct block_device *s_bdev;            /* (c) NULL for an in-memory filesystem */
	u64 s_dev;                              /* (c) st_dev of its files (makedev encoding) */
	unsigned long s_blocksize;              /* (c) bytes */
	unsigned int s_blocksize_bits;          /* (c) */
	loff_t s_maxbytes;                      /* (c) largest file size */
	const struct super_operations *s_op;    /* (c) */
	const struct file_system_type *s_type;  /* (c) */
	struct inode *s_root;                   /* (c) */
	void *s_fs_info;                        /* (c) the filesystem's */
	bool s_readonly;                        /* (c) */
	bool s_noexec;                          /* (c) nothing here may be executed or
						 * mapped PROT_EXEC (pipefs, as Linux's
						 * SB_I_NOEXEC) */
	spinlock_t s_inode_list_lock;
	struct list_head s_inodes;              /* (s_inode_list_lock) */
};

struct file_system_type {
	const char *name;
	bool requires_dev;                      /* mounted from a disk: not "nodev" */
	/* Read the superblock of @bdev; refuse (with a message saying why) an
	 * image with features this filesystem does not support. An in-memory
	 * filesystem (devfs, proc) gets @bdev NULL and builds its own. Returns
	 * the super_block with s_root set, or ERR_PTR(-EINVAL/-EIO/-ENOMEM). */
	struct super_block *(*mount)(const struct file_system_type *type,
				     struct block_device *bdev, bool readonly);
	struct list_head list;
};

int register_filesystem(struct file_system_type *type);
/* Mount @fstype from device @devname, not attached anywhere (tests, and
 * mount_root). Returns the super_block or ERR_PTR(-ENODEV, -EINVAL, ...). */
struct super_block *vfs_mount(const char *devname, const char *fstype, bool readonly);
/* Sync and release a filesystem mounted with vfs_mount. Returns 0, the
 * first write-back error, or -EBUSY (still mounted) if an inode other than
 * the root is still in use. */
int vfs_umount(struct super_block *sb);
/* Sync @sb and make it read-only, leaving it mounted (what a reboot does
 * when processes still hold files). Returns 0 or the first error. */
int vfs_remount_ro(struct super_block *sb);
/* Mount a filesystem that has no device (its ->mount gets bdev NULL),
 * not attached anywhere: see mount_nodev_at. Such a filesystem is not on
 * the list sync and the flusher walk (it has nothing to write back).
 * Returns the super_block or ERR_PTR(-ENODEV, -ENOMEM). */
struct super_block *vfs_kern_mount(const char *fstype);
int vfs_statfs(struct super_block *sb, struct kstatfs *st);
/* Mount filesystem @fstype from @bdev as the root. Returns 0 or an errno. */
int mount_root(const char *devname, const char *fstype);
/* The root filesystem's superblock, or NULL before mount_root. */
struct super_block *root_sb(void);

/* One mounted filesystem, for /proc/PID/mounts (fs/namespace.c). */
struct mount_info {
	struct super_block *sb;
	struct inode *mountpoint;               /* referenced; NULL for the root */
};
int mounts_snapshot(struct mount_info *out, int max);
/* Allocate and initialise a super_block (for a filesystem's ->mount). Its
 * s_dev is the disk's number, or for @bdev NULL a new anonymous device
 * (major 0, as Linux gives in-memory filesystems). */
struct super_block *alloc_super(struct block_device *bdev, const struct file_system_type *type);

/* ---- mount points (fs/namespace.c) ------------------------------------------ */

/*
 * Make the root of filesystem @fstype, which has no device (its ->mount
 * gets a NULL bdev), visible at directory @path of the filesystems already
 * mounted; the directory is created first if it does not exist. A path
 * walk that reaches the directory continues in the mounted root, and ".."
 * from that root goes to the directory's parent. Mounts stay until
 * power-off (vfs_detach_all).
 * Returns 0, -ENODEV (no such type), -ENOTDIR, -EBUSY (something is
 * mounted there already), or the error of the mkdir or the ->mount.
 * Context: process context at boot; may sleep.
 */
int mount_nodev_at(const char *fstype, const char *path);
/*
 * The same for a filesystem on disk @devname (vfs_mount, then attached on
 * @path, made if missing): the program disk. The filesystem is on the list
 * that sync walks (nothing to write when read-only). Returns 0, -ENODEV,
 * -ENOTDIR, -EBUSY, or the error of the mkdir or the mount; says which on
 * the console. Context: process context at boot; may sleep.
 */
int mount_dev_at(const char *devname, const char *fstype, const char *path, bool readonly);
/* Attach @sb's root on the directory @dir (referenced by the caller; the
 * mount takes its own reference). Returns 0, -ENOTDIR or -EBUSY. */
int vfs_attach_mount(struct super_block *sb, struct inode *dir);
/*
 * The walk's two crossings. follow_mount: @inode (referenced) is given
 * back, or, if a filesystem is mounted on it, that filesystem's root in
 * its place (referenced; @inode's reference is dropped), repeatedly.
 * mount_covered: if @dir is the root of a mounted filesystem, the
 * directory it is mounted on (referenced: the caller iput()s it), else
 * NULL.
 */
struct inode *follow_mount(struct inode *inode);
struct inode *mount_covered(struct inode *dir);
/* @dir's parent as ".." names it (referenced), crossing out of a mounted
 * root into the directory it covers; no mount is followed on the way. */
struct inode *dir_parent(struct inode *dir);
/* Is a filesystem mounted on @dir? (rmdir and rename refuse it: -EBUSY) */
bool is_mountpoint(struct inode *dir);
/* Power-off: detach every mount, last made first, dropping the covered
 * directories' references, so that the root can be unmounted. */
void vfs_detach_all(void);

/* ---- open files ---------------------------------------------------------- */

struct file {
	struct inode *f_inode;                  /* (c) referenced */
	const struct file_operations *f_op;     /* (c) */
	unsigned int f_flags;                   /* O_* as passed to open */
	unsigned int f_mode;                    /* (c) FMODE_* */
	loff_t f_pos;                           /* (f) */
	struct mutex f_pos_lock;
	int f_count;                            /* (a) references (dup, fork) */
	void *private_data;
	/* The path the file was opened by (kmalloc'd; NULL for a file opened
	 * without a name: a pipe, the console), and for a relative one the
	 * directory it started from (referenced; NULL: the root). There is
	 * no dentry cache to name a file from its inode, so this is what
	 * file_path() and /proc/PID/maps show. (c) */
	char *f_name;
	struct inode *f_name_dir;
	struct file_ra_state f_ra;              /* (r) readahead (mm/readahead.c) */
};

/*
 * The absolute path of @f, Linux's d_path() as far as Faultline can: its
 * name at open, made absolute from the directory it was opened relative
 * to (as that directory is named now), with "." and ".." resolved (a file
 * opened through a symbolic link is named by the directory it was found
 * in and its last component, so that is exact), and " (deleted)"
 * appended once the file has no link left. Written NUL-terminated into
 * @buf of @size bytes. Returns the length without the NUL, -ENOENT for a
 * file with no name, -ENAMETOOLONG if @size is too small, -ENOMEM.
 * Context: may sleep (it reads directories); holds no lock on return.
 */
int file_path(struct file *f, char *buf, size_t size);

/* ---- the VFS calls the rest of the kernel uses ---------------------------- */

/* Open @path (absolute, or relative to current's cwd: see namei_at).
 * Returns a file or ERR_PTR(-ENOENT, -ENOTDIR, -EISDIR, -EEXIST,
 * -ENAMETOOLONG, -ELOOP (O_NOFOLLOW on a symlink), ...). */
struct file *filp_open(const char *path, unsigned int flags, umode_t mode);
/* An O_PATH file for @inode (FMODE_PATH; @flags kept as F_GETFL shows them). */
struct file *open_inode_path(struct inode *inode, unsigned int flags);
struct file *get_file(struct file *f);
void fput(struct file *f);
ssize_t kernel_read(struct file *f, void *buf, size_t len, loff_t *pos);
ssize_t kernel_write(struct file *f, const void *buf, size_t len, loff_t *pos);
ssize_t vfs_read(struct file *f, struct iov_iter *to, loff_t *pos);
ssize_t vfs_write(struct file *f, struct iov_iter *from, loff_t *pos);
loff_t vfs_llseek(struct file *f, loff_t offset, int whence);
int vfs_fsync(struct file *f, bool datasync);
int vfs_truncate(struct inode *inode, loff_t size);
int vfs_getattr(struct inode *inode, struct kstat *st);
int vfs_readdir(struct file *f, struct dir_context *ctx);

int vfs_stat(const char *path, struct kstat *st);
int vfs_mkdir(const char *path, umode_t mode);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
int vfs_link(const char *oldpath, const char *newpath);
int vfs_rename(const char *oldpath, const char *newpath);
/* Write every dirty page, inode and buffer of every filesystem. */
int ksys_sync(void);
/* syncfs: what sync does, for the one filesystem @sb (if mounted). */
int sync_filesystem(struct super_block *sb);
/* Call @fn for every mounted disk filesystem (not devfs or proc), under
 * sb_lock, so none is unmounted meanwhile. Context: may sleep; @fn may
 * sleep and must not mount, unmount or sync. */
void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg);
/* /proc/sys/vm/drop_caches (fs/drop_caches.c): 1, 2 or 3, else -EINVAL. */
int drop_caches_store(const char *buf, size_t len);

/* Resolve @path to a referenced inode: from the root filesystem (a
 * relative path from current's cwd), or with namei_from() from @root
 * (another mounted filesystem's s_root; relative paths start there too). */
struct inode *namei(const char *path);
struct inode *namei_from(struct inode *root, const char *path);

/*
 * The *at forms, for the system calls. @dir is where a relative @path
 * starts: a directory inode the caller holds a reference to, or NULL for
 * current's cwd (current->fs->pwd; the root for a kernel thread, whose
 * fs is NULL). An absolute path ignores @dir. Symbolic links in the
 * middle of a path are followed (->get_link); namei_at follows one at
 * the end too, namei_at_flags only with LOOKUP_FOLLOW (lstat).
 */
struct inode *namei_at(struct inode *dir, const char *path);
struct inode *namei_at_flags(struct inode *dir, const char *path, unsigned int lookup_flags);
struct file *filp_open_at(struct inode *dir, const char *path, unsigned int flags, umode_t mode);
int vfs_mkdir_at(struct inode *dir, const char *path, umode_t mode);
int vfs_rmdir_at(struct inode *dir, const char *path);
int vfs_unlink_at(struct inode *dir, const char *path);
int vfs_link_at(struct inode *olddir, const char *oldpath, struct inode *newdir,
		const char *newpath);
int vfs_link_at_flags(struct inode *olddir, const char *oldpath, struct inode *newdir,
		      const char *newpath, unsigned int lookup_flags);
/* Create symbolic link @path holding @target. Returns 0, -EEXIST (even for
 * a dangling link there), -ENOENT, -ENOTDIR, -EROFS, -EPERM (the
 * filesystem has no symlinks), -ENAMETOOLONG, -ENOSPC, -EIO. */
int vfs_symlink_at(struct inode *dir, const char *path, const char *target);
/* Create a FIFO, socket or device node @path (@mode holds the type). */
int vfs_mknod_at(struct inode *dir, const char *path, umode_t mode, u64 rdev);
/* The same for a FIFO or socket, giving back the new inode (referenced) in
 * *@res on success: bind() of an AF_UNIX socket (fs/af_unix.c). */
int vfs_mknod_at_inode(struct inode *dir, const char *path, umode_t mode, struct inode **res);
int vfs_rename_at(struct inode *olddir, const char *oldpath, struct inode *newdir,
		  const char *newpath);
/* Resolve the directory @path's last component would be in: 0 or the
 * lookup's error (what rename checks of its old name before its new one). */
int vfs_parent_check(struct inode *dir, const char *path);
/*
 * Write the absolute path of directory @dir (NULL: the root) into @buf
 * of @size bytes, NUL-terminated. There is no dentry cache, so it walks
 * up with ".." and finds each name in its parent by inode number.
 * Returns the length with the NUL, -ERANGE if @size is too small,
 * -ENOENT if @dir was removed, or -EIO/-ENOMEM.
 */
int vfs_getcwd(struct inode *dir, char *buf, size_t size);

/* ---- special files: FIFOs and device nodes on a real filesystem ----------- */

/*
 * Give a FIFO, socket or device inode of a disk filesystem its file
 * operations, as Linux's init_special_inode: a FIFO opens as a pipe
 * (pipefifo_fops, fs/pipe.c), a character device reaches the driver
 * registered with that number (def_chr_fops, fs/devfs.c; -ENXIO if
 * none), a block device or socket gives -ENXIO. Sets i_rdev.
 */
void init_special_inode(struct inode *inode, umode_t mode, u64 rdev);
extern const struct file_operations pipefifo_fops;
extern const struct file_operations def_chr_fops;

/* ---- permissions and attributes (fs/attr.c; docs/permissions.md) ---------- */

#define MAY_EXEC  0x1
#define MAY_WRITE 0x2
#define MAY_READ  0x4

/*
 * May current (its fsuid, fsgid and groups) @mask (MAY_*) @inode? By the
 * owner's, the group's or the others' bits, with root's override (all
 * but executing a non-directory with no x bit). Returns 0, -EACCES, or
 * -EROFS for writing a file or directory on a read-only filesystem.
 * Context: any; reads the mode and ids without the inode lock.
 */
int inode_permission(struct inode *inode, int mask);
/* Is current the owner of @inode, or root (CAP_FOWNER)? */
bool inode_owner_or_capable(struct inode *inode);
/* chmod, chown (-1: unchanged) and utimensat on an inode, with Linux's
 * checks and ctime; @times NULL is "now" for both (see fs/attr.c).
 * Context: may sleep; take the inode lock. */
int vfs_chmod(struct inode *inode, umode_t mode);
int vfs_chown(struct inode *inode, u32 uid, u32 gid);
int vfs_utimes(struct inode *inode, const struct timespec64 *times);

/* ---- user-space path names (fs/namei_at.c) -------------------------------- */

/*
 * Copy a path name from user memory into a new PATH_MAX buffer. Returns
 * it, or ERR_PTR(-EFAULT), ERR_PTR(-ENAMETOOLONG) (no NUL within
 * PATH_MAX), ERR_PTR(-ENOENT) for "" unless @empty_ok, or -ENOMEM.
 * Free with putname(). Context: may sleep (it may fault).
 */
char *getname_flags(const char *upath, bool empty_ok);
static inline char *getname(const char *upath) { return getname_flags(upath, false); }
void putname(char *name);
/* The inode a user path names (getname, then namei_at from the cwd),
 * referenced, or an ERR_PTR from either. Context: may sleep. */
struct inode *user_namei(const char *upath);
/*
 * The starting directory of an *at call: NULL (cwd) for AT_FDCWD or an
 * absolute @path, else the referenced inode of open directory @dfd.
 * ERR_PTR(-EBADF) for a bad fd, ERR_PTR(-ENOTDIR) for a non-directory.
 */
struct inode *at_dir(int dfd, const char *path);
/* Open an inode the caller holds a reference to (the file takes its own). */
struct file *open_inode(struct inode *inode, unsigned int flags);

/* The generic file operations for regular files in the page cache
 * (mm/filemap.c); a filesystem points i_fop at these or wraps them. */
loff_t generic_file_llseek(struct file *file, loff_t offset, int whence);
ssize_t generic_file_read_iter(struct file *file, struct iov_iter *to, loff_t *pos);
ssize_t generic_file_write_iter(struct file *file, struct iov_iter *from, loff_t *pos);
int generic_file_fsync(struct file *file, bool datasync);
/* mmap through the page cache (vm_ops = generic_file_vm_ops, filemap_fault). */
int generic_file_mmap(struct file *file, struct vm_area_struct *vma);

#endif
