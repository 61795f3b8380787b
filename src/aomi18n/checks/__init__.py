"""Checks: plain functions in a registry, one signature, each yields Findings.

A check takes a :class:`PairContext` (one French/English pair with its block
alignment) and yields :class:`~aomi18n.model.Finding`. Its id is stable: it is
what ``--select``/``--ignore``, the configuration and inline suppressions use.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..codeblocks import CodeBlock, CodeLink
from ..config import Thresholds
from ..documents import Unit
from ..glossary import Glossary
from ..model import KINDS, Alignment, DocumentPair, Finding, Severity  # noqa: F401  (KINDS: re-exported)



@dataclass(frozen=True)
class PairContext:
    pair: DocumentPair
    source_units: tuple[Unit, ...]
    target_units: tuple[Unit, ...]
    alignment: Alignment | None
    glossary: Glossary
    thresholds: Thresholds
    source_lang: str = "fr"
    target_lang: str = "en"
    synced: dict | None = None  # source text recorded at the last sync, by block key (from PO files)
    #: The code blocks of each side and their links (compared, never translated).
    source_code: tuple[CodeBlock, ...] = ()
    target_code: tuple[CodeBlock, ...] = ()
    code_links: tuple[CodeLink, ...] = ()

    def derived(self, name: str, compute: Callable[["PairContext"], object]):
        """What several checks derive from this pair (its new source units, its blocks in
        place), computed once: kept on the context, which lives for one pair."""
        cache = self.__dict__.setdefault("_derived", {})
        if name not in cache:
            cache[name] = compute(self)
        return cache[name]

    @functools.cached_property
    def names(self) -> tuple[str, str]:
        """The names of the source and target languages, for messages ("French", "English")."""
        from ..langid import language_name

        return language_name(self.source_lang), language_name(self.target_lang)


CheckFn = Callable[[PairContext], Iterable[Finding]]

#: The checks that read the sync record (``PairContext.synced``: which source text is new or
#: changed since the last sync); the others' findings depend on the documents and their
#: alignment alone.
SYNC_CHECKS = frozenset({"stale", "untranslated", "drift", "extra"})


@dataclass(frozen=True)
class Check:
    id: str
    fn: CheckFn
    description: str
    severity: Severity


REGISTRY: dict[str, Check] = {}


def check(id: str, severity: Severity, description: str) -> Callable[[CheckFn], CheckFn]:
    def register(fn: CheckFn) -> CheckFn:
        REGISTRY[id] = Check(id, fn, description, severity)
        return fn

    return register


def selected(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Check]:
    """The checks to run; unknown ids raise ValueError naming the known ones."""
    _load()
    select, ignore = list(select), list(ignore)
    for name in select + ignore:
        if name not in REGISTRY:
            raise ValueError(f"unknown check {name!r} (known: {', '.join(sorted(REGISTRY))})")
    # In the order of MODULES (each module's checks as it defines them), whichever module a
    # program happened to import first: the order is the findings' and part of the cache keys.
    rank = {name: k for k, name in enumerate(MODULES)}
    ordered = sorted(REGISTRY.items(), key=lambda kv: rank.get(kv[1].fn.__module__, len(MODULES)))
    return [c for k, c in ordered if (not select or k in select) and k not in ignore]


#: The modules whose checks register themselves when imported.
MODULES = ("aomi18n.checks.coverage", "aomi18n.checks.drift", "aomi18n.checks.stale", "aomi18n.checks.terminology")


def _load() -> None:
    import importlib

    for name in MODULES:
        importlib.import_module(name)  # registration
