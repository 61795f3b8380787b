"""The ``stale`` check: French that changed since its English was last synced.

The sync record is the document's PO file (its msgids, and ``#| msgid`` on fuzzy
entries after ``po update``) or, without one, the French as it stood in git when the
English was last committed. A typo-level French edit is cosmetic and not reported.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from ..model import Finding, Severity
from ..text import collapse, cosmetic_change, word_diff
from . import PairContext, check
from .coverage import loc


@check("stale", Severity.WARNING, "Source text that changed since its translation was last synced (PO files, git history).")
def stale(ctx: PairContext):
    synced = ctx.synced
    if synced is None or ctx.alignment is None:
        return
    su, th = ctx.source_units, ctx.thresholds
    current = [collapse(u.text) for u in su]
    present = set(current)
    gone = [t for t in synced.texts if t not in present]
    for link in ctx.alignment.links:
        if not link.source or not link.target:
            continue  # untranslated French is the untranslated check's
        for i in link.source:
            cur = current[i]
            old = synced.previous.get(cur)
            if old is None and cur not in synced.texts and gone:
                best = process.extractOne(cur, gone, scorer=fuzz.ratio, score_cutoff=th.po_fuzzy_match)
                old = best[0] if best else None
            if old is None or old == cur or cosmetic_change(old, cur, th.stale_cosmetic):
                continue
            yield Finding(
                "stale", Severity.WARNING,
                f"the {ctx.names[0]} changed since the {ctx.names[1]} was synced ({synced.path}): {word_diff(old, cur)}",
                source=loc(ctx.pair.source.path, su, (i,)),
                target=loc(ctx.pair.target.path, ctx.target_units, link.target), check="stale",
                details={"old": old, "new": cur, "record": synced.path},
            )
