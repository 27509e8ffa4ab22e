/*
 * The system-call table and the calls that need nothing but a task.
 * (Files, processes, memory and signals add theirs as they arrive.)
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <kernel/wait.h>

static const syscall_fn_t sys_call_table[NR_SYSCALLS] = {
#define SYSCALL(nr, name) [nr] = __x64_sys_##name,
#include <kernel/syscall_list.h>
#undef SYSCALL
};

static unsigned long reported[NR_SYSCALLS / 64];

long syscall_dispatch(unsigned long nr, const unsigned long args[6])
{
	if (nr < NR_SYSCALLS && sys_call_table[nr])
		return sys_call_table[nr](args);
	if (nr < NR_SYSCALLS &&
	    !(__atomic_fetch_or(&reported[nr / 64], 1UL << (nr % 64), __ATOMIC_RELAXED) &
	      (1UL << (nr % 64))))
		pr_debug("%s[%d]: unimplemented system call %lu\n", current->comm, current->pid, nr);
	return -ENOSYS;
}

SYSCALL_DEFINE0(getpid)
{
	return current->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current->pid;            /* one thread per process */
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit((code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit((code & 0xff) << 8);
}

void do_exit(int status)
{
	struct task_struct *me = current;

	me->exit_status = status;
	if (me->exit_done)
		complete(me->exit_done);
	kthread_exit(status);
}
