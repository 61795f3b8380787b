"""The domain model: frozen dataclasses that every stage passes downstream."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .langid import identify
from .records import record
from .sentences import split_sentences

#: Finding kinds: stable ids for --select, --ignore, --fail-on and the configuration.
KINDS = ("missing-document", "orphan-document", "untranslated", "not-translated", "extra", "drift", "stale", "glossary")

#: Block kinds whose text is meant to be translated.
TRANSLATABLE = frozenset({"heading", "paragraph", "list_item", "table_row", "quote", "meta"})


def is_translatable(kind: str, content: str) -> bool:
    """A block of a translatable kind with something in it."""
    return kind in TRANSLATABLE and bool(content.strip())


@dataclass(frozen=True)
class Location:
    """A place in a file: path as given and a 1-based inclusive line span."""

    path: str
    line: int
    end_line: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "lines": [self.line, self.end_line]}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@record
class Sentence:
    """A sentence inside a block, with its exact span in the document text."""

    index: int
    text: str
    start: int
    end: int
    line: int
    end_line: int


@record
class Block:
    """A heading, paragraph, list item, table row, code block... with exact spans.

    ``text`` is the block as it stands in the file (``doc.text[start:end]``);
    ``content`` is the translatable part (``doc.text[content_start:content_end]``),
    without the list marker or heading hashes.
    """

    index: int
    kind: str
    text: str
    content: str
    start: int
    end: int
    content_start: int
    content_end: int
    line: int
    end_line: int
    level: int = 0
    marker: str = ""
    number: str | None = None
    #: The languages to identify the block's among (none: not identified).
    languages: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @functools.cached_property
    def language(self) -> tuple[str | None, float]:
        """``(code, confidence)`` of a translatable block's text among :attr:`languages`,
        or ``(None, 0.0)``. Identified on first use: most blocks are never asked."""
        if not self.languages or not self.translatable:
            return None, 0.0
        lang, conf = identify(self.content, self.languages)
        return lang, round(conf, 3)

    @property
    def lang(self) -> str | None:
        return self.language[0]

    @property
    def lang_confidence(self) -> float:
        return self.language[1]

    @functools.cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """The sentences of a block of a translatable kind, with their spans and lines.

        Found on first use (aligning blocks never asks for them), from the block
        alone: a sentence's line is the block's plus the line breaks before it.
        """
        if self.kind not in TRANSLATABLE:
            return ()
        out = []
        for k, (s, e) in enumerate(split_sentences(self.content)):
            a, b = self.content_start + s, self.content_start + e
            # Sentences start and end on a non-space, never inside a "\r\n".
            first = self.line + _line_breaks(self.text, a - self.start)
            last = self.line + _line_breaks(self.text, max(a, b - 1) - self.start)
            out.append(Sentence(k, self.content[s:e], a, b, first, last))
        return tuple(out)

    @property
    def translatable(self) -> bool:
        # An empty heading ("#") or list marker ("-") has nothing to translate: an empty
        # unit would become msgid "", which is a PO file's header, not an entry.
        return is_translatable(self.kind, self.content)

    @property
    def words(self) -> int:
        from .text import word_count

        return word_count(self.content)


def _line_breaks(text: str, end: int) -> int:
    """How many line breaks (\\n, \\r\\n or a lone \\r) ``text[:end]`` holds."""
    return text.count("\n", 0, end) + text.count("\r", 0, end) - text.count("\r\n", 0, end)


@dataclass(frozen=True)
class Suppression:
    """An inline ``<!-- aomi18n: ignore KIND reason -->`` comment."""

    kinds: frozenset[str]
    reason: str
    line: int
    applies_to: int | None  # the index of the block it applies to, or None for the file


@dataclass(frozen=True)
class Document:
    """A corpus file read once: decoded text, newline style and its blocks."""

    path: str
    relpath: str
    text: str
    sha256: str
    bom: bool
    newline: str
    final_newline: bool
    blocks: tuple[Block, ...]
    lang: str | None = None
    lang_confidence: float = 0.0
    suppressions: tuple[Suppression, ...] = ()
    wrapped: bool = False

    @property
    def title(self) -> str:
        """What a reader calls the document: its front-matter title, else its first heading
        (markup aside), else its file name."""
        import re

        from .text import strip_markup

        def plain(text: str) -> str:
            return " ".join(re.sub(r"[`*]+|(?<!\w)_+|_+(?!\w)", "", strip_markup(text)).split())

        heading = None
        for b in self.blocks:
            if b.kind == "meta" and b.marker.lstrip().lower().startswith("title") and b.content.strip():
                return plain(b.content) or b.content.strip()
            if heading is None and b.kind == "heading" and b.content.strip():
                heading = plain(b.content) or b.content.strip()
        return heading or Path(self.relpath or self.path).name

    @property
    def translatable_blocks(self) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.translatable)

    @property
    def words(self) -> int:
        return sum(b.words for b in self.translatable_blocks)

    def location(self, block: Block | Sentence) -> Location:
        return Location(self.path, block.line, block.end_line)

    def encode(self, text: str | None = None) -> bytes:
        """Encode ``text`` (default: the document's own) as the file was encoded."""
        data = (self.text if text is None else text).encode("utf-8")
        return (b"\xef\xbb\xbf" + data) if self.bom else data


@dataclass(frozen=True)
class DocumentPair:
    """A source document and its translation (either may be missing)."""

    source: Document | None
    target: Document | None
    method: str  # "name", "manifest", "content" or "none"
    confidence: float

    @property
    def paired(self) -> bool:
        return self.source is not None and self.target is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.path if self.source else None,
            "target": self.target.path if self.target else None,
            "method": self.method,
            "confidence": round(self.confidence, 3),
        }


@record
class Link:
    """One alignment bead: unit indexes on each side (either may be empty)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float  # the features' similarity (the same scale with or without a meaning model)
    #: The meaning model's cosine of the two sides, where it was consulted (None elsewhere).
    meaning: float | None = None

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(frozen=True)
class Alignment:
    """Monotonic links covering every unit of both sides exactly once."""

    links: tuple[Link, ...]
    n_source: int
    n_target: int


class Severity(enum.IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (info, warning, error)") from None


@dataclass(frozen=True)
class Finding:
    """Something wrong with the translation, at a source and/or target place."""

    kind: str
    severity: Severity
    message: str
    source: Location | None = None
    target: Location | None = None
    check: str = ""
    term: str | None = None
    expected: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "severity": str(self.severity),
            "check": self.check or self.kind,
            "source": self.source.to_dict() if self.source else None,
            "target": self.target.to_dict() if self.target else None,
            "message": self.message,
        }
        if self.term is not None:
            out["term"] = self.term
            out["expected"] = self.expected
        if self.details:
            out["details"] = self.details
        return out

    @property
    def primary(self) -> Location | None:
        return self.target or self.source

    # The sides under the names of the project's first direction (French -> English),
    # kept for library users of version 1.
    @property
    def fr(self) -> Location | None:
        return self.source

    @property
    def en(self) -> Location | None:
        return self.target


def relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
