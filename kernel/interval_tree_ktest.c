/*
 * ktests for the interval tree (kernel/interval_tree.c) and the augmented
 * red-black tree under it (rb_insert_augmented, rb_erase_augmented).
 *
 * itt_check() walks a whole tree and checks what the headers promise:
 * the red-black invariants, start order, parent pointers, the node count,
 * and that every node's subtree_last is the largest last below it. The
 * random test runs a few thousand seeded inserts and removes against a
 * brute-force model (an array with an "in the tree" flag), checks the
 * tree after every step, and compares queries, point and range, with the
 * model: a query must return exactly the overlapping intervals, each
 * once, in start order.
 *
 * A checker that never fails proves nothing: the first test corrupts a
 * subtree_last and expects itt_check() to notice.
 */
#include <kernel/interval_tree.h>
#include <kernel/ktest.h>
#include <kernel/string.h>

#define ITT_N           512     /* intervals in the model */
#define ITT_OPS         4000    /* random inserts and removes */
#define ITT_SPACE       4096    /* starts fall in [0, ITT_SPACE) */

static struct interval_tree_node itt_nodes[ITT_N];
static bool itt_in[ITT_N];
static unsigned int itt_seen[ITT_N];    /* generation a query last returned it */

static u64 itt_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

struct itt_check {
	unsigned int count;
	const char *bad;        /* the first broken promise, or NULL */
	unsigned long prev_start;
	bool have_prev;
};

static unsigned long itt_max(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* Checks the subtree of @rb; returns its black height (NULL counts 0). */
static int itt_walk(const struct rb_node *rb, const struct rb_node *parent,
		    struct itt_check *c, unsigned int depth)
{
	const struct interval_tree_node *n;
	unsigned long want;
	int lh, rh;

	if (!rb)
		return 0;
	if (depth > 64) {
		c->bad = c->bad ? c->bad : "too deep (a cycle?)";
		return 0;
	}
	n = rb_entry(rb, struct interval_tree_node, rb);
	if (rb_parent(rb) != parent && !c->bad)
		c->bad = "parent pointer";
	if (rb_is_red(rb) && (rb_is_red(rb->rb_left) || rb_is_red(rb->rb_right)) && !c->bad)
		c->bad = "red node with a red child";
	lh = itt_walk(rb->rb_left, rb, c, depth + 1);
	/* In order: starts never decrease. */
	if (c->have_prev && n->start < c->prev_start && !c->bad)
		c->bad = "start order";
	c->prev_start = n->start;
	c->have_prev = true;
	c->count++;
	rh = itt_walk(rb->rb_right, rb, c, depth + 1);
	if (lh != rh && !c->bad)
		c->bad = "black heights differ";
	want = n->last;
	if (rb->rb_left)
		want = itt_max(want, rb_entry(rb->rb_left, struct interval_tree_node, rb)->subtree_last);
	if (rb->rb_right)
		want = itt_max(want, rb_entry(rb->rb_right, struct interval_tree_node, rb)->subtree_last);
	if (n->subtree_last != want && !c->bad)
		c->bad = "subtree_last is not the largest last below";
	return lh + (rb_is_black(rb) ? 1 : 0);
}

static const char *itt_check(const struct rb_root *root, unsigned int count)
{
	struct itt_check c = { 0 };

	if (rb_is_red(root->rb_node))
		return "red root";
	itt_walk(root->rb_node, NULL, &c, 0);
	if (!c.bad && c.count != count)
		return "node count";
	return c.bad;
}

#define ITT_ASSERT_VALID(root, count) do {                                      \
	const char *__bad = itt_check(root, count);                             \
	if (__bad) {                                                            \
		kt_fail(t, __FILE__, __LINE__, "tree broken: %s", __bad);      \
		return;                                                         \
	}                                                                       \
} while (0)

static void itt_set(struct interval_tree_node *n, unsigned long start, unsigned long last)
{
	memset(n, 0, sizeof(*n));
	n->start = start;
	n->last = last;
}

/*
 * Compare the query [first, last] with the model. Returns NULL or what is
 * wrong. @gen must be new for every call.
 */
static const char *itt_query_matches(const struct rb_root *root, unsigned long first,
				     unsigned long last, unsigned int gen)
{
	struct interval_tree_node *n;
	unsigned int found = 0, want = 0;
	unsigned long prev = 0;

	for (n = interval_tree_iter_first(root, first, last); n;
	     n = interval_tree_iter_next(n, first, last)) {
		unsigned int i = n - itt_nodes;

		if (i >= ITT_N || !itt_in[i])
			return "returned a node not in the tree";
		if (n->start > last || n->last < first)
			return "returned a node that does not overlap";
		if (itt_seen[i] == gen)
			return "returned a node twice";
		if (found && n->start < prev)
			return "returned out of start order";
		itt_seen[i] = gen;
		prev = n->start;
		found++;
	}
	for (unsigned int i = 0; i < ITT_N; i++)
		if (itt_in[i] && itt_nodes[i].start <= last && itt_nodes[i].last >= first)
			want++;
	return found == want ? NULL : "missed an overlapping node";
}

KTEST(itree_check_detects_bad_subtree_last)
{
	struct rb_root root = RB_ROOT;

	for (unsigned int i = 0; i < 16; i++) {
		itt_set(&itt_nodes[i], i * 10, i * 10 + (i == 3 ? 500 : 5));
		interval_tree_insert(&itt_nodes[i], &root);
	}
	ITT_ASSERT_VALID(&root, 16);
	/* The root's max must be node 3's long interval. */
	KT_EXPECT_EQ(rb_entry(root.rb_node, struct interval_tree_node, rb)->subtree_last, 530);
	itt_nodes[3].subtree_last = 1;
	KT_EXPECT(itt_check(&root, 16) != NULL);
	itt_nodes[3].subtree_last = 530;
	KT_EXPECT(itt_check(&root, 16) == NULL);
	KT_EXPECT(itt_check(&root, 15) != NULL);
	/* Removing the long one lowers the maximum all the way up. */
	interval_tree_remove(&itt_nodes[3], &root);
	KT_EXPECT(RB_EMPTY_NODE(&itt_nodes[3].rb));
	ITT_ASSERT_VALID(&root, 15);
	KT_EXPECT_EQ(rb_entry(root.rb_node, struct interval_tree_node, rb)->subtree_last, 155);
}

/* Equal starts come back in insertion order (fork relies on it: mm/rmap.c). */
KTEST(itree_equal_starts_keep_insert_order)
{
	struct rb_root root = RB_ROOT;
	struct interval_tree_node *n;
	unsigned int i = 0;

	for (unsigned int k = 0; k < 64; k++) {
		/* Interleave other starts, so rotations move the equal ones. */
		itt_set(&itt_nodes[k], k % 2 ? 7 : k * 3, (k % 2 ? 7 : k * 3) + 1);
		interval_tree_insert(&itt_nodes[k], &root);
	}
	ITT_ASSERT_VALID(&root, 64);
	for (n = interval_tree_iter_first(&root, 7, 7); n; n = interval_tree_iter_next(n, 7, 7)) {
		if (n->start != 7)
			continue;       /* [6, 7] overlaps too */
		KT_EXPECT_EQ(n - itt_nodes, 2 * i + 1);
		i++;
	}
	KT_EXPECT_EQ(i, 32);
}

KTEST(itree_empty_and_edges)
{
	struct rb_root root = RB_ROOT;

	KT_EXPECT(interval_tree_iter_first(&root, 0, ~0UL) == NULL);
	itt_set(&itt_nodes[0], 10, 19);
	interval_tree_insert(&itt_nodes[0], &root);
	/* Closed intervals: touching an end overlaps, one past does not. */
	KT_EXPECT(interval_tree_iter_first(&root, 19, 30) == &itt_nodes[0]);
	KT_EXPECT(interval_tree_iter_first(&root, 0, 10) == &itt_nodes[0]);
	KT_EXPECT(interval_tree_iter_first(&root, 20, 30) == NULL);
	KT_EXPECT(interval_tree_iter_first(&root, 0, 9) == NULL);
	KT_EXPECT(interval_tree_iter_next(&itt_nodes[0], 0, ~0UL) == NULL);
	interval_tree_remove(&itt_nodes[0], &root);
	KT_EXPECT(root.rb_node == NULL);
}

/* A few thousand seeded random inserts and removes, checked against the model. */
KTEST(itree_random_vs_brute_force)
{
	struct rb_root root = RB_ROOT;
	u64 seed = 0x853c49e6748fea9bULL;
	unsigned int count = 0, gen = 0, queries = 0;

	memset(itt_in, 0, sizeof(itt_in));
	memset(itt_seen, 0, sizeof(itt_seen));
	for (unsigned int op = 0; op < ITT_OPS; op++) {
		unsigned int i = itt_rand(&seed) % ITT_N;

		if (!itt_in[i]) {
			unsigned long start = itt_rand(&seed) % ITT_SPACE;
			/* Mostly short intervals, now and then a long one. */
			unsigned long len = itt_rand(&seed) % 8 == 0 ?
				itt_rand(&seed) % ITT_SPACE : itt_rand(&seed) % 16;

			itt_set(&itt_nodes[i], start, start + len);
			interval_tree_insert(&itt_nodes[i], &root);
			itt_in[i] = true;
			count++;
		} else {
			interval_tree_remove(&itt_nodes[i], &root);
			itt_in[i] = false;
			count--;
		}
		ITT_ASSERT_VALID(&root, count);
		for (unsigned int q = 0; q < 2; q++) {
			unsigned long first = itt_rand(&seed) % (ITT_SPACE + 32);
			unsigned long last = q == 0 ? first : first + itt_rand(&seed) % 64;
			const char *bad = itt_query_matches(&root, first, last, ++gen);

			queries++;
			if (bad) {
				kt_fail(t, __FILE__, __LINE__, "op %u, query [%lu, %lu]: %s",
					op, first, last, bad);
				return;
			}
		}
	}
	/* The whole space, then empty the tree through the model. */
	KT_EXPECT(itt_query_matches(&root, 0, ~0UL, ++gen) == NULL);
	for (unsigned int i = 0; i < ITT_N; i++) {
		if (itt_in[i]) {
			interval_tree_remove(&itt_nodes[i], &root);
			itt_in[i] = false;
			count--;
		}
	}
	ITT_ASSERT_VALID(&root, 0);
	KT_EXPECT(root.rb_node == NULL);
	KT_EXPECT(queries == 2 * ITT_OPS);
}
