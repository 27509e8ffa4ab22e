#!/usr/bin/env bash
# tools/stage-glibc.sh ROOT PROG... - copy the host's dynamically linked
# programs (or shared libraries, such as Python's extension modules), with
# the glibc runtime they need, into the root tree ROOT, at
# the paths they have on the host: each PROG (a host path, e.g.
# /usr/bin/ls), every library `ldd PROG` lists, and the interpreter
# (/lib64/ld-linux-x86-64.so.2 on Debian and Ubuntu, a symbolic link into
# /lib/x86_64-linux-gnu there and here).
#
# The Makefile stages GLIBC_PROGS this way into the root image
# (docs/exec.md, "Dynamically linked programs"). A host without them (not
# Debian or Ubuntu, or without glibc) stages nothing: the script says so
# on stderr and exits 0, and the test that runs them skips (the `dynamic`
# suite of tests/run.py).
set -euo pipefail

root=$1; shift
copy() {        # copy host file $1 to $root$1, keeping a symbolic link a link
    local src=$1
    mkdir -p "$root$(dirname "$src")"
    if [[ -L $src ]]; then
        local target
        target=$(readlink "$src")
        ln -sfn "$target" "$root$src"
        [[ $target == /* ]] || target=$(dirname "$src")/$target
        copy "$target"
    else
        cp "$src" "$root$src"
    fi
}

for prog in "$@"; do
    if [[ ! -f $prog ]] || ! ldd "$prog" >/dev/null 2>&1; then
        echo "stage-glibc: $prog: not a dynamically linked program on this host; not staged" >&2
        continue
    fi
    copy "$prog"
    # "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and the
    # interpreter's "/lib64/ld-linux-x86-64.so.2 (0x...)"; not the vDSO.
    ldd "$prog" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
        while read -r lib; do copy "$lib"; done
done
