"""The one place for configuration: ``aomi18n.yaml`` or ``[tool.aomi18n]`` in pyproject.toml.

Everything has a default, so a project laid out as ``corpus/fr`` + ``corpus/en`` with
a ``glossary.yaml`` at its root needs no configuration at all.
"""

from __future__ import annotations

import math
import os
import re
import time
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .yamlutil import LineDict, load_yaml, read_text_file, short

CONFIG_NAMES = ("aomi18n.yaml", "aomi18n.yml")


@dataclass(frozen=True)
class Thresholds:
    """Tunable limits of the checks (see README: Configuration)."""

    drift_content: float = 0.12  # link score below this: the English may not say what the French says
    unrelated_link: float = 0.06  # 1-1 link of long blocks scoring below this: two unrelated blocks
    meaning_same: float = 0.7  # with the meaning model: a cosine from which two texts say the same thing
    length_ratio_low: float = 0.45  # English/French length (chars) outside [low, high] is abnormal
    length_ratio_high: float = 2.2
    stale_cosmetic: float = 92.0  # no longer used: cosmetic is a rule (text.cosmetic_change), not a similarity
    pair_min_confidence: float = 0.25  # content pairing: below this, documents stay unpaired
    not_translated_similarity: float = 90.0  # English this similar to its French is "not translated"
    po_fuzzy_match: float = 70.0  # po update: a changed French this similar keeps its translation as fuzzy
    tm_min_score: float = 75.0  # suggest: translation-memory matches below this are not offered


@dataclass(frozen=True)
class SyncPoint:
    """Where the source stood when the translation was last synced, for ``stale``.

    Either ``folder`` (the source documents as they were, laid out as ``source_dir``) or
    a git ``repository`` (default: the project's own) with ``commit`` (the commit the
    translation was synced to) or ``merge_base`` (a ref whose merge-base with that
    repository's HEAD is the sync point: a fork synced by merging its upstream) and
    ``path`` (the source documents' folder in that repository; default ``source_dir``).
    """

    folder: str | None = None
    repository: str | None = None
    commit: str | None = None
    merge_base: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Config:
    root: Path
    source_lang: str = "fr"
    target_lang: str = "en"
    source_dir: str = "corpus/fr"
    target_dir: str = "corpus/en"
    patterns: tuple[str, ...] = ("**/*.md", "**/*.txt", "**/*.markdown")
    exclude: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    glossary: str = "glossary.yaml"
    po_dir: str = "po"
    segments: str = "blocks"  # PO granularity: "blocks" or "sentences"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "warning"
    min_coverage: float | None = None
    max_file_bytes: int = 20 * 1024 * 1024
    max_line_chars: int = 100_000
    cache_dir: str = ".aomi18n-cache"
    thresholds: Thresholds = field(default_factory=Thresholds)
    config_file: str | None = None
    sync: SyncPoint | None = None
    #: Front-matter keys whose values are translated.
    front_matter_keys: tuple[str, ...] = ("title", "description", "sidebar_label", "linkTitle", "summary",
                                          "subtitle", "tagline")
    #: Align with the meaning model (aomi18n[semantic]) too.
    semantic: bool = False

    @property
    def source_path(self) -> Path:
        return self.root / self.source_dir

    @property
    def target_path(self) -> Path:
        return self.root / self.target_dir

    @property
    def glossary_path(self) -> Path:
        return self.root / self.glossary

    @property
    def po_path(self) -> Path:
        return self.root / self.po_dir

    @property
    def languages(self) -> tuple[str, str]:
        return (self.source_lang, self.target_lang)


def build_time() -> time.struct_time:
    """Now in UTC, or SOURCE_DATE_EPOCH when set (reproducible PO headers and JUnit files)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit() and len(epoch) <= 12:  # up to the year 33,000: a date, not an overflow
        try:
            return time.gmtime(int(epoch))
        except (OverflowError, OSError, ValueError):
            pass
    return time.gmtime()


_SIMPLE = {
    "source_lang": str, "target_lang": str, "source_dir": str, "target_dir": str, "glossary": str,
    "po_dir": str, "segments": str, "fail_on": str, "cache_dir": str,
    "max_file_bytes": int, "max_line_chars": int,
}
_ALIASES = {"languages": None, "corpus": None}


_LANG_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_MAX_LIMIT = 1 << 40  # a terabyte: more is no limit, and would overflow where it is used


def _type_name(t: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(t, t.__name__)


def _inside(root: Path, rel: str, where: str, line: int | None, path: str) -> str:
    """Refuse paths that leave the project (the user names outside paths on the command line)."""
    p = Path(rel)
    resolved = (root / p).resolve()
    if p.is_absolute() or not (resolved == root.resolve() or root.resolve() in resolved.parents):
        raise ConfigError(f"{where} {short(rel)} is outside the project; name such paths on the command line", path, line)
    return rel


def from_mapping(data: Any, root: Path, path: str) -> Config:
    if data is None:
        data = LineDict()
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a mapping of settings", path, 1)

    def line(d: Any, key: str) -> int | None:
        return d.line_of(key) if isinstance(d, LineDict) else None

    known = (set(_SIMPLE) | {"patterns", "exclude", "pairs", "select", "ignore", "min_coverage", "thresholds", "sync",
                             "front_matter_keys", "semantic"} | set(_ALIASES))
    kw: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"unknown setting {short(key)} (known: {', '.join(sorted(known))})", path, line(data, key))
        if key in _SIMPLE:
            want = _SIMPLE[key]
            if not isinstance(value, want) or isinstance(value, bool):
                raise ConfigError(f"{key} must be {_type_name(want)}, not {short(value)}", path, line(data, key))
            kw[key] = value
        elif key == "languages":
            if not isinstance(value, dict) or set(value) - {"source", "target"}:
                raise ConfigError("languages must be a mapping with source and target", path, line(data, key))
            for k, v in value.items():
                if not isinstance(v, str):
                    raise ConfigError(f"languages.{k} must be a language code such as fr or en, not {short(v)}",
                                      path, line(value, k) or line(data, key))
            kw.update({f"{k}_lang": v for k, v in value.items()})
        elif key == "corpus":
            if not isinstance(value, dict) or set(value) - {"source", "target", "patterns", "exclude"}:
                raise ConfigError("corpus must be a mapping with source, target, patterns, exclude", path, line(data, key))
            for k, v in value.items():
                if k in ("source", "target"):
                    if not isinstance(v, str):
                        raise ConfigError(f"corpus.{k} must be a folder path, not {short(v)}", path, line(value, k))
                    kw[f"{k}_dir"] = v
                else:
                    v = [v] if isinstance(v, str) else v
                    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                        raise ConfigError(f"corpus.{k} must be a list of strings, not {short(v)}", path, line(value, k))
                    kw[k] = tuple(v)
        elif key == "sync":
            kw[key] = _sync_point(value, root, path, line(data, key))
        elif key == "semantic":
            if not isinstance(value, bool):
                raise ConfigError(f"semantic must be true or false, not {short(value)}", path, line(data, key))
            kw[key] = value
        elif key in ("patterns", "exclude", "select", "ignore", "front_matter_keys"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{key} must be a list of strings", path, line(data, key))
            kw[key] = tuple(value)
        elif key == "min_coverage":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
                raise ConfigError("min_coverage must be a percentage from 0 to 100", path, line(data, key))
            kw[key] = float(value)
        elif key == "pairs":
            if not isinstance(value, list):
                raise ConfigError("pairs must be a list of {source: ..., target: ...}", path, line(data, key))
            pairs = []
            seen: dict[str, int | None] = {}
            for item in value:
                ln = item.line if isinstance(item, LineDict) else line(data, key)
                if not isinstance(item, dict) or set(item) != {"source", "target"} or not all(isinstance(v, str) for v in item.values()):
                    raise ConfigError("each pair needs exactly source and target (paths relative to the project)", path, ln)
                for side in ("source", "target"):
                    name = os.path.normpath(item[side])
                    if (side, name) in seen:
                        raise ConfigError(f"pairs: {short(item[side])} is already the {side} of the pair at line "
                                          f"{seen[(side, name)]}; a document is in one pair only", path, ln)
                    seen[(side, name)] = ln
                pairs.append((item["source"], item["target"]))
            kw[key] = tuple(pairs)
        elif key == "thresholds":
            if not isinstance(value, dict):
                raise ConfigError("thresholds must be a mapping", path, line(data, key))
            names = {f.name for f in fields(Thresholds)}
            th = {}
            for k, v in value.items():
                if k not in names:
                    raise ConfigError(f"unknown threshold {short(k)} (known: {', '.join(sorted(names))})", path, line(value, k))
                if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v < 0:
                    raise ConfigError(f"threshold {k} must be a number of 0 or more, not {short(v)}", path,
                                      line(value, k))
                th[k] = float(v)
            kw["thresholds"] = Thresholds(**th)
    for key in ("source_dir", "target_dir", "glossary", "po_dir", "cache_dir"):
        if key in kw:
            _inside(root, kw[key], key, line(data, key) or line(data, "corpus"), path)
    for src, tgt in kw.get("pairs", ()):
        _inside(root, src, "pair source", line(data, "pairs"), path)
        _inside(root, tgt, "pair target", line(data, "pairs"), path)
    for key in ("source_lang", "target_lang"):
        if key in kw and not _LANG_CODE.fullmatch(kw[key]):
            raise ConfigError(f"{key} must be a language code such as fr, en or pt-BR, not {short(kw[key])}", path,
                              line(data, key) or line(data, "languages"))
    for key in ("max_file_bytes", "max_line_chars"):
        if key in kw and not 1 <= kw[key] <= _MAX_LIMIT:
            raise ConfigError(f"{key} must be from 1 to {_MAX_LIMIT:,}, not {short(kw[key])}", path, line(data, key))
    if kw.get("source_lang", "fr") == kw.get("target_lang", "en"):
        raise ConfigError("source_lang and target_lang are the same language", path,
                          line(data, "source_lang") or line(data, "target_lang") or line(data, "languages"))
    if "fail_on" in kw:
        try:
            parse_fail_on(kw["fail_on"])
        except ValueError as exc:
            raise ConfigError(f"fail_on: {exc}", path, line(data, "fail_on")) from None
    if kw.get("segments", "blocks") not in ("blocks", "sentences"):
        raise ConfigError("segments must be 'blocks' or 'sentences'", path, line(data, "segments"))
    return Config(root=root, config_file=path, **kw)


def _sync_point(value: Any, root: Path, path: str, ln: int | None) -> SyncPoint:
    names = {f.name for f in fields(SyncPoint)}
    if not isinstance(value, dict) or not value or set(value) - names:
        raise ConfigError(f"sync must be a mapping of {', '.join(sorted(names))}", path, ln)
    for k, v in value.items():
        if not isinstance(v, str) or not v.strip():
            raise ConfigError(f"sync.{k} must be a non-empty string", path, ln)
    sp = SyncPoint(**{k: v.strip() for k, v in value.items()})
    if sp.folder is not None:
        if set(value) != {"folder"}:
            raise ConfigError("sync.folder stands alone (the source as it was); repository, commit, merge_base "
                              "and path go with a git repository", path, ln)
        _inside(root, sp.folder, "sync.folder", ln, path)
    elif (sp.commit is None) == (sp.merge_base is None):
        raise ConfigError("sync needs a folder, or a commit or a merge_base (one of them) in a git repository", path, ln)
    return sp


def parse_fail_on(spec: str):
    """A gate: 'never', a severity (info, warning, error) or a comma-separated list of
    finding kinds. Anything else raises ValueError naming the closest valid words: a
    typo must never turn the gate off."""
    import difflib

    from .model import KINDS, Severity

    words = [w.strip().lower() for w in str(spec).split(",")]
    valid = ["never", *(str(s) for s in Severity), *KINDS]
    if not any(words):
        raise ValueError(f"{short(spec)} names nothing to fail on (a severity: info, warning, error; finding kinds; or never)")
    for w in words:
        if w not in valid:
            close = difflib.get_close_matches(w, valid, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown severity or kind {short(w)} in {short(str(spec))} (severities: info, warning, error; "
                             f"kinds: {', '.join(KINDS)}; or never){hint}")
    if len(words) == 1 and words[0] == "never":
        return "never"
    if len(words) == 1 and words[0] in {str(s) for s in Severity}:
        return Severity.parse(words[0])
    if "never" in words or any(w in {str(s) for s in Severity} for w in words):
        raise ValueError(f"{short(spec)}: a severity or 'never' stands alone, not in a list of kinds")
    return frozenset(words)


def load_config(project: str | Path = ".") -> Config:
    """Find and read the configuration of the project at ``project`` (defaults if none)."""
    config = _load_config(project)
    _no_links_out(config)
    return config


def _no_links_out(config: Config) -> None:
    """The project's folders (corpus, po, cache) may not be links that lead out of the
    project: what aomi18n writes there would land elsewhere. A user names an outside
    folder on the command line (po export -o DIR) instead."""
    root = config.root.resolve()
    for key in ("source_dir", "target_dir", "po_dir", "cache_dir"):
        rel = getattr(config, key)
        # Every link on the way counts: corpus -> /elsewhere as much as corpus/en -> ...
        here = config.root
        for part in Path(rel).parts:
            here = here / part
            if here.is_symlink():
                target = here.resolve()
                if target != root and root not in target.parents:
                    raise ConfigError(f"{key} {short(rel)} goes through a link to {short(str(target))}, outside the "
                                      "project; name outside folders on the command line", here)


def _load_config(project: str | Path = ".") -> Config:
    root = Path(project)
    if not root.exists():
        raise ConfigError("no such project folder", root)
    if root.is_file():
        raise ConfigError("is a file; give the project folder (the one holding corpus/ or aomi18n.yaml)", root)
    for name in CONFIG_NAMES:
        p = root / name
        if p.exists() or p.is_symlink():  # a folder or a pipe of that name is an error, not "no configuration"
            from .errors import ConfigError as E

            return from_mapping(load_yaml(read_text_file(p, E), p, E), root, str(p))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(read_text_file(pyproject, ConfigError))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", pyproject) from None
        section = data.get("tool", {}).get("aomi18n")
        if section is not None:
            return from_mapping(section, root, str(pyproject))
    return Config(root=root)
