#!/usr/bin/env python3
"""tools/tour_lines.py - carry docs/tour.md's line numbers over code changes.

docs/tour.md names source lines as `path:NNN` (or `file.c:NNN-MMM`, the
directory left out once the path was given in full) and, after such a
reference, as bare numbers: "(742)", "(`find_vma`, 743; ...)",
"lines 172-180", "line 131". A bare number belongs to the file of the
nearest reference before it on the page (a backquoted path with or
without a number). The indented GDB excerpts are skipped: they come from
a run of tests/gdb/tour.gdb (the gdb-tour suite of tests/run.py) and are
refreshed by running it again.

This tool reads each referenced file as it was at a base revision (by
default the last commit that changed docs/tour.md, when the numbers were
last checked) and as it is in the working tree, matches the two line by
line (difflib), and prints, for every number that moves, the old and new
number; a number whose line itself changed (or a range with a changed
line inside) is marked RE-READ: the sentence around it may no longer be
true. With --write the new numbers go into docs/tour.md; review the
RE-READ sentences by hand, then commit.

    python3 tools/tour_lines.py                 # report only
    python3 tools/tour_lines.py --write         # and rewrite docs/tour.md
    python3 tools/tour_lines.py --base REV      # numbers taken at REV
    python3 tools/tour_lines.py --base-file mm/memory.c=REV   # one file's
    python3 tools/tour_lines.py --list          # every reference it finds

--base-file is for a page whose numbers were taken for one file at
another revision than the rest (e.g. a branch not yet merged).
It is a maintainer's tool, not a check: it exits 0 whatever moved (1
only for a usage error or a file it cannot read).
"""
import argparse
import difflib
import os
import re
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = "docs/tour.md"

SRC_EXT = r"(?:c|h|S|asm|ld|py|gdb|sh|md)"
# `dir/file.c:NNN`, `file.c:NNN-MMM` (in backquotes, maybe after other text)
PATH_REF = re.compile(r"`((?:[\w.-]+/)*[\w.-]+\.%s):(\d+)(?:-(\d+))?`" % SRC_EXT)
# a backquoted path with no number: sets the file for the bare numbers after it
PATH_ONLY = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.%s)`" % SRC_EXT)
# a bare number or range: after "(", ", ", "; " or "at " (as in "defined at
# 128") and before ")", ",", ";", ":", " and " or "'s"; or after "line(s) ".
BARE_REF = re.compile(
    r"(?:(?<=\()|(?<=, )|(?<=; )|(?<=\bat ))(\d{2,5})(?:-(\d{2,5}))?(?=\)|,|;|:| and |'s\b)"
    r"|(?<=\b[Ll]ine )(\d{2,5})(?!\d)|(?<=\b[Ll]ines )(\d{2,5})-(\d{2,5})")


def git(*args, check=True):
    r = subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True)
    if check and r.returncode:
        sys.exit(f"tour_lines: git {' '.join(args)}: {r.stderr.strip()}")
    return r


class Ref:
    """One line number (or range) on the page."""
    def __init__(self, doc_line, start, end, path, first, last, bare):
        self.doc_line, self.start, self.end = doc_line, start, end
        self.path, self.first, self.last, self.bare = path, first, last, bare

    def text(self):
        return f"{self.first}" if self.last is None else f"{self.first}-{self.last}"


def resolve(name, known, tracked):
    """A path as written (full, or a basename given in full earlier)."""
    if "/" in name and name in tracked:
        return name
    base = name.rsplit("/", 1)[-1]
    if base in known:
        return known[base]
    hits = [p for p in tracked if p.endswith("/" + name) or p == name]
    return hits[0] if len(hits) == 1 else None


def find_refs(lines, tracked):
    refs, known, current, in_code, prev = [], {}, None, False, ""
    for n, line in enumerate(lines, 1):
        # Indented blocks (GDB excerpts, shell commands) are not prose.
        if line.startswith("    ") and not line.lstrip().startswith(("-", "*")) and \
                (in_code or not lines[n - 2].strip() if n >= 2 else True):
            in_code = True
            prev = ""
            continue
        in_code = False
        # Backquoted code (`ftruncate(fd, 4096)`) holds no bare line numbers.
        taken = [m.span() for m in re.finditer(r"`[^`]*`", line)]
        events = []
        for m in PATH_REF.finditer(line):
            events.append((m.start(), "ref", m))
        for m in PATH_ONLY.finditer(line):
            events.append((m.start(), "path", m))
        # A number at the start of a wrapped line: its "(" or ", " ends the
        # line before.
        body = line.lstrip()
        off = len(prev) + 1 - (len(line) - len(body))
        for m in BARE_REF.finditer(prev + " " + body):
            if m.start() - off >= 0:
                events.append((m.start() - off, "bare", m))
        for pos, kind, m in sorted(events, key=lambda e: e[0]):
            if kind == "ref":
                path = resolve(m.group(1), known, tracked)
                if path is None:
                    print(f"{DOC}:{n}: cannot tell which file `{m.group(1)}` is",
                          file=sys.stderr)
                    current = None
                    continue
                known[path.rsplit("/", 1)[-1]] = path
                current = path
                last = int(m.group(3)) if m.group(3) else None
                refs.append(Ref(n, m.start(2), m.end(3) if m.group(3) else m.end(2),
                                path, int(m.group(2)), last, False))
            elif kind == "path":
                path = resolve(m.group(1), known, tracked)
                if path:
                    known[path.rsplit("/", 1)[-1]] = path
                    current = path
            else:
                if any(a <= pos < b for a, b in taken):
                    continue
                if current is None:
                    print(f"{DOC}:{n}: number {m.group(0)} with no file before it",
                          file=sys.stderr)
                    continue
                g = [k for k in range(1, 6) if m.group(k)]
                first, last = int(m.group(g[0])), int(m.group(g[1])) if len(g) > 1 else None
                refs.append(Ref(n, m.start(g[0]) - off, m.end(g[-1]) - off,
                                current, first, last, True))
        prev = line.rstrip()
    return refs


def line_map(old, new):
    """old line number -> (new line number, unchanged?)"""
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    out = {}
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        for k in range(i1, i2):
            if tag == "equal":
                out[k + 1] = (j1 + (k - i1) + 1, True)
            elif tag == "replace":
                # the line at the same place in the new block, or its last
                out[k + 1] = (min(j1 + (k - i1), j2 - 1) + 1, False)
            else:  # delete: where the block was
                out[k + 1] = (j1 + 1, False)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="revision the numbers were taken at "
                    "(default: the last commit that changed docs/tour.md)")
    ap.add_argument("--base-file", action="append", default=[], metavar="PATH=REV",
                    help="one file's numbers were taken at REV instead")
    ap.add_argument("--write", action="store_true", help="rewrite docs/tour.md")
    ap.add_argument("--list", action="store_true", help="list every reference found")
    args = ap.parse_args()

    base = args.base or git("log", "-1", "--format=%H", "--", DOC).stdout.strip()
    if not base:
        sys.exit("tour_lines: no commit changed docs/tour.md: give --base")
    per_file = {}
    for spec in args.base_file:
        path, _, rev = spec.partition("=")
        if not rev:
            sys.exit(f"tour_lines: --base-file {spec}: want PATH=REV")
        per_file[path] = rev
    tracked = git("ls-files").stdout.split()
    with open(os.path.join(REPO, DOC)) as f:
        lines = f.read().split("\n")
    refs = find_refs(lines, tracked)
    if args.list:
        for r in refs:
            print(f"{DOC}:{r.doc_line}: {r.path}:{r.text()}{' (bare)' if r.bare else ''}")
        return 0

    maps, err = {}, 0
    for path in sorted({r.path for r in refs}):
        rev = per_file.get(path, base)
        old = git("show", f"{rev}:{path}", check=False)
        try:
            with open(os.path.join(REPO, path)) as f:
                new = f.read().split("\n")
        except OSError as e:
            print(f"tour_lines: {path}: {e}", file=sys.stderr)
            err = 1
            continue
        if old.returncode:
            print(f"tour_lines: {path} is not in {rev[:12]}", file=sys.stderr)
            err = 1
            continue
        maps[path] = (line_map(old.stdout.split("\n"), new), len(new))

    moved = reread = 0
    edits = {}
    for r in refs:
        if r.path not in maps:
            continue
        m, _ = maps[r.path]
        ends = [r.first] + ([r.last] if r.last is not None else [])
        if any(e not in m for e in ends):
            print(f"{DOC}:{r.doc_line}: {r.path}:{r.text()} is past the end of the base "
                  f"file: RE-READ")
            reread += 1
            continue
        new_first = m[r.first][0]
        new_last = m[r.last][0] if r.last is not None else None
        span = range(r.first, (r.last or r.first) + 1)
        same = all(m.get(k, (0, False))[1] for k in span)
        if r.last is not None and new_last - new_first != r.last - r.first:
            same = False
        new_text = f"{new_first}" if new_last is None else f"{new_first}-{new_last}"
        if not same:
            reread += 1
            print(f"{DOC}:{r.doc_line}: {r.path}:{r.text()} -> {new_text}  RE-READ: "
                  f"{lines[r.doc_line - 1].strip()[:110]}")
        elif new_text != r.text():
            moved += 1
            print(f"{DOC}:{r.doc_line}: {r.path}:{r.text()} -> {new_text}")
        if new_text != r.text():
            edits.setdefault(r.doc_line, []).append((r.start, r.end, new_text))

    print(f"{len(refs)} line numbers: {moved} moved, {reread} to re-read, "
          f"{len(refs) - moved - reread} unchanged (base {base[:12]})")
    if args.write and edits:
        for n, es in edits.items():
            s = lines[n - 1]
            for start, end, text in sorted(es, reverse=True):
                s = s[:start] + text + s[end:]
            lines[n - 1] = s
        with open(os.path.join(REPO, DOC), "w") as f:
            f.write("\n".join(lines))
        print(f"rewrote {DOC}: review the RE-READ sentences, and rerun the gdb-tour "
              f"suite for the GDB excerpts")
    return err


if __name__ == "__main__":
    sys.exit(main())
