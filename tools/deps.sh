#!/usr/bin/env bash
# tools/deps.sh - make sure the host has every program Faultline's build,
# run and test steps use, installing missing Debian/Ubuntu packages.
#
# Prints nothing when everything is present. Otherwise prints one line naming
# the packages it installs, runs apt-get (through sudo when not root), and
# exits non-zero with a message if that fails. On a host without apt-get, a
# missing optional package (below) is reported and left out.
#
# The Makefile runs this once (stamp file build/.deps-ok); run it by hand with
#   bash tools/deps.sh
set -euo pipefail

# "what to look for" -> "Debian package that provides it". A name starting
# with / is a path that must exist (a directory or file); anything else is a
# command looked up on PATH (and in the sbin directories, since mke2fs lives
# there and a normal user's PATH may not include them); "static:NAME" is
# such a command that must also be statically linked.
requirements=(
    "gcc                  gcc"
    "make                 make"
    "nasm                 nasm"
    "python3              python3"
    "qemu-system-x86_64   qemu-system-x86"
    "grub-mkrescue        grub-common"
    "/usr/lib/grub/i386-pc grub-pc-bin"
    "xorriso              xorriso"
    "mformat              mtools"
    "musl-gcc             musl-tools"
    "mke2fs               e2fsprogs"
    "mkswap               util-linux"
    "gdb                  gdb"
    "cpio                 cpio"
    "static:busybox       busybox-static"
)

# Wanted but not needed: without them the build says what it leaves out
# and carries on (the disk image then has no busybox userland and the
# busybox differential suite skips). Where apt-get exists (Debian, Ubuntu,
# their CI images) they are installed like the rest; elsewhere a missing
# one is only reported.
optional=" busybox-static "

have() {
    local what=$1 path
    if [[ $what == static:* ]]; then
        # A statically linked program: Debian's busybox package is dynamic
        # and would need the host's libraries on the image. ldd fails on a
        # static program ("not a dynamic executable").
        path=$(PATH=$PATH:/usr/sbin:/sbin command -v "${what#static:}") || return 1
        ! ldd "$path" >/dev/null 2>&1
    elif [[ $what == /* ]]; then
        [[ -e $what ]]
    else
        command -v "$what" >/dev/null 2>&1 ||
            [[ -x /usr/sbin/$what || -x /sbin/$what ]]
    fi
}

missing=()
for req in "${requirements[@]}"; do
    read -r what pkg <<<"$req"
    if ! have "$what"; then
        # Add each package once (several checks could share a package).
        [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
    fi
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    # Without apt-get, leave the optional ones to the user.
    needed=()
    for pkg in "${missing[@]}"; do
        if [[ $optional == *" $pkg "* ]]; then
            echo "deps.sh: optional package $pkg is missing (left out of the build)" >&2
        else
            needed+=("$pkg")
        fi
    done
    [[ ${#needed[@]} -eq 0 ]] && exit 0
    missing=("${needed[@]}")
    echo "deps.sh: apt-get not found; please install these packages" \
         "(or their equivalents) yourself: ${missing[*]}" >&2
    exit 1
fi

# Run as root directly, otherwise through sudo.
as_root=()
if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "deps.sh: not root and sudo is not available; as root run:" \
             "apt-get install ${missing[*]}" >&2
        exit 1
    fi
    as_root=(sudo)
fi

echo "deps.sh: installing missing host packages: ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null ||
   ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null; then
    echo "deps.sh: failed to install: ${missing[*]}" >&2
    echo "deps.sh: try by hand: sudo apt-get update && sudo apt-get install ${missing[*]}" >&2
    exit 1
fi

# Check again: a package may install but still not provide what we look for.
for req in "${requirements[@]}"; do
    read -r what pkg <<<"$req"
    if ! have "$what"; then
        echo "deps.sh: '$what' is still missing after installing $pkg" >&2
        exit 1
    fi
done
