#!/usr/bin/env python3
"""tools/benchmedian.py LOG... - the median of several `make bench` runs.

On a shared host one run's figures move by tens of percent, Linux's as
much as Faultline's, so a single run's ratio can land on either side of
1.0. Save the output of each run and give the files here:

    for i in 1 2 3 4 5; do make bench > build/bench-$i.log 2>&1; done
    python3 tools/benchmedian.py build/bench-*.log

It reads every comparison line that tools/benchcmp.py printed (figure,
Faultline, Linux, unit, ratio) and prints, per figure, the median of
each column over the runs and every run's ratio, so that both the
central figure and the spread are on record (docs/performance.md).
"""
import re
import statistics
import sys

ROW = re.compile(r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+(\S+)\s+([\d.]+)$", re.M)


def main(paths):
    if not paths:
        sys.exit(__doc__.strip().splitlines()[0])
    rows = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for m in ROW.finditer(f.read()):
                rows.setdefault(m.group(1), []).append(
                    (float(m.group(2)), float(m.group(3)), m.group(4), float(m.group(5))))
    print(f"{len(paths)} runs; medians per figure; ratio = Faultline's cost / Linux's")
    print(f"{'figure':24} {'Faultline':>10} {'Linux':>10} {'unit':11} {'ratio':>6}  every run's ratio")
    for name, runs in rows.items():
        med = [statistics.median(r[i] for r in runs) for i in (0, 1, 3)]
        every = " ".join(f"{r[3]:.2f}" for r in runs)
        print(f"{name:24} {med[0]:10.7g} {med[1]:10.7g} {runs[0][2]:11} {med[2]:6.2f}  {every}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
