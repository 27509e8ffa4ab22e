/*
 * memblock: boot-time physical memory (see include/mm/memblock.h).
 *
 * Two small arrays of [base, end) ranges: RAM and reserved. Reserved
 * ranges may overlap each other and need not be sorted; allocation takes
 * the highest free, suitably aligned spot below the limit (top-down, so
 * low memory stays free for devices that need it).
 */
#include <kernel/kernel.h>
#include <kernel/string.h>
#include <mm/memblock.h>
#include <asm/page.h>

struct range {
	phys_addr_t base, end;
};

static struct range ram[MEMBLOCK_MAX_REGIONS];
static struct range reserved[MEMBLOCK_MAX_REGIONS];
static unsigned int nr_ram, nr_reserved;
static phys_addr_t limit = ~0UL;

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t s = ALIGN_UP(base, PAGE_SIZE), e = ALIGN_DOWN(base + size, PAGE_SIZE);

	if (e <= s)
		return;
	if (nr_ram == MEMBLOCK_MAX_REGIONS)
		panic("too many RAM regions");
	/* Keep RAM sorted by base: the allocator and the page allocator walk it in order. */
	unsigned int i = nr_ram++;

	while (i > 0 && ram[i - 1].base > s) {
		ram[i] = ram[i - 1];
		i--;
	}
	ram[i] = (struct range){ s, e };
}

void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	if (!size)
		return;
	if (nr_reserved == MEMBLOCK_MAX_REGIONS)
		panic("too many reserved regions");
	reserved[nr_reserved++] = (struct range){ ALIGN_DOWN(base, PAGE_SIZE),
						  ALIGN_UP(base + size, PAGE_SIZE) };
}

void memblock_set_limit(phys_addr_t l)
{
	limit = l;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	for (unsigned int i = 0; i < nr_reserved; i++)
		if (addr >= reserved[i].base && addr < reserved[i].end)
			return true;
	return false;
}

/* The first reserved range overlapping [s, e), or NULL. */
static struct range *overlap(phys_addr_t s, phys_addr_t e)
{
	for (unsigned int i = 0; i < nr_reserved; i++)
		if (reserved[i].base < e && s < reserved[i].end)
			return &reserved[i];
	return NULL;
}

phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (unsigned int i = nr_ram; i-- > 0;) {
		phys_addr_t lo = ram[i].base;
		phys_addr_t top = min(ram[i].end, limit);

		/* Walk down from the top of this range, hopping below each
		 * reserved range in the way. */
		while (top >= lo + size) {
			phys_addr_t s = ALIGN_DOWN(top - size, align);
			struct range *r;

			if (s < lo)
				break;
			r = overlap(s, s + size);
			if (!r) {
				memblock_reserve(s, size);
				memset(__va(s), 0, size);
				return s;
			}
			top = r->base;
		}
	}
	panic("out of memory allocating %lu bytes at boot", size);
}

phys_addr_t memblock_end_of_ram(void)
{
	return nr_ram ? ram[nr_ram - 1].end : 0;
}

phys_addr_t memblock_total_ram(void)
{
	phys_addr_t total = 0;

	for (unsigned int i = 0; i < nr_ram; i++)
		total += ram[i].end - ram[i].base;
	return total;
}

phys_addr_t memblock_reserved_size(void)
{
	phys_addr_t total = 0;

	/* Count reserved pages inside RAM once, however many ranges cover them. */
	for (unsigned int i = 0; i < nr_ram; i++)
		for (phys_addr_t p = ram[i].base; p < ram[i].end; p += PAGE_SIZE)
			if (memblock_is_reserved(p))
				total += PAGE_SIZE;
	return total;
}

void memblock_ram_ranges(void (*fn)(phys_addr_t, phys_addr_t, void *), void *arg)
{
	for (unsigned int i = 0; i < nr_ram; i++)
		fn(ram[i].base, ram[i].end, arg);
}

void memblock_free_ranges(void (*fn)(phys_addr_t, phys_addr_t, void *), void *arg)
{
	for (unsigned int i = 0; i < nr_ram; i++) {
		phys_addr_t p = ram[i].base;

		while (p < ram[i].end) {
			phys_addr_t start;

			while (p < ram[i].end && memblock_is_reserved(p))
				p += PAGE_SIZE;
			start = p;
			while (p < ram[i].end && !memblock_is_reserved(p))
				p += PAGE_SIZE;
			if (p > start)
				fn(start, p, arg);
		}
	}
}

void memblock_dump(void)
{
	pr_info("memblock: %u RAM ranges, %lu MiB; %u reserved ranges:\n", nr_ram,
		memblock_total_ram() >> 20, nr_reserved);
	for (unsigned int i = 0; i < nr_reserved; i++)
		pr_info("  reserved [%#lx-%#lx)\n", reserved[i].base, reserved[i].end);
}
