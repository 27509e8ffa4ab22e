/*
 * Boot-protocol parsing: multiboot2 (GRUB) and PVH (QEMU -kernel) into
 * struct boot_info (asm/bootinfo.h).
 *
 * Runs first thing in kmain, on the boot page tables, which map the low
 * 4 GiB at PAGE_OFFSET: both loaders put their structures below 4 GiB.
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <asm/bootinfo.h>
#include <asm/page.h>

struct boot_info boot_info;

/* ---- multiboot2 ---------------------------------------------------------- */

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER_NAME 2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MMAP        6
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

struct mb2_tag {
	u32 type;
	u32 size;
};

struct mb2_mmap_entry {
	u64 base;
	u64 length;
	u32 type;
	u32 reserved;
};

static void add_region(u64 base, u64 size, u32 type)
{
	if (boot_info.nr_mem == BOOT_MEM_MAX) {
		pr_warn("boot: memory map has more than %d entries; ignoring the rest\n", BOOT_MEM_MAX);
		return;
	}
	boot_info.mem[boot_info.nr_mem++] = (struct boot_mem_region){ base, size, type };
}

static void add_module(u64 start, u64 end, const char *name)
{
	struct boot_module *m;

	if (boot_info.nr_modules == BOOT_MODS_MAX)
		return;
	m = &boot_info.modules[boot_info.nr_modules++];
	m->start = start;
	m->end = end;
	strlcpy(m->name, name, sizeof(m->name));
}

static void parse_mb2(u64 info_pa)
{
	u8 *info = __va(info_pa);
	u32 total = *(u32 *)info;

	boot_info.protocol = "multiboot2";
	boot_info.info_start = info_pa;
	boot_info.info_end = info_pa + total;
	for (u32 off = 8; off + sizeof(struct mb2_tag) <= total;) {
		struct mb2_tag *tag = (struct mb2_tag *)(info + off);

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(boot_info.cmdline, (char *)(tag + 1), sizeof(boot_info.cmdline));
			break;
		case MB2_TAG_LOADER_NAME:
			strlcpy(boot_info.loader, (char *)(tag + 1), sizeof(boot_info.loader));
			break;
		case MB2_TAG_MODULE: {
			u32 *m = (u32 *)(tag + 1);

			add_module(m[0], m[1], (char *)(m + 2));
			break;
		}
		case MB2_TAG_MMAP: {
			u32 entry_size = ((u32 *)(tag + 1))[0];
			u8 *e = (u8 *)(tag + 1) + 8;
			u8 *end = (u8 *)tag + tag->size;

			for (; entry_size && e + entry_size <= end; e += entry_size) {
				struct mb2_mmap_entry *me = (struct mb2_mmap_entry *)e;

				add_region(me->base, me->length, me->type);
			}
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			if (!boot_info.rsdp)
				boot_info.rsdp = __pa(tag + 1);
			break;
		}
		off += ALIGN_UP(tag->size, 8);
	}
}

/* ---- PVH ----------------------------------------------------------------- */

/* Xen's public/arch-x86/hvm/start_info.h, as QEMU fills it. */
struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr;               /* version >= 1 */
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

struct hvm_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

static void parse_pvh(u64 info_pa)
{
	struct hvm_start_info *si = __va(info_pa);

	if (si->magic != BOOT_MAGIC_PVH)
		panic("PVH start info at %lx has bad magic %x", info_pa, si->magic);
	if (si->version < 1 || !si->memmap_paddr)
		panic("PVH start info version %u has no memory map", si->version);
	boot_info.protocol = "pvh";
	strlcpy(boot_info.loader, "QEMU (PVH direct boot)", sizeof(boot_info.loader));
	/* QEMU puts the start info, command line and tables in one low block. */
	boot_info.info_start = ALIGN_DOWN(info_pa, PAGE_SIZE);
	boot_info.info_end = ALIGN_UP(info_pa + sizeof(*si), PAGE_SIZE);
	if (si->cmdline_paddr)
		strlcpy(boot_info.cmdline, __va(si->cmdline_paddr), sizeof(boot_info.cmdline));
	for (u32 i = 0; i < si->memmap_entries; i++) {
		struct hvm_memmap_entry *e = (struct hvm_memmap_entry *)__va(si->memmap_paddr) + i;

		add_region(e->addr, e->size, e->type);
	}
	for (u32 i = 0; i < si->nr_modules; i++) {
		struct hvm_modlist_entry *m = (struct hvm_modlist_entry *)__va(si->modlist_paddr) + i;

		add_module(m->paddr, m->paddr + m->size,
			   m->cmdline_paddr ? (char *)__va(m->cmdline_paddr) : "");
	}
	boot_info.rsdp = si->rsdp_paddr;
}

void bootinfo_parse(u32 magic, u64 info)
{
	if (magic == BOOT_MAGIC_MB2)
		parse_mb2(info);
	else if (magic == BOOT_MAGIC_PVH)
		parse_pvh(info);
	else
		panic("unknown boot protocol (magic %x): boot with GRUB (multiboot2) or QEMU -kernel (PVH)", magic);
	if (!boot_info.nr_mem)
		panic("the boot loader gave no memory map");
}

const char *boot_mem_type_name(u32 type)
{
	switch (type) {
	case BOOT_MEM_USABLE: return "usable";
	case BOOT_MEM_RESERVED: return "reserved";
	case BOOT_MEM_ACPI: return "ACPI data";
	case BOOT_MEM_NVS: return "ACPI NVS";
	case BOOT_MEM_BAD: return "unusable";
	default: return "unknown";
	}
}

void bootinfo_print(void)
{
	pr_info("boot: %s, loader \"%s\"\n", boot_info.protocol, boot_info.loader);
	pr_info("command line: %s\n", boot_info.cmdline);
	pr_info("memory map:\n");
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		struct boot_mem_region *r = &boot_info.mem[i];

		pr_info("  [mem %#018lx-%#018lx] %s\n", r->base, r->base + r->size - 1,
			boot_mem_type_name(r->type));
	}
	for (unsigned int i = 0; i < boot_info.nr_modules; i++)
		pr_info("  module %u: [%#lx-%#lx) %s\n", i, boot_info.modules[i].start,
			boot_info.modules[i].end, boot_info.modules[i].name);
}
