/*
 * fork and clone: a new process that is a copy of the caller, or a new
 * thread of it that shares its address space, files, cwd and handlers
 * (docs/process.md, "Threads").
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
 * (a thread into its group, with siglock: signal_attach_thread) and makes
 * it a visible process (is_process: find_task_by_pid_locked and
 * get_pid_mm see it from then on, complete); everything else is the
 * child's own until it is woken. Shared structures are reference counted
 * with atomic operations (mm_users, files->count, fs->count, the sighand's
 * and signal_struct's counts).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>
#include <fs/fdtable.h>
#include <fs/proc_fs.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/fpu.h>
#include <asm/segment.h>
#include <asm/switch_to.h>
#include <asm/traps.h>
#include <asm/uaccess.h>

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

/* The child's first code: back to user mode with the registers fork saved.
 * CLONE_CHILD_SETTID's store is made here, in the child's own address
 * space (a fork child's copy, or the memory a thread shares); a fault is
 * ignored, as Linux ignores it. */
static int ret_to_user_child(void *unused)
{
	struct pt_regs *regs = task_pt_regs(current);
	int tid = current->pid;

	if (current->set_child_tid)
		(void)copy_to_user(current->set_child_tid, &tid, sizeof(tid));
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
	exit_creds(p);
	task_destroy_unborn(p);         /* frees the signal state too */         /* never ran, never linked: nobody else holds it */
}

/* The child's resources: shared (a reference) or copied, as @flags say. */
static int copy_resources(struct task_struct *p, struct task_struct *me, unsigned long flags)
{
	if (flags & CLONE_VM) {
		mmget(me->mm);
		p->mm = me->mm;
	} else {
		p->mm = dup_mm(me->mm);
	}
	if (!p->mm)
		return -ENOMEM;
	if (flags & CLONE_FILES) {
		__atomic_add_fetch(&me->files->count, 1, __ATOMIC_RELAXED);
		p->files = me->files;
	} else {
		p->files = dup_files(me->files);
	}
	if (!p->files)
		return -ENOMEM;
	if (flags & CLONE_FS) {
		__atomic_add_fetch(&me->fs->count, 1, __ATOMIC_RELAXED);
		p->fs = me->fs;
	} else {
		p->fs = copy_fs_struct(me->fs);
	}
	if (!p->fs)
		return -ENOMEM;
	copy_creds(p, me);
	return copy_signal_state(p, me, flags);
}

/* Flags Faultline does not offer: namespaces, pidfds, ptrace. */
#define CLONE_UNSUPPORTED (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | \
			   CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_PIDFD |  \
			   CLONE_PTRACE | CLONE_UNTRACED)

/* Linux's consistency rules for a set of clone flags (copy_process). */
static int check_clone_flags(unsigned long flags)
{
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	/* A thread shares the handlers; shared handlers need a shared
	 * address space (a handler address means nothing in another one). */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_PARENT) && current->pid == 1)
		return -EINVAL;                 /* init's siblings would have no parent */
	if (flags & CLONE_UNSUPPORTED)
		return -EINVAL;
	return 0;
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

/* Linux's threads-max: an eighth of memory in kernel stacks. */
static unsigned long max_threads(void)
{
	struct page_alloc_stats st;

	page_alloc_stats(&st);
	return max(st.total_pages / (8UL << KERNEL_STACK_ORDER), (unsigned long)MIN_THREADS);
}

static bool too_many_tasks(void)
{
	unsigned long nr = 0;

	for_each_task(count_task, &nr);
	return nr >= max_threads();
}

/* /proc/sys/kernel/threads-max: the limit fork applies (read-only here). */
int threads_max_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%lu\n", max_threads());
	return 0;
}

/*
 * A vfork parent sleeps until the child's execve or exit completes
 * @vfork, or until a fatal signal, as Linux's (its sleep is killable: a
 * child that never execs or exits must not make its parent unkillable).
 * Killed, it unhooks the completion, which lives in its stack frame,
 * from the child under tasklist_lock, the lock under which the child
 * completes it (exit_mm_release); the child is looked up by @pid, so a
 * child already gone is never touched. Non-fatal signals wake the loop
 * and it sleeps again: they are handled after vfork returns, as Linux.
 */
static void wait_for_vfork_done(int pid, struct completion *vfork)
{
	struct wait_queue_entry w = { .task = current };
	struct task_struct *child;
	unsigned long flags;

	for (;;) {
		prepare_to_wait(&vfork->wait, &w, TASK_INTERRUPTIBLE);
		if (READ_ONCE(vfork->done) || fatal_signal_pending(current))
			break;
		schedule();
	}
	/* Takes the completion's lock: a complete() still running on our
	 * frame is finished once this returns. */
	finish_wait(&vfork->wait, &w);
	if (READ_ONCE(vfork->done))
		return;
	flags = tasklist_lock_irqsave();
	child = find_task_by_pid_locked(pid);
	if (child && child->vfork_done == vfork)
		child->vfork_done = NULL;
	tasklist_unlock_irqrestore(flags);
}

/*
 * Create a child of current that resumes from @regs with RAX = 0 and, if
 * @newsp is not 0, the stack pointer @newsp: a new process (fork), or a
 * thread of ours (CLONE_THREAD), sharing what @flags say. Returns the
 * child's pid (tid) or a negative errno. Context: a system call; may sleep.
 */
static long do_fork(struct pt_regs *regs, unsigned long flags, unsigned long newsp,
		    unsigned long tls, int __user *parent_tid, int __user *child_tid)
{
	struct task_struct *me = current, *p, *leader, *parent;
	struct pt_regs *child_regs;
	struct completion vfork;
	unsigned long irqflags;
	int err, pid;

	err = check_clone_flags(flags);
	if (err)
		return err;
	if (too_many_tasks())
		return -EAGAIN;
	p = task_create(ret_to_user_child, NULL, me->comm, sizeof(struct pt_regs));
	if (!p)
		return -ENOMEM;
	/* SMP: the child inherits the CPU affinity (not yet runnable: no lock). */
	p->cpus_allowed = cpumask_read(&me->cpus_allowed);
	p->nice = READ_ONCE(me->nice);
	err = copy_resources(p, me, flags);
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
	if (flags & CLONE_CHILD_SETTID)
		p->set_child_tid = child_tid;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = child_tid;
	if (flags & CLONE_VFORK) {
		init_completion(&vfork);
		p->vfork_done = &vfork;
	}

	irqflags = tasklist_lock_irqsave();
	/*
	 * A kill of our process group (kill_pgrp sends under tasklist_lock)
	 * either reached us before this point, and then the child must not
	 * appear, or comes after, and then it finds the child in the group.
	 * Without this check a fork bomb outlives kill(-pgrp, SIGKILL): each
	 * child forked across the kill escapes it (Linux's copy_process makes
	 * the same check). A new thread likewise must not escape an
	 * exit_group or a fatal signal, or outlive an execve (-EAGAIN).
	 */
	err = fatal_signal_pending(me) ? -EINTR : 0;
	if (!err && (flags & CLONE_THREAD))
		err = signal_attach_thread(p);
	if (err) {
		tasklist_unlock_irqrestore(irqflags);
		free_unborn(p);
		return err;
	}
	leader = me->group_leader;
	p->is_process = true;
	p->pgid = me->pgid;
	p->sid = me->sid;
	if (flags & CLONE_THREAD) {
		/* A thread is nobody's child: the group's leader is. */
		p->tgid = me->tgid;
		p->group_leader = leader;
		p->parent = leader->parent;
		p->exit_signal = -1;
	} else {
		/* Children belong to the process (its leader), so that any
		 * thread may wait for them and they outlive their creator. */
		parent = (flags & CLONE_PARENT) ? leader->parent : leader;
		p->parent = parent;
		p->exit_signal = (flags & CLONE_PARENT) ? leader->exit_signal : (int)(flags & CSIGNAL);
		list_add_tail(&p->sibling, &parent->children);
	}
	pid = p->pid;
	tasklist_unlock_irqrestore(irqflags);
	/* Before the child runs, as Linux: a thread reading its own tid from
	 * there (musl's pthread_self()->tid) finds it already. A fault is
	 * ignored, as on Linux. */
	if (flags & CLONE_PARENT_SETTID)
		(void)copy_to_user(parent_tid, &pid, sizeof(pid));
	wake_up_process(p);
	if (flags & CLONE_VFORK)
		wait_for_vfork_done(pid, &vfork);       /* the child's execve or exit */
	return pid;
}

SYSCALL_DEFINE0(fork)
{
	return do_fork(task_pt_regs(current), SIGCHLD, 0, 0, NULL, NULL);
}

/* vfork: the child borrows our address space, on our stack, and we sleep
 * until its execve or _exit, as Linux. Callers count on both: what the
 * child stores before _exit (busybox's tar reports its compressor's failed
 * execve that way) is theirs to read once vfork returns. */
SYSCALL_DEFINE0(vfork)
{
	return do_fork(task_pt_regs(current), CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0,
		       NULL, NULL);
}

/*
 * clone: processes (fork with a stack of their own, musl's posix_spawn's
 * CLONE_VM|CLONE_VFORK) and threads (musl's and glibc's pthread_create:
 * CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|
 * CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID). CLONE_SYSVSEM
 * and CLONE_DETACHED are accepted and mean nothing here (no System V
 * semaphores; Linux ignores CLONE_DETACHED). clone3 is not offered: it
 * gives ENOSYS, on which glibc falls back to clone.
 */
SYSCALL_DEFINE5(clone, unsigned long, flags, unsigned long, newsp, int *, parent_tid,
		int *, child_tid, unsigned long, tls)
{
	return do_fork(task_pt_regs(current), flags, newsp, tls, parent_tid, child_tid);
}
