"""Monotonic alignment of two sequences of text units (blocks, sentences or lines).

``align(source, target)`` links units 1-1, 1-0, 0-1, 2-1, 1-2, 2-2 (and 3-1, 1-3)
with a dynamic program restricted to a band around a path through anchors, so cost
grows near-linearly with length. The cost of a bead combines

* a Gale-Church length cost, computed in log space so it never underflows, and
* a similarity of bags of language-neutral features (numbers, names, cognates,
  punctuation, glossary acronyms) and, after a first pass, of a bilingual lexicon
  learned from the confident links of the pair itself (as hunalign's realign does).

The scorer is a parameter: anything with ``vectors(source, target, lexicon)``
returning feature bags works (see :class:`FeatureScorer`).
"""

from __future__ import annotations

import functools
import math
from array import array
from itertools import chain
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import WordFeatures, neutral_features, word_features, word_set
from . import text as _text
from .text import native
from .model import Alignment, Link

INF = float("inf")

try:  # the compiled DP (built from _dpcore.c at install); the NumPy code below is the fallback
    from . import _dpcore
except ImportError:  # pragma: no cover - depends on the build
    _dpcore = None


def compiled() -> bool:
    """Whether the compiled DP is in use (``AOMI18N_PURE_PYTHON=1``, read once, as for the
    text helpers: :data:`aomi18n.text.PURE_PYTHON`, turns it off)."""
    return _dpcore is not None and not _text.PURE_PYTHON

# Bead types (source units, target units) and their prior costs (-log p), tuned on
# pydocs (perturbed) and Text+Berg dev.
BEADS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3))
BLOCK_BEADS: tuple[tuple[int, int], ...] = BEADS[:6]


@dataclass(frozen=True)
class Params:
    """Weights of the bead cost. Defaults tuned on the dev data (see BENCHMARKS.md)."""

    length_weight: float = 1.0
    sim_weight: float = 9.0
    skip_cost: float = 6.0
    merge_cost: float = 2.6  # extra cost of a 2-1 / 1-2 bead
    merge2_cost: float = 4.5  # extra cost of a 2-2 bead
    merge3_cost: float = 5.5  # extra cost of a 3-1 / 1-3 bead
    empty_sim: float = 0.25  # similarity assumed when a side has no features
    # A merge (2-1, 1-2, ...) whose member shares nothing with the other side is an
    # unmatched unit folded into a neighbour: it pays up to `orphan_cost` more, in
    # proportion to how far its own similarity falls below `orphan_sim`.
    orphan_cost: float = 6.0
    orphan_sim: float = 0.15
    variance: float = 6.8  # Gale-Church s^2
    band: int = 60  # half width of the band around the anchor path
    full_limit: int = 3_000_000  # up to this many cells, no band at all
    realign: bool = True
    lexicon_min_count: int = 2
    lexicon_min_dice: float = 0.25
    lexicon_min_links: int = 20  # fewer confident 1-1 links than this teach no lexicon
    ratio_tolerance: float = 0.05  # realign when the 1-1 links' length ratio differs more (log)
    # A unit left unlinked that shares a feature with the other side of a neighbouring
    # link joins that link (see _attach). Sentences and lines only: an added paragraph
    # often shares a name with its neighbour, and is still an added paragraph.
    attach: bool = False
    beads: tuple[tuple[int, int], ...] = BEADS
    # With a meaning model (aomi18n[semantic]): the weight w of its cosine c in a 1-1
    # bead's similarity, (features + w^2 c) / (1 + w^2); merges add their vectors.
    meaning_weight: float = 1.0
    # Consult the meaning only where the features are unsure (the units of every link
    # that is not 1-1 or whose similarity is under ``meaning_sure``, and their
    # neighbours), after a first pass without it: what a long document costs to encode
    # falls to what is uncertain in it.
    meaning_where_unsure: bool = False
    meaning_sure: float = 0.25


# Sentences and lines split and merge freely in translation, and a short half
# often shares no feature with its source: no orphan penalty there.
SENTENCES = Params(orphan_cost=0.0, skip_cost=7.0, attach=True)  # tuned on Text+Berg dev (BENCHMARKS.md)
# Blocks: paragraphs are rarely split in three; 3-1/1-3 beads changed no block link on
# the dev data and cost a quarter of the DP. Sentences (OCR'd Text+Berg) need them.
# With a meaning model, blocks give its cosine less weight than sentences do: a
# paragraph's features say much already, and a paragraph added beside a translated one
# often shares its topic (chosen on the drift bench's dev half: 0.3 kept its extra
# recall, 1.0 lost 12 of 222; Text+Berg dev chose 1.0 for lines).
DEFAULT = Params(beads=BLOCK_BEADS, meaning_weight=0.3, meaning_where_unsure=True)


def params_for(level: str) -> Params:
    """The default parameters for units at ``level`` (blocks, sentences or lines)."""
    return DEFAULT if level == "blocks" else SENTENCES


@dataclass
class FeatureScorer:
    """The default scorer: language-neutral features plus a learned lexicon.

    ``vectors`` returns one ``Counter`` of features per unit on each side; the
    target side's words and the source side's lexicon translations meet in the
    ``w:`` feature space. :func:`align` takes the same features one unit at a
    time (``source_vector``/``target_vector``) and keeps them as arrays.
    """

    acronyms: Mapping[str, str] = field(default_factory=dict)
    prefix: int = 4

    def source_vector(self, text: str, hints: Sequence[str] = ()) -> Counter:
        return neutral_features(text, prefix=self.prefix, acronyms=self.acronyms, hints=hints, table=self._tables[0])

    def target_vector(self, text: str, hints: Sequence[str] = ()) -> Counter:
        return neutral_features(text, prefix=self.prefix, hints=hints, table=self._tables[1])

    @functools.cached_property
    def _tables(self) -> tuple[WordFeatures, WordFeatures]:
        """The word features of each side (the source's map acronyms), found once."""
        return word_features(self.prefix, self.acronyms), word_features(self.prefix)

    def vectors(
        self,
        source: Sequence[str],
        target: Sequence[str],
        lexicon: Mapping[str, Mapping[str, float]] | None = None,
        source_hints: Sequence[Sequence[str]] | None = None,
        target_hints: Sequence[Sequence[str]] | None = None,
    ) -> tuple[list[Counter], list[Counter]]:
        return (list(self.unit_vectors(source, source_hints, lexicon, source=True)),
                list(self.unit_vectors(target, target_hints, lexicon, source=False)))

    def unit_vectors(self, texts: Sequence[str], hints: Sequence[Sequence[str]] | None,
                     lexicon: Mapping[str, Mapping[str, float]] | None, *, source: bool) -> Iterator[Counter]:
        """The vectors of one side, one unit at a time (with the lexicon's features, if any)."""
        produced = _produced(lexicon) if lexicon and not source else set()
        for k, t in enumerate(texts):
            h = hints[k] if hints else ()
            v = self.source_vector(t, h) if source else self.target_vector(t, h)
            if lexicon:
                v.update(source_lexicon_features(t, lexicon) if source else target_lexicon_features(t, produced))
            yield v

    @staticmethod
    def with_lexicon(sv, tv, source, target, lexicon, copy: bool = True):
        """The vectors with the source words' translations and the target words added
        (copies, or the vectors themselves updated with ``copy=False``)."""
        if copy:
            sv = [Counter(v) for v in sv]
            tv = [Counter(v) for v in tv]
        produced = _produced(lexicon)
        for vec, text in zip(sv, source):
            vec.update(source_lexicon_features(text, lexicon))
        for vec, text in zip(tv, target):
            vec.update(target_lexicon_features(text, produced))
        return sv, tv


def _produced(lexicon: Mapping[str, Mapping[str, float]]) -> set[str]:
    return {t for tr in lexicon.values() for t in tr}


# Presence, not counts: each English word the French can explain weighs at most its
# best translation probability, and each English word present weighs 1 (sums let
# frequent words drown the numbers and names).
def source_lexicon_features(text: str, lexicon: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    """``w:`` features of a source unit: its words' translations, at their best probability."""
    best: dict[str, float] = {}
    get = best.get
    # Only the words the lexicon knows (a set operation, in C): most words it does not.
    for w in lexicon.keys() & word_set(text):
        for t, p in lexicon[w].items():
            if p > get(t, 0.0):
                best[t] = p
    return {"w:" + t: best[t] for t in sorted(best)}  # in word order: not the set's (hash) order


def target_lexicon_features(text: str, produced: set[str]) -> dict[str, float]:
    """``w:`` features of a target unit: its words that some source word translates to
    (in word order, as the source's)."""
    return dict.fromkeys(["w:" + w for w in sorted(produced.intersection(word_set(text)))], 1)


class _Bags:
    """The feature bags of both sides as (unit, feature id, weight) triples.

    Per-unit ``Counter``s cost ~100 bytes a feature; these arrays cost 24, and
    they are filled one unit at a time so the Counters never all exist at once.
    Entries keep the order of the units and, inside a unit, of its features;
    ids are given in order of first appearance (source side first). A unit holds
    a feature once (its bag is a mapping): (feature, unit) pairs are unique.
    """

    def __init__(self, source: Iterable[Mapping[str, float]], target: Iterable[Mapping[str, float]],
                 names: dict[str, int] | None = None):
        self.names: dict[str, int] = {} if names is None else names
        self.src, self.n = self._fill(source)
        self.tgt, self.m = self._fill(target)

    def _fill(self, vecs: Iterable[Mapping[str, float]]) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], int]:
        """The triples of one side's units, interning new names; and the number of units.
        Each unit's features are listed as they come, then numbered at once: a new name
        gets the next id in order of first appearance."""
        names = self.names
        keys: list[str] = []
        count = array("d")
        sizes = array("q")
        for vec in vecs:
            keys.extend(vec)
            count.extend(vec.values())
            sizes.append(len(vec))
        for key in dict.fromkeys(keys):  # the distinct names, in order of first appearance
            if key not in names:
                names[key] = len(names)
        n = len(sizes)
        unit = np.repeat(np.arange(n, dtype=np.int64), np.frombuffer(sizes, dtype=np.int64)) if n else np.zeros(0, np.int64)
        feat = np.fromiter(map(names.__getitem__, keys), dtype=np.int64, count=len(keys))
        return (unit, feat, np.frombuffer(count, dtype=np.float64) if count else np.zeros(0, np.float64)), n

    def with_lexicon(self, lexicon: "_Lexicon", source_words: Iterable[set[str]], target_words: Iterable[set[str]]
                     ) -> "_Bags":
        """These bags with the lexicon's features (as :func:`source_lexicon_features` and
        :func:`target_lexicon_features` give them) after each unit's own, made by array
        operations over thousands of units at a time: each translation of a source unit's
        words at its best probability, each target word some source word translates to at
        1. The units' word sets are read once, in order (one at a time, if given by a
        generator); new names get the next ids, in order of first appearance."""
        words, translations, probs = lexicon.words, lexicon.translations, lexicon.probs
        # The lexicon by rows: each source word's translations are a run of the arrays.
        first = np.flatnonzero(np.r_[True, words[1:] != words[:-1]]) if len(words) else np.zeros(0, np.int64)
        row_len = np.diff(np.r_[first, len(words)])
        row_of = dict(zip(map(lexicon.svocab.__getitem__, words[first].tolist()), range(len(first))))
        produced = np.flatnonzero(np.bincount(translations, minlength=len(lexicon.tvocab)))  # sorted, once each
        tid = dict(zip(map(lexicon.tvocab.__getitem__, produced.tolist()), produced.tolist()))
        # Each source unit's known words, then every (unit, translation, probability)
        # they give, reduced to the best of each (unit, translation): a few thousand
        # units at a time, so that memory stays flat on long documents.
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        rows = array("q")
        known = array("q")
        first_unit = 0
        for unit_words in chain(source_words, [None]):
            if unit_words is not None:
                found = row_of.keys() & unit_words
                rows.extend(map(row_of.__getitem__, found))
                known.append(len(found))
            if len(known) == _UNITS_AT_ONCE or (unit_words is None and known):
                parts.append(_best_translations(first, row_len, translations, probs, rows, known, first_unit,
                                                len(lexicon.tvocab)))
                first_unit += len(known)
                rows, known = array("q"), array("q")
        none = np.zeros(0, np.int64)
        src = tuple(np.concatenate(a) for a in zip(*parts)) if parts else (none, none, np.zeros(0, np.float64))
        # The target units' words that some source word translates to, each unit's in
        # the order of their ids (not of the set's hashes: the sums over a unit's
        # features come out the same whatever the hash seed).
        t_units = array("q")
        t_words = array("q")
        for k, unit_words in enumerate(target_words):
            found = sorted(map(tid.__getitem__, tid.keys() & unit_words))
            t_words.extend(found)
            t_units.extend([k] * len(found))
        tu = np.frombuffer(t_units, dtype=np.int64) if t_units else np.zeros(0, np.int64)
        tw = np.frombuffer(t_words, dtype=np.int64) if t_words else np.zeros(0, np.int64)
        # New names ("w:" and the word) get the next ids, in order of first appearance.
        out = _Bags((), (), names=dict(self.names))
        names = out.names
        feature_of = np.zeros(len(lexicon.tvocab), dtype=np.int64)
        seen, at = np.unique(np.concatenate([src[1], tw]), return_index=True)
        for t in seen[np.argsort(at)].tolist():  # each translation once, in order of first appearance
            feature_of[t] = names.setdefault("w:" + lexicon.tvocab[t], len(names))
        out.n, out.m = self.n, self.m
        out.src = _merged(self.src, (src[0], feature_of[src[1]], src[2]), self.n)
        out.tgt = _merged(self.tgt, (tu, feature_of[tw], np.ones(len(tu), dtype=np.float64)), self.m)
        return out


_UNITS_AT_ONCE = 4096  # source units whose lexicon features are made together (see with_lexicon)


def _best_translations(first: np.ndarray, row_len: np.ndarray, translations: np.ndarray, probs: np.ndarray,
                       rows: array, known: array, first_unit: int, targets: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(unit, translation id, probability) of some units, sorted by unit and translation:
    each translation of a unit's known words (``rows``: the lexicon's rows of its words,
    ``known``: how many each unit has), at its best probability (``targets``: how many
    translation ids there are)."""
    rows_np = np.frombuffer(rows, dtype=np.int64) if rows else np.zeros(0, np.int64)
    unit_of_row = np.repeat(np.arange(first_unit, first_unit + len(known), dtype=np.int64),
                            np.frombuffer(known, dtype=np.int64))
    per = row_len[rows_np]
    units = np.repeat(unit_of_row, per)
    at = np.repeat(first[rows_np], per) + (np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per))
    t_np, p_np = translations[at], probs[at]
    keep = p_np > 0.0
    if not keep.any():
        return units[keep], t_np[keep], p_np[keep]
    # The best probability of each (unit, translation): its group's maximum once sorted
    # by one key (unit, then translation).
    key = units[keep] * targets + t_np[keep]
    order = key.argsort()
    key, p_np = key[order], p_np[keep][order]
    group = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    units, t_np = np.divmod(key[group], targets)
    return units, t_np, np.maximum.reduceat(p_np, group)


def _merged(old, extra, n: int):
    """Two sets of triples sorted by unit, merged with each unit's extra entries after its old ones."""
    u0, f0, c0 = old
    u1, f1, c1 = extra
    old_end = np.cumsum(np.bincount(u0, minlength=n))  # old entries of units <= u
    per_unit = np.bincount(u1, minlength=n + 1)
    extra_before = np.cumsum(per_unit) - per_unit  # extra entries of units < u
    total = len(u0) + len(u1)
    pos_old = np.arange(len(u0)) + extra_before[u0]
    pos_extra = old_end[u1] + np.arange(len(u1)) if len(u1) else np.zeros(0, np.int64)
    out = []
    for a, b, dtype in ((u0, u1, np.int64), (f0, f1, np.int64), (c0, c1, np.float64)):
        merged = np.empty(total, dtype=dtype)
        merged[pos_old] = a
        merged[pos_extra] = b
        out.append(merged)
    return tuple(out)


def _bags(scorer, source, target, lexicon, source_hints, target_hints) -> _Bags:
    """The scorer's feature bags of both sides, as arrays."""
    if not isinstance(scorer, FeatureScorer):  # any object with ``vectors`` will do
        return _Bags(*scorer.vectors(source, target, lexicon, source_hints, target_hints))
    return _Bags(scorer.unit_vectors(source, source_hints, lexicon, source=True),
                 scorer.unit_vectors(target, target_hints, lexicon, source=False))


def _log_erfc(x: np.ndarray) -> np.ndarray:
    """log(erfc(x)) for x >= 0 without underflow (Numerical Recipes' erfcc, in log form)."""
    t = 1.0 / (1.0 + 0.5 * x)
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))))
    return np.log(t) - x * x + poly


def length_cost(ls: np.ndarray, lt: np.ndarray, ratio: float, variance: float) -> np.ndarray:
    """Gale-Church: -log P(|delta|) with delta = (lt - ls*c) / sqrt(s2 * mean length)."""
    mean = (ls + lt / ratio) / 2.0
    delta = (lt - ls * ratio) / np.sqrt(variance * np.maximum(mean, 1.0))
    # -log(2 * (1 - Phi(|delta|))) = -log(erfc(|delta| / sqrt 2))
    return -_log_erfc(np.abs(delta) / math.sqrt(2.0))


class _Vectors:
    """Sparse tf-idf vectors of both sides with ids, norms and adjacent dot products.

    Built in a handful of array operations: document frequencies, idf, norms and
    the dot products of neighbouring units are bincounts and sorted-key joins over
    the (unit, feature, weight) triples of the bags.
    """

    def __init__(self, bags: _Bags):
        su, sf, sc = bags.src
        tu, tf, tc = bags.tgt
        n, m = bags.n, bags.m
        nf = len(bags.names)
        src_df = np.bincount(sf, minlength=nf)
        tgt_df = np.bincount(tf, minlength=nf)
        total = n + m
        limit = max(40, total // 8)
        # Features too common to tell units apart count nowhere, norms included
        # (features on one side only do count in the norms: content with no counterpart).
        common = (src_df > limit) | (tgt_df > limit)
        idf = np.where(common, 0.0, np.log1p(total / np.maximum(src_df + tgt_df, 1)))
        sw, tw = np.sqrt(sc) * idf[sf], np.sqrt(tc) * idf[tf]
        self.src_norm2 = np.bincount(su, weights=sw * sw, minlength=n).astype(np.float64)
        self.tgt_norm2 = np.bincount(tu, weights=tw * tw, minlength=m).astype(np.float64)
        self.src_adj = _adjacent(su, sf, sw, n, nf)
        self.tgt_adj = _adjacent(tu, tf, tw, m, nf)
        # Only features found on both sides can ever match: the dot products use those.
        shared = (src_df > 0) & (tgt_df > 0) & ~common
        ids = np.cumsum(shared) - 1
        ks, kt = shared[sf], shared[tf]
        self.src = (su[ks], ids[sf[ks]], sw[ks])
        # The target side sorted by (feature, unit), as _band_dots looks it up.
        tu, tf, tw = tu[kt], ids[tf[kt]], tw[kt]
        order = (tf * (m + 1) + tu).argsort()  # the keys are unique: any sort gives this order
        self.tgt = (tu[order], tf[order], tw[order])
        self.dense = None  # (source, target) scaled embeddings, with a meaning model
        self.feature_norms = None  # with them: the norms and neighbour dots of the features alone

    def add_meaning(self, src: np.ndarray, tgt: np.ndarray, weight: float) -> None:
        """Add sentence embeddings (unit vectors) as a dense part of every unit's vector,
        scaled by ``weight`` times the unit's own feature norm (1 for a unit with no
        features), so that a 1-1 bead's cosine is the features' and the embeddings'
        blended as (f + w^2 c) / (1 + w^2) whatever the number of features."""
        def scaled(emb: np.ndarray, norm2: np.ndarray) -> np.ndarray:
            scale = weight * np.sqrt(np.where(norm2 > 0, norm2, 1.0))
            return emb.astype(np.float64) * scale[:, None]

        es, et = scaled(src, self.src_norm2), scaled(tgt, self.tgt_norm2)
        # The features' own norms, kept for the links' scores (see align).
        self.feature_norms = (self.src_norm2.copy(), self.src_adj.copy(), self.tgt_norm2.copy(), self.tgt_adj.copy())
        for e, norm2, adj in ((es, self.src_norm2, self.src_adj), (et, self.tgt_norm2, self.tgt_adj)):
            norm2 += np.einsum("ij,ij->i", e, e)
            for gap in (1, 2):
                if len(e) > gap:
                    adj[gap, : len(e) - gap] += np.einsum("ij,ij->i", e[:-gap], e[gap:])
        self.dense = (es, et)


def _adjacent(unit: np.ndarray, feat: np.ndarray, weight: np.ndarray, n: int, features: int) -> np.ndarray:
    """dot(v[k], v[k+1]) and dot(v[k], v[k+2]) (rows 1 and 2), by a join on (feature, unit).
    (``features``: how many feature ids there are.)"""
    out = np.zeros((3, max(n, 1)))
    if len(unit) == 0:
        return out
    if compiled():  # the same sums in the same order, in C
        _dpcore.adjacent(_int64(unit), _int64(feat), _float64(weight), n, features, out)
        return out
    key = feat * (n + 3) + unit
    order = key.argsort()  # a bag holds a feature once per unit: the keys are unique, any sort will do
    key, w, u = key[order], weight[order], unit[order]
    for gap in (1, 2):
        pos = np.minimum(np.searchsorted(key, key + gap), len(key) - 1)
        hit = key[pos] == key + gap
        out[gap] += np.bincount(u[hit], weights=w[hit] * w[pos[hit]], minlength=out.shape[1])[: out.shape[1]]
    return out


def _int64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.int64)


def _float64(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _band_dots(vec: _Vectors, n: int, m: int, lo: np.ndarray, width: int, budget: int = 1 << 17) -> np.ndarray:
    """dot(src[i], tgt[j]) for every DP cell (i+1, j+1) in the band, as an (n+1, width) array.

    Each source (unit, feature) entry meets the target entries of the same feature
    that fall in its row's band; those meetings are made ``budget`` at a time so
    memory stays flat however common a feature is.
    """
    out = np.zeros((n + 1) * width, dtype=np.float64)
    if vec.dense is not None:
        _dense_dots(out.reshape(n + 1, width), vec.dense, n, m, lo, width)
    su, sf, sw = vec.src
    tu, tf, tw = vec.tgt  # sorted by (feature, unit)
    if len(su) == 0 or len(tu) == 0:
        return out.reshape(n + 1, width)
    if compiled():  # the same sums in the same order, in C
        _dpcore.band_dots(_int64(su), _int64(sf), _float64(sw), _int64(tu), _int64(tf), _float64(tw),
                          _int64(lo), n, m, width, budget, out)
        return out.reshape(n + 1, width)
    key = tf * (m + 1) + tu
    # Row i+1 covers DP columns [lo, lo+width) -> target units [lo-1, lo+width-1).
    first_col = lo[su + 1]
    left = np.searchsorted(key, sf * (m + 1) + np.maximum(first_col - 1, 0), side="left")
    counts = np.searchsorted(key, sf * (m + 1) + first_col + (width - 1), side="left")
    del first_col
    counts -= left
    ends = np.cumsum(counts)
    start = 0
    while start < len(su):
        # the next run of source entries whose meetings fit in the budget (at least one entry)
        stop = max(start + 1, int(np.searchsorted(ends, (ends[start - 1] if start else 0) + budget, side="right")))
        c = counts[start:stop]
        total = int(c.sum())
        if total:
            rep = np.repeat(np.arange(start, stop), c)
            offsets = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
            tidx = np.repeat(left[start:stop], c) + offsets
            rows = su[rep] + 1
            cols = tu[tidx] + 1 - lo[rows]
            # source entries come in unit order: this run touches rows [first, last] only
            first, last = int(su[start]) + 1, int(su[stop - 1]) + 1
            span = (last - first + 1) * width
            out[first * width : first * width + span] += np.bincount(
                (rows - first) * width + cols, weights=sw[rep] * tw[tidx], minlength=span)
        start = stop
    return out.reshape(n + 1, width)


def _dense_dots(out: np.ndarray, dense, n: int, m: int, lo: np.ndarray, width: int, rows_at_once: int = 64) -> None:
    """Add the embeddings' dot products to the band: cell (i+1, lo[i+1]+k) meets target
    unit lo[i+1]+k-1; a few rows at a time, so memory stays flat."""
    es, et = dense
    padded = np.vstack([et, np.zeros((width + 1, et.shape[1]))])  # columns past the end meet zeros
    for start in range(0, n, rows_at_once):
        rows = np.arange(start, min(n, start + rows_at_once))
        cols = lo[rows + 1][:, None] + np.arange(width)[None, :] - 1
        valid = (cols >= 0) & (cols < m)
        block = np.einsum("rd,rkd->rk", es[rows], padded[np.where(valid, cols, m)])
        out[rows + 1] += np.where(valid, block, 0.0)


def _anchor_path(bags: _Bags, n: int, m: int) -> np.ndarray:
    """For each DP row, the column the band is centred on: a path through sure anchors.

    Anchors are pairs of units sharing a feature found exactly once on each side
    (a number, a name, a URL...); the longest monotonic chain of them is kept and
    the path interpolates linearly between them.
    """
    nf = len(bags.names)
    # Cognates and punctuation are too loose to anchor on.
    eligible = np.fromiter((not (k.startswith("c:") or k.startswith("p:")) for k in bags.names), dtype=bool, count=nf)
    su, sf, _ = bags.src
    tu, tf, _ = bags.tgt
    once = (np.bincount(sf, minlength=nf) == 1) & (np.bincount(tf, minlength=nf) == 1) & eligible
    where_s = np.zeros(nf, dtype=np.int64)
    where_t = np.zeros(nf, dtype=np.int64)
    ks, kt = once[sf], once[tf]
    where_s[sf[ks]] = su[ks]
    where_t[tf[kt]] = tu[kt]
    feats = np.flatnonzero(once)
    keys = np.unique(where_s[feats] * (m + 1) + where_t[feats])
    pts = list(zip(*(x.tolist() for x in np.divmod(keys, m + 1)))) if len(keys) else []
    # Longest chain increasing in both coordinates (patience sorting on j).
    chain = _lis(pts)
    xs = [0] + [p[0] + 1 for p in chain] + [n]
    ys = [0] + [p[1] + 1 for p in chain] + [m]
    return np.interp(np.arange(n + 1), xs, ys)


def _lis(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    import bisect

    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(points)
    for k, (_, j) in enumerate(points):
        pos = bisect.bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tails_idx.append(k)
        else:
            tails[pos] = j
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos else -1
    out = []
    k = tails_idx[-1] if tails_idx else -1
    while k >= 0:
        out.append(points[k])
        k = prev[k]
    out.reverse()
    # Strictly increasing in i too (points sorted by i, j ties removed by bisect_left).
    res = []
    for p in out:
        if not res or (p[0] > res[-1][0] and p[1] > res[-1][1]):
            res.append(p)
    return res


def _shifted(M: np.ndarray, lo: np.ndarray, rows: np.ndarray, da: int, db: int, fill: float) -> np.ndarray:
    """For DP rows ``rows`` and band columns k: ``M[i - da]`` at DP column ``lo[i] + k - db``."""
    width = M.shape[1]
    out = np.full((len(rows), width), fill)
    ok_rows = rows - da >= 0
    r = rows[ok_rows]
    if len(r) == 0:
        return out
    idx = np.arange(width)[None, :] + (lo[r] - lo[r - da] - db)[:, None]
    ok = (idx >= 0) & (idx < width)
    vals = np.take_along_axis(M[r - da], np.clip(idx, 0, width - 1), axis=1)
    out[ok_rows] = np.where(ok, vals, fill)
    return out


def _summed_norm2(norm2: np.ndarray, adj: np.ndarray, start: np.ndarray, count: int) -> np.ndarray:
    """|v[start] + ... + v[start+count-1]|^2 from the norms and the dots of neighbours 1 and 2
    apart (exact up to 3 units; dots of units 3 or more apart are left out)."""
    if len(norm2) == 0:
        return np.zeros(start.shape)
    last = len(norm2) - 1
    at = lambda k: np.clip(start + k, 0, last)  # noqa: E731
    out = sum(norm2[at(k)] for k in range(count))
    if count >= 2:
        out = out + 2 * adj[1, at(0)]
    if count >= 3:
        out = out + 2 * (sum(adj[1, at(k)] for k in range(1, count - 1)) + sum(adj[2, at(k)] for k in range(count - 2)))
    return out


def _cosine(dot: np.ndarray, norm2_product: np.ndarray, empty: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm2_product > 0, dot / np.sqrt(np.where(norm2_product > 0, norm2_product, 1.0)), empty)


def _bead_costs(
    rows: np.ndarray, D: np.ndarray, lo: np.ndarray, m: int, cs_ls, cs_lt, vec: "_Vectors", params: Params, ratio: float
) -> tuple[np.ndarray, np.ndarray]:
    """Cost and similarity of every matched bead type ending at each cell of ``rows`` (vectorized)."""
    width = D.shape[1]
    J = lo[rows][:, None] + np.arange(width)[None, :]  # DP column of each cell
    ns, nt, sadj, tadj = vec.src_norm2, vec.tgt_norm2, vec.src_adj, vec.tgt_adj
    extra = {1: 0.0, 2: params.merge_cost, 3: params.merge3_cost, 4: params.merge2_cost}
    beads = params.beads
    costs = np.full((len(beads), len(rows), width), INF)
    sims = np.zeros((len(beads), len(rows), width), dtype=np.float32)
    for bk, (a, b) in enumerate(beads):
        if a == 0 or b == 0:
            continue
        I = rows[:, None]
        parts = {(da, db): _shifted(D, lo, rows, da, db, 0.0) for da in range(a) for db in range(b)}
        dot = sum(parts.values())
        s_n2 = _summed_norm2(ns, sadj, rows - a, a)
        jj = np.clip(J - b, 0, m)
        t_n2 = _summed_norm2(nt, tadj, jj, b)
        sim = np.clip(_cosine(dot, s_n2[:, None] * t_n2, params.empty_sim), 0.0, 1.0)
        orphan = 0.0
        if a + b > 2 and params.orphan_cost:
            weakest = np.ones(J.shape)
            # Each member of a side with several units, against the whole other side.
            for da in range(a) if a > 1 else ():
                own = np.broadcast_to(ns[np.clip(rows - 1 - da, 0, max(len(ns) - 1, 0))][:, None], J.shape) if len(ns) else np.zeros(J.shape)
                weakest = np.minimum(weakest, _cosine(sum(parts[da, db] for db in range(b)), own * t_n2, params.empty_sim))
            for db in range(b) if b > 1 else ():
                own = nt[np.clip(J - 1 - db, 0, max(len(nt) - 1, 0))] if len(nt) else np.zeros(J.shape)
                weakest = np.minimum(weakest, _cosine(sum(parts[da, db] for da in range(a)), own * s_n2[:, None], params.empty_sim))
            orphan = params.orphan_cost * np.clip(1.0 - weakest / params.orphan_sim, 0.0, 1.0)
        lsrc = (cs_ls[rows] - cs_ls[np.clip(rows - a, 0, None)])[:, None]
        ltgt = cs_lt[np.clip(J, 0, m)] - cs_lt[jj]
        cost = (
            params.length_weight * length_cost(np.broadcast_to(lsrc, J.shape), ltgt, ratio, params.variance)
            + params.sim_weight * (1.0 - sim) * (a + b) / 2.0
            + extra[a * b if a == b == 2 else max(a, b)]
            + orphan
        )
        invalid = (I < a) | (J - b < 0) | (J > m)
        cost[invalid] = INF
        costs[bk] = cost
        sims[bk] = sim
    return costs, sims


def _dp(
    n: int,
    m: int,
    ls: np.ndarray,
    lt: np.ndarray,
    vec: _Vectors,
    lo: np.ndarray,
    width: int,
    params: Params,
    ratio: float,
) -> tuple[list[tuple[int, int, int, float]], bool]:
    """Banded DP. Returns beads (i_end, j_end, kind index, sim) and whether the path touched the band edge."""
    D = _band_dots(vec, n, m, lo, width)
    cs_ls = np.concatenate([[0.0], np.cumsum(ls)])
    cs_lt = np.concatenate([[0.0], np.cumsum(lt)])
    beads = params.beads
    B = np.full((n + 1, width), -1, dtype=np.int8)
    S = np.zeros((n + 1, width), dtype=np.float32)
    if compiled():
        _dpcore.dp(n, m, width, _int64(lo), D, cs_ls, cs_lt, _float64(vec.src_norm2), _float64(vec.tgt_norm2),
                   _float64(vec.src_adj), _float64(vec.tgt_adj), beads,
                   (params.length_weight, params.sim_weight, params.skip_cost, params.merge_cost, params.merge2_cost,
                    params.merge3_cost, params.empty_sim, params.orphan_cost, params.orphan_sim, params.variance, ratio),
                   B, S)
    else:
        _dp_rows(n, m, cs_ls, cs_lt, vec, D, lo, width, params, ratio, B, S)
    return _backtrack(n, m, lo, width, beads, B, S)


def _dp_rows(n, m, cs_ls, cs_lt, vec, D, lo, width, params: Params, ratio: float, B, S) -> None:
    """The DP rows in NumPy (the fallback of the compiled ``_dpcore.dp``): fills B and S."""
    beads = params.beads
    # Rolling buffer of the last 4 DP rows, padded with INF on both sides by `width`.
    ring = np.full((4, 3 * width), INF)
    band = np.arange(width)
    steps = band * params.skip_cost
    lo_list = lo.tolist()
    k01 = beads.index((0, 1))
    cand = np.full((len(beads), width), INF)
    chunk = max(1, 200_000 // max(width, 1))
    costs = sims = None
    c0 = 0
    for i in range(n + 1):
        if i % chunk == 0:
            c0 = i
            costs, sims = _bead_costs(np.arange(i, min(n + 1, i + chunk)), D, lo, m, cs_ls, cs_lt, vec, params, ratio)
        cols = lo_list[i] + band
        outside = cols > m
        # Every bead type's total cost at once; the cheapest wins (first on ties).
        cand.fill(INF)
        if i == 0:
            cand[k01][cols == 0] = 0.0  # the start (0-1 is never a candidate in this loop)
        for bk, (a, b) in enumerate(beads):
            if a == 0 or a > i:
                continue
            shift = min(width, max(-width, lo_list[i] - lo_list[i - a] - b))
            prev = ring[(i - a) % 4, width + shift : 2 * width + shift]
            np.add(prev, params.skip_cost if b == 0 else costs[bk, i - c0], out=cand[bk])
        kind = cand.argmin(axis=0).astype(np.int8)
        X = cand[kind, band]
        kind[~np.isfinite(X)] = -1
        sim_row = np.where(kind >= 0, sims[np.maximum(kind, 0), i - c0, band], 0.0).astype(np.float32)
        if i == 0:
            kind[cols == 0] = -1
        X[outside] = INF
        # 0-1 beads inside the row: C[j] = min(X[j], C[j-1] + skip) as a prefix minimum.
        run = np.minimum.accumulate(X - steps) + steps
        # (X - steps) + steps can round below X: only a real gain makes a 0-1 bead.
        with np.errstate(invalid="ignore"):  # INF - INF: no gain
            from01 = (X - run) > 1e-9 * (1.0 + np.abs(run))
        row = np.where(from01, run, X)
        row[outside] = INF
        ring[i % 4, width : 2 * width] = row
        kind[from01] = k01
        sim_row[from01] = 0.0
        B[i] = kind
        S[i] = sim_row


def _backtrack(n, m, lo, width, beads, B, S) -> tuple[list[tuple[int, int, int, float]], bool]:
    out = []
    i, j = n, m
    touched = False
    while i > 0 or j > 0:  # every bead takes at least one unit, so this ends
        c = j - lo[i]
        if not 0 <= c < width or B[i, c] < 0:
            raise RuntimeError("alignment band lost the path")
        if (c == 0 and lo[i] > 0) or (c == width - 1 and lo[i] + width - 1 < m):
            touched = True
        bk = int(B[i, c])
        a, b = beads[bk]
        out.append((i, j, bk, float(S[i, c])))
        i, j = i - a, j - b
    out.reverse()
    return out, touched


def _run(ls, lt, bags: _Bags, params: Params, ratio: float, last: bool = False,
         meaning: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[list[tuple[int, int, int, float]], "_Vectors"]:
    """One alignment pass: its beads, and the vectors it scored. ``last``: the bags are
    not needed after it, and their arrays are let go before the DP (a third of the
    peak memory on long pairs). ``meaning``: the units' sentence embeddings."""
    n, m = len(ls), len(lt)
    vec = _Vectors(bags)
    if meaning is not None:
        vec.add_meaning(*meaning, params.meaning_weight)
    full = (n + 1) * (m + 1) <= params.full_limit
    centre = None if full else _anchor_path(bags, n, m)
    if last:
        bags.src = bags.tgt = None
    if full:
        lo = np.zeros(n + 1, dtype=np.int64)
        return _dp(n, m, ls, lt, vec, lo, m + 1, params, ratio)[0], vec
    half = params.band
    while True:
        width = min(m + 1, 2 * half + 1)
        lo = np.clip(np.round(centre).astype(np.int64) - half, 0, max(m + 1 - width, 0))
        lo = np.maximum.accumulate(lo)
        beads, touched = _dp(n, m, ls, lt, vec, lo, width, params, ratio)
        if not touched or width >= m + 1:
            return beads, vec
        half *= 2


def _lengths(texts: Sequence[str]) -> np.ndarray:
    """Each unit's length, its white space collapsed (runs are one space, ends trimmed)."""
    if (core := native()) is not None:
        return np.array(core.collapsed_lengths(texts), dtype=np.float64)
    return np.array([len(" ".join(t.split())) for t in texts], dtype=np.float64)


@dataclass
class _Lexicon:
    """A learned lexicon as arrays: (source word id, target word id, Dice) for each
    source word's best translations, sorted by source word, then falling Dice, then
    target word; ids index ``svocab`` and ``tvocab`` (both sorted)."""

    svocab: list[str]
    tvocab: list[str]
    words: np.ndarray
    translations: np.ndarray
    probs: np.ndarray

    def __len__(self) -> int:
        return len(self.words)

    def as_dict(self) -> dict[str, dict[str, float]]:
        lex: dict[str, dict[str, float]] = defaultdict(dict)
        sv, tv = self.svocab, self.tvocab
        for w, t, d in zip(self.words.tolist(), self.translations.tolist(), self.probs.tolist()):
            lex[sv[w]][tv[t]] = d
        return dict(lex)


def learn_lexicon(
    source: Sequence[str], target: Sequence[str], pairs: Sequence[tuple[int, int]], *, min_count: int = 2, min_dice: float = 0.25,
    word_sets: tuple[dict[int, set[str]], dict[int, set[str]]] | None = None,
) -> dict[str, dict[str, float]]:
    """A bilingual lexicon from linked units: word pairs with a high Dice coefficient,
    each source word's three best translations (source word -> {target word: Dice}).

    At most 3,000 links (evenly spread) are read: enough to learn from, and it
    keeps the cost flat on very long documents. ``word_sets``, if given, are two
    dicts (unit index -> :func:`word_set`) of each side, used and filled: the caller
    keeps the words of the units read here.
    """
    return _learn(source, target, pairs, min_count=min_count, min_dice=min_dice, word_sets=word_sets).as_dict()


def _learn(
    source: Sequence[str], target: Sequence[str], pairs: Sequence[tuple[int, int]], *, min_count: int = 2, min_dice: float = 0.25,
    word_sets: tuple[dict[int, set[str]], dict[int, set[str]]] | None = None,
) -> _Lexicon:
    """:func:`learn_lexicon` as arrays (what the alignment reads)."""
    if len(pairs) > 3000:
        step = len(pairs) / 3000
        pairs = [pairs[int(k * step)] for k in range(3000)]
    sw, tw = word_sets if word_sets is not None else ({}, {})
    # Word ids in sorted order, so that ties below never depend on the hash seed.
    src_sets = [sw[i] if i in sw else sw.setdefault(i, word_set(source[i])) for i, _ in pairs]
    tgt_sets = [tw[j] if j in tw else tw.setdefault(j, word_set(target[j])) for _, j in pairs]
    svocab = sorted(set().union(*src_sets)) if src_sets else []
    tvocab = sorted(set().union(*tgt_sets)) if tgt_sets else []
    none = np.zeros(0, np.int64)
    sid = {w: k for k, w in enumerate(svocab)}
    tid = {w: k for k, w in enumerate(tvocab)}
    # Co-occurrence counts of every (source word, target word) in the same link, as
    # one batch: the cartesian product of each link's word ids, then np.unique.
    a_all = np.fromiter(map(sid.__getitem__, chain.from_iterable(src_sets)), np.int64)
    b_all = np.fromiter(map(tid.__getitem__, chain.from_iterable(tgt_sets)), np.int64)
    a_len = np.fromiter(map(len, src_sets), np.int64, len(src_sets))
    b_len = np.fromiter(map(len, tgt_sets), np.int64, len(tgt_sets))
    cs = np.bincount(a_all, minlength=len(svocab))
    ct = np.bincount(b_all, minlength=len(tvocab))
    # Each link's (source word, target word) pairs, in the order of a cartesian product:
    # every source word of the link repeated once per target word, against the link's
    # target words in turn.
    per_a = np.repeat(b_len, a_len)  # for each source word: its link's number of target words
    pairs_a = np.repeat(a_all, per_a)
    if not len(pairs_a):
        return _Lexicon(svocab, tvocab, none, none, np.zeros(0, np.float64))
    b_start = np.cumsum(b_len) - b_len  # where each link's target words start
    starts = np.repeat(np.repeat(b_start, a_len), per_a)
    offsets = np.arange(len(pairs_a)) - np.repeat(np.cumsum(per_a) - per_a, per_a)
    keys = pairs_a * len(tvocab) + b_all[starts + offsets]
    uniq, count = np.unique(keys, return_counts=True)
    keep = count >= min_count
    uniq, count = uniq[keep], count[keep]
    w_idx, t_idx = np.divmod(uniq, len(tvocab))
    dice = 2.0 * count / (cs[w_idx] + ct[t_idx])
    good = dice >= min_dice
    w_idx, t_idx, dice = w_idx[good], t_idx[good], dice[good]
    # Each source word's three best translations: by Dice, then by the word (ids
    # are in sorted order), as one sort of all the pairs (a stable one: the pairs come
    # sorted by source word and word, so ties of Dice stay in word order).
    order = np.lexsort((-dice, w_idx))
    w_idx, t_idx, dice = w_idx[order], t_idx[order], dice[order]
    first = np.r_[True, w_idx[1:] != w_idx[:-1]] if len(w_idx) else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(w_idx)), 0)) if len(w_idx) else first
    top = np.arange(len(w_idx)) - group_start < 3
    return _Lexicon(svocab, tvocab, w_idx[top], t_idx[top], dice[top])


def align(
    source: Sequence[str],
    target: Sequence[str],
    *,
    scorer: FeatureScorer | None = None,
    params: Params | None = None,
    level: str = "blocks",
    source_hints: Sequence[Sequence[str]] | None = None,
    target_hints: Sequence[Sequence[str]] | None = None,
    lexicon: Mapping[str, Mapping[str, float]] | None = None,
    meaning=None,
) -> Alignment:
    """Align two sequences of unit texts; every unit is in exactly one link, links are monotonic.

    ``params`` defaults to :func:`params_for` ``(level)``. ``meaning``, a
    :class:`aomi18n.semantic.Backend`, adds the cosine of the units' sentence embeddings
    to the features' (weighted by ``params.meaning_weight``).
    """
    scorer = scorer or FeatureScorer()
    params = params or params_for(level)
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        links = [Link((i,), (), 0.0) for i in range(n)] + [Link((), (j,), 0.0) for j in range(m)]
        return Alignment(tuple(links), n, m)
    ls, lt = _lengths(source), _lengths(target)
    ratio = max(float(lt.sum()), 1.0) / max(float(ls.sum()), 1.0)
    bags = _bags(scorer, source, target, lexicon, source_hints, target_hints)
    everywhere = meaning is not None and not params.meaning_where_unsure
    emb = (meaning.encode(list(source)), meaning.encode(list(target))) if everywhere else None
    beads, vec = _run(ls, lt, bags, params, ratio, meaning=emb)
    if meaning is not None and not everywhere:
        emb = _unsure_embeddings(meaning, source, target, beads, params)
    if params.realign:
        vec = None  # let go while the lexicon is learned (peak memory); rebuilt if needed
        confident = [(i - 1, j - 1) for i, j, bk, _ in beads if params.beads[bk] == (1, 1)]
        learn = lexicon is None and len(confident) >= params.lexicon_min_links
        # The words of the units the lexicon learns from (at most 3,000 links: memory
        # stays flat), read once for learning and for the lexicon's features.
        words: tuple[dict[int, set[str]], dict[int, set[str]]] = ({}, {})
        lex = learn and _learn(source, target, confident, min_count=params.lexicon_min_count,
                               min_dice=params.lexicon_min_dice, word_sets=words)
        # The length ratio of the whole documents is skewed by untranslated or added
        # text; the ratio of the 1-1 links is the translation's own.
        sure = [(i, j) for i, j in confident if ls[i] + lt[j] >= 40]
        new_ratio = ratio
        if len(sure) >= 5:
            new_ratio = max(float(lt[[j for _, j in sure]].sum()), 1.0) / max(float(ls[[i for i, _ in sure]].sum()), 1.0)
        if lex:
            sw, tw = words
            bags = bags.with_lexicon(lex, (word_set(t) if (w := sw.pop(k, None)) is None else w for k, t in enumerate(source)),
                                     (word_set(t) if (w := tw.pop(k, None)) is None else w for k, t in enumerate(target)))
        if lex or abs(math.log(new_ratio / ratio)) > params.ratio_tolerance or (emb is not None and not everywhere):
            beads, vec = _run(ls, lt, bags, params, new_ratio, last=True, meaning=emb)
    if not params.attach and emb is None:
        vec = None  # not needed: let go before the links are built
    elif vec is None:
        vec = _Vectors(bags)
        if emb is not None:
            vec.add_meaning(*emb, params.meaning_weight)
    links = []
    for i, j, bk, sim in beads:
        a, b = params.beads[bk]
        links.append(Link(tuple(range(i - a, i)), tuple(range(j - b, j)), round(sim, 4)))
    if params.attach:
        links = _attach(links, vec)
    if level == "blocks" and source_hints is not None and target_hints is not None:
        links = _headings_apart(links, source_hints, target_hints)
    if emb is not None and vec is not None and vec.feature_norms is not None:
        # The meaning chose the links; each link's score stays its features' own, so that
        # a check's threshold on it means what it means without the model, and the
        # model's cosine is given beside it where both sides were encoded.
        # (A link none of whose units was encoded scored its features alone already.)
        cosine = _LinkCosine(vec, features_only=True)
        encoded = np.any(emb[0], axis=1), np.any(emb[1], axis=1)
        links = [Link(l.source, l.target, round(cosine(l.source, l.target), 4), _meaning(emb, l))
                 if l.source and l.target and (encoded[0][list(l.source)].any() or encoded[1][list(l.target)].any())
                 else l for l in links]
        if level == "blocks":
            links = _detach(links, cosine, emb)
    return Alignment(tuple(links), n, m)


def _detach(links: list[Link], cosine: _LinkCosine, emb: tuple[np.ndarray, np.ndarray]) -> list[Link]:
    """A paragraph at the end of a merged link (one paragraph on one side, several on the
    other) that the link does not need: without it, the link matches at least as well by
    its features and by its meaning both. It is text of its own (added, or left out of
    the translation), not part of the translation beside it: the meaning model finds
    related paragraphs of one document close, and would otherwise merge them."""
    out: list[Link] = []
    for link in links:
        many = link.source if len(link.source) > 1 else link.target
        if link.meaning is None or len(link.source) + len(link.target) < 3 or min(len(link.source), len(link.target)) != 1:
            out.append(link)
            continue
        split = None
        for drop in (many[0], many[-1]):
            rest = tuple(u for u in many if u != drop)
            source, target = (rest, link.target) if many is link.source else (link.source, rest)
            score, meaning = cosine(source, target), _meaning(emb, Link(source, target, 0.0))
            if score >= link.score and meaning is not None and meaning >= link.meaning:
                alone = Link((drop,), (), 0.0) if many is link.source else Link((), (drop,), 0.0)
                kept = Link(source, target, round(score, 4), meaning)
                split = [alone, kept] if drop == many[0] else [kept, alone]
                break
        out.extend(split or [link])
    return out


def _meaning(emb: tuple[np.ndarray, np.ndarray], link: Link) -> float | None:
    """The cosine of the summed embeddings of a link's sides; None where a unit of it was
    not encoded (a zero vector)."""
    a, b = emb[0][list(link.source)], emb[1][list(link.target)]
    if not (np.any(a, axis=1).all() and np.any(b, axis=1).all()):
        return None
    a, b = a.sum(axis=0), b.sum(axis=0)
    return round(float(a @ b / math.sqrt(float(a @ a) * float(b @ b))), 4)


def _unsure_embeddings(meaning, source, target, beads, params: Params):
    """Embeddings of the units where the first pass was unsure (zero vectors elsewhere:
    those units keep their features' similarity), or None when it was sure everywhere."""
    src, tgt = set(), set()
    for i, j, bk, sim in beads:
        a, b = params.beads[bk]
        if (a, b) == (1, 1) and sim >= params.meaning_sure:
            continue
        src.update(range(max(0, i - a - 1), min(len(source), i + 1)))
        tgt.update(range(max(0, j - b - 1), min(len(target), j + 1)))
    if not src and not tgt:
        return None
    out = []
    for texts, chosen in ((source, sorted(src)), (target, sorted(tgt))):
        vectors = meaning.encode([texts[k] for k in chosen])
        full = np.zeros((len(texts), vectors.shape[1] if len(vectors) else 512), dtype=np.float32)
        if chosen:
            full[chosen] = vectors
        out.append(full)
    return tuple(out)


def _headings_apart(links: list[Link], source_hints, target_hints) -> list[Link]:
    """A heading is translated by a heading, never merged with other blocks: a link that
    joins a heading to other blocks is split at it. A heading that leads (or ends) the
    link on both sides keeps its counterpart, and the blocks after (or before) it stay
    linked; a heading alone in leading (or ending) the link is a link of its own
    (untranslated or extra). Headings inside a run are left to the aligner."""
    def heading(hints, k):
        return bool(hints[k]) and hints[k][0] == "heading"

    def split(link: Link, at_end: bool) -> list[Link]:
        pick = (lambda units: units[-1:]) if at_end else (lambda units: units[:1])
        hs = [k for k in pick(link.source) if heading(source_hints, k)]
        ht = [k for k in pick(link.target) if heading(target_hints, k)]
        if not hs and not ht:
            return [link]
        rest_s = tuple(k for k in link.source if k not in hs)
        rest_t = tuple(k for k in link.target if k not in ht)
        if not (rest_s or rest_t):
            return [link]
        if hs and ht:
            head = [Link(tuple(hs), tuple(ht), link.score)]
        else:
            head = [Link(tuple(hs), tuple(ht), 0.0)]
        rest = [Link(rest_s, rest_t, link.score if rest_s and rest_t else 0.0)]
        return rest + head if at_end else head + rest

    out: list[Link] = []
    for link in links:
        if len(link.source) + len(link.target) <= 2:
            out.append(link)
            continue
        first = split(link, at_end=False)
        for part in first[:-1]:
            out.append(part)
        last = first[-1]
        out.extend(split(last, at_end=True) if len(last.source) + len(last.target) > 2 else [last])
    return out


# A link grows to at most this many units in all by attaching (on Text+Berg none grew
# larger; the bound keeps a long run of unlinked units from piling onto one link).
_ATTACH_MAX = 6


class _LinkCosine:
    """The cosine of any link's two sides (units summed on each side), from a pair's
    vectors; ``features_only``: without the meaning model's part."""

    def __init__(self, vec: _Vectors, features_only: bool = False):
        self.dense = None if features_only else vec.dense
        if features_only and vec.feature_norms is not None:
            self.norms = vec.feature_norms
        else:
            self.norms = (vec.src_norm2, vec.src_adj, vec.tgt_norm2, vec.tgt_adj)
        self.src = vec.src  # sorted by unit
        tu, tf, tw = vec.tgt  # sorted by (feature, unit)
        order = np.argsort(tu, kind="stable")
        self.tgt = (tu[order], tf[order], tw[order])

    @staticmethod
    def _side(arrays, members) -> dict[int, float]:
        units, ids, weights = arrays
        out: dict[int, float] = defaultdict(float)
        for k in members:
            a, b = np.searchsorted(units, [k, k + 1])
            for f, w in zip(ids[a:b].tolist(), weights[a:b].tolist()):
                out[f] += w
        return out

    def __call__(self, source: tuple[int, ...], target: tuple[int, ...]) -> float:
        a, b = self._side(self.src, source), self._side(self.tgt, target)
        dot = sum(w * b[f] for f, w in a.items() if f in b)
        if self.dense is not None:
            dot += float(self.dense[0][list(source)].sum(axis=0) @ self.dense[1][list(target)].sum(axis=0))
        src_norm2, src_adj, tgt_norm2, tgt_adj = self.norms
        norms = float(_summed_norm2(src_norm2, src_adj, np.array(source[0]), len(source))
                      * _summed_norm2(tgt_norm2, tgt_adj, np.array(target[0]), len(target)))
        return min(1.0, dot / math.sqrt(norms)) if dot > 0 and norms > 0 else 0.0


def _attach(links: list[Link], vec: _Vectors) -> list[Link]:
    """Unlinked units that share a feature with the other side of a neighbouring link, joined to it.

    The DP leaves a unit unlinked when linking it costs more than skipping it; for a
    short piece of a sentence split in two (OCR'd lines, a clause on its own) the
    merged bead's similarity can fall although the piece shares a name or a word
    with the link beside it. Such a piece belongs to that link: joined to the
    neighbour whose other side it shares the most with (cosine of the tf-idf
    vectors), the merged link scored by that cosine, up to ``_ATTACH_MAX`` units in
    a link. Units sharing nothing stay unlinked. Tuned on Text+Berg dev: strict F1 0.818 -> 0.837, lax
    0.961 -> 0.978.
    """
    if all(l.source and l.target for l in links):
        return links
    cosine = _LinkCosine(vec)
    out = list(links)
    k = 0
    while k < len(out):
        link = out[k]
        best, at = 0.0, -1
        for nk in (k - 1, k + 1) if not (link.source and link.target) else ():
            near = out[nk] if 0 <= nk < len(out) else None
            if near is not None and near.source and near.target and len(near.source) + len(near.target) < _ATTACH_MAX:
                c = cosine(link.source, near.target) if link.source else cosine(near.source, link.target)
                if c > best:
                    best, at = c, nk
        if at < 0:
            k += 1
            continue
        near = out[at]
        source, target = tuple(sorted(near.source + link.source)), tuple(sorted(near.target + link.target))
        out[at] = Link(source, target, round(cosine(source, target), 4))
        del out[k]
        k -= at < k
    return out
