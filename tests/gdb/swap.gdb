# tests/gdb/swap.gdb - one anonymous page out to swap and back, in GDB
# (docs/reclaim.md, "A page out and back, in GDB"), as one batch run over
# user/gdb/swap_gdb:
#
#   make lab-programs
#   make gdb-batch SCRIPT=tests/gdb/swap.gdb PROG=build/user/gdb/swap_gdb SWAP=64M
#
# The exit status is 0 only if every command ran (a breakpoint never
# reached leaves the run at power-off, where the next command fails).
# Each part starts with an "== N ..." line, the steps of the doc's walk.

# ---- 1. going out: MADV_PAGEOUT -> try_to_unmap_one ---------------------
break try_to_unmap_one if addr == 0x5e5e0000
continue
echo == 1 try_to_unmap_one\n
bt
fl-pte 0x5e5e0000
fl-page page
print/x page->private
finish
echo == 1 after try_to_unmap_one\n
fl-pte 0x5e5e0000
delete

# ---- 2. the write to the slot ------------------------------------------------
break swap_writepage
continue
echo == 2 swap_writepage\n
bt 3
fl-page page
print vm_events[PSWPOUT]
delete

# ---- 3. coming back: the read fault ----------------------------------------------
fl-break-fault - 0x5e5e0000 -at do_swap_page
continue
echo == 3 do_swap_page\n
bt 4
fl-pte vmf->address
print/x vmf->orig_pte
finish
echo == 3 after do_swap_page\n
fl-pte 0x5e5e0000
fl-page 0x5e5e0000
print vm_events[PSWPIN]
delete

# ---- 4. the write: the slot is let go --------------------------------------------
fl-break-fault - 0x5e5e0000 -at do_wp_page
continue
echo == 4 do_wp_page\n
finish
echo == 4 after do_wp_page\n
fl-pte 0x5e5e0000
fl-page 0x5e5e0000
