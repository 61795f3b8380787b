"""Renderers: turn documents, alignments and findings into text, JSON, TMX, ...

Renderers return strings; writing files is the writer's job (``aomi18n.io``).
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from .documents import Unit
from .langid import language_name
from .model import Alignment, Document


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
        "links": [{"source": _span(su, l.source), "target": _span(tu, l.target), "score": l.score, "type": l.kind} for l in al.links],
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


# --- findings -------------------------------------------------------------------

def findings_text(analysis) -> str:
    """Compiler-style lines: ``path:line: kind: message``, then a summary."""
    out = []
    src, tgt = analysis.config.source_lang, analysis.config.target_lang
    src_name, tgt_name = language_name(src), language_name(tgt)
    for f in analysis.findings:
        loc = f.primary
        where = f"{loc.path}:{loc.line}" if loc else "-"
        other = f" [{src} {f.source.path}:{f.source.line}]" if f.target and f.source else ""
        out.append(f"{where}: {f.severity}: {f.kind}: {f.message}{other}\n")
    s = analysis.summary()
    kinds = ", ".join(f"{v} {k}" for k, v in s["by_kind"].items()) or "no findings"
    out.append(
        f"\n{s['documents']['source']} {src_name} documents, {s['documents']['paired']} with {tgt_name}; "
        f"{tgt_name} coverage {s['coverage']}% of {s['words']} {src_name} words; {s['findings']} findings ({kinds})"
        + (f"; {s['suppressed']} suppressed" if s["suppressed"] else "") + "\n"
    )
    return "".join(out)


def findings_json(analysis) -> dict[str, Any]:
    pairs = []
    for r in analysis.results:
        d = r.pair.to_dict()
        d.update(r.figures())
        pairs.append(d)
    return {
        # Version 2: finding sides are "source" and "target" (version 1 said "fr" and "en").
        "version": 2,
        "tool": {"name": "aomi18n", "version": _version()},
        "languages": {"source": analysis.config.source_lang, "target": analysis.config.target_lang},
        "pairs": pairs,
        "findings": [f.to_dict() for f in analysis.findings],
        "summary": analysis.summary(),
    }


def _version() -> str:
    from . import __version__

    return __version__


def findings_github(analysis) -> str:
    """GitHub Actions workflow commands (::error file=...,line=...::message)."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    out = []
    for f in analysis.findings:
        loc = f.primary
        msg = f.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if loc:
            out.append(f"::{level[str(f.severity)]} file={loc.path},line={loc.line},endLine={loc.end_line},title=aomi18n {f.kind}::{msg}\n")
        else:
            out.append(f"::{level[str(f.severity)]} title=aomi18n {f.kind}::{msg}\n")
    return "".join(out)


def findings_junit(analysis) -> str:
    """JUnit XML: one testsuite per source document, one failing testcase per finding.

    Valid against both Jenkins' and Ant's JUnit schemas (Ant's wants properties,
    system-out/err, timestamp, hostname, id and package on every suite). The
    timestamp honours SOURCE_DATE_EPOCH.
    """
    import socket
    import time
    import xml.etree.ElementTree as ET

    from . import __version__
    from .config import build_time

    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", build_time())
    host = socket.gethostname() or "localhost"
    root = ET.Element("testsuites")
    # The root carries no attributes: Ant's schema allows none (Jenkins' allows them).
    for k, r in enumerate(analysis.results):
        name = (r.pair.source or r.pair.target).path
        # one testcase per finding, or one passing testcase for a clean document
        suite = ET.SubElement(root, "testsuite", name=name, package="aomi18n", id=str(k), timestamp=stamp,
                              hostname=host, tests=str(len(r.findings) or 1), failures=str(len(r.findings)),
                              errors="0", time="0")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="aomi18n.version", value=__version__)
        for f in r.findings:
            loc = f.primary
            case = ET.SubElement(suite, "testcase", name=f"{loc.path}:{loc.line}" if loc else name,
                                 classname="aomi18n." + f.kind, time="0")
            ET.SubElement(case, "failure", type=f.kind, message=f.message).text = f.message
        if not r.findings:
            ET.SubElement(suite, "testcase", name=name, classname="aomi18n", time="0")
        ET.SubElement(suite, "system-out")
        ET.SubElement(suite, "system-err")
    ET.indent(root, "  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def findings_sarif(analysis) -> dict[str, Any]:
    """SARIF 2.1.0, one rule per check kind."""
    from .checks import REGISTRY

    level = {"error": "error", "warning": "warning", "info": "note"}
    rules = [
        {"id": c.id, "name": c.id, "shortDescription": {"text": c.description},
         "defaultConfiguration": {"level": level[str(c.severity)]}}
        for c in REGISTRY.values()
    ]
    results = []
    for f in analysis.findings:
        locs = []
        for loc in (f.target, f.source):
            if loc:
                locs.append({"physicalLocation": {"artifactLocation": {"uri": loc.path},
                                                  "region": {"startLine": loc.line, "endLine": loc.end_line}}})
        res = {"ruleId": f.kind, "level": level[str(f.severity)], "message": {"text": f.message}}
        if locs:
            res["locations"] = locs[:1]
            if len(locs) > 1:
                res["relatedLocations"] = [dict(l, id=k) for k, l in enumerate(locs[1:])]
        results.append(res)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "aomi18n", "version": _version(), "informationUri": "https://example.invalid/aomi18n", "rules": rules}},
                  "results": results}],
    }


def _term_rows(glossary) -> list[tuple[str, ...]]:
    rows = []
    for t in glossary.terms:
        english = "(keep as is)" if t.keep else " | ".join(t.en_forms)
        rows.append((" | ".join(t.fr_forms), english, ", ".join(t.forbidden), t.category, t.note))
    return rows


def glossary_text(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    head = (source_lang, target_lang, "forbidden", "category", "note")
    rows = [head] + _term_rows(glossary)
    widths = [min(40, max(len(r[c]) for r in rows)) for c in range(4)]
    out = []
    for r in rows:
        cells = [(r[c] if len(r[c]) <= widths[c] else r[c][: widths[c] - 1] + "…").ljust(widths[c]) for c in range(4)]
        out.append("  ".join(cells + [r[4]]).rstrip())
    return "\n".join(out) + f"\n\n{len(glossary.terms)} terms\n"


def glossary_csv(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([source_lang, target_lang, "forbidden", "category", "note"])
    w.writerows(_term_rows(glossary))
    return buf.getvalue()


def glossary_tbx(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    """TermBase eXchange through translate-toolkit (CAT tools, Weblate glossaries)."""
    from translate.storage import tbx

    store = tbx.tbxfile()
    store.setsourcelanguage(source_lang)
    store.settargetlanguage(target_lang)
    for t in glossary.terms:
        unit = store.addsourceunit(t.fr)
        unit.target = t.fr if t.keep else t.en
        notes = [t.note] if t.note else []
        if t.forbidden:
            notes.append("Never in English: " + ", ".join(t.forbidden))
        for n in notes:
            unit.addnote(n)
    return bytes(store).decode("utf-8")
