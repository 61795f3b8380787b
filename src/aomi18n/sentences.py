"""Sentence segmentation for French and English (and other Latin-script languages).

Rule based, with exact offsets: a boundary is sentence-final punctuation followed by
space and a capital, a digit or an opening quote, unless the word before is a known
abbreviation ("M.", "art.", "p. ex.", "e.g."), an initial ("J. Dupont") or a list
number ("1.").
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "fr": {
        "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "art", "al", "cf",
        "ex", "p", "pp", "etc", "env", "vol", "no", "n°", "chap", "fig", "av", "apr", "j.-c",
        "éd", "ed", "coll", "hab", "tél", "tel", "min", "max", "sq", "op", "cit", "ibid",
        "resp", "ca", "approx", "nb", "ss", "bd", "vs", "cie", "inc",
    },
    "en": {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e",
        "cf", "al", "fig", "figs", "no", "nos", "vol", "vols", "pp", "p", "ch", "art", "sec",
        "approx", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "ed", "eds", "ca", "para", "op",
        "cit", "ibid", "viz", "resp", "est", "min", "max",
    },
}
ABBREVIATIONS["de"] = {"z.b", "usw", "bzw", "ca", "dr", "nr", "s", "vgl", "u.a", "d.h", "evtl", "ggf", "hr", "fr"}
_ALL_ABBREV = set().union(*ABBREVIATIONS.values())
_ALWAYS = {"e.g", "i.e", "p. ex", "etc"}
_KNOWN = {lang: frozenset(words | _ALWAYS) for lang, words in ABBREVIATIONS.items()}
_KNOWN_ANY = frozenset(_ALL_ABBREV | _ALWAYS)
_APOSTROPHE = re.compile(r"['’]")
_DOTTED = re.compile(r"(?:[a-zà-ÿ]\.)+[a-zà-ÿ]")
_LIST_NUMBER = re.compile(r"[(]?(?:\d{1,3}|[IVXLC]{1,5}|[a-z])")

# Candidate end: . ! ? … (possibly repeated) and closing quotes/brackets, then space.
# Written to open with one plain character class (not a repeat), so that the regex
# engine skips to the next such character instead of trying every position.
_END = re.compile(r"([.!?…][.!?…]*)((?:[ \u00a0\u202f]*[\"'»”’)\]])*)(\s+)(?=[«\"“‘(\[]?\s*[A-ZÀ-ÖØ-Þ0-9¿¡«\"“‘(\[-])")


def _is_abbreviation(token: str, lang: str | None) -> bool:
    word = token.rstrip(".").lstrip("(«\"'“‘[").casefold()
    if "'" in word or "’" in word:
        word = _APOSTROPHE.split(word)[-1]
    if not word:
        return False
    if word in _KNOWN.get(lang or "", _KNOWN_ANY):
        return True
    # "p. ex." -> the token before "ex." is "p."
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "J. Dupont", "M. Dupont"
    if _DOTTED.fullmatch(word):
        return True  # dotted abbreviations: "e.g", "u.s.a"
    return False


def one_sentence(text: str) -> bool:
    """Whether ``text`` is one sentence at most: it has no place where one could end
    before its last (what :func:`split_sentences` would find only one span in, found
    by one search)."""
    return _END.search(text) is None


def split_sentences(text: str, lang: str | None = None) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences of ``text`` (trailing space excluded)."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _END.finditer(text):
        end = m.end(2)
        if end <= start:
            continue
        at = m.start(1)
        if m.group(1) == ".":
            # the word that ends with this dot (scanning back to a space), without the dot
            k = at
            while k > start and not text[k - 1].isspace():
                k -= 1
            stem = text[k:at]
            if _is_abbreviation(stem, lang):
                continue
            # A list number at the start of the sentence: "1. Text", "IV. Text".
            if at - start <= 4 and _LIST_NUMBER.fullmatch(stem):
                continue
            # A number followed by a number ("1. 000"?) or a date "12. Mai" in German.
            if stem.isdigit() and lang == "de":
                continue
        spans.append((start, end))
        start = m.end(3)
    end = len(text.rstrip())
    if start < end:
        spans.append((start, end))
    return spans
