/*
 * Overcommit: how much memory user space may promise itself
 * (mm/overcommit.c, docs/reclaim.md "Overcommit").
 */
#ifndef _MM_OVERCOMMIT_H
#define _MM_OVERCOMMIT_H

#include <kernel/types.h>

struct mm_struct;
struct seq_buf;

/* /proc/sys/vm/overcommit_memory: Linux's values. */
#define OVERCOMMIT_GUESS        0       /* refuse only the obviously impossible */
#define OVERCOMMIT_ALWAYS       1       /* never refuse */
#define OVERCOMMIT_NEVER        2       /* strict: Committed_AS stays below CommitLimit */

/* The policy now (a racy snapshot: a write may change it at any time). */
int overcommit_policy(void);

/* Swap pages that back commitments: the usable slots of every active
 * swap area (mm/swapfile.c). */
unsigned long total_swap_pages(void);

/* CommitLimit, in pages: (RAM * overcommit_ratio / 100 or
 * overcommit_kbytes) + swap. */
unsigned long vm_commit_limit(void);

/* Committed_AS, in pages. */
unsigned long vm_committed_pages(void);

/* Add or drop @pages of commitment without asking (for memory already
 * promised, e.g. a partial undo). Context: any. */
void vm_acct_memory(long pages);
void vm_unacct_memory(long pages);

/*
 * Commit @pages more for @mm (NULL: for no particular address space) if
 * the policy allows: 0 with the pages added to Committed_AS, or -ENOMEM
 * with nothing changed. Context: any; @mm's mmap_lock held if @mm.
 */
int vm_enough_memory(struct mm_struct *mm, long pages);

/* /proc/sys/vm files: show the value, or parse and set it (0 or -EINVAL). */
int overcommit_memory_show(struct seq_buf *m, int pid);
int overcommit_memory_store(const char *buf, size_t len);
int overcommit_ratio_show(struct seq_buf *m, int pid);
int overcommit_ratio_store(const char *buf, size_t len);
int overcommit_kbytes_show(struct seq_buf *m, int pid);
int overcommit_kbytes_store(const char *buf, size_t len);

/* Boot, after the page allocator: size the user reserve. */
void overcommit_init(void);

#endif
