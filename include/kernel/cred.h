/*
 * Credentials: who a task acts as. Linux's model, per thread (C library
 * set*id calls reach every thread of a process themselves, as musl and
 * glibc do on Linux): real, effective, saved and filesystem user and
 * group ids, and the supplementary groups.
 *
 * Capabilities are not kept as sets. A task has all of them while its
 * effective uid is 0 (CAP_SETUID, CAP_SETGID, CAP_SYS_*), and the
 * filesystem ones (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
 * CAP_FSETID, CAP_CHOWN) while its fsuid is 0: what Linux's rules give a
 * process that starts as root and changes ids without prctl or file
 * capabilities (they are dropped when the ids leave 0 and come back
 * with them). docs/permissions.md.
 *
 * Lock legend: (o) changed only by the task itself, in its own system
 * calls (fork copies the parent's, as the parent). Another task (a /proc
 * reader) may read an id with READ_ONCE: each is one aligned word, so it
 * sees the old value or the new one. The groups pointer is for the task
 * itself only: another reader would need a reference it cannot take
 * safely today.
 */
#ifndef _KERNEL_CRED_H
#define _KERNEL_CRED_H

#include <kernel/types.h>

#define NGROUPS_MAX 65536

/* A sorted list of supplementary group ids, shared by reference. */
struct group_info {
	int refcount;                   /* (atomic) */
	unsigned int ngroups;           /* (c) */
	u32 gid[];                      /* (c) ascending */
};

struct cred {
	u32 uid, euid, suid, fsuid;     /* (o) */
	u32 gid, egid, sgid, fsgid;     /* (o) */
	struct group_info *groups;      /* (o) referenced; NULL: no groups */
};

struct task_struct;

/* fork: the child's credentials are the parent's (a groups reference). */
void copy_creds(struct task_struct *p, const struct task_struct *me);
/* Drop a task's references (exit, or a child that never ran). */
void exit_creds(struct task_struct *t);

/* Does current hold the capabilities that override file permissions
 * (fsuid 0: CAP_DAC_*, CAP_FOWNER, CAP_FSETID, CAP_CHOWN), or the others,
 * which follow the effective uid (euid 0: CAP_SETUID, CAP_SETGID,
 * CAP_MKNOD, CAP_IPC_LOCK, ...)? */
bool capable_fs(void);
bool capable_root(void);
/* Is @gid current's fsgid or one of its supplementary groups? */
bool in_group_p(u32 gid);
u32 current_fsuid(void);
u32 current_fsgid(void);
/*
 * access(2) checks with the real ids: run @fn(@arg) with current's fsuid
 * and fsgid set to its uid and gid (Linux's override_creds), then put
 * them back. Returns fn's result.
 */
int with_real_ids(int (*fn)(void *arg), void *arg);
/* execve of a set-user-ID / set-group-ID file: the effective (and saved
 * and fs) ids become @uid / @gid. */
void cred_exec_setid(bool setuid, u32 uid, bool setgid, u32 gid);

#endif
