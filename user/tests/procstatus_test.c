/*
 * procstatus_test - /proc/PID/status beyond the memory lines: what ps,
 * top, pgrep -f, test suites and shells' job control read from it
 * (docs/pseudofs.md, "/proc/PID/status"):
 *
 *   the lines come in Linux's order
 *   Umask follows umask(2); NStgid/NSpid/NSpgid/NSsid are the ids
 *   SigBlk, SigIgn, SigCgt are exactly the masks and dispositions that
 *   rt_sigprocmask and rt_sigaction report, signal by signal
 *   SigPnd and ShdPnd hold a blocked signal sent to the thread (tgkill)
 *   and to the process (kill); SigQ counts them against RLIMIT_SIGPENDING
 *   CapEff is every capability for root, none after setuid(1000)
 *   Cpus_allowed and Cpus_allowed_list follow sched_setaffinity
 *   voluntary_ctxt_switches grows when the thread sleeps
 *   VmData, VmStk and VmExe are non-zero for a running program
 *
 * Runs on Linux too (make test-linux): every expected value comes from
 * another system call, never from Faultline's own numbers.
 */
#define _GNU_SOURCE 1
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "testutil.h"

static char buf[16384];

/* The value after "NAME:\t" in /proc/self/status (read afresh), or NULL. */
static const char *status_field(const char *path, const char *name, char *out, size_t size)
{
	char key[64];
	const char *p;
	size_t n;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return NULL;
	snprintf(key, sizeof(key), "\n%s:\t", name);
	p = strstr(buf, key);
	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, "\n");
	if (n >= size)
		n = size - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static unsigned long long status_hex(const char *name)
{
	char v[64];

	return status_field("/proc/self/status", name, v, sizeof(v)) ?
		strtoull(v, NULL, 16) : ~0ULL;
}

static long status_num(const char *name)
{
	char v[64];

	return status_field("/proc/self/status", name, v, sizeof(v)) ? strtol(v, NULL, 10) : -1;
}

static const char *const order[] = {
	"Name", "Umask", "State", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid",
	"NStgid", "NSpid", "NSpgid", "NSsid", "VmSize", "VmLck", "VmRSS", "RssAnon",
	"RssFile", "RssShmem", "VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "VmSwap",
	"Threads", "SigQ", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt", "CapInh",
	"CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp", "Cpus_allowed",
	"Cpus_allowed_list", "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches",
};

static void test_order_and_ids(void)
{
	const char *prev = NULL;
	char key[64], v[64];
	bool ok = read_file("/proc/self/status", buf, sizeof(buf)) > 0;

	for (size_t i = 0; ok && i < sizeof(order) / sizeof(order[0]); i++) {
		const char *at;

		snprintf(key, sizeof(key), "%s%s:\t", i ? "\n" : "", order[i]);
		at = i ? strstr(buf, key) : (strncmp(buf, key, strlen(key)) ? NULL : buf);
		if (!at || (prev && at < prev)) {
			tap_diag("%s: missing or out of order", order[i]);
			ok = false;
		}
		prev = at;
	}
	CHECK(ok, "status: %zu lines present, in Linux's order", sizeof(order) / sizeof(order[0]));

	umask(027);
	CHECK(status_field("/proc/self/status", "Umask", v, sizeof(v)) && !strcmp(v, "0027"),
	      "status: Umask follows umask(027)");
	umask(022);
	CHECK(status_num("NStgid") == getpid() && status_num("NSpid") == syscall(SYS_gettid) &&
	      status_num("NSpgid") == getpgrp() && status_num("NSsid") == getsid(0),
	      "status: NStgid, NSpid, NSpgid, NSsid are the ids");
	CHECK(status_num("VmData") > 0 && status_num("VmStk") > 0 && status_num("VmExe") > 0,
	      "status: VmData, VmStk and VmExe are non-zero");
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* The kernel's own views, through the raw calls (libc may hide signals). */
static unsigned long long kernel_blocked(void)
{
	unsigned long long set = 0;

	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &set, 8L);
	return set;
}

static void kernel_dispositions(unsigned long long *ign, unsigned long long *cgt)
{
	struct {
		unsigned long handler, flags, restorer;
		unsigned long long mask;
	} sa;

	*ign = *cgt = 0;
	for (int sig = 1; sig <= 64; sig++) {
		if (syscall(SYS_rt_sigaction, (long)sig, NULL, &sa, 8L) != 0)
			continue;
		if (sa.handler == (unsigned long)SIG_IGN)
			*ign |= 1ULL << (sig - 1);
		else if (sa.handler != (unsigned long)SIG_DFL)
			*cgt |= 1ULL << (sig - 1);
	}
}

static void test_signals(void)
{
	unsigned long long ign, cgt, pnd, shd;
	sigset_t set;
	struct rlimit rl;
	char v[64];
	long queued;

	signal(SIGUSR1, on_usr1);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &set, NULL);

	CHECK(status_hex("SigBlk") == kernel_blocked() &&
	      (status_hex("SigBlk") & (1ULL << (SIGTERM - 1))),
	      "status: SigBlk is rt_sigprocmask's mask (%llx)", kernel_blocked());
	kernel_dispositions(&ign, &cgt);
	CHECK(status_hex("SigIgn") == ign && (ign & (1ULL << (SIGUSR2 - 1))),
	      "status: SigIgn is the set of SIG_IGN dispositions (%llx)", ign);
	CHECK(status_hex("SigCgt") == cgt && (cgt & (1ULL << (SIGUSR1 - 1))),
	      "status: SigCgt is the set of handlers (%llx)", cgt);

	kill(getpid(), SIGUSR1);                                /* the process */
	syscall(SYS_tgkill, (long)getpid(), syscall(SYS_gettid), (long)SIGTERM); /* the thread */
	pnd = status_hex("SigPnd");
	shd = status_hex("ShdPnd");
	CHECK((shd & (1ULL << (SIGUSR1 - 1))) && (pnd & (1ULL << (SIGTERM - 1))) &&
	      !(pnd & (1ULL << (SIGUSR1 - 1))) && !(shd & (1ULL << (SIGTERM - 1))),
	      "status: kill's SIGUSR1 is in ShdPnd (%llx), tgkill's SIGTERM in SigPnd (%llx)",
	      shd, pnd);
	getrlimit(RLIMIT_SIGPENDING, &rl);
	queued = -1;
	if (status_field("/proc/self/status", "SigQ", v, sizeof(v)) && strchr(v, '/'))
		queued = strtol(v, NULL, 10);
	CHECK(queued >= 2 && strtoull(strchr(v, '/') + 1, NULL, 10) == rl.rlim_cur,
	      "status: SigQ %s: two or more queued, out of RLIMIT_SIGPENDING %llu", v,
	      (unsigned long long)rl.rlim_cur);

	/* Take both back: SIGTERM's default would kill us once unblocked. */
	signal(SIGTERM, SIG_IGN);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	CHECK(status_hex("SigPnd") == 0 && status_hex("ShdPnd") == 0,
	      "status: SigPnd and ShdPnd empty once delivered");
}

static int as_user(void *arg)
{
	(void)arg;
	if (setuid(1000) != 0)
		return 2;
	return status_hex("CapEff") == 0 && status_hex("CapPrm") == 0 ? 0 : 1;
}

static void test_caps_and_cpus(void)
{
	cpu_set_t cpus;
	char v[64], want[64];
	int n = 0;
	long before;

	if (geteuid() == 0) {
		unsigned long long eff = status_hex("CapEff");

		CHECK(eff != 0 && eff != ~0ULL && eff == status_hex("CapPrm") &&
		      status_hex("CapInh") == 0, "status: root has every capability (%llx)", eff);
		CHECK(run_in_child(as_user, NULL) == 0,
		      "status: after setuid(1000), CapEff and CapPrm are 0");
	}

	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CHECK(sched_setaffinity(0, sizeof(cpus), &cpus) == 0 &&
	      status_field("/proc/self/status", "Cpus_allowed_list", v, sizeof(v)) &&
	      !strcmp(v, "0") && status_hex("Cpus_allowed") == 1,
	      "status: sched_setaffinity to CPU 0 gives Cpus_allowed 1, list 0");
	CPU_ZERO(&cpus);
	for (int cpu = 0; cpu < 64; cpu++)
		CPU_SET(cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	sched_getaffinity(0, sizeof(cpus), &cpus);
	n = CPU_COUNT(&cpus);
	if (n == 1)
		snprintf(want, sizeof(want), "0");
	else
		snprintf(want, sizeof(want), "0-%d", n - 1);
	CHECK(status_field("/proc/self/status", "Cpus_allowed_list", v, sizeof(v)) &&
	      !strcmp(v, want), "status: with every CPU allowed, Cpus_allowed_list %s (want %s)",
	      v, want);

	before = status_num("voluntary_ctxt_switches");
	for (int i = 0; i < 3; i++)
		sleep_ms(2);
	CHECK(before >= 0 && status_num("voluntary_ctxt_switches") >= before + 3,
	      "status: voluntary_ctxt_switches grows by each sleep (%ld before)", before);
}

int main(void)
{
	test_order_and_ids();
	test_signals();
	test_caps_and_cpus();
	return tap_done();
}
