/*
 * File types and permission bits (Linux's values, as in <sys/stat.h>),
 * and struct kstat, the kernel's view of stat().
 */
#ifndef _FS_STAT_H
#define _FS_STAT_H

#include <kernel/types.h>

typedef unsigned int umode_t;
#ifndef _LOFF_T_DEFINED
#define _LOFF_T_DEFINED
typedef s64 loff_t;
#endif

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_IXGRP  0000010

#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* Directory-entry file types (getdents64 d_type, and ext2's filetype). */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

/*
 * Device numbers as stat() shows them (st_dev, st_rdev) and as user space's
 * makedev()/major()/minor() encode them: a 12-bit major and a 20-bit minor,
 * so that a number below 256:256 is simply (major << 8) | minor.
 */
static inline u64 makedev(unsigned int major, unsigned int minor)
{
	return ((u64)(major & 0xfff) << 8) | ((u64)(major & ~0xfffu) << 32) |
	       (minor & 0xff) | ((u64)(minor & ~0xffu) << 12);
}

static inline unsigned int dev_major(u64 dev)
{
	return (unsigned int)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffULL));
}

static inline unsigned int dev_minor(u64 dev)
{
	return (unsigned int)((dev & 0xff) | ((dev >> 12) & ~0xffULL));
}

struct timespec64 {
	s64 tv_sec;
	long tv_nsec;
};

struct kstat {
	u64 dev;
	u64 ino;
	umode_t mode;
	unsigned int nlink;
	u32 uid, gid;
	u64 rdev;
	loff_t size;
	u32 blksize;
	u64 blocks;                     /* 512-byte units */
	struct timespec64 atime, mtime, ctime;
};

#endif
