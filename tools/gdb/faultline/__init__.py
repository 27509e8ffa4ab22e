"""Faultline's GDB helpers: the fl-* commands (docs/gdb.md).

Loaded by tools/gdb/faultline-gdb.py. Modules:
  kernel     types, fields, symbols, memory, lists, per-CPU data, tasks
  mm         page-table walks, struct page, VMAs
  fs         inode and buffer caches, ext2 directories, the page cache
  commands   the gdb.Command classes
"""

from . import commands


def register():
    commands.register()
