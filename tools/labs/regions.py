"""Lab solution regions in the kernel sources, and the stubs that replace them.

A lab's solution is marked in the C sources with comment-only lines, each
alone on its line:

    /* LAB(cow): BEGIN copy the page for the writer */
    /* LAB(cow): STUB spin_unlock(&vmf->vma->vm_mm->page_table_lock); */
    /* LAB(cow): STUB return VM_FAULT_SIGBUS; */
        ... the solution ...
    /* LAB(cow): END */

BEGIN says what the student implements; every STUB line inside the region
is one line of C that stands in for the solution in the handout, so that
the handout compiles (no STUB line: the region becomes empty; the text
after "STUB " is copied as it is, leading tabs included). A handout
replaces each region of its lab, markers included, with

    /* LAB(cow) TODO (docs/labs/cow.md):
     * copy the page for the writer */
    spin_unlock(&vmf->vma->vm_mm->page_table_lock);
    return VM_FAULT_SIGBUS;

at the indentation of the markers, and leaves every other lab's markers in
place (they are comments). Regions of different labs may nest (a region of
one lab inside a function another lab stubs whole); regions of one lab may
not. Every region of a lab must be stubbable on its own (lab.py verify
stubs one at a time), so a stub may have to mention a helper that only
the solution called, e.g. "(void)set_pte_if_unchanged;", to keep
-Werror=unused-function quiet. The TODO comment is the only other
"/* LAB(" comment allowed.

Only .c and .h files are scanned.
"""

import re
from dataclasses import dataclass, field

SOURCE_SUFFIXES = (".c", ".h")

# A marker line: indentation, lab name, kind, and the rest.
MARKER = re.compile(r"^(?P<indent>[ \t]*)/\* LAB\((?P<lab>[a-z][a-z0-9_-]*)\): "
                    r"(?P<kind>BEGIN|STUB|END)(?: (?P<text>.*?))? \*/\s*$")
# The first line of a handout's TODO comment (see stub_text).
TODO = re.compile(r"^[ \t]*/\* LAB\([a-z][a-z0-9_-]*\) TODO ")
# Anything that looks like an attempt at a marker.
MARKER_LIKE = re.compile(r"/\*\s*LAB\(")


class RegionError(Exception):
    """A malformed marker (message names the file and line)."""


@dataclass
class Region:
    lab: str
    path: str            # relative to the tree root
    begin: int           # 0-based line index of the BEGIN marker
    end: int = -1        # 0-based line index of the END marker
    indent: str = ""
    what: str = ""       # the BEGIN text: what to implement
    stub: list = field(default_factory=list)   # (indent, code) per STUB line

    @property
    def lineno(self):
        return self.begin + 1

    def describe(self):
        return f"{self.path}:{self.lineno}: {self.what}"


def parse(path, text):
    """The regions of one file, in order of their BEGIN lines. Raises
    RegionError for unbalanced or misplaced markers."""
    regions = []
    stack = []
    for i, line in enumerate(text.splitlines()):
        if not MARKER_LIKE.search(line):
            continue
        if TODO.match(line):
            continue
        m = MARKER.match(line)
        where = f"{path}:{i + 1}"
        if not m:
            raise RegionError(f"{where}: malformed LAB marker: {line.strip()}")
        lab, kind = m.group("lab"), m.group("kind")
        text_ = (m.group("text") or "").rstrip()
        if kind == "BEGIN":
            if any(r.lab == lab for r in stack):
                raise RegionError(f"{where}: LAB({lab}) region inside another LAB({lab}) region")
            text_ = text_.strip()
            if not text_:
                raise RegionError(f"{where}: LAB({lab}): BEGIN needs a description")
            r = Region(lab, path, i, indent=m.group("indent"), what=text_)
            stack.append(r)
            regions.append(r)
        elif kind == "STUB":
            if not any(r.lab == lab for r in stack):
                raise RegionError(f"{where}: LAB({lab}): STUB outside a LAB({lab}) region")
            if not text_:
                raise RegionError(f"{where}: LAB({lab}): STUB needs a line of code")
            next(r for r in reversed(stack) if r.lab == lab).stub.append(
                (m.group("indent"), text_))
        else:  # END
            if not stack or stack[-1].lab != lab:
                open_ = f"LAB({stack[-1].lab})" if stack else "none"
                raise RegionError(f"{where}: LAB({lab}): END does not close the innermost "
                                  f"open region ({open_})")
            if text_:
                raise RegionError(f"{where}: LAB({lab}): END takes no text")
            stack.pop().end = i
    if stack:
        r = stack[-1]
        raise RegionError(f"{path}:{r.lineno}: LAB({r.lab}) region never ENDs")
    return regions


def stub_text(text, regions, doc):
    """text with each of regions (all from this file) replaced by its TODO
    line and stub. doc is the handout page to name in the TODO line."""
    lines = text.splitlines(keepends=True)
    out = []
    starts = {r.begin: r for r in regions}
    i = 0
    while i < len(lines):
        r = starts.get(i)
        if r is None:
            out.append(lines[i])
            i += 1
            continue
        out.append(f"{r.indent}/* LAB({r.lab}) TODO ({doc}):\n")
        out.append(f"{r.indent} * {r.what} */\n")
        for indent, code in r.stub:
            out.append(f"{indent}{code}\n")
        i = r.end + 1
    return "".join(out)
