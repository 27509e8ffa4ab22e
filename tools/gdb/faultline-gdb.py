# tools/gdb/faultline-gdb.py - load Faultline's GDB support.
#
# The one file to give GDB (`make gdb` and `make gdb-batch` do it):
#
#   gdb -x tools/gdb/faultline-gdb.py -ex 'target remote :1234' build/kernel.elf
#
# It sources faultline.gdb (the settings; it must run before
# `target remote`) and registers the fl-* commands of the package
# tools/gdb/faultline/. `help faultline` lists them; docs/gdb.md shows
# each with its output.
import os
import sys

import gdb

_here = os.path.dirname(os.path.abspath(__file__))
gdb.execute("source " + os.path.join(_here, "faultline.gdb"))
sys.dont_write_bytecode = True          # no __pycache__ in the source tree
if _here not in sys.path:
    sys.path.insert(0, _here)

import faultline  # noqa: E402

faultline.register()
