/*
 * ext2, the second extended filesystem (fs/ext2/): the on-disk format as
 * Faultline reads and writes it, and the in-memory state of a mounted
 * filesystem and of its inodes. docs/ext2.md describes the format, the
 * block map, the allocation policy and the locks at length.
 *
 * What Faultline supports: revision 0 and 1, blocks of 1, 2 or 4 KiB,
 * inodes of 128 bytes or more, the "filetype" incompat feature and the
 * "sparse_super" and "large_file" ro-compat features. Compat features
 * (ext_attr, resize_inode, dir_index, has_journal, ...) need nothing from a
 * filesystem that does not use them, except care not to break them (see
 * dir.c for dir_index). An image with any other incompat feature is
 * refused; one with an unknown ro-compat feature is mounted read-only.
 *
 * Byte order: ext2 is little-endian on disk, and so is x86-64, the only
 * architecture Faultline runs on; the structures below are used as they
 * are, without le32_to_cpu() conversions.
 *
 * Lock legend (order, outermost first:
 *   i_rwsem -> page lock -> truncate_mutex -> s_lock -> b_io_lock):
 *   (c) constant after mount, or after the inode is read or created
 *   (r) inode->i_rwsem of the inode (the VFS takes it)
 *   (m) ext2_inode_info.truncate_mutex: the block map of one inode
 *   (s) ext2_sb_info.s_lock: bitmaps, group descriptors, superblock fields
 */
#ifndef _FS_EXT2_H
#define _FS_EXT2_H

#include <kernel/compiler.h>
#include <kernel/mutex.h>
#include <kernel/printk.h>
#include <kernel/types.h>
#include <fs/buffer.h>
#include <fs/fs.h>

/* ---- on-disk constants ----------------------------------------------------- */

#define EXT2_SUPER_MAGIC        0xEF53
#define EXT2_SUPER_OFFSET       1024            /* bytes from the start of the device */
#define EXT2_SUPER_SIZE         1024
#define EXT2_MIN_BLOCK_SIZE     1024
#define EXT2_MAX_BLOCK_SIZE     4096            /* a page: the buffer cache's limit */
#define EXT2_GOOD_OLD_REV       0
#define EXT2_DYNAMIC_REV        1
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_GOOD_OLD_FIRST_INO 11

/* Reserved inode numbers. */
#define EXT2_BAD_INO            1
#define EXT2_ROOT_INO           2

#define EXT2_NAME_LEN           255
#define EXT2_LINK_MAX           32000

/* i_block[]: 12 direct blocks, then one single, double and triple indirect. */
#define EXT2_NDIR_BLOCKS        12
#define EXT2_IND_BLOCK          12
#define EXT2_DIND_BLOCK         13
#define EXT2_TIND_BLOCK         14
#define EXT2_N_BLOCKS           15

/* s_state */
#define EXT2_VALID_FS           0x0001          /* cleanly unmounted */
#define EXT2_ERROR_FS           0x0002          /* errors were found */

/* Compat features: safe to ignore. */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC        0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES       0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL         0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR            0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE        0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX           0x0020

/* Ro-compat features: without them, mount read-only. */
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER     0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE       0x0002
#define EXT2_FEATURE_RO_COMPAT_SUPP \
	(EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* Incompat features: without them, do not mount at all. */
#define EXT2_FEATURE_INCOMPAT_FILETYPE          0x0002
#define EXT2_FEATURE_INCOMPAT_SUPP              EXT2_FEATURE_INCOMPAT_FILETYPE

/* i_flags */
#define EXT2_INDEX_FL           0x00001000      /* htree-indexed directory (dir_index) */

/* The header of an extended-attribute block (i_file_acl). */
#define EXT2_XATTR_MAGIC        0xEA020000

/* Directory-entry file types (the "filetype" feature). */
enum {
	EXT2_FT_UNKNOWN,
	EXT2_FT_REG_FILE,
	EXT2_FT_DIR,
	EXT2_FT_CHRDEV,
	EXT2_FT_BLKDEV,
	EXT2_FT_FIFO,
	EXT2_FT_SOCK,
	EXT2_FT_SYMLINK,
	EXT2_FT_MAX
};

/* ---- on-disk structures ---------------------------------------------------- */

/* The superblock: 1024 bytes at byte 1024 of the device. */
struct ext2_super_block {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;           /* reserved for the superuser */
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;         /* 1 with 1 KiB blocks, else 0 */
	u32 s_log_block_size;           /* block size = 1024 << this */
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;                    /* last mount */
	u32 s_wtime;                    /* last write */
	u16 s_mnt_count;
	s16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;                    /* EXT2_VALID_FS, EXT2_ERROR_FS */
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* EXT2_DYNAMIC_REV only from here */
	u32 s_first_ino;                /* first non-reserved inode */
	u16 s_inode_size;
	u16 s_block_group_nr;           /* the group holding this copy */
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	u32 s_algorithm_usage_bitmap;
	u8 s_prealloc_blocks;
	u8 s_prealloc_dir_blocks;
	u16 s_reserved_gdt_blocks;      /* resize_inode: kept free after each GDT copy */
	u8 s_journal_uuid[16];
	u32 s_journal_inum;
	u32 s_journal_dev;
	u32 s_last_orphan;
	u32 s_hash_seed[4];
	u8 s_def_hash_version;
	u8 s_reserved_char_pad;
	u16 s_reserved_word_pad;
	u32 s_default_mount_opts;
	u32 s_first_meta_bg;
	u32 s_reserved[190];
};

/* A block group descriptor: the group descriptor table follows the
 * superblock, in the block after s_first_data_block. */
struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_pad;
	u32 bg_reserved[3];
};

/* An inode: the first 128 bytes of each s_inode_size slot of an inode
 * table. Larger inodes carry the fields after it (extra timestamps). */
struct ext2_inode {
	u16 i_mode;
	u16 i_uid;                      /* low 16 bits */
	u32 i_size;                     /* low 32 bits */
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;                    /* deletion time; 0 while in use */
	u16 i_gid;                      /* low 16 bits */
	u16 i_links_count;
	u32 i_blocks;                   /* 512-byte units, indirect blocks included */
	u32 i_flags;
	u32 i_version;                  /* osd1 */
	u32 i_block[EXT2_N_BLOCKS];     /* the block map (or a fast symlink, a device) */
	u32 i_generation;
	u32 i_file_acl;                 /* extended-attribute block */
	u32 i_size_high;                /* regular files: high 32 bits of the size */
	u32 i_faddr;
	u8 l_i_frag;                    /* osd2 (Linux) */
	u8 l_i_fsize;
	u16 i_pad1;
	u16 l_i_uid_high;
	u16 l_i_gid_high;
	u32 l_i_reserved2;
};

/* The part of a large inode (s_inode_size > 128) after struct ext2_inode. */
struct ext2_inode_large_tail {
	u16 i_extra_isize;              /* bytes of this tail in use */
	u16 i_checksum_hi;
	u32 i_ctime_extra;              /* nanoseconds << 2 | epoch bits */
	u32 i_mtime_extra;
	u32 i_atime_extra;
	u32 i_crtime;
	u32 i_crtime_extra;
	u32 i_version_hi;
	u32 i_projid;
};

#define EXT2_EXTRA_ISIZE        ((u16)sizeof(struct ext2_inode_large_tail))

/* A directory entry (with the filetype feature; without it, name_len is
 * 16 bits and file_type is its high byte, always 0 below 256). */
struct ext2_dir_entry_2 {
	u32 inode;                      /* 0: an unused entry */
	u16 rec_len;                    /* bytes to the next entry */
	u8 name_len;
	u8 file_type;                   /* EXT2_FT_* */
	char name[];                    /* not NUL-terminated */
};

/* The space an entry with a @len-byte name needs: 8 bytes, the name,
 * rounded up to 4. */
#define EXT2_DIR_PAD            4
#define EXT2_DIR_REC_LEN(len)   (((len) + 8 + EXT2_DIR_PAD - 1) & ~(EXT2_DIR_PAD - 1))

BUILD_BUG_ON(sizeof(struct ext2_super_block) != 1024);
BUILD_BUG_ON(sizeof(struct ext2_group_desc) != 32);
BUILD_BUG_ON(sizeof(struct ext2_inode) != 128);
BUILD_BUG_ON(sizeof(struct ext2_inode_large_tail) != 32);
BUILD_BUG_ON(sizeof(struct ext2_dir_entry_2) != 8);
BUILD_BUG_ON(offsetof(struct ext2_super_block, s_first_ino) != 84);
BUILD_BUG_ON(offsetof(struct ext2_super_block, s_reserved_gdt_blocks) != 206);
BUILD_BUG_ON(offsetof(struct ext2_inode, i_block) != 40);
BUILD_BUG_ON(offsetof(struct ext2_inode, l_i_uid_high) != 120);

/* ---- in memory --------------------------------------------------------------- */

/* One mounted ext2 filesystem (super_block->s_fs_info). */
struct ext2_sb_info {
	struct super_block *s_sb;               /* (c) */
	struct buffer_head *s_sbh;              /* (c) the block holding the superblock */
	struct ext2_super_block *s_es;          /* (c) inside s_sbh; its fields (s) */
	struct buffer_head **s_group_desc;      /* (c) the GDT blocks; descriptors (s) */
	u32 s_gdb_count;                        /* (c) blocks in the GDT */
	u32 s_groups_count;                     /* (c) */
	u32 s_blocks_count;                     /* (c) */
	u32 s_inodes_count;                     /* (c) */
	u32 s_first_data_block;                 /* (c) */
	u32 s_blocks_per_group;                 /* (c) */
	u32 s_inodes_per_group;                 /* (c) */
	u32 s_inode_size;                       /* (c) bytes per inode-table slot */
	u32 s_inodes_per_block;                 /* (c) */
	u32 s_itb_per_group;                    /* (c) inode-table blocks per group */
	u32 s_desc_per_block;                   /* (c) */
	u32 s_addr_per_block;                   /* (c) block numbers in an indirect block */
	unsigned int s_addr_per_block_bits;     /* (c) */
	u32 s_first_ino;                        /* (c) first non-reserved inode */
	u32 s_reserved_gdt_blocks;              /* (c) */
	u32 s_overhead;                         /* (c) metadata blocks (for statfs) */
	bool s_filetype;                        /* (c) entries carry a file type */
	bool s_sparse_super;                    /* (c) superblock copies in some groups only */
	u16 s_mount_state;                      /* (c) s_state as found at mount */
	bool s_free_ref_reported;               /* (a) a name naming a free inode was
						 * reported (once a mount: namei.c) */
	struct mutex s_lock;                    /* bitmaps, descriptors, s_es */
};

/* An ext2 inode in memory: the VFS inode and what only ext2 needs. */
struct ext2_inode_info {
	u32 i_data[EXT2_N_BLOCKS];              /* (m) the block map's roots */
	u32 i_flags;                            /* (r) EXT2_*_FL, kept as found */
	u32 i_file_acl;                         /* (m) extended-attribute block, 0 if none */
	u32 i_dtime;                            /* (m) set when the inode is freed */
	u32 i_block_group;                      /* (c) the group holding the inode */
	u64 i_next_alloc_block;                 /* (m) the file block allocated last ... */
	u32 i_next_alloc_goal;                  /* (m) ... and its disk block (a goal hint) */
	bool i_new;                             /* (m) never written: zero the slot first */
	struct mutex truncate_mutex;            /* the block map (see inode.c) */
	struct inode vfs_inode;
};

static inline struct ext2_sb_info *EXT2_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct ext2_inode_info *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode_info, vfs_inode);
}

/* The first block of group @group, and how many blocks it has (the last
 * group may be short). */
static inline u32 ext2_group_first_block(struct ext2_sb_info *sbi, u32 group)
{
	return sbi->s_first_data_block + group * sbi->s_blocks_per_group;
}

static inline u32 ext2_group_nblocks(struct ext2_sb_info *sbi, u32 group)
{
	u32 first = ext2_group_first_block(sbi, group);

	return min(sbi->s_blocks_per_group, sbi->s_blocks_count - first);
}

static inline u32 ext2_block_group(struct ext2_sb_info *sbi, u32 block)
{
	return (block - sbi->s_first_data_block) / sbi->s_blocks_per_group;
}

/* Is @block a block number an inode may point to (past the boot block,
 * before the end of the filesystem)? */
static inline bool ext2_block_in_fs(struct ext2_sb_info *sbi, u64 block)
{
	return block >= sbi->s_first_data_block && block < sbi->s_blocks_count;
}

/* Bitmaps: bit @nr is bit nr % 8 of byte nr / 8 (little-endian order). */
static inline bool ext2_test_bit(const u8 *map, u32 nr)
{
	return (map[nr >> 3] >> (nr & 7)) & 1;
}

static inline void ext2_set_bit(u8 *map, u32 nr)
{
	map[nr >> 3] |= (u8)(1u << (nr & 7));
}

static inline void ext2_clear_bit(u8 *map, u32 nr)
{
	map[nr >> 3] &= (u8)~(1u << (nr & 7));
}

/*
 * Report corruption found on @sb: one line naming the function and what
 * is wrong, and (on a writable mount) EXT2_ERROR_FS in the superblock so
 * that e2fsck checks it. Never panics. Context: any task context; takes
 * s_lock unless the caller holds it (ext2_error_locked).
 */
__printf(3, 4) void __ext2_error(struct super_block *sb, const char *func, const char *fmt, ...);
__printf(3, 4) void __ext2_error_locked(struct super_block *sb, const char *func,
					const char *fmt, ...);
#define ext2_error(sb, fmt, ...) __ext2_error(sb, __func__, fmt, ##__VA_ARGS__)
#define ext2_error_locked(sb, fmt, ...) __ext2_error_locked(sb, __func__, fmt, ##__VA_ARGS__)

/* super.c */
void ext2_init(void);
/* The superblock's fields changed (caller holds s_lock). */
void ext2_sb_dirty_locked(struct ext2_sb_info *sbi);
/* A regular file grew past 2 GiB: record the large_file feature. */
void ext2_set_large_file(struct super_block *sb);

/* balloc.c: blocks and the block bitmaps */
struct ext2_group_desc *ext2_get_group_desc(struct super_block *sb, u32 group,
					    struct buffer_head **bhp);
bool ext2_group_has_super(struct ext2_sb_info *sbi, u32 group);
u32 ext2_find_next_zero_bit(const u8 *map, u32 size, u32 start);
int ext2_new_block(struct inode *inode, u32 goal, u32 *block);
void ext2_free_blocks(struct inode *inode, u32 block, u32 count);
u32 ext2_count_free_blocks(struct super_block *sb);
u32 ext2_overhead_blocks(struct ext2_sb_info *sbi);

/* ialloc.c: inodes and the inode bitmaps */
struct inode *ext2_new_inode(struct inode *dir, umode_t mode);
void ext2_free_inode(struct inode *inode);
u32 ext2_count_free_inodes(struct super_block *sb);

/* inode.c: reading, writing and freeing inodes */
/* Inode @ino, referenced: from the inode cache, else read from disk.
 * ERR_PTR(-ESTALE) if it is free on disk (links count 0), which is not
 * reported here: a caller that found @ino in a directory entry reports it
 * with the name and returns -EIO (as Linux's ext4_lookup does); or
 * ERR_PTR(-EIO, -ENOMEM). Context: may sleep. */
struct inode *ext2_iget(struct super_block *sb, unsigned long ino);
int ext2_read_inode(struct inode *inode);
int ext2_write_inode(struct inode *inode, bool sync);
void ext2_evict_inode(struct inode *inode);
void ext2_set_inode_ops(struct inode *inode);

/* blockmap.c: the block map */
int ext2_get_block(struct inode *inode, u64 iblock, u64 *pblk, bool create);
int ext2_map_blocks(struct inode *inode, u64 iblock, unsigned int max, u64 *pblk);
int ext2_free_blocks_from(struct inode *inode, loff_t size);
loff_t ext2_max_size(unsigned int blocksize_bits, bool large_file);

/* dir.c: directory entries (in the buffer cache) */
struct ext2_dir_slot {                  /* where an entry is: stable while i_rwsem is held */
	u32 lblk;                       /* directory block */
	unsigned int offset;            /* byte in that block */
	u32 ino;                        /* the inode it names */
};
int ext2_find_entry(struct inode *dir, const char *name, size_t len, struct ext2_dir_slot *slot);
int ext2_add_link(struct inode *dir, const char *name, size_t len, struct inode *inode);
int ext2_delete_entry(struct inode *dir, const struct ext2_dir_slot *slot);
int ext2_set_link(struct inode *dir, const struct ext2_dir_slot *slot, struct inode *inode);
int ext2_make_empty(struct inode *inode, struct inode *parent);
int ext2_empty_dir(struct inode *inode);
extern const struct file_operations ext2_dir_operations;

/* namei.c */
extern const struct inode_operations ext2_dir_inode_operations;

/* file.c */
int ext2_truncate_blocks(struct inode *inode);
extern const struct file_operations ext2_file_operations;
extern const struct inode_operations ext2_file_inode_operations;
extern const struct inode_operations ext2_special_inode_operations;

/* symlink.c: symbolic links, and mknod's special inodes */
bool ext2_inode_is_fast_symlink(struct inode *inode);
struct inode *ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target);
struct inode *ext2_mknod(struct inode *dir, const char *name, size_t len, umode_t mode, u64 rdev);
extern const struct inode_operations ext2_symlink_inode_operations;
extern const struct address_space_operations ext2_aops;

#endif
