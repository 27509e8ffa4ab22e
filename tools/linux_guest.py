#!/usr/bin/env python3
"""Linux on the same emulator: Faultline's static programs under a
distribution kernel, booted by the same QEMU with the same flags, as the
oracle for the ABI and the reference for benchmark figures
(docs/performance.md, "Linux on the same emulator").

    python3 tools/linux_guest.py exec --prog FILE [--args "A B"] [options]
    python3 tools/linux_guest.py test [options]
    python3 tools/linux_guest.py check

  options: --accel --mem --smp (as tools/qemu.py; defaults the same)
           --disk FILE   the root image (default build/disk.img; a fresh
                         copy is booted, so the image never changes)
           --swap SIZE   a swap disk made with mkswap, enabled by the guest
           --timeout S   --verbose (relay the guest kernel's log lines)

What boots:

* the kernel of the distribution's kernel package (Debian's
  linux-image-amd64, Ubuntu's linux-image-generic), downloaded and
  extracted into build/linux-guest/root by tools/linux-guest/fetch.sh,
  never installed on the host. Its vmlinuz (a bzImage) is decompressed into
  the ELF vmlinux inside it (build/linux-guest/vmlinux), which QEMU's
  -kernel boots through the PVH entry note, as it boots Faultline's
  kernel.elf; when the payload's compression is one Python cannot undo,
  the bzImage itself is booted (QEMU's Linux loader; slower to start).
* an initramfs (a newc cpio written here) holding guest-init
  (tools/linux-guest/guest-init.c, static musl), the modules the disks and
  ext2 need -- virtio_pci, virtio_blk, ext4 (which mounts ext2) and what they
  depend on, found through each module's .modinfo "depends=", minus those
  the kernel has built in (modules.builtin) -- and /guest.conf, the steps
  guest-init follows: load the modules, mount the root image on /newroot
  and the program disk on /newroot/exec, enable swap.
* disks as Faultline boots them (modern-only virtio-blk PCI functions):
  vda a fresh copy of the root image (Faultline's build/disk.img: ext2 made
  by mke2fs -d), vdb the program disk (tools/qemu.py's make_progdisk, as
  make exec), vdc the swap disk if any.

guest-init then chroots into the root image and execs Faultline's own
/bin/init with the words after "--": "exec /exec/NAME ARGS" (as make exec
runs a program: cwd /tmp) or "test" (runtests over /tests). So the same
init, runner and programs run on both kernels, and init's closing
"faultline-exit-status: N" line is parsed the same way. QEMU's command
line comes from tools/qemu.py's qemu_command(): -machine q35 -cpu max,
TCG (multi-threaded), the same -m and -smp, so figures compare.

`check` exits 0 when the kernel is fetched (or fetches it) and 1 with the
reason otherwise; make bench uses it to say why Linux's column is missing.
"""

import argparse
import gzip
import itertools
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qemu  # noqa: E402  (tools/qemu.py: QEMU's command line, disks)

REPO = qemu.REPO
GUEST_DIR = qemu.BUILD / "linux-guest"
FETCH = REPO / "tools" / "linux-guest" / "fetch.sh"
GUEST_INIT = GUEST_DIR / "guest-init"

# The modules the guest needs, by name: the virtio PCI transport and block
# driver for the disks, ext4 for the ext2 images (with ext2 support built
# into it, Debian's and Ubuntu's CONFIG_EXT4_USE_FOR_EXT2), and crc32c,
# which ext4 and jbd2 ask the crypto API for by name (no module dependency).
WANTED_MODULES = ["virtio_pci", "virtio_blk", "crc32c_generic", "ext4"]

# The guest kernel's command line before "--". quiet: the console carries
# the programs' output, warnings and worse only. panic=-1 with QEMU's
# -no-reboot: a panic ends QEMU. transparent_hugepage=never: a fault maps
# 4 KiB, as on Faultline, so per-fault figures compare like for like.
GUEST_KARGS = "console=ttyS0 quiet panic=-1 transparent_hugepage=never"

NEWROOT = "/newroot"
# PCI slots of the guest's disks, in the order Linux names them.
SLOTS = {"vda": 0x3, "vdb": 0x4, "vdc": 0x5}


class GuestMissing(Exception):
    """The guest kernel cannot be had (not fetched and fetching failed)."""


def log(msg):
    print(f"linux-guest: {msg}", file=sys.stderr, flush=True)


# ---- the kernel ---------------------------------------------------------------

def fetch():
    """Fetch and extract the kernel package if not done yet; returns the
    kernel release. Raises GuestMissing with the reason."""
    stamp = GUEST_DIR / "fetched"
    if not stamp.is_file() or not stamp.read_text().strip():
        done = subprocess.run(["bash", str(FETCH), str(GUEST_DIR)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        sys.stderr.write(done.stdout)
        if done.returncode != 0:
            lines = [l for l in done.stdout.splitlines() if l.strip()]
            why = lines[-1] if lines else "fetch.sh failed"
            raise GuestMissing(re.sub(r"^linux-guest: ", "", why))
    return stamp.read_text().strip()


# bzImage payload formats: magic at the start of the compressed kernel.
GZIP_MAGIC = b"\x1f\x8b\x08\x00"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _decompress_payload(data):
    """The ELF vmlinux inside a bzImage, or None when its compression is
    not one we can undo here. The payload offset is in the setup header
    (boot protocol 2.08+: payload_offset at 0x248, payload_length at
    0x24c, relative to the protected-mode code after the setup sectors)."""
    if data[0x202:0x206] != b"HdrS":
        return None
    setup_sects = data[0x1f1] or 4
    pm_start = (setup_sects + 1) * 512
    off, length = struct.unpack_from("<II", data, 0x248)
    payload = data[pm_start + off:pm_start + off + length]
    if payload.startswith(XZ_MAGIC):
        out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)
    elif payload.startswith(GZIP_MAGIC[:2]):
        out = gzip.decompress(payload)
    elif payload.startswith(ZSTD_MAGIC) and shutil.which("zstd"):
        out = subprocess.run(["zstd", "-dc"], input=payload, check=True,
                             stdout=subprocess.PIPE).stdout
    else:
        return None
    return out if out.startswith(b"\x7fELF") else None


def kernel_image(release):
    """The file QEMU's -kernel boots: the decompressed ELF vmlinux (PVH
    entry), made once; the bzImage itself if it cannot be decompressed
    here or LINUX_GUEST_BZIMAGE=1 asks for it."""
    vmlinuz = GUEST_DIR / "root" / "boot" / f"vmlinuz-{release}"
    if os.environ.get("LINUX_GUEST_BZIMAGE") == "1":
        return vmlinuz
    vmlinux = GUEST_DIR / f"vmlinux-{release}"
    if not vmlinux.is_file():
        elf = _decompress_payload(vmlinuz.read_bytes())
        if elf is None:
            log(f"{vmlinuz.name}: payload not decompressible here; "
                "booting the bzImage")
            return vmlinuz
        tmp = vmlinux.with_suffix(".tmp")
        tmp.write_bytes(elf)
        tmp.rename(vmlinux)
    return vmlinux


# ---- the modules --------------------------------------------------------------

def _modname(path):
    name = Path(path).name
    name = re.sub(r"\.ko(\.(xz|zst|gz))?$", "", name)
    return name.replace("-", "_")


def _module_bytes(path):
    """A module file's contents, uncompressed (finit_module gets plain ELF)."""
    data = Path(path).read_bytes()
    if str(path).endswith(".xz"):
        return lzma.decompress(data)
    if str(path).endswith(".gz"):
        return gzip.decompress(data)
    if str(path).endswith(".zst"):
        return subprocess.run(["zstd", "-dc", str(path)], check=True,
                              stdout=subprocess.PIPE).stdout
    return data


def _modinfo(elf):
    """A module's .modinfo strings as a dict (key -> last value)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("not an ELF64 module")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)

    def section(i):
        name, _type, _flags, _addr, off, size = struct.unpack_from(
            "<IIQQQQ", elf, shoff + i * shentsize)
        return name, off, size
    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = elf.index(b"\0", stroff + name)
        if elf[stroff + name:end] == b".modinfo":
            info = {}
            for item in elf[off:off + size].split(b"\0"):
                key, sep, value = item.partition(b"=")
                if sep:
                    info[key.decode()] = value.decode()
            return info
    return {}


def module_load_order(release):
    """The module files to load, dependencies first, for WANTED_MODULES;
    those built into the kernel are left out. Returns [(name, path)]."""
    moddir = GUEST_DIR / "root" / "lib" / "modules" / release
    files = {}
    for path in moddir.rglob("*.ko*"):
        files.setdefault(_modname(path), path)
    builtin = set()
    if (moddir / "modules.builtin").is_file():
        builtin = {_modname(l) for l in
                   (moddir / "modules.builtin").read_text().split()}
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in files:
            if name in builtin:
                return
            raise GuestMissing(f"module {name} is neither in {moddir} "
                               "nor built into the kernel")
        deps = _modinfo(_module_bytes(files[name])).get("depends", "")
        for dep in filter(None, deps.split(",")):
            visit(dep.replace("-", "_"))
        order.append((name, files[name]))
    for name in WANTED_MODULES:
        visit(name)
    return order


# ---- the initramfs ----------------------------------------------------------------

_inodes = itertools.count(1)


def _cpio_entry(name, mode, data=b"", rdev=(0, 0)):
    """One newc cpio entry (header, name, data, each padded to 4 bytes)."""
    name_b = name.encode() + b"\0"
    fields = [next(_inodes), mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_b), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = head + name_b
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def build_initramfs(release, path, conf_lines):
    """Write the initramfs to path: /init, /dev/console, /m/*.ko and
    /guest.conf (the module loads first, then conf_lines)."""
    if not GUEST_INIT.is_file():
        raise GuestMissing(f"{GUEST_INIT} is not built (make {GUEST_INIT})")
    conf = ["# tools/linux_guest.py: the steps of tools/linux-guest/guest-init.c"]
    entries = [_cpio_entry("dev", 0o040755), _cpio_entry("m", 0o040755),
               # The kernel opens /dev/console for init before init runs.
               _cpio_entry("dev/console", 0o020600, rdev=(5, 1)),
               _cpio_entry("init", 0o100755, GUEST_INIT.read_bytes())]
    for name, mod in module_load_order(release):
        entries.append(_cpio_entry(f"m/{name}.ko", 0o100644, _module_bytes(mod)))
        conf.append(f"insmod /m/{name}.ko")
    conf += conf_lines
    entries.append(_cpio_entry("guest.conf", 0o100644,
                               ("\n".join(conf) + "\n").encode()))
    entries.append(_cpio_entry("TRAILER!!!", 0))
    tmp = Path(str(path) + ".tmp")
    tmp.write_bytes(b"".join(entries))
    tmp.rename(path)


# ---- a boot ---------------------------------------------------------------------

def _disk(name, path, readonly=False):
    ro = ",readonly=on" if readonly else ""
    return ["-drive", f"file={path},format=raw,if=none,id={name}{ro}",
            "-device", f"virtio-blk-pci,drive={name},disable-legacy=on,"
                       f"addr={SLOTS[name]:#x}"]


def prepare_boot(args, tag, init_words, prog=None):
    """Everything a boot needs: returns (QEMU command, root image copy).
    init_words: Faultline's init's mode and arguments ("exec /exec/x -r 3").
    Raises GuestMissing."""
    release = fetch()
    kernel = kernel_image(release)
    GUEST_DIR.mkdir(parents=True, exist_ok=True)
    disk = GUEST_DIR / f"{tag}-disk.img"
    subprocess.run(["cp", "--sparse=always", args.disk, str(disk)], check=True)
    disks = _disk("vda", disk)
    conf = [f"mount /dev/vda {NEWROOT} ext2 rw"]
    if prog:
        progdisk = qemu.make_progdisk(GUEST_DIR, tag,
                                      [(prog, os.path.basename(prog))],
                                      qemu.EXEC_DIR)
        disks += _disk("vdb", progdisk.path, readonly=True)
        conf.append(f"mount /dev/vdb {NEWROOT}{qemu.EXEC_DIR} ext2 ro")
    if args.swap:
        swap = qemu.make_swapdisk(GUEST_DIR, tag, args.swap)
        disks += _disk("vdc" if prog else "vdb", swap.path)
        conf.append(f"swapon /dev/{'vdc' if prog else 'vdb'}")
    initrd = GUEST_DIR / f"{tag}-initramfs.cpio"
    build_initramfs(release, initrd, conf)
    kargs = f"{GUEST_KARGS} -- {init_words}"
    cmd = qemu.qemu_command(kernel=kernel, kargs=kargs,
                            accel=qemu.resolve_accel(args.accel),
                            mem=args.mem, smp=args.smp, serial="stdio",
                            monitor="none", disks=disks)
    cmd += ["-initrd", str(initrd)]
    return cmd, disk


def run_boot(args, cmd):
    """Run QEMU, relaying the console (without the guest kernel's log
    lines unless --verbose), through the loop `make exec` uses
    (tools/qemu.py). Returns (init's status or None, console)."""
    status, console, _ = qemu._run_relaying(cmd, args.timeout, args.verbose)
    codes = [int(m.group(1)) for m in map(qemu.INIT_STATUS.fullmatch, console) if m]
    if codes:
        return codes[-1], console
    why = (f"timed out after {args.timeout:g}s" if status is None
           else f"QEMU exited with status {status}")
    log(f"no 'faultline-exit-status' line from init ({why}); last console lines:")
    for line in console[-30:]:
        print(f"  {line}", file=sys.stderr)
    return None, console


def fsck(disk):
    """e2fsck -fn of the guest's root image after the boot: True if clean."""
    done = subprocess.run([qemu.find_e2fsprogs("e2fsck"), "-fn", str(disk)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if done.returncode != 0:
        log(f"e2fsck -fn {disk} is not clean:")
        sys.stderr.write(done.stdout)
    return done.returncode == 0


# ---- commands -------------------------------------------------------------------

def cmd_check(args):
    try:
        log(f"kernel {fetch()}: {kernel_image(fetch()).name}")
    except GuestMissing as e:
        print(f"linux-guest: no guest: {e}", file=sys.stderr)
        return 1
    return 0


def cmd_exec(args):
    """Boot, run one program as make exec does, exit with its status."""
    if not os.path.isfile(args.prog):
        sys.exit(f"linux-guest: {args.prog}: no such file")
    name = os.path.basename(args.prog)
    words = f"exec {qemu.EXEC_DIR}/{name} {args.args}".strip()
    try:
        cmd, disk = prepare_boot(args, "exec", words, prog=args.prog)
    except GuestMissing as e:
        log(str(e))
        return qemu.EXEC_NO_STATUS
    status, _ = run_boot(args, cmd)
    clean = fsck(disk)
    if status is None:
        return qemu.EXEC_NO_STATUS
    return status if clean or status else 1


# runtests' result lines and closing line (user/runtests.c).
RESULT = re.compile(r"(ok|not ok) (\d+) - (\S+)(.*)")
CLOSING = re.compile(r"(\d+) passed, (\d+) failed")


def cmd_test(args):
    """Faultline's user tests (/tests of the root image) under Linux."""
    try:
        cmd, disk = prepare_boot(args, "test", "test")
    except GuestMissing as e:
        log(str(e))
        return 1
    status, console = run_boot(args, cmd)
    results = [m for m in map(RESULT.fullmatch, console) if m]
    closing = [m for m in map(CLOSING.fullmatch, console) if m]
    failed = [f"{m.group(3)}{m.group(4)}" for m in results if m.group(1) != "ok"]
    problems = []
    if status is None:
        problems.append("the boot did not complete")
    if not results:
        problems.append("no test ran")
    if not closing or (int(closing[-1].group(1)), int(closing[-1].group(2))) != \
            (len(results) - len(failed), len(failed)):
        problems.append("runtests' closing line does not match its result lines")
    if not fsck(disk):
        problems.append("the root image is not clean after the boot (e2fsck -fn)")
    print(f"# linux-guest: {len(results) - len(failed)} passed, {len(failed)} "
          f"failed under Linux {fetch()}")
    for f in failed:
        print(f"# linux-guest: failed on Linux: {f}")
    for p in problems:
        print(f"# linux-guest: {p}")
    return 0 if not failed and not problems else 1


def add_options(p):
    p.add_argument("--accel", default="tcg", choices=["tcg", "kvm"])
    p.add_argument("--mem", default=qemu.DEFAULT_MEM)
    p.add_argument("--smp", type=int, default=qemu.DEFAULT_SMP)
    p.add_argument("--disk", default=str(qemu.DEFAULT_DISK),
                   help="root image; a fresh copy is booted")
    p.add_argument("--swap", default=None, help="swap disk size (e.g. 512M)")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--verbose", action="store_true",
                   help="relay the guest kernel's log lines too")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run Faultline's programs on Linux under the same QEMU.")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("exec", help="run one program as make exec does")
    add_options(ex)
    ex.add_argument("--prog", required=True)
    ex.add_argument("--args", default="")
    ex.set_defaults(func=cmd_exec)
    te = sub.add_parser("test", help="run the user tests (/tests)")
    add_options(te)
    te.set_defaults(func=cmd_test)
    ch = sub.add_parser("check", help="fetch the kernel; say why not if it fails")
    ch.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
