"""The PO loop: export, update, import, round trips, conflicts, stale French."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .conftest import ROOT, snapshot

EN_DOC = "corpus/en/working-group-migrant-children-action-plan.txt"
FR_PO = "po/en/groupe-travail-enfants-migrants-plan-2017-2018.po"

FR = """# Rapport annuel 2019

Le Médiateur a reçu 1 245 plaintes en 2019, soit 12 % de plus qu'en 2018.

La Commission de Venise a adopté les Principes de Venise le 15 mars 2019.

Le HCR et l'OIM ont participé à 3 réunions à Rabat et à Tunis.

- Formation de 40 agents à Alger
- Visite d'étude à Lisbonne en 2020

Le groupe de travail se réunira à Malte le 7 octobre 2020.
"""

EN = """# Annual report 2019

The Ombudsman received 1,245 complaints in 2019, 12% more than in 2018.

The Venice Commission adopted the Venice Principles on 15 March 2019.

UNHCR and IOM took part in 3 meetings in Rabat and Tunis.

- Training of 40 officers in Algiers
- Study visit to Lisbon in 2020

The working group will meet in Malta on 7 October 2020.
"""


def make(tmp_path: Path, fr: str = FR, en: str | None = EN, glossary: Path | None = ROOT / "glossary.yaml") -> Path:
    root = tmp_path / "proj"
    (root / "corpus/fr").mkdir(parents=True)
    (root / "corpus/en").mkdir(parents=True)
    (root / "corpus/fr/rapport.md").write_bytes(fr.encode())
    if en is not None:
        (root / "corpus/en/rapport.md").write_bytes(en.encode())
    if glossary:
        shutil.copy(glossary, root / "glossary.yaml")
    return root


def entries(path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(path)) if not e.obsolete}


def edit_po(path: Path, fn) -> None:
    po = polib.pofile(str(path))
    for e in po:
        fn(e)
    po.save()


def test_export_writes_valid_po_with_references_notes_and_header(run, project):
    r = run(["po", "export", str(project)])
    assert r.exit_code == 0, r.output
    po = polib.pofile(str(project / FR_PO))
    assert po.metadata["Language"] == "en"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"].startswith("nplurals=2")
    assert po.metadata["X-Aomi18n-Target"] == EN_DOC
    e = next(e for e in po if "HCR" in e.msgid)
    assert "Glossary: HCR -> UNHCR" in e.comment and "OIM -> IOM" in e.comment
    assert e.occurrences[0][0] == "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt"
    assert e.msgstr and "HCR" in e.msgstr  # the English as it stands, findings noted
    assert "glossary:" in e.comment
    assert (project / "po/templates/groupe-travail-enfants-migrants-plan-2017-2018.pot").is_file()
    # French with no English at all: a PO with empty msgstr
    other = polib.pofile(str(project / "po/en/plan-action-2017-cooperation-formation-site.po"))
    assert other.percent_translated() == 0 and len(other) > 5
    # Identical French of the two web pages: translated once in the shared catalog
    shared = polib.pofile(str(project / "po/en/_shared.po"))
    nav = next(e for e in shared if e.msgid == "Notre Travail")
    assert {p for p, _ in nav.occurrences} == {"corpus/fr/oim-maroc-conference-cloture-salemm.txt",
                                               "corpus/fr/oim-maroc-formations-acteurs-institutionnels-2022.txt"}
    assert all(e.msgid != "Notre Travail" for e in polib.pofile(str(project / "po/en/oim-maroc-conference-cloture-salemm.po")))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (GNU gettext) is not installed")
def test_every_po_file_passes_msgfmt_check(run, project):
    run(["po", "export", str(project)])
    files = sorted((project / "po/en").glob("*.po"))
    assert len(files) == 5
    for f in files:
        out = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(f)], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr


def test_po_files_load_in_translate_toolkit(run, project):
    from translate.storage import factory
    from translate.tools.pocount import calcstats

    run(["po", "export", str(project)])
    path = project / FR_PO
    store = factory.getobject(str(path))
    units = [u for u in store.units if not u.isheader()]
    assert len(units) == 13
    stats = calcstats(str(path))
    assert stats["translated"] == 13 and stats["untranslated"] == 0


def test_export_then_import_unchanged_is_byte_identical(run, project):
    run(["po", "export", str(project)])
    before = snapshot(project / "corpus")
    r = run(["po", "import", str(project)])
    assert r.exit_code == 0
    assert snapshot(project / "corpus") == before
    # and a second export changes no PO file
    po_before = snapshot(project / "po")
    r = run(["po", "export", str(project)])
    assert snapshot(project / "po") == po_before and "0 files written" in r.stderr


def _exported(run, project: Path, *args: str) -> dict[str, bytes]:
    shutil.rmtree(project / "po", ignore_errors=True)
    r = run([*args, "po", "export", str(project)])
    assert r.exit_code == 0, r.output
    return snapshot(project / "po")


def test_export_from_its_cache_writes_what_a_fresh_export_writes(run, project, monkeypatch):
    # A second export takes each document's entries from the cache, reading no document,
    # and writes the same bytes as an export that caches nothing; so does one after an
    # edit, for the edited document and for the one whose shared French it changes.
    from aomi18n import analysis

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fresh = _exported(run, project, "--no-cache")
    assert _exported(run, project) == fresh
    real, loaded = analysis._full_entry, []
    monkeypatch.setattr(analysis, "_full_entry", lambda *a: loaded.append(a) or real(*a))
    assert _exported(run, project) == fresh and loaded == []
    r = run(["po", "export", str(project)])  # over its own files: the same, nothing read or written
    assert snapshot(project / "po") == fresh and "0 files written" in r.stderr and loaded == []

    # One web page's "Notre Travail" changes: it is no longer shared French, and the other
    # page (whose files did not change) gets its own entry for it.
    fr = project / "corpus/fr/oim-maroc-conference-cloture-salemm.txt"
    fr.write_text(fr.read_text().replace("Notre Travail", "Nos Travaux", 1))
    fresh = _exported(run, project, "--no-cache")
    assert not any(e.msgid == "Notre Travail" for e in polib.pofile(str(project / "po/en/_shared.po")))
    assert any(e.msgid == "Notre Travail"
               for e in polib.pofile(str(project / "po/en/oim-maroc-formations-acteurs-institutionnels-2022.po")))
    assert _exported(run, project) == fresh
    # The edited page was analysed again; of the others, only the page whose shared
    # French changed was read back from the cache, to be written anew.
    assert len(loaded) == 1 and loaded[0][1][0].relpath == "oim-maroc-formations-acteurs-institutionnels-2022.txt"
    assert _exported(run, project) == fresh


def test_import_writes_only_the_changed_entry(run, project):
    run(["po", "export", str(project)])
    original = (project / EN_DOC).read_text()
    edit_po(project / FR_PO, lambda e: setattr(e, "msgstr", "Draft action plan 2017-2018") if e.msgstr == "Action plan 2017-2018" else None)
    dry = run(["po", "import", str(project), "--dry-run"])
    assert dry.exit_code == 0
    assert "-Action plan 2017-2018\n+Draft action plan 2017-2018" in dry.stdout
    assert (project / EN_DOC).read_text() == original
    r = run(["po", "import", str(project)])
    assert r.exit_code == 0, r.output
    assert (project / EN_DOC).read_text() == original.replace("\nAction plan 2017-2018\n", "\nDraft action plan 2017-2018\n")


def test_untranslated_paragraph_is_inserted_at_its_place(run, tmp_path):
    en = EN.replace("The Venice Commission adopted the Venice Principles on 15 March 2019.\n\n", "")
    root = make(tmp_path, en=en)
    run(["po", "export", str(root)])
    po_file = root / "po/en/rapport.po"
    e = entries(po_file)["La Commission de Venise a adopté les Principes de Venise le 15 mars 2019."]
    assert e.msgstr == ""
    edit_po(po_file, lambda e: setattr(e, "msgstr", "The Venice Commission adopted the Venice Principles on 15 March 2019.")
            if e.msgid.startswith("La Commission") else None)
    r = run(["po", "import", str(root)])
    assert r.exit_code == 0, r.output
    assert (root / "corpus/en/rapport.md").read_text() == EN


def test_newly_translated_list_item_keeps_its_marker(run, tmp_path):
    root = make(tmp_path, en=EN.replace("- Study visit to Lisbon in 2020\n", ""))
    run(["po", "export", str(root)])
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "Study visit to Lisbon in 2020")
            if e.msgid.startswith("Visite") else None)
    assert run(["po", "import", str(root)]).exit_code == 0
    assert (root / "corpus/en/rapport.md").read_text() == EN


def test_hand_edit_of_the_english_is_never_overwritten(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    doc = root / "corpus/en/rapport.md"
    hand = EN.replace("took part in 3 meetings", "attended 3 meetings")
    doc.write_text(hand)
    # the PO is unchanged for that entry: import keeps the hand edit
    assert run(["po", "import", str(root)]).exit_code == 0
    assert doc.read_text() == hand
    # the translator changed the same entry too: a conflict, reported and left alone
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "UNHCR and IOM joined 3 meetings in Rabat and Tunis.")
            if e.msgid.startswith("Le HCR") else None)
    r = run(["po", "import", str(root)])
    assert r.exit_code == 1
    assert "corpus/en/rapport.md:7: conflict" in r.stderr
    assert doc.read_text() == hand
    assert run(["po", "import", str(root), "--force"]).exit_code == 0
    assert "UNHCR and IOM joined 3 meetings" in doc.read_text()


def test_fuzzy_entries_are_imported_only_when_asked(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])

    def change(e):
        if e.msgid.startswith("Le groupe"):
            e.msgstr = "The working group will meet in Valletta on 7 October 2020."
            e.flags.append("fuzzy")

    edit_po(root / "po/en/rapport.po", change)
    assert run(["po", "import", str(root)]).exit_code == 0
    assert "Valletta" not in (root / "corpus/en/rapport.md").read_text()
    assert run(["po", "import", str(root), "--fuzzy"]).exit_code == 0
    assert "Valletta" in (root / "corpus/en/rapport.md").read_text()


def test_wrapped_english_is_rewrapped_like_the_original(run, tmp_path):
    en = EN.replace("The Ombudsman received 1,245 complaints in 2019, 12% more than in 2018.",
                    "The Ombudsman received 1,245 complaints in 2019,\n12% more than in 2018.")
    root = make(tmp_path, en=en)
    run(["po", "export", str(root)])
    e = next(e for e in entries(root / "po/en/rapport.po").values() if e.msgid.startswith("Le Médiateur"))
    assert e.msgstr == "The Ombudsman received 1,245 complaints in 2019, 12% more than in 2018."
    assert run(["po", "import", str(root)]).exit_code == 0
    assert (root / "corpus/en/rapport.md").read_text() == en  # unchanged text keeps its line breaks
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "The Ombudsman received 1,245 complaints in 2019: "
                                                        "12% more than in 2018, the highest number so far.") if e.msgid.startswith("Le Médiateur") else None)
    run(["po", "import", str(root)])
    para = (root / "corpus/en/rapport.md").read_text().split("\n\n")[1]
    assert "\n" in para and max(len(x) for x in para.splitlines()) <= 49


def test_crlf_document_keeps_its_newlines(run, tmp_path):
    root = make(tmp_path, fr=FR.replace("\n", "\r\n"), en=EN.replace("The Venice Commission adopted the Venice Principles on 15 March 2019.\n\n", "").replace("\n", "\r\n"))
    run(["po", "export", str(root)])
    assert run(["po", "import", str(root)]).exit_code == 0
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "The Venice Commission adopted the Venice Principles on 15 March 2019.")
            if e.msgid.startswith("La Commission") else None)
    assert run(["po", "import", str(root)]).exit_code == 0
    assert (root / "corpus/en/rapport.md").read_bytes() == EN.replace("\n", "\r\n").encode()


def test_missing_english_document_is_created_when_translated_enough(run, tmp_path):
    root = make(tmp_path, en=None)
    run(["po", "export", str(root)])
    english = {f: e for f, e in zip([x for x in FR.splitlines() if x.strip()], [x for x in EN.splitlines() if x.strip()])}
    po_file = root / "po/en/rapport.po"
    edit_po(po_file, lambda e: setattr(e, "msgstr", english[e.msgid] if e.msgid in english else
                                       next(v.lstrip("#- ") for k, v in english.items() if k.lstrip("#- ") == e.msgid)) if e.msgid.startswith("Le Médiateur") else None)
    r = run(["po", "import", str(root)])
    assert "not created, " in r.stderr and not (root / "corpus/en/rapport.md").exists()

    def fill(e):
        e.msgstr = next(v.lstrip("#- ") for k, v in english.items() if k.lstrip("#- ") == e.msgid)

    edit_po(po_file, fill)
    assert run(["po", "import", str(root)]).exit_code == 0
    assert (root / "corpus/en/rapport.md").read_text() == EN


def test_update_keeps_translations_marks_changed_french_fuzzy_and_obsoletes(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "tcomment", "checked by Leila") if e.msgid.startswith("Le HCR") else None)
    fr = (FR.replace("a reçu 1 245 plaintes", "a reçu 1 312 plaintes")
          .replace("Le groupe de travail se réunira à Malte le 7 octobre 2020.\n",
                   "Une conférence régionale aura lieu à Beyrouth en novembre.\n"))
    (root / "corpus/fr/rapport.md").write_text(fr)
    r = run(["po", "update", str(root)])
    assert r.exit_code == 0, r.output
    po = polib.pofile(str(root / "po/en/rapport.po"))
    changed = next(e for e in po if e.msgid.startswith("Le Médiateur a reçu 1 312"))
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid.startswith("Le Médiateur a reçu 1 245")
    assert changed.msgstr.startswith("The Ombudsman received 1,245")
    kept = next(e for e in po if e.msgid.startswith("Le HCR"))
    assert kept.tcomment == "checked by Leila" and "fuzzy" not in kept.flags
    obsolete = [e for e in po if e.obsolete]
    assert any(e.msgid.startswith("Le groupe de travail se réunira") for e in obsolete)
    new = next(e for e in po if e.msgid.startswith("Une conférence"))
    assert not new.obsolete
    # The English in its place (the Malta meeting) is about something else: the new French
    # is untranslated, its entry empty (an import inserts its translation, never over that English).
    assert new.msgstr == "" and "fuzzy" not in new.flags
    # the PO file is the sync record: the changed French is stale, with a word diff
    c = run(["check", str(root), "--format", "json", "--select", "stale"])
    stale = [f for f in json.loads(c.stdout)["findings"] if f["kind"] == "stale"]
    assert [f["source"]["lines"] for f in stale] == [[3, 3]]
    assert "[-1-]" not in stale[0]["message"] and "[-245-] {+312+}" in stale[0]["message"]


def test_cosmetic_french_edit_is_not_stale(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    # Spacing, wrapping, a typographic apostrophe, a sentence's first letter: cosmetic.
    cosmetic = (FR.replace("soit 12 % de plus", "soit  12 % de\nplus").replace("qu'en 2018", "qu\u2019en 2018")
                .replace("La Commission de Venise", "la Commission de Venise"))
    (root / "corpus/fr/rapport.md").write_text(cosmetic)
    c = run(["check", str(root), "--format", "json", "--select", "stale"])
    assert json.loads(c.stdout)["findings"] == []


@pytest.mark.parametrize("old, new, line", [
    ("le 15 mars 2019", "le 16 mars 2019", 5),  # a digit
    ("Rabat et à Tunis.", "Rabat et a Tunis.", 7),  # an accent: another word
    ("Le groupe de travail se réunira", "Le groupe de travail ne se réunira pas", 12),  # a negation
    ("à Rabat et à Tunis", "à Rabat, à Alger et à Tunis", 7),  # a place added
    ("Visite d'étude à Lisbonne", "Visite d'étude à Porto", 10),  # a one-word swap
])
def test_every_word_or_digit_change_of_the_french_is_stale(run, tmp_path, old, new, line):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    (root / "corpus/fr/rapport.md").write_text(FR.replace(old, new))
    c = run(["check", str(root), "--format", "json", "--select", "stale"])
    found = json.loads(c.stdout)["findings"]
    assert [f["source"]["lines"] for f in found] == [[line, line]] and c.exit_code == 1
    assert "{+" in found[0]["message"] or "[-" in found[0]["message"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_stale_from_git_history_without_po_files(run, tmp_path):
    root = make(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(git + ["-C", str(root), "add", "."], check=True)
    subprocess.run(git + ["-C", str(root), "commit", "-q", "-m", "both"], check=True)
    (root / "corpus/fr/rapport.md").write_text(FR.replace("3 réunions", "5 réunions"))
    c = run(["check", str(root), "--format", "json", "--select", "stale"])
    found = json.loads(c.stdout)["findings"]
    assert len(found) == 1 and "[-3-] {+5+}" in found[0]["message"] and "git " in found[0]["message"]


@pytest.mark.parametrize("text, line", [
    ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a\\q"\nmsgstr "b"\n', 5),
    ('msgid ""\nmsgstr ""\n\nmsgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 6),
    ('msgid ""\nmsgstr ""\n\nmsgid "a\nmsgstr "b"\n', 4),
    ('msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 7),
    ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "x"\nmsgstr "y"\n', 3),
])
def test_malformed_po_is_an_error_with_its_line(run, tmp_path, text, line):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    before = snapshot(root)
    (root / "po/en/rapport.po").write_text(text)
    before["po/en/rapport.po"] = text.encode()
    r = run(["po", "import", str(root)])
    assert r.exit_code == 2
    assert f"po/en/rapport.po:{line}: " in r.stderr and "Traceback" not in r.stderr
    assert snapshot(root) == before


_word = st.sampled_from("le la des rapport institution médiateur droits enfants migrants Rabat Tunis 2019 12 HCR".split())
_para = st.lists(_word, min_size=3, max_size=12).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fr=st.lists(_para, min_size=1, max_size=6), en=st.lists(_para, min_size=1, max_size=6),
       crlf=st.booleans(), final_newline=st.booleans(), heading=st.booleans())
def test_round_trip_is_byte_identical_on_generated_documents(tmp_path_factory, fr, en, crlf, final_newline, heading):
    from click.testing import CliRunner

    from aomi18n.cli import cli

    nl = "\r\n" if crlf else "\n"

    def doc(paras):
        text = nl.join(("# " if heading and k == 0 else "") + p + nl for k, p in enumerate(paras))
        return text if final_newline else text.rstrip("\r\n")

    root = make(tmp_path_factory.mktemp("rt"), fr=doc(fr), en=doc(en))
    before = snapshot(root / "corpus")
    runner = CliRunner()
    assert runner.invoke(cli, ["po", "export", str(root)]).exit_code == 0
    r = runner.invoke(cli, ["po", "import", str(root)])
    assert r.exit_code == 0, r.output
    assert snapshot(root / "corpus") == before


def test_sentence_level_po_round_trip_and_insert(run, tmp_path):
    en = EN.replace(", 12% more than in 2018.", ".")
    fr = FR.replace("soit 12 % de plus qu'en 2018.", "soit davantage. Le nombre a augmenté de 12 % depuis 2018.")
    en = en.replace("complaints in 2019.", "complaints in 2019.")
    root = make(tmp_path, fr=fr, en=en)
    (root / "aomi18n.yaml").write_text("segments: sentences\n")
    assert run(["po", "export", str(root)]).exit_code == 0
    po = entries(root / "po/en/rapport.po")
    assert "Le nombre a augmenté de 12 % depuis 2018." in po  # one entry per sentence
    before = snapshot(root / "corpus")
    assert run(["po", "import", str(root)]).exit_code == 0
    assert snapshot(root / "corpus") == before
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "The number has grown by 12% since 2018.")
            if e.msgid.startswith("Le nombre") else None)
    assert run(["po", "import", str(root)]).exit_code == 0
    text = (root / "corpus/en/rapport.md").read_text()
    assert "The Ombudsman received 1,245 complaints in 2019. The number has grown by 12% since 2018.\n" in text


@pytest.mark.skipif(shutil.which("pofilter") is None, reason="translate-toolkit's pofilter is not on PATH")
def test_po_files_pass_through_pofilter(run, project, tmp_path):
    run(["po", "export", str(project)])
    out = subprocess.run(["pofilter", "-i", str(project / FR_PO), "-o", str(tmp_path / "filtered.po")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "filtered.po").is_file()


def test_update_keeps_the_translators_header_and_writes_nothing_when_nothing_changed(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    path = root / "po/en/rapport.po"
    po = polib.pofile(str(path))
    po.metadata["Last-Translator"] = "Leila <leila@example.invalid>"
    po.metadata["Language-Team"] = "AOM translators"
    po.metadata["X-Generator"] = "Poedit 3.4"
    po.save(str(path))
    before = path.read_bytes()
    assert run(["po", "update", str(root)]).exit_code == 0
    assert path.read_bytes() == before  # no French changed: not a byte written
    (root / "corpus/fr/rapport.md").write_text(FR.replace("1 245 plaintes", "1 312 plaintes"))
    assert run(["po", "update", str(root)]).exit_code == 0
    meta = polib.pofile(str(path)).metadata
    assert meta["Last-Translator"] == "Leila <leila@example.invalid>" and meta["X-Generator"] == "Poedit 3.4"
    assert meta["Language-Team"] == "AOM translators"


_PIECES = st.sampled_from(["Hello", "the report", "\n\n", "\n", "## Title", "- item", "3. point", "```", "~~~python",
                           "<!-- aomi18n: ignore-file all -->", "> quote", "| a | b |", "\x0b", "===", "text -",
                           "1.", "a very long sentence that goes on and on so that wrapping has to happen " * 2])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_PIECES, min_size=1, max_size=6))
@example(pieces=["Hello", "\n", "\n", "Hello"])  # a blank line of spaces: a paragraph break too
def test_imported_msgstr_never_changes_structure_outside_its_entry_and_is_idempotent(tmp_path_factory, pieces):
    from click.testing import CliRunner

    from aomi18n.cli import cli
    from aomi18n.documents import parse_document

    run = CliRunner().invoke
    root = make(tmp_path_factory.mktemp("imp"))
    assert run(cli, ["--no-cache", "po", "export", str(root)]).exit_code == 0
    en_path = root / "corpus/en/rapport.md"
    before = parse_document(en_path.read_bytes(), "rapport.md", identify=False)
    text = " ".join(pieces).strip() or "x"
    edit_po(root / "po/en/rapport.po",
            lambda e: setattr(e, "msgstr", text) if e.msgid.startswith("La Commission de Venise") else None)
    first = run(cli, ["--no-cache", "po", "import", str(root)])
    assert first.exit_code in (0, 1) and "Traceback" not in first.output
    after = parse_document(en_path.read_bytes(), "rapport.md", identify=False)
    # The same blocks, of the same kinds, in the same order: only the entry's text may change.
    assert [b.kind for b in after.blocks] == [b.kind for b in before.blocks]
    assert "aomi18n:" not in en_path.read_text() and "\x0b" not in en_path.read_text()
    data = en_path.read_bytes()
    second = run(cli, ["--no-cache", "po", "import", str(root)])
    assert second.exit_code in (0, 1) and en_path.read_bytes() == data


def test_an_unsafe_msgstr_is_refused_with_its_po_line_and_the_rest_imported(run, tmp_path):
    root = make(tmp_path)
    run(["po", "export", str(root)])
    po_path_ = root / "po/en/rapport.po"

    def edit(e):
        if e.msgid.startswith("La Commission de Venise"):
            e.msgstr = "Adopted.\n\n```\nall the rest is code"
        elif e.msgid.startswith("Le groupe de travail"):
            e.msgstr = "The working group will meet in Valletta on 7 October 2020."
    edit_po(po_path_, edit)
    r = run(["po", "import", str(root)])
    assert r.exit_code == 1
    assert "po/en/rapport.po:" in r.stderr and "refused: it holds a code fence" in r.stderr
    en = (root / "corpus/en/rapport.md").read_text()
    assert "```" not in en and "Valletta" in en


def test_new_french_beside_english_only_text_is_untranslated_and_its_translation_is_inserted(run, tmp_path):
    extra = "Tools for all ombudsman offices are available on the websites of both associations since last year."
    en = EN.replace("The working group will meet", extra + "\n\nThe working group will meet")
    root = make(tmp_path, en=en)
    assert run(["po", "export", str(root)]).exit_code == 0  # the sync record: the French without the new paragraph
    new_fr = "Une conférence régionale aura lieu à Beyrouth en novembre avec les médiateurs de toute la région."
    (root / "corpus/fr/rapport.md").write_text(FR.replace("Le groupe de travail se réunira",
                                                          new_fr + "\n\nLe groupe de travail se réunira"))
    c = run(["check", str(root), "--format", "json", "--select", "untranslated,drift"])
    found = [(f["kind"], f["source"] and f["source"]["lines"]) for f in json.loads(c.stdout)["findings"]]
    assert ("untranslated", [12, 12]) in found and not any(k == "drift" for k, _ in found)
    assert run(["po", "update", str(root)]).exit_code == 0
    translation = "A regional conference will take place in Beirut in November with ombudsmen from the whole region."
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", translation) if e.msgid == new_fr else None)
    assert run(["po", "import", str(root)]).exit_code == 0
    text = (root / "corpus/en/rapport.md").read_text()
    assert translation in text and extra in text  # inserted; the English-only text stays
    assert run(["po", "import", str(root)]).exit_code == 0
    assert (root / "corpus/en/rapport.md").read_text() == text  # and a second import changes nothing


def test_import_of_line_per_paragraph_documents_is_idempotent(run, tmp_path):
    """Scraped-style text (a paragraph per line, no blank lines, an indented line): an
    unchanged PO imported again and again changes no byte; a translated entry once."""
    fr = ("Rapport annuel 2019\n"
          "Le Médiateur a reçu 1 245 plaintes en 2019, soit 12 % de plus qu'en 2018, dans toutes les régions du pays.\n"
          "    La Commission de Venise a adopté les Principes de Venise le 15 mars 2019 à Venise, en Italie.\n"
          "Le groupe de travail se réunira à Malte le 7 octobre 2020 avec les médiateurs de la région.\n")
    en = ("Annual report 2019\n"
          "The Ombudsman received 1,245 complaints in 2019, 12% more than in 2018, in every region of the country.\n"
          "The working group will meet in Malta on 7 October 2020 with the ombudsmen of the region.\n")
    root = tmp_path / "proj"
    (root / "corpus/fr").mkdir(parents=True)
    (root / "corpus/en").mkdir(parents=True)
    (root / "corpus/fr/rapport.txt").write_text(fr)
    (root / "corpus/en/rapport.txt").write_text(en)
    assert run(["po", "export", str(root)]).exit_code == 0
    before = (root / "corpus/en/rapport.txt").read_bytes()
    for _ in range(3):
        assert run(["po", "import", str(root)]).exit_code == 0
        assert (root / "corpus/en/rapport.txt").read_bytes() == before
    edit_po(root / "po/en/rapport.po", lambda e: setattr(e, "msgstr", "The Venice Commission adopted the Venice "
            "Principles on 15 March 2019 in Venice, Italy.") if e.msgid.startswith("La Commission") else None)
    for _ in range(3):
        assert run(["po", "import", str(root)]).exit_code == 0
    text = (root / "corpus/en/rapport.txt").read_text()
    assert text.count("The Venice Commission adopted") == 1


def test_the_po_index_reads_what_polib_reads(tmp_path):
    # The queue and the report look entries up with a one-pass reader: the same msgid,
    # line and state as polib on every shape of entry (header, comments, fuzzy,
    # context, continuation lines, escapes, plurals, obsolete entries).
    from aomi18n.pofiles import po_index, read_po

    path = tmp_path / "x.po"
    path.write_text('''# Translator comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

#. Extracted
#: corpus/fr/a.md:3
#, fuzzy
msgctxt "heading"
msgid "Le comité"
msgstr "The committee"

#: corpus/fr/a.md:5
msgid ""
"Une phrase "
"sur deux lignes avec \\"guillemets\\"\\n"
"et un saut."
msgstr "A sentence."

msgid "Un fichier"
msgid_plural "%d fichiers"
msgstr[0] ""
msgstr[1] "%d files"

msgctxt "other"
msgid "Le comité"
msgstr ""

#~ msgid "Ancien"
#~ msgstr "Old"
''', encoding="utf-8")
    want = [(e.msgid, e.linenum, bool(e.msgstr or e.msgstr_plural.get(0)) and "fuzzy" not in e.flags)
            for e in read_po(path) if not e.obsolete and e.msgid]
    assert po_index(path) == want
    assert [t for _, _, t in want] == [False, True, False, False]


def _po_index_by_the_rules(text: str) -> list[tuple[str, int, bool]]:
    """The PO index as its rules say, line by line and slowly (the reference)."""
    import re as _re

    keyword = _re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*)$')
    string = _re.compile(r'^"((?:[^"\\]|\\.)*)"\s*$')
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}
    out, entry, field = [], {}, None

    def flush():
        msgid = "".join(entry.get("msgid", ()))
        if msgid and "msgstr" in entry:
            out.append((msgid, entry["start"], bool("".join(entry["msgstr"])) and not entry.get("fuzzy")))

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        m = None if line.startswith(("#", '"')) else keyword.match(line)
        if line.startswith("#") or (m and m.group(1) in ("msgctxt", "msgid") and "msgstr" in entry):
            if "msgstr" in entry or not entry:
                flush()
                entry, field = {"start": n}, None
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            if line.startswith("#"):
                continue
        if m:
            kw, line = m.groups()
            entry.setdefault("start", n)
            field = {"msgid": "msgid", "msgstr": "msgstr", "msgstr[0]": "msgstr"}.get(kw)
            if field:
                entry.setdefault(field, [])
        sm = string.match(line)
        if sm and field:
            entry[field].append(_re.sub(r"\\(.)", lambda e: escapes.get(e.group(1), e.group(1)), sm.group(1)))
    flush()
    return out


_PO_LINE = st.one_of(
    st.sampled_from(["", "  ", "#. note", "#: corpus/fr/a.md:3", "#, fuzzy", "#, python-format", "#| msgid \"old\"",
                     "#~ msgid \"Ancien\"", "#~ msgstr \"Old\"", "# translator", "garbage", '"unterminated',
                     "msgid", 'msgid_plural "%d x"', 'msgstr[1] "xs"']),
    st.tuples(st.sampled_from(["msgctxt ", "msgid ", "msgstr ", "msgstr[0] ", "  msgid  ", ""]),
              st.text(alphabet=st.sampled_from(list('ab é\\"nt\u2028')), max_size=12)).map(
        lambda kv: f'{kv[0]}"{kv[1]}"'))


@settings(max_examples=400, deadline=None)
@given(st.lists(_PO_LINE, max_size=40))
@example(['msgid "x"', 'msgstr "a"', "#. c", '"orphan"', 'msgid "y"', 'msgstr ""'])  # a string of no entry
def test_the_po_index_follows_its_rules_on_any_text(tmp_path_factory, lines):
    # The fast reader against the rules written out line by line: any order of comments,
    # keywords, continuation lines, escapes, garbage and obsolete lines.
    from aomi18n.pofiles import po_index

    path = tmp_path_factory.mktemp("po") / "x.po"
    text = "\n".join(lines) + "\n"
    path.write_text(text, encoding="utf-8")
    assert po_index(path) == _po_index_by_the_rules(path.read_text(encoding="utf-8"))


from hypothesis import given, settings, strategies as st


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["ab cé-\\\"\t\n\u00a0—.,", "ab  cé\\\"\u00a0\u202f\u2028—.,", "a 1-/:-"]).flatmap(
           lambda chars: st.text(alphabet=st.sampled_from(list(chars)), max_size=300)),
       st.sampled_from([3, 4, 10, 20, 76, 77]),
       st.booleans(), st.sampled_from(["", "#. ", "#: "]))
def test_fast_wrap_gives_textwraps_lines(text, width, drop_whitespace, indent):
    # PO files are wrapped as polib wraps them: the same lines as textwrap.wrap, for strings
    # (spaces kept, no indent) and for comments (spaces dropped at the ends, an indent).
    import textwrap

    from aomi18n.pofiles import fast_wrap

    options = dict(drop_whitespace=drop_whitespace, break_long_words=False, initial_indent=indent, subsequent_indent=indent)
    assert fast_wrap(text, width, **options) == textwrap.wrap(text, width, **options)


def test_po_text_is_what_polib_writes(tmp_path):
    import polib

    from aomi18n.pofiles import po_text

    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    long = "Le comité a adopté la résolution sur les droits des enfants migrants, qui demande aux États-membres " * 3
    po.append(polib.POEntry(msgid=long, msgstr=long.upper(), occurrences=[("corpus/fr/a-very-long-name.md", str(n))
                                                                          for n in range(1, 30)],
                            comment="Glossary: HCR -> UNHCR " * 8, flags=["fuzzy"], previous_msgid=long[:150]))
    assert po_text(po) == str(po)


_PO_TEXT = st.text(alphabet=st.sampled_from(list("ab cé-\\\"\t\n\r\u00a0\u2028—.:,#")), max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["Project-Id-Version", "Language", "Plural-Forms", "Content-Type", "X-B10",
                                        "X-B9", "x-a", "POT-Creation-Date", "Zz", "X-1²", "٣", "٢٣", "3", "X-3"]) | st.text(max_size=8),
                       _PO_TEXT, max_size=6),
       st.text(alphabet=st.sampled_from(list("ab ,:\n")), max_size=20), st.sampled_from([0, 20, 79]), st.booleans())
def test_a_header_is_what_polib_writes_for_any_metadata(metadata, header, width, fuzzy):
    # head_text writes polib's metadata entry directly: its field order (the standard
    # fields first, the others in natural order), escapes, line separators and wrapping;
    # and where polib fails (its natural sort on a name such as "²"), it still writes.
    import polib

    from aomi18n.pofiles import head_text

    po = polib.POFile(wrapwidth=width)
    po.header, po.metadata, po.metadata_is_fuzzy = header, metadata, fuzzy
    try:
        expected = str(po)
    except (ValueError, TypeError):
        expected = None
    text = head_text(po)
    if expected is not None:
        assert text == expected
    else:  # every field, in some order
        import re

        body = text[text.index('msgid ""\n'):]
        msgstr = "".join(polib.unescape(q) for q in re.findall(r'^(?:msgstr )?"(.*)"$', body, re.M))
        assert sorted(msgstr.split("\n")) == sorted("".join(f"{n}: {v}\n" for n, v in metadata.items()).split("\n"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "msgid": _PO_TEXT, "msgstr": _PO_TEXT, "msgctxt": st.none() | _PO_TEXT, "comment": _PO_TEXT, "tcomment": _PO_TEXT,
    "flags": st.lists(st.sampled_from(["fuzzy", "python-format", "no-wrap"]), max_size=2),
    "previous_msgid": st.none() | _PO_TEXT, "previous_msgctxt": st.none() | _PO_TEXT, "obsolete": st.booleans(),
    "occurrences": st.lists(st.tuples(st.sampled_from(["corpus/fr/a-b.md", "x.md", "très-long/chemin/doc.md"]),
                                      st.sampled_from(["", "1", "1234"])), max_size=12),
    "plural": st.booleans()}), max_size=6),
    st.text(alphabet=st.sampled_from(list("ab ,:\n")), max_size=40), st.sampled_from([0, 40, 78, 79]), st.booleans())
def test_po_text_is_what_polib_writes_for_any_catalog(entries, header, width, fuzzy_header):
    # Our serializer against polib's on random catalogs: every field, escapes, line
    # separators, obsolete and plural entries, header comments, widths (0: no wrapping).
    import polib

    from aomi18n.pofiles import po_text

    po = polib.POFile(wrapwidth=width)
    po.header = header
    po.metadata = {"Project-Id-Version": "x", "Content-Type": "text/plain; charset=UTF-8", "X-Other": "é"}
    po.metadata_is_fuzzy = fuzzy_header
    for fields in entries:
        fields = dict(fields)
        if fields.pop("plural"):
            fields.update(msgid_plural=fields["msgid"] + "s", msgstr_plural={0: fields["msgstr"], 1: fields.pop("msgstr") + "s"})
        po.append(polib.POEntry(**fields))
    assert po_text(po) == str(po)
    # Its template (what po.template makes: msgid, msgctxt, places, notes) rendered from
    # the catalog's own entries, as the export writes it.
    from aomi18n.pofiles import entries_text, head_text

    pot = polib.POFile(wrapwidth=width)
    pot.header, pot.metadata = po.header, po.metadata
    for e in po:
        if not e.obsolete:
            pot.append(polib.POEntry(msgid=e.msgid, msgctxt=e.msgctxt, msgstr="", occurrences=list(e.occurrences),
                                     comment=e.comment))
    body = entries_text(po, width, template=True)
    assert head_text(pot) + ("\n" + body if body else "") == str(pot)
    # Both texts of a live entry at once, as an export's workers render them.
    from aomi18n.pofiles import entry_text, entry_texts

    for e in po:
        if not e.obsolete:
            assert entry_texts(e, width) == (entry_text(e, width), entry_text(e, width, template=True))


def test_shared_french_keeps_a_documents_other_english_as_its_variant(run, tmp_path):
    # The same French twice in one document with two Englishes: the second is a variant
    # (msgctxt) of that document's own, and stays there with its English even when the
    # first is shared with another document.
    root = make(tmp_path, fr="# Rapport\n\nMerci de votre attention.\n\nLe comité s'est réuni à Rabat en 2019.\n\n"
                             "Merci de votre attention.\n",
                en="# Report\n\nThank you for your attention.\n\nThe committee met in Rabat in 2019.\n\n"
                   "Thanks for listening.\n")
    (root / "corpus/fr/autre.md").write_text("# Autre\n\nMerci de votre attention.\n")
    (root / "corpus/en/autre.md").write_text("# Other\n\nThank you for your attention.\n")
    assert run(["po", "export", str(root)]).exit_code == 0
    shared = polib.pofile(str(root / "po/en/_shared.po"))
    assert [(e.msgid, e.msgstr, len(e.occurrences)) for e in shared] == [
        ("Merci de votre attention.", "Thank you for your attention.", 2)]
    own = polib.pofile(str(root / "po/en/rapport.po"))
    variant = next(e for e in own if e.msgid == "Merci de votre attention.")
    assert variant.msgctxt == "variant 2" and variant.msgstr == "Thanks for listening."


_SYNC_LINE = st.one_of(
    st.sampled_from(["", "#", "# comment", "#. note", "#.", "#: corpus/fr/a.md:3", "#:", "#, fuzzy", "#,",
                     "#, python-format, fuzzy", "#,fuzzy", "##x", "#x", "#| msgid \"old\"", "#| msgctxt \"c\"",
                     "#| \"more\"", "#|", "#~ msgid \"Ancien\"", "#~ msgstr \"Old\"", "#~ \"more\"", "#~| msgid \"x\"",
                     "#~", "#~ #, fuzzy", "garbage", '"unterminated', 'msgid_plural "%d x"', 'msgstr[0] "x"',
                     'msgid ""', 'msgstr ""', 'msgctxt "variant 2"']),
    st.tuples(st.sampled_from(["msgctxt ", "msgid ", "msgstr ", "", "#~ msgid ", "#~ msgstr ", "#| msgid ", "#| "]),
              st.text(alphabet=st.sampled_from(list('ab é\\"nta\u2028')), max_size=8)).map(lambda kv: f'{kv[0]}"{kv[1]}"'))


@settings(max_examples=600, deadline=None)
@given(st.lists(_SYNC_LINE, max_size=30))
@example(['msgid "x"', 'msgstr "a"', "#,"])  # a last bare flag line: polib drops the entry
@example(['#| msgid "old"', '"more"', 'msgid "x"', 'msgstr "a"'])  # a string outside any entry
def test_the_checks_read_po_entries_as_polib_does(tmp_path_factory, lines):
    # What the checks read of a PO file (live_entries, in one pass in the usual layout)
    # is what read_po (the line check, then polib) reads, and it refuses what read_po
    # refuses, with read_po's own message.
    from aomi18n.errors import PoFileError
    from aomi18n.pofiles import _usual_entries, live_entries, read_po

    path = tmp_path_factory.mktemp("po") / "x.po"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        po = read_po(path)
    except PoFileError as exc:
        with pytest.raises(PoFileError) as got:
            live_entries(path)
        assert str(got.value) == str(exc)
        return
    want = [(e.msgctxt, e.msgid, bool(e.msgstr), "fuzzy" in e.flags, e.previous_msgid) for e in po if not e.obsolete]
    assert [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy, e.previous_msgid) for e in live_entries(path)] == want
    fast = _usual_entries(path.read_text(encoding="utf-8"))
    assert fast is None or [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy, e.previous_msgid) for e in fast] == want


def test_the_checks_read_exported_po_files_in_one_pass(run, project):
    # Files aomi18n writes (and updates: fuzzy, previous msgid, obsolete entries) take the one-pass path.
    from aomi18n.pofiles import _usual_entries, read_po

    run(["po", "export", str(project)])
    fr = project / "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt"
    text = fr.read_text().replace("HCR", "HCR des Nations unies", 1)
    gone = next(line for line in text.splitlines() if line.startswith("4. **Sensibilisation"))
    fr.write_text(text.replace(gone + "\n", ""))
    assert run(["po", "update", str(project)]).exit_code == 0
    po_files = sorted((project / "po").rglob("*.po"))
    updated = read_po(project / FR_PO)
    assert len(po_files) == 5 and any(e.obsolete for e in updated) and any(e.previous_msgid for e in updated)
    for path in po_files:
        fast = _usual_entries(path.read_text(encoding="utf-8"))
        assert fast is not None, path
        want = [(e.msgctxt, e.msgid, bool(e.msgstr), "fuzzy" in e.flags, e.previous_msgid) for e in read_po(path)
                if not e.obsolete]
        assert [(e.msgctxt, e.msgid, e.msgstr, e.fuzzy, e.previous_msgid) for e in fast] == want


def test_update_rewrites_only_what_changed_and_reads_only_those_documents(run, project, monkeypatch):
    # po update: files that are what an export writes now are left as they are without
    # reading their documents; a file a translator edited is merged, their work kept.
    from aomi18n import analysis

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    run(["po", "export", str(project)])
    assert run(["po", "update", str(project)]).exit_code == 0  # the PO files now exist: analysed again
    before = snapshot(project / "po")
    real, loaded = analysis._full_entry, []
    monkeypatch.setattr(analysis, "_full_entry", lambda *a: loaded.append(a[1][0].relpath) or real(*a))
    r = run(["po", "update", str(project)])
    assert r.exit_code == 0 and "0 files written" in r.stderr and snapshot(project / "po") == before
    assert loaded == []
    edit_po(project / FR_PO, lambda e: setattr(e, "msgstr", "Draft action plan 2017-2018")
            if e.msgstr == "Action plan 2017-2018" else None)
    edited = (project / FR_PO).read_bytes()
    r = run(["po", "update", str(project)])
    assert r.exit_code == 0 and "0 files written" in r.stderr  # the merge keeps the file as the translator left it
    assert (project / FR_PO).read_bytes() == edited and loaded == []
    assert {p: b for p, b in snapshot(project / "po").items() if p != FR_PO.removeprefix("po/")} == \
        {p: b for p, b in before.items() if p != FR_PO.removeprefix("po/")}


@given(st.text(alphabet=st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2007\u200b\u2028"
                                             "\u2029\u202f\u205f\u3000\ufeffab.é")), max_size=30))
def test_a_msgid_is_its_block_with_each_run_of_white_space_one_space(text):
    """collapse splits on str's white space: the same characters as re's \\s (Unicode
    spaces, the information separators 0x1c-0x1f, NEL), not the zero-width ones."""
    import re

    from aomi18n.text import collapse

    assert collapse(text) == re.sub(r"\s+", " ", text).strip()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_in_worker_processes_writes_what_one_process_writes(project, tmp_path, run, monkeypatch):
    # The export renders each document's entries apart (in forked workers with --jobs 2),
    # then leaves out those the shared catalog holds: the same bytes as one process
    # making each catalog whole.
    import aomi18n.po as po_module

    (project / "corpus/fr/autre.md").write_text("# Autre\n\nLe HCR et l'OIM ont participé.\n\nMerci de votre attention.\n")
    (project / "corpus/en/autre.md").write_text("# Other\n\nUNHCR and IOM took part.\n\nThank you for your attention.\n")
    (project / "corpus/fr/suite.md").write_text("# Suite\n\nMerci de votre attention.\n")
    (project / "corpus/en/suite.md").write_text("# Next\n\nThank you for your attention.\n")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "AOMI18N_NO_CACHE": "1"}
    trees = []
    for jobs in ("2", "1"):
        copy = tmp_path / f"jobs{jobs}" / "proj"  # the folder's name is in every header
        shutil.copytree(project, copy)
        out = subprocess.run([sys.executable, "-m", "aomi18n", "--jobs", jobs, "po", "export", str(copy)],
                             capture_output=True, text=True, env=env, timeout=300)
        assert out.returncode == 0, out.stderr
        trees.append(_tree(copy / "po"))
    assert trees[0] == trees[1]
    assert "en/_shared.po" in trees[0] and "Thank you for your attention." in trees[0]["en/_shared.po"].decode()
    # Each catalog made whole, the way an export did before it rendered entries apart.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(po_module, "_pieces", lambda analysis, r, terms: po_module._Pieces(
        po_module._candidates(po_module.segments(r, analysis.config.thresholds)), None))
    whole = tmp_path / "whole" / "proj"
    shutil.copytree(project, whole)
    assert run(["--no-cache", "--jobs", "1", "po", "export", str(whole)]).exit_code == 0
    assert _tree(whole / "po") == trees[0]


def test_a_header_field_polib_cannot_sort_does_not_stop_an_update(project, run):
    # An editor may add any field to a PO file's header; an update keeps it. polib's own
    # writer fails to sort a name such as "X-Note-1²" (a digit int() cannot read).
    from aomi18n.pofiles import po_text

    assert run(["po", "export", str(project)]).exit_code == 0
    path = project / FR_PO
    po = polib.pofile(str(path))
    po.metadata["X-Note-1²"] = "relu"
    po.metadata["X-Note-1"] = "vu"
    path.write_text(po_text(po), encoding="utf-8")
    fr = project / "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt"
    fr.write_text(fr.read_text(encoding="utf-8").replace("Groupe de travail AOM/AOMF", "Groupe de travail de l'AOM", 1),
                  encoding="utf-8")  # new French: the file is merged and written again
    r = run(["po", "update", str(project)])
    assert r.exit_code == 0 and "Traceback" not in r.output and f"{path.name}\n" in r.stdout  # written again
    kept = polib.pofile(str(path)).metadata
    assert kept["X-Note-1²"] == "relu" and kept["X-Note-1"] == "vu"


def test_the_workers_keep_the_export_cache_each_for_its_shards(project, run, monkeypatch):
    # With --jobs 2 the cache's shards are kept by the worker processes that rendered their
    # documents: a second update reads no document and writes nothing, as with one process.
    from aomi18n import analysis, parallel
    from aomi18n import po as po_module

    forked = []

    class Spy(parallel.TwoRounds):
        def first(self):
            forked.append(self.forked)
            return super().first()

    monkeypatch.setattr(po_module, "TwoRounds", Spy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run(["--jobs", "2", "po", "export", str(project)]).exit_code == 0
    assert run(["--jobs", "2", "po", "update", str(project)]).exit_code == 0  # the PO files exist: analysed again
    before = _tree(project / "po")
    real, loaded = analysis._full_entry, []
    monkeypatch.setattr(analysis, "_full_entry", lambda *a: loaded.append(a[1][0].relpath) or real(*a))
    r = run(["--jobs", "2", "po", "update", str(project)])
    assert r.exit_code == 0 and "0 files written" in r.stderr and _tree(project / "po") == before
    assert loaded == []
    if parallel.can_fork():
        assert forked[:2] == [True, True]  # the export's and the first update's work was the workers'


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20), st.none() | st.text(max_size=20),
       st.dictionaries(st.text(max_size=30), st.text(max_size=30), max_size=6))
def test_a_sync_record_is_the_json_that_json_writes(source, target, entries):
    # The record is written by hand (json's indented encoder is slow): the same text as
    # json.dumps for any strings (quotes, backslashes, control characters, any Unicode).
    from aomi18n.pofiles import SyncRecord

    expected = json.dumps({"version": 1, "source": source, "target": target, "entries": dict(sorted(entries.items()))},
                          ensure_ascii=False, indent=1) + "\n"
    assert SyncRecord(source, target, entries).to_json() == expected


def test_an_export_whose_worker_cannot_write_leaves_no_file_behind(project, run, monkeypatch):
    # The new documents' files are written by worker processes to names the batch reserved:
    # one failure there is the user's error (exit 2, the file named), and the batch removes
    # every temporary file and renames none.
    from aomi18n import writer
    from aomi18n.errors import Aomi18nError

    real = writer.Batch.stage

    def failing(staged, data, mode=0o644):
        if str(staged[1]).endswith(".pot"):
            raise Aomi18nError("cannot be written: No space left on device", staged[1])
        real(staged, data, mode)

    monkeypatch.setattr(writer.Batch, "stage", staticmethod(failing))
    r = run(["--jobs", "2", "--no-cache", "po", "export", str(project)])
    assert r.exit_code == 2
    assert ".pot: cannot be written: No space left on device" in r.stderr and "Traceback" not in r.stderr
    assert [p for p in (project / "po").rglob("*") if p.is_file()] == []
