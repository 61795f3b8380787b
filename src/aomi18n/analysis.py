"""The main job: read the corpus, pair, align, check; figures for reports and the gate.

``analyze(config)`` returns an :class:`Analysis` that every output (check, report,
status, queue, PO export) renders; nothing here prints or exits.
"""

from __future__ import annotations

import functools
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import fewer_collections
from .checks import MODULES as CHECK_MODULES
from .checks import SYNC_CHECKS, PairContext, selected
from .codeblocks import align_code, code_blocks
from .config import Config, parse_fail_on
from .cache import Cache, fingerprint, project_cache, slot_name
from .corpus import SourceFile, pair_items, parse_file, scan
from .documents import Unit, units
from .errors import ConfigError, PoFileError
from .glossary import Glossary, load_glossary
from .history import git_head, git_history, sync_point_history
from .model import Alignment, Document, DocumentPair, Finding, Severity
from .pofiles import Synced, po_path, synced_french
from .text import word_count
from .yamlutil import read_limited


@dataclass
class PairResult:
    pair: DocumentPair
    source_units: tuple[Unit, ...]
    target_units: tuple[Unit, ...]
    alignment: Alignment | None
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    level: str = "blocks"
    cached_figures: dict | None = None  # set once the findings are final
    #: The glossary terms (their source forms) of each source unit, as the checks found
    #: them; None where not known (a light result, or no glossary).
    unit_terms: tuple[tuple[str, ...], ...] | None = None
    unit_words: tuple[int, ...] | None = None  # the words of each source unit (cached with the pair)
    #: A digest of everything this result depends on (files, configuration, glossary,
    #: sync record, aomi18n's code): what an output caches its own work under.
    key: str | None = None
    _load: Callable[[], PairResult] | None = field(default=None, repr=False, compare=False)

    def full(self) -> PairResult:
        """This result with its documents, units and alignment: itself, or, for a pair a
        ``lazy`` analysis took from the cache, the whole result read from its entry
        (once)."""
        if self._load is not None:
            loaded = self._load()
            loaded.key = self.key
            self._load = lambda: loaded
            return loaded
        return self

    def words(self) -> tuple[int, ...]:
        """The number of words of each source unit."""
        if self.unit_words is None or len(self.unit_words) != len(self.source_units):
            self.unit_words = tuple(word_count(u.text) for u in self.source_units)
        return self.unit_words

    def figures(self) -> dict:
        """Words and blocks of the French: translated, drifted, untranslated, missing."""
        if self.cached_figures is not None:
            return dict(self.cached_figures)
        words = self.words()
        total_w, total_b = sum(words), len(words)
        if self.pair.source is None:
            return {"words": 0, "blocks": 0, "translated_words": 0, "translated_blocks": 0, "drifted_words": 0,
                    "drifted_blocks": 0, "untranslated_words": 0, "untranslated_blocks": 0, "missing_words": 0,
                    "stale_words": 0, "stale_blocks": 0}
        if self.alignment is None:
            return {"words": total_w, "blocks": total_b, "translated_words": 0, "translated_blocks": 0,
                    "drifted_words": 0, "drifted_blocks": 0, "untranslated_words": 0, "untranslated_blocks": 0,
                    "missing_words": total_w, "stale_words": 0, "stale_blocks": 0}
        state = self.unit_states()
        out = {"words": total_w, "blocks": total_b, "missing_words": 0}
        for name, key in (("translated", "translated"), ("drift", "drifted"), ("untranslated", "untranslated"), ("stale", "stale")):
            out[f"{key}_words"] = sum(w for w, s in zip(words, state) if s == name)
            out[f"{key}_blocks"] = sum(1 for s in state if s == name)
        return out

    def unit_states(self) -> list[str]:
        """Each source unit's state, its most serious finding's: "missing" (no
        translation document), "untranslated", "stale" (the source changed since the
        sync: known, so it comes before a suspected "drift"), "drift", "translated"."""
        if self.alignment is None:
            return ["missing"] * len(self.source_units)
        rank = {"translated": 0, "drift": 1, "stale": 2, "untranslated": 3}
        state = ["translated"] * len(self.source_units)
        for f in self.findings:
            if f.source is None or f.kind not in ("untranslated", "not-translated", "drift", "stale"):
                continue
            new = {"not-translated": "untranslated"}.get(f.kind, f.kind)
            for k, u in enumerate(self.source_units):
                if f.source.line <= u.line <= f.source.end_line and rank[new] > rank[state[k]]:
                    state[k] = new
        return state


@dataclass
class Analysis:
    config: Config
    glossary: Glossary
    results: list[PairResult]
    redone: int = 0  # pairs computed in this run (the others came from the cache)
    cache: Cache = field(default_factory=lambda: Cache(None))  # the project's, for outputs to keep their work in

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    def summary(self) -> dict:
        figs = [r.figures() for r in self.results]
        words = sum(f["words"] for f in figs)
        translated = sum(f["translated_words"] for f in figs)
        by_kind: dict[str, int] = {}
        for f in self.findings:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
        return {
            "documents": {
                "source": sum(1 for r in self.results if r.pair.source),
                "target": sum(1 for r in self.results if r.pair.target),
                "paired": sum(1 for r in self.results if r.pair.paired),
            },
            "words": words,
            "blocks": sum(f["blocks"] for f in figs),
            "translated_words": translated,
            "translated_blocks": sum(f["translated_blocks"] for f in figs),
            "drifted_words": sum(f["drifted_words"] for f in figs),
            "untranslated_words": sum(f["untranslated_words"] for f in figs),
            "missing_words": sum(f["missing_words"] for f in figs),
            "coverage": round(100.0 * translated / words, 1) if words else 100.0,
            "findings": len(self.findings),
            "by_kind": dict(sorted(by_kind.items())),
            "by_severity": {str(s): sum(1 for f in self.findings if f.severity == s) for s in Severity},
            "suppressed": sum(r.suppressed for r in self.results),
        }


def acronym_map(glossary: Glossary) -> dict[str, str]:
    return {t.fr: t.en for t in glossary.terms if " " not in t.fr and t.fr.isupper()}


def analyze(config: Config, *, select=(), ignore=(), glossary: Glossary | None = None, level: str = "blocks",
            progress=None, light: bool = False, jobs: int | None = None, use_cache: bool = True,
            semantic: bool | None = None, lazy: bool = False) -> Analysis:
    """Read, pair, align (units at ``level``: blocks or sentences) and check the whole corpus.

    ``progress(done, total)``, if given, is called after each document pair.

    Each pair's result is cached under a hash of everything it depends on (see
    :mod:`aomi18n.cache`): a re-run redoes only the pairs whose files, configuration,
    glossary or sync record changed. ``light=True`` (what ``check`` needs) returns
    cached pairs without reading their documents again: their results carry
    findings and figures but no text, units or alignment. Pairs to redo are
    spread over ``jobs`` processes (default: the machine's cores). ``semantic`` (default:
    the configuration's ``semantic``) aligns with the meaning model too; asked for and
    not installed, it is a :class:`ConfigError` naming the install line.
    """
    semantic = config.semantic if semantic is None else semantic
    meaning = None
    if semantic:
        from .semantic import identity

        meaning = identity()  # the backend and its version: part of every pair's key
    glossary = glossary if glossary is not None else load_glossary(config.glossary_path, config.source_lang, config.target_lang)
    try:
        checks = selected(select or config.select, ignore or config.ignore)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    cache = project_cache(config.root, config.cache_dir, use_cache)
    sources, targets = scan(config)
    parsed: dict[str, Document] = {}

    def load(f: SourceFile) -> Document:
        if f.shown not in parsed:
            parsed[f.shown] = parse_file(f, config, cache=cache)
        return parsed[f.shown]

    pairs = pair_items(sources, targets, config, glossary, load)
    check_ids = tuple(c.id for c in checks)
    # The sync record (PO file, sync point, git) serves stale, and tells the coverage and
    # drift checks which source text is new since the last sync.
    needs_sync = any(k in SYNC_CHECKS for k in check_ids)
    # Everything a pair's result depends on besides its files: the entry keeps the
    # documents too, so what reading them depends on (languages, line limit) is here.
    sync_label, sync_records = None, {}
    if needs_sync and config.sync is not None:
        sync_label, sync_records = sync_point_history(
            config, [(s.relpath, t.relpath, s.data) for s, t, _, _ in pairs if s and t], level)
    reading = (config.thresholds, config.languages, config.max_line_chars, config.front_matter_keys, level,
               glossary.terms, *((meaning,) if meaning else ()))
    base = fingerprint("pair", *reading, check_ids,
                       (git_head(config) if config.sync is None else sync_label) if needs_sync else None)
    # What the documents and their alignment depend on: not the checks, not the sync record.
    # A pair whose PO file an export just wrote is checked again, but not read or aligned again.
    base_docs = fingerprint("pair-documents", *reading)
    keys: list[str] = []
    docs_keys: list[str] = []
    slots: list[str] = []  # one cache file per pair and kind of run: an edit replaces it
    results: list[PairResult | None] = [None] * len(pairs)
    todo: list[int] = []
    for k, (s, t, method, conf) in enumerate(pairs):
        po = po_path(config, s.relpath) if needs_sync and s and t else None
        po_bytes = read_limited(po, PoFileError) if po is not None and (po.exists() or po.is_symlink()) else None
        record = sync_records.get(s.relpath) if s else None
        files = tuple(f and (f.shown, f.relpath, f.sha256) for f in (s, t))
        key = fingerprint(base, *files, po_bytes, record.order if record else None)
        keys.append(key)
        docs_keys.append(fingerprint(base_docs, *files))
        slots.append(slot_name("pair", *(f and f.shown for f in (s, t)), check_ids, level, meaning))
        entry = cache.get("pairs", key, slots[-1])
        if entry is None:
            todo.append(k)
            continue
        if light or lazy:
            results[k] = _from_entry(DocumentPair(_stub(s), _stub(t), method, conf), entry, level, True)
            if lazy:
                results[k]._load = functools.partial(_full_entry, entry, (s, t), load, method, conf, level)
        else:
            results[k] = _full_entry(entry, (s, t), load, method, conf, level)
        results[k].key = key
    done = len(pairs) - len(todo)
    if progress is not None and done:
        progress(done, len(pairs))
    if todo:
        history = {}
        if needs_sync and config.sync is None:
            history = git_history(config, [(pairs[k][0].relpath, pairs[k][1].relpath, pairs[k][0].data)
                                           for k in todo if pairs[k][0] and pairs[k][1]], level)
        tasks = []
        for k in todo:
            s, t, method, conf = pairs[k]
            synced = None
            if needs_sync and s and t:  # (its PO file's, which comes first, is read by the pair's worker)
                synced = sync_records.get(s.relpath) or history.get(s.relpath)
            tasks.append(_Task(k, keys[k], slots[k], s, t, method, conf, synced,
                               parsed.get(s.shown) if s else None, parsed.get(t.shown) if t else None, docs_keys[k],
                               needs_sync and bool(s and t)))
        state = _State(config, glossary, check_ids, level, cache.folder if cache.enabled else None, light, bool(meaning))
        for k, res in _run_tasks(state, tasks, jobs):
            results[k] = res
            done += 1
            if progress is not None:
                progress(done, len(pairs))
    return Analysis(config, glossary, [r for r in results if r is not None], redone=len(todo), cache=cache)


@dataclass(frozen=True)
class _State:
    """What every pair's work needs; sent once to each worker process."""

    config: Config
    glossary: Glossary
    checks: tuple[str, ...]
    level: str
    cache_folder: Path | None
    light: bool
    semantic: bool = False


@dataclass(frozen=True)
class _Task:
    index: int
    key: str
    slot: str
    source: SourceFile | None
    target: SourceFile | None
    method: str
    confidence: float
    synced: Synced | None  # the sync point's or git's (the PO file's, read in the worker, comes first)
    source_doc: Document | None = None  # already parsed (content pairing) when not None
    target_doc: Document | None = None
    docs_key: str | None = None  # what the documents and their alignment depend on
    read_po: bool = False  # the sync record is the source document's PO file, where it has one


_WORKER: dict = {}
AUTO_POOL_PAIRS = 24


def _init_worker(state: _State, pooled: bool = False) -> None:
    if pooled:
        from .parallel import ignore_interrupt

        ignore_interrupt()
        fewer_collections()  # a worker is aomi18n's own process
    from .alignment import FeatureScorer  # numpy: only when a pair is (re)aligned

    _WORKER.clear()
    meaning = None
    if state.semantic:
        from .semantic import load_backend

        meaning = load_backend()
    _WORKER.update(state=state, cache=Cache(state.cache_folder), scorer=FeatureScorer(acronyms=acronym_map(state.glossary)),
                   checks=[c for c in selected() if c.id in state.checks], meaning=meaning)


def _work(task: _Task) -> tuple[int, PairResult]:
    st: _State = _WORKER["state"]
    cache: Cache = _WORKER["cache"]
    config, level = st.config, st.level
    # The pair's entry before one of its other inputs changed (its sync record: a PO file
    # an export just wrote): its documents and alignment are still this pair's.
    before = _kept_work(cache, task)
    # Read here, not through the document cache: the pair's entry keeps them (one
    # file per pair instead of three; creating files is most of a cold run's I/O).
    documents = before["documents"] if before else None
    src, tgt = pickle.loads(documents) if documents else (None, None)
    src = task.source_doc or src or (task.source and parse_file(task.source, config))
    tgt = task.target_doc or tgt or (task.target and parse_file(task.target, config))
    pair = DocumentPair(src, tgt, task.method, task.confidence)
    su = tuple(units(src, level)) if src else ()
    tu = tuple(units(tgt, level)) if tgt else ()
    al = before["alignment"] if before else None
    if pair.paired and before is None:
        from .alignment import align

        al = align([u.text for u in su], [u.text for u in tu], scorer=_WORKER["scorer"], level=level,
                   source_hints=[u.hints for u in su], target_hints=[u.hints for u in tu], meaning=_WORKER["meaning"])
    sc, tc, cl = (), (), ()
    if pair.paired:
        sc, tc = tuple(code_blocks(src)), tuple(code_blocks(tgt))
        cl = tuple(align_code(list(sc), list(tc))) if sc or tc else ()
    synced = (task.read_po and synced_french(config, task.source.relpath)) or task.synced
    ctx = PairContext(pair, su, tu, al, st.glossary, config.thresholds, config.source_lang, config.target_lang, synced,
                      sc, tc, cl)
    res = PairResult(pair, su, tu, al, level=level)
    checks = _WORKER["checks"]
    kept = before.get("counts") if before else None
    if kept is not None and len(kept) != len(checks):
        kept = None
    counts = []
    at = 0  # where the kept findings of the next check start
    for k, c in enumerate(checks):
        found = suppressed = 0
        if kept is not None and c.id not in SYNC_CHECKS:  # the documents' alone: as they were
            found, suppressed = kept[k]
            res.findings.extend(before["findings"][at:at + found])
        else:
            for f in c.fn(ctx):
                if _suppressed(f, pair, su, tu):
                    suppressed += 1
                else:
                    res.findings.append(f)
                    found += 1
        res.suppressed += suppressed
        counts.append((found, suppressed))
        at += kept[k][0] if kept is not None else 0
    res.cached_figures = res.figures()
    if kept is not None:  # the glossary's terms in the source, as they were
        res.unit_terms = before["terms"]
        if "glossary_terms" in before["figures"]:
            res.cached_figures["glossary_terms"] = before["figures"]["glossary_terms"]
    elif src and st.glossary.terms:  # glossary terms in the source: the report's compliance figure, the PO notes
        from .checks.terminology import source_terms

        found = source_terms(ctx)
        if pair.paired:
            res.cached_figures["glossary_terms"] = sum(len(m) for m in found)
        res.unit_terms = tuple(tuple(dict.fromkeys(m.term.fr for m in ms)) for ms in found)
    entry = {"alignment": al, "findings": res.findings, "suppressed": res.suppressed, "figures": res.cached_figures,
             "terms": res.unit_terms, "words": res.words(), "documents_key": task.docs_key, "counts": tuple(counts)}
    if cache.enabled:  # pickled apart, so that a light run (check) never unpickles them
        entry["documents"] = documents or pickle.dumps((src, tgt), protocol=pickle.HIGHEST_PROTOCOL)
        cache.put("pairs", task.key, entry, task.slot)
    if st.light:  # the same result as a later run will read from the cache
        light = DocumentPair(_stub(task.source), _stub(task.target), task.method, task.confidence)
        res = _from_entry(light, entry, level, True)
    res.key = task.key
    return task.index, res


def _kept_work(cache: Cache, task: _Task) -> dict | None:
    """The entry the pair's slot holds from before, where it was made from the same
    documents under the same reading and alignment settings (only the checks' other
    inputs changed: the sync record), with its documents; else None."""
    if task.docs_key is None or not cache.enabled:
        return None
    kept = cache.get_kept("pairs", task.slot)
    if kept is None:
        return None
    entry = kept[1]
    if not isinstance(entry, dict) or entry.get("documents_key") != task.docs_key or "documents" not in entry:
        return None
    return entry


#: What a worker imports: loaded once in the fork server, which the workers are forked from
#: (pocount and rapidfuzz: the word counts' and the checks' libraries, imported on first use;
#: _pool_server: a worker whose pool is gone ends quietly).
_WORKER_MODULES = ["aomi18n._pool_server", "aomi18n.analysis", "aomi18n.alignment", "aomi18n.codeblocks",
                   "aomi18n.markdown", *CHECK_MODULES, "translate.tools.pocount", "rapidfuzz.fuzz", "rapidfuzz.process"]


def _pool_context():
    """Workers are not forked from this process (lingua's thread pool here must not be
    forked mid-flight) but from a fork server that has imported what they need, once:
    each worker no longer imports NumPy, markdown-it and aomi18n itself (a few tenths of
    a second of CPU each). Where there is no fork server, they are spawned."""
    import multiprocessing as mp

    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_WORKER_MODULES)
    return ctx


def pool_size(jobs: int | None, count: int) -> int:
    """The processes for ``count`` items of work (pairs, documents): ``jobs`` if given, else
    every core once there are enough to pay for starting them (a pool's start costs the
    fork server's imports and each worker's language models: a few dozen pairs), else one."""
    if jobs is not None:
        return jobs
    return (os.cpu_count() or 1) if count >= AUTO_POOL_PAIRS else 1


def _run_tasks(state: _State, tasks: list[_Task], jobs: int | None):
    """Run the pairs' work here, or over a pool of processes when there is enough of it."""
    jobs = pool_size(jobs, len(tasks))
    if jobs <= 1 or len(tasks) < 2:
        _init_worker(state)
        for t in tasks:
            yield _work(t)
        return
    import concurrent.futures as cf

    from .parallel import start_fork_server

    ctx = _pool_context()
    start_fork_server(ctx)
    pool = cf.ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx, initializer=_init_worker, initargs=(state, True))
    try:
        # Small chunks: the workers end within a few pairs of each other (a chunk
        # of 16 pairs left one worker alone for up to half a second at the end).
        chunk = max(1, min(4, len(tasks) // (jobs * 8)))
        yield from pool.map(_work, tasks, chunksize=chunk)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _documents(entry: dict, files, load) -> tuple[Document | None, Document | None]:
    """The documents of a cached pair: from its entry, or read again if they cannot be
    unpickled (an error reading the cache is a miss, never a failure)."""
    try:
        return pickle.loads(entry["documents"])
    except Exception:
        return tuple(f and load(f) for f in files)


def _full_entry(entry: dict, files, load, method: str, confidence: float, level: str) -> PairResult:
    return _from_entry(DocumentPair(*_documents(entry, files, load), method, confidence), entry, level, False)


def _stub(f: SourceFile | None) -> Document | None:
    """A document known by its file only (path, hash): what a light result carries."""
    if f is None:
        return None
    return Document(f.shown, f.relpath, "", f.sha256, False, "\n", True, ())


def _from_entry(pair: DocumentPair, entry: dict, level: str, light: bool) -> PairResult:
    if light:
        return PairResult(pair, (), (), None, list(entry["findings"]), entry["suppressed"], level, entry["figures"])
    su = tuple(units(pair.source, level)) if pair.source else ()
    tu = tuple(units(pair.target, level)) if pair.target else ()
    return PairResult(pair, su, tu, entry["alignment"], list(entry["findings"]), entry["suppressed"], level, entry["figures"],
                      entry.get("terms"), entry.get("words"))


def _suppressed(f: Finding, pair: DocumentPair, su, tu) -> bool:
    for doc, loc in ((pair.source, f.source), (pair.target, f.target)):
        if doc is None or loc is None:
            continue
        for s in doc.suppressions:
            if f.kind not in s.kinds and "all" not in s.kinds:
                continue
            if s.applies_to is None:
                return True
            block = doc.blocks[s.applies_to] if 0 <= s.applies_to < len(doc.blocks) else None
            if block and block.line <= loc.line <= block.end_line:
                return True
    return False


def gate(analysis: Analysis, fail_on: str, min_coverage: float | None) -> list[str]:
    """Why the gate fails (empty: it passes): each reason as a sentence."""
    reasons = []
    if min_coverage is not None:
        coverage = analysis.summary()["coverage"]
        if coverage < min_coverage:
            reasons.append(f"coverage {coverage}% is under the minimum of {min_coverage:g}%")
    rule = parse_fail_on(fail_on)
    if rule == "never":
        return reasons
    if isinstance(rule, Severity):
        hits = [f for f in analysis.findings if f.severity >= rule]
        if hits:
            reasons.append(f"{len(hits)} finding{'s' if len(hits) != 1 else ''} at {rule} or above (fail_on: {rule})")
    else:
        hits = [f for f in analysis.findings if f.kind in rule]
        if hits:
            reasons.append(f"{len(hits)} finding{'s' if len(hits) != 1 else ''} of the kinds "
                           f"{', '.join(sorted(rule))} (fail_on)")
    return reasons


def should_fail(analysis: Analysis, fail_on: str, min_coverage: float | None) -> bool:
    """Exit status 1? ``fail_on`` is a severity (info, warning, error), a list of kinds, or 'never'."""
    return bool(gate(analysis, fail_on, min_coverage))
