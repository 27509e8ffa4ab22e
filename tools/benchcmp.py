#!/usr/bin/env python3
"""One benchmark on Faultline and on the Linux guest, in one run, and the
two columns side by side with their ratio (what `make bench` prints;
docs/performance.md).

    python3 tools/benchcmp.py --kernel build/kernel.elf --prog FILE
        [--args "A B"] [--disk IMG [--disk-as-is]] [--linux-disk IMG]
        [--mem SIZE] [--smp N] [--swap SIZE] [--accel tcg] [--kargs "..."]
        [--timeout S] [--no-linux]

The program runs first on Faultline (tools/qemu.py exec, as make exec),
then on Linux (tools/linux_guest.py exec: same QEMU flags, same memory,
CPUs and swap, a fresh copy of the same kind of root image). Each side's
output is relayed as it comes. The figures are the program's lines
"NAME VALUE UNIT [anything]" (VALUE a number or n/a); the table has one row
per figure Faultline printed, in its order:

    figure               Faultline        Linux  unit      ratio

ratio is Faultline's cost over Linux's, so that below 1 always means
Faultline is faster: for a time (a unit not ending in "/s": ns/fault, us)
Faultline's value over Linux's, for a rate (MB/s, faults/s) Linux's over
Faultline's. When the guest cannot be had (the kernel package cannot be
fetched: offline, not a Debian/Ubuntu host) or --no-linux, the Linux
column says n/a and a line says why. Exit status: Faultline's run's.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
FIGURE = re.compile(r"\s*([A-Za-z_][\w.-]*)\s+(n/a|[-+]?\d+(?:\.\d+)?)\s+(\S+)(?:\s.*)?")


def parse_figures(lines):
    """{name: (value or None, unit)} in the order printed, from a
    benchmark's output (comment lines "# ..." and others skipped)."""
    figures = {}
    for line in lines:
        if line.startswith("#"):
            continue
        m = FIGURE.fullmatch(line)
        if m:
            value = None if m.group(2) == "n/a" else float(m.group(2))
            figures[m.group(1)] = (value, m.group(3))
    return figures


def run_relaying(cmd):
    """Run cmd, print its output as it comes; returns (status, lines)."""
    lines = []
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                            errors="replace")
    for line in proc.stdout:
        line = line.rstrip("\n")
        lines.append(line)
        print(line, flush=True)
    return proc.wait(), lines


def ratio(fl, lx, unit):
    """Faultline's cost over Linux's (see the module docstring)."""
    if fl is None or lx is None or fl <= 0 or lx <= 0:
        return None
    return lx / fl if unit.endswith("/s") else fl / lx


def fmt(v):
    if v is None:
        return "n/a"
    return f"{v:.2f}" if abs(v) < 100 else f"{v:.0f}"


def table(prog, fl, lx, linux_note):
    print(f"== {prog}: Faultline and Linux on the same QEMU; ratio = "
          "Faultline's cost / Linux's (time: Faultline/Linux; rate: "
          "Linux/Faultline); below 1: Faultline faster")
    if linux_note:
        print(f"== Linux column missing: {linux_note}")
    print(f"{'figure':<24}{'Faultline':>12}{'Linux':>12}  {'unit':<10}{'ratio':>7}")
    for name, (fv, unit) in fl.items():
        lv, lunit = lx.get(name, (None, unit))
        r = ratio(fv, lv, unit) if lunit == unit else None
        print(f"{name:<24}{fmt(fv):>12}{fmt(lv):>12}  {unit:<10}"
              f"{(f'{r:.2f}' if r is not None else 'n/a'):>7}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kernel", required=True)
    p.add_argument("--prog", required=True)
    p.add_argument("--args", default="")
    p.add_argument("--disk", required=True, help="Faultline's root image")
    p.add_argument("--disk-as-is", action="store_true",
                   help="Faultline boots --disk itself (make exec DISK=)")
    p.add_argument("--linux-disk", help="Linux's root image (default --disk; "
                   "always a fresh copy)")
    p.add_argument("--accel", default="tcg")
    p.add_argument("--mem", default="256M")
    p.add_argument("--smp", default="1")
    p.add_argument("--swap", default="")
    p.add_argument("--kargs", default="", help="Faultline's extra kernel arguments")
    p.add_argument("--timeout", default="600")
    p.add_argument("--no-linux", action="store_true")
    args = p.parse_args(argv)

    common = ["--accel", args.accel, "--mem", args.mem, "--smp", str(args.smp)]
    if args.swap:
        common += ["--swap", args.swap]
    prog = os.path.basename(args.prog)
    print(f"== {prog} {args.args} on Faultline".rstrip(), flush=True)
    fl_status, fl_lines = run_relaying(
        [sys.executable, str(TOOLS / "qemu.py"), "exec", "--kernel", args.kernel,
         *common, "--kargs", args.kargs, "--prog", args.prog, "--args", args.args,
         "--disk", args.disk, *(["--disk-as-is"] if args.disk_as_is else []),
         "--timeout", args.timeout])

    lx_lines, note = [], None
    if args.no_linux:
        note = "LINUX_GUEST=0"
    else:
        check = subprocess.run([sys.executable, str(TOOLS / "linux_guest.py"), "check"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
        if check.returncode != 0:
            lines = [l for l in check.stdout.splitlines() if l.strip()]
            note = lines[-1] if lines else "the Linux guest's kernel cannot be fetched"
    if note is None:
        print(f"== {prog} {args.args} on Linux".rstrip(), flush=True)
        lx_status, lx_lines = run_relaying(
            [sys.executable, str(TOOLS / "linux_guest.py"), "exec", *common,
             "--prog", args.prog, "--args", args.args,
             "--disk", args.linux_disk or args.disk, "--timeout", args.timeout])
        if lx_status != 0:
            note = f"{prog} exited with status {lx_status} on Linux"
    table(prog, parse_figures(fl_lines), parse_figures(lx_lines), note)
    return fl_status


if __name__ == "__main__":
    sys.exit(main())
