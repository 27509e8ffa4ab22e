"""Reading the kernel from GDB: types, fields, symbols, memory, lists, trees,
the per-CPU data and the task list.

Everything here finds the kernel's structures by name in the DWARF of
build/kernel.elf, so a field that moves costs nothing, and a field that is
renamed or removed gives a clear error ("struct page has no field
_mapcount") instead of a wrong answer. Constants that DWARF does not carry
(macros such as PAGE_OFFSET) are written here once, with the header they
come from.

Memory is read through GDB, that is through QEMU's view of the CPU that GDB
has selected: kernel addresses (the direct map, the kernel image) are
mapped in every address space, so they read the same whichever process the
CPU was running. Physical memory is read through the direct map.
"""

import struct

import gdb

# arch/x86_64/include/asm/page.h (macros: not in the DWARF at -g).
PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT
PAGE_OFFSET = 0xffff888000000000     # the direct map of all RAM
KERNEL_VMA = 0xffffffff80000000      # the kernel image
USER_TOP = 0x0000800000000000
KERNEL_SPACE = 0xffff800000000000    # lowest canonical kernel address

LIST_LIMIT = 1 << 20                 # a longer list is a corrupt one


class Error(gdb.GdbError):
    """A message for the user; GDB prints it without a traceback."""


def fail(msg):
    raise Error(msg)


# ---- types and fields --------------------------------------------------------

def lookup_type(name):
    """gdb.Type for a C type name ("struct page", "unsigned long")."""
    try:
        return gdb.lookup_type(name)
    except gdb.error:
        fail(f"the kernel has no type '{name}' (is build/kernel.elf loaded? "
             f"if the kernel changed, update tools/gdb/faultline)")


def find_field(t, name):
    """(bit offset, field) of name in struct/union type t, looking into
    anonymous members; None if absent."""
    t = t.strip_typedefs()
    if t.code not in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        return None
    for f in t.fields():
        if f.name == name:
            return (getattr(f, "bitpos", 0), f)
        if not f.name:                  # an anonymous struct or union
            inner = find_field(f.type, name)
            if inner is not None:
                return (getattr(f, "bitpos", 0) + inner[0], inner[1])
    return None


def has_field(t, name):
    return find_field(t, name) is not None


def offsetof(type_name, member):
    found = find_field(lookup_type(type_name), member)
    if found is None:
        fail(f"{type_name} has no field '{member}' (the kernel changed? "
             f"update tools/gdb/faultline)")
    return found[0] // 8


def deref(val):
    """The object a pointer points to; other values as they are."""
    if val.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
        return val.dereference()
    return val


def field(val, *names):
    """The first of names that val (a struct or a pointer to one) has."""
    obj = deref(val)
    for name in names:
        if has_field(obj.type, name):
            return obj[name]
    fail(f"{obj.type.strip_typedefs()} has no field "
         f"{' or '.join(repr(n) for n in names)} (the kernel changed? "
         f"update tools/gdb/faultline)")


def field_or(val, name, default=None):
    """val.name, or default if the struct has no such field."""
    obj = deref(val)
    return obj[name] if has_field(obj.type, name) else default


def pointer(addr, type_name):
    """A typed pointer (gdb.Value) to type_name at addr."""
    return gdb.Value(int(addr)).cast(lookup_type(type_name).pointer())


def container_of(ptr, type_name, member):
    return pointer(int(ptr) - offsetof(type_name, member), type_name)


def enum_names(type_name):
    """{value: name} of a C enum (e.g. "enum pageflags")."""
    t = lookup_type(type_name).strip_typedefs()
    return {int(f.enumval): f.name for f in t.fields()}


def c_string(val, limit=256):
    """A char array or char pointer as a Python str (up to the NUL)."""
    t = val.type.strip_typedefs()
    if t.code == gdb.TYPE_CODE_ARRAY:
        data = read(int(val.address), t.sizeof)
    elif int(val) == 0:
        return ""
    else:
        data = read(int(val), limit)
    return data.split(b"\0", 1)[0].decode("utf-8", "replace")


# ---- symbols -------------------------------------------------------------------

def lookup_symbol(name):
    """The gdb.Symbol of a global or file-static name, or None."""
    try:
        sym = gdb.lookup_global_symbol(name)
        if sym is None and hasattr(gdb, "lookup_static_symbol"):  # GDB >= 10
            sym = gdb.lookup_static_symbol(name)
    except gdb.error:
        sym = None
    return sym


def symbol(name):
    """The value of a kernel variable, global or file-static."""
    sym = lookup_symbol(name)
    if sym is None:
        try:
            return gdb.parse_and_eval(name)
        except gdb.error:
            fail(f"the kernel has no variable '{name}' (is build/kernel.elf "
                 f"loaded? if the kernel changed, update tools/gdb/faultline)")
    return sym.value()


def symbol_name(addr):
    """The name of the symbol at addr ("filemap_vm_ops"), or None."""
    try:
        out = gdb.execute(f"info symbol {addr:#x}", to_string=True)
    except gdb.error:
        return None
    if out.startswith("No symbol"):
        return None
    return out.split()[0]


def evaluate(expr):
    """An expression typed by the user, as a gdb.Value."""
    try:
        return gdb.parse_and_eval(expr)
    except gdb.error as e:
        fail(f"cannot evaluate '{expr}': {e}")


def to_int(expr):
    return int(evaluate(expr))


# ---- memory ------------------------------------------------------------------

def paging_hint():
    """Why a kernel address may not be readable right now."""
    try:
        if not int(gdb.parse_and_eval("$cr0")) >> 31 & 1:
            return ("the CPU has paging off (still in boot code): "
                    "break kmain, continue, and try again")
    except gdb.error:
        pass
    return "not mapped"


def read(addr, size):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, size))
    except gdb.MemoryError:
        fail(f"cannot read {size} bytes at {addr:#x}: {paging_hint()}")


def read_u64(addr):
    return struct.unpack("<Q", read(addr, 8))[0]


def phys_to_virt(pa):
    """The direct-map address of physical address pa (__va())."""
    return PAGE_OFFSET + pa


def read_phys_u64(pa):
    return read_u64(phys_to_virt(pa))


# ---- lists and trees -----------------------------------------------------------

def list_entries(head, type_name, member):
    """The entries of a list_head list (head: the list_head, a value or a
    pointer), as typed pointers, like list_for_each_entry."""
    head = deref(head)
    head_addr = int(head.address)
    node = int(head["next"])
    off = offsetof(type_name, member)
    count = 0
    while node != head_addr:
        if node == 0 or count > LIST_LIMIT:
            fail(f"the list at {head_addr:#x} is broken (NULL or endless)")
        yield pointer(node - off, type_name)
        node = read_u64(node)           # ->next is the first field
        count += 1


def rb_inorder(root_node):
    """The nodes of a red-black tree (root_node: struct rb_node *), in
    order, as integer addresses."""
    stack, node, count = [], int(root_node), 0
    while stack or node:
        while node:
            stack.append(node)
            node = int(pointer(node, "struct rb_node")["rb_left"])
            count += 1
            if count > LIST_LIMIT:
                fail("the red-black tree is broken (endless)")
        node = stack.pop()
        yield node
        node = int(pointer(node, "struct rb_node")["rb_right"])


# ---- per-CPU data and current ------------------------------------------------

def cpu_local():
    """struct cpu_local * of the CPU GDB has selected.

    The kernel reaches its cpu_local through the GS base (asm/percpu.h):
    in kernel mode $gs_base points at cpu_locals[cpu]; in user mode the
    kernel's value waits in $k_gs_base (swapgs). Failing both (a CPU still
    in boot code), QEMU's thread N is CPU N-1.
    """
    arr = symbol("cpu_locals")
    base = int(arr.address)
    size = arr.type.sizeof
    elem = arr.type.target().sizeof
    for reg in ("$gs_base", "$k_gs_base"):
        try:
            v = int(gdb.parse_and_eval(reg))
        except gdb.error:
            continue
        if base <= v < base + size and (v - base) % elem == 0:
            return pointer(v, "struct cpu_local")
    thread = gdb.selected_thread()
    cpu = thread.num - 1 if thread is not None else 0
    if not 0 <= cpu < size // elem:
        cpu = 0
    return pointer(base + cpu * elem, "struct cpu_local")


def running_tasks():
    """Addresses of the tasks running on some CPU (each CPU's
    cpu_locals[N].current_task; 0 for CPUs not started)."""
    arr = symbol("cpu_locals")
    n = arr.type.sizeof // arr.type.target().sizeof
    return {int(arr[i]["current_task"]) for i in range(n)} - {0}


def current_task():
    """The task running on the selected CPU (the kernel's `current`)."""
    task = field(cpu_local(), "current_task")
    if int(task) == 0:
        fail("no task is running yet on this CPU (the scheduler has not "
             "started: continue to kmain's end first)")
    return task


# ---- tasks -------------------------------------------------------------------

TASK_STATE_LETTERS = {
    "TASK_RUNNING": "R", "TASK_INTERRUPTIBLE": "S",
    "TASK_UNINTERRUPTIBLE": "D", "TASK_IDLE": "I", "TASK_DEAD": "X",
}


def all_tasks():
    """Every task (kernel/sched.c: all_tasks, linked by task->tasks)."""
    return list_entries(symbol("all_tasks"), "struct task_struct", "tasks")


def task_comm(task):
    return c_string(field(task, "comm"))


def task_pid(task):
    return int(field(task, "pid"))


def task_state(task):
    """One letter, as ps prints it (Z: a zombie waiting for wait4)."""
    if int(field_or(task, "exit_state", 0) or 0):
        return "Z"
    names = enum_names("enum task_state")
    name = names.get(int(field(task, "state")), "")
    return TASK_STATE_LETTERS.get(name, "?")


def find_task(pid):
    for t in all_tasks():
        if task_pid(t) == pid:
            return t
    fail(f"no task with pid {pid} (fl-ps lists them)")


def describe_task(task):
    return f"pid {task_pid(task)} ({task_comm(task)})"


def process(pid=None):
    """The task with pid (default: current) that must have a user address
    space: (task, its struct mm_struct *)."""
    task = current_task() if pid is None else find_task(pid)
    mm = field(task, "mm")
    if int(mm) == 0:
        who = "the current task" if pid is None else "it"
        fail(f"{describe_task(task)} has no user address space ({who} is a "
             f"kernel thread or a zombie); give the PID of a process "
             f"(fl-ps lists them)")
    return task, mm
