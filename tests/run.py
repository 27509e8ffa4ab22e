#!/usr/bin/env python3
"""The `make test` harness: boot Faultline in QEMU and check what it does.

Usage:
    python3 tests/run.py --kernel build/kernel.elf --iso build/faultline-test.iso
                         [--accel tcg|kvm] [--mem 256M] [--smp 1]
                         [--kargs EXTRA] [--timeout 120] [--only SUITE]
                         [--disk FILE] [--swap SIZE] [--extra-tests DIR]

Suites, run in this order (a failing suite does not stop the others):

  ktest  PVH boot with "ktest": the kernel runs its in-kernel unit tests and
         prints TAP; every kernel test becomes one result line here.
  user   PVH boot with "init.mode=test": init runs /bin/runtests, which runs
         every program in /tests (and /extra-tests), each as its own
         process with a time limit; every runner result line becomes one
         result line here, "user: NAME". The test programs' own output
         (the runner prefixes it with "# ") is shown for failed tests only;
         build/test-logs/user.log has all of it. --extra-tests DIR (or
         $EXTRA_TESTS, as `make test EXTRA_TESTS=DIR` sets it) puts every
         executable in DIR on a read-only program disk that the kernel
         mounts on /extra-tests (nothing is written into the vda image).
  truncrace  Two PVH boots running only /tests/truncate_race_test (init's
         exec mode): with "fault_delay=5" every file fault sleeps 5 ms
         between finding its page and installing the PTE, and the test must
         pass (the truncate_count recheck retries the faults truncate
         overtook); with "fault_delay=5 truncate_guard=0" the recheck is
         off, and the test must FAIL, reporting lost stores (the stale
         mapping it exists to catch). Each boot is one result line.
  grub   GRUB boot of the test ISO (its grub.cfg passes "ktest"): the kernel
         must come up through Multiboot2 and pass its tests.
  oops   PVH boot with "crash=pagefault": the kernel must print a Linux-style
         oops with a decoded error code and a symbolized backtrace, then panic.
  hangdiag  PVH boot of the one ktest that hangs on purpose (and of the
            lock-order checker's deliberate inversion)
         (ktest=manual_hang_forever: it holds a mutex that another thread
         waits for, and sleeps forever) with hung_task_timeout_secs=2: the
         kernel's hung-task detector must report both blocked tasks with
         their backtraces, and when the boot times out the harness's stack
         dump through QEMU's GDB stub (which every boot of this harness
         gets, so any hung boot ends with every task's stack) must show
         the waiter in mutex_lock. A second boot
         (ktest=manual_softlockup watchdog_thresh=1) spins, until reported, with a
         spinlock held: the soft-lockup watchdog must report it with a
         backtrace. docs/hang-diagnostics.md.
  gdb    QEMU paused with a GDB server; GDB breaks in kmain and in the page
         fault handler, and the backtraces must make sense.
  gdb-cow  `make gdb-batch`'s path with user/gdb/cow_gdb: stop in do_wp_page
         during a COW fault and check the PTE and struct page before and
         after it with the fl-* commands (tools/gdb/faultline).
  gdb-shared  The same with user/gdb/shared_gdb: the write-protect fault
         of a clean page of a shared file mapping; before it the PTE is
         read-only and the page clean, after it both are dirty.
  persist
         A file written and synced in one boot is on the disk: the host
         reads it back with debugfs, and a second boot reads it too.
  exec-disk
         `make exec DISK=FILE` (tools/qemu.py exec --disk-as-is) three
         times on one image running user/host/exec_persist: its output
         and exit status come back, what it writes persists, and
         `e2fsck -fn` finds the image clean after every run.
  exec-args
         tools/faultline exec user/host/argv_probe with quoted arguments:
         each arrives whole, the program's exit status is the script's,
         and a missing system call is named once on stderr.
  aslr   user/tests/layout_test booted with no option and with
         randomize_va_space=2: what moves between three runs of a
         static-PIE program is what that level says (docs/exec.md).
  fulldisk
         PVH boot of a small root image of its own (build/fulldisk.img,
         2 MiB, made by the Makefile) with "init.mode=exec" running
         /tests/fulldisk_test --keep FILE: it fills the disk and stores
         through a shared mapping until SIGBUS. Each of its checks is one
         result line; then the host reads FILE from the image with debugfs
         (what reached the disk: the pages written, zeros after) and runs
         `e2fsck -fn` on it.
  swap   PVH boot on two CPUs with a fresh 64 MiB swap disk (swap=SIZE of
         boot()) of a fresh copy of the standard image, running
         /tests/swap_test in init's exec mode: each of its checks is one
         result line (pages out with MADV_PAGEOUT and back, fork with pages
         out, slots freed at munmap and exit, swapoff while a child reads
         its swapped pages).
  mempressure
         PVH boot with 64 MiB of memory of an image of its own
         (build/mempressure.img, made by the Makefile) running
         /tests/mempressure_test: a file over twice the memory written and
         read back at random offsets, a 200 MiB memory hog (OOM-killed, a
         bystander spared), the OOM killer's choice (--oom: the largest by
         RSS dies, oom_score_adj -1000 spares a larger one; the console
         report in Linux's format), a fork bomb; each of its checks is one result
         line, then one that it ran to the end without a kernel complaint,
         and `e2fsck -fn` on the image (docs/reclaim.md).
  overmem-files, overmem-anon (--only overmem: both, one after the other)
         PVH boots with 128 MiB of memory and a swap disk
         (boot(swap=...)) of an image of its own (build/overmem.img):
         issue 13's over-memory programs (overmem_file_test: files three
         times the memory mapped and read, written through MAP_SHARED,
         truncated under reclaim; overmem_anon_test: 300 MiB of anonymous
         memory, COW after fork from swap, shared anonymous memory,
         mlock, swapoff while processes run, one OOM kill), the written
         file checked by the host with debugfs and by a second boot,
         e2fsck -fn last (docs/testing.md, "The over-memory suite").
  sched-stress, powercut, corrupt-boot, randsys
         The stress and fault suites (tests/stress.py, where each is
         described): CPU load beside faulting and sleeping tasks; a power
         cut after fsync, checked with debugfs, a second boot and e2fsck;
         boots of randomly corrupted images; the random-syscall exerciser
         with a fresh seed (STRESS_SEED=N replays a run's seeds).
  busybox  The busybox differential suite (tests/busybox_suite.py):
         tests/busybox/diff.sh run by Debian's static busybox on Faultline
         and on the host with the same binary; the outputs must match but
         for the differences by design listed there.
  glibc-diff, python
         Debian's dynamically linked programs against Linux
         (tests/glibc_diff.py): tests/glibc/programs.sh under Debian's
         dash (ls, cp, sort, md5sum, grep, sed) and
         tests/python/acceptance.py under Debian's python3 (mmap, json,
         re, hashlib, threading), each run on Faultline (make exec's boot,
         of the standard image and of build/python-disk.img) and on the
         host, and the outputs diffed; one result line for the output,
         one for a kernel without complaints.
  labs-a, labs-b (labs: both)
         The coursework labs (docs/labs/, tools/labs/lab.py check): for each
         lab, the full tree scores full marks with `make grade`, and the
         handout (`make handout`, built from copies of this build's objects,
         so only the stubbed files recompile) builds and scores below full.
         Two result lines per lab.
  docs   README.md and docs/ name only files the repository holds
         (tools/check_docs.py; no boot).
  e2fsck After the boots: `e2fsck -fn` on the vda image they used must find
         the filesystem clean (one result line).
  diagnostics  Last, one result: no boot printed a hung-task report
         (every PVH boot runs the detector with hung_task_timeout_secs=20),
         a soft-lockup report or the allocator's warning of a sleeping
         allocation in atomic context, except the hangdiag boots, which hang on
         purpose. A boot that times out prints every task's kernel stack,
         read through QEMU's GDB stub, before it is killed.

Disks: every boot gets vda (the --disk image, used in place by every suite
in turn; by default a fresh copy of build/disk.img made for this run,
build/test-disk.img), a fresh scratch disk vdb and the error-injection disk
vdc (tools/qemu.py, disk_args()); with --swap SIZE (make test SWAP=SIZE)
every PVH boot also gets a fresh swap disk, attached last and enabled with
swap=/dev/vdX, and a suite may ask for one of its own (boot(swap=...)).

Output is TAP-like: one "ok N - name" / "not ok N - name" line per test as
results arrive, "# ..." diagnostic lines, and a final "N passed, M failed".
The exit status is 0 only if nothing failed and at least one test ran.

How the kernel talks to us: its serial console is QEMU's stdout, and it ends
QEMU through the isa-debug-exit device, which turns the value the kernel
writes into QEMU's exit status (see include/kernel/power.h and tools/qemu.py):
33 = all ktests passed, 35 = some failed, 37 = panic.
Each suite's full console output is saved in build/test-logs/SUITE.log.
"""

import argparse
import collections
import os
import queue
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
sys.dont_write_bytecode = True       # no tools/__pycache__ in the source tree
import qemu  # noqa: E402  (tools/qemu.py: builds every QEMU command line)

TAIL_LINES = 40          # console lines shown when a suite fails

# The kernel's ktest output (include/kernel/ktest.h). Lines are matched whole,
# so log lines ("[    0.001] ...") can be mixed in freely.
KTEST_RESULT = re.compile(r"(ok|not ok) (\d+) - (.+)")
KTEST_CLOSING = re.compile(r"(\d+) passed, (\d+) failed")

# The user-test runner's lines (user/runtests.c): its own result lines are
# not prefixed; everything a test prints is, with "# ".
USER_RESULT = re.compile(r"(ok|not ok) (\d+) - (\S+)(.*)")
USER_TEST_START = "# ---- "
USER_SUITE_MIN_TIMEOUT = 600     # seconds for the whole user-test boot
# The boots that run every ktest (ktest, grub) include the ext2 tests that
# write tens of MiB through virtio-blk: ~30 s under TCG on an idle host,
# several times that on a loaded one, where 120 s ran out mid-test.
KTEST_SUITE_MIN_TIMEOUT = 300

# Everything the oops suite expects on the console.
OOPS_EXPECTED = [
    "BUG: unable to handle page fault for address: 0xffffdead00000000",
    "#PF: supervisor write access in kernel mode",
    "#PF: error_code(0x0002) - not-present page",
    "RIP: 0010:crash_test_page_fault+0x",
    "Call Trace:",
    " kmain+0x",
    "Kernel panic - not syncing",
]


# ---- output ----------------------------------------------------------------

class Tap:
    """Numbers the result lines globally and counts passes and failures."""

    def __init__(self):
        self.count = 0
        self.failed = 0

    def result(self, ok, name):
        if _output.events is not None:     # numbered when replayed
            _output.events.append(("result", ok, name))
            return
        self.count += 1
        if not ok:
            self.failed += 1
        say(f"{'ok' if ok else 'not ok'} {self.count} - {name}")

    def summary(self):
        say(f"{self.count - self.failed} passed, {self.failed} failed")


class _Output(threading.local):
    """Where say() writes in this thread: None for stdout, or a list that
    holds a suite's output while it runs beside another (run_suites)."""
    events = None


_output = _Output()


def say(line):
    if _output.events is not None:
        _output.events.append(("say", line))
    else:
        print(line, flush=True)


def diag(text):
    """A diagnostic line (TAP comment)."""
    say(f"# {text}")


def show_lines(lines, title):
    """Print lines indented under a diagnostic title: '#   line'."""
    diag(title)
    for line in lines:
        say(f"#   {line}")


def show_tail(console):
    if not console:
        diag("(no console output)")
        return
    show_lines(console[-TAIL_LINES:],
               f"last {min(len(console), TAIL_LINES)} console lines:")


def describe_status(status, timeout=None):
    """What a QEMU exit status means, for messages (None: timed out)."""
    if status is None:
        return f"timed out after {timeout:g} s; QEMU was killed"
    meaning = {
        0: "the guest reset (triple fault?) or QEMU was quit",
        1: "normal power-off, or QEMU could not start",
        qemu.EXIT_TESTS_PASSED: "all ktests passed",
        qemu.EXIT_TESTS_FAILED: "some ktests failed",
        qemu.EXIT_PANIC: "kernel panic",
    }
    if status < 0:
        return f"QEMU killed by signal {-status}"
    return f"QEMU exit status {status}: {meaning.get(status, 'unexpected')}"


def save_log(args, suite, lines):
    """Keep a suite's whole console in build/test-logs/ for later reading."""
    logdir = Path(args.kernel).resolve().parent / "test-logs"
    try:
        logdir.mkdir(exist_ok=True)
        (logdir / f"{suite}.log").write_text("\n".join(lines) + "\n")
    except OSError:
        pass        # a log is a convenience; never fail the tests over it


# ---- running QEMU ----------------------------------------------------------

class Boot:
    """One QEMU run: its exit status (None if it timed out) and console."""

    def __init__(self, status, console, qemu_errors, timeout):
        self.status = status
        self.timeout = timeout
        self.console = console            # serial output, one str per line
        self.qemu_errors = qemu_errors    # QEMU's own stderr, one per line
        self.stack_dump = []              # every task's stack, if it hung

    def contains(self, text):
        return any(text in line for line in self.console)

    def show_failure(self):
        """Diagnostics printed before a failing result line."""
        if self.qemu_errors:
            show_lines(self.qemu_errors, "QEMU said:")
        show_tail(self.console)


def boot(args, tag, on_line=None, disk=None, timeout=None, progdisk=None,
         expect_hang=False, swap=None,
         **boot_args):
    """Run QEMU until it exits or timeout (default args.timeout) seconds pass.

    The serial console is QEMU's stdout; every line is passed to on_line()
    as soon as it arrives, so results can be printed while the kernel runs.
    tag names the boot's scratch disks (build/scratch-TAG.img, ...).
    disk is the vda image (default: args.disk).
    progdisk: a qemu.Progdisk to attach; its progdisk= word goes first on
    the kernel command line (PVH boots).
    swap: the size of a fresh swap disk (qemu.make_swapdisk(), "512M")
    to attach and enable with "swap=/dev/vdX" (PVH boots); default
    args.swap (`make test SWAP=SIZE` gives every PVH boot one).
    boot_args are passed to qemu.qemu_command() (kernel=/kargs= or iso=).
    If the time runs out, every task's kernel stack is read through QEMU's
    GDB stub into Boot.stack_dump and printed. expect_hang: the boot hangs
    (or locks up) on purpose, and its suite checks the diagnostics itself:
    the dump is not printed, and its hung-task and soft-lockup reports do
    not count against the closing "diagnostics" check.
    """
    # A GDB server on a private socket, used only if the boot hangs: then
    # every task's kernel stack is printed before QEMU is killed.
    if "kargs" in boot_args:        # PVH boot: the command line is ours
        boot_args["kargs"] = kernel_cmdline(
            f"hung_task_timeout_secs={TEST_HUNG_TASK_TIMEOUT}", boot_args["kargs"])
    sockdir = tempfile.TemporaryDirectory(prefix="fl-gdb-")
    gdb_socket = Path(sockdir.name) / "stub.sock"
    workdir = Path(args.kernel).resolve().parent
    swap = swap or getattr(args, "swap", None)
    swapdisk = None
    if swap and "kargs" in boot_args:
        try:
            swapdisk = qemu.make_swapdisk(workdir, tag, swap)
        except (OSError, ValueError, RuntimeError) as e:
            return Boot(127, [], [f"the swap disk: {e}"], timeout or args.timeout)
    disks = qemu.disk_args(tag, disk or args.disk, workdir, progdisk, swapdisk)
    if swapdisk is not None:
        boot_args["kargs"] = kernel_cmdline(swapdisk.karg(), boot_args["kargs"])
    if progdisk is not None:
        boot_args["kargs"] = kernel_cmdline(progdisk.karg(),
                                            boot_args.get("kargs", ""))
    cmd = qemu.qemu_command(accel=args.accel, mem=args.mem, smp=args.smp,
                            serial="stdio", monitor="none", gdb_socket=gdb_socket,
                            disks=disks,
                            **boot_args)
    console = []
    dump = []
    timeout = timeout or args.timeout
    with sockdir, tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=errors)
        except FileNotFoundError:
            return Boot(127, [], [f"{qemu.QEMU} not found"], timeout)

        # A thread reads the pipe, so that the main thread can stop waiting
        # when the time is up even if the kernel went silent.
        lines = queue.Queue()

        def reader():
            for raw in proc.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
            lines.put(None)                         # end of output

        threading.Thread(target=reader, daemon=True).start()

        deadline = time.monotonic() + timeout
        status = None
        try:
            while True:
                line = lines.get(timeout=max(0, deadline - time.monotonic()))
                if line is None:
                    break
                console.append(line)
                if on_line:
                    on_line(line)
            status = proc.wait(timeout=max(0, deadline - time.monotonic()))
        except (queue.Empty, subprocess.TimeoutExpired):
            status = None                           # timed out
            if proc.poll() is None:
                dump = qemu.stack_dump(gdb_socket, args.kernel)
                if not expect_hang:
                    show_stack_dump(tag, timeout, dump)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        errors.seek(0)
        qemu_errors = errors.read().decode("utf-8", "replace").splitlines()
    if not expect_hang:
        hang_reports.extend((tag, line) for line in console if HANG_REPORT.search(line))
    run = Boot(status, console, qemu_errors, timeout)
    run.stack_dump = dump
    return run


def swap_option(args):
    """tools/qemu.py's --swap for a boot made through it, as boot() does."""
    swap = getattr(args, "swap", None)
    return ["--swap", str(swap)] if swap else []


def show_stack_dump(tag, timeout, dump):
    """A boot that timed out: print every task's kernel stack, read through
    QEMU's GDB stub (qemu.stack_dump), so a hang ends with a diagnosis."""
    show_lines(dump, f"boot '{tag}' hung (no end after {timeout:g} s); "
                     f"every task's kernel stack, read through QEMU's GDB stub:")


def check_hang_reports(tap):
    """One closing result: no boot (but those that hang on purpose) printed
    a hung-task or soft-lockup report, or an allocation warning that would
    have slept in atomic context. Suites may pass while a task sat
    blocked for 20 s; this makes such a near-hang a failure, with its
    report (the backtrace is in that suite's log, build/test-logs/)."""
    for tag, line in hang_reports:
        diag(f"diagnostics: boot '{tag}': {line}")
    tap.result(not hang_reports, "diagnostics: no boot reported a hung task, "
                                 "a soft lockup, a sleeping allocation in "
                                 "atomic context or a possible deadlock "
                                 "(lock-order checker)")


def kernel_cmdline(*words):
    """Join command-line words, skipping empty ones (e.g. no --kargs)."""
    return " ".join(w for w in words if w)


# ---- ktest output ----------------------------------------------------------

class KtestOutput:
    """Collects the kernel's TAP results and its closing line."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failed_names = []
        self.closing = None       # (passed, failed) from "P passed, F failed"

    def parse(self, line):
        """Take one console line. Returns ("result", ok, name),
        ("diag", line) or None for lines that are not ktest output."""
        m = KTEST_RESULT.fullmatch(line)
        if m:
            ok = m.group(1) == "ok"
            if ok:
                self.passed += 1
            else:
                self.failed += 1
                self.failed_names.append(m.group(3))
            return ("result", ok, m.group(3))
        m = KTEST_CLOSING.fullmatch(line)
        if m:
            self.closing = (int(m.group(1)), int(m.group(2)))
            return None
        if line.startswith("# "):
            return ("diag", line)
        return None

    def problems(self, run):
        """Why this run (a Boot) of the ktests counts as failed, if it does."""
        status = run.status
        if status is None:
            return [describe_status(status, run.timeout)]
        problems = []
        if status not in (qemu.EXIT_TESTS_PASSED, qemu.EXIT_TESTS_FAILED):
            problems.append(describe_status(status))
        if self.closing is None:
            problems.append('closing line "P passed, F failed" missing')
        else:
            p, f = self.closing
            if (p, f) != (self.passed, self.failed):
                problems.append(
                    f'closing line says "{p} passed, {f} failed" but the '
                    f"console had {self.passed} ok and {self.failed} not ok "
                    f"lines")
            expected = (qemu.EXIT_TESTS_PASSED if f == 0
                        else qemu.EXIT_TESTS_FAILED)
            if status in (qemu.EXIT_TESTS_PASSED, qemu.EXIT_TESTS_FAILED) \
                    and status != expected:
                problems.append(f"{describe_status(status)}, but the closing "
                                f"line reports {f} failed")
        return problems


# ---- the suites ----------------------------------------------------------

def suite_ktest(args, tap, label="ktest", select=None):
    """PVH boot with "ktest": one result line per kernel test, streamed.
    label prefixes the results and names the boot's log and scratch disks
    (the second run on another CPU count uses its own); select, a
    comma-separated list of name prefixes, runs only those tests."""
    out = KtestOutput()

    def on_line(line):
        item = out.parse(line)
        if item is None:
            return
        if item[0] == "result":
            tap.result(item[1], f"{label}: {item[2]}")
        else:
            say(item[1])                   # the kernel's "# ..." diagnostics

    run = boot(args, label, on_line, kernel=args.kernel,
               kargs=kernel_cmdline(f"ktest={select}" if select else "ktest", args.kargs),
               timeout=max(args.timeout, KTEST_SUITE_MIN_TIMEOUT))
    save_log(args, label, run.console)
    problems = out.problems(run)
    if problems:
        for p in problems:
            diag(f"{label}: {p}")
        run.show_failure()
        tap.result(False, f"{label}: boot completed")


# Where the EXTRA_TESTS program disk is mounted; user/runtests.c runs it
# after /tests.
EXTRA_TESTS_DIR = "/extra-tests"


def extra_tests_disk(args):
    """EXTRA_TESTS=DIR: a program disk holding DIR's executables, to be
    mounted on /extra-tests (never written into the vda image, which may
    be the user's DISK). Returns (qemu.Progdisk or None, a problem
    description or None)."""
    if not args.extra_tests:
        return None, None
    if not Path(args.extra_tests).is_dir():
        return None, f"EXTRA_TESTS={args.extra_tests}: not a directory"
    files = qemu.executables_in(args.extra_tests)
    if not files:
        return None, f"EXTRA_TESTS={args.extra_tests}: no executable files in it"
    try:
        progdisk = qemu.make_progdisk(Path(args.kernel).resolve().parent, "user",
                                      files, EXTRA_TESTS_DIR)
    except (OSError, RuntimeError) as e:
        return None, str(e)
    diag(f"user: {len(files)} extra test(s) from {args.extra_tests} on a "
         f"program disk mounted on {EXTRA_TESTS_DIR}")
    return progdisk, None


class UserOutput:
    """Follows the runner's output: result lines, the closing line, init's
    status line, and each test's output (kept until its result arrives)."""

    def __init__(self, tap, label="user"):
        self.tap = tap
        self.label = label               # prefixes the result lines
        self.results = [0, 0]            # passed, failed
        self.closing = None
        self.init_status = None
        self.current = []                # output of the running test

    def on_line(self, line):
        m = USER_RESULT.fullmatch(line)
        if m:
            ok = m.group(1) == "ok"
            self.results[0 if ok else 1] += 1
            if not ok:
                show_lines(self.current, f"output of {m.group(3)}:")
                diag(f"{self.label}: {m.group(3)}{m.group(4)}")
            self.current = []
            self.tap.result(ok, f"{self.label}: {m.group(3)}")
            return
        m = KTEST_CLOSING.fullmatch(line)
        if m:
            self.closing = (int(m.group(1)), int(m.group(2)))
            return
        m = qemu.INIT_STATUS.fullmatch(line)
        if m:
            self.init_status = int(m.group(1))
            return
        if line.startswith(USER_TEST_START):
            self.current = []
        elif line.startswith("# "):
            self.current.append(line[2:])

    def problems(self, run):
        if run.status is None:
            return [describe_status(None, run.timeout)]
        problems = []
        if run.status != qemu.EXIT_POWEROFF:
            problems.append(describe_status(run.status) +
                            " (expected 1: init powers off)")
        if self.closing is None:
            problems.append('the runner\'s closing line "P passed, F '
                            'failed" is missing')
        elif self.closing != tuple(self.results):
            problems.append(f"closing line says {self.closing}, but the "
                            f"console had {self.results[0]} ok and "
                            f"{self.results[1]} not ok lines")
        if self.init_status is None:
            problems.append("init's faultline-exit-status line is missing")
        elif self.init_status != 0 and self.results[1] == 0:
            problems.append(f"runtests exited with status {self.init_status}")
        if sum(self.results) == 0:
            problems.append("no user test ran")
        return problems


def suite_user(args, tap, label="user"):
    """PVH boot with init.mode=test: one result line per user test."""
    progdisk, problem = extra_tests_disk(args)
    if problem:
        diag(f"{label}: {problem}")
        tap.result(False, f"{label}: install EXTRA_TESTS")
    out = UserOutput(tap, label)
    timeout = max(args.timeout, USER_SUITE_MIN_TIMEOUT)
    run = boot(args, label, out.on_line, kernel=args.kernel,
               kargs=kernel_cmdline("init.mode=test", args.kargs),
               timeout=timeout, progdisk=progdisk)
    save_log(args, label, run.console)
    problems = out.problems(run)
    if problems:
        for p in problems:
            diag(f"{label}: {p}")
        run.show_failure()
        tap.result(False, f"{label}: the test boot completed")


def other_smp(args):
    """The second CPU count the ktests and user tests run on: SMP=2 when
    the main runs have one CPU, else one CPU. Returns (args, label tag)."""
    n = 2 if int(args.smp) == 1 else 1
    return argparse.Namespace(**{**vars(args), "smp": n}), f"smp{n}"


# The ktests the second CPU count runs: the IPI and run-queue tests, and
# those of code that locks, sleeps, wakes, faults or allocates, which a
# second CPU can race. Left out, to keep `make test` lean (~10 s instead of
# ~50 s): the disk-bound ext2/VFS/buffer-cache/block tests and the pure
# library ones (rbtree, snprintf, string, cmdline), which the SMP=1 run
# and the grub boot already cover.
KTEST_SMP_SELECT = ",".join([
    "smp_", "sched_", "mutex_", "rwsem_", "completion_", "spinlock_",
    "signal_", "mm_", "pgtable_", "pmm_", "kmalloc_", "kmem_", "kzalloc_",
    "vmalloc_", "vmscan_", "uaccess_", "usermode_", "tty_", "pipe_", "time_",
    "extable_", "fdtable_", "ioremap_", "tlb_", "futex_", "rmap_batch_", "blkplug_",
])


def suite_ktest_smp(args, tap):
    """The ktests that concern concurrency again on the other CPU count
    (SMP=2 for `make test`): the IPI and run-queue tests cross CPUs, and
    the locking, sleeping, fault and allocator tests run with a second CPU
    beside them (KTEST_SMP_SELECT)."""
    other, tag = other_smp(args)
    # A fresh copy of the standard image of its own, as user-smp: it runs
    # beside the shared-image suites (OWN_IMAGE_SUITES).
    other.disk = fresh_copy(args, qemu.DEFAULT_DISK.name, f"ktest-{tag}-disk.img",
                            f"ktest-{tag}")
    if other.disk is None:
        tap.result(False, f"ktest-{tag}: the standard image exists")
        return
    suite_ktest(other, tap, label=f"ktest-{tag}", select=KTEST_SMP_SELECT)


def suite_user_smp(args, tap):
    """The user tests again on the other CPU count (SMP=2 for `make test`),
    with the guest's CPUs in parallel (multi-threaded TCG)."""
    other, tag = other_smp(args)
    # A fresh copy of the standard image of its own: it runs beside the
    # shared-image suites (OWN_IMAGE_SUITES), so it must neither boot nor
    # copy args.disk, which the main user run may be writing meanwhile.
    other.disk = fresh_copy(args, qemu.DEFAULT_DISK.name, f"user-{tag}-disk.img",
                            f"user-{tag}")
    if other.disk is None:
        tap.result(False, f"user-{tag}: the standard image exists")
        return
    suite_user(other, tap, label=f"user-{tag}")


# The truncate race test (user/tests/truncate_race_test.c), the check that
# fails when a store is lost, and the kernel switches of the two boots.
TRUNCRACE_PROG = "/tests/truncate_race_test"
TRUNCRACE_CHECK = "no store lost"
TRUNCRACE_DELAY = "fault_delay=5"
TRUNCRACE_NO_GUARD = "truncate_guard=0"


class ExecOutput:
    """Follows a boot of init's exec mode running a TAP program: its result
    lines (passed to on_result(ok, name) as they come), its "# " lines
    (passed to on_comment, else kept in .comments), both kept as printed in
    .lines (and the "not ok" ones in .failed), the parsed closing line
    (.tap, a KtestOutput) and init's faultline-exit-status (.status)."""

    def __init__(self, on_result=None, on_comment=None):
        self.on_result = on_result
        self.on_comment = on_comment
        self.tap = KtestOutput()
        self.comments = []
        self.lines = []
        self.failed = []
        self.status = None

    def on_line(self, line):
        m = qemu.INIT_STATUS.fullmatch(line)
        if m:
            self.status = int(m.group(1))
            return
        item = self.tap.parse(line)
        if item:
            self.lines.append(line)
        if item and item[0] == "result" and not item[1]:
            self.failed.append(line)
        if item and item[0] == "result" and self.on_result:
            self.on_result(item[1], item[2])
        elif item and item[0] == "diag" and self.on_comment:
            self.on_comment(item[1])
        elif item and item[0] == "diag":
            self.comments.append(item[1])

    def problems(self, run, prog="the program", want_status=0, want_tap=True):
        """Why the boot (run, a Boot) was not a clean run of the program:
        init did not power off, the program's exit status (unless
        want_status is None), and (unless not want_tap) a closing line
        that does not match the result lines seen."""
        problems = []
        if run.status != qemu.EXIT_POWEROFF:
            problems.append(describe_status(run.status, run.timeout) +
                            " (expected 1: init powers off)")
        if self.status is None:
            problems.append("init's faultline-exit-status line is missing")
        elif want_status is not None and self.status != want_status:
            problems.append(f"{prog}'s exit status is {self.status} (want {want_status})")
        k = self.tap
        if want_tap and (k.closing is None or k.closing != (k.passed, k.failed)):
            problems.append(f"closing line {k.closing}, but {k.passed} ok and "
                            f"{k.failed} not ok lines")
        return problems


def truncrace_boot(args, tag, switches):
    """Boot once running only the race test with the given kernel
    switches; returns (Boot, ExecOutput)."""
    out = ExecOutput()
    run = boot(args, tag, out.on_line, kernel=args.kernel,
               kargs=kernel_cmdline("init.mode=exec", switches, args.kargs,
                                    "--", TRUNCRACE_PROG))
    save_log(args, tag, run.console)
    return run, out


def truncrace_failure(run, out, problem):
    """Why a truncrace boot failed, the test's output, and the console tail
    if the test never finished."""
    diag(f"truncrace: {problem}")
    show_lines(out.lines, f"output of {TRUNCRACE_PROG}:")
    if out.status is None:
        run.show_failure()


def suite_truncrace(args, tap):
    """The truncate-vs-fault race, both ways: it must pass with the guard
    and be caught without it."""
    run, out = truncrace_boot(args, "truncrace-guard", TRUNCRACE_DELAY)
    ok = run.status == qemu.EXIT_POWEROFF and out.status == 0 \
        and out.tap.closing is not None
    if not ok:
        truncrace_failure(run, out,
                          f"{describe_status(run.status, run.timeout)}, "
                          f"test exit status {out.status}")
    tap.result(ok, f"truncrace: {TRUNCRACE_DELAY}: no store is lost while "
                   "truncate races slow faults")

    run, out = truncrace_boot(args, "truncrace-noguard",
                              kernel_cmdline(TRUNCRACE_DELAY,
                                             TRUNCRACE_NO_GUARD))
    caught = [line for line in out.failed if TRUNCRACE_CHECK in line]
    ok = run.status == qemu.EXIT_POWEROFF and out.status == 1 \
        and out.tap.closing is not None and caught and \
        len(caught) == len(out.failed)
    if ok:
        diag(f"truncrace: with {TRUNCRACE_NO_GUARD} the test caught the "
             "stale mapping, as it must:")
        for line in caught + [l for l in out.lines
                              if "lost store" in l or "child:" in l
                              or "vmstat" in l]:
            diag(f"  {line}")
    elif out.status == 0:
        truncrace_failure(run, out, f"the test PASSED with "
                          f"{TRUNCRACE_NO_GUARD}: no stale mapping was "
                          "caught (does the kernel know the switch?)")
    else:
        truncrace_failure(run, out,
                          f"{describe_status(run.status, run.timeout)}, "
                          f"test exit status {out.status}; expected exit 1 "
                          f"with only the '{TRUNCRACE_CHECK}' check failing")
    tap.result(ok, f"truncrace: {TRUNCRACE_DELAY} {TRUNCRACE_NO_GUARD}: "
                   "the test catches the lost stores")


# ---- smp-races: the races of the memory system on two real CPUs -------------

# Each boot runs one program on SMP=2 (multi-threaded TCG: the two CPUs run
# at once). (tag, program and arguments, kernel switches, the marker of the
# checks that must fail, or None: the program must pass.)
TLB_STALE_PROG = "/tests/tlb_stale_test"
TLB_STALE_MARK = "(fails with tlb_shootdown=0"
SMP_RACE_BOOTS = [
    ("truncrace-threads", f"{TRUNCRACE_PROG} threads 3", "", None),
    # Until 5 stale mappings are caught (well under a second on an idle
    # host), for at most 30 s (a loaded host catches fewer per second).
    ("truncrace-threads-noguard", f"{TRUNCRACE_PROG} threads 30 5", TRUNCRACE_NO_GUARD,
     TRUNCRACE_CHECK),
    ("tlb-stale", TLB_STALE_PROG, "", None),
    ("tlb-stale-noshootdown", TLB_STALE_PROG, "tlb_shootdown=0", TLB_STALE_MARK),
]


def suite_smp_races(args, tap):
    """The truncate race between two threads pinned to two CPUs, with no
    fault_delay (the real window of the fault path), and the stale-TLB
    test: each passes with the kernel's defaults and is caught with its
    guard switched off (truncate_guard=0, tlb_shootdown=0), as designed."""
    two = argparse.Namespace(**{**vars(args), "smp": 2})
    two.disk = fresh_copy(args, qemu.DEFAULT_DISK.name, "smp-races-disk.img", "smp-races")
    if two.disk is None:
        tap.result(False, "smp-races: the standard image exists")
        return
    for tag, command, switches, must_fail in SMP_RACE_BOOTS:
        out = ExecOutput()
        run = boot(two, tag, out.on_line, kernel=args.kernel,
                   kargs=kernel_cmdline("init.mode=exec", switches, args.kargs,
                                        "--", command))
        save_log(args, tag, run.console)
        what = f"{command}{' with ' + switches if switches else ''} on SMP=2"
        problems = out.problems(run, command, 0 if must_fail is None else 1, True)
        if must_fail is not None:
            caught = [line for line in out.failed if must_fail in line]
            if not caught:
                problems.append(f"no check marked '{must_fail}' failed: the race "
                                "went unnoticed (does the kernel know the switch?)")
            elif len(caught) != len(out.failed):
                problems.append("other checks failed too")
        for line in out.lines:
            if "races caught" in line or "fl_truncate_retry" in line or \
                    "CPU(s) online" in line or "truncater on CPU" in line:
                diag(f"smp-races: {tag}: {line.lstrip('# ')}")
        if problems:
            for p in problems:
                diag(f"smp-races: {tag}: {p}")
            show_lines(out.lines, f"output of {command}:")
            if out.status is None:
                run.show_failure()
        elif must_fail is not None:
            for line in caught:
                diag(f"smp-races: {tag}: caught, as designed: {line}")
        tap.result(not problems, f"smp-races: {what}: " +
                   ("passes" if must_fail is None else "the test catches the race"))


def suite_grub(args, tap):
    """GRUB boot of the test ISO: Multiboot2 works and the ktests pass."""
    out = KtestOutput()
    timeout = max(args.timeout, KTEST_SUITE_MIN_TIMEOUT)
    run = boot(args, "grub", out.parse, iso=args.iso, timeout=timeout)
    save_log(args, "grub", run.console)

    problems = out.problems(run)
    if run.status != qemu.EXIT_TESTS_PASSED and not problems:
        problems.append(describe_status(run.status, timeout))
    if out.failed_names:
        problems.append("failed ktests: " + ", ".join(out.failed_names))
    if out.closing and out.closing[0] < 1:
        problems.append("no ktest ran")
    if not run.contains("boot: multiboot2"):
        problems.append('"boot: multiboot2" not on the console (was the '
                        'kernel not booted through Multiboot2?)')
    passed = out.closing[0] if out.closing else "?"
    if problems:
        for p in problems:
            diag(f"grub: {p}")
        run.show_failure()
    tap.result(not problems, "grub: kernel boots from the GRUB ISO and its "
                             f"ktests pass ({passed} passed)")


def suite_oops(args, tap):
    """A deliberate kernel page fault must give a readable oops, then panic."""
    run = boot(args, "oops", kernel=args.kernel,
               kargs=kernel_cmdline("crash=pagefault", args.kargs))
    save_log(args, "oops", run.console)

    problems = []
    if run.status != qemu.EXIT_PANIC:
        problems.append(f"{describe_status(run.status, args.timeout)} "
                        f"(expected {qemu.EXIT_PANIC}: kernel panic)")
    for text in OOPS_EXPECTED:
        if not run.contains(text):
            problems.append(f"missing on the console: {text!r}")
    if problems:
        for p in problems:
            diag(f"oops: {p}")
        run.show_failure()
    tap.result(not problems, "oops: kernel page fault prints a decoded report "
                             "and a symbolized backtrace")


# Every PVH test boot runs the hung-task detector with this timeout (the
# kernel's default is 30 s), well inside the boots' own time limits, so a
# task stuck in D state is reported, with its backtrace, before the boot
# times out. A report, a soft-lockup report, or the allocator's warning of a
# sleeping allocation where sleeping is not allowed (a would-be deadlock,
# mm/page_alloc.c), or a report of the lock-order checker (kernel/lockdep.c:
# a possible deadlock), in any boot that does not hang on purpose, fails the
# closing "diagnostics" check (check_hang_reports).
TEST_HUNG_TASK_TIMEOUT = 20
LOCKDEP_REPORT = re.compile(r"WARNING: (possible circular locking dependency detected|"
                            r"inconsistent lock state|"
                            r"interrupt-safe -> interrupt-unsafe lock order)")
HANG_REPORT = re.compile(r"INFO: task \S+ blocked for more than|BUG: soft lockup|"
                         r"a sleeping allocation .* where sleeping is not allowed|"
                         + LOCKDEP_REPORT.pattern)
hang_reports = []           # (boot tag, console line) of every unexpected report

# The hangdiag suite: the demo boot's timeout (the detector reports after 2
# to 3 s) and what the kernel and the stack dump must show.
HANGDIAG_TIMEOUT = 12
HANGDIAG_KERNEL_REPORT = "INFO: task kt-hang-waiter:"


def trace_after(lines, header, function):
    """Does a backtrace line naming `function` follow the first line that
    contains `header`, before the next task's report (the kernel's "INFO:
    task", fl-bt's "task NAME pid")?"""
    next_task = re.compile(r"INFO: task |^task \S+ pid ")
    for i, line in enumerate(lines):
        if header in line:
            for later in lines[i + 1:i + 1 + 40]:
                if next_task.search(later):
                    return False
                if re.search(rf"\b{function}\+0x", later):
                    return True
            return False
    return False


def suite_hangdiag(args, tap):
    """A boot that hangs on purpose ends with a diagnosis, from the kernel
    and from the harness."""
    run = boot(args, "hangdiag", kernel=args.kernel, timeout=HANGDIAG_TIMEOUT,
               expect_hang=True,
               kargs=kernel_cmdline("ktest=manual_hang_forever",
                                    "hung_task_timeout_secs=2", args.kargs))
    save_log(args, "hangdiag", run.console + ["== stack dump"] + run.stack_dump)
    hung = run.status is None
    kernel_ok = hung and trace_after(run.console, HANGDIAG_KERNEL_REPORT, "mutex_lock")
    if not kernel_ok:
        diag(f"hangdiag: {describe_status(run.status, HANGDIAG_TIMEOUT)}; "
             f"expected a hang, with {HANGDIAG_KERNEL_REPORT!r} and a trace "
             f"through mutex_lock on the console")
        run.show_failure()
    tap.result(kernel_ok, "hangdiag: the hung-task detector reports a task "
                          "blocked on a mutex, with its backtrace")
    dump_ok = hung and trace_after(run.stack_dump, "task kt-hang-waiter", "mutex_lock")
    if not dump_ok:
        show_lines(run.stack_dump or ["(empty)"], "hangdiag: the harness's stack dump:")
    tap.result(dump_ok, "hangdiag: a hung boot's stack dump (QEMU's GDB stub) "
                        "shows the blocked task in mutex_lock")

    run = boot(args, "softlockup", kernel=args.kernel, timeout=60, expect_hang=True,
               kargs=kernel_cmdline("ktest=manual_softlockup", "watchdog_thresh=1",
                                    args.kargs))
    save_log(args, "softlockup", run.console)
    ok = run.status == qemu.EXIT_TESTS_PASSED and \
        trace_after(run.console, "BUG: soft lockup - CPU#0 stuck for",
                    "ktest_manual_softlockup")
    if not ok:
        diag(f"hangdiag: {describe_status(run.status, 60)}; expected the "
             f"soft-lockup report with ktest_manual_softlockup in its trace, "
             f"then a normal end")
        run.show_failure()
    tap.result(ok, "hangdiag: the soft-lockup watchdog reports a CPU spinning "
                   "with a spinlock held, with its backtrace")
    lockdep_demo(args, tap)


def lockdep_demo(args, tap):
    """The lock-order checker's deliberate inversion (three mutexes taken
    as m -> b, b -> c, c -> m): with the checker on, the report names both
    chains and the boot ends as failed; with lockdep=0 nothing is reported
    and the boot passes. Then its interrupt check: a spinlock taken in
    (simulated) interrupt context and elsewhere with interrupts on."""
    for on in (True, False):
        tag = "lockdep" if on else "lockdep-off"
        run = boot(args, tag, kernel=args.kernel, timeout=60, expect_hang=True,
                   kargs=kernel_cmdline("ktest=manual_lockdep_inversion",
                                        "" if on else "lockdep=0", args.kargs))
        save_log(args, tag, run.console)
        reported = [l for l in run.console if LOCKDEP_REPORT.search(l)]
        if on:
            text = "\n".join(run.console)
            ok = (run.status == qemu.EXIT_TESTS_FAILED and len(reported) == 1 and
                  "trying to take lockdep_demo_m (mutex)" in text and
                  "while holding lockdep_demo_c (mutex)" in text and
                  "lockdep_demo_m -> lockdep_demo_b" in text and
                  "lockdep_demo_b -> lockdep_demo_c" in text)
            what = ("hangdiag: the lock-order checker reports a deliberate "
                    "inversion with both chains, and the boot fails")
        else:
            ok = run.status == qemu.EXIT_TESTS_PASSED and not reported
            what = "hangdiag: with lockdep=0 the same inversion is not reported"
        if not ok:
            diag(f"{tag}: {describe_status(run.status, 60)}; "
                 f"{len(reported)} checker report(s)")
            run.show_failure()
        tap.result(ok, what)

    run = boot(args, "lockdep-irq", kernel=args.kernel, timeout=60, expect_hang=True,
               kargs=kernel_cmdline("ktest=manual_lockdep_irq_unsafe", args.kargs))
    save_log(args, "lockdep-irq", run.console)
    text = "\n".join(run.console)
    ok = (run.status == qemu.EXIT_TESTS_FAILED and
          "WARNING: inconsistent lock state" in text and
          "lockdep_demo_irq (spinlock)" in text)
    if not ok:
        diag(f"lockdep-irq: {describe_status(run.status, 60)}; expected the "
             f"inconsistent-lock-state report for lockdep_demo_irq")
        run.show_failure()
    tap.result(ok, "hangdiag: the lock-order checker reports a spinlock taken "
                   "in an interrupt handler and elsewhere with interrupts on")


# GDB prints this between the parts of its output, so we can tell the two
# backtraces apart.
GDB_MARK = "@@faultline:"
# A backtrace line: "#0  kmain (...) at ..." or "#3  0xffff... in kmain (...)".
GDB_FRAME = re.compile(r"#(\d+)\s+(?:0x[0-9a-fA-F]+ in )?([A-Za-z_][\w.]*)")


def frames(lines):
    """Function names of a backtrace's frames, outermost last.
    (GCC may rename a copy of a function "f.isra.0": drop the suffix.)"""
    return [m.group(2).split(".")[0]
            for m in map(GDB_FRAME.match, lines) if m]


def split_at_marks(lines):
    """GDB's output lines split into parts at the GDB_MARK lines the
    script echoes: {part name: lines} ("start" before the first mark)."""
    parts = collections.defaultdict(list)
    part = "start"
    for line in lines:
        if line.startswith(GDB_MARK):
            part = line[len(GDB_MARK):].strip()
        else:
            parts[part].append(line)
    return parts


def suite_gdb(args, tap):
    """Debug the kernel with GDB through QEMU's GDB server.

    QEMU starts paused (-S) with only the extable_ ktests selected; the first
    of them takes a page fault in kernel mode on purpose (an exception-table
    fixup recovers it). GDB must stop in kmain (64-bit code, after the 32-bit
    boot path) and in exc_page_fault, with a backtrace back through the test
    to kernel_init, the kernel thread that runs the ktests.
    """
    port = qemu.free_tcp_port()
    # Under KVM a software breakpoint is written into guest memory, which
    # fails while the guest has no paging yet (kmain's address is in the top
    # 2 GiB); a hardware breakpoint works there. TCG handles both alike.
    break_kmain = "hbreak kmain" if args.accel == "kvm" else "break kmain"
    commands = [
        f"file {args.kernel}",
        f"target remote 127.0.0.1:{port}",
        break_kmain,
        "continue",
        f"echo {GDB_MARK} backtrace 1\\n",
        "bt",
        "break exc_page_fault",
        "continue",
        f"echo {GDB_MARK} backtrace 2\\n",
        "bt",
        f"echo {GDB_MARK} end\\n",
        "kill",
    ]
    # Batch mode with -nx (~/.gdbinit ignored, so results don't depend on
    # who runs the tests) and the fl-* helpers loaded, as make gdb has them.
    gdb_cmd = qemu.gdb_base_command(batch=True)
    for c in commands:
        gdb_cmd += ["-ex", c]

    with tempfile.TemporaryDirectory() as tmp:
        serial = Path(tmp) / "serial.log"
        cmd = qemu.qemu_command(
            kernel=args.kernel,
            kargs=kernel_cmdline("ktest=extable_", args.kargs),
            accel=args.accel, mem=args.mem, smp=args.smp,
            serial=f"file:{serial}", monitor="none", gdb_port=port,
            disks=qemu.disk_args("gdb", args.disk))
        qemu_err = Path(tmp) / "qemu.err"
        with open(qemu_err, "wb") as err:
            vm = qemu.start_gdb_server(cmd, stdout=err, stderr=err)
        try:
            # GDB retries the connection until QEMU listens (tcp auto-retry).
            done = subprocess.run(gdb_cmd, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  timeout=args.timeout)
            gdb_output = done.stdout
            timed_out = False
        except subprocess.TimeoutExpired as e:
            gdb_output = e.output or b""
            timed_out = True
        except FileNotFoundError:
            gdb_output, timed_out = b"gdb not found", False
        finally:
            qemu.stop(vm)
        console = serial.read_text("utf-8", "replace").splitlines() \
            if serial.exists() else []
        qemu_errors = qemu_err.read_text("utf-8", "replace").splitlines()
    save_log(args, "gdb", console)

    gdb_lines = gdb_output.decode("utf-8", "replace").splitlines()
    parts = split_at_marks(gdb_lines)
    bt1 = frames(parts["backtrace 1"])
    bt2 = frames(parts["backtrace 2"])

    shown = False

    def show_failure(problem):
        nonlocal shown
        diag(f"gdb: {problem}")
        if shown:
            diag("gdb: (GDB output and console shown above)")
            return
        shown = True
        if timed_out:
            diag(f"gdb: timed out after {args.timeout:g} s")
        show_lines(gdb_lines, "GDB output:")
        if qemu_errors:
            show_lines(qemu_errors, "QEMU said:")
        show_tail(console)

    ok1 = bt1[:1] == ["kmain"]
    if not ok1:
        show_failure(f"first backtrace: frame #0 is not kmain ({bt1 or 'none'})")
    tap.result(ok1, "gdb: break kmain in 64-bit code after booting paused")

    ok2 = (bt2[:1] == ["exc_page_fault"]
           and any(f.startswith("ktest_extable_") for f in bt2)
           and "kernel_init" in bt2)
    if not ok2:
        show_failure("second backtrace: expected #0 exc_page_fault and frames "
                     f"ktest_extable_* and kernel_init ({bt2 or 'none'})")
    tap.result(ok2, "gdb: backtrace from the page-fault handler names the "
                    "faulting test")


# The programs of the gdb-cow and gdb-shared suites (user/gdb/) fault at
# these fixed addresses; the shared one maps this file of its cwd (/tmp).
COW_ADDR = 0x5a5a0000
SHARED_ADDR = 0x5b5b0000
SHARED_FILE = "/tmp/shared_gdb.dat"
GDB_SUITE_MIN_TIMEOUT = 600      # seconds for one gdb-batch run under TCG
# A walk's last line in fl-pte: "PTE[416] 0x8000000000236065  P - U A D NX  frame 0x236 ...".
FL_PTE_LEAF = re.compile(r"\s*PTE\[\s*\d+\] 0x([0-9a-f]+)  (.*?)  frame 0x([0-9a-f]+)")
FL_PAGE_FIELD = re.compile(r"\s*(refcount|mapcount):\s+(\d+)")
FL_PAGE_FLAGS = re.compile(r"\s*flags:\s+0x[0-9a-f]+ (.*)")


def pte_leaf(lines):
    """(PTE value, set of flag letters, frame) from fl-pte output, or None."""
    for line in lines:
        m = FL_PTE_LEAF.match(line)
        if m:
            flags = {f for f in m.group(2).split() if f != "-"}
            return int(m.group(1), 16), flags, int(m.group(3), 16)
    return None


def show_pte(leaf):
    """A pte_leaf() result for a message."""
    if leaf is None:
        return "(no PTE line in the output)"
    value, flags, frame = leaf
    return f"{value:#x} [{' '.join(sorted(flags))}] frame {frame:#x}"


def page_fields(lines):
    """{"refcount": N, "mapcount": N, "flags": {names}} from fl-page output."""
    out = {}
    for line in lines:
        m = FL_PAGE_FIELD.match(line)
        if m:
            out[m.group(1)] = int(m.group(2))
        m = FL_PAGE_FLAGS.match(line)
        if m:
            out["flags"] = set(m.group(1).split())
    return out


def fault_frames(parts):
    """True if the "stopped" part's backtrace is do_wp_page called (through
    any helpers) from handle_mm_fault."""
    stopped = frames(parts.get("stopped", []))
    return (stopped[:1] == ["do_wp_page"] and
            any(f.lstrip("_") == "handle_mm_fault" for f in stopped[1:])), stopped


class GdbRun:
    """One `tools/qemu.py gdb-batch` run (what make gdb-batch runs) of a
    program of user/gdb/ with a script, and the result lines about it."""

    def __init__(self, args, tap, suite, prog_name, script):
        self.tap, self.suite = tap, suite
        self.timeout = max(args.timeout, GDB_SUITE_MIN_TIMEOUT)
        prog = Path(args.kernel).resolve().parent / "user" / "gdb" / prog_name
        if prog.is_file():
            self.status, self.lines, self.console = self._run(args, prog, script)
        else:
            self.status, self.lines, self.console = 127, [f"{prog} not built"], []
        self.parts = split_at_marks(self.lines)
        self.shown = False
        save_log(args, suite, self.console)

    @staticmethod
    def mark(name):
        """A script line that marks the start of part `name` of the output."""
        return f"echo {GDB_MARK} {name}\\n"

    def _run(self, args, prog, script_lines):
        kernel_dir = Path(args.kernel).resolve().parent
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / f"{self.suite}.gdb"
            script.write_text("\n".join(script_lines) + "\n")
            cmd = [sys.executable, str(REPO / "tools" / "qemu.py"), "gdb-batch",
                   "--kernel", str(args.kernel), "--accel", args.accel,
                   "--mem", args.mem, "--smp", str(args.smp),
                   "--disk", str(args.disk), "--kargs", args.kargs,
                   "--prog", str(prog), "--script", str(script),
                   "--timeout", str(self.timeout)] + swap_option(args)
            try:
                done = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT,
                                      timeout=self.timeout + 60)
                status, out = done.returncode, done.stdout
            except subprocess.TimeoutExpired as e:
                status, out = None, e.output or b""
        log = kernel_dir / "gdb-batch-serial.log"
        console = log.read_text("utf-8", "replace").splitlines() \
            if log.exists() else []
        return status, out.decode("utf-8", "replace").splitlines(), console

    def part(self, name):
        return self.parts.get(name, [])

    def check(self, ok, name, problem):
        """One result line; on failure the problem, and (once) GDB's
        output and the console's end."""
        if not ok:
            diag(f"{self.suite}: {problem}")
            if not self.shown:
                self.shown = True
                if self.status is None:
                    diag(f"{self.suite}: timed out after {self.timeout:g} s")
                show_lines(self.lines, "GDB output:")
                show_tail(self.console)
        self.tap.result(ok, f"{self.suite}: {name}")

    def check_end(self):
        """The program exited 0 and GDB ran the whole script."""
        codes = [int(m.group(1)) for m in
                 map(qemu.INIT_STATUS.fullmatch, self.console) if m]
        self.check(self.status == 0 and codes == [0] and "end" in self.parts,
                   "the program exits 0 and the GDB script runs to its end",
                   f"GDB exit status {self.status}, program status "
                   f"{codes or 'missing'}")


def suite_gdb_cow(args, tap):
    """Step a copy-on-write fault with the fl-* commands.

    user/gdb/cow_gdb writes a private page at COW_ADDR, forks, and writes
    it again in the parent while the child still maps it. GDB stops in
    do_wp_page for that address in the process named cow_gdb
    (fl-break-fault by name), checks with fl-pte that
    the PTE is present and read-only and with fl-page that the page is
    mapped twice, runs the fault to its end (finish), and checks that the
    parent's PTE now maps a new frame, writable and dirty, mapped once,
    and that the old page lost one mapping (the child's is left). Then the
    run continues to the power-off stop.
    """
    mark, addr = GdbRun.mark, f"{COW_ADDR:#x}"
    run = GdbRun(args, tap, "gdb-cow", "cow_gdb", [
        f"fl-break-fault cow_gdb {addr} -at do_wp_page",
        "continue",
        mark("stopped"), "bt 4",
        mark("ps"), "fl-ps",
        mark("vmas"), "fl-vmas",
        mark("pte before"), f"fl-pte {addr}",
        mark("page before"), f"fl-page {addr}",
        "set $old_pfn = (vmf->orig_pte.pte & 0x000ffffffffff000) >> 12",
        "finish",
        mark("pte after"), f"fl-pte {addr}",
        mark("page after"), f"fl-page {addr}",
        mark("old page after"), "fl-page -pfn $old_pfn",
        "delete",
        "continue",
        mark("dmesg"), "fl-dmesg 5",
        mark("end"),
    ])

    ok, stopped = fault_frames(run.parts)
    run.check(ok, "fl-break-fault stops in do_wp_page for the COW write",
              f"expected do_wp_page called from handle_mm_fault; got "
              f"{stopped or 'none'}")

    cow = [ln for ln in run.part("ps") if ln.rstrip().endswith(" cow_gdb")]
    run.check(len(cow) == 2 and sum(ln.startswith("*") for ln in cow) == 1,
              "fl-ps shows parent and child, the parent as current",
              "expected two cow_gdb lines in fl-ps, one marked *")

    vmas = run.part("vmas")
    anon = [ln for ln in vmas
            if ln.startswith(f"{COW_ADDR:08x}-{COW_ADDR + 4096:08x} rw-p ")]
    text = [ln for ln in vmas if "/exec/cow_gdb" in ln and " r-xp " in ln]
    run.check(len(anon) == 1 and anon[0].split()[-1] == "anonymous" and
              len(text) == 1 and text[0].split()[-1] != "anonymous",
              "fl-vmas lists the page and the program text with their vm_ops",
              "expected a rw-p anonymous VMA at the page and an r-xp VMA of "
              "/exec/cow_gdb with a vm_ops name")

    # The program printed its /proc/self/maps before the fork: fl-vmas
    # without its vm_ops column must say the same, line for line.
    maps = [ln[len("maps: "):].rstrip() for ln in run.console
            if ln.startswith("maps: ")]
    ours = [ln.rstrip()[:ln.rstrip().rfind(" ")].rstrip()
            for ln in vmas[1:] if ln.strip()]
    run.check(maps and ours == maps,
              "fl-vmas matches the program's /proc/self/maps",
              "fl-vmas (vm_ops column dropped):\n  " + "\n  ".join(ours) +
              "\n/proc/self/maps:\n  " + "\n  ".join(maps))

    before = pte_leaf(run.part("pte before"))
    page_before = page_fields(run.part("page before"))
    run.check(before is not None and {"P", "U"} <= before[1] and
              "W" not in before[1] and page_before.get("mapcount") == 2,
              "before: fl-pte shows the PTE read-only, fl-page map count 2",
              f"PTE {show_pte(before)}, page {page_before}")

    after = pte_leaf(run.part("pte after"))
    page_after = page_fields(run.part("page after"))
    old_after = page_fields(run.part("old page after"))
    run.check(after is not None and before is not None and
              {"P", "W", "U", "D"} <= after[1] and after[2] != before[2] and
              page_after.get("mapcount") == 1 and
              old_after.get("mapcount") == 1,
              "after finish: a new frame, writable and dirty; the old page "
              "mapped once (by the child)",
              f"PTE {show_pte(after)} (before {show_pte(before)}), new page "
              f"{page_after}, old page {old_after}")
    run.check_end()


def suite_gdb_tour(args, tap):
    """Run docs/tour.md's GDB script (tests/gdb/tour.gdb) against its
    program, user/gdb/tour_gdb: every breakpoint and fl-* command of the
    guided tour must work, and the program must finish its own checks.
    The tour's text quotes this script's output, so a change that breaks
    the tour shows up here."""
    script = (REPO / "tests" / "gdb" / "tour.gdb").read_text().splitlines() \
        + [GdbRun.mark("end")]
    run = GdbRun(args, tap, "gdb-tour", "tour_gdb", script)
    # GDB's own output, which the tour quotes: build/test-logs/gdb-tour-gdb.log.
    save_log(args, "gdb-tour-gdb", run.lines)
    run.check(any("tour: done" in line for line in run.console),
              "the tour program ran every step and checked it",
              "no 'tour: done' on the console")
    run.check_end()


def suite_gdb_shared(args, tap):
    """Step the write-protect fault of a shared file mapping (dirty
    tracking) with the fl-* commands.

    user/gdb/shared_gdb maps a clean page of SHARED_FILE shared at
    SHARED_ADDR, reads it (the PTE comes read-only: write notification)
    and writes it. GDB stops in do_wp_page for that address, checks with
    fl-pte that the PTE is present, read-only and clean and with fl-page
    and fl-pagecache that the page-cache page is clean, finishes the fault,
    and checks that the same frame is now mapped writable and dirty and
    the page is dirty.
    """
    mark, addr = GdbRun.mark, f"{SHARED_ADDR:#x}"
    run = GdbRun(args, tap, "gdb-shared", "shared_gdb", [
        f"fl-break-fault - {addr} -at do_wp_page",
        "continue",
        mark("stopped"), "bt 4",
        mark("pte before"), f"fl-pte {addr}",
        mark("page before"), f"fl-page {addr}",
        mark("cache before"), f"fl-pagecache {SHARED_FILE}",
        "finish",
        mark("pte after"), f"fl-pte {addr}",
        mark("page after"), f"fl-page {addr}",
        mark("cache after"), f"fl-pagecache {SHARED_FILE}",
        "delete",
        "continue",
        mark("end"),
    ])

    ok, stopped = fault_frames(run.parts)
    run.check(ok, "fl-break-fault stops in do_wp_page for the first store "
                  "to the shared page",
              f"expected do_wp_page called from handle_mm_fault; got "
              f"{stopped or 'none'}")

    def cache_line(part):
        """The flags of page 0 in fl-pagecache's table, or None."""
        for line in run.part(part):
            cols = line.split()
            if len(cols) >= 4 and cols[0] == "0" and cols[1].startswith("0x"):
                return set(cols[4:])
        return None

    before = pte_leaf(run.part("pte before"))
    page_before = page_fields(run.part("page before"))
    cache_before = cache_line("cache before")
    run.check(before is not None and {"P", "U"} <= before[1] and
              not {"W", "D"} & before[1] and
              "dirty" not in page_before.get("flags", {"dirty"}) and
              cache_before is not None and "dirty" not in cache_before,
              "before: the PTE is read-only and clean, the page clean "
              "(fl-pte, fl-page, fl-pagecache)",
              f"PTE {show_pte(before)}, page {page_before}, page-cache "
              f"flags {cache_before}")

    after = pte_leaf(run.part("pte after"))
    page_after = page_fields(run.part("page after"))
    cache_after = cache_line("cache after")
    run.check(after is not None and before is not None and
              {"P", "W", "U", "D"} <= after[1] and after[2] == before[2] and
              "dirty" in page_after.get("flags", set()) and
              cache_after is not None and "dirty" in cache_after,
              "after finish: the same frame writable and dirty, the page "
              "dirty",
              f"PTE {show_pte(after)} (before {show_pte(before)}), page "
              f"{page_after}, page-cache flags {cache_after}")
    run.check_end()


def suite_labs(args, tap, names=None):
    """Every lab (or those named): full marks for the full tree, below
    full for its handout."""
    sys.path.insert(0, str(REPO / "tools" / "labs"))
    import lab  # noqa: E402  (tools/labs/lab.py)
    lab.check(args, tap.result, diag, names)


# The labs in two halves of about equal time, so that the two queues of
# make test share them (each lab builds its handout and boots twice;
# pgtable's handout stubs a header that most of the kernel includes, so
# it compiles about 130 files and takes half of its share alone).
LABS_HALVES = {"labs-a": ["pgtable", "truncate"],
               "labs-b": ["cow", "dirty", "tlb", "filemap", "reclaim"]}


def suite_labs_a(args, tap):
    suite_labs(args, tap, LABS_HALVES["labs-a"])


def suite_labs_b(args, tap):
    suite_labs(args, tap, LABS_HALVES["labs-b"])


def suite_docs(args, tap):
    """README.md and docs/ name only files a clone of the repository holds
    (tools/check_docs.py); no boot."""
    done = subprocess.run([sys.executable, str(REPO / "tools" / "check_docs.py")],
                          capture_output=True, text=True)
    lines = done.stdout.splitlines()
    if done.returncode != 0:
        show_lines(lines[-TAIL_LINES:], "check_docs said:")
    tap.result(done.returncode == 0, "docs: README and docs/ refer only to "
                                     "files in the repository")


def find_e2fsck():
    """e2fsck's path: on PATH, or in the sbin directories a normal user's
    PATH may lack."""
    found = shutil.which("e2fsck")
    if found:
        return found
    for d in ("/usr/sbin", "/sbin"):
        if Path(d, "e2fsck").is_file():
            return str(Path(d, "e2fsck"))
    return None


def suite_e2fsck(args, tap):
    """The vda image the boots used must pass `e2fsck -fn` (forced check,
    read-only: it changes nothing, so it can only report)."""
    status, output = run_e2fsck(args.disk, args.timeout)
    if status != 0:
        diag(f"e2fsck: e2fsck -fn {args.disk} exited with status {status}")
        show_lines(output, "e2fsck said:")
    tap.result(status == 0, "e2fsck: the disk image is clean")


# The file the kernel's vfs_persist_across_boots test writes with
# persist=write (fs/vfs_ktest.c): its size and the seed of its bytes.
PERSIST_PATH = "/persist.bin"
PERSIST_SIZE = 4 << 20
PERSIST_SEED = 0x5eed5eed5eed


def persist_pattern(size):
    """The kernel's xorshift64 byte sequence (fill_pattern in vfs_ktest.c)."""
    mask = (1 << 64) - 1
    x = PERSIST_SEED
    out = bytearray(size)
    for i in range(size):
        x ^= (x << 13) & mask
        x ^= x >> 7
        x ^= (x << 17) & mask
        out[i] = (x >> 24) & 0xff
    return bytes(out)


def run_e2fsck(image, timeout):
    """(exit status or None on timeout, output lines) of e2fsck -fn."""
    e2fsck = find_e2fsck()
    if e2fsck is None:
        return 8, ["e2fsck not found (install e2fsprogs: bash tools/deps.sh)"]
    try:
        done = subprocess.run([e2fsck, "-fn", str(image)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout)
        return done.returncode, done.stdout.decode("utf-8", "replace").splitlines()
    except subprocess.TimeoutExpired:
        return None, [f"timed out after {timeout:g} s"]


def debugfs_dump(image, path, timeout):
    """(bytes of path in the ext2 image or b"", debugfs's output lines)."""
    with tempfile.TemporaryDirectory() as tmp:
        dumped = Path(tmp, "dumped")
        done = subprocess.run([qemu.find_debugfs(), "-R", f"dump {path} {dumped}", str(image)],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        data = dumped.read_bytes() if dumped.exists() else b""
    return data, done.stdout.decode("utf-8", "replace").splitlines()


def persist_boot(args, disk, mode):
    """Boot once running only the persistence ktest; True if it passed."""
    out = KtestOutput()
    run = boot(args, f"persist-{mode}", out.parse, disk=disk, kernel=args.kernel,
               kargs=kernel_cmdline("ktest=vfs_persist", f"persist={mode}", args.kargs))
    save_log(args, f"persist-{mode}", run.console)
    problems = out.problems(run)
    if not problems and (out.passed != 1 or out.failed):
        problems.append(f"expected one passing test, saw {out.passed} ok, {out.failed} not ok")
    for p in problems:
        diag(f"persist: {p}")
    if problems:
        run.show_failure()
    return not problems


def suite_persist(args, tap):
    """A file written and synced in one boot is on the disk: the host reads
    it back with debugfs, and a second boot of the same disk reads it too."""
    disk = qemu.BUILD / "persist-disk.img"
    subprocess.run(["cp", "--sparse=always", str(qemu.DEFAULT_DISK), str(disk)], check=True)
    tap.result(persist_boot(args, disk, "write"),
               "persist: boot 1 writes and syncs a 4 MiB file")

    data, said = debugfs_dump(disk, PERSIST_PATH, args.timeout)
    same = data == persist_pattern(PERSIST_SIZE)
    if not same:
        diag(f"persist: debugfs read {len(data)} bytes of {PERSIST_PATH}; "
             f"expected {PERSIST_SIZE} bytes of the pattern")
        show_lines(said, "debugfs said:")
    tap.result(same, "persist: debugfs reads the file back byte for byte on the host")

    tap.result(persist_boot(args, disk, "check"),
               "persist: boot 2 of the same disk reads the file back")
    status, output = run_e2fsck(disk, args.timeout)
    if status != 0:
        show_lines(output, "e2fsck said:")
    tap.result(status == 0, "persist: e2fsck finds the disk clean after both boots")


# ---- exec-disk: make exec never damages the DISK it is given ----------------

EXEC_PERSIST_PROG = "host/exec_persist"       # under build/user/
EXEC_PERSIST_LOG = "/tmp/exec_persist.log"    # what it appends to (cwd /tmp)
# Three runs of `make exec DISK=...` on one image: (ARGS, expected status).
# The third dies of SIGTERM (128 + 15) and tries to create a file beside
# itself in /exec (only the last: see user/host/exec_persist.c).
EXEC_DISK_RUNS = [("7", 7), ("0", 0), ("kill scribble", 143)]
EXEC_DISK_RO_LINE = "exec_persist: create beside the program: Read-only file system"


def exec_disk_run(args, disk, prog, run_args):
    """One `make exec PROG=... ARGS=... DISK=disk` (what the Makefile runs:
    tools/qemu.py exec --disk-as-is). Returns (exit status or None on
    timeout, stdout lines, stderr lines)."""
    cmd = [sys.executable, str(REPO / "tools" / "qemu.py"), "exec",
           "--kernel", str(args.kernel), "--accel", args.accel,
           "--mem", str(args.mem), "--smp", str(args.smp),
           "--disk", str(disk), "--disk-as-is", "--prog", str(prog), "--tag", "exec-disk",
           "--args", run_args, "--timeout", str(args.timeout)] + swap_option(args)
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=args.timeout + 30)
    except subprocess.TimeoutExpired:
        return None, [], []
    return (done.returncode, done.stdout.decode("utf-8", "replace").splitlines(),
            done.stderr.decode("utf-8", "replace").splitlines())


def suite_exec_disk(args, tap):
    """`make exec DISK=FILE` three times on one image (a fresh copy of
    build/disk.img): after each run `e2fsck -fn` finds it clean, the
    program's output and exit status (a signal's too) come back, it ran
    from the read-only /exec with cwd /tmp, and what it wrote in /tmp is
    there the next time (its run count grows by one per boot)."""
    build = Path(args.kernel).resolve().parent
    prog = build / "user" / EXEC_PERSIST_PROG
    if not prog.is_file():
        diag(f"exec-disk: {prog} is missing (make user builds it)")
        tap.result(False, "exec-disk: the test program exists")
        return
    disk = build / "exec-persist-disk.img"
    subprocess.run(["cp", "--sparse=always", str(build / "disk.img"), str(disk)],
                   check=True)
    for n, (run_args, want) in enumerate(EXEC_DISK_RUNS, 1):
        status, out, err = exec_disk_run(args, disk, prog, run_args)
        expected = [f"exec_persist: argv[0] /exec/{prog.name}, cwd /tmp",
                    f"exec_persist: runs {n}"]
        if "scribble" in run_args:
            expected.append(EXEC_DISK_RO_LINE)
        missing = [ln for ln in expected if ln not in out]
        ok = status == want and not missing
        if not ok:
            diag(f"exec-disk: run {n} (ARGS={run_args}): exit status {status}, "
                 f"want {want}")
            for ln in missing:
                diag(f"exec-disk: missing output line: {ln}")
            show_lines(out[-TAIL_LINES:], "its output:")
            show_lines(err[-TAIL_LINES:], "its stderr:")
        tap.result(ok, f"exec-disk: run {n}: the output and exit status {want} "
                       f"come back, the run count is {n}")
        fsck, said = run_e2fsck(disk, args.timeout)
        if fsck != 0:
            show_lines(said, f"e2fsck -fn after run {n} said:")
        tap.result(fsck == 0, f"exec-disk: e2fsck -fn finds the disk clean after run {n}")
    data, said = debugfs_dump(disk, EXEC_PERSIST_LOG, args.timeout)
    ok = data == b"run\n" * len(EXEC_DISK_RUNS)
    if not ok:
        diag(f"exec-disk: {EXEC_PERSIST_LOG} on the image holds {data[:64]!r}")
        show_lines(said, "debugfs said:")
    tap.result(ok, f"exec-disk: {EXEC_PERSIST_LOG} on the image holds one line per run")


# ---- exec-args: tools/faultline exec's arguments, status and ENOSYS report ---

# The program's arguments after STATUS, as a user's shell passes them to
# tools/faultline: words with spaces, quotes of the other kind, an empty
# word. Each must arrive whole (docs/testing.md, "make exec").
EXEC_ARGS_WORDS = ["plain", "two words", "it's", "", "a\tb", "$HOME"]
EXEC_ARGS_STATUS = 7
EXEC_ARGS_ENOSYS = re.compile(
    r"faultline: \[\s*\d+\.\d+\] argv_probe\[\d+\]: system call 212 "
    r"\(lookup_dcookie\) is not implemented: ENOSYS")


def suite_exec_args(args, tap):
    """tools/faultline exec (the script a user or grader runs) with
    user/host/argv_probe: the arguments arrive as the host's shell gave
    them, the program's exit status is the script's, and a system call
    Faultline lacks is named on stderr once."""
    build = Path(args.kernel).resolve().parent
    prog = build / "user" / "host" / "argv_probe"
    cmd = [sys.executable, str(REPO / "tools" / "faultline"), "exec",
           "--no-build", "--tag", "exec-args", "--accel", args.accel,
           "--timeout", str(args.timeout), str(prog),
           str(EXEC_ARGS_STATUS)] + EXEC_ARGS_WORDS
    done = subprocess.run(cmd, capture_output=True, text=True,
                          timeout=args.timeout + 30)
    out, err = done.stdout.splitlines(), done.stderr.splitlines()
    want = [f"argv_probe: argc {len(EXEC_ARGS_WORDS) + 2}",
            f"argv_probe: argv[1] [{EXEC_ARGS_STATUS}]"]
    want += [f"argv_probe: argv[{i}] [{w}]"
             for i, w in enumerate(EXEC_ARGS_WORDS, 2)]
    missing = [ln for ln in want if ln not in out]
    ok = done.returncode == EXEC_ARGS_STATUS and not missing
    if not ok:
        diag(f"exec-args: exit status {done.returncode}, want {EXEC_ARGS_STATUS}")
        for ln in missing:
            diag(f"exec-args: missing output line: {ln!r}")
        show_lines(out[-TAIL_LINES:], "its output:")
        show_lines(err[-TAIL_LINES:], "its stderr:")
    tap.result(ok, f"exec-args: quoted arguments arrive whole and exit status "
                   f"{EXEC_ARGS_STATUS} comes back")
    reports = [ln for ln in err if EXEC_ARGS_ENOSYS.fullmatch(ln)]
    enosys = out.count("argv_probe: system call 212: -1, ENOSYS") == 2
    ok = len(reports) == 1 and enosys
    if not ok:
        diag(f"exec-args: {len(reports)} ENOSYS reports on stderr (want 1); "
             f"the program saw ENOSYS twice: {enosys}")
        show_lines(err[-TAIL_LINES:], "its stderr:")
    tap.result(ok, "exec-args: a missing system call gives ENOSYS and is "
                   "named once on stderr")


# ---- aslr: randomize_va_space from the command line -------------------------

# (kernel arguments, the level layout_test must find): Faultline's default
# is 0 (docs/exec.md). Two boots, to keep make test short; level 1 and
# norandmaps (which wins over randomize_va_space) are checked by hand:
# make exec PROG=build/user/tests/layout_test ARGS=1 KARGS=randomize_va_space=1
ASLR_BOOTS = [("", 0), ("randomize_va_space=2", 2)]


def suite_aslr(args, tap):
    """user/tests/layout_test LEVEL, one boot per ASLR_BOOTS entry: the
    program runs itself three times and checks what moved."""
    build = Path(args.kernel).resolve().parent
    prog = build / "user" / "tests" / "layout_test"
    disk = build / "aslr-disk.img"
    subprocess.run(["cp", "--sparse=always", str(build / "disk.img"), str(disk)], check=True)
    for kargs, level in ASLR_BOOTS:
        cmd = [sys.executable, str(REPO / "tools" / "qemu.py"), "exec",
               "--kernel", str(args.kernel), "--accel", args.accel,
               "--mem", str(args.mem), "--smp", str(args.smp), "--kargs", kargs,
               "--disk", str(disk), "--disk-as-is", "--prog", str(prog), "--tag", "aslr",
               "--args", str(level), "--timeout", str(args.timeout)]
        try:
            done = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=args.timeout + 30)
            status, out = done.returncode, done.stdout.decode("utf-8", "replace").splitlines()
        except subprocess.TimeoutExpired:
            status, out = None, []
        ok = status == 0 and any(re.match(r"\d+ passed, 0 failed", ln) for ln in out)
        if not ok:
            diag(f"aslr: kargs '{kargs}': exit status {status}")
            show_lines(out[-TAIL_LINES:], "its output:")
        tap.result(ok, f"aslr: '{kargs or 'no option'}' gives randomize_va_space {level}")


# What user/tests/fulldisk_test.c writes, and where it leaves it (--keep).
FULLDISK_KEPT = "/tmp/fulldisk.bin"
FULLDISK_PAGES = 32
FULLDISK_KEPT_LINE = re.compile(r"# kept (\S+): (\d+) pages written")


def fulldisk_expected(written):
    """The kept file's bytes: pattern() of fulldisk_test.c in the pages
    written, zeros in the rest."""
    out = bytearray(FULLDISK_PAGES * 4096)
    for page in range(written):
        base = page * 4096
        out[base:base + 4096] = bytes((page * 31 + off * 7 + 1) & 0xff
                                      for off in range(4096))
    return bytes(out)


def fresh_copy(args, image_name, copy_name, suite):
    """A fresh sparse copy of build/IMAGE_NAME named COPY_NAME, for one
    boot to change; None (with a diagnostic) if `make test` has not made
    the image."""
    image = Path(args.kernel).resolve().parent / image_name
    if not image.is_file():
        diag(f"{suite}: {image} does not exist (`make test` makes it)")
        return None
    disk = image.with_name(copy_name)
    subprocess.run(["cp", "--sparse=always", str(image), str(disk)], check=True)
    return disk


# The swap suite: swap_test with a swap area (the user suites run it
# without one: only its swapon/swapoff error checks).
SWAP_PROG = "/tests/swap_test"
SWAP_SIZE = "64M"


def suite_swap(args, tap):
    """swap_test on two CPUs with a fresh 64 MiB swap disk (swap=/dev/vdX):
    pages out with MADV_PAGEOUT and back, fork and COW with pages out,
    slots freed at munmap and exit, swapoff while a child runs. A fresh
    copy of the standard image."""
    two = argparse.Namespace(**{**vars(args), "smp": 2})
    two.disk = fresh_copy(args, qemu.DEFAULT_DISK.name, "swap-disk.img", "swap")
    if two.disk is None:
        tap.result(False, "swap: the standard image exists")
        return
    out = ExecOutput(lambda ok, name: tap.result(ok, f"swap: {name}"), say)
    run = boot(two, "swap", out.on_line, kernel=args.kernel, swap=SWAP_SIZE,
               kargs=kernel_cmdline("init.mode=exec", args.kargs, "--", SWAP_PROG))
    save_log(args, "swap", run.console)
    problems = out.problems(run, SWAP_PROG)
    if problems:
        for p in problems:
            diag(f"swap: {p}")
        run.show_failure()
        tap.result(False, "swap: the swap boot completed")


def suite_fulldisk(args, tap):
    """Stores through a shared mapping on a full disk: SIGBUS at the store
    that needs a block the disk does not have, nothing written before lost
    (->page_mkwrite reserves blocks; docs/ext2.md). A fresh copy of the
    small image each run."""
    disk = fresh_copy(args, "fulldisk.img", "fulldisk-run.img", "fulldisk")
    if disk is None:
        tap.result(False, "fulldisk: the small image exists")
        return

    out = ExecOutput(lambda ok, name: tap.result(ok, f"fulldisk: {name}"), say)
    written = None

    def on_line(line):
        nonlocal written
        m = FULLDISK_KEPT_LINE.fullmatch(line)
        if m and m.group(1) == FULLDISK_KEPT:
            written = int(m.group(2))
        out.on_line(line)

    run = boot(args, "fulldisk", on_line, disk=disk, kernel=args.kernel,
               kargs=kernel_cmdline("init.mode=exec", args.kargs, "--",
                                    "/tests/fulldisk_test", "--keep", FULLDISK_KEPT))
    save_log(args, "fulldisk", run.console)
    problems = out.problems(run, "fulldisk_test")
    if written is None:                # (a test that skipped never prints it)
        problems.append(f'no "# kept {FULLDISK_KEPT}: N pages written" line')
    for p in problems:
        diag(f"fulldisk: {p}")
    if problems:
        run.show_failure()
    tap.result(not problems, "fulldisk: the test ran to the end on the small image")

    data, said = debugfs_dump(disk, FULLDISK_KEPT, args.timeout)
    same = written is not None and data == fulldisk_expected(written)
    if not same:
        wrong = next((i for i, (a, b) in enumerate(zip(data, fulldisk_expected(written or 0)))
                      if a != b), None)
        diag(f"fulldisk: debugfs read {len(data)} bytes of {FULLDISK_KEPT}; expected "
             f"{FULLDISK_PAGES * 4096}, {written} pages of the pattern then zeros "
             f"(first difference at byte {wrong})")
        show_lines(said, "debugfs said:")
    tap.result(same, "fulldisk: on the disk, the pages stored before SIGBUS are intact "
                     "and the rest reads as zeros")

    status, output = run_e2fsck(disk, args.timeout)
    if status != 0:
        show_lines(output, "e2fsck said:")
    tap.result(status == 0, "fulldisk: e2fsck finds the full disk clean")


# ---- memory pressure (issue 11; docs/reclaim.md) ---------------------------

# The mempressure suite boots a machine smaller than the work: a file more
# than twice its memory written and read back at random offsets, a hog
# three times its memory, and a fork bomb whose processes each take
# memory, all on its own image (build/mempressure.img: 4 KiB blocks, room
# for the file). `MEMPRESSURE_ARGS` is what the test program gets.
MEMPRESSURE_MEM = "64M"
MEMPRESSURE_ARGS = ["--file", "160", "--reads", "2000", "--hog", "200", "--oom",
                    "--forkbomb-touch", "256"]
MEMPRESSURE_PROG = "/tests/mempressure_test"
# Console lines that mean the kernel misbehaved even if the test passed.
MEMPRESSURE_BAD = ("sleeping allocation", "BUG:", "Oops", "panic", "no process to kill")


# The OOM report as Linux prints it (mm/oom_kill.c): who invoked the
# killer, the task dump's header, then the victim's line.
OOM_INVOKED_RE = re.compile(r"\S+ invoked oom-killer: gfp_mask=0x[0-9a-f]+\(\S*\), order=-?\d+, "
                            r"oom_score_adj=-?\d+$")
OOM_DUMP_HEADER = ("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents "
                   "oom_score_adj name")
OOM_KILLED_RE = re.compile(r"Out of memory: Killed process (\d+) \((.{1,15})\) total-vm:\d+kB, "
                           r"anon-rss:\d+kB, file-rss:\d+kB, shmem-rss:\d+kB, UID:\d+ "
                           r"pgtables:\d+kB oom_score_adj:-?\d+$")
OOM_HOG_RE = re.compile(r"# oom: hog pid (\d+), keeper (\d+), light (\d+)")


def check_oom_report(console):
    """The first OOM report after the test's "# oom: hog pid" line: its
    three parts in Linux's formats and order, the hog its victim.
    Returns a list of problems."""
    start = next((i for i, l in enumerate(console) if OOM_HOG_RE.search(l)), None)
    if start is None:
        return ["no '# oom: hog pid' line from the test"]
    hog = OOM_HOG_RE.search(console[start]).group(1)
    invoked = header = None
    for line in console[start + 1:]:
        text = re.sub(r"^\[ *\d+\.\d+\] ", "", line.rstrip())
        if OOM_INVOKED_RE.match(text):
            invoked = text
        elif text == OOM_DUMP_HEADER:
            header = text
        elif "Out of memory" in text:
            m = OOM_KILLED_RE.match(text)
            if not m:
                return [f"the victim's line is not in Linux's format: {text!r}"]
            if not invoked or not header:
                return ["the report lacks the 'invoked oom-killer' line or the task dump header"]
            if m.group(1) != hog:
                return [f"the victim is {m.group(1)}, not the hog {hog}"]
            return []
    return ["no 'Out of memory: Killed process' line after the hog started"]


def suite_mempressure(args, tap):
    """A file larger than memory, a memory hog and a fork bomb on a 64 MiB
    machine: no error from read() or write(), no wrong byte, the hog
    OOM-killed and a bystander spared, the bomb ended by EAGAIN/ENOMEM and
    killed, the machine working afterwards, the disk clean."""
    disk = fresh_copy(args, "mempressure.img", "mempressure-run.img", "mempressure")
    if disk is None:
        tap.result(False, "mempressure: the image exists")
        return
    small = argparse.Namespace(**{**vars(args), "mem": MEMPRESSURE_MEM})
    out = ExecOutput(lambda ok, name: tap.result(ok, f"mempressure: {name}"), say)

    # ~25 s on an idle host; a loaded one may take several times that.
    run = boot(small, "mempressure", out.on_line, disk=disk, kernel=args.kernel,
               timeout=max(args.timeout, 300),
               kargs=kernel_cmdline("init.mode=exec", args.kargs, "--",
                                    MEMPRESSURE_PROG, *MEMPRESSURE_ARGS))
    save_log(args, "mempressure", run.console)
    problems = out.problems(run, "mempressure_test")
    oom = check_oom_report(run.console)
    for p in oom:
        diag(f"mempressure: {p}")
    tap.result(not oom, "mempressure: the OOM report is Linux's, the hog its victim")
    bad = [line for line in run.console if any(b in line for b in MEMPRESSURE_BAD)]
    if bad:
        problems.append("the kernel complained:")
        problems.extend(f"  {line}" for line in bad[:5])
    for p in problems:
        diag(f"mempressure: {p}")
    if problems:
        run.show_failure()
    tap.result(not problems, f"mempressure: MEM={MEMPRESSURE_MEM} "
                             f"{' '.join(MEMPRESSURE_ARGS)} ran to the end, "
                             "the kernel silent")

    status, output = run_e2fsck(disk, args.timeout)
    if status != 0:
        show_lines(output, "e2fsck said:")
    tap.result(status == 0, "mempressure: e2fsck finds the disk clean")


# ---- over memory: reclaim of mapped pages, swap, mlock (issue 13) -------

# The overmem suite boots MEM=128M with a swap disk (qemu.make_swapdisk)
# of an image of its own (build/overmem.img: 1 GiB sparse, 4 KiB blocks)
# and runs the item-9 programs, each checked first on a Linux guest of the
# same size (docs/reclaim.md): files three times the memory mapped and
# read, written through MAP_SHARED and truncated under reclaim
# (overmem_file_test); the written file checked by the host with debugfs
# and in a second boot; 300 MiB of anonymous memory, fork with it in
# swap, shared anonymous memory, mlock under pressure, swapoff while
# processes run (overmem_anon_test); a load just over memory plus swap
# and its one OOM kill, on a smaller swap disk so that filling it is
# quick; e2fsck -fn last.
OVERMEM_MEM = "128M"
OVERMEM_SWAP = "512M"
OVERMEM_OOM_SWAP = "64M"
OVERMEM_FILE_MIB = 384                  # three times OVERMEM_MEM
OVERMEM_KEPT = "/tmp/om_keep.bin"
OVERMEM_FILE_SEED = 0xb0b0b0            # SEED_WRITE of overmem_file_test.c
OVERMEM_BOOTS = [
    # (tag, program and arguments, swap)
    ("overmem-file", ["/tests/overmem_file_test", "--mb", str(OVERMEM_FILE_MIB),
                      "--keep", OVERMEM_KEPT], OVERMEM_SWAP),
    ("overmem-verify", ["/tests/overmem_file_test", "--verify", OVERMEM_KEPT,
                        "--mb", str(OVERMEM_FILE_MIB)], OVERMEM_SWAP),
    ("overmem-anon", ["/tests/overmem_anon_test", "--mb", "300", "--fork-mb", "128",
                      "--shm-mb", "128", "--lock-mb", "8", "--pressure", "--swapoff", "--need-swap"],
     OVERMEM_SWAP),
    ("overmem-oom", ["/tests/overmem_anon_test", "--oom", "--need-swap"], OVERMEM_OOM_SWAP),
]
OVERMEM_OOM_HOG_RE = re.compile(r"# oom: hog pid (\d+), workers")
OVERMEM_KILLED_RE = re.compile(r"Out of memory: Killed process (\d+) ")

_M64 = (1 << 64) - 1


def _overmem_mix(j):
    x = ((j + 1) * 0x9e3779b97f4a7c15) & _M64
    return x ^ (x >> 29)


# A page of the pattern is OVERMEM_MIX ^ (key in every 8-byte word): see
# user/include/overmem.h. As integers, a page check is one XOR and one
# multiplication (key * OVERMEM_REP repeats key in every word).
OVERMEM_MIX = int.from_bytes(b"".join(struct.pack("<Q", _overmem_mix(j))
                                      for j in range(512)), "little")
OVERMEM_REP = int.from_bytes(struct.pack("<Q", 1) * 512, "little")


def overmem_wrong_pages(stream, seed, pages):
    """Read `pages` pages from the binary stream and check each against
    overmem.h's pattern for `seed`. Returns (pages read, wrong page
    numbers: the first 5, number wrong)."""
    wrong, count, p = [], 0, 0
    while p < pages:
        chunk = stream.read(min(256, pages - p) * 4096)
        if not chunk:
            break
        for off in range(0, len(chunk) - 4095, 4096):
            key = ((p + 1) * 0xff51afd7ed558ccd + seed) & _M64
            if int.from_bytes(chunk[off:off + 4096], "little") ^ OVERMEM_MIX != key * OVERMEM_REP:
                count += 1
                if len(wrong) < 5:
                    wrong.append(p)
            p += 1
        if len(chunk) % 4096:
            break
    return p, wrong, count


def overmem_host_check(disk, timeout):
    """The kept file, read on the host with `debugfs -R 'cat PATH'`:
    every page the pattern, the size right. Returns a list of problems."""
    pages = (OVERMEM_FILE_MIB << 20) // 4096
    try:
        proc = subprocess.Popen([qemu.find_debugfs(), "-R", f"cat {OVERMEM_KEPT}", str(disk)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except FileNotFoundError:
        return ["debugfs not found (install e2fsprogs: bash tools/deps.sh)"]
    try:
        read, wrong, count = overmem_wrong_pages(proc.stdout, OVERMEM_FILE_SEED, pages)
        extra = proc.stdout.read(1)
        _, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    problems = []
    if read != pages or extra:
        problems.append(f"debugfs read {read} whole pages{' and more' if extra else ''} of "
                        f"{OVERMEM_KEPT}, want {pages}")
        problems.extend(err.decode("utf-8", "replace").splitlines()[:5])
    if count:
        problems.append(f"{count} pages wrong on the disk, the first: {wrong}")
    return problems


def overmem_oom_problems(console):
    """The OOM boot's console: exactly one "Out of memory: Killed process"
    line, naming the hog the test reported."""
    hog = next((m.group(1) for m in map(OVERMEM_OOM_HOG_RE.search, console) if m), None)
    kills = [m.group(1) for m in map(OVERMEM_KILLED_RE.search, console) if m]
    if hog is None:
        return ["no '# oom: hog pid' line from the test"]
    if kills != [hog]:
        return [f"the console's OOM kills: {kills or 'none'}; want one, of the hog {hog}"]
    return []


def overmem_boots(args, tap, half, boots):
    """Boot each of @boots (OVERMEM_BOOTS entries) in turn on one fresh
    copy of build/overmem.img: each program's checks are result lines,
    then per boot one that it ran to the end with the kernel silent, the
    host's debugfs check of the file written through MAP_SHARED, the OOM
    report's one kill; e2fsck -fn last."""
    disk = fresh_copy(args, "overmem.img", f"{half}-run.img", half)
    if disk is None:
        tap.result(False, f"{half}: the image exists")
        return
    small = argparse.Namespace(**{**vars(args), "mem": OVERMEM_MEM})
    for tag, argv, swap in boots:
        out = ExecOutput(lambda ok, name, tag=tag: tap.result(ok, f"{tag}: {name}"), say)
        start = time.monotonic()
        run = boot(small, tag, out.on_line, disk=disk, kernel=args.kernel, swap=swap,
                   timeout=max(args.timeout, 600),
                   kargs=kernel_cmdline("init.mode=exec", args.kargs, "--", *argv))
        save_log(args, tag, run.console)
        problems = out.problems(run, os.path.basename(argv[0]))
        bad = [line for line in run.console if any(b in line for b in MEMPRESSURE_BAD)]
        if tag != "overmem-oom":        # (the kernel's report, not a test's ENOMEM)
            bad += [line for line in run.console
                    if OVERMEM_KILLED_RE.search(line) or "invoked oom-killer" in line]
        if bad:
            problems.append("the kernel complained:")
            problems.extend(f"  {line}" for line in bad[:5])
        for p in problems:
            diag(f"{tag}: {p}")
        if problems:
            run.show_failure()
        tap.result(not problems, f"{tag}: MEM={OVERMEM_MEM} SWAP={swap} "
                                 f"{' '.join(argv)} ran to the end, the kernel silent")
        diag(f"{tag}: {time.monotonic() - start:.1f} s")
        if tag == "overmem-file":
            host = overmem_host_check(disk, args.timeout)
            for p in host:
                diag(f"overmem: {p}")
            tap.result(not host, f"overmem: the host reads {OVERMEM_KEPT} with debugfs: "
                                 f"{OVERMEM_FILE_MIB} MiB, every page what the mapping stored")
        if tag == "overmem-oom":
            oom = overmem_oom_problems(run.console)
            for p in oom:
                diag(f"overmem-oom: {p}")
            tap.result(not oom, "overmem-oom: the console reports one OOM kill, of the hog")

    status, output = run_e2fsck(disk, args.timeout)
    if status != 0:
        show_lines(output, "e2fsck said:")
    tap.result(status == 0, f"{half}: e2fsck -fn finds the disk clean after all")


# The two halves share nothing but the image they copy, so make test's
# queue runs them side by side.
OVERMEM_FILE_TAGS = ("overmem-file", "overmem-verify")


def suite_overmem_files(args, tap):
    """Files three times the memory: read, written through MAP_SHARED
    and checked by the host and by a second boot, truncated under
    reclaim (issue 13 item 9)."""
    overmem_boots(args, tap, "overmem-files",
                  [b for b in OVERMEM_BOOTS if b[0] in OVERMEM_FILE_TAGS])


def suite_overmem_anon(args, tap):
    """Anonymous memory over memory with swap, fork COW from swap,
    shared anonymous memory, mlock, swapoff under load, one OOM kill."""
    overmem_boots(args, tap, "overmem-anon",
                  [b for b in OVERMEM_BOOTS if b[0] not in OVERMEM_FILE_TAGS])


def suite_overmem(args, tap):
    """Both halves, one after the other (for --only overmem)."""
    suite_overmem_files(args, tap)
    suite_overmem_anon(args, tap)


def prepare_disk(args):
    """Decide the vda image: --disk as given, else a fresh copy of
    build/disk.img (what `make test` does without DISK=)."""
    if args.disk:
        if not Path(args.disk).is_file():
            sys.exit(f"run.py: {args.disk}: no such disk image")
        return
    if not qemu.DEFAULT_DISK.is_file():
        sys.exit(f"run.py: {qemu.DEFAULT_DISK} does not exist "
                 f"(make it with: make build/disk.img)")
    fresh = qemu.BUILD / "test-disk.img"
    subprocess.run(["cp", "--sparse=always", str(qemu.DEFAULT_DISK),
                    str(fresh)], check=True)
    args.disk = fresh


# ---- main --------------------------------------------------------------------

# tests/stress.py (the stress and fault suites) uses this module's helpers
# as "run", also when this file runs as __main__; imported here, once all
# of them are defined.
sys.modules.setdefault("run", sys.modules[__name__])
import stress  # noqa: E402
import busybox_suite  # noqa: E402
import glibc_diff  # noqa: E402


# The suites, in the order they run.
SUITES = {
    "ktest": suite_ktest,
    "user": suite_user,
    "ktest-smp": suite_ktest_smp,
    "user-smp": suite_user_smp,
    "smp-races": suite_smp_races,
    "truncrace": suite_truncrace,
    "grub": suite_grub,
    "oops": suite_oops,
    "hangdiag": suite_hangdiag,
    "gdb": suite_gdb,
    "gdb-cow": suite_gdb_cow,
    "gdb-shared": suite_gdb_shared,
    "gdb-tour": suite_gdb_tour,
    "persist": suite_persist,
    "exec-disk": suite_exec_disk,
    "exec-args": suite_exec_args,
    "aslr": suite_aslr,
    "fulldisk": suite_fulldisk,
    "swap": suite_swap,
    "mempressure": suite_mempressure,
    "overmem": suite_overmem,
    "overmem-files": suite_overmem_files,
    "overmem-anon": suite_overmem_anon,
    "sched-stress": stress.suite_sched_stress,
    "powercut": stress.suite_powercut,
    "corrupt-boot": stress.suite_corrupt_boot,
    "randsys": stress.suite_randsys,
    "busybox": busybox_suite.suite_busybox,
    "glibc-diff": glibc_diff.suite_glibc_diff,
    "python": glibc_diff.suite_python,
    "labs": suite_labs,
    "labs-a": suite_labs_a,
    "labs-b": suite_labs_b,
    "docs": suite_docs,
    "e2fsck": suite_e2fsck,
}


# Suites that boot only images of their own (fresh copies, never the
# shared test image args.disk) run in a second thread, beside the others,
# their output held back and printed after; the rest run one after another
# in SUITES order, streaming their results (e2fsck, which checks the shared
# image, last). Two QEMUs at a time keep both cores of a small host busy:
# make test takes about half as long. A new suite runs in the main chain
# unless it is added here.
# They are taken from one queue, longest first: the second thread starts
# on them at once, and the main thread helps with what is left when its
# chain is done, so neither thread waits long for the other.
OWN_IMAGE_SUITES = ["overmem-files", "overmem-anon", "mempressure", "labs-a", "labs-b", "labs", "user-smp", "swap", "smp-races", "sched-stress",
                    "corrupt-boot", "ktest-smp", "persist", "exec-disk", "aslr", "powercut", "randsys", "fulldisk",
                    "busybox", "glibc-diff", "python"]


def run_suite(args, tap, name):
    start = time.monotonic()
    SUITES[name](args, tap)
    diag(f"suite {name}: {time.monotonic() - start:.1f} s")


# Suites that only --only runs, not `make test`: "overmem" is the two
# over-memory halves one after the other, which make test runs as
# overmem-files and overmem-anon, side by side.
NOT_BY_DEFAULT = ["overmem", "labs"]


def run_suites(args, tap):
    """Every suite: OWN_IMAGE_SUITES in a thread, the others here (see
    above), but NOT_BY_DEFAULT. Result numbers follow the order the
    results are printed in."""
    default = [n for n in SUITES if n not in NOT_BY_DEFAULT]
    others = [n for n in OWN_IMAGE_SUITES if n in default]
    shared = [n for n in default if n not in OWN_IMAGE_SUITES]
    queue = list(others)
    queue_lock = threading.Lock()
    events = []
    failure = []

    def take():
        with queue_lock:
            return queue.pop(0) if queue and not failure else None

    def run_others():
        _output.events = events
        try:
            while (name := take()) is not None:
                run_suite(args, tap, name)
        except BaseException as e:          # reported by the main thread
            failure.append(e)

    worker = threading.Thread(target=run_others, name="suites")
    worker.start()
    for name in shared:
        run_suite(args, tap, name)
    while (name := take()) is not None:     # the chain is done: help
        run_suite(args, tap, name)
    if worker.is_alive():
        diag("waiting for the suites running beside")
    worker.join()
    for kind, *rest in events:
        if kind == "say":
            say(rest[0])
        else:
            tap.result(*rest)
    if failure:
        raise failure[0]


def main():
    parser = argparse.ArgumentParser(
        description="Boot Faultline in QEMU and run its tests (make test).")
    parser.add_argument("--kernel", required=True,
                        help="kernel ELF for PVH boots (build/kernel.elf)")
    parser.add_argument("--iso", required=True,
                        help='GRUB ISO booting with "ktest" '
                             "(build/faultline-test.iso)")
    qemu.add_qemu_options(parser)
    parser.add_argument("--kargs", default="",
                        help="extra kernel command-line words for PVH boots")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds allowed per suite (default 120)")
    parser.add_argument("--extra-tests", metavar="DIR",
                        default=os.environ.get("EXTRA_TESTS") or None,
                        help="also run every executable in DIR as a user "
                             "test (default: $EXTRA_TESTS)")
    parser.add_argument("--only", choices=list(SUITES),
                        help="run just this suite")
    args = parser.parse_args()
    # Decide once (and warn once) whether KVM can be used.
    args.accel = qemu.resolve_accel(args.accel)
    prepare_disk(args)

    tap = Tap()
    if args.only:
        run_suite(args, tap, args.only)
    else:
        run_suites(args, tap)
    if tap.count:
        check_hang_reports(tap)
    if tap.count == 0:
        diag("no tests ran")
    tap.summary()
    return 0 if tap.count > 0 and tap.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
