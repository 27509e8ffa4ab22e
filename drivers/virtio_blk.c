/*
 * virtio-blk: a virtio block device as a struct block_device (vda, vdb, ...).
 *
 * One device request is one chain on the device's single virtqueue:
 *
 *   [ header: type, sector ]  device reads    16 bytes
 *   [ data segment 1       ]  device reads (write) or writes (read)
 *   [ ...                  ]  one per blk_request merged into the command
 *   [ data segment N       ]  (physically adjacent ones coalesced); none
 *                             for a flush
 *   [ status byte          ]  device writes   VIRTIO_BLK_S_OK / _IOERR / _UNSUPP
 *
 * The block layer (drivers/block.c) merges the requests a plug held into
 * one command: the blk_request handed to ->submit heads a ->merge_next
 * chain of requests on adjacent sectors, each one segment here. With
 * VIRTIO_RING_F_INDIRECT_DESC (QEMU offers it) the chain is written into
 * an indirect table and takes one slot of the ring, so the ring's size is
 * the number of commands in flight; without it the chain takes 2 + N ring
 * descriptors and the segments are capped so a command still fits. The
 * device's VIRTIO_BLK_F_SEG_MAX caps the segments too.
 *
 * Everything a command needs besides the callers' buffers lives in a
 * struct virtblk_req made at probe time, one per ring descriptor (so never
 * fewer than the commands the ring can hold): header, status, and its
 * indirect table, all in kmalloc memory (the direct map, which the device
 * reaches by DMA); the scratch list of segments is one per disk, used
 * under the queue lock. Nothing is allocated per request: reclaim writes
 * pages out through here, and an allocation could wait for reclaim or
 * fail just when memory is short.
 *
 * ->submit never sleeps (the block layer calls it from inside schedule(),
 * flushing a plug): it puts the chain on the ring and kicks the device, or,
 * when the ring is full, appends the command to vblk->waiting. The
 * queue's MSI-X interrupt runs virtblk_done(), which takes every finished
 * chain off the used ring, turns the status byte into the error of every
 * blk_request of the command and calls each one's end_io (the asynchronous
 * path, blkdev_submit) or complete(&req->done) (blkdev_submit_wait), then
 * starts waiting commands on the room it freed. So many commands are in
 * flight, and they may finish in any order; waiting ones start in order.
 *
 * Locking: vq->lock (irqsave) covers the ring, the pool's free list, the
 * waiting list, the scratch segments and every virtblk_req on the ring;
 * virtblk_done() finishes requests inside it (vq->lock -> whatever end_io
 * takes: wait-queue locks, the slab's lock for kfree; -> the completion's
 * wait-queue lock). end_io runs in interrupt context and must not sleep.
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
#define VIRTIO_BLK_F_SEG_MAX    2       /* seg_max in the configuration is valid */
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

/* Device configuration: the capacity (in 512-byte sectors, whatever the
 * device's block size) and the most data segments one request may have. */
#define VIRTIO_BLK_CFG_CAPACITY 0
#define VIRTIO_BLK_CFG_SEG_MAX  12

#define VIRTBLK_QUEUE_SIZE      64      /* ring descriptors: 64 indirect commands in flight */
#define VIRTBLK_MAX_DISKS       26      /* vda .. vdz */
#define VIRTBLK_MAX_SEGS        62      /* data segments per command: a table of 64 is 1 KiB */
#define VIRTBLK_MAX_CHAIN       (VIRTBLK_MAX_SEGS + 2)  /* with the header and status */
#define VIRTBLK_MIN_CHAIN       3       /* header, one segment, status */

struct virtio_blk_outhdr {
	u32 type;                       /* VIRTIO_BLK_T_* */
	u32 ioprio;                     /* "reserved" in the 1.x spec; 0 */
	u64 sector;                     /* first 512-byte sector (0 for a flush) */
};

/* What one command needs besides the callers' buffers. */
struct virtblk_req {
	struct virtio_blk_outhdr hdr;   /* (q) read by the device */
	u8 status;                      /* (q) written by the device */
	struct blk_request *req;        /* (q) the command's first request (its chain follows) */
	struct virtblk_req *next_free;  /* (q) on the pool's free list */
	struct vring_desc *table;       /* (c) indirect table, VIRTBLK_MAX_CHAIN entries
					 * (NULL without indirect descriptors) */
};

struct virtio_blk {
	struct virtio_device *vdev;     /* (c) */
	struct virtqueue *vq;           /* (c) */
	struct block_device bdev;       /* (c) once registered */
	bool indirect;                  /* (c) chains go through indirect tables */
	unsigned int max_segs;          /* (c) data segments one command may carry */
	struct list_head waiting;       /* (q) commands (chain heads) the ring had no room
					 * for, by ->queuelist, oldest first */
	struct virtblk_req *pool;       /* (c) vq->num of them */
	struct vring_desc *tables;      /* (c) their indirect tables, one allocation */
	struct virtblk_req *free_vbr;   /* (q) the pool's free list */
	struct vring_buf segs[VIRTBLK_MAX_CHAIN]; /* (q) scratch: the chain being added */
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

/* Sectors of the command @head heads (its whole chain). */
static unsigned int virtblk_sectors(const struct blk_request *head)
{
	unsigned int n = 0;

	for (; head; head = head->merge_next)
		n += head->nr_sectors;
	return n;
}

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
	       what, vbr->status, (unsigned long long)req->sector, virtblk_sectors(req),
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

/* Finish one command: every request of its chain gets @error and its
 * end_io (the asynchronous path) or its waiter. Either may free the
 * request at once, so the next one is read first. @vbr is the command's
 * pool entry, NULL for one that never reached the ring. vq->lock held
 * (interrupt context, or a submitter failing the queue). */
static void virtblk_finish(struct virtio_blk *vblk, struct blk_request *req,
			   struct virtblk_req *vbr, int error)
{
	if (vbr)
		virtblk_put_vbr_locked(vblk, vbr);
	while (req) {
		struct blk_request *next = req->merge_next;

		req->error = error;
		if (req->end_io)
			req->end_io(req);
		else
			complete(&req->done);
		req = next;
	}
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
	while (!list_empty(&vblk->waiting)) {
		struct blk_request *req = list_first_entry(&vblk->waiting, struct blk_request,
							   queuelist);

		list_del(&req->queuelist);
		virtblk_finish(vblk, req, NULL, -EIO);
	}
}

static int virtblk_queue_locked(struct virtio_blk *vblk, struct blk_request *req);

/* Start waiting commands, oldest first, while the ring has room; true if
 * any went on it (the device needs a kick). vq->lock held. */
static bool virtblk_start_waiting_locked(struct virtio_blk *vblk)
{
	bool added = false;

	ASSERT_HELD(&vblk->vq->lock);
	while (!list_empty(&vblk->waiting)) {
		struct blk_request *req = list_first_entry(&vblk->waiting, struct blk_request,
							   queuelist);
		int err = virtblk_queue_locked(vblk, req);

		if (err == -ENOSPC)
			break;
		list_del(&req->queuelist);
		if (err)
			virtblk_finish(vblk, req, NULL, err);   /* ->submit said 0 */
		else
			added = true;
	}
	return added;
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
	else if (virtblk_start_waiting_locked(vblk))
		virtqueue_kick_locked(vq);
	spin_unlock_irqrestore(&vq->lock, flags);
}

/* ---- submission (task context) ------------------------------------------ */

/*
 * Lay out @req's command in vblk->segs: header, one segment per request
 * of the chain (a segment physically adjacent to the one before extends
 * it), status. Returns how many the device reads; *nr_in gets how many it
 * writes. vq->lock held (segs is shared).
 */
static unsigned int virtblk_build_chain(struct virtio_blk *vblk, struct virtblk_req *vbr,
					const struct blk_request *req, unsigned int *nr_in)
{
	struct vring_buf *segs = vblk->segs;
	unsigned int n = 1;

	segs[0] = (struct vring_buf){ __pa(&vbr->hdr), sizeof(vbr->hdr) };
	if (req->op != BLK_FLUSH) {
		for (const struct blk_request *r = req; r; r = r->merge_next) {
			phys_addr_t pa = __pa(r->buf);
			u32 len = r->nr_sectors * SECTOR_SIZE;
			struct vring_buf *last = &segs[n - 1];

			if (n > 1 && last->addr + last->len == pa && last->len <= 0xffffffffu - len)
				last->len += len;
			else
				segs[n++] = (struct vring_buf){ pa, len };
		}
	}
	segs[n++] = (struct vring_buf){ __pa(&vbr->status), 1 };
	if (req->op == BLK_READ) {
		*nr_in = n - 1;                 /* every segment and the status */
		return 1;
	}
	*nr_in = 1;
	return n - 1;
}

/*
 * What the driver itself must refuse, for callers that reach ->submit
 * without blkdev_submit_wait()'s checks: anything the device cannot even
 * be asked (a length beyond the descriptor's 32 bits, a buffer with no
 * physical address) and anything this disk does not do. The device itself
 * answers a request past its end with an I/O error.
 */
static int virtblk_check_one(struct virtio_blk *vblk, const struct blk_request *req)
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

/* The checks for every request of the chain @req heads: the same op, on
 * adjacent sectors, at most max_segs of them, and no flush in a chain. */
static int virtblk_check(struct virtio_blk *vblk, const struct blk_request *req)
{
	unsigned int segs = 0;

	for (const struct blk_request *r = req; r; r = r->merge_next) {
		int err = virtblk_check_one(vblk, r);

		if (err)
			return err;
		if (++segs > vblk->max_segs || (r != req && (r->op != req->op || r->op == BLK_FLUSH)))
			return -EINVAL;
		if (r->merge_next && r->sector + r->nr_sectors != r->merge_next->sector)
			return -EINVAL;
	}
	return 0;
}

/*
 * Take a pool entry and put @req's command on the ring, if the ring has
 * room. Returns 0, -ENOSPC (full: try again after a completion) or -EIO
 * (broken queue). vq->lock held.
 */
static int virtblk_queue_locked(struct virtio_blk *vblk, struct blk_request *req)
{
	struct virtblk_req *vbr = vblk->free_vbr;
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
	nr_out = virtblk_build_chain(vblk, vbr, req, &nr_in);
	if (vblk->indirect)
		err = virtqueue_add_indirect_locked(vblk->vq, vbr->table, vblk->segs, nr_out,
						    nr_in, vbr);
	else
		err = virtqueue_add_bufs_locked(vblk->vq, vblk->segs, nr_out, nr_in, vbr);
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
	unsigned long flags;
	int err;

	err = virtblk_check(vblk, req);
	if (err)
		return err;
	flags = spin_lock_irqsave(&vq->lock);
	/* Behind commands already waiting, so they start in order. */
	err = list_empty(&vblk->waiting) ? virtblk_queue_locked(vblk, req) : -ENOSPC;
	if (err == -ENOSPC) {
		/* Full: virtblk_done() starts it once a command finishes (one
		 * is in flight, or the ring would not be full). */
		list_add_tail(&req->queuelist, &vblk->waiting);
		err = 0;
	} else if (err == 0) {
		virtqueue_kick_locked(vq);
	}
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

	pr_info("virtio_blk %s: [%s] %llu 512-byte logical blocks (%llu MiB)%s%s, "
		"%u segments per request%s\n",
		vblk->vdev->name, vblk->bdev.name, (unsigned long long)n,
		(unsigned long long)(n >> (20 - SECTOR_SHIFT)),
		vblk->bdev.read_only ? ", read-only" : "",
		vblk->bdev.has_flush ? ", write cache with flush" : "",
		vblk->max_segs, vblk->indirect ? " (indirect)" : "");
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
	INIT_LIST_HEAD(&vblk->waiting);

	err = virtio_find_vq(vdev, 0, VIRTBLK_QUEUE_SIZE, virtblk_done, vblk->bdev.name,
			     &vblk->vq);
	if (err)
		goto out_free;          /* the transport frees any queue it made */
	if (vblk->vq->num < VIRTBLK_MIN_CHAIN) {
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
	/* Segments: what the device takes (seg_max), what a table holds,
	 * and without indirect tables what fits the ring beside the header
	 * and status. */
	vblk->indirect = virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC);
	vblk->max_segs = VIRTBLK_MAX_SEGS;
	if (!vblk->indirect && vblk->vq->num - 2 < vblk->max_segs)
		vblk->max_segs = vblk->vq->num - 2;
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_SEG_MAX)) {
		u32 seg_max = virtio_cread32(vdev, VIRTIO_BLK_CFG_SEG_MAX);

		if (seg_max && seg_max < vblk->max_segs)
			vblk->max_segs = seg_max;
	}
	if (vblk->indirect) {
		vblk->tables = kzalloc(vblk->vq->num * VIRTBLK_MAX_CHAIN * sizeof(struct vring_desc),
				       GFP_KERNEL);
		if (!vblk->tables) {
			err = -ENOMEM;
			goto out_free;
		}
	}
	for (unsigned int i = 0; i < vblk->vq->num; i++) {
		if (vblk->tables)
			vblk->pool[i].table = vblk->tables + i * VIRTBLK_MAX_CHAIN;
		vblk->pool[i].next_free = vblk->free_vbr;
		vblk->free_vbr = &vblk->pool[i];
	}
	vblk->vq->priv = vblk;
	vdev->priv = vblk;
	vblk->bdev.nr_sectors = virtio_cread64(vdev, VIRTIO_BLK_CFG_CAPACITY);
	vblk->bdev.read_only = virtio_has_feature(vdev, VIRTIO_BLK_F_RO);
	vblk->bdev.has_flush = virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH);
	vblk->bdev.max_segments = vblk->max_segs;
	vblk->bdev.max_sectors = BLK_MAX_MERGE_SECTORS;
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
	kfree(vblk->tables);
	kfree(vblk->pool);
	kfree(vblk);
	return err;
}

const struct virtio_driver virtio_blk_driver = {
	.name = "virtio_blk",
	.device_id = VIRTIO_ID_BLOCK,
	.features = 1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_FLUSH |
		    1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_RING_F_INDIRECT_DESC,
	.probe = virtblk_probe,
	.config_changed = virtblk_config_changed,
};
