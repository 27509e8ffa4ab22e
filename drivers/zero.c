/*
 * /dev/zero: the smallest device that supports mmap, and the first example
 * of docs/fault-api.md.
 *
 * read() fills the caller's buffer with zero bytes, write() accepts and
 * discards everything, and lseek() always lands at 0 (as Linux's
 * null_lseek). mmap() shows that a driver's ->mmap need not install any
 * vm_operations of its own: it may hand the VMA back to the core as one of
 * the core's own kinds of memory (LINUX-SEMANTICS.md item 15):
 *
 *   MAP_PRIVATE  -> anonymous memory. ->mmap sets vma->vm_ops = NULL, which
 *                   is what "anonymous" means to mm/memory.c
 *                   (vma_is_anonymous): faults go to do_anonymous_page
 *                   (the zero page for a read, a fresh page for a write),
 *                   and fork() shares the pages copy-on-write. The VMA
 *                   still holds its reference to this file (vm_file), so
 *                   the mapping can be named in /proc/PID/maps.
 *   MAP_SHARED   -> shared anonymous memory: shmem_zero_setup (mm/shmem.c)
 *                   gives the VMA a fresh shmem object and its vm_ops, so
 *                   parent and child keep seeing one set of pages after
 *                   fork(), exactly like MAP_SHARED|MAP_ANONYMOUS.
 *
 * The test is VM_SHARED, not VM_MAYSHARE: do_mmap clears VM_SHARED for a
 * MAP_SHARED mapping of a file opened read-only (it can never be written,
 * so it behaves as private), and Linux's mmap_zero makes the same choice.
 *
 * Its number is Linux's, 1:5 (Linux keeps it in drivers/char/mem.c, with
 * /dev/null, which is drivers/null.c here).
 *
 * Locks: none. The device has no state.
 */
#include <drivers/fault_devices.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/mm.h>

/* The source of read()'s zeros. (Never written: it stays in .bss.) */
static char zeros[PAGE_SIZE];

static ssize_t zero_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	size_t done = 0;

	while (to->count) {
		size_t chunk = min(to->count, sizeof(zeros));
		size_t copied = copy_to_iter(zeros, chunk, to);

		done += copied;
		if (copied < chunk)
			return done ? (ssize_t)done : -EFAULT;   /* the user buffer faulted */
		/* A huge read() must not make the reader deaf to signals. */
		if (signal_pending(current))
			break;
	}
	return done;
}

/* Swallow everything: the write "succeeds" for all the bytes offered. */
static ssize_t zero_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	return from->count;
}

/* Every position is as good as any other: stay at 0 (Linux's null_lseek). */
static loff_t zero_llseek(struct file *file, loff_t offset, int whence)
{
	file->f_pos = 0;
	return 0;
}

static int zero_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_SHARED)
		return shmem_zero_setup(vma);   /* shared anonymous memory */
	vma->vm_ops = NULL;                     /* plain anonymous memory */
	return 0;
}

static const struct file_operations zero_fops = {
	.llseek = zero_llseek,
	.read_iter = zero_read,
	.write_iter = zero_write,
	.mmap = zero_mmap,
};

void zero_dev_init(void)
{
	int err = devfs_register_dev("zero", 0666, makedev(1, 5), &zero_fops, NULL);

	if (err)
		pr_err("zero: cannot register /dev/zero: error %d\n", err);
}
