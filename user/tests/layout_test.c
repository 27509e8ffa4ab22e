/*
 * layout_test [LEVEL] - address-space randomisation as Linux's
 * randomize_va_space says (docs/exec.md): the program runs itself three
 * times and compares where things landed:
 *   0: everything at the same address every run (Faultline's default:
 *      GDB sessions and lab handouts can quote addresses);
 *   1: the stack, mmap(NULL) and this static-PIE program's base move;
 *      the heap stays right after the program;
 *   2: as 1, and the heap's start moves too.
 * LEVEL is what the caller booted with (tests/run.py suite aslr); without
 * it the test reads /proc/sys/kernel/randomize_va_space, and skips if the
 * file is missing.
 */
#include <elf.h>
#include <stddef.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "testutil.h"

#define RUNS 3

extern const Elf64_Ehdr __ehdr_start;
extern char **environ;

struct layout {
	unsigned long stack, base, brk_off, mmap, random;
};

/* --print: this run's layout, on fd 1. */
static int print_layout(void)
{
	int local = 0;
	struct layout l = {
		.stack = (unsigned long)&local,
		.base = (unsigned long)&__ehdr_start,
		.brk_off = (unsigned long)syscall(SYS_brk, 0) - (unsigned long)&__ehdr_start,
		.mmap = (unsigned long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		.random = getauxval(AT_RANDOM),
	};

	return write_all(1, &l, sizeof(l)) ? 1 : 0;
}

static int run_once(const char *self, struct layout *l)
{
	int pfd[2];
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "--print", NULL };

		dup2(pfd[1], 1);
		execve(self, argv, environ);
		_exit(127);
	}
	close(pfd[1]);
	if (read_all(pfd[0], l, sizeof(*l)) != sizeof(*l))
		l->stack = 0;
	close(pfd[0]);
	return wait_child(pid) == 0 && l->stack ? 0 : -1;
}

/* How many of the RUNS values of field @off differ from the first. */
static int moved(const struct layout *l, size_t off)
{
	int n = 0;

	for (int i = 1; i < RUNS; i++)
		n += *(const unsigned long *)((const char *)&l[i] + off) !=
		     *(const unsigned long *)((const char *)&l[0] + off);
	return n;
}

int main(int argc, char **argv)
{
	struct layout l[RUNS];
	char self[4096], text[32];
	int level, ok = 1;

	if (argc > 1 && !strcmp(argv[1], "--print"))
		return print_layout();
	if (argc > 1) {
		level = atoi(argv[1]);
	} else if (read_file("/proc/sys/kernel/randomize_va_space", text, sizeof(text)) > 0) {
		level = atoi(text);
	} else {
		tap_skip("no /proc/sys/kernel/randomize_va_space", "layout: the level is unknown");
		return tap_done();
	}
	tap_diag("randomize_va_space %d", level);
	self_path(argv[0], self, sizeof(self));
	for (int i = 0; i < RUNS; i++)
		ok &= run_once(self, &l[i]) == 0;
	if (!CHECK(ok, "three runs report their layout"))
		return tap_done();
	for (int i = 0; i < RUNS; i++)
		tap_diag("run %d: stack %#lx base %#lx brk base+%#lx mmap %#lx", i, l[i].stack,
			 l[i].base, l[i].brk_off, l[i].mmap);
	if (level <= 0) {
		CHECK_EQ(moved(l, offsetof(struct layout, stack)), 0, "the stack is where it was");
		CHECK_EQ(moved(l, offsetof(struct layout, base)), 0, "the program is where it was");
		CHECK_EQ(moved(l, offsetof(struct layout, mmap)), 0, "mmap(NULL) gives the same address");
		CHECK_EQ(moved(l, offsetof(struct layout, brk_off)), 0, "the heap starts at the same place");
		CHECK_EQ(moved(l, offsetof(struct layout, random)), 0, "AT_RANDOM's bytes are at the same place");
		return tap_done();
	}
	CHECK(moved(l, offsetof(struct layout, stack)) > 0, "the stack moves");
	CHECK(moved(l, offsetof(struct layout, base)) > 0, "the program's base moves");
	CHECK(moved(l, offsetof(struct layout, mmap)) > 0, "mmap(NULL) moves");
	if (level == 1)
		CHECK_EQ(moved(l, offsetof(struct layout, brk_off)), 0,
			 "level 1: the heap stays where the program ends");
	else
		CHECK(moved(l, offsetof(struct layout, brk_off)) > 0, "level 2: the heap's start moves");
	return tap_done();
}
