"""Alignment: the seed pair, structural differences, and properties over generated input."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aomi18n.alignment import align, length_cost, learn_lexicon
from aomi18n.documents import read_document, units

from .conftest import BENCH, ROOT

FR = ROOT / "corpus/fr/groupe-travail-enfants-migrants-plan-2017-2018.txt"
EN = ROOT / "corpus/en/working-group-migrant-children-action-plan.txt"


def test_seed_pair_every_french_block_linked_and_closing_paragraph_is_0_1():
    su, tu = units(read_document(FR)), units(read_document(EN))
    al = align([u.text for u in su], [u.text for u in tu], source_hints=[u.hints for u in su], target_hints=[u.hints for u in tu])
    linked_fr = {i for l in al.links if l.target for i in l.source}
    assert linked_fr == set(range(len(su)))
    assert al.links[-1].source == () and tu[al.links[-1].target[0]].text.startswith("Tools are available")
    # Each French block goes to the English block at the same place (the pair keeps its structure).
    assert [(l.source, l.target) for l in al.links[:-1]] == [((k,), (k,)) for k in range(len(su))]


def test_gale_church_is_stable_for_huge_length_differences():
    c = length_cost(np.array([10.0, 10.0, 5000.0]), np.array([10.0, 5000.0, 1.0]), 1.0, 6.8)
    assert np.all(np.isfinite(c))
    assert c[0] < 1.0 < c[1] and c[2] > 100


SENTENCES = [
    "Le rapport annuel de 2017 présente 12 recommandations.",
    "La Commission de Venise a publié son avis en mars.",
    "Les enfants migrants ont droit à une protection spéciale.",
    "Le Médiateur a visité 4 centres de rétention à Rabat.",
    "Une formation sur la déontologie a réuni 70 participants.",
    "Le site internet sera proposé en anglais et en français.",
    "La conférence finale s'est tenue à Tunis les 28 et 29 janvier.",
    "Le groupe de travail se réunira deux fois par an.",
]
TRANSLATIONS = [
    "The 2017 annual report presents 12 recommendations.",
    "The Venice Commission published its opinion in March.",
    "Migrant children are entitled to special protection.",
    "The Ombudsman visited 4 detention centres in Rabat.",
    "A training on ethics brought together 70 participants.",
    "The website will be offered in English and French.",
    "The final conference was held in Tunis on 28 and 29 January.",
    "The working group will meet twice a year.",
]


def test_structural_differences_dropped_merged_and_added():
    fr = SENTENCES
    en = [TRANSLATIONS[0], TRANSLATIONS[1] + " " + TRANSLATIONS[2], TRANSLATIONS[4],
          "This paragraph was added by the translator about something else entirely.", *TRANSLATIONS[5:]]
    al = align(fr, en)
    got = [(l.source, l.target) for l in al.links]
    assert ((1, 2), (1,)) in got  # merge
    assert ((3,), ()) in got  # dropped
    assert ((), (3,)) in got  # added


@settings(max_examples=60, deadline=None)
@given(
    fr=st.lists(st.sampled_from(SENTENCES + ["Court.", "", "2017"]), max_size=12),
    en=st.lists(st.sampled_from(TRANSLATIONS + ["Short.", "x"]), max_size=12),
)
def test_links_are_monotonic_and_cover_every_unit_once(fr, en):
    al = align(fr, en)
    src = [i for l in al.links for i in l.source]
    tgt = [j for l in al.links for j in l.target]
    assert src == list(range(len(fr))) and tgt == list(range(len(en)))
    assert all(l.source or l.target for l in al.links)
    assert all(len(l.source) <= 3 and len(l.target) <= 3 for l in al.links)


def test_banded_alignment_of_long_documents_matches_full():
    """Above the full-matrix limit the band around anchors must find the same links."""
    from dataclasses import replace

    from aomi18n.alignment import DEFAULT

    fr = [f"{s} ({k})" for k in range(40) for s in SENTENCES]
    en = [f"{s} ({k})" for k in range(40) for s in TRANSLATIONS]
    del en[100]  # one English sentence lost
    full = align(fr, en)
    banded = align(fr, en, params=replace(DEFAULT, full_limit=0, band=20))
    assert [(l.source, l.target) for l in banded.links] == [(l.source, l.target) for l in full.links]
    assert ((100,), ()) in [(l.source, l.target) for l in full.links]


def test_lexicon_learned_from_links():
    lex = learn_lexicon(["le chat noir", "le chat blanc", "un chien"], ["the black cat", "the white cat", "a dog"], [(0, 0), (1, 1), (2, 2)])
    assert "cat" in lex["chat"]


def test_align_cli_json_and_tmx(run):
    r = run(["align", str(FR), str(EN), "--format", "json"])
    data = json.loads(r.stdout)
    assert data["links"][-1] == {"source": None, "target": [20, 20], "score": 0.0, "type": "0-1"}
    assert data["links"][0]["source"] == [3, 3] and data["links"][0]["target"] == [3, 3]
    tmx = run(["align", str(FR), str(EN), "--format", "tmx"]).stdout
    assert tmx.count("<tu>") == 13 and "&lt;" not in tmx


def test_align_lines_mode(run, tmp_path):
    (tmp_path / "a.de").write_text("Erster Satz 1970 .\nZweiter Satz .\n")
    (tmp_path / "a.fr").write_text("Première phrase 1970 .\n\nDeuxième phrase .\n")
    r = run(["align", str(tmp_path / "a.de"), str(tmp_path / "a.fr"), "--segments", "lines", "--source-lang", "de",
             "--target-lang", "fr", "--format", "json"])
    assert [(l["source"], l["target"]) for l in json.loads(r.stdout)["links"]] == [([1, 1], [1, 1]), ([2, 2], [3, 3])]


@pytest.mark.skipif(not (BENCH / "pydocs").is_dir(), reason="../shared/bench/pydocs is absent")
def test_pydocs_pair_aligns_one_to_one():
    d = BENCH / "pydocs" / "howto__sorting"
    su, tu = units(read_document(d / "fr.md", identify=False)), units(read_document(d / "en.md", identify=False))
    al = align([u.text for u in su], [u.text for u in tu])
    good = sum(1 for l in al.links if len(l.source) == len(l.target) == 1 and l.source == l.target)
    assert good >= 0.97 * len(su)


def test_generated_documents_with_dropped_blocks_align_exactly():
    """Templated documents (bench/gen_corpus.py) where the English only drops blocks: every
    other block is 1-1. Once, (X - steps) + steps rounding below X in the DP turned 1-1
    links into 1-0 + 0-1 pairs on exactly such documents."""
    import importlib.util
    import random

    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench/gen_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    rng = random.Random(1)
    for _ in range(6):
        fr, en = gen.document(rng)
        kept = [k for k, e in enumerate(en) if e is not None]
        al = align(fr, [en[k] for k in kept])
        assert [(l.source, l.target) for l in al.links if l.target] == [((k,), (n,)) for n, k in enumerate(kept)]


def _perturbed_pair(seed: int, n: int) -> tuple[list[str], list[str]]:
    """Seed-pair blocks, numbered, with English blocks dropped, merged and added."""
    import random

    fr = [u.text for u in units(read_document(FR, identify=False))]
    en = [u.text for u in units(read_document(EN, identify=False))][: len(fr)]
    rng = random.Random(seed)
    src, tgt = [], []
    for k in range(n):
        i = rng.randrange(len(fr))
        src.append(f"{fr[i]} ({k})")
        r = rng.random()
        if r < 0.08:
            continue
        if r < 0.16 and tgt:
            tgt[-1] += f" {en[i]} ({k})"
            continue
        if r < 0.24:
            tgt.append(f"An added paragraph, number {k + 1000}.")
        tgt.append(f"{en[i]} ({k})")
    return src, tgt


@pytest.mark.parametrize("level", ["blocks", "sentences"])
@pytest.mark.parametrize("banded", [False, True])
def test_compiled_dp_gives_the_links_of_the_numpy_dp(monkeypatch, level, banded):
    """The C kernel (_dpcore.c) and the NumPy rows it replaces: same links, same scores."""
    from dataclasses import replace

    from aomi18n import alignment

    if not alignment.compiled():
        pytest.skip("the compiled DP is not built here")
    for seed in range(4):
        fr, en = _perturbed_pair(seed, 120)
        params = alignment.params_for(level)
        if banded:
            params = replace(params, full_limit=0, band=6)
        fast = align(fr, en, level=level, params=params)
        monkeypatch.setattr("aomi18n.text.PURE_PYTHON", True)  # as AOMI18N_PURE_PYTHON=1 at import
        assert not alignment.compiled()
        slow = align(fr, en, level=level, params=params)
        monkeypatch.setattr("aomi18n.text.PURE_PYTHON", False)
        assert fast == slow
        assert any(len(l.source) != 1 or len(l.target) != 1 for l in fast.links)  # the pair has structure to find


def test_compiled_dp_keeps_the_numpy_dps_choice_among_ties(monkeypatch):
    """Units of equal length and equal text tie beads everywhere: the C kernel, which
    skips the length term of beads that cannot win, must still choose as the NumPy rows do."""
    from aomi18n import alignment

    if not alignment.compiled():
        pytest.skip("the compiled DP is not built here")
    fr = ["Le texte.", "Le texte.", "Un autre texte, plus long que le premier.", "Le texte.", "abc", "abc"] * 6
    en = ["Le texte.", "abc", "Le texte.", "Un autre texte, plus long que le premier.", "abc"] * 7
    for level in ("blocks", "sentences"):
        fast = align(fr, en, level=level)
        monkeypatch.setattr("aomi18n.text.PURE_PYTHON", True)
        slow = align(fr, en, level=level)
        monkeypatch.setattr("aomi18n.text.PURE_PYTHON", False)
        assert fast == slow


def test_compiled_dp_is_built_where_required():
    """CI sets AOMI18N_REQUIRE_COMPILED where a C compiler exists: the build must not have fallen back."""
    import os

    from aomi18n import alignment

    from aomi18n import text

    if not os.environ.get("AOMI18N_REQUIRE_COMPILED"):
        pytest.skip("AOMI18N_REQUIRE_COMPILED is not set")
    assert alignment._dpcore is not None
    assert text._textcore is not None


# Digits of several scripts, separators, the punctuation that counts, letters that are
# no word character, spaces of several kinds: where a C port of the patterns would slip.
_TEXT_ALPHABET = "aZé1٣0.,_ ?!:(;\"«“»”’-xǅß中ſİ١²½\u00a0\u2028\t\n$'"


@given(st.text(alphabet=_TEXT_ALPHABET, max_size=30), st.lists(st.sampled_from(["paragraph", "num3", "heading"]), max_size=2))
def test_compiled_features_are_the_python_features(text, hints):
    """_textcore.c against features.py: the same features, counts and order, and the same word set."""
    from aomi18n import features
    from aomi18n.text import native

    if native() is None:
        pytest.skip("the compiled features are not built here")
    tables = (features.WordFeatures(4, {"HCR": "UNHCR"}), features.WordFeatures(3))
    fast = [features.neutral_features(text, table=t, hints=hints) for t in tables] + [features.word_set(text)]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("aomi18n.text.PURE_PYTHON", True)
        slow = [features.neutral_features(text, table=t, hints=hints) for t in tables] + [features.word_set(text)]
    assert [list(c.items()) for c in fast[:2]] == [list(c.items()) for c in slow[:2]]
    assert fast[2] == slow[2]


@given(st.lists(st.text(alphabet="ab \t\n\u00a0\u2028\u3000é", max_size=12), max_size=5))
def test_compiled_lengths_are_the_python_lengths(texts):
    """Unit lengths with white space collapsed: _textcore.c as str.split and join count them."""
    from aomi18n.text import native

    if native() is None:
        pytest.skip("the compiled text helpers are not built here")
    assert native().collapsed_lengths(texts) == [len(" ".join(t.split())) for t in texts]


@given(st.lists(st.sampled_from(["the", "The", "le", "LES", "été", "ÉTÉ", "of", "de", "x", "1", "_", "-", " ", "'",
                                 "\u00a0", "İ", "ǅ", "٣"]), max_size=14))
def test_compiled_language_counts_are_the_python_counts(pieces):
    """The function words counted by _textcore.c and by langid.py's patterns: the same."""
    from aomi18n import langid
    from aomi18n.text import native

    if native() is None:
        pytest.skip("the compiled text helpers are not built here")
    text = "".join(pieces)
    fast = [langid._counts(text, codes) for codes in (("en", "fr"), ("fr",), ())]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("aomi18n.text.PURE_PYTHON", True)
        slow = [langid._counts(text, codes) for codes in (("en", "fr"), ("fr",), ())]
    assert fast == slow


def test_compiled_dp_rejects_arrays_too_short():
    from aomi18n import alignment

    if alignment._dpcore is None:
        pytest.skip("the compiled DP is not built here")
    z = np.zeros(1)
    with pytest.raises(ValueError, match="shorter"):
        alignment._dpcore.dp(5, 5, 6, np.zeros(6, np.int64), z, z, z, z, z, z, z, alignment.BLOCK_BEADS,
                             (1.0,) * 11, np.zeros(36, np.int8), np.zeros(36, np.float32))


_BAG = st.dictionaries(st.sampled_from([f"f{k}" for k in range(12)]), st.integers(1, 4), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(_BAG, min_size=1, max_size=30), st.lists(_BAG, min_size=1, max_size=30), st.integers(1, 9),
       st.integers(1, 40), st.booleans())
def test_compiled_band_dots_and_neighbour_dots_are_numpys_bit_for_bit(src, tgt, width, budget, dense):
    """The C join sums in NumPy's order: by (feature, unit) for neighbours; in entry order,
    ``budget`` meetings at a time, each run's sums added apart, for the band (a small
    budget cuts it in many runs), on top of a meaning model's dense part."""
    from aomi18n import alignment

    if not alignment.compiled():
        pytest.skip("the compiled DP is not built here")
    n, m = len(src), len(tgt)
    width = min(m + 1, width)  # a band as _run makes it: on the diagonal, inside the matrix
    lo = np.maximum.accumulate(np.clip(np.round(np.arange(n + 1) * m / n).astype(np.int64) - width // 2, 0, m + 1 - width))

    def run():
        vec = alignment._Vectors(alignment._Bags(src, tgt))
        if dense:
            rng = np.random.default_rng(n * 31 + m)
            vec.add_meaning(rng.standard_normal((n, 3)), rng.standard_normal((m, 3)), 0.7)
        return vec, alignment._band_dots(vec, n, m, lo, width, budget=budget)

    fast_vec, fast = run()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("aomi18n.text.PURE_PYTHON", True)
        slow_vec, slow = run()
    assert fast.tobytes() == slow.tobytes()
    assert fast_vec.src_adj.tobytes() == slow_vec.src_adj.tobytes()
    assert fast_vec.tgt_adj.tobytes() == slow_vec.tgt_adj.tobytes()


def test_compiled_joins_refuse_entries_out_of_range():
    from aomi18n import alignment

    if not alignment.compiled():
        pytest.skip("the compiled DP is not built here")
    one, out = np.zeros(1, np.int64), np.zeros(6)
    with pytest.raises(ValueError, match="out of range"):
        alignment._dpcore.adjacent(np.array([5]), one, np.ones(1), 2, 1, out)  # unit 5 of 2
    with pytest.raises(ValueError, match="not sorted"):
        alignment._dpcore.band_dots(one, one, np.ones(1), np.array([1, 0]), np.zeros(2, np.int64), np.ones(2),
                                    np.zeros(3, np.int64), 2, 2, 2, 10, out)


def test_an_unlinked_piece_sharing_a_feature_with_a_neighbouring_link_joins_it():
    from collections import Counter

    from aomi18n.alignment import _attach, _Bags, _Vectors
    from aomi18n.model import Link

    # German lines 0..3, French lines 0..3: line 1 of the German is the tail of a
    # sentence (it names the Matterhorn, as French line 0 does); German line 3 shares
    # nothing with anything; French line 3 shares "n:1835" with French-side link 2-2.
    src = [Counter({"c:matt": 1, "n:4478": 1}), Counter({"c:matt": 1}), Counter({"c:zerm": 1}), Counter({"c:wetter": 1})]
    tgt = [Counter({"c:matt": 1, "n:4478": 1}), Counter({"c:zerm": 1, "n:1835": 1}), Counter({"c:rien": 1}), Counter({"n:1835": 1})]
    vec = _Vectors(_Bags(src, tgt))
    links = [Link((0,), (0,), 0.9), Link((1,), (), 0.0), Link((2,), (1,), 0.7), Link((3,), (), 0.0),
             Link((), (2,), 0.0), Link((), (3,), 0.0)]
    out = _attach(links, vec)
    assert [(l.source, l.target) for l in out] == [((0, 1), (0,)), ((2,), (1,)), ((3,), ()), ((), (2,)), ((), (3,))]
    assert 0 < out[0].score <= 1
    # Nothing unlinked: the links as they were.
    assert _attach(links[:1], vec) == links[:1]
    # A link of six units takes no more.
    src6 = [Counter({"c:matt": 1})] * 3 + [Counter({"c:matt": 1})]
    tgt6 = [Counter({"c:matt": 1})] * 3
    six = [Link((0, 1, 2), (0, 1, 2), 0.9), Link((3,), (), 0.0)]
    assert _attach(six, _Vectors(_Bags(src6, tgt6))) == six


def test_sentences_attach_unlinked_pieces_and_blocks_do_not():
    from aomi18n.alignment import params_for

    assert params_for("sentences").attach and params_for("lines").attach
    assert not params_for("blocks").attach


def test_a_heading_is_never_merged_with_other_blocks():
    from aomi18n.alignment import Link, _headings_apart

    hints_s = [("heading",), ("paragraph",), ("paragraph",)]
    hints_t = [("list_item",), ("heading",)]
    # A new heading folded into the next paragraph's link: it stands alone (untranslated).
    assert _headings_apart([Link((0, 1), (0,), 0.3)], hints_s, hints_t) == [Link((0,), (), 0.0), Link((1,), (0,), 0.3)]
    # A heading ending a link on both sides keeps its counterpart.
    assert _headings_apart([Link((1, 2), (0, 1), 0.4)], [("heading",), ("paragraph",), ("heading",)], hints_t) == [
        Link((1,), (0,), 0.4), Link((2,), (1,), 0.4)]
    # A link of two blocks of any kind is the aligner's to decide.
    assert _headings_apart([Link((0,), (0,), 0.5)], hints_s, hints_t) == [Link((0,), (0,), 0.5)]


def test_lexicon_keeps_three_best_translations_by_dice_then_word():
    # "chat" meets five English words; "cat" in every link (Dice 1), the others in two
    # of four (Dice 2/3 for each of "a", "b", "c", "d"): the best, then ties by the word.
    fr = ["chat", "chat", "chat", "chat"]
    en = ["cat d b", "cat c a", "cat d b", "cat c a"]
    lex = learn_lexicon(fr, en, [(k, k) for k in range(4)])
    assert list(lex["chat"]) == ["cat", "a", "b"]
    assert lex["chat"]["cat"] == 1.0 and abs(lex["chat"]["a"] - 2 / 3) < 1e-12


def test_lexicon_features_take_each_translation_at_its_best():
    from aomi18n.alignment import source_lexicon_features, target_lexicon_features

    lex = {"chat": {"cat": 0.9, "kitty": 0.3}, "matou": {"cat": 0.5, "tomcat": 0.6}}
    assert source_lexicon_features("Le chat et le matou", lex) == {"w:cat": 0.9, "w:kitty": 0.3, "w:tomcat": 0.6}
    assert source_lexicon_features("rien", lex) == {}
    assert target_lexicon_features("The Cat and the dog", {"cat", "tomcat"}) == {"w:cat": 1}


def test_lexicon_features_made_a_few_units_at_a_time_give_the_same_links(monkeypatch):
    """The second pass's lexicon features are made for some thousands of units at a time
    (memory stays flat): cut in chunks of three units, the links are the same."""
    from aomi18n import alignment

    fr, en = _perturbed_pair(3, 80)
    whole = align(fr, en)
    monkeypatch.setattr(alignment, "_UNITS_AT_ONCE", 3)
    assert align(fr, en) == whole


def test_features_refuse_a_hint_that_is_not_text_in_both_versions(monkeypatch):
    from aomi18n import features

    with pytest.raises(TypeError):
        features.neutral_features("Le texte", hints=(1,))
    monkeypatch.setattr("aomi18n.text.PURE_PYTHON", True)
    with pytest.raises(TypeError):
        features.neutral_features("Le texte", hints=(1,))


_SECOND_PASS = """
import sys
from collections import Counter
from aomi18n import alignment
from aomi18n.documents import read_document, units
from aomi18n.features import word_set
src = [u.text for u in units(read_document(sys.argv[1]))]
tgt = [u.text for u in units(read_document(sys.argv[2]))]
k = min(len(src), len(tgt))
lex = alignment._learn(src, tgt, [(i, i) for i in range(k)], min_count=1, min_dice=0.1)
bags = alignment._Bags([Counter()] * len(src), [Counter()] * len(tgt))
bags = bags.with_lexicon(lex, map(word_set, src), map(word_set, tgt))
vec = alignment._Vectors(bags)
print(vec.src_norm2.tobytes().hex(), vec.tgt_norm2.tobytes().hex(), len(bags.names))
"""


def test_lexicon_features_sum_the_same_whatever_the_hash_seed():
    """A unit's words are a set, whose order follows the string hashes: the lexicon's
    features of a unit are laid out by id, so its norm is summed in one order."""
    import os
    import subprocess
    import sys

    runs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", _SECOND_PASS, str(FR), str(EN)], env=env, capture_output=True,
                             text=True, check=True)
        runs.add(out.stdout)
    assert len(runs) == 1 and len(next(iter(runs))) > 100
