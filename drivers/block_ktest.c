/*
 * ktests for plugging and merging (drivers/block.c, include/drivers/blkdev.h).
 *
 * Most use "kt-rec", a fake disk whose ->submit records each device
 * request it is handed (its first request, segments, sectors) and keeps
 * it until the test finishes it (rec_release), calling every end_io of the
 * chain with interrupts off and the CPU marked as in an interrupt handler,
 * as virtio-blk's completion does. It takes chains of at most 8 requests
 * and 64 sectors, so the caps are easy to reach. The others run on the
 * real scratch disk vdb (tools/qemu.py gives every boot an 8 MiB one),
 * through virtio-blk's indirect descriptor tables and its interrupt.
 */
#include <kernel/types.h>          /* first: blkdev.h's list.h needs it */
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/wait.h>
#include <mm/slab.h>
#include <asm/percpu.h>
#include <asm/processor.h>

/* ---- the recording disk --------------------------------------------------------- */

#define REC_MAX 16

static struct rec_state {
	spinlock_t lock;
	struct blk_request *head[REC_MAX];      /* (lock) device requests, in order handed */
	unsigned int segs[REC_MAX];             /* (lock) requests in each chain */
	unsigned int sectors[REC_MAX];          /* (lock) sectors in each chain */
	unsigned int nr;                        /* (lock) handed and not finished */
	unsigned int first;                     /* (lock) first one not finished */
} rec;

static int rec_submit(struct block_device *bdev, struct blk_request *req)
{
	unsigned long flags = spin_lock_irqsave(&rec.lock);
	unsigned int i = rec.first + rec.nr;
	int err = 0;

	if (i >= REC_MAX) {
		err = -EIO;                     /* the test went wrong: refuse */
	} else {
		rec.head[i] = req;
		rec.segs[i] = rec.sectors[i] = 0;
		for (struct blk_request *r = req; r; r = r->merge_next) {
			rec.segs[i]++;
			rec.sectors[i] += r->nr_sectors;
		}
		rec.nr++;
	}
	spin_unlock_irqrestore(&rec.lock, flags);
	return err;
}

static const struct block_device_ops rec_ops = { .submit = rec_submit };
static struct block_device rec_bdev = {
	.name = "kt-rec", .nr_sectors = 1 << 16, .ops = &rec_ops,
	.max_segments = 8, .max_sectors = 64,
};

static void rec_reset(void)
{
	spin_lock_init(&rec.lock, "kt rec.lock");
	rec.nr = rec.first = 0;
}

static unsigned int rec_handed(void)
{
	unsigned long flags = spin_lock_irqsave(&rec.lock);
	unsigned int n = rec.first + rec.nr;

	spin_unlock_irqrestore(&rec.lock, flags);
	return n;
}

/* Finish every device request handed so far with @error, as an interrupt
 * handler would: every request of each chain, in chain order. */
static void rec_release(int error)
{
	unsigned long flags = spin_lock_irqsave(&rec.lock);

	this_cpu()->irq_depth++;
	for (; rec.nr; rec.nr--, rec.first++) {
		struct blk_request *r = rec.head[rec.first];

		while (r) {
			struct blk_request *next = r->merge_next;

			r->error = error;
			r->end_io(r);
			r = next;
		}
	}
	this_cpu()->irq_depth--;
	spin_unlock_irqrestore(&rec.lock, flags);
}

/* ---- requests whose end_io counts ------------------------------------------------ */

#define NREQ 16

static struct kt_req {
	struct blk_request req;
	int calls;                              /* atomic: end_io runs */
	int error;                              /* the error end_io saw */
} kreq[NREQ];

static DECLARE_WAIT_QUEUE_HEAD(kt_end_wait);
static int kt_ended;                            /* atomic: end_io runs, all requests */

static void kt_end_io(struct blk_request *req)
{
	struct kt_req *k = req->private;

	k->error = req->error;
	__atomic_add_fetch(&k->calls, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&kt_ended, 1, __ATOMIC_SEQ_CST);
	wake_up(&kt_end_wait);
}

static u8 kt_buf[NREQ][16 * SECTOR_SIZE] __attribute__((aligned(SECTOR_SIZE)));

static void kt_prep(unsigned int i, enum blk_op op, u64 sector, unsigned int nr_sectors)
{
	kreq[i] = (struct kt_req){ .req = { .op = op, .sector = sector, .nr_sectors = nr_sectors,
					    .buf = kt_buf[i], .end_io = kt_end_io,
					    .private = &kreq[i] } };
}

static int kt_ended_count(void)
{
	return __atomic_load_n(&kt_ended, __ATOMIC_SEQ_CST);
}

/* ---- the tests -------------------------------------------------------------------- */

/*
 * Held while the plug is, then merged at blk_finish_plug: adjacent writes
 * (submitted out of order) become one device request in sector order; a
 * write after a gap and a read next to the writes stay apart. Every
 * end_io then runs exactly once, with the request's error.
 */
KTEST(blkplug_adjacent_merge_each_end_io_once)
{
	struct blk_plug plug;
	struct blk_request *h;

	rec_reset();
	kt_ended = 0;
	kt_prep(0, BLK_WRITE, 108, 8);
	kt_prep(1, BLK_WRITE, 100, 8);
	kt_prep(2, BLK_WRITE, 116, 8);
	kt_prep(3, BLK_WRITE, 200, 8);          /* a gap: alone */
	kt_prep(4, BLK_READ, 124, 8);           /* adjacent, but a read: alone */
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < 5; i++)
		KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[i].req), 0);
	KT_EXPECT_EQ(rec_handed(), 0);         /* all held */
	blk_finish_plug(&plug);
	KT_EXPECT(current->plug == NULL);
	KT_ASSERT_EQ(rec_handed(), 3);
	/* Sorted by op, then sector: the read, the merged writes, the gap. */
	KT_EXPECT(rec.head[0] == &kreq[4].req && rec.segs[0] == 1);
	h = rec.head[1];
	KT_EXPECT(h == &kreq[1].req && rec.segs[1] == 3 && rec.sectors[1] == 24);
	KT_EXPECT(h->merge_next == &kreq[0].req && h->merge_next->merge_next == &kreq[2].req);
	KT_EXPECT(kreq[2].req.merge_next == NULL);
	KT_EXPECT(rec.head[2] == &kreq[3].req && rec.segs[2] == 1);
	KT_EXPECT_EQ(kt_ended_count(), 0);
	rec_release(0);
	for (unsigned int i = 0; i < 5; i++) {
		KT_EXPECT_EQ(kreq[i].calls, 1);
		KT_EXPECT_EQ(kreq[i].error, 0);
	}
	KT_EXPECT_EQ(kt_ended_count(), 5);
}

/* The merged request's error reaches every request merged into it, and
 * no end_io runs twice. */
KTEST(blkplug_error_reaches_every_request)
{
	struct blk_plug plug;

	rec_reset();
	kt_ended = 0;
	for (unsigned int i = 0; i < 4; i++)
		kt_prep(i, BLK_WRITE, 300 + 4 * i, 4);
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < 4; i++)
		KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[i].req), 0);
	blk_finish_plug(&plug);
	KT_ASSERT_EQ(rec_handed(), 1);
	KT_EXPECT_EQ(rec.segs[0], 4);
	rec_release(-EIO);
	for (unsigned int i = 0; i < 4; i++) {
		KT_EXPECT_EQ(kreq[i].calls, 1);
		KT_EXPECT_EQ(kreq[i].error, -EIO);
	}
	KT_EXPECT_EQ(kt_ended_count(), 4);
}

/* A device request never exceeds the device's segments or sectors. */
KTEST(blkplug_merge_respects_device_limits)
{
	struct blk_plug plug;

	rec_reset();
	kt_ended = 0;
	/* 12 adjacent requests of 4 sectors: 8 segments, then 4. */
	for (unsigned int i = 0; i < 12; i++)
		kt_prep(i, BLK_WRITE, 1000 + 4 * i, 4);
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < 12; i++)
		KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[i].req), 0);
	blk_finish_plug(&plug);
	KT_ASSERT_EQ(rec_handed(), 2);
	KT_EXPECT(rec.segs[0] == 8 && rec.sectors[0] == 32);
	KT_EXPECT(rec.segs[1] == 4 && rec.sectors[1] == 16);
	rec_release(0);
	KT_EXPECT_EQ(kt_ended_count(), 12);

	/* 6 adjacent requests of 16 sectors: 64 sectors at most, so 4 + 2. */
	rec_reset();
	kt_ended = 0;
	for (unsigned int i = 0; i < 6; i++)
		kt_prep(i, BLK_WRITE, 2000 + 16 * i, 16);
	blk_start_plug(&plug);
	for (unsigned int i = 0; i < 6; i++)
		KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[i].req), 0);
	blk_finish_plug(&plug);
	KT_ASSERT_EQ(rec_handed(), 2);
	KT_EXPECT(rec.segs[0] == 4 && rec.sectors[0] == 64);
	KT_EXPECT(rec.segs[1] == 2 && rec.sectors[1] == 32);
	rec_release(0);
	KT_EXPECT_EQ(kt_ended_count(), 6);
}

/* Without a plug, with merging switched off, or inside an inner plug's
 * finish, nothing is held back where it should not be. */
KTEST(blkplug_not_held_without_plug)
{
	struct blk_plug outer, inner;
	bool was;

	rec_reset();
	kt_ended = 0;
	kt_prep(0, BLK_WRITE, 500, 4);
	KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[0].req), 0);
	KT_EXPECT_EQ(rec_handed(), 1);          /* no plug: at once */

	was = blk_set_merging(false);
	blk_start_plug(&outer);
	kt_prep(1, BLK_WRITE, 504, 4);
	KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[1].req), 0);
	KT_EXPECT_EQ(rec_handed(), 2);          /* merging off: at once */
	blk_set_merging(was);

	kt_prep(2, BLK_WRITE, 508, 4);
	kt_prep(3, BLK_WRITE, 512, 4);
	KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[2].req), 0);
	blk_start_plug(&inner);                 /* nested: does nothing */
	KT_EXPECT(current->plug == &outer);
	KT_EXPECT_EQ(blkdev_submit(&rec_bdev, &kreq[3].req), 0);
	blk_finish_plug(&inner);
	KT_EXPECT_EQ(rec_handed(), 2);          /* the outer plug still holds both */
	blk_finish_plug(&outer);
	KT_ASSERT_EQ(rec_handed(), 3);
	KT_EXPECT_EQ(rec.segs[2], 2);
	rec_release(0);
	KT_EXPECT_EQ(kt_ended_count(), 4);
}

static struct block_device *scratch_vdb(struct kt *t)
{
	struct block_device *bdev = blkdev_get("vdb");

	if (!bdev || bdev->nr_sectors != 8 * 1024 * 1024 / SECTOR_SIZE || bdev->read_only) {
		kt_fail(t, __FILE__, __LINE__, "no 8 MiB scratch vdb (boot with tools/qemu.py)");
		return NULL;
	}
	return bdev;
}

/*
 * A task that sleeps while its plug holds a request must not wait for it
 * forever: schedule() starts what the plug holds. Here the task waits
 * (with a 3 s limit, so the failure is a "not ok", not a hung boot) for
 * a read it submitted under the plug. With blk_plug_sleep_flush=0 on the
 * command line the request stays held and this test fails.
 */
KTEST(blkplug_flushed_when_task_sleeps)
{
	struct block_device *vdb = scratch_vdb(t);
	struct wait_queue_entry w = { .task = current };
	unsigned long before;
	struct blk_plug plug;
	u64 deadline;

	KT_ASSERT(vdb != NULL);
	kt_ended = 0;
	kt_prep(0, BLK_READ, 64, 8);
	before = __atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED);
	blk_start_plug(&plug);
	KT_EXPECT_EQ(blkdev_submit(vdb, &kreq[0].req), 0);
	/* Held: the disk has not seen it. */
	KT_EXPECT_EQ(__atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED), before);
	deadline = jiffies + 3 * HZ;
	for (;;) {
		prepare_to_wait(&kt_end_wait, &w, TASK_UNINTERRUPTIBLE);
		if (kt_ended_count() || jiffies >= deadline)
			break;
		schedule_timeout((long)(deadline - jiffies));
	}
	finish_wait(&kt_end_wait, &w);
	KT_EXPECT_EQ(kt_ended_count(), 1);
	/* Never leave the request (static, but in use) in flight. */
	blk_finish_plug(&plug);
	wait_event(kt_end_wait, kt_ended_count() == 1);
	KT_EXPECT_EQ(kreq[0].error, 0);
}

/*
 * On the real disk: 16 page-sized writes, submitted in reverse order
 * under a plug, reach it as one command (16 segments through an indirect
 * table); read back under a plug, again one command, into 16 separate
 * buffers, and once more as one synchronous read: the data landed where
 * each request said.
 */
KTEST(blkplug_vdb_merged_write_read_back)
{
	struct block_device *vdb = scratch_vdb(t);
	u8 *pages[NREQ] = { 0 };
	u8 *whole = NULL;
	unsigned long cmds, merged;
	struct blk_plug plug;
	const u64 base = 4096;                  /* sectors: 2 MiB into the disk */

	KT_ASSERT(vdb != NULL);
	whole = kmalloc(NREQ * PAGE_SIZE, GFP_KERNEL);
	for (unsigned int i = 0; i < NREQ; i++)
		pages[i] = kmalloc(PAGE_SIZE, GFP_KERNEL);
	for (unsigned int i = 0; i < NREQ; i++)
		if (!pages[i])
			goto out;
	if (!whole)
		goto out;

	for (unsigned int pass = 0; pass < 2; pass++) {
		enum blk_op op = pass ? BLK_READ : BLK_WRITE;

		kt_ended = 0;
		for (unsigned int i = 0; i < NREQ; i++) {
			if (op == BLK_WRITE)
				memset(pages[i], 0x30 + i, PAGE_SIZE);
			else
				memset(pages[i], 0, PAGE_SIZE);
			kt_prep(i, op, base + i * (PAGE_SIZE / SECTOR_SIZE), PAGE_SIZE / SECTOR_SIZE);
			kreq[i].req.buf = pages[i];
		}
		cmds = __atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED);
		merged = __atomic_load_n(&vdb->nr_merged, __ATOMIC_RELAXED);
		blk_start_plug(&plug);
		for (unsigned int i = NREQ; i-- > 0; )
			KT_EXPECT_EQ(blkdev_submit(vdb, &kreq[i].req), 0);
		blk_finish_plug(&plug);
		wait_event(kt_end_wait, kt_ended_count() == NREQ);
		KT_EXPECT_EQ(__atomic_load_n(&vdb->nr_commands, __ATOMIC_RELAXED) - cmds, 1);
		KT_EXPECT_EQ(__atomic_load_n(&vdb->nr_merged, __ATOMIC_RELAXED) - merged, NREQ - 1);
		for (unsigned int i = 0; i < NREQ; i++) {
			KT_EXPECT_EQ(kreq[i].calls, 1);
			KT_EXPECT_EQ(kreq[i].error, 0);
		}
	}
	for (unsigned int i = 0; i < NREQ; i++)
		KT_EXPECT(memchr_inv(pages[i], 0x30 + i, PAGE_SIZE) == NULL);
	KT_EXPECT_EQ(blkdev_rw(vdb, BLK_READ, base, whole, NREQ * PAGE_SIZE / SECTOR_SIZE), 0);
	for (unsigned int i = 0; i < NREQ; i++)
		KT_EXPECT(memchr_inv(whole + i * PAGE_SIZE, 0x30 + i, PAGE_SIZE) == NULL);
out:
	KT_EXPECT(whole != NULL);
	kfree(whole);
	for (unsigned int i = 0; i < NREQ; i++) {
		KT_EXPECT(pages[i] != NULL);
		kfree(pages[i]);
	}
}
