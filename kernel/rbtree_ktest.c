/*
 * ktests for the red-black tree (kernel/rbtree.c).
 *
 * rbt_check() walks a whole tree and checks what the header promises. It
 * checks search order, the root's colour, no red node under a red node,
 * equal black heights, parent pointers, the node count, and the height
 * bound 2*log2(n+1). The tests build trees in the orders that break naive
 * trees (ascending, descending, random), erase from them, and run a long
 * random mix against a sorted-array model. They check the tree after every
 * step, so a failure names the first operation that broke it.
 *
 * A checker that never fails proves nothing. The first test corrupts a good
 * tree in one way per invariant and expects the checker to name each one.
 *
 * Keys are u64 and unique within a tree. Randomness comes from a xorshift
 * generator with fixed seeds, so every boot builds the same trees and a
 * failure reproduces.
 */
#include <kernel/ktest.h>
#include <kernel/rbtree.h>
#include <kernel/string.h>
#include <mm/slab.h>

struct rbt_item {
	struct rb_node node;
	u64 key;
};

#define RBT_N           2048    /* nodes in the big trees */
#define RBT_MAX_DEPTH   128     /* deeper than any valid tree here: a cycle */

static struct rbt_item items[RBT_N];
static u64 keys[RBT_N];

static u64 rbt_key(const struct rb_node *n)
{
	return rb_entry(n, struct rbt_item, node)->key;
}

/* xorshift64 (Marsaglia, 2003): state must start non-zero. */
static u64 rbt_rand(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Fisher-Yates; the slight modulo bias does not matter here. */
static void rbt_shuffle(u64 *a, unsigned int n, u64 *state)
{
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = rbt_rand(state) % (i + 1);
		u64 tmp = a[i];

		a[i] = a[j];
		a[j] = tmp;
	}
}

/* ---- the canonical user loops (the header's usage example) ---------------- */

static bool rbt_insert(struct rb_root *root, struct rbt_item *item)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (item->key < rbt_key(parent))
			link = &parent->rb_left;
		else if (item->key > rbt_key(parent))
			link = &parent->rb_right;
		else
			return false;
	}
	rb_link_node(&item->node, parent, link);
	rb_insert_color(&item->node, root);
	return true;
}

static struct rbt_item *rbt_search(const struct rb_root *root, u64 key)
{
	struct rb_node *n = root->rb_node;

	while (n) {
		if (key < rbt_key(n))
			n = n->rb_left;
		else if (key > rbt_key(n))
			n = n->rb_right;
		else
			return rb_entry(n, struct rbt_item, node);
	}
	return NULL;
}

/* ---- the checker ----------------------------------------------------------- */

static const char ERR_ROOT_RED[] = "the root is red";
static const char ERR_COLOUR[] = "a colour is neither red nor black";
static const char ERR_RED_RED[] = "a red node has a red child";
static const char ERR_BLACK_HEIGHT[] = "black heights differ";
static const char ERR_ORDER[] = "keys out of order";
static const char ERR_PARENT[] = "a parent pointer is wrong";
static const char ERR_DEPTH[] = "a path is too long (a cycle?)";

struct rbt_check {
	const char *error;              /* the first broken invariant, or NULL */
	u64 error_key;                  /* the key of the node where it was found */
	unsigned long count;            /* nodes seen */
	unsigned int height;            /* nodes on the longest root-to-NULL path */
	bool have_prev;
	u64 prev_key;                   /* the last key seen in order */
};

static void rbt_bad(struct rbt_check *c, const struct rb_node *n, const char *what)
{
	if (!c->error) {
		c->error = what;
		c->error_key = rbt_key(n);
	}
}

/* Check the subtree at @n, which hangs below @parent at @depth; return its
 * black height (counting @n, not the NULL links). */
static int rbt_check_node(const struct rb_node *n, const struct rb_node *parent,
			  unsigned int depth, struct rbt_check *c)
{
	int lbh, rbh;

	if (!n) {
		c->height = max(c->height, depth);
		return 0;
	}
	if (c->error)
		return 0;
	if (depth >= RBT_MAX_DEPTH) {
		rbt_bad(c, n, ERR_DEPTH);
		return 0;
	}
	if (rb_parent(n) != parent)
		rbt_bad(c, n, ERR_PARENT);
	/* The raw field: rb_is_red() would read a garbage colour as black. */
	if (n->__rb_color != RB_RED && n->__rb_color != RB_BLACK)
		rbt_bad(c, n, ERR_COLOUR);
	if (rb_is_red(n) && (rb_is_red(n->rb_left) || rb_is_red(n->rb_right)))
		rbt_bad(c, n, ERR_RED_RED);
	lbh = rbt_check_node(n->rb_left, n, depth + 1, c);
	if (c->have_prev && rbt_key(n) <= c->prev_key)
		rbt_bad(c, n, ERR_ORDER);
	c->have_prev = true;
	c->prev_key = rbt_key(n);
	c->count++;
	rbh = rbt_check_node(n->rb_right, n, depth + 1, c);
	if (lbh != rbh)
		rbt_bad(c, n, ERR_BLACK_HEIGHT);
	return lbh + rb_is_black(n);
}

static void rbt_check(const struct rb_root *root, struct rbt_check *c)
{
	memset(c, 0, sizeof(*c));
	if (rb_is_red(root->rb_node))
		rbt_bad(c, root->rb_node, ERR_ROOT_RED);
	rbt_check_node(root->rb_node, NULL, 0, c);
}

/* h <= 2*log2(n+1), that is 2^h <= (n+1)^2, in integers. */
static bool rbt_height_ok(unsigned int h, unsigned long n)
{
	return h < 63 && (1ULL << h) <= (u64)(n + 1) * (n + 1);
}

/* Report (at @file:@line) and return false unless @root is a valid tree of @n
 * nodes. */
static bool rbt_valid(struct kt *t, const char *file, int line,
		      const struct rb_root *root, unsigned long n)
{
	struct rbt_check c;

	rbt_check(root, &c);
	if (c.error) {
		kt_fail(t, file, line, "rbtree broken: %s (at key %llu)",
			c.error, (unsigned long long)c.error_key);
		return false;
	}
	if (c.count != n) {
		kt_fail(t, file, line, "rbtree has %lu nodes, expected %lu", c.count, n);
		return false;
	}
	if (!rbt_height_ok(c.height, n)) {
		kt_fail(t, file, line, "rbtree height %u > 2*log2(%lu+1)", c.height, n);
		return false;
	}
	return true;
}

/* Check the whole tree; on failure, report and end the test (the following
 * steps would only repeat the report). */
#define RBT_ASSERT_VALID(root, n) do {                                  \
	if (!rbt_valid(t, __FILE__, __LINE__, (root), (n)))             \
		return;                                                 \
} while (0)

/* Insert items[0..n) with keys[0..n), checking the tree after each step. */
static bool rbt_build(struct kt *t, struct rb_root *root, unsigned int n)
{
	*root = RB_ROOT;
	for (unsigned int i = 0; i < n; i++) {
		items[i].key = keys[i];
		if (!rbt_insert(root, &items[i])) {
			kt_fail(t, __FILE__, __LINE__, "key %llu inserted twice",
				(unsigned long long)keys[i]);
			return false;
		}
		if (!rbt_valid(t, __FILE__, __LINE__, root, i + 1))
			return false;
	}
	return true;
}

static unsigned int rbt_height(const struct rb_root *root)
{
	struct rbt_check c;

	rbt_check(root, &c);
	return c.height;
}

/* ---- the checker can fail ------------------------------------------------- */

static const char ERR_COUNT[] = "wrong node count";

/* The error the checker reports for @root, which should hold @n nodes. */
static const char *rbt_error(const struct rb_root *root, unsigned long n)
{
	struct rbt_check c;

	rbt_check(root, &c);
	if (!c.error && c.count != n)
		return ERR_COUNT;
	return c.error;
}

/* A leaf (not the root) of the given colour among items[0..n), or NULL. */
static struct rbt_item *rbt_find_leaf(unsigned int n, bool red)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rb_node *nd = &items[i].node;

		if (!nd->rb_left && !nd->rb_right && rb_parent(nd) && rb_is_red(nd) == red)
			return &items[i];
	}
	return NULL;
}

/* Break a good tree one invariant at a time; the checker must name each. */
KTEST(rbtree_check_detects_broken_trees)
{
	enum { N = 20 };
	struct rb_root root;
	struct rbt_item *red_leaf, *black_leaf, *extra = &items[N];
	struct rb_node *saved;
	u64 k;

	for (unsigned int i = 0; i < N; i++)
		keys[i] = 10 * (i + 1);                 /* gaps for one more key */
	KT_ASSERT(rbt_build(t, &root, N));
	KT_ASSERT(rbt_error(&root, N) == NULL);
	red_leaf = rbt_find_leaf(N, true);
	black_leaf = rbt_find_leaf(N, false);
	KT_ASSERT(red_leaf && black_leaf);

	KT_EXPECT(rbt_error(&root, N + 1) == ERR_COUNT);

	root.rb_node->__rb_color = RB_RED;
	KT_EXPECT(rbt_error(&root, N) == ERR_ROOT_RED);
	root.rb_node->__rb_color = RB_BLACK;

	red_leaf->node.__rb_color = 7;
	KT_EXPECT(rbt_error(&root, N) == ERR_COLOUR);
	red_leaf->node.__rb_color = RB_RED;

	red_leaf->node.__rb_color = RB_BLACK;           /* its path gains a black */
	KT_EXPECT(rbt_error(&root, N) == ERR_BLACK_HEIGHT);
	red_leaf->node.__rb_color = RB_RED;

	k = red_leaf->key;                              /* a duplicate of a neighbour */
	saved = rb_next(&red_leaf->node) ? rb_next(&red_leaf->node) : rb_prev(&red_leaf->node);
	red_leaf->key = rbt_key(saved);
	KT_EXPECT(rbt_error(&root, N) == ERR_ORDER);
	red_leaf->key = k;

	saved = rb_parent(&black_leaf->node);           /* a parent pointer forgotten */
	RB_CLEAR_NODE(&black_leaf->node);
	KT_EXPECT(rbt_error(&root, N) == ERR_PARENT);
	black_leaf->node.__rb_parent = saved;

	/* Linked under a red leaf but never rebalanced: red below red. */
	extra->key = red_leaf->key - 1;
	rb_link_node(&extra->node, &red_leaf->node, &red_leaf->node.rb_left);
	KT_EXPECT(rbt_error(&root, N + 1) == ERR_RED_RED);
	red_leaf->node.rb_left = NULL;

	/* A child link pointing back up: the walk must stop, not loop. */
	black_leaf->node.rb_left = root.rb_node;
	KT_EXPECT(rbt_error(&root, N) != NULL);
	black_leaf->node.rb_left = NULL;

	KT_EXPECT(rbt_error(&root, N) == NULL);         /* all repaired */

	/* The height bound: 2*log2(3+1) = 4, 2*log2(1000+1) = 19.93. */
	KT_EXPECT(rbt_height_ok(4, 3));
	KT_EXPECT(!rbt_height_ok(5, 3));
	KT_EXPECT(rbt_height_ok(19, 1000));
	KT_EXPECT(!rbt_height_ok(20, 1000));
	KT_EXPECT(!rbt_height_ok(1000, 1000));
}

/* ---- small trees: one rebalancing case each ------------------------------- */

static bool rbt_build_from(struct kt *t, struct rb_root *root, const u64 *list, unsigned int n)
{
	memcpy(keys, list, n * sizeof(*keys));
	return rbt_build(t, root, n);
}

static void rbt_erase_key(struct rb_root *root, u64 key)
{
	struct rbt_item *it = rbt_search(root, key);

	if (it)
		rb_erase(&it->node, root);
}

/* Is @n the node with @key, coloured @color? */
static bool rbt_is(const struct rb_node *n, u64 key, enum rb_color color)
{
	return n && rbt_key(n) == key && (color == RB_RED ? rb_is_red(n) : rb_is_black(n));
}

/* The exact shapes kernel/rbtree.c draws for the insert cases. */
KTEST(rbtree_insert_cases_small)
{
	static const u64 outer[] = { 1, 2, 3 }, outer_mirror[] = { 3, 2, 1 };
	static const u64 inner[] = { 3, 1, 2 }, inner_mirror[] = { 1, 3, 2 };
	static const u64 *const orders[] = { outer, outer_mirror, inner, inner_mirror };
	struct rb_root root;
	struct rb_node *r;

	/* Cases 3 and 2+3, both sides: always 2 over red 1 and 3. */
	for (unsigned int i = 0; i < ARRAY_SIZE(orders); i++) {
		KT_ASSERT(rbt_build_from(t, &root, orders[i], 3));
		r = root.rb_node;
		KT_EXPECT(rbt_is(r, 2, RB_BLACK));
		KT_EXPECT(rbt_is(r->rb_left, 1, RB_RED));
		KT_EXPECT(rbt_is(r->rb_right, 3, RB_RED));
	}
	/* Case 1: 4 below red 3 with red uncle 1. Recolour, no rotation. */
	items[3].key = 4;
	KT_ASSERT(rbt_insert(&root, &items[3]));
	RBT_ASSERT_VALID(&root, 4);
	r = root.rb_node;
	KT_EXPECT(rbt_is(r, 2, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_left, 1, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_right, 3, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_right->rb_right, 4, RB_RED));
}

/* The exact shapes kernel/rbtree.c draws for the erase cases. */
KTEST(rbtree_erase_cases_small)
{
	static const u64 distant[] = { 1, 2, 3, 4 };    /* 2 / 1 3, red 4 right of 3 */
	static const u64 close[] = { 2, 1, 4, 3 };      /* 2 / 1 4, red 3 left of 4 */
	static const u64 red_sib[] = { 1, 2, 3, 4, 5, 6 }; /* 2 / 1 red-4 / 3 5 / red 6 */
	struct rb_root root;
	struct rb_node *r;

	/* Case 4: erase 1; rotate at 2. 3 over 2 and 4, all black. */
	KT_ASSERT(rbt_build_from(t, &root, distant, 4));
	KT_EXPECT(rbt_is(root.rb_node->rb_right->rb_right, 4, RB_RED));
	rbt_erase_key(&root, 1);
	RBT_ASSERT_VALID(&root, 3);
	r = root.rb_node;
	KT_EXPECT(rbt_is(r, 3, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_left, 2, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_right, 4, RB_BLACK));

	/* Case 3 then 4: erase 1; rotate at 4, then at 2. Same result. */
	KT_ASSERT(rbt_build_from(t, &root, close, 4));
	KT_EXPECT(rbt_is(root.rb_node->rb_right->rb_left, 3, RB_RED));
	rbt_erase_key(&root, 1);
	RBT_ASSERT_VALID(&root, 3);
	r = root.rb_node;
	KT_EXPECT(rbt_is(r, 3, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_left, 2, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_right, 4, RB_BLACK));

	/* Case 2: 2 / 1 3, all black (the first tree less 4); erase 1. 3 turns
	 * red, no rotation. */
	KT_ASSERT(rbt_build_from(t, &root, distant, 4));
	rbt_erase_key(&root, 4);
	RBT_ASSERT_VALID(&root, 3);
	rbt_erase_key(&root, 1);
	RBT_ASSERT_VALID(&root, 2);
	r = root.rb_node;
	KT_EXPECT(rbt_is(r, 2, RB_BLACK));
	KT_EXPECT(r->rb_left == NULL);
	KT_EXPECT(rbt_is(r->rb_right, 3, RB_RED));

	/* Case 1 then 2: erase 1; rotate at 2 under red 4, then 3 turns red
	 * and the red 2 absorbs the fault. 4 / 2 5, red 3 and 6 below. */
	KT_ASSERT(rbt_build_from(t, &root, red_sib, 6));
	KT_EXPECT(rbt_is(root.rb_node->rb_right, 4, RB_RED));
	rbt_erase_key(&root, 1);
	RBT_ASSERT_VALID(&root, 5);
	r = root.rb_node;
	KT_EXPECT(rbt_is(r, 4, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_left, 2, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_right, 5, RB_BLACK));
	KT_EXPECT(rbt_is(r->rb_left->rb_right, 3, RB_RED));
	KT_EXPECT(rbt_is(r->rb_right->rb_right, 6, RB_RED));
}

KTEST(rbtree_empty_and_single_node)
{
	struct rb_root root = RB_ROOT;
	struct rbt_item *a = &items[0];

	KT_EXPECT(RB_EMPTY_ROOT(&root));
	KT_EXPECT(rb_first(&root) == NULL);
	KT_EXPECT(rb_last(&root) == NULL);
	KT_EXPECT(rb_entry_safe(rb_first(&root), struct rbt_item, node) == NULL);
	RBT_ASSERT_VALID(&root, 0);

	RB_CLEAR_NODE(&a->node);
	KT_EXPECT(RB_EMPTY_NODE(&a->node));
	KT_EXPECT(rb_next(&a->node) == NULL);
	KT_EXPECT(rb_prev(&a->node) == NULL);

	a->key = 42;
	KT_ASSERT(rbt_insert(&root, a));
	RBT_ASSERT_VALID(&root, 1);
	KT_EXPECT(!RB_EMPTY_ROOT(&root));
	KT_EXPECT(!RB_EMPTY_NODE(&a->node));
	KT_EXPECT(root.rb_node == &a->node);
	KT_EXPECT(rb_parent(&a->node) == NULL);
	KT_EXPECT(rb_is_black(&a->node));
	KT_EXPECT(rb_first(&root) == &a->node);
	KT_EXPECT(rb_last(&root) == &a->node);
	KT_EXPECT(rb_entry_safe(rb_first(&root), struct rbt_item, node) == a);
	KT_EXPECT(rb_next(&a->node) == NULL);
	KT_EXPECT(rb_prev(&a->node) == NULL);

	rb_erase(&a->node, &root);
	RBT_ASSERT_VALID(&root, 0);
	KT_EXPECT(RB_EMPTY_ROOT(&root));
	RB_CLEAR_NODE(&a->node);
	KT_EXPECT(RB_EMPTY_NODE(&a->node));
}

/* ---- big trees -------------------------------------------------------------- */

/* Does a search find every item of items[0..n)? */
static bool rbt_all_found(const struct rb_root *root, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (rbt_search(root, items[i].key) != &items[i])
			return false;
	return true;
}

/*
 * Sorted input is the worst case of a plain binary search tree: every new
 * key becomes the right child of the previous one, a list of height n. A
 * red-black tree must stay within 2*log2(n+1) (22 for 2048 nodes).
 */
KTEST(rbtree_insert_ascending)
{
	struct rb_root root;

	for (unsigned int i = 0; i < RBT_N; i++)
		keys[i] = i;
	KT_ASSERT(rbt_build(t, &root, RBT_N));
	KT_EXPECT(rbt_height_ok(rbt_height(&root), RBT_N));
	KT_EXPECT(rbt_all_found(&root, RBT_N));
}

KTEST(rbtree_insert_descending)
{
	struct rb_root root;

	for (unsigned int i = 0; i < RBT_N; i++)
		keys[i] = RBT_N - 1 - i;
	KT_ASSERT(rbt_build(t, &root, RBT_N));
	KT_EXPECT(rbt_height_ok(rbt_height(&root), RBT_N));
	KT_EXPECT(rbt_all_found(&root, RBT_N));
}

KTEST(rbtree_insert_random)
{
	struct rb_root root;
	struct rbt_item dup;
	u64 seed = 0x9e3779b97f4a7c15ULL;

	for (unsigned int i = 0; i < RBT_N; i++)
		keys[i] = 2 * i + 1;                    /* odd keys: evens are absent */
	rbt_shuffle(keys, RBT_N, &seed);
	KT_ASSERT(rbt_build(t, &root, RBT_N));
	KT_EXPECT(rbt_height_ok(rbt_height(&root), RBT_N));
	KT_EXPECT(rbt_all_found(&root, RBT_N));
	for (u64 k = 0; k <= 2 * RBT_N; k += 2)
		KT_EXPECT(rbt_search(&root, k) == NULL);
	/* A key already present: the search loop finds it and links nothing. */
	dup.key = keys[RBT_N / 2];
	KT_EXPECT(!rbt_insert(&root, &dup));
	RBT_ASSERT_VALID(&root, RBT_N);
}

/* Erase every node, in an order unrelated to the insert order. */
KTEST(rbtree_erase_random)
{
	static u64 order[RBT_N];
	struct rb_root root;
	u64 seed = 0x2545f4914f6cdd1dULL;

	for (unsigned int i = 0; i < RBT_N; i++)
		keys[i] = order[i] = i;
	rbt_shuffle(keys, RBT_N, &seed);
	rbt_shuffle(order, RBT_N, &seed);
	KT_ASSERT(rbt_build(t, &root, RBT_N));
	for (unsigned int i = 0; i < RBT_N; i++) {
		struct rbt_item *it = rbt_search(&root, order[i]);

		KT_ASSERT(it != NULL);
		rb_erase(&it->node, &root);
		RBT_ASSERT_VALID(&root, RBT_N - 1 - i);
		KT_ASSERT(rbt_search(&root, order[i]) == NULL);
	}
	KT_EXPECT(RB_EMPTY_ROOT(&root));
}

/* ---- a long random mix against a model ------------------------------------- */

/* The first position in the sorted @m[0..n) whose key is >= @key. */
static unsigned int model_lower_bound(const u64 *m, unsigned int n, u64 key)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (m[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Does an in-order walk of @root give exactly @m[0..n)? */
static bool rbt_matches_model(const struct rb_root *root, const u64 *m, unsigned int n)
{
	unsigned int i = 0;

	for (struct rb_node *nd = rb_first(root); nd; nd = rb_next(nd), i++)
		if (i >= n || rbt_key(nd) != m[i])
			return false;
	return i == n;
}

/*
 * 10,000 random operations on keys 0..1023, against a sorted array. The
 * tree grows for 2,500 operations (three inserts in four), shrinks for
 * 2,500 (three erases in four), and so on, so it runs from empty to over
 * 400 nodes and back, twice. An insert takes a random key, which may be
 * present already (then the search loop must find it and link nothing); an
 * erase takes a random key of the model. Before each operation a search for
 * the random key must agree with the model; after it, the tree must be
 * valid and hold exactly the model's keys. Nodes come from kmalloc, as VMAs
 * will; owned[] keeps them, so that they can be freed without walking a
 * tree that a failure may have left broken.
 */
KTEST(rbtree_interleaved_vs_model)
{
	enum { OPS = 10000, KEYS = 1024, PHASE = 2500 };
	static u64 model[KEYS];
	static struct rbt_item *owned[KEYS];
	struct rb_root root = RB_ROOT;
	unsigned int op, n = 0, peak = 0, inserted = 0, erased = 0;
	u64 seed = 0xdeadbeefcafef00dULL;

	for (op = 0; op < OPS; op++) {
		u64 key = rbt_rand(&seed) % KEYS;
		bool grow = (op / PHASE) % 2 == 0;
		bool insert = rbt_rand(&seed) % 4 < (grow ? 3u : 1u);
		unsigned int pos = model_lower_bound(model, n, key);
		bool in_model = pos < n && model[pos] == key;
		struct rbt_item *it = rbt_search(&root, key);

		if ((it != NULL) != in_model) {
			kt_fail(t, __FILE__, __LINE__, "op %u: key %llu is%s in the tree, is%s in the model",
				op, (unsigned long long)key, it ? "" : " not", in_model ? "" : " not");
			break;
		}
		if (insert) {
			struct rbt_item dup = { .key = key };

			if (in_model) {
				if (rbt_insert(&root, &dup)) {
					kt_fail(t, __FILE__, __LINE__, "op %u: key %llu inserted twice",
						op, (unsigned long long)key);
					break;
				}
			} else {
				it = kmalloc(sizeof(*it), GFP_KERNEL);
				if (!it) {
					kt_fail(t, __FILE__, __LINE__, "kmalloc failed");
					break;
				}
				it->key = key;
				owned[key] = it;
				rbt_insert(&root, it);
				memmove(&model[pos + 1], &model[pos], (n - pos) * sizeof(*model));
				model[pos] = key;
				n++;
				inserted++;
			}
		} else if (n > 0) {
			pos = rbt_rand(&seed) % n;
			it = rbt_search(&root, model[pos]);
			if (!it) {
				kt_fail(t, __FILE__, __LINE__, "op %u: key %llu lost",
					op, (unsigned long long)model[pos]);
				break;
			}
			rb_erase(&it->node, &root);
			owned[it->key] = NULL;
			kfree(it);
			memmove(&model[pos], &model[pos + 1], (n - pos - 1) * sizeof(*model));
			n--;
			erased++;
		}
		peak = max(peak, n);
		if (!rbt_valid(t, __FILE__, __LINE__, &root, n))
			break;
		if (!rbt_matches_model(&root, model, n)) {
			kt_fail(t, __FILE__, __LINE__, "op %u: the tree's keys differ from the model's", op);
			break;
		}
	}
	/* If the tree is good, empty it through rb_erase() at its leftmost node. */
	for (struct rb_node *nd; op == OPS && (nd = rb_first(&root)); n--) {
		rb_erase(nd, &root);
		if (!rbt_valid(t, __FILE__, __LINE__, &root, n - 1))
			break;
	}
	for (unsigned int k = 0; k < KEYS; k++) {
		kfree(owned[k]);
		owned[k] = NULL;
	}
	/* The mix did what it claims: big trees, many of both operations. */
	if (op == OPS) {
		KT_EXPECT(peak >= 400);
		KT_EXPECT(inserted >= 2000);
		KT_EXPECT(erased >= 2000);
	}
}

/* ---- walks and special erasures --------------------------------------------- */

KTEST(rbtree_next_prev_iterate)
{
	struct rb_root root;
	struct rb_node *nd;
	unsigned int i;
	u64 seed = 0x1234567887654321ULL;

	for (i = 0; i < RBT_N; i++)
		keys[i] = 3 * i;
	rbt_shuffle(keys, RBT_N, &seed);
	KT_ASSERT(rbt_build(t, &root, RBT_N));

	for (i = 0, nd = rb_first(&root); nd && i < RBT_N; nd = rb_next(nd), i++)
		KT_ASSERT_EQ(rbt_key(nd), 3 * i);
	KT_EXPECT(nd == NULL);
	KT_EXPECT_EQ(i, RBT_N);

	for (i = RBT_N, nd = rb_last(&root); nd && i > 0; nd = rb_prev(nd))
		KT_ASSERT_EQ(rbt_key(nd), 3 * --i);
	KT_EXPECT(nd == NULL);
	KT_EXPECT_EQ(i, 0);

	KT_EXPECT(rb_prev(rb_first(&root)) == NULL);
	KT_EXPECT(rb_next(rb_last(&root)) == NULL);
	/* One step and back, from every node (leaves, inner nodes, the root). */
	for (i = 0; i < RBT_N; i++) {
		struct rb_node *next = rb_next(&items[i].node);
		struct rb_node *prev = rb_prev(&items[i].node);

		if (next)
			KT_ASSERT(rb_prev(next) == &items[i].node);
		if (prev)
			KT_ASSERT(rb_next(prev) == &items[i].node);
	}
}

/* A node other than the root with two children, whose right child has
 * (@deep) or has not a left child, or NULL. */
static struct rbt_item *rbt_find_inner(unsigned int n, bool deep)
{
	for (unsigned int i = 0; i < n; i++) {
		struct rb_node *nd = &items[i].node;

		if (rb_parent(nd) && nd->rb_left && nd->rb_right &&
		    (nd->rb_right->rb_left != NULL) == deep)
			return &items[i];
	}
	return NULL;
}

/* Erase @it, which has two children; its neighbours must become adjacent. */
static bool rbt_erase_inner(struct kt *t, struct rb_root *root, struct rbt_item *it,
			    unsigned long n_after)
{
	struct rb_node *prev = rb_prev(&it->node), *next = rb_next(&it->node);

	rb_erase(&it->node, root);
	if (!rbt_valid(t, __FILE__, __LINE__, root, n_after))
		return false;
	if (rbt_search(root, it->key) || rb_next(prev) != next || rb_prev(next) != prev) {
		kt_fail(t, __FILE__, __LINE__, "after erasing key %llu",
			(unsigned long long)it->key);
		return false;
	}
	return true;
}

/*
 * The two-children erase in both of its forms (the successor is the right
 * child, or lies deeper), then the root over and over: with three or more
 * nodes a valid tree's root has two children.
 */
KTEST(rbtree_erase_root_and_inner_nodes)
{
	enum { N = 255 };
	struct rb_root root;
	struct rbt_item *near, *deep;
	unsigned int n = N;
	u64 seed = 0x0badc0ffee0ddf00ULL;

	for (unsigned int i = 0; i < N; i++)
		keys[i] = i;
	rbt_shuffle(keys, N, &seed);
	KT_ASSERT(rbt_build(t, &root, N));
	near = rbt_find_inner(N, false);
	deep = rbt_find_inner(N, true);
	KT_ASSERT(near && deep);
	KT_ASSERT(rbt_erase_inner(t, &root, near, --n));
	KT_ASSERT(rbt_erase_inner(t, &root, deep, --n));

	while (n > 0) {
		struct rb_node *r = root.rb_node;
		u64 key = rbt_key(r);
		struct rb_node *next = rb_next(r);

		if (n >= 3)
			KT_ASSERT(r->rb_left && r->rb_right);
		rb_erase(r, &root);
		RBT_ASSERT_VALID(&root, --n);
		KT_ASSERT(rbt_search(&root, key) == NULL);
		if (next)
			KT_ASSERT(rbt_search(&root, rbt_key(next)) != NULL);
	}
	KT_EXPECT(RB_EMPTY_ROOT(&root));
}
