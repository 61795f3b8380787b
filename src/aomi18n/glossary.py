"""The glossary: French terms, the English form they require, English forms that are wrong.

Schema of ``glossary.yaml`` (see README: Glossary)::

    version: 1
    terms:
      - fr: HCR                      # French term (required)
        fr_variants: [Haut-Commissariat des Nations unies pour les réfugiés]
        en: UNHCR                    # the required English form
        en_variants: [UN Refugee Agency]   # other accepted English forms
        forbidden: [HCR]             # English forms that are wrong
        category: acronym            # free label: acronym, institution, body, convention...
        case: exact                  # exact | insensitive | first (default: exact for acronyms)
        note: UN Refugee Agency      # shown to translators
      - fr: Rabat
        keep: true                   # stays as it is in English

Matching knows French elision ("l'OIM", "d'OIM"), plural endings, typographic
apostrophes and NBSP, and skips inline code, URLs and e-mail addresses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import GlossaryError
from .records import record
from .text import CODE_SPAN, may_hold_link, same_length_normalize
from .yamlutil import LineDict, load_yaml, read_text_file, short

_KEYS = {"fr", "fr_variants", "en", "en_variants", "forbidden", "category", "case", "note", "keep", "id"}
_FRENCH_ARTICLE_BEFORE = re.compile(r"(?:\b[LlDd]|\b[Qq]u|\b[Jj])['\u2019]\Z|\b(?:[Ll]e|[Ll]a|[Ll]es|[Dd]u|[Dd]es|[Aa]u|[Aa]ux)\s+\Z")
# "l'IOM": an elided article not after a letter or apostrophe (the test is made after the
# article's letter, so that the pattern opens with a character class the engine skips to).
_ELIDED = re.compile(r"([LlDd])(?<![\w'\u2019][LlDd])['\u2019]([A-Z][A-Z0-9]{1,15})\b")
_WORD_BEFORE = re.compile(r"[\w@/.-]")  # what a term may not follow
_MASK = re.compile(CODE_SPAN + r"|https?://\S+|www\.[^\s)]+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|<[^>\n]{0,1000}>")


@record
class Match:
    term: "Term"
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Term:
    fr: str
    en: str
    fr_variants: tuple[str, ...] = ()
    en_variants: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    category: str = ""
    case: str = "exact"
    note: str = ""
    keep: bool = False
    line: int = 0
    id: str = ""
    _patterns: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def fr_forms(self) -> tuple[str, ...]:
        return (self.fr, *self.fr_variants)

    @property
    def en_forms(self) -> tuple[str, ...]:
        return (self.en, *self.en_variants)

    def label(self) -> str:
        return f"{self.fr} -> {self.en}" if not self.keep else f"{self.fr} (keep as is)"

    def _regex(self, which: str, forms: tuple[str, ...], inflect: bool) -> re.Pattern:
        """The forms as one pattern, not followed by a word character, ``@`` or ``-``
        (:meth:`_find` adds: nor preceded by one, ``/`` or ``.``)."""
        pat = self._patterns.get(which)
        if pat is None:
            alts = sorted({_form_pattern(f, inflect and not _is_acronym(f)) for f in forms}, key=len, reverse=True)
            flags = re.IGNORECASE if self.case == "insensitive" else 0
            pat = re.compile(r"(?:" + "|".join(alts) + r")(?![\w@-])", flags)
            self._patterns[which] = pat
        return pat

    def _keys(self, which: str, forms: tuple[str, ...]) -> tuple[str, ...]:
        """The longest literal piece of each form, casefolded: a match needs one of them."""
        keys = self._patterns.get(which + ":keys")
        if keys is None:
            keys = self._patterns[which + ":keys"] = tuple({_key(f) for f in forms})
        return keys

    # ``clean`` is ``mask(text)`` when the caller already has it (one mask for all terms).
    def find_fr(self, text: str, clean: str | None = None) -> list[Match]:
        return self._find(self._regex("fr", self.fr_forms, True), text, clean)

    def find_en(self, text: str, clean: str | None = None) -> list[Match]:
        return self._find(self._regex("en", self.en_forms, True), text, clean)

    def find_forbidden(self, text: str, clean: str | None = None) -> list[Match]:
        if not self.forbidden:
            return []
        return self._find(self._regex("forbidden", self.forbidden, False), text, clean)

    def _find(self, pattern: re.Pattern, text: str, clean: str | None) -> list[Match]:
        """The matches of ``pattern`` in ``clean`` (``text`` masked) not preceded by a word
        character, ``@``, ``/``, ``.`` or ``-``, left to right as ``finditer`` finds them.
        That test is made here, not as a lookbehind that opens the pattern: a pattern
        that opens with its forms' letters lets the regex engine skip to them (5x faster)."""
        if clean is None:
            clean = mask(text)
        out = []
        pos = 0
        while (m := pattern.search(clean, pos)) is not None:
            start, end = m.span()
            if start and _WORD_BEFORE.match(clean, start - 1):
                pos = start + 1  # not a match here; one may start further in
                continue
            out.append(Match(self, start, end, text[start:end]))
            pos = end if end > start else end + 1
        return out


_SEPARATORS = re.compile(r"\s+|['’\-‑]")


def _key(form: str) -> str:
    return max(_SEPARATORS.split(same_length_normalize(form)), key=len).casefold()


def _is_acronym(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in form


def _form_pattern(form: str, inflect: bool) -> str:
    """A regex for one form: flexible spaces, apostrophes and hyphens; optional plural endings."""
    parts = []
    for word in re.split(r"(\s+|['’\-‑])", same_length_normalize(form)):
        if not word:
            continue
        if word.isspace():
            parts.append(r"\s+")
        elif word in ("'", "’"):
            parts.append(r"['’]")
        elif word in ("-", "‑"):
            parts.append(r"[-‑\s]")
        else:
            w = re.escape(word)
            if inflect and len(word) >= 4 and word[-1].isalpha():
                w += "(?:s|x|es)?"
            parts.append(w)
    return "".join(parts)


def mask(text: str) -> str:
    """Blank out inline code, URLs, e-mail addresses and HTML tags (same length)."""
    text = same_length_normalize(text)
    if "`" not in text and "<" not in text and not may_hold_link(text):
        return text  # nothing the pattern could match (and most text has none of these)
    return _MASK.sub(lambda m: " " * (m.end() - m.start()), text)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    path: str | None = None

    def __len__(self) -> int:
        return len(self.terms)

    @functools.cached_property
    def _keys(self) -> dict[str, tuple[tuple[Term, tuple[str, ...]], ...]]:
        """Each term with the literal pieces one of which its French (or forbidden) forms need."""
        return {"fr": tuple((t, t._keys("fr", t.fr_forms)) for t in self.terms),
                "forbidden": tuple((t, t._keys("forbidden", t.forbidden)) for t in self.terms if t.forbidden)}

    @functools.cached_property
    def _key_index(self) -> dict[str, tuple[tuple[str, ...], dict[str, tuple[int, ...]]]]:
        """For each list of :attr:`_keys`: its distinct keys, and the terms (their
        places in the list) that each key stands for."""
        out = {}
        for which, listed in self._keys.items():
            terms_of: dict[str, list[int]] = {}
            for k, (_, keys) in enumerate(listed):
                for key in keys:
                    terms_of.setdefault(key, []).append(k)
            out[which] = (tuple(terms_of), {key: tuple(ks) for key, ks in terms_of.items()})
        return out

    def _candidates(self, which: str, folded: str) -> list[Term]:
        """The terms one of whose keys is in ``folded``, in glossary order: each distinct
        key is looked for once (most texts hold none)."""
        keys, terms_of = self._key_index[which]
        hits = [key for key in keys if key in folded]
        if not hits:
            return []
        listed = self._keys[which]
        return [listed[k][0] for k in sorted({k for key in hits for k in terms_of[key]})]

    def find_fr(self, text: str) -> list[Match]:
        """Every glossary term in French text, longest first where they overlap."""
        clean = mask(text)
        folded = clean.casefold()
        found = [m for t in self._candidates("fr", folded) for m in t.find_fr(text, clean)]
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return found

    def terms_in(self, text: str) -> list[Term]:
        seen: dict[str, Term] = {}
        for m in self.find_fr(text):
            seen.setdefault(m.term.fr, m.term)
        return list(seen.values())

    @functools.cached_property
    def _acronym_forms(self) -> frozenset[str]:
        """The required forms that are acronyms (computed once per glossary)."""
        return frozenset(f for t in self.terms if not t.keep for f in t.en_forms if _is_acronym(f))

    def french_article_before(self, text: str) -> list[tuple[int, str, str]]:
        """Required forms with a French elided article glued to them in translated text
        ("l'IOM", "d'UNHCR"): (offset, what is written, the form)."""
        out = []
        if "'" not in text and "\u2019" not in text:
            return out
        forms = self._acronym_forms
        if not forms:
            return out
        for m in _ELIDED.finditer(text):
            if m.group(2) in forms:
                out.append((m.start(), m.group(0), m.group(2)))
        return out

    def forbidden_in(self, text: str) -> list[Match]:
        clean = mask(text)
        folded = clean.casefold()
        return sorted((m for t in self._candidates("forbidden", folded) for m in t.find_forbidden(text, clean)),
                      key=lambda m: m.start)

    def fix(self, text: str) -> tuple[str, list[tuple[Match, str]]]:
        """Replace forbidden English forms by the required form where that is unambiguous.

        Returns the new text and the replacements made. Applying twice equals once.
        """
        by_form: dict[str, set[str]] = {}
        for t in self.terms:
            for f in t.forbidden:
                by_form.setdefault(f, set()).add(t.en)
        edits = []
        for m in self.forbidden_in(text):
            targets = by_form.get(m.text, set()) or {m.term.en}
            # "l'OIM", "de l'OIM": the French article goes with the acronym, and what the
            # sentence should say ("IOM", "of IOM") is not for a rule to guess: reported, not fixed.
            if _FRENCH_ARTICLE_BEFORE.search(text, max(0, m.start - 8), m.start):
                continue
            if len(targets) == 1 and m.text != m.term.en:
                edits.append((m, next(iter(targets))))
        out = []
        pos = 0
        taken = []
        for m, repl in edits:
            if m.start < pos:
                continue
            out.append(text[pos : m.start])
            out.append(repl)
            pos = m.end
            taken.append((m, repl))
        out.append(text[pos:])
        return "".join(out), taken


def _strings(entry: LineDict, key: str, path: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GlossaryError(f"{key} must be a list of non-empty strings", path, entry.line_of(key))
    return tuple(v.strip() for v in value)


def parse_glossary(data: object, path: str) -> Glossary:
    if data is None:
        return Glossary((), path)
    if not isinstance(data, dict):
        raise GlossaryError("the glossary must be a mapping with a 'terms' list", path, 1)
    extra = set(data) - {"version", "terms"}
    if extra:
        key = sorted(extra, key=str)[0]
        raise GlossaryError(f"unknown key {short(key)} (the glossary has 'version' and 'terms')", path, data.line_of(key))
    if data.get("version", 1) != 1:
        raise GlossaryError(f"unsupported glossary version {short(data.get('version'))} (expected 1)", path, data.line_of("version"))
    raw_terms = data.get("terms") or []
    if not isinstance(raw_terms, list):
        raise GlossaryError("'terms' must be a list of term entries", path, data.line_of("terms"))
    terms: list[Term] = []
    seen_fr: dict[str, Term] = {}
    for entry in raw_terms:
        if not isinstance(entry, LineDict):
            raise GlossaryError(f"each term must be a mapping with fr and en, not {short(entry)}", path, data.line_of("terms"))
        unknown = set(entry) - _KEYS
        if unknown:
            key = sorted(unknown, key=str)[0]
            raise GlossaryError(f"unknown key {short(key)} in a term (known: {', '.join(sorted(_KEYS))})", path, entry.line_of(key))
        fr = entry.get("fr")
        if not isinstance(fr, str) or not fr.strip():
            raise GlossaryError("a term needs 'fr', a non-empty string", path, entry.line_of("fr"))
        keep = entry.get("keep", False)
        if not isinstance(keep, bool):
            raise GlossaryError("keep must be true or false", path, entry.line_of("keep"))
        en = entry.get("en", fr if keep else None)
        if not isinstance(en, str) or not en.strip():
            raise GlossaryError(f"term {short(fr)} needs 'en', a non-empty string (or keep: true)", path, entry.line_of("en"))
        for key in ("category", "note", "id"):
            if key in entry and not isinstance(entry[key], str):
                raise GlossaryError(f"{key} must be a string", path, entry.line_of(key))
        case = entry.get("case", "exact" if _is_acronym(fr) else "insensitive")
        if case not in ("exact", "insensitive", "first"):
            raise GlossaryError(f"case must be exact, insensitive or first, not {short(case)}", path, entry.line_of("case"))
        term = Term(
            fr=fr.strip(),
            en=en.strip(),
            fr_variants=_strings(entry, "fr_variants", path),
            en_variants=_strings(entry, "en_variants", path),
            forbidden=_strings(entry, "forbidden", path),
            category=entry.get("category", ""),
            case=case,
            note=entry.get("note", ""),
            keep=keep,
            line=entry.line,
            id=entry.get("id", "") or fr.strip(),
        )
        for form in term.fr_forms:
            key = form.casefold() if case != "exact" else form
            prev = seen_fr.get(key)
            if prev is not None and prev.en != term.en:
                raise GlossaryError(
                    f"French term {short(form)} is mapped twice: to {short(prev.en)} (line {prev.line}) and to {short(term.en)}",
                    path,
                    entry.line,
                )
            seen_fr[key] = term
        for bad in term.forbidden:
            if bad in term.en_forms:
                raise GlossaryError(f"term {short(fr)}: {short(bad)} is both required and forbidden", path, entry.line_of("forbidden"))
            if term.find_forbidden(term.en):
                raise GlossaryError(
                    f"term {short(fr)}: the forbidden form {short(bad)} matches inside the required form {short(term.en)}, so a fix would never settle",
                    path,
                    entry.line_of("forbidden"),
                )
        terms.append(term)
    _refuse_cycles(terms, path)
    return Glossary(tuple(terms), path)


def _refuse_cycles(terms: list[Term], path: str) -> None:
    """Fixes that undo each other (one term forbids what another requires, and that one
    forbids the first's form): ``glossary apply`` would flip the text on every run."""
    fix: dict[str, Term] = {}
    for t in terms:
        for bad in t.forbidden:
            fix.setdefault(bad, t)
    for start, term in fix.items():
        seen = [term]
        chain = [start, term.en]
        form = term.en
        while form in fix:
            nxt = fix[form]
            chain.append(nxt.en)
            if nxt in seen:
                lines = " and ".join(f"line {t.line}" for t in seen if t.line) or "the terms"
                raise GlossaryError(
                    f"terms forbid each other's forms ({' -> '.join(map(repr, chain))}): 'glossary apply' "
                    f"would change the text back and forth; see {lines}", path, nxt.line)
            seen.append(nxt)
            form = nxt.en


def load_glossary(path: str | Path, source_lang: str = "fr", target_lang: str = "en") -> Glossary:
    """Read and validate a glossary file; a missing file is an empty glossary.

    The file's ``fr`` and ``en`` keys name languages. A project translating English into
    French reads each term the other way round (its ``en`` form is the one to find in
    the source, its ``fr`` form the one the translation must use); ``forbidden`` forms,
    which are English, then have nothing to forbid in the French.
    """
    p = Path(path)
    if not p.exists():
        return Glossary((), None)
    text = read_text_file(p, GlossaryError)
    glossary = parse_glossary(load_yaml(text, p, GlossaryError), str(p))
    if (source_lang, target_lang) == ("en", "fr"):
        glossary = Glossary(tuple(replace(t, fr=t.en, en=t.fr, fr_variants=t.en_variants, en_variants=t.fr_variants,
                                          forbidden=(), _patterns={}) for t in glossary.terms), glossary.path)
    return glossary
