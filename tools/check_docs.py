#!/usr/bin/env python3
"""tools/check_docs.py - README.md and docs/ point only at what a clone holds.

Checks, in README.md and every docs/**/*.md:
  - each relative Markdown link [text](path) names a file or directory of
    the repository (anchors and web addresses are not checked);
  - each path in backquotes under one of Faultline's top-level directories
    (`mm/filemap.c`, `tools/qemu.py`, `docs/gdb.md`) exists, except on a
    line that names Linux (where `mm/workingset.c` is Linux's file), in
    templates (`user/bin/NAME.c`) and under build/ (made by the build),
    and in docs/LINUX-SEMANTICS.md, whose paths are all Linux's;
  - nothing refers to notes outside the repository (`../shared`, or the
    design notes DESIGN.md and STYLE.md, which a clone does not contain).
Prints one line per problem and exits 1 if there is any; tests/run.py's
docs suite runs it in make test.
"""
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOP = ("arch", "docs", "drivers", "fs", "include", "ipc", "kernel", "mm",
       "tests", "tools", "user")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
OUTSIDE = re.compile(r"\.\./shared|\bDESIGN\.md\b|\bSTYLE\.md\b")
TEMPLATE = re.compile(r"[A-Z]{2,}|\*|\.\.\.|%|\{")


def problems_in(doc):
    rel = doc.relative_to(REPO)
    in_fence = False
    for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        m = OUTSIDE.search(line)
        if m:
            yield f"{rel}:{n}: refers to {m.group(0)}, which a clone does not hold"
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if path and not (doc.parent / path).exists():
                yield f"{rel}:{n}: link to {target}: no such file"
        if in_fence or "Linux" in line:
            continue
        for word in CODE.findall(line):
            path = word.rstrip(".,:;)")
            if (path.split("/", 1)[0] not in TOP or "/" not in path
                    or TEMPLATE.search(path) or path.startswith("build/")):
                continue
            path = re.sub(r":[\w-]+$", "", path)   # file:LINE, file:function
            if not ((REPO / path).exists() or          # a program by its source
                    (REPO / (path + ".c")).exists()):
                yield f"{rel}:{n}: `{word}`: no such file in the repository"


def main():
    # LINUX-SEMANTICS.md is about Linux: its paths are Linux's files.
    docs = [REPO / "README.md"] + sorted(
        p for p in (REPO / "docs").rglob("*.md") if p.name != "LINUX-SEMANTICS.md")
    found = [p for doc in docs for p in problems_in(doc)]
    for p in found:
        print(p)
    print(f"check_docs: {len(docs)} files, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
