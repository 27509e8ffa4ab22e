/*
 * CPU features (asm/cpufeature.h): CPUID read once at boot, and what
 * Faultline chooses from it.
 *
 * Linux picks, per CPU model, the instructions that are fast on real
 * hardware of that model (its alternatives). Faultline runs under QEMU's
 * TCG in every test and benchmark, where an instruction's cost is that
 * of the host code the emulator makes for it, whatever the model says
 * about the hardware. So the choices below are the ones that are fast
 * under TCG, and most features change none of them:
 *
 *  - ERMS/FSRM ("fast rep movsb/stosb"): Linux then zeroes, copies pages
 *    and copies to user with `rep stosb`/`rep movsb`, which TCG runs one
 *    byte per iteration: that is why Linux's anonymous fault costs about
 *    twice as much on `-cpu max` (ERMS) as on `-cpu qemu64` (no ERMS:
 *    `rep stosq`). Faultline zeroes and copies pages with unrolled 8-byte
 *    moves and copies to and from user with `rep movsq` on every model
 *    (arch/x86_64/copy_page.c, arch/x86_64/usercopy.c have the figures).
 *  - SMEP/SMAP: turned on when present (cpu.c), for protection. With
 *    SMAP, each user copy runs `stac`/`clac` (usercopy.c), tested here
 *    once rather than by reading CR4 at every copy. Under TCG both
 *    instructions end a translation block (the AC flag is part of the
 *    block's key), a small cost that qemu64 (no SMAP) does not pay.
 *  - PCID/INVPCID: not used. Every CR3 load drops the user translations;
 *    one changed PTE is flushed with `invlpg`, which every model has.
 *  - XSAVE: not used. User FPU state is SSE only (CR4.OSXSAVE off, no
 *    AVX), which FXSAVE covers on every model (asm/fpu.h).
 *  - FSGSBASE: left off in CR4, as Linux before 5.9; the FS base is
 *    switched with `wrmsr` (cpu.c), the same on every model.
 *  - RDTSCP: the vDSO's getcpu uses it when present (TSC_AUX holds the
 *    CPU number), else makes the system call (vdso.c). The clock is the
 *    TSC on every model, read with `rdtsc`.
 *  - TCG: QEMU's hypervisor leaf names the emulator; logged only, since
 *    the choices above are already TCG's.
 *
 * Measured (docs/performance.md, "CPU models"): Faultline's fault costs
 * are the same on qemu64 and max within the host's noise.
 *
 * Locks: none; boot_cpu_caps is written before any other CPU runs.
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

u32 boot_cpu_caps;

static const char *const feature_names[X86_NR_FEATURES] = {
	[X86_FEATURE_SMEP] = "smep",
	[X86_FEATURE_SMAP] = "smap",
	[X86_FEATURE_FSGSBASE] = "fsgsbase",
	[X86_FEATURE_ERMS] = "erms",
	[X86_FEATURE_INVPCID] = "invpcid",
	[X86_FEATURE_FSRM] = "fsrm",
	[X86_FEATURE_PCID] = "pcid",
	[X86_FEATURE_XSAVE] = "xsave",
	[X86_FEATURE_HYPERVISOR] = "hypervisor",
	[X86_FEATURE_RDTSCP] = "rdtscp",
	[X86_FEATURE_TCG] = "tcg",
};

static void set_if(enum x86_feature f, u32 word, unsigned int bit)
{
	if (word & (1u << bit))
		boot_cpu_caps |= 1u << f;
}

void cpu_features_init(void)
{
	u32 max, a, b, c, d;
	char brand[49] = "";
	char line[160];
	size_t n = 0;

	cpuid(0, 0, &max, &b, &c, &d);
	cpuid(1, 0, &a, &b, &c, &d);
	set_if(X86_FEATURE_PCID, c, 17);
	set_if(X86_FEATURE_XSAVE, c, 26);
	set_if(X86_FEATURE_HYPERVISOR, c, 31);
	if (max >= 7) {
		cpuid(7, 0, &a, &b, &c, &d);
		set_if(X86_FEATURE_FSGSBASE, b, 0);
		set_if(X86_FEATURE_SMEP, b, 7);
		set_if(X86_FEATURE_ERMS, b, 9);
		set_if(X86_FEATURE_INVPCID, b, 10);
		set_if(X86_FEATURE_SMAP, b, 20);
		set_if(X86_FEATURE_FSRM, d, 4);
	}
	cpuid(0x80000000, 0, &max, &b, &c, &d);
	if (max >= 0x80000001) {
		cpuid(0x80000001, 0, &a, &b, &c, &d);
		set_if(X86_FEATURE_RDTSCP, d, 27);
	}
	if (max >= 0x80000004) {
		u32 *w = (u32 *)brand;

		for (u32 leaf = 0; leaf < 3; leaf++)
			cpuid(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1],
			      &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
		brand[48] = '\0';
	}
	/* The hypervisor leaves exist only with the hypervisor bit. */
	if (boot_cpu_has(X86_FEATURE_HYPERVISOR)) {
		u32 sig[3];

		cpuid(0x40000000, 0, &a, &sig[0], &sig[1], &sig[2]);
		if (!memcmp(sig, "TCGTCGTCGTCG", 12))
			boot_cpu_caps |= 1u << X86_FEATURE_TCG;
	}
	line[0] = '\0';
	for (unsigned int f = 0; f < X86_NR_FEATURES; f++)
		if (boot_cpu_has(f) && n + 12 < sizeof(line))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", feature_names[f]);
	pr_info("cpu: %s;%s\n", brand[0] ? brand : "(no brand string)", n ? line : " none of note");
}
