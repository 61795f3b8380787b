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

from .text import CODE_SPAN, code_key, fold

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_SPECIAL = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|" + CODE_SPAN)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_PUNCT = {"?": "p:?", "!": "p:!", ":": "p::", "(": "p:(", "«": "p:q", '"': "p:q", "“": "p:q", ";": "p:;"}
_PUNCT_CHARS = re.compile("[" + re.escape("".join(_PUNCT)) + "]")

PREFIX = 4
MIN_WORD = 4


@functools.lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    return fold(word)


def words_of(text: str) -> list[str]:
    return [fold_word(w) for w in _WORD.findall(text)]


def neutral_features(
    text: str,
    *,
    prefix: int = PREFIX,
    acronyms: Mapping[str, str] | None = None,
    hints: Iterable[str] = (),
) -> Counter:
    """The language-neutral features of ``text`` (a Counter of feature -> count)."""
    feats: Counter = Counter()
    stripped = text
    # Most units have no URL, e-mail or code: skip the costly pattern when none can match.
    if "`" in text or "@" in text or "://" in text or "www." in text:
        for m in _SPECIAL.finditer(text):
            body = code_key(m.group(2)) if m.group(1) else m.group(0)
            feats["x:" + body.rstrip(".,;)").lower()] += 1
        stripped = _SPECIAL.sub(" ", text)
    for m in _NUM.finditer(stripped):
        feats["n:" + (m.group(0).replace(".", "").replace(",", "").lstrip("0") or "0")] += 1
    for ch in _PUNCT_CHARS.findall(stripped):
        feats[_PUNCT[ch]] += 1
    for raw in _WORD.findall(stripped):
        if acronyms and raw in acronyms:
            feats["a:" + acronyms[raw]] += 1
            continue
        if len(raw) >= 2 and raw.isupper():
            feats["a:" + raw] += 1
            continue
        if len(raw) >= MIN_WORD:
            feats["c:" + fold_word(raw)[:prefix]] += 1
    for h in hints:
        feats["h:" + h] += 1
    return feats


Extractor = Callable[[str], Counter]
