/*
 * The page-cache index (see include/mm/page_tree.h): a radix tree of
 * 64-way nodes keyed by page index, one per address_space. A tree of
 * height h covers indexes 0 .. 64^h - 1; it grows at the top when a larger
 * index arrives, and a node is freed when its last slot empties. Lookups
 * cost one step per level (at most 11 for 64-bit indexes), and a sparse
 * file costs no more than its pages need.
 *
 * Locks: every function here but radix_preload/radix_preload_end runs
 * under the mapping's tree_lock (the caller's) and never allocates: the
 * nodes an insertion needs are allocated before the lock is taken
 * (radix_preload, Linux's radix_tree_preload), where the allocator may
 * sleep and reclaim. Allocating under the lock instead would leave
 * reclaim unable to free this very file's pages (it needs the lock) when
 * that file is all the page cache there is.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/fs.h>
#include <mm/page_tree.h>
#include <mm/slab.h>

#define RADIX_SHIFT 6
#define RADIX_SLOTS (1UL << RADIX_SHIFT)
#define RADIX_MASK (RADIX_SLOTS - 1)

/* A node at height h covers RADIX_SLOTS^h pages; height-1 nodes hold pages. */
struct radix_node {
	void *slots[RADIX_SLOTS];
	unsigned int count;                     /* non-NULL slots */
};

static unsigned long radix_max_index(unsigned int height)
{
	if (height * RADIX_SHIFT >= 64)
		return ~0UL;
	return (1UL << (height * RADIX_SHIFT)) - 1;
}

static unsigned int radix_slot(unsigned long index, unsigned int level)
{
	return (index >> (level * RADIX_SHIFT)) & RADIX_MASK;
}

/* Context: tree_lock held. */
struct page *radix_lookup(struct address_space *m, unsigned long index)
{
	struct radix_node *node = m->page_tree;

	if (!node || index > radix_max_index(m->tree_height))
		return NULL;
	for (unsigned int level = m->tree_height - 1; level > 0; level--) {
		node = node->slots[radix_slot(index, level)];
		if (!node)
			return NULL;
	}
	return node->slots[radix_slot(index, 0)];
}

unsigned int radix_nodes_needed(struct address_space *m, unsigned long index)
{
	struct radix_node *node = m->page_tree;
	unsigned int height = m->tree_height, grow = 0;

	if (!node || index > radix_max_index(height)) {
		while (!height || index > radix_max_index(height)) {
			height++;
			grow++;
		}
		return grow + height - 1;       /* at most: the path below may be new too */
	}
	for (unsigned int level = height - 1; level > 0; level--) {
		node = node->slots[radix_slot(index, level)];
		if (!node)
			return level;           /* this level's node and each one below */
	}
	return 0;
}

int radix_preload(struct radix_preload *p, unsigned int want, gfp_t gfp)
{
	if (want > RADIX_PRELOAD_MAX)
		want = RADIX_PRELOAD_MAX;
	while (p->nr < want) {
		struct radix_node *n = kzalloc(sizeof(*n), gfp);

		if (!n)
			return -ENOMEM;
		p->nodes[p->nr++] = n;
	}
	return 0;
}

void radix_preload_end(struct radix_preload *p)
{
	while (p->nr)
		kfree(p->nodes[--p->nr]);
}

static struct radix_node *radix_node_take(struct radix_preload *p)
{
	return p->nr ? p->nodes[--p->nr] : NULL;
}

/* Grow the tree until @index fits. Context: tree_lock held. */
static int radix_extend(struct address_space *m, unsigned long index, struct radix_preload *p)
{
	while (!m->page_tree || index > radix_max_index(m->tree_height)) {
		struct radix_node *n = radix_node_take(p);

		if (!n)
			return -ENOMEM;
		if (m->page_tree) {
			n->slots[0] = m->page_tree;
			n->count = 1;
		}
		m->page_tree = n;
		m->tree_height++;
	}
	return 0;
}

/* Insert @page at @index (which must be empty). Context: tree_lock held. */
int radix_insert(struct address_space *m, unsigned long index, struct page *page,
		 struct radix_preload *p)
{
	struct radix_node *node;
	int err = radix_extend(m, index, p);

	if (err)
		return err;
	node = m->page_tree;
	for (unsigned int level = m->tree_height - 1; level > 0; level--) {
		void **slot = &node->slots[radix_slot(index, level)];

		if (!*slot) {
			*slot = radix_node_take(p);
			if (!*slot)
				return -ENOMEM;         /* the empty node stays; harmless */
			node->count++;
		}
		node = *slot;
	}
	ASSERT(!node->slots[radix_slot(index, 0)]);
	node->slots[radix_slot(index, 0)] = page;
	node->count++;
	return 0;
}

/* Remove the entry at @index, freeing nodes that become empty.
 * Context: tree_lock held. */
void radix_delete(struct address_space *m, unsigned long index)
{
	struct radix_node *path[64 / RADIX_SHIFT + 2];
	struct radix_node *node = m->page_tree;
	unsigned int level = m->tree_height;

	if (!node || index > radix_max_index(level))
		return;
	for (unsigned int l = level - 1; l > 0; l--) {
		path[l] = node;
		node = node->slots[radix_slot(index, l)];
		if (!node)
			return;
	}
	path[0] = node;
	for (unsigned int l = 0; l < level; l++) {
		struct radix_node *n = path[l];

		n->slots[radix_slot(index, l)] = NULL;
		if (--n->count > 0)
			return;
		kfree(n);
		if (l + 1 == level) {
			m->page_tree = NULL;
			m->tree_height = 0;
			return;
		}
	}
}

/*
 * The first page at an index >= *@index, or NULL; *@index is set to its
 * index. Missing subtrees are skipped whole, so a sparse file costs no
 * more than a dense one. Context: tree_lock held.
 */
struct page *radix_next(struct address_space *m, unsigned long *index)
{
	unsigned long i = *index;

	while (m->page_tree && i <= radix_max_index(m->tree_height)) {
		struct radix_node *node = m->page_tree;
		unsigned int level;

		for (level = m->tree_height - 1; level > 0; level--) {
			struct radix_node *child = node->slots[radix_slot(i, level)];

			if (!child)
				break;
			node = child;
		}
		if (level > 0) {                /* no subtree here: skip its span */
			unsigned long span = 1UL << (level * RADIX_SHIFT);

			i = (i & ~(span - 1)) + span;
		} else {
			for (unsigned int s = radix_slot(i, 0); s < RADIX_SLOTS; s++) {
				if (node->slots[s]) {
					*index = (i & ~RADIX_MASK) | s;
					return node->slots[s];
				}
			}
			i = (i | RADIX_MASK) + 1;
		}
		if (!i)
			break;                  /* wrapped past the largest index */
	}
	return NULL;
}
