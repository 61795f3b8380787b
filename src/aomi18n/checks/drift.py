"""Drift: linked, but the English no longer says what the French says."""

from __future__ import annotations

import re
from collections import Counter

from ..model import Finding, Link, Location, Severity
from ..sentences import one_sentence, split_sentences
from ..text import CODE_SPAN, code_key, code_spans, fold, may_hold_link, strip_markup, word_count
from . import PairContext, check
from .coverage import _unrelated, loc, new_sources, placed_pairs, unrelated_new

# A number: "1 000" (groups of three after a space, NBSP or narrow NBSP, not after a
# word or a dot), or digits with . or , inside. Both start with a digit, written
# first so the regex engine can jump from digit to digit (a leading lookbehind
# would make it try every position).
_NUM = re.compile(r"\d(?:(?<![\w.]\d)\d{0,2}(?:[\u00a0\u202f ]\d{3})+(?!\d)|\d*(?:[.,]\d+)*)")
_URL = re.compile(r"https?://[^\s)>\]]+|www\.[^\s)>\]]+|(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_ACRONYM = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z0-9]+\b")  # \b[A-Z][A-Z0-9]+\b, capital first
_DIGIT = re.compile(r"\d")
_NUM_SEPARATORS = re.compile(r"[\s\u00a0\u202f.,]")
_COMPOUND = re.compile(r"-[^\W\d_]")
_NUMBER_WORDS = {
    "fr": {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12},
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12},
}


_GLUED = re.compile(r"\d+[^\W\d_]+")  # a name ending in a number, read backwards
_GLUED_NAMES = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,64}\d+")


def _numbers(text: str, other: str | None = None) -> tuple[set[str], set[str]]:
    """(numbers, numbers inside a compound word such as "3-tuple" or "10-year"), each
    number once: how often a text repeats one is not compared.

    A compound is often translated by a word ("triplet"), so its number is not
    required on the other side; it still matches a plain number there.
    """
    if not _DIGIT.search(text):
        return set(), set()
    plain: set[str] = set()
    soft: set[str] = set()
    names = None
    clean = _URL.sub(" ", text) if may_hold_link(text) else text
    clean = strip_markup(clean)  # numbers in tags' attributes are markup (<CodeStep step={4}>)
    for m in _NUM.finditer(clean):
        start, number = m.start(), m.group(0)
        # A number glued to letters is part of a name (ES2015, x86, base64): like a
        # compound's, it need not be on the other side, and matches a number there;
        # unless the other side has the same name (datetime1), which is then compared.
        glued = start and clean[start - 1].isalpha()
        if glued and other is not None:
            if names is None:
                names = set(_GLUED_NAMES.findall(other))  # once per text: linear
            name = _GLUED.match(clean[max(0, start - 64):m.end()][::-1])  # a bounded window: linear
            glued = name is None or name.group(0)[::-1] not in names
        into = soft if glued or _COMPOUND.match(clean, m.end()) else plain
        if number.isdigit():
            into.add(number.lstrip("0") or "0")
        else:
            into.update(_values(number))
    return plain, soft


_GROUPS = re.compile(r"[.,]")


_NONE: frozenset[str] = frozenset()  # no numbers


def _values(number: str) -> list[str]:
    """A written number as compared: separators out ("1 000", "1.000", "1,000" -> "1000";
    "3,14" and "3.14" -> "314"), except in a dotted date or version, whose parts are
    numbers of their own ("16.08.1988" -> 16, 8, 1988, as "16/08/1988" reads)."""
    if number.isdigit():
        return [number.lstrip("0") or "0"]
    groups = _GROUPS.split(number)
    one_kind = "." not in number or "," not in number
    if len(groups) > 2 and one_kind and not all(len(g) == 3 for g in groups[1:]):
        return [g.lstrip("0") or "0" for g in groups]
    return [_NUM_SEPARATORS.sub("", number).lstrip("0") or "0"]


def _number_words(text: str, lang: str) -> set[str]:
    table = _NUMBER_WORDS.get(lang, {})
    return {str(table[w]) for w in re.findall(r"[^\W\d_]+", fold(text)) if w in table and w not in ("un", "une", "one")}


_MARKUP = re.compile(r"[`*'\"~\u2018\u2019\u201c\u201d]+")


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", text).split())


def _code_key(span: str) -> str:
    # Sphinx's "!" (no link) and "~" (show the last name) are markup, not code; an
    # ellipsis is one character or three dots ("x = …" / "x = ...").
    return _plain(span.replace("\u2026", "...")).lstrip(".!~").removesuffix("()").strip()


# Words of letters (spaces between them, or an apostrophe or hyphen inside): a term, or the
# text of a string literal, rather than code.
_PROSE = re.compile(r"[^\W\d_]+(?:(?:\s+|['\u2019-])[^\W\d_]+)*")
_NAME = re.compile(r"[^\W\d]+")


def _shape(key: str) -> str:
    """A code span with its words blanked out: what stays when a translator translates
    the names and strings inside it (``foo.bar`` / ``truc.machin`` -> "a.a",
    ``'in single quotes'`` / ``'entourées de simples guillemets'`` -> "'a'")."""
    return _NAME.sub("a", _PROSE.sub("a", "".join(key.split())))


def _names(text: str, key: str) -> bool:
    """Whether ``key`` is in ``text`` as a whole (not "ou" in "output")."""
    return key in text and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text) is not None


def _is_term(key: str) -> bool:
    """Two words or more with letters only: a term in code markup (:dfn:`lookahead assertion`)."""
    return " " in key and _PROSE.fullmatch(key) is not None


def _code_differences(fr: str, en: str, en_document: str = "") -> tuple[list[str], list[str]]:
    """Inline code found on one side only, and not even as plain text on the other
    (the source's, the translation's).

    Translators often drop or add the markup around a name (``ArgumentParser`` ->
    ArgumentParser, ``~object.__index__`` -> ``__index__``), translate a term in
    backticks (`métacaractères` / `metacharacters`), or translate the names and
    strings of an example (``foo.bar`` / ``truc.machin``). Spans missing on both
    sides are paired off as such translations when they look alike (rapidfuzz ratio
    >= 60), or have the same shape once their words are blanked out and the French
    one is nowhere in ``en_document`` (the English document's code, lowercased):
    a name the English document uses is code, not a translated name. A French term
    of several words in code markup with no English counterpart is a translated
    term; an English one whose words all appear in the French is there.
    """
    gone = []
    for side, (spans, other) in enumerate(((code_spans(fr), en), (code_spans(en), fr))):
        keys = {}
        plain = _plain(other).lower() if spans else ""
        folded = None
        for span in spans:
            key = _code_key(span).lower()
            if not key or key in plain or key.rsplit(".", 1)[-1] in plain:
                continue
            if side == 1 and _is_term(key):
                folded = folded if folded is not None else fold(plain)
                if all(w in folded for w in fold(key).split() if len(w) >= 3):
                    continue
            keys.setdefault(key, span)
        gone.append(keys)
    fr_only, en_only = gone
    if fr_only and en_only:  # (imported here: most links have no code on one side only)
        from rapidfuzz import fuzz, process

        for key in list(fr_only):
            match = process.extractOne(key, list(en_only), scorer=fuzz.ratio, score_cutoff=60)
            if match:
                del fr_only[key], en_only[match[0]]
    for key in list(fr_only):
        if _names(en_document, key):
            continue  # the English document names it: code, not a translated name
        twin = next((k for k in en_only if _shape(k) == _shape(key)), None)
        if twin is not None:
            del fr_only[key], en_only[twin]
    return sorted(v for k, v in fr_only.items() if not _is_term(k)), sorted(en_only.values())


_LANG_LABEL = re.compile(r"^(?:[a-z]{2}(?:-[a-z]{2})?)$")


def _site(url: str) -> str:
    """The host of a link without a language label (fr.wikipedia.org -> wikipedia.org)."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0].removeprefix("www.")
    labels = host.split(".")
    if len(labels) > 2 and _LANG_LABEL.match(labels[0]):
        labels = labels[1:]
    return ".".join(labels)


_MD_LINK = re.compile(r"\]\(\s*<?([^)\s>]+)")
_HTML_LINK = re.compile(r"\b(?:href|src)=[\"']([^\"'\s]+)")
_LANG_SEGMENT = re.compile(r"^/[a-z]{2}(?:[-_][a-zA-Z]{2})?(?=/|$)")


def _links(text: str) -> set[str]:
    """Every link of a text: URLs, Markdown link targets, href/src attributes."""
    out = set()
    if may_hold_link(text):
        out |= _set(_URL, text)
    if "](" in text:
        out |= {m.group(1) for m in _MD_LINK.finditer(text)}
    if "=" in text and ("href" in text or "src" in text):
        out |= {m.group(1) for m in _HTML_LINK.finditer(text)}
    return out


def _link_key(url: str) -> tuple[str, str] | None:
    """(host, path) of a link as compared, or None for a link within the page (#anchor).
    A language label in the host (fr.wikipedia.org) or first in the path (/fr/docs) and
    the #fragment (a heading's id, which translations localize) are not compared."""
    u = url.strip().rstrip(".,;:")
    if u.startswith("#") or u.startswith("mailto:"):
        return None if u.startswith("#") else ("mailto", u.lower())
    u = u.split("#", 1)[0]
    host = ""
    if "://" in u or u.startswith("www."):
        rest = u.split("://", 1)[-1]
        host, _, path = rest.partition("/")
        host = _site("http://" + host)
        path = "/" + path
    else:
        path = u
    path = _LANG_SEGMENT.sub("", path).rstrip("/") or "/"
    return host, path


def _same_link(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """The same page: the same path on the same domain (subdomains aside), or a path and
    the same path on a named site (a site's own link written absolute on one side,
    relative on the other)."""
    return a[1] == b[1] and (not a[0] or not b[0] or _domain(a[0]) == _domain(b[0]))


def _domain(host: str) -> str:
    """A host's domain: its last two labels (legacy.reactjs.org -> reactjs.org)."""
    return ".".join(host.split(".")[-2:])


def _link_differences(fr: str, en: str) -> list[str]:
    """Links on one side only. A link is the same link whatever its text, its #anchor
    or its language label; a link to the same site on both sides is the page and its
    translation (fr.wikipedia.org/wiki/X, en.wikipedia.org/wiki/Y)."""
    la, lb = _links(fr), _links(en)
    a = {u: k for u in la if (k := _link_key(u)) is not None}
    b = {u: k for u in lb if (k := _link_key(u)) is not None}
    if not a and not b:
        return []
    # A link to a heading of this page, written "#id" on one side and "/page#id" on
    # the other, is the same link.
    anchors = {u for u in la | lb if u.startswith("#")}
    if anchors:
        a = {u: k for u, k in a.items() if "#" + u.split("#", 1)[-1] not in anchors or "#" not in u}
        b = {u: k for u, k in b.items() if "#" + u.split("#", 1)[-1] not in anchors or "#" not in u}
    fr_only = sorted(u for u, k in a.items() if not any(_same_link(k, kb) for kb in b.values()))
    en_only = sorted(u for u, k in b.items() if not any(_same_link(k, ka) for ka in a.values()))
    for url in list(fr_only):
        if not a[url][0]:
            continue
        twin = next((u for u in en_only if b[u][0] == a[url][0]), None)
        if twin:
            fr_only.remove(url)
            en_only.remove(twin)
    return fr_only + en_only


_CODE = re.compile(CODE_SPAN)
_ACRONYM_PLURAL = re.compile(r"([A-Z](?<!\w[A-Z])[A-Z0-9]+)s?\b")  # "IDE" in "IDEs"
_INITIAL_WORDS = re.compile(r"[^\W\d_]{3,}")


def _missing_acronyms(fr: str, en: str, known: set[str]) -> list[str]:
    """French acronyms (3+ letters; OU, ET are words) that the English lacks in any case.

    Not missing: one in the English plural ("API concernées" / "Affected APIs"); one
    whose letters an English acronym has in another order, as French puts its
    adjectives after the noun (EDI / IDE, ONG / NGO, OCDE / OECD); one the English
    spells out ("PEP" / "Python Enhancement Proposal"). Acronyms inside inline code
    are the code check's to compare, and glossary terms the glossary's.
    """
    if "`" in fr:
        fr = _CODE.sub(" ", fr)
    candidates = [x for x in _set(_ACRONYM, fr) if len(x) >= 3 and x not in known and not x.isdigit()]
    if not candidates:
        return []
    en_fold = fold(en)
    gone = [x for x in candidates if not re.search(rf"\b{re.escape(x.lower())}s?\b", en_fold)]
    if not gone:
        return []
    anagrams = {"".join(sorted(m.group(1))) for m in _ACRONYM_PLURAL.finditer(en)}
    initials = "".join(w[0] for w in _INITIAL_WORDS.findall(en_fold))
    return sorted(x for x in gone if "".join(sorted(x)) not in anagrams and x.lower() not in initials)


# A reStructuredText role and its text (:meth:`x`, :py:class:`~a.b`); sup and sub are typography.
_ROLE = re.compile(r"(?<![\w`]):((?:[a-z]+:)?[a-z]+):`([^`]+)`")
_TYPOGRAPHY = {"sup", "sub", "abbr"}


def _role_differences(fr: str, en: str, names: tuple[str, str] = ("French", "English")) -> list[str]:
    """Cross-references (reStructuredText roles) on one side only ("only in the English: 2 :attr:").

    A translation keeps its original's cross-references: they are markup, not words.
    One the English gains or loses means the English was edited since (a name now a
    link, a link to a new function), even when the words look alike. Not lost: a
    French cross-reference to a name the English has as a plain word (the translator
    made ``float`` a link).
    """
    if ":`" not in fr and ":`" not in en:
        return []
    fr_roles = [(r, t) for r, t in _ROLE.findall(fr) if r not in _TYPOGRAPHY]
    a = Counter(r for r, _ in fr_roles)
    b = Counter(r for r, _ in _ROLE.findall(en) if r not in _TYPOGRAPHY)
    lost = a - b
    if lost:
        prose = _CODE.sub(" ", en) if "`" in en else en
        for role, target in fr_roles:
            name = _code_key(code_key(target)).rsplit(".", 1)[-1]
            if lost[role] and name and _names(prose, name):
                lost[role] -= 1
    return [f"only in the {side}: " + ", ".join(f"{n} :{r}:" for r, n in sorted(extra.items()))
            for side, extra in ((names[1], b - a), (names[0], +lost)) if extra]


def _set(pattern: re.Pattern, text: str) -> set[str]:
    return {m.group(0).rstrip(".,;:") for m in pattern.finditer(text)}


@check("drift", Severity.WARNING, "Linked translation that no longer says what the source says.")
def drift(ctx: PairContext):
    if ctx.alignment is None:
        return
    yield from _code_drift(ctx)
    p = ctx.pair
    th = ctx.thresholds
    src_name, tgt_name = ctx.names
    glossary_forms = {f for t in ctx.glossary.terms for f in (*t.fr_forms, *t.en_forms, *t.forbidden)}
    links = [l for l in ctx.alignment.links if l.source and l.target]
    # An English block alone in the place of a French one: compared as if linked.
    placed = [Link(fr.source, en.target, 0.0) for en, fr in placed_pairs(ctx).items()]
    # The code the English document names anywhere, for telling code from translated names.
    en_document = "\n".join(_plain(u.text).lower() for u in ctx.target_units if "`" in u.text)
    fr_total = sum(len(ctx.source_units[i].text) for l in links for i in l.source) or 1
    en_total = sum(len(ctx.target_units[j].text) for l in links for j in l.target) or 1
    ratio = en_total / fr_total
    # A link's content score says much only where the aligner learned the pair's
    # vocabulary (as many confident 1-1 links as it learns a lexicon from); in a short
    # document a faithful sentence shares few features with its translation, and only
    # a link sharing (almost) nothing (the unrelated-link threshold) is suspicious.
    from ..alignment import DEFAULT  # numpy: only when checks run (a pair being redone)

    learned = sum(1 for l in links if len(l.source) == len(l.target) == 1) >= DEFAULT.lexicon_min_links
    # New source text paired with unrelated translation text is untranslated, not a drift.
    new = new_sources(ctx)
    fresh = unrelated_new(ctx)
    links = [l for l in links if l not in fresh and not (new and all(i in new for i in l.source) and _unrelated(ctx, l))]
    todo = [(l, False) for l in links] + [(l, True) for l in placed]
    texts = [(" ".join(ctx.source_units[i].text for i in l.source), " ".join(ctx.target_units[j].text for j in l.target))
             for l, _ in todo]
    code_diffs = [_code_differences(fr, en, en_document) for fr, en in texts]
    consistent = _consistent_terms(texts, code_diffs)
    for (link, alone), (fr, en), code in zip(todo, texts, code_diffs):
        reasons: list[str] = []
        details: dict = {}
        if alone:
            reasons.append(f"no {tgt_name} is linked to this {src_name}; the {tgt_name} in its place "
                           f"(line {ctx.target_units[link.target[0]].line}) does not match it")
        # Numbers (none on either side: nothing to compare).
        (fn, fr_soft), (en_n, en_soft) = (_numbers(fr, en), _numbers(en, fr)) if _DIGIT.search(fr) or _DIGIT.search(en) \
            else ((_NONE, _NONE), (_NONE, _NONE))
        if fn != en_n:
            # Each number once: a translation may say "this version" the second time
            # the source repeats "React 18".
            # A number written as a word, or inside a compound, on one side is the same number.
            missing = sorted(fn - en_n - en_soft - _number_words(en, ctx.target_lang))
            added = sorted(en_n - fn - fr_soft - _number_words(fr, ctx.source_lang))
            if missing or added:
                parts = []
                if missing:
                    parts.append(f"missing in the {tgt_name}: " + ", ".join(missing))
                if added:
                    parts.append(f"not in the {src_name}: " + ", ".join(added))
                reasons.append("numbers differ (" + "; ".join(parts) + ")")
                details["numbers"] = {"missing": missing, "added": added}
        code = sorted({*(c for c in code[0] if c not in consistent), *code[1]})
        if code:
            reasons.append(f"inline code differs ({', '.join(code)})")
        roles = _role_differences(fr, en, ctx.names)
        if roles:
            reasons.append(f"cross-references differ ({'; '.join(roles)})")
        urls = _link_differences(fr, en)
        if urls:
            reasons.append(f"links differ ({', '.join(urls)})")
        gone = _missing_acronyms(fr, en, glossary_forms)
        if gone:
            reasons.append(f"acronyms or names missing in the {tgt_name}: " + ", ".join(gone))
        lf, le = len(fr), len(en)
        if min(lf, le) >= 40 or max(lf, le) >= 120:
            r = (le / max(lf, 1)) / ratio
            if r < th.length_ratio_low or r > th.length_ratio_high:
                reasons.append(f"the {tgt_name} is {r:.1f} times as long as expected from the {src_name}")
                details["length_ratio"] = round(r, 2)
        if (not alone and link.score < (th.drift_content if learned else th.unrelated_link) and word_count(fr) >= 8
                and word_count(en) >= 8):
            if link.meaning is None:
                reasons.append(f"low content match ({link.score:.2f})")
            elif link.meaning < th.meaning_same:  # the meaning model, consulted here, agrees
                reasons.append(f"low content match ({link.score:.2f}) and the meaning differs "
                               f"(similarity {link.meaning:.2f}, under {th.meaning_same:g})")
        if len(link.source) != len(link.target):
            reasons.append(_structure(link, src_name, tgt_name))
        sent = _sentence_gaps(fr, en, ctx)
        if sent:
            reasons.append(sent)
        if reasons:
            details["score"] = link.score
            yield Finding(
                "drift", Severity.WARNING,
                f"the {tgt_name} may no longer say what the {src_name} says: " + "; ".join(reasons),
                source=loc(p.source.path, ctx.source_units, link.source),
                target=loc(p.target.path, ctx.target_units, link.target), check="drift", details=details,
            )


def _consistent_terms(texts: list[tuple[str, str]], diffs: list[list[str]]) -> set[str]:
    """Inline code the translation renders the same way throughout the document: a span
    of the source missing from the translation in three places or more, and in at least
    half of the places the source has it (```set`` function` -> "fonction de mise à
    jour" on every line). A translator's term, not a difference."""
    if not any(a for a, _ in diffs):
        return set()
    missing: Counter = Counter()
    present: Counter = Counter()
    for (src, _), (src_only, tgt_only) in zip(texts, diffs):
        present.update(set(code_spans(src)))
        if not tgt_only:  # words in its place, not other code (a renamed function)
            missing.update(set(src_only))
    return {c for c, n in missing.items() if n >= 3 and 2 * n >= present[c]}


def _code_drift(ctx: PairContext):
    """Code blocks paired in order whose code differs once comments, text strings and
    the text between tags (what a translator translates) are set aside."""
    p = ctx.pair
    for c in ctx.code_links:
        if c.source is None or c.target is None or not c.changed:
            continue
        a, b = ctx.source_code[c.source].block, ctx.target_code[c.target].block
        shown = ", ".join(map(str, c.changed[:5])) + (", …" if len(c.changed) > 5 else "")
        yield Finding(
            "drift", Severity.WARNING,
            f"the code differs: the {ctx.names[1]} code block does not hold the {ctx.names[0]} code of line"
            f"{'s' if len(c.changed) > 1 else ''} {shown} (comments, text strings and text between tags aside)",
            source=Location(p.source.path, a.line, a.end_line), target=Location(p.target.path, b.line, b.end_line),
            check="drift", details={"code": True, "changed_lines": list(c.changed), "similarity": round(c.similarity, 3)},
        )


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _structure(link, src_name: str, tgt_name: str) -> str:
    """A French block split, or French blocks merged, in the English: the documents no
    longer have the same structure, which a block-by-block translation (PO files)
    cannot carry over."""
    if len(link.source) == 1:
        return f"the {tgt_name} splits this {src_name} block into {len(link.target)}"
    if len(link.target) == 1:
        return f"the {tgt_name} merges {len(link.source)} {src_name} blocks into one"
    return f"{len(link.source)} {src_name} blocks are {len(link.target)} in the {tgt_name}"


#: Sentences of a block beyond which its sentences are not aligned (the block's other
#: tests still run): the work inside one block stays bounded.
MAX_BLOCK_SENTENCES = 300


def _sentence_gaps(fr: str, en: str, ctx: PairContext) -> str | None:
    """A sentence missing or added inside linked blocks (sentence-level alignment)."""
    if one_sentence(fr) and one_sentence(en):
        return None  # one sentence on each side at most
    fs = [fr[a:b] for a, b in split_sentences(fr, ctx.source_lang)]
    es = [en[a:b] for a, b in split_sentences(en, ctx.target_lang)]
    if max(len(fs), len(es)) < 2 or len(fs) == len(es):
        return None  # as many sentences on both sides: a changed one is the content score's to see
    if max(len(fs), len(es)) > MAX_BLOCK_SENTENCES:
        return None  # not a paragraph a reader compares sentence by sentence: bounded work

    from ..alignment import align

    al = align(fs, es, level="sentences")
    lost = [fs[l.source[0]] for l in al.links if l.source and not l.target and word_count(fs[l.source[0]]) >= 6]
    added = [es[l.target[0]] for l in al.links if l.target and not l.source and word_count(es[l.target[0]]) >= 6]
    if lost:
        return f"{_article(ctx.names[0])} {ctx.names[0]} sentence has no {ctx.names[1]}: \"{lost[0][:60]}\""
    if added:
        return f"{_article(ctx.names[1])} {ctx.names[1]} sentence has no {ctx.names[0]}: \"{added[0][:60]}\""
    return None
