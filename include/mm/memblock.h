/*
 * memblock: the boot-time physical memory manager.
 *
 * Before the page allocator exists, memory is two lists of physical
 * ranges: what RAM there is (from the boot loader's map) and what is
 * reserved in it (low memory, the kernel image, the loader's structures,
 * boot modules, and every memblock_alloc()). The page allocator is then
 * built from "RAM minus reserved" (memblock_free_ranges) and memblock
 * retires. Boot is single-threaded: no locking.
 */
#ifndef _MM_MEMBLOCK_H
#define _MM_MEMBLOCK_H

#include <kernel/types.h>

#define MEMBLOCK_MAX_REGIONS 128

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Allocate @size bytes aligned to @align below the current limit; zeroed.
 * Panics when there is no room: at boot, nothing can go on without it. */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
/* Only memory below @limit is reachable through the boot page tables. */
void memblock_set_limit(phys_addr_t limit);
phys_addr_t memblock_end_of_ram(void);
phys_addr_t memblock_total_ram(void);
phys_addr_t memblock_reserved_size(void);
/* Call @fn for each RAM range not reserved (page aligned inwards). */
void memblock_free_ranges(void (*fn)(phys_addr_t start, phys_addr_t end, void *arg), void *arg);
/* Call @fn for each RAM range. */
void memblock_ram_ranges(void (*fn)(phys_addr_t start, phys_addr_t end, void *arg), void *arg);
bool memblock_is_reserved(phys_addr_t addr);
void memblock_dump(void);

#endif
