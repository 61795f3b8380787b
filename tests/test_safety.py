"""The gate cannot be switched off by a typo; outputs never land in the corpus or over
someone's file; a killed run leaves nothing behind."""

from __future__ import annotations

import os
import signal
import time

import pytest

from aomi18n.errors import Aomi18nError
from aomi18n.writer import uninterrupted, write_bytes, write_output


@pytest.mark.parametrize("spec", ["eror", "bogus", ",", "errors", "drift,bogus", "never,error", " "])
def test_a_fail_on_that_names_nothing_valid_is_an_error_not_an_open_gate(run, project, spec):
    r = run(["--no-cache", "check", str(project), "--fail-on", spec])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "--fail-on" in r.output


def test_a_typo_gets_a_did_you_mean(run, project):
    r = run(["--no-cache", "check", str(project), "--fail-on", "eror"])
    assert "did you mean 'error'?" in r.output


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "101"])
def test_min_coverage_must_be_a_percentage(run, project, value):
    r = run(["--no-cache", "check", str(project), "--min-coverage", value])
    assert r.exit_code == 2


def test_the_gate_says_why_it_failed(run, project):
    r = run(["--no-cache", "check", str(project), "--fail-on", "never", "--min-coverage", "80"])
    assert r.exit_code == 1 and "failing: coverage 15.4% is under the minimum of 80%" in r.stderr
    r = run(["--no-cache", "check", str(project), "--fail-on", "glossary"])
    assert r.exit_code == 1 and "failing: 3 findings of the kinds glossary" in r.stderr
    r = run(["--no-cache", "check", str(project), "--fail-on", "stale"])
    assert r.exit_code == 0 and "failing" not in r.stderr


def test_a_missing_glossary_is_said(run, project):
    (project / "glossary.yaml").unlink()
    r = run(["--no-cache", "check", str(project), "--fail-on", "never"])
    assert r.exit_code == 0 and "no glossary (glossary.yaml not found)" in r.stderr


def test_outputs_never_go_into_the_corpus(run, project):
    for target in ("corpus/en/working-group-migrant-children-action-plan.txt", "corpus/en/report.md",
                   "corpus/fr/findings.json"):
        before = (project / target).read_bytes() if (project / target).exists() else None
        r = run(["check", str(project), "--format", "json", "-o", str(project / target)])
        assert r.exit_code == 2 and "outputs never go into the corpus" in r.stderr
        after = (project / target).read_bytes() if (project / target).exists() else None
        assert after == before
    r = run(["report", str(project), "--format", "md", "-o", str(project / "corpus/en/report.md")])
    assert r.exit_code == 2 and not (project / "corpus/en/report.md").exists()


def test_an_output_replaces_only_what_aomi18n_wrote_unless_forced(run, project, tmp_path):
    mine = tmp_path / "notes.json"
    mine.write_text("my own notes\n")
    r = run(["check", str(project), "--format", "json", "-o", str(mine)])
    assert r.exit_code == 2 and "use --force" in r.stderr and mine.read_text() == "my own notes\n"
    out = tmp_path / "findings.json"
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 1
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 1  # its own: fine
    out.write_text(out.read_text() + " ")  # edited by hand since
    assert run(["check", str(project), "--format", "json", "-o", str(out)]).exit_code == 2
    assert run(["check", str(project), "--format", "json", "-o", str(mine), "--force"]).exit_code == 1
    assert mine.read_text().startswith("{")


def test_write_output_refuses_protected_folders_directly(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "en").mkdir(parents=True)
    with pytest.raises(Aomi18nError, match="inside the corpus"):
        write_output(corpus / "en" / "x.html", "x", record=None, protected=(corpus / "en",))


def test_leftover_temporary_files_of_a_killed_run_are_removed_by_the_next_write(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("old\n")
    stale = tmp_path / ".doc.md.k2j3h4g5.tmp"
    stale.write_text("half written")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    live = tmp_path / ".doc.md.live0001.tmp"  # a writer's file of this very second is spared
    live.write_text("being written")
    other = tmp_path / ".other.md.abcdefgh.tmp"
    other.write_text("x")
    os.utime(other, (old, old))
    assert write_bytes(doc, b"new\n")
    assert not stale.exists() and live.exists() and other.exists() and doc.read_bytes() == b"new\n"


def test_sigterm_is_held_back_while_a_temporary_file_exists():
    got = []
    previous = signal.signal(signal.SIGTERM, lambda s, f: got.append(s))
    try:
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.05)
            assert got == []  # not delivered inside the block
        assert got == [signal.SIGTERM]  # delivered right after it
    finally:
        signal.signal(signal.SIGTERM, previous)
