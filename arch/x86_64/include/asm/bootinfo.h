/*
 * What the boot loader told us, in one protocol-neutral form.
 *
 * bootinfo.c parses either a multiboot2 information structure (GRUB) or a
 * PVH hvm_start_info (QEMU -kernel) into struct boot_info, copying what
 * later code needs (the command line, the memory map, module ranges), so
 * the loader's own structures can be forgotten once memblock has them.
 */
#ifndef _ASM_BOOTINFO_H
#define _ASM_BOOTINFO_H

#include <kernel/types.h>

#define BOOT_MAGIC_MB2  0x36d76289      /* EAX from a multiboot2 loader */
#define BOOT_MAGIC_PVH  0x336ec578      /* hvm_start_info.magic; boot_defs.inc */

#define BOOT_MEM_MAX    64
#define BOOT_MODS_MAX   8
#define BOOT_CMDLINE_MAX 1024

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,            /* the e820 numbering, as both protocols use it */
	BOOT_MEM_RESERVED = 2,
	BOOT_MEM_ACPI = 3,
	BOOT_MEM_NVS = 4,
	BOOT_MEM_BAD = 5,
};

struct boot_mem_region {
	u64 base;
	u64 size;
	u32 type;
};

struct boot_module {
	u64 start, end;                 /* physical, end exclusive */
	char name[64];
};

struct boot_info {
	const char *protocol;           /* "multiboot2" or "pvh" */
	char loader[64];                /* e.g. "GRUB 2.06" */
	char cmdline[BOOT_CMDLINE_MAX];
	unsigned int nr_mem;
	struct boot_mem_region mem[BOOT_MEM_MAX];
	unsigned int nr_modules;
	struct boot_module modules[BOOT_MODS_MAX];
	/* The loader's own structure(s), reserved until we are done with them. */
	u64 info_start, info_end;
	u64 rsdp;                       /* ACPI root pointer, 0 if not given */
};

extern struct boot_info boot_info;

/* Parse the loader's structure at physical @info (reachable through the
 * boot page tables' 4 GiB direct map). Panics on an unknown @magic. */
void bootinfo_parse(u32 magic, u64 info);
void bootinfo_print(void);
const char *boot_mem_type_name(u32 type);

#endif
