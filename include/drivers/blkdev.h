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
 * Merging (drivers/block.c): while a task holds a plug, its asynchronous
 * requests are held, and at the flush those with the same device and op
 * on adjacent sectors are linked through ->merge_next into one *device
 * request*: the driver receives the first (lowest sector) and moves the
 * whole chain as one command, each blk_request one data segment; when it
 * finishes, every request of the chain gets the command's error and its
 * own end_io, in chain order. A device merges only if its driver set
 * max_segments > 1 (and then handles chains); max_sectors caps a merged
 * command's size.
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
	/* The block layer's, from blkdev_submit until end_io: */
	struct block_device *bdev;      /* where it goes */
	struct list_head queuelist;     /* on the submitter's plug, then on
					 * the driver's waiting list (the
					 * driver's lock) */
	struct blk_request *merge_next; /* the next segment of the same device
					 * request, NULL for the last */
};

struct block_device;

struct block_device_ops {
	/* Start the device request @req (with its ->merge_next chain, if the
	 * device merges). Returns 0 if it was queued (completion follows, for
	 * every request of the chain), or a negative errno if it was refused
	 * at once (then nothing of the chain is signalled). Never sleeps: a
	 * request that finds the device's queue full waits on the driver's
	 * own list, started when a completion frees room, because the block
	 * layer calls this from inside schedule() (a plug flushed as its task
	 * goes to sleep). Context: task context, any task state, no spinlock
	 * held; takes the driver's irqsave locks. */
	int (*submit)(struct block_device *bdev, struct blk_request *req);
};

struct block_device {
	char name[16];                  /* "vda", "vdb", ... */
	u64 nr_sectors;                 /* capacity */
	bool read_only;
	bool has_flush;                 /* the device honours BLK_FLUSH */
	/* Merging limits (constant once registered): how many segments
	 * (requests) one device request may carry, 0 or 1 for a driver
	 * that takes no chains, and how many sectors in all. */
	unsigned int max_segments;
	unsigned int max_sectors;
	/* Statistics (atomic): device requests handed to the driver, and the
	 * blk_requests among them that rode in another's request. */
	unsigned long nr_commands;
	unsigned long nr_merged;
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
 * Under a plug the request may be held (and merged) until the plug is
 * flushed; a request the driver then refuses gets end_io with the error
 * (interrupts off, as from a completion). Context: process context. */
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

/* A plug holding this many requests is flushed at once: bounds how long
 * the first of them waits, and the work of sorting them. */
#define BLK_PLUG_MAX_REQUESTS 128
/* Merged device requests never exceed this (nor the device's limits). */
#define BLK_MAX_MERGE_SECTORS (256 * 1024 / SECTOR_SIZE)

void blk_start_plug(struct blk_plug *plug);
void blk_finish_plug(struct blk_plug *plug);
/* Start every request the current task's plug holds, if any. Never
 * sleeps. Context: process context (also inside schedule(), any task
 * state), no spinlock held. */
void blk_flush_plug(void);
/* Switch merging off (false) or on for the whole kernel, returning the
 * old setting: for the ktests that compare merged and unmerged I/O. */
bool blk_set_merging(bool on);
/* Read the block layer's boot parameters (drivers_init, before the first
 * device registers): blk_merge=0 holds and merges nothing (for
 * before/after figures); blk_plug_sleep_flush=0 stops schedule() from
 * flushing a sleeping task's plug, which is a bug kept switchable only so
 * that the ktest guarding against it can be shown to fail. */
void blk_init(void);
/* A task's plug at schedule() (kernel/sched.c): held requests are
 * started before the task sleeps. */
extern bool blk_plug_sleep_flush;
static inline void blk_schedule_flush_plug(struct blk_plug *plug)
{
	if (plug && plug->count && blk_plug_sleep_flush)
		blk_flush_plug();
}

/* Call @fn for every registered device (for the monitor and boot log). */
void blkdev_for_each(void (*fn)(struct block_device *bdev, void *arg), void *arg);

#endif
