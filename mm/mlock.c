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
 * of a VM_LOCKED VMA (mm/vmscan.c keeps a PG_mlocked page, and its
 * reverse-map walks in mm/rmap.c stop at a VM_LOCKED VMA and set the
 * flag again).
 * msync(MS_INVALIDATE) on a locked range is -EBUSY (mm/msync.c), and
 * MADV_DONTNEED -EINVAL (mm/mmap.c).
 *
 * Each page mapped by a locked VMA carries PG_mlocked (counted in
 * nr_mlock: /proc/meminfo's Mlocked), set by the fault that maps it or
 * when its VMA is locked, cleared when the last locked VMA that maps it
 * lets go (asked of the file's i_mmap for a file page) or when it is
 * freed. docs/reclaim.md, "mlock", says where the count is approximate.
 *
 * Privilege: Linux lets a caller with CAP_IPC_LOCK lock without limit.
 * A task has it while its effective uid is 0 (include/kernel/cred.h), so
 * RLIMIT_MEMLOCK refuses nothing to root, and bites once a process has
 * changed to another user.
 *
 * Errors follow Linux: -EINVAL for bad flags or a range that wraps,
 * -ENOMEM for a range with unmapped parts (the VMAs before the hole stay
 * changed) or over the limit, -EAGAIN when populating runs out of memory,
 * -EPERM for a zero limit without the capability.
 *
 * Locks: every change holds mm->mmap_lock for writing; populating faults
 * the pages in with it still held, as MAP_POPULATE does (handle_mm_fault
 * takes the page-table lock and page locks below it). PG_mlocked and
 * nr_mlock are atomic; munlock's recheck takes the page lock, then the
 * file's i_mmap_lock, then each mm's page_table_lock in turn, the order
 * of page_mkclean (docs/locking.md).
 */
#include <kernel/cred.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/syscalls.h>
#include <mm/mm.h>
#include <mm/filemap.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>

#define MLOCK_ONFAULT   0x01            /* mlock2 */
#define MCL_CURRENT     1
#define MCL_FUTURE      2
#define MCL_ONFAULT     4

/* CAP_IPC_LOCK: effective uid 0 (see the top). */
static bool capable_ipc_lock(void)
{
	return capable_root();
}

static unsigned long memlock_limit_pages(void)
{
	unsigned long lim = task_rlimit(current, RLIMIT_MEMLOCK);

	return lim == RLIM_INFINITY ? ~0UL : lim >> PAGE_SHIFT;
}

/* ---- PG_mlocked: which pages a lock holds ---------------------------------- */

static unsigned long nr_mlock;          /* (a) pages with PG_mlocked set */

unsigned long nr_mlocked_pages(void)
{
	return __atomic_load_n(&nr_mlock, __ATOMIC_RELAXED);
}

void mlock_page(struct page *page)
{
	if (!test_and_set_page_flag(page, PG_mlocked))
		__atomic_fetch_add(&nr_mlock, 1, __ATOMIC_RELAXED);
}

/* Clear PG_mlocked; true if it was set. */
static bool munlock_page(struct page *page)
{
	if (!test_and_clear_page_flag(page, PG_mlocked))
		return false;
	__atomic_fetch_sub(&nr_mlock, 1, __ATOMIC_RELAXED);
	return true;
}

void mlock_page_freed(struct page *page)
{
	munlock_page(page);
}

/*
 * The page @mm maps at @addr, referenced, or NULL: nothing mapped, the
 * zero page, or (*@no_table) no page table there at all, so the caller
 * may skip to the next one. Context: takes page_table_lock.
 */
static struct page *page_mapped_at(struct mm_struct *mm, unsigned long addr, bool *no_table)
{
	struct page *page = NULL;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	*no_table = !ptep;
	if (ptep) {
		pte = ptep_get(ptep);
		if (pte_has_frame(pte)) {              /* not none, not a swap entry */
			page = pfn_to_page(pte_pfn(pte));
			if (is_zero_page(page))
				page = NULL;
			else
				get_page(page);
		}
	}
	spin_unlock(&mm->page_table_lock);
	return page;
}

void mlock_vma_page_at(struct vm_area_struct *vma, unsigned long addr)
{
	struct page *page;
	bool no_table;

	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		return;
	page = page_mapped_at(vma->vm_mm, addr & PAGE_MASK, &no_table);
	if (page) {
		mlock_page(page);
		put_page(page);         /* the PTE keeps its own reference */
	}
}

/*
 * @page lost its PG_mlocked with @except's lock: set it again if another
 * VM_LOCKED VMA maps it. For a file page the file's i_mmap finds every
 * VMA that can map it (Linux's try_to_munlock). Anonymous and shmem pages
 * are not rechecked here: such a page shared by two locked VMAs (after
 * fork, a child that locks again) is uncounted until it faults again or
 * reclaim's walk (page_referenced, try_to_unmap) meets the other lock.
 * Context: may sleep (page lock); takes i_mmap_lock, then page_table_lock
 * (page lock -> i_mmap_lock -> page_table_lock, as page_mkclean).
 */
static void mlock_if_locked_elsewhere(struct page *page, struct vm_area_struct *except)
{
	struct address_space *m;
	struct vm_area_struct *v;

	lock_page(page);
	m = page->mapping;
	if (m) {
		spin_lock(&m->i_mmap_lock);
		for_each_vma_in_range(v, m, page->index, page->index) {
			unsigned long addr = v->vm_start + ((page->index - v->vm_pgoff) << PAGE_SHIFT);
			struct page *there;
			bool no_table;

			if (v == except || !(v->vm_flags & VM_LOCKED))
				continue;
			there = page_mapped_at(v->vm_mm, addr, &no_table);
			if (there)
				put_page(there);
			if (there == page) {
				mlock_page(page);
				break;
			}
		}
		spin_unlock(&m->i_mmap_lock);
	}
	unlock_page(page);
}

/* Mark the pages @vma already maps in [start, end) (a VMA just locked;
 * the rest are marked as populate or later faults bring them). */
static void mlock_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		bool no_table;
		struct page *page = page_mapped_at(vma->vm_mm, addr, &no_table);

		if (page) {
			mlock_page(page);
			put_page(page);
		} else if (no_table) {
			addr = ALIGN_UP(addr + 1, PMD_SIZE) - PAGE_SIZE;
			if (addr + PAGE_SIZE == 0)
				break;
		}
	}
}

void munlock_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		bool no_table;
		struct page *page = page_mapped_at(vma->vm_mm, addr, &no_table);

		if (page) {
			if (munlock_page(page))
				mlock_if_locked_elsewhere(page, vma);
			put_page(page);
		} else if (no_table) {
			addr = ALIGN_UP(addr + 1, PMD_SIZE) - PAGE_SIZE;
			if (addr + PAGE_SIZE == 0)
				break;
		}
	}
}

/* ---- the lock bits of VMAs -------------------------------------------------- */

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
	err = vma_isolate_range(mm, vma, start, end);
	if (err)
		return err;
	/* Only the lock bits change: the PTEs' protection stays. */
	vma->vm_flags = newflags;
	if (!(newflags & VM_LOCKED)) {
		mm->locked_vm -= nr_pages;
		munlock_vma_range(vma, start, end);
	} else if (!(oldflags & VM_LOCKED)) {
		mm->locked_vm += nr_pages;
		mlock_vma_range(vma, start, end);
	}
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
