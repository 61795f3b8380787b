"""Safe YAML loading with line numbers and duplicate-key detection.

Untrusted YAML stays data: the loader derives from ``yaml.SafeLoader`` (no custom
tags, no object construction). Mappings come back as :class:`LineDict`, which
remembers the line of each key, so validators can name the line that is wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Aomi18nError


class LineDict(dict):
    """A dict that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


#: Limits of a YAML document: configuration and glossaries need few aliases and little
#: depth; a billion-laughs document or a 20,000-deep nesting is refused, not expanded.
MAX_ALIASES = 20  # with 20 aliases a document expands at most ~1,500-fold
MAX_DEPTH = 64


class _Loader(yaml.SafeLoader):
    _aliases = 0
    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, f"more than {MAX_ALIASES} aliases (*name)",
                                                  event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> LineDict:
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {out.key_lines[key]})", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, path: str | Path, error: type[Aomi18nError]) -> Any:
    """Parse YAML text safely; any problem becomes ``error`` with the file and line."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "found character '\\t'" in str(problem) or "\\t" in str(problem):
            problem = "a tab character; YAML indents with spaces only"
        elif "could not determine a constructor" in str(problem):
            problem = f"unsupported YAML tag ({problem.split('tag ')[-1].strip()}); plain YAML data only"
        raise error(f"invalid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, a control character)
        line = text.count("\n", 0, exc.position) + 1
        raise error(f"invalid YAML: the character {exc.character!r} is not allowed in YAML text", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {short(str(exc), 200)}", path) from None


def short(value, width: int = 80) -> str:
    """A value for a message, never longer than ``width`` characters (untrusted input can
    be huge, or an alias structure that expands when printed)."""
    if isinstance(value, (list, dict, tuple, set)):
        text = f"a {type(value).__name__} of {len(value)} items"
    else:
        text = repr(value if not isinstance(value, str) else value[: width + 1])
    return text if len(text) <= width else text[: width - 1] + "…"


#: What the tool reads of a configuration, glossary, PO file or record at the most.
MAX_TEXT_BYTES = 64 * 2**20


def read_limited(path: Path, error: type[Aomi18nError], max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The one way files are opened: a regular file only (a FIFO, a device such as
    /dev/zero, a directory are refused, and opening never blocks), at most ``max_bytes``."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error("is not a regular file (a folder, a device or a pipe)", path)
        if st.st_size > max_bytes:
            raise error(f"is {st.st_size:,} bytes, over the limit of {max_bytes:,}", path)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise error(f"is over the limit of {max_bytes:,} bytes", path)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", path) from None
    finally:
        os.close(fd)


def read_text_file(path: Path, error: type[Aomi18nError], max_bytes: int | None = None) -> str:
    """A UTF-8 text file (BOM allowed), or ``error`` naming the file and the line of a bad byte."""
    data = read_limited(path, error, max_bytes or MAX_TEXT_BYTES)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"is not valid UTF-8 (byte offset {exc.start})", path, data.count(b"\n", 0, exc.start) + 1) from None
