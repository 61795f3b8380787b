"""The one writer: atomic (temp file in the same folder + rename), only on change."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import Aomi18nError


def write_bytes(path: str | Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False (and write nothing) when unchanged.

    The file is either the old one or the new one, never half-written, even if the
    process is interrupted: the new content goes to a temporary file that is
    fsync'ed and renamed over the old one.
    """
    p = Path(path)
    try:
        if p.is_file() and p.read_bytes() == data:
            return False
        p.parent.mkdir(parents=True, exist_ok=True)
        mode = p.stat().st_mode & 0o7777 if p.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, p)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError as exc:
        raise Aomi18nError(f"cannot be written: {exc.strerror}", p) from None
    return True


def write_text(path: str | Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """What writing ``new`` over ``old`` at ``path`` changes, as a unified diff (every line ended)."""
    import difflib

    lines = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                 new.decode("utf-8", "replace").splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(x if x.endswith("\n") else x + "\n" for x in lines)
