/*
 * Red-black trees: rebalancing after insert and erase, and in-order walks
 * (see include/kernel/rbtree.h for the invariants and the API).
 *
 * Each case has a small function, and the comment above each function draws
 * the case. The drawings follow Linux's lib/rbtree.c convention:
 *
 *   lower case = red node, UPPER CASE = black node, x? = either colour,
 *   digits = subtrees (possibly empty) that keep their own shape.
 *
 * Names of the nodes: N the node being fixed, P its parent, G its
 * grandparent, U its uncle (P's sibling), S its sibling, C and D its
 * nephews (S's children): C on the side closer to N, D on the far side.
 *
 * One side drawn, both handled. Each case is drawn with P (insert) or N
 * (erase) as a left child. The mirror case, as a right child, is the same
 * drawing seen in a mirror. Linux writes each case out twice, once per side.
 * Here the code takes @dir, the side the drawing calls "left", and uses
 * child(n, dir) and child(n, !dir) instead of rb_left and rb_right, so each
 * case is written once and the two sides cannot drift apart.
 *
 * No locking and no allocation here: see "Context" in the header.
 */
#include <kernel/kernel.h>
#include <kernel/rbtree.h>

enum { LEFT = 0, RIGHT = 1 };

static inline struct rb_node *child(const struct rb_node *n, int dir)
{
	return dir == LEFT ? n->rb_left : n->rb_right;
}

static inline void set_child(struct rb_node *n, int dir, struct rb_node *c)
{
	if (dir == LEFT)
		n->rb_left = c;
	else
		n->rb_right = c;
}

/*
 * Which child of @parent is @n? @n may be NULL: the empty side. It is never
 * called with both children NULL, where that would be ambiguous.
 */
static inline int side_of(const struct rb_node *n, const struct rb_node *parent)
{
	return parent->rb_left == n ? LEFT : RIGHT;
}

static inline void set_parent(struct rb_node *n, struct rb_node *parent)
{
	n->__rb_parent = parent;
}

static inline void set_color(struct rb_node *n, enum rb_color color)
{
	n->__rb_color = color;
}

/* Make @new take @old's place below @parent (or at the root). */
static void replace_child(struct rb_node *parent, struct rb_node *old,
			  struct rb_node *new, struct rb_root *root)
{
	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
}

/*
 * Rotate at @x towards @dir: @x moves down to side @dir, and its child on
 * the other side, Y, takes its place. Y's inner subtree (2) changes parents.
 * In-order sequence and colours stay the same; only depths change (the 1
 * side gets deeper, the 3 side shallower). rotate(X, LEFT):
 *
 *	     X                  Y
 *	    / \                / \
 *	   1   Y      -->     X   3
 *	      / \            / \
 *	     2   3          1   2
 *
 * rotate(Y, RIGHT) is the same drawing read from right to left.
 */
static void rotate(struct rb_node *x, int dir, struct rb_root *root,
		   const struct rb_augment *aug)
{
	struct rb_node *y = child(x, !dir);
	struct rb_node *inner = child(y, dir);
	struct rb_node *parent = rb_parent(x);

	set_child(x, !dir, inner);
	if (inner)
		set_parent(inner, x);
	set_child(y, dir, x);
	set_parent(x, y);
	set_parent(y, parent);
	replace_child(parent, x, y, root);
	/* x now sits below y: recompute it first, then y from it. */
	if (aug) {
		aug->update(x);
		aug->update(y);
	}
}

/* ---- insert --------------------------------------------------------------
 *
 * rb_link_node() hung N as a red leaf. Black heights (invariant 4) are
 * still right, because a red node adds no black. The only possible fault is
 * invariant 3: a red N under a red P. (A red root, invariant 2, is fixed at
 * the end by painting the root black. That adds one black to every path,
 * so invariant 4 still holds.)
 */

/*
 * Insert case 1: the uncle is red. Push G's black down one level: paint P
 * and U black and G red. Every path through G still passes one black (now
 * P or U instead of G), and N's parent is now black. But G is now red and
 * its own parent may be red, so the caller goes on with G as N: the fault
 * has moved two levels up. (It is the same whichever child of P is N.)
 *
 *	       G                 g   <- new N
 *	      / \               / \
 *	     p   u     -->     P   U
 *	    /                 /
 *	   n                 n
 */
static struct rb_node *insert_case_red_uncle(struct rb_node *parent,
					     struct rb_node *uncle,
					     struct rb_node *gparent)
{
	set_color(parent, RB_BLACK);
	set_color(uncle, RB_BLACK);
	set_color(gparent, RB_RED);
	return gparent;
}

/*
 * Insert cases 2 and 3: the uncle is black (or NULL). Recolouring alone
 * would change black heights, so rotate. This always ends the fixup.
 *
 * Case 2, N is the inner grandchild (zig-zag: P is a left child, N a right
 * child). Rotate at P towards the outside, so that the old P becomes the
 * outer grandchild. This is case 3 with the roles of N and P swapped.
 * Both are red, so no black height changes.
 *
 *	       G                 G
 *	      / \               / \
 *	     p   U     -->     n   U
 *	    / \               / \
 *	   1   n             p   3
 *	      / \           / \
 *	     2   3         1   2
 *
 * Case 3, N is the outer grandchild (zig-zig). Rotate at G towards the
 * uncle, then swap the colours of P and G. P, now black, takes G's place,
 * and every path passes one black there, as it did through G. G becomes red
 * over 3 and U, which are black: 3 had a red parent before, and U is black
 * in this case.
 *
 *	         G               P
 *	        / \             / \
 *	       p   U   -->     n   g
 *	      / \                 / \
 *	     n   3               3   U
 */
static void insert_case_black_uncle(struct rb_node *node, struct rb_node *parent,
				    struct rb_node *gparent, int dir,
				    struct rb_root *root, const struct rb_augment *aug)
{
	if (node == child(parent, !dir)) {              /* case 2 */
		rotate(parent, dir, root, aug);
		parent = node;
	}
	rotate(gparent, !dir, root, aug);                    /* case 3 */
	set_color(parent, RB_BLACK);
	set_color(gparent, RB_RED);
}

static void insert_color(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment *aug)
{
	struct rb_node *parent;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		/* A red node is never the root, so the grandparent exists. */
		struct rb_node *gparent = rb_parent(parent);
		int dir = side_of(parent, gparent);
		struct rb_node *uncle = child(gparent, !dir);

		if (rb_is_red(uncle)) {
			node = insert_case_red_uncle(parent, uncle, gparent);
			continue;
		}
		insert_case_black_uncle(node, parent, gparent, dir, root, aug);
		break;
	}
	set_color(root->rb_node, RB_BLACK);
}

/* ---- erase ---------------------------------------------------------------
 *
 * First remove the node as in any binary search tree. If it has two
 * children, its in-order successor (which has no left child) takes its
 * place and colour, so the spot that really empties is the successor's old
 * one. A node with at most one child leaves its spot to that child.
 *
 * If the node that left its spot was red, every black height still holds.
 * If it was black, every path through the spot now has one black too few.
 * If the child that moved up is red, painting it black repays the missing
 * black. Otherwise N, that child (possibly NULL), is "short", and
 * erase_fixup() rebalances around it.
 */

/*
 * @node has two children. Move its successor S into @node's place, with
 * @node's colour, so nothing above changes. Set *@childp to the node now in
 * S's old spot (X, S's right child, possibly NULL) and *@parentp to its
 * parent. Return the colour that left that spot (S's own colour). Colours
 * are not shown:
 *
 *   S is @node's right child:       S is deeper, leftmost below R:
 *
 *	 node            S              node             S
 *	 /  \           / \             /  \            / \
 *	A    S   -->   A   X           A    R   -->    A   R
 *	      \                            /              /
 *	       X                          S              X
 *	                                   \
 *	                                    X
 */
static enum rb_color erase_move_successor(struct rb_node *node, struct rb_root *root,
					  struct rb_node **childp,
					  struct rb_node **parentp)
{
	struct rb_node *succ = node->rb_right;
	enum rb_color vacated;

	while (succ->rb_left)
		succ = succ->rb_left;
	vacated = succ->__rb_color;
	*childp = succ->rb_right;
	if (succ == node->rb_right) {
		*parentp = succ;                /* X stays S's right child */
	} else {
		*parentp = rb_parent(succ);
		(*parentp)->rb_left = *childp;
		if (*childp)
			set_parent(*childp, *parentp);
		succ->rb_right = node->rb_right;
		set_parent(succ->rb_right, succ);
	}
	succ->rb_left = node->rb_left;
	set_parent(succ->rb_left, succ);
	set_parent(succ, rb_parent(node));
	set_color(succ, node->__rb_color);
	replace_child(rb_parent(node), node, succ, root);
	return vacated;
}

/*
 * Erase case 1: S is red, so P and C, D are black. Rotate at P towards N,
 * and swap the colours of P and S. Black heights do not change, and N now
 * has a black sibling (the old C), with a red parent. Cases 2, 3 or 4
 * finish the job; if it is case 2, the red P absorbs the fault at once.
 * Returns N's new sibling.
 *
 *	       P                  S
 *	      / \                / \
 *	     N   s     -->      p   D
 *	        / \            / \
 *	       C   D          N   C
 */
static struct rb_node *erase_case_red_sibling(struct rb_node *parent, struct rb_node *sib,
					      int dir, struct rb_root *root,
					      const struct rb_augment *aug)
{
	rotate(parent, dir, root, aug);
	set_color(sib, RB_BLACK);
	set_color(parent, RB_RED);
	return child(parent, !dir);
}

/*
 * Erase case 2: S is black and both nephews are black. Paint S red. Now S's
 * side is one black short too, like N's, so the whole of P is short. The
 * caller goes on with P as the new N. If P is red, painting it black
 * repays the missing black and ends the fixup.
 *
 *	      p?                 p?  <- new N
 *	     / \                / \
 *	    N   S      -->     N   s
 *	       / \                / \
 *	      C   D              C   D
 */
static void erase_case_black_nephews(struct rb_node *sib)
{
	set_color(sib, RB_RED);
}

/*
 * Erase case 3: S is black, its close child C is red and its distant child
 * D is black. Rotate at S away from N, and swap the colours of S and C.
 * Black heights inside the subtree stay the same, and N's new sibling (C)
 * now has a red distant child (the old S): case 4 follows. Returns the new
 * sibling.
 *
 *	      p?                p?
 *	     / \               / \
 *	    N   S      -->    N   C
 *	       / \               / \
 *	      c   D             1   s
 *	     / \                   / \
 *	    1   2                 2   D
 */
static struct rb_node *erase_case_red_close_nephew(struct rb_node *sib, int dir,
						   struct rb_root *root,
						   const struct rb_augment *aug)
{
	struct rb_node *close = child(sib, dir);

	rotate(sib, !dir, root, aug);
	set_color(close, RB_BLACK);
	set_color(sib, RB_RED);
	return close;
}

/*
 * Erase case 4: S is black and its distant child D is red. Rotate at P
 * towards N. S takes P's place and colour, and P and D become black. Paths
 * through N gain one black (P), which repays the fault. Paths through C and
 * through D keep their counts (S and P swap places, and D turns black
 * where S left the path). This ends the fixup.
 *
 *	      p?                 s?
 *	     / \                / \
 *	    N   S      -->     P   D
 *	       / \            / \
 *	      c?  d          N   c?
 */
static void erase_case_red_distant_nephew(struct rb_node *parent, struct rb_node *sib,
					  int dir, struct rb_root *root,
					  const struct rb_augment *aug)
{
	struct rb_node *distant = child(sib, !dir);

	rotate(parent, dir, root, aug);
	set_color(sib, parent->__rb_color);
	set_color(parent, RB_BLACK);
	set_color(distant, RB_BLACK);
}

/*
 * Every path through @node (possibly NULL, then a leaf of @parent) has one
 * black too few. Each round of case 2 moves the fault one level up; cases
 * 1, 3 and 4 make at most three rotations in all and end the loop.
 */
static void erase_fixup(struct rb_node *node, struct rb_node *parent, struct rb_root *root,
			const struct rb_augment *aug)
{
	while (node != root->rb_node && rb_is_black(node)) {
		int dir = side_of(node, parent);
		struct rb_node *sib = child(parent, !dir);

		/* N's side is short one black, so S's side has at least one: S exists. */
		ASSERT(sib);
		if (rb_is_red(sib))
			sib = erase_case_red_sibling(parent, sib, dir, root, aug);
		if (rb_is_black(sib->rb_left) && rb_is_black(sib->rb_right)) {
			erase_case_black_nephews(sib);
			node = parent;
			parent = rb_parent(node);
			continue;
		}
		if (rb_is_black(child(sib, !dir)))
			sib = erase_case_red_close_nephew(sib, dir, root, aug);
		erase_case_red_distant_nephew(parent, sib, dir, root, aug);
		return;
	}
	/* A red N (or the root) absorbs the missing black by turning black. */
	if (node)
		set_color(node, RB_BLACK);
}

static void erase(struct rb_node *node, struct rb_root *root, const struct rb_augment *aug)
{
	struct rb_node *child, *parent;
	enum rb_color vacated;

	if (node->rb_left && node->rb_right) {
		vacated = erase_move_successor(node, root, &child, &parent);
	} else {
		child = node->rb_left ? node->rb_left : node->rb_right;
		parent = rb_parent(node);
		vacated = node->__rb_color;
		replace_child(parent, node, child, root);
		if (child)
			set_parent(child, parent);
	}
	/*
	 * Every subtree that lost @node (or gained the successor) hangs on
	 * the path from @parent up: the successor itself is on it. Fix their
	 * values before the rotations, which rely on correct children.
	 */
	if (aug)
		rb_augment_propagate(parent, aug);
	if (vacated == RB_BLACK)
		erase_fixup(child, parent, root, aug);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	insert_color(node, root, NULL);
}

void rb_erase(struct rb_node *node, struct rb_root *root)
{
	erase(node, root, NULL);
}

/* ---- augmented trees ------------------------------------------------------ */

void rb_augment_propagate(struct rb_node *node, const struct rb_augment *aug)
{
	for (; node; node = rb_parent(node))
		aug->update(node);
}

void rb_insert_augmented(struct rb_node *node, struct rb_root *root,
			 const struct rb_augment *aug)
{
	/* The new leaf's ancestors gained it; then rotate() keeps them right. */
	rb_augment_propagate(node, aug);
	insert_color(node, root, aug);
}

void rb_erase_augmented(struct rb_node *node, struct rb_root *root,
			const struct rb_augment *aug)
{
	erase(node, root, aug);
}

/* ---- in-order walks ------------------------------------------------------ */

/* The last node on the way down from @n that always goes towards @dir. */
static struct rb_node *extreme(struct rb_node *n, int dir)
{
	if (n)
		while (child(n, dir))
			n = child(n, dir);
	return n;
}

/*
 * The in-order neighbour of @node on side @dir (RIGHT: next, LEFT: prev).
 * If @node has a subtree on that side, the neighbour is that subtree's
 * extreme node on the opposite side. Otherwise climb: while @node is a @dir
 * child, its parent lies on the other side of it. The first ancestor
 * reached from the other side is the neighbour.
 */
static struct rb_node *neighbour(const struct rb_node *node, int dir)
{
	struct rb_node *n = (struct rb_node *)node;
	struct rb_node *parent;

	if (RB_EMPTY_NODE(n))
		return NULL;
	if (child(n, dir))
		return extreme(child(n, dir), !dir);
	while ((parent = rb_parent(n)) && n == child(parent, dir))
		n = parent;
	return parent;
}

struct rb_node *rb_first(const struct rb_root *root)
{
	return extreme(root->rb_node, LEFT);
}

struct rb_node *rb_last(const struct rb_root *root)
{
	return extreme(root->rb_node, RIGHT);
}

struct rb_node *rb_next(const struct rb_node *node)
{
	return neighbour(node, RIGHT);
}

struct rb_node *rb_prev(const struct rb_node *node)
{
	return neighbour(node, LEFT);
}
