"""Text helpers shared by every stage: normalization for comparison, tokens, words.

Normalization never changes what is written back: it is only used to compare.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as a space or are typographic variants of ASCII punctuation.
_SPACES = "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u3000"
_SAME_LENGTH = str.maketrans(
    {
        **{c: " " for c in _SPACES},
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2011": "-",
        "\u2010": "-",
    }
)
_WS = re.compile(r"\s+")
# French spacing before ; : ! ? and inside guillemets, as NBSP or plain space.
_FRENCH_SPACE = re.compile(r"\s+([;:!?»])|([«])\s+")
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*", re.UNICODE)


def same_length_normalize(text: str) -> str:
    """Map typographic apostrophes, quotes, dashes and odd spaces to ASCII, 1:1 in length.

    Offsets into the result are offsets into the original, which lets matchers
    report exact places.
    """
    return text.translate(_SAME_LENGTH)


def normalize(text: str) -> str:
    """Normalize for comparison: NFC, ASCII apostrophes/quotes, French spacing, one space."""
    text = unicodedata.normalize("NFC", text).translate(_SAME_LENGTH)
    text = _FRENCH_SPACE.sub(lambda m: m.group(1) or m.group(2), text)
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """Lowercase and strip accents: 'Médiateur' -> 'mediateur'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Words as translators count them (letters/digits, joined by ' or -)."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    """Word count close to translate-toolkit's pocount (whitespace-separated tokens with a letter or digit)."""
    return sum(1 for tok in text.split() if any(ch.isalnum() for ch in tok))


def collapse(text: str) -> str:
    """Join the lines of a block into one line, as a PO msgid holds it."""
    return _WS.sub(" ", text).strip()
