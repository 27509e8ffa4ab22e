/*
 * signal_fault_test - the signals the MMU raises (LINUX-SEMANTICS.md 57,
 * 58, 64; DESIGN.md "User ABI"): SIGSEGV with si_signo, si_code
 * SEGV_MAPERR / SEGV_ACCERR and si_addr the faulting address, for an
 * unmapped page, NULL, a kernel address, a write to read-only memory, a
 * read of PROT_NONE, an instruction fetch from a no-execute data page; a
 * handler that fixes the page and returns (rt_sigreturn retries the
 * instruction); a fault while SIGSEGV is blocked or ignored still kills.
 * SIGBUS (a file page beyond EOF) comes with file mappings.
 */
#include "memprobe.h"
#include "testutil.h"

/* Call code at p (a "ret" instruction) under the probe handler. */
static int probe_exec(void *p, struct probe *out)
{
	struct sigaction sa, old;
	void (*volatile fn)(void) = (void (*)(void))p;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old);
	memset(&probe_info, 0, sizeof(probe_info));
	if (sigsetjmp(probe_env, 1) == 0)
		fn();
	sigaction(SIGSEGV, &old, NULL);
	*out = probe_info;
	return probe_info.signo;
}

static void test_maperr(void)
{
	char *gone = unmapped_page();
	struct probe pr;

	CHECK_EQ(probe_read(gone + 123, NULL, &pr), SIGSEGV,
		 "read of an unmapped page: SIGSEGV");
	CHECK_EQ(pr.code, SEGV_MAPERR, "si_code SEGV_MAPERR");
	CHECK(pr.addr == gone + 123, "si_addr is the faulting address");
	CHECK_EQ(probe_write(gone + 5, 1, &pr), SIGSEGV,
		 "write to an unmapped page: SIGSEGV");
	CHECK(pr.code == SEGV_MAPERR && pr.addr == gone + 5,
	      "SEGV_MAPERR at the address");
	CHECK_EQ(probe_read(NULL, NULL, &pr), SIGSEGV, "NULL read: SIGSEGV");
	CHECK(pr.code == SEGV_MAPERR && pr.addr == NULL,
	      "SEGV_MAPERR, si_addr NULL");
	CHECK_EQ(probe_read((char *)KERNEL_ADDR + 8, NULL, &pr), SIGSEGV,
		 "read of a kernel address from user mode: SIGSEGV");
	CHECK_EQ(pr.code, SEGV_MAPERR,
		 "si_code SEGV_MAPERR (Linux reports kernel addresses unmapped)");
	CHECK(pr.addr == (char *)KERNEL_ADDR + 8, "si_addr the kernel address");
}

static void test_accerr(void)
{
	char *ro = readonly_page();
	char *none = mmap(NULL, PAGE_SIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct probe pr;

	REQUIRE(ro && none != MAP_FAILED, "map read-only and PROT_NONE pages");
	CHECK_EQ(probe_read(ro + 9, NULL, &pr), 0, "read of a read-only page: ok");
	CHECK_EQ(probe_write(ro + 9, 1, &pr), SIGSEGV,
		 "write to a read-only page: SIGSEGV");
	CHECK_EQ(pr.code, SEGV_ACCERR, "si_code SEGV_ACCERR");
	CHECK(pr.addr == ro + 9, "si_addr is the faulting address");
	CHECK_EQ(probe_read(none + 4000, NULL, &pr), SIGSEGV,
		 "read of a PROT_NONE page: SIGSEGV");
	CHECK(pr.code == SEGV_ACCERR && pr.addr == none + 4000,
	      "SEGV_ACCERR at the address");
	/* Read-only after being written: the PTE is present. */
	CHECK_OK(mprotect(none, PAGE_SIZE, PROT_READ | PROT_WRITE), "mprotect RW");
	none[1] = 1;
	CHECK_OK(mprotect(none, PAGE_SIZE, PROT_READ), "mprotect RO again");
	CHECK_EQ(probe_write(none + 1, 2, &pr), SIGSEGV,
		 "write to a present page made read-only: SIGSEGV");
	CHECK(pr.code == SEGV_ACCERR && none[1] == 1,
	      "SEGV_ACCERR, and the byte is unchanged");
	munmap(ro, PAGE_SIZE);
	munmap(none, PAGE_SIZE);
}

static void test_nx(void)
{
	unsigned char *code = (unsigned char *)map_pages(1);
	struct probe pr;

	REQUIRE(code != NULL, "map a data page");
	code[0] = 0xc3;		/* ret */
	CHECK_EQ(probe_exec(code, &pr), SIGSEGV,
		 "executing a read-write (no-exec) data page: SIGSEGV");
	CHECK_EQ(pr.code, SEGV_ACCERR, "si_code SEGV_ACCERR (NX)");
	CHECK(pr.addr == code, "si_addr is the instruction's address");
	CHECK_OK(mprotect(code, PAGE_SIZE, PROT_READ | PROT_EXEC),
		 "mprotect the page read+exec");
	CHECK_EQ(probe_exec(code, &pr), 0, "now the code runs and returns");
	munmap(code, PAGE_SIZE);
}

/* A handler that makes the faulting page writable and returns. */
static char *fixable;
static volatile int fixes;

static void fix_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fixes++;
	if (si->si_addr == fixable)
		mprotect(fixable, PAGE_SIZE, PROT_READ | PROT_WRITE);
}

static void test_handler_returns(void)
{
	struct sigaction sa, old;

	fixable = readonly_page();
	REQUIRE(fixable != NULL, "map a read-only page");
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fix_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old);
	*(volatile char *)fixable = 'F';
	sigaction(SIGSEGV, &old, NULL);
	CHECK_EQ(fixes, 1, "the handler ran once");
	CHECK_EQ(fixable[0], 'F', "after it returned, the store was retried "
		 "and succeeded (rt_sigreturn)");
	munmap(fixable, PAGE_SIZE);
}

static int fault_blocked(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return *(volatile char *)unmapped_page();
}

static int fault_ignored(void)
{
	signal(SIGSEGV, SIG_IGN);
	return *(volatile char *)unmapped_page();
}

static int fault_default(void)
{
	*(volatile char *)readonly_page() = 1;
	return 0;
}

static void test_fatal(void)
{
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(fault_default());
	CHECK_SIGNALED(wait_child(pid), SIGSEGV,
		       "default action: a write to read-only memory kills with SIGSEGV");
	if ((pid = fork()) == 0)
		_exit(fault_blocked());
	CHECK_SIGNALED(wait_child(pid), SIGSEGV,
		       "a fault with SIGSEGV blocked still kills with SIGSEGV");
	if ((pid = fork()) == 0)
		_exit(fault_ignored());
	CHECK_SIGNALED(wait_child(pid), SIGSEGV,
		       "a fault with SIGSEGV ignored still kills with SIGSEGV");
}

static volatile int info_signo = -1, info_errno = -1;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	info_signo = si->si_signo;
	info_errno = si->si_errno;
	siglongjmp(probe_env, 1);
}

static void test_siginfo_fields(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(probe_env, 1) == 0)
		*(volatile char *)unmapped_page() = 1;
	sigaction(SIGSEGV, &old, NULL);
	CHECK_EQ(info_signo, SIGSEGV, "si_signo is SIGSEGV");
	CHECK_EQ(info_errno, 0, "si_errno is 0");
}

int main(void)
{
	test_maperr();
	test_accerr();
	test_nx();
	test_handler_returns();
	test_fatal();
	test_siginfo_fields();
	return tap_done();
}
