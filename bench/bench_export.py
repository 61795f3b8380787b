"""The first `po export` after a `check` (or the first `check` after that export): HEAD
against a baseline, in interleaved rounds.

    python bench/bench_export.py CORPUS [--base SRC] [--rounds N] [--no-sync] [--check-after]

CORPUS is a project (`python bench/gen_corpus.py 1000 /tmp/c1000`); it is copied once per
version into a temporary folder and never written. Each copy is warmed by one `check`
with its own version (the cache is keyed by aomi18n's code, so the versions cannot share
one), and that cache is kept aside. Each round, for each version: the cache as the check
left it is put back, `po/` is removed, and `aomi18n po export` runs (its own render cache
cold: the first export after a check). Before each run the disk is synced (unless
`--no-sync`: then the export's own flush also writes out the restored cache, as it would
write out what the check just wrote).

`--check-after` measures the next step instead: each copy is warmed by a `check` and a
`po export`; each round puts back the cache as the export left it and runs `check` (the PO
files and sync records are new, so every pair's checks run again).

`--base SRC` runs the baseline from another checkout's `src` (e.g. a `git worktree` of an
older commit, with its C extensions built or copied in) through PYTHONPATH. Prints each
run's wall and CPU (user + sys of the whole process tree, a fork server's workers
included: this process is their subreaper, see cputime.py) and the medians.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    out = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    while True:  # the orphans handed over to this process (a fork server's workers)
        try:
            os.wait()
        except ChildProcessError:
            break
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{out.stderr}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--base", type=Path, help="the baseline's src folder (run through PYTHONPATH)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-sync", action="store_true")
    ap.add_argument("--check-after", action="store_true", help="time the check after the export instead")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from cputime import subreaper

    subreaper()  # (Linux; elsewhere the CPU misses the pool's workers)
    versions = {"head": {**os.environ}}
    if args.base:
        versions = {"base": {**os.environ, "PYTHONPATH": str(args.base.resolve())}, **versions}
    cmd = [sys.executable, "-m", "aomi18n"]
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in versions}
    with tempfile.TemporaryDirectory(prefix="aomi18n-bench-") as tmp:
        work = {}
        for name, env in versions.items():
            proj = Path(tmp) / name / args.corpus.name
            shutil.copytree(args.corpus, proj, ignore=shutil.ignore_patterns(".aomi18n-cache", "po"))
            _run(cmd + ["check"], proj, env)
            if args.check_after:
                _run(cmd + ["po", "export"], proj, env)
            shutil.copytree(proj / ".aomi18n-cache", Path(tmp) / name / "cache")
            work[name] = proj
        for k in range(args.rounds):
            for name, env in versions.items():
                proj = work[name]
                if not args.check_after:
                    shutil.rmtree(proj / "po", ignore_errors=True)
                shutil.rmtree(proj / ".aomi18n-cache")
                shutil.copytree(Path(tmp) / name / "cache", proj / ".aomi18n-cache")
                if not args.no_sync:
                    os.sync()
                wall, cpu = _run(cmd + (["check"] if args.check_after else ["po", "export"]), proj, env)
                times[name].append((wall, cpu))
                print(f"round {k + 1} {name}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    for name, runs in times.items():
        print(f"{name}: median {statistics.median(w for w, _ in runs):.2f} s wall, "
              f"{statistics.median(c for _, c in runs):.2f} s CPU")
    if "base" in times:
        ratio = statistics.median(w for w, _ in times["head"]) / statistics.median(w for w, _ in times["base"])
        print(f"head / base (wall medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
