/*
 * System calls of mm/mlock.c: SYSCALL(nr, name) lines, in number order
 * (see syscall_list.h).
 */
SYSCALL(149, mlock)
SYSCALL(150, munlock)
SYSCALL(151, mlockall)
SYSCALL(152, munlockall)
SYSCALL(167, swapon)
SYSCALL(168, swapoff)
SYSCALL(325, mlock2)
SYSCALL(25, mremap)
SYSCALL(29, shmget)
SYSCALL(30, shmat)
SYSCALL(31, shmctl)
SYSCALL(67, shmdt)
