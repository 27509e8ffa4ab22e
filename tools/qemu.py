#!/usr/bin/env python3
"""Build QEMU command lines for Faultline and run QEMU.

Used two ways:

* as a command (what `make run` and `make gdb` call):

      python3 tools/qemu.py run (--kernel ELF | --iso ISO) [options]
      python3 tools/qemu.py gdb --kernel ELF [--prog FILE [--args "A B"]]
                                [--disk-as-is] [options]
      python3 tools/qemu.py gdb-batch --kernel ELF --script FILE
                                [--prog FILE [--args "A B"]] [--disk-as-is]
                                [--timeout S] [options]
      python3 tools/qemu.py exec --kernel ELF --prog FILE [--args "A B"]
                                 [--disk-as-is] [--timeout S] [options]

  options: --accel tcg|kvm  --mem SIZE  --smp N  --kargs "KERNEL COMMAND LINE"
           --disk FILE (vda; default build/disk.img if it exists)
           --swap SIZE (a fresh swap disk of SIZE, enabled at boot)

* as a module (tests/run.py imports it), so every QEMU command line in the
  project is built in one place: see qemu_command().

Two ways to boot:

* PVH (`-kernel build/kernel.elf -append KARGS`): QEMU itself loads the ELF
  and jumps to the entry point named by the kernel's PVH ELF note. Fast, and
  the command line is given on the host.
* GRUB (`-cdrom build/faultline.iso -boot d`): firmware boots GRUB from the
  ISO, GRUB loads the kernel with Multiboot2. The command line is baked into
  the ISO's grub.cfg by the Makefile, so --kargs does not apply.

The kernel ends QEMU through the isa-debug-exit device: writing V to port
0xf4 makes QEMU exit with status (V << 1) | 1 (include/kernel/power.h).

Disks: every boot gets three virtio-blk disks (modern-only virtio 1.x PCI
functions, in PCI slot order, so the kernel names them vda, vdb, vdc):

  vda  00:03.0  the ext2 root image (--disk; build/disk.img by default)
  vdb  00:04.0  a fresh 8 MiB zero-filled scratch disk, build/scratch-TAG.img
  vdc  00:05.0  a fresh 1 MiB disk behind QEMU's blkdebug driver, which fails
                every read and write with EIO (build/errdisk-TAG.img)

TAG names the boot ("run", "gdb", or a test suite), so boots never share a
scratch disk. Every boot also gets the corrupted ext2 images as vdd and vde
once `make test` has built them, and a boot that brings programs gets the
program disk last (00:08.0, named after the disks before it): a small ext2 image built afresh for the
boot with `mke2fs -d` (build/progdisk-TAG.img), attached read-only, which
the kernel mounts where "progdisk=DEV:DIR" says. See disk_args() and
make_progdisk(). The host never writes into the vda image: a user's DISK
changes only through the kernel that mounts it.

`exec` (what `make exec PROG=FILE ARGS="..."` calls) puts FILE on a program
disk as NAME, boots vda (a fresh copy of --disk, or with --disk-as-is
--disk itself) with "progdisk=DEV:/exec init.mode=exec -- /exec/NAME ARGS",
relays the console without the kernel's log lines, and exits with the
status init reports on its last line, "faultline-exit-status: N"
(user/init.c, docs/testing.md): the program's exit code, or 128+signal if
a signal killed it. The program runs in /tmp of vda, so what it writes
there persists in --disk-as-is's image. If the status line never comes
(timeout, panic, no init) it exits with EXEC_NO_STATUS, 125, after
printing the last console lines and, on a timeout, every task's kernel
stack, read through QEMU's GDB stub (stack_dump()).

`gdb` (`make gdb`) starts QEMU paused at the first instruction with a GDB
server on a free port and runs GDB in this terminal, attached, with
tools/gdb/faultline-gdb.py loaded (the settings and the fl-* commands, see
docs/gdb.md). With --prog the boot is the one `exec` makes (the program on
a program disk mounted on /exec, init.mode=exec). `gdb-batch` (`make
gdb-batch`) does the same with GDB in batch mode running the commands in
--script, then kills QEMU; its
exit status is GDB's: 0 when every command of the script ran, 1 when one
failed (GDB stops the script there), GDB_TIMEOUT (124) if the time ran out.
The console goes to a log file, named on stderr, in both.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GDB_INIT = REPO / "tools" / "gdb" / "faultline.gdb"
# The one file GDB loads: sources GDB_INIT and registers the fl-* commands.
GDB_HELPERS = REPO / "tools" / "gdb" / "faultline-gdb.py"
QEMU = "qemu-system-x86_64"

# QEMU exit statuses produced by the kernel through isa-debug-exit.
EXIT_POWEROFF = 1        # machine_exit(EXIT_POWEROFF): a normal power-off
EXIT_TESTS_PASSED = 33   # ktest: every test passed
EXIT_TESTS_FAILED = 35   # ktest: at least one test failed
EXIT_PANIC = 37          # panic()

# init's last line in the test and exec modes (user/init.c).
INIT_STATUS = re.compile(r"faultline-exit-status: (\d+)")
# A kernel log line: "[    1.234567] ...".
KERNEL_LOG = re.compile(r"\[\s*\d+\.\d+\] ")
# Kernel log lines that exec relays anyway (to stderr): they say why a
# program failed (kernel/syscall.c's report of a missing system call).
RELAYED_LOG = re.compile(r"\[\s*\d+\.\d+\] .*is not implemented: ENOSYS")
EXEC_NO_STATUS = 125     # `make exec`: the program's status never arrived
GDB_TIMEOUT = 124        # `make gdb-batch`: the script did not finish in time

DEFAULT_MEM = "256M"
DEFAULT_SMP = 1


def warn(msg):
    print(f"qemu.py: warning: {msg}", file=sys.stderr, flush=True)


def kvm_usable():
    """True if this user can open /dev/kvm for reading and writing."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


def resolve_accel(accel):
    """Return the accelerator to use: 'kvm' only if /dev/kvm works."""
    if accel == "kvm" and not kvm_usable():
        warn("/dev/kvm is missing or not accessible; falling back to TCG "
             "(slower, but behaves the same)")
        return "tcg"
    return accel


def qemu_command(*, kernel=None, iso=None, kargs="", accel="tcg",
                 mem=DEFAULT_MEM, smp=DEFAULT_SMP, serial="stdio",
                 monitor=None, gdb_port=None, gdb_socket=None, disks=()):
    """Return QEMU's argument list (a list of strings).

    Exactly one of kernel (PVH boot of an ELF) or iso (GRUB boot) is given.
    serial:   QEMU -serial backend: "stdio", "mon:stdio", "file:PATH", ...
    monitor:  QEMU -monitor backend, e.g. "none" (None: leave QEMU's default)
    gdb_port: start paused (-S) with a GDB server on 127.0.0.1:gdb_port
    gdb_socket: run at once, with a GDB server on this Unix socket that is
              used only if the boot hangs (stack_dump())
    accel:    "tcg" or "kvm"; call resolve_accel() first for the fallback.
    disks:    extra arguments for the disks, from disk_args()
    """
    if (kernel is None) == (iso is None):
        raise ValueError("give exactly one of kernel= or iso=")
    cmd = [
        QEMU,
        "-machine", "q35",
        # QEMU_CPU=MODEL (e.g. qemu64, QEMU's default) to compare CPU
        # models: make bench boots Linux through here too (docs/performance.md).
        "-cpu", os.environ.get("QEMU_CPU") or "max",
        "-m", str(mem),
        "-smp", str(smp),
        # Under TCG, one host thread per virtual CPU (multi-threaded TCG),
        # so that the guest's CPUs really run at the same time and races
        # between them happen as on hardware (docs/smp.md).
        "-accel", "tcg,thread=multi" if accel == "tcg" else accel,
        "-display", "none",
        "-no-reboot",             # a triple fault ends QEMU instead of looping
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        "-serial", serial,
    ]
    if monitor is not None:
        cmd += ["-monitor", monitor]
    if kernel is not None:
        cmd += ["-kernel", str(kernel), "-append", kargs]
    else:
        cmd += ["-cdrom", str(iso), "-boot", "d"]
    if gdb_port is not None:
        cmd += ["-S", "-gdb", f"tcp:127.0.0.1:{gdb_port}"]
    if gdb_socket is not None:
        cmd += ["-chardev", f"socket,id=hangdump,path={_drive_path(gdb_socket)},"
                            "server=on,wait=off",
                "-gdb", "chardev:hangdump"]
    cmd += list(disks)
    return cmd


# ---- disks -------------------------------------------------------------------

BUILD = REPO / "build"
DEFAULT_DISK = BUILD / "disk.img"
SCRATCH_SIZE = 8 << 20
ERRDISK_SIZE = 1 << 20
EIO = 5

# PCI slots of the disks: the kernel names virtio disks in PCI order.
DISK_SLOTS = {"vda": 0x3, "vdb": 0x4, "vdc": 0x5, "vdd": 0x6, "vde": 0x7}

# Corrupted ext2 images for the ext2_corrupt_* ktests (tests/ext2_images.py,
# built by the Makefile), attached read-only as vdd and vde when present.
CORRUPT_IMAGES = {"vdd": "ext2-badmagic.img", "vde": "ext2-corrupt.img"}


def _drive_path(path):
    """A file name inside a -drive option (a comma is written twice)."""
    return str(path).replace(",", ",,")


def _virtio_blk(name):
    """The PCI function of disk `name`: modern-only (disable-legacy=on), so
    the kernel sees the virtio 1.x interface and nothing else."""
    return ["-device", f"virtio-blk-pci,drive={name},disable-legacy=on,"
                       f"addr={DISK_SLOTS[name]:#x}"]


def fresh_file(path, size):
    """(Re)create path as a sparse file of size zero bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def disk_args(tag, disk=None, workdir=None, progdisk=None, swapdisk=None):
    """QEMU arguments for one boot's disks (see the module docstring).

    disk: the vda image (used in place, so writes persist), or None for no
    vda. The scratch and error disks are recreated for every call, in
    workdir (the build directory of the kernel being booted, so that boots
    from different build directories never share them; default build/).
    progdisk: a Progdisk (make_progdisk()) to attach read-only after all
    the others; its device is set here, so build the kernel command line
    (progdisk.karg()) after this call.
    swapdisk: a Swapdisk (make_swapdisk()) to attach after all of those,
    the program disk included; its device is set here too (swapdisk.karg()).
    """
    workdir = Path(workdir) if workdir else BUILD
    args = []
    if disk is not None:
        args += ["-drive", f"file={_drive_path(disk)},format=raw,if=none,id=vda"]
        args += _virtio_blk("vda")
    scratch = fresh_file(workdir / f"scratch-{tag}.img", SCRATCH_SIZE)
    args += ["-drive", f"file={_drive_path(scratch)},format=raw,if=none,id=vdb"]
    args += _virtio_blk("vdb")
    # blkdebug sits between the raw format driver and the file: raw emits
    # the read_aio/write_aio events before each request, which arm the
    # rules, and blkdebug then fails the request with errno 5 (EIO); the
    # rules stay armed. rerror/werror=report hand the error to the guest
    # (as VIRTIO_BLK_S_IOERR) instead of pausing the VM.
    errdisk = fresh_file(workdir / f"errdisk-{tag}.img", ERRDISK_SIZE)
    args += ["-drive", ",".join([
        "if=none,id=vdc,format=raw,rerror=report,werror=report",
        "file.driver=blkdebug",
        f"file.image.filename={_drive_path(errdisk)}",
        f"file.inject-error.0.event=read_aio,file.inject-error.0.errno={EIO}",
        f"file.inject-error.1.event=write_aio,file.inject-error.1.errno={EIO}",
    ])]
    args += _virtio_blk("vdc")
    for name, image in CORRUPT_IMAGES.items():
        path = workdir / image
        if path.is_file():
            args += ["-drive", f"file={_drive_path(path)},format=raw,if=none,id={name},readonly=on"]
            args += _virtio_blk(name)
    if progdisk is not None:
        # Last in PCI order, so it shifts no other disk's name; the kernel
        # names disks in probe order, so its name is the count before it.
        before = sum(1 for a in args if a.startswith("virtio-blk-pci,"))
        progdisk.device = "vd" + chr(ord("a") + before)
        args += ["-drive", f"file={_drive_path(progdisk.path)},format=raw,if=none,"
                           f"id=progdisk,readonly=on"]
        args += ["-device", f"virtio-blk-pci,drive=progdisk,disable-legacy=on,"
                            f"addr={PROGDISK_SLOT:#x}"]
    if swapdisk is not None:
        # Last of all, for the same reason: no other disk changes name
        # whether a boot has swap or not.
        before = sum(1 for a in args if a.startswith("virtio-blk-pci,"))
        swapdisk.device = "vd" + chr(ord("a") + before)
        args += ["-drive", f"file={_drive_path(swapdisk.path)},format=raw,if=none,"
                           f"id=swapdisk"]
        args += ["-device", f"virtio-blk-pci,drive=swapdisk,disable-legacy=on,"
                            f"addr={SWAP_SLOT:#x}"]
    return args


def default_disk(disk):
    """The vda image to use: `disk` if given, else build/disk.img if it
    exists (with a warning if not: the kernel then has no vda)."""
    if disk:
        return disk
    if DEFAULT_DISK.is_file():
        return DEFAULT_DISK
    warn(f"{DEFAULT_DISK.relative_to(REPO)} does not exist (make it with: "
         f"make build/disk.img); booting without vda")
    return None


# ---- the program disk -----------------------------------------------------------

# How a program reaches the guest: never by writing into the vda image (a
# user's DISK), only through a disk of its own. For each boot that needs
# one, a small ext2 image is built afresh from a staging directory with
# `mke2fs -d` and attached read-only (QEMU refuses writes, the kernel sees
# VIRTIO_BLK_F_RO); "progdisk=DEV:DIR" on the command line makes the kernel
# mount it on DIR (kernel/main.c). docs/storage.md, "The program disk".
PROGDISK_SLOT = 0x8
EXEC_DIR = "/exec"       # where `make exec` and `make gdb PROG=` mount it


class Progdisk:
    """A throwaway read-only ext2 image holding some programs, and where
    the kernel is to mount it. disk_args() attaches it and sets device."""

    def __init__(self, path, mountpoint):
        self.path = Path(path)
        self.mountpoint = mountpoint     # absolute directory of the root
        self.device = None               # "vdf", ..., set by disk_args()

    def karg(self):
        """The kernel command-line word that mounts it (put it before any
        "--": the words after that are init's)."""
        if self.device is None:
            raise RuntimeError("the program disk is not attached (disk_args)")
        return f"progdisk={self.device}:{self.mountpoint}"

    def path_of(self, name):
        """Where the guest sees file `name` of the disk."""
        return f"{self.mountpoint}/{name}"


def find_e2fsprogs(tool):
    """The path of an e2fsprogs tool (debugfs, mke2fs, e2fsck: often in an
    sbin directory that is not on PATH)."""
    found = shutil.which(tool)
    if found:
        return found
    for d in ("/usr/sbin", "/sbin"):
        if os.path.isfile(os.path.join(d, tool)):
            return os.path.join(d, tool)
    return tool


def find_debugfs():
    """debugfs's path (the host's reading tool for images it owns)."""
    return find_e2fsprogs("debugfs")


def make_progdisk(workdir, tag, files, mountpoint):
    """Build WORKDIR/progdisk-TAG.img afresh: an ext2 image whose root holds
    `files`, a list of (host path, name), as executable regular files.
    Returns a Progdisk to mount on `mountpoint`. Raises RuntimeError with
    mke2fs's output on failure."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    image = workdir / f"progdisk-{tag}.img"
    staging = workdir / f"progdisk-{tag}.d"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    kib = 0
    try:
        for host, name in files:
            if "/" in name or name in ("", ".", ".."):
                raise RuntimeError(f"{name!r}: not a file name")
            shutil.copyfile(host, staging / name)
            os.chmod(staging / name, 0o755)
            # Data blocks, plus the indirect blocks of 1 KiB-block ext2.
            size = os.path.getsize(host)
            kib += (size + 1023) // 1024 * 257 // 256 + 3
        # Room for the metadata of a small filesystem; blocks are 1 KiB.
        kib = max(1024, kib * 5 // 4 + 512)
        with open(image, "wb") as f:
            f.truncate(kib * 1024)
        done = subprocess.run(
            [find_e2fsprogs("mke2fs"), "-q", "-F", "-t", "ext2", "-b", "1024",
             "-m", "0", "-N", str(len(files) + 16), "-E", "root_owner=0:0",
             "-d", str(staging), str(image)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"mke2fs failed on {image}:\n{done.stdout}")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Progdisk(image, mountpoint)


def executables_in(directory):
    """(path, name) of every executable regular file directly in directory,
    sorted by name (what EXTRA_TESTS=DIR installs)."""
    found = []
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            found.append((os.path.abspath(path), name))
    return found


# ---- the swap disk ----------------------------------------------------------------

SWAP_SLOT = 0x9


class Swapdisk:
    """A fresh swap image (make_swapdisk()) and, once disk_args() has
    attached it, its device name."""

    def __init__(self, path, size):
        self.path = Path(path)
        self.size = size                 # bytes
        self.device = None               # "vdg", ..., set by disk_args()

    def karg(self):
        """The kernel command-line word that enables it at boot (before
        any "--")."""
        if self.device is None:
            raise RuntimeError("the swap disk is not attached (disk_args)")
        return f"swap=/dev/{self.device}"


def parse_size(text):
    """Bytes in a size as QEMU's -m and the Makefile's MEM= write it:
    a number with an optional K, M or G (KiB, MiB, GiB; a bare number is
    MiB, as for -m). Raises ValueError."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMG]?)i?B?\s*", str(text), re.IGNORECASE)
    if not m:
        raise ValueError(f"{text!r}: not a size (say e.g. 512M or 1G)")
    unit = {"": 1 << 20, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[m.group(2).upper()]
    return int(m.group(1)) * unit


def find_mkswap():
    """util-linux's mkswap (in /sbin on Debian and Ubuntu, often not on
    a normal user's PATH), or None."""
    found = shutil.which("mkswap")
    if found:
        return found
    for d in ("/usr/sbin", "/sbin"):
        if os.path.isfile(os.path.join(d, "mkswap")):
            return os.path.join(d, "mkswap")
    return None


# The smallest swap area mkswap makes: ten pages (the header page and nine
# of swap).
SWAP_MIN = 40 << 10


def make_swapdisk(workdir, tag, size):
    """Create WORKDIR/swap-TAG.img afresh as a sparse file of `size` (a
    string as parse_size() takes it, or bytes) with a Linux swap header
    written by mkswap (version 1, 4 KiB pages, label "faultline").
    Returns a Swapdisk for disk_args(). Raises RuntimeError (mkswap's
    output in the message) on failure."""
    nbytes = size if isinstance(size, int) else parse_size(size)
    if nbytes < SWAP_MIN:
        raise RuntimeError(f"swap size {size}: mkswap needs at least "
                           f"{SWAP_MIN >> 10}K")
    mkswap = find_mkswap()
    if mkswap is None:
        raise RuntimeError("mkswap not found (it is in util-linux: "
                           "bash tools/deps.sh)")
    image = fresh_file(Path(workdir) / f"swap-{tag}.img", nbytes)
    os.chmod(image, 0o600)      # mkswap warns about a world-readable area
    done = subprocess.run([mkswap, "-L", "faultline", "-p", "4096", str(image)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"mkswap failed on {image}:\n{done.stdout}")
    return Swapdisk(image, nbytes)


def free_tcp_port():
    """Ask the OS for a currently unused TCP port on 127.0.0.1.

    (Another program could take it before QEMU does; unlikely enough.)
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gdb_server(cmd, **popen_args):
    """Start a paused QEMU (cmd built with gdb_port=...) in the background.

    QEMU gets its own session, so a Ctrl-C typed at GDB interrupts the guest
    through GDB instead of killing QEMU, and stdin is /dev/null so QEMU never
    touches the terminal. Returns the Popen object; stop it with stop().
    """
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            start_new_session=True, **popen_args)


def stop(proc):
    """Kill a QEMU started with start_gdb_server() (if still running)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def gdb_base_command(batch=False):
    """GDB with the project's settings and fl-* commands loaded; callers
    add -ex/-x and the ELF. batch: -batch, and -nx so that ~/.gdbinit
    cannot change the result of a graded or tested script."""
    cmd = ["gdb", "-q"]
    if batch:
        cmd += ["-batch", "-nx"]
    return cmd + ["-x", str(GDB_HELPERS)]


def stack_dump(gdb_socket, kernel, timeout=60):
    """Every task's kernel stack from a running (hung) QEMU, through the GDB
    server it was started with (qemu_command(gdb_socket=...)): GDB stops
    the guest, runs fl-ps and fl-bt (tools/gdb/faultline/commands.py) and
    detaches. Works whatever state the kernel is in, interrupts off and
    spinning included. Returns GDB's output as a list of lines (an
    explanation instead if GDB is missing or fails)."""
    cmd = gdb_base_command(batch=True) + [
        "-ex", f"target remote {gdb_socket}",
        "-ex", "echo == fl-ps\\n", "-ex", "fl-ps",
        "-ex", "echo == fl-bt (every task's kernel stack)\\n", "-ex", "fl-bt",
        "-ex", "echo == fl-dmesg 20\\n", "-ex", "fl-dmesg 20",
        "-ex", "detach", str(kernel)]
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout)
    except FileNotFoundError:
        return ["(no stack dump: gdb is not installed)"]
    except subprocess.TimeoutExpired:
        return [f"(no stack dump: gdb did not finish in {timeout} s)"]
    out = (done.stdout + done.stderr).decode("utf-8", "replace").splitlines()
    return [line for line in out if line.strip()]


# ---- command-line interface ------------------------------------------------

def add_qemu_options(parser):
    """The options shared by every command here and by tests/run.py."""
    parser.add_argument("--accel", choices=["tcg", "kvm"],
                        default=os.environ.get("ACCEL") or "tcg",
                        help="QEMU accelerator (default: $ACCEL, else tcg); "
                             "kvm falls back to tcg if /dev/kvm is unusable")
    parser.add_argument("--mem", default=DEFAULT_MEM,
                        help=f"guest RAM (default {DEFAULT_MEM})")
    parser.add_argument("--smp", type=int, default=DEFAULT_SMP,
                        help=f"number of CPUs (default {DEFAULT_SMP})")
    parser.add_argument("--disk", metavar="FILE",
                        help="raw disk image for vda, used in place, so "
                             "writes persist (default: build/disk.img; for "
                             "tests/run.py a fresh copy of it)")
    parser.add_argument("--swap", metavar="SIZE",
                        help="attach a fresh swap disk of SIZE (e.g. 512M; "
                             "made with mkswap, build/swap-TAG.img) after "
                             "the other disks and enable it at boot "
                             "(swap=/dev/vdX; PVH boots only)")


def add_gdb_options(parser):
    """The options of `gdb` and `gdb-batch`."""
    parser.add_argument("--kernel", required=True, help="kernel ELF to boot")
    add_qemu_options(parser)
    parser.add_argument("--kargs", default="",
                        help="kernel command line (with --prog: extra words)")
    parser.add_argument("--prog", help="boot as `exec` does, running this "
                                       "static program as /exec/NAME")
    parser.add_argument("--args", default="", help="the program's arguments")
    parser.add_argument("--disk-as-is", action="store_true",
                        help="with --prog: boot --disk itself, not a fresh "
                             "copy (the program is never written into it)")


def swap_for(args, workdir, tag):
    """The Swapdisk that args.swap asks for (made afresh), or None;
    exits with mkswap's complaint on failure."""
    if not args.swap:
        return None
    try:
        return make_swapdisk(workdir, tag, args.swap)
    except (OSError, ValueError, RuntimeError) as e:
        sys.exit(f"qemu.py: {e}")


def cmd_run(args):
    """Boot interactively with the serial console on this terminal."""
    if args.iso and args.kargs:
        warn("--kargs is ignored for ISO boots (the command line is in the "
             "ISO's grub.cfg; rebuild it with make KARGS=...)")
    if args.iso and args.swap:
        # The disk's name is only known now, and the ISO's command line
        # was fixed when it was built (`make run SWAP=` boots PVH).
        sys.exit("qemu.py: --swap needs a --kernel (PVH) boot: the ISO's "
                 "command line cannot name the swap disk")
    swap = swap_for(args, BUILD, "run")
    disks = disk_args("run", default_disk(args.disk), swapdisk=swap)
    kargs = " ".join(w for w in (swap.karg() if swap else "", args.kargs) if w)
    cmd = qemu_command(kernel=args.kernel, iso=args.iso, kargs=kargs,
                       accel=resolve_accel(args.accel), mem=args.mem,
                       smp=args.smp, serial="mon:stdio", disks=disks)
    print("Faultline: serial console below; Ctrl-A X quits QEMU.", flush=True)
    # The terminal is in raw mode while QEMU runs, so Ctrl-C goes to the
    # guest; should a SIGINT arrive anyway, outlive QEMU to report its status.
    _ignore_sigint()
    try:
        status = subprocess.call(cmd)
    except FileNotFoundError:
        sys.exit(f"qemu.py: {QEMU} not found (run: bash tools/deps.sh)")
    # 1: the kernel powered off normally; 0: the user quit with Ctrl-A X.
    if status in (0, EXIT_POWEROFF):
        return 0
    return status if status > 0 else 128 - status   # killed by a signal


def kernel_words(text):
    """The program's arguments, given as one string with the shell's
    quoting (ARGS="sh -c 'echo a; echo b'"), as words for the kernel
    command line after "--", where init_argv (kernel/main.c) takes double
    quotes as grouping: a word with a space or tab is double-quoted. A
    double quote or a newline cannot travel on a command line; such an
    argument is refused rather than silently changed."""
    import shlex
    try:
        words = shlex.split(text)
    except ValueError as e:
        sys.exit(f"qemu.py: cannot split the arguments {text!r}: {e}")
    out = []
    for w in words:
        if '"' in w or "\n" in w:
            sys.exit(f"qemu.py: argument {w!r}: a kernel command line cannot "
                     f"carry a double quote or a newline")
        out.append(f'"{w}"' if (not w or " " in w or "\t" in w) else w)
    return out


def exec_boot(args, tag):
    """The disks and kernel command line of a boot that runs args.prog the
    way `make exec` does. vda: --disk itself with --disk-as-is (DISK=),
    else a fresh copy of it (BUILD/TAG-disk.img); nothing is written into
    either by the host. The program travels on a program disk of its own,
    mounted by the kernel on /exec, and init runs it:
    "progdisk=DEV:/exec [swap=/dev/vdX] init.mode=exec [KARGS] --
    /exec/NAME ARGS" (swap= with --swap). With args.wrap (exec --wrap,
    what `make profile` uses) a second program travels beside it and init
    runs that one, with the first as its argument: "... -- /exec/WRAP
    WRAP_ARGS /exec/NAME ARGS".
    Returns (vda image, QEMU's disk arguments, kernel command line);
    exits on errors."""
    if not os.path.isfile(args.prog):
        sys.exit(f"qemu.py: {args.prog}: no such file")
    workdir = Path(args.kernel).resolve().parent
    name = os.path.basename(args.prog)
    disk = args.disk or str(DEFAULT_DISK)
    if not args.disk_as_is:
        copy = workdir / f"{tag}-disk.img"
        subprocess.run(["cp", "--sparse=always", disk, str(copy)], check=True)
        disk = str(copy)
    files = [(args.prog, name)]
    wrap = getattr(args, "wrap", None)
    if wrap:
        if not os.path.isfile(wrap):
            sys.exit(f"qemu.py: {wrap}: no such file")
        if os.path.basename(wrap) == name:
            sys.exit(f"qemu.py: --wrap and --prog have the same name {name}")
        files.append((wrap, os.path.basename(wrap)))
    try:
        progdisk = make_progdisk(workdir, tag, files, EXEC_DIR)
    except (OSError, RuntimeError) as e:
        sys.exit(f"qemu.py: {e}")
    swap = swap_for(args, workdir, tag)
    disks = disk_args(tag, disk, workdir, progdisk, swap)
    command = [progdisk.path_of(name)] + kernel_words(args.args)
    if wrap:
        command = ([progdisk.path_of(os.path.basename(wrap))] +
                   kernel_words(getattr(args, "wrap_args", "")) + command)
    kargs = " ".join(w for w in (progdisk.karg(), swap.karg() if swap else "",
                                 "init.mode=exec", args.kargs,
                                 "--", *command) if w)
    return disk, disks, kargs


def start_paused(args, tag):
    """QEMU paused at the first instruction with a GDB server, for `gdb`
    and `gdb-batch`: the exec boot with --prog, else a plain boot of
    --disk with --kargs. The console goes to BUILD/TAG-serial.log.
    Returns (QEMU's Popen, the port, the console log's path)."""
    workdir = Path(args.kernel).resolve().parent
    if args.prog:
        disk, disks, kargs = exec_boot(args, tag)
    else:
        disk = default_disk(args.disk)
        swap = swap_for(args, workdir, tag)
        disks = disk_args(tag, disk, workdir, swapdisk=swap)
        kargs = " ".join(w for w in (swap.karg() if swap else "", args.kargs) if w)
    port = free_tcp_port()
    log = workdir / f"{tag}-serial.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = qemu_command(kernel=args.kernel, kargs=kargs,
                       accel=resolve_accel(args.accel), mem=args.mem,
                       smp=args.smp, serial=f"file:{log}", monitor="none",
                       gdb_port=port, disks=disks)
    try:
        qemu = start_gdb_server(cmd)
    except FileNotFoundError:
        sys.exit(f"qemu.py: {QEMU} not found (run: bash tools/deps.sh)")
    return qemu, port, log


def gdb_attach_command(args, port, batch=False):
    """GDB, attached to the server on port, with the helpers loaded.
    GDB retries the connection for a while (set tcp auto-retry), so it
    does not matter if QEMU is not listening yet."""
    return gdb_base_command(batch) + [
        "-ex", f"target remote 127.0.0.1:{port}", str(args.kernel)]


def cmd_gdb(args):
    """QEMU paused in the background, GDB attached in this terminal."""
    qemu, port, log = start_paused(args, "gdb")
    what = f"/exec/{os.path.basename(args.prog)}" if args.prog else "the kernel"
    print(f"Faultline: QEMU is paused at the first instruction, GDB server "
          f"on 127.0.0.1:{port}; the boot runs {what}.\n"
          f"Serial console output goes to {os.path.relpath(log)} "
          f"(watch it with: tail -f {os.path.relpath(log)}).\n"
          f"Try: fl-break-fault, then continue (help faultline lists the "
          f"fl-* commands). Quitting GDB stops QEMU.",
          flush=True)
    # Ctrl-C belongs to GDB (it interrupts the guest); we must not die of it.
    _ignore_sigint()
    try:
        status = subprocess.call(gdb_attach_command(args, port))
    except FileNotFoundError:
        sys.exit("qemu.py: gdb not found (run: bash tools/deps.sh)")
    finally:
        stop(qemu)
    return status


def cmd_gdb_batch(args):
    """Like cmd_gdb, with GDB in batch mode running args.script; exits
    with GDB's status (GDB_TIMEOUT if it ran out of time)."""
    if not os.path.isfile(args.script):
        sys.exit(f"qemu.py: {args.script}: no such file")
    qemu, port, log = start_paused(args, "gdb-batch")
    # QEMU has a session of its own: on SIGTERM (a grader's time limit)
    # go through the finally below, which kills it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    print(f"qemu.py: console output in {os.path.relpath(log)}",
          file=sys.stderr, flush=True)
    gdb = gdb_attach_command(args, port, batch=True) + ["-x", args.script]
    try:
        # stdin closed: a command that asks a question gets its default
        # answer instead of waiting for a terminal.
        status = subprocess.call(gdb, stdin=subprocess.DEVNULL,
                                 timeout=args.timeout)
    except subprocess.TimeoutExpired:
        warn(f"the GDB script did not finish in {args.timeout:g} s")
        status = GDB_TIMEOUT
    except FileNotFoundError:
        sys.exit("qemu.py: gdb not found (run: bash tools/deps.sh)")
    finally:
        stop(qemu)
    return status


def cmd_exec(args):
    """Boot, run one program under init's exec mode, exit with its status."""
    disk, disks, kargs = exec_boot(args, args.tag)
    # A GDB server on a private socket, used only if the boot hangs.
    sockdir = tempfile.TemporaryDirectory(prefix="fl-gdb-")
    gdb_socket = os.path.join(sockdir.name, "stub.sock")
    cmd = qemu_command(kernel=args.kernel, kargs=kargs,
                       accel=resolve_accel(args.accel), mem=args.mem,
                       smp=args.smp, serial="stdio", monitor="none",
                       gdb_socket=gdb_socket, disks=disks)
    with sockdir:
        status, console, dump = _run_relaying(
            cmd, args.timeout, args.verbose,
            on_timeout=lambda: stack_dump(gdb_socket, args.kernel))
    if not args.verbose:
        # The kernel's log lines are not relayed; this one explains why
        # the program is not found (a read-only root without /exec, ...).
        for line in console:
            if KERNEL_LOG.match(line) and ("want progdisk=" in line or
                                           f"on {EXEC_DIR}: error" in line):
                warn(f"the program disk was not mounted: {line}")
    codes = [int(m.group(1)) for m in map(INIT_STATUS.fullmatch, console) if m]
    if codes:
        return codes[-1]
    why = ("timed out after %gs" % args.timeout if status is None
           else f"QEMU exited with status {status}")
    warn(f"no 'faultline-exit-status' line from init ({why}); "
         f"last console lines:")
    for line in console[-30:]:
        print(f"  {line}", file=sys.stderr)
    if dump:
        warn("every task's kernel stack when the time ran out "
             "(QEMU's GDB stub; docs/hang-diagnostics.md):")
        for line in dump:
            print(f"  {line}", file=sys.stderr)
    return EXEC_NO_STATUS


def _run_relaying(cmd, timeout, verbose, on_timeout=None):
    """Run QEMU with its console on a pipe; print every line that is not a
    kernel log line (all of them if verbose), except init's status line.
    If the time runs out, on_timeout() is called (QEMU still running) and
    its lines kept. Returns (QEMU's status or None on timeout, console
    lines, on_timeout's lines)."""
    import queue
    import threading
    import time

    console = []
    dump = []
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE)
    except FileNotFoundError:
        sys.exit(f"qemu.py: {QEMU} not found (run: bash tools/deps.sh)")
    lines = queue.Queue()

    def reader():
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()
    deadline = time.monotonic() + timeout
    status = None
    try:
        while True:
            line = lines.get(timeout=max(0, deadline - time.monotonic()))
            if line is None:
                break
            console.append(line)
            if verbose or not (KERNEL_LOG.match(line) or
                               INIT_STATUS.fullmatch(line)):
                print(line, flush=True)
            elif RELAYED_LOG.match(line):
                print(f"faultline: {line}", file=sys.stderr, flush=True)
        status = proc.wait(timeout=max(0, deadline - time.monotonic()))
    except (queue.Empty, subprocess.TimeoutExpired):
        status = None
        if on_timeout and proc.poll() is None:
            dump = on_timeout()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return status, console, dump


def _ignore_sigint():
    """Survive Ctrl-C while a child owns the terminal.

    A do-nothing handler rather than SIG_IGN: "ignored" would be inherited
    by the children we start, a handler is reset to the default on exec.
    """
    signal.signal(signal.SIGINT, lambda signum, frame: None)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Run Faultline in QEMU.",
        epilog="Normally used through `make run` and `make gdb`.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="boot with the serial console here")
    boot = run.add_mutually_exclusive_group(required=True)
    boot.add_argument("--kernel", help="PVH boot of this ELF (-kernel)")
    boot.add_argument("--iso", help="GRUB boot of this ISO (-cdrom)")
    add_qemu_options(run)
    run.add_argument("--kargs", default="",
                     help="kernel command line (--kernel boots only)")
    run.set_defaults(func=cmd_run)

    gdb = sub.add_parser("gdb", help="boot paused and debug with GDB")
    add_gdb_options(gdb)
    gdb.set_defaults(func=cmd_gdb)

    gdbb = sub.add_parser("gdb-batch", help="boot paused, run a GDB script "
                                            "in batch mode, exit with GDB's "
                                            "status")
    add_gdb_options(gdbb)
    gdbb.add_argument("--script", required=True,
                      help="GDB commands to run (gdb -batch -x FILE)")
    gdbb.add_argument("--timeout", type=float, default=600,
                      help="seconds before GDB and QEMU are killed "
                           "(default 600)")
    gdbb.set_defaults(func=cmd_gdb_batch)

    ex = sub.add_parser("exec", help="boot, run one program, exit with its "
                                     "status")
    ex.add_argument("--kernel", required=True, help="kernel ELF to boot")
    add_qemu_options(ex)
    ex.add_argument("--kargs", default="", help="extra kernel command line")
    ex.add_argument("--tag", default="exec",
                    help="names this boot's scratch, error and program disks "
                         "(build/scratch-TAG.img...): two boots at once need "
                         "two tags (default exec)")
    ex.add_argument("--prog", required=True,
                    help="static program to run as /exec/NAME (from a "
                         "read-only program disk)")
    ex.add_argument("--args", default="", help="its arguments (one string, "
                    "split as the shell splits it: ARGS=\"sh -c 'echo a; "
                    "echo b'\" gives three)")
    ex.add_argument("--wrap", metavar="FILE",
                    help="a second static program, run by init with "
                         "/exec/NAME ARGS as its arguments (make profile: "
                         "profrun)")
    ex.add_argument("--wrap-args", default="",
                    help="the wrapper's own arguments, before the program")
    ex.add_argument("--disk-as-is", action="store_true",
                    help="boot --disk itself instead of a fresh copy, so "
                         "what the program writes persists (make exec "
                         "DISK=...); the host never writes into it")
    ex.add_argument("--timeout", type=float, default=120,
                    help="seconds before QEMU is killed (default 120)")
    ex.add_argument("--verbose", action="store_true",
                    help="relay the kernel's log lines too")
    ex.set_defaults(func=cmd_exec)

    args = parser.parse_args(argv)
    for path in (getattr(args, "kernel", None), getattr(args, "iso", None),
                 args.disk):
        if path and not os.path.isfile(path):
            parser.error(f"{path}: no such file (build it first: make)")
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
