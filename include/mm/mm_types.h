/*
 * struct page and struct mm_struct.
 *
 * Field-protection legend (STYLE.md):
 *   (a) atomic operations only     (z) zone->lock (buddy allocator)
 *   (s) the slab cache's lock      (c) constant after creation
 *   (o) owner: whoever allocated the page and holds a reference
 *   (p) mm->page_table_lock
 */
#ifndef _MM_MM_TYPES_H
#define _MM_MM_TYPES_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <asm/pgtable.h>

struct address_space;
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
			unsigned long private;          /* (z) buddy order while PG_buddy */
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
	PG_referenced,
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
#define PageWriteback(p) test_page_flag(p, PG_writeback)

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
static inline int page_mapcount(const struct page *p)
{
	return __atomic_load_n(&p->_mapcount, __ATOMIC_ACQUIRE) + 1;
}

/*
 * An address space: a page-table root and its lock. The kernel's is
 * init_mm; user processes get theirs (with VMAs) in the user-space issue.
 */
struct mm_struct {
	pgd_t *pgd;                             /* (c) top-level table, direct-map address */
	spinlock_t page_table_lock;             /* protects every table below pgd */
};

extern struct mm_struct init_mm;

#endif
