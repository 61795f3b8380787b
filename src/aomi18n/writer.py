"""The one writer: atomic (temp file in the same folder + rename), only on change."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import Aomi18nError


#: Signals held back while a temporary file exists: Ctrl-C and a polite kill.
_HELD = (signal.SIGINT, signal.SIGTERM)
#: A temporary file of ours this old is a leftover of a killed run (a live one is
#: renamed within a second of its creation).
_LEFTOVER_AGE = 60.0


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) back while a temporary file exists, and deliver it right after.

    KeyboardInterrupt can be raised between any two bytecodes, including inside
    ``mkstemp`` after the file is created and before its name is known, which would
    leave the file behind. Here SIGINT only records itself until the block ends (a
    signal mask would not do: any other thread, such as a BLAS pool's, takes the
    signal for the process). Outside the main thread, where no handler runs, nothing
    changes.
    """
    caught: list[int] = []
    previous = {}
    try:
        for sig in _HELD:
            previous[sig] = signal.signal(sig, lambda signum, frame: caught.append(signum))
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)  # to the handler that was there before


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
        _remove_leftovers(p)
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


def _remove_leftovers(p: Path) -> None:
    """Temporary files a killed run (kill -9) left beside ``p``: removed by the next write."""
    import time

    now = time.time()
    try:
        for tmp in p.parent.glob(f".{glob.escape(p.name)}.*.tmp"):
            try:
                if tmp.is_file() and not tmp.is_symlink() and now - tmp.stat().st_mtime > _LEFTOVER_AGE:
                    tmp.unlink()
            except OSError:
                pass
    except OSError:
        pass


#: How long a writer waits for another one to finish before giving up.
LOCK_WAIT = 30.0


@contextlib.contextmanager
def project_lock(root: Path, wait: float | None = None) -> Iterator[None]:
    """One writer at a time in a project: an exclusive lock on the project folder itself
    (no lock file to leave behind), waited for up to ``wait`` seconds, then an error.
    Everything a writer reads, it reads after taking the lock, so no write is based on
    a file another writer is replacing."""
    import fcntl
    import time

    wait = LOCK_WAIT if wait is None else wait
    try:
        fd = os.open(root, os.O_RDONLY)
    except OSError as exc:
        raise Aomi18nError(f"cannot be locked: {exc.strerror}", root) from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Aomi18nError(f"another aomi18n is writing this project (waited {wait:.0f} s); run again "
                                       "when it has finished", root) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)


_TMP_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def sweep_leftovers(folders) -> list[Path]:
    """Temporary files a killed writer left in ``folders`` (called under the project lock,
    when no other writer can be at work): removed, and returned for the record."""
    removed = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir() or folder.is_symlink():
            continue
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            for name in filenames:
                p = Path(dirpath) / name
                if _TMP_NAME.match(name) and p.is_file() and not p.is_symlink():
                    try:
                        p.unlink()
                        removed.append(p)
                    except OSError:
                        pass
    return removed


def check_writable(paths) -> None:
    """Before the first write of a command: every file it will write can be written (its
    folder can be made and holds a new file), or nothing is written at all."""
    seen = set()
    for path in paths:
        parent = Path(path).parent
        if parent in seen:
            continue
        seen.add(parent)
        try:
            parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".aomi18n-probe.", suffix=".tmp", dir=parent)
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise Aomi18nError(f"cannot be written ({exc.strerror}); nothing was written", parent) from None
        p = Path(path)
        if p.exists() and not os.access(p, os.W_OK):
            raise Aomi18nError("cannot be written (permission denied); nothing was written", p)


def write_text(path: str | Path, text: str) -> bool:
    return write_bytes(path, text.encode("utf-8"))


def write_output(path: Path, text: str, *, record: Path | None, protected: tuple[Path, ...] = (),
                 force: bool = False) -> bool:
    """Write a command's output file (a report, a findings file) atomically.

    It never goes into a ``protected`` folder (the corpus), and never replaces a file
    that this tool did not write there before (the record, kept in the cache folder,
    holds a hash of each output written) unless ``force``.
    """
    import hashlib
    import json

    target = path.resolve()
    for folder in protected:
        f = folder.resolve()
        if target == f or f in target.parents:
            raise Aomi18nError(f"is inside the corpus folder {folder}; outputs never go into the corpus "
                               "(choose another path)", path)
    known: dict[str, str] = {}
    if record is not None and record.exists():
        from .yamlutil import read_limited

        try:
            known = json.loads(read_limited(record, Aomi18nError).decode("utf-8"))
            known = known if isinstance(known, dict) else {}
        except (Aomi18nError, ValueError, RecursionError):
            known = {}
    if path.exists() and not force:
        from .yamlutil import read_limited

        try:
            current = hashlib.sha256(read_limited(path, Aomi18nError, 1 << 40)).hexdigest()
        except Aomi18nError:
            current = None
        if not path.is_file() or known.get(str(target)) != current:
            raise Aomi18nError("exists and was not written by aomi18n (or was edited since); "
                               "use --force to overwrite it", path)
    data = text.encode("utf-8")
    changed = write_bytes(path, data)
    if record is not None:
        known[str(target)] = hashlib.sha256(data).hexdigest()
        try:
            write_text(record, json.dumps(known, indent=1, sort_keys=True))
        except Aomi18nError:
            pass  # no record: the next run asks for --force, nothing is lost
    return changed


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """What writing ``new`` over ``old`` at ``path`` changes, as a unified diff (every line ended)."""
    import difflib

    lines = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                 new.decode("utf-8", "replace").splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(x if x.endswith("\n") else x + "\n" for x in lines)
