/*
 * System V shared memory: shmget, shmat, shmdt, shmctl (docs/tmpfs.md).
 *
 * Owns: the table of segments. A segment is an unlinked file of the
 * kernel's tmpfs (tmpfs_file_setup: the shmem object that
 * MAP_SHARED|MAP_ANONYMOUS uses, so its pages go to swap the same way),
 * named "SYSV<key>" as in Linux's /proc/PID/maps. shmat maps that file
 * MAP_SHARED through do_mmap; the VMA gets shm_vm_ops, whose ->open (fork,
 * split) and ->close (munmap, shmdt, exit) count the attachments
 * (shm_nattch). IPC_RMID takes the key away at once; the segment itself
 * goes when the last attachment does, as in Linux.
 *
 * Identifiers: slot + SHMMNI * sequence, the sequence bumped each time a
 * slot is reused, so a stale identifier is EINVAL rather than another
 * segment (Linux's ipc_buildid does the like).
 *
 * Not done: SHM_LOCK/SHM_UNLOCK only set the flags (the pages are not
 * pinned); IPC_INFO, SHM_INFO and SHM_STAT are EINVAL; the limits are
 * SHMMNI segments and the kernel tmpfs's size (half of RAM).
 *
 * Locks: shm_lock (mutex) protects the table and every segment's fields.
 * ->open and ->close run with mmap_lock held, and shmat calls do_mmap
 * (whose ->mmap takes shm_lock) with mmap_lock held, so the order is
 * mmap_lock -> shm_lock; shm_lock is never held across do_mmap, nor
 * while a segment's file is made (its inode's i_rwsem is taken above
 * mmap_lock by a faulting write) or put (fput).
 */
#include <kernel/cred.h>
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscalls.h>
#include <kernel/time.h>
#include <fs/fs.h>
#include <fs/tmpfs.h>
#include <mm/mm.h>
#include <mm/mm_types.h>
#include <mm/slab.h>
#include <asm/uaccess.h>

#define IPC_PRIVATE     0
#define IPC_CREAT       01000
#define IPC_EXCL        02000
#define IPC_RMID        0
#define IPC_SET         1
#define IPC_STAT        2
#define IPC_64          0x0100
#define SHM_RDONLY      010000
#define SHM_RND         020000
#define SHM_REMAP       040000
#define SHM_EXEC        0100000
#define SHM_LOCK        11
#define SHM_UNLOCK      12
#define SHM_DEST        01000           /* mode bits shown by IPC_STAT */
#define SHM_LOCKED      02000
#define SHMLBA          PAGE_SIZE
#define SHMMNI          4096
#define SHMMAX          (~0UL - (1UL << 24))    /* Linux's default */

struct shmid_kernel {
	int key;                        /* (shm_lock) IPC_PRIVATE once removed */
	unsigned int seq;               /* (shm_lock) */
	u32 uid, gid, cuid, cgid;       /* (shm_lock) */
	unsigned int mode;              /* (shm_lock) 0777 | SHM_DEST | SHM_LOCKED */
	size_t size;                    /* (c) */
	struct file *file;              /* (c) referenced */
	long atime, dtime, ctime;       /* (shm_lock) */
	int cpid, lpid;                 /* (shm_lock) */
	unsigned long nattch;           /* (shm_lock) VMAs that map it, and shmat in progress */
};

/* The user's struct shmid64_ds on x86-64 (Linux's layout; musl's too). */
struct shmid64_ds_user {
	int key;
	u32 uid, gid, cuid, cgid;
	u32 mode;
	u16 seq, pad2;
	u32 pad3;
	unsigned long unused1, unused2;
	size_t shm_segsz;
	long shm_atime, shm_dtime, shm_ctime;
	int shm_cpid, shm_lpid;
	unsigned long shm_nattch;
	unsigned long unused4, unused5;
};

static DEFINE_MUTEX(shm_lock);
static struct shmid_kernel *shm_segs[SHMMNI];   /* (shm_lock) */
static unsigned int shm_seq[SHMMNI];            /* (shm_lock) next sequence of each slot */

static long shm_now(void)
{
	return (long)current_time().tv_sec;
}

static int shm_id(const struct shmid_kernel *s, unsigned int slot)
{
	return (int)(slot + SHMMNI * (s->seq & 0x7ffff));
}

/* The segment @id, or NULL. Context: shm_lock held. */
static struct shmid_kernel *shm_find(int id)
{
	struct shmid_kernel *s;

	if (id < 0)
		return NULL;
	s = shm_segs[id % SHMMNI];
	return s && shm_id(s, (unsigned int)(id % SHMMNI)) == id ? s : NULL;
}

/* May current @want (4: read, 2: write) on @s? Root may always. */
static bool shm_may(const struct shmid_kernel *s, unsigned int want)
{
	u32 euid = current_fsuid();
	unsigned int granted;

	if (capable_fs())
		return true;
	if (euid == s->uid || euid == s->cuid)
		granted = s->mode >> 6;
	else if (in_group_p(s->gid) || in_group_p(s->cgid))
		granted = s->mode >> 3;
	else
		granted = s->mode;
	return (granted & want & 7) == want;
}

static bool shm_owner(const struct shmid_kernel *s)
{
	u32 euid = current_fsuid();

	return capable_root() || euid == s->uid || euid == s->cuid;
}

/* Take @s out of the table; the caller puts its file once shm_lock is
 * dropped and frees it. Context: shm_lock held, nattch 0. */
static void shm_unlink_locked(struct shmid_kernel *s)
{
	for (unsigned int i = 0; i < SHMMNI; i++) {
		if (shm_segs[i] == s) {
			shm_segs[i] = NULL;
			return;
		}
	}
}

static void shm_free(struct shmid_kernel *s)
{
	fput(s->file);
	kfree(s);
}

/* Drop an attachment; returns the segment if it must now be freed
 * (removed and unattached). Context: shm_lock held. */
static struct shmid_kernel *shm_detach_locked(struct shmid_kernel *s)
{
	s->nattch--;
	if (!s->nattch && (s->mode & SHM_DEST)) {
		shm_unlink_locked(s);
		return s;
	}
	return NULL;
}

/* ---- the VMA -------------------------------------------------------------------- */

static void shm_vma_open(struct vm_area_struct *vma)
{
	struct shmid_kernel *s = vma->vm_private_data;

	mutex_lock(&shm_lock);
	s->nattch++;
	s->atime = shm_now();
	s->lpid = current->tgid;
	mutex_unlock(&shm_lock);
}

static void shm_vma_close(struct vm_area_struct *vma)
{
	struct shmid_kernel *s = vma->vm_private_data, *dead;

	mutex_lock(&shm_lock);
	s->dtime = shm_now();
	s->lpid = current->tgid;
	dead = shm_detach_locked(s);
	mutex_unlock(&shm_lock);
	if (dead)
		shm_free(dead);         /* the VMA still holds the file: not the last fput */
}

static const struct vm_operations_struct shm_vm_ops = {
	.open = shm_vma_open,
	.close = shm_vma_close,
	.fault = tmpfs_fault,
	.name = "sysv-shm",
};

static int shm_mmap(struct file *file, struct vm_area_struct *vma)
{
	vma->vm_ops = &shm_vm_ops;
	vma->vm_private_data = file->private_data;
	shm_vma_open(vma);
	return 0;
}

static const struct file_operations shm_file_fops = {
	.mmap = shm_mmap,
};

/* ---- the system calls ----------------------------------------------------------- */

/* A new segment's file and record, made before shm_lock is taken: the
 * file's setup takes its inode's i_rwsem (vfs_truncate), which a write
 * holds while it faults (i_rwsem -> mmap_lock -> shm_lock). */
static struct shmid_kernel *shm_alloc(int key, size_t size, int shmflg)
{
	struct shmid_kernel *s = kzalloc(sizeof(*s), GFP_KERNEL);
	char name[16];

	if (!s)
		return ERR_PTR(-ENOMEM);
	snprintf(name, sizeof(name), "SYSV%08x", (unsigned int)key);
	s->file = tmpfs_file_setup(name, (loff_t)size, O_RDWR);
	if (IS_ERR(s->file)) {
		long err = PTR_ERR(s->file);

		kfree(s);
		return ERR_PTR(err);
	}
	s->file->f_op = &shm_file_fops;         /* before anyone else sees it */
	s->file->private_data = s;
	s->key = key;
	s->uid = s->cuid = current_fsuid();
	s->gid = s->cgid = current_fsgid();
	s->mode = (unsigned int)shmflg & 0777;
	s->size = size;
	s->ctime = shm_now();
	s->cpid = current->tgid;
	return s;
}

/* Put @s in a free slot. Returns its id or -ENOSPC. Context: shm_lock held. */
static long shm_insert_locked(struct shmid_kernel *s)
{
	unsigned int slot;

	for (slot = 0; slot < SHMMNI && shm_segs[slot]; slot++)
		;
	if (slot == SHMMNI)
		return -ENOSPC;
	s->seq = shm_seq[slot]++;
	shm_segs[slot] = s;
	return shm_id(s, slot);
}

SYSCALL_DEFINE3(shmget, int, key, size_t, size, int, shmflg)
{
	struct shmid_kernel *s = NULL, *new = NULL;
	bool may_create = key == IPC_PRIVATE || (shmflg & IPC_CREAT);
	unsigned int slot;
	long ret;

	/* A new segment is made first, in case the key is not found. */
	if (may_create && size >= 1 && size <= SHMMAX) {
		new = shm_alloc(key, size, shmflg);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}
	mutex_lock(&shm_lock);
	if (key != IPC_PRIVATE) {
		for (slot = 0; slot < SHMMNI; slot++) {
			s = shm_segs[slot];
			if (s && s->key == key)
				break;
			s = NULL;
		}
	}
	if (!s) {
		ret = !may_create ? -ENOENT : !new ? -EINVAL : shm_insert_locked(new);
		if (ret >= 0)
			new = NULL;             /* in the table now */
	} else if ((shmflg & IPC_CREAT) && (shmflg & IPC_EXCL)) {
		ret = -EEXIST;
	} else if (size > s->size) {
		ret = -EINVAL;
	} else if (!shm_may(s, (((unsigned int)shmflg >> 6) | ((unsigned int)shmflg >> 3) |
				(unsigned int)shmflg) & 7)) {
		/* Linux folds the owner, group and other bits asked for. */
		ret = -EACCES;
	} else {
		ret = shm_id(s, slot);
	}
	mutex_unlock(&shm_lock);
	if (new)
		shm_free(new);                  /* not needed after all */
	return ret;
}

SYSCALL_DEFINE3(shmat, int, shmid, unsigned long, shmaddr, int, shmflg)
{
	struct mm_struct *mm = current->mm;
	struct shmid_kernel *s, *dead;
	unsigned long prot = PROT_READ, flags = MAP_SHARED;
	struct vm_area_struct *vma;
	struct file *file;
	long addr;

	if (shmaddr & (SHMLBA - 1)) {
		if (!(shmflg & SHM_RND))
			return -EINVAL;
		shmaddr &= ~(SHMLBA - 1);
	}
	if (shmaddr) {
		flags |= MAP_FIXED;
	} else if (shmflg & SHM_REMAP) {
		return -EINVAL;
	}
	if (!(shmflg & SHM_RDONLY))
		prot |= PROT_WRITE;
	if (shmflg & SHM_EXEC)
		prot |= PROT_EXEC;
	mutex_lock(&shm_lock);
	s = shm_find(shmid);
	if (!s) {
		mutex_unlock(&shm_lock);
		return -EINVAL;
	}
	if (!shm_may(s, (shmflg & SHM_RDONLY) ? 4 : 6)) {
		mutex_unlock(&shm_lock);
		return -EACCES;
	}
	s->nattch++;                    /* keeps it across the mapping */
	file = get_file(s->file);
	mutex_unlock(&shm_lock);

	down_write(&mm->mmap_lock);
	addr = -EINVAL;
	/* Without SHM_REMAP an address already in use is refused. */
	vma = shmaddr && !(shmflg & SHM_REMAP) ? find_vma(mm, shmaddr) : NULL;
	if (!vma || vma->vm_start >= shmaddr + PAGE_ALIGN(s->size))
		addr = do_mmap(mm, file, shmaddr, s->size, prot, flags, 0);
	up_write(&mm->mmap_lock);

	mutex_lock(&shm_lock);
	dead = shm_detach_locked(s);
	mutex_unlock(&shm_lock);
	if (dead)
		shm_free(dead);
	fput(file);
	return addr;
}

SYSCALL_DEFINE1(shmdt, unsigned long, shmaddr)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct file *file = NULL;
	unsigned long end = 0;
	long ret = -EINVAL;

	if (shmaddr & (PAGE_SIZE - 1))
		return -EINVAL;
	down_write(&mm->mmap_lock);
	/* The attachment at @shmaddr: every VMA of its segment in the
	 * segment's range from there (mprotect may have split it). */
	for (vma = find_vma(mm, shmaddr); vma; ) {
		unsigned long start = vma->vm_start, vend = vma->vm_end;

		if (!file && vma->vm_ops == &shm_vm_ops &&
		    start - (vma->vm_pgoff << PAGE_SHIFT) == shmaddr) {
			struct shmid_kernel *s = vma->vm_private_data;

			file = vma->vm_file;
			end = shmaddr + PAGE_ALIGN(s->size);
		}
		if (file && start >= end)
			break;
		if (file && vma->vm_file == file && vma->vm_ops == &shm_vm_ops) {
			ret = do_munmap(mm, start, vend - start);
			if (ret)
				break;
		}
		vma = find_vma(mm, vend);
	}
	up_write(&mm->mmap_lock);
	return ret;
}

static void shm_fill_stat(const struct shmid_kernel *s, struct shmid64_ds_user *u)
{
	memset(u, 0, sizeof(*u));
	u->key = s->key;
	u->uid = s->uid;
	u->gid = s->gid;
	u->cuid = s->cuid;
	u->cgid = s->cgid;
	u->mode = s->mode;
	u->seq = (u16)s->seq;
	u->shm_segsz = s->size;
	u->shm_atime = s->atime;
	u->shm_dtime = s->dtime;
	u->shm_ctime = s->ctime;
	u->shm_cpid = s->cpid;
	u->shm_lpid = s->lpid;
	u->shm_nattch = s->nattch;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, void __user *, buf)
{
	struct shmid64_ds_user u;
	struct shmid_kernel *s, *dead = NULL;
	long ret = 0;

	cmd &= ~IPC_64;
	if (cmd != IPC_RMID && cmd != IPC_SET && cmd != IPC_STAT && cmd != SHM_LOCK &&
	    cmd != SHM_UNLOCK)
		return -EINVAL;
	if (cmd == IPC_SET && copy_from_user(&u, buf, sizeof(u)))
		return -EFAULT;
	mutex_lock(&shm_lock);
	s = shm_find(shmid);
	if (!s) {
		ret = -EINVAL;
	} else if (cmd == IPC_STAT) {
		if (!shm_may(s, 4))
			ret = -EACCES;
		else
			shm_fill_stat(s, &u);
	} else if (!shm_owner(s)) {
		ret = -EPERM;
	} else if (cmd == IPC_SET) {
		s->uid = u.uid;
		s->gid = u.gid;
		s->mode = (s->mode & ~0777u) | (u.mode & 0777);
		s->ctime = shm_now();
	} else if (cmd == IPC_RMID) {
		s->key = IPC_PRIVATE;
		s->mode |= SHM_DEST;
		if (!s->nattch) {
			shm_unlink_locked(s);
			dead = s;
		}
	} else if (cmd == SHM_LOCK) {
		s->mode |= SHM_LOCKED;
	} else {
		s->mode &= ~(unsigned int)SHM_LOCKED;
	}
	mutex_unlock(&shm_lock);
	if (dead)
		shm_free(dead);
	if (!ret && cmd == IPC_STAT && copy_to_user(buf, &u, sizeof(u)))
		ret = -EFAULT;
	return ret;
}
