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
 * the VMAs are copied, a batch at a time; file paths are made after it is
 * dropped (file_path() takes directory inode locks, which come before
 * mmap_lock in the lock order: docs/locking.md). Nothing here touches user
 * memory: the text goes into a kernel buffer, copied out after.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <fs/proc_fs.h>
#include <mm/mm.h>
#include <mm/slab.h>

/*
 * What one line needs, copied from a VMA under mmap_lock; the line is
 * made after the lock is dropped, because file_path() takes directory
 * inode locks and an inode lock may not be taken under mmap_lock
 * (docs/locking.md: write() faults with i_rwsem held).
 */
struct map_line {
	unsigned long start, end, flags;
	u64 offset, dev;
	unsigned long ino;
	struct file *file;              /* referenced (get_file), or NULL */
	const char *fixed_name;         /* a name that needs no lock, or NULL */
	const char *special;            /* vm_ops->name, shown as "[name]" */
};

#define MAP_BATCH 16

static void snapshot_vma(struct map_line *l, struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct file *file = vma->vm_file;

	*l = (struct map_line){ .start = vma->vm_start, .end = vma->vm_end,
				.flags = vma->vm_flags };
	if (file && !vma_is_anon_shmem(vma)) {
		l->dev = file->f_inode->i_sb->s_dev;
		l->ino = file->f_inode->i_ino;
	}
	if (file || vma_is_anon_shmem(vma))
		l->offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	if (vma_is_anon_shmem(vma))
		l->fixed_name = "/dev/zero (deleted)";
	else if (file)
		l->file = get_file(file);
	else if (vma->vm_ops && vma->vm_ops->name)
		l->special = vma->vm_ops->name;
	else if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		l->fixed_name = "[heap]";
	else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		l->fixed_name = "[stack]";
}

/* The name column, or NULL; @buf (PATH_MAX bytes) may hold it.
 * Context: no mmap_lock held (file_path takes inode locks). */
static const char *map_name(const struct map_line *l, char *buf)
{
	if (l->file)
		return file_path(l->file, buf, PATH_MAX) >= 0 ? buf : NULL;
	if (l->special) {
		snprintf(buf, PATH_MAX, "[%s]", l->special);
		return buf;
	}
	return l->fixed_name;
}

static void show_map_line(struct seq_buf *m, const struct map_line *l, char *buf)
{
	unsigned long flags = l->flags;
	const char *name;

	seq_setwidth(m, 25 + sizeof(void *) * 6 - 1);
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", l->start, l->end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   (unsigned long long)l->offset, dev_major(l->dev), dev_minor(l->dev), l->ino);
	name = map_name(l, buf);
	if (name) {
		seq_pad(m, ' ');
		seq_puts(m, name);
	}
	seq_putc(m, '\n');
}

/*
 * The VMAs are read MAP_BATCH at a time under mmap_lock (read), and their
 * lines made with it dropped; the next batch starts at the end of the last
 * VMA shown, so a change meanwhile shows as it would between two read()s.
 */
int proc_pid_maps_show(struct seq_buf *m, int pid)
{
	struct mm_struct *mm = get_pid_mm(pid);
	struct vm_area_struct *vma;
	struct map_line *lines;
	unsigned long next = 0;
	unsigned int n;
	char *buf;

	if (!mm)
		return -ESRCH;                  /* gone (or going): Linux's answer once reaped */
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	lines = kmalloc(MAP_BATCH * sizeof(*lines), GFP_KERNEL);
	if (!buf || !lines) {
		kfree(buf);
		kfree(lines);
		mmput(mm);
		return -ENOMEM;
	}
	do {
		down_read(&mm->mmap_lock);
		n = 0;
		for (vma = find_vma(mm, next); vma && n < MAP_BATCH; vma = vma_next(vma))
			snapshot_vma(&lines[n++], vma);
		up_read(&mm->mmap_lock);
		for (unsigned int i = 0; i < n; i++) {
			if (!m->overflow)
				show_map_line(m, &lines[i], buf);
			if (lines[i].file)
				fput(lines[i].file);
			next = lines[i].end;
		}
	} while (n == MAP_BATCH && !m->overflow);
	kfree(lines);
	kfree(buf);
	mmput(mm);
	return 0;
}

/*
 * /proc/PID/status: the lines Faultline fills truthfully, in Linux's
 * order and format (fs/proc/array.c and task_mmu.c's task_mem there):
 *
 *   Name State Tgid Pid PPid          the process (its thread group leader:
 *                                     State is that thread's, "R (running)",
 *                                     "S (sleeping)" or "D (disk sleep)")
 *   TracerPid Uid Gid                 0 (no ptrace); real, effective, saved and
 *                                     filesystem ids, tab-separated
 *   VmSize VmLck                      pages of every VMA / of VM_LOCKED ones
 *   VmRSS RssAnon RssFile RssShmem    resident pages (mm->rss_stat, kept
 *                                     where PTEs are set and cleared)
 *   VmPTE                             page-table pages below the pgd
 *   VmSwap                            swap entries (0 until swap exists)
 *   Threads                           live threads of the process
 *
 * Memory lines are "Name:\t%8lu kB". The task's lines are read under
 * tasklist_lock (the name changes at exec, the parent at reparenting),
 * the VMA counts under mmap_lock (read), the rss counters from atomics.
 */
struct status_task {
	char comm[TASK_COMM_LEN];
	long state;
	int tgid, ppid, threads;
	u32 uid[4], gid[4];             /* real, effective, saved, filesystem */
};

/* Context: takes tasklist_lock. Returns false if @pid is gone. */
static bool snapshot_status_task(int pid, struct status_task *st)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	bool found = t && t->signal;

	if (found) {
		memcpy(st->comm, t->comm, sizeof(st->comm));
		st->comm[TASK_COMM_LEN - 1] = '\0';
		st->state = t->state;
		st->tgid = t->tgid;
		/* Linux shows 0 for a process whose parent is not a process. */
		st->ppid = t->parent && t->parent->is_process ? t->parent->tgid : 0;
		st->threads = t->signal->group->live;
		st->uid[0] = READ_ONCE(t->cred.uid);
		st->uid[1] = READ_ONCE(t->cred.euid);
		st->uid[2] = READ_ONCE(t->cred.suid);
		st->uid[3] = READ_ONCE(t->cred.fsuid);
		st->gid[0] = READ_ONCE(t->cred.gid);
		st->gid[1] = READ_ONCE(t->cred.egid);
		st->gid[2] = READ_ONCE(t->cred.sgid);
		st->gid[3] = READ_ONCE(t->cred.fsgid);
	}
	tasklist_unlock_irqrestore(flags);
	return found;
}

/* Linux's get_task_state() text. */
static const char *status_state(long state)
{
	if (state == TASK_RUNNING)
		return "R (running)";
	if (state & TASK_UNINTERRUPTIBLE)
		return state & TASK_NOLOAD ? "I (idle)" : "D (disk sleep)";
	return "S (sleeping)";
}

static void show_kb(struct seq_buf *m, const char *name, unsigned long pages)
{
	seq_printf(m, "%s:\t%8lu kB\n", name, pages << (PAGE_SHIFT - 10));
}

int proc_pid_status_show(struct seq_buf *m, int pid)
{
	struct status_task st;
	unsigned long total_vm, locked_vm, anon, file, shmem;
	struct mm_struct *mm;

	if (!snapshot_status_task(pid, &st))
		return -ESRCH;
	mm = get_pid_mm(pid);
	if (!mm)
		return -ESRCH;                  /* exiting: Linux shows it without Vm lines */
	down_read(&mm->mmap_lock);
	total_vm = mm->total_vm;
	locked_vm = mm->locked_vm;
	up_read(&mm->mmap_lock);
	anon = get_mm_counter(mm, MM_ANONPAGES);
	file = get_mm_counter(mm, MM_FILEPAGES);
	shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	seq_printf(m, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n", st.comm,
		   status_state(st.state), st.tgid, pid, st.ppid);
	seq_printf(m, "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", st.uid[0],
		   st.uid[1], st.uid[2], st.uid[3], st.gid[0], st.gid[1], st.gid[2], st.gid[3]);
	show_kb(m, "VmSize", total_vm);
	show_kb(m, "VmLck", locked_vm);
	show_kb(m, "VmRSS", anon + file + shmem);
	show_kb(m, "RssAnon", anon);
	show_kb(m, "RssFile", file);
	show_kb(m, "RssShmem", shmem);
	show_kb(m, "VmPTE", mm_pgtables_pages(mm));
	show_kb(m, "VmSwap", get_mm_swapents(mm));
	mmput(mm);
	seq_printf(m, "Threads:\t%d\n", st.threads);
	return 0;
}

/*
 * /proc/PID/statm: seven numbers in pages, as Linux's task_statm: size
 * (VmSize), resident (VmRSS), shared (RssFile + RssShmem), text (pages of
 * the executable's mapping: VM_EXEC file VMAs are not told apart from
 * libraries' here, so Faultline counts every VM_EXEC VMA), lib (0, as
 * Linux since 2.6), data (private writable VMAs and the stack: Linux's
 * data_vm + stack_vm, counted from the VMAs) and dt (0).
 */
int proc_pid_statm_show(struct seq_buf *m, int pid)
{
	struct mm_struct *mm = get_pid_mm(pid);
	unsigned long size, text = 0, data = 0, file, shmem;
	struct vm_area_struct *vma;

	if (!mm)
		return -ESRCH;
	down_read(&mm->mmap_lock);
	size = mm->total_vm;
	for (vma = find_vma(mm, 0); vma; vma = vma_next(vma)) {
		unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;

		if (vma->vm_flags & VM_EXEC)
			text += pages;
		else if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			data += pages;
	}
	up_read(&mm->mmap_lock);
	file = get_mm_counter(mm, MM_FILEPAGES);
	shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	seq_printf(m, "%lu %lu %lu %lu 0 %lu 0\n", size,
		   file + shmem + get_mm_counter(mm, MM_ANONPAGES), file + shmem, text, data);
	mmput(mm);
	return 0;
}
