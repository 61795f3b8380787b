"""The translators' work list: what to do first, how big it is, and where.

Built from the analysis's findings; words are the French words of each item, counted
as pocount counts them. Order: missing documents, untranslated, drifted, stale,
glossary, then the rest; within a kind, biggest first. Each item says where its PO
entry is and whether a translator already translated it there (not imported yet); the
same PO lookup gives the report its three states (:func:`po_states`). Rendered by
:mod:`aomi18n.render.queue`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from .analysis import Analysis
from .text import collapse, word_count

IN_PO = "translated in the PO file, not imported yet"
PARTLY = "partly translated in the PO file, not imported yet"
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
    state: str = "to do"  # or IN_PO (translated in the PO file, not imported yet), or PARTLY
    text: str = ""  # the source text of the item, shortened


def build_queue(analysis: Analysis, *, documents: tuple[str, ...] = (), kinds: tuple[str, ...] = ()) -> list[Item]:
    items = []
    entries = po_entries(analysis)
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
            if f.source is not None and r.pair.source is not None:
                table = entries.get(r.pair.source.relpath, {})
                whole = f.kind == "missing-document"
                hits = [table.get(collapse(u.text)) for u in r.source_units
                        if whole or f.source.line <= u.line <= f.source.end_line]
                found = [h for h in hits if h is not None]
                if found:
                    po = found[0][0]
                if f.kind in ("untranslated", "missing-document") and any(h[1] for h in found):
                    state = IN_PO if all(h is not None and h[1] for h in hits) else PARTLY
            if f.kind == "missing-document" and r.pair.source is not None:
                po = po or _po_file(analysis, r.pair.source.relpath)
                text = r.pair.source.title
            else:
                units = r.source_units if f.source is not None else r.target_units
                span = f.source if f.source is not None else f.target
                text = " ".join(u.text for u in units if span and span.line <= u.line <= span.end_line)
            items.append(Item(rank, f.kind, str(f.severity), words, doc, f"{loc.path}:{loc.line}", f.message, po, state,
                              shorten(text)))
    items.sort(key=lambda i: (i.rank, -i.words, i.where))
    return items


def shorten(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _po_file(analysis: Analysis, relpath: str) -> str:
    """The PO file a document's entries go to, when it exists."""
    from .pofiles import po_path

    path = po_path(analysis.config, relpath)
    if not path.is_file():
        return ""
    root = analysis.config.root
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def po_states(analysis: Analysis, states: list[list[str]] | None = None) -> list[list[str]]:
    """Each pair's source units in three states for the office: "published" (the
    translation document has them), "in_po" (translated in a PO file, not imported yet)
    and "todo"; in the order of :attr:`Analysis.results`."""
    if states is None:  # each result's PairResult.unit_states(), when the caller has them
        states = [r.unit_states() if r.pair.source is not None else [] for r in analysis.results]
    # Only the PO files of documents with text to do are read.
    waiting = {r.pair.source.relpath for r, st in zip(analysis.results, states)
               if any(s in ("untranslated", "missing") for s in st)}
    entries = po_entries(analysis, waiting) if waiting else {}
    out = []
    for r, unit_states in zip(analysis.results, states):
        if r.pair.source is None:
            out.append([])
            continue
        table = entries.get(r.pair.source.relpath, {})
        row = []
        for u, state in zip(r.source_units, unit_states):
            if state in ("translated", "drift", "stale"):
                row.append("published")
            else:
                hit = table.get(collapse(u.text))
                row.append("in_po" if hit is not None and hit[1] else "todo")
        out.append(row)
    return out


def po_entries(analysis: Analysis, only: set[str] | None = None) -> dict[str, dict[str, tuple[str, bool]]]:
    """Source relpath -> {source unit text: ("po-file:line", translated and not fuzzy)},
    for the documents whose relpath is in ``only`` (default: all)."""
    from .errors import Aomi18nError
    from .pofiles import po_index, po_path

    out: dict[str, dict[str, tuple[str, bool]]] = {}
    for r in analysis.results:
        if r.pair.source is None or (only is not None and r.pair.source.relpath not in only):
            continue
        path = po_path(analysis.config, r.pair.source.relpath)
        if not path.is_file():
            continue
        try:
            entries = po_index(path)
        except Aomi18nError:
            continue  # an unreadable PO file is the import's to report
        shown = path.relative_to(analysis.config.root).as_posix() if path.is_relative_to(analysis.config.root) else str(path)
        table = out.setdefault(r.pair.source.relpath, {})
        for msgid, line, translated in entries:
            for part in msgid.split("\n\n"):
                table.setdefault(collapse(part), (f"{shown}:{line}", translated))
    return out
