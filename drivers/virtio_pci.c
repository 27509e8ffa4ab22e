/*
 * The virtio PCI transport (modern, virtio 1.x) and split virtqueues.
 *
 * What this file owns:
 *  - struct virtio_pci_device: one per virtio PCI function it claimed.
 *    Everything in it is set during the probe, by one task, and constant
 *    afterwards.
 *  - the rings of each virtqueue and their bookkeeping, under vq->lock
 *    (spin_lock_irqsave: the queue's interrupt handler calls the driver's
 *    callback, which takes it). Nothing else is taken inside vq->lock here;
 *    the driver's callback may complete requests inside it
 *    (vq->lock -> completion wait-queue lock -> run-queue lock).
 *
 * The device is found through PCI vendor capabilities, each naming a BAR,
 * an offset and a length:
 *   COMMON_CFG  feature bits, device status, queue setup (one queue at a
 *               time, chosen with queue_select)
 *   NOTIFY_CFG  where to write a queue's index to kick it
 *   DEVICE_CFG  the device type's own configuration (virtio-blk: capacity)
 *   ISR_CFG     only needed for legacy INTx interrupts; Faultline uses
 *               MSI-X (entry 0: configuration changes, entry 1 + n: queue n),
 *               so it is not mapped.
 *
 * Initialisation follows the spec's order: reset, ACKNOWLEDGE, DRIVER,
 * feature negotiation (VIRTIO_F_VERSION_1 is required), FEATURES_OK (and
 * check the device kept it), queue setup by the driver, DRIVER_OK. A
 * device that does not follow it is refused with a message, never panics.
 *
 * A free descriptor list threads through desc[i].next; a chain taken from
 * it keeps those links, so giving a chain back is just pointing its last
 * descriptor at the old free head (as in Linux's virtio_ring.c).
 */
#include <drivers/pci.h>
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <asm/processor.h>

/* Vendor capability layout (struct virtio_pci_cap) and its types. */
#define VIRTIO_PCI_CAP_CFG_TYPE         3
#define VIRTIO_PCI_CAP_BAR              4
#define VIRTIO_PCI_CAP_OFFSET           8
#define VIRTIO_PCI_CAP_LENGTH           12
#define VIRTIO_PCI_NOTIFY_CAP_MULT      16      /* notify_off_multiplier */
#define VIRTIO_PCI_CAP_COMMON_CFG       1
#define VIRTIO_PCI_CAP_NOTIFY_CFG       2
#define VIRTIO_PCI_CAP_ISR_CFG          3
#define VIRTIO_PCI_CAP_DEVICE_CFG       4

/* The common configuration block (struct virtio_pci_common_cfg). */
#define VIRTIO_PCI_COMMON_DFSELECT      0       /* 32: which half of device_feature */
#define VIRTIO_PCI_COMMON_DF            4       /* 32: device features (read) */
#define VIRTIO_PCI_COMMON_GFSELECT      8       /* 32: which half of driver_feature */
#define VIRTIO_PCI_COMMON_GF            12      /* 32: driver features (write) */
#define VIRTIO_PCI_COMMON_MSIX          16      /* 16: MSI-X entry for config changes */
#define VIRTIO_PCI_COMMON_NUMQ          18      /* 16: number of queues */
#define VIRTIO_PCI_COMMON_STATUS        20      /*  8: device status */
#define VIRTIO_PCI_COMMON_CFGGENERATION 21      /*  8: bumps on config changes */
#define VIRTIO_PCI_COMMON_Q_SELECT      22      /* 16: the queue the fields below mean */
#define VIRTIO_PCI_COMMON_Q_SIZE        24      /* 16: its size (device max; we may lower it) */
#define VIRTIO_PCI_COMMON_Q_MSIX        26      /* 16: its MSI-X entry */
#define VIRTIO_PCI_COMMON_Q_ENABLE      28      /* 16: 1 = live */
#define VIRTIO_PCI_COMMON_Q_NOFF        30      /* 16: its notify offset, in multipliers */
#define VIRTIO_PCI_COMMON_Q_DESCLO      32      /* 64 as 2 x 32: descriptor table */
#define VIRTIO_PCI_COMMON_Q_AVAILLO     40      /* 64 as 2 x 32: available ring ("driver area") */
#define VIRTIO_PCI_COMMON_Q_USEDLO      48      /* 64 as 2 x 32: used ring ("device area") */
#define VIRTIO_PCI_COMMON_LEN           56

#define VP_MAX_VQS              (PCI_MSIX_MAX_VECTORS - 1)
#define VP_CONFIG_MSIX_ENTRY    0
#define VP_RESET_POLLS          1000000
#define VP_CFG_GENERATION_TRIES 100
#define VRING_ALIGN             64      /* keep the device-written used ring on its own cache lines */

struct virtio_pci_device {
	struct virtio_device vdev;      /* (c) what the virtio driver sees */
	struct pci_dev *pci;            /* (c) */
	void *common;                   /* (c) COMMON_CFG mapping */
	void *notify;                   /* (c) NOTIFY_CFG mapping */
	u32 notify_len;                 /* (c) */
	u32 notify_off_multiplier;      /* (c) */
	void *device;                   /* (c) DEVICE_CFG mapping, or NULL */
	u32 device_len;                 /* (c) */
	struct virtqueue *vqs[VP_MAX_VQS]; /* (c) after the probe */
};

/* The virtio drivers, by device type. */
static const struct virtio_driver *const virtio_drivers[] = {
	&virtio_blk_driver,
};

/* Numbers the virtio devices (virtio0, virtio1, ...) in probe order;
 * probes run one at a time from drivers_init(). */
static unsigned int virtio_index;

static struct virtio_pci_device *to_vp(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_pci_device, vdev);
}

static void *vp_common(struct virtio_pci_device *vp, unsigned int offset)
{
	return (u8 *)vp->common + offset;
}

/* A 64-bit register written as two 32-bit halves, low first (the spec
 * allows it; not every device accepts a 64-bit access). */
static void vp_write64(struct virtio_pci_device *vp, unsigned int offset, u64 v)
{
	writel((u32)v, vp_common(vp, offset));
	writel((u32)(v >> 32), vp_common(vp, offset + 4));
}

static void vp_add_status(struct virtio_pci_device *vp, u8 bits)
{
	u8 status = readb(vp_common(vp, VIRTIO_PCI_COMMON_STATUS));

	writeb(status | bits, vp_common(vp, VIRTIO_PCI_COMMON_STATUS));
}

int virtio_reset_device(struct virtio_device *vdev)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	writeb(0, vp_common(vp, VIRTIO_PCI_COMMON_STATUS));
	/* The reset is done when status reads back 0; until then the device
	 * may still be touching the rings. */
	for (int i = 0; i < VP_RESET_POLLS; i++) {
		if (readb(vp_common(vp, VIRTIO_PCI_COMMON_STATUS)) == 0)
			return 0;
		cpu_relax();
	}
	pr_err("virtio-pci %s: device does not finish its reset\n", pci_name(vp->pci));
	return -EIO;
}

void virtio_device_ready(struct virtio_device *vdev)
{
	vp_add_status(to_vp(vdev), VIRTIO_CONFIG_S_DRIVER_OK);
}

/* ---- device configuration ----------------------------------------------- */

static bool vp_config_in_range(struct virtio_pci_device *vp, unsigned int offset, unsigned int size)
{
	if (vp->device && offset + size <= vp->device_len)
		return true;
	pr_err("%s: device config read at %u+%u is outside its %u bytes\n",
	       vp->vdev.name, offset, size, vp->device_len);
	return false;
}

u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset)
{
	struct virtio_pci_device *vp = to_vp(vdev);

	return vp_config_in_range(vp, offset, 1) ? readb((u8 *)vp->device + offset) : 0;
}

/*
 * Read @size bytes (4 or 8) of device config so that the value is not torn:
 * the device bumps config_generation whenever it changes the config, so if
 * the generation is the same before and after, every part came from one
 * version.
 */
static u64 vp_cread_stable(struct virtio_pci_device *vp, unsigned int offset, unsigned int size)
{
	void *gen_reg = vp_common(vp, VIRTIO_PCI_COMMON_CFGGENERATION);
	u8 *p = (u8 *)vp->device + offset;

	if (!vp_config_in_range(vp, offset, size))
		return 0;
	for (int tries = 0; tries < VP_CFG_GENERATION_TRIES; tries++) {
		u8 gen = readb(gen_reg);
		u64 v = readl(p);

		if (size == 8)
			v |= (u64)readl(p + 4) << 32;
		if (readb(gen_reg) == gen)
			return v;
	}
	pr_warn("%s: device config keeps changing; using a possibly torn value\n", vp->vdev.name);
	return size == 8 ? readl(p) | (u64)readl(p + 4) << 32 : readl(p);
}

u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset)
{
	return (u32)vp_cread_stable(to_vp(vdev), offset, 4);
}

u64 virtio_cread64(struct virtio_device *vdev, unsigned int offset)
{
	return vp_cread_stable(to_vp(vdev), offset, 8);
}

/* ---- split virtqueues ----------------------------------------------------- */

int virtqueue_add_bufs_locked(struct virtqueue *vq, const struct vring_buf *bufs,
			      unsigned int nr_out, unsigned int nr_in, void *token)
{
	unsigned int total = nr_out + nr_in;
	u16 head, i, last = 0;

	ASSERT_HELD(&vq->lock);
	ASSERT(total > 0 && token);
	if (vq->broken)
		return -EIO;
	if (total > vq->num)
		return -EINVAL;                 /* would never fit: waiting cannot help */
	if (total > vq->num_free)
		return -ENOSPC;

	head = i = vq->free_head;
	for (unsigned int n = 0; n < total; n++) {
		struct vring_desc *d = &vq->desc[i];

		d->addr = bufs[n].addr;
		d->len = bufs[n].len;
		d->flags = (n >= nr_out ? VRING_DESC_F_WRITE : 0) |
			   (n + 1 < total ? VRING_DESC_F_NEXT : 0);
		last = i;
		i = d->next;                    /* the free list's order is the chain's */
	}
	vq->free_head = vq->desc[last].next;
	vq->num_free -= total;
	vq->tokens[head] = token;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq->avail_idx++;
	/* The descriptors and the ring entry must be visible before the
	 * index that hands them to the device. */
	vring_store_release(&vq->avail->idx, vq->avail_idx);
	return 0;
}

int virtqueue_add_indirect_locked(struct virtqueue *vq, struct vring_desc *table,
				  const struct vring_buf *bufs, unsigned int nr_out,
				  unsigned int nr_in, void *token)
{
	unsigned int total = nr_out + nr_in;
	struct vring_desc *d;
	u16 head;

	ASSERT_HELD(&vq->lock);
	ASSERT(total > 0 && total <= 0xffff && token);
	ASSERT(virtio_has_feature(vq->vdev, VIRTIO_RING_F_INDIRECT_DESC));
	if (vq->broken)
		return -EIO;
	if (!vq->num_free)
		return -ENOSPC;
	/* The table is the chain: the device follows ->next inside it. */
	for (unsigned int n = 0; n < total; n++) {
		table[n].addr = bufs[n].addr;
		table[n].len = bufs[n].len;
		table[n].flags = (n >= nr_out ? VRING_DESC_F_WRITE : 0) |
				 (n + 1 < total ? VRING_DESC_F_NEXT : 0);
		table[n].next = (u16)(n + 1 < total ? n + 1 : 0);
	}
	head = vq->free_head;
	d = &vq->desc[head];
	vq->free_head = d->next;
	vq->num_free--;
	d->addr = __pa(table);
	d->len = total * sizeof(*table);
	d->flags = VRING_DESC_F_INDIRECT;       /* no NEXT: one ring descriptor */
	vq->tokens[head] = token;

	vq->avail->ring[vq->avail_idx & (vq->num - 1)] = head;
	vq->avail_idx++;
	/* The table, the descriptor and the ring entry before the index that
	 * hands them to the device (as in virtqueue_add_bufs_locked). */
	vring_store_release(&vq->avail->idx, vq->avail_idx);
	return 0;
}

void virtqueue_kick_locked(struct virtqueue *vq)
{
	ASSERT_HELD(&vq->lock);
	/* Store avail->idx, then load used->flags: see virtio_mb() in virtio.h. */
	virtio_mb();
	if (!(READ_ONCE(vq->used->flags) & VRING_USED_F_NO_NOTIFY))
		writew((u16)vq->index, vq->notify_addr);
}

/* Give the chain starting at @head back to the free list. */
static void vring_detach_chain(struct virtqueue *vq, u16 head)
{
	unsigned int n = 1;
	u16 i = head;

	while ((vq->desc[i].flags & VRING_DESC_F_NEXT) && n < vq->num) {
		i = vq->desc[i].next;
		n++;
	}
	vq->desc[i].next = vq->free_head;
	vq->free_head = head;
	vq->num_free += n;
	vq->tokens[head] = NULL;
}

static void vring_mark_broken(struct virtqueue *vq, const char *why, u32 value)
{
	pr_err("%s: %s (%u); queue %s stops\n", vq->vdev->name, why, value, vq->name);
	vq->broken = true;
}

void *virtqueue_get_buf_locked(struct virtqueue *vq, u32 *len)
{
	struct vring_used_elem *e;
	void *token;
	u16 used_idx;
	u32 id;

	ASSERT_HELD(&vq->lock);
	if (vq->broken)
		return NULL;
	/* Acquire: the entry (and the data the device wrote) is read only
	 * after the index that says it is there. */
	used_idx = vring_load_acquire(&vq->used->idx);
	if (vq->last_used_idx == used_idx)
		return NULL;
	if ((u16)(used_idx - vq->last_used_idx) > vq->num) {
		vring_mark_broken(vq, "used index ran ahead of the ring", used_idx);
		return NULL;
	}
	e = &vq->used->ring[vq->last_used_idx & (vq->num - 1)];
	id = READ_ONCE(e->id);
	if (id >= vq->num || !vq->tokens[id]) {
		vring_mark_broken(vq, "device returned a chain it was not given", id);
		return NULL;
	}
	*len = READ_ONCE(e->len);
	token = vq->tokens[id];
	vring_detach_chain(vq, (u16)id);
	vq->last_used_idx++;
	return token;
}

void *virtqueue_detach_unused_buf_locked(struct virtqueue *vq)
{
	ASSERT_HELD(&vq->lock);
	for (unsigned int i = 0; i < vq->num; i++) {
		void *token = vq->tokens[i];

		if (token) {
			vring_detach_chain(vq, (u16)i);
			return token;
		}
	}
	return NULL;
}

static unsigned int vring_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* Allocate and lay out the three rings of @vq (vq->num set). */
static int vring_alloc(struct virtqueue *vq)
{
	size_t avail_off = sizeof(struct vring_desc) * vq->num;
	size_t used_off = ALIGN_UP(avail_off + sizeof(struct vring_avail) + 2 * vq->num + 2,
				   VRING_ALIGN);
	size_t size = used_off + sizeof(struct vring_used) +
		      sizeof(struct vring_used_elem) * vq->num + 2;
	struct page *pages;
	u8 *mem;

	vq->ring_order = vring_order(size);
	if (vq->ring_order > MAX_ORDER)
		return -ENOMEM;
	pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, vq->ring_order);
	vq->tokens = kzalloc(sizeof(void *) * vq->num, GFP_KERNEL);
	if (!pages || !vq->tokens) {
		if (pages)
			__free_pages(pages, vq->ring_order);
		kfree(vq->tokens);
		return -ENOMEM;
	}
	mem = page_address(pages);
	vq->ring_mem = mem;
	vq->desc = (struct vring_desc *)mem;
	vq->avail = (struct vring_avail *)(mem + avail_off);
	vq->used = (struct vring_used *)(mem + used_off);
	for (unsigned int i = 0; i + 1 < vq->num; i++)
		vq->desc[i].next = (u16)(i + 1);
	vq->free_head = 0;
	vq->num_free = vq->num;
	return 0;
}

static void vring_free(struct virtqueue *vq)
{
	__free_pages(virt_to_page(vq->ring_mem), vq->ring_order);
	kfree(vq->tokens);
	kfree(vq);
}

static void vp_vring_interrupt(struct pt_regs *regs, void *data)
{
	struct virtqueue *vq = data;

	vq->callback(vq);
}

static void vp_config_interrupt(struct pt_regs *regs, void *data)
{
	struct virtio_pci_device *vp = data;

	if (vp->vdev.driver->config_changed)
		vp->vdev.driver->config_changed(&vp->vdev);
}

/* Point queue @vq (selected) at its rings, its MSI-X entry and its notify
 * address. Returns 0 or -EIO if the device refuses. */
static int vp_program_queue(struct virtio_pci_device *vp, struct virtqueue *vq, u16 msix_entry)
{
	u32 notify_off;

	writew(msix_entry, vp_common(vp, VIRTIO_PCI_COMMON_Q_MSIX));
	if (readw(vp_common(vp, VIRTIO_PCI_COMMON_Q_MSIX)) != msix_entry) {
		pr_err("%s: device refused MSI-X entry %u for queue %u\n",
		       vp->vdev.name, msix_entry, vq->index);
		return -EIO;
	}
	notify_off = readw(vp_common(vp, VIRTIO_PCI_COMMON_Q_NOFF)) * vp->notify_off_multiplier;
	if (notify_off + 2 > vp->notify_len) {
		pr_err("%s: queue %u's notify address is outside the notify area\n",
		       vp->vdev.name, vq->index);
		return -EIO;
	}
	vq->notify_addr = (u8 *)vp->notify + notify_off;
	writew((u16)vq->num, vp_common(vp, VIRTIO_PCI_COMMON_Q_SIZE));
	vp_write64(vp, VIRTIO_PCI_COMMON_Q_DESCLO, __pa(vq->desc));
	vp_write64(vp, VIRTIO_PCI_COMMON_Q_AVAILLO, __pa(vq->avail));
	vp_write64(vp, VIRTIO_PCI_COMMON_Q_USEDLO, __pa(vq->used));
	writew(1, vp_common(vp, VIRTIO_PCI_COMMON_Q_ENABLE));
	return 0;
}

/* The largest power of two <= min(@device_max, @max_num). */
static unsigned int vring_pick_size(unsigned int device_max, unsigned int max_num)
{
	unsigned int limit = min(device_max, max_num), num = 1;

	while (num * 2 <= limit)
		num *= 2;
	return num;
}

int virtio_find_vq(struct virtio_device *vdev, unsigned int index, unsigned int max_num,
		   void (*callback)(struct virtqueue *vq), const char *name,
		   struct virtqueue **vqp)
{
	struct virtio_pci_device *vp = to_vp(vdev);
	u16 msix_entry = (u16)(1 + index), device_max;
	struct virtqueue *vq;
	int err;

	if (index >= VP_MAX_VQS || index >= readw(vp_common(vp, VIRTIO_PCI_COMMON_NUMQ)))
		return -ENOENT;
	writew((u16)index, vp_common(vp, VIRTIO_PCI_COMMON_Q_SELECT));
	device_max = readw(vp_common(vp, VIRTIO_PCI_COMMON_Q_SIZE));
	if (device_max == 0)
		return -ENOENT;
	if (readw(vp_common(vp, VIRTIO_PCI_COMMON_Q_ENABLE))) {
		pr_err("%s: queue %u is live right after a reset\n", vdev->name, index);
		return -EIO;
	}
	vq = kzalloc(sizeof(*vq), GFP_KERNEL);
	if (!vq)
		return -ENOMEM;
	*vq = (struct virtqueue){ .vdev = vdev, .index = index, .name = name,
				  .callback = callback,
				  .num = vring_pick_size(device_max, max_num) };
	spin_lock_init(&vq->lock, name);
	err = vring_alloc(vq);
	if (err)
		goto out_free_vq;
	err = pci_msix_request_irq(vp->pci, msix_entry, vp_vring_interrupt, vq, name);
	if (err)
		goto out_free_ring;
	err = vp_program_queue(vp, vq, msix_entry);
	if (err)
		goto out_free_irq;
	vp->vqs[index] = vq;
	*vqp = vq;
	return 0;

out_free_irq:
	pci_msix_free_irq(vp->pci, msix_entry);
out_free_ring:
	vring_free(vq);
	return err;
out_free_vq:
	kfree(vq);
	return err;
}

/* Free every queue. The device must have been reset first, or it could
 * still write into the freed rings. */
static void vp_del_vqs(struct virtio_pci_device *vp)
{
	for (unsigned int i = 0; i < VP_MAX_VQS; i++) {
		if (vp->vqs[i]) {
			vring_free(vp->vqs[i]);
			vp->vqs[i] = NULL;
		}
	}
}

/* ---- the PCI side: capabilities, features, interrupts, probe --------------- */

/* Map the region a virtio capability at @pos describes; NULL on failure. */
static void *vp_map_cap(struct virtio_pci_device *vp, u16 pos, u32 min_len, u32 *len)
{
	u8 bar;
	u32 offset, length;
	void *p;

	pci_read_config_byte(vp->pci, pos + VIRTIO_PCI_CAP_BAR, &bar);
	pci_read_config_dword(vp->pci, pos + VIRTIO_PCI_CAP_OFFSET, &offset);
	pci_read_config_dword(vp->pci, pos + VIRTIO_PCI_CAP_LENGTH, &length);
	if (length < min_len) {
		pr_err("virtio-pci %s: capability at %#x is too short (%u < %u)\n",
		       pci_name(vp->pci), pos, length, min_len);
		return NULL;
	}
	p = pci_iomap_range(vp->pci, bar, offset, length);
	if (p && len)
		*len = length;
	return p;
}

static void vp_unmap(struct virtio_pci_device *vp)
{
	pci_iounmap(vp->common);
	pci_iounmap(vp->notify);
	pci_iounmap(vp->device);
}

/* Map the first COMMON, NOTIFY and DEVICE capabilities (the spec says to
 * use the first of each type one understands). */
static int vp_map_capabilities(struct virtio_pci_device *vp)
{
	unsigned int ttl = 48;
	u16 pos;

	for (pos = pci_find_capability(vp->pci, PCI_CAP_ID_VNDR); pos && ttl--;
	     pos = pci_find_next_capability(vp->pci, pos, PCI_CAP_ID_VNDR)) {
		u8 type;

		pci_read_config_byte(vp->pci, pos + VIRTIO_PCI_CAP_CFG_TYPE, &type);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !vp->common) {
			vp->common = vp_map_cap(vp, pos, VIRTIO_PCI_COMMON_LEN, NULL);
		} else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !vp->notify) {
			pci_read_config_dword(vp->pci, pos + VIRTIO_PCI_NOTIFY_CAP_MULT,
					      &vp->notify_off_multiplier);
			vp->notify = vp_map_cap(vp, pos, 2, &vp->notify_len);
		} else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !vp->device) {
			vp->device = vp_map_cap(vp, pos, 1, &vp->device_len);
		}
	}
	if (vp->common && vp->notify)
		return 0;
	pr_err("virtio-pci %s: no usable virtio 1.x interface (a legacy-only device?); "
	       "not supported\n", pci_name(vp->pci));
	vp_unmap(vp);
	return -ENODEV;
}

static u64 vp_get_features(struct virtio_pci_device *vp)
{
	u64 f;

	writel(0, vp_common(vp, VIRTIO_PCI_COMMON_DFSELECT));
	f = readl(vp_common(vp, VIRTIO_PCI_COMMON_DF));
	writel(1, vp_common(vp, VIRTIO_PCI_COMMON_DFSELECT));
	return f | (u64)readl(vp_common(vp, VIRTIO_PCI_COMMON_DF)) << 32;
}

static void vp_set_features(struct virtio_pci_device *vp, u64 f)
{
	writel(0, vp_common(vp, VIRTIO_PCI_COMMON_GFSELECT));
	writel((u32)f, vp_common(vp, VIRTIO_PCI_COMMON_GF));
	writel(1, vp_common(vp, VIRTIO_PCI_COMMON_GFSELECT));
	writel((u32)(f >> 32), vp_common(vp, VIRTIO_PCI_COMMON_GF));
}

/* Accept the features both sides know; the device then confirms
 * (FEATURES_OK stays set) or rejects the combination. */
static int vp_negotiate_features(struct virtio_pci_device *vp)
{
	u64 offered = vp_get_features(vp);
	u64 wanted = vp->vdev.driver->features | 1ULL << VIRTIO_F_VERSION_1;

	if (!(offered & 1ULL << VIRTIO_F_VERSION_1)) {
		pr_err("%s: device does not offer VIRTIO_F_VERSION_1; not supported\n",
		       vp->vdev.name);
		return -ENODEV;
	}
	vp->vdev.features = offered & wanted;
	vp_set_features(vp, vp->vdev.features);
	vp_add_status(vp, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(readb(vp_common(vp, VIRTIO_PCI_COMMON_STATUS)) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		pr_err("%s: device rejected features %#llx\n", vp->vdev.name,
		       (unsigned long long)vp->vdev.features);
		return -EIO;
	}
	return 0;
}

/* MSI-X on, entry 0 for configuration-change interrupts. */
static int vp_setup_config_irq(struct virtio_pci_device *vp)
{
	int err = pci_msix_enable(vp->pci);

	if (err) {
		pr_err("%s: MSI-X unavailable (%d); legacy interrupts are not supported\n",
		       vp->vdev.name, err);
		return err;
	}
	err = pci_msix_request_irq(vp->pci, VP_CONFIG_MSIX_ENTRY, vp_config_interrupt, vp,
				   vp->vdev.name);
	if (err)
		return err;
	writew(VP_CONFIG_MSIX_ENTRY, vp_common(vp, VIRTIO_PCI_COMMON_MSIX));
	if (readw(vp_common(vp, VIRTIO_PCI_COMMON_MSIX)) != VP_CONFIG_MSIX_ENTRY) {
		pr_err("%s: device refused the config MSI-X entry\n", vp->vdev.name);
		return -EIO;
	}
	return 0;
}

/* The virtio device type of a virtio PCI function, or -1 if it is none. */
static int vp_device_type(const struct pci_dev *pci)
{
	if (pci->device >= 0x1040 && pci->device <= 0x107f)
		return pci->device - 0x1040;    /* modern: the type is in the ID */
	if (pci->device >= 0x1000 && pci->device <= 0x103f)
		return pci->subsystem_device;   /* transitional: in the subsystem ID */
	return -1;
}

static const struct virtio_driver *virtio_find_driver(u32 type)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(virtio_drivers); i++)
		if (virtio_drivers[i]->device_id == type)
			return virtio_drivers[i];
	return NULL;
}

/* Bring the device from reset to FEATURES_OK with its config interrupt. */
static int vp_init_device(struct virtio_pci_device *vp)
{
	int err = virtio_reset_device(&vp->vdev);

	if (err)
		return err;
	vp_add_status(vp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vp_add_status(vp, VIRTIO_CONFIG_S_DRIVER);
	err = vp_negotiate_features(vp);
	if (err)
		return err;
	return vp_setup_config_irq(vp);
}

static int vp_probe(struct pci_dev *pci)
{
	int type = vp_device_type(pci);
	const struct virtio_driver *drv = type < 0 ? NULL : virtio_find_driver((u32)type);
	struct virtio_pci_device *vp;
	int err;

	if (!drv) {
		if (type >= 0)
			pr_info("virtio-pci %s: no driver for virtio device type %d\n",
				pci_name(pci), type);
		return -ENODEV;
	}
	vp = kzalloc(sizeof(*vp), GFP_KERNEL);
	if (!vp)
		return -ENOMEM;
	vp->pci = pci;
	vp->vdev.id = (u32)type;
	vp->vdev.driver = drv;
	snprintf(vp->vdev.name, sizeof(vp->vdev.name), "virtio%u", virtio_index++);
	pci_enable_device(pci);
	pci_set_master(pci);            /* DMA to the rings, and MSI-X messages */

	err = vp_map_capabilities(vp);
	if (err)
		goto out_free;
	err = vp_init_device(vp);
	if (err)
		goto out_disable_msix;
	err = drv->probe(&vp->vdev);
	if (err)
		goto out_reset;
	pci->driver_data = vp;
	return 0;

out_reset:
	/* Stop the device before its rings are freed; if it will not stop,
	 * leaking the rings is the only safe choice. */
	if (virtio_reset_device(&vp->vdev) == 0)
		vp_del_vqs(vp);
out_disable_msix:
	pci_msix_disable(pci);
	vp_add_status(vp, VIRTIO_CONFIG_S_FAILED);
	vp_unmap(vp);
out_free:
	kfree(vp);
	return err;
}

static const struct pci_device_id virtio_pci_ids[] = {
	{ 0x1af4, PCI_ANY_ID },         /* Red Hat / virtio; vp_probe checks the range */
	{ 0, 0 },
};

const struct pci_driver virtio_pci_driver = {
	.name = "virtio-pci",
	.id_table = virtio_pci_ids,
	.probe = vp_probe,
};
