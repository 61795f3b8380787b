"""Code blocks: compared, never translated.

A translation copies its source's code blocks, translating only what a reader reads:
comments, string literals, and the text between JSX/HTML tags. So two code blocks are
the same code when they are the same once those are blanked out; and a source code
block whose code changed while the translation still holds the old code is a drift.

``align_code(source_doc, target_doc)`` pairs the code blocks of two documents (in
order, by the similarity of their code) and says, for each pair, which lines differ.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from .model import Block, Document

# The opening and closing fence lines of a fenced block.
_FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})")
# What a reader reads in code, scanned once from left to right. A string or a
# comment is one token; each alternative has a single bounded scan (linear).
_SCAN = re.compile(
    r"""(?P<s>"(?:[^"\\\n]|\\.){0,2000}"|'(?:[^'\\\n]|\\.){0,2000}'|`(?:[^`\\]|\\.){0,5000}`)"""
    r"""|(?P<c>//[^\n]*|/\*.{0,5000}?\*/|\{/\*.{0,5000}?\*/\}|<!--.{0,5000}?-->)""",  # bounded: linear
    re.S,
)
#: Code longer than this (tokens of a block, lines of a diff) is compared by counts, not order.
_ORDERED_MAX = 3000
#: The longest comment recognised (its content, in characters), as in _SCAN.
_COMMENT_MAX = 5000
# Where a token of _SCAN may start, and each alone, for _scan_sub.
_TOKEN_START = re.compile(r"""["'`]|/[/*]|\{/\*|<!--""")
_STRING_AT = re.compile(_SCAN.pattern.split("|(?P<c>")[0] + "|(?P<c>(?!))", re.S)
_SPAN_AT = re.compile(r"(?P<s>(?!))|(?P<c>.*)", re.S)
_COMMENT_END = {"/*": "*/", "{/*": "*/}", "<!--": "-->"}
_HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*")
_HASH_LANGS = {"py", "python", "sh", "bash", "shell", "console", "zsh", "yaml", "yml", "toml", "ruby", "rb", "r",
               "dockerfile", "make", "makefile", "perl", "ini", "conf", "properties", "powershell", "ps1"}
# Text in JSX/HTML: a run of words between a tag or an expression's end (or the line's
# start) and a tag or an expression's start (or the line's end): "<th>Name</th>",
# "Welcome to the {roomId} room!", "by {artist}". Inside braces it is JavaScript.
# A tag opens with "<" before a letter, "/" or ">"; it closes with ">" after a name, a
# quote, an expression, "/" or "<" (not "=>", ">=" or a spaced comparison).
_DELIMITERS = re.compile(r"(<(?=[A-Za-z/>])|(?<=[\w\"'}/<\]])>(?![=>])|[{}])")
_TEXT_RUN = re.compile(r"[^<>{}()\[\]=;\"`+|&*/\\]*")
_MEMBER = re.compile(r"\w\.[A-Za-z_$]")  # obj.prop: code, not a sentence
_MARKUP_LANGS = {"", "js", "jsx", "javascript", "ts", "tsx", "typescript", "html", "htm", "xml", "svg", "vue",
                 "svelte", "mdx", "markdown", "md", "astro", "erb", "handlebars", "hbs", "php"}
_LETTER = re.compile(r"[^\W\d_]")
_DIGITS = re.compile(r"\d+")
_JOINED_TEXT = re.compile(r"''\s*\+|\+\s*''")
_LINE_RANGES = re.compile(r"\{[\d\s,-]*\}")  # {1-3,5}: lines to highlight
# A JSX expression holding a text string only ({' '}, {"Hello"}): text, as between tags.
_TEXT_EXPRESSION = re.compile(r"\{\s*''\s*\}")
# An element's language (lang="fr", xml:lang='fr'): a translation declares its own.
_LANG_ATTRIBUTE = re.compile(r"\s(?:xml:)?lang\s*=\s*(?:''|`[^`\n]{0,40}`)")
# A call or a keyword's parenthesis ("if (", "foo("): code, where text in parentheses
# ("(located in {city})") is text.
_CALL = re.compile(r"\w\s*\(")
_TEXT_PARENS = re.compile(r"[^<>{}\[\]=;\"`+|&*/\\]*")
_CODE_PUNCTUATION = re.compile(r"[;(){}=<>\[\]$]")
_TOKEN = re.compile(r"\w+|[^\w\s]")
# A string that is a URL, a path, a file or a package name is code, not text.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.\w+$")
_CODE_STRING = re.compile(r"^(?:[\w@.+-]*/[\w@./:#?=&%+~-]*|[\w-]+\.[A-Za-z][A-Za-z0-9]{0,4}|[a-z][\w+.-]*:\S+|@[\w/.-]+)$")


@dataclass(frozen=True)
class CodeBlock:
    """A code block with its code as compared: one string per non-empty line."""

    block: Block
    language: str
    lines: tuple[str, ...]  # normalized code lines
    numbers: tuple[int, ...]  # the document line number of each normalized line

    @property
    def key(self) -> str:
        return "\n".join(self.lines)

    @property
    def tokens(self) -> list[str]:
        return self.key.split()


@dataclass(frozen=True)
class CodeLink:
    source: int | None  # index into the source's code blocks
    target: int | None
    similarity: float
    changed: tuple[int, ...] = ()  # source document lines whose code differs


def code_blocks(doc: Document) -> list[CodeBlock]:
    return [normalize_code(b) for b in doc.blocks if b.kind == "code"]


def normalize_code(block: Block) -> CodeBlock:
    """The block's code with comments, text strings and text between tags blanked out,
    white space ignored (tokens joined by single spaces)."""
    raw = block.text.split("\n")
    first = 0
    language = ""
    info = ""
    if raw and _FENCE_LINE.match(raw[0]):
        info = raw[0].strip().lstrip("`~").strip()
        language = info.split()[0].lower() if info else ""
        first = 1
        if len(raw) > 1 and _FENCE_LINE.match(raw[-1]):
            raw = raw[:-1]
    body = "\n".join(raw[first:])
    markup = language in _MARKUP_LANGS
    body = _scan_sub(body, lambda m: _blank(m, markup))
    if markup:
        body = _LANG_ATTRIBUTE.sub(" ", _TEXT_EXPRESSION.sub(" ", body))
    if language in _HASH_LANGS:
        body = _HASH_COMMENT.sub(" ", body)
    lines, numbers = [], []
    if info:  # the info string (language, file name, options) is code too, but its
        # numbers are line numbers, which follow the translation's own lines
        # A backslash in the info string is escaped (two backslashes then a quote for an
        # escaped quote): unescaped, a highlighted piece of the code is one string.
        info = _LINE_RANGES.sub(" ", _scan_sub(info.replace("\\\\", "\\"), _blank))
        lines.append(" ".join(_TOKEN.findall(_DIGITS.sub("", info))))
        numbers.append(block.line)
    # A text string joined to an expression is text too: a translation may put the
    # expression first ("'Winner: ' + winner" -> "winner + ' a gagné'").
    body = _JOINED_TEXT.sub(" ", body)
    if not language and not _CODE_PUNCTUATION.search(body):
        # No language and no code punctuation: a listing of text (steps, console
        # output) that the translation translates like prose.
        body = "\n".join("" for _ in body.split("\n"))
    for k, line in enumerate(body.split("\n")):
        toks = _TOKEN.findall(_blank_text(line) if markup else line)
        if toks:
            lines.append(" ".join(toks))
            numbers.append(block.line + first + k)
    return CodeBlock(block, language, tuple(lines), tuple(numbers))


def _blank_text(line: str) -> str:
    """The line with each run of text outside braces and tags replaced by "~"."""
    parts = _DELIMITERS.split(line)
    if len(parts) == 1:
        return " " if _is_text(line) else line
    for k in range(0, len(parts), 2):  # text parts sit at even places, delimiters between
        before = parts[k - 1] if k else ""
        after = parts[k + 1] if k + 1 < len(parts) else ""
        seg = parts[k]
        if not seg.strip() or before not in ("", ">", "}") or after not in ("", "<", "{"):
            continue
        if before == ">" or after == "<":
            parts[k] = " "  # beside a tag: text, whatever it holds ("(Sending...)", "; il est")
        elif (before and after and _TEXT_RUN.fullmatch(seg) and not _MEMBER.search(seg)) or _is_text(seg):
            parts[k] = " "  # between expressions, punctuation alone is text too ("{age}.")
    return "".join(parts)


def _is_text(seg: str) -> bool:
    if not _LETTER.search(seg) or _MEMBER.search(seg):
        return False
    return _TEXT_RUN.fullmatch(seg) is not None or (_TEXT_PARENS.fullmatch(seg) is not None and not _CALL.search(seg))


def _scan_sub(text: str, repl) -> str:
    """``_SCAN.sub(repl, text)``, the same matches (tested), in time linear in the text
    with a small constant. The regex tries every "/*" it meets against the 5,000
    characters after it; here the first "*/" after a comment's start is looked up once
    and remembered for the starts that follow, so that a code block full of unclosed
    comments costs no more than one without them."""
    out: list[str] = []
    pos = last = 0
    ends: dict[str, tuple[int, int]] = {}  # terminator -> (searched from, found at or -1)
    while (start := _TOKEN_START.search(text, pos)) is not None:
        p, token = start.start(), start.group()
        m = None
        if token in ('"', "'", "`"):
            m = _STRING_AT.match(text, p)
        elif token == "//":
            e = text.find("\n", p)
            m = _SPAN_AT.match(text, p, len(text) if e < 0 else e)
        else:
            term, body = _COMMENT_END[token], p + len(token)
            known = ends.get(term)
            if known is None or 0 <= known[1] < body:
                known = ends[term] = (body, text.find(term, body))
            q = known[1]
            if 0 <= q and q - body <= _COMMENT_MAX:
                m = _SPAN_AT.match(text, p, q + len(term))
        if m is None:
            pos = p + 1
            continue
        out.append(text[last:p])
        out.append(repl(m))
        pos = last = m.end()
    out.append(text[last:])
    return "".join(out)


def _blank(m: re.Match, markup: bool = False) -> str:
    """A comment goes; a string of text becomes an empty string; a string of code stays.
    Line breaks inside either are kept, so that line numbers stay right. In markup, a
    quoted piece between tags (<i>"{query}"</i>) is text in quotation marks, which a
    translation writes its own way (« {query} »): its quotes go, its content stays."""
    text = m.group(0)
    breaks = "\n" * text.count("\n")
    if m.group("c") is not None:
        return " " + breaks
    inner = text[1:-1]
    if markup and text[0] == '"' and m.string[m.start() - 1:m.start()] == ">" and m.string[m.end():m.end() + 1] == "<":
        return " " + inner + " "
    if _CODE_STRING.match(inner) and not _EMAIL.match(inner):
        # './App.js', 'react-dom/client', 'https://...' stay code (in backquotes, which
        # text never holds); example data is text.
        return "`" + inner + "`"
    return "''" + breaks  # single quotes, which text may hold (an apostrophe)


def align_code(source: list[CodeBlock], target: list[CodeBlock], min_similarity: float = 0.5) -> list[CodeLink]:
    """Pair code blocks in order (a monotone alignment maximizing the similarity of the
    pairs, each at least ``min_similarity``); the others are links with one side None."""
    from rapidfuzz import fuzz, process

    n, m = len(source), len(target)
    if not n or not m:
        return [CodeLink(i, None, 0.0) for i in range(n)] + [CodeLink(None, j, 0.0) for j in range(m)]
    ts, tt = [c.tokens for c in source], [c.tokens for c in target]
    # The tokens' edit distance costs the product of two blocks' lengths: a block of over
    # _ORDERED_MAX tokens is compared by its tokens' counts instead (linear; never lower).
    small_s = [i for i in range(n) if len(ts[i]) <= _ORDERED_MAX]
    small_t = [j for j in range(m) if len(tt[j]) <= _ORDERED_MAX]
    sim = [[0.0] * m for _ in range(n)]
    if small_s and small_t:
        ordered = process.cdist([ts[i] for i in small_s], [tt[j] for j in small_t], scorer=fuzz.ratio, workers=1) / 100.0
        for a, i in enumerate(small_s):
            for b, j in enumerate(small_t):
                sim[i][j] = float(ordered[a][b])
    if len(small_s) < n or len(small_t) < m:
        # The counts of the blocks that meet a long one only (made once each).
        ok_s, ok_t = set(small_s), set(small_t)
        counts_s: dict[int, Counter] = {}
        counts_t: dict[int, Counter] = {}
        for i in range(n):
            for j in range(m):
                if i not in ok_s or j not in ok_t:
                    if i not in counts_s:
                        counts_s[i] = Counter(ts[i])
                    if j not in counts_t:
                        counts_t[j] = Counter(tt[j])
                    total = len(ts[i]) + len(tt[j])
                    sim[i][j] = 2 * sum((counts_s[i] & counts_t[j]).values()) / total if total else 1.0
    # best[i][j]: the best total gain of pairing source[:i] with target[:j].
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, prev = best[i], best[i - 1]
        for j in range(1, m + 1):
            s = float(sim[i - 1][j - 1])
            pair = prev[j - 1] + (s - min_similarity if s >= min_similarity else -1.0)
            row[j] = max(prev[j], row[j - 1], pair if s >= min_similarity else -1.0)
    links: list[CodeLink] = []
    i, j = n, m
    while i > 0 and j > 0:
        s = float(sim[i - 1][j - 1])
        if s >= min_similarity and best[i][j] == best[i - 1][j - 1] + s - min_similarity:
            links.append(CodeLink(i - 1, j - 1, s, _changed(source[i - 1], target[j - 1])))
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            links.append(CodeLink(i - 1, None, 0.0))
            i -= 1
        else:
            links.append(CodeLink(None, j - 1, 0.0))
            j -= 1
    links.extend(CodeLink(k, None, 0.0) for k in range(i - 1, -1, -1))
    links.extend(CodeLink(None, k, 0.0) for k in range(j - 1, -1, -1))
    links.reverse()
    return links


def _changed(a: CodeBlock, b: CodeBlock) -> tuple[int, ...]:
    """The source lines whose code the target does not have (as it is), in order. (For
    blocks whose lengths multiply past _ORDERED_MAX squared, where a line diff would cost
    that product: past their common first and last lines, the lines the target does not
    have as many times.)"""
    if a.lines == b.lines:
        return ()
    if len(a.lines) * len(b.lines) > _ORDERED_MAX ** 2:
        # The same first and last lines are kept; the middle is compared by counts.
        la, lb = len(a.lines), len(b.lines)
        head = 0
        while head < min(la, lb) and a.lines[head] == b.lines[head]:
            head += 1
        tail = 0
        while tail < min(la, lb) - head and a.lines[la - 1 - tail] == b.lines[lb - 1 - tail]:
            tail += 1
        left = Counter(b.lines[head:lb - tail])
        out = []
        for line, number in zip(a.lines[head:la - tail], a.numbers[head:la - tail]):
            if left[line] > 0:
                left[line] -= 1
            else:
                out.append(number)
        if not out and a.numbers:  # the lines differ: the target has some more, here
            out.append(a.numbers[min(head, la - 1)])
        return tuple(sorted(set(out)))
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a.lines, b.lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            out.extend(a.numbers[i1:i2])
        elif a.numbers:  # lines only the target has: the place in the source
            out.append(a.numbers[min(i1, len(a.numbers) - 1)])
    return tuple(sorted(set(out)))
