"""Checks on small constructed pairs: what is a drift, what is not, and the alignment under them."""

from __future__ import annotations

from pathlib import Path

import pytest

from aomi18n.alignment import align
from aomi18n.analysis import analyze
from aomi18n.config import load_config
from aomi18n.checks.coverage import in_place
from aomi18n.model import Link
from aomi18n.text import code_spans

from .test_alignment import SENTENCES, TRANSLATIONS


def _findings(tmp_path: Path, fr: list[str], en: list[str], name: str = "doc.md"):
    for lang, blocks in (("fr", fr), ("en", en)):
        d = tmp_path / "corpus" / lang
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return [f for r in analyze(load_config(tmp_path)).results for f in r.findings]


def test_code_spans_of_markdown_and_restructuredtext():
    text = "Le ``x and y`` et :class:`ArgumentParser`, :ref:`le tutoriel <argparse-tutorial>`, ```a`b``` et ` seul"
    assert code_spans(text) == ["x and y", "ArgumentParser", "argparse-tutorial", "a`b"]


FR_CODE = "La classe ``ArgumentParser`` analyse les arguments de la ligne de commande et renvoie un objet."
EN_SAME = "The ArgumentParser class parses the command-line arguments and returns an object."
EN_NEW = "The :class:`ArgumentParser` class parses the command-line arguments, calls :func:`sys.exit` and returns an object."


@pytest.mark.parametrize("en, drifted", [(EN_SAME, False), (EN_NEW, True)])
def test_inline_code_drift_ignores_markup_but_sees_new_code(tmp_path, en, drifted):
    found = _findings(tmp_path, [SENTENCES[0], FR_CODE, SENTENCES[1]], [TRANSLATIONS[0], en, TRANSLATIONS[1]])
    drift = [f for f in found if f.kind == "drift"]
    assert bool(drift) == drifted
    if drifted:
        assert "sys.exit" in drift[0].message and drift[0].fr.line == 3


@pytest.mark.parametrize("en, drifted", [
    ("The report of the Idle working group was adopted by the assembly in plenary session.", False),
    ("The report of the IDLEs working group was adopted by the assembly in plenary session.", False),  # plural
    ("The report of the IDLEST working group was adopted by the assembly in plenary session.", True),
    ("The report of the working group was adopted by the assembly in plenary session.", True),
])
def test_acronym_missing_in_english_in_any_case(tmp_path, en, drifted):
    fr = "Le rapport du groupe de travail IDLE a été adopté par l'assemblée en séance plénière."
    found = _findings(tmp_path, [SENTENCES[0], fr], [TRANSLATIONS[0], en])
    assert any(f.kind == "drift" and "IDLE" in f.message for f in found) == drifted


@pytest.mark.parametrize("fr, en, missing", [
    ("Un EDI pour Python.", "An IDE for Python.", []),  # the same letters in the English order
    ("Plusieurs EDI pour Python.", "Several IDEs for Python.", []),
    ("Voir la PEP qui l'a proposé.", "See the Python Enhancement Proposal that proposed it.", []),  # spelled out
    ("Appelez ``sub('BBBBB')`` ici.", "Call ``sub('BBBB')`` here.", []),  # inside code: the code check's
    ("Un EDI et un script CGI pour Python.", "An IDE for Python and a gateway.", ["CGI"]),
    ("Le rapport de l'OTAN et de l'ABC.", "The NATO report and the BCD one.", ["ABC"]),  # BCD is no anagram
])
def test_acronyms_the_english_spells_out_or_reorders(fr, en, missing):
    from aomi18n.checks.drift import _missing_acronyms

    assert _missing_acronyms(fr, en, set()) == missing


@pytest.mark.parametrize("fr, en, differs", [
    # The names and strings of an example, translated: same shape once the words are blanked out.
    ("``truc.machin`` et ``'chat'``", "``foo.bar`` and ``'cat'``", []),
    ("``'cela autorise les \"guillemets\"'``", "``'allows embedded \"double\" quotes'``", []),
    ("le filtre ``(x, *reste)``", "the pattern ``(x, *rest)``", []),
    # A French term in code markup; an English term whose words the French has.
    ("des :dfn:`assertions de largeur zéro`", "some zero-width assertions", []),
    ("une assertion :dfn:`lookahead`", "a :dfn:`lookahead assertion`", []),
    # Sphinx markup around a name is not code.
    ("lève :exc:`ValueError`", "raises :exc:`!ValueError`", []),
    # New code, a changed shape, an English term the French lacks: differences.
    ("appelle ``f()``", "calls ``f()`` and ``sys.exit``", ["sys.exit"]),
    ("voir ``options.verbose``", "see ``parse(argv)``", ["options.verbose", "parse(argv)"]),
    ("un objet", "a :term:`closure variable`", ["closure variable"]),
])
def test_inline_code_translated_in_examples_is_not_a_difference(fr, en, differs):
    from aomi18n.checks.drift import _code_differences

    source_only, target_only = _code_differences(fr, en)
    assert sorted({*source_only, *target_only}) == differs


@pytest.mark.parametrize("fr, en, differs", [
    # The same cross-references, in another order or with another display: none.
    (":meth:`close` puis :class:`Serveur <Server>`", "the :class:`Server` after :meth:`close`", []),
    # Typography is not a cross-reference; a role with a domain is one of its own.
    ("le 1 :sup:`er` janvier", "January 1", []),
    # A name the English now links, twice; a link the English turned into a literal.
    ("``_name_`` et ``_value_``", ":attr:`~Enum._name_` and :attr:`~Enum._value_`", ["only in the English: 2 :attr:"]),
    (":const:`1 (VER_NT_WORKSTATION)`", "``1`` (VER_NT_WORKSTATION)", ["only in the French: 1 :const:"]),
    # The translator made a plain English word a link: not the English's change.
    ("renvoie un :class:`!float`", "returns a float", []),
    (":py:func:`len` et :func:`min`", ":func:`len` and :func:`min`", ["only in the English: 1 :func:", "only in the French: 1 :py:func:"]),
])
def test_cross_references_on_one_side_only(fr, en, differs):
    from aomi18n.checks.drift import _role_differences

    assert _role_differences(fr, en) == differs


def test_translated_example_names_are_not_code_the_english_document_uses():
    from aomi18n.checks.drift import _code_differences

    fr, en = "comme la commande POSIX ``rm -f``", "as the POSIX ``mkdir -p`` command"
    assert _code_differences(fr, en) == ([], [])  # the same shape: read as a translated example
    # ...unless the English document uses the French one elsewhere: then it is code.
    assert _code_differences(fr, en, "call rm -f to remove it") == (["rm -f"], ["mkdir -p"])


def test_a_french_block_split_in_the_english_is_a_drift(tmp_path):
    fr = [SENTENCES[0], SENTENCES[1] + " " + SENTENCES[2], SENTENCES[3]]
    en = [TRANSLATIONS[0], TRANSLATIONS[1], TRANSLATIONS[2], TRANSLATIONS[3]]
    found = [f for f in _findings(tmp_path, fr, en) if f.kind == "drift"]
    assert [(f.fr.line, f.en.line, f.en.end_line) for f in found] == [(3, 3, 5)]
    assert "splits this French block into 2" in found[0].message


def test_identical_text_is_not_translated_only_when_it_is_not_english(tmp_path):
    label = "Go to File/Line from the Edit menu"
    french = "Le Médiateur a reçu les plaintes des familles des enfants migrants."
    found = _findings(tmp_path, [SENTENCES[0], label, french, SENTENCES[1]], [TRANSLATIONS[0], label, french, TRANSLATIONS[1]])
    flagged = [f.en.line for f in found if f.kind == "not-translated"]
    assert flagged == [5]


@pytest.mark.parametrize("fr, en, drifted", [
    ("La date s'écrit 16/08/1988 dans la locale française du système.", "The date reads 16.08.1988 in the German locale of the system.", False),
    ("La date s'écrit 16/08/1988 dans la locale française du système.", "The date reads 16.08.1989 in the German locale of the system.", True),
    ("Le fichier compte 1 000 000 de lignes au total dans ce cas.", "The file has 1.000.000 lines in all in this case here.", False),
])
def test_numbers_in_dotted_dates_and_groups(tmp_path, fr, en, drifted):
    found = _findings(tmp_path, [SENTENCES[0], fr, SENTENCES[1]], [TRANSLATIONS[0], en, TRANSLATIONS[1]])
    assert any(f.kind == "drift" and "numbers differ" in f.message for f in found) == drifted


def test_code_with_a_translated_condition_is_not_identical_to_the_french(tmp_path):
    """Mostly code on both sides, but the English words around it are English
    (python-docs datetime: "..., if :attr:`microsecond` is not 0")."""
    code = "``YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM[:SS[.ffffff]]``, "
    fr = code + "si :attr:`microsecond` ne vaut pas 0"
    en = code + "if :attr:`microsecond` is not 0"
    found = _findings(tmp_path, [SENTENCES[0], fr, SENTENCES[1]], [TRANSLATIONS[0], en, TRANSLATIONS[1]])
    assert not [f for f in found if f.kind == "not-translated"]
    # The same English with the French words left in it is still flagged.
    found = _findings(tmp_path, [SENTENCES[0], fr, SENTENCES[1]], [TRANSLATIONS[0], fr, TRANSLATIONS[1]])
    assert [f.en.line for f in found if f.kind == "not-translated"] == [3]


@pytest.mark.parametrize("text, plain", [
    ("A study visit took place in Rome in 2017.", True),  # in, in
    ("The report was adopted and the plan of the group", True),
    ("Une visite d'étude a eu lieu à Rome en 2017.", False),  # no English function word
    ("The report du groupe de travail", False),  # French function words too
    ("Rome 2017", False),
])
def test_plainly_english(text, plain):
    from aomi18n.langid import plainly_in

    assert plainly_in(text, "en", "fr") is plain
    assert plainly_in(text, "en", "xx") is False  # no function words known for "xx": never plain


def test_two_unrelated_english_paragraphs_are_two_0_1_links_not_merges():
    en = list(TRANSLATIONS)
    added = ["Skip to the list of format codes.", "Python installation issues occasionally stop the server."]
    en[4:4] = added
    al = align(SENTENCES, en)
    assert ((), (4,)) in [(l.source, l.target) for l in al.links]
    assert ((), (5,)) in [(l.source, l.target) for l in al.links]
    assert sum(1 for l in al.links if l.source and l.target) == len(SENTENCES)


def test_many_added_english_blocks_do_not_shift_the_alignment():
    """The length ratio comes from the 1-1 links, not from documents padded with extra text."""
    fr, en, gold = [], [], []
    for k in range(30):
        s, t = SENTENCES[k % 8], TRANSLATIONS[k % 8]
        fr.append(f"{s} ({k + 100})")
        en.append(f"{t} ({k + 100})")
        gold.append(((k,), (len(en) - 1,)))
        if k % 3 == 0:
            en.append("An English paragraph written long after the French one, explaining a feature at length "
                      "with many more words than any of the translated paragraphs around it in this document.")
    al = align(fr, en)
    got = [(l.source, l.target) for l in al.links if l.source]
    assert got == gold


@pytest.mark.parametrize("fr, en, drifted", [
    # a compound number in English, a word in French: the same number
    ("La méthode renvoie un triplet contenant la partie avant le séparateur et la partie après.",
     "The method returns a 3-tuple containing the part before the separator and the part after.", False),
    # the same compound against a plain number still matches; a changed number does not
    ("Le plan couvre une période de 10 ans et prévoit des visites régulières des centres.",
     "The plan covers a 10-year period and provides for regular visits to the centres.", False),
    ("Le plan couvre une période de 10 ans et prévoit des visites régulières des centres.",
     "The plan covers a 12-year period and provides for regular visits to the centres.", True),
])
def test_numbers_in_compounds(tmp_path, fr, en, drifted):
    found = _findings(tmp_path, [SENTENCES[0], fr], [TRANSLATIONS[0], en])
    assert any(f.kind == "drift" and "numbers differ" in f.message for f in found) == drifted


@pytest.mark.parametrize("en_url, drifted", [
    ("https://en.wikipedia.org/wiki/Ombudsman", False),
    ("https://example.org/other-page", True),
])
def test_links_to_the_translated_page_of_the_same_site_are_not_drift(tmp_path, en_url, drifted):
    fr = "Voir l'article https://fr.wikipedia.org/wiki/Médiateur_(fonction) pour une présentation générale du rôle."
    en = f"See the article {en_url} for a general presentation of the role."
    found = _findings(tmp_path, [SENTENCES[0], fr], [TRANSLATIONS[0], en])
    assert any(f.kind == "drift" and "links differ" in f.message for f in found) == drifted


def test_an_unrelated_english_block_in_the_place_of_the_french_is_a_drift(tmp_path):
    """The English in the French's place is about something else: its translation
    drifted (both places named), not French with no English."""
    fr_other = "Le comité a examiné les plaintes des familles des enfants migrants pendant toute la session."
    en_other = "Press the button twice to reload the configuration of the server without stopping it."
    fr = [SENTENCES[0], SENTENCES[1], fr_other, SENTENCES[3]]
    en = [TRANSLATIONS[0], TRANSLATIONS[1], en_other, TRANSLATIONS[3]]
    found = _findings(tmp_path, fr, en)
    assert not [f for f in found if f.kind == "untranslated"]
    assert [(f.fr.line, f.en.line) for f in found if f.kind == "drift"] == [(5, 5)]
    # A faithful translation in the same place is none of these.
    found = _findings(tmp_path / "faithful", fr[:2] + [SENTENCES[2], SENTENCES[3]], en[:2] + [TRANSLATIONS[2], TRANSLATIONS[3]])
    assert not [f for f in found if f.kind in ("untranslated", "extra", "drift")]


def test_in_place_pairs_one_unlinked_french_block_with_one_unlinked_english_block():
    L = Link
    links = (L((0,), (0,), 1.0), L((1,), (), 0.0), L((), (1,), 0.0), L((2,), (2,), 1.0),  # in place
             L((3,), (), 0.0), L((4,), (), 0.0), L((), (3,), 0.0),  # two French for one English: no
             L((5,), (4,), 1.0), L((), (5,), 0.0), L((6,), (), 0.0))  # at the end, either order
    assert in_place(links) == {links[2]: links[1], links[8]: links[9]}
    assert in_place(links[:2]) == {}  # French alone: untranslated




def test_the_checks_run_in_one_order_whichever_module_was_imported_first():
    # The order of the checks is the findings' order and part of the cache's keys: a
    # program that imports one check module before the first analysis gets the same.
    import subprocess
    import sys

    probe = "{}\nfrom aomi18n.checks import selected\nprint(' '.join(c.id for c in selected()))"
    orders = {subprocess.run([sys.executable, "-c", probe.format(first)], capture_output=True, text=True,
                             timeout=60, check=True).stdout.strip()
              for first in ("", "import aomi18n.checks.terminology", "import aomi18n.checks.stale")}
    assert len(orders) == 1 and orders.pop().split()[0] == "missing-document"
