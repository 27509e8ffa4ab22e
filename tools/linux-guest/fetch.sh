#!/usr/bin/env bash
# tools/linux-guest/fetch.sh OUTDIR - fetch the distribution's kernel for the
# Linux guest (make bench-linux-guest, make test-linux-guest; docs/performance.md)
# without installing it: `apt-get download` the versioned kernel package(s)
# behind the meta-package and extract, into OUTDIR/root, only the compressed
# kernel (boot/vmlinuz-*), modules.builtin and the module directories the
# guest's initramfs draws on (tools/linux_guest.py picks the modules).
#
#   Debian:  linux-image-amd64   -> linux-image-VERSION-amd64 (kernel + modules)
#   Ubuntu:  linux-image-generic -> linux-image-VERSION-generic (kernel) and
#            linux-modules-VERSION-generic (modules)
#   LINUX_GUEST_PKG=NAME picks another meta-package (or a versioned one).
#
# Nothing goes into the host's /boot or /lib/modules, and no root is needed
# unless the package lists are missing (then `apt-get update` runs, through
# sudo when not root, as tools/deps.sh does). Idempotent: OUTDIR/fetched
# (the kernel release) says it is done. Exits 1 with a reason on stderr when
# the kernel cannot be fetched (offline, not a Debian/Ubuntu host).
set -euo pipefail

out=${1:?usage: fetch.sh OUTDIR}
[[ -s $out/fetched ]] && exit 0

fail() { echo "linux-guest: $*" >&2; exit 1; }

command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    fail "apt-get and dpkg-deb are needed to fetch a distribution kernel (Debian or Ubuntu host)"

as_root=()
if [[ $(id -u) -ne 0 ]]; then
    as_root=(sudo)
fi

# The meta-package this distribution has, trying apt-get update once if the
# package lists do not know any (a fresh container has none).
pick_meta() {
    local m
    for m in ${LINUX_GUEST_PKG:-linux-image-amd64 linux-image-generic}; do
        if apt-cache show "$m" >/dev/null 2>&1; then
            echo "$m"
            return 0
        fi
    done
    return 1
}
meta=$(pick_meta) || {
    echo "linux-guest: no kernel package known to apt; running apt-get update" >&2
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null 2>&1 || true
    meta=$(pick_meta)
} || fail "apt knows none of: ${LINUX_GUEST_PKG:-linux-image-amd64 linux-image-generic}"

# The versioned packages: the meta-package's linux-image-N... dependency
# and, where modules ship apart (Ubuntu), the image's linux-modules-N...
versioned() {
    apt-cache depends "$1" 2>/dev/null |
        awk '$1 ~ /Depends:$/ && $2 ~ /^linux-(image|modules)-[0-9]/ { print $2 }'
}
if [[ $meta =~ ^linux-image-[0-9] ]]; then
    images=$meta
else
    images=$(versioned "$meta" | grep '^linux-image-' || true)
fi
[[ -n $images ]] || fail "$meta depends on no versioned linux-image package"
pkgs=$images
for img in $images; do
    pkgs="$pkgs $(versioned "$img" | grep '^linux-modules-' || true)"
done

rm -rf "$out/deb" "$out/root"
mkdir -p "$out/deb" "$out/root"
echo "linux-guest: downloading $(echo $pkgs) (apt-get download)" >&2
# apt-get download writes into the current directory; as root it warns that
# the _apt user cannot write there, which is harmless.
(cd "$out/deb" && apt-get download $pkgs 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
    fail "apt-get download $pkgs failed (offline?)"
ls "$out"/deb/*.deb >/dev/null 2>&1 || fail "apt-get download $pkgs fetched nothing (offline?)"

# What the guest needs from each package: the kernel, the list of built-in
# modules, and the directories of the block, virtio, filesystem, library and
# crypto modules (the initramfs takes a dependency-closed subset of them).
want='^\./boot/vmlinuz-|^\./lib/modules/[^/]+/modules\.builtin$|^\./lib/modules/[^/]+/kernel/(drivers/(virtio|block)|fs|lib|crypto|arch/x86/crypto)/.*\.ko(\.xz|\.zst|\.gz)?$'
for deb in "$out"/deb/*.deb; do
    list=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -E "$want" || true)
    [[ -n $list ]] || continue
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out/root" -T <(echo "$list")
done
rm -rf "$out/deb"

vmlinuz=$(ls "$out"/root/boot/vmlinuz-* 2>/dev/null | head -1)
[[ -n $vmlinuz ]] || fail "the packages ($pkgs) hold no boot/vmlinuz-*"
release=${vmlinuz##*/vmlinuz-}
[[ -d $out/root/lib/modules/$release ]] || fail "no modules for $release in $pkgs"
echo "linux-guest: $release from $(echo $pkgs) in $out/root" >&2
echo "$release" > "$out/fetched"
