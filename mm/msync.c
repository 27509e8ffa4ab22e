/*
 * msync(2): write a mapped range of a file back to the disk.
 *
 * Since dirty pages of shared mappings are tracked by write-protection
 * (docs/dirty-tracking.md), the page cache always knows which pages are
 * dirty, and msync has little left to do:
 *   - MS_ASYNC does nothing (Linux since 2.6.19): the flusher will write
 *     the pages, and nothing needs scheduling;
 *   - MS_SYNC writes the file and waits, as fsync does, for every shared
 *     file VMA in the range (like 2.6.20, the whole file, not only the
 *     range; 6.x narrows it to the range). Writeback write-protects every
 *     mapping of each page it writes (page_mkclean), so the next store
 *     faults again;
 *   - MS_INVALIDATE asks to drop other mappings' stale copies; with one
 *     page cache there are none, so it only fails (EBUSY) on mlocked
 *     memory (a VM_LOCKED VMA in the range, mm/mlock.c).
 * Private mappings and anonymous memory have nothing to write: 0.
 *
 * Errors follow LINUX-SEMANTICS.md section G: flags first, then the
 * alignment; a hole in the range gives ENOMEM (at once for MS_ASYNC,
 * after syncing what is mapped for MS_SYNC).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <fs/fs.h>
#include <mm/mm.h>

#define MS_ASYNC        1
#define MS_INVALIDATE   2
#define MS_SYNC         4

SYSCALL_DEFINE3(msync, unsigned long, start, size_t, len, int, flags)
{
	/* LAB(dirty): BEGIN msync: check the arguments, write back for MS_SYNC */
	/* LAB(dirty): STUB return -ENOSYS; */
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	int unmapped_error = 0;
	unsigned long end;
	int err = 0;

	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = (len + ~PAGE_MASK) & PAGE_MASK;
	end = start + len;
	if (end < start)
		return -ENOMEM;
	if (end == start)
		return 0;

	down_read(&mm->mmap_lock);
	vma = find_vma(mm, start);
	for (;;) {
		struct file *file;

		if (!vma) {
			err = -ENOMEM;          /* nothing mapped from here on */
			break;
		}
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC) {
				err = -ENOMEM;
				break;
			}
			unmapped_error = -ENOMEM;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		/* Locked pages cannot be dropped: Linux refuses, even for
		 * a range whose other VMAs could be. */
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED)) {
			err = -EBUSY;
			break;
		}
		file = vma->vm_file;
		start = vma->vm_end;
		if ((flags & MS_SYNC) && file && (vma->vm_flags & VM_SHARED)) {
			/* Write back without mmap_lock: a fault in another
			 * thread must not wait for our disk I/O. */
			get_file(file);
			up_read(&mm->mmap_lock);
			err = vfs_fsync(file, true);
			fput(file);
			if (err || start >= end)
				return err ? err : unmapped_error;
			down_read(&mm->mmap_lock);
			vma = find_vma(mm, start);
		} else {
			if (start >= end)
				break;
			vma = vma_next(vma);
		}
	}
	up_read(&mm->mmap_lock);
	return err ? err : unmapped_error;
	/* LAB(dirty): END */
}
