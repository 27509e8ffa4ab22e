/*
 * User address spaces: VMAs, mmap/munmap/mprotect/brk, and the fault path.
 *
 * Locks (docs/locking.md): mm->mmap_lock (rw-semaphore) guards the VMA
 * set: read for faults and lookups, write for anything that adds, removes,
 * splits or changes a VMA. mm->page_table_lock (spinlock) guards the page
 * tables and every PTE; it is taken inside mmap_lock.
 */
#ifndef _MM_MM_H
#define _MM_MM_H

#include <kernel/types.h>
#include <mm/mm_types.h>
#include <asm/page.h>
#include <asm/tlbflush.h>
#include <kernel/smp.h>

/* mmap() prot and flags: Linux's values. */
#define PROT_NONE       0x0
#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE        0x0f
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20
#define MAP_GROWSDOWN   0x0100
#define MAP_LOCKED      0x2000          /* mlock the mapping (mm/mlock.c) */
#define MAP_NORESERVE   0x4000
#define MAP_HUGETLB     0x40000
#define MAP_POPULATE    0x8000
#define MAP_FIXED_NOREPLACE 0x100000

/* ---- the fault hook API ------------------------------------------------- */

/*
 * What a fault handler (and each step of the chain in mm/memory.c)
 * returns: 0 for "resolved", or these bits. docs/fault-api.md shows them in
 * use by the drivers in drivers/ and by filemap_fault.
 */
typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM            0x0001  /* no memory: the task is killed (SIGKILL) */
#define VM_FAULT_SIGBUS         0x0002  /* nothing can back this address (past EOF, I/O
					 * error, no disk space): SIGBUS, BUS_ADRERR */
#define VM_FAULT_MAJOR          0x0004  /* resolved, but had to wait for the disk
					 * (counted in ru_majflt instead of ru_minflt) */
#define VM_FAULT_SIGSEGV        0x0040  /* refuse the access: SIGSEGV, SEGV_ACCERR */
#define VM_FAULT_NOPAGE         0x0100  /* nothing to install: the handler installed the
					 * PTE itself, or the state changed and the access
					 * should simply be tried again by the CPU */
#define VM_FAULT_LOCKED         0x0200  /* with 0: ->fault's page comes locked */
#define VM_FAULT_RETRY          0x0400  /* start the fault again from the VMA lookup (the
					 * one loop in do_user_addr_fault): e.g. a truncate
					 * ran while the page was being mapped */
#define VM_FAULT_DONE_COW       0x1000  /* ->fault filled vmf->cow_page itself */
#define VM_FAULT_ERROR          (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* Fault flags: what the hardware said, in generic terms (arch fault.c). */
#define FAULT_FLAG_WRITE        0x01    /* a write access */
#define FAULT_FLAG_MKWRITE      0x02    /* set while ->page_mkwrite runs */
#define FAULT_FLAG_USER         0x04    /* from user mode */
#define FAULT_FLAG_INSTRUCTION  0x08    /* an instruction fetch */
#define FAULT_FLAG_MAJOR        0x10    /* core only: ->fault waited for the disk
					 * (VM_FAULT_MAJOR), kept for the accounting
					 * past the steps that follow it */

struct page;
struct seq_buf;

/*
 * One fault, threaded through the chain of handlers in mm/memory.c and
 * handed to the VMA's hooks. "in" fields are set by the core before the
 * hook runs; "out" fields are the hook's answer.
 */
struct vm_fault {
	struct vm_area_struct *vma;     /* in: the VMA that covers the address */
	unsigned long address;          /* in: page-aligned faulting address */
	unsigned long real_address;     /* in: the exact address (si_addr) */
	unsigned long pgoff;            /* in: file page of address: vm_pgoff +
					 * (address - vm_start) / PAGE_SIZE */
	unsigned int flags;             /* in: FAULT_FLAG_* */
	pte_t *pte;                     /* in: the PTE slot (its table exists) */
	pte_t orig_pte;                 /* in: the PTE's value when the fault began; the
					 * core installs only if it is still that */
	struct page *page;              /* out of ->fault: the page, referenced;
					 * in to ->page_mkwrite: the page to be written */
	struct page *cow_page;          /* in to ->fault for a private write: a new page
					 * that becomes the process's private copy */
	unsigned int truncate_count;    /* core only: the file's, sampled before ->fault */
};

/*
 * How the pages of a VMA are found: the fault hook API. A driver or a
 * filesystem sets vma->vm_ops in its file_operations ->mmap. Every hook
 * runs in process context with the faulting mm's mmap_lock held (for
 * reading in a fault; for writing in open/close, and when mmap itself
 * faults pages in for MAP_POPULATE) and no spinlock held, so it may
 * sleep. A hook never drops mmap_lock: a VM_FAULT_RETRY it returns is
 * handled by the caller's loop, which drops and retakes the lock.
 * docs/fault-api.md walks through the drivers in drivers/ that use them.
 */
struct vm_operations_struct {
	/*
	 * A new VMA now shares this one's backing: fork copied it (the copy
	 * is the argument), or a split made a second half of it. Take
	 * whatever per-VMA reference the driver keeps. Optional.
	 */
	void (*open)(struct vm_area_struct *vma);
	/*
	 * @vma goes away: munmap, exit, exec, a failed mmap after ->mmap, or
	 * a merge that absorbed it. Its PTEs are already gone. Optional.
	 */
	void (*close)(struct vm_area_struct *vma);
	/*
	 * The PTE for vmf->address is missing; find what maps vmf->pgoff.
	 * One of:
	 *   - set vmf->page to a referenced, uptodate page and return 0 (page
	 *     unlocked) or VM_FAULT_LOCKED (page locked; the core unlocks it
	 *     right away, so every later step sees one contract: unlocked),
	 *     possibly or-ed with VM_FAULT_MAJOR. The core maps it (read,
	 *     shared write) or copies it into cow_page (private write) and
	 *     drops the reference when it is done with it;
	 *   - for a private write (vmf->cow_page set), fill cow_page yourself
	 *     and return VM_FAULT_DONE_COW (vmf->page is then unused);
	 *   - install the PTE yourself with vm_insert_page()/vm_insert_pfn()
	 *     and return VM_FAULT_NOPAGE (device memory that is not a page of
	 *     a file: drivers/shbuf.c);
	 *   - fail: VM_FAULT_SIGBUS (no page here, e.g. wholly past EOF) or
	 *     VM_FAULT_OOM.
	 * Required for a VMA that can fault; filemap_fault is the one for
	 * files in the page cache.
	 */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	/*
	 * Fault-around: a read fault on a missing PTE first offers the pages
	 * [start_pgoff, end_pgoff] of the file around vmf->pgoff (the window
	 * do_fault_around computed: fault_around_bytes, aligned, inside the
	 * VMA and one page table; vmf->pgoff included) to map those that are
	 * ready right now: cached, uptodate, not locked, inside i_size. It
	 * takes no I/O and never waits: page locks are only tried. It maps
	 * through finish_fault_around(), which rechecks truncate_count and
	 * never maps a page writable. Returns 0 (the core then looks at
	 * vmf->pte: if the faulting page was among those mapped, the fault
	 * is resolved; otherwise ->fault runs as usual). Context: mmap_lock
	 * held for reading, no spinlock; must not sleep (but for the
	 * fault_delay= debug switch, which finish_fault_around honours).
	 * Optional; filemap_map_pages is the page cache's.
	 */
	vm_fault_t (*map_pages)(struct vm_fault *vmf, unsigned long start_pgoff,
				unsigned long end_pgoff);
	/*
	 * A page of a shared writable mapping is about to become writable:
	 * the first write to it since it was last clean (write notification:
	 * clean pages of such a VMA are mapped read-only). vmf->page is
	 * referenced and unlocked. The backer may allocate disk blocks for it,
	 * update the file's times, or refuse. Return 0 to allow the write,
	 * VM_FAULT_SIGBUS to refuse it (no space: the writer gets SIGBUS
	 * instead of losing the data at writeback), VM_FAULT_OOM, or
	 * VM_FAULT_NOPAGE if the page left the file meanwhile (lock it and
	 * check page->mapping; the access is then tried again). No PTE lock
	 * is held. Optional: without it the page is simply made writable and
	 * dirty.
	 */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	/* A short name for /proc/PID/maps, fl-vmas in GDB, and fault logs. */
	const char *name;
};

/* ---- address spaces -------------------------------------------------------- */

struct mm_struct *mm_alloc(void);
/* Drop a user of @mm; the last one unmaps everything and drops the users'
 * mm_count reference. */
void mmput(struct mm_struct *mm);
/* Take / drop a reference to the mm_struct and its page tables (not to
 * its mappings); the last mmdrop frees the tables and the struct.
 * Context: any (the frees are interrupt-safe allocator calls). */
static inline void mmgrab(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->mm_count, 1, __ATOMIC_SEQ_CST);
}
void mmdrop(struct mm_struct *mm);
/* Take another user of @mm, which the caller knows cannot drop to zero
 * meanwhile (get_pid_mm: under tasklist_lock, while the owner still has
 * its own). */
static inline void mmget(struct mm_struct *mm)
{
	__atomic_add_fetch(&mm->mm_users, 1, __ATOMIC_SEQ_CST);
}
/* fork: a copy of @old (private pages shared copy-on-write). */
struct mm_struct *dup_mm(struct mm_struct *old);

/* The first VMA with vm_end > @addr, or NULL. Context: mmap_lock held. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
struct vm_area_struct *vma_prev(struct vm_area_struct *vma);

/*
 * Map [addr, addr+len) (see mmap(2)). Returns the address or a negative
 * errno. @file may be NULL (anonymous). Context: mmap_lock held for write.
 */
long do_mmap(struct mm_struct *mm, struct file *file, unsigned long addr, unsigned long len,
	     unsigned long prot, unsigned long flags, unsigned long pgoff);
/* A kernel-made mapping with no file whose pages @ops->fault inserts (the
 * vDSO). Returns 0, -EEXIST, -ENOMEM. Context: mmap_lock held for writing. */
int install_special_mapping(struct mm_struct *mm, unsigned long addr, unsigned long len,
			    unsigned long vm_flags, const struct vm_operations_struct *ops);
/* Unmap [start, start+len); splitting VMAs at the edges. Returns 0 or -errno. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* mprotect(2). Context: mmap_lock held for write. */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);
/* The VM_* flags of a new mapping with PROT_* @prot and MAP_* @flags. */
unsigned long calc_vm_flags(unsigned long prot, unsigned long flags);
/* Set vma->vm_page_prot from its flags (read-only PTEs for a VMA that
 * wants write notification). Context: mmap_lock held for writing. */
void vma_set_page_prot(struct vm_area_struct *vma);
/* Cut @vma at @addr (@new_below: the new VMA is the part below), and merge
 * @vma with identical neighbours (returns the survivor): the mprotect-style
 * VMA changes mm/mlock.c reuses. Context: mmap_lock held for write. */
int split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
	      bool new_below);
struct vm_area_struct *vma_merge_neighbours(struct mm_struct *mm, struct vm_area_struct *vma);
/* Split @vma so that it covers exactly [start, end) (inside it), before
 * a change of its flags over that range (mprotect, mlock, madvise).
 * Returns 0 or -ENOMEM (a split may have happened). Context: mmap_lock
 * held for writing. */
int vma_isolate_range(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long start,
		      unsigned long end);

/* madvise's hints that are VMA flags (mm/madvise.c): set the bits @mask
 * of the VMAs of [start, end) to @flags (the readahead bits VM_SEQ_READ
 * and VM_RAND_READ; VM_DONTCOPY; VM_WIPEONFORK, for private anonymous
 * memory only if @private_anon_only, else -EINVAL), splitting them at the
 * ends; returns 0, or -ENOMEM for a hole (the rest is still done) or a
 * failed split. Context: takes mmap_lock for writing. */
int madvise_set_vma_flags(struct mm_struct *mm, unsigned long start, unsigned long end,
			  unsigned long mask, unsigned long flags, bool private_anon_only);
/* MADV_WILLNEED: start reading the file pages [start, end) of @vma maps
 * (nothing for anonymous memory). Context: mmap_lock held for reading. */
void madvise_willneed(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* ---- mlock (mm/mlock.c) ------------------------------------------------------ */

/* May the caller lock memory at all (RLIMIT_MEMLOCK non-zero, or
 * CAP_IPC_LOCK)? Linux's can_do_mlock. */
bool can_do_mlock(void);
/* May @mm get a new mapping of @len bytes with @vm_flags (VM_LOCKED counts
 * against RLIMIT_MEMLOCK)? Context: mmap_lock held for write. */
bool mlock_future_ok(struct mm_struct *mm, unsigned long vm_flags, unsigned long len);
/* The page at @addr of VM_LOCKED @vma was just faulted in: mark it
 * PG_mlocked. Context: mmap_lock held; takes page_table_lock. */
void mlock_vma_page_at(struct vm_area_struct *vma, unsigned long addr);
/* Set PG_mlocked on @page (a VM_LOCKED VMA maps it: the reverse-map walks
 * of reclaim found it). Context: any; atomic. */
void mlock_page(struct page *page);
/* @vma's pages in [start, end) are about to lose their lock (munmap,
 * exit): clear PG_mlocked where no other locked VMA maps them.
 * Context: mmap_lock held for write; may sleep (page locks). */
void munlock_vma_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* A page with PG_mlocked is being freed: uncount it. Context: any. */
void mlock_page_freed(struct page *page);
/* Pages with PG_mlocked now (/proc/meminfo's Mlocked). */
unsigned long nr_mlocked_pages(void);

/* Does @vma map clean pages read-only to hear of the first write to each
 * (shared, writable, and a backer that tracks dirty pages or has
 * ->page_mkwrite)? docs/dirty-tracking.md. */
bool vma_wants_writenotify(const struct vm_area_struct *vma);

/* The PTE protection for a VMA with @vm_flags (arch: x86 cannot express
 * write-only, and private writable pages start read-only for COW). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);

/* ---- the fault path (mm/memory.c) ------------------------------------------- */

/* The page cache's ->fault and ->map_pages, and its ops (mm/filemap.c). */
vm_fault_t filemap_fault(struct vm_fault *vmf);
vm_fault_t filemap_map_pages(struct vm_fault *vmf, unsigned long start_pgoff,
			     unsigned long end_pgoff);
extern const struct vm_operations_struct generic_file_vm_ops;
/* MAP_SHARED|MAP_ANONYMOUS: back @vma with a new shared object (mm/shmem.c). */
int shmem_zero_setup(struct vm_area_struct *vma);
/* Is @vma shared anonymous memory (backed by shmem_zero_setup)? */
bool vma_is_anon_shmem(const struct vm_area_struct *vma);
/* A reference to an anonymous shmem VMA's object, named by its mapping
 * (a shared futex's key), and its release. Context: get under mmap_lock;
 * put may sleep (the last reference frees the pages). */
struct address_space *shmem_get_mapping(struct vm_area_struct *vma);
void shmem_mapping_get(struct address_space *mapping);  /* another, given one */
void shmem_put_mapping(struct address_space *mapping);
/*
 * The page cache of a tmpfs file (fs/tmpfs.c) is a shmem object's: a new
 * one, referenced once (the inode's; shmem_put_mapping drops it), its
 * mapping's host @host. NULL without memory.
 */
struct inode;
struct address_space *shmem_mapping_create(struct inode *host);
/*
 * The object's page at @index, locked and referenced in *@pagep: in
 * memory, back from swap (*@major set), or, with @create, made zeroed.
 * Without @create a hole gives *@pagep NULL. Returns 0, -ENOMEM, or -EIO
 * (an unreadable swap slot). Context: may sleep.
 */
int shmem_getpage(struct address_space *m, unsigned long index, bool create,
		  struct page **pagep, bool *major);
/* Free the swap slots of the object's pages wholly past @lstart (after
 * truncate_inode_pages dropped the resident ones). Context: may sleep. */
void shmem_truncate_swap(struct address_space *m, loff_t lstart);
/* Pages the object holds, in memory or on swap (st_blocks, size=). */
unsigned long shmem_nr_pages(struct address_space *m);

/* Boot: allocate the zero page. */
void memory_init(void);
bool is_zero_page(const struct page *page);
/*
 * For ->fault handlers that install the PTE themselves and then return
 * VM_FAULT_NOPAGE: map @page (the caller keeps its own reference; the PTE
 * takes another) or the raw frame @pfn (VM_PFNMAP VMAs only: device memory,
 * no struct page, never reference-counted) at @addr of @vma with
 * vma->vm_page_prot. Returns 0, -EBUSY if something is already mapped
 * there, -EFAULT if @addr is outside @vma, or -ENOMEM.
 * Context: mmap_lock held (a ->fault handler holds it for reading).
 */
int vm_insert_page(struct vm_area_struct *vma, unsigned long addr, struct page *page);
int vm_insert_pfn(struct vm_area_struct *vma, unsigned long addr, unsigned long pfn);

/* Map @page (reference passed in) at vmf->address if the PTE is unchanged. */
vm_fault_t finish_fault(struct vm_fault *vmf, struct page *page);
/*
 * Fault-around's install step, for ->map_pages: map each of the @nr pages
 * of @pages (page-cache pages of the VMA's file, each referenced by the
 * caller) at its file offset page->index, if that offset lies in
 * [@first, @last] (the caller's window, already cut at EOF by an i_size
 * read after do_fault's truncate_count sample), its PTE is none, its lock
 * can be had without waiting, and under that lock it is still the file's
 * page and uptodate. Read-only, always (a write must still fault: COW in
 * a private mapping, write notification in a shared one). Nothing is
 * mapped if a truncate ran since the sample (the fault path's own
 * recheck). The reference of each page mapped passes to its PTE;
 * @pages[i] is set to NULL for those, and the caller puts the rest.
 * Returns how many were mapped.
 * Context: mmap_lock held for reading, no spinlock; takes page_table_lock
 * and tries page locks under it; does not sleep (but for fault_delay=).
 */
unsigned int finish_fault_around(struct vm_fault *vmf, struct page **pages, unsigned int nr,
				 unsigned long first, unsigned long last);
/* /proc/sys/vm/fault_around_bytes (also the boot option of that name):
 * how much of a file a read fault maps around itself (mm/memory.c). */
int fault_around_bytes_show(struct seq_buf *m, int pid);
int fault_around_bytes_store(const char *buf, size_t len);

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);

/* Result of a user-address fault, for the arch handler to act on. */
enum user_fault_result {
	USER_FAULT_OK,
	USER_FAULT_MAPERR,              /* SIGSEGV, SEGV_MAPERR: nothing mapped there */
	USER_FAULT_ACCERR,              /* SIGSEGV, SEGV_ACCERR: mapped, not allowed */
	USER_FAULT_SIGBUS,              /* SIGBUS, BUS_ADRERR */
	USER_FAULT_OOM,
};
/* The generic entry from the arch page-fault handler for a user address.
 * Context: may sleep; takes mmap_lock for read. */
enum user_fault_result do_user_addr_fault(struct mm_struct *mm, unsigned long address,
					  unsigned int flags);

/* Fault in every page of [start, start + len) now (MAP_POPULATE), writing
 * where the mapping is private and writable (which breaks COW: item 28).
 * Stops quietly at the first page that cannot be had (past EOF).
 * Context: mmap_lock held. */
void mm_populate(struct mm_struct *mm, unsigned long start, unsigned long len);

/*
 * Copy @len bytes at @addr of @mm (not current's) into @buf, faulting pages
 * in as a read would. Stops at the first address that is unmapped, not
 * readable, or cannot be brought in. Returns the bytes copied (0..@len).
 * Context: may sleep; the caller holds a reference to @mm and no
 * mmap_lock (mm/process_vm.c).
 */
int access_remote_vm(struct mm_struct *mm, unsigned long addr, void *buf, int len);

/* Remove every PTE mapping file pages of @m in [holebegin, holebegin +
 * holelen) (0: to the end), in every process; with @even_cows the private
 * copies made from them too. Bumps m->truncate_count. */
void unmap_mapping_range(struct address_space *m, loff_t holebegin, loff_t holelen,
			 bool even_cows);

/* Unmap the pages of [start, end) in @vma and release them. Context:
 * mmap_lock held; takes the page-table lock. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* fork: copy @src's PTEs into @dst_mm, write-protecting private pages in both. */
int copy_page_range(struct mm_struct *dst_mm, struct vm_area_struct *src);
/* Apply vma->vm_page_prot to the present PTEs of [start, end). */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);

/* ---- resident set size (mm->rss_stat; Linux's get_mm_counter) ---- */

/* Pages of kind @member (MM_FILEPAGES...) that @mm maps now. Context: any;
 * the value may be stale by the time it is used. */
static inline unsigned long get_mm_counter(struct mm_struct *mm, int member)
{
	long v = __atomic_load_n(&mm->rss_stat[member], __ATOMIC_RELAXED);

	/* A zap on one CPU may run ahead of the fault that set the PTE it
	 * clears: the sum is right once both are done. */
	return v < 0 ? 0 : (unsigned long)v;
}

static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	__atomic_add_fetch(&mm->rss_stat[member], value, __ATOMIC_RELAXED);
}

/* Swap entries in @mm's page tables: what the OOM badness and VmSwap add
 * to the resident pages. 0 until swap exists; its PTE code keeps
 * MM_SWAPENTS. */
static inline unsigned long get_mm_swapents(struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_SWAPENTS);
}

/* VmRSS: file, anonymous and shmem pages resident. */
static inline unsigned long get_mm_rss(struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

static inline unsigned long mm_pgtables_pages(struct mm_struct *mm)
{
	long v = __atomic_load_n(&mm->nr_pgtables, __ATOMIC_RELAXED);

	return v < 0 ? 0 : (unsigned long)v;
}

#endif
