/*
 * CPU features, read from CPUID once, on the boot CPU, before anything
 * depends on them (arch/x86_64/cpufeature.c says which feature changes
 * which choice, and why most change none under QEMU's TCG).
 *
 * QEMU gives every CPU of a machine the same model, so the boot CPU's
 * answer holds for all of them; a secondary CPU only applies the choices
 * (CR4 bits, MSRs) that the boot CPU made.
 */
#ifndef _ASM_CPUFEATURE_H
#define _ASM_CPUFEATURE_H

#include <kernel/types.h>

enum x86_feature {
	X86_FEATURE_SMEP,       /* CPUID.7.0:EBX[7] */
	X86_FEATURE_SMAP,       /* CPUID.7.0:EBX[20] */
	X86_FEATURE_FSGSBASE,   /* CPUID.7.0:EBX[0] */
	X86_FEATURE_ERMS,       /* CPUID.7.0:EBX[9]: fast rep movsb/stosb */
	X86_FEATURE_INVPCID,    /* CPUID.7.0:EBX[10] */
	X86_FEATURE_FSRM,       /* CPUID.7.0:EDX[4]: fast short rep movsb */
	X86_FEATURE_PCID,       /* CPUID.1:ECX[17] */
	X86_FEATURE_XSAVE,      /* CPUID.1:ECX[26] */
	X86_FEATURE_HYPERVISOR, /* CPUID.1:ECX[31] */
	X86_FEATURE_RDTSCP,     /* CPUID.80000001:EDX[27] */
	X86_FEATURE_TCG,        /* CPUID.40000000: "TCGTCGTCGTCG", QEMU's emulator */
	X86_NR_FEATURES
};

/* Written once by cpu_features_init() (boot CPU, before SMP and before
 * the first user copy), read-only afterwards: no lock. */
extern u32 boot_cpu_caps;

static inline bool boot_cpu_has(enum x86_feature f)
{
	return boot_cpu_caps & (1u << f);
}

/* Read CPUID into boot_cpu_caps and log the model and its features.
 * Context: boot CPU, early boot (before cpu_init). */
void cpu_features_init(void);

#endif
