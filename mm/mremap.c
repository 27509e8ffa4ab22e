/*
 * mremap: grow, shrink or move a mapping, keeping its pages.
 *
 * Owns nothing; it works on the VMAs and page tables mm/mmap.c and
 * mm/memory.c own, with their locks:
 *  - shrinking is munmap of the tail;
 *  - growing in place moves the VMA's end over free space (its key in the
 *    file's i_mmap changes, so it leaves the tree and comes back under
 *    i_mmap_lock, and under its anon_vma's lock, as a merge does);
 *  - moving makes a new VMA at the destination, with the same file
 *    offsets (vm_pgoff) and the same anon_vma, so every page's reverse-map
 *    index stays right; then moves the PTEs (present ones and swap
 *    entries alike) from the old tables to the new, and drops the old VMA
 *    without touching the pages.
 * While PTEs move, i_mmap_lock and the anon_vma's lock are held (Linux's
 * take_rmap_locks), so a reverse-map walk (try_to_unmap, page_mkclean,
 * truncate's unmap) never finds the page's PTE in neither VMA: it sees
 * both VMAs, and the PTE in one of them. The old range's TLB entries are
 * flushed before the old VMA goes.
 *
 * Locks: mmap_lock for writing throughout; then i_mmap_lock ->
 * anon_vma->lock -> page_table_lock around the move (the order of
 * docs/locking.md).
 *
 * Departures from Linux (docs/syscalls.md): MREMAP_DONTUNMAP and an
 * old_len of 0 (which duplicates a shared mapping on Linux) are -EINVAL.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/tlb.h>
#include <asm/tlbflush.h>
#include "internal.h"

#define MREMAP_MAYMOVE          1
#define MREMAP_FIXED            2
#define MREMAP_DONTUNMAP        4

/* Move @vma's end to @end over free space. Context: mmap_lock (write). */
static void vma_expand(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long end)
{
	struct address_space *m = vma_lock_file(vma);

	if (vma->anon_vma)
		spin_lock(&vma->anon_vma->lock);
	__vma_unlink_file(vma);
	mm->total_vm += (end - vma->vm_end) >> PAGE_SHIFT;
	vma->vm_end = end;
	__vma_link_file(vma);
	if (vma->anon_vma)
		spin_unlock(&vma->anon_vma->lock);
	vma_unlock_file(m);
}

/*
 * Move the PTEs of [old, old + len) to [new, new + len). The destination
 * tables exist (built beforehand, with no lock held). Context: mmap_lock
 * (write); takes the rmap locks of @vma (which @new_vma shares) and
 * page_table_lock.
 */
static void move_ptes(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long old,
		      unsigned long new, unsigned long len)
{
	struct address_space *m = vma_lock_file(vma);

	if (vma->anon_vma)
		spin_lock(&vma->anon_vma->lock);
	spin_lock(&mm->page_table_lock);
	flush_tlb_batched_pending(mm);          /* reclaim's unflushed clears (docs/smp-tlb.md) */
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		pte_t *src = pgtable_walk_pte(mm->pgd, old + off, NULL), *dst;

		if (!src || pte_none(*src))
			continue;
		dst = pgtable_walk_pte(mm->pgd, new + off, NULL);
		set_pte(dst, ptep_get_and_clear(src));
	}
	spin_unlock(&mm->page_table_lock);
	if (vma->anon_vma)
		spin_unlock(&vma->anon_vma->lock);
	vma_unlock_file(m);
	/* Before the old VMA goes and the range can be reused. */
	flush_tlb_mm_range(mm, old, old + len);
}

/*
 * Move [addr, addr + old_len), which lies inside @vma, to @new_addr and
 * make it @new_len long (the growth already charged). Returns @new_addr
 * or -ENOMEM. Context: mmap_lock (write).
 */
static long move_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		     unsigned long old_len, unsigned long new_len, unsigned long new_addr)
{
	struct vm_area_struct *new;
	int err;

	/* The moved range becomes a VMA of its own. */
	if (vma->vm_start < addr) {
		err = split_vma(mm, vma, addr, true);
		if (err)
			return err;
	}
	if (vma->vm_end > addr + old_len) {
		err = split_vma(mm, vma, addr + old_len, false);
		if (err)
			return err;
	}
	/* Build the destination's tables first: that may sleep. */
	for (unsigned long off = 0; off < old_len; off += PAGE_SIZE)
		if (!pte_alloc(mm, new_addr + off))
			return -ENOMEM;
	new = vma_dup(vma, mm);
	if (!new)
		return -ENOMEM;
	new->vm_start = new_addr;
	new->vm_end = new_addr + new_len;
	if (new->anon_vma)
		anon_vma_link(new);
	vma_link(mm, new);
	move_ptes(mm, vma, addr, new_addr, old_len);
	/* The pages and their charge are the new VMA's now. */
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += (new_len - old_len) >> PAGE_SHIFT;
	vma_unlink(mm, vma);
	vma_free(vma);
	new = vma_merge_neighbours(mm, new);
	return (long)new_addr;
}

/* Charge @pages more of @vma's kind, if it is charged at all. */
static int charge_growth(struct mm_struct *mm, struct vm_area_struct *vma, long pages)
{
	if (!(vma->vm_flags & VM_ACCOUNT) || pages <= 0)
		return 0;
	return vm_enough_memory(mm, pages);
}

static void uncharge_growth(struct vm_area_struct *vma, long pages)
{
	if ((vma->vm_flags & VM_ACCOUNT) && pages > 0)
		vm_unacct_memory(pages);
}

/* The VMA that holds all of [addr, addr + len), with Linux's errors for
 * growing it: -EFAULT for none, or for raw-frame memory that cannot grow;
 * -EAGAIN past RLIMIT_MEMLOCK. */
static struct vm_area_struct *vma_to_resize(struct mm_struct *mm, unsigned long addr,
					    unsigned long old_len, unsigned long new_len)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start > addr || addr + old_len > vma->vm_end)
		return ERR_PTR(-EFAULT);
	if (new_len > old_len && (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP)))
		return ERR_PTR(-EFAULT);
	if (new_len > old_len && !mlock_future_ok(mm, vma->vm_flags, new_len - old_len))
		return ERR_PTR(-EAGAIN);
	return vma;
}

static long do_mremap(struct mm_struct *mm, unsigned long addr, unsigned long old_len,
		      unsigned long new_len, unsigned long flags, unsigned long new_addr)
{
	struct vm_area_struct *vma;
	long delta, ret;

	if (flags & MREMAP_FIXED) {
		if (new_addr & ~PAGE_MASK)
			return -EINVAL;
		if (new_len > USER_TOP || new_addr > USER_TOP - new_len)
			return -EINVAL;
		/* The two ranges may not overlap. */
		if (addr < new_addr + new_len && new_addr < addr + old_len)
			return -EINVAL;
		ret = do_munmap(mm, new_addr, new_len);
		if (ret)
			return ret;
		if (old_len > new_len) {
			ret = do_munmap(mm, addr + new_len, old_len - new_len);
			if (ret)
				return ret;
			old_len = new_len;
		}
	}
	vma = vma_to_resize(mm, addr, old_len, new_len);
	if (IS_ERR(vma))
		return PTR_ERR(vma);
	if (!(flags & MREMAP_FIXED) && new_len <= old_len) {
		if (new_len < old_len) {
			ret = do_munmap(mm, addr + new_len, old_len - new_len);
			if (ret)
				return ret;
		}
		return (long)addr;
	}
	delta = (long)((new_len - old_len) >> PAGE_SHIFT);
	if (charge_growth(mm, vma, delta))
		return -ENOMEM;
	/* Grow in place when the VMA ends where the range does and the
	 * space after it is free. */
	if (!(flags & MREMAP_FIXED) && addr + old_len == vma->vm_end &&
	    vma->vm_end + (new_len - old_len) <= USER_TOP &&
	    range_is_free(mm, vma->vm_end, vma->vm_end + (new_len - old_len))) {
		unsigned long old_end = vma->vm_end;

		vma_expand(mm, vma, old_end + (new_len - old_len));
		if (vma->vm_flags & VM_LOCKED) {
			mm->locked_vm += (unsigned long)delta;
			if (!(vma->vm_flags & VM_LOCKONFAULT))
				mm_populate(mm, old_end, new_len - old_len);
		}
		return (long)addr;
	}
	ret = -ENOMEM;
	if (!(flags & MREMAP_MAYMOVE))
		goto uncharge;
	if (!(flags & MREMAP_FIXED)) {
		ret = get_unmapped_area(mm, new_len);
		if (ret < 0)
			goto uncharge;
		new_addr = (unsigned long)ret;
	}
	ret = move_vma(mm, vma, addr, old_len, new_len, new_addr);
	if (ret < 0)
		goto uncharge;
	vma = find_vma(mm, new_addr);
	if (vma && (vma->vm_flags & VM_LOCKED_MASK) == VM_LOCKED && new_len > old_len)
		mm_populate(mm, new_addr + old_len, new_len - old_len);
	return ret;
uncharge:
	uncharge_growth(vma, delta);
	return ret;
}

SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len, unsigned long, new_len,
		unsigned long, flags, unsigned long, new_addr)
{
	struct mm_struct *mm = current->mm;
	long ret;

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (flags & MREMAP_DONTUNMAP)
		return -EINVAL;                 /* not implemented: see the header */
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	old_len = PAGE_ALIGN(old_len);
	new_len = PAGE_ALIGN(new_len);
	if (!new_len || !old_len)
		return -EINVAL;
	if (old_len > USER_TOP || addr > USER_TOP - old_len)
		return -EFAULT;
	down_write(&mm->mmap_lock);
	ret = do_mremap(mm, addr, old_len, new_len, flags, new_addr);
	up_write(&mm->mmap_lock);
	return ret;
}
