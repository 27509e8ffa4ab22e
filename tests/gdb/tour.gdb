# tests/gdb/tour.gdb - the GDB commands of the guided tour (docs/tour.md),
# in order, as one batch run over user/gdb/tour_gdb:
#
#   make user && make gdb-batch SCRIPT=tests/gdb/tour.gdb PROG=build/user/gdb/tour_gdb
#
# The exit status is 0 only if every command ran: a fl-* command that
# fails stops the script with 1, and so does a breakpoint that is never
# reached (the run stops at power-off instead, machine_exit, where the
# next command, which reads that function's variables or the program's
# pages, fails). The program prints "tour: done" on the console
# (build/gdb-batch-serial.log) only if every step saw what it should.
# GDB's output of the gdb-tour suite's run is kept in
# build/test-logs/gdb-tour-gdb.log.
# Each part of the output starts with an "== N ..." line, the numbers of
# the tour's sections. Typed by hand in `make gdb PROG=...`, the same
# commands are the tour.

# ---- 0. before the tour: mmap decides the file page's protection ----------

# (Section 3 of the tour reads this: the program maps the file before its
# first fault, so the script stops here first.)
break vma_set_page_prot if vma->vm_start == 0x5d5d0000
continue
echo == 0 vma_set_page_prot\n
print/x vma->vm_flags
print vma->vm_ops->page_mkwrite
finish
echo == 0 after vma_set_page_prot\n
print/x vma->vm_page_prot
delete

# ---- 1. one page fault ------------------------------------------------------

# 1a: the first store to the anonymous page, from the hardware's entry on.
# QEMU shows GDB the control registers: CR2 holds the faulting address.
break exc_page_fault if $cr2 == 0x5c5c0000
continue
echo == 1a exc_page_fault\n
print/x $cr2
print/x error_code
delete
fl-break-fault - 0x5c5c0000 -at do_anonymous_page
continue
echo == 1a do_anonymous_page\n
bt 8
print/x vmf->flags
fl-pte 0x5c5c0000
finish
echo == 1a after do_anonymous_page\n
fl-pte 0x5c5c0000
fl-page 0x5c5c0000
print vm_events[FL_ANON_FAULT]
delete

# 1b: the first read of the shared file page.
fl-break-fault - 0x5d5d0000 -at filemap_fault
continue
echo == 1b filemap_fault\n
bt 4
print vmf->pgoff
fl-vmas
fl-pagecache /tmp/tour_gdb.dat
# finish_fault begins with inlined code (mk_pte), where GDB cannot parse a
# condition on vmf: stop at the next call instead, which is this fault's.
tbreak finish_fault
continue
echo == 1b finish_fault\n
print vmf->truncate_count
print vmf->vma->vm_file->f_inode->i_mapping->truncate_count
print/x vmf->vma->vm_page_prot
finish
echo == 1b after finish_fault\n
fl-pte 0x5d5d0000
fl-page 0x5d5d0000
delete

# ---- 2. one fork --------------------------------------------------------------

break copy_page_range if src->vm_start == 0x5c5c0000
continue
echo == 2 copy_page_range\n
# The parent is the task forking; later steps run in the child and name
# the parent by this pid.
set $tour_parent = cpu_locals[0].current_task->pid
bt 6
fl-ps
fl-pte 0x5c5c0000
fl-page 0x5c5c0000
finish
echo == 2 after copy_page_range\n
fl-pte 0x5c5c0000
fl-page 0x5c5c0000
delete

# The child writes first: a copy.
fl-break-fault - 0x5c5c0000 -at do_wp_page
continue
echo == 2 child do_wp_page\n
fl-ps
fl-pte 0x5c5c0000
fl-pte 0x5c5c0000 $tour_parent
fl-page 0x5c5c0000
tbreak wp_page_copy if vmf->address == 0x5c5c0000
continue
finish
echo == 2 after wp_page_copy\n
fl-pte 0x5c5c0000
fl-pte 0x5c5c0000 $tour_parent
fl-page 0x5c5c0000 $tour_parent

# Then the parent: its reference is the last one, no copy.
continue
echo == 2 parent do_wp_page\n
fl-ps
fl-page 0x5c5c0000
tbreak wp_page_reuse
continue
finish
echo == 2 after wp_page_reuse\n
fl-pte 0x5c5c0000
delete

# ---- 3. one msync ---------------------------------------------------------------

# The first store: this time the page is present (X86_PF_PROT in the code).
break exc_page_fault if $cr2 == 0x5d5d0000
continue
echo == 3 exc_page_fault\n
print/x error_code
delete
fl-break-fault - 0x5d5d0000 -at wp_page_shared
continue
echo == 3 wp_page_shared\n
bt 3
fl-pte 0x5d5d0000
fl-page 0x5d5d0000
tbreak ext2_page_mkwrite
continue
echo == 3 ext2_page_mkwrite\n
bt 3
tbreak fault_dirty_shared_page
continue
echo == 3 fault_dirty_shared_page\n
fl-pte 0x5d5d0000
fl-page 0x5d5d0000
delete

break page_mkclean_one if addr == 0x5d5d0000
continue
echo == 3 page_mkclean_one\n
bt 11
fl-pte 0x5d5d0000
fl-page 0x5d5d0000
finish
echo == 3 after page_mkclean_one\n
fl-pte 0x5d5d0000
finish
finish
echo == 3 after clear_page_dirty_for_io\n
fl-page 0x5d5d0000
delete

fl-break-fault - 0x5d5d0000 -at do_wp_page
continue
echo == 3 the next store\n
fl-pte 0x5d5d0000
print vm_events[FL_WP_FAULT]
print vm_events[FL_PAGE_MKWRITE]
print vm_events[FL_MKCLEAN_PTES]
delete

# ---- 4. one ftruncate -------------------------------------------------------------

break vfs_truncate
continue
echo == 4 vfs_truncate\n
bt 2
print size
print inode->i_size
fl-pte 0x5d5d1000
fl-pagecache /tmp/tour_gdb.dat
break unmap_mapping_range
break zap_one if addr == 0x5d5d1000
continue
echo == 4 unmap_mapping_range\n
print holebegin
print m->truncate_count
continue
echo == 4 zap_one\n
bt 4
fl-pte 0x5d5d1000
finish
echo == 4 after zap_one\n
fl-pte 0x5d5d1000
delete
tbreak truncate_inode_pages
continue
echo == 4 truncate_inode_pages\n
print m->truncate_count
fl-pagecache /tmp/tour_gdb.dat
finish
echo == 4 after truncate_inode_pages\n
fl-pagecache /tmp/tour_gdb.dat

fl-break-fault - 0x5d5d1000 -at filemap_fault
continue
echo == 4 filemap_fault\n
print vmf->pgoff
print vmf->vma->vm_file->f_inode->i_size
finish
delete
break user_exception_signal
continue
echo == 4 user_exception_signal\n
bt 3
print sig
print code
print/x addr
delete
continue
echo == end\n
fl-dmesg 6
