"""The busybox differential suite of `make test` (tests/run.py runs it).

  busybox  One script, tests/busybox/diff.sh, run by Debian's static
         busybox (`busybox sh`) twice: on Faultline (a fresh copy of the
         standard image, whose /bin/busybox the build staged from the
         host: tools/stage-busybox.sh) and on Linux, the host, with the
         same binary, each in a fresh temporary directory holding the same
         input files (tests/busybox/*.txt, *.csv). It exercises text tools,
         archives, shell features (functions, `while read`, here-documents,
         arithmetic, traps, job waits), symbolic and hard links,
         permissions and `#!` scripts, FIFOs, `touch`, and the shape of
         `ps`, `df`, `mount`, `dmesg` and `free`. The two outputs must be
         equal line for line, but for the differences listed in
         DIFFERENCES, each of which docs/syscalls.md ("Known differences
         from Linux") explains.

Results: the Faultline run ended cleanly; the outputs match (each line that
differs is printed, Faultline's "-" and Linux's "+"); `e2fsck -fn` finds the
image clean afterwards. When the host has no static busybox, or the image
none (BUSYBOX= or a host without it: the build said so), the suite skips
with the reason.
"""

import difflib
import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

import run as harness        # tests/run.py (aliased there as "run")
qemu = harness.qemu

SCRIPT_DIR = harness.REPO / "tests" / "busybox"
SCRIPT = "diff.sh"
INPUTS = ["words.txt", "records.csv"]
HOST_BUSYBOX = "/bin/busybox"          # Debian's busybox-static, as staged
GUEST_OUT = "/tmp/busybox-diff.out"   # read back from the image with debugfs
HOST_TIMEOUT = 60
MAX_SHOWN = 80                         # differing lines printed

# The differences by design: (Faultline's line, Linux's line), each a
# regular expression matched whole, and the docs/syscalls.md item that
# explains it. A line pair differing in any other way fails the suite;
# so do lines one side has and the other lacks.
DIFFERENCES = [
    (r"uname -s: Faultline", r"uname -s: Linux",
     "uname's sysname is Faultline (docs/syscalls.md, the filesystem's answers and uname)"),
    (r"uname -r: 6\.1\.0-faultline", r"uname -r: \d+\.\d+\S*",
     "the release names the Linux ABI level Faultline implements, 6.1 (docs/syscalls.md)"),
    (r"dir-size: 1024", r"dir-size: \d+",
     "a directory's size is ext2's, one 1 KiB block here (docs/syscalls.md)"),
]


def static_busybox(path):
    """Why `path` is not a statically linked program, or None if it is."""
    if not os.access(path, os.X_OK):
        return f"{path} not found (Debian's busybox-static; bash tools/deps.sh installs it)"
    if subprocess.run(["ldd", path], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        return f"{path} is dynamically linked (install busybox-static)"
    return None


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_on_host(busybox):
    """The script on the host: (output lines, problem or None)."""
    with tempfile.TemporaryDirectory(prefix="fl-busybox-") as tmp:
        out = Path(tmp, "out")
        # The environment init gives a program on Faultline (docs/
        # userspace.md), with the scratch directory under our own one.
        env = {"PATH": "/bin", "HOME": "/", "TERM": "vt100", "TMPDIR": tmp}
        try:
            done = subprocess.run([busybox, "sh", str(SCRIPT_DIR / SCRIPT),
                                   str(SCRIPT_DIR), str(out)], cwd=tmp, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=HOST_TIMEOUT)
        except subprocess.TimeoutExpired:
            return [], f"the script did not end in {HOST_TIMEOUT} s on the host"
        text = out.read_text("utf-8", "replace") if out.exists() else ""
        if done.returncode != 0:
            return text.splitlines(), f"the script exited with status {done.returncode} on the host"
    return text.splitlines(), None


def allowed(ours, theirs):
    """The DIFFERENCES entry that lets Faultline's line `ours` stand where
    Linux printed `theirs`, or None."""
    for fl, linux, why in DIFFERENCES:
        if re.fullmatch(fl, ours) and re.fullmatch(linux, theirs):
            return why
    return None


def compare(ours, theirs):
    """The differences not in DIFFERENCES, as diff lines ("-" Faultline's,
    "+" Linux's), and the allowed ones, as notes."""
    bad, notes = [], []
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        a, b = ours[i1:i2], theirs[j1:j2]
        if op == "replace" and len(a) == len(b):
            for x, y in zip(a, b):
                why = allowed(x, y)
                if why:
                    notes.append(f"{x!r} where Linux says {y!r}: {why}")
                else:
                    bad += [f"- {x}", f"+ {y}"]
            continue
        bad += [f"- {x}" for x in a] + [f"+ {y}" for y in b]
    return bad, notes


def host_limits(theirs):
    """What the host could not show as its kernel would: an unprivileged
    user may not read the kernel log (dmesg_restrict). Faultline's lines
    are then checked against what a permitted reader sees."""
    if "dmesg: not readable" in theirs and os.geteuid() != 0:
        harness.diag("busybox: the host refuses dmesg to this user "
                     "(kernel.dmesg_restrict); Faultline's dmesg lines are "
                     "checked against those a permitted reader gets")
        at = theirs.index("dmesg: not readable")
        theirs[at:at + 1] = ["dmesg: non-empty", "dmesg: lines start with a time stamp"]
    return theirs


def suite_busybox(args, tap):
    name = "busybox: the differential script's output matches Linux's"
    build = Path(args.kernel).resolve().parent
    staged = build / "rootfs" / "bin" / "busybox"
    why = static_busybox(HOST_BUSYBOX)
    if why is None and not staged.is_file():
        why = "the image has no /bin/busybox (built with BUSYBOX= or without it)"
    if why is None and sha256(staged) != sha256(HOST_BUSYBOX):
        why = (f"the image's /bin/busybox is not the host's {HOST_BUSYBOX} "
               f"(rebuild the image: make build/disk.img)")
        harness.diag(f"busybox: {why}")
        tap.result(False, name)
        return
    if why:
        tap.result(True, f"{name} # SKIP {why}")
        return

    disk = harness.fresh_copy(args, qemu.DEFAULT_DISK.name, "busybox-disk.img", "busybox")
    if disk is None:
        tap.result(False, "busybox: the standard image exists")
        return
    files = [(str(SCRIPT_DIR / n), n) for n in [SCRIPT] + INPUTS]
    progdisk = qemu.make_progdisk(build, "busybox", files, qemu.EXEC_DIR)
    command = ["/bin/busybox", "sh", progdisk.path_of(SCRIPT), qemu.EXEC_DIR, GUEST_OUT]
    status = []
    run = harness.boot(args, "busybox",
                       lambda line: status.extend(
                           int(m.group(1)) for m in [qemu.INIT_STATUS.fullmatch(line)] if m),
                       disk=disk, progdisk=progdisk, kernel=args.kernel,
                       kargs=harness.kernel_cmdline("init.mode=exec", args.kargs,
                                                    "--", *command))
    harness.save_log(args, "busybox", run.console)
    ok = run.status == qemu.EXIT_POWEROFF and status == [0]
    if not ok:
        harness.diag(f"busybox: {harness.describe_status(run.status, run.timeout)}; "
                     f"the script's status {status or 'never came'}")
        run.show_failure()
    tap.result(ok, "busybox: the script ran to its end on Faultline")

    data, said = harness.debugfs_dump(disk, GUEST_OUT, args.timeout)
    ours = data.decode("utf-8", "replace").splitlines()
    theirs, problem = run_on_host(HOST_BUSYBOX)
    if problem:
        harness.diag(f"busybox: {problem}")
    if not ours:
        harness.show_lines(said, f"busybox: no {GUEST_OUT} on the image; debugfs said:")
    logs = Path(build, "test-logs")
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "busybox-faultline.out").write_text("".join(f"{x}\n" for x in ours))
    (logs / "busybox-linux.out").write_text("".join(f"{x}\n" for x in theirs))
    theirs = host_limits(theirs)
    bad, notes = compare(ours, theirs)
    for note in notes:
        harness.diag(f"busybox: by design: {note}")
    if bad:
        more = len(bad) - MAX_SHOWN
        harness.show_lines(bad[:MAX_SHOWN] + ([f"... and {more} more"] if more > 0 else []),
                           f"busybox: {len(bad)} differing lines (- Faultline, "
                           f"+ Linux), not in the list of differences by design "
                           f"(both outputs: build/test-logs/busybox-*.out):")
    complete = bool(ours) and ours[-1:] == ["end: busybox differential script"]
    tap.result(not bad and not problem and complete, name)

    fsck, said = harness.run_e2fsck(disk, args.timeout)
    if fsck != 0:
        harness.show_lines(said, "busybox: e2fsck -fn said:")
    tap.result(fsck == 0, "busybox: e2fsck -fn finds the image clean afterwards")
