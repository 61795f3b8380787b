"""The main job: read the corpus, pair, align, check; figures for reports and the gate.

``analyze(config)`` returns an :class:`Analysis` that every output (check, report,
status, queue, PO export) renders; nothing here prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .alignment import FeatureScorer, align
from .checks import PairContext, run_checks, selected
from .config import Config
from .corpus import load_corpus, pair_documents
from .documents import Unit, units
from .errors import ConfigError
from .glossary import Glossary, load_glossary
from .history import git_history
from .model import Alignment, DocumentPair, Finding, Severity
from .pofiles import synced_french
from .text import word_count


@dataclass
class PairResult:
    pair: DocumentPair
    source_units: tuple[Unit, ...]
    target_units: tuple[Unit, ...]
    alignment: Alignment | None
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    level: str = "blocks"

    def figures(self) -> dict:
        """Words and blocks of the French: translated, drifted, untranslated, missing."""
        words = [word_count(u.text) for u in self.source_units]
        total_w, total_b = sum(words), len(words)
        if self.pair.source is None:
            return {"words": 0, "blocks": 0, "translated_words": 0, "translated_blocks": 0, "drifted_words": 0,
                    "drifted_blocks": 0, "untranslated_words": 0, "untranslated_blocks": 0, "missing_words": 0,
                    "stale_words": 0, "stale_blocks": 0}
        if self.alignment is None:
            return {"words": total_w, "blocks": total_b, "translated_words": 0, "translated_blocks": 0,
                    "drifted_words": 0, "drifted_blocks": 0, "untranslated_words": 0, "untranslated_blocks": 0,
                    "missing_words": total_w, "stale_words": 0, "stale_blocks": 0}
        state = ["translated"] * total_b
        for f in self.findings:
            if f.fr is None or f.kind not in ("untranslated", "not-translated", "drift", "stale"):
                continue
            for k, u in enumerate(self.source_units):
                if f.fr.line <= u.line <= f.fr.end_line:
                    new = {"not-translated": "untranslated"}.get(f.kind, f.kind)
                    rank = {"translated": 0, "stale": 1, "drift": 2, "untranslated": 3}
                    if rank[new] > rank[state[k]]:
                        state[k] = new
        out = {"words": total_w, "blocks": total_b, "missing_words": 0}
        for name, key in (("translated", "translated"), ("drift", "drifted"), ("untranslated", "untranslated"), ("stale", "stale")):
            out[f"{key}_words"] = sum(w for w, s in zip(words, state) if s == name)
            out[f"{key}_blocks"] = sum(1 for s in state if s == name)
        return out


@dataclass
class Analysis:
    config: Config
    glossary: Glossary
    results: list[PairResult]

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
            progress=None) -> Analysis:
    """Read, pair, align (units at ``level``: blocks or sentences) and check the whole corpus.

    ``progress(done, total)``, if given, is called after each document pair.
    """
    glossary = glossary if glossary is not None else load_glossary(config.glossary_path)
    try:
        checks = selected(select or config.select, ignore or config.ignore)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    corpus = load_corpus(config)
    pairs = pair_documents(corpus, glossary)
    scorer = FeatureScorer(acronyms=acronym_map(glossary))
    stale = any(c.id == "stale" for c in checks)
    history = git_history(config, pairs, level) if stale else {}
    results = []
    for done, pair in enumerate(pairs, 1):
        su = tuple(units(pair.source, level)) if pair.source else ()
        tu = tuple(units(pair.target, level)) if pair.target else ()
        al = None
        if pair.paired:
            al = align([u.text for u in su], [u.text for u in tu], scorer=scorer, level=level,
                       source_hints=[u.hints for u in su], target_hints=[u.hints for u in tu])
        synced = None
        if pair.paired and stale:
            synced = synced_french(config, pair.source.relpath) or history.get(pair.source.relpath)
        ctx = PairContext(pair, su, tu, al, glossary, config.thresholds, config.source_lang, config.target_lang, synced)
        res = PairResult(pair, su, tu, al, level=level)
        for f in run_checks(ctx, checks):
            if _suppressed(f, pair, su, tu):
                res.suppressed += 1
            else:
                res.findings.append(f)
        results.append(res)
        if progress is not None:
            progress(done, len(pairs))
    return Analysis(config, glossary, results)


def _suppressed(f: Finding, pair: DocumentPair, su, tu) -> bool:
    for doc, loc in ((pair.source, f.fr), (pair.target, f.en)):
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


def should_fail(analysis: Analysis, fail_on: str, min_coverage: float | None) -> bool:
    """Exit status 1? ``fail_on`` is a severity (info, warning, error), a list of kinds, or 'never'."""
    if min_coverage is not None and analysis.summary()["coverage"] < min_coverage:
        return True
    spec = fail_on.strip().lower()
    if spec == "never":
        return False
    try:
        level = Severity.parse(spec)
        return any(f.severity >= level for f in analysis.findings)
    except ValueError:
        kinds = {k.strip() for k in spec.split(",") if k.strip()}
        return any(f.kind in kinds for f in analysis.findings)
