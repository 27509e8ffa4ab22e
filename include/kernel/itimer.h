/*
 * Interval timers of a process (kernel/itimer.c): alarm, getitimer,
 * setitimer. ITIMER_REAL counts wall time and sends SIGALRM,
 * ITIMER_VIRTUAL the process's user time (SIGVTALRM), ITIMER_PROF its
 * user and system time (SIGPROF). They belong to the thread group
 * (struct signal_struct), are not inherited by fork and survive execve,
 * as on Linux. Resolution: the tick (HZ).
 */
#ifndef _KERNEL_ITIMER_H
#define _KERNEL_ITIMER_H

#include <kernel/list.h>
#include <kernel/types.h>

#define ITIMER_REAL     0
#define ITIMER_VIRTUAL  1
#define ITIMER_PROF     2

/* In struct signal_struct. All fields (itimer_lock). */
struct group_itimers {
	u64 real_expires;               /* monotonic ns; 0: disarmed */
	u64 real_interval;              /* ns; 0: one-shot */
	int real_tgid;                  /* whom SIGALRM goes to */
	struct list_head real_node;     /* on itimer_list while armed */
	u64 cpu_left[2];                /* VIRTUAL, PROF: ns still to run; 0: disarmed */
	u64 cpu_interval[2];
	bool cpu_armed;                 /* either CPU timer armed (read locklessly by the tick) */
};

struct signal_struct;
struct task_struct;

/* A new group's timers: all disarmed. */
void itimers_init(struct group_itimers *it);
/* The group is being freed: take its real timer off the list. */
void itimers_exit(struct group_itimers *it);
/* CPU 0's tick: send SIGALRM for every real timer that has expired.
 * Context: timer interrupt. */
void itimer_real_tick(void);
/* Every CPU's tick, for the task it interrupted (@user: in user mode).
 * Context: timer interrupt. */
void itimer_account_tick(struct task_struct *t, bool user);

#endif
