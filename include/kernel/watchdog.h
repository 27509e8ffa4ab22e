/*
 * Hang diagnostics, as Linux gives them (docs/hang-diagnostics.md):
 *
 *   the hung-task detector (kernel/hung_task.c): a kernel thread,
 *   khungtaskd, looks for tasks asleep in TASK_UNINTERRUPTIBLE that have
 *   not run for hung_task_timeout_secs, and prints each one's name, state
 *   and backtrace. A lost wake-up or a lock that is never released shows
 *   up here instead of as a silent hang.
 *
 *   the soft-lockup watchdog (kernel/watchdog.c): the timer interrupt
 *   notices a CPU that has stayed in the kernel, without scheduling,
 *   idling or returning to user mode, for 2 * watchdog_thresh seconds,
 *   and prints where it is (registers and backtrace).
 *
 * Command line: hung_task_timeout_secs=N (0 turns the detector off),
 * watchdog_thresh=N (0 turns the watchdog off).
 */
#ifndef _KERNEL_WATCHDOG_H
#define _KERNEL_WATCHDOG_H

#include <kernel/time.h>
#include <kernel/types.h>
#include <asm/percpu.h>

struct pt_regs;

/* Defaults: Linux's watchdog_thresh (10 s, so a lockup is reported after
 * 20 s) and a hung-task timeout shorter than Linux's 120 s, because a
 * student waiting at a frozen prompt should not wait two minutes. */
#define DEFAULT_HUNG_TASK_TIMEOUT_SECS  30
#define DEFAULT_WATCHDOG_THRESH         10

/* Read the switches and start khungtaskd. Context: task, after sched_init. */
void hung_task_init(void);
/* Read watchdog_thresh. Context: boot, before interrupts matter. */
void softlockup_init(void);

/* This CPU made progress: it scheduled, idled or runs user code.
 * Context: any (a plain per-CPU store). */
static inline void touch_softlockup_watchdog(void)
{
	this_cpu_write(softlockup_touch, jiffies);
}

/* Soft-lockup reports printed since boot (atomic; the demo ktest waits
 * for one). */
extern unsigned long softlockup_reports;

/* The timer interrupt's check, with the interrupted registers. */
void softlockup_tick(struct pt_regs *regs);

#endif
