"""A content-addressed disk cache: parsed documents and per-pair results.

Entries live in ``<project>/<cache_dir>/analysis/`` (``.aomi18n-cache`` by default),
one file per key. A key is a SHA-256 over everything the value depends on (file
bytes, configuration, glossary, sync record, aomi18n's own code), so an entry is never
stale: when an input changes, its key changes. Deleting the folder is always safe.

Values are pickles, and unpickling runs code; a cache folder can come with a
checkout. So every entry is signed with an HMAC whose key is kept outside the
project (``$XDG_CACHE_HOME/aomi18n/secret``, created on first use, mode 0600), and
an entry whose signature does not match is ignored and removed, never loaded.
Any error reading or writing the cache is a miss, never a failure.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Aomi18nError
from .writer import uninterrupted
from .yamlutil import read_limited

# The layout of what entries hold: raised when it changes (2: blocks find their
# language and sentences on demand, pairs keep their documents; 3: an entry names its
# key, so that a slot's value can be read under the key it was kept with, see
# ``Cache.get_kept``), so that entries written by an older aomi18n of the same version
# number are misses, never misread.
_MAGIC = b"AOMI18N-CACHE-3\n"
_DIGEST = 32


@functools.lru_cache(maxsize=1)
def code_id() -> bytes:
    """A digest of aomi18n's own source: an edited checkout (``pip install -e``) keeps
    its version number, and must not read findings that older code wrote."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".c") and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.digest()


def _digest(h, parts) -> str:
    """``h`` updated with each of ``parts`` (bytes as they are, the rest by repr, each
    with its length first), as hex."""
    for p in parts:
        data = p if isinstance(p, bytes) else repr(p).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def slot_name(*parts: Any) -> str:
    """A cache slot's name: a hex digest of what it is about (not of aomi18n's code:
    the next version's value replaces this one's)."""
    return _digest(hashlib.sha256(), parts)


def fingerprint(*parts: Any) -> str:
    """A stable hex key over ``parts`` (bytes are hashed as they are, the rest by repr),
    and over the code that computes what is cached."""
    return _digest(hashlib.sha256(code_id()), parts)


def _secret() -> bytes | None:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aomi18n"
    path = base / "secret"
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".secret-")
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # first writer wins; a racing process reads the winner's key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        data = path.read_bytes()
        return data if len(data) >= 32 else None
    except OSError:
        return None



#: A cache entry holds a pair's two documents (each at most max_file_bytes) and findings.
MAX_ENTRY_BYTES = 256 * 2**20

class Cache:
    """``get``/``put`` of picklable values under hex keys, in ``folder/<kind>/<name[:2]>/<name>``.

    The file's name is the key, or the ``slot`` given with it: the thing the value is
    about (a pair of documents, a file) whatever it depends on. A slot holds one value,
    signed with its key; the next ``put`` with another key (the glossary was edited,
    aomi18n upgraded) replaces it, and a ``get`` with another key misses. So the cache
    stays as large as one run's results instead of growing with every edit."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.key = _secret() if folder is not None else None
        self.hits = self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.folder is not None and self.key is not None

    def _path(self, kind: str, name: str) -> Path:
        assert self.folder is not None
        return self.folder / kind / name[:2] / name

    def get(self, kind: str, key: str, slot: str | None = None) -> Any | None:
        if not self.enabled:
            return None
        kept = self._read(self._path(kind, slot or key), key)
        if kept is None:
            self.misses += 1
            return None
        self.hits += 1
        return kept[1]

    def get_kept(self, kind: str, slot: str) -> tuple[str, Any] | None:
        """The value a slot holds, whatever its key, and that key (None: nothing, or not
        written by this user's aomi18n): what a pair's work was before one of its inputs
        changed, for the parts of it that input does not touch."""
        if not self.enabled:
            return None
        return self._read(self._path(kind, slot), None)

    def _read(self, path: Path, key: str | None) -> tuple[str, Any] | None:
        """(key, value) of the entry at ``path``, if it is signed with this user's secret
        (else it is removed) and kept under ``key`` (any key: None). An entry of another
        key is left in place: the next ``put`` to its slot replaces it."""
        try:
            blob = read_limited(path, Aomi18nError, MAX_ENTRY_BYTES)
        except Aomi18nError:  # missing, not a regular file (a FIFO, /dev/zero), too big: a miss
            return None
        head = len(_MAGIC) + _DIGEST
        size = int.from_bytes(blob[head:head + 2], "little")
        kept = blob[head + 2:head + 2 + size]
        body = blob[head + 2 + size:]
        if not blob.startswith(_MAGIC) or len(blob) < head + 2 + size:
            self._discard(path)
            return None
        if key is not None and kept != key.encode():
            return None
        expected = hmac.new(self.key, kept + body, hashlib.sha256).digest()
        if not hmac.compare_digest(blob[len(_MAGIC):head], expected):
            self._discard(path)
            return None
        try:
            value = pickle.loads(body)
        except Exception:  # a signed but unreadable entry (another version): a miss
            self._discard(path)
            return None
        return kept.decode(), value

    def put(self, kind: str, key: str, value: Any, slot: str | None = None) -> None:
        if not self.enabled:
            return
        path = self._path(kind, slot or key)
        tmp = None
        try:
            body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            name = key.encode()
            sig = hmac.new(self.key, name + body, hashlib.sha256).digest()
            path.parent.mkdir(parents=True, exist_ok=True)
            with uninterrupted():  # no temporary file left by Ctrl-C
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
                with os.fdopen(fd, "wb") as f:
                    f.write(_MAGIC + sig + len(name).to_bytes(2, "little") + name + body)
                os.replace(tmp, path)
                tmp = None
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            pass  # a cache that cannot be written is a cache that misses
        finally:
            if tmp is not None:  # failed or interrupted before the rename
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    @staticmethod
    def _discard(path: Path) -> None:
        try:
            path.unlink()
        except OSError:
            pass


def project_cache(root: Path, cache_dir: str, enabled: bool = True) -> Cache:
    """The cache of a project; disabled by ``enabled=False`` or AOMI18N_NO_CACHE=1."""
    if not enabled or os.environ.get("AOMI18N_NO_CACHE") == "1":
        return Cache(None)
    return Cache(root / cache_dir / "analysis")


#: An output's kept work is spread over this many files (by the first hex digit of each
#: key): none grows past a sixteenth of the whole.
SHARDS = "0123456789abcdef"


def shard_of(key: str) -> str:
    """The shard a key's value is kept in (see :func:`store_shard`)."""
    return key[:1] if key[:1] in SHARDS else "0"


def load_sharded(cache: Cache, name: str) -> dict[str, Any]:
    """What an output kept under ``name`` (see :func:`store_sharded`): key -> value; empty
    when nothing was, or when aomi18n's code changed since."""
    out: dict[str, Any] = {}
    key = fingerprint(name)
    for shard in SHARDS:
        value = cache.get(name, key, f"{name}-{shard}")
        if isinstance(value, dict):
            out.update(value)
    return out


def store_shard(cache: Cache, name: str, shard: str, values: dict[str, Any]) -> None:
    """Keep ``values`` (hex key -> value, every key of ``shard``) under ``name``, replacing
    what that shard kept: one process can keep some shards of an output, another the rest."""
    cache.put(name, fingerprint(name), values, f"{name}-{shard}")


def store_sharded(cache: Cache, name: str, values: dict[str, Any]) -> None:
    """Keep ``values`` (hex key -> value) under ``name``, replacing what was kept: an
    output's work for the next run (a PO export's entries, a report's pages)."""
    shards: dict[str, dict] = {k: {} for k in SHARDS}
    for key, value in values.items():
        shards[shard_of(key)][key] = value
    for shard, value in shards.items():
        store_shard(cache, name, shard, value)
