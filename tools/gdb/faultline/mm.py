"""Page tables, struct page and VMAs, read from GDB.

The page-table walk reads each table through the direct map (kernel.py),
starting at the pgd of the chosen process's mm, so it shows that process's
view whatever the CPU runs. The entry bits are x86-64's
(arch/x86_64/include/asm/pgtable_types.h); the flags string is the one the
kernel prints in an oops (pte_flags_str in arch/x86_64/fault.c).
"""

import gdb

from . import kernel as k

# arch/x86_64/include/asm/pgtable_types.h
_PAGE_PRESENT = 1 << 0
_PAGE_RW = 1 << 1
_PAGE_USER = 1 << 2
_PAGE_ACCESSED = 1 << 5
_PAGE_DIRTY = 1 << 6
_PAGE_PSE = 1 << 7
_PAGE_GLOBAL = 1 << 8
_PAGE_NX = 1 << 63
# A swap entry in a not-present PTE (arch/x86_64/include/asm/pgtable.h):
# present and user clear, _PAGE_SWP_MARK (the RW bit) set; the area's
# type in bits 7..11, the slot's offset from bit 12 (40 bits).
_PAGE_SWP_MARK = _PAGE_RW
SWP_TYPE_SHIFT, SWP_TYPE_BITS = 7, 5
SWP_OFFSET_SHIFT, SWP_OFFSET_BITS = 12, 40


def is_swap_pte(e):
    return e & (_PAGE_PRESENT | _PAGE_USER | _PAGE_SWP_MARK) == _PAGE_SWP_MARK


def swap_entry(e):
    """(type, offset) of the swap entry in PTE value e."""
    return ((e >> SWP_TYPE_SHIFT) & ((1 << SWP_TYPE_BITS) - 1),
            (e >> SWP_OFFSET_SHIFT) & ((1 << SWP_OFFSET_BITS) - 1))
PTE_PFN_MASK = 0x000ffffffffff000

# (name, shift) of the four levels, top down (asm/page.h).
LEVELS = (("PGD", 39), ("PUD", 30), ("PMD", 21), ("PTE", 12))

# include/mm/mm_types.h: vm_flags, Linux's values (macros, not in DWARF).
VM_READ = 0x1
VM_WRITE = 0x2
VM_EXEC = 0x4
VM_SHARED = 0x8
VM_MAYSHARE = 0x80


def flags_str(e):
    """"P W U A D" with "-" for a clear bit, then PS, G and NX when set:
    the format of the kernel's pte_flags_str()."""
    s = " ".join(letter if e & bit else "-" for letter, bit in (
        ("P", _PAGE_PRESENT), ("W", _PAGE_RW), ("U", _PAGE_USER),
        ("A", _PAGE_ACCESSED), ("D", _PAGE_DIRTY)))
    for word, bit in (("PS", _PAGE_PSE), ("G", _PAGE_GLOBAL), ("NX", _PAGE_NX)):
        if e & bit:
            s += " " + word
    return s


def virt_to_phys(va):
    """__pa() of a direct-map or kernel-image address."""
    if va >= k.KERNEL_VMA:
        return va - k.KERNEL_VMA
    if va >= k.PAGE_OFFSET:
        return va - k.PAGE_OFFSET
    k.fail(f"{va:#x} is neither a direct-map nor a kernel-image address")


class Step:
    """One level of a walk: the entry read and what it means."""

    def __init__(self, level, index, slot_pa, value):
        self.level, self.index, self.slot_pa, self.value = \
            level, index, slot_pa, value

    @property
    def present(self):
        return bool(self.value & _PAGE_PRESENT)

    def is_leaf(self):
        return self.present and (self.level == "PTE" or
                                 (self.level in ("PUD", "PMD") and
                                  self.value & _PAGE_PSE))


def walk(pgd_va, addr):
    """The 4-level walk of addr from the top table at pgd_va.

    Returns (steps, pfn, size): the entries read, top down, and the frame
    and page size that map addr, or pfn None if the walk stopped at an
    empty or not-present entry (the last step says which).
    """
    table = virt_to_phys(pgd_va)
    steps = []
    for level, shift in LEVELS:
        index = (addr >> shift) & 511
        slot = table + 8 * index
        step = Step(level, index, slot, k.read_phys_u64(slot))
        steps.append(step)
        if not step.present:
            return steps, None, 1 << shift
        if step.is_leaf():
            size = 1 << shift
            base = (step.value & PTE_PFN_MASK) & ~(size - 1)
            return steps, (base + (addr & (size - 1) & ~0xfff)) >> 12, size
        table = step.value & PTE_PFN_MASK
    raise AssertionError("the PTE level is always a leaf or not present")


def describe_step(step):
    """One line for a walk step, e.g. 'PTE[416] 0x8000000000abc025  P - U A - NX  frame 0xabc'."""
    head = f"{step.level}[{step.index:3d}] {step.value:#018x}  "
    e = step.value
    if e == 0:
        return head + "(none: nothing mapped here)"
    frame = (e & PTE_PFN_MASK) >> 12
    if not step.present:
        what = "not present"
        if step.level == "PTE" and is_swap_pte(e):
            typ, off = swap_entry(e)
            return head + (f"swap entry: type {typ} (swap_info[{typ}]), offset {off:#x} "
                           f"(sector {off * 8:#x} of the area's disk)")
        if step.level == "PTE":
            what += f" (kept frame {frame:#x}: PROT_NONE)"
        return head + f"{flags_str(e)}  {what}"
    if step.is_leaf():
        size = {"PTE": "4 KiB", "PMD": "2 MiB", "PUD": "1 GiB"}[step.level]
        return head + f"{flags_str(e)}  frame {frame:#x} ({size} page)"
    return head + f"{flags_str(e)}  table at phys {frame << 12:#x}"


# ---- struct page ---------------------------------------------------------------

def mem_map():
    return k.symbol("mem_map")


def max_pfn():
    return int(k.symbol("max_pfn"))


def page_size():
    return k.lookup_type("struct page").sizeof


def pfn_to_page(pfn):
    if not 0 <= pfn < max_pfn():
        k.fail(f"pfn {pfn:#x} is past the end of RAM (max_pfn {max_pfn():#x})")
    return k.pointer(int(mem_map()) + pfn * page_size(), "struct page")


def page_to_pfn(page):
    off = int(page) - int(mem_map())
    if off < 0 or off % page_size() or off // page_size() >= max_pfn():
        k.fail(f"{int(page):#x} is not a struct page in mem_map")
    return off // page_size()


def is_mem_map_address(addr):
    base = int(mem_map())
    return base <= addr < base + max_pfn() * page_size()


def page_flag_names(flags):
    """Names of the PG_* bits set in flags (enum pageflags, so new flags
    show up without a change here)."""
    names = k.enum_names("enum pageflags")
    out = []
    for bit in range(64):
        if flags >> bit & 1:
            name = names.get(bit, f"bit{bit}")
            out.append(name[3:] if name.startswith("PG_") else name)
    return out


def page_lru_name(flag_names):
    """Which of mm/vmscan.c's four LRU lists the page is on, from its
    flags (PG_lru, PG_active, PG_swapbacked), or None."""
    if "lru" not in flag_names:
        return None
    return (("active_" if "active" in flag_names else "inactive_") +
            ("anon" if "swapbacked" in flag_names else "file"))


def anon_vma_vmas(av):
    """The VMAs on an anon_vma's list (struct vm_area_struct *)."""
    return list(k.list_entries(k.field(av, "head"), "struct vm_area_struct",
                               "anon_vma_node"))


def is_zero_page(page):
    try:
        zero = k.symbol("zero_page")
    except k.Error:
        return False
    return int(zero) == int(page)


def page_info(page):
    """A dict of what fl-page prints about a struct page *."""
    flags = int(k.field(page, "flags"))
    names = page_flag_names(flags)
    info = {
        "page": int(page), "pfn": page_to_pfn(page), "flags": flags,
        "flag_names": names,
        "refcount": int(k.field(page, "_refcount")),
        "mapcount": int(k.field(page, "_mapcount")) + 1,
        "mapping": None, "index": None, "what": None,
        "lru": None, "anon_vma": 0,
    }
    if "slab" in names:
        cache = k.field_or(page, "slab_cache")
        name = k.c_string(k.field(cache, "name")) if cache is not None \
            and int(cache) else "?"
        info["what"] = f"slab page of cache {name}"
        return info
    if "buddy" in names:
        info["what"] = (f"free: heads a buddy block of order "
                        f"{int(k.field(page, 'private'))}")
        return info
    info["mapping"] = int(k.field(page, "mapping"))
    info["index"] = int(k.field(page, "index"))
    info["lru"] = page_lru_name(names)
    av = k.field_or(page, "anon_vma")
    info["anon_vma"] = int(av) if av is not None else 0
    if info["anon_vma"]:
        info["anon_vma_vmas"] = anon_vma_vmas(av)
        info["anon_vma_refs"] = int(k.field(av, "refcount"))
    if is_zero_page(page):
        info["what"] = "the shared zero page (reads of untouched anonymous memory)"
    elif "reserved" in names:
        info["what"] = "reserved (kernel image, firmware or a hole)"
    elif info["refcount"] == 0:
        info["what"] = "free (inside a free buddy block, or not handed out yet)"
    elif info["mapping"] == 0:
        info["what"] = ("anonymous" if info["mapcount"] > 0
                        else "no mapping (anonymous, a page table, or kernel data)")
    return info


# ---- VMAs ----------------------------------------------------------------------

def vmas(mm):
    """The VMAs of an mm in address order (struct vm_area_struct *)."""
    root = k.field(k.field(mm, "mm_rb"), "rb_node")
    for node in k.rb_inorder(root):
        yield k.container_of(node, "struct vm_area_struct", "vm_rb")


def find_vma(mm, addr):
    for vma in vmas(mm):
        if int(k.field(vma, "vm_start")) <= addr < int(k.field(vma, "vm_end")):
            return vma
    return None


def vma_ops_name(vma):
    ops = k.field(vma, "vm_ops")
    if int(ops) == 0:
        return "anonymous"
    name = k.field_or(ops, "name")
    if name is not None and int(name):
        return k.c_string(name)
    # No ->name: the symbol of the ops table ("shmem_vm_ops").
    return k.symbol_name(int(ops)) or f"{int(ops):#x}"


def vma_perms(vm_flags):
    return "".join((
        "r" if vm_flags & VM_READ else "-",
        "w" if vm_flags & VM_WRITE else "-",
        "x" if vm_flags & VM_EXEC else "-",
        "s" if vm_flags & VM_MAYSHARE else "p",
    ))
