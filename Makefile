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
OBJCOPY := $(CROSS_COMPILE)objcopy
NASM    ?= nasm
PYTHON  ?= python3

ACCEL ?= tcg
MEM   ?= 256M
SMP   ?= 1
KARGS ?=
TIMEOUT ?= 120

B := build

# ---- sources ---------------------------------------------------------------

ARCH_SRCS := \
	arch/x86_64/boot.asm \
	arch/x86_64/entry.asm \
	arch/x86_64/switch.asm \
	arch/x86_64/bootinfo.c \
	arch/x86_64/cpu.c \
	arch/x86_64/traps.c \
	arch/x86_64/fault.c \
	arch/x86_64/extable.c \
	arch/x86_64/serial.c \
	arch/x86_64/apic.c \
	arch/x86_64/time.c \
	arch/x86_64/mm_init.c \
	arch/x86_64/power.c \
	arch/x86_64/extable_ktest.c

KERNEL_SRCS := \
	kernel/main.c \
	kernel/printk.c \
	kernel/vsprintf.c \
	kernel/string.c \
	kernel/panic.c \
	kernel/cmdline.c \
	kernel/ksyms.c \
	kernel/ktest.c \
	kernel/spinlock.c \
	kernel/sched.c \
	kernel/wait.c \
	kernel/mutex.c \
	kernel/monitor.c \
	kernel/lib_ktest.c \
	kernel/time_ktest.c \
	kernel/sched_ktest.c

MM_SRCS := \
	mm/memblock.c \
	mm/page_alloc.c \
	mm/slab.c \
	mm/pgtable.c \
	mm/vmalloc.c \
	mm/page_alloc_ktest.c \
	mm/slab_ktest.c \
	mm/pgtable_ktest.c

DRIVERS_SRCS :=

SRCS := $(ARCH_SRCS) $(KERNEL_SRCS) $(MM_SRCS) $(DRIVERS_SRCS)
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

# ---- running ---------------------------------------------------------------

QEMU_OPTS = --accel $(ACCEL) --mem $(MEM) --smp $(SMP)

.PHONY: run test gdb
run: $(B)/faultline.iso
	@$(PYTHON) tools/qemu.py run --iso $< $(QEMU_OPTS)

test: $(B)/kernel.elf $(B)/faultline-test.iso
	@$(PYTHON) tests/run.py --kernel $(B)/kernel.elf --iso $(B)/faultline-test.iso \
		$(QEMU_OPTS) --timeout $(TIMEOUT) --kargs "$(KARGS)"

gdb: $(B)/kernel.elf
	@$(PYTHON) tools/qemu.py gdb --kernel $< $(QEMU_OPTS) --kargs "$(KARGS)"

# ---- editor support --------------------------------------------------------

compile_commands.json: Makefile tools/gen_compile_commands.py
	@$(PYTHON) tools/gen_compile_commands.py "$(CC) $(CFLAGS)" $(C_SRCS) > $@

.PHONY: clean
clean:
	rm -rf $(B) compile_commands.json

-include $(OBJS:.o=.d)
