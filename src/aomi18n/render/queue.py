"""The translators' queue as text, JSON and CSV (``queue``)."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

from ..queue import IN_PO, PARTLY, Item


def queue_text(items: list[Item], source_lang: str = "fr", target_lang: str = "en") -> str:
    """One item a line (rank, kind, words, where, PO entry), its source text beneath."""
    from ..langid import language_name

    src, tgt = language_name(source_lang), language_name(target_lang)
    if not items:
        return f"Nothing to do: every {src} block has a current {tgt} translation.\n"
    rows = [("#", "kind", "words", "where", "PO entry")]
    for n, i in enumerate(items, 1):
        waits = {IN_PO: " (translated, not imported yet)", PARTLY: " (partly translated, not imported yet)"}
        po = i.po + waits.get(i.state, "") if i.po else "-"
        rows.append((str(n), i.kind, str(i.words), i.where, po))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = []
    for k, r in enumerate(rows):
        lines.append(f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}".rstrip())
        if k:
            item = items[k - 1]
            lines.append(" " * (widths[0] + 2) + (f'"{item.text}"' if item.text else item.message))
    total = sum(i.words for i in items)
    waiting = [i for i in items if i.state in (IN_PO, PARTLY)]
    tail = f"\n{len(items)} items, {total} {src} words"
    if waiting:
        tail += (f"; {len(waiting)} of them translated in PO files (wholly or in part), not imported yet "
                 "(aomi18n po import)")
    return "\n".join(lines) + "\n" + tail + "\n"


def queue_json(items: list[Item]) -> dict:
    return {"version": 1, "items": [{k: v for k, v in asdict(i).items() if k != "rank"} | {"priority": n}
                                    for n, i in enumerate(items, 1)],
            "words": sum(i.words for i in items)}


def queue_csv(items: list[Item]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["priority", "kind", "severity", "words", "document", "where", "po", "state", "text", "message"])
    for n, i in enumerate(items, 1):
        w.writerow([n, i.kind, i.severity, i.words, i.document, i.where, i.po, i.state, i.text, i.message])
    return buf.getvalue()
