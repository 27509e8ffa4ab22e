/*
 * /proc/stat and /proc/cpuinfo: the CPUs, in Linux's formats.
 *
 * /proc/stat's "cpu" line sums the per-CPU "cpuN" lines that follow, one
 * per online CPU, in USER_HZ (100 a second, which is Faultline's HZ)
 * ticks: user, nice, system, idle, iowait, irq, softirq, steal, guest,
 * guest_nice. Faultline counts only user, system and idle (each CPU's
 * timer tick charges what it interrupted: kernel/sched.c); the others are
 * 0. glibc's sysconf(_SC_NPROCESSORS_ONLN) counts the "cpuN" lines when
 * /sys is absent; musl's asks sched_getaffinity instead.
 *
 * /proc/cpuinfo has one block per online CPU, "processor : N" first, with
 * what CPUID says about it.
 *
 * Locks: none; the counters are read as snapshots.
 */
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <fs/proc_fs.h>
#include <asm/percpu.h>
#include <asm/processor.h>

#if HZ != 100
#error "/proc/stat prints ticks as USER_HZ (100): convert them"
#endif

static void stat_line(struct seq_buf *m, const char *name, u64 user, u64 system, u64 idle)
{
	seq_printf(m, "%s %llu 0 %llu %llu 0 0 0 0 0 0\n", name, (unsigned long long)user,
		   (unsigned long long)system, (unsigned long long)idle);
}

int stat_show(struct seq_buf *m, int pid)
{
	u64 user[NR_CPUS], system[NR_CPUS], idle[NR_CPUS], tu = 0, ts = 0, ti = 0;
	unsigned long switches, ctxt = 0;
	unsigned int cpu;
	char name[16];

	for_each_online_cpu(cpu) {
		sched_cpu_stats(cpu, &user[cpu], &system[cpu], &idle[cpu], &switches);
		tu += user[cpu];
		ts += system[cpu];
		ti += idle[cpu];
		ctxt += switches;
	}
	stat_line(m, "cpu ", tu, ts, ti);
	for_each_online_cpu(cpu) {
		snprintf(name, sizeof(name), "cpu%u", cpu);
		stat_line(m, name, user[cpu], system[cpu], idle[cpu]);
	}
	seq_printf(m, "ctxt %lu\n", ctxt);
	seq_printf(m, "procs_running %u\n", nr_running());
	return 0;
}

int cpuinfo_show(struct seq_buf *m, int pid)
{
	u32 vendor[4] = { 0 }, brand[13] = { 0 }, a, b, c, d, max_ext;
	u32 family, model, stepping;
	unsigned int cpu;

	/* Every CPU QEMU gives is the same model: ask this one. */
	cpuid(0, 0, &a, &vendor[0], &vendor[2], &vendor[1]);
	cpuid(1, 0, &a, &b, &c, &d);
	family = (a >> 8) & 0xf;
	model = (a >> 4) & 0xf;
	stepping = a & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family >= 6)
		model |= ((a >> 16) & 0xf) << 4;
	cpuid(0x80000000, 0, &max_ext, &b, &c, &d);
	if (max_ext >= 0x80000004)
		for (u32 i = 0; i < 3; i++)
			cpuid(0x80000002 + i, 0, &brand[4 * i], &brand[4 * i + 1],
			      &brand[4 * i + 2], &brand[4 * i + 3]);
	for_each_online_cpu(cpu) {
		seq_printf(m, "processor\t: %u\n", cpu);
		seq_printf(m, "vendor_id\t: %s\n", (const char *)vendor);
		seq_printf(m, "cpu family\t: %u\n", family);
		seq_printf(m, "model\t\t: %u\n", model);
		seq_printf(m, "model name\t: %s\n", brand[0] ? (const char *)brand : "unknown");
		seq_printf(m, "stepping\t: %u\n", stepping);
		seq_printf(m, "cpu MHz\t\t: %lu.%03lu\n", (unsigned long)(tsc_khz_get() / 1000),
			   (unsigned long)(tsc_khz_get() % 1000));
		seq_printf(m, "physical id\t: 0\n");
		seq_printf(m, "siblings\t: %u\n", num_online_cpus());
		seq_printf(m, "core id\t\t: %u\n", cpu);
		seq_printf(m, "cpu cores\t: %u\n", num_online_cpus());
		seq_printf(m, "apicid\t\t: %u\n", cpu_locals[cpu].apic_id);
		seq_printf(m, "\n");
	}
	return 0;
}
