/*
 * mlock, mlock2, munlock, mlockall, munlockall: keeping a range of memory
 * resident.
 *
 * Owns: the VM_LOCKED and VM_LOCKONFAULT bits of VMAs (set and cleared
 * here through the mprotect-style split and merge of mm/mmap.c), each
 * mm's locked_vm count (the pages of its VM_LOCKED VMAs: VmLck, and what
 * RLIMIT_MEMLOCK limits) and def_flags (MCL_FUTURE: the lock bits every
 * new mapping gets, in do_mmap). mm/mmap.c keeps locked_vm right when a
 * locked VMA is mapped (MAP_LOCKED, MCL_FUTURE) or unmapped, and fork
 * drops the lock bits of the child's copies, as Linux does.
 *
 * What "locked" means: the pages of the range are faulted in now (unless
 * ONFAULT: then as they are touched), and reclaim never takes a page out
 * of a VM_LOCKED VMA (mm/vmscan.c: only pages that nothing maps are
 * reclaimed today; the rule is written down where mapped pages will be).
 * msync(MS_INVALIDATE) on a locked range is -EBUSY (mm/msync.c).
 *
 * Privilege: Linux lets a caller with CAP_IPC_LOCK lock without limit.
 * Every Faultline process is root (kernel/sys.c: getuid is 0, setuid to
 * anyone else is -EPERM), and Linux's root has CAP_IPC_LOCK, so
 * RLIMIT_MEMLOCK never refuses anything here, exactly as for root on
 * Linux; the checks are written in Linux's order so that they bite the
 * day Faultline has unprivileged users.
 *
 * Errors follow Linux: -EINVAL for bad flags or a range that wraps,
 * -ENOMEM for a range with unmapped parts (the VMAs before the hole stay
 * changed) or over the limit, -EAGAIN when populating runs out of memory,
 * -EPERM for a zero limit without the capability.
 *
 * Locks: every change holds mm->mmap_lock for writing; populating faults
 * the pages in with it still held, as MAP_POPULATE does (handle_mm_fault
 * takes the page-table lock and page locks below it).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <mm/mm.h>

#define MLOCK_ONFAULT   0x01            /* mlock2 */
#define MCL_CURRENT     1
#define MCL_FUTURE      2
#define MCL_ONFAULT     4

/* CAP_IPC_LOCK: every process is root, and root has it (see the top). */
static bool capable_ipc_lock(void)
{
	return true;
}

static unsigned long memlock_limit_pages(void)
{
	unsigned long lim = task_rlimit(current, RLIMIT_MEMLOCK);

	return lim == RLIM_INFINITY ? ~0UL : lim >> PAGE_SHIFT;
}

bool can_do_mlock(void)
{
	return task_rlimit(current, RLIMIT_MEMLOCK) != 0 || capable_ipc_lock();
}

bool mlock_future_ok(struct mm_struct *mm, unsigned long vm_flags, unsigned long len)
{
	if (!(vm_flags & VM_LOCKED) || capable_ipc_lock())
		return true;
	return mm->locked_vm + (len >> PAGE_SHIFT) <= memlock_limit_pages();
}

/*
 * Give [start, end) of @vma the lock bits @newflags, splitting and merging
 * as mprotect does, and count the change in locked_vm. Device mappings
 * (raw frames, driver-inserted pages) are left as they are and not
 * counted, as Linux leaves VM_SPECIAL ones. Returns 0 or -ENOMEM.
 * Context: mmap_lock held for write.
 */
static int mlock_fixup(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, unsigned long newflags)
{
	unsigned long oldflags = vma->vm_flags;
	long nr_pages = (long)((end - start) >> PAGE_SHIFT);
	int err;

	if (newflags == oldflags || (oldflags & (VM_PFNMAP | VM_MIXEDMAP)))
		return 0;
	if (start > vma->vm_start) {
		err = split_vma(mm, vma, start, true);
		if (err)
			return err;
	}
	if (end < vma->vm_end) {
		err = split_vma(mm, vma, end, false);
		if (err)
			return err;
	}
	/* Only the lock bits change: the PTEs' protection stays. */
	vma->vm_flags = newflags;
	if (!(newflags & VM_LOCKED))
		mm->locked_vm -= nr_pages;
	else if (!(oldflags & VM_LOCKED))
		mm->locked_vm += nr_pages;
	vma_merge_neighbours(mm, vma);
	return 0;
}

/*
 * Set the lock bits of every VMA in [start, start + len) to @flags (0:
 * unlock). Linux's apply_vma_lock_flags: -EINVAL if the range wraps,
 * -ENOMEM at the first hole (what came before it stays changed).
 * Context: mmap_lock held for write.
 */
static int apply_vma_lock_flags(struct mm_struct *mm, unsigned long start, unsigned long len,
				unsigned long flags)
{
	unsigned long end = start + len, cur = start;
	struct vm_area_struct *vma;

	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	while (cur < end) {
		unsigned long part_end = min(end, vma->vm_end);
		int err = mlock_fixup(mm, vma, cur, part_end,
				      (vma->vm_flags & ~VM_LOCKED_MASK) | flags);

		if (err)
			return err;
		cur = part_end;
		if (cur >= end)
			break;
		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start > cur)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Fault in the pages of the locked VMAs in [start, end), Linux's
 * __mm_populate for mlock: ONFAULT VMAs, PROT_NONE ones and device
 * mappings are skipped; a page that cannot be had is -ENOMEM (Linux's
 * EFAULT turned to ENOMEM for mlock), running out of memory -EAGAIN.
 * With @ignore_errors (mlockall) every VMA is tried and 0 returned.
 * Context: mmap_lock held for write.
 */
static int mlock_populate(struct mm_struct *mm, unsigned long start, unsigned long end,
			  bool ignore_errors)
{
	unsigned long addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		unsigned int fault_flags = 0;

		if (!vma || vma->vm_start >= end)
			break;
		addr = max(addr, vma->vm_start);
		if ((vma->vm_flags & VM_LOCKED_MASK) != VM_LOCKED ||
		    !(vma->vm_flags & VM_ACCESS_FLAGS) ||
		    (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))) {
			addr = vma->vm_end;
			continue;
		}
		/* Private writable pages are written, so COW is broken now and
		 * the page that stays is the process's own (Linux's FOLL_WRITE). */
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			fault_flags = FAULT_FLAG_WRITE;
		for (; addr < min(end, vma->vm_end); addr += PAGE_SIZE) {
			vm_fault_t ret;

			do
				ret = handle_mm_fault(vma, addr, fault_flags);
			while (ret & VM_FAULT_RETRY);
			if (!(ret & VM_FAULT_ERROR))
				continue;
			if (ignore_errors) {
				addr = vma->vm_end;     /* on with the next VMA */
				break;
			}
			return (ret & VM_FAULT_OOM) ? -EAGAIN : -ENOMEM;
		}
	}
	return 0;
}

/* mlock and mlock2: Linux's do_mlock, with its order of checks. */
static long do_mlock(unsigned long start, size_t len, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	unsigned long limit = memlock_limit_pages(), locked;
	long err;

	if (!can_do_mlock())
		return -EPERM;
	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));   /* may wrap to 0: nothing */
	start &= PAGE_MASK;
	down_write(&mm->mmap_lock);
	locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	if (locked > limit && !capable_ipc_lock()) {
		/* Pages already locked in the range do not count twice. */
		for (struct vm_area_struct *v = find_vma(mm, start);
		     v && v->vm_start < start + len; v = vma_next(v))
			if (v->vm_flags & VM_LOCKED)
				locked -= (min(start + len, v->vm_end) -
					   max(start, v->vm_start)) >> PAGE_SHIFT;
	}
	if (locked <= limit || capable_ipc_lock())
		err = apply_vma_lock_flags(mm, start, len, flags);
	else
		err = -ENOMEM;
	if (!err)
		err = mlock_populate(mm, start, start + len, false);
	up_write(&mm->mmap_lock);
	return err;
}

SYSCALL_DEFINE2(mlock, unsigned long, start, size_t, len)
{
	return do_mlock(start, len, VM_LOCKED);
}

SYSCALL_DEFINE3(mlock2, unsigned long, start, size_t, len, int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(start, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

SYSCALL_DEFINE2(munlock, unsigned long, start, size_t, len)
{
	struct mm_struct *mm = current->mm;
	long err;

	len = PAGE_ALIGN(len + (start & ~PAGE_MASK));
	start &= PAGE_MASK;
	down_write(&mm->mmap_lock);
	err = apply_vma_lock_flags(mm, start, len, 0);
	up_write(&mm->mmap_lock);
	return err;
}

/*
 * The lock bits MCL_* flags give (0: unlock everything), to every VMA
 * (MCL_CURRENT) and/or to the mappings to come (MCL_FUTURE). A VMA that
 * cannot be split keeps its old bits, as on Linux (errors are ignored).
 * Context: mmap_lock held for write.
 */
static void apply_mlockall_flags(struct mm_struct *mm, int flags)
{
	unsigned long to_add = 0;
	struct vm_area_struct *vma, *next;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
		if (!(flags & MCL_CURRENT))
			return;
	}
	if (flags & MCL_CURRENT)
		to_add = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	for (vma = find_vma(mm, 0); vma; vma = next) {
		unsigned long end = vma->vm_end;

		mlock_fixup(mm, vma, vma->vm_start, end, (vma->vm_flags & ~VM_LOCKED_MASK) | to_add);
		/* The fixup may have merged vma away: go on from its end. */
		next = find_vma(mm, end);
	}
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	struct mm_struct *mm = current->mm;
	long err = -ENOMEM;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!can_do_mlock())
		return -EPERM;
	down_write(&mm->mmap_lock);
	if (!(flags & MCL_CURRENT) || mm->total_vm <= memlock_limit_pages() ||
	    capable_ipc_lock()) {
		apply_mlockall_flags(mm, flags);
		err = 0;
	}
	if (!err && (flags & MCL_CURRENT))
		mlock_populate(mm, 0, USER_TOP, true);
	up_write(&mm->mmap_lock);
	return err;
}

SYSCALL_DEFINE0(munlockall)
{
	struct mm_struct *mm = current->mm;

	down_write(&mm->mmap_lock);
	apply_mlockall_flags(mm, 0);
	up_write(&mm->mmap_lock);
	return 0;
}
