/*
 * Red-black trees, with the API of Linux's include/linux/rbtree.h.
 *
 * The tree is intrusive, like struct list_head: a struct rb_node is embedded
 * in each element and rb_entry() gets the element back. The library never
 * compares keys and never calls back into its user. The user writes the
 * search loop (it knows the key type; the library does not), links a new
 * node where that walk fell off the tree, and then asks the library to
 * rebalance. Faultline uses it to keep each address space's VMAs ordered by
 * start address.
 *
 * The invariants. Besides binary-search order (every node in a node's left
 * subtree sorts before it, every node in its right subtree after it):
 *
 *   (1) every node is red or black;
 *   (2) the root is black;
 *   (3) a red node has no red child (a NULL link counts as a black leaf);
 *   (4) from any node, every path down to a NULL link passes the same
 *       number of black nodes: the node's black height.
 *
 * Why they bound the height by 2*log2(n+1). Let h be the number of nodes on
 * the longest path from the root to a NULL link, and b the root's black
 * height (counting the node itself, not the NULL link).
 *   - A subtree of black height b has at least 2^b - 1 nodes. This holds for
 *     b = 0 (the empty subtree). A node of black height b has two subtrees of
 *     black height b or b - 1 (b - 1 if the node is black), so by induction
 *     it has at least 1 + 2 * (2^(b-1) - 1) = 2^b - 1 nodes.
 *   - By (2) and (3) the longest path starts black and never has two reds in
 *     a row, so at least half of its h nodes are black: b >= h/2.
 * So n >= 2^(h/2) - 1, which gives h <= 2*log2(n + 1). With a thousand
 * VMAs a lookup visits at most 20 nodes, in whatever order the VMAs were
 * created. A plain binary search tree becomes a list (h = n) on sorted
 * input, and sorted input is common: an mmap() that hands out addresses top
 * down creates VMAs in descending order.
 *
 * Cost: insert and erase are O(log n). They do at most two (insert) or three
 * (erase) rotations, plus recolouring that may climb towards the root.
 * kernel/rbtree.c explains each case.
 *
 * Usage. The element embeds the node, and the user writes the search and
 * insert loops. A sketch for VMAs (each covers [vm_start, vm_end), and VMAs
 * do not overlap):
 *
 *	struct vm_area_struct {
 *		unsigned long vm_start, vm_end;
 *		struct rb_node vm_rb;
 *		...
 *	};
 *
 *  Find the VMA that contains @addr, or NULL:
 *
 *	struct vm_area_struct *vma_tree_find(struct rb_root *root, unsigned long addr)
 *	{
 *		struct rb_node *n = root->rb_node;
 *
 *		while (n) {
 *			struct vm_area_struct *vma = rb_entry(n, struct vm_area_struct, vm_rb);
 *
 *			if (addr < vma->vm_start)
 *				n = n->rb_left;
 *			else if (addr >= vma->vm_end)
 *				n = n->rb_right;
 *			else
 *				return vma;
 *		}
 *		return NULL;
 *	}
 *
 *  Insert @new. The loop remembers the last node it visited (the new node's
 *  parent) and the link it would follow next (a NULL link in that parent).
 *  It returns false if @new overlaps an existing VMA:
 *
 *	bool vma_tree_insert(struct rb_root *root, struct vm_area_struct *new)
 *	{
 *		struct rb_node **link = &root->rb_node, *parent = NULL;
 *
 *		while (*link) {
 *			struct vm_area_struct *vma = rb_entry(*link, struct vm_area_struct, vm_rb);
 *
 *			parent = *link;
 *			if (new->vm_end <= vma->vm_start)
 *				link = &parent->rb_left;
 *			else if (new->vm_start >= vma->vm_end)
 *				link = &parent->rb_right;
 *			else
 *				return false;
 *		}
 *		rb_link_node(&new->vm_rb, parent, link);
 *		rb_insert_color(&new->vm_rb, root);
 *		return true;
 *	}
 *
 *  Walk in address order: for (n = rb_first(root); n; n = rb_next(n)) ...
 *  To erase while walking, fetch rb_next(n) before rb_erase(n, root).
 *
 * Representation: parent and colour in two fields. Linux packs them into one
 * word, __rb_parent_color. Nodes are at least 4-byte aligned, so the low bit
 * of the parent's address is always 0 and can hold the colour. That saves 8
 * bytes per node and costs a mask on every parent access. Faultline keeps
 * two fields, so a debugger shows both directly ("p *node" prints
 * __rb_color = RB_BLACK) and no reader has to decode a tagged pointer; a few
 * hundred VMAs per process make the 8 bytes irrelevant. Outside rbtree.c the
 * fields are read through rb_parent() and rb_is_red()/rb_is_black(), as in
 * Linux, so switching to the packed form would change only this header and
 * kernel/rbtree.c.
 *
 * Context: the library takes no lock, never sleeps and never allocates. The
 * tree's owner serialises all access to one tree (for the VMA tree: the
 * address space's mmap_lock, shared to walk, exclusive to insert or erase).
 * A rotation leaves the tree inconsistent for a moment, so nobody may walk a
 * tree while it is being changed.
 */
#ifndef _KERNEL_RBTREE_H
#define _KERNEL_RBTREE_H

#include <kernel/compiler.h>
#include <kernel/types.h>

enum rb_color { RB_RED = 0, RB_BLACK = 1 };     /* Linux's values */

struct rb_node {
	struct rb_node *__rb_parent;    /* NULL at the root; the node itself when cleared */
	struct rb_node *rb_right;
	struct rb_node *rb_left;
	enum rb_color __rb_color;
};

struct rb_root {
	struct rb_node *rb_node;        /* NULL when the tree is empty */
};

#define RB_ROOT ((struct rb_root) { NULL })

#define rb_entry(ptr, type, member) container_of(ptr, type, member)
/* rb_entry(), or NULL when @ptr is NULL (for rb_first() and friends). */
#define rb_entry_safe(ptr, type, member) ({                             \
	__typeof__(ptr) __rb_ptr = (ptr);                               \
	__rb_ptr ? rb_entry(__rb_ptr, type, member) : NULL;             \
})

#define RB_EMPTY_ROOT(root) (READ_ONCE((root)->rb_node) == NULL)

/*
 * A node that is in no tree can be marked by pointing its parent at itself,
 * a value no linked node has. RB_EMPTY_NODE() is meaningful only after
 * RB_CLEAR_NODE(): a zeroed node is not "empty". rb_erase() does not clear
 * the node, so call RB_CLEAR_NODE() after it if you test RB_EMPTY_NODE().
 */
#define RB_EMPTY_NODE(node) ((node)->__rb_parent == (node))
#define RB_CLEAR_NODE(node) ((node)->__rb_parent = (node))

static inline struct rb_node *rb_parent(const struct rb_node *node)
{
	return node->__rb_parent;
}

/* Colour tests. NULL counts as black, as the NULL leaves do (invariant 3). */
static inline bool rb_is_red(const struct rb_node *node)
{
	return node && node->__rb_color == RB_RED;
}

static inline bool rb_is_black(const struct rb_node *node)
{
	return !rb_is_red(node);
}

/*
 * Hang @node, as a red leaf, at @link: a NULL child pointer of @parent (or
 * &root->rb_node when the tree is empty, with @parent NULL), found by the
 * caller's search loop. The tree may now break invariant 3; the caller must
 * call rb_insert_color() next.
 */
static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->__rb_parent = parent;
	node->__rb_color = RB_RED;
	node->rb_left = node->rb_right = NULL;
	*link = node;
}

/* Rebalance after rb_link_node(@node): restores invariants 2 and 3. */
void rb_insert_color(struct rb_node *node, struct rb_root *root);

/* Remove @node, which must be in @root, and rebalance. @node is not cleared. */
void rb_erase(struct rb_node *node, struct rb_root *root);

/*
 * Augmented trees. A node may carry a value computed from itself and its
 * two subtrees (an interval tree keeps the largest interval end below each
 * node: kernel/interval_tree.c). The library calls back @update(n) to
 * recompute n's value from n and its children, whose values are already
 * right, whenever n's subtree changes: along the path of an insert or an
 * erase, and for both nodes of every rotation (the lower one first). So a
 * rotation costs two calls and an insert or erase O(log n) calls.
 * Use rb_link_node() as usual, then rb_insert_augmented() instead of
 * rb_insert_color(); rb_erase_augmented() instead of rb_erase(). Mixing
 * the plain and the augmented calls on one tree leaves stale values.
 */
struct rb_augment {
	void (*update)(struct rb_node *node);
};

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment *aug);
void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment *aug);
/* Recompute @node and every ancestor (after a user changed @node's own key data). */
void rb_augment_propagate(struct rb_node *node, const struct rb_augment *aug);

/* The smallest and the largest node, or NULL when the tree is empty. */
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);

/* In-order neighbours, or NULL at either end (and for a cleared node). */
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);

#endif
