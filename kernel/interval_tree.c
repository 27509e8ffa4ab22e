/*
 * Interval trees over the augmented red-black tree (include/kernel/
 * interval_tree.h says what and why). The augmented value is subtree_last.
 *
 * Locks: none; the tree's owner serialises (see the header).
 */
#include <kernel/kernel.h>
#include <kernel/interval_tree.h>

static inline struct interval_tree_node *itn(const struct rb_node *rb)
{
	return rb_entry_safe(rb, struct interval_tree_node, rb);
}

/* subtree_last of @rb from its own last and its children's subtree_last. */
static void itree_update(struct rb_node *rb)
{
	struct interval_tree_node *n = itn(rb);
	unsigned long max = n->last;

	if (rb->rb_left && itn(rb->rb_left)->subtree_last > max)
		max = itn(rb->rb_left)->subtree_last;
	if (rb->rb_right && itn(rb->rb_right)->subtree_last > max)
		max = itn(rb->rb_right)->subtree_last;
	n->subtree_last = max;
}

static const struct rb_augment itree_augment = { .update = itree_update };

void interval_tree_insert(struct interval_tree_node *node, struct rb_root *root)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	ASSERT(node->start <= node->last);
	while (*link) {
		parent = *link;
		/* Equal starts go right: after the ones already there. */
		link = node->start < itn(parent)->start ? &parent->rb_left : &parent->rb_right;
	}
	node->subtree_last = node->last;
	rb_link_node(&node->rb, parent, link);
	rb_insert_augmented(&node->rb, root, &itree_augment);
}

void interval_tree_remove(struct interval_tree_node *node, struct rb_root *root)
{
	rb_erase_augmented(&node->rb, root, &itree_augment);
	RB_CLEAR_NODE(&node->rb);
}

/*
 * The first node in order, within the subtree of @n, that overlaps
 * [first, last]. Precondition: @n->subtree_last >= first, so some node
 * below ends at or after first; the leftmost such node either overlaps or
 * starts past last, and then nothing after it in order overlaps either.
 */
static struct interval_tree_node *subtree_first(struct interval_tree_node *n,
						unsigned long first, unsigned long last)
{
	for (;;) {
		struct interval_tree_node *l = itn(n->rb.rb_left), *r;

		if (l && l->subtree_last >= first) {
			n = l;
			continue;
		}
		if (n->start > last)
			return NULL;
		if (n->last >= first)
			return n;
		r = itn(n->rb.rb_right);
		if (!r || r->subtree_last < first)
			return NULL;
		n = r;
	}
}

struct interval_tree_node *interval_tree_iter_first(const struct rb_root *root,
						    unsigned long first, unsigned long last)
{
	struct interval_tree_node *n = itn(root->rb_node);

	if (!n || n->subtree_last < first)
		return NULL;
	return subtree_first(n, first, last);
}

struct interval_tree_node *interval_tree_iter_next(const struct interval_tree_node *node,
						   unsigned long first, unsigned long last)
{
	const struct interval_tree_node *n = node;
	struct interval_tree_node *r = itn(n->rb.rb_right);

	/*
	 * Everything before and including @node is done. Next in order: the
	 * right subtree, then the first ancestor we reach from its left
	 * side, then that one's right subtree, and so on.
	 */
	for (;;) {
		struct rb_node *parent;

		if (r && r->subtree_last >= first)
			return subtree_first(r, first, last);
		/* Climb while we come up from a right child. */
		for (;;) {
			parent = rb_parent(&n->rb);
			if (!parent)
				return NULL;
			if (parent->rb_left == &n->rb)
				break;
			n = itn(parent);
		}
		n = itn(parent);
		if (n->start > last)
			return NULL;
		if (n->last >= first)
			return (struct interval_tree_node *)n;
		r = itn(n->rb.rb_right);
	}
}
