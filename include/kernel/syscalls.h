/*
 * System calls: Linux x86-64 numbers, and the dispatcher.
 *
 * A system call takes up to six register arguments (RDI, RSI, RDX, R10,
 * R8, R9) and returns a value in RAX; errors are small negative numbers
 * (-errno), which libc turns into -1 and errno. Unknown numbers return
 * -ENOSYS; each is logged once (at debug level), so a student sees what a
 * program needed.
 */
#ifndef _KERNEL_SYSCALLS_H
#define _KERNEL_SYSCALLS_H

#include <kernel/compiler.h>
#include <kernel/types.h>

#define NR_SYSCALLS             512

/*
 * Defining a system call, as in Linux:
 *
 *     SYSCALL_DEFINE1(exit, int, code)
 *     {
 *             do_exit((code & 0xff) << 8);
 *     }
 *
 * defines the typed body __do_sys_exit(int code) and the entry point
 * __x64_sys_exit(args) that the table calls with the six raw register
 * values. The number lives in include/kernel/syscall_list.h.
 */
typedef long (*syscall_fn_t)(const unsigned long *args);

#define __SYSCALL_ENTRY(name, call)                                             \
	long __x64_sys_##name(const unsigned long *args);                      \
	long __x64_sys_##name(const unsigned long *args)                       \
	{                                                                       \
		(void)args;                                                     \
		return call;                                                    \
	}

#define SYSCALL_DEFINE0(name)                                                   \
	static long __do_sys_##name(void);                                      \
	__SYSCALL_ENTRY(name, __do_sys_##name())                                \
	static long __do_sys_##name(void)
#define SYSCALL_DEFINE1(name, t1, a1)                                           \
	static long __do_sys_##name(t1 a1);                                     \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0]))                     \
	static long __do_sys_##name(t1 a1)
#define SYSCALL_DEFINE2(name, t1, a1, t2, a2)                                   \
	static long __do_sys_##name(t1 a1, t2 a2);                              \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0], (t2)args[1]))        \
	static long __do_sys_##name(t1 a1, t2 a2)
#define SYSCALL_DEFINE3(name, t1, a1, t2, a2, t3, a3)                           \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3);                       \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0], (t2)args[1], (t3)args[2])) \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3)
#define SYSCALL_DEFINE4(name, t1, a1, t2, a2, t3, a3, t4, a4)                   \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4);                \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0], (t2)args[1], (t3)args[2], \
					      (t4)args[3]))                     \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4)
#define SYSCALL_DEFINE5(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5)           \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5);         \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0], (t2)args[1], (t3)args[2], \
					      (t4)args[3], (t5)args[4]))        \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5)
#define SYSCALL_DEFINE6(name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6)   \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6);  \
	__SYSCALL_ENTRY(name, __do_sys_##name((t1)args[0], (t2)args[1], (t3)args[2], \
					      (t4)args[3], (t5)args[4], (t6)args[5])) \
	static long __do_sys_##name(t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6)

/* Every entry point, declared from the list (for the table). */
#define SYSCALL(nr, name) long __x64_sys_##name(const unsigned long *args);
#include <kernel/syscall_list.h>
#undef SYSCALL

/* Call system call @nr with the six argument registers in @args. */
long syscall_dispatch(unsigned long nr, const unsigned long args[6]);

/*
 * End the current task with Linux wait status @status (exit code << 8, or a
 * signal number). Until processes exist this ends a kernel thread that ran
 * user code; the process issue turns it into the full exit (zombie, parent).
 */
__noreturn void do_exit(int status);

#endif
