/*
 * The vDSO's code (asm/vdso.h): runs in user mode, inside every process,
 * with no relocations (the kernel maps the image as it is). It reads the
 * vvar page through the hidden symbol vvar_data, which the linker script
 * puts one page below the image, so every access is RIP-relative.
 *
 * Each function gives what the system call of the same name gives
 * (kernel/sys.c, kernel/sched_affinity.c), and makes that system call
 * for what it cannot do itself: a clock other than the TSC ones, a time
 * zone for gettimeofday, or getcpu on a CPU without RDTSCP. As Linux's,
 * it stores to the caller's pointers directly: a bad one is a SIGSEGV
 * here, not the system call's -EFAULT.
 */
#include <asm/vdso.h>

#define NSEC_PER_SEC            1000000000ULL
#define CLOCK_REALTIME          0
#define CLOCK_MONOTONIC         1
#define CLOCK_MONOTONIC_RAW     4
#define CLOCK_REALTIME_COARSE   5
#define CLOCK_MONOTONIC_COARSE  6
#define CLOCK_BOOTTIME          7
#define CLOCK_TAI               11
#define NR_gettimeofday         96
#define NR_time                 201
#define NR_clock_gettime        228
#define NR_getcpu               309

struct vts { long tv_sec, tv_nsec; };
struct vtv { long tv_sec, tv_usec; };

extern const struct vdso_data vvar_data __attribute__((visibility("hidden")));

static long vsyscall3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static u64 mono_ns(const volatile struct vdso_data *d)
{
	u32 lo, hi;
	u64 tsc;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	tsc = ((u64)hi << 32) | lo;
	return (u64)(((unsigned __int128)(tsc - d->tsc_boot) * d->ns_mult) >> 32);
}

/* The clock @clk in ns, or -1 if only the kernel can read it. */
static long long read_ns(int clk)
{
	const volatile struct vdso_data *d = &vvar_data;

	if (!d->ns_mult)
		return -1;
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		return (long long)(d->boot_epoch * NSEC_PER_SEC + mono_ns(d));
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return (long long)mono_ns(d);
	default:
		return -1;
	}
}

int __vdso_clock_gettime(int clk, struct vts *ts)
{
	long long ns = read_ns(clk);

	if (ns < 0)
		return (int)vsyscall3(NR_clock_gettime, clk, (long)ts, 0);
	ts->tv_sec = (long)((u64)ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)((u64)ns % NSEC_PER_SEC);
	return 0;
}

int __vdso_gettimeofday(struct vtv *tv, void *tz)
{
	long long ns = read_ns(CLOCK_REALTIME);

	if (ns < 0 || tz)
		return (int)vsyscall3(NR_gettimeofday, (long)tv, (long)tz, 0);
	if (tv) {
		tv->tv_sec = (long)((u64)ns / NSEC_PER_SEC);
		tv->tv_usec = (long)((u64)ns % NSEC_PER_SEC / 1000);
	}
	return 0;
}

long __vdso_time(long *t)
{
	long long ns = read_ns(CLOCK_REALTIME);
	long s;

	if (ns < 0)
		return vsyscall3(NR_time, (long)t, 0, 0);
	s = (long)((u64)ns / NSEC_PER_SEC);
	if (t)
		*t = s;
	return s;
}

/* TSC_AUX holds the CPU number (arch/x86_64/vdso.c); one node, 0. */
int __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *unused)
{
	u32 lo, hi, aux;

	if (!vvar_data.have_rdtscp)
		return (int)vsyscall3(NR_getcpu, (long)cpu, (long)node, (long)unused);
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = aux >> 12;
	return 0;
}

int clock_gettime(int clk, struct vts *ts) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vtv *tv, void *tz) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *t) __attribute__((weak, alias("__vdso_time")));
int getcpu(unsigned int *cpu, unsigned int *node, void *unused)
	__attribute__((weak, alias("__vdso_getcpu")));
