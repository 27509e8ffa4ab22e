/*
 * The system-call table and the calls that need nothing but a task.
 * (The calls themselves live with their subsystems.)
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
