/*
 * virtio 1.x: devices, split virtqueues, and the virtio drivers.
 *
 * A virtio device is a paravirtual device that QEMU offers over PCI. The
 * driver and the device share memory: each virtqueue is three rings in
 * guest RAM, which the driver and the device each write one part of:
 *
 *   descriptor table  (driver writes)  buffers: guest-physical address,
 *                                      length, "device writes here",
 *                                      "chained to descriptor next"
 *   available ring    (driver writes)  heads of chains the device may use
 *   used ring         (device writes)  heads of chains it has finished,
 *                                      and how many bytes it wrote
 *
 * A request is one chain of descriptors; the driver puts its head on the
 * available ring, bumps avail->idx and "kicks" (notifies) the device; the
 * device processes it, puts the head on the used ring, bumps used->idx and
 * raises the queue's MSI-X interrupt. Several chains may be in flight at
 * once, and the device may finish them in any order.
 *
 * Layering (as in Linux): drivers/virtio_pci.c is the PCI *transport*: it
 * claims virtio PCI functions, finds the modern (1.x) register blocks
 * through vendor capabilities, negotiates features, sets up MSI-X and the
 * rings, and hands the device to the virtio *driver* for its device type
 * (drivers/virtio_blk.c for VIRTIO_ID_BLOCK). Only the modern interface is
 * supported: a legacy-only (0.9) device is refused.
 *
 * Locking: one spinlock per virtqueue (vq->lock), taken with
 * spin_lock_irqsave because the queue's interrupt handler takes it too.
 * Every virtqueue_*_locked() function asserts that it is held. The device
 * is the other party to the rings and takes no lock: the memory barriers
 * below order our accesses against its accesses.
 *
 * Field legend: (c) constant after setup, (q) vq->lock, (d) written by the
 * device, read by us under vq->lock.
 */
#ifndef _DRIVERS_VIRTIO_H
#define _DRIVERS_VIRTIO_H

#include <kernel/spinlock.h>
#include <kernel/types.h>
#include <drivers/pci.h>

/* Device types (the PCI device ID is 0x1040 + type for modern devices). */
#define VIRTIO_ID_NET           1
#define VIRTIO_ID_BLOCK         2

/* Device status bits: the driver's progress through initialisation. */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE     0x01    /* we saw the device */
#define VIRTIO_CONFIG_S_DRIVER          0x02    /* we know how to drive it */
#define VIRTIO_CONFIG_S_DRIVER_OK       0x04    /* set up: the device may go live */
#define VIRTIO_CONFIG_S_FEATURES_OK     0x08    /* feature negotiation done */
#define VIRTIO_CONFIG_S_NEEDS_RESET     0x40    /* the device gave up */
#define VIRTIO_CONFIG_S_FAILED          0x80    /* the driver gave up */

/* Transport-independent feature bits. */
#define VIRTIO_RING_F_INDIRECT_DESC 28  /* a descriptor may point at a table of descriptors */
#define VIRTIO_F_VERSION_1      32      /* a 1.x (modern) device: little-endian, no legacy */

/* ---- the split virtqueue layout (virtio 1.x, 2.6) ------------------------ */

#define VRING_DESC_F_NEXT       1       /* the chain continues at ->next */
#define VRING_DESC_F_WRITE      2       /* the device writes this buffer (else reads it) */
#define VRING_DESC_F_INDIRECT   4       /* the buffer is a table of descriptors (a whole chain) */
#define VRING_USED_F_NO_NOTIFY  1       /* device: "don't kick me, I am polling" */
#define VIRTIO_MSI_NO_VECTOR    0xffff

struct vring_desc {
	u64 addr;                       /* guest-physical */
	u32 len;
	u16 flags;                      /* VRING_DESC_F_* */
	u16 next;                       /* with F_NEXT; on our free list, the next free */
};

struct vring_avail {
	u16 flags;
	u16 idx;                        /* where the next head goes (mod num), free-running */
	u16 ring[];
};

struct vring_used_elem {
	u32 id;                         /* head of the finished chain */
	u32 len;                        /* bytes the device wrote into it */
};

struct vring_used {
	u16 flags;                      /* VRING_USED_F_* */
	u16 idx;                        /* free-running, like avail->idx */
	struct vring_used_elem ring[];
};

/*
 * Barriers for the rings, and what each is for. x86 is strongly ordered
 * for write-back memory: loads are not reordered with loads, stores not
 * with stores, and a store is not moved ahead of an earlier load. Only a
 * load may pass an earlier store (to another address). So:
 *
 *  - vring_store_release(): publish avail->idx only after the descriptors
 *    and the avail->ring entry it covers (the spec's "write memory
 *    barrier before updating idx"). On x86 this is a compiler barrier.
 *  - vring_load_acquire(): read used->idx before the used->ring entries
 *    and the data it covers (the spec's "read barrier after reading idx").
 *    On x86 this is a compiler barrier.
 *  - virtio_mb(): between publishing avail->idx and reading used->flags
 *    to decide whether to kick. That is store-then-load, the one order x86
 *    does not keep, so this is a real fence (GCC emits "lock or $0,(%rsp)",
 *    which orders like mfence). Without it we could read a stale
 *    NO_NOTIFY while the device has meanwhile stopped polling without
 *    seeing our new idx, and the request would sit there forever.
 */
#define vring_store_release(p, v)   __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define vring_load_acquire(p)       __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define virtio_mb()                 __atomic_thread_fence(__ATOMIC_SEQ_CST)

struct virtio_device;

struct virtqueue {
	struct virtio_device *vdev;     /* (c) */
	unsigned int index;             /* (c) queue number on the device */
	unsigned int num;               /* (c) ring size, a power of two */
	const char *name;               /* (c) */
	/* Called from the queue's interrupt handler (interrupts disabled,
	 * vq->lock not held): collect the finished chains. (c) */
	void (*callback)(struct virtqueue *vq);
	void *priv;                     /* (c) the virtio driver's */

	spinlock_t lock;
	struct vring_desc *desc;        /* (q) */
	struct vring_avail *avail;      /* (q) */
	struct vring_used *used;        /* (d) */
	u16 free_head;                  /* (q) first free descriptor; free ones chain by ->next */
	unsigned int num_free;          /* (q) free descriptors; read unlocked only as a hint */
	u16 avail_idx;                  /* (q) our copy of avail->idx (we are its only writer) */
	u16 last_used_idx;              /* (q) next used->ring entry to consume */
	bool broken;                    /* (q) the device misbehaved: refuse everything */
	void **tokens;                  /* (q) per chain head: the caller's token, NULL if free */

	void *notify_addr;              /* (c) write the queue index here to kick */
	void *ring_mem;                 /* (c) direct-map address of the three rings */
	unsigned int ring_order;        /* (c) alloc_pages() order of ring_mem */
};

/* One buffer of a chain: guest-physical address and length. */
struct vring_buf {
	phys_addr_t addr;
	u32 len;
};

struct virtio_driver;

struct virtio_device {
	char name[16];                  /* (c) "virtio0", ... */
	u32 id;                         /* (c) device type, VIRTIO_ID_* */
	u64 features;                   /* (c) negotiated feature bits */
	const struct virtio_driver *driver; /* (c) */
	void *priv;                     /* (c) the virtio driver's, set in its probe */
};

struct virtio_driver {
	const char *name;
	u32 device_id;                  /* VIRTIO_ID_* it drives */
	u64 features;                   /* feature bits it understands (VERSION_1 is implied) */
	/*
	 * Called with the features negotiated (FEATURES_OK set). Sets up its
	 * queues with virtio_find_vq(), then calls virtio_device_ready().
	 * Returns 0, or a negative errno after undoing what it set up (the
	 * transport then resets the device and frees the queues).
	 * Context: task context, may sleep.
	 */
	int (*probe)(struct virtio_device *vdev);
	/* The device changed its configuration (e.g. disk resized). Optional.
	 * Context: interrupt handler. */
	void (*config_changed)(struct virtio_device *vdev);
};

/* The PCI transport's driver, for drivers/pci.c's table. */
extern const struct pci_driver virtio_pci_driver;
/* The virtio drivers, for the transport's table. */
extern const struct virtio_driver virtio_blk_driver;

static inline bool virtio_has_feature(const struct virtio_device *vdev, unsigned int bit)
{
	return vdev->features & (1ULL << bit);
}

/* Read the device-specific configuration at byte @offset. A multi-byte
 * field is read again until the device's config generation is unchanged
 * across the read, so it is never torn by a concurrent update. */
u8 virtio_cread8(struct virtio_device *vdev, unsigned int offset);
u32 virtio_cread32(struct virtio_device *vdev, unsigned int offset);
u64 virtio_cread64(struct virtio_device *vdev, unsigned int offset);

/*
 * Set up queue @index with at most @max_num entries (fewer if the device
 * offers fewer), its own MSI-X vector, and @callback for its interrupt.
 * Returns 0 and *vqp, or -ENOENT (no such queue), -ENOMEM, -ENOSPC (no
 * interrupt vector), -EIO (the device refused a setting).
 * Context: task context, before virtio_device_ready().
 */
int virtio_find_vq(struct virtio_device *vdev, unsigned int index, unsigned int max_num,
		   void (*callback)(struct virtqueue *vq), const char *name,
		   struct virtqueue **vqp);
/* Tell the device the driver is ready (DRIVER_OK): queues go live. */
void virtio_device_ready(struct virtio_device *vdev);
/* Reset the device: it forgets its queues and stops reading or writing
 * our memory. Used when a queue broke, before its buffers are taken back.
 * Returns 0, or -EIO if the device never finished resetting. Context: any
 * (a bounded poll of a device register; takes no lock). */
int virtio_reset_device(struct virtio_device *vdev);

/*
 * Add a chain: @nr_out buffers the device reads, then @nr_in buffers it
 * writes. @token (not NULL) comes back from virtqueue_get_buf_locked()
 * when the device is done with the chain. Returns 0, -ENOSPC if fewer than
 * nr_out + nr_in descriptors are free, -EINVAL if the chain is longer than
 * the whole ring, -EIO if the queue is broken.
 * Context: vq->lock held (any context); does not notify the device.
 */
int virtqueue_add_bufs_locked(struct virtqueue *vq, const struct vring_buf *bufs,
			      unsigned int nr_out, unsigned int nr_in, void *token);
/*
 * The same chain through one ring descriptor (VIRTIO_RING_F_INDIRECT_DESC
 * negotiated): the buffers are written into @table, the caller's
 * preallocated array of at least nr_out + nr_in descriptors in memory the
 * device reaches by DMA, which must stay untouched until the token comes
 * back. A long chain thus takes one slot of the ring. Returns 0, -ENOSPC
 * (no free descriptor) or -EIO (broken queue).
 * Context: vq->lock held (any context); does not notify the device.
 */
int virtqueue_add_indirect_locked(struct virtqueue *vq, struct vring_desc *table,
				  const struct vring_buf *bufs, unsigned int nr_out,
				  unsigned int nr_in, void *token);
/* Notify the device of new chains, unless it asked not to be. vq->lock held. */
void virtqueue_kick_locked(struct virtqueue *vq);
/* The token of the next finished chain (its descriptors are freed), or
 * NULL if none; *len gets the bytes the device wrote. A malformed used
 * entry breaks the queue. vq->lock held. */
void *virtqueue_get_buf_locked(struct virtqueue *vq, u32 *len);
/* For a broken queue: take back one chain the device never finished and
 * return its token, or NULL when none is left. vq->lock held. */
void *virtqueue_detach_unused_buf_locked(struct virtqueue *vq);

/* Unlocked reads, for wait_event() conditions (rechecked under the lock). */
static inline unsigned int virtqueue_num_free(const struct virtqueue *vq)
{
	return READ_ONCE(vq->num_free);
}

static inline bool virtqueue_is_broken(const struct virtqueue *vq)
{
	return READ_ONCE(vq->broken);
}

#endif
