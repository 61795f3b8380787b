"""Markdown as documentation sites write it, cut into raw blocks with line spans.

The block structure comes from markdown-it-py (CommonMark, GFM tables, front matter):
headings, paragraphs, list items (nested, numbered), block quotes, table rows, code
(fenced and indented), thematic breaks and HTML. What sites add on top is markup, not
text to translate:

- HTML and JSX/MDX tags on lines of their own (``<Sandpack>``, ``</Note>``,
  ``<InlineToc />``), MDX comments ``{/* ... */}``, HTML comments;
- Hugo, Docusaurus and Jekyll shortcodes and admonitions on lines of their own
  (``{{< figure ... >}}``, ``{{% note %}}``, ``{% include x %}``, ``:::note``);
- the front matter, except the values of its translatable keys (``title``,
  ``description``...), which are units of their own (kind ``meta``).

Text inside a JSX or HTML block (``<Note>`` then prose, with no blank line) is read
again as Markdown, so that its paragraphs and lists are blocks like any other.

This module only finds where blocks are; :mod:`aomi18n.documents` turns the raw
blocks into :class:`~aomi18n.model.Block` objects with exact offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Front-matter keys whose values are translated (Hugo, Docusaurus, Jekyll, Astro).
FRONT_MATTER_KEYS = ("title", "description", "sidebar_label", "linkTitle", "summary", "subtitle", "tagline")

MARKDOWN_SUFFIXES = (".md", ".mdx", ".markdown", ".mdown", ".mkd")


@dataclass
class Raw:
    """A block before it has offsets: kind and 0-based inclusive line span.

    ``marker`` is what stands before the content on the first line (``## ``, ``- ``,
    ``title: "``); ``trail`` is how many characters after the content end the last
    line (a closing quote of a front-matter value).
    """

    kind: str
    first: int
    last: int
    marker: str = ""
    level: int = 0
    number: str | None = None
    trail: int = 0


# One markup token at a position. Every alternative starts with its own character
# and has a single bounded scan, so testing a line is linear in its length.
_MARKUP_TOKEN = re.compile(
    r"<!--.{0,5000}?-->"  # HTML comment
    r"|</?[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,5000})?/?>"  # HTML or JSX tag
    r"|<>|</>"  # JSX fragment
    r"|\{/\*.{0,5000}?\*/\}"  # MDX comment
    r"|\{\{[<%].{0,2000}?[>%]\}\}"  # Hugo shortcode
    r"|\{%.{0,2000}?%\}"  # Jekyll / Liquid tag
)
_ADMONITION = re.compile(r"^\s*:{3,}")
_SPACE = re.compile(r"\s*")


def markup_only(text: str) -> bool:
    """Whether ``text`` holds nothing but tags, comments and shortcodes (and spaces)."""
    pos, n = _SPACE.match(text).end(), len(text)
    if text[pos:pos + 1] not in ("<", "{", ":"):
        return False  # markup starts with one of them: most text is ruled out here
    if _ADMONITION.match(text):
        return True
    found = False
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= n:
            return found
        m = _MARKUP_TOKEN.match(text, pos)
        if m is None:
            return False
        found = True
        pos = m.end()


_parsers: dict = {}

#: Block rules that match only a line that opens with (or, for a table's header, holds)
#: one of these strings. markdown-it tries every rule at every line, and every rule that
#: can end a paragraph at each of its lines: a text that holds none of a rule's strings
#: is parsed without that rule, which could match nothing in it anyway.
_TRIGGERS = {"table": ("|",), "fence": ("```", "~~~"), "blockquote": (">",), "html_block": ("<",),
             "reference": ("[",), "heading": ("#",)}


def _parser(html: bool, text: str | None = None):
    """markdown-it with CommonMark, GFM tables and front matter, for ``text``: without
    the rules of :data:`_TRIGGERS` that cannot match in it (each set built once; all
    rules when no text is given)."""
    off = () if text is None else tuple(rule for rule, marks in _TRIGGERS.items() if not any(m in text for m in marks))
    md = _parsers.get((html, off))
    if md is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.front_matter import front_matter_plugin

        md = MarkdownIt("commonmark", {"html": html}).enable("table")
        if html:
            md.use(front_matter_plugin)
        # Blocks and their lines are all that is read: no inline parsing. The text is
        # normalized by _normalized, only where there is something to normalize.
        md.disable(["normalize", "inline", "text_join", *off], ignoreInvalid=True)
        _parsers[(html, off)] = md
    return md


_LIST_MARKER = re.compile(r"[ \t>]*(?:[-*+]|(\d{1,9})[.)])(?:[ \t]+|$)(?:\[[ xX]\][ \t]+)?")
_QUOTE_MARKER = re.compile(r"[ \t]*(?:>[ \t]?)+")
_ATX = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(#{1,6})(?:[ \t]+|$)")
_KEY = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*")


def segment_markdown(body: list[str], front_matter_keys=FRONT_MATTER_KEYS) -> list[Raw]:
    """Raw blocks of a Markdown document given as its lines (newlines removed)."""
    raws: list[Raw] = []
    _walk(body, 0, len(body), raws, html=True, keys=tuple(front_matter_keys))
    raws.sort(key=lambda r: r.first)
    return raws


def _normalized(text: str) -> str:
    """What markdown-it's normalize rule makes of ``text`` (line ends as "\\n", NUL as
    U+FFFD), made only where there is something to change: lines hold neither, as a rule,
    and the rule itself (off in :func:`_parser`) would copy every text twice."""
    if "\r" in text or "\0" in text:
        return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    return text


def _walk(body: list[str], offset: int, stop: int, raws: list[Raw], *, html: bool, keys: tuple[str, ...]) -> None:
    """Parse ``body[offset:stop]`` and append its raw blocks (line numbers absolute)."""
    lines = body[offset:stop]
    if not html:
        # Text inside a JSX/HTML block is indented for the tags' sake, not as code.
        indent = min((len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()), default=0)
        lines = [ln[indent:] for ln in lines]
    text = _normalized("\n".join(lines) + "\n")
    tokens = _parser(html, text).parse(text)
    depth = 0  # list nesting
    in_item: list[bool] = []  # per open list item: its first paragraph is still to come
    quote = 0
    for k, tok in enumerate(tokens):
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif t == "list_item_open":
            in_item.append(True)
            # An item whose first child is not a paragraph: the marker line alone.
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is not None and nxt.type != "paragraph_open" and tok.map:
                a = offset + tok.map[0]
                m = _LIST_MARKER.match(body[a])
                raws.append(Raw("list_item", a, a, marker=body[a][: m.end()] if m else "", level=depth - 1,
                                number=m.group(1) if m else None))
                in_item[-1] = False
        elif t == "list_item_close":
            in_item.pop()
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "front_matter" and tok.map:
            _front_matter(body, offset + tok.map[0], offset + tok.map[1] - 1, raws, keys)
        elif t == "heading_open" and tok.map:
            a, b = offset + tok.map[0], offset + tok.map[1] - 1
            m = _ATX.match(body[a]) if tok.markup.startswith("#") else None
            if m:
                raws.append(Raw("heading", a, b, marker=body[a][: m.end()], level=len(m.group(1))))
            else:  # setext: the underline is markup (documents cuts it)
                raws.append(Raw("heading", a, b, level=1 if tok.markup == "=" else 2))
        elif t == "paragraph_open" and tok.map:
            a, b = offset + tok.map[0], offset + tok.map[1] - 1
            if in_item and in_item[-1]:
                in_item[-1] = False
                m = _LIST_MARKER.match(body[a])
                _paragraph(body, a, b, raws, "list_item", marker=body[a][: m.end()] if m else "",
                           level=depth - 1, number=m.group(1) if m else None)
            elif quote:
                m = _QUOTE_MARKER.match(body[a])
                _paragraph(body, a, b, raws, "quote", marker=body[a][: m.end()] if m else "")
            else:
                _paragraph(body, a, b, raws, "paragraph", level=depth)
        elif t in ("fence", "code_block") and tok.map:
            a, b = offset + tok.map[0], offset + tok.map[1] - 1
            if in_item and in_item[-1]:
                in_item[-1] = False
            raws.append(Raw("code", a, _last_nonblank(body, a, b), level=depth))
        elif t == "hr" and tok.map:
            raws.append(Raw("separator", offset + tok.map[0], offset + tok.map[1] - 1))
        elif t == "html_block" and tok.map:
            if in_item and in_item[-1]:
                in_item[-1] = False
            _html(body, offset + tok.map[0], _last_nonblank(body, offset + tok.map[0], offset + tok.map[1] - 1),
                  raws, keys)
        elif t == "table_open" and tok.map:
            a, b = offset + tok.map[0], offset + tok.map[1] - 1
            rows = set()
            j = k + 1
            while j < len(tokens) and tokens[j].type != "table_close":
                if tokens[j].type == "tr_open" and tokens[j].map:
                    rows.add(offset + tokens[j].map[0])
                j += 1
            for i in range(a, _last_nonblank(body, a, b) + 1):
                raws.append(Raw("table_row" if i in rows else "separator", i, i))


def _last_nonblank(body: list[str], a: int, b: int) -> int:
    b = min(b, len(body) - 1)
    while b > a and not body[b].strip():
        b -= 1
    return b


def _paragraph(body: list[str], a: int, b: int, raws: list[Raw], kind: str, *, marker: str = "", level: int = 0,
               number: str | None = None) -> None:
    """A paragraph, list item or quote: markup-only lines at its edges are cut off as
    markup blocks (an admonition's ``:::note``, a shortcode pair around text), and a
    paragraph of markup alone (a JSX tag over several lines) is markup."""
    first, last = a, _last_nonblank(body, a, b)
    if kind == "paragraph":
        while first <= last and body[first].lstrip().startswith(("<", "{", ":")):
            # A tag may run over a few lines (JSX attributes one per line).
            k = next((k for k in range(min(last - first + 1, 12)) if markup_only("\n".join(body[first:first + k + 1]))),
                     None)
            if k is None:
                break
            raws.append(Raw("html", first, first + k))
            first += k + 1
    tail = []
    while last > first and markup_only(body[last]):
        tail.append(Raw("html", last, last))
        last -= 1
    if first <= last:
        if kind == "paragraph" and markup_only("\n".join(body[first:last + 1])):
            raws.append(Raw("html", first, last))
        else:
            raws.append(Raw(kind, first, last, marker=marker if first == a else "", level=level, number=number))
    raws.extend(reversed(tail))


def _html(body: list[str], a: int, b: int, raws: list[Raw], keys: tuple[str, ...]) -> None:
    """An HTML/JSX block: lines of markup alone are markup; runs of other lines are read
    again as Markdown (without HTML blocks, so that text stays text)."""
    if body[a].lstrip().startswith("<!--"):
        raws.append(Raw("comment", a, b))
        return
    i = a
    while i <= b:
        if markup_only(body[i]) or not body[i].strip():
            if body[i].strip():
                raws.append(Raw("html", i, i))
            i += 1
            continue
        j = i
        while j + 1 <= b and not markup_only(body[j + 1]):
            j += 1
        _walk(body, i, j + 1, raws, html=False, keys=keys)
        i = j + 1


def _front_matter(body: list[str], a: int, b: int, raws: list[Raw], keys: tuple[str, ...]) -> None:
    """The front matter: its translatable keys' one-line values are ``meta`` units (the
    key and any quotes are the marker and trail); every other line is data."""
    run_start = a
    for i in range(a + 1, b):
        line = body[i]
        m = _KEY.match(line)
        if not m or m.group(1) not in keys:
            continue
        value = line[m.end():].rstrip()
        if not value or value[0] in "|>[{&*!#" or value.startswith(("- ", "---")):
            continue
        start, trail = m.end(), len(line) - m.end() - len(value)
        if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
            start += 1
            trail += 1
        # A multi-line plain scalar goes on in more-indented lines: keep it data.
        if i + 1 < b and body[i + 1].startswith((" ", "\t")) and not value[0] in "\"'":
            continue
        if run_start < i:
            raws.append(Raw("front_matter", run_start, i - 1))
        raws.append(Raw("meta", i, i, marker=line[:start], trail=trail))
        run_start = i + 1
    raws.append(Raw("front_matter", run_start, b))
