"""In-process alignment quality runner for tuning (same scoring as ../shared/bench/run_align.py).

  python bench/tune_align.py pydocs|perturbed|textberg-dev|textberg [--semantic] [key=value ...]

Params given as key=value override aomi18n.alignment.Params. ``--semantic`` aligns with
the meaning model (aomi18n[semantic]); ``meaning_weight=W`` sets its weight. Skips cleanly when
../shared/bench is absent.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from aomi18n.alignment import DEFAULT, Params, align, params_for
from aomi18n.documents import read_document, units

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"


def _score_mod():
    sys.path.insert(0, str(BENCH))
    import score_align

    return score_align


def block_pairs(root: Path, params: Params):
    sa = _score_mod()
    pairs = []
    for d in sorted(p for p in root.iterdir() if (p / "gold.json").exists()):
        fr, en = read_document(d / "fr.md", identify=False), read_document(d / "en.md", identify=False)
        su, tu = units(fr), units(en)
        # block index of each unit (pydocs convention: one line per block)
        fidx = {u.line: k for k, u in enumerate(su)}
        eidx = {u.line: k for k, u in enumerate(tu)}
        al = align([u.text for u in su], [u.text for u in tu], params=params, meaning=MEANING,
                   source_hints=[u.hints for u in su], target_hints=[u.hints for u in tu])
        pred = [(tuple(fidx[su[i].line] for i in l.source), tuple(eidx[tu[j].line] for j in l.target)) for l in al.links]
        gold = [(tuple(a), tuple(b)) for a, b in json.loads((d / "gold.json").read_text())["links"]]
        pairs.append((gold, pred))
    return sa.score(pairs)


MEANING = None


def textberg(names, params: Params):
    sa = _score_mod()
    pairs = []
    for name in names:
        src = read_document(BENCH / "textberg" / f"{name}.de", identify=False)
        tgt = read_document(BENCH / "textberg" / f"{name}.fr", identify=False)
        su, tu = units(src, "lines"), units(tgt, "lines")
        al = align([u.text for u in su], [u.text for u in tu], params=params, meaning=MEANING)
        pred = [(tuple(su[i].line - 1 for i in l.source), tuple(tu[j].line - 1 for j in l.target)) for l in al.links]
        pairs.append((sa.read_textberg(str(BENCH / "textberg" / f"{name}.defr")), pred))
    return sa.score(pairs)


def main(argv):
    if not BENCH.is_dir():
        print(f"skipped: {BENCH} is absent")
        return
    global MEANING
    target = argv[0]
    if "--semantic" in argv:
        from aomi18n.semantic import load_backend

        MEANING = load_backend()
        argv = [a for a in argv if a != "--semantic"]
    kw = {}
    for a in argv[1:]:
        k, v = a.split("=")
        kw[k] = type(getattr(DEFAULT, k))(v) if not isinstance(getattr(DEFAULT, k), bool) else v == "1"
    base = params_for("lines" if target.startswith("textberg") else "blocks")
    params = dataclasses.replace(base, **kw)
    t0 = time.perf_counter()
    if target == "pydocs":
        s = block_pairs(BENCH / "pydocs", params)
    elif target == "textberg-dev":
        s = textberg(["dev"], params)
    elif target == "textberg":
        s = textberg([f"test{k}" for k in range(7)], params)
    else:
        s = block_pairs(Path(target), params)
    print(f"{target} {kw}: strict P {s['precision_strict']:.3f} R {s['recall_strict']:.3f} F1 {s['f1_strict']:.4f} | lax F1 {s['f1_lax']:.4f} | {time.perf_counter() - t0:.1f}s")


if __name__ == "__main__":
    main(sys.argv[1:])
