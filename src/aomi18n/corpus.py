"""Find the corpus documents and pair each French document with its English.

Pairs are made, in this order, from the configuration's explicit ``pairs``, from
identical relative paths (language tags such as ``.fr``/``_en`` ignored), and
from content for what is left: documents sharing numbers, names, cognates and
glossary acronyms, assigned one to one, best first. A French document with no
English is a result (a pair with no target), not an error.
"""

from __future__ import annotations

import fnmatch
import hashlib
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from .cache import Cache, fingerprint, slot_name
from .config import Config
from .documents import parse_document, read_bytes
from .errors import ConfigError, DocumentError
from .features import neutral_features
from .glossary import Glossary
from .model import Document, DocumentPair

T = TypeVar("T")
_LANG_TAG = re.compile(r"(?:[._-](?:fr|en|fra|eng|french|english))(?=\.[^.]+$|$)", re.I)


def discover(folder: Path, patterns: Iterable[str], exclude: Iterable[str] = (), root: Path | None = None) -> list[Path]:
    """Files under ``folder`` matching ``patterns``, sorted; never follows links out of ``root``."""
    if not folder.is_dir():
        if folder.exists() or folder.is_symlink():
            raise DocumentError("is not a folder (the configuration names it as a corpus folder)", folder)
        return []
    root_resolved = (root or folder).resolve()
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(folder).as_posix()
            if any(ord(c) < 32 or c == "\x7f" for c in rel):
                raise DocumentError(f"has a control character (a line break?) in its name: {rel!r}; rename it",
                                    Path(dirpath))
            if not any(_match(rel, pat) for pat in patterns) or any(_match(rel, pat) for pat in exclude):
                continue
            if p.is_symlink():
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):
                    raise DocumentError("is a symbolic link loop or points nowhere", p) from None
                if root_resolved not in target.parents:
                    raise DocumentError(f"is a link to {target}, outside the project", p)
            out.append(p)
    return out


def _match(rel: str, pattern: str) -> bool:
    if pattern.startswith("**/"):
        return fnmatch.fnmatch(rel, pattern[3:]) or fnmatch.fnmatch(rel, pattern)
    return fnmatch.fnmatch(rel, pattern)


@dataclass(frozen=True)
class SourceFile:
    """A corpus file found and read, not yet parsed: its bytes and their hash."""

    path: Path  # as found (for error messages)
    shown: str  # as printed in findings (relative to the project when it can be)
    relpath: str  # relative to its language folder
    data: bytes
    sha256: str


@dataclass(frozen=True)
class Corpus:
    config: Config
    sources: tuple[Document, ...]
    targets: tuple[Document, ...]


def scan(config: Config) -> tuple[tuple[SourceFile, ...], tuple[SourceFile, ...]]:
    """Find and read (not parse) every French and English file of the project."""
    if not config.source_path.is_dir():
        raise ConfigError(f"the source folder {config.source_dir!r} does not exist", config.config_file or config.root)

    def read_all(folder: Path) -> tuple[SourceFile, ...]:
        out = []
        for p in discover(folder, config.patterns, config.exclude, config.root):
            data = read_bytes(p, max_bytes=config.max_file_bytes)
            out.append(SourceFile(p, _shown(p, config.root), p.relative_to(folder).as_posix(), data,
                                  hashlib.sha256(data).hexdigest()))
        return tuple(out)

    return read_all(config.source_path), read_all(config.target_path)


def parse_file(f: SourceFile, config: Config, *, identify: bool = True, cache: Cache | None = None) -> Document:
    """Parse one file (through the cache when one is given)."""
    # How a file is read depends on its name's suffix (Markdown or not) too.
    key = fingerprint("document", f.sha256, f.path.suffix.lower(), config.languages, config.max_line_chars,
                      config.front_matter_keys, identify) if cache else ""
    slot = slot_name("document", f.shown, identify) if cache else ""
    doc = cache.get("documents", key, slot) if cache else None
    if doc is None:
        doc = parse_document(f.data, str(f.path), relpath=f.relpath, languages=config.languages,
                             max_line=config.max_line_chars, identify=identify,
                             front_matter_keys=config.front_matter_keys, sha256=f.sha256)
        if cache:
            cache.put("documents", key, doc, slot)
    if doc.path != f.shown or doc.relpath != f.relpath:
        doc = replace(doc, path=f.shown, relpath=f.relpath)
    return doc


def load_corpus(config: Config, *, identify: bool = True, cache: Cache | None = None) -> Corpus:
    """Read and parse every French and English document of the project once."""
    sources, targets = scan(config)
    return Corpus(config, tuple(parse_file(f, config, identify=identify, cache=cache) for f in sources),
                  tuple(parse_file(f, config, identify=identify, cache=cache) for f in targets))


def _shown(p: Path, root: Path) -> str:
    try:
        return p.relative_to(root).as_posix() if not root.is_absolute() or p.is_absolute() else str(p)
    except ValueError:
        return str(p)


def _strip_tag(rel: str) -> str:
    return _LANG_TAG.sub("", rel).lower()


def document_vector(doc: Document, acronyms: dict[str, str]) -> Counter:
    vec: Counter = Counter()
    for b in doc.translatable_blocks:
        vec.update(neutral_features(b.content, acronyms=acronyms))
    return vec


def _cosine(a: Counter, b: Counter, idf: dict[str, float]) -> float:
    dot = sum(math.sqrt(c) * math.sqrt(b[k]) * idf.get(k, 1.0) ** 2 for k, c in a.items() if k in b)
    na = math.sqrt(sum(c * idf.get(k, 1.0) ** 2 for k, c in a.items()))
    nb = math.sqrt(sum(c * idf.get(k, 1.0) ** 2 for k, c in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def pair_documents(corpus: Corpus, glossary: Glossary | None = None) -> list[DocumentPair]:
    """Pair French and English documents: manifest, then name, then content."""
    return [DocumentPair(s, t, m, c) for s, t, m, c in
            pair_items(corpus.sources, corpus.targets, corpus.config, glossary, lambda d: d)]


def pair_items(sources: Sequence[T], targets: Sequence[T], cfg: Config, glossary: Glossary | None,
               load: Callable[[T], Document]) -> list[tuple[T | None, T | None, str, float]]:
    """Pair items that have a ``relpath`` (files or documents): manifest, then name, then content.

    ``load`` turns an item into its Document; it is called only for the items that
    neither the manifest nor the names pair (content pairing reads them).
    """
    src_left = {d.relpath: d for d in sources}
    tgt_left = {d.relpath: d for d in targets}
    pairs: list[tuple[T | None, T | None, str, float]] = []
    sdir, tdir = cfg.source_dir.rstrip("/") + "/", cfg.target_dir.rstrip("/") + "/"
    for s_rel, t_rel in cfg.pairs:
        s_key = s_rel[len(sdir):] if s_rel.startswith(sdir) else s_rel
        t_key = t_rel[len(tdir):] if t_rel.startswith(tdir) else t_rel
        if s_key not in src_left:
            raise ConfigError(f"pairs: {s_rel!r} is not a document of the source folder", cfg.config_file or "configuration")
        if t_key not in tgt_left:
            raise ConfigError(f"pairs: {t_rel!r} is not a document of the target folder", cfg.config_file or "configuration")
        pairs.append((src_left.pop(s_key), tgt_left.pop(t_key), "manifest", 1.0))
    by_name = {_strip_tag(k): k for k in tgt_left}
    for rel in list(src_left):
        key = by_name.get(_strip_tag(rel))
        if key is not None and key in tgt_left:
            pairs.append((src_left.pop(rel), tgt_left.pop(key), "name", 1.0))
    if src_left and tgt_left:
        acronyms = {t.fr: t.en for t in glossary.terms} if glossary else {}
        svec = {k: document_vector(load(d), acronyms) for k, d in src_left.items()}
        tvec = {k: document_vector(load(d), {}) for k, d in tgt_left.items()}
        df: Counter = Counter()
        for v in list(svec.values()) + list(tvec.values()):
            df.update(v.keys())
        n = len(svec) + len(tvec)
        idf = {k: math.log(1.0 + n / c) for k, c in df.items()}
        scores = sorted(
            ((_cosine(svec[s], tvec[t], idf), s, t) for s in svec for t in tvec), key=lambda x: (-x[0], x[1], x[2])
        )
        for score, s, t in scores:
            if score < cfg.thresholds.pair_min_confidence:
                break
            if s in src_left and t in tgt_left:
                # Confidence: the score, lowered when the runner-up for either document is close.
                rivals = [x for x, s2, t2 in scores if (s2 == s) != (t2 == t) and s2 in src_left and t2 in tgt_left]
                margin = score - (max(rivals) if rivals else 0.0)
                conf = min(1.0, score * (0.5 + min(margin, 0.5)) * 2)
                pairs.append((src_left.pop(s), tgt_left.pop(t), "content", round(conf, 3)))
    for d in src_left.values():
        pairs.append((d, None, "none", 0.0))
    for d in tgt_left.values():
        pairs.append((None, d, "none", 0.0))
    order = {d.relpath: k for k, d in enumerate(sources)}
    pairs.sort(key=lambda p: (p[0] is None, order.get(p[0].relpath, 0) if p[0] else 0, p[1].relpath if p[1] else ""))
    return pairs
