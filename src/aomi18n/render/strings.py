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
        "colon": ": ",
        "overview": "Where the {target} stands",
        "figures": "Figures",
        "coverage_words": "{Target} coverage of the {source} text",
        "coverage_blocks": "Paragraphs translated",
        "words_unit": "words",
        "paragraphs_unit": "paragraphs",
        "findings": "Problems found",
        "findings_col": "Problems",
        "state_col": "State of the text",
        "glossary_compliance": "Glossary terms used right",
        "documents": "Documents",
        "document": "{Source} document",
        "english": "{Target} document",
        "words": "Words",
        "translated": "Translated",
        "drift": "May no longer match",
        "stale": "Out of date",
        "in_po": "In a PO file",
        "untranslated": "Not translated yet",
        "missing": "No {target} document",
        "legend": "What the colours mean",
        "legend_translated": "the {target} says what the {source} says.",
        "legend_drift": "the {target} seems to say something else (a number, a name, a link or the length differs).",
        "legend_stale": "the {source} changed since its {target} was last brought up to date.",
        "legend_in_po": "a translator has translated it in a PO file; it is not in the {target} documents yet.",
        "legend_untranslated": "{source} text with no {target} in a document that has a translation.",
        "legend_missing": "{source} text of a document that has no {target} at all.",
        "legend_once": "Each paragraph (or heading, or list item) counts once, in the most serious of its states.",
        "work_published": "Published in {target}",
        "work_in_po": "Translated in PO files, not imported yet",
        "work_todo": "Still to translate",
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
        "all_findings": "All problems found",
        "pair_findings": "Problems found in this document",
        "sort_hint": "Click a column heading to sort.",
        "of": "of",
        "terms_checked": "glossary terms in the {source}, correct in the {target}",
        "priority": "Translate first",
        "no_glossary": "no glossary configured",
        "open": "side by side",
        "back": "Back to the overview",
        "shown": "shown",
        "no_match": "No document matches the filter.",
        "s_coverage": "The {target} covers {pct} % of the {source} text ({part} of {whole} words).",
        "s_docs_without": "{part} of {whole} {source} documents have no {target} yet.",
        "s_docs_without_1": "{part} of {whole} {source} documents has no {target} yet.",
        "s_docs_all": "All {whole} {source} documents have a {target} version.",
        "s_out_of_date": "{n} paragraphs of {target} are out of date or may no longer match.",
        "s_out_of_date_1": "1 paragraph of {target} is out of date or may no longer match.",
        "s_in_po": "{n} words are translated in PO files and wait to be imported.",
        "s_glossary": "{n} glossary errors remain.",
        "s_glossary_1": "1 glossary error remains.",
        "s_glossary_0": "No glossary error remains.",
        "s_no_glossary": "No glossary is configured.",
        "tool_message": "the tool's message (in English)",
        "explain_missing-document": "this {source} document has no {target} version.",
        "explain_orphan-document": "this {target} document translates no {source} document.",
        "explain_untranslated": "this {source} text has no {target} translation.",
        "explain_not-translated": "this text of the {target} document is still in {source}.",
        "explain_extra": "this {target} text has no {source} counterpart.",
        "explain_drift": "the {target} may no longer say what the {source} says.",
        "explain_stale": "the {source} changed since this {target} was last brought up to date.",
        "explain_glossary": "a glossary term is not translated as the glossary says.",
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
        "colon": "\u00a0: ",
        "overview": "Où en est la traduction en {target}",
        "figures": "Chiffres",
        "coverage_words": "Part du texte en {source} traduite en {target}",
        "coverage_blocks": "Paragraphes traduits",
        "words_unit": "mots",
        "paragraphs_unit": "paragraphes",
        "findings": "Problèmes relevés",
        "findings_col": "Problèmes",
        "state_col": "État du texte",
        "glossary_compliance": "Termes du glossaire bien employés",
        "documents": "Documents",
        "document": "Document en {source}",
        "english": "Document en {target}",
        "words": "Mots",
        "translated": "Traduit",
        "drift": "Ne correspond peut-être plus",
        "stale": "Périmé",
        "in_po": "Dans un fichier PO",
        "untranslated": "Pas encore traduit",
        "missing": "Aucun document en {target}",
        "legend": "Ce que disent les couleurs",
        "legend_translated": "le texte en {target} dit ce que dit le texte en {source}.",
        "legend_drift": "le texte en {target} semble dire autre chose (un nombre, un nom, un lien ou la longueur diffère).",
        "legend_stale": "le texte en {source} a changé depuis la dernière mise à jour de sa traduction.",
        "legend_in_po": "un traducteur l'a traduit dans un fichier PO ; la traduction n'est pas encore dans les documents en {target}.",
        "legend_untranslated": "texte en {source} sans traduction, dans un document qui en a une.",
        "legend_missing": "texte en {source} d'un document qui n'a aucune traduction en {target}.",
        "legend_once": "Chaque paragraphe (titre ou élément de liste) compte une fois, dans le plus grave de ses états.",
        "work_published": "Publié en {target}",
        "work_in_po": "Traduit dans des fichiers PO, pas encore importé",
        "work_todo": "Reste à traduire",
        "no_english": "Documents en {source} sans traduction en {target}",
        "none": "Aucun.",
        "filter": "Filtrer les documents",
        "side_by_side": "{Source} et {target} en regard",
        "french": "{Source}",
        "target_col": "{Target}",
        "no_translation": "(pas de traduction)",
        "english_only": "(seulement en {target})",
        "kind": "Type",
        "where": "Emplacement",
        "message": "Description",
        "all_findings": "Tous les problèmes relevés",
        "pair_findings": "Problèmes relevés dans ce document",
        "sort_hint": "Cliquer sur un en-tête de colonne pour trier.",
        "of": "sur",
        "terms_checked": "termes du glossaire dans le texte en {source}, corrects en {target}",
        "priority": "À traduire d'abord",
        "no_glossary": "aucun glossaire configuré",
        "open": "en regard",
        "back": "Retour à la vue d'ensemble",
        "shown": "affichés",
        "no_match": "Aucun document ne correspond au filtre.",
        "s_coverage": "La traduction en {target} couvre {pct} % du texte en {source} ({part} mots sur {whole}).",
        "s_docs_without": "{part} documents en {source} sur {whole} n'ont pas encore de traduction en {target}.",
        "s_docs_without_1": "{part} document en {source} sur {whole} n'a pas encore de traduction en {target}.",
        "s_docs_all": "Les {whole} documents en {source} ont tous une version en {target}.",
        "s_out_of_date": "{n} paragraphes en {target} sont périmés ou ne correspondent peut-être plus.",
        "s_out_of_date_1": "1 paragraphe en {target} est périmé ou ne correspond peut-être plus.",
        "s_in_po": "{n} mots sont traduits dans des fichiers PO et attendent d'être importés.",
        "s_glossary": "{n} erreurs de glossaire restent à corriger.",
        "s_glossary_1": "1 erreur de glossaire reste à corriger.",
        "s_glossary_0": "Aucune erreur de glossaire ne reste à corriger.",
        "s_no_glossary": "Aucun glossaire n'est configuré.",
        "tool_message": "message de l'outil (en anglais)",
        "explain_missing-document": "ce document en {source} n'a pas de version en {target}.",
        "explain_orphan-document": "ce document en {target} ne traduit aucun document en {source}.",
        "explain_untranslated": "ce texte en {source} n'a pas de traduction en {target}.",
        "explain_not-translated": "ce texte du document en {target} est encore en {source}.",
        "explain_extra": "ce texte en {target} n'a pas d'équivalent en {source}.",
        "explain_drift": "le texte en {target} ne dit peut-être plus ce que dit le texte en {source}.",
        "explain_stale": "le texte en {source} a changé depuis la dernière mise à jour de cette traduction.",
        "explain_glossary": "un terme du glossaire n'est pas traduit comme le glossaire le demande.",
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


def number(x: float | int, lang: str = "en") -> str:
    """A figure as the report's language writes it: 2,001 and 15.4 in English; 2 001 and
    15,4 in French (a narrow no-break space between thousands)."""
    text = f"{x:,.1f}" if isinstance(x, float) else f"{x:,d}"
    if lang == "fr":
        return text.replace(",", "\u202f").replace(".", ",")
    return text


_FRENCH_NAMES = {"fr": "français", "en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien",
                 "pt": "portugais", "nl": "néerlandais", "ar": "arabe", "ca": "catalan", "el": "grec", "tr": "turc"}


def language_label(code: str, ui_lang: str = "en") -> str:
    """A language's name in the report's language."""
    from ..langid import language_name

    if ui_lang == "fr":
        return _FRENCH_NAMES.get(code, language_name(code))
    return language_name(code)


def strings(lang: str, source_lang: str = "fr", target_lang: str = "en") -> dict[str, str]:
    """The report's strings in ``lang``, speaking of the project's two languages."""
    src, tgt = language_label(source_lang, lang), language_label(target_lang, lang)
    names = {"source": src, "target": tgt, "Source": src[:1].upper() + src[1:], "Target": tgt[:1].upper() + tgt[1:]}
    return {k: v.format_map(_Keep(names)) for k, v in STRINGS.get(lang, STRINGS["en"]).items()}


class _Keep(dict):
    """Language names filled in; the figures' placeholders ({pct}, {n}) kept for later."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
