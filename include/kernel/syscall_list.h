/*
 * The system-call table: one line per implemented call, Linux x86-64
 * number and name (Linux's arch/x86/entry/syscalls/syscall_64.tbl). Each
 * name has a SYSCALL_DEFINEn(name, ...) somewhere in the kernel. This file
 * is included with SYSCALL(nr, name) defined as the includer needs.
 */
SYSCALL(39, getpid)
SYSCALL(60, exit)
SYSCALL(186, gettid)
SYSCALL(231, exit_group)
