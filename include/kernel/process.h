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
/* Panic unless the caller holds tasklist_lock (@fn: the caller's name). */
void assert_tasklist_held(const char *fn);
#define ASSERT_HELD_TASKLIST() assert_tasklist_held(__func__)

/* clone() flags (Linux's values). */
#define CSIGNAL                 0x000000ff
#define CLONE_VM                0x00000100
#define CLONE_FS                0x00000200
#define CLONE_FILES             0x00000400
#define CLONE_SIGHAND           0x00000800
#define CLONE_PIDFD             0x00001000
#define CLONE_PTRACE            0x00002000
#define CLONE_VFORK             0x00004000
#define CLONE_PARENT            0x00008000
#define CLONE_THREAD            0x00010000
#define CLONE_NEWNS             0x00020000
#define CLONE_SYSVSEM           0x00040000
#define CLONE_SETTLS            0x00080000
#define CLONE_PARENT_SETTID     0x00100000
#define CLONE_CHILD_CLEARTID    0x00200000
#define CLONE_DETACHED          0x00400000
#define CLONE_UNTRACED          0x00800000
#define CLONE_CHILD_SETTID      0x01000000
#define CLONE_NEWCGROUP         0x02000000
#define CLONE_NEWUTS            0x04000000
#define CLONE_NEWIPC            0x08000000
#define CLONE_NEWUSER           0x10000000
#define CLONE_NEWPID            0x20000000
#define CLONE_NEWNET            0x40000000
#define CLONE_IO                0x80000000UL

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

/* exit_group, and the end of a process killed by a signal: every thread
 * of current's group dies (kernel/signal.c). Never returns. */
__noreturn void do_group_exit(int status);
/* Before current leaves its address space (exit, execve): robust futexes,
 * CLONE_CHILD_CLEARTID's clear and wake, a vfork parent's completion. */
void exit_mm_release(struct task_struct *me);
/* execve: end every other thread of current's group (current takes the
 * leader's pid if it is not the leader) and unshare the handlers. Returns
 * 0, or -EINTR/-EAGAIN if the group is being killed meanwhile.
 * Context: may sleep. */
int de_thread(void);

/* Start /sbin/init-style: make the first user process (pid 1) run @path
 * with @argv/@envp. Called by kernel_init once the root is mounted. */
int start_init_process(const char *path, char *const argv[], char *const envp[]);

/* Kernel-side execve (used for init and by sys_execve): replace current's
 * image. Returns only on failure (-errno); on success it has set @regs to
 * start the new program. */
int do_execve(const char *path, char *const argv[], char *const envp[], bool user_ptrs,
	      struct pt_regs *regs);
/* Boot: address-space randomisation from the command line
 * (randomize_va_space=N, norandmaps; kernel/binfmt_elf.c). */
void exec_randomize_init(void);

#endif
