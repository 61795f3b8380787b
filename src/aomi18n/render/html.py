"""The completeness report as HTML: a light overview, and one page per document pair.

Why pages and not one file: the side-by-side text of 1,000 pairs weighs tens of
megabytes, while the office opens the overview and a handful of documents. Each pair's
page loads only when its row is followed (a plain link, so it works without script,
prints, and can be sent on its own), and its name comes from the document's path, so a
bookmark survives the next report. The overview holds the figures, the legend and the
document table only.

Everything from the corpus is escaped (Jinja's autoescaping in the templates,
``html.escape`` in the rows built here); Markdown in the side-by-side
view is rendered by markdown-it-py with raw HTML off, links shown as their text and
images as their description: nothing from the corpus becomes markup, a link or script.
"""

from __future__ import annotations

import functools
import re
import time

from html import escape as _escape

from markupsafe import Markup

from ..analysis import Analysis, PairResult
from .report import STATES, report_data, summary_sentences
from .strings import number, strings

_MARKDOWN_SUFFIXES = (".md", ".mdx", ".markdown")
# Markup that is not text in the side-by-side view: MDX comments and heading ids.
_HIDDEN = re.compile(r"\{/\*.{0,2000}?\*/\}|\{#[^}\s]{0,200}\}")
# A character that may start inline Markdown (emphasis, code, link, image, autolink,
# escape, entity, hard break).
_INLINE_MARKUP = re.compile(r"[*_`\[\]!<&\\]|  \n")


@functools.lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})

    def link_open(self, tokens, idx, options, env):
        href = tokens[idx].attrGet("href") or ""
        return f'<span class="link" title="{_escape(href)}">'

    def link_close(self, tokens, idx, options, env):
        return "</span>"

    def image(self, tokens, idx, options, env):
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return f'<span class="image">[{_escape(alt)}]</span>'

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("link_close", link_close)
    md.add_render_rule("image", image)
    return md


def rendered(text: str, kind: str, markdown: bool) -> str:
    """A unit's text for the side-by-side view, as HTML: Markdown inline markup rendered
    (raw HTML shown as text), a heading in bold, a list item with its bullet."""
    text = _HIDDEN.sub("", text).strip() if markdown and "{" in text else text
    # Text with nothing Markdown could make markup of is only escaped (most prose).
    body = _markdown().renderInline(text) if markdown and _INLINE_MARKUP.search(text) else _escape(text, False)
    if kind == "heading":
        return "<strong>" + body + "</strong>"
    if kind == "list_item":
        return "• " + body
    return body


def _environment():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("aomi18n", "templates"),
                             autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
                             undefined=jinja2.StrictUndefined)
    return env


def _rows(r: PairResult, t: dict[str, str], lang: str) -> list[Markup]:
    """The side-by-side rows of a pair, each one finished ``<tr>`` (built here rather than
    in the template: a thousand pages of a hundred rows each). Every piece of corpus
    text goes through :func:`rendered` or is escaped."""
    su, tu = r.source_units, r.target_units
    md_src = r.pair.source is not None and r.pair.source.path.lower().endswith(_MARKDOWN_SUFFIXES)
    md_tgt = r.pair.target is not None and r.pair.target.path.lower().endswith(_MARKDOWN_SUFFIXES)
    lang_en = lang == "en"  # the English report shows the tool's messages as they are

    def cell(units, doc, idx, markdown, lines, empty):
        if not idx:
            return f'<span class="muted">{_escape(empty, False)}</span>'
        blocks = doc.blocks if doc is not None else []

        def kind(u):
            return blocks[u.block].kind if 0 <= u.block < len(blocks) else "paragraph"

        return (f'<span class="line">{lines[0]}</span>'
                + "<br><br>".join(rendered(units[i].text, kind(units[i]), markdown) for i in idx))

    def finding(f) -> str:
        label = _escape(t.get("kind_" + f.kind, f.kind), False)
        message = _escape(f.message, False)
        if lang_en:
            return f'<span class="finding"><b>{label}</b> {message}</span>'
        return (f'<span class="finding"><b>{label}</b> {_escape(t.get("explain_" + f.kind, ""), False)} '
                f'<details lang="en"><summary lang="{_escape(lang)}">{_escape(t["tool_message"], False)}</summary>'
                f'{message}</details></span>')

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
                marks.append(finding(f))
        flagged = ' class="flagged"' if marks else ""
        rows.append(Markup(
            f"<tr{flagged}>"
            f"<td>{cell(su, r.pair.source, link.source, md_src, fr_lines, t['english_only'])}</td>"
            f"<td>{cell(tu, r.pair.target, link.target, md_tgt, en_lines, t['no_translation'])}{''.join(marks)}</td></tr>\n"))
    return rows


def render_html(analysis: Analysis, lang: str = "en", overview_name: str = "index.html",
                pages: str = "pairs", reuse=None) -> tuple[str, dict[str, str | None], dict[str, str]]:
    """The overview page and the pair pages (``{pages}/<name>.html`` -> HTML): the
    overview links each row to its page, each page back to ``../{overview_name}``.

    Also returns each page's key: a digest of everything the page shows. A page for
    which ``reuse(name, key)`` is true is not rendered again (its HTML is None): a
    warm report renders only the documents that changed."""
    from ..cache import fingerprint, load_sharded, store_sharded

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
    out: dict[str, str | None] = {}
    keys: dict[str, str] = {}
    # Pages as rendered before, by key: a page not on disk (a new folder) is written
    # from here without reading its pair's documents again.
    stored = load_sharded(analysis.cache, "report-pages")
    kept: dict[str, str] = {}
    for r in analysis.results:
        if r.pair.source is None:
            continue
        d = by_source[r.pair.source.path]
        findings = [f.to_dict() for f in r.findings]
        name = f"{pages}/{d['page']}"
        key = keys[name] = fingerprint("page", lang, overview_name, d, findings, r.pair.source.sha256,
                                       r.pair.target.sha256 if r.pair.target else None)
        if reuse is not None and reuse(name, key):
            out[name] = None
            if key in stored:
                kept[key] = stored[key]
            continue
        html = stored.get(key)
        if html is None:
            html = env.get_template("pair.html.j2").render(
                d=d, rows=_rows(r.full(), t, lang), findings=findings, overview="../" + overview_name, **common)
        out[name] = kept[key] = html
    if kept != stored:
        store_sharded(analysis.cache, "report-pages", kept)
    return overview, out, keys
