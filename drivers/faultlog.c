/*
 * /dev/faultlog: a device that tells you about every fault it serves, the
 * fourth example of docs/fault-api.md, and a probe for labs and GDB.
 *
 * What a mapping sees: FAULTLOG_PAGES pages of the device's own, made at
 * boot; every byte of page i holds 'a' + i % 26 (so a hexdump shows which
 * page is which). Past them, SIGBUS. MAP_SHARED stores change the device's
 * pages for everyone; MAP_PRIVATE stores go to private copies.
 *
 * What it tells: each call of ->fault is counted and logged with pr_info,
 *
 *   faultlog: pid 12 map 3 addr 0x7f0000001008 pgoff 1 write cow
 *
 * (the process, which mmap() call the VMA came from, the exact address,
 * the page offset in the device, read or write, "kernel" if the access came
 * from a kernel copy such as read() into the mapping, and "cow" if the core
 * passed a page to fill for a private write). read() of /dev/faultlog
 * returns the counters and the last FAULTLOG_RECENT faults as text;
 * write() of anything resets them. Put a breakpoint on faultlog_fault in
 * GDB to stop inside any of these faults with the whole chain of
 * mm/memory.c on the stack.
 *
 * It shows three parts of the API:
 *   - ->fault returning a referenced page in vmf->page (the common case;
 *     the core maps it, read-only or writable as the VMA says);
 *   - vmf->cow_page: for the first write to a private page the core has
 *     already allocated the process's copy and passes it in; the driver
 *     fills it itself and returns VM_FAULT_DONE_COW, so the core maps the
 *     copy without copying (a device with no struct page for its memory
 *     must do it this way; here it is done only to show it);
 *   - ->open/->close: per-mapping state. Each mmap() gets a struct
 *     faultlog_map with a number. When the VMA is copied by fork() or cut
 *     in two by munmap()/mprotect() of a part of it, the core calls ->open
 *     on the new VMA, which shares the same record and takes a reference;
 *     ->close drops one for each VMA that goes away. Both are logged too.
 *
 * What it does not see: a fault the core resolves without the driver. A
 * read maps the device's page; a later write to that page of a private
 * mapping is a copy-on-write fault handled entirely in do_wp_page, and
 * after fork() the child's PTEs are copied, not faulted in.
 *
 * Locks: faultlog_lock (a spinlock, a leaf) guards the counters, the
 * recent-faults ring and the map numbering; it is never held across a
 * user copy or anything that sleeps. A faultlog_map's reference count is
 * atomic. ->fault, ->open and ->close run with mmap_lock held (read for
 * faults, write for the others).
 */
#include <drivers/fault_devices.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>

#define FAULTLOG_PAGES          16
#define FAULTLOG_RECENT         8
#define FAULTLOG_TEXT_MAX       PAGE_SIZE

/* The state one mmap() call leaves behind, shared by the VMAs made from it. */
struct faultlog_map {
	int id;                         /* (c) 1, 2, 3, ... in mmap order */
	int refs;                       /* (a) VMAs pointing at this record */
};

struct faultlog_entry {
	int pid;
	int map;
	unsigned long address;
	unsigned long pgoff;
	unsigned int flags;             /* FAULT_FLAG_* */
	bool cow;
};

static struct page *faultlog_pages[FAULTLOG_PAGES];    /* (c) filled at boot */
static DEFINE_SPINLOCK(faultlog_lock);
static struct {
	unsigned long faults, reads, writes, cows, sigbus;
	unsigned long mmaps, vma_opens, vma_closes;
	struct faultlog_entry recent[FAULTLOG_RECENT]; /* fault n is in [n % FAULTLOG_RECENT] */
	int last_map_id;
} faultlog;                                             /* (faultlog_lock) */

/* ---- recording -------------------------------------------------------------- */

/* Count one call of ->fault, remember it, and log it. */
static void faultlog_record(struct vm_fault *vmf, bool sigbus)
{
	struct faultlog_map *map = vmf->vma->vm_private_data;
	struct faultlog_entry e = {
		.pid = current->pid,
		.map = map->id,
		.address = vmf->real_address,
		.pgoff = vmf->pgoff,
		.flags = vmf->flags,
		.cow = vmf->cow_page != NULL,
	};
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	spin_lock(&faultlog_lock);
	faultlog.recent[faultlog.faults % FAULTLOG_RECENT] = e;
	faultlog.faults++;
	if (write)
		faultlog.writes++;
	else
		faultlog.reads++;
	if (e.cow)
		faultlog.cows++;
	if (sigbus)
		faultlog.sigbus++;
	spin_unlock(&faultlog_lock);

	pr_info("faultlog: pid %d map %d addr %#lx pgoff %lu %s%s%s%s\n", e.pid, e.map,
		e.address, e.pgoff, write ? "write" : "read",
		vmf->flags & FAULT_FLAG_USER ? "" : " kernel", e.cow ? " cow" : "",
		sigbus ? " past the end: SIGBUS" : "");
}

/* ---- mmap: the fault hooks --------------------------------------------------- */

/*
 * Context: mmap_lock held for reading, no other lock; may sleep (it does
 * not need to: its pages exist already).
 * Returns 0 with vmf->page referenced and unlocked, VM_FAULT_DONE_COW with
 * vmf->cow_page filled, or VM_FAULT_SIGBUS past the device's pages.
 */
static vm_fault_t faultlog_fault(struct vm_fault *vmf)
{
	struct page *page;

	if (vmf->pgoff >= FAULTLOG_PAGES) {
		faultlog_record(vmf, true);
		return VM_FAULT_SIGBUS;
	}
	faultlog_record(vmf, false);
	page = faultlog_pages[vmf->pgoff];
	if (vmf->cow_page) {
		/* Not vmf->page: the core has nothing to copy or to put back. */
		copy_page(page_address(vmf->cow_page), page_address(page));
		return VM_FAULT_DONE_COW;
	}
	get_page(page);         /* the core's reference; it ends up in the PTE */
	vmf->page = page;
	return 0;
}

/* fork() copied the VMA, or a split made a second one: share the record. */
static void faultlog_vm_open(struct vm_area_struct *vma)
{
	struct faultlog_map *map = vma->vm_private_data;

	__atomic_fetch_add(&map->refs, 1, __ATOMIC_SEQ_CST);
	spin_lock(&faultlog_lock);
	faultlog.vma_opens++;
	spin_unlock(&faultlog_lock);
	pr_info("faultlog: pid %d map %d: VMA %#lx-%#lx opened (fork or split)\n",
		current->pid, map->id, vma->vm_start, vma->vm_end);
}

/* A VMA goes away (munmap, exit, a merge): the last one frees the record. */
static void faultlog_vm_close(struct vm_area_struct *vma)
{
	struct faultlog_map *map = vma->vm_private_data;
	int id = map->id;

	spin_lock(&faultlog_lock);
	faultlog.vma_closes++;
	spin_unlock(&faultlog_lock);
	pr_info("faultlog: pid %d map %d: VMA %#lx-%#lx closed\n",
		current->pid, id, vma->vm_start, vma->vm_end);
	if (__atomic_sub_fetch(&map->refs, 1, __ATOMIC_SEQ_CST) == 0)
		kfree(map);
}

static const struct vm_operations_struct faultlog_vm_ops = {
	.open = faultlog_vm_open,
	.close = faultlog_vm_close,
	.fault = faultlog_fault,
	.name = "faultlog",
};

/* A new mapping: a new record, with the one reference of this first VMA.
 * (->open is not called for it; ->close will be.) */
static int faultlog_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct faultlog_map *map = kmalloc(sizeof(*map), GFP_KERNEL);

	if (!map)
		return -ENOMEM;
	map->refs = 1;
	spin_lock(&faultlog_lock);
	map->id = ++faultlog.last_map_id;
	faultlog.mmaps++;
	spin_unlock(&faultlog_lock);
	vma->vm_private_data = map;
	vma->vm_ops = &faultlog_vm_ops;
	return 0;
}

/* ---- read, write: the counters as text ---------------------------------------- */

/* Print the counters and recent faults into @buf. Context: faultlog_lock. */
static size_t faultlog_format(char *buf, size_t size)
{
	unsigned long n = faultlog.faults;
	unsigned long first = n > FAULTLOG_RECENT ? n - FAULTLOG_RECENT : 0;
	size_t len;

	len = snprintf(buf, size,
		       "faults %lu\nread %lu\nwrite %lu\ncow %lu\nsigbus %lu\n"
		       "mmap %lu\nvma_open %lu\nvma_close %lu\nrecent:\n",
		       n, faultlog.reads, faultlog.writes, faultlog.cows, faultlog.sigbus,
		       faultlog.mmaps, faultlog.vma_opens, faultlog.vma_closes);
	for (unsigned long i = first; i < n && len < size; i++) {
		const struct faultlog_entry *e = &faultlog.recent[i % FAULTLOG_RECENT];

		len += snprintf(buf + len, size - len, "pid %d map %d addr %#lx pgoff %lu %s%s\n",
				e->pid, e->map, e->address, e->pgoff,
				e->flags & FAULT_FLAG_WRITE ? "write" : "read",
				e->cow ? " cow" : "");
	}
	return min(len, size);
}

/*
 * The text is made afresh for each read() (under the lock, into a buffer
 * allocated before taking it) and copied out after the lock is dropped:
 * the copy may fault, and a fault may be one of this device's.
 */
static ssize_t faultlog_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	char *text = kmalloc(FAULTLOG_TEXT_MAX, GFP_KERNEL);
	ssize_t ret;
	size_t len;

	if (!text)
		return -ENOMEM;
	spin_lock(&faultlog_lock);
	len = faultlog_format(text, FAULTLOG_TEXT_MAX);
	spin_unlock(&faultlog_lock);
	ret = simple_read_from_buffer(to, pos, text, len);
	kfree(text);
	return ret;
}

/* Any write resets the counters and forgets the recent faults. */
static ssize_t faultlog_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	spin_lock(&faultlog_lock);
	faultlog.faults = faultlog.reads = faultlog.writes = 0;
	faultlog.cows = faultlog.sigbus = 0;
	faultlog.mmaps = faultlog.vma_opens = faultlog.vma_closes = 0;
	spin_unlock(&faultlog_lock);
	return from->count;
}

static loff_t faultlog_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, FAULTLOG_TEXT_MAX);
}

static const struct file_operations faultlog_fops = {
	.llseek = faultlog_llseek,
	.read_iter = faultlog_read,
	.write_iter = faultlog_write,
	.mmap = faultlog_mmap,
};

void faultlog_init(void)
{
	int err;

	for (int i = 0; i < FAULTLOG_PAGES; i++) {
		faultlog_pages[i] = alloc_page(GFP_KERNEL);
		if (!faultlog_pages[i]) {
			pr_err("faultlog: no memory for its pages\n");
			return;
		}
		memset(page_address(faultlog_pages[i]), 'a' + i % 26, PAGE_SIZE);
	}
	err = devfs_register("faultlog", 0666, &faultlog_fops, NULL);
	if (err)
		pr_err("faultlog: cannot register /dev/faultlog: error %d\n", err);
}
