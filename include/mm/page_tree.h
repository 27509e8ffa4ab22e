/*
 * The page-cache index of an address_space (mm/page_tree.c): page index ->
 * struct page, as a radix tree (mapping->page_tree, mapping->tree_height).
 * The tree only stores pointers; the page cache (mm/filemap.c) owns the
 * references and page->mapping/index.
 *
 * Context: every call with mapping->tree_lock held.
 */
#ifndef _MM_PAGE_TREE_H
#define _MM_PAGE_TREE_H

#include <fs/fs.h>

/* The page at @index, or NULL. */
struct page *radix_lookup(struct address_space *m, unsigned long index);
/* Store @page at @index, which must be empty. Returns 0 or -ENOMEM. */
int radix_insert(struct address_space *m, unsigned long index, struct page *page);
/* Empty the slot at @index (nothing there is fine). */
void radix_delete(struct address_space *m, unsigned long index);
/* The first page at an index >= *@index, with *@index set to its index;
 * NULL if there is none. */
struct page *radix_next(struct address_space *m, unsigned long *index);

#endif
