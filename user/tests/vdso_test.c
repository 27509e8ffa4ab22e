/*
 * vdso_test - the vDSO (AT_SYSINFO_EHDR): an ELF shared object in every
 * process whose clock_gettime, gettimeofday, time and getcpu give what
 * the system calls give, without entering the kernel:
 *   - the image is an ET_DYN ELF file with __vdso_* symbols of version
 *     LINUX_2.6, found through its dynamic symbol table and DT_HASH, as
 *     libcs find them;
 *   - each clock read through it lies between two system-call readings;
 *     a clock it cannot read itself (CPU time) and an unknown clock
 *     (-EINVAL) get the system call's answer (a bad pointer is a SIGSEGV
 *     in the vDSO on Linux, not tested);
 *   - getcpu names the CPU the caller is pinned to, on every CPU;
 *   - /proc/self/maps shows [vdso] at AT_SYSINFO_EHDR and [vvar] just
 *     below it; the vvar page cannot be written (SIGSEGV) or made
 *     writable (mprotect: EACCES);
 *   - a forked child's vDSO works.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include "testutil.h"
#include "memprobe.h"

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef long (*time_fn)(long *);
typedef int (*getcpu_fn)(unsigned int *, unsigned int *, void *);

static const Elf64_Ehdr *vdso;

/* The address of dynamic symbol @name in the vDSO, or NULL. */
static void *vdso_sym(const char *name)
{
	const char *base = (const char *)vdso;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + vdso->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	const Elf64_Sym *sym = NULL;
	const Elf32_Word *hash = NULL;
	const char *str = NULL;
	long bias = 0;

	for (int i = 0; i < vdso->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !bias)
			bias = (long)base + (long)ph[i].p_offset - (long)ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
	}
	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			sym = (const Elf64_Sym *)(bias + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_STRTAB)
			str = (const char *)(bias + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_HASH)
			hash = (const Elf32_Word *)(bias + dyn->d_un.d_ptr);
	}
	if (!sym || !str || !hash)
		return NULL;
	for (Elf32_Word i = 0; i < hash[1]; i++)        /* nchain: the symbol count */
		if (sym[i].st_name && !strcmp(str + sym[i].st_name, name) &&
		    ELF64_ST_TYPE(sym[i].st_info) == STT_FUNC && sym[i].st_shndx != SHN_UNDEF)
			return (void *)(bias + (long)sym[i].st_value);
	return NULL;
}

static long long ts_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void test_clocks(cgt_fn cgt, gtod_fn gtod, time_fn vtime)
{
	static const clockid_t clocks[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW,
					    CLOCK_BOOTTIME, CLOCK_REALTIME_COARSE,
					    CLOCK_MONOTONIC_COARSE };
	struct timespec a, v, b;
	struct timeval tv;
	long t0, t1, tv_t;

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		/* The coarse clocks may lag the precise ones by a tick. */
		long long slack = clocks[i] == CLOCK_REALTIME_COARSE ||
				  clocks[i] == CLOCK_MONOTONIC_COARSE ? 20000000 : 0;

		syscall(SYS_clock_gettime, clocks[i], &a);
		int r = cgt(clocks[i], &v);
		syscall(SYS_clock_gettime, clocks[i], &b);
		CHECK(r == 0 && ts_ns(&a) - slack <= ts_ns(&v) && ts_ns(&v) <= ts_ns(&b) + slack &&
		      v.tv_nsec >= 0 && v.tv_nsec < 1000000000,
		      "clock %d: the vDSO's reading lies between two system calls'", (int)clocks[i]);
	}
	syscall(SYS_clock_gettime, CLOCK_PROCESS_CPUTIME_ID, &a);
	CHECK(cgt(CLOCK_PROCESS_CPUTIME_ID, &v) == 0 && ts_ns(&v) >= ts_ns(&a),
	      "CLOCK_PROCESS_CPUTIME_ID through the vDSO");
	CHECK_EQ(cgt(99, &v), -EINVAL, "an unknown clock: -EINVAL");

	syscall(SYS_clock_gettime, CLOCK_REALTIME, &a);
	CHECK(gtod(&tv, NULL) == 0, "gettimeofday");
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &b);
	CHECK(a.tv_sec * 1000000LL + a.tv_nsec / 1000 <= tv.tv_sec * 1000000LL + tv.tv_usec &&
	      tv.tv_sec * 1000000LL + tv.tv_usec <= b.tv_sec * 1000000LL + b.tv_nsec / 1000 + 1,
	      "gettimeofday lies between two clock_gettime system calls");
	CHECK_EQ(gtod(NULL, NULL), 0, "gettimeofday(NULL, NULL)");
	t0 = syscall(SYS_time, NULL);
	t1 = vtime(&tv_t);
	CHECK(t1 >= t0 && t1 <= syscall(SYS_time, NULL) && tv_t == t1, "time");
	CHECK(vtime(NULL) >= t1, "time(NULL)");
}

static void test_getcpu(getcpu_fn gc)
{
	cpu_set_t all, one;
	unsigned int cpu = 99, node = 99;
	int tried = 0, bad = 0;

	CHECK(sched_getaffinity(0, sizeof(all), &all) == 0, "sched_getaffinity");
	for (int c = 0; c < CPU_SETSIZE && c < 64; c++) {
		if (!CPU_ISSET(c, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(c, &one);
		if (sched_setaffinity(0, sizeof(one), &one) != 0)
			continue;
		tried++;
		if (gc(&cpu, &node, NULL) != 0 || cpu != (unsigned int)c || node != 0)
			bad++;
	}
	sched_setaffinity(0, sizeof(all), &all);
	CHECK(tried > 0 && !bad, "getcpu names the CPU the caller is pinned to (%d CPUs)", tried);
	CHECK_EQ(gc(NULL, NULL, NULL), 0, "getcpu(NULL, NULL)");
}

static void test_mappings(cgt_fn cgt)
{
	char maps[16384], want[64];
	char *vvar = (char *)vdso - 4096;
	struct probe p;
	struct timespec ts;
	pid_t pid;

	CHECK(read_file("/proc/self/maps", maps, sizeof(maps)) > 0, "read /proc/self/maps");
	snprintf(want, sizeof(want), "%lx-", (unsigned long)vdso);
	CHECK(strstr(maps, want) && strstr(strstr(maps, want), "[vdso]"),
	      "/proc/self/maps: [vdso] at AT_SYSINFO_EHDR");
	CHECK(strstr(maps, "[vvar]") != NULL, "/proc/self/maps: [vvar]");
	CHECK(probe_write(vvar, 'x', &p) == SIGSEGV, "a store to the vvar page: SIGSEGV");
	CHECK_ERR(mprotect(vvar, 4096, PROT_READ | PROT_WRITE), EACCES,
		  "mprotect of the vvar page to writable: EACCES");
	pid = fork();
	if (pid == 0)
		_exit(cgt(CLOCK_MONOTONIC, &ts) == 0 && ts.tv_sec >= 0 ? 0 : 1);
	CHECK_EQ(wait_child(pid), 0, "a forked child's vDSO works");
}

int main(void)
{
	cgt_fn cgt;
	gtod_fn gtod;
	time_fn vtime;
	getcpu_fn gc;

	vdso = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
	if (!CHECK(vdso != NULL, "AT_SYSINFO_EHDR is given"))
		return tap_done();
	CHECK(!memcmp(vdso->e_ident, ELFMAG, SELFMAG) && vdso->e_type == ET_DYN &&
	      vdso->e_machine == EM_X86_64, "it points at an x86-64 ET_DYN ELF header");
	cgt = (cgt_fn)vdso_sym("__vdso_clock_gettime");
	gtod = (gtod_fn)vdso_sym("__vdso_gettimeofday");
	vtime = (time_fn)vdso_sym("__vdso_time");
	gc = (getcpu_fn)vdso_sym("__vdso_getcpu");
	if (!CHECK(cgt && gtod && vtime && gc, "the four __vdso_ functions are in its symbol table"))
		return tap_done();
	test_clocks(cgt, gtod, vtime);
	test_getcpu(gc);
	test_mappings(cgt);
	return tap_done();
}
