"""In-process runner of ../shared/bench/mddocs (scored by its own score_docs.py) for tuning.

  python bench/tune_docs.py [clean|drift|all] [--reasons] [--false] [-j N] [--semantic]

Runs the library on every case with the cache off (nothing is written into
../shared), scores it with score_docs.score_case, and prints the figures.
``--reasons`` counts, for the drift findings that hit a fault and for the false ones,
which reasons (numbers, inline code, links, acronyms, ...) their message gave, and
how many hits rest on one reason alone: what a rule change would cost or save.
``--false`` lists the false alarms; ``--semantic`` runs with the meaning model
(aomi18n[semantic]). Skips cleanly when ../shared/bench is absent.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"

# The reason names of a drift message, in the order the check writes them.
_REASONS = re.compile(r"numbers differ \((?P<num>[^)]*)\)|inline code differs|links differ|acronyms or names missing"
                      r"|times as long|low content match|splits this|merges \d|blocks are \d|sentence has no|"
                      r"the code differs|no \w+ is linked|cross-references differ")


def _reasons(message: str) -> tuple[str, ...]:
    out = []
    for m in _REASONS.finditer(message):
        if m.group("num") is not None:
            nums = m.group("num")
            out.append("numbers:" + ("missing" if "missing" in nums else "") + ("added" if "not in" in nums else ""))
        else:
            out.append(m.group(0).split()[0] + " " + m.group(0).split()[1] if " " in m.group(0) else m.group(0))
    return tuple(out)


def _case(path: str):
    sys.path.insert(0, str(BENCH))
    import score_docs

    from aomi18n.analysis import analyze
    from aomi18n.config import load_config
    from aomi18n.render.findings import findings_json

    case = Path(path)
    out = findings_json(analyze(load_config(case), use_cache=False, semantic="--semantic" in sys.argv))
    for f in out["findings"]:  # paths relative to the case, as score_docs expects
        for side in f.values():
            if isinstance(side, dict) and isinstance(side.get("path"), str):
                p = Path(side["path"])
                if p.is_absolute():
                    side["path"] = p.resolve().relative_to(case.resolve()).as_posix()
    r = score_docs.score_case(case, out)
    cfg = score_docs.read_config(case)
    scored = [f for f in out["findings"] if f.get("kind") in score_docs.SCORED]
    sides = [score_docs.finding_sides(f, cfg, case) for f in scored]
    hits, falses = [], []
    exp = __import__("json").loads((case / "expected.json").read_text(encoding="utf-8"))
    places = exp.get("faults", []) + exp.get("cosmetic", [])
    for f, s in zip(scored, sides):
        if f["kind"] != "drift":
            continue
        at_fault = any(score_docs.at(s, p) for p in exp.get("faults", []))
        if at_fault:
            hits.append(_reasons(f["message"]))
            if "--hits" in sys.argv:
                print(f"   HIT {case.name}: {f['message'][:220]}", flush=True)
        elif not any(score_docs.at(s, p) for p in places):
            falses.append((_reasons(f["message"]), case.name, f["message"][:200]))
    return r, hits, falses


def main(argv: list[str]) -> int:
    if not (BENCH / "mddocs").is_dir():
        print(f"skipped: {BENCH / 'mddocs'} not found")
        return 0
    sys.path.insert(0, str(BENCH))
    import score_docs

    groups = [g for g in ("clean", "drift") if g in argv] or ["clean", "drift"]
    jobs = int(argv[argv.index("-j") + 1]) if "-j" in argv else 2
    out = {}
    for g in groups:
        cases = sorted(str(p.parent) for p in (BENCH / "mddocs" / g).glob("*/expected.json"))
        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_case, cases))
        out[g] = score_docs.merge([r for r, _, _ in results])
        if "--reasons" in argv:
            hit_r = Counter(x for _, h, _ in results for rs in h for x in set(rs))
            alone = Counter(rs[0] for _, h, _ in results for rs in h if len(set(rs)) == 1)
            false_r = Counter(x for _, _, fl in results for rs, _, _ in fl for x in set(rs))
            false_alone = Counter(rs[0] for _, _, fl in results for rs, _, _ in fl if len(set(rs)) == 1)
            print(f"== {g}: drift findings at a fault by reason (alone):")
            for k, n in hit_r.most_common():
                print(f"   {k:28s} {n:4d} ({alone[k]})")
            print(f"== {g}: false drift findings by reason (alone):")
            for k, n in false_r.most_common():
                print(f"   {k:28s} {n:4d} ({false_alone[k]})")
        if "--false" in argv:
            for _, _, fl in results:
                for _, name, msg in fl:
                    print(f"   FALSE {name}: {msg}")
    print(score_docs.report(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
