/*
 * System calls of the scheduler (kernel/sched.c): SYSCALL(nr, name) lines,
 * in number order (see syscall_list.h). sched_yield (24) is kernel/sys.c's.
 */
SYSCALL(203, sched_setaffinity)
SYSCALL(204, sched_getaffinity)
SYSCALL(309, getcpu)
