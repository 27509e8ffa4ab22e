/*
 * tlb_stale_test - what the TLB shootdown prevents (docs/smp-tlb.md),
 * seen from two threads of one process on two CPUs.
 *
 * In make test it runs in every user-test boot (SMP=1 and SMP=2), and the
 * smp-races suite runs it on SMP=2 twice: as is, where it must pass, and
 * with tlb_shootdown=0, where the checks marked "(fails with
 * tlb_shootdown=0)" must fail and no other; make grade LAB=tlb (the TLB
 * lab, docs/labs/tlb.md) runs it on SMP=2 too. By hand:
 *
 *   make exec PROG=build/user/tests/tlb_stale_test SMP=2
 *   make exec PROG=build/user/tests/tlb_stale_test SMP=2 KARGS=tlb_shootdown=0
 *
 * On Linux (run the binary on the host) the thread machinery and check 2
 * run; check 1 reads Faultline's own /proc/vmstat counters and skips.
 *
 * (On SMP=1 both threads share one CPU; every switch between them goes
 * through the scheduler but keeps CR3, so the checks still pass with the
 * default, and the tlb_shootdown=0 run proves nothing: it says so.)
 *
 * 1. Stale writable entry, lost write-back. A thread stores a counter into
 *    a MAP_SHARED page of a file, over and over, so its CPU caches a
 *    writable, dirty translation. The main thread calls msync(MS_SYNC):
 *    write-back cleans the page and write-protects its PTE (page_mkclean),
 *    which must shoot down the other CPU's entry. The storing thread's
 *    next store must then fault (fl_wp_fault in /proc/vmstat), making the
 *    page dirty again, so the second msync writes it (fl_mkclean_ptes goes
 *    up again). Without the shootdown the stores go on through the stale
 *    entry: no fault, the page stays clean, and the second msync writes
 *    nothing: the stores made after the first msync never reach the disk.
 *
 * 2. Stale entry to a freed page. A thread reads an anonymous page in a
 *    loop. The main thread munmaps it (the frame goes back to the
 *    allocator only after the shootdown) and then faults in fresh pages
 *    filled with another value, so the freed frame is likely reused. The
 *    reader must get SIGSEGV soon after munmap returns, and must never
 *    have read anything but its own value. Without the shootdown it keeps
 *    reading through the stale entry, and sees the other value once the
 *    frame is reused.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "filemap.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM)
#define STACK_SIZE   (64 * 1024)

/*
 * Start fn(arg) in a new thread on its own stack. The raw syscall, because
 * the child returns from it on the new stack and must not return into
 * the caller's frames: it calls fn and then exits the thread.
 */
static long start_thread(int (*fn)(void *), void *arg, char *stack_top)
{
	unsigned long *sp = (unsigned long *)stack_top;
	long ret;

	*--sp = (unsigned long)arg;
	*--sp = (unsigned long)fn;
	__asm__ volatile(
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"pop %%rax\n\t"                 /* the child: fn, then arg */
		"pop %%rdi\n\t"
		"call *%%rax\n\t"
		"mov %%eax, %%edi\n\t"
		"mov %[nr_exit], %%eax\n\t"
		"syscall\n\t"
		"ud2\n"
		"1:"
		: "=a"(ret)
		: "0"((long)SYS_clone), "D"((long)THREAD_FLAGS), "S"(sp), "d"(0L),
		  [nr_exit] "i"(SYS_exit)
		: "rcx", "r11", "r8", "r9", "r10", "memory");
	return ret;
}

static long vmstat(const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = atol(line + n + 1);
	fclose(f);
	return v;
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);     /* best effort */
}

/* ---- 1. msync and a stale writable entry -------------------------------- */

static volatile unsigned long *shared_page;   /* the file's page */
static atomic_ulong stores;                    /* stores made so far */
static atomic_int stop_storing, storer_done;

static int storer(void *arg)
{
	(void)arg;
	pin_to_cpu(1);
	while (!atomic_load(&stop_storing)) {
		unsigned long n = atomic_load(&stores) + 1;

		shared_page[0] = n;
		atomic_store(&stores, n);
	}
	atomic_store(&storer_done, 1);
	return 0;
}

static void test_msync_stale_entry(void)
{
	static char stack[STACK_SIZE] __attribute__((aligned(16)));
	long wp0, wp1, clean0, clean1;
	unsigned long before;
	int fd = make_file("tlb_stale", PAGE_SIZE, 7);

	REQUIRE(fd >= 0, "a one-page file");
	shared_page = (volatile unsigned long *)map_file(fd, PAGE_SIZE, PROT_READ | PROT_WRITE,
							 MAP_SHARED, 0);
	REQUIRE(shared_page != NULL, "map it shared");
	REQUIRE(start_thread(storer, NULL, stack + sizeof(stack)) > 0,
		"start the storing thread");
	while (atomic_load(&stores) < 1000)
		;
	REQUIRE(msync((void *)shared_page, PAGE_SIZE, MS_SYNC) == 0, "first msync");
	wp0 = vmstat("fl_wp_fault");
	before = atomic_load(&stores);
	while (atomic_load(&stores) < before + 100000)
		;                       /* it stores on, after msync returned */
	wp1 = vmstat("fl_wp_fault");
	if (wp0 < 0)
		tap_skip("no fl_wp_fault in /proc/vmstat (not Faultline)",
			 "a store after msync faults on the write-protected PTE");
	else
		CHECK(wp1 > wp0, "a store after msync faults on the write-protected PTE "
		      "(fails with tlb_shootdown=0)");
	atomic_store(&stop_storing, 1);
	while (!atomic_load(&storer_done))
		;
	clean0 = vmstat("fl_mkclean_ptes");
	CHECK(msync((void *)shared_page, PAGE_SIZE, MS_SYNC) == 0, "second msync");
	clean1 = vmstat("fl_mkclean_ptes");
	if (clean0 < 0)
		tap_skip("no fl_mkclean_ptes in /proc/vmstat (not Faultline)",
			 "the second msync finds the page dirty again");
	else
		CHECK(clean1 > clean0, "the second msync finds the page dirty again and "
		      "writes it back (fails with tlb_shootdown=0)");
	CHECK(shared_page[0] == atomic_load(&stores), "the page holds the last store");
	munmap((void *)shared_page, PAGE_SIZE);
	close(fd);
}

/* ---- 2. munmap and a stale entry to a freed page ---------------------------- */

#define READER_VALUE 0x5a5a5a5a5a5a5a5aUL
#define OTHER_VALUE  0xa5a5a5a5a5a5a5a5UL

static volatile unsigned long *anon_page;
static atomic_ulong reads, foreign_reads;
static atomic_int reader_faulted, reader_started;

static void segv_handler(int sig)
{
	(void)sig;
	/* The reader thread faulted: end that thread alone. */
	atomic_store(&reader_faulted, 1);
	syscall(SYS_exit, 0);
}

static int reader(void *arg)
{
	(void)arg;
	pin_to_cpu(1);
	atomic_store(&reader_started, 1);
	for (;;) {
		unsigned long v = anon_page[0];

		if (v != READER_VALUE)
			atomic_fetch_add(&foreign_reads, 1);
		atomic_fetch_add(&reads, 1);
	}
	return 0;
}

static void test_munmap_stale_entry(void)
{
	static char stack[STACK_SIZE] __attribute__((aligned(16)));
	struct sigaction sa = { .sa_handler = segv_handler };
	unsigned long after_unmap;
	char *filler;
	int waited;

	sigaction(SIGSEGV, &sa, NULL);
	anon_page = (volatile unsigned long *)map_pages(1);
	REQUIRE(anon_page != NULL, "an anonymous page");
	anon_page[0] = READER_VALUE;
	REQUIRE(start_thread(reader, NULL, stack + sizeof(stack)) > 0,
		"start the reading thread");
	while (!atomic_load(&reader_started) || atomic_load(&reads) < 1000)
		;
	/* Map the pages that will reuse the frame before the munmap, so that
	 * they cannot be placed at the address being unmapped (a mapping
	 * made after it could fill the hole, and the reader would then read
	 * that mapping legitimately). Their frames come only when touched. */
	filler = map_pages(256);
	REQUIRE(filler != NULL, "256 pages to reuse the frame");
	REQUIRE(munmap((void *)anon_page, PAGE_SIZE) == 0, "munmap the page it reads");
	after_unmap = atomic_load(&reads);
	/* Make the freed frame likely to be handed out again, with another value. */
	for (int i = 0; i < 256; i++)
		*(unsigned long *)(filler + (long)i * PAGE_SIZE) = OTHER_VALUE;
	for (waited = 0; waited < 200 && !atomic_load(&reader_faulted); waited++)
		sleep_ms(5);
	CHECK(atomic_load(&reader_faulted), "the reader gets SIGSEGV once munmap "
	      "has returned (fails with tlb_shootdown=0)");
	CHECK(atomic_load(&foreign_reads) == 0, "it never read another page's "
	      "data through a stale entry (fails with tlb_shootdown=0, once the "
	      "frame is reused)");
	if (!atomic_load(&reader_faulted))
		tap_diag("the reader made %lu reads after munmap returned",
			 atomic_load(&reads) - after_unmap);
}

static atomic_int probe_ran;

static int probe(void *arg)
{
	(void)arg;
	atomic_store(&probe_ran, 1);
	return 0;
}

int main(void)
{
	static char probe_stack[STACK_SIZE] __attribute__((aligned(16)));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long r;

	tap_diag("tlb_stale_test: %ld CPU(s) online", ncpu);
	r = start_thread(probe, NULL, probe_stack + sizeof(probe_stack));
	if (r < 0) {
		tap_skip("no threads yet", "clone(CLONE_VM | CLONE_THREAD ...) returned %ld", r);
		return tap_done();
	}
	for (int i = 0; i < 200 && !atomic_load(&probe_ran); i++)
		sleep_ms(10);
	if (!atomic_load(&probe_ran)) {
		tap_skip("no threads yet", "clone(CLONE_VM ...) made no thread in this "
			 "address space (a process?)");
		return tap_done();
	}
	if (ncpu < 2)
		tap_diag("one CPU: the threads share it; a pass here says little");
	pin_to_cpu(0);
	test_msync_stale_entry();
	test_munmap_stale_entry();
	return tap_done();
}
