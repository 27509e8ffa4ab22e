/*
 * The vmalloc area (see include/mm/vmalloc.h).
 *
 * Address space is handed out first-fit from a list of busy ranges sorted
 * by address, each with one unmapped guard page after it. A linear list is
 * enough for the handful of ranges a teaching kernel uses (device
 * registers, a few large buffers); Linux uses a red-black tree.
 *
 * Lock order: vmap_lock is taken alone; the pages are mapped and unmapped
 * after it is dropped (map_kernel_page takes init_mm.page_table_lock).
 */
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <mm/page_alloc.h>
#include <mm/pgtable.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>

struct vmap_area {
	unsigned long start, size;      /* size excludes the guard page */
	bool owns_pages;                /* vmalloc: free the frames on release */
	struct list_head list;          /* (vmap_lock) sorted by start */
};

static LIST_HEAD(vmap_areas);
static DEFINE_SPINLOCK(vmap_lock);

static struct vmap_area *alloc_area(unsigned long size, bool owns_pages)
{
	struct vmap_area *va = kmalloc(sizeof(*va), GFP_KERNEL);
	struct vmap_area *cur;
	unsigned long addr = VMALLOC_START;
	struct list_head *insert_after = &vmap_areas;

	if (!va)
		return NULL;
	size = PAGE_ALIGN(size);
	spin_lock(&vmap_lock);
	list_for_each_entry(cur, &vmap_areas, list) {
		if (addr + size + PAGE_SIZE <= cur->start)
			break;
		addr = cur->start + cur->size + PAGE_SIZE;
		insert_after = &cur->list;
	}
	if (addr + size + PAGE_SIZE > VMALLOC_END) {
		spin_unlock(&vmap_lock);
		kfree(va);
		return NULL;
	}
	*va = (struct vmap_area){ .start = addr, .size = size, .owns_pages = owns_pages };
	list_add(&va->list, insert_after);
	spin_unlock(&vmap_lock);
	return va;
}

static struct vmap_area *find_area(unsigned long addr)
{
	struct vmap_area *cur;

	list_for_each_entry(cur, &vmap_areas, list)
		if (cur->start == addr)
			return cur;
	return NULL;
}

/* Unmap every page of @va (freeing the frames if it owns them), then
 * return its address range. */
static void release_area(unsigned long addr, const char *who)
{
	struct vmap_area *va;

	spin_lock(&vmap_lock);
	va = find_area(addr);
	if (va)
		list_del(&va->list);
	spin_unlock(&vmap_lock);
	if (!va)
		panic("%s(%#lx): not the start of a vmalloc area", who, addr);
	for (unsigned long a = va->start; a < va->start + va->size; a += PAGE_SIZE) {
		pte_t old = unmap_kernel_page(a);

		if (va->owns_pages && pte_present(old))
			put_page(pfn_to_page(pte_pfn(old)));
	}
	kfree(va);
}

unsigned long vmap_reserve(unsigned long size)
{
	struct vmap_area *va = alloc_area(size, false);

	return va ? va->start : 0;
}

void vmap_release(unsigned long addr)
{
	release_area(addr, "vmap_release");
}

void *vmalloc(unsigned long size)
{
	struct vmap_area *va = alloc_area(size, true);

	if (!va)
		return NULL;
	for (unsigned long a = va->start; a < va->start + va->size; a += PAGE_SIZE) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

		if (!page || map_kernel_page(a, page_to_pfn(page), PAGE_KERNEL)) {
			if (page)
				put_page(page);
			release_area(va->start, "vmalloc");
			return NULL;
		}
	}
	return (void *)va->start;
}

void vfree(void *addr)
{
	if (addr)
		release_area((unsigned long)addr, "vfree");
}

void *ioremap(phys_addr_t pa, unsigned long size)
{
	unsigned long offset = pa & ~PAGE_MASK;
	struct vmap_area *va = alloc_area(size + offset, false);

	if (!va)
		return NULL;
	pa -= offset;
	for (unsigned long a = va->start; a < va->start + va->size; a += PAGE_SIZE, pa += PAGE_SIZE) {
		if (map_kernel_page(a, PFN_DOWN(pa), PAGE_KERNEL_NOCACHE)) {
			release_area(va->start, "ioremap");
			return NULL;
		}
	}
	return (void *)(va->start + offset);
}

void iounmap(void *addr)
{
	if (addr)
		release_area(ALIGN_DOWN((unsigned long)addr, PAGE_SIZE), "iounmap");
}

phys_addr_t vmalloc_to_phys(const void *addr)
{
	struct pt_lookup l;

	return lookup_kernel_address((unsigned long)addr, &l) ? l.phys : 0;
}

struct page *vmalloc_to_page(const void *addr)
{
	phys_addr_t pa = vmalloc_to_phys(addr);

	return pa ? pfn_to_page(PFN_DOWN(pa)) : NULL;
}

void vmalloc_init(void)
{
	pr_info("vmalloc: area %#lx-%#lx\n", VMALLOC_START, VMALLOC_END);
}
