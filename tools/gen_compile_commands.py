#!/usr/bin/env python3
"""Write compile_commands.json for editors (clangd and the like).

Usage: gen_compile_commands.py "CC FLAGS..." file.c ... > compile_commands.json
"""
import json
import os
import shlex
import sys


def main():
    cmd = shlex.split(sys.argv[1])
    root = os.getcwd()
    entries = []
    for src in sys.argv[2:]:
        obj = os.path.join("build", os.path.splitext(src)[0] + ".o")
        entries.append({
            "directory": root,
            "file": os.path.join(root, src),
            "arguments": cmd + ["-c", src, "-o", obj],
        })
    json.dump(entries, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
