"""The completeness report as HTML: a light overview, and one page per document pair.

Why pages and not one file: the side-by-side text of 1,000 pairs weighs tens of
megabytes, while the office opens the overview and a handful of documents. Each pair's
page loads only when its row is followed (a plain link, so it works without script,
prints, and can be sent on its own), and its name comes from the document's path, so a
bookmark survives the next report. The overview holds the figures, the legend and the
document table only.

Everything from the corpus is escaped (Jinja autoescaping); Markdown in the side-by-side
view is rendered by markdown-it-py with raw HTML off, links shown as their text and
images as their description: nothing from the corpus becomes markup, a link or script.
"""

from __future__ import annotations

import functools
import re
import time
from typing import Any

from markupsafe import Markup, escape

from ..analysis import Analysis, PairResult
from .report import STATES, report_data, summary_sentences
from .strings import number, strings

_MARKDOWN_SUFFIXES = (".md", ".mdx", ".markdown")
# Markup that is not text in the side-by-side view: MDX comments and heading ids.
_HIDDEN = re.compile(r"\{/\*.{0,2000}?\*/\}|\{#[^}\s]{0,200}\}")


@functools.lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

    def link_open(self, tokens, idx, options, env):
        href = tokens[idx].attrGet("href") or ""
        return f'<span class="link" title="{escape(href)}">'

    def link_close(self, tokens, idx, options, env):
        return "</span>"

    def image(self, tokens, idx, options, env):
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return f'<span class="image">[{escape(alt)}]</span>'

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    md.add_render_rule("image", image)
    return md


def rendered(text: str, kind: str, markdown: bool) -> Markup:
    """A unit's text for the side-by-side view: Markdown inline markup rendered (raw
    HTML shown as text), a heading in bold, a list item with its bullet."""
    text = _HIDDEN.sub("", text).strip() if markdown else text
    body = Markup(_markdown().renderInline(text)) if markdown else escape(text)
    if kind == "heading":
        return Markup("<strong>") + body + Markup("</strong>")
    if kind == "list_item":
        return Markup("• ") + body
    return body


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("aomi18n", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined)
    return env


def _rows(r: PairResult) -> list[dict[str, Any]]:
    su, tu = r.source_units, r.target_units
    md_src = r.pair.source is not None and r.pair.source.path.lower().endswith(_MARKDOWN_SUFFIXES)
    md_tgt = r.pair.target is not None and r.pair.target.path.lower().endswith(_MARKDOWN_SUFFIXES)

    def cell(units, doc, idx, markdown):
        if not idx:
            return None
        blocks = doc.blocks if doc is not None else []

        def kind(u):
            return blocks[u.block].kind if 0 <= u.block < len(blocks) else "paragraph"

        return Markup("<br><br>").join(rendered(units[i].text, kind(units[i]), markdown) for i in idx)

    links = r.alignment.links if r.alignment is not None else [type("L", (), {"source": (i,), "target": ()})()
                                                               for i in range(len(su))]
    rows = []
    for link in links:
        fr_lines = (su[link.source[0]].line, su[link.source[-1]].end_line) if link.source else None
        en_lines = (tu[link.target[0]].line, tu[link.target[-1]].end_line) if link.target else None
        marks = []
        for f in r.findings:
            hit_fr = f.source and fr_lines and f.source.line <= fr_lines[1] and fr_lines[0] <= f.source.end_line
            hit_en = f.target and en_lines and f.target.line <= en_lines[1] and en_lines[0] <= f.target.end_line
            if hit_fr or hit_en:
                marks.append({"kind": f.kind, "severity": str(f.severity), "message": f.message})
        rows.append({"fr": cell(su, r.pair.source, link.source, md_src), "en": cell(tu, r.pair.target, link.target, md_tgt),
                     "fr_line": fr_lines[0] if fr_lines else None, "en_line": en_lines[0] if en_lines else None,
                     "findings": marks})
    return rows


def render_html(analysis: Analysis, lang: str = "en", overview_name: str = "index.html",
                pages: str = "pairs") -> tuple[str, dict[str, str]]:
    """The overview page and the pair pages (``{pages}/<name>.html`` -> HTML): the
    overview links each row to its page, each page back to ``../{overview_name}``."""
    env = _environment()
    data = report_data(analysis)
    rep = data["report"]
    t = strings(lang, analysis.config.source_lang, analysis.config.target_lang)
    generated = time.strftime("%Y-%m-%d %H:%M")

    def n(x) -> str:
        return number(x, lang)

    common = {"t": t, "lang": lang, "states": STATES, "generated": generated, "version": data["tool"]["version"], "n": n}
    overview = env.get_template("overview.html.j2").render(
        data=data, r=rep, sentences=summary_sentences(rep, t, lang), pages=pages, **common)
    by_source = {d["source"]: d for d in rep["documents"]}
    out = {}
    for r in analysis.results:
        if r.pair.source is None:
            continue
        d = by_source[r.pair.source.path]
        findings = [f.to_dict() for f in r.findings]
        out[f"{pages}/{d['page']}"] = env.get_template("pair.html.j2").render(
            d=d, rows=_rows(r), findings=findings, overview="../" + overview_name, **common)
    return overview, out
