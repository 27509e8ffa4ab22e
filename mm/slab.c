/*
 * Slab caches and kmalloc (see include/mm/slab.h).
 *
 * Each slab is one page. Its struct page records the cache, the free-object
 * list and the count in use. A cache keeps slabs with free objects on
 * `partial` and exhausted ones on `full`; a slab whose last object is
 * freed goes back to the page allocator unless it is the cache's only
 * partial slab (one spare avoids thrashing at the boundary).
 *
 * Lock order: cache->lock -> zone.lock (a new slab is allocated with the
 * cache lock dropped, so in practice the two are never nested).
 * Debug checks (always on): kfree of a pointer that is not the start of an
 * object, and double free (the object already on its slab's free list),
 * both panic with the pointer.
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <mm/slab.h>

static const unsigned int kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048 };
static struct kmem_cache kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];
static const char *const kmalloc_names[] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96", "kmalloc-128",
	"kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k",
};

/* The largest power of two dividing @size, capped at a page. */
static unsigned int natural_align(unsigned int size)
{
	unsigned int a = size & -size;

	return a > PAGE_SIZE ? PAGE_SIZE : a;
}

void kmem_cache_init(struct kmem_cache *c, const char *name, unsigned int size, unsigned int align)
{
	if (align < KMALLOC_MIN_SIZE)
		align = KMALLOC_MIN_SIZE;
	c->name = name;
	c->align = align;
	c->size = ALIGN_UP(size < sizeof(void *) ? (unsigned int)sizeof(void *) : size, align);
	c->objects_per_slab = PAGE_SIZE / c->size;
	ASSERT(c->objects_per_slab >= 1);
	spin_lock_init(&c->lock, name);
	INIT_LIST_HEAD(&c->partial);
	INIT_LIST_HEAD(&c->full);
	c->nr_slabs = 0;
	c->nr_allocated = 0;
}

static struct page *new_slab(struct kmem_cache *c, gfp_t gfp)
{
	struct page *page = alloc_page(gfp & ~__GFP_ZERO);
	char *base;

	if (!page)
		return NULL;
	base = page_address(page);
	page->slab_cache = c;
	page->objects = c->objects_per_slab;
	page->inuse = 0;
	page->freelist = NULL;
	/* Chain the objects so the lowest address is handed out first. */
	for (unsigned int i = c->objects_per_slab; i-- > 0;) {
		void **obj = (void **)(base + i * c->size);

		*obj = page->freelist;
		page->freelist = obj;
	}
	set_page_flag(page, PG_slab);
	return page;
}

/* Return a slab's page to the page allocator. Context: off every list. */
static void free_slab(struct page *page)
{
	clear_page_flag(page, PG_slab);
	/* The slab words share the union with mapping/index/private. */
	page->slab_cache = NULL;
	page->freelist = NULL;
	page->inuse = 0;
	page->objects = 0;
	put_page(page);
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct page *page;
	void **obj;

	if (list_empty(&c->partial)) {
		spin_unlock_irqrestore(&c->lock, flags);
		page = new_slab(c, gfp);
		if (!page)
			return NULL;
		flags = spin_lock_irqsave(&c->lock);
		list_add(&page->slab_list, &c->partial);
		c->nr_slabs++;
	}
	page = list_first_entry(&c->partial, struct page, slab_list);
	obj = page->freelist;
	page->freelist = *obj;
	page->inuse++;
	c->nr_allocated++;
	if (!page->freelist) {
		list_del(&page->slab_list);
		list_add(&page->slab_list, &c->full);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, c->size);
	return obj;
}

static void check_object(struct kmem_cache *c, struct page *page, const void *obj)
{
	unsigned long off = (unsigned long)obj - (unsigned long)page_address(page);

	if (off % c->size || off / c->size >= page->objects)
		panic("kfree(%p): not an object of %s", obj, c->name);
	for (void **f = page->freelist; f; f = *f)
		if (f == obj)
			panic("double free of %p in %s", obj, c->name);
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	struct page *page = virt_to_page(obj);
	struct page *to_free = NULL;
	unsigned long flags;

	if (!PageSlab(page) || page->slab_cache != c)
		panic("kmem_cache_free(%s, %p): object of another cache", c->name, obj);
	flags = spin_lock_irqsave(&c->lock);
	check_object(c, page, obj);
	if (!page->freelist) {                  /* it was full */
		list_del(&page->slab_list);
		list_add(&page->slab_list, &c->partial);
	}
	*(void **)obj = page->freelist;
	page->freelist = obj;
	page->inuse--;
	c->nr_allocated--;
	if (page->inuse == 0 && c->partial.next->next != &c->partial) {
		/* Empty, and not the only partial slab: give the page back. */
		list_del(&page->slab_list);
		c->nr_slabs--;
		to_free = page;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (to_free)
		free_slab(to_free);
}

void kmem_cache_destroy(struct kmem_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct page *page, *n;
	LIST_HEAD(empty);

	if (c->nr_allocated || !list_empty(&c->full))
		panic("kmem_cache_destroy(%s): %lu objects still in use", c->name, c->nr_allocated);
	list_for_each_entry_safe(page, n, &c->partial, slab_list) {
		list_del(&page->slab_list);
		list_add(&page->slab_list, &empty);
		c->nr_slabs--;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	list_for_each_entry_safe(page, n, &empty, slab_list) {
		list_del(&page->slab_list);
		free_slab(page);
	}
}

static unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

static struct kmem_cache *kmalloc_slab(size_t size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		if (size <= kmalloc_sizes[i])
			return &kmalloc_caches[i];
	return NULL;
}

/* kmalloc(0) returns NULL, and kfree(NULL) does nothing. */
void *kmalloc(size_t size, gfp_t gfp)
{
	struct kmem_cache *c;
	struct page *page;
	unsigned int order;

	if (!size)
		return NULL;
	c = kmalloc_slab(size);
	if (c)
		return kmem_cache_alloc(c, gfp);
	order = get_order(size);
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	set_page_flag(page, PG_large_kmalloc);
	page->private = order;
	return page_address(page);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void kfree(const void *obj)
{
	struct page *page;

	if (!obj)
		return;
	page = virt_to_page(obj);
	if (PageSlab(page)) {
		kmem_cache_free(page->slab_cache, (void *)obj);
	} else if (test_page_flag(page, PG_large_kmalloc) && obj == page_address(page)) {
		unsigned int order = (unsigned int)page->private;

		clear_page_flag(page, PG_large_kmalloc);
		page->private = 0;
		__free_pages(page, order);
	} else {
		panic("kfree(%p): not a kmalloc pointer", obj);
	}
}

size_t ksize(const void *obj)
{
	struct page *page = virt_to_page(obj);

	if (PageSlab(page))
		return page->slab_cache->size;
	if (test_page_flag(page, PG_large_kmalloc))
		return PAGE_SIZE << page->private;
	panic("ksize(%p): not a kmalloc pointer", obj);
}

void kmalloc_init(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		kmem_cache_init(&kmalloc_caches[i], kmalloc_names[i], kmalloc_sizes[i],
				natural_align(kmalloc_sizes[i]));
	pr_info("slab: kmalloc caches from %u to %u bytes\n", kmalloc_sizes[0],
		kmalloc_sizes[ARRAY_SIZE(kmalloc_sizes) - 1]);
}

void kmalloc_print_stats(void)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		struct kmem_cache *c = &kmalloc_caches[i];

		console_printf("  %-12s %6lu objects in use, %4lu slabs\n", c->name,
			       c->nr_allocated, c->nr_slabs);
	}
}
