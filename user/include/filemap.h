/*
 * filemap.h - helpers for the tests of file mappings (with testutil.h):
 *
 *   raw_mmap()        mmap through syscall(), so musl checks nothing itself
 *   pattern_byte()    the byte a test file holds at an offset (never 0)
 *   make_file()       create a file of n bytes of that pattern, open O_RDWR
 *   map_file()        mmap of a file, NULL on failure
 *   file_byte()       one byte of a file by pread, -1 at EOF or on error
 *   file_size()       st_size by fstat
 *   count_faults()    the minor faults one access costs (ru_minflt delta)
 *   wait_turn(), give_turn()   hand the turn between processes over a pipe
 *   cwd_on_tmpfs()    whether the scratch directory is on a Linux tmpfs
 *
 * A test file's bytes are pattern_byte(off, seed): a checker can tell any
 * byte from a zero and from another seed's byte, and knows what every
 * offset should hold without keeping a copy.
 */
#ifndef FAULTLINE_FILEMAP_H
#define FAULTLINE_FILEMAP_H

#include <sys/statfs.h>
#include <sys/syscall.h>

#include "testutil.h"

static inline long raw_mmap(void *addr, unsigned long len, int prot,
			    int flags, int fd, unsigned long off)
{
	return syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

/* 1..251: never zero, and a different sequence per seed. */
static inline char pattern_byte(long off, int seed)
{
	return (char)(1 + (unsigned long)(off * 7 + seed * 131 + off / 251) % 251);
}

/*
 * Create (or truncate) name with n bytes of pattern seed; the fd is open
 * O_RDWR. Returns the fd, or -1.
 */
static inline int make_file(const char *name, long n, int seed)
{
	char buf[PAGE_SIZE];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (long off = 0; off < n; off += PAGE_SIZE) {
		long chunk = n - off < PAGE_SIZE ? n - off : PAGE_SIZE;

		for (long i = 0; i < chunk; i++)
			buf[i] = pattern_byte(off + i, seed);
		if (pwrite(fd, buf, chunk, off) != chunk) {
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* mmap(NULL, len, prot, flags, fd, off), or NULL. */
static inline char *map_file(int fd, long len, int prot, int flags, long off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	return p == MAP_FAILED ? NULL : p;
}

/* The byte at off as read() sees it (0..255), or -1 at EOF or on error. */
static inline int file_byte(int fd, long off)
{
	unsigned char c;

	return pread(fd, &c, 1, off) == 1 ? c : -1;
}

static inline long file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (long)st.st_size : -1;
}

/*
 * The minor faults that one load (write == 0) or store of value at p
 * costs, from getrusage() just before and just after. The helper's own
 * stack and code are already mapped, so nothing else faults in between.
 */
static inline long count_faults(volatile char *p, int write, char value)
{
	long before = minflt();

	if (write)
		*p = value;
	else
		(void)*p;
	return minflt() - before;
}

/* Block until the other side writes a byte to fd; 0, or -1 at EOF. */
static inline int wait_turn(int fd)
{
	char c;

	return read_all(fd, &c, 1) == 1 ? 0 : -1;
}

static inline void give_turn(int fd)
{
	write_all(fd, "x", 1);
}

/*
 * True if the current directory is on tmpfs (Linux's shmem). tmpfs keeps
 * no dirty state to track (LINUX-SEMANTICS.md item 47: no write-protect
 * faults) and does not zero a stale EOF tail when the file grows (item 33
 * is ext2/ext4 behaviour), so the checks of those fail there by design.
 * make test-linux runs in a directory under /tmp, which some hosts mount as
 * tmpfs. Faultline has no tmpfs (nor statfs): always false there.
 */
static inline int cwd_on_tmpfs(void)
{
	struct statfs sf;

	return statfs(".", &sf) == 0 && sf.f_type == 0x01021994;
}

#endif /* FAULTLINE_FILEMAP_H */
