/*
 * Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS), and its swap.
 *
 * Such a mapping must stay shared across fork: parent and child see one
 * set of pages. Linux backs it with a file on an internal tmpfs
 * (shmem_zero_setup); Faultline does the same in miniature: a shmem object
 * is a reference-counted page cache (struct address_space) with no inode
 * and no disk. Every VMA that maps it holds a reference (->open on fork and
 * split, ->close on unmap), is on the object's i_mmap (vma_mapping, so
 * reclaim can unmap its pages), and finds its pages by vm_pgoff like a
 * file's. The pages are zero-filled when first touched and are never
 * written back by the flusher (no ->writepage: no dirty accounting).
 *
 * Swap: a shmem page has no other copy, so reclaim (mm/vmscan.c) sends it
 * to swap, as Linux's shmem_writepage does: shmem_writeout gives it a
 * slot, records the slot's swap entry in the object's swap index at the
 * page's offset (the index holds one reference on the slot), takes the
 * page out of the object and puts it in the swap cache, and writes it.
 * From then on it is an ordinary swap-cache page, freed once written. A
 * fault at that offset (shmem_swapin) reads the slot back (or finds the
 * page still in the swap cache), puts the page back in the object, and
 * drops the index's entry. Linux keeps the entries in the page cache's
 * own tree as "exceptional" values; here they have a tree of their own.
 *
 * Ordering, so that a fault never sees neither the page nor the entry
 * (and makes a fresh zero page over swapped data): going out, the entry
 * is in the index before the page leaves the object; coming back, the
 * page is in the object before the entry leaves the index. Both steps
 * hold the page lock of the one page concerned.
 *
 * The same object is the page cache of a tmpfs file (fs/tmpfs.c: files on
 * /dev/shm and mounted tmpfs, memfds, SysV segments): the inode holds
 * one reference, its i_mapping is the object's mapping (host set to the
 * inode), and reads, writes and faults get pages through shmem_getpage.
 * Such an object is not charged to Committed_AS (tmpfs files are
 * limited by size= instead, as Linux's are by default).
 *
 * A futex key (kernel/futex.c) holds a reference too, so that the object
 * a waiter sleeps on is not freed and reused for another while it waits.
 *
 * Locks: the object's reference count is atomic; its pages are protected
 * by the address_space's tree_lock and page locks as for any file; the
 * swap index by swapped.tree_lock (a leaf: page lock -> swapped.tree_lock,
 * never with the object's tree_lock); the list of objects (for swapoff)
 * by shmem_list_lock, a leaf.
 */
#include <kernel/err.h>
#include <kernel/errno.h>
#include <kernel/kernel.h>
#include <kernel/list.h>
#include <kernel/sched.h>
#include <fs/fs.h>
#include <mm/filemap.h>
#include <mm/mm.h>
#include <mm/overcommit.h>
#include <mm/page_alloc.h>
#include <mm/page_tree.h>
#include <mm/rmap.h>
#include <mm/slab.h>
#include <mm/swap.h>
#include <mm/vmscan.h>

struct shmem_object {
	int refcount;                   /* (a) VMAs mapping it, futex keys, swapoff's walk */
	long charged;                   /* (c) pages in Committed_AS until it is freed */
	struct address_space mapping;
	/* (swapped.tree_lock) offset -> swap entry of each page out on
	 * swap, stored as (entry.val << 1) | 1 (never a valid pointer) */
	struct address_space swapped;
	struct list_head list;          /* (shmem_list_lock) on shmem_objects */
};

static DEFINE_SPINLOCK(shmem_list_lock);
static LIST_HEAD(shmem_objects);        /* (shmem_list_lock) every live object */

static const struct address_space_operations shmem_aops = {
	.readpage = NULL,               /* pages are created zeroed or come from swap */
};

static struct shmem_object *shmem_obj(struct address_space *m)
{
	return container_of(m, struct shmem_object, mapping);
}

bool shmem_mapping(const struct address_space *m)
{
	return m && m->a_ops == &shmem_aops;
}

/* ---- the swap index ------------------------------------------------------ */

static swp_entry_t shmem_swap_lookup(struct shmem_object *obj, unsigned long index)
{
	unsigned long v;

	spin_lock(&obj->swapped.tree_lock);
	v = (unsigned long)radix_lookup(&obj->swapped, index);
	spin_unlock(&obj->swapped.tree_lock);
	return (swp_entry_t){ v >> 1 };
}

/* Record @entry at @index. Returns 0 or -ENOMEM. Context: does not sleep
 * (reclaim). */
static int shmem_swap_insert(struct shmem_object *obj, unsigned long index, swp_entry_t entry)
{
	struct radix_preload pre = { .nr = 0 };
	int err = 0;

	for (;;) {
		unsigned int need;

		spin_lock(&obj->swapped.tree_lock);
		need = radix_nodes_needed(&obj->swapped, index);
		if (need <= pre.nr)
			break;
		spin_unlock(&obj->swapped.tree_lock);
		err = radix_preload(&pre, need, GFP_ATOMIC);
		if (err) {
			radix_preload_end(&pre);
			return err;
		}
	}
	err = radix_insert(&obj->swapped, index, (struct page *)((entry.val << 1) | 1), &pre);
	if (!err)
		obj->swapped.nrpages++;
	spin_unlock(&obj->swapped.tree_lock);
	radix_preload_end(&pre);
	return err;
}

/* Remove @index's entry if it is still @entry. Returns true if it was. */
static bool shmem_swap_remove(struct shmem_object *obj, unsigned long index, swp_entry_t entry)
{
	bool found;

	spin_lock(&obj->swapped.tree_lock);
	found = (unsigned long)radix_lookup(&obj->swapped, index) == ((entry.val << 1) | 1);
	if (found) {
		radix_delete(&obj->swapped, index);
		obj->swapped.nrpages--;
	}
	spin_unlock(&obj->swapped.tree_lock);
	return found;
}

/* Free the slots of the object's pages out on swap from @index on (the
 * object goes, or a tmpfs file shrinks). */
static void shmem_free_swap(struct shmem_object *obj, unsigned long index)
{
	void *v;

	spin_lock(&obj->swapped.tree_lock);
	while ((v = radix_next(&obj->swapped, &index)) != NULL) {
		swp_entry_t entry = { (unsigned long)v >> 1 };

		radix_delete(&obj->swapped, index);
		obj->swapped.nrpages--;
		spin_unlock(&obj->swapped.tree_lock);
		free_swap_and_cache(entry);
		spin_lock(&obj->swapped.tree_lock);
	}
	spin_unlock(&obj->swapped.tree_lock);
}

/* ---- out and back --------------------------------------------------------- */

int shmem_writeout(struct page *page)
{
	struct address_space *m = page->mapping;
	struct shmem_object *obj = shmem_obj(m);
	unsigned long index = page->index;
	swp_entry_t entry = get_swap_page();
	struct page *old;

	if (!entry.val)
		goto keep;
	if (swap_duplicate(entry))              /* the index's reference */
		goto free_slot;
	if (shmem_swap_insert(obj, index, entry))
		goto free_ref;
	if (!remove_mapping(m, page))           /* mapped or referenced again meanwhile */
		goto unindex;
	if (add_to_swap_cache(page, entry, GFP_ATOMIC)) {
		/* Back where it was: it is the only copy. */
		old = add_to_page_cache_locked(m, index, page);
		if (old)
			panic("shmem_writeout: offset %lu of an object taken while its page was out",
			      index);
		goto unindex;
	}
	set_page_flag(page, PG_uptodate);
	set_page_flag(page, PG_dirty);
	return swap_writepage(page);            /* unlocks */
unindex:
	shmem_swap_remove(obj, index, entry);
free_ref:
	swap_free(entry);
free_slot:
	swapcache_free(entry);
keep:
	unlock_page(page);
	return -EAGAIN;
}

/*
 * Bring the page at @index, whose slot is @entry, back into @obj: from
 * the swap cache, or read from the slot. Returns the page locked and
 * referenced, in the object; NULL with *@ret set to 0 (look again: the
 * entry moved meanwhile) or to VM_FAULT_OOM/VM_FAULT_SIGBUS.
 * Context: may sleep (allocation, disk read).
 */
static struct page *shmem_swapin(struct shmem_object *obj, unsigned long index,
				 swp_entry_t entry, vm_fault_t *ret)
{
	struct page *page, *old;
	bool new_read;
	int err;

	*ret = 0;
	page = read_swap_cache_async(entry, GFP_KERNEL, &new_read, &err);
	if (!page) {
		if (err != -ENOENT)
			*ret = VM_FAULT_OOM;
		return NULL;
	}
	if (new_read) {
		*ret = VM_FAULT_MAJOR;
		swap_readpage(page);
	} else {
		lock_page(page);
	}
	if (!PageSwapCache(page) || page->private != entry.val) {
		*ret = 0;                       /* taken back by another fault: look again */
		goto drop;
	}
	if (!PageUptodate(page)) {
		*ret = VM_FAULT_SIGBUS;
		goto drop;
	}
	swap_wait_on_writeback(page);
	/* In the object first, then out of the swap cache and the index. */
	old = add_to_page_cache_locked(&obj->mapping, index, page);
	if (old) {
		if (!IS_ERR(old))
			put_page(old);          /* cannot be: the index still names the slot */
		*ret = IS_ERR(old) ? VM_FAULT_OOM : 0;
		goto drop;
	}
	/* On the anonymous LRU already (read_swap_cache_async put a page
	 * it read there; one found in the swap cache kept its place, or is
	 * isolated by reclaim, which puts it back): shmem pages are
	 * swap-backed, on the same lists. */
	delete_from_swap_cache(page);
	if (shmem_swap_remove(obj, index, entry))
		swap_free(entry);
	return page;
drop:
	unlock_page(page);
	put_page(page);
	return NULL;
}

/* ---- the VMA operations ------------------------------------------------------ */

static void shmem_open(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
}

static void shmem_object_put(struct shmem_object *obj)
{
	if (__atomic_sub_fetch(&obj->refcount, 1, __ATOMIC_SEQ_CST))
		return;
	spin_lock(&shmem_list_lock);
	list_del(&obj->list);
	spin_unlock(&shmem_list_lock);
	truncate_inode_pages(&obj->mapping, 0);
	shmem_free_swap(obj, 0);
	if (obj->charged)
		vm_unacct_memory(obj->charged);
	kfree(obj);
}

static void shmem_close(struct vm_area_struct *vma)
{
	shmem_object_put(vma->vm_private_data);
}

int shmem_getpage(struct address_space *m, unsigned long index, bool create,
		  struct page **pagep, bool *major)
{
	struct shmem_object *obj = shmem_obj(m);
	struct page *page;
	vm_fault_t ret;

	*major = false;
	for (;;) {
		swp_entry_t entry;

		page = find_get_page(&obj->mapping, index);
		if (page) {
			lock_page(page);
			if (page->mapping == &obj->mapping)
				break;
			unlock_page(page);      /* went to swap (or was truncated) meanwhile */
			put_page(page);
			continue;
		}
		entry = shmem_swap_lookup(obj, index);
		if (entry.val) {
			page = shmem_swapin(obj, index, entry, &ret);
			if (page) {
				*major = ret & VM_FAULT_MAJOR;
				break;
			}
			if (ret & VM_FAULT_OOM)
				return -ENOMEM;
			if (ret & VM_FAULT_SIGBUS)
				return -EIO;
			continue;
		}
		if (!create) {
			*pagep = NULL;          /* a hole: reads as zeros */
			return 0;
		}
		page = find_or_create_page(&obj->mapping, index);
		if (!page)
			return -ENOMEM;
		/* find_or_create_page zero-fills a new page; it is valid from now on. */
		set_page_flag(page, PG_uptodate);
		break;
	}
	*pagep = page;
	return 0;
}

/* The object's page at vmf->pgoff: in memory, back from swap, or created
 * zeroed on first use. */
static vm_fault_t shmem_fault(struct vm_fault *vmf)
{
	struct shmem_object *obj = vmf->vma->vm_private_data;
	bool major;
	int err = shmem_getpage(&obj->mapping, vmf->pgoff, true, &vmf->page, &major);

	if (err)
		return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
	return VM_FAULT_LOCKED | (major ? VM_FAULT_MAJOR : 0);
}

static const struct vm_operations_struct shmem_vm_ops = {
	.open = shmem_open,
	.close = shmem_close,
	.fault = shmem_fault,
	.name = "shmem",
};

struct address_space *shmem_vma_mapping(const struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	return vma->vm_ops == &shmem_vm_ops ? &obj->mapping : NULL;
}

struct address_space *shmem_get_mapping(struct vm_area_struct *vma)
{
	struct shmem_object *obj = vma->vm_private_data;

	__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
	return &obj->mapping;
}

void shmem_mapping_get(struct address_space *mapping)
{
	__atomic_fetch_add(&shmem_obj(mapping)->refcount, 1, __ATOMIC_SEQ_CST);
}

void shmem_put_mapping(struct address_space *mapping)
{
	shmem_object_put(shmem_obj(mapping));
}

/* swapoff: bring back every page of every object whose slot is in area
 * @type. Returns 0 or -ENOMEM. */
static int shmem_unuse_obj(struct shmem_object *obj, unsigned int type)
{
	unsigned long index = 0;
	void *v;

	for (;;) {
		swp_entry_t entry;
		struct page *page;
		vm_fault_t ret;

		spin_lock(&obj->swapped.tree_lock);
		while ((v = radix_next(&obj->swapped, &index)) != NULL &&
		       swp_type((swp_entry_t){ (unsigned long)v >> 1 }) != type)
			index++;
		spin_unlock(&obj->swapped.tree_lock);
		if (!v)
			return 0;
		entry.val = (unsigned long)v >> 1;
		page = shmem_swapin(obj, index, entry, &ret);
		if (page) {
			unlock_page(page);
			put_page(page);
		} else if (ret & VM_FAULT_OOM) {
			return -ENOMEM;
		} else if (ret & VM_FAULT_SIGBUS) {
			index++;                /* an unreadable slot stays: swapoff reports it */
		}
	}
}

int shmem_unuse(unsigned int type)
{
	struct shmem_object *obj, *prev = NULL;
	int err = 0;

	/* Each object is held by a reference while it is walked without the
	 * list lock; the next one is found from it (a held object stays on
	 * the list). */
	spin_lock(&shmem_list_lock);
	obj = list_empty(&shmem_objects) ? NULL :
	      list_first_entry(&shmem_objects, struct shmem_object, list);
	while (obj && !err) {
		__atomic_fetch_add(&obj->refcount, 1, __ATOMIC_SEQ_CST);
		spin_unlock(&shmem_list_lock);
		if (prev)
			shmem_object_put(prev);
		err = shmem_unuse_obj(obj, type);
		prev = obj;
		spin_lock(&shmem_list_lock);
		obj = obj->list.next == &shmem_objects ? NULL :
		      list_entry(obj->list.next, struct shmem_object, list);
	}
	spin_unlock(&shmem_list_lock);
	if (prev)
		shmem_object_put(prev);
	return err;
}

bool vma_is_anon_shmem(const struct vm_area_struct *vma)
{
	return vma->vm_ops == &shmem_vm_ops;
}

/* A new object, referenced once, charged @pages (already accounted by
 * the caller), whose mapping's host is @host. */
static struct shmem_object *shmem_object_alloc(struct inode *host, long pages)
{
	struct shmem_object *obj = kzalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return NULL;
	obj->refcount = 1;
	obj->charged = pages;
	address_space_init(&obj->mapping, host);
	obj->mapping.a_ops = &shmem_aops;
	address_space_init(&obj->swapped, NULL);
	spin_lock(&shmem_list_lock);
	list_add_tail(&obj->list, &shmem_objects);
	spin_unlock(&shmem_list_lock);
	return obj;
}

struct address_space *shmem_mapping_create(struct inode *host)
{
	struct shmem_object *obj = shmem_object_alloc(host, 0);

	return obj ? &obj->mapping : NULL;
}

void shmem_truncate_swap(struct address_space *m, loff_t lstart)
{
	shmem_free_swap(shmem_obj(m), (unsigned long)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT));
}

unsigned long shmem_nr_pages(struct address_space *m)
{
	struct shmem_object *obj = shmem_obj(m);

	return READ_ONCE(obj->mapping.nrpages) + READ_ONCE(obj->swapped.nrpages);
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
	obj = shmem_object_alloc(NULL, pages);
	if (!obj) {
		if (pages)
			vm_unacct_memory(pages);
		return -ENOMEM;
	}
	vma->vm_private_data = obj;
	vma->vm_ops = &shmem_vm_ops;
	vma->vm_pgoff = 0;
	return 0;
}
