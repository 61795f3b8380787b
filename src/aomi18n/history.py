"""Git history as a sync record: the French as it stood when its English was last committed.

Used by the ``stale`` check for documents that have no PO file. Two git calls for the
whole corpus (one ``git log``, one ``git cat-file --batch``), never a shell; when git
is missing or the project is not a repository, there is simply no history.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .config import Config
from .documents import parse_document, read_bytes, units
from .model import Document
from .errors import ConfigError, DocumentError
from .pofiles import Synced
from .text import collapse

_TIMEOUT = 60


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> bytes | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def git_head(config: Config) -> str | None:
    """The commit the project's history stands at (None outside a git repository)."""
    out = _git(["rev-parse", "HEAD"], config.root.resolve())
    return out.decode("ascii", "replace").strip() if out else None


def git_history(config: Config, items: list[tuple[str, str, bytes]], level: str = "blocks") -> dict[str, Synced]:
    """French relpath -> the French units at the last commit of its English (only where they differ).

    ``items`` are (French relpath, English relpath, the French file's current bytes).
    """
    root = config.root.resolve()
    if not items:
        return {}
    top = _git(["rev-parse", "--show-toplevel"], root)
    if not top:
        return {}
    toplevel = Path(top.decode("utf-8", "replace").strip()).resolve()
    log = _git(["log", "--format=%x00%H", "--name-only", "--no-renames", "--", str(config.target_path.resolve())], root)
    if not log:
        return {}
    last: dict[str, str] = {}
    commit = ""
    for line in log.decode("utf-8", "replace").splitlines():
        if line.startswith("\x00"):
            commit = line[1:]
        elif line.strip() and commit:
            last.setdefault(line.strip(), commit)
    wanted: list[tuple[str, bytes, str]] = []
    for fr_relpath, en_relpath, current in items:
        try:
            en_rel = (config.target_path / en_relpath).resolve().relative_to(toplevel).as_posix()
            fr_rel = (config.source_path / fr_relpath).resolve().relative_to(toplevel).as_posix()
        except ValueError:
            continue
        if en_rel in last:
            wanted.append((fr_relpath, current, f"{last[en_rel]}:{fr_rel}"))
    if not wanted:
        return {}
    blob = _git(["cat-file", "--batch"], root, "".join(spec + "\n" for _, _, spec in wanted).encode())
    if blob is None:
        return {}
    out: dict[str, Synced] = {}
    pos = 0
    for fr_relpath, current, spec in wanted:
        nl = blob.index(b"\n", pos)
        head = blob[pos:nl].split()
        pos = nl + 1
        if len(head) < 3 or head[1] != b"blob":
            continue  # "missing": the French did not exist then
        size = int(head[2])
        data = blob[pos:pos + size]
        pos += size + 1
        if data == current:
            continue
        try:
            old = parse_document(data, f"git:{spec}", identify=False, front_matter_keys=config.front_matter_keys)
        except DocumentError:
            continue
        out[fr_relpath] = synced_from(old, level, f"git {spec.split(':')[0][:10]}")
    return out


def synced_from(old: Document, level: str, label: str) -> Synced:
    """A sync record from the source document as it was."""
    order = tuple(collapse(u.text) for u in units(old, level))
    return Synced(frozenset(order), {}, label, order)


def sync_point_history(config: Config, items: list[tuple[str, str, bytes]], level: str = "blocks"
                       ) -> tuple[str | None, dict[str, Synced]]:
    """The configured sync point (``sync`` in the configuration): source relpath -> the
    source units as they stood there, for the documents that changed since. Returns a
    label naming the sync point (for the cache key and messages) and the records; a
    source document that did not exist at the sync point has no record.
    """
    sp = config.sync
    if sp is None or not items:
        return None, {}
    found: dict[str, bytes] = {}
    if sp.folder is not None:
        folder = config.root / sp.folder
        label = f"folder {sp.folder}"
        for relpath, _, _ in items:
            p = folder / relpath
            if p.is_file() and not p.is_symlink():
                try:
                    found[relpath] = read_bytes(p, max_bytes=config.max_file_bytes)
                except DocumentError:
                    continue
    else:
        repo = (config.root / sp.repository).resolve() if sp.repository else config.root.resolve()
        commit = sp.commit
        if sp.merge_base is not None:
            out = _git(["merge-base", "HEAD", sp.merge_base], repo)
            commit = out.decode("ascii", "replace").strip() if out else None
        resolved = _git(["rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"], repo) if commit else None
        if not resolved:
            raise ConfigError(f"the sync point {commit or sp.merge_base!r} is not a commit of the git repository "
                              f"{str(repo)!r}", config.config_file or config.root)
        commit = resolved.decode("ascii", "replace").strip()
        label = f"git {commit[:10]}"
        if sp.path is not None:
            base = sp.path.strip("/")
        else:
            top = _git(["rev-parse", "--show-toplevel"], repo)
            top_path = Path(top.decode("utf-8", "replace").strip()).resolve() if top else repo
            try:
                base = config.source_path.resolve().relative_to(top_path).as_posix()
            except ValueError:
                base = config.source_dir
        specs = [(relpath, f"{commit}:{base}/{relpath}" if base not in ("", ".") else f"{commit}:{relpath}")
                 for relpath, _, _ in items]
        blob = _git(["cat-file", "--batch"], repo, "".join(spec + "\n" for _, spec in specs).encode())
        pos = 0
        for relpath, _spec in specs if blob is not None else ():
            nl = blob.index(b"\n", pos)
            head = blob[pos:nl].split()
            pos = nl + 1
            if len(head) < 3 or head[1] != b"blob":
                continue
            size = int(head[2])
            found[relpath] = blob[pos:pos + size]
            pos += size + 1
    out: dict[str, Synced] = {}
    current = {relpath: data for relpath, _, data in items}
    for relpath, data in found.items():
        if data == current.get(relpath):
            continue
        try:
            old = parse_document(data, f"sync:{relpath}", identify=False, front_matter_keys=config.front_matter_keys)
        except DocumentError:
            continue
        out[relpath] = synced_from(old, level, label)
    return label, out
