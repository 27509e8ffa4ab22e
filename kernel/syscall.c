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

/* Linux's name of every call, implemented or not (include/kernel/syscall_names.h). */
static const char *const syscall_names[NR_SYSCALLS] = {
#define SYSCALL_NAME(nr, name) [nr] = #name,
#include <kernel/syscall_names.h>
#undef SYSCALL_NAME
};

/* Numbers already reported, so each is named once per boot; set atomically. */
static unsigned long reported[NR_SYSCALLS / 64];

/*
 * A call Faultline lacks gets ENOSYS, as a Linux built without it would
 * give. The first use of each number is reported on the console at the
 * default level, with the call's name and the program's, because a
 * program that fails on ENOSYS rarely says why (docs/syscalls.md).
 * `make exec` and tools/faultline relay the line to the user.
 */
static void report_unimplemented(unsigned long nr)
{
	unsigned long bit = 1UL << (nr % 64);

	if (__atomic_fetch_or(&reported[nr / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	pr_warn("%s[%d]: system call %lu (%s) is not implemented: ENOSYS\n",
		current->comm, current->pid, nr,
		syscall_names[nr] ? syscall_names[nr] : "not in Linux 6.1");
}

long syscall_dispatch(unsigned long nr, const unsigned long args[6])
{
	if (nr < NR_SYSCALLS && sys_call_table[nr])
		return sys_call_table[nr](args);
	if (nr < NR_SYSCALLS)
		report_unimplemented(nr);
	return -ENOSYS;
}
