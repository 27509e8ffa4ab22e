/*
 * ktests for the block layer and the virtio-blk driver.
 *
 * They expect the disks every boot through tools/qemu.py gets:
 *   vda  the ext2 image (build/disk.img or a copy): only ever read here
 *   vdb  a fresh 8 MiB zero-filled scratch disk: written freely
 *   vdc  a 1 MiB disk behind QEMU's blkdebug driver, which fails every
 *        read and write with EIO
 * A scratch test refuses to write to a vdb that does not have the scratch
 * disk's size, so a differently wired machine cannot lose data to it.
 *
 * Each test sleeps in the disk path, so they run in a kernel thread with
 * interrupts on, after drivers_init().
 */
#include <kernel/types.h>
#include <drivers/blkdev.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <mm/slab.h>

#define SCRATCH_SECTORS         (8 * 1024 * 1024 / SECTOR_SIZE)
#define EXT2_SUPER_OFFSET       1024
#define EXT2_SUPER_MAGIC        0xef53
#define EXT2_FEATURE_INCOMPAT_FILETYPE 0x0002
#define IN_FLIGHT               96      /* more than the ring's 64 slots hold at once */

static struct block_device *scratch_disk(struct kt *t)
{
	struct block_device *bdev = blkdev_get("vdb");

	if (!bdev) {
		kt_fail(t, __FILE__, __LINE__, "no vdb (boot with tools/qemu.py)");
		return NULL;
	}
	if (bdev->nr_sectors != SCRATCH_SECTORS || bdev->read_only) {
		kt_fail(t, __FILE__, __LINE__, "vdb is not the 8 MiB scratch disk "
			"(%llu sectors); not writing to it",
			(unsigned long long)bdev->nr_sectors);
		return NULL;
	}
	return bdev;
}

/* A word that differs for every sector, offset and pass. */
static u32 pattern_word(u64 sector, unsigned int word, u32 seed)
{
	return (u32)(sector * 2654435761u) ^ (word << 20) ^ seed;
}

static void fill_pattern(void *buf, u64 sector, unsigned int nr_sectors, u32 seed)
{
	u32 *w = buf;

	for (unsigned int s = 0; s < nr_sectors; s++)
		for (unsigned int i = 0; i < SECTOR_SIZE / 4; i++)
			*w++ = pattern_word(sector + s, i, seed);
}

/* Index of the first word that differs from the pattern, or -1. */
static long check_pattern(const void *buf, u64 sector, unsigned int nr_sectors, u32 seed)
{
	const u32 *w = buf;

	for (unsigned int s = 0; s < nr_sectors; s++)
		for (unsigned int i = 0; i < SECTOR_SIZE / 4; i++, w++)
			if (*w != pattern_word(sector + s, i, seed))
				return w - (const u32 *)buf;
	return -1;
}

KTEST(blk_vda_ext2_superblock)
{
	struct block_device *bdev = blkdev_get("vda");
	u8 *sb = kmalloc(1024, GFP_KERNEL);

	KT_ASSERT(bdev != NULL);
	KT_ASSERT(sb != NULL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, EXT2_SUPER_OFFSET / SECTOR_SIZE, sb, 2), 0);
	KT_EXPECT_EQ(*(u16 *)(sb + 56), EXT2_SUPER_MAGIC);     /* s_magic */
	KT_EXPECT_EQ(*(u32 *)(sb + 24), 0);                     /* s_log_block_size: 1 KiB */
	KT_EXPECT_EQ(*(u32 *)(sb + 76), 1);                     /* s_rev_level: dynamic */
	KT_EXPECT(*(u32 *)(sb + 96) & EXT2_FEATURE_INCOMPAT_FILETYPE);
	KT_EXPECT(bdev->nr_sectors >= 4);
	kfree(sb);
}

/* Write, then read back, requests of several sizes spread over the whole
 * disk, including its first and last sectors. */
#define STRIDE 509                      /* sectors between chunks: odd, not a power of two */

static unsigned int chunk_len(u64 sector, u64 n)
{
	static const unsigned int sizes[] = { 1, 2, 7, 8, 16, 64 };

	return (unsigned int)min((u64)sizes[n % ARRAY_SIZE(sizes)], SCRATCH_SECTORS - sector);
}

KTEST(blk_vdb_write_read_patterns)
{
	struct block_device *bdev = scratch_disk(t);
	u8 *buf = kmalloc(64 * SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(bdev != NULL);
	KT_ASSERT(buf != NULL);
	/* Two passes with different data, so the second must overwrite the first. */
	for (u32 pass = 1; pass <= 2; pass++) {
		for (u64 sector = 0, n = 0; sector < SCRATCH_SECTORS; sector += STRIDE, n++) {
			unsigned int len = chunk_len(sector, n);

			fill_pattern(buf, sector, len, pass);
			KT_ASSERT_EQ(blkdev_rw(bdev, BLK_WRITE, sector, buf, len), 0);
		}
		fill_pattern(buf, SCRATCH_SECTORS - 1, 1, pass);
		KT_ASSERT_EQ(blkdev_rw(bdev, BLK_WRITE, SCRATCH_SECTORS - 1, buf, 1), 0);

		for (u64 sector = 0, n = 0; sector < SCRATCH_SECTORS; sector += STRIDE, n++) {
			unsigned int len = chunk_len(sector, n);

			memset(buf, 0, len * SECTOR_SIZE);
			KT_ASSERT_EQ(blkdev_rw(bdev, BLK_READ, sector, buf, len), 0);
			KT_ASSERT_EQ(check_pattern(buf, sector, len, pass), -1);
		}
		memset(buf, 0, SECTOR_SIZE);
		KT_ASSERT_EQ(blkdev_rw(bdev, BLK_READ, SCRATCH_SECTORS - 1, buf, 1), 0);
		KT_EXPECT_EQ(check_pattern(buf, SCRATCH_SECTORS - 1, 1, pass), -1);
	}
	kfree(buf);
}

/* Start every request of @reqs with ->submit, then wait for them all:
 * they are in flight together, more of them than the ring has room for,
 * so some wait on the driver's list until completions free slots (and
 * are started from the interrupt). Returns how many failed. */
static unsigned int submit_all_then_wait(struct block_device *bdev, struct blk_request *reqs,
					 unsigned int nr)
{
	unsigned int failed = 0;

	for (unsigned int i = 0; i < nr; i++) {
		/* ->submit's caller prepares the completion (as blkdev_submit_wait does). */
		init_completion(&reqs[i].done);
		reqs[i].error = 0;
		if (bdev->ops->submit(bdev, &reqs[i]) != 0) {
			reqs[i].error = -EINVAL;
			complete(&reqs[i].done);
		}
	}
	for (unsigned int i = 0; i < nr; i++) {
		wait_for_completion(&reqs[i].done);
		failed += reqs[i].error != 0;
	}
	return failed;
}

KTEST(blk_vdb_many_in_flight)
{
	struct block_device *bdev = scratch_disk(t);
	struct blk_request *reqs = kzalloc(sizeof(*reqs) * IN_FLIGHT, GFP_KERNEL);
	u8 *buf = kmalloc(IN_FLIGHT * 2 * SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(bdev != NULL);
	KT_ASSERT(reqs != NULL && buf != NULL);
	/* Two sectors each, scattered (sector 4000 + 37 i), distinct data. */
	for (unsigned int i = 0; i < IN_FLIGHT; i++) {
		u64 sector = 4000 + 37 * i;

		reqs[i] = (struct blk_request){ .op = BLK_WRITE, .sector = sector,
						.nr_sectors = 2, .buf = buf + i * 2 * SECTOR_SIZE };
		fill_pattern(reqs[i].buf, sector, 2, 0xabcd0000u + i);
	}
	KT_EXPECT_EQ(submit_all_then_wait(bdev, reqs, IN_FLIGHT), 0);

	memset(buf, 0, IN_FLIGHT * 2 * SECTOR_SIZE);
	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		reqs[i].op = BLK_READ;
	KT_EXPECT_EQ(submit_all_then_wait(bdev, reqs, IN_FLIGHT), 0);
	for (unsigned int i = 0; i < IN_FLIGHT; i++)
		KT_EXPECT_EQ(check_pattern(reqs[i].buf, reqs[i].sector, 2, 0xabcd0000u + i), -1);
	kfree(buf);
	kfree(reqs);
}

KTEST(blk_read_past_end_einval)
{
	struct block_device *bdev = scratch_disk(t);
	u8 *buf = kmalloc(2 * SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(bdev != NULL);
	KT_ASSERT(buf != NULL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, bdev->nr_sectors, buf, 1), -EINVAL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, bdev->nr_sectors - 1, buf, 2), -EINVAL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_WRITE, bdev->nr_sectors, buf, 1), -EINVAL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, ~0ULL, buf, 2), -EINVAL);  /* no wrap-around */
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, 0, buf, 0), -EINVAL);
	KT_EXPECT_EQ(blkdev_rw(bdev, BLK_READ, bdev->nr_sectors - 1, buf, 1), 0);
	kfree(buf);
}

KTEST(blk_flush)
{
	struct block_device *vdb = scratch_disk(t);
	struct block_device *vda = blkdev_get("vda");
	u8 *buf = kmalloc(SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(vdb != NULL && vda != NULL && buf != NULL);
	KT_EXPECT(vdb->has_flush);              /* QEMU's default writeback cache */
	fill_pattern(buf, 77, 1, 0xf1u);
	KT_EXPECT_EQ(blkdev_rw(vdb, BLK_WRITE, 77, buf, 1), 0);
	KT_EXPECT_EQ(blkdev_flush(vdb), 0);
	KT_EXPECT_EQ(blkdev_flush(vda), 0);
	kfree(buf);
}

/* vdc sits on QEMU's blkdebug driver, set up to fail every read and write
 * with EIO: the device answers VIRTIO_BLK_S_IOERR, which must come back
 * as -EIO (and leave the other disks working). */
KTEST(blk_injected_error_eio)
{
	struct block_device *vdc = blkdev_get("vdc");
	struct block_device *vdb = scratch_disk(t);
	u8 *buf = kmalloc(4 * SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(vdc != NULL && vdb != NULL && buf != NULL);
	KT_EXPECT_EQ(blkdev_rw(vdc, BLK_READ, 0, buf, 1), -EIO);
	KT_EXPECT_EQ(blkdev_rw(vdc, BLK_READ, 100, buf, 4), -EIO);
	memset(buf, 0x5a, 4 * SECTOR_SIZE);
	KT_EXPECT_EQ(blkdev_rw(vdc, BLK_WRITE, 8, buf, 4), -EIO);
	KT_EXPECT_EQ(blkdev_rw(vdb, BLK_READ, 0, buf, 4), 0);
	kfree(buf);
}

/* ---- the core's own checks, on a fake disk that must never be reached ---- */

static unsigned int fake_submits;

static int fake_submit(struct block_device *bdev, struct blk_request *req)
{
	fake_submits++;
	req->error = 0;
	complete(&req->done);
	return 0;
}

static const struct block_device_ops fake_ops = { .submit = fake_submit };

KTEST(blk_core_checks_before_submit)
{
	struct block_device fake = { .name = "fake", .nr_sectors = 100, .read_only = true,
				     .has_flush = false, .ops = &fake_ops };
	u8 *buf = kmalloc(SECTOR_SIZE, GFP_KERNEL);

	KT_ASSERT(buf != NULL);
	fake_submits = 0;
	KT_EXPECT_EQ(blkdev_rw(&fake, BLK_WRITE, 0, buf, 1), -EROFS);
	KT_EXPECT_EQ(blkdev_rw(&fake, BLK_READ, 100, buf, 1), -EINVAL);
	KT_EXPECT_EQ(blkdev_rw(&fake, BLK_READ, 0, NULL, 1), -EINVAL);
	KT_EXPECT_EQ(blkdev_flush(&fake), 0);   /* no write cache: nothing to do */
	KT_EXPECT_EQ(fake_submits, 0);
	KT_EXPECT_EQ(blkdev_rw(&fake, BLK_READ, 99, buf, 1), 0);
	KT_EXPECT_EQ(fake_submits, 1);
	kfree(buf);
}

KTEST(blk_register_lookup)
{
	struct block_device dup = { .name = "vda", .ops = &fake_ops };

	/* Without a vda the registration below would succeed, and leave a
	 * pointer to this stack frame on the device list. */
	KT_ASSERT(blkdev_get("vda") != NULL);
	KT_EXPECT(blkdev_get("vdb") != NULL);
	KT_EXPECT(blkdev_get("nosuchdisk") == NULL);
	KT_EXPECT_EQ(blkdev_register(&dup), -EEXIST);
	KT_EXPECT(blkdev_get("vda") != &dup);
}
