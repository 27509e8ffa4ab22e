/*
 * Swap entries and the swap interface (mm/swapfile.c, mm/swap_state.c,
 * mm/page_io.c; docs/reclaim.md).
 *
 * A swap entry names one page-sized slot of one swap area: its type (the
 * area's index in swap_info[], in swapon order) and its offset (the slot
 * number inside the area; slot 0 holds mkswap's header and is never
 * handed out). An anonymous page that reclaim sends to swap is replaced,
 * in every PTE that mapped it, by the entry of its slot (the PTE layout is
 * arch/'s: asm/pgtable.h); the fault on such a PTE reads the slot back
 * (do_swap_page).
 *
 * The swap cache holds the pages whose slot is allocated and that are in
 * memory too: a page on its way out (written, not yet freed) or on its
 * way back (read in, maybe not yet mapped everywhere). A page in the swap
 * cache has PG_swapcache set and its entry in page->private; it is found
 * by entry, so a page shared after fork is read from swap once.
 */
#ifndef _MM_SWAP_H
#define _MM_SWAP_H

#include <kernel/types.h>
#include <mm/mm_types.h>
#include <asm/pgtable.h>

#define MAX_SWAPFILES (1U << SWP_TYPE_BITS)

typedef struct {
	unsigned long val;
} swp_entry_t;

static inline swp_entry_t swp_entry(unsigned int type, unsigned long offset)
{
	return (swp_entry_t){ ((unsigned long)type << SWP_OFFSET_BITS) | offset };
}
static inline unsigned int swp_type(swp_entry_t e)
{
	return e.val >> SWP_OFFSET_BITS;
}
static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & ((1UL << SWP_OFFSET_BITS) - 1);
}
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __swp_entry_to_pte(swp_type(e), swp_offset(e));
}
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(__pte_swp_type(pte), __pte_swp_offset(pte));
}

#endif
