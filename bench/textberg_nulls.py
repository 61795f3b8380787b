"""Where the aligner's null links go wrong on Text+Berg: each predicted 1-0/0-1 link not
in the gold, counted by the shape of the gold link that holds its unit.

  python bench/textberg_nulls.py [dev|test] [key=value ...]

key=value pairs override aomi18n.alignment.Params (as in tune_align.py). A wrong null
link whose unit the gold puts in a 1-2 or 2-1 link is a piece of a split sentence left
alone; one the gold puts in a 1-1 link is usually a sentence moved out of order (a
caption), which no monotonic aligner links. Skips cleanly when ../shared/bench is absent.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter

from tune_align import BENCH, _score_mod

from aomi18n.alignment import DEFAULT, align, params_for
from aomi18n.documents import read_document, units


def main(argv: list[str]) -> None:
    if not BENCH.is_dir():
        print(f"skipped: {BENCH} is absent")
        return
    split = argv[0] if argv else "test"
    names = ["dev"] if split == "dev" else [f"test{k}" for k in range(7)]
    kw = {}
    for a in argv[1:]:
        k, v = a.split("=")
        kw[k] = type(getattr(DEFAULT, k))(v) if not isinstance(getattr(DEFAULT, k), bool) else v == "1"
    params = dataclasses.replace(params_for("lines"), **kw)
    sa = _score_mod()
    right, wrong = Counter(), Counter()
    for name in names:
        su = units(read_document(BENCH / "textberg" / f"{name}.de", identify=False), "lines")
        tu = units(read_document(BENCH / "textberg" / f"{name}.fr", identify=False), "lines")
        al = align([u.text for u in su], [u.text for u in tu], params=params)
        gold = [(tuple(a), tuple(b)) for a, b in sa.read_textberg(str(BENCH / "textberg" / f"{name}.defr"))]
        for link in al.links:
            if link.source and link.target:
                continue
            src = tuple(su[i].line - 1 for i in link.source)
            tgt = tuple(tu[j].line - 1 for j in link.target)
            kind = f"{len(src)}-{len(tgt)}"
            if (src, tgt) in gold:
                right[kind] += 1
                continue
            side, unit = (0, src[0]) if src else (1, tgt[0])
            holder = next((g for g in gold if unit in g[side]), None)
            wrong[kind, f"{len(holder[0])}-{len(holder[1])}" if holder else "none"] += 1
    print(f"{split}: null links right {dict(right)}, wrong {sum(wrong.values())}")
    for (kind, holder), n in sorted(wrong.items()):
        print(f"  predicted {kind}, gold {holder}: {n}")


if __name__ == "__main__":
    main(sys.argv[1:])
