"""The one writer: atomic (temp file in the same folder + rename), only on change."""

from __future__ import annotations

import contextlib
import glob
import os
import random
import re
import secrets
import signal
import stat
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


def write_bytes(path: str | Path, data: bytes, *, durable: bool = True) -> bool:
    """Write ``data`` to ``path`` atomically; return False (and write nothing) when unchanged.

    The file is either the old one or the new one, never half-written, even if the
    process is interrupted: the new content goes to a temporary file that is
    fsync'ed and renamed over the old one (a :class:`Batch` of one file). An output
    that can be made again (a report's pages) is written ``durable=False``: renamed,
    not fsync'ed.
    """
    with Batch(durable) as batch:
        return batch.write(path, data)


class Batch:
    """Many files written as one (a PO export's thousands): each goes to a temporary file
    beside it; at the end one flush to disk for them all (instead of an fsync per file),
    then each is renamed into place. Until then every old file is intact; if the batch
    fails or is interrupted, the temporary files are removed and nothing is replaced.

    Use as a context manager: ``with Batch() as batch: batch.write(path, data)``.
    """

    #: Threads that create and fill the temporary files of a batch of more than one: a
    #: file's creation waits on the disk, with Python's lock released (it took 1.2 s of a
    #: 3,000-file export, 0.7 s with four threads).
    THREADS = 4

    def __init__(self, durable: bool = True):
        self.durable = durable
        self._pending: list[list] = []  # [temporary file, file] of each file staged
        self._folders: set[Path] = set()  # made, and swept of leftovers
        self._made: set[Path] = set()  # folders this batch made
        self._pool = None
        self._staging: list = []  # the futures of files being written by the pool
        # Temporary names drawn from one seed per batch (a system call per file was a tenth
        # of a second of a 3,000-file export); O_EXCL still guards against a taken name.
        self._names = random.Random(os.urandom(16))

    def write(self, path: str | Path, data: bytes) -> bool:
        """Stage ``data`` for ``path``; False (nothing staged) when the file already holds it."""
        p = Path(path)
        try:
            mode = 0o644
            if not self._folder(p):
                try:
                    st = os.stat(p)
                except FileNotFoundError:
                    st = None
                if st is not None:
                    if stat.S_ISREG(st.st_mode) and st.st_size == len(data) and p.read_bytes() == data:
                        return False
                    mode = st.st_mode & 0o7777
        except OSError as exc:
            raise Aomi18nError(f"cannot be written: {exc.strerror}", p) from None
        staged = self._named(p)
        if len(self._pending) == 1:  # a batch of one file (so far) writes it here
            self.stage(staged, data, mode)
            return True
        if self._pool is None:
            import concurrent.futures

            self._pool = concurrent.futures.ThreadPoolExecutor(self.THREADS, thread_name_prefix="aomi18n-write")
        self._staging.append(self._pool.submit(self.stage, staged, data, mode))
        return True

    def reserve(self, path: str | Path) -> list:
        """The staged entry ``[temporary name, path]`` of a file that does not exist yet,
        registered in this batch (renamed on commit, removed on abort) but not written:
        another process fills it with :meth:`stage` and gives back the name it used (a
        taken name is replaced), which the caller puts in the entry."""
        p = Path(path)
        try:
            self._folder(p)
        except OSError as exc:
            raise Aomi18nError(f"cannot be written: {exc.strerror}", p) from None
        return self._named(p)

    def _folder(self, p: Path) -> bool:
        """Make ``p``'s folder (once, sweeping it of leftovers); True when this batch made it
        (so it holds no file to compare with)."""
        folder = p.parent
        if folder not in self._folders:
            if not folder.is_dir():
                self._made.add(folder)
            folder.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(p)
            self._folders.add(folder)
        return folder in self._made

    def _named(self, p: Path) -> list:
        # Named before it exists: whenever Ctrl-C comes, abort knows what to remove (no
        # signal held back per file, as mkstemp would need).
        staged = [str(p.parent / f".{p.name}.{self._names.getrandbits(32):08x}.tmp"), p]
        self._pending.append(staged)
        return staged

    @staticmethod
    def stage(staged: list, data: bytes, mode: int = 0o644) -> None:
        """Write ``data`` to the temporary file ``staged[0]`` (for ``staged[1]``); another
        name is drawn while one is taken."""
        p = staged[1]
        try:
            while True:
                try:
                    fd = os.open(staged[0], os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
                    break
                except FileExistsError:  # not ours: never removed by abort
                    staged[0] = str(p.parent / f".{p.name}.{secrets.token_hex(4)}.tmp")
            try:  # the descriptor itself: no file object (its buffer, its checks) per file
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                os.chmod(fd if os.chmod in os.supports_fd else staged[0], mode)
            finally:
                os.close(fd)
        except OSError as exc:
            raise Aomi18nError(f"cannot be written: {exc.strerror}", p) from None

    def _wait(self) -> None:
        """Every temporary file written (or the first error, once all have ended)."""
        if self._pool is None:
            return
        self._pool.shutdown(wait=True)
        self._pool = None
        staging, self._staging = self._staging, []
        for future in staging:
            future.result()

    def commit(self) -> None:
        self._wait()
        with uninterrupted():
            done = 0
            p = None
            try:
                if self.durable and self._pending:
                    p = self._pending[0][1]
                    _flush_all([tmp for tmp, _ in self._pending])
                for tmp, p in self._pending:
                    os.replace(tmp, p)
                    done += 1
            except OSError as exc:
                raise Aomi18nError(f"cannot be written: {exc.strerror}", p) from None
            finally:
                del self._pending[:done]

    def abort(self) -> None:
        if self._pool is not None:  # no file is created after this
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._staging.clear()
        for tmp, _ in self._pending:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        self._pending.clear()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            self.abort()  # whatever was not renamed


def _flush_all(paths: list[str]) -> None:
    """Every staged file on disk before any is renamed: for many, one ``sync`` where the
    system has it; else an fsync per file."""
    if len(paths) > 1 and hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def flush_early():
    """Start writing the system's dirty data to disk now, in a forked process, so that
    a batch committed later has less of it to wait for (:func:`_flush_all` flushes
    everything, what a ``check`` just wrote to its cache included). Returns the process
    (to ``join``), or None where there is no ``sync`` or this process cannot fork."""
    from .parallel import can_fork, hold_interrupt, release_interrupt

    if not hasattr(os, "sync") or not can_fork(wait=0):
        return None
    import multiprocessing as mp

    flusher = mp.get_context("fork").Process(target=_sync, daemon=True)
    held = hold_interrupt()  # the flusher starts deaf to Ctrl-C (the export reports it once)
    try:
        flusher.start()
    finally:
        release_interrupt(held)
    return flusher


def _sync() -> None:
    from .parallel import ignore_interrupt

    ignore_interrupt()
    os.sync()


_SWEPT: set[Path] = set()  # folders swept by this process (a leftover is a minute old at least)


def _remove_leftovers(p: Path) -> None:
    """Temporary files a killed run (kill -9) left beside ``p``: removed by the next write,
    once per folder and process (a thousand files written into one folder glob it once)."""
    import time

    if p.parent in _SWEPT:
        return
    _SWEPT.add(p.parent)
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


def write_text(path: str | Path, text: str, batch: Batch | None = None) -> bool:
    data = text.encode("utf-8")
    return batch.write(path, data) if batch is not None else write_bytes(path, data)


def write_output(path: Path, text: str, *, record: Path | None, protected: tuple[Path, ...] = (),
                 force: bool = False) -> bool:
    """Write a command's output file (a report, a findings file) atomically.

    It never goes into a ``protected`` folder (the corpus), and never replaces a file
    that this tool did not write there before (the record, kept in the cache folder,
    holds a hash of each output written) unless ``force``.
    """
    return bool(write_outputs({path: text}, record=record, protected=protected, force=force))


def write_outputs(files: dict[Path, str], *, record: Path | None, protected: tuple[Path, ...] = (),
                  force: bool = False, durable: bool = True, replaces: tuple[Path, ...] = (),
                  kept: tuple[Path, ...] = ()) -> list[Path]:
    """Write a command's output files (:func:`write_output` for many): every file is
    checked before any is written, each is renamed into place, and the record is
    written once. Files of ``replaces`` folders that an earlier run wrote and this one
    neither writes nor ``kept`` (a report's page for a document since removed) are
    removed. Returns the files changed."""
    import hashlib

    known = _read_record(record)
    targets = {path: path.resolve() for path in files}
    for path, target in targets.items():
        for folder in protected:
            f = folder.resolve()
            if target == f or f in target.parents:
                raise Aomi18nError(f"is inside the corpus folder {folder}; outputs never go into the corpus "
                                   "(choose another path)", path)
        if path.exists() and not force and not _written_by_us(path, known.get(str(target))):
            raise Aomi18nError("exists and was not written by aomi18n (or was edited since); "
                               "use --force to overwrite it", path)
    changed = []
    with Batch(durable) as batch:
        for path, text in files.items():
            data = text.encode("utf-8")
            if batch.write(path, data):
                changed.append(path)
            if record is not None:
                known[str(targets[path])] = hashlib.sha256(data).hexdigest()
    wanted = {str(t) for t in targets.values()} | {str(p.resolve()) for p in kept}
    for folder in replaces:
        base = str(folder.resolve()) + os.sep
        for name in [k for k in known if k.startswith(base) and k not in wanted]:
            old = Path(name)
            if _written_by_us(old, known[name]):
                try:
                    old.unlink()
                except OSError:
                    continue
            del known[name]
    _write_record(record, known)  # none written: the next run asks for --force, nothing is lost
    return changed


class PageRecord:
    """Which key (a digest of what it shows) each page of a report was written from, so
    that a page whose key has not changed, and that is still the file written then, is
    not rendered again. Kept in the cache folder; without one (``path`` None) every page
    is rendered."""

    def __init__(self, path: Path | None):
        self.path, self.keys = path, _read_record(path)

    def current(self, page: Path, key: str) -> bool:
        return self.path is not None and self.keys.get(str(page.resolve())) == key and page.is_file()

    def save(self, keys: dict[Path, str]) -> None:
        if self.path is None:
            return
        self.keys.update({str(p.resolve()): k for p, k in keys.items()})
        _write_record(self.path, self.keys)  # none written: the next report renders every page again


def _read_record(path: Path | None) -> dict:
    """A record of outputs kept in the cache folder (a JSON object), or {} when there is
    none or it cannot be read: a record is derived data, never a reason to fail."""
    import json

    if path is None or not path.exists():
        return {}
    from .yamlutil import read_limited

    try:
        data = json.loads(read_limited(path, Aomi18nError).decode("utf-8"))
    except (Aomi18nError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_record(path: Path | None, data: dict) -> None:
    import json

    if path is None:
        return
    try:
        write_text(path, json.dumps(data, indent=1, sort_keys=True))
    except Aomi18nError:
        pass


def _written_by_us(path: Path, recorded: str | None) -> bool:
    """Whether ``path`` is a regular file holding what this tool recorded writing there."""
    import hashlib

    from .yamlutil import read_limited

    if recorded is None or not path.is_file() or path.is_symlink():
        return False
    try:
        return hashlib.sha256(read_limited(path, Aomi18nError, 1 << 40)).hexdigest() == recorded
    except Aomi18nError:
        return False


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """What writing ``new`` over ``old`` at ``path`` changes, as a unified diff (every line ended)."""
    import difflib

    lines = difflib.unified_diff(old.decode("utf-8", "replace").splitlines(keepends=True),
                                 new.decode("utf-8", "replace").splitlines(keepends=True),
                                 fromfile=f"a/{path}", tofile=f"b/{path}")
    return "".join(x if x.endswith("\n") else x + "\n" for x in lines)
