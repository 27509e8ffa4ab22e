/*
 * Fast user-space mutexes: the kernel half (kernel/futex.c; docs/futex.md).
 *
 * A futex is a 32-bit word of user memory. User space does the
 * uncontended work with atomic instructions; the kernel only queues a
 * task that must wait for the word to change (FUTEX_WAIT) and wakes it
 * (FUTEX_WAKE). Waiters are found by a key naming the word: (mm, address)
 * for a private futex, (inode or shmem object, page, offset) for one in
 * shared memory, so two processes mapping one file meet on one key.
 */
#ifndef _KERNEL_FUTEX_H
#define _KERNEL_FUTEX_H

#include <kernel/types.h>

struct task_struct;

/* futex(2) operations and flags (Linux's values). */
#define FUTEX_WAIT              0
#define FUTEX_WAKE              1
#define FUTEX_FD                2
#define FUTEX_REQUEUE           3
#define FUTEX_CMP_REQUEUE       4
#define FUTEX_WAKE_OP           5
#define FUTEX_LOCK_PI           6
#define FUTEX_UNLOCK_PI         7
#define FUTEX_TRYLOCK_PI        8
#define FUTEX_WAIT_BITSET       9
#define FUTEX_WAKE_BITSET       10
#define FUTEX_PRIVATE_FLAG      128
#define FUTEX_CLOCK_REALTIME    256
#define FUTEX_CMD_MASK          (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))
#define FUTEX_BITSET_MATCH_ANY  0xffffffffU

/* The robust-futex word: owner tid, and two flag bits. */
#define FUTEX_WAITERS           0x80000000U
#define FUTEX_OWNER_DIED        0x40000000U
#define FUTEX_TID_MASK          0x3fffffffU

/* Boot: the hash buckets. Before the first user task. */
void futex_init(void);

/* Wake up to @nr waiters on the word at user address @uaddr of current,
 * keyed as a shared futex (which also finds a private-mapping word's
 * shared waiters): CLONE_CHILD_CLEARTID and robust-list cleanup. Returns
 * the number woken or -errno. Context: may sleep. */
long futex_wake_shared_any(unsigned long uaddr, int nr);

/* Exit (and execve): release the robust futexes @me still holds, per
 * set_robust_list: each gets FUTEX_OWNER_DIED and one waiter is woken.
 * Context: @me is current, with its mm; may sleep. */
void exit_robust_list(struct task_struct *me);

#endif
