/*
 * The page-cache index of an address_space (mm/page_tree.c): page index ->
 * struct page, as a radix tree (mapping->page_tree, mapping->tree_height).
 * The tree only stores pointers; the page cache (mm/filemap.c) owns the
 * references and page->mapping/index.
 *
 * Context: every call with mapping->tree_lock held, but radix_preload and
 * radix_preload_end (no spinlock held: they allocate and free).
 */
#ifndef _MM_PAGE_TREE_H
#define _MM_PAGE_TREE_H

#include <fs/fs.h>
#include <mm/page_alloc.h>

/* Nodes allocated before tree_lock is taken, for one insertion (Linux's
 * radix_tree_preload): the tree never allocates under the lock. */
#define RADIX_PRELOAD_MAX 24            /* 11 levels to grow + 10 below, rounded up */
struct radix_preload {
	struct radix_node *nodes[RADIX_PRELOAD_MAX];
	unsigned int nr;                /* nodes[0 .. nr) are ready, zeroed */
};

/* The page at @index, or NULL. */
struct page *radix_lookup(struct address_space *m, unsigned long index);
/* How many new nodes storing at @index may need (an upper bound). */
unsigned int radix_nodes_needed(struct address_space *m, unsigned long index);
/* Have @p hold at least @want nodes. Returns 0 or -ENOMEM.
 * Context: no spinlock held if @gfp may sleep. */
int radix_preload(struct radix_preload *p, unsigned int want, gfp_t gfp);
/* Free the nodes an insertion did not use. */
void radix_preload_end(struct radix_preload *p);
/* Store @page at @index, which must be empty, with nodes from @p. Returns
 * 0, or -ENOMEM if @p held fewer than radix_nodes_needed() said. */
int radix_insert(struct address_space *m, unsigned long index, struct page *page,
		 struct radix_preload *p);
/* Empty the slot at @index (nothing there is fine). */
void radix_delete(struct address_space *m, unsigned long index);
/* The first page at an index >= *@index, with *@index set to its index;
 * NULL if there is none. */
struct page *radix_next(struct address_space *m, unsigned long *index);

#endif
