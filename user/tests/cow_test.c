/*
 * cow_test - copy-on-write after fork() among parent, child and grandchild,
 * and the page-fault counts getrusage() reports (LINUX-SEMANTICS.md D, H).
 *
 * Isolation: private anonymous pages written before fork() stay private to
 * whoever writes them next, whichever side writes first, down to a
 * grandchild. Processes take turns through pipes so that every read comes
 * after the write it must (not) see.
 *
 * Fault counts (ru_minflt, counted the way Linux does): touching N fresh
 * anonymous pages costs >= N minor faults; after fork() the first write to
 * a page shared copy-on-write faults once more in the writer, the second
 * write to it does not fault, and reading it does not fault in the parent.
 */
#include "testutil.h"

#define NPAGES 8

/* Block until the other side writes a byte; 0 or -1. */
static int wait_turn(int fd)
{
	char c;

	return read_all(fd, &c, 1) == 1 ? 0 : -1;
}

static void give_turn(int fd)
{
	write_all(fd, "x", 1);
}

/* Fill every page of mem with value (one byte per page is enough). */
static void fill(char *mem, char value)
{
	for (int i = 0; i < NPAGES; i++)
		mem[i * PAGE_SIZE + 7] = value;
}

/* Number of pages of mem whose marker byte is not value. */
static int mismatches(const char *mem, char value)
{
	int bad = 0;

	for (int i = 0; i < NPAGES; i++)
		bad += ((volatile const char *)mem)[i * PAGE_SIZE + 7] != value;
	return bad;
}

/*
 * The grandchild: sees the child's value, writes its own, checks it.
 * Exit code: 0, or which check failed.
 */
static int grandchild(char *mem)
{
	if (mismatches(mem, 'C'))
		return 1;
	fill(mem, 'G');
	return mismatches(mem, 'G') ? 2 : 0;
}

/*
 * The child: sees the parent's pre-fork value even after the parent wrote
 * (to_child/from_child order it), writes its own, forks a grandchild,
 * and keeps its own value whatever the grandchild writes.
 */
static int child(char *mem, int from_parent, int to_parent)
{
	pid_t pid;
	int status;

	if (wait_turn(from_parent) != 0)	/* the parent has written 'Q' */
		return 10;
	if (mismatches(mem, 'P'))
		return 11;			/* saw the parent's later write */
	fill(mem, 'C');
	give_turn(to_parent);			/* the parent checks it kept 'Q' */
	pid = fork();
	if (pid == 0)
		_exit(grandchild(mem));
	status = wait_child(pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 20 + (WIFEXITED(status) ? WEXITSTATUS(status) : 9);
	return mismatches(mem, 'C') ? 12 : 0;
}

static void test_isolation(void)
{
	char *mem = map_pages(NPAGES);
	int down[2], up[2], status;
	pid_t pid;

	REQUIRE(mem != NULL, "map %d anonymous pages", NPAGES);
	REQUIRE(pipe(down) == 0 && pipe(up) == 0, "pipes");
	fill(mem, 'P');
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child(mem, down[0], up[1]));
	fill(mem, 'Q');				/* the parent writes first */
	give_turn(down[1]);
	CHECK_EQ(wait_turn(up[0]), 0, "the child took its turn");
	CHECK_EQ(mismatches(mem, 'Q'), 0,
		 "parent keeps its own write after the child writes");
	status = wait_child_timeout(pid, 8000);
	CHECK_EXIT(status, 0, "child: keeps the pre-fork data despite the "
		   "parent's write; grandchild sees the child's data and "
		   "writes privately (exit code says which check failed)");
	CHECK_EQ(mismatches(mem, 'Q'), 0,
		 "parent's pages unchanged after child and grandchild exit");
	close(down[0]);
	close(down[1]);
	close(up[0]);
	close(up[1]);
	munmap(mem, NPAGES * PAGE_SIZE);
}

/* The child writes first; the parent must not see it. */
static void test_child_writes_first(void)
{
	char *mem = map_pages(NPAGES);
	pid_t pid;

	REQUIRE(mem != NULL, "map pages");
	fill(mem, 'a');
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fill(mem, 'b');
		_exit(mismatches(mem, 'b'));
	}
	CHECK_EXIT(wait_child(pid), 0, "the child sees its own write");
	CHECK_EQ(mismatches(mem, 'a'), 0,
		 "the parent does not see the child's write");
	munmap(mem, NPAGES * PAGE_SIZE);
}

/* Memory the program had before main (data, bss, stack) is COW too. */
static int global_value = 1;

static void test_data_and_stack(void)
{
	volatile int on_stack = 2;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		global_value = 100;
		on_stack = 200;
		_exit(global_value == 100 && on_stack == 200 ? 0 : 1);
	}
	CHECK_EXIT(wait_child(pid), 0, "child writes its data and stack");
	CHECK_EQ(global_value, 1, "the parent's .data is unchanged");
	CHECK_EQ(on_stack, 2, "the parent's stack is unchanged");
}

static void test_fresh_page_faults(void)
{
	char *mem = map_pages(NPAGES);
	long before, after;

	REQUIRE(mem != NULL, "map pages");
	before = minflt();
	for (int i = 0; i < NPAGES; i++)
		((volatile char *)mem)[i * PAGE_SIZE] = 1;
	after = minflt();
	CHECK(after - before >= NPAGES,
	      "touching %d fresh anonymous pages: >= %d minor faults (got %ld)",
	      NPAGES, NPAGES, after - before);
	before = minflt();
	for (int i = 0; i < NPAGES; i++)
		((volatile char *)mem)[i * PAGE_SIZE + 1] = 2;
	after = minflt();
	CHECK_EQ(after - before, 0, "writing them again: no more faults");
	munmap(mem, NPAGES * PAGE_SIZE);
}

/*
 * In the child: a write to a COW page faults once, the next write to it
 * not at all. Exit code 0, or 1/2 for the check that failed.
 */
static int child_write_faults(char *mem)
{
	long before = minflt(), mid, after;

	mem[100] = 'c';
	mid = minflt();
	mem[200] = 'c';
	after = minflt();
	if (mid - before < 1)
		return 1;
	return after - mid == 0 ? 0 : 2;
}

static void test_cow_faults(void)
{
	char *mem = map_pages(2);
	long before, mid, after;
	pid_t pid;
	char c;

	REQUIRE(mem != NULL, "map pages");
	mem[0] = 1;			/* both pages present before fork */
	mem[PAGE_SIZE] = 1;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child_write_faults(mem));
	CHECK_EXIT(wait_child(pid), 0, "child: its first write to a COW page "
		   "faults (>= 1), its second does not (0)");

	before = minflt();
	c = ((volatile char *)mem)[PAGE_SIZE + 5];
	after = minflt();
	CHECK_EQ(after - before, 0, "parent: reading a COW page does not fault");
	(void)c;

	pid = fork();
	if (pid == 0) {
		sleep_ms(300);	/* keep the pages shared while the parent writes */
		_exit(0);
	}
	before = minflt();
	((volatile char *)mem)[50] = 2;
	mid = minflt();
	((volatile char *)mem)[60] = 2;
	after = minflt();
	CHECK(mid - before >= 1, "parent: first write to a shared COW page "
	      "faults once more (got %ld)", mid - before);
	CHECK_EQ(after - mid, 0, "parent: the second write does not fault");
	wait_child(pid);
	munmap(mem, 2 * PAGE_SIZE);
}

static void test_children_rusage(void)
{
	struct rusage ru;

	CHECK_OK(getrusage(RUSAGE_CHILDREN, &ru), "getrusage(RUSAGE_CHILDREN)");
	CHECK(ru.ru_minflt > 0, "the reaped children's faults are counted "
	      "(ru_minflt %ld)", ru.ru_minflt);
}

int main(void)
{
	test_isolation();
	test_child_writes_first();
	test_data_and_stack();
	test_fresh_page_faults();
	test_cow_faults();
	test_children_rusage();
	return tap_done();
}
