# Faultline: one non-recursive Makefile.
#
# Quick start:   make run     (boot from a GRUB ISO in QEMU, serial console)
#                make test    (build, boot, run every test, closing "N passed, N failed")
#
# Sources are listed explicitly per directory (xv6's OBJS list): adding a file
# to the kernel is a one-line change here, and a reader can see the whole
# kernel at a glance.

# ---- configuration ---------------------------------------------------------

# A cross toolchain (x86_64-elf-gcc ...) is used when CROSS_COMPILE names one;
# the host GCC works as well because everything is freestanding.
CROSS_COMPILE ?=
CC      := $(CROSS_COMPILE)gcc
LD      := $(CROSS_COMPILE)ld
NM      := $(CROSS_COMPILE)nm
READELF := $(CROSS_COMPILE)readelf
OBJCOPY := $(CROSS_COMPILE)objcopy
NASM    ?= nasm
PYTHON  ?= python3

ACCEL ?= tcg
MEM   ?= 256M
SMP   ?= 1
KARGS ?=
# SWAP=SIZE (e.g. SWAP=512M) on any booting target (run, exec, gdb,
# gdb-batch, test, bench): a fresh swap disk of SIZE made with mkswap,
# attached after the other disks and enabled at boot (tools/qemu.py --swap;
# docs/testing.md). Empty: no swap.
SWAP  ?=
TIMEOUT ?= 120

B := build

# ---- sources ---------------------------------------------------------------

ARCH_SRCS := \
	arch/x86_64/boot.asm \
	arch/x86_64/entry.asm \
	arch/x86_64/switch.asm \
	arch/x86_64/trampoline.asm \
	arch/x86_64/bootinfo.c \
	arch/x86_64/cpu.c \
	arch/x86_64/cpufeature.c \
	arch/x86_64/traps.c \
	arch/x86_64/fault.c \
	arch/x86_64/extable.c \
	arch/x86_64/serial.c \
	arch/x86_64/apic.c \
	arch/x86_64/smpboot.c \
	arch/x86_64/ioapic.c \
	arch/x86_64/time.c \
	arch/x86_64/mm_init.c \
	arch/x86_64/power.c \
	arch/x86_64/syscall.c \
	arch/x86_64/signal.c \
	arch/x86_64/elf.c \
	arch/x86_64/vdso.c \
	arch/x86_64/vdso_image.asm \
	arch/x86_64/mmap.c \
	arch/x86_64/tlb.c \
	arch/x86_64/usercopy.c \
	arch/x86_64/copy_page.c \
	arch/x86_64/rtc.c \
	arch/x86_64/extable_ktest.c \
	arch/x86_64/usermode_ktest.c

KERNEL_SRCS := \
	kernel/main.c \
	kernel/printk.c \
	kernel/vsprintf.c \
	kernel/string.c \
	kernel/panic.c \
	kernel/cmdline.c \
	kernel/ksyms.c \
	kernel/itimer.c \
	kernel/signal_wait.c \
	kernel/profile.c \
	kernel/ktest.c \
	kernel/spinlock.c \
	kernel/lockdep.c \
	kernel/lockdep_ktest.c \
	kernel/sched.c \
	kernel/sched_affinity.c \
	kernel/smp.c \
	kernel/wait.c \
	kernel/watchdog.c \
	kernel/hung_task.c \
	kernel/mutex.c \
	kernel/monitor.c \
	kernel/reboot.c \
	kernel/syscall.c \
	kernel/fork.c \
	kernel/exit.c \
	kernel/exec.c \
	kernel/binfmt_elf.c \
	kernel/cred.c \
	kernel/signal.c \
	kernel/signal_group.c \
	kernel/futex.c \
	kernel/sys.c \
	kernel/utsname.c \
	kernel/loadavg.c \
	kernel/rbtree.c \
	kernel/interval_tree.c \
	kernel/lib_ktest.c \
	kernel/profile_ktest.c \
	kernel/time_ktest.c \
	kernel/sched_ktest.c \
	kernel/smp_ktest.c \
	kernel/rbtree_ktest.c \
	kernel/interval_tree_ktest.c \
	kernel/signal_ktest.c \
	kernel/futex_ktest.c

MM_SRCS := \
	mm/memblock.c \
	mm/page_alloc.c \
	mm/slab.c \
	mm/pgtable.c \
	mm/vmalloc.c \
	mm/page_tree.c \
	mm/filemap.c \
	mm/readahead.c \
	mm/fadvise.c \
	mm/mincore.c \
	mm/page-writeback.c \
	mm/writeback_sysctl.c \
	mm/mmap.c \
	mm/mprotect.c \
	mm/memory.c \
	mm/swapfile.c \
	mm/swap_state.c \
	mm/page_io.c \
	mm/madvise.c \
	mm/mremap.c \
	mm/shmem.c \
	mm/overcommit.c \
	mm/vmstat.c \
	mm/vmscan.c \
	mm/shrinker.c \
	mm/oom_kill.c \
	mm/rmap.c \
	mm/tlb.c \
	mm/tlb_ktest.c \
	mm/msync.c \
	mm/mlock.c \
	mm/process_vm.c \
	mm/page_alloc_ktest.c \
	mm/slab_ktest.c \
	mm/pgtable_ktest.c \
	mm/memory_ktest.c \
	mm/filemap_ktest.c \
	mm/fault_around_ktest.c \
	mm/readahead_ktest.c \
	mm/rmap_ktest.c \
	mm/rmap_reclaim_ktest.c \
	mm/rmap_batch_ktest.c \
	mm/vmscan_ktest.c \
	mm/vmscan_refs_ktest.c \
	mm/swapfile_ktest.c \
	mm/swap_fault_ktest.c \
	mm/swap_ktest_util.c \
	mm/shrinker_ktest.c

DRIVERS_SRCS := \
	drivers/pci.c \
	drivers/virtio_pci.c \
	drivers/virtio_blk.c \
	drivers/block.c \
	drivers/tty.c \
	drivers/null.c \
	drivers/random.c \
	drivers/zero.c \
	drivers/shbuf.c \
	drivers/quota.c \
	drivers/faultlog.c \
	drivers/fault_devices_ktest.c \
	drivers/virtio_blk_ktest.c \
	drivers/block_ktest.c \
	drivers/tty_ktest.c

FS_SRCS := \
	fs/buffer.c \
	fs/block_io.c \
	fs/block_io_ktest.c \
	fs/mpage.c \
	fs/inode.c \
	fs/super.c \
	fs/namespace.c \
	fs/namei.c \
	fs/namei_ops.c \
	fs/namei_at.c \
	fs/attr.c \
	fs/read_write.c \
	fs/fdtable.c \
	fs/open.c \
	fs/stat.c \
	fs/xattr.c \
	fs/statfs.c \
	fs/readdir.c \
	fs/pipe.c \
	fs/select.c \
	fs/copy.c \
	fs/locks.c \
	fs/socket.c \
	fs/af_unix.c \
	fs/af_unix_conn.c \
	fs/drop_caches.c \
	fs/ioctl.c \
	fs/pseudofs.c \
	fs/devfs.c \
	fs/tmpfs.c \
	fs/memfd.c \
	ipc/shm.c \
	fs/proc/seq.c \
	fs/proc/root.c \
	fs/proc/meminfo.c \
	fs/proc/cpu.c \
	fs/proc/task_mmu.c \
	fs/proc/oom.c \
	fs/proc/exe.c \
	fs/proc/base.c \
	fs/proc/fd.c \
	fs/proc/misc.c \
	fs/libfs.c \
	fs/ext2/super.c \
	fs/ext2/inode.c \
	fs/ext2/blockmap.c \
	fs/ext2/balloc.c \
	fs/ext2/ialloc.c \
	fs/ext2/dir.c \
	fs/ext2/namei.c \
	fs/ext2/file.c \
	fs/ext2/symlink.c \
	fs/buffer_ktest.c \
	fs/vfs_ktest.c \
	fs/pseudofs_ktest.c \
	fs/fdtable_ktest.c \
	fs/ext2/ext2_ktest.c \
	fs/ext2/ext2_dir_ktest.c

SRCS := $(ARCH_SRCS) $(KERNEL_SRCS) $(MM_SRCS) $(DRIVERS_SRCS) $(FS_SRCS)
OBJS := $(patsubst %,$(B)/%.o,$(basename $(SRCS)))
C_SRCS := $(filter %.c,$(SRCS))

# ---- flags -----------------------------------------------------------------

OPT ?= -O2
CFLAGS := -std=gnu11 $(OPT) -g \
	-ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mgeneral-regs-only -fno-stack-protector -nostdlib \
	-fno-omit-frame-pointer -fno-optimize-sibling-calls -fno-strict-aliasing \
	-fno-common -fno-asynchronous-unwind-tables \
	-Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes \
	-Wno-unused-parameter \
	-Iinclude -Iarch/x86_64/include
DEPFLAGS = -MD -MP

# mm/ is what Faultline teaches: keep each of its functions a real function
# with its own arguments, so that GDB can break on do_wp_page, print vmf and
# `finish` out of it (docs/gdb.md). At -O2 GCC would otherwise inline every
# static function called once or small (the whole fault path disappears
# into handle_mm_fault) and rewrite the arguments of others (.isra clones).
# Header `static inline` helpers are still inlined. Objects do not depend
# on flags, so mm.cflags (rewritten only when the text changes, like the
# ISO .cmdline files) makes a build from before this rule rebuild mm/.
MM_CFLAGS := -fno-inline-functions-called-once -fno-inline-small-functions -fno-ipa-sra
$(B)/mm/%.o: CFLAGS += $(MM_CFLAGS)
$(filter $(B)/mm/%,$(OBJS)): $(B)/mm.cflags
$(B)/mm.cflags: FORCE
	@mkdir -p $(B)
	@echo '$(MM_CFLAGS)' | cmp -s - $@ || echo '$(MM_CFLAGS)' > $@
NASMFLAGS := -f elf64 -g -F dwarf -Iarch/x86_64/include/
LDFLAGS := -nostdlib -z max-page-size=0x1000 -z noexecstack --no-warn-rwx-segments \
	-T arch/x86_64/kernel.ld

# ---- host packages ---------------------------------------------------------

# Every build step depends (order-only) on this stamp, so a fresh Debian or
# Ubuntu machine gets its packages installed before the first compile.
$(B)/.deps-ok: tools/deps.sh
	@mkdir -p $(B)
	@bash tools/deps.sh
	@touch $@

.PHONY: deps
deps: $(B)/.deps-ok

# A bare "make" builds the kernel and the ISO (not just the package check).
.DEFAULT_GOAL := all

# ---- kernel ----------------------------------------------------------------

.PHONY: all
all: $(B)/kernel.elf $(B)/faultline.iso compile_commands.json

$(B)/%.o: %.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(B)/%.o: %.asm | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	@$(NASM) $(NASMFLAGS) -MD $(B)/$*.d -MP $< -o $@

# The vDSO (arch/x86_64/vdso/, docs/exec.md): a position-independent
# shared object with no relocations, linked by its own script, then carried
# in the kernel by vdso_image.asm's incbin.
VDSO_CFLAGS := -std=gnu11 -O2 -fPIC -ffreestanding -fno-stack-protector -fno-builtin \
	-fno-omit-frame-pointer -nostdlib -Wall -Wextra -Werror -Iinclude -Iarch/x86_64/include
VDSO_LDFLAGS := -shared -Wl,-T,arch/x86_64/vdso/vdso.lds -Wl,--hash-style=both \
	-Wl,-soname=linux-vdso.so.1 -Wl,--no-undefined -Wl,-z,max-page-size=4096 \
	-Wl,--build-id=none -Wl,-z,noexecstack
$(B)/vdso/vdso.so: arch/x86_64/vdso/vclock.c arch/x86_64/vdso/vdso.lds \
		arch/x86_64/include/asm/vdso.h | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  VDSO    $@"
	@$(CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@ $<
	@if $(READELF) -r $@ | grep -q "Relocation section"; then \
		echo "$@ has relocations: the kernel maps it as it is"; rm -f $@; exit 1; fi
$(B)/arch/x86_64/vdso_image.o: $(B)/vdso/vdso.so
$(B)/arch/x86_64/vdso_image.o: NASMFLAGS += -I$(B)/vdso/

# The kernel embeds its own symbol table (for symbolized backtraces). It is
# linked twice: pass 1 with an empty table, then the table is generated from
# pass 1's text symbols and pass 2 links it in. The table sits after all code
# (see kernel.ld), so no function moves between the passes; the link checks it.
$(B)/ksyms0.c: tools/gen_ksyms.py
	@mkdir -p $(B)
	@$(PYTHON) tools/gen_ksyms.py --empty > $@

$(B)/kernel.pass1.elf: $(OBJS) $(B)/ksyms0.o arch/x86_64/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(OBJS) $(B)/ksyms0.o

$(B)/ksyms.c: $(B)/kernel.pass1.elf tools/gen_ksyms.py
	@$(NM) -n --defined-only $< | $(PYTHON) tools/gen_ksyms.py > $@

$(B)/kernel.elf: $(B)/kernel.pass1.elf $(B)/ksyms.o
	@echo "  LD      $@"
	@$(LD) $(LDFLAGS) -o $@ $(OBJS) $(B)/ksyms.o
	@$(NM) -n --defined-only $< | $(PYTHON) tools/gen_ksyms.py --text-only > $(B)/text1.syms
	@$(NM) -n --defined-only $@ | $(PYTHON) tools/gen_ksyms.py --text-only > $(B)/text2.syms
	@cmp -s $(B)/text1.syms $(B)/text2.syms || { echo "ksyms: text moved between link passes"; exit 1; }

$(B)/ksyms0.o $(B)/ksyms.o: $(B)/%.o: $(B)/%.c
	@$(CC) $(CFLAGS) -c $< -o $@

# ---- GRUB ISOs -------------------------------------------------------------

# The kernel command line of an ISO is baked into its grub.cfg. The .cmdline
# files change only when the command line does, so the ISO is rebuilt then.
define iso_rules
$(B)/$(1).cmdline: FORCE
	@mkdir -p $(B)
	@echo '$(2)' | cmp -s - $$@ || echo '$(2)' > $$@

$(B)/$(1).iso: $(B)/kernel.elf $(B)/$(1).cmdline tools/mkiso.sh
	@echo "  ISO     $$@"
	@bash tools/mkiso.sh $(B)/kernel.elf "$$$$(cat $(B)/$(1).cmdline)" $$@
endef
$(eval $(call iso_rules,faultline,$(KARGS)))
$(eval $(call iso_rules,faultline-test,ktest $(KARGS)))

.PHONY: FORCE
FORCE:

# ---- disk images -------------------------------------------------------------

# vda, the root disk: an ext2 filesystem (revision 1 with the filetype
# feature, 1 KiB blocks so that a test file of modest size reaches the
# triple-indirect blocks) made by mke2fs from the staging tree build/rootfs/.
# The tree is staged from scratch, so nothing stale survives in it, whenever
# its contents below change (rootfs.manifest works like the ISO .cmdline
# files: rewritten only when the text changes).
#
# DISK=FILE: every boot target uses FILE as vda instead. A FILE that does not
# exist is created as a copy of the standard image; one that exists is used
# as it is, so its state persists across boots; make never deletes or
# rewrites it. Without DISK, `make run` and `make gdb` boot build/disk.img
# itself, and `make test` gives each run a fresh copy, build/test-disk.img,
# so runs are reproducible (tests/run.py checks it with e2fsck -fn at the end).
#
# Every boot also gets a fresh 8 MiB scratch disk (vdb) and an error-injection
# disk (vdc); tools/qemu.py makes those per boot, see disk_args() there. Test
# boots also get two deliberately corrupted ext2 images, read-only, as vdd and
# vde (tests/ext2_images.py). The fulldisk suite boots a small image of its
# own as vda (build/fulldisk.img, below).

# User programs (init, sh, utilities, tests) and their staging into the root
# tree: user/user.mk, which also holds `make test-linux` and `make exec`.
include user/user.mk

# The coursework labs: make labs, make handout, make grade (docs/labs/).
include tools/labs/labs.mk

MKE2FS ?= $(firstword $(wildcard /sbin/mke2fs /usr/sbin/mke2fs) mke2fs)
DISK_SIZE := 128M
ROOTFS_README := Faultline root filesystem (ext2, made by mke2fs -d from build/rootfs).\n/data holds data files for the tests.\n
ROOTFS_DATA_HELLO := hello from /data/hello.txt\n
# The host's dynamically linked programs staged with their glibc runtime
# (tools/stage-glibc.sh; docs/exec.md, "Dynamically linked programs"):
# about 4.5 MiB. Those after cp are what the glibc-diff suite's script
# (tests/glibc/programs.sh) needs to make its files. GLIBC_PROGS= stages
# none.
GLIBC_PROGS ?= /usr/bin/ls /usr/bin/sort /usr/bin/cat /usr/bin/dash /usr/bin/md5sum \
	/usr/bin/grep /usr/bin/sed /usr/bin/cp /usr/bin/touch /usr/bin/mkdir /usr/bin/chmod \
	/usr/bin/ln /usr/bin/rm /usr/bin/wc /usr/bin/head /usr/bin/uniq

$(B)/rootfs.manifest: FORCE
	@mkdir -p $(B)
	@printf '%s\n' '$(DISK_SIZE)' '$(ROOTFS_README)' '$(ROOTFS_DATA_HELLO)' '$(GLIBC_PROGS)' | \
		cmp -s - $@ || printf '%s\n' '$(DISK_SIZE)' '$(ROOTFS_README)' '$(ROOTFS_DATA_HELLO)' '$(GLIBC_PROGS)' > $@

# (user/user.mk too: its user_stage says what the tree holds, /etc included)
$(B)/rootfs.stamp: $(B)/rootfs.manifest $(USER_PROGS) user/user.mk | $(B)/.deps-ok
	@echo "  ROOTFS  $(B)/rootfs"
	@rm -rf $(B)/rootfs
	@mkdir -p $(B)/rootfs/data
	@printf '$(ROOTFS_README)' > $(B)/rootfs/README
	@printf '$(ROOTFS_DATA_HELLO)' > $(B)/rootfs/data/hello.txt
	$(call user_stage,$(B)/rootfs)
	@bash tools/stage-glibc.sh $(B)/rootfs $(GLIBC_PROGS)
	$(busybox_stage)
	@touch $@

# ---- the busybox userland ----
# Debian's static busybox (busybox-static, which tools/deps.sh installs) as
# /bin/busybox with its applets as symbolic links in /usr/bin, Faultline's
# own /bin and anything already in /usr/bin left as they are
# (tools/stage-busybox.sh; docs/userspace.md, "Busybox"): about 2 MiB.
# BUSYBOX= stages none; a host without it stages none and says so. Staged
# last in rootfs.stamp's recipe: a later `cp` onto an applet's link would
# write through it into /bin/busybox.
BUSYBOX ?= /bin/busybox
busybox_stage = @bash tools/stage-busybox.sh $(B)/rootfs '$(BUSYBOX)'
# Restage when the variable changes or busybox appears on (or leaves) the host.
$(B)/busybox.manifest: FORCE
	@mkdir -p $(B)
	@echo '$(BUSYBOX) $(if $(wildcard $(BUSYBOX)),present,absent)' | \
		cmp -s - $@ || echo '$(BUSYBOX) $(if $(wildcard $(BUSYBOX)),present,absent)' > $@
$(B)/rootfs.stamp: $(B)/busybox.manifest tools/stage-busybox.sh
# ---- end of the busybox userland ----


# ---- python3 on the image: GLIBC_PYTHON=1 -----------------------------------
# Debian's python3 with its standard library (tools/stage-python.sh; about
# 43 MiB staged, 45 MiB more on the image, so not on by default): staged
# alone into $(B)/python-root, then over a copy of the root tree into
# $(B)/python-rootfs, the tree of $(B)/python-disk.img, the image `make
# test-python` boots. With GLIBC_PYTHON=1 that tree is the standard image's
# (disk.img) too, so `make run` and `make exec` have python3. docs/exec.md,
# "Python".
GLIBC_PYTHON ?= 0
PYTHON_ROOT := $(B)/python-root
PYTHON_ROOTFS := $(B)/python-rootfs
PYTHON_IMG := $(B)/python-disk.img
DISK_ROOT := $(if $(filter 1,$(GLIBC_PYTHON)),$(PYTHON_ROOTFS),$(B)/rootfs)

$(B)/python.manifest: FORCE
	@mkdir -p $(B)
	@echo '$(DISK_ROOT)' | cmp -s - $@ || echo '$(DISK_ROOT)' > $@

$(B)/python-root.stamp: tools/stage-python.sh tools/stage-glibc.sh | $(B)/.deps-ok
	@echo "  PYTHON  $(PYTHON_ROOT)"
	@rm -rf $(PYTHON_ROOT)
	@bash tools/stage-python.sh $(PYTHON_ROOT)
	@touch $@

$(PYTHON_ROOTFS).stamp: $(B)/rootfs.stamp $(B)/python-root.stamp
	@rm -rf $(PYTHON_ROOTFS)
	@cp -a $(B)/rootfs $(PYTHON_ROOTFS)
	@cp -a --remove-destination $(PYTHON_ROOT)/. $(PYTHON_ROOTFS)/   # never through an applet link
	@touch $@

$(PYTHON_IMG): $(PYTHON_ROOTFS).stamp
	@echo "  MKE2FS  $@"
	@rm -f $@ && : > $@
	@$(MKE2FS) -q -F -t ext2 -b 1024 -d $(PYTHON_ROOTFS) $@ $(DISK_SIZE)

# make test-python: the python suite of tests/run.py alone (tests/glibc_diff.py:
# tests/python/acceptance.py on Faultline and on the host, outputs diffed);
# make test runs it too. TIMEOUT, KARGS, MEM, SMP as for make test.
.PHONY: test-python
test: $(PYTHON_IMG)
test-python: $(B)/kernel.elf $(PYTHON_IMG) $(B)/disk.img
	@$(PYTHON) tests/run.py --kernel $(B)/kernel.elf --iso $(B)/faultline-test.iso \
		$(QEMU_OPTS) --timeout $(TIMEOUT) --kargs "$(KARGS)" --only python

# (DISK_ROOT: $(B)/rootfs, or with GLIBC_PYTHON=1 the tree with python3.)
$(B)/disk.img: $(DISK_ROOT).stamp $(B)/python.manifest
	@echo "  MKE2FS  $@"
	@rm -f $@ && : > $@            # (an existing file keeps mke2fs -q quiet)
	@$(MKE2FS) -q -F -t ext2 -b 1024 -d $(DISK_ROOT) $@ $(DISK_SIZE)

ifeq ($(DISK),)
RUN_DISK := $(B)/disk.img
TEST_DISK := $(B)/test-disk.img
$(TEST_DISK): $(B)/disk.img FORCE
	@cp --sparse=always $< $@
else
RUN_DISK := $(DISK)
TEST_DISK := $(DISK)
ifeq ($(filter $(abspath $(DISK)),$(abspath $(B)/disk.img $(PYTHON_IMG))),)
# Order-only: make creates a missing DISK, and never remakes an existing one
# (disk.img and python-disk.img, which have rules of their own, excepted).
$(DISK): | $(B)/disk.img
	@echo "  DISK    $@ (new: a copy of $(B)/disk.img)"
	@cp --sparse=always $(B)/disk.img $@
endif
endif

# Corrupted images for the ext2 robustness ktests (attached as vdd and vde).
CORRUPT_IMAGES := $(B)/ext2-badmagic.img $(B)/ext2-corrupt.img
$(CORRUPT_IMAGES) &: tests/ext2_images.py | $(B)/.deps-ok
	@echo "  IMAGES  $(CORRUPT_IMAGES)"
	@$(PYTHON) tests/ext2_images.py $(B)

# The full-disk test's root (tests/run.py, suite fulldisk): a small ext2
# image holding only init and fulldisk_test, which fills it in a moment;
# it does not grow with the main image. 1 KiB blocks and no root reserve,
# as vda, so a page spans four blocks and the disk can run out in the
# middle of one.
FULLDISK_IMG := $(B)/fulldisk.img
FULLDISK_SIZE := 2M
$(FULLDISK_IMG): $(UB)/bin/init $(UB)/tests/fulldisk_test | $(B)/.deps-ok
	@echo "  MKE2FS  $@"
	@rm -rf $(B)/fulldisk-root
	@mkdir -p $(B)/fulldisk-root/bin $(B)/fulldisk-root/tests $(B)/fulldisk-root/tmp
	@cp $(UB)/bin/init $(B)/fulldisk-root/bin/
	@cp $(UB)/tests/fulldisk_test $(B)/fulldisk-root/tests/
	@chmod 1777 $(B)/fulldisk-root/tmp
	@rm -f $@ && : > $@
	@$(MKE2FS) -q -F -t ext2 -b 1024 -m 0 -d $(B)/fulldisk-root $@ $(FULLDISK_SIZE)

# The memory-pressure suite's root (tests/run.py, suite mempressure): init
# and mempressure_test on a sparse image with room for a file several
# times the size of that boot's memory (MEM=64M).
MEMPRESSURE_IMG := $(B)/mempressure.img
MEMPRESSURE_SIZE := 512M
$(MEMPRESSURE_IMG): $(UB)/bin/init $(UB)/bin/true $(UB)/tests/mempressure_test | $(B)/.deps-ok
	@echo "  MKE2FS  $@"
	@rm -rf $(B)/mempressure-root
	@mkdir -p $(B)/mempressure-root/bin $(B)/mempressure-root/tests $(B)/mempressure-root/tmp
	@cp $(UB)/bin/init $(UB)/bin/true $(B)/mempressure-root/bin/
	@cp $(UB)/tests/mempressure_test $(B)/mempressure-root/tests/
	@chmod 1777 $(B)/mempressure-root/tmp
	@rm -f $@ && : > $@
	@$(MKE2FS) -q -F -t ext2 -b 4096 -m 0 -d $(B)/mempressure-root $@ $(MEMPRESSURE_SIZE)

# The over-memory suite's root (tests/run.py, suite overmem; issue 13):
# init and the over-memory programs on a sparse image with room for the
# files three times that boot's memory (MEM=128M) that they map: the
# write step's 384 MiB file stays for the host's check and the second
# boot, beside the truncate step's.
OVERMEM_IMG := $(B)/overmem.img
OVERMEM_SIZE := 1G
OVERMEM_PROGS := overmem_file_test overmem_anon_test
$(OVERMEM_IMG): $(UB)/bin/init $(UB)/bin/true $(addprefix $(UB)/tests/,$(OVERMEM_PROGS)) | $(B)/.deps-ok
	@echo "  MKE2FS  $@"
	@rm -rf $(B)/overmem-root
	@mkdir -p $(B)/overmem-root/bin $(B)/overmem-root/tests $(B)/overmem-root/tmp \
		$(B)/overmem-root/dev $(B)/overmem-root/proc $(B)/overmem-root/exec
	@cp $(UB)/bin/init $(UB)/bin/true $(B)/overmem-root/bin/
	@cp $(addprefix $(UB)/tests/,$(OVERMEM_PROGS)) $(B)/overmem-root/tests/
	@chmod 1777 $(B)/overmem-root/tmp
	@rm -f $@ && : > $@
	@$(MKE2FS) -q -F -t ext2 -b 4096 -m 0 -d $(B)/overmem-root $@ $(OVERMEM_SIZE)

# The stress suites' root (tests/stress.py: sched-stress, powercut,
# corrupt-boot, randsys): a small ext2 image, so that a random corruption
# lands in metadata often and the power-cut checks are quick, holding init,
# a few utilities, sched_stress_test, the programs of user/stress/ in
# /stress, and a /data tree (small files, nested directories, a file with
# indirect blocks) for the corrupted-image boots to walk. Each boot gets a
# fresh copy, so no suite ever changes the image itself.
STRESS_IMG := $(B)/stress.img
STRESS_SIZE := 16M
STRESS_BINS := init sh ls cat
$(STRESS_IMG): $(addprefix $(UB)/bin/,$(STRESS_BINS)) $(UB)/tests/sched_stress_test \
		$(USER_SPROG) | $(B)/.deps-ok
	@echo "  MKE2FS  $@"
	@rm -rf $(B)/stress-root
	@mkdir -p $(B)/stress-root/bin $(B)/stress-root/tests $(B)/stress-root/stress \
		$(B)/stress-root/tmp $(B)/stress-root/dev $(B)/stress-root/proc \
		$(B)/stress-root/data/a/b/c
	@cp $(addprefix $(UB)/bin/,$(STRESS_BINS)) $(B)/stress-root/bin/
	@cp $(UB)/tests/sched_stress_test $(B)/stress-root/tests/
	@cp $(USER_SPROG) $(B)/stress-root/stress/
	@chmod 1777 $(B)/stress-root/tmp
	@for i in $$(seq 1 60); do echo "file $$i" > $(B)/stress-root/data/f$$i; done
	@for d in a a/b a/b/c; do echo "in $$d" > $(B)/stress-root/data/$$d/note; done
	@seq 1 60000 > $(B)/stress-root/data/a/big
	@rm -f $@ && : > $@
	@$(MKE2FS) -q -F -t ext2 -b 1024 -d $(B)/stress-root $@ $(STRESS_SIZE)

run gdb gdb-batch: $(RUN_DISK)
test: $(TEST_DISK) $(CORRUPT_IMAGES) $(FULLDISK_IMG) $(MEMPRESSURE_IMG) $(OVERMEM_IMG) $(STRESS_IMG) $(USER_GPROG) $(USER_HPROG)

# ---- running ---------------------------------------------------------------

QEMU_OPTS = --accel $(ACCEL) --mem $(MEM) --smp $(SMP) $(if $(SWAP),--swap $(SWAP))

.PHONY: run test gdb gdb-batch
# With SWAP, a PVH boot of the kernel with KARGS instead of the ISO: the
# swap disk's name goes on the command line, which an ISO has fixed.
run: $(if $(SWAP),$(B)/kernel.elf,$(B)/faultline.iso)
	@$(PYTHON) tools/qemu.py run $(if $(SWAP),--kernel $(B)/kernel.elf --kargs "$(KARGS)",--iso $<) \
		$(QEMU_OPTS) --disk $(RUN_DISK)

test: $(B)/kernel.elf $(B)/faultline-test.iso
	@$(PYTHON) tests/run.py --kernel $(B)/kernel.elf --iso $(B)/faultline-test.iso \
		$(QEMU_OPTS) --timeout $(TIMEOUT) --kargs "$(KARGS)" --disk $(TEST_DISK)

# make gdb [PROG=FILE ARGS="..."]: QEMU paused at the first instruction, GDB
# attached here with the fl-* commands (docs/gdb.md). With PROG the boot is
# that of `make exec` (the program in /exec of a copy of the image, or of
# DISK itself). make gdb-batch SCRIPT=FILE [PROG=... ARGS=...]: the same
# with GDB in batch mode running FILE, then QEMU killed; the exit status is
# GDB's (0: the script ran to its end), 124 after GDB_TIMEOUT seconds.
GDB_TIMEOUT ?= 600
GDB_OPTS = --kernel $(B)/kernel.elf $(QEMU_OPTS) --kargs "$(KARGS)" --disk $(RUN_DISK) \
	$(if $(PROG),--prog "$(PROG)" --args "$(ARGS)" $(if $(DISK),--disk-as-is))

gdb: $(B)/kernel.elf
	@$(PYTHON) tools/qemu.py gdb $(GDB_OPTS)

gdb-batch: $(B)/kernel.elf
	@test -n "$(SCRIPT)" || { echo 'usage: make gdb-batch SCRIPT=FILE [PROG=FILE ARGS="..."]'; exit 2; }
	@$(PYTHON) tools/qemu.py gdb-batch $(GDB_OPTS) --script "$(SCRIPT)" --timeout $(GDB_TIMEOUT)

# make bench-reclaim (also the end of make bench): reclaimbench on MEM=
# RECLAIM_MEM with a swap disk of RECLAIM_SWAP, booting a fresh copy of
# the over-memory image (room for its file three times the memory). It
# prints MB/s of a sequential read of a mapped file, faults per second and
# swap-in latency of random access to anonymous memory twice the memory
# (docs/reclaim.md). RECLAIM_BENCH_ARGS="-f MIB -a MIB -n N -l N".
RECLAIM_MEM ?= 128M
RECLAIM_SWAP ?= 512M
RECLAIM_BENCH_ARGS ?= -f 384 -a 256
RECLAIM_TIMEOUT ?= 900
.PHONY: bench-reclaim
bench-reclaim: $(B)/kernel.elf $(OVERMEM_IMG) $(UB)/bench/reclaimbench
	@cp --sparse=always $(OVERMEM_IMG) $(B)/reclaimbench-disk.img
	@echo "== reclaimbench: MEM=$(RECLAIM_MEM) SWAP=$(RECLAIM_SWAP) $(RECLAIM_BENCH_ARGS)"
	@$(PYTHON) tools/qemu.py exec --kernel $(B)/kernel.elf --accel $(ACCEL) --smp $(SMP) \
		--mem $(RECLAIM_MEM) --swap $(RECLAIM_SWAP) --kargs "$(KARGS)" \
		--prog $(UB)/bench/reclaimbench --args "$(RECLAIM_BENCH_ARGS)" \
		--disk $(B)/reclaimbench-disk.img --disk-as-is --timeout $(RECLAIM_TIMEOUT)

# make test-linux-guest, make bench-linux-guest: the same programs on
# Linux under the same QEMU (and the Linux column of make bench).
include tools/linux-guest/linux-guest.mk
# make bench-readahead: rabench (user/bench/rabench.c) on MEM=RA_MEM, on a
# fresh copy of the over-memory image: MB/s of sequential reads from the
# disk, read() by 4 KiB and 64 KiB and a mapped read, of a file twice the
# memory (docs/readahead.md). RA_BENCH_ARGS="-f MIB".
RA_MEM ?= 64M
RA_BENCH_ARGS ?=
.PHONY: bench-readahead
bench-readahead: $(B)/kernel.elf $(OVERMEM_IMG) $(UB)/bench/rabench
	@cp --sparse=always $(OVERMEM_IMG) $(B)/rabench-disk.img
	@echo "== rabench: MEM=$(RA_MEM) $(RA_BENCH_ARGS)"
	@$(PYTHON) tools/qemu.py exec --kernel $(B)/kernel.elf --accel $(ACCEL) --smp $(SMP) \
		--mem $(RA_MEM) --kargs "$(KARGS)" \
		--prog $(UB)/bench/rabench --args "$(RA_BENCH_ARGS)" \
		--disk $(B)/rabench-disk.img --disk-as-is --timeout $(RECLAIM_TIMEOUT)

# ---- editor support --------------------------------------------------------

compile_commands.json: Makefile tools/gen_compile_commands.py
	@$(PYTHON) tools/gen_compile_commands.py "$(CC) $(CFLAGS)" $(C_SRCS) > $@

.PHONY: clean
clean:
	rm -rf $(B) compile_commands.json

-include $(OBJS:.o=.d)
