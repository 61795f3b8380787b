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
from itertools import repeat
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from .text import CODE_SPAN, code_key, fold, may_hold_link

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_SPECIAL = re.compile(r"https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|" + CODE_SPAN)
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
    # Listed in order, then counted at once: the Counter's keys keep the order of
    # first appearance (specials, numbers, punctuation, words, hints).
    feats: list[str | None] = []
    stripped = text
    # Most units have no URL, e-mail or code: skip the costly pattern when none can match.
    if "`" in text or may_hold_link(text):
        for m in _SPECIAL.finditer(text):
            body = code_key(m.group(2)) if m.group(1) else m.group(0)
            feats.append("x:" + body.rstrip(".,;)").lower())
        stripped = _SPECIAL.sub(" ", text)
    feats.extend(["n:" + (n.replace(".", "").replace(",", "").lstrip("0") or "0") for n in _NUM.findall(stripped)])
    feats.extend([_PUNCT[ch] for ch in _PUNCT_CHARS.findall(stripped)])
    words = _WORD.findall(stripped)
    if acronyms:
        feats.extend([("a:" + acronyms[w]) if w in acronyms else _word_feature(w, prefix) for w in words])
    else:
        feats.extend(map(_word_feature, words, repeat(prefix)))
    feats.extend(["h:" + h for h in hints])
    out = Counter(feats)
    out.pop(None, None)  # words that are no feature (the other keys keep their order)
    return out


@functools.lru_cache(maxsize=200_000)
def _word_feature(word: str, prefix: int) -> str | None:
    """An acronym as itself, a long enough word as its folded prefix (a cognate), else nothing."""
    if len(word) >= 2 and word.isupper():
        return "a:" + word
    if len(word) >= MIN_WORD:
        return "c:" + fold_word(word)[:prefix]
    return None


Extractor = Callable[[str], Counter]
