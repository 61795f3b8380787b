"""Coverage checks: missing and orphan documents, untranslated, not-translated, extra."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..langid import function_words, identify_many, plainly_in
from ..model import Finding, Link, Location, Severity
from ..text import normalize, word_count, words_to_translate
from . import PairContext, check

_LETTERS = re.compile(r"[\W\d_]+")


def loc(path: str, units, idx) -> Location | None:
    if not idx:
        return None
    return Location(path, units[idx[0]].line, units[idx[-1]].end_line)


@check("missing-document", Severity.ERROR, "A source document with no translation at all.")
def missing_document(ctx: PairContext):
    p = ctx.pair
    if p.source is not None and p.target is None:
        n = len(ctx.source_units)
        yield Finding(
            "missing-document", Severity.ERROR,
            f"no {ctx.names[1]} document translates this {ctx.names[0]} document ({n} blocks, {p.source.words} words)",
            source=Location(p.source.path, 1, max(1, p.source.text.count("\n") + 1)), check="missing-document",
        )


@check("orphan-document", Severity.WARNING, "A translated document with no source.")
def orphan_document(ctx: PairContext):
    p = ctx.pair
    if p.target is not None and p.source is None:
        yield Finding(
            "orphan-document", Severity.WARNING,
            f"no {ctx.names[0]} document matches this {ctx.names[1]} document (name it in the configuration's pairs if it has one)",
            target=Location(p.target.path, 1, max(1, p.target.text.count("\n") + 1)), check="orphan-document",
        )


@check("untranslated", Severity.ERROR, "A source block with no counterpart in the translation.")
def untranslated(ctx: PairContext):
    if ctx.alignment is None:
        return
    p = ctx.pair
    placed = set(placed_pairs(ctx).values())
    new = new_sources(ctx)
    for link in ctx.alignment.links:
        # New source text the aligner paired with unrelated translation text is new text.
        fresh = link in unrelated_new(ctx) or (bool(link.target) and _unrelated(ctx, link) and all(i in new for i in link.source))
        if link.source and (not link.target or fresh) and link not in placed:
            text = " ".join(ctx.source_units[i].text for i in link.source)
            yield Finding(
                "untranslated", Severity.ERROR,
                f"this {ctx.names[0]} text has no {ctx.names[1]} ({word_count(text)} words): {_quote(text)}",
                source=loc(p.source.path, ctx.source_units, link.source), check="untranslated",
                details={"insert_after": _neighbour(ctx, link)},
            )
    yield from _unpaired_code(ctx, "untranslated")


@check("extra", Severity.WARNING, "Translation text with no counterpart in the source.")
def extra(ctx: PairContext):
    if ctx.alignment is None:
        return
    p = ctx.pair
    placed = placed_pairs(ctx)
    for link in ctx.alignment.links:
        if link.target and not link.source and link not in placed:
            text = " ".join(ctx.target_units[j].text for j in link.target)
            if translator_note(text) and (_after_code(ctx, link.target[0]) or _NOTE_MARK.search(text)):
                continue
            yield Finding(
                "extra", Severity.WARNING,
                f"this {ctx.names[1]} text has no {ctx.names[0]} counterpart: {_quote(text)}",
                target=loc(p.target.path, ctx.target_units, link.target), check="extra",
            )
        elif _unrelated(ctx, link):
            yield _unrelated_extra(ctx, link)
    yield from _unpaired_code(ctx, "extra")


def _unpaired_code(ctx: PairContext, kind: str):
    """Code blocks with no counterpart: the source's are untranslated, the target's extra."""
    source = kind == "untranslated"
    blocks, doc = (ctx.source_code, ctx.pair.source) if source else (ctx.target_code, ctx.pair.target)
    this, other = ctx.names if source else ctx.names[::-1]
    for c in ctx.code_links:
        if (c.target if source else c.source) is None:
            b = blocks[c.source if source else c.target].block
            place = {"source" if source else "target": Location(doc.path, b.line, b.end_line)}
            yield Finding(
                kind, Severity.ERROR if source else Severity.WARNING,
                f"this {this} code block has no counterpart in the {other} ({b.end_line - b.line + 1} lines)",
                check=kind, details={"code": True}, **place,
            )


@check("not-translated", Severity.ERROR, "Translation that is still in the source language, or identical to the source.")
def not_translated(ctx: PairContext):
    """Judged on the words to translate only: the text once inline code, tags, comments,
    shortcodes, heading ids, URLs, link targets, quotations and names written as code
    (``eslint-plugin``, ``useState``) are taken out. Those are the same in both
    languages; too little left (fewer than :data:`MIN_PROSE_WORDS` words) says
    nothing, and is no finding."""
    if ctx.alignment is None:
        return
    p = ctx.pair
    src_name, tgt_name = ctx.names
    todo = []
    for link in ctx.alignment.links:
        if not link.source or not link.target:
            continue
        tgt = normalize(words_to_translate(" ".join(ctx.target_units[j].text for j in link.target)))
        # Text that plainly reads as the target language (its function words, none of the
        # source's) is neither still in the source language nor left as it was. (Tested
        # first: it is the cheaper test, and the one most translated text meets.)
        if plainly_in(tgt, ctx.target_lang, ctx.source_lang):
            continue
        if len(_LETTER_WORDS.findall(tgt)) < MIN_PROSE_WORDS or len(_LETTERS.sub("", tgt)) < 12:
            continue
        todo.append((link, normalize(words_to_translate(" ".join(ctx.source_units[i].text for i in link.source))), tgt))
    if not todo:
        return
    from rapidfuzz import fuzz  # here: a run from the cache never needs it (it costs an import)

    found = identify_many([t for _, _, t in todo], [ctx.source_lang, ctx.target_lang])
    for (link, src, tgt), (lang, conf) in zip(todo, found):
        # Identical text is left alone when it reads as the target language: names, menu
        # labels and formats that the translation kept as they are.
        # and when it is not a sentence of the source language (fewer than two of its
        # function words): a title of names, a label, a command.
        sentence = function_words(tgt, ctx.source_lang)
        same = (fuzz.ratio(src, tgt) >= ctx.thresholds.not_translated_similarity
                and not (lang == ctx.target_lang and conf >= 0.5) and (sentence is None or sentence >= 2))
        if same or (lang == ctx.source_lang and conf >= 0.9):
            why = (f"is identical to the {src_name}" if same
                   else f"is still in {src_name} (language identified: {lang}, {conf:.0%})")
            yield Finding(
                "not-translated", Severity.ERROR, f"this {tgt_name} text {why}: {_quote(tgt)}",
                source=loc(p.source.path, ctx.source_units, link.source),
                target=loc(p.target.path, ctx.target_units, link.target), check="not-translated",
            )


MIN_PROSE_WORDS = 4  # words of letters: fewer say too little to tell a language or a copy
_LETTER_WORDS = re.compile(r"[^\W\d_]{2,}")


# How translators sign a note: N.d.T. / NdT (French), T.N., Translator's note, N. del T.,
# Anm. d. Übers.
_NOTE_MARK = re.compile(r"\bN\.?\s?d\.?\s?T\b|\bT\.N\.|translator'?s note|note du traducteur|\bN\. del T\b|Anm\. d\. Übers",
                        re.I)
_NOTE = re.compile(r"[*_]*\((?:[^()]|\([^()]*\))*\)[*_.]*")


def _after_code(ctx: PairContext, unit: int) -> bool:
    """Whether a target unit comes right after code or markup (a console message)."""
    doc, k = ctx.pair.target, ctx.target_units[unit].block
    return doc is not None and 0 < k <= len(doc.blocks) and doc.blocks[k - 1].kind in ("code", "html")


def translator_note(text: str) -> bool:
    """A paragraph wholly in parentheses (emphasis around it allowed). One that only the
    translation has, right after code or a console message, or signed as a translator's
    note (NdT, T.N.), is a translator's note (what the message says in the reader's
    language), added on purpose, not text it should lack."""
    text = text.strip()
    return text.startswith(("(", "*(", "_(", "**(", "__(")) and _NOTE.fullmatch(text) is not None


def new_sources(ctx: PairContext) -> set[int]:
    """Source units the sync record says are new: text it never held, and not a changed
    version of text it held (empty without a record). Computed once per pair."""
    return ctx.derived("new_sources", _new_sources)


def _new_sources(ctx: PairContext) -> set[int]:
    synced = ctx.synced
    if synced is None or not getattr(synced, "order", None):
        return set()
    from ..checks.stale import previous_texts
    from ..text import collapse

    current = [collapse(u.text) for u in ctx.source_units]
    changed = previous_texts(current, synced)
    return {i for i, t in enumerate(current) if t not in synced.texts and i not in changed}


def placed_pairs(ctx: PairContext) -> dict[Link, Link]:
    """:func:`in_place`, less the source blocks the sync record says are new (text it
    never held, and no changed text it held): new source text beside text only the
    translation has is untranslated, not a drift of that text."""
    def compute(ctx: PairContext) -> dict[Link, Link]:
        placed = in_place(ctx.alignment.links)
        new = new_sources(ctx) if placed else set()
        return {en: fr for en, fr in placed.items() if not all(i in new for i in fr.source)}

    return ctx.derived("placed_pairs", compute)


def in_place(links: Sequence[Link]) -> dict[Link, Link]:
    """English blocks alone in the place of a French block: a stretch between two links
    (or an end of the documents) of exactly one unlinked French block and one unlinked
    English block. Maps the English link to the French one.

    The English there is most often the old translation of that French, changed too
    much to be linked: a drift (as msgmerge marks a changed message fuzzy rather than
    untranslated), reported with both places rather than as French with no English.
    """
    out = {}
    run: list = []
    for link in (*links, None):
        if link is None or (link.source and link.target):
            fr = [l for l in run if len(l.source) == 1]
            en = [l for l in run if len(l.target) == 1]
            if len(run) == 2 and len(fr) == 1 and len(en) == 1:
                out[en[0]] = fr[0]
            run = []
        else:
            run.append(link)
    return out


def unrelated_new(ctx: PairContext) -> set[Link]:
    """Unrelated links (:func:`_unrelated`) that are not alone in their place: where the
    links before or after are not confident pairs either, the documents were edited
    there by more than a rewording (sections added, removed or moved), and source text
    beside unrelated translation text is new text (untranslated), not a drift of it. A
    lone unrelated link between two good ones is a paragraph rewritten in place: a drift."""
    def compute(ctx: PairContext) -> set[Link]:
        links = ctx.alignment.links
        out = set()
        for k, link in enumerate(links):
            if not (link.source and link.target and _unrelated(ctx, link)):
                continue
            around = [links[k + d] for d in (-1, 1) if 0 <= k + d < len(links)]
            if any((l.source and not l.target) or _unrelated(ctx, l) for l in around):
                out.add(link)
        return out

    return ctx.derived("unrelated_new", compute)


def _unrelated(ctx: PairContext, link) -> bool:
    return unrelated_link(link, ctx.source_units, ctx.target_units, ctx.thresholds)


def unrelated_link(link, source_units, target_units, thresholds) -> bool:
    """A 1-1 link between two long blocks that share (almost) nothing: the aligner kept
    them together for their place, but the English there is about something else:
    extra English, and a drift of the French's translation. Not when the meaning model
    (where it was consulted) finds that they say the same thing in other words."""
    if len(link.source) != 1 or len(link.target) != 1 or link.score >= thresholds.unrelated_link:
        return False
    if link.meaning is not None and link.meaning >= thresholds.meaning_same:
        return False
    return word_count(source_units[link.source[0]].text) >= 8 and word_count(target_units[link.target[0]].text) >= 8


def _unrelated_extra(ctx: PairContext, link) -> Finding:
    """The English of an unrelated link as extra (the drift check reports the French)."""
    p, fr, en = ctx.pair, ctx.source_units[link.source[0]], ctx.target_units[link.target[0]]
    message = (f"this {ctx.names[1]} text has no {ctx.names[0]} counterpart: the {ctx.names[0]} in its place (line {fr.line}) "
               f"shares nothing with it: {_quote(en.text)}")
    return Finding("extra", Severity.WARNING, message, target=loc(p.target.path, ctx.target_units, link.target),
                   check="extra", details={"link_score": round(link.score, 3)})


def _neighbour(ctx: PairContext, link) -> int:
    """Where the missing English would go: after this English line (0: at the top)."""
    links = ctx.alignment.links
    k = links.index(link)
    for prev in reversed(links[:k]):
        if prev.target:
            u = ctx.target_units[prev.target[-1]]
            return u.end_line
    return 0


def _quote(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= width else text[: width - 1] + "…") + '"'
