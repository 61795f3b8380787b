"""Suggestions for empty PO entries: translation memory first (offline), then, if asked,
machine translation. Every suggestion is marked fuzzy with where it came from, so a
translator reviews it before ``po import`` takes it (import skips fuzzy by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from .config import Config
from .glossary import Glossary
from .mt import MachineTranslator, TranslationError
from .pofiles import catalogs, read_po, write_po

CHUNK = 512  # rows of the score matrix computed at once (bounded memory on big corpora)


@dataclass(frozen=True)
class MemoryUnit:
    source: str
    target: str
    where: str


@dataclass
class Suggested:
    memory: int = 0
    machine: int = 0
    files: list[Path] = field(default_factory=list)
    error: str | None = None
    left: int = 0  # empty entries with no suggestion


def translation_memory(pos: dict[Path, polib.POFile]) -> list[MemoryUnit]:
    """Every confirmed translation of the project: translated, non-fuzzy PO entries."""
    seen: dict[str, MemoryUnit] = {}
    for path, po in pos.items():
        for e in po:
            if e.obsolete or not e.msgstr or "fuzzy" in e.flags:
                continue
            where = f"{e.occurrences[0][0]}:{e.occurrences[0][1]}" if e.occurrences else path.as_posix()
            seen.setdefault(e.msgid, MemoryUnit(e.msgid, e.msgstr, where))
    return list(seen.values())


def best_matches(queries: list[str], memory: list[MemoryUnit], min_score: float, scorer=fuzz.ratio) -> list[tuple[MemoryUnit, float] | None]:
    """The best memory unit for each query (or None under ``min_score``), scored in batches."""
    if not queries or not memory:
        return [None] * len(queries)
    choices = [m.source for m in memory]
    out: list[tuple[MemoryUnit, float] | None] = []
    for a in range(0, len(queries), CHUNK):
        scores = process.cdist(queries[a:a + CHUNK], choices, scorer=scorer, score_cutoff=min_score, workers=-1)
        for row in scores:
            k = int(row.argmax())
            out.append((memory[k], float(row[k])) if row[k] >= min_score and row[k] > 0 else None)
    return out


def _mark(e: polib.POEntry, note: str, text: str) -> None:
    e.msgstr = text
    if "fuzzy" not in e.flags:
        e.flags.append("fuzzy")
    e.tcomment = (e.tcomment + "\n" if e.tcomment else "") + note


def suggest(config: Config, glossary: Glossary | None, *, min_score: float | None = None,
            translator: MachineTranslator | None = None, dry_run: bool = False) -> Suggested:
    """Fill empty entries of every PO file of the project; returns what was done."""
    threshold = config.thresholds.tm_min_score if min_score is None else min_score
    pos = {p: read_po(p) for p in catalogs(config)}
    memory = translation_memory(pos)
    result = Suggested()
    empty = [(p, e) for p, po in pos.items() for e in po if not e.obsolete and e.msgid and not e.msgstr]
    matches = best_matches([e.msgid for _, e in empty], memory, threshold)
    touched: set[Path] = set()
    todo_mt = []
    for (path, e), m in zip(empty, matches):
        if m is not None:
            unit, score = m
            _mark(e, f"aomi18n: translation memory, {score:.0f}% match ({unit.where})", glossary.fix(unit.target)[0] if glossary else unit.target)
            result.memory += 1
            touched.add(path)
        else:
            todo_mt.append((path, e))
    if translator is not None:
        try:
            for path, e in todo_mt:
                _mark(e, f"aomi18n: machine translation ({translator.service})", translator.translate(e.msgid))
                result.machine += 1
                touched.add(path)
        except TranslationError as exc:
            result.error = f"{exc} — {result.machine} machine translations kept, the rest left empty"
        finally:
            translator.save()
    result.left = len(empty) - result.memory - result.machine
    for path in sorted(touched):
        if not dry_run:
            write_po(path, pos[path])
        result.files.append(path)
    return result
