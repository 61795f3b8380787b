"""Time and memory of `aomi18n check` on pathological text (issue 18).

    python bench/bench_pathological.py [--sizes 100000,1000000,10000000] [--uri 10000,40000,160000]

Two families of one-paragraph pairs, in Markdown, written to a temporary folder:
- one long paragraph (hard-wrapped at 80 columns) of N characters on each side;
- a paragraph holding a base64 `data:` image of N characters and an e-mail address.
For each, the wall time and the peak memory of the subprocess (`--no-cache`), and the
growth of time against the size (10x the input should cost at most 12x the time).
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FR = "le médiateur a reçu des plaintes familles enfants migrants pendant la session du comité régional".split()
EN = "the ombudsman received complaints families children migrants during session of regional committee".split()


def long_paragraph(words: list[str], size: int, seed: int) -> str:
    rnd = random.Random(seed)
    out, n = [], 0
    while n < size:
        s = " ".join(rnd.choice(words) for _ in range(12)).capitalize() + " 2019."
        out.append(s)
        n += len(s) + 1
    return "\n".join(textwrap.wrap(" ".join(out), 80))


def data_uri(size: int, lead: str, tail: str) -> str:
    blob = base64.b64encode(os.urandom(size * 3 // 4)).decode()[:size]
    return f"{lead} ![carte](data:image/png;base64,{blob}) {tail} jean.dupont@example.org."


def run(fr: str, en: str) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        for lang, text, title in (("fr", fr, "# Titre"), ("en", en, "# Title")):
            (root / "corpus" / lang).mkdir(parents=True)
            (root / "corpus" / lang / "page.md").write_text(f"{title}\n\n{text}\n", encoding="utf-8")
        (root / "aomi18n.yaml").write_text("max_line_chars: 1000000\n", encoding="utf-8")  # a data URI is one line
        # A wrapper process reports the peak memory of this run's aomi18n alone.
        wrapper = ("import resource, subprocess, sys; "
                   "r = subprocess.run(sys.argv[1:], capture_output=True); "
                   "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "aomi18n", "--no-cache", "check",
                              str(root), "--fail-on", "never"], capture_output=True, text=True, check=False,
                             timeout=600)
        wall = time.perf_counter() - start
        code, peak = out.stdout.split()
        if code != "0":
            raise SystemExit(f"aomi18n check exited {code} on a case of this benchmark")
        return wall, int(peak)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--uri", default="10000,40000,160000")
    args = ap.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        wall, peak = run(long_paragraph(FR, size, 1), long_paragraph(EN, size, 2))
        rows.append(("paragraph", size, wall, peak))
        print(f"paragraph {size:>10,} chars: {wall:6.2f} s, peak RSS {peak / 1024:6.0f} MB", flush=True)
    for size in map(int, args.uri.split(",")):
        wall, peak = run(data_uri(size, "Voir", "ou écrire à"), data_uri(size, "See", "or write to"))
        rows.append(("data-uri", size, wall, peak))
        print(f"data URI  {size:>10,} chars: {wall:6.2f} s, peak RSS {peak / 1024:6.0f} MB", flush=True)
    for family in ("paragraph", "data-uri"):
        r = [x for x in rows if x[0] == family]
        for (_, a, ta, _), (_, b, tb, _) in zip(r, r[1:]):
            print(f"{family}: {b / a:.0f}x the input, {tb / ta:.1f}x the time")


if __name__ == "__main__":
    main()
