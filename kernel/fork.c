/*
 * fork: a new process that is a copy of the caller.
 *
 * copy_process builds the child: a task with its own kernel stack, a copy
 * of the address space in which every private page is shared
 * copy-on-write (dup_mm -> copy_page_range), the file table (every file
 * gets a reference), cwd, signal handlers and mask, and the caller's user
 * registers with RAX = 0, so the child returns from the same system call
 * with 0 while the parent gets the child's pid. The child starts in
 * ret_to_user_child, which goes straight back to user mode.
 *
 * Locks: tasklist_lock links the child into its parent's children list
 * and makes it a visible process (is_process: find_task_by_pid_locked
 * and get_pid_mm see it from then on, complete); everything else is the
 * child's own until it is woken.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/fpu.h>
#include <asm/segment.h>
#include <asm/switch_to.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

/* clone() flags that Faultline understands (Linux's values). */
#define CSIGNAL                 0x000000ff
#define CLONE_VM                0x00000100
#define CLONE_FS                0x00000200
#define CLONE_FILES             0x00000400
#define CLONE_SIGHAND           0x00000800
#define CLONE_VFORK             0x00004000
#define CLONE_PARENT            0x00008000
#define CLONE_THREAD            0x00010000
#define CLONE_SETTLS            0x00080000
#define CLONE_PARENT_SETTID     0x00100000
#define CLONE_CHILD_CLEARTID    0x00200000
#define CLONE_CHILD_SETTID      0x01000000

struct mm_struct *exchange_current_mm(struct mm_struct *mm)
{
	struct mm_struct *old = current->mm;
	unsigned long flags = tasklist_lock_irqsave();

	switch_to_new_mm(mm);
	tasklist_unlock_irqrestore(flags);
	return old;
}

struct mm_struct *get_pid_mm(int pid)
{
	unsigned long flags = tasklist_lock_irqsave();
	struct task_struct *t = find_task_by_pid_locked(pid);
	struct mm_struct *mm = t ? t->mm : NULL;

	if (mm)
		mmget(mm);
	tasklist_unlock_irqrestore(flags);
	return mm;
}

/* The child's first code: back to user mode with the registers fork saved. */
static int ret_to_user_child(void *unused)
{
	struct pt_regs *regs = task_pt_regs(current);

	exit_to_user_mode(regs, false);
	enter_user_mode_asm(regs);
	return 0;                       /* not reached */
}

/* Undo a half-built child (before it was linked or woken). */
static void free_unborn(struct task_struct *p)
{
	if (p->mm)
		mmput(p->mm);
	if (p->files)
		put_files(p->files);
	if (p->fs)
		put_fs_struct(p->fs);
	task_destroy_unborn(p);         /* frees the signal state too */         /* never ran, never linked: nobody else holds it */
}

static int copy_resources(struct task_struct *p, struct task_struct *me)
{
	p->mm = dup_mm(me->mm);
	if (!p->mm)
		return -ENOMEM;
	p->files = dup_files(me->files);
	if (!p->files)
		return -ENOMEM;
	p->fs = copy_fs_struct(me->fs);
	if (!p->fs)
		return -ENOMEM;
	return copy_signal_state(p, me);
}

/*
 * Linux's threads-max: at most one task per 8 kernel stacks' worth of
 * memory (at least 20), so that a fork bomb gets EAGAIN while kernel
 * stacks and page tables still leave most of memory to everything else
 * (docs/reclaim.md). Counted over every task on the list, kernel threads
 * and zombies included, as Linux counts nr_threads.
 */
#define MIN_THREADS 20

static void count_task(struct task_struct *t, void *arg)
{
	(void)t;
	(*(unsigned long *)arg)++;
}

static bool too_many_tasks(void)
{
	struct page_alloc_stats st;
	unsigned long max_threads, nr = 0;

	page_alloc_stats(&st);
	max_threads = max(st.total_pages / (8UL << KERNEL_STACK_ORDER), (unsigned long)MIN_THREADS);
	for_each_task(count_task, &nr);
	return nr >= max_threads;
}

/*
 * Create a child of current that resumes from @regs with RAX = 0 and, if
 * @newsp is not 0, the stack pointer @newsp. Returns the child's pid or a
 * negative errno. Context: a system call; may sleep.
 */
static long do_fork(struct pt_regs *regs, unsigned long flags, unsigned long newsp,
		    unsigned long tls)
{
	struct task_struct *me = current, *p;
	struct pt_regs *child_regs;
	unsigned long irqflags;
	int err;

	if (too_many_tasks())
		return -EAGAIN;
	p = task_create(ret_to_user_child, NULL, me->comm, sizeof(struct pt_regs));
	if (!p)
		return -ENOMEM;
	/* SMP: the child inherits the CPU affinity (not yet runnable: no lock). */
	p->cpus_allowed = cpumask_read(&me->cpus_allowed);
	err = copy_resources(p, me);
	if (err) {
		free_unborn(p);
		return err;
	}
	child_regs = task_pt_regs(p);
	*child_regs = *regs;
	child_regs->rax = 0;
	if (newsp)
		child_regs->rsp = newsp;
	fpu_save(&me->thread.fpu);              /* the live registers, not the last switch's */
	p->thread.fpu = me->thread.fpu;
	p->thread.fsbase = (flags & CLONE_SETTLS) ? tls : me->thread.fsbase;
	p->exit_signal = (int)(flags & CSIGNAL);

	irqflags = tasklist_lock_irqsave();
	/*
	 * A kill of our process group (kill_pgrp sends under tasklist_lock)
	 * either reached us before this point, and then the child must not
	 * appear, or comes after, and then it finds the child in the group.
	 * Without this check a fork bomb outlives kill(-pgrp, SIGKILL): each
	 * child forked across the kill escapes it (Linux's copy_process makes
	 * the same check).
	 */
	if (fatal_signal_pending(me)) {
		tasklist_unlock_irqrestore(irqflags);
		free_unborn(p);
		return -EINTR;
	}
	p->is_process = true;
	p->parent = me;
	p->pgid = me->pgid;
	p->sid = me->sid;
	list_add_tail(&p->sibling, &me->children);
	tasklist_unlock_irqrestore(irqflags);
	wake_up_process(p);
	return p->pid;
}

SYSCALL_DEFINE0(fork)
{
	return do_fork(task_pt_regs(current), SIGCHLD, 0, 0);
}

/* vfork: the parent need not wait here, since the child has its own copy
 * of the address space (the child's exec or exit is all a caller relies on). */
SYSCALL_DEFINE0(vfork)
{
	return do_fork(task_pt_regs(current), SIGCHLD, 0, 0);
}

/*
 * clone for processes: the flags a libc uses to start a process (musl's
 * posix_spawn passes CLONE_VM|CLONE_VFORK with a stack of its own) are
 * served as fork with that stack; threads (CLONE_THREAD, shared handlers
 * or files) are not supported.
 */
SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, newsp, int *, parent_tid,
		int *, child_tid, unsigned long, tls)
{
	long pid;

	if (flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES | CLONE_FS | CLONE_PARENT))
		return -EINVAL;
	pid = do_fork(task_pt_regs(current), flags, newsp, tls);
	if (pid > 0 && (flags & CLONE_PARENT_SETTID) && parent_tid)
		if (copy_to_user(parent_tid, &pid, sizeof(int)))
			return -EFAULT;
	return pid;
}
