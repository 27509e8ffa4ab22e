"""The stress and fault suites of `make test` (tests/run.py runs them).

Each boots a fresh copy of build/stress.img (a small root image the
Makefile makes: init, a few utilities, sched_stress_test, and in /stress
the programs fsfault and randsys) with init's exec mode, the way the
truncrace and fulldisk suites run one program, and checks that the system
is alive and right at the end:

  sched-stress  sched_stress_test for SCHED_STRESS_SECONDS: two spinners,
         a map/touch/unmap loop, a child sleeping and waking. Each of its
         checks is one result line, and one more says it ran to its end; a
         lost task (issue 11) shows up as the boot timeout.
  powercut  fsfault writes and fsyncs files, printing a line after each
         fsync; QEMU is killed at a random moment after some of them. The
         host then reads every file with debugfs (each fsynced byte must be
         there), a second boot mounts the cut image unrepaired and reads
         the files through the kernel, and after `e2fsck -fy` the image
         must pass `e2fsck -fn`.
  corrupt-boot  For each kind of metadata (superblock, group descriptors,
         bitmaps, inode table, directory blocks), random bytes of a copy of
         the image are changed and the kernel boots it, walking and reading
         the whole tree: the boot must end in a working system (init
         reports a status and powers off) or in the one designed panic,
         "cannot run init" (no root, or no readable init); never another
         panic, an oops, a warning or a hang.
  randsys  The random-syscall exerciser (tests/exercisers/randsys.c) with
         a fresh seed; the kernel must survive and power off, boot the same
         disk again and read every file, and the disk must pass
         `e2fsck -fn`.

The seeds: every run draws one (or takes STRESS_SEED from the environment:
`make test STRESS_SEED=N` replays a run) and prints it; each suite derives
its own from it. docs/testing.md, "The stress suites", says what each
suite asserts and why.
"""

import os
import random
import re
import struct
import subprocess
import tempfile
import queue
import threading
import time
from pathlib import Path

import run as harness        # tests/run.py (aliased there as "run")
qemu = harness.qemu

STRESS_IMAGE = "stress.img"
SCHED_STRESS_SECONDS = 6
SCHED_STRESS_PROG = "/tests/sched_stress_test"
FSFAULT = "/stress/fsfault"
RANDSYS = "/stress/randsys"
RANDSYS_COUNT = 4000

# The power-cut writer: POWERCUT_FILES files in /tmp/POWERCUT_DIR, one
# fsync (and one marker line) per round. QEMU is killed a random time
# (0 to POWERCUT_MAX_DELAY s) after a random marker (POWERCUT_MARKERS).
POWERCUT_DIR = "pc"
POWERCUT_FILES = 4
POWERCUT_ROUNDS = 80
POWERCUT_MARKERS = (3, 40)
POWERCUT_MAX_DELAY = 0.4
POWERCUT_CREATED = re.compile(r"# created (\S+)")
POWERCUT_FSYNCED = re.compile(r"# fsynced (\S+)/f(\d+) (\d+)")

# What must never be on the console: panic() (which follows every fatal
# exception in the kernel: die()), an oops, WARN_ON, a call trace, the hang
# detectors' reports. (Not the names of exceptions: a user program's
# exception is logged as "prog[pid]: invalid opcode at ..." and is fine.)
TROUBLE = re.compile(r"Kernel panic|BUG:|Oops|WARNING:|Call Trace:|"
                     r"blocked for more than|soft lockup")
# ... except the one panic the kernel is designed to end with when it has
# no root filesystem or no init it can run (kernel/main.c), which comes
# after its own call trace.
DESIGNED_PANIC = "Kernel panic - not syncing: run_init_process: cannot run init"


# ---- seeds, images, boots ------------------------------------------------------

_master_seed = None


def suite_rng(name):
    """A random.Random for suite `name`, derived from the run's seed (drawn
    once per run, or $STRESS_SEED), which it prints."""
    global _master_seed
    if _master_seed is None:
        env = os.environ.get("STRESS_SEED")
        _master_seed = int(env) if env else random.SystemRandom().randrange(1, 1 << 31)
    harness.diag(f"{name}: seed {_master_seed} (replay: make test "
                 f"STRESS_SEED={_master_seed})")
    return random.Random(f"{_master_seed}:{name}")


def fresh_disk(args, tag):
    """A fresh copy of build/stress.img for one boot, or None (with a
    diagnostic) if the image is missing."""
    return harness.fresh_copy(args, STRESS_IMAGE, f"{tag}-disk.img", tag)


def exec_kargs(args, *prog):
    """The command line of a boot that runs one program with init."""
    return harness.kernel_cmdline("init.mode=exec", args.kargs, "--", *map(str, prog))


def trouble(console, allow_designed_panic=False):
    """The console lines that say the kernel went wrong. With
    allow_designed_panic, "cannot run init" and its call trace are fine."""
    found = [line for line in console if TROUBLE.search(line)]
    if allow_designed_panic and any(DESIGNED_PANIC in line for line in console):
        found = [line for line in found
                 if DESIGNED_PANIC not in line and "Call Trace:" not in line]
        if sum("Call Trace:" in line for line in console) > 1:
            found.append("(more than one call trace: something before the "
                         "designed panic printed one)")
    return found


class ExecOutput(harness.ExecOutput):
    """harness.ExecOutput (the program's TAP lines and init's status line),
    plus the stress suites' verdict on the whole boot."""

    def problems(self, run, want_status=0, want_tap=True):
        """Why the boot did not end as a clean run of the program."""
        problems = super().problems(run, "the program", want_status, want_tap)
        bad = trouble(run.console)
        if bad:
            problems.append("the kernel reported trouble: " + "; ".join(bad[:5]))
        return problems


def report(tap, name, problems, run=None, lines=()):
    """One result line; on failure the problems, lines and console tail."""
    for p in problems:
        harness.diag(f"{name.split(':')[0]}: {p}")
    if problems:
        if lines:
            harness.show_lines(lines, "the program said:")
        if run is not None:
            run.show_failure()
    tap.result(not problems, name)


# ---- sched-stress --------------------------------------------------------------

def suite_sched_stress(args, tap):
    """CPU-bound tasks beside a faulting task and a sleeping one (issue 11:
    a preempted task in a sleeping state was lost, the kernel hung)."""
    disk = fresh_disk(args, "sched-stress")
    if disk is None:
        tap.result(False, "sched-stress: the stress image exists")
        return
    out = ExecOutput(lambda ok, name: tap.result(ok, f"sched-stress: {name}"))
    run = harness.boot(args, "sched-stress", out.on_line, disk=disk,
                       kernel=args.kernel,
                       kargs=exec_kargs(args, SCHED_STRESS_PROG, SCHED_STRESS_SECONDS))
    harness.save_log(args, "sched-stress", run.console)
    problems = out.problems(run)
    if run.status is None:
        problems.append("the boot hung (issue 11 hung here: a preempted task "
                        "that had set a sleeping state was never run again)")
    report(tap, f"sched-stress: {SCHED_STRESS_SECONDS} s of load ran to the end "
                "and the kernel powered off (no hang)", problems, run, out.comments)


# ---- powercut ------------------------------------------------------------------

def boot_and_cut(args, tag, disk, kargs, cut_after, delay):
    """Boot, and kill QEMU `delay` seconds after the cut_after-th fsync
    marker: a power cut. Returns (Boot, cut): cut is False if the boot
    ended (or timed out) before the moment came."""
    workdir = Path(args.kernel).resolve().parent
    swap = qemu.make_swapdisk(workdir, tag, args.swap) if getattr(args, "swap", None) else None
    disks = qemu.disk_args(tag, disk, workdir, swapdisk=swap)     # (names the swap disk)
    cmd = qemu.qemu_command(accel=args.accel, mem=args.mem, smp=args.smp,
                            serial="stdio", monitor="none", kernel=args.kernel,
                            kargs=" ".join(w for w in (swap.karg() if swap else "", kargs) if w),
                            disks=disks)
    console, lines, markers, cut, ended = [], queue.Queue(), 0, False, False
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=errors)

        def reader():
            for raw in proc.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
            lines.put(None)

        threading.Thread(target=reader, daemon=True).start()
        deadline = time.monotonic() + args.timeout
        status = None
        try:
            while True:
                line = lines.get(timeout=max(0, deadline - time.monotonic()))
                if line is None:
                    ended = True
                    status = proc.wait(timeout=max(0, deadline - time.monotonic()))
                    break
                console.append(line)
                if POWERCUT_FSYNCED.fullmatch(line):
                    markers += 1
                    if markers == cut_after:
                        time.sleep(delay)
                        proc.kill()
                        status, cut = proc.wait(), True
                        break
        except (queue.Empty, subprocess.TimeoutExpired):
            status = None
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        # What the guest printed before the cut still counts.
        while not ended:
            try:
                line = lines.get(timeout=5)
            except queue.Empty:
                break
            if line is None:
                break
            console.append(line)
        errors.seek(0)
        qemu_errors = errors.read().decode("utf-8", "replace").splitlines()
    return harness.Boot(status, console, qemu_errors, args.timeout), cut


def fsfault_bytes(n, start, length):
    """fsfault_byte() of user/stress/fsfault.c: bytes start.. of file fN."""
    out = bytearray(length)
    for i in range(length):
        x = (((start + i) & 0xffffffff) * 0x9E3779B1 + n * 0x85EBCA6B + 1) & 0xffffffff
        x ^= x >> 15
        x = (x * 0x2C1B3C6D) & 0xffffffff
        x ^= x >> 12
        out[i] = x & 0xff
    return bytes(out)


def debugfs_names(image, directory, timeout):
    """The names in directory of the ext2 image, per debugfs ls."""
    done = subprocess.run([qemu.find_debugfs(), "-R", f"ls -p {directory}", str(image)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, timeout=timeout)
    # ls -p: "/inode/mode/uid/gid/name/size/" per entry
    return {f.split("/")[5] for f in done.stdout.decode("utf-8", "replace").splitlines()
            if f.count("/") >= 6}


def run_e2fsck_fix(image, timeout):
    """(status, output lines) of e2fsck -fy (it repairs what it finds)."""
    done = subprocess.run([harness.find_e2fsck() or "e2fsck", "-fy", str(image)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)
    return done.returncode, done.stdout.decode("utf-8", "replace").splitlines()


def suite_powercut(args, tap):
    """Power cut after fsync: every fsynced byte is on the disk, the kernel
    mounts the cut image and reads the files, e2fsck -fy repairs the rest."""
    rng = suite_rng("powercut")
    cut_after = rng.randint(*POWERCUT_MARKERS)
    delay = round(rng.uniform(0, POWERCUT_MAX_DELAY), 3)
    disk = fresh_disk(args, "powercut")
    if disk is None:
        tap.result(False, "powercut: the stress image exists")
        return
    harness.diag(f"powercut: QEMU is killed {delay} s after fsync marker {cut_after}")
    run, cut = boot_and_cut(args, "powercut", disk,
                            exec_kargs(args, FSFAULT, "write", POWERCUT_DIR,
                                       POWERCUT_FILES, POWERCUT_ROUNDS),
                            cut_after, delay)
    harness.save_log(args, "powercut-1", run.console)

    # Boot 1: the writer ran until the cut (or, rarely, to its end).
    fsynced = {n: 0 for n in range(POWERCUT_FILES)}
    created = any(POWERCUT_CREATED.fullmatch(line) for line in run.console)
    for line in run.console:
        m = POWERCUT_FSYNCED.fullmatch(line)
        if m:
            n = int(m.group(2))
            fsynced[n] = max(fsynced[n], int(m.group(3)))
    problems = []
    finished = any(line == f"# wrote {POWERCUT_ROUNDS} rounds" for line in run.console)
    if not created:
        problems.append("the writer never said its files were created")
    if not cut and not (finished and run.status == qemu.EXIT_POWEROFF):
        problems.append(f"no power cut: {harness.describe_status(run.status, run.timeout)}"
                        f" before fsync marker {cut_after}")
    bad = trouble(run.console)
    if bad:
        problems.append("the kernel reported trouble: " + "; ".join(bad[:5]))
    if not cut and finished:
        harness.diag("powercut: the writer finished before the cut came")
    report(tap, "powercut: boot 1 writes and fsyncs until QEMU is killed",
           problems, run)
    harness.diag("powercut: fsynced lengths " +
                 ", ".join(f"f{n}={fsynced[n]}" for n in sorted(fsynced)))

    # The host reads the cut image: every fsynced byte must be there.
    problems = []
    directory = f"/tmp/{POWERCUT_DIR}"
    if created:
        names = debugfs_names(disk, directory, args.timeout)
        for n, length in sorted(fsynced.items()):
            if f"f{n}" not in names:
                problems.append(f"{directory}/f{n} (created and fsynced) is "
                                f"not in its directory")
                continue
            data, said = harness.debugfs_dump(disk, f"{directory}/f{n}", args.timeout)
            want = fsfault_bytes(n, 0, length)
            if data[:length] != want:
                wrong = next((i for i, (a, b) in enumerate(zip(data, want)) if a != b),
                             min(len(data), length))
                problems.append(f"f{n}: {len(data)} bytes on the disk, {length} "
                                f"fsynced; first wrong or missing byte at {wrong}")
    report(tap, "powercut: every fsynced byte is on the disk (debugfs)", problems)

    status, output = harness.run_e2fsck(disk, args.timeout)
    harness.diag(f"powercut: e2fsck -fn on the cut image: status {status}"
                 f"{' (clean)' if status == 0 else ' (expected after a cut without a journal)'}")
    if status != 0:
        harness.show_lines([ln for ln in output if ln and not ln.startswith("Pass ")][:12],
                           "e2fsck said (first lines):")

    # Boot 2: the kernel mounts the image as the cut left it and reads the files.
    out = ExecOutput(lambda ok, name: tap.result(ok, f"powercut: boot 2: {name}"))
    run2 = harness.boot(args, "powercut-2", out.on_line, disk=disk, kernel=args.kernel,
                        kargs=exec_kargs(args, FSFAULT, "check", POWERCUT_DIR,
                                         *(f"f{n}={fsynced[n]}" for n in sorted(fsynced))))
    harness.save_log(args, "powercut-2", run2.console)
    for line in out.comments:
        if "EIO" in line or "holds" in line:
            harness.diag(f"powercut: boot 2: {line[2:]}")
    report(tap, "powercut: boot 2 mounts the cut image, reads the files back and "
                "powers off", out.problems(run2), run2, out.comments)

    # e2fsck -fy repairs what the cut left; then the image is clean.
    fixed, fix_output = run_e2fsck_fix(disk, args.timeout)
    status, output = harness.run_e2fsck(disk, args.timeout)
    problems = []
    if fixed >= 4:
        problems.append(f"e2fsck -fy exited with {fixed}: errors left uncorrected")
        harness.show_lines(fix_output[-20:], "e2fsck -fy said:")
    if status != 0:
        problems.append(f"e2fsck -fn after the repair exited with {status}")
        harness.show_lines(output[-20:], "e2fsck -fn said:")
    report(tap, "powercut: after e2fsck -fy the image is clean (e2fsck -fn)", problems)


# ---- corrupt-boot --------------------------------------------------------------

CORRUPT_KINDS = ("superblock", "group descriptors", "bitmaps", "inode table",
                 "directory blocks")
EXT2_S_IFDIR = 0x4000


class Ext2Layout:
    """The few facts of an ext2 image the corruption needs (revision 1)."""

    def __init__(self, f):
        f.seek(1024)
        sb = f.read(1024)
        (self.inodes_count, self.blocks_count) = struct.unpack_from("<II", sb, 0)
        self.first_data_block, log_bs = struct.unpack_from("<II", sb, 20)
        self.block_size = 1024 << log_bs
        self.blocks_per_group = struct.unpack_from("<I", sb, 32)[0]
        self.inodes_per_group = struct.unpack_from("<I", sb, 40)[0]
        self.inode_size = struct.unpack_from("<H", sb, 88)[0]
        ngroups = -(-(self.blocks_count - self.first_data_block) // self.blocks_per_group)
        self.gdt = (self.first_data_block + 1) * self.block_size
        f.seek(self.gdt)
        raw = f.read(32 * ngroups)
        # (block bitmap, inode bitmap, inode table) of each group
        self.groups = [struct.unpack_from("<III", raw, 32 * g) for g in range(ngroups)]
        self.used = []
        for g, (_, ibitmap, _) in enumerate(self.groups):
            f.seek(ibitmap * self.block_size)
            bits = f.read(self.inodes_per_group // 8)
            for i in range(self.inodes_per_group):
                ino = g * self.inodes_per_group + i + 1
                if bits[i // 8] >> (i % 8) & 1 and (ino == 2 or ino > 10):
                    self.used.append(ino)
        self.dir_blocks = []
        for ino in self.used:
            f.seek(self.inode_offset(ino))
            raw = f.read(100)
            if struct.unpack_from("<H", raw, 0)[0] & 0xf000 == EXT2_S_IFDIR:
                self.dir_blocks += [b for b in struct.unpack_from("<12I", raw, 40) if b]

    def inode_offset(self, ino):
        g, i = divmod(ino - 1, self.inodes_per_group)
        return self.groups[g][2] * self.block_size + i * self.inode_size


# The fields whose damage matters most, as (offset, length) inside each
# structure: the superblock's geometry, magic, state, revision, first inode,
# inode size and feature words; a group descriptor's three block numbers
# and counts; an inode's mode, size, link count, i_blocks and block map.
KEY_FIELDS = {
    "superblock": [(0, 8), (20, 16), (40, 4), (56, 4), (76, 4), (84, 6), (92, 12)],
    "group descriptors": [(0, 18)],
    "inode table": [(0, 2), (4, 4), (26, 6), (40, 60), (108, 4)],
}


def pick_offsets(rng, size, key, count):
    """count offsets in a structure of size bytes: in its key fields (key,
    a KEY_FIELDS list) or, when key is None, anywhere."""
    spots = []
    for _ in range(count):
        if key:
            start, length = rng.choice(key)
            spots.append(start + rng.randrange(length))
        else:
            spots.append(rng.randrange(size))
    return spots


def corrupt(path, kind, rng, targeted):
    """Change 1 to 4 random bytes of one kind of metadata in the image, in
    its key fields if targeted; returns a description of each change."""
    with open(path, "r+b") as f:
        fs = Ext2Layout(f)
        bs, count = fs.block_size, rng.randint(1, 4)
        key = KEY_FIELDS.get(kind) if targeted else None
        if kind == "superblock":          # the fields a rev 1 superblock uses
            spots = [1024 + o for o in pick_offsets(rng, 0x100, key, count)]
        elif kind == "group descriptors":
            group = rng.randrange(len(fs.groups))
            spots = [fs.gdt + 32 * group + o for o in pick_offsets(rng, 32, key, count)]
        elif kind == "bitmaps":            # the used part (small image)
            group = rng.choice(fs.groups)
            spots = [rng.choice(group[:2]) * bs + rng.randrange(bs // 4)
                     for _ in range(count)]
        elif kind == "inode table":        # the 128 bytes ext2 reads
            base = fs.inode_offset(rng.choice(fs.used))
            spots = [base + o for o in pick_offsets(rng, 128, key, count)]
        else:                              # where a directory's entries are
            base = rng.choice(fs.dir_blocks) * bs
            spots = [base + rng.randrange(128 if targeted else bs) for _ in range(count)]
        changes = []
        for off in spots:
            f.seek(off)
            old = f.read(1)[0]
            new = old ^ rng.randrange(1, 256)
            f.seek(off)
            f.write(bytes([new]))
            changes.append(f"{off:#x}: {old:#04x} -> {new:#04x}")
    return changes


def suite_corrupt_boot(args, tap):
    """Random corruption of each kind of metadata: a clean error or a
    working system, never another panic, an oops or a hang."""
    rng = suite_rng("corrupt-boot")
    for kind, targeted in ((k, t) for k in CORRUPT_KINDS for t in (True, False)):
        tag = f"corrupt-{kind.split()[0]}-{'key' if targeted else 'any'}"
        disk = fresh_disk(args, tag)
        if disk is None:
            tap.result(False, "corrupt-boot: the stress image exists")
            return
        kind_name = kind + (" (key fields)" if targeted else " (anywhere)")
        changes = corrupt(disk, kind, rng, targeted)
        harness.diag(f"corrupt-boot: {kind_name}: changed {', '.join(changes)}")
        out = ExecOutput()
        run = harness.boot(args, tag, out.on_line, disk=disk, kernel=args.kernel,
                           kargs=exec_kargs(args, FSFAULT, "walk", "/"))
        harness.save_log(args, tag, run.console)
        problems = []
        designed = run.status == qemu.EXIT_PANIC and \
            any(DESIGNED_PANIC in line for line in run.console)
        if designed:
            why = [ln for ln in run.console if "VFS:" in ln or "ext2" in ln]
            outcome = "the designed panic, cannot run init" + \
                (f" ({why[-1].split('] ', 1)[-1]})" if why else "")
            bad = trouble(run.console, allow_designed_panic=True)
            if bad:
                problems.append("the kernel reported trouble: " + "; ".join(bad[:5]))
        else:
            problems = out.problems(run, want_status=None, want_tap=False)
            walked = [c[2:] for c in out.comments if c.startswith("# walk /:")]
            outcome = f"a working system: init ran, program status {out.status}" + \
                (f"; {walked[0]}" if walked else "")
            errors = [c[2:] for c in out.comments if c.startswith("# walk: ")]
            if errors:
                outcome += " (" + ", ".join(e[len("walk: "):] for e in errors) + ")"
            probe = [c[2:] for c in out.comments if c.startswith("# probe file:")]
            if probe:
                outcome += "; " + probe[0]
        if not problems:
            harness.diag(f"corrupt-boot: {kind_name}: {outcome}")
        report(tap, f"corrupt-boot: {kind_name}: a clean error or a working system, "
                    "no other panic, no oops, no hang", problems, run)


# ---- randsys -------------------------------------------------------------------

def suite_randsys(args, tap):
    """The random-syscall exerciser with a fresh seed: the kernel survives,
    the disk boots again and passes e2fsck -fn."""
    seed = suite_rng("randsys").randrange(1, 1 << 31)
    harness.diag(f"randsys: randsys {seed} {RANDSYS_COUNT} (alone: make exec "
                 f"PROG=build/user/stress/randsys ARGS=\"{seed} {RANDSYS_COUNT}\")")
    disk = fresh_disk(args, "randsys")
    if disk is None:
        tap.result(False, "randsys: the stress image exists")
        return
    out = ExecOutput()
    run = harness.boot(args, "randsys", out.on_line, disk=disk, kernel=args.kernel,
                       kargs=exec_kargs(args, RANDSYS, seed, RANDSYS_COUNT))
    harness.save_log(args, "randsys", run.console)
    problems = out.problems(run, want_tap=False)
    if not run.contains("worker exit 0"):
        problems.append('no "worker exit 0" line: the exerciser did not finish')
    report(tap, f"randsys: {RANDSYS_COUNT} random calls; the kernel survives and "
                "powers off", problems, run)

    out = ExecOutput()
    run = harness.boot(args, "randsys-2", out.on_line, disk=disk, kernel=args.kernel,
                       kargs=exec_kargs(args, FSFAULT, "walk", "/"))
    harness.save_log(args, "randsys-2", run.console)
    problems = out.problems(run, want_tap=False)
    errors = [c for c in out.comments if c.startswith("# walk: ")]
    if errors:
        problems.append("reading the tree gave errors: " + ", ".join(errors))
    if not run.contains("# probe file: ok"):
        problems.append("writing, fsyncing and reading back a file failed")
    report(tap, "randsys: the disk boots again, every file reads, a new file "
                "writes", problems, run, out.comments)

    status, output = harness.run_e2fsck(disk, args.timeout)
    if status != 0:
        harness.show_lines(output, "e2fsck said:")
    tap.result(status == 0, "randsys: e2fsck -fn finds the disk clean")
