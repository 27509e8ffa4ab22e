# tools/gdb/faultline.gdb - GDB settings for debugging Faultline under QEMU.
#
# Sourced by tools/gdb/faultline-gdb.py, the file `make gdb`, `make gdb-batch`
# and the gdb suites of `make test` give GDB; that file then registers the
# fl-* commands (tools/gdb/faultline/, docs/gdb.md). To use both by hand:
#
#   qemu-system-x86_64 ... -S -gdb tcp:127.0.0.1:1234     (see tools/qemu.py)
#   gdb -q -x tools/gdb/faultline-gdb.py -ex 'target remote 127.0.0.1:1234' build/kernel.elf

# QEMU (qemu-system-x86_64) always describes the CPU to GDB with 64-bit
# registers, even while the guest still runs 16- or 32-bit boot code. GDB
# must therefore be in 64-bit mode *before* `target remote`; otherwise it
# guesses the wrong register layout ("Remote 'g' packet reply is too long").
set architecture i386:x86-64

# Never stop output with "--Type <RET> for more--" or ask "are you sure?".
set pagination off
set confirm off

# Disassembly stays in AT&T syntax, the syntax of GCC's output and of the
# inline assembly in the kernel sources. For Intel syntax (that of NASM,
# which the boot code is written in) type:  set disassembly-flavor intel
