/*
 * The vDSO's kernel side (asm/vdso.h): the pages it lives in, and the
 * two mappings execve gives every process, as Linux x86-64 lays them out:
 *
 *   [vvar]  one page, read-only, not executable: struct vdso_data
 *   [vdso]  the image, read and execute; AT_SYSINFO_EHDR points here
 *
 * placed together where mmap(NULL) would put them, so right below the
 * interpreter. Neither can be made writable (VM_MAYWRITE is clear: a
 * write through mprotect is -EACCES), so every process shares the same
 * physical pages, put in by ->fault with vm_insert_page as the fault-API
 * devices do (docs/fault-api.md).
 *
 * Locks: none of its own. The pages are made once at boot, before any
 * user program, and never freed or changed after.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/rtc.h>
#include <asm/vdso.h>

#define VDSO_MAX_PAGES  4

static struct page *vvar_page;
static struct page *vdso_pages[VDSO_MAX_PAGES];
static unsigned long vdso_npages;               /* 0: no vDSO (not initialised) */

void vdso_cpu_init(unsigned int cpu)
{
	if (boot_cpu_has(X86_FEATURE_RDTSCP))
		wrmsr(MSR_TSC_AUX, cpu);        /* node 0 in bits 12 and up */
}

void vdso_init(void)
{
	size_t size = (size_t)(vdso_image_end - vdso_image_start);
	unsigned long n = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct vdso_data *d;

	if (kernel_param_ulong("vdso", 1) == 0) {
		pr_info("vdso: off (vdso=0): processes get no AT_SYSINFO_EHDR\n");
		return;                 /* Linux's vdso=0: libcs make the system calls */
	}
	if (n > VDSO_MAX_PAGES)
		panic("vdso_init: the image is %zu bytes, more than %d pages", size, VDSO_MAX_PAGES);
	vvar_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!vvar_page)
		panic("vdso_init: no memory for the vvar page");
	d = page_address(vvar_page);
	ktime_get_params(&d->tsc_boot, &d->ns_mult);
	d->boot_epoch = rtc_boot_epoch();
	d->have_rdtscp = boot_cpu_has(X86_FEATURE_RDTSCP);
	for (unsigned long i = 0; i < n; i++) {
		size_t off = i << PAGE_SHIFT;

		vdso_pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!vdso_pages[i])
			panic("vdso_init: no memory for the image");
		memcpy(page_address(vdso_pages[i]), vdso_image_start + off,
		       size - off < PAGE_SIZE ? size - off : PAGE_SIZE);
	}
	vdso_npages = n;
	pr_info("vdso: %zu bytes in %lu page(s), getcpu %s\n", size, n,
		d->have_rdtscp ? "by RDTSCP" : "by system call");
}

/* ->fault of both mappings: the page at this offset, shared by everyone.
 * Context: mmap_lock held for reading; may sleep (a page table). */
static vm_fault_t special_fault(struct vm_fault *vmf, struct page *const *pages,
				unsigned long n)
{
	int err;

	if (vmf->pgoff >= n)
		return VM_FAULT_SIGBUS;
	err = vm_insert_page(vmf->vma, vmf->address, pages[vmf->pgoff]);
	/* -EBUSY: another thread's fault mapped it first. */
	if (err && err != -EBUSY)
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

static vm_fault_t vvar_fault(struct vm_fault *vmf)
{
	return special_fault(vmf, &vvar_page, 1);
}

static vm_fault_t vdso_fault(struct vm_fault *vmf)
{
	return special_fault(vmf, vdso_pages, vdso_npages);
}

static const struct vm_operations_struct vvar_vm_ops = {
	.fault = vvar_fault,
	.name = "vvar",
};

static const struct vm_operations_struct vdso_vm_ops = {
	.fault = vdso_fault,
	.name = "vdso",
};

long vdso_map(struct mm_struct *mm)
{
	unsigned long len = (1 + vdso_npages) << PAGE_SHIFT;
	long base;
	int err;

	if (!vdso_npages)
		return 0;
	/* Where mmap(NULL, len) would go: reserve it, then take it back
	 * for the two special mappings (nobody else sees this mm yet). */
	base = do_mmap(mm, NULL, 0, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (base < 0)
		return base;
	do_munmap(mm, (unsigned long)base, len);
	err = install_special_mapping(mm, (unsigned long)base, PAGE_SIZE, VM_READ | VM_MAYREAD,
				      &vvar_vm_ops);
	if (!err)
		err = install_special_mapping(mm, (unsigned long)base + PAGE_SIZE,
					      vdso_npages << PAGE_SHIFT,
					      VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYEXEC,
					      &vdso_vm_ops);
	return err ? err : base + (long)PAGE_SIZE;
}
