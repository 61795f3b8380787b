"""Language identification (lingua), restricted to the languages of the project."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from .text import native


# ISO 639-1 codes that lingua knows by name; others are passed through unidentified.
_NAMES = {
    "fr": "FRENCH", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "it": "ITALIAN",
    "pt": "PORTUGUESE", "nl": "DUTCH", "ar": "ARABIC", "ca": "CATALAN", "el": "GREEK",
    "tr": "TURKISH", "sq": "ALBANIAN", "mk": "MACEDONIAN", "hr": "CROATIAN", "sl": "SLOVENE",
}
MIN_WORDS = 4  # fewer words than this say too little to identify a language

# Frequent function words that belong to one language only (no "a", "on", "an", "or",
# "as", "plus": each is a word of the other language too). When a text has enough of
# them and nearly all from one language, that is its language, without lingua: the
# fast path decides most paragraphs of a French/English corpus at ~1/50 of the cost.
_FUNCTION_WORDS = {
    "fr": frozenset("le la les des du de et est une un pour dans que qui sur par au aux ce cette ces il elle "
                    "ils elles sont avec ne pas nous vous leur leurs sa ses son été être aussi mais entre".split()),
    "en": frozenset("the of and to in is that for with by are this be it from at which have has was were "
                    "not will their these those been its into between also but would should".split()),
}
# The shortest and longest function word: a word of another length is none of them.
_LENGTHS = (min(len(w) for words in _FUNCTION_WORDS.values() for w in words),
            max(len(w) for words in _FUNCTION_WORDS.values() for w in words))
FAST_MIN_HITS = 5
FAST_MIN_SHARE = 0.9
FAST_CONFIDENCE = 0.99
PLAIN_MIN_HITS = 2
DOCUMENT_SAMPLE = 20000  # characters of a document read to identify its language
_LETTER_WORDS = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...]):
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, _NAMES[c]) for c in codes if c in _NAMES]
    if len(langs) < 2:
        return None
    return LanguageDetectorBuilder.from_languages(*langs).build()


def identify_many(texts: Sequence[str], languages: Sequence[str]) -> list[tuple[str | None, float]]:
    """Identify each text among ``languages``: ``(code, confidence)`` or ``(None, 0.0)``.

    Texts of fewer than :data:`MIN_WORDS` words with letters are not identified.
    """
    codes = tuple(sorted({c for c in languages if c in _NAMES}))
    detector = _detector(codes)
    out: list[tuple[str | None, float]] = [(None, 0.0)] * len(texts)
    if detector is None:
        return out
    fast = set(codes) <= _FUNCTION_WORDS.keys()
    for i, t in enumerate(texts):
        words, hits = _counts(t, codes if fast else ())
        if words < MIN_WORDS:
            continue
        decided = _by_function_words(dict(zip(codes, hits))) if fast else None
        if decided:
            out[i] = (decided, FAST_CONFIDENCE)
            continue
        # One text at a time: lingua's parallel call hands its batch to a thread pool
        # whose threads then spin (sched_yield) for a while, taking the CPU from the
        # other worker processes.
        values = detector.compute_language_confidence_values(t)
        if values:
            out[i] = (values[0].language.iso_code_639_1.name.lower(), float(values[0].value))
    return out


def plainly_in(text: str, lang: str, other: str) -> bool:
    """Whether ``text`` plainly reads as ``lang`` and not as ``other``: at least
    :data:`PLAIN_MIN_HITS` function words of ``lang`` and none of ``other``'s. A cheap
    test for callers that only need to rule ``other`` out; no confidence is given."""
    own, theirs = _FUNCTION_WORDS.get(lang), _FUNCTION_WORDS.get(other)
    if own is None or theirs is None:
        return False
    _, (mine, others) = _counts(text, (lang, other))
    return mine >= PLAIN_MIN_HITS and not others


def function_words(text: str, lang: str) -> int | None:
    """How many of ``lang``'s function words ``text`` holds (None: no list for ``lang``)."""
    if lang not in _FUNCTION_WORDS:
        return None
    return _counts(text, (lang,))[1][0]


def _counts(text: str, codes: Sequence[str]) -> tuple[int, tuple[int, ...]]:
    """The words of ``text`` as the language tests read them (letters only, lowercased):
    how many, and how many are function words of each language of ``codes``."""
    lists = tuple(_FUNCTION_WORDS[c] for c in codes)
    if (core := native()) is not None:
        return core.count_words(text.lower(), lists, *_LENGTHS)
    tokens = _LETTER_WORDS.findall(text.lower())
    return len(tokens), tuple(sum(map(words.__contains__, tokens)) for words in lists)


def _by_function_words(hits: dict[str, int]) -> str | None:
    total = sum(hits.values())
    if total < FAST_MIN_HITS:
        return None
    best = max(hits, key=hits.__getitem__)
    return best if hits[best] >= FAST_MIN_SHARE * total else None


def identify(text: str, languages: Sequence[str]) -> tuple[str | None, float]:
    return identify_many([text], languages)[0]


_ENGLISH_NAMES = {
    "fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "ar": "Arabic", "ca": "Catalan", "el": "Greek", "tr": "Turkish", "sq": "Albanian",
    "mk": "Macedonian", "hr": "Croatian", "sl": "Slovene", "ja": "Japanese", "zh": "Chinese", "ko": "Korean",
    "ru": "Russian", "pl": "Polish", "uk": "Ukrainian", "he": "Hebrew", "sr": "Serbian", "bs": "Bosnian",
}


def language_name(code: str | None) -> str:
    """The English name of a language code ('fr' -> 'French'), or the code itself."""
    if not code:
        return "unknown"
    return _ENGLISH_NAMES.get(code.split("-")[0].split("_")[0].lower(), code)
