"""The PO loop: export the aligned corpus to PO files, merge them when the French moves,
and bring the translators' msgstr back into the English documents.

An entry is one alignment link seen from the French: the French unit (or the French
units the English translates together) as msgid, the English it is aligned with as
msgstr. Texts are whitespace-collapsed (a wrapped paragraph is one line in the PO);
import compares collapsed text, so an entry nobody changed never rewrites a byte.
"""

from __future__ import annotations

import functools
import os
import re
import textwrap
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import __version__
from .analysis import Analysis, PairResult, pool_size
from .checks.coverage import unrelated_link
from .config import Config, Thresholds, build_time
from .errors import PoFileError
from .glossary import Term
from .langid import language_name
from .model import Finding
from .records import record
from .cache import SHARDS, fingerprint, load_sharded, shard_of, store_shard
from .parallel import TwoRounds
from .pofiles import (
    SHARED, SyncRecord, entries_text, entry_texts, head_text, header_field, key_of, po_path, pot_path, read_po, read_record,
    record_path, shared_po_path, write_po, write_record,
)
from .text import collapse
from .writer import Batch, check_writable, flush_early, unified_diff, write_bytes, write_text

FUZZY_KINDS = ("drift", "not-translated", "stale")


@record
class Segment:
    """One PO entry's worth of a document: French units, the English aligned with them."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    msgid: str
    msgstr: str
    line: int  # first French line
    en_lines: tuple[int, int] | None
    msgctxt: str | None = None

    @property
    def key(self) -> str:
        return key_of(self.msgctxt, self.msgid)

    @property
    def shareable(self) -> bool:
        """Whether its French may go to the shared catalog: one French unit, no context
        (a variant keeps its own English in its document's catalog)."""
        return self.msgctxt is None and len(self.source) == 1


def segments(result: PairResult, thresholds: Thresholds = Thresholds()) -> list[Segment]:
    """The entries of one source document, in document order, with msgctxt where needed.

    A 1-1 link of two blocks of 8+ words scoring under the configuration's
    ``unrelated_link`` (and not found to say the same by the meaning model) is no
    translation: the text in the target's place is about something else (English-only
    text beside new French). Its entry is empty, so an import inserts the translation
    and never replaces that text."""
    su, tu = result.source_units, result.target_units
    if result.pair.source is None:
        return []
    raw: list[Segment] = []
    if result.alignment is None:
        for i, u in enumerate(su):
            raw.append(Segment((i,), (), collapse(u.text), "", u.line, None))
    else:
        for link in result.alignment.links:
            if not link.source:
                continue
            msgid = "\n\n".join(collapse(su[i].text) for i in link.source)
            if unrelated_link(link, su, tu, thresholds):
                raw.append(Segment(link.source, (), msgid, "", su[link.source[0]].line, None))
                continue
            msgstr = "\n\n".join(collapse(tu[j].text) for j in link.target)
            en = (tu[link.target[0]].line, tu[link.target[-1]].end_line) if link.target else None
            raw.append(Segment(link.source, link.target, msgid, msgstr, su[link.source[0]].line, en))
    # Identical French with different English needs a context to stay apart.
    groups: dict[str, list[str]] = defaultdict(list)
    out = []
    for s in raw:
        variants = groups[s.msgid]
        if s.msgstr not in variants:
            variants.append(s.msgstr)
        k = variants.index(s.msgstr)
        out.append(s if k == 0 else Segment(s.source, s.target, s.msgid, s.msgstr, s.line, s.en_lines, f"variant {k + 1}"))
    return out


# -- building catalogs ------------------------------------------------------------------

def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M+0000", build_time())


@functools.lru_cache(maxsize=None)
def plural_forms(lang: str) -> str:
    """The gettext Plural-Forms of a language, from translate-toolkit's table (French:
    ``nplurals=2; plural=(n > 1);``, English: ``(n != 1)``); the English rule when the
    language is unknown."""
    from translate.lang import data

    entry = data.languages.get(lang) or data.languages.get(lang.replace("-", "_").split("_")[0])
    if entry is None:
        return "nplurals=2; plural=(n != 1);"
    return f"nplurals={entry[1]}; plural={entry[2]};"


def _project_name(root: Path) -> str:
    """The project folder's name (the root may be relative: resolved from here)."""
    return _resolved_name(root, os.getcwd())


@functools.lru_cache(maxsize=64)
def _resolved_name(root: Path, cwd: str) -> str:
    return root.resolve().name or "aomi18n"


def _header(config: Config, source: str | None, target: str | None, template: bool) -> dict[str, str]:
    now = _now()
    meta = {
        "Project-Id-Version": _project_name(config.root),
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE" if template else now,
        "Last-Translator": "" if template else "aomi18n",
        "Language-Team": "" if template else config.target_lang,
        "Language": "" if template else config.target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(config.target_lang),
        "X-Generator": f"aomi18n {__version__}",
    }
    if source:
        meta["X-Aomi18n-Source"] = source
    if target:
        meta["X-Aomi18n-Target"] = target
    return meta


def _project_path(folder: str, relpath: str) -> str:
    return f"{folder.rstrip('/')}/{relpath}"


def _target_for(config: Config, result: PairResult) -> str:
    """The translated document of a pair, or where a missing one will be created (the source's name)."""
    p = result.pair
    return _project_path(config.target_dir, (p.target or p.source).relpath)


def _notes(analysis: Analysis, result: PairResult, seg: Segment, findings: list[Finding], target: str | None,
           names: tuple[str, str], terms: dict[str, Term]) -> str:
    notes = []
    src_name, tgt_name = names
    if len(seg.source) == 1 and result.unit_terms is not None:  # as the checks found them
        found = [terms[fr] for fr in result.unit_terms[seg.source[0]]]
    else:
        found = analysis.glossary.terms_in(seg.msgid)
    for t in found:
        notes.append(f"Glossary: {t.label()}" + (f" ({t.note})" if t.note else ""))
    if seg.en_lines and target is not None:
        a, b = seg.en_lines
        notes.append(f"{tgt_name}: {target}:{a}" + (f"-{b}" if b != a else ""))
    if len(seg.source) > 1:
        notes.append(f"{len(seg.source)} {src_name} paragraphs translated together; keep one blank line between paragraphs.")
    if len(seg.target) > 1:
        notes.append(f"The {tgt_name} has {len(seg.target)} paragraphs here; keep one blank line between them.")
    for f in findings:
        notes.append(f"{f.kind}: {f.message}")
    return "\n".join(notes)


def _findings_by_segment(result: PairResult, segs: list[Segment]) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = defaultdict(list)
    su = result.source_units
    spans = [(su[s.source[0]].line, su[s.source[-1]].end_line) for s in segs]
    for f in result.findings:
        if f.source is None or f.kind in ("missing-document", "untranslated"):
            continue
        for k, (a, b) in enumerate(spans):
            if a <= f.source.end_line and f.source.line <= b:
                out[k].append(f)
                break
    return out


#: A shareable entry of a document: (msgid, msgstr, first line).
Candidate = tuple[str, str, int]


def _candidates(segs: list[Segment]) -> tuple[Candidate, ...]:
    """The entries of a document that may go to the shared catalog (:attr:`Segment.shareable`)."""
    return tuple((s.msgid, s.msgstr, s.line) for s in segs if s.shareable)


def shared_msgids(per_doc: list[tuple[str, tuple[Candidate, ...]]]) -> set[str]:
    """French found in several documents with one and the same English: translated once,
    in the shared catalog."""
    seen: dict[str, set[str]] = defaultdict(set)
    strs: dict[str, set[str]] = defaultdict(set)
    for src, cands in per_doc:
        for msgid, msgstr, _ in cands:
            seen[msgid].add(src)
            strs[msgid].add(msgstr)
    return {m for m, docs in seen.items() if len(docs) > 1 and len(strs[m]) == 1}


def _names(config: Config) -> tuple[str, str]:
    return language_name(config.source_lang), language_name(config.target_lang)


def _catalog(config: Config, src: str, tgt: str, template: bool = False, created: str | None = None) -> polib.POFile:
    """A document's catalog (or template) with its header and no entries yet."""
    src_name, tgt_name = _names(config)
    po = polib.POFile(wrapwidth=79)
    po.header = (f"{tgt_name} translation of {src}.\nmsgid: the {src_name}; msgstr: the {tgt_name} ({tgt}).\n"
                 "Made by aomi18n; bring it back with 'aomi18n po import'.")
    po.metadata = _header(config, src, tgt, template)
    if created is not None:
        po.metadata["POT-Creation-Date"] = created
    return po


def _doc_catalog(analysis: Analysis, r: PairResult, segs: list[Segment], shared_ids: set[str],
                 terms: dict[str, Term]) -> tuple[polib.POFile, SyncRecord]:
    """The catalog and sync record of one document: its entries but the shared ones."""
    config = analysis.config
    names = _names(config)
    src = _project_path(config.source_dir, r.pair.source.relpath)
    tgt = _target_for(config, r)
    po = _catalog(config, src, tgt)
    rec = SyncRecord(src, tgt)
    by_key: dict[str, polib.POEntry] = {}
    found = _findings_by_segment(r, segs)
    for k, s in enumerate(segs):
        if s.shareable and s.msgid in shared_ids:
            continue
        e = by_key.get(s.key)
        if e is None:
            fuzzy = bool(s.msgstr) and any(f.kind in FUZZY_KINDS for f in found.get(k, ()))
            e = polib.POEntry(msgid=s.msgid, msgstr=s.msgstr, msgctxt=s.msgctxt, occurrences=[],
                              comment=_notes(analysis, r, s, found.get(k, []), tgt if r.pair.target else None, names, terms),
                              flags=["fuzzy"] if fuzzy else [])
            by_key[s.key] = e
            po.append(e)
            rec.entries[s.key] = s.msgstr
        e.occurrences.append((src, str(s.line)))
    return po, rec


def _shared_catalog(analysis: Analysis, per_doc: list[tuple[str, tuple[Candidate, ...]]],
                    shared_ids: set[str]) -> tuple[polib.POFile, SyncRecord] | None:
    """The catalog of the French shared by several documents, its entries in the order
    they first occur, each with every place it occurs."""
    if not shared_ids:
        return None
    config = analysis.config
    src_name, tgt_name = _names(config)
    shared = polib.POFile(wrapwidth=79)
    shared.header = (f"{src_name} found in several documents with the same {tgt_name}: translated once, "
                     "used everywhere.")
    shared.metadata = _header(config, None, None, False)
    rec = SyncRecord(SHARED, None)
    entries: dict[str, polib.POEntry] = {}
    for src, cands in per_doc:
        for msgid, msgstr, line in cands:
            if msgid not in shared_ids:
                continue
            e = entries.get(msgid)
            if e is None:
                e = entries[msgid] = polib.POEntry(msgid=msgid, msgstr=msgstr, occurrences=[])
                shared.append(e)
                rec.entries[key_of(None, msgid)] = msgstr
            e.occurrences.append((src, str(line)))
    for e in shared:
        e.comment = "\n".join(f"Glossary: {t.label()}" for t in analysis.glossary.terms_in(e.msgid))
        e.comment = (e.comment + "\n" if e.comment else "") + f"Shared by {len(e.occurrences)} places; translated once."
    return shared, rec


def template(po: polib.POFile, config: Config) -> polib.POFile:
    pot = polib.POFile(wrapwidth=79)
    pot.header = po.header
    pot.metadata = _header(config, po.metadata.get("X-Aomi18n-Source"), po.metadata.get("X-Aomi18n-Target"), True)
    pot.metadata["POT-Creation-Date"] = po.metadata.get("POT-Creation-Date", _now())
    for e in po:
        if not e.obsolete:
            pot.append(polib.POEntry(msgid=e.msgid, msgctxt=e.msgctxt, msgstr="", occurrences=list(e.occurrences), comment=e.comment))
    return pot


def _path_of(config: Config, relpath: str) -> Path:
    return shared_po_path(config) if relpath == SHARED else po_path(config, relpath)


def _entries_text(po: polib.POFile) -> str:
    """The file's entries as they read, not as they are laid out: what decides whether it
    changed (an editor's own line wrapping of comments and strings is no change)."""
    def norm(text: str | None) -> str:
        return " ".join((text or "").split())

    rows = []
    for e in po:
        rows.append(repr((bool(e.obsolete), e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()),
                          sorted(e.flags), e.previous_msgctxt, e.previous_msgid, norm(e.comment), e.tcomment,
                          [tuple(o) for o in e.occurrences])))
    return "\n".join(rows)


def _write_po(path: Path, po: polib.POFile, old: polib.POFile | None, batch: Batch) -> bool:
    """Write unless only the dates would change (keeps reruns byte-stable)."""
    if old is not None and _entries_text(old) == _entries_text(po):
        for name in ("POT-Creation-Date", "PO-Revision-Date"):
            if name in old.metadata:
                po.metadata[name] = old.metadata[name]
        if old.metadata == po.metadata:
            return False
    return write_po(path, po, batch)


@dataclass
class Written:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=lambda: defaultdict(int))


#: One entry rendered apart: (its French if it may go to the shared catalog, else None;
#: its PO text; its POT text; its key; its msgstr; its state: translated, fuzzy, untranslated).
_Piece = tuple[str | None, str, str, str, str, str]


@dataclass
class _Pieces:
    """One document's catalog before the shared catalog is known: its candidates for
    that catalog, and each of its entries rendered apart. Which entries go to the shared
    catalog depends on the other documents; nothing else in them does, so the pieces of
    every document can be made at once (in worker processes), then joined."""

    candidates: tuple[Candidate, ...]
    #: None where one key has shareable French in one place and not in another (a
    #: paragraph alone and the same text merged with others cannot share a key, as the
    #: merged text holds a blank line): the catalog is then made whole.
    entries: list[_Piece] | None

    def joined(self, shared_ids: set[str], src: str, tgt: str) -> dict:
        """The document's entries (PO and POT), sync record and counts, without those
        in the shared catalog: what :func:`_doc_catalog` and :func:`entries_text` make."""
        kept = [p for p in self.entries if p[0] not in shared_ids]
        stats: dict[str, int] = defaultdict(int)
        for p in kept:
            stats["entries"] += 1
            stats[p[5]] += 1
        return {"po": "\n".join(p[1] for p in kept), "pot": "\n".join(p[2] for p in kept),
                "record": SyncRecord(src, tgt, {p[3]: p[4] for p in kept}).to_json(), "stats": dict(stats)}


def _pieces(analysis: Analysis, r: PairResult, terms: dict[str, Term]) -> _Pieces:
    segs = segments(r, analysis.config.thresholds)
    po, _ = _doc_catalog(analysis, r, segs, set(), terms)
    shareable: dict[str, bool] = {}  # key -> whether its French may go to the shared catalog
    for s in segs:
        if shareable.setdefault(s.key, s.shareable) != s.shareable:
            return _Pieces(_candidates(segs), None)
    width = po.wrapwidth
    entries = []
    for e in po:
        key = key_of(e.msgctxt, e.msgid)
        entries.append((e.msgid if shareable[key] else None, *entry_texts(e, width), key, e.msgstr, _state(e)))
    return _Pieces(_candidates(segs), entries)


@dataclass
class _Files:
    """One document's PO file and template as an export writes them now."""

    rel: str
    path: Path
    template: Path
    render: dict
    head: polib.POFile  # the catalog's header (no entries)
    pot: polib.POFile | None  # the template's header; None without templates
    po: polib.POFile | None  # the catalog itself, where it was made in this run
    rec: SyncRecord | None
    po_same: bool | None = None  # the file holds this under its own dates (None: no file)
    pot_same: bool | None = None

    def text(self, template: bool = False) -> str:
        """The PO file (or its template) as written: the header, then the entries."""
        return _with_body(head_text(self.pot if template else self.head), self.render["pot" if template else "po"])


class _Plan:
    """What an export or an update writes per document, from the cache where it can be.

    A document's files besides their headers (its entries, its template's, its sync
    record) are kept in the analysis's cache under the pair's key, the French its
    catalog shares with others, and the configuration it names. An unchanged pair is
    written again without reading its documents (so analyze ``lazy``).

    The work runs in two rounds (:meth:`run`), over worker processes with ``jobs``:
    first each document's entries are rendered apart (:func:`_pieces`) and its
    candidates for the shared catalog sent back; then, the shared French known, each
    worker joins the entries of the documents it rendered, writes the files of those
    that have none yet, and keeps its part of the cache. The documents are handed out
    by the cache's shards, so each shard is kept by the one worker that holds all of it.
    Only the candidates, and the entries of documents whose files exist (compared
    here), cross between processes."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.config = analysis.config
        self.stored = load_sharded(analysis.cache, "po-export")
        self.docs = [r for r in analysis.results if r.pair.source]
        self._terms = {t.fr: t for t in analysis.glossary.terms}
        self._listings: dict[Path, set[str]] = {}
        self.pieces: dict[int, _Pieces] = {}  # in the process that rendered them
        self.rendered: dict[int, dict] = {}  # the entries as written, of the documents handled here
        self.cands: list[tuple[str, tuple[Candidate, ...]]] = []
        self.shared_ids: set[str] = set()
        self._todo = {i for i, r in enumerate(self.docs) if not (r.key and r.key in self.stored)}
        self._groups: dict[str, list[int]] = {shard: [] for shard in SHARDS}
        for i, r in enumerate(self.docs):
            self._groups[shard_of(r.key) if r.key else SHARDS[i % len(SHARDS)]].append(i)

    def run(self, jobs: int | None, staged: dict[int, list[list]] | None = None,
            templates: bool = True) -> dict[int, tuple[list[str], dict]]:
        """Both rounds. ``staged``: the temporary names (see :meth:`Batch.reserve`) of the
        documents whose files (:meth:`new_files`) are written by the workers. Returns,
        for each of those, the names used and its counts; every other document's entries
        are in :attr:`rendered`."""
        staged = staged or {}
        work = max(len(self._todo), len(staged))
        with TwoRounds(self._first, self._then, list(self._groups.items()), pool_size(jobs, work) if work else 1) as rounds:
            cands: dict[int, tuple[Candidate, ...]] = {}
            for part in rounds.first():
                cands.update(part)
            self.cands = [(_project_path(self.config.source_dir, r.pair.source.relpath),
                           cands[i] if i in cands else self.stored[r.key]["candidates"])
                          for i, r in enumerate(self.docs)]
            self.shared_ids = shared_msgids(self.cands)
            parts = rounds.then((self.shared_ids, staged, templates))
        made = {}
        for part in parts:
            for i, got in part.items():
                if i in staged:
                    made[i] = got
                else:
                    self.rendered[i] = got if got is not None else self.stored[self.docs[i].key]
        return made

    def _first(self, group: tuple[str, list[int]]) -> dict[int, tuple[Candidate, ...]]:
        """The first round, for one shard's documents (in a worker: see :class:`TwoRounds`):
        the entries of those the cache does not hold rendered apart and kept here; their
        candidates for the shared catalog, given back."""
        out = {}
        for i in group[1]:
            if i in self._todo:
                p = self.pieces[i] = _pieces(self.analysis, self.docs[i].full(), self._terms)
                out[i] = p.candidates
        return out

    def _then(self, group: tuple[str, list[int]], arg: tuple[set[str], dict[int, list[list]], bool]) -> dict:
        """The second round, for one shard's documents: the staged ones' files written (the
        names used and the counts given back), the others' entries as written given back
        (None: the cache's); the shard kept in the cache."""
        self.shared_ids, staged, templates = arg
        out: dict[int, object] = {}
        kept: dict[str, dict] = {}
        for i in group[1]:
            r = self.docs[i]
            stored = self.stored.get(r.key) if r.key else None
            if i in staged:
                render, names = self._stage(i, staged[i], templates)
                out[i] = (names, render["stats"])
            else:
                render = self.render(i)[0]
                out[i] = None if render is stored else render
            if r.key:
                kept[r.key] = render
        shard = group[0]
        if kept != {k: v for k, v in self.stored.items() if shard_of(k) == shard}:
            store_shard(self.analysis.cache, "po-export", shard, kept)
        return out

    def catalog(self, i: int) -> tuple[PairResult, polib.POFile, SyncRecord]:
        """Document ``i`` read whole, its catalog and sync record."""
        r = self.docs[i] = self.docs[i].full()
        return r, *_doc_catalog(self.analysis, r, segments(r, self.config.thresholds), self.shared_ids, self._terms)

    def _candidates_of(self, i: int) -> tuple[Candidate, ...]:
        p = self.pieces.get(i)
        return p.candidates if p is not None else self.stored[self.docs[i].key]["candidates"]

    def render(self, i: int) -> tuple[dict, polib.POFile | None, SyncRecord | None]:
        """Document ``i``'s entries as written: given back by the workers, from the cache,
        joined from its pieces, or made now (then with its catalog and sync record)."""
        if i in self.rendered:
            return self.rendered[i], None, None
        r, config = self.docs[i], self.config
        candidates = self._candidates_of(i)
        shared_mask = bytes(msgid in self.shared_ids for msgid, _, _ in candidates)
        key = fingerprint(r.key, shared_mask, config.source_dir, config.target_dir, config.source_lang, config.target_lang)
        render = self.stored.get(r.key) if r.key else None
        pieces = self.pieces.pop(i, None)
        po = rec = None
        if render is None or render["key"] != key:
            if pieces is not None and pieces.entries is not None:
                src, tgt = _project_path(config.source_dir, r.pair.source.relpath), _target_for(config, r)
                render = {"candidates": pieces.candidates, "key": key, **pieces.joined(self.shared_ids, src, tgt)}
            else:
                r, po, rec = self.catalog(i)
                render = {"candidates": candidates, "key": key, "po": entries_text(po, po.wrapwidth),
                          "pot": entries_text(po, po.wrapwidth, template=True), "record": rec.to_json(),
                          "stats": _stats(po)}
        return render, po, rec

    def files(self, i: int, templates: bool) -> _Files:
        """Document ``i``'s files: where they go, what they hold, and whether those on disk
        already hold it (under their own dates)."""
        config, r = self.config, self.docs[i]
        rel = r.pair.source.relpath
        render, po, rec = self.render(i)
        src, tgt = _project_path(config.source_dir, rel), _target_for(config, r)
        head = _catalog(config, src, tgt)
        f = _Files(rel, po_path(config, rel), pot_path(config, rel), render, head, None, po, rec)
        f.po_same = _same_file(f.path, head, render["po"]) if self._listed(f.path) else None
        if templates:  # the template's creation date is its catalog's (the file's own, if unchanged)
            f.pot = _catalog(config, src, tgt, True, head.metadata["POT-Creation-Date"])
            if f.po_same is not False and self._listed(f.template):  # else compared entry by entry, or new
                f.pot_same = _same_file(f.template, f.pot, render["pot"])
        return f

    def new_files(self, i: int, templates: bool) -> list[Path] | None:
        """Document ``i``'s PO file, sync record and template (without templates: none)
        where none of them exists yet; None where one does."""
        config, rel = self.config, self.docs[i].pair.source.relpath
        paths = [po_path(config, rel), record_path(config, rel)] + ([pot_path(config, rel)] if templates else [])
        return None if any(self._listed(p) for p in paths) else paths

    def _stage(self, i: int, staged: list[list], templates: bool) -> tuple[dict, list[str]]:
        """Document ``i``'s new files (:meth:`new_files`) written to the temporary names
        ``staged`` holds: its render and the names used."""
        f = self.files(i, templates)
        texts = [f.text(), f.render["record"]] + ([f.text(template=True)] if f.pot is not None else [])
        for entry, text in zip(staged, texts):
            Batch.stage(entry, text.encode("utf-8"))
        return f.render, [entry[0] for entry in staged]

    def _listed(self, path: Path) -> bool:
        """Whether ``path``'s folder held an entry of that name when first looked at. One
        listing per folder instead of a look-up per file: the look-up of a name that does not
        exist waits while the batch's threads create files in that folder."""
        folder = path.parent
        names = self._listings.get(folder)
        if names is None:
            try:
                names = self._listings[folder] = set(os.listdir(folder))
            except OSError:  # no such folder (a file of that name: the write will say so)
                names = self._listings[folder] = set()
        return path.name in names

    def catalog_of(self, i: int, f: _Files) -> tuple[polib.POFile, SyncRecord]:
        """Document ``i``'s catalog and sync record, made now if its entries came from the cache."""
        if f.po is None:
            _, f.po, f.rec = self.catalog(i)
        return f.po, f.rec

    def shared(self) -> tuple[polib.POFile, SyncRecord] | None:
        return _shared_catalog(self.analysis, self.cands, self.shared_ids)


def export(analysis: Analysis, *, force: bool = False, templates: bool = True, jobs: int | None = None) -> Written:
    """Write a PO file (and POT) per French document; existing PO files are left to ``update``.

    Each document's entries come from the cache where its pair is unchanged (see
    :class:`_Plan`). A file that exists is compared as text under its own dates, and
    where that differs, entry by entry as :func:`_export_existing` does. The files of
    documents that have none yet are written by the workers, to temporary names the
    batch reserves first (removed if anything fails) and renames on commit."""
    config = analysis.config
    flusher = flush_early()  # the disk writes what is pending while the entries are made
    try:
        plan = _Plan(analysis)
        out = Written()
        with Batch() as batch:
            staged = {i: [batch.reserve(p) for p in paths] for i in range(len(plan.docs))
                      if (paths := plan.new_files(i, templates)) is not None}
            made = plan.run(jobs, staged, templates)
            for i in range(len(plan.docs)):
                if i in made:
                    names, stats = made[i]
                    for entry, name in zip(staged[i], names):
                        entry[0] = name
                    for entry in staged[i][::2]:  # the PO file and its template (not the sync record)
                        _record_write(out, entry[1], True)
                    for k, v in stats.items():
                        out.stats[k] += v
                    continue
                f = plan.files(i, templates)
                if f.po_same is False or f.pot_same is False:  # compared entry by entry
                    _export_existing(out, config, f.rel, *plan.catalog_of(i, f), force, templates, batch)
                    continue
                _record_write(out, f.path, not f.po_same and write_text(f.path, f.text(), batch))
                write_text(record_path(config, f.rel), f.render["record"], batch)
                if f.pot is not None:
                    _record_write(out, f.template, not f.pot_same and write_text(f.template, f.text(template=True), batch))
                for k, v in f.render["stats"].items():
                    out.stats[k] += v
            shared = plan.shared()
            if shared is not None:
                _export_existing(out, config, SHARED, *shared, force, templates, batch)
    finally:
        if flusher is not None:
            flusher.join()
    return out


_DATE_FIELD = {name: re.compile(rf'^"{name}: ([^"\\]*)\\n"$', re.M) for name in ("POT-Creation-Date", "PO-Revision-Date")}


def _same_file(path: Path, catalog: polib.POFile, body: str) -> bool | None:
    """Whether the file at ``path`` holds ``body`` under ``catalog``'s header but for its
    dates, which are then taken into ``catalog`` (None: no such file; False: it differs,
    or was laid out otherwise: for the entry by entry comparison)."""
    if not path.is_file():
        return None
    try:
        old = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    dates = {}
    for name, pattern in _DATE_FIELD.items():
        m = pattern.search(old)
        if m is None:
            return False
        dates[name] = m.group(1)
    was = dict(catalog.metadata)
    catalog.metadata.update((k, v) for k, v in dates.items() if k in catalog.metadata)
    if _with_body(head_text(catalog), body) == old:
        return True
    catalog.metadata = was
    return False


def _with_body(head: str, body: str) -> str:
    text = head + ("\n" + body if body else "")
    return text if text.endswith("\n") else text + "\n"


def _export_existing(out: Written, config: Config, rel: str, po: polib.POFile, rec: SyncRecord, force: bool,
                     templates: bool, batch: Batch) -> None:
    """Export one catalog whose files may exist: one that holds other entries is left to
    ``update`` (unless ``force``); one that holds the same keeps its dates."""
    path = _path_of(config, rel)
    old = read_po(path) if path.is_file() else None
    if old is not None and not force and _entries_text(old) != _entries_text(po):
        out.skipped.append((path, "exists with other content; 'aomi18n po update' merges it (or --force to start over)"))
        return
    _record_write(out, path, _write_po(path, po, old, batch))
    write_record(record_path(config, rel), rec, batch)
    if templates:
        tp = pot_path(config, rel)
        _record_write(out, tp, _write_po(tp, template(po, config), read_po(tp) if tp.is_file() else None, batch))
    _count(out, po)


def _stats(po: polib.POFile) -> dict[str, int]:
    out = Written()
    _count(out, po)
    return dict(out.stats)


def _count(out: Written, po: polib.POFile) -> None:
    for e in po:
        out.stats["entries"] += 1
        out.stats[_state(e)] += 1


def _state(e: polib.POEntry) -> str:
    return "translated" if e.translated() else ("fuzzy" if "fuzzy" in e.flags else "untranslated")


def _record_write(out: Written, path: Path, changed: bool) -> None:
    (out.written if changed else out.unchanged).append(path)


def update(analysis: Analysis, *, templates: bool = True, jobs: int | None = None) -> Written:
    """Merge the corpus's current French into the PO files, keeping every translation.

    Same French: the translator's msgstr, flags and comments are kept. French that
    changed a little: the old translation, marked fuzzy, with ``#| msgid`` holding
    the previous French. New French: the aligned English (or empty). French that
    vanished: obsolete (``#~``), never dropped.
    """
    config = analysis.config
    plan = _Plan(analysis)
    plan.run(jobs)
    out = Written()
    with Batch() as batch:
        for i in range(len(plan.docs)):
            f = plan.files(i, templates)
            # Files that are what an export writes now (nobody changed them, and neither did
            # the French): the merge would keep them as they are.
            if f.po_same and (f.pot is None or f.pot_same):
                out.unchanged.extend([f.path] if f.pot is None else [f.path, f.template])
                write_text(record_path(config, f.rel), f.render["record"], batch)
                out.stats["kept"] += f.render["stats"].get("entries", 0)
                continue
            _update_one(out, config, f.rel, *plan.catalog_of(i, f), templates, batch)
        shared = plan.shared()
        if shared is not None:
            _update_one(out, config, SHARED, *shared, templates, batch)
    return out


def _update_one(out: Written, config: Config, rel: str, new: polib.POFile, rec: SyncRecord, templates: bool,
                batch: Batch) -> None:
    """Merge one document's catalog as the French has it now into its PO file."""
    from rapidfuzz import fuzz, process

    threshold = config.thresholds.po_fuzzy_match
    path = _path_of(config, rel)
    old = read_po(path) if path.is_file() else None
    if old is not None:
        old_rec = read_record(record_path(config, rel))
        old_live = {key_of(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
        used: set[str] = set()
        for e in new:
            k = key_of(e.msgctxt, e.msgid)
            o = old_live.get(k)
            if o is not None:
                used.add(k)
                exported = old_rec.entries.get(k) if old_rec else None
                if o.msgstr and o.msgstr != e.msgstr and o.msgstr != exported:
                    # The translator's work, not imported yet: it stays, and so does the record of the export.
                    e.msgstr = o.msgstr
                    if exported is not None:
                        rec.entries[k] = exported
                e.tcomment = o.tcomment
                if "fuzzy" in o.flags and "fuzzy" not in e.flags and e.msgstr == o.msgstr:
                    e.flags.append("fuzzy")
                    e.previous_msgid = o.previous_msgid
                    e.previous_msgctxt = o.previous_msgctxt
                out.stats["kept"] += 1
        candidates = {k: o for k, o in old_live.items() if k not in used and o.msgstr}
        choices = {k: o.msgid for k, o in candidates.items()}
        by_msgstr: dict[str, str] = {}
        for k, o in candidates.items():
            by_msgstr.setdefault(o.msgstr, k)
        for e in new:
            k = key_of(e.msgctxt, e.msgid)
            if k in used or k in old_live:
                continue
            best = process.extractOne(e.msgid, choices, scorer=fuzz.ratio, score_cutoff=threshold) if choices else None
            ok = best[2] if best is not None else None
            if ok is None:
                if e.msgstr:
                    # English nobody confirmed for French the PO never held: to review.
                    # The entry whose translation it is (the same msgstr) names the
                    # French it translated; that entry still becomes obsolete.
                    if "fuzzy" not in e.flags:
                        e.flags.append("fuzzy")
                    was = by_msgstr.get(e.msgstr)
                    if was is not None and was in candidates:
                        e.previous_msgid = candidates[was].msgid
                        e.previous_msgctxt = candidates[was].msgctxt
                out.stats["new"] += 1
                continue
            o = candidates[ok]
            e.msgstr = o.msgstr if not e.msgstr or e.msgstr == o.msgstr else e.msgstr
            if "fuzzy" not in e.flags:
                e.flags.append("fuzzy")
            e.previous_msgid = o.msgid
            e.previous_msgctxt = o.msgctxt
            e.tcomment = o.tcomment
            used.add(ok)
            del choices[ok]
            out.stats["fuzzy"] += 1
        for k, o in old_live.items():
            if k not in used:
                o.obsolete = True
                new.append(o)
                out.stats["obsolete"] += 1
        live = {key_of(e.msgctxt, e.msgid) for e in new}
        for o in old.obsolete_entries():
            if key_of(o.msgctxt, o.msgid) not in live:
                new.append(o)
    if old is not None:
        # Header fields a translator or an editor (Poedit, Weblate) set are theirs
        # (Last-Translator, Language-Team, PO-Revision-Date, X-Generator...), as
        # msgmerge keeps them; aomi18n owns only what names the documents.
        new.metadata = {**new.metadata, **{k: v for k, v in old.metadata.items() if k not in _OWNED_HEADERS}}
    _record_write(out, path, _write_po(path, new, old, batch))
    write_record(record_path(config, rel), rec, batch)
    if templates:
        tp = pot_path(config, rel)
        _record_write(out, tp, _write_po(tp, template(new, config), read_po(tp) if tp.is_file() else None, batch))


_OWNED_HEADERS = {"X-Aomi18n-Source", "X-Aomi18n-Target", "POT-Creation-Date", "Content-Type",
                  "Content-Transfer-Encoding", "MIME-Version"}


# -- import -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: conflict: {self.message}"


@dataclass
class Imported:
    changed: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # path -> (old, new)
    created: list[str] = field(default_factory=list)
    applied: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "po-file:line: refused: reason"

    def diff(self) -> str:
        return "".join(unified_diff(path, old, new) for path, (old, new) in self.changed.items())


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str
    seq: int


def _rewrap(new: str, original: str, newline: str) -> str:
    """Lay out ``new`` as ``original`` was: one line, or wrapped at its width with its indent."""
    lines = original.splitlines()
    if len(lines) <= 1:
        return new.replace("\n", newline)
    width = max(len(x) for x in lines)
    indent = lines[1][: len(lines[1]) - len(lines[1].lstrip())]
    paras = [_safe_wrap(p, max(width, 20), indent) for p in new.split("\n\n")]
    return (newline * 2).join(p.replace("\n", newline) for p in paras)


# What a line may not start with once wrapped: it would begin a list item, a heading, a
# quote, a table row, a fence or a setext underline ("- ", "3. ", "# ", "> ", "|").
_BLOCK_START = re.compile(r"(?:[-*+]|\d{1,9}[.)]|#{1,6}|>|\||`{3}|~{3}|={2,}|-{2,})(?:\s|$)")


def _safe_wrap(text: str, width: int, indent: str) -> str:
    """``textwrap.fill``, but a word that would start a block when it begins a line stays
    at the end of the line before (a prose "- " or "3." never becomes a list item)."""
    lines = textwrap.wrap(text, width=width, subsequent_indent=indent, break_long_words=False,
                          break_on_hyphens=False)
    out: list[str] = []
    for line in lines:
        body = line[len(indent):] if out and line.startswith(indent) else line
        if out and _BLOCK_START.match(body):
            out[-1] = out[-1] + " " + body
        else:
            out.append(line)
    return "\n".join(out)


_FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.M)
_DIRECTIVE = re.compile(r"<!--\s*aomi18n\s*:", re.I)
#: A blank line, spaces or tabs on it or not: a new paragraph in Markdown.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BLOCK_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)]|#{1,6}|>|\|)(?:[ \t]|$)|^[ \t]*(?:={3,}|-{3,})[ \t]*$", re.M)


def _breaks(text: str) -> int:
    return len(_PARAGRAPH_BREAK.findall(text))


def unsafe_msgstr(msgid: str, msgstr: str, current: str = "") -> str | None:
    """Why a translation may not be imported as it is, or None. Text from a PO file or a
    machine translation is data: it may not open a code block, silence the checks, or
    start blocks (a heading, a list, a new paragraph) that neither the source entry nor
    the text it replaces has."""
    if _FENCE_LINE.search(msgstr) and not _FENCE_LINE.search(msgid):
        return "it holds a code fence (```), which the source entry has not"
    if _DIRECTIVE.search(msgstr) and not _DIRECTIVE.search(msgid):
        return "it holds an aomi18n comment (<!-- aomi18n: ... -->), which the source entry has not"
    if _breaks(msgstr) > max(_breaks(msgid), _breaks(current)):
        return "it has more paragraphs (blank lines) than the source entry"
    new_blocks = len(_BLOCK_LINE.findall(msgstr))
    if new_blocks > max(len(_BLOCK_LINE.findall(msgid)), len(_BLOCK_LINE.findall(current))):
        return "a line of it starts a heading, list item, quote or table row that the source entry has not"
    if "\x00" in msgstr or any(ord(c) < 32 and c not in "\n\t" for c in msgstr):
        return "it holds control characters"
    return None


def _replace_edits(text: str, tu, seg: Segment, msgstr: str, newline: str, seq: int) -> list[_Edit]:
    units = [tu[j] for j in seg.target]
    parts = msgstr.split("\n\n")
    if len(units) > 1 and len(parts) == len(units):
        return [_Edit(u.start, u.end, _rewrap(p, text[u.start:u.end], newline), seq) for u, p in zip(units, parts)]
    start, end = units[0].start, units[-1].end
    return [_Edit(start, end, _rewrap(msgstr, text[start:end], newline), seq)]


def _insert_edit(result: PairResult, segs: list[Segment], k: int, msgstr: str, seq: int) -> _Edit:
    """Insert a newly translated French unit after the English of the segment before it."""
    doc = result.pair.target
    src = result.pair.source
    nl = doc.newline
    fr_unit = result.source_units[segs[k].source[0]]
    sentence_level = result.level == "sentences"
    if sentence_level:
        body = msgstr.replace("\n", " ")
    else:
        fb = src.blocks[fr_unit.block]
        prefix = fb.text[: fb.content_start - fb.start]
        suffix = fb.text[fb.content_end - fb.start:]
        body = prefix + msgstr.replace("\n", nl) + suffix.replace("\r\n", "\n").replace("\n", nl)
    anchor = None
    for prev in reversed(segs[:k]):
        if prev.target:
            anchor = result.target_units[prev.target[-1]]
            break
    blank_style = (nl + nl) in doc.text  # paragraphs apart by blank lines, or one block per line
    if anchor is None:  # nothing translated before it: before the first English unit
        first = result.target_units[0] if result.target_units else None
        if first is None:
            lead = nl if doc.text and not doc.text.endswith(("\n", "\r")) else ""
            return _Edit(len(doc.text), len(doc.text), lead + body + nl, seq)
        at = first.start if sentence_level else doc.blocks[first.block].start
        return _Edit(at, at, body + (" " if sentence_level else nl * (2 if blank_style else 1)), seq)
    if sentence_level:
        return _Edit(anchor.end, anchor.end, " " + body, seq)
    block = doc.blocks[anchor.block]
    blank = doc.text.startswith(nl + nl, block.end) or (blank_style and block.index == len(doc.blocks) - 1)
    if fb.kind == block.kind and fb.kind in ("list_item", "table_row", "quote"):
        blank = False  # the next item of a list (or row of a table) follows without a blank line
    return _Edit(block.end, block.end, (nl * 2 if blank else nl) + body, seq)


def _apply(text: str, edits: list[_Edit]) -> str:
    for e in sorted(edits, key=lambda e: (e.start, e.seq), reverse=True):
        text = text[: e.start] + e.text + text[e.end:]
    return text


def _create_text(result: PairResult, segs: list[Segment], entries: dict[str, polib.POEntry]) -> str:
    """A new English document from the French one, each translated unit's text replaced."""
    src = result.pair.source
    su = result.source_units
    edits = []
    for k, s in enumerate(segs):
        e = entries.get(s.key)
        if e is None or not e.msgstr:
            continue
        start, end = su[s.source[0]].start, su[s.source[-1]].end
        edits.append(_Edit(start, end, _rewrap(e.msgstr, src.text[start:end], src.newline), k))
    return _apply(src.text, edits)


def import_po(analysis: Analysis, *, fuzzy: bool = False, force: bool = False, keep: float = 80.0,
              dry_run: bool = False, only: set[str] | None = None) -> Imported:
    """Write translated msgstr back into the English documents (see module doc).

    ``keep``: a missing English document is created only when at least this share
    (percent of French words) is translated, as po4a does.
    """
    from .text import word_count

    config = analysis.config
    res = Imported()
    pending: list[tuple[Path, bytes]] = []  # written at the end, all or none
    shared_path = shared_po_path(config)
    shared: dict[str, polib.POEntry] = {}
    shared_rec = read_record(record_path(config, SHARED))
    if shared_path.is_file():
        shared = {key_of(e.msgctxt, e.msgid): e for e in read_po(shared_path) if not e.obsolete}
    for r in analysis.results:
        if r.pair.source is None:
            continue
        path = po_path(config, r.pair.source.relpath)
        if only is not None and path.as_posix() not in only and str(path) not in only:
            continue
        if not path.is_file() and not shared:
            continue
        po = read_po(path) if path.is_file() else None
        entries = {key_of(e.msgctxt, e.msgid): e for e in po if not e.obsolete} if po is not None else {}
        rec = read_record(record_path(config, r.pair.source.relpath))
        if po is not None:
            _check_header(po, path, config, r)
        segs = segments(r, config.thresholds)
        lookup = {**shared, **entries}
        usable = functools.partial(_usable, fuzzy=fuzzy)

        if r.pair.target is None:
            done = sum(word_count(s.msgid) for s in segs if usable(lookup.get(s.key)))
            total = sum(word_count(s.msgid) for s in segs) or 1
            if done == 0:
                continue
            target = _target_for(config, r)
            if 100.0 * done / total < keep:
                res.skipped.append(f"{target}: not created, {100.0 * done / total:.0f}% translated (under {keep:.0f}%; --keep to lower)")
                continue
            safe = {}
            for k, e in lookup.items():
                if usable(e):
                    why = unsafe_msgstr(e.msgid, e.msgstr)
                    if why is None:
                        safe[k] = e
                    else:
                        res.refused.append(f"{path}:{getattr(e, 'linenum', 0) or 1}: refused: {why} "
                                           f"(entry {_short(e.msgid)!r}); the rest is imported")
            text = _create_text(r, segs, safe)
            data = r.pair.source.encode(text)
            out = config.root / target
            if out.exists() and not force:
                res.conflicts.append(Conflict(target, 1, "exists but is not paired with its source document; pair it in the configuration or use --force"))
                continue
            res.changed[target] = (b"", data)
            res.created.append(target)
            res.applied += sum(1 for s in segs if usable(lookup.get(s.key)))
            if not dry_run:
                pending.append((out, data))
            continue
        doc = r.pair.target
        # Target text the alignment left alone: a translation imported before that does
        # not align (yet) is there already, and an import never inserts it twice.
        alone = {collapse(r.target_units[j].text) for link in (r.alignment.links if r.alignment else ())
                 if not link.source for j in link.target}
        edits: list[_Edit] = []
        applied_keys: list[tuple[str, str, bool]] = []
        for k, s in enumerate(segs):
            e = lookup.get(s.key)
            if not usable(e):
                continue
            new, cur = e.msgstr, s.msgstr
            if collapse(new) == collapse(cur) and _breaks(new) == _breaks(cur):
                continue
            why = unsafe_msgstr(e.msgid, new, cur)
            if why is not None:
                line = getattr(e, "linenum", 0) or 1
                res.refused.append(f"{path}:{line}: refused: {why} (entry {_short(e.msgid)!r}); the rest is imported")
                continue
            is_shared = s.key in shared and s.key not in entries
            record = shared_rec if is_shared else rec
            exported = record.entries.get(s.key) if record else None
            if exported is not None and collapse(new) == collapse(exported) and exported.strip():
                # What the sync record says was exported or imported last: nobody changed
                # the entry since, so it writes nothing (an import twice = once).
                continue
            if cur:
                if exported is not None and collapse(new) == collapse(exported):
                    continue  # the translator did not touch it; the English was edited since: keep that
                if not force and (exported is None or collapse(cur) != collapse(exported)):
                    why = "the translation was edited since the export" if exported is not None else "no sync record says what was exported"
                    en_line = s.en_lines[0] if s.en_lines else 1
                    res.conflicts.append(Conflict(doc.path, en_line, f"{why}; the PO says {_short(new)!r}, the document says {_short(cur)!r} (left as it is; --force to take the PO's)"))
                    continue
                edits.extend(_replace_edits(doc.text, r.target_units, s, new, doc.newline, k))
            else:
                if collapse(new) in alone:
                    continue  # already in the document (imported before, not aligned since): not again
                edits.append(_insert_edit(r, segs, k, new, k))
            applied_keys.append((s.key, new, is_shared))
        if not edits:
            continue
        text = _apply(doc.text, edits)
        data = doc.encode(text)
        old = doc.encode()
        if data == old:
            continue
        res.changed[doc.path] = (old, data)
        res.applied += len(applied_keys)
        if not dry_run:
            pending.append((config.target_path / doc.relpath, data))
            if rec is not None:
                for key, new, is_shared in applied_keys:
                    if not is_shared:
                        rec.entries[key] = new
                pending.append((record_path(config, r.pair.source.relpath), rec.to_json().encode("utf-8")))
    # Every file this import writes can be written, or none is: a document rewritten and
    # its sync record not would make the next import see a hand edit.
    check_writable(path for path, _ in pending)
    for path, data in pending:
        write_bytes(path, data)
    return res


def _usable(e: polib.POEntry | None, fuzzy: bool) -> bool:
    """A translated entry that import may take (fuzzy ones only when asked)."""
    return e is not None and bool(e.msgstr) and (fuzzy or "fuzzy" not in e.flags)


def _short(text: str, width: int = 60) -> str:
    text = collapse(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _check_header(po: polib.POFile, path: Path, config: Config, r: PairResult) -> None:
    src = header_field(po, "X-Aomi18n-Source")
    want = _project_path(config.source_dir, r.pair.source.relpath)
    if src is not None and src != want:
        raise PoFileError(f"says it translates {src!r}, but it is the PO file of {want!r}", path, 1)
    tgt = header_field(po, "X-Aomi18n-Target")
    if tgt is not None:
        resolved = (config.root / tgt).resolve()
        if Path(tgt).is_absolute() or config.target_path.resolve() not in resolved.parents:
            raise PoFileError(f"names the translated document {tgt!r}, outside the target folder {config.target_dir!r}", path, 1)
