"""The only file reader: decode, keep exact spans, segment into blocks.

(Each block splits into sentences when asked: :attr:`~aomi18n.model.Block.sentences`.)

``read_document(path)`` returns an immutable :class:`~aomi18n.model.Document`.
Every block and sentence keeps its offsets into ``Document.text`` (the file decoded,
BOM removed, newlines untouched), so edits can be written back byte-exact.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from pathlib import Path

from .errors import DocumentError
from .langid import DOCUMENT_SAMPLE, identify
from .markdown import FRONT_MATTER_KEYS, MARKDOWN_SUFFIXES, Raw as _Raw, segment_markdown
from .model import Block, Document, Suppression, is_translatable
from .records import record

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_LINE_CHARS = 100_000

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_LIST = re.compile(r"^([ \t]*)((?:[-*+•–—]|\d{1,3}[.)]|[a-z]\)(?=\s))[ \t]+(?:[✓✔•▪►][ \t]*)?)(?=\S)")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_TABLE = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_SETEXT = re.compile(r"^ {0,3}(={3,}|-{3,})\s*$")
_COMMENT_OPEN = re.compile(r"^\s*<!--")
_DIRECTIVE = re.compile(r"<!--\s*aomi18n\s*:\s*(ignore(?:-file)?)\s+([\w,\-]+)\s*(.*?)\s*-->", re.S)
_HAS_WORD = re.compile(r"[^\W_]")


def _decode(data: bytes, path: str) -> tuple[str, bool]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError("is UTF-16; aomi18n reads UTF-8 only (convert it, e.g. with iconv -f UTF-16 -t UTF-8)", path)
    if b"\x00" in data[:65536]:
        raise DocumentError("is a binary file (it holds NUL bytes), not a text document", path)
    nul = data.find(b"\x00", 65536)
    if nul >= 0:  # a NUL further on: no PO file can hold it, so refuse the document here
        raise DocumentError("holds a NUL byte, which no PO file can hold", path, data.count(b"\n", 0, nul) + 1)
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), bom
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        bad = body[exc.start : exc.start + 1].hex()
        guess = " (it looks like Latin-1/Windows-1252)" if 0x80 <= body[exc.start] <= 0xFF else ""
        raise DocumentError(
            f"is not valid UTF-8: byte 0x{bad} at offset {exc.start + (3 if bom else 0)}{guess}; "
            "convert it to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)",
            path,
            line,
        ) from None


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """Read a file's bytes, turning every OS problem into a DocumentError."""
    name = str(path)
    try:
        st = os.stat(path)
        if not os.path.isfile(path):
            raise DocumentError("is not a regular file", name)
        if st.st_size > max_bytes:
            raise DocumentError(
                f"is {st.st_size:,} bytes, over the limit of {max_bytes:,} (max_file_bytes in the configuration)", name
            )
        with open(path, "rb") as fh:
            return fh.read(max_bytes + 1)
    except DocumentError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DocumentError("is a symbolic link loop", name) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise DocumentError("cannot be read: permission denied", name) from None
        if exc.errno == errno.ENOENT:
            raise DocumentError("does not exist", name) from None
        raise DocumentError(f"cannot be read: {exc.strerror}", name) from None


def read_document(
    path: str | Path,
    *,
    relpath: str | None = None,
    languages: tuple[str, ...] = ("fr", "en"),
    max_bytes: int = MAX_FILE_BYTES,
    max_line: int = MAX_LINE_CHARS,
    identify: bool = True,
    front_matter_keys: tuple[str, ...] = FRONT_MATTER_KEYS,
) -> Document:
    """Read, decode and segment one file."""
    p = Path(path)
    data = read_bytes(p, max_bytes=max_bytes)
    return parse_document(
        data, str(path), relpath=relpath or p.name, languages=languages, max_line=max_line, identify=identify,
        front_matter_keys=front_matter_keys,
    )


def parse_document(
    data: bytes,
    path: str,
    *,
    relpath: str | None = None,
    languages: tuple[str, ...] = ("fr", "en"),
    max_line: int = MAX_LINE_CHARS,
    identify: bool = True,
    markdown: bool | None = None,
    front_matter_keys: tuple[str, ...] = FRONT_MATTER_KEYS,
    sha256: str | None = None,
) -> Document:
    """Build a Document from bytes (the reader's second half; also used by tests and fuzzing).

    ``markdown``: read it as Markdown (markdown-it-py); by default, when its name ends
    in ``.md``, ``.mdx``... and it follows Markdown's paragraph rule. Anything else
    (plain text, scraped pages with a paragraph per line) is cut by lines.
    ``sha256``: the hex digest of ``data``, when the caller has it already.
    """
    text, bom = _decode(data, path)
    if not text.strip():
        raise DocumentError("is empty: there is no text to translate", path)
    lines = _split_lines(text)
    for i, (s, e) in enumerate(lines):
        if e - s > max_line:
            raise DocumentError(
                f"has a line of {e - s:,} characters, over the limit of {max_line:,} (max_line_chars in the configuration)",
                path,
                i + 1,
            )
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    newline = max((crlf, "\r\n"), (lf, "\n"), (lone_cr, "\r"))[1] if (crlf or lf or lone_cr) else "\n"
    final_newline = text.endswith(("\n", "\r"))
    if markdown is None:
        markdown = path.lower().endswith(MARKDOWN_SUFFIXES)
    raws, wrapped = _segment(text, lines, markdown, tuple(front_matter_keys))
    blocks, suppressions, (doc_lang, doc_conf) = _build_blocks(text, lines, raws, languages if identify else None)
    return Document(
        path=path,
        relpath=relpath or Path(path).name,
        text=text,
        sha256=sha256 or hashlib.sha256(data).hexdigest(),
        bom=bom,
        newline=newline,
        final_newline=final_newline,
        blocks=tuple(blocks),
        lang=doc_lang,
        lang_confidence=doc_conf,
        suppressions=tuple(suppressions),
        wrapped=wrapped,
    )


def _split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's content, newline excluded. '\\r', '\\n' and '\\r\\n' all end a line."""
    if "\r" not in text:  # the usual case: one split, no pattern
        out, pos = [], 0
        for line in text.split("\n"):
            out.append((pos, pos + len(line)))
            pos += len(line) + 1
        if len(out) > 1 and text.endswith("\n"):
            out.pop()  # no line after the last newline
        return out
    out = []
    for m in _LINE.finditer(text):
        if m.start() == len(text) and out:
            break
        s = m.start()
        e = m.end()
        while e > s and text[e - 1] in "\r\n":
            e -= 1
        out.append((s, e))
        if m.end() == len(text):
            break
    return out


def _is_wrapped(body: list[str]) -> bool:
    """Does the file follow Markdown's paragraph rule (consecutive lines make one block)?

    Scraped pages put one paragraph on each line with no blank line between: a
    long prose line (over 100 characters, so not hard-wrapped) right next to
    another prose line marks such a file, and there every line is a block.
    """
    def prose(ln: str) -> bool:
        return bool(ln.strip()) and not _LIST.match(ln) and not _ATX.match(ln) and not _TABLE.match(ln)

    before, before_len = False, 0  # the line before: prose? its length
    for ln in body:
        here = prose(ln)
        if before and here and max(before_len, len(ln)) > 100:
            return False
        before, before_len = here, len(ln)
    return True


def _outside_fences(body: list[str]) -> list[str]:
    """The lines of a Markdown document that are not inside fenced code."""
    out, fence = [], None
    for ln in body:
        m = _FENCE.match(ln)
        if fence is None:
            if m:
                fence = m.group(1)
            else:
                out.append(ln)
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not ln.strip().strip(fence[0]):
            fence = None
    return out


def _written_as_markdown(body: list[str]) -> bool:
    """Markdown separates its paragraphs by blank lines. A page that (almost) never does,
    with long prose lines next to each other, is a paragraph per line (a scraped page)."""
    blank = sum(1 for ln in body if not ln.strip())
    return _is_wrapped(body) or blank * 10 >= len(body) - blank


def _segment(text: str, lines: list[tuple[int, int]], markdown: bool = False,
             front_matter_keys: tuple[str, ...] = FRONT_MATTER_KEYS) -> tuple[list[_Raw], bool]:
    body = [text[s:e] for s, e in lines]
    if markdown and _written_as_markdown(_outside_fences(body)):
        return segment_markdown(body, front_matter_keys), True
    n = len(body)
    raws: list[_Raw] = []
    wrapped = _is_wrapped(body)
    i = 0
    # Front matter: '---' on the first line, closed by '---' or '...'.
    if n > 2 and body[0].strip() == "---":
        for j in range(1, min(n, 500)):
            if body[j].strip() in ("---", "..."):
                if all(":" in ln or not ln.strip() or ln.startswith((" ", "-")) for ln in body[1:j]):
                    raws.append(_Raw("front_matter", 0, j))
                    i = j + 1
                break
    list_indents: list[int] = []
    current: _Raw | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            raws.append(current)
            current = None

    while i < n:
        line = body[i]
        stripped = line.strip()
        if not stripped:
            close()
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            close()
            mark = fence.group(1)
            j = i + 1
            while j < n and not (body[j].strip().startswith(mark[0] * len(mark)) and not body[j].strip().strip(mark[0])):
                j += 1
            raws.append(_Raw("code", i, min(j, n - 1)))
            i = j + 1
            continue
        if _COMMENT_OPEN.match(line):
            close()
            j = i
            while j < n and "-->" not in body[j]:
                j += 1
            raws.append(_Raw("comment", i, min(j, n - 1)))
            i = j + 1
            continue
        # Indented code: 4 spaces after a blank line, outside a list.
        if line.startswith(("    ", "\t")) and current is None and not list_indents and (i == 0 or not body[i - 1].strip()) and wrapped:
            j = i
            while j + 1 < n and (body[j + 1].startswith(("    ", "\t")) or not body[j + 1].strip()):
                j += 1
            while j > i and not body[j].strip():
                j -= 1
            raws.append(_Raw("code", i, j))
            i = j + 1
            continue
        atx = _ATX.match(line)
        if atx:
            close()
            raws.append(_Raw("heading", i, i, marker=atx.group(0), level=len(atx.group(1))))
            list_indents = []
            i += 1
            continue
        if _SETEXT.match(line) and current is not None and current.kind == "paragraph" and wrapped:
            current.kind = "heading"
            current.level = 1 if "=" in line else 2
            current.last = i
            close()
            i += 1
            continue
        if _TABLE.match(line):
            close()
            raws.append(_Raw("separator" if _TABLE_SEP.match(line) else "table_row", i, i, marker=""))
            i += 1
            continue
        if not _HAS_WORD.search(line):
            close()
            raws.append(_Raw("separator", i, i))
            i += 1
            continue
        lst = _LIST.match(line)
        if lst:
            close()
            indent = len(lst.group(1).expandtabs(4))
            while list_indents and list_indents[-1] > indent:
                list_indents.pop()
            if not list_indents or list_indents[-1] < indent:
                list_indents.append(indent)
            num = re.match(r"\s*(\d{1,3}|[a-zA-Z])[.)]", lst.group(2))
            current = _Raw(
                "list_item", i, i, marker=lst.group(0), level=len(list_indents) - 1, number=num.group(1) if num else None
            )
            if not wrapped:
                close()
            i += 1
            continue
        quote = _QUOTE.match(line)
        if quote:
            if current is not None and current.kind == "quote":
                current.last = i
            else:
                close()
                current = _Raw("quote", i, i, marker=quote.group(0))
            i += 1
            continue
        if current is not None and wrapped and current.kind in ("paragraph", "list_item"):
            current.last = i  # lazy continuation of a wrapped paragraph or list item
            i += 1
            continue
        close()
        if not line.startswith((" ", "\t")):
            list_indents = []
        current = _Raw("paragraph", i, i)
        if not wrapped:
            close()
        i += 1
    close()
    return raws, wrapped


def _build_blocks(text: str, lines: list[tuple[int, int]], raws: list[_Raw], languages: tuple[str, ...] | None = None
                  ) -> tuple[list[Block], list[Suppression], tuple[str | None, float]]:
    """The blocks, the suppression comments, and the document's language: that of
    its translatable text (its first :data:`DOCUMENT_SAMPLE` characters) among
    ``languages``, if given. Each block identifies its own when asked."""
    spans = [_content_span(text, lines, raw) for raw in raws]
    contents = [text[cs:ce] for _, _, cs, ce in spans]
    doc_lang: tuple[str | None, float] = (None, 0.0)
    if languages:
        texts = [c for raw, c in zip(raws, contents) if is_translatable(raw.kind, c)]
        if texts:
            lang, conf = identify(" ".join(texts)[:DOCUMENT_SAMPLE], languages)
            doc_lang = (lang, round(conf, 3))
    blocks: list[Block] = []
    suppressions: list[Suppression] = []
    pending: list[tuple[frozenset[str], str, int, bool]] = []
    for k, (raw, (start, end, cstart, cend)) in enumerate(zip(raws, spans)):
        if raw.kind == "comment":
            for m in _DIRECTIVE.finditer(text[start:end]):
                kinds = frozenset(k for k in m.group(2).split(",") if k)
                pending.append((kinds, m.group(3), raw.first + 1, m.group(1) == "ignore-file"))
        content = contents[k]
        block = Block(
            index=len(blocks),
            kind=raw.kind,
            text=text[start:end],
            content=content,
            start=start,
            end=end,
            content_start=cstart,
            content_end=cend,
            line=raw.first + 1,
            end_line=raw.last + 1,
            level=raw.level,
            marker=raw.marker,
            number=raw.number,
            languages=languages or (),
        )
        blocks.append(block)
        if pending and block.translatable:
            for kinds, reason, line, whole in pending:
                suppressions.append(Suppression(kinds, reason, line, None if whole else block.index))
            pending = []
    for kinds, reason, line, whole in pending:
        suppressions.append(Suppression(kinds, reason, line, None if whole else -1))
    return blocks, suppressions, doc_lang


def _content_span(text: str, lines: list[tuple[int, int]], raw: _Raw) -> tuple[int, int, int, int]:
    """(start, end) of a block and of its content: without list marker, heading hashes
    or setext underline, and trimmed of spaces and tabs."""
    start = lines[raw.first][0]
    end = lines[raw.last][1]
    cstart = start + len(raw.marker)
    cend = end - raw.trail
    if raw.kind == "heading" and raw.marker:
        # Closing hashes of an ATX heading are markup too: "## Title ##".
        closing = re.search(r"[ \t]+#+[ \t]*$", text[cstart:cend])
        if closing:
            cend = cstart + closing.start()
    elif raw.kind == "heading" and raw.last > raw.first:
        cend = lines[raw.last - 1][1]  # setext: the underline is markup
    while cend > cstart and text[cend - 1] in " \t":
        cend -= 1
    while cstart < cend and text[cstart] in " \t":
        cstart += 1
    return start, end, cstart, cend


def line_starts(text: str) -> list[int]:
    return [s for s, _ in _split_lines(text)]


@record
class Unit:
    """One unit of alignment: a block, a sentence or a line, with its place."""

    text: str
    line: int
    end_line: int
    block: int  # index of the block it belongs to (-1 for lines)
    hints: tuple[str, ...] = ()
    start: int = 0  # offsets of the text in the document (``doc.text[start:end] == text``)
    end: int = 0


def units(doc: Document, level: str = "blocks") -> list[Unit]:
    """The units of a document at ``level``: 'blocks', 'sentences' or 'lines'."""
    if level == "lines":
        out = []
        for n, (s, e) in enumerate(_split_lines(doc.text), 1):
            if doc.text[s:e].strip():
                out.append(Unit(doc.text[s:e], n, n, -1, (), s, e))
        return out
    out = []
    for b in doc.translatable_blocks:
        hints = (b.kind,) + ((f"num{b.number}",) if b.number else ())
        if level == "sentences":
            for s in b.sentences:
                out.append(Unit(s.text, s.line, s.end_line, b.index, hints if s.index == 0 else (), s.start, s.end))
        else:
            out.append(Unit(b.content, b.line, b.end_line, b.index, hints, b.content_start, b.content_end))
    return out
