/*
 * /proc/PID/maps: one line per VMA of a process, in Linux's exact format
 * (fs/proc/task_mmu.c, show_map_vma), so that a program reading its own
 * maps on Linux reads Faultline's the same way:
 *
 *   start-end perms offset dev inode                       name
 *   00400000-00401000 r-xp 00000000 fe:00 12               /tests/proc_test
 *
 *   start-end  hex, at least 8 digits each
 *   perms      r w x from vm_flags, then 's' for a shared mapping
 *              (VM_MAYSHARE: also a MAP_SHARED map of an O_RDONLY file) or 'p'
 *   offset     the file offset of start (vm_pgoff << PAGE_SHIFT), 8+ hex
 *              digits; 0 for anonymous memory
 *   dev inode  the mapped file's st_dev as MAJOR:MINOR (2+ hex digits
 *              each) and its inode number; 00:00 0 without a file
 *   name       after padding the line to 73 columns, if there is one
 *              (without one the line ends "0 " and a newline, as Linux's):
 *                a file: its path (file_path(): the name it was opened by,
 *                  made absolute), " (deleted)" appended once unlinked
 *                shared anonymous memory: "/dev/zero (deleted)", Linux's
 *                  name for it, but with dev 00:00 and inode 0 (Faultline's
 *                  shmem objects have no inode; Linux shows its shmem one)
 *                another VMA with no file whose vm_ops has a name (a
 *                  "special mapping", like Linux's [vdso]): "[name]"
 *                the heap [start_brk, brk): "[heap]"; the VMA holding
 *                  start_stack: "[stack]"
 *
 * Locks: the process's mm is held by a reference (get_pid_mm), so it
 * outlives an exit meanwhile, and its mmap_lock is held for reading while
 * the VMAs are walked; file_path() reads directories under it, which the
 * lock order allows (mmap_lock -> inode lock). Nothing here touches user
 * memory: the text goes into a kernel buffer, copied out after.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/process.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/mm.h>
#include <mm/slab.h>

/* The name column of @vma, or NULL; @buf (PATH_MAX bytes) may hold it. */
static const char *map_name(struct vm_area_struct *vma, char *buf)
{
	struct mm_struct *mm = vma->vm_mm;

	if (vma_is_anon_shmem(vma))
		return "/dev/zero (deleted)";
	if (vma->vm_file)
		return file_path(vma->vm_file, buf, PATH_MAX) >= 0 ? buf : NULL;
	if (vma->vm_ops && vma->vm_ops->name) {
		snprintf(buf, PATH_MAX, "[%s]", vma->vm_ops->name);
		return buf;
	}
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static void show_map_vma(struct seq_buf *m, struct vm_area_struct *vma, char *buf)
{
	unsigned long flags = vma->vm_flags, ino = 0;
	struct file *file = vma->vm_file;
	const char *name;
	u64 dev = 0, offset = 0;

	if (file && !vma_is_anon_shmem(vma)) {
		dev = file->f_inode->i_sb->s_dev;
		ino = file->f_inode->i_ino;
	}
	if (file || vma_is_anon_shmem(vma))
		offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	seq_setwidth(m, 25 + sizeof(void *) * 6 - 1);
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", vma->vm_start, vma->vm_end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   (unsigned long long)offset, dev_major(dev), dev_minor(dev), ino);
	name = map_name(vma, buf);
	if (name) {
		seq_pad(m, ' ');
		seq_puts(m, name);
	}
	seq_putc(m, '\n');
}

int proc_pid_maps_show(struct seq_buf *m, int pid)
{
	struct mm_struct *mm = get_pid_mm(pid);
	struct vm_area_struct *vma;
	char *buf;

	if (!mm)
		return -ESRCH;                  /* gone (or going): Linux's answer once reaped */
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf) {
		mmput(mm);
		return -ENOMEM;
	}
	down_read(&mm->mmap_lock);
	for (vma = find_vma(mm, 0); vma && !m->overflow; vma = vma_next(vma))
		show_map_vma(m, vma, buf);
	up_read(&mm->mmap_lock);
	kfree(buf);
	mmput(mm);
	return 0;
}
