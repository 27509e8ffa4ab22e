# Linux on the same emulator (docs/performance.md, "Linux on the same
# emulator"): the distribution's kernel booted by the same QEMU, with the
# same flags, running Faultline's own static programs on the same kind of
# ext2 root. Included by the Makefile after user/user.mk. None of it is
# part of `make test`: the kernel is downloaded on first use only.
#
#   make test-linux-guest     the user tests (/tests of the standard image)
#                             under Linux: the ABI's oracle on the emulator
#   make bench-linux-guest    faultbench, then reclaimbench, under Linux
#   make bench                (user/user.mk) both kernels, in one run, and
#                             the ratios (tools/benchcmp.py)
#
# The kernel comes from the kernel package (Debian linux-image-amd64,
# Ubuntu linux-image-generic), downloaded with `apt-get download` and
# extracted into $(LINUX_GUEST_DIR)/root, never installed on the host
# (tools/linux-guest/fetch.sh); tools/linux_guest.py decompresses its
# vmlinuz, writes the initramfs and boots.

LINUX_GUEST_DIR  := $(B)/linux-guest
LINUX_GUEST_INIT := $(LINUX_GUEST_DIR)/guest-init
LINUX_GUEST_KERNEL := $(LINUX_GUEST_DIR)/fetched

# PID 1 of the guest's initramfs: a static musl program, as the user programs.
$(LINUX_GUEST_INIT): tools/linux-guest/guest-init.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< -o $@

# The stamp holds the kernel release; fetch.sh does nothing when it exists
# (rm -r $(LINUX_GUEST_DIR) to fetch again, e.g. after a kernel update).
$(LINUX_GUEST_KERNEL): | $(B)/.deps-ok
	@bash tools/linux-guest/fetch.sh $(LINUX_GUEST_DIR)

BENCH_TIMEOUT ?= 900
LINUX_GUEST_OPTS = --accel $(ACCEL) --mem $(MEM) --smp $(SMP) $(if $(SWAP),--swap $(SWAP))

# make bench (user/user.mk) boots the over-memory image for reclaimbench
# and needs the guest's init for its Linux column.
bench: $(OVERMEM_IMG) $(LINUX_GUEST_INIT)

.PHONY: test-linux-guest bench-linux-guest
test-linux-guest: $(LINUX_GUEST_KERNEL) $(LINUX_GUEST_INIT) $(EXEC_DISK) $(USER_PROGS)
	@$(PYTHON) tools/linux_guest.py test $(LINUX_GUEST_OPTS) --disk $(EXEC_DISK) \
		--timeout $(BENCH_TIMEOUT)

bench-linux-guest: $(LINUX_GUEST_KERNEL) $(LINUX_GUEST_INIT) $(EXEC_DISK) $(OVERMEM_IMG) \
		$(UB)/bench/faultbench $(UB)/bench/reclaimbench
	@echo "== faultbench $(BENCH_ARGS) on Linux"
	@$(PYTHON) tools/linux_guest.py exec $(LINUX_GUEST_OPTS) --disk $(EXEC_DISK) \
		--prog $(UB)/bench/faultbench --args "$(BENCH_ARGS)" --timeout $(BENCH_TIMEOUT)
	@echo "== reclaimbench on Linux: MEM=$(RECLAIM_MEM) SWAP=$(RECLAIM_SWAP) $(RECLAIM_BENCH_ARGS)"
	@$(PYTHON) tools/linux_guest.py exec --accel $(ACCEL) --smp $(SMP) \
		--mem $(RECLAIM_MEM) --swap $(RECLAIM_SWAP) --disk $(OVERMEM_IMG) \
		--prog $(UB)/bench/reclaimbench --args "$(RECLAIM_BENCH_ARGS)" \
		--timeout $(BENCH_TIMEOUT)
