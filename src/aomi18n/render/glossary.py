"""The glossary for translators: a text table, CSV and TBX (``glossary show``)."""

from __future__ import annotations


def _term_rows(glossary) -> list[tuple[str, ...]]:
    rows = []
    for t in glossary.terms:
        english = "(keep as is)" if t.keep else " | ".join(t.en_forms)
        rows.append((" | ".join(t.fr_forms), english, ", ".join(t.forbidden), t.category, t.note))
    return rows


def glossary_text(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    head = (source_lang, target_lang, "forbidden", "category", "note")
    rows = [head] + _term_rows(glossary)
    widths = [min(40, max(len(r[c]) for r in rows)) for c in range(4)]
    out = []
    for r in rows:
        cells = [(r[c] if len(r[c]) <= widths[c] else r[c][: widths[c] - 1] + "…").ljust(widths[c]) for c in range(4)]
        out.append("  ".join(cells + [r[4]]).rstrip())
    return "\n".join(out) + f"\n\n{len(glossary.terms)} terms\n"


def glossary_csv(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([source_lang, target_lang, "forbidden", "category", "note"])
    w.writerows(_term_rows(glossary))
    return buf.getvalue()


def glossary_tbx(glossary, source_lang: str = "fr", target_lang: str = "en") -> str:
    """TermBase eXchange through translate-toolkit (CAT tools, Weblate glossaries)."""
    from translate.storage import tbx

    store = tbx.tbxfile()
    store.setsourcelanguage(source_lang)
    store.settargetlanguage(target_lang)
    for t in glossary.terms:
        unit = store.addsourceunit(t.fr)
        unit.target = t.fr if t.keep else t.en
        notes = [t.note] if t.note else []
        if t.forbidden:
            notes.append("Never in English: " + ", ".join(t.forbidden))
        for n in notes:
            unit.addnote(n)
    return bytes(store).decode("utf-8")
