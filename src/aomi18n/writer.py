"""The one writer: atomic (temp file in the same folder + rename), only on change."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Aomi18nError


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C back while a temporary file exists, and deliver it right after.

    KeyboardInterrupt can be raised between any two bytecodes, including inside
    ``mkstemp`` after the file is created and before its name is known, which would
    leave the file behind. Here SIGINT only records itself until the block ends (a
    signal mask would not do: any other thread, such as a BLAS pool's, takes the
    signal for the process). Outside the main thread, where no handler runs, nothing
    changes.
    """
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if caught:
            signal.raise_signal(signal.SIGINT)  # to the handler that was there before


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
        with uninterrupted():
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
