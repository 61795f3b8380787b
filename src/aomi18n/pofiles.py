"""PO files on disk: where they live, reading them strictly, and the sync record beside them.

Layout under the configuration's ``po_dir`` (default ``po/``)::

    po/en/<french relpath>.po        one catalog per French document (msgid French, msgstr English)
    po/en/_shared.po                 French found in several documents, translated once
    po/templates/<french relpath>.pot
    po/.sync/en/<french relpath>.json  what was exported: the record import and ``stale`` read

polib is lenient (it accepts bad escapes and unterminated strings); :func:`read_po`
first checks the syntax line by line so a malformed file is an error naming its
line, never a silent misreading.
"""

from __future__ import annotations

import functools
import json
import re
import textwrap
from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polib

from .config import Config
from .errors import PoFileError
from .text import collapse
from .writer import Batch, write_text
from .yamlutil import read_text_file

SHARED = "_shared"
MAX_PO_BYTES = 50 * 1024 * 1024

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*)$')
_STRING = re.compile(r'^"([^"\\]*(?:\\.[^"\\]*)*)"\s*$')  # a quoted string, escapes and all
_ESCAPE = re.compile(r'\\(.)')
# The header entry: msgid "" then its msgstr lines (bounded scans: linear).
_HEADER = re.compile(r'^msgid ""\s*\nmsgstr "[^"\n]{0,2000}"(?:\s*\n"[^\n]{0,2000}")*', re.M)
_CHARSET = re.compile(r"charset=([\w.-]{1,40})")
# The escapes polib turns into the character msgfmt does (a control character that comes
# of them is refused entry by entry on import); \a and octal or hex escapes polib leaves
# as they are written, unlike msgfmt: refused.
_VALID_ESCAPES = set('ntr"\\bfv')


def key_of(msgctxt: str | None, msgid: str) -> str:
    """The gettext key of an entry: context EOT msgid."""
    return f"{msgctxt}\x04{msgid}" if msgctxt else msgid


def po_path(config: Config, source_relpath: str) -> Path:
    return config.po_path / config.target_lang / PurePosixPath(source_relpath).with_suffix(".po")


def pot_path(config: Config, source_relpath: str) -> Path:
    return config.po_path / "templates" / PurePosixPath(source_relpath).with_suffix(".pot")


def record_path(config: Config, source_relpath: str) -> Path:
    return config.po_path / ".sync" / config.target_lang / PurePosixPath(source_relpath).with_suffix(".json")


def shared_po_path(config: Config) -> Path:
    return config.po_path / config.target_lang / f"{SHARED}.po"


def catalogs(config: Config) -> list[Path]:
    """Every PO file of the target language, sorted."""
    folder = config.po_path / config.target_lang
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*.po") if p.is_file() and not p.is_symlink())


def _check_syntax(text: str, path: Path) -> None:
    """Line-level PO syntax: keywords, quoted strings, escapes, msgid before msgstr."""
    state = None  # last keyword seen in the current entry
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            state = None
            continue
        if line.startswith("#"):
            continue  # comments, and obsolete entries (#~): polib reads them; they are not imported
        m = _KEYWORD.match(line)
        if m:
            kw, rest = m.groups()
            if kw.startswith("msgstr") and state not in ("msgid", "msgid_plural", "msgstr"):
                raise PoFileError(f"{kw} without a msgid before it", path, n)
            if kw == "msgid" and state == "msgid":
                raise PoFileError("msgid without a msgstr after the previous msgid", path, n)
            state = "msgstr" if kw.startswith("msgstr") else kw
            string = rest
        elif line.startswith('"'):
            if state is None:
                raise PoFileError("a quoted string outside any msgid/msgstr", path, n)
            string = line
        else:
            raise PoFileError(f"not PO syntax: {line[:40]!r}", path, n)
        sm = _STRING.match(string)
        if not sm:
            raise PoFileError("unterminated or badly quoted string", path, n)
        for e in _ESCAPE.finditer(sm.group(1)):
            if e.group(1) not in _VALID_ESCAPES:
                raise PoFileError(f"escape \\{e.group(1)} in a string: aomi18n reads \\n \\t \\r \\b \\f \\v \\\" "
                                  "\\\\ as msgfmt does, not this one (write the character itself)", path, n)
    if state in ("msgid", "msgctxt", "msgid_plural"):
        raise PoFileError("the last msgid has no msgstr", path, len(text.splitlines()))


def _read_po_text(p: Path) -> str:
    text = read_text_file(p, PoFileError, MAX_PO_BYTES)
    if "\x00" in text:
        raise PoFileError("is a binary file, not a PO file", p, text[: text.index("\x00")].count("\n") + 1)
    return text


def _check_charset(text: str, p: Path) -> None:
    # The header's charset, wherever the header ends (a long comment before it included).
    header = _HEADER.search(text)
    m = _CHARSET.search(text, header.start(), header.end()) if header else None
    if m and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "charset"):
        line = text[: m.start()].count("\n") + 1
        raise PoFileError(f"declares charset={m.group(1)}; PO files of this project must be UTF-8", p, line)


def read_po(path: str | Path, text: str | None = None) -> polib.POFile:
    """Read a PO file strictly: UTF-8, valid syntax, no duplicate entries (``text``: its
    content, already read)."""
    p = Path(path)
    text = _read_po_text(p) if text is None else text
    _check_syntax(text, p)
    _check_charset(text, p)
    try:
        po = polib.pofile(text, wrapwidth=79)
    except (OSError, ValueError) as exc:
        lm = re.search(r"line (\d+)", str(exc))
        raise PoFileError(f"is not a valid PO file ({exc})", p, int(lm.group(1)) if lm else None) from None
    seen: dict[str, int] = {}
    for e in po:
        if e.obsolete:
            continue
        k = key_of(e.msgctxt, e.msgid)
        if k in seen:
            raise PoFileError(f"duplicate entry for msgid {collapse(e.msgid)[:40]!r} (first at line {seen[k]})", p, e.linenum)
        seen[k] = e.linenum
    return po


_UNESCAPE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}
_ANY_ESCAPE = re.compile(r"\\(.)")


def po_index(path: str | Path) -> list[tuple[str, int, bool]]:
    """Each live entry of a PO file as (msgid, line where the entry starts, translated
    and not fuzzy): what the queue and the report look up, read in one pass without
    building a catalog (a fifth of the time of :func:`read_po`).
    Not a validator: a file :func:`read_po` refuses may still be indexed."""
    text = read_text_file(Path(path), PoFileError, MAX_PO_BYTES)
    out: list[tuple[str, int, bool]] = []
    # The entry being read: where it starts, its msgid's strings, whether it has a
    # msgstr (None: not yet) and a non-empty one, whether it is fuzzy.
    start, msgid, msgstr, fuzzy = 0, [], None, False
    field = None  # the strings that a continuation line adds to: msgid, msgstr or neither
    string = _STRING.match
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        first = line[0]
        if first == '"':
            if field is None:
                continue
            sm = string(line)
            if sm is None:
                continue
            if field == "msgid":
                msgid.append(_unescaped(sm.group(1)))
            elif sm.group(1):
                msgstr = True
            continue
        m = None
        if first == "#":
            if line.startswith("#~"):
                continue
        else:
            m = _KEYWORD.match(line)
            if m is None:
                continue
        kw = m.group(1) if m is not None else None
        if kw is None or (msgstr is not None and kw in ("msgctxt", "msgid")):
            if msgstr is not None or not start:  # the previous entry is complete: a new one begins
                if msgstr is not None and any(msgid):
                    out.append(("".join(msgid), start, msgstr and not fuzzy))
                start, msgid, msgstr, fuzzy, field = n, [], None, False, None
            if kw is None:
                if line.startswith("#,") and "fuzzy" in line:
                    fuzzy = True
                continue
        if not start:
            start = n
        rest = m.group(2)
        sm = string(rest)
        if kw == "msgid":
            field = "msgid"
            if sm is not None:
                msgid.append(_unescaped(sm.group(1)))
        elif kw in ("msgstr", "msgstr[0]"):
            field = "msgstr"
            if msgstr is None:
                msgstr = False
            if sm is not None and sm.group(1):
                msgstr = True
        else:
            field = None
    if msgstr is not None and any(msgid):
        out.append(("".join(msgid), start, msgstr and not fuzzy))
    return out


def _unescaped(value: str) -> str:
    """A quoted string's text as the PO index reads it (an unknown escape: its character)."""
    return _ANY_ESCAPE.sub(_unescape, value) if "\\" in value else value


def _unescape(e: re.Match) -> str:
    return _UNESCAPE.get(e.group(1), e.group(1))


def write_po(path: Path, po: polib.POFile, batch: Batch | None = None) -> bool:
    """Write a catalog atomically, ending in a newline (False when the file already says
    this); into ``batch`` when given."""
    text = po_text(po)
    return write_text(path, text if text.endswith("\n") else text + "\n", batch)


def po_text(po: polib.POFile) -> str:
    """``str(po)`` byte for byte (tested against polib on random catalogs), written here
    because polib's own serializer was most of the time a thousand-file export took."""
    body = entries_text(po, po.wrapwidth)
    return head_text(po) + ("\n" + body if body else "")


def head_text(po: polib.POFile) -> str:
    """The start of ``po_text(po)``: the header comment and the metadata entry (polib's
    ``metadata_as_entry``, written directly: an export writes two headers a document)."""
    out = [f"#{line}\n" if line[:1] in (",", ":") else (f"# {line}\n" if line else "#\n")
           for line in po.header.split("\n")]
    meta = po.metadata
    if po.metadata_is_fuzzy:
        out.append("#, fuzzy\n")
    out.append('msgid ""\n')
    msgstr = "".join([f"{name}: {meta[name]}\n" for name in _metadata_order(tuple(meta))])
    # (not remembered: every document's header is its own)
    out.append("\n".join(_field.__wrapped__("msgstr", "", "", msgstr, po.wrapwidth)) + "\n")
    return "".join(out)


@functools.lru_cache(maxsize=64)
def _metadata_order(names: tuple[str, ...]) -> tuple[str, ...]:
    """polib's ``ordered_metadata``: the standard fields in their order, then the others
    in natural order (its ``natural_sort``, which fails on a name such as "X-1²": a field a
    translator's editor put in the header must not stop an update)."""
    first = [n for n in _STANDARD_FIELDS if n in names]
    return (*first, *sorted((n for n in names if n not in _STANDARD_FIELDS), key=_natural_key))


def _natural_key(name: str) -> list[tuple]:
    """polib's natural sort key (the name cut around its runs of ASCII digits, each piece a
    number if it is all digits, else lower-cased): the same order wherever polib's own
    does not fail, and a number and a text, which polib cannot compare, never compared."""
    return [(0, int(part)) if part.isdecimal() else (1, part.lower()) for part in _DIGIT_RUNS.split(name)]


_DIGIT_RUNS = re.compile("([0-9]+)")


_STANDARD_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                    "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                    "Content-Transfer-Encoding", "Plural-Forms")


def entries_text(entries, width: int, template: bool = False) -> str:
    """The entries of a catalog as ``po_text`` writes them after its head (live ones,
    then obsolete ones); ``template``: as in its POT, where the live entries keep their
    French, places and notes, and lose their translation, flags and previous French."""
    live = [entry_text(e, width, template) for e in entries if not e.obsolete]
    return "\n".join(live if template else live + [entry_text(e, width) for e in entries if e.obsolete])


_SPECIAL = re.compile(r'[\\\t\r\n\v\b\f"]')


def _escaped(text: str) -> str:
    return polib.escape(text) if _SPECIAL.search(text) else text


@functools.lru_cache(maxsize=4096)
def _field(name: str, prefix: str, plural_index: str, value: str, width: int) -> tuple[str, ...]:
    """polib's ``_str_field``: one quoted line, or an empty first line and the string
    wrapped where it does not fit (the width counts the field's full name). Remembered
    for a while: a catalog's template, written next, has the same msgids."""
    lines = value.splitlines(True)
    special = True
    if len(lines) > 1:
        lines = [""] + lines
    else:
        special = _SPECIAL.findall(value)
        room = width - (len(name) + 3 + len(plural_index)) + len(special)
        if width > 0 and len(value) > room:
            wrapped = fast_wrap(polib.escape(value) if special else value, width - 2,
                                drop_whitespace=False, break_long_words=False)
            lines = [""] + ([polib.unescape(x) for x in wrapped] if special else wrapped)
        else:
            lines = [value]
    if name.startswith("previous_"):
        name = name[9:]
    if not special:  # one line with nothing to escape, or its pieces
        return (f'{prefix}{name}{plural_index} "{lines[0]}"', *[f'{prefix}"{x}"' for x in lines[1:]])
    return (f'{prefix}{name}{plural_index} "{_escaped(lines[0])}"', *(f'{prefix}"{_escaped(x)}"' for x in lines[1:]))


@functools.lru_cache(maxsize=4096)
def _comment(value: str, prefix: str, width: int) -> tuple[str, ...]:
    """A comment's lines, each wrapped where it does not fit (as polib and xgettext do)."""
    ret: list[str] = []
    for comment in value.split("\n"):
        if width > 0 and len(comment) + len(prefix) > width:
            ret += _wrapped_comment(comment, prefix, width)
        else:
            ret.append(prefix + comment)
    return tuple(ret)


@functools.lru_cache(maxsize=1024)
def _wrapped_comment(line: str, prefix: str, width: int) -> tuple[str, ...]:
    """One long line of a comment, wrapped (remembered: a glossary note recurs in many entries)."""
    return tuple(fast_wrap(line, width, initial_indent=prefix, subsequent_indent=prefix, break_long_words=False))


def _places(occurrences: list[tuple[str, str]], width: int) -> list[str]:
    """The ``#:`` lines of an entry's places (file names are not broken at hyphens)."""
    files = " ".join(f"{path}:{line}" if line else path for path, line in occurrences)
    if width > 0 and len(files) + 3 > width:
        return [x.replace("*", "-") for x in fast_wrap(files.replace("-", "*"), width, initial_indent="#: ",
                                                       subsequent_indent="#: ", break_long_words=False)]
    return ["#: " + files]


def _previous(e: polib.POEntry, prefix: str, width: int) -> list[str]:
    ret: list[str] = []
    for name in ("previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
        value = getattr(e, name)
        if value is not None:
            ret += _field(name, prefix, "", value, width)
    return ret


def _translation(e: polib.POEntry, delflag: str, width: int) -> list[str]:
    """An entry's lines after its msgid: msgid_plural and msgstr (or msgstr[n])."""
    ret: list[str] = []
    if e.msgid_plural:
        ret += _field("msgid_plural", delflag, "", e.msgid_plural, width)
    if e.msgstr_plural:
        for index in sorted(e.msgstr_plural):
            ret += _field("msgstr", delflag, f"[{index}]", e.msgstr_plural[index], width)
    else:
        ret += _field("msgstr", delflag, "", e.msgstr, width)
    return ret


def entry_text(e: polib.POEntry, width: int, template: bool = False) -> str:
    """``POEntry.__unicode__(width)``; ``template``: of the entry its POT holds (msgid,
    msgctxt, places and extracted comment only)."""
    ret: list[str] = []
    obsolete = e.obsolete
    comments = ((e.tcomment, "# "),) if obsolete else ((e.comment, "#. "),) if template else ((e.tcomment, "# "), (e.comment, "#. "))
    for value, prefix in comments:
        if value:
            ret += _comment(value, prefix, width)
    if not obsolete and e.occurrences:
        ret += _places(e.occurrences, width)
    if not template:
        if e.flags:
            ret.append("#, " + ", ".join(e.flags))
        ret += _previous(e, "#~| " if obsolete else "#| ", width)
    delflag = "#~ " if obsolete else ""
    if e.msgctxt is not None:
        ret += _field("msgctxt", delflag, "", e.msgctxt, width)
    ret += _field("msgid", delflag, "", e.msgid, width)
    ret += _field("msgstr", "", "", "", width) if template else _translation(e, delflag, width)
    ret.append("")
    return "\n".join(ret)


def entry_texts(e: polib.POEntry, width: int) -> tuple[str, str]:
    """``entry_text(e, width)`` and ``entry_text(e, width, template=True)`` of a live
    entry, the lines they share made once."""
    notes = _comment(e.comment, "#. ", width) if e.comment else ()
    places = _places(e.occurrences, width) if e.occurrences else []
    ident = _field("msgid", "", "", e.msgid, width)
    if e.msgctxt is not None:
        ident = _field("msgctxt", "", "", e.msgctxt, width) + ident
    pot = "\n".join((*notes, *places, *ident, 'msgstr ""', ""))
    po = list(_comment(e.tcomment, "# ", width)) if e.tcomment else []
    po += notes
    po += places
    if e.flags:
        po.append("#, " + ", ".join(e.flags))
    po += _previous(e, "#| ", width)
    po += ident
    po += _translation(e, "", width)
    po.append("")
    return "\n".join(po), pot


_WORDSEP = textwrap.TextWrapper.wordsep_re  # textwrap's chunks (words, hyphens, spaces)
_SPACES = re.compile(r"( +)")
_WHITESPACE = str.maketrans({c: " " for c in "\t\n\x0b\x0c\r"})
#: A chunk textwrap takes for whitespace although it is no run of spaces (a lone no-break space).
_BLANK_WORD = re.compile(r"(?<![^ ])[^\S ]+(?![^ ])")
_OTHER_WHITESPACE = re.compile("[\t\n\x0b\x0c\r]")
#: Where textwrap may cut a word at a hyphen, or more: a hyphen before a letter or
#: another hyphen (it cuts "droits-de" and "a--b", never "section-01" or "12-14").
_HYPHEN_CUT = re.compile(r"-(?:-|[^\d\W])")


@functools.lru_cache(maxsize=16)
def _lines_of(width: int, drop_whitespace: bool) -> re.Pattern:
    """Text without hyphens wrapped at ``width`` in one regex: each line is the longest
    run of whole chunks (runs of spaces, runs of the rest) that fits, or one chunk alone
    that fits on no line. Dropping whitespace (text that starts with no space), the
    spaces after a line are skipped and its own last ones are for the caller to strip."""
    line = rf".{{1,{width}}}(?:(?<= )(?=[^ ])|(?<=[^ ])(?= )|\Z)"
    if drop_whitespace:
        return re.compile(rf"({line}|[^ ]+) *", re.DOTALL)
    return re.compile(rf"{line}|[^ ]+| +", re.DOTALL)


def _chunks(text: str) -> list[str]:
    """textwrap's chunks of ``text`` (whose only white space is spaces): its runs of spaces
    and the words between them, a word with a hyphen cut by textwrap's own pattern. That
    pattern's matches never cross a run of spaces, and its look-arounds see a space as
    they see an end, so it is run on those words alone (on the whole text it costs about
    17 us a paragraph)."""
    out: list[str] = []
    for piece in _SPACES.split(text):
        if "-" in piece:
            out.extend(filter(None, _WORDSEP.split(piece)))
        elif piece:
            out.append(piece)
    return out


def fast_wrap(text: str, width: int = 70, drop_whitespace: bool = True, break_long_words: bool = True,
              initial_indent: str = "", subsequent_indent: str = "", **options) -> list[str]:
    """``textwrap.wrap`` as polib calls it (``break_long_words=False``, for strings with
    ``drop_whitespace=False``, for comments with it and an indent), line for line the same
    (tested against textwrap on random text). Each line is found by one bisection over the
    running lengths of textwrap's own chunks, not by a loop over the chunks. Other options
    go to textwrap itself."""
    if break_long_words or width <= 0 or options or len(initial_indent) != len(subsequent_indent):
        return textwrap.wrap(text, width, drop_whitespace=drop_whitespace, break_long_words=break_long_words,
                             initial_indent=initial_indent, subsequent_indent=subsequent_indent, **options)
    if _OTHER_WHITESPACE.search(text):
        text = text.expandtabs(8).translate(_WHITESPACE)
    room = width - len(initial_indent)
    if room > 0 and ("-" not in text or not _HYPHEN_CUT.search(text)):  # words are never cut
        if not drop_whitespace:
            return [initial_indent + line for line in _lines_of(room, False).findall(text)]
        if not text.startswith(" ") and not _BLANK_WORD.search(text):
            return [initial_indent + line.rstrip(" ") for line in _lines_of(room, True).findall(text)]
    chunks = _chunks(text)
    ends = list(accumulate(map(len, chunks), initial=0))  # ends[k]: length of chunks[:k]
    width -= len(initial_indent)
    lines: list[str] = []
    i, n = 0, len(chunks)
    while i < n:
        if drop_whitespace and lines and not chunks[i].strip():
            i += 1  # a line does not start with a space (the text's first line may)
            if i == n:
                break
        j = bisect_right(ends, ends[i] + width, i + 1) - 1  # as many chunks as fit
        if j == i:
            j = i + 1  # a chunk longer than the width stands alone
        k = j - 1 if drop_whitespace and not chunks[j - 1].strip() else j
        if k > i:
            lines.append((subsequent_indent if lines else initial_indent) + "".join(chunks[i:k]))
        i = j
    return lines


def header_field(po: polib.POFile, name: str) -> str | None:
    value = po.metadata.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


# -- the sync record ---------------------------------------------------------------

@dataclass
class SyncRecord:
    """What was exported for one French document: the place of each side and each msgstr."""

    source: str
    target: str | None
    entries: dict[str, str] = field(default_factory=dict)  # key -> msgstr as exported

    def to_json(self) -> str:
        """``json.dumps`` of the record (entries sorted, ``indent=1``, no ASCII escapes) and a
        newline, written here: with an indent, json encodes in Python, a tenth of a second
        for a thousand records."""
        quote = json.encoder.encode_basestring  # json's own string encoder (ensure_ascii=False)
        target = "null" if self.target is None else quote(self.target)
        head = f'{{\n "version": 1,\n "source": {quote(self.source)},\n "target": {target},\n "entries": '
        if not self.entries:
            return head + "{}\n}\n"
        return head + "{\n" + ",\n".join(f"  {quote(k)}: {quote(v)}" for k, v in sorted(self.entries.items())) + "\n }\n}\n"


def read_record(path: Path) -> SyncRecord | None:
    if not path.exists() and not path.is_symlink():
        return None
    try:
        data = json.loads(read_text_file(path, PoFileError))
        if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("entries"), dict):
            raise ValueError("not a version-1 sync record")
        return SyncRecord(str(data["source"]), data.get("target"), {str(k): str(v) for k, v in data["entries"].items()})
    except (OSError, ValueError, KeyError, UnicodeDecodeError, RecursionError, TypeError) as exc:
        if isinstance(exc, RecursionError):
            exc = ValueError("nested too deep")
        raise PoFileError(f"is not a readable sync record ({exc}); delete it and run 'aomi18n po update'", path) from None


def write_record(path: Path, record: SyncRecord, batch: Batch | None = None) -> bool:
    return write_text(path, record.to_json(), batch)


# -- what the PO files say was synced (read by the ``stale`` check) -------------------

@dataclass(frozen=True)
class LiveEntry:
    """What the checks read of a live entry: its French, whether it is translated and
    fuzzy, and its previous French (``#| msgid``)."""

    msgctxt: str | None
    msgid: str
    msgstr: bool
    fuzzy: bool
    previous_msgid: str | None


def live_entries(path: Path) -> list[LiveEntry]:
    """The live entries of a PO file (its header's excepted), read as strictly as
    :func:`read_po`: in one pass where the file has the usual layout, else by polib."""
    text = _read_po_text(path)
    entries = _usual_entries(text)
    if entries is None:
        po = read_po(path, text)
        return [LiveEntry(e.msgctxt, e.msgid, bool(e.msgstr), "fuzzy" in e.flags, e.previous_msgid)
                for e in po if not e.obsolete]
    _check_charset(text, path)
    return entries


def _usual_entries(text: str) -> list[LiveEntry] | None:
    """:func:`live_entries` of a file in the usual layout, as polib reads it: per entry,
    comments (``#``, ``#.``, ``#:``, ``#,``, ``#| msgctxt``/``#| msgid`` and their
    continuation lines), then msgctxt, msgid and msgstr, each string on as many lines as
    it needs, obsolete entries (``#~``) alike; strings well quoted with the escapes
    msgfmt reads. None for anything else (plurals, a comment between msgid and msgstr,
    a duplicate entry, any syntax error): :func:`read_po` reads it, or names its error."""
    out: list[tuple] = []
    state = "st"  # st: no keyword yet; ct, mi, ms: after msgctxt, msgid, msgstr; pc, pm: after #| ones
    ctx: list[str] | None = None
    mid: list[str] | None = None
    mstr: list[str] | None = None
    prev: list[str] | None = None
    fuzzy = obsolete = False
    last_hash = False  # the last line is a comment (polib then drops the entry being read)

    def flush() -> bool:
        if mid is None or mstr is None:
            return False
        out.append((obsolete, "".join(ctx) if ctx is not None else None, "".join(mid), bool("".join(mstr)), fuzzy,
                    "".join(prev) if prev is not None else None))
        return True

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        obs = False
        if line.startswith("#~"):
            if line.startswith("#~|"):
                last_hash = True
                continue  # a previous string of an obsolete entry: polib skips it
            if line[2:3] not in (" ", "\t"):
                return None
            line, obs = line[3:].strip(), True
            if not line or line[0] == "#":
                return None
        first = line[0]
        last_hash = first == "#"
        if first == "#":
            parts = line.split(None, 2)
            tok = parts[0]
            if tok in ("#.", "#:", "#,") and len(parts) == 1:
                continue  # polib skips it
            value = None
            if tok == "#|":
                if len(parts) < 2:
                    return None
                body = line[2:].lstrip()
                if body[0] == '"':  # the previous msgid goes on
                    value = _string_value(body)
                    if value is None or state not in ("pm", "pc"):
                        return None
                    if state == "pm":
                        prev.append(value)
                    continue
                if parts[1] not in ("msgid", "msgctxt") or len(parts) < 3:
                    return None
                value = _string_value(body[len(parts[1]):].lstrip())
                if value is None:
                    return None
            elif tok not in ("#", "#.", "#:", "#,") and not tok.startswith("##"):
                return None
            # A comment after a msgstr begins the next entry; one between keywords is
            # not the usual layout.
            if state == "ms":
                if not flush():
                    return None
                ctx = mid = mstr = prev = None
                fuzzy = obsolete = False
            elif state in ("ct", "mi"):
                return None
            state = "st"
            if tok == "#,":
                fuzzy = fuzzy or "fuzzy" in [c.strip() for c in line[3:].split(",")]
            elif tok == "#|":
                if parts[1] == "msgid":
                    prev, state = [value], "pm"
                else:
                    state = "pc"
            continue
        if first == '"':
            if state not in ("ct", "mi", "ms") or obs != obsolete:
                return None
            value = _string_value(line)
            if value is None:
                return None
            (ctx if state == "ct" else mid if state == "mi" else mstr).append(value)
            continue
        m = _KEYWORD.match(line)
        if m is None:
            return None
        kw = m.group(1)
        value = _string_value(m.group(2))
        if value is None or kw not in ("msgctxt", "msgid", "msgstr"):
            return None
        if kw == "msgstr":
            if state != "mi" or obs != obsolete:
                return None
            mstr, state = [value], "ms"
            continue
        if state == "ms":
            if not flush():
                return None
            ctx = mid = mstr = prev = None
            fuzzy = False
        elif state in ("mi",) or (state == "ct" and kw == "msgctxt"):
            return None
        elif state == "ct" and obs != obsolete:
            return None
        obsolete = obs
        if kw == "msgctxt":
            ctx, state = [value], "ct"
        else:
            mid, state = [value], "mi"
    if state in ("ct", "mi"):
        return None
    if state == "ms" and not last_hash and not flush():
        return None
    entries: list[LiveEntry] = []
    seen: set[str] = set()
    header = True  # polib takes the first live entry with an empty msgid for the header
    for obsolete, ctx_, msgid, translated, fuzzy_, previous in out:
        if obsolete:
            continue
        if header and msgid == "":
            header = False
            continue
        key = key_of(ctx_, msgid)
        if key in seen:
            return None  # a duplicate: read_po names it
        seen.add(key)
        entries.append(LiveEntry(ctx_, msgid, translated, fuzzy_, previous))
    return entries


def _string_value(quoted: str) -> str | None:
    """A quoted PO string's text, or None where it is badly quoted or holds an escape
    msgfmt does not read."""
    m = _STRING.match(quoted)
    if m is None:
        return None
    value = m.group(1)
    if "\\" in value:
        if any(e.group(1) not in _VALID_ESCAPES for e in _ESCAPE.finditer(value)):
            return None
        return polib.unescape(value)
    return value


@dataclass(frozen=True)
class Synced:
    """The source a document's translation was last synced with (its PO file, git history,
    or the configured sync point)."""

    texts: frozenset[str]  # source units (collapsed) as the record holds them
    previous: dict[str, str]  # source unit now -> source unit before, for fuzzy entries with #| msgid
    path: str
    order: tuple[str, ...] = ()  # the record's source units in document order


def synced_french(config: Config, source_relpath: str) -> Synced | None:
    """Read the PO file of one French document (None when it has none)."""
    p = po_path(config, source_relpath)
    if not p.is_file():
        return None
    texts: set[str] = set()
    order: list[str] = []
    previous: dict[str, str] = {}
    for e in live_entries(p):
        if not e.msgid:
            continue
        parts = [collapse(x) for x in e.msgid.split("\n\n")]
        texts.update(parts)
        order.extend(parts)
        if e.fuzzy and e.previous_msgid and e.msgstr:
            old = [collapse(x) for x in e.previous_msgid.split("\n\n")]
            if len(old) == len(parts):
                previous.update(zip(parts, old))
            else:
                previous[parts[0]] = " ".join(old)
    return Synced(frozenset(texts), previous, p.as_posix(), tuple(order))
