"""The reader and the segmenter: golden cases per seed file, encodings and newline variants."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aomi18n.documents import parse_document, read_document, units
from aomi18n.errors import DocumentError

from .conftest import DATA, ROOT

SEEDS = sorted((ROOT / "corpus").glob("*/*.txt"))
GOLDEN = DATA / "segments"


def summary(doc) -> list:
    return [
        [b.kind, b.line, b.end_line, b.level, b.number, b.lang, len(b.sentences), (b.content if b.translatable else b.text)[:60]]
        for b in doc.blocks
    ]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_segments_match_golden(path: Path):
    """Golden file per seed: blocks a person would agree with (reviewed by hand once)."""
    doc = read_document(path)
    golden = GOLDEN / (path.name + ".expect.json")
    got = summary(doc)
    if os.environ.get("AOMI18N_UPDATE_GOLDEN"):
        rows = ",\n".join(" " + json.dumps(r, ensure_ascii=False) for r in got)
        golden.write_text("[\n" + rows + "\n]\n", encoding="utf-8")
    assert got == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_spans_are_exact(path: Path):
    doc = read_document(path)
    lines = doc.text.split("\n")
    for b in doc.blocks:
        assert doc.text[b.start : b.end] == b.text
        assert doc.text[b.content_start : b.content_end] == b.content
        assert lines[b.line - 1].startswith(b.text.split("\n")[0])
        for s in b.sentences:
            assert doc.text[s.start : s.end] == s.text
            assert b.content_start <= s.start < s.end <= b.content_end
    assert doc.encode() == path.read_bytes()


def test_web_pages_are_split_into_sensible_blocks():
    doc = read_document(ROOT / "corpus/fr/oim-maroc-conference-cloture-salemm.txt")
    assert len(doc.translatable_blocks) > 25
    assert max(b.end_line - b.line for b in doc.blocks) == 0  # no line swallowed into a huge block
    assert [b.content for b in doc.blocks[1:3]][0] == "Qui sommes nous"


def test_languages_identified():
    en = read_document(ROOT / "corpus/en/working-group-migrant-children-action-plan.txt")
    fr = read_document(ROOT / "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt")
    assert en.lang == "en" and fr.lang == "fr"
    mixed = parse_document(
        "The working group met in Rabat on Monday to discuss the plan.\n\n"
        "Le groupe de travail sera composé des membres de plusieurs pays.\n".encode(), "mixed.md"
    )
    assert [b.lang for b in mixed.blocks] == ["en", "fr"]


BASE = "# Titre\n\nLe Médiateur a dit : « Bonjour ! » Puis il est parti.\n\n- premier point\n- second point\n"


@pytest.mark.parametrize(
    "name,data",
    [
        ("lf", BASE.encode()),
        ("bom", b"\xef\xbb\xbf" + BASE.encode()),
        ("crlf", BASE.replace("\n", "\r\n").encode()),
        ("cr", BASE.replace("\n", "\r").encode()),
        ("no-final-newline", BASE.rstrip("\n").encode()),
        ("nbsp", BASE.replace(" :", "\u00a0:").replace(" !", "\u202f!").encode()),
        ("typographic", BASE.replace("Le Médiateur", "L’équipe du Médiateur").encode()),
    ],
)
def test_encoding_and_newline_variants(name, data):
    doc = parse_document(data, f"{name}.md")
    assert [(b.kind, b.line, b.end_line) for b in doc.blocks] == [
        ("heading", 1, 1), ("paragraph", 3, 3), ("list_item", 5, 5), ("list_item", 6, 6)
    ]
    assert doc.encode() == data
    assert doc.bom == (name == "bom")
    assert doc.newline == {"crlf": "\r\n", "cr": "\r"}.get(name, "\n")
    assert doc.final_newline == (name != "no-final-newline")
    para = doc.blocks[1]
    assert len(para.sentences) == 2
    assert doc.blocks[0].content == "Titre"


def test_sentences_keep_abbreviations_together():
    doc = parse_document(
        "M. Dupont a cité l'art. 12, p. ex. la Convention. Il a conclu.\n\n"
        "Mr. J. Smith cited e.g. the Convention. He concluded.\n".encode(), "s.md")
    assert [s.text for s in doc.blocks[0].sentences] == ["M. Dupont a cité l'art. 12, p. ex. la Convention.", "Il a conclu."]
    assert [s.text for s in doc.blocks[1].sentences] == ["Mr. J. Smith cited e.g. the Convention.", "He concluded."]


def test_markdown_structure_code_front_matter_tables():
    text = (
        "---\ntitle: Rapport\n---\n\n# Rapport annuel\n\nUn paragraphe qui continue\nsur deux lignes.\n\n"
        "```python\nprint('non traduit')\n```\n\n| Pays | Membres |\n|------|---------|\n| Maroc | 3 |\n\n"
        "1. Premier\n   - sous-point\n2. Second\n"
    )
    doc = parse_document(text.encode(), "s.md")
    kinds = [(b.kind, b.line, b.end_line, b.level, b.number) for b in doc.blocks]
    assert kinds == [
        ("front_matter", 1, 1, 0, None), ("meta", 2, 2, 0, None), ("front_matter", 3, 3, 0, None),
        ("heading", 5, 5, 1, None), ("paragraph", 7, 8, 0, None),
        ("code", 10, 12, 0, None), ("table_row", 14, 14, 0, None), ("separator", 15, 15, 0, None),
        ("table_row", 16, 16, 0, None), ("list_item", 18, 18, 0, "1"), ("list_item", 19, 19, 1, None),
        ("list_item", 20, 20, 0, "2"),
    ]
    assert not doc.blocks[5].translatable and doc.blocks[4].content == "Un paragraphe qui continue\nsur deux lignes."
    assert doc.blocks[1].content == "Rapport" and doc.blocks[1].translatable  # a translatable front-matter key


def test_units_levels():
    doc = parse_document("Une phrase. Une autre phrase.\n\nTrois.\n".encode(), "u.md")
    assert [u.text for u in units(doc, "blocks")] == ["Une phrase. Une autre phrase.", "Trois."]
    assert [u.text for u in units(doc, "sentences")] == ["Une phrase.", "Une autre phrase.", "Trois."]
    assert [u.line for u in units(doc, "lines")] == [1, 3]


@pytest.mark.parametrize(
    "data,needle,line",
    [
        ("Caf\u00e9 cr\u00e8me\nd\u00e9j\u00e0 vu\n".encode("latin-1"), "not valid UTF-8", 1),
        ("Bonjour\n".encode("utf-16"), "UTF-16", None),
        (b"\x7fELF\x00\x01\x02", "binary", None),
        (b"", "empty", None),
        (b"  \n\n", "empty", None),
        (b"ok\n" + b"x" * 200_001 + b"\n", "line of 200,001 characters", 2),
    ],
)
def test_unreadable_inputs_are_clear_errors(data, needle, line):
    with pytest.raises(DocumentError) as exc:
        parse_document(data, "bad.txt")
    assert needle in str(exc.value) and exc.value.path == "bad.txt" and exc.value.line == line


def test_words_to_translate_leaves_out_names_and_keeps_prose():
    from aomi18n.text import words_to_translate

    text = "Le Médiateur reçoit l'appel. useState, eslint-plugin-react et v18 sont des noms; ÉCOLE aussi, pas état"
    assert words_to_translate(text) == "Le Médiateur reçoit l'appel. et sont des noms; aussi, pas état"


@given(st.lists(st.text(alphabet="aZéÉǅß中_-./@1`'\"«", min_size=1, max_size=8), max_size=8))
def test_words_to_translate_is_the_per_word_rule(words):
    # The shortcut for words of letters must never change what the name rule says.
    from aomi18n.text import _NAME_MARK, prose, words_to_translate

    text = " ".join(words)
    kept = [w for w in prose(text).split() if not _NAME_MARK.search(w)]
    if not any(c in text for c in "\"\u201c\u00ab"):
        assert words_to_translate(text) == " ".join(kept)


@given(st.text(alphabet="ab\n\r \u2028\x0b", max_size=12))
def test_lines_split_as_the_line_pattern_reads_them(text):
    from aomi18n.documents import _LINE, _split_lines

    expected = []
    for m in _LINE.finditer(text):
        if m.start() == len(text) and expected:
            break
        expected.append((m.start(), m.start() + len(m.group(0).rstrip("\r\n"))))
        if m.end() == len(text):
            break
    assert _split_lines(text) == expected


@given(st.text(alphabet="a.1٣ .,<br/>xé\n\u00a0", max_size=24))
def test_words_are_counted_as_pocount_counts_them(text):
    # word_count takes pocount's steps with less work (C for the dots): the same count.
    from translate.tools.pocount import numberre, wordcount

    from aomi18n.text import native, word_count

    assert word_count(text) == wordcount(text)
    if native() is not None:
        assert native().undot(text) == numberre.sub(" ", text)


@given(st.text(alphabet="aA1 .!?…\"»)]«(\u00a0É-\n", max_size=20))
def test_sentence_ends_are_found_as_the_plain_pattern_finds_them(text):
    import re

    from aomi18n.sentences import _END

    reference = re.compile(_END.pattern.replace("([.!?…][.!?…]*)", "([.!?…]+)", 1))
    assert reference.pattern != _END.pattern
    assert [m.span(0) + m.span(3) for m in _END.finditer(text)] == [m.span(0) + m.span(3) for m in reference.finditer(text)]


@given(st.text(alphabet="aA1 .!?…\"»)]«(\u00a0É-\nM'’p", max_size=24), st.sampled_from(["fr", "en", "de", None]))
def test_a_text_said_to_be_one_sentence_is_split_into_one_at_most(text, lang):
    from aomi18n.sentences import one_sentence, split_sentences

    if one_sentence(text):
        assert len(split_sentences(text, lang)) <= 1
    else:
        assert any(c in text for c in ".!?…")


_MD_PIECES = ["# T\n", "a\0b\n", "<a b=x\0y>\n", "\r\n", "\r", "- it\0em\n", "```\ncode\0\n```\n", "> q\r\n", "<div>\n",
              "text\n", "\n", "1. x\n", "|a|b|\n|-|-|\n", "---\ntitle: x\0\n---\n", "  indented\n", "Setext\n===\n",
              "[a]: /url\n", "~~~\n", "a | b\n", "--- | ---\n", ">\n", "#\n", "***\n", "    code\n", "text [a] <b> # c\n",
              "  - item > q\n", "<!-- c -->\n", "1) x\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_MD_PIECES), min_size=1, max_size=14))
def test_markdown_read_without_rules_that_cannot_match_gives_markdown_its_tokens(pieces):
    """The parser runs without markdown-it's normalize rule (a pass over every text):
    _normalized changes the rare text that holds a carriage return or a NUL instead;
    and without the block rules whose opening strings the text lacks. The block tokens
    are the ones markdown-it makes with all its rules, on hostile text too (a NUL inside
    an HTML attribute decides whether the line is an HTML block)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    from aomi18n import markdown

    text = "".join(pieces)
    reference = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)
    reference.disable(["inline", "text_join"])

    def blocks(tokens):
        return [(t.type, t.map, t.markup, t.content) for t in tokens]

    ours = markdown._normalized(text)
    assert blocks(markdown._parser(True, ours).parse(ours)) == blocks(reference.parse(text))
    plain = MarkdownIt("commonmark", {"html": False}).enable("table")  # the parser of text inside HTML blocks
    plain.disable(["inline", "text_join"])
    assert blocks(markdown._parser(False, ours).parse(ours)) == blocks(plain.parse(text))
