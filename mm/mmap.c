/*
 * VMAs: the areas of a user address space, and mmap/munmap/mprotect.
 *
 * Owns: each mm's red-black tree of VMAs (keyed by vm_start; the areas
 * never overlap, so the tree also orders them by end), splitting a VMA
 * where an operation covers only part of it, merging neighbours that
 * became identical, and the placement of new mappings (top-down from
 * mm->mmap_base, below the stack).
 *
 * Locks: every function here runs with mm->mmap_lock held for writing
 * (find_vma: at least for reading). Page tables are changed through
 * mm/memory.c, which takes mm->page_table_lock. A VMA of a file is also on
 * the file's i_mmap (mm/rmap.c), where truncate and page_mkclean find it
 * holding only mapping->i_mmap_lock: so a file VMA's range (vm_start,
 * vm_end, vm_pgoff) changes only under that lock too, and a VMA is never
 * off i_mmap while it still has PTEs.
 *
 * Anonymous pages (mm/rmap.c): a VMA's anon_vma is shared by the VMAs
 * split from it and its fork copies, which join its list (split under
 * the anon_vma's lock, inside i_mmap_lock, with the range change; fork
 * before the PTEs are copied, so a walk finds the child's PTEs). Two VMAs
 * merge only if their anon_vmas agree (the same, or one has none) and,
 * when one has one, their vm_pgoff continue, so that every anonymous
 * page's linear offset still gives its address; a private anonymous
 * mapping's vm_pgoff is its start address in pages (as Linux), which
 * makes that true of neighbours. A VMA leaves its anon_vma when it is
 * freed (munmap, exit) or merged away.
 *
 * Overcommit (mm/overcommit.c): a private writable mapping is charged to
 * Committed_AS when it is made (mmap, brk, mprotect to writable, fork's
 * copy) and carries VM_ACCOUNT until its pages are unmapped (munmap,
 * exit), which gives them back; splits and merges keep the flag, so each
 * VMA's pages are charged exactly while it exists. Shared anonymous
 * memory is charged by its object (mm/shmem.c).
 *
 * mprotect is in mm/mprotect.c. Errors follow Linux (LINUX-SEMANTICS.md
 * section I): munmap of nothing succeeds.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/filemap.h>
#include <mm/overcommit.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include "internal.h"
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <fs/fdtable.h>

#define MMAP_MIN_ADDR   0x10000UL               /* the first 64 KiB stay unmapped */
#define MMAP_BASE       0x00007f0000000000UL    /* top-down placement starts here */

/* ---- the VMA tree -------------------------------------------------------- */

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct rb_node *node = mm->mm_rb.rb_node;
	struct vm_area_struct *best = NULL;

	while (node) {
		struct vm_area_struct *v = rb_entry(node, struct vm_area_struct, vm_rb);

		if (v->vm_end > addr) {
			best = v;
			if (v->vm_start <= addr)
				break;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best;
}

struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	struct rb_node *n = rb_next(&vma->vm_rb);

	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	struct rb_node *n = rb_prev(&vma->vm_rb);

	return n ? rb_entry(n, struct vm_area_struct, vm_rb) : NULL;
}

unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* The tree alone (the caller handles i_mmap). */
static void vma_link_rb(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct rb_node **link = &mm->mm_rb.rb_node, *parent = NULL;

	while (*link) {
		struct vm_area_struct *v = rb_entry(*link, struct vm_area_struct, vm_rb);

		parent = *link;
		link = vma->vm_start < v->vm_start ? &(*link)->rb_left : &(*link)->rb_right;
	}
	rb_link_node(&vma->vm_rb, parent, link);
	rb_insert_color(&vma->vm_rb, &mm->mm_rb);
	mm->map_count++;
	mm->total_vm += vma_pages(vma);
}

static void vma_unlink_rb(struct mm_struct *mm, struct vm_area_struct *vma)
{
	rb_erase(&vma->vm_rb, &mm->mm_rb);
	mm->map_count--;
	mm->total_vm -= vma_pages(vma);
}

/* Add @vma to @mm and to its file's reverse map. */
void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_link_rb(mm, vma);
	vma_link_file(vma);
}

/* Take @vma out of @mm and its file's reverse map (its PTEs are gone). */
void vma_unlink(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma_unlink_file(vma);
	vma_unlink_rb(mm, vma);
}

/* i_mmap_lock of @vma's file, taken, or NULL for anonymous memory. */
struct address_space *vma_lock_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (m)
		spin_lock(&m->i_mmap_lock);
	return m;
}

void vma_unlock_file(struct address_space *m)
{
	if (m)
		spin_unlock(&m->i_mmap_lock);
}

static struct vm_area_struct *vma_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kzalloc(sizeof(*vma), GFP_KERNEL);

	if (vma) {
		vma->vm_mm = mm;
		RB_CLEAR_NODE(&vma->vm_rb);
		RB_CLEAR_NODE(&vma->vm_shared.rb);
		INIT_LIST_HEAD(&vma->anon_vma_node);
	}
	return vma;
}

/* A copy of @vma (fork, split): takes its own file reference, and shares
 * its anon_vma (the caller links it there: anon_vma_link). */
struct vm_area_struct *vma_dup(struct vm_area_struct *vma, struct mm_struct *mm)
{
	struct vm_area_struct *new = vma_alloc(mm);

	if (!new)
		return NULL;
	*new = *vma;
	new->vm_mm = mm;
	RB_CLEAR_NODE(&new->vm_rb);
	RB_CLEAR_NODE(&new->vm_shared.rb);
	INIT_LIST_HEAD(&new->anon_vma_node);
	if (new->vm_file)
		get_file(new->vm_file);
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	return new;
}

void vma_free(struct vm_area_struct *vma)
{
	ASSERT(RB_EMPTY_NODE(&vma->vm_shared.rb));
	anon_vma_unlink(vma);
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	kfree(vma);
}

/*
 * Cut @vma in two at @addr. With @new_below the new VMA takes the part
 * below @addr, else the part above. Nothing is unmapped: the PTEs stay
 * where they are, only their owner is split. Returns 0 or -ENOMEM.
 *
 * For a file VMA the whole change happens under i_mmap_lock, so a truncate
 * walking i_mmap sees either the old VMA or both halves, never a moment
 * where the PTEs of either half are on no list; the same for a VMA with an
 * anon_vma and reclaim walking it (its lock, inside i_mmap_lock).
 */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      bool new_below)
{
	struct vm_area_struct *new;
	struct address_space *m;

	ASSERT(addr > vma->vm_start && addr < vma->vm_end && IS_ALIGNED(addr, PAGE_SIZE));
	new = vma_dup(vma, mm);
	if (!new)
		return -ENOMEM;
	m = vma_lock_file(vma);
	if (vma->anon_vma)
		spin_lock(&vma->anon_vma->lock);
	__vma_unlink_file(vma);
	/* The tree is keyed by vm_start: take vma out while its key changes. */
	vma_unlink_rb(mm, vma);
	if (new_below) {
		new->vm_end = addr;
		vma->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_start = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_end = addr;
	}
	vma_link_rb(mm, vma);
	vma_link_rb(mm, new);
	__vma_link_file(vma);
	__vma_link_file(new);
	if (vma->anon_vma) {
		__anon_vma_link(new);
		spin_unlock(&vma->anon_vma->lock);
	}
	vma_unlock_file(m);
	return 0;
}

int vma_isolate_range(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end)
{
	int err;

	if (start > vma->vm_start) {
		err = split_vma(mm, vma, start, true);
		if (err)
			return err;
	}
	if (end < vma->vm_end)
		return split_vma(mm, vma, end, false);
	return 0;
}

/* Can @b (right after @a) be merged into @a? */
static bool vmas_mergeable(const struct vm_area_struct *a, const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags ||
	    a->vm_file != b->vm_file || a->vm_ops != b->vm_ops ||
	    a->vm_private_data != b->vm_private_data)
		return false;
	/* Anonymous pages keep the anon_vma they were made in. */
	if (a->anon_vma && b->anon_vma && a->anon_vma != b->anon_vma)
		return false;
	/* A file mapping continues only if the file offsets continue too,
	 * and so must anonymous pages' linear offsets. */
	if (!a->vm_file && !a->anon_vma && !b->anon_vma)
		return true;
	return a->vm_pgoff + vma_pages(a) == b->vm_pgoff;
}

/*
 * @a absorbs @b, the VMA right after it: @a's end moves to @b's end (its
 * start, and so its place in the mm's tree, stays), @b goes. Both map the
 * same file (or none), so one i_mmap_lock covers the change; @a's key in
 * i_mmap (its last page) changes, so @a leaves i_mmap and comes back.
 */
static void vma_absorb_next(struct mm_struct *mm, struct vm_area_struct *a,
			    struct vm_area_struct *b)
{
	struct anon_vma *av = a->anon_vma ? a->anon_vma : b->anon_vma, *b_av = b->anon_vma;
	struct address_space *m = vma_lock_file(a);

	if (av)
		spin_lock(&av->lock);
	__vma_unlink_file(b);
	vma_unlink_rb(mm, b);
	__vma_unlink_file(a);
	mm->total_vm -= vma_pages(a);
	a->vm_end = b->vm_end;
	mm->total_vm += vma_pages(a);
	__vma_link_file(a);
	/* @b's anonymous pages are @a's now: @a joins their anon_vma if it
	 * had none (then it had no anonymous pages of its own). */
	if (b_av) {
		__anon_vma_unlink(b);
		b->anon_vma = NULL;
	}
	if (av && !a->anon_vma) {
		a->anon_vma = av;
		__anon_vma_link(a);
	}
	if (av)
		spin_unlock(&av->lock);
	vma_unlock_file(m);
	if (b_av)
		put_anon_vma(b_av);             /* b's place on the list */
	vma_free(b);
}

/* Merge @vma with its neighbours where possible; returns the survivor. */
struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma), *next = vma_next(vma);

	if (next && vmas_mergeable(vma, next))
		vma_absorb_next(mm, vma, next);
	if (prev && vmas_mergeable(prev, vma)) {
		vma_absorb_next(mm, prev, vma);
		vma = prev;
	}
	return vma;
}

/* ---- overcommit ---------------------------------------------------------------- */

/* Linux's accountable_mapping: private and writable, not MAP_NORESERVE. */
static bool accountable_mapping(unsigned long vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* Give back what @vma's pages were charged, as it goes. */
static void vma_unaccount(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_ACCOUNT)
		vm_unacct_memory((long)vma_pages(vma));
}

/* Pages of [start, end) charged now (a MAP_FIXED mapping replaces them). */
static unsigned long accounted_pages_in(struct mm_struct *mm, unsigned long start,
					unsigned long end)
{
	unsigned long n = 0;

	for (struct vm_area_struct *v = find_vma(mm, start); v && v->vm_start < end;
	     v = vma_next(v))
		if (v->vm_flags & VM_ACCOUNT)
			n += (min(end, v->vm_end) - max(start, v->vm_start)) >> PAGE_SHIFT;
	return n;
}

/* ---- write notification ------------------------------------------------------ */

/*
 * Does @vma want to hear of the first write to each clean page (2.6.20's
 * vma_wants_writenotify)? Yes for a shared writable mapping whose backer
 * has ->page_mkwrite, or whose pages are written back to a disk (so that
 * writeback knows exactly which pages a mapping dirtied: dirty tracking,
 * docs/dirty-tracking.md). Not for shared anonymous memory (nothing to
 * write back) or raw device frames.
 */
bool vma_wants_writenotify(const struct vm_area_struct *vma)
{
	/* LAB(dirty): BEGIN vma_wants_writenotify: track this VMA's writes? */
	/* LAB(dirty): STUB return false; */
	struct address_space *m = vma_mapping(vma);

	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) != (VM_WRITE | VM_SHARED))
		return false;
	/* Raw frames have no struct page to hand to ->page_mkwrite. */
	if (vma->vm_flags & VM_PFNMAP)
		return false;
	if (vma->vm_ops && vma->vm_ops->page_mkwrite)
		return true;
	if (vma->vm_flags & VM_MIXEDMAP)
		return false;
	return m && mapping_cap_account_dirty(m);
	/* LAB(dirty): END */
}

/*
 * Set the PTE protection of @vma's pages from its flags. With write
 * notification the pages get the protection of the private equivalent,
 * which has no write bit: clean pages are mapped read-only, and the fault
 * on the first write (do_wp_page -> wp_page_shared) makes them writable.
 */
void vma_set_page_prot(struct vm_area_struct *vma)
{
	unsigned long flags = vma->vm_flags;

	/* LAB(dirty): BEGIN vma_set_page_prot: read-only PTEs for write notification */
	if (vma_wants_writenotify(vma))
		flags &= ~VM_SHARED;
	/* LAB(dirty): END */
	vma->vm_page_prot = vm_get_page_prot(flags);
}

/* ---- placement ------------------------------------------------------------- */

bool range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return !vma || vma->vm_start >= end;
}

/* The highest free range of @len bytes below mm->mmap_base, or -ENOMEM. */
long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long gap_end = mm->mmap_base;
	struct rb_node *n;

	for (n = rb_last(&mm->mm_rb); n; n = rb_prev(n)) {
		struct vm_area_struct *v = rb_entry(n, struct vm_area_struct, vm_rb);

		if (v->vm_start >= gap_end)
			continue;                       /* wholly above the gap */
		if (v->vm_end <= gap_end && gap_end - v->vm_end >= len)
			return (long)(gap_end - len);
		gap_end = v->vm_start;
	}
	if (gap_end >= MMAP_MIN_ADDR + len)
		return (long)(gap_end - len);
	return -ENOMEM;
}

unsigned long calc_vm_flags(unsigned long prot, unsigned long flags)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (prot & PROT_READ)
		vm_flags |= VM_READ;
	if (prot & PROT_WRITE)
		vm_flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		vm_flags |= VM_EXEC;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	return vm_flags;
}

/*
 * The end of a file mapping must be an offset the file can have (item 13,
 * Linux's file_mmap_ok): 2^63 - 1 for regular files, the whole unsigned
 * range for devices. Checked before the mapping type, as Linux does.
 */
static int file_mmap_ok(struct file *file, unsigned long pgoff, unsigned long len)
{
	u64 maxsize = S_ISREG(file->f_inode->i_mode) ? 0x7fffffffffffffffULL : ~0ULL;

	if (len > maxsize || pgoff > (maxsize - len) >> PAGE_SHIFT)
		return -EOVERFLOW;
	return 0;
}

/*
 * The file checks of mmap (LINUX-SEMANTICS.md items 6, 7, 9, 11), after
 * the type, and the VM_ flags they imply. Returns 0 or -EACCES / -EPERM
 * (PROT_EXEC on a noexec filesystem) / -ENODEV.
 */
static int mmap_check_file(struct file *file, unsigned long prot, unsigned long flags,
			   unsigned long *vm_flags)
{
	if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return -EACCES;
		/* A read-only file can never be written through this mapping,
		 * not even after mprotect: it behaves as a private one. */
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	/* A noexec filesystem (pipefs): no PROT_EXEC, and no mprotect to it. */
	if (file->f_inode->i_sb->s_noexec) {
		if (prot & PROT_EXEC)
			return -EPERM;
		*vm_flags &= ~VM_MAYEXEC;
	}
	if (!file->f_op || !file->f_op->mmap)
		return -ENODEV;
	return 0;
}

/*
 * Where the new mapping goes: the fixed address, a free hint, or the
 * highest free gap. Returns the address or -EINVAL/-ENOMEM/-EEXIST, in
 * Linux's order (a range past the top is ENOMEM before a misaligned
 * address is EINVAL). MAP_FIXED_NOREPLACE fails on an occupied range
 * even when MAP_FIXED is set too. A hint is rounded down to its page, and
 * one below MMAP_MIN_ADDR is raised to it, as Linux's round_hint_to_min.
 */
static long mmap_place(struct mm_struct *mm, unsigned long addr, unsigned long len,
		       unsigned long flags)
{
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr > USER_TOP - len)
			return -ENOMEM;
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (addr < MMAP_MIN_ADDR)
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !range_is_free(mm, addr, addr + len))
			return -EEXIST;
		return (long)addr;
	}
	addr &= PAGE_MASK;
	if (addr && addr < MMAP_MIN_ADDR)
		addr = MMAP_MIN_ADDR;
	if (addr && addr <= USER_TOP - len && range_is_free(mm, addr, addr + len))
		return (long)addr;              /* the hint is free: honour it */
	return get_unmapped_area(mm, len);
}

#define MAP_LEGACY_FLAGS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
			  MAP_GROWSDOWN | 0x0800 /* DENYWRITE */ | 0x1000 /* EXECUTABLE */ | \
			  0x2000 /* LOCKED */ | MAP_NORESERVE | MAP_POPULATE | \
			  0x10000 /* NONBLOCK */ | 0x20000 /* STACK */ | 0x40000 /* HUGETLB */ | \
			  0x4000000 /* UNINITIALIZED */)   /* not FIXED_NOREPLACE: Linux's mask lacks it */

/*
 * The mapping type (LINUX-SEMANTICS.md items 3, 4), checked where Linux's
 * do_mmap checks it: after the address, before the file. A file mapping
 * may be SHARED, SHARED_VALIDATE (unknown flag bits: -EOPNOTSUPP; then it
 * is SHARED) or PRIVATE; an anonymous one only SHARED or PRIVATE.
 * Returns 0 or -EINVAL/-EOPNOTSUPP; *flags is normalised on success.
 */
static int mmap_check_type(struct file *file, unsigned long *flags)
{
	switch (*flags & MAP_TYPE) {
	case MAP_SHARED:
	case MAP_PRIVATE:
		return 0;
	case MAP_SHARED_VALIDATE:
		if (!file)
			return -EINVAL;
		if (*flags & ~MAP_LEGACY_FLAGS)
			return -EOPNOTSUPP;
		*flags = (*flags & ~MAP_TYPE) | MAP_SHARED;
		return 0;
	default:
		return -EINVAL;
	}
}

long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	unsigned long vm_flags, replaced = 0;
	struct vm_area_struct *vma;
	long start, charged = 0;
	int err;

	if (!len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > USER_TOP - MMAP_MIN_ADDR)
		return -ENOMEM;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	start = mmap_place(mm, addr, len, flags);
	if (start < 0)
		return start;
	err = file ? file_mmap_ok(file, pgoff, len) : 0;
	if (!err)
		err = mmap_check_type(file, &flags);
	if (err)
		return err;
	vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	/* mlock: MAP_LOCKED or MCL_FUTURE (mm/mlock.c), Linux's EPERM/EAGAIN. */
	if (flags & MAP_LOCKED) {
		if (!can_do_mlock())
			return -EPERM;
		vm_flags |= VM_LOCKED;
	}
	if (!mlock_future_ok(mm, vm_flags, len))
		return -EAGAIN;
	if (file) {
		err = mmap_check_file(file, prot, flags, &vm_flags);
		if (err)
			return err;
	}
	/* Strict mode ignores MAP_NORESERVE, as Linux. The pages a
	 * MAP_FIXED mapping replaces are not counted against it. */
	if ((flags & MAP_NORESERVE) && overcommit_policy() != OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE;
	if (accountable_mapping(vm_flags)) {
		if (flags & MAP_FIXED)
			replaced = accounted_pages_in(mm, (unsigned long)start,
						      (unsigned long)start + len);
		charged = (long)(len >> PAGE_SHIFT);
		if (vm_enough_memory(mm, charged - (long)replaced))
			return -ENOMEM;
		vm_acct_memory((long)replaced);   /* the munmap below gives them back */
		vm_flags |= VM_ACCOUNT;
	}
	vma = vma_alloc(mm);
	if (!vma) {
		vm_unacct_memory(charged);
		return -ENOMEM;
	}
	vma->vm_start = (unsigned long)start;
	vma->vm_end = (unsigned long)start + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	/* Private anonymous memory: the linear offset of an address is the
	 * address in pages (mm/rmap.c), as Linux. */
	if (!file && !(vm_flags & VM_SHARED))
		vma->vm_pgoff = (unsigned long)start >> PAGE_SHIFT;
	if (file) {
		vma->vm_file = get_file(file);
		err = file->f_op->mmap(file, vma);
	} else if (vm_flags & VM_SHARED) {
		err = shmem_zero_setup(vma);
	} else {
		err = 0;
	}
	if (err) {
		vma->vm_ops = NULL;     /* ->mmap failed: no ->close for it */
		vma_free(vma);
		vm_unacct_memory(charged);
		return err;
	}
	/* After ->mmap, which may have set vm_ops->page_mkwrite or flags. */
	vma_set_page_prot(vma);
	if (vma->vm_flags & (VM_PFNMAP | VM_MIXEDMAP))
		vma->vm_flags &= ~VM_LOCKED_MASK;       /* device memory is not locked */
	/* MAP_FIXED replaces what was there (item 59). Only a split's
	 * allocation can fail here, before anything was unmapped. */
	if ((flags & MAP_FIXED) && !range_is_free(mm, vma->vm_start, vma->vm_end)) {
		err = do_munmap(mm, vma->vm_start, len);
		if (err) {
			vma_free(vma);
			vm_unacct_memory(charged);
			return err;
		}
	}
	vma_link(mm, vma);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	vm_flags = vma->vm_flags;
	vma_merge_neighbours(mm, vma);
	if ((flags & MAP_POPULATE) || (vm_flags & VM_LOCKED_MASK) == VM_LOCKED)
		mm_populate(mm, (unsigned long)start, len);
	return start;
}

/*
 * A mapping the kernel makes for a process (the vDSO and its vvar page:
 * arch/x86_64/vdso.c; Linux's _install_special_mapping): no file, pages
 * from @ops->fault (vm_insert_page), exactly @vm_flags (without
 * VM_MAYWRITE it can never become writable), and never merged with a
 * neighbour (its vm_ops are its own). Returns 0, -EEXIST if the range is
 * not free, or -ENOMEM. Context: mmap_lock held for writing.
 */
int install_special_mapping(struct mm_struct *mm, unsigned long addr, unsigned long len,
			    unsigned long vm_flags, const struct vm_operations_struct *ops)
{
	struct vm_area_struct *vma;

	if (!range_is_free(mm, addr, addr + len))
		return -EEXIST;
	vma = vma_alloc(mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags | VM_MIXEDMAP;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = 0;
	vma->vm_ops = ops;
	vma_link(mm, vma);
	return 0;
}

/* ---- munmap ------------------------------------------------------------------ */

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end;
	struct vm_area_struct *vma, *last;
	int err;

	if (!IS_ALIGNED(start, PAGE_SIZE) || !len || start >= USER_TOP ||
	    PAGE_ALIGN(len) > USER_TOP - start)
		return -EINVAL;
	end = start + PAGE_ALIGN(len);
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return 0;                       /* nothing mapped there: fine */
	/* Cut the first and last VMAs at the edges of the range. */
	if (vma->vm_start < start) {
		err = split_vma(mm, vma, start, true);
		if (err)
			return err;
	}
	last = find_vma(mm, end - 1);
	if (last && last->vm_start < end && last->vm_end > end) {
		err = split_vma(mm, last, end, false);
		if (err)
			return err;
	}
	for (vma = find_vma(mm, start); vma && vma->vm_start < end;) {
		struct vm_area_struct *next = vma_next(vma);

		if (vma->vm_flags & VM_LOCKED) {
			munlock_vma_range(vma, vma->vm_start, vma->vm_end);
			mm->locked_vm -= vma_pages(vma);        /* munmap unlocks */
		}
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unaccount(vma);
		vma_unlink(mm, vma);
		vma_free(vma);
		vma = next;
	}
	return 0;
}

/* ---- whole address spaces ------------------------------------------------------- */

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd) {
		kfree(mm);
		return NULL;
	}
	spin_lock_init(&mm->page_table_lock, "mm->page_table_lock");
	init_rwsem(&mm->mmap_lock, "mmap_lock");
	mm->mm_rb = RB_ROOT;
	mm->mm_users = 1;
	mm->mm_count = 1;               /* the users' one */
	mm->mmap_base = MMAP_BASE;
	return mm;
}

static void exit_mmap(struct mm_struct *mm)
{
	struct rb_node *n;

	while ((n = rb_first(&mm->mm_rb)) != NULL) {
		struct vm_area_struct *vma = rb_entry(n, struct vm_area_struct, vm_rb);

		if (vma->vm_flags & VM_LOCKED)
			munlock_vma_range(vma, vma->vm_start, vma->vm_end);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma_unaccount(vma);
		vma_unlink(mm, vma);
		vma_free(vma);
	}
	mm->locked_vm = 0;
}

/*
 * The last user is gone: unmap and free every page now (no CPU runs the
 * mm, so the unmapping flushes nothing: mm/tlb.c), but the page tables
 * only with the last mm_count reference, which a CPU that still has them
 * in CR3 holds (lazy TLB, arch/x86_64/tlb.c).
 */
void mmput(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_users, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	down_write(&mm->mmap_lock);
	exit_mmap(mm);
	up_write(&mm->mmap_lock);
	if (mm->exe_file)
		fput(mm->exe_file);
	mm->exe_file = NULL;
	mmdrop(mm);
}

void mmdrop(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_count, 1, __ATOMIC_SEQ_CST) > 0)
		return;
	ASSERT(cpumask_empty(&mm->cpu_mask));
	pgd_free(mm->pgd);
	kfree(mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	struct rb_node *n;
	int err = 0;

	if (!mm)
		return NULL;
	down_write(&old->mmap_lock);
	for (n = rb_first(&old->mm_rb); n && !err; n = rb_next(n)) {
		struct vm_area_struct *vma = rb_entry(n, struct vm_area_struct, vm_rb);
		struct vm_area_struct *copy;

		if (vma->vm_flags & VM_DONTCOPY)
			continue;               /* MADV_DONTFORK: not in the child */
		/* The child's copy of a charged VMA is charged too (Linux's
		 * dup_mmap, judged for the parent): strict mode can refuse fork. */
		if ((vma->vm_flags & VM_ACCOUNT) && vm_enough_memory(old, (long)vma_pages(vma))) {
			err = -ENOMEM;
			break;
		}
		copy = vma_dup(vma, mm);
		if (!copy) {
			if (vma->vm_flags & VM_ACCOUNT)
				vm_unacct_memory((long)vma_pages(vma));
			err = -ENOMEM;
			break;
		}
		/* Locks are not inherited (Linux's dup_mmap); neither is
		 * MCL_FUTURE: the new mm's def_flags stay 0. */
		copy->vm_flags &= ~VM_LOCKED_MASK;
		/* MADV_WIPEONFORK: the child's copy starts empty, with no
		 * anon_vma of the parent's; its pages fault in as zeros. */
		if (vma->vm_flags & VM_WIPEONFORK)
			copy->anon_vma = NULL;
		vma_link(mm, copy);
		if (vma->vm_flags & VM_WIPEONFORK)
			continue;
		/* On the anon_vma's list before its PTEs exist: a walk
		 * either finds no copied PTE yet or finds the copy. */
		anon_vma_link(copy);
		err = copy_page_range(mm, vma);
	}
	mm->mmap_base = old->mmap_base;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->start_stack = old->start_stack;
	mm->exe_file = old->exe_file ? get_file(old->exe_file) : NULL;
	mm->arg_start = old->arg_start;
	mm->arg_end = old->arg_end;
	mm->env_start = old->env_start;
	mm->env_end = old->env_end;
	up_write(&old->mmap_lock);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

/* ---- the system calls ------------------------------------------------------------ */

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot,
		unsigned long, flags, unsigned long, fd, unsigned long, off)
{
	struct mm_struct *mm = current->mm;
	struct file *file = NULL;
	long ret;

	/* Linux's order: the offset, the fd, then do_mmap's checks. */
	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fget((unsigned int)fd);
		if (!file)
			return -EBADF;
		if (flags & MAP_HUGETLB) {      /* no hugetlbfs file can exist here */
			fput(file);
			return -EINVAL;
		}
	} else if (flags & MAP_HUGETLB) {
		return -ENOMEM;                 /* no huge pages are reserved, as Linux's default */
	}
	down_write(&mm->mmap_lock);
	ret = do_mmap(mm, file, addr, len, prot, flags, off >> PAGE_SHIFT);
	up_write(&mm->mmap_lock);
	if (file)
		fput(file);
	return ret;
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, unsigned long, len)
{
	struct mm_struct *mm = current->mm;
	int ret;

	down_write(&mm->mmap_lock);
	ret = do_munmap(mm, addr, len);
	up_write(&mm->mmap_lock);
	return ret;
}

SYSCALL_DEFINE3(mprotect, unsigned long, addr, unsigned long, len, unsigned long, prot)
{
	struct mm_struct *mm = current->mm;
	int ret;

	down_write(&mm->mmap_lock);
	ret = do_mprotect(mm, addr, len, prot);
	up_write(&mm->mmap_lock);
	return ret;
}

/*
 * brk: move the end of the heap, a private anonymous VMA that starts at
 * mm->start_brk (after the program's data). Linux's contract: it returns
 * the new break, or the old one if the request cannot be met (musl only
 * ever asks brk(0) and then grows it).
 */
SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long old, newend, oldend;

	down_write(&mm->mmap_lock);
	old = mm->brk;
	if (brk < mm->start_brk || brk > USER_TOP)
		goto out;
	newend = PAGE_ALIGN(brk);
	oldend = PAGE_ALIGN(old);
	if (newend < oldend) {
		if (do_munmap(mm, newend, oldend - newend))
			goto out;
	} else if (newend > oldend) {
		if (!range_is_free(mm, oldend, newend))
			goto out;
		if (do_mmap(mm, NULL, oldend, newend - oldend, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, 0) < 0)
			goto out;
	}
	mm->brk = brk;
out:
	brk = mm->brk;
	up_write(&mm->mmap_lock);
	return (long)brk;
}

#define MADV_NORMAL     0
#define MADV_RANDOM     1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       8
#define MADV_PAGEOUT    21
#define MADV_REMOVE     9
#define MADV_DONTFORK   10
#define MADV_DOFORK     11
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19

/*
 * madvise: MADV_DONTNEED drops the pages of the range (private anonymous
 * memory reads as zeros afterwards; file and shared pages are refetched
 * from their object), but not those of a VM_LOCKED VMA: -EINVAL there, as
 * Linux. MADV_PAGEOUT sends the range's private anonymous pages to swap
 * now (mm/madvise.c). MADV_NORMAL, MADV_SEQUENTIAL and MADV_RANDOM set
 * the VMAs' readahead flags (VM_SEQ_READ, VM_RAND_READ; the VMAs split at
 * the range's ends, so they take mmap_lock for writing), and
 * MADV_WILLNEED reads a file mapping's range ahead (mm/madvise.c,
 * docs/readahead.md). The other hints are accepted and ignored.
 */
SYSCALL_DEFINE3(madvise, unsigned long, start, unsigned long, len, int, advice)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long end;
	int ret = 0;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (advice != MADV_DONTNEED && advice != MADV_FREE && advice != MADV_NORMAL &&
	    advice != MADV_RANDOM && advice != MADV_SEQUENTIAL && advice != MADV_WILLNEED &&
	    !(advice >= 9 && advice <= 25))
		return -EINVAL;
	if (!len)
		return 0;
	if (advice == MADV_NORMAL || advice == MADV_RANDOM || advice == MADV_SEQUENTIAL)
		return madvise_set_vma_flags(mm, start, end, VM_SEQ_READ | VM_RAND_READ,
					     advice == MADV_RANDOM ? VM_RAND_READ :
					     advice == MADV_SEQUENTIAL ? VM_SEQ_READ : 0, false);
	if (advice == MADV_DONTFORK || advice == MADV_DOFORK)
		return madvise_set_vma_flags(mm, start, end, VM_DONTCOPY,
					     advice == MADV_DONTFORK ? VM_DONTCOPY : 0, false);
	if (advice == MADV_WIPEONFORK || advice == MADV_KEEPONFORK)
		return madvise_set_vma_flags(mm, start, end, VM_WIPEONFORK,
					     advice == MADV_WIPEONFORK ? VM_WIPEONFORK : 0,
					     advice == MADV_WIPEONFORK);
	down_read(&mm->mmap_lock);
	for (unsigned long cur = start; cur < end;) {
		vma = find_vma(mm, cur);
		if (!vma || vma->vm_start >= end) {
			ret = -ENOMEM;
			break;
		}
		if (vma->vm_start > cur)
			ret = -ENOMEM;          /* a hole: the rest is still done */
		cur = max(cur, vma->vm_start);
		if (advice == MADV_REMOVE) {
			/* Linux's madvise_remove: a locked or non-file VMA
			 * EINVAL, one not shared and writable EACCES, then a
			 * hole punched in the file: the filesystems here (ext2,
			 * as on Linux, and shared anonymous memory) have no
			 * hole punching, EOPNOTSUPP. */
			ret = (vma->vm_flags & VM_LOCKED) || !vma->vm_file ? -EINVAL :
			      (vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE) ?
			      -EACCES : -EOPNOTSUPP;
			break;
		}
		if ((advice == MADV_DONTNEED || advice == MADV_FREE) &&
		    (vma->vm_flags & VM_LOCKED)) {
			ret = -EINVAL;          /* locked pages stay (Linux); the VMAs before are done */
			break;
		}
		if (advice == MADV_DONTNEED || advice == MADV_FREE)
			zap_page_range(vma, cur, min(end, vma->vm_end));
		if (advice == MADV_WILLNEED)
			madvise_willneed(vma, cur, min(end, vma->vm_end));
		if (advice == MADV_PAGEOUT) {
			int err = madvise_pageout(vma, cur, min(end, vma->vm_end));

			if (err) {
				ret = err;
				break;
			}
		}
		cur = min(end, vma->vm_end);
	}
	up_read(&mm->mmap_lock);
	return ret;
}
