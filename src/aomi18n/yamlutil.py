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


class _Loader(yaml.SafeLoader):
    pass


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
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", path) from None


def read_text_file(path: Path, error: type[Aomi18nError], max_bytes: int | None = None) -> str:
    """A UTF-8 text file (BOM allowed), or ``error`` naming the file and the line of a bad byte."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise error(f"is larger than {max_bytes // 2**20} MB", path)
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror}", path) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"is not valid UTF-8 (byte offset {exc.start})", path, data.count(b"\n", 0, exc.start) + 1) from None
