/*
 * Interval trees (kernel/interval_tree.c): a set of closed intervals
 * [start, last] of unsigned longs, and the query "which of them overlap
 * [first, last]?" in O(log n + the number that do). Linux's
 * include/linux/interval_tree.h has the same shape; its VMA version,
 * vma_interval_tree, keeps each file's i_mmap, and so does ours
 * (mm/rmap.c).
 *
 * How. The nodes form a red-black tree ordered by start; an interval with
 * the same start as one already in the tree goes after it (so a walk
 * visits equal starts in insertion order, which fork relies on:
 * mm/rmap.c). Each node also holds the largest last of its subtree
 * (subtree_last), kept by the augmented red-black tree (rbtree.h): a
 * subtree whose subtree_last is below first holds nothing that overlaps,
 * and once a node starts past the query's last, so does everything after
 * it in order. A query descends only into subtrees that can hold an
 * overlap, which bounds it by the tree's height per interval it returns.
 *
 * start and last must not change while the node is in a tree: remove it,
 * change them, insert it again.
 *
 * Context: no locks, no sleeping, no allocation; the owner serialises all
 * access to a tree (i_mmap: mapping->i_mmap_lock).
 */
#ifndef _KERNEL_INTERVAL_TREE_H
#define _KERNEL_INTERVAL_TREE_H

#include <kernel/rbtree.h>

struct interval_tree_node {
	struct rb_node rb;
	unsigned long start;            /* first point covered */
	unsigned long last;             /* last point covered (closed: start <= last) */
	unsigned long subtree_last;     /* the largest last in this node's subtree */
};

void interval_tree_insert(struct interval_tree_node *node, struct rb_root *root);
/* Take @node out of @root; afterwards RB_EMPTY_NODE(&node->rb) is true. */
void interval_tree_remove(struct interval_tree_node *node, struct rb_root *root);

/*
 * The first node, in start order, whose interval overlaps [first, last];
 * then the next one after @node. NULL when there are no more.
 */
struct interval_tree_node *interval_tree_iter_first(const struct rb_root *root,
						    unsigned long first, unsigned long last);
struct interval_tree_node *interval_tree_iter_next(const struct interval_tree_node *node,
						   unsigned long first, unsigned long last);

#endif
