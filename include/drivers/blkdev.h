/*
 * Block devices: disks addressed in 512-byte sectors.
 *
 * A driver registers a struct block_device whose ->submit starts a request
 * and returns at once; when the device finishes, the driver sets
 * req->error (0 or -EIO) and calls complete(&req->done), typically from its
 * interrupt handler. Several requests may be in flight at once.
 *
 * blkdev_rw() is the synchronous wrapper most callers use: submit, sleep
 * until done, return the error.
 *
 * Buffers must be physically contiguous kernel memory (the direct map:
 * kmalloc, alloc_pages), because the device reads and writes them by DMA
 * at __pa(buf). vmalloc memory is not allowed.
 */
#ifndef _DRIVERS_BLKDEV_H
#define _DRIVERS_BLKDEV_H

#include <kernel/types.h>
#include <kernel/list.h>
#include <kernel/wait.h>

#define SECTOR_SIZE 512
#define SECTOR_SHIFT 9

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH,                      /* make earlier completed writes durable */
};

struct blk_request {
	enum blk_op op;
	u64 sector;                     /* first sector */
	unsigned int nr_sectors;        /* 0 for BLK_FLUSH */
	void *buf;                      /* direct-map address, nr_sectors * 512 bytes */
	int error;                      /* set by the driver before complete() */
	struct completion done;         /* init_completion() before ->submit */
	/* If set, the driver calls end_io(req) instead of complete(&done),
	 * in interrupt context, once req->error is set: the asynchronous
	 * path (blkdev_submit). end_io may free req; it must not sleep. */
	void (*end_io)(struct blk_request *req);
	void *private;                  /* end_io's own */
};

struct block_device;

struct block_device_ops {
	/* Start @req. Returns 0 if it was queued (completion follows), or a
	 * negative errno if it was refused at once (then done is not signalled).
	 * Context: may sleep (waiting for a free queue slot). */
	int (*submit)(struct block_device *bdev, struct blk_request *req);
};

struct block_device {
	char name[16];                  /* "vda", "vdb", ... */
	u64 nr_sectors;                 /* capacity */
	bool read_only;
	bool has_flush;                 /* the device honours BLK_FLUSH */
	const struct block_device_ops *ops;
	void *private;                  /* the driver's */
	struct list_head list;          /* (blkdev list lock) */
};

int blkdev_register(struct block_device *bdev);
/* Look a registered device up by name; NULL if none. */
struct block_device *blkdev_get(const char *name);
/* Submit @req and wait for it. Returns 0, -EIO, or -EINVAL for a request
 * past the end of the device or -EROFS for a write to a read-only one. */
int blkdev_submit_wait(struct block_device *bdev, struct blk_request *req);
/* Start @req and return without waiting: req->end_io (required) runs in
 * interrupt context when it finishes, with req->error set. Returns 0, or
 * the errno of a request refused at once (end_io is then not called).
 * Context: may sleep for a free queue slot. */
int blkdev_submit(struct block_device *bdev, struct blk_request *req);
/* Read or write @nr_sectors at @sector; returns 0 or a negative errno. */
int blkdev_rw(struct block_device *bdev, enum blk_op op, u64 sector, void *buf,
	      unsigned int nr_sectors);
int blkdev_flush(struct block_device *bdev);
/*
 * Plugging: between blk_start_plug() and blk_finish_plug() a task's
 * asynchronous requests (blkdev_submit) may be held back and merged with
 * their neighbours on the disk (same device, same op, adjacent sectors)
 * into one device request, so that a run of pages written or read ahead
 * one by one reaches the disk as a few large requests. Every held request
 * is started by blk_finish_plug() at the latest, and also whenever the
 * task is about to sleep (a task must never wait for I/O its own plug
 * still holds). A plug lives on the caller's stack; plugs do not nest
 * (an inner blk_start_plug while one is active does nothing, and its
 * blk_finish_plug leaves the outer one alone). Synchronous requests
 * (blkdev_submit_wait, blkdev_rw) are never held.
 * Context: process context, may sleep.
 */
struct blk_plug {
	struct list_head list;          /* held requests, in submission order (owner only) */
	unsigned int count;             /* entries on @list */
};

void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);
/* Start every request the current task's plug holds, if any. */
void blk_flush_plug(void);

/* Call @fn for every registered device (for the monitor and boot log). */
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg);

#endif
