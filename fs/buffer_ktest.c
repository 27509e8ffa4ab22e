/*
 * ktests for the buffer cache, on the scratch disk vdb: one buffer per
 * block, dirty data reaching the disk on sync, clean buffers dropped and
 * read back, errors for blocks past the end.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <fs/buffer.h>
#include <mm/slab.h>

static struct block_device *scratch(struct kt *t)
{
	struct block_device *bdev = blkdev_get("vdb");

	if (!bdev)
		kt_fail(t, __FILE__, __LINE__, "no scratch disk vdb (boot with tools/qemu.py)");
	return bdev;
}

KTEST(bcache_one_buffer_per_block)
{
	struct block_device *bdev = scratch(t);
	struct buffer_head *a, *b;

	if (!bdev)
		return;
	a = bread(bdev, 5, 1024);
	b = bread(bdev, 5, 1024);
	KT_ASSERT(!IS_ERR(a) && !IS_ERR(b));
	KT_EXPECT(a == b);
	KT_EXPECT(buffer_uptodate(a));
	brelse(a);
	brelse(b);
	KT_EXPECT(PTR_ERR(bread(bdev, bdev->nr_sectors / 2, 1024)) == -EINVAL);
	KT_EXPECT(PTR_ERR(getblk(bdev, 0, 1000)) == -EINVAL);   /* not a power of two */
}

KTEST(bcache_dirty_reaches_disk)
{
	struct block_device *bdev = scratch(t);
	struct buffer_head *bh;
	char *raw;

	if (!bdev)
		return;
	raw = kmalloc(1024, GFP_KERNEL);
	KT_ASSERT(raw != NULL);
	bh = bread(bdev, 7, 1024);
	KT_ASSERT(!IS_ERR(bh));
	memset(bh->b_data, 0xc3, 1024);
	mark_buffer_dirty(bh);
	KT_EXPECT(buffer_dirty(bh));
	KT_EXPECT_EQ(sync_blockdev(bdev, 0), 0);
	KT_EXPECT(!buffer_dirty(bh));
	brelse(bh);
	/* Read the sectors behind the cache's back: the data is on the disk. */
	KT_ASSERT(blkdev_rw(bdev, BLK_READ, 7 * 2, raw, 2) == 0);
	KT_EXPECT(raw[0] == (char)0xc3 && raw[1023] == (char)0xc3);
	/* Drop the clean buffer; bread must read it back from the disk. */
	invalidate_bdev(bdev);
	memset(raw, 0x3c, 1024);
	KT_ASSERT(blkdev_rw(bdev, BLK_WRITE, 7 * 2, raw, 2) == 0);
	bh = bread(bdev, 7, 1024);
	KT_ASSERT(!IS_ERR(bh));
	KT_EXPECT(((char *)bh->b_data)[0] == 0x3c);
	brelse(bh);
	kfree(raw);
}

KTEST(bcache_bforget_drops_dirty_data)
{
	struct block_device *bdev = scratch(t);
	struct buffer_head *bh;
	char *raw;

	if (!bdev)
		return;
	raw = kzalloc(1024, GFP_KERNEL);
	KT_ASSERT(raw != NULL);
	KT_ASSERT(blkdev_rw(bdev, BLK_WRITE, 9 * 2, raw, 2) == 0);
	bh = getblk(bdev, 9, 1024);
	KT_ASSERT(!IS_ERR(bh));
	memset(bh->b_data, 0x77, 1024);
	set_buffer_uptodate(bh);
	mark_buffer_dirty(bh);
	bforget(bh);                            /* the block was freed: never write it */
	KT_EXPECT_EQ(sync_blockdev(bdev, 0), 0);
	KT_ASSERT(blkdev_rw(bdev, BLK_READ, 9 * 2, raw, 2) == 0);
	KT_EXPECT(raw[0] == 0);
	kfree(raw);
}
