#!/usr/bin/env python3
"""Faultline's lab tooling: handouts and graders (docs/labs/README.md).

    lab.py list                        the lab names, one per line (make labs)
    lab.py regions [LAB]               where each lab's solution regions are
    lab.py handout LAB OUT [--region N]
                                       write a handout tree (make handout)
    lab.py grade LAB --kernel ELF --disk-image IMG [--kargs ...] [qemu options]
                                       boot once, run the lab's tests, print
                                       "score: X/Y"; exit 0 only at full marks
                                       (make grade)
    lab.py check [LAB...]              what make test checks: the full tree
                                       scores full marks, and each handout
                                       builds and scores below full
    lab.py verify LAB                  each region of LAB, stubbed alone,
                                       makes a graded test fail (make lab-verify)

A handout is a copy of the tree's files (git ls-files: tracked and
untracked-but-not-ignored; a tree that is not a git checkout, such as a
handout, is walked instead, without build directories) in which the lab's
regions are replaced by their stubs. Files keep their modification times,
so a handout built from a copy of this tree's build directory recompiles
only the files that changed: that is how `check` and `verify` stay cheap.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(REPO / "tests"))
sys.dont_write_bytecode = True

import labs as labdefs  # noqa: E402
import regions as regionlib  # noqa: E402
import qemu  # noqa: E402
import run as harness  # noqa: E402  (tests/run.py: boot(), the TAP regexes)

SCORE = re.compile(r"score: (\d+)/(\d+)")
LAB_TEST_DIR = "/lab-tests"

# What a handout's build directory is seeded with from this tree's: every
# entry of the build directory except these: the handouts themselves, the
# logs, the root staging tree, ISOs, and every disk image but the root's.
# Not copied into a handout's build/: what grading never reads (the test
# logs, other images, the staged trees: python's alone is about 100 MiB of
# small files, which made each lab's check seconds slower).
# Nor what other boots running meanwhile make and remove (program disks).
SEED_SKIP = re.compile(r"^(labs|test-logs|rootfs|python-root|python-rootfs|progdisk-.*|"
                       r".*\.iso|(?!disk\.img$).*\.img)$")


def fail(msg):
    sys.exit(f"lab.py: {msg}")


def get_lab(name):
    lab = labdefs.find(name or "")
    if lab is None:
        fail(f"no lab called '{name}'; the labs are: "
             + ", ".join(x.name for x in labdefs.LABS))
    return lab


# ---- the tree and its regions --------------------------------------------

def _walk(root):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(d for d in dirnames
                             if d not in (".git", "__pycache__")
                             and not (rel == Path(".") and d.startswith("build")))
        for f in filenames:
            if f.endswith(".pyc") or (rel == Path(".") and f == "compile_commands.json"):
                continue
            found.append(str(rel / f) if rel != Path(".") else f)
    return sorted(found)


def tree_files(root):
    """The files of the tree at root, relative paths, sorted."""
    root = Path(root).resolve()
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        top = None
    if top is None or Path(top).resolve() != root:
        return _walk(root)
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                          "--exclude-standard"], capture_output=True, check=True).stdout
    names = {n.decode() for n in out.split(b"\0") if n}
    return sorted(n for n in names if (root / n).is_file() or (root / n).is_symlink())


def all_regions(root, files=None):
    """{lab name: [Region, ...]} over the tree's .c and .h files. Raises
    RegionError for bad markers, unknown labs, or a lab without regions."""
    root = Path(root)
    found = {lab.name: [] for lab in labdefs.LABS}
    for rel in files if files is not None else tree_files(root):
        if not rel.endswith(regionlib.SOURCE_SUFFIXES) or (root / rel).is_symlink():
            continue
        text = (root / rel).read_text(errors="replace")
        if "LAB(" not in text:
            continue
        for r in regionlib.parse(rel, text):
            if r.lab not in found:
                raise regionlib.RegionError(f"{r.path}:{r.lineno}: LAB({r.lab}): no such lab "
                                            "in tools/labs/labs.py")
            found[r.lab].append(r)
    empty = [name for name, rs in found.items() if not rs]
    if empty:
        raise regionlib.RegionError("labs without solution regions: " + ", ".join(empty))
    return found


def write_handout(root, lab, out, only=None):
    """Write lab's handout of the tree at root into out (which must not
    exist or be empty). only: stub just these region indexes (0-based, in
    the order `lab.py regions` lists them). Returns the stubbed regions."""
    root, out = Path(root).resolve(), Path(out).resolve()
    if out == root or root in out.parents and not out.relative_to(root).parts[0].startswith("build"):
        fail(f"{out}: a handout cannot be written inside the tree itself (except under build/)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        fail(f"{out} exists and is not an empty directory")
    files = tree_files(root)
    regions = all_regions(root, files)[lab.name]
    if only is not None:
        bad = [i for i in only if not 0 <= i < len(regions)]
        if bad:
            fail(f"lab {lab.name} has regions 0..{len(regions) - 1}, not {bad}")
        regions = [regions[i] for i in only]
    by_file = {}
    for r in regions:
        by_file.setdefault(r.path, []).append(r)
    for rel in files:
        src, dst = root / rel, out / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if rel in by_file:
            dst.write_text(regionlib.stub_text(src.read_text(), by_file[rel], lab.doc))
            shutil.copymode(src, dst)
        elif src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)          # keeps the mtime: see the module comment
    return regions


# ---- grading --------------------------------------------------------------

class Results:
    """The lab's tests and what the boot said about them."""

    BOOT = "boot: the kernel ran the tests and powered off"

    def __init__(self, lab):
        self.lab = lab
        self.seen = {}                  # (kind, name) -> ok
        self.boot_ok = False            # the boot ended normally: one point too
        self.problem = None             # (why the boot went wrong, its console)

    def lines(self):
        """(ok or None if it did not run, what) for each graded line."""
        return [(self.seen.get(t), f"{t[0]}: {t[1]}") for t in self.lab.tests] + \
            [(self.boot_ok, self.BOOT)]

    def score(self):
        lines = self.lines()
        return sum(1 for ok, _ in lines if ok), len(lines)


def _boot_args(kernel, disk, accel, mem, smp, timeout):
    return argparse.Namespace(kernel=str(kernel), disk=str(disk), accel=accel, mem=mem,
                              smp=smp, timeout=timeout)


def _run_boot(lab, res, bargs, kargs):
    """The one boot that runs the lab's tests: the ktests first (in
    kernel_init), then, with init.mode=test, init runs the user tests
    from /lab-tests, where the kernel mounts a program disk holding them.
    Fills res; returns the console."""
    words = []
    progdisk = None
    if lab.ktests:
        words.append("ktest=" + ",".join(lab.ktests))
    if lab.user_tests:
        build = Path(bargs.kernel).resolve().parent
        progs = [(str(build / "user" / "tests" / n), n) for n in lab.user_tests]
        missing = [p for p, _ in progs if not Path(p).is_file()]
        if missing:
            fail("missing test programs (build them with make): " + ", ".join(missing))
        # The same channel as make exec: a read-only program disk.
        try:
            progdisk = qemu.make_progdisk(build, f"grade-{lab.name}", progs, LAB_TEST_DIR)
        except (OSError, RuntimeError) as e:
            fail(str(e))
        words.append("init.mode=test")
    words += [lab.kargs, kargs]
    if lab.user_tests:
        words += ["--", LAB_TEST_DIR]
    kinds = {n: "ktest" for n in lab.ktests}
    kinds.update({n: "user" for n in lab.user_tests})
    init_status = []

    def on_line(line):
        m = harness.KTEST_RESULT.fullmatch(line)
        if m:
            name = m.group(3).split(" ")[0]       # the runner adds " (exit 1)"
            if name in kinds:
                res.seen[(kinds[name], name)] = m.group(1) == "ok"
        m = qemu.INIT_STATUS.fullmatch(line)
        if m:
            init_status.append(int(m.group(1)))

    timeout = max(bargs.timeout, 300) if lab.user_tests else bargs.timeout
    run = harness.boot(bargs, f"grade-{lab.name}", on_line, kernel=bargs.kernel, timeout=timeout,
                       kargs=harness.kernel_cmdline(*words), progdisk=progdisk,
                       swap=lab.swap or None)
    if lab.user_tests:
        res.boot_ok = run.status == qemu.EXIT_POWEROFF and bool(init_status)
    else:
        res.boot_ok = run.status in (qemu.EXIT_TESTS_PASSED, qemu.EXIT_TESTS_FAILED)
    if not res.boot_ok:
        res.problem = (f"the boot: {harness.describe_status(run.status, run.timeout)}",
                       run.console)
    return run.console


def grade(lab, kernel, disk_image, accel="tcg", mem=qemu.DEFAULT_MEM, smp=qemu.DEFAULT_SMP,
          kargs="", timeout=120, out=print):
    """Boot lab's tests on kernel with a fresh copy of disk_image; print a
    line per test and the score through out(). The boot has lab.smp CPUs
    if the lab says, else smp. Returns (score, total)."""
    smp = lab.smp or smp
    build = Path(kernel).resolve().parent
    # Named by the lab: make test grades two labs at once (labs-a, labs-b).
    disk = build / f"grade-{lab.name}-disk.img"
    subprocess.run(["cp", "--sparse=always", str(disk_image), str(disk)], check=True)
    bargs = _boot_args(kernel, disk, qemu.resolve_accel(accel), mem, smp, timeout)
    res = Results(lab)
    console = _run_boot(lab, res, bargs, kargs)
    logdir = build / "test-logs"
    logdir.mkdir(exist_ok=True)
    (logdir / f"grade-{lab.name}.log").write_text("\n".join(console) + "\n")

    out(f"# lab {lab.name}: {lab.title} ({lab.doc})"
        + (f", on SMP={smp}" if lab.smp else "")
        + (f", with SWAP={lab.swap}" if lab.swap else ""))
    for i, (ok, what) in enumerate(res.lines(), 1):
        why = " (did not run: see below)" if ok is None else ""
        out(f"{'ok' if ok else 'not ok'} {i} - {what}{why}")
    if res.problem:
        why, lines = res.problem
        out(f"# {why}; the last console lines:")
        for line in lines[-25:]:
            out(f"#   {line}")
    out(f"# the whole console: {os.path.relpath(logdir / f'grade-{lab.name}.log')}")
    score, total = res.score()
    out(f"score: {score}/{total}")
    return score, total


# ---- handouts built from this tree's objects (check, verify) -------------

def seed_build(build, handout):
    """Copy this tree's build directory into handout/build, keeping times,
    so that the handout's make rebuilds only what its stubs changed."""
    dst = Path(handout) / "build"
    dst.mkdir(parents=True, exist_ok=True)
    for entry in sorted(Path(build).iterdir()):
        if SEED_SKIP.match(entry.name):
            continue
        done = subprocess.run(["cp", "-a", "--sparse=always", str(entry), str(dst)],
                              stderr=subprocess.PIPE, text=True)
        # A scratch file that a boot running beside us removed is no loss.
        if done.returncode != 0 and entry.exists():
            fail(f"copying {entry} into {dst}: {done.stderr.strip()}")


def make_grade(handout, lab, opts, log):
    """Run `make grade LAB=...` in a handout; returns (exit status, score
    or None, output lines). The output goes to log too."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    cmd = ["make", "-C", str(handout), f"-j{os.cpu_count() or 2}", "--no-print-directory",
           "grade", f"LAB={lab.name}", f"ACCEL={opts.accel}", f"MEM={opts.mem}",
           f"SMP={opts.smp}", f"TIMEOUT={int(opts.timeout)}"]
    if opts.kargs:
        cmd.append(f"KARGS={opts.kargs}")
    done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, env=env)
    text = done.stdout.decode("utf-8", "replace")
    Path(log).write_text(text)
    lines = text.splitlines()
    scores = [SCORE.fullmatch(line) for line in lines]
    scores = [m for m in scores if m]
    score = (int(scores[-1].group(1)), int(scores[-1].group(2))) if scores else None
    return done.returncode, score, lines


def handout_check(lab, opts, tag, only=None):
    """Write lab's handout (only: these regions) under build/labs/TAG,
    build it from this tree's objects and grade it. Returns (ok, message,
    output lines)."""
    build = Path(opts.kernel).resolve().parent
    where = build / "labs" / tag
    shutil.rmtree(where, ignore_errors=True)
    write_handout(REPO, lab, where, only)
    seed_build(build, where)
    status, score, lines = make_grade(where, lab, opts, build / "labs" / f"{tag}.log")
    rel = os.path.relpath(where)
    if score is None:
        return False, f"the handout in {rel} did not build or boot (make exited {status})", lines
    if score[0] >= score[1] or status == 0:
        return False, (f"the handout in {rel} scores {score[0]}/{score[1]}, make exited "
                       f"{status}: its stubs fail no test"), lines
    return True, f"the handout builds and scores {score[0]}/{score[1]}, below full", lines


def check(opts, result, diag, names=None):
    """make test's lab check: for each lab, result(ok, text) twice."""
    try:
        all_regions(REPO)
    except regionlib.RegionError as e:
        diag(f"labs: {e}")
        result(False, "labs: the solution markers are well formed")
        return
    disk = Path(opts.kernel).resolve().parent / "disk.img"
    for lab in labdefs.LABS:
        if names and lab.name not in names:
            continue
        lines = []
        score, total = grade(lab, opts.kernel, disk, opts.accel, opts.mem, opts.smp,
                             opts.kargs, opts.timeout, out=lines.append)
        if score != total:
            for line in lines:
                diag(f"  {line}")
        result(score == total, f"labs: {lab.name}: the full tree scores {score}/{total}")
        ok, msg, lines = handout_check(lab, opts, lab.name)
        if not ok:
            for line in lines[-40:]:
                diag(f"  {line}")
        result(ok, f"labs: {lab.name}: {msg}")


# ---- commands ---------------------------------------------------------------

def cmd_list(args):
    for lab in labdefs.LABS:
        print(lab.name)
    return 0


def cmd_regions(args):
    found = all_regions(REPO)
    for lab in labdefs.LABS:
        if args.lab and lab.name != args.lab:
            continue
        print(f"{lab.name}: {lab.title} ({lab.doc})")
        for i, r in enumerate(found[lab.name]):
            print(f"  {i}  {r.describe()}")
    return 0


def cmd_handout(args):
    lab = get_lab(args.lab)
    only = [int(x) for x in args.region.split(",")] if args.region else None
    try:
        regions = write_handout(REPO, lab, args.out, only)
    except regionlib.RegionError as e:
        fail(str(e))
    print(f"handout of lab {lab.name} ({lab.title}) written to {args.out}:")
    for r in regions:
        print(f"  stubbed {r.describe()}")
    print(f"The handout page is {lab.doc}. Build and grade it with: "
          f"make -C {args.out} grade LAB={lab.name}")
    return 0


def cmd_grade(args):
    lab = get_lab(args.lab)
    disk = args.disk_image or Path(args.kernel).resolve().parent / "disk.img"
    score, total = grade(lab, args.kernel, disk, args.accel, args.mem, args.smp,
                         args.kargs, args.timeout)
    return 0 if score == total else 1


class _Counter:
    def __init__(self):
        self.n = self.failed = 0

    def result(self, ok, text):
        self.n += 1
        self.failed += not ok
        print(f"{'ok' if ok else 'not ok'} {self.n} - {text}", flush=True)

    @staticmethod
    def diag(text):
        print(f"# {text}", flush=True)


def cmd_check(args):
    for name in args.labs:
        get_lab(name)
    c = _Counter()
    check(args, c.result, c.diag, args.labs)
    print(f"{c.n - c.failed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


def cmd_verify(args):
    lab = get_lab(args.lab)
    regions = all_regions(REPO)[lab.name]
    c = _Counter()
    for i, r in enumerate(regions):
        ok, msg, lines = handout_check(lab, args, f"verify-{lab.name}-{i}", [i])
        if not ok:
            for line in lines[-40:]:
                c.diag(f"  {line}")
        c.result(ok, f"{lab.name} region {i} ({r.describe()}) stubbed alone: {msg}")
    print(f"{c.n - c.failed} passed, {c.failed} failed")
    return 0 if c.failed == 0 else 1


def main(argv=None):
    p = argparse.ArgumentParser(description="Faultline's labs: handouts and graders.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the lab names, one per line").set_defaults(func=cmd_list)
    s = sub.add_parser("regions", help="where the labs' solution regions are")
    s.add_argument("lab", nargs="?")
    s.set_defaults(func=cmd_regions)
    s = sub.add_parser("handout", help="write a handout tree")
    s.add_argument("lab")
    s.add_argument("out")
    s.add_argument("--region", help="stub only these regions (comma-separated indexes)")
    s.set_defaults(func=cmd_handout)

    def boot_options(s):
        s.add_argument("--accel", choices=["tcg", "kvm"], default=os.environ.get("ACCEL") or "tcg")
        s.add_argument("--mem", default=qemu.DEFAULT_MEM)
        s.add_argument("--smp", type=int, default=qemu.DEFAULT_SMP)
        s.add_argument("--kernel", default=str(REPO / "build" / "kernel.elf"))
        s.add_argument("--kargs", default="", help="extra kernel command line")
        s.add_argument("--timeout", type=float, default=120)

    s = sub.add_parser("grade", help="run a lab's tests and print the score")
    s.add_argument("lab")
    s.add_argument("--disk-image", help="the root disk image to grade with (a copy is "
                   "used; default: disk.img beside the kernel)")
    boot_options(s)
    s.set_defaults(func=cmd_grade)
    s = sub.add_parser("check", help="full tree full marks, handouts below (make test)")
    s.add_argument("labs", nargs="*")
    boot_options(s)
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("verify", help="each region stubbed alone fails a test")
    s.add_argument("lab")
    boot_options(s)
    s.set_defaults(func=cmd_verify)
    args = p.parse_args(argv)
    try:
        return args.func(args)
    except regionlib.RegionError as e:
        fail(str(e))


if __name__ == "__main__":
    sys.exit(main())
