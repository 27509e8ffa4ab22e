/*
 * fadvise64: what a program expects of its accesses to a file (Linux's
 * mm/fadvise.c, generic_fadvise). docs/readahead.md.
 *
 * Owns nothing: it sets the file's readahead state (file->f_ra.ra_pages,
 * FMODE_RANDOM: mm/readahead.c), starts readahead (WILLNEED), or drops
 * clean cached pages (DONTNEED: mm/filemap.c invalidate_mapping_pages).
 *
 * Errors, in Linux's order: EBADF (no such fd), ESPIPE (a pipe or FIFO),
 * EINVAL (a negative length, unknown advice). A file without a page cache
 * (device, /proc, a directory) accepts the six known advices and ignores
 * them, as Linux does for a file with no backing device.
 *
 * Locks: none of its own; FMODE_RANDOM is set and cleared with atomic
 * bit operations (the other f_mode bits never change after open).
 * Context: process, may sleep (readahead, write-back).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/stat.h>
#include <mm/filemap.h>
#include <mm/readahead.h>

#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5

#define LOFF_MAX ((loff_t)(~0ULL >> 1))

static void file_set_random(struct file *file, bool on)
{
	if (on)
		__atomic_fetch_or(&file->f_mode, FMODE_RANDOM, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&file->f_mode, ~FMODE_RANDOM, __ATOMIC_RELAXED);
}

static int do_fadvise(struct file *file, loff_t offset, loff_t len, int advice)
{
	struct inode *inode = file->f_inode;
	struct address_space *m = inode->i_mapping;
	loff_t endbyte;

	if (S_ISFIFO(inode->i_mode))
		return -ESPIPE;
	if (len < 0)
		return -EINVAL;
	if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	if (!S_ISREG(inode->i_mode) || !m || !m->a_ops || !m->a_ops->readpage)
		return 0;                       /* no page cache: nothing to advise */
	/* The last byte meant; a length of 0 means to the end of the file. */
	if (!len || offset > LOFF_MAX - len)
		endbyte = LOFF_MAX;
	else
		endbyte = offset + len - 1;
	if (offset < 0)
		offset = 0;

	switch (advice) {
	case POSIX_FADV_NORMAL:
		WRITE_ONCE(file->f_ra.ra_pages, readahead_default_pages());
		file_set_random(file, false);
		break;
	case POSIX_FADV_RANDOM:
		file_set_random(file, true);
		break;
	case POSIX_FADV_SEQUENTIAL:
		WRITE_ONCE(file->f_ra.ra_pages, 2 * readahead_default_pages());
		file_set_random(file, false);
		break;
	case POSIX_FADV_WILLNEED:
		/* Not limited to EOF here: readahead stops there. */
		if (force_page_cache_readahead(file, offset, endbyte == LOFF_MAX ? LOFF_MAX
									   : endbyte + 1))
			return 0;               /* nothing to read ahead with: a hint */
		break;
	case POSIX_FADV_NOREUSE:
		break;
	case POSIX_FADV_DONTNEED: {
		/* Whole pages only: a page partly outside the range stays. */
		unsigned long first = (unsigned long)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
		unsigned long last = (unsigned long)(endbyte >> PAGE_SHIFT);

		if ((endbyte & ~PAGE_MASK) != ~PAGE_MASK) {
			if (!last)
				break;
			last--;
		}
		if (last >= first)
			invalidate_mapping_pages(m, first, last);
		break;
	}
	}
	return 0;
}

/*
 * x86-64's fadvise64 takes the length as size_t; Linux converts it to a
 * loff_t, so a length of 2^63 or more is negative, and EINVAL.
 */
SYSCALL_DEFINE4(fadvise64, int, fd, loff_t, offset, size_t, len, int, advice)
{
	struct file *file = fd < 0 ? NULL : fget((unsigned int)fd);
	int err;

	if (!file)
		return -EBADF;
	err = do_fadvise(file, offset, (loff_t)len, advice);
	fput(file);
	return err;
}
