/*
 * tour_gdb - the program of the guided tour (docs/tour.md): one page fault
 * of each first-touch kind, one fork, one msync and one ftruncate, at
 * known addresses, for a debugger.
 *
 * Not a user test (not installed in /tests): run it under GDB with
 * `make gdb PROG=build/user/gdb/tour_gdb` (the tour), or with the tour's
 * batch script, `make gdb-batch SCRIPT=tests/gdb/tour.gdb
 * PROG=build/user/gdb/tour_gdb`. It also runs alone (`make exec PROG=...`,
 * or on Linux) and checks what each step should have done.
 *
 * What happens, in order (the tour's sections):
 *   1. a private anonymous page at ANON_ADDR (MAP_FIXED, so that a GDB
 *      script can name the address before the program runs) is written:
 *      do_anonymous_page. Then TOUR_FILE (two pages, 'A' and 'B', synced,
 *      so clean) is mapped MAP_SHARED read-write at FILE_ADDR and its
 *      first page read: do_fault -> do_read_fault -> filemap_fault ->
 *      finish_fault, which maps it read-only (write notification; the
 *      program turns fault-around off meanwhile: fault_around_off());
 *   2. fork(). The child writes the anonymous page first: do_wp_page ->
 *      wp_page_copy (the parent still maps it). Then, while the child
 *      waits, the parent writes it: do_wp_page -> wp_page_reuse (its
 *      reference is the last one);
 *   3. a store to the shared file page: do_wp_page -> wp_page_shared ->
 *      do_page_mkwrite -> ext2_page_mkwrite, the page becomes dirty;
 *      msync(MS_SYNC) writes it back and page_mkclean write-protects the
 *      PTE; the next store faults the same way again;
 *   4. the second file page is read (mapped), the file is cut to one page
 *      (ftruncate: the PTE is zapped, the page leaves the cache), and a
 *      load from that page gets SIGBUS (BUS_ADRERR, si_addr exact).
 *
 * Each step prints "tour: ..." lines with the /proc/vmstat counters that
 * moved during its access (include/mm/vmstat.h; on Linux only pgfault and
 * pgmajfault exist). The counters are machine-wide: an idle Faultline
 * has nothing else faulting, so the numbers are the access's own.
 *
 * Exit status 0 if every step saw what it should.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memprobe.h"                   /* probe_read */
#include "testutil.h"                   /* read_file */

#define ANON_ADDR 0x5c5c0000UL          /* docs/tour.md and tests/gdb/tour.gdb use these */
#define FILE_ADDR 0x5d5d0000UL
#define TOUR_FILE "tour_gdb.dat"        /* in the cwd: /tmp/tour_gdb.dat under make exec */
#define PAGE 4096

/* ---- /proc/vmstat ---------------------------------------------------------- */

/* The counters the tour watches: Linux's two, then Faultline's own. */
static const char *const counters[] = {
	"pgfault", "pgmajfault", "fl_anon_fault", "fl_read_fault", "fl_cow_fault",
	"fl_shared_fault", "fl_wp_fault", "fl_wp_reuse", "fl_page_mkwrite",
	"fl_mkclean_ptes", "fl_truncate_unmap", "fl_sigbus_eof",
};
#define NR_COUNTERS (sizeof(counters) / sizeof(counters[0]))

/* Static and touched once before the first step, so that reading the
 * counters takes no page fault of its own. */
static char vmstat_buf[8192];
static long before[NR_COUNTERS], after[NR_COUNTERS];

/* Read the counters into @v; -1 for one that is not there. */
static void vmstat_read(long *v)
{
	for (size_t i = 0; i < NR_COUNTERS; i++)
		v[i] = -1;
	if (read_file("/proc/vmstat", vmstat_buf, sizeof(vmstat_buf)) < 0)
		return;
	for (char *line = vmstat_buf; *line; ) {
		char *end = strchr(line, '\n');
		size_t name = strcspn(line, " ");

		for (size_t i = 0; i < NR_COUNTERS; i++)
			if (strlen(counters[i]) == name && !strncmp(line, counters[i], name))
				v[i] = strtol(line + name, NULL, 10);
		if (!end)
			break;
		line = end + 1;
	}
}

/* Start measuring one access. */
static void measure(void)
{
	vmstat_read(before);
}

/* Print what moved since measure(), as "tour: WHAT: pgfault +1 ...". */
static void report(const char *what)
{
	vmstat_read(after);
	printf("tour: %s:", what);
	for (size_t i = 0; i < NR_COUNTERS; i++)
		if (before[i] >= 0 && after[i] != before[i])
			printf(" %s +%ld", counters[i], after[i] - before[i]);
	printf("\n");
	fflush(stdout);
}

/*
 * Fault-around (docs/fault-path.md 6.3.1) would map both cached file pages
 * at the first read, through ->map_pages, and filemap_fault would never
 * run: the tour turns it off while it runs (fault_around_bytes 4096, one
 * page), so that each access is one fault of one kind, and then puts the
 * old value back. On Linux the file is not there, and nothing changes.
 */
#define FAULT_AROUND "/proc/sys/vm/fault_around_bytes"
static char fault_around_old[32];

static void fault_around_off(void)
{
	if (read_file(FAULT_AROUND, fault_around_old, sizeof(fault_around_old)) > 0)
		write_file(FAULT_AROUND, "4096\n");
}

static void fault_around_restore(void)
{
	if (fault_around_old[0])
		write_file(FAULT_AROUND, fault_around_old);
}

/* ---- the steps ------------------------------------------------------------- */

static int fail(const char *what)
{
	perror(what);
	unlink(TOUR_FILE);
	return 1;
}

/* 1. The first touch of anonymous memory, and the first read of a file page. */
static int first_touch(volatile char *anon, volatile char *file)
{
	char seen;

	measure();
	anon[0] = 'a';                          /* do_anonymous_page */
	report("1 anonymous first touch (store)");
	measure();
	seen = file[0];                         /* do_read_fault -> filemap_fault */
	report("1 file read fault");
	if (seen != 'A') {
		printf("tour: read '%c' from the file's first page, expected 'A'\n", seen);
		return 1;
	}
	return 0;
}

/* The child of step 2: copy the page, then hold it until the parent wrote. */
static int fork_child(volatile char *anon, int done, int go)
{
	char c;

	measure();
	anon[0] = 'c';                          /* do_wp_page -> wp_page_copy */
	report("2 child's first store after fork");
	if (write(done, "x", 1) != 1 || read(go, &c, 1) != 1)
		return 2;
	return anon[0] == 'c' ? 0 : 3;          /* the parent's 'p' is not ours */
}

/* 2. fork, the child writes first, then the parent. */
static int fork_step(volatile char *anon)
{
	int done[2], go[2], status;
	pid_t pid;
	char c;

	if (pipe(done) < 0 || pipe(go) < 0)
		return fail("tour: pipe");
	pid = fork();                           /* dup_mm -> copy_page_range */
	if (pid < 0)
		return fail("tour: fork");
	if (pid == 0) {
		close(done[0]);
		close(go[1]);
		_exit(fork_child(anon, done[1], go[0]));
	}
	close(done[1]);
	close(go[0]);
	if (read(done[0], &c, 1) != 1)          /* the child has its copy now */
		return fail("tour: read");
	measure();
	anon[0] = 'p';                          /* do_wp_page -> wp_page_reuse */
	report("2 parent's store after the child's");
	if (write(go[1], "x", 1) != 1)
		return fail("tour: write");
	close(go[1]);
	close(done[0]);
	if (waitpid(pid, &status, 0) != pid)
		return fail("tour: waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || anon[0] != 'p') {
		printf("tour: after fork, child status %#x, parent sees '%c' "
		       "(expected 0 and 'p')\n", status, anon[0]);
		return 1;
	}
	return 0;
}

/* 3. A store to the clean shared page, msync, and the next store. */
static int msync_step(volatile char *file, int fd)
{
	char c;

	measure();
	file[0] = 'X';                          /* do_wp_page -> wp_page_shared */
	report("3 first store to the clean shared page");
	measure();
	if (msync((void *)file, 2 * PAGE, MS_SYNC) != 0)        /* page_mkclean */
		return fail("tour: msync");
	report("3 msync(MS_SYNC)");
	measure();
	file[0] = 'Y';                          /* read-only again: the same fault */
	report("3 next store after msync");
	if (pread(fd, &c, 1, 0) != 1 || c != 'Y') {
		printf("tour: the file holds '%c', expected 'Y'\n", c);
		return 1;
	}
	return 0;
}

/* 4. The second page is mapped, the file cut to one page, the page read. */
static int truncate_step(volatile char *file, int fd)
{
	volatile char *past = file + PAGE;
	struct probe pr;
	char seen;

	seen = past[0];                         /* do_read_fault: page 1 mapped */
	if (seen != 'B') {
		printf("tour: read '%c' from the file's second page, expected 'B'\n", seen);
		return 1;
	}
	measure();
	if (ftruncate(fd, PAGE) != 0)           /* unmap_mapping_range, truncate_inode_pages */
		return fail("tour: ftruncate");
	report("4 ftruncate to one page");
	measure();
	probe_read(past, &seen, &pr);           /* filemap_fault: past EOF, SIGBUS */
	report("4 load past the new end of file");
	if (pr.signo != SIGBUS || pr.code != BUS_ADRERR || pr.addr != (void *)past) {
		printf("tour: the load past EOF got signal %d code %d at %p, expected "
		       "%d code %d at %p\n", pr.signo, pr.code, pr.addr, SIGBUS,
		       BUS_ADRERR, (void *)past);
		return 1;
	}
	printf("tour: SIGBUS, BUS_ADRERR, si_addr %p\n", pr.addr);
	return 0;
}

int main(void)
{
	static char buf[2 * PAGE];
	volatile char *anon, *file;
	int fd, err;

	memset(vmstat_buf, 0, sizeof(vmstat_buf));
	fault_around_off();
	printf("tour: pid %d, anonymous page at %#lx, file pages at %#lx\n",
	       (int)getpid(), ANON_ADDR, FILE_ADDR);
	fflush(stdout);
	measure();

	anon = mmap((void *)ANON_ADDR, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (anon == MAP_FAILED)
		return fail("tour: mmap anonymous");
	memset(buf, 'A', PAGE);
	memset(buf + PAGE, 'B', PAGE);
	fd = open(TOUR_FILE, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("tour: open");
	if (write(fd, buf, sizeof(buf)) != sizeof(buf) || fsync(fd) != 0)
		return fail("tour: write");     /* two clean page-cache pages */
	file = mmap((void *)FILE_ADDR, 2 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, fd, 0);
	if (file == MAP_FAILED)
		return fail("tour: mmap file");
	/* Also runs report()'s own code once, so that it faults no more. */
	report("0 set-up (the program's own faults so far)");

	err = first_touch(anon, file);
	if (!err)
		err = fork_step(anon);
	if (!err)
		err = msync_step(file, fd);
	if (!err)
		err = truncate_step(file, fd);
	munmap((void *)file, 2 * PAGE);
	close(fd);
	unlink(TOUR_FILE);
	fault_around_restore();
	printf("tour: %s\n", err ? "FAILED" : "done");
	return err;
}
