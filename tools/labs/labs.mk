# tools/labs/labs.mk - the coursework labs (docs/labs/README.md). Included
# by the Makefile.
#
#   make labs                         the lab names, one per line
#   make handout LAB=NAME OUT=DIR     DIR: a copy of the tree with the lab's
#                                     solution regions replaced by stubs
#   make grade LAB=NAME               boot once, run the lab's tests, print
#                                     "score: X/Y"; exit 0 only at full marks
#   make lab-check [LAB=NAME]         what make test checks: the full tree
#                                     scores full marks, each handout builds
#                                     and scores below full
#   make lab-verify LAB=NAME          each of the lab's regions, stubbed
#                                     alone, makes a graded test fail
#
# The work is done by tools/labs/lab.py; the labs and their tests are listed
# in tools/labs/labs.py.

LAB_TOOL := $(PYTHON) tools/labs/lab.py
LAB_BOOT_OPTS = --kernel $(B)/kernel.elf --accel $(ACCEL) --mem $(MEM) --smp $(SMP) \
	--kargs "$(KARGS)" --timeout $(TIMEOUT)

.PHONY: labs handout grade lab-check lab-verify
labs:
	@$(LAB_TOOL) list

handout:
	@test -n "$(LAB)" -a -n "$(OUT)" || { echo 'usage: make handout LAB=NAME OUT=DIR (make labs lists the names)'; exit 2; }
	@$(LAB_TOOL) handout $(LAB) $(OUT)

grade: $(B)/kernel.elf $(B)/disk.img
	@test -n "$(LAB)" || { echo 'usage: make grade LAB=NAME (make labs lists the names)'; exit 2; }
	@$(LAB_TOOL) grade $(LAB) --disk-image $(B)/disk.img $(LAB_BOOT_OPTS)

lab-check: $(B)/kernel.elf $(B)/disk.img
	@$(LAB_TOOL) check $(LAB) $(LAB_BOOT_OPTS)

lab-verify: $(B)/kernel.elf $(B)/disk.img
	@test -n "$(LAB)" || { echo 'usage: make lab-verify LAB=NAME'; exit 2; }
	@$(LAB_TOOL) verify $(LAB) $(LAB_BOOT_OPTS)

# ---- the labs' programs for the debugger -------------------------------------

# Small programs at known addresses for the labs' GDB exercises, in
# user/gdb/ beside the other GDB programs (docs/gdb.md); like those, not
# installed in /tests: `make gdb PROG=build/user/gdb/NAME` or `make exec
# PROG=...` copies one in. Built by `make user` and `make lab-programs`.
LAB_GDB := pgtable_gdb anon_gdb filemap_gdb dirty_gdb truncate_gdb swap_gdb
LAB_GPROG := $(addprefix $(UB)/gdb/,$(LAB_GDB))

.PHONY: lab-programs
lab-programs user: $(LAB_GPROG)

$(LAB_GPROG): $(UB)/gdb/%: user/gdb/%.c | $(B)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) -MD -MP -MF $(dir $@).$(notdir $@).d $< -o $@

-include $(foreach p,$(LAB_GPROG),$(dir $(p)).$(notdir $(p)).d)
