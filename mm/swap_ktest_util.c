/*
 * Helpers of the swap ktests (include/mm/swap_ktest.h): the scratch area
 * on vdb and the page-cluster knob. Owns nothing; the area's state is the
 * swap code's, reached through swapon_device and swapoff_device as a
 * system call would.
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <drivers/blkdev.h>
#include <fs/proc_fs.h>
#include <mm/page_alloc.h>
#include <mm/swap.h>
#include <mm/swap_ktest.h>

void swap_ktest_make_header(void *page, u32 last_page, const u32 *bad, u32 nbad)
{
	struct swap_header_v1 *h = page;

	memset(page, 0, PAGE_SIZE);
	h->version = 1;
	h->last_page = last_page;
	h->nr_badpages = nbad;
	for (u32 i = 0; i < nbad; i++)
		h->badpages[i] = bad[i];
	memcpy((char *)page + PAGE_SIZE - 10, SWAP_HEADER_MAGIC, 10);
}

static bool area_on(struct kt *t, const char *name, const u32 *bad, u32 nbad);

bool swap_ktest_area_on(struct kt *t, const u32 *bad, u32 nbad)
{
	return area_on(t, "/dev/vdb", bad, nbad);
}

bool swap_ktest_area_on_as(struct kt *t, const char *name)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/%s", name);
	return area_on(t, path, NULL, 0);
}

static bool area_on(struct kt *t, const char *name, const u32 *bad, u32 nbad)
{
	struct block_device *bdev = blkdev_get("vdb");
	void *page = get_free_pages(GFP_KERNEL, 0);
	int err;

	if (!bdev || !page) {
		kt_fail(t, __FILE__, __LINE__, "no scratch disk vdb or no page");
		if (page)
			free_pages(page, 0);
		return false;
	}
	swap_ktest_make_header(page, (u32)(bdev->nr_sectors >> (PAGE_SHIFT - SECTOR_SHIFT)) - 1,
			       bad, nbad);
	err = blkdev_rw(bdev, BLK_WRITE, 0, page, PAGE_SIZE >> SECTOR_SHIFT);
	free_pages(page, 0);
	if (!err)
		err = swapon_device(name, SWAP_FLAG_PREFER | SWAP_FLAG_PRIO_MASK);
	if (err)
		kt_fail(t, __FILE__, __LINE__, "swapon of %s: %d", name, err);
	return !err;
}

void swap_ktest_area_off(struct kt *t)
{
	swap_ktest_area_off_as(t, "vdb");
}

void swap_ktest_area_off_as(struct kt *t, const char *name)
{
	struct block_device *bdev = blkdev_get("vdb");
	void *page = get_free_pages(GFP_KERNEL | __GFP_ZERO, 0);

	KT_EXPECT_EQ(swapoff_device(name), 0);
	if (page) {
		blkdev_rw(bdev, BLK_WRITE, 0, page, PAGE_SIZE >> SECTOR_SHIFT);
		free_pages(page, 0);
	}
}

int swap_ktest_page_cluster(int order)
{
	char text[16];
	struct seq_buf m = { .buf = text, .size = sizeof(text) };
	unsigned long long old = 0;
	int len;

	page_cluster_show(&m, 0);
	text[m.len < sizeof(text) ? m.len : sizeof(text) - 1] = '\0';
	if (m.len && text[m.len - 1] == '\n')
		text[m.len - 1] = '\0';
	kstrtoull(text, 10, &old);
	len = snprintf(text, sizeof(text), "%d\n", order);
	if (page_cluster_store(text, (size_t)len))
		panic("swap_ktest_page_cluster: %d refused", order);
	return (int)old;
}
