/*
 * /dev/quota: shared memory with a write quota, the third example of
 * docs/fault-api.md. Its ->page_mkwrite says no.
 *
 * Each open() of the device gets its own buffer of up to QUOTA_MAX_PAGES
 * zero-filled pages (a struct quota_buf, in file->private_data), which the
 * opener maps with MAP_SHARED. Reading any page is free; but at most
 * `limit` distinct pages may ever be written. The first write to each page
 * asks ->page_mkwrite, which grants the page while the quota lasts and
 * afterwards returns VM_FAULT_SIGBUS: the writing process gets SIGBUS
 * (BUS_ADRERR, si_addr the address it wrote), exactly as it would for a
 * write to a file mapping when the disk is full (the use that page_mkwrite
 * was invented for; see ext2's ->page_mkwrite).
 *
 * The limit: `quota.pages=N` on the kernel command line sets the default
 * for every new open (default 4), and ioctl(fd, QUOTA_IOC_SET_LIMIT, N)
 * changes it for that open file (N <= QUOTA_MAX_PAGES, else -EINVAL).
 * ioctl(fd, QUOTA_IOC_GET_USED) returns how many pages have been granted.
 * Both take and return plain integers, no pointers.
 *
 * When does the core call ->page_mkwrite? Before a page of a shared
 * mapping becomes writable in a PTE:
 *   - the first access to the page is a write (PTE none):
 *       do_shared_fault -> ->fault, then do_page_mkwrite, then the PTE
 *   - the page is mapped read-only and is written (PTE present):
 *       do_wp_page -> wp_page_shared -> do_page_mkwrite, then the PTE
 * The second case needs the core to map this VMA's pages read-only in the
 * first place, even though the VMA is shared and writable: that is
 * "write notification", which the core turns on for a VMA whose vm_ops
 * have a ->page_mkwrite (Linux's vma_wants_writenotify). A driver opts in
 * just by providing the callback.
 *
 * A granted page stays granted for good (the bitmap below): another
 * process, or another mapping, that writes it later costs nothing more.
 *
 * Lifetime: the buffer belongs to the open file. Every VMA mapping it
 * holds a reference to that file (vm_file), so ->release, which frees the
 * pages, runs only after the last mapping is gone: the VMA needs no
 * ->open/->close of its own. fork() shares the open file, and so the quota.
 *
 * Locks: quota_buf->lock (a mutex) guards the page array, the bitmap and
 * the counts. It is taken inside ->fault and ->page_mkwrite, which run
 * with mmap_lock held for reading and no spinlock, and may sleep; it is
 * never held across a user copy, so the order is mmap_lock -> lock.
 */
#include <drivers/fault_devices.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>

#define QUOTA_MAX_PAGES         64      /* the buffer's size: one bit each in granted */
#define QUOTA_DEFAULT_LIMIT     4

static unsigned int quota_default_limit;        /* (c) from quota.pages= at boot */

struct quota_buf {
	struct mutex lock;
	struct page *pages[QUOTA_MAX_PAGES];    /* (lock) allocated on first fault */
	u64 granted;                            /* (lock) bit i: page i may be written */
	unsigned int used;                      /* (lock) bits set in granted */
	unsigned int limit;                     /* (lock) at most this many */
};

/* ---- mmap: the fault hooks ------------------------------------------------- */

/*
 * The page at vmf->pgoff, allocated zeroed the first time any process
 * touches it. Returned referenced (the core maps it and keeps the
 * reference in the PTE) and unlocked (return 0, not VM_FAULT_LOCKED).
 */
static vm_fault_t quota_fault(struct vm_fault *vmf)
{
	struct quota_buf *q = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff >= QUOTA_MAX_PAGES)
		return VM_FAULT_SIGBUS;
	mutex_lock(&q->lock);
	page = q->pages[vmf->pgoff];
	if (!page) {
		page = alloc_page(GFP_KERNEL | __GFP_ZERO);  /* may sleep: fine under a mutex */
		q->pages[vmf->pgoff] = page;
	}
	if (page)
		get_page(page);                 /* the reference handed to the core */
	mutex_unlock(&q->lock);
	if (!page)
		return VM_FAULT_OOM;
	vmf->page = page;
	return 0;
}

/*
 * vmf->page (referenced by the core, unlocked) is about to become writable
 * in this mapping. Grant it, or refuse with SIGBUS. A filesystem would
 * lock the page here and check page->mapping, since truncate may have
 * taken the page out of the file meanwhile (then VM_FAULT_NOPAGE: retry);
 * this device never removes a page while the file is open, so it can
 * trust vmf->pgoff.
 */
static vm_fault_t quota_page_mkwrite(struct vm_fault *vmf)
{
	struct quota_buf *q = vmf->vma->vm_file->private_data;
	u64 bit = 1ULL << vmf->pgoff;
	vm_fault_t ret = 0;

	mutex_lock(&q->lock);
	if (!(q->granted & bit)) {
		if (q->used < q->limit) {
			q->granted |= bit;
			q->used++;
		} else {
			ret = VM_FAULT_SIGBUS;
		}
	}
	mutex_unlock(&q->lock);
	if (ret)
		pr_info("quota: pid %d: write to page %lu refused (all %u pages used)\n",
			current->pid, vmf->pgoff, q->limit);
	return ret;
}

static const struct vm_operations_struct quota_vm_ops = {
	.fault = quota_fault,
	.page_mkwrite = quota_page_mkwrite,
	.name = "quota",
};

/*
 * Only shared mappings: a private one would take copy-on-write copies
 * that ->page_mkwrite never hears of, which is no quota at all. The test
 * is VM_MAYSHARE, which do_mmap keeps for MAP_SHARED even on a read-only
 * file (where it clears VM_SHARED).
 */
static int quota_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	vma->vm_ops = &quota_vm_ops;
	return 0;
}

/* ---- open, release, ioctl ------------------------------------------------- */

static int quota_open(struct inode *inode, struct file *file)
{
	struct quota_buf *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (!q)
		return -ENOMEM;
	mutex_init(&q->lock, "quota_buf->lock");
	q->limit = quota_default_limit;
	file->private_data = q;
	return 0;
}

/* The last reference to the file, mappings' included, is gone. */
static void quota_release(struct inode *inode, struct file *file)
{
	struct quota_buf *q = file->private_data;

	for (int i = 0; i < QUOTA_MAX_PAGES; i++)
		if (q->pages[i])
			put_page(q->pages[i]);
	kfree(q);
}

static long quota_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct quota_buf *q = file->private_data;
	long ret;

	switch (cmd) {
	case QUOTA_IOC_SET_LIMIT:
		if (arg > QUOTA_MAX_PAGES)
			return -EINVAL;
		mutex_lock(&q->lock);
		q->limit = arg;                 /* pages granted already stay granted */
		mutex_unlock(&q->lock);
		return 0;
	case QUOTA_IOC_GET_USED:
		mutex_lock(&q->lock);
		ret = q->used;
		mutex_unlock(&q->lock);
		return ret;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations quota_fops = {
	.open = quota_open,
	.release = quota_release,
	.unlocked_ioctl = quota_ioctl,
	.mmap = quota_mmap,
};

void quota_init(void)
{
	int err;

	quota_default_limit = min(kernel_param_ulong("quota.pages", QUOTA_DEFAULT_LIMIT),
				  (unsigned long)QUOTA_MAX_PAGES);
	err = devfs_register("quota", 0666, &quota_fops, NULL);
	if (err)
		pr_err("quota: cannot register /dev/quota: error %d\n", err);
}
