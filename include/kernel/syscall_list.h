/*
 * The system-call table: one line per implemented call, Linux x86-64
 * number and name (Linux's arch/x86/entry/syscalls/syscall_64.tbl). Each
 * name has a SYSCALL_DEFINEn(name, ...) somewhere in the kernel. This file
 * is included with SYSCALL(nr, name) defined as the includer needs.
 */
SYSCALL(9, mmap)
SYSCALL(10, mprotect)
SYSCALL(11, munmap)
SYSCALL(12, brk)
SYSCALL(26, msync)
SYSCALL(27, mincore)
SYSCALL(28, madvise)
SYSCALL(39, getpid)
SYSCALL(56, clone)
SYSCALL(57, fork)
SYSCALL(58, vfork)
SYSCALL(59, execve)
SYSCALL(60, exit)
SYSCALL(61, wait4)
SYSCALL(247, waitid)
SYSCALL(100, times)
SYSCALL(98, getrusage)
SYSCALL(158, arch_prctl)
SYSCALL(186, gettid)
SYSCALL(202, futex)
SYSCALL(218, set_tid_address)
SYSCALL(221, fadvise64)
SYSCALL(231, exit_group)
SYSCALL(273, set_robust_list)
SYSCALL(274, get_robust_list)

/* Lists kept by their subsystems. */
#include <kernel/syscall_list_fs.h>
#include <kernel/syscall_list_signal.h>
#include <kernel/syscall_list_sched.h>
#include <kernel/syscall_list_mm.h>
