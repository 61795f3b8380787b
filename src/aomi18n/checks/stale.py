"""The ``stale`` check: source text that changed since its translation was last synced.

The sync record is the document's PO file (its msgids, and ``#| msgid`` on fuzzy
entries after ``po update``), the configured sync point (a folder or a commit holding
the source as it was), or the source as it stood in git when its translation was last
committed. The recorded source and today's are matched in order (difflib), and each
changed unit is paired with the recorded unit it replaced; an edit is reported unless
it is cosmetic (:func:`aomi18n.text.cosmetic_change`: spacing, wrapping, typographic
quotes, a sentence's first letter).
"""

from __future__ import annotations

import difflib

from ..model import Finding, Severity
from ..text import collapse, cosmetic_change, word_diff
from . import PairContext, check
from .coverage import loc

#: A changed unit and a recorded one in the same place are the same unit edited when
#: at least this similar (rapidfuzz ratio); otherwise the unit was rewritten.
SAME_UNIT = 50.0


def previous_texts(current: list[str], synced) -> dict[int, str]:
    """Current unit index -> the recorded text it replaced, for units changed since the sync."""
    out: dict[int, str] = {}
    known = synced.texts
    for i, cur in enumerate(current):
        old = synced.previous.get(cur)
        if old is not None and old != cur:
            out[i] = old
    order = list(synced.order)
    if not order:
        return out
    from rapidfuzz import fuzz  # here: a run from the cache never needs it (it costs an import)

    ops = difflib.SequenceMatcher(None, order, current, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag != "replace":
            continue
        olds = list(range(i1, i2))
        for j in range(j1, j2):
            if j in out or current[j] in known:
                continue
            best = max(olds, key=lambda k: fuzz.ratio(order[k], current[j]), default=None)
            if best is None:
                continue
            score = fuzz.ratio(order[best], current[j])
            # In a stretch of one old and one new unit, the new one replaced the old one,
            # however much it was rewritten; elsewhere, only a unit close enough.
            if score >= SAME_UNIT or (i2 - i1 == 1 and j2 - j1 == 1):
                out[j] = order[best]
                olds.remove(best)
    return out


@check("stale", Severity.WARNING, "Source text that changed since its translation was last synced (PO files, sync point, git history).")
def stale(ctx: PairContext):
    synced = ctx.synced
    if synced is None or ctx.alignment is None:
        return
    su = ctx.source_units
    current = [collapse(u.text) for u in su]
    changed = previous_texts(current, synced)
    if not changed:
        return
    src_name, tgt_name = ctx.names
    for link in ctx.alignment.links:
        if not link.source or not link.target:
            continue  # a source unit with no translation is the untranslated check's
        for i in link.source:
            old = changed.get(i)
            if old is None or cosmetic_change(old, current[i]):
                continue
            yield Finding(
                "stale", Severity.WARNING,
                f"the {src_name} changed since the {tgt_name} was synced ({synced.path}): {word_diff(old, current[i])}",
                source=loc(ctx.pair.source.path, su, (i,)),
                target=loc(ctx.pair.target.path, ctx.target_units, link.target), check="stale",
                details={"old": old, "new": current[i], "record": synced.path},
            )
