"""In-process runner of ../shared/bench/drift (same scoring as score_check.py) for tuning.

  python bench/tune_check.py [dev|test|all] [--verbose] [key=value ...]
  python bench/tune_check.py pydocs [--verbose]      # false alarms on faithful translations
  ... --semantic                                     # with the meaning model (aomi18n[semantic])

Cases are split by name (sorted; even positions dev, odd positions test) so that
thresholds are tuned on dev and reported on test. key=value pairs override
aomi18n.alignment.Params. Prints per-kind recall, precision, false alarms per 100
French blocks, and the strict alignment F1 against each case's gold.json.
Skips cleanly when ../shared/bench is absent.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from pathlib import Path

from aomi18n import alignment
from aomi18n.analysis import analyze
from aomi18n.config import load_config
from aomi18n.render.findings import findings_json

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
ACCEPT = {"untranslated": {"untranslated"}, "not-translated": {"not-translated", "untranslated"},
          "drift": {"drift", "stale"}, "extra": {"extra"}}
SCORED = {"untranslated", "not-translated", "drift", "stale", "extra"}
SEMANTIC = "--semantic" in sys.argv  # align with the meaning model (aomi18n[semantic])


def _at(f, place):
    for key, side in (("fr_block", "source"), ("en_block", "target")):
        s = f.get(side) and f[side]["lines"]
        if place.get(key) is not None and s and s[0] <= 2 * place[key] + 1 <= s[1]:
            return True
    return False


def cases(split: str):
    all_ = sorted(p.parent for p in (BENCH / "drift").glob("*/expected.json"))
    if split == "dev":
        return all_[0::2]
    if split == "test":
        return all_[1::2]
    return all_


def run(split: str, verbose: bool = False):
    sys.path.insert(0, str(BENCH))
    import score_align

    hit, total = Counter(), Counter()
    nfind = nfalse = blocks = 0
    falses = Counter()
    align_pairs = []
    for case in cases(split):
        want = json.loads((case / "expected.json").read_text())
        an = analyze(load_config(case), use_cache=False, semantic=SEMANTIC)  # never write into ../shared
        data = findings_json(an)
        found = [f for f in data["findings"] if f["kind"] in SCORED]
        nfind += len(found)
        used = set()
        for fault in want["faults"]:
            total[fault["kind"]] += 1
            near = [k for k, f in enumerate(found) if _at(f, fault)]
            hit[fault["kind"]] += any(found[k]["kind"] in ACCEPT[fault["kind"]] for k in near)
            used.update(near)
            if verbose and not any(found[k]["kind"] in ACCEPT[fault["kind"]] for k in near):
                print(f"  MISS {case.name} {fault['kind']} fr={fault.get('fr_block')} en={fault.get('en_block')}")
        for c in want.get("cosmetic", []):
            used.update(k for k, f in enumerate(found) if _at(f, c))
        for k, f in enumerate(found):
            if k not in used:
                nfalse += 1
                falses[f["kind"]] += 1
                if verbose:
                    print(f"  FALSE {case.name} {f['kind']} fr={f['source'] and f['source']['lines']} en={f['target'] and f['target']['lines']} {f['message'][:150]}")
        blocks += sum(1 for b in (case / "corpus/fr/doc.md").read_text().split("\n\n") if b.strip())
        res = an.results[0]
        fidx = {u.line: (u.line - 1) // 2 for u in res.source_units}
        eidx = {u.line: (u.line - 1) // 2 for u in res.target_units}
        pred = [(tuple(fidx[res.source_units[i].line] for i in l.source), tuple(eidx[res.target_units[j].line] for j in l.target))
                for l in res.alignment.links]
        gold = [(tuple(a), tuple(b)) for a, b in json.loads((case / "gold.json").read_text())["links"]]
        align_pairs.append((gold, pred))
    for k in sorted(total):
        print(f"{k:10s} recall {hit[k]}/{total[k]} = {hit[k] / total[k]:.3f}")
    prec = (nfind - nfalse) / nfind if nfind else 0.0
    print(f"precision {prec:.3f}; {nfalse} false of {nfind} ({dict(falses)}); "
          f"false alarms/100 blocks {100 * nfalse / max(1, blocks):.2f}")
    print("alignment vs gold:", score_align.score(align_pairs))
    return hit, total, prec


def false_alarms(verbose: bool = False):
    """Findings on the faithful pydocs pairs (as shipped), per 100 French blocks."""
    import shutil
    import tempfile

    counts, blocks = Counter(), 0
    with tempfile.TemporaryDirectory() as tmp:
        for d in sorted(p for p in (BENCH / "pydocs").iterdir() if (p / "gold.json").exists()):
            root = Path(tmp) / d.name
            for lang, name in (("fr", "fr.md"), ("en", "en.md")):
                (root / "corpus" / lang).mkdir(parents=True)
                shutil.copy(d / name, root / "corpus" / lang / "doc.md")
            for f in findings_json(analyze(load_config(root), use_cache=False, semantic=SEMANTIC))["findings"]:
                if f["kind"] in SCORED:
                    counts[f["kind"]] += 1
                    if verbose:
                        print(f"  {d.name} {f['kind']} {f['source'] and f['source']['lines']} {f['message'][:140]}")
            blocks += sum(1 for b in (d / "fr.md").read_text().split("\n\n") if b.strip())
    total = sum(counts.values())
    print(f"pydocs: {total} findings on {blocks} French blocks = {100 * total / blocks:.2f} per 100 blocks ({dict(counts)})")


def main(argv):
    if not (BENCH / "drift").is_dir():
        print(f"skipped: {BENCH / 'drift'} not found")
        return
    if "pydocs" in argv:
        false_alarms("--verbose" in argv)
        return
    split = next((a for a in argv if a in ("dev", "test", "all")), "dev")
    over = dict(a.split("=", 1) for a in argv if "=" in a)
    if over:
        kw = {k: type(getattr(alignment.DEFAULT, k))(v) for k, v in over.items()}
        alignment.DEFAULT = dataclasses.replace(alignment.DEFAULT, **kw)
    run(split, "--verbose" in argv)


if __name__ == "__main__":
    main(sys.argv[1:])
