"""Fixes aomi18n can make in the English documents by itself: glossary forms.

Only unambiguous fixes (a forbidden form with exactly one required form, "HCR" ->
"UNHCR"), only in translatable text (code, URLs and e-mail addresses are masked by the
glossary), applied twice equal to once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .glossary import Glossary
from .model import Document
from .writer import unified_diff


@dataclass
class Fixed:
    path: str
    old: bytes
    new: bytes
    replacements: list[tuple[int, str, str]] = field(default_factory=list)  # (line, old form, new form)

    def diff(self) -> str:
        return unified_diff(self.path, self.old, self.new)


def glossary_fixes(doc: Document, glossary: Glossary) -> Fixed | None:
    """The document with every unambiguous glossary fix made, or None when there is none."""
    pieces, pos, replacements = [], 0, []
    for b in doc.translatable_blocks:
        new, taken = glossary.fix(b.content)
        if not taken:
            continue
        pieces.append(doc.text[pos:b.content_start])
        pieces.append(new)
        pos = b.content_end
        for m, repl in taken:
            line = b.line + b.content[: m.start].count("\n")
            replacements.append((line, m.text, repl))
    if not replacements:
        return None
    pieces.append(doc.text[pos:])
    return Fixed(doc.path, doc.encode(), doc.encode("".join(pieces)), replacements)
