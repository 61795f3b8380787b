"""The glossary: schema validation with lines, French matching, forbidden forms, fixing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aomi18n.errors import GlossaryError
from aomi18n.glossary import load_glossary, parse_glossary
from aomi18n.yamlutil import load_yaml

from .conftest import ROOT

GLOSSARY = load_glossary(ROOT / "glossary.yaml")


def parse(text: str):
    return parse_glossary(load_yaml(text, "g.yaml", GlossaryError), "g.yaml")


def test_bundled_glossary_is_valid_and_has_required_terms():
    g = load_glossary(ROOT / "glossary.yaml")
    by_fr = {t.fr: t for t in g.terms}
    assert by_fr["HCR"].en == "UNHCR" and "HCR" in by_fr["HCR"].forbidden
    assert by_fr["OIM"].en == "IOM" and "OIM" in by_fr["OIM"].forbidden
    for name in ("Commission de Venise", "Conseil de l'Europe", "Convention relative aux droits de l'enfant",
                 "Médiateur du Royaume du Maroc", "Organisation internationale pour les migrations", "AOM", "AOMF", "FIO", "IIO"):
        assert name in by_fr, name


@pytest.mark.parametrize(
    "text,expected",
    [
        ("avec l'OIM et le HCR", ["OIM", "HCR"]),
        ("avec l’OIM, d'OIM et du HCR.", ["OIM", "OIM", "HCR"]),
        ("le Conseil de l’Europe et les Commissions de Venise", ["Conseil de l'Europe", "Commission de Venise"]),
        ("le conseil de l'europe", ["Conseil de l'Europe"]),
        ("voir https://hcr.org/OIM et `OIM` et oim@example.org", []),
        ("le mot OIMS ou HCRE ne compte pas, ni oim en minuscules", []),
    ],
)
def test_french_matching_knows_elision_inflection_case_and_skips_code(text, expected):
    g = load_glossary(ROOT / "glossary.yaml")
    assert [m.term.fr for m in g.find_fr(text)] == expected


def test_forbidden_forms_and_fix_are_idempotent():
    g = load_glossary(ROOT / "glossary.yaml")
    text = "with the support of the HCR and OIM (not UNHCR's site https://x.org/HCR)"
    assert [m.text for m in g.forbidden_in(text)] == ["HCR", "OIM"]
    fixed, edits = g.fix(text)
    assert fixed == "with the support of the UNHCR and IOM (not UNHCR's site https://x.org/HCR)"
    assert len(edits) == 2
    assert g.fix(fixed) == (fixed, [])


@pytest.mark.parametrize(
    "text,message,line",
    [
        ("terms:\n  - fr: HCR\n\ten: UNHCR\n", "tab", 3),
        ("terms:\n  - fr: HCR\n    en: UNHCR\n    en: IOM\n", "duplicate key 'en'", 4),
        ("terms:\n  - fr: HCR\n    en: [UNHCR]\n", "needs 'en'", 3),
        ("terms:\n  - fr: HCR\n    en: UNHCR\n  - fr: HCR\n    en: IOM\n", "mapped twice", 4),
        ("terms:\n  - fr: HCR\n    en: UNHCR\n    colour: red\n", "unknown key 'colour'", 4),
        ("terms: !!python/object:os.system\n  x: 1\n", "unsupported YAML tag", 1),
        ("terms:\n  - fr: X\n    en: Y\n    forbidden: [Y]\n", "both required and forbidden", 4),
        ("terms:\n  - fr: X\n    en: UNX\n    forbidden: [UNX s]\n", None, None),
        ("- just\n- a list\n", "must be a mapping", 1),
        ("terms:\n  - fr: HCR\n    en: UNHCR\n    case: sometimes\n", "case must be", 4),
        ("version: 2\nterms: []\n", "unsupported glossary version", 1),
    ],
)
def test_bad_glossaries_name_the_line(text, message, line):
    if message is None:
        assert len(parse(text)) == 1
        return
    with pytest.raises(GlossaryError) as exc:
        parse(text)
    assert message in str(exc.value)
    assert exc.value.line == line
    assert exc.value.path == "g.yaml"


def test_glossary_check_apply_show_on_the_bundled_corpus(run, project):
    from .conftest import snapshot

    r = run(["glossary", "check", str(project)])
    assert r.exit_code == 1 and r.stdout.count(": glossary: ") == 3
    before = snapshot(project)
    dry = run(["glossary", "apply", str(project), "--dry-run"])
    assert dry.exit_code == 0 and "+3. **Capacity building**" in dry.stdout and "(UNHCR, IOM)" in dry.stdout
    assert snapshot(project) == before
    r = run(["glossary", "apply", str(project)])
    assert r.exit_code == 0 and "fixed 3 glossary forms in 1 files" in r.stderr
    assert run(["glossary", "check", str(project)]).exit_code == 0
    after = snapshot(project)
    assert run(["glossary", "apply", str(project)]).exit_code == 0
    assert snapshot(project) == after  # twice equals once
    changed = [k for k in after if after[k] != before[k]]
    assert changed == ["corpus/en/working-group-migrant-children-action-plan.txt"]
    assert after[changed[0]] == before[changed[0]].replace(b"(HCR, OIM)", b"(UNHCR, IOM)").replace(b"from the HCR", b"from the UNHCR")


def test_glossary_apply_leaves_code_and_urls_alone(run, project):
    doc = project / "corpus/en/working-group-migrant-children-action-plan.txt"
    doc.write_text(doc.read_text() + "\nSee `HCR` and https://example.org/HCR for the HCR.\n")
    run(["glossary", "apply", str(project)])
    assert doc.read_text().endswith("\nSee `HCR` and https://example.org/HCR for the UNHCR.\n")


def test_glossary_show_as_tbx_loads_in_translate_toolkit(run, project):
    from translate.storage import tbx

    r = run(["glossary", "show", str(project), "--format", "tbx"])
    store = tbx.tbxfile(r.stdout.encode())
    pairs = {u.source: u.target for u in store.units}
    assert pairs["HCR"] == "UNHCR" and pairs["OIM"] == "IOM"
    csv_out = run(["glossary", "show", str(project), "--format", "csv"]).stdout
    assert csv_out.splitlines()[0] == "fr,en,forbidden,category,note"


def test_apply_fixes_what_is_certain_and_leaves_a_french_article_to_the_translator():
    from aomi18n.glossary import load_glossary

    from .conftest import ROOT

    g = load_glossary(ROOT / "glossary.yaml")
    text, taken = g.fix("The OIM met l'OIM, staff de l'OIM and le HCR.")
    assert text == "The IOM met l'OIM, staff de l'OIM and le HCR."  # never "l'IOM"
    assert [m.text for m, _ in taken] == ["OIM"]
    assert g.fix(text)[0] == text  # twice = once
    # The ones left are still reported as forbidden forms.
    assert [m.text for m in g.forbidden_in(text)] == ["OIM", "OIM", "HCR"]


def test_a_french_article_glued_to_the_english_form_is_a_finding(run, project):
    import json

    doc = project / "corpus/en/working-group-migrant-children-action-plan.txt"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nA meeting with l'IOM was held.\n", encoding="utf-8")
    r = run(["--no-cache", "check", str(project), "--format", "json", "--select", "glossary"])
    found = [f for f in json.loads(r.stdout)["findings"] if "French article" in f["message"]]
    assert len(found) == 1 and found[0]["details"]["found"] == "l'IOM"


@given(st.lists(st.sampled_from(["HCR", "OIM", "Nations unies", "Haut-Commissariat aux réfugiés", "réfugiés", "x", "-",
                                 "/", " ", "l'", "é", "@", ".", "_", "1", "s", "es"]), max_size=12))
def test_terms_are_found_where_the_lookbehind_pattern_finds_them(pieces):
    # _find tests "not after a word character, @, /, . or -" itself; a regex with that
    # lookbehind in front gives the reference: the same matches, left to right.
    import re

    from aomi18n.glossary import mask

    text = "".join(pieces)
    clean = mask(text)
    for term in GLOSSARY.terms:
        for which, forms, inflect in (("fr", term.fr_forms, True), ("forbidden", term.forbidden, False)):
            if not forms:
                continue
            body = term._regex(which, forms, inflect)
            reference = re.compile(r"(?<![\w@/.-])" + body.pattern, body.flags)
            assert [(m.start, m.end) for m in term._find(body, text, clean)] == [m.span() for m in reference.finditer(clean)]


@given(st.text(alphabet="lLdDx'’IOMA1 -a", max_size=16))
def test_elided_articles_are_found_as_the_lookbehind_pattern_finds_them(text):
    import re

    from aomi18n.glossary import _ELIDED

    reference = re.compile(r"(?<![\w'\u2019])([LlDd])['\u2019]([A-Z][A-Z0-9]{1,15})\b")
    assert [(m.span(), m.groups()) for m in _ELIDED.finditer(text)] == [(m.span(), m.groups()) for m in reference.finditer(text)]
