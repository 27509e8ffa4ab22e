/*
 * /dev/shbuf: one buffer of kernel memory that every process can map, the
 * second example of docs/fault-api.md. Its ->fault installs the PTE itself.
 *
 * The buffer is SHBUF_PAGES pages allocated once, at boot, with vmalloc.
 * Each of its pages is then reachable at three kinds of virtual address:
 * the kernel's direct map, the kernel's vmalloc address (shbuf_mem, used
 * by read() and write() below), and in every process that maps the device,
 * at whatever address mmap() chose there. All of them reach the same
 * physical frames, so a store through any one is seen through all others:
 * across fork(), across independent open()s, and by read().
 *
 * ->fault does not hand a page back to the core (vmf->page) as a file
 * system does; it maps the page itself with vm_insert_page() and returns
 * VM_FAULT_NOPAGE, which tells mm/memory.c "the PTE is done, install
 * nothing". This is how Linux drivers map their own kernel memory.
 * vm_insert_page takes the PTE's own reference on the page (the buffer's
 * reference from vmalloc stays), so the core's unmap puts back only what
 * the PTE took, and the buffer's pages are never freed.
 *
 * A mapping may be longer than the buffer (as a file mapping may be longer
 * than the file): an access to a page past the end gets SIGBUS
 * (VM_FAULT_SIGBUS), as an access past EOF does.
 *
 * MAP_PRIVATE works too, and shows the core's copy-on-write at work: the
 * driver inserts the shared page as usual, but a private VMA's
 * vm_page_prot has no write bit, so the first store faults again into
 * do_wp_page, which gives the process its own copy (wp_page_copy) and
 * leaves the device's page alone.
 *
 * Locks: none of its own. The buffer's contents are shared memory: racing
 * stores and read()s see each other byte by byte, as threads sharing
 * memory would. ->fault runs with mmap_lock held for reading and may sleep
 * (vm_insert_page may allocate a page table).
 */
#include <drivers/fault_devices.h>
#include <fs/devfs.h>
#include <fs/fs.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <mm/mm.h>
#include <mm/vmalloc.h>

#define SHBUF_PAGES     4
#define SHBUF_SIZE      (SHBUF_PAGES * PAGE_SIZE)

static char *shbuf_mem;                 /* (c) the buffer, vmalloc'd (and zeroed) at boot */

/* ---- mmap: the fault hook -------------------------------------------------- */

static vm_fault_t shbuf_fault(struct vm_fault *vmf)
{
	struct page *page;
	int err;

	if (vmf->pgoff >= SHBUF_PAGES)
		return VM_FAULT_SIGBUS;         /* past the end of the buffer */
	page = vmalloc_to_page(shbuf_mem + vmf->pgoff * PAGE_SIZE);
	err = vm_insert_page(vmf->vma, vmf->address, page);
	/* -EBUSY: another thread's fault on this address mapped it first;
	 * the access can go ahead all the same. */
	if (err == -ENOMEM)
		return VM_FAULT_OOM;
	if (err && err != -EBUSY)
		return VM_FAULT_SIGBUS;
	return VM_FAULT_NOPAGE;
}

/*
 * No ->open or ->close: the VMA keeps no state of its own (the buffer
 * lives for ever), and the core's page references are balanced by the
 * core. No ->page_mkwrite: a shared writable mapping is writable at once.
 */
static const struct vm_operations_struct shbuf_vm_ops = {
	.fault = shbuf_fault,
	.name = "shbuf",
};

static int shbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* The PTEs will map ordinary, reference-counted pages put in by the
	 * driver, not page-cache pages (Linux's VM_MIXEDMAP). */
	vma->vm_flags |= VM_MIXEDMAP;
	vma->vm_ops = &shbuf_vm_ops;
	return 0;
}

/* ---- read, write, lseek: the same bytes through the kernel's address -------- */

static ssize_t shbuf_read(struct file *file, struct iov_iter *to, loff_t *pos)
{
	return simple_read_from_buffer(to, pos, shbuf_mem, SHBUF_SIZE);
}

static ssize_t shbuf_write(struct file *file, struct iov_iter *from, loff_t *pos)
{
	/* A write that starts at the end has no room at all: say so, as a
	 * full block device does, rather than "0 bytes written" for ever. */
	if (from->count && *pos >= (loff_t)SHBUF_SIZE)
		return -ENOSPC;
	return simple_write_to_buffer(shbuf_mem, SHBUF_SIZE, pos, from);
}

static loff_t shbuf_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, SHBUF_SIZE);
}

static const struct file_operations shbuf_fops = {
	.llseek = shbuf_llseek,
	.read_iter = shbuf_read,
	.write_iter = shbuf_write,
	.mmap = shbuf_mmap,
};

void shbuf_init(void)
{
	int err;

	shbuf_mem = vmalloc(SHBUF_SIZE);
	if (!shbuf_mem) {
		pr_err("shbuf: no memory for the buffer\n");
		return;
	}
	err = devfs_register("shbuf", 0666, &shbuf_fops, NULL);
	if (err)
		pr_err("shbuf: cannot register /dev/shbuf: error %d\n", err);
}
