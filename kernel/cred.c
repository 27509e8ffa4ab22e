/*
 * Credentials (include/kernel/cred.h): the uid and gid calls with
 * Linux's rules, the supplementary groups, and the helpers permission
 * checks use.
 *
 * The rules, for a caller without the capability (euid != 0):
 *   - setuid(u): u must be the real or saved uid; only the effective
 *     (and fs) uid changes. With it: all four become u.
 *   - setreuid(r, e): r must be the real or effective uid, e the real,
 *     effective or saved one; the saved uid becomes the new effective
 *     uid when r is set or e differs from the old real uid.
 *   - setresuid(r, e, s): each must be one of the three current ids.
 *   - setfsuid(f): f must be one of the real, effective, saved or fs
 *     uids; it returns the old fsuid whatever happens.
 *   - setgroups needs the capability (EPERM); -1 leaves an id unchanged.
 * Every change of the effective id sets the fs id to it. The gid calls
 * are the same with gids (and CAP_SETGID, which is euid 0 here too).
 *
 * Locks: none. A task changes only its own credentials, and nobody else
 * reads them (cred.h, (o)); a groups list is immutable and shared by an
 * atomic reference count.
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define INVALID_ID ((u32)-1)

/* ---- references and helpers -------------------------------------------------- */

static void get_group_info(struct group_info *gi)
{
	if (gi)
		__atomic_add_fetch(&gi->refcount, 1, __ATOMIC_RELAXED);
}

static void put_group_info(struct group_info *gi)
{
	if (gi && __atomic_sub_fetch(&gi->refcount, 1, __ATOMIC_ACQ_REL) == 0)
		kfree(gi);
}

void copy_creds(struct task_struct *p, const struct task_struct *me)
{
	p->cred = me->cred;
	get_group_info(p->cred.groups);
}

void exit_creds(struct task_struct *t)
{
	put_group_info(t->cred.groups);
	t->cred.groups = NULL;
}

bool capable_fs(void)
{
	return current->cred.fsuid == 0;
}

bool capable_root(void)
{
	return current->cred.euid == 0;
}

u32 current_fsuid(void)
{
	return current->cred.fsuid;
}

u32 current_fsgid(void)
{
	return current->cred.fsgid;
}

bool in_group_p(u32 gid)
{
	const struct group_info *gi = current->cred.groups;
	unsigned int lo = 0, hi = gi ? gi->ngroups : 0;

	if (gid == current->cred.fsgid)
		return true;
	while (lo < hi) {                       /* the list is sorted */
		unsigned int mid = lo + (hi - lo) / 2;

		if (gi->gid[mid] == gid)
			return true;
		if (gi->gid[mid] < gid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int with_real_ids(int (*fn)(void *arg), void *arg)
{
	struct cred *c = &current->cred;
	u32 fsuid = c->fsuid, fsgid = c->fsgid;
	int ret;

	c->fsuid = c->uid;
	c->fsgid = c->gid;
	ret = fn(arg);
	c->fsuid = fsuid;
	c->fsgid = fsgid;
	return ret;
}

void cred_exec_setid(bool setuid, u32 uid, bool setgid, u32 gid)
{
	struct cred *c = &current->cred;

	if (setuid)
		c->euid = c->fsuid = uid;
	if (setgid)
		c->egid = c->fsgid = gid;
	/* execve keeps the saved ids equal to the effective ones */
	c->suid = c->euid;
	c->sgid = c->egid;
}

/* ---- one set of ids: uids or gids --------------------------------------------- */

/* The four ids of one kind, so that each rule is written once. */
struct idset {
	u32 *r, *e, *s, *fs;
};

static struct idset uids(void)
{
	struct cred *c = &current->cred;

	return (struct idset){ &c->uid, &c->euid, &c->suid, &c->fsuid };
}

static struct idset gids(void)
{
	struct cred *c = &current->cred;

	return (struct idset){ &c->gid, &c->egid, &c->sgid, &c->fsgid };
}

static bool is_one_of3(struct idset ids, u32 id)
{
	return id == *ids.r || id == *ids.e || id == *ids.s;
}

static long do_setid(struct idset ids, u32 id)
{
	if (id == INVALID_ID)
		return -EINVAL;
	if (capable_root()) {
		*ids.r = *ids.e = *ids.s = *ids.fs = id;
		return 0;
	}
	if (id != *ids.r && id != *ids.s)
		return -EPERM;
	*ids.e = *ids.fs = id;
	return 0;
}

static long do_setreid(struct idset ids, u32 r, u32 e)
{
	u32 old_r = *ids.r;

	if (!capable_root()) {
		if (r != INVALID_ID && r != *ids.r && r != *ids.e)
			return -EPERM;
		if (e != INVALID_ID && !is_one_of3(ids, e))
			return -EPERM;
	}
	if (r != INVALID_ID)
		*ids.r = r;
	if (e != INVALID_ID)
		*ids.e = e;
	if (r != INVALID_ID || (e != INVALID_ID && e != old_r))
		*ids.s = *ids.e;
	*ids.fs = *ids.e;
	return 0;
}

static long do_setresid(struct idset ids, u32 r, u32 e, u32 s)
{
	if (!capable_root() && ((r != INVALID_ID && !is_one_of3(ids, r)) ||
				 (e != INVALID_ID && !is_one_of3(ids, e)) ||
				 (s != INVALID_ID && !is_one_of3(ids, s))))
		return -EPERM;
	if (r != INVALID_ID)
		*ids.r = r;
	if (e != INVALID_ID)
		*ids.e = e;
	if (s != INVALID_ID)
		*ids.s = s;
	*ids.fs = *ids.e;
	return 0;
}

static long do_getresid(struct idset ids, u32 __user *r, u32 __user *e, u32 __user *s)
{
	if (copy_to_user(r, ids.r, 4) || copy_to_user(e, ids.e, 4) || copy_to_user(s, ids.s, 4))
		return -EFAULT;
	return 0;
}

/* setfsuid/setfsgid return the old value, and report no error at all. */
static long do_setfsid(struct idset ids, u32 id)
{
	u32 old = *ids.fs;

	if (id != INVALID_ID && (capable_root() || is_one_of3(ids, id) || id == *ids.fs))
		*ids.fs = id;
	return old;
}

SYSCALL_DEFINE0(getuid) { return current->cred.uid; }
SYSCALL_DEFINE0(getgid) { return current->cred.gid; }
SYSCALL_DEFINE0(geteuid) { return current->cred.euid; }
SYSCALL_DEFINE0(getegid) { return current->cred.egid; }
SYSCALL_DEFINE1(setuid, u32, uid) { return do_setid(uids(), uid); }
SYSCALL_DEFINE1(setgid, u32, gid) { return do_setid(gids(), gid); }
SYSCALL_DEFINE2(setreuid, u32, r, u32, e) { return do_setreid(uids(), r, e); }
SYSCALL_DEFINE2(setregid, u32, r, u32, e) { return do_setreid(gids(), r, e); }
SYSCALL_DEFINE3(setresuid, u32, r, u32, e, u32, s) { return do_setresid(uids(), r, e, s); }
SYSCALL_DEFINE3(setresgid, u32, r, u32, e, u32, s) { return do_setresid(gids(), r, e, s); }
SYSCALL_DEFINE1(setfsuid, u32, id) { return do_setfsid(uids(), id); }
SYSCALL_DEFINE1(setfsgid, u32, id) { return do_setfsid(gids(), id); }

SYSCALL_DEFINE3(getresuid, u32 __user *, r, u32 __user *, e, u32 __user *, s)
{
	return do_getresid(uids(), r, e, s);
}

SYSCALL_DEFINE3(getresgid, u32 __user *, r, u32 __user *, e, u32 __user *, s)
{
	return do_getresid(gids(), r, e, s);
}

/* ---- supplementary groups ------------------------------------------------------- */

/* getgroups(0, ...) gives the count; a smaller list than the count is EINVAL. */
SYSCALL_DEFINE2(getgroups, int, size, u32 __user *, list)
{
	const struct group_info *gi = current->cred.groups;
	unsigned int n = gi ? gi->ngroups : 0;

	if (size < 0)
		return -EINVAL;
	if (!size)
		return n;
	if ((unsigned int)size < n)
		return -EINVAL;
	if (n && copy_to_user(list, gi->gid, n * sizeof(u32)))
		return -EFAULT;
	return n;
}

static void sort_gids(u32 *gid, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {  /* insertion sort: lists are short */
		u32 v = gid[i];
		unsigned int j = i;

		for (; j > 0 && gid[j - 1] > v; j--)
			gid[j] = gid[j - 1];
		gid[j] = v;
	}
}

SYSCALL_DEFINE2(setgroups, int, size, const u32 __user *, list)
{
	struct group_info *gi = NULL;

	if (!capable_root())
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size) {
		gi = kmalloc(sizeof(*gi) + (size_t)size * sizeof(u32), GFP_KERNEL);
		if (!gi)
			return -ENOMEM;
		gi->refcount = 1;
		gi->ngroups = (unsigned int)size;
		if (copy_from_user(gi->gid, list, (size_t)size * sizeof(u32))) {
			kfree(gi);
			return -EFAULT;
		}
		sort_gids(gi->gid, gi->ngroups);
	}
	put_group_info(current->cred.groups);
	current->cred.groups = gi;
	return 0;
}
