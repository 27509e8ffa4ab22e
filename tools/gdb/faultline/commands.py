"""The fl-* commands (docs/gdb.md shows each with its output).

Each command is a gdb.Command whose docstring is its `help` text. They
only read memory: none changes the kernel's state or resumes the guest,
except that fl-break-fault creates a breakpoint.
"""

import struct

import gdb
import re

from . import fs
from . import kernel as k
from . import mm

# Names the user may type for "no PID / no address" in fl-break-fault.
ANY = ("-", "any", "*")


def parse_args(arg, lo, hi, usage):
    argv = gdb.string_to_argv(arg)
    if not lo <= len(argv) <= hi:
        k.fail(f"usage: {usage}")
    return argv


def opt_pid(argv, i):
    """argv[i] as a PID (an expression), or None if absent."""
    if len(argv) <= i:
        return None
    return k.to_int(argv[i])


class FlCommand(gdb.Command):
    """Base of the fl-* commands: subclasses define run(arg). A read the
    target refuses, or any other error from GDB, becomes one message
    instead of a Python traceback."""

    def __init__(self, name, command_class=gdb.COMMAND_DATA):
        super().__init__(name, command_class)
        self.name = name

    def invoke(self, arg, from_tty):
        try:
            self.run(arg)
        except gdb.MemoryError as e:
            k.fail(f"{e}: {k.paging_hint()}")
        except gdb.error as e:
            k.fail(f"{self.name}: {e}")


# ---- fl-ps ---------------------------------------------------------------------

class FlPs(FlCommand):
    """List the kernel's tasks: PID, thread group, parent, state and command.

Usage: fl-ps

One line per task on the task list (kernel/sched.c: all_tasks), in
creation order. TGID is the process (thread group) a thread belongs to:
the pid of its group leader, which getpid() returns; a task whose PID
differs from its TGID is a thread that is not the leader. ST is R
(running or runnable), S (sleeping, a signal
wakes it), D (sleeping, only an explicit wake-up), Z (a zombie waiting for
wait4) or X (dead). Kernel threads are shown [in brackets], as ps does on
Linux. CPU is the CPU whose run queue the task is on, runs on, or last
ran on (task->cpu). '*' marks the task running on the CPU GDB has selected
(the kernel's `current`, found through the GS base: see asm/percpu.h), '+'
a task running on another CPU (cpu_locals[N].current_task); under QEMU's
GDB stub each CPU is a thread (`info threads`, `thread N` selects CPU
N-1)."""

    def __init__(self):
        super().__init__("fl-ps")

    def run(self, arg):
        parse_args(arg, 0, 0, "fl-ps")
        try:
            cur = int(k.current_task())
        except k.Error:
            cur = 0
        running = k.running_tasks()
        print("    PID   TGID   PPID ST CPU COMMAND")
        for t in k.all_tasks():
            parent = k.field_or(t, "parent")
            ppid = k.task_pid(parent) if parent is not None and int(parent) else 0
            tgid = int(k.field_or(t, "tgid", k.task_pid(t)))
            comm = k.task_comm(t)
            if not k.field_or(t, "is_process", True):
                comm = f"[{comm}]"
            mark = "*" if int(t) == cur else "+" if int(t) in running else " "
            cpu = k.field_or(t, "cpu", 0)
            print(f"{mark}{k.task_pid(t):6d} {tgid:6d} {ppid:6d} {k.task_state(t)}  "
                  f"{int(cpu):3d} {comm}")


# ---- fl-vmas -------------------------------------------------------------------

class FlVmas(FlCommand):
    """List the VMAs of a process, in the format of /proc/PID/maps.

Usage: fl-vmas [PID]

PID defaults to the process running on the selected CPU. The columns are
those of Linux's /proc/PID/maps (start-end, permissions with p for
private or s for shared, file offset, device, inode, name), then the
VMA's vm_ops name ("anonymous" without vm_ops). File names are found
as the kernel's file_path() gives them (the name the file was opened by);
failing that, through the cached ext2 directories (see fl-pagecache), or
(inode N)."""

    def __init__(self):
        super().__init__("fl-vmas")

    def run(self, arg):
        argv = parse_args(arg, 0, 1, "fl-vmas [PID]")
        task, mmp = k.process(opt_pid(argv, 0))
        names = fs.names_or_none()
        start_brk = int(k.field(mmp, "start_brk"))
        brk = int(k.field(mmp, "brk"))
        start_stack = int(k.field(mmp, "start_stack"))
        print(f"VMAs of {k.describe_task(task)}, mm {int(mmp):#x}:")
        rows = []
        for vma in mm.vmas(mmp):
            start = int(k.field(vma, "vm_start"))
            end = int(k.field(vma, "vm_end"))
            flags = int(k.field(vma, "vm_flags"))
            ops = mm.vma_ops_name(vma)
            file = k.field(vma, "vm_file")
            shmem = ops == "shmem"
            offset, dev, ino, name = 0, "00:00", 0, ""
            if int(file) or shmem:
                offset = int(k.field(vma, "vm_pgoff")) << k.PAGE_SHIFT
            if shmem:
                name = "/dev/zero (deleted)"        # what Linux shows
            elif int(file):
                inode = k.field(file, "f_inode")
                dev = fs.sb_dev(k.field(inode, "i_sb"))
                ino = int(k.field(inode, "i_ino"))
                name = fs.file_path(file, names) or f"(inode {ino})"
            elif ops != "anonymous":
                name = f"[{ops}]"                  # a special mapping
            elif start < brk and end > start_brk:
                name = "[heap]"
            elif start <= start_stack <= end:
                name = "[stack]"
            rows.append((f"{start:08x}-{end:08x} {mm.vma_perms(flags)} "
                         f"{offset:08x} {dev} {ino} ", name, ops))
        # The kernel pads to 73 columns before the name (seq_pad); the
        # vm_ops column comes after the longest name.
        width = max((len(r[1]) for r in rows), default=0)
        for line, name, ops in rows:
            print(f"{line:<72s} {name:<{width}s}  {ops}")


# ---- fl-pte --------------------------------------------------------------------

class FlPte(FlCommand):
    """Walk the page tables of a process for one address.

Usage: fl-pte ADDR [PID]

ADDR and PID are expressions (fl-pte vmf->address). PID defaults to the
process running on the selected CPU. The walk starts at the process's
mm->pgd and reads each table through the kernel's direct map, so it
shows that process's mappings whatever the CPU is running. One line per
level (PGD, PUD, PMD, PTE): the index, the entry, its bits and what it
points to. The bits are printed as the kernel's oops does:

  P  present      W  writable     U  user-accessible
  A  accessed     D  dirty        (a '-' when clear)
  PS a huge-page leaf (PMD/PUD)   G  global       NX no-execute

followed by the frame (page frame number) the entry points to."""

    def __init__(self):
        super().__init__("fl-pte")

    def run(self, arg):
        argv = parse_args(arg, 1, 2, "fl-pte ADDR [PID]")
        addr = k.to_int(argv[0]) & 0xffffffffffffffff
        task, mmp = k.process(opt_pid(argv, 1))
        pgd = int(k.field(mmp, "pgd"))
        print(f"{addr:#x} in {k.describe_task(task)}: pgd {pgd:#x} "
              f"(phys {mm.virt_to_phys(pgd):#x})")
        steps, pfn, size = mm.walk(pgd, addr)
        for step in steps:
            print("  " + mm.describe_step(step))
        if pfn is None and steps[-1].level == "PTE" and mm.is_swap_pte(steps[-1].value):
            typ, off = mm.swap_entry(steps[-1].value)
            print(f"  => swapped out: an access faults into do_swap_page, which "
                  f"reads slot {off:#x} of area {typ} (or finds it in the swap cache)")
            return
        if pfn is None:
            print(f"  => not mapped: an access faults (the fault path then "
                  f"decides from the VMA)")
            return
        phys = (pfn << k.PAGE_SHIFT) | (addr & (k.PAGE_SIZE - 1))
        if pfn >= mm.max_pfn():
            print(f"  => phys {phys:#x} (not RAM: a device, vm_insert_pfn)")
            return
        print(f"  => phys {phys:#x}, pfn {pfn:#x}, struct page "
              f"{int(mm.pfn_to_page(pfn)):#x} (fl-page -pfn {pfn:#x})")


# ---- fl-page -------------------------------------------------------------------

class FlPage(FlCommand):
    """Show the struct page of a frame: flags, counts, mapping, index, LRU, anon_vma.

Usage: fl-page ADDR|PFN [PID]
       fl-page -pfn PFN
       fl-page -addr ADDR [PID]

The argument is an expression. It may be:
  - a struct page * (fl-page vmf->page), or its address;
  - a kernel address in the direct map or the kernel image: its frame;
  - a user address: the frame mapped there in process PID (default: the
    process running on the selected CPU), found by a page-table walk;
  - a number below max_pfn: a page frame number.
A number that could be both a PFN and a user address is taken as a PFN;
say -addr or -pfn to choose.

Printed: the flags by name (enum pageflags), the reference count
(_refcount), the map count (PTEs that map the page: _mapcount + 1),
mapping (the page cache that owns the page, or none for an anonymous
page), index (the page's offset in that file, in pages; for an anonymous
page its linear offset in its anon_vma), the LRU list it is on
(mm/vmscan.c: inactive_anon, active_anon, inactive_file, active_file),
and for an anonymous page its anon_vma with every VMA on it and where
the page would be in each (mm/rmap.c)."""

    def __init__(self):
        super().__init__("fl-page")

    def run(self, arg):
        argv = parse_args(arg, 1, 3, "fl-page ADDR|PFN [PID]")
        how = None
        if argv[0] in ("-pfn", "-addr"):
            how = argv.pop(0)[1:]
            if not argv:
                k.fail("usage: fl-page -pfn PFN | -addr ADDR [PID]")
        page, where = self.resolve(argv[0], how, opt_pid(argv, 1))
        print_page(page, where)

    @staticmethod
    def resolve(expr, how, pid):
        """(struct page *, how it was found) for the argument."""
        val = k.evaluate(expr)
        t = val.type.strip_typedefs()
        if how is None and t.code == gdb.TYPE_CODE_PTR and \
                str(t.target().strip_typedefs()) == "struct page":
            if int(val) == 0:
                k.fail(f"{expr} is NULL")
            return val, f"{expr}"
        v = int(val) & 0xffffffffffffffff
        if how == "pfn" or (how is None and v < mm.max_pfn()):
            return mm.pfn_to_page(v), f"pfn {v:#x}"
        if v >= k.KERNEL_SPACE:
            if mm.is_mem_map_address(v):
                base = v - (v - int(mm.mem_map())) % mm.page_size()
                return k.pointer(base, "struct page"), f"{v:#x} in mem_map"
            if v >= k.KERNEL_VMA or k.PAGE_OFFSET <= v < \
                    k.PAGE_OFFSET + (mm.max_pfn() << k.PAGE_SHIFT):
                pfn = mm.virt_to_phys(v) >> k.PAGE_SHIFT
                return mm.pfn_to_page(pfn), f"kernel address {v:#x}"
            init_mm = k.symbol("init_mm")
            steps, pfn, _ = mm.walk(int(k.field(init_mm, "pgd")), v)
            if pfn is None:
                k.fail(f"{v:#x} is not mapped in the kernel's page tables")
            return mm.pfn_to_page(pfn), f"kernel address {v:#x} (vmalloc)"
        task, mmp = k.process(pid)
        steps, pfn, _ = mm.walk(int(k.field(mmp, "pgd")), v)
        if pfn is None:
            k.fail(f"{v:#x} is not mapped in {k.describe_task(task)} "
                   f"(fl-pte {v:#x} shows the walk)")
        return mm.pfn_to_page(pfn), f"{v:#x} in {k.describe_task(task)}"


def print_page(page, where):
    info = mm.page_info(page)
    print(f"struct page {info['page']:#x}: pfn {info['pfn']:#x}, phys "
          f"{info['pfn'] << k.PAGE_SHIFT:#x} ({where})")
    print(f"  flags:    {info['flags']:#x} "
          f"{' '.join(info['flag_names']) or '(none)'}")
    print(f"  refcount: {info['refcount']}")
    print(f"  mapcount: {info['mapcount']}")
    if info["mapping"] is not None:
        mapping = info["mapping"]
        owner = ""
        if mapping:
            owner = " " + fs.describe_mapping(
                k.pointer(mapping, "struct address_space"), fs.names_or_none())
        print(f"  mapping:  {mapping:#x}{owner}")
        print(f"  index:    {info['index']}")
        print(f"  lru:      {info['lru'] or '(on no list)'}")
    if info["anon_vma"]:
        vmas = info["anon_vma_vmas"]
        print(f"  anon_vma: {info['anon_vma']:#x} (refcount {info['anon_vma_refs']}, "
              f"{len(vmas)} VMA{'s' if len(vmas) != 1 else ''}):")
        owners = {}
        for t in k.all_tasks():
            if int(k.field(t, "mm")) and int(k.field(t, "mm")) not in owners:
                owners[int(k.field(t, "mm"))] = k.describe_task(t)
        for vma in vmas:
            start, end = int(k.field(vma, "vm_start")), int(k.field(vma, "vm_end"))
            pgoff = int(k.field(vma, "vm_pgoff"))
            where = ""
            if info["index"] is not None and pgoff <= info["index"] < \
                    pgoff + ((end - start) >> k.PAGE_SHIFT):
                where = f", the page would be at {start + ((info['index'] - pgoff) << k.PAGE_SHIFT):#x}"
            mmp = int(k.field(vma, "vm_mm"))
            print(f"    vma {int(vma):#x} {start:#x}-{end:#x} of "
                  f"{owners.get(mmp, f'mm {mmp:#x}')}{where}")
    if info["what"]:
        print(f"  ({info['what']})")


# ---- fl-pagecache --------------------------------------------------------------

class FlPagecache(FlCommand):
    """List the page-cache pages of a file, with their flags.

Usage: fl-pagecache PATH|INODE
       fl-pagecache           (every file with cached pages)

PATH is an absolute path on the root filesystem. Faultline has no dentry
cache, so the name is looked up the way the kernel would, in memory only:
each directory's blocks in the buffer cache and each inode in the inode
cache. That works for any file the kernel used lately (opened, executed,
mapped); otherwise the command says what is not cached. INODE is an inode
number on the root filesystem, or any expression giving a struct inode *,
struct file * or struct address_space * (fl-pagecache vma->vm_file).

One line per cached page, in file order: its index (offset in pages),
pfn, reference and map counts and flags (dirty, writeback, locked,
uptodate...). The walk follows the address_space's radix tree
(mm/filemap.c). Then the VMAs on the file's reverse map (i_mmap,
mm/rmap.c), each with its process and the file pages it covers."""

    def __init__(self):
        super().__init__("fl-pagecache")

    def run(self, arg):
        argv = parse_args(arg, 0, 1, "fl-pagecache PATH|INODE")
        names = fs.Names()
        if not argv:
            self.list_all(names)
            return
        mapping, title = self.resolve(argv[0], names)
        pages = list(fs.cached_pages(mapping))
        nrpages = int(k.field(mapping, "nrpages"))
        host = k.field(mapping, "host")
        size = f", size {int(k.field(host, 'i_size'))}" if int(host) else ""
        print(f"{title}{size}: {nrpages} page(s) cached, "
              f"{int(k.field_or(mapping, 'nrdirty', 0) or 0)} dirty")
        if not pages:
            return
        print("     INDEX        PFN  REF  MAP  FLAGS")
        for index, page in pages:
            info = mm.page_info(page)
            print(f"  {index:8d} {info['pfn']:#10x} {info['refcount']:4d} "
                  f"{info['mapcount']:4d}  {' '.join(info['flag_names'])}")
        if len(pages) != nrpages:
            print(f"  (the tree holds {len(pages)} pages but nrpages is "
                  f"{nrpages}: the guest was stopped in the middle of a change?)")
        self.print_mappers(mapping)

    @staticmethod
    def print_mappers(mapping):
        """The VMAs on the file's reverse map (mapping->i_mmap, mm/rmap.c),
        with the process of each: who can have these pages mapped."""
        if k.field_or(mapping, "i_mmap") is None or \
                int(k.field(mapping, "host")) == 0:
            return                      # no reverse map, or no file (shmem)
        # i_mmap is an interval tree (kernel/interval_tree.c): the nodes in
        # order are the VMAs by vm_pgoff.
        off = k.offsetof("struct vm_area_struct", "vm_shared")
        vmas = [k.pointer(node - off, "struct vm_area_struct")
                for node in k.rb_inorder(k.field(k.field(mapping, "i_mmap"), "rb_node"))]
        if not vmas:
            print("  mapped by no VMA")
            return
        owners = {}
        for t in k.all_tasks():
            owners.setdefault(int(k.field(t, "mm")), k.describe_task(t))
        print("  mapped by (i_mmap):")
        for vma in vmas:
            start = int(k.field(vma, "vm_start"))
            end = int(k.field(vma, "vm_end"))
            pgoff = int(k.field(vma, "vm_pgoff"))
            who = owners.get(int(k.field(vma, "vm_mm")), "no task (exiting?)")
            print(f"    {start:08x}-{end:08x} "
                  f"{mm.vma_perms(int(k.field(vma, 'vm_flags')))} "
                  f"file pages {pgoff}-{pgoff + ((end - start) >> k.PAGE_SHIFT) - 1}"
                  f"  {who}")

    @staticmethod
    def resolve(text, names):
        """(struct address_space *, a title) for the argument."""
        if text.startswith("/"):
            inode = names.lookup(text)
            return k.field(inode, "i_mapping"), fs.describe_mapping(
                k.field(inode, "i_mapping"), names)
        if text.isdigit():
            ino = int(text)
            inode = names.inodes().get((int(names.sb), ino))
            if inode is None:
                k.fail(f"inode {ino} of the root filesystem is not in the "
                       f"inode cache: it has no cached pages either")
            mapping = k.field(inode, "i_mapping")
            return mapping, fs.describe_mapping(mapping, names)
        val = k.evaluate(text)
        t = val.type.strip_typedefs()
        target = str(t.target().strip_typedefs()) \
            if t.code == gdb.TYPE_CODE_PTR else ""
        if target and int(val) == 0:
            k.fail(f"{text} is NULL")
        if target == "struct file":
            val = k.field(val, "f_inode")
            target = "struct inode"
        if target == "struct inode":
            mapping = k.field(val, "i_mapping")
        elif target == "struct address_space":
            mapping = val
        else:
            k.fail(f"'{text}' is a {t}; give a path, an inode number, or a "
                   f"struct inode *, struct file * or struct address_space *")
        return mapping, fs.describe_mapping(mapping, names)

    @staticmethod
    def list_all(names):
        print("   PAGES  DIRTY  FILE")
        for mapping in fs.mappings_with_pages():
            print(f"  {int(k.field(mapping, 'nrpages')):6d} "
                  f"{int(k.field_or(mapping, 'nrdirty', 0) or 0):6d}  "
                  f"{fs.describe_mapping(mapping, names)}")


# ---- fl-dmesg ------------------------------------------------------------------

class FlDmesg(FlCommand):
    """Print the kernel log buffer.

Usage: fl-dmesg [N]

The log ring buffer of kernel/printk.c (log_buf; log_head counts every
byte ever written, so the oldest text may have been overwritten). With N,
only the last N lines. Works whatever the CPU is doing, even after a
panic or with the console lost."""

    def __init__(self):
        super().__init__("fl-dmesg")

    def run(self, arg):
        argv = parse_args(arg, 0, 1, "fl-dmesg [N]")
        buf = k.symbol("log_buf")
        size = buf.type.sizeof
        head = int(k.symbol("log_head"))
        start = max(0, head - size)
        data = k.read(int(buf.address), size)
        at = start % size               # the oldest byte still there
        text = (data[at:] + data[:at])[:head - start]
        lines = text.decode("utf-8", "replace").splitlines()
        if start:
            lines = lines[1:]           # the first line was cut by the wrap
        # Each line starts with its level, "<L>" (what syslog(2) reads).
        lines = [l[3:] if re.match(r"<[0-7]>", l) else l for l in lines]
        if argv:
            lines = lines[-k.to_int(argv[0]):]
        for line in lines:
            print(line)


# ---- fl-break-fault ------------------------------------------------------------

def current_expr(field):
    """A GDB expression for current->FIELD. In kernel mode the GS base
    points at the CPU's struct cpu_local, so the expression is right on
    any CPU; if QEMU does not show GDB that register, CPU 0's entry is
    used."""
    try:
        if gdb.parse_and_eval("$gs_base").type.code != gdb.TYPE_CODE_VOID:
            return f"((struct cpu_local *)$gs_base)->current_task->{field}"
    except gdb.error:
        pass
    return f"cpu_locals[0].current_task->{field}"


def current_pid_expr():
    return current_expr("pid")


# A task's comm holds TASK_COMM_LEN - 1 characters of its program's name.
COMM_CHARS = 15


def parse_who(word):
    """fl-break-fault's process argument: ("pid", N) for a number (or a
    GDB expression starting with a digit, $ or a parenthesis), else
    ("comm", NAME) for a process name as ps shows it."""
    if word[0].isdigit() or word[0] in "$(":
        return "pid", k.to_int(word)
    if '"' in word or "\\" in word:
        k.fail(f"fl-break-fault: {word!r} is not a process name")
    return "comm", word[:COMM_CHARS]


def function_args(name):
    """The names of a kernel function's arguments, in order.

    At a function's first instruction GDB may report the block of a callee
    inlined there (finish_fault starts inside mk_pte), so walk up to the
    block that belongs to the function itself."""
    sym = k.lookup_symbol(name)
    if sym is None or sym.type is None or \
            sym.type.code != gdb.TYPE_CODE_FUNC:
        k.fail(f"the kernel has no function '{name}' (break on it by hand "
               f"if it was inlined)")
    block = gdb.block_for_pc(int(sym.value().address))
    while block is not None and (block.function is None or
                                 block.function.name != name):
        block = block.superblock
    return [s.name for s in block if s.is_argument] if block else []


# Where the x86-64 SysV calling convention passes the first six arguments.
ARG_REGS = ["$rdi", "$rsi", "$rdx", "$rcx", "$r8", "$r9"]


class FlBreakFault(FlCommand):
    """Break in the page-fault path for one process and/or one address.

Usage: fl-break-fault [PID|NAME] [ADDR] [-at FUNCTION]

Sets a conditional breakpoint on FUNCTION (default handle_mm_fault, which
every user page fault goes through; do_wp_page, do_anonymous_page,
wp_page_copy, ... work too: any function with a `struct vm_fault *vmf`
or an `address` argument). With PID it stops only in that process; with
NAME (the program's name as fl-ps shows it, e.g. cow_test) only in tasks
of that name, so you need not know the pid in advance; with ADDR only for
a fault in the page of ADDR. A lone argument is an ADDR if it is written
in hex (0x...) or is 65536 or more, a PID if it is another number, else a
NAME; write - for "any process" (fl-break-fault - 0x5a5a0000).

The breakpoint is on FUNCTION's first instruction, and an ADDR condition
reads the argument's register there. When a callee is inlined at that
spot, GDB shows the callee's frame first (finish_fault starts inside
mk_pte): `bt` shows both, and `up` reaches FUNCTION's own frame before
`finish`.

The condition is an ordinary GDB expression (see `info breakpoints`):
current->pid is reached through the GS base, which in kernel mode points
at the CPU's struct cpu_local (asm/percpu.h), whose current_task is the
kernel's `current`."""

    def __init__(self):
        super().__init__("fl-break-fault", gdb.COMMAND_BREAKPOINTS)

    def run(self, arg):
        usage = "fl-break-fault [PID|NAME] [ADDR] [-at FUNCTION]"
        argv = gdb.string_to_argv(arg)
        func = "handle_mm_fault"
        if "-at" in argv:
            i = argv.index("-at")
            if i + 1 >= len(argv):
                k.fail(f"usage: {usage}")
            func = argv[i + 1]
            del argv[i:i + 2]
        if len(argv) > 2:
            k.fail(f"usage: {usage}")
        who = addr = None
        if len(argv) == 2:
            who = None if argv[0] in ANY else parse_who(argv[0])
            addr = None if argv[1] in ANY else k.to_int(argv[1])
        elif len(argv) == 1 and argv[0] not in ANY:
            who = parse_who(argv[0])
            if who[0] == "pid" and (argv[0].lower().startswith("0x") or
                                    who[1] >= 65536):
                who, addr = None, who[1]
        conds = []
        if who and who[0] == "pid":
            conds.append(f"{current_pid_expr()} == {who[1]}")
        elif who:
            conds.append(f'$_streq({current_expr("comm")}, "{who[1]}")')
        args = function_args(func)      # also checks that it exists
        if addr is not None:
            # The condition reads the argument's register at the very
            # first instruction (break *FUNC): there the arguments are
            # still where the caller put them, and no inlined callee's
            # scope hides their names.
            page = addr & ~0xfff
            if "vmf" in args and args.index("vmf") < len(ARG_REGS):
                reg = ARG_REGS[args.index("vmf")]
                conds.append(f"((struct vm_fault *){reg})->address == {page:#x}UL")
            elif "address" in args and args.index("address") < len(ARG_REGS):
                reg = ARG_REGS[args.index("address")]
                conds.append(f"({reg} & ~0xfffUL) == {page:#x}UL")
            else:
                k.fail(f"{func} has neither a vmf nor an address argument; "
                       f"give no ADDR or another -at FUNCTION")
        bp = gdb.Breakpoint(f"*{func}")
        if conds:
            bp.condition = " && ".join(conds)
        print(f"Breakpoint {bp.number} on {func}"
              + (f" if {bp.condition}" if conds else " (every fault)"))


# ---- the end of the run --------------------------------------------------------

class PowerOffStop(gdb.Breakpoint):
    """An internal breakpoint on machine_exit(): the kernel is about to end
    QEMU (power-off, the end of the ktests, or a panic). Stopping there
    keeps the machine for a last look (fl-dmesg) and lets a batch script's
    last `continue` end normally instead of with "Remote connection
    closed"."""

    def __init__(self):
        super().__init__("machine_exit", internal=True)
        self.silent = True

    def stop(self):
        try:
            status = str(gdb.selected_frame().read_var("status"))
        except (gdb.error, ValueError):
            status = "?"
        print(f"[faultline] the kernel is ending the run: machine_exit({status}). "
              f"QEMU exits when you continue; fl-dmesg shows the log.")
        return True


# ---- fl-bt ---------------------------------------------------------------------

# __switch_to_asm (arch/x86_64/switch.asm) leaves a switched-out task's
# saved RSP pointing at r15, r14, r13, r12, rbx, rbp, then its return
# address into __schedule: words 5 and 6.
SWITCH_FRAME_RBP, SWITCH_FRAME_RET = 5, 6
BT_MAX_FRAMES = 32


def code_location(addr):
    """'function+0xoff' for a code address (as the kernel's %pS prints)."""
    try:
        out = gdb.execute(f"info symbol {addr:#x}", to_string=True)
    except gdb.error:
        out = "No symbol"
    if out.startswith("No symbol"):
        return f"{addr:#x}"
    words = out.split()
    off = int(words[2]) if len(words) > 2 and words[1] == "+" else 0
    return f"{words[0]}+{off:#x}"


def frame_pointer_trace(rip, rbp):
    """Code addresses from rip and the frame-pointer chain at rbp, as the
    kernel's stack_trace_save_fp follows it (a return address is shown as
    its call, ret - 1). Stops quietly at an unreadable or broken chain."""
    trace = [rip] if rip else []
    while rbp and len(trace) < BT_MAX_FRAMES:
        if rbp % 8 or rbp < k.PAGE_OFFSET:
            break
        try:
            nxt, ret = struct.unpack("<QQ", bytes(
                gdb.selected_inferior().read_memory(rbp, 16)))
        except gdb.MemoryError:
            break
        if not ret:
            break
        trace.append(ret - 1)
        if nxt <= rbp:
            break
        rbp = nxt
    return trace


def live_trace(where):
    """(where, trace) from the selected CPU's live registers."""
    rip = int(gdb.parse_and_eval("$rip"))
    if rip < k.PAGE_OFFSET:
        return f"{where}, in user mode at {rip:#x}", []
    return where, frame_pointer_trace(rip, int(gdb.parse_and_eval("$rbp")))


def trace_on_other_cpu(task):
    """(where, trace) of a task running on a CPU GDB has not selected: each
    CPU is a GDB thread under QEMU's stub, so select the one whose
    `current` it is, read its registers, and select the first again.
    None if no CPU runs it."""
    first = gdb.selected_thread()
    if first is None:
        return None
    try:
        for thread in gdb.selected_inferior().threads():
            if thread.num == first.num:
                continue
            thread.switch()
            try:
                if int(k.current_task()) == int(task):
                    cpu = int(k.field(k.cpu_local(), "cpu"))
                    return live_trace(f"on CPU {cpu}")
            except (k.Error, gdb.error):
                continue
    finally:
        first.switch()
    return None


def task_trace(task, cur):
    """(where, trace) for a task: the live registers for one on a CPU (the
    selected one, or another: trace_on_other_cpu), the frame saved by its
    last switch for any other."""
    if int(task) == cur:
        return live_trace("on the CPU")
    if int(k.field_or(task, "on_cpu", 0) or 0):
        found = trace_on_other_cpu(task)
        if found is not None:
            return found
    if not int(k.field_or(task, "stack", 0) or 0):
        return "no kernel stack (exited)", []
    rsp = int(k.field(k.field(task, "thread"), "rsp"))
    rbp = k.read_u64(rsp + 8 * SWITCH_FRAME_RBP)
    ret = k.read_u64(rsp + 8 * SWITCH_FRAME_RET)
    return "switched out", frame_pointer_trace(ret, rbp)


class FlBt(FlCommand):
    """Kernel backtraces of tasks, including those not on the CPU.

Usage: fl-bt [PID]

With no PID, every task on the task list; with one, that task. For a
task running on a CPU, the trace starts at that CPU's live RIP (if it is
in the kernel; a CPU GDB has not selected is read through its GDB
thread); for every other task, at the frame its last
context switch saved (arch/x86_64/switch.asm), so a sleeping task shows
where it sleeps: mutex_lock, wait_for_completion, ... It follows frame
pointers, as the kernel's own backtraces do. The test harness prints this
for every task when a test boot times out (docs/hang-diagnostics.md)."""

    def __init__(self):
        super().__init__("fl-bt", gdb.COMMAND_STACK)

    def run(self, arg):
        argv = parse_args(arg, 0, 1, "fl-bt [PID]")
        pid = opt_pid(argv, 0)
        try:
            cur = int(k.current_task())
        except k.Error:
            cur = 0
        tasks = [k.find_task(pid)] if pid is not None else list(k.all_tasks())
        for t in tasks:
            where, trace = task_trace(t, cur)
            print(f"task {k.task_comm(t)} pid {k.task_pid(t)} "
                  f"state {k.task_state(t)} ({where})")
            for addr in trace:
                print(f"  {code_location(addr)}")


class Faultline(gdb.Command):
    """Faultline's GDB commands (tools/gdb/faultline; docs/gdb.md).

  fl-ps                    tasks: pid, parent, state, command
  fl-bt [PID]              kernel backtraces of every task (or one), asleep or running
  fl-vmas [PID]            VMAs as in /proc/PID/maps, plus the vm_ops name
  fl-pte ADDR [PID]        4-level page-table walk of a user address
  fl-page ADDR|PFN [PID]   struct page: flags, counts, mapping, index
  fl-pagecache PATH|INODE  cached pages of a file, with their flags
  fl-dmesg [N]             the kernel log buffer
  fl-break-fault [PID] [ADDR] [-at FUNCTION]
                           conditional breakpoint in the fault path

`help fl-pte` and so on for each. PID defaults to the process running on
the CPU GDB has selected; ADDR and PID are GDB expressions. The run
stops by itself when the kernel is about to end QEMU (machine_exit)."""

    def __init__(self):
        super().__init__("faultline", gdb.COMMAND_SUPPORT)

    def invoke(self, arg, from_tty):
        print(self.__doc__)


def register():
    for cmd in (Faultline, FlPs, FlBt, FlVmas, FlPte, FlPage, FlPagecache, FlDmesg,
                FlBreakFault):
        cmd()
    try:
        PowerOffStop()
    except (gdb.error, RuntimeError):
        pass                            # no symbols loaded: nothing to stop
