"""The per-pair cache and the process pool: same results warm or cold, serial or parallel,
whatever the hash seed; one changed document redoes one pair; a forged entry is never loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


from aomi18n.analysis import analyze
from aomi18n.cache import Cache, fingerprint
from aomi18n.config import load_config

from .conftest import ROOT
from .test_alignment import SENTENCES, TRANSLATIONS


def _corpus(root: Path, pairs: int = 5, blocks: int = 30) -> Path:
    for d in range(pairs):
        fr, en = [], []
        for k in range(blocks):
            n = 1000 * d + k
            fr.append(f"{SENTENCES[(k + d) % 8]} Référence {n}.")
            if k % 11 != 5:  # a few English blocks missing
                en.append(f"{TRANSLATIONS[(k + d) % 8]} Reference {n}.")
        for lang, text in (("fr", fr), ("en", en)):
            folder = root / "corpus" / lang
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"doc{d}.md").write_text("\n\n".join(text) + "\n", encoding="utf-8")
    (root / "corpus/fr/alone.md").write_text("Un document sans traduction anglaise, avec 3 phrases.\n", encoding="utf-8")
    return root


def _json(run, *args) -> dict:
    r = run([*args, "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def test_warm_run_equals_cold_run_and_redoes_nothing(tmp_path, run):
    root = _corpus(tmp_path)
    cold = _json(run, "check", str(root))
    assert (root / ".aomi18n-cache/analysis/pairs").is_dir()
    assert analyze(load_config(root), light=True).redone == 0
    assert _json(run, "check", str(root)) == cold
    assert _json(run, "--no-cache", "check", str(root)) == cold


def test_one_changed_document_redoes_one_pair(tmp_path):
    root = _corpus(tmp_path)
    analyze(load_config(root), light=True)
    doc = root / "corpus/en/doc2.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Reference 2003", "Reference 2030"), encoding="utf-8")
    again = analyze(load_config(root), light=True)
    assert again.redone == 1
    assert any(f.kind == "drift" and f.en.path.endswith("doc2.md") for f in again.findings)


def test_the_cache_does_not_grow_with_edits(tmp_path):
    # One file per pair (and kind of run): an edited document, glossary or threshold
    # replaces the pair's entry instead of adding one; what changed is redone, the rest
    # is read back.
    root = _corpus(tmp_path)
    pairs = root / ".aomi18n-cache/analysis/pairs"

    def files() -> set[str]:
        return {p.name for p in pairs.rglob("*") if p.is_file()}

    analyze(load_config(root), light=True)
    first = files()
    assert len(first) == 6
    doc = root / "corpus/en/doc2.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Reference 2003", "Reference 2030"), encoding="utf-8")
    assert analyze(load_config(root), light=True).redone == 1 and files() == first
    (root / "aomi18n.yaml").write_text("thresholds:\n  drift_content: 0.2\n", encoding="utf-8")
    assert analyze(load_config(root), light=True).redone == 6 and files() == first
    assert analyze(load_config(root), light=True).redone == 0
    analyze(load_config(root), light=True, select=("drift",))  # another kind of run: slots of its own
    assert len(files()) == 12 and analyze(load_config(root), light=True).redone == 0


def test_full_analysis_from_the_cache_has_documents_and_alignment(tmp_path):
    root = _corpus(tmp_path)
    first = analyze(load_config(root))
    second = analyze(load_config(root))
    assert second.redone == 0
    for a, b in zip(first.results, second.results):
        assert a.alignment == b.alignment and a.findings == b.findings
        assert b.pair.source is None or b.pair.source.text


def test_a_cold_run_writes_one_cache_file_per_pair(tmp_path):
    """The documents travel in their pair's entry: no file of their own to create."""
    root = _corpus(tmp_path)
    analyze(load_config(root), light=True)
    cache = root / ".aomi18n-cache/analysis"
    assert len([p for p in (cache / "pairs").rglob("*") if p.is_file()]) == 6  # 5 pairs, 1 French alone
    assert not (cache / "documents").exists()
    full = analyze(load_config(root))  # documents from the entries, as read from the files
    assert full.redone == 0
    for r in full.results:
        assert r.pair.source.text == (root / "corpus/fr" / r.pair.source.relpath).read_text(encoding="utf-8")


def test_process_pool_gives_the_same_findings_as_one_process(tmp_path, run):
    root = _corpus(tmp_path, pairs=6)
    serial = _json(run, "--no-cache", "--jobs", "1", "check", str(root))
    pooled = _json(run, "--no-cache", "--jobs", "2", "check", str(root))
    assert pooled == serial and serial["findings"]


def test_results_do_not_depend_on_the_hash_seed(tmp_path):
    """Ties in the learned lexicon once followed set order, which the hash seed changes."""
    root = tmp_path / "gen"
    subprocess.run([sys.executable, str(ROOT / "bench/gen_corpus.py"), "12", str(root)], check=True, capture_output=True)
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "AOMI18N_NO_CACHE": "1"}
        p = subprocess.run([sys.executable, "-m", "aomi18n", "check", str(root), "--format", "json"],
                           capture_output=True, text=True, env=env, timeout=300)
        assert p.returncode in (0, 1), p.stderr
        outs.append(json.loads(p.stdout))
    assert outs[0]["findings"] and outs[0] == outs[1]


def test_a_forged_or_corrupt_entry_is_a_miss_and_is_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache = Cache(tmp_path / "c")
    key = fingerprint("x")
    cache.put("pairs", key, {"a": 1})
    assert cache.get("pairs", key) == {"a": 1}
    path = tmp_path / "c" / "pairs" / key[:2] / key
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1  # one flipped bit in the pickle: the signature no longer matches
    path.write_bytes(bytes(blob))
    assert cache.get("pairs", key) is None and not path.exists()
    other = Cache(tmp_path / "c")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    stranger = Cache(tmp_path / "c")  # another secret: entries written by someone else are not trusted
    other.put("pairs", key, {"a": 2})
    assert stranger.get("pairs", key) is None


def test_an_entry_of_an_older_layout_is_a_miss_and_is_removed(tmp_path):
    import hashlib
    import hmac

    cache = Cache(tmp_path / "c")
    key = fingerprint("older")
    cache.put("pairs", key, {"a": 1})
    path = tmp_path / "c" / "pairs" / key[:2] / key
    body = path.read_bytes()[len(b"AOMI18N-CACHE-3\n") + 32 + 2 + len(key):]
    sig = hmac.new(cache.key, key.encode() + body, hashlib.sha256).digest()
    path.write_bytes(b"AOMI18N-CACHE-2\n" + sig + body)  # signed, by this machine, in the old layout
    assert cache.get("pairs", key) is None and not path.exists()


def test_a_bad_file_met_in_a_worker_process_is_a_clear_error(tmp_path, run):
    root = _corpus(tmp_path, pairs=6)
    (root / "corpus/en/doc3.md").write_bytes(b"Caf\xe9 au lait\n")
    r = run(["--no-cache", "--jobs", "2", "check", str(root)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "doc3.md:1: is not valid UTF-8" in r.stderr


def test_edited_code_changes_every_key(tmp_path):
    """An edited checkout keeps its version number; its keys must change all the same,
    or findings computed by the old code would be read back as current."""
    import shutil

    import aomi18n

    pkg = Path(aomi18n.__file__).parent
    ids = []
    for edit in ("", "\n# an edit\n"):
        tree = tmp_path / f"tree{len(ids)}"
        shutil.copytree(pkg, tree / "aomi18n", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        (tree / "aomi18n" / "checks" / "drift.py").write_text(
            (pkg / "checks" / "drift.py").read_text(encoding="utf-8") + edit, encoding="utf-8")
        out = subprocess.run([sys.executable, "-c", "from aomi18n.cache import fingerprint; print(fingerprint('k'))"],
                             env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True, check=True)
        ids.append(out.stdout.strip())
    assert ids[0] != ids[1]
    assert ids[0] == fingerprint("k")  # the unedited copy: the same key as the installed code


def test_a_slot_keeps_its_value_under_its_own_key_for_get_kept(tmp_path, monkeypatch):
    # A get with another key misses and leaves the entry (the next put replaces it);
    # get_kept reads it with the key it was kept under, and trusts only this user's.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    cache = Cache(tmp_path / "c")
    old, new = fingerprint("before"), fingerprint("after")
    cache.put("pairs", old, {"a": 1}, "slot-1")
    assert cache.get("pairs", new, "slot-1") is None
    assert cache.get_kept("pairs", "slot-1") == (old, {"a": 1})
    assert cache.get_kept("pairs", "slot-2") is None
    path = tmp_path / "c" / "pairs" / "sl" / "slot-1"
    blob = bytearray(path.read_bytes())
    blob[len(b"AOMI18N-CACHE-3\n") + 40] ^= 1  # the kept key altered: its signature fails
    path.write_bytes(bytes(blob))
    assert cache.get_kept("pairs", "slot-1") is None and not path.exists()
    cache.put("pairs", old, {"a": 1}, "slot-1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    assert Cache(tmp_path / "c").get_kept("pairs", "slot-1") is None


def test_a_check_after_an_export_reads_and_aligns_no_pair_again(tmp_path, run, monkeypatch):
    # The export writes each document's PO file and sync record, which the pairs' checks
    # read (what is new since the sync): they run again, on the documents and alignment
    # the cache kept, and find what a run without the cache finds.
    import aomi18n.alignment as alignment
    import aomi18n.analysis as analysis

    root = _corpus(tmp_path)
    before = _json(run, "--jobs", "1", "check", str(root))
    assert run(["--jobs", "1", "po", "export", str(root)]).exit_code == 0
    calls = []
    real_align, real_parse = alignment.align, analysis.parse_file
    monkeypatch.setattr(alignment, "align", lambda *a, **k: calls.append("align") or real_align(*a, **k))
    monkeypatch.setattr(analysis, "parse_file", lambda *a, **k: calls.append("parse") or real_parse(*a, **k))
    after = _json(run, "--jobs", "1", "check", str(root))
    assert analyze(load_config(root), light=True).redone == 0  # kept under the new keys
    assert calls == []
    monkeypatch.undo()
    assert after == _json(run, "--no-cache", "--jobs", "1", "check", str(root))
    assert after["summary"] == before["summary"]
    # A changed document is read and aligned again.
    doc = root / "corpus/en/doc2.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Reference 2003", "Reference 2030"), encoding="utf-8")
    monkeypatch.setattr(alignment, "align", lambda *a, **k: calls.append("align") or real_align(*a, **k))
    _json(run, "--jobs", "1", "check", str(root))
    assert calls == ["align"]


def test_after_an_export_only_the_checks_that_read_the_sync_record_run_again(project, run, monkeypatch):
    # The glossary's and the other checks' findings depend on the documents and their
    # alignment alone: kept from the pair's entry, in their place among the findings.
    from aomi18n.checks import REGISTRY, SYNC_CHECKS, Check

    assert run(["--jobs", "1", "check", str(project)]).exit_code in (0, 1)
    assert run(["--jobs", "1", "po", "export", str(project)]).exit_code == 0
    calls: list[str] = []
    for name, c in list(REGISTRY.items()):
        monkeypatch.setitem(REGISTRY, name, Check(c.id, lambda ctx, _c=c: calls.append(_c.id) or _c.fn(ctx),
                                                  c.description, c.severity))
    after = _json(run, "--jobs", "1", "check", str(project))
    assert calls and set(calls) <= SYNC_CHECKS and "drift" in calls
    assert any(f["kind"] == "glossary" for f in after["findings"])  # kept, not found again
    monkeypatch.undo()
    assert after == _json(run, "--no-cache", "--jobs", "1", "check", str(project))
