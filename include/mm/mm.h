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
#define MAP_NORESERVE   0x4000
#define MAP_POPULATE    0x8000
#define MAP_FIXED_NOREPLACE 0x100000

/* ---- the fault hook API ------------------------------------------------- */

typedef unsigned int vm_fault_t;
#define VM_FAULT_OOM            0x0001  /* out of memory */
#define VM_FAULT_SIGBUS         0x0002  /* no page can back this address (e.g. past EOF) */
#define VM_FAULT_MAJOR          0x0004  /* the page had to be read from disk */
#define VM_FAULT_SIGSEGV        0x0040
#define VM_FAULT_NOPAGE         0x0100  /* the handler installed the PTE itself */
#define VM_FAULT_LOCKED         0x0200  /* ->fault returns the page locked */
#define VM_FAULT_RETRY          0x0400  /* dropped locks; the fault is retried from the top */
#define VM_FAULT_DONE_COW       0x1000  /* the handler filled cow_page itself */
#define VM_FAULT_ERROR          (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)

/* Fault flags: what the hardware said, in generic terms (arch fault.c). */
#define FAULT_FLAG_WRITE        0x01    /* a write access */
#define FAULT_FLAG_MKWRITE      0x02    /* write to a present, write-protected PTE */
#define FAULT_FLAG_USER         0x04    /* from user mode */
#define FAULT_FLAG_INSTRUCTION  0x08    /* an instruction fetch */

struct page;

/* One fault, threaded through the chain of handlers in mm/memory.c. */
struct vm_fault {
	struct vm_area_struct *vma;     /* the VMA that covers the address */
	unsigned long address;          /* page-aligned faulting address */
	unsigned long real_address;     /* the exact address, for si_addr */
	unsigned long pgoff;            /* file page of address (vma->vm_pgoff based) */
	unsigned int flags;             /* FAULT_FLAG_* */
	pte_t *pte;                     /* the PTE slot (page table exists) */
	pte_t orig_pte;                 /* its value when the fault began */
	struct page *page;              /* out: ->fault's page, referenced */
	struct page *cow_page;          /* in: private write fault's new page */
	unsigned int truncate_count;    /* the file's, sampled before ->fault */
};

/*
 * How a VMA's pages are found: the hook API (docs/fault-api.md with the
 * file-mappings issue; ->page_mkwrite and more arrive there).
 */
struct vm_operations_struct {
	/* A VMA was duplicated (fork) or split: take its references. */
	void (*open)(struct vm_area_struct *vma);
	/* A VMA goes away (munmap, exit, the old half of a split). */
	void (*close)(struct vm_area_struct *vma);
	/* Find the page for vmf->pgoff: set vmf->page (referenced, uptodate)
	 * and return 0 (or VM_FAULT_LOCKED with it locked), or install the
	 * PTE itself and return VM_FAULT_NOPAGE, or fail with
	 * VM_FAULT_SIGBUS / VM_FAULT_OOM. Context: mmap_lock held for read;
	 * may sleep. */
	vm_fault_t (*fault)(struct vm_fault *vmf);
	/* A page of a shared mapping (vmf->page, referenced, unlocked) is
	 * about to become writable: the filesystem may reserve blocks and
	 * update times. Returns 0, or VM_FAULT_SIGBUS (e.g. no space: the
	 * process gets SIGBUS), VM_FAULT_OOM, or VM_FAULT_NOPAGE (the page
	 * went away: the fault is retried). Context: mmap_lock held for
	 * reading, no page-table lock; may sleep. Optional. */
	vm_fault_t (*page_mkwrite)(struct vm_fault *vmf);
	const char *name;               /* for /proc/PID/maps and GDB */
};

/* ---- address spaces -------------------------------------------------------- */

/* Flush @addr of @mm from the TLB (after a PTE was cleared or restricted). */
static inline void flush_tlb_mm_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_page_pgd(__pa(mm->pgd), addr);
}

struct mm_struct *mm_alloc(void);
/* Drop a user of @mm; the last one unmaps everything and frees it. */
void mmput(struct mm_struct *mm);
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
/* Unmap [start, start+len); splitting VMAs at the edges. Returns 0 or -errno. */
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
/* mprotect(2). Context: mmap_lock held for write. */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long len, unsigned long prot);

/* The PTE protection for a VMA with @vm_flags (arch: x86 cannot express
 * write-only, and private writable pages start read-only for COW). */
pgprot_t vm_get_page_prot(unsigned long vm_flags);

/* ---- the fault path (mm/memory.c) ------------------------------------------- */

/* The page cache's ->fault, and its ops (mm/filemap.c). */
vm_fault_t filemap_fault(struct vm_fault *vmf);
extern const struct vm_operations_struct generic_file_vm_ops;
/* MAP_SHARED|MAP_ANONYMOUS: back @vma with a new shared object (mm/shmem.c). */
int shmem_zero_setup(struct vm_area_struct *vma);
/* Is @vma shared anonymous memory (backed by shmem_zero_setup)? */
bool vma_is_anon_shmem(const struct vm_area_struct *vma);

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

#endif
