"""Text helpers shared by every stage: normalization for comparison, tokens, words.

Normalization never changes what is written back: it is only used to compare.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata

try:  # the compiled text helpers (built from _textcore.c at install); the Python code is the fallback
    from . import _textcore
except ImportError:  # pragma: no cover - depends on the build
    _textcore = None


#: ``AOMI18N_PURE_PYTHON=1`` (read once: native() is asked for every unit) turns them off.
PURE_PYTHON = bool(os.environ.get("AOMI18N_PURE_PYTHON"))


def native():
    """The compiled text helpers (``_textcore``), or None where they are not built or
    :data:`PURE_PYTHON` is set: callers then use their Python version."""
    return None if PURE_PYTHON else _textcore

# Characters that render as a space or are typographic variants of ASCII punctuation.
_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u3000"
_SAME_LENGTH = str.maketrans(
    {
        **{c: " " for c in _SPACES},
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2011": "-",
        "\u2010": "-",
    }
)
# Any character _SAME_LENGTH maps: most text has none, and a search is ~30x cheaper
# than a translate.
_MAPPED = re.compile("[" + re.escape("".join(map(chr, _SAME_LENGTH))) + "]")
# French spacing before ; : ! ? and inside guillemets, as NBSP or plain space.
_FRENCH_SPACE = re.compile(r"\s+([;:!?»])|([«])\s+")
_DIGITS = re.compile(r"\d+")
_PUNCT = re.compile(r"[^\w\s]")
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)
# An inline code span: a run of backticks closed by a run of the same length
# (CommonMark; also reStructuredText's ``literal`` and `interpreted text`).
CODE_SPAN = r"(?<!`)(`+)(?!`)([^\n]{1,2000}?)(?<!`)\1(?!`)"  # bounded: linear on any line
_CODE_SPAN = re.compile(CODE_SPAN)
_LINK_TARGET = re.compile(r"<([^<>]+)>\s*$")


def may_hold_link(text: str) -> bool:
    """Whether a URL or an e-mail address can be in ``text`` at all: each needs "://",
    "www." or "@". A substring test that spares most texts the link patterns, which
    try every word as the start of an address."""
    return "://" in text or "www." in text or "@" in text


def code_spans(text: str) -> list[str]:
    """The inline code spans of ``text``, as comparable keys.

    A span of the form ``label <target>`` (a reStructuredText reference, whose
    label is translated) compares by its target only.
    """
    if "`" not in text:
        return []
    return [code_key(m.group(2)) for m in _CODE_SPAN.finditer(text)]


def code_key(body: str) -> str:
    """A code span's content as compared: its ``<target>`` when it is a reference."""
    body = body.strip()
    t = _LINK_TARGET.search(body)
    return t.group(1).strip() if t else body


def same_length_normalize(text: str) -> str:
    """Map typographic apostrophes, quotes, dashes and odd spaces to ASCII, 1:1 in length.

    Offsets into the result are offsets into the original, which lets matchers
    report exact places.
    """
    return text.translate(_SAME_LENGTH) if _MAPPED.search(text) else text


def normalize(text: str) -> str:
    """Normalize for comparison: NFC, ASCII apostrophes/quotes, French spacing, one space."""
    text = same_length_normalize(unicodedata.normalize("NFC", text))
    if any(map(text.__contains__, ";:!?«»")):
        text = _FRENCH_SPACE.sub(r"\1\2", text)  # an unmatched group is replaced by ""
    return collapse(text)


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Médiateur' -> 'mediateur'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Words as translators count them (letters/digits, joined by ' or -)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """Words as translate-toolkit's pocount counts them, so figures match what translators see.

    Its own steps (tags out, a dot between non-digits as a space, Unicode words), with
    the tag patterns run only on text that has a tag and the dots replaced in C; a test
    holds this to pocount's ``wordcount``."""
    brtag, xmltag, wordcount, words = _pocount()
    core = native()
    if core is None:
        return wordcount(text)
    if "<" in text:
        text = xmltag.sub("", brtag.sub("\n", text))
    return len(words(core.undot(text)))


@functools.cache
def _pocount():
    """pocount's tag patterns, its ``wordcount`` and its word splitter, imported on first
    use (translate-toolkit is slow to import, and most runs of a warm cache count nothing)
    and then kept: ``word_count`` is called for every unit."""
    from translate.lang.common import Common
    from translate.tools.pocount import brtagre, wordcount, xmltagre

    return brtagre, xmltagre, wordcount, Common.words


def collapse(text: str) -> str:
    """Join the lines of a block into one line, as a PO msgid holds it."""
    return " ".join(text.split())  # re's \s+ as one space (str.split and \s agree), the ends trimmed


def word_diff(old: str, new: str, context: int = 4) -> str:
    """``old -> new`` as a word diff, ``[-removed-]{+added+}``, with a few words of context."""
    import difflib

    a, b = old.split(), new.split()
    out: list[str] = []
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            if len(words) > 2 * context:
                head = words[:context] if k > 0 else []
                tail = words[-context:] if k < len(ops) - 1 else []
                words = head + ["…"] + tail
            out.extend(words)
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


_SPACE_BEFORE = re.compile(r"\s+([,.;:!?)\]»])")
_SPACE_AFTER = re.compile(r"([(\[«])\s+")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([^\W\d_])")


def cosmetic_form(text: str) -> str:
    """A text as a cosmetic edit leaves it: typographic quotes, apostrophes and dashes
    as ASCII, NBSP as a space, line breaks and runs of spaces as one space, no space
    before closing punctuation or after opening, and each sentence's first letter in
    lower case."""
    text = normalize(text)
    text = _SPACE_AFTER.sub(r"\1", _SPACE_BEFORE.sub(r"\1", text))
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).lower(), text)


def cosmetic_change(old: str, new: str) -> bool:
    """An edit that cannot change meaning: white space, line wrapping, typographic quotes
    and apostrophes, NBSP, the case of a sentence's first letter, spacing around
    punctuation. Any word, digit or punctuation mark added, removed or changed is not."""
    return cosmetic_form(old) == cosmetic_form(new)


# Inline markup of documentation sites (every repetition bounded: linear on any text).
MARKUP_TAG = r"</?[A-Za-z][\w.:-]{0,100}(?:\s[^<>]{0,2000})?/?>"  # HTML/JSX tag
MDX_COMMENT = r"\{/\*.{0,2000}?\*/\}"
HEADING_ID = r"\{#[^}\s]{0,200}\}"  # {#id}
_INLINE_MARKUP = re.compile(f"{MDX_COMMENT}|{HEADING_ID}|{MARKUP_TAG}")


def strip_markup(text: str, by: str = " ") -> str:
    """``text`` with its tags, MDX comments and heading ids replaced by ``by``."""
    return _INLINE_MARKUP.sub(by, text) if ("<" in text or "{" in text) else text


# What is not prose in documentation text: each pattern is anchored on its own first
# character and scans once (no nested repetition), so removing them is linear.
_NOT_PROSE = re.compile(
    f"{MDX_COMMENT}|{HEADING_ID}"
    r"|\{\{[<%].{0,2000}?[>%]\}\}|\{%.{0,2000}?%\}"  # Hugo shortcode, Jekyll tag
    r"|<!--.{0,5000}?-->"  # HTML comment
    f"|{MARKUP_TAG}|</?>"  # HTML/JSX tag, fragment
    r"|https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"  # URL, e-mail
)
# A link's text holds no bracket, and its target parentheses one deep at most
# ("/wiki/Python_(language)"): each scan stops at the next bracket or unbalanced
# parenthesis, so a run of unclosed "[a](" costs each position a few characters.
_TARGET = r"(?:[^()\s]|\([^()\s]{0,500}\)){0,5000}"
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,1000}\]\(" + _TARGET + r"(?:\s+\"[^\"\n]{0,1000}\")?\)")
_LINK_TEXT = re.compile(r"\[([^\[\]\n]{0,1000})\](?:\(" + _TARGET + r"(?:\s+\"[^\"\n]{0,1000}\")?\)|\[[^\[\]\n]{0,1000}\])")
_EMPHASIS = re.compile(r"(?<!\w)[*_~]+|[*_~]+(?!\w)")


def prose(text: str) -> str:
    """The words of a block that a translator translates: its text without inline code,
    tags, comments, shortcodes, heading ids, images, URLs and link targets (a link keeps
    its text), one space between words. Used to compare and identify languages; never
    written back."""
    if "`" in text:
        text = _CODE_SPAN.sub(" ", text)
    if "[" in text:
        if "![" in text:
            text = _IMAGE.sub(" ", text)
        text = _LINK_TEXT.sub(r" \1 ", text)
        if "`" in text:  # code that was a link's text
            text = _CODE_SPAN.sub(" ", text)
    if "<" in text or "{" in text or may_hold_link(text):  # what each pattern needs
        text = _NOT_PROSE.sub(" ", text)
    if any(c in text for c in "*_~"):
        text = _EMPHASIS.sub(" ", text)
    return " ".join(text.split())


# A quotation: what it quotes (an error message, a title) is kept as written.
_QUOTATION = re.compile(r"\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u00ab[^\u00bb\n]*\u00bb")
# A word written as a name: a dot, slash, @ or underscore inside, two hyphens, a digit,
# or a capital after its first letter (eslint-plugin-react, useState, v18, @beta);
# one hyphen is a compound word of prose ("peut-être", "well-known").
_NAME_MARK = re.compile(r"[^\W\d_][./@_][^\W_]|\w-\w+-\w|\d|[^\W\d_][A-Z]|^--?\w")


def words_to_translate(text: str) -> str:
    """Prose without quotations and names: the words a translator must translate."""
    text = prose(text)
    if any(c in text for c in "\"\u201c\u00ab"):
        text = _QUOTATION.sub(" ", text)
    if (core := native()) is not None:
        return core.words_without(text, _NAME_MARK)
    # A word of letters with no capital after its first cannot be a name: no search.
    return " ".join([w for w in text.split() if (w.isalpha() and w[1:].islower()) or not _NAME_MARK.search(w)])
