/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS).
 *
 * Such a mapping must stay shared across fork: parent and child see one
 * set of pages. Linux backs it with a file on an internal tmpfs
 * (shmem_zero_setup); Faultline does the same in miniature: a shmem object
 * is a reference-counted page cache (struct address_space) with no inode
 * and no disk. Every VMA that maps it holds a reference (->open on fork and
 * split, ->close on unmap), and its pages are found by vm_pgoff like a
 * file's. The pages are zero-filled when first touched, never written back
 * (no ->writepage: they are never marked dirty) and never reclaimed
 * (mapping->unevictable), since they have no other copy.
 *
 * A futex key (kernel/futex.c) holds a reference too, so that the object
 * a waiter sleeps on is not freed and reused for another while it waits.
 *
 * Locks: the object's reference count is atomic; its pages are protected
 * by the address_space's tree_lock and page locks as for any file.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <mm/swap.h>

struct shmem_object {
	int refcount;                   /* (a) VMAs mapping it */
	long charged;                   /* (c) pages in Committed_AS until it is freed */
	struct address_space mapping;
};

static const struct address_space_operations shmem_aops = {
	.readpage = NULL,               /* pages are created zeroed, never read */
};

static void shmem_open(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
}

static void shmem_object_put(struct shmem_object *obj)
{
	if (__atomic_sub_fetch(&obj->refcount, 1, __ATOMIC_SEQ_CST))
		return;
	truncate_inode_pages(&obj->mapping, 0);
	if (obj->charged)
		vm_unacct_memory(obj->charged);
	kfree(obj);
}

static void shmem_close(struct vm_area_struct *vma)
{
	shmem_object_put(vma->vm_private_data);
}

/* The object's page at vmf->pgoff, created zeroed on first use. */
static vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct shmem_object *obj = vmf->vma->vm_private_data;
	struct page *page = find_or_create_page(&obj->mapping, vmf->pgoff);

	if (!page)
		return VM_FAULT_OOM;
	/* find_or_create_page zero-fills a new page; it is valid from now on. */
	set_page_flag(page, PG_uptodate);
	vmf->page = page;
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct shmem_vm_ops = {
	.open = shmem_open,
	.close = shmem_close,
	.fault = shmem_fault,
	.name = "shmem",
};

struct address_space *shmem_get_mapping(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
	return &obj->mapping;
}

void shmem_mapping_get(struct address_space *mapping)
{
	struct shmem_object *obj = container_of(mapping, struct shmem_object, mapping);

	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
}

void shmem_put_mapping(struct address_space *mapping)
{
	shmem_object_put(container_of(mapping, struct shmem_object, mapping));
}

/* swapoff: shmem pages do not swap yet (mapping->unevictable), so no
 * shmem object holds a swap entry. */
int shmem_unuse(unsigned int type)
{
	return 0;
}

bool vma_is_anon_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &shmem_vm_ops;
}

int shmem_zero_setup(struct vm_area_struct *vma)
{
	struct shmem_object *obj;
	long pages = (long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);

	/* The whole object is charged once, whoever maps it later (Linux's
	 * shmem_acct_size), unless MAP_NORESERVE was honoured. */
	if (!(vma->vm_flags & VM_NORESERVE)) {
		if (vm_enough_memory(vma->vm_mm, pages))
			return -ENOMEM;
	} else {
		pages = 0;
	}
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj) {
		if (pages)
			vm_unacct_memory(pages);
		return -ENOMEM;
	}
	obj->refcount = 1;
	obj->charged = pages;
	address_space_init(&obj->mapping, NULL);
	obj->mapping.a_ops = &shmem_aops;
	obj->mapping.unevictable = true;
	vma->vm_private_data = obj;
	vma->vm_ops = &shmem_vm_ops;
	vma->vm_pgoff = 0;
	return 0;
}
