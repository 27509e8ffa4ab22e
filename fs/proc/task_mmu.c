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
#include <fs/fdtable.h>
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
 *   Name Umask State Tgid Pid PPid    the process (its thread group leader:
 *                                     State is that thread's, "R (running)",
 *                                     "S (sleeping)" or "D (disk sleep)")
 *   TracerPid Uid Gid                 0 (no ptrace); real, effective, saved and
 *                                     filesystem ids, tab-separated
 *   NStgid NSpid NSpgid NSsid         one pid namespace: the ids themselves
 *   VmSize VmLck                      pages of every VMA / of VM_LOCKED ones
 *   VmRSS RssAnon RssFile RssShmem    resident pages (mm->rss_stat, kept
 *                                     where PTEs are set and cleared)
 *   VmData VmStk VmExe VmLib          Linux's data_vm (private writable, not
 *                                     stack), stack_vm (VM_GROWSDOWN),
 *                                     executable VMAs of the program's own
 *                                     file, and the other executable ones
 *   VmPTE                             page-table pages below the pgd
 *   VmSwap                            swap entries of the process
 *   Threads                           live threads of the process
 *   SigQ                              signals pending for the process and
 *                                     its threads / RLIMIT_SIGPENDING
 *                                     (Linux counts per user: a process of
 *                                     one user differs only when others of
 *                                     that user have signals pending)
 *   SigPnd ShdPnd SigBlk SigIgn SigCgt the thread's pending set, the
 *                                     process's, the blocked mask, and the
 *                                     signals ignored / caught, 16 hex digits
 *   CapInh CapPrm CapEff CapBnd CapAmb root's powers are Faultline's
 *                                     capabilities (kernel/cred.c): every
 *                                     Linux 6.1 capability with euid 0,
 *                                     none otherwise; bounding: all
 *   NoNewPrivs Seccomp                0: neither exists here
 *   Cpus_allowed Cpus_allowed_list    the affinity mask, as hex and as a list
 *   voluntary_ctxt_switches           the thread's sleeps and preemptions
 *   nonvoluntary_ctxt_switches
 *
 * Lines Linux has and Faultline leaves out, because it has nothing true to
 * put there: Ngid, FDSize, Groups (another task's list is not safely
 * readable without RCU), VmPeak, VmPin, VmHWM, HugetlbPages, CoreDumping,
 * THP_enabled, Speculation*, Mems_allowed*. Programs read status by name,
 * so a missing line is absent, never wrong.
 *
 * Memory lines are "Name:\t%8lu kB". The task's lines are read under
 * tasklist_lock (the name changes at exec, the parent at reparenting),
 * signal sets under the siglock inside it (the documented order), umask
 * with one READ_ONCE; the VMA counts under mmap_lock (read), the rss
 * counters from atomics.
 */
#define CAP_FULL_SET    0x000001ffffffffffULL   /* CAP_LAST_CAP 40, Linux 6.1 */
#define RLIMIT_SIGPENDING 11

struct status_task {
	char comm[TASK_COMM_LEN];
	long state;
	int tgid, ppid, pgid, sid, threads;
	unsigned int umask;
	u32 uid[4], gid[4];             /* real, effective, saved, filesystem */
	sigset_t pnd, shdpnd, blk, ign, cgt;
	unsigned long sigq, sigq_max;
	struct cpumask cpus;
	unsigned long nvcsw, nivcsw;
};

/* The signal lines. Context: tasklist_lock held; takes @t's siglock. */
static void snapshot_status_signals(struct task_struct *t, struct status_task *st)
{
	struct sighand_struct *sh;
	unsigned long flags = lock_sighand_irqsave(t->signal, &sh);
	struct signal_struct *g = t->signal->group;
	struct task_signal *ts;

	st->pnd = t->signal->pending;
	st->shdpnd = g->shared_pending;
	st->blk = t->signal->blocked;
	st->ign = st->cgt = 0;
	for (int sig = 1; sig <= _NSIG; sig++) {
		unsigned long handler = sh->action[sig - 1].handler;

		if (handler == SIG_IGN)
			sigaddset(&st->ign, sig);
		else if (handler != SIG_DFL)
			sigaddset(&st->cgt, sig);
	}
	st->sigq = sigset_weight(g->shared_pending);
	list_for_each_entry(ts, &g->thread_head, thread_node)
		st->sigq += sigset_weight(ts->pending);
	st->sigq_max = g->rlim[RLIMIT_SIGPENDING].rlim_cur;
	unlock_sighand_irqrestore(sh, flags);
}

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
		st->pgid = t->pgid;
		st->sid = t->sid;
		st->threads = t->signal->group->live;
		st->uid[0] = READ_ONCE(t->cred.uid);
		st->uid[1] = READ_ONCE(t->cred.euid);
		st->uid[2] = READ_ONCE(t->cred.suid);
		st->uid[3] = READ_ONCE(t->cred.fsuid);
		st->gid[0] = READ_ONCE(t->cred.gid);
		st->gid[1] = READ_ONCE(t->cred.egid);
		st->gid[2] = READ_ONCE(t->cred.sgid);
		st->gid[3] = READ_ONCE(t->cred.fsgid);
		/* t->fs changes only under tasklist_lock (exchange_task_fs),
		 * so it lives while we hold it. fs->lock cannot be taken here:
		 * it is interrupt-unsafe and tasklist_lock interrupt-safe. One
		 * racy word is read instead, written with WRITE_ONCE by umask(2). */
		st->umask = t->fs ? READ_ONCE(t->fs->umask) : 022;
		st->cpus = t->cpus_allowed;
		st->nvcsw = READ_ONCE(t->nvcsw);
		st->nivcsw = READ_ONCE(t->nivcsw);
		snapshot_status_signals(t, st);
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

struct status_vm {
	unsigned long total, locked, data, stack, exe, lib;
};

/* Context: takes @mm's mmap_lock for reading. */
static void status_vm_counts(struct mm_struct *mm, struct status_vm *vm)
{
	struct vm_area_struct *vma;

	*vm = (struct status_vm){ 0 };
	down_read(&mm->mmap_lock);
	vm->total = mm->total_vm;
	vm->locked = mm->locked_vm;
	for (vma = find_vma(mm, 0); vma; vma = vma_next(vma)) {
		unsigned long pages = (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
		unsigned long f = vma->vm_flags;

		if (f & VM_GROWSDOWN)
			vm->stack += pages;
		else if ((f & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			vm->data += pages;
		else if ((f & (VM_EXEC | VM_WRITE)) == VM_EXEC) {
			if (vma->vm_file && mm->exe_file &&
			    vma->vm_file->f_inode == mm->exe_file->f_inode)
				vm->exe += pages;
			else
				vm->lib += pages;
		}
	}
	up_read(&mm->mmap_lock);
}

static void show_sigset(struct seq_buf *m, const char *name, sigset_t set)
{
	seq_printf(m, "%s:\t%016llx\n", name, (unsigned long long)set);
}

/* "0-1,3": the CPUs of @mask as Linux's bitmap list. */
static void show_cpu_list(struct seq_buf *m, const struct cpumask *mask)
{
	const char *sep = "";

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		unsigned int last = cpu;

		if (!cpumask_test_cpu(cpu, mask))
			continue;
		while (last + 1 < NR_CPUS && cpumask_test_cpu(last + 1, mask))
			last++;
		if (last == cpu)
			seq_printf(m, "%s%u", sep, cpu);
		else
			seq_printf(m, "%s%u-%u", sep, cpu, last);
		sep = ",";
		cpu = last;
	}
	seq_printf(m, "\n");
}

int proc_pid_status_show(struct seq_buf *m, int pid)
{
	struct status_task st;
	struct status_vm vm;
	unsigned long anon, file, shmem, swap, ptes;
	unsigned long long caps;
	struct mm_struct *mm;

	if (!snapshot_status_task(pid, &st))
		return -ESRCH;
	mm = get_pid_mm(pid);
	if (!mm)
		return -ESRCH;                  /* exiting: Linux shows it without Vm lines */
	status_vm_counts(mm, &vm);
	anon = get_mm_counter(mm, MM_ANONPAGES);
	file = get_mm_counter(mm, MM_FILEPAGES);
	shmem = get_mm_counter(mm, MM_SHMEMPAGES);
	ptes = mm_pgtables_pages(mm);
	swap = get_mm_swapents(mm);
	mmput(mm);
	seq_printf(m, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
		   st.comm, st.umask, status_state(st.state), st.tgid, pid, st.ppid);
	seq_printf(m, "TracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", st.uid[0],
		   st.uid[1], st.uid[2], st.uid[3], st.gid[0], st.gid[1], st.gid[2], st.gid[3]);
	seq_printf(m, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", st.tgid, pid, st.pgid,
		   st.sid);
	show_kb(m, "VmSize", vm.total);
	show_kb(m, "VmLck", vm.locked);
	show_kb(m, "VmRSS", anon + file + shmem);
	show_kb(m, "RssAnon", anon);
	show_kb(m, "RssFile", file);
	show_kb(m, "RssShmem", shmem);
	show_kb(m, "VmData", vm.data);
	show_kb(m, "VmStk", vm.stack);
	show_kb(m, "VmExe", vm.exe);
	show_kb(m, "VmLib", vm.lib);
	show_kb(m, "VmPTE", ptes);
	show_kb(m, "VmSwap", swap);
	seq_printf(m, "Threads:\t%d\nSigQ:\t%lu/%lu\n", st.threads, st.sigq, st.sigq_max);
	show_sigset(m, "SigPnd", st.pnd);
	show_sigset(m, "ShdPnd", st.shdpnd);
	show_sigset(m, "SigBlk", st.blk);
	show_sigset(m, "SigIgn", st.ign);
	show_sigset(m, "SigCgt", st.cgt);
	caps = st.uid[1] == 0 ? CAP_FULL_SET : 0;
	seq_printf(m, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n", 0ULL, caps, caps);
	seq_printf(m, "CapBnd:\t%016llx\nCapAmb:\t%016llx\n", CAP_FULL_SET, 0ULL);
	seq_printf(m, "NoNewPrivs:\t0\nSeccomp:\t0\n");
	seq_printf(m, "Cpus_allowed:\t%lx\nCpus_allowed_list:\t", st.cpus.bits);
	show_cpu_list(m, &st.cpus);
	seq_printf(m, "voluntary_ctxt_switches:\t%lu\nnonvoluntary_ctxt_switches:\t%lu\n",
		   st.nvcsw, st.nivcsw);
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
