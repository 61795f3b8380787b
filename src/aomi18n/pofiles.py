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

import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polib

from .config import Config
from .errors import PoFileError
from .text import collapse
from .writer import write_text
from .yamlutil import read_text_file

SHARED = "_shared"
MAX_PO_BYTES = 50 * 1024 * 1024

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*)$')
_STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*$')
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


def read_po(path: str | Path) -> polib.POFile:
    """Read a PO file strictly: UTF-8, valid syntax, no duplicate entries."""
    p = Path(path)
    text = read_text_file(p, PoFileError, MAX_PO_BYTES)
    if "\x00" in text:
        raise PoFileError("is a binary file, not a PO file", p, text[: text.index("\x00")].count("\n") + 1)
    _check_syntax(text, p)
    # The header's charset, wherever the header ends (a long comment before it included).
    header = _HEADER.search(text)
    m = _CHARSET.search(text, header.start(), header.end()) if header else None
    if m and m.group(1).lower().replace("_", "-") not in ("utf-8", "utf8", "charset"):
        line = text[: m.start()].count("\n") + 1
        raise PoFileError(f"declares charset={m.group(1)}; PO files of this project must be UTF-8", p, line)
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
    building a catalog (less than half the time of :func:`read_po`).
    Not a validator: a file :func:`read_po` refuses may still be indexed."""
    text = read_text_file(Path(path), PoFileError, MAX_PO_BYTES)
    out: list[tuple[str, int, bool]] = []
    entry: dict = {}

    def flush() -> None:
        msgid = "".join(entry.get("msgid", ()))
        if msgid and "msgstr" in entry:
            out.append((msgid, entry["start"], bool("".join(entry["msgstr"])) and not entry.get("fuzzy")))

    field = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        m = None if line.startswith(("#", '"')) else _KEYWORD.match(line)
        if line.startswith("#") or (m and m.group(1) in ("msgctxt", "msgid") and "msgstr" in entry):
            if "msgstr" in entry or not entry:  # the previous entry is complete: a new one begins
                flush()
                entry = {"start": n}
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            if line.startswith("#"):
                continue
        if m:
            kw, line = m.groups()
            entry.setdefault("start", n)
            field = {"msgid": "msgid", "msgstr": "msgstr", "msgstr[0]": "msgstr"}.get(kw)
            if field:
                entry.setdefault(field, [])
        sm = _STRING.match(line)
        if sm and field:
            entry[field].append(_ANY_ESCAPE.sub(lambda e: _UNESCAPE.get(e.group(1), e.group(1)), sm.group(1)))
    flush()
    return out


def write_po(path: Path, po: polib.POFile) -> bool:
    """Write a catalog atomically, ending in a newline (False when the file already says this)."""
    text = po_text(po)
    return write_text(path, text if text.endswith("\n") else text + "\n")


def po_text(po: polib.POFile) -> str:
    """``str(po)``, with polib's line wrapping done by :func:`fast_wrap` (the same lines
    as ``textwrap.wrap``, which is most of the time a thousand-file export takes)."""
    previous = polib.textwrap
    polib.textwrap = _FastTextwrap
    try:
        return str(po)
    finally:
        polib.textwrap = previous if previous is not _FastTextwrap else textwrap


_WORDSEP = textwrap.TextWrapper.wordsep_re  # textwrap's chunks (words, hyphens, spaces)
_SPACES = re.compile(r"( +)")
_WHITESPACE = str.maketrans({c: " " for c in "\t\n\x0b\x0c\r"})


def fast_wrap(text: str, width: int = 70, drop_whitespace: bool = True, break_long_words: bool = True,
              **options) -> list[str]:
    """``textwrap.wrap(text, width, drop_whitespace=False, break_long_words=False)`` as polib
    calls it, line for line the same (tested against textwrap on random text), in one
    greedy loop over textwrap's own chunks. Other options go to textwrap itself."""
    if drop_whitespace or break_long_words or width <= 0 or options:
        return textwrap.wrap(text, width, drop_whitespace=drop_whitespace, break_long_words=break_long_words, **options)
    text = text.expandtabs(8).translate(_WHITESPACE)
    # Without a hyphen, textwrap's chunks are the runs of spaces and of the rest.
    chunks = [c for c in (_WORDSEP if "-" in text else _SPACES).split(text) if c]
    lines, line, length = [], [], 0
    for chunk in chunks:
        n = len(chunk)
        if length + n <= width or not line:  # a chunk longer than the width stands alone
            line.append(chunk)
            length += n
            continue
        lines.append("".join(line))
        line, length = [chunk], n
    if line:
        lines.append("".join(line))
    return lines


class _FastTextwrap:
    """What polib uses of the textwrap module."""

    wrap = staticmethod(fast_wrap)


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
        data = {"version": 1, "source": self.source, "target": self.target, "entries": dict(sorted(self.entries.items()))}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


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


def write_record(path: Path, record: SyncRecord) -> bool:
    return write_text(path, record.to_json())


# -- what the PO files say was synced (read by the ``stale`` check) -------------------

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
    po = read_po(p)
    texts: set[str] = set()
    order: list[str] = []
    previous: dict[str, str] = {}
    for e in po:
        if e.obsolete or not e.msgid:
            continue
        parts = [collapse(x) for x in e.msgid.split("\n\n")]
        texts.update(parts)
        order.extend(parts)
        if "fuzzy" in e.flags and e.previous_msgid and e.msgstr:
            old = [collapse(x) for x in e.previous_msgid.split("\n\n")]
            if len(old) == len(parts):
                previous.update(zip(parts, old))
            else:
                previous[parts[0]] = " ".join(old)
    return Synced(frozenset(texts), previous, p.as_posix(), tuple(order))
