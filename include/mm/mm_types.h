/*
 * struct page and struct mm_struct.
 *
 * Field-protection legend (STYLE.md):
 *   (a) atomic operations only     (z) zone->lock (buddy allocator)
 *   (s) the slab cache's lock      (c) constant after creation
 *   (o) owner: whoever allocated the page and holds a reference
 *   (p) mm->page_table_lock
 *   (m) mm->mmap_lock (read to look, write to change)
 *   (i) the file's mapping->i_mmap_lock, and mmap_lock for writing to change
 *       vm_start, vm_end or vm_pgoff of a file VMA (the reverse map reads
 *       them holding only i_mmap_lock)
 */
#ifndef _MM_MM_TYPES_H
#define _MM_MM_TYPES_H

#include <kernel/cpumask.h>
#include <kernel/interval_tree.h>
#include <kernel/list.h>
#include <kernel/mutex.h>
#include <kernel/rbtree.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <asm/pgtable.h>

struct address_space;
struct anon_vma;
struct kmem_cache;

/*
 * One struct page per physical frame (4 KiB), in the flat array mem_map,
 * indexed by frame number: pfn_to_page() and page_to_pfn() are pointer
 * arithmetic. Who uses a page decides which half of the union is live.
 */
struct page {
	unsigned long flags;                    /* (a) PG_* bits below */
	union {
		struct {        /* free (buddy), page cache, anonymous */
			struct list_head lru;           /* (z) free list while PG_buddy */
			struct address_space *mapping;  /* (o) page cache owner */
			unsigned long index;            /* (o) offset in mapping, in pages */
			/* (z) buddy order while PG_buddy; (o) the swap
			 * entry (swp_entry_t.val) while PG_swapcache; the
			 * page lock: the disk block of a file page's first
			 * block while PG_mappedtodisk (fs/block_io.c) */
			unsigned long private;
			/* (o) anonymous pages: the anon_vma whose VMAs may map
			 * it (mm/rmap.c), with index its linear page offset
			 * there; NULL for page-cache and kernel pages.
			 * Faultline keeps it apart from mapping (Linux packs
			 * both in mapping, told apart by a low bit) so each
			 * field has one meaning: docs/reclaim.md. */
			struct anon_vma *anon_vma;
		};
		struct {        /* slab (PG_slab) */
			struct list_head slab_list;     /* (s) cache's partial/full list */
			struct kmem_cache *slab_cache;  /* (c) */
			void *freelist;                 /* (s) first free object */
			unsigned int inuse;             /* (s) objects allocated */
			unsigned int objects;           /* (c) objects in this slab */
		};
	};
	int _refcount;                          /* (a) 0 = free */
	int _mapcount;                          /* (a) PTEs mapping it, minus one */
};

/* Page flags: bit numbers in page->flags. */
enum pageflags {
	PG_locked,              /* I/O or truncate in progress: a sleeping lock */
	PG_reserved,            /* never given to the allocator (kernel image, holes) */
	PG_buddy,               /* free, heading a block on a buddy free list */
	PG_slab,                /* owned by a slab cache */
	PG_large_kmalloc,       /* head of a multi-page kmalloc; order in private */
	PG_uptodate,            /* contents valid (page cache) */
	PG_dirty,               /* contents newer than the disk */
	PG_writeback,           /* being written to disk */
	PG_referenced,          /* used since reclaim last looked (mark_page_accessed) */
	PG_lru,                 /* on an LRU list (mm/vmscan.c, under lru_lock) */
	PG_active,              /* ... the active one */
	PG_mlocked,             /* mapped by a VM_LOCKED VMA: reclaim keeps it (mm/mlock.c) */
	PG_swapcache,           /* in the swap cache; page->private is its swp_entry_t (mm/swap.h) */
	PG_swapbacked,          /* anonymous or shmem: reclaim writes it to swap, not a file */
	PG_readahead,           /* page cache: reaching it starts the next readahead window
				 * (mm/readahead.c); swap cache: read ahead, not looked
				 * up since (mm/swap_state.c) */
	PG_mappedtodisk,        /* page cache of a block-based file: every block of the page
				 * has its disk block, in order on the disk from page->private;
				 * set and cleared under the page lock (fs/block_io.c) */
	__NR_PAGEFLAGS,
};

static inline bool test_page_flag(const struct page *p, int bit)
{
	return (__atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) >> bit) & 1;
}
static inline void set_page_flag(struct page *p, int bit)
{
	__atomic_fetch_or(&p->flags, 1UL << bit, __ATOMIC_SEQ_CST);
}
static inline void clear_page_flag(struct page *p, int bit)
{
	__atomic_fetch_and(&p->flags, ~(1UL << bit), __ATOMIC_SEQ_CST);
}
/* Returns the old value of the bit. */
static inline bool test_and_set_page_flag(struct page *p, int bit)
{
	return (__atomic_fetch_or(&p->flags, 1UL << bit, __ATOMIC_SEQ_CST) >> bit) & 1;
}
static inline bool test_and_clear_page_flag(struct page *p, int bit)
{
	return (__atomic_fetch_and(&p->flags, ~(1UL << bit), __ATOMIC_SEQ_CST) >> bit) & 1;
}

#define PageReserved(p)  test_page_flag(p, PG_reserved)
#define PageBuddy(p)     test_page_flag(p, PG_buddy)
#define PageSlab(p)      test_page_flag(p, PG_slab)
#define PageDirty(p)     test_page_flag(p, PG_dirty)
#define PageLocked(p)    test_page_flag(p, PG_locked)
#define PageUptodate(p)  test_page_flag(p, PG_uptodate)
#define PageReadahead(p) test_page_flag(p, PG_readahead)
#define PageWriteback(p) test_page_flag(p, PG_writeback)
#define PageLRU(p)       test_page_flag(p, PG_lru)
#define PageActive(p)    test_page_flag(p, PG_active)
#define PageMlocked(p)   test_page_flag(p, PG_mlocked)
#define PageReferenced(p) test_page_flag(p, PG_referenced)
#define PageSwapCache(p) test_page_flag(p, PG_swapcache)
#define PageSwapBacked(p) test_page_flag(p, PG_swapbacked)
#define PageMappedToDisk(p) test_page_flag(p, PG_mappedtodisk)

static inline int page_ref_count(const struct page *p)
{
	return __atomic_load_n(&p->_refcount, __ATOMIC_ACQUIRE);
}
static inline void set_page_count(struct page *p, int v)
{
	__atomic_store_n(&p->_refcount, v, __ATOMIC_RELEASE);
}
static inline void page_ref_inc(struct page *p)
{
	__atomic_fetch_add(&p->_refcount, 1, __ATOMIC_SEQ_CST);
}
/* Returns true when the count dropped to zero. */
static inline bool page_ref_dec_and_test(struct page *p)
{
	return __atomic_sub_fetch(&p->_refcount, 1, __ATOMIC_SEQ_CST) == 0;
}
/* Take a reference unless the count is zero (the page is being freed).
 * Returns true if it took one. For finders that do not already hold a
 * reference keeping the page alive (reclaim walking the LRU). */
static inline bool get_page_unless_zero(struct page *p)
{
	int c = __atomic_load_n(&p->_refcount, __ATOMIC_RELAXED);

	while (c != 0)
		if (__atomic_compare_exchange_n(&p->_refcount, &c, c + 1, false,
						__ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
			return true;
	return false;
}
static inline int page_mapcount(const struct page *p)
{
	return __atomic_load_n(&p->_mapcount, __ATOMIC_ACQUIRE) + 1;
}

struct file;
struct vm_operations_struct;

/* vm_flags: Linux's values. The MAY bits say what mprotect may grant. */
#define VM_NONE         0x00000000UL
#define VM_READ         0x00000001UL
#define VM_WRITE        0x00000002UL
#define VM_EXEC         0x00000004UL
#define VM_SHARED       0x00000008UL
#define VM_MAYREAD      0x00000010UL
#define VM_MAYWRITE     0x00000020UL
#define VM_MAYEXEC      0x00000040UL
#define VM_MAYSHARE     0x00000080UL
#define VM_GROWSDOWN    0x00000100UL
#define VM_PFNMAP       0x00000400UL    /* raw frames (vm_insert_pfn): no struct page behind the PTEs */
#define VM_LOCKED       0x00002000UL
#define VM_SEQ_READ     0x00008000UL    /* MADV_SEQUENTIAL: read ahead, not around (mm/readahead.c) */
#define VM_RAND_READ    0x00010000UL    /* MADV_RANDOM: no readahead on faults */    /* mlock: pages faulted in and never reclaimed (mm/mlock.c) */
#define VM_DONTCOPY     0x00020000UL    /* MADV_DONTFORK: not in a fork child (dup_mm) */
#define VM_WIPEONFORK   0x02000000UL    /* MADV_WIPEONFORK: a fork child gets it empty */
#define VM_LOCKONFAULT  0x00080000UL    /* with VM_LOCKED: lock pages as they fault, no populate */
#define VM_ACCOUNT      0x00100000UL    /* its pages are in Committed_AS (mm/overcommit.c) */
#define VM_NORESERVE    0x00200000UL    /* MAP_NORESERVE outside strict mode: never charged */
#define VM_MIXEDMAP     0x10000000UL    /* pages put in by vm_insert_page from a driver's ->fault */
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define VM_LOCKED_MASK  (VM_LOCKED | VM_LOCKONFAULT)

/*
 * A virtual memory area: [vm_start, vm_end) of one address space with one
 * set of permissions and one backing (anonymous memory, or a file from
 * vm_pgoff on). The VMAs of an mm never overlap and are kept in a
 * red-black tree by address.
 */
struct vm_area_struct {
	unsigned long vm_start;                 /* (m) first byte */
	unsigned long vm_end;                   /* (m) first byte after */
	struct mm_struct *vm_mm;                /* (c) */
	unsigned long vm_flags;                 /* (m) VM_* */
	pgprot_t vm_page_prot;                  /* (m) PTE protection for its pages */
	unsigned long vm_pgoff;                 /* (m) file offset of vm_start, in pages */
	struct file *vm_file;                   /* (c) the mapped file (referenced), or NULL */
	const struct vm_operations_struct *vm_ops;      /* (c) NULL: anonymous memory */
	void *vm_private_data;                  /* (c) the vm_ops' own */
	struct rb_node vm_rb;                   /* (m) in mm->mm_rb */
	/* (i) in vm_file's mapping->i_mmap: [vm_pgoff, vma_last_pgoff()] as
	 * they were at insertion (mm/rmap.c) */
	struct interval_tree_node vm_shared;
	/* The anon_vma of the anonymous pages this VMA may map (its own, a
	 * private file mapping's COW copies), shared with the VMAs split or
	 * forked from it; NULL until its first anonymous page (mm/rmap.c).
	 * Set under mmap_lock (read, with page_table_lock: anon_vma_prepare)
	 * or mmap_lock (write: split, merge, fork); constant once set. */
	struct anon_vma *anon_vma;
	/* (anon_vma->lock) on anon_vma->head; vm_start/vm_end/vm_pgoff of a
	 * VMA with an anon_vma change only under that lock too */
	struct list_head anon_vma_node;
};

/*
 * Resident pages of an address space by kind, as Linux's rss_stat
 * (indices in Linux's order): pages of files, anonymous pages (also a
 * private file mapping's COW copies), swap entries (none until swap
 * exists) and shared anonymous (shmem) pages. Kept where PTEs that map a
 * struct page are set and cleared (mm/memory.c).
 */
enum {
	MM_FILEPAGES,
	MM_ANONPAGES,
	MM_SWAPENTS,
	MM_SHMEMPAGES,
	NR_MM_COUNTERS
};

/*
 * An address space: page tables and the VMAs that say what may be mapped
 * in them. The kernel's is init_mm (page tables only); each user process
 * has its own.
 */
struct mm_struct {
	pgd_t *pgd;                             /* (c) top-level table, direct-map address */
	spinlock_t page_table_lock;             /* protects every table below pgd, and PTEs */
	struct rw_semaphore mmap_lock;          /* protects the VMA set and VMA fields */
	struct rb_root mm_rb;                   /* (m) VMAs by address */
	int map_count;                          /* (m) number of VMAs */
	int mm_users;                           /* (a) tasks using this address space */
	/* (a) references to the mm_struct and its page tables: one for all
	 * of mm_users together, one per CPU with it in CR3 (arch/x86_64/tlb.c:
	 * a lazy CPU keeps the tables alive after the last user is gone). */
	int mm_count;
	/* (a) CPUs that may cache translations of this mm: set before a CPU
	 * loads it into CR3, cleared after that CPU loads another
	 * (switch_mm_irqs_off); read by flush_tlb_mm_range after a full
	 * barrier (asm/tlbflush.h). */
	struct cpumask cpu_mask;
	/* (p) reclaim cleared a PTE of this mm and deferred its flush to
	 * its batch (mm/tlb.c, flush_tlb_batched_pending). */
	bool tlb_flush_batched;
	unsigned long mmap_base;                /* (m) where top-down placement starts */
	unsigned long start_brk, brk;           /* (m) the heap: [start_brk, brk) */
	unsigned long start_stack;              /* (m) */
	/* (c) the program's file, referenced (/proc/PID/exe); set by execve
	 * before anyone sees the mm, copied by fork, dropped by the last
	 * mmput; NULL for an mm made otherwise */
	struct file *exe_file;
	/* (m) argv's and envp's strings on the stack, set by execve:
	 * /proc/PID/cmdline and environ read the process's memory there */
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long total_vm;                 /* (m) pages mapped by VMAs */
	unsigned long locked_vm;                /* (m) pages of VM_LOCKED VMAs (VmLck) */
	unsigned long def_flags;                /* (m) VM_LOCKED_MASK bits for new VMAs (MCL_FUTURE) */
	/* (a) resident pages by kind (enum above), changed under
	 * page_table_lock but read without it (/proc, the OOM killer); a
	 * momentary negative value reads as 0 (get_mm_counter) */
	long rss_stat[NR_MM_COUNTERS];
	/* (a) page-table pages below the pgd (PUD, PMD and PTE tables): added
	 * by pte_alloc, freed only with the mm (VmPTE, the OOM badness) */
	long nr_pgtables;
};

extern struct mm_struct init_mm;

#endif
