/*
 * Small-object allocation: kmalloc/kfree over slab caches.
 *
 * A kmem_cache hands out objects of one size carved from whole pages
 * ("slabs"); the free objects of a slab are chained through their first
 * word. kmalloc() picks the smallest size class that fits; above
 * KMALLOC_MAX_CACHE_SIZE it takes whole pages from the page allocator.
 * kfree() finds the owner through the object's struct page.
 *
 * Alignment: every object is aligned to the largest power of two dividing
 * its size class (at least 8), so kmalloc(64) is 64-byte aligned.
 *
 * Context: any; caches lock with interrupts disabled. Never sleeps.
 */
#ifndef _MM_SLAB_H
#define _MM_SLAB_H

#include <kernel/list.h>
#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <mm/page_alloc.h>

#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 2048

struct kmem_cache {
	const char *name;               /* (c) */
	unsigned int size;              /* (c) object size, rounded */
	unsigned int align;             /* (c) */
	unsigned int objects_per_slab;  /* (c) */
	spinlock_t lock;
	struct list_head partial;       /* (lock) slabs with free objects */
	struct list_head full;          /* (lock) slabs with none */
	unsigned long nr_slabs;         /* (lock) */
	unsigned long nr_allocated;     /* (lock) objects in use */
};

void kmem_cache_init(struct kmem_cache *c, const char *name, unsigned int size, unsigned int align);
void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *c, void *obj);
/* Give back the cache's slabs. Every object must have been freed. */
void kmem_cache_destroy(struct kmem_cache *c);

void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);
/* The usable size of a kmalloc'ed object (its size class). */
size_t ksize(const void *obj);

void kmalloc_init(void);
/* Print each kmalloc cache's usage on the console (the monitor's "mem"). */
void kmalloc_print_stats(void);

#endif
