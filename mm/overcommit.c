/*
 * Overcommit: the promises of memory user space holds (Committed_AS) and
 * the policy that decides whether one more may be made, as Linux's
 * __vm_enough_memory and /proc/sys/vm/overcommit_* (docs/reclaim.md,
 * "Overcommit").
 *
 * Owns: vm_committed_as, the count of pages committed to every VMA that
 * carries VM_ACCOUNT (private writable mappings, brk, the stack) and to
 * every shared anonymous object (mm/shmem.c); the three sysctls; the
 * user reserve.
 *
 * What is charged, and when it is given back, is decided where the
 * mappings change (mm/mmap.c: mmap, munmap, mprotect, fork, exit;
 * mm/shmem.c: the object's life); this file only counts and judges.
 *
 * The policies (overcommit_memory):
 *   0 GUESS   a single request larger than RAM plus swap is refused;
 *             everything else is granted.
 *   1 ALWAYS  everything is granted.
 *   2 NEVER   a request is granted only while Committed_AS, with it,
 *             stays below CommitLimit less the user reserve (Linux's
 *             min(total_vm / 32, user_reserve_kbytes) of the caller).
 * Committed_AS is counted in every mode, so a switch to 2 judges what
 * was promised before it.
 *
 * Locks: none. The counter and the sysctls are single words read and
 * written atomically; a check and its charge are one atomic add followed
 * by a test and, on refusal, a subtract (as Linux: two CPUs racing for
 * the last pages may both be refused, never both granted past the
 * limit by more than their own requests).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/proc_fs.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>

static int sysctl_overcommit_memory = OVERCOMMIT_GUESS;        /* (a) */
static int sysctl_overcommit_ratio = 50;                       /* (a) percent of RAM */
static unsigned long sysctl_overcommit_kbytes;                 /* (a) 0: use the ratio */
static unsigned long sysctl_user_reserve_kbytes;               /* (c after boot) */
static long vm_committed_as;                                   /* (a) pages */

int overcommit_policy(void)
{
	return __atomic_load_n(&sysctl_overcommit_memory, __ATOMIC_RELAXED);
}

/* Pages the allocator manages (MemTotal): all given to it at boot, so
 * read once rather than under the zone lock at every mmap. */
static unsigned long totalram;                                 /* (c after boot) */

static unsigned long totalram_pages(void)
{
	return totalram;
}

unsigned long vm_commit_limit(void)
{
	unsigned long kbytes = __atomic_load_n(&sysctl_overcommit_kbytes, __ATOMIC_RELAXED);
	unsigned long ratio = (unsigned int)__atomic_load_n(&sysctl_overcommit_ratio,
							     __ATOMIC_RELAXED);
	unsigned long allowed;

	/* No huge pages here: Linux subtracts hugetlb pages from RAM first. */
	if (kbytes)
		allowed = kbytes >> (PAGE_SHIFT - 10);
	else
		allowed = totalram_pages() * ratio / 100;
	return allowed + total_swap_pages();
}

unsigned long vm_committed_pages(void)
{
	long v = __atomic_load_n(&vm_committed_as, __ATOMIC_RELAXED);

	return v > 0 ? (unsigned long)v : 0;
}

void vm_acct_memory(long pages)
{
	__atomic_add_fetch(&vm_committed_as, pages, __ATOMIC_RELAXED);
}

void vm_unacct_memory(long pages)
{
	long left = __atomic_sub_fetch(&vm_committed_as, pages, __ATOMIC_RELAXED);

	if (left < 0)
		panic("overcommit: Committed_AS went below zero (%ld): a charge given back twice",
		      left);
}

int vm_enough_memory(struct mm_struct *mm, long pages)
{
	long allowed;

	vm_acct_memory(pages);
	switch (overcommit_policy()) {
	case OVERCOMMIT_ALWAYS:
		return 0;
	case OVERCOMMIT_GUESS:
		if (pages <= 0 || (unsigned long)pages <= totalram_pages() + total_swap_pages())
			return 0;
		break;
	default:
		allowed = (long)vm_commit_limit();
		/* Keep a little back so that a shell can still kill the hog.
		 * (No admin reserve: every process here is root, which Linux
		 * exempts from it.) */
		if (mm)
			allowed -= (long)min(mm->total_vm / 32,
					     sysctl_user_reserve_kbytes >> (PAGE_SHIFT - 10));
		if ((long)vm_committed_pages() < allowed)
			return 0;
		break;
	}
	vm_unacct_memory(pages);
	return -ENOMEM;
}

void overcommit_init(void)
{
	struct page_alloc_stats st;

	page_alloc_stats(&st);
	totalram = st.total_pages;
	/* Linux's init_user_reserve: 1/32 of free memory, at most 128 MiB. */
	sysctl_user_reserve_kbytes = min((nr_free_pages() << (PAGE_SHIFT - 10)) / 32,
					 128UL * 1024);
}

/* ---- /proc/sys/vm ------------------------------------------------------------ */

/*
 * A decimal number as proc_dointvec reads one: blanks, an optional '-'
 * (if @sign), digits, then only blanks or a newline. Returns 0 with *val
 * set, or -EINVAL (nothing, junk, or more than @max).
 */
int sysctl_parse_long(const char *buf, size_t len, bool sign, unsigned long max,
			long *val)
{
	size_t i = 0;
	unsigned long v = 0;
	bool neg = false, digits = false;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n'))
		i++;
	if (sign && i < len && buf[i] == '-') {
		neg = true;
		i++;
	}
	for (; i < len && buf[i] >= '0' && buf[i] <= '9'; i++) {
		unsigned long d = (unsigned long)(buf[i] - '0');

		if (v > (max - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
		digits = true;
	}
	for (; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\0')
			return -EINVAL;
	if (!digits)
		return -EINVAL;
	*val = neg ? -(long)v : (long)v;
	return 0;
}

int overcommit_memory_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%d\n", overcommit_policy());
	return 0;
}

/* Linux's proc_dointvec_minmax with 0..2: anything else is -EINVAL. */
int overcommit_memory_store(const char *buf, size_t len)
{
	long v;
	int err = sysctl_parse_long(buf, len, true, 0x7fffffffUL, &v);

	if (err)
		return err;
	if (v < OVERCOMMIT_GUESS || v > OVERCOMMIT_NEVER)
		return -EINVAL;
	__atomic_store_n(&sysctl_overcommit_memory, (int)v, __ATOMIC_RELAXED);
	return 0;
}

int overcommit_ratio_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%d\n", __atomic_load_n(&sysctl_overcommit_ratio, __ATOMIC_RELAXED));
	return 0;
}

/* Any int, as Linux's proc_dointvec; setting the ratio clears the kbytes. */
int overcommit_ratio_store(const char *buf, size_t len)
{
	long v;
	int err = sysctl_parse_long(buf, len, true, 0x7fffffffUL, &v);

	if (err)
		return err;
	__atomic_store_n(&sysctl_overcommit_ratio, (int)v, __ATOMIC_RELAXED);
	__atomic_store_n(&sysctl_overcommit_kbytes, 0UL, __ATOMIC_RELAXED);
	return 0;
}

int overcommit_kbytes_show(struct seq_buf *m, int pid)
{
	seq_printf(m, "%lu\n", __atomic_load_n(&sysctl_overcommit_kbytes, __ATOMIC_RELAXED));
	return 0;
}

/* Setting kbytes clears the ratio, as Linux's overcommit_kbytes_handler. */
int overcommit_kbytes_store(const char *buf, size_t len)
{
	long v;
	int err = sysctl_parse_long(buf, len, false, 0x7fffffffffffffffUL, &v);

	if (err)
		return err;
	__atomic_store_n(&sysctl_overcommit_kbytes, (unsigned long)v, __ATOMIC_RELAXED);
	__atomic_store_n(&sysctl_overcommit_ratio, 0, __ATOMIC_RELAXED);
	return 0;
}
