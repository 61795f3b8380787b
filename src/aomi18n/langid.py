"""Language identification (lingua), restricted to the languages of the project."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from .text import words

# ISO 639-1 codes that lingua knows by name; others are passed through unidentified.
_NAMES = {
    "fr": "FRENCH", "en": "ENGLISH", "de": "GERMAN", "es": "SPANISH", "it": "ITALIAN",
    "pt": "PORTUGUESE", "nl": "DUTCH", "ar": "ARABIC", "ca": "CATALAN", "el": "GREEK",
    "tr": "TURKISH", "sq": "ALBANIAN", "mk": "MACEDONIAN", "hr": "CROATIAN", "sl": "SLOVENE",
}
MIN_WORDS = 4  # fewer words than this say too little to identify a language


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
    todo = [i for i, t in enumerate(texts) if sum(1 for w in words(t) if not w.isdigit()) >= MIN_WORDS]
    if not todo:
        return out
    results = detector.compute_language_confidence_values_in_parallel([texts[i] for i in todo])
    for i, values in zip(todo, results):
        if values:
            best = values[0]
            out[i] = (best.language.iso_code_639_1.name.lower(), float(best.value))
    return out


def identify(text: str, languages: Sequence[str]) -> tuple[str | None, float]:
    return identify_many([text], languages)[0]
