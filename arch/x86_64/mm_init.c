/*
 * The kernel's final page tables.
 *
 * boot.asm left us on temporary tables: 4 GiB of 2 MiB pages, all
 * writable and executable. paging_init() builds the real ones with the
 * generic walker (mm/pgtable.c), allocating tables from memblock:
 *
 *   - the direct map: every RAM range of the boot memory map at
 *     PAGE_OFFSET + phys, read-write and no-execute, with 2 MiB pages where
 *     alignment allows (device holes are not mapped, so no stray cached
 *     mapping of device memory exists);
 *   - the kernel image at KERNEL_VMA + phys, 4 KiB pages with W^X:
 *     text read-only and executable, rodata read-only, data and bss
 *     read-write, and the page below the boot stack left unmapped as a guard;
 *   - top-level entries for the vmalloc area, allocated now so that every
 *     address space created later can share them by copying the top level.
 *
 * The user half (and the boot identity map) is absent: a NULL pointer
 * dereference in the kernel faults.
 */
#include <kernel/kernel.h>
#include <kernel/sections.h>
#include <mm/memblock.h>
#include <mm/pgtable.h>
#include <asm/bootinfo.h>
#include <asm/mm_init.h>
#include <asm/tlbflush.h>

#define LOW_MEMORY_END  0x100000        /* BIOS data, EBDA, option ROMs */
#define BOOT_MAP_LIMIT  0x100000000UL   /* what boot.asm's tables reach */

void arch_memblock_init(void)
{
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		struct boot_mem_region *r = &boot_info.mem[i];

		if (r->type == BOOT_MEM_USABLE)
			memblock_add(r->base, r->size);
	}
	memblock_reserve(0, LOW_MEMORY_END);
	memblock_reserve((phys_addr_t)_kernel_phys_start,
			 (phys_addr_t)_kernel_phys_end - (phys_addr_t)_kernel_phys_start);
	/* The loader's structures may lie anywhere, even in gaps of the image. */
	memblock_reserve(boot_info.info_start, boot_info.info_end - boot_info.info_start);
	for (unsigned int i = 0; i < boot_info.nr_modules; i++)
		memblock_reserve(boot_info.modules[i].start,
				 boot_info.modules[i].end - boot_info.modules[i].start);
	memblock_set_limit(BOOT_MAP_LIMIT);
}

static phys_addr_t early_pgtable_alloc(void)
{
	return memblock_alloc(PAGE_SIZE, PAGE_SIZE);
}

static void map_or_die(pgd_t *pgd, unsigned long va, phys_addr_t pa, unsigned long size,
		       pgprot_t prot, bool huge)
{
	int err = pgtable_map_range(pgd, va, pa, size, prot, huge, early_pgtable_alloc);

	if (err)
		panic("cannot map %#lx-%#lx: error %d", va, va + size, err);
}

static void map_ram_range(phys_addr_t start, phys_addr_t end, void *arg)
{
	map_or_die(arg, (unsigned long)__va(start), start, end - start, PAGE_KERNEL, true);
}

static void map_image_part(pgd_t *pgd, const char *start, const char *end, pgprot_t prot)
{
	unsigned long s = ALIGN_DOWN((unsigned long)start, PAGE_SIZE);
	unsigned long e = ALIGN_UP((unsigned long)end, PAGE_SIZE);

	if (e > s)
		map_or_die(pgd, s, __pa((void *)s), e - s, prot, false);
}

static void map_kernel_image(pgd_t *pgd)
{
	map_image_part(pgd, _text, _etext, PAGE_KERNEL_ROX);
	map_image_part(pgd, _rodata, _erodata, PAGE_KERNEL_RO);
	map_image_part(pgd, _data, boot_stack_guard, PAGE_KERNEL);
	/* boot_stack_guard itself stays unmapped. */
	map_image_part(pgd, boot_stack, _end, PAGE_KERNEL);
}

static void preallocate_vmalloc_tables(pgd_t *pgd)
{
	for (unsigned long va = VMALLOC_START; va < VMALLOC_END; va += 1UL << PGDIR_SHIFT) {
		pgd_t *e = pgd_offset_pgd(pgd, va);

		if (pgd_none(*e))
			set_pgd(e, mk_pgd_table(early_pgtable_alloc(), false));
	}
}

void paging_init(void)
{
	phys_addr_t pgd_pa = early_pgtable_alloc();
	pgd_t *pgd = __va(pgd_pa);

	memblock_ram_ranges(map_ram_range, pgd);
	map_kernel_image(pgd);
	preallocate_vmalloc_tables(pgd);

	init_mm.pgd = pgd;
	write_cr3(pgd_pa);
	flush_tlb_all();
	/* All RAM is reachable through the direct map from here on. */
	memblock_set_limit(memblock_end_of_ram());
	pr_info("paging: kernel page tables at %#lx; text RX, rodata R, data RW, NX elsewhere\n",
		pgd_pa);
}
