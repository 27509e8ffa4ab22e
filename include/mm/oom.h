/*
 * The OOM killer (mm/oom_kill.c; docs/reclaim.md).
 *
 * When a page fault finds no memory even after reclaim (VM_FAULT_OOM),
 * the faulting task does not simply die: one process is chosen to die so
 * that the rest can go on, the one whose death frees the most (Linux's
 * badness: resident pages + swap entries + page-table pages, moved by
 * /proc/PID/oom_score_adj; ties go to the youngest), never init, a kernel
 * thread or a process whose oom_score_adj is -1000. While an earlier victim is still exiting
 * no other is chosen. System calls whose allocations fail return ENOMEM
 * instead; they never kill.
 */
#ifndef _MM_OOM_H
#define _MM_OOM_H

#include <kernel/types.h>

/*
 * A fault of the current task got VM_FAULT_OOM: choose a victim and send
 * it SIGKILL (perhaps the current task itself), or wait for the last
 * victim to exit. The caller then retries the faulting access; if the
 * caller was chosen, it dies on its way back to user mode instead.
 * Context: may sleep; no lock held (the fault path dropped mmap_lock).
 */
void pagefault_out_of_memory(void);

#define OOM_SCORE_ADJ_MIN       (-1000)
#define OOM_SCORE_ADJ_MAX       1000
/* oom_badness() of a process that is never chosen (Linux's LONG_MIN). */
#define OOM_BADNESS_NEVER       (-__LONG_MAX__ - 1)

/* RAM plus swap, in pages: the whole that oom_score_adj is thousandths of. */
unsigned long oom_totalpages(void);

/* The badness of process @pid (any of its threads) against @totalpages,
 * or OOM_BADNESS_NEVER if it is never chosen (gone, init, a kernel thread,
 * oom_score_adj -1000). Context: takes tasklist_lock. */
long oom_badness(int pid, unsigned long totalpages);

#endif
