"""Real documentation sites: Markdown/MDX/Hugo reading, code compared, either direction."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest

from aomi18n.analysis import analyze
from aomi18n.codeblocks import align_code, code_blocks
from aomi18n.config import load_config
from aomi18n.documents import parse_document, read_document

from .conftest import DATA, ROOT

PAGES = sorted(p for p in (DATA / "markdown").iterdir() if not p.name.endswith(".json"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_golden_segmentation_of_documentation_pages(page):
    doc = read_document(page, identify=False)
    got = [[b.kind, b.line, b.end_line, b.level, b.content if b.translatable else None] for b in doc.blocks]
    assert got == json.loads(Path(f"{page}.expect.json").read_text(encoding="utf-8"))
    # Exact spans: every block is a slice of the text, in order, never overlapping.
    end = 0
    for b in doc.blocks:
        assert doc.text[b.start:b.end] == b.text and doc.text[b.content_start:b.content_end] == b.content
        assert b.start >= end
        end = b.end


def test_jsx_tags_shortcodes_and_comments_are_markup_not_units():
    doc = read_document(DATA / "markdown" / "react-page.mdx", identify=False)
    units = [b.content for b in doc.translatable_blocks]
    assert not any(u.startswith(("<", "{/*", "{{", ":::")) for u in units)
    # Front matter: translatable keys are units (quotes aside), the rest is data.
    assert units[:2] == ["useState", "A React Hook that adds a state variable."]
    assert "canary" not in " ".join(units)
    # Text inside a JSX block with no blank line is still read as Markdown.
    assert "The current state." in units and any("initializer function **twice**" in u for u in units)


def test_scraped_md_page_with_a_paragraph_per_line_keeps_line_blocks():
    lines = [f"Paragraph {k} says something long enough to be a real paragraph of a scraped web page, with no wrapping at all."
             for k in range(6)]
    doc = parse_document("\n".join(lines).encode(), "page.md", identify=False)
    assert [b.line for b in doc.translatable_blocks] == [1, 2, 3, 4, 5, 6]


def _code(text: str):
    return code_blocks(parse_document(text.encode(), "x.md", identify=False))


def test_translated_comments_strings_and_jsx_text_are_the_same_code():
    en = _code("```js\n// Say hello\nconst label = 'Add item';\nreturn <h1>Welcome to the {roomId} room!</h1>;\n```\n")
    fr = _code("```js\n// Dire bonjour\nconst label = 'Ajouter un élément';\nreturn <h1>Bienvenue dans le salon {roomId} !</h1>;\n```\n")
    [link] = align_code(en, fr)
    assert link.source == 0 and link.target == 0 and link.changed == ()


def test_changed_code_is_located_by_line_and_new_code_is_unpaired():
    en = _code("Intro.\n\n```js\nconst url = 'https://react.dev/images/a.png';\nfetch(url);\n```\n\n"
               "```css\nh1 { color: red; }\n```\n")
    fr = _code("Intro.\n\n```js\nconst url = 'https://i.imgur.com/a.png';\nfetch(url);\n```\n")
    links = align_code(en, fr)
    assert [(l.source, l.target) for l in links] == [(0, 0), (1, None)]
    assert links[0].changed == (4,)  # the URL line of the source


@pytest.mark.parametrize("en, fr", [
    # A highlighted piece in the info string, with Markdown's escaped backslash: text.
    ('```js [[1, 2, "<Row title=\\\\"Cabbage\\\\" />"]]\nreturn <Row title="Cabbage" />;\n```\n',
     '```js [[1, 2, "<Row title=\\\\"Chou\\\\" />"]]\nreturn <Row title="Chou" />;\n```\n'),
    # A JSX space ({' '}) is text between tags, written or not.
    ("```js\n<button>Start</button>{' '}\n<button>Stop</button>\n```\n",
     "```js\n<button>Démarrer</button>\n<button>Arrêter</button>\n```\n"),
    # The translation declares its own language.
    ("```html\n<html>\n<title>My app</title>\n</html>\n```\n",
     '```html\n<html lang="fr">\n<title>Mon appli</title>\n</html>\n```\n'),
    # Quotation marks in the text between tags are the language's own.
    ('```js\nreturn <p>No matches for <i>"{query}"</i></p>;\n```\n',
     "```js\nreturn <p>Aucun résultat pour <i>« {query} »</i></p>;\n```\n"),
])
def test_what_a_translation_localizes_in_code_is_not_a_code_change(en, fr):
    [link] = align_code(_code(en), _code(fr))
    assert link.source == link.target == 0 and link.changed == ()


def test_code_that_differs_is_still_found_beside_those_rules():
    en = _code('```js\nreturn <p>No matches for <i>"{query}"</i></p>;\n```\n')
    fr = _code("```js\nreturn <p>Aucun résultat pour <i>« {query.trim()} »</i></p>;\n```\n")
    [link] = align_code(en, fr)
    assert link.changed == (2,)


def test_a_new_example_is_unpaired_when_less_than_half_its_code_is_the_old_one():
    # The characters of the two blocks look alike (long names that differ by a letter),
    # their code does not: compared token by token, the new example is new.
    old = "```js\nsubscribeToNotificationsChannel();\nunsubscribeFromNotificationsChannel();\n```\n"
    new = "```js\nsubscribeToNotificationChannels;\nunsubscribeFromNotificationChannels;\n```\n"
    assert {(l.source, l.target) for l in align_code(_code(new), _code(old))} == {(None, 0), (0, None)}


def _project(tmp_path: Path, en: str, fr: str, source: str = "en") -> Path:
    target = "fr" if source == "en" else "en"
    (tmp_path / "corpus/en").mkdir(parents=True)
    (tmp_path / "corpus/fr").mkdir(parents=True)
    (tmp_path / "corpus/en/page.md").write_text(en, encoding="utf-8")
    (tmp_path / "corpus/fr/page.md").write_text(fr, encoding="utf-8")
    (tmp_path / "aomi18n.yaml").write_text(
        f"source_lang: {source}\ntarget_lang: {target}\nsource_dir: corpus/{source}\ntarget_dir: corpus/{target}\n"
        'patterns: ["**/*.md"]\n', encoding="utf-8")
    return tmp_path


EN_PAGE = """---
title: Rendering lists
---

You will often want to display similar components from a collection of data.

* [`<input>`](/reference/react-dom/components/input)
* [`<select>`](/reference/react-dom/components/select)

Learn more about [keys](/learn/keys) and the `key` prop before you go on.

```js
const people = ['Creola Katherine Johnson: mathematician'];
export default function List() {
  return <ul>{people.map(p => <li>{p}</li>)}</ul>;
}
```
"""

FR_PAGE = """---
title: Afficher des listes
---

Vous aurez souvent besoin d'afficher des composants similaires à partir d'une collection de données.

* [`<input>`](/reference/react-dom/components/input)
* [`<select>`](/reference/react-dom/components/select)

Apprenez-en davantage sur [les clés](https://fr.react.dev/learn/keys) et la prop `key` avant de poursuivre.

```js
const people = ['Creola Katherine Johnson : mathématicienne'];
export default function List() {
  return <ul>{people.map(p => <li>{p}</li>)}</ul>;
}
```
"""


def test_faithful_mdx_translation_has_no_findings(tmp_path):
    root = _project(tmp_path, EN_PAGE, FR_PAGE)
    findings = analyze(load_config(root), use_cache=False).findings
    assert findings == []


def test_code_changed_in_the_source_only_is_drift_with_its_lines(tmp_path):
    root = _project(tmp_path, EN_PAGE.replace("p => <li>{p}</li>", "p => <li key={p}>{p}</li>"), FR_PAGE)
    [f] = analyze(load_config(root), use_cache=False).findings
    assert f.kind == "drift" and "code differs" in f.message and f.details["changed_lines"] == [15]
    assert f.source.path.endswith("en/page.md") and f.target.path.endswith("fr/page.md")


def test_french_left_in_an_english_target_is_found_on_prose_only(tmp_path):
    # The reverse direction (French source, English target): English identified on prose.
    en = EN_PAGE.replace("Learn more about [keys](/learn/keys) and the `key` prop before you go on.",
                         "Apprenez-en davantage sur [les clés](/learn/keys) avant de poursuivre votre lecture.")
    root = _project(tmp_path, en, FR_PAGE, source="fr")
    found = [f for f in analyze(load_config(root), use_cache=False).findings if f.kind == "not-translated"]
    assert len(found) == 1 and "still in French" in found[0].message and found[0].target.line == 10


def test_reversed_direction_on_the_bundled_corpus(tmp_path, run):
    root = tmp_path / "p"
    shutil.copytree(ROOT / "corpus", root / "corpus")
    shutil.copy(ROOT / "glossary.yaml", root / "glossary.yaml")
    (root / "aomi18n.yaml").write_text("source_lang: en\ntarget_lang: fr\nsource_dir: corpus/en\ntarget_dir: corpus/fr\n",
                                       encoding="utf-8")
    r = run(["--no-cache", "check", str(root), "--format", "json"])
    data = json.loads(r.stdout)
    assert data["languages"] == {"source": "en", "target": "fr"}
    kinds = sorted(f["kind"] for f in data["findings"])
    # The French documents with no English are now translations with no source...
    assert kinds.count("orphan-document") == 3 and "missing-document" not in kinds
    # ...and the English-only paragraph is English with no French, at its English place.
    [untranslated] = [f for f in data["findings"] if f["kind"] == "untranslated"]
    assert untranslated["source"]["path"].endswith("working-group-migrant-children-action-plan.txt")
    assert untranslated["source"]["lines"] == [20, 20] and untranslated["target"] is None
    assert "this English text has no French" in untranslated["message"]
    text = run(["--no-cache", "check", str(root)]).stdout
    assert "1 English documents, 1 with French; French coverage" in text


def test_po_header_of_a_french_translation_has_french_plural_forms(tmp_path, run):
    root = _project(tmp_path, EN_PAGE, FR_PAGE)
    run(["--no-cache", "po", "export", str(root)])
    [po_file] = (root / "po").glob("fr/*.po")
    po = polib.pofile(str(po_file))
    assert po.metadata["Language"] == "fr" and po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert po.header.startswith("French translation of corpus/en/page.md")
    assert {e.msgid for e in po} >= {"Rendering lists", "You will often want to display similar components from a "
                                                        "collection of data."}
    assert not any(e.msgid.startswith(("<", "```")) for e in po)


@pytest.mark.parametrize("src, tgt, differs", [
    ("see [rules](https://react.dev/reference/rules)", "voir [règles](/reference/rules)", []),
    ("see [x](/learn/keys#why)", "voir [x](/fr/learn/keys#pourquoi)", []),
    ("see [x](/learn/keys)", "voir [x](/learn/state)", ["/learn/keys", "/learn/state"]),
])
def test_a_link_is_the_same_link_whatever_its_text_anchor_or_language(src, tgt, differs):
    from aomi18n.checks.drift import _link_differences

    assert _link_differences(src, tgt) == differs


def _stale_lines(root: Path) -> list[list[int]]:
    findings = analyze(load_config(root), select=["stale"], use_cache=False).findings
    return [f.source.to_dict()["lines"] for f in findings if f.kind == "stale"]


EN_NOW = EN_PAGE.replace("display similar components", "display several similar components")


def test_sync_point_is_a_folder_holding_the_source_as_it_was(tmp_path):
    root = _project(tmp_path, EN_NOW, FR_PAGE)
    (root / "synced/en").mkdir(parents=True)
    (root / "synced/en/page.md").write_text(EN_PAGE, encoding="utf-8")
    with open(root / "aomi18n.yaml", "a", encoding="utf-8") as fh:
        fh.write("sync:\n  folder: synced/en\n")
    assert _stale_lines(root) == [[5, 5]]
    finding = analyze(load_config(root), select=["stale"], use_cache=False).findings[0]
    assert "{+several+}" in finding.message and "folder synced/en" in finding.message


def _git(*args, cwd):
    import subprocess

    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "init.defaultBranch=main",
                    *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_sync_point_of_a_translation_kept_in_a_fork(tmp_path):
    # Upstream holds the English; the fork replaced it by its French and was synced at A.
    up, fork = tmp_path / "upstream", tmp_path / "fork"
    (up / "docs").mkdir(parents=True)
    (up / "docs/page.md").write_text(EN_PAGE, encoding="utf-8")
    _git("init", "-q", ".", cwd=up)
    _git("add", ".", cwd=up)
    _git("commit", "-q", "-m", "A", cwd=up)
    _git("clone", "-q", str(up), str(fork), cwd=tmp_path)
    (fork / "docs/page.md").write_text(FR_PAGE, encoding="utf-8")
    _git("commit", "-q", "-am", "traduction", cwd=fork)
    (up / "docs/page.md").write_text(EN_NOW, encoding="utf-8")
    _git("commit", "-q", "-am", "B", cwd=up)
    _git("fetch", "-q", "origin", cwd=fork)  # the fork knows upstream's B but never merged it
    root = _project(tmp_path / "project", EN_NOW, FR_PAGE)
    with open(root / "aomi18n.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"sync:\n  repository: {fork}\n  merge_base: origin/main\n  path: docs\n")
    assert _stale_lines(root) == [[5, 5]]
    # The same sync point named by its commit, in upstream's own repository.
    text = (root / "aomi18n.yaml").read_text(encoding="utf-8").split("sync:")[0]
    import subprocess

    a = subprocess.run(["git", "rev-parse", "HEAD~1"], cwd=up, capture_output=True, text=True, check=True).stdout.strip()
    (root / "aomi18n.yaml").write_text(text + f"sync:\n  repository: {up}\n  commit: {a}\n  path: docs\n", encoding="utf-8")
    assert _stale_lines(root) == [[5, 5]]
    # A sync point that is not a commit is a configuration error.
    (root / "aomi18n.yaml").write_text(text + f"sync:\n  repository: {up}\n  commit: nope\n", encoding="utf-8")
    from aomi18n.errors import ConfigError

    with pytest.raises(ConfigError, match="not a commit"):
        _stale_lines(root)


def test_a_document_is_called_by_its_title(tmp_path):
    from aomi18n.render.report import report_data

    root = _project(tmp_path, EN_PAGE, FR_PAGE)
    (root / "corpus/en/other.md").write_text("# Keys and `key` {/*keys*/}\n\nText.\n", encoding="utf-8")
    (root / "corpus/en/plain.md").write_text("Just text.\n", encoding="utf-8")
    docs = {Path(d["source"]).name: d["title"] for d in report_data(analyze(load_config(root), use_cache=False))
            ["report"]["documents"]}
    assert docs == {"page.md": "Rendering lists", "other.md": "Keys and key", "plain.md": "plain.md"}


def _kinds(root: Path) -> list[tuple[str, int | None, int | None]]:
    return sorted((f.kind, f.source.line if f.source else None, f.target.line if f.target else None)
                  for f in analyze(load_config(root), use_cache=False).findings)


def test_repeated_number_said_once_and_typographic_ellipsis_are_no_drift(tmp_path):
    en = EN_PAGE.replace("You will often want", "React 18 is out. Upgrade to React 18 now: you will often want") \
        .replace("the `key` prop", "the `key = ...` prop")
    fr = FR_PAGE.replace("Vous aurez souvent", "React 18 est sorti. Passez à cette version : vous aurez souvent") \
        .replace("la prop `key`", "la prop `key = …`")
    assert _kinds(_project(tmp_path, en, fr)) == []
    (tmp_path / "corpus/en/page.md").write_text(en.replace("React 18 now", "React 19 now"), encoding="utf-8")
    [f] = analyze(load_config(tmp_path), use_cache=False).findings
    assert f.kind == "drift" and "19" in f.message


NEW_SECTION = """
## Custom elements

Custom elements take attributes as strings, and everything else as properties of the element.

Events of custom elements keep their case, and dashes are allowed in their names as well.
"""


def test_source_text_beside_new_text_with_unrelated_translation_is_untranslated(tmp_path):
    # A section added to the English beside a French paragraph that says something else
    # entirely: the English has no French (untranslated), the French no English (extra).
    fr_extra = "Les anciennes versions demandaient un polyfill pour chaque navigateur, ce qui alourdissait les pages.\n\n"
    en = EN_PAGE.replace("You will often", NEW_SECTION.lstrip("\n") + "\nYou will often", 1)
    fr = FR_PAGE.replace("Vous aurez souvent", fr_extra + "Vous aurez souvent", 1)
    assert _kinds(_project(tmp_path, en, fr)) == [("extra", None, 5), ("untranslated", 5, None),
                                                  ("untranslated", 7, None), ("untranslated", 9, None)]


def test_a_paragraph_rewritten_in_place_is_a_drift(tmp_path):
    # The same French paragraph between two good links, the English in its place
    # rewritten to say something else: the French is the old translation, a drift (and
    # the English in its place, which shares nothing with it, extra).
    en = EN_PAGE.replace("You will often want to display similar components from a collection of data.",
                         "Events of custom elements keep their case, and dashes are allowed in their names as well.")
    assert [k for k, _, _ in _kinds(_project(tmp_path, en, FR_PAGE))] == ["drift", "extra"]
