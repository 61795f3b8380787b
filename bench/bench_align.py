"""Alignment speed and memory: time align() on synthetic pairs of N blocks.

  python bench/bench_align.py [N ...]        (default: 500 5000 50000)

Each size runs in its own process (so peak RSS is that size's own); 5 runs, the
median is printed with the ratio to the smallest size. The pair is built from the
bundled seed pair's blocks, numbered so each block is distinct, with 10 % of the
English dropped, merged or added (as in ../shared/bench/perturb.py).
"""

from __future__ import annotations

import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_pair(n: int, seed: int = 1):
    from aomi18n.documents import read_document, units

    fr = [u.text for u in units(read_document(ROOT / "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt", identify=False))]
    en = [u.text for u in units(read_document(ROOT / "corpus/en/working-group-migrant-children-action-plan.txt", identify=False))][: len(fr)]
    rng = random.Random(seed)
    src, tgt = [], []
    for k in range(n):
        i = rng.randrange(len(fr))
        a, b = f"{fr[i]} ({k})", f"{en[i]} ({k})"
        src.append(a)
        r = rng.random()
        if r < 0.025:
            continue  # dropped
        if r < 0.05 and tgt:
            tgt[-1] += " " + b  # merged
            continue
        if r < 0.075:
            tgt.append(f"An added paragraph number {k + 100000} about something else.")
        tgt.append(b)
    return src, tgt


def one(n: int) -> dict:
    from aomi18n.alignment import align

    src, tgt = make_pair(n)
    t0 = time.perf_counter()
    al = align(src, tgt)
    dt = time.perf_counter() - t0
    return {"n": n, "seconds": dt, "links": len(al.links), "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv):
    if argv and argv[0] == "--one":
        print(json.dumps(one(int(argv[1]))))
        return
    sizes = [int(a) for a in argv] or [500, 5000, 50000]
    base = None
    for n in sizes:
        runs = [json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True).stdout)
                for _ in range(5 if n <= 5000 else 3)]
        med = statistics.median(r["seconds"] for r in runs)
        base = base or (med, n)
        print(f"{n:6d} blocks: median {med:.3f} s over {len(runs)} runs; x{med / base[0]:.1f} time for x{n / base[1]:.0f} blocks; "
              f"peak RSS {max(r['max_rss_mb'] for r in runs):.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
