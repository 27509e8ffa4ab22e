/*
 * PCI enumeration, configuration space, BARs, capabilities and MSI-X (see
 * include/drivers/pci.h), and drivers_init(), which probes the drivers.
 *
 * What this file owns:
 *  - pci_devices, the list of every function found. drivers_init() builds
 *    it once, from one task, before any driver runs; after that it is only
 *    read, so it needs no lock.
 *  - pci_config_lock, which makes the two-step port access of
 *    configuration mechanism #1 (address to 0xCF8, data through 0xCFC)
 *    atomic. It is a leaf: nothing else is taken inside it. irqsave, so a
 *    config access is safe from any context.
 *
 * The scan follows Linux: bus 0 slot by slot; a function 0 that says it is
 * multi-function gets functions 1..7 probed too; a PCI-to-PCI bridge has
 * its secondary bus scanned recursively. The firmware (SeaBIOS, which QEMU
 * runs before GRUB and before the PVH entry) has already assigned every BAR
 * an address, so Faultline only reads them. A device that answers oddly (a
 * looping capability list, a BAR that decodes nothing) is reported and
 * skipped; nothing here panics on what a device says.
 */
#include <kernel/types.h>
#include <drivers/blkdev.h>
#include <drivers/drivers.h>
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <asm/apic.h>
#include <asm/processor.h>

#define PCI_CONFIG_ADDRESS      0xcf8
#define PCI_CONFIG_DATA         0xcfc
#define PCI_CONFIG_ENABLE       0x80000000u

#define PCI_MAX_SLOTS           32
#define PCI_MAX_FUNCS           8
#define PCI_MAX_BRIDGE_DEPTH    8       /* bounds the recursion on odd topologies */
#define PCI_CAP_LIST_TTL        48      /* at most (256 - 64) / 4 capabilities */

/* The drivers offered each device, in order; the first to claim it wins. */
static const struct pci_driver *const pci_drivers[] = {
	&virtio_pci_driver,
};

static LIST_HEAD(pci_devices);
static DEFINE_SPINLOCK(pci_config_lock);

/* ---- configuration space ------------------------------------------------ */

static u32 pci_conf_address(u8 bus, u8 slot, u8 func, unsigned int where)
{
	return PCI_CONFIG_ENABLE | (u32)bus << 16 | (u32)slot << 11 |
	       (u32)func << 8 | (where & 0xfc);
}

/* Read @size (1, 2 or 4) bytes at @where, which must be size-aligned. */
static u32 pci_conf_read(u8 bus, u8 slot, u8 func, unsigned int where, int size)
{
	u16 port = PCI_CONFIG_DATA + (where & 3);
	unsigned long flags;
	u32 v;

	flags = spin_lock_irqsave(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS, pci_conf_address(bus, slot, func, where));
	v = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	spin_unlock_irqrestore(&pci_config_lock, flags);
	return v;
}

static void pci_conf_write(u8 bus, u8 slot, u8 func, unsigned int where, int size, u32 v)
{
	u16 port = PCI_CONFIG_DATA + (where & 3);
	unsigned long flags;

	flags = spin_lock_irqsave(&pci_config_lock);
	outl(PCI_CONFIG_ADDRESS, pci_conf_address(bus, slot, func, where));
	if (size == 1)
		outb(port, (u8)v);
	else if (size == 2)
		outw(port, (u16)v);
	else
		outl(port, v);
	spin_unlock_irqrestore(&pci_config_lock, flags);
}

int pci_read_config_byte(const struct pci_dev *dev, unsigned int where, u8 *val)
{
	*val = (u8)pci_conf_read(dev->bus, dev->slot, dev->func, where, 1);
	return 0;
}

int pci_read_config_word(const struct pci_dev *dev, unsigned int where, u16 *val)
{
	*val = (u16)pci_conf_read(dev->bus, dev->slot, dev->func, where, 2);
	return 0;
}

int pci_read_config_dword(const struct pci_dev *dev, unsigned int where, u32 *val)
{
	*val = pci_conf_read(dev->bus, dev->slot, dev->func, where, 4);
	return 0;
}

int pci_write_config_byte(const struct pci_dev *dev, unsigned int where, u8 val)
{
	pci_conf_write(dev->bus, dev->slot, dev->func, where, 1, val);
	return 0;
}

int pci_write_config_word(const struct pci_dev *dev, unsigned int where, u16 val)
{
	pci_conf_write(dev->bus, dev->slot, dev->func, where, 2, val);
	return 0;
}

int pci_write_config_dword(const struct pci_dev *dev, unsigned int where, u32 val)
{
	pci_conf_write(dev->bus, dev->slot, dev->func, where, 4, val);
	return 0;
}

static void pci_command_set(struct pci_dev *dev, u16 set, u16 clear)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	pci_write_config_word(dev, PCI_COMMAND, (u16)((cmd & ~clear) | set));
}

void pci_enable_device(struct pci_dev *dev)
{
	pci_command_set(dev, PCI_COMMAND_MEMORY | PCI_COMMAND_IO, 0);
}

void pci_set_master(struct pci_dev *dev)
{
	pci_command_set(dev, PCI_COMMAND_MASTER, 0);
}

/* ---- capabilities ------------------------------------------------------- */

/*
 * Follow the capability chain from the pointer stored at config offset
 * @ptr_at. Pointers below 0x40 point into the standard header and end the
 * list (0 is the usual terminator); the step bound ends a list that loops.
 */
static u16 pci_walk_capabilities(const struct pci_dev *dev, unsigned int ptr_at, u8 cap_id)
{
	u8 pos, id;

	pci_read_config_byte(dev, ptr_at, &pos);
	for (int ttl = PCI_CAP_LIST_TTL; ttl > 0; ttl--) {
		pos &= ~3;
		if (pos < 0x40)
			return 0;
		pci_read_config_byte(dev, pos, &id);
		if (id == 0xff)
			return 0;
		if (id == cap_id)
			return pos;
		pci_read_config_byte(dev, pos + 1, &pos);
	}
	pr_warn("pci %s: capability list does not end; ignoring the rest\n", pci_name(dev));
	return 0;
}

u16 pci_find_capability(const struct pci_dev *dev, u8 cap_id)
{
	u16 status;

	pci_read_config_word(dev, PCI_STATUS, &status);
	if (!(status & PCI_STATUS_CAP_LIST))
		return 0;
	return pci_walk_capabilities(dev, PCI_CAPABILITY_LIST, cap_id);
}

u16 pci_find_next_capability(const struct pci_dev *dev, u16 pos, u8 cap_id)
{
	return pci_walk_capabilities(dev, pos + 1, cap_id);
}

/* ---- BARs --------------------------------------------------------------- */

/* Write all ones to a BAR register and read back which bits stick: the
 * address bits a device does not decode read as zero, which gives the size. */
static u32 pci_bar_probe_mask(struct pci_dev *dev, unsigned int where, u32 *orig)
{
	u32 mask;

	pci_read_config_dword(dev, where, orig);
	pci_write_config_dword(dev, where, ~0u);
	pci_read_config_dword(dev, where, &mask);
	pci_write_config_dword(dev, where, *orig);
	return mask;
}

/* Decode BAR @i. Returns how many BAR registers it used (2 for 64-bit). */
static unsigned int pci_read_bar(struct pci_dev *dev, unsigned int i, unsigned int nr_bars)
{
	unsigned int where = PCI_BASE_ADDRESS_0 + 4 * i;
	struct pci_bar *bar = &dev->bar[i];
	u32 orig, mask, orig_hi = 0, mask_hi = ~0u;

	mask = pci_bar_probe_mask(dev, where, &orig);
	if (mask == 0 || mask == ~0u)
		return 1;                       /* not implemented */
	if (orig & PCI_BASE_ADDRESS_SPACE_IO) {
		u32 m = mask & PCI_BASE_ADDRESS_IO_MASK;

		if (!(m & 0xffff0000))
			m |= 0xffff0000;        /* a 16-bit I/O decoder */
		*bar = (struct pci_bar){ .start = orig & PCI_BASE_ADDRESS_IO_MASK,
					 .size = (u32)(~m + 1), .is_io = true };
		return 1;
	}
	if (orig & PCI_BASE_ADDRESS_MEM_TYPE_64) {
		if (i + 1 >= nr_bars) {
			pr_warn("pci %s: BAR %u claims 64 bits but is the last one\n",
				pci_name(dev), i);
			return 1;
		}
		mask_hi = pci_bar_probe_mask(dev, where + 4, &orig_hi);
	}
	bar->start = ((u64)orig_hi << 32) | (orig & PCI_BASE_ADDRESS_MEM_MASK);
	bar->size = ~(((u64)mask_hi << 32) | (mask & PCI_BASE_ADDRESS_MEM_MASK)) + 1;
	bar->is_64 = orig & PCI_BASE_ADDRESS_MEM_TYPE_64;
	bar->prefetchable = orig & PCI_BASE_ADDRESS_MEM_PREFETCH;
	return bar->is_64 ? 2 : 1;
}

/* Sizing writes garbage into the BARs for a moment, so decoding is off
 * meanwhile: otherwise the device could answer at a bogus address. */
static void pci_read_bases(struct pci_dev *dev, unsigned int nr_bars)
{
	u16 cmd;

	pci_read_config_word(dev, PCI_COMMAND, &cmd);
	pci_write_config_word(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned int i = 0; i < nr_bars; )
		i += pci_read_bar(dev, i, nr_bars);
	pci_write_config_word(dev, PCI_COMMAND, cmd);
}

void *pci_iomap_range(struct pci_dev *dev, unsigned int bar, u64 offset, u64 len)
{
	struct pci_bar *b;

	if (bar >= PCI_STD_NUM_BARS)
		return NULL;
	b = &dev->bar[bar];
	if (b->is_io || !b->start || offset > b->size || len > b->size - offset) {
		pr_err("pci %s: BAR %u cannot map %#llx bytes at offset %#llx\n",
		       pci_name(dev), bar, (unsigned long long)len,
		       (unsigned long long)offset);
		return NULL;
	}
	return ioremap(b->start + offset, len);
}

void pci_iounmap(void *addr)
{
	iounmap(addr);
}

/* ---- MSI-X -------------------------------------------------------------- */

static void *msix_entry(struct pci_dev *dev, unsigned int entry)
{
	return (u8 *)dev->msix_table + entry * PCI_MSIX_ENTRY_SIZE;
}

int pci_msix_enable(struct pci_dev *dev)
{
	u16 cap = pci_find_capability(dev, PCI_CAP_ID_MSIX), flags;
	unsigned int bir, nr;
	u32 table;

	if (!cap)
		return -ENODEV;
	pci_read_config_word(dev, cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(dev, cap + PCI_MSIX_TABLE, &table);
	nr = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	bir = table & PCI_MSIX_TABLE_BIR;
	dev->msix_table = pci_iomap_range(dev, bir, table & ~PCI_MSIX_TABLE_BIR,
					  nr * PCI_MSIX_ENTRY_SIZE);
	if (!dev->msix_table)
		return -ENOMEM;
	dev->msix_cap = cap;
	dev->msix_nr_entries = (u16)nr;
	for (unsigned int i = 0; i < PCI_MSIX_MAX_VECTORS; i++)
		dev->msix_vector[i] = -1;

	/* Enable with the whole function masked, mask each entry, then lift
	 * the function mask: no entry can fire before it is programmed. */
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS,
			      flags | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (unsigned int i = 0; i < nr; i++)
		writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, (u8 *)msix_entry(dev, i) + PCI_MSIX_ENTRY_CTRL);
	pci_write_config_word(dev, cap + PCI_MSIX_FLAGS,
			      (flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	pci_command_set(dev, PCI_COMMAND_INTX_DISABLE, 0);
	return 0;
}

int pci_msix_request_irq(struct pci_dev *dev, unsigned int entry, irq_handler_t fn,
			 void *data, const char *name)
{
	u8 *e;
	int vector;

	if (!dev->msix_table)
		return -ENODEV;
	if (entry >= dev->msix_nr_entries || entry >= PCI_MSIX_MAX_VECTORS)
		return -EINVAL;
	if (dev->msix_vector[entry] >= 0)
		return -EBUSY;
	vector = irq_alloc_vector(fn, data, name);
	if (vector < 0)
		return vector;
	dev->msix_vector[entry] = vector;

	/* The message is a write of the vector number to the local APIC's
	 * address window; the destination ID field picks this CPU. */
	e = msix_entry(dev, entry);
	writel(MSI_ADDR_BASE | lapic_id() << MSI_ADDR_DEST_ID_SHIFT, e + PCI_MSIX_ENTRY_ADDR_LO);
	writel(0, e + PCI_MSIX_ENTRY_ADDR_HI);
	writel((u32)vector, e + PCI_MSIX_ENTRY_DATA);
	writel(0, e + PCI_MSIX_ENTRY_CTRL);     /* unmask */
	return 0;
}

void pci_msix_free_irq(struct pci_dev *dev, unsigned int entry)
{
	if (!dev->msix_table || entry >= PCI_MSIX_MAX_VECTORS || dev->msix_vector[entry] < 0)
		return;
	/* Mask first: once the vector is free, another device may get it. */
	writel(PCI_MSIX_ENTRY_CTRL_MASKBIT, (u8 *)msix_entry(dev, entry) + PCI_MSIX_ENTRY_CTRL);
	irq_free_vector((unsigned int)dev->msix_vector[entry]);
	dev->msix_vector[entry] = -1;
}

void pci_msix_disable(struct pci_dev *dev)
{
	u16 flags;

	if (!dev->msix_table)
		return;
	for (unsigned int i = 0; i < PCI_MSIX_MAX_VECTORS; i++)
		pci_msix_free_irq(dev, i);
	pci_read_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_write_config_word(dev, dev->msix_cap + PCI_MSIX_FLAGS, flags & ~PCI_MSIX_FLAGS_ENABLE);
	pci_iounmap(dev->msix_table);
	dev->msix_table = NULL;
}

/* ---- enumeration -------------------------------------------------------- */

static void pci_print_bar(const struct pci_dev *dev, unsigned int i)
{
	const struct pci_bar *b = &dev->bar[i];

	if (!b->size)
		return;
	pr_info("pci %s: BAR %u [%s %#llx-%#llx%s%s]\n", pci_name(dev), i,
		b->is_io ? "io" : "mem", (unsigned long long)b->start,
		(unsigned long long)(b->start + b->size - 1),
		b->is_64 ? " 64bit" : "", b->prefetchable ? " pref" : "");
}

static void pci_size_bars(struct pci_dev *dev)
{
	/* A host bridge's decoding is never turned off, not even for a
	 * moment: the CPU reaches memory through it (Linux: mmio_always_on). */
	if (dev->class >> 8 == PCI_CLASS_BRIDGE_HOST)
		return;
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		pci_read_bases(dev, 6);
	else if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		pci_read_bases(dev, 2);
}

static struct pci_dev *pci_setup_device(u8 bus, u8 slot, u8 func)
{
	struct pci_dev *dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	u32 class_rev;
	u8 hdr;

	if (!dev)
		return NULL;
	*dev = (struct pci_dev){ .bus = bus, .slot = slot, .func = func };
	snprintf(dev->name, sizeof(dev->name), "0000:%02x:%02x.%u", bus, slot, func);
	pci_read_config_word(dev, PCI_VENDOR_ID, &dev->vendor);
	pci_read_config_word(dev, PCI_DEVICE_ID, &dev->device);
	pci_read_config_dword(dev, PCI_CLASS_REVISION, &class_rev);
	pci_read_config_byte(dev, PCI_HEADER_TYPE, &hdr);
	dev->class = class_rev >> 8;
	dev->revision = (u8)class_rev;
	dev->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		pci_read_config_word(dev, PCI_SUBSYSTEM_ID, &dev->subsystem_device);
	pr_info("pci %s: [%04x:%04x] class 0x%06x\n", pci_name(dev),
		dev->vendor, dev->device, dev->class);
	pci_size_bars(dev);
	for (unsigned int i = 0; i < PCI_STD_NUM_BARS; i++)
		pci_print_bar(dev, i);
	return dev;
}

static void pci_scan_bus(u8 bus, unsigned int depth);

static void pci_scan_function(u8 bus, u8 slot, u8 func, unsigned int depth)
{
	struct pci_dev *dev = pci_setup_device(bus, slot, func);
	u8 secondary;

	if (!dev) {
		pr_err("pci: out of memory at %02x:%02x.%u; stopping the scan\n", bus, slot, func);
		return;
	}
	list_add_tail(&dev->list, &pci_devices);
	if (dev->hdr_type != PCI_HEADER_TYPE_BRIDGE)
		return;
	pci_read_config_byte(dev, PCI_SECONDARY_BUS, &secondary);
	/* Buses are numbered downstream in increasing order; anything else
	 * (or a hierarchy deeper than any real machine's) would loop. */
	if (secondary > bus && depth < PCI_MAX_BRIDGE_DEPTH)
		pci_scan_bus(secondary, depth + 1);
	else
		pr_warn("pci %s: bridge to bus %02x not scanned\n", pci_name(dev), secondary);
}

static void pci_scan_slot(u8 bus, u8 slot, unsigned int depth)
{
	unsigned int nr_funcs = 1;

	if ((u16)pci_conf_read(bus, slot, 0, PCI_VENDOR_ID, 2) == 0xffff)
		return;                         /* no device: reads float to all ones */
	if (pci_conf_read(bus, slot, 0, PCI_HEADER_TYPE, 1) & PCI_HEADER_MULTIFUNC)
		nr_funcs = PCI_MAX_FUNCS;
	for (u8 func = 0; func < nr_funcs; func++)
		if ((u16)pci_conf_read(bus, slot, func, PCI_VENDOR_ID, 2) != 0xffff)
			pci_scan_function(bus, slot, func, depth);
}

static void pci_scan_bus(u8 bus, unsigned int depth)
{
	for (u8 slot = 0; slot < PCI_MAX_SLOTS; slot++)
		pci_scan_slot(bus, slot, depth);
}

/* ---- drivers ------------------------------------------------------------ */

static bool pci_match_id(const struct pci_driver *drv, const struct pci_dev *dev)
{
	for (const struct pci_device_id *id = drv->id_table; id->vendor; id++)
		if (id->vendor == dev->vendor &&
		    (id->device == PCI_ANY_ID || id->device == dev->device))
			return true;
	return false;
}

static void pci_probe_device(struct pci_dev *dev)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(pci_drivers); i++) {
		const struct pci_driver *drv = pci_drivers[i];
		int err;

		if (!pci_match_id(drv, dev))
			continue;
		err = drv->probe(dev);
		if (err == 0) {
			dev->driver = drv;
			return;
		}
		if (err != -ENODEV)     /* -ENODEV: "not mine after all", quietly */
			pr_warn("%s %s: probe failed with error %d\n", drv->name, pci_name(dev), err);
	}
}

void drivers_init(void)
{
	struct pci_dev *dev;

	ASSERT(list_empty(&pci_devices));       /* called once */
	blk_init();
	pci_scan_bus(0, 0);
	list_for_each_entry(dev, &pci_devices, list)
		pci_probe_device(dev);
}
