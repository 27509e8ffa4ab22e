/*
 * The kernel profiler: profile=1 on the command line, /proc/profile to
 * read it (include/kernel/profile.h; docs/performance.md, "Profiles").
 *
 * Owns: prof_hits[], one counter per function of the kernel's own symbol
 * table (kernel/ksyms.c, in the table's order) and three more: time in
 * user mode, time in a CPU's idle task, and kernel addresses outside
 * every known function. Every CPU's timer tick adds one to the counter
 * of what it interrupted, so a counter divided by HZ is CPU-seconds.
 *
 * Linux's profile=N counts per address bucket of 2^N bytes, and its
 * /proc/profile is a binary histogram that readprofile symbolizes with
 * System.map. Here the kernel has its symbol table already, so the
 * buckets are whole functions and /proc/profile is text, "SAMPLES NAME"
 * per line, the busiest first (the departure is documented in
 * docs/performance.md). Writing anything to it zeroes the counts, as
 * writing to Linux's does.
 *
 * What a timer profile cannot see: code that runs with interrupts off
 * is sampled where it turns them back on; Linux needs an NMI-driven
 * profiler for that too. The commonest such place, spin_unlock_irqrestore,
 * is seen through as Linux's profile_pc sees through its lock functions:
 * its sample goes to the function that called it (the return address in
 * its frame), which held the lock. A fault's entry, interrupts off until
 * do_user_fault turns them on, shows as do_user_fault; the ticks that
 * come due on the way back to user mode (interrupts off from the end of
 * do_user_fault or a syscall to the iret) land in <user>.
 *
 * Locks: none. The counters are atomics, added to from every CPU's timer
 * interrupt; a write zeroes them one by one, so a tick that lands during
 * the reset may survive it. prof_hits and prof_nr are set once, by the
 * first profile_start (at boot, or the ktest's), and never freed: a tick
 * on another CPU may be using them when profile_stop clears prof_on.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ksyms.h>
#include <kernel/mutex.h>
#include <kernel/profile.h>
#include <kernel/time.h>
#include <fs/proc_fs.h>
#include <mm/slab.h>
#include <asm/percpu.h>
#include <asm/ptrace.h>

/* The extra counters, after the ksym_table.count functions. */
enum {
	PROF_USER,                      /* the CPU was in user mode */
	PROF_IDLE,                      /* in its idle task (waiting for work or I/O) */
	PROF_OTHER,                     /* a kernel address in no known function */
	PROF_NR_EXTRA,
};

static const char *const prof_extra_names[PROF_NR_EXTRA] = {
	[PROF_USER] = "<user>",
	[PROF_IDLE] = "<idle>",
	[PROF_OTHER] = "<unknown>",
};

bool prof_on;                           /* (a) */
static unsigned long *prof_hits;        /* (a) set once; its counters (a) */
static unsigned long prof_nr;           /* (c) once prof_hits is set */
static DEFINE_MUTEX(prof_start_lock);   /* serializes profile_start */
/* (c) once prof_hits is set: spin_unlock_irqrestore's index, whose
 * samples go to its caller; -1 if not found */
static long prof_irqrestore = -1;

/* Allocate the counters once, zero them, start. Context: prof_start_lock
 * held, or the boot before the scheduler (one CPU, one task, so no lock,
 * and mutex_lock could not be taken yet). */
static int __profile_start(void)
{
	unsigned long nfuncs = ksym_table.count;

	if (!prof_hits) {
		unsigned long *hits = kzalloc((nfuncs + PROF_NR_EXTRA) * sizeof(*hits), GFP_KERNEL);

		if (!hits)
			return -ENOMEM;
		prof_nr = nfuncs + PROF_NR_EXTRA;
		prof_irqrestore = ksym_index(ksym_address("spin_unlock_irqrestore"));
		/* pairs with the acquire load in __profile_tick: prof_nr first */
		__atomic_store_n(&prof_hits, hits, __ATOMIC_RELEASE);
	}
	profile_store(NULL, 0);
	__atomic_store_n(&prof_on, true, __ATOMIC_RELEASE);
	return 0;
}

int profile_start(void)
{
	int err;

	mutex_lock(&prof_start_lock);
	err = __profile_start();
	mutex_unlock(&prof_start_lock);
	return err;
}

void profile_stop(void)
{
	__atomic_store_n(&prof_on, false, __ATOMIC_RELEASE);
}

void profile_init(void)
{
	if (kernel_param_ulong("profile", 0) != 1)
		return;
	if (__profile_start()) {
		pr_err("profile: no memory for %lu counters; profiling off\n", ksym_table.count);
		return;
	}
	pr_info("profile: sampling every CPU's tick (%u Hz) over %lu kernel functions\n", HZ,
		ksym_table.count);
}

void __profile_tick(const struct pt_regs *regs)
{
	/* pairs with the release store in profile_start */
	unsigned long *hits = __atomic_load_n(&prof_hits, __ATOMIC_ACQUIRE);
	struct cpu_local *c = this_cpu();
	unsigned long nfuncs = prof_nr - PROF_NR_EXTRA;
	unsigned long i;

	if (!hits)
		return;

	if (user_mode(regs)) {
		i = nfuncs + PROF_USER;
	} else if (c->current_task == c->idle_task) {
		i = nfuncs + PROF_IDLE;
	} else {
		long f = ksym_index(regs->rip);
		unsigned long frames[2];

		/* frames[1]: the return address in the interrupted frame */
		if (f >= 0 && f == prof_irqrestore &&
		    stack_trace_save_fp(regs->rip, regs->rbp, frames, 2) == 2)
			f = ksym_index(frames[1]);
		i = f >= 0 ? (unsigned long)f : nfuncs + PROF_OTHER;
	}
	__atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
}

bool profile_present(void)
{
	return __atomic_load_n(&prof_on, __ATOMIC_RELAXED);
}

static const char *prof_name(unsigned long i)
{
	unsigned long nfuncs = prof_nr - PROF_NR_EXTRA;

	if (i >= nfuncs)
		return prof_extra_names[i - nfuncs];
	return ksym_table.names + ksym_table.name_offs[i];
}

struct prof_entry {
	unsigned long hits;
	unsigned long index;
};

/* Busiest first; equal counts in address order, so the text is stable. */
static bool prof_before(const struct prof_entry *a, const struct prof_entry *b)
{
	return a->hits > b->hits || (a->hits == b->hits && a->index < b->index);
}

/* Shell sort: a few hundred non-zero counters at most, no recursion. */
static void prof_sort(struct prof_entry *e, unsigned long n)
{
	for (unsigned long gap = n / 2; gap; gap /= 2) {
		for (unsigned long i = gap; i < n; i++) {
			struct prof_entry t = e[i];
			unsigned long j = i;

			for (; j >= gap && prof_before(&t, &e[j - gap]); j -= gap)
				e[j] = e[j - gap];
			e[j] = t;
		}
	}
}

/* One line per counter that is not zero: "SAMPLES NAME", busiest first.
 * Context: may sleep (allocates); the counters go on changing meanwhile,
 * and the text is one snapshot of them. */
int profile_show(struct seq_buf *m, int pid)
{
	struct prof_entry *e;
	unsigned long n = 0;

	if (!profile_present())
		return -ENOENT;
	e = kmalloc(prof_nr * sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	for (unsigned long i = 0; i < prof_nr; i++) {
		unsigned long hits = __atomic_load_n(&prof_hits[i], __ATOMIC_RELAXED);

		if (hits)
			e[n++] = (struct prof_entry){ .hits = hits, .index = i };
	}
	prof_sort(e, n);
	for (unsigned long i = 0; i < n; i++)
		seq_printf(m, "%lu %s\n", e[i].hits, prof_name(e[i].index));
	kfree(e);
	return 0;
}

int profile_store(const char *buf, size_t len)
{
	if (!__atomic_load_n(&prof_hits, __ATOMIC_ACQUIRE))
		return -ENOENT;
	for (unsigned long i = 0; i < prof_nr; i++)
		__atomic_store_n(&prof_hits[i], 0, __ATOMIC_RELAXED);
	return 0;
}
