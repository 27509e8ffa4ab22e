/*
 * The I/O APIC (see asm/ioapic.h), found through the ACPI MADT.
 *
 * What this file owns: the little of ACPI it needs (find the RSDP, walk the
 * RSDT or XSDT to the MADT, check checksums), the MADT's list of
 * processors (their local APIC ids, for SMP bring-up), the list of I/O APICs and
 * the ISA-IRQ-to-GSI table built from the MADT's interrupt source
 * overrides, and the redirection table entries.
 *
 * ACPI tables live in firmware-reserved memory that the direct map leaves
 * out, so each table is mapped with ioremap() while it is read and
 * unmapped afterwards (or read through the direct map when it happens to
 * be in RAM, as the RSDP copy inside the multiboot2 information is).
 *
 * Without ACPI (no RSDP from the loader and none in the BIOS area) the
 * PC-compatible default, one I/O APIC at 0xfec00000 with GSIs 0-23 and no
 * overrides, is probed; a machine with no I/O APIC there reads all-ones
 * and ioapic_init() returns -ENODEV.
 *
 * Locks: ioapic_lock (irqsave) around every index/data register access.
 * The tables below are written once by ioapic_init() at boot, then only read.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/pgtable.h>
#include <mm/vmalloc.h>
#include <asm/apic.h>
#include <asm/bootinfo.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/percpu.h>

/* ---- ACPI: just enough to find the MADT -------------------------------- */

struct acpi_rsdp {
	char signature[8];              /* "RSD PTR " */
	u8 checksum;                    /* over the first 20 bytes */
	char oem_id[6];
	u8 revision;                    /* 0: ACPI 1.0 (RSDT only); 2+: XSDT too */
	u32 rsdt_address;
	u32 length;                     /* revision >= 2 from here on */
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __packed;

struct acpi_table_header {
	char signature[4];
	u32 length;                     /* of the whole table, header included */
	u8 revision;
	u8 checksum;                    /* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

struct acpi_madt {
	struct acpi_table_header header;        /* "APIC" */
	u32 lapic_address;
	u32 flags;
	/* followed by variable-length entries: u8 type, u8 length, ... */
} __packed;

#define MADT_LAPIC              0
#define MADT_IOAPIC             1
#define MADT_INT_SRC_OVERRIDE   2

struct madt_lapic {
	u8 type, length;
	u8 acpi_processor_id;
	u8 apic_id;
	u32 flags;                      /* bit 0: enabled; bit 1: may be enabled later */
} __packed;

#define MADT_LAPIC_ENABLED      1

struct madt_ioapic {
	u8 type, length;
	u8 ioapic_id;
	u8 reserved;
	u32 address;
	u32 gsi_base;
} __packed;

struct madt_int_src_override {
	u8 type, length;
	u8 bus;                         /* 0: ISA */
	u8 source;                      /* the ISA IRQ */
	u32 gsi;
	u16 flags;                      /* MPS INTI flags: polarity, trigger */
} __packed;

/* MPS INTI flags: bits 0-1 polarity, bits 2-3 trigger mode; 0 means "as
 * the bus says", which for ISA is active high and edge triggered. */
#define MPS_POLARITY_MASK       0x3
#define MPS_POLARITY_LOW        0x3
#define MPS_TRIGGER_MASK        0xc
#define MPS_TRIGGER_LEVEL       0xc

#define BIOS_ROM_START          0xe0000
#define BIOS_ROM_END            0x100000

/*
 * Map @len bytes of firmware memory at @pa for reading. Returns NULL if
 * the vmalloc area is exhausted. Undo with acpi_unmap(va, pa).
 */
static const void *acpi_map(phys_addr_t pa, size_t len)
{
	struct pt_lookup l;

	if (lookup_kernel_address((unsigned long)__va(pa), &l) &&
	    lookup_kernel_address((unsigned long)__va(pa + len - 1), &l))
		return __va(pa);                /* RAM, already in the direct map */
	return ioremap(pa, len);
}

static void acpi_unmap(const void *va, phys_addr_t pa)
{
	if (va && va != __va(pa))
		iounmap((void *)va);
}

static bool acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
	return memcmp(r->signature, "RSD PTR ", 8) == 0 && acpi_checksum_ok(r, 20);
}

/* The RSDP's physical address: from the boot loader, else by scanning the
 * BIOS read-only area on 16-byte boundaries. 0 if there is none. */
static phys_addr_t acpi_find_rsdp(void)
{
	const u8 *rom;
	phys_addr_t found = 0;

	if (boot_info.rsdp)
		return boot_info.rsdp;
	rom = acpi_map(BIOS_ROM_START, BIOS_ROM_END - BIOS_ROM_START);
	if (!rom)
		return 0;
	for (size_t off = 0; off + sizeof(struct acpi_rsdp) <= BIOS_ROM_END - BIOS_ROM_START;
	     off += 16) {
		if (rsdp_valid((const struct acpi_rsdp *)(rom + off))) {
			found = BIOS_ROM_START + off;
			break;
		}
	}
	acpi_unmap(rom, BIOS_ROM_START);
	return found;
}

/* Map the whole table at @pa if its signature is @sig and its checksum
 * holds; NULL otherwise. Undo with acpi_unmap(table, pa). */
static const struct acpi_table_header *acpi_map_table(phys_addr_t pa, const char *sig)
{
	const struct acpi_table_header *h = acpi_map(pa, sizeof(*h));
	u32 len;

	if (!h)
		return NULL;
	len = h->length;
	if (memcmp(h->signature, sig, 4) != 0 || len < sizeof(*h) || len > (1u << 20)) {
		acpi_unmap(h, pa);
		return NULL;
	}
	acpi_unmap(h, pa);
	h = acpi_map(pa, len);
	if (h && !acpi_checksum_ok(h, len)) {
		pr_warn("acpi: table %.4s at %#lx has a bad checksum\n", sig, pa);
		acpi_unmap(h, pa);
		return NULL;
	}
	return h;
}

/* The physical address of the table with signature @sig, found through the
 * XSDT (ACPI 2.0+) or the RSDT; 0 if absent. */
static phys_addr_t acpi_find_table(phys_addr_t rsdp_pa, const char *sig)
{
	const struct acpi_rsdp *rsdp = acpi_map(rsdp_pa, sizeof(*rsdp));
	bool xsdt = rsdp && rsdp->revision >= 2 && rsdp->xsdt_address;
	phys_addr_t root_pa = !rsdp ? 0 : xsdt ? rsdp->xsdt_address : rsdp->rsdt_address;
	size_t entry_size = xsdt ? 8 : 4;
	const struct acpi_table_header *root;
	phys_addr_t found = 0;

	acpi_unmap(rsdp, rsdp_pa);
	root = root_pa ? acpi_map_table(root_pa, xsdt ? "XSDT" : "RSDT") : NULL;
	if (!root)
		return 0;
	for (size_t off = sizeof(*root); off + entry_size <= root->length; off += entry_size) {
		const u8 *e = (const u8 *)root + off;
		phys_addr_t pa = xsdt ? *(const u64 *)e : *(const u32 *)e;
		const struct acpi_table_header *t = acpi_map(pa, sizeof(*t));
		bool match = t && memcmp(t->signature, sig, 4) == 0;

		acpi_unmap(t, pa);
		if (match) {
			found = pa;
			break;
		}
	}
	acpi_unmap(root, root_pa);
	return found;
}

/* ---- the I/O APICs ------------------------------------------------------- */

#define MAX_IOAPICS             8
#define IOAPIC_DEFAULT_BASE     0xfec00000UL

#define IOREGSEL                0x00    /* index register */
#define IOWIN                   0x10    /* data register */
#define IOAPIC_REG_ID           0x00
#define IOAPIC_REG_VER          0x01    /* bits 16-23: last redirection entry */
#define IOAPIC_REG_REDTBL(pin)  (0x10 + 2 * (pin))      /* low word; +1 high */

#define IOAPIC_RTE_POLARITY_LOW (1u << 13)
#define IOAPIC_RTE_LEVEL        (1u << 15)
#define IOAPIC_RTE_MASKED       (1u << 16)
#define IOAPIC_RTE_DEST_SHIFT   24      /* in the high word: physical APIC id */

struct ioapic {
	phys_addr_t phys;
	volatile u32 *regs;             /* ioremap()ed, uncached */
	u8 id;
	unsigned int gsi_base;
	unsigned int nr_pins;
};

static struct ioapic ioapics[MAX_IOAPICS];
static unsigned int nr_ioapics;
static unsigned int isa_gsi[NR_ISA_IRQS];       /* ISA IRQ -> GSI */
static u16 isa_flags[NR_ISA_IRQS];              /* MPS INTI flags of that line */
static DEFINE_SPINLOCK(ioapic_lock);
/* The enabled processors' local APIC ids, in MADT order (the boot CPU is
 * usually first, but need not be): arch/x86_64/smpboot.c starts them. */
static u32 madt_cpu_apic_ids[NR_CPUS];
static unsigned int madt_nr_cpus, madt_cpus_ignored;

static u32 ioapic_read(struct ioapic *io, u32 reg)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	u32 v;

	io->regs[IOREGSEL / 4] = reg;
	v = io->regs[IOWIN / 4];
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return v;
}

static void ioapic_write(struct ioapic *io, u32 reg, u32 v)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);

	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* Map a newly found I/O APIC, size it, and mask all its pins. */
static void ioapic_add(phys_addr_t phys, u8 id, unsigned int gsi_base)
{
	struct ioapic *io = &ioapics[nr_ioapics];
	u32 ver;

	if (nr_ioapics == MAX_IOAPICS) {
		pr_warn("ioapic: more than %u I/O APICs; ignoring the one at %#lx\n",
			MAX_IOAPICS, phys);
		return;
	}
	io->regs = ioremap(phys, PAGE_SIZE);
	if (!io->regs)
		return;
	ver = ioapic_read(io, IOAPIC_REG_VER);
	if (ver == 0xffffffff) {                /* nothing answers there */
		iounmap((void *)io->regs);
		return;
	}
	io->phys = phys;
	io->id = id;
	io->gsi_base = gsi_base;
	io->nr_pins = ((ver >> 16) & 0xff) + 1;
	for (unsigned int pin = 0; pin < io->nr_pins; pin++) {
		ioapic_write(io, IOAPIC_REG_REDTBL(pin) + 1, 0);
		ioapic_write(io, IOAPIC_REG_REDTBL(pin), IOAPIC_RTE_MASKED);
	}
	nr_ioapics++;
	pr_info("ioapic: id %u at %#lx, version %#x, GSIs %u-%u\n", id, phys, ver & 0xff,
		gsi_base, gsi_base + io->nr_pins - 1);
}

static void madt_override(const struct madt_int_src_override *o)
{
	if (o->bus != 0 || o->source >= NR_ISA_IRQS)
		return;
	isa_gsi[o->source] = o->gsi;
	isa_flags[o->source] = o->flags;
	pr_info("ioapic: ISA IRQ %u -> GSI %u%s%s\n", o->source, o->gsi,
		(o->flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW ? ", active low" : "",
		(o->flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL ? ", level" : "");
}

/* Walk the MADT's entries: I/O APICs and ISA interrupt source overrides. */
static void madt_parse(const struct acpi_madt *madt)
{
	const u8 *p = (const u8 *)(madt + 1);
	const u8 *end = (const u8 *)madt + madt->header.length;

	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_LAPIC && p[1] >= sizeof(struct madt_lapic)) {
			const struct madt_lapic *e = (const void *)p;

			if (!(e->flags & MADT_LAPIC_ENABLED))
				;               /* not present (hot-plug slot) */
			else if (madt_nr_cpus < NR_CPUS)
				madt_cpu_apic_ids[madt_nr_cpus++] = e->apic_id;
			else
				madt_cpus_ignored++;
		} else if (p[0] == MADT_IOAPIC && p[1] >= sizeof(struct madt_ioapic)) {
			const struct madt_ioapic *e = (const void *)p;

			ioapic_add(e->address, e->ioapic_id, e->gsi_base);
		} else if (p[0] == MADT_INT_SRC_OVERRIDE &&
			   p[1] >= sizeof(struct madt_int_src_override)) {
			madt_override((const void *)p);
		}
		p += p[1];
	}
}

int ioapic_init(void)
{
	phys_addr_t rsdp = acpi_find_rsdp();
	phys_addr_t madt_pa = rsdp ? acpi_find_table(rsdp, "APIC") : 0;
	const struct acpi_table_header *madt;

	for (unsigned int irq = 0; irq < NR_ISA_IRQS; irq++)
		isa_gsi[irq] = irq;             /* identity unless overridden */
	madt = madt_pa ? acpi_map_table(madt_pa, "APIC") : NULL;
	if (madt) {
		madt_parse((const struct acpi_madt *)madt);
		acpi_unmap(madt, madt_pa);
	} else {
		pr_warn("ioapic: no ACPI MADT; trying the PC default at %#lx\n",
			IOAPIC_DEFAULT_BASE);
		ioapic_add(IOAPIC_DEFAULT_BASE, 0, 0);
	}
	if (!nr_ioapics) {
		pr_warn("ioapic: none found; ISA interrupts are unavailable\n");
		return -ENODEV;
	}
	return 0;
}

unsigned int acpi_cpu_apic_ids(u32 ids[])
{
	if (madt_cpus_ignored)
		pr_warn("acpi: %u more CPUs than NR_CPUS=%u are left offline\n",
			madt_cpus_ignored, NR_CPUS);
	memcpy(ids, madt_cpu_apic_ids, sizeof(madt_cpu_apic_ids));
	return madt_nr_cpus;
}

unsigned int ioapic_isa_irq_to_gsi(unsigned int irq)
{
	return irq < NR_ISA_IRQS ? isa_gsi[irq] : irq;
}

/* The I/O APIC serving @gsi, and its pin there; NULL if none does. */
static struct ioapic *ioapic_for_gsi(unsigned int gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi < io->gsi_base + io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

int ioapic_route_isa_irq(unsigned int irq, unsigned int vector)
{
	unsigned int pin;
	struct ioapic *io;
	u32 low;

	if (irq >= NR_ISA_IRQS || vector < 32 || vector > 0xfe)
		return -EINVAL;
	io = ioapic_for_gsi(isa_gsi[irq], &pin);
	if (!io)
		return -ENODEV;
	low = vector;                           /* fixed delivery, physical destination */
	if ((isa_flags[irq] & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
		low |= IOAPIC_RTE_POLARITY_LOW;
	if ((isa_flags[irq] & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
		low |= IOAPIC_RTE_LEVEL;
	/* Destination first, while the entry is still masked. */
	ioapic_write(io, IOAPIC_REG_REDTBL(pin) + 1, lapic_id() << IOAPIC_RTE_DEST_SHIFT);
	ioapic_write(io, IOAPIC_REG_REDTBL(pin), low);
	return 0;
}

void ioapic_mask_isa_irq(unsigned int irq)
{
	unsigned int pin;
	struct ioapic *io = irq < NR_ISA_IRQS ? ioapic_for_gsi(isa_gsi[irq], &pin) : NULL;

	if (io)
		ioapic_write(io, IOAPIC_REG_REDTBL(pin), IOAPIC_RTE_MASKED);
}
