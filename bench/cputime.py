"""Run a command and report the CPU time of its whole process tree, and its wall time.

`/usr/bin/time` counts the children a process waits for. Worker processes that are
not the command's own children (a multiprocessing fork server's workers, the fork
server itself) escape it. Here this process becomes a "child subreaper" (Linux
prctl): every orphaned descendant is handed to it, it waits for all of them, and
getrusage(RUSAGE_CHILDREN) then holds the CPU of every process of the run.

    python bench/cputime.py [--runs N] -- COMMAND [ARGS...]

Prints one line per run (wall, user+sys CPU) and, with several runs, their medians.
Linux only (elsewhere it says so and exits 2).
"""

from __future__ import annotations

import ctypes
import os
import resource
import statistics
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(command: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of every process of the run, exit status)."""
    before = _cpu()
    start = time.perf_counter()
    status = subprocess.run(command).returncode
    while True:  # the orphans handed over to this process
        try:
            os.wait()
        except ChildProcessError:
            break
    return time.perf_counter() - start, _cpu() - before, status


def main(argv: list[str]) -> int:
    runs = 1
    if argv[:1] == ["--runs"]:
        runs, argv = int(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    if not sys.platform.startswith("linux") or not subreaper():
        print("cputime: needs Linux (prctl PR_SET_CHILD_SUBREAPER)", file=sys.stderr)
        return 2
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu, status = run(argv)
        walls.append(wall)
        cpus.append(cpu)
        print(f"wall {wall:.2f} s  cpu {cpu:.2f} s  exit {status}", file=sys.stderr)
    if runs > 1:
        print(f"median: wall {statistics.median(walls):.2f} s  cpu {statistics.median(cpus):.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
