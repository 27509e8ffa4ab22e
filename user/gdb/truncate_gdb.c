/*
 * truncate_gdb - the truncate race in slow motion (docs/labs/truncate.md,
 * docs/truncate-race.md).
 *
 * Not a user test (not in /tests). Run it with a slow fault path:
 *
 *   make exec PROG=build/user/gdb/truncate_gdb KARGS="fault_delay=100"
 *   make exec PROG=build/user/gdb/truncate_gdb KARGS="fault_delay=100 truncate_guard=0"
 *
 * A two-page file in the current directory, mapped MAP_SHARED at
 * TRUNC_ADDR, and its pages cached. In order:
 *   1. the child reads page 0: a read fault, which with fault_delay=100
 *      sleeps 100 ms in finish_fault after it has found the page;
 *   2. 10 ms later the parent truncates the file to 0 bytes: the page
 *      leaves the page cache, and every PTE of the file is removed;
 *   3. the child's fault wakes up. With the truncate_count recheck it sees
 *      that a truncate ran, drops the page, retries, and the retry finds
 *      the file empty: SIGBUS. Without it (truncate_guard=0), it maps the
 *      page that has just left the file: the read returns the old data;
 *   4. the parent is done; the child reads page 0 again. Past EOF that
 *      must give SIGBUS (LINUX-SEMANTICS.md item 37), unless a stale PTE
 *      survived the truncate.
 *
 * Exit status 0 if the second read gave SIGBUS, 1 if a stale PTE survived.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define TRUNC_ADDR 0x5f5f0000UL         /* docs/labs/truncate.md uses it */
#define PAGE 4096
#define FILE_NAME "truncate_gdb.data"

static sigjmp_buf bus;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(bus, 1);
}

/* One read of the page; returns the byte, or -1 for SIGBUS. */
static int probe(volatile char *mem)
{
	if (sigsetjmp(bus, 1))
		return -1;
	return mem[0];
}

static const char *what(int r)
{
	return r < 0 ? "SIGBUS" : "the old data";
}

/* Shared between the two processes. */
struct shared {
	int ready;              /* the child is about to read */
	int phase;              /* 1: the truncate has begun, 2: it is done */
};

/* The child: steps 1, 3 and 4. */
static int child(volatile char *mem, volatile struct shared *sh)
{
	int first, second;

	sh->ready = 1;
	first = probe(mem);                                     /* 1, 3 */
	printf("truncate_gdb: child: first read: %s (the truncate had %s)\n", what(first),
	       sh->phase == 2 ? "finished: the fault straddled it" :
	       sh->phase == 1 ? "begun" : "not begun: the fault was too fast (fault_delay?)");
	while (sh->phase != 2)
		usleep(1000);
	second = probe(mem);                                    /* 4 */
	printf("truncate_gdb: child: read after the truncate: %s%s\n", what(second),
	       second < 0 ? "" : ": a stale PTE survived the truncate (truncate_guard=0?)");
	return second < 0 ? 0 : 1;
}

int main(void)
{
	static char buf[2 * PAGE];
	volatile struct shared *sh;
	volatile char *mem;
	int fd, status;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);       /* the child's lines, before _exit */
	memset(buf, 'T', sizeof(buf));
	fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		perror("truncate_gdb: the file");
		return 1;
	}
	mem = mmap((void *)TRUNC_ADDR, 2 * PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED || sh == MAP_FAILED) {
		perror("truncate_gdb: mmap");
		return 1;
	}
	/*
	 * Run every call of the race once before it, so that their code is
	 * mapped: with fault_delay every first touch of a page of this
	 * program's text is a slow file fault too, and would decide the race.
	 */
	signal(SIGBUS, on_sigbus);
	probe((volatile char *)sh);
	usleep(1000);
	if (ftruncate(fd, sizeof(buf)) != 0)
		perror("truncate_gdb: ftruncate");
	pid = fork();
	if (pid < 0) {
		perror("truncate_gdb: fork");
		return 1;
	}
	if (pid == 0)
		_exit(child(mem, sh));
	while (!sh->ready)
		usleep(1000);
	usleep(10000);                  /* the child's fault is asleep by now */
	sh->phase = 1;
	if (ftruncate(fd, 0) != 0)                              /* 2 */
		perror("truncate_gdb: ftruncate");
	sh->phase = 2;
	waitpid(pid, &status, 0);
	close(fd);
	unlink(FILE_NAME);
	printf("truncate_gdb: parent %d, child %d: %s\n", (int)getpid(), (int)pid,
	       status == 0 ? "nothing stayed mapped past EOF" : "the bug: a stale mapping");
	return status == 0 ? 0 : 1;
}
