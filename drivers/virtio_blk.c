/*
 * virtio-blk: a virtio block device as a struct block_device (vda, vdb, ...).
 *
 * One request is one descriptor chain on the device's single virtqueue:
 *
 *   [ header: type, sector ]  device reads    16 bytes
 *   [ data                 ]  device reads (write) or writes (read); none for a flush
 *   [ status byte          ]  device writes   VIRTIO_BLK_S_OK / _IOERR / _UNSUPP
 *
 * The header and status live in a struct virtblk_req taken from a pool
 * made at probe time, one per descriptor of the ring (so never fewer than
 * the chains the ring can hold), in kmalloc memory (the direct map, which
 * the device reaches by DMA); the data is the caller's buffer. Nothing is
 * allocated per request: reclaim writes pages out through here, and an
 * allocation could wait for reclaim or fail just when memory is short.
 * ->submit puts the chain on the ring, kicks the device and returns; the
 * queue's MSI-X interrupt runs virtblk_done(), which takes every finished
 * chain off the used ring, turns the status byte into req->error and calls
 * req->end_io (the asynchronous path, blkdev_submit) or complete(&req->done)
 * (blkdev_submit_wait). So many requests can be in flight, and they may
 * finish in any order.
 *
 * When the ring has too few free descriptors (or, which cannot happen
 * while the pool matches the ring, no free virtblk_req), ->submit sleeps
 * on vblk->slot_wait; virtblk_done() wakes it after freeing descriptors.
 *
 * Locking: vq->lock (irqsave) covers the ring, the pool's free list and
 * every virtblk_req on the ring; virtblk_done() finishes requests inside
 * it (vq->lock -> whatever end_io takes: wait-queue locks, the slab's
 * lock for kfree; -> the completion's wait-queue lock). end_io runs in
 * interrupt context and must not sleep. slot_wait's own lock is taken with
 * vq->lock dropped.
 *
 * Field legend: (c) constant after the probe; (q) vq->lock.
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <drivers/virtio.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <asm/page.h>

/* Feature bits (virtio 1.x, 5.2.3). */
#define VIRTIO_BLK_F_RO         5       /* the disk is read-only */
#define VIRTIO_BLK_F_FLUSH      9       /* a volatile write cache: flush commands exist */

/* Request types and status values (5.2.6). */
#define VIRTIO_BLK_T_IN         0       /* read */
#define VIRTIO_BLK_T_OUT        1       /* write */
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_S_OK         0
#define VIRTIO_BLK_S_IOERR      1
#define VIRTIO_BLK_S_UNSUPP     2
#define VIRTBLK_STATUS_PENDING  0xff    /* not a device value: "never written" */

/* Device configuration: only the capacity is used (in 512-byte sectors,
 * whatever the device's block size). */
#define VIRTIO_BLK_CFG_CAPACITY 0

#define VIRTBLK_QUEUE_SIZE      64      /* descriptors: 21 three-part requests in flight */
#define VIRTBLK_MAX_DISKS       26      /* vda .. vdz */
#define VIRTBLK_MAX_CHAIN       3       /* descriptors per request: header, data, status */

struct virtio_blk_outhdr {
	u32 type;                       /* VIRTIO_BLK_T_* */
	u32 ioprio;                     /* "reserved" in the 1.x spec; 0 */
	u64 sector;                     /* first 512-byte sector (0 for a flush) */
};

/* What one request needs besides the caller's buffer. */
struct virtblk_req {
	struct virtio_blk_outhdr hdr;   /* (q) read by the device */
	u8 status;                      /* (q) written by the device */
	struct blk_request *req;        /* (q) the request this serves */
	struct virtblk_req *next_free;  /* (q) on the pool's free list */
};

struct virtio_blk {
	struct virtio_device *vdev;     /* (c) */
	struct virtqueue *vq;           /* (c) */
	struct block_device bdev;       /* (c) once registered */
	struct wait_queue_head slot_wait; /* (its own lock) tasks waiting for free descriptors */
	struct virtblk_req *pool;       /* (c) vq->num of them */
	struct virtblk_req *free_vbr;   /* (q) the pool's free list */
};

/* Disk names are handed out in probe order, i.e. PCI order. A failed
 * probe does not give its name back, so a disk that fails to set up does
 * not shift the names of the disks after it. Probes run one at a time
 * (drivers_init), so no lock. */
static unsigned int virtblk_next_index;

static const char *const blk_op_names[] = {
	[BLK_READ] = "READ", [BLK_WRITE] = "WRITE", [BLK_FLUSH] = "FLUSH",
};

/* ---- completion (interrupt context) ------------------------------------- */

/* The errno for a finished request; complains about every failure. */
static int virtblk_result(struct virtio_blk *vblk, const struct virtblk_req *vbr)
{
	const struct blk_request *req = vbr->req;
	const char *what;

	switch (vbr->status) {
	case VIRTIO_BLK_S_OK:
		return 0;
	case VIRTIO_BLK_S_IOERR:
		what = "I/O error";
		break;
	case VIRTIO_BLK_S_UNSUPP:
		what = "request not supported";
		break;
	default:
		what = "bad status from device";
		break;
	}
	pr_err("%s: %s (status %u), sector %llu, %u sectors, op %s\n", vblk->bdev.name,
	       what, vbr->status, (unsigned long long)req->sector, req->nr_sectors,
	       blk_op_names[req->op]);
	return -EIO;
}

/* Give @vbr back to the pool. vq->lock held. */
static void virtblk_put_vbr_locked(struct virtio_blk *vblk, struct virtblk_req *vbr)
{
	ASSERT_HELD(&vblk->vq->lock);
	vbr->req = NULL;
	vbr->next_free = vblk->free_vbr;
	vblk->free_vbr = vbr;
}

/* Finish one request: its end_io (the asynchronous path) or its waiter.
 * Either may free @req at once, so it is not touched again. vq->lock held
 * (interrupt context, or a submitter failing the queue). */
static void virtblk_finish(struct virtio_blk *vblk, struct blk_request *req,
			   struct virtblk_req *vbr, int error)
{
	virtblk_put_vbr_locked(vblk, vbr);
	req->error = error;
	if (req->end_io)
		req->end_io(req);
	else
		complete(&req->done);
}

/*
 * The device broke the ring protocol. Reset it, so it stops touching our
 * memory, then fail every request still on the ring: without this their
 * tasks would sleep forever. vq->lock held.
 */
static void virtblk_fail_all_locked(struct virtio_blk *vblk)
{
	struct virtblk_req *vbr;

	virtio_reset_device(vblk->vdev);
	while ((vbr = virtqueue_detach_unused_buf_locked(vblk->vq)))
		virtblk_finish(vblk, vbr->req, vbr, -EIO);
}

/* The queue's interrupt handler (interrupts disabled). */
static void virtblk_done(struct virtqueue *vq)
{
	struct virtio_blk *vblk = vq->priv;
	struct virtblk_req *vbr;
	unsigned long flags;
	u32 len;

	flags = spin_lock_irqsave(&vq->lock);
	while ((vbr = virtqueue_get_buf_locked(vq, &len)))
		virtblk_finish(vblk, vbr->req, vbr, virtblk_result(vblk, vbr));
	if (virtqueue_is_broken(vq))
		virtblk_fail_all_locked(vblk);
	spin_unlock_irqrestore(&vq->lock, flags);
	/* Descriptors were freed (or the queue broke): let submitters retry. */
	wake_up(&vblk->slot_wait);
}

/* ---- submission (task context) ------------------------------------------ */

/* Fill @bufs with the chain of @req served by @vbr; returns how many the
 * device reads (*nr_in gets how many it writes). */
static unsigned int virtblk_build_chain(struct virtblk_req *vbr, const struct blk_request *req,
					struct vring_buf bufs[VIRTBLK_MAX_CHAIN],
					unsigned int *nr_in)
{
	struct vring_buf data = { __pa(req->buf), req->nr_sectors * SECTOR_SIZE };
	struct vring_buf status = { __pa(&vbr->status), 1 };

	bufs[0] = (struct vring_buf){ __pa(&vbr->hdr), sizeof(vbr->hdr) };
	switch (req->op) {
	case BLK_WRITE:
		bufs[1] = data;
		bufs[2] = status;
		*nr_in = 1;
		return 2;
	case BLK_READ:
		bufs[1] = data;
		bufs[2] = status;
		*nr_in = 2;
		return 1;
	default:                        /* BLK_FLUSH: no data */
		bufs[1] = status;
		*nr_in = 1;
		return 1;
	}
}

/*
 * What the driver itself must refuse, for callers that reach ->submit
 * without blkdev_submit_wait()'s checks: anything the device cannot even
 * be asked (a length beyond the descriptor's 32 bits, a buffer with no
 * physical address) and anything this disk does not do. The device itself
 * answers a request past its end with an I/O error.
 */
static int virtblk_check(struct virtio_blk *vblk, const struct blk_request *req)
{
	unsigned long buf = (unsigned long)req->buf;

	if (req->op == BLK_FLUSH)
		return vblk->bdev.has_flush && req->nr_sectors == 0 ? 0 : -EINVAL;
	if (req->op != BLK_READ && req->op != BLK_WRITE)
		return -EINVAL;
	if (req->op == BLK_WRITE && vblk->bdev.read_only)
		return -EROFS;
	if (req->nr_sectors == 0 || req->nr_sectors > (0xffffffffu >> SECTOR_SHIFT))
		return -EINVAL;
	if (!(buf >= PAGE_OFFSET && buf < VMALLOC_START) && buf < KERNEL_VMA)
		return -EINVAL;
	return 0;
}

/* Descriptors @req's chain takes: header, data (none for a flush), status. */
static unsigned int virtblk_chain_len(const struct blk_request *req)
{
	return req->op == BLK_FLUSH ? 2 : 3;
}

/*
 * Take a pool entry and queue @req's chain, if the ring has room.
 * Returns 0, -ENOSPC (full: wait and retry) or -EIO (broken queue).
 * vq->lock held.
 */
static int virtblk_queue_locked(struct virtio_blk *vblk, struct blk_request *req)
{
	struct virtblk_req *vbr = vblk->free_vbr;
	struct vring_buf bufs[VIRTBLK_MAX_CHAIN];
	unsigned int nr_out, nr_in;
	int err;

	ASSERT_HELD(&vblk->vq->lock);
	if (!vbr)
		return virtqueue_is_broken(vblk->vq) ? -EIO : -ENOSPC;
	vbr->hdr = (struct virtio_blk_outhdr){
		.type = req->op == BLK_READ ? VIRTIO_BLK_T_IN :
			req->op == BLK_WRITE ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_FLUSH,
		.sector = req->op == BLK_FLUSH ? 0 : req->sector,
	};
	vbr->status = VIRTBLK_STATUS_PENDING;
	vbr->req = req;
	nr_out = virtblk_build_chain(vbr, req, bufs, &nr_in);
	err = virtqueue_add_bufs_locked(vblk->vq, bufs, nr_out, nr_in, vbr);
	if (err) {
		vbr->req = NULL;        /* still on the free list: not taken */
		return err;
	}
	vblk->free_vbr = vbr->next_free;
	return 0;
}

static int virtblk_submit(struct block_device *bdev, struct blk_request *req)
{
	struct virtio_blk *vblk = bdev->private;
	struct virtqueue *vq = vblk->vq;
	unsigned int need = virtblk_chain_len(req);
	unsigned long flags;
	int err;

	err = virtblk_check(vblk, req);
	if (err)
		return err;
	for (;;) {
		flags = spin_lock_irqsave(&vq->lock);
		err = virtblk_queue_locked(vblk, req);
		if (err != -ENOSPC)
			break;
		spin_unlock_irqrestore(&vq->lock, flags);
		/* Full: sleep until virtblk_done() frees descriptors, then
		 * retry under the lock (another task may have taken them). */
		wait_event(vblk->slot_wait, (virtqueue_num_free(vq) >= need &&
					     READ_ONCE(vblk->free_vbr)) ||
					    virtqueue_is_broken(vq));
	}
	if (err == 0)
		virtqueue_kick_locked(vq);
	spin_unlock_irqrestore(&vq->lock, flags);
	return err;
}

static const struct block_device_ops virtblk_ops = {
	.submit = virtblk_submit,
};

/* ---- probe ---------------------------------------------------------------- */

static void virtblk_config_changed(struct virtio_device *vdev)
{
	struct virtio_blk *vblk = vdev->priv;

	/* A resize would need the block layer to learn the new size safely
	 * against requests in flight; just report it. */
	pr_notice("%s: device configuration changed (capacity now %llu sectors)\n",
		  vblk->bdev.name,
		  (unsigned long long)virtio_cread64(vdev, VIRTIO_BLK_CFG_CAPACITY));
}

static void virtblk_print(const struct virtio_blk *vblk)
{
	u64 n = vblk->bdev.nr_sectors;

	pr_info("virtio_blk %s: [%s] %llu 512-byte logical blocks (%llu MiB)%s%s\n",
		vblk->vdev->name, vblk->bdev.name, (unsigned long long)n,
		(unsigned long long)(n >> (20 - SECTOR_SHIFT)),
		vblk->bdev.read_only ? ", read-only" : "",
		vblk->bdev.has_flush ? ", write cache with flush" : "");
}

static int virtblk_probe(struct virtio_device *vdev)
{
	unsigned int index = virtblk_next_index++;
	struct virtio_blk *vblk;
	int err;

	if (index >= VIRTBLK_MAX_DISKS)
		return -ENOSPC;
	vblk = kzalloc(sizeof(*vblk), GFP_KERNEL);
	if (!vblk)
		return -ENOMEM;
	vblk->vdev = vdev;
	snprintf(vblk->bdev.name, sizeof(vblk->bdev.name), "vd%c", 'a' + index);
	init_waitqueue_head(&vblk->slot_wait, "virtblk slot_wait");

	err = virtio_find_vq(vdev, 0, VIRTBLK_QUEUE_SIZE, virtblk_done, vblk->bdev.name,
			     &vblk->vq);
	if (err)
		goto out_free;          /* the transport frees any queue it made */
	if (vblk->vq->num < VIRTBLK_MAX_CHAIN) {
		pr_err("%s: %s: queue of %u descriptors cannot hold a request\n",
		       vdev->name, vblk->bdev.name, vblk->vq->num);
		err = -EIO;
		goto out_free;
	}
	/* One header per descriptor: a chain takes at least two, so the
	 * pool outlasts the ring and ->submit never allocates. */
	vblk->pool = kzalloc(vblk->vq->num * sizeof(*vblk->pool), GFP_KERNEL);
	if (!vblk->pool) {
		err = -ENOMEM;
		goto out_free;
	}
	for (unsigned int i = 0; i < vblk->vq->num; i++) {
		vblk->pool[i].next_free = vblk->free_vbr;
		vblk->free_vbr = &vblk->pool[i];
	}
	vblk->vq->priv = vblk;
	vdev->priv = vblk;
	vblk->bdev.nr_sectors = virtio_cread64(vdev, VIRTIO_BLK_CFG_CAPACITY);
	vblk->bdev.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vblk->bdev.has_flush = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	vblk->bdev.ops = &virtblk_ops;
	vblk->bdev.private = vblk;
	virtio_device_ready(vdev);

	err = blkdev_register(&vblk->bdev);
	if (err)
		goto out_free;
	virtblk_print(vblk);
	return 0;

out_free:
	vdev->priv = NULL;
	kfree(vblk->pool);
	kfree(vblk);
	return err;
}

const struct virtio_driver virtio_blk_driver = {
	.name = "virtio_blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_FLUSH,
	.probe = virtblk_probe,
	.config_changed = virtblk_config_changed,
};
