"""Glossary check: forbidden English forms, and required forms missing from the English."""

from __future__ import annotations

from ..glossary import mask
from ..model import Finding, Location, Severity
from . import PairContext, check


def source_terms(ctx: PairContext) -> list:
    """The glossary terms found in each source unit (computed once per pair: the check
    and the report's compliance figure both count them)."""
    return ctx.derived("source_terms", lambda c: [c.glossary.find_fr(u.text) for u in c.source_units])


def _line_of(unit_text: str, unit_line: int, offset: int) -> int:
    return unit_line + unit_text.count("\n", 0, offset)


@check("glossary", Severity.ERROR, "A glossary term whose translation lacks the required form, or a forbidden form in the translation.")
def glossary(ctx: PairContext):
    g = ctx.glossary
    p = ctx.pair
    if not g.terms or p.target is None:
        return
    reported: set[tuple[int, str]] = set()
    # Forbidden forms anywhere in the English ("HCR" where "UNHCR" is required).
    for j, u in enumerate(ctx.target_units):
        for m in g.forbidden_in(u.text):
            line = _line_of(u.text, u.line, m.start)
            reported.add((j, m.term.fr))
            fr_loc = None
            if ctx.alignment is not None:
                for link in ctx.alignment.links:
                    if j in link.target and link.source:
                        su = [ctx.source_units[i] for i in link.source]
                        fr_loc = Location(p.source.path, su[0].line, su[-1].end_line)
            yield Finding(
                "glossary", Severity.ERROR,
                f"\"{m.text}\" must be \"{m.term.en}\" in {ctx.names[1]}" + (f" ({m.term.note})" if m.term.note else ""),
                source=fr_loc, target=Location(p.target.path, line, line), check="glossary", term=m.term.fr, expected=m.term.en,
                details={"found": m.text, "column": m.start + 1},
            )
    # "l'IOM" in a translation that is not French: the article of the French is left over.
    if not ctx.target_lang.startswith("fr"):
        for j, u in enumerate(ctx.target_units):
            for offset, written, form in g.french_article_before(u.text):
                yield Finding(
                    "glossary", Severity.ERROR,
                    f"\"{written}\": a French article before \"{form}\" in {ctx.names[1]}",
                    target=Location(p.target.path, _line_of(u.text, u.line, offset), _line_of(u.text, u.line, offset)),
                    check="glossary", term=form, expected=form, details={"found": written, "column": offset + 1},
                )
    if ctx.alignment is None or p.source is None:
        return
    found = source_terms(ctx)
    for link in ctx.alignment.links:
        if not link.source or not link.target:
            continue
        terms = {m.term.fr: m.term for i in link.source for m in found[i]}
        if not terms:
            continue
        en = " ".join(ctx.target_units[j].text for j in link.target)
        en_clean = None  # masked once, for all the terms of this link
        for term in terms.values():
            if any((j, term.fr) in reported for j in link.target):
                continue
            if en_clean is None:
                en_clean = mask(en)
            if term.find_en(en, en_clean):
                continue
            su = [ctx.source_units[i] for i in link.source]
            tu = [ctx.target_units[j] for j in link.target]
            yield Finding(
                "glossary", Severity.WARNING,
                f"the {ctx.names[0]} says \"{term.fr}\"; the {ctx.names[1]} should say \"{term.en}\"" + (f" ({term.note})" if term.note else ""),
                source=Location(p.source.path, su[0].line, su[-1].end_line),
                target=Location(p.target.path, tu[0].line, tu[-1].end_line),
                check="glossary", term=term.fr, expected=term.en,
            )
