"""The report's words, in English and in French, in one place.

{source} and {target} stand for the names of the project's two languages in the
report's own language ("French"/"English", or "français"/"anglais"); {Source} and
{Target} capitalized.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "{Target} translation: completeness report",
        "generated": "Generated",
        "overview": "Overview",
        "coverage_words": "{Target} coverage (words)",
        "coverage_blocks": "{Target} coverage (blocks)",
        "findings": "Findings",
        "glossary_compliance": "Glossary compliance",
        "documents": "Documents",
        "document": "{Source} document",
        "english": "{Target} document",
        "words": "Words",
        "translated": "Translated",
        "drift": "Drifted",
        "stale": "Stale",
        "untranslated": "Untranslated",
        "missing": "Missing",
        "no_english": "{Source} documents with no {target}",
        "none": "None.",
        "filter": "Filter documents",
        "side_by_side": "{Source} and {target} side by side",
        "french": "{Source}",
        "target_col": "{Target}",
        "no_translation": "(no {target})",
        "english_only": "({target} only)",
        "kind": "Kind",
        "where": "Where",
        "message": "Message",
        "all_findings": "All findings",
        "sort_hint": "Click a column heading to sort.",
        "of": "of",
        "terms_checked": "glossary terms in the {source}, correct in the {target}",
        "priority": "Translate first",
        "no_glossary": "no glossary configured",
        # The finding kinds in plain words (the ids stay in JSON, SARIF and the CLI).
        "kind_missing-document": "documents with no {target}",
        "kind_orphan-document": "{target} documents with no {source}",
        "kind_untranslated": "not translated yet",
        "kind_not-translated": "still in {source}",
        "kind_extra": "{target}-only text",
        "kind_drift": "{target} that no longer matches",
        "kind_stale": "out of date",
        "kind_glossary": "glossary errors",
    },
    "fr": {
        "title": "Traduction en {target} : état d'avancement",
        "generated": "Produit le",
        "overview": "Vue d'ensemble",
        "coverage_words": "Couverture en {target} (mots)",
        "coverage_blocks": "Couverture en {target} (blocs)",
        "findings": "Constats",
        "glossary_compliance": "Respect du glossaire",
        "documents": "Documents",
        "document": "Document en {source}",
        "english": "Document en {target}",
        "words": "Mots",
        "translated": "Traduit",
        "drift": "Divergent",
        "stale": "Périmé",
        "untranslated": "Non traduit",
        "missing": "Manquant",
        "no_english": "Documents en {source} sans traduction en {target}",
        "none": "Aucun.",
        "filter": "Filtrer les documents",
        "side_by_side": "{Source} et {target} en regard",
        "french": "{Source}",
        "target_col": "{Target}",
        "no_translation": "(pas de traduction)",
        "english_only": "(seulement en {target})",
        "kind": "Type",
        "where": "Où",
        "message": "Message",
        "all_findings": "Tous les constats",
        "sort_hint": "Cliquer sur un en-tête de colonne pour trier.",
        "of": "sur",
        "terms_checked": "termes du glossaire dans le texte en {source}, corrects en {target}",
        "priority": "À traduire d'abord",
        "no_glossary": "aucun glossaire configuré",
        "kind_missing-document": "documents sans traduction",
        "kind_orphan-document": "documents en {target} sans original",
        "kind_untranslated": "pas encore traduit",
        "kind_not-translated": "encore en {source}",
        "kind_extra": "texte seulement en {target}",
        "kind_drift": "traduction qui ne correspond plus",
        "kind_stale": "périmé",
        "kind_glossary": "erreurs de glossaire",
    },
}


_FRENCH_NAMES = {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien",
                 "pt": "portugais", "nl": "néerlandais", "ar": "arabe", "ca": "catalan", "el": "grec", "tr": "turc"}


def language_label(code: str, ui_lang: str = "en") -> str:
    """A language's name in the report's language."""
    from .langid import language_name

    if ui_lang == "fr":
        return _FRENCH_NAMES.get(code, language_name(code))
    return language_name(code)


def strings(lang: str, source_lang: str = "fr", target_lang: str = "en") -> dict[str, str]:
    """The report's strings in ``lang``, speaking of the project's two languages."""
    src, tgt = language_label(source_lang, lang), language_label(target_lang, lang)
    names = {"source": src, "target": tgt, "Source": src[:1].upper() + src[1:], "Target": tgt[:1].upper() + tgt[1:]}
    return {k: v.format(**names) for k, v in STRINGS.get(lang, STRINGS["en"]).items()}
