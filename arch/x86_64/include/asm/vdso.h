/*
 * The vDSO (virtual dynamic shared object): a small ELF shared library
 * the kernel maps into every process (AT_SYSINFO_EHDR) so that
 * clock_gettime, gettimeofday, time and getcpu run without entering the
 * kernel, reading the clock's parameters from the vvar page mapped just
 * below it (read-only). Built from arch/x86_64/vdso/ (docs/exec.md,
 * "The vDSO"); mapped by arch/x86_64/vdso.c.
 *
 * struct vdso_data is the vvar page's layout, shared by the kernel and
 * the vDSO's code. Every field is written once, by vdso_init() at boot,
 * before the first user program runs, and never changes after: the
 * clock (asm time.c) is the TSC, calibrated once, and CLOCK_REALTIME is
 * the RTC's time at boot plus the monotonic clock (there is no
 * clock_settime or NTP to move it). A kernel that changes them later
 * must add a sequence count here.
 */
#ifndef _ASM_VDSO_H
#define _ASM_VDSO_H

#include <kernel/types.h>

struct vdso_data {
	u64 tsc_boot;           /* the TSC at monotonic time 0 */
	u64 ns_mult;            /* nanoseconds per TSC cycle, 32.32 fixed point; 0: use syscalls */
	u64 boot_epoch;         /* CLOCK_REALTIME at monotonic time 0, in seconds */
	u32 have_rdtscp;        /* RDTSCP works and TSC_AUX holds the CPU number */
};

/* The linked image (arch/x86_64/vdso_image.asm includes the .so). */
extern const u8 vdso_image_start[], vdso_image_end[];

/* Bring-up of each CPU: its number in TSC_AUX, for RDTSCP (getcpu). */
void vdso_cpu_init(unsigned int cpu);
/* Boot, after the clock is calibrated: fill the vvar page, copy the image. */
void vdso_init(void);

struct mm_struct;
/* execve: map the vvar page and the vDSO below mmap_base (after the
 * interpreter), as Linux's arch_setup_additional_pages. Returns the
 * vDSO's address (AT_SYSINFO_EHDR) or -errno. Context: mmap_lock held
 * for writing on the new mm. */
long vdso_map(struct mm_struct *mm);

#endif
