#!/usr/bin/env bash
# tools/stage-python.sh ROOT - copy the host's Debian python3 (the
# interpreter, its standard library pruned of what a student never
# imports, and the glibc libraries that it and the kept extension modules
# need) into the root tree ROOT, at the paths it has on the host, so that
# it finds its standard library as it does there: sys.prefix /usr, the
# library in /usr/lib/python3.X, extension modules in its lib-dynload.
#
# The Makefile runs this for GLIBC_PYTHON=1 and for `make test-python`
# (docs/exec.md, "Python"). A host without Debian's python3 (another
# distribution, or no python3 in /usr/bin) stages nothing: the script says
# so on stderr and exits 0.
#
# What is pruned (none of it is imported by the rest of the library):
# the test suite, the static library and Makefile of config-3.X-* (for
# building C extensions: about 25 MiB when python3-dev is installed),
# lib2to3, ensurepip (its wheels), distutils, the Tk GUI packages
# (idlelib, tkinter, turtledemo, turtle.py) where the host has them, and
# the extension modules that exist for CPython's own tests (_test*,
# xxlimited*, _xxtestfuzz, _ctypes_test) or that pull in large libraries
# for old databases and devices (nis: NIS with Kerberos, _dbm: Berkeley
# DB, ossaudiodev).
#
# The byte-compiled __pycache__/*.pyc files are kept, with each source
# file's modification time (tar keeps them, mke2fs -d copies them into the
# image), so that Python trusts them: compiling the library under TCG
# would take seconds per module. Any module the host never compiled is
# compiled here, on the host.
set -euo pipefail

root=$1
here=$(cd "$(dirname "$0")" && pwd)
py=${STAGE_PYTHON:-/usr/bin/python3}

if [[ ! -x $py ]] || ! ldd "$py" >/dev/null 2>&1; then
    echo "stage-python: $py: not a dynamically linked python3 on this host; not staged" >&2
    exit 0
fi
ver=$("$py" -I -c 'import sys; print("%d.%d" % sys.version_info[:2])')
stdlib=$("$py" -I -c 'import sysconfig; print(sysconfig.get_path("stdlib"))')
dynload=$stdlib/lib-dynload
if [[ $stdlib != /usr/lib/python$ver || ! -d $dynload ]]; then
    echo "stage-python: $py keeps its library in $stdlib, not Debian's" \
         "/usr/lib/python$ver with lib-dynload; not staged" >&2
    exit 0
fi

mkdir -p "$root$stdlib"
# -p and tar's own default for mtimes: the .pyc files stay valid.
tar -C "$stdlib" -cf - \
    --exclude='./test' --exclude="./config-$ver-*" --exclude='./lib2to3' \
    --exclude='./ensurepip' --exclude='./distutils' --exclude='./idlelib' \
    --exclude='./tkinter' --exclude='./turtledemo' --exclude='./turtle.py' \
    --exclude='./__pycache__/turtle.*' \
    --exclude='./lib-dynload/_test*' --exclude='./lib-dynload/xxlimited*' \
    --exclude='./lib-dynload/_xxtestfuzz*' --exclude='./lib-dynload/_ctypes_test*' \
    --exclude='./lib-dynload/nis.*' --exclude='./lib-dynload/_dbm.*' \
    --exclude='./lib-dynload/ossaudiodev.*' \
    . | tar -C "$root$stdlib" -xpf -
# Debian's sitecustomize.py is a link into /etc/python3.X.
if [[ -d /etc/python$ver ]]; then
    mkdir -p "$root/etc"
    cp -a "/etc/python$ver" "$root/etc/"
fi

# The interpreter (/usr/bin/python3 a link to python3.X, as on the host),
# and the libraries ldd lists for it and for every kept extension module.
mods=()
for f in "$root$dynload"/*.so; do mods+=("$dynload/${f##*/}"); done
bash "$here/stage-glibc.sh" "$root" "$py" "${mods[@]}"

# Byte-compile what the host left uncompiled (-d: tracebacks name the
# guest's path). Existing .pyc files whose source is unchanged are kept.
"$py" -I -m compileall -q -j0 -d "$stdlib" "$root$stdlib" >/dev/null ||
    echo "stage-python: compileall failed for some modules (they compile at first import)" >&2
