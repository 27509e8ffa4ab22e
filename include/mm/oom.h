/*
 * The OOM killer (mm/oom_kill.c; docs/reclaim.md).
 *
 * When a page fault finds no memory even after reclaim (VM_FAULT_OOM),
 * the faulting task does not simply die: one process is chosen to die so
 * that the rest can go on, the one whose death frees the most (the
 * largest address space, Linux 2.6's badness; ties go to the youngest),
 * never init or a kernel thread. While an earlier victim is still exiting
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

#endif
