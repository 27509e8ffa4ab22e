# user/user.mk - Faultline's user space: init, the shell, the utilities and
# the user tests, as static musl programs. Included by the Makefile.
#
#   $(B)/user/bin/NAME     init, sh, runtests and every utility -> /bin/NAME
#   $(B)/user/tests/NAME   every test program                -> /tests/NAME
#   $(B)/user/gdb/NAME     programs for the GDB tests and docs/gdb.md: not
#                          on the image; `make gdb-batch PROG=...` hands them
#                          over on the program disk, as `make exec` does
#   $(B)/user/bench/NAME   benchmarks: make bench, make bench-linux (not staged)
#   $(B)/user/host/NAME    programs tests/run.py runs through make exec (not staged)
#
# The root tree gets /bin, /tests, an empty, world-writable /tmp (the
# cwd of tests and of `make exec` programs), the empty directories /dev
# and /proc that the kernel mounts devfs and proc on, and /exec, where it
# mounts the program disk of `make exec` (docs/storage.md). `make
# test-linux` runs the same test binaries on the host (docs/testing.md).
#
# Like the kernel's, the source lists are explicit: adding a program is a
# one-line change here.

USER_CC     := musl-gcc
# (-Wno-format-truncation: paths are built with snprintf into fixed buffers
# on purpose; a truncated path simply fails to open.)
USER_CFLAGS := -static -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-Wno-format-truncation -Iuser/include
UB          := $(B)/user

# Programs built from user/NAME.c.
USER_CORE := init sh runtests

# Utilities built from user/bin/NAME.c.
USER_UTILS := cat cp echo false ls mkdir rm sleep true \
	stat hexdump wc head touch mv pwd kill

# Tests built from user/tests/NAME.c, installed in /tests.
USER_TESTS := \
	fork_wait_test \
	exec_test \
	cow_test \
	mmap_test \
	vma_test \
	brk_madvise_test \
	signal_fault_test \
	signal_test \
	efault_test \
	pipe_test \
	poll_test \
	itimer_test \
	rwv2_test \
	waitid_test \
	sigwait_test \
	fscopy_test \
	mincore_test \
	flock_test \
	mremap_test \
	memfd_test \
	sysvshm_test \
	sysmisc_test \
	madvise_fork_test \
	file_test \
	dir_test \
	time_id_test \
	cpu_affinity_test \
	proc_test \
	shell_test \
	filemap_args_test \
	filemap_coherence_test \
	filemap_eof_test \
	msync_test \
	readahead_test \
	dirty_tracking_test \
	fault_around_test \
	truncate_race_test \
	filemap_fuzz_test \
	fulldisk_test \
	dev_mmap_test \
	mempressure_test \
	sched_stress_test \
	pthread_test \
	futex_test \
	thread_stress_test \
	tlb_stale_test \
	overcommit_test \
	mlock_test \
	swap_test \
	overmem_file_test \
	overmem_anon_test \
	vm_sysctl_test

# Issue 15, files: symbolic links, modes and owners, times, special files.
USER_TESTS += \
	symlink_test \
	perm_test \
	mknod_test \
	script_test \
	procfs_test \
	procstatus_test \
	socket_test

# Issue 15, programs: the ELF interpreter and the aux vector, statx and
# fstatat's flags, uname, extended attributes; the host's glibc programs.
USER_TESTS += \
	interp_test \
	layout_test \
	vdso_test \
	statx_test \
	dynamic_test \
	opath_test

# Issue 15, the busybox userland: what busybox needed that Faultline
# answered differently (vfork's shared address space: `tar z`).
USER_TESTS += \
	vfork_test

# Tests that only make sense on Faultline; `make test-linux` skips them.
# Empty for now: every test above passes on the host too (a test that must
# know where it runs calls running_on_linux() from testutil.h and says why).
USER_FAULTLINE_ONLY :=

# Programs built from user/gdb/NAME.c, for stepping through the kernel in
# GDB (tests/run.py suites gdb-cow and gdb-shared, docs/gdb.md; tour_gdb:
# docs/tour.md and tests/gdb/tour.gdb). Not installed in /tests: they print
# no TAP and are run only under a debugger or by hand.
USER_GDB := cow_gdb shared_gdb tour_gdb

# Programs built from user/host/NAME.c that tests/run.py hands to the
# make exec machinery in suites of its own (exec_persist: suite exec-disk;
# argv_probe: suite exec-args).
# Not on the image: they reach the guest on the program disk.
USER_HOST := exec_persist argv_probe

# The stress suites' programs (tests/stress.py): fsfault from
# user/stress/fsfault.c, and randsys, the random-syscall exerciser of
# tests/exercisers/. Only on the stress image ($(B)/stress.img, in /stress),
# never in /tests: they are driven by the harness, with arguments.
USER_STRESS := fsfault randsys
USER_SPROG  := $(addprefix $(UB)/stress/,$(USER_STRESS))

# Benchmarks built from user/bench/NAME.c: not on the disk image; make
# bench hands one to the make exec machinery (docs/testing.md).
USER_BENCH := faultbench smpbench reclaimbench profrun rabench

USER_BINS  := $(addprefix $(UB)/bin/,$(USER_CORE) $(USER_UTILS))
USER_TPROG := $(addprefix $(UB)/tests/,$(USER_TESTS))
USER_GPROG := $(addprefix $(UB)/gdb/,$(USER_GDB))
USER_PROGS := $(USER_BINS) $(USER_TPROG)
USER_BPROG := $(addprefix $(UB)/bench/,$(USER_BENCH))
USER_HPROG := $(addprefix $(UB)/host/,$(USER_HOST))

.PHONY: user
user: $(USER_PROGS) $(USER_GPROG) $(USER_BPROG) $(USER_HPROG) $(USER_SPROG)

# Every user program compiles the same way: musl, static, with a
# dependency file beside it.
define musl_cc
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) -MD -MP -MF $(dir $@).$(notdir $@).d $< -o $@
endef

$(UB)/bin/%: user/%.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/bin/%: user/bin/%.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/tests/%: user/tests/%.c | $(B)/.deps-ok
	$(musl_cc)

# interp_test and layout_test are static-PIE (ET_DYN files, as ld.so is),
# so that one can be an ELF interpreter and the other shows where a PIE is
# loaded: musl's rcrt1.o relocates them wherever the kernel put them.
# musl-gcc's specs cannot link static-PIE, so gcc links them with Debian's
# musl objects.
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl
$(UB)/tests/interp_test $(UB)/tests/layout_test: $(UB)/tests/%: user/tests/%.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $< (static-PIE)"
	@$(USER_CC) $(USER_CFLAGS) -fPIE -MD -MP -MF $(dir $@).$(notdir $@).d -c $< -o $@.o
	@gcc -static-pie -nostdlib -o $@ $(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o \
		$$(gcc -print-file-name=crtbeginS.o) $@.o $(MUSL_LIBDIR)/libc.a \
		$$(gcc -print-libgcc-file-name) $$(gcc -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o

$(UB)/gdb/%: user/gdb/%.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/host/%: user/host/%.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/stress/%: user/stress/%.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/stress/randsys: tests/exercisers/randsys.c | $(B)/.deps-ok
	$(musl_cc)

$(UB)/bench/%: user/bench/%.c | $(B)/.deps-ok
	$(musl_cc)

-include $(foreach p,$(USER_PROGS) $(USER_GPROG) $(USER_BPROG) $(USER_HPROG) $(USER_SPROG),$(dir $(p)).$(notdir $(p)).d)

# Stage the programs into a root tree: $(call user_stage,ROOT). Used by the
# Makefile's rootfs.stamp recipe after it has made the tree afresh.
#
# /etc names the users and groups (root, and "user", uid and gid 1000, the
# other user the tests switch to) so that ls -l and id show names, and
# holds the host name (the kernel's is "faultline" at boot; nothing reads
# /etc/hostname at boot yet).
define user_stage
	@mkdir -p $(1)/bin $(1)/tests $(1)/tmp $(1)/dev $(1)/proc $(1)/exec $(1)/etc
	@cp $(USER_BINS) $(1)/bin/
	@cp $(USER_TPROG) $(1)/tests/
	@chmod 1777 $(1)/tmp
	@printf 'root:x:0:0:root:/:/bin/sh\nuser:x:1000:1000:Faultline user:/tmp:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > $(1)/etc/passwd
	@printf 'root:x:0:\nuser:x:1000:\nnogroup:x:65534:\n' > $(1)/etc/group
	@printf 'faultline\n' > $(1)/etc/hostname
endef

# ---- make test-linux ---------------------------------------------------------

# The host is the oracle: run every test that is not Faultline-only, through
# the same runner, in a fresh temporary directory that is removed afterwards.
# FAULTLINE_BIN points the tests at the freshly built utilities and
# FAULTLINE_SH at Faultline's shell (not the host's /bin/sh).
USER_LINUX_DIR := $(UB)/linux-tests

.PHONY: test-linux
test-linux: $(USER_PROGS)
	@rm -rf $(USER_LINUX_DIR) && mkdir -p $(USER_LINUX_DIR)
	@cp $(filter-out $(addprefix $(UB)/tests/,$(USER_FAULTLINE_ONLY)),$(USER_TPROG)) $(USER_LINUX_DIR)/
	@tmp=$$(mktemp -d /tmp/faultline-test-linux.XXXXXX) && \
	cd $$tmp && \
	FAULTLINE_BIN=$(abspath $(UB)/bin) FAULTLINE_SH=$(abspath $(UB)/bin/sh) \
		$(abspath $(UB)/bin/runtests) -t 60 $(abspath $(USER_LINUX_DIR)); \
	status=$$?; cd / && rm -rf $$tmp; exit $$status

# ---- make exec PROG=FILE ARGS="..." ----------------------------------------

# Boot, run one static program as /exec/NAME with cwd /tmp, relay its
# output, power off, and exit with its status (128+signal if killed), which
# init reports on its last line (docs/testing.md). The program reaches the
# guest on a read-only program disk of its own, which the kernel mounts on
# /exec; nothing is written into the root image by the host. Without DISK
# the root is a fresh copy of the image ($(B)/exec-disk.img); with
# DISK=FILE it is FILE itself, so what the program writes persists.
EXEC_DISK := $(if $(DISK),$(DISK),$(B)/disk.img)

# $(call exec_prog,FILE,ARGS): boot and run FILE as make exec does.
define exec_prog
	@$(PYTHON) tools/qemu.py exec --kernel $(B)/kernel.elf $(QEMU_OPTS) \
		--kargs "$(KARGS)" --prog "$(1)" --args "$(2)" \
		--disk $(EXEC_DISK) $(if $(DISK),--disk-as-is) --timeout $(TIMEOUT)
endef

.PHONY: exec
exec: $(B)/kernel.elf $(EXEC_DISK)
	@test -n "$(PROG)" || { echo 'usage: make exec PROG=FILE [ARGS="..."]'; exit 2; }
	$(call exec_prog,$(PROG),$(ARGS))

# ---- make profile PROG=FILE ARGS="..." ---------------------------------------

# make exec's boot with profile=1 on the kernel command line, the program
# run by profrun (user/bench/profrun.c, on the program disk beside it),
# which zeroes /proc/profile, runs it, and prints the PROFILE_TOP kernel
# functions that took the most timer ticks (docs/performance.md,
# "Profiles"). MEM, SMP, SWAP, KARGS, DISK and TIMEOUT as for make exec.
PROFILE_TOP ?= 30

.PHONY: profile
profile: $(B)/kernel.elf $(EXEC_DISK) $(UB)/bench/profrun
	@test -n "$(PROG)" || { echo 'usage: make profile PROG=FILE [ARGS="..."] [PROFILE_TOP=N]'; exit 2; }
	@$(PYTHON) tools/qemu.py exec --kernel $(B)/kernel.elf $(QEMU_OPTS) \
		--kargs "profile=1 $(KARGS)" --prog "$(PROG)" --args "$(ARGS)" \
		--wrap $(UB)/bench/profrun --wrap-args "-n $(PROFILE_TOP)" \
		--disk $(EXEC_DISK) $(if $(DISK),--disk-as-is) --timeout $(TIMEOUT)

# ---- make bench, make bench-linux --------------------------------------------

# faultbench (user/bench/faultbench.c): nanoseconds per fault and per
# operation, one figure per line, on Faultline (through make exec's
# machinery) or on the host (in a fresh temporary directory on its disk).
# BENCH_ARGS="-r ROUNDS -n PAGES" passes options. Not a test.
BENCH_ARGS ?=

#
# Then reclaimbench (user/bench/reclaimbench.c, `make bench-reclaim`
# alone; the Makefile's rule, beside the image it boots): memory larger
# than the machine's, on a boot of its own with RECLAIM_MEM and
# RECLAIM_SWAP (docs/reclaim.md).
#
# make bench runs each program on Faultline and then on the Linux guest
# (tools/linux-guest/linux-guest.mk: the same QEMU flags, memory, CPUs and
# swap) and prints both columns and their ratio (tools/benchcmp.py;
# docs/performance.md). The guest's kernel is downloaded on first use; when
# that fails (offline) the Linux column says n/a and why. LINUX_GUEST=0
# leaves Linux out.
LINUX_GUEST ?= 1
BENCHCMP = $(PYTHON) tools/benchcmp.py --kernel $(B)/kernel.elf --accel $(ACCEL) \
	--smp $(SMP) --kargs "$(KARGS)" --timeout $(BENCH_TIMEOUT) \
	$(if $(filter 0,$(LINUX_GUEST)),--no-linux)
.PHONY: bench bench-linux
# (The over-memory image and the guest's init are added as prerequisites
# in tools/linux-guest/linux-guest.mk, read after their definitions.)
bench: $(B)/kernel.elf $(EXEC_DISK) $(UB)/bench/faultbench $(UB)/bench/reclaimbench
	@$(BENCHCMP) --mem $(MEM) $(if $(SWAP),--swap $(SWAP)) \
		--prog $(UB)/bench/faultbench --args "$(BENCH_ARGS)" \
		--disk $(EXEC_DISK) $(if $(DISK),--disk-as-is)
	@cp --sparse=always $(OVERMEM_IMG) $(B)/reclaimbench-disk.img
	@$(BENCHCMP) --mem $(RECLAIM_MEM) --swap $(RECLAIM_SWAP) \
		--prog $(UB)/bench/reclaimbench --args "$(RECLAIM_BENCH_ARGS)" \
		--disk $(B)/reclaimbench-disk.img --disk-as-is --linux-disk $(OVERMEM_IMG)

# make bench-smp: smpbench (user/bench/smpbench.c) on SMP=1, then on
# SMP=2: how much faster two independent processes run with two CPUs,
# CPU-bound and faulting. BENCH_ARGS="-j JOBS -r ROUNDS -s SCALE".
.PHONY: bench-smp
bench-smp: $(B)/kernel.elf $(EXEC_DISK) $(UB)/bench/smpbench
	@for n in 1 2; do echo "== SMP=$$n"; \
	$(MAKE) --no-print-directory exec PROG=$(UB)/bench/smpbench ARGS="$(BENCH_ARGS)" \
		SMP=$$n || exit 1; done

bench-linux: $(UB)/bench/faultbench
	@tmp=$$(mktemp -d $(abspath $(B))/bench-linux.XXXXXX) && cd $$tmp && \
	$(abspath $(UB)/bench/faultbench) $(BENCH_ARGS); \
	status=$$?; cd / && rm -rf $$tmp; exit $$status
