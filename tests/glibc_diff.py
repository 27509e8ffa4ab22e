"""Debian's dynamically linked programs on Faultline against Linux: the
glibc-diff and python suites of `make test` (tests/run.py runs them).

Each runs one script twice, with the same interpreter and programs (the
host's own, which tools/stage-glibc.sh and tools/stage-python.sh copied
into the image at the same paths): on Faultline, as `make exec` runs a
program (the script on a program disk, /exec/NAME, started by init's exec
mode through its #! line, in /tmp of a fresh copy of the image), and on
the host, in a fresh directory with the environment init gives
(user/init.c). What the script prints, and its exit status, must be the
same on both, line for line; any difference is shown as a unified diff.
The differences that are there by design are masked by the scripts
themselves and listed in docs/syscalls.md ("Known differences from
Linux").

  glibc-diff  tests/glibc/programs.sh under Debian's dash: ls, cp, sort,
         md5sum, grep, sed and a few more coreutils over files it makes,
         dash pipelines and shell features; on the standard image
         (build/disk.img, GLIBC_PROGS).
  python  tests/python/acceptance.py under Debian's python3: mmap
         (MAP_SHARED, flush, resize, a forked child), json, re, hashlib,
         threading, subprocess; on build/python-disk.img (the standard
         image with python3, tools/stage-python.sh; `make test-python`
         runs this suite alone).

A host without those programs (not Debian or Ubuntu: the staging scripts
then stage nothing) gives a diagnostic and no result for the suite.
Either suite fails, too, if the boot shows a kernel complaint (a WARNING,
BUG or Oops line) or hangs.
"""

import difflib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import run as harness        # tests/run.py (aliased there as "run")
qemu = harness.qemu

REPO = harness.REPO
# The environment init's exec mode gives a program (user/init.c, which
# passes its own): the host side runs with exactly this one.
INIT_ENV = {"HOME": "/", "PATH": "/bin", "TERM": "vt100"}
HOST_TIMEOUT = 120
# Kernel log lines that fail the run: WARN_ON's and lockdep's warnings,
# BUG and oops reports, a panic or a failed assertion.
KERNEL_COMPLAINT = re.compile(r"WARNING: |BUG: |BUG at |BUG_ON\(|Oops|general protection fault|"
                              r"Kernel panic|assertion '")


def host_run(script):
    """Run @script on the host in a fresh directory under build/ (a disk
    filesystem, as on Faultline, rather than a tmpfs /tmp). Returns
    (exit status or None on timeout, output lines)."""
    build = qemu.BUILD
    build.mkdir(parents=True, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="host-run-", dir=build)
    try:
        done = subprocess.run([str(script)], cwd=workdir, env=INIT_ENV,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=HOST_TIMEOUT)
        return done.returncode, done.stdout.decode("utf-8", "replace").splitlines()
    except subprocess.TimeoutExpired:
        return None, []
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def faultline_run(args, tag, image, script):
    """Boot a fresh copy of @image running @script as /exec/NAME in init's
    exec mode. Returns (the Boot, the script's exit status or None, its
    output lines, kernel complaint lines)."""
    build = Path(args.kernel).resolve().parent
    disk = build / f"{tag}-test-disk.img"      # (python-disk.img is the image)
    subprocess.run(["cp", "--sparse=always", str(image), str(disk)], check=True)
    progdisk = qemu.make_progdisk(build, tag, [(str(script), script.name)], qemu.EXEC_DIR)
    run = harness.boot(args, tag, disk=disk, progdisk=progdisk, kernel=args.kernel,
                       kargs=harness.kernel_cmdline("init.mode=exec", args.kargs, "--",
                                                    progdisk.path_of(script.name)))
    harness.save_log(args, tag, run.console)
    status, out, complaints = None, [], []
    for line in run.console:
        if qemu.KERNEL_LOG.match(line):
            if KERNEL_COMPLAINT.search(line):
                complaints.append(line)
            continue
        m = qemu.INIT_STATUS.fullmatch(line)
        if m:
            status = int(m.group(1))
        elif not re.fullmatch(r"init: (.* exited with status \d+|.* killed by signal \d+.*|"
                              r"powering off)", line):
            out.append(line)
    return run, status, out, complaints


def differential(args, tap, suite, image, script, what):
    """The suite: @script on Faultline (a copy of @image) and on the host;
    one result line for the output and status, one for a quiet kernel."""
    if not image.is_file():
        harness.diag(f"{suite}: {image} does not exist (`make test` makes it)")
        tap.result(False, f"{suite}: the image exists")
        return
    host_status, host_out = host_run(script)
    run, status, out, complaints = faultline_run(args, suite, image, script)
    if status is None:
        harness.diag(f"{suite}: no exit status from init on Faultline")
        run.show_failure()
    same = status is not None and (status, out) == (host_status, host_out)
    if not same:
        harness.diag(f"{suite}: exit status {status} on Faultline, {host_status} on the host")
        diff = list(difflib.unified_diff(host_out, out, "host (Linux)", "Faultline",
                                         lineterm="", n=2))
        harness.show_lines(diff[:120], f"{suite}: what differs ({len(diff)} diff lines):")
    tap.result(same, f"{suite}: {what} prints what it prints on Linux "
                     f"({len(host_out)} lines, exit status {host_status})")
    if complaints:
        harness.show_lines(complaints, f"{suite}: the kernel complained:")
    tap.result(status is not None and not complaints,
               f"{suite}: the kernel ran it without a complaint")


def not_staged(suite, tree, paths):
    """A diagnostic, and True, if the staging tree @tree lacks one of
    @paths: the staging script found no such program on this host (it is
    not Debian or Ubuntu) and said so when the image was made."""
    absent = [p for p in paths if not os.path.lexists(str(tree) + p)]
    if absent:
        harness.diag(f"{suite}: skipped: {', '.join(absent)} not staged in {tree} "
                     f"(no such program on this host: the image stages Debian's)")
    return bool(absent)


GLIBC_SCRIPT = REPO / "tests" / "glibc" / "programs.sh"
PYTHON_SCRIPT = REPO / "tests" / "python" / "acceptance.py"


def suite_glibc_diff(args, tap):
    """tests/glibc/programs.sh on Faultline's standard image and the host."""
    build = Path(args.kernel).resolve().parent
    if not_staged("glibc-diff", build / "rootfs", ["/usr/bin/dash", "/usr/bin/grep"]):
        return
    image = build / "disk.img"
    differential(args, tap, "glibc-diff", image, GLIBC_SCRIPT,
                 "Debian's dash running ls, cp, sort, md5sum, grep, sed")


def suite_python(args, tap):
    """tests/python/acceptance.py on build/python-disk.img and the host."""
    build = Path(args.kernel).resolve().parent
    if not_staged("python", build / "python-root", ["/usr/bin/python3"]):
        return
    image = build / "python-disk.img"
    differential(args, tap, "python", image, PYTHON_SCRIPT,
                 "Debian's python3 (mmap, json, re, hashlib, threading)")
