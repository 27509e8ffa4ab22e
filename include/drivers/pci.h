/*
 * PCI: finding devices, reading their configuration space, mapping their
 * registers and routing their interrupts through MSI-X.
 *
 * drivers_init() (drivers/pci.c) walks the buses once at boot, records a
 * struct pci_dev per function it finds, and offers each one to the drivers
 * of a static table; a driver's ->probe claims the device by returning 0.
 *
 * Configuration space is reached with x86 "configuration mechanism #1":
 * write the address of a 32-bit register to port 0xCF8, then move data
 * through port 0xCFC. The two steps must not interleave with another
 * access, so every access takes pci_config_lock (irqsave: short, and safe
 * from any context).
 *
 * Field legend: (c) constant after drivers_init() has scanned the bus;
 * (d) owned by the driver that claimed the device (set in ->probe).
 */
#ifndef _DRIVERS_PCI_H
#define _DRIVERS_PCI_H

#include <kernel/types.h>
#include <kernel/list.h>
#include <asm/traps.h>

/* Configuration-space registers (the type 0 and type 1 headers). */
#define PCI_VENDOR_ID           0x00    /* 16 bits; 0xffff: nothing there */
#define PCI_DEVICE_ID           0x02
#define PCI_COMMAND             0x04
#define  PCI_COMMAND_IO         0x0001  /* decode I/O BARs */
#define  PCI_COMMAND_MEMORY     0x0002  /* decode memory BARs */
#define  PCI_COMMAND_MASTER     0x0004  /* may start DMA */
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS              0x06
#define  PCI_STATUS_CAP_LIST    0x0010  /* PCI_CAPABILITY_LIST is valid */
#define PCI_CLASS_REVISION      0x08    /* class << 8 | revision */
#define  PCI_CLASS_BRIDGE_HOST  0x0600  /* class and subclass of a host bridge */
#define PCI_HEADER_TYPE         0x0e
#define  PCI_HEADER_TYPE_MASK   0x7f
#define  PCI_HEADER_TYPE_NORMAL 0
#define  PCI_HEADER_TYPE_BRIDGE 1
#define  PCI_HEADER_MULTIFUNC   0x80
#define PCI_BASE_ADDRESS_0      0x10    /* BARs: 6 in a type 0 header, 2 in a bridge */
#define  PCI_BASE_ADDRESS_SPACE_IO      0x01
#define  PCI_BASE_ADDRESS_MEM_TYPE_64   0x04
#define  PCI_BASE_ADDRESS_MEM_PREFETCH  0x08
#define  PCI_BASE_ADDRESS_IO_MASK       (~0x03u)
#define  PCI_BASE_ADDRESS_MEM_MASK      (~0x0fu)
#define PCI_SUBSYSTEM_ID        0x2e
#define PCI_SECONDARY_BUS       0x19    /* type 1 (bridge) header */
#define PCI_CAPABILITY_LIST     0x34

/* Capability IDs, and the MSI-X capability's layout. */
#define PCI_CAP_ID_VNDR         0x09    /* vendor specific (virtio uses it) */
#define PCI_CAP_ID_MSIX         0x11
#define PCI_MSIX_FLAGS          2       /* 16 bits: message control */
#define  PCI_MSIX_FLAGS_QSIZE   0x07ff  /* table size - 1 */
#define  PCI_MSIX_FLAGS_MASKALL 0x4000
#define  PCI_MSIX_FLAGS_ENABLE  0x8000
#define PCI_MSIX_TABLE          4       /* 32 bits: offset | BAR number */
#define  PCI_MSIX_TABLE_BIR     0x7
#define PCI_MSIX_ENTRY_SIZE     16
#define  PCI_MSIX_ENTRY_ADDR_LO 0
#define  PCI_MSIX_ENTRY_ADDR_HI 4
#define  PCI_MSIX_ENTRY_DATA    8
#define  PCI_MSIX_ENTRY_CTRL    12
#define   PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

#define PCI_STD_NUM_BARS        6
#define PCI_MSIX_MAX_VECTORS    8       /* per device; plenty for virtio-blk */

/* x86 MSI: the message address targets a local APIC by ID. */
#define MSI_ADDR_BASE           0xfee00000u
#define MSI_ADDR_DEST_ID_SHIFT  12

/*
 * MMIO accessors for ioremap()ed registers (Linux's readl/writel). Each is
 * one volatile access with a compiler barrier ("memory"), so the compiler
 * neither merges, tears nor moves it across other memory accesses; the
 * mapping is uncached, so the CPU performs UC accesses in program order and
 * after every earlier store to ordinary memory (x86 keeps stores in order).
 */
#define __build_mmio_read(name, type, reg)                              \
static inline type name(const void *addr)                               \
{                                                                       \
	type v;                                                         \
	__asm__ volatile("mov %1, %0" : reg(v)                          \
			 : "m"(*(volatile const type *)addr) : "memory"); \
	return v;                                                       \
}
#define __build_mmio_write(name, type, reg)                             \
static inline void name(type v, void *addr)                             \
{                                                                       \
	__asm__ volatile("mov %0, %1" :: reg(v),                        \
			 "m"(*(volatile type *)addr) : "memory");       \
}
__build_mmio_read(readb, u8, "=q")
__build_mmio_read(readw, u16, "=r")
__build_mmio_read(readl, u32, "=r")
__build_mmio_write(writeb, u8, "q")
__build_mmio_write(writew, u16, "r")
__build_mmio_write(writel, u32, "r")

struct pci_bar {
	u64 start;                      /* (c) bus (= physical) address; 0: unused */
	u64 size;                       /* (c) bytes */
	bool is_io;                     /* (c) an I/O port range, not memory */
	bool is_64;                     /* (c) takes two BAR registers */
	bool prefetchable;              /* (c) */
};

struct pci_driver;

struct pci_dev {
	u8 bus, slot, func;             /* (c) */
	char name[16];                  /* (c) "0000:00:03.0", for messages */
	u16 vendor, device;             /* (c) */
	u16 subsystem_device;           /* (c) */
	u32 class;                      /* (c) class << 16 | subclass << 8 | prog-if */
	u8 revision;                    /* (c) */
	u8 hdr_type;                    /* (c) PCI_HEADER_TYPE_*, multifunction bit dropped */
	struct pci_bar bar[PCI_STD_NUM_BARS]; /* (c) */
	struct list_head list;          /* (c) on the list of all devices */

	const struct pci_driver *driver; /* (d) the driver whose probe claimed it */
	void *driver_data;              /* (d) */

	/* MSI-X, once pci_msix_enable() has run. (d) */
	u16 msix_cap;                   /* config offset of the capability, 0: none */
	u16 msix_nr_entries;            /* table size */
	void *msix_table;               /* ioremap()ed table, NULL while disabled */
	int msix_vector[PCI_MSIX_MAX_VECTORS]; /* CPU vector per entry, -1: none */
};

/* Match on vendor and device; PCI_ANY_ID matches any device ID. */
#define PCI_ANY_ID 0xffff
struct pci_device_id {
	u16 vendor, device;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;   /* ends with a zero vendor */
	/*
	 * Called once for each matching device, in bus order, from
	 * drivers_init(). Returns 0 to claim the device, or a negative errno
	 * (after undoing whatever it set up) to leave it unclaimed; it must
	 * print why. Context: task context, may sleep.
	 */
	int (*probe)(struct pci_dev *dev);
};

/* Configuration space. @where is a byte offset; accesses are naturally
 * aligned. The return value is always 0 (Linux's signature, kept so code
 * reads the same). Context: any. */
int pci_read_config_byte(const struct pci_dev *dev, unsigned int where, u8 *val);
int pci_read_config_word(const struct pci_dev *dev, unsigned int where, u16 *val);
int pci_read_config_dword(const struct pci_dev *dev, unsigned int where, u32 *val);
int pci_write_config_byte(const struct pci_dev *dev, unsigned int where, u8 val);
int pci_write_config_word(const struct pci_dev *dev, unsigned int where, u16 val);
int pci_write_config_dword(const struct pci_dev *dev, unsigned int where, u32 val);

/* Turn on memory and I/O decoding; and bus mastering (DMA). */
void pci_enable_device(struct pci_dev *dev);
void pci_set_master(struct pci_dev *dev);

/* Config offset of the first capability with @cap_id, or 0. The walk is
 * bounded, so a corrupt (looping) list cannot hang the kernel. */
u16 pci_find_capability(const struct pci_dev *dev, u8 cap_id);
/* The next capability with @cap_id after the one at @pos, or 0. */
u16 pci_find_next_capability(const struct pci_dev *dev, u16 pos, u8 cap_id);

/* Map @len bytes at @offset into memory BAR @bar (uncached). Returns NULL
 * if the BAR is not memory, too small, or the mapping fails.
 * Context: may not be called from interrupt handlers. */
void *pci_iomap_range(struct pci_dev *dev, unsigned int bar, u64 offset, u64 len);
void pci_iounmap(void *addr);

/*
 * MSI-X. pci_msix_enable() maps the table, masks every entry and enables
 * MSI-X (which also turns legacy INTx off). pci_msix_request_irq()
 * allocates a CPU vector for table entry @entry, installs @fn on it, points
 * the entry at this CPU's local APIC and unmasks it; pci_msix_free_irq()
 * masks the entry and frees its vector. pci_msix_disable() frees every
 * vector and turns MSI-X off. They return 0 or a negative errno: -ENODEV
 * (no MSI-X capability), -EINVAL (entry out of range), -EBUSY (entry in
 * use), -ENOSPC (no free vector), -ENOMEM. Context: task context (maps
 * memory).
 */
int pci_msix_enable(struct pci_dev *dev);
int pci_msix_request_irq(struct pci_dev *dev, unsigned int entry, irq_handler_t fn,
			 void *data, const char *name);
void pci_msix_free_irq(struct pci_dev *dev, unsigned int entry);
void pci_msix_disable(struct pci_dev *dev);

static inline const char *pci_name(const struct pci_dev *dev)
{
	return dev->name;
}

#endif
