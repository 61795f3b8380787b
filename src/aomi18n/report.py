"""The completeness report for the president's office: HTML (one self-contained file),
Markdown, JSON; and the figures ``status`` shows in the terminal.

Every figure comes from :func:`report_data`, so the HTML, the Markdown, the JSON (a
superset of ``check --format json``) and ``status`` agree by construction.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .reports import findings_json
from .ui import strings

STATES = ("translated", "drift", "stale", "untranslated", "missing")


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def report_data(analysis: Analysis) -> dict[str, Any]:
    data = findings_json(analysis)
    docs = []
    occurrences = 0
    for r, f in zip(analysis.results, data["pairs"]):  # check's JSON already holds each pair's figures
        if r.pair.source is None:
            continue
        words = f["words"]
        state_words = {"translated": f["translated_words"], "drift": f["drifted_words"], "stale": f["stale_words"],
                       "untranslated": f["untranslated_words"], "missing": f["missing_words"]}
        if r.pair.target is not None:
            occurrences += sum(len(analysis.glossary.find_fr(u.text)) for u in r.source_units)
        docs.append({
            "title": r.pair.source.title if r.pair.source.blocks else Path(r.pair.source.path).name,
            "source": r.pair.source.path,
            "target": r.pair.target.path if r.pair.target else None,
            "words": words,
            "blocks": f["blocks"],
            "translated_blocks": f["translated_blocks"],
            "states": state_words,
            "coverage": _pct(f["translated_words"], words),
            "findings": len(r.findings),
        })
    summary = data["summary"]
    glossary_findings = summary["by_kind"].get("glossary", 0)
    data["report"] = {
        "coverage_words": summary["coverage"],
        "coverage_blocks": _pct(summary["translated_blocks"], summary["blocks"]),
        # No glossary, no compliance figure (None): the report says so instead of "100 %".
        "glossary": {"configured": bool(analysis.glossary.terms), "occurrences": occurrences,
                     "findings": glossary_findings,
                     "compliance": _pct(max(0, occurrences - glossary_findings), occurrences)
                     if analysis.glossary.terms else None},
        "documents": sorted(docs, key=lambda d: (d["coverage"], -d["words"])),
        "missing": [d["source"] for d in docs if d["target"] is None],
    }
    return data


def _side_by_side(analysis: Analysis) -> list[dict[str, Any]]:
    out = []
    for r in analysis.results:
        if not r.pair.paired or r.alignment is None:
            continue
        su, tu = r.source_units, r.target_units
        rows = []
        for link in r.alignment.links:
            fr_lines = (su[link.source[0]].line, su[link.source[-1]].end_line) if link.source else None
            en_lines = (tu[link.target[0]].line, tu[link.target[-1]].end_line) if link.target else None
            marks = []
            for f in r.findings:
                hit_fr = f.source and fr_lines and f.source.line <= fr_lines[1] and fr_lines[0] <= f.source.end_line
                hit_en = f.target and en_lines and f.target.line <= en_lines[1] and en_lines[0] <= f.target.end_line
                if hit_fr or hit_en:
                    marks.append({"kind": f.kind, "severity": str(f.severity), "message": f.message})
            rows.append({
                "fr": "\n\n".join(su[i].text for i in link.source), "en": "\n\n".join(tu[j].text for j in link.target),
                "fr_line": fr_lines[0] if fr_lines else None, "en_line": en_lines[0] if en_lines else None,
                "findings": marks,
            })
        out.append({"source": r.pair.source.path, "target": r.pair.target.path, "rows": rows})
    return out


def render_html(analysis: Analysis, lang: str = "en") -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("aomi18n", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined)
    data = report_data(analysis)
    return env.get_template("report.html.j2").render(
        data=data, r=data["report"], t=strings(lang, analysis.config.source_lang, analysis.config.target_lang),
        lang=lang, states=STATES,
        pairs=_side_by_side(analysis), generated=time.strftime("%Y-%m-%d %H:%M"),
    )


_MD_SPECIAL = re.compile(r"[\\`*_\[\]()!|#~]")


def render_markdown(analysis: Analysis, lang: str = "en") -> str:
    t = strings(lang, analysis.config.source_lang, analysis.config.target_lang)
    data = report_data(analysis)
    rep = data["report"]

    def cell(text: str) -> str:
        # Corpus text and file names are data: nothing of them may become HTML (a raw
        # <script>, <svg onload>) or Markdown markup (links, images, emphasis, code).
        text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _MD_SPECIAL.sub(r"\\\g<0>", text).replace("\n", " ")

    out = [f"# {t['title']}", "",
           f"- {t['coverage_words']}: **{rep['coverage_words']}%**",
           f"- {t['coverage_blocks']}: **{rep['coverage_blocks']}%**",
           (f"- {t['glossary_compliance']}: **{rep['glossary']['compliance']}%** "
            f"({rep['glossary']['occurrences'] - min(rep['glossary']['findings'], rep['glossary']['occurrences'])} "
            f"{t['of']} {rep['glossary']['occurrences']} {t['terms_checked']})"
            if rep["glossary"]["configured"] else f"- {t['glossary_compliance']}: {t['no_glossary']}"),
           f"- {t['findings']}: **{data['summary']['findings']}**", "",
           f"## {t['documents']}", "",
           f"| {t['document']} | {t['english']} | {t['words']} | % | " + " | ".join(t[s] for s in STATES) + " |",
           "|---|---|---:|---:|" + "---:|" * len(STATES)]
    for d in rep["documents"]:
        out.append(f"| {cell(d['source'])} | {cell(d['target'] or '—')} | {d['words']} | {d['coverage']} | "
                   + " | ".join(str(d["states"][s]) for s in STATES) + " |")
    out += ["", f"## {t['no_english']}", ""]
    out += [f"- {cell(m)}" for m in rep["missing"]] or [t["none"]]
    out += ["", f"## {t['all_findings']}", "", f"| {t['kind']} | {t['where']} | {t['message']} |", "|---|---|---|"]
    for f in data["findings"]:
        loc = f["target"] or f["source"]
        out.append(f"| {t.get('kind_' + f['kind'], f['kind'])} | {cell(loc['path'])}:{loc['lines'][0]} | {cell(f['message'])} |")
    return "\n".join(out) + "\n"
