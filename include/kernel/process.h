/*
 * User processes: fork, execve, exit and wait (kernel/fork.c, kernel/exec.c,
 * kernel/exit.c; docs/process.md).
 *
 * A process is a task with an mm, a file table and an fs_struct. Its
 * parent reaps it with wait4; until then it stays a zombie holding only its
 * task_struct and exit status. When a process exits, its children are
 * re-parented to init (pid 1).
 *
 * Locks: tasklist_lock (a spinlock, irqsave) protects parent/children/
 * sibling, pgid/sid and the pid lookup. Never sleep under it.
 */
#ifndef _KERNEL_PROCESS_H
#define _KERNEL_PROCESS_H

#include <kernel/compiler.h>
#include <kernel/types.h>

struct task_struct;
struct pt_regs;

/* Take and drop tasklist_lock (see above). */
unsigned long tasklist_lock_irqsave(void);
void tasklist_unlock_irqrestore(unsigned long flags);
/* The task with this pid, or NULL. Context: tasklist_lock held. */
struct task_struct *find_task_by_pid_locked(int pid);
/* Call @fn for every user process (not kernel threads, not zombies)
 * under tasklist_lock; @fn must not sleep. */
void for_each_process_locked(void (*fn)(struct task_struct *t, void *arg), void *arg);

/*
 * The address space of process @pid with a reference, which the caller
 * drops with mmput(); NULL if there is no such process or it has no
 * address space left (it is exiting). The reference keeps the VMAs and
 * page tables alive even if the process exits meanwhile (/proc/PID/maps).
 * Context: any task; takes tasklist_lock.
 */
struct mm_struct *get_pid_mm(int pid);
/*
 * Make @mm current's address space (exec: the new image's; exit: NULL)
 * and return the old one, for the caller to mmput(). A visible process's
 * ->mm changes only here, under tasklist_lock, so get_pid_mm() finds the
 * old mm while its owner's reference still holds it, or the new one:
 * never one being freed.
 */
struct mm_struct *exchange_current_mm(struct mm_struct *mm);

/* The scheduler calls this when an exited process has switched away for
 * the last time: it becomes a zombie visible to wait4. */
void process_became_zombie(struct task_struct *t);
/* Free a reaped zombie. */
void release_task(struct task_struct *t);

/* End the current task with Linux wait status @status ((code << 8), or
 * the signal number for a kill). Never returns. */
__noreturn void do_exit(int status);

/* Start /sbin/init-style: make the first user process (pid 1) run @path
 * with @argv/@envp. Called by kernel_init once the root is mounted. */
int start_init_process(const char *path, char *const argv[], char *const envp[]);

/* Kernel-side execve (used for init and by sys_execve): replace current's
 * image. Returns only on failure (-errno); on success it has set @regs to
 * start the new program. */
int do_execve(const char *path, char *const argv[], char *const envp[], bool user_ptrs,
	      struct pt_regs *regs);

#endif
