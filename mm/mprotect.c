/*
 * mprotect: changing the protection of a range of VMAs, split off from
 * mm/mmap.c as in Linux.
 *
 * Owns: do_mprotect and mprotect_fixup, which split the VMAs at the range's
 * ends, set the new flags and PTE protection (vma_set_page_prot, so write
 * notification keeps shared file pages read-only until written), merge
 * neighbours that became identical, and change the PTEs
 * (change_protection: one TLB shootdown per VMA range). A private mapping
 * made writable for the first time is charged to Committed_AS
 * (mm/overcommit.c).
 *
 * Locks: mm->mmap_lock held for writing throughout; page tables through
 * mm/memory.c (page_table_lock). Errors follow Linux (LINUX-SEMANTICS.md
 * section I): a hole inside the range gives -ENOMEM after the VMAs before
 * the hole have been changed.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/rmap.h>

/* Apply @newflags to the part [start, end) of @vma. */
static int mprotect_fixup(struct mm_struct *mm, struct vm_area_struct *vma,
			  unsigned long start, unsigned long end, unsigned long newflags)
{
	long charged = 0;
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	/* A private mapping made writable for the first time is charged now
	 * (Linux keeps the charge if it is made read-only again). */
	if ((newflags & VM_WRITE) && !(vma->vm_flags & (VM_ACCOUNT | VM_WRITE)) &&
	    !(newflags & (VM_SHARED | VM_NORESERVE))) {
		charged = (long)((end - start) >> PAGE_SHIFT);
		if (vm_enough_memory(mm, charged))
			return -ENOMEM;
		newflags |= VM_ACCOUNT;
	}
	err = vma_isolate_range(mm, vma, start, end);
	if (err)
		goto unacct;
	vma->vm_flags = newflags;
	vma_set_page_prot(vma);         /* clean shared pages stay read-only (item 53) */
	change_protection(vma, vma->vm_start, vma->vm_end);
	vma_merge_neighbours(mm, vma);
	return 0;
unacct:
	vm_unacct_memory(charged);
	return err;
}

#define PROT_SEM        0x08                    /* accepted and ignored, as on x86 Linux */
#define PROT_GROWSDOWN  0x01000000
#define PROT_GROWSUP    0x02000000

/*
 * mprotect, with Linux's order of checks (do_mprotect_pkey): both GROWS
 * bits or a misaligned start -EINVAL; a zero length 0 (whatever @prot);
 * a wrapping range -ENOMEM; unknown @prot bits -EINVAL; then the VMAs
 * (-ENOMEM for a hole). PROT_GROWSDOWN extends the range down to the
 * start of a VM_GROWSDOWN VMA (-EINVAL for another); x86 has no
 * VM_GROWSUP, so PROT_GROWSUP is always -EINVAL once a VMA is found.
 */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot)
{
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	unsigned long end, cur;
	struct vm_area_struct *vma;

	prot &= ~(grows | PROT_SEM);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) || !IS_ALIGNED(start, PAGE_SIZE))
		return -EINVAL;
	if (!len)
		return 0;
	end = start + PAGE_ALIGN(len);
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (end > USER_TOP)
		return -ENOMEM;
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return -ENOMEM;
	if (grows & PROT_GROWSDOWN) {
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return -EINVAL;
		start = vma->vm_start;
	} else if (vma->vm_start > start) {
		return -ENOMEM;
	} else if (grows & PROT_GROWSUP) {
		return -EINVAL;
	}
	for (cur = start; cur < end;) {
		unsigned long newflags = (vma->vm_flags & ~VM_ACCESS_FLAGS) |
					 (calc_vm_flags(prot, MAP_PRIVATE) & VM_ACCESS_FLAGS);
		unsigned long part_end = min(end, vma->vm_end);
		struct vm_area_struct *next;
		int err;

		/* Each access bit needs its MAY bit (4 bits up). */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return -EACCES;
		err = mprotect_fixup(mm, vma, cur, part_end, newflags);
		if (err)
			return err;
		cur = part_end;
		if (cur >= end)
			break;
		next = find_vma(mm, cur);
		if (!next || next->vm_start > cur)
			return -ENOMEM;         /* a hole: the part before it stays changed */
		vma = next;
	}
	return 0;
}
