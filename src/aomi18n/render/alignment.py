"""Documents' segments and alignments as text, JSON and TMX (``segments`` and ``align``)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from ..documents import Unit
from ..model import Alignment, Document


def segments_json(doc: Document) -> dict[str, Any]:
    return {
        "path": doc.path,
        "lang": doc.lang,
        "lang_confidence": doc.lang_confidence,
        "newline": {"\n": "LF", "\r\n": "CRLF", "\r": "CR"}[doc.newline],
        "bom": doc.bom,
        "final_newline": doc.final_newline,
        "blocks": [
            {
                "index": b.index,
                "kind": b.kind,
                "lines": [b.line, b.end_line],
                "offsets": [b.start, b.end],
                "level": b.level,
                "number": b.number,
                "marker": b.marker,
                "lang": b.lang,
                "text": b.content if b.translatable else b.text,
                "sentences": [
                    {"lines": [s.line, s.end_line], "offsets": [s.start, s.end], "text": s.text} for s in b.sentences
                ],
            }
            for b in doc.blocks
        ],
    }


def segments_text(doc: Document) -> str:
    out = [f"{doc.path}: {len(doc.blocks)} blocks, language {doc.lang or '?'} ({doc.lang_confidence:.2f})\n"]
    for b in doc.blocks:
        span = f"{b.line}" if b.line == b.end_line else f"{b.line}-{b.end_line}"
        extra = f" #{b.number}" if b.number else ""
        lvl = f" L{b.level}" if b.level else ""
        out.append(f"{span:>7}  {b.kind}{extra}{lvl} [{b.lang or '-'}]  {_short(b.content if b.translatable else b.text)}\n")
        if len(b.sentences) > 1:
            for s in b.sentences:
                sspan = f"{s.line}" if s.line == s.end_line else f"{s.line}-{s.end_line}"
                out.append(f"{sspan:>7}    . {_short(s.text, 90)}\n")
    return "".join(out)


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _span(us: list[Unit], idx: tuple[int, ...]) -> list[int] | None:
    if not idx:
        return None
    return [us[idx[0]].line, us[idx[-1]].end_line]


def alignment_json(src: Document, tgt: Document, su: list[Unit], tu: list[Unit], al: Alignment, level: str, langs) -> dict[str, Any]:
    return {
        "source": {"path": src.path, "lang": langs[0], "units": len(su)},
        "target": {"path": tgt.path, "lang": langs[1], "units": len(tu)},
        "segments": level,
        "links": [{"source": _span(su, l.source), "target": _span(tu, l.target), "score": l.score, "type": l.kind,
                   **({"meaning": l.meaning} if l.meaning is not None else {})} for l in al.links],
    }


def alignment_text(src: Document, tgt: Document, su: list[Unit], tu: list[Unit], al: Alignment) -> str:
    out = [f"{src.path} <-> {tgt.path}: {len(al.links)} links\n"]
    for l in al.links:
        s = _span(su, l.source)
        t = _span(tu, l.target)
        left = f"{s[0]}-{s[1]}" if s else "-"
        right = f"{t[0]}-{t[1]}" if t else "-"
        out.append(f"{left:>9} {l.kind:>4} {right:<9} {l.score:.2f}  {_short(' '.join(su[i].text for i in l.source), 45):45}  {_short(' '.join(tu[j].text for j in l.target), 45)}\n")
    return "".join(out)


def alignment_tmx(su: list[Unit], tu: list[Unit], al: Alignment, langs) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n',
        f'  <header creationtool="aomi18n" creationtoolversion="0.1" segtype="paragraph" o-tmf="aomi18n" adminlang="en" srclang="{langs[0]}" datatype="plaintext"/>\n  <body>\n',
    ]
    for l in al.links:
        if not l.source or not l.target:
            continue
        s = " ".join(su[i].text for i in l.source)
        t = " ".join(tu[j].text for j in l.target)
        out.append(f'    <tu><tuv xml:lang="{langs[0]}"><seg>{escape(s)}</seg></tuv><tuv xml:lang="{langs[1]}"><seg>{escape(t)}</seg></tuv></tu>\n')
    out.append("  </body>\n</tmx>\n")
    return "".join(out)
