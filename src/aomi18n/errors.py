"""One exception base for every user-facing error.

Each error carries the path (and line, where there is one) it is about; the CLI
turns :class:`Aomi18nError` into ``path:line: message`` and exit status 2.
"""

from __future__ import annotations

from pathlib import Path


class Aomi18nError(Exception):
    """Base of every error the user can cause (bad file, bad config, bad option)."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        return where + self.message


class DocumentError(Aomi18nError):
    """A corpus document cannot be read (encoding, binary, size, permissions)."""


class ConfigError(Aomi18nError):
    """The configuration (aomi18n.yaml or [tool.aomi18n]) is invalid."""


class GlossaryError(Aomi18nError):
    """glossary.yaml is invalid."""


class PoFileError(Aomi18nError):
    """A PO file is malformed or does not belong to the project."""
