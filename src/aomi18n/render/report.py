"""The completeness report's figures (JSON) and its Markdown; the HTML is in :mod:`.html`.

Every figure comes from :func:`report_data`, so the HTML, the Markdown, the JSON (a
superset of ``check --format json``) and ``status`` agree by construction.

The office reads source text in six states, each unit (paragraph, heading, list item)
counted once, in its most serious state: translated, may no longer match (drift), out
of date (stale), translated in a PO file but not imported yet, not translated yet, and
in a document with no translation at all. Grouped for the translators' work they are
three: published (the first three), in a PO file, and to do.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ..analysis import Analysis
from .findings import findings_json
from .strings import number, strings

STATES = ("translated", "drift", "stale", "in_po", "untranslated", "missing")


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def _under(path: str, folder: str) -> str:
    prefix = folder.rstrip("/") + "/"
    return path[len(prefix):] if path.startswith(prefix) else path


def page_name(source_path: str) -> str:
    """A pair's detail page: its source path as a file name, stable from run to run
    (a bookmark keeps working), with a short digest so that two paths never share one."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", Path(source_path).with_suffix("").as_posix()).strip("-")[-60:] or "document"
    return f"{stem}-{hashlib.sha256(source_path.encode('utf-8')).hexdigest()[:8]}.html"


def _document_rows(analysis: Analysis) -> list[tuple[str, dict, dict] | None]:
    """Each pair's title and its source words and paragraphs by state (None without a
    source), in the order of :attr:`Analysis.results`. Kept in the cache under the pair's
    key and its PO file's bytes: a pair a ``lazy`` analysis took from the cache is read
    again only when one of them changed."""
    from ..cache import fingerprint, load_sharded, store_sharded
    from ..pofiles import po_path
    from ..queue import po_states

    stored = load_sharded(analysis.cache, "report-rows")
    keys: list[str | None] = []
    for r in analysis.results:
        key = None
        if r.pair.source is not None and r.key is not None:
            po = po_path(analysis.config, r.pair.source.relpath)
            try:
                po_bytes = po.read_bytes() if po.is_file() else None
            except OSError:
                po_bytes = b""
            key = fingerprint("report-row", r.key, po.as_posix(), po_bytes)
        keys.append(key)
    todo = [k for k, r in enumerate(analysis.results) if r.pair.source is not None and keys[k] not in stored]
    full = [analysis.results[k].full() for k in todo]
    states = [r.unit_states() for r in full]
    places = po_states(Analysis(analysis.config, analysis.glossary, full), states)
    made = {}
    for k, r, states_of, po in zip(todo, full, states, places):
        words = dict.fromkeys(STATES, 0)
        paragraphs = dict.fromkeys(STATES, 0)
        for n, state, where in zip(r.words(), states_of, po):
            shown = "in_po" if where == "in_po" else state
            words[shown] += n
            paragraphs[shown] += 1
        title = r.pair.source.title if r.pair.source.blocks else Path(r.pair.source.path).name
        made[k] = (title, words, paragraphs)
    rows = [made[k] if k in made else (tuple(stored[keys[k]]) if keys[k] is not None else None)
            for k in range(len(analysis.results))]
    kept = {key: row for key, row in zip(keys, rows) if key is not None and row is not None}
    if kept != stored:
        store_sharded(analysis.cache, "report-rows", kept)
    return rows


def report_data(analysis: Analysis) -> dict[str, Any]:
    data = findings_json(analysis)
    config = analysis.config
    docs = []
    occurrences = 0
    totals = dict.fromkeys(STATES, 0)
    blocks = dict.fromkeys(STATES, 0)
    # check's JSON already holds each pair's figures
    for r, f, row in zip(analysis.results, data["pairs"], _document_rows(analysis)):
        if r.pair.source is None:
            continue
        if r.pair.target is not None:
            found = f.get("glossary_terms")  # counted with the pair's work (cached)
            occurrences += found if found is not None else sum(len(analysis.glossary.find_fr(u.text))
                                                               for u in r.full().source_units)
        title, states, paragraphs = row
        for s in STATES:
            totals[s] += states[s]
            blocks[s] += paragraphs[s]
        words = f["words"]
        docs.append({
            "title": title,
            "source": r.pair.source.path,
            "target": r.pair.target.path if r.pair.target else None,
            "source_shown": _under(r.pair.source.path, config.source_dir),
            "target_shown": _under(r.pair.target.path, config.target_dir) if r.pair.target else None,
            "page": page_name(r.pair.source.path),
            "words": words,
            "blocks": f["blocks"],
            "translated_blocks": f["translated_blocks"],
            "states": states,
            "paragraphs": paragraphs,
            "work": {"published": states["translated"] + states["drift"] + states["stale"],
                     "in_po": states["in_po"], "todo": states["untranslated"] + states["missing"]},
            "coverage": _pct(f["translated_words"], words),
            "findings": len(r.findings),
        })
    summary = data["summary"]
    glossary_findings = summary["by_kind"].get("glossary", 0)
    words = summary["words"]
    data["report"] = {
        "coverage_words": summary["coverage"],
        "coverage_blocks": _pct(summary["translated_blocks"], summary["blocks"]),
        # No glossary, no compliance figure (None): the report says so instead of "100 %".
        "glossary": {"configured": bool(analysis.glossary.terms), "occurrences": occurrences,
                     "findings": glossary_findings,
                     "compliance": _pct(max(0, occurrences - glossary_findings), occurrences)
                     if analysis.glossary.terms else None},
        "states": totals,
        "paragraphs": blocks,
        "work": {"published": totals["translated"] + totals["drift"] + totals["stale"], "in_po": totals["in_po"],
                 "todo": totals["untranslated"] + totals["missing"]},
        "sentence": {
            "coverage": summary["coverage"], "translated_words": summary["translated_words"], "words": words,
            "documents": len(docs), "documents_without": sum(1 for d in docs if d["target"] is None),
            "glossary_errors": glossary_findings if analysis.glossary.terms else None,
            "in_po_words": totals["in_po"], "out_of_date": blocks["drift"] + blocks["stale"],
        },
        "documents": sorted(docs, key=lambda d: (d["coverage"], -d["words"])),
        "missing": [d["source"] for d in docs if d["target"] is None],
    }
    return data


def summary_sentences(rep: dict[str, Any], t: dict[str, str], lang: str) -> list[str]:
    """The report's opening in plain words, one sentence a figure ("The English covers
    15.4 % of the French text (309 of 2,001 words). 3 of 4 French documents have no
    English yet. 3 glossary errors remain.")."""
    s = rep["sentence"]

    def n(x) -> str:
        return number(x, lang)

    out = [t["s_coverage"].format(pct=n(s["coverage"]), part=n(s["translated_words"]), whole=n(s["words"]))]
    if s["documents_without"]:
        key = "s_docs_without_1" if s["documents_without"] == 1 else "s_docs_without"
        out.append(t[key].format(part=n(s["documents_without"]), whole=n(s["documents"])))
    else:
        out.append(t["s_docs_all"].format(whole=n(s["documents"])))
    if s["out_of_date"]:
        out.append(t["s_out_of_date_1" if s["out_of_date"] == 1 else "s_out_of_date"].format(n=n(s["out_of_date"])))
    if s["in_po_words"]:
        out.append(t["s_in_po"].format(n=n(s["in_po_words"])))
    if s["glossary_errors"] is None:
        out.append(t["s_no_glossary"])
    elif s["glossary_errors"]:
        out.append(t["s_glossary_1" if s["glossary_errors"] == 1 else "s_glossary"].format(n=n(s["glossary_errors"])))
    else:
        out.append(t["s_glossary_0"])
    return out


def render_markdown(analysis: Analysis, lang: str = "en") -> str:
    t = strings(lang, analysis.config.source_lang, analysis.config.target_lang)
    data = report_data(analysis)
    rep = data["report"]

    def cell(text: str) -> str:
        # Corpus text and file names are data: nothing of them may become HTML (a raw
        # <script>, <svg onload>) or Markdown markup (links, images, emphasis, code).
        text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"[\\`*_\[\]()!|#~]", r"\\\g<0>", text).replace("\n", " ")

    def n(x) -> str:
        return number(x, lang)

    out = [f"# {t['title']}", "", " ".join(summary_sentences(rep, t, lang)), "",
           f"## {t['figures']}", "",
           f"- {t['coverage_words']}: **{n(rep['coverage_words'])} %** "
           f"({n(data['summary']['translated_words'])} {t['of']} {n(data['summary']['words'])} {t['words_unit']})",
           f"- {t['coverage_blocks']}: **{n(rep['coverage_blocks'])} %** "
           f"({n(data['summary']['translated_blocks'])} {t['of']} {n(data['summary']['blocks'])} {t['paragraphs_unit']})",
           f"- {t['work_published']}: {n(rep['work']['published'])} {t['words_unit']} · {t['work_in_po']}: "
           f"{n(rep['work']['in_po'])} {t['words_unit']} · {t['work_todo']}: {n(rep['work']['todo'])} {t['words_unit']}",
           (f"- {t['glossary_compliance']}: **{n(rep['glossary']['compliance'])} %** "
            f"({n(rep['glossary']['occurrences'] - min(rep['glossary']['findings'], rep['glossary']['occurrences']))} "
            f"{t['of']} {n(rep['glossary']['occurrences'])} {t['terms_checked']})"
            if rep["glossary"]["configured"] else f"- {t['glossary_compliance']}: {t['no_glossary']}"),
           f"- {t['findings']}: **{n(data['summary']['findings'])}**", "",
           f"## {t['legend']}", ""]
    out += [f"- **{t[s]}**: {t['legend_' + s]}" for s in STATES] + [f"- {t['legend_once']}", ""]
    out += [f"## {t['documents']}", "",
            f"| {t['document']} | {t['english']} | {t['words']} | % | " + " | ".join(t[s] for s in STATES) + " |",
            "|---|---|---:|---:|" + "---:|" * len(STATES)]
    for d in rep["documents"]:
        name = cell(d["title"]) + (f"<br>{cell(d['source_shown'])}" if d["title"] != Path(d["source"]).name else "")
        out.append(f"| {name} | {cell(d['target_shown'] or '—')} | {n(d['words'])} | {n(d['coverage'])} | "
                   + " | ".join(n(d["states"][s]) for s in STATES) + " |")
    out += ["", f"## {t['no_english']}", ""]
    out += [f"- {cell(m)}" for m in rep["missing"]] or [t["none"]]
    out += ["", f"## {t['all_findings']}", "", f"| {t['kind']} | {t['where']} | {t['message']} |", "|---|---|---|"]
    for f in data["findings"]:
        loc = f["target"] or f["source"]
        out.append(f"| {t.get('kind_' + f['kind'], f['kind'])} | {cell(loc['path'])}:{loc['lines'][0]} | {cell(f['message'])} |")
    return "\n".join(out) + "\n"
