"""Language-neutral features of a text unit, shared by pairing and alignment.

A unit (block, sentence or line) becomes a bag of features that mean the same on
both sides of a translation: numbers, URLs, e-mails, inline code, punctuation that
carries meaning (? ! : quotes, brackets), proper names and cognates (accent-folded
word prefixes, as Simard et al. 1992), acronyms mapped through the glossary, and —
once a lexicon is learned — the translations of source words.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from .text import CODE_SPAN, code_key, fold, may_hold_link, native

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_SPECIAL = re.compile(r"https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|" + CODE_SPAN)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_PUNCT = {"?": "p:?", "!": "p:!", ":": "p::", "(": "p:(", "«": "p:q", '"': "p:q", "“": "p:q", ";": "p:;"}
_PUNCT_CHARS = re.compile("[" + re.escape("".join(_PUNCT)) + "]")

PREFIX = 4
MIN_WORD = 4


class _Folded(dict):
    """word -> :func:`~aomi18n.text.fold` of it, found on first sight (bounded)."""

    MAX_WORDS = 200_000

    def __missing__(self, word: str) -> str:
        if len(self) >= self.MAX_WORDS:
            self.clear()
        folded = self[word] = fold(word)
        return folded


_FOLDED = _Folded()
fold_word = _FOLDED.__getitem__


def word_set(text: str) -> set[str]:
    """The distinct words of a unit, folded: what the lexicon learns from and maps."""
    if (core := native()) is not None:
        return core.words(text, _FOLDED)
    return set(map(_FOLDED.__getitem__, _WORD.findall(text)))


class WordFeatures(dict):
    """word -> its feature (None: it is none), found on first sight, for one prefix
    length and one acronym map: a unit's words become features in one pass of ``map``.
    Bounded: emptied when it reaches :data:`MAX_WORDS` words."""

    MAX_WORDS = 200_000

    def __init__(self, prefix: int = PREFIX, acronyms: Mapping[str, str] | None = None):
        super().__init__()
        self.prefix = prefix
        self.acronyms = dict(acronyms or {})

    def __missing__(self, word: str) -> str | None:
        if len(self) >= self.MAX_WORDS:
            self.clear()
        feature = ("a:" + self.acronyms[word]) if word in self.acronyms else _word_feature(word, self.prefix)
        self[word] = feature
        return feature


def word_features(prefix: int = PREFIX, acronyms: Mapping[str, str] | None = None) -> WordFeatures:
    """The :class:`WordFeatures` of ``prefix`` and ``acronyms``, one per process for each."""
    return _word_features(prefix, tuple(acronyms.items()) if acronyms else ())


@functools.lru_cache(maxsize=16)
def _word_features(prefix: int, acronyms: tuple[tuple[str, str], ...]) -> WordFeatures:
    return WordFeatures(prefix, dict(acronyms))


def neutral_features(
    text: str,
    *,
    prefix: int = PREFIX,
    acronyms: Mapping[str, str] | None = None,
    hints: Iterable[str] = (),
    table: WordFeatures | None = None,
) -> Counter:
    """The language-neutral features of ``text`` (a Counter of feature -> count).

    ``table``: :func:`word_features` of ``prefix`` and ``acronyms``, if the caller keeps it."""
    if table is None:
        table = word_features(prefix, acronyms)
    # Most units have no URL, e-mail or code: skip the costly pattern when none can match
    # (and the compiled version does all the rest).
    special = "`" in text or may_hold_link(text)
    if not special and (core := native()) is not None:
        return core.features(text, table, hints, Counter, _PUNCT)
    # Listed in order, then counted at once: the Counter's keys keep the order of
    # first appearance (specials, numbers, punctuation, words, hints).
    feats: list[str | None] = []
    stripped = text
    if special:
        for m in _SPECIAL.finditer(text):
            body = code_key(m.group(2)) if m.group(1) else m.group(0)
            feats.append("x:" + body.rstrip(".,;)").lower())
        stripped = _SPECIAL.sub(" ", text)
    feats.extend(["n:" + (n.replace(".", "").replace(",", "").lstrip("0") or "0") for n in _NUM.findall(stripped)])
    feats.extend([_PUNCT[ch] for ch in _PUNCT_CHARS.findall(stripped)])
    feats.extend(map(table.__getitem__, _WORD.findall(stripped)))
    feats.extend(["h:" + h for h in hints])
    out = Counter(feats)
    out.pop(None, None)  # words that are no feature (the other keys keep their order)
    return out


def _word_feature(word: str, prefix: int) -> str | None:
    """An acronym as itself, a long enough word as its folded prefix (a cognate), else nothing."""
    if len(word) >= 2 and word.isupper():
        return "a:" + word
    if len(word) >= MIN_WORD:
        return "c:" + fold_word(word)[:prefix]
    return None


Extractor = Callable[[str], Counter]
