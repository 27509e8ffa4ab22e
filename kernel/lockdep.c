/*
 * The lock-order checker (include/kernel/lockdep.h, docs/locking.md).
 *
 * Owns: the lock classes, the dependency graph between them, each
 * interrupt context's and early boot's stack of held locks (a task's is in
 * its task_struct), and the reports.
 *
 * Locks: graph_lock, a raw test-and-set word of its own (not a spinlock_t,
 * so it is not checked itself), taken with interrupts off, protects adding
 * classes and edges and changing a class's usage bits. Looking an edge up
 * takes no lock: entries are only ever added, each fully written before
 * the release store that publishes its hash slot (paired with the acquire
 * load in find_edge). A held-lock stack is touched only by its own context
 * (the task, or the CPU's interrupt context; see lock_acquire). Its
 * checking flag stops recursion: the checker's own printk takes
 * logbuf_lock, which must not come back here.
 *
 * Cost: after the first few seconds of boot every edge is known, and an
 * acquisition is a lookup of (held class, new class) in a hash table per
 * lock already held (usually none to three), and a push.
 */
#include <kernel/cmdline.h>
#include <kernel/kernel.h>
#include <kernel/lockdep.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <asm/percpu.h>
#include <asm/processor.h>

#define MAX_CLASSES     512
#define CLASS_HASH      1024            /* slots: class index + 1, 0 = empty */
#define MAX_EDGES       4096
#define EDGE_HASH       8192
#define CLASS_NAME_LEN  40
#define MAX_CHAIN       32

#define USED_IN_IRQ     0               /* taken in an interrupt handler (not by trylock) */
#define ENABLED_IRQ     1               /* taken with interrupts enabled, in task context */

struct lock_class {
	char name[CLASS_NAME_LEN];
	u8 kind;
	u8 usage;                       /* bits USED_IN_IRQ, ENABLED_IRQ */
	unsigned long usage_ip[2];      /* where each usage was first seen */
	u16 first_out, first_in;        /* edge index + 1, 0 = none */
	u32 hash;
};

struct lock_edge {
	u16 from, to;                   /* class indices */
	u16 next_out, next_in;          /* edge index + 1 in from's / to's list */
	unsigned long from_ip;          /* where the held lock was taken */
	unsigned long to_ip;            /* where the new one was taken under it */
};

static struct lock_class classes[MAX_CLASSES + 1];      /* [0] unused: 0 = no class */
static unsigned int nr_classes;
static u16 class_hash[CLASS_HASH];
static struct lock_edge edges[MAX_EDGES];
static unsigned int nr_edges;
static u16 edge_hash[EDGE_HASH];

static u32 graph_lock;
static bool lockdep_on = true;          /* read without lock; cleared once, for good */
static unsigned int nr_reports;
static unsigned long nr_acquires, nr_slow;     /* statistics: racy increments */
static struct lockdep_held irq_held[NR_CPUS];
static struct lockdep_held boot_held[NR_CPUS];

/* BFS scratch, under graph_lock. */
static u16 bfs_queue[MAX_CLASSES + 1];
static u16 bfs_via[MAX_CLASSES + 1];    /* edge index + 1 that reached a class */
static u32 bfs_seen[MAX_CLASSES + 1];
static u32 bfs_gen;

/* A report is decided under graph_lock and printed after it is dropped. */
static struct {
	u16 chain[MAX_CHAIN];
	unsigned int len;
	bool truncated;
} report;

static const char *const kind_names[] = { "spinlock", "mutex", "rwsem", "page lock" };

static void graph_lock_acquire(void)
{
	while (__atomic_exchange_n(&graph_lock, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(graph_lock))
			cpu_relax();
}

static void graph_lock_release(void)
{
	__atomic_store_n(&graph_lock, 0, __ATOMIC_RELEASE);
}

static void lockdep_off(void)
{
	WRITE_ONCE(lockdep_on, false);
}

bool lockdep_enabled(void)
{
	return READ_ONCE(lockdep_on);
}

unsigned int lockdep_reports(void)
{
	return READ_ONCE(nr_reports);
}

void lockdep_print_stats(void)
{
	pr_info("lockdep: %u lock classes, %u dependencies, %u report(s), %lu checks, %lu slow%s\n",
		READ_ONCE(nr_classes), READ_ONCE(nr_edges), lockdep_reports(), nr_acquires, nr_slow,
		lockdep_enabled() ? "" : " (checker off)");

}

void lockdep_init(void)
{
	if (cmdline_get_ulong(&kernel_cmdline, "lockdep", 1) == 0) {
		lockdep_off();
		pr_info("lockdep: the lock-order checker is off (lockdep=0)\n");
	}
}

/* ---- classes ------------------------------------------------------------- */

static u32 name_hash(const char *name, enum lock_kind kind)
{
	u32 h = 2166136261u ^ (u32)kind;

	for (; *name; name++)
		h = (h ^ (u8)*name) * 16777619u;
	return h;
}

static bool class_matches(const struct lock_class *c, const char *name, enum lock_kind kind,
			  u32 h)
{
	return c->hash == h && c->kind == kind && strncmp(c->name, name, CLASS_NAME_LEN - 1) == 0;
}

/* Find or make the class of (@kind, @name). Context: graph_lock held. */
static u16 lookup_class_locked(const char *name, enum lock_kind kind)
{
	u32 h = name_hash(name, kind);
	unsigned int slot = h % CLASS_HASH;
	struct lock_class *c;

	for (;; slot = (slot + 1) % CLASS_HASH) {
		u16 idx = class_hash[slot];

		if (!idx)
			break;
		if (class_matches(&classes[idx], name, kind, h))
			return idx;
	}
	if (nr_classes == MAX_CLASSES) {
		lockdep_off();
		pr_err("lockdep: more than %u lock classes; the lock-order checker turns "
		       "itself off (raise MAX_CLASSES in kernel/lockdep.c)\n", MAX_CLASSES);
		return 0;
	}
	c = &classes[++nr_classes];
	strlcpy(c->name, name, sizeof(c->name));
	c->kind = (u8)kind;
	c->hash = h;
	class_hash[slot] = (u16)nr_classes;
	return (u16)nr_classes;
}

/* ---- edges ------------------------------------------------------------------ */

static unsigned int edge_slot(u16 from, u16 to)
{
	return (((u32)from * 2654435761u) ^ ((u32)to * 40503u)) % EDGE_HASH;
}

/* Is there an edge @from -> @to? Lock-free (see the header comment). */
static bool find_edge(u16 from, u16 to)
{
	for (unsigned int slot = edge_slot(from, to);; slot = (slot + 1) % EDGE_HASH) {
		u16 e = __atomic_load_n(&edge_hash[slot], __ATOMIC_ACQUIRE);

		if (!e)
			return false;
		if (edges[e - 1].from == from && edges[e - 1].to == to)
			return true;
	}
}

/* Context: graph_lock held; the edge is not there yet. */
static bool add_edge_locked(u16 from, u16 to, unsigned long from_ip, unsigned long to_ip)
{
	unsigned int slot = edge_slot(from, to);
	struct lock_edge *e;

	if (nr_edges == MAX_EDGES) {
		lockdep_off();
		pr_err("lockdep: more than %u lock dependencies; the lock-order checker "
		       "turns itself off (raise MAX_EDGES in kernel/lockdep.c)\n", MAX_EDGES);
		return false;
	}
	e = &edges[nr_edges++];
	e->from = from;
	e->to = to;
	e->from_ip = from_ip;
	e->to_ip = to_ip;
	e->next_out = classes[from].first_out;
	e->next_in = classes[to].first_in;
	classes[from].first_out = (u16)nr_edges;
	classes[to].first_in = (u16)nr_edges;
	while (edge_hash[slot])
		slot = (slot + 1) % EDGE_HASH;
	/* Publish the fully written edge: pairs with find_edge's acquire. */
	__atomic_store_n(&edge_hash[slot], (u16)nr_edges, __ATOMIC_RELEASE);
	return true;
}

/*
 * Breadth-first search from @start along edges (forwards, or backwards
 * with @backwards) for a class that satisfies @match. On success the path
 * start -> ... -> found is left in report.chain (edge indices, in order
 * from @start for a forward search). Context: graph_lock held.
 */
static u16 bfs_locked(u16 start, bool backwards, bool (*match)(u16 idx, const void *arg),
		      const void *arg)
{
	unsigned int head = 0, tail = 0;
	u16 found = 0;

	if (++bfs_gen == 0)
		bfs_gen = 1;
	bfs_queue[tail++] = start;
	bfs_seen[start] = bfs_gen;
	bfs_via[start] = 0;
	while (head < tail && !found) {
		u16 c = bfs_queue[head++];
		u16 e = backwards ? classes[c].first_in : classes[c].first_out;

		while (e) {
			const struct lock_edge *edge = &edges[e - 1];
			u16 next = backwards ? edge->from : edge->to;

			if (bfs_seen[next] != bfs_gen) {
				bfs_seen[next] = bfs_gen;
				bfs_via[next] = e;
				bfs_queue[tail++] = next;
				if (match(next, arg)) {
					found = next;
					break;
				}
			}
			e = backwards ? edge->next_in : edge->next_out;
		}
	}
	if (!found)
		return 0;
	/* Walk back from found to start, then put the edges in path order. */
	report.len = 0;
	report.truncated = false;
	for (u16 c = found; c != start;) {
		u16 e = bfs_via[c];

		if (report.len == MAX_CHAIN) {
			report.truncated = true;
			break;
		}
		report.chain[report.len++] = e - 1;
		c = backwards ? edges[e - 1].to : edges[e - 1].from;
	}
	if (!backwards) {
		for (unsigned int i = 0; i < report.len / 2; i++) {
			u16 t = report.chain[i];

			report.chain[i] = report.chain[report.len - 1 - i];
			report.chain[report.len - 1 - i] = t;
		}
	}
	return found;
}

static bool is_class(u16 idx, const void *arg)
{
	return idx == *(const u16 *)arg;
}

static bool has_usage(u16 idx, const void *arg)
{
	return classes[idx].usage & (1u << *(const int *)arg);
}

/* ---- reports ----------------------------------------------------------------- */

static void print_class(const char *prefix, u16 idx)
{
	pr_err("%s%s (%s)\n", prefix, classes[idx].name, kind_names[classes[idx].kind]);
}

static void print_chain(void)
{
	for (unsigned int i = 0; i < report.len; i++) {
		const struct lock_edge *e = &edges[report.chain[i]];

		pr_err("  %s -> %s: %s taken at %pS\n", classes[e->from].name, classes[e->to].name,
		       classes[e->to].name, (void *)e->to_ip);
		pr_err("      while %s was held (taken at %pS)\n", classes[e->from].name,
		       (void *)e->from_ip);
	}
	if (report.truncated)
		pr_err("  ... (chain longer than %u edges)\n", MAX_CHAIN);
}

static void report_header(const char *what)
{
	struct task_struct *t = this_cpu()->current_task;

	pr_err("======================================================\n");
	pr_err("WARNING: %s\n", what);
	pr_err("%s/%d on CPU %u%s\n", t ? t->comm : "(boot)", t ? t->pid : 0,
	       smp_processor_id(), this_cpu()->irq_depth ? ", in an interrupt handler" : "");
}

static void report_footer(void)
{
	pr_err("(the lock-order checker stops after its first report)\n");
	dump_stack();
	pr_err("======================================================\n");
	__atomic_add_fetch(&nr_reports, 1, __ATOMIC_SEQ_CST);
}

static void report_cycle(const struct held_lock *held, u16 to, unsigned long ip)
{
	report_header("possible circular locking dependency detected");
	print_class("trying to take ", to);
	pr_err("  at %pS\n", (void *)ip);
	print_class("while holding ", held->class_idx);
	pr_err("  taken at %pS\n", (void *)held->ip);
	pr_err("but the opposite order already exists:\n");
	print_chain();
	pr_err("so two CPUs, one in each chain, can wait for each other forever\n");
	report_footer();
}

static void report_inconsistent(u16 idx)
{
	report_header("inconsistent lock state: a lock taken in an interrupt handler "
		      "is also taken with interrupts enabled");
	print_class("", idx);
	pr_err("  taken in an interrupt handler at %pS\n", (void *)classes[idx].usage_ip[USED_IN_IRQ]);
	pr_err("  taken with interrupts enabled at %pS\n", (void *)classes[idx].usage_ip[ENABLED_IRQ]);
	pr_err("the handler can interrupt a holder on its own CPU and spin forever: "
	       "take it with spin_lock_irqsave everywhere\n");
	report_footer();
}

static void report_irq_inversion(void)
{
	const struct lock_edge *first = &edges[report.chain[0]];
	const struct lock_edge *last = &edges[report.chain[report.len - 1]];

	report_header("interrupt-safe -> interrupt-unsafe lock order");
	print_class("interrupt-safe lock ", first->from);
	pr_err("  taken in an interrupt handler at %pS\n",
	       (void *)classes[first->from].usage_ip[USED_IN_IRQ]);
	print_class("leads to interrupt-unsafe lock ", last->to);
	pr_err("  taken with interrupts enabled at %pS\n",
	       (void *)classes[last->to].usage_ip[ENABLED_IRQ]);
	pr_err("through:\n");
	print_chain();
	pr_err("an interrupt on the CPU holding the second can wait for the first, "
	       "whose holder waits for the second\n");
	report_footer();
}

/* ---- the checks ---------------------------------------------------------------- */

enum verdict { FINE, CYCLE, INCONSISTENT, IRQ_INVERSION };

/*
 * Record that @idx was taken in the way @usage says. Context: graph_lock
 * held. Returns what to report.
 */
static enum verdict mark_usage_locked(u16 idx, int usage, unsigned long ip)
{
	struct lock_class *c = &classes[idx];
	int other = usage == USED_IN_IRQ ? ENABLED_IRQ : USED_IN_IRQ;

	if (c->usage & (1u << usage))
		return FINE;
	c->usage |= (u8)(1u << usage);
	c->usage_ip[usage] = ip;
	if (c->usage & (1u << other))
		return INCONSISTENT;
	/* Interrupt-safe now: nothing taken under it may be taken with
	 * interrupts on. Interrupt-unsafe now: nothing interrupt-safe may
	 * lead to it. */
	if (bfs_locked(idx, usage == ENABLED_IRQ, has_usage, &other))
		return IRQ_INVERSION;
	return FINE;
}

/*
 * Is there a class with @usage at @start or reachable from it (backwards:
 * leading to it)? The path goes to @chain, in path order. Context:
 * graph_lock held.
 */
static bool find_usage_locked(u16 start, bool backwards, int usage, u16 *chain,
			      unsigned int *len)
{
	*len = 0;
	if (classes[start].usage & (1u << usage))
		return true;
	if (!bfs_locked(start, backwards, has_usage, &usage))
		return false;
	*len = report.len;
	memcpy(chain, report.chain, report.len * sizeof(chain[0]));
	return true;
}

/* Context: graph_lock held; no edge from held's class to @to yet. */
static enum verdict add_dependency_locked(const struct held_lock *held, u16 to, unsigned long ip)
{
	static u16 back[MAX_CHAIN], fwd[MAX_CHAIN];
	unsigned int back_len, fwd_len;
	u16 from = held->class_idx;

	if (find_edge(from, to))
		return FINE;                    /* another CPU added it meanwhile */
	if (bfs_locked(to, false, is_class, &from))
		return CYCLE;                   /* to -> ... -> from already */
	if (!add_edge_locked(from, to, held->ip, ip))
		return FINE;
	/* Something interrupt-safe now leads, through from -> to, to
	 * something taken with interrupts enabled? */
	if (find_usage_locked(from, true, USED_IN_IRQ, back, &back_len) &&
	    find_usage_locked(to, false, ENABLED_IRQ, fwd, &fwd_len)) {
		report.len = 0;
		report.truncated = back_len + 1 + fwd_len > MAX_CHAIN;
		for (unsigned int i = 0; i < back_len && report.len < MAX_CHAIN; i++)
			report.chain[report.len++] = back[i];
		if (report.len < MAX_CHAIN)
			report.chain[report.len++] = (u16)(nr_edges - 1);
		for (unsigned int i = 0; i < fwd_len && report.len < MAX_CHAIN; i++)
			report.chain[report.len++] = fwd[i];
		return IRQ_INVERSION;
	}
	return FINE;
}

/*
 * The held-lock stack of the running context. Called with preemption on
 * (mutexes, rwsems, page locks), so each per-CPU field is read with one
 * %gs-relative instruction, never through a this_cpu() pointer that a
 * migration would leave pointing at the old CPU: in task context
 * irq_depth reads 0 and current_task reads this task on whichever CPU the
 * read lands; in an interrupt, or at boot, nothing migrates.
 */
static struct lockdep_held *held_stack(bool *in_irq)
{
	struct task_struct *t;

	*in_irq = this_cpu_read(irq_depth) > 0;
	if (*in_irq)
		return &irq_held[this_cpu_read(cpu)];
	t = this_cpu_read(current_task);
	if (!t)
		return &boot_held[this_cpu_read(cpu)];
	return &t->lockdep;
}

/* Context: graph_lock not held; decides under it, prints after it. */
static void check_slow(u16 idx, const struct lockdep_held *h, bool trylock, int usage,
		       unsigned long ip)
{
	enum verdict v = FINE;
	const struct held_lock *culprit = NULL;

	graph_lock_acquire();
	if (!READ_ONCE(lockdep_on)) {
		graph_lock_release();
		return;
	}
	if (usage >= 0)
		v = mark_usage_locked(idx, usage, ip);
	for (unsigned int i = h->depth; v == FINE && !trylock && i-- > 0;) {
		const struct held_lock *held = &h->held[i];

		if (held->class_idx == idx || find_edge(held->class_idx, idx))
			continue;
		v = add_dependency_locked(held, idx, ip);
		culprit = held;
	}
	if (v != FINE)
		lockdep_off();                  /* one report; the graph stays as it is */
	graph_lock_release();

	if (v == CYCLE)
		report_cycle(culprit, idx, ip);
	else if (v == INCONSISTENT)
		report_inconsistent(idx);
	else if (v == IRQ_INVERSION)
		report_irq_inversion();
}

/*
 * The fast path runs with interrupts as the caller has them: turning them
 * off and on around every lock would cost more than the check (under TCG
 * an enabling popf ends the translated block). That is safe because a
 * stack is only touched by its own context: an interrupt arriving halfway
 * works on its CPU's interrupt stack, and a task preempted halfway finds
 * its own stack as it left it, on whichever CPU (held_stack() finds the
 * task's stack, not the CPU's). Only the slow paths,
 * which take graph_lock, turn interrupts off (a handler spinning on
 * graph_lock above a holder on its own CPU would never get it).
 */
void lock_acquire(u32 *class_cache, const char *name, enum lock_kind kind,
		  const void *instance, bool trylock, unsigned long ip)
{
	unsigned long irqs_on = arch_local_save_flags() & X86_EFLAGS_IF;
	struct lockdep_held *h;
	bool in_irq, slow = false;
	int usage = -1;
	u16 idx;

	if (!READ_ONCE(lockdep_on))
		return;
	h = held_stack(&in_irq);
	if (h->checking)
		return;
	h->checking = true;
	idx = (u16)READ_ONCE(*class_cache);
	if (!idx) {
		unsigned long flags = local_irq_save();

		graph_lock_acquire();
		idx = lookup_class_locked(name ? name : "(unnamed)", kind);
		graph_lock_release();
		local_irq_restore(flags);
		if (!idx)
			goto done;
		WRITE_ONCE(*class_cache, idx);
	}
	if (kind == LOCK_KIND_SPIN) {
		/* A trylock in a handler cannot spin, so it cannot deadlock. */
		if (in_irq && !trylock)
			usage = USED_IN_IRQ;
		else if (!in_irq && irqs_on)
			usage = ENABLED_IRQ;
		if (usage >= 0 && (READ_ONCE(classes[idx].usage) & (1u << usage)))
			usage = -1;
	}
	slow = usage >= 0;
	for (unsigned int i = 0; !slow && !trylock && i < h->depth; i++)
		slow = h->held[i].class_idx != idx && !find_edge(h->held[i].class_idx, idx);
	nr_acquires++;
	if (slow) {
		unsigned long flags = local_irq_save();

		nr_slow++;
		check_slow(idx, h, trylock, usage, ip);
		local_irq_restore(flags);
	}
	if (h->depth == LOCKDEP_MAX_HELD) {
		lockdep_off();
		pr_err("lockdep: more than %u locks held at once (taking %s at %pS); the "
		       "lock-order checker turns itself off\n", LOCKDEP_MAX_HELD, name, (void *)ip);
		goto done;
	}
	h->held[h->depth] = (struct held_lock){
		.instance = instance, .ip = ip, .class_idx = idx, .trylock = trylock,
	};
	barrier();                      /* the entry before the depth that shows it */
	h->depth++;
done:
	h->checking = false;
}

static void remove_held(struct lockdep_held *h, unsigned int i)
{
	for (; i + 1 < h->depth; i++)
		h->held[i] = h->held[i + 1];
	h->depth--;
}

void lock_release(const void *instance, u32 class_idx)
{
	struct lockdep_held *h;
	bool in_irq;

	if (!READ_ONCE(lockdep_on))
		return;
	h = held_stack(&in_irq);
	if (h->checking)
		return;
	for (unsigned int i = h->depth; i-- > 0;) {
		if (h->held[i].instance == instance) {
			remove_held(h, i);
			return;
		}
	}
	if (!class_idx || class_idx == LOCK_CLASS_NOCHECK)
		return;
	for (unsigned int i = h->depth; i-- > 0;) {
		if (h->held[i].class_idx == class_idx) {
			remove_held(h, i);      /* a hand-over (see the header) */
			return;
		}
	}
}
