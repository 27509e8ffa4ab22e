/*
 * memprobe.h - touch memory that may fault, and report how it faulted.
 *
 *   struct probe p;
 *   if (probe_write(addr, 'x', &p) == SIGSEGV && p.code == SEGV_ACCERR) ...
 *
 * probe_read() and probe_write() install a SIGSEGV/SIGBUS handler (with
 * SA_SIGINFO, so the kernel reports si_code and si_addr), make one access,
 * and put the old handlers back. If the access faults, the handler records
 * the siginfo and siglongjmp()s back to the probe, which returns the signal
 * number; otherwise the probe returns 0. Jumping out of the handler means
 * the faulting instruction is never retried and rt_sigreturn is never
 * needed (LINUX-SEMANTICS.md item 64).
 *
 * The handler can only reach the probe through globals: probe_env and
 * probe_info below. They are file statics, used by one probe at a time.
 */
#ifndef FAULTLINE_MEMPROBE_H
#define FAULTLINE_MEMPROBE_H

#include <setjmp.h>
#include <signal.h>
#include <string.h>

struct probe {
	int signo;	/* 0 if the access did not fault */
	int code;	/* si_code: SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR ... */
	void *addr;	/* si_addr: the faulting address */
};

static sigjmp_buf probe_env;
static struct probe probe_info;

static void probe_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	probe_info.signo = sig;
	probe_info.code = si->si_code;
	probe_info.addr = si->si_addr;
	siglongjmp(probe_env, 1);
}

/* One access of *p: a load (write == 0) or a store of value. */
static inline int probe_access(volatile char *p, int write, char value,
			       char *loaded, struct probe *out)
{
	struct sigaction sa, old_segv, old_bus;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = probe_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);

	memset(&probe_info, 0, sizeof(probe_info));
	/* savemask = 1: the jump also unblocks the signal the handler ran with. */
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*p = value;
		else
			*loaded = *p;
	}

	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	if (out)
		*out = probe_info;
	return probe_info.signo;
}

/* Load one byte from p into *value; 0, or the signal the load raised. */
static inline int probe_read(const volatile void *p, char *value,
			     struct probe *out)
{
	char dummy;

	return probe_access((volatile char *)p, 0, 0, value ? value : &dummy,
			    out);
}

/* Store value at p; 0, or the signal the store raised. */
static inline int probe_write(volatile void *p, char value, struct probe *out)
{
	return probe_access(p, 1, value, NULL, out);
}

#endif /* FAULTLINE_MEMPROBE_H */
