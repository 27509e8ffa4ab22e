/*
 * What the swap ktests share (mm/swap_ktest_util.c; used by
 * mm/swapfile_ktest.c and mm/swap_fault_ktest.c).
 *
 * The tests make a swap area of their own on the scratch disk vdb (8 MiB:
 * 2048 slots) with the highest priority, so that a boot with its own swap
 * disk (SWAP=) does not change which area the slots come from; each test
 * that makes it switches it off again, which also zeroes the header.
 */
#ifndef _MM_SWAP_KTEST_H
#define _MM_SWAP_KTEST_H

#include <kernel/ktest.h>
#include <kernel/types.h>

/* mkswap's header for @last_page, with the @nbad bad pages @bad, in @page. */
void swap_ktest_make_header(void *page, u32 last_page, const u32 *bad, u32 nbad);
/* Write the header for the whole of vdb (@bad, @nbad as above) and swapon
 * it at the highest priority. Returns false (a failure recorded in @t) if
 * that could not be done. Context: may sleep. */
bool swap_ktest_area_on(struct kt *t, const u32 *bad, u32 nbad);
/* swapoff of vdb (expected to succeed) and its header zeroed. */
void swap_ktest_area_off(struct kt *t);
/* The same area on vdb (no bad pages), but enabled and switched off
 * through the block device @name (a ktest's own device that passes its
 * requests to vdb). */
bool swap_ktest_area_on_as(struct kt *t, const char *name);
void swap_ktest_area_off_as(struct kt *t, const char *name);
/* Set /proc/sys/vm/page-cluster to @order (through its store, as a write
 * would); returns the value it had. Tests that count reads one fault at a
 * time turn readahead off with 0 and put the old value back. */
int swap_ktest_page_cluster(int order);

#endif
