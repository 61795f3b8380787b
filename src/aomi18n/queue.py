"""The translators' work list: what to do first, how big it is, and where.

Built from the analysis's findings; words are the French words of each item, counted
as pocount counts them. Order: missing documents, untranslated, drifted, stale,
glossary, then the rest; within a kind, biggest first.
"""

from __future__ import annotations

import csv
import fnmatch
import io
from dataclasses import asdict, dataclass

from .analysis import Analysis
from .text import collapse, word_count

PRIORITY = ("missing-document", "untranslated", "not-translated", "drift", "stale", "glossary", "extra", "orphan-document")


@dataclass(frozen=True)
class Item:
    rank: int
    kind: str
    severity: str
    words: int
    document: str
    where: str
    message: str
    po: str = ""  # "po/en/x.po:12": the entry a translator opens, when there is one
    state: str = "to do"  # or "translated in the PO file, not imported yet"


def build_queue(analysis: Analysis, *, documents: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> list[Item]:
    items = []
    entries = _po_entries(analysis)
    for r in analysis.results:
        doc = r.pair.source.path if r.pair.source else r.pair.target.path
        if documents and not any(fnmatch.fnmatch(doc, d) or d in doc for d in documents):
            continue
        for f in r.findings:
            if kinds and f.kind not in kinds:
                continue
            if f.source is not None:
                words = sum(word_count(u.text) for u in r.source_units if f.source.line <= u.line <= f.source.end_line)
            else:
                words = 0
            if f.kind == "missing-document" and r.pair.source is not None:
                words = r.pair.source.words
            loc = f.source if f.kind in ("missing-document", "untranslated") or f.target is None else f.target
            rank = PRIORITY.index(f.kind) if f.kind in PRIORITY else len(PRIORITY)
            po, state = "", "to do"
            if f.source is not None and r.pair.source is not None and f.kind != "missing-document":
                texts = [collapse(u.text) for u in r.source_units if f.source.line <= u.line <= f.source.end_line]
                hit = entries.get(r.pair.source.relpath, {}).get(texts[0]) if texts else None
                if hit is not None:
                    po = hit[0]
                    if hit[1] and f.kind in ("untranslated", "missing-document"):
                        state = "translated in the PO file, not imported yet"
            items.append(Item(rank, f.kind, str(f.severity), words, doc, f"{loc.path}:{loc.line}", f.message, po, state))
    items.sort(key=lambda i: (i.rank, -i.words, i.where))
    return items


def _po_entries(analysis: Analysis) -> dict[str, dict[str, tuple[str, bool]]]:
    """Source relpath -> {source unit text: ("po-file:line", translated and not fuzzy)}."""
    from .errors import Aomi18nError
    from .pofiles import po_path, read_po

    out: dict[str, dict[str, tuple[str, bool]]] = {}
    for r in analysis.results:
        if r.pair.source is None:
            continue
        path = po_path(analysis.config, r.pair.source.relpath)
        if not path.is_file():
            continue
        try:
            po = read_po(path)
        except Aomi18nError:
            continue  # a broken PO file is the import's to report
        shown = path.relative_to(analysis.config.root).as_posix() if path.is_relative_to(analysis.config.root) else str(path)
        table = out.setdefault(r.pair.source.relpath, {})
        for e in po:
            if e.obsolete or not e.msgid:
                continue
            for part in e.msgid.split("\n\n"):
                table.setdefault(collapse(part), (f"{shown}:{e.linenum}", bool(e.msgstr) and "fuzzy" not in e.flags))
    return out


def queue_text(items: list[Item], source_lang: str = "fr", target_lang: str = "en") -> str:
    from .langid import language_name

    src, tgt = language_name(source_lang), language_name(target_lang)
    if not items:
        return f"Nothing to do: every {src} block has a current {tgt} translation.\n"
    rows = [("#", "kind", "words", "where", "what")]
    for n, i in enumerate(items, 1):
        msg = i.message if len(i.message) <= 90 else i.message[:89] + "…"
        if i.po:
            msg = f"[{i.po}{'; in PO, not imported' if i.state != 'to do' else ''}] {msg}"
        rows.append((str(n), i.kind, str(i.words), i.where, msg))
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    lines = [f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:<{widths[3]}}  {r[4]}" for r in rows]
    total = sum(i.words for i in items)
    return "\n".join(lines) + f"\n\n{len(items)} items, {total} {src} words\n"


def queue_json(items: list[Item]) -> dict:
    return {"version": 1, "items": [{k: v for k, v in asdict(i).items() if k != "rank"} | {"priority": n}
                                    for n, i in enumerate(items, 1)],
            "words": sum(i.words for i in items)}


def queue_csv(items: list[Item]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["priority", "kind", "severity", "words", "document", "where", "po", "state", "message"])
    for n, i in enumerate(items, 1):
        w.writerow([n, i.kind, i.severity, i.words, i.document, i.where, i.po, i.state, i.message])
    return buf.getvalue()
