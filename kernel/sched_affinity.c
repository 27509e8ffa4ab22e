/*
 * The scheduler's system calls about CPUs: sched_setaffinity,
 * sched_getaffinity and getcpu, with Linux's argument rules and errors
 * (docs/smp.md, "System calls and /proc"). The work is set_cpus_allowed()
 * in kernel/sched.c; this file is the user-facing layer.
 *
 * Locks: tasklist_lock (irqsave) while another process is looked up and
 * its mask read or changed; set_cpus_allowed() takes run-queue locks
 * inside it (tasklist_lock -> rq->lock, docs/locking.md).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/process.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/syscalls.h>
#include <asm/percpu.h>
#include <asm/uaccess.h>

/* The bytes of a CPU mask the system calls copy: one unsigned long, as
 * Linux's cpumask_size() with at most 64 CPUs. */
#define CPUMASK_BYTES sizeof(unsigned long)

/* The task @pid names (0: the caller), for the affinity calls. The caller
 * holds tasklist_lock, so the task stays while it is used. */
static struct task_struct *affinity_target_locked(int pid)
{
	if (pid == 0 || pid == current->pid)
		return current;
	return find_task_by_pid_locked(pid);
}

SYSCALL_DEFINE3(sched_setaffinity, int, pid, unsigned int, len,
		const unsigned long __user *, user_mask)
{
	struct cpumask m = CPUMASK_NONE;
	struct task_struct *t;
	unsigned long flags;
	int err;

	/* Linux reads min(len, its mask size) bytes; bits beyond are dropped,
	 * missing ones are zero. */
	if (copy_from_user(&m.bits, user_mask, min((unsigned long)len, CPUMASK_BYTES)))
		return -EFAULT;
	/* Linux keeps only CPUs that exist (its cpuset's, here the online
	 * ones: there is no hotplug), so /proc/PID/status's Cpus_allowed
	 * never names a CPU the machine lacks. None left: EINVAL below. */
	m.bits &= CPUMASK_ALL.bits & cpumask_read(&cpu_online_mask).bits;
	if (pid < 0)
		return -ESRCH;
	if (pid == 0 || pid == current->pid)
		return set_cpus_allowed(current, &m);   /* may move us before returning */
	flags = tasklist_lock_irqsave();
	t = affinity_target_locked(pid);
	/* Another task: set_cpus_allowed does not sleep for it. */
	err = t ? set_cpus_allowed(t, &m) : -ESRCH;
	tasklist_unlock_irqrestore(flags);
	return err;
}

SYSCALL_DEFINE3(sched_getaffinity, int, pid, unsigned int, len, unsigned long __user *, user_mask)
{
	struct task_struct *t;
	unsigned long flags, bits;

	/* Linux: the buffer must hold a bit for every possible CPU and be a
	 * whole number of longs; it copies its mask size and returns it. */
	if ((unsigned long)len * 8 < num_online_cpus() || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (pid < 0)
		return -ESRCH;
	flags = tasklist_lock_irqsave();
	t = affinity_target_locked(pid);
	bits = t ? cpumask_read(&t->cpus_allowed).bits & cpumask_read(&cpu_online_mask).bits : 0;
	tasklist_unlock_irqrestore(flags);
	if (!t)
		return -ESRCH;
	if (copy_to_user(user_mask, &bits, CPUMASK_BYTES))
		return -EFAULT;
	return (long)CPUMASK_BYTES;
}

/* Which CPU (and NUMA node: always 0) the caller runs on: a snapshot, as
 * on Linux (it may move the moment after, unless pinned). */
SYSCALL_DEFINE3(getcpu, unsigned int __user *, cpup, unsigned int __user *, nodep,
		void __user *, unused)
{
	unsigned int cpu = smp_processor_id(), node = 0;

	if (cpup && copy_to_user(cpup, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (nodep && copy_to_user(nodep, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
