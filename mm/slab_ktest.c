/*
 * ktests for kmalloc and slab caches: every size class, alignment, reuse of
 * freed objects, zeroing, many slabs, the page-backed large sizes.
 */
#include <kernel/ktest.h>
#include <kernel/string.h>
#include <mm/slab.h>

KTEST(kmalloc_sizes)
{
	static const size_t sizes[] = { 1, 7, 8, 9, 63, 64, 65, 96, 100, 128, 129, 192, 255,
					256, 511, 512, 1000, 1024, 2047, 2048, 2049, 4096,
					5000, 3 * 4096, 65536 };

	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i], GFP_KERNEL);

		KT_ASSERT(p != NULL);
		KT_EXPECT(ksize(p) >= sizes[i]);
		memset(p, 0x5a, ksize(p));      /* the whole object must be usable */
		kfree(p);
	}
}

KTEST(kmalloc_alignment)
{
	for (size_t size = 8; size <= 8192; size *= 2) {
		void *p = kmalloc(size, GFP_KERNEL);
		size_t align = size < PAGE_SIZE ? size : PAGE_SIZE;

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ((unsigned long)p & (align - 1), 0);
		kfree(p);
	}
	{
		void *p = kmalloc(96, GFP_KERNEL);

		KT_ASSERT(p != NULL);
		KT_EXPECT_EQ((unsigned long)p & 31, 0);
		kfree(p);
	}
}

KTEST(kmalloc_reuse)
{
	void *p = kmalloc(64, GFP_KERNEL);
	void *q;

	KT_ASSERT(p != NULL);
	kfree(p);
	q = kmalloc(64, GFP_KERNEL);
	KT_EXPECT(q == p);                      /* the free list is last-in, first-out */
	kfree(q);
}

KTEST(kzalloc_zeroes)
{
	unsigned char *p = kmalloc(200, GFP_KERNEL);
	bool zero = true;

	KT_ASSERT(p != NULL);
	memset(p, 0xff, 200);
	kfree(p);
	p = kzalloc(200, GFP_KERNEL);
	KT_ASSERT(p != NULL);
	for (int i = 0; i < 200; i++)
		if (p[i])
			zero = false;
	KT_EXPECT(zero);
	kfree(p);
}

KTEST(kmalloc_many_objects)
{
	enum { N = 1000 };
	static unsigned long *objs[N];
	unsigned long free_before = nr_free_pages();
	bool intact = true;

	for (unsigned long i = 0; i < N; i++) {
		objs[i] = kmalloc(128, GFP_KERNEL);
		KT_ASSERT(objs[i] != NULL);
		for (int w = 0; w < 16; w++)
			objs[i][w] = i * 16 + w;
	}
	/* No two objects overlap: every pattern survived every other write. */
	for (unsigned long i = 0; i < N; i++)
		for (int w = 0; w < 16; w++)
			if (objs[i][w] != i * 16 + (unsigned long)w)
				intact = false;
	KT_EXPECT(intact);
	for (unsigned long i = 0; i < N; i++)
		kfree(objs[i]);
	/* Empty slabs went back to the page allocator (one spare may stay). */
	KT_EXPECT(nr_free_pages() + 1 >= free_before);
}

KTEST(kmalloc_large_uses_pages)
{
	unsigned long before = nr_free_pages();
	void *p = kmalloc(10000, GFP_KERNEL);

	KT_ASSERT(p != NULL);
	KT_EXPECT_EQ((unsigned long)p & (PAGE_SIZE - 1), 0);
	KT_EXPECT_EQ(ksize(p), 4 * PAGE_SIZE);
	KT_EXPECT_EQ(nr_free_pages(), before - 4);
	kfree(p);
	KT_EXPECT_EQ(nr_free_pages(), before);
}

KTEST(kmalloc_zero_size)
{
	KT_EXPECT(kmalloc(0, GFP_KERNEL) == NULL);
	kfree(NULL);                            /* must be a no-op */
}

KTEST(kmem_cache_custom)
{
	struct kmem_cache c;
	char *a, *b;

	kmem_cache_init(&c, "ktest-40", 40, 8);
	KT_EXPECT_EQ(c.size, 40);
	KT_EXPECT_EQ(c.objects_per_slab, PAGE_SIZE / 40);
	a = kmem_cache_alloc(&c, GFP_KERNEL);
	b = kmem_cache_alloc(&c, GFP_KERNEL);
	KT_ASSERT(a && b);
	KT_EXPECT_EQ((unsigned long)(b - a), 40);       /* consecutive objects of one slab */
	KT_EXPECT_EQ(c.nr_allocated, 2);
	kmem_cache_free(&c, a);
	kmem_cache_free(&c, b);
	KT_EXPECT_EQ(c.nr_allocated, 0);
	kmem_cache_destroy(&c);
}
