#!/usr/bin/env bash
# tools/stage-busybox.sh ROOT BUSYBOX - put the host's statically linked
# busybox (Debian's busybox-static: /bin/busybox) into the root tree ROOT as
# /bin/busybox, with one symbolic link /usr/bin/APPLET -> /bin/busybox for
# every applet `busybox --list` names.
#
# Faultline's own programs stay where they are: /bin holds init, sh and the
# utilities the labs, the tour and the tests use, and nothing in it is
# touched; an applet whose name is already in ROOT/usr/bin (a glibc
# program staged there by tools/stage-glibc.sh, which runs first) keeps
# that file. With PATH=/bin:/usr/bin, Faultline's own come first.
#
# The Makefile runs this after staging the rest of the tree (BUSYBOX, docs/
# userspace.md). A host without a static busybox stages nothing: the script
# says so on stderr and exits 0, and the busybox suite of tests/run.py skips.
set -euo pipefail

root=$1
busybox=$2

if [[ -z $busybox ]]; then
    exit 0                      # BUSYBOX= : none wanted
fi
if [[ ! -x $busybox ]]; then
    echo "stage-busybox: $busybox: not found (Debian's busybox-static," \
         "tools/deps.sh); the image has no busybox" >&2
    exit 0
fi
# ldd succeeds only on a dynamically linked program, which would need the
# host's libraries on the image.
if ldd "$busybox" >/dev/null 2>&1; then
    echo "stage-busybox: $busybox is dynamically linked (install" \
         "busybox-static); the image has no busybox" >&2
    exit 0
fi

mkdir -p "$root/bin" "$root/usr/bin"
if [[ -e $root/bin/busybox ]]; then
    echo "stage-busybox: $root/bin/busybox exists already; not replaced" >&2
    exit 1
fi
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

linked=0
kept=()
for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] && continue
    if [[ -e $root/usr/bin/$applet || -L $root/usr/bin/$applet ]]; then
        kept+=("$applet")
        continue
    fi
    ln -s /bin/busybox "$root/usr/bin/$applet"
    linked=$((linked + 1))
done
echo "  BUSYBOX /bin/busybox, $linked applet links in /usr/bin" \
     "${kept:+(kept: ${kept[*]})}"
