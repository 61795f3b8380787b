"""Would the meaning model find the drifts the rules miss? Measured, per half of the drift bench.

  python bench/meaning_drift.py

Aligns each case of ../shared/bench/drift with ``--semantic`` (no cache: nothing is written
there), encodes both sides of every 1-1 block link with the model, and labels each link:
a *missed drift* (the bench expects a drift there and aomi18n reports neither drift nor
stale) or *faithful* (no fault, no cosmetic change, no finding). Then prints, for rules a
translator could state, how many missed drifts each finds and how many faithful links it
flags, on the dev half and on the test half (the split of tune_check.py).
Skips cleanly without the bench data or the ``semantic`` extra.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tune_check as tc  # noqa: E402


def links(split: str, backend) -> list[dict]:
    import numpy as np

    from aomi18n.analysis import analyze
    from aomi18n.config import load_config
    from aomi18n.render.findings import findings_json
    from aomi18n.sentences import split_sentences

    rows = []
    for case in tc.cases(split):
        want = json.loads((case / "expected.json").read_text())
        an = analyze(load_config(case), use_cache=False, semantic=True)
        found = [f for f in findings_json(an)["findings"] if f["kind"] in tc.SCORED]
        res = an.results[0]
        su, tu = res.source_units, res.target_units
        ones = [ln for ln in res.alignment.links if len(ln.source) == len(ln.target) == 1]
        s = backend.encode([su[ln.source[0]].text for ln in ones])
        t = backend.encode([tu[ln.target[0]].text for ln in ones])
        cos = (s * t).sum(1)
        median = float(np.median(cos))
        for k, ln in enumerate(ones):
            u, v = su[ln.source[0]], tu[ln.target[0]]
            place = {"fr_block": (u.line - 1) // 2, "en_block": (v.line - 1) // 2}

            def here(items):
                return any(i.get("fr_block") == place["fr_block"] or i.get("en_block") == place["en_block"] for i in items)

            kinds = {f["kind"] for f in found if tc._at(f, place)}
            drift = here([f for f in want["faults"] if f["kind"] == "drift"])
            # The least-matched sentence on either side.
            ss = [u.text[a:b] for a, b in split_sentences(u.text, "fr")]
            ts = [v.text[a:b] for a, b in split_sentences(v.text, "en")]
            cover = float(cos[k])
            if len(ss) > 1 or len(ts) > 1:
                m = backend.encode(ss) @ backend.encode(ts).T
                cover = float(min(m.max(0).min(), m.max(1).min()))
            rows.append({"cos": float(cos[k]), "median": median, "cover": cover,
                         "missed": drift and not kinds & {"drift", "stale"},
                         "faithful": not drift and not kinds and not here([f for f in want["faults"] if f["kind"] != "drift"])
                         and not here(want.get("cosmetic", []))})
    return rows


RULES = {
    "cosine < 0.5 x the document's median": lambda r: r["cos"] < 0.5 * r["median"],
    "cosine < 0.6 x median": lambda r: r["cos"] < 0.6 * r["median"],
    "cosine < 0.7 x median": lambda r: r["cos"] < 0.7 * r["median"],
    "least-matched sentence < 0.5 x median": lambda r: r["cover"] < 0.5 * r["median"],
    "cosine < 0.4 (absolute)": lambda r: r["cos"] < 0.4,
}


def main() -> None:
    if not (tc.BENCH / "drift").is_dir():
        print(f"skipped: {tc.BENCH / 'drift'} not found")
        return
    try:
        from aomi18n.semantic import load_backend

        backend = load_backend()
    except Exception as exc:  # the extra is optional
        print(f"skipped: {exc}")
        return
    halves = {split: links(split, backend) for split in ("dev", "test")}
    for name, rule in RULES.items():
        cells = []
        for split, rows in halves.items():
            missed = [r for r in rows if r["missed"]]
            faithful = [r for r in rows if r["faithful"]]
            cells.append(f"{split}: {sum(map(rule, missed))}/{len(missed)} found, "
                         f"{sum(map(rule, faithful))}/{len(faithful)} false")
        print(f"{name:40s} " + "; ".join(cells))


if __name__ == "__main__":
    main()
