/*
 * overcommit_test - /proc/sys/vm/overcommit_memory and its policies, and
 * the accounting behind Committed_AS (docs/reclaim.md, "Overcommit").
 *
 * The sysctls: readable, a value other than 0, 1, 2 (or not a number) is
 * EINVAL and changes nothing. Mode 0 (the heuristic): a private writable
 * mapping of 16 times RAM plus swap is ENOMEM, the same read-only or with
 * MAP_NORESERVE is granted, and 64 private 1 GiB mappings succeed only if
 * 1 GiB fits in RAM plus swap. Mode 1: all of that is granted. Mode 2
 * (strict): CommitLimit is RAM * overcommit_ratio / 100 + swap;
 * Committed_AS grows by a private writable or shared anonymous mapping
 * and shrinks at munmap and exit, not for read-only private or shared
 * file mappings, and MAP_FIXED over a charged range charges only once; a
 * mapping past what is left is ENOMEM even with MAP_NORESERVE; mprotect
 * to writable past it is ENOMEM; brk past it fails; fork past it is
 * ENOMEM.
 *
 * Mappings are made with raw syscall(SYS_mmap) so that the kernel's errno
 * is what is checked. The policy is saved first and restored at the end;
 * the parts that change it run in a child so that a crash there still
 * leaves the parent to restore it.
 *
 * On the Linux host (make test-linux) the parts that change the policy are
 * skipped unless OVERCOMMIT_TEST_HOST=1 is set: the host is shared, and
 * strict mode would judge every other process on it too. Mode 0 runs
 * there only if it is the host's policy already.
 */
#include <sys/syscall.h>

#include "testutil.h"

#define GiB (1UL << 30)
#define MiB (1UL << 20)

/* Linux's Committed_AS is a per-CPU counter that /proc/meminfo reads
 * without summing: on the host it is right only to a few hundred KiB. */
#define HOST_SLACK (1UL << 20)
/* What mprotect and brk checks charge: well above HOST_SLACK. */
#define CHUNK (8UL << 20)

static int on_host;

/* ---- helpers ---------------------------------------------------------------- */

static long sys_mmap(unsigned long len, int prot, int flags, int fd)
{
	return syscall(SYS_mmap, 0UL, len, prot, flags, fd, 0L);
}

static long sys_mmap_fixed(unsigned long addr, unsigned long len, int prot, int flags)
{
	return syscall(SYS_mmap, addr, len, prot, flags | MAP_FIXED, -1, 0L);
}

static int sys_munmap(long addr, unsigned long len)
{
	return (int)syscall(SYS_munmap, (unsigned long)addr, len);
}

static unsigned long sys_brk(unsigned long addr)
{
	return (unsigned long)syscall(SYS_brk, addr);
}

static unsigned long anon_rw(unsigned long len, int extra, long *addr)
{
	*addr = sys_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1);
	return *addr == -1 ? 0 : len;
}

static const char *sysctl_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "/proc/sys/vm/%s", name);
	return buf;
}

/* The value of /proc/sys/vm/@name, or -1. */
static long read_sysctl(const char *name)
{
	char path[64], text[64];
	int fd = open(sysctl_path(name, path, sizeof(path)), O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	return strtol(text, NULL, 10);
}

/* Write @text to /proc/sys/vm/@name: 0, or -1 with errno. */
static int write_sysctl(const char *name, const char *text)
{
	char path[64];
	int fd = open(sysctl_path(name, path, sizeof(path)), O_WRONLY), err;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	errno = err;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int set_mode(int mode)
{
	char text[4] = { (char)('0' + mode), '\n', 0 };

	return write_sysctl("overcommit_memory", text);
}

/* A /proc/meminfo field in bytes, or 0. */
static unsigned long meminfo(const char *field)
{
	char text[8192], *p;
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	text[n] = 0;
	p = strstr(text, field);
	return p ? strtoul(p + strlen(field), NULL, 10) << 10 : 0;
}

static unsigned long committed(void)
{
	return meminfo("Committed_AS:");
}

/* Committed_AS is @want: exactly here, about on the host. */
static int near(unsigned long got, unsigned long want)
{
	unsigned long slack = on_host ? HOST_SLACK : 0;

	return got + slack >= want && got <= want + slack;
}

/* Committed_AS is @before + @delta. */
static int charged(unsigned long before, unsigned long delta)
{
	return near(committed(), before + delta);
}

/* How many of 64 private writable 1 GiB mappings succeed (all unmapped
 * again); *other_err counts refusals that are not ENOMEM. */
static int map_64_gib(int *other_err)
{
	long addr[64];
	int ok = 0;

	*other_err = 0;
	for (int i = 0; i < 64; i++) {
		addr[i] = sys_mmap(GiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (addr[i] != -1)
			ok++;
		else if (errno != ENOMEM)
			(*other_err)++;
	}
	for (int i = 0; i < 64; i++)
		if (addr[i] != -1)
			sys_munmap(addr[i], GiB);
	return ok;
}

/* ---- the sysctl files ------------------------------------------------------------- */

static void test_sysctls(void)
{
	long mode = read_sysctl("overcommit_memory");

	CHECK(mode >= 0 && mode <= 2, "overcommit_memory reads 0, 1 or 2 (%ld)", mode);
	if (!on_host)
		CHECK_EQ(read_sysctl("overcommit_ratio"), 50, "overcommit_ratio is 50 by default");
	else
		CHECK(read_sysctl("overcommit_ratio") >= 0, "overcommit_ratio reads a number");
	CHECK(read_sysctl("overcommit_kbytes") >= 0, "overcommit_kbytes reads a number");
	if (write_sysctl("overcommit_memory", "3\n") && errno != EINVAL) {
		tap_skip("cannot write /proc/sys here", "writing 3 to overcommit_memory");
		return;
	}
	CHECK_ERR(write_sysctl("overcommit_memory", "3\n"), EINVAL,
		  "writing 3 to overcommit_memory is EINVAL");
	CHECK_ERR(write_sysctl("overcommit_memory", "-1"), EINVAL, "writing -1 is EINVAL");
	CHECK_ERR(write_sysctl("overcommit_memory", "two"), EINVAL, "writing \"two\" is EINVAL");
	CHECK_EQ(read_sysctl("overcommit_memory"), mode, "and the policy is unchanged");
	CHECK_OK(set_mode((int)mode), "writing the current value back succeeds");
}

/* ---- mode 0: the heuristic -------------------------------------------------------- */

static void test_guess(void)
{
	unsigned long ram_swap = meminfo("MemTotal:") + meminfo("SwapTotal:");
	unsigned long huge = (16 * ram_swap) & ~(PAGE_SIZE - 1UL);
	long a;
	int other, ok;

	REQUIRE(ram_swap > 0, "MemTotal read from /proc/meminfo");
	CHECK_ERR(sys_mmap(huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1), ENOMEM,
		  "mode 0: a private writable mapping of 16 x (RAM + swap) is ENOMEM");
	a = sys_mmap(huge, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (CHECK(a != -1, "mode 0: the same read-only is granted"))
		sys_munmap(a, huge);
	a = sys_mmap(huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		     -1);
	if (CHECK(a != -1, "mode 0: the same with MAP_NORESERVE is granted"))
		sys_munmap(a, huge);
	a = sys_mmap(ram_swap / 2 & ~(PAGE_SIZE - 1UL), PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1);
	if (CHECK(a != -1, "mode 0: half of RAM + swap is granted"))
		sys_munmap(a, ram_swap / 2 & ~(PAGE_SIZE - 1UL));
	ok = map_64_gib(&other);
	CHECK_EQ(ok, GiB <= ram_swap ? 64 : 0,
		 "mode 0: 64 x 1 GiB private mappings: all granted iff 1 GiB <= RAM + swap "
		 "(%lu MiB)", ram_swap / MiB);
	CHECK_EQ(other, 0, "mode 0: every refusal is ENOMEM");
}

/* ---- mode 1: always ------------------------------------------------------------------- */

static void test_always(void)
{
	unsigned long huge = (16 * (meminfo("MemTotal:") + meminfo("SwapTotal:"))) &
			     ~(PAGE_SIZE - 1UL);
	long a = sys_mmap(huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	int other;

	if (CHECK(a != -1, "mode 1: a private writable mapping of 16 x (RAM + swap) is granted"))
		sys_munmap(a, huge);
	CHECK_EQ(map_64_gib(&other), 64, "mode 1: 64 x 1 GiB private mappings are granted");
}

/* ---- mode 2: strict ------------------------------------------------------------------- */

/* Bytes that can still be committed (CommitLimit - Committed_AS), or 0. */
static unsigned long room(void)
{
	unsigned long limit = meminfo("CommitLimit:"), used = committed();

	return limit > used ? limit - used : 0;
}

static void test_never_limit(void)
{
	unsigned long ram = meminfo("MemTotal:"), swap = meminfo("SwapTotal:");
	unsigned long ratio = (unsigned long)read_sysctl("overcommit_ratio");
	unsigned long want = (ram / PAGE_SIZE * ratio / 100) * PAGE_SIZE + swap;

	if (on_host)
		CHECK(meminfo("CommitLimit:") / MiB == want / MiB,
		      "mode 2: CommitLimit is RAM * ratio / 100 + swap (to the MiB)");
	else
		CHECK_EQ(meminfo("CommitLimit:"), want,
			 "mode 2: CommitLimit is RAM * ratio / 100 + swap");
}

static void test_never_charges(void)
{
	unsigned long len = 4 * MiB, before, after;
	long a, b;
	char path[] = "/tmp/overcommit_test.XXXXXX";
	int fd;

	before = committed();
	anon_rw(len, 0, &a);
	after = committed();
	REQUIRE(a != -1, "mode 2: a 4 MiB private writable mapping is granted");
	CHECK(near(after, before + len), "mode 2: Committed_AS grew by its size");
	b = sys_mmap_fixed((unsigned long)a, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS);
	CHECK_EQ(b, a, "mode 2: MAP_FIXED over it is granted");
	CHECK(charged(before, len), "mode 2: and charged once, not twice");
	CHECK_OK(sys_munmap(a + (long)MiB, MiB), "mode 2: munmap of 1 MiB in the middle");
	CHECK(charged(before, len - MiB), "mode 2: gives back 1 MiB");
	sys_munmap(a, len);
	CHECK(charged(before, 0), "mode 2: munmap of the rest gives back everything");

	a = sys_mmap(len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	CHECK(charged(before, 0), "mode 2: a read-only private mapping is not charged");
	sys_munmap(a, len);
	a = sys_mmap(len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	CHECK(charged(before, len), "mode 2: a shared anonymous mapping is charged");
	sys_munmap(a, len);
	CHECK(charged(before, 0), "mode 2: and given back at munmap");

	fd = mkstemp(path);
	REQUIRE(fd >= 0 && ftruncate(fd, (off_t)len) == 0, "a 4 MiB scratch file");
	unlink(path);
	a = sys_mmap(len, PROT_READ, MAP_SHARED, fd);
	CHECK(a != -1 && charged(before, 0),
	      "mode 2: a shared read-only file mapping is not charged");
	sys_munmap(a, len);
	a = sys_mmap(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	CHECK(a != -1 && charged(before, 0),
	      "mode 2: a shared writable file mapping is not charged");
	sys_munmap(a, len);
	a = sys_mmap(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	CHECK(a != -1 && charged(before, len),
	      "mode 2: a private writable file mapping is charged");
	sys_munmap(a, len);
	close(fd);

	{
		pid_t pid = fork();

		if (pid == 0) {
			long c;

			anon_rw(16 * MiB, 0, &c);
			_exit(c == -1);
		}
		CHECK_EXIT(wait_child(pid), 0, "mode 2: a child maps 16 MiB and exits");
		CHECK(charged(before, 0), "mode 2: exit gives its charges back");
	}
}

static void test_never_refuses(void)
{
	unsigned long left = room() & ~(PAGE_SIZE - 1UL), before, brk0;
	unsigned long big_len;
	long a, big;
	pid_t pid;
	int fork_err;

	REQUIRE(left > 16 * MiB, "mode 2: more than 16 MiB left to commit (%lu MiB)",
		left / MiB);
	CHECK_ERR(sys_mmap(left + MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1),
		  ENOMEM, "mode 2: a mapping past CommitLimit - Committed_AS is ENOMEM");
	CHECK_ERR(sys_mmap(left + MiB, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1),
		  ENOMEM, "mode 2: even with MAP_NORESERVE");
	CHECK_ERR(sys_mmap(left + MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1),
		  ENOMEM, "mode 2: a shared anonymous one too");

	before = committed();
	a = sys_mmap(left + MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	REQUIRE(a != -1, "mode 2: a read-only mapping that large is granted");
	CHECK(charged(before, 0), "mode 2: uncharged");
	CHECK_ERR(mprotect((void *)a, left + MiB, PROT_READ | PROT_WRITE), ENOMEM,
		  "mode 2: mprotect of all of it to writable is ENOMEM");
	CHECK_OK(mprotect((void *)a, CHUNK, PROT_READ | PROT_WRITE),
		 "mode 2: mprotect of 8 MiB of it to writable is granted");
	CHECK(charged(before, CHUNK), "mode 2: and charged 8 MiB");
	/* (Written to: Linux drops the charge of never-touched memory.) */
	memset((void *)a, 1, CHUNK);
	CHECK_OK(mprotect((void *)a, CHUNK, PROT_READ), "mode 2: back to read-only");
	CHECK(charged(before, CHUNK), "mode 2: keeps the charge of touched memory, as Linux");
	sys_munmap(a, left + MiB);
	CHECK(charged(before, 0), "mode 2: munmap gives it back");

	brk0 = sys_brk(0);
	CHECK_EQ(sys_brk(brk0 + left + MiB), brk0, "mode 2: brk past the limit fails");
	CHECK_EQ(sys_brk(brk0 + CHUNK), brk0 + CHUNK, "mode 2: brk by 8 MiB is granted");
	CHECK(charged(before, CHUNK), "mode 2: and charged");
	sys_brk(brk0);
	CHECK(charged(before, 0), "mode 2: shrinking brk gives it back");

	/* The child would need as much again as the parent holds. */
	big_len = room() / 3 * 2 & ~(PAGE_SIZE - 1UL);
	big = sys_mmap(big_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	REQUIRE(big != -1, "mode 2: two thirds of what is left is granted");
	pid = fork();
	if (pid == 0)
		_exit(0);
	fork_err = errno;
	if (!CHECK(pid == -1 && fork_err == ENOMEM, "mode 2: fork past the limit is ENOMEM") &&
	    pid > 0)
		wait_child(pid);
	sys_munmap(big, big_len);
	CHECK(charged(before, 0), "mode 2: unmapped again");
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_EXIT(wait_child(pid), 0, "mode 2: fork is granted again");

	{
		int other, ok = map_64_gib(&other);

		CHECK(ok <= (int)(left / GiB) && ok < 64,
		      "mode 2: %d of 64 x 1 GiB granted, at most what fits in %lu MiB", ok,
		      left / MiB);
		CHECK_EQ(other, 0, "mode 2: every refusal is ENOMEM");
	}
}

/* ---- main ------------------------------------------------------------------------- */

static int count_pipe = -1;

/* Linux charges a stack as it grows: grow it now, before anything is
 * measured. */
static void __attribute__((noinline)) grow_stack(void)
{
	volatile char pad[256 << 10];

	memset((char *)pad, 0, sizeof(pad));
}

/* In a child: hand the TAP counts to the parent (also after REQUIRE). */
static void report_counts(void)
{
	int c[3] = { tap_state.n, tap_state.passed, tap_state.failed };

	fflush(stdout);
	if (count_pipe >= 0 && write(count_pipe, c, sizeof(c)) != sizeof(c))
		_exit(2);
}

/* Run the checks that need policy @mode in a child, numbered on from the
 * parent's; the parent restores the policy at the end. */
static void in_mode(int mode, void (*fn)(void))
{
	int fds[2], c[3];
	pid_t pid;
	int status;

	if (!CHECK_OK(set_mode(mode), "set overcommit_memory to %d", mode))
		return;
	REQUIRE(pipe(fds) == 0, "pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		count_pipe = fds[1];
		atexit(report_counts);
		grow_stack();
		fn();
		report_counts();
		_exit(0);
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], c, sizeof(c)) == sizeof(c)) {
		tap_state.n = c[0];
		tap_state.passed = c[1];
		tap_state.failed = c[2];
	}
	close(fds[0]);
	status = pid > 0 ? wait_child(pid) : -1;
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		CHECK(0, "mode %d: the checks ran to the end (status %#x)", mode, status);
}

int main(void)
{
	long saved = read_sysctl("overcommit_memory");
	int change_ok;

	on_host = running_on_linux();
	change_ok = !on_host || (getenv("OVERCOMMIT_TEST_HOST") &&
				 !strcmp(getenv("OVERCOMMIT_TEST_HOST"), "1"));
	REQUIRE(saved >= 0, "read /proc/sys/vm/overcommit_memory");
	test_sysctls();
	if (change_ok || saved == 0)
		in_mode(0, test_guess);
	else
		tap_skip("the host's policy is not 0", "mode 0");
	if (change_ok) {
		in_mode(1, test_always);
		in_mode(2, test_never_limit);
		in_mode(2, test_never_charges);
		in_mode(2, test_never_refuses);
	} else {
		tap_skip("would change a shared host's policy (OVERCOMMIT_TEST_HOST=1 to run)",
			 "modes 1 and 2");
	}
	if (set_mode((int)saved) && !on_host)
		CHECK(0, "restore overcommit_memory to %ld", saved);
	CHECK_EQ(read_sysctl("overcommit_memory"), saved, "overcommit_memory restored");
	return tap_done();
}
