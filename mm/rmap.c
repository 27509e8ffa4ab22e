/*
 * The reverse map (see include/mm/rmap.h).
 *
 * Owns: each address_space's i_mmap tree, the anon_vmas (their VMA lists
 * and reference counts), page->anon_vma, and the walks over both:
 * page_mkclean() (file pages), page_referenced() and try_to_unmap()
 * (reclaim, mm/vmscan.c). The anonymous side is described at the end of
 * include/mm/rmap.h; the file side here.
 *
 * i_mmap is an interval tree (kernel/interval_tree.c) of the VMAs mapping
 * the file, each keyed by the file pages it maps, [vm_pgoff,
 * vma_last_pgoff()]. A walk for the file pages [first, last] visits only
 * the VMAs that map one of them, in O(log n) per VMA found: reclaim walks
 * it for every mapped page it evicts, and a libc may be mapped by every
 * process. The key is copied into vma->vm_shared at insertion, so a VMA's
 * vm_start, vm_end or vm_pgoff changes only while it is off the tree
 * (split and merge in mm/mmap.c unlink, change, relink, all under
 * i_mmap_lock); __vma_unlink_file() checks that the key still matches.
 *
 * A VMA added at an existing vm_pgoff goes after the others there, and
 * the order of equal offsets matters for fork. dup_mm() links the child's
 * copy of a VMA into i_mmap *before* it copies the parent's PTEs, and the
 * copy lands after the parent's VMA. A truncate walking i_mmap meanwhile
 * therefore either zaps the parent's PTE before it is copied (nothing is
 * copied), or reaches the child's VMA after the copy (and zaps the copy).
 *
 * Locks: mapping->i_mmap_lock (spinlock) protects the tree, and with
 * mmap_lock (write) the vm_start/vm_end/vm_pgoff of every VMA on it. It
 * nests inside the page lock (page_mkclean runs with the page locked) and
 * outside each mm's page_table_lock. A VMA on i_mmap keeps its mm and the
 * mm's page tables alive: both are freed only after exit_mmap has taken
 * every VMA off its list. The same holds for a VMA on an anon_vma's list
 * (exit_mmap unlinks it before the mm goes).
 *
 * Walks for reclaim: a file page's walk needs the page locked (its
 * mapping and index are stable then, and truncate, which removes it under
 * that lock, cannot run); an anonymous page's needs only a reference
 * (page->anon_vma is stable while the page lives). Each VMA found is
 * checked under its mm's page_table_lock: the PTE at the address must map
 * this very frame (a private VMA may map a COW copy there instead, a VMA
 * of the anon_vma that never had the page maps something else or
 * nothing). Order: page lock -> i_mmap_lock or anon_vma->lock ->
 * page_table_lock, one mm at a time.
 */
#include <kernel/kernel.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/rmap.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include <mm/tlb.h>
#include <mm/filemap.h>
#include <mm/vmstat.h>
#include <asm/tlbflush.h>

void __vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	ASSERT_HELD(&m->i_mmap_lock);
	ASSERT(RB_EMPTY_NODE(&vma->vm_shared.rb));
	vma->vm_shared.start = vma->vm_pgoff;
	vma->vm_shared.last = vma_last_pgoff(vma);
	interval_tree_insert(&vma->vm_shared, &m->i_mmap);
}

void __vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	ASSERT_HELD(&m->i_mmap_lock);
	/* A range changed in place would have left the tree out of order. */
	if (vma->vm_shared.start != vma->vm_pgoff || vma->vm_shared.last != vma_last_pgoff(vma))
		panic("i_mmap: VMA %lx-%lx pgoff %lx changed in the tree (was %lx-%lx)",
		      vma->vm_start, vma->vm_end, vma->vm_pgoff,
		      vma->vm_shared.start, vma->vm_shared.last);
	interval_tree_remove(&vma->vm_shared, &m->i_mmap);
}

void vma_link_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	spin_lock(&m->i_mmap_lock);
	__vma_link_file(vma);
	spin_unlock(&m->i_mmap_lock);
}

void vma_unlink_file(struct vm_area_struct *vma)
{
	struct address_space *m = vma_mapping(vma);

	if (!m)
		return;
	spin_lock(&m->i_mmap_lock);
	__vma_unlink_file(vma);
	spin_unlock(&m->i_mmap_lock);
}

/*
 * Clean one PTE that may map @page at @addr of @vma. Returns 1 if it did.
 * A PTE that is neither writable nor dirty has nothing to clean: the next
 * write faults anyway. A PROT_NONE PTE keeps its frame (see
 * arch/x86_64/mmap.c) and may carry a dirty bit from before mprotect.
 */
static int page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	/* LAB(dirty): BEGIN page_mkclean_one: write-protect and clean one PTE */
	/* LAB(dirty): STUB return 0; */
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep, pte;
	int ret = 0;

	spin_lock(&mm->page_table_lock);
	ptep = pgtable_walk_pte(mm->pgd, addr, NULL);
	if (!ptep)
		goto out;
	pte = ptep_get(ptep);
	if (!pte_has_frame(pte) || pte_pfn(pte) != page_to_pfn(page))
		goto out;
	if (!pte_write(pte) && !pte_dirty(pte))
		goto out;
	/*
	 * Clear it, flush, then write the cleaned entry: the hardware may set
	 * the dirty bit until the TLB no longer holds the writable entry, and
	 * the exchange in ptep_get_and_clear() makes sure that bit is seen.
	 */
	pte = ptep_get_and_clear(ptep);
	flush_tlb_mm_page(mm, addr);
	set_pte(ptep, pte_mkclean(pte_wrprotect(pte)));
	ret = 1;
	count_vm_event(FL_MKCLEAN_PTES);
out:
	spin_unlock(&mm->page_table_lock);
	return ret;
	/* LAB(dirty): END */
}

int page_mkclean(struct page *page)
{
	struct address_space *m = page->mapping;
	unsigned long pgoff = page->index;
	struct vm_area_struct *vma;
	int cleaned = 0;

	ASSERT(PageLocked(page));
	if (!m || page_mapcount(page) == 0)
		return 0;
	spin_lock(&m->i_mmap_lock);
	for_each_vma_in_range(vma, m, pgoff, pgoff) {
		/* A private mapping maps the cache page read-only, never dirty. */
		if (!(vma->vm_flags & VM_SHARED))
			continue;
		cleaned += page_mkclean_one(page, vma,
					    vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT));
	}
	spin_unlock(&m->i_mmap_lock);
	return cleaned;
}

/* ---- anon_vma --------------------------------------------------------------- */

void put_anon_vma(struct anon_vma *av)
{
	if (__atomic_sub_fetch(&av->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		ASSERT(list_empty(&av->head));
		kfree(av);
	}
}

static void get_anon_vma(struct anon_vma *av)
{
	__atomic_fetch_add(&av->refcount, 1, __ATOMIC_RELAXED);
}

int anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma *av, *mine;

	/* Pairs with the release store below: a fault of another thread
	 * that sees the pointer sees an initialised anon_vma. */
	if (__atomic_load_n(&vma->anon_vma, __ATOMIC_ACQUIRE))
		return 0;
	av = mine = kmalloc(sizeof(*av), GFP_KERNEL);
	if (!av)
		return -ENOMEM;
	spin_lock_init(&av->lock, "anon_vma->lock");
	INIT_LIST_HEAD(&av->head);
	av->refcount = 1;               /* the list's, for @vma */
	/* Two threads may fault in the VMA at once (mmap_lock read): the
	 * first to get page_table_lock installs its anon_vma. */
	spin_lock(&av->lock);
	spin_lock(&mm->page_table_lock);
	if (!vma->anon_vma) {
		list_add_tail(&vma->anon_vma_node, &av->head);
		__atomic_store_n(&vma->anon_vma, av, __ATOMIC_RELEASE);
		mine = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	spin_unlock(&av->lock);
	kfree(mine);
	return 0;
}

void __anon_vma_link(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	ASSERT_HELD(&av->lock);
	get_anon_vma(av);
	list_add_tail(&vma->anon_vma_node, &av->head);
}

void anon_vma_link(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	spin_lock(&av->lock);
	__anon_vma_link(vma);
	spin_unlock(&av->lock);
}

/* Takes @vma off the list; the caller drops the list's reference after
 * unlocking (put_anon_vma). */
void __anon_vma_unlink(struct vm_area_struct *vma)
{
	ASSERT_HELD(&vma->anon_vma->lock);
	list_del(&vma->anon_vma_node);
}

void anon_vma_unlink(struct vm_area_struct *vma)
{
	struct anon_vma *av = vma->anon_vma;

	if (!av)
		return;
	spin_lock(&av->lock);
	__anon_vma_unlink(vma);
	spin_unlock(&av->lock);
	vma->anon_vma = NULL;
	put_anon_vma(av);
}

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	struct anon_vma *av = vma->anon_vma;

	ASSERT(av && !page->mapping && !page->anon_vma);
	get_anon_vma(av);
	page->index = linear_page_index(vma, addr);
	/* Published with the PTE (set_pte under page_table_lock): a walker
	 * reaches the page only through the LRU (with a reference, after
	 * lru_lock orders these stores) or through that PTE. A page from
	 * the swap cache is on the LRU before it gets here (swapin_map_page):
	 * a walker of it walks only once page_mapcount(), an acquire load,
	 * sees the count that page_add_rmap's fully ordered increment makes
	 * after these stores. */
	WRITE_ONCE(page->anon_vma, av);
	set_page_flag(page, PG_swapbacked);
}

void page_anon_rmap_freed(struct page *page)
{
	struct anon_vma *av = page->anon_vma;

	if (av) {
		page->anon_vma = NULL;
		put_anon_vma(av);
	}
}

/* ---- walks for reclaim ---------------------------------------------------------- */

/*
 * Call @one for every VMA that may map @page, at the address it would map
 * it, until @one returns false. Context: as page_referenced/try_to_unmap
 * (file pages locked by the caller).
 */
static void rmap_walk(struct page *page,
		      bool (*one)(struct page *, struct vm_area_struct *, unsigned long, void *),
		      void *arg)
{
	struct vm_area_struct *vma;

	if (PageAnon(page)) {
		struct anon_vma *av = page->anon_vma;

		spin_lock(&av->lock);
		list_for_each_entry(vma, &av->head, anon_vma_node) {
			unsigned long addr = vma_address(vma, page->index);

			count_vm_event(FL_RMAP_WALK_ANON_VMAS);
			if (addr != (unsigned long)-EFAULT && !one(page, vma, addr, arg))
				break;
		}
		spin_unlock(&av->lock);
	} else {
		struct address_space *m = page->mapping;

		ASSERT(PageLocked(page));
		if (!m)
			return;                 /* truncated: nothing maps it */
		spin_lock(&m->i_mmap_lock);
		for_each_vma_in_range(vma, m, page->index, page->index)
			if (!one(page, vma, vma_address(vma, page->index), arg))
				break;
		spin_unlock(&m->i_mmap_lock);
	}
}

/* The PTE of @vma's mm at @addr if it maps @page's frame, else NULL.
 * Context: that mm's page_table_lock held. */
static pte_t *page_pte(struct page *page, struct vm_area_struct *vma, unsigned long addr)
{
	pte_t *ptep = pgtable_walk_pte(vma->vm_mm->pgd, addr, NULL);
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = ptep_get(ptep);
	if (!pte_has_frame(pte) || pte_pfn(pte) != page_to_pfn(page))
		return NULL;
	return ptep;
}

struct referenced_arg {
	int referenced;
	unsigned long vm_flags;
};

static bool page_referenced_one(struct page *page, struct vm_area_struct *vma,
				unsigned long addr, void *arg)
{
	/* LAB(reclaim): BEGIN page_referenced_one: test and clear the accessed bit of the PTE that maps @page in @vma; stop at a VM_LOCKED VMA */
	/* LAB(reclaim): STUB return true; */
	struct referenced_arg *a = arg;
	struct mm_struct *mm = vma->vm_mm;
	bool locked = false;
	pte_t *ptep;

	spin_lock(&mm->page_table_lock);
	ptep = page_pte(page, vma, addr);
	if (ptep) {
		/* vm_flags change under mmap_lock, which we do not hold: a
		 * munlock racing with us may find PG_mlocked set again here,
		 * and the page then stays counted until it is freed
		 * (docs/reclaim.md, "mlock"). */
		if (READ_ONCE(vma->vm_flags) & VM_LOCKED)
			locked = true;
		else if (ptep_test_and_clear_young(ptep)) {
			a->referenced++;
			a->vm_flags |= READ_ONCE(vma->vm_flags);
		}
	}
	spin_unlock(&mm->page_table_lock);
	if (locked) {
		mlock_page(page);
		a->vm_flags |= VM_LOCKED;
		return false;
	}
	return true;
	/* LAB(reclaim): END */
}

int page_referenced(struct page *page, bool locked, unsigned long *vm_flags)
{
	struct referenced_arg a = { 0, 0 };
	bool we_locked = false;

	*vm_flags = 0;
	if (page_mapcount(page) == 0)
		return 0;
	if (!PageAnon(page) && !locked) {
		if (!trylock_page(page))
			return 1;               /* busy: call it used */
		we_locked = true;
	}
	rmap_walk(page, page_referenced_one, &a);
	if (we_locked)
		unlock_page(page);
	*vm_flags = a.vm_flags;
	return a.referenced;
}

/*
 * The anonymous case of try_to_unmap_one, the one place where an
 * anonymous page's PTE is replaced. An anonymous page has no other copy
 * unless it is in the swap cache: then the PTE becomes the swap entry of
 * its slot (page->private) and counts in MM_SWAPENTS, and a dirty bit
 * goes to the page (it must be written to the slot before it is freed).
 * The new swap PTE names the slot: one more reference on it, taken by
 * try_to_unmap_one before the PTE is cleared (swap_duplicate, which may
 * refuse: the slot's count is at its maximum). Without PG_swapcache
 * try_to_unmap never gets this far (TTU_FAIL). Context: page_table_lock
 * held; the old PTE already cleared (flushed, or its flush pending in
 * the reclaimer's batch, which precedes any writeout or free).
 */
static void try_to_unmap_anon_pte(struct mm_struct *mm, pte_t *ptep, struct page *page, pte_t old)
{
	swp_entry_t entry = { .val = page->private };

	ASSERT(PageSwapCache(page));
	if (pte_dirty(old))
		set_page_flag(page, PG_dirty);
	set_pte(ptep, swp_entry_to_pte(entry));
	add_mm_counter(mm, MM_SWAPENTS, 1);
}

struct ttu_arg {
	enum ttu_result ret;
	struct tlbflush_unmap_batch *batch;     /* NULL: flush each PTE */
};

static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma,
			     unsigned long addr, void *arg)
{
	struct ttu_arg *ta = arg;
	enum ttu_result *ret = &ta->ret;
	struct mm_struct *mm = vma->vm_mm;
	bool locked = false;
	pte_t *ptep, old;

	spin_lock(&mm->page_table_lock);
	ptep = page_pte(page, vma, addr);
	if (!ptep)
		goto out;
	if (READ_ONCE(vma->vm_flags) & VM_LOCKED) {
		locked = true;
		goto out;
	}
	/* The swap entry's hold on the slot, before the PTE goes. */
	if (PageAnon(page) && swap_duplicate((swp_entry_t){ .val = page->private })) {
		*ret = TTU_AGAIN;
		goto out;
	}
	/* Clear, then flush: the exchange returns the dirty bit as it was
	 * (a CPU sets it in the PTE before it caches a dirty entry, and one
	 * whose entry is clean must walk the cleared PTE to dirty it, and
	 * faults). But a CPU whose entry is already dirty keeps storing into
	 * the page until the flush: so the page is written out or freed only
	 * after it. With a batch the flush is the reclaimer's, once for all
	 * its pages (try_to_unmap_flush; the page stays locked until then). */
	old = ptep_get_and_clear(ptep);
	if (ta->batch)
		tlb_ubc_add_pending(ta->batch, mm);
	else
		flush_tlb_mm_page(mm, addr);
	if (PageAnon(page))
		try_to_unmap_anon_pte(mm, ptep, page, old);
	page_remove_rmap(vma, page, old);       /* the dirty bit to a file page */
	put_page(page);                         /* the PTE's; the caller holds one */
	count_vm_event(FL_UNMAP_PTES);
out:
	spin_unlock(&mm->page_table_lock);
	if (locked) {
		mlock_page(page);
		*ret = TTU_MLOCK;
		return false;
	}
	return true;
}

enum ttu_result try_to_unmap_batch(struct page *page, struct tlbflush_unmap_batch *batch)
{
	struct ttu_arg ta = { .ret = TTU_SUCCESS, .batch = batch };

	ASSERT(PageLocked(page));
	/* An anonymous page with no swap slot has nowhere else to live. */
	if (PageAnon(page) && !PageSwapCache(page))
		return TTU_FAIL;
	rmap_walk(page, try_to_unmap_one, &ta);
	if (ta.ret == TTU_SUCCESS && page_mapcount(page) > 0)
		ta.ret = TTU_AGAIN;             /* a fault mapped it again meanwhile */
	return ta.ret;
}

enum ttu_result try_to_unmap(struct page *page)
{
	return try_to_unmap_batch(page, NULL);
}
